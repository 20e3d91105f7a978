"""Last year's figures a budget prints (issue 17): the generator's item statements of last year's
execution and the errors planted in them and in the 上年预算数 column (prior_column_restated,
execution_vs_final_mismatch), found by CF903 and CF904 between documents and by nothing inside one."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from corpus import build, errors, generate, ledger
from corpus.identities import broken_identities
from corpus.model import parse_number
from crossfoot.pipeline import check_paths, check_sets

SEEDS = range(10)


def _budget(seed: int, prior_execution: bool = True):
    rng = random.Random(seed)
    dept = ledger.draw_department(rng, seed)
    prior = ledger.draw_year(rng, dept, 2022, None)
    cur = ledger.draw_year(rng, dept, 2023, prior)
    return build.build_budget(dept, cur, prior, random.Random(seed + 100), prior_execution=prior_execution), prior


def test_item_statements_state_last_years_final_account():
    for seed in SEEDS:
        doc, prior = _budget(seed)
        execs = [c for c in doc.claims if c.kind == "execution"]
        assert execs
        for c in execs:
            leaf = c.refs[0][1].split("/")[0]
            spent = prior.basic.get(leaf, 0) + prior.project.get(leaf, 0)
            assert parse_number(c.span.text) == pytest.approx(spent / 1e6, abs=0.005)
        assert broken_identities(doc) == set()


def _shown(block) -> object:
    return block.render() if hasattr(block, "render") else (block.title, block.grid)


def test_item_statements_draw_nothing_from_the_documents_random_stream():
    """On, the rest of the budget is drawn as it is with them off."""
    on, _ = _budget(3, True)
    off, _ = _budget(3, False)
    rest = [_shown(b) for b in on.blocks if "当年预算执行数" not in str(_shown(b))]
    assert len(rest) < len(on.blocks) and rest == [_shown(b) for b in off.blocks]


@pytest.mark.parametrize("kind", errors.PRIOR_FIGURE_KINDS)
def test_an_error_of_last_years_figures_leaves_its_budget_consistent(kind):
    planted = 0
    for seed in SEEDS:
        doc, _ = _budget(seed)
        p = errors.CROSS_PLANTERS[kind](doc, random.Random(seed * 7 + 1), [])
        if p is None:
            continue
        planted += 1
        assert p.kind == kind and abs(p.values[0] - p.values[1]) >= 0.1 - 1e-9
        assert broken_identities(doc) == set(), (seed, p.where)
    assert planted >= len(SEEDS) // 2


def test_prior_figures_off_plants_none_of_their_errors(tmp_path):
    recs = generate.generate_corpus(tmp_path, 2, (2023, 2024), 0.0, 0.0, 4, "txt", None, 1, cross_errors=1.0)
    assert not {e["kind"] for r in recs for e in r["errors"]} & set(errors.PRIOR_FIGURE_KINDS)
    assert not any("当年预算执行数" in f.read_text("utf-8") for f in tmp_path.glob("*.txt"))


@pytest.fixture(scope="module")
def prior_corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("prior")
    recs = generate.generate_corpus(out, departments=4, years=(2023, 2024), errors=0.0, anomalies=0.0, seed=5,
                                    fmt="txt", error_kinds=None, workers=1, split=0.5, cross_errors=1.0,
                                    cross_kinds=list(errors.PRIOR_FIGURE_KINDS), prior_figures=True)
    return out, recs


def test_check_finds_last_years_figures_restated_and_nothing_else(prior_corpus):
    out, recs = prior_corpus
    entries = check_paths([out])
    check_sets(entries, {e["path"]: Path(e["path"]) for e in entries})
    by_name = {Path(e["path"]).name: e for e in entries}
    rule_of = {"prior_column_restated": "CF903", "execution_vs_final_mismatch": "CF904"}
    planted = 0
    for r in recs:
        entry = by_name[(r.get("parts") or {}).get("text", [r["file"]])[0]]
        kinds = {e["kind"] for e in r["errors"]}
        for e in r["errors"]:
            planted += 1
            found = [f for f in entry["findings"] if f["rule"] == rule_of[e["kind"]]
                     and any(abs(f["observed"] - v) < 0.006 for v in e["values"])]
            assert found, (r["file"], e)
            assert len({d["path"] for d in found[0]["documents"]}) == 2
            assert found[0]["severity"] == "warning"
        for f in entry["findings"]:
            if f["rule"] in ("CF903", "CF904"):
                assert {k for k, v in rule_of.items() if v == f["rule"]} & kinds, (r["file"], f["message"])
        if r["kind"] == "budget" and r["year"] == 2024:
            assert any(s["relation"] == "prior_year_final_account" for s in entry["set_checks"])
    assert planted >= 4


def test_cli_prior_figures(tmp_path):
    from crossfoot.cli import main

    rc = main(["corpus", "generate", "--out", str(tmp_path), "--departments", "1", "--years", "2024",
               "--errors", "0", "--anomalies", "0", "--seed", "3", "--format", "txt", "--workers", "1",
               "--prior-figures"])
    assert rc == 0
    assert "2023年当年预算执行数为" in (tmp_path / "d0000-2024-budget.txt").read_text("utf-8")
    assert "当年预算执行数" not in (tmp_path / "d0000-2024-final.txt").read_text("utf-8")


@pytest.mark.parametrize("label,year,prior,key", [
    ("上年预算数", 2018, True, "预算数"),
    ("2017年预算数", 2018, True, "预算数"),
    ("2018年预算数", 2018, False, "预算数"),
    ("本年预算数", 2018, False, "预算数"),
    ("2017年预算数/合计", 2018, False, "预算数/合计"),  # its own label is 合计: a child of last year's group
    ("上年结转资金", 2018, False, "结转资金"),  # last year's balance is this year's money
    ("小计/上年结转资金", 2017, False, "小计/结转资金"),
    ("上年执行数", 2024, True, "执行数"),
    ("上年", 2024, True, ""),
    ("重点工作九信访工作2020年指标经费", 2021, False, "重点工作九信访工作指标经费"),
])
def test_which_labels_name_last_years_figure(label, year, prior, key):
    from rules.prior_columns import column_key, names_prior_year

    assert names_prior_year(label, year) is prior
    assert column_key(label) == key


def test_a_child_of_last_years_group_is_last_years_column():
    from extraction.model import Column, Table
    from rules.prior_columns import current_column, prior_columns

    cols = (Column(0, "2018年预算数/合计"), Column(1, "2017年预算数/合计"), Column(2, "比上年增减"))
    t = Table("t1", "three_public", None, "", "万元", (1,), cols, ())
    assert [p.column.index for p in prior_columns(t, 2018)] == [1]
    assert current_column(t, "预算数/合计", 2018).index == 0
    assert current_column(t, "预算数/合计", 2017).index == 1
