"""Findings on figures read by OCR: each evidence keeps its confidence, and a finding that rests on
an unsure figure is a warning that says so.

A scan's figure may be misread (a 3 read as 8).  The reader keeps how sure OCR was of every word
(``Page.confidences``, ``Cell.confidence``: the least sure character, 0–1).  After the rules ran,
each evidence on a page read by OCR gets the confidence of the words it points at; a finding of
error severity with an evidence below ``extraction.ocr.LOW_CONFIDENCE`` becomes a warning whose
message names the unsure figure.  When the finding is a difference (a table that does not foot,
two figures that disagree) and changing one digit of an unsure figure explains it, the message
says that the figure is likely an OCR misread.
"""

from __future__ import annotations

from dataclasses import replace

from extraction.model import Document
from extraction.ocr import LOW_CONFIDENCE, span_confidence
from rules.base import Evidence, Finding


def ocr_pages(doc: Document) -> bool:
    """Whether any page of the document was read by OCR."""
    return any(p.confidences for p in doc.pages)


def with_confidence(doc: Document, findings: list[Finding]) -> list[Finding]:
    """The findings with the OCR confidence of their evidence, those resting on an unsure figure
    lowered to warnings (see the module)."""
    if not ocr_pages(doc):
        return findings
    return [_checked(doc, f) for f in findings]


def _evidence_confidence(doc: Document, e: Evidence) -> Evidence:
    if e.confidence is not None or e.document is not None or not e.page or not 0 < e.page <= len(doc.pages):
        return e
    c = span_confidence(doc.pages[e.page - 1], e.start, e.end)
    return e if c is None else replace(e, confidence=c)


def _checked(doc: Document, f: Finding) -> Finding:
    evidence = tuple(_evidence_confidence(doc, e) for e in f.evidence)
    unsure = [e for e in evidence if e.confidence is not None and e.confidence < LOW_CONFIDENCE]
    if not unsure:
        return replace(f, evidence=evidence) if evidence != f.evidence else f
    misread = next((e for e in unsure if e.source == "table" and explains(e, f.difference)), None)
    worst = min(unsure, key=lambda e: e.confidence)
    if misread is not None:
        note = f"（可能是OCR误识：{misread.text.strip()}，识别置信度{misread.confidence:.2f}）"
        note_en = (f" (likely OCR misread: {misread.text.strip()} was read with confidence "
                   f"{misread.confidence:.2f}; one digit of it explains the difference)")
    else:
        note = f"（所依据的“{_short(worst.text)}”由OCR识别，置信度{worst.confidence:.2f}，可能误识）"
        note_en = (f" (rests on \"{_short(worst.text)}\" read by OCR with confidence {worst.confidence:.2f}: "
                   "it may be misread)")
    severity = "warning" if f.severity == "error" else f.severity
    return replace(f, severity=severity, message=f.message + note, message_en=f.message_en + note_en,
                   evidence=evidence)


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 30 else text[:29] + "…"


def explains(e: Evidence, difference: float | None) -> bool:
    """Whether one digit of the printed figure ``e``, read otherwise, makes ``difference`` (a
    finding's observed − expected) vanish: the figure's true value would be its value minus the
    difference (it is the observed side) or plus it (an expected side), printed with its decimals
    and differing from it in one digit."""
    if difference is None or e.value is None or abs(difference) < 1e-12:
        return False
    printed = e.text.strip()
    decimals = len(printed.rsplit(".", 1)[1]) if "." in printed else 0
    digits = _digits(e.value, decimals)
    for true in (e.value - difference, e.value + difference):
        other = _digits(true, decimals)
        if len(other) == len(digits) and sum(a != b for a, b in zip(digits, other)) == 1:
            return True
    return False


def _digits(value: float, decimals: int) -> str:
    return f"{abs(value):.{decimals}f}".replace(".", "") + ("-" if value < 0 else "")

