"""A figure is off by exactly 10^4 from what it should be: 元 printed where 万元 is meant, or the reverse.

Anti-pattern: in a 万元 table, 30239 其他交通费用 is printed 248,000.00 (its amount in 元) while
302 商品和服务支出 155.49 is the sum of its items with 24.80 — the item alone is 10^4 too large.

Best practice: every figure of a table is in the unit its header states (金额单位：万元), so the
items add up to their class without rescaling.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.base import Finding, Rule, RuleContext, fmt, zero_figure
from rules.CF101 import CODED_KINDS, children_index, first_rows_by_code
from rules.shift import any_footing_failure, footing_failures, shift_start
from rules.units import one_part_scaled


class UnitSlip(Rule):
    __doc__ = __doc__
    code = "CF501"
    name = "units.off_by_ten_thousand"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for table in doc.tables:
            if table.kind not in CODED_KINDS or table.empty:
                continue
            # the rows and sums of the slide search (rules/shift.py): read only where a class fails
            if not any_footing_failure(ctx, table):
                continue
            rows = first_rows_by_code(table)
            kids_of = children_index(rows)
            seen: set[tuple[str, int]] = set()
            for (block, code), parent in rows.items():
                if len(code) not in (3, 5):
                    continue
                kids = kids_of.get(code, [])
                if not kids:
                    continue
                for ci in parent.columns:
                    if code not in footing_failures(ctx, table, ci):
                        continue  # it foots (or prints nothing): no part can be off by 10^4
                    if shift_start(ctx, table, ci) is not None:
                        continue  # a slid column (CF107), not a unit slip
                    pf = zero_figure(table, parent, ci)
                    kfs = [zero_figure(table, k, ci) for k in kids]
                    hit = one_part_scaled(pf, kfs)
                    if hit is None:
                        continue
                    i, k = hit
                    row = kids[i]
                    if (row.code or "", ci) in seen:
                        continue
                    seen.add((row.code or "", ci))
                    f = kfs[i]
                    unit = table.unit or "万元"
                    meant = "元" if k == 1e-4 and unit == "万元" else ("万元" if unit == "元" else "另一单位")
                    yield self.finding(
                        f"{table.title or table.kind}：{row.code} {row.name} 印为 {fmt(f.value)}，与表头单位"
                        f"（{unit}）差 10⁴ 倍，似以{meant}填列；按 {fmt(f.value * k)} 计则 {code} 可以合上",
                        f"{table.kind}: {row.code} {row.name} is {fmt(f.value)}, 10^4 off the table's unit ({unit}); "
                        f"as {fmt(f.value * k)} the class {code} foots",
                        expected=f.value * k, observed=f.value, tolerance=f.tol,
                        evidence=[e for e in (f.evidence, pf.evidence) if e is not None],
                    )


RULE = UnitSlip
