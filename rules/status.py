"""Each prose claim's status once the rules ran: tied, contradicted, or not checkable and why.

``claim_statuses(doc, claims, run)`` is called by the pipeline after the rules (so the CLI's
JSON, the review store and the app all carry the same status); it reads the lookups of the run's
context (``run.context``: the claims' table targets the rules found) rather than building them again.  Nothing is checked here: a claim
is

* ``tied`` when a rule compared it and found it right (the rule records a :class:`rules.base.Tie`
  with ``Rule.tie``: CF301 an amount against its table figure, CF302 a count, CF401 a share,
  CF402 a growth rate and its change, CF403 a completion rate, CF404 a comparison word, CF405 an
  execution rate); ``target`` is the table figure it agrees with, when the rule compared it with
  one (an arithmetic check has none); ``tied_by`` the rule;
* ``contradicted`` when a finding's prose evidence is the claim (``findings`` lists them); this
  wins over a tie: the claim takes part in an inconsistency;
* ``not_checkable`` otherwise, with a ``reason`` from the closed list ``REASONS`` below, decided
  from the claim and its document in this order (the first that applies):

  ========================================  ==================================================
  reason                                    meaning
  ========================================  ==================================================
  ``metric_from_context``                   (CF301) the words before the figure do not name
                                            its metric, which was taken from context, and the
                                            figure differs from that metric's table line: too
                                            weak to accuse, not tied
  ``unit_slip``                             (CF301) the table line prints the figure's digits
                                            in another unit (×10⁴): left to CF502/CF503
  ``scope_table_missing``                   (CF301) the table of the claim's own scope
                                            (财政拨款 / all funds) is not printed (CF603)
  ``part_printed_only``                     (CF301) the only line printed is a part of what
                                            the claim states: the basic-expenditure table's
                                            economic item (会议费 of basic expenditure) for the
                                            whole budget's (basic and project money); a larger
                                            figure is not a contradiction
  ``table_in_another_file``                 the document prints no table at all: a text whose
                                            tables are published as a separate file
  ``tables_not_recognised``                 the document prints tables, but the reader
                                            recognised none of them (every table's kind is
                                            ``other``): nothing to look a line up in
  ``no_metric``                             the extractor could not tell what the figure is
  ``prior_year_figure``                     a figure of the year before: an amount introduced
                                            as last year's ("上年", "2023年当年预算执行数" in a
                                            2024 report), or a change against last year with
                                            no growth rate beside it; this year's tables do
                                            not print last year's figures
  ``budget_figure_without_budget_table``    a budget figure (预算数, 年初预算) in a final
                                            account, and no table of the report prints that
                                            line's budget
  ``narrative_only_metric``                 a metric no table line is known for (scores,
                                            headcounts, areas, a project's money) and no table
                                            of the document prints the value
  ``metric_without_table_line``             no table line is known for the metric, but some
                                            table of the document prints the value (a missed
                                            tie: the lexicon lacks the line)
  ``table_line_not_found``                  the metric's table line is known, the document's
                                            tables do not hold it where expected, and some
                                            table prints the value (a missed tie: the lookup
                                            failed); for a zero (0.00万元, 无…支出): the
                                            metric's table is printed but its line not found
  ``no_table_prints_it``                    the metric's line is not found and no table of
                                            the document prints the value, searched in every
                                            table in its unit, ×10⁴ and ÷10⁴ (for a zero: no
                                            table of the metric's kinds is printed)
  ``inputs_not_stated``                     a share, growth, completion or comparison whose
                                            other figures (part and base, change and current
                                            figure, actual and budget) are not stated with it
  ``not_compared``                          the metric's table line was found and differs,
                                            and no rule reported it (should not happen: a gap
                                            of the rules)
  ========================================  ==================================================

The value search (:func:`cells_printing`) takes the claim's printed number, ×10⁴ and ÷10⁴,
against every numeric, non-zero cell of every table of the document, within the rounding of
both; ``bench/coverage.py`` lists the not-checkable claims it finds as *missed ties*.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from extraction.model import Cell, Document, Row, Table
from rules.base import _HALF_UNIT, Evidence, RuleContext, column_label
from rules.lookup import row_unit
from rules.prose import BUDGET_PERIODS, MONEY_UNITS, _specs, decimals_of, money_kind, targets_of

STATUSES = ("tied", "contradicted", "not_checkable")

REASONS: dict[str, str] = {
    "metric_from_context": "the metric was taken from context and the figure differs from its line: not accused",
    "unit_slip": "the table line prints the figure's digits in another unit (left to CF502/CF503)",
    "scope_table_missing": "the table of the claim's own scope is not printed (CF603)",
    "part_printed_only": "the only line printed is a part of the claim's figure (basic expenditure's "
                         "economic item against the whole budget's), and the figure is larger",
    "table_in_another_file": "the document prints no table (its tables are a separate file)",
    "tables_not_recognised": "the document's tables were read but none was recognised (all of kind other)",
    "no_metric": "what the figure is was not recognised",
    "prior_year_figure": "a figure of the year before, which this year's tables do not print",
    "budget_figure_without_budget_table": "a budget figure in a final account with no table printing its budget",
    "narrative_only_metric": "a metric no table prints, and no table prints the value",
    "metric_without_table_line": "no table line is known for the metric, but a table prints the value",
    "table_line_not_found": "the metric's table line was not found, but a table prints the value",
    "no_table_prints_it": "no table of the document prints the value (in its unit, ×10⁴, ÷10⁴)",
    "inputs_not_stated": "the figures a rate is computed from are not stated with it",
    "not_compared": "the table line was found and differs, and no rule reported it",
}

# the reasons that mean a table of the document prints the claim's value: missed ties
MISSED_TIE_REASONS = ("metric_without_table_line", "table_line_not_found")

# kinds whose figure is computed from other figures (checked by arithmetic rules)
RATIO_KINDS = ("share", "growth", "completion", "comparison", "rate")

SCALES = (1.0, 1e4, 1e-4)


@dataclass(frozen=True)
class ClaimStatus:
    """A claim's status (see the module docstring); ``to_dict`` gives the fields the claim gains
    in the ``crossfoot check`` JSON."""

    status: str
    reason: str | None = None
    target: dict[str, Any] | None = None
    tied_by: str | None = None
    findings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, "target": self.target, "tied_by": self.tied_by,
                "findings": list(self.findings)}


def target_of(ev: Evidence | None, ctx: RuleContext | None = None, money: bool = True) -> dict[str, Any] | None:
    """The ``target`` of a tie: the table figure's table id, row, column, value and page (and,
    for a money figure, the unit of its table in the run's document)."""
    if ev is None or ev.source != "table":
        return None
    tid = ev.table.split(" ", 1)[0] if ev.table else None
    unit = None
    if ctx is not None and tid and money:
        unit = ctx.shared("table_units", _table_units).get(tid)
    return {"table": tid, "row": ev.row, "column": ev.column, "value": ev.value, "page": ev.page, "unit": unit}


def _table_units(ctx: RuleContext) -> dict[str, str | None]:
    """Table id -> its unit (the first table of an id, as a scan of the tables finds it)."""
    units: dict[str, str | None] = {}
    for t in ctx.doc.tables:
        units.setdefault(t.id, t.unit)
    return units


def cell_target(table: Table, row: Row, ci: int, cell: Cell) -> dict[str, Any]:
    return {"table": table.id, "row": row.code or row.name, "column": column_label(table, ci), "value": cell.value,
            "page": cell.page, "unit": row_unit(table, row)}


# ---------------------------------------------------------------- the value search


class _PrintedCells:
    """Every non-zero numeric cell of a document's tables, sorted by value (built once)."""

    __slots__ = ("cells", "max_tol", "values")

    def __init__(self, doc: Document) -> None:
        found: list[tuple[float, float, Table, Row, int, Cell]] = []
        for t in doc.tables:
            for r in t.rows:
                for ci, c in zip(r.columns, r.cells):
                    if c is not None and c.value:
                        d = c.decimals or 0
                        tol = _HALF_UNIT[d] if 0 <= d < len(_HALF_UNIT) else 0.5 * 10 ** (-d)
                        found.append((abs(c.value), tol, t, r, ci, c))
        found.sort(key=lambda x: x[0])
        self.cells = found
        self.values = [x[0] for x in found]
        self.max_tol = max((x[1] for x in found), default=0.0)


def _printed(ctx: RuleContext) -> _PrintedCells:
    return ctx.shared("printed_cells", _new_printed_cells)


def _new_printed_cells(ctx: RuleContext) -> _PrintedCells:
    return _PrintedCells(ctx.doc)


def cells_printing(ctx: RuleContext, claim: Any, limit: int = 3) -> list[tuple[float, Table, Row, int, Cell]]:
    """The table cells that print the claim's number (as printed, ×10⁴ or ÷10⁴) within the
    rounding of both: (scale, table, row, column index, cell), nearest scale first.

    Only a money figure is searched ×10⁴ and ÷10⁴.  A count is exact and matches only a
    whole-number cell printing it on a line or in a column that names its unit (辆, 人, 批, 件: a
    行次 or a code column prints small numbers too), not in a column of money, rates or scores.
    Otherwise a match must be closer than a tenth of the figure (rounding wider than that says
    nothing: 80.81 ÷ 10⁴ "is" any 0.01)."""
    doc = ctx.doc
    if not claim.value or not doc.tables:
        return []
    count = claim.kind == "count"
    unit = (claim.unit or "")[:1]  # 辆, 人 (人次), 批 (批次), 个, 件 …
    if count:
        tol = 0.0
    else:
        d = decimals_of(doc, claim)
        tol = _HALF_UNIT[d] if 0 <= d < len(_HALF_UNIT) else 0.5 * 10 ** (-d)
    pc = _printed(ctx)
    out: list[tuple[float, Table, Row, int, Cell]] = []
    # ×10⁴ and ÷10⁴ are the steps between 元 and 万元: a figure in another unit (平方米, 人) is
    # searched as printed only (13459平方米 is not a 1.35 ÷ 10⁴)
    for k in SCALES if not count and (claim.unit in MONEY_UNITS or claim.unit is None) else (1.0,):
        v, tl = abs(float(claim.value)) * k, tol * k
        if v <= tl:
            continue  # the rounding swallows the figure at this scale
        lo = bisect.bisect_left(pc.values, v - tl - pc.max_tol - 1e-9)
        hi = bisect.bisect_right(pc.values, v + tl + pc.max_tol + 1e-9)
        for cv, ct, t, r, ci, c in pc.cells[lo:hi]:
            if count:  # a count is printed exactly, as a whole number, on a line or column of its unit
                if cv == v and not c.decimals and unit and _counts_in(t, r, ci, unit, claim.unit):
                    out.append((k, t, r, ci, c))
                    if len(out) >= limit:
                        return out
                continue
            if abs(cv - v) <= tl + ct + 1e-9 and tl + ct <= v / 10:
                out.append((k, t, r, ci, c))
                if len(out) >= limit:
                    return out
    return out


# a column of money, rates or scores holds no count (the 执行率 or 财政拨款 column of a 绩效 table)
_NOT_COUNT_COLUMN = re.compile(r"元|金额|率|得分|分值|财政拨款")


def _counts_in(t: Table, r: Row, ci: int, unit: str, printed_unit: str) -> bool:
    """Whether the cell of row ``r``, column ``ci`` counts in ``unit`` (its first character; the claim
    prints ``printed_unit``, 批次): its line names the unit (its 单位, its name ending in it or naming
    it before or in brackets: "国内公务接待批次（个）", "（件）"), or its column does, and the column is
    not one of money, rates or scores ("越级访、重复访信访件逐步减少 | 批复金额/财政拨款 10" is no
    count of 件)."""
    label = column_label(t, ci)
    if _NOT_COUNT_COLUMN.search(label):
        return False
    name = r.name.strip()
    return (r.unit == unit or name.endswith(printed_unit) or f"{printed_unit}（" in name
            or f"{printed_unit}(" in name or f"（{unit}" in name or f"({unit}" in name or unit in label)


# ---------------------------------------------------------------- statuses


_CLAUSE_END = re.compile(r"[。；;，,：:]")


def _lead(doc: Document, claim: Any) -> str:
    """The clause before the claim's figure on its page (from the last punctuation mark)."""
    try:
        text = doc.pages[claim.page - 1].text[max(0, claim.start - 40):claim.start]
    except (IndexError, TypeError):
        return ""
    parts = _CLAUSE_END.split(text)
    return parts[-1] if parts else text


def _prior_year(doc: Document, claim: Any) -> bool:
    if claim.kind == "change" or claim.period == "prior":
        return True
    # 上年结转资金 / 上年结余 are this year's lines, named after last year
    lead = re.sub(r"上年(?:结转|结余)", "", re.sub(r"\s+", "", _lead(doc, claim)))
    marks = ["上年", "上一年", "去年"]
    if doc.meta.year:
        marks.append(f"{doc.meta.year - 1}年")
    return any(m in lead for m in marks)


def _reason(ctx: RuleContext, claim: Any) -> str:
    """Why an untied, uncontradicted claim could not be checked (module docstring, in order)."""
    doc = ctx.doc
    if not doc.tables:
        return "table_in_another_file"
    if all(t.kind == "other" for t in doc.tables):
        return "tables_not_recognised"
    if not claim.metric:
        return "no_metric"
    kind = claim.kind
    if kind == "count" and money_kind(claim.metric):
        return "no_metric"  # a count ("1家机关") given a money line's metric: what it counts is not known
    if kind == "amount" and claim.unit in MONEY_UNITS and money_kind(claim.metric) is False:
        return "no_metric"  # money ("安排7万元") given a rate's or a count's metric (满意度): not known either
    if kind in RATIO_KINDS:
        return "inputs_not_stated"
    if _prior_year(doc, claim):
        return "prior_year_figure"
    period = claim.period or "current"
    if period in BUDGET_PERIODS and doc.meta.kind != "budget" and not targets_of(ctx, claim.metric, period):
        return "budget_figure_without_budget_table"
    specs, _code = _specs(claim.metric)
    if claim.value == 0:
        # a zero (0.00万元, 无…支出) is an empty line: no value to search for; the metric's table
        # is printed (its line was not found) or not
        if not specs:
            return "narrative_only_metric"
        printed = any(doc.tables_of(sp["table"]) for sp in specs)
    else:
        printed = bool(cells_printing(ctx, claim, limit=1))
    if not specs:
        return "metric_without_table_line" if printed else "narrative_only_metric"
    if targets_of(ctx, claim.metric, period):
        return "not_compared"
    return "table_line_not_found" if printed else "no_table_prints_it"


def claim_statuses(doc: Document, claims: Sequence[Any], run: Any) -> list[ClaimStatus]:
    """The status of each claim (in order), from the findings and ties of one rules run (and the
    lookups of its context, when it is a run on this document)."""
    ctx = getattr(run, "context", None)
    if ctx is None or ctx.doc is not doc:
        ctx = RuleContext(doc, claims)
    by_place: dict[tuple[Any, Any, Any], list[str]] = {}
    for f in run.findings:
        for ev in f.evidence:
            if ev.source == "prose":
                by_place.setdefault((ev.page, ev.start, ev.end), []).append(f.id)
    tied: dict[str, Any] = {}
    passed: dict[str, str] = {}
    for t in getattr(run, "ties", ()):
        if t.tied:
            old = tied.get(t.claim)
            if old is None or (old.target is None and t.target is not None):
                tied[t.claim] = t
        elif t.reason:
            passed.setdefault(t.claim, t.reason)
    out = []
    for c in claims:
        fids = by_place.get((c.page, c.start, c.end))
        if fids:
            out.append(ClaimStatus("contradicted", findings=tuple(sorted(set(fids), key=_fid_order))))
            continue
        t = tied.get(c.id)
        if t is not None:
            out.append(ClaimStatus("tied", target=target_of(t.target, ctx, c.unit in MONEY_UNITS), tied_by=t.rule))
            continue
        out.append(ClaimStatus("not_checkable", reason=passed.get(c.id) or _reason(ctx, c)))
    return out


def _fid_order(fid: str) -> tuple[int, str]:
    return (int(fid[1:]) if fid[1:].isdigit() else 0, fid)
