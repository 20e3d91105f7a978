"""The reading flow shared by the PDF and the text reader.

Each reader turns its file into pages plus a *flow*: text lines and raw table
grids in reading order, each with its page and position.  ``assemble`` then
builds one Document from the flow, whatever the file format was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extraction.model import BBox


@dataclass
class Line:
    """A line of text outside any table grid."""

    page: int
    text: str
    start: int  # offsets into the page text
    end: int
    bbox: BBox | None = None
    # layout hints used to rejoin wrapped lines (PDF only)
    indent: bool = False  # starts visibly right of the text column's left edge
    short: bool = False  # ends well before the right edge (so the paragraph may end here)
    heading_hint: int | None = None  # markdown '#' level or a bold/large line


@dataclass(slots=True)
class RawCell:
    text: str
    page: int
    bbox: BBox | None = None
    start: int | None = None
    end: int | None = None
    confidence: float | None = None  # the lowest OCR confidence of its words (None: not read by OCR)


@dataclass
class RawGrid:
    """A grid of cells as laid out (rows x columns); None where no cell is printed."""

    page: int
    rows: list[list[RawCell | None]]
    bbox: BBox | None = None
    pages: list[int] = field(default_factory=list)
    # begins a table, never the continuation of the grid before it (the first grid of a workbook's
    # sheet: a table does not go on from one sheet to the next as it does from page to page)
    fresh: bool = False

    @property
    def n_cols(self) -> int:
        return max(map(len, self.rows), default=0)

    def texts(self, stop: int | None = None) -> list[list[str]]:
        """The text of every cell, rows padded to the widest row; ``stop``: only the first rows."""
        n = self.n_cols
        out = [[c.text if c is not None else "" for c in r] for r in self.rows[:stop]]
        for t in out:  # (most rows are full: only the short ones are padded, in place)
            if len(t) < n:
                t.extend([""] * (n - len(t)))
        return out


FlowItem = Line | RawGrid
