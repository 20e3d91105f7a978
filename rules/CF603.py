"""A standard table of the report's kind is missing.

Anti-pattern: a final account prints 公开01–06表 and the "三公" table but no
政府性基金预算财政拨款收入支出决算表 (公开07表) and no statement that it is empty.

Best practice: all nine final-account tables are printed (收入支出决算总表, 收入决算表,
支出决算表, 财政拨款收入支出决算总表, 一般公共预算财政拨款支出决算表, 一般公共预算财政拨款
基本支出决算表, 政府性基金, 国有资本经营, "三公"经费); a table with nothing to report is
printed empty with 本表无数据 / 不涉及 and counts as present.  Budgets are checked for the
eight tables every province prints, and from the 2021 budget on also for the
国有资本经营预算支出预算表 (the 2017–2018 Jiangsu budgets have no such table; the 2024–2025
Shanghai budgets print it, empty when there is nothing).  Tables numbered 10 and beyond
(相关信息统计表, 项目支出表, 项目支出绩效自评表) are optional and never required.  Only documents with at least three standard tables are
checked: a prose-only document, or a table file published apart from its explanations,
is not flagged for the tables it does not carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extraction.model import Document
from extraction.tables import classify_title, squash
from rules.base import Evidence, Finding, Rule, RuleContext
from rules.CF601 import page_lines, toc_span

FINAL_ACCOUNT_TABLES = ("income_expenditure_summary", "income", "expenditure", "fiscal_summary",
                        "general_budget_expenditure", "basic_expenditure_economic", "gov_fund",
                        "state_capital", "three_public")
BUDGET_TABLES = ("income_expenditure_summary", "income", "expenditure", "fiscal_summary",
                 "general_budget_expenditure", "basic_expenditure_economic", "gov_fund", "three_public")
ZH = {  # (final account, budget)
    "performance_overall": ("部门整体支出绩效自评表", "部门整体支出绩效目标表"),
    "income_expenditure_summary": ("收入支出决算总表", "收支预算总表"),
    "income": ("收入决算表", "收入预算表"),
    "expenditure": ("支出决算表", "支出预算表"),
    "fiscal_summary": ("财政拨款收入支出决算总表", "财政拨款收支预算总表"),
    "general_budget_expenditure": ("一般公共预算财政拨款支出决算表", "一般公共预算支出预算表"),
    "basic_expenditure_economic": ("一般公共预算财政拨款基本支出决算表", "一般公共预算基本支出预算表"),
    "gov_fund": ("政府性基金预算财政拨款收入支出决算表", "政府性基金预算支出预算表"),
    "state_capital": ("国有资本经营预算财政拨款支出决算表", "国有资本经营预算支出预算表"),
    "three_public": ("财政拨款“三公”经费支出决算表", "“三公”经费支出预算表"),
}
_TITLE_LINE = re.compile(r"表\s*[(（]?[续]?[)）]?$")


# The first budget year whose disclosure must print the 国有资本经营预算支出预算表.
STATE_CAPITAL_BUDGET_FROM = 2021


def standard_kinds(doc: Document) -> tuple[str, ...]:
    if doc.meta.kind == "budget" and (doc.meta.year or 0) >= STATE_CAPITAL_BUDGET_FROM:
        return BUDGET_TABLES + ("state_capital",)
    return {"final_account": FINAL_ACCOUNT_TABLES, "budget": BUDGET_TABLES}.get(doc.meta.kind or "", ())


def printed_title_kinds(doc: Document) -> set[str]:
    """Kinds of the table titles printed as lines of their own outside the table of contents.

    A safety net for tables the reader could not rebuild: a title on the page means the table is
    there, even if its grid was lost.
    """
    toc = toc_span(doc)
    kinds: set[str] = set()
    for pg in doc.pages:
        prev = ""
        for s, e, line in page_lines(doc, pg.number):
            if toc and pg.number == toc[0] and toc[1] <= s < toc[2]:
                prev = ""
                continue
            t = squash(line)
            # a title wrapped over two lines is read joined as well
            for cand in (t, prev + t if prev and len(prev) <= 40 else ""):
                if not cand or len(cand) > 60 or not _TITLE_LINE.search(cand) or cand.endswith("。"):
                    continue
                cand = re.sub(r"^[一二三四五六七八九十\d]+[、．.]", "", cand)
                k = classify_title(cand)
                if k != "other":
                    kinds.add(k)
            prev = t
    return kinds


class RequiredTables(Rule):
    __doc__ = __doc__
    code = "CF603"
    name = "metadata.required_tables"
    severity = "warning"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        wanted = standard_kinds(doc)
        have = {t.kind for t in doc.tables}
        if len(have & set(wanted)) < 3:
            return
        missing = [k for k in wanted if k not in have]
        # a table the explanation itself relies on: the overall execution rate is read from the
        # 部门整体支出绩效自评表, so a report that states it must print that table
        if (doc.meta.kind == "final_account" and "performance_overall" not in have
                and any("整体支出" in p.text and "执行率" in p.text for p in doc.paragraphs)):
            missing.append("performance_overall")
        if not missing:
            return
        printed = printed_title_kinds(doc)
        missing = [k for k in missing if k not in printed]
        if not missing:
            return
        kind_zh = "决算" if doc.meta.kind == "final_account" else "预算"
        names = "、".join(ZH[k][0 if doc.meta.kind == "final_account" else 1] for k in missing)
        ev = [Evidence("table", t.pages[0] if t.pages else None, t.title or t.kind, table=f"{t.id} {t.title or t.kind}")
              for t in doc.tables if t.kind in wanted][:9]
        yield self.finding(
            f"缺少{kind_zh}公开的标准表格：{names}（已有 {len(have & set(wanted))} 张标准表）",
            f"standard tables missing: {', '.join(missing)} ({len(have & set(wanted))} standard tables present)",
            expected=len(wanted), observed=len(wanted) - len(missing), evidence=ev)


RULE = RequiredTables
