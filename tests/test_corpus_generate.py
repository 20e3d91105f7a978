"""The generated corpus: clean reports hold every identity; each planted error breaks exactly its own."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pymupdf
import pytest

from corpus import build, errors, generate, ledger
from corpus.identities import IDENTITY_OF_ERROR, broken_identities, check
from corpus.tables import three_public_values

SEEDS = range(12)


def _chain(seed: int, anomaly: str | None = None):
    rng = random.Random(seed)
    dept = ledger.draw_department(rng, seed)
    prior = ledger.draw_year(rng, dept, 2022, None)
    cur = ledger.draw_year(rng, dept, 2023, prior, anomaly)
    return dept, prior, cur


def _docs(seed: int, anomaly: str | None = None):
    dept, prior, cur = _chain(seed, anomaly)
    return [b(dept, cur, prior, random.Random(seed + 100)) for b in (build.build_final, build.build_budget)]


@pytest.mark.parametrize("anomaly", [None, *generate.ANOMALY_KINDS])
def test_clean_documents_hold_every_identity(anomaly):
    for seed in SEEDS:
        for doc in _docs(seed, anomaly):
            assert check(doc) == [], (seed, doc.doc_kind)
            assert doc.claims, "prose makes claims"


def test_ledger_identities_hold_exactly():
    for seed in SEEDS:
        _, prior, led = _chain(seed)
        assert led.basic_total == led.personnel + led.public  # 基本支出 = 人员经费 + 公用经费
        assert led.income_total + led.begin_carry == led.expenditure_total + led.end_carry
        assert sum(led.project.values()) == sum(p.actual for p in led.projects)
        assert led.econ["30217"] == led.three_public["reception"]
        assert led.econ["30231"] == led.three_public["vehicle_ops"]
        assert led.begin_carry <= prior.end_carry  # 年初结转 comes from last year's 年末结转


def test_budget_prior_column_equals_previous_years_budget():
    dept, prior, cur = _chain(3)
    nxt = ledger.draw_year(random.Random(9), dept, 2024, cur)
    this_year = build.build_budget(dept, cur, prior, random.Random(1)).tables()["three_public"]
    next_year = build.build_budget(dept, nxt, cur, random.Random(1)).tables()["three_public"]
    assert next_year.value("total/prior") == this_year.value("total/budget")
    assert three_public_values(cur.three_public_budget)["total"] > 0


@pytest.mark.parametrize("kind", errors.ERROR_KINDS)
def test_each_planted_error_breaks_exactly_its_identity(kind):
    planted = 0
    for seed in SEEDS:
        for doc in _docs(seed):
            p = errors.PLANTERS[kind](doc, random.Random(seed * 31 + 7))
            if p is None:
                assert doc.doc_kind == "budget" and kind in generate.NOT_IN_BUDGET
                continue
            planted += 1
            assert p.kind == kind
            assert broken_identities(doc) == {IDENTITY_OF_ERROR[kind]}, (seed, doc.doc_kind, p.where)
    assert planted >= len(SEEDS)


def test_parse_years():
    assert generate.parse_years("2023-2024") == (2023, 2024)
    assert generate.parse_years("2024") == (2024, 2024)
    for bad in ("", "2024-2023", "23-24", "abc"):
        with pytest.raises(ValueError):
            generate.parse_years(bad)


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate.generate_corpus(out, departments=4, years=(2023, 2024), errors=0.8, anomalies=0.3, seed=11,
                             fmt="both", error_kinds=None, workers=2)
    return out


def test_truth_schema(small_corpus):
    lines = (small_corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    recs = [json.loads(x) for x in lines]
    assert len(recs) == 4 * 2 * 2
    for r in recs:
        assert {"file", "department", "type", "level", "year", "kind", "errors", "anomaly"} <= set(r)
        assert (small_corpus / r["file"]).exists()
        assert r["kind"] in ("final_accounts", "budget")
        assert r["level"] in ("county", "city", "district", "province")
        for e in r["errors"]:
            assert set(e) >= {"kind", "page", "values", "where"}
            assert e["kind"] in errors.ERROR_KINDS
            assert 1 <= e["page"] <= r["pages"]
            assert all(isinstance(v, (int, float)) for v in e["values"])
        if r["anomaly"] is not None:
            assert r["anomaly"]["kind"] in generate.ANOMALY_KINDS and r["anomaly"]["features"]
    assert any(r["errors"] for r in recs)
    years = {(r["department"], r["year"], r["kind"]) for r in recs}
    assert len(years) == len(recs)


def test_the_three_public_anomaly_leaves_the_cars_alone():
    """The 三公 plant raises 三公 per staff 5–20× through 接待 and 出国; the cars cost what they do in a
    normal year (no second anomaly in 公务用车运行维护费 per vehicle)."""
    for seed in SEEDS:
        rng = random.Random(seed)
        dept = ledger.draw_department(rng, seed)
        prior = ledger.draw_year(random.Random(seed + 1), dept, 2022, None)
        normal = ledger.draw_year(random.Random(seed + 2), dept, 2023, prior)
        planted = ledger.draw_year(random.Random(seed + 2), dept, 2023, prior, "three_public_per_staff")
        assert planted.three_public["vehicle_ops"] == normal.three_public["vehicle_ops"]
        assert planted.three_public["vehicle_purchase"] == 0
        per_staff = planted.three_public_total / ledger.WAN / planted.staff
        assert 5 * ledger.PEER_THREE_PUBLIC_PER_STAFF * 0.99 <= per_staff <= 20 * ledger.PEER_THREE_PUBLIC_PER_STAFF * 1.01
        per_batch = planted.three_public["reception"] / ledger.WAN / planted.counts["reception_batches"]
        assert per_batch == pytest.approx(dept.params["per_batch"], rel=0.05)  # more 批次, usual cost each


def test_the_years_after_a_jump_are_labelled(tmp_path):
    recs = generate.generate_corpus(tmp_path, departments=6, years=(2022, 2024), errors=0.0, anomalies=0.5,
                                    seed=5, fmt="txt", error_kinds=None, workers=1)
    finals = sorted((r for r in recs if r["kind"] == "final_accounts"), key=lambda r: (r["file"], r["year"]))
    by_dept: dict[str, list[dict]] = {}
    for r in finals:
        by_dept.setdefault(r["file"].split("-")[0], []).append(r)
    seen_after = 0
    for years in by_dept.values():
        jump = None
        for r in years:
            a = r["anomaly"]
            if jump is not None:
                seen_after += 1
                assert a is not None and a["jump_year"] == jump
                assert "basic_per_staff" in a["features"]
            else:
                assert a is None or "jump_year" not in a
            if a is not None and a["kind"] == "prior_year_jump" and "expenditure_growth" in a["features"]:
                jump = r["year"]  # a second jump: the later years are labelled with the latest
    assert seen_after > 0


def _variants(v: float) -> list[str]:
    out = [f"{v:.2f}", f"{v:,.2f}"]
    if float(v).is_integer():
        out.append(str(int(v)))
    return out


def test_planted_figures_stand_on_the_stated_page(small_corpus):
    checked = 0
    for line in (small_corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        pdf = pymupdf.open(small_corpus / r["files"][0])
        txt_pages = (small_corpus / r["files"][1]).read_text(encoding="utf-8").split("\f")
        assert len(txt_pages) == pdf.page_count == r["pages"]
        for e in r["errors"]:
            page = pdf[e["page"] - 1].get_text().replace("\n", "")
            if e.get("printed"):
                assert e["printed"] in page
                checked += 1
            elif e["values"]:
                assert any(s in page for s in _variants(e["values"][0])), e
                assert any(s in txt_pages[e["page"] - 1] for s in _variants(e["values"][0])), e
                checked += 1
    assert checked > 0


def test_pdf_text_extracts_cleanly(small_corpus):
    r = json.loads((small_corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines()[0])
    doc = pymupdf.open(small_corpus / r["files"][0])
    text = "".join(p.get_text() for p in doc)
    assert r["department"] in text and "“三公”经费" in text and "收入决算表" in text
    assert "单位：万元" in text or "单位：元" in text
    assert doc.metadata["creationDate"] == "D:20250101000000Z"


def test_same_seed_same_bytes_any_workers(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out, w in ((a, 1), (b, 2)):
        generate.generate_corpus(out, departments=2, years=(2024, 2024), errors=0.5, anomalies=0.5, seed=3,
                                 fmt="both", error_kinds=None, workers=w)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for n in names:
        assert (a / n).read_bytes() == (b / n).read_bytes(), n


def test_error_kinds_and_rate_are_honoured(tmp_path):
    recs = generate.generate_corpus(tmp_path, departments=3, years=(2024, 2024), errors=1.0, anomalies=0.0,
                                    seed=5, fmt="txt", error_kinds=["wrong_share"], workers=1)
    assert all(r["anomaly"] is None for r in recs)
    assert all(r["errors"] and {e["kind"] for e in r["errors"]} == {"wrong_share"} for r in recs)
    with pytest.raises(ValueError):
        generate.generate_corpus(tmp_path, 1, (2024, 2024), 1.0, 0.0, 5, "txt", ["no_such_kind"], 1)


def test_cli_generate(tmp_path, capsys):
    from crossfoot.cli import main

    out = tmp_path / "c"
    rc = main(["corpus", "generate", "--out", str(out), "--departments", "1", "--years", "2024",
               "--errors", "0", "--anomalies", "0", "--seed", "1", "--format", "txt", "--workers", "1"])
    assert rc == 0
    recs = [json.loads(x) for x in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["kind"] for r in recs] == ["final_accounts", "budget"]
    assert all(r["errors"] == [] for r in recs)
    assert main(["corpus", "generate", "--out", str(out), "--years", "20x"]) == 2
