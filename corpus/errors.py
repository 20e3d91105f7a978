"""Planted errors: each changes the document model so that exactly one identity breaks.

A planter returns a :class:`Planted` (or None when the document offers no place for
that kind).  The page is resolved after layout from the locator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from corpus import catalog as C
from corpus.ledger import department_name
from corpus.model import UNIT_FACTOR, Claim, Document, Heading, Para, Span, Table, parse_number

ERROR_KINDS = ("prose_table_mismatch", "row_sum_mismatch", "cross_table_mismatch", "row_shift", "unit_slip",
               "wrong_share", "wrong_growth", "execution_rate_base", "count_mismatch", "comparison_word",
               "wrong_year", "wrong_department", "missing_table")


@dataclass
class Planted:
    kind: str
    values: list
    where: str
    locator: tuple  # ("span", Span) | ("cell", Table, row) | ("block_index", i)
    extra: dict = field(default_factory=dict)

    def record(self, page: int) -> dict:
        rec = {"kind": self.kind, "page": page, "values": self.values, "where": self.where}
        rec.update(self.extra)
        return rec


def _num(text: str) -> float:
    return float(text.replace(",", "").rstrip("%％"))


def _fmt_like(value: float, like: str) -> str:
    sep = "," in like
    s = f"{value:,.2f}" if sep else f"{value:.2f}"
    return s + ("%" if like.endswith("%") else "")


def _claims(doc: Document, kind: str) -> list[Claim]:
    return [c for c in doc.claims if c.kind == kind]


def prose_table_mismatch(doc: Document, rng: random.Random) -> Planted | None:
    cands = [c for c in _claims(doc, "level") if c.refs[0][0] in doc.tables()]
    if not cands:
        return None
    c = rng.choice(cands)
    old = _num(c.span.text)
    new = round(old * rng.choice((rng.uniform(0.7, 0.95), rng.uniform(1.05, 1.3))), 2) if old >= 1 \
        else round(rng.uniform(1, 20), 2)
    if abs(new - old) < 0.05:
        new = round(old + 1.0, 2)
    c.span.text = _fmt_like(new, c.span.text)
    return Planted("prose_table_mismatch", [new, old], f"prose amount for {c.refs[0][0]} {c.refs[0][1]} "
                   f"({c.span.unit})", ("span", c.span))


def _format_cell(t: Table, value: float, like: str) -> str:
    return f"{value:,.2f}" if ("," in like or t.unit == "元") else f"{value:.2f}"


def row_sum_mismatch(doc: Document, rng: random.Random) -> Planted | None:
    T = doc.tables()
    cands = []
    for kind in ("income", "expenditure", "general_budget_expenditure"):
        t = T.get(kind)
        if t is None:
            continue
        comp = "fiscal" if kind == "income" else "basic"
        tot = "income_total" if kind == "income" else "total"
        for code, r in t.code_rows:
            if len(code) == 5 and parse_number(t.value(f"{code}/{comp}") or ""):
                cands.append((t, code, r, tot, comp))
    if not cands:
        return None
    t, code, r, tot, comp = rng.choice(cands)
    old = parse_number(t.value(f"{code}/{tot}") or "") or 0.0
    step = 10_000 / UNIT_FACTOR[t.unit]  # at least 1 万元
    delta = max(step, round(old * rng.uniform(0.03, 0.15), 2)) * rng.choice((-1, 1))
    if old + delta < 0:
        delta = abs(delta)
    for col in (tot, comp):
        v = parse_number(t.value(f"{code}/{col}") or "") or 0.0
        t.set(f"{code}/{col}", _format_cell(t, v + delta, t.value(f"{code}/{col}") or ""))
    new = old + delta
    return Planted("row_sum_mismatch", [round(new, 2), round(old, 2)],
                   f"{t.kind} row {code} column {tot} ≠ sum of its children", ("cell", t, r))


def cross_table_mismatch(doc: Document, rng: random.Random) -> Planted | None:
    T = doc.tables()
    options = []
    for kind, cols in (("income_expenditure_summary", ("amount",)), ("fiscal_summary", ("total", "gpb"))):
        t = T.get(kind)
        if t is None:
            continue
        classes = sorted({k[4:7] for k in t.cells if k.startswith("exp.") and k[4:7].isdigit()
                          and parse_number(t.value(k) or "")})
        if kind == "fiscal_summary":
            classes = [c for c in classes if parse_number(t.value(f"exp.{c}/gpb") or "")]
        if len(classes) >= 2:
            options.append((t, classes, cols))
    if not options:
        return None
    t, classes, cols = rng.choice(options)
    a, b = rng.sample(classes, 2)
    va = parse_number(t.value(f"exp.{a}/{cols[-1]}") or "") or 0.0
    vb = parse_number(t.value(f"exp.{b}/{cols[-1]}") or "") or 0.0
    step = 10_000 / UNIT_FACTOR[t.unit]
    delta = round(min(vb * 0.5, max(step, va * rng.uniform(0.02, 0.1))), 2)
    if delta <= 0:
        return None
    for col in cols:
        for code, d in ((a, delta), (b, -delta)):
            key = f"exp.{code}/{col}"
            v = parse_number(t.value(key) or "") or 0.0
            t.set(key, _format_cell(t, v + d, t.value(key) or ""))
    other = "expenditure" if t.kind == "income_expenditure_summary" else "general_budget_expenditure"
    return Planted("cross_table_mismatch", [round(va + delta, 2), round(va, 2)],
                   f"{t.kind} line {a} {C.CLASS_NAMES[a]} disagrees with {other} (offset on {b})",
                   ("cell", t, t.cells[f"exp.{a}/{cols[-1]}"][0]))


def row_shift(doc: Document, rng: random.Random) -> Planted | None:
    t = doc.tables().get("income")
    if t is None or len(t.code_rows) < 4:
        return None
    rows = [r for _, r in t.code_rows]
    cols = sorted(set(t.num_cols.values()))
    a = rng.randrange(0, len(rows) - 3)
    stretch = rows[a:]
    vals = [[t.grid[r][c] for c in cols] for r in stretch]
    if len({tuple(v) for v in vals}) < 2:
        return None
    vals = vals[-1:] + vals[:-1]
    for r, vv in zip(stretch, vals):
        for c, x in zip(cols, vv):
            t.grid[r][c] = x
    r0 = stretch[1]
    code = dict((r, c) for c, r in t.code_rows)[r0]
    printed = parse_number(t.grid[r0][cols[0]] or "") or 0.0
    correct = parse_number(t.grid[stretch[0]][cols[0]] or "") or 0.0
    return Planted("row_shift", [printed, correct],
                   f"{t.kind} values shifted down one row from code {code} to the end", ("cell", t, r0))


def unit_slip(doc: Document, rng: random.Random) -> Planted | None:
    T = doc.tables()
    variants = []
    prose = [c for c in _claims(doc, "level") if c.span.unit == "万元" and c.refs[0][0] in T
             and _num(c.span.text) >= 0.01]
    if prose:
        variants.append("prose")
    e6 = T.get("basic_expenditure_economic")
    if e6 is not None:
        variants += ["header", "mixed"]
    if not variants:
        return None
    v = rng.choice(variants)
    if v == "prose":
        c = rng.choice(prose)
        c.span.unit = "元"
        x = _num(c.span.text)
        return Planted("unit_slip", [x, x], f"prose amount for {c.refs[0][1]} written in 元 instead of 万元",
                       ("span", c.span))
    assert e6 is not None
    if v == "header":
        old = e6.unit
        e6.unit = "元" if old == "万元" else "万元"
        first = min(r for r, _ in e6.cells.values())
        x = parse_number(e6.grid[first][-1]) or 0.0
        return Planted("unit_slip", [x, x], f"{e6.kind} header says {e6.unit}, figures are in {old}",
                       ("cell", e6, first), {"printed_unit": e6.unit, "expected_unit": old})
    items = [(code, r) for code, r in e6.code_rows if code.startswith("302") and len(code) == 5
             and (parse_number(e6.value(f"{code}/amount") or "") or 0) >= (1.0 if e6.unit == "万元" else 10_000)]
    if not items:
        return None
    code, r = max(items, key=lambda cr: parse_number(e6.value(f"{cr[0]}/amount") or "") or 0)
    old = parse_number(e6.value(f"{code}/amount") or "") or 0.0
    new = old * 10_000 if e6.unit == "万元" else round(old / 10_000, 2)
    e6.set(f"{code}/amount", f"{new:,.2f}")
    return Planted("unit_slip", [new, old], f"{e6.kind} row {code} printed in the other unit than the table",
                   ("cell", e6, r))


def wrong_share(doc: Document, rng: random.Random) -> Planted | None:
    cands = [c for c in _claims(doc, "share") if c.refs[0][0] in doc.tables() and c.refs[1][0] in doc.tables()]
    if not cands:
        return None
    c = rng.choice(cands)
    old = _num(c.span.text)
    new = old + rng.choice((-1, 1)) * rng.uniform(1.5, 12)
    if new < 0 or new > 100:
        new = old + rng.uniform(1.5, 12) if old < 50 else old - rng.uniform(1.5, 12)
    c.span.text = f"{new:.2f}%"
    return Planted("wrong_share", [round(new, 2), old], f"share {c.refs[0][1]} of {c.refs[1][1]}", ("span", c.span))


def wrong_growth(doc: Document, rng: random.Random) -> Planted | None:
    cands = [c for c in _claims(doc, "growth") if c.refs[0][0] in doc.tables()]
    if not cands:
        return None
    c = rng.choice(cands)
    old = _num(c.span.text)
    chg = _num(c.extra["change"].text)
    prior = chg * 100 / old if old else 0.0
    cur = prior + c.extra["direction"] * chg
    new = 100 * chg / cur if cur and rng.random() < 0.5 else 0.0  # change over the current year: a common slip
    if abs(new - old) < 1.0:
        new = old + rng.choice((-1, 1)) * rng.uniform(2, 10)
        if new < 0:
            new = old + rng.uniform(2, 10)
    c.span.text = f"{new:.2f}%"
    return Planted("wrong_growth", [round(new, 2), old], f"growth rate of {c.refs[0][1]}", ("span", c.span))


def execution_rate_base(doc: Document, rng: random.Random) -> Planted | None:
    T = doc.tables()
    options = []
    for c in _claims(doc, "rate"):
        if c.extra.get("label") == "annual" and c.extra.get("wrong_base") and all(r[0] in T for r in c.refs):
            options.append(("prose", c))
    for kind in ("performance_overall", "performance_project"):
        t = T.get(kind)
        if t is not None:
            for k in t.cells:
                if k.endswith("/rate") and t.value(k):
                    options.append(("cell", (t, k[:-5])))
    rng.shuffle(options)
    for how, obj in options:
        if how == "prose":
            c = obj
            actual = T[c.refs[0][0]]
            act = parse_number(actual.value(c.refs[0][1]) or "") or 0.0
            act_fen = act * UNIT_FACTOR[actual.unit] * 100
            old = _num(c.span.text)
            new = 100.0 * act_fen / c.extra["wrong_base"]
            if abs(new - old) >= 1.0:
                c.span.text = f"{new:.2f}%"
                return Planted("execution_rate_base", [round(new, 2), old],
                               "execution rate against 年初预算 while the sentence says 全年预算", ("span", c.span))
        else:
            t, row = obj
            act = parse_number(t.value(f"{row}/actual") or "") or 0.0
            ini = parse_number(t.value(f"{row}/initial") or "") or 0.0
            old = parse_number(t.value(f"{row}/rate") or "") or 0.0
            if not ini:
                continue
            new = 100.0 * act / ini
            if abs(new - old) >= 1.0:
                like = t.value(f"{row}/rate") or ""
                t.set(f"{row}/rate", f"{new:.2f}" + ("%" if like.endswith("%") else ""))
                return Planted("execution_rate_base", [round(new, 2), old],
                               f"{t.kind} row {row} 执行率 computed on 年初预算数", ("cell", t, t.cells[f"{row}/rate"][0]))
    return None


def count_mismatch(doc: Document, rng: random.Random) -> Planted | None:
    cands = [c for c in _claims(doc, "count") if c.refs[0][0] in doc.tables()]
    if not cands:
        return None
    c = rng.choice(cands)
    old = int(c.span.text)
    new = old + rng.randint(1, 3) if old < 2 or rng.random() < 0.5 else old - rng.randint(1, min(3, old))
    c.span.text = str(new)
    return Planted("count_mismatch", [new, old], f"count {c.refs[0][1]} in prose", ("span", c.span))


def comparison_word(doc: Document, rng: random.Random) -> Planted | None:
    cands = [c for c in _claims(doc, "compare") if all(r[0] in doc.tables() for r in c.refs)]
    if not cands:
        return None
    c = rng.choice(cands)
    words = c.extra["words"]
    old = c.span.text
    c.span.text = {words[0]: words[1], words[1]: words[0], words[2]: rng.choice(words[:2])}[old]
    T = doc.tables()
    a = parse_number(T[c.refs[0][0]].value(c.refs[0][1]) or "") or 0.0
    b = parse_number(T[c.refs[1][0]].value(c.refs[1][1]) or "") or 0.0
    return Planted("comparison_word", [a, b], f"'{c.span.text}' should be '{old}' ({c.refs[0][1]} vs {c.refs[1][1]})",
                   ("span", c.span), {"printed": c.span.text, "expected": old})


def _locate_span(doc: Document, span: Span) -> tuple:
    for b in doc.blocks:
        if isinstance(b, Heading) and span in b.spans:
            return ("block", b)
        if isinstance(b, Table) and span in (b.dept, b.year):
            return ("cell", b, -1)
    return ("span", span)


def wrong_year(doc: Document, rng: random.Random) -> Planted | None:
    spans = [c.span for c in _claims(doc, "year")]
    spans += [s for b in doc.blocks if isinstance(b, Heading) and b.level > 0 for s in b.spans if s.role == "year"]
    spans += [b.year for b in doc.blocks if isinstance(b, Table) and b.year is not None]
    if not spans:
        return None
    s = rng.choice(spans)
    new = doc.year + rng.choice((-1, 1))
    s.text = str(new)
    return Planted("wrong_year", [new, doc.year], f"year in '{s.render()}…' context", _locate_span(doc, s))


def wrong_department(doc: Document, rng: random.Random) -> Planted | None:
    spans = [c.span for c in _claims(doc, "dept")]
    spans += [b.dept for b in doc.blocks if isinstance(b, Table) and b.dept is not None]
    spans += [s for b in doc.blocks if isinstance(b, Heading) and b.level > 0 for s in b.spans if s.role == "dept"]
    if not spans:
        return None
    s = rng.choice(spans)
    for _ in range(20):
        other, _ = department_name(rng, doc.dept_type, doc.level)
        if other != doc.department:
            break
    else:
        return None
    s.text = other
    return Planted("wrong_department", [], f"department name '{other}' left from a template",
                   _locate_span(doc, s), {"printed": other, "expected": doc.department})


def missing_table(doc: Document, rng: random.Random) -> Planted | None:
    idx = [i for i, b in enumerate(doc.blocks) if isinstance(b, Table) and b.kind in doc.required_tables]
    if not idx:
        return None
    i = rng.choice(idx)
    t = doc.blocks.pop(i)
    return Planted("missing_table", [], f"{t.kind} ({t.title}) missing", ("block_index", i), {"table": t.kind})


PLANTERS = {k: globals()[k] for k in ERROR_KINDS}


def plant(doc: Document, rng: random.Random, kinds: list[str], n: int) -> list[Planted]:
    """Plant up to n errors of distinct kinds drawn from kinds (in order of a shuffle)."""
    order = list(kinds)
    rng.shuffle(order)
    out: list[Planted] = []
    for k in order:
        if len(out) >= n:
            break
        p = PLANTERS[k](doc, rng)
        if p is not None:
            out.append(p)
    return out


def page_of(p: Planted, doc: Document, lay) -> int:
    loc = p.locator
    if loc[0] == "span":
        for b in doc.blocks:
            if isinstance(b, Para) and any(x is loc[1] for x in b.pieces):
                return lay.block_page[id(b)]
        return 0
    if loc[0] == "block":
        return lay.block_page[id(loc[1])]
    if loc[0] == "cell":
        t, r = loc[1], loc[2]
        return lay.block_page[id(t)] if r < 0 else lay.row_page[(id(t), r)]
    i = loc[1]
    return lay.block_page[id(doc.blocks[i])] if i < len(doc.blocks) else len(lay.pages)
