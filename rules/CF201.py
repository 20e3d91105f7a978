"""The same 功能分类 line or total differs between two tables whose scope is the same.

Anti-pattern: 收入支出决算总表 prints 八、社会保障和就业支出 326.71 while 支出决算表 prints 208
社会保障和就业支出 本年支出合计 236.71 — both are all funds, so they must agree.

Best practice: 01's expenditure classes and totals equal 03's 本年支出合计 by class; 01's
本年收入合计 equals 02's 合计; 04's 一般公共预算财政拨款 column equals 05's 本年支出 合计 by class.
Figures are compared in 元, so a 万元 table and a 元 table can be compared.
"""

from __future__ import annotations

from collections.abc import Iterable

from extraction.model import Column, Row, Table
from rules.base import Evidence, Figure, Finding, Rule, RuleContext, agrees, figure_at, fmt
from rules.lookup import class_codes_by_name, find_column, find_row, norm_name, unit_factor


def yuan(f: Figure, table: Table) -> Figure:
    k = unit_factor(table.unit)
    return f.scaled(k)


def disagreement(rule: Rule, a_table: Table, a_fig: Figure, b_table: Table, b_fig: Figure, what: str,
                 what_en: str, severity: str | None = None) -> Finding | None:
    """The finding of two tables' figures for one line that differ in 元 beyond their rounding, or
    None when they agree (or differ by exactly 10^4: a unit slip, reported by CF501 instead).

    Shared by the cross-table ties (CF201, CF202): both figures are turned into 元 by their own
    table's unit, and the tolerance is the sum of the two printed roundings."""
    ya, yb = yuan(a_fig, a_table), yuan(b_fig, b_table)
    if agrees(ya, yb):
        return None
    for k in (1e4, 1e-4):
        if agrees(Figure(ya.value * k, ya.tol * k), yb):
            return None
    ev = [e for e in (a_fig.evidence, b_fig.evidence) if e is not None]
    return rule.finding(
        f"{what}：{a_table.title or a_table.kind} 为 {fmt(a_fig.value)}{a_table.unit or ''}，"
        f"{b_table.title or b_table.kind} 为 {fmt(b_fig.value)}{b_table.unit or ''}",
        f"{what_en}: {a_table.kind} {fmt(a_fig.value)} {a_table.unit or ''} vs "
        f"{b_table.kind} {fmt(b_fig.value)} {b_table.unit or ''}",
        expected=yb.value / unit_factor(a_table.unit), observed=a_fig.value,
        tolerance=(ya.tol + yb.tol) / unit_factor(a_table.unit), evidence=ev, severity=severity,
    )


def _first_col(table: Table, *needles: str, exclude: tuple[str, ...] = ()) -> Column | None:
    return find_column(table, *needles, exclude=exclude)


def _class_figures(table: Table, block_row_names: list[str], column: int | None) -> dict[str, tuple[Row, Figure]]:
    """Class code -> (row, figure) for the class lines of a summary table's expenditure side."""
    names = class_codes_by_name()
    anchor = find_row(table, block_row_names)
    if anchor is None:
        return {}
    out: dict[str, tuple[Row, Figure]] = {}
    for r in table.rows:
        if r.block != anchor.block or r is anchor:
            continue
        code = r.code if r.code and len(r.code) == 3 else names.get(norm_name(r.name))
        if not code:
            continue
        ci = column if column is not None and column in r.columns else (r.columns[0] if r.columns else None)
        if ci is None:
            continue
        f = figure_at(table, r, ci)
        if f is not None and code not in out:
            out[code] = (r, f)
    return out


def _coded_figures(table: Table, column: Column | None) -> dict[str, tuple[Row, Figure]]:
    out: dict[str, tuple[Row, Figure]] = {}
    if column is None:
        return out
    for r in table.rows:
        if r.code and len(r.code) == 3 and r.code not in out:
            f = figure_at(table, r, column.index)
            if f is not None:
                out[r.code] = (r, f)
    return out


class CrossTableLines(Rule):
    __doc__ = __doc__
    code = "CF201"
    name = "cross_table.same_line"
    severity = "error"

    def _compare(self, a_table: Table, a_fig: Figure, b_table: Table, b_fig: Figure, what: str, what_en: str):
        return disagreement(self, a_table, a_fig, b_table, b_fig, what, what_en)

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        found = []
        for a_table, fa, b_table, fb, what, what_en in cross_pairs(ctx):
            f = self._compare(a_table, fa, b_table, fb, what, what_en)
            if f is not None:
                found.append((a_table.id, b_table.id, f))
        # Two class lines off by the same amount in opposite directions: one amount moved
        # between them.  Report the pair once.
        used: set[int] = set()
        for i, (ta, tb, f) in enumerate(found):
            if i in used:
                continue
            partner = None
            for j in range(i + 1, len(found)):
                ta2, tb2, g = found[j]
                if j in used or (ta2, tb2) != (ta, tb) or f.difference is None or g.difference is None:
                    continue
                if abs(f.difference + g.difference) <= (f.tolerance or 0) + (g.tolerance or 0) + 1e-9:
                    partner = j
                    break
            if partner is None:
                yield f
                continue
            used.add(partner)
            g = found[partner][2]
            yield Finding(
                id="", rule=self.code, name=self.name, severity=self.severity,
                message=f"{f.message}；{g.message}（两行相差相反，似有一笔金额记错了行）",
                message_en=f"{f.message_en}; {g.message_en} (opposite differences: an amount moved between lines)",
                expected=f.expected, observed=f.observed, difference=f.difference, tolerance=f.tolerance,
                evidence=f.evidence + g.evidence,
            )


def cross_pairs(ctx: RuleContext) -> list[tuple[Table, Figure, Table, Figure, str, str]]:
    """The figures that must agree across tables of the same scope, paired.

    Paired once per run for CF201 and CF502 (the list is shared: callers only read it)."""
    return ctx.shared("cross_pairs", _cross_pairs)


def _cross_pairs(ctx: RuleContext) -> list[tuple[Table, Figure, Table, Figure, str, str]]:
    doc = ctx.doc
    summary = doc.table("income_expenditure_summary")
    expenditure = doc.table("expenditure")
    income = doc.table("income")
    fiscal = doc.table("fiscal_summary")
    general = doc.table("general_budget_expenditure")
    pairs = []
    if summary and expenditure and not summary.empty and not expenditure.empty:
        col = _first_col(expenditure, "合计", exclude=("其中",)) or (expenditure.columns[0] if expenditure.columns else None)
        left = _class_figures(summary, ["本年支出合计", "支出合计", "本年支出小计"], None)
        right = _coded_figures(expenditure, col)
        for code, (row, f) in left.items():
            if code in right:
                pairs.append((summary, f, expenditure, right[code][1], f"{code} {norm_name(row.name)}",
                              f"class {code}"))
        a = find_row(summary, ["本年支出合计", "支出合计"])
        b = find_row(expenditure, ["合计"])
        if a and b and col is not None:
            fa, fb = figure_at(summary, a, a.columns[0]), figure_at(expenditure, b, col.index)
            if fa and fb:
                pairs.append((summary, fa, expenditure, fb, "本年支出合计", "expenditure total"))
    if summary and income and not summary.empty and not income.empty:
        col = _first_col(income, "合计", exclude=("其中",)) or (income.columns[0] if income.columns else None)
        a = find_row(summary, ["本年收入合计", "收入合计"])
        b = find_row(income, ["合计"])
        if a and b and col is not None:
            fa, fb = figure_at(summary, a, a.columns[0]), figure_at(income, b, col.index)
            if fa and fb:
                pairs.append((summary, fa, income, fb, "本年收入合计", "income total"))
    if fiscal and general and not fiscal.empty and not general.empty:
        fcol = _first_col(fiscal, "一般公共预算")
        gcol = (_first_col(general, "本年支出", "合计") or _first_col(general, "合计", exclude=("年初", "年末")))
        if fcol is not None and gcol is not None:
            left = _class_figures(fiscal, ["本年支出合计", "支出合计"], fcol.index)
            right = _coded_figures(general, gcol)
            for code, (row, f) in left.items():
                if code in right:
                    pairs.append((fiscal, f, general, right[code][1], f"{code} {norm_name(row.name)}（一般公共预算）",
                                  f"class {code} (general budget)"))
    return pairs


RULE = CrossTableLines
del Evidence
