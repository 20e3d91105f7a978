"""A table caption, a report heading or a year-on-year comparison names the wrong fiscal year.

Anti-pattern: in a 2020 final account, the caption of 公开05表 reads "2019年度", the heading
reads "第二部分 新平县信访局 2019 年度部门决算表", or the prose says "支出比2018年增加12.00万元"
(a 2020 final account compares with 2019).

Best practice: every caption and heading names 2020, and comparisons say "比上年" or
"与2019年相比".  Other years in ordinary prose (机构改革 in 2019, dates such as
2020年12月31日) are not checked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from operator import attrgetter

from extraction.model import Document, Paragraph, Table
from extraction.tables import squash
from rules.base import Evidence, Finding, Rule, RuleContext

# ------------------------------------------------------------------ shared text helpers
# (used by the other CF6xx/CF8xx rules)


def page_lines(doc: Document, page_no: int) -> tuple[tuple[int, int, str], ...]:
    """(start, end, text) of every line of a page, offsets into ``Page.text``.

    The shared split of the page (read-only: several rules read every page's lines)."""
    if not 1 <= page_no <= len(doc.pages):
        return ()
    return _lines_of(doc.pages[page_no - 1].text)


def lines_with(doc: Document, page_no: int, *needles: str) -> Iterator[tuple[int, int, int, str]]:
    """(index, start, end, text) of the lines of ``page_lines(doc, page_no)`` that hold one of
    the needles (none of which holds a line break), in order.

    Found by searching the page text: most lines hold none of the words a rule looks for, and
    this spares it a loop over every line of every page.
    """
    if not 1 <= page_no <= len(doc.pages):
        return
    text = doc.pages[page_no - 1].text
    pos = index = 0
    while True:
        hits = [i for i in (text.find(n, pos) for n in needles) if i >= 0]
        if not hits:
            return
        start = text.rfind("\n", 0, min(hits)) + 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        index += text.count("\n", pos, start)
        yield index, start, end, text[start:end]
        pos = end  # the next search starts at this line's break: the count above sees it


@functools.lru_cache(maxsize=256)
def _lines_of(text: str) -> tuple[tuple[int, int, str], ...]:
    return _split(text, 0, len(text))


def _split(text: str, start: int, end: int) -> tuple[tuple[int, int, str], ...]:
    """(start, end, text) of the lines of ``text[start:end]``, offsets into ``text``; ``start``
    must begin a line and ``end`` end one."""
    out = []
    pos = start
    for line in text[start:end].split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return tuple(out)


# The caption search reads at most 44 lines above the line of a table's first cell (the title
# up to 41 lines above it, and three more above the title): a few more are split for a margin.
_CAPTION_REACH = 48


def _lines_up_to(text: str, offset: int) -> tuple[tuple[int, int, str], ...]:
    """The lines of the page text from ``_CAPTION_REACH`` lines above the line holding ``offset``
    (or the page's first line) through that line (through the last line when the offset is past
    the text): the same (start, end, text) entries as ``page_lines``, without splitting the rest
    of the page."""
    end = text.find("\n", offset) if offset <= len(text) else -1
    end = len(text) if end < 0 else end
    start = text.rfind("\n", 0, end) + 1
    for _ in range(_CAPTION_REACH):
        if start == 0:
            break
        start = text.rfind("\n", 0, start - 1) + 1
    return _split(text, start, end)


def _table_anchor(table: Table) -> int | None:
    """Offset of the first figure/name cell of a table on its first page."""
    first = table.pages[0] if table.pages else None
    # (page, start) of every cell of the rows on that page, read without a Python step per cell
    rows = table.rows
    if list(map(_PAGE, rows)).count(first) == len(rows):  # a table on one page: every row is read
        cells = list(filter(None, chain.from_iterable(map(_CELLS, rows))))
    else:
        cells = list(filter(None, chain.from_iterable([r.cells for r in rows if r.page == first])))
    starts = list(map(_START, cells))
    try:
        low = min(starts) if starts else None  # two or more starts and one of them None: TypeError
    except TypeError:
        low = None
    if low is not None and list(map(_PAGE, cells)).count(first) == len(cells):
        # every cell on that page with a start (the usual table): the filter below keeps them all
        return low
    starts = [s for p, s in map(_PAGE_START, cells) if s is not None and p == first]
    return min(starts) if starts else None


_PAGE_START = attrgetter("page", "start")
_PAGE = attrgetter("page")
_START = attrgetter("start")
_CELLS = attrgetter("cells")


def caption_lines(ctx: RuleContext, table: Table) -> list[tuple[int, int, int, str]]:
    """The lines printed around a table's title: (page, start, end, text).

    The title line is searched backwards from the table's first cell (or on the whole page when
    the table has no cells); the caption is that line, up to three lines above and four below
    (never past the first cell).  Without a title, the eight lines above the first cell.

    Found once per table of a run (CF601, CF602 and CF801 read every caption; the list is
    shared: callers only read it).
    """
    return ctx.per_object("caption_lines", table, _caption_lines)


def _caption_lines(ctx: RuleContext, table: Table) -> list[tuple[int, int, int, str]]:
    doc = ctx.doc
    if not table.pages:
        return []
    page = table.pages[0]
    anchor = _table_anchor(table)
    if anchor is None or not 1 <= page <= len(doc.pages):
        lines = page_lines(doc, page)  # the title may be anywhere on the page
    else:
        # the lines the search can reach, and none below the first cell's: with the first of
        # them as line 0 the search below finds the same lines (it never reaches line 0 unless
        # that is the page's first line)
        lines = _lines_up_to(doc.pages[page - 1].text, anchor)
    limit = len(lines) if anchor is None else next((i for i, (s, e, _t) in enumerate(lines) if e >= anchor), len(lines))
    title = squash(table.title)
    ti = None
    if len(title) >= 3:
        first, last = title[0], title[-1]
        for i in range(min(limit, len(lines) - 1), -1, -1):
            raw = lines[i][2]
            # the line holds the title (so its first character), or is a tail of it (so ends
            # with its last): only such lines are squashed and compared
            if first in raw or raw.rstrip()[-1:] == last:
                line = squash(raw)
                if title in line or (len(line) >= 4 and line in title and title.endswith(line)):
                    ti = i
                    break
            if anchor is not None and limit - i > 40:
                break
    if ti is not None:
        lo, hi = max(0, ti - 3), min(limit, ti + 5)
    elif anchor is not None:
        lo, hi = max(0, limit - 8), limit
    else:
        return []
    return [(page, s, e, t) for s, e, t in lines[lo:hi] if t.strip()]


_TOC_TITLE = re.compile(r"目\s*录")
_TOC_LEADER = re.compile(r"[\.…·。\s]{3,}\s*\d*\s*$|\s\d{1,3}$")


def toc_span(doc: Document) -> tuple[int, int, int] | None:
    """(page, start, end) of the table of contents on its page, or None."""
    for s in doc.sections:
        if _TOC_TITLE.fullmatch(s.title.strip()):
            lines = page_lines(doc, s.page)
            end = None
            seen: set[str] = set()
            for st, en, t in lines:
                if st <= s.start:
                    continue
                key = squash(_TOC_LEADER.sub("", t))
                if not key:
                    continue
                if key in seen or len(t.strip()) > 60:
                    end = st
                    break
                seen.add(key)
                end = en
            return s.page, s.start, end or s.start
    return None


def prose_spans(doc: Document) -> dict[int, list[tuple[int, int]]]:
    """Page -> (start, end) of every paragraph piece and heading: text already read as prose."""
    out: dict[int, list[tuple[int, int]]] = {}
    for p in doc.paragraphs:
        for piece in p.pieces:
            out.setdefault(piece.page, []).append((piece.start, piece.end))
    for sec in doc.sections:
        out.setdefault(sec.page, []).append((sec.start, sec.start + len(sec.title)))
    return out


def in_spans(spans: dict[int, list[tuple[int, int]]], page: int, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans.get(page, ()))


_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")


@functools.lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[tuple[int, str], ...]:
    return tuple((m.start(), m.group(0)) for m in _SENTENCE.finditer(text))


def sentences(p: Paragraph) -> Iterator[tuple[int, str]]:
    """(offset in paragraph, sentence) split after 。；; and line-ending marks.

    Split once per paragraph text (CF601 and CF602 read every paragraph's sentences)."""
    return iter(_sentences(p.text))


def prose_evidence(p: Paragraph, start: int, end: int, text: str | None = None) -> Evidence:
    page, s = p.locate(start)
    _, e = p.locate(end)
    return Evidence(source="prose", page=page, text=text if text is not None else p.text[start:end], start=s, end=e)


# ------------------------------------------------------------------ the rule

_YEAR = re.compile(r"(20\d\d)\s*年(?!\s*\d{1,2}\s*月)")
_YEAR_LINE = re.compile(r"^\s*(20\d\d)\s*年\s*度?\s*$")
_HEADING_YEAR = re.compile(r"(20\d\d)\s*年\s*度?\s*(?:部门|单位)?\s*(决算|预算)\s*(?:表|公开|情况|报告|$)")
_CMP_BI = re.compile(r"(?:比|较)\s*(20\d\d)\s*年\s*度?(?:决算数?|同期|度)?")
_CMP_YU = re.compile(r"(?:与|同|和)\s*(20\d\d)\s*年\s*度?(?:决算数?|同期|度)?\s*(?:相比|比较|对比|持平|相较)")
_CHANGE_WORD = re.compile(r"增加|减少|增长|下降|持平|上升|降低|提高|减|增|多|少")
_AMOUNT = re.compile(r"\d[\d,，.]*\s*(?:万元|亿元|元|%|％)")
_SKIP_KINDS = ("performance_project", "other")
_SELF_YEAR = re.compile(r"(20\d\d)\s*年\s*度\s*(?:部门|单位)\s*(决算|预算)")


class YearConsistency(Rule):
    __doc__ = __doc__
    code = "CF601"
    name = "metadata.year_consistency"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        year = doc.meta.year  # the reader already prefers the year most sentences open with
        if not year:
            return
        kind_word = {"final_account": "决算", "budget": "预算"}.get(doc.meta.kind or "")
        seen: set[tuple[int, int]] = set()
        # table titles and the lines of their captions
        for t in doc.tables:
            if t.kind in _SKIP_KINDS:
                continue
            for page, s, e, line in caption_lines(ctx, t):
                if (page, s) in seen:
                    continue
                sq = squash(line)
                m = _YEAR_LINE.match(line)
                if not m and ("表" in sq or (kind_word and kind_word in sq)) and len(sq) <= 60:
                    m = _YEAR.search(line)
                if m and int(m.group(1)) != year:
                    seen.add((page, s))
                    yield self._wrong_year(t.title or t.kind, "表头", "table caption", int(m.group(1)), year,
                                           Evidence("table", page, line.strip(), table=f"{t.id} {t.title or t.kind}",
                                                    start=s, end=e))
        # headings naming the report's year with the report's kind
        for sec in doc.sections:
            m = _HEADING_YEAR.search(sec.title)
            if not m or int(m.group(1)) == year or (kind_word and m.group(2) != kind_word):
                continue
            if (sec.page, sec.start) in seen:
                continue
            seen.add((sec.page, sec.start))
            yield self._wrong_year(sec.title, "标题", "heading", int(m.group(1)), year,
                                   Evidence("prose", sec.page, sec.title, start=sec.start, end=sec.start + len(sec.title)))
        # the report naming itself in prose: "纳入X局2019年度部门决算编制范围的单位"
        for p in doc.paragraphs:
            for m in _SELF_YEAR.finditer(p.text):
                if int(m.group(1)) == year or (kind_word and m.group(2) != kind_word):
                    continue
                ev = prose_evidence(p, m.start(), m.end(), p.text[max(0, m.start() - 20):m.end() + 10].strip())
                if (ev.page, ev.start) in seen:
                    continue
                seen.add((ev.page or 0, ev.start or 0))
                yield self._wrong_year(p.text[:40], "正文", "prose", int(m.group(1)), year, ev)
        if doc.meta.kind == "final_account":
            yield from self._comparisons(doc, year)

    def _wrong_year(self, where: str, where_zh: str, where_en: str, found: int, year: int, ev: Evidence) -> Finding:
        return self.finding(
            f"{where_zh}「{ev.text}」写的是 {found} 年，本报告为 {year} 年度",
            f"{where_en} '{where}' names {found}; the report is for {year}",
            expected=year, observed=found, evidence=[ev])

    def _comparisons(self, doc: Document, year: int) -> Iterator[Finding]:
        want = year - 1
        for p in doc.paragraphs:
            for off, sent in sentences(p):
                if "20" not in sent or not _AMOUNT.search(sent):
                    continue  # both comparisons name a year 20xx
                hits = []
                for m in _CMP_BI.finditer(sent):
                    if _CHANGE_WORD.search(sent[m.end():m.end() + 10]):
                        hits.append(m)
                hits.extend(_CMP_YU.finditer(sent))
                for m in hits:
                    got = int(m.group(1))
                    if got == want:
                        continue
                    # a sentence about another year ("2019年…比2018年…") compares that year
                    before = [int(y) for y in _YEAR.findall(sent[:m.start()])]
                    if before and before[-1] != year:
                        continue
                    ev = prose_evidence(p, off + m.start(), off + m.end(), sent.strip())
                    yield self.finding(
                        f"决算说明与 {got} 年比较：{year} 年度决算应与上年（{want} 年）比较",
                        f"the prose compares with {got}; a {year} final account compares with the previous year {want}",
                        expected=want, observed=got, evidence=[ev])


RULE = YearConsistency
