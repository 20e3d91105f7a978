"""Shared helpers for the prose rules: a claim's printed precision, its table figures, its neighbours."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from extraction.datafiles import package_yaml
from extraction.model import Document, Row, Table, new_row
from rules.base import (
    _HALF_UNIT,
    Evidence,
    Figure,
    RuleContext,
    agrees,
    figure_at,
    new_figure,
    prose_claim_evidence,
)
from rules.lookup import lexicon, row_unit, table_index, unit_factor

MONEY_UNITS = {"元": 1.0, "万元": 1e4, "亿元": 1e8, "千元": 1e3, "万": 1e4}
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_NUM = re.compile(r"[-+]?\d[\d,，]*(?:[.．](\d+))?")
BUDGET_PERIODS = ("budget", "initial_budget", "adjusted_budget")


def decimals_of(doc: Document, claim: Any) -> int:
    """Decimals printed in the claim's figure (read back from the page text)."""
    try:
        s = doc.pages[claim.page - 1].text[claim.start:claim.end]
    except (IndexError, TypeError):
        return 2
    # _NUM reads fullwidth digits (\d is any Unicode digit) and points (．) as they are: what
    # s.translate(_FULLWIDTH_DIGITS) would make ASCII, one character for one, matches alike
    m = _NUM.search(s)
    if not m:
        return 0
    return len(m.group(1) or "")


def claim_figure(ctx: RuleContext, claim: Any) -> Figure:
    """The claim's value with the rounding its printed decimals allow, and its evidence.

    Built once per claim (by identity) and run for all the rules that read it."""
    return ctx.per_object("claim_figure", claim, _claim_figure)


def _claim_figure(ctx: RuleContext, claim: Any) -> Figure:
    d = decimals_of(ctx.doc, claim)
    # its evidence is built when a finding asks for it (most claims agree with their tables)
    return new_figure(float(claim.value), _HALF_UNIT[d] if 0 <= d < len(_HALF_UNIT) else 0.5 * 10 ** (-d), None,
                      (claim,))


def money_figure(ctx: RuleContext, claim: Any) -> Figure:
    """A money claim in 元, with its printed rounding (also in 元)."""
    f = claim_figure(ctx, claim)
    k = yuan_factor(claim) or 1.0
    return f.scaled(k)


# The evidence of a prose claim (defined in rules/base.py, where a claim's figure builds it when asked).
prose_evidence = prose_claim_evidence


def yuan_factor(claim: Any) -> float | None:
    return MONEY_UNITS.get(claim.unit or "")


@dataclass(frozen=True)
class Target:
    table: Table
    row: Row
    figure: Figure
    scope: str
    # the figure in the units of claims, by yuan per claim unit (target_in_claim_unit): a target
    # is shared by every claim of its metric and period, and compared by several rules
    in_unit: dict[float, Figure] = field(default_factory=dict, compare=False, repr=False)


@functools.cache
def _targets() -> dict[str, list[dict]]:
    return package_yaml("rules", "data/claim_tables.yaml")


def scope_tables_missing(doc: Document, claim: Any, scope: str) -> bool:
    """True when the document prints none of the tables where the claim's line has this scope
    (the 支出决算表 for an all-funds 基本支出, …).  An empty table (本表无数据) is printed."""
    specs, _code = _specs(claim.metric or "")
    kinds = {sp["table"] for sp in specs if sp.get("scope") == scope and not sp.get("confirm_only")}
    return bool(kinds) and not any(doc.tables_of(k) for k in kinds)


def _specs(metric: str) -> tuple[list[dict[str, Any]], str | None]:
    """The target specs of a metric (claim_tables.yaml) and, for func:/econ: metrics, the code."""
    specs = _targets().get(metric)
    if ":" in metric:
        # a code of its own (econ:30215) keeps its code for the "{code}" lines of its specs
        prefix, code = metric.split(":", 1)
        return (_targets().get(prefix + ":") or [] if specs is None else specs), code
    return specs or [], None


def table_targets(ctx: RuleContext, claim: Any) -> list[Target]:
    """The table figures a claim restates, for its period (current or budget).

    They depend on the claim's metric and period alone: found once per run for each pair
    (the list is shared: callers only read it)."""
    return targets_of(ctx, claim.metric or "", claim.period or "current")


def targets_of(ctx: RuleContext, metric: str, period: str, confirm: bool = False) -> list[Target]:
    """:func:`table_targets` of a claim of that metric and period (both given, "" and "current"
    for none), found once per run.  ``confirm``: the lines of the ``confirm_only`` specs
    instead (claim_tables.yaml), which may tie a claim that agrees but never accuse one."""
    memo = ctx.shared("table_targets", _no_targets_yet)
    # the period only says whether budget targets are meant (or none: a prior year's figure), so
    # budget, initial_budget and adjusted_budget claims share their targets
    key = (metric, "budget" if period in BUDGET_PERIODS else period, confirm)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _table_targets(ctx, metric, period, confirm)
    return found


def _no_targets_yet(_ctx: RuleContext) -> dict[tuple[str, str, bool], list[Target]]:
    return {}


def confirming_targets(ctx: RuleContext, claim: Any) -> list[Target]:
    """The table lines that may confirm a claim but not accuse it (``confirm_only`` specs); and for
    a part stated as the whole of a total ("授予中小企业合同金额18.11万元，占政府采购支出总额的
    100.00%"), the lines of that total (:func:`whole_of_total`)."""
    period = claim.period or "current"
    found = targets_of(ctx, claim.metric or "", period, confirm=True)
    total = whole_of_total(ctx.doc, claim)
    if total is not None and total != claim.metric:
        found = [*found, *targets_of(ctx, total, period), *targets_of(ctx, total, period, confirm=True)]
    return found


# right after an amount: its share of a named total, stated as all of it ("，占政府采购支出总额的100.00%")
_WHOLE_SHARE = re.compile(r"^\s*[，,]?\s*占(?:本年|全年|当年)?([^，,。；;：:%]{2,24}?)的?\s*100(?:\.0+)?\s*[%％]")


def whole_of_total(doc: Document, claim: Any) -> str | None:
    """The metric of the total an amount is stated to be all of, in the words right after it, by
    the total's official name or alias (metrics.yaml): the part then equals that total, and may be
    confirmed by the total's lines (for confirming only: a rounded 100 % may hide a small rest)."""
    if claim.kind != "amount" or not claim.unit:
        return None
    try:
        after = doc.pages[claim.page - 1].text[claim.end:claim.end + 40]
    except (IndexError, TypeError):
        return None
    m = _WHOLE_SHARE.match(after)
    return None if m is None else _metric_names().get(re.sub(r"\s+", "", m.group(1)))


@functools.cache
def _metric_names() -> dict[str, str]:
    """Official names and aliases of the money metrics (metrics.yaml, metrics_extra.yaml) -> metric id."""
    out: dict[str, str] = {}
    for name in ("metrics.yaml", "metrics_extra.yaml"):
        for m in lexicon(name):
            if m.get("unit_kind") != "money":
                continue
            for n in (m.get("zh"), *(m.get("aliases") or ())):
                if n:
                    out.setdefault(n, m["id"])
    return out


def _sum_targets(ctx: RuleContext, metric: str, period: str) -> list[Target]:
    """The ``sum_of_codes`` lines of a metric (confirm_only): the sum of the first figure of each
    of those code lines the table prints (人员经费 = 301 + 303), as one target."""
    if period not in ("current", *BUDGET_PERIODS):
        return []
    out: list[Target] = []
    for sp in _specs(metric)[0]:
        codes = sp.get("sum_of_codes")
        if not codes:
            continue
        for table in tables_by_kind(ctx).get(sp["table"], ()):
            idx = table_index(ctx, table)
            parts = []
            for code in codes:
                row = idx.row_with_code(str(code))
                fig = None if row is None else next(
                    (f for f in (figure_at(table, row, ci) for ci in row.columns) if f is not None), None)
                if fig is not None:
                    parts.append((row, fig))
            if not parts:
                continue
            first = parts[0][0]
            label = "+".join(r.code or r.name for r, _f in parts)
            total = round(sum(f.value for _r, f in parts), 6)
            fig = Figure(total, sum(f.tol for _r, f in parts),
                         Evidence(source="table", page=first.page, text=label, value=total,
                                  table=f"{table.id} {table.title or table.kind}", row=label, bbox=first.name_bbox))
            out.append(_target(table, first, fig, sp.get("scope", "all")))
            break
    for sp in _specs(metric)[0]:
        columns = sp.get("sum_of_columns")
        if columns and (sp.get("period") != "budget" or period in BUDGET_PERIODS or ctx.doc.meta.kind == "budget"):
            out.extend(_column_sum_target(ctx, sp, columns))
    return out


def _column_sum_target(ctx: RuleContext, sp: dict[str, Any], columns: list[list[str]]) -> list[Target]:
    """The ``sum_of_columns`` line of a spec (confirm_only): on the spec's row, the sum of one column
    for each group of needles (公务用车购置费 + 公务用车运行维护费 of a "三公" table laid out across),
    an empty cell read as 0; every group must find its column."""
    for table in tables_by_kind(ctx).get(sp["table"], ()):
        idx = table_index(ctx, table)
        row = idx.row_named(tuple(sp.get("rows") or ("",)))
        if row is None or not row.columns:
            continue
        parts = []
        for needles in columns:
            col = next((c for c in (idx.column((n,)) for n in needles) if c is not None), None)
            if col is None or col.index not in row.columns:
                break
            parts.append((col, figure_at(table, row, col.index)))
        else:
            figs = [f for _c, f in parts if f is not None]
            if not figs:
                continue
            total = round(sum(f.value for f in figs), 6)
            label = "+".join(c.label for c, _f in parts)
            fig = Figure(total, sum(f.tol for f in figs),
                         Evidence(source="table", page=row.page, text=label, value=total,
                                  table=f"{table.id} {table.title or table.kind}", row=row.name or label,
                                  column=label, bbox=row.name_bbox))
            return [_target(table, row, fig, sp.get("scope", "all"))]
    return []


def _table_targets(ctx: RuleContext, metric: str, period: str, confirm: bool = False) -> list[Target]:
    plain, budget_first, code = _plan(metric, confirm)
    if confirm:
        return _table_targets_of(ctx, plain, budget_first, code, period) + _sum_targets(ctx, metric, period)
    return _table_targets_of(ctx, plain, budget_first, code, period)


def _table_targets_of(ctx: RuleContext, plain: tuple[tuple[Any, ...], ...], budget_first: tuple[tuple[Any, ...], ...],
                      code: str | None, period: str) -> list[Target]:
    if not plain:
        return []
    if period not in ("current", *BUDGET_PERIODS):
        return []  # prior-year figures are not printed in this year's tables
    is_budget_doc = ctx.doc.meta.kind == "budget"
    budget = period in BUDGET_PERIODS or is_budget_doc
    out: list[Target] = []
    # in a budget report every figure of the year is a budget figure: budget targets first,
    # then the plain ones (a budget's 收支总表 prints 本年收入合计 like a final account does)
    ordered = budget_first if is_budget_doc else plain
    by_kind = tables_by_kind(ctx)
    for kind, budget_spec, by_code, names, skip_blank, needles, scope, unless in ordered:
        if not is_budget_doc and budget_spec != budget:
            continue
        tables = by_kind.get(kind)
        if tables is None:
            continue
        for table in tables:
            if table.empty:
                continue
            idx = table_index(ctx, table)  # find_row and find_column below, on the table's index
            if unless is not None and idx.row_named(unless) is not None:
                continue  # a fallback line (合计 for 总计) where the table prints the line itself
            row = None
            if by_code and code:
                row = idx.row_with_code(code)
            elif names is not None:
                row = idx.row_named(names)
            if row is None or not row.columns:
                continue
            if skip_blank and all(v is None for v in row.values):
                continue
            fig = None
            for needle in needles:
                col = idx.column((needle,), row.block) or idx.column((needle,))
                if col is not None and col.index in row.columns:
                    fig = figure_at(table, row, col.index)
                    if fig is None:
                        # a one-figure row (机关运行经费 | 1,703,581.00 | ) printed in another column
                        others = [f for f in (figure_at(table, row, ci) for ci in row.columns) if f is not None]
                        fig = others[0] if len(others) == 1 else Figure(0.0, 0.0, None)
                    break
            else:
                if not needles:
                    fig = next((f for f in (figure_at(table, row, ci) for ci in row.columns) if f is not None), None)
                    if fig is None:
                        fig = Figure(0.0, 0.0, None)
                elif by_code and code and not any(c.label for c in table.columns if c.index in row.columns):
                    # a piece of a table continued on the next page without its header: its code line's
                    # one figure (住房公积金 2210201 | 1029.15)
                    figs = [f for f in (figure_at(table, row, ci) for ci in row.columns) if f is not None]
                    fig = figs[0] if len(figs) == 1 else None
            if fig is None:
                continue
            if not fig.has_evidence:
                fig = Figure(0.0, 0.0, Evidence(source="table", page=row.page, text=row.name, value=0.0,
                                                  table=f"{table.id} {table.title or table.kind}",
                                                  row=row.code or row.name, bbox=row.name_bbox))
            out.append(_target(table, row, fig, scope))
            break
    return out


@functools.lru_cache(maxsize=1 << 10)
def _plan(metric: str, confirm: bool = False) -> tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...],
                                                        str | None]:
    """The metric's specs (:func:`_specs`) as tuples, in their order and budget-first
    (:func:`_budget_first`), and the code: kept per metric (claim_tables.yaml is parsed once).

    Each spec is (table kind, whether a budget spec, whether by code, the row names as a tuple or
    None, skip_blank, the column needles as a tuple, scope, and the rows whose presence in a table
    sets the spec aside there (``unless_rows``: a fallback line) as a tuple or None): the answers of "code" in spec,
    "rows" in spec, spec.get("columns") or [], … read once."""
    specs, code = _specs(metric)
    # the confirm_only specs are their own list (confirming_targets), kept out of the others
    specs = [sp for sp in specs if bool(sp.get("confirm_only")) == confirm and "sum_of_codes" not in sp
             and "sum_of_columns" not in sp]

    def rows_of(sp: dict[str, Any]) -> tuple[str, ...] | None:
        if "rows" in sp:
            return tuple(sp["rows"])
        if sp.get("class_rows"):  # the class line by its official names (none for a 款 or 项 code)
            return _class_row_names(code) if code and len(code) == 3 else None
        if sp.get("metric_names"):  # the line by the metric's own names
            return _metric_row_names(metric) or None
        return None

    def compiled(specs: list[dict[str, Any]]) -> tuple[tuple[Any, ...], ...]:
        return tuple((sp["table"], sp.get("period") == "budget", "code" in sp, rows_of(sp),
                      bool(sp.get("skip_blank")), tuple(sp.get("columns") or ()), sp.get("scope", "all"),
                      tuple(sp["unless_rows"]) if "unless_rows" in sp else None)
                     for sp in specs)

    return compiled(specs), compiled(_budget_first(specs)), code


def _metric_row_names(metric: str) -> tuple[str, ...]:
    """The names the lexicon gives a metric (zh and aliases, both lexicon files), as printed."""
    out: list[str] = []
    for f in ("metrics.yaml", "metrics_extra.yaml"):
        for m in lexicon(f) or []:
            if isinstance(m, dict) and str(m.get("id")) == metric:
                out += [n for n in [m.get("zh"), *(m.get("aliases") or [])] if n and n not in out]
    return tuple(out)


def _class_row_names(code: str) -> tuple[str, ...]:
    """The official names (and older names) of a 功能分类 class, as a 收支总表 prints its line."""
    from rules.lookup import class_codes_by_name

    return tuple(sorted(n for n, c in class_codes_by_name().items() if c == code))


def _target(table: Table, row: Row, figure: Figure, scope: str) -> Target:
    """``Target(table, row, figure, scope)`` without the frozen dataclass's ``__init__`` (which sets
    each field through object.__setattr__): the instance dictionary filled in one step, as
    extraction.model.new_cell does.  Target has no __post_init__."""
    t = _new_object(Target)
    t.__dict__.update(table=table, row=row, figure=figure, scope=scope, in_unit={})
    return t


_new_object = object.__new__


_BUDGET_FIRST: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}


def _budget_first(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The specs with the budget ones first (a stable sort), kept per spec list (those of
    claim_tables.yaml, parsed once)."""
    hit = _BUDGET_FIRST.get(id(specs))
    if hit is None or hit[0] is not specs:
        hit = _BUDGET_FIRST[id(specs)] = (specs, sorted(specs, key=lambda s: s.get("period") != "budget"))
    return hit[1]


def tables_by_kind(ctx: RuleContext) -> dict[str, list[Table]]:
    """Kind -> ``doc.tables_of(kind)`` for every kind the document prints, built once per run."""
    return ctx.shared("tables_by_kind", _tables_by_kind)


def _tables_by_kind(ctx: RuleContext) -> dict[str, list[Table]]:
    out: dict[str, list[Table]] = {}
    for t in ctx.doc.tables:
        out.setdefault(t.kind, []).append(t)
    return out


def target_in_claim_unit(t: Target, claim: Any) -> Figure | None:
    """The table figure converted to the claim's unit (counts are taken as printed)."""
    k_claim = MONEY_UNITS.get(claim.unit or "")  # yuan_factor
    if k_claim is None:
        return t.figure
    return target_in_unit(t, k_claim)


def target_in_unit(t: Target, k_claim: float) -> Figure:
    """The table figure in a unit of ``k_claim`` yuan (see :func:`target_in_claim_unit`)."""
    f = t.in_unit.get(k_claim)
    if f is None:
        f = t.in_unit[k_claim] = t.figure.scaled(unit_factor(row_unit(t.table, t.row)) / k_claim)
    return f


def agreeing_target(ctx: RuleContext, claim: Any, targets: Sequence[Target] | None = None) -> Target | None:
    """The first table figure that a prose amount restates within the rounding of both, or None.

    A claim without a unit ("无…支出") is a zero and agrees with an empty or 0.00 cell; a zero
    also agrees with a table of its line printed empty (本表无数据), when no line was found.
    """
    cf = claim_figure(ctx, claim) if claim.unit else Figure(0.0, 0.0)
    for t in table_targets(ctx, claim) if targets is None else targets:
        tf = target_in_claim_unit(t, claim) if claim.unit else t.figure
        if tf is not None and agrees(cf, tf):
            return t
    if targets is None and claim.value == 0:
        return empty_table_target(ctx, claim)
    return None


# Lines that live in a table of their own, printed empty when the department has none of them
# (政府性基金 / 国有资本经营 tables): a zero statement of one ties to that table.
ZERO_TABLE_KINDS: dict[str, tuple[str, ...]] = {
    "gov_fund_expenditure": ("gov_fund",),
    "income_gov_fund": ("gov_fund",),
    "state_capital_expenditure": ("state_capital",),
    "income_state_capital": ("state_capital",),
}


def empty_table_target(ctx: RuleContext, claim: Any) -> Target | None:
    """The table of the claim's line when the report prints it empty (本表无数据, 不涉及, or no
    figure at all) and every other table that can print the line is empty too: a target of 0
    whose evidence is the table itself.  None otherwise.

    For the claim's period only: a prior year's figure is not in this year's tables."""
    metric = claim.metric or ""
    period = claim.period or "current"
    if period not in ("current", *BUDGET_PERIODS):
        return None
    kinds = set(ZERO_TABLE_KINDS.get(metric, ()))
    kinds.update(sp["table"] for sp in _specs(metric)[0])
    by_kind = tables_by_kind(ctx)
    tables = [t for kind in sorted(kinds) for t in by_kind.get(kind) or ()]
    # every table that can print the line is empty (one with figures may print it unread)
    if not tables or not all(_printed_empty(t) for t in tables):
        return None
    t = tables[0]
    page = t.pages[0] if t.pages else 1
    ev = Evidence(source="table", page=page, text=t.title or t.kind, value=0.0,
                  table=f"{t.id} {t.title or t.kind}", row="本表无数据" if t.empty else "（无数字）", bbox=t.bbox)
    row = new_row(-1, None, None, ev.row, (), (), page, None, t.bbox, None)
    return _target(t, row, Figure(0.0, 0.0, ev), "all")


def _printed_empty(t: Table) -> bool:
    """Whether a table prints no figure: 本表无数据, or no cell with a value but the numbers of its
    columns (栏次 1 2 3 …, which a header without data rows leaves as rows "1 | 2", "3 | 4 5 6")."""
    return t.empty or not any(c is not None and c.value is not None for r in t.rows if not _column_numbers(r)
                              for c in r.cells)


def _column_numbers(row: Row) -> bool:
    """A 栏次 row: its name a whole number n (or 栏次) and its figures n+1, n+2, … (1, 2, … after 栏次)."""
    name = row.name.strip()
    start = 0 if name == "栏次" else int(name) if name.isdigit() else None
    vals = [v for v in row.values if v is not None]
    return start is not None and bool(vals) and vals == [float(start + i) for i in range(1, len(vals) + 1)]


def paragraph_key(doc: Document, claim: Any) -> int:
    """Index of the paragraph holding the claim (claims of one paragraph share it)."""
    for i, p in enumerate(doc.paragraphs):
        for piece in p.pieces:
            if piece.page == claim.page and piece.start <= claim.start < piece.end + 1:
                return i
    return -1


def group_by_paragraph(ctx: RuleContext) -> dict[int, list[Any]]:
    """The run's claims by the paragraph that holds them (computed once per run)."""
    return ctx.shared("group_by_paragraph", _group_by_paragraph)


def _group_by_paragraph(ctx: RuleContext) -> dict[int, list[Any]]:
    doc, claims = ctx.doc, ctx.claims
    by_page: dict[int, list[tuple[int, int, int]]] = {}
    for i, p in enumerate(doc.paragraphs):
        for piece in p.pieces:
            by_page.setdefault(piece.page, []).append((piece.start, piece.end, i))
    for v in by_page.values():
        v.sort()
    out: dict[int, list[Any]] = {}
    for c in claims:
        key_i = -1
        pieces = by_page.get(c.page, [])
        j = bisect.bisect_right(pieces, (c.start, float("inf"), 0)) - 1
        if j >= 0 and pieces[j][0] <= c.start <= pieces[j][1]:
            key_i = pieces[j][2]
        out.setdefault(key_i, []).append(c)
    return out


def _piece_index(doc: Document) -> list[tuple[tuple[int, int, int], int]]:
    return [((piece.page, piece.start, piece.end), i) for i, p in enumerate(doc.paragraphs) for piece in p.pieces]


def same_sentence(a: Any, b: Any) -> bool:
    return a.page == b.page and a.text == b.text


def amounts_of(claims: Iterable[Any], metric: str | None, periods: tuple[str, ...] | None = None) -> list[Any]:
    out = []
    for c in claims:
        if c.kind == "amount" and c.metric == metric and c.value is not None and yuan_factor(c) is not None:
            if periods is None or (c.period or "current") in periods:
                out.append(c)
    return out


def first_amount(ctx: RuleContext, metric: str | None, periods: tuple[str, ...] | None = None) -> Any | None:
    """``next(iter(amounts_of(ctx.claims, metric, periods)), None)``, kept for the run."""
    found = ctx.shared("first_amount", _no_amounts_yet)
    key = (metric, periods)
    if key not in found:
        found[key] = next(iter(amounts_of(ctx.claims, metric, periods)), None)
    return found[key]


def _no_amounts_yet(_ctx: RuleContext) -> dict[tuple[str | None, tuple[str, ...] | None], Any]:
    return {}


def nearest_amount(group: list[Any], metric: str | None, anchor: Any,
                   periods: tuple[str, ...] | None = ("current",)) -> Any | None:
    """The amount claim of ``metric`` nearest before ``anchor`` in its paragraph (same sentence first)."""
    cands = amounts_of(group, metric, periods)
    if not cands:
        return None
    same = [c for c in cands if same_sentence(c, anchor)]
    pool = same or cands
    before = [c for c in pool if (c.page, c.start) <= (anchor.page, anchor.start)]
    pool = before or pool
    return min(pool, key=lambda c: abs((c.page, c.start)[1] - anchor.start) + 10**6 * abs(c.page - anchor.page))


def percent_figure(ctx: RuleContext, claim: Any) -> Figure:
    """A printed percentage with its rounding (an integer percentage is exact to ±0.5 points)."""
    return claim_figure(ctx, claim)


def interval_text(lo: float, hi: float) -> str:
    return f"{lo:.2f}%～{hi:.2f}%" if abs(hi - lo) > 0.005 else f"{lo:.2f}%"


@functools.cache
def _unit_kinds() -> dict[str, str]:
    data = lexicon("metrics.yaml")
    extra = lexicon("metrics_extra.yaml")
    out = {}
    for m in [*data, *(extra or [])]:
        if isinstance(m, dict) and m.get("id") and m.get("unit_kind"):
            out.setdefault(str(m["id"]), m["unit_kind"])
    return out


def money_kind(metric: str | None) -> bool | None:
    """True for a money metric, False for counts/percentages/areas, None when unknown."""
    if not metric:
        return None
    if metric.startswith(("func:", "econ:")):
        return True
    k = _unit_kinds().get(metric)
    return None if k is None else k == "money"


@functools.cache
def _names() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for f in ("metrics.yaml", "metrics_extra.yaml"):
        for m in lexicon(f) or []:
            if isinstance(m, dict) and m.get("id"):
                names = out.setdefault(str(m["id"]), [])
                names += [n for n in [m.get("zh"), *(m.get("aliases") or [])] if n]
    return {k: tuple(_squash_name(n) for n in v) for k, v in out.items()}


_NAME_NOISE = re.compile(r"[\s“”\"（）()类款项]")


@functools.lru_cache(maxsize=1 << 14)
def _squash_name(s: str) -> str:
    return _NAME_NOISE.sub("", s)


_LEVEL_MARK = re.compile(r"[（(](类|款|项)[)）]")


def _prefix(claim: Any) -> str:
    """The sentence up to the claim's figure."""
    v = str(claim.value).split(".")[0] if claim.value is not None else ""
    k = claim.text.find(v) if v else -1
    return claim.text[:k] if k > 0 else claim.text


def label_names_metric(claim: Any) -> bool:
    """True when the words the report used name the claim's metric (not a metric taken from context).

    For 功能分类 lines the figure must belong to the level named last before it: a sentence that
    goes on to a （款）or（项）after the class names a deeper line than the class.
    """
    metric = claim.metric or ""
    if metric.startswith("func:") and (getattr(claim, "explanation", None) or "").startswith("item_statement."):
        # an item statement's line was found by its own name path (or codes) among the report's
        # lines: its label names its metric, whatever wording the lexicon holds for the code
        return True
    named = _label_names(metric, claim.label or "")
    if named is None:
        return False
    if metric.startswith("func:"):
        code = metric[5:]
        prefix = _prefix(claim)
        at = prefix.find(claim.label) if claim.label else -1
        if at >= 0 and re.search(r"[-—－]", prefix[at + len(claim.label):]):
            return False  # "类-款-项" written with dashes: the figure belongs to the line named last
        levels = _LEVEL_MARK.findall(prefix)
        want = {3: "类", 5: "款", 7: "项"}.get(len(code))
        if levels and want and levels[-1] != want:
            return False
    else:
        prefix = _prefix(claim)
        # the mark needs one of 类款项: most prefixes hold none, and the search is not run
        if ("类" in prefix or "款" in prefix or "项" in prefix) and _LEVEL_MARK.search(prefix):
            return False  # "检察（款）：预算支出合计…": a total of that line, not of the department
    return named


@functools.lru_cache(maxsize=1 << 14)
def _label_names(metric: str, raw_label: str) -> bool | None:
    """None when the label squashes to nothing; else whether it names the metric (any metric
    without names counts as named: a code line or an id without names, the extractor is
    trusted).  Kept per metric and label: the same words recur in claim after claim."""
    label = _squash_name(raw_label)
    if not label:
        return None
    names = _names().get(metric, ())
    if not names:
        return True
    return any(n and (n in label or label in n) for n in names)


_LEVEL_NAME = re.compile(r"([^（）()“”\"]+?)\s*[（(](款|项)[)）]")
_PATH_KINDS = ("general_budget_expenditure", "expenditure")
_PATH_COLUMNS = ("本年支出合计", "本年支出/合计", "合计", "本年预算数", "预算数", "金额")


def name_path_target(ctx: RuleContext, claim: Any) -> Target | None:
    """The line of a 款 or 项 claim found by the names its label gives ("法院（款）行政运行（项）"),
    in an expenditure table that prints its lines by name without their codes: the first row
    bearing the 款 name, then the first row after it bearing the 项 name.  For confirming only
    (a 项 name such as 行政运行 repeats under several 款, and the walk cannot see where a 款 ends):
    None when the label names no such path or no table holds it."""
    metric = claim.metric or ""
    code = metric[5:] if metric.startswith("func:") else ""
    period = claim.period or "current"
    if len(code) not in (5, 7) or period not in ("current", *BUDGET_PERIODS):
        return None
    if period in BUDGET_PERIODS and ctx.doc.meta.kind != "budget":
        return None  # a final account's tables print what was spent, not the budget
    from rules.lookup import norm_name

    path = _LEVEL_NAME.findall(claim.label or "")
    want_last = "项" if len(code) == 7 else "款"
    if not path or path[-1][1] != want_last:
        return None
    names = [norm_name(re.sub(r"^[\d一二三四五六七八九十]+[、.．]\s*", "", n.strip())) for n, _lv in path]
    by_kind = tables_by_kind(ctx)
    for kind in _PATH_KINDS:
        for table in by_kind.get(kind, ()):
            rows = table.rows
            pos = -1
            for want in names:
                pos = next((k for k in range(pos + 1, len(rows))
                            if (rows[k].code is None or code.startswith(rows[k].code))
                            and norm_name(rows[k].name) == want), -1)
                if pos < 0:
                    break
            if pos < 0:
                continue
            row = rows[pos]
            idx = table_index(ctx, table)
            fig = None
            for needle in _PATH_COLUMNS:
                col = idx.column((needle,), row.block) or idx.column((needle,))
                if col is not None and col.index in row.columns:
                    fig = figure_at(table, row, col.index)
                    break
            if fig is None:
                figs = [f for f in (figure_at(table, row, ci) for ci in row.columns) if f is not None]
                fig = figs[0] if len(figs) == 1 else None
            if fig is not None:
                return _target(table, row, fig, "general_budget" if kind == _PATH_KINDS[0] else "all")
    return None


# a project's own figures, as its 项目支出绩效自评表 prints them on its 年度资金总额 line; a project's
# 绩效目标 / 完成情况 in money ("保安费用：绩效目标为8万元，完成情况为8万元") are its budget and its spending
PROJECT_COLUMNS = {"project_spent": "全年执行数", "project_budget_initial": "年初预算数",
                   "project_budget_full_year": "全年预算数", "perf_target_amount": "全年预算数",
                   "perf_actual_amount": "全年执行数"}
_PROJECT_TOTAL_ROWS = ("年度资金总额", "资金总额")
# the lines of a 项目绩效目标完成情况表 exported one cell per line (项目名称 / <name> / 预算执行情况 /
# 预算数: 80000 / 执行数: 80000): the column a project figure is read from, as the line it is printed on
_PROJECT_FORM_LINES = {"全年预算数": "预算数", "全年执行数": "执行数"}
_SENTENCE_END = re.compile(r"[。；;！？\n]")


def project_target(ctx: RuleContext, claim: Any) -> Target | None:
    """The line of a project figure (全年执行数, 年初预算数, 全年预算数 of one project) in the project's
    own 项目支出绩效自评表: the table whose project name (the block of its 年度资金总额 line, or the
    line after a form's 项目名称) the claim's words name — the name nearest before the figure in its
    sentence ("1、矛盾纠纷排查化解工作经费支出 2.45 万元"), else in its paragraph line before it
    ("（3）矛盾化解和疑难信访问题专项资金绩效目标完成情况综述。项目全年预算数18.73万元"), else in the
    title of the claim's section ("（1）项目一：矛盾纠纷排查化解工作经费" over "本项目年初预算数2.50万元").
    For confirming only (a name may be cut or repeated); None when no project table is so named.

    A form that names no unit for its table and prints its figures in 元 under a "预算执行情况(万元)"
    line (80000 for the 8万元 the prose states): the line is taken in 元 when, and only when, the
    figure agrees with the claim so and not in 万元 — for this confirm-only tie, never a unit given
    to the table."""
    needle = PROJECT_COLUMNS.get(claim.metric or "")
    if needle is None or (claim.period or "current") == "prior":
        return None
    doc = ctx.doc
    projects = ctx.shared("project_lines", _project_lines)
    if not projects:
        return None
    try:
        text = doc.pages[claim.page - 1].text[max(0, claim.start - 200):claim.start]
    except (IndexError, TypeError):
        return None
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    sentence = re.sub(r"\s+", "", text[ends[-1]:] if ends else text)
    named = max(((sentence.rfind(name), name) for name in projects if name in sentence), default=None)
    if named is None:
        line = re.sub(r"\s+", "", text[text.rfind("\n") + 1:])
        named = max(((line.rfind(name), name) for name in projects if name in line), default=None)
    if named is None:
        named = next(((0, name) for title in _section_titles(doc, claim) for name in projects
                      if name in re.sub(r"\s+", "", title)), None)
    if named is None:
        return None
    table, lines = projects[named[1]]
    if isinstance(lines, dict):  # a form: one line per figure
        row = lines.get(needle)
        if row is None or not row.columns:
            return None
        fig = figure_at(table, row, row.columns[0])
    else:
        row = lines
        col = table_index(ctx, table).column((needle,), row.block)
        fig = figure_at(table, row, col.index) if col is not None and col.index in row.columns else None
    if fig is None:
        return None
    target = _target(table, row, fig, "all")
    k_claim = MONEY_UNITS.get(claim.unit or "")
    if (table.unit is None and row_unit(table, row) is None and k_claim is not None
            and not agrees(claim_figure(ctx, claim), target_in_unit(target, k_claim))):
        in_yuan = _target(table, replace(row, unit="元"), fig, "all")
        if agrees(claim_figure(ctx, claim), target_in_unit(in_yuan, k_claim)):
            return in_yuan
    return target


def _project_lines(ctx: RuleContext) -> dict[str, tuple[Table, Any]]:
    """Project name -> its 项目支出绩效自评表 and that table's 年度资金总额 line, or for a form exported
    one cell per line its lines by column (``_PROJECT_FORM_LINES``) (once per run)."""
    out: dict[str, tuple[Table, Any]] = {}
    for table in tables_by_kind(ctx).get("performance_project", ()):
        rows = table.rows
        for i, row in enumerate(rows):
            name = re.sub(r"\s+", "", row.block or "")
            if len(name) >= 4 and row.name in _PROJECT_TOTAL_ROWS and name not in out:
                out[name] = (table, row)
            elif (row.name == "项目名称" and not any(row.values) and i + 1 < len(rows)
                    and not any(rows[i + 1].values)):
                name = re.sub(r"\s+", "", rows[i + 1].name or "")
                lines = {}
                for col, label in _PROJECT_FORM_LINES.items():
                    # the first such line after the name (其中-财政拨款 and the rest follow it)
                    lines[col] = next((r for r in rows[i + 2:i + 12] if r.name == label), None)
                if len(name) >= 4 and name not in out and any(lines.values()):
                    out[name] = (table, lines)
    return out


def _section_titles(doc: Document, claim: Any) -> list[str]:
    """The titles of the claim's section and of the sections above it, nearest first."""
    k = paragraph_key(doc, claim)
    if k < 0:
        return []
    by_id = {s.id: s for s in doc.sections}
    out = []
    s = by_id.get(doc.paragraphs[k].section)
    while s is not None and len(out) < 8:
        out.append(s.title)
        s = by_id.get(s.parent)
    return out
