"""Reading speed: crossfoot's reader against bare PyMuPDF page.get_text() on the same PDFs, same run.

Usage: python bench/read.py [PDF or folder ...]   (default: tests/data/real)
Prints pages/s for both and the ratio, on one core (this process only).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extraction.reader import read_document


def pdfs(args: list[str]) -> list[Path]:
    paths = [Path(a) for a in args] or [ROOT / "tests/data/real"]
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(p.rglob("*.pdf")) if p.is_dir() else [p])
    return out


def bare(files: list[Path]) -> tuple[int, float]:
    pages, t0 = 0, time.perf_counter()
    for f in files:
        with pymupdf.open(f) as doc:
            for page in doc:
                page.get_text()
                pages += 1
    return pages, time.perf_counter() - t0


def crossfoot(files: list[Path]) -> tuple[int, float, int, int]:
    pages = tables = errors = 0
    t0 = time.perf_counter()
    for f in files:
        d = read_document(f)
        pages += d.meta.pages
        tables += len(d.tables)
        errors += d.error is not None
    return pages, time.perf_counter() - t0, tables, errors


def main() -> None:
    files = pdfs(sys.argv[1:])
    bare(files[:1])  # warm the library
    crossfoot(files[:1])
    rounds = 3
    b = [bare(files) for _ in range(rounds)]
    c = [crossfoot(files) for _ in range(rounds)]
    bp, bt = b[0][0], min(x[1] for x in b)
    cp, ct = c[0][0], min(x[1] for x in c)
    print(f"files: {len(files)}  pages: {bp}  (best of {rounds} rounds, one core)")
    print(f"bare page.get_text():     {bp / bt:8.1f} pages/s")
    print(f"crossfoot read_document:  {cp / ct:8.1f} pages/s  ({c[0][2]} tables, {c[0][3]} errors)")
    print(f"crossfoot / bare:         {100 * (cp / ct) / (bp / bt):8.1f} %")


if __name__ == "__main__":
    main()
