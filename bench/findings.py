"""Detection of planted errors on a generated corpus: recall and precision per error kind.

Usage:
  python bench/findings.py [--out DIR] [--departments N] [--years 2023-2024] [--seed S]
                           [--format pdf|txt|xlsx|html|docx|scan] [--workers W] [--show-fp N] [--show-fn N]

Generates the corpus (every error kind, errors in 60 % of documents; a share of departments
publishing each report as a text file and a tables file, `--split`; errors between documents in
a share of reports, `--cross-errors`; budgets stating last year's execution, and the errors of last
year's figures planted too, unless `--no-prior-figures`) unless DIR already holds one, checks every file as
`crossfoot check` does — each file alone, then the document sets (a split report's text with its
tables file, each report against last year's and a final account against the year's budget:
`check_sets`) — and matches findings to the planted errors of truth.jsonl:

- a planted error is *found* when a finding on its document has an evidence page equal to the
  error's page and a figure (observed, expected or an evidence value) equal to one of the
  error's values (within printing precision, or off by exactly 10^4 for unit slips); errors
  with no values (a wrong department name, a missing table) are found by the rule that checks
  them;
- a finding is a true positive when it matches a planted error, a false positive otherwise.
  A false positive counts against the kind its rule is meant to catch (RULE_KIND below; a prose
  finding whose evidence lies in both files of a split report counts against `split_mismatch`).

Pages are pages of a file: an error of a split report names its file (`part`: text or tables),
and a finding's evidence names its file (`document`) when it is not the entry's own; a finding
can match an error of any report its evidence lies in (a change against last year's report).
The errors between documents (CROSS_KINDS) are reported in a table of their own.
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

from corpus.errors import CROSS_KINDS
from crossfoot.pipeline import check_document, check_sets

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
    "CF901": "prior_year_restated", "CF902": "budget_vs_final_mismatch",
    "CF903": "prior_column_restated", "CF904": "execution_vs_final_mismatch",
}
PROSE_RULES = {"CF301", "CF303"}  # in a split report, the text's figures against the tables file
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


def _pages(f: dict, own: str = "") -> set[tuple[str, int]]:
    """The (file name, page) of each evidence item (the entry's own file unless it names another)."""
    return {(Path((e.get("document") or {}).get("path") or own).name, e["page"])
            for e in f.get("evidence", []) if e.get("page")}


def _files(f: dict, own: str) -> set[str]:
    return {Path((e.get("document") or {}).get("path") or own).name for e in f.get("evidence", [])} | {own}


def matches(err: dict, f: dict, own: str = "") -> bool:
    """Whether finding ``f`` of the entry of file ``own`` is planted error ``err`` (``err["at"]``: the
    name of the file its page is in)."""
    kind = err["kind"]
    if kind == "unit_slip" and "header" in err.get("where", "") and f["rule"] == "CF502":
        return not err.get("page") or (err["at"], err["page"]) in _pages(f, own)  # the header's page, whatever figure
    if not err.get("values") or kind in NO_VALUE_RULES and f["rule"] in NO_VALUE_RULES[kind]:
        return f["rule"] in NO_VALUE_RULES.get(kind, set())
    if err.get("page") and (err["at"], err["page"]) not in _pages(f, own):
        return False
    m = re.search(r"row (\d{3,7})", err.get("where", ""))
    if m and kind in ("row_sum_mismatch", "row_shift") and any(
            (e.get("row") or "") == m.group(1) for e in f.get("evidence", [])):
        return True  # another column of the same row, changed with it to keep the row footing
    figs = _figures(f)
    if kind == "budget_vs_final_mismatch":  # the printed figures of the rows moved together
        return any(_close(v, x) for v in err["values"][0::2] for x in figs)
    if kind == "prior_column_restated":  # a line's 上年预算数, its subtotal and total, the prose change
        return any(_close(v, x) for v in err["values"] for x in figs)
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
    ap.add_argument("--split", type=float, default=0.3, help="share of departments publishing split reports")
    ap.add_argument("--cross-errors", type=float, default=0.3, help="share of reports with an error between documents")
    ap.add_argument("--prior-figures", action=argparse.BooleanOptionalAction, default=True,
                    help="budgets state last year's execution; plant the errors of last year's figures")
    ap.add_argument("--format", choices=["pdf", "txt", "xlsx", "html", "docx", "scan"], default="pdf",
                    help="scan: image-only PDFs read by OCR (slow: a few seconds a page; use few departments)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--show-fp", type=int, default=0)
    ap.add_argument("--show-fn", type=int, default=0)
    args = ap.parse_args()

    out = Path(args.out)
    if not (out / "truth.jsonl").exists():
        from corpus.generate import generate_corpus, parse_years

        generate_corpus(out=out, departments=args.departments, years=parse_years(args.years),
                        errors=args.errors, anomalies=0.0, seed=args.seed, fmt=args.format,
                        error_kinds=None, workers=args.workers, split=args.split, cross_errors=args.cross_errors,
                        prior_figures=args.prior_figures)
    # every file of the format, and for each the report (truth record) it is a file of
    suffix = {"scan": "pdf"}.get(args.format, args.format)
    reports: list[dict] = []
    report_of: dict[str, int] = {}
    for line in (out / "truth.jsonl").read_text("utf-8").splitlines():
        t = json.loads(line)
        fmt_files = [f for f in t.get("files", [t["file"]]) if f.endswith("." + suffix)] or [t["file"]]
        parts = {part: next(f for f in fs if f.endswith("." + suffix))
                 for part, fs in (t.get("parts") or {}).items()}
        for e in t["errors"]:
            e["at"] = parts.get(e.get("part"), fmt_files[0])
        for f in fmt_files:
            report_of[f] = len(reports)
        reports.append(t)
    paths = [str(out / n) for n in sorted(report_of)]
    t0 = time.perf_counter()
    if args.workers == 1:  # in this process: what OCR read of a scan serves check_sets' second reading
        results = list(map(_check, paths))
    else:
        with ProcessPoolExecutor(args.workers) as ex:
            results = list(ex.map(_check, paths, chunksize=4))
    t1 = time.perf_counter()
    entries = [d for _, d, _ in results]
    sets = check_sets(entries, {p: Path(p) for p in paths})
    wall, wall_sets = time.perf_counter() - t0, time.perf_counter() - t1

    found = Counter()
    total = Counter()
    tp = Counter()
    fp = Counter()
    fps: list[tuple[str, dict]] = []
    fns: list[tuple[str, dict]] = []
    pages = 0
    unread = 0
    hit = {i: [False] * len(t["errors"]) for i, t in enumerate(reports)}
    for d in entries:
        name = Path(d["path"]).name
        if d["status"] != "ok":
            unread += 1
            continue
        pages += d["meta"]["pages"]
        own = report_of[name]
        for f in d.get("findings") or []:
            files = _files(f, name)
            # the report of the entry first, then the others its evidence lies in
            cands = [own] + sorted({report_of[x] for x in files if x in report_of} - {own})
            m = [(r, i) for r in cands for i, e in enumerate(reports[r]["errors"])
                 if (r == own or e.get("values")) and matches(e, f, name)]
            if m:
                for r, i in m:
                    hit[r][i] = True
                tp[reports[m[0][0]]["errors"][m[0][1]]["kind"]] += 1
            else:
                k = RULE_KIND.get(f["rule"], "other")
                if f["rule"] in PROSE_RULES and len(files) > 1:
                    k = "split_mismatch"
                fp[k] += 1
                fps.append((name, f))
    for r, t in enumerate(reports):
        for e, h in zip(t["errors"], hit[r]):
            total[e["kind"]] += 1
            found[e["kind"]] += h
            if not h:
                fns.append((e["at"], e))
    kinds = sorted(set(total) | set(fp) | set(tp))
    forms = Counter(st.form for st in sets)
    print(f"corpus: {out}  files: {len(results)} ({unread} unread)  reports: {len(reports)}  pages: {pages}  "
          f"format: {args.format}  checked in {wall:.1f} s with {args.workers} workers "
          f"({pages / wall:.1f} pages/s; document sets {wall_sets:.1f} s: "
          + ", ".join(f"{n} {k}" for k, n in sorted(forms.items())) + ")")
    kinds = sorted(set(total) | set(fp) | set(tp))

    def table(title: str, ks: list[str]) -> None:
        print(f"{title:24s} {'planted':>8s} {'found':>6s} {'recall':>7s} {'TP':>5s} {'FP':>5s} {'precision':>9s}")
        for k in ks:
            rec = found[k] / total[k] if total[k] else float("nan")
            prec = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else float("nan")
            print(f"{k:24s} {total[k]:8d} {found[k]:6d} {rec:7.3f} {tp[k]:5d} {fp[k]:5d} {prec:9.3f}")
        T, F, P = (sum(c[k] for k in ks) for c in (total, found, tp))
        N = sum(fp[k] for k in ks)
        print(f"{'overall':24s} {T:8d} {F:6d} {F / T if T else 0:7.3f} {P:5d} {N:5d} "
              f"{P / (P + N) if P + N else 0:9.3f}")

    table("kind (one document)", [k for k in kinds if k not in CROSS_KINDS])
    table("kind (between documents)", [k for k in CROSS_KINDS if k in kinds] or list(CROSS_KINDS))
    errors_fp = [(name, f) for name, f in fps if f["severity"] == "error"]
    print(f"false positives of error severity: {len(errors_fp)} (of {len(fps)}); findings lowered to warnings "
          f"as resting on an unsure OCR figure: "
          f"{sum(1 for d in entries for f in d.get('findings') or [] if '由OCR识别' in f['message'] or 'OCR误识' in f['message'])}")
    for name, f in fps[: args.show_fp]:
        ev = f["evidence"][0] if f["evidence"] else {}
        print(f"FP {name} p.{ev.get('page')} {f['rule']} {f['message']}")
    for name, e in fns[: args.show_fn]:
        print(f"FN {name} {e['kind']} p.{e.get('page')} {e.get('values')} {e.get('where')}")


if __name__ == "__main__":
    main()
