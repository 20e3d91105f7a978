"""Benford tests of the printed amounts: first digit and last two digits, per document and per corpus.

Conformity is judged by the mean absolute deviation (MAD) between the observed and the expected
digit proportions, with Nigrini's cut-offs.  For the first-digit test these are Nigrini's
first-digit limits; he gives none for the last-two-digits test, whose 100 near-uniform bins
behave like the first-two-digits test, so its limits are used (an assumption, stated in the
output as ``limits``).

A MAD from a small sample says little: even data drawn exactly from the expected distribution
shows a MAD of about ``sqrt(2/pi) * mean(sqrt(p(1-p)/n))`` from sampling alone.  A sample is
flagged too small to judge when that noise alone would exceed the close-conformity limit, that
is when conforming data could not be expected to be rated "close" (``min_n``: 1,533 amounts for
the first digit, 4,377 for the last two digits).

The digit counts come from :func:`models.features.benford_digits` (distinct amounts ≥ 10 of the
money tables of a document).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

FIRST_EXPECTED = np.log10(1.0 + 1.0 / np.arange(1, 10))
LAST_TWO_EXPECTED = np.full(100, 0.01)

# (upper MAD limit, level), Nigrini.
FIRST_DIGIT_LIMITS = ((0.006, "close conformity"), (0.012, "acceptable conformity"),
                      (0.015, "marginally acceptable conformity"))
TWO_DIGIT_LIMITS = ((0.0012, "close conformity"), (0.0018, "acceptable conformity"),
                    (0.0022, "marginally acceptable conformity"))
NONCONFORMITY = "nonconformity"

TESTS = {
    "first_digit": (FIRST_EXPECTED, FIRST_DIGIT_LIMITS, "benford_first"),
    "last_two_digits": (LAST_TWO_EXPECTED, TWO_DIGIT_LIMITS, "benford_last_two"),
}


def noise_mad(expected: np.ndarray, n: int) -> float:
    """The MAD a sample of n drawn exactly from ``expected`` shows on average (normal approximation)."""
    if n <= 0:
        return math.inf
    return float(math.sqrt(2.0 / math.pi) * np.mean(np.sqrt(expected * (1.0 - expected) / n)))


def min_sample(expected: np.ndarray, limits: Sequence[tuple[float, str]]) -> int:
    """The smallest n whose sampling noise alone stays within the close-conformity limit."""
    close = limits[0][0]
    k = math.sqrt(2.0 / math.pi) * float(np.mean(np.sqrt(expected * (1.0 - expected))))
    return int(math.ceil((k / close) ** 2))


def conformity(mad: float, limits: Sequence[tuple[float, str]]) -> str:
    for upper, level in limits:
        if mad <= upper:
            return level
    return NONCONFORMITY


def digit_test(counts: Sequence[int], test: str) -> dict[str, Any]:
    """One Benford test over digit counts (9 first-digit counts, or 100 last-two-digit counts)."""
    expected, limits, _ = TESTS[test]
    c = np.asarray(counts, dtype=float)
    if c.shape != expected.shape:
        raise ValueError(f"{test}: expected {expected.size} counts, got {c.size}")
    n = int(c.sum())
    need = min_sample(expected, limits)
    out: dict[str, Any] = {"n": n, "min_n": need, "limits": [[u, lvl] for u, lvl in limits]}
    if n == 0:
        out.update(mad=None, conformity="no data", too_small=True,
                   warning="no amounts to test", observed=[], expected=expected.round(4).tolist())
        return out
    observed = c / n
    mad = float(np.mean(np.abs(observed - expected)))
    out.update(mad=round(mad, 6), conformity=conformity(mad, limits), too_small=n < need,
               observed=observed.round(4).tolist(), expected=expected.round(4).tolist())
    if n < need:
        out["warning"] = (f"sample too small to judge: {n} amounts, {need} needed "
                          f"(sampling noise alone gives a MAD of about {noise_mad(expected, n):.4f})")
    return out


def document_benford(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Both tests for one document's facts (see :func:`models.features.document_facts`)."""
    out: dict[str, Any] = {k: facts.get(k) for k in ("path", "department", "year", "kind")}
    for test, (_, _, key) in TESTS.items():
        d = digit_test(facts.get(key) or [0] * TESTS[test][0].size, test)
        d.pop("observed", None)
        d.pop("expected", None)
        d.pop("limits", None)
        out[test] = d
    return out


def corpus_benford(facts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Per-document and whole-corpus tests: ``{"corpus": {test: …}, "documents": […]}``."""
    docs = []
    totals = {test: np.zeros(exp.size, dtype=np.int64) for test, (exp, _, _) in TESTS.items()}
    for f in facts:
        docs.append(document_benford(f))
        for test, (exp, _, key) in TESTS.items():
            if f.get(key):
                totals[test] += np.asarray(f[key], dtype=np.int64)
    corpus = {test: digit_test(totals[test].tolist(), test) for test in TESTS}
    corpus["documents"] = len(docs)
    return {"corpus": corpus, "documents": docs}
