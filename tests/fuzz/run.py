"""Run ``crossfoot check`` and ``crossfoot review`` over generated inputs as a user would: subprocesses,
each under a memory cap, measured (wall time, peak RSS of the process tree via ``os.wait4``).

Shared by ``tests/test_fuzz.py`` and ``bench/fuzz.py``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Exit codes ``crossfoot check`` documents: 0 read, 1 error findings, 2 a file not read / usage.
DOCUMENTED_EXITS = {0, 1, 2}


# The process a run starts: it caps its address space, forks crossfoot and waits for it, and writes the
# child's peak RSS to a file.  Measured one generation down because Linux counts in a process's
# ru_maxrss the memory of the image it exec'd from: crossfoot exec'd straight from a bench or pytest
# process of 3 GB would report 3 GB.  Forked from this small launcher, it reports its own peak.
_LAUNCHER = """
import os, resource, sys
mem, out = int(sys.argv[1]), sys.argv[2]
if mem:
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[3], sys.argv[3:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(out, "w") as f:
    f.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
if code < 0:
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


@dataclass
class Run:
    """One subprocess: what it was given and what came out."""

    args: list[str]
    files: list[Path]
    returncode: int | None  # None: killed at the timeout
    stdout: bytes
    stderr: bytes
    seconds: float
    max_rss: int  # bytes: peak RSS of crossfoot's process, or of the largest of its tree it waited for
    timed_out: bool = False
    documents: list[dict] | None = None  # the parsed JSON's documents (check only)
    json_error: str | None = None  # why stdout is not valid UTF-8 JSON (check only)

    @property
    def crashed(self) -> bool:
        """Killed, an undocumented exit, or a Python traceback (an uncaught exception exits 1 too)."""
        return (self.timed_out or self.returncode not in DOCUMENTED_EXITS
                or b"Traceback (most recent call last)" in self.stderr)

    def stderr_tail(self, n: int = 600) -> str:
        return self.stderr[-n:].decode("utf-8", "replace")


def run(args: Sequence[str], files: Sequence[Path] = (), *, mem_bytes: int | None = 3 << 30,
        timeout: float = 600, env: dict[str, str] | None = None, cwd: Path = ROOT) -> Run:
    """``python -m crossfoot.cli ARGS`` with RLIMIT_AS at ``mem_bytes``, killed (its whole group) after ``timeout``.

    A process killed by a signal has the negative signal number as its return code (as in subprocess)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        cmd = [sys.executable, "-c", _LAUNCHER, str(mem_bytes or 0), rss.name,
               sys.executable, "-m", "crossfoot.cli", *args]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd,
                                env=env, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        seconds = time.perf_counter() - t0
        if killed.is_set():
            with _suppress():
                os.killpg(proc.pid, signal.SIGKILL)  # anything of its group left behind
        out.seek(0)
        err.seek(0)
        kb = rss.read().strip()
        return Run(list(args), list(files), None if killed.is_set() else proc.returncode, out.read(), err.read(),
                   seconds, int(kb) * 1024 if kb.isdigit() else 0, timed_out=killed.is_set())


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], OSError)


def parse_check(r: Run) -> Run:
    """Fill ``documents`` / ``json_error`` from a check run's stdout."""
    try:
        text = r.stdout.decode("utf-8")
    except UnicodeDecodeError as e:
        r.json_error = f"stdout is not UTF-8: {e}"
        return r
    try:
        r.documents = json.loads(text)["documents"]
    except (ValueError, KeyError, TypeError) as e:
        r.json_error = f"stdout is not the check JSON: {type(e).__name__}: {e}; starts {text[:120]!r}"
    return r


def check_batches(files: Sequence[Path], *, batch: int = 40, parallel: int = 2, mem_bytes: int | None = 3 << 30,
                  timeout: float = 600, env: dict[str, str] | None = None, alone: Sequence[Path] = ()) -> list[Run]:
    """``crossfoot check --format json`` over the files, ``batch`` per process, ``parallel`` processes at a time.

    Files in ``alone`` get a process each (so that one heavy input does not take a batch down with it)."""
    alone_set = set(alone)
    rest = [f for f in files if f not in alone_set]
    groups = [[f] for f in files if f in alone_set] + [rest[i:i + batch] for i in range(0, len(rest), batch)]

    def one(group: list[Path]) -> Run:
        return parse_check(run(["check", "--format", "json", "--fail-on", "never", *map(str, group)], group,
                               mem_bytes=mem_bytes, timeout=timeout, env=env))

    with ThreadPoolExecutor(parallel) as ex:
        return list(ex.map(one, groups))


@dataclass
class StoreRows:
    documents: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # sha256 -> (status, error_code)
    errors: dict[str, str] = field(default_factory=dict)  # path -> code
    seconds: dict[str, float] = field(default_factory=dict)  # documents.path -> worker seconds
    failure: str | None = None  # the store could not be read


def read_store(store: Path) -> StoreRows:
    import duckdb

    rows = StoreRows()
    if not store.exists():
        rows.failure = "no store file"
        return rows
    try:
        con = duckdb.connect(str(store), read_only=True)
        try:
            for sha, status, code, path, secs in con.execute(
                    "SELECT sha256, status, error_code, path, seconds FROM documents").fetchall():
                rows.documents[sha] = (status, code)
                if secs is not None:
                    rows.seconds[path] = secs
            rows.errors = dict(con.execute("SELECT path, code FROM errors").fetchall())
        finally:
            con.close()
    except Exception as e:  # a store the review left unreadable is a finding, not a test error
        rows.failure = f"{type(e).__name__}: {e}"
    return rows


def sha256_of(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def review(folder: Path, store: Path, *, workers: int = 2, mem_bytes: int | None = 3 << 30, timeout: float = 900,
           env: dict[str, str] | None = None) -> tuple[Run, StoreRows]:
    """``crossfoot review FOLDER --store STORE --quiet`` under the cap, and what the store holds after."""
    r = run(["review", str(folder), "--store", str(store), "--workers", str(workers), "--quiet"], [folder],
            mem_bytes=mem_bytes, timeout=timeout, env=env)
    return r, read_store(store)


def stored_row(path: Path, sha: str, rows: StoreRows) -> str | None:
    """The store's row for this file ('documents:<status>' or 'errors:<code>'), None when it has none."""
    if sha in rows.documents:
        return "documents:" + rows.documents[sha][0]
    if str(path) in rows.errors:
        return "errors:" + rows.errors[str(path)]
    return None
