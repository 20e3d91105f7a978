"""Item statements on real reports: how many, their figures, and how many of those are checked.

    python bench/items.py [PATH ...]      (default: tests/data/seeds tests/data/real)

An item statement explains one function-classification line (extraction/claims/items.py). Each of
its figures is counted as

- ``tied``: a table figure agrees with it (rules.prose.agreeing_target, what CF301 asks);
- ``contradicted``: a finding's evidence is this figure;
- ``checked``: compared inside the statement by a rule (the repeated amount with the amount, the
  rate and 持平 with the amount and the prior execution: CF407; a completion rate with its budget
  and actual: CF403; a change and growth: CF402; a comparison word: CF404);
- ``not_checkable``: nothing to compare it with (a prior execution no rate uses; a line the
  tables do not print, …).

Per document: statements, lines resolved to a code of the report's tables, figures by status.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crossfoot.pipeline import check_findings, extract_claims, iter_files  # noqa: E402
from extraction.reader import read_document  # noqa: E402
from rules.CF407 import role, statements  # noqa: E402
from rules.prose import agreeing_target  # noqa: E402


def _paths(args: list[str]) -> list[Path]:
    roots = [Path(a) for a in args] or [ROOT / "tests" / "data" / "seeds", ROOT / "tests" / "data" / "real"]
    return list(iter_files(roots))


def _status(ctx, st, c, hit) -> str:
    key = (c.page, c.start, c.end)
    if key in hit:
        return "contradicted"
    if c.kind == "amount" and c.value is not None and (c.period or "current") != "prior" \
            and agreeing_target(ctx, c) is not None:
        return "tied"
    roles = Counter(role(x) for x in st)
    r = role(c)
    money_amount = roles["amount"] or roles["repeat"]
    if r == "repeat" and roles["amount"]:
        return "checked"
    if r in ("prior", "rate") and money_amount and roles["prior"] and (roles["rate"] or roles["change"]):
        prior = next(x for x in st if role(x) == "prior")
        return "checked" if prior.value else "not_checkable"
    if r == "change" and (roles["prior"] or roles["amount"]):
        return "checked"
    if r in ("completion", "initial_budget", "actual") and roles["actual"] and roles["initial_budget"] \
            and (roles["completion"] or roles["comparison"]):
        return "checked"  # CF403 (the rate) or CF404 (决算数小于预算数) compares the two
    if r == "comparison" and roles["actual"] and roles["initial_budget"]:
        return "checked"
    if r == "rate" and roles["change"] and roles["amount"]:
        return "checked"
    return "not_checkable"


def main(argv: list[str]) -> int:
    total: Counter = Counter()
    print(f"{'document':40} {'stmts':>5} {'coded':>5} {'figs':>5} {'tied':>5} {'contr':>5} {'chkd':>5} {'n/c':>5}")
    for path in _paths(argv):
        doc = read_document(path)
        if doc.error is not None:
            continue
        claims = extract_claims(doc)
        run = check_findings(doc, claims)
        hit = {(e.page, e.start, e.end) for f in run.findings for e in f.evidence if e.source == "prose"}
        sts = statements(run.context)
        if not sts:
            continue
        row: Counter = Counter(stmts=len(sts), coded=sum((st[0].metric or "").startswith("func:") for st in sts))
        for st in sts:
            for c in st:
                row["figs"] += 1
                row[_status(run.context, st, c, hit)] += 1
        total.update(row)
        print(f"{path.name[:40]:40} {row['stmts']:5} {row['coded']:5} {row['figs']:5} {row['tied']:5} "
              f"{row['contradicted']:5} {row['checked']:5} {row['not_checkable']:5}")
    n = total["figs"] or 1
    print(f"{'total':40} {total['stmts']:5} {total['coded']:5} {total['figs']:5} {total['tied']:5} "
          f"{total['contradicted']:5} {total['checked']:5} {total['not_checkable']:5}")
    print(f"figures tied, contradicted or checked: {n - total['not_checkable']} of {total['figs']} "
          f"({100 * (n - total['not_checkable']) / n:.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
