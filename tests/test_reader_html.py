"""The web-page reader (extraction/html.py): text and headings, tables with rowspan/colspan,
scripts and styles dropped, charsets, page breaks, MHTML, and each bad page's error record.

The seeds as web pages (tests/data/derived/*.html) are held to the seeds' reading in
tests/test_formats_equivalence.py; the pages here are small, each made for the case it names."""

from __future__ import annotations

import quopri
import time

import pytest
from conftest import DATA
from formats import MERGED_GRID

from extraction import html as web
from extraction.reader import read_document

TABLE = """<table border=1>
<tr><th rowspan=2>功能分类科目编码</th><th rowspan=2>科目名称</th><th colspan=3>本年支出</th></tr>
<tr><th>合计</th><th>基本支出</th><th>项目支出</th></tr>
<tr><td>201</td><td>一般公共服务支出</td><td>142.68</td><td>137.73</td><td>4.95</td></tr>
<tr><td>20103</td><td>政府办公厅（室）及相关机构事务</td><td>142.68</td><td>137.73</td><td>4.95</td></tr>
<tr><td colspan=2>合计</td><td>142.68</td><td>137.73</td><td>4.95</td></tr>
</table>"""

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>不读的标题</title>
<style>p {{ color: red }} .x::after {{ content: "999.99万元" }}</style>
<script>var total = "2020年度收入合计888.88万元。";</script></head>
<body><h1>新平县信访局2020年度部门决算</h1>
<!-- 本年支出合计777.77万元 -->
<h2>第三部分 2020年度部门决算情况说明</h2>
<h3>二、支出决算情况说明</h3>
<p>新平县信访局2020年度本年支出合计142.68万元。<script>document.write("1.23万元")</script>其中：基本支出137.73万元，占96.53%；项目支出4.95万元，占3.47%。</p>
<p>支出决算表</p><p>部门：新平县信访局 公开03表</p><p>单位：万元</p>
{table}
</body></html>"""


def _write(tmp_path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _page(charset: str = "utf-8", table: str = TABLE) -> str:
    return PAGE.format(charset=charset, table=table)


def test_rowspan_and_colspan_resolved_into_the_grid():
    _pages, flow, _notes = web.read_html_flow(TABLE.encode())
    (grid,) = [x for x in flow if hasattr(x, "rows")]
    assert grid.texts() == MERGED_GRID


def test_page_reads_as_a_report(tmp_path):
    doc = read_document(_write(tmp_path, "report.html", _page().encode()))
    assert doc.error is None and doc.format == "html"
    assert (doc.meta.department, doc.meta.year, doc.meta.kind) == ("新平县信访局", 2020, "final_account")
    (t,) = doc.tables
    assert (t.kind, t.number, t.unit) == ("expenditure", "公开03表", "万元")
    rows = {r.code: r.values for r in t.rows if r.code}
    assert rows["201"] == (142.68, 137.73, 4.95)
    assert rows["20103"] == (142.68, 137.73, 4.95)
    assert [(s.title, s.level) for s in doc.sections] == [
        ("新平县信访局2020年度部门决算", 1), ("第三部分 2020年度部门决算情况说明", 1), ("二、支出决算情况说明", 2)]


def test_scripts_styles_comments_and_title_dropped(tmp_path):
    doc = read_document(_write(tmp_path, "report.html", _page().encode()))
    text = "".join(p.text for p in doc.pages)
    for gone in ("888.88", "999.99", "777.77", "1.23", "不读的标题", "color"):
        assert gone not in text
    (para,) = [p for p in doc.paragraphs if "本年支出合计" in p.text]
    assert para.text == ("新平县信访局2020年度本年支出合计142.68万元。其中：基本支出137.73万元，占96.53%；"
                         "项目支出4.95万元，占3.47%。")


@pytest.mark.parametrize("declaration", ['<meta charset="gb2312">', "<meta charset=gbk>",
                                         '<meta http-equiv="Content-Type" content="text/html; charset=GB2312">'])
def test_gbk_page_decoded_by_its_declared_charset(tmp_path, declaration):
    # 镕 and 堃 are GBK characters outside GB2312: a page declared gb2312 holds them often
    page = _page().replace('<meta charset="utf-8">', declaration).replace("新平县信访局2020年度本年", "堃镕县信访局2020年度本年")
    doc = read_document(_write(tmp_path, "gbk.htm", page.encode("gb18030")))
    assert doc.error is None
    assert any("堃镕县信访局2020年度本年支出合计142.68万元" in p.text for p in doc.paragraphs)
    assert any("GB18030" in n for n in doc.notes)


def test_undeclared_charset_guessed(tmp_path):
    page = _page().replace('<meta charset="utf-8">', "")
    doc = read_document(_write(tmp_path, "guess.html", page.encode("gb18030")))
    assert doc.error is None and doc.meta.department == "新平县信访局"
    assert any("GB18030" in n for n in doc.notes)


def test_charset_of_the_byte_order_mark(tmp_path):
    doc = read_document(_write(tmp_path, "bom.html", _page("gb2312").encode("utf-16")))
    assert doc.error is None and doc.tables[0].kind == "expenditure"


def test_page_breaks_make_pages(tmp_path):
    page = _page().replace("<p>支出决算表</p>", "<br clear=all style='page-break-before:always'><p>支出决算表</p>")
    doc = read_document(_write(tmp_path, "pages.html", page.encode()))
    assert doc.meta.pages == 2
    assert list(doc.tables[0].pages) == [2]
    assert doc.paragraphs[0].page == 1


def test_layout_table_read_as_blocks(tmp_path):
    """Old sites lay the whole page out in one table: its cells are read as blocks, the table inside as a table."""
    body = _page().split("<body>")[1].split("</body>")[0]
    page = f"<html><body><table><tr><td>导航</td><td>{body}</td></tr></table></body></html>"
    doc = read_document(_write(tmp_path, "layout.html", page.encode()))
    assert [t.kind for t in doc.tables] == ["expenditure"]
    assert any(p.text.startswith("新平县信访局2020年度本年支出合计142.68万元。") for p in doc.paragraphs)


def test_mhtml_archive_read(tmp_path):
    html_part = quopri.encodestring(_page("gb2312").encode("gb18030"))
    mhtml = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_B"\r\n\r\n'
             b'------=_B\r\nContent-Type: text/html; charset="gb2312"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
             + html_part + b'\r\n------=_B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n'
             b'------=_B--\r\n')
    doc = read_document(_write(tmp_path, "report.mhtml", mhtml))
    assert doc.error is None and doc.format == "html"
    assert doc.tables[0].kind == "expenditure"
    assert any("142.68万元" in p.text for p in doc.paragraphs)


def test_text_export_with_html_left_in_stays_text():
    doc = read_document(DATA / "seeds/000_18d5ca373dd9af9d.txt")
    assert doc.format == "text"


@pytest.mark.parametrize(("name", "data", "code"), [
    ("empty.html", b"<html><head><title>x</title></head><body><script>1</script></body></html>", "empty"),
    ("blank.html", b"   \n  ", "empty"),
    ("noparts.mhtml", b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
     b"Content-Type: image/png\r\n\r\nxx\r\n--b--\r\n", "unsupported_type"),
    ("binary.html", bytes(range(256)) * 64, "unsupported_type"),
])
def test_bad_page_error_record(tmp_path, name, data, code):
    p = _write(tmp_path, name, data)
    doc = read_document(p)
    assert doc.error is not None and doc.error.code == code, doc.error
    assert str(p) in doc.error.message


def test_huge_page_cut_with_a_note(tmp_path, monkeypatch):
    """A page over MAX_MARKUP_BYTES is read up to it, and the document says so (the limit made small here)."""
    monkeypatch.setattr(web, "MAX_MARKUP_BYTES", 200_000)
    rows = "".join(f"<p>第{i}段：本年支出合计{i}.00万元。</p>" for i in range(20_000))
    doc = read_document(_write(tmp_path, "huge.html", f"<html><body>{rows}</body></html>".encode()))
    assert doc.error is None
    assert any("MAX_MARKUP_BYTES" in n for n in doc.notes)
    text = "".join(p.text for p in doc.pages)
    assert "第100段" in text and "第19999段" not in text


def test_text_limit_cuts_the_page(tmp_path, monkeypatch):
    from extraction import blockflow

    monkeypatch.setattr(blockflow, "MAX_TEXT_CHARS", 5_000)
    rows = "".join(f"<p>第{i}段：本年支出合计{i}.00万元。</p>" for i in range(2_000))
    doc = read_document(_write(tmp_path, "long.html", f"<html><body>{rows}</body></html>".encode()))
    assert doc.error is None and any("MAX_TEXT_CHARS" in n for n in doc.notes)
    assert sum(len(p.text) for p in doc.pages) <= 5_000


def test_markup_limit_stands_far_above_the_real_pages():
    from extraction.limits import MAX_MARKUP_BYTES

    sizes = [p.stat().st_size for p in (DATA / "derived").glob("*.html")]
    assert len(sizes) == 5 and max(sizes) * 5 < MAX_MARKUP_BYTES  # measured: 110 KB


def test_spans_cannot_make_a_table_larger_than_its_limit(tmp_path):
    """1,000 cells spanning 1,000 columns and 65,534 rows each: the grid is cut at MAX_TABLE_CELLS, with a note."""
    row = b"<tr>" + b"<td colspan=1000 rowspan=65534>1.00</td>" * 1000 + b"</tr>"
    t0 = time.process_time()
    doc = read_document(_write(tmp_path, "spans.html", b"<table>" + row * 50 + b"</table>"))
    assert time.process_time() - t0 < 5
    assert doc.error is None and any("MAX_TABLE_CELLS" in n for n in doc.notes)


@pytest.mark.parametrize("data", [
    b"<html><body>" + b"<div>" * 100_000 + "2020年度收入合计1.00万元。".encode() + b"</div>" * 100_000,
    b"<table><tr><td>" * 5_000 + b"1.00" + b"</td></tr></table>" * 5_000,
], ids=["100k-nested-divs", "5k-nested-tables"])
def test_deep_nesting_is_a_record_in_bounded_time(tmp_path, data):
    t0 = time.process_time()
    doc = read_document(_write(tmp_path, "deep.html", data))
    assert time.process_time() - t0 < 5
    assert doc.error is None or doc.error.code == "empty"


def test_word_saved_as_web_page(tmp_path):
    """Word's "save as web page": MsoNormal paragraphs of spans, o:p tags, conditional comments, page breaks."""
    page = ("<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><meta charset=gb2312>"
            "<!--[if gte mso 9]><xml><o:DocumentProperties><o:Pages>2</o:Pages></o:DocumentProperties></xml><![endif]-->"
            "</head><body lang=ZH-CN><div class=WordSection1>"
            "<p class=MsoNormal align=center><b><span style='font-size:16.0pt'>新平县信访局<span lang=EN-US>2020</span>"
            "年度部门决算</span></b><o:p></o:p></p>"
            "<span style='font-size:10.5pt'><br clear=all style='page-break-before:always'></span>"
            "<p class=MsoNormal><span>新平县信访局<span lang=EN-US>2020</span>年度本年支出合计"
            "<span lang=EN-US>142.68</span>万元。</span><o:p></o:p></p></div></body></html>")
    doc = read_document(_write(tmp_path, "word.htm", page.encode("gb18030")))
    assert doc.error is None and doc.meta.pages == 2
    assert (doc.meta.department, doc.meta.year) == ("新平县信访局", 2020)
    assert [(p.text, p.page) for p in doc.paragraphs][-1] == ("新平县信访局2020年度本年支出合计142.68万元。", 2)
    assert "Pages" not in doc.pages[0].text


@pytest.mark.parametrize(("declared", "written"), [("iso-8859-1", "gb18030"), ("windows-1252", "utf-8"),
                                                   ("utf-8", "gb18030")])
def test_a_declaration_the_bytes_contradict(tmp_path, declared, written):
    """A Chinese page declared in a Western charset (or in UTF-8 and written in GBK) is decoded as its bytes are."""
    page = _page(declared)
    doc = read_document(_write(tmp_path, "lie.html", page.encode(written)))
    assert doc.error is None and doc.meta.department == "新平县信访局"
    assert any(f"but decoded as {written.upper()}" in n for n in doc.notes)


def test_bytes_in_no_charset_are_bad_encoding(tmp_path):
    import random

    junk = random.Random(5).randbytes(20_000).replace(b"\x00", b"\x01")
    doc = read_document(_write(tmp_path, "junk.html", b'<html><head><meta charset="utf-8"></head><body><p>' + junk))
    assert doc.error is not None and doc.error.code == "bad_encoding"
