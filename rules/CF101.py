"""A classification line (类 or 款) differs from the sum of the lines under it.

Anti-pattern: in 支出决算表, 201 一般公共服务支出 142.68 while its 款 20103 (142.18) and
20136 (0.40) add up to 142.58 — 0.10 more than two-decimal rounding allows.

Best practice: 201 = 142.68 with 20103 = 142.18 and 20136 = 0.50: the parent equals the sum
of its children in every figure column, within the rounding of the printed figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from extraction.model import Row, Table
from rules.base import (
    Finding,
    Rule,
    RuleContext,
    agrees,
    cells_foot,
    fmt,
    numeric_cell,
    sum_figures,
    zero_figure,
)
from rules.shift import any_footing_failure, footing_failures, shift_residual, shift_start
from rules.units import one_part_scaled

CODED_KINDS = ("income", "expenditure", "general_budget_expenditure", "gov_fund", "state_capital",
               "project_expenditure", "basic_expenditure_economic")


def first_rows_by_code(table: Table, ctx: RuleContext | None = None) -> dict[tuple[str | None, str], Row]:
    """Rows keyed by (block, code); a code printed twice (a repeated page) keeps its first row.

    With ``ctx``, rows of the table's continuations (tables of the same kind and title printed
    on the following pages with another column layout) count too: a class and its items may
    be split over them.
    """
    out: dict[tuple[str | None, str], Row] = {}
    seen: set[str] = set()
    for t in family(ctx, table) if ctx is not None else [table]:
        for r in t.rows:
            if r.code and r.code not in seen:
                seen.add(r.code)
                out[(r.block, r.code)] = r
    return out


def family(ctx: RuleContext, table: Table) -> list[Table]:
    """A table and its continuations: same kind and title, on the pages right after it.

    Found once per table of a run (the list is shared: callers only read it)."""
    return ctx.per_object("family", table, _family)


def _family(ctx: RuleContext, table: Table) -> list[Table]:
    if not table.title:
        return [table]
    out = [table]
    seen = False
    for t in ctx.doc.tables:
        if t is table:
            seen = True
            continue
        if seen and t.kind == table.kind and t.title == table.title and t.pages and out[-1].pages \
                and t.pages[0] <= out[-1].pages[-1] + 1:
            out.append(t)
    return out


def is_continuation(ctx: RuleContext, table: Table) -> bool:
    """Whether the table continues one printed before it (see :func:`family`)."""
    return ctx.per_object("is_continuation", table, _is_continuation)


def _is_continuation(ctx: RuleContext, table: Table) -> bool:
    tid = table.id
    for t in ctx.doc.tables:
        if t is table:
            return False
        fam = family(ctx, t)
        # a table is in a list only as itself or an equal table, so with its id: the ids are
        # compared first (the tables' own == builds and compares all their fields)
        if tid in map(_ID, fam) and table in fam:
            return True
    return False


_ID = attrgetter("id")


def children_index(rows: dict[tuple[str | None, str], Row]) -> dict[str, list[Row]]:
    """The next-level lines of each code (a 款 under its 类, a 项 under its 款), in printed order.

    Codes are unique in ``rows`` (:func:`first_rows_by_code`), so blocks do not matter: a class
    and its items may be printed in different side-by-side blocks or pages.
    """
    idx: dict[str, list[Row]] = {}
    for (_b, c), r in rows.items():
        if len(c) in (5, 7):
            idx.setdefault(c[:-2], []).append(r)
    return idx


class FunctionHierarchyFooting(Rule):
    __doc__ = __doc__
    code = "CF101"
    name = "footing.classification_hierarchy"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for table in doc.tables:
            if table.kind not in CODED_KINDS or table.empty or is_continuation(ctx, table):
                continue
            # a table without continuations reads the rows of the slide search (rules/shift.py),
            # which has footed every class of every column: only a column where one fails is read
            alone = len(family(ctx, table)) == 1
            if alone and not any_footing_failure(ctx, table):
                continue
            rows = first_rows_by_code(table, ctx)
            kids_of = children_index(rows)
            done: set[str] = set()
            for (block, code), parent in rows.items():
                if len(code) not in (3, 5) or code in done:
                    continue
                done.add(code)
                kids = kids_of.get(code, [])
                if not kids:
                    continue
                for ci in parent.columns:
                    if any(ci not in k.columns for k in kids):
                        continue  # a child printed in another column layout: not comparable column by column
                    if alone:
                        if code not in footing_failures(ctx, table, ci):
                            continue  # it foots (or prints nothing): figures are built only for a finding
                    elif cells_foot(numeric_cell(parent, ci), [numeric_cell(k, ci) for k in kids]) is not False:
                        continue
                    if shift_start(ctx, table, ci) is not None and code not in shift_residual(ctx, table, ci):
                        continue  # CF107 reports the slid column once
                    pf = zero_figure(table, parent, ci)
                    kfs = [zero_figure(table, k, ci) for k in kids]
                    if not pf.has_evidence and not any(k.has_evidence for k in kfs):
                        continue
                    total = sum_figures(kfs)
                    if agrees(pf, total) or one_part_scaled(pf, kfs) is not None:
                        continue  # a part off by 10^4 is CF501's
                    label = next((c.label for c in table.columns if c.index == ci), "")
                    level = "类" if len(code) == 3 else "款"
                    ev = [e for e in [pf.evidence, *[k.evidence for k in kfs]] if e is not None][:12]
                    yield self.finding(
                        f"{table.title or table.kind}：{level} {code} {parent.name}「{label}」为 {fmt(pf.value)}，"
                        f"其下级科目合计为 {fmt(total.value)}，相差 {fmt(pf.value - total.value)}",
                        f"{table.kind}: {code} {parent.name} [{label}] is {fmt(pf.value)} but its "
                        f"{len(kids)} sub-lines add up to {fmt(total.value)}",
                        expected=total.value,
                        observed=pf.value,
                        tolerance=pf.tol + total.tol,
                        evidence=ev,
                    )


RULE = FunctionHierarchyFooting
