"""A sentence that states this year's figures opens with another year.

Anti-pattern: in the 2023 final account, "2022年度“三公”经费财政拨款支出决算与2022年相比，增加0.01万元"
(this year's figure dated 2022, compared with itself); in the 2024 budget, "2025年机关运行经费预算
271.18万元".

Best practice: "2023年度“三公”经费财政拨款支出决算与2022年相比…"; "2024年机关运行经费预算…".
A sentence that opens with another year to tell what happened then (机构改革, a prior-year
figure named as such) is not a finding: only sentences whose own figures are this year's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rules.base import Finding, Rule, RuleContext
from rules.prose import prose_evidence

_OPEN = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)?"
                   r"(?:[\u4e00-\u9fff]{2,30}?(?:局|厅|委员会|办公室|办事处|院|中心|委|会)\s*)?(20\d\d)\s*年\s*度?")
# "截至2025年12月31日" in the 2024 final account: the balance date is the report year's end
_AS_OF = re.compile(r"截至\s*(20\d\d)\s*年\s*12\s*月\s*31\s*日")
_PRIOR_WORDS = ("上年", "上一年", "同比", "比较", "相比", "增加", "减少", "增长", "下降")
_COMPARE = re.compile(r"(?:比|较|与|同)\s*(20\d\d)\s*年")


class SentenceYear(Rule):
    __doc__ = __doc__
    code = "CF604"
    name = "metadata.sentence_year"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc, claims = ctx.doc, ctx.claims
        year = doc.meta.year
        if not year:
            return
        seen: set[tuple[int, str]] = set()
        for c in claims:
            if c.kind not in ("amount", "change", "growth", "share", "completion", "count") or (c.page, c.text) in seen:
                continue
            if (c.period or "current") not in ("current", "budget", "adjusted_budget", "initial_budget"):
                continue
            m = _OPEN.match(c.text)
            asof = _AS_OF.search(c.text)
            if asof and doc.meta.kind != "budget" and int(asof.group(1)) != year:
                seen.add((c.page, c.text))
                yield self.finding(
                    f"资产等时点数应截至{year}年12月31日，文中为「{asof.group(0)}」",
                    f"the balance date should be {year}-12-31; the text says {asof.group(0)}",
                    expected=float(year), observed=float(asof.group(1)), evidence=[prose_evidence(c)],
                )
                continue
            if not m or c.kind == "count":
                continue
            opened = int(m.group(1))
            if opened == year or str(year) in c.text:
                continue  # a sentence that names this year too is about both years
            compared = [int(x) for x in _COMPARE.findall(c.text)]
            # "2022年…决算与2022年相比": the year of the figure equals the year it is compared with
            self_compare = opened in compared
            if not self_compare:
                if doc.meta.kind == "budget":
                    # budget prose is about the budget year; last year's execution may be told
                    if any(w in c.text for w in ("执行", "决算")):
                        continue
                elif opened == year - 1 and (compared or any(w in c.text for w in _PRIOR_WORDS)):
                    continue  # last year's figure, told as such
            seen.add((c.page, c.text))
            what = "与自身年份相比" if self_compare else f"而本报告为{year}年度"
            yield self.finding(
                f"句首年份为{opened}年，{what}：「{c.text[:40]}…」",
                f"the sentence opens with {opened} but the report is for {year}",
                expected=float(year), observed=float(opened), evidence=[prose_evidence(c)],
            )


RULE = SentenceYear
