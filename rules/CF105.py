"""The "三公" figures do not add up to their parts.

Anti-pattern: "三公"经费 支出合计 2.50 while 因公出国（境）费 0 + 公务用车购置及运行维护费 1.00 +
公务接待费 1.20 = 2.20; or 公务接待费 1.20 while 国内接待费 1.00 + 国（境）外接待费 0 = 1.00.

Best practice: 支出合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费;
公务用车购置及运行维护费 = 公务用车购置费 + 公务用车运行维护费; 公务接待费 = 国内接待费 +
国（境）外接待费 — in the budget and the final-account column alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from extraction.model import Table
from rules.base import Figure, Finding, Rule, RuleContext, agrees, figure_at, fmt, sum_figures
from rules.lookup import find_column, find_row

TOTAL = ["支出合计", "合计", "“三公”经费支出合计", "三公经费合计", "“三公”经费合计", "“三公”经费"]
ABROAD = ["因公出国（境）费", "因公出国(境)费", "因公出国（境）费用"]
VEHICLE = ["公务用车购置及运行维护费", "公务用车购置及运行费"]
VEH_BUY = ["公务用车购置费"]
VEH_RUN = ["公务用车运行维护费", "公务用车运行费"]
RECEPTION = ["公务接待费"]
REC_DOM = ["国内接待费"]
REC_FOR = ["国（境）外接待费", "国(境)外接待费"]

IDENTITIES = [
    (TOTAL, [ABROAD, VEHICLE, RECEPTION], "支出合计", "the three parts"),
    (VEHICLE, [VEH_BUY, VEH_RUN], "公务用车购置及运行维护费", "purchase + operation"),
    (RECEPTION, [REC_DOM, REC_FOR], "公务接待费", "domestic + foreign reception"),
]


class ThreePublicParts(Rule):
    __doc__ = __doc__
    code = "CF105"
    name = "footing.three_public_parts"
    severity = "error"

    def _row_layout(self, table: Table):
        for total_names, parts_names, label, label_en in IDENTITIES:
            total = find_row(table, total_names)
            parts = [find_row(table, n) for n in parts_names]
            if total is None or any(p is None for p in parts):
                continue
            for ci in total.columns:
                tf = figure_at(table, total, ci)
                pfs = [figure_at(table, p, ci) for p in parts]
                if tf is None and all(p is None for p in pfs):
                    continue
                tf = tf or Figure(0.0, 0.0)
                yield tf, [p or Figure(0.0, 0.0) for p in pfs], label, label_en, ci

    def _wide_layout(self, table: Table):
        """Items across the top, 预算数/决算数 under each (one data row)."""
        row = next((r for r in table.rows if any(v is not None for v in r.values)), None)
        if row is None:
            return
        for suffix in ("预算数", "决算数"):
            total = find_column(table, "合计", suffix)
            abroad = find_column(table, "因公出国", suffix)
            vehicle = find_column(table, "小计", suffix) or find_column(table, "公务用车购置及运行", suffix,
                                                                       exclude=("购置费",))
            reception = find_column(table, "公务接待", suffix)
            cols = [total, abroad, vehicle, reception]
            if any(c is None for c in cols) or len({c.index for c in cols}) < 4:
                continue
            figs = [figure_at(table, row, c.index) for c in cols]
            if all(f is None for f in figs):
                continue
            figs = [f or Figure(0.0, 0.0) for f in figs]
            yield figs[0], figs[1:], f"支出合计（{suffix}）", "the three parts", total.index

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for table in doc.tables:
            if table.kind != "three_public" or table.empty:
                continue
            checks = list(self._row_layout(table)) or list(self._wide_layout(table))
            for tf, pfs, label, label_en, _ci in checks:
                s = sum_figures(pfs)
                if agrees(tf, s):
                    continue
                yield self.finding(
                    f"{table.title or '三公经费表'}：{label} 为 {fmt(tf.value)}，其组成部分合计为 {fmt(s.value)}",
                    f"three_public: {label} {fmt(tf.value)} != {label_en} {fmt(s.value)}",
                    expected=s.value, observed=tf.value, tolerance=tf.tol + s.tol,
                    evidence=[e for e in [tf.evidence, *[p.evidence for p in pfs]] if e is not None],
                )


RULE = ThreePublicParts
