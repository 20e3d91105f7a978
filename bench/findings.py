"""Detection of planted errors on a generated corpus: recall and precision per error kind.

Usage:
  python bench/findings.py [--out DIR] [--departments N] [--years 2023-2024] [--seed S]
                           [--format pdf|txt] [--workers W] [--show-fp N] [--show-fn N]

Generates the corpus (every error kind, errors in 60 % of documents) unless DIR already holds
one, checks every document with the same pipeline as `crossfoot check`, and matches findings
to the planted errors of truth.jsonl:

- a planted error is *found* when a finding on its document has an evidence page equal to the
  error's page and a figure (observed, expected or an evidence value) equal to one of the
  error's values (within printing precision, or off by exactly 10^4 for unit slips); errors
  with no values (a wrong department name, a missing table) are found by the rule that checks
  them;
- a finding is a true positive when it matches a planted error, a false positive otherwise.
  A false positive counts against the kind its rule is meant to catch (RULE_KIND below).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crossfoot.pipeline import check_document

RULE_KIND = {
    "CF101": "row_sum_mismatch", "CF102": "row_sum_mismatch", "CF103": "row_sum_mismatch",
    "CF104": "row_sum_mismatch", "CF105": "row_sum_mismatch", "CF106": "row_sum_mismatch",
    "CF107": "row_shift",
    "CF201": "cross_table_mismatch", "CF202": "cross_table_mismatch", "CF203": "cross_table_mismatch",
    "CF204": "cross_table_mismatch", "CF205": "cross_table_mismatch",
    "CF301": "prose_table_mismatch", "CF302": "count_mismatch", "CF303": "prose_table_mismatch",
    "CF401": "wrong_share", "CF402": "wrong_growth", "CF403": "execution_rate_base",
    "CF404": "comparison_word", "CF405": "wrong_share", "CF406": "execution_rate_base", "CF407": "wrong_growth",
    "CF501": "unit_slip", "CF502": "unit_slip",
    "CF601": "wrong_year", "CF602": "wrong_department", "CF603": "missing_table",
}
NO_VALUE_RULES = {"wrong_department": {"CF602"}, "missing_table": {"CF603", "CF803"}, "wrong_year": {"CF601"}}


def _close(a: float, b: float) -> bool:
    a, b = abs(a), abs(b)  # truth records printed numbers; findings keep 下降/减少 negative
    if abs(a - b) <= 0.0051 + 1e-9 * abs(b):
        return True
    return any(abs(a * f - b) <= 0.0051 * max(1, f) for f in (1e4, 1e-4))


def _figures(f: dict) -> list[float]:
    vals = [f.get("observed"), f.get("expected")]
    vals += [e.get("value") for e in f.get("evidence", [])]
    return [v for v in vals if isinstance(v, (int, float))]


def _pages(f: dict) -> set[int]:
    return {e["page"] for e in f.get("evidence", []) if e.get("page")}


def matches(err: dict, f: dict) -> bool:
    kind = err["kind"]
    if kind == "unit_slip" and "header" in err.get("where", "") and f["rule"] == "CF502":
        return not err.get("page") or err["page"] in _pages(f)  # the header's page, whatever figure
    if not err.get("values") or kind in NO_VALUE_RULES and f["rule"] in NO_VALUE_RULES[kind]:
        return f["rule"] in NO_VALUE_RULES.get(kind, set())
    if err.get("page") and err["page"] not in _pages(f):
        return False
    m = re.search(r"row (\d{3,7})", err.get("where", ""))
    if m and kind in ("row_sum_mismatch", "row_shift") and any(
            (e.get("row") or "") == m.group(1) for e in f.get("evidence", [])):
        return True  # another column of the same row, changed with it to keep the row footing
    figs = _figures(f)
    return any(_close(v, x) for v in err["values"][:1] for x in figs) or (
        kind in ("unit_slip", "row_shift", "cross_table_mismatch") and
        any(_close(v, x) for v in err["values"] for x in figs))


def _check(path: str) -> tuple[str, dict, float]:
    t0 = time.perf_counter()
    d = check_document(Path(path))
    return path, d, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "bench/out/findings-corpus"))
    ap.add_argument("--departments", type=int, default=80)
    ap.add_argument("--years", default="2023-2024")
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--errors", type=float, default=0.6)
    ap.add_argument("--format", choices=["pdf", "txt"], default="pdf")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--show-fp", type=int, default=0)
    ap.add_argument("--show-fn", type=int, default=0)
    args = ap.parse_args()

    out = Path(args.out)
    if not (out / "truth.jsonl").exists():
        from corpus.generate import generate_corpus, parse_years

        generate_corpus(out=out, departments=args.departments, years=parse_years(args.years),
                        errors=args.errors, anomalies=0.0, seed=args.seed, fmt=args.format,
                        error_kinds=None, workers=args.workers)
    truth = {}
    for line in (out / "truth.jsonl").read_text("utf-8").splitlines():
        t = json.loads(line)
        name = next((f for f in t.get("files", [t["file"]]) if f.endswith("." + args.format)), t["file"])
        truth[name] = t
    paths = [str(out / n) for n in sorted(truth)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as ex:
        results = list(ex.map(_check, paths, chunksize=4))
    wall = time.perf_counter() - t0

    found = Counter()
    total = Counter()
    tp = Counter()
    fp = Counter()
    fps: list[tuple[str, dict]] = []
    fns: list[tuple[str, dict]] = []
    pages = 0
    unread = 0
    for path, d, _ in results:
        name = Path(path).name
        t = truth[name]
        if d["status"] != "ok":
            unread += 1
            continue
        pages += d["meta"]["pages"]
        errs = t["errors"]
        hit = [False] * len(errs)
        for f in d["findings"]:
            m = [i for i, e in enumerate(errs) if matches(e, f)]
            if m:
                for i in m:
                    hit[i] = True
                tp[errs[m[0]]["kind"]] += 1
            else:
                k = RULE_KIND.get(f["rule"], "other")
                fp[k] += 1
                fps.append((name, f))
        for e, h in zip(errs, hit):
            total[e["kind"]] += 1
            found[e["kind"]] += h
            if not h:
                fns.append((name, e))
    kinds = sorted(set(total) | set(fp) | set(tp))
    print(f"corpus: {out}  documents: {len(results)} ({unread} unread)  pages: {pages}  "
          f"format: {args.format}  checked in {wall:.1f} s with {args.workers} workers "
          f"({pages / wall:.1f} pages/s)")
    print(f"{'kind':24s} {'planted':>8s} {'found':>6s} {'recall':>7s} {'TP':>5s} {'FP':>5s} {'precision':>9s}")
    for k in kinds:
        rec = found[k] / total[k] if total[k] else float("nan")
        prec = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else float("nan")
        print(f"{k:24s} {total[k]:8d} {found[k]:6d} {rec:7.3f} {tp[k]:5d} {fp[k]:5d} {prec:9.3f}")
    T, F, P = sum(total.values()), sum(found.values()), sum(tp.values())
    print(f"{'overall':24s} {T:8d} {F:6d} {F / T if T else 0:7.3f} {P:5d} {sum(fp.values()):5d} "
          f"{P / (P + sum(fp.values())) if P + sum(fp.values()) else 0:9.3f}")
    for name, f in fps[: args.show_fp]:
        ev = f["evidence"][0] if f["evidence"] else {}
        print(f"FP {name} p.{ev.get('page')} {f['rule']} {f['message']}")
    for name, e in fns[: args.show_fn]:
        print(f"FN {name} {e['kind']} p.{e.get('page')} {e.get('values')} {e.get('where')}")


if __name__ == "__main__":
    main()
