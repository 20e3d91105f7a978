"""Finding rows and columns in tables by their printed names, the way the reports print them."""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable
from typing import Any

from extraction.datafiles import package_yaml
from extraction.model import Column, Row, Table
from extraction.tables import squash
from rules.base import RuleContext

_NAME = operator.attrgetter("name")
_PREFIX = re.compile(r"^(其中[:：]?|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、])+")


@functools.lru_cache(maxsize=1 << 16)
def norm_name(name: str) -> str:
    """A row name without its ordinal prefix, spaces and bracket styles: '（一）支出合计' -> '支出合计'."""
    s = squash(name).replace("(", "（").replace(")", "）")
    return _PREFIX.sub("", s)


def find_rows(table: Table, names: Iterable[str], block: str | None | type(...) = ...,
              exact: bool = True) -> list[Row]:
    wanted = [norm_name(n) for n in names]
    out = []
    for r in table.rows:
        if block is not ... and r.block != block:
            continue
        n = norm_name(r.name)
        if (exact and n in wanted) or (not exact and any(n.startswith(w) for w in wanted)):
            out.append(r)
    return out


def find_row(table: Table, names: Iterable[str], block=..., exact: bool = True) -> Row | None:
    """The first row bearing one of the names (within a block; ``exact`` False: a name starting
    with one of them).  A scan: the prose rules, which look lines up for every claim, ask the
    table's :class:`TableIndex` (:func:`table_index`) instead."""
    rows = find_rows(table, names, block, exact)
    return rows[0] if rows else None


class TableIndex:
    """Lookups in one table, kept for the next: the position of the first row of each normalised
    name and of each code (a name or code printed twice is found at its first printing, like a
    scan), each built on the first lookup of its kind, and the answers of :func:`find_row` (by
    the names asked for) and :func:`find_column`.  Kept by the run's context (:func:`table_index`)."""

    __slots__ = ("_by_code", "_by_name", "_columns", "_rows", "columns", "rows")

    def __init__(self, table: Table) -> None:
        self._rows = table.rows
        self._columns = table.columns
        self._by_name: dict[str, int] | None = None
        self._by_code: dict[str, int] | None = None
        self.rows: dict[tuple[str, ...], Row | None] = {}
        self.columns: dict[tuple[Any, ...], Column | None] = {}

    @property
    def first_by_name(self) -> dict[str, int]:
        if self._by_name is None:
            # pairs from the last row to the first: a name printed twice keeps its first position
            names = list(map(norm_name, map(_NAME, self._rows)))
            self._by_name = dict(zip(reversed(names), range(len(names) - 1, -1, -1)))
        return self._by_name

    def row_named(self, names: tuple[str, ...]) -> Row | None:
        """``find_row(table, names)``: the first row bearing any of the names (the earliest of each
        name's first row)."""
        rows = self.rows
        if names not in rows:
            first = self.first_by_name
            found = [first[n] for n in map(norm_name, names) if n in first]
            rows[names] = self._rows[min(found)] if found else None
        return rows[names]

    def column(self, needles: tuple[str, ...], block: Any = ..., exclude: tuple[str, ...] = ()) -> Column | None:
        """``find_column(table, *needles, block=block, exclude=exclude)``, kept for the next asker."""
        memo = self.columns
        key = (needles, block, exclude)
        if key not in memo:
            if len(needles) == 1 and not exclude:  # the usual question, without the generators of all() and any()
                needle = needles[0]
                memo[key] = next((c for c in self._columns if (block is ... or c.block == block) and needle in c.label),
                                 None)
            else:
                memo[key] = next((c for c in self._columns if (block is ... or c.block == block)
                                  and all(n in c.label for n in needles) and not any(x in c.label for x in exclude)),
                                 None)
        return memo[key]

    def row_with_code(self, code: str) -> Row | None:
        if self._by_code is None:
            # from the last row to the first, as above: a code keeps its first position
            self._by_code = dict(reversed([(r.code, i) for i, r in enumerate(self._rows) if r.code]))
        i = self._by_code.get(code)
        return None if i is None else self._rows[i]


def table_index(ctx: RuleContext, table: Table) -> TableIndex:
    """The table's :class:`TableIndex`, built once per run (kept by the context): the prose rules
    look lines up for every claim."""
    return ctx.per_object("table_index", table, _new_index)


def _new_index(_ctx: RuleContext, table: Table) -> TableIndex:
    return TableIndex(table)


def first_value_column(table: Table, row: Row) -> int | None:
    """The first column of the row's block (the 合计/金额/决算数 column of simple tables)."""
    return row.columns[0] if row.columns else None


def find_column(table: Table, *needles: str, block=..., exclude: tuple[str, ...] = ()) -> Column | None:
    """The first column whose label holds every needle and none of ``exclude`` (within a block);
    a scan, as :meth:`TableIndex.column` answers it."""
    return next((c for c in table.columns if (block is ... or c.block == block)
                 and all(n in c.label for n in needles) and not any(x in c.label for x in exclude)), None)


def block_with(table: Table, names: Iterable[str]) -> str | None | type(...):
    """The block holding a row with one of these names (… when none does)."""
    r = find_row(table, names)
    return r.block if r is not None else ...


UNIT_FACTOR = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}


def row_unit(table: Table, row: Row) -> str | None:
    """The unit a row's figures are printed in: its own 单位 cell where the table has one, else the table's."""
    return row.unit if row.unit in UNIT_FACTOR else table.unit


def unit_factor(unit: str | None) -> float:
    """Yuan per printed unit (万元 when a table says nothing: the common case)."""
    return UNIT_FACTOR.get(unit or "万元", 1e4)


def class_codes_by_name() -> dict[str, str]:
    """Official 功能分类 类 names (and aliases) to their 3-digit codes, from the metric lexicon."""
    return dict(_class_names())


@functools.cache
def lexicon(name: str) -> Any:
    """The parsed metric lexicon file ``extraction/data/<name>`` (metrics.yaml, metrics_extra.yaml).

    Parsed once for all the rules that read it (several build their own tables from it): a
    worker pays the parsing at start-up, and the C parser still takes milliseconds.  Shared:
    callers only read it.
    """
    return package_yaml("extraction", f"data/{name}")


@functools.cache
def _class_names() -> tuple[tuple[str, str], ...]:
    data = lexicon("metrics.yaml")
    out = []
    for m in data:
        mid = str(m.get("id", ""))
        if mid.startswith("func:") and len(mid) == 8:
            code = mid[5:]
            for n in [m.get("zh", ""), *(m.get("aliases") or [])]:
                if n:
                    out.append((norm_name(n), code))
    # older and regional names of classes that reports still print
    extra = {"医疗卫生与计划生育支出": "210", "文化体育与传媒支出": "207", "国土海洋气象等支出": "220",
             "资源勘探信息等支出": "215", "住房城镇支出": "221"}
    out.extend((norm_name(k), v) for k, v in extra.items())
    return tuple(out)
