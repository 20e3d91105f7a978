"""``crossfoot export`` and ``crossfoot report`` on a small store written directly."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crossfoot.cli import main
from crossfoot.export import export_store
from crossfoot.report import write_report
from crossfoot.store import Batch, Store

HOSTILE = '=HYPERLINK("http://x","y")<script>alert(1)</script>'


def _entry(sha: str, dept: str, severity: str = "error", text: str = "支出总计100万元") -> dict:
    return {
        "path": f"{dept}.pdf",
        "sha256": sha,
        "status": "ok",
        "error": None,
        "meta": {"department": dept, "year": 2024, "kind": "final_account", "unit": "万元", "pages": 3},
        "tables": [],
        "claims": [
            {
                "id": "c1",
                "kind": "amount",
                "metric": "expenditure_total",
                "label": "支出总计",
                "value": 100,
                "unit": "万元",
                "yuan": 1e6,
                "period": "current",
                "scope": None,
                "base": None,
                "direction": None,
                "page": 1,
                "start": 0,
                "end": 8,
                "text": text,
                "explanation": "x",
            }
        ],
        "findings": [
            {
                "id": "f1",
                "rule": "CF104",
                "name": "summary_balance",
                "severity": severity,
                "message": f"收支不平 {text}",
                "message_en": "does not balance",
                "expected": 100.0,
                "observed": 40.0,
                "difference": -60.0,
                "tolerance": 0.05,
                "evidence": [
                    {
                        "source": "prose",
                        "page": 1,
                        "text": text,
                        "value": 100.0,
                        "table": None,
                        "row": None,
                        "column": None,
                        "start": 0,
                        "end": 8,
                        "bbox": None,
                    }
                ],
            }
        ],
        "rule_errors": [],
    }


@pytest.fixture()
def store(tmp_path) -> Path:
    p = tmp_path / "s.duckdb"
    with Store(p) as s:
        b = Batch()
        b.add_document(_entry("a" * 64, "上海市财政局"), "in/a.pdf", None, 10, "1", "0.1.0", 0.1)
        b.add_document(
            _entry("b" * 64, "江苏省法院", "warning", HOSTILE), "in/b.pdf", None, 10, "1", "0.1.0", 0.1
        )
        b.add_document(
            {
                "path": "in/c.pdf",
                "sha256": "",
                "status": "error",
                "error": {"code": "not_found", "message": "in/c.pdf: no such file"},
                "meta": {},
                "tables": [],
                "claims": [],
                "findings": [],
            },
            "in/c.pdf",
            None,
            None,
            "1",
            "0.1.0",
            0.0,
        )
        s.write(b)
    return p


def test_parquet_export_has_documents_claims_findings(store, tmp_path):
    out = tmp_path / "out"
    written = {p.name: n for p, n in export_store(store, out, "parquet")}
    assert written == {
        "documents.parquet": 2,
        "claims.parquet": 2,
        "findings.parquet": 2,
        "evidence.parquet": 2,
        "errors.parquet": 1,
    }
    f = pq.read_table(out / "findings.parquet").to_pylist()
    assert [(r["department"], r["rule"], r["severity"], r["difference"]) for r in f] == [
        ("上海市财政局", "CF104", "error", -60.0),
        ("江苏省法院", "CF104", "warning", -60.0),
    ]
    assert f[0]["evidence"] == "p.1 「支出总计100万元」"


def test_csv_export_is_utf8_with_bom_and_keeps_values(store, tmp_path):
    export_store(store, tmp_path, "csv")
    raw = (tmp_path / "claims.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["department"], r["text"]) for r in rows] == [
        ("上海市财政局", "支出总计100万元"),
        ("江苏省法院", HOSTILE),
    ]


def test_xlsx_text_never_becomes_a_formula(store, tmp_path):
    from openpyxl import load_workbook

    export_store(store, tmp_path, "xlsx")
    ws = load_workbook(tmp_path / "claims.xlsx").active
    texts = [c for c in ws["T"][1:]]  # column T: text
    assert ws["T1"].value == "text"
    assert [c.value for c in texts] == ["支出总计100万元", HOSTILE]
    assert all(c.data_type == "s" for c in texts)


def test_report_is_self_contained_and_escaped(store, tmp_path):
    html = write_report(store, tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "上海市财政局" in html and "江苏省法院" in html and "CF104" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<link" not in html and "src=" not in html
    assert html.count("<svg") >= 2
    assert "审查报告" in html and "Review report" in html
    assert "not_found" in html and "in/c.pdf" in html
    # The error finding comes before the warning among the worst findings.
    assert html.index("收支不平 支出总计100万元") < html.index("收支不平 =HYPERLINK")


def test_cli_export_and_report(store, tmp_path, capsys):
    assert main(["export", "--store", str(store), "--to", str(tmp_path / "x"), "--format", "csv"]) == 0
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == [
        "claims.csv",
        "documents.csv",
        "errors.csv",
        "evidence.csv",
        "findings.csv",
    ]
    assert main(["report", "--store", str(store), "--html", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").stat().st_size > 1000
    assert main(["export", "--store", str(tmp_path / "missing.duckdb"), "--to", str(tmp_path / "y")]) == 2
    assert "no such store" in capsys.readouterr().err
