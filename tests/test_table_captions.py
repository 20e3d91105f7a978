"""Tables whose caption the reader used to miss: captions printed inside a shared ruling, titles
wrapped over two lines, a title alone in a tab row, stray cell text between two grids of one table.
The forms are those of real reports of tests/data (省法院2017/2018, 2017年省检察院, seed 002)."""

from __future__ import annotations

from extraction.assemble import _fold_columns
from extraction.layout import RawCell
from extraction.reader import read_text
from tests.test_claims import claims_of


def test_captions_inside_one_ruling_cut_the_grid_into_their_tables():
    # 省法院2017 p.13: 三、支出预算总表, 四、财政拨款收支预算总表 and 五、财政拨款支出预算表 in one ruling,
    # each caption a row of it
    text = ("三、2017 年度江苏省高级人民法院部门支出预算总表\n单位：万元\n"
            "合计\t基本支出\t项目支出\n"
            "28,849.38\t17,123.19\t11,726.19\n"
            "四、2017\t年度江苏省高级人民法院部门财政拨款收支预算总表\t单位：万元\n"
            "项目名称\t金额\t\n"
            "一、一般公共预算\t28,849.38\t\n"
            "收入合计\t28,849.38\t\n"
            "五、2017\t年度江苏省高级人民法院部门财政拨款支出预算表\t单位：万元\n"
            "功能科目代码\t功能科目名称\t金额\n"
            "204\t公共安全支出\t23,513.11\n"
            "2040501\t行政运行\t11,786.92\n")
    doc = read_text(text, "t.txt")
    assert [(t.kind, t.unit) for t in doc.tables] == [
        ("expenditure", "万元"), ("fiscal_summary", "万元"), ("general_budget_expenditure", "万元")]
    assert doc.tables[1].title == "2017 年度江苏省高级人民法院部门财政拨款收支预算总表"
    fiscal = doc.table("fiscal_summary")
    assert [(r.name, r.values[0]) for r in fiscal.rows] == [("一、一般公共预算", 28849.38), ("收入合计", 28849.38)]
    gbe = doc.table("general_budget_expenditure")
    assert [(r.code, r.values[-1]) for r in gbe.rows] == [("204", 23513.11), ("2040501", 11786.92)]


def test_a_grid_without_inner_captions_is_left_whole():
    text = ("收入决算表\n单位：万元\n项目\t金额\n合计\t10.00\n一、财政拨款收入\t10.00\n")
    doc = read_text(text, "t.txt")
    assert [t.kind for t in doc.tables] == ["income"]
    assert len(doc.table("income").rows) == 2


def test_columns_of_a_table_cut_from_a_shared_grid_are_folded():
    # 省法院2018 p.14: "公务接待费" in one column of the shared grid, its figure in the next
    def row(*texts):
        return [RawCell(t, 1, None) if t else None for t in texts]

    rows = [row("合计", "小计", "", "公务接待费", "", "会议费"),
            row("2,558.26", "620.75", "", "", "183.95", "271.26")]
    folded = _fold_columns(rows)
    assert [[c.text if c else "" for c in r] for r in folded] == [
        ["合计", "小计", "公务接待费", "会议费"], ["2,558.26", "620.75", "183.95", "271.26"]]
    # two columns that print a cell in the same row stay apart
    kept = [row("项目", "金额"), row("合计", "1.00")]
    assert [[c.text for c in r] for r in _fold_columns(kept)] == [["项目", "金额"], ["合计", "1.00"]]


def test_a_title_wrapped_over_two_lines_is_joined():
    # 2017年省检察院 p.16: "十一、一般公共预算“三公”经费、会议费、培训费支出预" / "算表"
    text = ("十一、一般公共预算“三公”经费、会议费、培训费支出预\n算表\n部门：\n江苏省人民检察院\n单位：万元\n"
            "合计\t因公出国（境）费\t公务接待费\t会议费\t培训费\n"
            "1,134.55\t110.00\t156.55\t168.00\t700.00\n")
    doc = read_text(text, "t.txt")
    (t,) = doc.tables
    assert t.kind == "three_public"
    assert t.title == "一般公共预算“三公”经费、会议费、培训费支出预算表"
    # the second line alone names another kind: joined only after a line opening with its number
    text2 = ("公开09 表：一般公共预算“三公”经费、会议费、培训费\n支出预算表\n单位：万元\n"
             "合计\t会议费\n1.00\t1.00\n")
    (t2,) = read_text(text2, "t.txt").tables
    assert (t2.kind, t2.number) == ("three_public", "公开09表")
    # a heading above a complete title is not glued to it
    text3 = "三、支出预算情况说明\n支出预算总表\n单位：万元\n合计\t基本支出\n1.00\t1.00\n"
    (t3,) = read_text(text3, "t.txt").tables
    assert (t3.kind, t3.title) == ("expenditure", "支出预算总表")


def test_a_title_alone_in_a_tab_row_is_the_caption():
    # seed 002: "<TAB>项目绩效目标完成情况表" / "(2020年度)" / one cell a line
    text = ("\t项目绩效目标完成情况表\n(2020年度)\n\n\t项目名称\n\t保安费用\n\n"
            "\t预算执行情况(万元)\n\t预算数:\n\t80000\n\t执行数:\n\t80000\n")
    doc = read_text(text, "t.txt")
    assert [(t.kind, t.title) for t in doc.tables] == [("performance_project", "项目绩效目标完成情况表")]


def test_a_cell_text_between_two_grids_does_not_end_the_table():
    # 省法院2017 p.13: "事业收入", a cell its ruling missed, between the two pages of the 收入预算总表
    text = ("收入预算总表\n单位：万元\n项目名称\t\t金额\n收入总计\t\t28,849.38\n一般公共预算资金\t公共财政拨款\t28,849.38\n"
            "\f事业收入\n\t经营收入\t\n\t其他收入\t\n")
    doc = read_text(text, "t.txt")
    assert [t.kind for t in doc.tables] == ["income"]
    assert [r.name for r in doc.tables[0].rows][-2:] == ["经营收入", "其他收入"]
    # a sentence between two grids still ends the first
    text2 = text.replace("事业收入", "本表反映部门的收入预算情况。")
    assert len(read_text(text2, "t.txt").tables) == 2


def test_a_difference_against_last_year_is_a_change_not_an_amount():
    # 2018年省检察院: "公务接待费预算支出116.5万元，本年数小于上年预算数40.05万元"
    cs = claims_of("公务接待费预算支出116.5万元，本年数小于上年预算数40.05万元。")
    assert [(c.kind, c.value) for c in cs] == [("amount", 116.5), ("change", -40.05)]
    cs = claims_of("会议费预算支出1305.25万元，原因是从会议费预算中调减403.75万元用于培训费开支。")
    assert [(c.kind, c.value) for c in cs] == [("amount", 1305.25), ("change", -403.75)]


def test_the_change_of_a_list_ending_in_deng_is_no_items_amount():
    # 省法院2018: "基本支出增加机关事业单位养老保险、职业年金缴费等1447.63万元"
    cs = claims_of("主要原因是基本支出增加机关事业单位养老保险、职业年金缴费等1447.63万元、项目支出减少200万元。")
    assert 1447.63 not in [c.value for c in cs]
    assert [(c.kind, c.value) for c in cs] == [("change", -200.0)]


def test_a_turned_page_is_read_as_shown_and_keeps_its_boxes_in_page_coordinates():
    # 江苏省委办公厅2018年度部门预算公开表: every page /Rotate 90; its contents page lists twelve tables
    import pymupdf

    from extraction.reader import read_document

    path = "tests/data/real/budgets/江苏省委办公厅2018年度部门预算公开表.pdf"
    doc = read_document(path)
    assert [t.title for t in doc.tables][:4] == ["收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表"]
    assert len(doc.tables) == 12 and doc.tables[0].pages == (3,)
    cell = next(c for r in doc.tables[0].rows for c in r.cells if c is not None and c.text == "20,153.75")
    page = pymupdf.open(path)[cell.page - 1]
    words = [w for w in page.get_text("words") if w[4] == "20,153.75"]
    assert any(all(abs(a - b) < 0.5 for a, b in zip(cell.bbox, w[:4])) for w in words)


def test_a_three_public_table_across_gets_its_three_level_header_back():
    # 2017年省检察院 p.16 as read without its merged cells: the group's name glued to its first part
    from extraction.model import Column
    from extraction.tables import _three_public_columns

    labels = ["合计", "小计", "因公出国（境）费", "“三公”经费/小计", "“三公”经费/公务用车购置及运行维护费公务用车购置费",
              "“三公”经费/公务用车运行维护费", "“三公”经费/公务接待费", "“三公”经费/会议费", "“三公”经费/培训费"]
    got = [c.label for c in _three_public_columns(tuple(Column(i, t) for i, t in enumerate(labels)))]
    assert got == ["合计", "“三公”经费小计", "因公出国（境）费", "“三公”经费/公务用车购置及运行维护费/小计",
                   "“三公”经费/公务用车购置及运行维护费/公务用车购置费", "“三公”经费/公务用车购置及运行维护费/公务用车运行维护费",
                   "“三公”经费/公务接待费", "“三公”经费/会议费", "“三公”经费/培训费"]
    # a final account's header of 预算数/决算数 under each item is left as read
    final = ["合计/预算数", "合计/决算数", "因公出国（境）费/预算数", "小计/预算数", "公务用车购置费/决算数"]
    assert [c.label for c in _three_public_columns(tuple(Column(i, t) for i, t in enumerate(final)))] == final
