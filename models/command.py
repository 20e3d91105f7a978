"""``crossfoot score``: department-years ranked by how unusual their spending is, with reasons.

Where the figures come from (``--store``):

* a review store (DuckDB, ``crossfoot review``).  The store keeps documents, claims and findings
  but not table cells, so each reviewed document is read again from its stored path (its sha256
  must still match) and :func:`models.features.document_facts` is computed from the Document, the
  store's claims and its findings.  If the store has a ``document_facts`` table
  (``sha256``, ``facts`` JSON), those facts are used instead and nothing is re-read.
* a ``.jsonl`` file of document facts (one :func:`~models.features.document_facts` per line, as
  ``bench/anomaly.py`` caches them) or of feature rows;
* a ``.parquet`` file of feature rows (no Benford tests then: they need the documents' digits).

The model is fitted on the department-years given, unless ``--model FILE`` names a model saved
before with ``--save-model FILE`` (skops format, never a pickle).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Any

log = logging.getLogger("crossfoot.models")

EXIT_OK, EXIT_USAGE = 0, 2


class InputError(Exception):
    """The --store argument cannot be read."""


def _store_facts(path: Path) -> list[dict[str, Any]]:
    import duckdb

    from extraction.reader import read_document
    from models.features import document_facts

    try:
        con = duckdb.connect(str(path), read_only=True)
    except Exception as e:  # duckdb raises its own IOException/InvalidInputException
        raise InputError(f"{path}: cannot open the store: {e}") from e
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "documents" not in tables:
            raise InputError(f"{path}: not a crossfoot review store (no documents table)")
        if "document_facts" in tables:
            return [json.loads(r[0]) for r in con.execute("SELECT facts FROM document_facts").fetchall()]
        docs = con.execute("SELECT sha256, path FROM documents WHERE status = 'ok' ORDER BY path").fetchall()
        claim_cols = ["kind", "metric", "value", "unit", "yuan", "period", "scope"]
        claims: dict[str, list[dict[str, Any]]] = {}
        for row in con.execute(f"SELECT sha256, {', '.join(claim_cols)} FROM claims").fetchall():
            claims.setdefault(row[0], []).append(dict(zip(claim_cols, row[1:])))
        findings: dict[str, list[dict[str, Any]]] = {}
        for sha, sev in con.execute("SELECT sha256, severity FROM findings").fetchall():
            findings.setdefault(sha, []).append({"severity": sev})
    finally:
        con.close()
    out = []
    for sha, doc_path in docs:
        doc = read_document(Path(doc_path))
        if not doc.ok or doc.sha256 != sha:
            print(f"crossfoot: warning: {doc_path}: "
                  + ("changed since it was reviewed" if doc.ok else f"cannot be read again ({doc.error.code})")
                  + "; left out of the scores", file=sys.stderr)
            continue
        out.append(document_facts(doc, claims.get(sha, []), findings.get(sha, [])))
    return out


def load_inputs(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None]:
    """(feature rows, document facts or None) from a store, a facts/rows .jsonl or a .parquet."""
    from models.features import feature_rows

    if not path.exists():
        raise InputError(f"{path}: no such store or file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pandas as pd

        return pd.read_parquet(path).to_dict("records"), None
    if suffix in (".jsonl", ".json"):
        lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        if lines and "kind" in lines[0] and "type" not in lines[0]:
            facts = [f for f in lines if "error" not in f]
            return feature_rows(facts), facts
        return lines, None
    facts = _store_facts(path)
    return feature_rows(facts), facts


def score_inputs(rows: list[dict[str, Any]], facts: list[dict[str, Any]] | None, model_path: str | None = None,
                 save_path: str | None = None) -> dict[str, Any]:
    """The ``crossfoot score`` result: departments ranked (score, reasons), Benford tests, model."""
    from models.anomaly import AnomalyScorer, load_model, save_model
    from models.benford import corpus_benford

    if model_path:
        scorer = load_model(model_path)
    else:
        if len(rows) < 2:
            raise InputError(f"need at least 2 department-years to fit a model, found {len(rows)}")
        scorer = AnomalyScorer().fit(rows)
    if save_path:
        save_model(scorer, save_path)
    result = scorer.score(rows) if rows else {"departments": [], "model": scorer.describe()}
    result["benford"] = corpus_benford(facts) if facts is not None else None
    return result


def render_text(result: dict[str, Any], limit: int = 50) -> str:
    lines = [f"{'rank':>4} {'score':>6}  department-year (peer group): reasons"]
    # Two departments of one name (told apart by their printed codes) show their codes.
    names = Counter((d["department"], d["year"]) for d in result["departments"])
    for d in result["departments"][:limit]:
        shared = d.get("department_code") and names[(d["department"], d["year"])] > 1
        code = f" [{d['department_code']}]" if shared else ""
        lines.append(f"{d['rank']:>4} {d['score']:>6.3f}  {d['department']}{code} {d['year']} "
                     f"({d['peer_group']})")
        for r in d["reasons"]:
            lines.append(f"{'':>13}{r['text']}  [effect {r['effect']:+.3f}]")
    n = len(result["departments"])
    if n > limit:
        lines.append(f"… {n - limit} more department-years (use --format json for all)")
    lines.append(f"{n} department-years scored; higher score = more unusual among peers")
    bf = result.get("benford")
    if bf:
        for test, c in bf["corpus"].items():
            if not isinstance(c, dict):
                continue
            mad = "—" if c["mad"] is None else f"{c['mad']:.4f}"
            lines.append(f"Benford {test.replace('_', ' ')}: {c['n']} amounts, MAD {mad}, {c['conformity']}"
                         + (f" — {c['warning']}" if c.get("warning") else ""))
    return "\n".join(lines)


def run_score(args: argparse.Namespace) -> int:
    from crossfoot.output import write_report
    from crossfoot.store import DEFAULT_STORE

    store = args.store if args.store is not None else DEFAULT_STORE
    try:
        rows, facts = load_inputs(Path(store))
        result = score_inputs(rows, facts, args.model, args.save_model)
    except (InputError, ValueError, OSError) as e:
        print(f"crossfoot: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        out = json.dumps(result, ensure_ascii=False, indent=1)
    else:
        out = render_text(result)
    write_report(out, args.output)
    return EXIT_OK
