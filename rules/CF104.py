"""The summary table does not balance: its income lines, expenditure classes, carry-overs and 总计 disagree.

Anti-pattern: 收入支出决算总表 with 本年收入合计 2,946.25 + 年初结转和结余 49.14 = 2,995.39 but
总计 printed as 2,995.93; or 本年支出合计 2,940.05 while its expenditure classes add up to 2,939.05.

Best practice: 本年收入合计 = the income lines above it; 本年支出合计 = the expenditure classes above
it; 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 = 总计 = 本年支出合计 + 结余分配 +
年末结转和结余, on both sides of 收入支出决算总表 and of 财政拨款收入支出决算总表.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extraction.model import Row, Table
from rules.base import Figure, Finding, Rule, RuleContext, agrees, fmt, sum_figures, zero_figure
from rules.lookup import norm_name

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
        if not tf.has_evidence:
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

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for table in doc.tables:
            if table.kind not in KINDS or table.empty:
                continue
            last_totals: list[Row] = []
            blocks: list[str | None] = []
            for r in table.rows:
                if r.block not in blocks:
                    blocks.append(r.block)
            for block in blocks:
                rows = [r for r in table.rows if r.block == block]
                prev_total: Row | None = None
                segment: list[Row] = []
                for r in rows:
                    if not _is_total(r):
                        segment.append(r)
                        continue
                    if prev_total is None:
                        parts = _top_level(segment)
                        what, what_en = "其上各行", "the lines above it"
                    else:
                        parts = [prev_total, *[x for x in segment if not _is_child(x)]]
                        what, what_en = f"{prev_total.name}与其后各行", f"{prev_total.name} plus the lines between"
                    if parts:
                        f = self._check_sum(table, r, parts, what, what_en)
                        if f:
                            yield f
                    prev_total, segment = r, []
                if prev_total is not None:
                    last_totals.append(prev_total)
            if len(last_totals) >= 2:
                a, b = self._fig(table, last_totals[0]), self._fig(table, last_totals[1])
                # has_evidence is whether the evidence is there, without building it (most totals agree)
                if not agrees(a, b) and a.has_evidence and b.has_evidence:
                    yield self.finding(
                        f"{table.title or table.kind}：收入方 {last_totals[0].name} {fmt(a.value)} 与支出方 "
                        f"{last_totals[1].name} {fmt(b.value)} 不等",
                        f"{table.kind}: income side {fmt(a.value)} != expenditure side {fmt(b.value)}",
                        expected=a.value, observed=b.value, tolerance=a.tol + b.tol,
                        evidence=[a.evidence, b.evidence],
                    )


def _is_total(row: Row) -> bool:
    n = norm_name(row.name)
    return n.endswith(("合计", "小计", "总计")) and not n.startswith("其中")


_TOP = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_SUB = re.compile(r"^(\d+[.．、]|[（(])")


def _top_level(rows: list[Row]) -> list[Row]:
    """The top-level lines of a segment: the 一、二、… lines when the segment has them."""
    top = [r for r in rows if _TOP.match(r.name.strip())]
    if top:
        return top
    return [r for r in rows if not _SUB.match(r.name.strip())]


RULE = SummaryBalance
