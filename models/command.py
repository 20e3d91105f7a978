"""``crossfoot score``: read feature rows, score them, print JSON or text."""

from __future__ import annotations

import argparse
import sys


def run_score(args: argparse.Namespace) -> int:
    print("crossfoot: error: score is not ready yet", file=sys.stderr)
    return 2
