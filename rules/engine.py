"""Runs the registered rules over one document.  A rule that raises becomes an error record."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from extraction.datafiles import load_yaml
from extraction.model import Document
from rules.base import Finding
from rules.registry import RULES
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


def load_config(path: str | Path | None) -> dict[str, Any]:
    """Read a YAML config (``rules: {disable: [CF101, …]}``); a missing path means defaults."""
    if path is None:
        return {}
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the config must be a mapping")
    return data


def enabled_rules(config: dict[str, Any] | None = None):
    disabled = set((config or {}).get("rules", {}).get("disable", []) or [])
    unknown = disabled - {r.code for r in RULES}
    if unknown:
        raise ValueError(f"unknown rule codes in config: {sorted(unknown)}")
    return [r for r in RULES if r.code not in disabled]


def run_rules(doc: Document, claims: Sequence[Any] = (), config: dict[str, Any] | None = None) -> RuleRun:
    findings: list[Finding] = []
    errors: list[RuleError] = []
    for rule_cls in enabled_rules(config):
        try:
            found = list(rule_cls().check(doc, claims))
        except MemoryError:  # the document is over its memory budget, not the rule broken
            raise
        except Exception as e:  # one broken rule must not stop the others
            log.exception("rule %s failed on %s", rule_cls.code, doc.path)
            errors.append(RuleError(rule_cls.code, f"{type(e).__name__}: {e}"))
            continue
        findings.extend(found)
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: (f.evidence[0].page or 0 if f.evidence else 0, order[f.severity], f.rule))
    numbered = tuple(replace(f, id=f"f{i + 1}") for i, f in enumerate(findings))
    return RuleRun(numbered, tuple(errors))
