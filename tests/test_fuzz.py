"""Hostile and damaged inputs (issue 18): ``crossfoot check`` and ``crossfoot review`` as subprocesses under a
3 GB address-space cap, over a few hundred files from ``tests/fuzz`` (every kind of damage, fixed seed).

For every input kind: each file has exactly one record in the check JSON, stdout is valid UTF-8 and
valid JSON, no record is ``internal_error``, and the review store holds a row for the file (its
content in ``documents``, or its path in ``errors``).  A readable report (a seed, a real PDF) under
an odd file name is read, tables and all.

Kinds that fail today are marked ``xfail(strict=True)`` with the reason, per kind: when the work that
fixes them lands (bounded claims, ``too_complex``, a store that never loses a batch) the test turns
XPASS → failure, and the mark is removed.  The heaviest kinds (a million cells, 100,000 text
operators, 20,000 one-character words) are left to ``bench/fuzz.py``: each takes 7–45 s alone.
"""

from __future__ import annotations

import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fuzz import HEAVY_KINDS, KINDS, generate
from fuzz.run import check_batches, review, sha256_of, stored_row

SEED = 18
N_ALONE = 6  # with SEED, two of the six name_not_utf8 inputs are PDFs
MEM = 3 << 30  # RLIMIT_AS of every crossfoot process (and of the review's workers, which inherit it)
MAX_PAGES = 300  # CROSSFOOT_MAX_PAGES for these runs: the page-limit kinds are made at 299 and 301 pages

#: Slow kinds left to bench/fuzz.py (seconds alone on the 2-core machine, today).
BENCH_ONLY = {"text_million_cells", "pdf_many_text_ops", "pdf_tiny_words"}
#: Heavy kinds the test runs, each in a process (and a review) of its own.
TEST_HEAVY = sorted(HEAVY_KINDS - BENCH_ONLY)
#: Kinds reviewed in a folder of their own, because their failure takes the whole review (or the batch
#: written with them) down: which other documents are lost with them would depend on timing.
ALONE = ["name_not_utf8"]
ONE_LINE_KIND = "text_figures_one_line"
LIGHT = [k for k in KINDS if k not in HEAVY_KINDS and k not in BENCH_ONLY and k not in ALONE]
N = 3 * len(LIGHT)  # light inputs: every light kind 3 times (165)

#: kind -> reason, for the check assertions.
CHECK_XFAIL: dict[str, str] = {}  # (was: the 300 KB one-line text; fixed by the bounds on extraction)
#: kind -> reason, for the review/store assertions.
REVIEW_XFAIL: dict[str, str] = {}  # (was: the one-line text and names that are not UTF-8: fixed)
#: kind -> reason, for "an odd name reads as a plain one".
NAME_XFAIL: dict[str, str] = {}  # (was: a PDF named so was reported corrupt: the reader opens its bytes)


pytestmark = pytest.mark.timeout(300)


def _env() -> dict[str, str]:
    env = dict(os.environ, CROSSFOOT_MAX_PAGES=str(MAX_PAGES), CROSSFOOT_BATCH_SECONDS="1")
    env.pop("CROSSFOOT_MAX_BYTES", None)
    return env


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    """The inputs, checked and reviewed once: (inputs, check runs, {folder: (review run, store rows)})."""
    root = tmp_path_factory.mktemp("fuzz")
    light = generate(root / "light", N, SEED, max_pages=MAX_PAGES, kinds=LIGHT, max_pdf_bytes=400_000)
    heavy = generate(root / "heavy", len(TEST_HEAVY) - 1, SEED, max_pages=MAX_PAGES,
                     kinds=[k for k in TEST_HEAVY if k != ONE_LINE_KIND])
    one_line = generate(root / "one_line", 1, SEED, kinds=[ONE_LINE_KIND])
    alone = generate(root / "alone", N_ALONE * len(ALONE), SEED, kinds=ALONE, max_pdf_bytes=400_000)
    inputs = light + heavy + one_line + alone
    env = _env()
    with ThreadPoolExecutor(1) as ex:  # the one-line review (the long pole) runs beside the checks
        one_line_review = ex.submit(review, root / "one_line", root / "one_line.duckdb", workers=1, mem_bytes=MEM,
                                    timeout=240, env=env)
        runs = check_batches([x.path for x in inputs], batch=50, parallel=2, mem_bytes=MEM, timeout=240, env=env,
                             alone=[x.path for x in heavy + one_line])
        stores = {name: review(root / name, root / f"{name}.duckdb", workers=2, mem_bytes=MEM, timeout=240, env=env)
                  for name in ("light", "heavy", "alone")}
        stores["one_line"] = one_line_review.result()
    return inputs, runs, stores


def _by_kind(inputs, kind):
    xs = [x for x in inputs if x.kind == kind]
    assert xs, f"no input of kind {kind}"
    return xs


def _param(kinds, xfails):
    return [pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=xfails[k])) if k in xfails else k
            for k in kinds]


def test_every_kind_is_generated(fuzzed):
    inputs, _, _ = fuzzed
    counts = Counter(x.kind for x in inputs)
    assert set(counts) == set(LIGHT) | set(TEST_HEAVY) | set(ALONE)
    assert min(counts[k] for k in LIGHT + ALONE) >= 3
    assert len(inputs) == N + len(TEST_HEAVY) + N_ALONE * len(ALONE)
    assert any(x.source.endswith(".pdf") for x in inputs if x.kind == "name_not_utf8")  # NAME_XFAIL is about PDFs


def test_generate_is_deterministic(tmp_path):
    kinds = ["text_stray_byte", "pdf_bitflip", "name_not_utf8", "random_bytes", "pdf_zero_size_page"]
    a = generate(tmp_path / "a", 10, 7, kinds=kinds)
    b = generate(tmp_path / "b", 10, 7, kinds=kinds)
    c = generate(tmp_path / "c", 10, 8, kinds=kinds)
    assert [(x.path.name, x.kind, x.detail) for x in a] == [(x.path.name, x.kind, x.detail) for x in b]
    assert [x.path.read_bytes() for x in a] == [x.path.read_bytes() for x in b]
    assert [x.path.read_bytes() for x in a] != [x.path.read_bytes() for x in c]
    assert len({x.path for x in a}) == 10 and all(x.path.is_file() and x.size == x.path.stat().st_size for x in a)


@pytest.mark.parametrize("kind", _param(LIGHT + TEST_HEAVY + ALONE, CHECK_XFAIL))
def test_check(fuzzed, kind):
    inputs, runs, _ = fuzzed
    mine = {x.path for x in _by_kind(inputs, kind)}
    problems = []
    records: Counter = Counter()
    for r in runs:
        if not mine & set(r.files):
            continue
        if r.crashed:
            problems.append(f"exit {r.returncode} (timed out: {r.timed_out}, {r.max_rss >> 20} MB) on "
                            f"{[str(f) for f in r.files if f in mine]}: {r.stderr_tail()}")
        if r.json_error:
            problems.append(f"invalid output for {[str(f) for f in r.files if f in mine]}: {r.json_error}")
            continue
        given = {str(f) for f in r.files}
        for d in r.documents:
            assert d["path"] in given, f"a record for a file not given: {d['path']!r}"
            if Path(d["path"]) in mine:
                records[Path(d["path"])] += 1
                if (d.get("error") or {}).get("code") == "internal_error":
                    problems.append(f"internal_error: {d['error']['message']}")
    for p in mine:
        if records[p] != 1:
            problems.append(f"{records[p]} records for {p}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", _param(LIGHT + TEST_HEAVY + ALONE, REVIEW_XFAIL))
def test_review_stores_every_file(fuzzed, kind):
    inputs, _, stores = fuzzed
    mine = _by_kind(inputs, kind)
    folder = ("one_line" if kind == ONE_LINE_KIND else "heavy" if kind in TEST_HEAVY else "alone" if kind in ALONE
              else "light")
    run, rows = stores[folder]
    assert rows.failure is None, f"the store cannot be read: {rows.failure}; review said: {run.stderr_tail()}"
    problems = []
    for x in mine:
        row = stored_row(x.path, sha256_of(x.path), rows)
        if row is None:
            problems.append(f"no row for {x.path} ({x.detail})")
        elif row.endswith("internal_error"):
            problems.append(f"{row} for {x.path} ({x.detail})")
    internal = [code for sha, (status, code) in rows.documents.items() if code == "internal_error"]
    assert not problems, "\n".join(problems) + f"\nreview exit {run.returncode}: {run.stderr_tail()}"
    assert not internal


def test_review_exits_as_documented(fuzzed):
    _, _, stores = fuzzed
    run, _ = stores["light"]
    assert not run.timed_out and run.returncode == 2, run.stderr_tail()  # 2: some files could not be read


@pytest.mark.parametrize("kind", _param([k for k in LIGHT + ALONE if k.startswith("name_")], NAME_XFAIL))
def test_odd_name_reads_as_plain(fuzzed, kind):
    """A readable report (a seed, a real PDF: all have tables) under an odd file name is read, tables and all."""
    inputs, runs, _ = fuzzed
    by_path = {d["path"]: d for r in runs if r.documents for d in r.documents}
    problems = []
    for x in _by_kind(inputs, kind):
        d = by_path[str(x.path)]
        if d["status"] != "ok" or not d["tables"]:
            problems.append(f"{x.path!r} ({x.source}): {d['status']} {d['error']}, {len(d['tables'])} tables")
    assert not problems, "\n".join(problems)
