"""Paginate a document once, then draw it as PDF or write it as a text export.

Both outputs come from the same pages, so a page number in truth.jsonl means the same
thing in the .pdf and in the .txt (pages separated by form feeds).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pymupdf

import extraction.mupdf_messages  # noqa: F401 (MuPDF's messages off stdout)

from corpus.model import Document, Heading, Para, Table

PORTRAIT = (595.0, 842.0)
LANDSCAPE = (842.0, 595.0)
MARGIN = 50.0
BODY_FS = 10.5
HEAD_FS = {0: 24.0, 1: 15.0, 2: 12.5, 3: 11.0}
TOKEN = re.compile(r"[0-9A-Za-z.,%％\-]+|.")
NUMERIC = re.compile(r"^-?[0-9,]+(\.[0-9]+)?%?$")


@lru_cache(maxsize=1)
def font() -> pymupdf.Font:
    """The CJK font that ships inside PyMuPDF (Droid Sans Fallback); embedded and subset on save."""
    return pymupdf.Font("china-s")


_widths: dict[str, float] = {}


def text_width(s: str, fs: float) -> float:
    w = 0.0
    for ch in s:
        a = _widths.get(ch)
        if a is None:
            a = _widths[ch] = font().text_length(ch, fontsize=1.0)
        w += a
    return w * fs


@dataclass
class Page:
    size: tuple[float, float]
    ops: list = field(default_factory=list)  # ("t", x, y, text, fs) | ("l", x0, y0, x1, y1)
    txt: list[str] = field(default_factory=list)


@dataclass
class Layout:
    pages: list[Page]
    block_page: dict[int, int]  # id(block) → page (from 1)
    row_page: dict[tuple[int, int], int]  # (id(table), row) → page


class _Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pages: list[Page] = []
        self.y = 0.0
        self.block_page: dict[int, int] = {}
        self.row_page: dict[tuple[int, int], int] = {}

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self, size=PORTRAIT) -> None:
        self.pages.append(Page(size))
        self.y = MARGIN

    def room(self) -> float:
        return self.page.size[1] - MARGIN - self.y

    def text(self, x: float, y: float, s: str, fs: float) -> None:
        self.page.ops.append(("t", x, y, s, fs))

    def wrap(self, s: str, fs: float, width: float) -> list[str]:
        lines, cur, w = [], "", 0.0
        for tok in TOKEN.findall(s):
            tw = text_width(tok, fs)
            if cur and w + tw > width:
                lines.append(cur)
                cur, w = "", 0.0
                if tok == " ":
                    continue
            cur += tok
            w += tw
        if cur:
            lines.append(cur)
        return lines or [""]

    # ---- blocks ---------------------------------------------------------
    def heading(self, h: Heading) -> None:
        text = h.render()
        if h.level == 0:
            self.new_page()
            self.block_page[id(h)] = len(self.pages)
            parts = text.split("\n") if "\n" in text else _cover_lines(text)
            y = 300.0
            for part in parts:
                x = (PORTRAIT[0] - text_width(part, HEAD_FS[0])) / 2
                self.text(x, y, part, HEAD_FS[0])
                y += HEAD_FS[0] * 2
            self.page.txt.append("\n\n".join(f"## {p}" for p in parts))
            self.pages[-1].txt.append("")
            self.y = PORTRAIT[1]  # cover stands alone
            return
        fs = HEAD_FS[h.level]
        lines = self.wrap(text, fs, self.page.size[0] - 2 * MARGIN if self.pages else 495)
        need = len(lines) * fs * 1.8 + BODY_FS * 2 * 3
        if not self.pages or self.room() < need or self.page.size != PORTRAIT:
            self.new_page()
        self.block_page[id(h)] = len(self.pages)
        self.y += fs * 0.6
        for ln in lines:
            self.y += fs * 1.5
            x = (self.page.size[0] - text_width(ln, fs)) / 2 if h.level == 1 else MARGIN
            self.text(x, self.y, ln, fs)
        self.y += fs * 0.5
        mark = "#" * min(4, h.level + 1)
        t = f"<b>{text}</b>" if self.rng.random() < 0.15 else text
        self.page.txt.append(f"{mark} {t}\n")

    def para(self, p: Para) -> None:
        text = p.render()
        lines = self.wrap("\u3000\u3000" + text, BODY_FS, PORTRAIT[0] - 2 * MARGIN)
        lh = BODY_FS * 1.75
        if not self.pages or self.room() < len(lines) * lh or self.page.size != PORTRAIT:
            self.new_page()
        self.block_page[id(p)] = len(self.pages)
        for ln in lines:
            self.y += lh
            self.text(MARGIN, self.y, ln, BODY_FS)
        self.y += BODY_FS * 0.5
        self.page.txt.append(text + "\n")

    def table(self, t: Table) -> None:
        size = LANDSCAPE if t.landscape else PORTRAIT
        avail = size[0] - 2 * MARGIN
        fs = 8.5
        ncol = len(t.header)
        for _ in range(3):
            nat = []
            for c in range(ncol):
                w = max([text_width(r[c], fs) for r in t.grid] + [0.0])
                hw = min(text_width(t.header[c], fs), fs * 5)
                nat.append(max(w, hw, fs * 2) + 8)
            if sum(nat) <= avail or fs <= 6.0:
                break
            fs = max(6.0, fs * avail / sum(nat) * 0.98)
        widest = max(range(ncol), key=lambda c: nat[c] if not _numeric_col(t, c) else -1)
        nat[widest] += max(0.0, avail - sum(nat))
        xs = [MARGIN]
        for w in nat:
            xs.append(xs[-1] + w)
        head_lines = [self.wrap(h, fs, nat[c] - 6) for c, h in enumerate(t.header)]
        head_h = max(len(h) for h in head_lines) * fs * 1.3 + 8
        row_h = fs * 2.2

        self.new_page(size)
        self.block_page[id(t)] = len(self.pages)
        self._table_title(t, size)
        first = True
        r = 0
        while r < len(t.grid) or first:
            if first or t.repeat_header:
                self._table_header(t, xs, head_lines, head_h, fs)
            first = False
            while r < len(t.grid) and self.room() >= row_h:
                self._table_row(t, r, xs, row_h, fs)
                r += 1
            if r < len(t.grid):
                self.new_page(size)
        if t.note:
            self.y += fs * 2.5
            self.text(MARGIN, self.y, t.note, fs + 1)
            self.page.txt.append(t.note + "\n")

    def _table_title(self, t: Table, size) -> None:
        fs = 15.0
        title = (t.year.render() if t.year else "") + t.title
        self.y += fs
        self.text((size[0] - text_width(title, fs)) / 2, self.y, title, fs)
        txt = [f"{title}\n"]
        self.y += fs * 0.8
        if t.number:
            self.y += 10
            self.text(size[0] - MARGIN - text_width(t.number, 9), self.y, t.number, 9)
        self.y += 14
        dept = "部门：" + t.dept.render() if t.dept else ""
        unit = ("金额单位：" if self.rng.random() < 0.5 else "单位：") + t.unit
        self.text(MARGIN, self.y, dept, 9)
        self.text(size[0] - MARGIN - text_width(unit, 9), self.y, unit, 9)
        txt.append(f"{dept}\t{t.number}" if t.number else dept)
        txt.append(unit + "\n")
        self.y += 8
        self.page.txt.append("\n".join(txt))

    def _hline(self, x0, x1, y) -> None:
        self.page.ops.append(("l", x0, y, x1, y))

    def _table_header(self, t: Table, xs, head_lines, head_h, fs) -> None:
        top = self.y
        self._hline(xs[0], xs[-1], top)
        for c, lines in enumerate(head_lines):
            y = top + (head_h - len(lines) * fs * 1.3) / 2 + fs
            for ln in lines:
                self.text((xs[c] + xs[c + 1] - text_width(ln, fs)) / 2, y, ln, fs)
                y += fs * 1.3
        self.y = top + head_h
        self._hline(xs[0], xs[-1], self.y)
        for x in xs:
            self.page.ops.append(("l", x, top, x, self.y))
        self.page.txt.append("\t".join(t.header))

    def _table_row(self, t: Table, r: int, xs, row_h, fs) -> None:
        top = self.y
        base = top + row_h / 2 + fs * 0.35
        for c, cell in enumerate(t.grid[r]):
            if not cell:
                continue
            if NUMERIC.match(cell):
                x = xs[c + 1] - 3 - text_width(cell, fs)
            else:
                x = xs[c] + 3
            self.text(x, base, cell, fs)
        self.y = top + row_h
        self._hline(xs[0], xs[-1], self.y)
        for x in xs:
            self.page.ops.append(("l", x, top, x, self.y))
        self.row_page[(id(t), r)] = len(self.pages)
        self.page.txt.append("\t".join(t.grid[r]))


def _cover_lines(text: str) -> list[str]:
    m = re.search(r"\d{4}年", text)
    return [text[: m.start()], text[m.start():]] if m and m.start() > 0 else [text]


def _numeric_col(t: Table, c: int) -> bool:
    vals = [r[c] for r in t.grid if r[c]]
    return bool(vals) and all(NUMERIC.match(v) for v in vals)


def layout(doc: Document, rng: random.Random) -> Layout:
    w = _Writer(rng)
    for b in doc.blocks:
        if isinstance(b, Heading):
            w.heading(b)
        elif isinstance(b, Para):
            w.para(b)
        elif isinstance(b, Table):
            w.table(b)
            w.y = w.page.size[1]  # prose after a table starts on a new page
    return Layout(w.pages, w.block_page, w.row_page)


def render_text(lay: Layout) -> str:
    """The text export: markdown headings, paragraphs, tab-separated tables, form feeds between pages."""
    return "\f".join("\n".join(p.txt).rstrip("\n") + "\n" for p in lay.pages)


def render_pdf(lay: Layout, title: str) -> bytes:
    """Draw the pages with PyMuPDF; deterministic bytes (fixed metadata, no new ID)."""
    doc = pymupdf.open()
    f = font()
    for p in lay.pages:
        page = doc.new_page(width=p.size[0], height=p.size[1])
        tw = pymupdf.TextWriter(page.rect)
        shape = page.new_shape()
        lines = False
        for op in p.ops:
            if op[0] == "t":
                tw.append((op[1], op[2]), op[3], font=f, fontsize=op[4])
            else:
                shape.draw_line((op[1], op[2]), (op[3], op[4]))
                lines = True
        tw.write_text(page)
        if lines:
            shape.finish(width=0.5, color=(0, 0, 0))
            shape.commit()
    doc.subset_fonts()
    doc.set_metadata({"title": title, "author": "", "subject": "", "keywords": "", "creator": "crossfoot corpus",
                      "producer": "crossfoot corpus", "creationDate": "D:20250101000000Z",
                      "modDate": "D:20250101000000Z", "trapped": ""})
    return doc.tobytes(garbage=3, deflate=True, no_new_id=True)
