"""A change against last year stated in the prose disagrees with last year's own report.

Anti-pattern: the 2018 budget says "收入、支出预算总计10,150.48万元，与上年相比…各增加1,003.69万元"
while its tables print 总计 10,150.48 and the 2017 budget of the same department prints 总计
9,046.79: the change from one report to the other is 1,103.69, not 1,003.69 — last year's figure
was restated (or the change computed on another figure).

Best practice: a change "比上年增加/减少 X" equals this report's table figure of the line minus the
same line of last year's report of the same kind (a budget against last year's budget, a final
account against last year's final account), within the rounding of the three printed figures.
A change whose words name no line ("2024年度收入支出总计1,573.23万元。较2023年增加…") is of
the line its paragraph's figure names.  A restatement can be legitimate (an adjusted budget, a change of scope), so the finding is a
warning that names both reports.

A rule of the CF9xx family: it reads a document set — this report and last year's report of the
same department and kind — never files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from extraction.model import Document
from rules.base import Figure, Finding, RuleContext, SetRule, agrees, fmt
from rules.lookup import norm_name
from rules.prose import (
    claim_figure,
    group_by_paragraph,
    label_names_metric,
    money_kind,
    nearest_amount,
    paragraph_key,
    target_in_unit,
    targets_of,
    yuan_factor,
)

# what a change is measured against, in the words before it: last year (not 年初预算, not 上年执行数)
_AGAINST_LAST_YEAR = ("上年", "去年", "上一年")
_AGAINST_OTHER = ("预算数", "年初预算", "执行数", "决算数", "调整预算")
_HEADLINE_TOTALS = ("grand_total_income", "income_total", "grand_total", "expenditure_total", "grand_total_expenditure")


class PriorYearRestated(SetRule):
    __doc__ = __doc__
    code = "CF901"
    name = "cross_year.change_vs_prior_report"
    severity = "warning"

    def check_pair(self, ctx: RuleContext) -> Iterable[Finding]:
        doc, claims, prior = ctx.doc, ctx.claims, ctx.other
        if not (doc.meta.year and prior.meta.year == doc.meta.year - 1 and prior.meta.kind == doc.meta.kind):
            return
        for c in claims:
            if c.kind != "change" or c.value is None or not yuan_factor(c):
                continue
            if not self._against_last_year(doc, c):
                continue  # a change against something else
            metric = c.metric
            if money_kind(metric) is not True:
                # words that name no line the lexicon knows ("收入预算较2023年预算增加…"): the line of
                # the report's totals its paragraph's figure is, if it is one
                found = self._headline_total(ctx, c)
                if found is None:
                    continue
                metric, anchor = found
            else:
                anchor = None if label_names_metric(c) else self._named_current(ctx, c)
                if anchor is False:
                    continue  # a line only inferred from context
            if metric.startswith("econ:"):
                continue  # an economic item's only line is basic expenditure's: a part of the sentence's figure
            period = c.period or "current"
            now, before = targets_of(ctx, metric, period), targets_of(ctx.of(prior), metric, period)
            # the lines of the claim's own scope first (all funds when it names none: "一般公共服务（类）
            # 支出20153.75万元，与上年相比增加3161.38万元" is the 支出预算总表's line, not the 财政拨款 one,
            # which in 2017 left out 147.20 of 财政专户 money)
            # (a change that names no scope is of its paragraph's figure's: "财政拨款收入支出总计1895.14万元。
            # 比2023年减少373.55万元" is the 财政拨款 total's)
            scope = c.scope or (getattr(anchor, "scope", None) if anchor is not None else None)
            own = scope or "all"
            pairs = [(a, b) for a in now for b in before if same_line(a, b)]
            pairs.sort(key=lambda ab: ab[0].scope != own)
            if not pairs:
                continue  # not printed alike in both reports
            # (a line of another scope only when the claim's own scope prints lines of its own: 机关运行经费
            # has none but the 财政拨款 one, which is then the line whatever the money outside it)
            other_scope = pairs[0][0].scope != own and any(t.scope == own for t in (*now, *before))
            if (other_scope or (scope is None and _fiscal_section(doc, c))) \
                    and _other_scope_money(ctx, ctx.of(prior)):
                # a report with money outside 财政拨款: a change of unstated scope in the 财政拨款
                # section ("收、支预算总计各增加3756.18万元" under 财政拨款收支预算总表情况说明) is the
                # fiscal line's, not the all-funds line a total of its name finds
                continue
            pair = pairs[0]
            k = yuan_factor(c)
            t_now, t_before = pair
            f_now, f_before = target_in_unit(t_now, k), target_in_unit(t_before, k)
            if anchor is not None and not agrees(claim_figure(ctx, anchor), target_in_unit(t_now, yuan_factor(anchor))):
                continue  # the paragraph's figure is not this line's: the change may be another line's
            implied = Figure(f_now.value - f_before.value, f_now.tol + f_before.tol)
            cf = claim_figure(ctx, c)
            if agrees(cf, implied):
                self.tie(c, t_before.figure)
                continue
            if cf.value and implied.value and abs(abs(cf.value / implied.value) - 1e4) < 1:
                continue  # 10^4 apart: a unit slip, CF5xx's
            # (a change whose words name no line is told by its paragraph's figure's words)
            label = (anchor.label if anchor is not None and anchor.label else None) or c.label or metric
            unit = c.unit or ""
            before_ev = t_before.figure.evidence
            evidence = [e for e in (cf.evidence, t_now.figure.evidence) if e is not None]
            if before_ev is not None:
                evidence.append(replace(before_ev, document=prior.sha256))
            yield self.finding(
                f"{doc.meta.year}年报告称{label}比上年变动 {fmt(c.value)}{unit}；本报告表中为 {fmt(f_now.value)}{unit}，"
                f"{prior.meta.year}年报告表中为 {fmt(f_before.value)}{unit}，两份报告相差 {fmt(implied.value)}{unit}"
                "（上年数可能经过调整，需核对）",
                f"the {doc.meta.year} report states a change of {fmt(c.value)} {unit} in {metric}; its table prints "
                f"{fmt(f_now.value)}, the {prior.meta.year} report prints {fmt(f_before.value)}: a change of "
                f"{fmt(implied.value)} between the two reports",
                expected=implied.value, observed=c.value, tolerance=cf.tol + implied.tol, evidence=evidence,
            )

    @staticmethod
    def _headline_total(ctx: RuleContext, c: Any) -> tuple[str, Any] | None:
        """(metric, amount) for a change whose words name no known line: the amount read alike
        before it in its paragraph ("X收入预算2,830.79万元，…。收入预算较2023年预算增加357.01万元"), when
        it is one of the totals of the report's 收支总表 (收入总计, 本年收入合计, 总计, 本年支出合计)."""
        group = group_by_paragraph(ctx).get(paragraph_key(ctx.doc, c)) or []
        a = nearest_amount(group, c.metric, c, periods=None)  # (a budget's figures are of the budget)
        if a is None or (a.page, a.start) > (c.page, c.start) or not yuan_factor(a):
            return None
        if a.metric and money_kind(a.metric) is True:
            # the amount names a line of its own ("一般公共预算收入预算24458.43万元，与上年相比增加
            # 3756.18万元"): the change is of that line, which may print as much as a total does
            return a.metric, a
        fa, k = claim_figure(ctx, a), yuan_factor(a)
        for metric in _HEADLINE_TOTALS:
            if any(agrees(fa, target_in_unit(t, k)) for t in targets_of(ctx, metric, "current")):
                return metric, a
        return None

    @staticmethod
    def _named_current(ctx: RuleContext, c: Any) -> Any:
        """For a change whose words do not name its line ("2024年度收入支出总计3,210.55万元。比2023年
        增加99.64万元"), the current amount of its metric printed before it in its paragraph, when
        that one names the line (False when there is none): the change is of that figure's line."""
        group = group_by_paragraph(ctx).get(paragraph_key(ctx.doc, c)) or []
        a = nearest_amount(group, c.metric, c)
        if a is None or (a.page, a.start) > (c.page, c.start) or not label_names_metric(a) or not yuan_factor(a):
            return False
        return a

    @staticmethod
    def _against_last_year(doc: Document, c: Any) -> bool:
        """Whether the clause of the change measures it against last year ("与上年相比增加",
        "比2017年增加"), not against a budget or last year's execution."""
        try:
            lead = doc.pages[c.page - 1].text[max(0, c.start - 40):c.start]
        except IndexError:
            return False
        cut = max(lead.rfind(p) for p in "。；;")
        lead = lead[cut + 1:]
        if any(w in lead for w in _AGAINST_OTHER):
            return False
        year = str(doc.meta.year - 1) if doc.meta.year else None
        # "比2017年", "较2017年", "与2017年相比", "同2017年相比"
        return any(w in lead for w in _AGAINST_LAST_YEAR) or bool(year and re.search(f"[比较与同]{year}年", lead))


def _fiscal_section(doc: Document, c: Any) -> bool:
    """Whether the explanation a claim stands in is of a 财政拨款 table (its heading, the last
    "…情况说明" line before it on its page or the page before, names 财政拨款)."""
    for page in (c.page, c.page - 1):
        if page < 1 or page > len(doc.pages):
            continue
        text = doc.pages[page - 1].text
        if page == c.page:
            text = text[:c.start]
        at = text.rfind("情况说明")
        if at >= 0:
            line = text[text.rfind("\n", 0, at) + 1:at]
            return "财政拨款" in line
    return False


def _other_scope_money(*contexts: RuleContext) -> bool:
    """Whether either report (by its context) has money outside 财政拨款 (its all-funds totals differ
    from its fiscal ones): then a line of one scope does not stand for the other's."""
    for d in contexts:
        alls = [t.figure.value for t in targets_of(d, "grand_total", "current") if t.scope == "all"]
        fiscal = [t.figure.value for t in targets_of(d, "grand_total", "current") if t.scope == "fiscal"]
        if alls and fiscal and abs(alls[0] - fiscal[0]) > 0.01:  # (apart by more than rounding)
            return True
    return False


def same_line(a: Any, b: Any) -> bool:
    """Two reports' targets are the same line: the same kind of table, scope and code (or name)."""
    if a.table.kind != b.table.kind or a.scope != b.scope:
        return False
    # a code and its name alike: a class revised from one year to the next keeps its code under
    # a new name and scope (2040405 公诉和审判监督 in 2017, 公诉、审判、侦查、执行等检察监督支出 in 2018)
    return a.row.code == b.row.code and norm_name(a.row.name) == norm_name(b.row.name)


RULE = PriorYearRestated
