"""A count stated in the prose (批次, 人次, 团组, 辆) differs from the "三公" statistics in the tables.

Anti-pattern: 情况说明 says "共安排国内公务接待8批次，72人次" while the "三公"经费表 prints 国内公务接待批次
8 and 国内公务接待人次 27.

Best practice: the prose counts are the table's statistics: 8 批次 and 72 人次 in both places.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.base import Finding, Rule, RuleContext, fmt
from rules.prose import money_kind, prose_evidence, table_targets


class ProseCountVsTable(Rule):
    __doc__ = __doc__
    code = "CF302"
    name = "prose.count_vs_table"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        claims = ctx.claims
        for c in claims:
            if c.kind != "count" or c.value is None or not c.metric:
                continue
            if money_kind(c.metric):
                # a count carried under a money line ("“三公经费”支出3738元（8批次72人次）"): its
                # table figure is an amount, not the count's statistic
                continue
            # a count in 台（套） is not the 辆 of a vehicle line, whatever the metric says
            targets = [t for t in table_targets(ctx, c) if not (t.row.unit and c.unit and t.row.unit != c.unit)]
            if not targets:
                continue
            same = next((t for t in targets if abs(t.figure.value - float(c.value)) < 1e-9), None)
            if same is not None:
                self.tie(c, same.figure)
                continue
            t = targets[0]
            yield self.finding(
                f"情况说明称{c.label or c.metric} {fmt(float(c.value))}{c.unit or ''}，"
                f"{t.table.title or t.table.kind}「{t.row.name}」为 {fmt(t.figure.value)}",
                f"the prose states {c.metric} = {fmt(float(c.value))}; {t.table.kind} row {t.row.name} prints "
                f"{fmt(t.figure.value)}",
                expected=t.figure.value, observed=float(c.value), tolerance=0.0,
                evidence=[e for e in (prose_evidence(c), t.figure.evidence) if e is not None],
            )


RULE = ProseCountVsTable
