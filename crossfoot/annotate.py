"""Write a copy of each checked PDF with every finding's evidence highlighted and its message attached."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pymupdf

import extraction.mupdf_messages  # noqa: F401 (MuPDF's messages off stdout)

log = logging.getLogger("crossfoot")

COLORS = {"error": (0.9, 0.1, 0.1), "warning": (0.95, 0.6, 0.0), "info": (0.2, 0.4, 0.9)}


def _rects_for(page: pymupdf.Page, ev: dict[str, Any]) -> list[pymupdf.Rect]:
    if ev.get("bbox"):
        return [pymupdf.Rect(ev["bbox"])]
    text = (ev.get("text") or "").strip()
    if not text:
        return []
    # prose evidence: search a short, distinctive piece of the sentence on its page
    needle = text if len(text) <= 40 else text[:40]
    hits = page.search_for(needle)
    if not hits and ev.get("value") is not None:
        hits = page.search_for(f"{ev['value']:.2f}")
    return hits[:3]


def annotate_pdf(src: Path, findings: list[dict[str, Any]], out: Path) -> int:
    """Highlight each finding's evidence on its page; returns the number of annotations written."""
    n = 0
    with pymupdf.open(src) as doc:
        for f in findings:
            for ev in f.get("evidence", []):
                page_no = ev.get("page")
                if not page_no or page_no > doc.page_count:
                    continue
                page = doc[page_no - 1]
                for r in _rects_for(page, ev):
                    annot = page.add_highlight_annot(r) if not ev.get("bbox") else page.add_rect_annot(r)
                    annot.set_colors(stroke=COLORS.get(f["severity"], COLORS["info"]))
                    annot.set_info(title=f"crossfoot {f['rule']} {f['severity']}", content=f["message"])
                    annot.update()
                    n += 1
        out.parent.mkdir(parents=True, exist_ok=True)
        doc.save(out, garbage=3, deflate=True)
    return n


def annotate_documents(docs: list[dict[str, Any]], out_dir: Path) -> list[Path]:
    """Annotate every readable PDF among the checked documents into ``out_dir``."""
    written = []
    for d in docs:
        src = Path(d["path"])
        if d["status"] != "ok" or src.suffix.lower() != ".pdf" or not src.exists():
            continue
        out = out_dir / f"{src.stem}.annotated.pdf"
        try:
            annotate_pdf(src, d["findings"], out)
            written.append(out)
        except Exception as e:  # a failed annotation must not lose the check results
            log.warning("could not annotate %s: %s", src, e)
    return written
