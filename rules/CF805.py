"""A figure cell holds a malformed number (two decimal points, misplaced separators, letters for digits).

Anti-pattern: a cell in 支出决算表 prints "1,23.45", "12..50", "3.456.78" or "1O5.20" (a
letter O for a zero): the reader cannot take it as a number, so every sum through it is
unchecked.

Best practice: "123.45", "1,234.56", "105.20" — digits, at most one decimal point and
thousands separators every three digits.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable
from itertools import chain

from extraction.numbers import is_empty_mark, normalize_digits
from rules.base import Finding, Rule, RuleContext, cell_evidence, column_label

_CHECKED_KINDS = ("income_expenditure_summary", "income", "expenditure", "fiscal_summary",
                  "general_budget_expenditure", "basic_expenditure_economic", "gov_fund", "state_capital",
                  "three_public", "project_expenditure", "related_info")
_VALUE = operator.attrgetter("value")
_CELLS = operator.attrgetter("cells")
_MALFORMED = (
    (re.compile(r"\d\.\d*\.\d|\.\."), "两个小数点", "two decimal points"),
    (re.compile(r"\d,\d{1,2}(?!\d)|\d,\d{4,}|,,|\d{4,},\d|\.\d+,\d"), "千分位分隔符位置错误", "misplaced thousands separator"),
    (re.compile(r"\d[OoIl]|[OoIl]\d"), "数字中夹有字母", "letters inside the digits"),
)


@functools.lru_cache(maxsize=4096)
def malformed(text: str) -> tuple[str, str] | None:
    t = normalize_digits(text).replace("，", ",").replace("．", ".").strip()
    if not t or " " in t or is_empty_mark(t):
        return None
    body = t.rstrip("%％")
    digits = sum(ch.isdigit() for ch in body)
    if digits < 2 or digits < 0.6 * len(body):
        return None
    if not re.fullmatch(r"[-+(（]?[\dOoIl.,]+[)）]?", body):
        return None
    for rx, zh, en in _MALFORMED:
        if rx.search(body):
            return zh, en
    return None


class MalformedNumber(Rule):
    __doc__ = __doc__
    code = "CF805"
    name = "hygiene.malformed_number"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for t in doc.tables:
            if t.kind not in _CHECKED_KINDS:
                continue
            try:
                # a sum of the values fails on a None (a cell that does not read as a number)
                sum(map(_VALUE, filter(None, chain.from_iterable(map(_CELLS, t.rows)))))
            except TypeError:
                pass
            else:
                continue  # every printed cell of the table reads as a number: nothing to check
            for r in t.rows:
                if None not in map(_VALUE, filter(None, r.cells)):
                    continue  # every printed cell reads as a number (the usual row): nothing to check
                for ci, cell in zip(r.columns, r.cells):
                    if cell is None or cell.value is not None:
                        continue
                    why = malformed(cell.text)
                    if why is None:
                        continue
                    label = column_label(t, ci)
                    yield self.finding(
                        f"{t.title or t.kind}：「{r.code or ''}{r.name}」行「{label}」列的数字「{cell.text}」格式错误（{why[0]}）",
                        f"{t.kind}: row '{r.code or r.name}' column '{label}' prints '{cell.text}', "
                        f"which is not a well-formed number ({why[1]})",
                        evidence=[cell_evidence(t, r, cell, label)])


RULE = MalformedNumber
