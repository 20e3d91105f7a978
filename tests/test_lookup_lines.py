"""The table lines of prose claims that the lookup finds on real reports (rules/data/claim_tables.yaml,
rules.prose): each tie asserted on its target cell, and the lines that confirm but never accuse."""

from __future__ import annotations

import functools
from pathlib import Path

from crossfoot.pipeline import check_document, check_read

DATA = Path(__file__).parent / "data"
BUDGETS = DATA / "real" / "budgets"


@functools.cache
def _entry(path: Path) -> dict:
    return check_document(path)


def _claim(entry, **want):
    found = [c for c in entry["claims"] if all(c.get(k) == v for k, v in want.items())]
    assert found, want
    return found[0]


def _target(c, rule="CF301"):
    assert c["status"] == "tied" and c["tied_by"] == rule, (c["status"], c["reason"], c["text"])
    t = c["target"]
    return t["table"], t["row"], t["value"]


def test_a_budgets_operating_expenses_table_and_fiscal_summary():
    e = _entry(BUDGETS / "2017年省检察院部门预算.pdf")
    # "一般公共预算机关运行经费预算支出 6032.55 万元": the 机关运行经费支出预算表's 合计
    assert _target(_claim(e, metric="operating_expenses", value=6032.55)) == ("t10", "合计", 6032.55)
    # "财政拨款预算支出17981.68 万元": the 财政拨款收支预算总表's 支出合计
    assert _target(_claim(e, metric="fiscal_expenditure", value=17981.68)) == ("t4", "支出合计", 17981.68)
    # "一般公共预算财政拨款支出预算 17981.68 万元": the 一般公共预算支出表's 合计 in its 金额 column
    assert _target(_claim(e, metric="general_budget_expenditure", value=17981.68))[1:] == ("合计", 17981.68)


def test_a_budget_summary_cut_at_a_page_break_gives_its_year_totals():
    e = _entry(BUDGETS / "江苏省人大办公厅2017年度预算公开.pdf")
    assert _target(_claim(e, metric="income_total", value=13649.07)) == ("t1", "当年收入", 13649.07)
    assert _target(_claim(e, metric="expenditure_total", value=13649.07)) == ("t1", "当年支出小计", 13649.07)
    # an all-funds 基本支出 ties to the all-funds line first, not to the 财政拨款 basic table
    c = _claim(e, metric="expenditure_basic", value=7666.68, scope=None)
    assert _target(c) == ("t1", "一、基本支出", 7666.68)


def test_meeting_and_training_fees_and_the_vehicle_sum_of_a_three_public_table_laid_across():
    e = _entry(BUDGETS / "省人大办公厅2018预算公开.pdf")
    assert _target(_claim(e, metric="econ:30215", value=1305.25))[::2] == ("t9", 1305.25)
    assert _target(_claim(e, metric="econ:30216", value=403.75))[::2] == ("t9", 403.75)
    # 公务用车购置及运行费 183.6: the group's 小计 column, now that the reader rebuilds the three-level
    # header (else the sum of 购置费 (empty) + 运行维护费 183.6, a confirm-only line)
    table, row, value = _target(_claim(e, metric="three_public_vehicle", value=183.6))
    assert table == "t9" and value == 183.6


def test_a_line_printed_by_name_without_its_code_ties_through_its_name_path():
    e = _entry(BUDGETS / "省法院2017年度部门预算公开.pdf")
    # "1．法院（款）行政运行（项）支出11786.92 万元": since the reader cuts the tables that share one
    # ruling, the coded 2040501 line of the 一般公共预算支出预算表 ties it (the name path, 法院 then
    # 行政运行, is the way in where a table prints no codes: tests/rules/CF301.yml)
    assert _target(_claim(e, metric="func:2040501", value=11786.92)) == ("t5", "2040501", 11786.92)
    assert _target(_claim(e, metric="func:2080504", value=2347.13)) == ("t5", "2080504", 2347.13)
    # a code line of a table piece continued without its header: its one figure
    assert _target(_claim(e, metric="func:2210201", value=1029.15)) == ("t6", "2210201", 1029.15)


def test_a_final_accounts_budget_figure_is_not_tied_to_what_was_spent():
    # "年初预算为54.53 万元，支出决算为54.53 万元": the budget figure is not the 决算 line's
    e = _entry(DATA / "real" / "final_accounts" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf")
    c = _claim(e, metric="func:2080501", value=54.53, period="initial_budget")
    assert c["status"] == "not_checkable" and c["reason"] == "budget_figure_without_budget_table"


def test_confirm_only_lines_of_a_final_account():
    e = _entry(DATA / "seeds" / "004_f64002770984a7bf.txt")
    # 机关运行经费 13.19 and the basic-expenditure table's 302 line (confirm only)
    assert _target(_claim(e, metric="operating_expenses", value=13.19)) == ("t6", "302", 13.19)
    # the 相关信息统计表's 政府采购情况 section: 合计 / 货物 / 服务
    assert _target(_claim(e, metric="procurement_goods", value=15.88)) == ("t10", "货物", 15.88)
    assert _target(_claim(e, metric="vehicles_total", kind="count", value=1), "CF302")[::2] == ("t10", 1.0)
    e = _entry(DATA / "seeds" / "000_18d5ca373dd9af9d.txt")
    assert _target(_claim(e, metric="assets_total", value=2.26)) == ("t1", "合计", 2.26)
    assert _target(_claim(e, metric="assets_fixed", value=2.23)) == ("t1", "合计", 2.23)


def test_economic_items_of_the_operating_expenses_table_and_of_another_years_codes():
    # a text whose tables are a file of their own: checked as one report, as the pipeline checks the set
    from crossfoot.sets import combine_split
    from extraction.reader import read_document

    e = check_read(combine_split(read_document(BUDGETS / "江苏省政协办公厅2017年度部门预算.pdf"),
                                 read_document(BUDGETS / "江苏省政协办公厅2017年度部门预算公开表.pdf")))
    # "（1）办公费（款）支出167.03 万元" under 十、机关运行经费支出预算表说明: that table's 30201 line (the
    # basic-expenditure table's 30201 holds 110, "（1）办公费（款）支出110 万元" of its own section)
    assert _target(_claim(e, metric="econ:30201", value=167.03)) == ("t10", "30201", 167.03)
    assert _target(_claim(e, metric="econ:30201", value=110)) == ("t6", "30201", 110.0)
    assert _target(_claim(e, metric="econ:31002", value=95)) == ("t10", "31002", 95.0)
    # 医疗费 and 住房公积金 are 30307 and 30311 in the 2017 classification (30114, 30113 later): by name
    assert _target(_claim(e, metric="econ:30114", value=20.4)) == ("t6", "30307", 20.4)
    assert _target(_claim(e, metric="econ:30113", value=341.75)) == ("t6", "30311", 341.75)
    # "公务接待费（款）": the economic item 30217 (16), not the "三公" reception of 443.50
    assert _target(_claim(e, metric="econ:30217", value=16)) == ("t6", "30217", 16.0)
    # "财政拨款收、支预算9,066.79 万元": the fiscal summary's total
    c = _claim(e, value=9066.79, scope="fiscal")
    assert c["metric"] == "grand_total" and _target(c)[::2] == ("t4", 9066.79)


def test_procurement_parts_and_an_item_named_with_its_fee():
    e = _entry(BUDGETS / "省人大办公厅2018预算公开.pdf")
    # "其中：拟采购货物支出59万元": the goods line of the procurement table, not the total
    c = _claim(e, value=59)
    assert c["metric"] == "procurement_goods" and _target(c)[1:] == ("一、货物A", 59.0)
    e = _entry(BUDGETS / "2018年省检察院部门预算公开.pdf")
    # "1．未归口管理行政单位离退休费（项）支出371.92 万元": 2080504 未归口管理的行政单位离退休, not 退休费
    assert _target(_claim(e, value=371.92)) == ("t5", "2080504", 371.92)


def test_a_final_accounts_project_expenditure_by_its_definition():
    # "…为完成特定的行政工作任务或事业发展目标，用于专项业务工作的经费支出4.95 万元": the 项目支出
    e = _entry(DATA / "seeds" / "000_18d5ca373dd9af9d.txt")
    c = _claim(e, value=4.95, kind="amount")
    assert c["metric"] == "expenditure_project" and _target(c)[1:] == ("合计", 4.95)


def test_a_budgets_summary_prints_its_income_lines_by_kind():
    # "…其中：财政拨款收入15621.11万元…；事业收入0.00万元；事业单位经营收入0.00万元；其他收入0.00万元": the
    # lines 二、事业收入 / 三、事业单位经营收入 / 四、其他收入 of the 部门财务收支预算总表, printed empty
    e = _entry(BUDGETS / "上海市普陀区人民政府万里街道办事处24年预算.pdf")
    for metric, row in (("income_business", "二、事业收入"), ("income_operating", "三、事业单位经营收入"),
                        ("income_other", "四、其他收入")):
        c = _claim(e, metric=metric, value=0.0)
        assert (c["status"], c["target"]["table"], c["target"]["row"]) == ("tied", "t1", row), metric


def test_vehicle_purchase_of_a_budget_and_the_vehicle_sum_of_a_final_account():
    # "（1）公务用车购置预算支出0 万元" (econ:31013): the empty 购置费 column of the "三公" table laid across
    e = _entry(BUDGETS / "省法院2017年度部门预算公开.pdf")
    c = _claim(e, metric="econ:31013", value=0)
    assert (c["status"], c["target"]["table"], c["target"]["value"]) == ("tied", "t13", 0.0)
    # "2、公务用车购置及运行维护费支出0.00 万元": 购置费 + 运行维护费 of the 决算数 side, where the reader
    # labels the group's 小计 with another group's name
    e = _entry(DATA / "real" / "final_accounts" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf")
    c = _claim(e, metric="three_public_vehicle", value=0.0)
    assert c["status"] == "tied" and "+" in c["target"]["column"] and c["target"]["value"] == 0.0
