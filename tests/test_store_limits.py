"""The store never loses committed work and never dies on one batch: a batch that cannot be written is
written in halves, the document that cannot be written alone becomes a ``too_complex`` error record,
and only when even that fails does writing stop (``StoreError``), keeping what was written."""

from __future__ import annotations

import re

import duckdb
import pytest

from crossfoot.store import Batch, Store, StoreError

TEXT_KB = "收" * 10_240  # 30 KB of UTF-8


def _entry(i: int, claims: int = 3, text: str = "支出合计100万元") -> dict:
    return {
        "path": f"r{i}.txt",
        "sha256": f"{i:064x}",
        "status": "ok",
        "error": None,
        "meta": {"department": f"局{i}", "year": 2024, "kind": "final_account", "unit": "万元", "pages": 2},
        "tables": [{"id": "t1", "kind": "income", "number": None, "title": "收入", "unit": "万元",
                    "pages": [1], "n_rows": 3}],
        "claims": [{"id": f"c{j + 1}", "kind": "amount", "value": float(j), "unit": "万元", "page": 1,
                    "start": 0, "end": 3, "text": text} for j in range(claims)],
        "findings": [],
        "rule_errors": [],
    }


def _batch(entries: list[dict], paths: dict[int, list[str]] | None = None) -> Batch:
    b = Batch()
    for e in entries:
        b.add_document(e, e["path"], e["sha256"], 100, "v1", "0.1", 0.5)
        for other in (paths or {}).get(int(e["sha256"], 16), []):
            b.add_path(other, e["sha256"])
    return b


def _documents(s: Store) -> list[tuple]:
    return s.con.execute(
        "SELECT path, status, error_code, n_claims, n_tables FROM documents ORDER BY path"
    ).fetchall()


def test_a_batch_splits_into_its_documents():
    b = _batch([_entry(1), _entry(2, claims=5)], paths={2: ["copy-of-r2.txt"]})
    b.add_path("skipped.txt", "e" * 64)  # a path of a document stored before: its own part
    b.add_error("missing.txt", None, "not_found", "missing.txt: no such file", "v1")
    parts = b.split()
    assert [(p.path, p.n_documents, len(p.rows["claims"]), len(p.rows["paths"])) for p in parts] == [
        ("r1.txt", 1, 3, 1), ("r2.txt", 1, 5, 2), ("missing.txt", 0, 0, 0), ("skipped.txt", 0, 0, 1)]
    assert sum(p.n_bytes for p in parts) == b.n_bytes
    joined = Batch.joined(parts)
    assert (joined.n_documents, joined.n_bytes, {t: len(r) for t, r in joined.rows.items()}) == (
        b.n_documents, b.n_bytes, {t: len(r) for t, r in b.rows.items()})
    # The bytes count the text in UTF-8: 3 bytes a Chinese character.
    big = _batch([_entry(3, claims=10, text=TEXT_KB)])
    assert 10 * 30_720 < big.n_bytes < 10 * 30_720 + 4_000


def test_a_document_far_larger_than_the_store_is_an_error_record_and_the_rest_are_stored(tmp_path):
    """The issue's case: 50,000 claims of 300 KB each (15 GB once stored) in a batch of good documents.
    It is never even materialised (one 300 KB string shared by every claim in memory)."""
    huge = _entry(99, claims=50_000, text="收" * 100_000)
    entries = [_entry(i) for i in range(5)] + [huge] + [_entry(i) for i in range(5, 10)]
    with Store(tmp_path / "s.duckdb") as s:
        assert s.memory_limit == 511_914_803 and s.batch_bytes == s.memory_limit // 4  # 512MB (488.2 MiB)
        rejected = s.write(_batch(entries, paths={99: ["copy-of-huge.txt"]}))
        assert [(r.path, r.code) for r in rejected] == [("r99.txt", "too_complex")]
        assert re.search(r"its results are too large to store \(15,0\d\d MB of results; the store's memory "
                         r"limit is 512 MB, CROSSFOOT_STORE_MEMORY\)$", rejected[0].message)
        docs = _documents(s)
        assert len(docs) == 11 and s.count("claims") == 30 and s.count("tables") == 10
        assert ("r99.txt", "error", "too_complex", 0, 0) in docs
        assert sum(1 for d in docs if d[1] == "ok") == 10
        # Both paths of its content say why; a rerun skips it.
        assert s.con.execute("SELECT path, code FROM errors ORDER BY path").fetchall() == [
            ("copy-of-huge.txt", "too_complex"), ("r99.txt", "too_complex")]
        assert s.stored([huge["sha256"]], "v1")[huge["sha256"]][:2] == ("error", "too_complex")


def test_a_commit_that_fails_under_the_memory_limit_is_retried_in_parts(tmp_path, monkeypatch):
    """Reproduces the issue's "failed to pin block" at a smaller scale: a 62 MB document under a
    64 MB DuckDB limit fails to commit; the batch it was in is written without it."""
    monkeypatch.setenv("CROSSFOOT_STORE_MEMORY", "64MB")
    big = _entry(50, claims=2_000, text=TEXT_KB)
    entries = [_entry(i) for i in range(6)] + [big] + [_entry(i) for i in range(6, 12)]
    with Store(tmp_path / "s.duckdb") as s:
        batch = _batch(entries)
        assert batch.n_bytes <= s.memory_limit  # so it is tried (a larger one would not be)
        with pytest.raises(duckdb.Error, match="pin block|memory"):
            s._write_once(batch)  # what the old write did: the whole batch lost
        assert s.count("documents") == 0
        rejected = s.write(batch)
        assert [(r.path, r.code) for r in rejected] == [("r50.txt", "too_complex")]
        assert "failed to pin block" in rejected[0].message or "memory" in rejected[0].message.lower()
        assert s.count("documents") == 13 and s.count("claims") == 36
    with Store(tmp_path / "s.duckdb", read_only=True) as s:  # committed, on disk
        assert ("r50.txt", "error", "too_complex", 0, 0) in _documents(s) and s.count("claims") == 36


@pytest.mark.parametrize("error", [duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block"),
                                   MemoryError("Out of Memory Error in pyarrow")], ids=["duckdb", "MemoryError"])
def test_bisection_finds_the_one_document_that_cannot_be_written(tmp_path, monkeypatch, error):
    bad = f"{7:064x}"
    calls: list[int] = []
    real = Store._write_once

    def flaky(self, batch):
        calls.append(batch.n_documents)
        if any(r[0] == bad and r[2] == "ok" for r in batch.rows["documents"]):
            raise error
        real(self, batch)

    monkeypatch.setattr(Store, "_write_once", flaky)
    with Store(tmp_path / "s.duckdb") as s:
        rejected = s.write(_batch([_entry(i) for i in range(16)]))
        assert [(r.path, r.sha256, r.code) for r in rejected] == [("r7.txt", bad, "too_complex")]
        assert "Out of Memory Error" in rejected[0].message
        # The batch (16), then halves: r0-r7 fails, r0-r3 is written, r4-r7 fails, r4-r5 written,
        # r6-r7 fails, r6 written, r7 fails alone, its error record, r8-r15 written: about 2 log2(n)
        # transactions, not n.
        assert calls == [16, 8, 4, 4, 2, 2, 1, 1, 1, 8]
        assert s.count("documents") == 16 and s.count("claims") == 45


def test_a_value_the_store_refuses_is_an_internal_error_record(tmp_path):
    e = _entry(3)
    e["meta"]["pages"] = 10**30  # does not fit a BIGINT
    with Store(tmp_path / "s.duckdb") as s:
        rejected = s.write(_batch([_entry(1), e, _entry(2)]))
        assert [(r.path, r.code) for r in rejected] == [("r3.txt", "internal_error")]
        assert rejected[0].message.startswith("r3.txt: its results could not be stored (")
        assert [d[:3] for d in _documents(s)] == [
            ("r1.txt", "ok", None), ("r2.txt", "ok", None), ("r3.txt", "error", "internal_error")]


def test_when_not_even_an_error_record_can_be_written_it_stops_and_keeps_what_was_written(tmp_path, monkeypatch):
    store = tmp_path / "s.duckdb"
    with Store(store) as s:
        assert s.write(_batch([_entry(i) for i in range(3)])) == []
        real = Store._write_once

        def disk_full(self, batch):
            if any(r[0] == f"{5:064x}" for r in batch.rows["documents"]) or batch.rows["errors"]:
                raise duckdb.IOException("Could not write file: No space left on device")
            real(self, batch)

        monkeypatch.setattr(Store, "_write_once", disk_full)
        with pytest.raises(StoreError, match="cannot write to the store .*No space left on device.*"
                                              "everything stored before is kept"):
            s.write(_batch([_entry(i) for i in range(3, 8)]))
    with Store(store, read_only=True) as s:
        # The first batch, and the document written before the one that failed (the order queued).
        assert [d[0] for d in _documents(s)] == ["r0.txt", "r1.txt", "r2.txt", "r3.txt", "r4.txt"]
