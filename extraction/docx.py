"""Word documents (.docx) to the reading flow, with python-docx.

The body is read in document order, paragraphs and tables as they stand (a table between two
paragraphs stays between them), each numbered paragraph with the number Word draws before it
("一、", "（一）", "1.", :class:`_Numbering`).  A paragraph is a heading when its style is one (Heading N,
标题 N, or a style or paragraph with an outline level), with that level.  A table's merged
cells are resolved from the markup: a cell spanning columns (``w:gridSpan``) or continued down
(``w:vMerge``) prints its text once, at its first row and column, and nothing where it spans.
Figures stay as printed (the cell's text).

Pages: a document holds no pages, only the breaks Word last rendered (``w:lastRenderedPageBreak``)
and the ones its author put (``w:br w:type="page"``, ``pageBreakBefore``).  The rendered breaks
are counted when there are any (they are where the pages were), else the explicit ones; a
document with neither is one page.

A .docx is a zip: its members' sizes are checked before anything is unpacked (a zip bomb is
refused as ``too_large``), and a zip without ``word/document.xml`` is no Word document.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from extraction.blockflow import FlowBuilder
from extraction.layout import FlowItem
from extraction.limits import MAX_DOCX_PART_BYTES
from extraction.model import Page

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (_W + x for x in ("p", "tbl", "tr", "tc", "sdt", "sdtContent",
                                                                  "customXml"))
_T, _TAB, _BR, _CR, _RENDERED, _NB_HYPHEN = (_W + x for x in ("t", "tab", "br", "cr", "lastRenderedPageBreak",
                                                              "noBreakHyphen"))
_SKIP = frozenset((_W + "txbxContent", _MC_FALLBACK, _W + "del", _W + "pPr", _W + "rPr", _W + "moveFrom"))
_VAL = _W + "val"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_TITLE_STYLES = {"title", "subtitle", "标题", "副标题"}  # a document's title: a heading of level 1

# A zip's unpacked members together: a report of a few hundred pages is a few MB.
_MAX_UNPACKED = 4 * MAX_DOCX_PART_BYTES


class DocxError(Exception):
    """A Word file that cannot be read: ``code`` is one of the reader's ERROR_CODES."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def ole_error(path: Path) -> DocxError:
    """Why an old-Office (OLE) file named as a Word document is not read: a password-protected
    .docx (Word encrypts into an OLE container) or a .doc of Word 97–2003."""
    with path.open("rb") as f:
        head = f.read(1 << 20)
    if "EncryptedPackage".encode("utf-16-le") in head:
        return DocxError("encrypted", "the Word document is password-protected; save an unprotected copy "
                                      "and try again")
    return DocxError("unsupported_type", "an old Word document (.doc, Word 97–2003); crossfoot reads .docx: "
                                         "open it in Word or LibreOffice and save it as .docx or PDF")


def is_word_zip(path: Path) -> bool:
    """Whether a zip holds a Word document's body (its directory is read, nothing unpacked)."""
    try:
        with zipfile.ZipFile(path) as z:
            return "word/document.xml" in z.NameToInfo
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise DocxError("corrupt", f"the zip container is damaged ({e})") from None
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise DocxError("unsupported_type", "a ZIP archive that is not a Word document (no word/document.xml)")
    if any(i.flag_bits & 0x1 for i in infos):
        raise DocxError("encrypted", "the zip's members are encrypted")
    big = max(infos, key=lambda i: i.file_size)
    total = sum(i.file_size for i in infos)
    if big.file_size > MAX_DOCX_PART_BYTES or total > _MAX_UNPACKED:
        raise DocxError("too_large", f"the document unpacks to {total / 2**20:.0f} MB ({big.filename}: "
                                     f"{big.file_size / 2**20:.0f} MB), over the {MAX_DOCX_PART_BYTES / 2**20:.0f} MB "
                                     "a part may have (MAX_DOCX_PART_BYTES): a zip bomb, or a document to split")


def _style_levels(document) -> dict[str, int]:
    """The heading level of each paragraph style (by id): its name's (Heading N, 标题 N; Title and
    Subtitle, 标题 and 副标题: 1) or its outline level, its own or the nearest of the styles it is based on."""
    own: dict[str, int | None] = {}
    based: dict[str, str] = {}
    for st in document.styles.element.iterchildren(_W + "style"):
        if st.get(_W + "type", "paragraph") != "paragraph":
            continue
        sid = st.get(_W + "styleId") or ""
        name = st.find(_W + "name")
        text = (name.get(_VAL, "") if name is not None else "").strip()
        m = _HEADING_STYLE.match(text)
        if m:
            own[sid] = int(m.group(1))
        else:
            own[sid] = 1 if text.lower() in _TITLE_STYLES else _outline_level(st.find(_W + "pPr"))
        b = st.find(_W + "basedOn")
        if b is not None:
            based[sid] = b.get(_VAL, "")
    out: dict[str, int] = {}
    for sid in own:
        s, level, seen = sid, None, 0
        while s in own and level is None and seen < 10:
            level = own[s]
            s = based.get(s, "")
            seen += 1
        if level is not None:
            out[sid] = level
    return out


def _style_numbering(document) -> dict[str, tuple[str, int]]:
    """The list (numId) and level each paragraph style numbers its paragraphs with, its own or
    the nearest of the styles it is based on (a heading style linked to "第一部分"/"一、" numbering)."""
    own: dict[str, tuple[str, int]] = {}
    based: dict[str, str] = {}
    for st in document.styles.element.iterchildren(_W + "style"):
        sid = st.get(_W + "styleId") or ""
        b = st.find(_W + "basedOn")
        if b is not None:
            based[sid] = b.get(_VAL, "")
        npr = st.find(_W + "pPr/" + _W + "numPr")
        if npr is not None:
            n = npr.find(_W + "numId")
            if n is not None:
                own[sid] = (n.get(_VAL, ""), _int(npr.find(_W + "ilvl"), 0))
    out: dict[str, tuple[str, int]] = {}
    for sid in set(own) | set(based):
        s, seen = sid, 0
        while s and s not in own and seen < 10:
            s = based.get(s, "")
            seen += 1
        if s in own:
            out[sid] = own[s]
    return out


def _outline_level(ppr) -> int | None:
    if ppr is None:
        return None
    ol = ppr.find(_W + "outlineLvl")
    if ol is None:
        return None
    try:
        v = int(ol.get(_VAL, "9"))
    except ValueError:
        return None
    return v + 1 if 0 <= v < 9 else None


_CN_DIGITS = "零一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def _chinese(n: int) -> str:
    """n (1–9999) in Chinese numerals as Word's chineseCounting prints them (十一, 二十, 一百零五)."""
    if not 0 < n < 10_000:
        return str(n)
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero and out:
                out += "零"
            out += ("" if unit == "十" and d == 1 and not out else _CN_DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def _format_number(n: int, fmt: str) -> str:
    """A list counter in the number format Word draws it in (w:numFmt)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "japaneseCounting",
               "ideographDigital", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese(n)
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 0 < n <= 20 else str(n)
    if fmt in ("upperLetter", "lowerLetter"):
        c = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return c if fmt == "upperLetter" else c.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        r = _roman(n)
        return r if fmt == "upperRoman" else r.lower()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _Numbering:
    """The numbers Word draws before numbered paragraphs ("一、", "（一）", "1."), counted in document order.

    A paragraph is numbered by its own ``w:numPr`` or its style's; the list's level gives the
    format (``w:numFmt``), the text around the counters (``w:lvlText``, "%1、") and the start.
    Bullets draw no text."""

    def __init__(self, document, styles: dict[str, tuple[str, int]]):
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId → ilvl → start, format, text
        self.counters: dict[str, dict[int, int]] = {}
        self.styles = styles
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError, ValueError):
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for an in root.iterchildren(_W + "abstractNum"):
            lv: dict[int, tuple[int, str, str]] = {}
            for lvl in an.iterchildren(_W + "lvl"):
                ilvl = _int_attr(lvl, _W + "ilvl", 0)
                start = _int(lvl.find(_W + "start"), 1)
                fmt = lvl.find(_W + "numFmt")
                text = lvl.find(_W + "lvlText")
                lv[ilvl] = (start, fmt.get(_VAL, "decimal") if fmt is not None else "decimal",
                            text.get(_VAL, "") if text is not None else "")
            abstract[an.get(_W + "abstractNumId", "")] = lv
        for num in root.iterchildren(_W + "num"):
            a = num.find(_W + "abstractNumId")
            lv = dict(abstract.get(a.get(_VAL, "") if a is not None else "", {}))
            for ov in num.iterchildren(_W + "lvlOverride"):
                so = ov.find(_W + "startOverride")
                i = _int_attr(ov, _W + "ilvl", 0)
                if so is not None and i in lv:
                    lv[i] = (_int(so, 1), *lv[i][1:])
            self.levels[num.get(_W + "numId", "")] = lv

    def text(self, ppr, style: str | None) -> str:
        """The number drawn before a paragraph ("" when none), its counter advanced."""
        num, ilvl = None, 0
        npr = ppr.find(_W + "numPr") if ppr is not None else None
        if npr is not None:
            n = npr.find(_W + "numId")
            num = n.get(_VAL) if n is not None else None
            ilvl = _int(npr.find(_W + "ilvl"), 0)
            if num is None and style in self.styles:
                num = self.styles[style][0]
        elif style in self.styles:
            num, ilvl = self.styles[style]
        lv = self.levels.get(num or "")
        if not lv or ilvl not in lv:
            return ""
        counts = self.counters.setdefault(num, {})
        counts[ilvl] = counts.get(ilvl, lv[ilvl][0] - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        text = lv[ilvl][2]
        for k in range(9):
            if f"%{k + 1}" in text:
                c = counts.get(k, lv.get(k, (1,))[0])
                text = text.replace(f"%{k + 1}", _format_number(c, lv.get(k, (1, "decimal"))[1]))
        if lv[ilvl][1] in ("bullet", "none"):
            return ""
        return text + (" " if text[-1:].isascii() and text[-1:] not in ("", " ") else "")


def _int_attr(el, name: str, default: int) -> int:
    try:
        return int(el.get(name, default))
    except ValueError:
        return default


class _Reader:
    def __init__(self, levels: dict[str, int], rendered: bool, numbering: _Numbering | None = None):
        self.out = FlowBuilder()
        self.levels = levels
        self.rendered = rendered  # count lastRenderedPageBreak, else the explicit breaks
        self.numbering = numbering

    def break_page(self) -> None:
        self.out.page_break()

    def paragraph(self, p) -> None:
        from lxml import etree

        ppr = p.find(_W + "pPr")
        level = _outline_level(ppr)
        ps = ppr.find(_W + "pStyle") if ppr is not None else None
        style = ps.get(_VAL, "") if ps is not None else None
        if ppr is not None:
            if level is None and style is not None:
                level = self.levels.get(style)
            if not self.rendered and ppr.find(_W + "pageBreakBefore") is not None \
                    and ppr.find(_W + "pageBreakBefore").get(_VAL, "1") not in ("0", "false"):
                self.break_page()
        if level is None and _emphasised(p, ppr):
            level = 1  # a centred or all-bold paragraph is a title, as a web page's is
        buf: list[str] = []
        if self.numbering is not None:
            number = self.numbering.text(ppr, style)  # (an empty numbered paragraph counts too)
            if number and any(t.text for t in p.iter(_T)):
                buf.append(number)
        walk = etree.iterwalk(p, events=("start",))
        for _ev, el in walk:
            tag = el.tag
            if tag in _SKIP:
                walk.skip_subtree()
            elif tag == _T:
                if el.text:
                    buf.append(el.text)
            elif tag == _TAB:
                buf.append("  ")
            elif tag == _NB_HYPHEN:
                buf.append("-")
            elif tag in (_BR, _CR):
                if tag == _BR and el.get(_W + "type") == "page" and not self.rendered:
                    self.out.line("".join(buf), level)
                    buf.clear()
                    self.break_page()
                elif tag == _BR and el.get(_W + "type") == "column":
                    continue
                else:
                    self.out.line("".join(buf), level)
                    buf.clear()
            elif tag == _RENDERED and self.rendered:
                self.out.line("".join(buf), level)
                buf.clear()
                self.break_page()
        self.out.line("".join(buf), level)

    def table(self, tbl) -> None:
        rows: list[list[str | None]] = []
        for tr in _children(tbl, TR):
            row: list[str | None] = []
            trpr = tr.find(_W + "trPr")
            if trpr is not None:
                row.extend([None] * _int(trpr.find(_W + "gridBefore"), 0))
            for tc in _children(tr, TC):
                tcpr = tc.find(_W + "tcPr")
                span, cont = 1, False
                if tcpr is not None:
                    span = min(max(_int(tcpr.find(_W + "gridSpan"), 1), 1), 1000)
                    vm = tcpr.find(_W + "vMerge")
                    cont = vm is not None and vm.get(_VAL, "continue") == "continue"
                row.append(None if cont else _cell_text(tc))
                row.extend([None] * (span - 1))
            rows.append(row)
            if self.rendered and tr.find(".//" + _RENDERED) is not None:
                # a table going on over a page: the rows after the break are on the next page
                self.out.table(rows)
                rows = []
                self.break_page()
        self.out.table(rows)

    def body(self, parent) -> None:
        for el in parent:
            if self.out.full:
                return
            if el.tag == P:
                self.paragraph(el)
            elif el.tag == TBL:
                self.table(el)
            elif el.tag in (SDT, SDT_CONTENT, CUSTOM_XML):
                self.body(el)


def _emphasised(p, ppr) -> bool:
    """A centred paragraph, or one whose every run with text is bold (the direct formatting)."""
    jc = ppr.find(_W + "jc") if ppr is not None else None
    if jc is not None and jc.get(_VAL) == "center":
        return True
    runs = 0
    for r in p.iter(_W + "r"):
        if not any(t.text and t.text.strip() for t in r.iter(_T)):
            continue
        rpr = r.find(_W + "rPr")
        b = rpr.find(_W + "b") if rpr is not None else None
        if b is None or b.get(_VAL, "1") in ("0", "false"):
            return False
        runs += 1
    return runs > 0


def _children(parent, tag: str):
    """The elements ``tag`` of parent, also inside content controls (w:sdt/w:sdtContent)."""
    for el in parent:
        if el.tag == tag:
            yield el
        elif el.tag in (SDT, SDT_CONTENT, CUSTOM_XML):
            yield from _children(el, tag)


def _int(el, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(_VAL, default))
    except ValueError:
        return default


def _cell_text(tc) -> str:
    """A cell's paragraphs (and any table inside it) as one text (a space only between Latin letters
    or digits)."""
    from lxml import etree

    out = ""
    buf: list[str] = []
    walk = etree.iterwalk(tc, events=("start", "end"))
    for ev, el in walk:
        tag = el.tag
        if ev == "start":
            if tag in _SKIP:
                walk.skip_subtree()
            elif tag == _T and el.text:
                buf.append(el.text)
        elif tag == P and buf:
            t = "".join(buf).strip()
            buf.clear()
            if t:
                if out and out[-1].isascii() and out[-1].isalnum() and t[0].isascii() and t[0].isalnum():
                    out += " "
                out += t
    return out


def read_docx_flow(path: Path) -> tuple[list[Page], list[FlowItem], list[str]]:
    """Pages, the flow of lines and table grids, and notes of a .docx; DocxError when it cannot be read."""
    import docx

    _check_zip(path)
    try:
        document = docx.Document(str(path))
    except MemoryError:
        raise
    except Exception as e:  # a damaged part, a content type python-docx refuses
        raise DocxError("corrupt", f"the Word document cannot be opened ({type(e).__name__}: {e})") from None
    root = document.element
    body = root.find(_W + "body") if root.tag == _W + "document" else None
    if body is None:
        raise DocxError("corrupt", "word/document.xml holds no Word document body")
    rendered = body.find(".//" + _RENDERED) is not None
    reader = _Reader(_style_levels(document), rendered, _Numbering(document, _style_numbering(document)))
    reader.body(body)
    pages, flow = reader.out.finish()
    return pages, flow, reader.out.notes
