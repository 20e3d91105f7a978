"""A prose figure is the table's figure in the wrong unit: 元 written for 万元 (or the reverse).

Anti-pattern: 情况说明 says "其他商品和服务支出20.54元" while the 基本支出表 (万元) prints 30299
其他商品和服务支出 20.54 — the number is right, the unit is not.

Best practice: "其他商品和服务支出20.54万元", the unit of the table restated with its figure.

An amount whose line the prose does not name in words the lexicon knows ("X收入预算4837.48元")
is tied to the tables by its digits alone, and only when they cannot be a coincidence: at least
five significant digits printed with two decimals, found in a table of the other unit and in no
table of its own unit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from extraction.model import Cell, Row, Table
from rules.base import Finding, Rule, RuleContext, agrees, cell_figure, cell_tol, fmt, numeric_cells
from rules.lookup import row_unit, unit_factor
from rules.prose import claim_figure, money_kind, table_targets, target_in_claim_unit, yuan_factor
from rules.units import same_digits, scaled_agrees

# the factor by which a figure printed under this unit is off when it was converted to the other:
# 14.48 (万元) printed as 元 is 10^4 too small
_CONVERTED = {"元": 1e4, "万元": 1e-4}


class ProseUnitSlip(Rule):
    __doc__ = __doc__
    code = "CF503"
    name = "units.prose_unit"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        claims = ctx.claims
        # A table whose figures every claim finds 10^4 off is a table with a wrong header
        # (CF502), not prose with wrong units: only tables that some claim agrees with count.
        # Each named amount's figure and targets are looked up once, for both passes.
        looked = [(c, claim_figure(ctx, c), table_targets(ctx, c)) for c in claims
                  if c.kind == "amount" and c.value and c.metric and yuan_factor(c) is not None]
        trusted: set[str] = set()
        for c, cf, targets in looked:
            for t in targets:
                if t.figure.value and agrees(cf, target_in_claim_unit(t, c)):
                    trusted.add(t.table.id)
        for c, cf, targets in looked:
            if not targets or any(agrees(cf, target_in_claim_unit(t, c)) for t in targets):
                continue
            for t in targets:
                tf = target_in_claim_unit(t, c)
                if tf.value == 0 or t.table.id not in trusted:
                    continue
                unit_t = row_unit(t.table, t.row)
                if unit_factor(unit_t) == yuan_factor(c):
                    # the table in the claim's own unit: the prose gives the figure converted to the
                    # other unit under this one's name ("“三公”经费预算数为14.48元", the table 144,805.00 元)
                    if scaled_agrees(cf, tf) != _CONVERTED.get(c.unit):
                        continue
                elif not same_digits(cf.value, cf.tol, t.figure.value, t.figure.tol):
                    continue
                meant = _other_unit(c.unit)
                yield self.finding(
                    f"情况说明称{c.label or c.metric} {fmt(c.value)}{c.unit}，而{t.table.title or t.table.kind}"
                    f"「{t.row.name}」为 {fmt(t.figure.value)}{t.table.unit or ''}：数字相同而单位差 10⁴ 倍，应为{meant}",
                    f"the prose states {c.metric} = {fmt(c.value)} {c.unit}; {t.table.kind} prints "
                    f"{fmt(t.figure.value)} {t.table.unit or ''}: same digits, unit off by 10^4",
                    expected=tf.value, observed=c.value, tolerance=cf.tol + tf.tol,
                    evidence=[e for e in (cf.evidence, t.figure.evidence) if e is not None],
                )
                break
        yield from self._unnamed(ctx)

    def _unnamed(self, ctx: RuleContext) -> Iterable[Finding]:
        doc, claims = ctx.doc, ctx.claims
        todo = []
        for c in claims:
            if c.kind != "amount" or not c.value or yuan_factor(c) is None:
                continue
            if money_kind(c.metric) and table_targets(ctx, c):
                continue  # a named line the tables print: compared above (a name whose line no table prints, as 收入预算 in a table of 收入总计 only, is searched for like an unnamed figure)
            cf = claim_figure(ctx, c)
            if abs(cf.value) >= 100 and cf.tol <= 0.005:
                todo.append((c, cf))
        if not todo:
            return
        # the money cells of the document near those figures, by their printed value, in printed
        # order (a figure is built only for the cell a finding cites)
        wanted = {math.floor(cf.value) + d for _c, cf in todo for d in (-1, 0, 1)}
        floor = math.floor
        by_value: dict[int, list[tuple[Table, Row, int, Cell, str]]] = {}
        for t in doc.tables:
            for r in t.rows:
                unit_t = row_unit(t, r)
                if unit_t not in ("元", "万元", "亿元"):
                    continue  # 千元 is 10^3 from both
                for ci, cell in numeric_cells(r):
                    if abs(cell.value) >= 100 and floor(cell.value) in wanted:
                        by_value.setdefault(floor(cell.value), []).append((t, r, ci, cell, unit_t))
        for c, cf in todo:
            k = math.floor(cf.value)
            near = [*by_value.get(k - 1, ()), *by_value.get(k, ()), *by_value.get(k + 1, ())]
            same = [x for x in near if same_digits(cf.value, cf.tol, x[3].value, cell_tol(x[3]))]
            if not same or any(unit_factor(u) == yuan_factor(c) for *_x, u in same):
                continue  # nothing alike, or the same digits in a table of the claim's own unit
            t, r, ci, cell, unit_t = same[0]
            f = cell_figure(t, r, cell, ci)
            meant = _other_unit(c.unit)
            yield self.finding(
                f"情况说明写 {fmt(c.value)}{c.unit}，而{t.title or t.kind}「{r.name}」印的是同一数字 "
                f"{fmt(f.value)}{unit_t}：单位差 10⁴ 倍，应为{meant}",
                f"the prose prints {fmt(c.value)} {c.unit}; {t.kind} [{r.name}] prints the same digits in "
                f"{unit_t}: the unit is off by 10^4",
                expected=f.value * unit_factor(unit_t) / (yuan_factor(c) or 1.0), observed=c.value,
                tolerance=cf.tol, evidence=[e for e in (cf.evidence, f.evidence) if e is not None],
            )


RULE = ProseUnitSlip


def _other_unit(unit: str | None) -> str:
    """The unit a figure printed in ``unit`` was meant to be in, when its digits are 10⁴ off."""
    return {"元": "万元", "万元": "元"}.get(unit or "", "另一单位")
