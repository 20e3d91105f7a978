"""A document as read, and its claims, as bytes for the review store (``document_data``).

``crossfoot review``'s set phase reads a department's reports together (a report split over two
files, last year's report, the year's budget: crossfoot/sets.py, the CF9xx rules).  It reads them
from here instead of from their files: decoding is a few milliseconds where reading a PDF again
takes a second, and the document decoded is equal (``==``) to the one the reader made, field by
field — every page's text, heading, paragraph, table, row and cell with its page and box — so
that any rule of a document set (whatever it reads) finds in ``review`` what it finds in
``check``.  The claims are kept with it (extracting them again costs as much as reading a text).

The form is JSON (compressed with zlib): one array per object, its fields in declaration order
(``FORMAT`` names the layout; a blob of another layout is not decoded, and the file is read again).
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from extraction import model as M
from extraction.claims.claim import make_claim

FORMAT = 3  # 2: a row's ``uncertain``, a table's ``notes``; 3: OCR confidences (a page's, a cell's)


def _values(obj: Any) -> tuple[Any, ...]:
    # every class here fills its instance dict with exactly its fields, in declaration order
    # (the frozen __init__ and the fast constructors of extraction.model alike)
    return tuple(obj.__dict__.values())


def encode(doc: M.Document, claims: Any = ()) -> bytes:
    """The bytes of a document that was read (``doc.ok``) and of its claims."""
    tables = [(t.id, t.kind, t.number, t.title, t.unit, t.pages, [_values(c) for c in t.columns],
               [(r.index, r.block, r.code, r.name, [None if c is None else _values(c) for c in r.cells],
                 r.columns, r.page, r.line_no, r.name_bbox, r.unit, r.uncertain) for r in t.rows],
               t.empty, t.blocks, t.bbox, t.notes) for t in doc.tables]
    paragraphs = [(p.id, p.text, p.section, [_values(x) for x in p.pieces],
                   None if p.cell is None else _values(p.cell)) for p in doc.paragraphs]
    data = (FORMAT, doc.path, doc.sha256, doc.format, _values(doc.meta), [_values(p) for p in doc.pages],
            [_values(s) for s in doc.sections], paragraphs, tables, list(doc.notes),
            [_values(c) for c in claims])
    # (a path that is not UTF-8 keeps its lone surrogates: os.fsdecode's, given back as they were)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def _box(b: Any) -> Any:
    return None if b is None else tuple(b)


def decode(blob: bytes) -> tuple[M.Document, list[Any]] | None:
    """The document and claims :func:`encode` made (None for a blob of another layout)."""
    data = json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))
    if not data or data[0] != FORMAT:
        return None
    _, path, sha, fmt, meta, pages, sections, paragraphs, tables, notes, claims = data
    new_cell, new_row, new_piece = M.new_cell, M.new_row, M.new_piece
    doc = M.Document(
        path, sha, fmt, M.DocumentMeta(*meta),
        tuple(M.Page(n, text, w, h, None if conf is None else tuple(map(tuple, conf)))
              for n, text, w, h, conf in pages),
        tuple(M.new_section(*s) for s in sections),
        tuple(M.new_paragraph(i, text, section, tuple(new_piece(*x) for x in pieces),
                              None if cell is None else M.CellPlace(cell[0], cell[1], _box(cell[2])))
              for i, text, section, pieces, cell in paragraphs),
        tuple(M.Table(i, kind, number, title, unit, tuple(tpages), tuple(M.Column(*c) for c in columns),
                      tuple(new_row(index, block, code, name,
                                    tuple(None if c is None else new_cell(c[0], c[1], c[2], c[3], _box(c[4]), c[5], c[6], c[7])
                                          for c in cells),
                                    tuple(cols), page, line_no, _box(name_bbox), runit, uncertain)
                            for index, block, code, name, cells, cols, page, line_no, name_bbox, runit, uncertain
                            in rows),
                      empty, tuple(blocks), _box(bbox), tuple(tnotes))
              for i, kind, number, title, unit, tpages, columns, rows, empty, blocks, bbox, tnotes in tables),
        None, tuple(notes))
    return doc, [make_claim(*c) for c in claims]
