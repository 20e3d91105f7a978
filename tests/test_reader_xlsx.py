"""Workbooks (.xlsx, .ods): the same tables, claims and findings as the same report's text export;
merged headers; number formats setting a figure's decimals; every bad workbook an error record."""

from __future__ import annotations

import struct
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from crossfoot.pipeline import check_document
from extraction import xlsx
from extraction.reader import read_document

# ------------------------------------------------------------------ a generated report, two forms


def _tables(doc) -> list:
    return [(t.kind, t.title, t.number, t.unit, t.empty, [c.label for c in t.columns],
             [(r.block, r.code, r.name, r.values, tuple(c.decimals if c else None for c in r.cells)) for r in t.rows])
            for t in doc.tables]


def _claims(entry: dict) -> list:
    return sorted(((c["kind"], c["metric"], c["value"], c["unit"], c["period"], c["scope"], c["status"], c["text"])
                   for c in entry["claims"]), key=repr)


def _findings(entry: dict) -> list:
    return sorted((f["rule"], f["severity"], f["message"]) for f in entry["findings"])


@pytest.fixture(scope="module")
def two_forms(tmp_path_factory) -> tuple[Path, Path]:
    from corpus.generate import generate_corpus

    out = tmp_path_factory.mktemp("forms")
    for fmt in ("txt", "xlsx"):
        # every report with planted errors, so that the findings compared are not all empty
        generate_corpus(out / fmt, departments=2, years=(2024, 2024), errors=1.0, anomalies=0.0, seed=11,
                        fmt=fmt, error_kinds=None, workers=1)
    return out / "txt", out / "xlsx"


def test_generated_workbook_reads_as_its_text_export(two_forms):
    txt, wb = two_forms
    names = sorted(p.stem for p in txt.glob("*.txt"))
    assert len(names) == 4 and sorted(p.stem for p in wb.glob("*.xlsx")) == names
    n_findings = 0
    for stem in names:
        a, b = read_document(txt / f"{stem}.txt"), read_document(wb / f"{stem}.xlsx")
        assert b.error is None and b.format == "xlsx"
        assert len(b.tables) >= 10
        assert _tables(b) == _tables(a), stem
        ma, mb = a.meta.to_dict(), b.meta.to_dict()
        assert mb.pop("pages") == len(b.tables) + 1  # the prose sheet and a sheet per table
        ma.pop("pages")
        assert mb == ma
        ea, eb = check_document(txt / f"{stem}.txt"), check_document(wb / f"{stem}.xlsx")
        assert _claims(eb) == _claims(ea), stem
        assert _findings(eb) == _findings(ea), stem
        n_findings += len(eb["findings"])
    assert n_findings > 0


def test_generated_figures_are_stored_finer_than_printed(two_forms):
    """The generator stores amounts with more decimals than their format prints: the reader
    reads the printed figure (at most 2 decimals: amounts, scores), not the stored one."""
    _txt, wb = two_forms
    path = sorted(wb.glob("*final.xlsx"))[0]
    stored = openpyxl.load_workbook(path).worksheets[1]
    finer = [c.value for row in stored.iter_rows() for c in row
             if isinstance(c.value, float) and round(c.value, 2) != c.value]
    assert finer, "no amount stored with more precision than it prints"
    doc = read_document(path)
    cells = [c for t in doc.tables for r in t.rows for c in r.cells if c is not None and c.value is not None]
    assert cells and all(c.decimals <= 2 and round(c.value, c.decimals) == c.value for c in cells)


def test_truth_pages_are_sheets(two_forms):
    import json

    _txt, wb = two_forms
    for line in (wb / "truth.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        n_sheets = len(openpyxl.load_workbook(wb / rec["file"], read_only=True).sheetnames)
        assert rec["pages"] == n_sheets
        assert all(0 <= e["page"] <= n_sheets for e in rec["errors"])


# ------------------------------------------------------------------ hand-made workbooks


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _sheet(rows: list[list], first_row: int, first_col: int = 1) -> openpyxl.Workbook:
    """A workbook of one sheet of ``rows``, its figures from ``first_row``/``first_col`` (1-based)
    on formatted "0.00"."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=first_row, min_col=first_col):
        for c in row:
            if isinstance(c.value, float):
                c.number_format = "0.00"
    return wb


def test_merged_header_cells_label_their_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表4 财政拨款收入支出决算总表"
    rows = [["支出决算表", None, None, None, "公开03表"], ["部门：某局"], ["金额单位：万元"],
            ["科目编码", "科目名称", "本年支出", None, None],
            [None, None, "合计", "基本支出", "项目支出"],
            [None, "合计", 30.0, 20.0, 10.0],
            ["201", "一般公共服务支出", 30.0, 20.0, 10.0]]
    for r in rows:
        ws.append(r)
    ws.merge_cells("A1:D1")
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.merge_cells("C4:E4")
    for row in ws.iter_rows(min_row=6):
        for c in row:
            if isinstance(c.value, float):
                c.number_format = "0.00"
    doc = read_document(_save(wb, tmp_path / "merged.xlsx"))
    assert doc.error is None
    (t,) = doc.tables
    assert (t.kind, t.number, t.unit) == ("expenditure", "公开03表", "万元")
    assert [c.label for c in t.columns] == ["本年支出/合计", "本年支出/基本支出", "本年支出/项目支出"]
    assert [(r.code, r.values) for r in t.rows] == [(None, (30.0, 20.0, 10.0)), ("201", (30.0, 20.0, 10.0))]
    # a cell's box is its place in the sheet (column, row, column + 1, row + 1), 0-based
    assert t.rows[1].cells[2].bbox == (4.0, 6.0, 5.0, 7.0)
    # the page text: the sheet's name, then a line per row; a cell's offsets point at its text
    page = doc.pages[0].text
    assert page.splitlines()[0] == "表4 财政拨款收入支出决算总表"
    cell = t.rows[1].cells[0]
    assert page[cell.start:cell.end] == "30.00"


@pytest.mark.parametrize("stored, fmt, text, value, decimals", [
    (180.8765, "0.00", "180.88", 180.88, 2),
    (180.8765, "0.0000", "180.8765", 180.8765, 4),
    (180.8765, "0", "181", 181.0, 0),
    (1234.565, "#,##0.00", "1,234.57", 1234.57, 2),  # half away from zero, as Excel shows it
    (-2.5, "0.00;[Red]-0.00", "-2.50", -2.5, 2),
    (0.0, '#,##0.00;-#,##0.00;"-"', "-", None, None),  # the zero section prints a dash: nothing
    (361.76000000000005, "General", "361.76", 361.76, 2),  # a formula's binary noise, not printed
    (0.123456, '0.00"万元"', "0.12", 0.12, 2),
])
def test_number_format_sets_the_printed_figure_and_its_decimals(tmp_path, stored, fmt, text, value, decimals):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["科目名称", "金额"])
    ws.append(["合计", 1.25])  # a figure with decimals: the body starts at the rows of figures
    ws.append(["一般公共服务支出", stored])
    ws["B2"].number_format = "0.00"
    ws["B3"].number_format = fmt
    doc = read_document(_save(wb, tmp_path / "f.xlsx"))
    (t,) = doc.tables
    assert [r.name for r in t.rows] == ["合计", "一般公共服务支出"]
    cell = t.rows[1].cells[0]
    assert (cell.text, cell.value, cell.decimals) == (text, value, decimals)


def test_number_format_codes():
    assert xlsx.parse_number_format("General") is None
    assert xlsx.parse_number_format("yyyy-mm-dd") is None
    assert xlsx.parse_number_format("0.00E+00") is None
    assert xlsx.parse_number_format("#,##0.00_);(#,##0.00)") == (2, True, False, None, 1)
    assert xlsx.parse_number_format("0.0%") == (1, False, True, None, 1)
    assert xlsx.parse_number_format("00") == (0, False, False, None, 2)
    assert xlsx.format_number(5.0, xlsx.parse_number_format("00")) == "05"
    assert xlsx.format_number(0.1234, xlsx.parse_number_format("0.00%")) == "12.34%"
    assert xlsx.format_number(2.675, xlsx.parse_number_format("0.00")) == "2.68"  # binary 2.67499…


def test_prose_sheet_rows_are_paragraphs_and_claims(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "情况说明"
    ws.append(["一、收入支出决算总体情况说明"])
    ws.append(["2024年度收入总计1,000.00万元，支出总计1,000.00万元。与2023年度相比，收入总计增加100.00万元，增长11.11%。"])
    ws.append(["二、收入决算情况说明"])
    doc = read_document(_save(wb, tmp_path / "p.xlsx"))
    assert [s.title for s in doc.sections] == ["一、收入支出决算总体情况说明", "二、收入决算情况说明"]
    assert len(doc.paragraphs) == 1 and doc.paragraphs[0].text.startswith("2024年度收入总计")
    assert not doc.tables
    assert doc.pages[0].text.splitlines()[0] == "一、收入支出决算总体情况说明"  # a prose sheet's name is no line
    entry = check_document(tmp_path / "p.xlsx")
    assert {c["value"] for c in entry["claims"]} >= {1000.0, 100.0, 11.11}


def test_hidden_sheet_is_not_read_and_keeps_its_number(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["科目名称", "金额"])
    ws.append(["合计", 1.5])
    hidden = wb.create_sheet("底稿")
    hidden.append(["科目名称", "金额"])
    hidden.append(["合计", 99.0])
    hidden.sheet_state = "hidden"
    third = wb.create_sheet("表3")
    third.append(["科目名称", "金额"])
    third.append(["合计", 2.5])
    doc = read_document(_save(wb, tmp_path / "h.xlsx"))
    assert [(t.pages, t.rows[0].values) for t in doc.tables] == [((1,), (1.5,)), ((3,), (2.5,))]
    assert any("'底稿' (hidden)" in n for n in doc.notes)


def test_hidden_rows_and_columns_are_not_read(tmp_path):
    wb = _sheet([["科目编码", "科目名称", "校验", "金额"], [None, "合计", "=D2-D3", 5.5],
                 ["201", "一般公共服务支出", None, 5.5], ["201", "旧口径", None, 99.25],
                 ["208", "社会保障和就业支出", None, 0.0]], 2, 4)
    ws = wb.active
    ws.column_dimensions["C"].hidden = True
    ws.row_dimensions[4].hidden = True
    doc = read_document(_save(wb, tmp_path / "hidden.xlsx"))
    (t,) = doc.tables
    assert [c.label for c in t.columns] == ["金额"]
    assert [(r.code, r.name, r.values) for r in t.rows] == [
        (None, "合计", (5.5,)), ("201", "一般公共服务支出", (5.5,)), ("208", "社会保障和就业支出", (0.0,))]
    assert any("1 hidden row(s) and 1 hidden column(s)" in n for n in doc.notes)
    assert "旧口径" not in doc.pages[0].text


def test_long_name_alone_in_its_row_stays_in_the_table(tmp_path):
    name = "教育系统信息化建设及运维服务项目（含网络安全等级保护测评、数据中心机房改造和终端设备更新）"
    wb = _sheet([["项目支出决算表"], ["项目名称", "预算数", "决算数"], ["合计", 3.5, 3.25], [name],
                 ["教学设备购置", 3.5, 3.25], ["注：本表反映部门本年度项目支出情况。"]], 3, 2)
    doc = read_document(_save(wb, tmp_path / "long.xlsx"))
    (t,) = doc.tables
    assert [r.name for r in t.rows] == ["合计", name, "教学设备购置"]
    assert any(p.text.startswith("注：本表反映") for p in doc.paragraphs)


def test_blank_row_inside_a_table_does_not_split_it(tmp_path):
    wb = _sheet([["支出决算表"], ["科目编码", "科目名称", "基本支出", "项目支出"], [None, "合计", 3.5, 1.25],
                 ["201", "一般公共服务支出", 2.5, 1.25], [], ["208", "社会保障和就业支出", 1.0, None]], 3, 3)
    doc = read_document(_save(wb, tmp_path / "gap.xlsx"))
    (t,) = doc.tables
    assert [c.label for c in t.columns] == ["基本支出", "项目支出"]
    assert [(r.code, r.values) for r in t.rows] == [(None, (3.5, 1.25)), ("201", (2.5, 1.25)), ("208", (1.0, None))]


# ------------------------------------------------------------------ .ods

_ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="收入决算表">{rows}</table:table>'
    '</office:spreadsheet></office:body></office:document-content>')


def _ods_cell(v, shown: str | None = None, kind: str = "float") -> str:
    """A cell of an ODS row: a figure (its value, and the text it prints), or a string."""
    if isinstance(v, float):
        return (f'<table:table-cell office:value-type="{kind}" office:value="{v!r}"><text:p>'
                f'{shown if shown is not None else v}</text:p></table:table-cell>')
    return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'


def _ods(path: Path, rows_xml: str) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", _ODS_CONTENT.format(rows=rows_xml), zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return path


def test_ods_sheet_reads_the_figures_it_prints(tmp_path):
    """ODS keeps the text a cell prints beside its value: the figure is the printed one."""
    rows = [[("收入决算表",)], [("金额单位：万元",)], [("科目编码",), ("科目名称",), ("本年收入合计",), ("完成率",)],
            [("",), ("合计",), (10.2549, "10.25"), (0.5, "50.0%", "percentage")],
            [("201",), ("一般公共服务支出",), (10.2549, "10.25"), (0.5, "50.0%", "percentage")]]
    xml = "".join("<table:table-row>" + "".join(_ods_cell(*c) for c in r) + "</table:table-row>" for r in rows)
    doc = read_document(_ods(tmp_path / "r.ods", xml))
    assert doc.error is None and doc.format == "ods"
    t = doc.table("income")
    assert t is not None and t.unit == "万元"
    assert [(r.code, r.values, tuple(c.decimals for c in r.cells)) for r in t.rows] == [
        (None, (10.25, 50.0), (2, 1)), ("201", (10.25, 50.0), (2, 1))]
    assert t.rows[0].cells[1].text == "50.0%"


def test_ods_repeated_rows_past_the_limit_are_refused_before_reading(tmp_path):
    row = "<table:table-row table:number-rows-repeated=\"2000000\">" + _ods_cell(1.0) + "</table:table-row>"
    t0 = time.process_time()
    doc = read_document(_ods(tmp_path / "rep.ods", row))
    assert time.process_time() - t0 < 2
    assert doc.error is not None and doc.error.code == "too_complex"
    assert "MAX_SHEET_CELLS" in doc.error.message


# ------------------------------------------------------------------ bad workbooks


def _sheet_xml_zip(path: Path, sheet_xml: bytes | None = None, rows: int = 0) -> Path:
    """A minimal .xlsx written by hand: one sheet named "大表" with ``sheet_xml``, or ``rows`` rows
    of one figure each streamed into it (a sheet too large to build otherwise), and a second sheet
    with a small table."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
    small = (f'<worksheet {ns}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>科目名称</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>金额</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>合计</t>'
             '</is></c><c r="B2"><v>3.5</v></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("_rels/.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   f'relationships"><Relationship Id="r1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="大表" sheetId="1" '
                   'r:id="rId1"/><sheet name="小表" sheetId="2" r:id="rId2"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   f'2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{rel}/worksheet" Target="worksheets/sheet2.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet2.xml", small)
        if sheet_xml is not None:
            z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        else:
            with z.open("xl/worksheets/sheet1.xml", "w") as f:
                f.write(f'<worksheet {ns}><dimension ref="A1:A{rows}"/><sheetData>'.encode())
                for r in range(1, rows + 1, 1000):
                    f.write(b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i)
                                     for i in range(r, min(rows, r + 999) + 1)))
                f.write(b"</sheetData></worksheet>")
    return path


def test_million_row_sheet_is_refused_in_bounded_time_and_the_rest_read(tmp_path):
    path = _sheet_xml_zip(tmp_path / "big.xlsx", rows=1_000_000)
    t0 = time.process_time()
    doc = read_document(path)
    spent = time.process_time() - t0
    assert doc.error is None
    assert spent < 3, spent  # calamine alone takes ~1 s and 80 MB to read that sheet: it is never asked
    assert any("sheet 1 '大表' is not read" in n and "MAX_SHEET_XML_BYTES" in n for n in doc.notes)
    (t,) = doc.tables
    assert t.pages == (2,) and t.rows[0].values == (3.5,)


def test_far_corner_cell_is_refused_by_the_extent(tmp_path):
    # two cells, a few bytes, but calamine's grid would be 1,048,576 × 16,384 cells
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    xml = (f'<worksheet {ns}><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
           '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>').encode()
    t0 = time.process_time()
    doc = read_document(_sheet_xml_zip(tmp_path / "corner.xlsx", xml))
    assert time.process_time() - t0 < 2
    assert any("MAX_SHEET_CELLS" in n and "1048576 rows" in n for n in doc.notes)
    assert [t.rows[0].values for t in doc.tables] == [(3.5,)]


def test_sheet_scan_reads_cells_in_any_attribute_order():
    styles = [None, xlsx.parse_number_format("0.00")]
    usual = b'<row r="2"><c r="B2" s="1"><v>1</v></c><c r="C9" s="0"/></row>'
    other = b'<row r="2"><c s="1" r="B2" t="n"><v>1</v></c><c s="0" r="C9"/></row>'
    unnamed = b'<row r="7"><c><v>1</v></c><c s="1"><v>2</v></c></row>'
    assert xlsx._xlsx_sheet_scan(usual, styles) == (2, 2, {(1, 1): (2, False, False, None, 1)})
    assert xlsx._xlsx_sheet_scan(other, styles) == xlsx._xlsx_sheet_scan(usual, styles)
    assert xlsx._xlsx_sheet_scan(unnamed, styles)[:2] == (7, 2)  # cells without r: the row's number, counted


def _ole(path: Path, streams: list[str], body: bytes = b"") -> Path:
    """An OLE compound file (the container of .xls and of password-protected Office files) with
    the given stream names in its directory, as [MS-CFB] lays it out: the header, one FAT sector,
    one directory sector, and the first stream's ``body`` (at least 4,096 bytes, so that it lies in
    regular sectors; the other streams empty)."""
    free, end, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    n = -(-len(body) // 512)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              # directory sectors (0 in version 3), FAT sectors, first directory sector, transaction,
              # mini stream cutoff, first mini FAT sector, mini FAT sectors, first DIFAT sector, DIFAT sectors
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))  # the FAT is sector 0
    chain = [k + 1 for k in range(2, 2 + n - 1)] + [end] if n else []
    fat = struct.pack("<128I", fat_sect, end, *chain, *([free] * (126 - len(chain))))

    def entry(name: str, kind: int, child: int = free, right: int = free, start: int = end, size: int = 0) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", free, right, child) + b"\0" * 36 + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, child=1)]
    for i, s in enumerate(streams):
        entries.append(entry(s, 2, right=i + 2 if i + 1 < len(streams) else free,
                             start=2 if i == 0 and n else end, size=len(body) if i == 0 else 0))
    directory = b"".join(entries).ljust(512, b"\0")
    assert len(header) == 512 and all(len(e) == 128 for e in entries)
    path.write_bytes(header + fat + directory + body.ljust(n * 512, b"\0"))
    return path


def _biff8(sheet: str, cells: dict[tuple[int, int], object], formats: dict[tuple[int, int], str] | None = None
           ) -> bytes:
    """A BIFF8 workbook stream of one sheet: strings in the shared string table, figures as NUMBER
    records with the style of their number format (``formats``: FORMAT and XF records), the
    sheet's substream after padding that puts the stream over 4,096 bytes."""
    def rec(kind: int, data: bytes) -> bytes:
        return struct.pack("<HH", kind, len(data)) + data

    def bof(dt: int) -> bytes:
        return rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6))

    formats = formats or {}
    codes = sorted(set(formats.values()))
    fmt_records = b"".join(rec(0x041E, struct.pack("<HHB", 164 + k, len(c), 1) + c.encode("utf-16-le"))
                           for k, c in enumerate(codes))
    # XF 0 General, then one per format (an XF is 20 bytes: font, format, the rest left zero)
    xf_records = b"".join(rec(0x00E0, struct.pack("<HH", 0, f) + b"\0" * 16) for f in [0] + [164 + k for k in
                                                                                         range(len(codes))])
    strings = sorted({v for v in cells.values() if isinstance(v, str)})
    sst = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(t), 1) + t.encode("utf-16-le") for t in strings)
    name = sheet.encode("utf-16-le")

    def globals_(at: int) -> bytes:
        return (bof(0x0005) + rec(0x0042, struct.pack("<H", 1200)) + fmt_records + xf_records
                + rec(0x0085, struct.pack("<IBBBB", at, 0, 0, len(sheet), 1) + name)
                + rec(0x00FC, sst) + rec(0x000A, b""))

    pad = 4200 - len(globals_(0))
    head = globals_(len(globals_(0)) + pad) + b"\0" * pad
    rows = max(r for r, _c in cells) + 1
    cols = max(c for _r, c in cells) + 1
    body = bof(0x0010) + rec(0x0200, struct.pack("<IIHHH", 0, rows, 0, cols, 0))
    for (r, c), v in sorted(cells.items()):
        if isinstance(v, str):
            body += rec(0x00FD, struct.pack("<HHHI", r, c, 0, strings.index(v)))
        else:
            xf = 1 + codes.index(formats[(r, c)]) if (r, c) in formats else 0
            body += rec(0x0203, struct.pack("<HHHd", r, c, xf, float(v)))
    return head + body + rec(0x000A, b"")


def test_xls_reads_with_stored_decimals(tmp_path):
    cells = {(0, 0): "收入决算表", (1, 0): "金额单位：万元", (2, 0): "科目编码", (2, 1): "科目名称",
             (2, 2): "本年收入合计", (3, 1): "合计", (3, 2): 12.5, (4, 0): "201", (4, 1): "一般公共服务支出",
             (4, 2): 12.5}
    path = _ole(tmp_path / "r.xls", ["Workbook"], _biff8("表2 收入决算表", cells))
    doc = read_document(path)
    assert doc.error is None, doc.error
    assert doc.format == "xls"
    t = doc.table("income")
    assert t is not None and t.unit == "万元"
    assert [(r.code, r.values, r.cells[0].decimals) for r in t.rows] == [(None, (12.5,), 1), ("201", (12.5,), 1)]


def test_xls_number_formats_set_the_printed_figure(tmp_path):
    cells = {(0, 0): "项目支出绩效自评表", (1, 0): "项目名称", (1, 1): "预算数", (1, 2): "执行数", (1, 3): "执行率",
             (2, 0): "合计", (2, 1): 180.8765, (2, 2): 90.43825, (2, 3): 0.5,
             (3, 0): "教学设备购置", (3, 1): 180.8765, (3, 2): 90.43825, (3, 3): 0.5}
    formats = {(r, c): code for r in (2, 3) for c, code in ((1, "#,##0.00"), (2, "0.00"), (3, "0.00%"))}
    doc = read_document(_ole(tmp_path / "p.xls", ["Workbook"], _biff8("Sheet1", cells, formats)))
    assert doc.error is None, doc.error
    (t,) = doc.tables
    assert [[(c.text, c.value, c.decimals) for c in r.cells] for r in t.rows] == [
        [("180.88", 180.88, 2), ("90.44", 90.44, 2), ("50.00%", 50.0, 2)]] * 2
    assert not any("number formats are not read" in n for n in doc.notes)
    assert xlsx.xls_sheets(b"\x09\x08\x10\x00\x00\x05") is None  # a BIFF5 stream: the fallback


def test_xls_walk_is_bounded_by_its_stream():
    """A hostile BOUNDSHEET list (20,000 sheets, all at the stream's start, no EOF) is walked in
    time bounded by the stream's length: the walk gives up (calamine then reads, or refuses)."""
    def rec(kind: int, data: bytes) -> bytes:
        return struct.pack("<HH", kind, len(data)) + data

    stream = (rec(0x0809, struct.pack("<HHHHII", 0x0600, 5, 0, 0, 0, 6))
              + rec(0x0085, struct.pack("<IBBBB", 0, 0, 0, 1, 0) + b"a") * 20_000 + rec(0x0203, bytes(14)) * 50_000)
    t0 = time.process_time()
    assert xlsx.xls_sheets(stream) is None
    assert time.process_time() - t0 < 2


def test_xls_far_corner_cell_is_refused_before_calamine_reads_it(tmp_path):
    # two figures; calamine's grid of the sheet would be 65,536 × 256 cells (half a gigabyte)
    path = _ole(tmp_path / "corner.xls", ["Workbook"], _biff8("大表", {(0, 0): 1.0, (65535, 255): 2.0}))
    t0 = time.process_time()
    doc = read_document(path)
    assert time.process_time() - t0 < 1
    assert doc.error is not None and doc.error.code == "too_complex"
    assert "65536 rows × 256 columns" in doc.error.message


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_password_protected_workbook_is_encrypted(tmp_path, suffix):
    path = _ole(tmp_path / f"secret{suffix}", ["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"])
    doc = read_document(path)
    assert doc.error is not None and doc.error.code == "encrypted"
    assert "password-protected" in doc.error.message and str(path) in doc.error.message


def test_old_office_file_that_is_no_workbook_keeps_its_type_error(tmp_path):
    doc = read_document(_ole(tmp_path / "report.doc", ["WordDocument", "1Table"]))
    assert doc.error is not None and doc.error.code == "unsupported_type"


def test_zip_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "tables.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    doc = read_document(p)
    assert doc.error is not None and doc.error.code == "corrupt"
    assert "holds no workbook" in doc.error.message
    # the same ZIP under another name is only of an unsupported type
    q = tmp_path / "tables.zip"
    q.write_bytes(p.read_bytes())
    assert read_document(q).error.code == "unsupported_type"


def test_corrupt_workbooks(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["科目名称", "金额"])
    good = _save(wb, tmp_path / "good.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good[: len(good) // 2])  # the central directory lost
    bad_xml = tmp_path / "bad_xml.xlsx"
    with zipfile.ZipFile(tmp_path / "good.xlsx") as zin, zipfile.ZipFile(bad_xml, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            zout.writestr(info.filename, body[:40] if info.filename == "xl/workbook.xml" else body)
    for p in (cut, bad_xml):
        doc = read_document(p)
        assert doc.error is not None and doc.error.code == "corrupt", (p.name, doc.error)
        assert str(p) in doc.error.message


def test_workbook_of_empty_sheets_is_empty(tmp_path):
    doc = read_document(_save(openpyxl.Workbook(), tmp_path / "blank.xlsx"))
    assert doc.error is not None and doc.error.code == "empty"


def _damaged_reads(good: bytes, suffix: str, out: Path, n: int = 24) -> set[str]:
    """The error codes of ``n`` copies of ``good`` cut, flipped or overwritten; asserts that none is an
    internal error (a crash of crossfoot's own code)."""
    import random

    rng = random.Random(19)
    codes = set()
    out.mkdir(exist_ok=True)
    for i in range(n):
        data = bytearray(good)
        how = i % 3
        if how == 0:
            data = data[: rng.randrange(4, len(data))]
        elif how == 1:
            for _ in range(rng.randrange(1, 20)):
                k = rng.randrange(30, len(data))
                data[k] ^= 1 << rng.randrange(8)
        else:
            k = rng.randrange(30, len(data) - 64)
            data[k:k + 64] = bytes(rng.randrange(256) for _ in range(64))
        p = out / f"d{i}{suffix}"
        p.write_bytes(bytes(data))
        doc = read_document(p)
        codes.add(doc.error.code if doc.error else "ok")
        assert doc.error is None or doc.error.code != "internal_error", (i, doc.error)
    return codes


def test_damaged_workbooks_are_records_never_internal_errors(two_forms, tmp_path):
    """Bytes of a real-shaped workbook cut, flipped or overwritten: each read gives a document or
    an error record of the reader (corrupt, empty, …), never a crash of crossfoot's own code."""
    _txt, wb = two_forms
    good = sorted(wb.glob("*final.xlsx"))[0].read_bytes()
    assert "corrupt" in _damaged_reads(good, ".xlsx", tmp_path / "xlsx")
    cells = {(0, 0): "科目名称", (0, 1): "金额", (1, 0): "合计", (1, 1): 1.5, (2, 0): "一般公共服务支出", (2, 1): 1.5}
    xls = _ole(tmp_path / "good.xls", ["Workbook"], _biff8("表1", cells, {(1, 1): "0.00", (2, 1): "0.00"}))
    assert read_document(xls).error is None
    assert "corrupt" in _damaged_reads(xls.read_bytes(), ".xls", tmp_path / "xls")
    # cut inside its sheet's stream: calamine's Rust code panics (a BaseException out of pyo3), which
    # is a corrupt record, not a crash of the run
    cut = tmp_path / "cut.xls"
    cut.write_bytes(xls.read_bytes()[:1536 + 3584])
    doc = read_document(cut)
    assert doc.error is not None and doc.error.code == "corrupt" and "out of range" in doc.error.message


def test_generated_workbooks_are_the_same_bytes_for_a_seed(tmp_path):
    from corpus.generate import generate_corpus

    for d in ("a", "b"):
        generate_corpus(tmp_path / d, departments=1, years=(2024, 2024), errors=0.5, anomalies=0.0, seed=3,
                        fmt="xlsx", error_kinds=None, workers=1)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(names) == 3
    assert all((tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes() for n in names)
