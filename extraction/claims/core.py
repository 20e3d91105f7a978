"""Turning one paragraph into claims with the patterns of claim_patterns.yaml.

The work is done per sentence: numbers with their units are found by one
precompiled pattern; the clause before each number decides the kind (the
first cue that matches) and names the metric (the nearest lexicon alias);
statements without a figure (comparisons, 与上年相同, 无…支出) have their own
patterns.  Offsets are kept in paragraph coordinates and mapped to the page at
the end.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import NamedTuple

import regex

from extraction.claims.claim import Claim, make_claim
from extraction.claims.lexicon import AliasHit, Lexicon
from extraction.claims.patterns import ClaimPatterns, normalize

# literal characters: the stdlib engine reads them as the regex module does, without its per-call cost
SENTENCE_END = re.compile(r"[。！？!?]+")
CLAUSE_DELIMS = "，；：,;:、"
SEGMENT_DELIMS = "；;。"
LIST_HEAD_DELIMS = "，；：,;:。"
LIST_COMMA = regex.compile("、")
# literal words: the stdlib engine finds them as the regex module would, in a third of the time
STATEMENT_HINT = re.compile(r"无|没有|未发生|相同|持平|一样|一致|变化|大于|小于|等于|高于|低于|超过|少于|多于|相等")
CODE_BEFORE = regex.compile(r"(?<!\d)(\d{3}|\d{5}|\d{7})\s*$")
# The regex module lets go of the GIL around every match unless it is told not to (concurrent=False,
# passed by position: as a keyword it costs more than it saves); a worker extracts in one thread, so
# the calls made per sentence or per figure pass ``pos, endpos, False`` (match, search) or
# ``pos, endpos, False, False`` (finditer: overlapped, concurrent).  The matches are the same.


def _cannot_end_code(ch: str) -> bool:
    """Whether CODE_BEFORE cannot end with ``ch`` (neither a digit nor a space): a Han character or a mark."""
    return "\u4e00" <= ch <= "\u9fff" or ch in "，。；：、（）“”"


ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
YEAR_WORDS = regex.compile(r"上年|上一年|去年|同比|\d{4}\s*年")
DIGIT = regex.compile(r"\d")
SPACE = regex.compile(r"\s+")
# years inside a name ("编报绩效目标的2024年度项目") are not part of it
YEAR_IN_NAME = regex.compile(r"\d{4}\s*年度?")
NOT_NAME_CHARS = regex.compile(r"[^\p{Han}]+")
# the subject of a heading: "七、政府性基金预算财政拨款收支决算情况说明" -> 政府性基金预算财政拨款
HEADING_SUBJECT = regex.compile(r"(?P<subj>\p{Han}{4,}?)(?:收支|收入|支出)(?:决算|预算)?(?:情况)?(?:说明)?\s*$")
HEADS = ("收入", "支出", "收支")
# what may stand before a bare attribute: "涉及预算金额", "账面原值" (not "货物采购金额", a name of its own)
ATTRIBUTE_LEAD = regex.compile(r"(?:涉及|实现|共计|合计|其|为)?")
PERSON_UNITS = frozenset({"人次", "人"})
BATCH_UNITS = frozenset({"批次", "批"})


# the start of an alias hit, as a C-level key for bisect
_hit_start = itemgetter(0)


def _bigrams(s: str) -> frozenset[str]:
    return frozenset(s[i:i + 2] for i in range(len(s) - 1))


class RawClaim(NamedTuple):
    """A claim in paragraph coordinates: the Claim's fields (offsets into the paragraph) and its sentence.

    The fields themselves rather than a Claim: extract_claims makes the one Claim of a figure from
    them with its page, offsets and sentence, so a first Claim per figure would be thrown away.  The
    first ten fields are the Claim's first ten after its id, in order (``raw[:10]``)."""

    kind: str
    metric: str | None
    label: str
    value: float | int | None
    unit: str | None
    yuan: float | None
    period: str | None
    scope: str | None
    base: str | None
    direction: str | None
    start: int
    end: int
    sent_start: int
    sent_end: int
    explanation: str

    @property
    def claim(self) -> Claim:
        """The Claim in paragraph coordinates (page 0, no id, no sentence)."""
        return make_claim("", *self[:10], 0, self.start, self.end, "", self.explanation)


_raw = RawClaim
_tuple_new = tuple.__new__
_START = attrgetter("start")


def _after_last(pos: list[int], end: int, floor: int) -> int:
    """``_delimited_start`` read off the sorted positions of the delimiters in the paragraph.

    The last delimiter in [floor, end) is the last position below ``end`` when that is not below
    ``floor``; a delimiter is one character, so the clause starts just after it."""
    i = bisect_left(pos, end)
    if i:
        q = pos[i - 1]
        if q >= floor:
            return q + 1
    return floor


@dataclass
class ParagraphState:
    """What carries over from one paragraph to the next in a section."""

    section: str | None = None
    enum_total: str | None = None
    heading_metric: str | None = None
    heading_title: str | None = None
    func_context: list[str] = field(default_factory=list)
    # the levels of the last classification line an item statement named (extraction.claims.items)
    item_path: tuple = ()
    # the report's year (its meta), so that "2016 年度…为X万元" in a 2017 report reads as last year's
    year: int | None = None


def chinese_to_int(s: str) -> int | None:
    total, cur = 0, 0
    for ch in s:
        if ch in ZH_DIGITS:
            cur = ZH_DIGITS[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        elif ch == "千":
            total += (cur or 1) * 1000
            cur = 0
        else:
            return None
    return total + cur


# each delimiter set as one character class searched backwards: the last delimiter before a
# number is found in one call instead of one rfind per delimiter
_LAST_DELIM = {d: regex.compile("[" + regex.escape(d) + "]", regex.REVERSE)
               for d in (CLAUSE_DELIMS, SEGMENT_DELIMS, LIST_HEAD_DELIMS)}


def _delimited_start(text: str, end: int, floor: int, delims: str = CLAUSE_DELIMS) -> int:
    """Start of the clause (or, with SEGMENT_DELIMS, the segment) that ends at ``end``."""
    m = _LAST_DELIM[delims].search(text, floor, end)
    return m.end() if m else floor


def _positions(text: str, chars: str) -> list[int]:
    """Where the characters ``chars`` stand in the text, ascending.

    A sentence reads the start of each of its clauses and segments off these (``_after_last``)
    instead of searching back from every number; str.find passes over Chinese text far quicker than
    a character class does."""
    out = []
    find = text.find
    for ch in chars:
        if ch in text:
            i = find(ch)
            while i >= 0:
                out.append(i)
                i = find(ch, i + 1)
    out.sort()
    return out


_BUDGET_NAMES = regex.compile(r"一般公共预算|国有资本经营预算|政府性基金预算|预算单位|预算管理|预算绩效")


@lru_cache(maxsize=4096)
def _period(region: str) -> str:
    # '一般公共预算财政拨款支出' names a kind of money, not a budget figure
    region = _BUDGET_NAMES.sub("", region)
    if "年初预算" in region or "年初安排" in region:
        return "initial_budget"
    if "全年预算" in region or "调整预算" in region or "调整后预算" in region:
        return "adjusted_budget"
    if "预算" in region and "决算" not in region:
        return "budget"
    return "current"


# a clause that introduces last year's figure ("上年财政仅安排…", "上年度列入此项的…", "（2016 年度…安排
# 为"): a year mark not compared against (比上年, 与上年相比, 较2016年) and not a line of this year
# named after last year (上年结转资金, 上年结余)
_PRIOR_MARK = regex.compile(r"(?<![比较与同和对])(?:上年|上一年|去年)(?!结转|结余|相比|同期相比)")
_PRIOR_NOT = regex.compile(r"结转|结余|相比|对比|比较|同比|增减|变化")
_YEAR_OPENS = regex.compile(r"^[\p{P}\d一二三四五六七八九十、.．]*?(?:而|但|其中|另外)?(?=\d{4}年)|^[（(]?[一二三四五六七八九十\d]+[）)、.．]")


@lru_cache(maxsize=4096)
def _prior_lead(region: str, year: int | None, opens_sentence: bool = False) -> bool:
    """Whether the clause before a figure introduces it as the prior year's.

    A sentence that opens with last year's date ("2023年“三公”经费预算数为…" in a 2024 budget)
    is left to CF604 (a sentence year that may be a slip): only 上年/去年, or an earlier year
    inside the sentence ("…，而2019年项目支出有61.66万元", an aside "（2016 年度…为X"), mark it."""
    region = SPACE.sub("", region)
    k = region.rfind("（")
    if k >= 0 and "）" not in region[k:]:
        region = region[k + 1:]  # an aside: "与2016 年度相比（2016 年度…安排为X" gives last year's figure
        opens_sentence = False
    if _PRIOR_NOT.search(region):
        return False
    if _PRIOR_MARK.search(region):
        return True
    # an earlier year opening the clause ("2016年度…安排为", "2020年公务接待"); a year inside a
    # name ("财政返还2020年信访专项救助资金") is not the figure's period
    return bool(year) and not opens_sentence and _YEAR_OPENS.sub("", region).startswith(f"{year - 1}年")


def _scope(prefix: str) -> str | None:
    if "一般公共预算" in prefix:
        return "general_budget"
    if "财政拨款" in prefix:
        return "fiscal"
    return None


class ParagraphExtractor:
    """Runs the patterns over the sentences of one paragraph."""

    def __init__(self, patterns: ClaimPatterns, lexicon: Lexicon):
        self.p = patterns
        self.lex = lexicon
        # the exclusions as one pattern for the text before a number and one for the text after it
        befores = [f"(?:{e.before.pattern})" for e in patterns.exclusions if e.before is not None]
        afters = [f"(?:{e.after.pattern})" for e in patterns.exclusions if e.after is not None]
        self._excl_before = regex.compile("|".join(befores)) if befores else None
        self._excl_after = regex.compile("|".join(afters)) if afters else None
        self.names_of: dict[str, list[str]] = {}
        for name, ids in lexicon.by_alias.items():
            for mid in ids:
                self.names_of.setdefault(mid, []).append(name)
        self.children: dict[str, list[str]] = {}
        for mid, m in lexicon.metrics.items():
            if m.parent:
                self.children.setdefault(m.parent, []).append(mid)
        # attribute word -> (metric, name without non-Han characters, its bigrams) of names holding it
        self.attr_names: dict[str, list[tuple[str, str, frozenset[str]]]] = {}
        for a in patterns.attributes:
            rows = []
            for name, ids in lexicon.by_alias.items():
                if a in name:
                    clean = NOT_NAME_CHARS.sub("", name)
                    rows.extend((mid, clean, _bigrams(clean)) for mid in ids)
            self.attr_names[a] = rows
        self._attr_tuple = tuple(patterns.attributes)
        # the last characters of the attributes: a region holding none of them ends in no attribute
        # (its spaces dropped or not), so _attribute_metric need not be asked; as a class of literal
        # characters, which the stdlib engine looks for in one pass (a set's isdisjoint makes a string
        # of every character of the region)
        self._attr_ends = (re.compile("[" + "".join(sorted({re.escape(a[-1]) for a in patterns.attributes})) + "]")
                           if all(patterns.attributes) else None)
        # the groups of a number's digits and unit, read by index from a match's spans: a named
        # group costs the regex module a name lookup per call
        self._number_groups = tuple((rx, rx.groupindex.get("num"), rx.groupindex.get("unit"))
                                    for rx in (patterns.number, patterns.chinese_number) if rx is not None)
        self._unit_kinds = {mid: m.unit_kind for mid, m in lexicon.metrics.items()}
        self._clause_pos: list[int] = []
        self._seg_pos: list[int] = []
        # the name ending a region depends on its words alone, and reports repeat their wording
        self._named_metric = lru_cache(maxsize=4096)(self._named_metric)
        # and so do the cue of the clause before a number (its match is read, never changed) and
        # the attribute ending a clause
        self._attribute_metric = lru_cache(maxsize=4096)(self._attribute_metric)
        self._cue_of = lru_cache(maxsize=4096)(self._cue_of)
        # the cues that may read a number of each unit type, in file order (the first that matches wins)
        self.cues_for: dict[str, list] = {}
        for spec in patterns.units.values():
            t = spec["type"]
            if t not in self.cues_for:
                self.cues_for[t] = [c for c in patterns.cues if t in c.units]

    def _unit_kind(self, metric: str | None) -> str | None:
        m = self.lex.metrics.get(metric) if metric else None
        return m.unit_kind if m else None

    def _fit_kind(self, metric: str | None, unit: str, utype: str) -> str | None:
        """The metric of the claim's own unit type: 8批次 under 国内接待费 is 国内公务接待批次, and back.

        Returns None when the line has no metric of that type."""
        uk = self._unit_kind(metric)
        if uk is None or uk == utype or utype not in ("money", "count") or uk not in ("money", "count"):
            return metric
        ms = self.lex.metrics
        if utype == "count":
            suffix = "_persons" if unit in PERSON_UNITS else "_batches" if unit in BATCH_UNITS else None
            if suffix:
                for base in (metric, metric.removeprefix("three_public_")):
                    if base + suffix in ms:
                        return base + suffix
            return None
        for suf in ("_batches", "_persons", "_groups"):
            if metric.endswith(suf):
                base = metric[: -len(suf)]
                for cand in (base, "three_public_" + base):
                    if cand in ms and ms[cand].unit_kind == "money":
                        return cand
        return None

    def _relative(self, name: str, anchor: str | None, children_only: bool) -> str | None:
        """A part or sibling of ``anchor`` whose name ends with ``name`` ("（含行政工勤人员 0 人）")."""
        name = YEAR_IN_NAME.sub("", SPACE.sub("", name)).lstrip("含其中：:")
        if len(name) < 2 or anchor not in self.lex.metrics:
            return None
        cands = list(self.children.get(anchor, ()))
        parent = self.lex.metrics[anchor].parent
        if not children_only and parent:
            cands += [c for c in self.children.get(parent, ()) if c != anchor]
        for mid in cands:
            if any(n.endswith(name) for n in self.names_of.get(mid, ())):
                return mid
        return None

    def _output_metric(self, text: str, at: int) -> str | None:
        """perf_output for a count of work done, told under 目标完成情况 and the like."""
        p = self.p
        if p.output_context is not None and p.output_metric and p.output_context.search(text, 0, at):
            return p.output_metric
        return None

    def _descends(self, metric: str, ancestor: str) -> bool:
        ms = self.lex.metrics
        m = ms.get(metric)
        while m is not None and m.parent:
            if m.parent == ancestor:
                return True
            m = ms.get(m.parent)
        return False

    def _metric_after(self, text: str, hits: list[AliasHit], start: int, s1: int, utype: str) -> tuple[str, str] | None:
        """A count whose thing follows it: "7个项目自评等级为“优”"."""
        end = start
        while end < s1 and text[end] not in CLAUSE_DELIMS and text[end] not in "（。":
            end += 1
        best = None
        for h in hits:
            if h.start >= start and h.end <= end and not h.weak and self._unit_kind(h.metric) == utype:
                if best is None or (h.start, -(h.end - h.start)) < (best.start, -(best.end - best.start)):
                    best = h
        return (self.lex.resolve(best.text, []), best.text) if best else None

    def _respectively(self, text: str, s0: int, s1: int, matches: list,
                      clause_pos: list[int]) -> dict[int, tuple[int, int, int, int]]:
        """"A、B、C分别为 x、y、z": number start -> (name start, name end, cue clause start, cue clause end).

        ``matches`` are the sentence's numbers as (start, end, num start, num end, unit start, unit end)."""
        p = self.p
        out: dict[int, tuple[int, int, int, int]] = {}
        for rm in p.respectively.finditer(text, s0, s1):
            a = _delimited_start(text, rm.start(), s0, LIST_HEAD_DELIMS)
            e = rm.end()
            while e < s1 and text[e] not in SEGMENT_DELIMS:
                e += 1
            groups: dict[str, list] = {}
            for m in matches:
                if rm.end() <= m[0] < e:
                    groups.setdefault(p.units[text[m[4]:m[5]]]["type"], []).append(m)
            splits = []
            for sep in (p.list_separators, LIST_COMMA):
                spans, k = [], a
                for sm in sep.finditer(text, a, rm.start()):
                    spans.append((k, sm.start()))
                    k = sm.end()
                spans.append((k, rm.start()))
                splits.append([(x, y) for x, y in spans if text[x:y].strip()])
            for ms in groups.values():
                spans = next((sp for sp in splits if len(sp) == len(ms)), None)
                if spans is None or len(spans) < 2:
                    continue
                first = ms[0][2]
                cue_c0 = _after_last(clause_pos, first, s0)
                for (x, y), m in zip(spans, ms):
                    out[m[2]] = (x, y, cue_c0, first)
        return out

    def _zero_parts(self, text: str, a: int, b: int) -> list[tuple[int, int, str | None]]:
        """"无政府性基金预算财政拨款收入和支出" -> …收入, and …支出 named with the first part's stem."""
        pieces, k = [], a
        for sep in self.p.list_separators.finditer(text, a, b):
            pieces.append((k, sep.start()))
            k = sep.end()
        pieces.append((k, b))
        if len(pieces) > 1:
            first = SPACE.sub("", text[pieces[0][0]:pieces[0][1]])
            head = next((h for h in HEADS if first.endswith(h)), None)
            if head and all(text[x:y].strip() in HEADS for x, y in pieces[1:]):
                stem = first[: -len(head)]
                return [(pieces[0][0], pieces[0][1], None)] + [(x, y, stem + text[x:y].strip()) for x, y in pieces[1:]]
        return [(a, b, None)]

    def _heading_subject(self, state: ParagraphState, what: str) -> tuple[str, str] | None:
        """"本年度无此项支出" under "七、政府性基金预算财政拨款收支决算情况说明" -> 政府性基金预算财政拨款支出."""
        head = next((h for h in HEADS if what.rstrip().endswith(h)), None)
        if head and state.heading_title:
            hm = HEADING_SUBJECT.search(normalize(state.heading_title))
            if hm:
                name = hm.group("subj") + head
                if name in self.lex.by_alias:
                    return self.lex.resolve(name, []), name
        return (state.heading_metric, "") if state.heading_metric else None

    def _attribute_metric(self, clause: str, segment: str) -> tuple[str, str] | None:
        """A generic attribute (账面原值, 涉及预算金额) ending the clause, named with the thing before it in the segment."""
        clause = SPACE.sub("", clause)
        if not clause.endswith(self._attr_tuple):
            return None  # most clauses end in no attribute: one call rules them out
        for a in self.p.attributes:
            if clause.endswith(a) and ATTRIBUTE_LEAD.fullmatch(clause[: -len(a)]):
                break
        else:
            return None
        seg = NOT_NAME_CHARS.sub("", YEAR_IN_NAME.sub("", segment))
        have = _bigrams(seg)
        best = None
        for mid, name, grams in self.attr_names.get(a, ()):
            if not grams:
                continue
            shared = len(grams & have)
            # the name most of whose words the segment says, the one that says the most winning
            key = (shared, -len(name))
            if shared >= 0.75 * len(grams) and (best is None or key > best[0]):
                best = (key, mid)
        return (best[1], clause) if best else None

    def _cue_of(self, utype: str, clause: str) -> tuple:
        """The first cue for the unit type that the clause before a number matches, with its match,
        where in the clause its ``cue`` group starts (None without a match or that group) and the
        claim's explanation."""
        for c in self.cues_for[utype]:
            if c.before is None:
                return c, None, None, f"{c.name}: {c.explanation}"
            cm = c.before.search(clause)
            if cm:
                gi = c.before.groupindex.get("cue")
                return c, cm, (cm.start(gi) if gi is not None else None), f"{c.name}: {c.explanation}"
        return None, None, None, None

    # -- metric resolution -------------------------------------------------
    def _metric_of(self, text: str, hits: list[AliasHit], lo: int, hi: int, ctx: list[str]) -> tuple[str, str] | None:
        """The nearest alias ending in [lo, hi], strong before weak; a printed code wins."""
        best = None
        weak = None
        for h in hits:
            if h.start >= hi:
                break  # the hits run in order of their starts: none further ends by hi
            e = h.end
            if lo < e <= hi:
                # the later end wins, and at the same end the longer name (or the later hit of a length)
                if h.weak:
                    if weak is None or e > weak.end or (e == weak.end and e - h.start >= e - weak.start):
                        weak = h
                elif best is None or e > best.end or (e == best.end and e - h.start >= e - best.start):
                    best = h
        h = best or weak
        if h is None:
            return None
        hs = h.start
        # a code ends where the name starts (spaces between): not after a Han character or a mark
        m = CODE_BEFORE.search(text, lo, hs, False) if hs - lo >= 3 and not _cannot_end_code(text[hs - 1]) else None
        if m:
            code = m.group(1)
            mid = self.lex.by_code("func", code) or (self.lex.by_code("econ", code) if code.startswith("3") else None)
            if mid:
                return mid, h.text
        return self.lex.resolve(h.text, ctx), h.text

    def _named_metric(self, region: str, unit: str, utype: str) -> tuple[str, str] | None:
        """The longest name ending the region, with the words its unit implies (处置车辆 0 辆 -> 处置车辆数).

        Years inside the name are dropped ("绩效自评的2024年度项目4个" -> 绩效自评的项目个数)."""
        tails = self.p.name_tails.get(utype)
        if not tails:
            return None
        s = YEAR_IN_NAME.sub("", SPACE.sub("", region))
        by_alias = self.lex.by_alias
        ms = self.lex.metrics
        best = None
        lo = max(0, len(s) - 24)
        for tail in tails:
            full = s + tail.replace("{unit}", unit)
            for k in range(lo, len(s) if best is None else min(len(s), best[0])):
                ids = by_alias.get(full[k:])
                if ids:
                    mid = next((i for i in ids if ms[i].unit_kind == utype), None)
                    if mid:
                        best = (k, mid)
                        break
        return (best[1], s[best[0]:]) if best else None

    # -- the paragraph -----------------------------------------------------
    def extract(self, raw_text: str, state: ParagraphState) -> list[RawClaim]:
        text = normalize(raw_text)
        self._raw = raw_text
        out: list[RawClaim] = []
        d = DIGIT.search(text, None, None, False)
        hits = self.lex.find(text) if d or STATEMENT_HINT.search(text) else []
        for h in hits:
            if h.metric.startswith("func:") and h.metric not in state.func_context:
                state.func_context.append(self.lex.resolve(h.text, state.func_context))
        para_topic: str | None = None
        pos = 0
        n = len(text)
        # the first digit at or after the last place looked from (none: n); a sentence holds a digit
        # when the first one from its start falls inside it, so one search serves every sentence up
        # to that digit
        digit_at = d.start() if d else n
        delims = False
        while pos < n:
            m = SENTENCE_END.search(text, pos)
            s_end = m.end() if m else n
            s_start = pos
            pos = s_end
            if digit_at < s_start:
                d = DIGIT.search(text, s_start, None, False)
                digit_at = d.start() if d else n
            if digit_at >= s_end and not STATEMENT_HINT.search(text, s_start, s_end) and not (
                    self.p.chinese_number is not None and self.p.chinese_number.search(text, s_start, s_end, False)):
                continue
            if self.p.table_note is not None and self.p.table_note.search(text, s_start, s_end, False):
                continue  # a note under a table ("故本表无数据")
            if not delims:
                # where the paragraph's clause and segment delimiters stand: a sentence [s0, s1) reads
                # the start before an offset inside it no further back than s0 (_after_last), so the
                # paragraph's positions give what the sentence's own would
                self._clause_pos = _positions(text, CLAUSE_DELIMS)
                self._seg_pos = _positions(text, SEGMENT_DELIMS)
                delims = True
            claims = self._sentence(text, s_start, s_end, hits, state, para_topic)
            if not claims and para_topic is None:
                # a line heading such as 行政运行（项）。 names what the next sentences report
                named = [h for h in hits if s_start <= h.start and h.end <= s_end and not h.weak]
                if named:
                    last = max(named, key=lambda h: (h.end, h.end - h.start))
                    para_topic = self.lex.resolve(last.text, state.func_context)
            if claims:
                if para_topic is None:
                    para_topic = next((c.metric for c in claims if c.metric), None)
                out.extend(claims)
        stripped = text.rstrip()
        if stripped.endswith(("：", ":")):
            first = next((h for h in hits if not h.weak), None)
            tail_claims = [c for c in out if c.metric]
            if tail_claims:
                state.enum_total = tail_claims[-1].metric if "其中" in stripped[-4:] else tail_claims[0].metric
            elif first:
                state.enum_total = first.metric
        return out

    def _sentence(self, text: str, s0: int, s1: int, hits: list[AliasHit], state: ParagraphState,
                  para_topic: str | None) -> list[RawClaim]:
        p = self.p
        found: list[RawClaim] = []
        taken: list[tuple[int, int]] = []
        ctx = state.func_context
        n_text = len(text)
        lo_i = bisect_left(hits, s0, key=_hit_start)
        hi_i = bisect_left(hits, s1, key=_hit_start)
        sent_hits = [h for h in hits[lo_i:hi_i] if h.end <= s1]
        hits = sent_hits  # every lookup below stays inside the sentence
        sent_topic = None

        aside_close: dict[int, int] = {}  # claim start -> end of the （含…） aside it stands in

        # the clause and segment delimiters of the paragraph: every start read below lies inside the
        # sentence
        clause_pos = self._clause_pos
        seg_pos = self._seg_pos
        # _scope(text[s0:end]) reads whether a name is in the sentence before ``end``: it is when its
        # first occurrence from s0 on ends by then
        gb = text.find("一般公共预算", s0)
        gb_end = gb + 6 if gb >= 0 else n_text + 1
        fi = text.find("财政拨款", s0)
        fi_end = fi + 4 if fi >= 0 else n_text + 1

        def scope_at(end: int) -> str | None:
            if gb_end <= end:
                return "general_budget"
            if fi_end <= end:
                return "fiscal"
            return None

        def previous_claim(at: int, floor: int) -> RawClaim | None:
            """The last claim with a metric in [floor, at), passing over asides closed before ``at``."""
            best = None
            for c in found:
                if c.metric and floor <= c.start < at and aside_close.get(c.start, n_text) >= at \
                        and (best is None or c.start > best.start):
                    best = c
            return best

        def previous_metric(at: int, within_segment: bool) -> tuple[str, str] | None:
            floor = _after_last(seg_pos, at, s0) if within_segment else s0
            best = previous_claim(at, floor)
            return (best.metric, best.label) if best else None

        def fallback(at: int, kind: str) -> tuple[str, str] | None:
            r = previous_metric(at, True)
            if r:
                return r
            seg0 = _after_last(seg_pos, at, s0)
            r = self._metric_of(text, hits, seg0, _after_last(clause_pos, at, s0), ctx)
            if r:
                return r
            if kind in ("growth", "change"):
                r = previous_metric(at, False)
                if r:
                    return r
                if para_topic:
                    return para_topic, ""
            r = previous_metric(at, False)
            if r:
                return r
            if para_topic:
                return para_topic, ""
            if state.heading_metric:
                return state.heading_metric, ""
            return None

        def enum_total(at: int, metric: str | None) -> str | None:
            head = text[s0:at]
            for mark in ("其中", "中，", "中,"):
                k = head.rfind(mark)
                if k >= 0:
                    for c in found:
                        if c.start < s0 + k and c.metric and c.metric != metric:
                            return c.metric
                    for h in sent_hits:
                        if h.end <= s0 + k and not h.weak and h.metric != metric:
                            return self.lex.resolve(h.text, ctx)
            if state.enum_total and state.enum_total != metric:
                return state.enum_total
            if para_topic and para_topic != metric:
                return para_topic
            if found and found[0].metric != metric:
                return found[0].metric
            return None

        # the function context plus the parents of the lines already read in the sentence
        # (人员经费 … 住房公积金), grown as the figures are read
        line_ctx = ctx
        ms = self.lex.metrics
        # numbers with units
        # each as (start, end, num start, num end, unit start, unit end), read from the match's spans
        matches = []
        for rx, g_num, g_unit in self._number_groups:
            for m in rx.finditer(text, s0, s1, False, False):
                r = m.regs
                matches.append((*r[0], *r[g_num], *r[g_unit]))
        if len(self._number_groups) > 1:
            matches.sort(key=_hit_start)  # stable: a figure before a Chinese count at the same start
        resp = self._respectively(text, s0, s1, matches, clause_pos) if p.respectively.search(text, s0, s1, False) else {}
        raw_text = self._raw
        attr_ends = self._attr_ends
        unit_kinds = self._unit_kinds
        for m_s, m_e, num_s, num_e, u_s, u_e in matches:
            unit = text[u_s:u_e]
            spec = p.units[unit]
            utype = spec["type"]
            before = text[max(s0, num_s - 40):num_s]
            after = text[m_e:min(s1, m_e + 12)]
            if (self._excl_before is not None and self._excl_before.search(before, None, None, False)) or \
                    (self._excl_after is not None and self._excl_after.search(after, None, None, False)):
                continue
            raw_num = text[num_s:num_e]
            if raw_num[0] in "零〇一二两三四五六七八九十百千":
                value: float | int | None = chinese_to_int(raw_num)
                if value is None:
                    continue
            else:
                t = raw_num.replace(",", "").replace("，", "")
                value = float(t) if "." in t else int(t)
            # _after_last(clause_pos, num_s, s0), inline: a clause start per figure
            i = bisect_left(clause_pos, num_s)
            c0 = clause_pos[i - 1] + 1 if i and clause_pos[i - 1] >= s0 else s0
            # an aside "（含…" / "（其中：…" names a part of the figure before it
            anchor = None
            k = text.rfind("（", s0, num_s)
            am = p.aside.match(text, k, None, False) if k >= 0 and p.aside is not None else None
            if am is not None and "）" not in text[am.end():num_s]:
                prev = previous_claim(am.start(), s0)
                anchor = prev.metric if prev else None
                c0 = max(c0, am.end())
                close = text.find("）", m_e, s1)
                aside_close[num_s] = close if close >= 0 else s1
            if c0 > s0 and text[c0 - 1] in "：:" and not text[c0:num_s].strip():
                # "基本支出：1759240.42元": the figure's name stands before the colon (a form of
                # table-cell prose), not in an empty clause after it
                j = bisect_left(clause_pos, c0 - 1)
                prev0 = clause_pos[j - 1] + 1 if j and clause_pos[j - 1] >= s0 else s0
                if am is not None:
                    prev0 = max(prev0, am.end())
                if prev0 < c0 - 1 and not DIGIT.search(text, prev0, c0 - 1):
                    c0 = prev0  # (a clause with a figure of its own ends there: "涉及资金75.27万元:7个…")
            item = resp.get(num_s)
            cue_c0 = item[2] if item else c0
            cue_end = item[3] if item else num_s
            clause = text[cue_c0:cue_end]
            cue, cm, cue_at, explanation = self._cue_of(utype, clause)
            if cue is None:
                continue  # a percentage with no cue: a target or a slogan, not a claim
            if cue.kind == "amount" and item is None and c0 > s0 and text[c0 - 1] == "、":
                # the last name of a list after its verb: "增加机关事业单位养老保险、职业年金缴费等
                # 1447.63万元" is a change; the verb stands before the list's first 、
                wide = text[_delimited_start(text, c0 - 1, s0, LIST_HEAD_DELIMS):num_s]
                w = self._cue_of(utype, wide)
                if w[0] is not None and w[0].kind == "change":
                    cue, cm, cue_at, explanation = w[0], w[1], len(clause), w[3]
            kind = cue.kind
            if item:
                region_end = num_s
                res = (self._named_metric(text[item[0]:item[1]], unit, utype)
                       or self._metric_of(text, hits, item[0], item[1], line_ctx))
            else:
                # (a cue without a ``cue`` group fails here as it always has)
                region_end = c0 + (cue_at if cue_at is not None else
                                   cm.start("cue") if cm is not None and cue.before is not None else len(clause))
                res = None
            region = text[c0:region_end]
            if res is None and kind == "count" and found and c0 < found[-1].end <= num_s and found[-1].kind == "count":
                # a count after a count in one clause ("2 个下属事业单位和2 个派出机构"): the words before it
                # name the count before it; its own thing follows it
                res = self._metric_after(text, hits, m_e, s1, utype)
            if res is None and p.attributes and (attr_ends is None or attr_ends.search(region) is not None):
                seg0 = _after_last(seg_pos, num_s, s0)
                res = self._attribute_metric(region, text[seg0:region_end])
            if res is None and kind in ("count", "amount") and utype in ("count", "area"):
                res = self._named_metric(region, unit, utype)
            if res is None:
                res = self._metric_of(text, hits, c0, region_end, line_ctx)
            if anchor:
                # an aside names a part of its figure: prefer the part of that line
                rel = self._relative(region, anchor, True)
                if rel and (res is None or not self._descends(res[0], anchor)):
                    res = (rel, region.strip())
            elif res is None and kind in ("count", "amount") and region.strip():
                prev = previous_claim(num_s, s0)
                rel = self._relative(region, prev.metric, False) if prev else None
                if rel:
                    res = (rel, region.strip())
            if res is None and kind == "count":
                res = self._metric_after(text, hits, m_e, s1, utype)
            if res is None:
                res = fallback(num_s, kind)
            metric, label = res if res else (None, region.strip())
            if metric and kind == "count":
                metric = self.lex.sibling(metric, unit)
            if metric and kind in ("amount", "count", "change"):
                # a metric of the claim's own unit type (or of none) is kept, as _fit_kind keeps it
                uk = unit_kinds.get(metric)
                fitted = metric if uk is None or uk == utype else self._fit_kind(metric, unit, utype)
                if fitted is None and kind == "count":
                    fitted = self._output_metric(text, num_s)
                metric = fitted if fitted is not None else metric
            elif metric is None and kind == "count":
                metric = self._output_metric(text, num_s)
            if not label:
                label = region.strip()
            if isinstance(value, (int, float)) and cue.sign < 0:
                value = -value
            yuan = None
            if utype == "money":
                yuan = float(value) * float(spec["yuan"])
                if not yuan.is_integer():  # a whole number is its own rounding
                    yuan = round(yuan, 6)
            period = _period(region) if kind in ("amount", "count") else "current"
            if kind in ("amount", "count") and _prior_lead(region, state.year, not text[s0:c0].strip()):
                period = "prior"
            base = None
            if kind == "share":
                bs, be = cm.span("base")
                bres = self._metric_of(text, hits, cue_c0 + bs, cue_c0 + be, ctx) if be > bs else None
                base = bres[0] if bres else enum_total(num_s, metric)
            elif kind == "completion":
                base = metric
                budget = cm.group("budget") if "budget" in (cm.re.groupindex if cm is not None else {}) else ""
                budget = budget or ""
                if "年初" in budget:
                    period = "initial_budget"
                elif "全年" in budget or "调整" in budget:
                    period = "adjusted_budget"
                elif "全年预算" in text[s0:s1]:
                    period = "adjusted_budget"
                elif "年初预算" in text[s0:s1]:
                    period = "initial_budget"
                else:
                    period = "budget"
            direction = cue.direction
            if kind in ("change", "growth") and value == 0:
                direction = "flat"
            scope = "general_budget" if gb_end <= num_s else "fiscal" if fi_end <= num_s else None  # scope_at
            # RawClaim(...) without the Python-level __new__ of a named tuple
            found.append(_tuple_new(RawClaim, (kind, metric, label, value, raw_text[u_s:u_e], yuan, period,
                                               scope, base, direction, num_s, m_e, s0, s1, explanation)))
            parent = ms[metric].parent if metric in ms else None
            if parent:
                line_ctx = line_ctx + [parent]
            if sent_topic is None:
                sent_topic = metric
        # statements: comparisons, zero changes, zero amounts (after the figures, which name their metrics)
        for st_name in ("comparison", "flat", "zero_amount", "zero_count") if STATEMENT_HINT.search(text, s0, s1) else ():
            st = p.statements.get(st_name)
            if st is None:
                continue
            for m in st.pattern.finditer(text, s0, s1, False, False):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                c0 = _after_last(clause_pos, m.start(), s0)
                if st_name == "comparison":
                    d = m.group("dir")
                    res = self._metric_of(text, hits, s0, m.start(), ctx) or fallback(m.start(), "comparison")
                    metric, label = res if res else (None, "")
                    found.append(_raw("comparison", metric, text[c0:m.end()].strip(), None, None, None,
                                          "current", scope_at(m.start()), metric, st.directions.get(d, d),
                                          m.start(), m.end(), s0, s1, f"{st.name}: {st.explanation}"))
                elif st_name == "flat":
                    res = self._metric_of(text, hits, c0, m.end(), ctx) or fallback(m.start(), "change")
                    metric, label = res if res else (None, "")
                    found.append(_raw("change", metric, label or m.group(), 0, None, None, "current",
                                          scope_at(m.start()), None, "flat", m.start(), m.end(), s0, s1,
                                          f"{st.name}: {st.explanation}"))
                else:
                    what_s, what_e = m.span("what")
                    parts: list[tuple[int, int, str | None]] = [(what_s, what_e, None)]
                    if st_name == "zero_count":
                        parts = []
                        k = what_s
                        for sep in p.list_separators.finditer(text, what_s, what_e):
                            parts.append((k, sep.start(), None))
                            k = sep.end()
                        parts.append((k, what_e, None))
                    else:
                        parts = self._zero_parts(text, what_s, what_e)
                    for a, b, name in parts:
                        if b - a < 2 and name is None:
                            continue
                        if name is not None:
                            res = (self.lex.resolve(name, ctx), name) if name in self.lex.by_alias else None
                        else:
                            res = self._metric_of(text, hits, a, b, ctx)
                        if res is None and "此项" in text[a:b]:
                            res = self._heading_subject(state, text[a:b])
                        metric = res[0] if res else None
                        found.append(_raw(st.kind, metric, text[a:b].strip(), 0, None, None, "current",
                                          scope_at(a), None, None, a, b, s0, s1,
                                          f"{st.name}: {st.explanation}"))

        found.sort(key=_START)
        return found
