"""No error finding from a figure whose column is uncertain.

The reader marks a text-export row ``uncertain`` when its figures may not stand under the columns
they are read in (a row that lost a cell and cannot be put back, a header printed off its figures:
``extraction/alignment.py``).  A finding that cites such a figure may be comparing the wrong
columns: it is lowered to a warning, and says why.  Findings of other severities, and findings
citing only figures of certain rows, are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from extraction.model import Document
from rules.base import Finding

_WHY_ZH = "（该数字所在的列无法确定：{why}；文本导出的表格错位，仅作提示，请人工核对）"
_WHY_EN = " (the column of this figure is uncertain: {why}; a misaligned text export, so a warning only)"
_WHY_SHORT_ZH = {"header": "表头与数字列错位", "row": "该行少一格，数字无法对回原列"}


def uncertain_cells(doc: Document) -> dict[tuple[str, int, int], str]:
    """(table id, page, offset) of every printed cell of an uncertain row -> why it is uncertain."""
    out: dict[tuple[str, int, int], str] = {}
    for t in doc.tables:
        for r in t.rows:
            if r.uncertain is None:
                continue
            for c in r.cells:
                if c is not None and c.start is not None:
                    out[(t.id, c.page, c.start)] = r.uncertain
    return out


def demote_uncertain(docs: Sequence[Document], findings: Iterable[Finding]) -> list[Finding]:
    """The findings with every error that cites a figure of an uncertain row lowered to a warning.

    ``docs[0]`` is the document checked; the others are the documents a set rule read with it
    (an evidence item names them by sha256 in ``document``)."""
    cells = {d.sha256: uncertain_cells(d) for d in docs}
    cells[None] = cells.get(docs[0].sha256, {}) if docs else {}
    found = list(findings)
    if not any(cells.values()):
        return found
    out: list[Finding] = []
    for f in found:
        why = None
        if f.severity == "error":
            for e in f.evidence:
                if e.source != "table" or not e.table or e.start is None or e.page is None:
                    continue
                why = cells.get(e.document, {}).get((e.table.split(" ", 1)[0], e.page, e.start))
                if why is not None:
                    break
        if why is not None:
            short = _WHY_SHORT_ZH["header" if why.startswith("header") else "row"]
            f = replace(f, severity="warning", message=f.message + _WHY_ZH.format(why=short),
                        message_en=f.message_en + _WHY_EN.format(why=why))
        out.append(f)
    return out
