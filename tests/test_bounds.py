"""Bounded work per document whatever the input (issue 18): the limits of extraction/limits.py cut
the reading with a note, the output stays bounded, and real reports are read as before."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from crossfoot.pipeline import check_document, iter_files
from extraction import limits
from extraction.assemble import split_long
from extraction.claims import extract_claims
from extraction.model import TextPiece
from extraction.reader import read_document, read_text
from rules.base import Evidence
from rules.engine import run_rules
from tests.conftest import DATA

REAL = sorted(iter_files([DATA / "seeds", DATA / "real"]))


def _figures_line(n: int, seed: int = 1) -> str:
    """A broken export's line: figures with no sentence end (the issue's 275 KB file, made small)."""
    r = random.Random(seed)
    return "".join(r.choice([f"{r.randrange(1000)}.{r.randrange(100)}亿", f".{r.randrange(100000)}元,",
                             f"{r.randrange(1000)}亿", f"{r.randrange(10000)}.{r.randrange(100):02d}万元", "收入",
                             "支出合计", f"增长{r.randrange(100)}%"]) for _ in range(n))


def _notes_naming(entry_or_doc, limit: str) -> list[str]:
    notes = entry_or_doc.get("notes", []) if isinstance(entry_or_doc, dict) else entry_or_doc.notes
    return [n for n in notes if limit in n]


# ---------------------------------------------------------------- real reports

@pytest.fixture(scope="module")
def real_docs():
    out = []
    for f in REAL:
        doc = read_document(f)
        if doc.ok:
            out.append((f, doc, extract_claims(doc, notes := []), notes))
    assert len(out) >= 25
    return out


def test_every_limit_stands_far_above_the_real_reports(real_docs):
    """The maxima measured on tests/data stay below a fifth of each limit, so no real report is cut."""
    import pymupdf

    para = max(len(p.text) for _, d, _, _ in real_docs for p in d.paragraphs)
    per_doc = max(len(cs) for _, _, cs, _ in real_docs)
    sentence = max(len(c.text) for _, _, cs, _ in real_docs for c in cs)
    cells = max(sum(len(r.cells) for r in t.rows) for _, d, _, _ in real_docs for t in d.tables)
    per_page = max(sum(p in t.pages for t in d.tables) for _, d, _, _ in real_docs for p in range(1, len(d.pages) + 1))
    chars = max(len(d.pages[0].text) for f, d, _, _ in real_docs if f.suffix != ".pdf")
    words = 0
    for f, _, _, _ in real_docs:
        if f.suffix == ".pdf":
            with pymupdf.open(f) as pdf:
                words = max(words, max(len(pg.get_text("words")) for pg in pdf))
    from rules.base import RuleContext
    from rules.prose import group_by_paragraph

    per_para = max(len(g) for _, d, cs, _ in real_docs
                   for k, g in group_by_paragraph(RuleContext(d, cs)).items() if k >= 0)
    assert (para, per_doc, sentence, words, per_para) > (1000, 250, 300, 150, 15)  # 1076, 277, 382, 212, 21
    assert per_para * 5 < limits.MAX_PARAGRAPH_CLAIMS
    per_rule = 0
    for _, d, cs, _ in real_docs:
        by_rule = Counter(f.rule for f in run_rules(d, cs).findings)
        per_rule = max(per_rule, max(by_rule.values(), default=0))
    assert 20 < per_rule and per_rule * 5 < limits.MAX_RULE_FINDINGS  # measured: 46
    assert para * 5 < limits.MAX_PARAGRAPH_CHARS
    assert per_doc * 5 < limits.MAX_DOCUMENT_CLAIMS
    assert sentence < limits.MAX_WHOLE_SENTENCE
    assert cells * 5 < limits.MAX_TABLE_CELLS
    assert per_page * 5 < limits.MAX_PAGE_TABLES
    assert words * 5 < limits.MAX_PAGE_WORDS
    assert chars * 5 < limits.MAX_TEXT_CHARS


def test_real_reports_are_not_cut_and_keep_whole_sentences(real_docs):
    for f, doc, claims, notes in real_docs:
        assert notes == [], f
        assert not [n for n in doc.notes if "MAX_" in n], f
        for c in claims:
            d = c.to_dict()
            assert d["text"] == c.text  # whole: no clip on a real sentence
            # the sentence's span on its page, around the figure
            assert d["sentence_start"] <= c.start and c.end <= d["sentence_end"], (f, c.id)
            page_text = doc.pages[c.page - 1].text
            if c.text in page_text:  # read from the page text (not a PDF cell's lines joined)
                assert page_text[d["sentence_start"]:d["sentence_end"]] == c.text, (f, c.id)


# ---------------------------------------------------------------- a line of figures

@pytest.fixture(scope="module")
def figures_entry(tmp_path_factory):
    path = tmp_path_factory.mktemp("bounds") / "figures.txt"
    path.write_text(_figures_line(40000) + "\n", encoding="utf-8")  # ~370 KB, ~220,000 characters, one line
    return path, check_document(path)


def test_a_line_of_figures_is_read_in_windows_with_notes(figures_entry):
    path, entry = figures_entry
    assert entry["status"] == "ok"
    assert len(_notes_naming(entry, "MAX_PARAGRAPH_CHARS")) == 1
    assert len(_notes_naming(entry, "MAX_PARAGRAPH_CLAIMS")) == 1
    assert len(_notes_naming(entry, "MAX_DOCUMENT_CLAIMS")) == 1
    assert len(entry["claims"]) == limits.MAX_DOCUMENT_CLAIMS
    doc = read_document(path)
    assert len(doc.paragraphs) == 11 and max(len(p.text) for p in doc.paragraphs) <= limits.MAX_PARAGRAPH_CHARS
    # the windows are the line, in order, with their pieces on the page where their text stands
    assert "".join(p.text for p in doc.paragraphs) == doc.pages[0].text.rstrip("\n")
    for p in doc.paragraphs:
        assert doc.pages[0].text[p.start:p.end] == p.text


def test_a_line_of_figures_gives_a_bounded_output(figures_entry):
    path, entry = figures_entry
    size = len(json.dumps(entry, ensure_ascii=False))
    assert size < 6_000_000  # before: grew with figures × sentence length, past 3 GB
    page_text = read_document(path).pages[0].text
    longest = limits.CLIP_BEFORE + limits.CLIP_AFTER + 2 * len(limits.CLIP_MARK)
    for c in entry["claims"]:
        figure = page_text[c["start"]:c["end"]]
        assert figure in c["text"]  # the window holds the figure
        assert len(c["text"]) <= longest + len(figure)
        assert c["sentence_end"] - c["sentence_start"] > limits.MAX_WHOLE_SENTENCE  # the sentence's own span
    for f in entry["findings"]:
        for ev in f["evidence"]:
            assert len(ev["text"]) <= longest + 40


def test_the_cut_never_splits_a_figure():
    text = _figures_line(4000, seed=7)
    parts = split_long(text, (TextPiece(0, 1, 100, 100 + len(text)),), limit=500)
    assert "".join(t for t, _ in parts) == text
    assert all(len(t) <= 500 for t, _ in parts) and len(parts) > len(text) // 500
    digits = set("0123456789.")
    for (a, _), (b, pieces) in zip(parts, parts[1:]):
        assert not (a[-1] in digits and b[0] in digits), (a[-5:], b[:5])
        assert pieces[0].para_start == 0
    # each window's piece points at its slice of the page text
    page = " " * 100 + text
    for t, pieces in parts:
        assert page[pieces[0].start:pieces[-1].end] == t


def test_split_keeps_the_pieces_of_a_paragraph_of_many_lines():
    lines = [f"第{i}行收入{i}.5万元" for i in range(300)]
    text = "".join(lines)
    pieces, pos, at = [], 0, 0
    for ln in lines:  # each line on the page after a line break
        pieces.append(TextPiece(pos, 1, at, at + len(ln)))
        pos += len(ln)
        at += len(ln) + 1
    page = "\n".join(lines)
    parts = split_long(text, tuple(pieces), limit=1000)
    assert "".join(t for t, _ in parts) == text
    for t, ps in parts:
        rebuilt = "".join(page[p.start:p.end] for p in ps)
        assert rebuilt == t


def test_clip_keeps_short_text_and_marks_the_cuts():
    assert limits.clip_around("收入12.5万元。", 2, 8) == "收入12.5万元。"
    long = "甲" * 400 + "支出12.50万元" + "乙" * 400
    at = long.index("12.50")
    clipped = limits.clip_around(long, at, at + 7)
    assert clipped == "…" + "甲" * (limits.CLIP_BEFORE - 2) + "支出12.50万元" + "乙" * limits.CLIP_AFTER + "…"
    assert limits.clip_around(long, 0, 3) == long[:3 + limits.CLIP_AFTER] + "…"


def test_long_prose_evidence_is_clipped_round_its_figure():
    long = "甲" * 700 + "支出12.50万元" + "乙" * 700
    ev = Evidence("prose", 1, long, 12.5, start=1000 + 702, end=1000 + 709, sentence_start=1000, sentence_end=2409)
    d = ev.to_dict()
    assert "支出12.50万元" in d["text"] and len(d["text"]) < 220
    assert (d["sentence_start"], d["sentence_end"]) == (1000, 2409)
    short = Evidence("prose", 1, "支出12.50万元", 12.5, start=5, end=12)
    assert short.to_dict()["text"] == "支出12.50万元"


# ---------------------------------------------------------------- tables, pages, text size

def test_a_line_of_tab_separated_numbers_is_one_table_cut_at_the_cell_limit():
    n = limits.MAX_TABLE_CELLS + 5000
    doc = read_text("部门决算表\n" + "\t".join(f"{i}.25" for i in range(n)) + "\n", "tabs.txt")
    assert doc.ok
    assert len(_notes_naming(doc, "MAX_TABLE_CELLS")) == 1
    assert sum(len(r.cells) for t in doc.tables for r in t.rows) <= limits.MAX_TABLE_CELLS


def test_rows_past_the_cell_limit_are_not_read():
    header = "科目编码\t科目名称\t本年支出合计\t基本支出\t项目支出"
    rows = [f"{2010101 + i}\t事务{i}\t{i}.10\t{i}.05\t{i}.05" for i in range(limits.MAX_TABLE_CELLS // 5 + 100)]
    doc = read_text("\n".join(["一般公共预算财政拨款支出决算表", "单位：万元", header, *rows]) + "\n", "rows.txt")
    assert len(_notes_naming(doc, "MAX_TABLE_CELLS")) == 1
    t = max(doc.tables, key=lambda t: t.n_rows)
    assert limits.MAX_TABLE_CELLS // 5 - 10 <= t.n_rows < limits.MAX_TABLE_CELLS // 5
    assert t.rows[0].cells[0].value == 0.1  # read from the first row on


def test_tables_past_the_page_limit_are_not_read():
    out = []
    for k in range(limits.MAX_PAGE_TABLES + 20):
        out += [f"表{k} 收入支出决算表", "项目\t本年收入\t本年支出", f"收入\t{k}.10\t{k}.20", ""]
    doc = read_text("\n".join(out), "tables.txt")
    assert [n for n in _notes_naming(doc, "MAX_PAGE_TABLES")] == [
        f"20 table(s) after the first {limits.MAX_PAGE_TABLES} of a page (page 1) are not read (MAX_PAGE_TABLES)"]
    assert len(doc.tables) == limits.MAX_PAGE_TABLES


def test_a_text_export_past_the_character_limit_is_cut_at_a_line_end():
    line = "本年收入合计12.50万元，比上年增加1.20万元" * 20 + "\n"
    text = line * (limits.MAX_TEXT_CHARS // len(line) + 50)
    doc = read_text(text, "long.txt")
    assert len(_notes_naming(doc, "MAX_TEXT_CHARS")) == 1
    kept = doc.pages[0].text.removesuffix("\n")  # (the reader ends the page with a line break)
    assert limits.MAX_TEXT_CHARS - len(line) < len(kept) <= limits.MAX_TEXT_CHARS
    assert kept.endswith(line)


def test_a_pdf_page_of_twenty_thousand_words_is_read_to_the_word_limit(tmp_path):
    import pymupdf

    pdf = pymupdf.open()
    page = pdf.new_page(width=2000, height=2000)
    for line in range(200):  # 200 lines of 100 figures (a TextWriter word by word takes a minute)
        words = " ".join(f"{(line * 100 + k) % 1000}.{k:02d}" for k in range(100))
        page.insert_text((10, 10 + 9.5 * line), words, fontsize=4)
    path = tmp_path / "words.pdf"
    pdf.save(path)
    doc = read_document(path)
    assert doc.ok
    assert _notes_naming(doc, "MAX_PAGE_WORDS") == [
        f"page 1 has 20000 words: the words after the first {limits.MAX_PAGE_WORDS} are not read (MAX_PAGE_WORDS)"]
    assert len(doc.pages[0].text.split()) == limits.MAX_PAGE_WORDS


# ---------------------------------------------------------------- rules: indexed, not pairwise

def test_growth_lookup_is_the_scan_it_replaces():
    """CF402's index gives what ``max`` over the filtered claims gave."""
    from types import SimpleNamespace

    from rules.CF402 import _Ordered

    r = random.Random(3)
    claims = [SimpleNamespace(page=r.randrange(1, 3), start=r.randrange(0, 60), metric=r.choice("ab"),
                              kind=r.choice(["amount", "change"]), marked=r.random() < 0.3) for _ in range(200)]
    keep = lambda c: c.kind == "amount"  # noqa: E731
    index = _Ordered(claims, keep, lambda c: c.marked)
    for metric in "abc":
        for page in (1, 2):
            for at in range(0, 62, 3):
                before = [c for c in claims if keep(c) and c.metric == metric and (c.page, c.start) < (page, at)]
                want = max(before, key=lambda c: (c.page, c.start)) if before else None
                assert index.last_before(metric, (page, at)) is want
                assert index.any_before(metric, (page, at)) == bool(before)
                unmarked = [c for c in before if not c.marked]
                want = max(unmarked, key=lambda c: (c.page, c.start)) if unmarked else None
                assert index.last_unmarked_before(metric, (page, at)) is want


def test_a_rule_reports_at_most_its_limit_of_findings(tmp_path):
    path = tmp_path / "doubled.txt"
    path.write_text("一、部门决算情况说明\n" + "本年收入增加，，" * (limits.MAX_RULE_FINDINGS + 100) + "。\n", encoding="utf-8")
    entry = check_document(path)
    doubled = [f for f in entry["findings"] if f["rule"] == "CF802"]
    assert len(doubled) == limits.MAX_RULE_FINDINGS
    assert _notes_naming(entry, "MAX_RULE_FINDINGS") == [
        f"CF802 has more than {limits.MAX_RULE_FINDINGS} findings: the first {limits.MAX_RULE_FINDINGS} are reported "
        "(MAX_RULE_FINDINGS)"]


def test_headings_that_state_figures_are_placed_without_a_pass_per_paragraph():
    """40,000 headings with figures, each before its paragraph (was quadratic: over 120 s)."""
    import time

    lines = []
    for i in range(20000):
        lines += [f"（{'一二三四五六七八九'[i % 9]}）办案股{i}（编制{i % 7 + 1}名）", f"本年收入{i}.5万元。"]
    doc = read_text("\n".join(lines) + "\n", "heads.txt")
    t = time.perf_counter()
    claims = extract_claims(doc, notes := [])
    assert time.perf_counter() - t < 20  # (about 1 s; the pass per paragraph took minutes)
    assert len(claims) == limits.MAX_DOCUMENT_CLAIMS and len(notes) == 1
    # the heading's figure, then its paragraph's, in document order
    assert [(c.value, c.unit) for c in claims[:4]] == [(1, "名"), (0.5, "万元"), (2, "名"), (1.5, "万元")]


def test_a_page_of_many_ruled_boxes_reads_at_most_the_table_limit_of_regions(tmp_path):
    import pymupdf

    pdf = pymupdf.open()
    page = pdf.new_page(width=2000, height=2000)
    sh = page.new_shape()
    n = limits.MAX_PAGE_TABLES + 100
    for k in range(n):  # a box of two by two cells, a figure in its first cell
        x, y = 10 + (k % 40) * 48, 5 + (k // 40) * 38
        sh.draw_rect(pymupdf.Rect(x, y, x + 40, y + 30))
        sh.draw_line((x + 20, y), (x + 20, y + 30))
        sh.draw_line((x, y + 15), (x + 40, y + 15))
        page.insert_text((x + 2, y + 10), f"{k}.5", fontsize=5)
    sh.finish(width=0.5, color=(0, 0, 0))
    sh.commit()
    path = tmp_path / "boxes.pdf"
    pdf.save(path)
    doc = read_document(path)
    assert doc.ok
    assert _notes_naming(doc, "MAX_PAGE_TABLES") == [
        f"page 1 has {n} ruled regions: the regions after the first {limits.MAX_PAGE_TABLES} are not read as "
        "tables (MAX_PAGE_TABLES)"]
    # every figure is read: in a table's cell, or (past the limit) as a line of the page
    assert all(f"{k}.5" in doc.pages[0].text.split() for k in range(n))
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells if c is not None}
    assert "0.5" in cells and f"{n - 1}.5" not in cells
