"""Hostile inputs by the thousand (issue 18): ``crossfoot check`` and ``crossfoot review`` over them, measured.

    python bench/fuzz.py                    # 2,000 inputs from tests/fuzz, seed 18
    python bench/fuzz.py --n 300 --keep /tmp/cf-fuzz
    python bench/fuzz.py --exclude text_figures_one_line,name_not_utf8   # without today's review killers

Inputs come from ``tests/fuzz`` (``generate(out, n, seed)``: damaged seeds and real PDFs, re-encoded
text, degenerate and hand-written PDFs, random bytes, odd names, the heavy ones once each).  Then:

* ``check --format json`` as subprocesses, ``--batch`` files each (the heavy kinds one per process),
  ``--parallel`` at a time, each under RLIMIT_AS ``--mem`` GB; peak RSS per process from ``os.wait4``,
  wall time per process (a process of one file is that document's time).  A batch that crashes or
  prints invalid JSON is run again file by file, to name the file.
* ``review`` of the same folder into a new store (``--workers``), under the same cap; the store is then
  read: a row for every file (``documents`` by content, or ``errors`` by path), the worker seconds of
  every document.

Printed: crashes (exits other than the documented 0/1/2, kills at ``--timeout``), invalid-JSON outputs,
records per file, peak memory per process, documents over 30 s, the error-code histogram, and whether
the store has a row for every file.  Exit 0 when none of those went wrong, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzz import HEAVY_KINDS, generate  # noqa: E402
from fuzz.run import DOCUMENTED_EXITS, check_batches, review, sha256_of, stored_row  # noqa: E402

SLOW_SECONDS = 30.0
MEMORY_BUDGET = 1 << 30  # the bound per process


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="inputs to generate (default 2000)")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--batch", type=int, default=40, help="files per check process")
    ap.add_argument("--parallel", type=int, default=2, help="check processes at a time")
    ap.add_argument("--workers", type=int, default=2, help="review workers")
    ap.add_argument("--mem", type=float, default=3.0, help="RLIMIT_AS of every process, GB (0: none)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds before a process is killed")
    ap.add_argument("--max-pages", type=int, default=None, help="CROSSFOOT_MAX_PAGES (default: the reader's, 5000)")
    ap.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (default: a temporary folder)")
    ap.add_argument("--exclude", default="", metavar="K1,K2",
                    help="leave these kinds out (e.g. the ones known to take a review down, to measure the rest)")
    ap.add_argument("--no-review", action="store_true")
    args = ap.parse_args(argv)

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="crossfoot-fuzz-"))
    folder = work / "inputs"
    if folder.exists():
        shutil.rmtree(folder)
    mem = int(args.mem * 2**30) or None
    env = dict(os.environ)
    if args.max_pages:
        env["CROSSFOOT_MAX_PAGES"] = str(args.max_pages)
    bad = 0
    try:
        t0 = time.perf_counter()
        from fuzz import KINDS

        excluded = {k for k in args.exclude.split(",") if k}
        if excluded - set(KINDS):
            ap.error(f"--exclude: unknown kinds {sorted(excluded - set(KINDS))}")
        inputs = generate(folder, args.n, args.seed, max_pages=args.max_pages,
                          kinds=[k for k in KINDS if k not in excluded])
        by_path = {x.path: x for x in inputs}
        print(f"generated {len(inputs)} inputs of {len({x.kind for x in inputs})} kinds "
              f"({sum(x.size for x in inputs) / 2**20:,.1f} MB) in {time.perf_counter() - t0:.0f} s into {folder}")

        # ---- check
        heavy = [x.path for x in inputs if x.kind in HEAVY_KINDS]
        t0 = time.perf_counter()
        runs = check_batches([x.path for x in inputs], batch=args.batch, parallel=args.parallel, mem_bytes=mem,
                             timeout=args.timeout, env=env, alone=heavy)
        wall = time.perf_counter() - t0
        failed = [r for r in runs if len(r.files) > 1 and (r.crashed or r.json_error)]
        if failed:
            redo = [f for r in failed for f in r.files]
            print(f"{len(failed)} batches failed; running their {len(redo)} files one by one")
            runs = [r for r in runs if r not in failed] + check_batches(
                redo, batch=1, parallel=args.parallel, mem_bytes=mem, timeout=args.timeout, env=env)
        print(f"\n== check: {len(runs)} processes, {wall:.0f} s wall (+ reruns)")

        crashes = [r for r in runs if r.crashed]
        print(f"crashes (exit not in {sorted(DOCUMENTED_EXITS)} or killed): {len(crashes)}")
        for r in crashes:
            for f in r.files:
                x = by_path[f]
                print(f"  exit {r.returncode}{' (timeout)' if r.timed_out else ''}, {_mb(r.max_rss)}, {r.seconds:.0f} s: "
                      f"{x.kind} [{x.detail}] {f.name!r}")
            print("    " + r.stderr_tail(300).strip().replace("\n", "\n    "))
        invalid = [r for r in runs if r.json_error]
        print(f"invalid-JSON outputs: {len(invalid)}")
        for r in invalid:
            print(f"  {[by_path[f].kind for f in r.files]}: {r.json_error[:200]}")

        records: Counter = Counter()
        codes: Counter = Counter()
        code_kinds: dict[str, Counter] = defaultdict(Counter)
        internal = []
        out_bytes = []
        for r in runs:
            if r.documents is None:
                continue
            for d in r.documents:
                p = Path(d["path"])
                records[p] += 1
                code = (d.get("error") or {}).get("code") or "ok"
                codes[code] += 1
                if p in by_path:
                    code_kinds[code][by_path[p].kind] += 1
                if code == "internal_error":
                    internal.append((p, d["error"]["message"]))
            out_bytes.append((len(r.stdout), r.files))
        wrong = {x.path: records[x.path] for x in inputs if records[x.path] != 1}
        print(f"records per file: {len(inputs) - len(wrong)} of {len(inputs)} files have exactly one"
              + "".join(f"\n  {n} records: {by_path[p].kind} {p.name!r}" for p, n in list(wrong.items())[:20]))
        print(f"internal_error records: {len(internal)}" + "".join(f"\n  {p.name!r}: {m[:200]}" for p, m in internal[:20]))

        rss = sorted(((r.max_rss, r) for r in runs), key=lambda t: -t[0])
        over = [r for m, r in rss if m > MEMORY_BUDGET]
        print(f"peak memory per check process: max {_mb(rss[0][0])}, median {_mb(rss[len(rss) // 2][0])}; "
              f"{len(over)} over {_mb(MEMORY_BUDGET)}")
        for m, r in rss[:5]:
            print(f"  {_mb(m)} {r.seconds:6.1f} s  {[by_path[f].kind for f in r.files][:3]}{' …' if len(r.files) > 3 else ''}")
        singles = sorted((r for r in runs if len(r.files) == 1), key=lambda r: -r.seconds)
        slow = [r for r in singles if r.seconds > SLOW_SECONDS]
        slow_batches = [r for r in runs if len(r.files) > 1 and r.seconds > SLOW_SECONDS]
        print(f"documents over {SLOW_SECONDS:.0f} s (processes of one file): {len(slow)}; "
              f"batches over {SLOW_SECONDS:.0f} s: {len(slow_batches)}")
        for r in singles[:8]:
            x = by_path[r.files[0]]
            print(f"  {r.seconds:6.1f} s {_mb(r.max_rss):>9} exit {r.returncode}: {x.kind} [{x.detail}]")
        if out_bytes:
            big = max(out_bytes, key=lambda t: t[0])
            print(f"largest JSON of one process: {big[0] / 2**20:,.1f} MB ({len(big[1])} files)")
        print("error codes: " + ", ".join(f"{c} {n}" for c, n in codes.most_common()))
        for c in sorted(code_kinds):
            if c != "ok":
                print(f"  {c}: " + ", ".join(f"{k} {n}" for k, n in code_kinds[c].most_common(8)))
        bad += len(crashes) + len(invalid) + len(wrong) + len(internal) + len(over) + len(slow)

        # ---- review
        if not args.no_review:
            store = work / "fuzz.duckdb"
            if store.exists():
                store.unlink()
            rr, rows = review(folder, store, workers=args.workers, mem_bytes=mem, timeout=args.timeout * 3, env=env)
            print(f"\n== review: exit {rr.returncode}{' (timeout)' if rr.timed_out else ''}, {rr.seconds:.0f} s, "
                  f"peak {_mb(rr.max_rss)} (largest process of the review's tree)")
            if rr.returncode not in (0, 2):
                print("  " + rr.stderr_tail(700).strip().replace("\n", "\n  "))
            if rows.failure:
                print(f"store unreadable: {rows.failure}")
            missing = [x for x in inputs if stored_row(x.path, sha256_of(x.path), rows) is None]
            kinds_missing = Counter(x.kind for x in missing)
            print(f"store: {len(rows.documents)} documents, {len(rows.errors)} errors rows; "
                  f"a row for {len(inputs) - len(missing)} of {len(inputs)} files"
                  + (f"; missing by kind: {dict(kinds_missing.most_common(12))}" if missing else ""))
            stored_codes = Counter(code or status for status, code in rows.documents.values())
            print("stored status/codes: " + ", ".join(f"{c} {n}" for c, n in stored_codes.most_common()))
            secs = sorted(rows.seconds.items(), key=lambda t: -t[1])
            slow_rev = [(p, s) for p, s in secs if s > SLOW_SECONDS]
            print(f"review documents over {SLOW_SECONDS:.0f} s (worker seconds): {len(slow_rev)}")
            for p, s in secs[:5]:
                x = by_path.get(Path(p))
                print(f"  {s:6.1f} s {x.kind if x else p}")
            bad += (rr.returncode not in (0, 2)) + len(missing) + len(slow_rev) + (rr.max_rss > MEMORY_BUDGET)
        print(f"\n{'OK' if not bad else f'{bad} problems'}")
        return 0 if not bad else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
