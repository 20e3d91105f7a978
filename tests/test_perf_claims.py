"""The claim extractor's fast paths give what the plain ones give.

Each fast path replaces a slower reading that stays in the code as the reference: the clause and
segment starts read off the paragraph's delimiter positions (``_after_last``) against the backward
search (``_delimited_start``), ``Claim.to_dict`` as a copy of the instance dict against the field
by field dict, the claims of a paragraph against the same paragraph's claims read one sentence at a
time with the slow helpers.
"""

from __future__ import annotations

import random
from dataclasses import fields

import pytest

from extraction.claims import extract_claims, get_extractor
from extraction.claims.claim import JSON_FIELDS, SPAN_FIELDS, Claim, make_claim
from extraction.claims.core import (CLAUSE_DELIMS, LIST_HEAD_DELIMS, SEGMENT_DELIMS, ParagraphState, RawClaim,
                                    _after_last, _delimited_start, _positions, _scope)
from extraction.model import Document, DocumentMeta, Page, Paragraph, TextPiece

ALPHABET = "，；：,;:、。！？（）含其中支出收入一般公共预算财政拨款0123456789.万元% \n"


def _texts(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 60))) for _ in range(n)]


def test_delimiter_positions_give_the_backward_search():
    """Inside a sentence [s0, s1), a start read off the paragraph's delimiter positions is the backward search's."""
    rnd = random.Random(5)
    for text in _texts(300):
        for delims in (CLAUSE_DELIMS, SEGMENT_DELIMS, LIST_HEAD_DELIMS):
            pos = _positions(text, delims)
            assert pos == [i for i in range(len(text)) if text[i] in delims]
            for _ in range(4):
                s0 = rnd.randint(0, len(text))
                s1 = rnd.randint(s0, len(text))
                for floor in range(s0, s1 + 1):
                    for end in range(floor, s1 + 1):
                        assert _after_last(pos, end, floor) == _delimited_start(text, end, floor, delims)


def test_scope_at_reads_the_prefix():
    """``scope_at`` in ``_sentence`` (first occurrence from the sentence start) against ``_scope`` of the slice."""
    for text in _texts(300, seed=11):
        for s0 in range(len(text) + 1):
            gb = text.find("一般公共预算", s0)
            fi = text.find("财政拨款", s0)
            for end in range(s0, len(text) + 1):
                fast = "general_budget" if gb >= 0 and gb + 6 <= end else "fiscal" if fi >= 0 and fi + 4 <= end else None
                assert fast == _scope(text[s0:end])


def _sample_claim_values():
    return [f"{f.name}-value" if f.type in ("str", "str | None") else i + 1 for i, f in enumerate(fields(Claim))]


@pytest.mark.parametrize("build", [lambda v: Claim(*v), lambda v: make_claim(*v),
                                   lambda v: Claim(**{f.name: x for f, x in reversed(list(zip(fields(Claim), v)))})])
def test_to_dict_is_the_fields_in_json_order(build):
    c = build(_sample_claim_values())
    d = c.to_dict()
    assert list(d) == [*JSON_FIELDS, "explanation", *SPAN_FIELDS]
    assert d == {**{k: getattr(c, k) for k in JSON_FIELDS}, "explanation": c.explanation,
                 **{k: getattr(c, k) for k in SPAN_FIELDS}}
    d["value"] = "changed"  # a copy: the claim is untouched
    assert c.value != "changed"


def test_raw_claim_fields_are_the_claims():
    """``raw[:10]`` are the Claim's fields after its id, and ``raw.claim`` the claim in paragraph coordinates."""
    names = [f.name for f in fields(Claim)]
    assert list(RawClaim._fields[:10]) == names[1:11]
    r = RawClaim("amount", "m", "l", 1.0, "万元", 10000.0, "current", None, None, None, 3, 9, 0, 12, "e: x")
    assert r.claim == Claim("", "amount", "m", "l", 1.0, "万元", 10000.0, "current", None, None, None, 0, 3, 9, "", "e: x")


PARAGRAPHS = [
    "2023年度收入合计233.67万元。",
    "2020年度支出合计180.88万元。其中：基本支出175.92万元，占97.26%；项目支出4.95万元，占2.74%。",
    "其中：财政拨款收入 180.88 万元，占总收入的 100.00%；上级补助收入 0.00 万元，占总收入的 0.00%。",
    "2023年机关运行经费支出13.19万元，比2022年减少0.64万元，下降4.63%，主要原因减少办公费。",
    "本部门共有车辆3辆，其中：公务用车2辆，账面原值45.60万元；处置车辆0辆，账面原值0.00万元。",
    "年末实有人员7人（含行政工勤编制 0 人），在职人员共计五人。",
    "一般公共预算财政拨款支出决算为120.5万元，完成年初预算的98.5%，决算数小于预算数。",
    "政府采购支出总额12.3万元，其中：政府采购货物支出3万元、工程支出4万元、服务支出5.3万元，分别为1、2、3项。",
    "本年度无政府性基金预算财政拨款收入和支出，与上年相同。",
    "单价100万元以上设备0台（套），处置房屋建筑物0.00平方米。",
]


def _doc(paras: list[tuple[str, tuple[TextPiece, ...]]]) -> Document:
    text = "\n".join(t for t, _ in paras)
    return Document("t.txt", "0", "text", DocumentMeta(None, None, None, None, 1), pages=(Page(1, text), Page(2, text)),
                    paragraphs=tuple(Paragraph(f"p{i}", t, None, pieces) for i, (t, pieces) in enumerate(paras)))


def test_piece_mapping_is_paragraph_locate():
    """extract_claims maps offsets as Paragraph.locate does: one piece (cut short too), two, three, pieces
    starting after the paragraph does, pieces out of order."""
    single, split, at = [], [], 0
    for i, t in enumerate(PARAGRAPHS):
        end = at + len(t) - (3 if i % 3 == 0 else 0)  # a piece shorter than its text is clamped to its end
        single.append((t, (TextPiece(0, 1, at, end),)))
        half = len(t) // 2
        split.append((t, (TextPiece(0, 1, at, at + half), TextPiece(half, 2, 5, 5 + len(t) - half))))
        at += len(t) + 1
    thirds, late, unordered = [], [], []
    for t, ((p,)) in single:
        k = len(t) // 3
        thirds.append((t, (TextPiece(0, 1, p.start, p.start + k), TextPiece(k, 2, 7, 7 + k),
                           TextPiece(2 * k, 1, p.start + 2 * k, p.end))))
        late.append((t, (TextPiece(4, 1, p.start, p.end), TextPiece(k + 4, 2, 0, len(t)))))  # offsets before the first
        unordered.append((t, (TextPiece(k, 2, 3, 3 + k), TextPiece(0, 1, p.start, p.end))))
    ex = get_extractor()
    for doc in (_doc(single), _doc(split), _doc(thirds), _doc(late), _doc(unordered)):
        got = [(c.kind, c.value, c.page, c.start, c.end, c.text) for c in extract_claims(doc)]
        expected = []
        for para in doc.paragraphs:
            for r in ex.extract(para.text, ParagraphState()):
                page, start = para.locate(r.start)
                _, end = para.locate(max(r.start, r.end - 1))
                page0, a = para.locate(r.sent_start)
                page1, b = para.locate(max(r.sent_start, r.sent_end - 1))
                sentence = (doc.pages[page0 - 1].text[a:b + 1] if page0 == page1 else para.text[r.sent_start:r.sent_end])
                expected.append((r.kind, r.value, page, start, end + 1, sentence.strip()))
        assert got and got == expected


def test_code_before_cannot_end_with_what_the_precheck_passes_over():
    """_metric_of skips the CODE_BEFORE search when the name follows a character it cannot end with."""
    import regex

    from extraction.claims.core import _cannot_end_code
    chars = [chr(c) for c in range(0x4E00, 0xA000)] + list("，。；：、（）“”")
    assert all(_cannot_end_code(ch) for ch in chars)
    digit_or_space = regex.compile(r"[\d\s]")
    assert not any(digit_or_space.match(ch) for ch in chars)
    assert not _cannot_end_code("1") and not _cannot_end_code(" ") and not _cannot_end_code("\n")


def test_whole_yuan_is_its_own_rounding():
    rnd = random.Random(3)
    for _ in range(20000):
        y = float(rnd.choice([rnd.randint(-10**12, 10**12), rnd.randint(0, 10**6) * 10000, rnd.randint(0, 99) * 1e8]))
        assert y.is_integer() and round(y, 6) == y and type(round(y, 6)) is float


def test_fit_kind_keeps_a_metric_of_the_unit_type():
    """The extractor keeps a metric whose unit kind is the claim's (or none) without calling _fit_kind, which agrees."""
    ex = get_extractor()
    for mid, m in ex.lex.metrics.items():
        assert ex._unit_kinds[mid] == m.unit_kind
        for utype in ("money", "count", "percent", "area", "points", "score"):
            if m.unit_kind is None or m.unit_kind == utype:
                for unit in ("万元", "人", "批次", "%"):
                    assert ex._fit_kind(mid, unit, utype) == mid


def test_lexicon_find_reports_what_the_zero_width_pattern_does():
    """The class-first alias pattern finds, at every position, the longest name the plain lookahead finds."""
    import re

    from extraction.claims.lexicon import WEAK_ALIASES, _trie_pattern, load_lexicon
    lex = load_lexicon()
    plain = re.compile(f"(?=({_trie_pattern(lex.by_alias)}))")
    names = sorted(lex.by_alias)
    rnd = random.Random(9)
    for _ in range(500):
        parts = []
        for _ in range(rnd.randint(0, 8)):
            name = rnd.choice(names)
            if rnd.random() < 0.3:
                name = name[: rnd.randint(1, len(name))]  # a name cut short
            parts.append(name)
            parts.append("".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 3))))
        text = "".join(parts)
        expected = [(m.start(), m.group(1)) for m in plain.finditer(text)]
        assert [(h.start, h.text) for h in lex.find(text)] == expected
        assert all(h.end == h.start + len(h.text) and h.metric == lex.by_alias[h.text][0]
                   and h.weak == (h.text in WEAK_ALIASES) for h in lex.find(text))


def test_attribute_end_class_is_the_set_test():
    """The character class of the attributes' last characters finds one in a region exactly when the set does."""
    ex = get_extractor()
    ends = {a[-1] for a in ex.p.attributes}
    assert ends and ex._attr_ends is not None
    rnd = random.Random(13)
    alphabet = ALPHABET + "".join(ends) + "".join(a for a in ex.p.attributes)
    for _ in range(3000):
        region = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        assert (ex._attr_ends.search(region) is not None) == (not ends.isdisjoint(region))
