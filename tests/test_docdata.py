"""crossfoot/docdata.py: a document as read and its claims, stored and given back equal."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossfoot.docdata import decode, encode
from crossfoot.pipeline import extract_claims
from extraction.reader import read_document

DATA = Path(__file__).resolve().parent / "data"
FILES = [*sorted((DATA / "seeds").glob("*.txt")),
         DATA / "real/budgets/江苏省政协办公厅2017年度部门预算公开表.pdf",
         DATA / "real/budgets/2018年省检察院部门预算公开.pdf"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_document_and_its_claims_come_back_equal(path):
    doc = read_document(path)
    assert doc.ok
    claims = extract_claims(doc)
    back, back_claims = decode(encode(doc, claims))
    assert back == doc  # every page, paragraph, table, row and cell, field by field
    assert back_claims == claims
    # the same types where rules look (a box is a tuple, as the reader makes it)
    cells = [c for t in back.tables for r in t.rows for c in r.cells if c is not None]
    assert cells and all(isinstance(c.bbox, tuple) for c in cells if c.bbox is not None)
    assert all(isinstance(t.rows, tuple) and isinstance(t.pages, tuple) for t in back.tables)


def test_a_blob_of_another_layout_is_not_decoded():
    import json
    import zlib

    assert decode(zlib.compress(json.dumps([999, "x"]).encode())) is None


def test_a_path_that_is_not_utf8_comes_back_as_it_was(tmp_path):
    import os
    from dataclasses import replace

    doc = read_document(FILES[0])
    odd = replace(doc, path=os.fsdecode(b"x\xed\xa0\x80y.txt"))
    back, _ = decode(encode(odd))
    assert back.path == odd.path and back == odd
