"""The rules' shared and quicker work gives exactly what the plain computations give.

The rules compute some things once per run for all of them (rules/base.py ``RuleContext``: a
claim's table targets and figure, a table's caption lines, footing and lookups) and scan text and
cells more cheaply than they did.  Each test here sets a shortcut against a plain computation that
is obviously right (a scan, a sum, a regular expression), on the bundled sample reports and on
generated cases built to hit the edges: repeated codes and columns, rows short of cells, empty
cells, odd whitespace.  The shortcuts whose reference would be a copy of old code (caption lines,
department mentions, table targets read from the specs, label matching) are held to the recorded
outputs of every report of tests/data instead (tests/test_golden.py).
"""

from __future__ import annotations

import functools
import gc
import pickle
import random
import re
import weakref
from dataclasses import replace
from pathlib import Path

import pytest

from crossfoot.pipeline import extract_claims
from extraction.model import (
    Column,
    Document,
    DocumentMeta,
    Table,
    new_cell,
    new_row,
)
from extraction.reader import read_document
from rules import CF601, base, engine, lookup, prose, shift
from rules.base import RuleContext, cells_foot, numeric_cell, row_foots, zero_columns
from rules.CF101 import CODED_KINDS, children_index, first_rows_by_code
from rules.registry import RULES

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _sample_blobs() -> tuple[bytes, ...]:
    """A few bundled reports (text and PDF) with their claims, pickled: each test reads fresh
    copies, so that no memo of one test's run is seen by another."""
    files = sorted((ROOT / "corpus" / "sample").glob("*.txt"))[:6]
    files += sorted((ROOT / "corpus" / "sample").glob("*.pdf"))[:2]
    files += sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt"))[:3]
    out = []
    for f in files:
        doc = read_document(f)
        out.append(pickle.dumps((doc, extract_claims(doc))))
    return tuple(out)


def _samples() -> list[tuple[Document, list]]:
    return [pickle.loads(b) for b in _sample_blobs()]


def _findings(found) -> list[dict]:
    return [f.to_dict() for f in found]


# ---------------------------------------------------------------- the context


def test_lookups_live_in_the_run_context_and_go_with_it():
    """What the rules share is held by the run's context, built anew for each run, and released
    with it: nothing keeps the document (or a table) alive past the run."""
    doc, claims = _samples()[0]
    run = engine.run_rules(doc, claims)
    ctx = run.context
    assert ctx.doc is doc and ctx.claims is claims and ctx.documents == (doc,) and ctx.other is None
    assert ctx._shared["table_targets"] and ctx._objects["claim_figure"]
    again = engine.run_rules(doc, claims).context
    assert again is not ctx and again._shared["table_targets"] is not ctx._shared["table_targets"]
    refs = [weakref.ref(x) for x in (doc, ctx, again, *doc.tables)]
    del doc, claims, run, ctx, again
    gc.collect()
    assert all(r() is None for r in refs), "a run's lookups outlive it"


def test_a_rule_written_the_older_way_still_runs():
    """A rule whose ``check`` takes (doc, claims) is called so by the engine (Rule.run)."""
    doc, claims = _samples()[0]

    class Counting(base.Rule):
        code = "CF000"

        def check(self, doc, claims):
            yield self.finding(f"{len(doc.tables)} {len(claims)}", "")

    got = list(Counting().run(RuleContext(doc, claims)))
    assert [f.message for f in got] == [f"{len(doc.tables)} {len(claims)}"]


def _each_rule(rules, doc, claims, ctx=None) -> dict[str, list[dict]]:
    ctx = ctx or RuleContext(doc, claims)
    return {r.code: _findings(r().run(ctx)) for r in rules}


def test_rules_do_not_depend_on_which_rule_asks_first():
    """The shared results are the same whichever rule builds them: each rule alone on a fresh
    context, all rules in order on one, and all rules in reverse order on one find the same."""
    for blob in _sample_blobs():
        forward = _each_rule(RULES, *pickle.loads(blob))
        backward = _each_rule(list(reversed(RULES)), *pickle.loads(blob))
        assert forward == backward
        for r in RULES:
            assert _each_rule([r], *pickle.loads(blob)) == {r.code: forward[r.code]}, r.code


# ---------------------------------------------------------------- footing


def _cell(rng: random.Random, page: int = 1):
    roll = rng.random()
    if roll < 0.12:
        return None
    if roll < 0.22:
        return new_cell("—", None, None, page, None, None, None)
    decimals = rng.choice([None, 0, 1, 2, 2, 2, 3, 9])
    value = round(rng.uniform(-50, 5000), decimals or 0)
    if rng.random() < 0.3:
        value = float(rng.randint(0, 9))
    return new_cell(str(value), value, decimals, page, None, None, None)


def _coded_table(rng: random.Random, n_columns: int = 4) -> Table:
    """A coded table with classes, items and sub-items in random figures (some of them footing,
    some not), repeated codes, rows missing columns or cells and columns printed twice."""
    codes = []
    for c in rng.sample(range(201, 230), rng.randint(1, 4)):
        codes.append(str(c))
        for k in rng.sample(range(1, 20), rng.randint(0, 3)):
            codes.append(f"{c}{k:02d}")
            for j in rng.sample(range(1, 20), rng.randint(0, 3)):
                codes.append(f"{c}{k:02d}{j:02d}")
    if codes and rng.random() < 0.4:
        codes.insert(rng.randrange(len(codes)), rng.choice(codes))  # a code printed twice
    columns = list(range(n_columns))
    rows = []
    for i, code in enumerate([*codes, None]):
        cols = tuple(columns)
        roll = rng.random()
        if roll < 0.1:
            cols = tuple(rng.sample(columns, rng.randint(1, n_columns)))
        elif roll < 0.15:
            cols = (*cols, rng.choice(columns))  # a column printed twice
        n_cells = len(cols) - (1 if rng.random() < 0.05 else 0)  # a row short of cells
        cells = tuple(_cell(rng) for _ in range(n_cells))
        rows.append(new_row(i, rng.choice([None, None, "b"]), code, f"line {code}", cells, cols, 1, None, None, None))
    # make most classes the sum of their lines in every column, so that both answers are tested
    first = {}
    for r in rows:
        if r.code:
            first.setdefault(r.code, r)
    for at, r in enumerate(rows):
        if r.code and len(r.code) in (3, 5) and first[r.code] is r and rng.random() < 0.6:
            kids = [k for c, k in first.items() if len(c) == len(r.code) + 2 and c.startswith(r.code)]
            cells = list(r.cells)
            for pos, ci in enumerate(r.columns[:len(cells)]):
                total = sum(p.value for p in (numeric_cell(k, ci) for k in kids) if p is not None)
                cells[pos] = new_cell(f"{total:.2f}", round(total, 2), 2, 1, None, None, None)
            rows[at] = new_row(r.index, r.block, r.code, r.name, tuple(cells), r.columns, 1, None, None, None)
    return Table("t1", "expenditure", None, "支出决算表", "万元", (1,), tuple(Column(c, f"c{c}") for c in columns),
                 tuple(rows))


def _tables() -> list[Table]:
    rng = random.Random(20260601)
    out = [_coded_table(rng, rng.randint(1, 5)) for _ in range(300)]
    for doc, _claims in _samples():
        out += [t for t in doc.tables if t.kind in CODED_KINDS]
    return out


_NO_DOCUMENT = Document("generated.txt", "0", "text", DocumentMeta(None, None, None, None, 0))


def test_footing_failures_are_the_cells_foot_test():
    ctx = RuleContext(_NO_DOCUMENT)
    for table in _tables():
        rows = first_rows_by_code(table)
        kids_of = children_index(rows)
        columns = {ci for r in table.rows for ci in r.columns} | {99}
        any_failure = False
        for ci in columns:
            failing = shift.footing_failures(ctx, table, ci)
            expected = set()
            for (_block, code), parent in rows.items():
                kids = kids_of.get(code, [])
                if len(code) in (3, 5) and kids:
                    if cells_foot(numeric_cell(parent, ci), [numeric_cell(k, ci) for k in kids]) is False:
                        expected.add(code)
            assert failing == expected, (table.id, ci)
            any_failure = any_failure or bool(expected)
        assert shift.any_footing_failure(ctx, table) == any_failure


def test_row_foots_is_cells_foot():
    rng = random.Random(7)
    for table in _tables():
        for row in table.rows:
            total = rng.choice([*row.columns, 99])
            parts = rng.sample(range(6), rng.randint(0, 5)) + [99]
            expected = cells_foot(numeric_cell(row, total),
                                  [numeric_cell(row, ci) for ci in parts if ci in row.columns])
            assert row_foots(row, total, parts) is expected


def _zero_columns_reference(rows):
    n = len(rows)
    out = {}
    for i, r in enumerate(rows):
        pairs = zip(r.columns, r.cells)
        if len(set(r.columns)) != len(r.columns):
            pairs = reversed(list(pairs))
        for ci, cell in pairs:
            col = out.get(ci)
            if col is None:
                col = out[ci] = ([0.0] * n, [0.0] * n)
            numeric = cell is not None and cell.value is not None
            col[0][i] = cell.value if numeric else 0.0
            col[1][i] = base.cell_tol(cell) if numeric else 0.0
    return out


def test_zero_columns_as_before():
    for table in _tables():
        for rows in (shift.coded_rows(table), list(table.rows)):
            assert zero_columns(rows) == _zero_columns_reference(rows)


def test_children_positions_of_unique_codes_as_by_first_printing():
    rng = random.Random(3)
    for table in _tables():
        codes = [r.code for r in shift.coded_rows(table)]
        for sample in (codes, [rng.choice(codes) for _ in codes] if codes else []):
            last = {c: i for i, c in enumerate(sample)}
            kids = {}
            for c in sample:
                if len(c) in (5, 7) and last.get(c[:-2]) is not None:
                    kids.setdefault(last[c[:-2]], []).append(last[c])
            expected = [(last[c], kids[last[c]]) for c in dict.fromkeys(sample) if last[c] in kids]
            assert shift.children_positions(sample) == expected


def test_first_row_lookups_as_a_scan():
    rng = random.Random(11)
    names = ["合计", "（一）合计", "一、支出合计", "支出合计", "其中：人员经费", "人员经费", "总计 ", "合  计"]
    for table in _tables():
        rows = tuple(replace(r, name=rng.choice(names)) for r in table.rows)
        t = replace(table, rows=rows)
        idx = lookup.TableIndex(t)
        for name in names:
            want = next((i for i, r in enumerate(rows) if lookup.norm_name(r.name) == lookup.norm_name(name)), None)
            assert idx.first_by_name.get(lookup.norm_name(name)) == want
        for code in {r.code for r in rows} | {"999"}:
            want = next((r for r in rows if r.code and r.code == code), None)
            assert idx.row_with_code(code) is want


# ---------------------------------------------------------------- table targets


def test_targets_shared_by_budget_periods_and_as_built_for_each():
    for doc, claims in _samples():
        for metric in {c.metric or "" for c in claims} | {"income_total", "func:201", "econ:301"}:
            ctx = RuleContext(doc, claims)
            found = [prose._table_targets(ctx, metric, p) for p in prose.BUDGET_PERIODS]
            assert all(f == found[0] for f in found), metric
            for period in ("current", *prose.BUDGET_PERIODS, "prior"):
                assert prose.targets_of(ctx, metric, period) == prose._table_targets(ctx, metric, period)


def test_fast_target_equals_dataclass():
    doc, _claims = _samples()[0]
    t, r = doc.tables[0], doc.tables[0].rows[0]
    fig = base.Figure(1.0, 0.005)
    slow, quick = prose.Target(t, r, fig, "all"), prose._target(t, r, fig, "all")
    assert quick == slow and vars(quick) == vars(slow) and list(vars(quick)) == list(vars(slow))
    with pytest.raises(AttributeError):
        quick.scope = "fiscal"  # type: ignore[misc]


def test_claim_figure_as_built_from_the_claim():
    for doc, claims in _samples():
        ctx = RuleContext(doc, claims)
        for c in claims:
            if c.value is None:
                continue
            f = prose.claim_figure(ctx, c)
            plain = base.Figure.of(float(c.value), prose.decimals_of(doc, c), prose.prose_evidence(c))
            assert (f.value, f.tol, f.evidence) == (plain.value, plain.tol, plain.evidence)
            assert f == plain and prose.claim_figure(ctx, c) is f


# ---------------------------------------------------------------- text scans


def test_sentences_as_split_before():
    for doc, _claims in _samples():
        for p in doc.paragraphs:
            want = [(m.start(), m.group(0)) for m in re.finditer(r"[^。；;！？!?]+[。；;！？!?]?", p.text)]
            assert list(CF601.sentences(p)) == want


# ---------------------------------------------------------------- third round: targets, labels, anchors, pre-filters


def test_table_index_methods_are_the_lookups():
    from rules.lookup import TableIndex, find_rows

    for doc, _claims in _samples():
        for t in doc.tables:
            idx = TableIndex(t)
            names = [r.name for r in t.rows[:6]] + ["合计", "支出合计", "没有这一行"]
            for k in range(len(names)):
                ask = tuple(names[k:k + 2])
                rows = find_rows(t, ask)
                assert idx.row_named(ask) is (rows[0] if rows else None)
            for c in t.columns:
                for needle in {c.label[:2], c.label[-2:], "合计", "没有这一列"}:
                    for block in (..., c.block, "nope"):
                        want = next((x for x in t.columns if (block is ... or x.block == block)
                                     and needle in x.label), None)
                        assert idx.column((needle,), block) is want
                        assert t.find_column(needle, block=block) is want
                        want2 = next((x for x in t.columns if (block is ... or x.block == block) and needle in x.label
                                      and "年" not in x.label), None)
                        assert idx.column((needle,), block, ("年",)) is want2


def test_table_anchor_with_odd_cells_as_a_scan():
    rng = random.Random(3)
    for doc, _claims in _samples():
        for table in doc.tables:
            variants = [table]
            for _ in range(3):
                rows = []
                for r in table.rows:
                    cells = tuple(None if c is None else rng.choice([c, c, c, replace(c, start=None),
                                                                     replace(c, page=c.page + 1), replace(c, start=0)])
                                  for c in r.cells)
                    rows.append(replace(r, cells=cells, page=r.page if rng.random() < 0.8 else r.page + 1))
                variants.append(replace(table, rows=tuple(rows)))
            for v in variants:
                first = v.pages[0] if v.pages else None
                starts = [c.start for r in v.rows if r.page == first for c in r.cells
                          if c is not None and c.start is not None and c.page == first]
                assert CF601._table_anchor(v) == (min(starts) if starts else None)


def test_prefiltered_rules_find_as_the_plain_scan():
    from rules import CF802, CF805

    rng = random.Random(8)
    total802 = total805 = 0
    for doc, claims in _samples():
        paragraphs = []
        for p in doc.paragraphs:
            k = rng.randrange(len(p.text) + 1)
            paragraphs.append(replace(p, text=p.text[:k] + rng.choice(["，，", "。。。", "、", "：：", "；", ""]) + p.text[k:]))
        tables = []
        for t in doc.tables:
            rows = []
            for r in t.rows:
                cells = tuple(c if c is None or rng.random() < 0.9 else
                              replace(c, value=None, text=rng.choice(["1,23.45", "12..50", "-", "1O5.20", ""]))
                              for c in r.cells)
                rows.append(replace(r, cells=cells))
            tables.append(replace(t, rows=tuple(rows)))
        d = replace(doc, paragraphs=tuple(paragraphs), tables=tuple(tables))
        want802 = []
        for p in d.paragraphs:
            for m in CF802.DOUBLED.finditer(p.text):
                want802.append((p.id, m.start(), m.group(0)))
        got802 = [(f.evidence[0].start, f.message) for f in CF802.DoubledPunctuation().run(RuleContext(d, claims))]
        assert len(got802) == len(want802)
        want805 = [(t.id, r.index, ci) for t in d.tables if t.kind in CF805._CHECKED_KINDS for r in t.rows
                   for ci, cell in zip(r.columns, r.cells)
                   if cell is not None and cell.value is None and CF805.malformed(cell.text) is not None]
        got805 = list(CF805.MalformedNumber().run(RuleContext(d, claims)))
        assert len(got805) == len(want805)
        total802 += len(got802)
        total805 += len(got805)
    assert total802 and total805  # the fuzz reaches both


def test_failures_by_getters_as_the_plain_sums():
    rng = random.Random(21)
    for _ in range(300):
        n = rng.randint(1, 30)
        codes = [rng.choice(["201", "208", "20101", "20102", "20801", "2010101", "2010102", "2080101"]) for _ in range(n)]
        index = shift.children_positions(codes)
        values = [rng.choice([0.0, -0.0, 1.0, 0.1, 0.2, 0.3, 1e4, rng.uniform(-1e6, 1e6)]) for _ in range(n)]
        tols = [rng.choice([0.0, 0.005, 0.5]) for _ in range(n)]
        assert shift._failures_by(shift._getters(index), codes, values, tols) == \
            shift._failures(index, codes, values, tols)


def test_coded_rows_as_a_scan():
    for doc, _claims in _samples():
        for t in doc.tables:
            doubled = replace(t, rows=t.rows + t.rows[:3])
            for v in (t, doubled):
                seen, want = set(), []
                for r in v.rows:
                    if r.code and r.code not in seen:
                        seen.add(r.code)
                        want.append(r)
                got = shift.coded_rows(v)
                assert len(got) == len(want) and all(a is b for a, b in zip(got, want))


def test_is_continuation_as_a_scan():
    from rules.CF101 import _is_continuation, family

    for doc, _claims in _samples():
        copies = [replace(t, id=t.id) for t in doc.tables[:2]]  # equal to the first two, not them
        for d in (doc, replace(doc, tables=doc.tables + tuple(copies))):
            ctx = RuleContext(d)
            for t in d.tables:
                want = False
                for x in d.tables:
                    if x is t:
                        break
                    if t in family(ctx, x):
                        want = True
                        break
                assert _is_continuation(ctx, t) is want


def test_decimals_read_without_making_digits_ascii():
    fullwidth = str.maketrans("０１２３４５６７８９．", "0123456789.")
    rng = random.Random(4)
    bits = ["1", "2", "０", "９", ".", "．", ",", "，", "-", "+", "万元", "元", "%", " ", "约", "٣"]
    for _ in range(3000):
        s = "".join(rng.choice(bits) for _ in range(rng.randint(0, 12)))
        m, plain = prose._NUM.search(s), prose._NUM.search(s.translate(fullwidth))
        assert (m is None) == (plain is None)
        if m is not None:
            assert len(m.group(1) or "") == len(plain.group(1) or "")
    for doc, claims in _samples():
        for c in claims:
            s = doc.pages[c.page - 1].text[c.start:c.end] if c.page and 0 < c.page <= len(doc.pages) else ""
            m = prose._NUM.search(s.translate(fullwidth))
            assert prose.decimals_of(doc, c) == (len(m.group(1) or "") if m else 0) or not s


def test_column_sums_kept_per_header_as_read_from_the_table():
    from rules import CF102

    rng = random.Random(6)
    labels = ["合计", "本年收入合计", "财政拨款收入", "事业收入", "其他收入", "基本支出", "项目支出", "其中：工资",
              "本年支出/合计", "本年支出/基本支出", "本年支出/项目支出", "年初结转和结余", "上年结转"]
    tables = [t for doc, _claims in _samples() for t in doc.tables]
    for _ in range(300):
        cols = tuple(Column(i, rng.choice(labels), rng.choice([None, None, "b1"])) for i in range(rng.randint(0, 8)))
        if cols and rng.random() < 0.1:
            cols = (*cols, cols[0])  # one column object listed twice
        tables.append(replace(rng.choice(tables), columns=cols))
    found = 0
    for t in tables:
        got, want = CF102.column_sums(t), CF102._column_sums(t.columns)
        assert len(got) == len(want)
        found += len(want)
        for (gt, gp), (wt, wp) in zip(got, want):
            assert gt is wt and len(gp) == len(wp) and all(a is b for a, b in zip(gp, wp))
    assert found > 20


def test_has_evidence_is_whether_evidence_is_there():
    for doc, claims in _samples():
        for t in doc.tables:
            for r in t.rows[:10]:
                for ci in (*r.columns, -1):
                    f = base.zero_figure(t, r, ci)
                    assert f.has_evidence == bool(f.evidence) == (f.evidence is not None)
        ctx = RuleContext(doc, claims)
        for c in claims[:20]:
            if c.value is not None:
                f = prose.claim_figure(ctx, c)
                assert f.has_evidence == bool(f.evidence)
