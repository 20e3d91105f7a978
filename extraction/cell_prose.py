"""Explanations printed inside table cells, read as prose.

Performance self-evaluation tables (绩效自评表: 目标, 实际完成情况, 说明) and some text exports
print whole explanations in table cells — one report prints its entire 情况说明 as a table of
heading cells and text cells.  Such a cell is prose like any paragraph: its figures are claims.

A cell is prose when its text has the shape of a sentence: Chinese characters (a third of its
printed characters at least: figures are dense in such sentences), long enough to say something, and broken into clauses by sentence punctuation (，。；).  Names,
labels, titles, figures and contents lines are not: they carry no clause break, or are mostly
digits, or end as a table title does.
"""

from __future__ import annotations

import functools
import re

from extraction.layout import RawCell, RawGrid
from extraction.model import TextPiece, new_piece

MIN_CJK = 12  # fewer Chinese characters than this say a label, not an explanation
_CJK = re.compile(r"[\u4e00-\u9fff]")
# a clause break: full-width ，。；！？ anywhere, or a half-width , ; between characters (a few
# exports type them so: "项目资金使用率100%,用于职工遗属生活补助足额发放。")
_CLAUSE = re.compile(r"[，。；！？]|(?<=\S)[,;](?=\S)")
_TOC = re.compile(r"(\.{3,}|…{2,}|·{3,})\s*\d*\s*$")
_TITLE_END = re.compile(r"(表|情况表|明细表)(（续）|\(续\))?$")
_YEAR = re.compile(r"20\d\d")
_NUMBERISH = re.compile(r"^[\d\s.,，%％:：\-—/年月日()（）]+$")


@functools.lru_cache(maxsize=65536)
def is_prose_cell(text: str) -> bool:
    """Whether a cell's text is an explanation (a sentence) rather than a name, a label or a figure.

    >>> is_prose_cell("2021年财政收入991.89万元，其中基本支出873.39万元、项目支出118.50万元。")
    True
    >>> is_prose_cell("网络、电子检务、实验室、机要通道、档案数字化系统运行维护费")
    False
    """
    t = text.strip()
    if len(t) < MIN_CJK or _NUMBERISH.match(t):
        return False
    cjk = len(_CJK.findall(t))
    if cjk < MIN_CJK:
        return False
    printed = len(t) - t.count(" ") - t.count("\u3000")
    if 3 * cjk < printed:  # mostly digits and signs: a figure column or a code list
        return False
    if _TOC.search(t) or _TITLE_END.search(t):
        return False
    return _CLAUSE.search(t) is not None


def _label(row: list[RawCell | None], k: int) -> str | None:
    """The row's heading for cell k: the nearest printed cell to its left that names something
    (three Chinese characters at least) and is not prose itself, or a year heading the row."""
    for j in range(k - 1, -1, -1):
        c = row[j]
        if c is None:
            continue
        t = c.text.strip()
        if _YEAR.fullmatch(t):
            return t  # a row of one year's targets (财年 2021 | 目标 | 实际完成情况)
        # (a unit, an operator or a code beside the figure is no heading: 期, 批次, ≥, 本级)
        if len(_CJK.findall(t)) < 3 or is_prose_cell(t):
            continue
        return t
    return None


def prose_cells(grid: RawGrid) -> list[tuple[RawCell, str | None]]:
    """The grid's prose cells in reading order (row by row), each with its row's heading."""
    out = []
    for row in grid.rows:
        for k, c in enumerate(row):
            # (most cells are figures and short names: the length alone sets them aside)
            if c is not None and c.start is not None and len(c.text) >= MIN_CJK and is_prose_cell(c.text):
                out.append((c, _label(row, k)))
    return out


def cell_pieces(cell: RawCell, page_text: str) -> tuple[TextPiece, ...]:
    """Where each stretch of the cell's text stands in its page's text.

    A text export prints the cell as one stretch of its page.  A PDF cell is the words of the
    cell joined; its lines stand in the page text with line breaks between them (and, where
    MuPDF reads across the table, other cells' words): each character of the cell is found in
    order in its span of the page text, and a new piece starts wherever the page text does not
    go on as the cell's text does.  When the characters cannot be found so, the cell is one
    piece over its span (the figures' offsets are then approximate, within the cell)."""
    text, page, start, end = cell.text, cell.page, cell.start, cell.end
    assert start is not None and end is not None
    if page_text[start:end] == text:
        return (new_piece(0, page, start, end),)
    pieces: list[TextPiece] = []
    piece_para = piece_page = 0
    last_i = last_p = -2
    k = start
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        p = page_text.find(ch, k, end)
        if p < 0:
            return (new_piece(0, page, start, end),)
        if last_p < 0 or page_text[last_p + 1:p] != text[last_i + 1:i]:
            if last_p >= 0:
                pieces.append(new_piece(piece_para, page, piece_page, last_p + 1))
            piece_para, piece_page = i, p
        last_i, last_p = i, p
        k = p + 1
    if last_p < 0:
        return (new_piece(0, page, start, end),)
    pieces.append(new_piece(piece_para, page, piece_page, last_p + 1))
    return tuple(pieces)
