"""The summary table does not balance: its income lines, expenditure classes, carry-overs and 总计 disagree.

Anti-pattern: 收入支出决算总表 with 本年收入合计 2,946.25 + 年初结转和结余 49.14 = 2,995.39 but
总计 printed as 2,995.93; or 本年支出合计 2,940.05 while its expenditure classes add up to 2,939.05.

Best practice: 本年收入合计 = the income lines above it; 本年支出合计 = the expenditure classes above
it; 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 = 总计 = 本年支出合计 + 结余分配 +
年末结转和结余, on both sides of 收入支出决算总表 and of 财政拨款收入支出决算总表.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from extraction.model import Document, Row, Table
from rules.base import Figure, Finding, Rule, agrees, fmt, sum_figures, zero_figure
from rules.lookup import find_row, norm_name

KINDS = ("income_expenditure_summary", "fiscal_summary")
INCOME_TOTAL = ["本年收入合计", "收入合计", "本年收入小计"]
EXPENSE_TOTAL = ["本年支出合计", "支出合计", "本年支出小计"]
GRAND = ["总计", "收入总计", "支出总计", "收支总计"]
_ORDINAL_CHILD = ("一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、", "十")


def _is_child(row: Row) -> bool:
    """Sub-lines printed under a carry-over line (一、一般公共预算财政拨款 under 年初结转和结余)."""
    return row.name.startswith(_ORDINAL_CHILD) or row.name.startswith(("1.", "2.", "3.", "（"))


class SummaryBalance(Rule):
    __doc__ = __doc__
    code = "CF104"
    name = "footing.summary_balance"
    severity = "error"

    def _fig(self, table: Table, row: Row) -> Figure:
        return zero_figure(table, row, row.columns[0]) if row.columns else Figure(0.0, 0.0)

    def _check_sum(self, table: Table, total: Row, parts: list[Row], what: str, what_en: str):
        tf = self._fig(table, total)
        pfs = [self._fig(table, r) for r in parts]
        if tf.evidence is None:
            return None
        s = sum_figures(pfs)
        if agrees(tf, s):
            return None
        return self.finding(
            f"{table.title or table.kind}：{total.name} 为 {fmt(tf.value)}，{what}合计为 {fmt(s.value)}",
            f"{table.kind}: {total.name} {fmt(tf.value)} != {what_en} {fmt(s.value)}",
            expected=s.value, observed=tf.value, tolerance=tf.tol + s.tol,
            evidence=[e for e in [tf.evidence, *[p.evidence for p in pfs]] if e is not None][:12],
        )

    def check(self, doc: Document, claims: Sequence[Any]) -> Iterable[Finding]:
        for table in doc.tables:
            if table.kind not in KINDS or table.empty:
                continue
            inc_total = find_row(table, INCOME_TOTAL)
            exp_total = find_row(table, EXPENSE_TOTAL)
            grands: list[Row] = []
            for total, total_names in ((inc_total, INCOME_TOTAL), (exp_total, EXPENSE_TOTAL)):
                if total is None:
                    continue
                block_rows = [r for r in table.rows if r.block == total.block]
                i = block_rows.index(total)
                above = [r for r in block_rows[:i] if r.columns]
                side = "收入" if total is inc_total else "支出"
                if above:
                    f = self._check_sum(table, total, above, f"其上{side}各行", f"the {side} lines above it")
                    if f:
                        yield f
                grand = next((r for r in block_rows[i + 1:] if norm_name(r.name) in GRAND), None)
                if grand is not None:
                    between = [r for r in block_rows[i + 1:block_rows.index(grand)] if not _is_child(r)]
                    f = self._check_sum(table, grand, [total, *between], f"{total.name}与结转结余",
                                        f"{total.name} plus carry-overs")
                    if f:
                        yield f
                    grands.append(grand)
            if len(grands) == 2:
                a, b = self._fig(table, grands[0]), self._fig(table, grands[1])
                if a.evidence and b.evidence and not agrees(a, b):
                    yield self.finding(
                        f"{table.title or table.kind}：收入总计 {fmt(a.value)} 与支出总计 {fmt(b.value)} 不等",
                        f"{table.kind}: income grand total {fmt(a.value)} != expenditure grand total {fmt(b.value)}",
                        expected=a.value, observed=b.value, tolerance=a.tol + b.tol,
                        evidence=[a.evidence, b.evidence],
                    )


RULE = SummaryBalance
