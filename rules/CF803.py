"""A table listed in the table of contents is not in the document.

Anti-pattern: the 目录 lists "七、政府性基金预算财政拨款收入支出决算表" but no such table (not
even an empty one, and no line with its title) is printed in the report.

Best practice: every table the 目录 names is printed — with figures, or empty with 本表无数据 —
under a title of the same kind.  Tables are compared by kind (``classify_title``), so
wording differences between the 目录 and the caption do not matter.  Documents without
any table (a prose-only file whose tables are published apart) are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extraction.model import Document
from extraction.tables import classify_title, squash
from rules.base import Evidence, Finding, Rule, RuleContext
from rules.CF601 import page_lines, toc_span
from rules.CF603 import printed_title_kinds

_ENTRY_START = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}\s*[、．.])")
_LEADER = re.compile(r"[\.…·。\s]{3,}\s*\d*\s*$|\s+\d{1,3}\s*$|[\.…·]+\s*\d*\s*$")
_IGNORE = ("other", "performance_overall", "performance_project")


def toc_entries(doc: Document) -> list[tuple[int, int, int, str]]:
    """(page, start, end, entry) for each 目录 entry; a wrapped entry is joined to the one before."""
    span = toc_span(doc)
    if span is None:
        return []
    page, lo, hi = span
    out: list[tuple[int, int, int, str]] = []
    for s, e, line in page_lines(doc, page):
        if not (lo < s < hi):
            continue
        t = _LEADER.sub("", line).strip()
        if not t or re.fullmatch(r"[—\-\s\d]+", t):
            continue
        if out and not _ENTRY_START.match(t) and len(t) <= 6:
            p0, s0, _e0, t0 = out[-1]
            out[-1] = (p0, s0, e, t0 + t)
            continue
        out.append((page, s, e, t))
    return out


class TocVsTables(Rule):
    __doc__ = __doc__
    code = "CF803"
    name = "hygiene.toc_vs_tables"
    severity = "warning"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        if not doc.tables:
            return
        have = {t.kind for t in doc.tables}
        printed: set[str] | None = None
        reported: set[str] = set()
        for page, s, e, entry in toc_entries(doc):
            title = squash(_ENTRY_START.sub("", entry))
            if not title.endswith("表") and "表（" not in title and "表(" not in title:
                continue
            kind = classify_title(title)
            if kind in _IGNORE or kind in have or kind in reported:
                continue
            if printed is None:
                printed = printed_title_kinds(doc)
            if kind in printed:
                continue
            reported.add(kind)
            yield self.finding(
                f"目录列有「{entry}」，但文中没有这张表",
                f"the table of contents lists '{entry}' ({kind}) but the document has no such table",
                evidence=[Evidence("prose", page, entry, start=s, end=e)])


RULE = TocVsTables
