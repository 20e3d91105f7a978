"""A classification code is printed with the name of another line.

Anti-pattern: 支出决算表 prints "2101101 | 住房公积金" — 2101101 is 行政单位医疗; the names
slipped one line against their codes, or a code was typed wrong.

Best practice: "2101101 | 行政单位医疗".  Names are compared after dropping spaces, brackets
and a final 支出, and only a clear contradiction (fewer than half of the shorter name's
characters in common, in order) is reported: wording variants such as "信访事务支出" and
older official names (医疗卫生与计划生育支出 for 210) pass.  Codes absent from the lexicon
(``extraction/data/metrics.yaml`` and ``rules/data/codes.yaml``) are not checked.

In the prose, a class named with its level ("文化体育与传媒支出（类）") or its code
("公共安全支出（204类）") is checked too: against the name in force for the report's year
(207 文化体育与传媒支出 became 文化旅游体育与传媒支出 from 2019; ``renamed`` in codes.yaml),
against the name the report's own tables print for that code (both names official, but not
the same one), and, for a code, against the name of that code; a 款 or 项 named with its code
("检察（04款）行政运行（01项）" after "（204类）") against the official name of that code.  Only a name that is wholly one
class's official name (present or former) is read: other wording is not checked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from extraction.datafiles import code_names, package_yaml
from extraction.model import Document
from rules.base import Evidence, Finding, Rule, RuleContext
from rules.CF601 import prose_evidence

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

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
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

        yield from self._prose(doc)

    def _prose(self, doc: Document) -> Iterable[Finding]:
        year = doc.meta.year
        printed: dict[str, str] | None = None  # the tables' class names, read at the first class named
        seen: set[tuple[int | None, int | None]] = set()
        for p in doc.paragraphs:
            text = p.text
            if "类）" not in text and "类)" not in text and "类 " not in text:
                continue
            yield from self._coded_lines(p, text, seen)
            for m in _CLASS_REF.finditer(text):
                hit = class_named_before(text, m.start())
                if hit is None:
                    sub = named_before(text, m.start(), _subclass_names())
                    if sub is not None and m.group(1) is None:
                        code, name, start = sub
                        ev = prose_evidence(p, start, m.end())
                        if (ev.page, ev.start) not in seen:
                            seen.add((ev.page, ev.start))
                            yield self.finding(
                                f"正文中「{text[start:m.end()]}」：「{name}」是款级科目（{code}），不是类",
                                f"prose labels '{name}' a class (类); it is the subclass (款) {code}",
                                evidence=[ev])
                    continue
                code, name, start = hit
                ref_code = m.group(1)
                problems, problems_en = [], []
                if ref_code and ref_code != code:
                    official = official_names().get(f"func:{ref_code}")
                    if not official:
                        continue  # a code the lexicon lacks: not checked
                    problems.append(f"{ref_code} 类的规范名称为「{official[0]}」，「{name}」是 {code} 类")
                    problems_en.append(f"class {ref_code} is '{official[0]}'; '{name}' is class {code}")
                else:
                    until = _renamed().get((code, normalise(name)))
                    current = official_names().get(f"func:{code}", (name,))[0]
                    if year and until is not None and year > until:
                        problems.append(f"「{name}」是 {until} 年及以前的名称，{year} 年该类为「{current}」")
                        problems_en.append(f"'{name}' is the name until {until}; for {year} class {code} is '{current}'")
                    if printed is None:
                        printed = table_class_names(doc)
                    table_name = printed.get(code)
                    if table_name and normalise(table_name) != normalise(name) and known_name(code, table_name):
                        problems.append(f"本报告表格印为「{table_name}」")
                        problems_en.append(f"the report's tables print '{table_name}'")
                if not problems:
                    continue
                ev = prose_evidence(p, start, m.end())
                if (ev.page, ev.start) in seen:
                    continue
                seen.add((ev.page, ev.start))
                yield self.finding(
                    f"正文中类级科目「{text[start:m.end()]}」：" + "；".join(problems),
                    f"prose names class '{text[start:m.end()]}': " + "; ".join(problems_en),
                    evidence=[ev])

    def _coded_lines(self, p: Any, text: str, seen: set[tuple[int | None, int | None]]) -> Iterable[Finding]:
        """"公共安全支出（204类）检察（04款）行政运行（01项）": each 款 and 项 name against the
        official name of the code its brackets build on the class code before it."""
        if "款" not in text and "项" not in text:
            return
        parent = ""
        for m in _CODED_REF.finditer(text):
            digits, level = m.group(2), m.group(3)
            if level == "类":
                parent = digits if len(digits) == 3 else ""
                continue
            if not parent or len(digits) != 2 or (level == "项" and len(parent) != 5):
                parent = "" if level == "款" else parent
                continue
            code = parent + digits
            parent = code if level == "款" else parent
            name = m.group(1)
            official = misnamed(f"func:{code}", name)
            if official is None:
                continue
            ev = prose_evidence(p, m.start(1), m.end())
            if (ev.page, ev.start) in seen:
                continue
            seen.add((ev.page, ev.start))
            yield self.finding(
                f"正文中「{m.group(0)}」：科目 {code} 的规范名称为「{official}」",
                f"prose names '{m.group(0)}': code {code} is '{official}'",
                evidence=[ev])


# "（类）", "(类)", "（204类）"
_CLASS_REF = re.compile(r"[（(]\s*(\d{3})?\s*类\s*[)）]")
# a name and its bracketed code and level: "检察（04款）"
_CODED_REF = re.compile(r"([\u4e00-\u9fff、]{2,30})[（(]\s*(\d{2,3})\s*(类|款|项)\s*[)）]")


@functools.cache
def _renamed() -> dict[tuple[str, str], int]:
    """(code, normalised former name) -> the last year that name was in force."""
    extra = package_yaml("rules", "data/codes.yaml")
    return {(str(e["code"]), normalise(e["zh"])): int(e["until"]) for e in extra.get("renamed") or []}


@functools.cache
def _class_names() -> tuple[tuple[str, str], ...]:
    """(name as printed, 3-digit code) of every official class name, present and former, with and
    without its final 支出, longest first."""
    out = set()
    for key, names in official_names().items():
        if not key.startswith("func:") or len(key) != 8:
            continue
        for n in names:
            n = _STRIP.sub("", n)
            out.add((n, key[5:]))
            if n.endswith("支出") and len(n) > 4:
                out.add((n[:-2], key[5:]))
    for code, name in _renamed():
        out.add((name, code))
    return tuple(sorted(out, key=lambda x: -len(x[0])))


@functools.cache
def _subclass_names() -> tuple[tuple[str, str], ...]:
    """(name, 5-digit code) of every official 款 name that is no class's name, longest first (a
    name two 款 share keeps one of their codes: it is only cited)."""
    classes = {n for n, _c in _class_names()}
    out = set()
    for key, names in official_names().items():
        if key.startswith("func:") and len(key) == 10:
            for n in names:
                n = _STRIP.sub("", n)
                if n not in classes and len(n) >= 4:
                    out.add((n, key[5:]))
    return tuple(sorted(out, key=lambda x: (-len(x[0]), x[1])))


def class_named_before(text: str, end: int) -> tuple[str, str, int] | None:
    """(code, name, start) of the class name printed right before ``end``, or None when the words
    there are not wholly one class's official name."""
    return named_before(text, end, _class_names())


def named_before(text: str, end: int, names: tuple[tuple[str, str], ...]) -> tuple[str, str, int] | None:
    """(code, name, start) of the name of ``names`` printed right before ``end`` (the longest)."""
    before = text[max(0, end - 24):end]
    for name, code in names:
        if before.endswith(name):
            start = end - len(name)
            # the name must start the phrase: not the tail of a longer name
            if start > 0 and re.match(r"[\u4e00-\u9fff]", text[start - 1]) and text[start - 1] not in "是为和及的、":
                return None
            return code, name, start
    return None


def known_name(code: str, name: str) -> bool:
    """Whether a printed name is one of the code's official names (present or former)."""
    n = normalise(name)
    return any(normalise(o) == n for o in official_names().get(f"func:{code}", ())) or (code, n) in _renamed()


def table_class_names(doc: Document) -> dict[str, str]:
    """3-digit code -> the name the report's function-classification tables print for it."""
    out: dict[str, str] = {}
    for t in doc.tables:
        if t.kind not in FUNC_KINDS:
            continue
        for r in t.rows:
            if r.code and len(r.code) == 3 and r.name.strip() and r.code not in out and not _DIGIT.search(r.name):
                out[r.code] = r.name.strip()
    return out


RULE = CodeName
