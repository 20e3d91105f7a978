"""The seeds as a department's web page and Word file: derived from their source text, never edited.

Each seed (``tests/data/seeds/*.txt``, a text export of a web page with its HTML left in) is
written again as ``tests/data/derived/<seed>.html`` and ``.docx`` by :mod:`corpus.render_web`
from its text (paragraphs → ``<p>``, markdown headings → ``<hN>`` / Heading N, tab-separated
lines → tables with their header labels merged over the empty cells after them), not from
crossfoot's reading of it (that would be circular).  ``tests/test_formats_equivalence.py``
derives them again and holds them byte-identical to the stored ones, and holds their reading to
the seed's: the same tables (kinds, row labels, values), claims and findings.

Also the figures of ``bench/formats.py``: :func:`equivalence` compares the reading of a derived
file with its original's.

Run ``python tests/formats.py`` to write the derived files after a change of the renderer.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEEDS = DATA / "seeds"
DERIVED = DATA / "derived"
FORMATS = ("html", "docx")

# The grid of the small 支出决算表 the reader tests write as a web page and a Word table with merged
# cells (科目编码 and 科目名称 over two header rows, 本年支出 over three columns, 合计 over two): a
# merged cell's text at its first row and column, "" where it spans.
MERGED_GRID = [
    ["功能分类科目编码", "科目名称", "本年支出", "", ""],
    ["", "", "合计", "基本支出", "项目支出"],
    ["201", "一般公共服务支出", "142.68", "137.73", "4.95"],
    ["20103", "政府办公厅（室）及相关机构事务", "142.68", "137.73", "4.95"],
    ["合计", "", "142.68", "137.73", "4.95"],
]


def derive(seed: Path, fmt: str) -> bytes:
    """The bytes of ``seed`` as a web page ("html") or a Word document ("docx")."""
    from corpus.render_web import render_report

    return render_report(seed.read_bytes().decode("utf-8-sig"), fmt)


def derived_pairs() -> list[tuple[Path, Path, str]]:
    """(seed, derived file, format) for every seed and format."""
    return [(s, DERIVED / f"{s.stem}.{fmt}", fmt) for s in sorted(SEEDS.glob("*.txt")) for fmt in FORMATS]


def table_key(table) -> tuple:
    """What a table must read the same in every form: kind, number, unit and each row's code,
    label and values."""
    return (table.kind, table.number, table.unit,
            tuple((r.code, r.name, r.values) for r in table.rows))


def claim_key(claim: dict, pages: bool = True) -> tuple:
    """A claim of the check JSON without its offsets and ids (they point into another page text);
    without its page too when ``pages`` is false."""
    return tuple(claim.get(k) for k in ("kind", "metric", "label", "value", "unit", "period", "scope", "base",
                                        "direction", "page" if pages else "", "status", "reason", "tied_by"))


def finding_key(f: dict, pages: bool = True) -> tuple:
    """A finding without its ids: its rule, severity, message and the evidence's page and value
    (not its page when ``pages`` is false)."""
    return (f["rule"], f["severity"], f["message"],
            tuple((e.get("page") if pages else None, e.get("value"), e.get("table"), e.get("row"))
                  for e in f.get("evidence", [])))


def equivalence(original: Path, other: Path, pages: bool = True) -> dict[str, tuple[int, int]]:
    """How many tables, figures (table cell values), claims and findings of ``other`` read the same
    as ``original``'s: each as (same, of the original's).  ``pages`` false: the two forms number
    their pages differently (a workbook's pages are its sheets), so pages are not compared."""
    from collections import Counter

    from crossfoot.pipeline import check_document
    from extraction.reader import read_document

    a, b = read_document(original), read_document(other)
    ta, tb = [table_key(t) for t in a.tables], [table_key(t) for t in b.tables]
    fa = Counter((i, j, k, v) for i, t in enumerate(ta) for j, r in enumerate(t[3]) for k, v in enumerate(r[2]))
    fb = Counter((i, j, k, v) for i, t in enumerate(tb) for j, r in enumerate(t[3]) for k, v in enumerate(r[2]))
    ca, cb = check_document(original), check_document(other)

    def same(x: list, y: list) -> tuple[int, int]:
        return sum((Counter(x) & Counter(y)).values()), len(x)

    return {
        "tables": same(ta, tb),
        "figures": (sum((fa & fb).values()), sum(fa.values())),
        "claims": same([claim_key(c, pages) for c in ca["claims"]], [claim_key(c, pages) for c in cb["claims"]]),
        "findings": same([finding_key(f, pages) for f in ca["findings"]],
                         [finding_key(f, pages) for f in cb["findings"]]),
    }


def main() -> None:
    DERIVED.mkdir(exist_ok=True)
    for seed, out, fmt in derived_pairs():
        out.write_bytes(derive(seed, fmt))
        print(f"{out.relative_to(ROOT)}: {out.stat().st_size} bytes")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
