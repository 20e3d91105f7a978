"""Claim extraction bench: precision/recall against the gold set, and speed.

Usage: python bench/claims.py [--reps N] [--errors] [--show-errors]

--errors lists, per document, the claims whose metric is wrong (gold and
predicted metric side by side), the gold claims not found at all and the
predicted claims the gold does not have.  --show-errors prints the raw
unmatched lists of both passes.

Gold: tests/gold/claims/manifest.yaml (documents and their JSONL claims).
Gold and predicted claims are matched per document, one to one and greedily,
on (page, kind, value) with values equal within 1e-9 (a comparison has value
null and matches on null); a second pass also requires the metric.  Speed is
prose bytes (UTF-8 paragraph text) over extraction seconds, reading excluded,
best of several repetitions on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml

from extraction.claims import extract_claims
from extraction.reader import read_document

GOLD_DIR = ROOT / "tests" / "gold" / "claims"


def _same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9


def match(gold: list[dict], pred: list[dict], with_metric: bool) -> tuple[int, list[dict], list[dict]]:
    """Greedy one-to-one matching; returns (true positives, unmatched gold, unmatched predicted)."""
    used = [False] * len(pred)
    missed = []
    tp = 0
    for g in gold:
        hit = None
        for i, p in enumerate(pred):
            if used[i] or p["page"] != g["page"] or p["kind"] != g["kind"] or not _same_value(p["value"], g["value"]):
                continue
            if with_metric and p.get("metric") != g.get("metric"):
                continue
            hit = i
            break
        if hit is None:
            missed.append(g)
        else:
            used[hit] = True
            tp += 1
    extra = [p for i, p in enumerate(pred) if not used[i]]
    return tp, missed, extra


def metric_errors(gold: list[dict], pred: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """(wrong-metric pairs (gold, predicted), missed gold, extra predicted) of one document.

    Claims that match with the metric are set aside first; the rest are paired
    on (page, kind, value) alone, so a pair is a figure found with the wrong metric.
    """
    _, missed_m, extra_m = match(gold, pred, True)
    used = [False] * len(extra_m)
    wrong, missed = [], []
    for g in missed_m:
        hit = next((i for i, p in enumerate(extra_m) if not used[i] and p["page"] == g["page"]
                    and p["kind"] == g["kind"] and _same_value(p["value"], g["value"])), None)
        if hit is None:
            missed.append(g)
        else:
            used[hit] = True
            wrong.append((g, extra_m[hit]))
    return wrong, missed, [p for i, p in enumerate(extra_m) if not used[i]]


def _snippet(text: str, n: int = 60) -> str:
    return text.replace("\n", "⏎")[:n]


def print_errors(name: str, gold: list[dict], pred: list[dict]) -> None:
    wrong, missed, extra = metric_errors(gold, pred)
    if not (wrong or missed or extra):
        return
    print(f"== {name}: {len(wrong)} wrong metric, {len(missed)} missed, {len(extra)} extra")
    for g, p in wrong:
        print(f"  METRIC p{g['page']} {g['kind']} {g['value']} {g['unit'] or ''}: gold {g['metric']} ≠ {p['metric']}"
              f" [{p['label'][:20]}] | {_snippet(g['text'])}")
    for g in missed:
        print(f"  MISS   p{g['page']} {g['kind']} {g['value']} {g['unit'] or ''} {g['metric']} | {_snippet(g['text'])}")
    for p in extra:
        print(f"  EXTRA  p{p['page']} {p['kind']} {p['value']} {p['unit'] or ''} {p['metric']} [{p['label'][:20]}]"
              f" | {_snippet(p['text'])}")


def _in_cell(doc, claim: dict) -> bool:
    """Whether a claim stands in a paragraph read from a table cell."""
    return any(p.cell is not None and any(x.page == claim["page"] and x.start <= claim["start"] < x.end + 1
                                          for x in p.pieces) for p in doc.paragraphs)


def load_manifest() -> list[dict]:
    man = GOLD_DIR / "manifest.yaml"
    if not man.exists():
        return []
    return (yaml.safe_load(man.read_text(encoding="utf-8")) or {}).get("documents", [])


def evaluate(show_errors: bool = False, errors: bool = False) -> dict:
    rows = []
    totals = {"vk": [0, 0, 0], "vkm": [0, 0, 0]}  # tp, n_gold, n_pred
    docs = []
    for entry in load_manifest():
        gpath = GOLD_DIR / entry["gold"]
        dpath = ROOT / entry["document"]
        if not gpath.exists() or not dpath.exists():
            continue
        gold = [json.loads(line) for line in gpath.read_text(encoding="utf-8").splitlines() if line.strip()]
        doc = read_document(dpath)
        docs.append(doc)
        # the gold annotates prose outside tables (GUIDELINES.md): claims read from table cells
        # (extraction.cell_prose) are outside its scope and counted apart
        all_pred = [c.to_dict() for c in extract_claims(doc)]
        pred = [c for c in all_pred if not _in_cell(doc, c)]
        row = {"document": entry["gold"].rsplit(".", 1)[0], "gold": len(gold), "pred": len(pred),
               "cell_claims": len(all_pred) - len(pred)}
        if errors:
            print_errors(row["document"], gold, pred)
        for key, wm in (("vk", False), ("vkm", True)):
            tp, missed, extra = match(gold, pred, wm)
            totals[key][0] += tp
            totals[key][1] += len(gold)
            totals[key][2] += len(pred)
            row[key] = (tp / len(pred) if pred else 0.0, tp / len(gold) if gold else 0.0)
            if show_errors:
                for g in missed:
                    print(f"  MISS[{key}] {row['document']} p{g['page']} {g['kind']} {g.get('metric')} {g['value']} {g['unit']} | {g['text'][:70]!r}")
                for p in extra:
                    print(f"  EXTRA[{key}] {row['document']} p{p['page']} {p['kind']} {p.get('metric')} {p['value']} {p['unit']} | {p['label'][:30]!r} | {p['text'][:60]!r}")
        rows.append(row)
    overall = {k: (v[0] / v[2] if v[2] else 0.0, v[0] / v[1] if v[1] else 0.0) for k, v in totals.items()}
    return {"rows": rows, "overall": overall, "docs": docs}


def speed(docs: list, reps: int) -> tuple[float, int, float]:
    """(MB/s, prose bytes, best seconds) of extraction alone over the documents."""
    if not docs:
        seed_dir = ROOT / "tests" / "data" / "seeds"
        docs = [read_document(p) for p in sorted(seed_dir.glob("*.txt"))]
    nbytes = sum(len(p.text.encode("utf-8")) for d in docs for p in d.paragraphs)
    extract_claims(docs[0])  # warm-up: load patterns and lexicon
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        for d in docs:
            extract_claims(d)
        best = min(best, time.perf_counter() - t)
    return nbytes / 1e6 / best, nbytes, best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--errors", action="store_true", help="list wrong metrics, misses and extras per document")
    ap.add_argument("--show-errors", action="store_true", help="raw unmatched claims of both passes")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        except OSError:
            pass
    res = evaluate(args.show_errors, args.errors)
    if not res["rows"]:
        print("no gold documents found under tests/gold/claims (manifest.yaml)")
    else:
        head = f"{'document':<24} {'gold':>5} {'pred':>5}   {'P v+k':>6} {'R v+k':>6}   {'P v+k+m':>7} {'R v+k+m':>7}"
        print(head)
        print("-" * len(head))
        for r in res["rows"]:
            print(f"{r['document']:<24} {r['gold']:>5} {r['pred']:>5}   {r['vk'][0]:>6.3f} {r['vk'][1]:>6.3f}   "
                  f"{r['vkm'][0]:>7.3f} {r['vkm'][1]:>7.3f}")
        print("-" * len(head))
        o = res["overall"]
        ng = sum(r["gold"] for r in res["rows"])
        npred = sum(r["pred"] for r in res["rows"])
        print(f"{'overall':<24} {ng:>5} {npred:>5}   {o['vk'][0]:>6.3f} {o['vk'][1]:>6.3f}   {o['vkm'][0]:>7.3f} {o['vkm'][1]:>7.3f}")
    mbs, nbytes, secs = speed(res["docs"], args.reps)
    print(f"\nspeed: {mbs:.2f} MB/s of prose ({nbytes / 1e6:.3f} MB in {secs * 1000:.1f} ms, best of {args.reps}, one core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
