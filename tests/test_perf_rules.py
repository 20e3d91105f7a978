"""The rules' shared and quicker work gives exactly what the plain computations give.

The rules compute some things once per document for all of them (rules/base.py ``memo_of``: a
claim's table targets and figure, a table's caption lines and footing, a table's lookups) and
scan text and cells more cheaply than they did.  Each test sets a shortcut against the plain
computation it replaces (kept here as a reference where the rules no longer have it), on the
bundled sample reports and on generated cases built to hit the edges: repeated codes and
columns, rows short of cells, empty cells, odd whitespace, lines just over the length limits.
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
    Page,
    Paragraph,
    Section,
    Table,
    TextPiece,
    new_cell,
    new_row,
)
from extraction.reader import read_document
from extraction.tables import squash
from rules import CF601, CF602, base, engine, lookup, prose, shift
from rules.base import Evidence, cells_foot, numeric_cell, row_foots, zero_columns
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


# ---------------------------------------------------------------- the memo


def test_memo_goes_with_its_document():
    doc, claims = _samples()[0]
    engine.run_rules(doc, claims)
    key, ref = id(doc), weakref.ref(doc)
    assert key in base._MEMOS
    tables = [weakref.ref(t) for t in doc.tables]
    del doc, claims
    gc.collect()
    assert ref() is None, "a memo keeps its document alive"
    assert key not in base._MEMOS
    assert all(t() is None for t in tables), "a memo keeps a table alive"


def test_memo_of_an_object_without_weak_references_is_not_kept():
    assert base.memo_of(3) == {} and base.memo_of(3) is not base.memo_of(3)


def test_rules_do_not_depend_on_which_rule_asks_first():
    """The shared results are the same whichever rule builds them: each rule alone on a fresh
    document, all rules in order, and all rules in reverse order find the same."""
    for blob in _sample_blobs():
        forward_doc, forward_claims = pickle.loads(blob)
        forward = {r.code: _findings(r().check(forward_doc, forward_claims)) for r in RULES}
        backward_doc, backward_claims = pickle.loads(blob)
        backward = {r.code: _findings(r().check(backward_doc, backward_claims)) for r in reversed(RULES)}
        assert forward == backward
        for r in RULES:
            doc, claims = pickle.loads(blob)
            assert _findings(r().check(doc, claims)) == forward[r.code], r.code


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


def test_footing_failures_are_the_cells_foot_test():
    for table in _tables():
        rows = first_rows_by_code(table)
        kids_of = children_index(rows)
        columns = {ci for r in table.rows for ci in r.columns} | {99}
        any_failure = False
        for ci in columns:
            failing = shift.footing_failures(table, ci)
            expected = set()
            for (_block, code), parent in rows.items():
                kids = kids_of.get(code, [])
                if len(code) in (3, 5) and kids:
                    if cells_foot(numeric_cell(parent, ci), [numeric_cell(k, ci) for k in kids]) is False:
                        expected.add(code)
            assert failing == expected, (table.id, ci)
            any_failure = any_failure or bool(expected)
        assert shift.any_footing_failure(table) == any_failure


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
            found = [prose._table_targets(doc, metric, p) for p in prose.BUDGET_PERIODS]
            assert all(f == found[0] for f in found), metric
            for period in ("current", *prose.BUDGET_PERIODS, "prior"):
                assert prose.targets_of(doc, metric, period) == prose._table_targets(doc, metric, period)


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
        for c in claims:
            if c.value is None:
                continue
            f = prose.claim_figure(doc, c)
            plain = base.Figure.of(float(c.value), prose.decimals_of(doc, c), prose.prose_evidence(c))
            assert (f.value, f.tol, f.evidence) == (plain.value, plain.tol, plain.evidence)
            assert f == plain and prose.claim_figure(doc, c) is f


# ---------------------------------------------------------------- text scans


def _caption_lines_reference(doc, table):
    if not table.pages:
        return []
    page = table.pages[0]
    first = table.pages[0] if table.pages else None
    starts = [c.start for r in table.rows if r.page == first for c in r.cells
              if c is not None and c.start is not None and c.page == first]
    anchor = min(starts) if starts else None
    if anchor is None or not 1 <= page <= len(doc.pages):
        lines = CF601.page_lines(doc, page)
    else:
        lines = CF601._lines_up_to(doc.pages[page - 1].text, anchor)
    limit = len(lines) if anchor is None else next((i for i, (s, e, _t) in enumerate(lines) if e >= anchor), len(lines))
    title = squash(table.title)
    ti = None
    if len(title) >= 3:
        for i in range(min(limit, len(lines) - 1), -1, -1):
            line = squash(lines[i][2])
            if title in line or (len(line) >= 4 and line in title and title.endswith(line)):
                ti = i
                break
            if anchor is not None and limit - i > 40:
                break
    if ti is not None:
        lo, hi = max(0, ti - 3), min(limit, ti + 5)
    elif anchor is not None:
        lo, hi = max(0, limit - 8), limit
    else:
        return []
    return [(page, s, e, t) for s, e, t in lines[lo:hi] if t.strip()]


def test_caption_lines_as_before():
    rng = random.Random(5)
    for doc, _claims in _samples():
        for table in doc.tables:
            variants = [table, replace(table, title=""), replace(table, rows=())]
            page_text = doc.pages[table.pages[0] - 1].text if table.pages else ""
            for line in rng.sample(page_text.split("\n"), min(6, page_text.count("\n") + 1)):
                sq = squash(line)
                variants.append(replace(table, title=sq[rng.randrange(len(sq)):] if sq else "表"))  # a tail
                variants.append(replace(table, title=" 一 " + line + "\u3000"))  # the line, spaced
            for v in variants:
                assert CF601._caption_lines(doc, v) == _caption_lines_reference(doc, v), (v.id, v.title)


def _mentions_reference(doc):
    """CF602's mentions as they were read before the quicker line scans (lines_with)."""
    from rules.CF602 import (
        _DUTY_DEPT,
        _DUTY_PHRASE,
        _DUTY_SECTION,
        _FIELD_ROWS,
        _HEAD_DEPT,
        _LABEL,
        _PLACE,
        _PROSE_DEPT,
        _SENT_DEPT,
        _SUBJECT_DEPT,
        _TITLE_DEPT,
        _YEAR_DEPT,
        _clean_name,
    )
    from rules.CF601 import caption_lines, lines_with, page_lines, prose_evidence, sentences

    seen = set()
    for t in doc.tables:
        for page, s, _e, line in caption_lines(doc, t):
            for m in _LABEL.finditer(line):
                name = _clean_name(m.group(1))
                if name and (page, s + m.start()) not in seen:
                    seen.add((page, s + m.start()))
                    yield name, Evidence("table", page, line.strip(), table=f"{t.id} {t.title or t.kind}",
                                         start=s + m.start(1), end=s + m.end(1))
    for pg in doc.pages:
        for _i, s, e, line in lines_with(doc, pg.number, "年"):
            t = line.strip()
            if not t or len(t) > 60:
                continue
            sq = squash(t)
            for rx in (_TITLE_DEPT, _YEAR_DEPT):
                m = rx.match(sq)
                if m:
                    name = _clean_name(m.group(1))
                    if name and (pg.number, s) not in seen:
                        seen.add((pg.number, s))
                        yield name, Evidence("prose", pg.number, t, start=s, end=e)
    for pg in doc.pages:
        for i, s, e, line in lines_with(doc, pg.number, "称", "位"):
            cells = list(line.split("\t"))
            for j, c in enumerate(cells):
                if squash(c) not in _FIELD_ROWS:
                    continue
                rest = [x for x in cells[j + 1:] if x.strip()]
                if rest:
                    value = rest[0]
                elif len(cells) == 1:
                    lines = page_lines(doc, pg.number)
                    value = next((t for _s, _e, t in lines[i + 1:i + 3] if t.strip()), "")
                else:
                    value = ""
                name = _clean_name(value.split("\t")[0])
                if name and (pg.number, s) not in seen:
                    seen.add((pg.number, s))
                    yield name, Evidence("table", pg.number, f"{c.strip()}：{value.strip()}", start=s, end=e)
    for sec in doc.sections:
        m = _HEAD_DEPT.match(squash(sec.title))
        if m:
            name = _clean_name(m.group(1))
            if name:
                yield name, Evidence("prose", sec.page, sec.title, start=sec.start, end=sec.start + len(sec.title))
    duty = {sec.id for sec in doc.sections if _DUTY_SECTION.search(sec.title)}
    for p in doc.paragraphs:
        for off, sent in sentences(p):
            m = (_PROSE_DEPT.search(sent.strip()) or _SENT_DEPT.match(sent.strip())
                 or _SUBJECT_DEPT.match(sent.strip())
                 or (_DUTY_DEPT.match(sent.strip()) if p.section in duty else None))
            if not m:
                continue
            name = _clean_name(m.group(1))
            if name and m.re is _DUTY_DEPT and _DUTY_PHRASE.search(name):
                name = None
            if name and m.re in (_SUBJECT_DEPT, _DUTY_DEPT) and not _PLACE.search(name):
                name = None
            if name:
                lead = len(sent) - len(sent.lstrip())
                pos = off + lead + m.start(1)
                yield name, prose_evidence(p, pos, pos + len(m.group(1)), sent.strip())


_BITS = ["2023", "2024", "年", "年度", "决算", "预算", "部门", "单位", "名称", "部门名称", "单位名称", "预算单位",
         "预 算 单 位", "称", "位", "算", "玉溪市信访局", "新平县财政局", "上海市普陀区财政局", "收支总表", "表",
         "\t", " ", "\u3000", "\n", "\n", "\n", "说明：", "本年度没有", "没有", "无", "未", "负责", "为行政单位",
         "主要职能", "承担", "第一部分", "第二部分", "概况", "。", "；", "20", "2", "XX局",
         # whole lines and sentences of each pattern, to be cut and spaced by the bits around them
         "\n玉溪市信访局2024年度部门决算\n", "\n 2023 年 度 新平县财政局部门收支总表\n", "\n\u30002024年新平县财政局单位支出\n",
         "\n玉溪市信访局2024年度部门预算\n", "\n2 024 年度新平县财政局部门收支\n",
         "\n部门名称\t玉溪市信访局\n", "\n单位名称\n\n上海市普陀区财政局\n", "\n预算单位：新平县财政局\n",
         "说明：玉溪市信访局本年度没有政府性基金收入。", "2024年，玉溪市信访局收入合计12万元。",
         "云南省玉溪市信访局为行政单位。", "云南省玉溪市信访局承担信访工作；", "第一部分玉溪市信访局概况"]


def _fuzz_doc(rng: random.Random, i: int) -> Document:
    pages = []
    for n in range(1, rng.randint(1, 4) + 1):
        text = "".join(rng.choice(_BITS) for _ in range(rng.randint(0, 160)))
        if rng.random() < 0.3:
            text += "\n" + "年" * rng.randint(55, 65)  # around the 60-character limit
        pages.append(Page(n, text))
    if rng.random() < 0.1:  # pages numbered otherwise than by their place (or past the last)
        pages = [Page(rng.choice([p.number + 2, len(pages) - p.number + 1]), p.text) for p in pages]
    sections, paragraphs = [], []
    for k in range(rng.randint(0, 4)):
        title = "".join(rng.choice(_BITS) for _ in range(rng.randint(1, 8))).replace("\n", "")
        sections.append(Section(f"s{k}", title or "第一部分", 1, None, 1, 0))
    for k in range(rng.randint(0, 5)):
        text = "".join(rng.choice(_BITS) for _ in range(rng.randint(1, 40))).replace("\n", "")
        section = rng.choice([s.id for s in sections]) if sections and rng.random() < 0.7 else None
        paragraphs.append(Paragraph(f"p{k}", text, section, (TextPiece(0, 1, 0, len(text)),)))
    meta = DocumentMeta("新平县信访局", 2024, "final_account", "万元", len(pages))
    return Document(f"fuzz{i}.txt", "0", "text", meta, tuple(pages), tuple(sections), tuple(paragraphs))


def test_department_mentions_as_before():
    rng = random.Random(2024)
    docs = [_fuzz_doc(rng, i) for i in range(400)] + [doc for doc, _claims in _samples()]
    for doc in docs:
        new = list(CF602.DepartmentConsistency()._mentions(doc))
        assert new == list(_mentions_reference(doc)), doc.path
    # and the fuzz reaches every kind of mention
    kinds = {(ev.source, ev.table is None) for doc in docs for _n, ev in CF602.DepartmentConsistency()._mentions(doc)}
    assert {("prose", True), ("table", True)} <= kinds


def test_sentences_as_split_before():
    for doc, _claims in _samples():
        for p in doc.paragraphs:
            want = [(m.start(), m.group(0)) for m in re.finditer(r"[^。；;！？!?]+[。；;！？!?]?", p.text)]
            assert list(CF601.sentences(p)) == want


# ---------------------------------------------------------------- third round: targets, labels, anchors, pre-filters


def _table_targets_reference(doc, metric, period):
    """rules.prose._table_targets as it read the specs (dicts) and looked rows and columns up
    before the compiled specs and the table index's methods."""
    from rules.lookup import find_column, find_row, table_index

    specs, code = prose._specs(metric)
    specs = [sp for sp in specs if not sp.get("confirm_only")]  # those are confirming_targets'
    if not specs or period not in ("current", *prose.BUDGET_PERIODS):
        return []
    is_budget_doc = doc.meta.kind == "budget"
    budget = period in prose.BUDGET_PERIODS or is_budget_doc
    out = []
    ordered = sorted(specs, key=lambda s: s.get("period") != "budget") if is_budget_doc else specs
    for spec in ordered:
        if not is_budget_doc and (spec.get("period") == "budget") != budget:
            continue
        for table in doc.tables_of(spec["table"]):
            if table.empty:
                continue
            if "unless_rows" in spec and find_row(table, spec["unless_rows"]) is not None:
                continue
            row = None
            if "code" in spec and code:
                row = table_index(table).row_with_code(code)
            elif "rows" in spec:
                row = find_row(table, spec["rows"])
            elif spec.get("class_rows") and code and len(code) == 3:
                # the class line by its official names (rules/data/claim_tables.yaml class_rows)
                from rules.lookup import class_codes_by_name

                row = find_row(table, [n for n, c in class_codes_by_name().items() if c == code])
            if row is None or not row.columns:
                continue
            if spec.get("skip_blank") and all(v is None for v in row.values):
                continue
            fig = None
            for needle in spec.get("columns") or []:
                col = find_column(table, needle, block=row.block) or find_column(table, needle)
                if col is not None and col.index in row.columns:
                    fig = base.figure_at(table, row, col.index)
                    if fig is None:
                        others = [f for f in (base.figure_at(table, row, ci) for ci in row.columns) if f is not None]
                        fig = others[0] if len(others) == 1 else base.Figure(0.0, 0.0, None)
                    break
            else:
                if not spec.get("columns"):
                    fig = next((f for f in (base.figure_at(table, row, ci) for ci in row.columns) if f is not None),
                               None)
                    if fig is None:
                        fig = base.Figure(0.0, 0.0, None)
            if fig is None:
                continue
            if not fig.has_evidence:
                fig = base.Figure(0.0, 0.0, Evidence(source="table", page=row.page, text=row.name, value=0.0,
                                                       table=f"{table.id} {table.title or table.kind}",
                                                       row=row.code or row.name, bbox=row.name_bbox))
            out.append(prose.Target(table, row, fig, spec.get("scope", "all")))
            break
    return out


def test_targets_as_read_from_the_spec_dicts():
    metrics = set(prose._targets()) | {"func:201", "func:20101", "func:2010101", "econ:301", "econ:30101", "nope"}
    for doc, claims in _samples():
        for kind in ("final_account", "budget"):
            d = replace(doc, meta=replace(doc.meta, kind=kind))
            for metric in metrics | {c.metric or "" for c in claims}:
                for period in ("current", "budget", "adjusted_budget", "prior"):
                    got = prose._table_targets(d, metric, period)
                    want = _table_targets_reference(d, metric, period)
                    assert [(t.table.id, t.row.index, t.scope, t.figure.value, t.figure.tol, t.figure.evidence)
                            for t in got] == \
                           [(t.table.id, t.row.index, t.scope, t.figure.value, t.figure.tol, t.figure.evidence)
                            for t in want], (metric, period, kind)


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


def _label_names_metric_reference(claim):
    metric = claim.metric or ""
    if metric.startswith("func:") and (claim.explanation or "").startswith("item_statement."):
        return True  # an item statement's line was found by its own name path (issue 16)
    label = prose._NAME_NOISE.sub("", claim.label or "")
    if not label:
        return False
    if metric.startswith("func:"):
        code = metric[5:]
        prefix = prose._prefix(claim)
        at = prefix.find(claim.label) if claim.label else -1
        if at >= 0 and re.search(r"[-—－]", prefix[at + len(claim.label):]):
            return False
        levels = prose._LEVEL_MARK.findall(prefix)
        want = {3: "类", 5: "款", 7: "项"}.get(len(code))
        if levels and want and levels[-1] != want:
            return False
    elif prose._LEVEL_MARK.search(prose._prefix(claim)):
        return False
    names = prose._names().get(metric, ())
    if not names:
        return True
    return any(n and (n in label or label in n) for n in names)


def test_label_names_metric_as_before():
    rng = random.Random(11)
    marks = ["", "（款）", "(类)", "（项）", "项目", "款项", "-", " ", "“", "类"]
    seen = 0
    for _doc, claims in _samples():
        for c in claims:
            variants = [c]
            for _ in range(4):
                label = (c.label or "") + rng.choice(marks)
                text = rng.choice(marks) + c.text[:max(0, c.start - 1)] + rng.choice(marks) + c.text[max(0, c.start - 1):]
                metric = rng.choice([c.metric, "func:201", "func:20101", "expenditure_total", "nope", None])
                variants.append(replace(c, label=rng.choice([label, "", " ", c.label]), text=text, metric=metric))
            for v in variants:
                assert prose.label_names_metric(v) == _label_names_metric_reference(v), (v.metric, v.label, v.text)
                seen += 1
    assert seen > 100


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
        got802 = [(f.evidence[0].start, f.message) for f in CF802.DoubledPunctuation().check(d, claims)]
        assert len(got802) == len(want802)
        want805 = [(t.id, r.index, ci) for t in d.tables if t.kind in CF805._CHECKED_KINDS for r in t.rows
                   for ci, cell in zip(r.columns, r.cells)
                   if cell is not None and cell.value is None and CF805.malformed(cell.text) is not None]
        got805 = list(CF805.MalformedNumber().check(d, claims))
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
            for t in d.tables:
                want = False
                for x in d.tables:
                    if x is t:
                        break
                    if t in family(d, x):
                        want = True
                        break
                assert _is_continuation(d, t) is want


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
        for c in claims[:20]:
            if c.value is not None:
                f = prose.claim_figure(doc, c)
                assert f.has_evidence == bool(f.evidence)
