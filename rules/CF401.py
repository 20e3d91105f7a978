"""A share printed in the prose is not the part divided by its base.

Anti-pattern: "卫生健康支出1,949.32万元，占一般公共预算财政拨款支出的92.84%" when the base is
2,132.97万元: 1,949.32 / 2,132.97 = 91.39%.

Best practice: the printed share equals part / base within the rounding of the three printed
figures (a share printed with two decimals is exact to ±0.005 points, an integer share to ±0.5).
The base is the "占X的" phrase or the total the enumeration hangs from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rules.base import (ROUNDING_NOTE, ROUNDING_NOTE_EN, Figure, Finding, Rule, RuleContext, last_digit_slip,
                        ratio_interval)
from rules.prose import (
    MONEY_UNITS,
    claim_figure,
    first_amount,
    group_by_paragraph,
    interval_text,
    money_figure,
    money_kind,
    nearest_amount,
    prose_evidence,
    same_sentence,
    target_in_unit,
    targets_of,
    yuan_factor,
)


def base_amount(ctx: RuleContext, group: list[Any], share: Any,
                base: Any = ...) -> tuple[Figure, Any] | None:
    """The base of a share in 元: the base's amount claim in the paragraph, else in the document,
    else the base's table figure.  ``base`` names another base than the share's own."""
    doc = ctx.doc
    if base is ...:
        base = share.base
    periods = ("current", "budget") if doc.meta.kind == "budget" else ("current",)
    b = nearest_amount(group, base, share, None) or first_amount(ctx, base, periods)
    if b is not None:
        return money_figure(ctx, b), b
    # the table figure of a claim of the base in 元 for the current year
    for t in targets_of(ctx, base or "", "current"):
        return target_in_unit(t, MONEY_UNITS["元"]), None
    return None


def sentence_total(ctx: RuleContext, group: list[Any], share: Any, part: Any) -> tuple[Figure, Any] | None:
    """The total an enumeration hangs from: the first larger amount earlier in the same sentence."""
    for c in group:
        if (c.kind == "amount" and c is not part and same_sentence(c, share) and c.start < part.start
                and c.value and yuan_factor(c) and part.value is not None
                and c.value * (yuan_factor(c) or 1) >= part.value * (yuan_factor(part) or 1)):
            return money_figure(ctx, c), c
    return None


def plausible_base(metric: str, base: str) -> bool:
    """A share's base must be a money total, not a sibling line of the same level."""
    if not metric or metric == base or money_kind(base) is False:
        return False
    if metric.startswith(("func:", "econ:")) and base.startswith(metric[:5]):
        return len(base) < len(metric)  # 2010308 of 201 yes; 208 of 201 no
    return True


class ShareArithmetic(Rule):
    __doc__ = __doc__
    code = "CF401"
    name = "prose.share"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        groups = group_by_paragraph(ctx)
        for group in groups.values():
            for s in group:
                if s.kind != "share" or s.value is None or not s.metric:
                    continue
                part = nearest_amount(group, s.metric, s, None)
                if part is None:
                    continue
                if s.base and plausible_base(s.metric, s.base):
                    base = base_amount(ctx, group, s)
                elif s.metric.startswith("func:"):
                    # 功能分类 lines are shares of the general-budget spending unless the text says otherwise
                    base = base_amount(ctx, group, s, base="general_budget_expenditure")
                else:
                    base = sentence_total(ctx, group, s, part)
                if base is None:
                    continue
                bf, bclaim = base
                pf = money_figure(ctx, part)
                iv = ratio_interval(pf, bf)
                if iv is None:
                    continue
                sf = claim_figure(ctx, s)
                lo, hi = iv
                if sf.value + sf.tol >= lo - 1e-9 and sf.value - sf.tol <= hi + 1e-9:
                    self.tie(s, bf if bclaim is None else None)
                    continue
                expected = 100 * pf.value / bf.value
                slip = last_digit_slip(sf, lo, hi)
                ev = [prose_evidence(s), prose_evidence(part)]
                if bclaim is not None and bclaim is not part:
                    ev.append(prose_evidence(bclaim))
                elif bf.evidence is not None:
                    ev.append(bf.evidence)
                yield self.finding(
                    f"占比不符：{part.label or part.metric} {part.value}{part.unit or ''} 占 "
                    f"{(bclaim.label if bclaim else s.base)} 应为 {interval_text(lo, hi)}，文中为 {s.value}%"
                    + (ROUNDING_NOTE if slip else ""),
                    f"share mismatch: {s.metric} / {s.base} is {interval_text(lo, hi)}, the prose prints {s.value}%"
                    + (ROUNDING_NOTE_EN if slip else ""),
                    expected=expected, observed=float(s.value), tolerance=sf.tol + (hi - lo) / 2, evidence=ev,
                    severity="warning" if slip else None,
                )


RULE = ShareArithmetic
