"""Zero statements ("无…支出", "为0万元") tie to an empty table line or to a table printed empty."""

from __future__ import annotations

from crossfoot.appdata import claim_statuses
from crossfoot.pipeline import check_findings, claim_entries, extract_claims
from extraction.reader import read_text

EMPTY_GOV_FUND = """# 七、政府性基金预算财政拨款收入支出决算情况说明

{sentence}

政府性基金预算财政拨款收入支出决算表
公开07表
金额单位：万元
项目	年初结转和结余	本年收入	本年支出	年末结转和结余
	合计

注：本表无数据。
"""


def _statuses(text: str) -> list[dict]:
    doc = read_text(text, "zero.txt")
    claims = extract_claims(doc)
    entry = doc.summary()
    run = check_findings(doc, claims)
    entry["claims"] = claim_entries(doc, claims, run)  # the statuses the check gives (rules/status.py)
    entry["findings"] = [f.to_dict() for f in run.findings]
    return claim_statuses(doc, entry)


def test_zero_statement_ties_to_the_table_printed_empty():
    # the sentence of 上海市普陀区财政局2024年度部门决算.pdf
    st = _statuses(EMPTY_GOV_FUND.format(sentence="上海市普陀区财政局2024年度无政府性基金预算财政拨款收入和支出。"))
    money = [s for s in st if s["kind"] == "amount"]
    assert {s["metric"] for s in money} == {"income_gov_fund", "gov_fund_expenditure"}
    assert all(s["status"] == "tied" and s["target"]["table"] == "t1" and "政府性基金" in s["where"]
               for s in money), money


def test_zero_in_figures_ties_too_and_a_figure_does_not():
    st = _statuses(EMPTY_GOV_FUND.format(sentence="2024年政府性基金预算拨款支出0万元。"))
    (s,) = [s for s in st if s["kind"] == "amount"]
    assert (s["value"], s["status"]) == (0, "tied")
    st = _statuses(EMPTY_GOV_FUND.format(sentence="2024年政府性基金预算拨款支出5.00万元。"))
    (s,) = [s for s in st if s["kind"] == "amount"]
    assert s["status"] == "contradicted"



# 004_f64002770984a7bf.txt: the 三公 table printed as its header alone, the 栏次 row (1 … 12) and no data
HEADER_ONLY_THREE_PUBLIC = """# 九、财政拨款“三公”经费支出决算情况说明

{sentence}

财政拨款“三公”经费支出决算表

公开09表

金额单位：万元

预算数\t\t\t\t\t\t决算数\t\t\t\t\t
合计\t因公出国（境） 费\t公务用车购置及运行维护费\t\t\t公务接待费\t合计\t因公出国（境） 费\t公务用车购置及运行维护费\t\t\t公务接待费
\t\t小计\t公务用车购 置费\t公务用车 运行维护费\t\t\t\t小计\t公务用车购 置费\t公务用车 运行维护费\t
1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12

注：本表反映部门本年度“三公”经费支出预决算情况。
"""


def test_a_zero_ties_to_a_table_printed_with_its_column_numbers_only():
    st = _statuses(HEADER_ONLY_THREE_PUBLIC.format(sentence="公务接待费支出0万元，完成全年预算的0%，与上年相同。"))
    (s,) = [s for s in st if s["kind"] == "amount"]
    assert (s["metric"], s["status"]) == ("three_public_reception", "tied")
    # a figure is no zero: the table printed without one says nothing of it (CF301 does not tie it)
    st = _statuses(HEADER_ONLY_THREE_PUBLIC.format(sentence="公务接待费支出0.37万元。"))
    (s,) = [s for s in st if s["kind"] == "amount"]
    assert s["status"] != "tied"
