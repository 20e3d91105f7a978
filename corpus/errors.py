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


# ------------------------------------------------------------------ errors between documents
#
# Each breaks an identity between two documents of a department and none inside the document it is
# planted in: the document stays consistent on its own, so only a rule reading the set (CF9xx, or the
# prose rules through a split report's tables file) can find it.  They are drawn apart from the kinds
# above (``generate --cross-errors``), only where the corpus holds the other document.

CROSS_KINDS = ("prior_year_restated", "budget_vs_final_mismatch", "split_mismatch", "prior_column_restated",
               "execution_vs_final_mismatch")
# the kinds planted only in a corpus asked to print last year's figures (``generate --prior-figures``):
# a budget's item statements of last year's execution, and the 上年预算数 they restate
PRIOR_FIGURE_KINDS = ("prior_column_restated", "execution_vs_final_mismatch")


def _table_in_claim_unit(t: Table, key: str, claim_unit: str) -> float | None:
    v = parse_number(t.value(key) or "")
    if v is None:
        return None
    return v * UNIT_FACTOR[t.unit] / UNIT_FACTOR[claim_unit]


def prior_year_restated(doc: Document, rng: random.Random, planted: list[Planted]) -> Planted | None:
    """A change against last year ("比上年增加X万元，增长Y%") computed on another prior-year figure
    than last year's report prints: X and Y move together, so the sentence still fits the current
    figure of its own tables (CF402 stays silent), but not last year's report (CF901)."""
    T = doc.tables()
    avoid = touched(planted)
    cands = []
    for c in _claims(doc, "growth"):
        kind, key = c.refs[0]
        chg = c.extra["change"]
        t = T.get(kind)
        if t is None or id(c.span) in avoid or id(chg) in avoid or chg.unit not in UNIT_FACTOR:
            continue
        if doc.doc_kind == "budget" and kind == "three_public":
            continue  # the budget's 三公 table prints last year's budget itself (上年预算数): not between documents
        cur = _table_in_claim_unit(t, key, chg.unit)
        x, rate, d = _num(chg.text), _num(c.span.text), c.extra["direction"]
        prior = (cur or 0) - d * x
        if cur is None or prior <= 0 or abs(100 * x / prior - rate) > 0.006:
            continue  # already changed by another planter, or nothing to restate
        cands.append((c, chg, cur, prior, d))
    if not cands:
        return None
    c, chg, cur, prior, d = rng.choice(cands)
    old = _num(chg.text)
    for _ in range(10):
        restated = prior * (1 + rng.choice((-1, 1)) * rng.uniform(0.02, 0.12))
        new = round(d * (cur - restated), 2)
        if new > 0 and abs(new - old) >= max(0.1, 0.02 * old) and restated > 0:
            break
    else:
        return None
    chg.text = _fmt_like(new, chg.text)
    c.span.text = f"{100 * new / (cur - d * new):.2f}%"
    return Planted("prior_year_restated", [new, old],
                   f"change of {kind_key(c)} against last year computed on {cur - d * new:.2f} instead of "
                   f"last year's report's {prior:.2f} ({chg.unit})", ("span", chg))


def kind_key(c: Claim) -> str:
    return f"{c.refs[0][0]} {c.refs[0][1]}"


def budget_vs_final_mismatch(doc: Document, rng: random.Random, planted: list[Planted]) -> Planted | None:
    """A final account's 年初预算 (its 部门整体支出绩效自评表's 年初预算数, and the prose that restates it)
    differing from that year's budget report: the total and 基本支出 rows move together (the table still
    foots), the prose 年初预算 figure, its 完成年初预算的 rate and its comparison word follow, so the
    final account is consistent in itself and only its budget report tells (CF902)."""
    if doc.doc_kind != "final_accounts" or any(p.kind == "execution_rate_base" for p in planted):
        return None  # (an execution rate planted on 年初预算 must stay what it was planted as)
    T = doc.tables()
    t = T.get("performance_overall")
    avoid = touched(planted)
    if t is None or id(t) in avoid:
        return None
    total, basic = parse_number(t.value("total/initial") or ""), parse_number(t.value("basic/initial") or "")
    if not total or basic is None:
        return None
    iref = ("performance_overall", "total/initial")
    tied = [c for c in doc.claims if iref in c.refs]
    if any(id(c.span) in avoid for c in tied):
        return None
    delta = round(max(1.0, total * rng.uniform(0.02, 0.1)), 2) * rng.choice((-1, 1))
    if basic + delta <= 0:
        delta = abs(delta)
    new_total = round(total + delta, 2)
    t.set("total/initial", _format_cell(t, new_total, t.value("total/initial") or ""))
    t.set("basic/initial", _format_cell(t, round(basic + delta, 2), t.value("basic/initial") or ""))
    for c in tied:
        if c.kind == "level":
            c.span.text = _fmt_like(new_total * UNIT_FACTOR[t.unit] / UNIT_FACTOR[c.span.unit or "万元"], c.span.text)
        elif c.kind in ("rate", "compare"):
            a_ref = next(r for r in c.refs if r != iref)
            a = parse_number(T[a_ref[0]].value(a_ref[1]) or "") if a_ref[0] in T else None
            if a is None:
                continue
            a = a * UNIT_FACTOR[T[a_ref[0]].unit] / UNIT_FACTOR[t.unit]
            if c.kind == "rate":
                c.span.text = f"{100.0 * a / new_total:.2f}%"
            else:
                words = c.extra["words"]
                c.span.text = words[0] if a > new_total + 0.005 else words[1] if a < new_total - 0.005 else words[2]
    return Planted("budget_vs_final_mismatch", [new_total, total, round(basic + delta, 2), basic],
                   f"{t.kind} 年初预算数 of the total and basic rows differ from the budget report by {delta:.2f} "
                   f"({t.unit})", ("cell", t, t.cells["total/initial"][0]))


def split_mismatch(doc: Document, rng: random.Random, planted: list[Planted]) -> Planted | None:
    """A report published as a text file and a tables file whose text states a figure its tables file
    does not print (a level claim changed by 5–30 %): only the pairing of the two files shows it (CF301)."""
    keep, avoid = doc.claims, touched(planted)
    doc.claims = [c for c in keep if id(c.span) not in avoid]
    try:
        p = prose_table_mismatch(doc, rng)
    finally:
        doc.claims = keep
    if p is None:
        return None
    return Planted("split_mismatch", p.values, p.where.replace("prose amount", "text file's amount"), p.locator)


_THREE_PUBLIC_LEAVES = ("abroad", "vehicle_purchase", "vehicle_ops", "reception")


def prior_column_restated(doc: Document, rng: random.Random, planted: list[Planted]) -> Planted | None:
    """A budget's 上年预算数 column (its “三公” table) restating last year's budget differently: one
    item's figure by 2–12 % (at least 0.10万元), its subtotal and the total with it (the column still
    foots), and the prose that compares this year's total with it (比上年预算增加/减少 X，增长 Y%, and
    its comparison word) follows, so the budget is consistent in itself and only last year's budget
    report tells (CF903, and CF901 on the prose change)."""
    if doc.doc_kind != "budget":
        return None
    t = doc.tables().get("three_public")
    avoid = touched(planted)
    if t is None or id(t) in avoid or "total/prior" not in t.cells:
        return None
    cur, old_total = parse_number(t.value("total/budget") or ""), parse_number(t.value("total/prior") or "")
    if cur is None or old_total is None or abs(cur - old_total) < 0.005:
        return None  # "与上年预算持平" is printed as words: nothing follows a restatement
    growth = [c for c in doc.claims if c.kind == "growth" and c.refs[0] == ("three_public", "total/budget")]
    compare = [c for c in doc.claims if c.kind == "compare" and ("three_public", "total/prior") in c.refs]
    if any(id(c.span) in avoid or id(c.extra.get("change")) in avoid for c in growth + compare):
        return None
    leaves = [k for k in _THREE_PUBLIC_LEAVES if (parse_number(t.value(f"{k}/prior") or "") or 0) > 0]
    if not leaves:
        return None
    leaf = rng.choice(leaves)
    old_leaf = parse_number(t.value(f"{leaf}/prior") or "") or 0.0
    k = UNIT_FACTOR[t.unit] / UNIT_FACTOR["万元"]  # 万元 per table unit
    step = max(0.1 / k, old_leaf * rng.uniform(0.02, 0.12))
    for sign in rng.sample((-1, 1), 2):
        delta = round(sign * step, 2)
        new_total = round(old_total + delta, 2)
        if old_leaf + delta > 0 and (cur - new_total) * (cur - old_total) > 0 and abs(cur - new_total) >= 0.01:
            break  # (the change keeps its direction: 增加 or 减少 is printed as words)
    else:
        return None
    rows = [leaf, "total"] + (["vehicle"] if leaf.startswith("vehicle_") else [])
    olds = {r: parse_number(t.value(f"{r}/prior") or "") or 0.0 for r in rows}
    for r in rows:
        t.set(f"{r}/prior", _format_cell(t, round(olds[r] + delta, 2), t.value(f"{r}/prior") or ""))
    changes = []
    for c in growth:
        chg = c.extra["change"]
        unit_k = UNIT_FACTOR[t.unit] / UNIT_FACTOR[chg.unit or "万元"]
        new_chg = abs(cur - new_total) * unit_k
        changes += [round(new_chg, 2), _num(chg.text)]
        chg.text = _fmt_like(new_chg, chg.text)
        c.span.text = f"{100 * abs(cur - new_total) / new_total:.2f}%"
    for c in compare:
        words = c.extra["words"]
        c.span.text = words[0] if cur > new_total + 0.005 else words[1] if cur < new_total - 0.005 else words[2]
    lines = [round(olds[r] + delta, 2) for r in rows[2:]] + [olds[r] for r in rows[2:]]  # (the subtotal)
    return Planted("prior_column_restated",
                   [round(old_leaf + delta, 2), old_leaf, new_total, old_total] + lines + changes,
                   f"three_public 上年预算数 of {leaf} (and its totals) restated by {delta:.2f} ({t.unit}) against "
                   "last year's budget report", ("cell", t, t.cells[f"{leaf}/prior"][0]))


def execution_vs_final_mismatch(doc: Document, rng: random.Random, planted: list[Planted]) -> Planted | None:
    """A budget's item statement stating last year's execution of its line (当年预算执行数) other than
    last year's final account spent (by 2–12 %, at least 0.10万元), with its rate against the
    execution following (比…预算执行数增加/减少 Y%), so the budget is consistent in itself and only
    last year's final account tells (CF904)."""
    avoid = touched(planted)
    cands = [c for c in _claims(doc, "execution") if c.extra.get("rate") is not None
             and id(c.span) not in avoid and id(c.extra["rate"]) not in avoid]
    if doc.doc_kind != "budget" or not cands:
        return None
    c = rng.choice(cands)
    old, x = _num(c.span.text), c.extra["budget"] / 100 / UNIT_FACTOR[c.span.unit or "万元"]
    step = max(0.1, old * rng.uniform(0.02, 0.12))
    for sign in rng.sample((-1, 1), 2):
        new = round(old + sign * step, 2)
        if new > 0 and (x - new) * (x - old) > 0 and abs(x - new) >= 0.01:
            break  # (增加 or 减少 is printed as words)
    else:
        return None
    c.span.text = _fmt_like(new, c.span.text)
    c.extra["rate"].text = f"{100 * abs(x - new) / new:.2f}%"
    return Planted("execution_vs_final_mismatch", [new, old],
                   f"item statement of {c.refs[0][1].split('/')[0]}: last year's execution {new:.2f} instead of the "
                   f"final account's {old:.2f} ({c.span.unit})", ("span", c.span))


CROSS_PLANTERS = {k: globals()[k] for k in CROSS_KINDS}


def touched(planted: list[Planted]) -> set[int]:
    """The spans and tables planted errors changed (a cross-document error is planted on others)."""
    return {id(p.locator[1]) for p in planted if p.locator[0] in ("span", "cell")}


def plant_cross(doc: Document, rng: random.Random, kinds: list[str], planted: list[Planted]) -> list[Planted]:
    """One error between documents, of the first of ``kinds`` (shuffled) the document has room for."""
    order = list(kinds)
    rng.shuffle(order)
    for k in order:
        p = CROSS_PLANTERS[k](doc, rng, planted)
        if p is not None:
            return [p]
    return []
