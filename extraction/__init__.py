"""Turn a file into a Document (pages, sections, paragraphs, tables) and pull claims from its prose."""

import sys as _sys

# PyMuPDF 2.0 imports its optional layout package when it is installed, which loads an ONNX model
# (1-3 s and ~100 MB per process).  crossfoot reads words and drawings and never asks PyMuPDF for
# a layout analysis, so the import is blocked; PyMuPDF then behaves as if the package were absent.
# PyMuPDF 2.0 also imports pymupdf4llm (with numpy) when it is installed, for its to_markdown()
# helpers: 0.3 s per process that crossfoot never uses, blocked the same way.
if "pymupdf" not in _sys.modules:
    _sys.modules.setdefault("pymupdf.layout", None)  # type: ignore[assignment]
    _sys.modules.setdefault("pymupdf4llm", None)  # type: ignore[assignment]

from extraction.model import Cell, Column, Document, DocumentMeta, Page, Paragraph, Row, Section, Table

__all__ = ["Cell", "Column", "Document", "DocumentMeta", "Page", "Paragraph", "Row", "Section", "Table"]
