"""The report names itself as another kind of report: 预算 for 决算 (or the reverse), 部门 and 单位 mixed.

Anti-pattern: a 2018 budget whose text says "2018年度部门决算情况说明" about itself (a final
account's wording left in a budget, or the reverse); a report headed "2023年度单位决算公开" whose
parts say "第二部分 2023年部门决算表" (襄垣县信访局 2023, seed 004).

Best practice: a budget calls itself "2018年度部门预算" throughout, and a report names itself
部门 or 单位, not both.  Only the report naming itself with its own year counts ("2018年度部门
决算公开 / 情况说明 / 编制说明 / 表 / 编制范围"); other years (last year's 决算, a 2019 编制范围
is CF601's) and other words ("2024年度预算绩效管理") are not read.  预算 for 决算 is an error (the
report says it is something it is not); 部门 and 单位 mixed is a warning (a unit often publishes on
its department's template, and neither word is wrong by itself).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from extraction.model import Document
from rules.base import Evidence, Finding, Rule, RuleContext
from rules.CF601 import prose_evidence

SELF_NAME = re.compile(r"(20\d\d)\s*年\s*度?\s*(部门|单位)\s*(决算|预算)\s*(?=公开|情况说明|编制说明|编制范围|表|报告)")
KIND_WORD = {"final_account": "决算", "budget": "预算"}


def self_names(doc: Document) -> Iterator[tuple[str, str, Evidence]]:
    """(部门|单位, 决算|预算, evidence) of each place the report names itself with its own year."""
    year = str(doc.meta.year)
    for s in doc.sections:
        for m in SELF_NAME.finditer(s.title):
            if m.group(1) == year:
                yield m.group(2), m.group(3), Evidence("prose", s.page, s.title, start=s.start,
                                                       end=s.start + len(s.title))
    for p in doc.paragraphs:
        if "部门" not in p.text and "单位" not in p.text:
            continue
        for m in SELF_NAME.finditer(p.text):
            if m.group(1) == year:
                yield m.group(2), m.group(3), prose_evidence(p, m.start(), m.end() + 4,
                                                             p.text[max(0, m.start() - 10):m.end() + 6])


class SelfKind(Rule):
    __doc__ = __doc__
    code = "CF807"
    name = "hygiene.self_kind"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        if not doc.meta.year:
            return
        kind = KIND_WORD.get(doc.meta.kind or "")
        names = list(self_names(doc))
        seen: set[tuple[int | None, int | None]] = set()
        for _who, what, ev in names:
            if kind and what != kind and (ev.page, ev.start) not in seen:
                seen.add((ev.page, ev.start))
                yield self.finding(
                    f"本报告为{kind}，却自称「{ev.text.strip()}」（{what}）",
                    f"the report is a {doc.meta.kind} but names itself '{ev.text.strip()}' ({what})",
                    evidence=[ev])
        first: dict[str, Evidence] = {}
        for who, _what, ev in names:
            first.setdefault(who, ev)
        if len(first) == 2:
            a, b = first["部门"], first["单位"]
            yield self.finding(
                f"报告既自称部门{kind or ''}（「{a.text.strip()}」）又自称单位{kind or ''}（「{b.text.strip()}」）",
                f"the report names itself both a department's and a unit's report: '{a.text.strip()}' / "
                f"'{b.text.strip()}'",
                evidence=[a, b], severity="warning")


RULE = SelfKind
