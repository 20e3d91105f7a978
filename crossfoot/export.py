"""``crossfoot export``: a review store out to Parquet, CSV or Excel files, one per table.

Every file name is fixed here (``documents.parquet``, ``claims.csv``, …): nothing read from
the store or the documents chooses where a file goes.  Rows stream from DuckDB to the file,
so an export of a large store needs little memory.

CSV is UTF-8 with a byte-order mark (so that Excel shows Chinese correctly) and keeps every
value as stored.  In Excel files every text cell is written as text, never as a formula.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crossfoot.store import Store

log = logging.getLogger("crossfoot")

FORMATS = ("parquet", "csv", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # an Excel sheet holds 1,048,576 rows, one of them the header

# What is exported: name → query.  Claims and findings carry their document's path, department
# and year so that each file reads on its own; findings carry their evidence as one line too.
EXPORTS: dict[str, str] = {
    "documents": """
        SELECT sha256, path, status, error_code, error_message, department, year, kind, unit, pages, size,
               n_tables, n_claims, n_findings, n_error_findings, n_warning_findings, n_info_findings,
               n_rule_errors, rules_version, crossfoot_version, reviewed_at
        FROM documents ORDER BY department NULLS LAST, year, kind, path""",
    "claims": """
        SELECT c.sha256, d.path, d.department, d.year, d.kind AS document_kind, c.claim_id, c.kind, c.metric,
               c.label, c.value, c.unit, c.yuan, c.period, c.scope, c.base, c.direction, c.page,
               c.start_char, c.end_char, c.text, c.explanation, c.status, c.reason, c.tied_by, c.target_table,
               c.target_row, c.target_column, c.target_value, c.target_page, c.target_unit,
               array_to_string(c.finding_ids, ', ') AS finding_ids
        FROM claims c JOIN documents d USING (sha256)
        ORDER BY d.path, c.page, c.start_char, c.claim_id""",
    "findings": """
        SELECT f.sha256, d.path, d.department, d.year, d.kind AS document_kind, f.finding_id, f.rule, f.name,
               f.severity, f.message, f.message_en, f.expected, f.observed, f.difference, f.tolerance, f.page,
               (SELECT string_agg(concat('p.', coalesce(e.page::VARCHAR, '?'), ' ',
                                         coalesce(e.table_id || ' ', ''), coalesce(e.row_label || ' ', ''),
                                         coalesce(e.column_label || ' ', ''), '「', e.text, '」'),
                                  ' | ' ORDER BY e.seq)
                FROM evidence e WHERE e.sha256 = f.sha256 AND e.finding_id = f.finding_id) AS evidence,
               f.prior_sha256, o.path AS prior_path
        FROM findings f JOIN documents d USING (sha256) LEFT JOIN documents o ON o.sha256 = f.prior_sha256
        ORDER BY d.path, f.finding_id""",
    "evidence": """
        SELECT e.sha256, d.path, e.finding_id, e.seq, e.source, e.page, e.text, e.value, e.table_id,
               e.row_label, e.column_label, e.start_char, e.end_char, e.bbox, e.document_sha256
        FROM evidence e JOIN documents d USING (sha256)
        ORDER BY d.path, e.finding_id, e.seq""",
    "errors": "SELECT path, sha256, code, message, rules_version, seen_at FROM errors ORDER BY path",
}


def _sql_string(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def export_store(store: str | Path, out: Path, fmt: str) -> list[tuple[Path, int]]:
    """Write every export of ``store`` into the folder ``out``; return (file, rows) for each."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, int]] = []
    with Store(store, read_only=True) as db:
        for name, query in EXPORTS.items():
            target = out / f"{name}.{fmt}"
            n = int(db.con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0])
            if fmt == "parquet":
                db.con.execute(
                    f"COPY ({query}) TO {_sql_string(str(target))} (FORMAT parquet, COMPRESSION zstd)"
                )
            elif fmt == "csv":
                _write_csv(db, query, target)
            else:
                _write_xlsx(db, name, query, target)
            written.append((target, n))
            log.info("wrote %s (%d rows)", target, n)
    return written


def document_findings(store: str | Path, sha256: str, fmt: str) -> bytes:
    """One document's rows of the findings export, as the bytes of a ``csv`` or ``xlsx`` file
    (the app's per-document download; the same columns as ``crossfoot export``)."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"format must be csv or xlsx, not {fmt!r}")
    query = f"SELECT * FROM ({EXPORTS['findings']}) WHERE sha256 = {_sql_string(sha256)}"
    with tempfile.TemporaryDirectory() as tmp, Store(store, read_only=True) as db:
        target = Path(tmp) / f"findings.{fmt}"
        if fmt == "csv":
            _write_csv(db, query, target)
        else:
            _write_xlsx(db, "findings", query, target)
        return target.read_bytes()


def _write_csv(db: Store, query: str, target: Path) -> None:
    # DuckDB writes the CSV (fast, streaming); the byte-order mark goes in front of it.
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        part = Path(tmp) / "part.csv"
        db.con.execute(f"COPY ({query}) TO {_sql_string(str(part))} (FORMAT csv, HEADER true)")
        with open(target, "wb") as dst, open(part, "rb") as src:
            dst.write(b"\xef\xbb\xbf")
            shutil.copyfileobj(src, dst, 1 << 20)


def _rows(db: Store, query: str, size: int = 10_000) -> Iterator[tuple[list[str], list[tuple]]]:
    cur = db.con.execute(query)
    names = [d[0] for d in cur.description]
    while True:
        rows = cur.fetchmany(size)
        if not rows:
            return
        yield names, rows


def _xlsx_value(v: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(v, (list, tuple)):
        return ", ".join("" if x is None else str(x) for x in v)
    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("", v)
    return v


def _write_xlsx(db: Store, name: str, query: str, target: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = None
    sheet_rows = 0
    sheets = 0
    names = [d[0] for d in db.con.execute(f"SELECT * FROM ({query}) LIMIT 0").description]

    def new_sheet() -> Any:
        nonlocal sheets, sheet_rows
        sheets += 1
        s = wb.create_sheet(name if sheets == 1 else f"{name} ({sheets})")
        s.append(names)
        sheet_rows = 0
        return s

    ws = new_sheet()
    for _, rows in _rows(db, query):
        for row in rows:
            if sheet_rows >= XLSX_MAX_ROWS:
                ws = new_sheet()
            cells = []
            for v in row:
                c = WriteOnlyCell(ws, value=_xlsx_value(v))
                if isinstance(c.value, str):
                    c.data_type = "s"  # text is text: a value starting with '=' must not become a formula
                cells.append(c)
            ws.append(cells)
            sheet_rows += 1
    wb.save(target)
