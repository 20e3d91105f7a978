"""Per-document work shared by the CLI, the app and the tests: read, extract claims, check.

``check_document`` is the single unit of work; ``check_paths`` walks the
paths it is given and keeps going past bad files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extraction.files import SUPPORTED_SUFFIXES

if TYPE_CHECKING:
    from extraction.model import Document

log = logging.getLogger("crossfoot")


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and the supported files under the folders named, in a stable order.

    A file named explicitly is always yielded (even with an unknown suffix) so
    that it gets an error record rather than being silently skipped.
    """
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield f
        else:
            yield p


def extract_claims(doc: Document) -> list[Any]:
    """Claims of a document's prose."""
    from extraction.claims import extract_claims as _extract

    return list(_extract(doc))


def check_findings(doc: Document, claims: list[Any], config: dict[str, Any] | None = None):
    """Findings of the registered rules, and the rules that failed (error records)."""
    from rules.engine import run_rules

    return run_rules(doc, claims, config)


def check_document(path: Path, display_name: str | None = None,
                   config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Read one file and return its entry of the ``crossfoot check`` JSON.

    A document that takes longer than its time budget (``CROSSFOOT_DOCUMENT_SECONDS``) or runs out
    of memory is an error entry with code ``too_complex`` (see :mod:`crossfoot.budget`).
    """
    from crossfoot import budget

    seconds = budget.document_seconds()
    try:
        with budget.time_limit(seconds):
            return _check_document(path, display_name, config)
    except budget.OverBudget:
        reason = f"checking it took longer than the {seconds:g} s allowed (CROSSFOOT_DOCUMENT_SECONDS)"
    except MemoryError:
        reason = "checking it needed more memory than allowed (CROSSFOOT_WORKER_MEMORY)"
    log.warning("%s: too complex: %s", display_name or path, reason)
    return too_complex_entry(path, display_name, reason)


def too_complex_entry(path: Path, display_name: str | None, reason: str) -> dict[str, Any]:
    """The error entry of a document over its budget (``too_complex``), keyed by its content hash
    so that a review stores it as a document and does not try it again."""
    from extraction.files import sha256_file
    from extraction.reader import _error

    name = display_name or str(path)
    try:
        sha = sha256_file(Path(path))
    except OSError:
        sha = ""
    return _error(name, sha, "too_complex", f"{name}: too complex to check: {reason}").summary()


def _check_document(path: Path, display_name: str | None, config: dict[str, Any] | None) -> dict[str, Any]:
    from extraction.reader import read_document  # here, not above: walking files needs no reader

    doc = read_document(path, display_name)
    entry = doc.summary()
    if doc.notes:
        entry["notes"] = list(doc.notes)
    if not doc.ok:
        return entry
    claims = extract_claims(doc)
    entry["claims"] = [c.to_dict() for c in claims]
    run = check_findings(doc, claims, config)
    entry["findings"] = [f.to_dict() for f in run.findings]
    _mark_damaged_text(doc, entry["findings"])
    entry["rule_errors"] = [e.to_dict() for e in run.errors]
    return entry


REPLACEMENT = "\ufffd"  # what a byte that could not be decoded, or a glyph without text, reads as


def _mark_damaged_text(doc: Document, findings: list[dict[str, Any]]) -> None:
    """``damaged_text: true`` on each finding whose evidence touches a character the reader could not
    read (U+FFFD: a damaged byte of a text export, a PDF glyph without text): its figures may be off."""
    if not any(REPLACEMENT in pg.text for pg in doc.pages):
        return
    for f in findings:
        for ev in f.get("evidence") or []:
            page, start, end = ev.get("page"), ev.get("start"), ev.get("end")
            printed = ""
            if page and start is not None and end is not None and 0 < page <= len(doc.pages):
                printed = doc.pages[page - 1].text[start:end]
            if REPLACEMENT in (ev.get("text") or "") or REPLACEMENT in printed:
                f["damaged_text"] = True
                break


def check_paths(paths: Iterable[Path], config: dict[str, Any] | None = None,
                memory: int | None = None) -> list[dict[str, Any]]:
    """``check_document`` of every file.  ``memory``: the bytes one document may take above what the
    process holds before it (its address space is capped for the document: ``crossfoot check`` passes
    ``CROSSFOOT_WORKER_MEMORY``); an allocation past it makes the document ``too_complex``."""
    from crossfoot import budget

    if memory:
        # What every document needs is loaded before the first is capped (PyMuPDF maps its library).
        import extraction.claims  # noqa: F401
        import extraction.mupdf_messages  # noqa: F401
        import extraction.reader  # noqa: F401
        import rules.engine  # noqa: F401
    out = []
    for f in iter_files(paths):
        log.info("checking %s", f)
        with budget.memory_limit(memory):
            out.append(check_document(f, config=config))
    return out


def render_text(docs: list[dict[str, Any]], claims: bool = False) -> str:
    """A human summary of check results, one block per document."""
    lines: list[str] = []
    for d in docs:
        if d["status"] != "ok":
            lines.append(f"{d['path']}: ERROR [{d['error']['code']}] {d['error']['message']}")
            continue
        m = d["meta"]
        lines.append(
            f"{d['path']}: {m['department'] or '?'} {m['year'] or '?'} {m['kind'] or '?'}, "
            f"{m['pages']} pages, {len(d['tables'])} tables, {len(d['claims'])} claims, "
            f"{len(d['findings'])} findings"
        )
        for t in d["tables"]:
            pages = ",".join(str(p) for p in t["pages"])
            lines.append(f"  table {t['id']:>4} {t['kind']:<28} {t['number'] or '':<8} unit={t['unit'] or '?':<3} "
                         f"p.{pages:<8} rows={t['n_rows']:<4} {t['title']}")
        for f in d["findings"]:
            loc = f"p.{f['evidence'][0]['page']}" if f.get("evidence") else "p.?"
            lines.append(f"{d['path']}:{loc}: {f['severity']} {f['rule']} {f['message']}")
        for e in d.get("rule_errors", []):
            lines.append(f"{d['path']}: rule {e['rule']} failed: {e['message']}")
        if claims:
            for c in d["claims"]:
                lines.append(f"  claim p.{c['page']} {c['kind']:<10} {c['metric'] or '?':<28} {c['value']} {c['unit'] or ''}")
    ok = sum(1 for d in docs if d["status"] == "ok")
    lines.append(f"{len(docs)} documents: {ok} read, {len(docs) - ok} errors")
    return "\n".join(lines)
