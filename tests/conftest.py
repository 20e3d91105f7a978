"""Shared fixtures: the repo's own copies of the seed and real reports (tests/data)."""

from __future__ import annotations

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
