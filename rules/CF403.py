"""A completion rate printed in the prose is not the actual figure divided by the budget it names.

Anti-pattern: "全年预算为2.52万元，支出决算为2.19万元，完成全年预算的90.00%" (2.19 / 2.52 = 86.90%);
worse, a rate that equals 执行数 / 年初预算 while the text says 全年预算.

Best practice: completion = actual / the budget the sentence names (年初预算 or 全年预算),
within the rounding of the printed figures. When the printed rate fits the other budget, the
finding says which base it was computed on. A rate whose budget the sentence does not state is
tied to the budget line its table prints when it fits, and never accused from it.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.base import (ROUNDING_NOTE, ROUNDING_NOTE_EN, Figure, Finding, Rule, RuleContext, last_digit_slip,
                        ratio_interval)
from rules.prose import (
    BUDGET_PERIODS,
    claim_figure,
    group_by_paragraph,
    interval_text,
    money_figure,
    prose_evidence,
    target_in_unit,
    targets_of,
    yuan_factor,
)

PERIOD_ZH = {"initial_budget": "年初预算", "adjusted_budget": "全年预算", "budget": "预算"}




def _fits(p: Figure, iv: tuple[float, float] | None) -> bool:
    return iv is not None and p.value + p.tol >= iv[0] - 1e-9 and p.value - p.tol <= iv[1] + 1e-9


class CompletionArithmetic(Rule):
    __doc__ = __doc__
    code = "CF403"
    name = "prose.completion"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        for group in group_by_paragraph(ctx).values():
            for c in group:
                if c.kind != "completion" or c.value is None or not c.metric:
                    continue
                metric = c.metric
                amounts = [a for a in group if a.kind == "amount" and a.metric == metric and a.value is not None
                           and yuan_factor(a) and (a.page, a.start) < (c.page, c.start)]
                actual = [a for a in amounts if (a.period or "current") == "current"]
                budgets = [a for a in amounts if (a.period or "current") in BUDGET_PERIODS]
                if actual and not budgets:
                    self._against_printed_budget(ctx, c, max(actual, key=lambda a: (a.page, a.start)))
                if not actual or not budgets:
                    continue
                act = max(actual, key=lambda a: (a.page, a.start))
                named = c.period if c.period in BUDGET_PERIODS else "budget"
                same = [b for b in budgets if b.period == named] or budgets
                bud = max(same, key=lambda a: (a.page, a.start))
                pf = claim_figure(ctx, c)
                iv = ratio_interval(money_figure(ctx, act), money_figure(ctx, bud))
                if iv is None:
                    continue
                if _fits(pf, iv):
                    self.tie(c)
                    continue
                other = [b for b in budgets if b.period != bud.period]
                note, note_en = "", ""
                for b in other:
                    if _fits(pf, ratio_interval(money_figure(ctx, act), money_figure(ctx, b))):
                        note = f"；该比率恰为决算数除以{PERIOD_ZH.get(b.period, '另一预算数')}（{b.value}{b.unit}），基数用错"
                        note_en = f"; it equals actual / {b.period} ({b.value}): the wrong base"
                lo, hi = iv
                slip = last_digit_slip(pf, lo, hi) and not note
                if slip:
                    note, note_en = ROUNDING_NOTE, ROUNDING_NOTE_EN
                yield self.finding(
                    f"完成率不符：{c.label or metric} 决算 {act.value}{act.unit} / {PERIOD_ZH.get(bud.period, '预算')} "
                    f"{bud.value}{bud.unit} 应为 {interval_text(lo, hi)}，文中为 {c.value}%{note}",
                    f"completion mismatch for {metric}: {act.value} / {bud.value} is {interval_text(lo, hi)}, "
                    f"the prose prints {c.value}%{note_en}",
                    expected=100 * act.value * (yuan_factor(act) or 1) / (bud.value * (yuan_factor(bud) or 1)),
                    observed=float(c.value), tolerance=pf.tol + (hi - lo) / 2,
                    evidence=[prose_evidence(c), prose_evidence(act), prose_evidence(bud)],
                    severity="warning" if slip else None,
                )


    def _against_printed_budget(self, ctx: RuleContext, c: Any, act: Any) -> None:
        """A rate whose budget the sentence does not state ("公务接待费支出决算为 0.37 万元，完成预算的
        18.50%"): the budget line of its metric that a table prints (the "三公" table's 预算数) ties it
        when the rate fits; one that does not fit says nothing (the table's budget may be another
        one than the sentence's: 年初 or 全年)."""
        k = yuan_factor(act)
        for t in targets_of(ctx, act.metric or "", "budget"):
            budget = target_in_unit(t, k)
            iv = ratio_interval(money_figure(ctx, act), budget.scaled(k))
            if _fits(claim_figure(ctx, c), iv):
                self.tie(c, t.figure)
                return


RULE = CompletionArithmetic
