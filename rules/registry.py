"""The rules crossfoot runs, registered explicitly (a rule not listed here does not run).

Codes are stable and never reused: CF1xx footing inside a table, CF2xx across tables,
CF3xx prose against tables, CF4xx prose arithmetic, CF5xx units, CF6xx metadata,
CF7xx classification codes, CF8xx hygiene.
"""

from __future__ import annotations

from rules import CF101, CF102

RULES = [
    CF101.RULE,
    CF102.RULE,
]


def rule_by_code(code: str):
    for r in RULES:
        if r.code == code:
            return r
    raise KeyError(code)
