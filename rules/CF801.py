"""A template placeholder is left in the prose, a heading or a table caption.

Anti-pattern: "上海市XX局2024年度部门决算", "20XX年度", "《XXX项目》", "＊＊局", "某某单位" —
the template's blanks were never filled in.

Best practice: "上海市普陀区财政局2024年度部门决算".  Letters inside ordinary Latin words
or codes (XXL, ABXX1) are not placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from rules.base import Evidence, Finding, Rule, RuleContext
from rules.CF601 import caption_lines, in_spans, prose_evidence, prose_spans

PLACEHOLDER = re.compile(
    r"(?<![A-Za-z0-9])(?:20|19)?(?:X{2,}|x{2,}|Ｘ{2,}|ｘ{2,})(?![A-Za-z])"
    r"|×{2,}"
    r"|(?<![*＊])[*＊]{2,}(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])[*＊]{2,}"
    r"|某某"
)
# Every placeholder above holds one of these characters.  Most text holds none, and scanning for
# them is some twenty times quicker than trying the full pattern (with its lookarounds) everywhere.
_MARK = re.compile(r"[Xx×Ｘｘ*＊某]")


def _placeholders(text: str) -> list[re.Match[str]]:
    return list(PLACEHOLDER.finditer(text)) if _MARK.search(text) else []


class Placeholder(Rule):
    __doc__ = __doc__
    code = "CF801"
    name = "hygiene.placeholder"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        seen: set[tuple[int | None, int | None]] = set()
        for where_zh, where_en, text, marks, ev in self._units(ctx):
            key = (ev.page, ev.start)
            if key in seen:
                continue
            seen.add(key)
            shown = "、".join(dict.fromkeys(marks))
            yield self.finding(
                f"{where_zh}中留有模板占位符「{shown}」：{text[:60]}",
                f"template placeholder '{shown}' left in the {where_en}: {text[:60]}",
                evidence=[ev])

    def _units(self, ctx: RuleContext) -> Iterator[tuple[str, str, str, list[str], Evidence]]:
        doc = ctx.doc
        for p in doc.paragraphs:
            ms = _placeholders(p.text)
            if ms:
                yield "正文", "prose", p.text, [m.group(0) for m in ms], prose_evidence(
                    p, ms[0].start(), ms[-1].end(), p.text[max(0, ms[0].start() - 20):ms[-1].end() + 20])
        for s in doc.sections:
            ms = _placeholders(s.title)
            if ms:
                yield "标题", "heading", s.title, [m.group(0) for m in ms], Evidence(
                    "prose", s.page, s.title, start=s.start, end=s.start + len(s.title))
        spans = prose_spans(doc)
        for t in doc.tables:
            for page, st, en, line in caption_lines(ctx, t):
                if in_spans(spans, page, st, en):
                    continue  # already read as prose or a heading
                ms = _placeholders(line)
                if ms:
                    yield "表头", "table caption", line.strip(), [m.group(0) for m in ms], Evidence(
                        "table", page, line.strip(), table=f"{t.id} {t.title or t.kind}", start=st, end=en)


RULE = Placeholder
