"""Build the disclosure tables of a report from a ledger."""

from __future__ import annotations

import random

from corpus import catalog as C
from corpus.model import Span, Table, fmt_amount


class TableStyle:
    """Surface choices shared by the tables of one report."""

    def __init__(self, rng: random.Random, doc_kind: str):
        self.unit = "元" if rng.random() < 0.3 else "万元"
        self.split_codes = rng.random() < 0.5
        self.sep_wan = rng.random() < 0.5  # thousands separators in 万元 tables
        self.total_first = rng.random() < 0.6
        self.numbered = rng.random() < 0.7 and doc_kind == "final_accounts"
        self.repeat_header = rng.random() < 0.5
        self.blank_zero = rng.random() < 0.7
        self.mixed_units = rng.random() < 0.2  # 三公 and related tables in 元 while the rest in 万元
        self.rate_sign = rng.random() < 0.6

    def fmt(self, fen: int, unit: str, blank_zero: bool | None = None) -> str:
        if fen == 0 and (self.blank_zero if blank_zero is None else blank_zero):
            return ""
        return fmt_amount(fen, unit, unit == "元" or self.sep_wan)


def _new_table(kind: str, title: str, number: int | None, unit: str, header: list[str], style: TableStyle,
               dept: str, landscape: bool = False) -> Table:
    num = f"公开{number:02d}表" if number is not None and style.numbered else None
    return Table(kind=kind, title=title, number=num, unit=unit, header=header, grid=[], landscape=landscape,
                 dept=Span(dept, "dept"), repeat_header=style.repeat_header)


def function_table(kind: str, title: str, number: int | None, style: TableStyle, dept: str,
                   columns: list[tuple[str, str]], data: dict[str, dict[str, int]], unit: str | None = None) -> Table:
    """A table by 功能分类 code: 类, 款, 项 rows with the given numeric columns, and a 合计 row."""
    unit = unit or style.unit
    codes = ["类", "款", "项"] if style.split_codes else ["科目编码"]
    header = codes + ["科目名称"] + [h for _, h in columns]
    t = _new_table(kind, title, number, unit, header, style, dept, landscape=len(columns) > 3)
    ncode = len(codes)
    t.num_cols = {k: ncode + 1 + i for i, (k, _) in enumerate(columns)}
    leaves = sorted(c for c in data if any(data[c].values()))
    sums: dict[str, dict[str, int]] = {"total": {k: 0 for k, _ in columns}}
    for leaf in leaves:
        for code in (leaf[:3], leaf[:5], leaf, "total"):
            acc = sums.setdefault(code, {k: 0 for k, _ in columns})
            for k, _ in columns:
                acc[k] += data[leaf].get(k, 0)
    order: list[str] = []
    for leaf in leaves:
        for code in (leaf[:3], leaf[:5], leaf):
            if code not in order:
                order.append(code)

    def add_row(code: str) -> None:
        if code == "total":
            labels = [""] * ncode + ["合计"]
        else:
            name = {3: C.CLASS_NAMES, 5: C.ITEM_NAMES, 7: C.LEAF_NAMES}[len(code)][code]
            if style.split_codes:
                labels = [code[:3], code[3:5] if len(code) > 3 else "", code[5:] if len(code) > 5 else "", name]
            else:
                labels = [code, name]
        r = len(t.grid)
        t.grid.append(labels + [style.fmt(sums[code][k], unit) for k, _ in columns])
        for k, _ in columns:
            t.cells[f"{code}/{k}"] = (r, t.num_cols[k])
        if code != "total":
            t.code_rows.append((code, r))

    if style.total_first:
        add_row("total")
    for code in order:
        add_row(code)
    if not style.total_first:
        add_row("total")
    return t


def empty_fund_table(kind: str, title: str, number: int | None, style: TableStyle, dept: str, what: str) -> Table:
    t = function_table(kind, title, number, style, dept, [("income", "本年收入"), ("expense", "本年支出")], {})
    t.note = f"注：本单位无{what}，故本表无数据。" if len(dept) % 2 else "本表无数据。"
    return t


def summary_table(kind: str, title: str, number: int | None, style: TableStyle, dept: str,
                  income: list[tuple[str, str, int]], expense: list[tuple[str, str, dict[str, int]]],
                  exp_cols: list[tuple[str, str]], totals: list[tuple[str, str, int, str, dict[str, int]]],
                  unit: str | None = None) -> Table:
    """Two-sided 收支总表: income lines left, expenditure lines (with columns) right, then totals."""
    unit = unit or style.unit
    header = ["收入项目", "决算数" if kind.startswith("final") else "金额", "支出项目"] + [h for _, h in exp_cols]
    t = _new_table(kind, title, number, unit, header, style, dept, landscape=len(exp_cols) > 2)
    n = max(len(income), len(expense))
    for i in range(n):
        row = ["", "", ""] + [""] * len(exp_cols)
        r = len(t.grid)
        if i < len(income):
            key, label, fen = income[i]
            row[0], row[1] = label, style.fmt(fen, unit)
            t.cells[f"inc.{key}"] = (r, 1)
        if i < len(expense):
            key, label, vals = expense[i]
            row[2] = label
            for j, (ck, _) in enumerate(exp_cols):
                row[3 + j] = style.fmt(vals.get(ck, 0), unit)
                t.cells[f"exp.{key}/{ck}"] = (r, 3 + j)
        t.grid.append(row)
    for ikey, ilabel, ifen, ekey, evals in totals:
        r = len(t.grid)
        row = [ilabel, style.fmt(ifen, unit, blank_zero=ikey not in ("total", "grand")), ""]
        row[2] = {"total": "本年支出合计", "grand": "总计", "end": "年末结转和结余", "alloc": "结余分配"}[ekey]
        t.cells[f"inc.{ikey}"] = (r, 1)
        for j, (ck, _) in enumerate(exp_cols):
            row.append(style.fmt(evals.get(ck, 0), unit, blank_zero=ekey not in ("total", "grand")))
            t.cells[f"exp.{ekey}/{ck}"] = (r, 3 + j)
        t.grid.append(row)
    return t


def economic_table(kind: str, title: str, number: int | None, style: TableStyle, dept: str,
                   econ: dict[str, int], col: str) -> Table:
    """一般公共预算财政拨款基本支出 by 经济分类: classes, items, 人员经费合计, 公用经费合计."""
    unit = style.unit
    codes = ["类", "款"] if style.split_codes else ["科目编码"]
    t = _new_table(kind, title, number, unit, codes + ["科目名称", col], style, dept)
    vc = len(codes) + 1
    t.num_cols = {"amount": vc}
    for cls in ("301", "302", "303", "310"):
        items = [c for c in econ if c.startswith(cls)]
        if not items:
            continue
        for code in [cls] + items:
            r = len(t.grid)
            fen = sum(econ[c] for c in items) if code == cls else econ[code]
            labels = ([code[:3], code[3:]] if style.split_codes else [code]) + [C.ECON_NAMES[code]]
            t.grid.append(labels + [style.fmt(fen, unit)])
            t.cells[f"{code}/amount"] = (r, vc)
            t.code_rows.append((code, r))
    personnel = sum(v for k, v in econ.items() if k[:3] in ("301", "303"))
    public = sum(v for k, v in econ.items() if k[:3] in ("302", "310"))
    for key, label, fen in (("personnel", "人员经费合计", personnel), ("public", "公用经费合计", public)):
        r = len(t.grid)
        t.grid.append([""] * len(codes) + [label, style.fmt(fen, unit, blank_zero=False)])
        t.cells[key] = (r, vc)
    return t


THREE_PUBLIC_ROWS = (
    ("total", "“三公”经费合计"), ("abroad", "1.因公出国（境）费"), ("vehicle", "2.公务用车购置及运行维护费"),
    ("vehicle_purchase", "其中：公务用车购置费"), ("vehicle_ops", "公务用车运行维护费"), ("reception", "3.公务接待费"),
)
COUNT_ROWS = (
    ("abroad_groups", "因公出国（境）团组数（个）"), ("abroad_persons", "因公出国（境）人次数（人）"),
    ("vehicle_purchased", "公务用车购置数（辆）"), ("vehicle_stock", "公务用车保有量（辆）"),
    ("reception_batches", "国内公务接待批次（个）"), ("reception_persons", "国内公务接待人次（人）"),
)


def three_public_values(tp: dict[str, int]) -> dict[str, int]:
    v = dict(tp)
    v["vehicle"] = tp["vehicle_purchase"] + tp["vehicle_ops"]
    v["total"] = tp["abroad"] + v["vehicle"] + tp["reception"]
    return v


def three_public_table(kind: str, title: str, number: int | None, style: TableStyle, dept: str, unit: str,
                       cols: list[tuple[str, str, dict[str, int]]], counts: dict[str, int] | None,
                       operating: int | None) -> Table:
    t = _new_table(kind, title, number, unit, ["项目"] + [h for _, h, _ in cols], style, dept)
    for j, (ck, _, _) in enumerate(cols):
        t.num_cols[ck] = 1 + j
    vals = [(ck, three_public_values(v)) for ck, _, v in cols]
    for key, label in THREE_PUBLIC_ROWS:
        r = len(t.grid)
        t.grid.append([label] + [style.fmt(v[key], unit, blank_zero=False) for _, v in vals])
        for j, (ck, _) in enumerate(vals):
            t.cells[f"{key}/{ck}"] = (r, 1 + j)
    if operating is not None:
        r = len(t.grid)
        t.grid.append(["机关运行经费"] + [style.fmt(operating, unit, blank_zero=False)] + [""] * (len(cols) - 1))
        t.cells["operating"] = (r, 1)
    if counts is not None:
        t.grid.append(["统计数"] + [""] * len(cols))
        for key, label in COUNT_ROWS:
            r = len(t.grid)
            t.grid.append([label] + [""] * (len(cols) - 1) + [str(counts[key])])
            t.cells[f"count.{key}"] = (r, len(cols))
    return t
