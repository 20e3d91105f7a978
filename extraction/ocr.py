"""Scanned PDF pages (no text layer) read by OCR: rapidocr on onnxruntime, models from the wheel.

A page is rendered at ``OCR_DPI`` (one page image at a time), read once by the OCR engine (text
lines, each character with its box and confidence), and its ruling lines are found in the image
(a morphological opening of the binarised page with long horizontal and vertical kernels).  The
characters become words (a line is cut where a ruling line crosses it or a wide gap opens), the
words and rules go to the table reconstruction of the text layer (:func:`extraction.pdf.lay_out`),
and every table cell keeps the lowest confidence of its characters (``RawCell.confidence``, then
``Cell.confidence``); the page keeps every word's confidence (``Page.confidences``) for the prose.

The engine never downloads anything: its detection and recognition models are named by path, the
files packaged inside the ``rapidocr`` wheel (``rapidocr/models``); a missing file is an error,
never a download.  One engine per process, made on first use; calls to it are serialised by a lock
(the app checks uploads in several threads).  ``CROSSFOOT_OCR_THREADS`` (default 1: ``review``
runs a worker per core) sets onnxruntime's threads.
"""

from __future__ import annotations

import bisect
import logging
import os
import re
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from extraction.layout import FlowItem, RawGrid
from extraction.model import Page
from extraction.numbers import normalize_digits, parse_cell_number

log = logging.getLogger("extraction")

OCR_DPI = 200  # the rendering OCR reads (measured: every figure of the real table pages exact)
MODES = ("auto", "always", "never")

# A figure read with a confidence below this may be misread: a finding that rests on it is a
# warning that says so (rules/engine.py).  Measured on 200-dpi renderings of the real final
# accounts (bench/formats_scan.py): the figures read right have their least sure character at
# 0.97 or above nearly always; the misread ones fall below 0.9.
LOW_CONFIDENCE = 0.9

# A page rendered larger than this many pixels is rendered at a lower resolution (an A0 drawing
# at 200 dpi would be 60 MB of image): the image of one page stays within ~25 MB.
MAX_PAGE_PIXELS = 25_000_000

_MODELS = {
    "Det.model_path": "PP-OCRv6_det_small.onnx",
    "Rec.model_path": "PP-OCRv6_rec_small.onnx",
    "Cls.model_path": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}


class OcrUnavailable(RuntimeError):
    """The OCR engine or its packaged model files are missing."""


_engine: Any = None
_engine_lock = threading.Lock()  # making the engine
_call_lock = threading.Lock()  # one page at a time through it


def model_paths() -> dict[str, str]:
    """The packaged model files, by the engine parameter that names each (no file: OcrUnavailable)."""
    try:
        import rapidocr
    except ImportError as e:  # pragma: no cover - a dependency
        raise OcrUnavailable(f"rapidocr is not installed ({e})") from e
    root = Path(rapidocr.__file__).resolve().parent / "models"
    out = {}
    for key, name in _MODELS.items():
        f = root / name
        if not f.is_file():
            raise OcrUnavailable(f"the OCR model {name} is not in {root} (reinstall rapidocr)")
        out[key] = str(f)
    return out


def _threads() -> int:
    try:
        n = int(os.environ.get("CROSSFOOT_OCR_THREADS", "1"))
    except ValueError:
        n = 1
    return max(1, min(n, os.cpu_count() or 1))


def engine() -> Any:
    """The process's OCR engine, made on first use."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                from rapidocr import RapidOCR

                n = _threads()
                params = {
                    **model_paths(),
                    "Global.use_cls": False,  # pages are rendered upright (as shown)
                    "Global.log_level": "error",
                    "Global.text_score": 0.2,  # keep unsure lines: they are flagged, never dropped
                    "Global.max_side_len": 4000,  # the 200-dpi page as it is
                    "Det.limit_type": "max",
                    "Det.limit_side_len": 1600,
                    "EngineConfig.onnxruntime.intra_op_num_threads": n,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                }
                _engine = RapidOCR(params=params)
    return _engine


# ------------------------------------------------------------------ the page image


def render(page: Any, dpi: int = OCR_DPI) -> tuple[Any, float]:
    """The page as shown, in grey, as a (height, width) uint8 array, and points per pixel."""
    import numpy as np
    import pymupdf

    rect = page.rect
    pixels = (rect.width * dpi / 72) * (rect.height * dpi / 72)
    if pixels > MAX_PAGE_PIXELS:
        dpi = int(dpi * (MAX_PAGE_PIXELS / pixels) ** 0.5)
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    img = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.h, pix.stride)[:, :pix.w]
    return img, rect.width / pix.w


def binarised(gray: Any) -> Any:
    """The page's ink: 255 where dark (Otsu's threshold), else 0."""
    import cv2

    return cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]


def ruling_lines(gray: Any, scale: float, ink: Any = None) -> tuple[list[tuple[float, float, float]],
                                                                    list[tuple[float, float, float]]]:
    """The page image's ruling lines in points, horizontal and vertical, as extraction.pdf's rules
    are: (position, start, end), collinear pieces joined.

    The image is binarised (dark ink on light paper, Otsu's threshold) and opened with a
    horizontal kernel 40 points long and a vertical one 14 points long: what survives is made of
    straight runs longer than any stroke of a character, each run a line segment.
    """
    import cv2

    from extraction.pdf import _merge_collinear, _piece

    if ink is None:
        ink = binarised(gray)
    out = []
    for horizontal, length in ((True, 40), (False, 14)):
        k = max(8, int(round(length / scale)))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1) if horizontal else (1, k))
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        pieces: dict[int, list[tuple[float, float, float]]] = {}
        for x, y, w, h, _area in stats[1:n].tolist():
            if horizontal:
                if h * 4 > w:  # a blob, not a line
                    continue
                _piece(pieces, (y + h / 2) * scale, x * scale, (x + w) * scale)
            else:
                if w * 4 > h:
                    continue
                _piece(pieces, (x + w / 2) * scale, y * scale, (y + h) * scale)
        out.append(_merge_collinear(pieces))
    return out[0], out[1]


# ------------------------------------------------------------------ text


_DASHES = frozenset("一—－-_ー―─")
_LETTER_DIGITS = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1",
                                "。": ".", "，": ",", "、": ",", "．": "."})
_FIGURE_SHAPE = re.compile(r"^[(（+\-－]?[0-9OolI|〇,，、.。．]+[)）%％]?$")


def normalise_word(text: str) -> str:
    """An OCR word as the text layer would print it: full-width digits, ``，`` and ``。`` inside a
    figure, O/o/〇 read for 0 and l/I/| for 1 inside a figure (only when the word has a digit and
    is then a number), a lone dash read as 一 in an empty cell."""
    t = normalize_digits(text)
    if t and len(t) <= 3 and all(ch in _DASHES for ch in t):
        return "—" if len(t) == 1 else "——"
    if _FIGURE_SHAPE.match(t) and any(ch.isdigit() for ch in t):
        fixed = t.translate(_LETTER_DIGITS)
        if parse_cell_number(fixed) is not None:
            return fixed
    return t


def _box(quad: Any) -> tuple[float, float, float, float]:
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


_Box = tuple[float, float, float, float]


def _characters(result: Any) -> list[tuple[_Box, list[tuple[str, float, _Box]]]]:
    """Each text line OCR found: its box and its characters (text, confidence, box), in pixels."""
    if not result or result.txts is None:
        return []
    words = result.word_results if len(result.word_results or ()) == len(result.txts) else None
    lines = []
    for i, (quad, txt, score) in enumerate(zip(result.boxes, result.txts, result.scores)):
        box = _box(quad)
        chars = []
        if words is not None:
            chars = [(ch, float(conf), _box(q)) for ch, conf, q in words[i] if q is not None and ch.strip()]
            if " " in txt.strip() and chars:
                # rapidocr pairs the characters with the confidences of all the line's tokens,
                # spaces included: the k-th character's is at its place in the text (when there)
                given = [c[1] for c in chars]
                at = [k for k, ch in enumerate(txt) if ch.strip()]
                chars = [(ch, given[at[j]] if j < len(at) and at[j] < len(given) else min(given), b)
                         for j, (ch, _, b) in enumerate(chars)]
        if not chars or sum(len(c[0]) for c in chars) != len(txt.replace(" ", "")):
            # no character boxes: the line's width shared out over its characters
            shown = [ch for ch in txt if ch.strip()]
            if not shown:
                continue
            w = (box[2] - box[0]) / len(shown)
            chars = [(ch, float(score), (box[0] + k * w, box[1], box[0] + (k + 1) * w, box[3]))
                     for k, ch in enumerate(shown)]
        lines.append((box, chars))
    return lines


def _words(lines: list, vs: list[tuple[float, float, float]], scale: float) -> list[tuple]:
    """The page's words as MuPDF's ``extractWORDS`` gives them, in points, with a confidence:
    (x0, y0, x1, y1, text, line, 0, word, confidence).  OCR lines on one visual line (their
    middles within half a line height) are one line; a line is cut into words where a vertical
    ruling line passes between two characters or the gap between them is wider than the line is
    high."""
    items = []
    for box, chars in lines:
        pts = [(ch, conf, (b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale)) for ch, conf, b in chars]
        items.append(((box[1] + box[3]) / 2 * scale, (box[3] - box[1]) * scale, box[0] * scale, pts))
    items.sort(key=lambda it: (it[0], it[2]))
    # visual lines: consecutive items (by middle) whose middles lie within half a height
    visual: list[list] = []
    for it in items:
        if visual and abs(it[0] - visual[-1][0][0]) <= 0.5 * min(it[1], visual[-1][0][1]):
            visual[-1].append(it)
        else:
            visual.append([it])
    vpos = sorted(vs)
    xs = [v[0] for v in vpos]
    out = []
    for li, group in enumerate(visual):
        group.sort(key=lambda it: it[2])
        chars = [c for it in group for c in it[3]]
        words: list[list] = []
        for ch in chars:
            if words:
                prev = words[-1][-1][2]
                cur = ch[2]
                mid_y = (cur[1] + cur[3]) / 2
                gap = cur[0] - prev[2]
                height = max(cur[3] - cur[1], prev[3] - prev[1])
                a = bisect.bisect_left(xs, (prev[0] + prev[2]) / 2)
                b = bisect.bisect_right(xs, (cur[0] + cur[2]) / 2)
                ruled = any(vpos[k][1] - 1 <= mid_y <= vpos[k][2] + 1 for k in range(a, b))
                if not ruled and gap <= height:
                    words[-1].append(ch)
                    continue
            words.append([ch])
        for wi, w in enumerate(words):
            text = normalise_word("".join(c[0] for c in w))
            if not text:
                continue
            x0, y0 = min(c[2][0] for c in w), min(c[2][1] for c in w)
            x1, y1 = max(c[2][2] for c in w), max(c[2][3] for c in w)
            shift = _centred_over_rule(x0, y0, x1, y1, vpos, xs)
            out.append((x0 + shift, y0, x1 + shift, y1, text, li, 0, wi, min(c[1] for c in w)))
    return out


def _centred_over_rule(x0: float, y0: float, x1: float, y1: float, vpos: list, xs: list[float]) -> float:
    """How far to move a word that is centred over a column rule starting just below it (a header
    label spanning the columns either side) for its centre to fall just left of the rule, where
    the text layer's exactly centred labels fall: the table reader gives such a label to the left
    column and spreads it over the columns it spans.  OCR's boxes are a few points off centre,
    which would give the label to either column by chance.  0 for any other word."""
    cx, h = (x0 + x1) / 2, y1 - y0
    tol = max(2.0, 0.15 * (x1 - x0))
    for k in range(bisect.bisect_left(xs, cx - tol), bisect.bisect_right(xs, cx + tol)):
        x, top, _ = vpos[k]
        if x0 < x < x1 and y1 - 2 <= top <= y1 + 3 * h:
            return x - 0.25 - cx
    return 0.0


# ------------------------------------------------------------------ pages


def needs_ocr(page: Any, read: Page, mode: str) -> bool:
    """Whether a page is read by OCR: ``always`` every page; ``auto`` a page whose text layer
    gave no text and that shows an image (a blank page is not worth seconds of OCR)."""
    if mode == "always":
        return True
    if mode != "auto" or read.text.strip():
        return False
    try:
        return bool(page.get_images(full=False))
    except Exception:  # noqa: BLE001 (a damaged resource list: the page is read as it is)
        return False


# What OCR read of the last pages read (words and rules, by the file's sha256 and the page): a
# report read again in the same process (a split report checked with its tables, the set rules
# reading last year's report) is not read by OCR twice.  A page's words take a few tens of KB.
_CACHE: OrderedDict[tuple[str, int], tuple[list[tuple], list, list]] = OrderedDict()
CACHE_PAGES = 400
_cache_lock = threading.Lock()


def scan_page(page: Any) -> tuple[list[tuple], list, list]:
    """OCR of one page: its words (see :func:`_words`) and its horizontal and vertical rules."""
    gray, scale = render(page)
    ink = binarised(gray)
    hs, vs = ruling_lines(gray, scale, ink)
    ocr = engine()
    with _call_lock:
        # (every switch named on every call: rapidocr keeps the last call's switches)
        result = ocr(gray, use_det=True, use_cls=False, use_rec=True, return_word_box=True,
                     return_single_char_box=True)
        rules_px = [(x / scale, a / scale, b / scale) for x, a, b in vs]
        lines = _recover_lead(_characters(result), gray, ink, rules_px, ocr)
    del gray, ink
    return _words(lines, vs, scale), hs, vs


def _recover_lead(lines: list, gray: Any, ink: Any, vs: list[tuple[float, float, float]], ocr: Any) -> list:
    """The lines with the characters detection left out at their start read again.

    The detector sometimes starts a line's box after a thin first character (一、 二、 of an
    enumeration: 一、一般公共预算拨款收入 read as 、一般公共预算拨款收入).  Where ink lies between a
    line's box and what stands left of it (a ruling line, the line before it, the page's edge), the
    box is widened to that ink and recognised again; when the new text ends with the old, the
    characters before it are added, spread over the ink, with the new reading's confidence."""
    if not lines:
        return lines
    out = []
    for box, chars in lines:
        x0, y0, x1, y1 = box
        h = y1 - y0
        mid = (y0 + y1) / 2
        left = 0.0
        for x, a, b in vs:
            if x < x0 - 1 and a - 1 <= mid <= b + 1 and x > left:
                left = x
        gap = 3
        # a box starting left of this one on its line (touching or overlapping it, even): the ink
        # must lie clear of it, or it is that box's own
        box_left = max((bx1 for (bx0, by0, bx1, by1), _ in lines if bx0 < x0 - 1 and by0 < mid < by1),
                       default=-1.0)
        if box_left >= left:
            left, gap = box_left, int(0.25 * h) + 1
        lo, hi = int(left) + gap, int(x0) - 1
        top, bottom = int(y0 + 0.2 * h), int(y1 - 0.2 * h)
        if hi - lo < 2 or bottom <= top or hi - lo > 4 * h:
            out.append((box, chars))
            continue
        cols = (ink[top:bottom, lo:hi] > 0).any(axis=0).nonzero()[0]
        if len(cols) < 2:
            out.append((box, chars))
            continue
        start = lo + int(cols[0]) - 2
        crop = gray[max(0, int(y0) - 1):int(y1) + 2, max(0, start):int(x1) + 1]
        again = ocr(crop, use_det=False, use_cls=False, use_rec=True, return_word_box=False,
                    return_single_char_box=False)
        text = (again.txts or ("",))[0] if getattr(again, "txts", None) else ""
        old = "".join(c[0] for c in chars)
        new = "".join(text.split())
        if len(new) > len(old) and new.endswith(old) and len(new) - len(old) <= 3:
            lead = new[:len(new) - len(old)]
            conf = float(again.scores[0])
            w = (x0 - start) / len(lead)
            added = [(ch, conf, (start + k * w, y0, start + (k + 1) * w, y1)) for k, ch in enumerate(lead)]
            box = (start, y0, x1, y1)
            chars = added + list(chars)
        out.append((box, chars))
    return out


def read_scanned_page(page: Any, notes: list[str] | None = None,
                      key: str | None = None) -> tuple[Page, list[FlowItem]]:
    """One page read by OCR: its text and flow as :func:`extraction.pdf.read_page` gives them,
    each cell with its confidence and the page with each word's.  ``key`` (the file's sha256)
    keeps what OCR read for a second reading of the same page."""
    from extraction.pdf import _turn_back, lay_out

    page_no = page.number + 1
    hit = None
    if key is not None:
        with _cache_lock:
            hit = _CACHE.get((key, page_no))
            if hit is not None:
                _CACHE.move_to_end((key, page_no))
    if hit is None:
        hit = scan_page(page)
        if key is not None:
            with _cache_lock:
                _CACHE[(key, page_no)] = hit
                while len(_CACHE) > CACHE_PAGES:
                    _CACHE.popitem(last=False)
    words, hs, vs = hit
    rect = page.rect
    text, flow = lay_out(page_no, [w[:8] for w in words], list(hs), list(vs), rect.width, notes)
    # each word's place in the text: lay_out puts them in order, one separator between two
    spans: list[tuple[int, int, float]] = []
    pos = 0
    for w in words:
        at = text.find(w[4], pos)
        if at < 0:  # (past a MAX_PAGE_WORDS cut)
            break
        spans.append((at, at + len(w[4]), w[8]))
        pos = at + len(w[4])
    starts = [s[0] for s in spans]
    for it in flow:
        if isinstance(it, RawGrid):
            for row in it.rows:
                for cell in row:
                    if cell is not None and cell.start is not None:
                        a = bisect.bisect_left(starts, cell.start)
                        b = bisect.bisect_left(starts, cell.end if cell.end is not None else cell.start + 1)
                        if b > a:
                            cell.confidence = min(s[2] for s in spans[a:b])
    if getattr(page, "rotation", 0) % 360:
        _turn_back(page, flow)
    return Page(page_no, text, rect.width, rect.height, tuple(spans)), flow


def span_confidence(page: Page, start: int | None, end: int | None) -> float | None:
    """The lowest confidence of the OCR words of ``page`` overlapping ``[start, end)``; None for a
    page not read by OCR or a place without words."""
    spans = page.confidences
    if not spans or start is None:
        return None
    end = start + 1 if end is None or end <= start else end
    i = bisect.bisect_right([s[0] for s in spans], end - 1)
    found = [c for a, b, c in spans[max(0, i - 50):i] if b > start and a < end]
    return min(found) if found else None


class Progress:
    """Per-page progress of OCR on stderr (a scan takes seconds a page)."""

    def __init__(self, name: str, pages: int) -> None:
        self.name, self.pages, self.done, self.t0 = name, pages, 0, time.monotonic()

    def page(self, number: int) -> None:
        self.done += 1
        print(f"crossfoot: {self.name}: OCR page {number} of {self.pages} "
              f"({time.monotonic() - self.t0:.0f} s)", file=sys.stderr, flush=True)


class OcrPass:
    """The OCR of one PDF's pages, page by page as the reader meets them (``mode``: one of
    ``MODES``): which pages it read, where the time budget stopped it, and the notes saying so."""

    def __init__(self, name: str, pages: int, mode: str = "auto", key: str | None = None) -> None:
        self.name, self.pages, self.mode = name, pages, mode if mode in MODES else "auto"
        self.key = key  # the file's sha256: what OCR read is kept for a second reading
        self.read: list[int] = []
        self.skipped: list[int] = []  # wanted OCR, not read: the time budget ran out
        self.failed: list[str] = []
        self.unavailable: str | None = None
        self.progress: Progress | None = None
        self.seconds: list[float] = []

    def page(self, pdf_page: Any, read: Page, items: list[FlowItem],
             notes: list[str] | None = None) -> tuple[Page, list[FlowItem]]:
        """The page OCR reads when it should (else ``read``, ``items`` as they are)."""
        if self.mode == "never" or self.unavailable is not None or not needs_ocr(pdf_page, read, self.mode):
            return read, items
        number = pdf_page.number + 1
        if self.skipped or not self._time_for_a_page():
            self.skipped.append(number)
            return read, items
        if self.progress is None:
            self.progress = Progress(self.name, self.pages)
        t0 = time.monotonic()
        try:
            page, flow = read_scanned_page(pdf_page, notes, self.key)
        except OcrUnavailable as e:
            self.unavailable = str(e)
            return read, items
        except MemoryError:
            raise
        except Exception as e:  # noqa: BLE001 (one page OCR cannot read: the others still are)
            log.warning("%s: OCR of page %d failed: %s", self.name, number, e)
            self.failed.append(f"{number} ({type(e).__name__})")
            return read, items
        self.seconds.append(time.monotonic() - t0)
        self.read.append(number)
        self.progress.page(number)
        return page, flow

    def _time_for_a_page(self) -> bool:
        """Whether one more page fits in the document's time budget, leaving a tenth of it (at
        least 5 s) for the tables and rules: a page takes what the slowest page so far took."""
        from crossfoot.budget import document_budget

        left, total = document_budget()
        if left is None:
            return True
        need = max(self.seconds, default=10.0) + max(5.0, 0.1 * total)
        return left >= need

    def no_text_message(self) -> str:
        """Why a PDF without a text layer still has no text after this pass."""
        if self.mode == "never":
            return "run OCR first, or check it with --ocr auto"
        if self.unavailable:
            return f"OCR is not available: {self.unavailable}"
        if self.read:
            return f"OCR read {len(self.read)} pages and found no text"
        if self.skipped:
            return "the time budget left no time for OCR (CROSSFOOT_DOCUMENT_SECONDS)"
        return "OCR found no page image to read"

    def notes(self) -> list[str]:
        out = []
        if self.read:
            out.append(f"{len(self.read)} of {self.pages} pages read by OCR ({_ranges(self.read)}); "
                       f"figures read by OCR carry their confidence")
        if self.skipped:
            out.append(f"OCR stopped at the time budget (CROSSFOOT_DOCUMENT_SECONDS): {len(self.skipped)} "
                       f"pages without a text layer were not read ({_ranges(self.skipped)}); "
                       "CROSSFOOT_DOCUMENT_SECONDS=0 reads them all")
        if self.failed:
            out.append(f"OCR failed on pages {', '.join(self.failed[:10])}")
        if self.unavailable:
            out.append(f"OCR is not available: {self.unavailable}")
        return out


def _ranges(numbers: list[int]) -> str:
    """``1–3, 7`` for [1, 2, 3, 7]."""
    parts = []
    start = prev = numbers[0]
    for n in numbers[1:]:
        if n == prev + 1:
            prev = n
            continue
        parts.append(f"{start}–{prev}" if prev > start else f"{start}")
        start = prev = n
    parts.append(f"{start}–{prev}" if prev > start else f"{start}")
    return "p. " + ", ".join(parts)
