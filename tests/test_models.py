"""Department features, the anomaly scorer, Benford tests and ``crossfoot score`` (issue 7)."""

from __future__ import annotations

import json
import math
import zipfile

import numpy as np
import pandas as pd
import pytest

from extraction.model import Cell, Column, Document, DocumentMeta, Row, Table
from models.anomaly import AnomalyScorer, load_model, save_model
from models.benford import FIRST_EXPECTED, LAST_TWO_EXPECTED, TWO_DIGIT_LIMITS, digit_test, min_sample
from models.features import (
    FEATURES,
    MODEL_FEATURES,
    department_level,
    department_type,
    document_facts,
    feature_rows,
    format_value,
    spec_of,
)

# --------------------------------------------------------------------------- a hand-made document

def _cell(v: float | None) -> Cell | None:
    if v is None:
        return None
    return Cell(text=f"{v:,.2f}", value=v, decimals=2, page=1)


def _table(tid: str, kind: str, unit: str, labels: list[str], rows: list[tuple[str | None, str, list]]) -> Table:
    cols = tuple(Column(index=i + 1, label=lab) for i, lab in enumerate(labels))
    out = []
    for n, (code, name, values) in enumerate(rows):
        out.append(Row(index=n, block=None, code=code, name=name, cells=tuple(_cell(v) for v in values),
                       columns=tuple(c.index for c in cols), page=1))
    return Table(id=tid, kind=kind, number=None, title=kind, unit=unit, pages=(1,), columns=cols, rows=tuple(out))


def _final(year: int = 2023, scale: float = 1.0) -> Document:
    tables = (
        _table("t3", "expenditure", "万元", ["本年支出合计", "基本支出", "项目支出"], [
            (None, "合计", [1000.0 * scale, 800.0 * scale, 200.0 * scale]),
            ("201", "一般公共服务支出", [850.0 * scale, 650.0 * scale, 200.0 * scale]),
            ("208", "社会保障和就业支出", [100.0 * scale, 100.0 * scale, None]),
            ("221", "住房保障支出", [50.0 * scale, 50.0 * scale, None]),
        ]),
        _table("t6", "basic_expenditure_economic", "万元", ["决算数"], [
            ("301", "工资福利支出", [600.0]), ("302", "商品和服务支出", [150.0]),
            (None, "人员经费合计", [640.0]), (None, "公用经费合计", [160.0]),
        ]),
        _table("t9", "three_public", "元", ["预算数", "决算数"], [
            (None, "“三公”经费合计", [130000.0, 120000.0]),
            (None, "1.因公出国（境）费", [20000.0, 20000.0]),
            (None, "2.公务用车购置及运行维护费", [40000.0, 40000.0]),
            (None, "其中：公务用车购置费", [0.0, 0.0]),
            (None, "公务用车运行维护费", [40000.0, 40000.0]),
            (None, "3.公务接待费", [70000.0, 60000.0]),
            (None, "公务用车保有量（辆）", [None, 4.0]),
            (None, "国内公务接待批次（个）", [None, 12.0]),
            (None, "国内公务接待人次（人）", [None, 60.0]),
        ]),
        _table("t10", "related_info", "元", ["数值"], [(None, "机关运行经费元", [1600000.0])]),
        _table("t11", "performance_overall", "万元", ["年初预算数", "全年预算数", "全年执行数", "执行率"], [
            (None, "一般公共预算财政拨款支出合计", [980.0, 1250.0, 1000.0, 80.0]),
        ]),
    )
    meta = DocumentMeta(department="江苏省信访局", year=year, kind="final_account", unit="万元", pages=1)
    return Document(path=f"f{year}.txt", sha256=f"s{year}", format="text", meta=meta, tables=tables)


CLAIMS = [
    {"kind": "count", "metric": "staff_actual", "value": 40, "unit": "人", "period": "current"},
    {"kind": "count", "metric": "staff_retired_total", "value": 2, "unit": "辆", "period": "current"},
    {"kind": "growth", "metric": "expenditure_total", "value": 25.0, "unit": "%", "period": "current"},
    {"kind": "growth", "metric": "operating_expenses", "value": 10.0, "unit": "%", "period": "current"},
]
FINDINGS = [{"severity": "error"}, {"severity": "error"}, {"severity": "warning"}]


def test_document_facts_read_tables_claims_and_findings():
    f = document_facts(_final(), CLAIMS, FINDINGS)
    assert f["expenditure_total"] == 10_000_000.0
    assert f["expenditure_basic"] == 8_000_000.0
    assert f["expenditure_project"] == 2_000_000.0
    assert f["function_classes"] == {"201": 8_500_000.0, "208": 1_000_000.0, "221": 500_000.0}
    assert (f["personnel"], f["public"]) == (6_400_000.0, 1_600_000.0)
    assert f["three_public_total"] == 120_000.0  # the 决算数 column, not the 预算数
    assert (f["three_public_reception"], f["three_public_vehicle_ops"]) == (60_000.0, 40_000.0)
    assert (f["vehicles"], f["reception_batches"], f["reception_persons"]) == (4.0, 12.0, 60.0)
    assert f["operating_expenses"] == 1_600_000.0
    assert f["execution_rate"] == 0.8
    assert f["staff"] == 40.0  # not the 2 辆 mis-tagged as a staff count
    assert f["findings"] == {"error": 2, "warning": 1, "info": 0}
    assert sum(f["benford_first"]) > 0


def test_feature_values_of_a_department_year():
    prior = document_facts(_final(2022, scale=0.5), CLAIMS)
    final = document_facts(_final(2023), CLAIMS, FINDINGS)
    budget = dict(document_facts(_final(2023), []), kind="budget", expenditure_total=8_000_000.0,
                  findings={"error": 0, "warning": 1, "info": 0})
    (r2022, r2023) = feature_rows([final, budget, prior])
    assert (r2023["type"], r2023["level"], r2023["basis"]) == ("信访局", "province", "final_account")
    assert r2023["personnel_share"] == 0.8
    assert r2023["public_share"] == 0.2
    assert r2023["project_share"] == 0.2
    assert r2023["three_public_share"] == 0.012
    assert r2023["main_function_share"] == 0.85
    assert r2023["social_function_share"] == 0.15
    assert r2023["three_public_per_staff"] == 3000.0
    assert r2023["reception_per_batch"] == 5000.0
    assert r2023["reception_per_person"] == 1000.0
    assert r2023["vehicle_ops_per_vehicle"] == 10000.0
    assert r2023["operating_expenses_per_staff"] == 40000.0
    assert r2023["spending_per_staff"] == 250000.0
    assert r2023["basic_per_staff"] == 200000.0
    assert r2023["expenditure_growth"] == 1.0  # from the prior final account, not the 25 % claim
    assert r2023["basic_expenditure_growth"] == 1.0
    assert r2023["budget_execution"] == 0.8
    assert r2023["budget_deviation"] == 0.25
    assert (r2023["findings_error"], r2023["findings_warning"]) == (2.0, 2.0)
    # 2022 has no prior final account: growth from the report's own claims
    assert r2022["expenditure_growth"] == 0.25
    assert r2022["basic_expenditure_growth"] == pytest.approx(0.10)
    assert math.isnan(r2022["budget_deviation"])
    assert set(FEATURES) <= set(r2023)


def test_recurring_three_public_leaves_out_a_car_purchase():
    base = document_facts(_final(2023), CLAIMS)
    staff = base["staff"]
    assert base["three_public_vehicle_ops"] is not None
    bought = dict(base, three_public_vehicle=base["three_public_vehicle_ops"] + 200_000.0,
                  three_public_total=base["three_public_total"] + 200_000.0)
    (plain,) = feature_rows([base])
    (row,) = feature_rows([bought])
    assert row["three_public_purchase"] == 200_000.0
    assert row["three_public_per_staff"] == pytest.approx(plain["three_public_per_staff"] + 200_000.0 / staff)
    assert row["three_public_recurring_per_staff"] == pytest.approx(plain["three_public_per_staff"])
    no_lines = {k: v for k, v in base.items() if k not in ("three_public_vehicle", "three_public_vehicle_ops")}
    (row,) = feature_rows([no_lines])
    assert math.isnan(row["three_public_purchase"])
    assert row["three_public_recurring_per_staff"] == row["three_public_per_staff"]


def test_missing_values_are_nan_not_zero():
    doc = _final()
    no_stats = Document(path="x", sha256="x", format="text", meta=doc.meta,
                        tables=tuple(t for t in doc.tables if t.kind != "three_public"))
    (row,) = feature_rows([document_facts(no_stats, [])])
    for f in ("three_public_per_staff", "three_public_recurring_per_staff", "reception_per_batch",
              "vehicle_ops_per_vehicle", "spending_per_staff", "expenditure_growth", "budget_deviation"):
        assert math.isnan(row[f]), f


@pytest.mark.parametrize("name,dtype,level", [
    ("江苏省信访局", "信访局", "province"),
    ("云南省教育厅", "教育局", "province"),
    ("玉溪市卫生健康委员会", "卫生健康委员会", "city"),
    ("上海市普陀区长风街道办事处", "街道办事处", "district"),
    ("新平彝族傣族自治县财政局", "财政局", "county"),
    ("广西壮族自治区公安厅", "公安局", "province"),
    ("成都市武侯区文化和旅游局", "文化和旅游局", "district"),
    ("北京市民政局", "民政局", "province"),
    ("某某委员会办公室", "其他", "unknown"),
])
def test_type_and_level_from_the_name(name, dtype, level):
    assert (department_type(name), department_level(name)) == (dtype, level)


def test_format_value():
    assert format_value("reception_per_batch", 42000.0) == "4.20万元"
    assert format_value("project_share", 0.2345) == "23.4%"
    assert format_value("expenditure_growth", 1.5) == "+150.0%"
    assert format_value("project_share", math.nan) == "—"


# --------------------------------------------------------------------------- scorer on a synthetic matrix

def _matrix(n: int = 400, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({f: rng.uniform(0.8, 1.25, n) * 10_000 for f in MODEL_FEATURES})
    for f in ("personnel_share", "project_share", "budget_execution"):
        df[f] = rng.uniform(0.3, 0.4, n)
    for f in ("basic_expenditure_growth", "budget_deviation"):
        df[f] = rng.uniform(-0.05, 0.08, n)
    df["type"] = np.where(np.arange(n) % 2, "信访局", "教育局")
    df["level"] = "city"
    df["department"] = [f"d{i}" for i in range(n)]
    df["year"] = 2023
    return df


def test_score_direction_higher_is_more_unusual():
    df = _matrix()
    df.loc[7, "reception_per_batch"] *= 12
    scorer = AnomalyScorer().fit(df)
    s = scorer.score_samples(df)
    assert s.argmax() == 7
    assert s[7] > np.median(s) + 0.1
    out = scorer.score(df)
    assert out["departments"][0]["department"] == "d7"
    assert out["departments"][0]["rank"] == 1
    assert [d["rank"] for d in out["departments"]] == list(range(1, len(df) + 1))
    assert "higher score = more unusual" in out["model"]["direction"]


def test_scores_are_reproducible():
    df = _matrix()
    a = AnomalyScorer().fit(df).score_samples(df)
    b = AnomalyScorer().fit(df).score_samples(df)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("feature,factor", [
    ("reception_per_batch", 10.0), ("three_public_recurring_per_staff", 8.0), ("project_share", 2.6),
    ("basic_expenditure_growth", None),
])
def test_first_reason_is_the_planted_feature(feature, factor):
    df = _matrix()
    if factor is None:
        df.loc[11, feature] = 2.0
    else:
        df.loc[11, feature] *= factor
    out = AnomalyScorer().fit(df).score(df)
    top = out["departments"][0]
    assert top["department"] == "d11"
    first = top["reasons"][0]
    assert first["feature"] == feature
    assert first["effect"] > 0
    assert first["value"] == pytest.approx(df.loc[11, feature])
    assert "同类中位数" in first["text"]


def test_only_the_spending_side_of_a_feature_counts():
    # 公务接待费每批次 is a "high" feature (features.yaml): a tenth of the peers' is not flagged,
    # ten times is; 预算执行率 counts on both sides.
    df = _matrix()
    df.loc[11, "reception_per_batch"] *= 0.1
    scorer = AnomalyScorer().fit(df)
    out = {d["department"]: d for d in scorer.score(df)["departments"]}
    assert all(r["feature"] != "reception_per_batch" for r in out["d11"]["reasons"])
    assert out["d11"]["rank"] > 5
    df = _matrix()
    df.loc[11, "reception_per_batch"] *= 10.0
    assert AnomalyScorer().fit(df).score(df)["departments"][0]["department"] == "d11"
    assert spec_of("reception_per_batch").direction == "high"
    assert spec_of("budget_execution").direction == "both"


def test_peer_groups_fall_back_to_type_then_all():
    df = _matrix()
    df.loc[:9, "level"] = "county"  # 10 rows: too few for 教育局/county or 信访局/county
    scorer = AnomalyScorer(min_group_size=20).fit(df)
    groups = scorer.describe()["peer_groups"]
    assert "信访局/city" in groups and "信访局/county" not in groups and "all" in groups
    out = {d["department"]: d["peer_group"] for d in scorer.score(df)["departments"]}
    assert out["d0"] == "教育局" and out["d1"] == "信访局" and out["d21"] == "信访局/city"
    unseen = df.iloc[:1].assign(type="民政局")
    assert scorer.score(unseen)["departments"][0]["peer_group"] == "all"


def test_a_missing_feature_moves_nothing_and_is_no_reason():
    df = _matrix()
    df.loc[5, "reception_per_batch"] = np.nan
    out = AnomalyScorer().fit(df).score(df)
    d5 = next(d for d in out["departments"] if d["department"] == "d5")
    assert all(r["feature"] != "reception_per_batch" for r in d5["reasons"])


# --------------------------------------------------------------------------- saving

def test_save_and_load_round_trip_without_pickle(tmp_path):
    df = _matrix()
    scorer = AnomalyScorer().fit(df)
    path = save_model(scorer, tmp_path / "model.skops")
    with zipfile.ZipFile(path) as z:  # a skops file: a zip of a JSON schema and arrays, no pickle stream
        assert "schema.json" in z.namelist()
        assert not any(n.endswith((".pkl", ".pickle")) for n in z.namelist())
    loaded = load_model(path)
    new = _matrix(seed=9)  # a model fitted on one corpus scores new department-years
    assert np.array_equal(loaded.score_samples(new), scorer.score_samples(new))
    assert loaded.score(new)["departments"] == scorer.score(new)["departments"]


def test_load_refuses_foreign_types(tmp_path):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / "evil.skops"
    sio.dump(FunctionTransformer(func=print), path)
    with pytest.raises(ValueError, match="refusing"):
        load_model(path)


# --------------------------------------------------------------------------- Benford

def test_benford_levels_on_known_distributions():
    exact = np.round(FIRST_EXPECTED * 100_000).astype(int)
    r = digit_test(exact.tolist(), "first_digit")
    assert r["conformity"] == "close conformity" and r["mad"] < 1e-5 and not r["too_small"]
    uniform = [10_000] * 9
    r = digit_test(uniform, "first_digit")
    assert r["conformity"] == "nonconformity" and r["mad"] == pytest.approx(float(np.mean(np.abs(1 / 9 - FIRST_EXPECTED))), abs=1e-6)
    # shift mass between digits to land in each band: MAD = 2·d/9
    for d, level in ((0.045, "acceptable conformity"), (0.0625, "marginally acceptable conformity")):
        p = FIRST_EXPECTED.copy()
        p[0] += d
        p[1] -= d
        r = digit_test(np.round(p * 1_000_000).astype(int).tolist(), "first_digit")
        assert r["conformity"] == level, (d, r["mad"])
    r = digit_test([10] * 100, "last_two_digits")
    assert r["conformity"] == "close conformity" and r["mad"] == 0 and r["too_small"]
    skew = [200] * 50 + [0] * 50
    assert digit_test(skew, "last_two_digits")["conformity"] == "nonconformity"


def test_benford_warns_when_the_sample_is_too_small():
    small = np.round(FIRST_EXPECTED * 100).astype(int).tolist()
    r = digit_test(small, "first_digit")
    assert r["too_small"] and "too small" in r["warning"]
    assert r["min_n"] == min_sample(FIRST_EXPECTED, ((0.006, "close conformity"),))
    assert digit_test([0] * 9, "first_digit")["conformity"] == "no data"
    assert min_sample(LAST_TWO_EXPECTED, TWO_DIGIT_LIMITS) > 4000


# --------------------------------------------------------------------------- crossfoot score

def _facts_file(tmp_path) -> str:
    rows = []
    rng = np.random.default_rng(0)
    names = ["江苏省信访局", "玉溪市信访局", "无锡市信访局", "湖州市信访局", "沁县信访局", "嵩县信访局"]
    for i, name in enumerate(names * 5):
        for year in (2022, 2023):
            f = document_facts(_final(year, scale=float(rng.uniform(0.8, 1.2))), CLAIMS)
            f.update(department=f"{name}{i}", path=f"{i}-{year}.txt")
            rows.append(f)
    path = tmp_path / "facts.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return str(path)


def test_cli_json_shape(tmp_path, capsys):
    from crossfoot.cli import main

    facts = _facts_file(tmp_path)
    out = tmp_path / "score.json"
    model = tmp_path / "m.skops"
    assert main(["score", "--store", facts, "--format", "json", "--output", str(out),
                 "--save-model", str(model)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) >= {"departments", "benford"}
    d = result["departments"][0]
    assert set(d) >= {"department", "year", "type", "level", "score", "rank", "peer_group", "reasons"}
    assert d["rank"] == 1 and d["type"] == "信访局"
    for r in (r for d in result["departments"] for r in d["reasons"]):
        assert set(r) >= {"feature", "value", "peer_median", "effect", "text"}
    assert set(result["benford"]["corpus"]) >= {"first_digit", "last_two_digits"}
    assert len(result["benford"]["documents"]) == 60
    # a saved model scores the same input the same way
    again = tmp_path / "again.json"
    assert main(["score", "--store", facts, "--format", "json", "--output", str(again), "--model", str(model)]) == 0
    assert json.loads(again.read_text(encoding="utf-8"))["departments"] == result["departments"]
    assert main(["score", "--store", facts]) == 0
    assert "higher score = more unusual" in capsys.readouterr().out


def test_cli_missing_store_is_a_usage_error(tmp_path, capsys):
    from crossfoot.cli import main

    assert main(["score", "--store", str(tmp_path / "nope.duckdb")]) == 2
    assert "no such store" in capsys.readouterr().err
