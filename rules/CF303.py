"""The same figure is stated twice in the prose with two different values.

Anti-pattern: 情况说明 says "2023年度政府采购支出总额18.11万元" and, in 其他重要事项,
"2023年度政府采购支出总额21.18万元" — one metric, one year, one scope, two values, and no
table prints the figure to say which one is right.

Best practice: a figure stated in two places is the same figure (within the rounding of the
two), or the sentence says why it differs (another scope: 财政拨款, 一般公共预算; another year:
上年; a part: 其中).

Only figures that no table of the report prints are compared here: a figure a table prints is
compared with the table (CF301), once for each place.  Both figures must name their metric in
words, state the same period and the same scope (said in the sentence, or by the heading of its
section), stand in different sentences, and neither may be introduced as a prior year's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from extraction.model import Document
from rules.base import Finding, Rule, RuleContext, agrees, fmt
from rules.prose import (
    group_by_paragraph,
    label_names_metric,
    money_figure,
    prose_evidence,
    same_sentence,
    table_targets,
    yuan_factor,
)
from rules.units import scaled_agrees

# Figures of the report as a whole: one value each in one report (a project's 预算数, a line's
# 支出 or an item's 会议费 are named alike for many subjects, and are not compared here)
REPORT_FIGURES = frozenset({
    "grand_total", "grand_total_income", "grand_total_expenditure", "income_total", "expenditure_total",
    "income_fiscal", "three_public_total", "three_public_abroad", "three_public_vehicle",
    "three_public_vehicle_purchase", "three_public_vehicle_operation", "three_public_reception",
    "operating_expenses", "procurement_total",
})
# words before a figure that make it a part of something (one source, one item of a list)
_PART = re.compile(r"其他资金|财政专户|专户管理|其他收入|事业收入|经营收入|上级补助|附属单位|政府性基金|国有资本|"
                   r"一般公共预算|上年结转|结转下年|其中|包括|具体|用于|工作|项目|活动")
_PRIOR = re.compile(r"上年|上一年|去年|同期|以前年度|结转")
_CLAUSE_START = re.compile(r"[，。；：,;:\n]")
_SCOPE_OF_HEADING = (("一般公共预算", "general_budget"), ("政府性基金", "gov_fund"), ("国有资本", "state_capital"),
                     ("财政拨款", "fiscal"))


def _lead(doc: Document, c: Any) -> str:
    """The words of the claim's clause before its figure."""
    try:
        lead = doc.pages[c.page - 1].text[max(0, c.start - 40):c.start]
    except IndexError:
        return ""
    cut = [m.end() for m in _CLAUSE_START.finditer(lead)]
    return lead[cut[-1]:] if cut else lead


def _heading_scope(doc: Document, para_index: int, titles: dict[str, tuple[str, str | None]]) -> str:
    """The money scope the claim's section headings name (一般公共预算…情况说明), 'all' when none."""
    if para_index < 0:
        return "?"
    para = doc.paragraphs[para_index]
    words = [para.cell.label or ""] if para.cell is not None else []
    sid = para.section
    while sid and sid in titles:
        title, sid = titles[sid]
        words.append(title)
    for w in words:
        for needle, scope in _SCOPE_OF_HEADING:
            if needle in w:
                return scope
    return "all"


class SameFigureTwoValues(Rule):
    __doc__ = __doc__
    code = "CF303"
    name = "prose.same_figure_two_values"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc, claims = ctx.doc, ctx.claims
        year = doc.meta.year
        prior_year = re.compile(rf"{year - 1}\s*年") if year else None
        candidates = []
        for c in claims:
            if c.kind != "amount" or c.value is None or c.metric not in REPORT_FIGURES or yuan_factor(c) is None:
                continue
            if not label_names_metric(c) or table_targets(ctx, c):
                continue  # an inferred metric, or a figure the tables print (CF301 compares it)
            lead = _lead(doc, c)
            if c.period == "prior" or _PRIOR.search(lead) or (prior_year is not None and prior_year.search(lead)):
                continue
            label_at = lead.rfind(c.label) if c.label else -1
            if label_at < 0 or _PART.search(lead[:label_at + len(c.label)]):
                continue  # the figure is not named by its own words, or is a part (其中…, 其他资金…)
            candidates.append(c)
        if len(candidates) < 2:
            return
        para_of = {id(c): i for i, group in group_by_paragraph(ctx).items() for c in group}
        titles = {s.id: (s.title, s.parent) for s in doc.sections}
        seen: dict[tuple[Any, ...], list[Any]] = {}
        for c in candidates:
            pi = para_of.get(id(c), -1)
            if pi >= 0 and doc.paragraphs[pi].cell is not None:
                label = (doc.paragraphs[pi].cell.label or "").strip()
                if re.fullmatch(r"20\d\d", label) and str(year) != label:
                    continue  # a row of another year's targets
            key = (c.metric, c.period or "current", c.scope or _heading_scope(doc, pi, titles))
            seen.setdefault(key, []).append(c)
        for (metric, _period, _scope), group in seen.items():
            if len(group) < 2:
                continue
            first = group[0]
            ff = money_figure(ctx, first)
            for other in group[1:]:
                if same_sentence(first, other):
                    continue
                of = money_figure(ctx, other)
                if agrees(ff, of) or scaled_agrees(ff, of):  # the same, or 10^4 apart (a unit slip, CF503)
                    continue
                yield self.finding(
                    f"同一数字两处不一致：{first.label or metric} 第{first.page}页为 {fmt(first.value)}{first.unit}，"
                    f"第{other.page}页为 {fmt(other.value)}{other.unit}",
                    f"the prose states {metric} twice with different values: {fmt(first.value)} {first.unit} "
                    f"(p.{first.page}) and {fmt(other.value)} {other.unit} (p.{other.page})",
                    expected=first.value, observed=other.value, tolerance=ff.tol + of.tol,
                    evidence=[prose_evidence(first), prose_evidence(other)],
                )
                break  # one finding per figure: the first place against the first that differs


RULE = SameFigureTwoValues
