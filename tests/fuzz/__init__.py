"""Hostile and damaged inputs for crossfoot, made deterministically from ``tests/data`` (issue 18).

    from fuzz import generate          # tests/ on sys.path (pytest puts it there)
    inputs = generate(out_dir, n=300, seed=18)

See :mod:`fuzz.generate` for the kinds of damage.
"""

from fuzz.generate import HEAVY_KINDS, KINDS, FuzzInput, generate

__all__ = ["FuzzInput", "HEAVY_KINDS", "KINDS", "generate"]
