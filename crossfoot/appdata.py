"""What the Streamlit app shows, computed by plain functions the tests call too.

``app.py`` only lays out widgets.  Everything here reads a review store, a document or the
``crossfoot check`` entry and returns data frames, strings, bytes or small dicts:

* uploads: checked, saved under a name made from their content hash, and written to the store;
* the corpus store: a folder (the bundled sample) reviewed once into a cached store;
* the document view: findings, claims with their status, a table with its cells marked, a page
  rendered with the evidence boxes drawn, the arithmetic of a finding in words;
* the corpus view: anomaly scores and reasons (``models``), findings per department, Benford;
* downloads: annotated PDF, findings CSV/Excel (``crossfoot.export``), JSON, HTML (``crossfoot.report``).
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import logging
import math
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from crossfoot.store import Batch, Rejected, Store, StoreError
from extraction.files import SUPPORTED_SUFFIXES

log = logging.getLogger("crossfoot")

MAX_UPLOAD_MB = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
# what the readers read (extraction/files.py), but .doc: its record would only say to convert it
UPLOAD_SUFFIXES = tuple(sorted(SUPPORTED_SUFFIXES - {".doc"}))
SEVERITIES = ("error", "warning", "info")
STATUSES = ("tied", "contradicted", "unverifiable")
LANGS = ("zh", "en")

# --------------------------------------------------------------------------- words

STRINGS: dict[str, tuple[str, str]] = {
    "title": ("crossfoot · 部门决算/预算数字核对", "crossfoot · checking the figures of departmental accounts"),
    "language": ("语言 Language", "语言 Language"),
    "view": ("视图", "View"),
    "view_upload": ("上传报告", "Upload"),
    "view_document": ("文件核对结果", "Document"),
    "view_claims": ("文中数字", "Claims"),
    "view_corpus": ("语料排名", "Corpus"),
    "view_department": ("部门历年报告", "Department"),
    "department_pick": ("部门", "Department"),
    "department_help": ("同一部门各年度、预算与决算的报告并列；拆成正文与表格两个文件的报告合并核对。",
                        "One department's reports side by side, year by year, budget and final account; a report "
                        "published as a text file and a tables file is checked as one."),
    "department_reports": ("历年报告", "Reports over the years"),
    "department_cross": ("跨文件的问题（证据分别在两个文件中）", "Findings across files (evidence in two files)"),
    "department_none": ("审查库中没有部门。", "No department in the store."),
    "department_no_cross": ("没有跨文件的问题。", "No finding across files."),
    "source": ("数据来源", "Data"),
    "source_corpus": ("样本语料 {name}", "sample corpus {name}"),
    "source_store": ("审查库 {name}（上传的报告）", "review store {name} (uploads)"),
    "preparing": ("正在审查样本语料（仅首次启动）…", "Reviewing the sample corpus (first start only)…"),
    "scoring": ("正在计算异常评分…", "Scoring departments…"),
    "upload_label": ("上传报告（PDF、txt、md，每个不超过 {mb} MB）",
                     "Upload reports (PDF, txt, md; at most {mb} MB each)"),
    "upload_help": ("上传后立即核对，结果存入审查库 {store}，下次打开仍在。",
                    "Reports are checked at once and kept in the review store {store} for next time."),
    "checking": ("正在核对 {name}（{i}/{n}）", "Checking {name} ({i}/{n})"),
    "checked": ("{name}：{dept} {year} {kind}，{tables} 张表，{claims} 处数字，{findings} 个问题",
                "{name}: {dept} {year} {kind}, {tables} tables, {claims} claims, {findings} findings"),
    "err_too_large": ("{name}：文件为 {mb:.1f} MB，超过 {limit} MB 的上限", "{name}: {mb:.1f} MB is over the {limit} MB limit"),
    "err_type": ("{name}：只接受 PDF、Excel（xlsx、xls、ods）、Word（docx）、网页（html）和文本（txt、md）文件",
                 "{name}: only PDF, Excel (xlsx, xls, ods), Word (docx), web page (html) and text (txt, md) "
                 "files are accepted"),
    "err_empty": ("{name}：文件是空的", "{name}: the file is empty"),
    "err_read": ("{name}：无法读取（{code}）：{message}", "{name}: cannot be read ({code}): {message}"),
    "err_store": ("审查库不可用：{message}", "The review store cannot be used: {message}"),
    "open_document": ("查看核对结果", "Open the results"),
    "no_documents": ("还没有文件：请先上传报告。", "No documents yet: upload a report first."),
    "choose_document": ("选择文件", "Document"),
    "department": ("部门", "Department"),
    "year": ("年度", "Year"),
    "kind": ("类型", "Kind"),
    "pages": ("页数", "Pages"),
    "tables": ("表格", "Tables"),
    "claims": ("文中数字", "Claims"),
    "findings": ("问题", "Findings"),
    "error": ("错误", "Errors"),
    "warning": ("警告", "Warnings"),
    "info": ("提示", "Notes"),
    "filter_severity": ("按严重程度筛选", "Severity"),
    "filter_rule": ("按规则筛选", "Rule"),
    "no_findings": ("没有发现问题。", "No findings."),
    "choose_finding": ("选择一个问题查看证据", "Choose a finding to see its evidence"),
    "arithmetic": ("计算", "Arithmetic"),
    "prose": ("情况说明原文", "The sentence"),
    "table": ("表格", "The table"),
    "page_image": ("第 {page} 页", "Page {page}"),
    "no_page_image": ("文本文件没有页面图像，下面是该页文字。", "A text export has no page image; here is the page's text."),
    "source_missing": ("原文件已不在 {path}（或已改动），只能显示审查库中的结果。",
                       "The file is no longer at {path} (or has changed): only the stored results can be shown."),
    "downloads": ("下载", "Downloads"),
    "dl_pdf": ("标注后的 PDF", "Annotated PDF"),
    "dl_xlsx": ("问题清单 Excel", "Findings (Excel)"),
    "dl_csv": ("问题清单 CSV", "Findings (CSV)"),
    "dl_json": ("JSON 报告", "JSON report"),
    "dl_html": ("HTML 报告", "HTML report"),
    "status": ("状态", "Status"),
    "tied": ("与表格一致", "tied to a table"),
    "contradicted": ("与表格或计算矛盾", "contradicted"),
    "unverifiable": ("无法核对", "not verifiable"),
    "filter_status": ("按状态筛选", "Status"),
    "claims_help": ("每个从情况说明中提取的数字：与表格一致、被某个问题指出矛盾，或无法核对（没有可对照的表格数字）。",
                    ("Every figure taken from the prose: tied to a table figure, contradicted by a finding, or not "
                     "verifiable (no table figure to compare it with).")),
    "rank_score": ("按异常评分排名", "Ranked by anomaly score"),
    "rank_findings": ("按问题数量排名", "Ranked by findings"),
    "score_help": ("评分越高，支出结构在同类部门中越少见（0.5 左右为寻常）；理由是影响评分最大的指标。",
                   ("Higher means more unusual among peers (about 0.5 is ordinary); reasons are the features that "
                    "move the score most.")),
    "filter_year": ("年度", "Year"),
    "filter_type": ("部门类型", "Department type"),
    "filter_level": ("行政层级", "Level"),
    "score_distribution": ("评分分布", "Score distribution"),
    "peers": ("与同类部门逐项比较", "A department against its peers, feature by feature"),
    "peers_help": ("柱高为该部门与同类中位数之差，以同类四分位距为单位。",
                   "Bars: the department's distance from the peer median, in peer inter-quartile ranges."),
    "benford": ("本福特首位数字检验", "Benford first-digit test"),
    "benford_help": ("{n} 个金额，MAD {mad}，{conformity}", "{n} amounts, MAD {mad}, {conformity}"),
    "csv_export": ("导出排名 CSV", "Export the ranking (CSV)"),
    "too_few": ("至少需要 2 个部门年度才能评分（现有 {n} 个）。", "At least 2 department-years are needed to score ({n} now)."),
    "score_failed": ("无法评分：{message}", "Cannot score: {message}"),
    "documents": ("文件", "Documents"),
    "reasons": ("理由", "Reasons"),
    "score": ("评分", "Score"),
    "rank": ("排名", "Rank"),
    "type": ("类型", "Type"),
    "level": ("层级", "Level"),
    "rules": ("规则", "Rules"),
    "all_findings": ("问题合计", "All findings"),
    "observed": ("实际", "observed"),
    "expected": ("期望", "expected"),
    "feature": ("指标", "Feature"),
    "value": ("本部门", "This department"),
    "peer_median": ("同类中位数", "Peer median"),
    "deviation": ("偏离（四分位距）", "Deviation (IQRs)"),
    "unreadable": ("无法读取的文件", "Unreadable files"),
}

KIND_WORDS = {"final_account": ("决算", "final account"), "budget": ("预算", "budget")}
SEVERITY_WORDS = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "note")}


def t(key: str, lang: str = "zh", **kw: Any) -> str:
    """The app's words for ``key`` in ``lang`` ("zh" or "en"), with ``{placeholders}`` filled."""
    zh, en = STRINGS[key]
    s = en if lang == "en" else zh
    return s.format(**kw) if kw else s


def kind_word(kind: str | None, lang: str = "zh") -> str:
    w = KIND_WORDS.get(kind or "")
    return (w[1] if lang == "en" else w[0]) if w else "?"


def severity_word(sev: str, lang: str = "zh") -> str:
    w = SEVERITY_WORDS.get(sev, (sev, sev))
    return w[1] if lang == "en" else w[0]


def fmt_number(v: float | None) -> str:
    """A figure as a report prints it: thousands separators, decimals only when it has them."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if math.isclose(v, round(v), abs_tol=1e-9):
        return f"{v:,.0f}"
    return f"{v:,.2f}" if abs(v) >= 0.01 else f"{v:.4g}"


# --------------------------------------------------------------------------- uploads


@dataclass
class UploadResult:
    """One uploaded file: checked and stored (``ok``), or refused with a message."""

    name: str
    ok: bool
    message: str
    sha256: str | None = None
    path: Path | None = None
    entry: dict[str, Any] | None = None


def upload_problem(name: str, size: int, lang: str = "zh") -> str | None:
    """Why an upload is refused before it is read (type, emptiness, size), or None."""
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        return t("err_type", lang, name=name)
    if size == 0:
        return t("err_empty", lang, name=name)
    if size > MAX_UPLOAD_BYTES:
        return t("err_too_large", lang, name=name, mb=size / 2**20, limit=MAX_UPLOAD_MB)
    return None


def save_upload(name: str, data: bytes, upload_dir: Path) -> tuple[Path, str]:
    """Keep an upload's bytes under ``upload_dir`` as ``<sha256><suffix>``; return (path, sha256).

    The uploaded name never chooses a path: only its suffix, taken from the fixed list, is kept.
    """
    sha = hashlib.sha256(data).hexdigest()
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ValueError(f"unsupported suffix {suffix!r}")
    upload_dir.mkdir(parents=True, exist_ok=True)
    path = upload_dir / f"{sha}{suffix}"
    if not path.exists():
        tmp = upload_dir / f".{sha}.part"
        tmp.write_bytes(data)
        tmp.replace(path)
    _remember_name(upload_dir, sha, name)
    return path, sha


UPLOAD_NAMES = "names.json"  # sha256 → the name the file was uploaded under (shown, never a path)


def upload_names(upload_dir: Path) -> dict[str, str]:
    """The names uploads were given, by content hash ({} when none were recorded)."""
    try:
        data = json.loads((upload_dir / UPLOAD_NAMES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _remember_name(upload_dir: Path, sha: str, name: str) -> None:
    shown = Path(name).name[:200]  # a label: no folders, bounded length
    names = upload_names(upload_dir)
    if names.get(sha) == shown:
        return
    names[sha] = shown
    tmp = upload_dir / f".{UPLOAD_NAMES}.part"
    tmp.write_text(json.dumps(names, ensure_ascii=False, indent=0), encoding="utf-8")
    tmp.replace(upload_dir / UPLOAD_NAMES)


def store_entries(store: Path | Store,
                  items: list[tuple[dict[str, Any], Path, int | None, float | None]]) -> list[Rejected]:
    """Write checked entries (entry, path, size, seconds) into the review store, one transaction;
    return those whose results could not be stored (stored as error records instead)."""
    from crossfoot import __version__
    from rules.version import RULES_VERSION

    batch = Batch()
    for entry, path, size, seconds in items:
        batch.add_document(entry, str(path), entry.get("sha256"), size, RULES_VERSION, __version__, seconds)
    if isinstance(store, Store):
        return store.write(batch)
    with Store(store) as db:
        return db.write(batch)


def check_upload(name: str, data: bytes, store: Path, upload_dir: Path, lang: str = "zh") -> UploadResult:
    """Check one uploaded report and keep it in the store; a bad file is a result with a message."""
    from crossfoot.pipeline import check_document

    problem = upload_problem(name, len(data), lang)
    if problem:
        return UploadResult(name, False, problem)
    path, sha = save_upload(name, data, upload_dir)
    t0 = time.perf_counter()
    try:
        # Over the time budget (CROSSFOOT_DOCUMENT_SECONDS) or out of memory, it is a too_complex
        # entry (check_document's own budget): one upload never takes the server down.
        entry = check_document(path, display_name=name)
    except Exception as e:  # a bug must not take the app down: it becomes an error record
        log.exception("internal error on upload %s", name)
        return UploadResult(name, False, t("err_read", lang, name=name, code="internal_error",
                                           message=f"{type(e).__name__}: {e}"), sha, path)
    seconds = time.perf_counter() - t0
    for r in store_entries(store, [(entry, path, len(data), seconds)]):
        return UploadResult(name, False, t("err_read", lang, name=name, code=r.code, message=r.message),
                            sha, path)
    if entry.get("status") != "ok":
        err = entry.get("error") or {}
        return UploadResult(name, False, t("err_read", lang, name=name, code=err.get("code", "?"),
                                           message=err.get("message", "")), sha, path, entry)
    m = entry["meta"]
    msg = t("checked", lang, name=name, dept=m.get("department") or "?", year=m.get("year") or "?",
            kind=kind_word(m.get("kind"), lang), tables=len(entry["tables"]), claims=len(entry["claims"]),
            findings=len(entry["findings"]))
    return UploadResult(name, True, msg, sha, path, entry)


# --------------------------------------------------------------------------- the corpus store


def corpus_store_path(corpus: Path, cache_dir: Path) -> Path:
    """Where the review of a corpus folder is cached (named by the folder's absolute path)."""
    key = hashlib.sha256(str(Path(corpus).resolve()).encode()).hexdigest()[:12]
    return cache_dir / f"corpus-{Path(corpus).name}-{key}.duckdb"


_PREPARE_LOCK = threading.Lock()


def prepare_corpus(corpus: Path, cache_dir: Path,
                   on_progress: Callable[[int, int], None] | None = None) -> Path:
    """Review ``corpus`` into its cached store (documents already there are skipped); return the store.

    The same work as ``crossfoot review`` with one worker, in this process: ``review``'s
    worker pool keeps dying when started from inside a Streamlit server (reported), and a small
    corpus needs no pool.
    """
    from crossfoot.pipeline import check_document, iter_files
    from extraction.files import sha256_file
    from rules.version import RULES_VERSION

    store = corpus_store_path(corpus, cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    files = list(iter_files([Path(corpus)]))
    with _PREPARE_LOCK, Store(store) as db:
        hashes: dict[Path, str | None] = {}
        for f in files:
            try:
                hashes[f] = sha256_file(f)
            except OSError:
                hashes[f] = None
        done = set(db.stored((h for h in hashes.values() if h), RULES_VERSION))
        pending: list[tuple[dict[str, Any], Path, int | None, float | None]] = []
        for i, f in enumerate(files, 1):
            sha = hashes[f]
            if sha is None or sha not in done:
                t0 = time.perf_counter()
                entry = check_document(f)
                pending.append((entry, f, f.stat().st_size if f.exists() else None, time.perf_counter() - t0))
                if sha:
                    done.add(sha)
            if len(pending) >= 16 or (i == len(files) and pending):
                store_entries(db, pending)
                pending = []
            if on_progress:
                on_progress(i, len(files))
    return store


# --------------------------------------------------------------------------- reading a store


def store_token(store: Path) -> str:
    """Changes whenever the store is written (for caches keyed by the store's content)."""
    try:
        st = Path(store).stat()
    except OSError:
        return "missing"
    wal = Path(str(store) + ".wal")
    extra = wal.stat().st_mtime_ns if wal.exists() else 0
    return f"{st.st_mtime_ns}-{st.st_size}-{extra}"


def _query(store: Path, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    if not Path(store).exists():
        return pd.DataFrame()
    with Store(store, read_only=True) as db:
        return db.con.execute(sql, params or []).df()


def documents_frame(store: Path) -> pd.DataFrame:
    """The store's documents, one row each (readable and not), in a stable order."""
    return _query(store, """
        SELECT sha256, path, status, error_code, error_message, department, year, kind, pages, n_tables,
               n_claims, n_findings, n_error_findings, n_warning_findings, n_info_findings, reviewed_at
        FROM documents ORDER BY department NULLS LAST, year, kind, path""")


def document_label(row: Any, lang: str = "zh", names: dict[str, str] | None = None) -> str:
    """How the app lists a document; an upload is shown under the name it was uploaded with."""
    name = Path(str(row["path"])).name
    if len(Path(name).stem) == 64 and Path(str(row["path"])).parent.name.endswith("-uploads"):
        given = (names or {}).get(Path(name).stem)
        name = given or ("uploaded " if lang == "en" else "上传 ") + Path(name).suffix.lstrip(".")
    if row["status"] != "ok":
        return f"⚠ {name} ({row['error_code']})"
    year = "" if row["year"] is None or pd.isna(row["year"]) else int(row["year"])
    return f"{row['department'] or '?'} {year} {kind_word(row['kind'], lang)} · {name} · {int(row['n_findings'])}"


def entry_from_store(store: Path, sha: str) -> dict[str, Any] | None:
    """A stored document as its ``crossfoot check`` entry (the same fields, from the store's rows)."""
    with Store(store, read_only=True) as db:
        con = db.con
        d = con.execute("""SELECT path, sha256, status, error_code, error_message, department, year, kind, unit,
                                  pages FROM documents WHERE sha256 = ?""", [sha]).fetchone()
        if d is None:
            return None
        tables = con.execute("""SELECT table_id, kind, number, title, unit, pages, n_rows FROM tables
                                WHERE sha256 = ? ORDER BY rowid""", [sha]).fetchall()
        claims = con.execute("""SELECT claim_id, kind, metric, label, value, unit, yuan, period, scope, base,
                                       direction, page, start_char, end_char, text, explanation,
                                       status, reason, target_table, target_row, target_column, target_value,
                                       target_page, target_unit, tied_by, finding_ids
                                FROM claims WHERE sha256 = ? ORDER BY rowid""", [sha]).fetchall()
        findings = con.execute("""SELECT finding_id, rule, name, severity, message, message_en, expected, observed,
                                         difference, tolerance FROM findings WHERE sha256 = ? ORDER BY rowid""",
                               [sha]).fetchall()
        evidence = con.execute("""SELECT finding_id, source, page, text, value, table_id, row_label, column_label,
                                         start_char, end_char, bbox FROM evidence WHERE sha256 = ?
                                  ORDER BY finding_id, seq""", [sha]).fetchall()
    ev_by: dict[str, list[dict[str, Any]]] = {}
    for e in evidence:
        ev_by.setdefault(e[0], []).append(dict(zip(
            ("source", "page", "text", "value", "table", "row", "column", "start", "end", "bbox"), e[1:])))
    claim_keys = ("id", "kind", "metric", "label", "value", "unit", "yuan", "period", "scope", "base",
                  "direction", "page", "start", "end", "text", "explanation", "status", "reason")
    finding_keys = ("id", "rule", "name", "severity", "message", "message_en", "expected", "observed",
                    "difference", "tolerance")
    return {
        "path": d[0], "sha256": d[1], "status": d[2],
        "error": {"code": d[3], "message": d[4]} if d[2] != "ok" else None,
        "meta": {"department": d[5], "year": d[6], "kind": d[7], "unit": d[8], "pages": d[9]},
        "tables": [dict(zip(("id", "kind", "number", "title", "unit", "pages", "n_rows"), r)) for r in tables],
        "claims": [{**dict(zip(claim_keys, r)), "target": _stored_target(r[18:24]), "tied_by": r[24],
                    "findings": list(r[25]) if r[25] is not None else None} for r in claims],
        "findings": [{**dict(zip(finding_keys, r)), "evidence": ev_by.get(r[0], [])} for r in findings],
    }


def _stored_target(cols: tuple[Any, ...]) -> dict[str, Any] | None:
    """A claim's ``target`` from its target_* columns (None when it ties to no table figure)."""
    if all(v is None for v in cols):
        return None
    return dict(zip(("table", "row", "column", "value", "page", "unit"), cols))


def open_source(path: str | Path, sha: str) -> Any | None:
    """The Document of a stored path, when the file is still there with the same bytes; else None."""
    from extraction.reader import read_document

    p = Path(path)
    if not p.is_file():
        return None
    doc = read_document(p)
    if not doc.ok or doc.sha256 != sha:
        return None
    return doc


# --------------------------------------------------------------------------- the document view


def findings_frame(entry: dict[str, Any], lang: str = "zh") -> pd.DataFrame:
    """One row per finding, worst first: id, severity, rule, name, page, message, the figures."""
    rows = []
    for f in entry.get("findings") or []:
        ev = f.get("evidence") or []
        rows.append({
            "id": f["id"], "severity": f["severity"], "rule": f["rule"], "name": f.get("name"),
            "page": ev[0].get("page") if ev else None,
            "message": (f.get("message_en") if lang == "en" else f.get("message")) or f.get("message"),
            "expected": f.get("expected"), "observed": f.get("observed"), "difference": f.get("difference"),
        })
    cols = ["id", "severity", "rule", "name", "page", "message", "expected", "observed", "difference"]
    df = pd.DataFrame(rows, columns=cols)
    if len(df):
        df["_s"] = df["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(9)
        df["_n"] = df["id"].str.extract(r"(\d+)", expand=False).astype(float)
        df = df.sort_values(["_s", "_n"]).drop(columns=["_s", "_n"]).reset_index(drop=True)
    return df


def filter_findings(df: pd.DataFrame, severities: list[str] | None = None,
                    rules: list[str] | None = None) -> pd.DataFrame:
    out = df
    if severities:
        out = out[out["severity"].isin(severities)]
    if rules:
        out = out[out["rule"].isin(rules)]
    return out.reset_index(drop=True)


def severity_counts(entry: dict[str, Any]) -> dict[str, int]:
    out = {s: 0 for s in SEVERITIES}
    for f in entry.get("findings") or []:
        out[f["severity"]] = out.get(f["severity"], 0) + 1
    return out


def arithmetic_text(finding: dict[str, Any], lang: str = "zh") -> str:
    """The comparison behind a finding in words: what was expected, what is printed, by how much."""
    exp, obs = finding.get("expected"), finding.get("observed")
    diff, tol = finding.get("difference"), finding.get("tolerance")
    if exp is None and obs is None:
        return ("此规则不比较数字，见上面的说明。" if lang != "en"
                else "This rule compares no figures; see the message above.")
    if diff is None and exp is not None and obs is not None:
        diff = obs - exp
    beyond = None if diff is None or tol is None else abs(diff) - tol
    if lang == "en":
        s = f"Expected {fmt_number(exp)}; the report prints {fmt_number(obs)}; difference {fmt_number(diff)}"
        if tol is not None:
            s += f"; rounding allows ±{fmt_number(tol)}"
            if beyond is not None and beyond > 0:
                s += f", so it is off by {fmt_number(beyond)} more than rounding can explain"
        return s + "."
    s = f"应为 {fmt_number(exp)}，报告印为 {fmt_number(obs)}，相差 {fmt_number(diff)}"
    if tol is not None:
        s += f"；舍入容差 ±{fmt_number(tol)}"
        if beyond is not None and beyond > 0:
            s += f"，超出容差 {fmt_number(beyond)}，不能用四舍五入解释"
    return s + "。"


# the result's statuses (rules/status.py) as the app names them: a not-checkable claim is shown
# as 无法核对 (not verifiable), with its reason
_SHOWN_STATUS = {"tied": "tied", "contradicted": "contradicted", "not_checkable": "unverifiable"}


def claim_statuses(doc: Any | None, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Each claim with the status the check gave it (``status``, ``reason``, ``target``,
    ``findings`` of the ``crossfoot check`` JSON and the store; rules/status.py): ``tied`` (a
    rule found it right, ``where`` names the table figure or the rule), ``contradicted`` (``where``
    names the findings) or ``unverifiable`` (not checkable, ``where`` gives the reason).

    Nothing is recomputed here.  A claim stored before statuses were kept (a store of schema
    version 1, not checked since) has none: it is contradicted when a finding's prose evidence is
    the claim, else unverifiable with no reason.  ``doc`` is not needed (kept for callers).
    """
    tables = {tb.get("id"): tb for tb in entry.get("tables") or []}
    hits: dict[tuple[Any, Any, Any], list[str]] = {}
    for f in entry.get("findings") or []:
        for ev in f.get("evidence") or []:
            if ev.get("source") == "prose":
                hits.setdefault((ev.get("page"), ev.get("start"), ev.get("end")), []).append(f["id"])
    out = []
    for c in entry.get("claims") or []:
        stored = c.get("status")
        if stored is None:  # checked before the status was part of the result
            fids = sorted(set(hits.get((c.get("page"), c.get("start"), c.get("end"))) or ()))
            status, where = ("contradicted", ", ".join(fids)) if fids else ("unverifiable", "")
        else:
            status = _SHOWN_STATUS.get(stored, "unverifiable")
            where = ""
            if stored == "contradicted":
                where = ", ".join(c.get("findings") or ())
            elif stored == "tied":
                tg = c.get("target")
                if tg:
                    tb = tables.get(tg.get("table")) or {}
                    where = f"{tg.get('table')} {tb.get('title') or tb.get('kind') or ''} · {tg.get('row') or ''}"
                else:
                    where = c.get("tied_by") or ""
            else:
                where = c.get("reason") or ""
        out.append({**c, "status": status, "where": where})
    return out


def claims_frame(statuses: list[dict[str, Any]], lang: str = "zh") -> pd.DataFrame:
    cols = ["id", "status", "kind", "metric", "label", "value", "unit", "period", "page", "where", "reason", "text"]
    df = pd.DataFrame([{k: s.get(k) for k in cols} for s in statuses], columns=cols)
    df.insert(2, "status_text", [t(s, lang) for s in df["status"]])
    return df


def _table_id(ev_table: str | None) -> str | None:
    return ev_table.split(" ", 1)[0] if ev_table else None


def _same_cell(cell: Any, ev: dict[str, Any]) -> bool:
    if cell is None or cell.page != ev.get("page"):
        return False
    if ev.get("bbox") and cell.bbox:
        return all(abs(a - b) < 1.0 for a, b in zip(cell.bbox, ev["bbox"]))
    return ev.get("start") is not None and cell.start == ev.get("start") and cell.end == ev.get("end")


def table_view(doc: Any, table_id: str, evidence: list[dict[str, Any]]) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """A table as printed (code, name, one column per printed column) and the (row, column) cells to mark."""
    table = next((tb for tb in doc.tables if tb.id == table_id), None)
    if table is None:
        return pd.DataFrame(), []
    labels: dict[int, str] = {}
    seen: set[str] = set()
    for col in table.columns:
        name = f"{col.block}·{col.label}" if col.block and len(table.blocks) > 1 else (col.label or f"#{col.index}")
        while name in seen:
            name += "'"
        seen.add(name)
        labels[col.index] = name
    records, marks = [], []
    for i, row in enumerate(table.rows):
        rec = {"代码 code": row.code or "", "项目 item": row.name}
        rec.update({labels[ci]: "" for ci in labels})
        for ci, cell in zip(row.columns, row.cells):
            if ci in labels:
                rec[labels[ci]] = cell.text if cell is not None else ""
                if any(_same_cell(cell, ev) for ev in evidence if _table_id(ev.get("table")) == table_id):
                    marks.append((i, labels[ci]))
        records.append(rec)
    return pd.DataFrame(records), marks


def styled_table(df: pd.DataFrame, marks: list[tuple[int, str]]) -> Any:
    """The table with its evidence cells in yellow (a pandas Styler st.dataframe shows as is)."""
    marked = set(marks)

    def colour(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame([["background-color: #ffd54f; font-weight: bold" if (i, c) in marked else ""
                              for c in frame.columns] for i in range(len(frame))],
                            index=frame.index, columns=frame.columns)

    return df.style.apply(colour, axis=None)


def sentence_html(ev: dict[str, Any], page_text: str | None = None) -> str:
    """The sentence of a prose evidence with its figure marked (escaped HTML)."""
    sentence = ev.get("text") or ""
    figure = None
    if page_text is not None and ev.get("start") is not None and ev.get("end") is not None:
        figure = page_text[ev["start"]:ev["end"]]
    if figure and figure in sentence:
        k = sentence.index(figure)
        return (html.escape(sentence[:k]) + f'<mark style="background:#ffd54f"><b>{html.escape(figure)}</b></mark>'
                + html.escape(sentence[k + len(figure):]))
    return html.escape(sentence)


def page_text_html(page_text: str, spans: list[tuple[int, int]]) -> str:
    """A page's text with the given character spans marked (for text exports, which have no image)."""
    out, pos = [], 0
    for a, b in sorted(s for s in spans if s[0] is not None and s[1] is not None):
        if a < pos:
            continue
        out.append(html.escape(page_text[pos:a]))
        out.append(f'<mark style="background:#ffd54f"><b>{html.escape(page_text[a:b])}</b></mark>')
        pos = b
    out.append(html.escape(page_text[pos:]))
    return "<pre style='white-space:pre-wrap'>" + "".join(out) + "</pre>"


def _evidence_rects(page: Any, ev: dict[str, Any], page_text: str | None) -> list[Any]:
    import pymupdf

    import extraction.mupdf_messages  # noqa: F401 (MuPDF's messages off stdout)

    if ev.get("bbox"):
        return [pymupdf.Rect(ev["bbox"])]
    sentence = (ev.get("text") or "").strip()
    figure = page_text[ev["start"]:ev["end"]] if page_text and ev.get("start") is not None else None
    anchors = page.search_for(sentence[:20]) if sentence else []
    if figure:
        hits = page.search_for(figure.strip())
        if hits and anchors:
            # the printed figure nearest the start of its sentence
            a = anchors[0]
            hits.sort(key=lambda r: (r.y0 < a.y0 - 2, abs(r.y0 - a.y0), abs(r.x0 - a.x0)))
            return hits[:1]
        if hits:
            return hits[:1]
    return anchors[:2]


def page_png(pdf_path: str | Path, page_no: int, evidence: list[dict[str, Any]],
             page_text: str | None = None, zoom: float = 1.6) -> bytes:
    """The PDF page rendered as PNG with a red box round each piece of evidence on it."""
    import pymupdf

    import extraction.mupdf_messages  # noqa: F401 (MuPDF's messages off stdout)

    with pymupdf.open(pdf_path) as pdf:
        page = pdf[page_no - 1]
        for ev in evidence:
            if ev.get("page") != page_no:
                continue
            for r in _evidence_rects(page, ev, page_text):
                r = pymupdf.Rect(r.x0 - 2, r.y0 - 2, r.x1 + 2, r.y1 + 2)
                page.draw_rect(r, color=(0.85, 0.05, 0.05), width=1.8)  # in memory only, never saved
        return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom)).tobytes("png")


# --------------------------------------------------------------------------- downloads


def annotated_pdf(pdf_path: str | Path, findings: list[dict[str, Any]]) -> bytes:
    """A copy of the PDF with every finding's evidence marked (``crossfoot.annotate``)."""
    from crossfoot.annotate import annotate_pdf

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "annotated.pdf"
        annotate_pdf(Path(pdf_path), findings, out)
        return out.read_bytes()


def findings_export(store: Path, sha: str, fmt: str) -> bytes:
    """One document's findings as the ``crossfoot export`` findings file (``csv`` or ``xlsx``)."""
    from crossfoot.export import document_findings

    return document_findings(store, sha, fmt)


def json_report(entry: dict[str, Any]) -> bytes:
    """The ``crossfoot check --format json`` output for one document."""
    return json.dumps({"documents": [entry]}, ensure_ascii=False, indent=1).encode("utf-8")


def html_report(entry: dict[str, Any]) -> bytes:
    """The ``crossfoot report`` page of one document (a one-document store, built and thrown away)."""
    from crossfoot.report import build_report

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "report.duckdb"
        store_entries(store, [(entry, Path(entry.get("path") or "document"), None, None)])
        with Store(store, read_only=True) as db:
            return build_report(db).encode("utf-8")


# --------------------------------------------------------------------------- the corpus view


@dataclass
class CorpusScores:
    """Department-year feature rows, the ``crossfoot score`` result, or why there is none."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, Any] | None = None
    problem: str | None = None


def _clean(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_clean(x) for x in v]
    if hasattr(v, "item"):  # numpy scalars
        return _clean(v.item())
    return v


def corpus_scores(store: Path, cache_dir: Path | None = None) -> CorpusScores:
    """Score the store's department-years (``models.command``), cached on disk by the store's content."""
    from models.command import InputError, load_inputs, score_inputs

    docs = _query(store, "SELECT sha256 FROM documents WHERE status = 'ok' ORDER BY sha256") \
        if Path(store).exists() else pd.DataFrame()
    key = hashlib.sha256(("\n".join(docs["sha256"]) if len(docs) else "").encode()).hexdigest()[:16]
    cached = Path(cache_dir) / f"scores-{key}.json" if cache_dir else None
    if cached is not None and cached.exists():
        d = json.loads(cached.read_text("utf-8"))
        return CorpusScores(d["rows"], d["result"], d["problem"])
    try:
        rows, facts = load_inputs(Path(store))
        if len(rows) < 2:
            out = CorpusScores(_clean(rows), None, t("too_few", "zh", n=len(rows)))
        else:
            out = CorpusScores(_clean(rows), _clean(score_inputs(rows, facts)), None)
    except (InputError, ValueError, OSError, StoreError) as e:
        return CorpusScores([], None, str(e))
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps({"rows": out.rows, "result": out.result, "problem": out.problem},
                                     ensure_ascii=False), "utf-8")
    return out


def score_frame(scores: CorpusScores) -> pd.DataFrame:
    """Department-years ranked by anomaly score, with their reasons as one line."""
    cols = ["rank", "department", "year", "type", "level", "score", "peer_group", "reasons"]
    if not scores.result:
        return pd.DataFrame(columns=cols)
    rows = [{**{k: d.get(k) for k in cols[:-1]}, "reasons": "；".join(r["text"] for r in d.get("reasons") or [])}
            for d in scores.result["departments"]]
    return pd.DataFrame(rows, columns=cols).sort_values("rank").reset_index(drop=True)


def filter_frame(df: pd.DataFrame, years: list[Any] | None = None, types: list[str] | None = None,
                 levels: list[str] | None = None) -> pd.DataFrame:
    out = df
    if years:
        out = out[out["year"].isin(years)]
    if types and "type" in out:
        out = out[out["type"].isin(types)]
    if levels and "level" in out:
        out = out[out["level"].isin(levels)]
    return out.reset_index(drop=True)


def departments_frame(store: Path) -> pd.DataFrame:
    """One row per department of the store (its name as crossfoot.sets normalises it: the
    spellings of one department are one): its years, reports, split reports and findings."""
    from crossfoot.sets import normalise_department

    df = documents_frame(store)
    if not len(df):
        return pd.DataFrame(columns=["department", "names", "years", "reports", "errors", "warnings"])
    df = df[df["status"] == "ok"].copy()
    df["key"] = [normalise_department(x) or "?" for x in df["department"]]
    rows = []
    for key, g in df.groupby("key", sort=True):
        years = sorted({int(y) for y in g["year"] if pd.notna(y)})
        rows.append({"department": key, "names": " / ".join(sorted({str(x) for x in g["department"] if x})),
                     "years": ", ".join(map(str, years)), "reports": len(g),
                     "errors": int(g["n_error_findings"].sum()), "warnings": int(g["n_warning_findings"].sum())})
    return pd.DataFrame(rows)


def department_reports(store: Path, department: str) -> pd.DataFrame:
    """A department's reports over the years, side by side: one row per year and kind, with the
    files of each (a report split over a text and a tables file shows both), pages, tables,
    claims tied, and findings by severity."""
    from crossfoot.sets import normalise_department

    df = _query(store, """
        SELECT d.sha256, d.path, d.department, d.year, d.kind, d.pages, d.n_tables, d.n_claims,
               d.n_error_findings, d.n_warning_findings, d.set_id, d.sibling_sha256,
               (SELECT count(*) FROM claims c WHERE c.sha256 = d.sha256 AND c.status = 'tied') AS tied,
               (SELECT string_agg(s.form, '') FROM (SELECT DISTINCT form FROM document_sets s
                    WHERE s.set_id = d.set_id) s) AS form
        FROM documents d WHERE d.status = 'ok' ORDER BY d.year, d.kind, d.path""")
    if not len(df):
        return df
    df = df[[normalise_department(x) == department for x in df["department"]]]
    out = []
    for (year, kind), g in df.groupby(["year", "kind"], sort=True, dropna=False):
        files = " + ".join(Path(str(p)).name for p in g["path"])
        claims = int(g["n_claims"].sum())
        out.append({"year": None if pd.isna(year) else int(year), "kind": kind, "form": ", ".join(
                    sorted({str(f) for f in g["form"] if f})) or "single", "files": files,
                    "pages": int(g["pages"].sum()), "tables": int(g["n_tables"].sum()), "claims": claims,
                    "tied": f"{int(g['tied'].sum())} / {claims}", "errors": int(g["n_error_findings"].sum()),
                    "warnings": int(g["n_warning_findings"].sum())})
    return pd.DataFrame(out)


def cross_document_findings(store: Path, department: str) -> pd.DataFrame:
    """The department's findings whose evidence lies in two files: a split report's prose against
    its tables file, or one report against another (CF9xx), with the file of each side."""
    from crossfoot.sets import normalise_department

    df = _query(store, """
        SELECT d.department, d.year, d.kind, f.finding_id, f.rule, f.severity, f.message,
               string_agg(DISTINCT coalesce(o.path, d.path), ' | ') AS documents
        FROM findings f JOIN documents d USING (sha256)
        JOIN evidence e ON e.sha256 = f.sha256 AND e.finding_id = f.finding_id
        LEFT JOIN documents o ON o.sha256 = e.document_sha256
        GROUP BY ALL
        HAVING count(DISTINCT coalesce(e.document_sha256, d.sha256)) > 1
        ORDER BY d.year, f.severity, f.rule""")
    if not len(df):
        return df
    df = df[[normalise_department(x) == department for x in df["department"]]]
    return df.drop(columns=["department"]).reset_index(drop=True)


def findings_rank_frame(store: Path) -> pd.DataFrame:
    """Department-years ranked by their findings (errors first), with the rules and the worst message."""
    from models.features import department_level, department_type

    df = _query(store, """
        SELECT coalesce(d.department, '?') AS department, d.year,
               count(DISTINCT d.sha256) AS documents,
               count(f.finding_id) FILTER (f.severity = 'error') AS errors,
               count(f.finding_id) FILTER (f.severity = 'warning') AS warnings,
               count(f.finding_id) AS findings,
               string_agg(DISTINCT f.rule, ' ' ORDER BY f.rule) AS rules,
               arg_max(f.message, CASE f.severity WHEN 'error' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END
                       * 1e15 + coalesce(abs(f.difference), 0)) AS reasons
        FROM documents d LEFT JOIN findings f USING (sha256)
        WHERE d.status = 'ok'
        GROUP BY 1, 2 ORDER BY errors DESC, findings DESC, 1, 2""")
    if not len(df):
        return df
    df.insert(2, "type", [department_type(x) for x in df["department"]])
    df.insert(3, "level", [department_level(x) for x in df["department"]])
    df.insert(0, "rank", range(1, len(df) + 1))
    return df


def score_histogram(df: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """How many department-years fall in each score band (for a bar chart)."""
    import numpy as np

    if not len(df):
        return pd.DataFrame({"score": [], "count": []})
    edges = np.linspace(0.3, 0.8, bins + 1)
    lo, hi = float(df["score"].min()), float(df["score"].max())
    if lo < edges[0] or hi > edges[-1]:
        edges = np.linspace(min(lo, edges[0]), max(hi, edges[-1]), bins + 1)
    counts, _ = np.histogram(df["score"], bins=edges)
    return pd.DataFrame({"score": [f"{a:.2f}–{b:.2f}" for a, b in itertools.pairwise(edges)], "count": counts})


def peer_frame(scores: CorpusScores, department: str, year: int, lang: str = "zh") -> pd.DataFrame:
    """One department-year against its peers (same type, else all), feature by feature."""
    import numpy as np

    from models.features import MODEL_FEATURES, format_value, spec_of

    rows = pd.DataFrame(scores.rows)
    if not len(rows):
        return pd.DataFrame()
    me = rows[(rows["department"] == department) & (rows["year"] == year)]
    if not len(me):
        return pd.DataFrame()
    me = me.iloc[0]
    peers = rows[rows["type"] == me["type"]]
    if len(peers) < 5:
        peers = rows
    out = []
    for f in MODEL_FEATURES:
        if f not in rows:
            continue
        col = pd.to_numeric(peers[f], errors="coerce").dropna()
        v = pd.to_numeric(pd.Series([me[f]]), errors="coerce").iloc[0]
        if not len(col) or v is None or np.isnan(v):
            continue
        med = float(col.median())
        iqr = float(col.quantile(0.75) - col.quantile(0.25)) or (abs(med) or 1.0)
        out.append({"feature": f, "name": f if lang == "en" else spec_of(f).zh,
                    "value": format_value(f, float(v)), "peer_median": format_value(f, med),
                    "deviation": round((float(v) - med) / iqr, 2)})
    return pd.DataFrame(out)


def benford_frame(scores: CorpusScores) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """First-digit proportions observed in the corpus against Benford's law, and the test's verdict."""
    bf = (scores.result or {}).get("benford") or {}
    test = (bf.get("corpus") or {}).get("first_digit")
    if not test or not test.get("observed"):
        return pd.DataFrame(), test
    df = pd.DataFrame({"digit": [str(d) for d in range(1, 10)], "observed": test["observed"],
                       "expected": test["expected"]}).set_index("digit")
    return df, test
