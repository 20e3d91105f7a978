"""A growth rate printed in the prose is not the change divided by the prior-year figure.

Anti-pattern: "收入支出总计3187.26万元。比2023年增加404.09万元，增长0.00%" — the prior year is
3187.26 − 404.09 = 2783.17, so the growth is 404.09 / 2783.17 = 14.52%.

Best practice: growth = change / (current − change), within the rounding of the three printed
figures; 减少/下降 are negative changes and rates.  When current − change is 0 within rounding
("支出1326.81万元，与上年相比增加1326.81万元，增长100%") no finite rate fits: a stated rate is a
finding (the prose should say the item is new this year).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any

from extraction.model import Document
from rules.base import (ROUNDING_NOTE, ROUNDING_NOTE_EN, Figure, Finding, Rule, RuleContext, last_digit_slip,
                        ratio_interval)
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


def _unit_slipped(ctx: RuleContext, cur: Any, change: Any, cf: Figure, gf: Figure) -> bool:
    """Whether the amount is printed in another unit than its change ("公车维护费支出1.93元，与上年
    同比减少0.94万元，减少32.75%") and the rate holds with the amount read in the change's unit: a
    unit slip of the amount, not a wrong rate."""
    k_cur, k_change = yuan_factor(cur), yuan_factor(change)
    if not k_cur or not k_change or k_cur == k_change:
        return False
    af = claim_figure(ctx, cur).scaled(k_change)
    prior = Figure(af.value - cf.value, af.tol + cf.tol)
    iv = ratio_interval(cf, prior)
    return iv is not None and prior.value > 0 and gf.value + gf.tol >= iv[0] - 1e-9 and gf.value - gf.tol <= iv[1] + 1e-9


class _Ordered:
    """The claims that pass ``keep``, by metric, in order of their place (page, start); ``marked``
    (optional) flags the ones a lookup passes over.  ``last_before`` is ``max(those before, key=place)``
    (the first of equal places, as ``max`` gives it)."""

    def __init__(self, claims: Sequence[Any], keep, marked=None) -> None:
        by_metric: dict[Any, list[Any]] = {}
        for c in claims:
            if keep(c):
                by_metric.setdefault(c.metric, []).append(c)
        self._lists: dict[Any, tuple[list[tuple[int, int]], list[Any], list[int]]] = {}
        for metric, cs in by_metric.items():
            cs.sort(key=_place)  # (stable: equal places keep their order)
            places = [_place(c) for c in cs]
            # unmarked[i]: the index of the last unmarked claim among the first i (-1: none)
            unmarked = [-1]
            for i, c in enumerate(cs):
                unmarked.append(unmarked[-1] if marked is not None and marked(c) else i)
            self._lists[metric] = (places, cs, unmarked)

    def any_before(self, metric: Any, at: tuple[int, int]) -> bool:
        entry = self._lists.get(metric)
        return entry is not None and bisect_left(entry[0], at) > 0

    def last_before(self, metric: Any, at: tuple[int, int]) -> Any | None:
        entry = self._lists.get(metric)
        if entry is None:
            return None
        places, cs, _ = entry
        i = bisect_left(places, at)
        return cs[bisect_left(places, places[i - 1])] if i > 0 else None

    def last_unmarked_before(self, metric: Any, at: tuple[int, int]) -> Any | None:
        entry = self._lists.get(metric)
        if entry is None:
            return None
        places, cs, unmarked = entry
        j = unmarked[bisect_left(places, at)]
        if j < 0:
            return None
        k = bisect_left(places, places[j])  # the first unmarked claim of that place
        while unmarked[k + 1] != k:
            k += 1
        return cs[k]


def _place(c: Any) -> tuple[int, int]:
    return (c.page, c.start)


def _restated_basis(doc: Document, change: Any) -> bool:
    """Whether the change's sentence measures it on a restated basis (按…口径一致相比, 同口径, 可比口径)."""
    try:
        lead = doc.pages[change.page - 1].text[max(0, change.start - 60):change.start]
    except IndexError:
        return False
    cut = max(lead.rfind(p) for p in "。；;")
    return "口径" in lead[cut + 1:]


class GrowthArithmetic(Rule):
    __doc__ = __doc__
    code = "CF402"
    name = "prose.growth"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc, claims = ctx.doc, ctx.claims
        current_periods = ("current", "budget") if doc.meta.kind == "budget" else ("current",)
        # a figure introduced as last year's ("（2016 年度…为8648.07万元）", "上年为") is the prior
        prior_marks = ("上年", "上一年", str(doc.meta.year - 1) if doc.meta.year else "\0")

        def is_change(c: Any) -> bool:
            return c.kind == "change" and c.value is not None and bool(yuan_factor(c))

        def is_amount(c: Any) -> bool:
            return c.kind == "amount" and bool(c.value) and bool(yuan_factor(c)) \
                and (c.period or "current") in current_periods

        def is_prior(c: Any) -> bool:
            return any(m in _lead(doc, c) for m in prior_marks)

        # The claims each growth is read against, by metric and in order of place, looked up by
        # bisection: the work grows with the claims, not with growths × claims.
        everything: _Ordered | None = None  # built when first asked for (most paragraphs state no growth)
        for group in group_by_paragraph(ctx).values():
            if not any(c.kind == "growth" for c in group):
                continue
            changes_of = _Ordered(group, is_change)
            amounts_of = _Ordered(group, is_amount, is_prior)
            for g in group:
                if g.kind != "growth" or g.value is None or not g.metric or g.unit not in ("%", None):
                    continue
                change = changes_of.last_before(g.metric, (g.page, g.start))
                if change is None:
                    continue
                if not same_sentence(change, g) and change.text != g.text:
                    # the change must be the growth's own clause: same sentence
                    continue
                at = (change.page, change.start)
                if amounts_of.any_before(g.metric, at):
                    cur = amounts_of.last_unmarked_before(g.metric, at)
                else:
                    # the figure may stand in the paragraph before ("…预算数为26.25万元。" / "…增加1.82万元，增长7.44%")
                    if everything is None:
                        everything = _Ordered(claims, is_amount, is_prior)
                    cur = everything.last_unmarked_before(g.metric, at)
                if cur is None:
                    continue
                if _restated_basis(doc, change):
                    # "按与上年统计口径一致相比，本年比上年减少161.96万元，下降了4.39%": the change is on
                    # a restated basis, not against the current figure stated before it
                    self.pass_over(g, "inputs_not_stated")
                    continue
                cf, af = money_figure(ctx, change), money_figure(ctx, cur)
                prior = Figure(af.value - cf.value, af.tol + cf.tol)
                gf = claim_figure(ctx, g)
                if abs(prior.value) <= prior.tol + 1e-9 and cf.value > prior.tol + 1e-9:
                    # a rise from nothing: no finite rate fits it ("增加0.30万元，增长100%")
                    yield self._zero_base(doc, g, change, cur, gf)
                    continue
                iv = ratio_interval(cf, prior)
                if iv is None or prior.value <= 0:
                    continue
                lo, hi = iv
                if gf.value + gf.tol >= lo - 1e-9 and gf.value - gf.tol <= hi + 1e-9:
                    self.tie(g)
                    self.tie(change)  # the change agrees with the rate and the current figure
                    continue
                if _unit_slipped(ctx, cur, change, cf, gf):
                    continue  # the figures agree once the amount is read in its change's unit (CF503's slip)
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

    def _zero_base(self, doc: Document, g: Any, change: Any, cur: Any, gf: Figure) -> Finding:
        unit = cur.unit or ""
        return self.finding(
            f"增长率无从计算：{g.label or g.metric} 本年 {cur.value}{unit}，增加 {change.value}{change.unit or ''}，"
            f"上年为 0（本年数减增加额），从 0 增长没有有限的增长率，文中却写 {g.value}%",
            f"growth from a zero base for {g.metric}: current {cur.value} {unit} less the change {change.value} "
            f"is 0, so no finite rate fits, yet the prose prints {g.value}%",
            expected=None, observed=float(g.value), tolerance=gf.tol,
            evidence=[prose_evidence(g), prose_evidence(change), prose_evidence(cur)],
        )


RULE = GrowthArithmetic
