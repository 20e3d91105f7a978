"""A report's text export written as a web page (.html) or a Word document (.docx).

Departments publish the same report as a text export, a web page and a Word file; these write
the second and third from the first, as a department's site or office would: each paragraph a
``<p>`` (a Word paragraph), each markdown heading a ``<hN>`` (a "Heading N" paragraph), each run
of tab-separated lines a ``<table>`` (a Word table) whose header cells followed by empty ones
are merged across them (colspan, gridSpan), each form feed a page break (the one Word's "save as
web page" writes; a Word page break).  Stray tags of the export (``<b>``, ``<p>``) and markdown
emphasis are markup, not text: they are dropped (a ``<p>`` inside a cell starts a new paragraph
of the cell).

Used by the generator (``--format html|docx``: the text export of each report, so the pages and
the truth are the text export's) and by ``tests/formats.py`` (the seeds as web pages and Word
files).  The bytes are deterministic.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass

FORMATS = ("html", "docx")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_EMPH = re.compile(r"\*\*|__")
_CELL_BREAK = re.compile(r"</?p\b[^>]*>|<br\s*/?>", re.I)
_TAG = re.compile(r"</?(?:b|p|br|span|div|strong|em|i|u|font|h\d)\b[^>]*>", re.I)
_FIGURE = re.compile(r"^[+-]?(?:\d[\d,]*\.\d+|\d{1,3}(?:,\d{3})+)%?$")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")


@dataclass(frozen=True)
class Block:
    """A heading (``level`` 1–6), a paragraph, a table (``rows`` of cell texts, a cell's paragraphs
    separated by "\\n"; its first ``header`` rows are header rows) or a page break."""

    kind: str  # heading | para | table | page_break
    text: str = ""
    level: int = 0
    rows: tuple[tuple[str, ...], ...] = ()
    header: int = 0


def _inline(s: str) -> str:
    return html.unescape(_TAG.sub("", _EMPH.sub("", s))).strip("\r")


def _cell(s: str) -> str:
    parts = [_inline(p).strip() for p in _CELL_BREAK.split(s)]
    return "\n".join(p for p in parts if p)


def _header_rows(rows: list[tuple[str, ...]]) -> int:
    """The leading rows that print no figure: the header, whose labels span the empty cells after them."""
    n = 0
    for r in rows:
        if any(_FIGURE.match(c.replace("\n", "").strip()) for c in r):
            break
        n += 1
    return min(n, len(rows) - 1) if len(rows) > 1 else 0


def text_blocks(text: str) -> list[Block]:
    """The blocks of a text export: tab-separated lines (and the blank lines between them) are one
    table, markdown headings headings, every other line a paragraph, form feeds page breaks."""
    out: list[Block] = []
    for pi, page in enumerate(text.split("\f")):
        if pi:
            out.append(Block("page_break"))
        lines = page.split("\n")
        i = 0
        while i < len(lines):
            raw = lines[i]
            if "\t" in raw:
                rows: list[tuple[str, ...]] = []
                while i < len(lines):
                    if "\t" in lines[i]:
                        rows.append(tuple(_cell(c) for c in lines[i].split("\t")))
                        i += 1
                    elif not lines[i].strip() and i + 1 < len(lines) and "\t" in lines[i + 1]:
                        i += 1
                    else:
                        break
                out.append(Block("table", rows=tuple(rows), header=_header_rows(rows)))
                continue
            i += 1
            if _RULE.match(raw):
                continue
            m = _HEADING.match(raw)
            if m:
                t = _inline(m.group(2)).strip()
                if t:
                    out.append(Block("heading", t, level=len(m.group(1))))
            elif _inline(raw).strip():
                out.append(Block("para", _inline(raw)))
    return out


def render_report(text_export: str, fmt: str, charset: str = "utf-8") -> bytes:
    """A text export as a web page in ``charset`` ("html") or a Word document ("docx")."""
    blocks = text_blocks(text_export)
    return render_html(blocks, charset) if fmt == "html" else render_docx(blocks)


def _title(blocks: list[Block]) -> str:
    return next((b.text for b in blocks if b.kind in ("heading", "para")), "")


def _merged(row: tuple[str, ...], header: bool) -> list[tuple[str, int]]:
    """A row's cells with their colspans: in a header row a label spans the empty cells after it."""
    out: list[tuple[str, int]] = []
    for c in row:
        if header and not c and out and out[-1][0]:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((c, 1))
    return out


def render_html(blocks: list[Block], charset: str = "utf-8") -> bytes:
    """The blocks as a web page in ``charset`` (declared in its <meta>; "gb2312" is written as
    GB18030, as such pages are)."""
    esc = html.escape
    out = ["<!DOCTYPE html>", "<html>", "<head>",
           f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
           f"<title>{esc(_title(blocks))}</title>", "<style>td { border: 1px solid #999; }</style>", "</head>",
           "<body>"]
    for b in blocks:
        if b.kind == "heading":
            out.append(f"<h{b.level}>{esc(b.text)}</h{b.level}>")
        elif b.kind == "para":
            out.append(f"<p>{esc(b.text)}</p>")
        elif b.kind == "page_break":
            out.append("<br clear=all style='page-break-before:always'>")
        else:
            out.append('<table border="1" cellspacing="0">')
            for ri, row in enumerate(b.rows):
                tag = "th" if ri < b.header else "td"
                cells = []
                for text, span in _merged(row, ri < b.header):
                    paras = text.split("\n")
                    body = esc(paras[0]) if len(paras) == 1 else "".join(f"<p>{esc(p)}</p>" for p in paras)
                    cells.append(f"<{tag}{f' colspan={span}' if span > 1 else ''}>{body}</{tag}>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</table>")
    out += ["</body>", "</html>", ""]
    codec = "gb18030" if charset.lower() in ("gb2312", "gbk", "gb18030") else charset
    return "\n".join(out).encode(codec)


def render_docx(blocks: list[Block]) -> bytes:
    """The blocks as a Word document (python-docx's default template; fixed dates and zip times)."""
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    cp = d.core_properties
    cp.title = _title(blocks)[:200]
    cp.author = cp.last_modified_by = "crossfoot"
    pending_break = False

    def paragraph(text: str, style: str | None = None):
        nonlocal pending_break
        p = d.add_paragraph(style=style)
        if pending_break:
            p.add_run().add_break(WD_BREAK.PAGE)
            pending_break = False
        p.add_run(text)
        return p

    for b in blocks:
        if b.kind == "heading":
            paragraph(b.text, f"Heading {min(b.level, 9)}")
        elif b.kind == "para":
            paragraph(b.text)
        elif b.kind == "page_break":
            if pending_break:  # two breaks in a row: an empty page between them
                paragraph("")
            pending_break = True
        else:
            if pending_break:
                paragraph("")  # (the break stands in an empty paragraph before the table)
            n_cols = max(len(r) for r in b.rows)
            t = d.add_table(rows=len(b.rows), cols=n_cols)
            t.style = "Table Grid"
            for ri, row in enumerate(b.rows):
                cells = t.rows[ri].cells
                c = 0
                for text, span in _merged(row, ri < b.header):
                    cell = cells[c]
                    if span > 1:
                        cell = cell.merge(cells[c + span - 1])
                    paras = text.split("\n")
                    cell.paragraphs[0].text = paras[0]
                    for p in paras[1:]:
                        cell.add_paragraph(p)
                    c += span
                if len(row) < n_cols:
                    _short_row(t.rows[ri]._tr, n_cols - len(row))
    if pending_break:
        paragraph("")
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip(buf.getvalue())


def _short_row(tr, missing: int) -> None:
    """A Word row with fewer cells than its table's grid: the last ``missing`` cells removed and
    said by ``w:gridAfter``, as Word writes a row that ends early."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for tc in tr.tc_lst[-missing:]:
        tr.remove(tc)
    after = OxmlElement("w:gridAfter")
    after.set(qn("w:val"), str(missing))
    tr.get_or_add_trPr().append(after)


def _fixed_zip(data: bytes) -> bytes:
    """The zip again with every member dated 1980-01-01, so that the same document gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            z.writestr(zi, src.read(info.filename))
    return out.getvalue()
