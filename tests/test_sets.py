"""Document sets: one department's reports grouped by the name, year and kind their text gives."""

from __future__ import annotations

from crossfoot.sets import group, normalise_department, role_of


def _entry(path, dept, year, kind, tables=1, claims=1, status="ok"):
    return {"path": path, "sha256": path * 2, "status": status,
            "meta": {"department": dept, "year": year, "kind": kind},
            "tables": [{}] * tables, "claims": [{}] * claims}


def test_the_spellings_of_one_department_are_one_identity():
    # the three names the Jiangsu party office's 2017/2018 text and table files print
    names = ["江苏省委办公厅", "中国共产党江苏省委员会办公厅", "中共江苏省委办公厅"]
    assert {normalise_department(n) for n in names} == {"江苏省委办公厅"}
    assert normalise_department("江苏省人大常委会办公厅") == normalise_department("江苏省人民代表大会常务委员会办公厅")
    assert normalise_department("上海市普陀区 财政局") == normalise_department("上海市普陀区财政局") == "上海市普陀区财政局"
    assert normalise_department("上海市普陀区财政局") != normalise_department("上海市普陀区商务委员会")
    assert normalise_department(None) is None and normalise_department("") is None


def test_roles():
    assert role_of(_entry("a", "x", 2020, "budget")) == "report"
    assert role_of(_entry("a", "x", 2020, "budget", tables=0)) == "text"
    assert role_of(_entry("a", "x", 2020, "budget", claims=0)) == "tables"
    assert role_of(_entry("a", "x", 2020, "budget", tables=0, claims=0)) == "other"


def test_a_text_and_a_tables_file_of_one_report_are_a_split_set():
    sets = group([
        _entry("text.pdf", "江苏省委办公厅", 2017, "budget", tables=0),
        _entry("tables.pdf", "中国共产党江苏省委员会办公厅", 2017, "budget", claims=0),
        _entry("next.pdf", "中共江苏省委办公厅", 2018, "budget"),
        _entry("final.pdf", "江苏省委办公厅", 2017, "final_account"),
    ])
    forms = {(s.year, s.kind): (s.form, [m.path for m in s.members]) for s in sets}
    assert forms == {(2017, "budget"): ("split", ["tables.pdf", "text.pdf"]),
                     (2018, "budget"): ("single", ["next.pdf"]),
                     (2017, "final_account"): ("single", ["final.pdf"])}
    split = next(s for s in sets if s.form == "split")
    assert split.member("text").path == "text.pdf" and split.member("tables").path == "tables.pdf"
    assert len({s.id for s in sets}) == 3 and all(s.id.startswith("s") for s in sets)


def test_two_full_reports_of_one_key_are_kept_apart_and_said_so():
    sets = group([_entry("a.pdf", "某局", 2024, "final_account"), _entry("b.pdf", "某局", 2024, "final_account")])
    assert [(s.form, len(s.members)) for s in sets] == [("duplicate", 2)]


def test_nothing_is_paired_on_a_guess():
    sets = group([_entry("a.pdf", None, 2024, "budget", tables=0), _entry("b.pdf", None, 2024, "budget", claims=0),
                  _entry("c.pdf", "某局", None, "budget"), _entry("d.pdf", "某局", 2024, "budget", status="error")])
    assert sorted((s.form, s.members[0].path) for s in sets) == [("single", "a.pdf"), ("single", "b.pdf"),
                                                                  ("single", "c.pdf")]


# ------------------------------------------------------------------ real split reports

import json  # noqa: E402
import shutil  # noqa: E402

import pytest  # noqa: E402
from conftest import DATA  # noqa: E402

CPPCC_2017 = (DATA / "real/budgets/江苏省政协办公厅2017年度部门预算.pdf",
              DATA / "real/budgets/江苏省政协办公厅2017年度部门预算公开表.pdf")


@pytest.fixture(scope="module")
def split_checked():
    from crossfoot.pipeline import check_paths, check_sets

    files = list(CPPCC_2017)
    alone = check_paths(files)
    entries = [dict(e) for e in alone]
    sets = check_sets(entries, {str(f): f for f in files})
    return alone, entries, sets


def test_a_split_report_is_checked_with_its_tables(split_checked):
    alone, entries, sets = split_checked
    (s,) = sets
    assert s.form == "split" and [m.role for m in s.members] == ["text", "tables"]
    text_alone, text = alone[0], entries[0]
    assert text_alone["tables"] == [] and text["tables"] == []
    tied_alone = sum(c["status"] == "tied" for c in text_alone["claims"])
    tied = sum(c["status"] == "tied" for c in text["claims"])
    assert not any(c["reason"] == "table_in_another_file" for c in text["claims"])
    assert tied >= tied_alone + 50  # the amounts now tie to the sibling's tables
    assert text["sibling"]["sha256"] == entries[1]["sha256"] and text["set_id"] == entries[1]["set_id"] == s.id
    # a target in the tables file names that file and its own page
    targets = [c["target"] for c in text["claims"] if c["status"] == "tied" and c.get("target")]
    sib = [t for t in targets if t["document"]["sha256"] == entries[1]["sha256"]]
    assert sib and all(1 <= t["page"] <= entries[1]["meta"]["pages"] for t in sib)
    # every finding kept rests on the text file; the tables file's own findings stay in its entry
    assert all(any(ev["document"]["sha256"] == text["sha256"] for ev in f["evidence"]) for f in text["findings"])
    assert entries[1] == alone[1] | {"set_id": s.id}
    assert text["meta"]["pages"] == text_alone["meta"]["pages"]


def test_check_json_lists_the_sets(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "crossfoot.cli", "check", "--format", "json", "--fail-on", "never",
                        *map(str, CPPCC_2017)], capture_output=True, timeout=300, check=False)
    out = json.loads(r.stdout.decode("utf-8"))
    assert [s["form"] for s in out["sets"]] == ["split"]
    assert {d["set_id"] for d in out["documents"]} == {out["sets"][0]["set_id"]}


def test_review_stores_the_split_report_checked_as_one(tmp_path):
    from crossfoot.review import review
    from crossfoot.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    for f in CPPCC_2017:
        shutil.copy(f, folder / f.name)
    store = tmp_path / "s.duckdb"
    review([folder], store, workers=1)
    with Store(store, read_only=True) as db:
        rows = db.con.execute("SELECT path, n_tables, sibling_sha256, set_id FROM documents ORDER BY path").fetchall()
        sets = db.con.execute("SELECT form, role FROM document_sets ORDER BY role").fetchall()
        text_sha = db.con.execute("SELECT sha256 FROM documents WHERE n_tables = 0").fetchone()[0]
        tied = db.con.execute("SELECT count(*) FROM claims WHERE sha256 = ? AND status = 'tied'", [text_sha]).fetchone()[0]
        ev_docs = db.con.execute("SELECT count(DISTINCT document_sha256) FROM evidence WHERE sha256 = ?",
                                 [text_sha]).fetchone()[0]
    assert sets == [("split", "tables"), ("split", "text")]
    (tables_row, text_row) = sorted(rows, key=lambda r: r[1], reverse=True)
    assert text_row[2] is not None and tables_row[2] is None and text_row[3] == tables_row[3] is not None
    assert tied > 100
    assert ev_docs >= 1
    # a second review finds everything stored: nothing is checked again, the sets stay
    stats = review([folder], store, workers=1)
    assert stats.reviewed == 0 and stats.skipped == 2
    with Store(store, read_only=True) as db:
        assert db.con.execute("SELECT count(*) FROM document_sets").fetchone()[0] == 2


def test_last_years_report_of_the_same_department_is_compared():
    from crossfoot.pipeline import check_paths, check_sets

    files = [DATA / "real/budgets/2017年省检察院部门预算.pdf", DATA / "real/budgets/2018年省检察院部门预算公开.pdf"]
    entries = check_paths(files)
    sets = check_sets(entries, {str(f): f for f in files})
    assert [(s.year, s.form) for s in sets] == [(2017, "single"), (2018, "single")]
    first, second = entries
    assert "set_checks" not in first
    (run,) = second["set_checks"]
    assert run["prior"] == sets[0].id and run["compared"] >= 3
    cross = [f for f in second["findings"] if f["rule"] == "CF901"]
    # "与上年相比，财政拨款收、支总计各增加3,958.98万元" (judged in bench/real_findings.md)
    # the fiscal totals 21,940.96 and 17,981.68 give 3,959.28 (the sentence, its 财政拨款 tables and
    # the general budget's line all restate it alike); the all-funds total is not compared, since
    # the 2017 report has money outside 财政拨款
    assert {(f["severity"], f["observed"], round(f["expected"], 2)) for f in cross} == {
        ("warning", 3958.98, 3959.28)}
    docs = [ev["document"]["path"] for ev in cross[0]["evidence"]]
    assert docs == [str(files[1]), str(files[1]), str(files[0])]
    assert [d["path"] for d in cross[0]["documents"]] == [str(files[1]), str(files[0])]
    assert len({f["id"] for f in second["findings"]}) == len(second["findings"])


def test_titles_drawn_above_but_written_after_their_grid():
    """The Jiangsu party office's 2018 公开表: pages turned a quarter, each table's title written
    after its grid in the page's content.  Each table has its own page's title, not the page before's."""
    from extraction.reader import read_document

    doc = read_document(DATA / "real/budgets/江苏省委办公厅2018年度部门预算公开表.pdf")
    by_page = {}
    for t in doc.tables:
        by_page.setdefault(t.pages[0], t)
    assert [(p, by_page[p].kind) for p in (3, 4, 5, 7, 9, 10, 11, 12, 13, 14)] == [
        (3, "income_expenditure_summary"), (4, "income"), (5, "expenditure"), (7, "general_budget_expenditure"),
        (9, "general_budget_expenditure"), (10, "basic_expenditure_economic"), (11, "three_public"),
        (12, "gov_fund"), (13, "related_info"), (14, "procurement")]
    three = by_page[11]
    assert three.title.startswith("“三公”经费、会议费、培训费") and not three.empty
    assert by_page[12].empty  # 注：本部门无相关收支项目
    assert 933.5 in [c.value for r in three.rows for c in r.cells if c is not None]
