"""One test per YAML case in tests/rules/<CODE>.yml (sqlfluff-style), plus the meta-tests:
every registered rule has a docstring with an example and at least one failing and one passing case."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crossfoot.pipeline import extract_claims
from extraction.reader import read_text
from rules.base import RuleContext
from rules.registry import RULES, SET_RULES, rule_by_code

CASES_DIR = Path(__file__).parent / "rules"


def _cases():
    for f in sorted(CASES_DIR.glob("CF*.yml")):
        spec = yaml.safe_load(f.read_text("utf-8"))
        for case in spec["cases"]:
            yield pytest.param(spec["rule"], case, id=f"{spec['rule']}_{case['expect']}_{case['id']}")


@pytest.mark.parametrize("code,case", list(_cases()))
def test_rule_case(code, case):
    doc = read_text(case["document"], f"{code}-{case['id']}.txt")
    assert doc.error is None, doc.error
    claims = extract_claims(doc)
    other_key = next((k for k in ("prior", "budget", "final") if k in case), None)
    if other_key:  # a rule of a document set (CF9xx): last year's report, the year's budget, last year's final account
        other = read_text(case[other_key], f"{code}-{case['id']}-{other_key}.txt")
        assert other.error is None, other.error
        findings = list(rule_by_code(code)().run_pair(RuleContext(doc, claims, documents=(doc, other))))
    else:
        findings = list(rule_by_code(code)().run(RuleContext(doc, claims)))
    if case["expect"] == "pass":
        assert findings == [], [f.message for f in findings]
        return
    assert findings, "expected a finding"
    if "count" in case:
        assert len(findings) == case["count"], [f.message for f in findings]
    first = findings[0]
    for key in ("expected", "observed", "severity"):
        if key in case:
            want = case[key]
            got = getattr(first, key)
            assert got == (pytest.approx(want, abs=1e-6) if isinstance(want, float) else want), (key, first.message)
    if "message_contains" in case:
        assert case["message_contains"] in first.message, first.message
    for f in findings:
        assert f.rule == code and f.evidence, f


def test_every_rule_has_docs_and_cases():
    codes = [r.code for r in (*RULES, *SET_RULES)]
    assert len(codes) == len(set(codes)), "duplicate rule codes"
    assert all(r.code.startswith("CF9") and hasattr(r, "check_pair") for r in SET_RULES)
    for rule in (*RULES, *SET_RULES):
        doc = rule.__doc__ or ""
        assert rule.description(), f"{rule.code} has no description"
        assert "Anti-pattern" in doc and "Best practice" in doc, f"{rule.code}: docstring needs both examples"
        assert rule.severity in ("error", "warning", "info")
        assert rule.name and "." in rule.name
        f = CASES_DIR / f"{rule.code}.yml"
        assert f.exists(), f"{rule.code} has no fixture file"
        cases = yaml.safe_load(f.read_text("utf-8"))["cases"]
        kinds = {c["expect"] for c in cases}
        assert kinds == {"pass", "fail"}, f"{rule.code} needs passing and failing cases"
