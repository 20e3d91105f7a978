"""Writing a report: stdout carries only the report, and always as valid UTF-8."""

from __future__ import annotations

import re
import sys
from pathlib import Path

# A file name that is not valid UTF-8 reaches Python as text with lone surrogates
# (os.fsdecode); written as they are, they become bytes that are not UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """Each lone surrogate as its ``\\udcXX`` escape: in JSON that is the same string again
    (``json.loads`` gives back the name ``os.fsencode`` turns into the original bytes)."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_report(text: str, output: str | Path | None = None) -> None:
    """The report to ``output``, or to stdout when none is given, in UTF-8, ending in a newline."""
    data = (escape_surrogates(text) + "\n").encode("utf-8")
    if output:
        Path(output).write_bytes(data)
        return
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (an embedding host): its own encoding applies
        sys.stdout.write(data.decode("utf-8"))
    else:
        buffer.write(data)
        buffer.flush()
