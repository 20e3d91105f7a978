"""What the set phase of ``crossfoot review`` costs: the same corpus reviewed with it and without it.

    python bench/review_sets.py                          # 250 departments × 2 years × 2 kinds = 1,000 reports
    python bench/review_sets.py --departments 50 --runs 1 --cache /tmp/cf-sets

The corpus is generated text exports (``corpus generate --format txt``): 1,000 reports, 30 % of
the departments publishing each report as two files (text and tables, ``--split 0.3``), two years,
errors between documents planted (``--cross-errors 0.1``).  Each run is ``crossfoot review --quiet``
in a subprocess into a new store, once with ``CROSSFOOT_REVIEW_SETS=0`` (no set phase: no document
readings stored, no split report checked as one, no document-set rules) and once as users run it;
the two alternate ``--runs`` times, and both figures are printed with their median.

Why this comparison is fair: the files, the workers, the store and everything else are the same;
only the set phase differs, so the difference is what the sets cost (storing each document's
reading, checking each split report again as one, the CF9xx rules on every pair).  Throughput is
reports per CPU-second (the review's process and all its workers), because the machine is shared
and wall-clock time drifts with the others' load; wall time is printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def corpus(out: Path, departments: int, fmt: str) -> list[Path]:
    from corpus.generate import generate_corpus

    if not (out / "truth.jsonl").exists():
        generate_corpus(out, departments=departments, years=(2023, 2024), errors=0.3, anomalies=0.1, seed=5,
                        fmt=fmt, error_kinds=None, workers=2, split=0.3, cross_errors=0.1)
    return [out]


def one_run(paths: list[Path], store: Path, workers: int, sets: bool) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, reports) of one review."""
    from throughput import run_review

    old = os.environ.get("CROSSFOOT_REVIEW_SETS")
    os.environ["CROSSFOOT_REVIEW_SETS"] = "1" if sets else "0"
    try:
        dt, cpu, _pages, _docs, _peak = run_review(paths, store, workers)
    finally:
        if old is None:
            os.environ.pop("CROSSFOOT_REVIEW_SETS", None)
        else:
            os.environ["CROSSFOOT_REVIEW_SETS"] = old
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    # reports: a split report's two files are one
    reports = con.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone()[0]
    n_tables_files = con.execute("SELECT count(*) FROM documents WHERE status = 'ok' AND n_claims = 0 "
                                 "AND n_tables > 0").fetchone()[0]
    if sets:
        pairs = con.execute("SELECT count(*) FROM set_checks WHERE compared IS NOT NULL").fetchone()[0]
        print(f"    (set phase: {pairs} pairs of reports compared)")
    con.close()
    return dt, cpu, int(reports - n_tables_files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--departments", type=int, default=250)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=None, help="where the corpus is kept between runs")
    ap.add_argument("--format", choices=("txt", "pdf"), default="txt",
                    help="text exports (default: the checking is cheapest there, so the set phase weighs most) or PDFs")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cf-sets-") as tmp:
        folder = (args.cache or Path(tmp)) / f"corpus-{args.departments}-{args.format}"
        paths = corpus(folder, args.departments, args.format)
        rates: dict[bool, list[float]] = {False: [], True: []}
        for run in range(1, args.runs + 1):
            for sets in (False, True):
                dt, cpu, reports = one_run(paths, Path(tmp) / f"s{int(sets)}.duckdb", args.workers, sets)
                rates[sets].append(reports / cpu)
                print(f"run {run} {'with sets   ' if sets else 'without sets'}: {reports} reports, wall {dt:6.1f} s, "
                      f"CPU {cpu:6.1f} s, {reports / cpu:6.1f} reports per CPU-second "
                      f"(load average {os.getloadavg()[0]:.1f})")
        off, on = statistics.median(rates[False]), statistics.median(rates[True])
        print(f"\nmedian: without sets {off:.1f}, with sets {on:.1f} reports per CPU-second: "
              f"{100 * on / off:.0f} % of the throughput without sets")


if __name__ == "__main__":
    main()
