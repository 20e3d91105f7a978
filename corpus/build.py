"""Turn a department-year ledger into a final-account or a budget report (document model)."""

from __future__ import annotations

import random

from corpus import catalog as C
from corpus.ledger import Department, YearLedger
from corpus.model import Claim, Document, Heading, Para, Span, Table, fmt_amount
from corpus.tables import (
    TableStyle,
    economic_table,
    empty_fund_table,
    function_table,
    summary_table,
    three_public_table,
    three_public_values,
)

WORD_CHANGE = {1: ("增加", "增长"), -1: ("减少", "下降")}


class Prose:
    """Makes spans and registers the claims they carry."""

    def __init__(self, doc: Document, rng: random.Random, unit: str = "万元"):
        self.doc, self.rng, self.unit = doc, rng, unit

    def amt(self, fen: int, ref: tuple | None = None) -> Span:
        s = Span(fmt_amount(fen, self.unit, self.doc.prose_sep), "amount", self.unit)
        if ref is not None:
            self.doc.claims.append(Claim("level", s, (ref,)))
        return s

    def pct(self, part: int, base: int, refs: tuple, decimals: int = 2) -> Span:
        value = 100.0 * part / base if base else 0.0
        s = Span(f"{value:.{decimals}f}%", "pct")
        if base:
            self.doc.claims.append(Claim("share", s, refs))
        return s

    def rate(self, actual: int, base: int, refs: tuple, label: str, wrong_base: int | None = None) -> Span:
        value = 100.0 * actual / base if base else 0.0
        s = Span(f"{value:.2f}%", "pct")
        if base:
            self.doc.claims.append(Claim("rate", s, refs, {"label": label, "wrong_base": wrong_base}))
        return s

    def count(self, n: int, ref: tuple) -> Span:
        s = Span(str(n), "count")
        self.doc.claims.append(Claim("count", s, (ref,)))
        return s

    def year(self, y: int | None = None) -> Span:
        s = Span(str(y or self.doc.year), "year")
        self.doc.claims.append(Claim("year", s, (), {"expected": str(y or self.doc.year)}))
        return s

    def dept(self) -> Span:
        s = Span(self.doc.department, "dept")
        self.doc.claims.append(Claim("dept", s, (), {"expected": self.doc.department}))
        return s

    def compare(self, a: int, b: int, refs: tuple, words=("大于", "小于", "等于")) -> Span:
        w = words[0] if a > b else words[1] if a < b else words[2]
        s = Span(w, "word")
        self.doc.claims.append(Claim("compare", s, refs, {"words": words}))
        return s

    def change(self, cur: int, prior: int, cur_ref: tuple, prior_label: str) -> list:
        """'比上年增加X万元，增长Y%' with a growth claim, or '与上年持平'."""
        if cur == prior:
            return [f"与{prior_label}持平"]
        if prior <= 0:
            return [f"{prior_label}无此项支出"]
        d = 1 if cur > prior else -1
        up, grow = WORD_CHANGE[d]
        chg = self.amt(abs(cur - prior))
        pct = Span(f"{100.0 * abs(cur - prior) / prior:.2f}%", "pct")
        self.doc.claims.append(Claim("growth", pct, (cur_ref,), {"change": chg, "direction": d}))
        form = self.rng.randrange(3)
        if form == 0:
            return [f"比{prior_label}{up}", chg, f"，{grow}", pct]
        if form == 1:
            return [f"与{prior_label}相比，{up}", chg, f"，{grow}", pct]
        return [f"较{prior_label}{up}", chg, "，同比", grow, pct]


def _h(text: str, level: int, *spans: Span) -> Heading:
    return Heading(text, level, list(spans))


def _reason(rng: random.Random, cur: int, prior: int) -> str:
    return rng.choice(C.REASONS_UP if cur >= prior else C.REASONS_DOWN)


def _leaf_data(led: YearLedger, budget: bool) -> dict:
    out = {}
    for leaf in led.leaves():
        if budget:
            b = led.budget_basic.get(leaf, 0) + (led.budget_other_income if leaf == led.run_leaf else 0)
            p = led.budget_project.get(leaf, 0) + led.budget_fund.get(leaf, 0)
            fiscal = led.budget_basic.get(leaf, 0) + led.budget_project.get(leaf, 0) + led.budget_fund.get(leaf, 0)
            other = led.budget_other_income if leaf == led.run_leaf else 0
        else:
            b, p = led.all_basic(leaf), led.all_project(leaf)
            fiscal, other = led.fiscal_income(leaf), led.other_basic(leaf)
        out[leaf] = {"total": b + p, "basic": b, "project": p, "fiscal": fiscal, "other": other,
                     "gpb_basic": led.budget_basic.get(leaf, 0) if budget else led.basic.get(leaf, 0),
                     "gpb_project": led.budget_project.get(leaf, 0) if budget else led.project.get(leaf, 0)}
        out[leaf]["income_total"] = fiscal + other
        out[leaf]["gpb_total"] = out[leaf]["gpb_basic"] + out[leaf]["gpb_project"]
    return out


def _classes(data: dict, col: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for leaf, v in sorted(data.items()):
        out[leaf[:3]] = out.get(leaf[:3], 0) + v[col]
    return out


def _identity(dept: Department) -> Para:
    """The unit's identity line of the 概况, as real reports print it ("单位名称：新平彝族傣族自治县信访局，
    …，单位类型：机关，组织机构代码：115304277604167545，…"): the name and the 18-character code.
    The label (组织机构代码 as in that report, or 统一社会信用代码) follows the code, not the
    document's random draws, so the rest of the report is drawn as before."""
    label = ("统一社会信用代码", "组织机构代码")[ord(dept.code[-1]) % 2] if dept.code else "组织机构代码"
    return Para([f"单位名称：{dept.name}，单位类型：机关，{label}：{dept.code}，单位经费来源：财政全额拨款。"])


def _start(dept: Department, led: YearLedger, rng: random.Random, doc_kind: str, sep_rate: float, cover: str):
    """Document, table style, prose maker and the ledger's leaf data for one report."""
    doc = Document(doc_kind, dept.name, dept.type, dept.level, led.year, prose_sep=rng.random() < sep_rate)
    st = TableStyle(rng, doc_kind)
    data = _leaf_data(led, budget=doc_kind == "budget")
    doc.blocks.append(_h(cover, 0, Span(dept.name, "dept"), Span(str(led.year), "year")))
    return doc, st, Prose(doc, rng), data, _classes(data, "total"), _classes(data, "gpb_total")


def _fiscal_lines(cls_gpb: dict[str, int], fund: dict[str, int]) -> list:
    fund_by_cls: dict[str, int] = {}
    for leaf, v in fund.items():
        fund_by_cls[leaf[:3]] = fund_by_cls.get(leaf[:3], 0) + v
    return [(c, f"{C.CHINESE_NUMERALS[i]}、{C.CLASS_NAMES[c]}",
             {"total": cls_gpb.get(c, 0) + fund_by_cls.get(c, 0), "gpb": cls_gpb.get(c, 0),
              "fund": fund_by_cls.get(c, 0)})
            for i, c in enumerate(sorted(c for c in set(cls_gpb) | set(fund_by_cls)
                                         if cls_gpb.get(c, 0) or fund_by_cls.get(c, 0)))]


def build_final(dept: Department, led: YearLedger, prior: YearLedger, rng: random.Random) -> Document:
    """The 部门决算 of led.year."""
    doc, st, P, data, cls_all, cls_gpb = _start(dept, led, rng, "final_accounts", 0.15, "{0}{1}年度部门决算")
    Y, name, B = led.year, dept.name, doc.blocks
    # ---- part one
    B.append(_h("第一部分 {0}概况", 1, Span(name, "dept")))
    B.append(_h("一、主要职能", 2))
    B.append(Para([f"{name}{C.DEPT_TYPES[dept.type]['duty']}；完成上级交办的其他任务。"]))
    B.append(_h("二、部门基本情况", 2))
    B.append(_identity(dept))
    B.append(Para([P.dept(), f"为{dept.nature}，纳入", P.year(), "年度部门决算编报的单位共1个。",
                   f"年末实有人员编制{dept.staff_quota}人，在职实有人员{led.staff}人，离退休人员{led.retirees}人；"
                   f"实有车辆{led.counts['vehicle_stock']}辆。"]))
    # ---- part two: tables
    B.append(_h("第二部分 {0}{1}年度部门决算表", 1, Span(name, "dept"), Span(str(Y), "year")))
    fiscal_inc = sum(v["fiscal"] for v in data.values())
    gpb_inc = led.gpb_income
    income_lines = [("gpb", "一、一般公共预算财政拨款收入", gpb_inc), ("fund", "二、政府性基金预算财政拨款收入", led.fund_total),
                    ("soe", "三、国有资本经营预算财政拨款收入", 0), ("upper", "四、上级补助收入", 0),
                    ("business", "五、事业收入", 0), ("operating", "六、经营收入", 0), ("affiliated", "七、附属单位上缴收入", 0),
                    ("other", "八、其他收入", led.other_income)]
    exp_lines = [(c, f"{C.CHINESE_NUMERALS[i]}、{C.CLASS_NAMES[c]}", {"amount": v})
                 for i, (c, v) in enumerate(sorted(cls_all.items()))]
    t01 = summary_table("income_expenditure_summary", "收入支出决算总表", 1, st, name, income_lines, exp_lines,
                        [("amount", "决算数")],
                        [("total", "本年收入合计", led.income_total, "total", {"amount": led.expenditure_total}),
                         ("use_surplus", "使用非财政拨款结余", 0, "alloc", {}),
                         ("begin", "年初结转和结余", led.begin_carry, "end", {"amount": led.end_carry}),
                         ("grand", "总计", led.grand_total, "grand", {"amount": led.expenditure_total + led.end_carry})])
    t02 = function_table("income", "收入决算表", 2, st, name,
                         [("income_total", "本年收入合计"), ("fiscal", "财政拨款收入"), ("other", "其他收入")], data)
    t03 = function_table("expenditure", "支出决算表", 3, st, name,
                         [("total", "本年支出合计"), ("basic", "基本支出"), ("project", "项目支出")], data)
    fis_exp = _fiscal_lines(cls_gpb, led.fund)
    fis_total = {"total": led.gpb_total + led.fund_total, "gpb": led.gpb_total, "fund": led.fund_total}
    fis_end = {"total": led.end_carry, "gpb": led.end_carry, "fund": 0}
    fis_grand = {k: fis_total[k] + fis_end[k] for k in fis_total}
    t04 = summary_table("fiscal_summary", "财政拨款收入支出决算总表", 4, st, name,
                        [("gpb", "一、一般公共预算财政拨款", gpb_inc), ("fund", "二、政府性基金预算财政拨款", led.fund_total),
                         ("soe", "三、国有资本经营预算财政拨款", 0)],
                        fis_exp, [("total", "合计"), ("gpb", "一般公共预算财政拨款"), ("fund", "政府性基金预算财政拨款")],
                        [("total", "本年收入合计", fiscal_inc, "total", fis_total),
                         ("begin", "年初财政拨款结转和结余", led.begin_carry, "end", fis_end),
                         ("grand", "总计", fiscal_inc + led.begin_carry, "grand", fis_grand)])
    gdata = {k: {"total": v["gpb_total"], "basic": v["gpb_basic"], "project": v["gpb_project"]}
             for k, v in data.items() if v["gpb_total"]}
    t05 = function_table("general_budget_expenditure", "一般公共预算财政拨款支出决算表", 5, st, name,
                         [("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")], gdata)
    t06 = economic_table("basic_expenditure_economic", "一般公共预算财政拨款基本支出决算表", 6, st, name, led.econ, "决算数")
    if led.fund:
        fdata = {k: {"income": v, "expense": v} for k, v in led.fund.items()}
        t07 = function_table("gov_fund", "政府性基金预算财政拨款收入支出决算表", 7, st, name,
                             [("income", "本年收入"), ("expense", "本年支出")], fdata)
    else:
        t07 = empty_fund_table("gov_fund", "政府性基金预算财政拨款收入支出决算表", 7, st, name, "政府性基金预算财政拨款收支")
    t08 = empty_fund_table("state_capital", "国有资本经营预算财政拨款支出决算表", 8, st, name, "国有资本经营预算财政拨款支出")
    tp_unit = "元" if st.mixed_units else st.unit
    yunnan = rng.random() < 0.4
    t09 = three_public_table("three_public",
                             "“三公”经费、行政参公单位机关运行经费情况表" if yunnan else "财政拨款“三公”经费支出决算表",
                             9, st, name, tp_unit,
                             [("budget", "预算数", led.three_public_budget), ("actual", "决算数", led.three_public)],
                             led.counts, led.public if yunnan else None)
    rel = _related_table(st, name, led, tp_unit)
    po, pp = _performance_tables(st, name, led)
    tables = [t01, t02, t03, t04, t05, t06, t07, t08, t09, rel]
    B.extend(tables)
    # Required: the nine standard tables (domain §1) and the 部门整体支出绩效自评表, which the prose
    # relies on when it states the overall execution rate.  相关信息统计表 and the project
    # self-evaluation table are optional (10+ in the domain's table set): removing them is no error.
    doc.required_tables = [t.kind for t in tables if t is not rel] + [po.kind]
    # ---- part three: prose
    B.append(_h("第三部分 {0}{1}年度部门决算情况说明", 1, Span(name, "dept"), Span(str(Y), "year")))
    _final_prose(doc, P, led, prior, rng, cls_gpb)
    B.append(_h("第四部分 名词解释", 1))
    B.append(Para(["一、财政拨款收入：指单位从同级财政部门取得的财政预算资金。"]))
    B.append(Para(["二、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用经费支出。"]))
    B.append(Para(["三、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"]))
    B.append(Para(["四、“三公”经费：指部门用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。"]))
    B.append(Para(["五、机关运行经费：指行政单位和参照公务员法管理的事业单位财政拨款基本支出中的公用经费支出。"]))
    B.append(_h("第五部分 附件", 1))
    B.extend([po, pp])
    return doc


def _related_table(st: TableStyle, name: str, led: YearLedger, unit: str) -> Table:
    t = Table(kind="related_info", title="部门决算相关信息统计表", number=None, unit=unit,
              header=["项目", "单位", "数值"], grid=[], dept=Span(name, "dept"), repeat_header=st.repeat_header)
    pr = led.procurement
    rows = [("operating", "机关运行经费", unit, led.public),
            ("proc.total", "政府采购支出合计", unit, pr["goods"] + pr["works"] + pr["services"]),
            ("proc.goods", "  其中：政府采购货物支出", unit, pr["goods"]),
            ("proc.works", "        政府采购工程支出", unit, pr["works"]),
            ("proc.services", "        政府采购服务支出", unit, pr["services"]),
            ("proc.sme", "授予中小企业合同金额", unit, pr["sme"]),
            ("veh.total", "公务用车合计", "辆", led.counts["vehicle_stock"])]
    rows += [(f"veh.{i}", f"  {k}", "辆", led.vehicles[k]) for i, k in enumerate(C.VEHICLE_KINDS)]
    rows += [("equip", "单价100万元（含）以上设备", "台（套）", led.equipment_1m),
             ("perf.count", "绩效自评项目个数", "个", len(led.projects)),
             ("perf.amount", "绩效自评项目涉及资金", unit, led.project_total)]
    for key, label, u, v in rows:
        r = len(t.grid)
        t.grid.append([label, u, str(v) if u not in ("万元", "元") else st.fmt(v, unit, blank_zero=False)])
        t.cells[key] = (r, 2)
    return t


def _rate_text(st: TableStyle, actual: int, base: int) -> str:
    return f"{100.0 * actual / base:.2f}" + ("%" if st.rate_sign else "") if base else ""


def _performance_tables(st: TableStyle, name: str, led: YearLedger) -> tuple[Table, Table]:
    unit = "万元"
    po = Table(kind="performance_overall", title="部门整体支出绩效自评表", number=None, unit=unit,
               header=["项目", "年初预算数", "全年预算数", "全年执行数", "执行率"], grid=[], dept=Span(name, "dept"))
    rows = [("total", "一般公共预算财政拨款支出合计", led.budget_total_gpb(), led.basic_annual + led.project_annual,
             led.gpb_total),
            ("basic", "一、基本支出", sum(led.budget_basic.values()), led.basic_annual, led.basic_total),
            ("project", "二、项目支出", led.project_initial, led.project_annual, led.project_total)]
    for key, label, ini, ann, act in rows:
        r = len(po.grid)
        po.grid.append([label, st.fmt(ini, unit, False), st.fmt(ann, unit, False), st.fmt(act, unit, False),
                        _rate_text(st, act, ann)])
        for j, col in enumerate(("initial", "annual", "actual", "rate")):
            po.cells[f"{key}/{col}"] = (r, 1 + j)
    pp = Table(kind="performance_project", title="项目支出绩效自评表", number=None, unit=unit,
               header=["项目名称", "年初预算数", "全年预算数", "全年执行数", "执行率", "得分"], grid=[],
               dept=Span(name, "dept"), landscape=True)
    for i, p in enumerate(led.projects):
        r = len(pp.grid)
        pp.grid.append([p.name, st.fmt(p.initial, unit, False), st.fmt(p.annual, unit, False),
                        st.fmt(p.actual, unit, False), _rate_text(st, p.actual, p.annual), f"{p.score:.1f}"])
        for j, col in enumerate(("initial", "annual", "actual", "rate")):
            pp.cells[f"p{i}/{col}"] = (r, 1 + j)
    r = len(pp.grid)
    pp.grid.append(["合计", st.fmt(led.project_initial, unit, False), st.fmt(led.project_annual, unit, False),
                    st.fmt(led.project_total, unit, False), _rate_text(st, led.project_total, led.project_annual), ""])
    for j, col in enumerate(("initial", "annual", "actual", "rate")):
        pp.cells[f"total/{col}"] = (r, 1 + j)
    return po, pp


def _final_prose(doc: Document, P: Prose, led: YearLedger, prior: YearLedger, rng: random.Random,
                 cls_gpb: dict[str, int]) -> None:
    B, Y = doc.blocks, led.year
    py = f"{Y - 1}年"
    n = iter(C.CHINESE_NUMERALS)
    # 一、收入支出决算总体情况
    B.append(_h(f"{next(n)}、收入支出决算总体情况说明", 2))
    grand = led.grand_total
    para = Para([P.year(), "年度收入、支出总计各" if rng.random() < 0.5 else "年度收入支出总计",
                 P.amt(grand, ("income_expenditure_summary", "inc.grand")), "。"])
    para.add(*P.change(grand, prior.grand_total, ("income_expenditure_summary", "inc.grand"), py), "。",
             _reason(rng, grand, prior.grand_total), "。")
    B.append(para)
    # 二、收入
    B.append(_h(f"{next(n)}、收入决算情况说明", 2))
    inc = led.income_total
    base = ("income_expenditure_summary", "inc.total")
    para = Para([P.year(), "年度收入合计", P.amt(inc, base), "，其中："])
    parts = [("财政拨款收入", led.gpb_income + led.fund_total, None),
             ("其他收入", led.other_income, ("income_expenditure_summary", "inc.other"))]
    for i, (label, v, ref) in enumerate(parts):
        if ref is None:
            para.add(label, P.amt(v), "，占", P.pct(v, inc, (("income", "total/fiscal"), base)))
        else:
            para.add(label, P.amt(v, ref), "，占", P.pct(v, inc, (ref, base)))
        para.add("；" if i < len(parts) - 1 else "。")
    B.append(para)
    # 三、支出
    B.append(_h(f"{next(n)}、支出决算情况说明", 2))
    tot = led.expenditure_total
    base = ("expenditure", "total/total")
    basic_all = led.basic_total + led.other_income
    proj_all = led.project_total + led.fund_total
    word = rng.choice(("占比", "占总支出的", "占"))
    B.append(Para([P.year(), "年度支出合计", P.amt(tot, base), "，其中：基本支出",
                   P.amt(basic_all, ("expenditure", "total/basic")), f"，{word}",
                   P.pct(basic_all, tot, (("expenditure", "total/basic"), base)), "；项目支出",
                   P.amt(proj_all, ("expenditure", "total/project")), f"，{word}",
                   P.pct(proj_all, tot, (("expenditure", "total/project"), base)), "。"]))
    # 四、财政拨款收支总体
    B.append(_h(f"{next(n)}、财政拨款收入支出决算总体情况说明", 2))
    fgrand = led.gpb_income + led.fund_total + led.begin_carry
    pgrand = prior.gpb_income + prior.fund_total + prior.begin_carry
    para = Para([P.year(), "年度财政拨款收入支出总计", P.amt(fgrand, ("fiscal_summary", "inc.grand")), "。"])
    para.add(*P.change(fgrand, pgrand, ("fiscal_summary", "inc.grand"), py), "。", _reason(rng, fgrand, pgrand), "。")
    B.append(para)
    # 五、一般公共预算财政拨款支出
    B.append(_h(f"{next(n)}、一般公共预算财政拨款支出决算情况说明", 2))
    B.append(_h("（一）一般公共预算财政拨款支出决算总体情况", 3))
    g = led.gpb_total
    gref = ("general_budget_expenditure", "total/total")
    para = Para([P.year(), "年度一般公共预算财政拨款支出", P.amt(g, gref), "，占本年支出合计的",
                 P.pct(g, tot, (gref, ("expenditure", "total/total"))), "。"])
    para.add(*P.change(g, prior.gpb_total, gref, py), "。", _reason(rng, g, prior.gpb_total), "。")
    B.append(para)
    B.append(_h("（二）一般公共预算财政拨款支出决算结构情况", 3))
    para = Para([P.year(), "年度一般公共预算财政拨款支出", P.amt(g), "，主要用于以下方面："])
    items = sorted((c, v) for c, v in cls_gpb.items() if v)
    for i, (c, v) in enumerate(items):
        ref = ("general_budget_expenditure", f"{c}/total")
        para.add(f"{C.CLASS_NAMES[c]}（类）", P.amt(v, ref), "，占", P.pct(v, g, (ref, gref)),
                 "；" if i < len(items) - 1 else "。")
    B.append(para)
    B.append(_h("（三）一般公共预算财政拨款支出决算具体情况", 3))
    ini = led.budget_total_gpb()
    ann = led.basic_annual + led.project_annual
    iref, aref = ("performance_overall", "total/initial"), ("performance_overall", "total/annual")
    if rng.random() < 0.5:
        B.append(Para([P.year(), "年度一般公共预算财政拨款支出年初预算为", P.amt(ini, iref), "，支出决算为", P.amt(g, gref),
                       "，完成年初预算的", P.rate(g, ini, (gref, iref), "initial"), "。决算数",
                       P.compare(g, ini, (gref, iref)), "年初预算数的主要原因是：年中追加调整预算及项目执行进度变化。"]))
    else:
        B.append(Para([P.year(), "年度一般公共预算财政拨款支出全年预算为", P.amt(ann, aref), "，支出决算为", P.amt(g, gref),
                       "，完成全年预算的", P.rate(g, ann, (gref, aref), "annual", wrong_base=ini), "。决算数",
                       P.compare(g, ann, (gref, aref)), "预算数，主要原因是部分项目按进度结转下年。"]))
    # 六、基本支出
    B.append(_h(f"{next(n)}、一般公共预算财政拨款基本支出决算情况说明", 2))
    t6 = "basic_expenditure_economic"
    items302 = sorted(((k, v) for k, v in led.econ.items() if k.startswith("302") and v), key=lambda kv: -kv[1])[:4]
    para = Para([P.year(), "年度一般公共预算财政拨款基本支出", P.amt(led.basic_total), "，其中：人员经费",
                 P.amt(led.personnel, (t6, "personnel")), "，主要包括基本工资、津贴补贴、奖金、社会保障缴费、住房公积金等；公用经费",
                 P.amt(led.public, (t6, "public")), "，主要包括"])
    for i, (k, v) in enumerate(sorted(items302)):
        para.add(C.ECON_NAMES[k], P.amt(v, (t6, f"{k}/amount")), "、" if i < len(items302) - 1 else "等。")
    B.append(para)
    # 七、三公
    B.append(_h(f"{next(n)}、财政拨款“三公”经费支出决算情况说明", 2))
    tpa = three_public_values(led.three_public)
    tpb = three_public_values(led.three_public_budget)
    tpp = three_public_values(prior.three_public)
    t9 = "three_public"
    B.append(_h("（一）“三公”经费财政拨款支出决算总体情况说明", 3))
    para = Para([P.year(), "年度“三公”经费财政拨款支出全年预算为", P.amt(tpb["total"], (t9, "total/budget")),
                 "，支出决算为", P.amt(tpa["total"], (t9, "total/actual")), "，完成全年预算的",
                 P.rate(tpa["total"], tpb["total"], ((t9, "total/actual"), (t9, "total/budget")), "annual"),
                 "。其中：因公出国（境）费支出决算为", P.amt(tpa["abroad"], (t9, "abroad/actual")),
                 "；公务用车购置及运行维护费支出决算为", P.amt(tpa["vehicle"], (t9, "vehicle/actual")),
                 "；公务接待费支出决算为", P.amt(tpa["reception"], (t9, "reception/actual")), "。决算数",
                 P.compare(tpa["total"], tpb["total"], ((t9, "total/actual"), (t9, "total/budget"))),
                 "预算数的主要原因是：", rng.choice(C.REASONS_BELOW_BUDGET), "。"])
    B.append(para)
    para = Para([P.year(), "年度“三公”经费财政拨款支出决算"])
    para.add(*P.change(tpa["total"], tpp["total"], (t9, "total/actual"), py), "。")
    B.append(para)
    B.append(_h("（二）“三公”经费财政拨款支出决算具体情况说明", 3))
    cnt = led.counts
    B.append(Para(["1.因公出国（境）费支出", P.amt(tpa["abroad"]), "，共安排因公出国（境）团组",
                   P.count(cnt["abroad_groups"], (t9, "count.abroad_groups")), "个，累计",
                   P.count(cnt["abroad_persons"], (t9, "count.abroad_persons")), "人次。"]))
    B.append(Para(["2.公务用车购置及运行维护费支出", P.amt(tpa["vehicle"]), "。其中：公务用车购置费",
                   P.amt(tpa["vehicle_purchase"], (t9, "vehicle_purchase/actual")), "，购置车辆",
                   P.count(cnt["vehicle_purchased"], (t9, "count.vehicle_purchased")), "辆；公务用车运行维护费",
                   P.amt(tpa["vehicle_ops"], (t9, "vehicle_ops/actual")), "，公务用车保有量",
                   P.count(cnt["vehicle_stock"], (t9, "count.vehicle_stock")), "辆。"]))
    if rng.random() < 0.5:
        B.append(Para(["3.公务接待费支出", P.amt(tpa["reception"]), "，共接待",
                       P.count(cnt["reception_batches"], (t9, "count.reception_batches")), "批次，",
                       P.count(cnt["reception_persons"], (t9, "count.reception_persons")), "人次。"]))
    else:
        B.append(Para(["3.公务接待费支出", P.amt(tpa["reception"]), "，其中国内接待费", P.amt(tpa["reception"]),
                       "，共安排国内公务接待", P.count(cnt["reception_batches"], (t9, "count.reception_batches")),
                       "批次，接待人次", P.count(cnt["reception_persons"], (t9, "count.reception_persons")),
                       "人；国（境）外接待费0.00万元。"]))
    # 八、九 基金
    B.append(_h(f"{next(n)}、政府性基金预算财政拨款收入支出决算情况说明", 2))
    if led.fund:
        B.append(Para([P.year(), "年度政府性基金预算财政拨款支出", P.amt(led.fund_total, ("gov_fund", "total/expense")), "。"]))
    else:
        B.append(Para([P.dept(), P.year(), "年度无政府性基金预算财政拨款收入和支出。"]))
    B.append(_h(f"{next(n)}、国有资本经营预算财政拨款支出决算情况说明", 2))
    B.append(Para(["本年度无此项支出。"]))
    # 十、其他重要事项
    B.append(_h(f"{next(n)}、其他重要事项的情况说明", 2))
    B.append(_h("（一）机关运行经费支出情况", 3))
    oref = ("related_info", "operating")
    para = Para([P.year(), "年度机关运行经费支出", P.amt(led.public, oref), "，"])
    para.add(*P.change(led.public, prior.public, oref, py), "，", _reason(rng, led.public, prior.public), "。")
    B.append(para)
    B.append(_h("（二）政府采购支出情况", 3))
    pr = led.procurement
    ptot = pr["goods"] + pr["works"] + pr["services"]
    pref = ("related_info", "proc.total")
    B.append(Para([P.year(), "年度政府采购支出总额", P.amt(ptot, pref), "，其中：政府采购货物支出",
                   P.amt(pr["goods"], ("related_info", "proc.goods")), "、政府采购工程支出",
                   P.amt(pr["works"], ("related_info", "proc.works")), "、政府采购服务支出",
                   P.amt(pr["services"], ("related_info", "proc.services")), "。授予中小企业合同金额",
                   P.amt(pr["sme"], ("related_info", "proc.sme")), "，占政府采购支出总额的",
                   P.pct(pr["sme"], ptot, (("related_info", "proc.sme"), pref)), "。"]))
    B.append(_h("（三）国有资产占用情况", 3))
    para = Para(["截至", P.year(), "年12月31日，本部门共有车辆",
                 P.count(cnt["vehicle_stock"], ("related_info", "veh.total")), "辆，其中："])
    for i, k in enumerate(C.VEHICLE_KINDS):
        para.add(k, P.count(led.vehicles[k], ("related_info", f"veh.{i}")), "辆" + ("、" if i < 4 else "；"))
    para.add("单价100万元（含）以上设备", P.count(led.equipment_1m, ("related_info", "equip")), "台（套）。")
    B.append(para)
    B.append(_h("（四）预算绩效情况说明", 3))
    B.append(Para([P.year(), "年度本部门对", P.count(len(led.projects), ("related_info", "perf.count")),
                   "个项目开展绩效自评，涉及资金", P.amt(led.project_total, ("related_info", "perf.amount")),
                   "。部门整体支出全年执行率",
                   P.rate(led.gpb_total, ann, (gref, aref), "annual", wrong_base=ini), "。"]))


def build_budget(dept: Department, led: YearLedger, prior: YearLedger, rng: random.Random,
                 prior_execution: bool = False) -> Document:
    """The 部门预算 of led.year (年初 figures), with 上年 figures from prior.

    ``prior_execution``: the budget also explains each 一般公共预算 line in an item statement that
    states last year's execution (the 决算数 of prior's final account), as the 上海 budgets do.
    Off by default, so that a corpus of a seed stays what it was (it draws nothing from ``rng``)."""
    doc, st, P, data, cls_all, cls_gpb = _start(dept, led, rng, "budget", 0.3, "{0}{1}年部门预算")
    Y, name, B = led.year, dept.name, doc.blocks
    B.append(_h("一、部门主要职能", 1))
    B.append(Para([P.dept(), C.DEPT_TYPES[dept.type]["duty"], "。"]))
    B.append(_identity(dept))
    B.append(_h("二、部门预算编制说明", 1))
    total = led.budget_total
    gpb = sum(led.budget_basic.values()) + sum(led.budget_project.values())
    fund = sum(led.budget_fund.values())
    pgpb = sum(prior.budget_basic.values()) + sum(prior.budget_project.values())
    tref = ("income_expenditure_summary", "inc.grand")
    para = Para([P.year(), "年，", P.dept(), "收入预算", P.amt(total, tref), "，其中：财政拨款收入",
                 P.amt(gpb + fund), "，占", P.pct(gpb + fund, total, (("income", "total/fiscal"), tref)), "；其他收入",
                 P.amt(led.budget_other_income, ("income_expenditure_summary", "inc.other")), "。"])
    para.add("收入预算", *P.change(total, prior.budget_total, tref, f"{Y - 1}年预算"), "。")
    B.append(para)
    g5 = ("general_budget_expenditure", "total/total")
    para = Para(["一般公共预算拨款支出预算", P.amt(gpb, g5), "，"])
    para.add(*P.change(gpb, pgpb, g5, f"{Y - 1}年预算"), "；政府性基金拨款支出预算", P.amt(fund), "。",
             _reason(rng, gpb, pgpb), "。")
    B.append(para)
    bb, bp = sum(led.budget_basic.values()) + led.budget_other_income, sum(led.budget_project.values()) + fund
    e3 = ("expenditure", "total/total")
    B.append(Para(["支出预算", P.amt(total, e3), "，其中：基本支出", P.amt(bb, ("expenditure", "total/basic")), "，占",
                   P.pct(bb, total, (("expenditure", "total/basic"), e3)), "；项目支出",
                   P.amt(bp, ("expenditure", "total/project")), "，占",
                   P.pct(bp, total, (("expenditure", "total/project"), e3)), "。"]))
    para = Para(["一般公共预算拨款支出主要内容如下："])
    items = sorted((c, v) for c, v in cls_gpb.items() if v)
    for i, (c, v) in enumerate(items):
        ref = ("general_budget_expenditure", f"{c}/total")
        para.add(f"“{C.CLASS_NAMES[c]}（类）”", P.amt(v, ref), "，占", P.pct(v, gpb, (ref, g5)),
                 "；" if i < len(items) - 1 else "。")
    B.append(para)
    if prior_execution:
        B.extend(_item_statements(P, data, prior, Y))
    # 三公
    B.append(_h("三、“三公”经费预算情况说明", 1))
    cur, pri = three_public_values(led.three_public_budget), three_public_values(prior.three_public_budget)
    t9 = "three_public"
    para = Para([P.year(), "年“三公”经费财政拨款预算数为", P.amt(cur["total"], (t9, "total/budget")), "，比上年预算",
                 P.compare(cur["total"], pri["total"], ((t9, "total/budget"), (t9, "total/prior")),
                           ("增加", "减少", "持平")),
                 "。其中：因公出国（境）费", P.amt(cur["abroad"], (t9, "abroad/budget")), "；公务用车购置费",
                 P.amt(cur["vehicle_purchase"], (t9, "vehicle_purchase/budget")), "，公务用车运行维护费",
                 P.amt(cur["vehicle_ops"], (t9, "vehicle_ops/budget")), "；公务接待费",
                 P.amt(cur["reception"], (t9, "reception/budget")), "。"])
    B.append(para)
    para = Para(["“三公”经费预算数"])
    para.add(*P.change(cur["total"], pri["total"], (t9, "total/budget"), "上年预算"), "，",
             _reason(rng, cur["total"], pri["total"]), "。")
    B.append(para)
    B.append(_h("四、机关运行经费预算", 1))
    pub = sum(v for k, v in led.budget_econ.items() if k[:3] in ("302", "310"))
    B.append(Para([P.year(), "年机关运行经费预算", P.amt(pub, (t9, "operating")), "，主要用于办公费、水电费、差旅费等日常公用经费支出。"]))
    B.append(_h("五、部门预算表", 1))
    income_lines = [("gpb", "一、一般公共预算拨款收入", gpb), ("fund", "二、政府性基金预算拨款收入", fund),
                    ("soe", "三、国有资本经营预算拨款收入", 0), ("business", "四、事业收入", 0),
                    ("other", "五、其他收入", led.budget_other_income)]
    exp_lines = [(c, f"{C.CHINESE_NUMERALS[i]}、{C.CLASS_NAMES[c]}", {"amount": v})
                 for i, (c, v) in enumerate(sorted(cls_all.items()))]
    pre = f"{Y}年" if rng.random() < 0.6 else ""
    tables: list[Table] = []
    tables.append(summary_table("income_expenditure_summary", pre + "部门收支预算总表", 1, st, name, income_lines,
                                exp_lines, [("amount", "预算数")],
                                [("total", "本年收入合计", total, "total", {"amount": total}),
                                 ("grand", "收入总计", total, "grand", {"amount": total})]))
    tables.append(function_table("income", pre + "部门收入预算表", 2, st, name,
                                 [("income_total", "合计"), ("fiscal", "财政拨款收入"), ("other", "其他收入")], data))
    tables.append(function_table("expenditure", pre + "部门支出预算表", 3, st, name,
                                 [("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")], data))
    fis_exp = _fiscal_lines(cls_gpb, led.budget_fund)
    ft = {"total": gpb + fund, "gpb": gpb, "fund": fund}
    tables.append(summary_table("fiscal_summary", pre + "财政拨款收支预算总表", 4, st, name,
                                [("gpb", "一、一般公共预算拨款", gpb), ("fund", "二、政府性基金预算拨款", fund)],
                                fis_exp, [("total", "合计"), ("gpb", "一般公共预算"), ("fund", "政府性基金预算")],
                                [("total", "本年收入合计", gpb + fund, "total", ft),
                                 ("grand", "收入总计", gpb + fund, "grand", ft)]))
    gdata = {k: {"total": v["gpb_total"], "basic": v["gpb_basic"], "project": v["gpb_project"]}
             for k, v in data.items() if v["gpb_total"]}
    tables.append(function_table("general_budget_expenditure", pre + "一般公共预算支出功能分类预算表", 5, st, name,
                                 [("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")], gdata))
    tables.append(economic_table("basic_expenditure_economic", pre + "一般公共预算基本支出部门预算经济分类预算表", 6, st,
                                 name, led.budget_econ, "预算数"))
    if led.budget_fund:
        fdata = {k: {"income": v, "expense": v} for k, v in led.budget_fund.items()}
        tables.append(function_table("gov_fund", pre + "政府性基金预算支出预算表", 7, st, name,
                                     [("income", "本年收入"), ("expense", "本年支出")], fdata))
    else:
        tables.append(empty_fund_table("gov_fund", pre + "政府性基金预算支出预算表", 7, st, name, "政府性基金预算拨款"))
    tables.append(empty_fund_table("state_capital", pre + "国有资本经营预算支出预算表", 8, st, name, "国有资本经营预算拨款"))
    tp_unit = "元" if st.mixed_units else st.unit
    tables.append(three_public_table("three_public", pre + "一般公共预算“三公”经费支出预算表", 9, st, name, tp_unit,
                                     [("budget", "本年预算数", led.three_public_budget),
                                      ("prior", "上年预算数", prior.three_public_budget)], None, pub))
    pt = Table(kind="project_expenditure", title=pre + "项目支出表", number=None, unit=st.unit,
               header=["项目名称", "功能科目编码", "预算数"], grid=[], dept=Span(name, "dept"))
    plist = [(p.name, p.leaf, p.initial) for p in led.projects]
    plist += [("政府性基金项目", k, v) for k, v in sorted(led.budget_fund.items())]
    for i, (pn, leaf, v) in enumerate(plist):
        pt.cells[f"p{i}/amount"] = (len(pt.grid), 2)
        pt.grid.append([pn, leaf, st.fmt(v, st.unit, False)])
    pt.cells["total/amount"] = (len(pt.grid), 2)
    pt.grid.append(["合计", "", st.fmt(sum(v for _, _, v in plist), st.unit, False)])
    tables.append(pt)
    B.extend(tables)
    # Required: the nine standard budget tables; the 项目支出表 is printed by some provinces only.
    doc.required_tables = [t.kind for t in tables if t is not pt]
    B.append(_h("六、名词解释", 1))
    B.append(Para(["（一）财政拨款收入：指本级财政当年拨付的资金。"]))
    B.append(Para(["（二）“三公”经费：指使用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。"]))
    return doc


def _item_statements(P: Prose, data: dict, prior: YearLedger, year: int) -> list[Para]:
    """One statement per 一般公共预算 line (项) of the budget that last year's final account spent
    on, in the form of the 上海 budgets ("“一般公共服务支出（类）群众团体事务（款）一般行政管理事务（项）”
    42.60万元，主要用于…。2023年当年预算执行数为45.41万元，2024年预算安排42.60万元，比2023年预算执行数
    减少6.19%。"): the execution is the line's 决算数 in last year's final account (its
    一般公共预算财政拨款支出决算表).  The execution figure is an ``execution`` claim (its amount span,
    the line's budget in fen, the rate span and the direction)."""
    out: list[Para] = []
    n = 0
    for leaf, v in sorted(data.items()):
        x, e = v["gpb_total"], prior.basic.get(leaf, 0) + prior.project.get(leaf, 0)
        if x <= 0 or e <= 0:
            continue
        n += 1
        name = C.LEAF_NAMES[leaf]
        head = f"{n}. “{C.CLASS_NAMES[leaf[:3]]}（类）{C.ITEM_NAMES[leaf[:5]]}（款）{name}（项）”"
        ref = ("general_budget_expenditure", f"{leaf}/total")
        para = Para([head, P.amt(x, ref), f"，主要用于{name}。{year - 1}年当年预算执行数为"])
        exe = P.amt(e)
        para.add(exe, f"，{year}年预算安排", P.amt(x), f"，比{year - 1}年预算执行数")
        if x == e:
            para.add("持平。")
            rate = None
        else:
            d = 1 if x > e else -1
            rate = Span(f"{100.0 * abs(x - e) / e:.2f}%", "pct")
            para.add(WORD_CHANGE[d][0], rate, "。")
        para.add(f"主要原因是：{name}经费{'保持不变' if x == e else '增加' if x > e else '减少'}。")
        P.doc.claims.append(Claim("execution", exe, (ref,), {"budget": x, "rate": rate}))
        out.append(para)
    return out
