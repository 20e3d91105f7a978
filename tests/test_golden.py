"""The output of ``crossfoot check`` on every report of tests/data equals its recorded golden file.

The golden files (tests/golden/, written by ``python tests/golden/record.py``) hold each file's
tables with their cell values, its claims with their status, reason and target, its findings with
their places, and the document sets.  A change of output fails here with a diff of the lines that
changed; when the change is intended, run the script again and review the golden files' diff.
"""

from __future__ import annotations

import difflib
import functools
import json

import pytest

from tests.golden.record import DATA, GOLDEN, current, data_files, dumps, golden_path

_MAX_DIFF_LINES = 80


@functools.cache
def _current():
    return current()


def _diff(name: str, want: str, got: str) -> str:
    lines = list(difflib.unified_diff(want.splitlines(), got.splitlines(), f"golden/{name}", "now", lineterm="", n=1))
    if len(lines) > _MAX_DIFF_LINES:
        lines = [*lines[:_MAX_DIFF_LINES], f"… {len(lines) - _MAX_DIFF_LINES} more lines of diff"]
    return "\n".join(lines)


_NAMES = [f.relative_to(DATA).as_posix() for f in data_files()]


@pytest.mark.parametrize("name", _NAMES)
def test_check_output_equals_the_golden_file(name):
    path = golden_path(name)
    assert path.exists(), f"no golden file for {name}: run python tests/golden/record.py"
    want = path.read_text("utf-8")
    records, _sets = _current()
    got = dumps(records[name])
    if got != want:
        pytest.fail(f"{name}: the output differs from its golden file (intended? run "
                    f"python tests/golden/record.py and review the diff)\n{_diff(name, want, got)}", pytrace=False)


def test_document_sets_equal_the_golden_file():
    want = (GOLDEN / "sets.json").read_text("utf-8")
    got = dumps(_current()[1])
    assert got == want, _diff("sets.json", want, got)


def test_every_golden_file_belongs_to_a_file_of_tests_data():
    kept = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.json")}
    assert kept == {f"{n}.json" for n in _NAMES} | {"sets.json"}


def test_golden_files_hold_what_they_compare():
    """The records are not empty shells: the real reports' tables carry cell values, claims their
    statuses, and some findings their evidence places."""
    records = [json.loads(golden_path(n).read_text("utf-8")) for n in _NAMES]
    cells = sum(len(r[4]) for rec in records for t in rec["tables"] for r in t["rows"])
    statuses = {c["status"] for rec in records for c in rec["claims"]}
    places = [ev for rec in records for f in rec["findings"] for ev in f["evidence"] if ev.get("page")]
    assert cells > 4_000 and statuses == {"tied", "contradicted", "not_checkable"} and len(places) > 100
