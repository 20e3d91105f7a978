"""A table's stated unit contradicts its figures: the same figure elsewhere is exactly 10^4 apart.

Anti-pattern: 一般公共预算财政拨款基本支出决算表 headed 单位：元 prints 合计 800.11, while
支出决算表 (万元) prints 基本支出 800.11 — the figures are in 万元 and the header says 元.

Best practice: the header unit of each table is the unit of its figures, so the same line in two
tables agrees once both are converted to 元.
"""

from __future__ import annotations

from collections.abc import Iterable

from extraction.model import Document, Table
from rules.base import Evidence, Finding, Rule, RuleContext, figure_at, fmt
from rules.CF201 import cross_pairs, yuan
from rules.lookup import find_column, find_row
from rules.units import scaled_agrees


def _basic_pairs(doc: Document):
    """06's 人员+公用 totals against the 基本支出 of 05 and 03 (compared for their units only)."""
    econ = doc.table("basic_expenditure_economic")
    if econ is None or econ.empty:
        return
    pers = find_row(econ, ["人员经费合计", "人员经费"])
    pub = find_row(econ, ["公用经费合计", "公用经费"])
    total = find_row(econ, ["合计", "基本支出合计"])
    figs = [f for f in (figure_at(econ, r, r.columns[0]) for r in (pers, pub) if r and r.columns) if f]
    if total and total.columns:
        t = figure_at(econ, total, total.columns[0])
        figs = [t] if t else figs
    if not figs:
        return
    from rules.base import sum_figures

    econ_total = sum_figures(figs) if len(figs) > 1 else figs[0]
    econ_total = type(econ_total)(econ_total.value, econ_total.tol, figs[0].evidence)
    for kind in ("general_budget_expenditure", "expenditure"):
        other = doc.table(kind)
        if other is None or other.empty:
            continue
        col = find_column(other, "本年支出", "基本支出") or find_column(other, "基本支出", exclude=("年初", "年末"))
        row = find_row(other, ["合计"])
        if col is None or row is None:
            continue
        f = figure_at(other, row, col.index)
        if f is not None:
            yield econ, econ_total, other, f, "基本支出", "basic expenditure"


class HeaderUnitContradiction(Rule):
    __doc__ = __doc__
    code = "CF502"
    name = "units.header_contradicts_figures"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        flagged: set[str] = set()
        for a, fa, b, fb, what, what_en in [*cross_pairs(ctx), *_basic_pairs(doc)]:
            k = scaled_agrees(yuan(fa, a), yuan(fb, b))
            if k is None or abs(k) not in (1e4, 1e-4):
                continue
            # the odd one out is the table whose unit differs from the document's usual unit
            odd: Table = a if (a.unit or "万元") != (doc.meta.unit or "万元") else b
            if odd.id in flagged:
                continue
            flagged.add(odd.id)
            other = b if odd is a else a
            fo, ft = (fa, fb) if odd is a else (fb, fa)
            header = Evidence(source="table", page=odd.pages[0] if odd.pages else None,
                              text=f"单位：{odd.unit or '未注明'}", table=f"{odd.id} {odd.title or odd.kind}",
                              bbox=odd.bbox)
            yield self.finding(
                f"{odd.title or odd.kind} 表头单位为「{odd.unit or '未注明'}」，但其{what} {fmt(fo.value)} 与"
                f"{other.title or other.kind}（{other.unit or '未注明'}）的 {fmt(ft.value)} 恰差 10⁴ 倍：表头单位与数字不符",
                f"{odd.kind} says its unit is {odd.unit}, but its {what_en} {fmt(fo.value)} is exactly 10^4 off "
                f"{other.kind}'s {fmt(ft.value)} ({other.unit}): the header unit contradicts the figures",
                expected=ft.value, observed=fo.value,
                evidence=[header, *[e for e in (fo.evidence, ft.evidence) if e is not None]],
            )


RULE = HeaderUnitContradiction
