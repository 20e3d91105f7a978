"""A final account's 年初预算 differs from that year's budget report of the same department.

Anti-pattern: the 2023 final account's 部门整体支出绩效自评表 prints 一般公共预算财政拨款支出合计
年初预算数 9,512.40 while the department's 2023 budget report prints, in its 一般公共预算支出功能分类
预算表, 合计 9,084.14: the budget the final account measures itself against is not the budget that
was published ("2023年度一般公共预算财政拨款支出年初预算为9,512.40万元" in the prose, against the
budget's 9,084.14, is the same slip).

Best practice: the 年初预算 a final account states — a 年初预算数 column (绩效自评表) or a prose
年初预算 figure — equals the figure of the same line (一般公共预算 expenditure, its 基本支出 and
项目支出) in that year's budget report, within the rounding of both.  The budget can have been
published for another scope (a 部门 against a 单位 report), so the finding is a warning that names
both reports.

A rule of the CF9xx family: it reads a document set — a final account and the budget report of
the same department and year — never files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from extraction.model import Document, Row, Table
from rules.base import Figure, Finding, RuleContext, SetRule, agrees, figure_at, fmt
from rules.lookup import norm_name, row_unit, table_index, unit_factor
from rules.prose import claim_figure, label_names_metric, targets_of, yuan_factor

# the lines of a 年初预算数 column, by their row name, and the budget table's column of each
_LINES = (("total", ("合计", "总计"), ("合计",)), ("basic", ("基本支出",), ("基本支出",)),
          ("project", ("项目支出",), ("项目支出",)))
_LINE_NAMES = {"total": "一般公共预算财政拨款支出", "basic": "基本支出", "project": "项目支出"}


class InitialBudgetVsBudget(SetRule):
    __doc__ = __doc__
    code = "CF902"
    name = "cross_kind.initial_budget_vs_budget"
    severity = "warning"

    def check_pair(self, ctx: RuleContext) -> Iterable[Finding]:
        doc, claims, other = ctx.doc, ctx.claims, ctx.other
        if not (doc.meta.kind == "final_account" and other.meta.kind == "budget" and doc.meta.year
                and other.meta.year == doc.meta.year):
            return
        budget = self._budget_lines(ctx.of(other))
        if not budget:
            return
        compared = False
        for table in doc.tables:
            for key, row, fig in self._initial_lines(ctx, table):
                b = budget.get(key)
                if b is None:
                    continue
                compared = True
                k = unit_factor(row_unit(table, row))
                f_budget = b.scaled(budget["_k"] / k)  # in the final account's unit
                if agrees(fig, f_budget):
                    continue
                yield self._finding(doc, other, _LINE_NAMES[key], fig, f_budget, row_unit(table, row) or "",
                                    [fig.evidence], b)
        if compared:
            return  # the table's 年初预算 was compared: the prose restating it adds nothing
        total = budget.get("total")
        if total is None:
            return
        for c in claims:
            if (c.kind != "amount" or c.period != "initial_budget" or c.metric != "general_budget_expenditure"
                    or not yuan_factor(c) or not label_names_metric(c)):
                continue
            k = yuan_factor(c)
            cf = claim_figure(ctx, c)
            f_budget = total.scaled(budget["_k"] / k)
            if agrees(cf, f_budget):
                self.tie(c, total)
                continue
            yield self._finding(doc, other, c.label or _LINE_NAMES["total"], cf, f_budget, c.unit or "",
                                [cf.evidence], total)

    def _finding(self, doc: Document, other: Document, label: str, printed: Figure, budget: Figure, unit: str,
                 evidence: list[Any], budget_fig: Figure) -> Finding:
        ev = [e for e in evidence if e is not None]
        if budget_fig.evidence is not None:
            ev.append(replace(budget_fig.evidence, document=other.sha256))
        y = doc.meta.year
        return self.finding(
            f"{y}年度决算称{label}年初预算为 {fmt(printed.value)}{unit}，{y}年部门预算中为 {fmt(budget.value)}{unit}"
            "（年初预算应与当年公开的部门预算一致，需核对口径）",
            f"the {y} final account states an initial budget of {fmt(printed.value)} {unit} for {label}; "
            f"the {y} budget report prints {fmt(budget.value)}",
            expected=budget.value, observed=printed.value, tolerance=printed.tol + budget.tol, evidence=ev)

    @staticmethod
    def _initial_lines(ctx: RuleContext, table: Table) -> list[tuple[str, Row, Figure]]:
        """(line, row, figure) of a table's 年初预算数 column, when its total row says it is the
        一般公共预算财政拨款's (the scope of the budget's 一般公共预算支出 table)."""
        col = table_index(ctx, table).column(("年初预算",))
        if col is None:
            return []
        out: list[tuple[str, Row, Figure]] = []
        total_seen = False
        for row in table.rows:
            name = norm_name(row.name)
            for key, names, _ in _LINES:
                if key == "total":
                    hit = "一般公共预算" in name and any(n in name for n in names)
                else:
                    hit = total_seen and name in names
                if not hit or any(k == key for k, _, _ in out):
                    continue
                fig = figure_at(table, row, col.index)
                if fig is not None:
                    out.append((key, row, fig))
                    total_seen = total_seen or key == "total"
                break
        return out if total_seen else []

    @staticmethod
    def _budget_lines(other: RuleContext) -> dict[str, Any]:
        """(By its context) the budget report's 一般公共预算 expenditure lines (合计, 基本支出, 项目支出 of its total
        row), in its table's unit (``_k``: yuan per unit)."""
        targets = [t for t in targets_of(other, "general_budget_expenditure", "current")
                   if t.table.kind == "general_budget_expenditure"]
        if not targets:
            return {}
        t = targets[0]
        out: dict[str, Any] = {"_k": unit_factor(row_unit(t.table, t.row)), "total": t.figure}
        idx = table_index(other, t.table)
        for key, _, cols in _LINES[1:]:
            col = idx.column(cols)
            fig = figure_at(t.table, t.row, col.index) if col is not None else None
            if fig is not None:
                out[key] = fig
        return out


RULE = InitialBudgetVsBudget
