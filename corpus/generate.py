"""`crossfoot corpus generate`: many realistic reports with planted, labelled errors and anomalies.

Each department gets one final-account and one budget report per year.  Every random
choice comes from a generator seeded by a hash of (seed, department, year, purpose), so
the output is byte-identical for a seed whatever the number of workers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from corpus import build, errors, layout, ledger, render_web, render_xlsx
from corpus.model import Document

log = logging.getLogger("corpus")

ANOMALY_KINDS = ("three_public_per_staff", "reception_per_batch", "project_share", "prior_year_jump")
ANOMALY_FEATURES = {
    "three_public_per_staff": ["three_public_per_staff"],
    "reception_per_batch": ["reception_per_batch"],
    "project_share": ["project_share"],
    "prior_year_jump": ["expenditure_growth"],
}
# A jump is lasting (corpus.ledger carries the department's size on), so every later year of the
# department spends 2.6–4× per staff what its peers do: it is labelled with the jump's kind, its
# year and this feature (and the features of its own anomaly, if it has one).
AFTER_JUMP_FEATURES = ["basic_per_staff"]
# Kinds a budget report has no place for (no execution figures, no counts in its prose).
NOT_IN_BUDGET = {"execution_rate_base", "count_mismatch"}


def parse_years(s: str) -> tuple[int, int]:
    """'2023-2024' or '2024' → (first, last); ValueError on anything else."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", s or "")
    if not m:
        raise ValueError(f"expected Y1-Y2 like 2023-2024, got {s!r}")
    y1 = int(m.group(1))
    y2 = int(m.group(2) or y1)
    if y2 < y1 or not 2000 <= y1 <= 2100 or y2 - y1 > 50:
        raise ValueError(f"bad year range {s!r}")
    return y1, y2


def derive_rng(seed: int, *parts) -> random.Random:
    h = hashlib.sha256(":".join(str(p) for p in (seed, *parts)).encode()).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


def draw_departments(seed: int, n: int) -> list[ledger.Department]:
    """The corpus's departments, drawn in index order so that every name is unique (a taken name
    is drawn again from parts, see :func:`corpus.ledger.draw_department`) and the same for a seed
    whatever the number of workers; the 统一社会信用代码 is unique by construction."""
    taken: set[str] = set()
    return [ledger.draw_department(derive_rng(seed, "dept", i), i, taken, derive_rng(seed, "name", i))
            for i in range(n)]


def _department_task(args: tuple) -> list[dict]:
    (out, dept, years, err_rate, anom_rate, seed, fmt, kinds, split_rate, cross_rate, cross_kinds, prior_figures) = args
    out = Path(out)
    index = int(dept.id[1:])
    y1, y2 = years
    # A department publishes every report alike: as one file, or as a text file and a tables file.
    split = split_rate > 0 and derive_rng(seed, "split", index).random() < split_rate
    prev = ledger.draw_year(derive_rng(seed, "ledger", index, y1 - 1), dept, y1 - 1, None)
    records = []
    jump_year = None
    # the tables last year's reports left out (a planted missing_table): what the corpus does not hold
    missing_last_year: dict[str, set[str]] = {}
    missing: dict[str, set[str]] = {}
    for year in range(y1, y2 + 1):
        arng = derive_rng(seed, "anomaly", index, year)
        anomaly = arng.choice(ANOMALY_KINDS) if arng.random() < anom_rate else None
        label = {"kind": anomaly, "features": list(ANOMALY_FEATURES[anomaly])} if anomaly else None
        if jump_year is not None:
            label = label or {"kind": "prior_year_jump", "features": []}
            label["features"] += [f for f in AFTER_JUMP_FEATURES if f not in label["features"]]
            label["jump_year"] = jump_year
        if anomaly == "prior_year_jump":
            jump_year = year
        led = ledger.draw_year(derive_rng(seed, "ledger", index, year), dept, year, prev, anomaly)
        for doc_kind, builder in (("final_accounts", build.build_final), ("budget", build.build_budget)):
            drng = derive_rng(seed, "doc", index, year, doc_kind)
            if doc_kind == "budget" and prior_figures:
                doc = builder(dept, led, prev, drng, prior_execution=True)
            else:
                doc = builder(dept, led, prev, drng)
            erng = derive_rng(seed, "errors", index, year, doc_kind)
            planted: list[errors.Planted] = []
            if erng.random() < err_rate:
                pool = [k for k in (kinds or errors.ERROR_KINDS)
                        if not (doc_kind == "budget" and k in NOT_IN_BUDGET)]
                n = 2 if erng.random() < 0.2 else 1
                if n > 1:
                    pool = [k for k in pool if k != "missing_table"] or pool
                planted = errors.plant(doc, erng, pool, n)
            crng = derive_rng(seed, "cross", index, year, doc_kind)
            if cross_rate > 0 and crng.random() < cross_rate:
                # only where the corpus holds the other document: last year's report, the year's budget
                pool = [k for k in (cross_kinds or errors.CROSS_KINDS)
                        if (k != "prior_year_restated" or year > y1)
                        and (k != "budget_vs_final_mismatch" or doc_kind == "final_accounts")
                        and (k != "split_mismatch" or split)
                        # last year's figures a budget prints: only when asked for, and against the
                        # budget and final account of last year
                        and (k not in errors.PRIOR_FIGURE_KINDS or (prior_figures and doc_kind == "budget"
                                                                    and year > y1
                                                                    and not _left_out(k, missing_last_year)))]
                planted += errors.plant_cross(doc, crng, pool, planted)
            missing[doc_kind] = {p.extra["table"] for p in planted if p.kind == "missing_table"}
            stem = f"{dept.id}-{year}-{'final' if doc_kind == 'final_accounts' else 'budget'}"
            lrng = derive_rng(seed, "layout", index, year, doc_kind)
            if split:
                parts = split_report(doc)
                names = split_names(dept, year, doc_kind)
            else:
                parts, names = {"report": doc}, {"report": stem}
            # (a workbook's pages are its sheets: its layout is its own)
            lay_of = render_xlsx.layout if fmt == "xlsx" else layout.layout
            lays = {part: lay_of(d, lrng) for part, d in parts.items()}
            files: dict[str, list[str]] = {}
            for part, lay in lays.items():
                files[part] = []
                title = f"{dept.name}{year}" + ("" if part == "report" else names[part][len(dept.name) + 4:])
                if fmt in ("pdf", "both"):
                    (out / f"{names[part]}.pdf").write_bytes(layout.render_pdf(lay, title))
                    files[part].append(f"{names[part]}.pdf")
                if fmt in ("txt", "both"):
                    (out / f"{names[part]}.txt").write_text(layout.render_text(lay), encoding="utf-8")
                    files[part].append(f"{names[part]}.txt")
                if fmt == "xlsx":
                    (out / f"{names[part]}.xlsx").write_bytes(render_xlsx.render(lay))
                    files[part].append(f"{names[part]}.xlsx")
                if fmt in render_web.FORMATS:  # the text export as a web page (some in GB2312) or a Word file
                    gb = derive_rng(seed, "charset", index, year, doc_kind).random() < 0.3
                    data = render_web.render_report(layout.render_text(lay), fmt, "gb2312" if gb else "utf-8")
                    (out / f"{names[part]}.{fmt}").write_bytes(data)
                    files[part].append(f"{names[part]}.{fmt}")
                if fmt == "scan":  # the PDF's pages as page images: an image-only PDF
                    from corpus.render_scan import scan_pdf

                    (out / f"{names[part]}.pdf").write_bytes(scan_pdf(layout.render_pdf(lay, title)))
                    files[part].append(f"{names[part]}.pdf")
            all_files = [f for fs in files.values() for f in fs]
            record = {
                "file": all_files[0], "files": all_files, "department": dept.name, "department_id": dept.id,
                "department_code": dept.code, "type": dept.type,
                "level": dept.level, "year": year, "kind": doc_kind,
                "pages": sum(len(lay.pages) for lay in lays.values()),
                "errors": [_error_record(p, doc, parts, lays) for p in planted],
                "anomaly": label,
            }
            if split:
                record["parts"] = files  # {"text": [...], "tables": [...]}: one report over two files
            records.append(record)
        prev, missing_last_year, missing = led, missing, {}
    return records


# the table of last year's report (by its kind) each error of last year's figures is measured against
_MEASURED_AGAINST = {"prior_column_restated": ("budget", "three_public"),
                     "execution_vs_final_mismatch": ("final_accounts", "general_budget_expenditure")}


def _left_out(kind: str, missing_last_year: dict[str, set[str]]) -> bool:
    """Whether last year's report left out the table an error of last year's figures is measured against."""
    doc_kind, table = _MEASURED_AGAINST[kind]
    return table in missing_last_year.get(doc_kind, set())


def split_report(doc: Document) -> dict[str, Document]:
    """A report as real departments publish it in two files: the text (every heading and paragraph,
    no table) and the tables (a title of its own and every table, no prose), sharing the blocks of
    ``doc`` so that planted errors are located in the file that prints them."""
    from dataclasses import replace

    from corpus.model import Heading, Span, Table

    text = replace(doc, blocks=[b for b in doc.blocks if not isinstance(b, Table)])
    kind = "年预算公开表格" if doc.doc_kind == "budget" else "年度决算公开表格"
    cover = Heading("{0}{1}" + kind, 0, [Span(doc.department, "dept"), Span(str(doc.year), "year")])
    tables = replace(doc, blocks=[cover] + [b for b in doc.blocks if isinstance(b, Table)], claims=[])
    return {"text": text, "tables": tables}


def split_names(dept: ledger.Department, year: int, doc_kind: str) -> dict[str, str]:
    """The file names real split reports have (江苏省委办公厅2017年部门预算.pdf, …2017年预算公开表格.pdf)."""
    if doc_kind == "budget":
        return {"text": f"{dept.name}{year}年部门预算", "tables": f"{dept.name}{year}年预算公开表格"}
    return {"text": f"{dept.name}{year}年度部门决算", "tables": f"{dept.name}{year}年度决算公开表格"}


def _error_record(p: errors.Planted, doc: Document, parts: dict[str, Document], lays: dict) -> dict:
    """The truth of a planted error; in a split report with ``part``, the file (text or tables) its page is in."""
    if len(parts) == 1:
        return p.record(errors.page_of(p, doc, lays["report"]))
    loc = p.locator
    if loc[0] == "block_index":  # a table left out: where it should have been, in the tables file
        rec = p.record(_missing_table_page(loc[1], doc, parts["tables"], lays["tables"]))
        rec["part"] = "tables"
        return rec
    for part, d in parts.items():
        page = errors.page_of(p, d, lays[part]) if loc[0] != "cell" or any(b is loc[1] for b in d.blocks) else 0
        if page:
            rec = p.record(page)
            rec["part"] = part
            return rec
    return p.record(0)


def _missing_table_page(i: int, doc: Document, tables: Document, lay) -> int:
    from corpus.model import Table

    nxt = next((b for b in doc.blocks[i:] if isinstance(b, Table)), None)
    return lay.block_page[id(nxt)] if nxt is not None else len(lay.pages)


def generate_corpus(out: Path, departments: int, years: tuple[int, int], errors: float, anomalies: float,
                    seed: int, fmt: str, error_kinds: list[str] | None, workers: int | None,
                    split: float = 0.0, cross_errors: float = 0.0,
                    cross_kinds: list[str] | None = None, prior_figures: bool = False) -> list[dict]:
    """Write departments × years × {final, budget} reports and truth.jsonl under out; return the records.

    ``split``: the share of departments that publish each report as two files (text, tables);
    ``cross_errors``: the share of reports given one error between documents (CROSS_KINDS);
    ``prior_figures``: budgets state last year's execution of each line (item statements), and the
    errors of last year's figures (PRIOR_FIGURE_KINDS) join the errors between documents.
    All off by default, so that a corpus of a seed stays what it was."""
    from corpus.errors import CROSS_KINDS, ERROR_KINDS

    if fmt not in ("pdf", "txt", "both", "xlsx", "scan", *render_web.FORMATS):
        raise ValueError(f"format must be pdf, txt, both, xlsx, html, docx or scan, not {fmt!r}")
    if error_kinds:
        unknown = [k for k in error_kinds if k not in ERROR_KINDS]
        if unknown:
            raise ValueError(f"unknown error kinds: {', '.join(unknown)}")
    if cross_kinds:
        unknown = [k for k in cross_kinds if k not in CROSS_KINDS]
        if unknown:
            raise ValueError(f"unknown cross-document error kinds: {', '.join(unknown)}")
    if not (0 <= split <= 1 and 0 <= cross_errors <= 1):
        raise ValueError("split and cross-errors are shares between 0 and 1")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tasks = [(str(out), d, years, errors, anomalies, seed, fmt, error_kinds, split, cross_errors, cross_kinds,
              prior_figures)
             for d in draw_departments(seed, departments)]
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as ex:
            results = list(ex.map(_department_task, tasks, chunksize=max(1, len(tasks) // (workers * 4))))
    else:
        results = [_department_task(t) for t in tasks]
    records = [r for rs in results for r in rs]
    with open(out / "truth.jsonl", "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    log.info("wrote %d documents to %s", len(records), out)
    return records
