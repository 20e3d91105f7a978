"""Department-year features, computed from parsed documents, their claims and their findings.

Two pure steps:

* :func:`document_facts` reads one :class:`~extraction.model.Document` (with its claims and
  findings) into a flat, JSON-serialisable dict of the figures the features need (money in 元),
  plus the digit counts of its amounts for the Benford tests.  Workers can compute it where the
  Document is in memory and hand it on; it is small enough to store.
* :func:`feature_rows` joins the facts of many documents into one row per department-year
  (final account + budget of the year + final account of the year before) and derives the
  features documented in ``models/data/features.yaml``.

Claims and findings may be the objects of ``extraction``/``rules`` or their ``to_dict()`` forms
(or rows of the review store): only attribute/key access is used.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from extraction.datafiles import load_yaml
from extraction.model import Document, Row, Table

DATA = Path(__file__).parent / "data"
WAN = 10_000.0


# --------------------------------------------------------------------------- feature catalogue

@dataclass(frozen=True)
class FeatureSpec:
    id: str
    zh: str
    group: str
    display: str
    transform: str
    model: bool
    formula: str
    missing: str
    direction: str = "both"


@lru_cache(maxsize=1)
def feature_specs() -> tuple[FeatureSpec, ...]:
    """The documented features, in table order (``models/data/features.yaml``)."""
    raw = load_yaml(DATA / "features.yaml")
    specs = tuple(FeatureSpec(**{k: d[k] for k in FeatureSpec.__dataclass_fields__ if k in d}) for d in raw)
    if len({s.id for s in specs}) != len(specs):
        raise ValueError("features.yaml: duplicate feature id")
    for s in specs:
        if s.transform not in ("log", "identity", "log1p", "log_ratio"):
            raise ValueError(f"features.yaml: {s.id}: unknown transform {s.transform!r}")
        if s.direction not in ("high", "low", "both"):
            raise ValueError(f"features.yaml: {s.id}: unknown direction {s.direction!r}")
        if s.display not in ("wan", "percent", "signed_percent", "count"):
            raise ValueError(f"features.yaml: {s.id}: unknown display {s.display!r}")
    return specs


FEATURES: tuple[str, ...] = tuple(s.id for s in feature_specs())
MODEL_FEATURES: tuple[str, ...] = tuple(s.id for s in feature_specs() if s.model)


@lru_cache(maxsize=1)
def _specs_by_id() -> dict[str, FeatureSpec]:
    return {s.id: s for s in feature_specs()}


def spec_of(feature: str) -> FeatureSpec:
    return _specs_by_id()[feature]


def _fmt_wan(v: float) -> str:
    return f"{v / WAN:.2f}万元"


def _fmt_percent(v: float) -> str:
    return f"{v * 100:.1f}%"


def _fmt_signed(v: float) -> str:
    return f"{v * 100:+.1f}%"


def _fmt_count(v: float) -> str:
    return f"{v:.0f}"


FORMATTERS = {"wan": _fmt_wan, "percent": _fmt_percent, "signed_percent": _fmt_signed, "count": _fmt_count}


def format_value(feature: str, value: float | None) -> str:
    """A feature value as a reason sentence prints it (万元 with 2 decimals, percentages)."""
    if value is None or value != value:  # None or NaN
        return "—"
    return FORMATTERS[_specs_by_id()[feature].display](value)


# --------------------------------------------------------------------------- type and level

@lru_cache(maxsize=1)
def _peer_rules() -> tuple[tuple[tuple[str, str], ...], re.Pattern, dict[str, str], frozenset[str]]:
    raw = load_yaml(DATA / "peer_groups.yaml")
    endings = sorted(((e, t) for t, es in raw["types"].items() for e in es), key=lambda p: -len(p[0]))
    levels = {str(k): str(v) for k, v in raw["levels"].items()}
    pattern = re.compile("|".join(sorted(map(re.escape, levels), key=len, reverse=True)))
    return tuple(endings), pattern, levels, frozenset(raw.get("municipalities", ()))


def department_type(name: str | None) -> str:
    """The department type from its name's ending (``peer_groups.yaml``), or ``其他``."""
    if not name:
        return "其他"
    endings, _, _, _ = _peer_rules()
    for ending, t in endings:
        if ending in name:
            return t
    return "其他"


def department_level(name: str | None) -> str:
    """province / city / district / county from the last administrative suffix of the place.

    The place is the part of the name before the type ending.  ``unknown`` when no suffix is found.
    """
    if not name:
        return "unknown"
    endings, pattern, levels, municipalities = _peer_rules()
    place = name
    for ending, _ in endings:
        i = name.find(ending)
        if i >= 0:
            place = name[:i]
            break
    hits = list(pattern.finditer(place))
    if not hits:
        return "unknown"
    if place in municipalities:
        return "province"
    return levels[hits[-1].group(0)]


# --------------------------------------------------------------------------- document facts

def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _scale(unit: str | None) -> float:
    return WAN if unit and "万" in unit else 1.0


def _row_value(table: Table, row: Row, *prefer: str) -> float | None:
    """The row's value in the first column whose label holds one of ``prefer``, else its first value."""
    for needle in prefer:
        for ci, cell in zip(row.columns, row.cells):
            col = next((c for c in table.columns if c.index == ci), None)
            if col is not None and needle in col.label and cell is not None and cell.value is not None:
                return cell.value
    for cell in row.cells:
        if cell is not None and cell.value is not None:
            return cell.value
    return None


def _column_value(table: Table, row: Row, needle: str) -> float | None:
    for ci, cell in zip(row.columns, row.cells):
        col = next((c for c in table.columns if c.index == ci), None)
        if col is not None and needle in col.label:
            return cell.value if cell is not None else None
    return None


def _total_row(table: Table) -> Row | None:
    for r in table.rows:
        if r.code is None and re.search(r"^\s*(合\s*计|总\s*计)\s*$", r.name):
            return r
    return None


_STAT_ROW = re.compile(r"批次|人次|团组|保有量|购置数|（辆）|（个）|（人）|\(辆\)|\(个\)|\(人\)")


def _expenditure_facts(doc: Document) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ("expenditure", "general_budget_expenditure"):
        t = doc.table(kind)
        if t is None or t.empty:
            continue
        k = _scale(t.unit or doc.meta.unit)
        total_label = "本年支出合计" if t.find_column("本年支出合计") else "合计"
        classes = {}
        for r in t.rows:
            if r.code and len(r.code) == 3:
                v = _column_value(t, r, total_label) if t.find_column(total_label) else _row_value(t, r)
                if v is not None:
                    classes[r.code] = classes.get(r.code, 0.0) + v * k
        tot = _total_row(t)
        if tot is not None:
            total = _column_value(t, tot, total_label)
            basic = _column_value(t, tot, "基本支出")
            project = _column_value(t, tot, "项目支出")
        else:
            total = basic = project = None
        if total is None and classes:
            total = sum(classes.values()) / k
        if total is None:
            continue
        out["expenditure_total"] = total * k
        if basic is not None:
            out["expenditure_basic"] = basic * k
        if project is not None:
            out["expenditure_project"] = project * k
        elif basic is not None and abs(total - basic) <= 0.01:
            out["expenditure_project"] = 0.0
        if classes:
            out["function_classes"] = classes
        out["expenditure_source"] = kind
        break
    return out


def _table(doc: Document, kind: str) -> tuple[Table | None, float]:
    """The document's first table of a kind (None when absent or printed empty) and its 元 factor."""
    t = doc.table(kind)
    if t is None or t.empty:
        return None, 1.0
    return t, _scale(t.unit or doc.meta.unit)


def _basic_economic_facts(doc: Document) -> dict[str, Any]:
    t, k = _table(doc, "basic_expenditure_economic")
    if t is None:
        return {}
    personnel = public = None
    by_class: dict[str, float] = {}
    for r in t.rows:
        v = _row_value(t, r, "决算", "预算", "合计")
        if v is None:
            continue
        if r.code is None and "人员经费" in r.name:
            personnel = v
        elif r.code is None and "公用经费" in r.name:
            public = v
        elif r.code and len(r.code) == 3:
            by_class[r.code] = v
    if personnel is None and by_class:
        personnel = by_class.get("301", 0.0) + by_class.get("303", 0.0)
        public = sum(v for c, v in by_class.items() if c not in ("301", "303"))
    out = {}
    if personnel is not None:
        out["personnel"] = personnel * k
    if public is not None:
        out["public"] = public * k
    return out


def _three_public_facts(doc: Document) -> dict[str, Any]:
    t, k = _table(doc, "three_public")
    if t is None:
        return {}
    prefer = ("决算", "实际", "本年") if doc.meta.kind != "budget" else ("本年", "预算数")
    out: dict[str, Any] = {}
    batches = persons = 0.0
    have_batches = have_persons = False
    for r in t.rows:
        name = re.sub(r"\s", "", r.name)
        if _STAT_ROW.search(name):
            v = _row_value(t, r, *prefer)
            if v is None:
                continue
            if "接待批次" in name and "外事" not in name:
                batches += v
                have_batches = True
            elif "接待人次" in name and "外事" not in name:
                persons += v
                have_persons = True
            elif "保有量" in name:
                out["vehicles"] = v
            continue
        v = _row_value(t, r, *(p for p in prefer if "上年" not in p))
        if v is None:
            continue
        if "合计" in name and "三公" in name or name in ("合计", "总计"):
            out.setdefault("three_public_total", v * k)
        elif "出国" in name:
            out.setdefault("three_public_abroad", v * k)
        elif "运行维护费" in name and "购置及" not in name:
            out.setdefault("three_public_vehicle_ops", v * k)
        elif "购置及运行" in name:
            out.setdefault("three_public_vehicle", v * k)
        elif "公务接待" in name:
            out.setdefault("three_public_reception", v * k)
        elif "机关运行经费" in name:
            out.setdefault("operating_expenses", v * k)
    if have_batches:
        out["reception_batches"] = batches
    if have_persons:
        out["reception_persons"] = persons
    if "three_public_total" not in out:
        parts = [out.get(p) for p in ("three_public_abroad", "three_public_vehicle", "three_public_reception")]
        if all(p is not None for p in parts):
            out["three_public_total"] = sum(parts)  # type: ignore[arg-type]
    return out


def _related_info_facts(doc: Document) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for t in doc.tables_of("related_info"):
        for r in t.rows:
            name = re.sub(r"\s", "", r.name)
            v = _row_value(t, r)
            if v is None:
                continue
            if "机关运行经费" in name:
                unit = (getattr(r, "unit", None) or ("万元" if name.endswith("万元") else "元" if name.endswith("元")
                                                     else None) or t.unit or doc.meta.unit)
                out.setdefault("operating_expenses", v * _scale(unit))
            elif ("公务用车合计" in name or name.startswith("车辆总数") or "实有车辆" in name):
                out.setdefault("vehicles", v)
            elif "在职实有人员" in name or "实有人数" in name:
                out.setdefault("staff", v)
    return out


def _execution_facts(doc: Document) -> dict[str, Any]:
    for t in doc.tables_of("performance_overall"):
        for r in t.rows:
            full = _column_value(t, r, "全年预算")
            spent = _column_value(t, r, "执行数")
            if full and spent is not None and ("合计" in r.name or "支出" in r.name):
                return {"execution_rate": spent / full}
    return {}


_GROWTH_METRICS = ("expenditure_total", "general_budget_expenditure", "fiscal_expenditure", "grand_total")


def _claim_facts(claims: Iterable[Any]) -> dict[str, Any]:
    """Figures from the prose, used where the tables gave nothing."""
    out: dict[str, Any] = {}
    growth: dict[str, float] = {}
    for c in claims:
        kind, metric, value = _get(c, "kind"), _get(c, "metric"), _get(c, "value")
        period, unit = _get(c, "period"), _get(c, "unit")
        if value is None or metric is None:
            continue
        if kind == "count" and period in (None, "current"):
            if metric == "staff_actual" and unit in (None, "人"):
                out.setdefault("staff", float(value))
            elif metric in ("vehicles_held", "vehicles_total") and unit in (None, "辆"):
                out.setdefault("vehicles", float(value))
            elif metric in ("reception_batches", "reception_persons"):
                out.setdefault(metric, float(value))
            elif metric in ("reception_domestic_batches", "reception_foreign_batches"):
                out["_batches"] = out.get("_batches", 0.0) + float(value)
            elif metric in ("reception_domestic_persons", "reception_foreign_persons"):
                out["_persons"] = out.get("_persons", 0.0) + float(value)
        elif kind == "amount" and period in (None, "current") and _get(c, "yuan") is not None:
            if metric in ("expenditure_total", "expenditure_basic", "expenditure_project", "three_public_total",
                          "three_public_reception", "three_public_vehicle_operation", "operating_expenses",
                          "expenditure_personnel", "expenditure_public"):
                out.setdefault("claim:" + metric, float(_get(c, "yuan")))
        elif kind == "growth" and period in (None, "current") and metric in _GROWTH_METRICS + (
                "three_public_total", "operating_expenses"):
            growth.setdefault(metric, float(value) / 100.0)
        elif kind == "completion" and metric in ("general_budget_expenditure", "expenditure_total") \
                and period == "adjusted_budget":
            out.setdefault("execution_rate", float(value) / 100.0)
    out.setdefault("reception_batches", out.pop("_batches", None))
    out.setdefault("reception_persons", out.pop("_persons", None))
    out.pop("_batches", None)
    out.pop("_persons", None)
    for m in _GROWTH_METRICS:
        if m in growth:
            out["claimed_expenditure_growth"] = growth[m]
            break
    if "three_public_total" in growth:
        out["claimed_three_public_growth"] = growth["three_public_total"]
    if "operating_expenses" in growth:
        out["claimed_operating_expenses_growth"] = growth["operating_expenses"]
    return {k: v for k, v in out.items() if v is not None}


# Benford digits: amounts only (no counts, rates or scores), each printed figure once per document.
_MONEY_KINDS = ("income_expenditure_summary", "income", "expenditure", "fiscal_summary",
                "general_budget_expenditure", "basic_expenditure_economic", "gov_fund", "state_capital",
                "three_public", "project_expenditure", "performance_overall", "performance_project")
_NOT_MONEY_COLUMN = re.compile(r"率|得分|分值|%|％|数量|人数")


def _digits(text: str) -> str | None:
    """The significant digits of a printed figure; a fraction of only zeros is dropped (12.00 → 12)."""
    s = re.sub(r"[,，\s]", "", text.translate(str.maketrans("０１２３４５６７８９．", "0123456789.")))
    m = re.fullmatch(r"-?(\d+)(?:\.(\d+))?", s)
    if not m:
        return None
    ip, fp = m.group(1), m.group(2) or ""
    if set(fp) <= {"0"}:
        fp = ""
    digits = (ip + fp).lstrip("0")
    return digits or None


def benford_digits(doc: Document) -> tuple[list[int], list[int]]:
    """First-digit counts (1–9) and last-two-digit counts (00–99) of the document's distinct amounts ≥ 10."""
    first = [0] * 9
    last2 = [0] * 100
    seen: set[str] = set()
    for t in doc.tables:
        if t.kind not in _MONEY_KINDS or t.empty:
            continue
        labels = {c.index: c.label for c in t.columns}
        for r in t.rows:
            if _STAT_ROW.search(r.name):
                continue
            for ci, cell in zip(r.columns, r.cells):
                if cell is None or cell.value is None or abs(cell.value) < 10:
                    continue
                if _NOT_MONEY_COLUMN.search(labels.get(ci, "")):
                    continue
                key = cell.text.strip()
                if key in seen:
                    continue
                seen.add(key)
                d = _digits(key)
                if d is None:
                    continue
                first[int(d[0]) - 1] += 1
                if len(d) >= 3:
                    last2[int(d[-2:])] += 1
    return first, last2


def document_facts(doc: Document, claims: Sequence[Any] = (), findings: Sequence[Any] = ()) -> dict[str, Any]:
    """The figures of one document that the features need, money in 元 (JSON-serialisable).

    Tables are read first; the prose claims fill what the tables do not give (staff counts come
    from the prose only: no table carries them).  ``findings`` are counted by severity.
    """
    facts: dict[str, Any] = {
        "path": doc.path, "sha256": doc.sha256,
        "department": doc.meta.department, "year": doc.meta.year, "kind": doc.meta.kind,
        "department_code": doc.meta.department_code,
    }
    claimed = _claim_facts(claims)
    for part in (_expenditure_facts(doc), _basic_economic_facts(doc), _three_public_facts(doc),
                 _execution_facts(doc)):
        facts.update(part)
    for key, value in _related_info_facts(doc).items():
        facts.setdefault(key, value)
    for key in ("staff", "vehicles", "reception_batches", "reception_persons", "execution_rate",
                "claimed_expenditure_growth", "claimed_three_public_growth", "claimed_operating_expenses_growth"):
        if key not in facts and key in claimed:
            facts[key] = claimed[key]
    for key, metric in (("expenditure_total", "expenditure_total"), ("expenditure_basic", "expenditure_basic"),
                        ("expenditure_project", "expenditure_project"), ("personnel", "expenditure_personnel"),
                        ("public", "expenditure_public"), ("three_public_total", "three_public_total"),
                        ("three_public_reception", "three_public_reception"),
                        ("three_public_vehicle_ops", "three_public_vehicle_operation"),
                        ("operating_expenses", "operating_expenses")):
        if key not in facts and "claim:" + metric in claimed:
            facts[key] = claimed["claim:" + metric]
    severities = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        s = _get(f, "severity")
        if s in severities:
            severities[s] += 1
    facts["findings"] = severities
    facts["benford_first"], facts["benford_last_two"] = benford_digits(doc)
    return facts


# --------------------------------------------------------------------------- department-year rows

def _div(a: Any, b: Any) -> float:
    if a is None or b is None:
        return math.nan
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return math.nan
    if b == 0 or math.isnan(a) or math.isnan(b):
        return math.nan
    return a / b


def row_from_facts(final: Mapping[str, Any] | None, budget: Mapping[str, Any] | None = None,
                   prior: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One department-year: identity, the figures used and every feature of ``features.yaml``.

    ``final`` is the year's final account (the basis); without it the year's budget is the basis
    (``basis = "budget"``), and the features that need actual spending come from budget figures.
    ``prior`` is the final account of the year before.
    """
    base = final if final is not None else budget
    if base is None:
        raise ValueError("a department-year needs a final account or a budget")
    name = base.get("department")
    row: dict[str, Any] = {
        "department": name, "year": base.get("year"),
        "department_code": base.get("department_code") or (budget or {}).get("department_code"),
        "type": department_type(name), "level": department_level(name),
        "basis": "final_account" if final is not None else "budget",
        "final_path": final.get("path") if final else None,
        "budget_path": budget.get("path") if budget else None,
        "prior_path": prior.get("path") if prior else None,
    }
    g = base.get
    for key in ("staff", "vehicles", "expenditure_total", "expenditure_basic", "expenditure_project",
                "personnel", "public", "three_public_total", "three_public_reception", "three_public_vehicle_ops",
                "reception_batches", "reception_persons", "operating_expenses"):
        v = g(key)
        row[key] = float(v) if v is not None else math.nan
    staff = g("staff")
    basic_sum = (g("personnel") or 0) + (g("public") or 0) if g("personnel") is not None and g("public") is not None \
        else None
    row["personnel_share"] = _div(g("personnel"), basic_sum)
    row["public_share"] = _div(g("public"), basic_sum)
    row["project_share"] = _div(g("expenditure_project"), g("expenditure_total"))
    row["three_public_share"] = _div(g("three_public_total"), g("expenditure_total"))
    classes = g("function_classes") or {}
    csum = sum(classes.values())
    row["main_function_share"] = _div(max(classes.values()), csum) if classes else math.nan
    row["social_function_share"] = _div(sum(classes.get(c, 0.0) for c in ("208", "210", "221")), csum) \
        if classes else math.nan
    row["three_public_per_staff"] = _div(g("three_public_total"), staff)
    purchase = (max(0.0, float(g("three_public_vehicle")) - float(g("three_public_vehicle_ops")))
                if g("three_public_vehicle") is not None and g("three_public_vehicle_ops") is not None else None)
    row["three_public_purchase"] = purchase if purchase is not None else math.nan
    row["three_public_recurring_per_staff"] = (_div(float(g("three_public_total")) - purchase, staff)
                                               if purchase is not None and g("three_public_total") is not None
                                               else row["three_public_per_staff"])
    row["reception_per_batch"] = _div(g("three_public_reception"), g("reception_batches"))
    row["reception_per_person"] = _div(g("three_public_reception"), g("reception_persons"))
    row["vehicle_ops_per_vehicle"] = _div(g("three_public_vehicle_ops"), g("vehicles"))
    row["operating_expenses_per_staff"] = _div(g("operating_expenses"), staff)
    row["spending_per_staff"] = _div(g("expenditure_total"), staff)
    row["personnel_per_staff"] = _div(g("personnel"), staff)
    row["basic_per_staff"] = _div(g("expenditure_basic"), staff)

    growth = _div(g("expenditure_total"), prior.get("expenditure_total")) - 1 if prior else math.nan
    if math.isnan(growth) and g("claimed_expenditure_growth") is not None:
        growth = float(g("claimed_expenditure_growth"))
    row["expenditure_growth"] = growth
    tp_growth = _div(g("three_public_total"), prior.get("three_public_total")) - 1 if prior else math.nan
    if math.isnan(tp_growth) and g("claimed_three_public_growth") is not None:
        tp_growth = float(g("claimed_three_public_growth"))
    row["three_public_growth"] = tp_growth
    basic_growth = _div(g("expenditure_basic"), prior.get("expenditure_basic")) - 1 if prior else math.nan
    if math.isnan(basic_growth) and g("claimed_operating_expenses_growth") is not None:
        basic_growth = float(g("claimed_operating_expenses_growth"))
    row["basic_expenditure_growth"] = basic_growth
    row["budget_execution"] = float(g("execution_rate")) if g("execution_rate") is not None else math.nan
    row["budget_deviation"] = (_div(final.get("expenditure_total"), budget.get("expenditure_total")) - 1
                               if final is not None and budget is not None else math.nan)
    sev = {"error": 0, "warning": 0, "info": 0}
    for f in (final, budget):
        for k, v in ((f or {}).get("findings") or {}).items():
            if k in sev:
                sev[k] += int(v)
    row["findings_error"], row["findings_warning"], row["findings_info"] = (
        float(sev["error"]), float(sev["warning"]), float(sev["info"]))
    return row


def normalise_department(name: str) -> str:
    """A department's name as an identity: NFKC (full-width letters, digits and brackets folded) and
    no white space ("上海市普陀区规划和自然资源局 " and "上海市普陀区规划和自然资源局" are one name)."""
    return _WHITE.sub("", unicodedata.normalize("NFKC", name))


_WHITE = re.compile(r"\s+")


def department_identities(facts: Sequence[Mapping[str, Any]]) -> list[str]:
    """The identity of each document's department (issue 17): its printed code when the reader
    found one (``department_code``: a 统一社会信用代码 names one unit, whatever the name printed on
    a cover, so a report with a wrong name on its cover stays with its department and a renamed
    department stays one), else its normalised name.  A document without a code takes the code
    of the other documents of its name when they all print the same one (a table file beside the
    text of a report); when they print several, the name alone cannot tell which department it is
    and it is kept apart (``name|?``) rather than merged into one of them.

    So two departments of one name but different codes are never one department-year, and one
    department is one identity across years as long as it keeps its code (or, without codes, its
    name)."""
    names = [normalise_department(str(f.get("department") or "")) for f in facts]
    codes_of: dict[str, set[str]] = {}
    for n, f in zip(names, facts):
        if f.get("department_code"):
            codes_of.setdefault(n, set()).add(str(f["department_code"]))
    out = []
    for n, f in zip(names, facts):
        code = f.get("department_code")
        if code:
            out.append("code:" + str(code))
        else:
            known = codes_of.get(n)
            out.append(("code:" + next(iter(known))) if known and len(known) == 1
                       else "name:" + n + ("|?" if known else ""))
    return out


def feature_rows(facts: Iterable[Mapping[str, Any]],
                 key: Callable[[Mapping[str, Any]], str] | None = None) -> list[dict[str, Any]]:
    """One row per department-year from the facts of many documents (any order).

    Documents are grouped by (``key(facts)``, year); the key is the department's identity
    (:func:`department_identities`: its printed code, else its normalised name) unless another is
    given.  When a department has two documents of the same kind and year, the later one in the
    input wins.
    Documents without department or year are left out (they cannot be placed among peers).
    """
    usable = [f for f in facts if f.get("department") and f.get("year") is not None
              and f.get("kind") in ("final_account", "budget")]
    ids = [key(f) for f in usable] if key else department_identities(usable)
    by_key: dict[tuple[str, int], dict[str, Mapping[str, Any]]] = {}
    for ident, f in zip(ids, usable):
        by_key.setdefault((ident, int(f["year"])), {})[f["kind"]] = f
    rows = []
    for (dep, year), docs in sorted(by_key.items()):
        prior = by_key.get((dep, year - 1), {}).get("final_account")
        rows.append(row_from_facts(docs.get("final_account"), docs.get("budget"), prior))
    return rows
