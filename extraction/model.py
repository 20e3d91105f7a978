"""The document model every other part of crossfoot reads.

A file becomes one :class:`Document`: metadata, the text of each page, the
heading tree, the prose paragraphs and the tables.  Every table cell and every
paragraph keeps its page (from 1) and its position (character offsets into the
page text, and a box on PDF pages), so a finding can point at its evidence.

All classes are frozen dataclasses with ``to_dict()``; nothing here parses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

BBox = tuple[float, float, float, float]


def _round_bbox(b: BBox | None) -> list[float] | None:
    return None if b is None else [round(v, 1) for v in b]


@dataclass(frozen=True)
class Page:
    """One page of text.  ``number`` counts from 1; a text export is one page."""

    number: int
    text: str
    width: float | None = None
    height: float | None = None
    # A page read by OCR (extraction/ocr.py): each word's (start, end) in ``text`` and the lowest
    # confidence of its characters, in text order; None for a page read from its text layer.
    confidences: tuple[tuple[int, int, float], ...] | None = None


@dataclass(frozen=True)
class TextPiece:
    """Where a slice of a paragraph stands on its page.

    ``para_start`` is the offset of this piece inside the paragraph text;
    ``start``/``end`` are offsets into ``Page.text`` of page ``page``.
    """

    para_start: int
    page: int
    start: int
    end: int


@dataclass(frozen=True)
class Section:
    """A heading and its place in the heading tree."""

    id: str
    title: str
    level: int  # 1 = 第X部分 / '#', 2 = 一、, 3 = （一）, 4 = 1.
    parent: str | None
    page: int
    start: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CellPlace:
    """The table cell a paragraph is printed in (a long text cell read as prose).

    ``table`` is the id of the table made from the cell's grid (None when the grid made no
    table); ``label`` the row's heading cell ("(三) 部门整体收支情况", "实际完成情况"), the
    nearest printed label to the left of the cell; ``bbox`` the cell's box on PDF pages
    (None in text exports, where the paragraph's offsets point at the cell).
    """

    table: str | None
    label: str | None
    bbox: BBox | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "label": self.label, "bbox": _round_bbox(self.bbox)}


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of prose, rejoined across line and page breaks.

    ``cell`` is set when the paragraph is the text of a table cell (an explanation printed in a
    绩效自评表 or a text export's table); its pieces then point into that cell.
    """

    id: str
    text: str
    section: str | None
    pieces: tuple[TextPiece, ...]
    cell: CellPlace | None = None

    @property
    def page(self) -> int:
        return self.pieces[0].page

    @property
    def start(self) -> int:
        return self.pieces[0].start

    @property
    def end(self) -> int:
        return self.pieces[-1].end

    def locate(self, offset: int) -> tuple[int, int]:
        """Map an offset inside the paragraph to (page, offset in that page's text)."""
        piece = self.pieces[0]
        for p in self.pieces:
            if p.para_start <= offset:
                piece = p
            else:
                break
        return piece.page, min(piece.start + (offset - piece.para_start), piece.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "section": self.section,
            "page": self.page,
            "start": self.start,
            "end": self.end,
            "pieces": [asdict(p) for p in self.pieces],
            "cell": self.cell.to_dict() if self.cell is not None else None,
        }


# The prose reader builds a TextPiece for every line, a Paragraph and a Section for every
# paragraph and heading: these build them like :func:`new_cell` below.
def new_piece(para_start: int, page: int, start: int, end: int) -> TextPiece:
    p = object.__new__(TextPiece)
    d = p.__dict__
    d["para_start"] = para_start
    d["page"] = page
    d["start"] = start
    d["end"] = end
    return p


def new_section(id: str, title: str, level: int, parent: str | None, page: int, start: int) -> Section:
    s = object.__new__(Section)
    d = s.__dict__
    d["id"] = id
    d["title"] = title
    d["level"] = level
    d["parent"] = parent
    d["page"] = page
    d["start"] = start
    return s


def new_paragraph(id: str, text: str, section: str | None, pieces: tuple[TextPiece, ...],
                  cell: CellPlace | None = None) -> Paragraph:
    p = object.__new__(Paragraph)
    d = p.__dict__
    d["id"] = id
    d["text"] = text
    d["section"] = section
    d["pieces"] = pieces
    d["cell"] = cell
    return p


@dataclass(frozen=True)
class Cell:
    """One table cell as printed.

    ``value`` is the number the cell shows (None when it shows nothing: empty,
    '—', '-', '--'); ``decimals`` is how many decimals were printed, which sets
    the rounding tolerance downstream.
    """

    text: str
    value: float | None
    decimals: int | None
    page: int
    bbox: BBox | None = None
    start: int | None = None  # offset in the page text (text exports)
    end: int | None = None
    # how sure OCR is of the cell's text (its least sure character, 0–1); None: not read by OCR
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "text": self.text,
            "value": self.value,
            "decimals": self.decimals,
            "page": self.page,
            "bbox": _round_bbox(self.bbox),
            "start": self.start,
            "end": self.end,
        }
        if self.confidence is not None:  # (only OCR cells carry it: the JSON of other cells is as before)
            d["confidence"] = round(self.confidence, 4)
        return d


# The table reader builds a Cell for every printed value and a Row for every line of every
# table; a frozen dataclass's __init__ sets each field through object.__setattr__, which costs
# more than the rest of the reading.  These build the same objects (equal, same fields, same
# types) by filling the instance dictionary in one step.  No class here has __post_init__.
_new = object.__new__


def new_cell(text: str, value: float | None, decimals: int | None, page: int, bbox: BBox | None,
             start: int | None, end: int | None, confidence: float | None = None) -> Cell:
    c = _new(Cell)
    # item by item into the instance dict: cheaper than update() with keywords, same dict
    d = c.__dict__
    d["text"] = text
    d["value"] = value
    d["decimals"] = decimals
    d["page"] = page
    d["bbox"] = bbox
    d["start"] = start
    d["end"] = end
    d["confidence"] = confidence
    return c


@dataclass(frozen=True)
class Column:
    """A value column: its header label (parent/child joined by '/') and its block."""

    index: int
    label: str
    block: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Row:
    """A table row inside one block.

    ``code`` is a classification code with split parts joined (类/款/项 ->
    '2010308'); ``cells`` has one entry per column of the row's block, in the
    order of ``Table.columns`` restricted to that block (None where the layout
    has no cell there).
    """

    index: int
    block: str | None
    code: str | None
    name: str
    cells: tuple[Cell | None, ...]
    columns: tuple[int, ...]  # Column.index for each entry of ``cells``
    page: int
    line_no: int | None = None  # 行次 where printed
    name_bbox: BBox | None = None
    unit: str | None = None  # a row's own unit, where the table prints a 单位 column
    # why the row's figures may not stand under the columns they are read in (a text export whose
    # row lost a cell, or whose header sits off its figures: extraction/alignment.py); None when
    # they do.  Rules raise no error finding on such a figure, a warning at most.
    uncertain: str | None = None

    @property
    def values(self) -> tuple[float | None, ...]:
        return tuple(c.value if c is not None else None for c in self.cells)

    def cell(self, column_index: int) -> Cell | None:
        for ci, c in zip(self.columns, self.cells):
            if ci == column_index:
                return c
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "block": self.block,
            "code": self.code,
            "name": self.name,
            "line_no": self.line_no,
            "unit": self.unit,
            "uncertain": self.uncertain,
            "page": self.page,
            "values": list(self.values),
            "columns": list(self.columns),
            "cells": [c.to_dict() if c is not None else None for c in self.cells],
        }


def new_row(index: int, block: str | None, code: str | None, name: str, cells: tuple[Cell | None, ...],
            columns: tuple[int, ...], page: int, line_no: int | None, name_bbox: BBox | None,
            unit: str | None, uncertain: str | None = None) -> Row:
    """A Row built like :func:`new_cell` (see there)."""
    r = _new(Row)
    d = r.__dict__
    d["index"] = index
    d["block"] = block
    d["code"] = code
    d["name"] = name
    d["cells"] = cells
    d["columns"] = columns
    d["page"] = page
    d["line_no"] = line_no
    d["name_bbox"] = name_bbox
    d["unit"] = unit
    d["uncertain"] = uncertain
    return r


@dataclass(frozen=True)
class Table:
    """A recognised table, possibly spanning several pages."""

    id: str
    kind: str
    number: str | None
    title: str
    unit: str | None
    pages: tuple[int, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    empty: bool = False  # printed as 本表无数据 / 不涉及 / 无
    blocks: tuple[str, ...] = ()
    bbox: BBox | None = None  # on its first page
    # what the reader did to the table as printed, or found it could not decide ("row 5 realigned:
    # an empty cell was missing"; extraction/alignment.py)
    notes: tuple[str, ...] = ()

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    def columns_of(self, block: str | None) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.block == block)

    def find_column(self, *needles: str, block: str | None = ...) -> Column | None:  # type: ignore[assignment]
        """The first column whose label contains every needle (optionally within a block)."""
        for c in self.columns:
            if block is not ... and c.block != block:
                continue
            if all(n in c.label for n in needles):
                return c
        return None

    def rows_in(self, block: str | None) -> Iterator[Row]:
        return (r for r in self.rows if r.block == block)

    def summary(self) -> dict[str, Any]:
        """The short form used in the ``crossfoot check`` JSON."""
        return {
            "id": self.id,
            "kind": self.kind,
            "number": self.number,
            "title": self.title,
            "unit": self.unit,
            "pages": list(self.pages),
            "n_rows": self.n_rows,
        }

    def to_dict(self) -> dict[str, Any]:
        d = self.summary()
        d.update(
            empty=self.empty,
            blocks=list(self.blocks),
            bbox=_round_bbox(self.bbox),
            notes=list(self.notes),
            columns=[c.to_dict() for c in self.columns],
            rows=[r.to_dict() for r in self.rows],
        )
        return d


@dataclass(frozen=True)
class DocumentMeta:
    department: str | None
    year: int | None
    kind: str | None  # 'final_account' | 'budget'
    unit: str | None  # the unit most tables use
    pages: int
    # The unit's code printed on the report (统一社会信用代码 or 组织机构代码 in the 概况, issue 17):
    # 18 characters, or a 9-character 组织机构代码; None when the report prints none.
    department_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        # (asdict's deep copy, field by field: every field is a str, an int or None)
        return {"department": self.department, "year": self.year, "kind": self.kind, "unit": self.unit,
                "pages": self.pages, "department_code": self.department_code}


@dataclass(frozen=True)
class ReadError:
    """Why a file could not be read.  ``code`` is stable (see extraction.errors)."""

    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    path: str
    sha256: str
    format: str  # 'pdf' | 'text'
    meta: DocumentMeta
    pages: tuple[Page, ...] = ()
    sections: tuple[Section, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    tables: tuple[Table, ...] = ()
    error: ReadError | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.error is None

    def tables_of(self, kind: str) -> list[Table]:
        return [t for t in self.tables if t.kind == kind]

    def table(self, kind: str) -> Table | None:
        ts = self.tables_of(kind)
        return ts[0] if ts else None

    def summary(self) -> dict[str, Any]:
        """The document entry of the ``crossfoot check`` JSON (claims/findings filled later)."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "status": "ok" if self.ok else "error",
            "error": self.error.to_dict() if self.error else None,
            "meta": self.meta.to_dict(),
            "tables": [t.summary() for t in self.tables],
            "claims": [],
            "findings": [],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "format": self.format,
            "meta": self.meta.to_dict(),
            "error": self.error.to_dict() if self.error else None,
            "sections": [s.to_dict() for s in self.sections],
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "tables": [t.to_dict() for t in self.tables],
            "notes": list(self.notes),
        }
