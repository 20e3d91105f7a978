"""``crossfoot review`` runs the document-set rules (CF9xx): the same findings as ``crossfoot check``
for the same files, stored once, kept by a second review, run again only for the pairs a new
report makes, redone by ``--rescan``, finished by the run after a kill."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.generate import generate_corpus
from crossfoot.pipeline import check_paths, check_sets
from crossfoot.review import review
from crossfoot.store import Store

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def _corpus(out: Path, years: tuple[int, int], departments: int = 4, seed: int = 23) -> Path:
    generate_corpus(out, departments=departments, years=years, errors=0.2, anomalies=0.0, seed=seed,
                    fmt="txt", error_kinds=None, workers=1, split=0.5, cross_errors=0.6)
    (out / "truth.jsonl").unlink()
    return out


@pytest.fixture(scope="module")
def years3(tmp_path_factory) -> Path:
    """4 departments × 2022–2024 × budget and final account, half of them split over two files,
    errors between documents planted."""
    return _corpus(tmp_path_factory.mktemp("sets") / "docs", (2022, 2024))


def _set_findings_of_check(folder: Path) -> dict[str, list[tuple]]:
    """``crossfoot check``'s findings of the set rules, by the report's sha256, as the store's rows."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    entries = check_paths(files)
    check_sets(entries, {str(f): f for f in files})
    out: dict[str, list[tuple]] = {}
    for e in entries:
        for f in e.get("findings") or []:
            if "documents" not in f:
                continue
            ev = tuple((x.get("page"), x.get("text"), x.get("value"), (x.get("document") or {}).get("sha256"))
                       for x in f["evidence"])
            out.setdefault(e["sha256"], []).append(
                (f["id"], f["rule"], f["severity"], f["message"], f["expected"], f["observed"],
                 f["documents"][1]["sha256"], ev))
    return {k: sorted(v) for k, v in out.items()}


def _set_findings_of_store(store: Path) -> dict[str, list[tuple]]:
    with Store(store, read_only=True) as db:
        rows = db.con.execute(
            "SELECT f.sha256, f.finding_id, f.rule, f.severity, f.message, f.expected, f.observed, f.prior_sha256, "
            "list((e.page, e.text, e.value, e.document_sha256) ORDER BY e.seq) "
            "FROM findings f JOIN evidence e USING (sha256, finding_id) "
            "WHERE f.prior_sha256 IS NOT NULL GROUP BY ALL").fetchall()
    out: dict[str, list[tuple]] = {}
    for sha, *rest, ev in rows:
        out.setdefault(sha, []).append((*rest, tuple(tuple(x.values()) if isinstance(x, dict) else tuple(x)
                                                      for x in ev)))
    return {k: sorted(v) for k, v in out.items()}


def _counts_agree(store: Path) -> None:
    """Each document's counts are its rows (its own findings and the set rules' together)."""
    with Store(store, read_only=True) as db:
        bad = db.con.execute(
            "SELECT d.path FROM documents d WHERE n_findings != (SELECT count(*) FROM findings f "
            "WHERE f.sha256 = d.sha256) OR n_error_findings + n_warning_findings + n_info_findings != n_findings "
            "OR n_rule_errors != (SELECT count(*) FROM rule_errors r WHERE r.sha256 = d.sha256)").fetchall()
        dup = db.con.execute("SELECT sha256, finding_id FROM findings GROUP BY ALL HAVING count(*) > 1").fetchall()
    assert bad == [] and dup == []


def test_review_stores_the_set_findings_check_gives(years3, tmp_path):
    store = tmp_path / "s.duckdb"
    review([years3], store, workers=2)
    expected = _set_findings_of_check(years3)
    got = _set_findings_of_store(store)
    assert got == expected
    assert sum(len(v) for v in got.values()) >= 5  # planted restatements and budgets found
    assert {r[1] for v in got.values() for r in v} == {"CF901", "CF902"}
    _counts_agree(store)
    with Store(store, read_only=True) as db:
        checks = db.con.execute("SELECT relation, count(*) FROM set_checks WHERE compared IS NOT NULL "
                                "GROUP BY ALL ORDER BY 1").fetchall()
        # 4 departments: 2 years of prior-year pairs of each kind, 2 years of budgets beside last
        # year's final account, 3 years of budgets beside final accounts
        assert checks == [("prior_year", 16), ("prior_year_final_account", 8), ("same_year_budget", 12)]

    # a second review adds nothing and loses nothing
    with Store(store, read_only=True) as db:
        before = db.snapshot()
    stats = review([years3], store, workers=1)
    assert stats.reviewed == 0
    with Store(store, read_only=True) as db:
        assert db.snapshot() == before

    # --rescan redoes everything, to the same store
    review([years3], store, workers=1, rescan=True)
    with Store(store, read_only=True) as db:
        assert db.snapshot() == before


def test_a_new_year_runs_only_the_pairs_it_makes(tmp_path, monkeypatch):
    docs = _corpus(tmp_path / "docs", (2023, 2025), departments=3, seed=5)
    late = tmp_path / "later"
    late.mkdir()
    for f in docs.iterdir():
        if "2025" in f.name:
            f.rename(late / f.name)
    store = tmp_path / "s.duckdb"
    review([docs], store, workers=1)
    with Store(store, read_only=True) as db:
        first = set(db.con.execute("SELECT sha256, relation, prior_set_id FROM set_checks").fetchall())

    from crossfoot.store import Batch

    redone: list[str] = []
    real = Batch.add_set_results

    def spy(self, sha256, *args):
        redone.append(sha256)
        return real(self, sha256, *args)

    monkeypatch.setattr(Batch, "add_set_results", spy)
    review([docs, late], store, workers=1)
    with Store(store, read_only=True) as db:
        years = dict(db.con.execute("SELECT sha256, year FROM documents").fetchall())
    assert redone and {years[s] for s in redone} == {2025}
    with Store(store, read_only=True) as db:
        after = set(db.con.execute("SELECT sha256, relation, prior_set_id FROM set_checks").fetchall())
    assert first < after
    # the store is what one review of all of them makes
    whole = tmp_path / "whole"
    whole.mkdir()
    for f in [*docs.iterdir(), *late.iterdir()]:
        shutil.copy(f, whole / f.name)
    assert _set_findings_of_store(store) == _set_findings_of_check(whole)
    _counts_agree(store)


def test_jiangsu_2017_and_2018_reports_are_compared_as_check_compares_them(tmp_path):
    folder = tmp_path / "jiangsu"
    folder.mkdir()
    for f in (DATA / "real").rglob("*.pdf"):
        if f.name.startswith(("2017年省检察院", "2018年省检察院", "江苏省政协办公厅", "江苏省委办公厅")):
            shutil.copy(f, folder / f.name)
    store = tmp_path / "s.duckdb"
    review([folder], store, workers=2)
    got = _set_findings_of_store(store)
    assert got == _set_findings_of_check(folder)
    assert any(r[1] == "CF901" for v in got.values() for r in v)
    _counts_agree(store)


def test_a_store_of_schema_3_is_migrated_and_its_pairs_read_from_the_files(years3, tmp_path):
    """A version-3 store (no set findings, no document_data): migrated when opened, and the set
    phase reads those documents' files."""
    store = tmp_path / "s.duckdb"
    review([years3], store, workers=1)
    with Store(store) as db:  # made a version-3 store again
        con = db.con
        con.execute("DELETE FROM evidence WHERE (sha256, finding_id) IN "
                    "(SELECT sha256, finding_id FROM findings WHERE prior_sha256 IS NOT NULL)")
        con.execute("DELETE FROM findings WHERE prior_sha256 IS NOT NULL")
        con.execute("DELETE FROM rule_errors WHERE prior_sha256 IS NOT NULL")
        for sql in ("ALTER TABLE findings DROP COLUMN prior_sha256", "ALTER TABLE rule_errors DROP COLUMN prior_sha256",
                    "DROP TABLE document_data", "DROP TABLE set_checks", "UPDATE schema_version SET version = 3"):
            con.execute(sql)
    with Store(store) as db:
        assert db.con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 4
        assert db.count("document_data") == db.count("set_checks") == 0
    stats = review([years3], store, workers=1)
    assert stats.reviewed == 0
    assert _set_findings_of_store(store) == _set_findings_of_check(years3)
    _counts_agree(store)


def test_review_killed_in_its_set_phase_is_finished_by_the_next_run(years3, tmp_path):
    full = tmp_path / "full.duckdb"
    review([years3], full, workers=1)
    store = tmp_path / "killed.duckdb"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CROSSFOOT_BATCH_SECONDS": "0"}
    cmd = [sys.executable, "-m", "crossfoot.cli", "-v", "review", str(years3), "--store", str(store),
           "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 120
        for line in proc.stderr:  # kill once the set phase has stored some of its results
            if "set results" in line or time.monotonic() > deadline:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    time.sleep(1.5)  # the orphaned worker exits by itself
    with Store(store, read_only=True) as db:
        n_docs = db.count("documents")
        partial = db.count("set_checks")
    with Store(full, read_only=True) as db:
        assert n_docs == db.count("documents")
        assert 0 < partial < db.count("set_checks")
    stats = review([years3], store, workers=1)
    assert stats.reviewed == 0
    with Store(store, read_only=True) as a, Store(full, read_only=True) as b:
        assert a.snapshot() == b.snapshot()


def test_the_department_view_shows_the_stored_set_findings(years3, tmp_path):
    from crossfoot.appdata import cross_document_findings
    from crossfoot.sets import normalise_department

    store = tmp_path / "s.duckdb"
    review([years3], store, workers=1)
    with Store(store, read_only=True) as db:
        rows = db.con.execute(
            "SELECT d.department, f.rule, f.finding_id, o.path, d.path FROM findings f JOIN documents d USING (sha256) "
            "JOIN documents o ON o.sha256 = f.prior_sha256 ORDER BY 1, 3").fetchall()
    assert rows
    dept = rows[0][0]
    shown = cross_document_findings(store, normalise_department(dept))
    mine = [r for r in rows if r[0] == dept]
    got = {(r["rule"], r["finding_id"]) for _, r in shown.iterrows() if r["rule"].startswith("CF9")}
    assert got == {(r[1], r[2]) for r in mine}
    with Store(store, read_only=True) as db:
        files = {p for (p, d) in db.con.execute("SELECT path, department FROM documents").fetchall()
                 if normalise_department(d) == normalise_department(dept)}
    for _, r in shown.iterrows():
        if r["rule"].startswith("CF9"):  # its evidence in the files of both reports (a split one's tables file)
            docs = set(r["documents"].split(" | "))
            assert len(docs) >= 2 and docs <= files
