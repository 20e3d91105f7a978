"""A growth rate printed in the prose is not the change divided by the prior-year figure.

Anti-pattern: "收入支出总计3187.26万元。比2023年增加404.09万元，增长0.00%" — the prior year is
3187.26 − 404.09 = 2783.17, so the growth is 404.09 / 2783.17 = 14.52%.

Best practice: growth = change / (current − change), within the rounding of the three printed
figures; 减少/下降 are negative changes and rates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from extraction.model import Document
from rules.base import ROUNDING_NOTE, ROUNDING_NOTE_EN, Figure, Finding, Rule, last_digit_slip, ratio_interval
from rules.prose import (
    claim_figure,
    group_by_paragraph,
    interval_text,
    money_figure,
    prose_evidence,
    same_sentence,
    yuan_factor,
)


def _lead(doc: Document, c: Any) -> str:
    """The words just before a claim's figure on its page."""
    try:
        return doc.pages[c.page - 1].text[max(0, c.start - 24):c.start]
    except IndexError:
        return ""


class GrowthArithmetic(Rule):
    __doc__ = __doc__
    code = "CF402"
    name = "prose.growth"
    severity = "error"

    def check(self, doc: Document, claims: Sequence[Any]) -> Iterable[Finding]:
        current_periods = ("current", "budget") if doc.meta.kind == "budget" else ("current",)
        everything = list(claims)
        for group in group_by_paragraph(doc, claims).values():
            for g in group:
                if g.kind != "growth" or g.value is None or not g.metric or g.unit not in ("%", None):
                    continue
                changes = [c for c in group if c.kind == "change" and c.metric == g.metric and c.value is not None
                           and yuan_factor(c) and (c.page, c.start) < (g.page, g.start)]
                if not changes:
                    continue
                change = max(changes, key=lambda c: (c.page, c.start))
                if not same_sentence(change, g) and change.text != g.text:
                    # the change must be the growth's own clause: same sentence
                    continue
                amounts = [c for c in group if c.kind == "amount" and c.metric == g.metric and c.value
                           and yuan_factor(c) and (c.period or "current") in current_periods
                           and (c.page, c.start) < (change.page, change.start)]
                if not amounts:
                    # the figure may stand in the paragraph before ("…预算数为26.25万元。" / "…增加1.82万元，增长7.44%")
                    amounts = [c for c in everything if c.kind == "amount" and c.metric == g.metric and c.value
                               and yuan_factor(c) and (c.period or "current") in current_periods
                               and (c.page, c.start) < (change.page, change.start)]
                if not amounts:
                    continue
                # a figure introduced as last year's ("（2016 年度…为8648.07万元）", "上年为") is the prior
                prior_marks = ("上年", "上一年", str(doc.meta.year - 1) if doc.meta.year else "\0")
                amounts = [a for a in amounts if not any(m in _lead(doc, a) for m in prior_marks)]
                if not amounts:
                    continue
                cur = max(amounts, key=lambda c: (c.page, c.start))
                cf, af = money_figure(doc, change), money_figure(doc, cur)
                prior = Figure(af.value - cf.value, af.tol + cf.tol)
                iv = ratio_interval(cf, prior)
                if iv is None or prior.value <= 0:
                    continue
                gf = claim_figure(doc, g)
                lo, hi = iv
                if gf.value + gf.tol >= lo - 1e-9 and gf.value - gf.tol <= hi + 1e-9:
                    self.tie(g)
                    self.tie(change)  # the change agrees with the rate and the current figure
                    continue
                slip = last_digit_slip(gf, lo, hi)
                yield self.finding(
                    f"增长率不符：{g.label or g.metric} 本年 {cur.value}{cur.unit}，变动 {change.value}{change.unit}，"
                    f"上年应为 {prior.value / (yuan_factor(cur) or 1):.2f}{cur.unit}，增长率应为 {interval_text(lo, hi)}，"
                    f"文中为 {g.value}%" + (ROUNDING_NOTE if slip else ""),
                    f"growth mismatch for {g.metric}: change {change.value} over prior "
                    f"{prior.value / (yuan_factor(cur) or 1):.2f} is {interval_text(lo, hi)}, the prose prints {g.value}%"
                    + (ROUNDING_NOTE_EN if slip else ""),
                    expected=100 * cf.value / prior.value, observed=float(g.value), tolerance=gf.tol + (hi - lo) / 2,
                    evidence=[prose_evidence(g), prose_evidence(change), prose_evidence(cur)],
                    severity="warning" if slip else None,
                )


RULE = GrowthArithmetic
