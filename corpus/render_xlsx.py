"""A generated report as a workbook (`corpus generate --format xlsx`), as departments publish 公开表格.

The prose (cover, headings, paragraphs, in order) is one sheet, "情况说明" (one paragraph or
heading per row; "封面" when the file has no paragraph, as the tables file of a split report), and
each table is a sheet of its own named after it ("公开01表 收入支出决算总表"): its title in row 1
merged across the table, the department and the table's number in row 2, the unit in row 3, then
the header and the rows.  Figures are numbers with the number format that prints them as the
report does ("0.00", "#,##0.00" where the report groups thousands, "0.00%"); an amount is stored
with a little more precision than it prints (as a workbook computed by formulas holds it), less
than half its last printed digit, so that only a reader of the number format reads the printed
figure.  Classification codes (and 类/款/项 parts, "05") are text, as workbooks keep them.

A page of the truth records is a sheet (sheet index + 1).  Written with openpyxl (a runtime
dependency already, for `crossfoot export --format xlsx`); the bytes are the same for a seed
(fixed document dates and ZIP entry times).
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass, field

from corpus.layout import _cover_lines
from corpus.model import Document, Heading, Para, Table

_FIGURE = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.(\d+))?(%?)$")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FIXED_TIME = "2025-01-01T00:00:00Z"


@dataclass
class Sheet:
    name: str
    rows: list[list[object]] = field(default_factory=list)  # str, float or None
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) from 0 → number format
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 from 0
    width: int = 1


@dataclass
class WorkbookLayout:
    """The sheets of a report, with the page (sheet number) of each block and table row."""

    pages: list[Sheet]
    block_page: dict[int, int]
    row_page: dict[tuple[int, int], int]


def _sheet_name(t: Table, k: int, taken: set[str]) -> str:
    base = _SHEET_BAD.sub("", f"{t.number or ''} {t.title}")[:31].strip() or f"表{k}"
    name, i = base, 2
    while name in taken:
        suffix = f"({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(name)
    return name


def _cell(text: str, code_column: bool, rng: random.Random) -> tuple[object, str | None]:
    """A printed cell as the workbook stores it: (value, number format or None)."""
    t = text.strip()
    m = _FIGURE.match(t)
    if not t or m is None or (t.isdigit() and (code_column or (t[0] == "0" and len(t) > 1))):
        return (t or None), None
    decimals = len(m.group(4) or "")
    places = "0" * decimals
    grouped = "," in t
    if m.group(5):  # a percentage: the fraction, printed with its decimals
        return float(t[:-1].replace(",", "")) / 100, f"0.{places}%" if decimals else "0%"
    v = float(t.replace(",", ""))
    fmt = ("#,##0" if grouped else "0") + (f".{places}" if decimals else "")
    if decimals >= 2 and v != 0:
        # held more precisely than printed: under 0.4 of the last printed digit either way
        v = round(v + rng.uniform(-0.4, 0.4) * 10 ** -decimals, decimals + 3)
    return v, fmt


def _table_sheet(t: Table, name: str, rng: random.Random) -> Sheet:
    ncol = max(2, len(t.header))
    sh = Sheet(name, width=ncol)
    sh.rows.append([(t.year.render() if t.year else "") + t.title] + [None] * (ncol - 1))
    sh.merges.append((0, 0, 0, ncol - 1))
    dept = "部门：" + t.dept.render() if t.dept else None
    sh.rows.append([dept] + [None] * (ncol - 2) + [t.number])
    unit = ("金额单位：" if rng.random() < 0.5 else "单位：") + t.unit
    sh.rows.append([unit] + [None] * (ncol - 1))
    sh.rows.append(list(t.header) + [None] * (ncol - len(t.header)))
    for r, row in enumerate(t.grid):
        out: list[object] = []
        for c, text in enumerate(row):
            v, fmt = _cell(text, c < t.label_cols, rng)
            if fmt is not None:
                sh.formats[(len(sh.rows), c)] = fmt
            out.append(v)
        sh.rows.append(out)
    if t.note:
        sh.rows.append([t.note] + [None] * (ncol - 1))
        sh.merges.append((len(sh.rows) - 1, 0, len(sh.rows) - 1, ncol - 1))
    return sh


def layout(doc: Document, rng: random.Random) -> WorkbookLayout:
    """The report's sheets: the prose sheet first, then one sheet per table in the report's order."""
    prose = Sheet("情况说明" if any(isinstance(b, Para) for b in doc.blocks) else "封面")
    sheets = [prose]
    block_page: dict[int, int] = {}
    row_page: dict[tuple[int, int], int] = {}
    taken = {prose.name}
    for b in doc.blocks:
        if isinstance(b, Table):
            sheets.append(_table_sheet(b, _sheet_name(b, len(sheets), taken), rng))
            block_page[id(b)] = len(sheets)
            for r in range(len(b.grid)):
                row_page[(id(b), r)] = len(sheets)
            continue
        block_page[id(b)] = 1
        if isinstance(b, Heading):
            text = b.render()
            parts = (text.split("\n") if "\n" in text else _cover_lines(text)) if b.level == 0 else [text]
            prose.rows.extend([p] for p in parts)
        elif isinstance(b, Para):
            prose.rows.append([b.render()])
    return WorkbookLayout(sheets, block_page, row_page)


def render(lay: WorkbookLayout) -> bytes:
    """The workbook's bytes (the same for the same layout)."""
    import openpyxl
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sh in lay.pages:
        ws = wb.create_sheet(sh.name)
        for row in sh.rows:
            ws.append(row)
        for (r, c), fmt in sh.formats.items():
            ws.cell(row=r + 1, column=c + 1).number_format = fmt
        for r0, c0, r1, c1 in sh.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        if sh.width == 1:  # the prose sheet: one wide column of wrapped paragraphs
            ws.column_dimensions["A"].width = 100
            for (cell,) in ws.iter_rows(min_col=1, max_col=1):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        else:
            for c in range(sh.width):
                ws.column_dimensions[get_column_letter(c + 1)].width = 16
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed(buf.getvalue())


def _fixed(data: bytes) -> bytes:
    """The ZIP again with fixed entry times and document dates, so that a seed gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + _FIXED_TIME.encode(), body)
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, body)
    return out.getvalue()
