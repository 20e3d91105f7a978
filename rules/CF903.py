"""A table's 上年数 column differs from last year's report of the same department and kind.

Anti-pattern: the 2024 budget's 一般公共预算“三公”经费支出预算表 prints 公务接待费 本年预算数 3.22,
上年预算数 4.27, while the department's 2023 budget prints 公务接待费 本年预算数 4.72: the figure
the table gives as last year's budget is not the budget that was published last year (and a
"比上年增减" column of 2024 − 2023 that prints −1.05 against the two reports' −1.50 is the same
slip).

Best practice: each 上年 figure of a line (上年预算数, "2023年预算数" beside "2024年预算数",
上年决算数) equals that line's current figure in last year's report of the same kind (a budget's
上年预算数 = last year's budget's 预算数), within the rounding of both; a 增减 column equals this
year's figure minus last year's report's.  Last year's figure can have been restated on purpose
(an adjusted budget, a change of scope), so the finding is a warning that names both reports.
Last year's execution (上年执行数) is measured against last year's final account (CF904).

A rule of the CF9xx family: it reads a document set — this report and last year's report of the
same department and kind — never files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from extraction.model import Column, Document, Row, Table
from rules.base import Evidence, Figure, Finding, RuleContext, SetRule, agrees, fmt
from rules.lookup import norm_name, row_unit, table_index
from rules.prior_columns import (
    PriorColumn,
    change_columns,
    column_key,
    current_column,
    figure_in_yuan,
    is_change_column,
    lines_with_figures,
    measure_of,
    names_other_year,
    names_prior_year,
    prior_columns,
    same_row,
    tables_alike,
)

_KIND_MEASURE = {"budget": "budget", "final_account": "final"}
_MEASURE_WORD = {"budget": "预算数", "final": "决算数"}


class PriorColumnVsPriorReport(SetRule):
    __doc__ = __doc__
    code = "CF903"
    name = "cross_year.prior_column_vs_prior_report"
    severity = "warning"

    def check_pair(self, ctx: RuleContext) -> Iterable[Finding]:
        doc, prior = ctx.doc, ctx.other
        self._prior_ctx = ctx.of(prior)  # last year's lookups (its tables' indexes), once for the run
        year = doc.meta.year
        if not (year and prior.meta.year == year - 1 and prior.meta.kind == doc.meta.kind):
            return
        own = _KIND_MEASURE.get(doc.meta.kind or "")
        for table in doc.tables:
            if table.empty:
                continue
            cols = [p for p in prior_columns(table, year) if p.measure in (None, own)]
            changes = change_columns(table)
            rows = [r for r in table.rows if names_prior_year(r.name, year) and measure_of(r.name) in (None, own)]
            if not cols and not changes and not rows:
                continue
            others = list(tables_alike(prior, table))
            if not others:
                continue
            for row in table.rows:
                found = self._line(doc, prior, table, row, cols, changes, others)
                if found is not None:
                    yield found
            for row in rows:
                yield from self._prior_row(doc, prior, table, row, others)

    def _prior_row(self, doc: Document, prior: Document, table: Table, row: Row,
                   others: list[Table]) -> Iterable[Finding]:
        """A table laid out the other way (the items across, a row "2017年预算数" under "2018年预算数"):
        each figure of last year's row against the row of the same key in last year's table."""
        key = column_key(norm_name(row.name))
        for t in others:
            last = next((r for r in t.rows if column_key(norm_name(r.name)) == key
                         and not names_other_year(r.name, prior.meta.year)), None)
            if last is None:
                continue
            for col in table.columns:
                printed = figure_in_yuan(table, row, col)
                other_col = next((c for c in t.columns if c.label and column_key(c.label) == column_key(col.label)),
                                 None) if col.label else None
                got = figure_in_yuan(t, last, other_col) if other_col is not None else None
                if printed is None or got is None:
                    continue
                fig, k = printed
                lfig_here = got[0].scaled(got[1] / k)
                if agrees(fig, lfig_here) or (fig.value and lfig_here.value
                                              and abs(abs(fig.value / lfig_here.value) - 1e4) < 1):
                    continue
                yield self._restated(doc, prior, table, replace(row, name=col.label), row.name, fig, lfig_here, got[0])
            return

    def _line(self, doc: Document, prior: Document, table: Table, row: Row, cols: list[PriorColumn],
              changes: list[Column], others: list[Table]) -> Finding | None:
        """At most one finding for a line: its 上年 figure first, else its change."""
        for p in cols:
            printed = figure_in_yuan(table, row, p.column)
            if printed is None:
                continue
            last = self._last_years(prior, table, row, p.key, p.column.block, others)
            if last is None:
                continue
            fig, k = printed
            (lfig, lk), _, _ = last
            lfig_here = lfig.scaled(lk / k)
            if agrees(fig, lfig_here):
                continue
            if fig.value and lfig_here.value and abs(abs(fig.value / lfig_here.value) - 1e4) < 1:
                return None  # 10^4 apart: a unit slip, CF5xx's
            return self._restated(doc, prior, table, row, p.column.label, fig, lfig_here, lfig)
        for c in changes:
            printed = figure_in_yuan(table, row, c)
            if printed is None:
                continue
            fig, k = printed
            key = _change_key(c.label)
            now_col = current_column(table, key, doc.meta.year, c.block) or current_column(table, key, doc.meta.year)
            now = figure_in_yuan(table, row, now_col) if now_col is not None else None
            last = self._last_years(prior, table, row, key, c.block, others)
            if now is None or last is None:
                continue
            (lfig, lk), _, _ = last
            nfig = now[0].scaled(now[1] / k)
            lfig_here = lfig.scaled(lk / k)
            implied = Figure(nfig.value - lfig_here.value, nfig.tol + lfig_here.tol)
            if agrees(fig, implied):
                continue
            return self._change(doc, prior, table, row, fig, nfig, lfig_here, lfig, implied)
        return None

    def _last_years(self, prior: Document, table: Table, row: Row, key: str, block: Any,
                    others: list[Table]) -> tuple[tuple[Figure, float], Table, Row] | None:
        """The line's figure in last year's report: the same line of a table of the same kind,
        in the column of the same key (this year's figure there)."""
        year = prior.meta.year
        single = len(lines_with_figures(table)) == 1
        for t in others:
            r = same_row(table_index(self._prior_ctx, t), row)
            if r is None and single:
                lines = lines_with_figures(t)
                r = lines[0] if len(lines) == 1 else None
            if r is None:
                continue
            col = current_column(t, key, year, block if any(c.block == block for c in t.columns) else ...)
            if col is None and key in _MEASURE_WORD.values():
                col = _only_figure_column(t, r, year)  # (last year's table prints it as 金额 or 合计)
            if col is None:
                continue
            got = figure_in_yuan(t, r, col)
            if got is not None:
                return got, t, r
        return None

    def _restated(self, doc: Document, prior: Document, table: Table, row: Row, what: str, fig: Figure,
                  last: Figure, last_printed: Figure) -> Finding:
        unit = row_unit(table, row) or ""
        y = doc.meta.year
        line = row.name or row.code or ""
        return self.finding(
            f"{y}年报告{table.title or table.kind}「{line}」{what} {fmt(fig.value)}{unit}，"
            f"{y - 1}年报告中该项为 {fmt(last.value)}{unit}（上年数可能经过调整，需核对）",
            f"the {y} report prints {fmt(fig.value)} {unit} as last year's figure ({what}) of "
            f"{line} in {table.title or table.kind}; the {y - 1} report prints {fmt(last.value)}",
            expected=last.value, observed=fig.value, tolerance=fig.tol + last.tol,
            evidence=_evidence(fig, last_printed, prior))

    def _change(self, doc: Document, prior: Document, table: Table, row: Row, fig: Figure, now: Figure,
                last: Figure, last_printed: Figure, implied: Figure) -> Finding:
        unit = row_unit(table, row) or ""
        y = doc.meta.year
        line = row.name or row.code or ""
        ev = _evidence(fig, last_printed, prior)
        if now.evidence is not None:
            ev.insert(1, now.evidence)
        return self.finding(
            f"{y}年报告{table.title or table.kind}「{line}」比上年增减 {fmt(fig.value)}{unit}；本年为 {fmt(now.value)}{unit}，"
            f"{y - 1}年报告中为 {fmt(last.value)}{unit}，两份报告相差 {fmt(implied.value)}{unit}（上年数可能经过调整，需核对）",
            f"the {y} report prints a change of {fmt(fig.value)} {unit} for {line}; this year's figure is "
            f"{fmt(now.value)}, the {y - 1} report prints {fmt(last.value)}: a change of {fmt(implied.value)}",
            expected=implied.value, observed=fig.value, tolerance=fig.tol + implied.tol, evidence=ev)


def _only_figure_column(table: Table, row: Row, year: int | None) -> Column | None:
    """The row's one column of this year's figure, when its block has only one (金额)."""
    cols = [c for c in table.columns if c.block == row.block and c.index in row.columns and c.label
            and not is_change_column(c.label) and not names_other_year(c.label, year)]
    return cols[0] if len(cols) == 1 else None


def _change_key(label: str) -> str:
    """The key of the figure a change column is the change of: its parent's ("预算数/增减" → the
    parent's), else the measure its words name, else the report's own figure (预算数 or 决算数)."""
    parts = label.split("/")
    if len(parts) > 1:
        return column_key("/".join(parts[:-1]))
    return "决算数" if "决算" in label else "预算数"


def _evidence(fig: Figure, last_printed: Figure, prior: Document) -> list[Evidence]:
    ev = [e for e in (fig.evidence,) if e is not None]
    if last_printed.evidence is not None:
        ev.append(replace(last_printed.evidence, document=prior.sha256))
    return ev


RULE = PriorColumnVsPriorReport
