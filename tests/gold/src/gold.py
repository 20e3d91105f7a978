"""Tiny helpers used to write the hand annotations in ann_*.py.

Nothing here finds claims: every claim is written by hand in ann_*.py.  The
helpers only (a) cut the verbatim sentence out of the page text from a start
snippet and an end snippet chosen by the annotator, and (b) fill the fixed
JSON fields.  Run ``python tests/gold/src/build.py`` to regenerate the JSONL.
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def page_texts(doc: str) -> list[str]:
    p = ROOT / doc
    if p.suffix == ".pdf":
        import pymupdf
        with pymupdf.open(p) as d:
            return [pg.get_text() for pg in d]
    return [p.read_text(encoding="utf-8")]


class Doc:
    def __init__(self, path: str):
        self.path = path
        self.pages = page_texts(path)
        self.claims: list[dict] = []
        self.page = 1
        self.text = None
        self._pos = {}

    # -- sentence selection -------------------------------------------------
    def S(self, start: str, end: str | None = None, page: int | None = None, nth: int = 0):
        """Select the sentence: from `start` (its nth occurrence on the page) to
        the end of `end` (first occurrence after start); default end: the
        next 。 or, on a text export, the end of the line, whichever first."""
        if page is not None:
            self.page = page
        t = self.pages[self.page - 1]
        i = -1
        for _ in range(nth + 1):
            i = t.find(start, i + 1)
            if i < 0:
                raise ValueError(f"start not found p{self.page}: {start!r}")
        if end is None:
            cands = [t.find("。", i)]
            if not self.path.endswith(".pdf"):
                cands.append(t.find("\n", i) - 1)
            cands = [c for c in cands if c >= 0]
            j = min(cands) + 1 if cands else len(t)
        else:
            j = t.find(end, i)
            if j < 0:
                raise ValueError(f"end not found p{self.page}: {end!r}")
            j += len(end)
        self.text = t[i:j]
        self._end = j
        return self

    def NEXT(self):
        """Select the sentence right after the current one (up to the next 。)."""
        t = self.pages[self.page - 1]
        i = self._end
        while i < len(t) and t[i].isspace():
            i += 1
        j = t.find("。", i)
        j = len(t) if j < 0 else j + 1
        self.text = t[i:j]
        self._end = j
        return self

    # -- claims ---------------------------------------------------------------
    def c(self, kind, metric, label, value, unit, period="current", scope=None, base=None, direction=None):
        assert self.text is not None
        self.claims.append({"page": self.page, "text": self.text, "kind": kind, "metric": metric,
                            "label": label, "value": value, "unit": unit, "period": period,
                            "scope": scope, "base": base, "direction": direction})

    def A(self, metric, label, value, unit="万元", period="current", scope=None):
        self.c("amount", metric, label, value, unit, period, scope)

    def SH(self, metric, label, value, base, scope=None, period="current"):
        self.c("share", metric, label, value, "%", period, scope, base)

    def CH(self, metric, label, value, unit="万元", scope=None):
        d = "increase" if value > 0 else "decrease" if value < 0 else "flat"
        self.c("change", metric, label, value, unit, "current", scope, None, d)

    def GR(self, metric, label, value, scope=None):
        d = "increase" if value > 0 else "decrease" if value < 0 else "flat"
        self.c("growth", metric, label, value, "%", "current", scope, None, d)

    def FLAT(self, metric, label, scope=None):
        """持平 / 相同 / 无变化 against the prior year, no figure printed."""
        self.c("change", metric, label, 0, None, "current", scope, None, "flat")

    def CP(self, metric, label, value, period="budget", scope=None):
        """完成预算的 x%: period says which budget (budget/initial_budget/adjusted_budget)."""
        self.c("completion", metric, label, value, "%", period, scope, metric)

    def R(self, metric, label, value, base=None, unit="%"):
        self.c("rate", metric, label, value, unit, "current", None, base)

    def N(self, metric, label, value, unit, period="current", scope=None):
        self.c("count", metric, label, value, unit, period, scope)

    def CMP(self, metric, label, direction, scope=None, period="current"):
        """决算数大于/小于/等于(持平)预算数: value null."""
        self.c("comparison", metric, label, None, None, period, scope, metric, direction)

    def write(self, out: Path):
        out.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in self.claims), encoding="utf-8")
