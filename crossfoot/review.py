"""``crossfoot review``: check many reports in parallel into a store, and carry on after an interruption.

The parent walks the paths, hashes each file and asks the store whether that content was
already reviewed with the current rules version (skipped unless ``rescan``).  The rest go to
a pool of workers — local processes, or a Dask distributed scheduler — which run
``check_document`` and hand back its plain entry.  Only the parent writes to the store, a
small batch per transaction, so a kill loses at most the documents in flight.

Memory stays bounded: files are walked lazily, at most a few documents per worker are in
flight, and written batches are dropped (a batch is written once it holds a quarter of the store's
memory limit in rows, too).

One document never stops a review (:mod:`crossfoot.budget`): a worker's address space is capped
(``CROSSFOOT_WORKER_MEMORY`` above its size after warm-up), a document runs under a soft time
limit (``CROSSFOOT_DOCUMENT_SECONDS``), and the parent kills a worker still on one document past
the hard limit — that document is ``too_complex``.  When a worker dies (a crash in the PDF library,
the kernel's OOM killer), the documents it and the others were reading are checked again one at a
time: the one that kills its worker again, alone, is the error record; the others are stored as usual.

At the end of each run comes the set phase (crossfoot/sets.py): the whole store is grouped into
document sets, and one job per department — run by the workers, from each document's reading kept
in the store (``document_data``, crossfoot/docdata.py), never from its file unless none was kept —
checks each report split over two files as one and runs the document-set rules (CF9xx) on each
report with last year's report of its kind and a final account with its year's budget, exactly as
``crossfoot check`` does (crossfoot.pipeline.set_pairs, compare_pair).  Only the reports whose
stored ``set_checks`` are not what the store's sets now give are done again, so a second review
does nothing there and a killed one is finished by the next.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from crossfoot.pipeline import iter_files
from crossfoot.store import Batch, Store

log = logging.getLogger("crossfoot")

# A batch is written when it holds this many documents or is this old, whichever comes first.
# Each write is one transaction with a fixed cost (about 0.1 s of the parent's CPU), so writes
# every 0.5 s cost a fifth of a review's CPU; every 5 s they cost little.  A kill loses at most
# the documents of the batch not yet written (they are reviewed again on the next run).
# CROSSFOOT_BATCH_SECONDS overrides the interval (the kill-and-resume test uses 0.5 s).
BATCH_DOCUMENTS = 256
BATCH_SECONDS = 5.0


def _batch_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("CROSSFOOT_BATCH_SECONDS", BATCH_SECONDS)))
    except ValueError:
        return BATCH_SECONDS
# Documents in flight per worker: enough to keep each busy while the parent writes.
IN_FLIGHT_PER_WORKER = 3
# Files hashed and looked up in the store together.
LOOKUP_CHUNK = 64
# Departments whose stored readings the set phase fetches in one query (a query costs more than
# the rows of a few departments).
FETCH_JOBS = 32
# A local worker is replaced after this many documents (bounds any leak in the PDF library).
TASKS_PER_WORKER = 500


@dataclass
class ReviewStats:
    """What a review did; ``on_progress`` receives it after every document."""

    total: int | None = None  # files to look at (None when not counted)
    seen: int = 0  # files looked at
    reviewed: int = 0  # documents checked in this run
    skipped: int = 0  # already in the store with this rules version
    duplicates: int = 0  # same content as another path of this run
    errors: int = 0  # files that could not be read (this run)
    pages: int = 0  # pages of the documents checked in this run
    findings: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    rule_errors: int = 0
    stored: int = 0  # documents written to the store in this run
    started: float = field(default_factory=time.perf_counter)
    elapsed: float = 0.0
    interrupted: bool = False
    workers: int = 0
    engine: str = "local"

    @property
    def done(self) -> int:
        return self.reviewed + self.skipped + self.duplicates

    def rates(self) -> tuple[float, float]:
        """Documents/s and pages/s of the documents checked in this run."""
        dt = max(time.perf_counter() - self.started, 1e-9)
        return self.reviewed / dt, self.pages / dt


@dataclass
class _Item:
    path: Path  # as walked (and as stored)
    sha256: str | None
    size: int | None
    breaks: int = 0  # times a worker died with it in flight
    alone: bool = False  # rerun alone after a worker died
    token: int = 0  # of its current submission (names it in the workers' state files)
    unsent: bool = False  # its submission met a pool already broken: no worker ever had it


# Set in each local worker by ``_warm``: where it says which document it is reading (for the
# parent's time limit and, when it dies, for finding the culprit), and its memory cap.
_STATE_FILE: str | None = None
_WORKER_CAP: int | None = None


def review_document(path: str, display_name: str, config: dict[str, Any] | None = None,
                    token: int | None = None, data: bool = False) -> dict[str, Any]:
    """The work a worker does for one file: ``check_document`` plus the seconds it took (``data``:
    with the document as read and its claims, ``document_data``, for the set phase).

    Never raises for a bad file (it becomes an error entry); a bug becomes an
    ``internal_error`` entry, and running out of memory a ``too_complex`` one, so that one
    file never stops a run.
    """
    from crossfoot.budget import OverBudget, document_seconds, time_limit
    from crossfoot.pipeline import check_document, too_complex_entry

    t0 = time.perf_counter()
    _say_reading(token)
    # No cyclic garbage collection while one document is checked: its tables, cells and claims
    # are hundreds of thousands of live objects that every collection would walk again, and
    # checking leaves no garbage in cycles (measured: none on the real, generated and seed
    # documents).  Whatever a document does leave in cycles is left to the collections between documents.
    try:
        with _collection_paused():
            try:
                entry = None
                hook = _worker_hook()
                if hook is not None:
                    with time_limit(document_seconds()):  # the hook is part of the document's work
                        entry = hook(path, display_name)
                if entry is None:
                    entry = check_document(Path(path), display_name, config, data)
            except OverBudget:
                entry = too_complex_entry(Path(path), display_name, f"checking it took longer than the "
                                          f"{document_seconds():g} s allowed (CROSSFOOT_DOCUMENT_SECONDS)")
            except MemoryError:
                entry = None  # memory is freed once the frames holding it are gone
            except Exception as e:
                log.exception("internal error on %s", display_name)
                entry = _error_entry(display_name, "", "internal_error", f"{display_name}: {type(e).__name__}: {e}")
        if entry is None:  # out of memory
            cap = f" of {_format_size(_WORKER_CAP)}" if _WORKER_CAP else ""
            entry = too_complex_entry(Path(path), display_name,
                                      f"checking it needed more memory than the worker's limit{cap} "
                                      "(CROSSFOOT_WORKER_MEMORY)")
    finally:
        _say_reading(None)
    entry["seconds"] = time.perf_counter() - t0
    return entry


def sets_enabled() -> bool:
    """Whether a review runs its set phase (on unless ``CROSSFOOT_REVIEW_SETS=0``: for the bench
    that measures what the phase costs, bench/review_sets.py, not for use)."""
    return os.environ.get("CROSSFOOT_REVIEW_SETS", "1") != "0"


def review_department(units: list[dict[str, Any]], data: dict[str, bytes], files: dict[str, str],
                      config: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The set phase's work for the reports of one department (a worker runs it).

    Each unit is one report (a crossfoot.sets.DocumentSet): ``split`` (a report split over two
    files, to be checked as one: its text file's new entry) and/or ``pairs`` (the other reports
    the document-set rules read it with: (relation, set), crossfoot.pipeline.set_pairs; ``own``:
    how many findings its stored entry holds).  Documents come from ``data`` (sha256 → the stored
    reading, crossfoot/docdata.py) or else from their files (``files``: entry path → file), each
    decoded once for the whole department.  Returns per unit ``entry`` (the split report's entry,
    or None) and the set rules' ``findings``, ``rule_errors`` and ``set_checks`` (a pair that
    could not be read has ``compared`` None).  A unit over its time or memory budget is left out."""
    from crossfoot.budget import OverBudget, document_seconds, time_limit
    from crossfoot.docdata import decode
    from crossfoot.pipeline import check_split_reading, compare_pair, extract_claims, split_claims
    from crossfoot.sets import reading_of
    from extraction.reader import read_document

    decoded: dict[str, tuple[Any, list[Any] | None] | None] = {}
    readings: dict[str, Any] = {}
    claims_of: dict[str, list[Any]] = {}

    def load(m: Any) -> Any:
        if m.sha256 not in decoded:
            blob = data.get(m.sha256)
            got = decode(blob) if blob else None
            if got is None and m.path in files:
                got = (read_document(Path(files[m.path]), m.path), None)
            decoded[m.sha256] = got
        got = decoded[m.sha256]
        return None if got is None else got[0]

    def reading(st: Any) -> Any:
        if st.id not in readings:
            readings[st.id] = reading_of(st, load)
        return readings[st.id]

    def claims(st: Any, now: Any) -> list[Any]:
        if st.id not in claims_of:
            got = decoded.get(now.entry_member.sha256)
            stored = got[1] if got is not None else None
            if st.form == "split":  # stored are the text file's claims
                stored = split_claims(now, stored)
            claims_of[st.id] = stored if stored is not None else extract_claims(now.doc)
        return claims_of[st.id]

    def one(unit: dict[str, Any]) -> dict[str, Any]:
        st = unit["set"]
        out: dict[str, Any] = {"set": st, "entry": None, "findings": [], "rule_errors": [], "set_checks": []}
        own = unit.get("own") or 0
        if unit.get("split"):
            hook = _worker_hook()
            if hook is not None:  # named "pair:<text file>" so that a test hook can tell
                hook(st.member("text").path, f"pair:{os.path.basename(st.member('text').path)}")
            now = reading(st)
            if now is not None:
                kept = decoded.get(now.entry_member.sha256)  # the text file's claims, checked alone
                entry, claims_of[st.id] = check_split_reading(now, config, kept[1] if kept else None)
                entry["set_id"] = st.id
                out["entry"] = entry
                own = len(entry.get("findings") or [])
        now = reading(st) if unit.get("pairs") else None
        for relation, before in unit.get("pairs") or ():
            prior = reading(before)
            if now is None or prior is None:
                out["set_checks"].append({"prior": before.id, "prior_path": None, "prior_sha256": None,
                                          "relation": relation, "compared": None, "findings": 0})
                continue
            findings, errors, check = compare_pair(now, claims(st, now), prior, before.id, relation, config,
                                                   own + len(out["findings"]) + 1)
            out["findings"].extend(findings)
            out["rule_errors"].extend({**e, "prior_sha256": prior.entry_member.sha256} for e in errors)
            out["set_checks"].append(check)
        return out

    results = []
    with _collection_paused():
        for unit in units:
            try:
                with time_limit(document_seconds()):
                    results.append(one(unit))
            except (OverBudget, MemoryError) as e:
                log.warning("%s: the reports of its set over budget (%s); its stored entry stands",
                            unit["set"].members[0].path, type(e).__name__)
            except Exception:
                log.exception("internal error on the set of %s", unit["set"].members[0].path)
    return results


def _format_size(n: int) -> str:
    from crossfoot.budget import format_size

    return format_size(n)


def _say_reading(token: int | None) -> None:
    """Record in this worker's state file which document it is reading since when (None: none)."""
    if _STATE_FILE is None:
        return
    try:
        if token is None:
            os.unlink(_STATE_FILE)
        else:
            tmp = f"{_STATE_FILE}.tmp"
            with open(tmp, "w") as f:
                f.write(f"{token} {time.time():.3f}")
            os.replace(tmp, _STATE_FILE)
    except OSError:
        pass


_hook: Any = False  # not yet looked up


def _worker_hook() -> Callable[[str, str], dict[str, Any] | None] | None:
    """``CROSSFOOT_WORKER_HOOK=module:function``, called with (path, display name) before each document
    is checked; what it returns (when not None) is the document's entry.  For tests that make a
    worker misbehave the way a hostile document can (die, hang in C code, allocate without end)."""
    global _hook
    if _hook is False:
        spec = os.environ.get("CROSSFOOT_WORKER_HOOK")
        _hook = None
        if spec:
            import importlib

            module, _, name = spec.partition(":")
            _hook = getattr(importlib.import_module(module), name)
    return _hook


_pause_lock = threading.Lock()
_pauses = 0  # documents being checked in this process now (a Dask worker runs several threads)
_resume = False  # whether collection was on when the first of them started


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Cyclic garbage collection off while any document is checked in this process, then as it was."""
    global _pauses, _resume
    with _pause_lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def _error_entry(path: str, sha: str, code: str, message: str) -> dict[str, Any]:
    return {
        "path": path,
        "sha256": sha,
        "status": "error",
        "error": {"code": code, "message": message},
        "meta": {"department": None, "year": None, "kind": None, "unit": None, "pages": 0},
        "tables": [],
        "claims": [],
        "findings": [],
        "rule_errors": [],
    }


def _warm(review_pid: int | None = None, state_dir: str | None = None) -> None:
    """Worker start-up: import the reader, the claim extractor and the rules once; then cap the
    worker's address space (``CROSSFOOT_WORKER_MEMORY`` above what it holds now)."""
    global _STATE_FILE, _WORKER_CAP
    # Importing the reader first blocks PyMuPDF's optional imports crossfoot never uses (its ONNX
    # layout model, pymupdf4llm): see extraction/__init__.py.
    import extraction.claims  # noqa: F401
    import extraction.reader  # noqa: F401
    import rules.engine  # noqa: F401
    # Ctrl-C goes to the parent, which stops the pool; workers must not die mid-document on their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(review_pid)
    tune_gc()
    if state_dir is not None:
        _STATE_FILE = os.path.join(state_dir, str(os.getpid()))
    from crossfoot.budget import limit_memory, worker_memory

    _worker_hook()  # imported before the cap, like the rest
    _WORKER_CAP = limit_memory(worker_memory())


def tune_gc() -> None:
    """Collect cyclic garbage less often in a process that checks document after document.

    Reading a document allocates hundreds of thousands of small objects, almost none of them in
    reference cycles, and the collector's default (a young collection every 700 allocations)
    spent about 6 % of a worker's CPU walking them.  The modules loaded so far are frozen out of
    every collection; young collections come every 50,000 allocations (memory stays bounded:
    what a document leaves in cycles is still collected within a document or two).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _exit_with_parent(review_pid: int | None = None) -> None:
    """A worker whose review was killed (SIGKILL, OOM) would wait for work forever: make it exit.

    A spawned worker's parent is the review; a forked one's is the fork server, which itself
    stays up as long as any worker does, so the worker watches the review process too.
    """
    parent = os.getppid()

    def gone(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        try:  # killed but not yet reaped by its own parent
            with open(f"/proc/{pid}/stat", "rb") as f:
                return f.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
        except OSError:
            return False

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent or (review_pid is not None and review_pid != parent and gone(review_pid)):
                os._exit(1)

    threading.Thread(target=watch, name="crossfoot-parent-watch", daemon=True).start()


def _hash(path: Path) -> tuple[str | None, int | None]:
    from extraction.files import MAX_BYTES, sha256_file

    try:
        st = path.stat()
        if not path.is_file() or st.st_size > MAX_BYTES:
            return None, None  # the worker turns these into error records at once
        return sha256_file(path), st.st_size
    except OSError:
        return None, None


def count_files(paths: Iterable[Path]) -> int:
    """How many files ``review`` will look at (a walk without reading anything)."""
    return sum(1 for _ in iter_files(paths))


class _LocalPool:
    """A process pool that survives a worker dying (a crash inside the PDF library).

    Each worker keeps a state file (named by its pid, in a folder of this pool's) saying which
    document it is reading since when: the parent kills a worker past the time limit, and knows
    after a death which documents were being read (the rest were only queued).
    """

    engine = "local"
    knows_reading = True

    def __init__(self, workers: int) -> None:
        import tempfile

        self.workers = workers
        self.state_dir = tempfile.mkdtemp(prefix="crossfoot-workers-")
        self._main = _hide_main()
        self._ex = self._new()

    def _new(self):
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=_context(), initializer=_warm,
            initargs=(os.getpid(), self.state_dir), max_tasks_per_child=TASKS_PER_WORKER,
        )

    def submit(self, fn: Callable, *args: Any) -> Future:
        return self._ex.submit(fn, *args)

    def reading(self) -> dict[int, tuple[int, float]]:
        """What the workers are reading: submission token → (worker pid, time.time() it started)."""
        out: dict[int, tuple[int, float]] = {}
        try:
            names = os.listdir(self.state_dir)
        except OSError:
            return out
        for name in names:
            if not name.isdigit():
                continue
            try:
                with open(os.path.join(self.state_dir, name)) as f:
                    token, started = f.read().split()
                out[int(token)] = (int(name), float(started))
            except (OSError, ValueError):
                continue
        return out

    def kill(self, pid: int) -> None:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)

    def restart(self) -> dict[int, int | None]:
        """A new pool for a broken one; return how the old workers ended (pid → exit code, -N for
        signal N; only when known)."""
        old = self._ex
        procs = dict(getattr(old, "_processes", None) or {})
        manager = getattr(old, "_executor_manager_thread", None)
        old.shutdown(wait=False, cancel_futures=True)
        codes: dict[int, int | None] = {}
        if manager is not None:
            # The pool's own thread reaps the workers (reading their exit codes ourselves would race it).
            manager.join(timeout=10)
            if not manager.is_alive():
                codes = {pid: p.exitcode for pid, p in procs.items()}
        for name in os.listdir(self.state_dir):  # the dead workers' files
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(self.state_dir, name))
        self._ex = self._new()
        return codes

    def close(self, cancel: bool = False) -> None:
        import shutil

        try:
            self._ex.shutdown(wait=not cancel, cancel_futures=cancel)
            _stop_forkserver()
        finally:
            shutil.rmtree(self.state_dir, ignore_errors=True)
            if self._main is not None:
                sys.modules["__main__"] = self._main
                self._main = None


def _context():
    """Workers come from a fork server where the platform has one, else from spawn.

    Either way they never inherit the parent's open store: the fork server is a fresh
    interpreter started for this review (and stopped after it), which loads the reader, the
    claim patterns and the rules once (:mod:`crossfoot._preload`); every worker forked from it
    starts warm instead of spending most of a second on its own first document.
    """
    import multiprocessing as mp

    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["crossfoot._preload"])
    return ctx


def _stop_forkserver() -> None:
    """Stop the fork server and wait for it, so that it (and the workers it reaped) count in this
    process's resource usage and the next review starts one with the code on disk then."""
    try:
        from multiprocessing import forkserver

        forkserver._forkserver._stop()
    except Exception:  # pragma: no cover - a private helper of the standard library
        log.debug("could not stop the fork server", exc_info=True)


def warm_up() -> None:
    """Load what checking a document loads on first use: PyMuPDF, the claim lexicon and patterns,
    the rules and their data (by checking one bundled sample report)."""
    import extraction.mupdf_messages  # noqa: F401 (PyMuPDF, with its messages off stdout)

    from crossfoot.pipeline import check_document

    sample = Path(__file__).resolve().parents[1] / "corpus" / "sample" / "d0000-2024-final.txt"
    if sample.is_file():
        check_document(sample)


def _hide_main():
    """Hide the parent's ``__main__`` from the workers for the pool's lifetime.

    A spawned (or fork-server) worker re-imports the parent's ``__main__``. Under Streamlit (and its AppTest)
    that is the app script, which must not run in a worker (it dies, or runs the UI); for
    crossfoot's own CLI there is nothing in it a worker needs. Workers (including the ones
    that replace retired workers) are started by the executor at any time, so the stub stays
    until the pool is closed.
    """
    import types

    main = sys.modules.get("__main__")
    if main is None or not getattr(main, "__file__", None):
        return None
    sys.modules["__main__"] = types.ModuleType("__main__")
    return main


class _DaskPool:
    """The same work sent to a Dask distributed scheduler (workers must see the same file paths)."""

    engine = "dask"
    knows_reading = False

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError as e:  # pragma: no cover - dependency missing
            raise RuntimeError("--dask needs dask[distributed]: pip install 'dask[distributed]'") from e
        self.client = Client(address, timeout="20s")
        self.workers = max(
            1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info().get("workers", {}).values())
        )
        self._ex = self.client.get_executor(pure=False)

    def submit(self, fn: Callable, *args: Any) -> Future:
        return self._ex.submit(fn, *args)

    def reading(self) -> dict[int, tuple[int, float]]:  # Dask's workers keep no state files
        return {}

    def kill(self, pid: int) -> None:
        pass

    def restart(self) -> dict[int, int | None]:  # the scheduler reschedules work of lost workers itself
        return {}

    def close(self, cancel: bool = False) -> None:
        try:
            self._ex.shutdown(wait=not cancel)
        finally:
            self.client.close()


def _chunks(it: Iterator[Path], n: int) -> Iterator[list[Path]]:
    chunk: list[Path] = []
    for x in it:
        chunk.append(x)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def review(
    paths: Iterable[str | Path],
    store: str | Path,
    workers: int | None = None,
    dask_address: str | None = None,
    rescan: bool = False,
    config: dict[str, Any] | None = None,
    on_progress: Callable[[ReviewStats], None] | None = None,
    count: bool = False,
) -> ReviewStats:
    """Review every file under ``paths`` into ``store``; return what was done.

    Raises ``StoreError`` when the store cannot be opened, or cannot be written even an error
    record (everything written before is kept).  ``KeyboardInterrupt`` (and SIGTERM) stop the run
    after writing the documents already checked; ``stats.interrupted`` says so.
    """
    from crossfoot import __version__
    from crossfoot.budget import document_seconds, hard_seconds
    from rules.version import RULES_VERSION  # the parent compares versions; it never loads the rules

    paths = [Path(p) for p in paths]
    stats = ReviewStats()
    if count:
        stats.total = count_files(paths)
    db = Store(store)
    pool: _LocalPool | _DaskPool
    if dask_address:
        pool = _DaskPool(dask_address)
    else:
        pool = _LocalPool(max(1, workers or os.cpu_count() or 1))
    stats.workers, stats.engine = pool.workers, pool.engine
    max_in_flight = max(2, pool.workers * IN_FLIGHT_PER_WORKER)
    in_flight: dict[Future, _Item] = {}
    # Documents in flight when a worker died, to be checked again one at a time.
    suspects: list[_Item] = []
    tokens = itertools.count(1)
    # Past this a worker still on one document is killed (the soft limit inside it came first).
    deadline = hard_seconds()
    timed_out: set[int] = set()  # tokens whose worker was killed for the time limit
    last_clock = 0.0
    # sha256 in flight → other paths of the same content found meanwhile
    waiting: dict[str, list[_Item]] = {}
    # sha256 finished since the last store lookup → (status, error code, message)
    recent: dict[str, tuple[str, str | None, str | None]] = {}
    checked_now: set[str] = set()  # sha256 of the documents checked in this run
    batch = Batch()
    with_sets = sets_enabled()
    batch_seconds = _batch_seconds()
    batch_bytes = db.batch_bytes
    last_write = time.perf_counter()

    def progress() -> None:
        if on_progress:
            on_progress(stats)

    def flush(force: bool = False) -> None:
        nonlocal batch, last_write
        if (
            not force
            and batch.n_documents < BATCH_DOCUMENTS
            and batch.n_bytes < batch_bytes
            and time.perf_counter() - last_write < batch_seconds
        ):
            return
        if len(batch) or batch.rows["errors"]:
            n, n_sets = batch.n_documents, len(batch.set_replaced)
            rejected = db.write(batch)
            if n_sets:
                log.info("stored the set results of %d reports", n_sets)
            stats.stored += n
            # A document stored as an error record because its results could not be: an error of this run.
            stats.errors += sum(1 for r in rejected if r.sha256)
            log.info("stored %d documents (%d in this run)", n, stats.stored)
        batch = Batch()
        last_write = time.perf_counter()

    def finish(item: _Item, entry: dict[str, Any]) -> None:
        batch.add_document(
            entry, str(item.path), item.sha256, item.size, RULES_VERSION, __version__, entry.get("seconds")
        )
        stats.reviewed += 1
        if entry.get("status") != "ok":
            stats.errors += 1
        stats.pages += int((entry.get("meta") or {}).get("pages") or 0)
        for f in entry.get("findings") or []:
            stats.findings[f.get("severity", "info")] = stats.findings.get(f.get("severity", "info"), 0) + 1
        stats.rule_errors += len(entry.get("rule_errors") or [])
        sha = entry.get("sha256") or item.sha256
        if sha:
            checked_now.add(sha)
        if item.sha256:
            err = entry.get("error") or {}
            recent[item.sha256] = (entry.get("status") or "error", err.get("code"), err.get("message"))
        for other in waiting.pop(item.sha256 or "", []):
            # The same bytes under another path: one document, every path recorded.
            batch.add_path(str(other.path), sha)
            if entry.get("error"):
                batch.add_error(
                    str(other.path), sha, entry["error"]["code"], entry["error"]["message"], RULES_VERSION
                )
                stats.errors += 1
            stats.duplicates += 1
        progress()
        flush()  # when the batch is full (documents, bytes) or old

    def fail(item: _Item, code: str, message: str) -> None:
        finish(item, _error_entry(str(item.path), item.sha256 or "", code, f"{item.path}: {message}"))

    def watch_the_clock() -> None:
        """Kill a worker that has been on one document past the hard time limit."""
        nonlocal last_clock
        now = time.time()
        if deadline is None or now - last_clock < 0.5:
            return
        last_clock = now
        current = {it.token for it in in_flight.values()}
        for token, (pid, started) in pool.reading().items():
            if token in current and token not in timed_out and now - started > deadline:
                log.warning("a document has been read for over %.0f s: killing its worker %d", deadline, pid)
                timed_out.add(token)
                pool.kill(pid)

    def collect(block: bool) -> None:
        stop_point()
        if not in_flight:
            return
        done: set[Future] = set()
        while True:
            # Wake up now and then so that a stop request (or a document over time) is seen.
            done, _ = wait(list(in_flight), timeout=0.25 if block else 0, return_when=FIRST_COMPLETED)
            watch_the_clock()
            if done or not block:
                break
            stop_point()
        broken: list[_Item] = []
        for fut in done:
            item = in_flight.pop(fut)
            try:
                entry = fut.result()
            except BrokenProcessPool:
                broken.append(item)
                continue
            except MemoryError:  # the worker could not send its result back
                fail(item, "too_complex", "its results are too large to pass on from the worker process")
                continue
            except Exception as e:
                entry = _error_entry(
                    str(item.path),
                    item.sha256 or "",
                    "internal_error",
                    f"{item.path}: {type(e).__name__}: {e}",
                )
            finish(item, entry)
        if broken:
            recover(broken)
        flush()

    def department_jobs(sets: list[Any], members: list[dict[str, Any]]) -> tuple[list[list[dict[str, Any]]], list[str]]:
        """The set phase's work, as jobs of one department each (lists of units, see
        ``review_department``), and the reports whose stored set rows are to go (no pair left).

        A split report is checked as one when either file was checked in this run, or its text was
        stored without its sibling; a report's pairs are compared when what was stored for it
        (crossfoot.store.Store.set_checks: its set, the rules version, the other reports' sets)
        is not what the store's sets now give (a report or its other report new or changed, a
        split report checked again, an interrupted run), and all of them with ``rescan``."""
        from crossfoot.pipeline import set_pairs
        from crossfoot.sets import entry_member

        stored_sibling = {m["sha256"]: m.get("sibling_sha256") for m in members}
        pairs_of: dict[str, list[tuple[str, Any]]] = {}
        for st, relation, before in set_pairs(sets):
            pairs_of.setdefault(st.id, []).append((relation, before))
        stored = db.set_checks()
        units: dict[str | None, list[dict[str, Any]]] = {}
        reports: set[str] = set()
        for st in sets:
            split = False
            if st.form == "split":
                text, tables = st.member("text"), st.member("tables")
                split = rescan or stored_sibling.get(text.sha256) != tables.sha256 or bool(
                    {text.sha256, tables.sha256} & checked_now)
            pairs = pairs_of.get(st.id, [])
            head = entry_member(st)
            if pairs and head is not None:
                reports.add(head.sha256)
                want = (st.id, RULES_VERSION, frozenset((r, b.id) for r, b in pairs))
                if not (split or rescan or stored.get(head.sha256) != want):
                    pairs = []  # stored as they are
            if split or pairs:
                units.setdefault(st.department, []).append({"set": st, "split": split, "pairs": pairs})
        own = db.own_findings(entry_member(u["set"]).sha256 for us in units.values() for u in us if u["pairs"])
        for us in units.values():
            for u in us:
                if u["pairs"]:
                    u["own"] = own.get(entry_member(u["set"]).sha256, 0)
        gone = sorted(set(stored) - reports)
        return list(units.values()), gone

    def members_of(job: list[dict[str, Any]]) -> dict[str, Any]:
        return {m.sha256: m for u in job for st in (u["set"], *(b for _, b in u["pairs"])) for m in st.members}

    def send(job: list[dict[str, Any]], blobs: dict[str, bytes]) -> Future:
        """Submit one job with the stored readings of its documents (``blobs``: fetched for this
        job and the next ones in one query)."""
        members = members_of(job)
        data = {sha: blobs.pop(sha) for sha in members if sha in blobs}
        files = {m.path: str(Path(m.path).absolute()) for sha, m in members.items()
                 if sha not in data and Path(m.path).is_file()}
        try:
            return pool.submit(review_department, job, data, files, config)
        except BrokenProcessPool as e:  # broken by a job before: this one was never sent
            fut: Future = Future()
            fut.set_exception(e)
            return fut

    def store_unit(result: dict[str, Any]) -> None:
        st, entry = result["set"], result["entry"]
        if entry is not None:
            text = st.member("text")
            size = Path(text.path).stat().st_size if Path(text.path).is_file() else None
            batch.add_document(entry, text.path, text.sha256, size, RULES_VERSION, __version__,
                               entry.get("seconds"))
        if result["set_checks"]:
            from crossfoot.sets import entry_member

            for f in result["findings"]:
                stats.findings[f.get("severity", "info")] = stats.findings.get(f.get("severity", "info"), 0) + 1

            batch.add_set_results(entry_member(st).sha256, st.id, result["findings"], result["rule_errors"],
                                  result["set_checks"], RULES_VERSION)

    def run_jobs(jobs: list[list[dict[str, Any]]]) -> tuple[list[list[dict[str, Any]]], list[list[dict[str, Any]]]]:
        """Run the set phase's jobs, a few in flight per worker, storing each unit's results as they
        come; return the jobs a worker death took down and those not yet sent then (the pool is
        new again)."""
        pending = iter(jobs)
        running: dict[Future, list[dict[str, Any]]] = {}
        broken: list[list[dict[str, Any]]] = []
        ahead: list[list[dict[str, Any]]] = []  # jobs whose readings are fetched, not yet sent
        blobs: dict[str, bytes] = {}
        while True:
            while not broken and len(running) < max_in_flight:
                if not ahead:
                    ahead = list(itertools.islice(pending, FETCH_JOBS))
                    blobs = db.document_data({sha for job in ahead for sha in members_of(job)}) if ahead else {}
                if not ahead:
                    break
                job = ahead.pop(0)
                running[send(job, blobs)] = job
            if not running:
                break
            stop_point()
            done, _ = wait(list(running), timeout=0.25, return_when=FIRST_COMPLETED)
            for fut in done:
                job = running.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    broken.append(job)
                    continue
                except Exception as e:  # the stored entries stand
                    log.warning("%s and the other reports of its department: %s: %s",
                                job[0]["set"].members[0].path, type(e).__name__, e)
                    continue
                for r in results:
                    store_unit(r)
            flush()
            if broken and not running:
                pool.restart()
                return broken, ahead + list(pending)
        return [], []

    def review_sets() -> None:
        """Group every stored document into sets; check each report split over two files as one, and
        run the document-set rules (CF9xx) on each report with its department's other reports (see
        ``department_jobs``); write the sets."""
        from crossfoot.sets import group

        members = db.set_members()
        sets = group(members)
        jobs, gone = department_jobs(sets, members)
        for sha in gone:
            batch.add_set_results(sha, None, [], [], [], RULES_VERSION)
        # All jobs; after a worker death, the units of the jobs it took down one at a time (a unit
        # that kills its worker alone keeps its stored entries), and the jobs not yet sent as they were.
        while jobs:
            broken, jobs = run_jobs(jobs)
            for job in broken:
                for unit in job:
                    if run_jobs([[unit]])[0]:
                        st = unit["set"]
                        what = "with its tables file" if unit["split"] else "with its department's other reports"
                        log.warning("%s %s: the worker process died", st.members[0].path if not unit["split"]
                                    else st.member("text").path, what)
        flush(force=True)
        db.write_sets(sets)

    def recover(broken: list[_Item]) -> None:
        """A worker died: every future of the pool fails.  Find out which documents were being read."""
        # The broken pool fails the futures still in flight too (at once): collect them all.
        wait(list(in_flight), timeout=30)
        for fut in list(in_flight):
            item = in_flight.pop(fut)
            try:
                finish(item, fut.result(timeout=0))
            except BrokenProcessPool:
                broken.append(item)
            except Exception as e:  # finished just before the break, with an exception
                fail(item, "internal_error", f"{type(e).__name__}: {e}")
        reading = pool.reading()
        codes = pool.restart()
        killed = any(it.token in timed_out for it in broken)
        again: list[_Item] = []
        n_suspects = len(suspects)
        for item in broken:
            if item.unsent:  # not a suspect, and no break of its own
                item.unsent = False
                if item.alone:
                    suspects.insert(0, item)
                else:
                    again.append(item)
                continue
            item.breaks += 1
            pid = reading.get(item.token, (None, 0.0))[0]
            if item.token in timed_out:
                fail(item, "too_complex", f"checking it took longer than the {document_seconds():g} s "
                     f"allowed (CROSSFOOT_DOCUMENT_SECONDS); its worker was stopped after {deadline:g} s")
            elif item.alone or item.breaks >= 3:
                code, why = _death(codes.get(pid) if pid else None)
                log.warning("%s: %s", item.path, why)
                fail(item, code, why)
            elif killed or (pool.knows_reading and pid is None):
                again.append(item)  # queued only, or stopped with the one over time: not a suspect
            else:
                suspects.append(item)
        log.debug("worker died: reading %s, exit codes %s, in flight %s", reading, codes,
                  [(str(it.path), it.token, it.alone, it.breaks) for it in broken])
        if len(suspects) > n_suspects or again:
            log.warning(
                "a worker process died: %d documents being read are checked again one at a time, "
                "%d others resubmitted", len(suspects) - n_suspects, len(again)
            )
        for it in again:
            submit(it)

    def submit(item: _Item, alone: bool = False) -> None:
        item.token = next(tokens)
        item.alone = alone
        try:
            fut = pool.submit(review_document, str(item.path.absolute()), str(item.path), config, item.token,
                              with_sets)
        except BrokenProcessPool as e:
            # A worker died since the last collect: this item was never read -- the next collect
            # finds the break and ``recover`` resubmits it with the other queued ones.
            fut = Future()
            fut.set_exception(e)
            item.unsent = True
        in_flight[fut] = item

    def make_room(limit: int) -> None:
        """Collect until at most ``limit`` documents are in flight and no suspect is left: suspects are
        run alone, once nothing else is in flight."""
        while True:
            if suspects and not in_flight:
                submit(suspects.pop(0), alone=True)
            if len(in_flight) <= limit and not suspects and not any(it.alone for it in in_flight.values()):
                return
            collect(block=True)

    # Ctrl-C and SIGTERM ask the run to stop; it stops at the next safe point (never in the middle of
    # a store write), keeping every finished document.  A second signal stops at once (nothing
    # written is lost then either: each batch is one transaction).
    stop_requested: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        stop_requested.append(signum)
        signal.signal(signum, signal.SIG_DFL)

    def stop_point() -> None:
        if stop_requested:
            raise KeyboardInterrupt

    old_handlers: dict[int, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            old_handlers[sig] = signal.signal(sig, on_signal)
        except ValueError:  # not the main thread: the caller handles signals
            break
    try:
        for chunk in _chunks(iter_files(paths), LOOKUP_CHUNK):
            hashed = [(p, *_hash(p)) for p in chunk]
            # Write what is finished, then ask the store: a document is then either stored (known),
            # in flight (waiting) or finished since this lookup (recent) -- never checked twice.
            flush(force=True)
            recent.clear()
            known = {} if rescan else db.stored((h for _, h, _ in hashed if h), RULES_VERSION)
            for p, sha, size in hashed:
                stop_point()
                stats.seen += 1
                item = _Item(p, sha, size)
                if sha and sha in waiting:
                    waiting[sha].append(item)
                    continue
                prior = (known.get(sha) or recent.get(sha)) if sha else None
                if prior is not None:
                    status, code, message = prior
                    batch.add_path(str(p), sha)
                    if status != "ok" and code:
                        batch.add_error(str(p), sha, code, message or "", RULES_VERSION)
                        stats.errors += sha in recent
                    if sha in recent:
                        stats.duplicates += 1
                    else:
                        stats.skipped += 1
                    progress()
                    continue
                if sha:
                    waiting[sha] = []
                make_room(max_in_flight - 1)
                submit(item)
                collect(block=False)
        make_room(0)
        flush(force=True)
        if with_sets:
            review_sets()
        pool.close()
    except KeyboardInterrupt:
        stats.interrupted = True
        # Keep what is finished; drop what is in flight (the rerun does it again).
        try:
            if in_flight:
                done, _ = wait(list(in_flight), timeout=0)
                for fut in done:
                    item = in_flight.pop(fut)
                    try:
                        finish(item, fut.result())
                    except Exception as e:
                        log.info("not stored (interrupted): %s: %s", item.path, e)
            flush(force=True)
        finally:
            pool.close(cancel=True)
    except BaseException:
        pool.close(cancel=True)
        raise
    finally:
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
        db.close()
        stats.elapsed = time.perf_counter() - stats.started
    return stats


def _death(code: int | None) -> tuple[str, str]:
    """The error code and message of a document whose worker died reading it, alone, twice."""
    if code == -signal.SIGKILL:
        return "too_complex", ("the worker process was killed reading this file (SIGKILL: by the system, "
                               "most likely for using too much memory)")
    if code is not None and code < 0:
        try:
            how = signal.Signals(-code).name
        except ValueError:
            how = f"signal {-code}"
        return "internal_error", f"the worker process died reading this file ({how})"
    if code is not None:
        return "internal_error", f"the worker process died reading this file (exit code {code})"
    return "internal_error", "the worker process died reading this file"



# ---------------------------------------------------------------------- terminal output


class ProgressBar:
    """A rich progress bar on stderr: documents/s, pages/s, ETA and the error count."""

    def __init__(self, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]review"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[docs]:6.1f} docs/s {task.fields[pages]:7.1f} pages/s"),
            TextColumn("[red]{task.fields[errors]} errors"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.task = self.progress.add_task("review", total=total, docs=0.0, pages=0.0, errors=0)
        self._last = 0.0

    def __enter__(self) -> Self:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, stats: ReviewStats) -> None:
        now = time.perf_counter()
        if now - self._last < 0.1 and stats.total is not None and stats.done < stats.total:
            return  # redraw at most ten times a second
        self._last = now
        docs, pages = stats.rates()
        self.progress.update(self.task, completed=stats.done, docs=docs, pages=pages, errors=stats.errors)

    def final(self, stats: ReviewStats) -> None:
        docs, pages = stats.rates()
        self.progress.update(self.task, completed=stats.done, docs=docs, pages=pages, errors=stats.errors)


def summary_table(stats: ReviewStats, store: str | Path) -> Any:
    """The end-of-run summary as a rich Table (Chinese labels, English subtitles)."""
    from rich.table import Table

    docs, pages = stats.rates()
    t = Table(title=f"审查汇总 Review summary — {store}", show_header=True, header_style="bold")
    t.add_column("项目 Item")
    t.add_column("数量 Count", justify="right")
    rows = [
        ("文件 Files seen", f"{stats.seen}"),
        ("本次审查 Reviewed this run", f"{stats.reviewed}"),
        ("已入库跳过 Skipped (already stored)", f"{stats.skipped}"),
        ("重复文件 Duplicate content", f"{stats.duplicates}"),
        ("无法读取 Unreadable", f"{stats.errors}"),
        ("页数 Pages read", f"{stats.pages}"),
        ("错误 Findings: error", f"{stats.findings.get('error', 0)}"),
        ("警告 Findings: warning", f"{stats.findings.get('warning', 0)}"),
        ("提示 Findings: info", f"{stats.findings.get('info', 0)}"),
        ("规则故障 Rule failures", f"{stats.rule_errors}"),
        ("用时 Time", f"{stats.elapsed:.1f} s"),
        ("速度 Speed", f"{docs:.1f} docs/s, {pages:.1f} pages/s ({stats.workers} {stats.engine} workers)"),
    ]
    for k, v in rows:
        t.add_row(k, v)
    if stats.interrupted:
        t.caption = "已中断：重新运行即可继续 Interrupted: rerun the same command to carry on"
    return t
