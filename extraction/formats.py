"""The file types crossfoot reads, by suffix.

Kept apart from the reader so that walking a corpus (``crossfoot review``'s parent process)
does not load the reader, its table assembly and their data files.
"""

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES
