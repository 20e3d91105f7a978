"""A budget's 上年预算执行数 differs from last year's final account of the same department.

Anti-pattern: the 2024 budget says "“一般公共服务支出（类）群众团体事务（款）一般行政管理事务（项）”
42.60万元，主要用于…。2023年当年预算执行数为45.41万元，2024年预算安排42.60万元，比2023年预算执行数
减少6.19%" while the department's 2023 final account prints, in its 一般公共预算财政拨款支出决算表,
2012902 一般行政管理事务 合计 47.85: the execution the budget measures itself against is not what
the final account says was spent (a 上年执行数 column of a budget table is read alike).

Best practice: last year's execution of a line, as a budget states it (an item statement's
当年预算执行数, a 上年执行数 column), equals that line's 决算数 in last year's final account (its
一般公共预算财政拨款支出决算表, the scope of the budget's 一般公共预算 lines: the 支出决算表's
all-funds line may hold other money), within the rounding of both.  A
budget is drawn up before last year's accounts close, so its execution figure can be an estimate:
the finding is a warning that names both reports.

A rule of the CF9xx family: it reads a document set — a budget and the final account of the same
department for the year before — never files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from extraction.model import Document, Row, Table
from rules.base import Figure, Finding, RuleContext, SetRule, agrees, fmt
from rules.lookup import row_unit
from rules.prior_columns import figure_in_yuan, prior_columns
from rules.prose import Target, claim_figure, target_in_unit, targets_of, yuan_factor

_EXECUTION_MEASURES = ("execution", "final")


class ExecutionVsPriorFinalAccount(SetRule):
    __doc__ = __doc__
    code = "CF904"
    name = "cross_kind.prior_execution_vs_final_account"
    severity = "warning"

    def check_pair(self, ctx: RuleContext) -> Iterable[Finding]:
        doc, claims, other = ctx.doc, ctx.claims, ctx.other
        year = doc.meta.year
        if not (doc.meta.kind == "budget" and other.meta.kind == "final_account" and year
                and other.meta.year == year - 1):
            return
        for c in claims:
            if (c.kind != "amount" or c.period != "prior" or not (c.metric or "").startswith("func:")
                    or not (c.explanation or "").startswith("item_statement.prior") or not yuan_factor(c)):
                continue
            targets = _fiscal_lines(ctx.of(other), c.metric)
            if not targets:
                continue  # the final account prints no such line
            k = yuan_factor(c)
            cf = claim_figure(ctx, c)
            if any(agrees(cf, target_in_unit(t, k)) for t in targets):
                self.tie(c, targets[0].figure)
                continue
            t = targets[0]
            yield self._finding(doc, other, c.label or c.metric, cf, target_in_unit(t, k), c.unit or "",
                                cf.evidence, t)
        for table in doc.tables:
            if table.empty:
                continue
            cols = [p for p in prior_columns(table, year) if p.measure in _EXECUTION_MEASURES]
            for p in cols:
                for row in table.rows:
                    found = self._column_line(ctx, table, row, p.column)
                    if found is not None:
                        yield found

    def _column_line(self, ctx: RuleContext, table: Table, row: Row, column: Any) -> Finding | None:
        """A table's 上年执行数 of a coded line against the final account's line of that code."""
        doc, other = ctx.doc, ctx.other
        if not row.code or not row.code.isdigit():
            return None
        printed = figure_in_yuan(table, row, column)
        if printed is None:
            return None
        fig, k = printed
        metric = ("econ:" if table.kind == "basic_expenditure_economic" else "func:") + row.code
        targets = _fiscal_lines(ctx.of(other), metric)
        if not targets:
            return None
        if any(agrees(fig, target_in_unit(t, k)) for t in targets):
            return None
        t = targets[0]
        return self._finding(doc, other, f"{row.code} {row.name}".strip(), fig, target_in_unit(t, k),
                             row_unit(table, row) or "", fig.evidence, t)

    def _finding(self, doc: Document, other: Document, label: str, printed: Figure, final: Figure, unit: str,
                 evidence: Any, target: Target) -> Finding:
        ev = [e for e in (evidence,) if e is not None]
        if target.figure.evidence is not None:
            ev.append(replace(target.figure.evidence, document=other.sha256))
        y = doc.meta.year
        where = target.table.title or target.table.kind
        return self.finding(
            f"{y}年预算称「{label}」{y - 1}年预算执行数为 {fmt(printed.value)}{unit}；{y - 1}年度部门决算"
            f"{where}中该项决算数为 {fmt(final.value)}{unit}"
            f"（预算编制时上年决算尚未完成，执行数可能为预计数，需核对）",
            f"the {y} budget states last year's execution of {label} as {fmt(printed.value)} {unit}; the "
            f"{y - 1} final account prints {fmt(final.value)} ({where}); a budget's execution "
            "figure may be an estimate made before the accounts closed",
            expected=final.value, observed=printed.value, tolerance=printed.tol + final.tol, evidence=ev)


def _fiscal_lines(final: RuleContext, metric: str) -> list[Target]:
    """The final account's lines of a metric in the 一般公共预算财政拨款 tables, the scope a budget's
    execution figure is of (the 支出决算表's all-funds line may hold other money as well); ``final``:
    the final account's context."""
    return [t for t in targets_of(final, metric, "current") if t.scope == "general_budget"]


RULE = ExecutionVsPriorFinalAccount
