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
