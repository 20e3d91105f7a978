"""Validate the hand-annotated gold set of prose claims (tests/gold/claims)."""
from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "claims"
METRICS = ROOT / "extraction" / "data" / "metrics.yaml"

KINDS = {"amount", "share", "change", "growth", "completion", "rate", "count", "comparison"}
PERIODS = {"current", "prior", "budget", "initial_budget", "adjusted_budget"}
SCOPES = {None, "all", "fiscal", "general_budget"}
DIRECTIONS = {None, "increase", "decrease", "flat", "greater", "less", "equal"}
UNITS = {None, "元", "万元", "亿元", "%", "个百分点", "人", "人次", "批次", "批", "辆", "个", "件", "次", "期",
         "名", "台", "项", "平方米", "分", "台（套）", "台(套)"}
FIELDS = ["page", "text", "kind", "metric", "label", "value", "unit", "period", "scope", "base", "direction"]


def _manifest() -> list[dict]:
    return yaml.safe_load((GOLD / "manifest.yaml").read_text(encoding="utf-8"))["documents"]


@cache
def _metric_ids() -> frozenset[str]:
    data = yaml.safe_load(METRICS.read_text(encoding="utf-8"))
    return frozenset(m["id"] for m in data)


@cache
def _pages(doc: str) -> tuple[str, ...]:
    p = ROOT / doc
    if p.suffix.lower() == ".pdf":
        pymupdf = pytest.importorskip("pymupdf")
        with pymupdf.open(p) as d:
            return tuple(pg.get_text() for pg in d)
    return (p.read_text(encoding="utf-8"),)


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _claims(entry: dict) -> list[dict]:
    lines = (GOLD / entry["gold"]).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_metrics_lexicon_loads():
    data = yaml.safe_load(METRICS.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data
    ids = [m["id"] for m in data]
    assert len(ids) == len(set(ids)), "duplicate metric ids"
    for m in data:
        assert set(m) <= {"id", "zh", "aliases", "unit_kind", "parent"}, m
        assert m["zh"] and isinstance(m["aliases"], list)
        assert m["unit_kind"] in {"money", "count", "percent", "area", "score"}, m
        if "parent" in m:
            assert m["parent"] in ids, m
        if m["id"].startswith("func:"):
            assert re.fullmatch(r"func:\d{3}(\d{2}){0,2}", m["id"]), m
        if m["id"].startswith("econ:"):
            assert re.fullmatch(r"econ:\d{3}(\d{2})?", m["id"]), m


def test_manifest_lists_every_gold_file_and_sha256_matches():
    entries = _manifest()
    listed = {e["gold"] for e in entries}
    assert listed == {p.name for p in GOLD.glob("*.jsonl")}
    for e in entries:
        doc = ROOT / e["document"]
        assert doc.exists(), e["document"]
        assert Path(e["gold"]).stem == doc.stem
        assert hashlib.sha256(doc.read_bytes()).hexdigest() == e["sha256"], e["document"]


@pytest.mark.parametrize("entry", _manifest(), ids=lambda e: e["gold"])
def test_gold_file(entry):
    claims = _claims(entry)
    assert claims
    if "claims" in entry:
        assert entry["claims"] == len(claims)
    pages = _pages(entry["document"])
    ids = _metric_ids()
    for n, c in enumerate(claims, 1):
        where = f"{entry['gold']}:{n}"
        assert list(c) == FIELDS, where
        assert isinstance(c["page"], int) and 1 <= c["page"] <= len(pages), where
        assert c["kind"] in KINDS, where
        assert c["metric"] in ids, f"{where}: unknown metric {c['metric']}"
        assert c["base"] is None or c["base"] in ids, f"{where}: unknown base {c['base']}"
        assert isinstance(c["label"], str) and c["label"], where
        assert c["unit"] in UNITS, f"{where}: unit {c['unit']}"
        assert c["period"] in PERIODS, where
        assert c["scope"] in SCOPES, where
        assert c["direction"] in DIRECTIONS, where
        # text: verbatim substring of its page (and so also after whitespace normalisation)
        page = pages[c["page"] - 1]
        assert c["text"] and c["text"] in page, f"{where}: text not on page {c['page']}"
        assert _norm(c["text"]) in _norm(page), where
        # kind-specific shape
        v = c["value"]
        if c["kind"] == "comparison":
            assert v is None and c["unit"] is None and c["direction"] in {"greater", "less", "equal"}, where
            continue
        assert isinstance(v, (int, float)) and not isinstance(v, bool), where
        if c["kind"] in {"share", "growth", "completion", "rate"}:
            assert c["unit"] in {"%", "个百分点"}, where
        if c["kind"] in {"share", "completion"}:
            assert c["base"], where
        if c["kind"] in {"change", "growth"}:
            want = "increase" if v > 0 else "decrease" if v < 0 else "flat"
            assert c["direction"] == want, where
        else:
            assert c["direction"] is None, where
        if c["unit"] is None:  # 无…支出 / 没有… / 持平 without a figure
            assert v == 0, where
        # the printed figure appears in the sentence (zero claims without a figure excepted)
        if c["unit"] is not None and c["kind"] != "change" or (c["kind"] == "change" and c["unit"]):
            digits = _norm(c["text"]).replace(",", "")
            av = abs(v)
            forms = {f"{av:g}", f"{av:.2f}", f"{av:.1f}", str(int(av)) if av == int(av) else f"{av:g}"}
            assert any(f in digits for f in forms), f"{where}: value {v} not in text"


def test_total_claims_at_least_400():
    total = sum(len(_claims(e)) for e in _manifest())
    assert total >= 400, total
