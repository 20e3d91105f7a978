"""Claim extraction: one test per supported phrasing, page/offset mapping, and the gold set."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from extraction.claims import Claim, extract_claims
from extraction.model import Document, DocumentMeta, Page, Paragraph, TextPiece
from extraction.reader import read_text

ROOT = Path(__file__).resolve().parents[1]


def claims_of(text: str) -> list[Claim]:
    """Claims of a one-paragraph document built directly on the model."""
    para = Paragraph("p1", text, None, (TextPiece(0, 1, 0, len(text)),))
    doc = Document("t.txt", "0", "text", DocumentMeta(None, None, None, None, 1), pages=(Page(1, text),),
                   paragraphs=(para,))
    return extract_claims(doc)


def values(cs: list[Claim], kind: str | None = None) -> list:
    return [c.value for c in cs if kind is None or c.kind == kind]


def test_level_amount_with_yuan():
    (c,) = claims_of("2023年度收入合计233.67万元。")
    assert (c.kind, c.metric, c.value, c.unit, c.yuan) == ("amount", "income_total", 233.67, "万元", 2336700.0)
    assert c.label == "收入合计" and c.period == "current"


def test_enumeration_shares_on_the_total():
    cs = claims_of("2020年度支出合计180.88万元。其中：基本支出175.92万元，占97.26%；项目支出4.95万元，占2.74%。")
    shares = [c for c in cs if c.kind == "share"]
    assert [(c.metric, c.value, c.base) for c in shares] == [
        ("expenditure_basic", 97.26, "expenditure_total"), ("expenditure_project", 2.74, "expenditure_total")]
    assert values(cs, "amount") == [180.88, 175.92, 4.95]


def test_named_base_of_a_share():
    cs = claims_of("其中：财政拨款收入 180.88 万元，占总收入的 100.00%；上级补助收入 0.00 万元，占总收入的 0.00%。")
    shares = [c for c in cs if c.kind == "share"]
    assert [(c.metric, c.base, c.value) for c in shares] == [
        ("income_fiscal", "income_total", 100.0), ("income_upper_subsidy", "income_total", 0.0)]


def test_decrease_is_negative_change_and_growth():
    cs = claims_of("2023年机关运行经费支出13.19万元，比2022年减少0.64万元，下降4.63%，主要原因减少办公费。")
    ch = [c for c in cs if c.kind in ("change", "growth")]
    assert [(c.kind, c.value, c.direction, c.metric) for c in ch] == [
        ("change", -0.64, "decrease", "operating_expenses"), ("growth", -4.63, "decrease", "operating_expenses")]


def test_growth_in_next_sentence_takes_the_topic():
    cs = claims_of("2020年度收入合计180.88万元。与上年对比，同比增长179.65%，主要原因分析：新增单位。")
    g = [c for c in cs if c.kind == "growth"][0]
    assert (g.value, g.metric, g.direction) == (179.65, "income_total", "increase")


def test_completion_with_budget_period():
    cs = claims_of("一般公共预算财政拨款支出年初预算245.35万元，支出决算233.67万元，完成年初预算的95.24%。")
    amounts = [(c.value, c.period) for c in cs if c.kind == "amount"]
    assert amounts == [(245.35, "initial_budget"), (233.67, "current")]
    comp = [c for c in cs if c.kind == "completion"][0]
    assert (comp.value, comp.period, comp.metric) == (95.24, "initial_budget", "general_budget_expenditure")


def test_comparison_of_actual_and_budget():
    cs = claims_of("2020年度“三公”经费支出决算数小于预算数的主要原因是：从严控制开支。")
    (c,) = cs
    assert (c.kind, c.value, c.direction, c.metric) == ("comparison", None, "less", "three_public_total")


def test_counts_and_chinese_numerals():
    cs = claims_of("共安排国内公务接待8批次，接待人次72人。本单位车辆共三辆。")
    assert [(c.kind, c.value, c.unit) for c in cs] == [("count", 8, "批次"), ("count", 72, "人"), ("count", 3, "辆")]
    assert cs[0].metric == "reception_domestic_batches"


def test_zero_stated_in_words_and_flat_change():
    cs = claims_of("公务接待费支出0万元，与上年相同，主要原因是：本单位无公务接待费支出。")
    kinds = [(c.kind, c.value, c.unit, c.direction) for c in cs]
    assert kinds == [("amount", 0, "万元", None), ("change", 0, None, "flat"), ("amount", 0, None, None)]
    assert cs[2].metric == "three_public_reception"


def test_full_width_digits_spaces_and_separators():
    cs = claims_of("本年支出合计１，２３４．５６ 万元，占比１００％。")
    assert values(cs) == [1234.56, 100]
    cs = claims_of("基本支出1,234.50\n万元，占比98.5％。")
    assert [(c.kind, c.value) for c in cs] == [("amount", 1234.5), ("share", 98.5)]


def test_no_claims_for_years_dates_codes_thresholds():
    cs = claims_of("截至2020年12月31日，索引号53042700671501000，主要用于2010308信访事务，"
                   "没有单价50万元以上通用设备，每月10日接访，实现100%规范办结。")
    assert [(c.kind, c.value, c.unit) for c in cs] == [("count", 0, None)]
    assert cs[0].metric == "equipment_general_50"


def test_function_code_names_the_metric():
    cs = claims_of("主要用于 2010308 信访事务支出 142.18 万元，2101101 行政单位医疗支出 6.54 万元。")
    assert [(c.metric, c.value) for c in cs] == [("func:2010308", 142.18), ("func:2101101", 6.54)]


def test_offsets_point_into_the_page_across_a_page_break():
    p1 = "第一页的内容\n2020年度收入合计\n"
    p2 = "180.88万元，其中：财政拨款收入180.88万元，占比100%。\n"
    text = "2020年度收入合计180.88万元，其中：财政拨款收入180.88万元，占比100%。"
    para = Paragraph("p1", text, None, (TextPiece(0, 1, p1.index("2020"), p1.index("2020") + 10),
                                        TextPiece(10, 2, 0, len(p2) - 1)))
    doc = Document("t.pdf", "0", "pdf", DocumentMeta(None, None, None, None, 2), pages=(Page(1, p1), Page(2, p2)),
                   paragraphs=(para,))
    cs = extract_claims(doc)
    assert [c.id for c in cs] == ["c1", "c2", "c3"]
    for c in cs:
        page_text = doc.pages[c.page - 1].text
        assert page_text[c.start:c.end].replace(" ", "") in (f"{c.value}万元", f"{c.value}%", f"{int(c.value)}%")
    assert cs[0].page == 2 and cs[2].kind == "share"


def test_read_text_document_offsets():
    doc = read_text("一、收入决算情况说明\n2023年度收入合计233.67万元，比上年增加21.37万元，增长10.07%。\n", "t.txt")
    cs = extract_claims(doc)
    assert [(c.kind, c.value) for c in cs] == [("amount", 233.67), ("change", 21.37), ("growth", 10.07)]
    for c in cs:
        assert doc.pages[c.page - 1].text[c.start:c.end].startswith(str(c.value))
        assert c.text.endswith("。") and str(c.value) in c.text


def test_to_dict_has_the_json_fields():
    (c,) = claims_of("2023年度收入合计233.67万元。")
    d = c.to_dict()
    assert list(d)[:15] == ["id", "kind", "metric", "label", "value", "unit", "yuan", "period", "scope", "base",
                            "direction", "page", "start", "end", "text"]
    assert "explanation" in d and d["explanation"].startswith("amount")


def test_gold_precision_recall():
    man = ROOT / "tests" / "gold" / "claims" / "manifest.yaml"
    if not man.exists():
        pytest.skip("no gold set yet: tests/gold/claims/manifest.yaml is missing")
    spec = importlib.util.spec_from_file_location("bench_claims", ROOT / "bench" / "claims.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    res = bench.evaluate()
    if not res["rows"]:
        pytest.skip("gold manifest lists no readable documents")
    p, r = res["overall"]["vk"]
    assert p >= 0.95 and r >= 0.95, res["overall"]


def test_spacy_component_gives_claim_spans():
    from extraction.claims.nlp import load_nlp

    doc = load_nlp()("2023年度收入合计233.67万元，比上年增加21.37万元，增长10.07%。")
    assert [(s.text, s.label_, s._.claim.value) for s in doc.spans["claims"]] == [
        ("233.67万元", "amount", 233.67), ("21.37万元", "change", 21.37), ("10.07%", "growth", 10.07)]


def test_respectively_list_gives_each_value_its_metric():
    cs = claims_of("基本支出、项目支出分别为175.92万元、4.95万元。")
    assert [(c.kind, c.metric, c.value) for c in cs] == [
        ("amount", "expenditure_basic", 175.92), ("amount", "expenditure_project", 4.95)]
    cs = claims_of("人员经费和公用经费分别为136.15万元和13.19万元，分别占基本支出的91.17%和8.83%。")
    assert [(c.kind, c.metric, c.value) for c in cs if c.kind == "amount"] == [
        ("amount", "expenditure_personnel", 136.15), ("amount", "expenditure_public", 13.19)]
    shares = [(c.metric, c.value, c.base) for c in cs if c.kind == "share"]
    assert shares == [("expenditure_personnel", 91.17, "expenditure_basic"),
                      ("expenditure_public", 8.83, "expenditure_basic")]


def test_respectively_keeps_names_joined_by_ji_when_counts_differ():
    cs = claims_of("因公出国（境）费、公务用车购置及运行维护费、公务接待费分别为0万元、1.2万元、0.37万元。")
    assert [(c.metric, c.value) for c in cs] == [
        ("three_public_abroad", 0), ("three_public_vehicle", 1.2), ("three_public_reception", 0.37)]


def test_attribute_takes_the_thing_named_before_it():
    cs = claims_of("处置房屋建筑物 0.00 平方米，账面原值 1.00 万元；处置车辆 2 辆，账面原值 3.00 万元；"
                   "报废报损资产 4 项，账面原值 5.00 万元；出租房屋 6.00 平方米，账面原值 7.00 万元。")
    assert [(c.metric, c.value) for c in cs] == [
        ("asset_disposal_building_area", 0.0), ("asset_disposal_building_value", 1.0),
        ("asset_disposal_vehicles", 2), ("asset_disposal_vehicles_value", 3.0),
        ("asset_write_off_items", 4), ("asset_write_off_value", 5.0),
        ("asset_rent_area", 6.0), ("asset_rent_value", 7.0)]


def test_performance_summary_with_years_inside_names_and_scores():
    cs = claims_of("编报绩效目标的2024年度项目39个，涉及预算金额4415.48万元；绩效自评的2024年度项目39个，"
                   "涉及预算金额4415.48万元，平均得分99.33分（其中，绩效评级为“优”的项目39个；绩效评级为"
                   "“不合格”的项目0个。")
    assert [(c.kind, c.metric, c.value, c.unit) for c in cs] == [
        ("count", "perf_projects_with_targets", 39, "个"),
        ("amount", "perf_projects_with_targets_budget", 4415.48, "万元"),
        ("count", "perf_projects_self_evaluated", 39, "个"),
        ("amount", "perf_projects_self_evaluated_budget", 4415.48, "万元"),
        ("amount", "perf_avg_score", 99.33, "分"),
        ("count", "perf_projects_excellent", 39, "个"),
        ("count", "perf_projects_fail", 0, "个")]


def test_count_whose_thing_follows_it_and_comma_before_a_number():
    cs = claims_of("二级项目绩效自评个数7个,涉及资金75.27万元:7个项目自评等级为“优”,0个项目自评等级为“良”。")
    assert [(c.metric, c.value) for c in cs] == [
        ("perf_projects_self_evaluated", 7), ("perf_projects_self_evaluated_budget", 75.27),
        ("perf_projects_excellent", 7), ("perf_projects_good", 0)]


def test_reserved_procurement_named_by_the_whole_segment():
    cs = claims_of("在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额225.10 万元；"
                   "在面向小微企业预留政府采购项目中，由小微企业供应商中标或成交的，采购金额164.87 万元；"
                   "在其他政府采购项目中，由中小企业供应商中标或成交的，采购金额0.00 万元。")
    assert [(c.metric, c.value) for c in cs] == [
        ("procurement_sme_reserved_awarded", 225.1), ("procurement_micro_reserved_awarded", 164.87),
        ("procurement_sme_other_awarded", 0.0)]
    cs = claims_of("政府采购金额为2319.21 万元，其中：货物采购金额122.43 万元、工程采购金额1387.72 万元。")
    assert [(c.metric, c.value) for c in cs] == [
        ("procurement_total", 2319.21), ("procurement_goods", 122.43), ("procurement_works", 1387.72)]


def test_asides_name_parts_and_are_passed_over():
    cs = claims_of("其中：行政编制 7 人（含行政工勤编制 0 人），事业编制 0 人（含参公管理事业编制 0 人）；"
                   "在职在编实有行政人员 8 人（含行政工勤人员 1 人），事业人员 2 人（含参公管理事业人员 3 人）。")
    assert [(c.metric, c.value) for c in cs] == [
        ("staff_authorized_admin", 7), ("staff_authorized_admin_worker", 0),
        ("staff_authorized_public", 0), ("staff_authorized_public_civil", 0),
        ("staff_actual_admin", 8), ("staff_actual_admin_worker", 1),
        ("staff_actual_public", 2), ("staff_actual_public_civil", 3)]


def test_posts_and_counts_under_money_lines():
    cs = claims_of("设局长1名(由县委办副主任兼任,不占职数),副局长1名(副科级),股级职数4名。")
    assert [(c.metric, c.value) for c in cs] == [("posts_leader", 1), ("posts_leader", 1), ("posts_leader", 4)]
    cs = claims_of("国内接待费0万元，共接待2批次，15人次，其中外事接待费0万元，共接待1批次，3人次。")
    assert [(c.metric, c.value) for c in cs if c.kind == "count"] == [
        ("reception_domestic_batches", 2), ("reception_domestic_persons", 15),
        ("reception_foreign_affairs_batches", 1), ("reception_foreign_affairs_persons", 3)]
    cs = claims_of("国内公务接待4批次，14人次，共计支出0.13万元，具体内容包括：协调信访事项工作支出0.06万元。")
    assert [(c.metric, c.value) for c in cs if c.kind == "amount"] == [
        ("reception_domestic", 0.13), ("reception_domestic", 0.06)]


def test_ambiguous_names_follow_their_list():
    cs = claims_of("人员经费136.15万元，主要包括 基本工资44.15万元，机关事业单位基本养老保险缴费13.08万元，住房公积金12.05万元。")
    assert [(c.metric, c.value) for c in cs] == [
        ("expenditure_personnel", 136.15), ("econ:30101", 44.15), ("econ:30108", 13.08), ("econ:30113", 12.05)]


def test_zero_income_and_expenditure_and_table_notes():
    cs = claims_of("本局2024年度无政府性基金预算财政拨款收入和支出。")
    assert [(c.metric, c.value, c.unit) for c in cs] == [("income_gov_fund", 0, None), ("gov_fund_expenditure", 0, None)]
    assert claims_of("说明：本局本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。") == []


def test_this_item_takes_its_metric_from_the_heading():
    doc = read_text("八、国有资本经营预算财政拨款支出决算情况说明\n本年度无此项支出。\n", "t.txt")
    cs = extract_claims(doc)
    assert [(c.kind, c.metric, c.value, c.unit) for c in cs] == [("amount", "state_capital_expenditure", 0, None)]


def test_heading_that_states_a_figure():
    doc = read_text("二、机构设置\n(一)综合股(编制1名)\n负责日常工作。\n(二)办案股(编制2名)\n负责办案。\n", "t.txt")
    cs = extract_claims(doc)
    assert [(c.metric, c.value, c.page) for c in cs] == [("staff_authorized", 1, 1), ("staff_authorized", 2, 1)]
    for c in cs:
        assert doc.pages[0].text[c.start:c.end] == f"{c.value}名"


def test_units_wan_and_score():
    cs = claims_of("国内公务接待支出0.39 万（含外宾接待支出0.00 万元）。平均得分99.43分，用时30分钟。")
    assert [(c.kind, c.metric, c.value, c.unit) for c in cs] == [
        ("amount", "reception_domestic", 0.39, "万"), ("amount", "reception_foreign_affairs", 0.0, "万元"),
        ("amount", "perf_avg_score", 99.43, "分")]


def test_aside_after_a_colon_is_passed_over_by_the_next_figure():
    cs = claims_of("共安排国内公务接待 8 批次（其中：外事接待 0 批次），接待人次 72 人（其中：外事接待人次 0 人）。")
    assert [(c.metric, c.value) for c in cs] == [
        ("reception_domestic_batches", 8), ("reception_foreign_affairs_batches", 0),
        ("reception_domestic_persons", 72), ("reception_foreign_affairs_persons", 0)]
