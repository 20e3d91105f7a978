"""The time and memory one document may take, in ``crossfoot check``, the app and ``review``'s workers.

A document over its budget is an error record (``too_complex``) and the run goes on:

* **time** — ``time_limit(seconds)`` raises :class:`OverBudget` in the thread checking the document
  once ``CROSSFOOT_DOCUMENT_SECONDS`` (default 120 s) have passed, and again every second until
  the check has stopped (code that catches everything cannot keep going).  In the main thread it is
  ``signal.setitimer`` (SIGALRM, which also interrupts a blocking call); in any other thread (the
  app's script threads, Dask's worker threads) a watchdog thread raises it asynchronously.  Either
  way it is seen between two Python instructions: a long call inside a C library (MuPDF) is not
  interrupted, which is why ``review``'s parent also kills a worker whose document runs past
  :func:`hard_seconds`.
* **memory** — ``limit_memory(headroom)`` caps the process's address space (``RLIMIT_AS``) at its
  size now plus ``CROSSFOOT_WORKER_MEMORY`` (default 2 GB): an allocation past it raises
  ``MemoryError`` (or, inside a C library that cannot fail softly, ends the process — an error record
  for that document in ``review``).  ``review``'s workers set it once at start-up; ``crossfoot check``
  around each document (``memory_limit``).  The app's server is shared by every session and is never
  capped: it catches ``MemoryError`` only.

``0`` (or ``off``) for either variable turns that limit off.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import threading
import time
from collections.abc import Iterator

DEFAULT_DOCUMENT_SECONDS = 120.0
DEFAULT_WORKER_MEMORY = 2 * 1024**3
TOO_COMPLEX = "too_complex"

_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2,
          "g": 1000**3, "gb": 1000**3, "gib": 1024**3, "t": 1000**4, "tb": 1000**4, "tib": 1024**4}


class OverBudget(BaseException):
    """A document went over its budget.

    A ``BaseException``, like ``KeyboardInterrupt``: the ``except Exception`` that keeps one failing
    rule (or page) from stopping a document must not swallow it and carry on past the budget.
    """

    what = "time"

    def __str__(self) -> str:
        return f"over the {self.what} budget"


class _TimeOver(OverBudget):
    """What the watchdog raises asynchronously (it can pass a class only, not an instance)."""


def parse_size(text: str | int | float | None) -> int | None:
    """Bytes of ``"2GB"``, ``"512MB"``, ``"1.5GiB"``, ``"3000000"``; None for empty, 0, ``off``."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return int(text) if text > 0 else None
    s = text.strip().lower().replace(" ", "")
    if s in ("", "0", "off", "none", "no"):
        return None
    m = re.fullmatch(r"([0-9]*\.?[0-9]+)([a-z]*)", s)
    if not m or m.group(2) not in _UNITS:
        raise ValueError(f"not a size: {text!r} (say e.g. 2GB or 512MB)")
    n = int(float(m.group(1)) * _UNITS[m.group(2)])
    return n if n > 0 else None


def format_size(n: int) -> str:
    for unit, size in (("GB", 1000**3), ("MB", 1000**2), ("KB", 1000)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} B"


def document_seconds() -> float | None:
    """The soft time budget of one document (``CROSSFOOT_DOCUMENT_SECONDS``); None when off."""
    raw = os.environ.get("CROSSFOOT_DOCUMENT_SECONDS", "").strip().lower()
    if raw in ("off", "none", "no"):
        return None
    try:
        s = float(raw) if raw else DEFAULT_DOCUMENT_SECONDS
    except ValueError:
        s = DEFAULT_DOCUMENT_SECONDS
    return s if s > 0 else None


def hard_seconds(soft: float | None = None) -> float | None:
    """When ``review``'s parent kills a worker still on one document: the soft budget plus a grace
    (a quarter of it, at least 2 s) in which the soft limit stops Python code cleanly first."""
    soft = document_seconds() if soft is None else soft
    return None if soft is None else soft + max(2.0, soft / 4)


def worker_memory() -> int | None:
    """The memory one document may take above the process's size (``CROSSFOOT_WORKER_MEMORY``)."""
    raw = os.environ.get("CROSSFOOT_WORKER_MEMORY")
    if raw is None or not raw.strip():
        return DEFAULT_WORKER_MEMORY
    try:
        return parse_size(raw)
    except ValueError:
        return DEFAULT_WORKER_MEMORY


def address_space() -> int | None:
    """This process's address space in bytes now (VmSize), or None where /proc is missing."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def limit_memory(headroom: int | None) -> int | None:
    """Cap this process's address space at its size now plus ``headroom``; return the cap (None: not set).

    Only the soft limit is lowered, so it can be raised again (``memory_limit`` restores it).
    """
    if not headroom:
        return None
    try:
        import resource
    except ImportError:  # pragma: no cover - not a POSIX system
        return None
    size = address_space()
    if size is None:
        return None
    cap = size + headroom
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        return soft  # already capped as tightly (a worker's cap set at start-up)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    return cap


@contextlib.contextmanager
def memory_limit(headroom: int | None) -> Iterator[int | None]:
    """``limit_memory`` for the block only: the process's own limit is put back after it."""
    if not headroom:
        yield None
        return
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    cap = limit_memory(headroom)
    try:
        yield cap
    finally:
        if cap is not None and resource.getrlimit(resource.RLIMIT_AS) != before:
            resource.setrlimit(resource.RLIMIT_AS, before)


_budget = threading.local()  # this thread's document budget: (deadline on time.monotonic, seconds)


def document_budget() -> tuple[float | None, float]:
    """(Seconds left, seconds allowed) of the time budget the current thread's document runs
    under (:func:`time_limit`); (None, 0) when none.  Work that can stop part-way and say so
    (OCR, page by page) stops before the budget does."""
    current = getattr(_budget, "value", None)
    if current is None:
        return None, 0.0
    return current[0] - time.monotonic(), current[1]


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`OverBudget` in this thread once ``seconds`` have passed in the block (then every
    second until it ends).  Nothing is raised after the block has ended."""
    if not seconds or seconds <= 0:
        yield
        return
    outer = getattr(_budget, "value", None)
    deadline = time.monotonic() + seconds
    _budget.value = (deadline, seconds) if outer is None or deadline < outer[0] else outer
    try:
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
            with _alarm(seconds):
                yield
        else:
            with _watchdog(seconds):
                yield
    finally:
        _budget.value = outer


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    previous_timer = signal.getitimer(signal.ITIMER_REAL)
    if 0 < previous_timer[0] <= seconds:
        yield  # an enclosing limit ends sooner: it stands
        return
    active = [True]

    def on_alarm(signum, frame):
        if active[0]:
            raise _TimeOver()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        # First, with no call in between (a call is where a pending signal runs its handler):
        # from here on the handler raises nothing.
        active[0] = False
        _retry(lambda: _disarm(previous, previous_timer))


def _disarm(previous, previous_timer) -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)
    if previous_timer[0] > 0:  # an enclosing timer (pytest-timeout's, say) goes on
        signal.setitimer(signal.ITIMER_REAL, *previous_timer)


def _retry(cleanup) -> None:
    """Run ``cleanup`` to the end: a budget exception raised in it (set just before the block ended)
    is dropped, and it runs again."""
    for _ in range(3):
        try:
            cleanup()
            return
        except _TimeOver:
            continue


_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)


@contextlib.contextmanager
def _watchdog(seconds: float) -> Iterator[None]:
    ident = threading.get_ident()
    lock = threading.Lock()
    stop = [False]
    done = threading.Event()

    def watch() -> None:
        wait = seconds
        while not done.wait(wait):
            with lock:
                if stop[0]:
                    return
                _set_async_exc(ident, _TimeOver)
            wait = 1.0

    t = threading.Thread(target=watch, name="crossfoot-time-budget", daemon=True)
    t.start()
    try:
        yield
    finally:
        stop[0] = True  # no call before it: the watchdog raises nothing more

        def withdraw() -> None:
            with lock:  # an exception set but not yet raised would surface after the block
                _set_async_exc(ident, ctypes.py_object())

        _retry(withdraw)
        done.set()
