"""A standard table is printed with no figures at all and no statement that it is empty.

Anti-pattern: 政府性基金预算财政拨款收入支出决算表 is printed with its header and row names
but every amount cell blank, and nothing says why.

Best practice: a table with nothing to report says so — "本表无数据", "不涉及", a 无 row, or a
sentence such as "本部门2020年度没有政府性基金预算财政拨款收入，也没有使用政府性基金预算
财政拨款安排的支出，故本表无数据" under the table or in the explanations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extraction.model import Document, Table
from rules.base import Evidence, Finding, Rule, RuleContext
from rules.CF601 import page_lines
from rules.CF603 import FINAL_ACCOUNT_TABLES

_STATEMENT = re.compile(r"本表无数据|不涉及|无数据|本表为空|空表|故本表|此表|本表.{0,6}无|"
                        r"(没有|无|未发生|未安排|未使用).{0,30}(收入|支出|收支|经费|资金)")
SUBJECT = {
    "gov_fund": "政府性基金",
    "state_capital": "国有资本经营",
    "three_public": "三公",
}


def _statement_near(doc: Document, table: Table) -> bool:
    """A 本表无数据-like line on the table's pages near its cells, or at the top of the next page."""
    if not table.pages:
        return False
    for pg in list(table.pages) + [table.pages[-1] + 1]:
        offs = [(c.start, c.end) for r in table.rows for c in r.cells
                if c is not None and c.page == pg and c.start is not None and c.end is not None]
        lo, hi = (min(a for a, _ in offs) - 400, max(b for _, b in offs) + 400) if offs else (0, 1 << 30)
        if pg not in table.pages:
            lo, hi = 0, 300
        for s, _e, line in page_lines(doc, pg):
            if lo <= s <= hi and _STATEMENT.search(line):
                return True
    return False


def _statement_in_prose(doc: Document, table: Table) -> bool:
    subject = SUBJECT.get(table.kind)
    if not subject:
        return False
    for p in doc.paragraphs:
        if subject in p.text and re.search(r"没有|无|未发生|为0|为零|0\.00万元|0万元", p.text):
            return True
    return False


class EmptyTableStatement(Rule):
    __doc__ = __doc__
    code = "CF804"
    name = "hygiene.empty_table_statement"
    severity = "warning"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for t in doc.tables:
            if t.kind not in FINAL_ACCOUNT_TABLES or t.empty:
                continue
            cells = [c for r in t.rows for c in r.cells if c is not None]
            if any(c.value is not None for c in cells):
                continue
            if any(c.text.strip() and c.text.strip() not in ("—", "-", "--", "——", "0", "0.00") for c in cells):
                continue  # text in value cells: not a blank table
            if _statement_near(doc, t) or _statement_in_prose(doc, t):
                continue
            yield self.finding(
                f"「{t.title or t.kind}」没有任何数字，也没有“本表无数据”之类的说明",
                f"'{t.title or t.kind}' shows no figures and no statement that it is empty",
                evidence=[Evidence("table", t.pages[0] if t.pages else None, t.title or t.kind,
                                   table=f"{t.id} {t.title or t.kind}", bbox=t.bbox)])


RULE = EmptyTableStatement
