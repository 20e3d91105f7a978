"""Reading numbers as printed in reports: full-width forms, separators, empty marks, precision."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Marks that mean "nothing reported" in a cell.
EMPTY_MARKS = frozenset({"", "-", "--", "—", "——", "－", "－－", "─", "/", "／", "无", "…", "...", "－－－"})

_FULLWIDTH = str.maketrans(
    {
        "，": ",",
        "．": ".",
        "％": "%",
        "－": "-",
        "−": "-",
        "＋": "+",
        "（": "(",
        "）": ")",
        "：": ":",
        "\u3000": " ",
        "\xa0": " ",
    }
)

_NUMBER_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")


_FULLWIDTH_ALNUM = {o: unicodedata.normalize("NFKC", chr(o))
                    for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for o in range(r[0], r[1] + 1)}


def normalize_digits(s: str) -> str:
    """Full-width digits and letters to ASCII (NFKC limited to digits/latin), keeping CJK punctuation."""
    return s.translate(_FULLWIDTH_ALNUM)


@dataclass(frozen=True)
class ParsedNumber:
    value: float
    decimals: int
    percent: bool = False


@functools.lru_cache(maxsize=65536)
def parse_cell_number(text: str) -> ParsedNumber | None:
    """Parse a table cell as a number, or None when it is empty or not a number.

    Accepts thousands separators, full-width digits and signs, a trailing '%',
    and parentheses for negatives.  Codes are numbers too at this level: the
    table reader decides which columns hold codes.
    """
    s = normalize_digits(text).translate(_FULLWIDTH).strip()
    s = s.replace(" ", "")
    if s in EMPTY_MARKS:
        return None
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1]
    m = _NUMBER_RE.match(s)
    if not m:
        return None
    v = float(s.replace(",", ""))
    if neg:
        v = -v
    return ParsedNumber(v, len(m.group(1) or ""), percent)


@functools.lru_cache(maxsize=65536)
def is_empty_mark(text: str) -> bool:
    return normalize_digits(text).translate(_FULLWIDTH).strip().replace(" ", "") in EMPTY_MARKS


_CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


@functools.lru_cache(maxsize=65536)
def looks_like_code(text: str) -> bool:
    """A 功能分类/经济分类 code: 3, 5 or 7 digits, no separators or decimals."""
    return bool(_CODE_RE.match(text.strip()))
