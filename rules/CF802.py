"""Doubled punctuation in the prose (，，  。。 ；； ：： 、、).

Anti-pattern: "其中：基本支出175.92万元，，占97.26%。。"

Best practice: "其中：基本支出175.92万元，占97.26%。"  Ellipses (……) and dashes (——) are
ordinary punctuation and are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rules.base import Finding, Rule, RuleContext
from rules.CF601 import prose_evidence

DOUBLED = re.compile(r"，{2,}|。{2,}|；{2,}|：{2,}|、{2,}")
_PAIRS = ("，，", "。。", "；；", "：：", "、、")  # what each alternative of DOUBLED needs


class DoubledPunctuation(Rule):
    __doc__ = __doc__
    code = "CF802"
    name = "hygiene.doubled_punctuation"
    severity = "info"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        for p in doc.paragraphs:
            text = p.text
            # a paragraph holding none of the doubled marks has no match: the search is not run
            if not any(d in text for d in _PAIRS):
                continue
            for m in DOUBLED.finditer(text):
                around = p.text[max(0, m.start() - 15):m.end() + 15]
                ev = prose_evidence(p, m.start(), m.end(), around)
                yield self.finding(
                    f"标点重复「{m.group(0)}」：{around}",
                    f"doubled punctuation '{m.group(0)}': {around}",
                    evidence=[ev])


RULE = DoubledPunctuation
