"""The reader's fast paths read pages exactly as the plain code they replaced.

Ruling lines are (position, start, end) tuples in horizontal and vertical lists, pieces are grouped
by snapped position as they are read, the union-find joins a rule's group at its first crossing,
one pass finds the rows just outside a table, the column lookup is inlined, one-word cells are
filled slot by slot and one-word lines take the word's box.  The plain reader is kept below as it
was (extraction/pdf.py before these changes); both read the real PDFs and fuzzed pages (vector
blocks and words drawn at random around ruled tables) and must give equal pages and flows, down
to the type and last bit of every value.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import operator
import random
import re
from dataclasses import dataclass, fields
from pathlib import Path

import pymupdf
import pytest

import extraction.pdf as P
from extraction.layout import FlowItem, Line, RawCell, RawGrid
from extraction.model import Page
from extraction.numbers import parse_cell_number

DATA = Path(__file__).parent / "data"
REAL = sorted((DATA / "real").rglob("*.pdf"))

_Word = P._Word
_tuple_new = tuple.__new__
SNAP = P.SNAP
MIN_BAND = P.MIN_BAND


# ---- the plain reader the fast paths replaced ----

@dataclass
class _Seg:
    horizontal: bool
    pos: float  # y for horizontal, x for vertical
    a: float  # extent start
    b: float  # extent end


# A text page with the words and, as blocks of type 3, every vector path segment.
_TEXT_FLAGS = pymupdf.TEXTFLAGS_WORDS | pymupdf.TEXT_COLLECT_VECTORS | pymupdf.TEXT_LAZY_VECTORS
_VECTOR = re.compile(r"<vector (stroked|filled), color: #([0-9a-fA-F]{6}), alpha: \d+, is-rect: (true|false)")

@functools.lru_cache(maxsize=1024)  # a page repeats a handful of these texts many times
def _vector(text: str) -> tuple[str, str, str] | None:
    """(stroked|filled, rrggbb, true|false) from a vector block's text, or None."""
    m = _VECTOR.search(text)
    return (m.group(1), m.group(2), m.group(3)) if m else None


THIN = 3.0  # points: a stroked box no thicker than this is a line (the box includes the line width)


def _segments(blocks: list[tuple]) -> list[_Seg]:
    """Ruling lines of a page from its vector blocks: stroked lines and rectangle edges, thin
    dark filled rectangles.

    A vector box includes half the line width on every side; the ends of a line are moved back
    by that much.  Vectors come clipped to the page's clipping paths (see :func:`_open_sides`).
    Pieces are kept as (snapped position, start, position, end) tuples per direction until they
    are merged: a table drawn cell by cell has dozens of pieces per page and only a few rules.
    """
    hor: list[tuple[int, float, float, float]] = []
    ver: list[tuple[int, float, float, float]] = []
    vector = _vector
    for x0, y0, x1, y1, text, _, kind in blocks:
        if kind != 3:
            continue
        m = vector(text)
        if m is None:
            continue
        w, h = x1 - x0, y1 - y0
        if w > THIN and h > THIN and m[2] == "false":
            continue  # a curve or a shape, not a rule
        if m[0] == "stroked":
            if h <= THIN and w > h + 1.0:
                y = (y0 + y1) / 2
                hor.append((round(y / SNAP), x0 + h / 2, y, x1 - h / 2))
            elif w <= THIN and h > w + 1.0:
                x = (x0 + x1) / 2
                ver.append((round(x / SNAP), y0 + w / 2, x, y1 - w / 2))
            elif m[2] == "true":  # a stroked box: its four edges
                i = 0.25
                hor += [_piece(y0 + i, x0 + i, x1 - i), _piece(y1 - i, x0 + i, x1 - i)]
                ver += [_piece(x0 + i, y0 + i, y1 - i), _piece(x1 - i, y0 + i, y1 - i)]
        elif m[2] == "true":
            rgb = int(m[1], 16)
            if (rgb >> 16) + ((rgb >> 8) & 255) + (rgb & 255) >= 2.7 * 255:
                continue  # a white or pale fill is background, not a rule
            if w <= 2.5 < h:
                ver.append(_piece((x0 + x1) / 2, y0, y1))
            elif h <= 2.5 < w:
                hor.append(_piece((y0 + y1) / 2, x0, x1))
    return _merge_collinear(hor, True) + _merge_collinear(ver, False)


def _piece(pos: float, a: float, b: float) -> tuple[int, float, float, float]:
    return round(pos / SNAP), a, pos, b


_BY_KEY_START = operator.itemgetter(0, 1)


def _merge_collinear(pieces: list[tuple[int, float, float, float]], horizontal: bool) -> list[_Seg]:
    """One segment for each run of collinear, touching pieces (snapped position, start, position, end).

    Tables are often drawn cell by cell: a column rule comes as one piece per row.  Joined, the
    rules are as long as they look and the crossing search below meets each once.  A run keeps
    the position of its first piece.
    """
    out: list[_Seg] = []
    cur_key = cur_pos = cur_a = cur_b = None
    # sorted by (rounded position, start) only: pieces that tie keep their drawing order
    for key, a, pos, b in sorted(pieces, key=_BY_KEY_START):
        if cur_key is not None and key == cur_key and a <= cur_b + SNAP:
            cur_b = max(cur_b, b)
            continue
        if cur_key is not None:
            out.append(_Seg(horizontal, cur_pos, cur_a, cur_b))
        cur_key, cur_pos, cur_a, cur_b = key, pos, a, b
    if cur_key is not None:
        out.append(_Seg(horizontal, cur_pos, cur_a, cur_b))
    return out


def _regions(segs: list[_Seg]) -> list[list[_Seg]]:
    """Group ruling lines that touch into table regions (union-find on crossings)."""
    n = len(segs)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, s in enumerate(segs) if s.horizontal]
    vs = [i for i, s in enumerate(segs) if not s.horizontal]
    vs.sort(key=lambda i: segs[i].pos)
    vpos = [segs[i].pos for i in vs]
    # each vertical rule's reach (its ends give or take SNAP) and index, in position order
    reach = [(segs[i].a - SNAP, segs[i].b + SNAP, i) for i in vs]
    for hi in hs:
        h = segs[hi]
        y = h.pos
        root = find(hi)  # stays the root: the rules it crosses are hung under it
        for a, b, vi in reach[bisect.bisect_left(vpos, h.a - SNAP):bisect.bisect_right(vpos, h.b + SNAP)]:
            if a <= y <= b:
                r = vi if parent[vi] == vi else find(vi)
                if r != root:
                    parent[r] = root
    # Only the partition matters below (groups come in index order), not which rule is a root.
    groups: dict[int, list[_Seg]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(segs[i])
    out = []
    for g in groups.values():
        nh = sum(1 for s in g if s.horizontal)
        nv = len(g) - nh
        if nh >= 2 and nv >= 2:
            out.append(g)
    return _merge_stacked(out)


def _extent(g: list[_Seg]) -> tuple[float, float, float, float]:
    xs = [s.pos for s in g if not s.horizontal] + [v for s in g if s.horizontal for v in (s.a, s.b)]
    ys = [s.pos for s in g if s.horizontal] + [v for s in g if not s.horizontal for v in (s.a, s.b)]
    return min(xs), min(ys), max(xs), max(ys)


def _merge_stacked(regions: list[list[_Seg]]) -> list[list[_Seg]]:
    """Join a ruled header and a ruled body drawn as two boxes of the same width.

    Some producers leave the band of header labels between them without
    vertical rules; the words in that band belong to the table all the same.
    """
    regions = sorted(regions, key=lambda g: _extent(g)[1])
    out: list[list[_Seg]] = []
    for g in regions:
        if out:
            a = _extent(out[-1])
            b = _extent(g)
            if abs(a[0] - b[0]) < 4 and abs(a[2] - b[2]) < 4 and -2 <= b[1] - a[3] < 60:
                out[-1] = out[-1] + g
                continue
        out.append(g)
    return out


def _cluster(values: list[float], tol: float) -> list[float]:
    values = sorted(values)
    out: list[list[float]] = []
    for v in values:
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _row_rules(hs: list[_Seg], width: float) -> list[float]:
    """Row boundaries: horizontal rules covering most of the table's width.

    Short rules under a spanning header label separate header levels, not
    rows; wrapped header labels between them are read as one cell.
    """
    ys = _cluster([s.pos for s in hs], SNAP)
    by_pos = sorted(hs, key=_POS)
    pos = [s.pos for s in by_pos]
    out = []
    for i, y in enumerate(ys):
        near = by_pos[bisect.bisect_left(pos, y - SNAP - 1e-6):bisect.bisect_right(pos, y + SNAP + 1e-6)]
        spans = sorted((s.a, s.b) for s in near if abs(s.pos - y) <= SNAP)
        covered, end = 0.0, None
        for a, b in spans:
            if end is None or a > end:
                covered += b - a
                end = b
            elif b > end:
                covered += b - end
                end = b
        if covered >= 0.6 * width or i == 0 or i == len(ys) - 1:
            out.append(y)
    return out


_POS = operator.attrgetter("pos")


def _bands(edges: list[float]) -> list[tuple[float, float]]:
    bands = []
    for a, b in zip(edges, edges[1:]):
        if b - a >= MIN_BAND:
            bands.append((a, b))
    return bands


def _find_band(bands: list[tuple[float, float]], starts: list[float], v: float) -> int | None:
    """The first band (sorted, ``starts`` their starts) holding v give or take half a point, as a
    left-to-right scan would find it: only the last band starting at or before v + 0.5 and the
    one before it can hold v."""
    i = bisect.bisect_right(starts, v + 0.5) - 1
    if i > 0:
        a, b = bands[i - 1]
        if a - 0.5 <= v <= b + 0.5:
            return i - 1
    if i >= 0:
        a, b = bands[i]
        if a - 0.5 <= v <= b + 0.5:
            return i
    return None


def _join_cell_words(words: list[_Word]) -> str:
    """Words of one cell: same visual line joined by a space, wrapped lines joined directly."""
    if not words:
        return ""
    words = sorted(words, key=lambda w: (round(w.cy / 3), w.x0))
    parts: list[str] = [words[0].text]
    for prev, w in zip(words, words[1:]):
        same_line = abs(w.cy - prev.cy) < 0.6 * max(1.0, min(w.y1 - w.y0, prev.y1 - prev.y0))
        parts.append((" " if same_line else "") + w.text)
    return "".join(parts)


def _split_band(words: list[_Word]) -> list[list[_Word]]:
    """Split one ruled row band holding several printed rows (tables without inner row rules).

    The figures of one printed row overlap vertically; a band splits only where
    the figures fall into vertically disjoint groups.  Words without figures
    (labels, wrapped names) join the group nearest to them.
    """
    # The figures are among the words with a dot: when those all overlap one another (or are
    # fewer than two), so do the figures, and no number needs parsing (the common case).
    dots = [w for w in words if "." in w.text]
    if len(dots) < 2 or max(w.y0 for w in dots) < min(w.y1 for w in dots) - 0.5:
        return [words]
    figs = [w for w in dots if parse_cell_number(w.text) is not None]
    if len(figs) < 2 or max(w.y0 for w in figs) < min(w.y1 for w in figs) - 0.5:
        return [words]  # all figures overlap one another: one printed row
    figs.sort(key=lambda w: w.y0)
    groups: list[list[float]] = []  # [y0, y1] of each disjoint group
    for w in figs:
        if groups and w.y0 < groups[-1][1] - 0.5:
            groups[-1][1] = max(groups[-1][1], w.y1)
        else:
            groups.append([w.y0, w.y1])
    if len(groups) < 2:
        return [words]
    out: list[list[_Word]] = [[] for _ in groups]
    for w in words:
        k = min(range(len(groups)),
                key=lambda i: 0.0 if groups[i][0] <= w.cy <= groups[i][1]
                else min(abs(w.cy - groups[i][0]), abs(w.cy - groups[i][1])))
        out[k].append(w)
    return [g for g in out if g]


def _open_sides(xs: list[float], hs: list[_Seg]) -> list[float]:
    """Column edges where the row rules end beyond the outermost vertical rule.

    A table without its outer vertical rule, or whose outer rule lies outside a clipping path
    (one real budget clips its last column's right rule away), still has a column out to where
    its row rules end: at least two of them ending together, a column's width from the rule.
    """
    if len(hs) < 2:
        return xs
    out = list(xs)
    for ends, outer, beyond in (([s.b for s in hs], xs[-1], 1), ([s.a for s in hs], xs[0], -1)):
        edge = max(ends) if beyond > 0 else min(ends)
        together = sum(1 for e in ends if abs(e - edge) <= SNAP)
        if together >= 2 and (edge - outer) * beyond > 4 * MIN_BAND:
            out = out + [edge] if beyond > 0 else [edge] + out
    return out


def _grid(region: list[_Seg], words: list[_Word], page_no: int) -> tuple[RawGrid, set[int]]:
    xs = _cluster([s.pos for s in region if not s.horizontal], SNAP)
    xs = _open_sides(xs, [s for s in region if s.horizontal])
    x0, x1 = xs[0], xs[-1]
    ys = _row_rules([s for s in region if s.horizontal], x1 - x0)
    y0, y1 = ys[0], ys[-1]
    cols = _bands(xs)
    rows = _bands(ys)
    if rows:
        # A row printed just outside the outer rule (a continuation page drawn without its top
        # line, or a last row without its bottom line) still belongs to the table when its
        # words sit in two or more of the table's columns.
        heights = sorted(b - a for a, b in rows)
        h = heights[len(heights) // 2] * 1.3
        for lo, hi, where in ((y0 - h, y0, "above"), (y1, y1 + h, "below")):
            near = [w for w in words if lo <= w.cy < hi and x0 <= w.cx <= x1]
            col_starts = [a for a, _ in cols]
            cols_hit = {_find_band(cols, col_starts, w.cx) for w in near} - {None}
            if len(cols_hit) >= 2 and any(parse_cell_number(w.text) is not None for w in near):
                if where == "above":
                    rows.insert(0, (min(w.y0 for w in near) - 0.5, y0))
                    y0 = rows[0][0]
                else:
                    rows.append((y1, max(w.y1 for w in near) + 0.5))
                    y1 = rows[-1][1]
    used: set[int] = set()
    by_row: dict[int, list[tuple[int, _Word]]] = {}
    lx, hx, ly, hy = x0 - 1, x1 + 1, y0 - 1, y1 + 1
    row_starts = [a for a, _ in rows]
    col_starts = [a for a, _ in cols]
    # The words of one printed line share their centre height: each height is looked up once.
    row_of: dict[float, int | None] = {}
    for wi, w in enumerate(words):
        cx, cy = w.cx, w.cy
        if not (lx <= cx <= hx and ly <= cy <= hy):
            continue
        if cy in row_of:
            ri = row_of[cy]
        else:
            ri = row_of[cy] = _find_band(rows, row_starts, cy)
        if ri is None:
            continue
        ci = _find_band(cols, col_starts, cx)
        if ci is None:
            continue
        used.add(wi)
        if ri in by_row:
            by_row[ri].append((ci, w))
        else:
            by_row[ri] = [(ci, w)]
    grid_rows: list[list[RawCell | None]] = []
    n_cols = len(cols)
    for ri in sorted(by_row):
        entries = by_row[ri]
        band = [w for _, w in entries]
        subs = _split_band(band)
        if len(subs) == 1:
            placed = [entries]
        else:
            col_of = {id(w): ci for ci, w in entries}
            placed = [[(col_of[id(w)], w) for w in sub] for sub in subs]
        for sub in placed:
            cells: list[list[_Word]] = [[] for _ in range(n_cols)]
            for ci, w in sub:
                cells[ci].append(w)
            row: list[RawCell | None] = []
            for cw in cells:
                if not cw:
                    row.append(None)
                elif len(cw) == 1:  # the common case: one word, its own box and text
                    w = cw[0]
                    row.append(RawCell(w.text, page_no, w[:4], w.start, w.end))  # w[:4]: its box
                else:
                    bx = (min(w.x0 for w in cw), min(w.y0 for w in cw), max(w.x1 for w in cw),
                          max(w.y1 for w in cw))
                    row.append(RawCell(_join_cell_words(cw), page_no, bx, min(w.start for w in cw),
                                       max(w.end for w in cw)))
            grid_rows.append(row)
    return RawGrid(page_no, grid_rows, (x0, y0, x1, y1), [page_no]), used


def plain_read_page(page: pymupdf.Page) -> tuple[Page, list[FlowItem]]:
    """One page: its text (lines joined by newlines) and its flow of lines and grids."""
    page_no = page.number + 1
    tp = page.get_textpage(flags=_TEXT_FLAGS)
    raw = tp.extractWORDS()
    # (a turned page is read as shown, its boxes turned back at the end: extraction.pdf._turn,
    # added since, shared by both readers)
    turn = P._turn(page)
    if turn is not None:
        raw = [(*turn(x0, y0, x1, y1), *rest) for x0, y0, x1, y1, *rest in raw]
    # Lines in content order: words sharing (block, line) with a space between them.  MuPDF lists
    # the words of a line together, so a line ends where (block, line) changes.
    text_parts: list[str] = []
    pos = 0
    words: list[_Word] = []
    line_spans: list[tuple[int, int, list[int]]] = []  # (start, end, word indexes)
    key = key_line = None
    idx: list[int] = []
    lstart = 0
    for x0, y0, x1, y1, t, block, line, _ in raw:
        if block != key or line != key_line:
            if key is not None:
                line_spans.append((lstart, pos, idx))
                text_parts.append("\n")
                pos += 1
            key, key_line = block, line
            idx = []
            lstart = pos
        else:
            text_parts.append(" ")
            pos += 1
        idx.append(len(words))
        words.append(_tuple_new(_Word, (x0, y0, x1, y1, t, pos, pos + len(t), (x0 + x1) / 2, (y0 + y1) / 2)))
        text_parts.append(t)
        pos += len(t)
    if key is not None:
        line_spans.append((lstart, pos, idx))
        text_parts.append("\n")
        pos += 1
    text = "".join(text_parts)

    grids: list[RawGrid] = []
    used: set[int] = set()
    rect = page.rect
    blocks = tp.extractBLOCKS()
    if turn is not None:
        blocks = [(*turn(x0, y0, x1, y1), *rest) for x0, y0, x1, y1, *rest in blocks]
    for region in _regions(_segments(blocks)):
        g, u = _grid(region, words, page_no)
        if g.rows:
            grids.append(g)
            used |= u

    # Left edge and right edge of the text column, for paragraph rejoining.
    prose_lines = []
    for lstart, lend, idx in line_spans:
        free = [i for i in idx if i not in used]
        if not free:
            continue
        if len(free) < len(idx):  # part of the line is in a grid: keep only the free words
            lstart = min(words[i].start for i in free)
            lend = max(words[i].end for i in free)
        bx = (
            min(words[i].x0 for i in free),
            min(words[i].y0 for i in free),
            max(words[i].x1 for i in free),
            max(words[i].y1 for i in free),
        )
        prose_lines.append((lstart, lend, bx))
    flow: list[FlowItem] = []
    if prose_lines:
        lefts = sorted(b[0] for _, _, b in prose_lines)
        left_edge = lefts[len(lefts) // 10] if lefts else 0.0
        rights = sorted(b[2] for _, _, b in prose_lines)
        right_edge = rights[int(len(rights) * 0.9)] if rights else rect.width
        for lstart, lend, bx in prose_lines:
            flow.append(
                Line(
                    page=page_no,
                    text=text[lstart:lend],
                    start=lstart,
                    end=lend,
                    bbox=bx,
                    indent=bx[0] > left_edge + 8,
                    short=bx[2] < right_edge - 20,
                )
            )
    flow.extend(grids)
    flow.sort(key=lambda it: (round(it.bbox[1] / 2) if it.bbox else 0, it.bbox[0] if it.bbox else 0))
    if turn is not None:
        P._turn_back(page, flow)
    return Page(page_no, text, rect.width, rect.height), flow



# ---- comparing ----

def _exact(x):
    """A value with every type and float bit spelled out, for comparing two readings."""
    if dataclasses.is_dataclass(x):
        return (type(x).__name__, tuple((f.name, _exact(getattr(x, f.name))) for f in fields(x)))
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, tuple(_exact(v) for v in x))
    if isinstance(x, float):
        return ("float", x.hex())
    return (type(x).__name__, x)


class _Rect:
    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height


class _TextPage:
    def __init__(self, words: list[tuple], blocks: list[tuple]) -> None:
        self._words, self._blocks = words, blocks

    def extractWORDS(self) -> list[tuple]:
        return list(self._words)

    def extractBLOCKS(self) -> list[tuple]:
        return list(self._blocks)


class _FakePage:
    """What read_page asks of a page: its number, size and one text page."""

    def __init__(self, number: int, words: list[tuple], blocks: list[tuple]) -> None:
        self.number = number
        self.rect = _Rect(595.0, 842.0)
        self._tp = _TextPage(words, blocks)

    def get_textpage(self, flags: int = 0) -> _TextPage:
        assert flags == P.TEXT_FLAGS
        return self._tp


def _same_reading(page) -> None:
    try:
        plain = plain_read_page(page)
    except Exception as e:  # noqa: BLE001 (a page the reader gives up on must fail the same way)
        with pytest.raises(type(e)):
            P.read_page(page)
        return
    assert _exact(P.read_page(page)) == _exact(plain)


def _same_rules(blocks: list[tuple]) -> None:
    segs = _segments(blocks)
    hs, vs = P._segments(blocks)
    assert hs == [(s.pos, s.a, s.b) for s in segs if s.horizontal]
    assert vs == [(s.pos, s.a, s.b) for s in segs if not s.horizontal]
    plain = [([(s.pos, s.a, s.b) for s in g if s.horizontal], [(s.pos, s.a, s.b) for s in g if not s.horizontal])
             for g in _regions(segs)]
    assert P._regions(hs, vs) == [tuple(g) for g in plain]


# ---- fuzzed pages: ruled tables drawn in the ways producers draw them, and words around them ----

_STROKE = "\n<vector stroked, color: #{}, alpha: 255, is-rect: {}, continues: {}>\n"
_FILL = "\n<vector filled, color: #{}, alpha: 255, is-rect: {}, continues: false>\n"


def _vec(rnd: random.Random, box: tuple[float, float, float, float], style: str) -> tuple:
    x0, y0, x1, y1 = box
    if style == "stroke":
        text = _STROKE.format(rnd.choice(["000000", "333333", "ffffff"]), rnd.choice(["true", "false"]),
                              rnd.choice(["true", "false"]))
    else:
        text = _FILL.format(rnd.choice(["000000", "000000", "808080", "f0f0f0", "ffffff"]),
                            rnd.choice(["true", "true", "true", "false"]))
    return (x0, y0, x1, y1, text, 0, 3)


def _table_blocks(rnd: random.Random, xs: list[float], ys: list[float]) -> list[tuple]:
    """The vector blocks of one ruled table with column edges xs and row edges ys."""
    out: list[tuple] = []
    t = rnd.choice([0.5, 1.0, 1.5, 2.5])  # the line width, as the box has it
    style = rnd.choice(["stroke", "stroke", "fill"])
    def j() -> float:  # a little jitter, now and then
        return rnd.choice([0.0, 0.0, 0.0, rnd.uniform(-1.5, 1.5)])

    how = rnd.choice(["cells", "lines", "boxes", "mixed"])
    skip_outer = rnd.random() < 0.15
    short_inner = rnd.random() < 0.3
    for i, y in enumerate(ys):  # row rules
        y += j()
        if how in ("cells", "mixed"):
            for a, b in zip(xs, xs[1:]):
                out.append(_vec(rnd, (a - t / 2 + j(), y - t / 2, b + t / 2 + j(), y + t / 2), style))
        else:
            a, b = xs[0], xs[-1]
            if short_inner and 0 < i < len(ys) - 1 and rnd.random() < 0.3:
                a = xs[len(xs) // 2]
            out.append(_vec(rnd, (a - t / 2, y - t / 2, b + t / 2, y + t / 2), style))
        if rnd.random() < 0.05:  # a double rule
            out.append(_vec(rnd, (xs[0], y + 1.2, xs[-1], y + 1.2 + t), style))
    for k, x in enumerate(xs):  # column rules
        if skip_outer and k == len(xs) - 1:
            continue
        x += j()
        if how in ("cells", "mixed", "boxes"):
            for a, b in zip(ys, ys[1:]):
                out.append(_vec(rnd, (x - t / 2, a - t / 2 + j(), x + t / 2, b + t / 2 + j()), style))
        else:
            out.append(_vec(rnd, (x - t / 2, ys[0] - t / 2, x + t / 2, ys[-1] + t / 2), style))
    if how == "boxes":  # each cell also drawn as a stroked box
        for a, b in zip(xs, xs[1:]):
            for c, d in zip(ys, ys[1:]):
                if rnd.random() < 0.5:
                    out.append((a, c, b, d, _STROKE.format("000000", "true", "false"), 0, 3))
    if rnd.random() < 0.5:
        rnd.shuffle(out)
    elif rnd.random() < 0.5:
        out.reverse()
    return out


def _figure(rnd: random.Random) -> str:
    return rnd.choice([f"{rnd.uniform(0, 99999):,.2f}", f"{rnd.uniform(0, 999):.2f}", str(rnd.randint(0, 999)),
                       "-", "0.00", "12.5%", "2024.1", "合计", "其中：", "一般公共预算", "201", "20101", "小计"])


def _fuzz_page(rnd: random.Random) -> tuple[list[tuple], list[tuple]]:
    blocks: list[tuple] = []
    placed: list[tuple[float, float, float, float, str]] = []  # word boxes with their text
    top = rnd.uniform(40, 200)
    n_tables = rnd.choice([0, 1, 1, 1, 2, 2, 3])
    left = rnd.uniform(30, 80)
    for _ in range(n_tables):
        n_cols = rnd.randint(1, 8)
        xs = [left]
        for _ in range(n_cols):
            xs.append(xs[-1] + rnd.choice([rnd.uniform(15, 120), rnd.uniform(0.5, 4)]))
        n_rows = rnd.randint(1, 14)
        ys = [top]
        for _ in range(n_rows):
            ys.append(ys[-1] + rnd.choice([rnd.uniform(10, 30), rnd.uniform(10, 30), rnd.uniform(0.5, 4),
                                           rnd.uniform(28, 45)]))
        if rnd.random() < 0.25:  # a header box and a body box, the band between without rules
            cut = rnd.randint(1, max(1, len(ys) - 2))
            blocks += _table_blocks(rnd, xs, ys[:cut + 1])
            blocks += _table_blocks(rnd, xs, [y + rnd.uniform(0, 20) for y in ys[cut:]])
        else:
            blocks += _table_blocks(rnd, xs, ys)
        # words in the cells: one printed row or two in a band, one word or several per cell
        for a, b in zip(ys, ys[1:]):
            lines = 2 if b - a > 26 and rnd.random() < 0.6 else 1
            for li in range(lines):
                cy = a + (b - a) * (li + 1) / (lines + 1) + rnd.choice([0.0, rnd.uniform(-3, 3)])
                for c, d in zip(xs, xs[1:]):
                    for _ in range(rnd.choice([0, 1, 1, 1, 2])):
                        wd = min(d - c, rnd.uniform(4, 60))
                        x0 = rnd.uniform(c - 1, max(c - 1, d - wd))
                        h = rnd.uniform(6, 12)
                        placed.append((x0, cy - h / 2, x0 + wd, cy + h / 2, _figure(rnd)))
        # a row printed just above or below the outer rules
        for y in (ys[0] - rnd.uniform(2, 25), ys[-1] + rnd.uniform(2, 25)):
            if rnd.random() < 0.4:
                for c, d in zip(xs, xs[1:]):
                    if rnd.random() < 0.7:
                        placed.append((c + 1, y - 4, min(d, c + 30), y + 4, _figure(rnd)))
        if rnd.random() < 0.3:  # side by side
            left = xs[-1] + rnd.uniform(-5, 40)
        else:
            top = ys[-1] + rnd.uniform(5, 80)
    for _ in range(rnd.randint(0, 12)):  # prose, anywhere
        x0, y0 = rnd.uniform(20, 500), rnd.uniform(20, 800)
        placed.append((x0, y0, x0 + rnd.uniform(5, 200), y0 + rnd.uniform(6, 14), rnd.choice(["说明", "本年", "收入"])))
    for _ in range(rnd.randint(0, 6)):  # other vectors: curves, backgrounds, stray lines
        x0, y0 = rnd.uniform(0, 550), rnd.uniform(0, 800)
        box = (x0, y0, x0 + rnd.choice([0.5, 2, 5, 100]), y0 + rnd.choice([0.5, 2, 5, 100]))
        blocks.append(_vec(rnd, box, rnd.choice(["stroke", "fill"])))
    if rnd.random() < 0.8:
        rnd.shuffle(placed)
    else:
        placed.sort(key=lambda w: (round(w[1]), w[0]))
    # words grouped into lines of one to four, lines into blocks; text blocks among the vectors
    words: list[tuple] = []
    block = line = 0
    k = 0
    while k < len(placed):
        n = rnd.choice([1, 1, 1, 2, 3, 4])
        for wn, w in enumerate(placed[k:k + n]):
            words.append((*w[:5], block, line, wn))
        k += n
        if rnd.random() < 0.3:
            block, line = block + 1, 0
            blocks.insert(rnd.randint(0, len(blocks)), (10.0, 10.0, 20.0, 20.0, "文字\n", block, 0))
        else:
            line += 1
    return words, blocks


def test_fast_raw_cell_fills_every_field():
    """_grid fills a one-word cell's slots itself: the class must still be those six slots."""
    assert [f.name for f in fields(RawCell)] == ["text", "page", "bbox", "start", "end", "confidence"]
    assert not hasattr(RawCell, "__post_init__")
    assert RawCell.__slots__ == ("text", "page", "bbox", "start", "end", "confidence")


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_pages_read_the_same(path):
    pymupdf.TOOLS.mupdf_display_errors(False)
    with pymupdf.open(path) as doc:
        for page in doc:
            _same_reading(page)
            _same_rules(page.get_textpage(flags=P.TEXT_FLAGS).extractBLOCKS())


@pytest.mark.parametrize("seed", range(12))
def test_fuzzed_pages_read_the_same(seed):
    rnd = random.Random(seed)
    for n in range(60):
        words, blocks = _fuzz_page(rnd)
        _same_rules(blocks)
        _same_reading(_FakePage(n, words, blocks))
