"""The department's overall execution rate in the prose differs from the 部门整体支出绩效自评表.

Anti-pattern: "部门整体支出全年执行率102.98%" while the 部门整体支出绩效自评表 prints 全年预算数
1,939.29, 全年执行数 1,837.61, 执行率 94.76 — 102.98 % is 执行数 / 年初预算数.

Best practice: the prose repeats the table's rate, 全年执行数 / 全年预算数 (94.76 %).
"""

from __future__ import annotations

from collections.abc import Iterable

from extraction.model import Document
from rules.base import Figure, Finding, Rule, RuleContext, agrees, figure_at, ratio_interval
from rules.lookup import find_column
from rules.prose import claim_figure, prose_evidence


def _overall_row(doc: Document):
    for t in doc.tables_of("performance_overall"):
        cols = {k: find_column(t, k) for k in ("年初预算", "全年预算", "执行数", "执行率")}
        if cols["全年预算"] is None or cols["执行数"] is None:
            continue
        for r in t.rows:
            full = figure_at(t, r, cols["全年预算"].index)
            spent = figure_at(t, r, cols["执行数"].index)
            if full and spent and full.value:
                init = figure_at(t, r, cols["年初预算"].index) if cols["年初预算"] else None
                rate = figure_at(t, r, cols["执行率"].index) if cols["执行率"] else None
                return t, r, full, spent, init, rate
    return None


class OverallExecutionRate(Rule):
    __doc__ = __doc__
    code = "CF405"
    name = "prose.overall_execution_rate"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc, claims = ctx.doc, ctx.claims
        row = None
        for c in claims:
            if c.kind not in ("completion", "rate") or c.value is None or "执行率" not in c.text:
                continue
            if "整体" not in c.text:
                continue
            row = row or _overall_row(doc)
            if row is None:
                return
            t, r, full, spent, init, rate = row
            pf = claim_figure(ctx, c)
            iv = ratio_interval(spent, full)
            ok = iv is not None and iv[0] - pf.tol - 1e-9 <= pf.value <= iv[1] + pf.tol + 1e-9
            if ok or (rate is not None and agrees(pf, rate)):
                self.tie(c, rate)
                continue
            note, note_en = "", ""
            if init is not None and init.value:
                iv0 = ratio_interval(spent, init)
                if iv0 and iv0[0] - pf.tol <= pf.value <= iv0[1] + pf.tol:
                    note, note_en = "；该比率恰为执行数除以年初预算数", "; it equals 执行数 / 年初预算数"
            expected = 100 * spent.value / full.value
            yield self.finding(
                f"部门整体支出执行率文中为 {c.value}%，{t.title or '部门整体支出绩效自评表'}为 "
                f"{spent.value:g} / {full.value:g} = {expected:.2f}%{note}",
                f"overall execution rate printed {c.value}%, the performance table gives {expected:.2f}%{note_en}",
                expected=expected, observed=float(c.value), tolerance=pf.tol,
                evidence=[e for e in (prose_evidence(c), rate.evidence if rate else None, spent.evidence,
                                      full.evidence) if e is not None],
            )


RULE = OverallExecutionRate
del Figure
