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

from corpus import build, errors, layout, ledger

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
    (out, dept, years, err_rate, anom_rate, seed, fmt, kinds) = args
    out = Path(out)
    index = int(dept.id[1:])
    y1, y2 = years
    prev = ledger.draw_year(derive_rng(seed, "ledger", index, y1 - 1), dept, y1 - 1, None)
    records = []
    jump_year = None
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
            doc = builder(dept, led, prev, derive_rng(seed, "doc", index, year, doc_kind))
            erng = derive_rng(seed, "errors", index, year, doc_kind)
            planted: list[errors.Planted] = []
            if erng.random() < err_rate:
                pool = [k for k in (kinds or errors.ERROR_KINDS)
                        if not (doc_kind == "budget" and k in NOT_IN_BUDGET)]
                n = 2 if erng.random() < 0.2 else 1
                if n > 1:
                    pool = [k for k in pool if k != "missing_table"] or pool
                planted = errors.plant(doc, erng, pool, n)
            lay = layout.layout(doc, derive_rng(seed, "layout", index, year, doc_kind))
            stem = f"{dept.id}-{year}-{'final' if doc_kind == 'final_accounts' else 'budget'}"
            files = []
            if fmt in ("pdf", "both"):
                (out / f"{stem}.pdf").write_bytes(layout.render_pdf(lay, f"{dept.name}{year}"))
                files.append(f"{stem}.pdf")
            if fmt in ("txt", "both"):
                (out / f"{stem}.txt").write_text(layout.render_text(lay), encoding="utf-8")
                files.append(f"{stem}.txt")
            records.append({
                "file": files[0], "files": files, "department": dept.name, "department_id": dept.id,
                "department_code": dept.code, "type": dept.type,
                "level": dept.level, "year": year, "kind": doc_kind, "pages": len(lay.pages),
                "errors": [p.record(errors.page_of(p, doc, lay)) for p in planted],
                "anomaly": label,
            })
        prev = led
    return records


def generate_corpus(out: Path, departments: int, years: tuple[int, int], errors: float, anomalies: float,
                    seed: int, fmt: str, error_kinds: list[str] | None, workers: int | None) -> list[dict]:
    """Write departments × years × {final, budget} reports and truth.jsonl under out; return the records."""
    from corpus.errors import ERROR_KINDS

    if fmt not in ("pdf", "txt", "both"):
        raise ValueError(f"format must be pdf, txt or both, not {fmt!r}")
    if error_kinds:
        unknown = [k for k in error_kinds if k not in ERROR_KINDS]
        if unknown:
            raise ValueError(f"unknown error kinds: {', '.join(unknown)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tasks = [(str(out), d, years, errors, anomalies, seed, fmt, error_kinds)
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
