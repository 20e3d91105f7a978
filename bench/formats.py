"""Each reader's speed and its reading equivalence: the same report in another form reads the same.

Usage:
  python bench/formats.py [--repeat N] [--scan-pages N]

For each reader (text, pdf, html, docx, xlsx; the readers other forms get add one entry to READERS):
the files of tests/data it reads, their pages, pages/s and thousands of characters of page text
per second (CPU time of ``read_document``, the best of ``--repeat`` runs, since the machine is
shared; a text export, and the web page and Word file made from it, is one long page, so its
characters say more than its pages), and for files derived from another (the seeds as
web pages and Word files, tests/data/derived, made by tests/formats.py) how many of the
original's tables, table figures, claims and findings the derived file's reading gives the same
(``tests/formats.py equivalence``: tables by kind, number, unit and every row's code, name and
values; claims without offsets; findings by rule, severity, message and evidence).  tests/data holds
no real workbook: the xlsx reader reads workbooks the generator writes here (4 reports, seed 5),
each against its text export written with the same seed.  Last, the scan (OCR) reader:
``bench/formats_scan.py`` on the first ``--scan-pages`` table pages of each real final account
(0: skipped; its full run is ``python bench/formats_scan.py``).
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

DATA = ROOT / "tests" / "data"


@dataclass(frozen=True)
class Reader:
    """A reader's entry: its ``Document.format``, the files of tests/data it reads, and for a file
    derived from another report file, that original (None: the file is an original)."""

    format: str
    files: Callable[[], list[Path]]
    original: Callable[[Path], Path | None] = lambda p: None
    pages_alike: bool = True  # False: the derived form numbers its pages otherwise (a workbook's sheets)


def _seed_of(p: Path) -> Path:
    return DATA / "seeds" / f"{p.stem}.txt"


@functools.cache
def _generated() -> Path:
    """A folder of generated reports, each as a workbook and as a text export (same seed, same report)."""
    from corpus.generate import generate_corpus

    out = Path(tempfile.mkdtemp(prefix="crossfoot-formats-"))
    for fmt in ("xlsx", "txt"):
        generate_corpus(out / fmt, 2, (2024, 2024), 0.5, 0.0, 5, fmt, None, 1)
    return out


def _text_export_of(p: Path) -> Path:
    return p.parent.parent / "txt" / f"{p.stem}.txt"


READERS = [
    Reader("text", lambda: sorted((DATA / "seeds").glob("*.txt"))),
    Reader("pdf", lambda: sorted((DATA / "real").rglob("*.pdf"))),
    Reader("html", lambda: sorted((DATA / "derived").glob("*.html")), _seed_of),
    Reader("docx", lambda: sorted((DATA / "derived").glob("*.docx")), _seed_of),
    Reader("xlsx", lambda: sorted((_generated() / "xlsx").glob("*.xlsx")), _text_export_of, pages_alike=False),
]


def _read_seconds(path: Path, repeat: int) -> tuple[float, int, int, str]:
    from extraction.reader import read_document

    best = float("inf")
    doc = None
    for _ in range(repeat):
        t0 = time.process_time()
        doc = read_document(path)
        best = min(best, time.process_time() - t0)
    return (best, doc.meta.pages, sum(len(pg.text) for pg in doc.pages),
            doc.format if doc.error is None else f"error:{doc.error.code}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3, help="runs per file; the fastest counts")
    ap.add_argument("--scan-pages", type=int, default=3, help="table pages per real final account read by OCR "
                    "(0: none)")
    args = ap.parse_args()

    from formats import equivalence

    from extraction.reader import read_document

    for p in sorted((DATA / "seeds").glob("*.txt"))[:1]:
        read_document(p)  # (warm up: the data files the reader loads once)
    print(f"{'reader':8s} {'files':>5s} {'pages':>6s} {'CPU s':>7s} {'pages/s':>8s} {'kchar/s':>8s}   "
          f"{'tables same':>12s} {'figures same':>13s} {'claims same':>12s} {'findings same':>14s}")
    for r in READERS:
        files = r.files()
        secs = pages = chars = 0
        bad = []
        totals = {"tables": [0, 0], "figures": [0, 0], "claims": [0, 0], "findings": [0, 0]}
        derived = False
        for p in files:
            s, n, c, fmt = _read_seconds(p, args.repeat)
            secs += s
            pages += n
            chars += c
            if fmt != r.format:
                bad.append(f"{p.name}: {fmt}")
            orig = r.original(p)
            if orig is not None:
                derived = True
                for k, (same, of) in equivalence(orig, p, r.pages_alike).items():
                    totals[k][0] += same
                    totals[k][1] += of

        def cell(k: str) -> str:
            same, of = totals[k]
            return f"{same}/{of}" if derived else "—"

        rate, crate = (pages / secs, chars / secs / 1000) if secs else (float("nan"), float("nan"))
        print(f"{r.format:8s} {len(files):5d} {pages:6d} {secs:7.2f} {rate:8.1f} {crate:8.0f}   "
              f"{cell('tables'):>12s} {cell('figures'):>13s} {cell('claims'):>12s} {cell('findings'):>14s}")
        for b in bad:
            print(f"  not read by the {r.format} reader: {b}")
    if args.scan_pages:
        import formats_scan

        print(f"scan (OCR), the first {args.scan_pages} table pages of each real final account:")
        formats_scan.main(["--pages", str(args.scan_pages)])


if __name__ == "__main__":
    main()
