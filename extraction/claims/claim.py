"""The Claim record: one figure stated in the prose of a disclosure."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

KINDS = ("amount", "share", "change", "growth", "completion", "rate", "count", "comparison")
JSON_FIELDS = ("id", "kind", "metric", "label", "value", "unit", "yuan", "period", "scope", "base", "direction",
               "page", "start", "end", "text")


@dataclass(frozen=True)
class Claim:
    """One figure stated in the prose.

    ``value`` is the figure as printed (97.26 for 97.26%, 4.95 for 4.95万元),
    negative for 减少/下降; ``yuan`` is a money value in 元.  ``start``/``end``
    are offsets of the figure (number and unit) in ``Document.pages[page-1].text``;
    ``text`` is the sentence.  ``explanation`` names the pattern that matched.
    """

    id: str
    kind: str
    metric: str | None
    label: str
    value: float | int | None
    unit: str | None
    yuan: float | None
    period: str | None
    scope: str | None
    base: str | None
    direction: str | None
    page: int
    start: int
    end: int
    text: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        # the instance dict holds exactly the fields, in declaration order (the frozen __init__ and
        # make_claim both fill it so), and that order is JSON_FIELDS then explanation
        # (tests/test_perf_claims.py): a copy is the dict, in one call instead of sixteen getattrs
        return self.__dict__.copy()


_FIELDS = tuple(f.name for f in fields(Claim))


def make_claim(*values: Any) -> Claim:
    """``Claim(*values)`` without the frozen dataclass's ``__init__``.

    That sets each of the sixteen fields through ``object.__setattr__``, and extraction makes a
    Claim per figure; filling the instance dict at once gives the same object in half the time."""
    c = object.__new__(Claim)
    c.__dict__.update(zip(_FIELDS, values))
    return c
