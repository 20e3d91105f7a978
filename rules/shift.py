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


def hierarchy_holds(codes: list[str], figs: list[Figure]) -> bool:
    by_code = dict(zip(codes, figs))
    for code, f in by_code.items():
        if len(code) not in (3, 5):
            continue
        kids = [by_code[c] for c in codes if len(c) == len(code) + 2 and c.startswith(code)]
        if kids and not agrees(f, sum_figures(kids)):
            return False
    return True


_CACHE: dict[tuple[int, int], tuple[Table, int | None]] = {}


def _shift_start(table: Table, column: int) -> int | None:
    rows = coded_rows(table)
    codes = [r.code for r in rows]
    figs = [zero_figure(table, r, column) for r in rows]
    if hierarchy_holds(codes, figs):
        return None
    for k in range(len(rows) - 1):
        # From row k on, the figure printed at row i belongs to row i-1; the last row's figure
        # either wrapped round to row k or fell off the table.
        for tail in (figs[k], Figure(0.0, 0.0)):
            shifted = figs[:k] + figs[k + 1:] + [tail]
            if hierarchy_holds(codes, shifted):
                return k
    return None


def shift_start(table: Table, column: int) -> int | None:
    """Index (in coded_rows) of the first row whose figure belongs to the row above, or None.

    None when the hierarchy already holds or when no single slide of one row explains it.
    """
    key = (id(table), column)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is table:  # identity, not equality: hashing a table is costly
        return hit[1]
    if len(_CACHE) > 512:
        _CACHE.clear()
    result = _shift_start(table, column)
    _CACHE[key] = (table, result)
    return result
