"""PDF pages to the reading flow, with PyMuPDF.

Why not ``page.find_tables()``: measured on the real corpus it runs at 2–13
pages/s, and PyMuPDF 2.0 garbles numbers in cells set in embedded CJK fonts
(``2,681.37`` comes back as ``268137\\n, .``).  The words themselves come out
clean, and every real table is ruled, so tables are rebuilt here from the
ruling lines (stroked lines or thin filled rectangles) and the word boxes.

Both come from one text page per page, built with ``TEXT_COLLECT_VECTORS``:
MuPDF then records every path segment as a vector block (its box, stroked or
filled, its colour, whether it is a rectangle), so the page's content stream
is interpreted once.  ``get_cdrawings()`` interprets it a second time and cost
as much as the text itself (more than all of bare ``get_text()`` on the real
PDFs).  ``TEXT_LAZY_VECTORS`` keeps the vectors from splitting text lines, so
the words and lines are exactly those of ``get_text("words")``.
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
import re
from typing import NamedTuple

import pymupdf

from extraction import mupdf_blocks, mupdf_messages  # noqa: F401 (MuPDF's messages off stdout)
from extraction.layout import FlowItem, Line, RawCell, RawGrid
from extraction.limits import MAX_PAGE_TABLES, MAX_PAGE_WORDS
from extraction.model import BBox, Page
from extraction.numbers import parse_cell_number

SNAP = 2.5  # points: ruling lines closer than this are one line
MIN_BAND = 3.0  # points: narrower column/row bands are drawing artefacts


class _Word(NamedTuple):
    """A word box with its offsets in the page text; centre precomputed (read many times).

    A page has hundreds of words: :func:`read_page` makes each with ``tuple.__new__`` (in C,
    without the Python-level constructor, centre included); everything reads them by name.
    """

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    start: int
    end: int
    cx: float
    cy: float


_tuple_new = tuple.__new__


_new = object.__new__
_Y0 = operator.itemgetter(1)
_Y1 = operator.itemgetter(3)

# A ruling line is a (position, start, end) tuple: its y and x extent when horizontal, its x and y
# extent when vertical.  A page's rules, and a table region's, come as two lists: horizontal and
# vertical.
_Rule = tuple[float, float, float]

# A text page with the words and, as blocks of type 3, every vector path segment.
TEXT_FLAGS = pymupdf.TEXTFLAGS_WORDS | pymupdf.TEXT_COLLECT_VECTORS | pymupdf.TEXT_LAZY_VECTORS
_VECTOR = re.compile(r"<vector (stroked|filled), color: #([0-9a-fA-F]{6}), alpha: \d+, is-rect: (true|false)")

# What a vector block can give, by its text: a stroked path that is not a rectangle (a rule when
# thin), a stroked rectangle (a rule when thin, else its four edges), a dark filled rectangle (a
# rule when thin).
_STROKED, _STROKED_BOX, _FILLED_BOX = 1, 2, 3


@functools.lru_cache(maxsize=1024)  # a page repeats a handful of these texts many times
def _vector(text: str) -> int | None:
    """What the vector block with this text may be (see above), or None: never a rule (a filled
    curve or shape, a white or pale fill, which is background, or no vector at all)."""
    m = _VECTOR.search(text)
    if m is None:
        return None
    if m.group(1) == "stroked":
        return _STROKED_BOX if m.group(3) == "true" else _STROKED
    if m.group(3) != "true":
        return None
    rgb = int(m.group(2), 16)
    if (rgb >> 16) + ((rgb >> 8) & 255) + (rgb & 255) >= 2.7 * 255:
        return None
    return _FILLED_BOX


THIN = 3.0  # points: a stroked box no thicker than this is a line (the box includes the line width)


def _segments(blocks: list[tuple]) -> tuple[list[_Rule], list[_Rule]]:
    """Ruling lines of a page from its vector blocks, horizontal and vertical: stroked lines and
    rectangle edges, thin dark filled rectangles.

    A vector box includes half the line width on every side; the ends of a line are moved back
    by that much.  Vectors come clipped to the page's clipping paths (see :func:`_open_sides`).
    Pieces are kept as (start, position, end) tuples per direction and snapped position, in
    drawing order, until they are merged: a table drawn cell by cell has dozens of pieces per page
    and only a few rules.  (A box wider and taller than THIN that is not a rectangle is no rule:
    neither thin test below takes it.)
    """
    hor: dict[int, list[tuple[float, float, float]]] = {}
    ver: dict[int, list[tuple[float, float, float]]] = {}
    vector = _vector
    for x0, y0, x1, y1, text, _, kind in blocks:
        if kind != 3:
            continue
        c = vector(text)
        if c is None:
            continue
        w = x1 - x0
        h = y1 - y0
        if c != _FILLED_BOX:
            if h <= THIN and w > h + 1.0:
                y = (y0 + y1) / 2
                k = round(y / SNAP)
                if k in hor:
                    hor[k].append((x0 + h / 2, y, x1 - h / 2))
                else:
                    hor[k] = [(x0 + h / 2, y, x1 - h / 2)]
            elif w <= THIN and h > w + 1.0:
                x = (x0 + x1) / 2
                k = round(x / SNAP)
                if k in ver:
                    ver[k].append((y0 + w / 2, x, y1 - w / 2))
                else:
                    ver[k] = [(y0 + w / 2, x, y1 - w / 2)]
            elif c == _STROKED_BOX:  # a stroked box: its four edges
                i = 0.25
                _piece(hor, y0 + i, x0 + i, x1 - i)
                _piece(hor, y1 - i, x0 + i, x1 - i)
                _piece(ver, x0 + i, y0 + i, y1 - i)
                _piece(ver, x1 - i, y0 + i, y1 - i)
        elif w <= 2.5 < h:
            _piece(ver, (x0 + x1) / 2, y0, y1)
        elif h <= 2.5 < w:
            _piece(hor, (y0 + y1) / 2, x0, x1)
    return _merge_collinear(hor), _merge_collinear(ver)


def _piece(pieces: dict[int, list[tuple[float, float, float]]], pos: float, a: float, b: float) -> None:
    pieces.setdefault(round(pos / SNAP), []).append((a, pos, b))


_FIRST = operator.itemgetter(0)


def _merge_collinear(pieces: dict[int, list[tuple[float, float, float]]]) -> list[_Rule]:
    """One rule for each run of collinear, touching pieces (start, position, end), by snapped
    position then start.

    Tables are often drawn cell by cell: a column rule comes as one piece per row.  Joined, the
    rules are as long as they look and the crossing search below meets each once.  A run keeps
    the position of its first piece.  The pieces of one snapped position mostly come drawn in
    order already, which makes their sort a single pass.
    """
    out: list[_Rule] = []
    for key in sorted(pieces):
        run = pieces[key]
        if len(run) > 1:
            run.sort(key=_FIRST)  # by start only: pieces that tie keep their drawing order
        it = iter(run)
        cur_a, cur_pos, cur_b = next(it)
        for a, pos, b in it:
            if a <= cur_b + SNAP:
                if b > cur_b:  # noqa: PLR1730 (cheaper than a call to max)
                    cur_b = b
                continue
            out.append((cur_pos, cur_a, cur_b))
            cur_a, cur_pos, cur_b = a, pos, b
        out.append((cur_pos, cur_a, cur_b))
    return out


def _regions(hs: list[_Rule], vs: list[_Rule]) -> list[tuple[list[_Rule], list[_Rule]]]:
    """Group ruling lines that touch into table regions (union-find on crossings), each with at
    least two rules either way: (horizontal rules, vertical rules), each in the order given."""
    nh = len(hs)
    if nh < 2 or len(vs) < 2:
        return []
    parent = list(range(nh + len(vs)))  # horizontal rules first, then vertical ones

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # each vertical rule's position, reach (its ends give or take SNAP) and index, by position
    reach = sorted((x, a - SNAP, b + SNAP, i) for i, (x, a, b) in enumerate(vs, nh))
    vpos = [r[0] for r in reach]
    left, right = bisect.bisect_left, bisect.bisect_right
    for hi, (y, a, b) in enumerate(hs):
        root = find(hi)
        for _, va, vb, vi in reach[left(vpos, a - SNAP):right(vpos, b + SNAP)]:
            if va <= y <= vb:
                r = parent[vi]
                if r == root:  # met before, by a rule of this group
                    continue
                if r == vi:  # a root: the rule (and any group under it) hangs under this root
                    parent[vi] = root
                    continue
                r = find(r)
                if r != root:  # this group hangs under the other's root, now this rule's root
                    parent[root] = r
                    root = r
    # Only the partition matters below (groups come in order of their first rule), not which rule
    # is a root.  (Rules of a table met by its first row rule hang right under it, and the next
    # row rules join that group at their first crossing: mostly one find per rule.)
    groups: dict[int, tuple[list[_Rule], list[_Rule]]] = {}
    for i, s in enumerate(hs):
        r = find(i)
        if r in groups:
            groups[r][0].append(s)
        else:
            groups[r] = ([s], [])
    for i, s in enumerate(vs, nh):
        r = find(i)
        if r in groups:
            groups[r][1].append(s)
        else:
            groups[r] = ([], [s])
    return _merge_stacked([g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2])


def _extent(g: tuple[list[_Rule], list[_Rule]]) -> tuple[float, float, float, float]:
    hs, vs = g
    xs = [x for x, _, _ in vs] + [v for _, a, b in hs for v in (a, b)]
    ys = [y for y, _, _ in hs] + [v for _, a, b in vs for v in (a, b)]
    return min(xs), min(ys), max(xs), max(ys)


def _merge_stacked(regions: list[tuple[list[_Rule], list[_Rule]]]) -> list[tuple[list[_Rule], list[_Rule]]]:
    """Join a ruled header and a ruled body drawn as two boxes of the same width.

    Some producers leave the band of header labels between them without
    vertical rules; the words in that band belong to the table all the same.
    """
    if len(regions) < 2:
        return regions
    ext = [_extent(g) for g in regions]
    order = sorted(range(len(regions)), key=lambda i: ext[i][1])  # by top; ties keep their order
    out: list[tuple[list[_Rule], list[_Rule]]] = []
    out_ext: list[tuple[float, float, float, float]] = []
    for i in order:
        g, b = regions[i], ext[i]
        if out:
            a = out_ext[-1]
            if abs(a[0] - b[0]) < 4 and abs(a[2] - b[2]) < 4 and -2 <= b[1] - a[3] < 60:
                out[-1] = (out[-1][0] + g[0], out[-1][1] + g[1])
                out_ext[-1] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                continue
        out.append(g)
        out_ext.append(b)
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


def _row_rules(hs: list[_Rule], width: float) -> list[float]:
    """Row boundaries: horizontal rules covering most of the table's width.

    Short rules under a spanning header label separate header levels, not
    rows; wrapped header labels between them are read as one cell.
    """
    hs = sorted(hs)  # by position
    pos = [s[0] for s in hs]
    # the rules' positions clustered as by _cluster, each cluster with its first and last rule
    clusters: list[tuple[float, int, int]] = []
    n = len(hs)
    i = 0
    while i < n:
        j = i + 1
        while j < n and pos[j] - pos[j - 1] <= SNAP:
            j += 1
        c = pos[i:j]
        clusters.append((sum(c) / len(c), i, j))
        i = j
    out = []
    last = len(clusters) - 1
    for k, (y, i, j) in enumerate(clusters):
        if j - i == 1:
            # a rule alone in its cluster sits at y, and every other rule lies more than SNAP away
            _, a, b = hs[i]
            covered = b - a
        else:
            near = hs[bisect.bisect_left(pos, y - SNAP - 1e-6):bisect.bisect_right(pos, y + SNAP + 1e-6)]
            spans = sorted((a, b) for p, a, b in near if abs(p - y) <= SNAP)
            covered, end = 0.0, None
            for a, b in spans:
                if end is None or a > end:
                    covered += b - a
                    end = b
                elif b > end:
                    covered += b - end
                    end = b
        if covered >= 0.6 * width or k == 0 or k == last:
            out.append(y)
    return out


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
    # fewer than two), so do the figures, and no number needs parsing (the common case; _grid
    # makes this first test itself).
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


def _open_sides(xs: list[float], hs: list[_Rule]) -> list[float]:
    """Column edges where the row rules end beyond the outermost vertical rule.

    A table without its outer vertical rule, or whose outer rule lies outside a clipping path
    (one real budget clips its last column's right rule away), still has a column out to where
    its row rules end: at least two of them ending together, a column's width from the rule.
    """
    if len(hs) < 2:
        return xs
    out = list(xs)
    for ends, outer, beyond in (([b for _, _, b in hs], xs[-1], 1), ([a for _, a, _ in hs], xs[0], -1)):
        edge = max(ends) if beyond > 0 else min(ends)
        together = sum(1 for e in ends if abs(e - edge) <= SNAP)
        if together >= 2 and (edge - outer) * beyond > 4 * MIN_BAND:
            out = out + [edge] if beyond > 0 else [edge] + out
    return out


class _ByHeight(NamedTuple):
    """The words' indexes in order of their centre height, and those heights: the words within a
    band of heights are found by bisection, so that a page's regions do not each pass over every
    word of the page (a page of many ruled boxes had regions × words of work)."""

    heights: list[float]
    order: list[int]

    @classmethod
    def of(cls, words: list[_Word]) -> _ByHeight:
        # (a word whose centre is no finite number is in no band: no comparison holds for NaN)
        order = sorted((i for i, w in enumerate(words) if math.isfinite(w[8])), key=lambda i: words[i][8])
        return cls([words[i][8] for i in order], order)

    def between(self, lo: float, hi: float) -> list[int]:
        """The indexes of the words with lo <= centre height <= hi, in page order."""
        a = bisect.bisect_left(self.heights, lo)
        b = bisect.bisect_right(self.heights, hi)
        return sorted(self.order[a:b])


def _grid(hs: list[_Rule], vs: list[_Rule], words: list[_Word], page_no: int, used: bytearray,
          by_height: _ByHeight | None = None) -> RawGrid | None:
    """The grid of one region's rules and the words in it, or None when no word is in it; the
    words placed are marked in ``used`` (by their index in ``words``).

    Hot loops read a word by index: its centre is w[7], w[8] (cx, cy), its text w[4].
    ``by_height`` (the page's words by height) spares the passes over the words outside the region.
    """
    if by_height is None:
        by_height = _ByHeight.of(words)
    xs = _cluster([x for x, _, _ in vs], SNAP)
    xs = _open_sides(xs, hs)
    x0, x1 = xs[0], xs[-1]
    ys = _row_rules(hs, x1 - x0)
    y0, y1 = ys[0], ys[-1]
    cols = _bands(xs)
    rows = _bands(ys)
    col_starts = [a for a, _ in cols]
    if rows:
        # A row printed just outside the outer rule (a continuation page drawn without its top
        # line, or a last row without its bottom line) still belongs to the table when its
        # words sit in two or more of the table's columns.
        heights = sorted(b - a for a, b in rows)
        h = heights[len(heights) // 2] * 1.3
        lo, hi = y0 - h, y1 + h
        # the words in the table's width within h above it or below it (one pass for both)
        near = [w for w in map(words.__getitem__, by_height.between(lo, hi))
                if (lo <= w[8] < y0 or y1 <= w[8] < hi) and x0 <= w[7] <= x1]
        if near:
            above = [w for w in near if w[8] < y0]
            below = [w for w in near if w[8] >= y1]
            for where, ws in (("above", above), ("below", below)):
                cols_hit = {_find_band(cols, col_starts, w.cx) for w in ws} - {None}
                if len(cols_hit) >= 2 and any(parse_cell_number(w.text) is not None for w in ws):
                    if where == "above":
                        rows.insert(0, (min(w.y0 for w in ws) - 0.5, y0))
                        y0 = rows[0][0]
                    else:
                        rows.append((y1, max(w.y1 for w in ws) + 0.5))
                        y1 = rows[-1][1]
    lx, hx, ly, hy = x0 - 1, x1 + 1, y0 - 1, y1 + 1
    row_starts = [a for a, _ in rows]
    # each column's reach, half a point either side: _find_band for the columns, inlined below
    col_lo = [a - 0.5 for a, _ in cols]
    col_hi = [b + 0.5 for _, b in cols]
    by_row: list[list[tuple[int, _Word]]] = [[] for _ in rows]
    # The words of one printed line share their centre height: each height is looked up once.
    row_of: dict[float, int | None] = {}
    right = bisect.bisect_right
    for wi in by_height.between(ly, hy):
        w = words[wi]
        cx = w[7]
        cy = w[8]
        if not (lx <= cx <= hx and ly <= cy <= hy):
            continue
        if cy in row_of:
            ri = row_of[cy]
        else:
            ri = row_of[cy] = _find_band(rows, row_starts, cy)
        if ri is None:
            continue
        i = right(col_starts, cx + 0.5) - 1
        if i > 0 and col_lo[i - 1] <= cx <= col_hi[i - 1]:
            ci = i - 1
        elif i >= 0 and col_lo[i] <= cx <= col_hi[i]:
            ci = i
        else:
            continue
        used[wi] = 1
        by_row[ri].append((ci, w))
    grid_rows: list[list[RawCell | None]] = []
    n_cols = len(cols)
    new = _new
    for entries in by_row:
        if not entries:
            continue
        # _split_band's first test: fewer than two words with a dot, or all of them overlapping
        # one another, keep the band whole
        dots = [w for _, w in entries if "." in w[4]]
        if len(dots) < 2 or max(map(_Y0, dots)) < min(map(_Y1, dots)) - 0.5:
            placed = (entries,)
        else:
            subs = _split_band([w for _, w in entries])
            if len(subs) == 1:
                placed = (entries,)
            else:
                col_of = {id(w): ci for ci, w in entries}
                placed = [[(col_of[id(w)], w) for w in sub] for sub in subs]
        for sub in placed:
            # each column's word, or its words as a list when there are several
            row: list = [None] * n_cols
            for ci, w in sub:
                c = row[ci]
                if c is None:
                    row[ci] = w
                elif type(c) is list:
                    c.append(w)
                else:
                    row[ci] = [c, w]
            for k, c in enumerate(row):
                if c is None:
                    continue
                if type(c) is list:
                    bx = (min(w.x0 for w in c), min(w.y0 for w in c), max(w.x1 for w in c), max(w.y1 for w in c))
                    row[k] = RawCell(_join_cell_words(c), page_no, bx, min(w.start for w in c), max(w.end for w in c))
                else:
                    # the common case: one word, its own box and text.  RawCell(text, page_no, box,
                    # start, end) filled slot by slot, without the dataclass __init__ (see
                    # tests/test_perf_reader.py)
                    cell = new(RawCell)
                    cell.text = c[4]
                    cell.page = page_no
                    cell.bbox = c[:4]
                    cell.start = c[5]
                    cell.end = c[6]
                    cell.confidence = None
                    row[k] = cell
            grid_rows.append(row)
    if not grid_rows:
        return None
    return RawGrid(page_no, grid_rows, (x0, y0, x1, y1), [page_no])


def _turn(page: pymupdf.Page):
    """For a page shown turned (/Rotate 90, 180, 270: a landscape table printed on a portrait
    page), the map of a box from the page's own coordinates, in which MuPDF gives words and
    vectors, to the page as shown, where a table's rows run across and its caption stands above
    it; None for an upright page."""
    if not getattr(page, "rotation", 0) % 360:
        return None
    a, b, c, d, e, f = page.rotation_matrix

    def turn(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        xa, ya = a * x0 + c * y0 + e, b * x0 + d * y0 + f
        xb, yb = a * x1 + c * y1 + e, b * x1 + d * y1 + f
        return min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)

    return turn


def read_page(page: pymupdf.Page, notes: list[str] | None = None) -> tuple[Page, list[FlowItem]]:
    """One page: its text (lines joined by newlines) and its flow of lines and grids.

    Only the first ``MAX_PAGE_WORDS`` words (in MuPDF's order) are read, the cut said in ``notes``."""
    page_no = page.number + 1
    tp = page.get_textpage(flags=TEXT_FLAGS)
    raw = tp.extractWORDS()
    turn = _turn(page)
    if turn is not None:
        raw = [(*turn(x0, y0, x1, y1), *rest) for x0, y0, x1, y1, *rest in raw]
    blocks = mupdf_blocks.blocks(tp)
    if turn is not None:
        blocks = [(*turn(x0, y0, x1, y1), *rest) for x0, y0, x1, y1, *rest in blocks]
    hs, vs = _segments(blocks)
    rect = page.rect
    text, flow = lay_out(page_no, raw, hs, vs, rect.width, notes)
    if turn is not None:
        _turn_back(page, flow)
    return Page(page_no, text, rect.width, rect.height), flow


def lay_out(page_no: int, raw: list[tuple], hs: list[_Rule], vs: list[_Rule], width: float,
            notes: list[str] | None = None) -> tuple[str, list[FlowItem]]:
    """A page's text and flow from its words and ruling lines, as the page is shown: the one table
    reconstruction of every reader of pages (the PDF text layer here, OCR in extraction/ocr.py).

    ``raw``: the words as MuPDF's ``extractWORDS`` gives them, (x0, y0, x1, y1, text, block, line,
    word), the words of a line together; ``hs``, ``vs``: the horizontal and vertical rules
    (position, start, end); ``width``: the page's, the right edge of prose when no line shows it.
    Only the first ``MAX_PAGE_WORDS`` words are read, the cut said in ``notes``."""
    if len(raw) > MAX_PAGE_WORDS:
        if notes is not None:
            notes.append(f"page {page_no} has {len(raw)} words: the words after the first {MAX_PAGE_WORDS} "
                         "are not read (MAX_PAGE_WORDS)")
        del raw[MAX_PAGE_WORDS:]
    # Lines in content order: words sharing (block, line) with a space between them.  MuPDF lists
    # the words of a line together, so a line ends where (block, line) changes.
    text_parts: list[str] = []
    put = text_parts.append
    pos = 0
    words: list[_Word] = []
    add = words.append
    lines: list[tuple[int, int, int, int]] = []  # (start, end, first word, word after its last)
    key = key_line = None
    lstart = first = 0
    new, W = _tuple_new, _Word
    for x0, y0, x1, y1, t, block, line, _ in raw:
        if block != key or line != key_line:
            if key is not None:
                lines.append((lstart, pos, first, len(words)))
                put("\n")
                pos += 1
            key, key_line = block, line
            first = len(words)
            lstart = pos
        else:
            put(" ")
            pos += 1
        end = pos + len(t)
        add(new(W, (x0, y0, x1, y1, t, pos, end, (x0 + x1) / 2, (y0 + y1) / 2)))
        put(t)
        pos = end
    if key is not None:
        lines.append((lstart, pos, first, len(words)))
        put("\n")
        pos += 1
    text = "".join(text_parts)

    grids: list[RawGrid] = []
    used = bytearray(len(words))  # 1: the word is in a grid
    regions = _regions(hs, vs)
    if len(regions) > MAX_PAGE_TABLES:
        # (the words of the regions beyond are read as lines; assemble's own cut at the same
        # limit then finds nothing more to cut on this page)
        if notes is not None:
            notes.append(f"page {page_no} has {len(regions)} ruled regions: the regions after the first "
                         f"{MAX_PAGE_TABLES} are not read as tables (MAX_PAGE_TABLES)")
        del regions[MAX_PAGE_TABLES:]
    by_height = _ByHeight.of(words) if regions else None
    for rh, rv in regions:
        g = _grid(rh, rv, words, page_no, used, by_height)
        if g is not None:
            grids.append(g)

    # Left edge and right edge of the text column, for paragraph rejoining.
    prose_lines = []
    for lstart, lend, i, j in lines:
        if j - i == 1:  # a one-word line (the most): its box is the word's
            if not used[i]:
                prose_lines.append((lstart, lend, words[i][:4]))
            continue
        free = [k for k in range(i, j) if not used[k]]
        if not free:
            continue
        if len(free) < j - i:  # part of the line is in a grid: keep only the free words
            lstart = min(words[k].start for k in free)
            lend = max(words[k].end for k in free)
        bx = (
            min(words[k].x0 for k in free),
            min(words[k].y0 for k in free),
            max(words[k].x1 for k in free),
            max(words[k].y1 for k in free),
        )
        prose_lines.append((lstart, lend, bx))
    flow: list[FlowItem] = []
    if prose_lines:
        lefts = sorted(b[0] for _, _, b in prose_lines)
        left_edge = lefts[len(lefts) // 10] if lefts else 0.0
        rights = sorted(b[2] for _, _, b in prose_lines)
        right_edge = rights[int(len(rights) * 0.9)] if rights else width
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
    return text, flow


def _turn_back(page: pymupdf.Page, flow: list[FlowItem]) -> None:
    """The boxes of a turned page's flow, read as shown (``_turn``), back in the page's own
    coordinates, as every box of a Document is (and as PyMuPDF takes them to mark a page)."""
    a, b, c, d, e, f = page.derotation_matrix

    def back(box: BBox | None) -> BBox | None:
        if box is None:
            return None
        x0, y0, x1, y1 = box
        xa, ya = a * x0 + c * y0 + e, b * x0 + d * y0 + f
        xb, yb = a * x1 + c * y1 + e, b * x1 + d * y1 + f
        return min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)

    for it in flow:
        it.bbox = back(it.bbox)
        if isinstance(it, RawGrid):
            for r in it.rows:
                for cell in r:
                    if cell is not None:
                        cell.bbox = back(cell.bbox)


def pdf_has_text(doc: pymupdf.Document, sample: int = 5) -> bool:
    for i in range(min(sample, doc.page_count)):
        if doc[i].get_text("text").strip():
            return True
    return False


def bbox_union(a: BBox | None, b: BBox | None) -> BBox | None:
    if a is None:
        return b
    if b is None:
        return a
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
