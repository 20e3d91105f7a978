"""Per-document work shared by the CLI, the app and the tests: read, extract claims, check.

``check_document`` is the single unit of work; ``check_paths`` walks the
paths it is given and keeps going past bad files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
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


def extract_claims(doc: Document, notes: list[str] | None = None) -> list[Any]:
    """Claims of a document's prose (a cut at a limit of extraction.limits said in ``notes``)."""
    from extraction.claims import extract_claims as _extract

    return list(_extract(doc, notes))


def check_findings(doc: Document, claims: list[Any], config: dict[str, Any] | None = None):
    """Findings of the registered rules, and the rules that failed (error records)."""
    from rules.engine import run_rules

    return run_rules(doc, claims, config)


def claim_entries(doc: Document, claims: list[Any], run: Any) -> list[dict[str, Any]]:
    """The claims of the check JSON: each claim's fields and its status once the rules ran
    (``status``, ``reason``, ``target``, ``tied_by``, ``findings``; see rules/status.py)."""
    from rules.status import claim_statuses

    return [{**c.to_dict(), **s.to_dict()} for c, s in zip(claims, claim_statuses(doc, claims, run))]


def reader_options(config: dict[str, Any] | None) -> dict[str, Any]:
    """The reader's options of a run's config (``reader: {ocr: auto|always|never}``, which
    ``--ocr`` sets): the keyword arguments of ``read_document`` (none for the defaults)."""
    from extraction.ocr import MODES

    ocr = ((config or {}).get("reader") or {}).get("ocr") or "auto"
    if ocr not in MODES:
        raise ValueError(f"reader.ocr must be one of {', '.join(MODES)}, not {ocr!r}")
    return {} if ocr == "auto" else {"ocr": ocr}


def check_document(path: Path, display_name: str | None = None,
                   config: dict[str, Any] | None = None, data: bool = False) -> dict[str, Any]:
    """Read one file and return its entry of the ``crossfoot check`` JSON (``data``: with the
    document as read and its claims as bytes, ``entry["document_data"]``, for the review store; see
    crossfoot/docdata.py).

    A document that takes longer than its time budget (``CROSSFOOT_DOCUMENT_SECONDS``) or runs out
    of memory is an error entry with code ``too_complex`` (see :mod:`crossfoot.budget`).
    """
    from crossfoot import budget

    seconds = budget.document_seconds()
    try:
        with budget.time_limit(seconds):
            return _check_document(path, display_name, config, data)
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


def _check_document(path: Path, display_name: str | None, config: dict[str, Any] | None,
                    data: bool = False) -> dict[str, Any]:
    from extraction.reader import read_document  # here, not above: walking files needs no reader

    return check_read(read_document(path, display_name, **reader_options(config)), config, data)


def check_read(doc: Document, config: dict[str, Any] | None = None, data: bool = False) -> dict[str, Any]:
    """The ``crossfoot check`` entry of a document already read: its claims, findings and statuses
    (``data``: and the document with its claims as bytes, ``entry["document_data"]``)."""
    return check_read_claims(doc, config, data)[0]


def check_read_claims(doc: Document, config: dict[str, Any] | None = None,
                      data: bool = False, claims: list[Any] | None = None) -> tuple[dict[str, Any], list[Any]]:
    """:func:`check_read`, and the claims of the document (``claims``: its claims, known to be what
    extraction gives, with no note of a cut; extracted when None)."""
    entry = doc.summary()
    if doc.notes:
        entry["notes"] = list(doc.notes)
    if not doc.ok:
        return entry, []
    claim_notes: list[str] = []
    if claims is None:
        claims = extract_claims(doc, claim_notes)
    if claim_notes:
        entry["notes"] = [*entry.get("notes", ()), *claim_notes]
    run = check_findings(doc, claims, config)
    entry["claims"] = claim_entries(doc, claims, run)
    entry["findings"] = [f.to_dict() for f in run.findings]
    if run.notes:
        entry["notes"] = [*entry.get("notes", ()), *run.notes]
    _mark_damaged_text(doc, entry["findings"])
    entry["rule_errors"] = [e.to_dict() for e in run.errors]
    if data:
        from crossfoot.docdata import encode

        try:
            entry["document_data"] = encode(doc, claims)
        except (ValueError, TypeError) as e:  # the set phase reads the file instead
            log.warning("%s: its reading cannot be kept (%s: %s)", doc.path, type(e).__name__, e)
    return entry, claims


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
    """``check_document`` of every file under ``paths`` (see :func:`check_sets` for the reports that
    are checked together).  ``memory``: the bytes one document may take above what the
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


def check_split(text_path: Path, tables_path: Path, text: Any, tables: Any,
                config: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The text file's entry of a report published as a text file and a tables file, checked as one
    (the prose rules see the tables; evidence names the file of each side); None when either file
    cannot be read again."""
    from crossfoot.sets import split_reading
    from extraction.reader import read_document

    options = reader_options(config)
    reading = split_reading(read_document(text_path, text.path, **options),
                            read_document(tables_path, tables.path, **options), text, tables)
    if reading is None:
        return None  # changed or gone since: the entries checked alone stand
    return check_split_reading(reading, config)[0]


def split_claims(reading: Any, text_claims: list[Any] | None) -> list[Any] | None:
    """The claims of a split report (a crossfoot.sets.SetReading of its two files) from the claims of
    its text file checked alone, kept (crossfoot/docdata.py); None when they are to be extracted again.

    They are the report's when extraction cannot have read the tables (the report's prose is the
    text's: extraction.claims.reads_tables) and none was cut (fewer than MAX_PARAGRAPH_CLAIMS: a cut
    paragraph alone gives that many, and the note of a cut is not kept)."""
    from extraction.claims import reads_tables
    from extraction.limits import MAX_PARAGRAPH_CLAIMS

    if text_claims is None or len(text_claims) >= MAX_PARAGRAPH_CLAIMS or reads_tables(reading.doc):
        return None
    return text_claims


def check_split_reading(reading: Any, config: dict[str, Any] | None = None,
                        text_claims: list[Any] | None = None) -> tuple[dict[str, Any], list[Any]]:
    """The text file's entry of a split report (a crossfoot.sets.SetReading of its two files)
    checked as one, and the claims of the report (``text_claims``: the text file's kept claims, used
    when they are the report's: :func:`split_claims`)."""
    from crossfoot.sets import split_back

    entry, claims = check_read_claims(reading.doc, config, claims=split_claims(reading, text_claims))
    tables = reading.tables_member
    entry["sibling"] = {"path": tables.path, "sha256": tables.sha256}
    return split_back(entry, reading.text_pages, reading.entry_member, tables), claims


def check_sets(entries: list[dict[str, Any]], files: dict[str, Path],
               config: dict[str, Any] | None = None) -> list[Any]:
    """Group the checked entries into document sets (crossfoot.sets), check each split report's text
    together with its tables (its entry is replaced), run the document-set rules (CF9xx) on each
    report and last year's report of its department and kind, and on each final account and the
    budget report of its department and year (their findings join the later report's, the final
    account's, entry), and give every entry its ``set_id``.

    ``files`` maps an entry's path to the file to read it from again.  Returns the sets."""
    from crossfoot.sets import group

    sets = group(entries)
    by_path = {e["path"]: i for i, e in enumerate(entries)}
    for s in sets:
        if s.form == "split":
            text, tables = s.member("text"), s.member("tables")
            log.info("checking %s with the tables of %s", text.path, tables.path)
            entry = check_split(files[text.path], files[tables.path], text, tables, config)
            if entry is not None:
                entries[by_path[text.path]] = entry
        for m in s.members:
            entries[by_path[m.path]]["set_id"] = s.id
    _check_across_years(sets, entries, by_path, files, config)
    return sets


def set_pairs(sets: list[Any]) -> list[tuple[Any, str, Any]]:
    """The pairs of reports the document-set rules (CF9xx) read, in the order they run: each report
    with last year's report of its department and kind (``prior_year``), a final account with
    the budget report of its department and year (``same_year_budget``), and a budget with last
    year's final account (``prior_year_final_account``: its 上年执行数, CF904); as (report's set,
    relation, other report's set).  Sets that are not one report (``duplicate``) take no part."""
    from crossfoot.sets import entry_member

    by_key = {(s.department, s.kind, s.year): s for s in sets if s.department and s.year and s.form != "duplicate"}
    out = []
    for (dept, kind, year), s in sorted(by_key.items(), key=lambda kv: kv[0][2]):
        others = [("prior_year", by_key.get((dept, kind, year - 1)))]
        if kind == "final_account":
            others.append(("same_year_budget", by_key.get((dept, "budget", year))))
        else:  # a budget: last year's final account (its 上年执行数, CF904)
            others.append(("prior_year_final_account", by_key.get((dept, "final_account", year - 1))))
        out.extend((s, relation, before) for relation, before in others
                   if before is not None and entry_member(s) is not None and entry_member(before) is not None)
    return out


def compare_pair(now: Any, claims: list[Any], prior: Any, prior_set_id: str, relation: str,
                 config: dict[str, Any] | None, first_id: int) -> tuple[list[dict], list[dict], dict[str, Any]]:
    """The document-set rules on one report (``now``: a crossfoot.sets.SetReading, and its claims)
    and another of its department (``prior``): their findings as the report's entry holds them
    (numbered from ``first_id``, ``documents`` both files, ``document`` on each evidence item), the
    rules that failed, and the ``set_checks`` item that says what was compared."""
    from rules.engine import run_set_rules

    run = run_set_rules(now.doc, claims, prior.doc, config)
    findings = []
    for i, f in enumerate(run.findings, start=first_id):
        d = replace(f, id=f"f{i}").to_dict()
        for ev in d["evidence"]:
            (prior if ev.pop("document", None) == prior.doc.sha256 else now).place(ev)
        d["documents"] = [now.entry_member.to_dict(), prior.entry_member.to_dict()]
        findings.append(d)
    check = {"prior": prior_set_id, "prior_path": prior.entry_member.path,
             "prior_sha256": prior.entry_member.sha256, "relation": relation,
             "compared": sum(1 for t in run.ties if t.tied) + len(run.findings), "findings": len(run.findings)}
    return findings, [e.to_dict() for e in run.errors], check


def _check_across_years(sets: list[Any], entries: list[dict[str, Any]], by_path: dict[str, int],
                        files: dict[str, Path], config: dict[str, Any] | None) -> None:
    """CF9xx on each report that has another report of its department in the run: last year's
    report of its kind (CF901, CF903), for a final account the budget report of its year (CF902),
    and for a budget last year's final account (CF904)."""
    from crossfoot.sets import SetReading, read_set

    readings: dict[str, SetReading | None] = {}
    claims_of: dict[str, list[Any]] = {}

    def reading(s: Any) -> SetReading | None:
        if s.id not in readings:
            readings[s.id] = read_set(s, files, **reader_options(config))
        return readings[s.id]

    for s, relation, before in set_pairs(sets):
        now, prior = reading(s), reading(before)
        if now is None or prior is None:
            continue
        if s.id not in claims_of:
            claims_of[s.id] = extract_claims(now.doc)
        entry = entries[by_path[now.entry_member.path]]
        findings, errors, check = compare_pair(now, claims_of[s.id], prior, before.id, relation, config,
                                               len(entry.get("findings") or []) + 1)
        entry.setdefault("findings", []).extend(findings)
        entry.setdefault("rule_errors", []).extend(errors)
        entry.setdefault("set_checks", []).append(check)


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
                status = c.get("status") or ""
                why = c.get("reason") or (", ".join(c.get("findings") or ()) if status == "contradicted" else "")
                lines.append(f"  claim p.{c['page']} {c['kind']:<10} {c['metric'] or '?':<28} {c['value']} {c['unit'] or ''}"
                             f"  {status}{' ' + why if why else ''}")
    ok = sum(1 for d in docs if d["status"] == "ok")
    lines.append(f"{len(docs)} documents: {ok} read, {len(docs) - ok} errors")
    return "\n".join(lines)
