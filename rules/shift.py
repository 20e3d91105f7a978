"""Values printed one row off their codes: the explanation that replaces a cascade of footing failures."""

from __future__ import annotations

from extraction.model import Row, Table
from rules.base import Figure, agrees, sum_figures, zero_figure


def coded_rows(table: Table) -> list[Row]:
    """Rows with a classification code, first occurrence of each code, in printed order."""
    seen: set[str] = set()
    out = []
    for r in table.rows:
        if r.code and r.code not in seen:
            seen.add(r.code)
            out.append(r)
    return out


def hierarchy_failures(codes: list[str], figs: list[Figure]) -> frozenset[str]:
    """The 类/款 codes whose figure is not the sum of their children's."""
    by_code = dict(zip(codes, figs))
    bad = set()
    for code, f in by_code.items():
        if len(code) not in (3, 5):
            continue
        kids = [by_code[c] for c in codes if len(c) == len(code) + 2 and c.startswith(code)]
        if kids and not agrees(f, sum_figures(kids)):
            bad.add(code)
    return frozenset(bad)


def hierarchy_holds(codes: list[str], figs: list[Figure]) -> bool:
    return not hierarchy_failures(codes, figs)


_CACHE: dict[tuple[int, int], tuple[Table, tuple[int, frozenset[str]] | None]] = {}


def _shift(table: Table, column: int) -> tuple[int, frozenset[str]] | None:
    rows = coded_rows(table)
    codes = [r.code for r in rows]
    figs = [zero_figure(table, r, column) for r in rows]
    before = hierarchy_failures(codes, figs)
    if not before:
        return None
    near: tuple[int, frozenset[str]] | None = None
    for k in range(len(rows) - 1):
        # From row k on, the figure printed at row i belongs to row i-1; the last row's figure
        # either wrapped round to row k or fell off the table.
        for tail in (figs[k], Figure(0.0, 0.0)):
            shifted = figs[:k] + figs[k + 1:] + [tail]
            after = hierarchy_failures(codes, shifted)
            if not after:
                return k, after
            # A second, unrelated error in the same column (a line that does not foot, which
            # also breaks its parent) must not hide the slide: accept a slide that leaves at most
            # two failures, all of them there before, when it explains at least two others.
            if near is None and len(after) <= 2 and after < before and len(before) - len(after) >= 2:
                near = (k, after)
    return near


def shift_start(table: Table, column: int) -> int | None:
    """Index (in coded_rows) of the first row whose figure belongs to the row above, or None.

    None when the hierarchy already holds or when no single slide of one row explains it.
    """
    found = _cached_shift(table, column)
    return None if found is None else found[0]


def shift_residual(table: Table, column: int) -> frozenset[str]:
    """The 类/款 codes that still do not foot once the slid column is put back (an error of its
    own, for CF101 to report)."""
    found = _cached_shift(table, column)
    return frozenset() if found is None else found[1]


def _cached_shift(table: Table, column: int) -> tuple[int, frozenset[str]] | None:
    key = (id(table), column)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is table:  # identity, not equality: hashing a table is costly
        return hit[1]
    if len(_CACHE) > 512:
        _CACHE.clear()
    result = _shift(table, column)
    _CACHE[key] = (table, result)
    return result
