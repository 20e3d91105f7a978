"""A prose figure is the table's figure in the wrong unit: 元 written for 万元 (or the reverse).

Anti-pattern: 情况说明 says "其他商品和服务支出20.54元" while the 基本支出表 (万元) prints 30299
其他商品和服务支出 20.54 — the number is right, the unit is not.

Best practice: "其他商品和服务支出20.54万元", the unit of the table restated with its figure.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from extraction.model import Document
from rules.base import Finding, Rule, agrees, fmt
from rules.lookup import unit_factor
from rules.prose import claim_figure, table_targets, target_in_claim_unit, yuan_factor
from rules.units import same_digits


class ProseUnitSlip(Rule):
    __doc__ = __doc__
    code = "CF503"
    name = "units.prose_unit"
    severity = "error"

    def check(self, doc: Document, claims: Sequence[Any]) -> Iterable[Finding]:
        # A table whose figures every claim finds 10^4 off is a table with a wrong header
        # (CF502), not prose with wrong units: only tables that some claim agrees with count.
        trusted: set[str] = set()
        for c in claims:
            if c.kind == "amount" and c.value and c.metric and yuan_factor(c) is not None:
                cf = claim_figure(doc, c)
                for t in table_targets(doc, c):
                    if t.figure.value and agrees(cf, target_in_claim_unit(t, c)):
                        trusted.add(t.table.id)
        for c in claims:
            if c.kind != "amount" or not c.value or not c.metric or yuan_factor(c) is None:
                continue
            targets = table_targets(doc, c)
            cf = claim_figure(doc, c)
            if not targets or any(agrees(cf, target_in_claim_unit(t, c)) for t in targets):
                continue
            for t in targets:
                tf = target_in_claim_unit(t, c)
                if tf.value == 0 or t.table.id not in trusted:
                    continue
                unit_t = t.row.unit if t.row.unit in ("元", "万元", "亿元") else t.table.unit
                if unit_factor(unit_t) == yuan_factor(c) or not same_digits(cf.value, cf.tol, t.figure.value, t.figure.tol):
                    continue
                meant = {"元": "万元", "万元": "元"}.get(c.unit or "", "另一单位")
                yield self.finding(
                    f"情况说明称{c.label or c.metric} {fmt(c.value)}{c.unit}，而{t.table.title or t.table.kind}"
                    f"「{t.row.name}」为 {fmt(t.figure.value)}{t.table.unit or ''}：数字相同而单位差 10⁴ 倍，应为{meant}",
                    f"the prose states {c.metric} = {fmt(c.value)} {c.unit}; {t.table.kind} prints "
                    f"{fmt(t.figure.value)} {t.table.unit or ''}: same digits, unit off by 10^4",
                    expected=tf.value, observed=c.value, tolerance=cf.tol + tf.tol,
                    evidence=[e for e in (cf.evidence, t.figure.evidence) if e is not None],
                )
                break


RULE = ProseUnitSlip
