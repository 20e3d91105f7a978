"""Read any supported file into a Document, or into an error record that says why not.

A bad file never raises out of here: it becomes a Document with ``error``
set (a stable code and a plain message) and the caller goes on with the next.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import replace
from pathlib import Path

from extraction.assemble import assemble
from extraction.encoding import decode_report, utf16_without_bom
from extraction.files import (  # noqa: F401 (re-exported)
    HTML_SUFFIXES,
    MAX_BYTES,
    MHTML_SUFFIXES,
    PDF_SUFFIXES,
    SUPPORTED_SUFFIXES,
    TEXT_SUFFIXES,
    WORD_SUFFIXES,
    sha256_file,
)
from extraction.limits import MAX_TEXT_CHARS
from extraction.model import Document, DocumentMeta, ReadError

log = logging.getLogger("extraction")

MAX_PAGES = int(os.environ.get("CROSSFOOT_MAX_PAGES", "5000"))

# Stable error codes (part of the JSON contract).
ERROR_CODES = {
    "not_found": "the file does not exist",
    "not_a_file": "the path is not a regular file",
    "unreadable": "the file cannot be opened for reading",
    "empty": "the file is empty (0 bytes)",
    "too_large": "the file is larger than the size limit",
    "too_many_pages": "the PDF has more pages than the page limit",
    "unsupported_type": "the file is of no type crossfoot reads (PDF, workbook, Word .docx, web page, text export)",
    "not_pdf": "the file is named .pdf but is not a PDF",
    "corrupt": "the PDF (or Word document) is damaged and cannot be read",
    "encrypted": "the PDF (or Word document) is password-protected",
    "no_text": "the PDF has no text layer (a scan?)",
    "bad_encoding": "the text file is in no known encoding",
    "internal_error": "crossfoot failed on this file",
    "too_complex": "checking the file took more time or memory than one document may, or its results "
                   "are too large to store",
}


def _error(path: str, sha: str, code: str, message: str, pages: int = 0) -> Document:
    return Document(
        path=path,
        sha256=sha,
        format="unknown",
        meta=DocumentMeta(None, None, None, None, pages),
        error=ReadError(code, message),
    )


def _sniff(head: bytes) -> str:
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head[:3] == b"\xef\xbb\xbf" or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "text"
    if b"\x00" in head[:4096]:
        return "text" if utf16_without_bom(head) else "binary"
    return "text"


def decode_text(data: bytes) -> str | None:
    """The text of a text export (damaged bytes replaced by U+FFFD), or None (no known encoding)."""
    decoded = decode_report(data)
    return decoded.text if decoded is not None else None


def read_document(path: str | Path, display_name: str | None = None, ocr: str = "auto") -> Document:
    """Read a PDF or text export from disk.  ``display_name`` replaces the path in the record.

    ``ocr``: which PDF pages are read by OCR (extraction/ocr.py) — ``auto`` those without a text
    layer, ``always`` every page, ``never`` none (a PDF without text is then ``no_text``)."""
    p = Path(path)
    name = display_name or str(path)
    if not p.exists():
        return _error(name, "", "not_found", f"{name}: no such file")
    if not p.is_file():
        return _error(name, "", "not_a_file", f"{name}: not a regular file")
    try:
        size = p.stat().st_size
        if size == 0:
            return _error(name, hashlib.sha256(b"").hexdigest(), "empty", f"{name}: the file is empty (0 bytes)")
        with p.open("rb") as f:
            head = f.read(8192)
    except OSError as e:
        return _error(name, "", "unreadable", f"{name}: cannot be read ({e.strerror or e})")
    if size > MAX_BYTES:
        return _error(
            name, "", "too_large",
            f"{name}: {size / 2**20:.0f} MB is over the {MAX_BYTES / 2**20:.0f} MB limit; "
            "split the file or raise CROSSFOOT_MAX_BYTES",
        )
    sha = sha256_file(p)
    kind = _sniff(head)
    try:
        if kind == "pdf":
            return _read_pdf(p, name, sha, ocr)
        if p.suffix.lower() in PDF_SUFFIXES:
            return _error(name, sha, "not_pdf", f"{name}: named .pdf but the content is not a PDF "
                          f"(starts with {head[:8]!r})")
        if kind in ("zip", "ole"):
            document = _read_workbook(p, name, sha, kind)
            if document is not None:
                return document
        suffix = p.suffix.lower()
        if (kind == "ole" and suffix in WORD_SUFFIXES
                or kind == "zip" and (suffix in WORD_SUFFIXES or _is_word_zip(p))):
            return _read_markup(p, name, sha, "docx", kind)
        if kind == "text" and suffix not in TEXT_SUFFIXES and (suffix in HTML_SUFFIXES or _looks_like_html(head)):
            return _read_markup(p, name, sha, "html", "mhtml" if suffix in MHTML_SUFFIXES else kind)
        if kind != "text":
            what = {"zip": "a ZIP container (Word/Excel?)", "ole": "an old Office file", "binary": "binary data"}[kind]
            return _error(name, sha, "unsupported_type",
                          f"{name}: {what}; crossfoot reads PDF, workbooks (.xlsx, .xls, .ods), Word (.docx), web "
                          "pages (.html) and text exports (.txt, .md)")
        decoded = decode_report(p.read_bytes())
        if decoded is None:
            return _error(name, sha, "bad_encoding", f"{name}: not UTF-8, UTF-16 or GB18030 text "
                          "(or too many bytes that decode in none of them)")
        document = read_text(decoded.text, name, sha)
        if decoded.note:
            document = replace(document, notes=(decoded.note, *document.notes))
        return document
    except MemoryError:  # over the memory budget: the caller records it as too_complex
        raise
    except Exception as e:  # a bug on one file must not stop a run: record it
        log.exception("internal error on %s", name)
        return _error(name, sha, "internal_error", f"{name}: {type(e).__name__}: {e}")


def read_text(text: str, name: str, sha: str | None = None) -> Document:
    from extraction.text import read_text_flow

    if sha is None:
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if not text.strip():
        return _error(name, sha, "empty", f"{name}: the file has no text")
    note = None
    if len(text) > MAX_TEXT_CHARS:
        # (at the last line end of the limit's last tenth, so that no line is cut in two)
        cut = text.rfind("\n", MAX_TEXT_CHARS - MAX_TEXT_CHARS // 10, MAX_TEXT_CHARS)
        cut = cut + 1 if cut >= 0 else MAX_TEXT_CHARS
        note = (f"the text has {len(text)} characters: the characters after the first {cut} are not read "
                f"(MAX_TEXT_CHARS = {MAX_TEXT_CHARS})")
        text = text[:cut]
    pages, flow = read_text_flow(text)
    document = assemble(name, sha, "text", pages, flow)
    if note:
        document = replace(document, notes=(note, *document.notes))
    return document


def _read_workbook(p: Path, name: str, sha: str, sniffed: str) -> Document | None:
    """A workbook (.xlsx, .xls, .ods) read, its error record, or None when the file is no workbook."""
    from extraction import xlsx

    try:
        kind = xlsx.workbook_kind(p, sniffed)
        if kind is None:
            return None
        pages, flow, notes = xlsx.read_workbook(p, kind, MAX_PAGES)
    except xlsx.WorkbookError as e:
        return _error(name, sha, e.code, f"{name}: {e.message}")
    document = assemble(name, sha, kind, pages, flow)
    return replace(document, notes=document.notes + tuple(notes)) if notes else document


def _read_pdf(p: Path, name: str, sha: str, ocr: str = "auto") -> Document:
    """The PDF read, with MuPDF's messages on it as notes (never on stdout)."""
    from extraction.mupdf_messages import captured

    with captured() as messages:
        document = _read_pdf_pages(p, name, sha, ocr)
    if messages:
        document = replace(document, notes=document.notes + tuple(messages))
    return document


def _read_pdf_pages(p: Path, name: str, sha: str, ocr: str = "auto") -> Document:
    import pymupdf

    from extraction.ocr import OcrPass
    from extraction.pdf import read_page

    try:
        try:
            str(p).encode("utf-8")
            doc = pymupdf.open(str(p), filetype="pdf")
        except UnicodeEncodeError:  # a name that is not UTF-8 (os.fsdecode's surrogates): MuPDF takes the bytes
            doc = pymupdf.open(stream=p.read_bytes(), filetype="pdf")
    except Exception as e:
        return _error(name, sha, "corrupt", f"{name}: the PDF cannot be opened ({_short(e)})")
    with doc:
        if doc.needs_pass or doc.is_encrypted:
            return _error(name, sha, "encrypted", f"{name}: the PDF is password-protected; "
                          "save an unprotected copy and try again")
        try:
            n = doc.page_count
        except Exception as e:
            return _error(name, sha, "corrupt", f"{name}: the PDF's page tree is damaged ({_short(e)})")
        if n == 0:
            return _error(name, sha, "corrupt", f"{name}: the PDF has no pages")
        if n > MAX_PAGES:
            return _error(name, sha, "too_many_pages",
                          f"{name}: {n} pages is over the {MAX_PAGES}-page limit (CROSSFOOT_MAX_PAGES)", n)
        pages = []
        flow = []
        damaged = 0
        limit_notes: list[str] = []  # pages cut at MAX_PAGE_WORDS
        scan = OcrPass(name, n, ocr, sha)
        for i in range(n):
            try:
                page, items = scan.page(doc[i], *read_page(doc[i], limit_notes), limit_notes)
            except MemoryError:
                raise
            except Exception as e:
                damaged += 1
                log.warning("%s: page %d unreadable: %s", name, i + 1, e)
                from extraction.model import Page

                page, items = Page(i + 1, ""), []
            pages.append(page)
            flow.extend(items)
        if damaged == n:
            return _error(name, sha, "corrupt", f"{name}: none of the {n} pages could be read", n)
        if not any(pg.text.strip() for pg in pages):
            return _error(name, sha, "no_text",
                          f"{name}: no text layer on any of its {n} pages (a scanned document?); "
                          f"{scan.no_text_message()}", n)
        document = assemble(name, sha, "pdf", pages, flow)
        if scan.notes():
            document = replace(document, notes=document.notes + tuple(scan.notes()))
        if limit_notes:
            if len(limit_notes) > 10:  # one note per page would grow with the pages
                limit_notes = [*limit_notes[:10], f"and {len(limit_notes) - 10} more pages over MAX_PAGE_WORDS"]
            document = replace(document, notes=document.notes + tuple(limit_notes))
        if damaged:
            document = replace(document, notes=document.notes + (f"{damaged} of {n} pages could not be read",))
        return document


_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|table|meta)\b|^mime-version:", re.I | re.M)


def _looks_like_html(head: bytes) -> bool:
    """A file of another suffix whose first bytes are a web page's (or an MHTML archive's)."""
    return _HTML_START.search(head[:1024]) is not None


def _is_word_zip(p: Path) -> bool:
    from extraction.docx import is_word_zip

    return is_word_zip(p)


def _read_markup(p: Path, name: str, sha: str, fmt: str, kind: str) -> Document:
    """A web page (``fmt`` "html"; ``kind`` "mhtml" for an archive) or a Word document ("docx"; an
    old-Office ``kind`` "ole" is refused with the reason) read by its reader, as one Document."""
    from extraction import docx, html

    try:
        if fmt == "docx":
            if kind == "ole":
                raise docx.ole_error(p)
            pages, flow, notes = docx.read_docx_flow(p)
        else:
            data = p.read_bytes()
            pages, flow, notes = html.read_html_flow(data, mhtml=kind == "mhtml" or html.is_mhtml(data[:4096]))
    except (docx.DocxError, html.HtmlError) as e:
        return _error(name, sha, e.code, f"{name}: {e}")
    if not any(pg.text.strip() for pg in pages):
        what = "web page" if fmt == "html" else "Word document"
        return _error(name, sha, "empty", f"{name}: the {what} has no text", len(pages))
    if len(pages) > MAX_PAGES:
        return _error(name, sha, "too_many_pages",
                      f"{name}: {len(pages)} pages is over the {MAX_PAGES}-page limit (CROSSFOOT_MAX_PAGES)",
                      len(pages))
    document = assemble(name, sha, fmt, pages, flow)
    if notes:
        document = replace(document, notes=(*notes, *document.notes))
    return document


def _short(e: Exception) -> str:
    s = str(e).strip() or type(e).__name__
    return s if len(s) < 160 else s[:157] + "..."
