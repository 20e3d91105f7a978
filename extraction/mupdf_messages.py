"""MuPDF's own messages, kept off stdout and handed to the document they concern.

PyMuPDF prints MuPDF's errors and warnings ("MuPDF error: format error: No default Layer config")
with ``print`` on **stdout** by default, in the middle of the JSON ``crossfoot check`` writes there.
Importing this module turns that display off for the whole process (every module of crossfoot that
opens a PDF imports it) and sends PyMuPDF's other messages to the ``extraction.mupdf`` logger
(stderr).  MuPDF still keeps each message in its store; :func:`captured` empties the store around
one document's reading and hands the messages over, so that they become that document's notes.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pymupdf

log = logging.getLogger("extraction.mupdf")

MAX_NOTES = 20  # distinct messages kept per document; a damaged file can raise thousands
MAX_CHARS = 300  # of one message

# MuPDF's message store is one list for the process: one document is read at a time, so that the
# messages in the store are that document's (a Dask worker may run several threads).
_LOCK = threading.RLock()


def quiet() -> None:
    """No MuPDF message on stdout from here on (idempotent)."""
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    pymupdf.set_messages(pylogging_logger=log, pylogging_level=logging.INFO)


quiet()


def notes_of(store_text: str) -> list[str]:
    """The messages of MuPDF's store (one a line) as document notes: each distinct message once,
    with how often it came, at most :data:`MAX_NOTES` of them."""
    counts = Counter(_text(line.strip())[:MAX_CHARS] for line in store_text.splitlines() if line.strip())
    notes = [f"MuPDF: {msg}" + (f" (×{n})" if n > 1 else "") for msg, n in list(counts.items())[:MAX_NOTES]]
    if len(counts) > MAX_NOTES:
        notes.append(f"MuPDF: … and {len(counts) - MAX_NOTES} more distinct messages")
    return notes


def _text(message: str) -> str:
    """A message as text that is valid UTF-8.  PyMuPDF hands over the bytes of a message that are not
    UTF-8 (a font name in GBK: ``ABCDEE+\\udccb\\udcce\\udccc\\udce5``) as surrogate escapes, which
    no UTF-8 writer (the store, the JSON on stdout) takes: read those bytes as GB18030 when they are
    that, else as U+FFFD."""
    try:
        message.encode("utf-8")
        return message
    except UnicodeEncodeError:
        raw = message.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


@contextmanager
def captured() -> Iterator[list[str]]:
    """Read one document inside this block; the list it yields holds MuPDF's messages afterwards."""
    notes: list[str] = []
    with _LOCK:
        pymupdf.TOOLS.reset_mupdf_warnings()
        try:
            yield notes
        finally:
            notes.extend(notes_of(pymupdf.TOOLS.mupdf_warnings(reset=True)))
