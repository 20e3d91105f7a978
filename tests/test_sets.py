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
