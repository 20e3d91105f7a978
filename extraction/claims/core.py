"""Turning one paragraph into claims with the patterns of claim_patterns.yaml.

The work is done per sentence: numbers with their units are found by one
precompiled pattern; the clause before each number decides the kind (the
first cue that matches) and names the metric (the nearest lexicon alias);
statements without a figure (comparisons, 与上年相同, 无…支出) have their own
patterns.  Offsets are kept in paragraph coordinates and mapped to the page at
the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from extraction.claims.claim import Claim
from extraction.claims.lexicon import AliasHit, Lexicon
from extraction.claims.patterns import ClaimPatterns, normalize

SENTENCE_END = regex.compile(r"[。！？!?]+")
CLAUSE_DELIMS = "，；：,;:、"
SEGMENT_DELIMS = "；;。"
STATEMENT_HINT = regex.compile(r"无|没有|未发生|相同|持平|一样|一致|变化|大于|小于|等于|高于|低于|超过|少于|多于|相等")
CODE_BEFORE = regex.compile(r"(?<!\d)(\d{3}|\d{5}|\d{7})\s*$")
ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
YEAR_WORDS = regex.compile(r"上年|上一年|去年|同比|\d{4}\s*年")


@dataclass(frozen=True)
class RawClaim:
    """A claim in paragraph coordinates: the Claim (page 0, offsets into the paragraph) and its sentence."""

    claim: Claim
    sent_start: int
    sent_end: int

    @property
    def start(self) -> int:
        return self.claim.start

    @property
    def metric(self) -> str | None:
        return self.claim.metric

    @property
    def label(self) -> str:
        return self.claim.label


def _raw(kind, metric, label, value, unit, yuan, period, scope, base, direction, start, end, s0, s1, explanation) -> RawClaim:
    return RawClaim(Claim("", kind, metric, label, value, unit, yuan, period, scope, base, direction, 0, start, end, "",
                          explanation), s0, s1)


@dataclass
class ParagraphState:
    """What carries over from one paragraph to the next in a section."""

    section: str | None = None
    enum_total: str | None = None
    heading_metric: str | None = None
    func_context: list[str] = field(default_factory=list)


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


def _delimited_start(text: str, end: int, floor: int, delims: str = CLAUSE_DELIMS) -> int:
    """Start of the clause (or, with SEGMENT_DELIMS, the segment) that ends at ``end``."""
    i = end - 1
    while i >= floor:
        if text[i] in delims:
            return i + 1
        i -= 1
    return floor


def _period(region: str) -> str:
    if "年初预算" in region or "年初安排" in region:
        return "initial_budget"
    if "全年预算" in region or "调整预算" in region or "调整后预算" in region:
        return "adjusted_budget"
    if "预算" in region and "决算" not in region:
        return "budget"
    return "current"


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

    # -- metric resolution -------------------------------------------------
    def _metric_of(self, text: str, hits: list[AliasHit], lo: int, hi: int, ctx: list[str]) -> tuple[str, str] | None:
        """The nearest alias ending in [lo, hi], strong before weak; a printed code wins."""
        best = None
        weak = None
        for h in hits:
            if h.end > lo and h.end <= hi:
                if h.weak:
                    if weak is None or (h.end, h.end - h.start) >= (weak.end, weak.end - weak.start):
                        weak = h
                elif best is None or (h.end, h.end - h.start) >= (best.end, best.end - best.start):
                    best = h
        h = best or weak
        if h is None:
            return None
        m = CODE_BEFORE.search(text, lo, h.start)
        if m:
            code = m.group(1)
            mid = self.lex.by_code("func", code) or (self.lex.by_code("econ", code) if code.startswith("3") else None)
            if mid:
                return mid, h.text
        return self.lex.resolve(h.text, ctx), h.text

    def _count_metric(self, region: str, unit: str) -> tuple[str, str] | None:
        s = region.rstrip().replace(" ", "")
        for tail in (unit, "人次" if unit == "人" else None, "数", "人员", ""):
            if tail is None:
                continue
            full = s + tail
            for k in range(max(0, len(full) - 20), len(full) - 1):
                ids = self.lex.by_alias.get(full[k:])
                if ids and self.lex.metrics[ids[0]].unit_kind == "count":
                    return ids[0], s[k:] if k < len(s) else s
        return None

    # -- the paragraph -----------------------------------------------------
    def extract(self, raw_text: str, state: ParagraphState) -> list[RawClaim]:
        text = normalize(raw_text)
        self._raw = raw_text
        out: list[RawClaim] = []
        hits = self.lex.find(text) if any(ch.isdigit() for ch in text) or STATEMENT_HINT.search(text) else []
        for h in hits:
            if h.metric.startswith("func:") and h.metric not in state.func_context:
                state.func_context.append(self.lex.resolve(h.text, state.func_context))
        para_topic: str | None = None
        pos = 0
        n = len(text)
        while pos < n:
            m = SENTENCE_END.search(text, pos)
            s_end = m.end() if m else n
            s_start = pos
            pos = s_end
            sent = text[s_start:s_end]
            has_digit = any(ch.isdigit() for ch in sent)
            if not has_digit and not STATEMENT_HINT.search(sent) and not (
                    self.p.chinese_number is not None and self.p.chinese_number.search(sent)):
                continue
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
        sent_hits = [h for h in hits if h.start >= s0 and h.end <= s1]
        sent_topic = None

        def previous_metric(at: int, within_segment: bool) -> tuple[str, str] | None:
            floor = _delimited_start(text, at, s0, SEGMENT_DELIMS) if within_segment else s0
            best = None
            for c in found:
                if c.metric and floor <= c.start < at and (best is None or c.start > best.start):
                    best = c
            return (best.metric, best.label) if best else None

        def fallback(at: int, kind: str) -> tuple[str, str] | None:
            r = previous_metric(at, True)
            if r:
                return r
            seg0 = _delimited_start(text, at, s0, SEGMENT_DELIMS)
            r = self._metric_of(text, hits, seg0, _delimited_start(text, at, s0), ctx)
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

        # numbers with units
        matches = list(p.number.finditer(text, s0, s1))
        if p.chinese_number is not None:
            matches += list(p.chinese_number.finditer(text, s0, s1))
            matches.sort(key=lambda m: m.start())
        for m in matches:
            num_s = m.start("num")
            unit = m.group("unit")
            spec = p.units[unit]
            utype = spec["type"]
            before = text[max(s0, num_s - 40):num_s]
            after = text[m.end():min(s1, m.end() + 12)]
            if any((e.before is not None and e.before.search(before)) or (e.after is not None and e.after.search(after))
                   for e in p.exclusions):
                continue
            raw_num = m.group("num")
            if raw_num[0] in "零〇一二两三四五六七八九十百千":
                value: float | int | None = chinese_to_int(raw_num)
                if value is None:
                    continue
            else:
                t = raw_num.replace(",", "").replace("，", "")
                value = float(t) if "." in t else int(t)
            c0 = _delimited_start(text, num_s, s0)
            clause = text[c0:num_s]
            cue = None
            cm = None
            for c in p.cues:
                if utype not in c.units:
                    continue
                if c.before is None:
                    cue = c
                    break
                cm = c.before.search(clause)
                if cm:
                    cue = c
                    break
            if cue is None:
                continue  # a percentage with no cue: a target or a slogan, not a claim
            kind = cue.kind
            region_end = c0 + (cm.start("cue") if cm is not None and cue.before is not None else len(clause))
            if kind == "count":
                res = self._count_metric(text[c0:region_end], unit) or self._metric_of(text, hits, c0, region_end, ctx)
            else:
                res = self._metric_of(text, hits, c0, region_end, ctx)
            if res is None:
                res = fallback(num_s, kind)
            metric, label = res if res else (None, text[c0:region_end].strip())
            if metric and kind == "count":
                metric = self.lex.sibling(metric, unit)
            if not label:
                label = text[c0:region_end].strip()
            if isinstance(value, (int, float)) and cue.sign < 0:
                value = -value
            yuan = None
            if utype == "money":
                yuan = round(float(value) * float(spec["yuan"]), 6)
            period = _period(text[c0:region_end]) if kind in ("amount", "count") else "current"
            base = None
            if kind == "share":
                bs, be = cm.span("base")
                bres = self._metric_of(text, hits, c0 + bs, c0 + be, ctx) if be > bs else None
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
            found.append(_raw(kind, metric, label, value, self._raw[m.start("unit"):m.end("unit")], yuan, period,
                                  _scope(text[s0:num_s]), base, direction, num_s, m.end(), s0, s1,
                                  f"{cue.name}: {cue.explanation}"))
            if sent_topic is None:
                sent_topic = metric
        # statements: comparisons, zero changes, zero amounts (after the figures, which name their metrics)
        for st_name in ("comparison", "flat", "zero_amount", "zero_count"):
            st = p.statements.get(st_name)
            if st is None:
                continue
            for m in st.pattern.finditer(text, s0, s1):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                c0 = _delimited_start(text, m.start(), s0)
                if st_name == "comparison":
                    d = m.group("dir")
                    res = self._metric_of(text, hits, s0, m.start(), ctx) or fallback(m.start(), "comparison")
                    metric, label = res if res else (None, "")
                    found.append(_raw("comparison", metric, text[c0:m.end()].strip(), None, None, None,
                                          "current", _scope(text[s0:m.start()]), metric, st.directions.get(d, d),
                                          m.start(), m.end(), s0, s1, f"{st.name}: {st.explanation}"))
                elif st_name == "flat":
                    res = self._metric_of(text, hits, c0, m.end(), ctx) or fallback(m.start(), "change")
                    metric, label = res if res else (None, "")
                    found.append(_raw("change", metric, label or m.group(), 0, None, None, "current",
                                          _scope(text[s0:m.start()]), None, "flat", m.start(), m.end(), s0, s1,
                                          f"{st.name}: {st.explanation}"))
                else:
                    what_s, what_e = m.span("what")
                    parts = [(what_s, what_e)]
                    if st_name == "zero_count":
                        parts = []
                        k = what_s
                        for sep in p.list_separators.finditer(text, what_s, what_e):
                            parts.append((k, sep.start()))
                            k = sep.end()
                        parts.append((k, what_e))
                    for a, b in parts:
                        if b - a < 2:
                            continue
                        res = self._metric_of(text, hits, a, b, ctx)
                        if res is None and "此项" in text[a:b]:
                            res = (state.heading_metric, "") if state.heading_metric else None
                        metric = res[0] if res else None
                        found.append(_raw(st.kind, metric, text[a:b].strip(), 0, None, None, "current",
                                              _scope(text[s0:a]), None, None, a, b, s0, s1,
                                              f"{st.name}: {st.explanation}"))

        found.sort(key=lambda c: c.start)
        return found
