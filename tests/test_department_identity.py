"""Department identity (issue 17): unique generated departments, the printed code, and
department-years that never merge two departments and keep one department across years."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from corpus import ledger
from corpus.generate import derive_rng, draw_departments, generate_corpus
from extraction.reader import read_document
from models.features import department_identities, department_level, department_type, feature_rows

DATA = Path(__file__).parent / "data"
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _valid_credit_code(code: str) -> bool:
    """GB 32100 check character and the GB 11714 check digit of the organisation code inside it."""
    if len(code) != 18 or any(c not in CODE_CHARS for c in code):
        return False
    total = sum(CODE_CHARS.index(ch) * pow(3, i, 31) for i, ch in enumerate(code[:17]))
    if CODE_CHARS[(31 - total % 31) % 31] != code[17]:
        return False
    body = code[8:16]
    c9 = 11 - sum(int(d) * w for d, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    return code[16] == {10: "X", 11: "0"}.get(c9, str(c9))


def test_the_check_of_a_real_code_holds():
    # the code printed in the 概况 of the real seed 000 (新平彝族傣族自治县信访局)
    assert _valid_credit_code("115304277604167545")
    assert not _valid_credit_code("115304277604167546")


@pytest.mark.parametrize("n", [300, 1200])
def test_names_and_codes_are_unique_at_any_size(n):
    deps = draw_departments(7707, n)
    names = Counter(d.name for d in deps)
    assert names.most_common(1)[0][1] == 1, names.most_common(3)
    assert len({d.code for d in deps}) == n
    assert all(_valid_credit_code(d.code) for d in deps)
    # the name still tells the type and the level the model groups peers by (a 街道办事处 drawn as
    # "city" has always been named after a district)
    for d in deps:
        assert department_type(d.name) == d.type, d.name
        if d.type != "街道办事处":
            assert department_level(d.name) == d.level, d.name


def test_the_old_draw_gave_one_name_to_several_departments():
    # what issue 17 found: drawn without the taken names, 300 departments share names
    plain = [ledger.draw_department(derive_rng(7707, "dept", i), i) for i in range(300)]
    assert Counter(d.name for d in plain).most_common(1)[0][1] >= 3


def test_departments_are_the_same_for_a_seed_and_differ_between_seeds():
    a, b = draw_departments(11, 320), draw_departments(11, 320)
    assert [(d.name, d.code, d.type, d.level, d.staff_quota) for d in a] == \
           [(d.name, d.code, d.type, d.level, d.staff_quota) for d in b]
    assert [d.name for d in draw_departments(12, 320)] != [d.name for d in a]
    # a department's draw does not depend on how many follow it
    assert [d.name for d in draw_departments(11, 40)] == [d.name for d in a[:40]]


def test_a_generated_report_prints_its_code_and_the_reader_reads_it(tmp_path):
    records = generate_corpus(tmp_path, departments=3, years=(2023, 2024), errors=0.0, anomalies=0.0,
                              seed=5, fmt="both", error_kinds=None, workers=1)
    by_id: dict[str, set[str]] = {}
    for r in records:
        assert r["department_id"] == r["file"].split("-")[0]
        by_id.setdefault(r["department_id"], set()).add(r["department_code"])
        for f in r["files"]:
            doc = read_document(tmp_path / f)
            assert doc.meta.department_code == r["department_code"], f
            assert doc.meta.department == r["department"]
    assert all(len(codes) == 1 for codes in by_id.values())  # one code per department, every year and kind
    assert len({next(iter(c)) for c in by_id.values()}) == 3
    truth = [json.loads(x) for x in (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {t["department_code"] for t in truth} == {next(iter(c)) for c in by_id.values()}


def test_the_reader_reads_the_code_of_the_real_seed_and_none_elsewhere():
    assert read_document(DATA / "seeds/000_18d5ca373dd9af9d.txt").meta.department_code == "115304277604167545"
    assert read_document(DATA / "seeds/001_c51a82426a9f764c.txt").meta.department_code is None
    pdf = DATA / "real/final_accounts/上海市普陀区财政局2024年度部门决算.pdf"
    assert read_document(pdf).meta.department_code is None


def _facts(name, year, kind, code=None, total=100.0, path=None):
    return {"department": name, "year": year, "kind": kind, "department_code": code,
            "path": path or f"{name}-{year}-{kind}-{code}", "expenditure_total": total, "staff": 10}


def test_two_departments_of_one_name_never_merge():
    facts = [_facts("德清县教育局", 2023, "final_account", "A1", 100.0),
             _facts("德清县教育局", 2023, "final_account", "B2", 900.0),
             _facts("德清县教育局", 2023, "budget", "A1", 110.0),
             _facts("德清县教育局", 2023, "budget", "B2", 950.0)]
    rows = feature_rows(facts)
    assert len(rows) == 2
    got = {r["department_code"]: (r["expenditure_total"], r["budget_deviation"]) for r in rows}
    assert got["A1"][0] == 100.0 and got["A1"][1] == pytest.approx(100 / 110 - 1)
    assert got["B2"][0] == 900.0 and got["B2"][1] == pytest.approx(900 / 950 - 1)
    # a document without a code cannot tell which of the two it belongs to: kept apart
    ids = department_identities(facts + [_facts("德清县教育局", 2023, "budget")])
    assert ids[-1] == "name:德清县教育局|?"
    assert len(feature_rows(facts + [_facts("德清县教育局", 2023, "budget", total=5.0)])) == 3


def test_one_department_is_one_identity_across_years():
    facts = [_facts("上海市普陀区财政局", 2023, "final_account", "X9", 100.0),
             _facts("上海市普陀区财政局 ", 2024, "final_account", "X9", 150.0),  # a trailing space
             _facts("上海市普陀区财政局", 2024, "budget", None, 140.0)]  # a table file: no code printed
    ids = department_identities(facts)
    assert ids == ["code:X9"] * 3
    r2023, r2024 = feature_rows(facts)
    assert (r2023["year"], r2024["year"]) == (2023, 2024)
    assert r2024["expenditure_growth"] == pytest.approx(0.5)  # the prior year found
    assert r2024["budget_deviation"] == pytest.approx(150 / 140 - 1)
    assert r2024["prior_path"] == facts[0]["path"]


def test_a_wrong_name_on_a_cover_stays_with_its_department():
    # a report whose cover names another department (a planted wrong_department, or a template left
    # over) but prints its own code joins its department, not the one named
    facts = [_facts("嵩县教育局", 2023, "final_account", "C3", 100.0),
             _facts("德清县教育局", 2023, "budget", "C3", 120.0),
             _facts("德清县教育局", 2023, "final_account", "D4", 700.0)]
    rows = {r["department_code"]: r for r in feature_rows(facts)}
    assert set(rows) == {"C3", "D4"}
    assert rows["C3"]["budget_deviation"] == pytest.approx(100 / 120 - 1)
    assert rows["D4"]["budget_path"] is None


def test_without_codes_the_normalised_name_is_the_identity():
    facts = [_facts("江苏省财政厅", 2023, "final_account"), _facts("江苏省财政厅", 2023, "budget"),
             _facts("江苏省 财政厅", 2024, "final_account"), _facts("浙江省财政厅", 2023, "final_account")]
    assert department_identities(facts) == ["name:江苏省财政厅"] * 3 + ["name:浙江省财政厅"]
    assert len(feature_rows(facts)) == 3


def test_review_then_score_keeps_two_departments_of_one_name_apart(tmp_path):
    """Through the CLI and the store: two departments printing one name but their own codes are two
    department-years each year, and each is one department across its two years."""
    from crossfoot.cli import main

    reports = tmp_path / "reports"
    records = generate_corpus(reports, departments=2, years=(2023, 2024), errors=0.0, anomalies=0.0,
                              seed=17, fmt="txt", error_kinds=None, workers=1)
    (tmp_path / "truth.jsonl").write_bytes((reports / "truth.jsonl").read_bytes())
    (reports / "truth.jsonl").unlink()
    first = next(r for r in records if r["department_id"] == "d0000")
    second = next(r for r in records if r["department_id"] == "d0001")
    assert first["department"] != second["department"]
    for r in records:  # the second department is renamed after the first, everywhere it prints its name
        if r["department_id"] == "d0001":
            p = reports / r["file"]
            p.write_text(p.read_text(encoding="utf-8").replace(second["department"], first["department"]),
                         encoding="utf-8")
    store, out = tmp_path / "review.duckdb", tmp_path / "score.json"
    assert main(["review", str(reports), "--store", str(store), "--workers", "1", "--quiet"]) == 0
    assert main(["score", "--store", str(store), "--format", "json", "--output", str(out)]) == 0
    deps = json.loads(out.read_text(encoding="utf-8"))["departments"]
    got = sorted((d["department"], d["department_code"], d["year"]) for d in deps)
    assert got == sorted((first["department"], r["department_code"], y)
                         for r in (first, second) for y in (2023, 2024))


def test_the_text_ranking_shows_the_codes_of_two_departments_of_one_name():
    from models.command import render_text

    def entry(rank, name, code):
        return {"rank": rank, "score": 0.5, "department": name, "department_code": code, "year": 2024,
                "peer_group": "教育局/county", "reasons": []}

    text = render_text({"departments": [entry(1, "德清县教育局", "C1"), entry(2, "德清县教育局", "C2"),
                                        entry(3, "嵩县教育局", "C3")]})
    assert "德清县教育局 [C1] 2024" in text and "德清县教育局 [C2] 2024" in text
    assert "嵩县教育局 2024" in text and "C3" not in text
