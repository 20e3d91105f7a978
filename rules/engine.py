"""Runs the registered rules over one document.  A rule that raises becomes an error record."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

from extraction.datafiles import load_yaml
from extraction.limits import MAX_RULE_FINDINGS
from extraction.model import Document
from rules.base import Finding, RuleContext, Tie
from rules.confidence import with_confidence
from rules.positions import demote_uncertain
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
    # the run's context (its document, claims and shared lookups): rules/status.py reads the
    # lookups the rules built instead of building them again; it goes with the run
    context: RuleContext | None = field(default=None, compare=False, repr=False)


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
    last year's); findings unnumbered (the caller numbers them on after the report's own).  The
    rules share one context, whose set is the two reports."""
    ctx = RuleContext(doc, claims, config or {}, (doc, prior))
    findings: list[Finding] = []
    errors: list[RuleError] = []
    ties: list[Tie] = []
    for rule_cls in enabled_rules(config, SET_RULES):
        rule = rule_cls()
        try:
            findings.extend(rule.run_pair(ctx))
        except Exception as e:  # one broken rule must not stop the others
            log.exception("rule %s failed on %s with %s", rule_cls.code, doc.path, prior.path)
            errors.append(RuleError(rule_cls.code, f"{type(e).__name__}: {e}"))
            continue
        ties.extend(rule.ties)
    findings = with_confidence(doc, demote_uncertain((doc, prior), findings))
    return RuleRun(tuple(findings), tuple(errors), tuple(ties), context=ctx)


def run_rules(doc: Document, claims: Sequence[Any] = (), config: dict[str, Any] | None = None) -> RuleRun:
    """The registered rules on one document and its claims: one context for the run (a set of one
    document), handed to each rule in order; findings numbered in the order of their pages."""
    ctx = RuleContext(doc, claims, config or {})
    findings: list[Finding] = []
    errors: list[RuleError] = []
    ties: list[Tie] = []
    notes: list[str] = []
    for rule_cls in enabled_rules(config):
        rule = rule_cls()
        try:
            # (one more than the limit is taken, to know that it was reached; the rest is not made)
            found = list(islice(rule.run(ctx), MAX_RULE_FINDINGS + 1))
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
    findings = demote_uncertain((doc,), findings)  # no error from a figure off its column
    findings = with_confidence(doc, findings)  # a scan's unsure figures (rules/confidence.py)
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: (f.evidence[0].page or 0 if f.evidence else 0, order[f.severity], f.rule))
    numbered = tuple(replace(f, id=f"f{i + 1}") for i, f in enumerate(findings))
    return RuleRun(numbered, tuple(errors), tuple(ties), tuple(notes), ctx)
