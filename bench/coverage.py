"""How many prose figures crossfoot ties to a table, contradicts, or cannot check, and why.

    python bench/coverage.py [PATH ...] [--json FILE|-] [--audit [N]] [--seed S] [--legacy] [--no-list]

For every real document under ``tests/data`` (seeds and real; or the paths given) each claim has the status the
pipeline gives it (``rules/status.py``: ``tied``, ``contradicted``, ``not_checkable`` with a
reason).  Printed: coverage per document, per claim kind and in total, the not-checkable claims
by reason, and the **missed ties** — not-checkable claims whose value (as printed, ×10⁴ or
÷10⁴, within the rounding of both) is printed in some table of the same document, each with
the cell (table, row, column, page).

``--audit`` prints N (default 40) not-checkable claims drawn by a seeded hash with their reason
and sentence, for a person to judge (recorded in bench/coverage.md).  ``--legacy`` computes the
statuses as the app did before they were part of the result (``agreeing_target`` for amounts,
contradicted by a finding's prose evidence, everything else unverifiable): the baseline.
"""

from __future__ import annotations

import argparse
import collections
import json
import hashlib
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crossfoot.pipeline import check_findings, extract_claims, iter_files  # noqa: E402
from extraction.reader import read_document  # noqa: E402
from rules.base import column_label  # noqa: E402
from rules.lookup import row_unit, unit_factor  # noqa: E402
from rules.prose import (  # noqa: E402
    MONEY_UNITS,
    label_names_metric,
    name_path_target,
    project_target,
    targets_of,
)
from rules.status import cells_printing, cell_target  # noqa: E402

# the real documents: not tests/data/derived, the seeds made into web pages and Word files (the same
# reports again; bench/formats.py measures that they read the same)
DEFAULT_PATHS = [ROOT / "tests" / "data" / "seeds", ROOT / "tests" / "data" / "real"]
# the claim kinds whose figure a table may print (a share or a growth rate found in a money cell
# is a coincidence): only these are searched for missed ties
TABLE_KINDS = ("amount", "count", "change")
# a classification reference ("（01项）", "（204类）"): never a figure to tie or contradict
CLASS_REFERENCE = re.compile(r"[（(]\s*$")
CLASS_REFERENCE_AFTER = re.compile(r"^\s*[类款项]\s*[)）]")


def classification_reference(doc: Any, claim: Any) -> bool:
    """Whether the claim's figure is the number of a "（01项）"-like reference on its page."""
    try:
        text = doc.pages[claim.page - 1].text
    except (IndexError, TypeError):
        return False
    return bool(CLASS_REFERENCE.search(text[max(0, claim.start - 3):claim.start])
                and CLASS_REFERENCE_AFTER.match(text[claim.end:claim.end + 3] if claim.unit is None
                                                else text[claim.start:claim.end + 3].lstrip("0123456789. ")))
# reasons that say the figure cannot be checked inside its document (judged by the audit in
# bench/coverage.md): set aside for the second coverage figure
OUTSIDE_DOCUMENT = ("prior_year_figure", "budget_figure_without_budget_table", "narrative_only_metric",
                    "no_table_prints_it")


# The coincidences among the missed ties: a value printed in a table that is not the claim's
# figure, told apart by what is known of the claim (bench/coverage.md, "Coincidences"):
#   other_period        the claim is last year's figure (a prior-year amount, a change) or a final
#                       account's budget figure, and no cell it matches is in a column (or on a
#                       line) of that period (上年…, 增减…; 预算…, 批复…): this year's figure, equal by
#                       持平 or a budget spent to the cent
#   own_line_elsewhere  the claim's own words name its metric, the metric's own line is found (its
#                       lines, confirm-only ones, the name path of a 款/项, a project's own table; for a
#                       prior-year or budget figure also the line as this year prints it) and no cell
#                       it matches (of its period) is on it
#   off_scale           every cell matches only ×10⁴ or ÷10⁴ away from what the claim's unit and the
#                       cell's table unit (printed: a table that names none is not judged) imply
#                       (809.07万元 against 0.08 of a 万元 table)
# A missed tie on the claim's own line (a unit slip, a line found and not compared) and one of a
# claim whose line is not known stay missed ties: the value search cannot tell.
COINCIDENCES = ("other_period", "own_line_elsewhere", "off_scale")
_PERIOD_WORDS = {"prior": ("上年", "增减", "增长", "减少", "变动"), "budget": ("预算", "批复")}


def own_lines(ctx: Any, claim: Any) -> list[Any]:
    """The table lines of the claim's own metric the lookup finds (any kind of line), for its period
    and for the current year (the line of a prior-year or budget figure as this year's tables print it)."""
    metric, period = claim.metric or "", claim.period or "current"
    found = [*targets_of(ctx, metric, period), *targets_of(ctx, metric, period, confirm=True)]
    if period != "current":
        found += [*targets_of(ctx, metric, "current"), *targets_of(ctx, metric, "current", confirm=True)]
    for more in (name_path_target, project_target):
        t = more(ctx, claim)
        if t is not None:
            found.append(t)
    return found


def coincidence(ctx: Any, claim: Any, reason: str | None) -> str | None:
    """Which coincidence a missed tie is (COINCIDENCES), or None for a missed tie (``ctx``: the
    rules' context of the claim's document run)."""
    cells = cells_printing(ctx, claim, limit=50)
    if not cells:
        return None
    if claim.kind == "change" or claim.period == "prior" or reason == "prior_year_figure":
        words = _PERIOD_WORDS["prior"]
    elif reason == "budget_figure_without_budget_table":
        words = _PERIOD_WORDS["budget"]
    else:
        words = None
    if words is not None:
        # only a cell of the claim's period can be its figure
        cells = [x for x in cells if any(w in column_label(x[1], x[3]) or w in x[2].name for w in words)]
        if not cells:
            return "other_period"
    # no line is the claim's own when its metric is not the claim's own words' (taken from context, a
    # level mark after the name: rules.prose.label_names_metric) or not trusted (no_metric): a wrong
    # metric's line would make a real tie look like a coincidence
    trusted = claim.metric and reason != "no_metric" and label_names_metric(claim)
    own = own_lines(ctx, claim) if trusted else []
    if any(o.table is t and o.row is r for o in own for _k, t, r, _ci, _c in cells):
        return None  # printed on its own line: a missed tie
    if own:
        return "own_line_elsewhere"
    k_claim = MONEY_UNITS.get(claim.unit or "")
    if k_claim and all(row_unit(t, r) is not None
                       and abs(k - k_claim / unit_factor(row_unit(t, r))) > 1e-9 * k
                       for k, t, r, _ci, _c in cells):
        return "off_scale"
    return None


def legacy_entries(doc: Any, claims: list[Any], run: Any) -> list[dict[str, Any]]:
    """The statuses as crossfoot.appdata.claim_statuses computed them before this bench existed."""
    from rules.prose import agreeing_target

    hits = {(ev.page, ev.start, ev.end) for f in run.findings for ev in f.evidence if ev.source == "prose"}
    out = []
    for c in claims:
        status = "not_checkable"
        if (c.page, c.start, c.end) in hits:
            status = "contradicted"
        elif c.kind == "amount" and c.value is not None and agreeing_target(run.context, c) is not None:
            status = "tied"
        out.append({**c.to_dict(), "status": status, "reason": None, "target": None})
    return out


def measure(paths: list[Path], legacy: bool = False) -> list[dict[str, Any]]:
    """One record per readable document: its claims with status, and the missed ties.

    Documents are grouped into sets as the pipeline groups them (crossfoot.sets): the text of a
    report split over two files is measured as the pipeline checks it, with its tables file's
    tables (``split_with`` names that file)."""
    read = []
    for f in iter_files(paths):
        doc = read_document(f)
        if doc.ok:
            read.append((f, doc, extract_claims(doc)))
    combined: dict[str, tuple[Any, str]] = {}
    if not legacy:
        from crossfoot.sets import combine_split, group

        by_path = {str(f): (f, doc) for f, doc, _ in read}
        sets = group({"path": str(f), "sha256": doc.sha256, "status": "ok", "meta": doc.meta.to_dict(),
                      "tables": doc.tables, "claims": claims} for f, doc, claims in read)
        for st in sets:
            if st.form == "split":
                text, tables = st.member("text"), st.member("tables")
                combined[text.path] = (combine_split(by_path[text.path][1], by_path[tables.path][1]),
                                       _rel(by_path[tables.path][0]))
    docs = []
    for f, doc, claims in read:
        split_with = None
        if str(f) in combined:
            doc, split_with = combined[str(f)]
            claims = extract_claims(doc)
        run = check_findings(doc, claims)
        if legacy:  # runs on a crossfoot without claim statuses too (the baseline)
            entries = legacy_entries(doc, claims, run)
        else:
            from crossfoot.pipeline import claim_entries

            entries = claim_entries(doc, claims, run)
        for c, e in zip(claims, entries):
            e["class_reference"] = e["status"] in ("tied", "contradicted") and classification_reference(doc, c)
            e["printed_at"] = []
            e["coincidence"] = None
            if e["status"] == "not_checkable" and c.kind in TABLE_KINDS:
                e["printed_at"] = [{**cell_target(t, r, ci, cell), "scale": k}
                                   for k, t, r, ci, cell in cells_printing(run.context, c)]
                if e["printed_at"]:
                    e["coincidence"] = coincidence(run.context, c, e.get("reason"))
        docs.append({"path": _rel(f), "kind": doc.meta.kind, "n_tables": len(doc.tables), "claims": entries,
                     "split_with": split_with})
    return docs


def _rel(f: Path) -> str:
    try:
        return str(f.resolve().relative_to(ROOT))
    except ValueError:
        return str(f)


def _counts(claims: list[dict[str, Any]]) -> collections.Counter:
    c = collections.Counter(x["status"] for x in claims)
    c["missed"] = sum(1 for x in claims if x["printed_at"])
    c["coincidences"] = sum(1 for x in claims if x["printed_at"] and x.get("coincidence"))
    c["all"] = len(claims)
    return c


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    —"


def summary(docs: list[dict[str, Any]]) -> dict[str, Any]:
    amounts = [x for d in docs for x in d["claims"] if x["kind"] == "amount"]
    with_tables = [x for d in docs if d["n_tables"] for x in d["claims"] if x["kind"] == "amount"]
    inside = [x for x in with_tables if x.get("reason") not in OUTSIDE_DOCUMENT]
    # the figure: reports whose tables are in the same file (a text checked with its
    # tables file, crossfoot.sets, is left out)
    same_file = [x for d in docs if d["n_tables"] and not d.get("split_with") for x in d["claims"]
                 if x["kind"] == "amount"]
    same_inside = [x for x in same_file if x.get("reason") not in OUTSIDE_DOCUMENT]
    coincidences = collections.Counter(x["coincidence"] for x in amounts
                                       if x["printed_at"] and x.get("coincidence"))
    done = lambda xs: sum(1 for x in xs if x["status"] in ("tied", "contradicted"))  # noqa: E731
    per_kind = collections.defaultdict(collections.Counter)
    reasons = collections.defaultdict(collections.Counter)
    for d in docs:
        for x in d["claims"]:
            per_kind[x["kind"]].update(_counts([x]))
            if x["status"] == "not_checkable":
                reasons[x["kind"]][x.get("reason") or "?"] += 1
                reasons["all"][x.get("reason") or "?"] += 1
    return {
        "through_classification_reference": [f"{d['path']} {x['id']}" for d in docs for x in d["claims"]
                                             if x.get("class_reference")],
        "amounts": dict(_counts(amounts)),
        "amounts_with_tables": {"n": len(with_tables), "tied_or_contradicted": done(with_tables)},
        "amounts_inside_document": {"n": len(inside), "tied_or_contradicted": done(inside)},
        "amounts_same_file": {"n": len(same_file), "tied_or_contradicted": done(same_file)},
        "amounts_same_file_inside_document": {"n": len(same_inside), "tied_or_contradicted": done(same_inside)},
        "amount_coincidences": dict(coincidences.most_common()),
        "per_kind": {k: dict(v) for k, v in sorted(per_kind.items())},
        "reasons": {k: dict(v.most_common()) for k, v in sorted(reasons.items())},
        "per_document": [{"path": d["path"], "kind": d["kind"], "n_tables": d["n_tables"],
                          "all": dict(_counts(d["claims"])),
                          "amounts": dict(_counts([x for x in d["claims"] if x["kind"] == "amount"]))}
                         for d in docs],
    }


def print_report(docs: list[dict[str, Any]], s: dict[str, Any], listing: bool = True) -> None:
    print(f"{'document':<58} {'tbl':>3} {'amt':>4} {'tied':>4} {'ctr':>3} {'n/c':>4} {'cov':>6} {'miss':>4}"
          f"   all kinds: {'n':>4} {'tied':>4} {'ctr':>3} {'miss':>4}")
    for d in s["per_document"]:
        a, x = d["amounts"], d["all"]
        print(f"{d['path'][-58:]:<58} {d['n_tables']:>3} {a.get('all', 0):>4} {a.get('tied', 0):>4} "
              f"{a.get('contradicted', 0):>3} {a.get('not_checkable', 0):>4} "
              f"{_pct(a.get('tied', 0) + a.get('contradicted', 0), a.get('all', 0)):>6} {a.get('missed', 0):>4}"
              f"              {x.get('all', 0):>4} {x.get('tied', 0):>4} {x.get('contradicted', 0):>3} "
              f"{x.get('missed', 0):>4}")
    print()
    print(f"{'kind':<12} {'n':>5} {'tied':>5} {'contr':>5} {'n/c':>5} {'cov':>6} {'missed':>6} {'coinc':>5}")
    tot = collections.Counter()
    for k, c in s["per_kind"].items():
        tot.update(c)
        print(f"{k:<12} {c.get('all', 0):>5} {c.get('tied', 0):>5} {c.get('contradicted', 0):>5} "
              f"{c.get('not_checkable', 0):>5} {_pct(c.get('tied', 0) + c.get('contradicted', 0), c.get('all', 0)):>6} "
              f"{c.get('missed', 0):>6} {c.get('coincidences', 0):>5}")
    print(f"{'total':<12} {tot['all']:>5} {tot['tied']:>5} {tot['contradicted']:>5} {tot['not_checkable']:>5} "
          f"{_pct(tot['tied'] + tot['contradicted'], tot['all']):>6} {tot['missed']:>6} {tot['coincidences']:>5}")
    a = s["amounts"]
    wt, ins = s["amounts_with_tables"], s["amounts_inside_document"]
    sf, sfi = s["amounts_same_file"], s["amounts_same_file_inside_document"]
    n, missed, coinc = a.get("all", 0), a.get("missed", 0), a.get("coincidences", 0)
    print(f"\namount claims: {n}, tied {a.get('tied', 0)}, contradicted {a.get('contradicted', 0)}, "
          f"not checkable {a.get('not_checkable', 0)}, missed ties {missed} ({_pct(missed, n).strip()})")
    kinds = ", ".join(f"{k} {v}" for k, v in s["amount_coincidences"].items()) or "none"
    print(f"  missed ties without the coincidences ({kinds}): {missed - coinc} ({_pct(missed - coinc, n).strip()})")
    print(f"  in reports whose tables are in the same file (the issue's figure): {sf['tied_or_contradicted']} of "
          f"{sf['n']} tied or contradicted ({_pct(sf['tied_or_contradicted'], sf['n']).strip()}); without "
          f"{', '.join(OUTSIDE_DOCUMENT)}: {sfi['tied_or_contradicted']} of {sfi['n']} "
          f"({_pct(sfi['tied_or_contradicted'], sfi['n']).strip()})")
    print(f"  in all reports with tables (a text with its tables file as one): {wt['tied_or_contradicted']} of "
          f"{wt['n']} tied or contradicted ({_pct(wt['tied_or_contradicted'], wt['n']).strip()}); without "
          f"{', '.join(OUTSIDE_DOCUMENT)}: {ins['tied_or_contradicted']} of {ins['n']} "
          f"({_pct(ins['tied_or_contradicted'], ins['n']).strip()})")
    refs = s["through_classification_reference"]
    print(f"  tied or contradicted through a classification reference (（01项）): {len(refs)}"
          + (f" — {', '.join(refs[:10])}" if refs else ""))
    print("\nnot checkable, by reason:")
    for kind, rs in s["reasons"].items():
        print(f"  {kind:<11} " + ", ".join(f"{r} {n}" for r, n in rs.items()))
    if not listing:
        return
    print("\nmissed ties (not checkable, the value printed in a table of the same document):")
    for d in docs:
        missed = [x for x in d["claims"] if x["printed_at"]]
        if not missed:
            continue
        print(f"  {d['path']}")
        for x in missed:
            cell = x["printed_at"][0]
            scale = "" if cell["scale"] == 1 else f" ×{cell['scale']:g}"
            mark = f" [coincidence: {x['coincidence']}]" if x.get("coincidence") else ""
            print(f"    {x['id']:>5} p.{x['page']:<3} {x['kind']:<7} {x.get('reason') or '?':<34} "
                  f"{x['value']}{x.get('unit') or ''} {x['metric'] or '-'} → {cell['table']} p.{cell['page']} "
                  f"「{cell['row'][:40]}」/{(cell['column'] or '-')[-40:]} {cell['value']}{scale}{mark}")


def audit_sample(docs: list[dict[str, Any]], n: int, seed: int) -> list[tuple[str, dict[str, Any]]]:
    """N not-checkable claims drawn by a seeded hash of each claim (document, id, sentence): a claim
    that becomes tied leaves the sample without reshuffling the others, so a judged sample stays
    judged across changes."""
    def key(item: tuple[str, dict[str, Any]]) -> str:
        path, x = item
        return hashlib.sha256(f"{seed}|{Path(path).name}|{x['id']}|{x['text']}".encode()).hexdigest()

    pool = [(d["path"], x) for d in docs for x in d["claims"] if x["status"] == "not_checkable"]
    return sorted(pool, key=key)[:n]


def audit(docs: list[dict[str, Any]], n: int, seed: int) -> None:
    for i, (path, x) in enumerate(audit_sample(docs, n, seed), 1):
        cell = x["printed_at"][0] if x["printed_at"] else None
        where = f" (printed: {cell['table']} 「{cell['row']}」 {cell['value']})" if cell else ""
        text = " ".join(x["text"].split())
        print(f"{i:>2}. {Path(path).name} p.{x['page']} {x['id']} {x['kind']} {x['metric'] or '-'} "
              f"{x['value']}{x.get('unit') or ''} — {x.get('reason')}{where}\n    {text[:220]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--json", metavar="FILE", help="write the per-claim statuses and the summary as JSON ('-': stdout)")
    ap.add_argument("--audit", nargs="?", const=40, type=int, metavar="N",
                    help="print N random not-checkable claims with their reason (default 40)")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--legacy", action="store_true", help="the statuses as the app computed them before (baseline)")
    ap.add_argument("--no-list", action="store_true", help="do not list the missed ties")
    args = ap.parse_args(argv)
    docs = measure(args.paths or DEFAULT_PATHS, legacy=args.legacy)
    s = summary(docs)
    if args.audit:
        audit(docs, args.audit, args.seed)
        return 0
    if args.json:
        out = json.dumps({"summary": s, "documents": docs}, ensure_ascii=False, indent=1)
        if args.json == "-":
            print(out)
            return 0
        Path(args.json).write_text(out, encoding="utf-8")
    print_report(docs, s, listing=not args.no_list)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
