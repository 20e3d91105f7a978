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

import re
from collections.abc import Iterable, Sequence
from typing import Any

from extraction.model import Document
from rules.base import Evidence, Figure, Finding, Rule, RuleContext, agrees, figure_at, fmt
from rules.lookup import norm_name, row_unit, unit_factor
from rules.prose import (
    BUDGET_PERIODS,
    agreeing_target,
    claim_figure,
    confirming_targets,
    empty_table_target,
    label_names_metric,
    PROJECT_COLUMNS,
    name_path_target,
    project_target,
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
    if (getattr(claim, "explanation", None) or "").startswith(("item_statement.repeat", "item_statement.other")):
        # an item's amount stated again (CF407 compares it with the amount itself), or a figure of
        # the statement whose role is not read: not the line's figure to accuse
        return False
    if not label_names_metric(claim):
        return False  # the metric was inferred from context: too weak to accuse the report
    return yuan_factor(claim) is not None or claim.unit is None and claim.value == 0


class ProseAmountVsTable(Rule):
    __doc__ = __doc__
    code = "CF301"
    name = "prose.amount_vs_table"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc, claims = ctx.doc, ctx.claims
        for c in claims:
            if c.kind == "amount" and c.value == 0 and c.metric in ZERO_TABLES and self._tie_zero(doc, c):
                continue
            if not comparable(c):
                if c.kind == "amount" and c.metric and c.value is not None and yuan_factor(c) is not None:
                    # a metric taken from context is never accused, but a figure that agrees ties
                    # (a confirm-only line that agrees ties it too: the 机关运行经费 table's item
                    # where the basic-expenditure line of its code holds more)
                    t = agreeing_target(ctx, c)
                    if t is not None:
                        self.tie(c, t.figure)
                    elif not self._confirm(ctx, c) and table_targets(ctx, c):
                        self.pass_over(c, "metric_from_context")
                continue
            if c.metric.startswith("grand_total") and part_of_total(doc, c):
                continue  # "其他资金收入预算总计15万元": a line of the income, not the total
            targets = table_targets(ctx, c)
            if c.scope and any(t.scope == c.scope for t in targets):
                targets = [t for t in targets if t.scope == c.scope]
            elif c.scope == "general_budget" and doc.table("general_budget_expenditure") is not None \
                    and c.metric.startswith(("func:", "expenditure_")):
                # its own table is there but the line was not read: no comparison across scopes,
                # but a confirm-only line of its own scope that agrees ties it
                self._confirm(ctx, c, scope=c.scope)
                continue
            if not targets:
                found = list(self._against_empty_table(ctx, c)) if c.value else []
                yield from found
                if not found and not self._confirm(ctx, c) and c.value == 0:
                    # a zero where no line is read: the table of its line printed without a figure
                    et = empty_table_target(ctx, c)
                    if et is not None:
                        self.tie(c, et.figure)
                continue
            hit = agreeing_target(ctx, c, targets)
            if hit is not None:
                self.tie(c, hit.figure)
                continue
            cf = claim_figure(ctx, c) if c.unit else Figure(0.0, 0.0, claim_figure(ctx, c).evidence)
            slipped = bool(c.unit) and any(
                target_in_claim_unit(t, c).value != 0 and unit_factor(t.table.unit) != (yuan_factor(c) or 0)
                and same_digits(cf.value, cf.tol, t.figure.value, t.figure.tol) for t in targets)
            if not slipped and c.unit and cf.value and any(
                    target_in_claim_unit(t, c).value and scaled_agrees(cf, target_in_claim_unit(t, c)) for t in targets):
                slipped = True  # 10^4 apart: a unit problem of the table or the prose (CF502/CF503)
            if slipped:
                self.pass_over(c, "unit_slip")
                continue  # a unit slip reported by CF502/CF503
            if basic_part_only(c, targets, cf):
                self.pass_over(c, "part_printed_only")
                continue
            elsewhere = printed_elsewhere(doc, c, cf, targets) if c.unit else None
            if elsewhere == "slipped":
                continue  # 10^4 off a figure of the same line: a unit slip, not a wrong figure
            t = targets[0]
            tf = target_in_claim_unit(t, c) if c.unit else t.figure
            scope_mismatch = c.scope is not None and all(x.scope != c.scope for x in targets)
            # the figure of the same line in a table of another scope agrees: a scope slip, a warning
            other = [x for x in table_targets(ctx, c) if x.scope != t.scope]
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
            if elsewhere is not None and not scope_mismatch:
                where_t, where_row, where_col = elsewhere
                if any(where_row is x.row for x in targets):
                    why = "可能是表头与数字列错位，或文中所指的列不同"
                else:
                    why = "文中所指的可能是另一行（如含结转结余的总计）"
                msg += f"（文中数字见于{where_t.title or where_t.kind}「{where_row.name}」{where_col}：{why}，需人工核对）"
                en += f" (the figure is printed in {where_t.kind} [{where_row.name}] {where_col}: check the column)"
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
                severity="warning" if scope_mismatch or elsewhere is not None else None,
            )

    def _confirm(self, ctx: RuleContext, c: Any, scope: str | None = None) -> bool:
        """No line to compare the claim with: a confirm-only line (claim_tables.yaml) that agrees
        ties it; one that differs says nothing.  ``scope``: only the lines of that scope.  Whether
        it tied."""
        if yuan_factor(c) is None:
            return False
        targets = confirming_targets(ctx, c)
        if scope is not None:
            targets = [t for t in targets if t.scope == scope]
        else:
            # the lines of the claim's own scope first (all funds for a claim that names none)
            own = c.scope or "all"
            targets = sorted(targets, key=lambda t: t.scope != own)
        hit = agreeing_target(ctx, c, targets)
        if hit is None and c.metric.startswith("func:"):
            # a 款 / 项 line printed by name without its code (法院（款）行政运行（项）)
            path = name_path_target(ctx, c)
            if path is not None and (scope is None or path.scope == scope):
                hit = agreeing_target(ctx, c, [path])
        if hit is None and c.metric in PROJECT_COLUMNS:
            # a project's figure: the 年度资金总额 line of the project's own 绩效自评表
            own = project_target(ctx, c)
            if own is not None:
                hit = agreeing_target(ctx, c, [own])
        if hit is not None:
            self.tie(c, hit.figure)
        return hit is not None

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


    def _against_empty_table(self, ctx: RuleContext, c: Any) -> Iterable[Finding]:
        """A figure other than zero for a line whose tables the report prints empty (本表无数据)."""
        et = empty_table_target(ctx, c)
        if et is None or not c.unit:
            return
        cf = claim_figure(ctx, c)
        if agrees(cf, Figure(0.0, 0.0)):
            return
        when = "预算" if (c.period or "current") in BUDGET_PERIODS and not (c.label or "").endswith("预算") else ""
        yield self.finding(
            f"情况说明称{c.label or c.metric}{when}为 {fmt(c.value)}{c.unit}，"
            f"而{et.table.title or et.table.kind}印为空表（{et.row.name}）",
            f"the prose states {c.metric} = {fmt(c.value)} {c.unit}; {et.table.kind} is printed empty",
            expected=0.0, observed=c.value, tolerance=cf.tol,
            evidence=[e for e in (cf.evidence, et.figure.evidence) if e is not None],
        )


def basic_part_only(c: Any, targets: Sequence[Any], cf: Figure) -> bool:
    """An economic item (会议费, 培训费, 办公费) whose only lines are in the basic-expenditure table,
    stated larger than they are and not as basic expenditure: the table prints the item's basic
    expenditure alone, the sentence the whole budget's, project money included ("一般公共预算拨款
    安排的会议费预算支出933.50万元" against the basic line's 50, 江苏省委办公厅 2017)."""
    if not c.metric.startswith("econ:") or "基本支出" in (c.text or ""):
        return False
    if not targets or any(t.table.kind != "basic_expenditure_economic" for t in targets):
        return False
    return all(cf.value - cf.tol > target_in_claim_unit(t, c).value + target_in_claim_unit(t, c).tol
               for t in targets)


# Money sources that make a "…收入总计" one line of the income rather than the total of the report
_PART_QUALIFIER = re.compile(r"其他资金|财政专户|专户管理|其他收入|事业收入|经营收入|上级补助|附属单位|政府性基金|"
                             r"国有资本|一般公共预算|上年结转|结转下年")
_CLAUSE_START = re.compile(r"[，。；：,;:\n]")


def part_of_total(doc: Document, c: Any) -> bool:
    """Whether the words before a 总计 figure, in its clause, name one source of the income
    ("2．其他资金收入预算总计 14.39 万元", "财政专户管理资金收入预算总计0万元"): the total of one
    line, which the summary table prints as that line, not as its 总计."""
    try:
        lead = doc.pages[c.page - 1].text[max(0, c.start - 40):c.start]
    except IndexError:
        return False
    cut = [m.end() for m in _CLAUSE_START.finditer(lead)]
    lead = lead[cut[-1]:] if cut else lead
    return _PART_QUALIFIER.search(lead) is not None


# Money totals a prose figure can mean when it names one: a summary table's 总计 rows.
_TOTAL_METRICS = ("income_", "expenditure_", "grand_total", "general_budget_expenditure")
_SUMMARY_KINDS = ("income_expenditure_summary", "fiscal_summary")
_TOTAL_ROWS = ("总计", "收支总计", "收入总计", "支出总计", "收入合计", "支出合计", "本年收入合计", "本年支出合计")


def printed_elsewhere(doc: Document, c: Any, cf: Figure, targets: Sequence[Any]) -> tuple[Any, Any, str] | str | None:
    """Where a prose amount that disagrees with its table figure is printed all the same: in
    another column of the same table line (a header read a column off, a 元 column beside a 万元
    one), or — for an income/expenditure total — in a total row of a summary table (总计 for
    合计: with the balances carried over).  Returns (table, row, column label), "slipped" when
    it is 10^4 off a figure of its own line (a unit slip), or None.

    The figure is then a warning, not an error: the report prints it, and which line the
    sentence means is for a person to say."""
    k_claim = yuan_factor(c)
    if not k_claim:
        return None
    places = [(t.table, t.row) for t in targets]
    if c.metric.startswith(_TOTAL_METRICS):
        for kind in _SUMMARY_KINDS:
            for table in doc.tables_of(kind):
                for row in table.rows:
                    if norm_name(row.name) in _TOTAL_ROWS:
                        places.append((table, row))
    slipped = False
    n_lines = len(targets)  # the target lines come first; a slip counts on them only
    for i, (table, row) in enumerate(places):
        k_row = unit_factor(row_unit(table, row))
        if not k_row:
            continue
        for ci in row.columns:
            f = figure_at(table, row, ci)
            if f is None or not f.value:
                continue
            fc = f.scaled(k_row / k_claim)
            if agrees(cf, fc):
                col = next((x.label for x in table.columns if x.index == ci), "")
                return table, row, f"「{col}」列" if col else ""
            if not slipped and i < n_lines and scaled_agrees(cf, fc):
                slipped = True
    return "slipped" if slipped else None


RULE = ProseAmountVsTable
