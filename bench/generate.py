"""Time the corpus generator: N documents (default 1000) into a temporary folder.

    python bench/generate.py [N] [--workers W] [--format pdf|txt|both]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from corpus.generate import generate_corpus


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=1000, help="documents (2 per department and year)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--format", default="pdf", choices=["pdf", "txt", "both", "xlsx"])
    a = ap.parse_args()
    departments = max(1, a.n // 2)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        recs = generate_corpus(Path(tmp), departments=departments, years=(2024, 2024), errors=0.3, anomalies=0.1,
                               seed=1, fmt=a.format, error_kinds=None, workers=a.workers)
        dt = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    print(f"{len(recs)} documents ({a.format}) in {dt:.1f} s: {len(recs) / dt:.1f} docs/s, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
