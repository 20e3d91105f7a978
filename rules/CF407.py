"""The figures of one item statement disagree with each other.

A budget explains each function-classification line in one statement: its amount, last year's
execution, the amount again as 预算安排, and the rate between them (extraction/claims/items.py
ties them to the line). The amount against the table line is CF301's check (the statement's
figures carry the line's code as their metric); this rule checks the statement itself.

Anti-pattern: "“住房保障支出（类）住房改革支出（款）住房公积金（项）”350.35万元，主要用于住房公积金。
2023年当年预算执行数为348.52万元，2024年预算安排352.67万元，比2023年预算执行数增加0.53%。" — the
line's budget is stated twice, 350.35 and 352.67; or "…”42.60万元…2023年当年预算执行数为45.41万元，
2024年预算安排42.60万元，比2023年预算执行数减少9.19%" — (42.60 − 45.41) / 45.41 is −6.19 %.

Best practice: the amount stated twice is one figure; the rate is (amount − prior execution) /
prior execution within the rounding of the printed figures; 持平 only when the two are equal
within rounding. A line the report's function-classification tables do not print (a name no
table line bears) is reported as an info: its figures cannot be tied, and no error is made of it.
A rate on a prior execution of zero (2023年…0.00万元…增加100.00%) is not computed; a statement
that gives last year twice (年初预算数 and 执行数) is held to neither alone: a rate or 持平 that fits
either is no finding. In a final account (年初预算为 / 支出决算为 / 完成年初预算的) the completion rate
is CF403's and the actual against the table CF301's; this rule adds the info for a line no table
prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from extraction.claims.items import FUNC_TABLE_KINDS
from rules.base import (
    ROUNDING_NOTE,
    ROUNDING_NOTE_EN,
    Figure,
    Finding,
    Rule,
    RuleContext,
    agrees,
    fmt,
    last_digit_slip,
    ratio_interval,
)
from rules.lookup import table_index
from rules.prose import claim_figure, group_by_paragraph, interval_text, money_figure, prose_evidence, yuan_factor

PREFIX = "item_statement."
# the function-classification tables an item's line is looked up in (those its code is read from)
FUNC_TABLES = FUNC_TABLE_KINDS


def role(claim: Any) -> str | None:
    """The role an item-statement claim has in its statement (amount, prior, repeat, rate, …)."""
    e = claim.explanation or ""
    return e[len(PREFIX):e.index(":")] if e.startswith(PREFIX) and ":" in e else None


def statements(ctx: RuleContext) -> list[list[Any]]:
    """The claims of each item statement, in order: grouped by paragraph, then by line."""
    out: list[list[Any]] = []
    for group in group_by_paragraph(ctx).values():
        by_line: dict[tuple[str, str], list[Any]] = {}
        for c in group:
            if role(c) is not None:
                by_line.setdefault((c.metric or "", c.label or ""), []).append(c)
        out.extend(by_line.values())
    return out


def _line_printed(ctx: RuleContext, metric: str) -> bool | None:
    """Whether a function-classification table of the report prints the line (None: no such table)."""
    doc = ctx.doc
    tables = [t for k in FUNC_TABLES for t in doc.tables_of(k) if not t.empty]
    if not tables:
        return None
    if not metric.startswith("func:"):
        return False
    code = metric[5:]
    return any(table_index(ctx, t).row_with_code(code) is not None for t in tables)


class ItemStatement(Rule):
    __doc__ = __doc__
    code = "CF407"
    name = "prose.item_statement"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        for st in statements(ctx):
            by_role: dict[str, list[Any]] = {}
            for c in st:
                by_role.setdefault(role(c) or "", []).append(c)
            money = [c for c in st if c.kind == "amount" and c.value is not None and yuan_factor(c)]
            amount = next((c for c in by_role.get("amount", ()) if c in money), None)
            repeats = [c for c in by_role.get("repeat", ()) if c in money]
            priors = [c for c in by_role.get("prior", ()) if c in money]
            label = st[0].label or st[0].metric
            yield from self._line_not_printed(ctx, st, label)
            twice_differ = False
            if amount is not None:
                af = money_figure(ctx, amount)
                for r in repeats:
                    rf = money_figure(ctx, r)
                    if agrees(af, rf):
                        continue
                    twice_differ = True
                    yield self.finding(
                        f"同一科目金额前后不一致：「{label}」为 {fmt(amount.value)}{amount.unit}，"
                        f"后文预算安排为 {fmt(r.value)}{r.unit}",
                        f"one line, two amounts: {label} is {fmt(amount.value)} {amount.unit}, then "
                        f"{fmt(r.value)} {r.unit} as its budget",
                        expected=float(amount.value), observed=float(r.value),
                        tolerance=(af.tol + rf.tol) / (yuan_factor(amount) or 1),
                        evidence=[prose_evidence(amount), prose_evidence(r)],
                    )
            actual = next((c for c in by_role.get("actual", ()) if c in money), None)
            current = amount or (repeats[0] if repeats else None) or actual
            if current is None or not priors:
                continue
            prior = priors[0]
            cur_f, pri_f = money_figure(ctx, current), money_figure(ctx, prior)
            # a statement may state last year twice (预算数 and 执行数): a rate or 持平 that fits
            # either is no finding
            others = [money_figure(ctx, p) for p in priors[1:]]
            for g in by_role.get("rate", ()):
                if g.value is None or g.unit not in ("%", None):
                    continue
                yield from self._rate(ctx, g, current, prior, cur_f, pri_f, others,
                                      [money_figure(ctx, r) for r in repeats] if twice_differ else [], label)
            for ch in by_role.get("change", ()):
                if ch.direction != "flat" or ch.value != 0 or ch.unit is not None:
                    continue
                if agrees(cur_f, pri_f) or any(agrees(cur_f, o) for o in others):
                    self.tie(ch)  # 持平, and the two figures agree
                else:
                    yield self.finding(
                        f"「{label}」称与上年预算执行数持平，但本年 {fmt(current.value)}{current.unit}，"
                        f"上年执行 {fmt(prior.value)}{prior.unit}",
                        f"{label}: stated unchanged, but {fmt(current.value)} against last year's "
                        f"{fmt(prior.value)}",
                        expected=float(prior.value), observed=float(current.value),
                        tolerance=(cur_f.tol + pri_f.tol) / (yuan_factor(current) or 1),
                        evidence=[prose_evidence(ch), prose_evidence(current), prose_evidence(prior)],
                    )

    def _rate(self, ctx: RuleContext, g: Any, current: Any, prior: Any, cur_f: Figure, pri_f: Figure,
              other_priors: list[Figure], other_amounts: list[Figure], label: str) -> Iterable[Finding]:
        """The rate against the amount and the prior execution; no finding when it fits another
        prior figure of the statement, or the amount's other printing (then the two amounts are
        the finding)."""
        if pri_f.value - pri_f.tol <= 0:
            return  # a zero (or negative) prior execution: no rate to compute
        gf = claim_figure(ctx, g)

        def fits(cf: Figure, pf: Figure) -> bool:
            if pf.value - pf.tol <= 0:
                return True  # no rate on a zero base: nothing to contradict
            iv = ratio_interval(Figure(cf.value - pf.value, cf.tol + pf.tol), pf)
            return iv is None or (gf.value + gf.tol >= iv[0] - 1e-9 and gf.value - gf.tol <= iv[1] + 1e-9)

        iv = ratio_interval(Figure(cur_f.value - pri_f.value, cur_f.tol + pri_f.tol), pri_f)
        if iv is None:
            return
        lo, hi = iv
        if fits(cur_f, pri_f) or any(fits(cur_f, p) for p in other_priors):
            self.tie(g)  # the rate checked against the statement's two figures (no table figure)
            return
        if any(fits(a, pri_f) for a in other_amounts):
            return
        slip = last_digit_slip(gf, lo, hi)
        yield self.finding(
            f"增减率不符：「{label}」{fmt(current.value)}{current.unit}，上年预算执行数 {fmt(prior.value)}{prior.unit}，"
            f"增减率应为 {interval_text(lo, hi)}，文中为 {g.value}%" + (ROUNDING_NOTE if slip else ""),
            f"rate mismatch for {label}: {fmt(current.value)} against last year's execution {fmt(prior.value)} "
            f"is {interval_text(lo, hi)}, the prose prints {g.value}%" + (ROUNDING_NOTE_EN if slip else ""),
            expected=100 * (cur_f.value - pri_f.value) / pri_f.value, observed=float(g.value),
            tolerance=gf.tol + (hi - lo) / 2,
            evidence=[prose_evidence(g), prose_evidence(current), prose_evidence(prior)],
            severity="warning" if slip else None,
        )

    def _line_not_printed(self, ctx: RuleContext, st: list[Any], label: str) -> Iterable[Finding]:
        metric = st[0].metric or ""
        if _line_printed(ctx, metric) is not False:
            return
        c = next((x for x in st if x.kind == "amount" and x.value is not None), st[0])
        yield self.finding(
            f"「{label}」在本报告的功能分类支出表中没有对应的科目行，该说明的金额无法与表格核对",
            f"{label}: no line of the report's function-classification tables bears this name or code; "
            f"its figures cannot be tied to a table",
            evidence=[prose_evidence(c)],
            severity="info",
        )


RULE = ItemStatement
