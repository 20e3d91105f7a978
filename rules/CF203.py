"""An economic item of basic expenditure exceeds the "三公" line it is a part of.

Anti-pattern: 一般公共预算财政拨款基本支出决算表 prints 30217 公务接待费 0.39 while the
财政拨款"三公"经费支出决算表 prints 公务接待费 决算数 0.29 — the reception paid from basic
expenditure alone cannot exceed all reception paid from 财政拨款.

Best practice: 30217 公务接待费 ≤ 三公 公务接待费, 30231 公务用车运行维护费 ≤ 三公 公务用车运行维护费,
30212 因公出国（境）费用 ≤ 三公 因公出国（境）费 (the 三公 lines also count project expenditure, so
they may be larger).  The 三公 figure is the table's final-account column in a final account and
its budget column in a budget; figures are compared in 元 with each one's rounding.  A 三公 line
printed empty while the table prints figures in that column reads as 0.  An item that fits after
×10⁻⁴ is a unit slip (CF501/CF502), not reported here.
"""

from __future__ import annotations

from collections.abc import Iterable

from extraction.model import Column, Document, Table
from rules.base import Figure, Finding, Rule, RuleContext, figure_at, fmt, new_figure
from rules.CF105 import ABROAD, RECEPTION, VEH_RUN
from rules.CF202 import first_figure, general_budget_scope
from rules.lookup import find_row, unit_factor
from rules.units import scaled_agrees

# economic item code -> (三公 line, its row names, the label ending of its column in wide tables)
ITEMS = {
    "30212": ("因公出国（境）费", ABROAD, ("因公出国（境）费", "因公出国(境)费", "因公出国（境） 费")),
    "30217": ("公务接待费", RECEPTION, ("公务接待费",)),
    "30231": ("公务用车运行维护费", VEH_RUN, ("运行维护费", "运行费")),
}
_PERIOD_WORDS = ("预算数", "决算数", "决算统计数", "—", "")


def _tail(label: str) -> str:
    """A column label's last segment that names a line (not 预算数/决算数)."""
    parts = [p.strip() for p in label.split("/")]
    while parts and parts[-1] in _PERIOD_WORDS:
        parts.pop()
    return parts[-1] if parts else ""


def _period_columns(doc: Document, table: Table) -> list[Column]:
    """The columns of this report's own period: 决算 in a final account, the budget in a budget."""
    cols = [c for c in table.columns if "上年" not in c.label]
    if doc.meta.kind == "budget":
        return [c for c in cols if "决算" not in c.label]
    marked = [c for c in cols if "决算" in c.label]
    return marked or [c for c in cols if "预算" not in c.label]


def three_public_line(doc: Document, table: Table, row_names: list[str],
                      endings: tuple[str, ...]) -> list[Figure] | None:
    """The figures a 三公 table prints for one line in this report's period columns: by row (the
    line's row) or, in a wide table, by column (a column whose label ends with the line's name).
    An empty list: the line is there but prints nothing while the same columns print figures
    elsewhere (it reads as 0).  None: the table does not show the line."""
    cols = _period_columns(doc, table)
    if not cols:
        return None
    indices = [c.index for c in cols]
    row = find_row(table, row_names)
    if row is not None:
        figs = [f for f in (figure_at(table, row, ci) for ci in indices) if f is not None]
    else:
        wide = [c.index for c in cols if _tail(c.label).endswith(endings) and "机关运行" not in c.label
                and "购置费" not in _tail(c.label)]
        if not wide:
            return None
        figs = [f for r in table.rows for f in (figure_at(table, r, ci) for ci in wide) if f is not None]
    if figs:
        return figs
    printed = any(figure_at(table, r, ci) is not None for r in table.rows for ci in indices)
    return [] if printed else None


def basic_table(doc: Document) -> Table | None:
    """The basic expenditure table by economic class (the 一般公共预算 one when there are two)."""
    tables = [t for t in doc.tables if t.kind == "basic_expenditure_economic" and not t.empty]
    general = [t for t in tables if general_budget_scope(t)]
    return (general or tables or [None])[0]


class ThreePublicUpperBound(Rule):
    __doc__ = __doc__
    code = "CF203"
    name = "cross_table.three_public_bound"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        basic = basic_table(doc)
        if basic is None:
            return
        tables = [t for t in doc.tables if t.kind == "three_public" and not t.empty]
        if not tables:
            return
        kb = unit_factor(basic.unit)
        for code, (line, row_names, endings) in ITEMS.items():
            row = next((r for r in basic.rows if r.code == code), None)
            item = first_figure(basic, row) if row is not None else None
            if item is None or item.value <= 0:
                continue
            yi = item.scaled(kb)
            for t in tables:
                figs = three_public_line(doc, t, row_names, endings)
                if figs is None:
                    continue
                kt = unit_factor(t.unit)
                bound = max((f.scaled(kt) for f in figs), key=lambda f: f.value,
                            default=new_figure(0.0, 0.0, None, None))
                if yi.value <= bound.value + yi.tol + bound.tol + 1e-9:
                    continue
                # fits once the item is read in the other unit: a unit slip, reported elsewhere
                if bound.value and scaled_agrees(yi, bound) is not None:
                    continue
                shown = bound.value / kt
                yield self.finding(
                    f"经济分类 {code} {row.name.strip()} 为 {fmt(item.value)}{basic.unit or ''}，超过"
                    f"{t.title or '三公经费表'}的{line} {fmt(shown)}{t.unit or ''}（基本支出中的该项不能大于三公经费中的该项）",
                    f"economic item {code} {fmt(item.value)} {basic.unit or ''} exceeds the three-public line "
                    f"'{line}' {fmt(shown)} {t.unit or ''}: a part of basic expenditure cannot exceed the whole line",
                    expected=shown * kt / kb, observed=item.value, tolerance=(yi.tol + bound.tol) / kb,
                    evidence=[e for e in (item.evidence, *(f.evidence for f in figs)) if e is not None],
                )
                break  # one finding per item


RULE = ThreePublicUpperBound
