"""Record the golden outputs of ``crossfoot check`` on every report of tests/data (seeds and real).

    python tests/golden/record.py          # writes tests/golden/**/*.json
    python tests/golden/record.py --check  # prints the files that would change, writes nothing

For each file, one compact canonical JSON (``tests/golden/<the file's path under tests/data>.json``):
its read (meta, notes, each table's kind, number, unit, pages and every row's code, name and cell
values), its claims (figure, place, status, reason, target, tied_by, findings), its findings (rule,
severity, message, expected, observed, tolerance, evidence places, documents) and its rule errors,
after the document sets were checked as ``crossfoot check`` checks them (split reports, CF9xx);
``tests/golden/sets.json`` holds the sets.  ``tests/test_golden.py`` compares the current output
with them exactly.  Run this script only when a change of output is intended, and review the diff.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
DATA = ROOT / "tests" / "data"
FOLDERS = ("seeds", "real")

_CLAIM_FIELDS = ("id", "kind", "metric", "value", "unit", "period", "scope", "base", "direction", "page", "start",
                 "end", "status", "reason", "target", "tied_by", "findings")
_FINDING_FIELDS = ("id", "rule", "severity", "message", "expected", "observed", "difference", "tolerance",
                   "damaged_text", "documents")
_EVIDENCE_FIELDS = ("source", "page", "value", "table", "row", "column", "start", "end", "document")


def data_files() -> list[Path]:
    """The files ``crossfoot check tests/data/seeds tests/data/real`` reads, in its order."""
    from crossfoot.pipeline import iter_files

    return list(iter_files([DATA / f for f in FOLDERS]))


def golden_path(path: str) -> Path:
    """Where the golden output of a file of tests/data (given by its path under tests/data) is kept."""
    return GOLDEN / f"{path}.json"


def _table(t: Any) -> dict[str, Any]:
    return {"id": t.id, "kind": t.kind, "number": t.number, "title": t.title, "unit": t.unit,
            "pages": list(t.pages), "empty": t.empty,
            "rows": [[r.block, r.code, r.name, r.unit,
                      [[ci, c.value, c.decimals] for ci, c in zip(r.columns, r.cells)
                       if c is not None and c.value is not None]] for r in t.rows]}


def _evidence(ev: dict[str, Any]) -> dict[str, Any]:
    return {k: ev[k] for k in _EVIDENCE_FIELDS if k in ev}


def _finding(f: dict[str, Any]) -> dict[str, Any]:
    out = {k: f[k] for k in _FINDING_FIELDS if k in f}
    out["evidence"] = [_evidence(ev) for ev in f.get("evidence") or ()]
    return out


def canonical(entry: dict[str, Any], tables: list[dict[str, Any]]) -> dict[str, Any]:
    """The golden record of one document: its check entry cut to what is compared, with its tables."""
    return {
        "path": entry["path"], "sha256": entry["sha256"], "status": entry["status"], "error": entry.get("error"),
        "meta": entry.get("meta"), "notes": entry.get("notes", []), "set_id": entry.get("set_id"),
        "sibling": entry.get("sibling"), "set_checks": entry.get("set_checks", []),
        "tables": tables,
        "claims": [{k: c.get(k) for k in _CLAIM_FIELDS} for c in entry.get("claims") or ()],
        "findings": [_finding(f) for f in entry.get("findings") or ()],
        "rule_errors": entry.get("rule_errors", []),
    }


def current() -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """What the code now gives: the golden record of each file of tests/data (by its path under
    tests/data) and the document sets, as ``crossfoot check`` makes them (each file read and
    checked, then the sets checked)."""
    from crossfoot.pipeline import check_read, check_sets
    from extraction.reader import read_document

    files = data_files()
    names = {f: f.relative_to(DATA).as_posix() for f in files}
    entries, tables = [], {}
    for f in files:
        doc = read_document(f, names[f])
        tables[names[f]] = [_table(t) for t in doc.tables]
        entries.append(check_read(doc))
    sets = check_sets(entries, {names[f]: f for f in files})
    records = {e["path"]: canonical(e, tables[e["path"]]) for e in entries}
    return records, [s.to_dict() for s in sets]


def dumps(record: Any) -> str:
    """The golden file's text: each element of a top-level list on its own line, so that a change
    shows as a readable diff of the lines that changed."""
    if not isinstance(record, dict):
        return "[\n" + ",\n".join(_line(x) for x in record) + "\n]\n"
    parts = []
    for k, v in record.items():
        if isinstance(v, list) and v:
            inner = ",\n".join("  " + _element(x) for x in v)
            parts.append(f" {json.dumps(k)}: [\n{inner}\n ]")
        else:
            parts.append(f" {json.dumps(k)}: {_line(v)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _element(v: Any) -> str:
    """One element of a top-level list on its line; a table's rows each on a line of their own."""
    if not (isinstance(v, dict) and isinstance(v.get("rows"), list) and v["rows"]):
        return _line(v)
    head = _line({k: x for k, x in v.items() if k != "rows"})
    rows = ",\n".join("    " + _line(r) for r in v["rows"])
    return f'{head[:-1]},"rows":[\n{rows}\n  ]}}'


def _line(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only list the golden files that differ")
    args = ap.parse_args(argv)
    records, sets = current()
    wanted = {golden_path(p): dumps(r) for p, r in records.items()}
    wanted[GOLDEN / "sets.json"] = dumps(sets)
    stale = sorted(p for p in GOLDEN.rglob("*.json") if p not in wanted)
    changed = [p for p, text in wanted.items() if not p.exists() or p.read_text("utf-8") != text]
    for p in changed:
        print(("differs: " if args.check else "wrote: ") + str(p.relative_to(ROOT)))
        if not args.check:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(wanted[p], "utf-8")
    for p in stale:
        print(("stale: " if args.check else "removed: ") + str(p.relative_to(ROOT)))
        if not args.check:
            p.unlink()
    return 1 if args.check and (changed or stale) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
