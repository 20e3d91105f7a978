"""Checking cost beyond reading: claims + all rules on a ~30-page report, best of several runs.

Usage: python bench/check_speed.py [PDF ...]   (default: the real final accounts, 25 and 30 pages)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crossfoot.pipeline import extract_claims
from extraction.reader import read_document
from rules.engine import run_rules


def main() -> None:
    files = [Path(a) for a in sys.argv[1:]] or sorted((ROOT / "tests/data/real/final_accounts").glob("*.pdf"))
    for f in files:
        t0 = time.perf_counter()
        doc = read_document(f)
        read_s = time.perf_counter() - t0
        best_claims = best_rules = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            claims = extract_claims(doc)
            t1 = time.perf_counter()
            run = run_rules(doc, claims)
            t2 = time.perf_counter()
            best_claims, best_rules = min(best_claims, t1 - t0), min(best_rules, t2 - t1)
        print(f"{f.name}: {doc.meta.pages} pages; read {read_s:.3f} s; claims {best_claims:.3f} s "
              f"({len(claims)}); rules {best_rules:.3f} s ({len(run.findings)} findings); "
              f"beyond reading {best_claims + best_rules:.3f} s")


if __name__ == "__main__":
    main()
