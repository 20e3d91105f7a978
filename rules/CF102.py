"""A row's total column differs from the sum of its part columns.

Anti-pattern: 收入决算表 row 2010308: 本年收入合计 142.18 but 财政拨款收入 140.18 + 其他收入 1.00
= 141.18.

Best practice: 本年收入合计 142.18 = 财政拨款收入 141.18 + 其他收入 1.00; likewise
本年支出合计 = 基本支出 + 项目支出 + 上缴上级支出 + 经营支出 + 对附属单位补助支出, and in a
grouped header (本年支出/合计, 本年支出/基本支出, 本年支出/项目支出) each group's 合计 = its parts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from extraction.model import Column, Table
from rules.base import Finding, Rule, RuleContext, agrees, fmt, row_foots, sum_figures, zero_figure

KINDS = ("income", "expenditure", "general_budget_expenditure", "gov_fund", "state_capital", "fiscal_summary",
         "project_expenditure")
TOTAL_WORDS = ("合计", "小计", "总计")
# printed beside the 三公 items under one heading, but not part of the 三公 subtotal
NOT_PARTS = ("会议费", "培训费")
# the sources and uses a row total is made of (anything else in a flat header is not a part)
KNOWN_PART = re.compile(r"财政拨款|上级补助|事业收入|经营收入|附属单位|其他收入|基本支出|项目支出|上缴上级|经营支出|"
                        r"对附属单位补助|单位预留机动经费|结转下年|财政专户|其他资金|一般公共预算|政府性基金|国有资本经营|"
                        r"事业单位经营|用事业基金弥补|上年结转")


def _segments(c: Column) -> list[str]:
    return [s for s in c.label.split("/") if s]


def _is_total(seg: str) -> bool:
    return any(seg.endswith(w) or seg == w for w in TOTAL_WORDS)


def column_sums(table: Table) -> list[tuple[Column, list[Column]]]:
    """(total column, part columns) pairs implied by a table's header.

    They depend on the columns' labels and blocks alone (in their order): worked out once per
    header (reports print the same headers), as positions in ``table.columns``."""
    cols = table.columns
    if len(set(map(id, cols))) != len(cols):
        return _column_sums(cols)  # a column object listed twice: read as it is
    return [(cols[t], [cols[p] for p in parts])
            for t, parts in _column_sums_at(tuple([(c.label, c.block) for c in cols]))]


@functools.lru_cache(maxsize=1 << 12)
def _column_sums_at(header: tuple[tuple[str, str | None], ...]) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """:func:`_column_sums` of columns with these (label, block), as positions among them."""
    columns = [Column(i, label, block) for i, (label, block) in enumerate(header)]
    return tuple((t.index, tuple(p.index for p in parts)) for t, parts in _column_sums(columns))


def _column_sums(columns: Sequence[Column]) -> list[tuple[Column, list[Column]]]:
    """(total column, part columns) pairs implied by a header (the plain reading)."""
    pairs: list[tuple[Column, list[Column]]] = []
    blocks: dict[str | None, list[Column]] = {}
    for c in columns:
        blocks.setdefault(c.block, []).append(c)
    for cols in blocks.values():
        cols = [c for c in cols if _segments(c)]
        # grouped: prefix/合计 = prefix/<parts>
        groups: dict[str, list[Column]] = {}
        for c in cols:
            seg = _segments(c)
            if len(seg) >= 2:
                groups.setdefault("/".join(seg[:-1]), []).append(c)
        for prefix, gcols in groups.items():
            totals = [c for c in gcols if _is_total(_segments(c)[-1])]
            parts = [c for c in gcols if not _is_total(_segments(c)[-1]) and "其中" not in _segments(c)[-1]
                     and not any(w in c.label for w in NOT_PARTS)]
            if len(totals) == 1 and len(parts) >= 2:
                pairs.append((totals[0], parts))
        # flat: a single-segment total (本年收入合计) = one column per other first segment
        tops = [c for c in cols if len(_segments(c)) == 1 and _is_total(_segments(c)[0])]
        if len(tops) == 1:
            total = tops[0]
            by_first: dict[str, list[Column]] = {}
            for c in cols:
                if c is total:
                    continue
                by_first.setdefault(_segments(c)[0], []).append(c)
            parts = []
            for first, gcols in by_first.items():
                if "其中" in first:
                    continue
                if len(gcols) == 1:
                    parts.append(gcols[0])
                    continue
                sub = [c for c in gcols if _is_total(_segments(c)[-1])]
                if len(sub) == 1:
                    parts.append(sub[0])
                else:
                    parts.extend(c for c in gcols if "其中" not in _segments(c)[-1])
            if len(parts) >= 2 and all(KNOWN_PART.search(_segments(c)[0]) for c in parts):
                pairs.append((total, parts))
    return pairs


class RowTotalAcross(Rule):
    __doc__ = __doc__
    code = "CF102"
    name = "footing.row_total_across"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for table in doc.tables:
            if table.kind not in KINDS or table.empty:
                continue
            for total, parts in column_sums(table):
                checked = 0
                bad: list[Finding] = []
                part_cis = [p.index for p in parts]
                for row in table.rows:
                    if total.index not in row.columns:
                        continue
                    foots = row_foots(row, total.index, part_cis)
                    if foots is None:
                        continue  # nothing printed
                    if foots:
                        checked += 1
                        continue  # figures are built only for a finding
                    tf = zero_figure(table, row, total.index)
                    pfs = [zero_figure(table, row, p.index) for p in parts if p.index in row.columns]
                    if not tf.has_evidence and not any(p.has_evidence for p in pfs):
                        continue
                    checked += 1
                    s = sum_figures(pfs)
                    if agrees(tf, s):
                        continue
                    names = " + ".join(p.label for p in parts)
                    bad.append(self.finding(
                        f"{table.title or table.kind}：{row.code or ''}{row.name}「{total.label}」为 {fmt(tf.value)}，"
                        f"而 {names} 合计 {fmt(s.value)}",
                        f"{table.kind}: row {row.code or row.name}: [{total.label}] {fmt(tf.value)} "
                        f"!= sum of parts {fmt(s.value)}",
                        expected=s.value,
                        observed=tf.value,
                        tolerance=tf.tol + s.tol,
                        evidence=[e for e in [tf.evidence, *[p.evidence for p in pfs]] if e is not None],
                    ))
                if len(bad) >= 3 and len(bad) * 2 > checked:
                    # most rows fail for the same columns: the header was not tied to the figures
                    # (a misaligned export or a layout the reader did not follow)
                    yield self.finding(
                        f"{table.title or table.kind}：{len(bad)}/{checked} 行「{total.label}」不等于其各组成列之和，"
                        f"可能是表头与数字列错位，请人工核对",
                        f"{table.kind}: {len(bad)} of {checked} rows fail [{total.label}] = parts — probably the "
                        f"header is misaligned with the figures; check by hand",
                        evidence=[e for f in bad[:3] for e in f.evidence[:1]], severity="warning",
                    )
                    continue
                yield from bad


RULE = RowTotalAcross
