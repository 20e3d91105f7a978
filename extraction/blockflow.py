"""Blocks of a structured document (a web page, a Word file) to the reading flow.

The HTML and the Word reader find the same things in their files: lines of text (a paragraph,
a heading with its level, a ``<br>``-broken line), tables as grids of cell texts (merged cells
resolved: a merged cell's text stands once, at its first row and column, the places it spans
are empty), and page breaks.  :class:`FlowBuilder` turns them into the pages and the flow that
:func:`extraction.assemble.assemble` reads, as :mod:`extraction.text` does for a text export:
each page's text holds its lines, and each table row as its cells joined by tabs, so that every
line and cell has its offsets into the page text.

A table row that is a caption (the table's title alone, or only 部门：/单位：/公开NN表 cells, as
web pages print them inside the table) is a line, as in a text export (``_is_caption_row``).
"""

from __future__ import annotations

import re

from extraction.layout import FlowItem, Line, RawCell, RawGrid
from extraction.limits import MAX_TABLE_CELLS, MAX_TEXT_CHARS
from extraction.model import Page
from extraction.text import _is_caption_row

_CONTROL = re.compile(r"[\t\n\r\f\v]+")


def one_line(text: str) -> str:
    """A cell's or a line's text on one line: tabs and line breaks become a space."""
    return _CONTROL.sub(" ", text)


class FlowBuilder:
    """Collects lines, tables and page breaks in reading order; ``finish`` gives (pages, flow).

    At most ``MAX_TEXT_CHARS`` characters of text are taken (``full`` then says so and the reader
    stops; ``notes`` says where), and a table keeps at most one cell more than
    ``MAX_TABLE_CELLS`` (``assemble`` notes the cut), so that a hostile file costs no more than a
    text export of the same size."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.flow: list[FlowItem] = []
        self.notes: list[str] = []
        self.full = False
        self._parts: list[str] = []
        self._pos = 0
        self._chars = 0  # over all pages

    @property
    def page(self) -> int:
        return len(self.pages) + 1

    def _take(self, n: int) -> bool:
        """Whether ``n`` more characters fit under ``MAX_TEXT_CHARS`` (once not, nothing more is taken)."""
        if self.full:
            return False
        if self._chars + n > MAX_TEXT_CHARS:
            self.full = True
            self.notes.append(f"the text has more than {MAX_TEXT_CHARS} characters: the text after the first "
                              f"{self._chars} is not read (MAX_TEXT_CHARS)")
            return False
        self._chars += n
        return True

    def _write(self, text: str) -> int:
        start = self._pos
        self._parts.append(text)
        self._parts.append("\n")
        self._pos += len(text) + 1
        return start

    def line(self, text: str, level: int | None = None) -> None:
        """A line of text; ``level``: a heading's level (1–6), as a markdown '#' gives it."""
        body = one_line(text)
        t = body.strip()
        if not t or not self._take(len(body) + 1):
            return
        lead = len(body) - len(body.lstrip())
        start = self._write(body) + lead
        self.flow.append(Line(self.page, t, start, start + len(t), None, indent=lead > 0, short=True,
                              heading_hint=level))

    def table(self, rows: list[list[str | None]]) -> None:
        """A table's rows of cell texts (None or blank: no cell printed); caption rows become lines."""
        grid: list[list[RawCell | None]] = []
        cells_left = MAX_TABLE_CELLS + 1
        for row in rows:
            if not row:
                continue  # (a <tr> without cells)
            texts = [one_line(c) if c else "" for c in row]
            joined = "\t".join(texts)
            if _is_caption_row(joined):
                self._grid(grid)
                grid = []
                self.line("  ".join(t.strip() for t in texts if t.strip()))
                continue
            if cells_left <= 0 or not self._take(len(joined) + 1):
                continue
            del texts[cells_left:]
            cells_left -= len(texts)
            off = self._write("\t".join(texts))
            cells: list[RawCell | None] = []
            for t in texts:
                s = t.strip()
                cs = off + len(t) - len(t.lstrip())
                cells.append(RawCell(s, self.page, None, cs, cs + len(s)) if s else None)
                off += len(t) + 1
            grid.append(cells)
        self._grid(grid)

    def _grid(self, rows: list[list[RawCell | None]]) -> None:
        if rows:
            self.flow.append(RawGrid(self.page, rows, None, [self.page]))

    def page_break(self) -> None:
        """The text after this is on the next page (a page break the file prints)."""
        self.pages.append(Page(self.page, "".join(self._parts)))
        self._parts = []
        self._pos = 0

    def finish(self) -> tuple[list[Page], list[FlowItem]]:
        """The pages (a last page without text after a final break is dropped) and the flow."""
        if self._parts or not self.pages:
            self.pages.append(Page(self.page, "".join(self._parts)))
            self._parts = []
        return self.pages, self.flow


def resolve_spans(rows: list[list[tuple[str, int, int]]],
                  limit: int = MAX_TABLE_CELLS + 1) -> list[list[str | None]]:
    """Rows of (text, colspan, rowspan) cells as a grid: a merged cell's text at its first row and
    column, None at the other places it spans; at most ``limit`` places in all, the row that
    reaches it cut there (one more than a table may hold, so that ``assemble`` notes the cut:
    spans cannot make a table larger than its cells allow).  A rowspan reaching past the last
    row stops there."""
    grid: list[list[str | None]] = []
    covered: dict[int, int] = {}  # column → rows below still covered by a cell of a row above
    used = 0
    n = len(rows)
    for ri, row in enumerate(rows):
        out: list[str | None] = []
        col = 0
        for text, colspan, rowspan in row:
            while covered.get(col, 0) > 0:
                out.append(None)
                covered[col] -= 1
                col += 1
            colspan = max(1, colspan)
            rowspan = min(max(1, rowspan), n - ri)
            out.append(text)
            out.extend([None] * (colspan - 1))
            for c in range(col, col + colspan):
                # (a cell over a place a cell above covers: the two overlap, this one is printed)
                covered[c] = rowspan - 1
            col += colspan
            if used + len(out) > limit:
                break
        last = max((c for c, v in covered.items() if v > 0), default=-1)
        for c in range(col, last + 1):
            out.append(None)
            if covered.get(c, 0) > 0:
                covered[c] -= 1
        if used + len(out) >= limit:
            grid.append(out[: limit - used])
            break
        used += len(out)
        grid.append(out)
    return grid
