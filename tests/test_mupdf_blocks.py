"""The reader's ``extractBLOCKS()`` keeps nothing alive after a page (PyMuPDF leaks it: #5067)."""

from __future__ import annotations

import gc
import sys
import tracemalloc
from pathlib import Path

import pymupdf
import pytest

from extraction import mupdf_blocks
from extraction.pdf import TEXT_FLAGS

REAL = Path(__file__).parent / "data" / "real" / "budgets" / "江苏省人大办公厅2017年度预算公开.pdf"


@pytest.fixture(scope="module")
def textpage():
    doc = pymupdf.open(REAL)
    tp = doc[6].get_textpage(flags=TEXT_FLAGS)  # a ruled table: 132 blocks, 86 of them vectors
    yield tp
    doc.close()


def test_blocks_are_those_of_pymupdf(textpage):
    ours = mupdf_blocks.blocks(textpage)
    theirs = textpage.extractBLOCKS()
    assert len(ours) == 132
    assert ours == theirs
    assert sum(1 for b in ours if b[6] == 3) > 80  # vector blocks: the ruling lines (86)


def test_repeated_reads_keep_no_memory(textpage):
    mupdf_blocks.blocks(textpage)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(40):
            b = mupdf_blocks.blocks(textpage)
            del b
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # Leaked, 40 reads of this page keep about 1 MB (132 tuples of 4 floats and a text each, per read).
    assert grown < 20_000, grown


def test_each_block_is_held_by_its_list_alone(textpage):
    out = mupdf_blocks.blocks(textpage)
    made_here = [(float(i), "x" * i) for i in range(len(out))]
    assert set(mupdf_blocks._counts(out)) == set(mupdf_blocks._counts(made_here))
    held = out[0]
    del out
    assert sys.getrefcount(held) == 2  # this name and the argument: the list's reference went with it


def test_a_stand_in_text_page_is_left_alone():
    # Anything but PyMuPDF's TextPage may hold its block tuples elsewhere: nothing is dropped.
    class StandIn:
        def __init__(self) -> None:
            self.kept = [(1.0, 2.0, 3.0, 4.0, f"text {i}", i, 0) for i in range(5)]

        def extractBLOCKS(self) -> list[tuple]:
            return list(self.kept)

    tp = StandIn()
    before = [sys.getrefcount(t) for t in tp.kept]
    out = mupdf_blocks.blocks(tp)
    assert out == tp.kept
    del out
    assert [sys.getrefcount(t) for t in tp.kept] == before


def test_the_leak_is_measured_on_a_page_made_in_memory():
    # With a PyMuPDF that leaks, the raw call's tuples carry exactly one reference more than a
    # tuple held by its list alone; with a fixed one they carry none, and blocks() drops nothing.
    leaks = mupdf_blocks._measure_leak()
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "crossfoot")
    raw = mupdf_blocks._counts(page.get_textpage().extractBLOCKS())
    base = mupdf_blocks._BASE
    assert set(raw) <= {base, base + 1}
    assert leaks == all(n == base + 1 for n in raw)
