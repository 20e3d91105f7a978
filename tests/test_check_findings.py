"""`crossfoot check` with findings: JSON fields, --fail-on, --config, --annotate, a crashing rule."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest
from conftest import DATA

from crossfoot.cli import main
from crossfoot.pipeline import check_document
from rules import engine
from rules.base import Rule

SEED = DATA / "seeds/004_f64002770984a7bf.txt"  # has a wrong growth rate and a 元-for-万元 slip
PDF = DATA / "real/final_accounts/上海市普陀区财政局2024年度部门决算.pdf"  # "总计0.3万元" in its prose

FINDING_FIELDS = {"id", "rule", "name", "severity", "message", "message_en", "expected", "observed",
                  "difference", "tolerance", "evidence"}
EVIDENCE_FIELDS = {"source", "page", "text", "value", "table", "row", "column", "start", "end", "bbox"}
CLAIM_FIELDS = {"id", "kind", "metric", "label", "value", "unit", "yuan", "period", "scope", "base",
                "direction", "page", "start", "end", "text"}


def test_findings_json_contract(tmp_path):
    out = tmp_path / "r.json"
    rc = main(["check", str(SEED), "--format", "json", "--output", str(out), "--fail-on", "never"])
    assert rc == 0
    doc = json.loads(out.read_text("utf-8"))["documents"][0]
    assert doc["findings"], "seed 004 has known errors"
    for f in doc["findings"]:
        assert FINDING_FIELDS <= set(f)
        assert f["severity"] in ("error", "warning", "info")
        for e in f["evidence"]:
            assert EVIDENCE_FIELDS <= set(e)
    assert CLAIM_FIELDS <= set(doc["claims"][0])
    growth = next(f for f in doc["findings"] if f["rule"] == "CF402")
    assert growth["observed"] == pytest.approx(23.65)
    assert growth["expected"] == pytest.approx(2.19 / (12.05 - 2.19) * 100, abs=0.01)
    # the prose evidence points at the sentence on its page
    ev = growth["evidence"][0]
    page_text = open(SEED, encoding="utf-8").read()  # a text export is one page
    assert ev["source"] == "prose" and "23.65" in ev["text"]
    assert ev["text"] in page_text.replace("\t", "  ") or ev["text"][:20] in page_text


def test_fail_on_sets_the_exit_code(tmp_path):
    out = str(tmp_path / "o.txt")
    assert main(["check", str(SEED), "--output", out]) == 1  # default: errors fail
    assert main(["check", str(SEED), "--output", out, "--fail-on", "never"]) == 0
    clean = DATA / "seeds/000_18d5ca373dd9af9d.txt"
    rc = main(["check", str(clean), "--output", out, "--format", "json", "--fail-on", "error"])
    errors = [f for f in json.loads(Path(out).read_text("utf-8"))["documents"][0]["findings"]
              if f["severity"] == "error"]
    assert rc == (1 if errors else 0)


def test_config_disables_rules(tmp_path):
    cfg = tmp_path / "crossfoot.yaml"
    cfg.write_text("rules:\n  disable: [CF402, CF503]\n", encoding="utf-8")
    out = tmp_path / "r.json"
    main(["check", str(SEED), "--format", "json", "--output", str(out), "--config", str(cfg), "--fail-on", "never"])
    rules = {f["rule"] for f in json.loads(out.read_text("utf-8"))["documents"][0]["findings"]}
    assert "CF402" not in rules and "CF503" not in rules
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  disable: [CF999]\n", encoding="utf-8")
    assert main(["check", str(SEED), "--config", str(bad)]) == 2


def test_a_crashing_rule_is_an_error_record(monkeypatch):
    class Boom(Rule):
        """Always fails.

        Anti-pattern: none. Best practice: none.
        """

        code, name = "CF999", "test.boom"

        def check(self, doc, claims):
            raise RuntimeError("kaput")

    monkeypatch.setattr(engine, "RULES", [*engine.RULES, Boom])
    entry = check_document(SEED)
    assert entry["rule_errors"] == [{"rule": "CF999", "message": "RuntimeError: kaput"}]
    assert any(f["rule"] == "CF402" for f in entry["findings"])  # the other rules still ran


def test_annotate_writes_highlights_on_the_evidence_page(tmp_path):
    outdir = tmp_path / "annotated"
    main(["check", str(PDF), "--annotate", str(outdir), "--output", str(tmp_path / "o.txt"), "--fail-on", "never"])
    entry = check_document(PDF)
    pages = {e["page"] for f in entry["findings"] for e in f["evidence"]}
    assert pages, "the report has findings"
    out = outdir / f"{PDF.stem}.annotated.pdf"
    with pymupdf.open(out) as doc:
        annotated = {p.number + 1 for p in doc if list(p.annots())}
        notes = [a.info["content"] for p in doc for a in p.annots()]
    assert annotated and annotated <= pages
    assert any(f["message"] in notes for f in entry["findings"])
