"""Web pages (.html, .htm, and simple .mhtml archives) to the reading flow.

Departments publish their disclosures as web pages: the 情况说明 as ``<p>`` paragraphs and
``<h1-6>`` headings, the tables as ``<table>``s with merged header cells (rowspan/colspan), old
pages in GB2312/GBK.  The page is parsed by lxml; scripts, styles and comments are dropped;
block elements (``<p>``, ``<div>``, ``<br>``, ``<li>``, …) end lines; headings keep their level.
A table whose cells hold other tables or headings lays out the page (old sites put the whole page
in one) and is read as blocks; any other table is a grid (:func:`extraction.blockflow.resolve_spans`).
A page break the page prints (``page-break-before/after: always``, as Word's "save as web page"
writes it) starts a new page.

The charset is the byte-order mark's, else the page's own declaration (``<meta charset>``,
``http-equiv="Content-Type"``, an XML declaration; GB2312 and GBK are decoded as GB18030, their
superset), else the guess of :mod:`extraction.encoding`.
"""

from __future__ import annotations

import codecs
import re

from extraction.blockflow import FlowBuilder, resolve_spans
from extraction.encoding import CHARS_PER_DAMAGE, decode_report
from extraction.layout import FlowItem
from extraction.limits import MAX_MARKUP_BYTES
from extraction.model import Page


class HtmlError(Exception):
    """A page that cannot be read: ``code`` is one of the reader's ERROR_CODES."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


_DECLARED = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
                       rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# the charsets pages declare for simplified Chinese, all read as GB18030 (their superset: a
# GB2312 page with one GBK character is common)
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "csgb2312", "chinese", "euc-cn", "cp936",
       "windows-936", "ms936", "gb18030", "iso-ir-58"}
_HEAD = 16384  # bytes searched for the declaration
_WESTERN = {"iso8859-1", "cp1252", "ascii", "iso8859-15"}


def declared_charset(data: bytes) -> str | None:
    """The Python codec of the charset the page declares in its first bytes, or None."""
    m = _DECLARED.search(data[:_HEAD])
    if not m:
        return None
    name = (m.group(1) or m.group(2)).decode("ascii").lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str | None]:
    """The page's text and a note on its decoding (None: UTF-8 as declared or guessed, clean)."""
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:].decode("utf-8", errors="replace"), None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace"), "decoded as UTF-16 (its byte-order mark)"
    codec = declared_charset(data)
    if codec in _WESTERN and not data.isascii():
        # a Chinese page declared in a Western charset (a template's default left in) decodes in it
        # without an error, as mojibake: the bytes tell which charset they are in
        guess = decode_report(data)
        if guess is not None and guess.replaced == 0:
            return guess.text, f"declared {codec.upper()} but decoded as {guess.encoding.upper()} (its bytes fit)"
    if codec is not None:
        try:
            return data.decode(codec), (None if codec == "utf-8" else f"decoded as {codec.upper()} (declared)")
        except UnicodeDecodeError:
            guess = decode_report(data)
            if guess is not None and guess.replaced == 0 and guess.encoding != codec:
                return guess.text, f"declared {codec.upper()} but decoded as {guess.encoding.upper()} (its bytes fit)"
            text = data.decode(codec, errors="replace")
            damaged = text.count("\ufffd")
            if damaged * CHARS_PER_DAMAGE > len(text):
                raise HtmlError("bad_encoding", f"declares {codec.upper()}, but {damaged} byte sequences decode "
                                                "neither in it nor in UTF-8, UTF-16 or GB18030") from None
            return text, (f"decoded as {codec.upper()} (declared); {damaged} undecodable byte sequences replaced "
                          "by U+FFFD (findings whose evidence touches one are marked damaged_text)")
    guess = decode_report(data)
    if guess is None:
        raise HtmlError("bad_encoding", "declares no charset, and is not UTF-8, UTF-16 or GB18030 text")
    return guess.text, guess.note


def html_from_mhtml(data: bytes) -> bytes:
    """The text/html part of an MHTML archive (a web page saved with its pictures), decoded from its
    transfer encoding (quoted-printable, base64), with its charset declared when its MIME header
    gives one; HtmlError when the archive holds no page."""
    import email
    import email.policy

    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            body = part.get_payload(decode=True)
            if not isinstance(body, bytes) or not body.strip():
                continue
            charset = part.get_content_charset()
            if charset and declared_charset(body) is None:
                body = f'<meta charset="{charset}">'.encode("ascii", "replace") + body
            return body
    raise HtmlError("unsupported_type", "an MHTML archive without a text/html part")


def is_mhtml(head: bytes) -> bool:
    """Whether the bytes begin like a saved MHTML archive (MIME headers of a multipart/related)."""
    top = head[:4096].lower()
    return b"mime-version:" in top and b"multipart/related" in top


_BLOCK = frozenset("p div br h1 h2 h3 h4 h5 h6 li ul ol dl dt dd tr table tbody thead tfoot section article "
                   "header footer nav aside main blockquote pre hr center form address caption figure "
                   "figcaption fieldset legend details summary body html td th".split())
_DROP = frozenset("script style noscript template head title iframe object embed svg math select option nav "
                  "textarea button".split())
_HEADING = {f"h{i}": i for i in range(1, 7)}
_SPACE = re.compile(r"[ \t\n\r\f]+")
_BREAK_BEFORE = re.compile(r"(?:page-)?break-before\s*:\s*(?:always|page)", re.I)
_BREAK_AFTER = re.compile(r"(?:page-)?break-after\s*:\s*(?:always|page)", re.I)
_DATA_URI = re.compile(rb"""(src|href|data)\s*=\s*["']data:[^"']{256,}["']""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_LAYOUT_INSIDE = frozenset(("table", "h1", "h2", "h3", "h4", "h5", "h6"))


_BOLD = frozenset(("b", "strong"))
_CENTRED = re.compile(r"text-align\s*:\s*center", re.I)


def _is_centred(el, tag: str, style: str | None) -> bool:
    """An element that centres its text (<center>, align=center, text-align: center)."""
    return tag == "center" or (el.get("align") or "").lower() == "center" or bool(style and _CENTRED.search(style))


def _join(parts: list[str]) -> str:
    """Inline texts as one line, white space collapsed as a browser shows it."""
    return _SPACE.sub(" ", "".join(parts))


def _tag(el) -> str:
    t = el.tag
    return t.lower() if isinstance(t, str) else ""


def _cell_text(cell) -> str:
    """A table cell's text: its blocks joined (a space only between two Latin letters or digits)."""
    if not len(cell):  # (most cells hold their text alone)
        return _SPACE.sub(" ", cell.text).strip() if cell.text else ""
    lines: list[str] = []
    buf: list[str] = []

    def end_line() -> None:
        t = _join(buf).strip()
        buf.clear()
        if t:
            lines.append(t)

    from lxml import etree

    walk = etree.iterwalk(cell, events=("start", "end"))
    for ev, el in walk:
        tag = _tag(el)
        if ev == "start":
            if el is not cell and tag in _DROP:
                walk.skip_subtree()
                continue
            if tag in _BLOCK:
                end_line()
            if el.text and tag not in _DROP:
                buf.append(el.text)
        else:
            if el is cell:
                break
            if tag in _BLOCK:
                end_line()
            if el.tail:
                buf.append(el.tail)
    end_line()
    out = ""
    for t in lines:
        if out and out[-1].isascii() and out[-1].isalnum() and t[0].isascii() and t[0].isalnum():
            out += " "
        out += t
    return out


def _span(el, name: str) -> int:
    v = el.get(name)
    if v is None:
        return 1
    try:
        return max(1, min(int(v.strip() or 1), 1000))
    except ValueError:
        return 1


def _rows(table) -> list:
    """The table's own rows (in its thead/tbody/tfoot or directly in it), not a nested table's."""
    out = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend(r for r in child if _tag(r) == "tr")
    return out


def _is_layout(table, rows: list) -> bool:
    """A table that lays out the page: one of its own cells holds a table or a heading."""
    for r in rows:
        for cell in r:
            if _tag(cell) in ("td", "th") and any(_tag(x) in _LAYOUT_INSIDE for x in cell.iterdescendants()):
                return True
    return False


def _grid(rows: list) -> list[list[str | None]]:
    cells = [[(_cell_text(c), _span(c, "colspan"), _span(c, "rowspan")) for c in r if _tag(c) in ("td", "th")]
             for r in rows]
    return resolve_spans(cells)


def read_html_flow(data: bytes, mhtml: bool = False) -> tuple[list[Page], list[FlowItem], list[str]]:
    """Pages, the flow of lines and table grids, and notes (decoding, cuts) of a web page's bytes."""
    import lxml.html
    from lxml import etree

    notes: list[str] = []
    if mhtml:
        data = html_from_mhtml(data)
    if len(data) > 1 << 20:  # (pictures embedded in a page are no text: their bytes are not parsed)
        data = _DATA_URI.sub(rb'\1=""', data)
    if len(data) > MAX_MARKUP_BYTES:
        notes.append(f"the page has {len(data)} bytes: the markup after the first {MAX_MARKUP_BYTES} is not read "
                     "(MAX_MARKUP_BYTES)")
        data = data[:MAX_MARKUP_BYTES]
    text, note = decode_html(data)
    if note:
        notes.append(note)
    del data
    if not text.strip():
        raise HtmlError("empty", "the page has no text")
    text = _XML_DECLARATION.sub("", text, count=1)  # (lxml refuses a str that declares its encoding)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise HtmlError("empty", f"the page has no content ({e})") from None
    del text
    out = FlowBuilder()
    buf: list[str] = []
    heading: list[int] = []  # the level of each open heading element
    pre = 0  # open <pre> elements (their line breaks are lines)
    bold = centered = 0  # open <b>/<strong> elements; open centred elements
    seen = {"bold": False, "plain": False}  # the current line has text in bold / not in bold

    def add(text: str) -> None:
        buf.append(text)
        if not text.isspace():
            seen["bold" if bold else "plain"] = True

    def end_line() -> None:
        if buf:
            if pre:
                for part in "".join(buf).split("\n"):
                    out.line(part.replace("\t", "  "))
            else:
                # a line all in bold, or centred, is a title (level 1) unless its element says its level
                emphasised = centered > 0 or (seen["bold"] and not seen["plain"])
                out.line(_join(buf), heading[-1] if heading else (1 if emphasised else None))
            buf.clear()
        seen["bold"] = seen["plain"] = False

    walk = etree.iterwalk(root, events=("start", "end"))
    for ev, el in walk:
        if out.full:
            break
        tag = _tag(el)
        if ev == "start":
            if tag in _DROP or not tag:  # (not tag: an entity or other node lxml keeps)
                walk.skip_subtree()
                continue
            style = el.get("style")
            if tag in _BLOCK:
                end_line()
            if style and _BREAK_BEFORE.search(style) and (out.flow or buf):
                end_line()
                out.page_break()
            if tag == "table":
                rows = _rows(el)
                if not _is_layout(el, rows):
                    out.table(_grid(rows))
                    walk.skip_subtree()
                    if _is_centred(el, tag, style):
                        centered += 1  # (its end below counts it off)
                    continue
            if tag in _HEADING:
                heading.append(_HEADING[tag])
            elif tag == "pre":
                pre += 1
            elif tag in _BOLD:
                bold += 1
            if _is_centred(el, tag, style):
                centered += 1
            if el.text:
                add(el.text)
        else:
            if tag in _DROP or not tag:
                if el.tail:
                    add(el.tail)
                continue
            if tag in _BLOCK:
                end_line()
            if tag in _HEADING and heading:
                heading.pop()
            elif tag == "pre" and pre:
                pre -= 1
            elif tag in _BOLD and bold:
                bold -= 1
            style = el.get("style")
            if centered and _is_centred(el, tag, style):
                centered -= 1
            if style and _BREAK_AFTER.search(style):
                end_line()
                out.page_break()
            if el.tail:  # (the text after an element, a dropped one too, is its parent's)
                add(el.tail)
    end_line()
    pages, flow = out.finish()
    return pages, flow, notes + out.notes
