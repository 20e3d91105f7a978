"""Claim forms of budget reports (issue 16 follow-up): a change named after its verb, the template's
增加（减少）, figures introduced as last year's, budget-report names of lines, figures a PDF sets on a
line of their own, and rules of scoring that are not figures.  Sentences from tests/data."""

from __future__ import annotations

from extraction.claims import Claim, extract_claims
from extraction.model import Document, DocumentMeta, Page, Paragraph, TextPiece


def doc_of(*paras: str, year: int | None = None, titles: tuple = ()) -> Document:
    """A one-page document whose page text is the paragraphs, one a line, each its own paragraph."""
    text = "\n".join(paras)
    out, at = [], 0
    for i, p in enumerate(paras):
        out.append(Paragraph(f"p{i + 1}", p, None, (TextPiece(0, 1, at, at + len(p)),)))
        at += len(p) + 1
    return Document("t.txt", "0", "text", DocumentMeta(None, year, "budget", None, 1), pages=(Page(1, text),),
                    paragraphs=tuple(out), sections=titles)


def claims_of(text: str, year: int | None = None) -> list[Claim]:
    return extract_claims(doc_of(text, year=year))


def shape(cs: list[Claim], kinds=("amount", "change")) -> list[tuple]:
    return [(c.kind, c.metric, c.value, c.direction) for c in cs if c.kind in kinds]


def test_verb_before_the_line_name_is_a_change_of_that_line():
    # 江苏省人大办公厅2017年度预算公开 p.24
    cs = claims_of("基本支出预算数为7666.68 万元，与上年相比增加基本支出844.15 万元，增长12.37%。")
    assert shape(cs) == [("amount", "expenditure_basic", 7666.68, None),
                         ("change", "expenditure_basic", 844.15, "increase")]
    # 省法院2017年度部门预算公开 p.19: each figure is the change of the line named after its verb
    cs = claims_of("主要原因是基本支出增加人员经费1408.29 万元、项目经费支出安排增加江苏法院云平台租赁费400 万元。")
    assert shape(cs) == [("change", "expenditure_personnel", 1408.29, "increase"),
                         ("change", "econ:30214", 400, "increase")]
    # 省法院2018年度部门预算公开 p.17: the verb stands before a list of names
    cs = claims_of("主要原因是基本支出增加机关事业单位养老保险、职业年金缴费等1447.63 万元、项目经费支出安排减少江苏法院云平台租赁费200 万元。")
    # (the change of a list of items that ends in 等 is no one item's: not a claim, see
    # extraction/data/claim_patterns.yaml change_of_a_list)
    assert shape(cs) == [("change", "econ:30214", -200, "decrease")]
    # a list of amounts without a verb stays a list of amounts
    assert shape(claims_of("其中：基本工资10万元、津贴补贴20万元。")) == [
        ("amount", "econ:30101", 10, None), ("amount", "econ:30102", 20, None)]
    # 2018年省检察院 p.23: a change whose line the lexicon does not know is still a change
    (c,) = claims_of("与上年相比增加部门预算1,464.3万元。")
    assert (c.kind, c.value, c.direction) == ("change", 1464.3, "increase")


def test_decrease_verbs_and_less_than_last_year():
    # 江苏省人大办公厅2017 p.29 ("调减"), 2017年省检察院 p.22 ("本年数小于上年预算数")
    (c,) = claims_of("原因是从会议费预算中调减403.75 万元。")
    assert (c.kind, c.metric, c.value, c.direction) == ("change", "econ:30215", -403.75, "decrease")
    cs = claims_of("公务接待费预算支出156.55 万元，本年数小于上年预算数29.65 万元。")
    assert shape(cs) == [("amount", "three_public_reception", 156.55, None),
                         ("change", "three_public_reception", -29.65, "decrease")]


def test_a_verb_that_is_not_a_change_stays_an_amount():
    (c,) = claims_of("2023年度本年收入合计233.67万元。")
    assert (c.kind, c.metric) == ("amount", "income_total")
    (c,) = claims_of("本年未增加人员经费支出120.50万元。")
    assert c.kind == "amount"


def test_template_increase_or_decrease_reads_as_a_flat_change():
    # 省人大办公厅2018预算公开 p.19: the template's 增加（减少） left unresolved
    cs = claims_of("（2）政府性基金收入预算0万元，与上年相比增加（减少）0万元，增长（减少）0 %。")
    assert [(c.kind, c.metric, c.value, c.direction) for c in cs] == [
        ("amount", "income_gov_fund", 0, None), ("change", "income_gov_fund", 0, "flat"),
        ("growth", "income_gov_fund", 0, "flat")]


def test_figures_introduced_as_last_years_have_the_period_prior():
    # 2018年省检察院 p.25, 省人大办公厅2018 p.25, 江苏省政协办公厅2017 p.6 (a 2017 report)
    (c,) = claims_of("（上年财政仅安排省检察院本级预留机动140.2 万元）")
    assert (c.metric, c.period) == ("expenditure_reserve", "prior")
    (c,) = claims_of("主要原因是上年度列入此项的预留机动经费128.43万元。")
    assert c.period == "prior"
    cs = claims_of("2017 年度部门支出预算安排与2016 年度相比（2016 年度部门支出预算安排为8,648.07万元），增加498.72万元。",
                   year=2017)
    assert [(c.kind, c.metric, c.period) for c in cs] == [
        ("amount", "expenditure_total", "prior"), ("change", "expenditure_total", "current")]
    # seed 002 (a 2020 final account): an earlier year inside the sentence
    cs = claims_of("没有政府性基金预算财政拨款支出，而2019年项目支出有61.66万元政府性基金预算财政拨款支出。", year=2020)
    assert [(c.value, c.period) for c in cs if c.value] == [(61.66, "prior")]
    # a sentence that opens with last year's date is left to CF604 (a sentence year that may be a slip)
    (c,) = claims_of("2023年“三公”经费财政拨款预算数为11.53万元。", year=2024)
    assert c.period == "budget"
    # this year's lines named after last year are not last year's figures
    (c,) = claims_of("4．上年结转资金预算数为0万元。")
    assert (c.metric, c.period) == ("carryover_begin", "budget")
    (c,) = claims_of("与上年相比，本年收入合计100万元。")
    assert c.period == "current"


def test_budget_report_names_of_lines():
    cases = {
        "此外，基本支出预算数为12323.46 万元。": "expenditure_basic",  # not 支出预算
        "2024年，万里街道办事处收入预算15621.11万元。": "income_total",
        "支出预算15621.11万元。": "expenditure_total",
        "财政拨款支出预算15621.11万元。": "fiscal_expenditure",
        "（1）一般公共预算收入预算 21,940.96 万元。": "income_general_budget",
        "其他资金15 万元。": "income_other",
        "2．财政专户管理资金收入预算总计0万元。": "income_special_account",
        "单位预留机动经费预算数为2,388.04 万元。": "expenditure_reserve",
        "2024年本部门政府采购预算1662.44万元。": "procurement_total",
        "其中拟购买货物334 万元。": "procurement_goods",
        "其中，货物类政府采购支出预算259.32 万元。": "procurement_goods",
        "结转下年资金预算数为0万元。": "carryover_end",
    }
    got = {s: claims_of(s)[0].metric for s in cases}
    assert got == cases
    (c,) = claims_of("省检察院2017 年度财政拨款收、支总预算17981.68万元。")
    assert (c.metric, c.scope) == ("grand_total", "fiscal")


def test_a_figure_set_on_a_line_of_its_own_keeps_its_name():
    # 2017年省检察院部门预算 p.19: the PDF sets names, figures and units on lines of their own
    doc = doc_of("省检察院本年支出预算合计", "17996.68 万元，其中：", "基本支出", "12323.48 万元，占", "68.48 %；",
                 "项目支出", "5533", "万元，占", "30.74 %；")
    cs = extract_claims(doc)
    assert [(c.kind, c.metric, c.value) for c in cs] == [
        ("amount", "expenditure_total", 17996.68), ("amount", "expenditure_basic", 12323.48),
        ("share", "expenditure_basic", 68.48), ("amount", "expenditure_project", 5533),
        ("share", "expenditure_project", 30.74)]
    # offsets still point at the figures on the page
    page = doc.pages[0].text
    assert [page[c.start:c.end] for c in cs if c.kind == "amount"] == ["17996.68 万元", "12323.48 万元", "5533\n万元"]
    # a paragraph that ends its clause is not joined to the next one
    cs = extract_claims(doc_of("基本支出。", "12323.48 万元，占68.48%；"))
    assert cs[0].metric != "expenditure_basic"


def test_scoring_rules_and_rates_per_person_are_not_figures():
    # 003 (绩效自评表 scoring rules), 004 ("以每人每月800元支付")
    assert claims_of("变动率>0时，每增加5%（含）扣减0.5分，减至0分为止。") == []
    assert claims_of("应缴财政款=0，得满分，应缴财政款≠0，得0分") == []
    assert claims_of("涉军信息员以每人每月800元支付。") == []
    (c,) = claims_of("部门整体绩效自评平均得分95分。")
    assert (c.metric, c.value) == ("perf_avg_score", 95)


def test_budget_names_tie_and_last_years_figures_are_set_aside():
    # end to end on a real budget (2017年省检察院部门预算): the figures the PDF sets on lines of their
    # own are named and tied to the 收支预算总表; the prose's 基本支出预算数 12323.46 is two cents off
    # its 一、基本支出 (12323.48); a prior-year figure is not checkable for that reason
    from pathlib import Path

    from crossfoot.pipeline import check_document

    data = Path(__file__).parent / "data" / "real" / "budgets"
    entry = check_document(data / "2017年省检察院部门预算.pdf")
    by = {(c["kind"], c["metric"], c["value"]): c for c in entry["claims"]}
    tied = by[("amount", "expenditure_reserve", 140.2)]
    assert tied["status"] == "tied" and tied["target"]["row"] == "三、单位预留机动经费"
    assert by[("amount", "income_other", 15)]["status"] == "tied"
    wrong = by[("amount", "expenditure_basic", 12323.46)]
    assert wrong["status"] == "contradicted"
    assert any(f["rule"] == "CF301" and f["expected"] == 12323.48 for f in entry["findings"])
    entry = check_document(data / "2018年省检察院部门预算公开.pdf")
    prior = [c for c in entry["claims"] if c["metric"] == "expenditure_reserve" and c["value"] == 140.2]
    assert [(c["period"], c["status"], c["reason"]) for c in prior] == [("prior", "not_checkable", "prior_year_figure")]


def test_organisation_counts_take_the_thing_after_them():
    # 2018年省检察院部门预算公开 p.5: each count is named by what follows it
    cs = claims_of("根据部门职责分工，本部门包括19 个内设机构、2 个下属事业单位和2 个派出机构，具体包括：")
    assert [(c.metric, c.value) for c in cs] == [
        ("org_internal_units", 19), ("org_affiliated_units", 2), ("org_dispatched_units", 2)]
