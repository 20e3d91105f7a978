"""Each claim's status in the check result (rules/status.py): tied with its target, contradicted
with its findings, not checkable with a reason; the store keeps them, a version-1 store migrates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crossfoot import appdata as A
from crossfoot.pipeline import check_document
from crossfoot.store import COLUMNS, SCHEMA_VERSION, Batch, Store
from extraction.claims import JSON_FIELDS
from rules.base import RuleContext
from rules.status import REASONS, STATUSES

DATA = Path(__file__).parent / "data"
SEED000 = DATA / "seeds" / "000_18d5ca373dd9af9d.txt"
SEED004 = DATA / "seeds" / "004_f64002770984a7bf.txt"
JIANGSU_TEXT = DATA / "real" / "budgets" / "江苏省委办公厅2017年部门预算.pdf"
WANLI = DATA / "real" / "budgets" / "上海市普陀区人民政府万里街道办事处24年预算.pdf"
PUTUO_PLAN = DATA / "real" / "final_accounts" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"


@pytest.fixture(scope="module")
def seed000():
    return check_document(SEED000)


@pytest.fixture(scope="module")
def seed004():
    return check_document(SEED004)


def _claim(entry, **want):
    found = [c for c in entry["claims"] if all(c.get(k) == v for k, v in want.items())]
    assert found, want
    return found[0]


def test_an_amount_ties_to_its_table_cell(seed000):
    # "其中：基本支出175.92万元，占总支出的97.26%" — the 支出决算表's 合计 line, 基本支出 column
    c = _claim(seed000, metric="expenditure_basic", value=175.92)
    assert c["status"] == "tied" and c["reason"] is None and c["tied_by"] == "CF301" and c["findings"] == []
    assert c["target"] == {"table": "t4", "row": "合计", "column": "基本支出", "value": 175.92, "page": 1,
                           "unit": "万元"}
    t4 = next(t for t in seed000["tables"] if t["id"] == "t4")
    assert t4["kind"] == "expenditure"


def test_a_code_line_ties_to_its_row(seed000):
    c = _claim(seed000, metric="func:2010308", value=142.18)
    assert c["status"] == "tied"
    assert (c["target"]["table"], c["target"]["row"], c["target"]["value"]) == ("t6", "2010308", 142.18)


def test_a_share_and_a_growth_rate_tie_by_their_rules(seed000):
    share = _claim(seed000, kind="share", metric="expenditure_basic", value=97.26)
    assert (share["status"], share["tied_by"], share["target"]) == ("tied", "CF401", None)
    growth = _claim(seed000, kind="growth", metric="three_public_total", value=-36.21)
    change = _claim(seed000, kind="change", metric="three_public_total", value=-0.21)
    assert (growth["status"], growth["tied_by"]) == ("tied", "CF402")
    assert (change["status"], change["tied_by"]) == ("tied", "CF402")
    completion = _claim(seed000, kind="completion", metric="three_public_total", value=18.5)
    assert (completion["status"], completion["tied_by"]) == ("tied", "CF403")


def test_a_count_ties_to_the_three_public_statistics(seed000):
    c = _claim(seed000, kind="count", metric="abroad_groups", value=0)
    assert c["status"] == "tied" and c["tied_by"] == "CF302"
    assert c["target"]["row"] == "1.因公出国（境）团组数（个）" and c["target"]["unit"] is None


def test_a_contradicted_claim_names_its_finding(seed004):
    # "住房保障支出 12.05万元 … 增加2.19万元，增长23.65%": 2.19 / 9.86 = 22.2 %
    c = _claim(seed004, kind="growth", value=23.65)
    assert c["status"] == "contradicted" and c["reason"] is None and c["target"] is None
    assert len(c["findings"]) == 1
    f = next(f for f in seed004["findings"] if f["id"] == c["findings"][0])
    assert f["rule"] == "CF402" and f["severity"] == "error"
    assert any(ev["source"] == "prose" and (ev["page"], ev["start"], ev["end"]) == (c["page"], c["start"], c["end"])
               for ev in f["evidence"])


def test_a_text_without_tables_is_table_in_another_file():
    entry = check_document(JIANGSU_TEXT)
    assert entry["tables"] == []
    amounts = [c for c in entry["claims"] if c["kind"] == "amount"]
    assert len(amounts) > 40
    reasons = {c["reason"] for c in amounts if c["status"] == "not_checkable"}
    assert reasons == {"table_in_another_file"}
    assert not any(c["status"] == "tied" for c in amounts)


def test_prior_year_and_budget_figures():
    wanli = check_document(WANLI)
    # "2023年当年预算执行数为45.41万元，2024年预算安排42.60万元" in the 2024 budget
    prior = _claim(wanli, value=45.41, kind="amount")
    assert (prior["status"], prior["reason"]) == ("not_checkable", "prior_year_figure")
    plan = check_document(PUTUO_PLAN)
    # "年初预算为28.11万元，支出决算为28.11万元" in a final account that prints no budget column
    budget = _claim(plan, value=28.11, period="initial_budget")
    assert (budget["status"], budget["reason"]) == ("not_checkable", "budget_figure_without_budget_table")


def test_json_contract_adds_fields_only(seed000, seed004):
    for entry in (seed000, seed004):
        entry = json.loads(json.dumps(entry, ensure_ascii=False))
        assert entry["claims"]
        for c in entry["claims"]:
            assert list(c)[:len(JSON_FIELDS)] == list(JSON_FIELDS) and "explanation" in c
            assert c["status"] in STATUSES
            assert (c["reason"] in REASONS) == (c["status"] == "not_checkable")
            if c["status"] != "not_checkable":
                assert c["reason"] is None
            if c["target"] is not None:
                assert c["status"] == "tied"
                assert set(c["target"]) == {"table", "row", "column", "value", "page", "unit"}
                assert c["target"]["table"] in {t["id"] for t in entry["tables"]}
            assert bool(c["findings"]) == (c["status"] == "contradicted")


def test_the_store_keeps_the_statuses(tmp_path, seed000):
    store = tmp_path / "s.duckdb"
    with Store(store) as db:
        b = Batch()
        b.add_document(seed000, str(SEED000), seed000["sha256"], 1, "1", "0.1.0", 0.1)
        db.write(b)
    back = A.entry_from_store(store, seed000["sha256"])
    by_id = {c["id"]: c for c in back["claims"]}
    for c in seed000["claims"]:
        s = by_id[c["id"]]
        assert (s["status"], s["reason"], s["tied_by"], s["findings"]) == (c["status"], c["reason"], c["tied_by"],
                                                                          c["findings"])
        assert s["target"] == c["target"]
    shown = {s["id"]: s for s in A.claim_statuses(None, back)}
    tied = _claim(seed000, metric="expenditure_basic", value=175.92)
    assert shown[tied["id"]]["status"] == "tied" and shown[tied["id"]]["where"].startswith("t4 ")
    nc = next(c for c in seed000["claims"] if c["status"] == "not_checkable")
    assert (shown[nc["id"]]["status"], shown[nc["id"]]["where"]) == ("unverifiable", nc["reason"])


def _make_v1_store(path: Path, entry: dict, version: int = 1) -> None:
    """A store as schema version 1 (or 2, 3) wrote it: no status columns on claims (version 1), no
    document sets (versions 1 and 2), no document-set rules' rows (versions 1 to 3)."""
    with Store(path) as db:
        b = Batch()
        b.add_document(entry, str(SEED000), entry["sha256"], 1, "1", "0.1.0", 0.1)
        db.write(b)
        if version < 4:
            db.con.execute("DROP TABLE document_data")
            db.con.execute("DROP TABLE set_checks")
            for table in ("findings", "rule_errors"):
                db.con.execute(f"ALTER TABLE {table} DROP COLUMN prior_sha256")
        if version < 2:
            for col in COLUMNS["claims"][COLUMNS["claims"].index("status"):]:
                db.con.execute(f"ALTER TABLE claims DROP COLUMN {col}")
        if version < 3:
            db.con.execute("DROP TABLE document_sets")
            for table, col in (("documents", "set_id"), ("documents", "sibling_sha256"),
                               ("evidence", "document_sha256")):
                db.con.execute(f"ALTER TABLE {table} DROP COLUMN {col}")
        db.con.execute("DELETE FROM schema_version")
        db.con.execute("INSERT INTO schema_version VALUES (?, '0.1.0', NULL)", [version])


@pytest.mark.parametrize("read_only", [False, True])
def test_a_version_1_store_is_migrated(tmp_path, seed000, read_only):
    store = tmp_path / "v1.duckdb"
    _make_v1_store(store, seed000)
    with Store(store, read_only=read_only) as db:
        versions = [r[0] for r in db.con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
        assert versions == [1, 2, 3, 4] and SCHEMA_VERSION == 4  # each step recorded
        cols = [r[0] for r in db.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'claims' "
            "ORDER BY ordinal_position").fetchall()]
        assert cols == list(COLUMNS["claims"])
        n, n_null = db.con.execute("SELECT count(*), count(*) FILTER (WHERE status IS NULL) FROM claims").fetchone()
        assert n == len(seed000["claims"]) and n_null == n
    # the app shows a claim stored without a status by its findings alone
    back = A.entry_from_store(store, seed000["sha256"])
    assert all(c["status"] is None and c["target"] is None for c in back["claims"])
    assert {s["status"] for s in A.claim_statuses(None, back)} == {"unverifiable"}  # seed 000 has no findings
    # checked again, the document's claims get their statuses
    with Store(store) as db:
        b = Batch()
        b.add_document(seed000, str(SEED000), seed000["sha256"], 1, "1", "0.1.0", 0.1)
        db.write(b)
        assert db.con.execute("SELECT count(*) FROM claims WHERE status = 'tied'").fetchone()[0] == sum(
            1 for c in seed000["claims"] if c["status"] == "tied")


def test_a_version_2_store_gains_document_sets(tmp_path, seed000):
    store = tmp_path / "v2.duckdb"
    _make_v1_store(store, seed000, version=2)
    with Store(store) as db:
        for table in ("documents", "evidence", "document_sets"):
            cols = [r[0] for r in db.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table]).fetchall()]
            assert cols == list(COLUMNS[table])
        assert db.con.execute("SELECT set_id, sibling_sha256 FROM documents").fetchall() == [(None, None)]
        n = db.con.execute("SELECT count(*) FROM claims WHERE status IS NOT NULL").fetchone()[0]
        assert n == len(seed000["claims"])  # what version 2 stored is kept


def test_a_statement_of_none_ties_to_its_empty_table():
    plan = check_document(PUTUO_PLAN)
    # "…2024年度无政府性基金预算财政拨款收入和支出。" and the 政府性基金…决算表 printed empty
    none = [c for c in plan["claims"] if c["metric"] == "gov_fund_expenditure" and c["value"] == 0]
    assert none and all(c["status"] == "tied" and c["tied_by"] == "CF301" for c in none)
    table = next(t for t in plan["tables"] if t["id"] == none[0]["target"]["table"])
    assert table["kind"] == "gov_fund" and none[0]["target"]["value"] == 0.0


def test_tables_the_reader_did_not_recognise(tmp_path):
    # a document whose only table has no title the reader knows
    path = tmp_path / "r.txt"
    path.write_text("2020年度部门决算\n\n本年收入合计133.90万元。\n\n序号\t单位名称\n1\t某局（本级）\n2\t某中心\n",
                    encoding="utf-8")
    entry = check_document(path)
    assert entry["tables"] and {t["kind"] for t in entry["tables"]} == {"other"}
    untied = [c for c in entry["claims"] if c["status"] == "not_checkable" and c["metric"]]
    assert untied and {c["reason"] for c in untied if c["kind"] == "amount"} == {"tables_not_recognised"}


def test_seed_002_prints_its_performance_forms_but_none_of_its_financial_tables():
    # its 附表 are listed by title only; its four 项目绩效目标完成情况表 (one cell a line) are read
    entry = check_document(DATA / "seeds" / "002_8541718f7ac07511.txt")
    assert {t["kind"] for t in entry["tables"]} == {"performance_project"}
    income = _claim(entry, kind="amount", metric="income_fiscal", value=133.9)
    assert (income["status"], income["reason"]) == ("not_checkable", "no_table_prints_it")


def test_the_summary_tables_basic_expenditure_line_ties_and_a_change_of_it_is_not_compared():
    # the 收支预算总表's "一、基本支出" line (an ordinary line since "增加基本支出844.15万元" reads as a
    # change): "基本支出7666.68万元" ties to it; the change is not compared with it, nor accused
    entry = check_document(DATA / "real" / "budgets" / "江苏省人大办公厅2017年度预算公开.pdf")
    tied = _claim(entry, metric="expenditure_basic", value=7666.68)
    assert tied["status"] == "tied" and tied["tied_by"] == "CF301"
    assert (tied["target"]["table"], tied["target"]["row"], tied["target"]["value"]) == ("t1", "一、基本支出", 7666.68)
    change = _claim(entry, kind="change", metric="expenditure_basic", value=844.15)
    assert change["status"] == "not_checkable" and change["findings"] == []
    assert not any(f["rule"] == "CF301" and "844.15" in f["message"] for f in entry["findings"])


def test_a_sum_of_code_lines_confirms_a_total_the_table_does_not_print():
    # "人员经费6080.72万元" and the basic-expenditure table's 301 (2928.98) + 303 (3151.74)
    entry = check_document(DATA / "real" / "budgets" / "江苏省人大办公厅2017年度预算公开.pdf")
    c = _claim(entry, metric="expenditure_personnel", value=6080.72)
    assert c["status"] == "tied" and c["target"]["row"] == "301+303" and c["target"]["value"] == 6080.72


def test_a_projects_figures_tie_to_its_own_performance_table(seed000):
    # "1、矛盾纠纷排查化解工作经费支出 2.45 万元" (the name before the figure) and, under the heading
    # "（2）项目二：法律顾问经费", "本项目年初预算数 2.00 万元，全年预算数 2.00 万元，全年执行数 2.00 万元":
    # the 年度资金总额 line of that project's 项目支出绩效自评表, in the column of the figure's period
    spent = _claim(seed000, metric="project_spent", value=2.45)
    assert spent["status"] == "tied" and spent["target"]["table"] == "t13"
    assert spent["target"]["row"] == "年度资金总额" and spent["target"]["column"].endswith("全年执行数")
    initial = _claim(seed000, metric="project_budget_initial", value=2.0)
    assert initial["status"] == "tied" and initial["target"]["table"] == "t14"
    assert initial["target"]["column"].endswith("年初预算数")
    # the 党建工作经费 figure (0.50) is its own table's, t15, not the 20136 line that prints 0.50 too
    assert _claim(seed000, metric="project_spent", value=0.5)["target"]["table"] == "t15"



def test_a_projects_figures_tie_to_its_form_printed_in_yuan_under_a_wan_heading():
    # seed 002: "（1）保安费用：绩效目标为8万元，完成情况为8万元" and "（3）矛盾化解和疑难信访问题专项资金绩效目标
    # 完成情况综述。项目全年预算数18.73万元，执行数为18.73万元" against the forms (one cell a line) that print
    # 80000 and 187300 under "预算执行情况(万元)": the lines 预算数 / 执行数 of the project's own form
    entry = check_document(DATA / "seeds" / "002_8541718f7ac07511.txt")
    for metric, row in (("perf_target_amount", "预算数"), ("perf_actual_amount", "执行数")):
        c = _claim(entry, metric=metric, value=8)
        assert c["status"] == "tied", c
        assert (c["target"]["table"], c["target"]["row"], c["target"]["value"]) == ("t1", row, 80000.0)
    for metric, row in (("project_budget_full_year", "预算数"), ("project_spent", "执行数")):
        c = _claim(entry, metric=metric, value=18.73)
        assert (c["status"], c["target"]["table"], c["target"]["row"]) == ("tied", "t3", row)
        assert c["target"]["value"] == 187300.0
    # "（4）驻京驻蓉：绩效目标为5万元" names the project shorter than its form (驻京驻蓉费用): not tied
    c = _claim(entry, metric="perf_target_amount", value=5)
    assert c["status"] == "not_checkable"
    # no finding from a form read in 元 (a confirm-only tie: a figure that differs says nothing)
    assert not [f for f in entry["findings"] if f["rule"] == "CF301"]


def test_the_vehicle_purchase_of_a_three_public_table_laid_across_ties():
    # 万里24 p.32 "公务用车购置及运行费46.56万元…其中：公务用车购置费25万元" against the one line of its
    # 三公 table (p.31), whose 购置费 cell "25" was read as a code part and lost
    wanli = check_document(WANLI)
    purchase = _claim(wanli, kind="amount", metric="three_public_vehicle_purchase", value=25)
    assert purchase["status"] == "tied", purchase
    assert purchase["target"]["column"].endswith("购置费") and purchase["target"]["value"] == 25.0
    vehicle = _claim(wanli, kind="amount", metric="three_public_vehicle", value=46.56)
    assert vehicle["status"] == "tied" and vehicle["target"]["column"].endswith("小计")


def test_a_part_stated_as_all_of_its_total_ties_to_the_totals_line(seed004):
    # seed 004: "政府采购授予中小企业合同金额18.11万元，占政府采购支出总额的100.00%。其中：授予小微企业合同
    # 金额18.11万元，占政府采购支出总额的100.00%" — the 政府采购情况 table prints the 合计 (18.11), no SME line
    for metric in ("procurement_sme", "procurement_micro"):
        c = _claim(seed004, kind="amount", metric=metric, value=18.11)
        assert c["status"] == "tied", c
        assert (c["target"]["row"], c["target"]["value"]) == ("合计", 18.11)


def test_only_a_share_of_all_makes_a_part_its_total():
    from rules.prose import whole_of_total

    class _Doc:
        def __init__(self, text):
            self.pages = [type("P", (), {"text": text})()]

    class _Claim:
        kind, unit, page, end = "amount", "万元", 1, 0

    assert whole_of_total(_Doc("，占政府采购支出总额的100.00%。"), _Claim()) == "procurement_total"
    assert whole_of_total(_Doc("，占政府采购支出总额的100%"), _Claim()) == "procurement_total"
    assert whole_of_total(_Doc("，占政府采购支出总额的60.00%。"), _Claim()) is None
    assert whole_of_total(_Doc("，占政府采购支出总额的100.50%"), _Claim()) is None
    assert whole_of_total(_Doc("，占某某事项的100%"), _Claim()) is None  # no money metric of that name

def test_an_item_statements_rate_and_unchanged_tie_when_they_fit_both_figures():
    wanli = check_document(WANLI)
    # "…2023年当年预算执行数为45.41万元，2024年预算安排42.60万元，比2023年预算执行数减少6.19%"
    rate = _claim(wanli, kind="growth", value=-6.19)
    assert (rate["status"], rate["tied_by"], rate["target"]) == ("tied", "CF407", None)
    # "2023年当年预算执行数为10.00万元，2024年预算安排10.00万元，比2023年预算执行数持平"
    flat = _claim(wanli, kind="change", metric="func:2060702")
    assert (flat["status"], flat["tied_by"]) == ("tied", "CF407")
    # last year's figure itself is still not in this year's tables
    prior = _claim(wanli, kind="amount", metric="func:2060702", period="prior")
    assert (prior["status"], prior["reason"]) == ("not_checkable", "prior_year_figure")


def test_only_money_is_searched_in_another_unit():
    from extraction.reader import read_document
    from crossfoot.pipeline import extract_claims
    from rules.status import cells_printing

    doc = read_document(WANLI)
    # "本工程规划建筑面积约为 13459平方米": not the 1.35 of the 三公 table ÷ 10⁴
    area = next(c for c in extract_claims(doc) if c.value == 13459)
    ctx = RuleContext(doc)
    assert area.unit == "平方米" and cells_printing(ctx, area) == []
    # a money figure is: "公务用车购置费25万元" is printed 250000.00 in a 元 table (and, as printed,
    # in the 购置费 column of the 三公 table)
    money = next(c for c in extract_claims(doc)
                 if c.value == 25 and c.metric == "three_public_vehicle_purchase")
    found = {(k, t.kind) for k, t, *_rest in cells_printing(ctx, money)}
    assert {k for k, _ in found} == {1.0, 1e4} and (1.0, "three_public") in found


def test_a_count_is_not_found_in_a_money_or_score_column(seed000):
    from extraction.reader import read_document
    from crossfoot.pipeline import extract_claims
    from rules.status import cells_printing

    doc = read_document(SEED000)
    claims = extract_claims(doc)
    # "组织党组理论中心组集中学习5次": the 5.0 of a 执行率 column is no count of 次
    five = next(c for c in claims if c.kind == "count" and c.value == 5 and c.unit == "次")
    ctx = RuleContext(doc, claims)
    assert cells_printing(ctx, five) == []
    # "共安排国内公务接待 8 批次": the line 国内公务接待批次（个） of the 三公 table prints it
    eight = next(c for c in claims if c.kind == "count" and c.value == 8 and c.unit == "批次")
    assert [r.name for _k, _t, r, _ci, _c in cells_printing(ctx, eight)][0] == "5.国内公务接待批次（个）"


def test_money_given_a_rates_metric_has_no_metric(seed004):
    # "市委组织部从市管党费中安排7万元" read with the metric 满意度 (a rate): what the money is is not known
    c = _claim(seed004, kind="amount", value=7, unit="万元")
    assert (c["metric"], c["reason"]) == ("perf_satisfaction_rate", "no_metric")


def test_a_completion_rate_ties_to_the_budget_its_table_prints(seed000):
    # "公务接待费支出决算为 0.37 万元，完成预算的 18.50%": the budget is not in the sentence; the 三公
    # table's 预算数 (2.00) is, and 0.37 / 2.00 = 18.50 %
    c = _claim(seed000, kind="completion", value=18.5, metric="three_public_reception")
    assert (c["status"], c["tied_by"]) == ("tied", "CF403")
    assert c["target"]["value"] == 2.0 and "预算" in c["target"]["column"]
