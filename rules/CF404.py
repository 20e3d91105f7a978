"""A comparison word contradicts the figures it compares (大于 / 小于 / 等于 / 持平, 增加 / 减少).

Anti-pattern: "全年预算为2,944.51万元，支出决算为2,822.51万元……决算数大于预算数" — 2,822.51 is
less than 2,944.51; or "预算数为26.25万元，比上年预算减少" next to "与上年预算相比，增加1.82万元".

Best practice: 决算数小于预算数 when the actual is below the budget, 持平/等于 only when the two are
equal within rounding; the direction word of a change agrees with every other statement of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from extraction.model import Document
from rules.base import Finding, Rule, RuleContext, agrees, prose_claim_evidence
from rules.prose import (
    BUDGET_PERIODS,
    group_by_paragraph,
    money_figure,
    prose_evidence,
    yuan_factor,
)

WORD = {"greater": "大于", "less": "小于", "equal": "等于"}
_BARE_DIRECTION = re.compile(r"比上年(?:预算)?(增加|减少)[。；，]")




class ComparisonWords(Rule):
    __doc__ = __doc__
    code = "CF404"
    name = "prose.comparison_word"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc, claims = ctx.doc, ctx.claims
        for group in group_by_paragraph(ctx).values():
            for c in group:
                if c.kind != "comparison" or c.direction not in WORD or not c.metric:
                    continue
                amounts = [a for a in group if a.kind == "amount" and a.metric == c.metric and a.value is not None
                           and yuan_factor(a) and (a.page, a.start) < (c.page, c.start)]
                actual = [a for a in amounts if (a.period or "current") == "current"]
                budget = [a for a in amounts if (a.period or "current") in BUDGET_PERIODS]
                if not actual or not budget:
                    continue
                act = max(actual, key=lambda a: (a.page, a.start))
                bud = max(budget, key=lambda a: (a.page, a.start))
                af, bf = money_figure(ctx, act), money_figure(ctx, bud)
                # greater/less by the printed figures; 等于/持平 is accepted within their rounding
                strict = "equal" if abs(af.value - bf.value) < 1e-9 else "greater" if af.value > bf.value else "less"
                if strict == c.direction or (c.direction == "equal" and agrees(af, bf)):
                    self.tie(c)
                    continue
                truth = strict
                yield self.finding(
                    f"比较词与数字不符：决算 {act.value}{act.unit}、预算 {bud.value}{bud.unit}，应为「决算数{WORD[truth]}预算数」，"
                    f"文中为「{WORD[c.direction]}」",
                    f"comparison word contradicts the figures: actual {act.value} vs budget {bud.value} is "
                    f"'{truth}', the prose says '{c.direction}'",
                    expected=bud.value, observed=act.value,
                    evidence=[prose_evidence(c), prose_evidence(act), prose_evidence(bud)],
                )
        yield from self._bare_directions(doc, claims)

    def _bare_directions(self, doc: Document, claims: Sequence[Any]) -> Iterable[Finding]:
        """'…比上年预算减少。' with no figure, against the change stated with its figure elsewhere."""
        # the first change stated with its figure, by metric: one pass, not one per amount
        first_change: dict[Any, Any] = {}
        for x in claims:
            if x.kind == "change" and x.value and x.metric not in first_change:
                first_change[x.metric] = x
        for c in claims:
            if c.kind != "amount" or not c.metric:
                continue
            m = _BARE_DIRECTION.search(c.text[c.text.find(str(c.value).split(".")[0]) if c.value else 0:])
            if not m:
                continue
            said = "increase" if m.group(1) == "增加" else "decrease"
            ch = first_change.get(c.metric)
            if ch is None:
                continue
            actual = "increase" if ch.value > 0 else "decrease"
            if actual == said:
                continue
            ev = prose_claim_evidence(c)
            yield self.finding(
                f"增减方向前后矛盾：一处称「比上年{m.group(1)}」，另一处称{'增加' if actual == 'increase' else '减少'} "
                f"{abs(ch.value)}{ch.unit or ''}",
                f"direction contradicts itself: '{m.group(1)}' here, a change of {ch.value} {ch.unit or ''} elsewhere",
                expected=float(ch.value), observed=None, evidence=[ev, prose_evidence(ch)],
            )


RULE = ComparisonWords
