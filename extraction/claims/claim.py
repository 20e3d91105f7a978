"""The Claim record: one figure stated in the prose of a disclosure."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from extraction.limits import MAX_WHOLE_SENTENCE, clip_around

KINDS = ("amount", "share", "change", "growth", "completion", "rate", "count", "comparison")
JSON_FIELDS = ("id", "kind", "metric", "label", "value", "unit", "yuan", "period", "scope", "base", "direction",
               "page", "start", "end", "text")
SPAN_FIELDS = ("sentence_start", "sentence_end")  # after ``explanation`` in to_dict (added in issue 18)


@dataclass(frozen=True)
class Claim:
    """One figure stated in the prose.

    ``value`` is the figure as printed (97.26 for 97.26%, 4.95 for 4.95万元),
    negative for 减少/下降; ``yuan`` is a money value in 元.  ``start``/``end``
    are offsets of the figure (number and unit) in ``Document.pages[page-1].text``;
    ``text`` is the sentence.  ``explanation`` names the pattern that matched.
    ``sentence_start``/``sentence_end`` are the sentence's own span in that page's text (cut at a
    page break where the sentence runs over one; None when not known).

    In :meth:`to_dict` a sentence longer than ``MAX_WHOLE_SENTENCE`` characters is clipped to a
    window around the figure (see :func:`extraction.limits.clip_around`): the output then grows with
    the figures, not with figures × sentence length.  Rules read the whole sentence, which the
    claims of one sentence share.
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
    sentence_start: int | None = None
    sentence_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        # the instance dict holds exactly the fields, in declaration order (the frozen __init__ and
        # make_claim both fill it so), and that order is JSON_FIELDS, explanation, then the
        # sentence's span (tests/test_perf_claims.py): a copy is the dict, in one call instead of
        # eighteen getattrs
        d = self.__dict__.copy()
        text = self.text
        if len(text) > MAX_WHOLE_SENTENCE:
            # where the figure stands in the sentence: exact for a sentence read from its page's
            # text, within the line breaks of its lines otherwise (the window has room for them)
            s0 = self.sentence_start
            at = self.start - s0 if s0 is not None and s0 <= self.start else 0
            d["text"] = clip_around(text, at, at + (self.end - self.start))
        return d


_FIELDS = tuple(f.name for f in fields(Claim))
_N_FIELDS = len(_FIELDS)
_DEFAULTS = tuple(None for _ in _FIELDS)  # (only the span has a default, and it is None)


def make_claim(*values: Any) -> Claim:
    """``Claim(*values)`` without the frozen dataclass's ``__init__``.

    That sets each of the sixteen fields through ``object.__setattr__``, and extraction makes a
    Claim per figure; filling the instance dict at once gives the same object in half the time."""
    c = object.__new__(Claim)
    d = c.__dict__
    d.update(zip(_FIELDS, values))
    if len(values) < _N_FIELDS:  # the sentence's span left out: None, as the class says
        d.update(zip(_FIELDS[len(values):], _DEFAULTS[len(values):]))
    return c
