"""Turn a file into a Document (pages, sections, paragraphs, tables) and pull claims from its prose."""

from extraction.model import Cell, Column, Document, DocumentMeta, Page, Paragraph, Row, Section, Table

__all__ = ["Cell", "Column", "Document", "DocumentMeta", "Page", "Paragraph", "Row", "Section", "Table"]
