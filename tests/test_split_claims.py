"""A report split over two files is checked as one with its text file's kept claims when extraction
cannot have read the tables (crossfoot.pipeline.check_split_reading, extraction.claims.reads_tables):
the entry is the one extracting the claims again gives, and with an item statement in the prose, or
as many claims as a cut gives, the kept claims are not used."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.generate import generate_corpus
from crossfoot.pipeline import check_read, check_split_reading, extract_claims
from crossfoot.sets import Member, group, split_reading
from extraction.claims import reads_tables
from extraction.reader import read_document

SEED = Path(__file__).resolve().parent / "data" / "seeds" / "002_8541718f7ac07511.txt"

@pytest.fixture(scope="module")
def splits(tmp_path_factory) -> list[tuple]:
    """Each split report of a small generated corpus (every department splits): its reading and the
    claims of its text file alone."""
    out = tmp_path_factory.mktemp("split") / "docs"
    generate_corpus(out, departments=2, years=(2023, 2024), errors=0.2, anomalies=0.0, seed=23,
                    fmt="txt", error_kinds=None, workers=1, split=1.0, cross_errors=0.6)
    docs = {str(p): read_document(p, str(p)) for p in sorted(out.glob("*.txt"))}
    entries = [check_read(d) for d in docs.values()]
    got = []
    for s in group(entries):
        if s.form == "split":
            text, tables = s.member("text"), s.member("tables")
            got.append((split_reading(docs[text.path], docs[tables.path], text, tables), docs[text.path],
                        docs[tables.path]))
    return got


def test_kept_claims_give_the_same_entry(splits):
    assert len(splits) == 8  # 2 departments × 2 years × 2 kinds
    kept_used = 0
    for reading, text_doc, _ in splits:
        kept = extract_claims(text_doc)
        assert kept
        entry, claims = check_split_reading(reading, None, kept)
        assert (entry, claims) == check_split_reading(reading, None)
        if not reads_tables(reading.doc):
            assert claims is kept  # not extracted again
            kept_used += 1
    assert kept_used == len(splits)  # the generated prose names no item


def test_item_statements_extract_again(splits):
    """A text whose prose states an item (real seed 002: "…（项）") reads the classification lines of
    the tables: its kept claims are not used."""
    tables_doc = splits[0][2]
    text_doc = read_document(SEED, SEED.name)
    assert reads_tables(text_doc) and not reads_tables(splits[0][0].doc)
    reading = split_reading(text_doc, tables_doc, Member(text_doc.path, text_doc.sha256, "text"),
                            Member(tables_doc.path, tables_doc.sha256, "tables"))
    entry, claims = check_split_reading(reading, None, [])  # wrong kept claims: not used
    assert claims == extract_claims(reading.doc) and len(claims) > 10
    assert entry == check_split_reading(reading, None)[0]


def test_as_many_claims_as_a_cut_extract_again(splits, monkeypatch):
    import extraction.limits

    reading, text_doc, _ = next(x for x in splits if not reads_tables(x[0].doc))
    kept = extract_claims(text_doc)
    monkeypatch.setattr(extraction.limits, "MAX_PARAGRAPH_CLAIMS", 2)
    entry, claims = check_split_reading(reading, None, kept[:2])
    assert claims == kept and len(claims) > 2

