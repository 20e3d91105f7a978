"""Shared test for unit slips: a figure that agrees with its counterpart only after ×10^4 (or ×10^8)."""

from __future__ import annotations

from rules.base import Figure, agrees, sum_figures

SCALES = (1e4, 1e-4, 1e8, 1e-8)


def scaled_agrees(a: Figure, b: Figure) -> float | None:
    """The factor k (10^±4, 10^±8) with a·k == b within rounding, or None."""
    if agrees(a, b):
        return None
    for k in SCALES:
        # if a's unit is wrong, a's rounding is in the other unit too: its tolerance scales with it
        if agrees(Figure(a.value * k, a.tol * k), b):
            return k
    return None


def one_part_scaled(total: Figure, parts: list[Figure]) -> tuple[int, float] | None:
    """(index, factor) when rescaling exactly one part by 10^±4 makes the parts add up to the total."""
    if agrees(total, sum_figures(parts)):
        return None
    for i, p in enumerate(parts):
        if p.value == 0:
            continue
        for k in (1e-4, 1e4):
            if abs(p.value * k) < 0.01:
                continue  # rescaled to nothing: that would only say the part is missing
            # the rescaled part keeps the rounding it was printed with, in its own unit
            trial = parts[:i] + [Figure(p.value * k, p.tol * k)] + parts[i + 1:]
            if agrees(total, sum_figures(trial)):
                return i, k
    return None


def same_digits(printed_a: float, tol_a: float, printed_b: float, tol_b: float) -> bool:
    """The same number as printed on both sides (before any unit conversion)."""
    return abs(printed_a - printed_b) <= max(tol_a, tol_b) + 1e-9 and printed_a != 0
