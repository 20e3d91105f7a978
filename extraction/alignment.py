"""Text-export tables whose figures do not stand under their columns.

A web page or a spreadsheet saved as text writes a table row as its cells joined by tabs. Two
slips of such an export move figures off their columns, and the footing rules then compare the
wrong columns:

- **a row lost an empty cell** — one tab fewer than the table's other rows, so every figure
  after the gap sits one column to the left (and the row is padded at its end);
- **the header sits off its figures** — the header rows are written without the empty cells of
  the label columns, so their labels stand left of the figures they name, while the 栏次 row
  (1, 2, 3 …) and the figures stand where they belong.

Both are read from the table's own structure, never from its title or its kind. A row one cell
short whose figures break an identity of the table where they are (a 类 is the sum of its 款, a
款 of its 项, in every column) is tried with the missing cell put back at each place: when
exactly one place makes every identity the row takes part in hold, the row is realigned and the
table says so in ``Table.notes`` ("row 5 realigned: an empty cell was missing"); when none does,
or more than one, the row is *position-uncertain* (``Row.uncertain`` says why). A header off its
figures cannot be put back from the header alone (its labels were written without their spans):
every row of the table is position-uncertain. Rules raise no error finding on a position-uncertain
figure, a warning at most (``rules/positions.py``). No value is ever invented or moved across
rows; a cell put back is an empty one.

Only text exports are read here (their cells have text offsets and no box): a PDF's cells are
placed by their position on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from extraction.layout import RawGrid
from extraction.model import Row, Table

# a header cell that names the label columns, not a figure column (项目, 科目编码, 类 款 项, 栏次,
# a 计量单位 column …)
_LABEL_WORDS = re.compile(
    r"^(?:项目|科目|编码|代码|名称|类|款|项|目|次|栏次|行次|序号|计量|单位|收入|支出|功能|经济|分类|按|（|）|\(|\))+$")
_DIGITS = re.compile(r"^\d{1,2}$")
_CODE_LENGTHS = (3, 5, 7)

HEADER_OFF = ("header printed off its figures: the 栏次 row prints column 1 in cell {p}, the header "
              "names a figure column «{label}» in cell {q}, left of it, where no row prints a figure; "
              "the columns of the figures cannot be told from the header")
ROW_SHORT = ("row {n} ({label}) has one cell fewer than the table and its figures break the table's "
             "identities where they stand; {why}: the columns of its figures are uncertain")
REALIGNED = "row {n} ({label}) realigned: an empty cell was missing in column «{column}»"


def is_text_grid(grid: RawGrid) -> bool:
    """A grid of a text export: its cells have offsets in the page text and no box."""
    for r in grid.rows:
        for c in r:
            if c is not None:
                return c.bbox is None and c.start is not None
    return False


def _squash(t: str) -> str:
    return "".join(t.split())


def header_offset(grid: RawGrid, table: Table) -> str | None:
    """Why the header stands off its figures, or None.

    The 栏次 row (only column numbers, from 1) shows where column 1 is printed. A figure column the
    header named further left — over cells that hold no figure in any row, and with a label that
    is not one of the label columns' (项目, 科目编码, 类/款/项 …) — was named by a header written
    without its label cells' spans: the labels of the columns right of it are off too.
    """
    texts = [[c.text if c is not None else "" for c in r] for r in grid.rows[:12]]
    p = None
    for r in texts:
        cells = [(i, _squash(t)) for i, t in enumerate(r) if _squash(t)]
        digits = [(i, t) for i, t in cells if _DIGITS.match(t)]
        if len(digits) < 3 or any(not _DIGITS.match(t) and not _LABEL_WORDS.match(t) for _, t in cells):
            continue
        first = next((i for i, t in digits if t == "1"), None)
        if first is not None and first + 1 < len(r) and _squash(r[first + 1]) == "2":
            p = first
            break
    if p is None:
        return None
    off = [c for c in table.columns if c.index < p
           and any(part and not _LABEL_WORDS.match(_squash(part)) for part in c.label.split("/"))]
    if not off:
        return None
    # the cells the labels stand over hold no figure: they are label cells of the body
    for row in table.rows:
        for ci, c in zip(row.columns, row.cells):
            if ci < p and c is not None and c.value is not None:
                return None
    return HEADER_OFF.format(p=p + 1, q=off[0].index + 1, label=off[0].label)


def _tolerance(decimals: list[int | None]) -> float:
    """The rounding of a sum of printed figures (an empty cell, None, is exactly nothing)."""
    return sum(0.5 * 10 ** -d for d in decimals if d is not None) + 1e-9


class _Footing:
    """The code identities of a table (a 类 the sum of its 款, a 款 of its 项, column by column)."""

    def __init__(self, table: Table) -> None:
        self.rows: dict[str, Row] = {}
        for r in table.rows:
            if r.code and len(r.code) in _CODE_LENGTHS and r.code not in self.rows:
                self.rows[r.code] = r
        self.children: dict[str, list[str]] = {}
        for code in self.rows:
            if len(code) > 3 and code[:-2] in self.rows:
                self.children.setdefault(code[:-2], []).append(code)

    def groups_of(self, code: str) -> list[str]:
        """The parents whose identity the row takes part in: its own parent, and itself."""
        out = []
        if len(code) > 3 and code[:-2] in self.children:
            out.append(code[:-2])
        if code in self.children:
            out.append(code)
        return out

    def holds(self, code: str, values: dict[int, tuple[float, int | None]]) -> bool | None:
        """Whether every identity the row of ``code`` takes part in holds when that row reads
        ``values`` (column index -> value, decimals); None when it takes part in none."""
        groups = self.groups_of(code)
        if not groups:
            return None
        columns: set[int] = set(values)
        for g in groups:
            for r in (self.rows[g], *(self.rows[c] for c in self.children[g])):
                columns.update(_figures(r))

        def read(c: str, ci: int) -> tuple[float, int | None]:
            if c == code:
                return values.get(ci, (0.0, None))
            cell = self.rows[c].cell(ci)
            return (cell.value, cell.decimals) if cell is not None and cell.value is not None else (0.0, None)

        for g in groups:
            for ci in columns:
                total, dt = read(g, ci)
                parts = [read(c, ci) for c in self.children[g]]
                s = sum(v for v, _ in parts)
                if abs(total - s) > _tolerance([dt, *(d for _, d in parts)]):
                    return False
        return True


def _figures(row: Row) -> dict[int, tuple[float, int | None]]:
    """The row's printed figures: column index -> (value, decimals)."""
    return {ci: (c.value, c.decimals) for ci, c in zip(row.columns, row.cells)
            if c is not None and c.value is not None}


def _label(row: Row) -> str:
    return " ".join(x for x in (row.code, row.name) if x) or "—"


def check_alignment(grid: RawGrid, table: Table | None,
                    reread: Callable[[RawGrid], Table | None]) -> tuple[Table | None, RawGrid]:
    """The table with its short rows realigned or marked position-uncertain, and the grid it was
    read from (a new grid when a row was realigned; ``reread`` reads a grid into a table again)."""
    if table is None or not table.rows or not is_text_grid(grid):
        return table, grid
    why = header_offset(grid, table)
    if why is not None:
        rows = tuple(replace(r, uncertain=why) for r in table.rows)
        return replace(table, rows=rows, notes=(*table.notes, why)), grid
    widths = [len(r) for r in grid.rows]
    width = max(widths, default=0)
    short = {i for i, n in enumerate(widths) if n < width}
    if not short:
        return table, grid
    # each table row's place in the grid, by the text offset of its first printed cell
    at: dict[tuple[int, int], int] = {}
    for i in short:
        for c in grid.rows[i]:
            if c is not None and c.start is not None:
                at[(c.page, c.start)] = i
    footing = _Footing(table)
    fixes: list[tuple[int, int, Row]] = []  # grid row, the cell an empty one is put back before, row
    uncertain: dict[int, str] = {}  # table row index -> why
    for row in table.rows:
        gi = next((at[(c.page, c.start)] for c in row.cells if c is not None and c.start is not None
                   and (c.page, c.start) in at), None)
        if gi is None or not row.code or row.code not in footing.rows or footing.rows[row.code] is not row:
            continue
        figures = _figures(row)
        if not figures or footing.holds(row.code, figures) is not False:
            continue  # fits as it stands (a row that only lost its trailing empty cells), or nothing to check
        raw = grid.rows[gi]
        # the row's cells in the grid: every figure cell's column is its place in the grid
        place = {c.start: ci for ci, c in zip(row.columns, row.cells)
                 if c is not None and c.start is not None}
        block = set(row.columns)
        fits: dict[tuple, int] = {}
        for gap in range(min(row.columns), len(raw)):
            # an empty cell put back before cell ``gap``: every figure from there on one column right
            if any(c is not None and place.get(c.start) in figures and j + 1 not in block
                   for j, c in enumerate(raw[gap:], gap)):
                continue  # a figure would fall off the row's columns
            moved = {ci + 1 if ci >= gap else ci: v for ci, v in figures.items()}
            key = tuple(sorted(moved.items()))
            if key not in fits and footing.holds(row.code, moved):
                fits[key] = gap
        if len(fits) == 1:
            fixes.append((gi, next(iter(fits.values())), row))
        else:
            reason = ("no place of the missing cell makes them hold" if not fits
                      else f"{len(fits)} places of the missing cell make them hold")
            uncertain[row.index] = ROW_SHORT.format(n=row.index + 1, label=_label(row), why=reason)
    if not fixes and not uncertain:
        return table, grid
    notes: list[str] = []
    if fixes:
        rows = [list(r) for r in grid.rows]
        for gi, gap, _row in fixes:
            rows[gi].insert(gap, None)
        fixed = RawGrid(grid.page, rows, grid.bbox, list(grid.pages))
        again = reread(fixed)
        if again is None or len(again.rows) != len(table.rows):
            # (the grid read again makes other rows: nothing is realigned, the rows stay uncertain)
            again_why = "the table read again with it put back is another table"
            for _gi, _gap, row in fixes:
                uncertain[row.index] = ROW_SHORT.format(n=row.index + 1, label=_label(row), why=again_why)
            return _mark(table, uncertain, list(uncertain.values())), grid
        grid = fixed
        labels = {c.index: c.label for c in again.columns}
        for _gi, gap, row in fixes:
            notes.append(REALIGNED.format(n=row.index + 1, label=_label(row), column=labels.get(gap, gap)))
        table = replace(again, notes=table.notes)
    notes.extend(uncertain.values())
    return _mark(table, uncertain, notes), grid


def _mark(table: Table, uncertain: dict[int, str], notes: list[str]) -> Table:
    rows = tuple(replace(r, uncertain=uncertain[r.index]) if r.index in uncertain else r for r in table.rows)
    return replace(table, rows=rows, notes=(*table.notes, *notes))

