"""A figure stated in the prose differs from the same figure in the tables.

Anti-pattern: 情况说明 says "因公出国（境）费支出决算为5.79万元" while the "三公"经费表 prints
因公出国（境）费 决算数 0.00; or "无公务接待费支出" while the table prints 2.19.

Best practice: the prose restates the table: 0.00 万元 (or 无…支出) where the table prints
nothing, the same figure within the rounding of the less precise of the two. A difference that
disappears ×10^4 is a unit slip (CF503); a claim whose scope differs from every table that
prints its line is a warning at most, and nothing when the table of its own scope is missing
from the report (CF603 reports that table).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from extraction.model import Document
from rules.base import Evidence, Figure, Finding, Rule, agrees, fmt
from rules.lookup import unit_factor
from rules.prose import (
    BUDGET_PERIODS,
    agreeing_target,
    claim_figure,
    confirming_targets,
    label_names_metric,
    scope_tables_missing,
    table_targets,
    target_in_claim_unit,
    yuan_factor,
)
from rules.units import same_digits, scaled_agrees

# the tables a statement of none ("无政府性基金预算财政拨款收入和支出", "…支出0万元") restates when
# they are printed empty (本表无数据) or without a figure: such a zero ties to the table
ZERO_TABLES = {"gov_fund_expenditure": "gov_fund", "income_gov_fund": "gov_fund",
               "state_capital_expenditure": "state_capital", "income_state_capital": "state_capital"}
TWO_SCOPE = {"expenditure_basic", "expenditure_project", "expenditure_personnel", "expenditure_public"}
SCOPE_ZH = {"all": "全部资金", "fiscal": "财政拨款", "general_budget": "一般公共预算财政拨款"}


def comparable(claim: Any) -> bool:
    if claim.kind != "amount" or claim.value is None or not claim.metric:
        return False
    if not label_names_metric(claim):
        return False  # the metric was inferred from context: too weak to accuse the report
    return yuan_factor(claim) is not None or claim.unit is None and claim.value == 0


class ProseAmountVsTable(Rule):
    __doc__ = __doc__
    code = "CF301"
    name = "prose.amount_vs_table"
    severity = "error"

    def check(self, doc: Document, claims: Sequence[Any]) -> Iterable[Finding]:
        for c in claims:
            if c.kind == "amount" and c.value == 0 and c.metric in ZERO_TABLES and self._tie_zero(doc, c):
                continue
            if not comparable(c):
                if c.kind == "amount" and c.metric and c.value is not None and yuan_factor(c) is not None:
                    # a metric taken from context is never accused, but a figure that agrees ties
                    t = agreeing_target(doc, c)
                    if t is not None:
                        self.tie(c, t.figure)
                    elif table_targets(doc, c):
                        self.pass_over(c, "metric_from_context")
                    else:
                        self._confirm(doc, c)
                continue
            targets = table_targets(doc, c)
            if c.scope and any(t.scope == c.scope for t in targets):
                targets = [t for t in targets if t.scope == c.scope]
            elif c.scope == "general_budget" and doc.table("general_budget_expenditure") is not None \
                    and c.metric.startswith(("func:", "expenditure_")):
                continue  # its own table is there but the line was not read: no comparison across scopes
            if not targets:
                self._confirm(doc, c)
                continue
            hit = agreeing_target(doc, c, targets)
            if hit is not None:
                self.tie(c, hit.figure)
                continue
            cf = claim_figure(doc, c) if c.unit else Figure(0.0, 0.0, claim_figure(doc, c).evidence)
            slipped = bool(c.unit) and any(
                target_in_claim_unit(t, c).value != 0 and unit_factor(t.table.unit) != (yuan_factor(c) or 0)
                and same_digits(cf.value, cf.tol, t.figure.value, t.figure.tol) for t in targets)
            if not slipped and c.unit and cf.value and any(
                    target_in_claim_unit(t, c).value and scaled_agrees(cf, target_in_claim_unit(t, c)) for t in targets):
                slipped = True  # 10^4 apart: a unit problem of the table or the prose (CF502/CF503)
            if slipped:
                self.pass_over(c, "unit_slip")
                continue  # a unit slip reported by CF502/CF503
            t = targets[0]
            tf = target_in_claim_unit(t, c) if c.unit else t.figure
            scope_mismatch = c.scope is not None and all(x.scope != c.scope for x in targets)
            # the figure of the same line in a table of another scope agrees: a scope slip, a warning
            other = [x for x in table_targets(doc, c) if x.scope != t.scope]
            agreeing = [x for x in other if agrees(cf, target_in_claim_unit(x, c) if c.unit else x.figure)]
            unstated = (c.scope is None and (c.metric in TWO_SCOPE or c.metric.startswith("func:"))
                        and all(x.scope != "all" for x in targets))
            scope_mismatch = scope_mismatch or bool(agreeing) or unstated
            own = c.scope or ("all" if unstated else None)
            if scope_mismatch and not agreeing and own and scope_tables_missing(doc, c, own):
                self.pass_over(c, "scope_table_missing")
                continue  # the table of the claim's own scope is not printed (CF603): nothing to tie it to
            when = "预算" if (c.period or "current") in BUDGET_PERIODS and not (c.label or "").endswith("预算") else ""
            unit = c.unit or ""
            msg = (f"情况说明称{c.label or c.metric}{when}为 {fmt(c.value)}{unit}，"
                   f"{t.table.title or t.table.kind}「{t.row.name}」为 {fmt(t.figure.value)}{t.table.unit or ''}")
            en = (f"the prose states {c.metric} = {fmt(c.value)} {unit}; {t.table.kind} row {t.row.code or t.row.name} "
                  f"prints {fmt(t.figure.value)} {t.table.unit or ''}")
            if scope_mismatch:
                said = SCOPE_ZH.get(c.scope, c.scope) if c.scope else "未说明口径"
                if agreeing:
                    why = f"与文中相符的是{SCOPE_ZH.get(agreeing[0].scope, agreeing[0].scope)}口径的表「{agreeing[0].table.title}」"
                else:
                    why = f"表为{SCOPE_ZH.get(t.scope, t.scope)}口径，文中{said}"
                msg += f"（口径可能不同：{why}，差异可能合理）"
                en += " (different scope: the difference may be legitimate)"
            yield self.finding(
                msg, en, expected=tf.value, observed=c.value, tolerance=cf.tol + tf.tol,
                evidence=[e for e in (cf.evidence, t.figure.evidence) if e is not None],
                severity="warning" if scope_mismatch else None,
            )

    def _confirm(self, doc: Document, c: Any) -> None:
        """No line to compare the claim with: a confirm-only line (claim_tables.yaml) that agrees
        ties it; one that differs says nothing."""
        if yuan_factor(c) is None:
            return
        hit = agreeing_target(doc, c, confirming_targets(doc, c))
        if hit is not None:
            self.tie(c, hit.figure)

    def _tie_zero(self, doc: Document, c: Any) -> bool:
        """A zero statement ties to its table printed empty or without a figure (never a finding);
        False when no such table is printed."""
        for t in doc.tables_of(ZERO_TABLES[c.metric]):
            if t.empty or all(not v for r in t.rows for v in r.values):
                ev = Evidence(source="table", page=t.pages[0] if t.pages else None, text=t.title or t.kind,
                              value=0.0, table=f"{t.id} {t.title or t.kind}", row=None, column=None)
                self.tie(c, Figure(0.0, 0.0, ev))
                return True
        return False


RULE = ProseAmountVsTable
