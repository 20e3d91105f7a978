"""The columns of a table that print last year's figures (上年数), and the same line in another report.

Budget tables print last year's figure beside this year's: "上年预算数" next to "本年预算数",
"2017年预算数" next to "2018年预算数", "上年执行数"; final accounts rarely "上年决算数"; and some
print the change instead, or as well ("比上年增减", "增减额").  A column's *key* is its label
without the year words ("上年预算数", "本年预算数" and "2018年预算数" are all "预算数"), so that
last year's figure of a line is found in last year's report under the key of its column there.

"上年结转" (last year's balance carried into this year) is this year's money, not last year's
figure: a label that speaks of 结转, 结余, 年初 or 年末 names no prior-year column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from extraction.model import Column, Document, Row, Table
from rules.base import Figure, figure_at
from rules.lookup import TableIndex, norm_name, row_unit, unit_factor

_BALANCE = ("结转", "结余", "年初", "年末", "上年末")
_CHANGE = ("增减", "增加额", "减少额", "变动", "比上年")
_RATE = ("%", "％", "率", "幅度", "百分比")
_FIGURE_WORDS = ("预算", "决算", "执行", "数", "金额")
_YEAR_WORDS = re.compile(r"上一?年度?|本年度?|当年度?|去年|\d{4}\s*年度?")


@dataclass(frozen=True)
class PriorColumn:
    """A column printing last year's figure of each line: ``measure`` says of what kind
    ('budget' 预算数, 'execution' 执行数, 'final' 决算数, or None when the label says nothing)."""

    column: Column
    key: str
    measure: str | None


def column_key(label: str) -> str:
    """A column's label without its year words and spaces ("2017年预算数" → "预算数")."""
    return _YEAR_WORDS.sub("", re.sub(r"\s+", "", label))


def _leaf(label: str) -> str:
    return label.rsplit("/", 1)[-1]


def names_prior_year(label: str, year: int | None) -> bool:
    """Whether a column's own label (its last part), or a row's name, names last year's figure:
    上年 / 上一年 / 去年 / the year before the report's with a short name of a figure (预算数, 执行数,
    决算数), not a balance carried over nor a text that mentions a year ("…2020年指标经费")."""
    leaf = re.sub(r"\s+", "", _leaf(label))
    if any(w in leaf for w in _BALANCE):
        return False
    key = column_key(leaf)
    if len(key) > 8 or (key and not any(w in key for w in _FIGURE_WORDS)):
        return False
    if any(w in leaf for w in ("上年", "上一年", "去年")):
        return True
    return bool(year) and bool(re.search(f"{year - 1}年", leaf))


def names_other_year(label: str, year: int | None) -> bool:
    """Whether any part of a label names a year other than the report's ("2017年预算数/合计" in 2018)."""
    s = re.sub(r"\s+", "", label)
    if any(w in s for w in ("上年", "上一年", "去年")) and not any(w in s for w in _BALANCE):
        return True
    return bool(year) and any(int(y) != year for y in re.findall(r"(\d{4})年", s))


def is_change_column(label: str) -> bool:
    """A column of the change against last year in money ("比上年增减", "增减额"), not its rate."""
    leaf = _leaf(label)
    return any(w in leaf for w in _CHANGE) and not any(w in leaf for w in _RATE)


def measure_of(label: str) -> str | None:
    if "执行" in label:
        return "execution"
    if "决算" in label:
        return "final"
    if "预算" in label:
        return "budget"
    return None


def prior_columns(table: Table, year: int | None) -> list[PriorColumn]:
    """The columns of a table that print last year's figures (a label naming last year in any of
    its parts: "2017年预算数/合计" is last year's 合计)."""
    out = []
    for c in table.columns:
        if not c.label or is_change_column(c.label) or any(w in c.label for w in _RATE):
            continue
        if names_prior_year(c.label, year) or (names_other_year(c.label, year) and _prior_parent(c.label, year)):
            out.append(PriorColumn(c, column_key(c.label), measure_of(c.label)))
    return out


def _prior_parent(label: str, year: int | None) -> bool:
    parts = label.split("/")[:-1]
    return any(names_prior_year(p, year) for p in parts)


def change_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if c.label and is_change_column(c.label)]


def current_column(table: Table, key: str, year: int | None,
                   block: str | None = ...) -> Column | None:  # type: ignore[assignment]
    """The column of this year's figure under ``key`` (its label without year words), in a block
    when given: not a prior-year column, not a change column."""
    for c in table.columns:
        if block is not ... and c.block != block:
            continue
        if not c.label or is_change_column(c.label) or names_other_year(c.label, year):
            continue
        if column_key(c.label) == key:
            return c
    return None


def same_row(idx: TableIndex, row: Row) -> Row | None:
    """The line of another report's table (``idx``: its index) that is ``row``: by its code, else by its name; the only
    line with figures when both tables print a single one (a "三公" table laid out across)."""
    if row.code:
        found = idx.row_with_code(row.code)
        if found is not None:
            return found if norm_name(found.name) == norm_name(row.name) or not row.name else None
        return None
    if norm_name(row.name):
        return idx.row_named((row.name,))
    return None


def lines_with_figures(table: Table) -> list[Row]:
    return [r for r in table.rows if any(v is not None for v in r.values)]


def figure_in_yuan(table: Table, row: Row, column: Column) -> tuple[Figure, float] | None:
    """The row's figure in that column and the yuan per unit it is printed in (None: blank)."""
    if column.index not in row.columns:
        return None
    fig = figure_at(table, row, column.index)
    return None if fig is None else (fig, unit_factor(row_unit(table, row)))


def tables_alike(doc: Document, table: Table) -> Iterator[Table]:
    """The tables of ``doc`` of the kind of ``table`` (a table printed in two pieces is two)."""
    return (t for t in doc.tables if t.kind == table.kind and not t.empty)
