"""Text exports: markdown, stray HTML, tab tables, tables one cell per line, captions with tabs."""

from __future__ import annotations

from extraction.reader import read_text


def test_one_cell_per_line_form_pairs_labels_and_figures():
    text = ("# 三、项目支出绩效情况\n\n项目绩效目标完成情况表\n\n"
            "\t预算执行情况(万元)\n\t预算数:\n\t8.00\n\t执行数:\n\t7.50\n\t其中-财政拨款:\n\t7.50\n")
    doc = read_text(text, "form.txt")
    t = doc.table("performance_project")
    assert t is not None, [x.title for x in doc.tables]
    got = {r.name: r.values[0] for r in t.rows if r.values and r.values[0] is not None}
    assert got == {"预算数": 8.0, "执行数": 7.5, "其中-财政拨款": 7.5}



def test_a_one_cell_per_line_form_has_no_header_even_when_a_figure_looks_like_a_code():
    # seed 002, 保安费用 (and 接访费用, 驻京驻蓉费用): a lone "80000" (the 成本指标's second value) looks
    # like a five-digit code; the paired form is still label | figure rows from its first line, not a
    # header of 40 lines over the rows after that lone figure
    from pathlib import Path

    from extraction.reader import read_document

    doc = read_document(Path(__file__).parent / "data" / "seeds" / "002_8541718f7ac07511.txt")
    forms = doc.tables_of("performance_project")
    assert len(forms) == 4
    for t, name, figure in zip(forms, ("保安费用", "接访费用", "矛盾化解和疑难信访问题专项资金", "驻京驻蓉费用"),
                               (80000.0, 20000.0, 187300.0, 50000.0)):
        assert [c.label for c in t.columns] == [""]
        assert [r.name for r in t.rows][:3] == ["项目名称", name, "预算单位"]
        assert [(r.name, r.values[0]) for r in t.rows if r.name in ("预算数", "执行数")] == [
            ("预算数", figure), ("执行数", figure)]

def test_caption_with_tab_stays_a_caption_and_html_is_stripped():
    text = ("## <b>收入决算表</b>\n\n部门：某局\t公开02表\n金额单位：万元\n\n"
            "科目编码\t科目名称\t本年收入合计\n\t合计\t<b>10.00</b>\n201\t一般公共服务支出\t10.00\n")
    doc = read_text(text, "t.txt")
    t = doc.table("income")
    assert t.number == "公开02表" and t.unit == "万元"
    assert [(r.code, r.values[0]) for r in t.rows] == [(None, 10.0), ("201", 10.0)]
    assert "<b>" not in doc.pages[0].text
    cell = t.rows[1].cells[0]
    assert doc.pages[0].text[cell.start:cell.end] == "10.00"


def test_a_code_with_an_undrawn_glyph_is_restored_only_by_its_official_name():
    # One real budget draws 30102 as "301 2" (the 0 has no glyph): the 2 lands in the name column.
    text = ("一般公共预算基本支出预算表\n金额单位：元\n\n"
            "科目编码\t科目名称\t合计\n301\t工资福利支出\t300.00\n30101\t基本工资\t100.00\n"
            "301\t2津贴补贴\t150.00\n301\t7绩效工资\t50.00\n301\t8个人所得税\t1.00\n")
    doc = read_text(text, "t.txt")
    t = doc.table("basic_expenditure_economic")
    assert [(r.code, r.name) for r in t.rows] == [
        ("301", "工资福利支出"), ("30101", "基本工资"), ("30102", "津贴补贴"), ("30107", "绩效工资"),
        ("301", "8个人所得税"),  # 30108 is 机关事业单位基本养老保险缴费: not restored
    ]


def test_a_lone_figure_under_a_money_label_is_not_a_code_part():
    # 万里24 p.31, the one line of its 三公 table laid across: "25" under 购置费 looks like a two-digit
    # code part (a 款 / 项 number); as the only figure of a column labelled with a sum it is a value
    text = ("部门“三公”经费和机关运行经费预算表\n单位:万元\n\t2024年“三公”经费预算数\n"
            "合计\t因公出国(境)费\t公务接待费\t公务用车购置及运行费\n\t\t\t小计\t购置费\t运行费\n"
            "47.91\t0\t1.35\t46.56\t25\t21.56\n")
    (t,) = read_text(text, "t.txt").tables
    assert [c.label.rsplit("/", 1)[-1] for c in t.columns] == ["合计", "因公出国(境)费", "公务接待费", "小计",
                                                               "购置费", "运行费"]
    assert t.rows[0].values == (47.91, 0.0, 1.35, 46.56, 25.0, 21.56)
    # a column of several two-digit figures is still read by its figures (a 款 column with no header)
    text2 = ("支出决算表\n单位:万元\n科目编码\t\t科目名称\t金额\n201\t\t一般公共服务支出\t5.00\n\t03\t政府办公厅\t5.00\n"
             "\t03\t行政运行\t5.00\n")
    (t2,) = read_text(text2, "t.txt").tables
    assert [c.label for c in t2.columns] == ["金额"]
