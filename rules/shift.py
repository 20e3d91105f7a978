"""Values printed one row off their codes: the explanation that replaces a cascade of footing failures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import compress
from operator import attrgetter, itemgetter
from typing import Any

from extraction.model import Row, Table
from rules.base import Figure, RuleContext, zero_columns

_CODE = attrgetter("code")


def coded_rows(table: Table) -> list[Row]:
    """Rows with a classification code, first occurrence of each code, in printed order."""
    rows = table.rows
    codes = list(filter(None, map(_CODE, rows)))
    if len(set(codes)) == len(codes):
        # each code printed once (the usual table): every coded row, in printed order
        return list(compress(rows, map(_CODE, rows)))
    seen: set[str] = set()
    out = []
    for r in rows:
        if r.code and r.code not in seen:
            seen.add(r.code)
            out.append(r)
    return out


def children_positions(codes: Sequence[str]) -> list[tuple[int, list[int]]]:
    """(position of a 类/款 code, positions of its next-level lines) for each code that has any.

    Positions index ``codes`` and, with them, any list of figures in the same order; kids are in
    printed order.  A code printed twice stands for its last figure (as a dict by code would).
    The slide search tries every row and column with the same codes, so it is built once per table.
    """
    last = dict(zip(codes, range(len(codes))))  # a code printed twice: its last position
    kids: dict[int, list[int]] = {}
    for c in codes:
        if len(c) in (5, 7):
            parent = last.get(c[:-2])
            if parent is not None:
                kids.setdefault(parent, []).append(last[c])
    if len(last) == len(codes):
        # each code once (the coded rows): a parent's first printing is its position
        return sorted(kids.items())
    # parents in the order of their first printing, like the dict by code it replaces
    return [(last[c], kids[last[c]]) for c in dict.fromkeys(codes) if last[c] in kids]


def _failures(index: list[tuple[int, list[int]]], codes: Sequence[str], values: list[float],
              tols: list[float]) -> frozenset[str]:
    """:func:`hierarchy_failures` on figures split into values and tolerances, over a prebuilt index.

    Sums and comparisons are those of ``agrees(parent, sum_figures(kids))``, operation for
    operation, without building the figures.
    """
    bad = set()
    for p, kids in index:
        total = sum(map(values.__getitem__, kids))
        tol = sum(map(tols.__getitem__, kids))
        if not abs(values[p] - total) <= tols[p] + tol + 1e-9:
            bad.add(codes[p])
    return frozenset(bad)


def _getters(index: list[tuple[int, list[int]]]) -> list[tuple[int, Callable[[list[float]], Any], bool]]:
    """(parent position, itemgetter of its kids' positions, whether it has several) for each
    entry of a children index: the kids' figures taken in one C call (see :func:`_failures_by`)."""
    return [(p, itemgetter(*kids), len(kids) > 1) for p, kids in index]


def _failures_by(getters: list[tuple[int, Callable[[list[float]], Any], bool]], codes: Sequence[str],
                 values: list[float], tols: list[float]) -> frozenset[str]:
    """:func:`_failures` over :func:`_getters` of its index: the same sums, of the same figures in
    the same order (an itemgetter of several positions gives them as a tuple, of one the figure
    itself, summed here as a one-figure tuple)."""
    bad = set()
    for p, get, several in getters:
        if several:
            total = sum(get(values))
            tol = sum(get(tols))
        else:
            total = sum((get(values),))
            tol = sum((get(tols),))
        if not abs(values[p] - total) <= tols[p] + tol + 1e-9:
            bad.add(codes[p])
    return frozenset(bad)


def hierarchy_failures(codes: list[str], figs: list[Figure]) -> frozenset[str]:
    """The 类/款 codes whose figure is not the sum of their children's."""
    return _failures(children_positions(codes), codes, [f.value for f in figs], [f.tol for f in figs])


def hierarchy_holds(codes: list[str], figs: list[Figure]) -> bool:
    return not hierarchy_failures(codes, figs)


class _Slides:
    """What the slide search needs of one table, built once: the codes of its coded rows, their
    children index, each column's figures as values and tolerances, and the slide found so far
    in each column (None: the column foots or no single slide explains it)."""

    __slots__ = ("codes", "columns", "fails", "found", "getters")

    def __init__(self, table: Table) -> None:
        rows = coded_rows(table)
        self.codes = list(map(_CODE, rows))
        self.getters = _getters(children_positions(self.codes))
        self.columns = zero_columns(rows)
        self.found: dict[int, tuple[int, frozenset[str]] | None] = {}
        self.fails: dict[int, frozenset[str]] = {}

    def failures(self, column: int) -> frozenset[str]:
        """The parent codes that do not foot in the column as printed (kept for the next asker)."""
        bad = self.fails.get(column)
        if bad is None:
            col = self.columns.get(column)
            bad = self.fails[column] = _NONE if col is None else _failures_by(self.getters, self.codes, *col)
        return bad


_NONE: frozenset[str] = frozenset()


def _shift(slides: _Slides, column: int) -> tuple[int, frozenset[str]] | None:
    codes, getters = slides.codes, slides.getters
    if column not in slides.columns:
        return None  # no coded row prints a figure in it: every line is 0 and foots
    values, tols = slides.columns[column]
    before = slides.failures(column)
    if not before:
        return None
    near: tuple[int, frozenset[str]] | None = None
    for k in range(len(codes) - 1):
        # From row k on, the figure printed at row i belongs to row i-1; the last row's figure
        # either wrapped round to row k or fell off the table.
        for tail_value, tail_tol in ((values[k], tols[k]), (0.0, 0.0)):
            after = _failures_by(getters, codes, values[:k] + values[k + 1:] + [tail_value],
                              tols[:k] + tols[k + 1:] + [tail_tol])
            if not after:
                return k, after
            # A second, unrelated error in the same column (a line that does not foot, which
            # also breaks its parent) must not hide the slide: accept a slide that leaves at most
            # two failures, all of them there before, when it explains at least two others.
            if near is None and len(after) <= 2 and after < before and len(before) - len(after) >= 2:
                near = (k, after)
    return near


def shift_start(ctx: RuleContext, table: Table, column: int) -> int | None:
    """Index (in coded_rows) of the first row whose figure belongs to the row above, or None.

    None when the hierarchy already holds or when no single slide of one row explains it.
    """
    found = _cached_shift(ctx, table, column)
    return None if found is None else found[0]


def shift_residual(ctx: RuleContext, table: Table, column: int) -> frozenset[str]:
    """The 类/款 codes that still do not foot once the slid column is put back (an error of its
    own, for CF101 to report)."""
    found = _cached_shift(ctx, table, column)
    return frozenset() if found is None else found[1]


def footing_failures(ctx: RuleContext, table: Table, column: int) -> frozenset[str]:
    """The 类/款 codes of the table's coded rows (:func:`coded_rows`) whose figure in the column is
    not the sum of their next-level lines' (empty cells read as 0 ± 0).

    The test of ``cells_foot(numeric_cell(parent, column), [numeric_cell(kid, column) …]) is False``
    (rules/base.py), sum for sum, over the same rows (a code's first row) and children (in printed
    order) as CF101 and CF501 read: those rules ask this, built once per table and column, instead
    of adding up every class again.
    """
    return _slides(ctx, table).failures(column)


def any_footing_failure(ctx: RuleContext, table: Table) -> bool:
    """Whether :func:`footing_failures` is non-empty for some column the coded rows print in."""
    slides = _slides(ctx, table)
    return any(slides.failures(ci) for ci in slides.columns)


def _slides(ctx: RuleContext, table: Table) -> _Slides:
    """The table's :class:`_Slides`, built once per run (kept by the context)."""
    return ctx.per_object("slides", table, _new_slides)


def _new_slides(_ctx: RuleContext, table: Table) -> _Slides:
    return _Slides(table)


def _cached_shift(ctx: RuleContext, table: Table, column: int) -> tuple[int, frozenset[str]] | None:
    slides = _slides(ctx, table)
    if column not in slides.found:
        slides.found[column] = _shift(slides, column)
    return slides.found[column]
