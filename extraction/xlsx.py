"""Workbooks (.xlsx, .xls, .ods) to the reading flow, with python-calamine (one reader for all three).

Departments publish their 公开表格 as workbooks: one table per sheet, the title in the first rows
(often merged across the table), the sheet named after the table ("收支总表", "表1 收入支出决算总表").
What a reader of the workbook sees is what is read:

- **Pages.** Each sheet is a page: page number = sheet index + 1 (hidden sheets, chart sheets and
  sheets not read keep their number, so the numbers are the workbook's own; in .xlsx, hidden rows
  and columns are not read either, as neither the reader nor the print sees them).  The page text
  is the sheet's name (its first line, on a sheet that holds a table and is not named "Sheet1"),
  then one line per row: the cells of a table row joined by tabs as in a text export, a text row
  as its text.
- **Tables.** Each block of consecutive table rows is a grid (a blank row, a title row or a
  caption row such as "部门：X  公开01表" / "单位：万元" ends it); the text rows above it are its
  caption, found as for a PDF.  A merged cell keeps its text in its top-left cell, as a printed
  spanning header prints it once (``extraction.tables._fill_header`` gives it to the columns
  below); its box spans the merge.
- **Positions.** A cell's ``bbox`` is its place in the sheet in cell units, 0-based:
  ``(column, row, column + 1, row + 1)`` (a merged cell: its whole range); ``start``/``end`` are
  offsets into the page text as in a text export.
- **Numbers.** A figure is the stored number shown with the decimals its cell's number format
  prints: a cell holding 180.8765 formatted "0.00" is the figure 180.88, exact to ±0.005 — the
  tolerance is what the reader of the workbook sees.  Calamine does not expose number formats:
  for .xlsx they are read here from ``xl/styles.xml`` and the ``s`` (style) attribute of each cell
  in the sheet's XML; for .xls (BIFF8) from the FORMAT and XF records of the workbook stream and
  the style of each cell record; for .ods from the text each figure cell prints (its text:p,
  which ODS keeps beside the value: "50.0%" is the figure 50.0 with one decimal).  Where no format
  is known (a .xls older than BIFF8, a cell printing no figure) a number is shown as Excel's
  "General" format shows it, with the stored value's own decimals (at most 15 significant digits,
  so that a float's binary noise such as 361.76000000000005 prints as 361.76); a workbook read so
  throughout says it in its notes.
- **Bounds.** Calamine reads a sheet whole into a dense grid (rows × columns of its extent): a
  sheet is refused (not read, said in the notes) when its XML is over ``MAX_SHEET_XML_BYTES`` or
  its extent over ``MAX_SHEET_CELLS``, both found before calamine reads it (for .xls, the file's
  size stands for its sheets' XML, and the extent comes from its cell records; where they cannot
  be walked, it is checked after calamine's read, before any cell becomes a Python object).  The tables it holds are then bounded by ``MAX_TABLE_CELLS`` and
  ``MAX_PAGE_TABLES`` as on any page.
"""

from __future__ import annotations

import datetime
import mmap
import re
import struct
import zipfile
import zlib
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree

from extraction.files import WORKBOOK_SUFFIXES
from extraction.layout import FlowItem, Line, RawCell, RawGrid
from extraction.limits import MAX_SHEET_CELLS, MAX_SHEET_XML_BYTES
from extraction.model import Page
from extraction.text import _CAPTION_CELL, _TITLE_CELL

# what a damaged ZIP, XML part or deflate stream raises from the standard library
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, ElementTree.ParseError, KeyError, EOFError, zlib.error,
            OSError, ValueError, UnicodeDecodeError, NotImplementedError)


class WorkbookError(Exception):
    """A workbook that cannot be read: ``code`` one of ``extraction.reader.ERROR_CODES``."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# ------------------------------------------------------------------ what the container holds


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-le")


def workbook_kind(path: Path, sniffed: str) -> str | None:
    """'xlsx', 'ods' or 'xls' when the file is a workbook, None when it is another ZIP or OLE file
    (a .docx, a .doc, …).  Raises ``WorkbookError`` for an encrypted workbook, and for a file named
    as a workbook that is none."""
    named = path.suffix.lower() in WORKBOOK_SUFFIXES
    if sniffed == "zip":
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "content.xml" in names and "mimetype" in names and \
                        z.read("mimetype")[:64].strip() == b"application/vnd.oasis.opendocument.spreadsheet":
                    return "ods"
        except _DAMAGED as e:
            if named:
                raise WorkbookError("corrupt", f"the workbook's ZIP container is damaged ({_short(e)})") from e
            return None
        if named:
            raise WorkbookError("corrupt", f"named {path.suffix} but the ZIP holds no workbook "
                                "(no xl/workbook.xml, no spreadsheet content.xml)")
        return None
    if sniffed == "ole":
        # The stream names of an OLE container are UTF-16 in its directory: an Office 2007+ file
        # saved with a password is an OLE container holding EncryptedPackage; a .xls holds
        # Workbook (or Book).  The file is bounded by MAX_BYTES; the search runs in C.
        with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            if m.find(_utf16("EncryptedPackage")) >= 0 or m.find(_utf16("EncryptionInfo")) >= 0:
                raise WorkbookError("encrypted", "the workbook is password-protected; save an unprotected "
                                    "copy and try again")
            if m.find(_utf16("Workbook")) >= 0 or m.find(_utf16("Book\x00")) >= 0:
                return "xls"
        if named:
            raise WorkbookError("corrupt", f"named {path.suffix} but the old Office file holds no workbook")
        return None
    return None


# ------------------------------------------------------------------ number formats (.xlsx)

_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
                    11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)",
                    39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)", 48: "##0.0E+0", 49: "@"}
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DATE_CHARS = re.compile(r"[yYmMdDhHsS]")

NumberFormat = tuple[int, bool, bool, "str | None", int]
"""How a number format prints a number: its decimals, whether it groups thousands, whether it
is a percentage, what it prints for zero when its third section prints no digits ("-"), and
the digits it prints before the point at least ("00" prints 5 as "05": a 款 code kept as a
number)."""


def _literal(section: str) -> str:
    """The text a format section without digit placeholders prints ('"-"' → '-')."""
    return "".join(q[1:-1] if q.startswith('"') else q[1:] if q.startswith("\\") else ""
                   for q in _QUOTED.findall(section)) + _QUOTED.sub("", section).replace("@", "").strip()


def parse_number_format(code: str) -> NumberFormat | None:
    """The decimals, thousands grouping, percent and zero text of a number format code; None when
    the code does not print the number as a fixed-decimal figure (General, text, dates, fractions,
    scientific): the stored value is then shown as General shows it."""
    if not code or code.strip().lower() == "general" or code.strip() == "@":
        return None
    sections = code.split(";")
    section = _QUOTED.sub("", sections[0])
    if _DATE_CHARS.search(section) or "/" in section or "E" in section.upper():
        return None
    if "0" not in section and "#" not in section:
        return None
    m = re.search(r"\.([0#?]+)", section)
    zero = None
    if len(sections) >= 3:
        z = _QUOTED.sub("", sections[2])
        if "0" not in z and "#" not in z:
            zero = _literal(sections[2])
    integer = section.split(".")[0]
    return (len(m.group(1)) if m else 0, bool(re.search(r"[0#?],[0#?]", section)), "%" in section, zero,
            integer.count("0"))


def _xlsx_styles(z: zipfile.ZipFile) -> list[NumberFormat | None]:
    """Per cell style index (``cellXfs``), how it prints a number (None: General)."""
    try:
        data = z.read("xl/styles.xml")
    except KeyError:
        return []
    if len(data) > MAX_SHEET_XML_BYTES:
        return []
    root = ElementTree.fromstring(data)
    ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    codes = dict(_BUILTIN_FORMATS)
    fmts = root.find(f"{ns}numFmts")
    for f in (fmts if fmts is not None else ()):
        try:
            codes[int(f.get("numFmtId", "-1"))] = f.get("formatCode") or ""
        except ValueError:
            continue
    xfs = root.find(f"{ns}cellXfs")
    out: list[NumberFormat | None] = []
    for xf in (xfs if xfs is not None else ()):
        try:
            out.append(parse_number_format(codes.get(int(xf.get("numFmtId", "0")), "General")))
        except ValueError:
            out.append(None)
    return out


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"")
_REF = re.compile(rb"\sr=\"([A-Z]{1,3})(\d+)\"")
_STYLE = re.compile(rb"\ss=\"(\d+)\"")


def _xlsx_sheet_scan(xml: bytes, styles: list[NumberFormat | None]
                     ) -> tuple[int, int, dict[tuple[int, int], NumberFormat]]:
    """One pass over a sheet's XML (regular expressions, no tree): the extent of its cells (rows
    and columns from A1) and the number format of each cell that has one other than General."""
    cells = _CELL_FAST.findall(xml)
    if len(cells) != xml.count(b"<c ") + xml.count(b":c ") + xml.count(b"<c>"):
        return _xlsx_sheet_scan_any(xml, styles)
    max_row = max_col = 0
    formats: dict[tuple[int, int], NumberFormat] = {}
    col_of: dict[bytes, int] = {}
    n_styles = len(styles)
    for letters, row, style, closed in cells:
        c = col_of.get(letters)
        if c is None:
            c = col_of[letters] = _col_index(letters)
        r = int(row) - 1
        if not closed:
            if r >= max_row:
                max_row = r + 1
            if c >= max_col:
                max_col = c + 1
        if style:
            i = int(style)
            if i < n_styles and styles[i] is not None:
                formats[(r, c)] = styles[i]  # type: ignore[assignment]
    return max_row, max_col, formats


# a cell whose r comes first and s (if any) second, as Excel, LibreOffice and openpyxl write them
_CELL_FAST = re.compile(rb"<(?:\w+:)?c r=\"([A-Z]{1,3})(\d+)\"(?: s=\"(\d+)\")?[^>]*?(/?)>")


def _xlsx_sheet_scan_any(xml: bytes, styles: list[NumberFormat | None]
                         ) -> tuple[int, int, dict[tuple[int, int], NumberFormat]]:
    """``_xlsx_sheet_scan`` for cells whose attributes come in any order, or without r."""
    max_row = max_col = 0
    formats: dict[tuple[int, int], NumberFormat] = {}
    unplaced = 0
    for m in _CELL.finditer(xml):
        attrs = m.group(1)
        ref = _REF.search(attrs)
        if ref is None:
            # a cell without r follows the one before it in its row, in a row that may say its own r
            unplaced += 1
            continue
        r, c = int(ref.group(2)) - 1, _col_index(ref.group(1))
        if not m.group(2):  # a self-closing cell holds no value
            max_row = max(max_row, r + 1)
            max_col = max(max_col, c + 1)
        s = _STYLE.search(attrs)
        if s is not None and styles:
            i = int(s.group(1))
            if i < len(styles) and styles[i] is not None:
                formats[(r, c)] = styles[i]  # type: ignore[assignment]
    if unplaced:  # rows up to the last row numbered (or counted), columns up to the longest row's cells
        chunks = xml.split(b"<row")[1:] or [xml]
        max_row = max(max_row, max((int(m.group(1)) for m in _ROW.finditer(xml)), default=0), len(chunks))
        max_col = max(max_col, max(len(_CELL.findall(ch)) for ch in chunks))
    return max_row, max_col, formats


_COL_EL = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_ROW_EL = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_HIDDEN = re.compile(rb"\shidden=\"(?:1|true)\"")
_MIN_MAX = re.compile(rb"\smin=\"(\d+)\"[^>]*?\smax=\"(\d+)\"|\smax=\"(\d+)\"[^>]*?\smin=\"(\d+)\"")
_ROW_NUMBER = re.compile(rb"\sr=\"(\d+)\"")


def _xlsx_hidden(xml: bytes, n_rows: int, n_cols: int) -> tuple[set[int], set[int]]:
    """The hidden rows and columns (0-based) of a sheet within its extent: what a reader of the
    workbook (and its print) does not see is not read."""
    rows: set[int] = set()
    cols: set[int] = set()
    if b"hidden=" not in xml:
        return rows, cols
    for m in _COL_EL.finditer(xml):
        if _HIDDEN.search(m.group(1)):
            mm = _MIN_MAX.search(m.group(1))
            if mm:
                lo, hi = (mm.group(1), mm.group(2)) if mm.group(1) else (mm.group(4), mm.group(3))
                cols.update(range(int(lo) - 1, min(int(hi), n_cols)))
    for m in _ROW_EL.finditer(xml):
        if _HIDDEN.search(m.group(1)):
            r = _ROW_NUMBER.search(m.group(1))
            if r and int(r.group(1)) <= n_rows:
                rows.add(int(r.group(1)) - 1)
    return rows, cols


def _xlsx_sheet_paths(z: zipfile.ZipFile) -> list[str | None]:
    """The XML part of each sheet, in workbook order (None where it cannot be told)."""
    wb = ElementTree.fromstring(z.read("xl/workbook.xml"))
    try:
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        rels = None
    target: dict[str, str] = {}
    for rel in (rels if rels is not None else ()):
        t = rel.get("Target") or ""
        target[rel.get("Id") or ""] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    out: list[str | None] = []
    for el in wb.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            out.append(target.get(rid or ""))
    return out


def _read_capped(z: zipfile.ZipFile, name: str) -> bytes | None:
    """A part's bytes, or None when it is larger than MAX_SHEET_XML_BYTES (its declared size, or
    what it inflates to: no more than the limit is ever inflated)."""
    info = z.getinfo(name)
    if info.file_size > MAX_SHEET_XML_BYTES:
        return None
    with z.open(info) as f:
        data = f.read(MAX_SHEET_XML_BYTES + 1)
    return None if len(data) > MAX_SHEET_XML_BYTES else data


# ------------------------------------------------------------------ number formats (.xls)
#
# A .xls is a BIFF8 workbook stream in an OLE compound file ([MS-CFB], [MS-XLS]).  The stream is
# walked here once, record by record: the FORMAT and XF records of the workbook globals give each
# cell style's number format, and the cell records of each sheet (NUMBER, RK, MULRK, FORMULA)
# their style and place — what calamine does not expose — and so the sheet's extent before
# calamine reads it.  A stream that is not BIFF8 (Excel 95 and older) keeps the fallback: the
# stored value's own decimals.

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE


def cfb_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """The first stream named one of ``names`` in an OLE compound file, or None (not such a
    file, no such stream, or a damaged one).  Every chain is bounded by the file's sectors."""
    if len(data) < 512 or data[:8] != _CFB_MAGIC:
        return None
    major, _order, shift, mini_shift = struct.unpack_from("<HHHH", data, 26)
    if shift not in (9, 12) or mini_shift != 6:
        return None
    size = 1 << shift
    (n_fat, dir_start, _tx, cutoff, mini_fat_start, n_mini_fat, difat_start,
     n_difat) = struct.unpack_from("<8I", data, 44)
    n_sect = max(0, (len(data) - size) // size)
    per = size // 4

    def sector(i: int) -> bytes:
        return data[(i + 1) * size:(i + 2) * size]

    difat = list(struct.unpack_from("<109I", data, 76))
    d, k = difat_start, 0
    while d < n_sect and k < min(n_difat, n_sect):
        vals = struct.unpack(f"<{per}I", sector(d))
        difat.extend(vals[:-1])
        d, k = vals[-1], k + 1
    fat: list[int] = []
    for f in difat[:min(n_fat, n_sect)]:
        if f >= n_sect:
            break
        fat.extend(struct.unpack(f"<{per}I", sector(f)))

    def chain(start: int, table: list[int], bound: int) -> list[int]:
        out: list[int] = []
        while start < len(table) and start < bound and len(out) < bound:
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(x) for x in chain(dir_start, fat, n_sect))
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        return None
    for e in entries:
        length = min(struct.unpack_from("<H", e, 64)[0], 64)
        if e[66] != 2 or e[:max(0, length - 2)].decode("utf-16-le", "replace") not in names:
            continue
        start, n_bytes = struct.unpack_from("<IQ", e, 116)
        if major == 3:
            n_bytes &= 0xFFFFFFFF
        n_bytes = min(n_bytes, len(data))
        if n_bytes >= cutoff:
            return b"".join(sector(x) for x in chain(start, fat, n_sect))[:n_bytes]
        # a small stream lies in the mini stream (the root entry's), in 64-byte sectors
        root_start = struct.unpack_from("<I", entries[0], 116)[0]
        mini = b"".join(sector(x) for x in chain(root_start, fat, n_sect))
        mini_fat: list[int] = []
        for x in chain(mini_fat_start, fat, min(n_mini_fat, n_sect)):
            mini_fat.extend(struct.unpack(f"<{per}I", sector(x)))
        return b"".join(mini[x * 64:(x + 1) * 64] for x in chain(start, mini_fat, len(mini) // 64))[:n_bytes]
    return None


def _biff_string(data: bytes, at: int) -> str:
    """An XLUnicodeString (16-bit count, option flags, characters) at ``at``."""
    n, flags = struct.unpack_from("<HB", data, at)
    at += 3
    if flags & 0x08:
        at += 2  # rich-text runs
    if flags & 0x04:
        at += 4  # phonetic data
    raw = data[at:at + (2 * n if flags & 1 else n)]
    return raw.decode("utf-16-le", "replace") if flags & 1 else raw.decode("latin-1")


_BIFF_NUMBERS = (0x0203, 0x027E, 0x0006)  # NUMBER, RK, FORMULA: row, column, style first
_BIFF_OTHER_CELLS = (0x00FD, 0x0204, 0x0205, 0x0201)  # LABELSST, LABEL, BOOLERR, BLANK


def xls_sheets(stream: bytes) -> list[tuple[int, int, dict[tuple[int, int], NumberFormat]]] | None:
    """Per sheet (in workbook order) of a BIFF8 workbook stream: its extent (rows, columns from
    A1) and the number format of each figure cell that has one other than General; None when
    the stream is not BIFF8."""
    if len(stream) < 8 or struct.unpack_from("<HHH", stream, 0)[::2] != (0x0809, 0x0600):
        return None  # (BOF: its kind, its length, then the BIFF version)
    codes = dict(_BUILTIN_FORMATS)
    xfs: list[NumberFormat | None] = []
    offsets: list[int] = []
    fmt_of: dict[int, NumberFormat | None] = {}
    pos = 0
    while pos + 4 <= len(stream):
        kind, n = struct.unpack_from("<HH", stream, pos)
        data = stream[pos + 4:pos + 4 + n]
        pos += 4 + n
        if kind == 0x000A:  # EOF of the globals
            break
        if kind == 0x041E and n >= 5:  # FORMAT
            codes[struct.unpack_from("<H", data, 0)[0]] = _biff_string(data, 2)
        elif kind == 0x00E0 and n >= 4:  # XF
            i = struct.unpack_from("<H", data, 2)[0]
            if i not in fmt_of:
                fmt_of[i] = parse_number_format(codes.get(i, "General"))
            xfs.append(fmt_of[i])
        elif kind == 0x0085 and n >= 4:  # BOUNDSHEET
            offsets.append(struct.unpack_from("<I", data, 0)[0])
    out: list[tuple[int, int, dict[tuple[int, int], NumberFormat]]] = []
    # sheets whose substreams overlap (a hostile BOUNDSHEET list) would walk the same records
    # again: no more records are walked in all than the stream can hold once
    budget = len(stream) // 4 + 1
    for at in offsets:
        rows = cols = 0
        formats: dict[tuple[int, int], NumberFormat] = {}
        pos = at
        first = True
        while pos + 4 <= len(stream):
            budget -= 1
            if budget < 0:
                return None
            kind, n = struct.unpack_from("<HH", stream, pos)
            data = stream[pos + 4:pos + 4 + n]
            pos += 4 + n
            if first:
                first = False
                if kind != 0x0809:
                    break
                continue
            if kind == 0x000A:
                break
            if kind in _BIFF_NUMBERS and n >= 6:
                r, c, x = struct.unpack_from("<HHH", data, 0)
                cells = [(c, x)]
            elif kind == 0x00BD and n >= 12:  # MULRK: a row's run of RK cells
                r, c0 = struct.unpack_from("<HH", data, 0)
                cells = [(c0 + k, struct.unpack_from("<H", data, 4 + 6 * k)[0]) for k in range((n - 6) // 6)]
            elif kind in _BIFF_OTHER_CELLS and n >= 6:
                r, c = struct.unpack_from("<HH", data, 0)
                rows, cols = max(rows, r + 1), max(cols, c + 1)
                continue
            else:
                continue
            for c, x in cells:
                rows, cols = max(rows, r + 1), max(cols, c + 1)
                f = xfs[x] if x < len(xfs) else None
                if f is not None:
                    formats[(r, c)] = f
        out.append((rows, cols, formats))
    return out


# ------------------------------------------------------------------ extent of the sheets (.ods)

_ODS_TOKEN = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
                        rb"|</table:table-row>")
_ODS_REPEAT_ROWS = re.compile(rb"number-rows-repeated=\"(\d+)\"")
_ODS_REPEAT_COLS = re.compile(rb"number-columns-repeated=\"(\d+)\"")


OdsSpan = tuple[int, int, int, int, NumberFormat]
"""Cells of an ODS sheet that print one figure alike: first row, rows, first column, columns (a
repeated cell in repeated rows), and how they print it."""

_ODS_NUMERIC = re.compile(rb'office:value-type="(?:float|percentage|currency)"')
_TAGS = re.compile(rb"<[^>]*>")
_SHOWN = re.compile(r"^[-+]?[\d,]*\d(?:\.(\d+))?(%?)$")


def _ods_shown(xml: bytes, at: int) -> NumberFormat | None:
    """How the figure of the cell whose start tag ends at ``at`` is shown: ODS keeps the text a
    cell prints (its text:p) beside its value, so the decimals are the printed text's own."""
    end = xml.find(b"</table:table-cell>", at, at + 2000)
    if end < 0:
        return None
    shown = _TAGS.sub(b"", xml[at:end]).decode("utf-8", "replace").strip().replace("\u00a0", "").replace(" ", "")
    m = _SHOWN.match(shown)
    if m is None:
        return None
    return len(m.group(1) or ""), "," in shown, bool(m.group(2)), None, 1


def _ods_scan(xml: bytes) -> list[tuple[int, list[OdsSpan]]]:
    """Per sheet of an ODS content.xml, found without a tree: its extent (rows × columns up to the
    last cell with content; repeated rows and cells count as many times as they repeat, and only
    cells that are not empty elements, or carry a value, extend it) and how its figures print."""
    sheets: list[list[int]] = []  # per sheet: rows so far, last row with content, widest content
    spans: list[list[OdsSpan]] = []
    row_rep, col, row_has = 1, 0, False
    for m in _ODS_TOKEN.finditer(xml):
        tag = m.group(1)
        if not sheets and tag != b"table":
            continue
        if tag is None:  # </table:table-row>
            st = sheets[-1]
            if row_has:
                st[1] = st[0] + row_rep
            st[0] += row_rep
            continue
        attrs, closed = m.group(2), m.group(3)
        if tag == b"table":
            sheets.append([0, 0, 0])
            spans.append([])
        elif tag == b"table-row":
            r = _ODS_REPEAT_ROWS.search(attrs)
            row_rep, col, row_has = int(r.group(1)) if r else 1, 0, False
            if closed:
                sheets[-1][0] += row_rep
        else:
            c = _ODS_REPEAT_COLS.search(attrs)
            rep = int(c.group(1)) if c else 1
            if not closed or b"office:value" in attrs:
                row_has = True
                sheets[-1][2] = max(sheets[-1][2], col + rep)
                if not closed and _ODS_NUMERIC.search(attrs):
                    shown = _ods_shown(xml, m.end())
                    if shown is not None:
                        spans[-1].append((sheets[-1][0], row_rep, col, rep, shown))
            col += rep
    return [(last * wide, sp) for (_rows, last, wide), sp in zip(sheets, spans)]


# ------------------------------------------------------------------ cells as printed


def general_text(v: float) -> str:
    """A number as Excel's General format shows it: at most 15 significant digits, no exponent
    for the magnitudes of a report."""
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    s = f"{v:.15g}"
    if "e" in s:
        s = f"{v:.10f}".rstrip("0").rstrip(".")
    return s


def format_number(v: float, fmt: NumberFormat | None) -> str:
    """The stored number ``v`` as its format prints it (half away from zero, on the decimal value
    Excel shows, as Excel rounds)."""
    if fmt is None:
        return general_text(v)
    decimals, thousands, percent, zero, digits = fmt
    if zero is not None and v == 0:
        return zero
    try:
        d = Decimal(repr(float(v)))
    except InvalidOperation:
        return general_text(v)
    if percent:
        d *= 100
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if q == 0:
        q = abs(q)  # no "-0.00"
    s = f"{q:,.{decimals}f}" if thousands else f"{q:.{decimals}f}"
    if digits > 1:
        sign = "-" if s.startswith("-") else ""
        head, dot, tail = s.lstrip("-").partition(".")
        s = sign + head.zfill(digits) + dot + tail
    return s + ("%" if percent else "")


def _cell_text(v: object, fmt: NumberFormat | None) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return format_number(float(v), fmt)
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour, v.minute, v.second) != (0, 0, 0) else v.strftime("%Y-%m-%d")
    if isinstance(v, (datetime.date, datetime.time, datetime.timedelta)):
        return str(v)
    return str(v)


def _one_line(s: str) -> str:
    """A cell's lines joined: with no space between Chinese characters, a space between Latin words."""
    parts = [p.strip() for p in s.splitlines() if p.strip()]
    out = ""
    for p in parts:
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            out += " "
        out += p
    return out


# ------------------------------------------------------------------ rows to the flow

_DEFAULT_NAME = re.compile(r"^(sheet|工作表|表)\s*\d*$", re.I)
_TERMINAL = ("。", "；", ";", "！", "？")


def _caption_cell(t: str) -> bool:
    return bool(_CAPTION_CELL.match(t))


def _text_row(cells: list[tuple[int, str]], span: int, in_grid: bool) -> bool:
    """Whether a row is a line of text (a title, a caption, a paragraph, a note) rather than a
    row of a table.  ``cells`` are its printed cells (column, text); ``span`` the columns its
    single cell is merged across; ``in_grid`` whether the row above is a table row."""
    if all(_caption_cell(t) for _c, t in cells):
        return True  # 部门：X | 公开01表 | 单位：万元
    if len(cells) > 1 and all(_caption_cell(t) or _TITLE_CELL.match(t) for _c, t in cells) \
            and any(_TITLE_CELL.match(t) for _c, t in cells):
        return True  # 收入支出决算总表 | 公开01表
    if len(cells) > 1:
        return False
    t = cells[0][1]
    if _TITLE_CELL.match(t) or t.endswith(_TERMINAL) or t.startswith(("注：", "注:")):
        return True  # a title, a sentence (a statement such as 本表无数据。, a note)
    if span >= 3:
        return True  # a title or a note merged across the table
    # below a table row, a cell alone is a row of the table (a long project name with no figure)
    return not in_grid


def sheet_flow(page_no: int, name: str, rows: list[list[str]],
               merges: dict[tuple[int, int], tuple[int, int]],
               skip: set[int] | frozenset[int] = frozenset()) -> tuple[Page, list[FlowItem]]:
    """One sheet's page and flow.  ``rows`` hold each cell's printed text from A1; ``merges``
    maps the top-left cell of each merged range to its bottom-right cell; the rows in ``skip``
    (hidden) are left out, as if the rows around them were adjacent.  A grid has the columns its
    run of table rows prints something in (a column left blank, or hidden, is none of its
    columns).  The sheet's name is
    the first line of a sheet that holds a table (a caption line of its first table); a sheet of
    text only (情况说明) begins with its own first row, so that its name never joins the cover's
    lines as a title."""
    has_table = any(len([t for t in row if t and t.strip()]) >= 2 for row in rows)
    parts: list[str] = []
    pos = 0
    flow: list[FlowItem] = []

    def emit(text: str) -> tuple[int, int]:
        nonlocal pos
        start = pos
        parts.append(text)
        parts.append("\n")
        pos += len(text) + 1
        return start, start + len(text)

    if name.strip() and not _DEFAULT_NAME.match(name.strip()) and has_table:
        s, e = emit(name.strip())
        flow.append(Line(page_no, name.strip(), s, e, None, indent=True, short=True))

    # first what each row is (blank, text, or a row of a table), then the columns of each run of
    # table rows that no text row interrupts (a blank row inside a table does not): the grids of
    # one run share their columns, so that a table broken by a blank row goes on as one
    kinds: list[tuple[int, str, list[tuple[int, str]]]] = []
    in_grid = False
    for r, row in enumerate(rows):
        if r in skip:
            continue
        cells = [(c, _one_line(t)) for c, t in enumerate(row) if t and t.strip()]
        cells = [(c, t) for c, t in cells if t]
        if not cells:
            kinds.append((r, "blank", cells))
            in_grid = False
            continue
        c = cells[0][0]
        span = merges.get((r, c), (r, c))[1] - c + 1
        kind = "text" if _text_row(cells, span, in_grid) else "grid"
        in_grid = kind == "grid"
        kinds.append((r, kind, cells))
    run_of: list[int] = []  # per row of ``kinds``: its run of table rows
    runs: list[set[int]] = [set()]
    for _r, kind, cells in kinds:
        if kind == "text" and runs[-1]:
            runs.append(set())
        if kind == "grid":
            runs[-1].update(c for c, _t in cells)
        run_of.append(len(runs) - 1)
    columns = [sorted(u) for u in runs]

    grid: list[tuple[int, list[tuple[int, str]]]] = []  # (row index, printed cells) of the open block
    grid_run = [0]
    grids: list[int] = []  # the flow indexes of the sheet's grids

    def close_grid() -> None:
        if not grid:
            return
        used = columns[grid_run[0]]
        at = {c: k for k, c in enumerate(used)}
        out_rows: list[list[RawCell | None]] = []
        for r, cs in grid:
            line: list[RawCell | None] = [None] * len(used)
            texts = [""] * len(used)
            for c, t in cs:
                texts[at[c]] = t
            off = pos
            for k, t in enumerate(texts):
                if t:
                    c = used[k]
                    r1, cc1 = merges.get((r, c), (r, c))
                    line[k] = RawCell(t, page_no, (float(c), float(r), float(cc1 + 1), float(r1 + 1)),
                                      off, off + len(t))
                off += len(t) + 1
            emit("\t".join(texts))
            out_rows.append(line)
        flow.append(RawGrid(page_no, out_rows, None, [page_no], fresh=not grids))
        grids.append(len(flow) - 1)
        grid.clear()

    for (r, kind, cells), run in zip(kinds, run_of):
        if kind == "blank":
            close_grid()
            s, _e = emit("")
            flow.append(Line(page_no, "", s, s, None))
            continue
        if kind == "text":
            close_grid()
            c = cells[0][0]
            if len(cells) == 1:
                # a cell of several paragraphs: each its own line
                texts = [p.strip() for p in rows[r][c].splitlines() if p.strip()]
            else:
                texts = ["  ".join(t for _c, t in cells)]
            c1 = max(merges.get((r, cc), (r, cc))[1] for cc, _t in cells)
            r1 = max(merges.get((r, cc), (r, cc))[0] for cc, _t in cells)
            for t in texts:
                s, e = emit(t)
                flow.append(Line(page_no, t, s, e, (float(c), float(r), float(c1 + 1), float(r1 + 1)),
                                 indent=True, short=True))
            continue
        grid_run[0] = run
        grid.append((r, cells))
    close_grid()
    return Page(page_no, "".join(parts)), flow


# ------------------------------------------------------------------ the workbook


def read_workbook(path: Path, kind: str, max_sheets: int = 5000) -> tuple[list[Page], list[FlowItem], list[str]]:
    """The pages, flow and notes of a workbook of ``kind`` ('xlsx', 'xls', 'ods'); raises
    ``WorkbookError`` when it cannot be read (``too_many_pages`` over ``max_sheets`` sheets)."""
    import python_calamine as pc

    notes: list[str] = []
    styles: list[NumberFormat | None] = []
    sheet_xml: list[str | None] = []
    ods_sheets: list[tuple[int, list[OdsSpan]]] = []
    xls_info: list[tuple[int, int, dict[tuple[int, int], NumberFormat]]] | None = None
    z: zipfile.ZipFile | None = None
    try:
        if kind in ("xlsx", "ods"):
            z = zipfile.ZipFile(path)
        if kind == "xlsx":
            assert z is not None
            styles = _xlsx_styles(z)
            sheet_xml = _xlsx_sheet_paths(z)
        elif kind == "ods":
            assert z is not None
            content = _read_capped(z, "content.xml")
            if content is None:
                raise WorkbookError("too_complex", f"the spreadsheet's content is over {MAX_SHEET_XML_BYTES} "
                                    "bytes (MAX_SHEET_XML_BYTES)")
            ods_sheets = _ods_scan(content)
        elif path.stat().st_size > MAX_SHEET_XML_BYTES:
            raise WorkbookError("too_complex", f"the .xls file is over {MAX_SHEET_XML_BYTES} bytes "
                                "(MAX_SHEET_XML_BYTES): calamine would read each sheet whole")
        else:
            try:
                stream = cfb_stream(path.read_bytes(), ("Workbook", "Book"))
                xls_info = xls_sheets(stream) if stream is not None else None
            except (struct.error, IndexError, ValueError):
                xls_info = None  # a damage this walk cannot get past: calamine says what it can read
        try:
            wb = pc.CalamineWorkbook.from_path(str(path))
        except pc.PasswordError as e:
            raise WorkbookError("encrypted", "the workbook is password-protected; save an unprotected copy "
                                "and try again") from e
        except BaseException as e:
            if not _calamine_failure(e):
                raise
            raise WorkbookError("corrupt", f"the workbook cannot be opened ({_short(e)})") from e
        pages: list[Page] = []
        flow: list[FlowItem] = []
        skipped: list[str] = []
        with wb:
            meta = wb.sheets_metadata
            if len(meta) > max_sheets:
                raise WorkbookError("too_many_pages", f"{len(meta)} sheets is over the {max_sheets}-page limit "
                                    "(CROSSFOOT_MAX_PAGES; a sheet is a page)")
            for i, sm in enumerate(meta):
                page_no = i + 1
                if sm.typ != pc.SheetTypeEnum.WorkSheet or sm.visible != pc.SheetVisibleEnum.Visible:
                    why = "not a worksheet" if sm.typ != pc.SheetTypeEnum.WorkSheet else "hidden"
                    skipped.append(f"{sm.name!r} ({why})")
                    pages.append(Page(page_no, ""))
                    continue
                formats: dict[tuple[int, int], NumberFormat] = {}
                hidden_rows: set[int] = set()
                hidden_cols: set[int] = set()
                refuse = None
                if kind == "xlsx":
                    part = sheet_xml[i] if i < len(sheet_xml) else None
                    xml = _read_capped(z, part) if z is not None and part and part in z.namelist() else b""
                    if xml is None:
                        refuse = f"its XML is over {MAX_SHEET_XML_BYTES} bytes (MAX_SHEET_XML_BYTES)"
                    else:
                        n_rows, n_cols, formats = _xlsx_sheet_scan(xml, styles)
                        hidden_rows, hidden_cols = _xlsx_hidden(xml, n_rows, n_cols)
                        if n_rows * n_cols > MAX_SHEET_CELLS:
                            refuse = (f"it spans {n_rows} rows × {n_cols} columns, over {MAX_SHEET_CELLS} cells "
                                      "(MAX_SHEET_CELLS)")
                elif kind == "ods" and i < len(ods_sheets):
                    if ods_sheets[i][0] > MAX_SHEET_CELLS:
                        refuse = f"it spans over {MAX_SHEET_CELLS} cells (MAX_SHEET_CELLS)"
                    else:  # (the spans lie inside the extent: bounded by it)
                        formats = {(r0 + dr, c0 + dc): f for r0, nr, c0, nc, f in ods_sheets[i][1]
                                   for dr in range(nr) for dc in range(nc)}
                elif kind == "xls" and xls_info is not None and i < len(xls_info):
                    n_rows, n_cols, formats = xls_info[i]
                    if n_rows * n_cols > MAX_SHEET_CELLS:
                        refuse = (f"it spans {n_rows} rows × {n_cols} columns, over {MAX_SHEET_CELLS} cells "
                                  "(MAX_SHEET_CELLS)")
                if refuse is None:
                    try:
                        sheet = wb.get_sheet_by_index(i)
                    except BaseException as e:
                        if not _calamine_failure(e):
                            raise
                        skipped.append(f"{sm.name!r} (unreadable: {_short(e)})")
                        pages.append(Page(page_no, ""))
                        continue
                    end = sheet.end
                    extent = (end[0] + 1) * (end[1] + 1) if end else 0
                    if extent > MAX_SHEET_CELLS:
                        refuse = (f"it spans {end[0] + 1} rows × {end[1] + 1} columns, over {MAX_SHEET_CELLS} cells "
                                  "(MAX_SHEET_CELLS)")
                if refuse is not None:
                    notes.append(f"sheet {page_no} {sm.name!r} is not read: {refuse}")
                    pages.append(Page(page_no, ""))
                    continue
                try:
                    values = sheet.to_python(skip_empty_area=False) if end else []
                except BaseException as e:
                    if not _calamine_failure(e):
                        raise
                    skipped.append(f"{sm.name!r} (unreadable: {_short(e)})")
                    pages.append(Page(page_no, ""))
                    continue
                rows = [[_cell_text(v, formats.get((r, c))) for c, v in enumerate(row)]
                        for r, row in enumerate(values)]
                if hidden_cols:
                    rows = [[t if c not in hidden_cols else "" for c, t in enumerate(row)] for row in rows]
                if hidden_rows or hidden_cols:
                    notes.append(f"sheet {page_no} {sm.name!r}: {len(hidden_rows)} hidden row(s) and "
                                 f"{len(hidden_cols)} hidden column(s) are not read")
                merges: dict[tuple[int, int], tuple[int, int]] = {}
                for (a, b) in (sheet.merged_cell_ranges or ()):
                    merges[(a[0], a[1])] = (b[0], b[1])
                page, items = sheet_flow(page_no, sm.name, rows, merges, hidden_rows)
                pages.append(page)
                flow.extend(items)
        if skipped:
            notes.append(f"{len(skipped)} sheet(s) not read: " + ", ".join(skipped[:10])
                         + (", …" if len(skipped) > 10 else ""))
        if not any(p.text.strip() for p in pages):
            refused = [n for n in notes if "is not read" in n]
            if refused:  # every sheet with cells over a limit
                raise WorkbookError("too_complex", "no sheet could be read within the limits: " + "; ".join(refused[:3]))
            raise WorkbookError("empty", "the workbook has no cell with text or a number"
                                + (" that could be read: " + "; ".join(notes[:3]) if notes else ""))
        if kind == "xls" and xls_info is None:
            notes.append(f"{kind}: number formats are not read; figures keep the stored value's own decimals")
        return pages, flow, notes
    except _DAMAGED as e:
        raise WorkbookError("corrupt", f"the workbook is damaged ({_short(e)})") from e
    finally:
        if z is not None:
            z.close()


def _calamine_failure(e: BaseException) -> bool:
    """Whether an exception out of calamine says the file is damaged: any error it raises, and a
    panic of its Rust code (pyo3's PanicException, a BaseException: a truncated .xls makes calamine
    index past its stream), but not an interrupt or a memory error, which must go on up."""
    if isinstance(e, (KeyboardInterrupt, SystemExit, MemoryError)):
        return False
    return isinstance(e, Exception) or type(e).__name__ == "PanicException"


def _short(e: BaseException) -> str:
    s = str(e).strip() or type(e).__name__
    return s if len(s) < 160 else s[:157] + "..."
