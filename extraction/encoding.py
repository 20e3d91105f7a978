"""Decoding a text export whose bytes may be damaged: the encoding that fits best, never mojibake.

A report exported as UTF-8 with one stray byte, or cut in the middle of its last character, is
still that report: it is read as UTF-8 with the undecodable bytes replaced by U+FFFD, and the
document says how many.  It is never decoded as GB18030 instead: GB18030 accepts almost any run of
bytes, so one bad byte would turn the whole report into mojibake that looks like Chinese text.

Which encoding fits is decided by the evidence of the bytes themselves: a UTF-8 file holds many
well-formed multi-byte sequences and few broken ones; GB18030 text read as UTF-8 breaks on most of
its characters.
"""

from __future__ import annotations

import codecs
import threading
from dataclasses import dataclass

# At most one undecodable sequence per this many non-ASCII characters decoded: more, and the bytes
# are not damaged text in that encoding but another encoding (or no text at all).
CHARS_PER_DAMAGE = 100

_counts = threading.local()


class _TooDamaged(Exception):
    pass


def _count_and_replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _counts.n += 1
    if _counts.n > _counts.limit:
        raise _TooDamaged
    return "\ufffd", exc.end


codecs.register_error("crossfoot-count", _count_and_replace)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # utf-8, utf-16 (utf-16-le / utf-16-be without a byte-order mark), gb18030
    replaced: int  # undecodable byte sequences replaced by U+FFFD

    @property
    def note(self) -> str | None:
        """What the document's notes say of the decoding (None for clean UTF-8)."""
        parts = []
        if self.encoding != "utf-8":
            parts.append(f"decoded as {self.encoding.upper()}")
        if self.replaced:
            parts.append(f"{self.replaced} undecodable byte sequence{'s' if self.replaced > 1 else ''} "
                         "replaced by U+FFFD (findings whose evidence touches one are marked damaged_text)")
        return "; ".join(parts) or None


def _damaged(data: bytes, encoding: str) -> Decoded | None:
    """``data`` in ``encoding`` with its undecodable sequences replaced, if they are few enough."""
    _counts.n, _counts.limit = 0, max(1, len(data) // CHARS_PER_DAMAGE)
    try:
        text = data.decode(encoding, errors="crossfoot-count")
    except _TooDamaged:
        return None
    n = _counts.n
    non_ascii = sum(1 for ch in text if ch > "\x7f") - n
    if n * CHARS_PER_DAMAGE > max(non_ascii, 0) and non_ascii >= 0 and n > 0:
        # few well-formed characters for the damage: unless the text is plain ASCII with a stray
        # byte or two (which reads the same in every encoding), this is not the encoding
        if non_ascii > 0 or n > 2:
            return None
    name = {"utf-8-sig": "utf-8"}.get(
        encoding, encoding)
    return Decoded(text, name, n)


def utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for bytes that are UTF-16 without a byte-order mark (a report
    saved as "Unicode" by an old editor): most of their NUL bytes stand at odd offsets (little
    endian: ASCII and CJK's low bytes first) or at even ones; None otherwise."""
    sample = head[:4096]
    if len(sample) < 16 or b"\x00" not in sample:
        return None
    sample = sample[: len(sample) // 2 * 2]
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    half = len(sample) // 2
    # the NULs of ASCII characters (digits, tabs, line ends: a report has them on every line) on
    # one side, far more than CJK characters whose low byte is 0 (一 is 00 4E) put on the other;
    # binary data has them on both alike
    if odd >= 0.02 * half and odd >= 5 * (even + 1):
        codec = "utf-16-le"
    elif even >= 0.02 * half and even >= 5 * (odd + 1):
        codec = "utf-16-be"
    else:
        return None
    try:
        text = sample.decode(codec)
    except UnicodeDecodeError:
        text = sample.decode(codec, errors="replace")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\r\n")
    return codec if printable >= 0.95 * len(text) else None


def decode_report(data: bytes) -> Decoded | None:
    """The text of a text export, or None when it is in no known encoding (or too damaged)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return Decoded(data.decode("utf-16"), "utf-16", 0)
        except UnicodeDecodeError:
            return _damaged(data, "utf-16")
    wide = utf16_without_bom(data)
    if wide is not None:
        try:
            return Decoded(data.decode(wide), wide, 0)
        except UnicodeDecodeError:
            return _damaged(data, wide)
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8", 0)
    except UnicodeDecodeError:
        pass
    utf8 = _damaged(data, "utf-8-sig")
    if utf8 is not None:
        return utf8
    try:
        return Decoded(data.decode("gb18030"), "gb18030", 0)
    except UnicodeDecodeError:
        return _damaged(data, "gb18030")
