"""An independent checker of the identities of domain.md section 2, over the generated document model.

It reads the *printed* figures (table cells and prose spans) and the printed unit labels,
never the ledger, and reports which identity each failure breaks.  Tests use it to show
that a clean report holds every identity and that each planted error breaks exactly the
identity it claims.  Every comparison allows exactly the rounding a printed figure carries.
"""

from __future__ import annotations

from dataclasses import dataclass

from corpus.model import UNIT_FACTOR, Document, Heading, Table, parse_number

IDENTITY_OF_ERROR = {
    "prose_table_mismatch": "prose_table", "row_sum_mismatch": "row_sum", "cross_table_mismatch": "cross_table",
    "row_shift": "row_shift", "unit_slip": "unit", "wrong_share": "share", "wrong_growth": "growth",
    "execution_rate_base": "execution_rate", "count_mismatch": "count", "comparison_word": "comparison",
    "wrong_year": "year", "wrong_department": "department", "missing_table": "table_set",
}
SCALE = 10_000.0


@dataclass(frozen=True)
class Violation:
    identity: str
    where: str


@dataclass(frozen=True)
class V:
    """A printed amount in 元 with the rounding it carries."""

    x: float
    tol: float


def _cell(t: Table, key: str) -> V | None:
    if key not in t.cells:
        return None
    text = t.value(key)
    n = parse_number(text or "")
    f = UNIT_FACTOR.get(t.unit, 1.0) if not key.startswith(("count.", "veh.", "equip", "perf.count")) else 1.0
    if key.endswith("/rate"):
        f = 1.0
    if n is None:
        return V(0.0, 0.0)
    return V(n * f, 0.005 * f)


def _relation(a: V, b: V) -> str:
    """'ok', 'unit' (off by exactly 万), or 'bad'."""
    if abs(a.x - b.x) <= a.tol + b.tol + 1e-6:
        return "ok"
    if a.x and b.x and (abs(a.x * SCALE - b.x) <= a.tol * SCALE + b.tol + 1e-6
                        or abs(a.x - b.x * SCALE) <= a.tol + b.tol * SCALE + 1e-6):
        return "unit"
    return "bad"


def _sum_relation(parent: V, parts: list[V]) -> str:
    s = V(sum(p.x for p in parts), sum(p.tol for p in parts))
    r = _relation(parent, s)
    if r != "bad":
        return r
    for i, p in enumerate(parts):  # one term printed in the other unit
        rest = V(sum(q.x for j, q in enumerate(parts) if j != i), sum(q.tol for j, q in enumerate(parts) if j != i))
        big = abs(p.x / SCALE) > parent.tol + rest.tol + p.tol / SCALE + 1e-6
        if big and _relation(parent, V(rest.x + p.x / SCALE, rest.tol + p.tol / SCALE)) == "ok":
            return "unit"
        if p.x and _relation(parent, V(rest.x + p.x * SCALE, rest.tol + p.tol * SCALE)) == "ok":
            return "unit"
    if abs(s.x) > s.tol and abs(parent.x) / SCALE > parent.tol and (_relation(V(parent.x / SCALE, parent.tol / SCALE), s) == "ok"
                     or _relation(V(parent.x * SCALE, parent.tol * SCALE), s) == "ok"):
        return "unit"
    return "bad"


class Checker:
    def __init__(self, doc: Document):
        self.doc = doc
        self.tables = doc.tables()
        self.out: list[Violation] = []

    def v(self, ref: tuple) -> V | None:
        t = self.tables.get(ref[0])
        return None if t is None else _cell(t, ref[1])

    def add(self, identity: str, where: str) -> None:
        self.out.append(Violation(identity, where))

    # ---- within a table ---------------------------------------------------
    def table_sums(self, t: Table) -> list[tuple[str, str]]:
        fails: list[tuple[str, str]] = []

        def need(parent: str, parts: list[str]) -> None:
            pv = _cell(t, parent)
            vs = [_cell(t, k) for k in parts]
            if pv is None or any(x is None for x in vs):
                return
            r = _sum_relation(pv, vs)  # type: ignore[arg-type]
            if r != "ok":
                fails.append(("unit" if r == "unit" else "row_sum", f"{t.kind} {parent} = {'+'.join(parts)}"))

        codes = [c for c, _ in t.code_rows]
        if t.kind == "basic_expenditure_economic":
            for c in codes:
                if len(c) == 3:
                    need(f"{c}/amount", [f"{k}/amount" for k in codes if len(k) == 5 and k.startswith(c)])
            need("personnel", [f"{c}/amount" for c in ("301", "303") if c in codes])
            need("public", [f"{c}/amount" for c in ("302", "310") if c in codes])
        elif codes or "total/total" in t.cells or "total/income_total" in t.cells:
            for col in t.num_cols:
                for c in codes:
                    kids = [k for k in codes if len(k) == len(c) + 2 and k.startswith(c)]
                    if kids:
                        need(f"{c}/{col}", [f"{k}/{col}" for k in kids])
                need(f"total/{col}", [f"{k}/{col}" for k in codes if len(k) == 3])
            rows = ["total"] + codes
            for c in rows:
                if "income_total" in t.num_cols:
                    need(f"{c}/income_total", [f"{c}/fiscal", f"{c}/other"])
                if "basic" in t.num_cols:
                    need(f"{c}/total", [f"{c}/basic", f"{c}/project"])
        if t.kind in ("income_expenditure_summary", "fiscal_summary"):
            inc_parts = [k for k in t.cells if k.startswith("inc.")
                         and k[4:] not in ("total", "begin", "grand", "use_surplus")]
            need("inc.total", inc_parts)
            need("inc.grand", [k for k in ("inc.total", "inc.begin", "inc.use_surplus") if k in t.cells])
            cols = sorted({k.split("/")[1] for k in t.cells if k.startswith("exp.")})
            classes = sorted({k[4:].split("/")[0] for k in t.cells if k.startswith("exp.")}
                             - {"total", "grand", "end", "alloc"})
            for col in cols:
                need(f"exp.total/{col}", [f"exp.{c}/{col}" for c in classes])
                need(f"exp.grand/{col}", [k for k in (f"exp.total/{col}", f"exp.end/{col}", f"exp.alloc/{col}")
                                          if k in t.cells])
            first = "amount" if "amount" in cols else "total"
            need("inc.grand", [f"exp.grand/{first}"])
            if "gpb" in cols:
                for c in classes + ["total", "grand"]:
                    need(f"exp.{c}/total", [f"exp.{c}/gpb", f"exp.{c}/fund"])
        if t.kind == "three_public":
            for col in ("budget", "actual", "prior"):
                if f"total/{col}" in t.cells:
                    need(f"total/{col}", [f"abroad/{col}", f"vehicle/{col}", f"reception/{col}"])
                    need(f"vehicle/{col}", [f"vehicle_purchase/{col}", f"vehicle_ops/{col}"])
        if t.kind == "related_info":
            need("proc.total", ["proc.goods", "proc.works", "proc.services"])
            need("veh.total", sorted(k for k in t.cells if k.startswith("veh.") and k != "veh.total"))
        if t.kind in ("performance_project", "project_expenditure"):
            for col in ("initial", "annual", "actual", "amount"):
                parts = sorted(k for k in t.cells if k.startswith("p") and k.endswith("/" + col))
                if parts:
                    need(f"total/{col}", parts)
        if t.kind == "performance_overall":
            for col in ("initial", "annual", "actual"):
                need(f"total/{col}", [f"basic/{col}", f"project/{col}"])
        return fails

    def shifted(self, t: Table) -> bool:
        """Do the values, moved back up one row over some stretch, satisfy every row sum?"""
        rows = [r for _, r in t.code_rows]
        cols = sorted(set(t.num_cols.values()))
        saved = [list(row) for row in t.grid]
        try:
            for a in range(len(rows)):
                for b in range(a + 2, len(rows)):
                    stretch = rows[a: b + 1]
                    vals = [[saved[r][c] for c in cols] for r in stretch]
                    vals = vals[1:] + vals[:1]
                    for r, vv in zip(stretch, vals):
                        for c, x in zip(cols, vv):
                            t.grid[r][c] = x
                    if not self.table_sums(t):
                        return True
                    for r in stretch:
                        t.grid[r] = list(saved[r])
            return False
        finally:
            t.grid[:] = [list(row) for row in saved]

    # ---- across tables ----------------------------------------------------
    def cross(self, a: tuple, b: tuple | list) -> None:
        va = self.v(a)
        if isinstance(b, list):
            vs = [self.v(x) for x in b]
            if any(x is None for x in vs):
                return
            vb = V(sum(x.x for x in vs), sum(x.tol for x in vs))  # type: ignore[union-attr]
        else:
            vb = self.v(b)
        if va is None or vb is None:
            return
        r = _relation(va, vb)
        if r != "ok":
            self.add("unit" if r == "unit" else "cross_table", f"{a} vs {b}")

    def cross_checks(self) -> None:
        T = self.tables
        s01, s04 = "income_expenditure_summary", "fiscal_summary"
        self.cross((s01, "inc.total"), ("income", "total/income_total"))
        col01 = "amount"
        self.cross((s01, f"exp.total/{col01}"), ("expenditure", "total/total"))
        if s01 in T:
            for k in T[s01].cells:
                if k.startswith("exp.") and k[4:7].isdigit():
                    self.cross((s01, k), ("expenditure", f"{k[4:7]}/total"))
        if s04 in T:
            for k in T[s04].cells:
                if k.startswith("exp.") and k[4:7].isdigit() and k.endswith("/gpb"):
                    self.cross((s04, k), ("general_budget_expenditure", f"{k[4:7]}/total"))
        self.cross((s04, "exp.total/gpb"), ("general_budget_expenditure", "total/total"))
        self.cross((s04, "exp.total/fund"), ("gov_fund", "total/expense"))
        self.cross((s01, "inc.gpb"), (s04, "inc.gpb"))
        e6 = "basic_expenditure_economic"
        self.cross(("general_budget_expenditure", "total/basic"), [(e6, "personnel"), (e6, "public")])
        col = "actual" if self.doc.doc_kind == "final_accounts" else "budget"
        if e6 in T:
            for item, code in (("reception", "30217"), ("vehicle_ops", "30231"), ("abroad", "30212")):
                if f"{code}/amount" in T[e6].cells:
                    self.cross(("three_public", f"{item}/{col}"), (e6, f"{code}/amount"))
        self.cross(("three_public", "operating"), (e6, "public"))
        self.cross(("related_info", "operating"), (e6, "public"))
        self.cross(("three_public", "count.vehicle_stock"), ("related_info", "veh.total"))
        g5 = "general_budget_expenditure"
        for k, c in (("total", "total"), ("basic", "basic"), ("project", "project")):
            self.cross(("performance_overall", f"{k}/actual"), (g5, f"total/{c}"))
        for c in ("initial", "annual", "actual"):
            self.cross(("performance_project", f"total/{c}"), ("performance_overall", f"project/{c}"))
        self.cross(("related_info", "perf.amount"), ("performance_project", "total/actual"))
        self.cross(("project_expenditure", "total/amount"), ("expenditure", "total/project"))

    # ---- prose --------------------------------------------------------------
    def _span_amount(self, span) -> V:
        f = UNIT_FACTOR.get(span.unit, 1.0)
        return V(float(span.text.replace(",", "")) * f, 0.005 * f)

    def _pct_ok(self, printed: str, part: V, base: V) -> str:
        p = float(printed.rstrip("%％"))
        dec = len(printed.rstrip("%％").split(".")[1]) if "." in printed else 0
        if base.x == 0:
            return "ok"
        exp = 100.0 * part.x / base.x
        tol = 0.5 * 10 ** -dec + 100.0 * (part.tol / abs(base.x) + abs(part.x) * base.tol / base.x ** 2) + 1e-6
        if abs(p - exp) <= tol:
            return "ok"
        return "bad"

    def prose(self) -> None:
        for cl in self.doc.claims:
            s = cl.span
            where = f"{cl.kind}: {s.render()}"
            if cl.kind in ("level", "count"):
                ref = self.v(cl.refs[0])
                if ref is None:
                    continue
                if cl.kind == "count":
                    if int(s.text) != round(ref.x):
                        self.add("count", where)
                    continue
                r = _relation(self._span_amount(s), ref)
                if r != "ok":
                    self.add("unit" if r == "unit" else "prose_table", where)
            elif cl.kind in ("share", "rate"):
                part, base = self.v(cl.refs[0]), self.v(cl.refs[1])
                if part is None or base is None:
                    continue
                r = self._pct_ok(s.text, part, base)
                if r != "ok":
                    self.add("unit" if r == "unit" else ("share" if cl.kind == "share" else "execution_rate"), where)
            elif cl.kind == "growth":
                cur = self.v(cl.refs[0])
                if cur is None:
                    continue
                chg = self._span_amount(cl.extra["change"])
                prior = V(cur.x - cl.extra["direction"] * chg.x, cur.tol + chg.tol)
                if self._pct_ok(s.text, chg, prior) != "ok":
                    self.add("growth", where)
            elif cl.kind == "execution" and cl.extra.get("rate") is not None:
                # an item statement's rate against last year's execution: |budget − execution| / execution
                cur = self.v(cl.refs[0])
                if cur is None:
                    continue
                exe = self._span_amount(s)
                if self._pct_ok(cl.extra["rate"].text, V(abs(cur.x - exe.x), cur.tol + exe.tol), exe) != "ok":
                    self.add("growth", where)
            elif cl.kind == "compare":
                a, b = self.v(cl.refs[0]), self.v(cl.refs[1])
                if a is None or b is None:
                    continue
                words = cl.extra["words"]
                if abs(a.x - b.x) <= a.tol + b.tol:
                    ok = s.text == words[2]
                else:
                    ok = s.text == (words[0] if a.x > b.x else words[1])
                if not ok:
                    self.add("comparison", where)
            elif cl.kind == "year" and s.text != cl.extra["expected"]:
                self.add("year", where)
            elif cl.kind == "dept" and s.text != cl.extra["expected"]:
                self.add("department", where)

    def names_and_years(self) -> None:
        for b in self.doc.blocks:
            spans = b.spans if isinstance(b, Heading) else [x for x in (getattr(b, "dept", None),
                                                                        getattr(b, "year", None)) if x]
            for s in spans:
                if s.role == "year" and s.text != str(self.doc.year):
                    self.add("year", s.render())
                if s.role == "dept" and s.text != self.doc.department:
                    self.add("department", s.render())

    def rate_cells(self) -> None:
        for kind in ("performance_overall", "performance_project"):
            t = self.tables.get(kind)
            if t is None:
                continue
            for k in t.cells:
                if k.endswith("/rate") and t.value(k):
                    row = k[:-5]
                    act, ann = _cell(t, f"{row}/actual"), _cell(t, f"{row}/annual")
                    if act and ann and self._pct_ok(t.value(k), act, ann) == "bad":  # type: ignore[arg-type]
                        self.add("execution_rate", f"{kind} {k}")

    def run(self) -> list[Violation]:
        for kind in self.doc.required_tables:
            if kind not in self.tables:
                self.add("table_set", f"missing {kind}")
        for t in self.tables.values():
            fails = self.table_sums(t)
            if any(i == "row_sum" for i, _ in fails) and t.code_rows and self.shifted(t):
                self.add("row_shift", t.kind)
                fails = [f for f in fails if f[0] != "row_sum"]
            for ident, where in fails:
                self.add(ident, where)
        self.cross_checks()
        self.prose()
        self.names_and_years()
        self.rate_cells()
        return self.out


def check(doc: Document) -> list[Violation]:
    """Every identity violation in a generated document (empty for a clean one)."""
    return Checker(doc).run()


def broken_identities(doc: Document) -> set[str]:
    return {v.identity for v in check(doc)}
