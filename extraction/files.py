"""What crossfoot reads, told without reading it: file types by suffix, the size limit, the content hash.

Kept apart from the reader so that walking and hashing a corpus (``crossfoot review``'s parent
process) does not load the reader, its table assembly and their data files.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
PDF_SUFFIXES = {".pdf"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".mht", ".mhtml"}
MHTML_SUFFIXES = {".mht", ".mhtml"}
WORD_SUFFIXES = {".docx", ".docm", ".doc"}  # (.doc is read into a record that says how to convert it)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | WORKBOOK_SUFFIXES | HTML_SUFFIXES | WORD_SUFFIXES

MAX_BYTES = int(os.environ.get("CROSSFOOT_MAX_BYTES", str(150 * 1024 * 1024)))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
