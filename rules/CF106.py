"""人员经费合计 or 公用经费合计 differs from the economic classes it covers (基本支出 = 人员经费 + 公用经费).

Anti-pattern: 一般公共预算财政拨款基本支出决算表 人员经费合计 155.17 while 301 工资福利支出 153.37 +
303 对个人和家庭的补助 1.70 = 155.07.

Best practice: 人员经费合计 = 301 + 303 (the classes in the 人员经费 block) and 公用经费合计 = 302 +
307 + 310 + … (the classes in the 公用经费 block); where the table prints a 合计 of 基本支出 it equals
人员经费合计 + 公用经费合计.
"""

from __future__ import annotations

from collections.abc import Iterable

from extraction.model import Row, Table
from rules.base import Figure, Finding, Rule, RuleContext, agrees, fmt, sum_figures
from rules.lookup import find_row

PERSONNEL_CLASSES = ("301", "303")


def _first_figure(table: Table, row: Row) -> Figure | None:
    from rules.base import figure_at

    for ci in row.columns:
        f = figure_at(table, row, ci)
        if f is not None:
            return f
    return None


class PersonnelPublicTotals(Rule):
    __doc__ = __doc__
    code = "CF106"
    name = "footing.personnel_public_totals"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for table in doc.tables:
            if table.kind != "basic_expenditure_economic" or table.empty:
                continue
            classes: dict[str, Row] = {}
            for r in table.rows:
                if r.code and len(r.code) == 3 and r.code not in classes:
                    classes[r.code] = r
            if not classes:
                continue
            pers = find_row(table, ["人员经费合计", "人员经费"])
            pub = find_row(table, ["公用经费合计", "公用经费"])
            checks = []
            if pers is not None:
                checks.append((pers, [r for c, r in classes.items() if c in PERSONNEL_CLASSES], "人员经费合计",
                               "personnel total", "301 + 303"))
            if pub is not None:
                checks.append((pub, [r for c, r in classes.items() if c not in PERSONNEL_CLASSES], "公用经费合计",
                               "public-expense total", "302 + 307 + 310 + …"))
            for total, parts, label, label_en, which in checks:
                tf = _first_figure(table, total)
                if tf is None:
                    continue
                pfs = [f for f in (_first_figure(table, r) for r in parts) if f is not None]
                s = sum_figures(pfs) if pfs else Figure(0.0, 0.0)
                if agrees(tf, s):
                    continue
                yield self.finding(
                    f"{table.title or table.kind}：{label} 为 {fmt(tf.value)}，经济分类 {which} 合计为 {fmt(s.value)}",
                    f"{table.kind}: {label_en} {fmt(tf.value)} != economic classes {which} {fmt(s.value)}",
                    expected=s.value, observed=tf.value, tolerance=tf.tol + s.tol,
                    evidence=[e for e in [tf.evidence, *[p.evidence for p in pfs]] if e is not None],
                )
            total = find_row(table, ["合计", "基本支出合计"])
            if total is not None and pers is not None and pub is not None:
                tf, a, b = _first_figure(table, total), _first_figure(table, pers), _first_figure(table, pub)
                if tf is not None and a is not None and b is not None and not agrees(tf, sum_figures([a, b])):
                    s = sum_figures([a, b])
                    yield self.finding(
                        f"{table.title or table.kind}：合计 {fmt(tf.value)} ≠ 人员经费合计 + 公用经费合计 {fmt(s.value)}",
                        f"{table.kind}: total {fmt(tf.value)} != personnel + public {fmt(s.value)}",
                        expected=s.value, observed=tf.value, tolerance=tf.tol + s.tol,
                        evidence=[tf.evidence, a.evidence, b.evidence],
                    )


RULE = PersonnelPublicTotals
