"""The Word reader (extraction/docx.py): paragraphs and tables in document order, headings from
styles and outline levels, merged cells (gridSpan, vMerge), page breaks, and each bad file's
error record (a .doc, a password-protected .docx, a zip that is no Word document, a zip bomb).

The seeds as Word files (tests/data/derived/*.docx) are held to the seeds' reading in
tests/test_formats_equivalence.py; the documents here are small, made with python-docx for the
case each test names."""

from __future__ import annotations

import io
import time
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from formats import MERGED_GRID

from extraction.docx import read_docx_flow
from extraction.layout import RawGrid
from extraction.reader import read_document

PROSE = ("新平县信访局2020年度本年支出合计142.68万元。其中：基本支出137.73万元，占96.53%；"
         "项目支出4.95万元，占3.47%。")


def _report(path, page_break: bool = False, rendered: bool = False):
    """A small final account: a cover, headings, a paragraph, a table with merged header cells, a paragraph."""
    d = docx.Document()
    d.add_paragraph("新平县信访局2020年度部门决算", style="Title")
    d.add_heading("第三部分 2020年度部门决算情况说明", level=1)
    custom = d.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = d.styles["Normal"]
    d.add_paragraph("二、支出决算情况说明", style="标题 2")
    d.add_paragraph(PROSE)
    if page_break:  # as Word writes a page break typed by its author: a run with a w:br of type page
        d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    p = d.add_paragraph("支出决算表")
    if rendered:  # where Word last rendered a new page: at the start of its first run
        p.runs[0]._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
    d.add_paragraph("部门：新平县信访局    公开03表")
    d.add_paragraph("单位：万元")
    t = d.add_table(rows=5, cols=5)
    for r, row in enumerate(MERGED_GRID):
        for c, text in enumerate(row):
            if text:
                t.cell(r, c).text = text
    t.cell(0, 0).merge(t.cell(1, 0))  # vMerge
    t.cell(0, 1).merge(t.cell(1, 1))
    t.cell(0, 2).merge(t.cell(0, 4))  # gridSpan
    t.cell(4, 0).merge(t.cell(4, 1))
    d.add_paragraph("三、财政拨款支出决算情况说明")
    d.save(path)
    return path


def test_merged_cells_resolved_once_with_their_span(tmp_path):
    _pages, flow, _notes = read_docx_flow(_report(tmp_path / "r.docx"))
    (grid,) = [x for x in flow if isinstance(x, RawGrid)]
    assert grid.texts() == MERGED_GRID


def test_document_order_headings_and_table(tmp_path):
    doc = read_document(_report(tmp_path / "r.docx"))
    assert doc.error is None and doc.format == "docx" and doc.meta.pages == 1
    assert (doc.meta.department, doc.meta.year, doc.meta.kind) == ("新平县信访局", 2020, "final_account")
    (t,) = doc.tables
    assert (t.kind, t.number, t.unit) == ("expenditure", "公开03表", "万元")
    assert {r.code: r.values for r in t.rows if r.code}["201"] == (142.68, 137.73, 4.95)
    assert ("新平县信访局2020年度部门决算", 1) in [(s.title, s.level) for s in doc.sections]  # (style Title)
    assert ("二、支出决算情况说明", 2) in [(s.title, s.level) for s in doc.sections]
    assert ("第三部分 2020年度部门决算情况说明", 1) in [(s.title, s.level) for s in doc.sections]
    texts = [p.text for p in doc.paragraphs]
    assert PROSE in texts
    # the paragraph after the table comes after it in the flow: its section is the last one
    assert doc.sections[-1].title == "三、财政拨款支出决算情况说明"
    assert doc.sections[-1].start > min(c.start for r in t.rows for c in r.cells if c is not None)


def test_heading_from_an_outline_level(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("第一部分 部门概况")
    ppr = p._p.get_or_add_pPr()
    ol = OxmlElement("w:outlineLvl")
    ol.set(qn("w:val"), "0")
    ppr.append(ol)
    d.add_paragraph("主要职能")
    h = d.add_paragraph("单位构成")
    h.style = d.styles["Heading 3"]
    d.save(tmp_path / "o.docx")
    _pages, flow, _ = read_docx_flow(tmp_path / "o.docx")
    assert [(x.text, x.heading_hint) for x in flow] == [("第一部分 部门概况", 1), ("主要职能", None), ("单位构成", 3)]


def test_explicit_page_breaks_counted(tmp_path):
    doc = read_document(_report(tmp_path / "r.docx", page_break=True))
    assert doc.meta.pages == 2
    assert list(doc.tables[0].pages) == [2]
    assert next(p for p in doc.paragraphs if p.text == PROSE).page == 1


def test_rendered_page_breaks_counted(tmp_path):
    doc = read_document(_report(tmp_path / "r.docx", rendered=True))
    assert doc.meta.pages == 2 and list(doc.tables[0].pages) == [2]


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_old_doc_named_with_the_conversion(tmp_path):
    p = tmp_path / "report.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    doc = read_document(p)
    assert doc.error.code == "unsupported_type"
    assert ".docx" in doc.error.message and "save it as" in doc.error.message


def test_password_protected_docx(tmp_path):
    p = tmp_path / "secret.docx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000 + "EncryptedPackage".encode("utf-16-le")
                  + b"\x00" * 1000)
    assert read_document(p).error.code == "encrypted"


def test_zip_that_is_no_word_document(tmp_path):
    p = _zip(tmp_path / "report.docx", {"readme.txt": b"hello", "data.csv": b"1,2"})
    doc = read_document(p)
    assert doc.error.code == "unsupported_type" and "not a Word document" in doc.error.message


def test_damaged_zip(tmp_path):
    data = _report(tmp_path / "r.docx").read_bytes()
    p = tmp_path / "cut.docx"
    p.write_bytes(data[: len(data) // 2])
    assert read_document(p).error.code in ("corrupt", "unsupported_type")
    p = _zip(tmp_path / "garbage.docx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00garbage"})
    assert read_document(p).error.code == "corrupt"


def test_zip_bomb_refused_before_unpacking(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("word/document.xml", b"<" + b"a" * (80 * 2**20))
    p = tmp_path / "bomb.docx"
    p.write_bytes(buf.getvalue())
    assert p.stat().st_size < 1 << 20
    t0 = time.process_time()
    doc = read_document(p)
    assert doc.error.code == "too_large" and "MAX_DOCX_PART_BYTES" in doc.error.message
    assert time.process_time() - t0 < 1.0


@pytest.mark.parametrize("name", ["report.docx", "report.bin"])
def test_word_found_by_content(tmp_path, name):
    """A .docx is found by its content whatever its name (a download saved without a suffix)."""
    src = _report(tmp_path / "src.docx")
    p = tmp_path / name
    p.write_bytes(src.read_bytes())
    doc = read_document(p)
    assert doc.error is None and doc.format == "docx"


def test_part_limit_stands_far_above_the_real_documents():
    from conftest import DATA

    from extraction.limits import MAX_DOCX_PART_BYTES

    sizes = [i.file_size for p in (DATA / "derived").glob("*.docx") for i in zipfile.ZipFile(p).infolist()]
    assert sizes and max(sizes) * 5 < MAX_DOCX_PART_BYTES  # measured: 350 KB (word/document.xml)


def test_centred_or_bold_paragraph_is_a_title(tmp_path):
    """A cover title typed as a centred (or bold) Normal paragraph is not joined to the prose after it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    t = d.add_paragraph("新平县信访局2020年度部门决算")
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph().add_run("部门决算情况说明").bold = True
    d.add_paragraph(PROSE)
    d.add_paragraph("部分加粗").add_run("的段落").bold = True
    d.save(tmp_path / "t.docx")
    _pages, flow, _ = read_docx_flow(tmp_path / "t.docx")
    assert [(x.text, x.heading_hint) for x in flow] == [
        ("新平县信访局2020年度部门决算", 1), ("部门决算情况说明", 1), (PROSE, None), ("部分加粗的段落", None)]
    doc = read_document(tmp_path / "t.docx")
    assert PROSE in [p.text for p in doc.paragraphs]


def test_document_part_of_another_xml(tmp_path):
    src = zipfile.ZipFile(_report(tmp_path / "r.docx"))
    p = tmp_path / "other.docx"
    with zipfile.ZipFile(p, "w") as z:
        for info in src.infolist():
            body = src.read(info.filename)
            z.writestr(info.filename, b"<?xml version='1.0'?><html><body>x</body></html>"
                       if info.filename == "word/document.xml" else body)
    doc = read_document(p)
    assert doc.error.code == "corrupt" and "no Word document body" in doc.error.message


_NUMBERING = """<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>"""


def test_numbers_word_draws_are_read(tmp_path):
    """Automatic numbering ("一、", "（一）", "1.") is text as printed: headings are found by it, and a
    heading style linked to a list numbers its paragraphs too."""
    from docx.oxml import parse_xml

    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING))
    num = numbering.add_num(90)

    def numbered(text: str, ilvl: int, style: str | None = None):
        p = d.add_paragraph(text, style=style)
        npr = p._p.get_or_add_pPr().get_or_add_numPr()
        npr.get_or_add_ilvl().val = ilvl
        npr.get_or_add_numId().val = num.numId
        return p

    numbered("收入支出决算总体情况", 0)
    numbered("收入情况", 1)
    numbered("2023年度收入合计233.67万元。", 2)
    numbered("其中财政拨款收入233.67万元。", 2)
    numbered("支出情况", 1)
    numbered("要点", 3)
    numbered("收入决算情况", 0)
    numbered("财政拨款收入", 1)
    spr = d.styles["Heading 2"].element.get_or_add_pPr().get_or_add_numPr()
    spr.get_or_add_ilvl().val = 0
    spr.get_or_add_numId().val = num.numId
    d.add_heading("部门概况", 2)  # numbered by its style
    d.save(tmp_path / "n.docx")
    _pages, flow, _ = read_docx_flow(tmp_path / "n.docx")
    assert [x.text for x in flow] == ["一、收入支出决算总体情况", "（一）收入情况", "1. 2023年度收入合计233.67万元。",
                                      "2. 其中财政拨款收入233.67万元。", "（二）支出情况", "要点", "二、收入决算情况",
                                      "（一）财政拨款收入", "三、部门概况"]
    doc = read_document(tmp_path / "n.docx")
    assert [(s.title, s.level) for s in doc.sections][:3] == [("一、收入支出决算总体情况", 2), ("（一）收入情况", 3),
                                                             ("（二）支出情况", 3)]
