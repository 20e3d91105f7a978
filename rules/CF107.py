"""Figures printed one row below their codes: a column slid down from some line on.

Anti-pattern: 收入决算表 (元) prints 201 一般公共服务支出 with the 合计's figure, 20103 with 201's,
2010301 with 20103's … — every line from 201 on carries the figure of the line above it, so
the hierarchy fails everywhere and holds again once the column is moved up one row.

Best practice: each figure on the row of its own code; the classes equal the sums of their
items without moving anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.base import Finding, Rule, RuleContext, cell_evidence, column_label
from rules.CF101 import CODED_KINDS
from rules.shift import coded_rows, shift_start


class RowShift(Rule):
    __doc__ = __doc__
    code = "CF107"
    name = "footing.row_shift"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for table in doc.tables:
            if table.kind not in CODED_KINDS or table.empty:
                continue
            rows = coded_rows(table)
            reported: set[int] = set()
            for c in table.columns:
                k = shift_start(ctx, table, c.index)
                if k is None or k in reported:
                    continue
                reported.add(k)
                first = rows[k]
                cell = first.cell(c.index)
                prev = rows[k - 1] if k else None
                ev = []
                if cell is not None and cell.value is not None:
                    ev.append(cell_evidence(table, first, cell, column_label(table, c.index)))
                nxt = rows[k + 1] if k + 1 < len(rows) else None
                ncell = nxt.cell(c.index) if nxt else None
                if nxt is not None and ncell is not None and ncell.value is not None:
                    ev.append(cell_evidence(table, nxt, ncell, column_label(table, c.index)))
                if not ev:
                    continue
                yield self.finding(
                    f"{table.title or table.kind}：自 {first.code} {first.name} 起「{c.label}」各数下移了一行"
                    f"（每行印的是上一行科目的数），上移一行后各级科目即可相符",
                    f"{table.kind}: from {first.code} on, column [{c.label}] is printed one row too low "
                    f"(each line shows the figure of the line above); moved up one row, the classes foot",
                    observed=cell.value if cell is not None else None,
                    expected=ncell.value if ncell is not None else None,
                    evidence=ev,
                )
                del prev


RULE = RowShift
