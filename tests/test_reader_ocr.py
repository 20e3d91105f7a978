"""Scanned PDFs read by OCR (extraction/ocr.py): words, rules, tables and confidences; offline only.

OCR takes seconds a page: the tests read a small drawn page (once, module-scoped) and two pages of
a real final account rendered to an image-only PDF at run time (corpus/render_scan.py).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest

from corpus.render_scan import scan_pdf
from extraction import ocr
from extraction.model import Cell, Document, DocumentMeta, Page
from extraction.reader import read_document
from rules.base import Evidence, Finding
from rules.confidence import explains, with_confidence

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests/data/real/final_accounts/上海市普陀区财政局2024年度部门决算.pdf"

ROWS = [("项目", "合计", "财政拨款收入"), ("合计", "1,234.56", "1,200.00"),
        ("一般公共服务支出", "1,000.06", "966.50"), ("教育支出", "234.50", "233.50")]


def _table_pdf(text_page: bool = False) -> bytes:
    """A small ruled table drawn with a text layer (and, with ``text_page``, a page of prose before it)."""
    doc = pymupdf.open()
    if text_page:
        doc.new_page(width=420, height=300).insert_text((40, 60), "第一部分 部门概况", fontname="china-s", fontsize=12)
    page = doc.new_page(width=420, height=300)
    page.insert_text((150, 40), "收入决算表", fontname="china-s", fontsize=14)
    page.insert_text((320, 62), "单位：万元", fontname="china-s", fontsize=9)
    xs = [30, 200, 300, 390]
    ys = [70 + 24 * i for i in range(len(ROWS) + 1)]
    for y in ys:
        page.draw_line((xs[0], y), (xs[-1], y), width=0.8)
    for x in xs:
        page.draw_line((x, ys[0]), (x, ys[-1]), width=0.8)
    for r, row in enumerate(ROWS):
        for c, t in enumerate(row):
            page.insert_text((xs[c] + 6, ys[r] + 16), t, fontname="china-s", fontsize=10)
    return doc.tobytes()


@pytest.fixture(scope="module")
def scan_file(tmp_path_factory) -> Path:
    f = tmp_path_factory.mktemp("scan") / "table-scan.pdf"
    f.write_bytes(scan_pdf(_table_pdf()))
    return f


@pytest.fixture(scope="module")
def scanned(scan_file) -> Document:
    return read_document(scan_file)


# ---------------------------------------------------------------- words and rules


@pytest.mark.parametrize(("read", "printed"), [
    ("2,94O.05", "2,940.05"), ("１２３.４", "123.4"), ("1，234.5", "1,234.5"), ("3o.5", "30.5"),
    ("(1,2O0.00)", "(1,200.00)"), ("l0.00", "10.00"), ("一", "—"), ("12.5%", "12.5%"),
    ("一般", "一般"), ("O型", "O型"), ("IO", "IO"), ("2010601", "2010601"),
])
def test_ocr_words_are_normalised_as_printed(read, printed):
    assert ocr.normalise_word(read) == printed


def test_ruling_lines_are_found_in_the_image():
    import cv2
    import numpy as np

    img = np.full((400, 600), 255, np.uint8)
    for y in (50, 150, 250):
        cv2.line(img, (40, y), (560, y), 0, 2)
    for x in (40, 300, 560):
        cv2.line(img, (x, 50), (x, 250), 0, 2)
    cv2.putText(img, "1,234.56", (60, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)  # no rule in a figure
    hs, vs = ocr.ruling_lines(img, 0.5)  # half a point a pixel
    assert [round(y) for y, _, _ in hs] == [25, 75, 125]
    assert all(abs(a - 20) <= 1.5 and abs(b - 280) <= 1.5 for _, a, b in hs)
    assert [round(x) for x, _, _ in vs] == [20, 150, 280]
    assert all(abs(a - 25) <= 1.5 and abs(b - 125) <= 1.5 for _, a, b in vs)


# ---------------------------------------------------------------- a drawn page


def test_a_scanned_table_is_read_with_its_figures_and_confidences(scanned):
    assert scanned.ok, scanned.error
    assert scanned.format == "pdf"
    assert any("1 of 1 pages read by OCR" in n for n in scanned.notes)
    (t,) = scanned.tables
    assert [c.label for c in t.columns] == ["合计", "财政拨款收入"]
    assert t.unit == "万元"
    assert [(r.name, r.values) for r in t.rows] == [
        ("合计", (1234.56, 1200.0)), ("一般公共服务支出", (1000.06, 966.5)), ("教育支出", (234.5, 233.5))]
    cells = [c for r in t.rows for c in r.cells]
    assert all(c.confidence is not None and 0 < c.confidence <= 1 for c in cells)
    assert "confidence" in cells[0].to_dict()
    page = scanned.pages[0]
    assert page.confidences and all(page.text[a:b].strip() for a, b, _ in page.confidences)
    # a cell's confidence is its least sure word's, found by its place in the page text
    c = cells[0]
    assert c.confidence == ocr.span_confidence(page, c.start, c.end)


def test_a_page_reads_the_same_after_a_recognition_without_detection(scan_file):
    """rapidocr keeps a call's switches for the next: reading a line again without detection
    (a widened box) must not leave the next page read without it."""
    import numpy as np

    with pymupdf.open(scan_file) as doc:
        first = ocr.scan_page(doc[0])
        ocr.engine()(np.full((48, 200, 3), 255, np.uint8), use_det=False, use_cls=False)
        assert ocr.scan_page(doc[0]) == first


class _Again:
    """A recognition of a widened box: what the engine would read there."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __call__(self, img, **kw):
        assert kw["use_det"] is False
        return type("Rec", (), {"txts": (self.text,), "scores": (0.97,)})()


def _line(x0: float, x1: float, text: str) -> tuple:
    w = (x1 - x0) / len(text)
    return (x0, 100.0, x1, 120.0), [(ch, 1.0, (x0 + k * w, 100.0, x0 + (k + 1) * w, 120.0)) for k, ch in enumerate(text)]


def test_a_character_detection_left_out_is_read_again_from_the_ink():
    import numpy as np

    gray = np.full((200, 400), 255, np.uint8)
    ink = np.zeros((200, 400), np.uint8)
    ink[104:116, 24:36] = 255  # the thin 一、 before the box
    (box, chars), = ocr._recover_lead([_line(40, 100, "一般公共")], gray, ink, [(10.0, 90.0, 130.0)],
                                      _Again("一、一般公共"))
    assert "".join(c[0] for c in chars) == "一、一般公共" and box[0] < 40
    assert [c[1] for c in chars[:2]] == [0.97, 0.97]
    # ink that is the box's left neighbour's own (a code box touching its name box) is left alone
    ink[104:116, 10:40] = 255
    lines = [_line(10, 43, "310"), _line(40, 100, "资本性支出")]  # overlapping by 3 px
    assert ocr._recover_lead(lines, gray, ink, [], _Again("310资本性支出")) == lines


def test_a_page_with_a_text_layer_is_not_read_by_ocr(tmp_path):
    f = tmp_path / "table.pdf"
    f.write_bytes(_table_pdf())
    doc = read_document(f)
    assert doc.ok and not any("OCR" in n for n in doc.notes)
    cells = [c for r in doc.tables[0].rows for c in r.cells]
    assert all(c.confidence is None and "confidence" not in c.to_dict() for c in cells)
    assert doc.pages[0].confidences is None


def test_ocr_never_keeps_the_no_text_error(scan_file):
    doc = read_document(scan_file, ocr="never")
    assert doc.error is not None and doc.error.code == "no_text"
    assert "--ocr auto" in doc.error.message


def test_the_cli_takes_ocr_never(scan_file, tmp_path, capsys):
    from crossfoot.cli import main

    out = tmp_path / "out.json"
    code = main(["check", str(scan_file), "--format", "json", "--ocr", "never", "--output", str(out)])
    entry = json.loads(out.read_text("utf-8"))["documents"][0]
    assert code == 2 and entry["error"]["code"] == "no_text"


def test_the_time_budget_stops_ocr_with_a_note(tmp_path, monkeypatch):
    from crossfoot import budget

    f = tmp_path / "half-scan.pdf"
    pdf = _table_pdf(text_page=True)
    with pymupdf.open(stream=pdf, filetype="pdf") as src, pymupdf.open() as out:
        out.insert_pdf(src, from_page=0, to_page=0)  # page 1 keeps its text layer
        out.insert_pdf(pymupdf.open(stream=scan_pdf(pdf, pages=[1]), filetype="pdf"))
        f.write_bytes(out.tobytes())
    monkeypatch.setattr(budget, "document_budget", lambda: (3.0, 120.0))  # 3 s left of 120
    doc = read_document(f)
    assert doc.ok and doc.pages[1].text == ""
    (note,) = [n for n in doc.notes if "OCR" in n]
    assert "time budget" in note and "1 pages" in note and "p. 2" in note


def test_an_image_pdf_of_500_pages_is_read_in_bounded_time(tmp_path, monkeypatch):
    """Past the time budget no page is read by OCR: 500 scanned pages end as a no_text record that
    says why, in seconds (the pages are only opened, one at a time)."""
    import time

    from crossfoot import budget

    one = pymupdf.open(stream=scan_pdf(_table_pdf(), dpi=30), filetype="pdf")
    big = pymupdf.open()
    for _ in range(500):
        big.insert_pdf(one)
    f = tmp_path / "scan-500.pdf"
    f.write_bytes(big.tobytes(garbage=3, deflate=True))
    monkeypatch.setattr(budget, "document_budget", lambda: (3.0, 120.0))
    t0 = time.process_time()
    doc = read_document(f)
    assert time.process_time() - t0 < 20
    assert doc.error is not None and doc.error.code == "no_text" and "time budget" in doc.error.message


def test_ocr_always_reads_pages_with_a_text_layer_too(tmp_path):
    f = tmp_path / "table.pdf"
    f.write_bytes(_table_pdf())
    doc = read_document(f, ocr="always")
    assert any("1 of 1 pages read by OCR" in n for n in doc.notes)
    assert [r.values for r in doc.tables[0].rows] == [(1234.56, 1200.0), (1000.06, 966.5), (234.5, 233.5)]
    assert all(c.confidence is not None for r in doc.tables[0].rows for c in r.cells)


def test_the_document_budget_is_known_inside_a_time_limit():
    from crossfoot import budget

    assert budget.document_budget() == (None, 0.0)
    with budget.time_limit(50):
        left, total = budget.document_budget()
        assert total == 50 and 49 < left <= 50
        with budget.time_limit(100):  # the outer, sooner deadline stands
            assert budget.document_budget()[1] == 50
    assert budget.document_budget() == (None, 0.0)


# ---------------------------------------------------------------- nothing is downloaded


def test_ocr_downloads_nothing(scan_file, monkeypatch):
    """The engine is made and runs with every way out to the network closed."""
    from rapidocr.utils import download_file

    def refuse(*a, **k):
        raise AssertionError("OCR tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(download_file.DownloadFile, "run", refuse)
    try:
        import requests
    except ImportError:
        pass
    else:
        monkeypatch.setattr(requests.Session, "request", refuse)
    monkeypatch.setattr(ocr, "_engine", None)  # made again, here
    with pymupdf.open(scan_file) as doc:
        words, hs, vs = ocr.scan_page(doc[0])
    assert "1,234.56" in [w[4] for w in words]
    assert len(hs) >= 5 and len(vs) >= 4
    assert all(Path(p).is_file() for p in ocr.model_paths().values())


@pytest.mark.skipif(not shutil.which("unshare")
                    or subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0,
                    reason="needs unshare -n (a network namespace)")
def test_ocr_runs_with_the_network_unreachable(scan_file, tmp_path):
    code = ("import json,sys; from extraction.reader import read_document; d=read_document(sys.argv[1]); "
            "print(json.dumps([r.values for r in d.tables[0].rows]))")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}  # no model cache either
    r = subprocess.run(["unshare", "-n", sys.executable, "-c", code, str(scan_file)], capture_output=True,
                       cwd=ROOT, env=env, timeout=120)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    assert json.loads(r.stdout) == [[1234.56, 1200.0], [1000.06, 966.5], [234.5, 233.5]]


# ---------------------------------------------------------------- real pages


def test_real_table_pages_scanned_read_as_the_originals(tmp_path):
    """Two table pages of a real final account (一般公共预算财政拨款支出决算表, the 三公 table),
    scanned at 200 dpi: the same tables, the same figures (bench/formats_scan.py does all pages)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from formats_scan import compare

    pages = [15, 18]
    f = tmp_path / "scan.pdf"
    f.write_bytes(scan_pdf(REAL.read_bytes(), pages=[p - 1 for p in pages]))
    r = compare(read_document(REAL), read_document(f), pages)
    assert r["tables"] == 2 and r["kinds_right"] == 2
    assert r["figures"] >= 20
    assert r["exact"] >= 0.99 * r["figures"]


# ---------------------------------------------------------------- findings on unsure figures


def _doc_with_ocr_page() -> Document:
    text = "合计 1,284.56\n"
    page = Page(1, text, 420, 300, ((0, 2, 0.99), (3, 11, 0.62)))
    return Document("x.pdf", "0" * 64, "pdf", DocumentMeta(None, None, None, None, 1), (page,))


def _finding(text: str, value: float, difference: float, confidence: float | None = None,
             start: int | None = 3, end: int | None = 11) -> Finding:
    ev = Evidence("table", 1, text, value, "t1 收入决算表", None, "合计", start, end, confidence=confidence)
    return Finding("f1", "CF103", "footing.total_row", "error", "合计行与各类之和不符", "the total row differs",
                   expected=value - difference, observed=value, difference=difference, tolerance=0.01,
                   evidence=(ev,))


def test_one_misread_digit_explains_a_difference():
    ev = _finding("1,284.56", 1284.56, 50.0).evidence[0]
    assert explains(ev, 50.0)  # 1,234.56 read as 1,284.56
    assert explains(ev, -0.02)  # …56 for …58 (the figure on the other side)
    assert not explains(ev, 51.0)  # two digits
    assert not explains(ev, 0.0)
    assert not explains(replace(ev, value=None), 50.0)


def test_a_finding_on_an_unsure_figure_is_a_warning_that_says_so():
    doc = _doc_with_ocr_page()
    (f,) = with_confidence(doc, [_finding("1,284.56", 1284.56, 50.0)])
    assert f.severity == "warning"
    assert f.evidence[0].confidence == 0.62  # from the page's words
    assert "OCR误识" in f.message and "likely OCR misread" in f.message_en
    assert f.to_dict()["evidence"][0]["confidence"] == 0.62
    (g,) = with_confidence(doc, [_finding("1,284.56", 1284.56, 7.77)])  # no one digit explains it
    assert g.severity == "warning" and "OCR误识" not in g.message and "由OCR识别" in g.message


def test_a_finding_on_sure_figures_stays_an_error():
    doc = _doc_with_ocr_page()
    (f,) = with_confidence(doc, [_finding("合计", 1284.56, 50.0, start=0, end=2)])
    assert f.severity == "error" and f.message == "合计行与各类之和不符"
    assert f.evidence[0].confidence == 0.99
    plain = replace(doc, pages=(replace(doc.pages[0], confidences=None),))
    (g,) = with_confidence(plain, [_finding("1,284.56", 1284.56, 50.0)])
    assert g == _finding("1,284.56", 1284.56, 50.0)  # a page with a text layer: nothing changes
    assert "confidence" not in g.to_dict()["evidence"][0]


def test_the_cell_json_is_unchanged_without_a_confidence():
    c = Cell("1.00", 1.0, 2, 1)
    assert list(c.to_dict()) == ["text", "value", "decimals", "page", "bbox", "start", "end"]
    assert replace(c, confidence=0.912345).to_dict()["confidence"] == 0.9123


# ---------------------------------------------------------------- the generator


def test_the_generator_writes_scans_with_the_same_truth(tmp_path):
    from corpus.generate import generate_corpus

    kw = {"departments": 1, "years": (2024, 2024), "errors": 0.6, "anomalies": 0.0, "seed": 7,
          "error_kinds": None, "workers": 1}
    pdf = generate_corpus(out=tmp_path / "pdf", fmt="pdf", **kw)
    scan = generate_corpus(out=tmp_path / "scan", fmt="scan", **kw)
    assert scan == pdf
    for r in scan:
        with pymupdf.open(tmp_path / "scan" / r["file"]) as doc, pymupdf.open(tmp_path / "pdf" / r["file"]) as src:
            assert doc.page_count == src.page_count == r["pages"]
            assert not any(p.get_text().strip() for p in doc)
            assert all(p.get_images() for p in doc)
