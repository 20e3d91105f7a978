"""A table's 合计 row differs from the sum of its 类 (3-digit) lines.

Anti-pattern: 支出决算表 合计 180.88 while 201 (142.68) + 208 (12.91) + 210 (10.36) + 221 (14.92)
= 180.87 — the 合计 must be the sum of the classes it covers.

Best practice: 合计 180.87 with the same four classes: the total row foots to its classes in
every figure column, within rounding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rules.base import (Finding, Rule, RuleContext, agrees, cells_foot, fmt, numeric_cell, sum_figures,
                        zero_figure)
from rules.CF101 import CODED_KINDS, family, first_rows_by_code, is_continuation
from rules.lookup import find_rows
from rules.shift import shift_start
from rules.units import one_part_scaled

AMOUNT_LABEL = re.compile(r"合计|小计|金额|预算|决算|支出|收入|结转|结余")


class TotalRowFooting(Rule):
    __doc__ = __doc__
    code = "CF103"
    name = "footing.total_row"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for table in doc.tables:
            if table.kind not in CODED_KINDS or table.empty or table.kind == "basic_expenditure_economic":
                continue
            if is_continuation(ctx, table) or len(family(ctx, table)) > 1:
                continue  # classes split over pages with other layouts: CF101 ties them out
            rows = first_rows_by_code(table)
            for total in find_rows(table, ["合计", "总计", "支出合计", "收入合计"]):
                classes = [r for (b, c), r in rows.items() if b == total.block and len(c) == 3]
                if not classes:
                    continue
                for ci in total.columns:
                    label = next((c.label for c in table.columns if c.index == ci), "")
                    if label and not AMOUNT_LABEL.search(label):
                        continue  # an item column of a wide table (会议费, 培训费 …), not a total of classes
                    if cells_foot(numeric_cell(total, ci), [numeric_cell(r, ci) for r in classes]) is not False:
                        continue  # it foots (or prints nothing): figures are built only for a finding
                    if shift_start(ctx, table, ci) is not None:
                        continue  # CF107 reports the slid column once
                    tf = zero_figure(table, total, ci)
                    parts = [zero_figure(table, r, ci) for r in classes]
                    if not tf.has_evidence and not any(p.has_evidence for p in parts):
                        continue
                    s = sum_figures(parts)
                    if agrees(tf, s) or one_part_scaled(tf, parts) is not None:
                        continue
                    label = next((c.label for c in table.columns if c.index == ci), "")
                    yield self.finding(
                        f"{table.title or table.kind}：合计行「{label}」为 {fmt(tf.value)}，"
                        f"各类科目（{len(classes)} 个）合计为 {fmt(s.value)}",
                        f"{table.kind}: total row [{label}] {fmt(tf.value)} != sum of {len(classes)} classes "
                        f"{fmt(s.value)}",
                        expected=s.value,
                        observed=tf.value,
                        tolerance=tf.tol + s.tol,
                        evidence=[e for e in [tf.evidence, *[p.evidence for p in parts]] if e is not None][:12],
                    )
                break


RULE = TotalRowFooting
