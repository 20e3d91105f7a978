"""Runs the registered rules over one document.  A rule that raises becomes an error record."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any

from extraction.datafiles import load_yaml
from extraction.limits import MAX_RULE_FINDINGS
from extraction.model import Document
from rules.base import Finding, Tie
from rules.confidence import with_confidence
from rules.registry import RULES, SET_RULES
from rules.version import RULES_VERSION  # noqa: F401 (re-exported: appdata, the tests)

log = logging.getLogger("rules")



@dataclass(frozen=True)
class RuleError:
    rule: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RuleRun:
    findings: tuple[Finding, ...]
    errors: tuple[RuleError, ...]
    # the claims the rules checked and found right, and those they passed over with a reason
    # (rules/status.py turns them into each claim's status)
    ties: tuple[Tie, ...] = ()
    notes: tuple[str, ...] = ()  # a rule cut at MAX_RULE_FINDINGS


def load_config(path: str | Path | None) -> dict[str, Any]:
    """Read a YAML config (``rules: {disable: [CF101, …]}``); a missing path means defaults."""
    if path is None:
        return {}
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the config must be a mapping")
    return data


def enabled_rules(config: dict[str, Any] | None = None, rules: Sequence[Any] | None = None):
    disabled = set((config or {}).get("rules", {}).get("disable", []) or [])
    unknown = disabled - {r.code for r in (*RULES, *SET_RULES)}
    if unknown:
        raise ValueError(f"unknown rule codes in config: {sorted(unknown)}")
    return [r for r in (RULES if rules is None else rules) if r.code not in disabled]


def run_set_rules(doc: Document, claims: Sequence[Any], prior: Document,
                  config: dict[str, Any] | None = None) -> RuleRun:
    """The document-set rules (CF9xx) on a report and another report of its department (``prior``:
    last year's); findings unnumbered (the caller numbers them on after the report's own)."""
    findings: list[Finding] = []
    errors: list[RuleError] = []
    ties: list[Tie] = []
    for rule_cls in enabled_rules(config, SET_RULES):
        rule = rule_cls()
        try:
            findings.extend(rule.check_pair(doc, claims, prior))
        except Exception as e:  # one broken rule must not stop the others
            log.exception("rule %s failed on %s with %s", rule_cls.code, doc.path, prior.path)
            errors.append(RuleError(rule_cls.code, f"{type(e).__name__}: {e}"))
            continue
        ties.extend(rule.ties)
    return RuleRun(tuple(with_confidence(doc, findings)), tuple(errors), tuple(ties))


def run_rules(doc: Document, claims: Sequence[Any] = (), config: dict[str, Any] | None = None) -> RuleRun:
    findings: list[Finding] = []
    errors: list[RuleError] = []
    ties: list[Tie] = []
    notes: list[str] = []
    for rule_cls in enabled_rules(config):
        rule = rule_cls()
        try:
            # (one more than the limit is taken, to know that it was reached; the rest is not made)
            found = list(islice(rule.check(doc, claims), MAX_RULE_FINDINGS + 1))
        except MemoryError:  # the document is over its memory budget, not the rule broken
            raise
        except Exception as e:  # one broken rule must not stop the others
            log.exception("rule %s failed on %s", rule_cls.code, doc.path)
            errors.append(RuleError(rule_cls.code, f"{type(e).__name__}: {e}"))
            continue
        if len(found) > MAX_RULE_FINDINGS:
            del found[MAX_RULE_FINDINGS:]
            notes.append(f"{rule_cls.code} has more than {MAX_RULE_FINDINGS} findings: the first "
                         f"{MAX_RULE_FINDINGS} are reported (MAX_RULE_FINDINGS)")
        findings.extend(found)
        ties.extend(getattr(rule, "ties", ()))
    findings = with_confidence(doc, findings)  # a scan's unsure figures (rules/confidence.py)
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: (f.evidence[0].page or 0 if f.evidence else 0, order[f.severity], f.rule))
    numbered = tuple(replace(f, id=f"f{i + 1}") for i, f in enumerate(findings))
    return RuleRun(numbered, tuple(errors), tuple(ties), tuple(notes))
