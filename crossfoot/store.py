"""The review store: an embedded DuckDB database of documents, tables, claims, findings and errors.

Only one process writes to a store (the ``crossfoot review`` parent); workers hand it the
plain ``check_document`` entries.  Every batch of documents is one transaction, so a crash,
a kill or Ctrl-C loses only the documents not yet written, and a rerun carries on.

A batch that cannot be written (over the store's memory limit, a value DuckDB refuses) is written
again in halves, document by document if need be; a document that cannot be written alone is
stored as an error record instead (``too_complex``: its results are too large to store), and only
when even that fails (disk full, a broken store) does writing stop, with a ``StoreError``.

Documents are keyed by the sha256 of their bytes.  The same content under two paths is
one document: ``documents.path`` is the path it was first reviewed under (in walk order),
and ``paths`` maps every path seen to its content.  The schema is documented column by
column in ``docs/store.md``; ``SCHEMA_VERSION`` is bumped whenever it changes.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

log = logging.getLogger("crossfoot")

SCHEMA_VERSION = 4

# The document sets of the store (crossfoot/sets.py), rewritten by each review: in SCHEMA_SQL, and added
# to a version-2 store by its migration.
_DOCUMENT_SETS_SQL = '''
CREATE TABLE IF NOT EXISTS document_sets (
    set_id            VARCHAR NOT NULL,
    sha256            VARCHAR NOT NULL,
    path              VARCHAR,
    role              VARCHAR,
    department        VARCHAR,
    year              INTEGER,
    kind              VARCHAR,
    form              VARCHAR
);
'''

# Per document, the document as read and its claims (crossfoot/docdata.py), and the pairs of
# reports the document-set rules (CF9xx) compared: in SCHEMA_SQL, and added to a version-3 store.
_SET_RULES_SQL = '''
CREATE TABLE IF NOT EXISTS document_data (
    sha256            VARCHAR NOT NULL,
    format            INTEGER,
    data              BLOB
);
CREATE TABLE IF NOT EXISTS set_checks (
    sha256            VARCHAR NOT NULL,
    set_id            VARCHAR,
    relation          VARCHAR NOT NULL,
    prior_set_id      VARCHAR,
    prior_sha256      VARCHAR,
    prior_path        VARCHAR,
    compared          INTEGER,
    n_findings        INTEGER,
    rules_version     VARCHAR
);
'''

# What each older version lacks, as the statements that bring it to the next version (run in one
# transaction when a store of that version is opened; docs/store.md, "Versions").
MIGRATIONS: dict[int, str] = {
    # 1 -> 2: each claim's status once the rules ran (rules/status.py); claims stored by version 1
    # keep NULL there until their document is checked again (`crossfoot review --rescan`)
    1: """
ALTER TABLE claims ADD COLUMN status VARCHAR;
ALTER TABLE claims ADD COLUMN reason VARCHAR;
ALTER TABLE claims ADD COLUMN tied_by VARCHAR;
ALTER TABLE claims ADD COLUMN target_table VARCHAR;
ALTER TABLE claims ADD COLUMN target_row VARCHAR;
ALTER TABLE claims ADD COLUMN target_column VARCHAR;
ALTER TABLE claims ADD COLUMN target_value DOUBLE;
ALTER TABLE claims ADD COLUMN target_page INTEGER;
ALTER TABLE claims ADD COLUMN target_unit VARCHAR;
ALTER TABLE claims ADD COLUMN finding_ids VARCHAR[];
""",
    # 2 -> 3: document sets (crossfoot/sets.py): a report split over two files is checked as one,
    # its text's rows name the tables file (sibling_sha256) and each piece of evidence its file
    2: """
ALTER TABLE documents ADD COLUMN set_id VARCHAR;
ALTER TABLE documents ADD COLUMN sibling_sha256 VARCHAR;
ALTER TABLE evidence ADD COLUMN document_sha256 VARCHAR;
""" + _DOCUMENT_SETS_SQL,
    # 3 -> 4: the document-set rules (CF9xx) in review: their findings and rule errors name the
    # other report (prior_sha256), each pair compared is a row of set_checks, and each document's
    # reading is kept (document_data) so that the pairs are read without reading the files again.
    # A version-3 store's documents have no data: their files are read again when paired.
    3: """
ALTER TABLE findings ADD COLUMN prior_sha256 VARCHAR;
ALTER TABLE rule_errors ADD COLUMN prior_sha256 VARCHAR;
""" + _SET_RULES_SQL,
}

# Child tables carry no primary key: DuckDB keeps an index per key, which costs on every insert,
# and they are only ever replaced whole per document (deleted by sha256, then inserted).
SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS schema_version (
    version           INTEGER NOT NULL,
    crossfoot_version VARCHAR,
    created_at        TIMESTAMP
);
CREATE TABLE IF NOT EXISTS documents (
    sha256            VARCHAR PRIMARY KEY,
    path              VARCHAR NOT NULL,
    status            VARCHAR NOT NULL,
    error_code        VARCHAR,
    error_message     VARCHAR,
    department        VARCHAR,
    year              INTEGER,
    kind              VARCHAR,
    unit              VARCHAR,
    pages             INTEGER NOT NULL,
    size              BIGINT,
    n_tables          INTEGER NOT NULL,
    n_claims          INTEGER NOT NULL,
    n_findings        INTEGER NOT NULL,
    n_error_findings  INTEGER NOT NULL,
    n_warning_findings INTEGER NOT NULL,
    n_info_findings   INTEGER NOT NULL,
    n_rule_errors     INTEGER NOT NULL,
    notes             VARCHAR[],
    rules_version     VARCHAR NOT NULL,
    crossfoot_version VARCHAR NOT NULL,
    seconds           DOUBLE,
    reviewed_at       TIMESTAMP,
    set_id            VARCHAR,
    sibling_sha256    VARCHAR
);
CREATE TABLE IF NOT EXISTS paths (
    path              VARCHAR PRIMARY KEY,
    sha256            VARCHAR,
    seen_at           TIMESTAMP
);
CREATE TABLE IF NOT EXISTS tables (
    sha256            VARCHAR NOT NULL,
    table_id          VARCHAR NOT NULL,
    kind              VARCHAR,
    number            VARCHAR,
    title             VARCHAR,
    unit              VARCHAR,
    pages             INTEGER[],
    n_rows            INTEGER
);
CREATE TABLE IF NOT EXISTS claims (
    sha256            VARCHAR NOT NULL,
    claim_id          VARCHAR NOT NULL,
    kind              VARCHAR,
    metric            VARCHAR,
    label             VARCHAR,
    value             DOUBLE,
    unit              VARCHAR,
    yuan              DOUBLE,
    period            VARCHAR,
    scope             VARCHAR,
    base              VARCHAR,
    direction         VARCHAR,
    page              INTEGER,
    start_char        INTEGER,
    end_char          INTEGER,
    text              VARCHAR,
    explanation       VARCHAR,
    status            VARCHAR,
    reason            VARCHAR,
    tied_by           VARCHAR,
    target_table      VARCHAR,
    target_row        VARCHAR,
    target_column     VARCHAR,
    target_value      DOUBLE,
    target_page       INTEGER,
    target_unit       VARCHAR,
    finding_ids       VARCHAR[]
);
CREATE TABLE IF NOT EXISTS findings (
    sha256            VARCHAR NOT NULL,
    finding_id        VARCHAR NOT NULL,
    rule              VARCHAR NOT NULL,
    name              VARCHAR,
    severity          VARCHAR NOT NULL,
    message           VARCHAR,
    message_en        VARCHAR,
    expected          DOUBLE,
    observed          DOUBLE,
    difference        DOUBLE,
    tolerance         DOUBLE,
    page              INTEGER,
    n_evidence        INTEGER NOT NULL,
    prior_sha256      VARCHAR
);
CREATE TABLE IF NOT EXISTS evidence (
    sha256            VARCHAR NOT NULL,
    finding_id        VARCHAR NOT NULL,
    seq               INTEGER NOT NULL,
    source            VARCHAR,
    page              INTEGER,
    text              VARCHAR,
    value             DOUBLE,
    table_id          VARCHAR,
    row_label         VARCHAR,
    column_label      VARCHAR,
    start_char        INTEGER,
    end_char          INTEGER,
    bbox              DOUBLE[],
    document_sha256   VARCHAR
);
CREATE TABLE IF NOT EXISTS rule_errors (
    sha256            VARCHAR NOT NULL,
    rule              VARCHAR NOT NULL,
    message           VARCHAR,
    prior_sha256      VARCHAR
);
""" + _DOCUMENT_SETS_SQL + _SET_RULES_SQL + """CREATE TABLE IF NOT EXISTS errors (
    path              VARCHAR PRIMARY KEY,
    sha256            VARCHAR,
    code              VARCHAR NOT NULL,
    message           VARCHAR NOT NULL,
    rules_version     VARCHAR,
    seen_at           TIMESTAMP
);
"""

# Column order of each table, as inserted (must match SCHEMA_SQL).
COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": (
        "sha256",
        "path",
        "status",
        "error_code",
        "error_message",
        "department",
        "year",
        "kind",
        "unit",
        "pages",
        "size",
        "n_tables",
        "n_claims",
        "n_findings",
        "n_error_findings",
        "n_warning_findings",
        "n_info_findings",
        "n_rule_errors",
        "notes",
        "rules_version",
        "crossfoot_version",
        "seconds",
        "reviewed_at",
        "set_id",
        "sibling_sha256",
    ),
    "tables": ("sha256", "table_id", "kind", "number", "title", "unit", "pages", "n_rows"),
    "claims": (
        "sha256",
        "claim_id",
        "kind",
        "metric",
        "label",
        "value",
        "unit",
        "yuan",
        "period",
        "scope",
        "base",
        "direction",
        "page",
        "start_char",
        "end_char",
        "text",
        "explanation",
        "status",
        "reason",
        "tied_by",
        "target_table",
        "target_row",
        "target_column",
        "target_value",
        "target_page",
        "target_unit",
        "finding_ids",
    ),
    "findings": (
        "sha256",
        "finding_id",
        "rule",
        "name",
        "severity",
        "message",
        "message_en",
        "expected",
        "observed",
        "difference",
        "tolerance",
        "page",
        "n_evidence",
        "prior_sha256",
    ),
    "evidence": (
        "sha256",
        "finding_id",
        "seq",
        "source",
        "page",
        "text",
        "value",
        "table_id",
        "row_label",
        "column_label",
        "start_char",
        "end_char",
        "bbox",
        "document_sha256",
    ),
    "rule_errors": ("sha256", "rule", "message", "prior_sha256"),
    "errors": ("path", "sha256", "code", "message", "rules_version", "seen_at"),
    "paths": ("path", "sha256", "seen_at"),
    "document_sets": ("set_id", "sha256", "path", "role", "department", "year", "kind", "form"),
    "document_data": ("sha256", "format", "data"),
    "set_checks": ("sha256", "set_id", "relation", "prior_set_id", "prior_sha256", "prior_path", "compared",
                   "n_findings", "rules_version"),
}
# Tables that hang off a document and are replaced with it.  (``document_data`` is replaced only by
# an entry that brings its own: a split report's text checked again with its tables keeps it.)
CHILD_TABLES = ("tables", "claims", "findings", "evidence", "rule_errors", "set_checks")
# The rows of the document-set rules, replaced per report by the set phase of a review.
SET_TABLES = ("findings", "evidence", "rule_errors", "set_checks")
# Columns that differ from run to run by nature (clock times); left out when two stores are compared.
VOLATILE_COLUMNS = {"seconds", "reviewed_at", "seen_at", "created_at"}

DEFAULT_STORE = "crossfoot.duckdb"


class StoreError(Exception):
    """The store cannot be opened or used (locked by another run, newer schema, not a DuckDB file,
    a disk full)."""


@dataclass(frozen=True)
class Rejected:
    """A document whose results could not be stored: it was stored as an error record instead."""

    path: str
    sha256: str | None
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "code": self.code, "message": self.message}


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(tzinfo=None)


def _coerce(v: Any, cast: Callable[[Any], Any]) -> Any:
    """``cast(v)``, or None for None, booleans and values that do not convert."""
    if v is None or isinstance(v, bool):
        return None
    try:
        return cast(v)
    except (TypeError, ValueError):
        return None


def _float(v: Any) -> float | None:
    return _coerce(v, float)


def _int(v: Any) -> int | None:
    return _coerce(v, int)


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


@dataclass
class Batch:
    """Rows waiting to be written in one transaction, as tuples in each table's column order
    (turned into columns only when written: transposing is one C call, appending a row is one)."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    replaced: list[str] = field(default_factory=list)  # sha256 whose stored rows are replaced
    data_replaced: list[str] = field(default_factory=list)  # sha256 whose document_data is replaced
    set_replaced: list[str] = field(default_factory=list)  # sha256 whose document-set rows are replaced
    n_documents: int = 0
    # What the rows take once written (UTF-8 text, 8 bytes a number): batches are sized by it.
    n_bytes: int = 0

    def __len__(self) -> int:
        return self.n_documents + len(self.rows["paths"]) + len(self.set_replaced)

    @property
    def columns(self) -> dict[str, dict[str, list[Any]]]:
        """The rows column by column: {table: {column: values}}."""
        out = {}
        for table, rows in self.rows.items():
            values = list(zip(*rows)) if rows else [()] * len(COLUMNS[table])
            out[table] = {name: list(v) for name, v in zip(COLUMNS[table], values)}
        return out

    def _add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows[table].append(row)
        self.n_bytes += _row_bytes(row)

    def split(self) -> list[Batch]:
        """One batch per document (its rows, with every path and error of its content) in the order
        queued, then one per path that is not a document of this batch."""
        parts: dict[Any, Batch] = {}
        for table, rows in self.rows.items():
            for row in rows:
                key = _unit_key(table, row)
                part = parts.get(key)
                if part is None:
                    part = parts[key] = Batch()
                part._add(table, row)
        for sha in self.set_replaced:  # (a report whose pairs are gone has no rows, only the deletion)
            parts.setdefault(sha, Batch())
        for key, part in parts.items():
            part.replaced = [r[0] for r in part.rows["documents"]]
            part.n_documents = len(part.replaced)
            part.data_replaced = [r[0] for r in part.rows["document_data"]]
            part.set_replaced = [key] if key in self.set_replaced else []
        return list(parts.values())

    @classmethod
    def joined(cls, parts: Iterable[Batch]) -> Batch:
        out = cls()
        for part in parts:
            for table, rows in part.rows.items():
                out.rows[table].extend(rows)
            out.replaced.extend(part.replaced)
            out.data_replaced.extend(part.data_replaced)
            out.set_replaced.extend(part.set_replaced)
            out.n_documents += part.n_documents
            out.n_bytes += part.n_bytes
        return out

    @property
    def path(self) -> str:
        """The path this (one-document) batch is named by: its document's, else its first path's."""
        for table in ("documents", "paths", "errors"):
            rows = self.rows[table]
            if rows:
                return str(rows[0][1] if table == "documents" else rows[0][0])
        return "?"

    def as_error(self, code: str, message: str) -> Batch:
        """This (one-document) batch as an error record: its document with ``status = 'error'``, no
        child rows and none of its numbers (one may be what could not be stored), and an ``errors``
        row for each of its paths."""
        out = Batch()
        names = COLUMNS["documents"]
        rules_version = None
        for row in self.rows["documents"]:
            d = dict(zip(names, row))
            rules_version = d["rules_version"]
            year = d.get("year")
            d.update(status="error", error_code=code, error_message=message, pages=0, notes=None,
                     year=year if isinstance(year, int) and 0 < year < 10_000 else None)
            for n in names:
                if n.startswith("n_"):
                    d[n] = 0
            out._add("documents", tuple(d[n] for n in names))
            out.replaced.append(d["sha256"])
            out.n_documents += 1
        if rules_version is None and self.rows["errors"]:
            rules_version = self.rows["errors"][0][4]
        for path, sha, *_ in self.rows["paths"]:
            out.add_path(path, sha)
            out.add_error(path, sha, code, message, rules_version or "")
        return out

    def add_path(self, path: str, sha256: str | None) -> None:
        self._add("paths", (escape_surrogates(path), sha256, _now()))

    def add_error(self, path: str, sha256: str | None, code: str, message: str, rules_version: str) -> None:
        self._add("errors", (escape_surrogates(path), sha256 or None, code, escape_surrogates(message),
                             rules_version, _now()))

    def add_document(
        self,
        entry: dict[str, Any],
        path: str,
        sha256: str | None,
        size: int | None,
        rules_version: str,
        crossfoot_version: str,
        seconds: float | None,
    ) -> None:
        """Queue one ``check_document`` entry reviewed from ``path``.

        An entry without a content hash (the file was missing, not a regular file, too large to
        hash) goes to ``errors`` only; every other entry is a document, read or not.
        """
        sha = entry.get("sha256") or sha256
        err = entry.get("error")
        # a file name that is not UTF-8 (os.fsdecode's surrogates) is kept as its \udcXX escapes:
        # DuckDB and Arrow take only valid UTF-8 (the name is in the path, the error and the notes)
        path = escape_surrogates(path)
        if err:
            self.add_error(
                path, sha, err.get("code", "internal_error"), err.get("message", ""), rules_version
            )
        self.add_path(path, sha or None)
        if not sha or not entry.get("sha256"):
            return
        self.n_documents += 1
        self.replaced.append(sha)
        meta = entry.get("meta") or {}
        findings = entry.get("findings") or []
        sev = [f.get("severity") for f in findings]
        self._add(
            "documents",
            (
                sha,
                path,
                entry.get("status") or ("error" if err else "ok"),
                err.get("code") if err else None,
                escape_surrogates(err.get("message")) if err else None,
                _str(meta.get("department")),
                _int(meta.get("year")),
                _str(meta.get("kind")),
                _str(meta.get("unit")),
                _int(meta.get("pages")) or 0,
                size,
                len(entry.get("tables") or []),
                len(entry.get("claims") or []),
                len(findings),
                sev.count("error"),
                sev.count("warning"),
                sev.count("info"),
                len(entry.get("rule_errors") or []),
                [escape_surrogates(str(n)) for n in entry.get("notes") or []],
                rules_version,
                crossfoot_version,
                seconds,
                _now(),
                _str(entry.get("set_id")),
                _str((entry.get("sibling") or {}).get("sha256")),
            ),
        )
        for t in entry.get("tables") or []:
            self._add(
                "tables",
                (
                    sha,
                    str(t.get("id")),
                    t.get("kind"),
                    _str(t.get("number")),
                    t.get("title"),
                    _str(t.get("unit")),
                    [int(p) for p in t.get("pages") or []],
                    _int(t.get("n_rows")),
                ),
            )
        for c in entry.get("claims") or []:
            tg = c.get("target") or {}
            self._add(
                "claims",
                (
                    sha,
                    str(c.get("id")),
                    c.get("kind"),
                    _str(c.get("metric")),
                    _str(c.get("label")),
                    _float(c.get("value")),
                    _str(c.get("unit")),
                    _float(c.get("yuan")),
                    _str(c.get("period")),
                    _str(c.get("scope")),
                    _str(c.get("base")),
                    _str(c.get("direction")),
                    _int(c.get("page")),
                    _int(c.get("start")),
                    _int(c.get("end")),
                    _str(c.get("text")),
                    _str(c.get("explanation")),
                    _str(c.get("status")),
                    _str(c.get("reason")),
                    _str(c.get("tied_by")),
                    _str(tg.get("table")),
                    _str(tg.get("row")),
                    _str(tg.get("column")),
                    _float(tg.get("value")),
                    _int(tg.get("page")),
                    _str(tg.get("unit")),
                    [str(f) for f in c["findings"]] if c.get("findings") is not None else None,
                ),
            )
        self._add_findings(sha, findings, None)
        for r in entry.get("rule_errors") or []:
            self._add("rule_errors", (sha, str(r.get("rule")), _str(r.get("message")), None))
        data = entry.get("document_data")
        if data:
            from crossfoot.docdata import FORMAT

            self.data_replaced.append(sha)
            self._add("document_data", (sha, FORMAT, data))

    def add_set_results(self, sha256: str, set_id: str | None, findings: list[dict[str, Any]],
                        rule_errors: list[dict[str, Any]], checks: list[dict[str, Any]],
                        rules_version: str) -> None:
        """Queue the document-set rules' results of one stored report (crossfoot.pipeline.compare_pair
        of each of its pairs): they replace the set rows stored for it, and its counts of findings
        and rule errors are made again."""
        self.set_replaced.append(sha256)
        for f in findings:
            docs = f.get("documents") or []
            prior = _str(docs[1].get("sha256")) if len(docs) > 1 else None
            self._add_findings(sha256, [f], prior)
        for c in checks:
            self._add("set_checks", (sha256, set_id, str(c["relation"]), _str(c["prior"]), _str(c.get("prior_sha256")),
                                     escape_surrogates(_str(c.get("prior_path"))), _int(c.get("compared")),
                                     _int(c.get("findings")), rules_version))
        for r in rule_errors:
            self._add("rule_errors", (sha256, str(r.get("rule")), _str(r.get("message")), _str(r.get("prior_sha256"))))

    def _add_findings(self, sha: str, findings: list[dict[str, Any]], prior_sha256: str | None) -> None:
        for f in findings:
            ev = f.get("evidence") or []
            fid = str(f.get("id"))
            self._add(
                "findings",
                (
                    sha,
                    fid,
                    str(f.get("rule")),
                    _str(f.get("name")),
                    str(f.get("severity")),
                    _str(f.get("message")),
                    _str(f.get("message_en")),
                    _float(f.get("expected")),
                    _float(f.get("observed")),
                    _float(f.get("difference")),
                    _float(f.get("tolerance")),
                    _int(ev[0].get("page")) if ev else None,
                    len(ev),
                    prior_sha256,
                ),
            )
            for i, e in enumerate(ev):
                bbox = e.get("bbox")
                self._add(
                    "evidence",
                    (
                        sha,
                        fid,
                        i,
                        _str(e.get("source")),
                        _int(e.get("page")),
                        _str(e.get("text")),
                        _float(e.get("value")),
                        _str(e.get("table")),
                        _str(e.get("row")),
                        _str(e.get("column")),
                        _int(e.get("start")),
                        _int(e.get("end")),
                        [float(v) for v in bbox] if bbox else None,
                        _str((e.get("document") or {}).get("sha256")),
                    ),
                )


class Store:
    """A review store on disk.  Open it with ``Store(path)``; use it as a context manager."""

    def __init__(self, path: str | Path = DEFAULT_STORE, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run `crossfoot review` first)")
        try:
            # The writer shares the machine with the workers: one thread, and a bounded cache
            # (CROSSFOOT_STORE_MEMORY, default 512MB) so that memory stays flat however big the store.
            config = (
                {}
                if read_only
                else {"threads": 1, "memory_limit": os.environ.get("CROSSFOOT_STORE_MEMORY", "512MB")}
            )
            self.con = duckdb.connect(str(self.path), read_only=read_only, config=config)
        except duckdb.IOException as e:
            msg = str(e)
            if "lock" in msg.lower():
                raise StoreError(
                    f"{self.path}: the store is in use by another process ({msg.splitlines()[0]})"
                )
            raise StoreError(f"{self.path}: cannot open the store ({msg.splitlines()[0]})") from e
        except duckdb.Error as e:
            raise StoreError(f"{self.path}: not a crossfoot store ({str(e).splitlines()[0]})") from e
        self.memory_limit = self._memory_limit()
        self._check_schema()

    def _memory_limit(self) -> int:
        """DuckDB's memory limit as it set it (``CROSSFOOT_STORE_MEMORY``), in bytes."""
        from crossfoot.budget import parse_size

        try:
            row = self.con.execute("SELECT current_setting('memory_limit')").fetchone()
            return parse_size(str(row[0])) or 512 * 1000**2
        except Exception:  # an odd setting: the default's size
            log.debug("cannot read the store's memory limit", exc_info=True)
            return 512 * 1000**2

    @property
    def batch_bytes(self) -> int:
        """How many bytes of rows a batch should hold at most: a quarter of the memory limit (a
        transaction's rows stay in memory until it commits, next to the cache of what is stored)."""
        return self.memory_limit // 4

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None  # type: ignore[assignment]

    def _check_schema(self) -> None:
        have = {
            r[0]
            for r in self.con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        if "schema_version" in have:
            row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
            version = row[0] if row else None
            if version == SCHEMA_VERSION:
                return
            if version is not None and version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema version {version} is newer than this crossfoot's "
                    f"({SCHEMA_VERSION}); upgrade crossfoot"
                )
            if version is not None and all(v in MIGRATIONS for v in range(version, SCHEMA_VERSION)):
                self._migrate(version)
                return
            raise StoreError(
                f"{self.path}: store schema version {version} is older than {SCHEMA_VERSION}; "
                "review into a new store"
            )
        if have:
            raise StoreError(f"{self.path}: a DuckDB database but not a crossfoot store")
        if self.read_only:
            raise StoreError(f"{self.path}: an empty database, not a crossfoot store")
        from crossfoot import __version__

        self.con.execute("BEGIN")
        self.con.execute(SCHEMA_SQL)
        self.con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [SCHEMA_VERSION, __version__, _now()])
        self.con.execute("COMMIT")

    def _migrate(self, version: int) -> None:
        """Bring a store of an older schema version to this one, in one transaction (a store
        opened read-only is migrated through a short writing connection first)."""
        import duckdb

        if self.read_only:
            self.con.close()
            try:
                with Store(self.path):  # migrates, then closes
                    pass
            finally:
                self.con = duckdb.connect(str(self.path), read_only=True)
            return
        from crossfoot import __version__

        self.con.execute("BEGIN")
        try:
            for v in range(version, SCHEMA_VERSION):
                self.con.execute(MIGRATIONS[v])
                self.con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [v + 1, __version__, _now()])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        log.info("%s: store migrated from schema version %d to %d", self.path, version, SCHEMA_VERSION)

    # ------------------------------------------------------------------ reading

    def stored(
        self, sha256s: Iterable[str], rules_version: str
    ) -> dict[str, tuple[str, str | None, str | None]]:
        """Of these hashes, those stored with this rules version: sha256 → (status, error code, message)."""
        shas = sorted({s for s in sha256s if s})
        if not shas:
            return {}
        rows = self.con.execute(
            "SELECT sha256, status, error_code, error_message FROM documents "
            "WHERE rules_version = ? AND sha256 IN (SELECT unnest(?::VARCHAR[]))",
            [rules_version, shas],
        ).fetchall()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def count(self, table: str) -> int:
        if table not in COLUMNS:
            raise ValueError(f"unknown table {table!r}")
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every table's rows without the clock columns, sorted: two stores of the same review compare equal."""
        out: dict[str, list[tuple]] = {}
        for table, cols in COLUMNS.items():
            keep = [c for c in cols if c not in VOLATILE_COLUMNS]
            rows = self.con.execute(f"SELECT {', '.join(keep)} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
        return out

    # ------------------------------------------------------------------ writing

    def write_sets(self, sets: Iterable[Any]) -> None:
        """The document sets of the whole store (crossfoot.sets.group over every stored document),
        replacing those written before, in one transaction."""
        import duckdb

        rows = [(s.id, m.sha256, m.path, m.role, s.department, s.year, s.kind, s.form)
                for s in sets for m in s.members]
        con = self.con
        if self._sets_stored(rows):
            return  # a review that changed no set (a rerun) writes nothing
        con.execute("BEGIN")
        try:
            con.execute("DELETE FROM document_sets")
            if rows:
                # one statement for all rows (executemany binds and runs one per row: 0.17 ms each)
                _insert(con, "document_sets", dict(zip(COLUMNS["document_sets"], map(list, zip(*rows)))))
            con.execute("UPDATE documents SET set_id = NULL")
            if rows:
                con.execute("UPDATE documents SET set_id = document_sets.set_id FROM document_sets "
                            "WHERE documents.sha256 = document_sets.sha256")
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise

    def _sets_stored(self, rows: list[tuple[Any, ...]]) -> bool:
        """Whether the store holds exactly these document_sets rows, and every document the set_id
        they give it (none for a document in no set)."""
        stored = self.con.execute(f"SELECT {', '.join(COLUMNS['document_sets'])} FROM document_sets").fetchall()
        if len(stored) != len(rows) or set(stored) != set(rows):
            return False
        (stale,) = self.con.execute(
            "SELECT count(*) FROM documents LEFT JOIN document_sets USING (sha256) "
            "WHERE documents.set_id IS DISTINCT FROM document_sets.set_id").fetchone()
        return not stale

    def set_checks(self) -> dict[str, tuple[str | None, str | None, frozenset[tuple[str, str]]]]:
        """What the document-set rules compared, per report: sha256 → (its set, the rules version,
        the (relation, other report's set) pairs)."""
        out: dict[str, tuple[str | None, str | None, set[tuple[str, str]]]] = {}
        for sha, set_id, version, relation, prior in self.con.execute(
                "SELECT sha256, set_id, rules_version, relation, prior_set_id FROM set_checks").fetchall():
            out.setdefault(sha, (set_id, version, set()))[2].add((relation, prior))
        return {k: (a, b, frozenset(c)) for k, (a, b, c) in out.items()}

    def own_findings(self, sha256s: Iterable[str]) -> dict[str, int]:
        """How many findings of each of these documents are its own (not of a document-set rule)."""
        rows = self.con.execute(
            "SELECT sha256, count(*) FROM findings WHERE prior_sha256 IS NULL "
            "AND sha256 IN (SELECT unnest(?::VARCHAR[])) GROUP BY sha256", [sorted(set(sha256s))]).fetchall()
        return dict(rows)

    def document_data(self, sha256s: Iterable[str]) -> dict[str, bytes]:
        """The stored readings of these documents (crossfoot/docdata.py, of its current format)."""
        from crossfoot.docdata import FORMAT

        rows = self.con.execute(
            "SELECT sha256, data FROM document_data WHERE format = ? AND sha256 IN (SELECT unnest(?::VARCHAR[]))",
            [FORMAT, sorted(set(sha256s))]).fetchall()
        return {r[0]: bytes(r[1]) for r in rows}

    def set_members(self) -> list[dict[str, Any]]:
        """Every stored document that was read, as the entries crossfoot.sets.group takes (its
        department, year, kind, and whether it holds tables and claims), with the sibling its
        stored result was checked with."""
        rows = self.con.execute(
            "SELECT sha256, path, department, year, kind, n_tables, n_claims, sibling_sha256 FROM documents "
            "WHERE status = 'ok' ORDER BY path").fetchall()
        return [{"sha256": r[0], "path": r[1], "status": "ok", "meta": {"department": r[2], "year": r[3], "kind": r[4]},
                 "tables": [None] * (r[5] or 0), "claims": [None] * (r[6] or 0), "sibling_sha256": r[7]}
                for r in rows]

    def write(self, batch: Batch) -> list[Rejected]:
        """Write a batch; return the documents stored as error records because their results could not be.

        The batch is one transaction: all of it is stored, or (after a crash) none of it.  When that
        transaction fails it is written again in halves (each its own transaction), down to one
        document; a document that cannot be written alone — or is larger than the store's memory
        limit, and so is not even tried — is stored as an error record (``too_complex``).  Raises
        ``StoreError`` when even an error record cannot be written; everything written before stays.
        """
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        if not len(batch) and not batch.rows["errors"]:
            return []
        failed: BaseException | None = None
        if batch.n_bytes <= self.memory_limit:
            try:
                self._write_once(batch)
                return []
            except _write_errors() as e:
                log.warning("a batch of %d documents could not be written (%s); writing it in parts",
                            batch.n_documents, _first_line(e))
                failed = e
        return self._write_parts(batch.split(), failed)

    def _write_parts(self, parts: list[Batch], failed: BaseException | None) -> list[Rejected]:
        """Write the parts of a batch, in halves of halves; ``failed``: why all of them together failed."""
        if failed is not None and len(parts) == 1:
            return [self._reject(parts[0], failed)]
        rejected: list[Rejected] = []
        half = len(parts) // 2
        stack = [parts] if failed is None else [parts[half:], parts[:half]]
        while stack:
            group = stack.pop()
            error: BaseException | None = None
            if len(group) > 1 or group[0].n_bytes <= self.memory_limit:
                joined = group[0] if len(group) == 1 else Batch.joined(group)
                if joined.n_bytes <= self.memory_limit:
                    try:
                        self._write_once(joined)
                        continue
                    except _write_errors() as e:
                        error = e
                if len(group) > 1:
                    half = len(group) // 2
                    stack.append(group[half:])
                    stack.append(group[:half])  # popped first: the order queued
                    continue
            rejected.append(self._reject(group[0], error))
        return rejected

    def _reject(self, part: Batch, error: BaseException | None) -> Rejected:
        """Store one document that could not be written as an error record instead."""
        path = part.path
        size = f"{part.n_bytes / 1e6:,.0f} MB of results"
        limit = f"the store's memory limit is {self.memory_limit / 1e6:,.0f} MB, CROSSFOOT_STORE_MEMORY"
        if error is None or _memory_error(error):
            code = "too_complex"
            why = "" if error is None else f": {_first_line(error)}"
            message = f"{path}: its results are too large to store ({size}; {limit}){why}"
        else:
            code = "internal_error"
            message = f"{path}: its results could not be stored ({_first_line(error)})"
        log.warning("%s", message)
        try:
            self._write_once(part.as_error(code, message))
        except _write_errors() as e:
            raise StoreError(
                f"{self.path}: cannot write to the store ({_first_line(e)}); everything stored before "
                "is kept, and rerunning the review carries on from there"
            ) from e
        sha = part.rows["documents"][0][0] if part.rows["documents"] else None
        return Rejected(path, sha, code, message)

    def _write_once(self, batch: Batch) -> None:
        """Write a batch in one transaction: all of it is stored, or none of it."""
        import duckdb

        con = self.con
        con.execute("BEGIN")
        try:
            shas: list[str] = []
            if batch.replaced:
                # Only documents stored before have rows to replace: look them up by key (cheap)
                # rather than scanning every child table for each batch of new documents.
                shas = [
                    r[0]
                    for r in con.execute(
                        "SELECT sha256 FROM documents WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))",
                        [sorted(set(batch.replaced))],
                    ).fetchall()
                ]
                if shas:
                    for table in ("documents", *CHILD_TABLES):
                        con.execute(
                            f"DELETE FROM {table} WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [shas]
                        )
            old_data = sorted(set(batch.data_replaced) & set(shas))  # (a document's data is stored with it)
            if old_data:
                con.execute("DELETE FROM document_data WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [old_data])
            set_shas = sorted(set(batch.set_replaced))
            if set_shas:
                self._delete_set_rows(set_shas)
            paths = sorted({row[0] for row in batch.rows["paths"]})
            if paths:
                con.execute("DELETE FROM paths WHERE path IN (SELECT unnest(?::VARCHAR[]))", [paths])
                # A path that was read is re-judged: its old error (if any) goes, a new one is queued.
                con.execute("DELETE FROM errors WHERE path IN (SELECT unnest(?::VARCHAR[]))", [paths])
            for table, cols in batch.columns.items():
                n = len(cols[COLUMNS[table][0]])
                if not n:
                    continue
                if table in ("paths", "errors"):
                    cols = _last_per_key(cols, "path")
                _insert(con, table, cols)
            if set_shas:
                self._count_findings(set_shas)
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise

    def _delete_set_rows(self, shas: list[str]) -> None:
        """Delete the document-set rules' rows of these reports (in the caller's transaction)."""
        con = self.con
        con.execute("DELETE FROM evidence WHERE sha256 IN (SELECT unnest(?::VARCHAR[])) AND (sha256, finding_id) IN "
                    "(SELECT sha256, finding_id FROM findings WHERE prior_sha256 IS NOT NULL "
                    "AND sha256 IN (SELECT unnest(?::VARCHAR[])))", [shas, shas])
        for table in ("findings", "rule_errors"):
            con.execute(f"DELETE FROM {table} WHERE prior_sha256 IS NOT NULL "
                        "AND sha256 IN (SELECT unnest(?::VARCHAR[]))", [shas])
        con.execute("DELETE FROM set_checks WHERE sha256 IN (SELECT unnest(?::VARCHAR[]))", [shas])

    def _count_findings(self, shas: list[str]) -> None:
        """The counts of findings and rule errors of these documents made again from their rows."""
        self.con.execute(
            "UPDATE documents SET n_findings = c.n, n_error_findings = c.e, n_warning_findings = c.w, "
            "n_info_findings = c.i, n_rule_errors = c.r FROM ("
            " SELECT d.sha256,"
            " (SELECT count(*) FROM findings f WHERE f.sha256 = d.sha256) AS n,"
            " (SELECT count(*) FROM findings f WHERE f.sha256 = d.sha256 AND severity = 'error') AS e,"
            " (SELECT count(*) FROM findings f WHERE f.sha256 = d.sha256 AND severity = 'warning') AS w,"
            " (SELECT count(*) FROM findings f WHERE f.sha256 = d.sha256 AND severity = 'info') AS i,"
            " (SELECT count(*) FROM rule_errors r WHERE r.sha256 = d.sha256) AS r"
            " FROM documents d WHERE d.sha256 IN (SELECT unnest(?::VARCHAR[]))) c "
            "WHERE documents.sha256 = c.sha256", [shas])


def _insert(con: Any, table: str, cols: dict[str, list[Any]]) -> None:
    """Insert rows given column by column ({column: values}, every column of the table) in one
    statement: as an Arrow table the connection scans."""
    import duckdb
    import pyarrow as pa

    arrow = pa.table({c: pa.array(cols[c], type=_ARROW_TYPES.get((table, c))) for c in COLUMNS[table]})
    con.register("_crossfoot_batch", arrow)
    try:
        names = ", ".join(COLUMNS[table])
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _crossfoot_batch")
    finally:
        with contextlib.suppress(duckdb.Error):  # fails only once the transaction is aborted
            con.unregister("_crossfoot_batch")


@functools.cache
def _write_errors() -> tuple[type[BaseException], ...]:
    import duckdb
    import pyarrow as pa

    # DuckDB's errors (out of memory, a failed commit, a full disk), memory and what pyarrow
    # refuses to convert (a number out of range): all are the batch's fault, not the program's.
    return (duckdb.Error, MemoryError, pa.ArrowException, OverflowError)


def escape_surrogates(text: Any) -> Any:
    """A text with the lone surrogates of a name that is not UTF-8 as their ``\\udcXX`` escapes (a
    plain text, or anything else, as it is)."""
    if text.__class__ is not str or text.isascii():
        return text
    from crossfoot.output import escape_surrogates as escape

    return escape(text)


def _row_bytes(row: tuple[Any, ...]) -> int:
    """About what a row takes in DuckDB: 8 bytes a value, plus its text in UTF-8 (3 bytes a
    character outside ASCII: what Chinese takes).  ``str.isascii`` is a flag lookup, not a scan;
    about 2 µs a row."""
    n = 8 * len(row)
    for v in row:
        if v.__class__ is str:
            n += len(v) if v.isascii() else 3 * len(v)
        elif v.__class__ is bytes:
            n += len(v)
    return n


def _unit_key(table: str, row: tuple[Any, ...]) -> Any:
    """Which document a row belongs to: its content's hash; a path without one stands alone."""
    if table in ("paths", "errors"):
        return row[1] or ("path", row[0])
    return row[0]


def _memory_error(e: BaseException) -> bool:
    if isinstance(e, MemoryError):
        return True
    msg = str(e).lower()
    return "memory" in msg or "pin block" in msg


def _first_line(e: BaseException) -> str:
    s = (str(e).strip().splitlines() or [type(e).__name__])[0]
    return s if len(s) <= 200 else s[:197] + "..."


def _last_per_key(cols: dict[str, list[Any]], key: str) -> dict[str, list[Any]]:
    """Keep the last row for each key (a path listed twice in one run)."""
    keys = cols[key]
    if len(set(keys)) == len(keys):
        return cols
    last = {k: i for i, k in enumerate(keys)}
    idx = sorted(last.values())
    return {c: [v[i] for i in idx] for c, v in cols.items()}


def _arrow_types() -> dict[tuple[str, str], Any]:
    import pyarrow as pa

    types: dict[tuple[str, str], Any] = {}
    ints = {
        "year",
        "pages",
        "n_tables",
        "n_claims",
        "n_findings",
        "n_error_findings",
        "n_warning_findings",
        "n_info_findings",
        "n_rule_errors",
        "n_rows",
        "page",
        "start_char",
        "end_char",
        "seq",
        "n_evidence",
        "target_page",
        "format",
        "compared",
    }
    floats = {"value", "yuan", "expected", "observed", "difference", "tolerance", "seconds", "target_value"}
    for table, cols in COLUMNS.items():
        for c in cols:
            if (table, c) == ("tables", "pages"):
                types[(table, c)] = pa.list_(pa.int64())
            elif c == "data":
                types[(table, c)] = pa.binary()
            elif c == "bbox":
                types[(table, c)] = pa.list_(pa.float64())
            elif c in ("notes", "finding_ids"):
                types[(table, c)] = pa.list_(pa.string())
            elif c in ints or c == "size":
                types[(table, c)] = pa.int64()
            elif c in floats:
                types[(table, c)] = pa.float64()
            elif c in ("reviewed_at", "seen_at"):
                types[(table, c)] = pa.timestamp("us")
            else:
                types[(table, c)] = pa.string()
    return types


class _LazyTypes(dict):
    def get(
        self, key: Any, default: Any = None
    ) -> Any:  # built on first use: pyarrow is imported only to write
        if not self:
            self.update(_arrow_types())
        return super().get(key, default)


_ARROW_TYPES: dict[tuple[str, str], Any] = _LazyTypes()

