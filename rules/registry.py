"""The rules crossfoot runs, registered explicitly (a rule not listed here does not run).

Codes are stable and never reused: CF1xx footing inside a table, CF2xx across tables,
CF3xx prose against tables, CF4xx prose arithmetic, CF5xx units, CF6xx metadata,
CF7xx classification codes, CF8xx hygiene, CF9xx across the documents of a department.
"""

from __future__ import annotations

from rules import (
    CF101,
    CF102,
    CF103,
    CF104,
    CF105,
    CF106,
    CF107,
    CF201,
    CF202,
    CF203,
    CF204,
    CF301,
    CF302,
    CF303,
    CF401,
    CF402,
    CF403,
    CF404,
    CF405,
    CF406,
    CF407,
    CF501,
    CF502,
    CF503,
    CF601,
    CF602,
    CF603,
    CF604,
    CF701,
    CF801,
    CF802,
    CF803,
    CF804,
    CF805,
    CF806,
    CF807,
    CF901,
    CF902,
    CF903,
    CF904,
)

RULES = [
    CF101.RULE,
    CF102.RULE,
    CF103.RULE,
    CF104.RULE,
    CF105.RULE,
    CF106.RULE,
    CF107.RULE,
    CF201.RULE,
    CF202.RULE,
    CF203.RULE,
    CF204.RULE,
    CF301.RULE,
    CF302.RULE,
    CF303.RULE,
    CF401.RULE,
    CF402.RULE,
    CF403.RULE,
    CF404.RULE,
    CF405.RULE,
    CF406.RULE,
    CF407.RULE,
    CF501.RULE,
    CF502.RULE,
    CF503.RULE,
    CF601.RULE,
    CF602.RULE,
    CF603.RULE,
    CF604.RULE,
    CF701.RULE,
    CF801.RULE,
    CF802.RULE,
    CF803.RULE,
    CF804.RULE,
    CF805.RULE,
    CF806.RULE,
    CF807.RULE,
]

# Rules of a document set (CF9xx): they read this report and another of the same department
# (last year's, the same year's budget) through ``check_pair``; ``crossfoot.pipeline.check_sets`` runs them.
SET_RULES = [
    CF901.RULE,
    CF902.RULE,
    CF903.RULE,
    CF904.RULE,
]


def rule_by_code(code: str):
    for r in (*RULES, *SET_RULES):
        if r.code == code:
            return r
    raise KeyError(code)
