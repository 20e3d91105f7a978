"""Text-export rows that lost an empty cell, and headers printed off their figures (issue 16).

The derived examples are made here, by code, from the lines of a real seed; tests/data is never
edited.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from extraction.reader import read_document, read_text
from rules.engine import run_rules

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED_001 = SEEDS / "001_c51a82426a9f764c.txt"
SEED_004 = SEEDS / "004_f64002770984a7bf.txt"


def _expenditure_lines() -> list[str]:
    """Seed 004's 支出决算表 (公开03表), from its title to its note: a table that foots."""
    lines = SEED_004.read_text(encoding="utf-8").split("\n")
    start = lines.index("支出决算表")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("注："))
    return lines[start:end]


def _drop_empty_cell(lines: list[str], code: str) -> list[str]:
    """The table with the first empty figure cell of the row of ``code`` dropped (one tab fewer):
    the row's later figures sit one column to the left, as a misaligned export prints them."""
    out = list(lines)
    i = next(k for k, s in enumerate(out) if s.startswith(code + "\t"))
    cells = out[i].split("\t")
    gap = cells.index("", 2)
    assert any(c.strip() for c in cells[gap + 1:]), "the dropped cell must have a figure after it"
    out[i] = "\t".join(cells[:gap] + cells[gap + 1:])
    return out


def _table(text: str):
    doc = read_text(text, "derived.txt")
    return doc, doc.table("expenditure")


def _values(table) -> dict[str, tuple]:
    return {r.code or r.name: r.values for r in table.rows}


def test_a_row_that_lost_an_empty_cell_is_put_back_where_the_identities_hold():
    lines = _expenditure_lines()
    _, printed = _table("\n".join(lines))
    doc, derived = _table("\n".join(_drop_empty_cell(lines, "2010308")))
    # 信访事务 is 76.61 of 项目支出 and nothing of 基本支出, as the seed prints it
    assert _values(printed)["2010308"][:3] == (76.61, None, 76.61)
    assert _values(derived) == _values(printed)
    assert derived.notes == ("row 5 (2010308 信访事务) realigned: an empty cell was missing in column «基本支出»",)
    assert all(r.uncertain is None for r in derived.rows)
    assert any("realigned" in n for n in doc.notes)
    # read in the columns as shifted, 20103's 基本支出 would be 61.49 + 76.61 + 49.90 against 111.39
    assert [f for f in run_rules(doc).findings if f.rule in ("CF101", "CF102")] == []


def test_a_row_that_fits_no_place_is_position_uncertain_and_raises_no_error():
    # 21004 公共卫生 and its 2100409 both lose their empty 基本支出 cell: 21004 read as shifted
    # breaks 210's identity, and put back alone it breaks its own (its 项 is still shifted)
    lines = _drop_empty_cell(_drop_empty_cell(_expenditure_lines(), "21004"), "2100409")
    doc, derived = _table("\n".join(lines))
    rows = {r.code: r for r in derived.rows}
    assert rows["21004"].uncertain is not None
    assert "no place of the missing cell makes them hold" in rows["21004"].uncertain
    assert rows["21004"].values[:3] == (0.07, 0.07, None)  # read as printed: no value moved or made up
    assert rows["210"].uncertain is None and rows["20103"].uncertain is None
    run = run_rules(doc)
    on_210 = [f for f in run.findings if f.rule == "CF101" and "210 " in f.message]
    assert on_210, [f.message for f in run.findings]
    assert {f.severity for f in on_210} == {"warning"}
    assert all("无法确定" in f.message and "uncertain" in f.message_en for f in on_210)


def test_a_row_short_of_its_trailing_empty_cells_is_left_as_printed():
    lines = _expenditure_lines()
    i = next(k for k, s in enumerate(lines) if s.startswith("2010301\t"))
    short = list(lines)
    short[i] = lines[i].rstrip("\t")  # 行政运行 prints 61.49 | 61.49 and no empty cell after them
    assert short[i].count("\t") < lines[i].count("\t")
    _, printed = _table("\n".join(lines))
    _, derived = _table("\n".join(short))
    assert _values(derived) == _values(printed)
    assert derived.notes == () and all(r.uncertain is None for r in derived.rows)


def test_seed_001_header_printed_off_its_figures_makes_its_rows_uncertain():
    doc = read_document(SEED_001)
    by_title = {t.title: t for t in doc.tables}
    general = by_title["一般公共预算财政拨款收入支出决算表"]
    assert general.rows and all(r.uncertain for r in general.rows)
    assert general.notes and general.notes[0].startswith("header printed off its figures")
    assert "cell 5" in general.notes[0]  # the 栏次 row prints column 1 after 类/款/项/次
    # the 收入决算表 prints its header over its figures: its rows are read as they are
    assert all(r.uncertain is None for r in by_title["收入决算表"].rows)
    run = run_rules(doc)
    ids = {t.id for t in doc.tables if any(r.uncertain for r in t.rows)}

    def cites_uncertain(f) -> bool:
        return any(e.source == "table" and e.table and e.table.split(" ", 1)[0] in ids for e in f.evidence)

    assert not [f.message for f in run.findings if f.severity == "error" and cites_uncertain(f)]
    lowered = [f for f in run.findings if f.severity == "warning" and "无法确定" in f.message]
    assert {f.rule for f in lowered} == {"CF101", "CF103", "CF201"}
    # the 收入决算表's own footing errors (its figures one line off its names) stay errors
    assert len([f for f in run.findings if f.severity == "error" and f.message.startswith("收入决算表")]) == 12


@pytest.mark.parametrize("seed", ["000_18d5ca373dd9af9d.txt", "002_8541718f7ac07511.txt",
                                  "003_f5fbd600f63ab68c.txt", "004_f64002770984a7bf.txt"])
def test_the_other_seeds_are_read_as_printed(seed):
    doc = read_document(SEEDS / seed)
    assert [t.title for t in doc.tables if t.notes or any(r.uncertain for r in t.rows)] == []


def test_a_set_rule_error_citing_the_other_reports_uncertain_figure_is_lowered():
    from rules.base import Evidence, Finding
    from rules.positions import demote_uncertain

    prior = read_document(SEED_001)
    checked = read_document(SEED_004)
    general = next(t for t in prior.tables if t.title == "一般公共预算财政拨款收入支出决算表")
    cell = next(c for c in general.rows[2].cells if c is not None and c.value is not None)
    on_prior = Evidence("table", cell.page, cell.text, cell.value, table=f"{general.id} {general.title}",
                        row=general.rows[2].code, start=cell.start, end=cell.end, document=prior.sha256)
    # the same place in the report checked (no ``document``) is a certain figure of another table
    on_checked = replace(on_prior, document=None)
    findings = [Finding("f1", "CF901", "n", "error", "m", "m", evidence=(on_prior,)),
                Finding("f2", "CF901", "n", "error", "m", "m", evidence=(on_checked,)),
                Finding("f3", "CF901", "n", "warning", "m", "m", evidence=(on_prior,))]
    out = demote_uncertain((checked, prior), findings)
    assert [f.severity for f in out] == ["warning", "error", "warning"]
    assert out[0].message.startswith("m（该数字所在的列无法确定") and out[2].message == "m"
