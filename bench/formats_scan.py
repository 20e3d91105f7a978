"""Scans read as the originals: the real final accounts' table pages rendered to 200-dpi image-only
PDFs (corpus/render_scan.py, made here at run time) and read by OCR, against the same pages read
from their text layer.

Usage: python bench/formats_scan.py [PDF ...] [--pages N]
       (default: tests/data/real/final_accounts/*.pdf, every page that holds a table; --pages N:
       the first N of them per file)

Prints, per file and in all: the figures of the original tables, how many the scan reads exactly
(same row, same column, same value), the tables whose kind the scan gets right, how many figures
OCR was unsure of (below extraction.ocr.LOW_CONFIDENCE) and the misread figures among them, and
the OCR reader's pages/s (CPU time of this process: the machine may be shared).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.render_scan import scan_pdf  # noqa: E402
from extraction.model import Document  # noqa: E402
from extraction.ocr import LOW_CONFIDENCE  # noqa: E402
from extraction.reader import read_document  # noqa: E402

FINAL_ACCOUNTS = sorted((ROOT / "tests/data/real/final_accounts").glob("*.pdf"))


def table_pages(doc: Document) -> list[int]:
    """The pages (from 1) of a document that hold a table."""
    return sorted({p for t in doc.tables for p in t.pages})


def figures(doc: Document, pages: set[int]) -> list[tuple[str, list[tuple[tuple, float, float | None]]]]:
    """Each table on ``pages`` (in order): its kind and its figures as ((row key, column label),
    value, confidence); the row key is the row's code or name and its number among equal keys."""
    out = []
    for t in doc.tables:
        if not set(t.pages) <= pages:
            continue
        labels = {c.index: c.label for c in t.columns}
        seen: dict[tuple, int] = {}
        figs = []
        for r in t.rows:
            key = (r.block, r.code or r.name)
            n = seen[key] = seen.get(key, 0) + 1
            for ci, c in zip(r.columns, r.cells):
                if c is not None and c.value is not None:
                    figs.append(((key, n, labels.get(ci, "")), c.value, c.confidence))
        out.append((t.kind, figs))
    return out


def compare(original: Document, scan: Document, pages: list[int],
            misses: list | None = None) -> dict[str, int]:
    """Figures and table kinds of the original's tables on ``pages`` against the scan of those
    pages (the scan's page k is the original's ``pages[k - 1]``)."""
    want = figures(original, set(pages))
    got = figures(scan, set(range(1, len(pages) + 1)))
    kinds_w = [k for k, _ in want]
    kinds_g = [k for k, _ in got]
    # tables paired in order within each kind
    by_kind: dict[str, list] = {}
    for k, figs in got:
        by_kind.setdefault(k, []).append(figs)
    n = exact = unsure = misread = unsure_misread = 0
    for k, figs in want:
        scanned = by_kind.get(k, [])
        there = {f[0]: (f[1], f[2]) for f in scanned.pop(0)} if scanned else {}
        for key, value, _ in figs:
            n += 1
            v, conf = there.get(key, (None, None))
            ok = v is not None and abs(v - value) < 1e-9
            exact += ok
            if not ok and misses is not None:
                misses.append((k, key, value, v, conf))
            low = conf is not None and conf < LOW_CONFIDENCE
            unsure += low
            if v is not None and not ok:
                misread += 1
                unsure_misread += low
    kinds_right = sum(1 for a, b in zip(kinds_w, kinds_g) if a == b) if len(kinds_w) == len(kinds_g) else \
        sum(min(kinds_w.count(k), kinds_g.count(k)) for k in set(kinds_w))
    return {"figures": n, "exact": exact, "tables": len(kinds_w), "kinds_right": kinds_right,
            "scan_tables": len(kinds_g), "unsure": unsure, "misread": misread,
            "unsure_misread": unsure_misread}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--pages", type=int, default=None, help="only the first N table pages of each file")
    ap.add_argument("--show", type=int, default=0, help="print the first N figures not read exactly")
    args = ap.parse_args(argv)
    files = args.pdfs or FINAL_ACCOUNTS
    total: dict[str, int] = {}
    ocr_pages, ocr_cpu = 0, 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            original = read_document(f)
            pages = table_pages(original)[:args.pages]
            scan_file = Path(tmp) / f"{f.stem}.scan.pdf"
            scan_file.write_bytes(scan_pdf(f.read_bytes(), pages=[p - 1 for p in pages]))
            t0 = time.process_time()
            scan = read_document(scan_file, ocr="auto")
            ocr_cpu += time.process_time() - t0
            ocr_pages += len(pages)
            misses: list = []
            r = compare(original, scan, pages, misses)
            for k, v in r.items():
                total[k] = total.get(k, 0) + v
            print(f"{f.name}: {len(pages)} table pages; figures {r['exact']}/{r['figures']} exact; "
                  f"table kinds {r['kinds_right']}/{r['tables']} right ({r['scan_tables']} tables in the scan); "
                  f"unsure {r['unsure']}, misread {r['misread']} ({r['unsure_misread']} of them unsure)")
            for kind, key, value, v, conf in misses[:args.show]:
                print(f"  {kind} {key}: {value} read as {v} (confidence {conf})")
            if args.show:
                for t in scan.tables:
                    print(f"  scan table {t.kind} p.{t.pages} {t.title} rows={t.n_rows}")
                for t in original.tables:
                    if set(t.pages) <= set(pages):
                        print(f"  original table {t.kind} p.{t.pages} {t.title} rows={t.n_rows}")
    share = total["exact"] / total["figures"] if total.get("figures") else 0.0
    kinds = total["kinds_right"] / total["tables"] if total.get("tables") else 0.0
    print(f"all: figures exact {total.get('exact', 0)}/{total.get('figures', 0)} = {share:.2%}; "
          f"table kinds right {total.get('kinds_right', 0)}/{total.get('tables', 0)} = {kinds:.0%}; "
          f"misread {total.get('misread', 0)}, of them below LOW_CONFIDENCE={LOW_CONFIDENCE} "
          f"{total.get('unsure_misread', 0)}; unsure figures {total.get('unsure', 0)}")
    print(f"OCR reader: {ocr_pages} pages in {ocr_cpu:.1f} s CPU = {ocr_pages / ocr_cpu:.3f} pages/s "
          f"({ocr_cpu / max(1, ocr_pages):.1f} s a page)")
    return 0 if share >= 0.99 and kinds == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
