"""Document sets: the reports of one department, year and kind, and the files one report is split over.

A department publishes each year a budget and a final account; some publish a report as two files,
the text (部门预算.pdf: prose, no tables) and the tables (预算公开表格.pdf / 公开表: tables, no prose).
Files are grouped by the department's normalised name, the year and the kind their own text gives
(never by file name).  Within a group:

- one file with prose and no table, and one with tables and no prose: the **parts of one report**
  (``split``), checked as one: the prose rules see the sibling's tables;
- two or more full reports (a corrected re-publication; a 部门 and a 单位 report of one name):
  kept apart, never merged (``duplicate``), and said so;
- otherwise each file is a report of its own (``single``).

The set of a document is also its department's identity across years: the normalised name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Spellings of one name (中国共产党江苏省委员会办公厅 = 中共江苏省委办公厅 = 江苏省委办公厅).
_EQUIVALENT = (
    (re.compile(r"^(中国共产党|中共)"), ""),
    (re.compile(r"人民代表大会常务委员会|人大常委会"), "人大"),
    (re.compile(r"中国人民政治协商会议|政治协商会议"), "政协"),
    (re.compile(r"委员会"), "委"),
)
_NOISE = re.compile(r"[\s\u3000（）()“”\"'《》·・]")


def normalise_department(name: str | None) -> str | None:
    """A department's name as its identity: width folded, spaces and brackets gone, the usual
    long and short forms of party, congress and CPPCC names made one."""
    if not name:
        return None
    s = _NOISE.sub("", unicodedata.normalize("NFKC", name))
    for pattern, repl in _EQUIVALENT:
        s = pattern.sub(repl, s)
    s = _EQUIVALENT[0][0].sub("", s)  # "中共" again after 委员会 → 委 ("中共…委员会" forms)
    return s or None


@dataclass(frozen=True)
class Member:
    """One file of a set, as its check entry describes it."""

    path: str
    sha256: str
    role: str  # 'report' (prose and tables) | 'text' (prose, no table) | 'tables' (tables, no prose) | 'other'

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "role": self.role}


@dataclass(frozen=True)
class DocumentSet:
    id: str
    department: str | None  # normalised name
    year: int | None
    kind: str | None
    form: str  # 'single' | 'split' (one report, text and tables apart) | 'duplicate' (kept apart)
    members: tuple[Member, ...]

    def member(self, role: str) -> Member | None:
        return next((m for m in self.members if m.role == role), None)

    def to_dict(self) -> dict[str, Any]:
        return {"set_id": self.id, "department": self.department, "year": self.year, "kind": self.kind,
                "form": self.form, "documents": [m.to_dict() for m in self.members]}


def role_of(entry: Mapping[str, Any]) -> str:
    """What one file holds: prose with tables, prose only, tables only (a check entry's view)."""
    has_tables = bool(entry.get("tables"))
    has_prose = bool(entry.get("claims")) or bool(entry.get("prose_paragraphs"))
    if has_tables and has_prose:
        return "report"
    if has_tables:
        return "tables"
    if has_prose:
        return "text"
    return "other"


def _set_id(department: str | None, year: int | None, kind: str | None, shas: Iterable[str]) -> str:
    key = f"{department}|{year}|{kind}|" + ",".join(sorted(shas))
    return "s" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def group(entries: Iterable[Mapping[str, Any]]) -> list[DocumentSet]:
    """The sets of these check entries (documents that could not be read belong to none).

    A document whose department or year is unknown is a set of its own: nothing is paired on a guess.
    """
    by_key: dict[tuple[str, int, str], list[Member]] = {}
    sets: list[DocumentSet] = []
    for e in entries:
        if e.get("status") != "ok" or not e.get("sha256"):
            continue
        meta = e.get("meta") or {}
        member = Member(str(e["path"]), str(e["sha256"]), role_of(e))
        dept, year, kind = normalise_department(meta.get("department")), meta.get("year"), meta.get("kind")
        if dept and year and kind:
            by_key.setdefault((dept, int(year), str(kind)), []).append(member)
        else:
            sets.append(DocumentSet(_set_id(dept, year, kind, [member.sha256]), dept, year, kind, "single",
                                    (member,)))
    for (dept, year, kind), members in by_key.items():
        members.sort(key=lambda m: m.path)
        roles = [m.role for m in members]
        if sorted(roles) == ["tables", "text"]:
            form = "split"
        elif max(roles.count("report"), roles.count("text"), roles.count("tables")) > 1:
            form = "duplicate"  # two publications of one report: each is checked alone
        else:
            form = "single"
        sets.append(DocumentSet(_set_id(dept, year, kind, [m.sha256 for m in members]), dept, year, kind,
                                form, tuple(members)))
    sets.sort(key=lambda s: (s.department or "", s.year or 0, s.kind or "", s.members[0].path))
    return sets


# ------------------------------------------------------------------ one report over two files


def combine_split(text_doc: Any, tables_doc: Any) -> Any:
    """The report a text file and its tables file make together: the text's pages, then the tables
    file's pages numbered on after them, and its tables (their pages, rows and cells renumbered
    alike), so that every rule reads one consistent document.  :func:`split_back` maps the
    entry of the combined document back to the two files."""
    from dataclasses import replace

    from extraction.model import new_cell, new_row

    off = len(text_doc.pages)

    def shift_row(row: Any) -> Any:
        # (the fast constructors, not dataclasses.replace: a split report's every cell is made again)
        cells = tuple(None if c is None else new_cell(c.text, c.value, c.decimals, c.page + off, c.bbox, c.start, c.end)
                      for c in row.cells)
        return new_row(row.index, row.block, row.code, row.name, cells, row.columns, row.page + off, row.line_no,
                       row.name_bbox, row.unit)

    tables = tuple(replace(t, pages=tuple(p + off for p in t.pages), rows=tuple(shift_row(r) for r in t.rows))
                   for t in tables_doc.tables)
    pages = tuple(text_doc.pages) + tuple(replace(p, number=p.number + off) for p in tables_doc.pages)
    meta = replace(text_doc.meta, pages=len(pages), unit=text_doc.meta.unit or tables_doc.meta.unit)
    return replace(text_doc, pages=pages, tables=tuple(text_doc.tables) + tables, meta=meta)


def split_back(entry: dict[str, Any], n_text_pages: int, text: Member, tables: Member) -> dict[str, Any]:
    """The combined document's check entry as the text file's: every evidence item and claim target
    names its file (``document``: path and sha256) and that file's own page; findings that rest on
    the tables file alone (its own footing, reported in its own entry) are dropped; the tables
    listed are the text file's (none)."""
    def place(item: dict[str, Any]) -> None:
        page = item.get("page")
        if isinstance(page, int) and page > n_text_pages:
            item["page"] = page - n_text_pages
            item["document"] = {"path": tables.path, "sha256": tables.sha256}
        else:
            item["document"] = {"path": text.path, "sha256": text.sha256}

    kept = []
    for f in entry.get("findings") or []:
        for ev in f.get("evidence") or []:
            place(ev)
        if any(ev["document"]["sha256"] == text.sha256 for ev in f.get("evidence") or []):
            kept.append(f)
    entry["findings"] = kept
    for c in entry.get("claims") or []:
        if c.get("target"):
            place(c["target"])
        if c.get("findings"):
            c["findings"] = [fid for fid in c["findings"] if any(f["id"] == fid for f in kept)]
    entry["tables"] = []
    meta = entry.get("meta") or {}
    meta["pages"] = n_text_pages
    return entry


@dataclass(frozen=True)
class SetReading:
    """A set's report as its rules read it (the split report combined), and how to name the file
    and page of a place in it."""

    doc: Any
    entry_member: Member  # the file whose entry holds the report's findings (the text of a split report)
    tables_member: Member | None = None  # a split report's tables file
    text_pages: int = 0  # a split report's pages of text (later pages are the tables file's)

    def place(self, item: dict[str, Any]) -> None:
        """``document`` (path and sha256) and that file's own page on an evidence item."""
        page = item.get("page")
        if self.tables_member is not None and isinstance(page, int) and page > self.text_pages:
            item["page"] = page - self.text_pages
            item["document"] = {"path": self.tables_member.path, "sha256": self.tables_member.sha256}
        else:
            item["document"] = {"path": self.entry_member.path, "sha256": self.entry_member.sha256}


def split_reading(text_doc: Any, tables_doc: Any, text: Member, tables: Member) -> SetReading | None:
    """The report a text file and its tables file make (None when either document is not the one
    grouped: a file changed since)."""
    if not (text_doc.ok and tables_doc.ok) or (text_doc.sha256, tables_doc.sha256) != (text.sha256, tables.sha256):
        return None
    return SetReading(combine_split(text_doc, tables_doc), text, tables, len(text_doc.pages))


def entry_member(s: DocumentSet) -> Member | None:
    """The file whose entry holds a set's report (the text of a split report, the one report of a
    single set); None for a set that is not one report (several texts, no prose)."""
    if s.form == "split":
        return s.member("text")
    reports = [m for m in s.members if m.role == "report"]
    return reports[0] if s.form == "single" and len(reports) == 1 else None


def read_set(s: DocumentSet, files: Mapping[str, Any], ocr: str = "auto") -> SetReading | None:
    """The report of a set read again from its files (``files``: entry path → file; ``ocr``: as
    ``read_document``'s); None for a set that is not one report (several texts, no prose) or whose
    files changed."""
    from extraction.reader import read_document

    def read(m: Member) -> Any:
        return read_document(files[m.path], m.path, ocr=ocr)

    return reading_of(s, read)


def reading_of(s: DocumentSet, load: Callable[[Member], Any]) -> SetReading | None:
    """The report of a set from its members' documents (``load``: a member → its Document, or None
    when it cannot be had); None for a set that is not one report (several texts, no prose) or
    whose documents are not the ones grouped (a file changed since)."""
    def doc_of(m: Member) -> Any:
        doc = load(m)
        return doc if doc is not None and doc.ok and doc.sha256 == m.sha256 else None

    if s.form == "split":
        text, tables = s.member("text"), s.member("tables")
        t, tb = doc_of(text), doc_of(tables)
        return None if t is None or tb is None else split_reading(t, tb, text, tables)
    report = entry_member(s)
    if report is None:
        return None
    doc = doc_of(report)
    return None if doc is None else SetReading(doc, report)
