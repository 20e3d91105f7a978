"""The review store: schema, one document in and back out, replacement, errors, refusals."""

from __future__ import annotations

import duckdb
import pytest

from crossfoot.store import COLUMNS, SCHEMA_VERSION, Batch, Store, StoreError

SHA = "a" * 64


def _entry(sha: str = SHA, **over) -> dict:
    e = {
        "path": "in/report.pdf",
        "sha256": sha,
        "status": "ok",
        "error": None,
        "meta": {
            "department": "上海市某局",
            "year": 2024,
            "kind": "final_account",
            "unit": "万元",
            "pages": 12,
        },
        "tables": [
            {
                "id": "t1",
                "kind": "income",
                "number": "公开02表",
                "title": "收入决算表",
                "unit": "万元",
                "pages": [4, 5],
                "n_rows": 9,
            }
        ],
        "claims": [
            {
                "id": "c1",
                "kind": "amount",
                "metric": "expenditure_total",
                "label": "支出总计",
                "value": 1234.5,
                "unit": "万元",
                "yuan": 12345000.0,
                "period": "current",
                "scope": None,
                "base": None,
                "direction": None,
                "page": 2,
                "start": 10,
                "end": 19,
                "text": "支出总计1234.5万元",
                "explanation": "amount: 总计",
            }
        ],
        "findings": [
            {
                "id": "f1",
                "rule": "CF104",
                "name": "summary_balance",
                "severity": "error",
                "message": "收支不平",
                "message_en": "income and expenditure do not balance",
                "expected": 100.0,
                "observed": 90.0,
                "difference": -10.0,
                "tolerance": 0.05,
                "evidence": [
                    {
                        "source": "table",
                        "page": 4,
                        "text": "90.00",
                        "value": 90.0,
                        "table": "t1",
                        "row": "合计",
                        "column": "金额",
                        "start": 3,
                        "end": 8,
                        "bbox": [1.0, 2.0, 3.0, 4.0],
                    },
                    {
                        "source": "prose",
                        "page": 2,
                        "text": "100万元",
                        "value": 100.0,
                        "table": None,
                        "row": None,
                        "column": None,
                        "start": 10,
                        "end": 16,
                        "bbox": None,
                    },
                ],
            }
        ],
        "rule_errors": [{"rule": "CF999", "message": "ZeroDivisionError"}],
    }
    e.update(over)
    return e


def _write(store: Store, entry: dict, path: str = "in/report.pdf", version: str = "1") -> None:
    b = Batch()
    b.add_document(entry, path, entry.get("sha256") or None, 2048, version, "0.1.0", 0.25)
    store.write(b)


def test_new_store_has_schema_version_and_every_table(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        assert s.con.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        tables = {
            r[0]
            for r in s.con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        assert tables == set(COLUMNS) | {"schema_version"}
        for table, cols in COLUMNS.items():
            have = [
                r[0]
                for r in s.con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
            ]
            assert have == list(cols), table


def test_document_round_trip(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        _write(s, _entry())
        doc = s.con.execute("""SELECT path, status, department, year, kind, unit, pages, size, n_tables, n_claims,
                                      n_findings, n_error_findings, n_rule_errors, rules_version FROM documents""").fetchall()
        assert doc == [
            ("in/report.pdf", "ok", "上海市某局", 2024, "final_account", "万元", 12, 2048, 1, 1, 1, 1, 1, "1")
        ]
        assert s.con.execute("SELECT table_id, kind, pages, n_rows FROM tables").fetchall() == [
            ("t1", "income", [4, 5], 9)
        ]
        assert s.con.execute(
            "SELECT claim_id, metric, value, yuan, page, start_char, end_char FROM claims"
        ).fetchall() == [("c1", "expenditure_total", 1234.5, 12345000.0, 2, 10, 19)]
        assert s.con.execute(
            "SELECT finding_id, rule, severity, expected, observed, difference, page, n_evidence "
            "FROM findings"
        ).fetchall() == [("f1", "CF104", "error", 100.0, 90.0, -10.0, 4, 2)]
        assert s.con.execute(
            "SELECT seq, source, table_id, row_label, bbox FROM evidence ORDER BY seq"
        ).fetchall() == [(0, "table", "t1", "合计", [1.0, 2.0, 3.0, 4.0]), (1, "prose", None, None, None)]
        assert s.con.execute("SELECT rule, message FROM rule_errors").fetchall() == [
            ("CF999", "ZeroDivisionError")
        ]
        assert s.con.execute("SELECT path, sha256 FROM paths").fetchall() == [("in/report.pdf", SHA)]
        assert s.stored([SHA, "b" * 64], "1") == {SHA: ("ok", None, None)}
        assert s.stored([SHA], "2") == {}


def test_rewriting_a_document_replaces_its_rows(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        _write(s, _entry())
        _write(s, _entry(findings=[], claims=[]), version="2")
        assert s.count("documents") == 1
        assert s.count("findings") == s.count("evidence") == s.count("claims") == 0
        assert s.count("tables") == 1
        assert s.stored([SHA], "2") == {SHA: ("ok", None, None)}


def test_unreadable_files_go_to_errors(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        missing = _entry(
            sha="",
            status="error",
            error={"code": "not_found", "message": "x.pdf: no such file"},
            tables=[],
            claims=[],
            findings=[],
            rule_errors=[],
        )
        _write(s, missing, path="x.pdf")
        corrupt = _entry(
            sha="c" * 64,
            status="error",
            error={"code": "corrupt", "message": "y.pdf: damaged"},
            tables=[],
            claims=[],
            findings=[],
            rule_errors=[],
        )
        _write(s, corrupt, path="y.pdf")
        assert s.con.execute("SELECT path, sha256, code FROM errors ORDER BY path").fetchall() == [
            ("x.pdf", None, "not_found"),
            ("y.pdf", "c" * 64, "corrupt"),
        ]
        # A file that could be hashed is a document too (so a rerun skips it); a missing one is not.
        assert s.con.execute("SELECT sha256, status, error_code FROM documents").fetchall() == [
            ("c" * 64, "error", "corrupt")
        ]
        # Reading the path again and succeeding clears its old error.
        _write(s, _entry(), path="x.pdf")
        assert s.con.execute("SELECT path FROM errors").fetchall() == [("y.pdf",)]


def test_snapshot_leaves_out_clock_columns(tmp_path):
    with Store(tmp_path / "a.duckdb") as a, Store(tmp_path / "b.duckdb") as b:
        _write(a, _entry())
        _write(b, _entry())
        b.con.execute("UPDATE documents SET seconds = 99, reviewed_at = TIMESTAMP '2000-01-01'")
        assert a.snapshot() == b.snapshot()
        b.con.execute("UPDATE claims SET value = 1")
        assert a.snapshot() != b.snapshot()


def test_refuses_newer_schema_and_foreign_databases(tmp_path):
    p = tmp_path / "s.duckdb"
    Store(p).close()
    con = duckdb.connect(str(p))
    con.execute("INSERT INTO schema_version VALUES (?, 'x', NULL)", [SCHEMA_VERSION + 1])
    con.close()
    with pytest.raises(StoreError, match="newer"):
        Store(p)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a crossfoot store"):
        Store(other)
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "none.duckdb", read_only=True)
    notdb = tmp_path / "notes.txt"
    notdb.write_text("hello " * 1000)
    with pytest.raises(StoreError):
        Store(notdb)
