"""A consistent ledger for a department-year, drawn from the domain (never from a parser's output).

All amounts are integers in 分 (0.01 元) so that every identity holds exactly in the
ledger; the rendered tables round them to 0.01 万元 or 0.01 元.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from corpus import catalog as C

WAN = 1_000_000  # 分 per 万元
# Medians of normal draws across types (万元), the baseline the anomalies are scaled from.
PEER_THREE_PUBLIC_PER_STAFF = 0.16
PEER_RECEPTION_PER_BATCH = 0.23


def wan(x: float) -> int:
    """万元 (float) → 分, rounded to whole 元."""
    return int(round(x * 10_000)) * 100


@dataclass
class Department:
    """Who publishes: fixed across years."""

    id: str
    name: str
    type: str
    level: str
    place: str
    nature: str
    staff_quota: int
    params: dict
    code: str = ""  # 统一社会信用代码 printed in the report (issue 17): unique in a corpus


@dataclass
class Project:
    name: str
    leaf: str
    initial: int  # 年初预算数
    annual: int  # 全年预算数
    actual: int  # 全年执行数
    score: float


@dataclass
class YearLedger:
    """Everything a final-account and a budget report of one year state."""

    year: int
    staff: int
    retirees: int
    vehicles: dict[str, int]
    econ: dict[str, int]  # 一般公共预算财政拨款基本支出 by 经济分类 item
    basic: dict[str, int]  # 一般公共预算财政拨款基本支出 by 功能分类 leaf
    project: dict[str, int]  # 一般公共预算财政拨款项目支出 by leaf
    fund: dict[str, int]  # 政府性基金预算财政拨款 (project) by leaf
    other_income: int  # 其他收入 (non-fiscal), spent as 基本支出 on the 行政运行 leaf
    run_leaf: str
    carry_leaf: str
    begin_carry: int
    end_carry: int
    projects: list[Project]
    three_public: dict[str, int]  # actual
    three_public_budget: dict[str, int]  # 全年预算
    counts: dict[str, int]
    procurement: dict[str, int]
    equipment_1m: int
    basic_annual: int  # 全年预算 of GPB 基本支出
    size: float = 1.0  # cumulative scale against the department's first year
    # budget (年初) figures of this year, for the budget report and the 年初预算 columns
    budget_econ: dict[str, int] = field(default_factory=dict)
    budget_basic: dict[str, int] = field(default_factory=dict)
    budget_project: dict[str, int] = field(default_factory=dict)
    budget_fund: dict[str, int] = field(default_factory=dict)
    budget_other_income: int = 0

    # ---- derived views -------------------------------------------------
    def leaves(self) -> list[str]:
        codes = set(self.basic) | set(self.project) | set(self.fund)
        return sorted(c for c in codes if self.leaf_total(c) or self.budget_leaf_total(c))

    def leaf_total(self, leaf: str) -> int:
        return self.gpb(leaf) + self.fund.get(leaf, 0) + self.other_basic(leaf)

    def budget_leaf_total(self, leaf: str) -> int:
        other = self.budget_other_income if leaf == self.run_leaf else 0
        return (self.budget_basic.get(leaf, 0) + self.budget_project.get(leaf, 0)
                + self.budget_fund.get(leaf, 0) + other)

    def gpb(self, leaf: str) -> int:
        return self.basic.get(leaf, 0) + self.project.get(leaf, 0)

    def other_basic(self, leaf: str) -> int:
        return self.other_income if leaf == self.run_leaf else 0

    def all_basic(self, leaf: str) -> int:
        return self.basic.get(leaf, 0) + self.other_basic(leaf)

    def all_project(self, leaf: str) -> int:
        return self.project.get(leaf, 0) + self.fund.get(leaf, 0)

    def fiscal_income(self, leaf: str) -> int:
        carry = self.end_carry - self.begin_carry if leaf == self.carry_leaf else 0
        return self.gpb(leaf) + self.fund.get(leaf, 0) + carry

    @property
    def basic_total(self) -> int:
        return sum(self.basic.values())

    @property
    def project_total(self) -> int:
        return sum(self.project.values())

    @property
    def fund_total(self) -> int:
        return sum(self.fund.values())

    @property
    def gpb_total(self) -> int:
        return self.basic_total + self.project_total

    @property
    def expenditure_total(self) -> int:
        return self.gpb_total + self.fund_total + self.other_income

    @property
    def gpb_income(self) -> int:
        return self.gpb_total + self.end_carry - self.begin_carry

    @property
    def income_total(self) -> int:
        return self.gpb_income + self.fund_total + self.other_income

    @property
    def grand_total(self) -> int:
        return self.income_total + self.begin_carry

    @property
    def personnel(self) -> int:
        return sum(v for k, v in self.econ.items() if k[:3] in ("301", "303"))

    @property
    def public(self) -> int:
        return sum(v for k, v in self.econ.items() if k[:3] in ("302", "310"))

    @property
    def three_public_total(self) -> int:
        return sum(self.three_public.values())

    @property
    def project_initial(self) -> int:
        return sum(p.initial for p in self.projects)

    @property
    def project_annual(self) -> int:
        return sum(p.annual for p in self.projects)

    def budget_total_gpb(self) -> int:
        return sum(self.budget_basic.values()) + sum(self.budget_project.values())

    @property
    def budget_total(self) -> int:
        return (sum(self.budget_basic.values()) + sum(self.budget_project.values())
                + sum(self.budget_fund.values()) + self.budget_other_income)


def department_name(rng: random.Random, dtype: str, level: str) -> tuple[str, str]:
    """A plausible department name for a type at a level, and its place."""
    spec = C.DEPT_TYPES[dtype]
    if level == "province":
        place = rng.choice(C.PROVINCES)
        return place + (spec["province"] or dtype), place
    if dtype == "街道办事处":
        place = rng.choice(C.DISTRICTS)
        return f"{place}{rng.choice(C.STREETS)}街道办事处", place
    place = rng.choice({"county": C.COUNTIES, "city": C.CITIES, "district": C.DISTRICTS}[level])
    return place + dtype, place


def _stem(rng: random.Random) -> str:
    return rng.choice(C.PLACE_FIRST) + rng.choice(C.PLACE_SECOND)


def _city(rng: random.Random) -> str:
    return rng.choice(C.CITIES) if rng.random() < 0.3 else _stem(rng) + "市"


def _district(rng: random.Random) -> str:
    return (rng.choice(C.DISTRICTS) if rng.random() < 0.2
            else _city(rng) + (rng.choice(C.DISTRICT_STEMS) if rng.random() < 0.5 else _stem(rng)) + "区")


def other_department_name(rng: random.Random, dtype: str, level: str) -> tuple[str, str]:
    """A name built from parts (catalog.MORE_PROVINCES, stems) for a type at a level, and its place.

    Drawn when the common name of :func:`department_name` is taken; the space is large (tens of
    thousands per type and level below the province) so that a corpus of any size finds free ones.
    """
    spec = C.DEPT_TYPES[dtype]
    if level == "province":
        place = rng.choice(C.PROVINCES + C.MORE_PROVINCES)
        return place + (spec["province"] or dtype), place
    if dtype == "街道办事处":
        place = _district(rng)
        street = rng.choice(C.STREET_STEMS + C.STREETS) if rng.random() < 0.5 else _stem(rng)
        return f"{place}{street}街道办事处", place
    if level == "city":
        place = _city(rng)
    elif level == "district":
        place = _district(rng)
    else:
        place = (_city(rng) if rng.random() < 0.4 else "") + _stem(rng) + "县"
    return place + dtype, place


def _credit_code(place: str, index: int) -> str:
    """A 统一社会信用代码 (GB 32100) of a 机关: 1 + 1, a region code, a 组织机构代码 (GB 11714) and the
    check character; the organisation code is a bijection of the index, so codes never repeat."""
    h = int.from_bytes(hashlib.sha256(place.encode()).digest()[:4], "big")
    prefixes = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                53, 54, 61, 62, 63, 64, 65)
    region = prefixes[h % len(prefixes)] * 10_000 + (h // len(prefixes)) % 10_000
    body = f"{(38_471_526 + index * 7_654_321) % 100_000_000:08d}"
    c9 = 11 - sum(int(d) * w for d, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    org = body + {10: "X", 11: "0"}.get(c9, str(c9))
    head = f"11{region}{org}"
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(chars.index(ch) * pow(3, i, 31) for i, ch in enumerate(head))
    return head + chars[(31 - total % 31) % 31]


def draw_department(rng: random.Random, index: int, taken: set[str] | None = None,
                    name_rng: random.Random | None = None) -> Department:
    """Draw who the department is and its spending habits (stable across years).

    ``taken``: names already given in the corpus.  The common name is drawn first (from ``rng``,
    so the rest of the draw is the same whatever happens next); when it is taken, names are built
    from parts with ``name_rng`` until a free one comes up (a province-level department whose
    province names are all taken becomes a city one).  The name is added to ``taken``.
    """
    dtype = C.TYPE_ORDER[index % len(C.TYPE_ORDER)] if index < len(C.TYPE_ORDER) else rng.choice(C.TYPE_ORDER)
    levels = ("district", "city") if dtype == "街道办事处" else C.LEVELS
    level = rng.choice(levels)
    name, place = department_name(rng, dtype, level)
    if taken is not None:
        alt = name_rng or random.Random(index)
        tries = 0
        while name in taken:
            tries += 1
            if tries > 200 and level == "province":
                level = "city"
            elif tries > 100_000:
                raise RuntimeError(f"no free department name for {dtype}/{level}")
            name, place = other_department_name(alt, dtype, level)
        taken.add(name)
    spec = C.DEPT_TYPES[dtype]
    lo, hi = spec["staff"]
    scale = {"county": 0.7, "district": 0.9, "city": 1.1, "province": 1.6}[level]
    quota = max(4, int(rng.randint(lo, hi) * scale))
    pay = {"county": (14, 20), "city": (17, 24), "district": (20, 30), "province": (22, 32)}[level]
    params = {
        "pay": rng.uniform(*pay),  # 万元 per staff
        "public_per_staff": rng.uniform(2.0, 4.5),
        "reception_per_staff": rng.uniform(0.02, 0.10),
        "per_batch": rng.uniform(0.12, 0.35),
        "vehicle_ops": rng.uniform(1.2, 2.6),
        "project_share": rng.uniform(*spec["project_share"]),
        "abroad": rng.random() < {"province": 0.5, "city": 0.2}.get(level, 0.05),
        "has_fund": spec["fund"] is not None and rng.random() < 0.5,
        "other_income": rng.random() < 0.3,
        "carry": rng.random() < 0.45,
        "n_projects": rng.randint(2, min(5, len(spec["project_names"]))),
        "retiree_ratio": rng.uniform(0.0, 0.4),
        "vehicles": max(0, int(quota * rng.uniform(0.0, 0.12))),
    }
    return Department(id=f"d{index:04d}", name=name, type=dtype, level=level, place=place,
                      nature=spec["nature"], staff_quota=quota, params=params, code=_credit_code(place, index))


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Split total (分) into parts proportional to jittered weights, in whole 元, summing exactly."""
    w = [x * rng.uniform(0.6, 1.4) for x in weights]
    s = sum(w)
    parts = [int(total * x / s) // 100 * 100 for x in w]
    parts[-1] += total - sum(parts)
    return parts


def draw_year(rng: random.Random, dept: Department, year: int, prev: YearLedger | None,
              anomaly: str | None = None) -> YearLedger:
    """Draw the ledger of one year.  prev (the year before) anchors staff and sizes."""
    p = dept.params
    spec = C.DEPT_TYPES[dept.type]
    drift = rng.uniform(0.95, 1.09)
    if prev is None:
        staff = max(3, dept.staff_quota - rng.randint(0, max(1, dept.staff_quota // 8)))
        size = 1.0
    else:
        staff = max(3, prev.staff + rng.randint(-2, 2))
        size = prev.size * drift
    if anomaly == "prior_year_jump":
        # A lasting step: the department's size carries into the years after (prev.size above), so
        # those years spend 2.6–4× per staff what their peers do; corpus.generate labels them too.
        size *= rng.uniform(2.6, 4.0)
    retirees = int(staff * p["retiree_ratio"])
    total_vehicles = p["vehicles"]
    vehicles = {k: 0 for k in C.VEHICLE_KINDS}
    for _ in range(total_vehicles):
        vehicles[rng.choice(C.VEHICLE_KINDS[:2] + C.VEHICLE_KINDS[4:])] += 1

    # --- three public ---
    reception = wan(staff * p["reception_per_staff"] * rng.uniform(0.85, 1.15))
    per_batch = p["per_batch"]
    veh_ops = wan(total_vehicles * p["vehicle_ops"] * rng.uniform(0.85, 1.15))
    abroad = wan(rng.uniform(3, 12)) if p["abroad"] and rng.random() < 0.6 else 0
    purchase = wan(rng.uniform(15, 28)) if total_vehicles and rng.random() < 0.12 else 0
    if anomaly == "three_public_per_staff":
        # 5–20× the peers' typical 三公 per staff (about 0.16 万元 in normal draws).  The extra goes to
        # 公务接待 (⅔: more 批次 at the department's usual cost per 批次) and 出国 (⅓); the cars cost
        # what they usually do.  (Putting a share into 公务用车运行维护费 whatever the fleet size made a
        # two-car department spend 5–15 万元 per car: a second, larger anomaly than the one labelled.)
        target = staff * PEER_THREE_PUBLIC_PER_STAFF * rng.uniform(5, 20)
        extra = max(0.0, target - veh_ops / WAN)
        reception, abroad = wan(extra * 2 / 3), wan(extra / 3)
        purchase = 0
    batches = max(1, round(reception / WAN / per_batch)) if reception else 0
    if anomaly == "reception_per_batch":
        # a few receptions costing 8–15× what peers spend per 批次 (about 0.23 万元)
        batches = rng.randint(2, 6)
        reception = wan(batches * PEER_RECEPTION_PER_BATCH * rng.uniform(8, 15))
    counts = {
        "abroad_groups": (1 + (abroad > wan(8))) if abroad else 0,
        "abroad_persons": 0,
        "vehicle_purchased": 1 if purchase else 0,
        "vehicle_stock": total_vehicles,
        "reception_batches": batches,
        "reception_persons": batches * rng.randint(3, 9),
        "staff": staff,
    }
    counts["abroad_persons"] = counts["abroad_groups"] * rng.randint(2, 5)
    three_public = {"abroad": abroad, "vehicle_purchase": purchase, "vehicle_ops": veh_ops, "reception": reception}
    three_public_budget = {k: (v if k == "vehicle_purchase" else wan(v / WAN / rng.uniform(0.62, 0.98)))
                           for k, v in three_public.items()}

    # --- basic expenditure by economic item ---
    personnel_301 = wan(staff * p["pay"] * 0.92 * size)
    public_302 = wan(staff * p["public_per_staff"] * size)
    econ: dict[str, int] = {}
    items301 = C.ECON_ITEMS["301"]
    for (code, _, _), amt in zip(items301, _split(rng, personnel_301, [w for _, _, w in items301])):
        econ[code] = amt
    rest302 = public_302 - reception - veh_ops - abroad
    if rest302 < wan(staff * 0.8):
        rest302 = wan(staff * 0.8)
    items302 = C.ECON_ITEMS["302"]
    for (code, _, _), amt in zip(items302, _split(rng, rest302, [w for _, _, w in items302])):
        econ[code] = amt
    if abroad:
        econ["30212"] = abroad
    econ[C.RECEPTION_CODE] = reception
    econ[C.VEHICLE_OPS_CODE] = veh_ops
    items303 = C.ECON_ITEMS["303"]
    amt303 = wan(retirees * rng.uniform(3, 6) + staff * rng.uniform(0.05, 0.3))
    for (code, _, _), amt in zip(items303, _split(rng, amt303, [w for _, _, w in items303])):
        econ[code] = amt
    amt310 = wan(staff * rng.uniform(0.0, 0.3))
    if amt310:
        for (code, _, _), amt in zip(C.ECON_ITEMS["310"], _split(rng, amt310, [0.8, 0.2])):
            econ[code] = amt
    econ = {k: econ[k] for k in sorted(econ)}

    run = spec["run"]
    basic = _basic_by_leaf(econ, run)

    # --- projects ---
    share = p["project_share"] * rng.uniform(0.9, 1.1)
    if anomaly == "project_share":
        share = min(0.97, spec["project_share"][1] + rng.uniform(0.18, 0.25))
    share = min(share, 0.97)
    project_total = wan(sum(basic.values()) / WAN * share / (1 - share))
    names = sorted(rng.sample(spec["project_names"], p["n_projects"]))
    amounts = _split(rng, project_total, [1.0] * len(names))
    projects: list[Project] = []
    for i, (nm, amt) in enumerate(zip(names, amounts)):
        leaf = spec["projects"][i % len(spec["projects"])]
        annual = wan(amt / WAN / rng.uniform(0.86, 1.0))
        initial = wan(annual / WAN * rng.choice((rng.uniform(0.70, 0.93), rng.uniform(1.04, 1.15))))
        projects.append(Project(nm, leaf, initial, annual, amt, round(rng.uniform(85, 99.5), 1)))
    if purchase:
        projects.append(Project("公务用车更新购置", run, purchase, purchase, purchase, round(rng.uniform(90, 100), 1)))
    project: dict[str, int] = {}
    for pr in projects:
        project[pr.leaf] = project.get(pr.leaf, 0) + pr.actual
    fund = {}
    if p["has_fund"]:
        fund[spec["fund"]] = wan(project_total / WAN * rng.uniform(0.1, 0.5))
    other_income = wan(sum(basic.values()) / WAN * rng.uniform(0.005, 0.04)) if p["other_income"] else 0
    carry_leaf = projects[0].leaf
    begin_carry = end_carry = 0
    if p["carry"]:
        begin_carry = prev.end_carry if prev is not None else wan(project_total / WAN * rng.uniform(0.01, 0.06))
        begin_carry = min(begin_carry, project[carry_leaf])
        end_carry = wan(project_total / WAN * rng.uniform(0.01, 0.06))
    basic_annual = wan(sum(basic.values()) / WAN * rng.uniform(1.005, 1.04))
    gross = sum(econ[k] for k in econ if k[:3] in ("302", "310")) + project_total
    proc_total = wan(gross / WAN * rng.uniform(0.05, 0.3))
    goods, works, services = _split(rng, proc_total, [0.5, 0.1 if rng.random() < 0.3 else 0.0, 0.4])
    procurement = {"goods": goods, "works": works, "services": services,
                   "sme": wan(proc_total / WAN * rng.uniform(0.6, 1.0))}
    equipment = rng.randint(1, 3) if dept.type in ("公安局", "卫生健康委员会") and rng.random() < 0.5 else 0

    led = YearLedger(year=year, staff=staff, retirees=retirees, vehicles=vehicles, econ=econ, basic=basic,
                     project=project, fund=fund, other_income=other_income, run_leaf=run, carry_leaf=carry_leaf,
                     begin_carry=begin_carry, end_carry=end_carry, projects=projects, three_public=three_public,
                     three_public_budget=three_public_budget, counts=counts, procurement=procurement,
                     equipment_1m=equipment, basic_annual=basic_annual, size=size)
    # 年初 budget of the year: economic items scaled, projects at their 年初预算数.
    ratio = rng.uniform(0.97, 1.05)
    led.budget_econ = {k: wan(v / WAN * ratio) for k, v in econ.items()}
    led.budget_econ[C.RECEPTION_CODE] = three_public_budget["reception"]
    led.budget_econ[C.VEHICLE_OPS_CODE] = three_public_budget["vehicle_ops"]
    if "30212" in led.budget_econ:
        led.budget_econ["30212"] = three_public_budget["abroad"]
    led.budget_basic = _basic_by_leaf(led.budget_econ, run)
    for pr in projects:
        led.budget_project[pr.leaf] = led.budget_project.get(pr.leaf, 0) + pr.initial
    led.budget_fund = {k: wan(v / WAN * rng.uniform(0.9, 1.1)) for k, v in fund.items()}
    led.budget_other_income = wan(other_income / WAN * rng.uniform(0.9, 1.1)) if other_income else 0
    return led


def _basic_by_leaf(econ: dict[str, int], run: str) -> dict[str, int]:
    """Map economic items onto 功能分类 leaves the way departments do (social insurance to 208/210/221)."""
    med = econ.get("30110", 0)
    med_admin = med * 8 // 10 // 100 * 100
    mapped = {
        "2080505": econ.get("30108", 0), "2080506": econ.get("30109", 0), "2101101": med_admin,
        "2101103": med - med_admin, "2210201": econ.get("30113", 0), "2080501": econ.get("30302", 0),
    }
    total = sum(econ.values())
    basic = {run: total - sum(mapped.values())}
    basic.update({k: v for k, v in mapped.items() if v})
    return {k: basic[k] for k in sorted(basic)}
