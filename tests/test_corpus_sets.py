"""The generated corpus as document sets: split reports (a text file and a tables file) and errors
planted between documents (last year's report, the year's budget, the two files of one report)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from corpus import build, errors, generate, ledger
from corpus.identities import IDENTITY_OF_ERROR, broken_identities
from corpus.model import parse_number
from crossfoot.pipeline import check_paths, check_sets

SEEDS = range(12)


def _docs(seed: int):
    rng = random.Random(seed)
    dept = ledger.draw_department(rng, seed)
    prior = ledger.draw_year(rng, dept, 2022, None)
    cur = ledger.draw_year(rng, dept, 2023, prior)
    return [b(dept, cur, prior, random.Random(seed + 100)) for b in (build.build_final, build.build_budget)]


@pytest.mark.parametrize("kind", ["prior_year_restated", "budget_vs_final_mismatch"])
def test_an_error_between_documents_leaves_its_document_consistent(kind):
    """Only the other document tells: every identity inside the report still holds."""
    planted = 0
    for seed in SEEDS:
        for doc in _docs(seed):
            p = errors.CROSS_PLANTERS[kind](doc, random.Random(seed * 17 + 3), [])
            if p is None:
                assert kind == "budget_vs_final_mismatch" and doc.doc_kind == "budget"
                continue
            planted += 1
            new, old = p.values[:2]
            assert p.kind == kind and abs(new - old) >= 0.1
            assert broken_identities(doc) == set(), (seed, doc.doc_kind, p.where)
    assert planted >= len(SEEDS)


def test_a_restated_change_no_longer_fits_last_years_figure():
    doc = _docs(4)[0]
    before = {id(c): (c.extra["change"].text, c.span.text) for c in doc.claims if c.kind == "growth"}
    p = errors.prior_year_restated(doc, random.Random(1), [])
    changed = [c for c in doc.claims if c.kind == "growth" and (c.extra["change"].text, c.span.text) != before[id(c)]]
    assert len(changed) == 1 and changed[0].extra["change"] is p.locator[1]
    c = changed[0]
    t = doc.tables()[c.refs[0][0]]
    cur = parse_number(t.value(c.refs[0][1]))  # 万元 tables and prose in this draw
    old_change = float(before[id(c)][0].replace(",", ""))
    # last year's figure as last year's report prints it, and as this report's change implies it
    last_year = cur - c.extra["direction"] * old_change
    implied = cur - c.extra["direction"] * p.values[0]
    assert abs(implied - last_year) >= 0.1


def test_split_mismatch_breaks_only_the_prose_against_the_tables():
    for seed in SEEDS:
        doc = _docs(seed)[1]
        p = errors.split_mismatch(doc, random.Random(seed), [])
        assert p is not None and p.kind == "split_mismatch"
        assert broken_identities(doc) == {IDENTITY_OF_ERROR["prose_table_mismatch"]}


def test_cross_errors_avoid_the_figures_other_errors_changed():
    doc = _docs(2)[0]
    first = errors.prose_table_mismatch(doc, random.Random(5))
    for _ in range(20):
        p = errors.split_mismatch(doc, random.Random(_), [first])
        assert p is None or p.locator[1] is not first.locator[1]


@pytest.fixture(scope="module")
def split_corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("split")
    recs = generate.generate_corpus(out, departments=3, years=(2023, 2024), errors=0.0, anomalies=0.0, seed=0,
                                    fmt="txt", error_kinds=None, workers=1, split=0.5, cross_errors=1.0)
    return out, recs


def test_split_reports_are_written_as_real_ones_are(split_corpus):
    out, recs = split_corpus
    split = [r for r in recs if r.get("parts")]
    single = [r for r in recs if not r.get("parts")]
    assert split and single  # two of three departments with this seed
    for r in split:
        text, tables = r["parts"]["text"][0], r["parts"]["tables"][0]
        kind = "部门预算" if r["kind"] == "budget" else "部门决算"
        assert text.startswith(r["department"]) and text.endswith(f"{kind}.txt")
        assert tables.endswith("公开表格.txt") and r["files"] == [text, tables]
        assert "\t" not in (out / text).read_text("utf-8")  # no table in the text
        assert (out / tables).read_text("utf-8").count("\t") > 100
        for e in r["errors"]:
            assert e["part"] in ("text", "tables")
    kinds = {e["kind"] for r in recs for e in r["errors"]}
    assert kinds <= set(errors.CROSS_KINDS) and len(kinds) == 3
    # each kind only where the corpus holds the other document
    for r in recs:
        for e in r["errors"]:
            assert e["kind"] != "prior_year_restated" or r["year"] == 2024
            assert e["kind"] != "budget_vs_final_mismatch" or r["kind"] == "final_accounts"
            assert e["kind"] != "split_mismatch" or r.get("parts")


def test_defaults_leave_a_corpus_as_it_was(tmp_path):
    a = generate.generate_corpus(tmp_path / "a", 2, (2023, 2024), 0.5, 0.0, 3, "txt", None, 1)
    b = generate.generate_corpus(tmp_path / "b", 2, (2023, 2024), 0.5, 0.0, 3, "txt", None, 1,
                                 split=0.0, cross_errors=0.0)
    assert a == b and all("parts" not in r for r in a)
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes()


def test_check_pairs_the_split_files_and_finds_the_errors_between_documents(split_corpus):
    out, recs = split_corpus
    entries = check_paths([out])
    files = {e["path"]: Path(e["path"]) for e in entries}
    sets = check_sets(entries, files)
    by_name = {Path(e["path"]).name: e for e in entries}
    split = [r for r in recs if r.get("parts")]
    assert sum(1 for s in sets if s.form == "split") == len(split)
    for r in split:
        text = by_name[r["parts"]["text"][0]]
        assert text["sibling"]["path"].endswith(r["parts"]["tables"][0])
        tied = [c for c in text["claims"] if c["status"] == "tied" and c.get("target")]
        assert len(tied) >= 10
        assert all(c["target"]["document"]["path"].endswith(r["parts"]["tables"][0]) for c in tied)
    rule_of = {"prior_year_restated": "CF901", "budget_vs_final_mismatch": "CF902", "split_mismatch": "CF301"}
    for r in recs:
        entry = by_name[(r.get("parts") or {}).get("text", [r["file"]])[0]]
        for e in r["errors"]:
            found = [f for f in entry["findings"] if f["rule"] == rule_of[e["kind"]]
                     and any(abs(abs(x) - e["values"][0]) < 0.006 for x in (f["observed"], f["expected"])
                             if x is not None)]
            assert found, (r["file"], e)
            if e["kind"] != "split_mismatch":
                assert len({d["path"] for d in found[0]["documents"]}) == 2
    # nothing between documents where none was planted
    planted = {(r["file"], e["kind"]) for r in recs for e in r["errors"]}
    for r in recs:
        entry = by_name[(r.get("parts") or {}).get("text", [r["file"]])[0]]
        for f in entry["findings"]:
            if f["rule"] == "CF901":
                assert (r["file"], "prior_year_restated") in planted, f["message"]
            if f["rule"] == "CF902":
                assert (r["file"], "budget_vs_final_mismatch") in planted, f["message"]


def test_truth_lines_are_json(split_corpus):
    out, recs = split_corpus
    lines = [json.loads(x) for x in (out / "truth.jsonl").read_text("utf-8").splitlines()]
    assert lines == json.loads(json.dumps(recs))


def test_a_split_pdf_pair_is_checked_as_one_report(tmp_path):
    from crossfoot.cli import main

    rc = main(["corpus", "generate", "--out", str(tmp_path), "--departments", "1", "--years", "2024",
               "--errors", "0", "--anomalies", "0", "--seed", "2", "--format", "pdf", "--workers", "1",
               "--split", "1"])
    assert rc == 0
    recs = [json.loads(x) for x in (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(len(r["files"]) == 2 and r["files"][1].endswith("公开表格.pdf") for r in recs)
    entries = check_paths([tmp_path])
    sets = check_sets(entries, {e["path"]: Path(e["path"]) for e in entries})
    assert sorted(s.form for s in sets) == ["split", "split"]
    for r in recs:
        text = next(e for e in entries if e["path"].endswith(r["files"][0]))
        assert text["meta"]["kind"] == ("budget" if r["kind"] == "budget" else "final_account")
        tied = [c for c in text["claims"] if c["status"] == "tied" and c.get("target")]
        assert len(tied) >= 10 and all(c["target"]["document"]["path"].endswith(r["files"][1]) for c in tied)
        assert not [f for f in text["findings"] if f["severity"] == "error"]  # a clean report stays clean


def test_cli_rejects_a_share_out_of_range(tmp_path, capsys):
    from crossfoot.cli import main

    rc = main(["corpus", "generate", "--out", str(tmp_path), "--departments", "1", "--years", "2024",
               "--split", "1.5", "--format", "txt"])
    assert rc == 2 and "share" in capsys.readouterr().err
