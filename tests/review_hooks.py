"""Worker hooks for the review tests (``CROSSFOOT_WORKER_HOOK=review_hooks:misbehave``).

A document whose file name holds one of these words makes its worker do what a hostile
document can make the PDF library do; every other document is checked as usual:

* ``kill-``  the kernel kills the worker (SIGKILL, as the OOM killer does), every time;
* ``abort-`` the worker crashes (SIGABRT, as a failed assertion in C code does), every time;
* ``hang-``  the worker hangs where the soft time limit cannot reach it (SIGALRM blocked, as in
  a long C call): only the parent's hard limit stops it;
* ``loop-``  a Python loop without end: the soft time limit stops it;
* ``hog-``   allocates without end: the worker's memory cap stops it;
* ``huge-``  returns an entry far too large for the store (50,000 claims of 300 KB of text each);
* ``killpair-`` a text file whose check *with its tables file* (the set phase, named
  ``pair:<name>``) kills the worker; checked alone it is a good document.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def misbehave(path: str, name: str):
    base = os.path.basename(name)
    if base.startswith("pair:") and "killpair-" in base:
        os.kill(os.getpid(), signal.SIGKILL)
    if "kill-" in base:
        os.kill(os.getpid(), signal.SIGKILL)
    if "abort-" in base:
        os.abort()
    if "hang-" in base:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(3600)
    if "loop-" in base:
        n = 0
        while True:
            n += 1
    if "hog-" in base:
        held = []
        while True:
            held.append(bytearray(64 * 1024 * 1024))
    if "huge-" in base:
        return huge_entry(path, name)
    return None


def huge_entry(path: str, name: str, claims: int = 50_000, text_bytes: int = 300_000) -> dict:
    """A ``check_document`` entry with ``claims`` claims, each carrying ``text_bytes`` of Chinese
    text (one string shared by all: small in memory, ``claims × text_bytes`` once stored)."""
    from extraction.files import sha256_file

    text = "收" * (text_bytes // 3)
    return {
        "path": name,
        "sha256": sha256_file(Path(path)) if os.path.exists(path) else "f" * 64,
        "status": "ok",
        "error": None,
        "meta": {"department": "某局", "year": 2024, "kind": "final_account", "unit": "万元", "pages": 1},
        "tables": [],
        "claims": [{"id": f"c{i + 1}", "kind": "amount", "value": float(i), "unit": "万元", "page": 1,
                    "start": 0, "end": 3, "text": text} for i in range(claims)],
        "findings": [],
        "rule_errors": [],
    }
