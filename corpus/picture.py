"""Render a generated page and a real page side by side (docs/corpus_side_by_side.png).

    python -m corpus.picture [generated.pdf] [real.pdf]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pymupdf

import extraction.mupdf_messages  # noqa: F401 (MuPDF's messages off stdout)

REAL = Path("tests/data/real/final_accounts/上海市普陀区财政局2024年度部门决算.pdf")
OUT = Path("docs/corpus_side_by_side.png")


def _page_with(doc: pymupdf.Document, needle: str) -> int:
    """The first page that holds the table itself (its title and a code column), not the contents list."""
    for i, p in enumerate(doc):
        text = p.get_text()
        if needle in text and ("科目编码" in text or "类" in text.split()):
            return i
    return 0


def side_by_side(generated: Path, real: Path = REAL, out: Path = OUT, needle: str = "收入决算表") -> Path:
    """Both pages scaled to one height, generated left, real right, with a gap."""
    g, r = pymupdf.open(generated), pymupdf.open(real)
    gi, ri = _page_with(g, needle), _page_with(r, needle)
    h = 595.0
    gw = g[gi].rect.width * h / g[gi].rect.height
    rw = r[ri].rect.width * h / r[ri].rect.height
    canvas = pymupdf.open()
    page = canvas.new_page(width=gw + rw + 20, height=h)
    page.draw_rect(page.rect, color=None, fill=(1, 1, 1))
    page.show_pdf_page(pymupdf.Rect(0, 0, gw, h), g, gi)
    page.show_pdf_page(pymupdf.Rect(gw + 20, 0, gw + 20 + rw, h), r, ri)
    page.draw_line((gw + 10, 0), (gw + 10, h), color=(0.6, 0.6, 0.6), width=1)
    out.parent.mkdir(parents=True, exist_ok=True)
    page.get_pixmap(dpi=110).save(out)
    return out


if __name__ == "__main__":
    gen = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("corpus/sample/d0001-2024-final.pdf")
    real = Path(sys.argv[2]) if len(sys.argv) > 2 else REAL
    print(side_by_side(gen, real))
