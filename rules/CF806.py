"""Template text left in the prose: an alternative never chosen, an instruction to the author, an empty reason.

Anti-pattern: "政府性基金收入预算0万元，与上年相比增加（减少）0万元，增长（减少）0 %。" (省人大办公厅
2018 预算: the template offers both directions and the department kept both), "…增长（下降）XX%。
（如持平作持平表述）" (the template's instruction to its author printed), "主要原因是：。" (the reason
was never written).

Best practice: "与上年相比增加12.00万元，增长3.50%。主要原因是新增信访维稳项目。" — one direction,
no instruction, a reason.  Only a direction word followed at once by its opposite in brackets
counts as an unchosen alternative ("增加（减少）", "大于（小于）"); brackets that explain ("减少（含调出）") do not.
Severity error: the published sentence says nothing definite, and the department's own text
shows it was never finished (the XX placeholders of the same templates are CF801).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rules.base import Finding, Rule, RuleContext
from rules.CF601 import prose_evidence

_UP = ("增加", "增长", "上升", "提高", "大于", "高于", "多于")
_DOWN = ("减少", "下降", "降低", "小于", "低于", "少于")
_DIR = "|".join(_UP + _DOWN)
ALTERNATIVE = re.compile(rf"({_DIR})\s*[（(]\s*({_DIR})\s*[)）]")
# an instruction to the author: "（如持平作持平表述）", "（如无此项请删除）", "（请填写…）" — an
# imperative (请 / 作) before the verb, the bracket closing right after it ("（如无特殊说明，金额
# 单位为万元）" is a note to the reader, not an instruction)
INSTRUCTION = re.compile(r"[（(]\s*(?:(?:如|若)[^（）()。]{0,16}?(?:请|作)|请)[^（）()。]{0,12}?"
                         r"(?:表述|填写|填列|删除|说明|列示)\s*[)）]")
EMPTY_REASON = re.compile(r"(主要原因(?:是|为)?|原因(?:是|为|主要是)|主要用于)\s*[：:]?\s*(?=[。；;])")
_ENDED = re.compile(r"[。！？；;]\s*$")
# what every pattern above starts with (an opening bracket before a direction or an instruction
# word, or a reason or purpose with nothing after it): one search of a paragraph says whether the
# three patterns need to run at all
_ANY = re.compile(rf"[（(]\s*(?:{_DIR}|如|若|请)|(?:原因|用于)[是为]?\s*[：:]?\s*[。；;]|原因主要是\s*[：:]?\s*[。；;]")


def _opposite(a: str, b: str) -> bool:
    return (a in _UP and b in _DOWN) or (a in _DOWN and b in _UP)


def leftovers(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, what in Chinese, what in English) of each template leftover in a text."""
    if not _ANY.search(text):
        return []
    out = []
    for m in ALTERNATIVE.finditer(text):
        if _opposite(m.group(1), m.group(2)):
            out.append((m.start(), m.end(), f"未选定的模板选项「{m.group(0)}」", f"unchosen alternative '{m.group(0)}'"))
    for m in INSTRUCTION.finditer(text):
        out.append((m.start(), m.end(), f"模板填写说明「{m.group(0)}」", f"template instruction '{m.group(0)}'"))
    for m in EMPTY_REASON.finditer(text):
        end = m.end() + 1
        out.append((m.start(), end, f"原因或用途未填写「{text[m.start():end]}」",
                    f"empty reason or purpose '{text[m.start():end]}'"))
    return sorted(out)


class TemplateLeftover(Rule):
    __doc__ = __doc__
    code = "CF806"
    name = "hygiene.template_leftover"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        # a sentence the reader split into paragraphs (a line that ends without 。) is one
        # sentence: its leftovers make one finding
        pending: list[tuple[list[tuple[int, int, str, str]], Any]] = []
        for p in doc.paragraphs:
            found = leftovers(p.text)
            if pending and (not found or _ENDED.search(pending[-1][1].text)):
                yield self._finding(pending)
                pending = []
            if found:
                pending.append((found, p))
        if pending:
            yield self._finding(pending)

    def _finding(self, parts: list[tuple[list[tuple[int, int, str, str]], Any]]) -> Finding:
        marks = [f for found, _p in parts for f in found]
        shown = "、".join(dict.fromkeys(f[2] for f in marks))
        shown_en = "; ".join(dict.fromkeys(f[3] for f in marks))
        evidence, texts = [], []
        for found, p in parts:
            start, end = found[0][0], found[-1][1]
            around = p.text[max(0, start - 30):end + 10]
            texts.append(around)
            evidence.append(prose_evidence(p, start, end, around))
        around = "…".join(texts)
        return self.finding(
            f"正文中留有未完成的模板文字：{shown}：{around}",
            f"unfinished template text in the prose: {shown_en}: {around}",
            evidence=evidence)


RULE = TemplateLeftover
