"""A classification code is printed with the name of another line.

Anti-pattern: 支出决算表 prints "2101101 | 住房公积金" — 2101101 is 行政单位医疗; the names
slipped one line against their codes, or a code was typed wrong.

Best practice: "2101101 | 行政单位医疗".  Names are compared after dropping spaces, brackets
and a final 支出, and only a clear contradiction (fewer than half of the shorter name's
characters in common, in order) is reported: wording variants such as "信访事务支出" and
older official names (医疗卫生与计划生育支出 for 210) pass.  Codes absent from the lexicon
(``extraction/data/metrics.yaml`` and ``rules/data/codes.yaml``) are not checked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from extraction.datafiles import code_names, package_yaml
from extraction.model import Document
from rules.base import Evidence, Finding, Rule

# project tables print project names next to the code they are funded under: not a code name
FUNC_KINDS = ("income", "expenditure", "general_budget_expenditure", "gov_fund", "state_capital")
ECON_KINDS = ("basic_expenditure_economic",)
_STRIP = re.compile(r"[\s\u3000（）()【】\[\]“”\"'‘’《》:：、·]")
_PREFIX = re.compile(r"^(其中[:：]?|[一二三四五六七八九十]+[、．.]|\d+[、．.])")
_DIGIT = re.compile(r"\d")


@functools.cache
def official_names() -> dict[str, tuple[str, ...]]:
    """'func:<code>' / 'econ:<code>' -> official names (the lexicon's zh and aliases, plus codes.yaml)."""
    out: dict[str, list[str]] = {k: list(v) for k, v in code_names().items()}
    extra = package_yaml("rules", "data/codes.yaml")
    for group in ("func", "econ"):
        for code, e in (extra.get(group) or {}).items():
            out.setdefault(f"{group}:{code}", []).extend([e["zh"], *(e.get("aliases") or [])])
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


@functools.lru_cache(maxsize=1 << 14)
def normalise(name: str) -> str:
    """A name without prefix, spaces, brackets and a final 支出/款/项/类 (kept once per name: every
    printed name is compared with each of its code's official names)."""
    s = _STRIP.sub("", _PREFIX.sub("", name.strip()))
    for tail in ("支出", "款", "项", "类"):
        if s.endswith(tail) and len(s) > len(tail) + 1:
            s = s[: -len(tail)]
    return s


def lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence of two strings."""
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def similarity(printed: str, official: str) -> float:
    """Share of the shorter (normalised) name found in the other, in order (1.0 = one contains the other)."""
    a, b = normalise(printed), normalise(official)
    if not a or not b:
        return 1.0
    if a in b or b in a:
        return 1.0
    return lcs(a, b) / min(len(a), len(b))


@functools.lru_cache(maxsize=1 << 14)
def misnamed(key: str, name: str) -> str | None:
    """The official name of the line ``key`` ('func:<code>' / 'econ:<code>') when the printed
    name contradicts it, else None (also for a code the lexicon lacks).

    Kept per code and name: the same lines are printed in several tables of a report, and in
    every report of a department."""
    official = official_names().get(key)
    if not official or len(normalise(name)) < 2 or _DIGIT.search(name):
        return None  # digits in the name: a code cut off by the reader, not a printed name
    best = max(similarity(name, o) for o in official)
    return None if best >= 0.5 else official[0]


class CodeName(Rule):
    __doc__ = __doc__
    code = "CF701"
    name = "classification.code_name"
    severity = "warning"

    def check(self, doc: Document, claims: Sequence[Any]) -> Iterable[Finding]:
        for t in doc.tables:
            prefix = "func:" if t.kind in FUNC_KINDS else "econ:" if t.kind in ECON_KINDS else None
            if prefix is None:
                continue
            seen: set[tuple[str, str]] = set()
            for r in t.rows:
                if not r.code or not r.name.strip() or (r.code, r.name) in seen:
                    continue
                seen.add((r.code, r.name))
                official = misnamed(prefix + r.code, r.name)
                if official is None:
                    continue
                yield self.finding(
                    f"{t.title or t.kind}：科目 {r.code} 印为「{r.name}」，规范名称为「{official}」",
                    f"{t.kind}: code {r.code} is printed as '{r.name}'; its official name is '{official}'",
                    evidence=[Evidence("table", r.page, f"{r.code} {r.name}", table=f"{t.id} {t.title or t.kind}",
                                       row=r.code, column="科目名称", bbox=r.name_bbox)])


RULE = CodeName
