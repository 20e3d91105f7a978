"""End-to-end speed and memory of ``crossfoot review``, next to bare PyMuPDF text extraction.

    python bench/throughput.py                      # all three parts, default sizes
    python bench/throughput.py --parts real,generated --generated 200
    python bench/throughput.py --parts memory --memory 2000 --cache /tmp/cf-bench

Parts:
  real       the real PDFs under tests/data/real: once as they are (20 files, so the workers'
             start-up counts), and --copies times over (each copy made distinct by a trailing
             comment after %%EOF, so that nothing is skipped as a duplicate).
  generated  --generated N generated PDFs (default 1,000).
  memory     --memory N generated documents (default 10,000; text exports by default, because
             generating 10,000 PDFs alone takes ~25 minutes on 2 cores): peak memory of the whole
             review (the parent and all its workers, summed), sampled every 0.2 s.

Each speed is measured in the same run on the same files: bare ``page.get_text()`` in one
process (one core), a worker's ``review_document`` in one process (warm), and ``crossfoot review --quiet`` as
a subprocess (a new store, N workers: reading, claims, rules, hashing, the store writes, process
start-up — everything).  Pages per core are given two ways: pages per CPU-second (the review's
process and all its workers; fair on a machine that others share) and wall-clock pages/s ÷ workers
(what a user waits for, on an idle machine).

The host's speed drifts by up to a third within minutes, so the review is run --runs times (3 by
default) per corpus, each run compared with bare extraction timed just before and just after it;
every run is printed, and their median.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bare_pages_per_s(files: list[Path]) -> tuple[int, float, float]:
    """Pages, wall seconds and CPU seconds of bare ``page.get_text()`` over the files, in this process."""
    import pymupdf

    pages, t0, c0 = 0, time.perf_counter(), time.process_time()
    for f in files:
        with pymupdf.open(f) as doc:
            for page in doc:
                page.get_text()
                pages += 1
    return pages, time.perf_counter() - t0, time.process_time() - c0


class PeakMemory:
    """Samples the summed resident memory of a process and all its descendants."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self.peak_parent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                parent = self.proc.memory_info().rss
                total = parent
                for c in self.proc.children(recursive=True):
                    try:
                        total += c.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
                self.peak_parent = max(self.peak_parent, parent)
            except psutil.Error:
                return
            self._stop.wait(self.every)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_review(paths: list[Path], store: Path, workers: int) -> tuple[float, float, int, int, int]:
    """Run ``crossfoot review --quiet`` in a subprocess.

    Returns wall seconds, CPU seconds (the review process and all its workers), pages,
    documents and the peak of their summed resident memory in bytes.
    """
    import resource

    import duckdb

    for p in (store, Path(str(store) + ".wal")):
        p.unlink(missing_ok=True)
    cmd = [
        sys.executable, "-m", "crossfoot.cli", "review", *map(str, paths), "--store", str(store),
        "--workers", str(workers), "--quiet",
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    with PeakMemory(proc.pid) as mem:
        rc = proc.wait()
    dt = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers are joined, so they are counted
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if rc not in (0, 2):
        raise SystemExit(f"review failed with exit code {rc}")
    con = duckdb.connect(str(store), read_only=True)
    pages, docs = con.execute("SELECT coalesce(sum(pages), 0), count(*) FROM documents").fetchone()
    con.close()
    return dt, cpu, int(pages), int(docs), mem.peak


def pipeline_pages_per_s(files: list[Path]) -> tuple[int, float, float]:
    """Pages, wall and CPU seconds of a review worker's work (``check_document`` as the worker runs
    it, garbage collection included) over the files in this process, warm."""
    from crossfoot.review import review_document, sets_enabled, tune_gc

    data = sets_enabled()  # the document's reading kept for the set phase, as a worker does
    review_document(str(files[0]), str(files[0]), data=data)  # load the patterns and rules once
    tune_gc()  # as a review worker does
    pages, t0, c0 = 0, time.perf_counter(), time.process_time()
    for f in files:
        pages += review_document(str(f), str(f), data=data)["meta"]["pages"]
    return pages, time.perf_counter() - t0, time.process_time() - c0


def report_speed(label: str, files: list[Path], store: Path, workers: int, sample: int, runs: int = 1) -> float:
    """Print the speeds of one corpus; return the median of the review's runs in % of bare (per CPU-second).

    The machine's speed drifts (a shared host), so each review run is compared with bare extraction
    timed just before and just after it (the two summed), and the review is run ``runs`` times.
    """
    bare_pages_per_s(files[:1])  # warm the library
    before = bare_pages_per_s(files)
    pp, pt, pc = pipeline_pages_per_s(files[:sample])
    load = os.getloadavg()[0]
    print(
        f"\n== {label}: {len(files)} files, {before[0]} pages   (load average {load:.1f} on {os.cpu_count()} cores)"
    )
    print(
        "                                        wall pages/s   per CPU-second   % of bare (per CPU-second)"
    )
    bare_rate = before[0] / before[2]
    print(
        f"a worker's work in-process, 1 process   {pp / pt:10.1f}     {pp / pc:10.1f}        "
        f"{100 * (pp / pc) / bare_rate:5.1f} %   (warm; first {min(sample, len(files))} files; vs bare before)"
    )
    shares = []
    for run in range(1, runs + 1):
        dt, cpu, pages, docs, peak = run_review(files, store, workers)
        after = bare_pages_per_s(files)
        bp, bt, bc = before[0] + after[0], before[1] + after[1], before[2] + after[2]
        share = 100 * (pages / cpu) / (bp / bc)
        shares.append(share)
        print(
            f"bare page.get_text(), 1 process        {bp / bt:10.1f}     {bp / bc:10.1f}"
            f"                   (before {before[0] / before[2]:.0f}, after {after[0] / after[2]:.0f})"
        )
        print(
            f"crossfoot review, {workers} workers, run {run}     {pages / dt:10.1f}     {pages / cpu:10.1f}        "
            f"{share:5.1f} %   ({docs} documents, {dt:.1f} s wall, {cpu:.1f} CPU-s, peak {peak / 2**20:.0f} MB; "
            f"per core by wall clock {100 * pages / dt / workers / (bp / bt):.1f} %)"
        )
        before = after
    median = statistics.median(shares)
    print(f"review, % of bare per CPU-second over {runs} run(s): " + " / ".join(f"{x:.1f}" for x in shares)
          + f"; median {median:.1f} %")
    return median


def distinct_copies(files: list[Path], out: Path, copies: int) -> list[Path]:
    """``copies`` copies of each PDF, each with its own bytes (a trailing comment) so none is a duplicate."""
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for k in range(copies):
        for i, f in enumerate(files):
            dst = out / f"{k:03d}-{i:03d}.pdf"
            if not dst.exists():
                shutil.copy(f, dst)
                with open(dst, "ab") as fh:
                    fh.write(f"\n% crossfoot bench copy {k}\n".encode())
            made.append(dst)
    return made


def generated(out: Path, n: int, fmt: str, workers: int) -> list[Path]:
    """n generated reports (2 per department and year) in out, made once and kept there."""
    from corpus.generate import generate_corpus

    suffix = ".pdf" if fmt == "pdf" else ".txt"
    have = sorted(out.glob(f"*{suffix}")) if out.exists() else []
    if len(have) >= n:
        return have[:n]
    t0 = time.perf_counter()
    generate_corpus(
        out,
        departments=max(1, (n + 1) // 2),
        years=(2024, 2024),
        errors=0.3,
        anomalies=0.1,
        seed=20261125,
        fmt=fmt,
        error_kinds=None,
        workers=workers,
    )
    files = sorted(out.glob(f"*{suffix}"))[:n]
    print(f"(generated {len(files)} {fmt} documents in {time.perf_counter() - t0:.0f} s)")
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parts", default="real,generated,memory")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument(
        "--copies", type=int, default=10, help="copies of the real set for its steady-state figure"
    )
    ap.add_argument("--generated", type=int, default=1000, metavar="N")
    ap.add_argument("--memory", type=int, default=10000, metavar="N")
    ap.add_argument("--memory-format", choices=["txt", "pdf"], default="txt")
    ap.add_argument("--sample", type=int, default=200, help="files timed in-process as a worker checks them")
    ap.add_argument("--cache", metavar="DIR", help="keep generated documents here between runs")
    ap.add_argument("--runs", type=int, default=3, help="review runs per corpus (each between two bare timings)")
    a = ap.parse_args()
    parts = {p.strip() for p in a.parts.split(",")}
    tmp = Path(tempfile.mkdtemp(prefix="crossfoot-bench-"))
    cache = Path(a.cache) if a.cache else tmp
    print(f"machine: {os.cpu_count()} cores; review workers: {a.workers}; python {sys.version.split()[0]}")
    try:
        if "real" in parts:
            real = sorted((ROOT / "tests/data/real").rglob("*.pdf"))
            report_speed(
                "real PDFs, once (includes worker start-up)", real, tmp / "real.duckdb", a.workers, a.sample
            )  # one run: a figure of start-up, not of throughput
            copies = distinct_copies(real, tmp / "real-copies", a.copies)
            report_speed(
                f"real PDFs, {a.copies} distinct copies of each",
                copies,
                tmp / "copies.duckdb",
                a.workers,
                a.sample,
                a.runs,
            )
        if "generated" in parts:
            files = generated(cache / f"pdf-{a.generated}", a.generated, "pdf", a.workers)
            report_speed(
                f"{len(files)} generated PDFs", files, tmp / "generated.duckdb", a.workers, a.sample, a.runs
            )
        if "memory" in parts:
            folder = cache / f"{a.memory_format}-{a.memory}"
            files = generated(folder, a.memory, a.memory_format, a.workers)
            print(f"(load average now {os.getloadavg()[0]:.1f})")
            dt, cpu, pages, docs, peak = run_review([folder], tmp / "memory.duckdb", a.workers)
            size = (tmp / "memory.duckdb").stat().st_size
            print(f"\n== memory: {docs} generated documents ({a.memory_format}), {pages} pages")
            print(
                f"review: {dt:.0f} s wall, {cpu:.0f} CPU-s, {docs / dt:.1f} docs/s, {pages / dt:.0f} pages/s, "
                f"{a.workers} workers"
            )
            print(
                f"peak memory (parent + workers, summed): {peak / 2**20:.0f} MB "
                f"({'under' if peak < 2 * 2**30 else 'OVER'} 2 GB); store {size / 2**20:.0f} MB"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
