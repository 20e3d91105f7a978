"""机关运行经费 does not fit the 公用经费 of basic expenditure, as the report's own definition says it must.

Anti-pattern: the report defines "机关运行经费指行政单位和参照公务员法管理的事业单位使用一般公共预算
财政拨款安排的基本支出中的公用经费支出", its 三公 table prints 机关运行经费 26.76 and its 一般公共预算
财政拨款基本支出决算表 公用经费合计 20.76 — a part larger than the whole it is taken from.

Best practice: 机关运行经费 ≤ 公用经费合计 of 一般公共预算财政拨款基本支出 (the 公用经费 of the units
that are 行政 or 参公); where the definition is the whole 公用经费 (not 日常公用经费) they are
usually equal, and a smaller 机关运行经费 is a warning (it is right only when the department has
units that are neither).  The rule runs only when the report defines 机关运行经费 as part of
basic expenditure's 公用经费 (older definitions — "指各部门的公用经费，包括…", which counted
project expenditure — are not checked); a definition over all 财政拨款 rather than 一般公共预算
makes an excess a warning (government-fund money could be in it).  机关运行经费 is taken from the
三公 / 相关信息 table, else from the prose; compared in 元 with each figure's rounding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from extraction.model import Document, Table
from rules.base import Figure, Finding, Rule, RuleContext, figure_at, fmt
from rules.CF202 import basic_totals
from rules.CF203 import _period_columns, basic_table
from rules.CF601 import prose_evidence
from rules.lookup import unit_factor
from rules.prose import money_figure, targets_of, yuan_factor
from rules.units import scaled_agrees

# "机关运行经费…指/是/为…基本支出中的（日常）公用经费"
DEFINITION = re.compile(r"机关运行经费[”\"」]?\s*[：:]?\s*(?:是)?(?:指|为|是指)[^。]{0,80}?基本支出中的(日常)?公用经费")


def definition(doc: Document) -> tuple[Any, re.Match[str]] | None:
    """The paragraph and match of the report's definition of 机关运行经费 as part of 公用经费."""
    for p in doc.paragraphs:
        if "机关运行经费" not in p.text or "公用经费" not in p.text:
            continue
        m = DEFINITION.search(p.text)
        if m:
            return p, m
    return None


def operating_expenses(ctx: RuleContext) -> tuple[Figure, Table | None] | None:
    """机关运行经费 in 元: its table line (三公 / 相关信息, or a wide 三公 table's column), else the prose."""
    doc, claims = ctx.doc, ctx.claims
    period = "budget" if doc.meta.kind == "budget" else "current"
    for t in targets_of(ctx, "operating_expenses", period):
        if t.figure.value:
            return t.figure.scaled(unit_factor(t.table.unit)), t.table
    for table in doc.tables:
        if table.kind != "three_public" or table.empty:
            continue
        for c in _period_columns(doc, table):
            if "机关运行经费" not in c.label:
                continue
            for r in table.rows:
                f = figure_at(table, r, c.index)
                if f is not None and f.value:
                    return f.scaled(unit_factor(table.unit)), table
    wanted = ("budget",) if doc.meta.kind == "budget" else ("current",)
    for c in claims:
        if (c.kind == "amount" and c.metric == "operating_expenses" and c.value and yuan_factor(c)
                and (c.period or "current") in wanted):
            return money_figure(ctx, c), None
    return None


class OperatingExpensesTie(Rule):
    __doc__ = __doc__
    code = "CF204"
    name = "cross_table.operating_expenses"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        found = definition(doc)
        if found is None:
            return
        para, m = found
        basic = basic_table(doc)
        if basic is None:
            return
        public = basic_totals(basic).get("public")
        if public is None or not public.value:
            return
        op = operating_expenses(ctx)
        if op is None:
            return
        fo, source = op
        kb = unit_factor(basic.unit)
        fp = public.scaled(kb)
        slack = fo.tol + fp.tol + 1e-9
        if scaled_agrees(fp, fo) is not None:
            return  # the same figure in another unit: a unit slip (CF501/CF502), not this tie
        daily = m.group(1) is not None
        whole_fiscal = "一般公共预算" not in m.group(0)
        where = "三公经费表" if source is not None else "正文"
        ev_def = prose_evidence(para, m.start(), m.end())
        ev = [e for e in (fo.evidence, public.evidence) if e is not None] + [ev_def]
        shown_o, shown_p = fo.value / kb, public.value
        if fo.value > fp.value + slack:
            yield self.finding(
                f"机关运行经费（{where}）{fmt(fo.value / 1e4)}万元 大于 {basic.title or basic.kind} 的公用经费 "
                f"{fmt(public.value)}{basic.unit or ''}：报告自己将机关运行经费定义为基本支出中的"
                f"{'日常' if daily else ''}公用经费，部分不能大于整体",
                f"operating expenses ({'table' if source is not None else 'prose'}) {fmt(fo.value / 1e4)} 万元 exceed "
                f"the public expenses {fmt(public.value)} {basic.unit or ''} of basic expenditure, of which the "
                f"report defines them as a part",
                expected=shown_p, observed=shown_o, tolerance=slack / kb, evidence=ev,
                severity="warning" if whole_fiscal else None)
        elif not daily and fo.value < fp.value - slack:
            yield self.finding(
                f"机关运行经费（{where}）{fmt(fo.value / 1e4)}万元 小于 {basic.title or basic.kind} 的公用经费 "
                f"{fmt(public.value)}{basic.unit or ''}：报告将机关运行经费定义为行政单位和参公单位基本支出中的公用经费，"
                f"只有部门含其他事业单位时两者才不相等",
                f"operating expenses {fmt(fo.value / 1e4)} 万元 are below the public expenses {fmt(public.value)} "
                f"{basic.unit or ''} of basic expenditure: equal by the report's definition unless the department has "
                f"units that are neither administrative nor civil-service managed",
                expected=shown_p, observed=shown_o, tolerance=slack / kb, evidence=ev, severity="warning")


RULE = OperatingExpensesTie
