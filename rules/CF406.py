"""A project's 执行率 in a performance table is not 全年执行数 / 全年预算数.

Anti-pattern: 项目支出绩效自评表 row 执法办案经费: 年初预算数 974.92, 全年预算数 850.78, 全年执行数
819.30, 执行率 84.04 — that is 819.30 / 974.92, the 年初 budget; against 全年预算数 it is 96.30.

Best practice: 执行率 = 全年执行数 / 全年预算数 × 100 within the rounding of the printed figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rules.base import (
    ROUNDING_NOTE,
    ROUNDING_NOTE_EN,
    Finding,
    Rule,
    RuleContext,
    figure_at,
    last_digit_slip,
    ratio_interval,
)
from rules.lookup import find_column
from rules.prose import interval_text


def _fits(p, iv) -> bool:
    return iv is not None and p.value + p.tol >= iv[0] - 1e-9 and p.value - p.tol <= iv[1] + 1e-9


INDICATOR_ROW = re.compile(r"指标|满意度|得分|分值")


class ExecutionRate(Rule):
    __doc__ = __doc__
    code = "CF406"
    name = "table.execution_rate"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for table in doc.tables:
            if table.kind not in ("performance_project", "performance_overall"):
                continue
            checked = 0
            bad: list[Finding] = []
            for row in table.rows:
                f = self._check_row(table, row)
                if f is None:
                    continue
                checked += 1
                if f is not True:
                    bad.append(f)
            if not bad:
                continue
            on_initial = [f for f in bad if "年初预算数" in f.message]
            if len(bad) >= 2 and len(on_initial) * 2 > len(bad):
                # the whole table computes 执行率 on 年初预算数: one finding says so
                yield self.finding(
                    f"{table.title or table.kind}：{len(on_initial)}/{checked} 行的执行率恰为全年执行数除以年初预算数，"
                    f"应以全年预算数为基数",
                    f"{table.kind}: {len(on_initial)} of {checked} rows compute 执行率 on 年初预算数 instead of "
                    f"全年预算数",
                    expected=on_initial[0].expected, observed=on_initial[0].observed,
                    evidence=[e for f in on_initial[:3] for e in f.evidence],
                )
                continue
            if len(bad) >= 2 and len(bad) * 2 > checked:
                # most rows fail the same way: the columns were not read as printed (a form whose
                # layout defeated the reader), or the table uses another definition throughout
                yield self.finding(
                    f"{table.title or table.kind}：{len(bad)}/{checked} 行的执行率与「全年执行数/全年预算数」不符，"
                    f"可能是表格列未能准确识别，请人工核对",
                    f"{table.kind}: {len(bad)} of {checked} rows fail 执行数/全年预算数 — probably columns not read "
                    f"as printed; check by hand",
                    evidence=[e for f in bad[:3] for e in f.evidence[:1]], severity="warning",
                )
                continue
            yield from bad

    def _check_row(self, table, row):
        """True when the row's rate holds, a Finding when it does not, None when it cannot be checked."""
        cols = {}
        for key, needles in (("initial", ("年初预算",)), ("full", ("全年预算",)),
                             ("spent", ("执行数",)), ("rate", ("执行率",))):
            c = find_column(table, *needles, block=row.block) or find_column(table, *needles)
            if c is not None and c.index in row.columns:
                cols[key] = c.index
        if not {"full", "spent", "rate"} <= set(cols):
            return None
        if not (row.name or "").strip() or INDICATOR_ROW.search(row.name):
            return None  # indicator rows (产出指标 …) of a form: their figures are not money
        rate = figure_at(table, row, cols["rate"])
        full = figure_at(table, row, cols["full"])
        spent = figure_at(table, row, cols["spent"])
        if rate is None or full is None or spent is None or full.value == 0:
            return None
        if rate.value <= 1.0 and spent.value > 0.02 * full.value:
            return None  # a rate printed as a fraction (0.98): a style, not an error
        if any(f is not None and abs(f.value - rate.value) < 1e-9 for f in (full, spent)):
            return None  # the 执行率 column holds a money figure: the columns were not read as printed
        iv = ratio_interval(spent, full)
        if _fits(rate, iv):
            return True
        # a form whose header spans one column more or less than its figures: read one column over,
        # the identity holds — the reader misplaced the columns, the report may well be right
        pos = {ci: k for k, ci in enumerate(row.columns)}
        for off in (-1, 1):
            try:
                r2, f2, s2 = (figure_at(table, row, row.columns[pos[cols[k]] + off]) for k in ("rate", "full", "spent"))
            except (IndexError, KeyError):
                continue
            if r2 and f2 and s2 and f2.value and _fits(r2, ratio_interval(s2, f2)):
                return None
        note, note_en = "", ""
        if "initial" in cols:
            init = figure_at(table, row, cols["initial"])
            if init is not None and init.value and _fits(rate, ratio_interval(spent, init)):
                note = "；该比率恰为执行数除以年初预算数，应以全年预算数为基数"
                note_en = "; it equals 执行数 / 年初预算数: the wrong base"
        lo, hi = iv
        slip = not note and last_digit_slip(rate, lo, hi)
        if slip:
            note, note_en = ROUNDING_NOTE, ROUNDING_NOTE_EN
        return self.finding(
            f"{table.title or table.kind}「{row.name}」执行率应为 {interval_text(lo, hi)}"
            f"（{spent.value:g} / {full.value:g}），表中为 {rate.value:g}{note}",
            f"{table.kind} row {row.name}: execution rate should be {interval_text(lo, hi)} "
            f"({spent.value:g} / {full.value:g}), printed {rate.value:g}{note_en}",
            expected=100 * spent.value / full.value, observed=rate.value, tolerance=rate.tol + (hi - lo) / 2,
            evidence=[e for e in (rate.evidence, spent.evidence, full.evidence) if e is not None],
            severity="warning" if slip else None,
        )


RULE = ExecutionRate
