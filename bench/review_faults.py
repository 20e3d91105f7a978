"""A review of a folder of good reports with one document that kills its worker, next to the same
folder without it: how long the deaths cost, and that only the culprit is an error record.

    python bench/review_faults.py                  # 50 good reports, one killer, 2 workers
    python bench/review_faults.py --good 200 --kind abort --workers 2

The killer is a copy of a good report (one byte more) named ``d0012-<kind>-x.txt``, so that it sorts
among the good ones and good documents are in flight with it.  Its worker misbehaves through the
test hook ``tests/review_hooks.py`` (``CROSSFOOT_WORKER_HOOK``): ``kill`` is a SIGKILL mid-document
(what the kernel's OOM killer does), every time it is read; ``abort`` a crash (SIGABRT); ``hang``
a hang the soft time limit cannot reach (set ``CROSSFOOT_DOCUMENT_SECONDS`` low to see the hard
limit at work).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--good", type=int, default=50, help="good reports (even: a budget and a final account each)")
    ap.add_argument("--kind", default="kill", choices=["kill", "abort", "hang"])
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    from corpus.generate import generate_corpus
    from crossfoot.review import review
    from crossfoot.store import Store

    os.environ["CROSSFOOT_WORKER_HOOK"] = "review_hooks:misbehave"
    with tempfile.TemporaryDirectory(prefix="cf-faults-") as tmp:
        good = Path(tmp) / "good"
        generate_corpus(good, departments=max(1, args.good // 2), years=(2024, 2024), errors=0.5,
                        anomalies=0.0, seed=5, fmt="txt", error_kinds=None, workers=1)
        reports = sorted(good.glob("d*.txt"))[: args.good]
        for extra in sorted(good.iterdir()):
            if extra not in reports:
                extra.unlink()
        faulty = Path(tmp) / "faulty"
        faulty.mkdir()
        for f in reports:
            (faulty / f.name).write_bytes(f.read_bytes())
        killer = faulty / f"d0012-{args.kind}-x.txt"
        killer.write_bytes(reports[0].read_bytes() + b"\n")
        # Good only before and after (the host's speed drifts), the folder with the killer between.
        runs = (("good only", good), (f"good + one {args.kind}", faulty), ("good only", good))
        for i, (name, folder) in enumerate(runs):
            store = Path(tmp) / f"{i}-{folder.name}.duckdb"
            t0 = time.perf_counter()
            stats = review([folder], store, workers=args.workers)
            dt = time.perf_counter() - t0
            with Store(store, read_only=True) as s:
                by_status = s.con.execute(
                    "SELECT status, coalesce(error_code, ''), count(*) FROM documents GROUP BY ALL ORDER BY 1 DESC"
                ).fetchall()
                errors = s.con.execute("SELECT path, code, message FROM errors ORDER BY path").fetchall()
            print(f"{name:>18}: {stats.seen} files, {dt:5.1f} s, {stats.reviewed / dt:5.1f} docs/s; "
                  f"documents by status: {by_status}")
            for path, code, message in errors:
                print(f"{'':>20}{Path(path).name}: {code}: {message.split(': ', 1)[-1]}")


if __name__ == "__main__":
    main()
