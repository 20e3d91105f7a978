"""Numeric claims in the prose of a disclosure (issue 4).

``extract_claims(doc)`` reads every paragraph of a :class:`~extraction.model.Document`
and returns the figures its prose states — amounts, shares, changes, growth
rates, budget completion, rates, counts and 决算/预算 comparisons — each with
its metric (an id of the lexicon in ``extraction/data/metrics.yaml``), the
words the report used, its page and character offsets into that page's text,
the sentence, and which pattern matched.

The patterns are data (``extraction/data/claim_patterns.yaml``); the spaCy
pipeline of :mod:`extraction.claims.nlp` wraps the same recognisers as a
component for callers that work with spaCy ``Doc`` objects.
"""

from __future__ import annotations

import heapq
import logging
import re
from bisect import bisect_right
from functools import lru_cache

from extraction.claims.claim import JSON_FIELDS, KINDS, Claim, make_claim
from extraction.claims.core import DIGIT, ParagraphExtractor, ParagraphState, RawClaim
from extraction.claims.items import ItemContext, apply_items, item_heads
from extraction.claims.lexicon import load_lexicon
from extraction.claims.patterns import load_patterns
from extraction.limits import MAX_DOCUMENT_CLAIMS, MAX_PARAGRAPH_CLAIMS
from extraction.model import Document, Paragraph, TextPiece

log = logging.getLogger("extraction")

_extractor: ParagraphExtractor | None = None


def get_extractor() -> ParagraphExtractor:
    """The paragraph extractor with the patterns and lexicon loaded (once)."""
    global _extractor
    if _extractor is None:
        _extractor = ParagraphExtractor(load_patterns(), load_lexicon())
    return _extractor


def _locate_in_order(pieces, starts: list[int], offset: int) -> tuple[int, int]:
    """``Paragraph.locate`` when the pieces stand in order of their starts (``starts``): the last piece
    starting at or before the offset (the first when none does) is found by bisection."""
    i = bisect_right(starts, offset) - 1
    p = pieces[i] if i > 0 else pieces[0]
    return p.page, min(p.start + (offset - p.para_start), p.end)


def _sentence_text(para: Paragraph, doc: Document, s0: int, s1: int,
                   starts: list[int] | None = None) -> tuple[str, int, int, int, int]:
    """The sentence as it stands on the page (with its line breaks), or the paragraph slice, and its
    span: (text, first page, offset there, last page, end offset there).

    ``starts`` are the pieces' paragraph starts when they are in order (or None)."""
    pieces = para.pieces
    if para.cell is not None and len(pieces) > 1:
        return _slice_span(para, s0, s1, starts)  # a PDF cell's lines stand among other cells' words
    if len(pieces) == 1:  # Paragraph.locate of a one-piece paragraph, without the walk
        p = pieces[0]
        page0 = page1 = p.page
        a = min(p.start + (s0 - p.para_start), p.end)
        b = min(p.start + (max(s0, s1 - 1) - p.para_start), p.end)
    elif starts is not None:
        page0, a = _locate_in_order(pieces, starts, s0)
        page1, b = _locate_in_order(pieces, starts, max(s0, s1 - 1))
    else:
        page0, a = para.locate(s0)
        page1, b = para.locate(max(s0, s1 - 1))
    if page0 == page1 and 0 < page0 <= len(doc.pages):
        raw = doc.pages[page0 - 1].text[a:b + 1]
        text = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        return text, page0, a + lead, page0, a + lead + len(text)
    return _slice_span(para, s0, s1, starts)


def _slice_span(para: Paragraph, s0: int, s1: int, starts: list[int] | None) -> tuple[str, int, int, int, int]:
    """The paragraph's slice [s0, s1) stripped, with where its ends stand (as ``Paragraph.locate``)."""
    raw = para.text[s0:s1]
    text = raw.strip()
    a = s0 + len(raw) - len(raw.lstrip())
    b = a + len(text)
    if starts is not None:
        page0, x = _locate_in_order(para.pieces, starts, a)
        page1, y = _locate_in_order(para.pieces, starts, max(a, b - 1))
    else:
        page0, x = para.locate(a)
        page1, y = para.locate(max(a, b - 1))
    return text, page0, x, page1, y + 1


def _span_on(para: Paragraph, page: int, span: tuple[str, int, int, int, int]) -> tuple[int, int]:
    """The sentence's span on ``page`` (the figure's): cut where the paragraph leaves or enters the page."""
    _, page0, a, page1, b = span
    if page0 != page:
        a = min((p.start for p in para.pieces if p.page == page), default=a)
    if page1 != page:
        b = max((p.end for p in para.pieces if p.page == page), default=b)
    return a, b


@lru_cache(maxsize=4096)
def _narrative_title(title: str) -> bool:
    """Whether a heading names a section of narrative (reports repeat their headings, so it is kept)."""
    return load_patterns().narrative_sections.search(title) is not None


def _is_narrative(sections: dict, section_id: str | None) -> bool:
    """Whether the section (or a parent) tells of the department's work rather than its accounts."""
    if load_patterns().narrative_sections is None:
        return False
    sid = section_id
    while sid:
        s = sections.get(sid)
        if s is None:
            break
        if _narrative_title(s.title):
            return True
        sid = s.parent
    return False


def _title_paragraph(doc: Document, section, any_title: bool = False) -> Paragraph | None:
    """A heading that states a figure ("(二)办案股(编制2名)") as a one-line paragraph, when it can be
    placed (``any_title``: a heading with no figure of its own, which a figure continues)."""
    # (concurrent=False by position: see core.py)
    if not (any_title or DIGIT.search(section.title, None, None, False)) or not 0 < section.page <= len(doc.pages):
        return None
    page_text = doc.pages[section.page - 1].text
    start = section.start
    if page_text[start:start + len(section.title)] != section.title:
        start = page_text.find(section.title)
        if start < 0:
            return None
    return Paragraph(f"{section.id}-title", section.title, section.parent,
                     (TextPiece(0, section.page, start, start + len(section.title)),))


@lru_cache(maxsize=4096)
def _title_metric(title: str) -> str | None:
    """The metric the last strong name of a heading names; reports repeat their headings, so it is kept."""
    lex = load_lexicon()
    hits = [h for h in lex.find(title) if not h.weak]
    return lex.resolve(hits[-1].text, []) if hits else None


def _heading_metric(sections: dict, section_id: str | None, cache: dict) -> str | None:
    if section_id in cache:
        return cache[section_id]
    metric = None
    sid = section_id
    while sid and metric is None:
        s = sections.get(sid)
        if s is None:
            break
        metric = _title_metric(s.title)
        sid = s.parent
    cache[section_id] = metric
    return metric


def paragraph_claims(para: Paragraph, state: ParagraphState | None = None) -> list[RawClaim]:
    """Claims of one paragraph in paragraph coordinates (for tests and callers without a Document)."""
    ex = get_extractor()
    state = state or ParagraphState()
    return apply_items(para.text, ex.extract(para.text, state), state, ex.p.items, None)


def _reading_order(doc: Document) -> list[Paragraph]:
    """The paragraphs, with the headings that state a figure placed before their section's first paragraph."""
    titles = {}
    for s in doc.sections:
        tp = _title_paragraph(doc, s)
        if tp is not None:
            titles[s.id] = tp
    if not titles:
        return list(doc.paragraphs)
    out: list[Paragraph] = []
    placed = set()
    sections = {s.id: s for s in doc.sections}
    # the titled sections not placed yet, in the order of ``titles``, with where their titles stand
    unplaced = {sid: (tp.pieces[0].page, tp.pieces[0].start) for sid, tp in titles.items()}
    # the same by place, to pop the titles reached without a pass over all of them per paragraph (a
    # title placed meanwhile is passed over when popped); the index keeps ``unplaced``'s order
    by_place = [(t_at, i, sid) for i, (sid, t_at) in enumerate(unplaced.items())]
    heapq.heapify(by_place)
    for para in doc.paragraphs:
        # every titled section opened up to here (this paragraph's section and its parents) comes first
        chain, sid = [], para.section
        while sid and sid not in placed:
            chain.append(sid)
            sid = sections[sid].parent if sid in sections else None
        for sid in reversed(chain):
            placed.add(sid)
            unplaced.pop(sid, None)
        # (a titled section is in ``unplaced`` exactly when it is not in ``placed``)
        at = (para.page, para.start)
        reached = []
        while by_place and by_place[0][0] <= at:
            _, i, sid = heapq.heappop(by_place)
            if sid in unplaced:
                reached.append((i, sid))
        pending = [sid for _, sid in sorted(reached)]
        for sid in pending:
            placed.add(sid)
            del unplaced[sid]
        if pending or chain:
            for sid in sorted(pending + list(reversed(chain)), key=lambda x: (sections[x].page, sections[x].start)):
                if sid in titles:
                    out.append(titles[sid])
        out.append(para)
    out.extend(titles[sid] for sid in titles if sid not in placed)
    return out


# a paragraph that continues the figure of the one before: its number (with its unit, or the unit
# in the next piece), or the unit, percent sign or punctuation after a number ("万元，占", "%；")
_CONTINUES_FIGURE = re.compile(r"\s*(?:[+-]?\d[\d,，.]*\s*(?:$|亿元|万元|万|元|%|％|个百分点)|亿元|万元|元|%|％|个百分点|[，,。；;])")
# a figure with its money unit opening a paragraph (not a year: "2024年，…")
_OPENS_WITH_AMOUNT = re.compile(r"\s*[+-]?\d[\d,，.]*\s*(?:亿元|万元|元)")
_ENDS_CLAUSE = ("。", "！", "？", "!", "?", "；", ";", "：", ":")


def _joined(doc: Document, order: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs with a figure broken from its name by a line the reader took for a paragraph's
    end put back together: "省检察院本年支出预算合计" / "17996.68 万元，其中：" / "基本支出" /
    "12323.48 万元，占" / "68.48 %；" (PDFs that set each figure on a line of its own), and a
    heading that is the start of a sentence ("（一）收入预算总计" / "17996.68 万元。包括："), for claim
    extraction only (the Document keeps its paragraphs)."""
    out: list[Paragraph] = []
    sections = None
    for para in order:
        prev = out[-1] if out else None
        if para.cell is None and prev is not None and prev.cell is None \
                and not prev.text.rstrip().endswith(_ENDS_CLAUSE) \
                and (prev.section == para.section or prev.id == f"{para.section}-title") \
                and _CONTINUES_FIGURE.match(para.text):
            out[-1] = _join(prev, para)
            continue
        if para.cell is None and para.section and (prev is None or prev.section != para.section) \
                and _OPENS_WITH_AMOUNT.match(para.text):
            if sections is None:
                sections = {sc.id: sc for sc in doc.sections}
            sec = sections.get(para.section)
            title = _title_paragraph(doc, sec, any_title=True) if sec is not None else None
            if title is not None and title.page == para.page and title.pieces[-1].end <= para.start \
                    and not title.text.rstrip().endswith(_ENDS_CLAUSE) \
                    and not doc.pages[para.page - 1].text[title.pieces[-1].end:para.start].strip():
                out.append(_join(title, para))
                continue
        out.append(para)
    return out


def _join(a: Paragraph, b: Paragraph) -> Paragraph:
    n = len(a.text)
    pieces = a.pieces + tuple(TextPiece(p.para_start + n, p.page, p.start, p.end) for p in b.pieces)
    return Paragraph(a.id, a.text + b.text, b.section, pieces)


def extract_claims(doc: Document, notes: list[str] | None = None) -> list[Claim]:
    """Every numeric claim of the document's prose, in document order, ids c1, c2, …

    At most ``MAX_PARAGRAPH_CLAIMS`` per paragraph and ``MAX_DOCUMENT_CLAIMS`` in all; a cut is
    said in ``notes``."""
    ex = get_extractor()
    out: list[Claim] = []
    cut_paragraphs = 0  # paragraphs whose figures past MAX_PARAGRAPH_CLAIMS were not read
    year = doc.meta.year if doc.meta is not None else None
    state = ParagraphState(year=year)
    heading_cache: dict = {}
    items = ItemContext(doc)
    narrative: dict[str | None, bool] = {}
    after_cell = False  # the state is a table cell's (see below), not the section's
    # the sections by id, made once per document for the walks up to a section's parents
    sections = {s.id: s for s in doc.sections}
    # a section's own title (the first section of an id, should two share one)
    titles: dict[str, str] = {}
    for s in doc.sections:
        titles.setdefault(s.id, s.title)
    for para in _joined(doc, _reading_order(doc)):
        if para.section not in narrative:
            narrative[para.section] = _is_narrative(sections, para.section)
        if narrative[para.section]:
            continue
        if para.cell is not None:
            # a table cell is read on its own: its row's heading stands for the section's heading
            label = para.cell.label
            if label and _narrative_title(label):
                continue
            state = ParagraphState(section=para.section, func_context=[], year=year)
            state.heading_metric = (_title_metric(label) if label else None) or \
                _heading_metric(sections, para.section, heading_cache)
            state.heading_title = label or titles.get(para.section)
            after_cell = True
        elif para.section != state.section or after_cell:
            after_cell = False
            state = ParagraphState(section=para.section, func_context=state.func_context[-3:], year=year)
            state.heading_metric = _heading_metric(sections, para.section, heading_cache)
            state.heading_title = titles.get(para.section)
        try:
            raws = apply_items(para.text, ex.extract(para.text, state), state, ex.p.items, items)
        except MemoryError:  # over the memory budget: the whole document is too complex
            raise
        except Exception as e:  # a pattern bug must not stop the document
            log.warning("claim extraction failed on %s %s: %s", doc.path, para.id, e)
            continue
        if not raws:
            continue
        if len(raws) > MAX_PARAGRAPH_CLAIMS:
            cut_paragraphs += 1
            del raws[MAX_PARAGRAPH_CLAIMS:]
        if len(out) + len(raws) > MAX_DOCUMENT_CLAIMS:
            del raws[MAX_DOCUMENT_CLAIMS - len(out):]
            _add_claim_notes(notes, cut_paragraphs, para)
            cut_paragraphs = -1
        sentences: dict[tuple[int, int], tuple[str, int, int, int, int]] = {}
        pieces = para.pieces
        # Paragraph.locate takes the last piece starting at or before the offset (the first piece
        # when none does): the one piece of a one-piece paragraph, and with the pieces in order of
        # their starts, a bisection
        one = pieces[0] if len(pieces) == 1 else None
        ordered = None  # the pieces' starts, when they are in order
        if one is not None:
            page, shift, p_end = one.page, one.start - one.para_start, one.end
        else:
            starts = [p.para_start for p in pieces]
            in_order = all(a <= b for a, b in zip(starts, starts[1:]))
            if in_order:
                ordered = starts
        for r in raws:
            r_start = r.start
            last = max(r_start, r.end - 1)
            if one is not None:
                start = min(r_start + shift, p_end)
                end = min(last + shift, p_end)
            elif in_order:
                i = bisect_right(starts, r_start) - 1
                p = pieces[i] if i > 0 else pieces[0]
                page = p.page
                start = min(p.start + (r_start - p.para_start), p.end)
                i = bisect_right(starts, last) - 1
                p = pieces[i] if i > 0 else pieces[0]
                end = min(p.start + (last - p.para_start), p.end)
            else:
                page, start = para.locate(r_start)
                _, end = para.locate(last)
            key = (r.sent_start, r.sent_end)
            span = sentences.get(key)
            if span is None:
                span = sentences[key] = _sentence_text(para, doc, r.sent_start, r.sent_end, ordered)
            if span[1] == page == span[3]:
                s_start, s_end = span[2], span[4]
            else:
                s_start, s_end = _span_on(para, page, span)
            out.append(make_claim(f"c{len(out) + 1}", *r[:10], page, start, end + 1, span[0], r.explanation,
                                  s_start, s_end))
        if cut_paragraphs < 0:
            break  # MAX_DOCUMENT_CLAIMS reached
    else:
        _add_claim_notes(notes, cut_paragraphs, None)
    return out


def reads_tables(doc: Document) -> bool:
    """Whether :func:`extract_claims` of ``doc`` may read its tables: their classification lines are
    read only for an item statement's head that names an item (items.item_heads), in a paragraph as
    extraction joins them.  When it is False, the document's claims are those of its prose alone,
    whatever tables it holds (a report split over two files: its text's claims, crossfoot.sets.combine_split)."""
    ip = get_extractor().p.items
    for para in _joined(doc, _reading_order(doc)):
        got = item_heads(para.text, ip)
        if got is not None and any(h.item for h in got[1]):
            return True
    return False


def _add_claim_notes(notes: list[str] | None, cut_paragraphs: int, stopped_at: Paragraph | None) -> None:
    if notes is None:
        return
    if cut_paragraphs > 0:
        notes.append(f"{cut_paragraphs} paragraph(s) with more than {MAX_PARAGRAPH_CLAIMS} figures: the figures "
                     f"after the first {MAX_PARAGRAPH_CLAIMS} are not read (MAX_PARAGRAPH_CLAIMS)")
    if stopped_at is not None:
        notes.append(f"more than {MAX_DOCUMENT_CLAIMS} figures in the prose: the reading of claims stopped in "
                     f"paragraph {stopped_at.id} on page {stopped_at.page} (MAX_DOCUMENT_CLAIMS)")


__all__ = ["Claim", "extract_claims", "paragraph_claims", "reads_tables", "KINDS", "JSON_FIELDS"]
