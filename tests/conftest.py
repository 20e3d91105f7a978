"""Shared fixtures: the repo's own copies of the seed and real reports (tests/data)."""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
EXPECTED = Path(__file__).parent / "expected"


@functools.cache
def read_cached(rel: str):
    from extraction.reader import read_document

    return read_document(DATA / rel)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(cmd: list[str], port: int, log_path: Path, cwd: Path, env: dict[str, str] | None = None,
            timeout: float = 90):
    """``cmd`` started as a server on ``port`` (127.0.0.1); yields its URL once /_stcore/health answers
    ok, fails the test with the end of its log when it exits or never answers, and stops it after."""
    import subprocess
    import time
    import urllib.request

    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.read().strip() == b"ok":
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{cmd[0]} did not start serving: {log_path.read_text(errors='replace')[-2000:]}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
