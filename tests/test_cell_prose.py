"""Explanations printed in table cells are read as paragraphs, with their cell as position."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from crossfoot.pipeline import check_findings, extract_claims
from extraction.cell_prose import cell_pieces, is_prose_cell
from extraction.layout import RawCell
from extraction.model import Paragraph
from extraction.reader import read_document

ROOT = Path(__file__).resolve().parents[1]
SEED_001 = ROOT / "tests" / "data" / "seeds" / "001_c51a82426a9f764c.txt"


@pytest.mark.parametrize("text", [
    # seed 001, 绩效自评情况 (公开10表): the report's whole explanation is in such cells
    "2021年财政收入991.89万元，其中基本支出873.39万元、项目支出118.50万元；年末财政结转0万元。",
    # seed 000, 整体支出绩效自评表: short, but a sentence
    "2020年“三公经费”支出3738元（8批次72人次）。",
    # seed 004: an export typing half-width commas
    "项目资金使用率100%,用于职工遗属生活补助足额发放。",
    "相比去年下降125件批次，批次下降21.5%",
])
def test_sentence_cells_are_prose(text):
    assert is_prose_cell(text)


@pytest.mark.parametrize("text", [
    "网络、电子检务、实验室、机要通道、档案数字化系统运行维护费",  # a row name (省检察院 budgets)
    "年度江苏省高级人民法院部门财政拨款收支预算总表",  # a title
    "上海市普陀区规划和自然资源局执法大队（下属参公事业单位）",  # a unit's name
    "五、一般公共预算财政拨款支出决算表.....",  # a contents line
    "2020年5月1日至2021年4月30日",  # a date span
    "已按预算完成目标",  # a short remark
    "1,808,774.62",
])
def test_names_labels_and_figures_are_not(text):
    assert not is_prose_cell(text)


def test_seed_001_explanations_in_cells_yield_claims_at_their_cell():
    doc = read_document(SEED_001)
    cells = [p for p in doc.paragraphs if p.cell is not None]
    para = next(p for p in cells if p.text.startswith("2021年财政收入991.89万元"))
    assert para.cell.label == "(三) 部门整体收支情况"
    table = next(t for t in doc.tables if t.id == para.cell.table)
    assert table.kind == "performance_overall" and table.number == "公开10表"
    page = doc.pages[para.page - 1].text
    assert page[para.start:para.end] == para.text  # the cell, as the page prints it

    claims = extract_claims(doc)
    assert len(claims) >= 30  # none before: the report has no prose outside its tables
    c = next(c for c in claims if c.value == 991.89)
    assert (c.kind, c.metric, c.unit) == ("amount", "income_fiscal", "万元")
    assert page[c.start:c.end] == "991.89万元" and c.text.startswith("2021年财政收入991.89万元")
    # the 三公 figures of the cell are read with their metrics
    got = {(x.metric, x.value) for x in claims if x.kind == "amount"}
    assert {("three_public_total", 2.72), ("three_public_reception", 0.79)} <= got


def test_seed_001_cell_figures_are_checked_against_the_tables():
    doc = read_document(SEED_001)
    claims = extract_claims(doc)
    run = check_findings(doc, claims)
    cf301 = [f for f in run.findings if f.rule == "CF301"]
    # 2.72万元 is the 决算 figure the 三公 table prints in its 元 column (27,204.60): the sentence
    # is compared, and the column the table reading chose is questioned, not the report
    three = next(f for f in cf301 if f.observed == 2.72)
    assert three.severity == "warning" and "「(一)支出合计」「决算统计数" in three.message
    assert not [f for f in cf301 if f.severity == "error"]


def _pdf_with_a_text_cell(path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 60), "部门整体支出绩效自评表", fontname="china-s", fontsize=12)
    page.insert_text((72, 80), "金额单位：万元", fontname="china-s", fontsize=9)
    x0, x1, x2 = 72, 200, 520
    ys = [100, 130, 200]
    for y in ys:
        page.draw_line((x0, y), (x2, y))
    for x in (x0, x1, x2):
        page.draw_line((x, ys[0]), (x, ys[-1]))
    page.insert_text((x0 + 4, 120), "项目", fontname="china-s", fontsize=9)
    page.insert_text((x1 + 4, 120), "实际完成情况", fontname="china-s", fontsize=9)
    page.insert_text((x0 + 4, 160), "部门整体收支情况", fontname="china-s", fontsize=9)
    # one cell, wrapped over two lines
    page.insert_text((x1 + 4, 150), "2023年度收入合计233.67万元，支出合计233.67万元，", fontname="china-s", fontsize=9)
    page.insert_text((x1 + 4, 165), "比上年增加21.37万元，增长10.07%。", fontname="china-s", fontsize=9)
    doc.save(path)


def test_pdf_text_cell_is_a_paragraph_with_its_box_and_offsets(tmp_path):
    f = tmp_path / "cell.pdf"
    _pdf_with_a_text_cell(f)
    doc = read_document(f)
    (para,) = [p for p in doc.paragraphs if p.cell is not None]
    assert para.text == "2023年度收入合计233.67万元，支出合计233.67万元，比上年增加21.37万元，增长10.07%。"
    assert para.cell.label == "部门整体收支情况" and para.cell.table == doc.tables[0].id
    x0, y0, x1, y1 = para.cell.bbox
    assert 200 < x0 < x1 < 520 and 130 < y0 < y1 < 200
    assert len(para.pieces) == 2  # the two printed lines
    page = doc.pages[0].text
    by_value = {c.value: c for c in extract_claims(doc)}
    for value, printed in ((233.67, "233.67万元"), (21.37, "21.37万元"), (10.07, "10.07%")):
        c = by_value[value]
        assert page[c.start:c.end] == printed
    assert by_value[10.07].text == para.text  # the sentence as the cell prints it
    assert para.to_dict()["cell"]["label"] == "部门整体收支情况"


def test_cell_pieces_follow_the_cell_through_other_words():
    # a cell's two lines with another cell's word between them in the page text
    page = "头\n收入合计1.00万元，\n其他\n增长2%。\n"
    start = page.index("收")
    cell = RawCell("收入合计1.00万元，增长2%。", 1, None, start, len(page) - 1)
    pieces = cell_pieces(cell, page)
    para = Paragraph("p1", cell.text, None, pieces)
    k = cell.text.index("2%")
    page_no, off = para.locate(k)
    assert page_no == 1 and page[off:off + 2] == "2%"
    k = cell.text.index("1.00")
    assert page[para.locate(k)[1]:][:4] == "1.00"


def test_a_figure_named_before_its_colon():
    # seed 000's 部门整体收支情况 cell: "基本支出：1759240.42元" names its figure before the colon
    from extraction.claims import paragraph_claims
    from extraction.model import TextPiece

    text = "2020年收入合计：财政拨款收入1808774.62元；2020年支出合计：1808774.62元（含基本支出：1759240.42元、项目支出：49534.20元）。"
    para = Paragraph("p1", text, None, (TextPiece(0, 1, 0, len(text)),))
    assert [(r[1], r[3]) for r in paragraph_claims(para)] == [
        ("income_fiscal", 1808774.62), ("expenditure_total", 1808774.62),
        ("expenditure_basic", 1759240.42), ("expenditure_project", 49534.2)]
