"""Claim patterns kept as data (``extraction/data/claim_patterns.yaml``), compiled and validated once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from extraction.datafiles import load_yaml

PATTERNS_FILE = Path(__file__).resolve().parents[1] / "data" / "claim_patterns.yaml"

# Same-length normalisation: every offset in the normalised text is an offset
# in the original text.
_NORMAL = {chr(0xFF10 + i): str(i) for i in range(10)}
_NORMAL.update({"％": "%", "．": ".", "＋": "+", "－": "-", "−": "-", "(": "（", ")": "）", "\u3000": " ", "\xa0": " "})
# No replacement is itself replaced, so one str.replace per character present gives what one
# str.translate would; it is several times quicker on Chinese text, where translate looks up
# every character.
_NORMAL_PAIRS = tuple(_NORMAL.items())


def normalize(text: str) -> str:
    """Full-width digits and signs to ASCII, half-width brackets to full-width; length kept."""
    for old, new in _NORMAL_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text


UNIT_TYPES = frozenset({"money", "percent", "points", "count", "area", "score"})


class PatternError(ValueError):
    """claim_patterns.yaml is malformed (code E-CLAIM-PATTERN)."""


@dataclass(frozen=True)
class Cue:
    name: str
    kind: str
    units: frozenset[str]
    before: Any  # compiled regex or None
    explanation: str
    sign: int = 1
    direction: str | None = None


@dataclass(frozen=True)
class Statement:
    name: str
    kind: str
    pattern: Any
    explanation: str
    directions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Exclusion:
    name: str
    before: Any
    after: Any
    explanation: str


@dataclass(frozen=True)
class ItemRole:
    name: str
    period: str | None
    before: Any
    explanation: str


@dataclass(frozen=True)
class ItemPatterns:
    """How item statements are recognised (``item_statement`` of claim_patterns.yaml)."""

    level: Any
    dashed: Any
    dash: Any
    reason: Any
    roles: tuple[ItemRole, ...]


@dataclass(frozen=True)
class ClaimPatterns:
    number: Any
    chinese_number: Any
    units: dict[str, dict[str, Any]]
    exclusions: tuple[Exclusion, ...]
    cues: tuple[Cue, ...]
    statements: dict[str, Statement]
    list_separators: Any
    respectively: Any
    narrative_sections: Any = None
    table_note: Any = None
    attributes: tuple[str, ...] = ()
    name_tails: dict[str, tuple[str, ...]] = field(default_factory=dict)
    aside: Any = None
    output_context: Any = None
    output_metric: str | None = None
    items: ItemPatterns | None = None


def _compile(name: str, pattern: str | None) -> Any:
    if not pattern:
        return None
    try:
        return regex.compile(pattern)
    except regex.error as e:  # pragma: no cover - data error
        raise PatternError(f"E-CLAIM-PATTERN: pattern {name!r} does not compile: {e}") from e


def _require(d: dict, key: str, where: str) -> Any:
    if key not in d:
        raise PatternError(f"E-CLAIM-PATTERN: {where} lacks {key!r}")
    return d[key]


def build_patterns(data: dict) -> ClaimPatterns:
    """Validate and compile the pattern data."""
    units = _require(data, "units", "claim_patterns")
    for u, spec in units.items():
        if spec.get("type") not in UNIT_TYPES:
            raise PatternError(f"E-CLAIM-PATTERN: unit {u!r} has an unknown type {spec.get('type')!r}")

    def unit_alt(u: str) -> str:
        nb = units[u].get("not_before")
        return regex.escape(u) + (f"(?!{nb})" if nb else "")

    alt = "|".join(unit_alt(u) for u in sorted(units, key=len, reverse=True))
    count_alt = "|".join(unit_alt(u) for u in sorted(units, key=len, reverse=True) if units[u]["type"] == "count")
    number = _compile("number", _require(data, "number", "claim_patterns").replace("{units}", alt))
    chinese = _compile("chinese_number", data.get("chinese_number", "").replace("{count_units}", count_alt))
    excl = tuple(
        Exclusion(e["name"], _compile(e["name"], e.get("before")), _compile(e["name"], e.get("after")),
                  _require(e, "explanation", f"exclusion {e.get('name')}"))
        for e in data.get("exclusions", [])
    )
    cues = []
    for c in _require(data, "cues", "claim_patterns"):
        where = f"cue {c.get('name')}"
        kind = _require(c, "kind", where)
        if kind not in {"amount", "share", "change", "growth", "completion", "rate", "count", "comparison"}:
            raise PatternError(f"E-CLAIM-PATTERN: {where} has an unknown kind {kind!r}")
        cues.append(Cue(_require(c, "name", "cue"), kind, frozenset(_require(c, "units", where)),
                        _compile(c["name"], c.get("before")), _require(c, "explanation", where),
                        int(c.get("sign", 1)), c.get("direction")))
    stmts = {}
    for s in data.get("statements", []):
        where = f"statement {s.get('name')}"
        stmts[s["name"]] = Statement(s["name"], _require(s, "kind", where), _compile(s["name"], _require(s, "pattern", where)),
                                     _require(s, "explanation", where), dict(s.get("directions") or {}))
    items = None
    it = data.get("item_statement")
    if it:
        roles = tuple(ItemRole(_require(r, "name", "item role"), r.get("period"),
                               _compile(f"item role {r.get('name')}", _require(r, "before", "item role")),
                               _require(r, "explanation", f"item role {r.get('name')}"))
                      for r in it.get("roles") or ())
        items = ItemPatterns(_compile("item level", _require(it, "level", "item_statement")),
                             _compile("item dashed", it.get("dashed")), _compile("item dash", it.get("dash") or "-"),
                             _compile("item reason", it.get("reason")), roles)
    return ClaimPatterns(number, chinese, units, excl, tuple(cues), stmts,
                         _compile("list_separators", data.get("list_separators", "[、和]")),
                         _compile("respectively", data.get("respectively", "分别为")),
                         _compile("narrative_sections", data.get("narrative_sections")),
                         _compile("table_note", data.get("table_note")),
                         tuple(sorted(data.get("attributes") or (), key=len, reverse=True)),
                         {k: tuple(v) for k, v in (data.get("name_tails") or {}).items()},
                         _compile("aside", data.get("aside")),
                         _compile("output_context", data.get("output_context")),
                         data.get("output_metric"), items)


@lru_cache(maxsize=1)
def load_patterns(path: str | None = None) -> ClaimPatterns:
    """The compiled patterns (cached)."""
    p = Path(path) if path else PATTERNS_FILE
    data = load_yaml(p)
    if not isinstance(data, dict):
        raise PatternError(f"E-CLAIM-PATTERN: {p} is not a mapping")
    return build_patterns(data)
