"""The basic expenditure table's totals differ from the 基本支出 of the general-budget expenditure table.

Anti-pattern: 一般公共预算财政拨款支出决算表 合计 基本支出 2,336.91 while 一般公共预算财政拨款基本支出
决算表 prints 人员经费合计 2,152.26 and 公用经费合计 148.65 (2,300.91): the same money, by
economic class, does not add up to its own total by function.

Best practice: 人员经费合计 + 公用经费合计 (or the basic table's 合计) = 05's 合计 基本支出, and where
05 splits 基本支出 into 人员经费 and 公用经费 each part equals its total in 06.  Both tables cover
一般公共预算财政拨款 basic expenditure; figures are compared in 元 with each one's rounding (see
CF201).  A row whose figure cells print words, or whose figure is printed in another cell of the
same row, is a column slip of the reader, not a disagreement: nothing is reported.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from extraction.model import Column, Document, Row, Table
from rules.base import Figure, Finding, Rule, RuleContext, figure_at, numeric_cells, sum_figures
from rules.CF201 import disagreement, yuan
from rules.lookup import find_row

PERSONNEL_CLASSES = ("301", "303")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# labels of 05's columns that are not this year's expenditure
_NOT_SPENT = ("年初", "年末", "收入", "结转", "结余", "上年")


def general_budget_scope(table: Table) -> bool:
    """Whether a table's title says 一般公共预算 (rather than all 财政拨款)."""
    return "一般公共预算" in (table.title or "")


def pair_tables(doc: Document, kind_a: str, kind_b: str) -> list[tuple[Table, Table]]:
    """Tables of the two kinds paired by scope (一般公共预算 with 一般公共预算, 财政拨款 with
    财政拨款); with one table of each kind, those two."""
    a_tables = [t for t in doc.tables if t.kind == kind_a and not t.empty]
    b_tables = [t for t in doc.tables if t.kind == kind_b and not t.empty]
    if len(a_tables) == 1 and len(b_tables) == 1:
        return [(a_tables[0], b_tables[0])]
    pairs = []
    for a in a_tables:
        same = [b for b in b_tables if general_budget_scope(b) == general_budget_scope(a)]
        if len(same) == 1:
            pairs.append((a, same[0]))
    return pairs


def row_misread(row: Row) -> bool:
    """Words printed in a figure cell: the row's cells slipped against the header."""
    return any(c is not None and c.value is None and _HAN.search(c.text or "") for c in row.cells)


def first_figure(table: Table, row: Row) -> Figure | None:
    for ci, cell in numeric_cells(row):
        return figure_at(table, row, ci)
    return None


def column_figure(table: Table, row: Row, *needles: str) -> Figure | None:
    """The row's figure in the first column whose label holds one of the needles."""
    for c in table.columns:
        if any(n in c.label for n in needles) and "上年" not in c.label and c.index in row.columns:
            f = figure_at(table, row, c.index)
            if f is not None:
                return f
    return None


def basic_totals(table: Table) -> dict[str, Any]:
    """'personnel' / 'public' / 'total' of a basic expenditure table, as printed (the total as
    人员 + 公用 when the table prints no 合计 line; 公用经费 as its classes when its total line is
    empty)."""
    out: dict[str, Any] = {}
    total = find_row(table, ["合计", "基本支出合计", "总计"])
    for key, names in (("personnel", ["人员经费合计", "人员经费"]), ("public", ["公用经费合计", "公用经费"])):
        r = find_row(table, names)
        f = first_figure(table, r) if r is not None else None
        if f is None and total is not None:
            f = column_figure(table, total, names[1])
        if f is None:
            # no total printed (or an empty one): the economic classes it covers
            personnel = key == "personnel"
            parts = [first_figure(table, x) for x in table.rows
                     if x.code and len(x.code) == 3 and (x.code in PERSONNEL_CLASSES) == personnel]
            parts = [p for p in parts if p is not None]
            if parts:
                f = sum_figures(parts)
        if f is not None:
            out[key] = f
    if total is not None and not row_misread(total):
        f = column_figure(table, total, "合计") or first_figure(table, total)
        if f is not None:
            out["total"] = f
    if "total" not in out and "personnel" in out and "public" in out:
        out["total"] = sum_figures([out["personnel"], out["public"]])
        out["parts"] = (out["personnel"], out["public"])  # type: ignore[assignment]
    return out


def _spent_column(table: Table, *needles: str) -> Column | None:
    cols = [c for c in table.columns if all(n in c.label for n in needles)
            and not any(x in c.label for x in _NOT_SPENT)]
    spent = [c for c in cols if "本年支出" in c.label]
    if spent:
        return spent[0]
    cols = [c for c in table.columns if all(n in c.label for n in needles)
            and not any(x in c.label for x in _NOT_SPENT) and "本年" not in c.label]
    return cols[0] if cols else None


class BasicExpenditureTie(Rule):
    __doc__ = __doc__
    code = "CF202"
    name = "cross_table.basic_expenditure"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for basic, general in pair_tables(doc, "basic_expenditure_economic", "general_budget_expenditure"):
            row = find_row(general, ["合计", "总计"])
            if row is None or row_misread(row):
                continue
            totals = basic_totals(basic)
            wanted = [("total", ("基本支出",), "基本支出合计", "basic expenditure total"),
                      ("personnel", ("人员经费",), "人员经费", "personnel expenses"),
                      ("public", ("公用经费",), "公用经费", "public expenses")]
            printed = [yuan(figure_at(general, row, ci), general) for ci, _c in numeric_cells(row)]
            for key, needles, what, what_en in wanted:
                col = _spent_column(general, *needles)
                if col is None or key not in totals:
                    continue
                g = figure_at(general, row, col.index)
                b = totals[key]
                if g is None:
                    continue
                f = disagreement(self, basic, b, general, g, what, what_en)
                if f is None:
                    continue
                # the basic figure printed in another cell of 05's line: its columns slipped
                yb = yuan(b, basic)
                if any(abs(p.value - yb.value) <= p.tol + yb.tol + 1e-9 for p in printed):
                    continue
                if key == "total" and "parts" in totals:  # the total as its parts: cite them
                    extra = tuple(e for e in (p.evidence for p in totals["parts"]) if e is not None)
                    f = dataclasses.replace(f, evidence=f.evidence + extra)
                yield f


RULE = BasicExpenditureTie
