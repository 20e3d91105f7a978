"""From a raw grid of cells to a Table: header, columns, side-by-side blocks, coded rows.

The same interpretation serves grids rebuilt from PDF rulings and grids read
from tab-separated text, so both formats give the same Table.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass

from extraction.datafiles import code_names, package_yaml
from extraction.layout import RawCell, RawGrid
from extraction.model import Cell, Column, Row, Table, new_cell, new_row
from extraction.numbers import is_empty_mark, looks_like_code, parse_cell_number

_SPACE = re.compile(r"\s+")
_TEXT = operator.attrgetter("text")
_NAME_HEADER = re.compile(r"^(项目|科目名称|项目名称|名称|项目\(按功能分类\)|项目（按功能分类）|科目|功能分类科目名称|经济分类科目名称|收入项目|支出项目|项目\(按支出功能分类\))$")
_CODE_HEADER = re.compile(r"(编码|代码|^类$|^款$|^项$|^科目编码$)")
_LINE_HEADER = re.compile(r"^(行次|行 次)$")
_COLNUM_ROW = re.compile(r"^(栏次|栏 次|栏\s*次)$")
_TOTAL_NAMES = ("合计", "总计", "本年收入合计", "本年支出合计")
_CODE_IN_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*[ 　]?(\D.*)$")
_UNIT_WORDS = {"元", "万元", "亿元", "千元", "辆", "个", "人", "人次", "批次", "次", "台", "台（套）", "台(套)", "套", "件",
               "项", "平方米", "%", "户", "家", "名", "天", "年", "月"}
_UNIT_HEADER = re.compile(r"^(计量)?单位$")
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）|^\([一二三四五六七八九十]+\)|^\d+[\.．、]")


@functools.lru_cache(maxsize=65536)
def squash(s: str) -> str:
    """Text without any whitespace (cells and labels wrap and space arbitrarily)."""
    # (str.split() splits at runs of exactly the characters \s matches: _SPACE.sub("", s), quicker)
    return "".join(s.split())


def _norm_label(s: str) -> str:
    return squash(s).replace("（", "(").replace("）", ")")


@dataclass
class _Col:
    index: int
    role: str  # 'code' | 'code_part' | 'name' | 'line' | 'value'
    label: str


@functools.cache
def _kind_patterns() -> tuple[list[tuple[str, list[re.Pattern[str]]]], dict[str, str]]:
    data = package_yaml("extraction", "data/table_kinds.yaml")
    kinds = [(k["kind"], [re.compile(p) for p in k["patterns"]]) for k in data["kinds"]]
    return kinds, dict(data["final_account_numbers"])


@functools.lru_cache(maxsize=4096)
def classify_title(title: str, number: str | None = None) -> str:
    """The canonical kind of a table from its printed title (or its 公开NN表 number).

    Cached: every report prints the same few dozen titles, and each costs a run of patterns.
    """
    t = squash(title)
    for q in "“”\"「」‘’'":
        t = t.replace(q, "")
    kinds, numbers = _kind_patterns()
    for kind, pats in kinds:
        if any(p.search(t) for p in pats):
            return kind
    if number:
        m = re.search(r"(\d+)", number)
        if m and m.group(1).zfill(2) in numbers:
            return numbers[m.group(1).zfill(2)]
    return "other"


def _is_number(text: str) -> bool:
    return _cell_value(text) is not None


# A figure as most cells print it: ASCII digits, maybe a sign, thousands commas and decimals, and
# nothing else (no space, no full-width form, no percent, no parentheses).  _NUMBER_RE of
# extraction.numbers with ASCII digits, matched over the whole text.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")


@functools.lru_cache(maxsize=65536)
def _cell_value(text: str) -> tuple[float, int] | None:
    """The value and printed decimals of a cell, as ``parse_cell_number`` reads them (None when it
    reads no number).

    A plain figure is read here: parse_cell_number leaves such a text as it is (nothing in it to
    normalise, strip or drop, no percent, no parentheses) and matches it with the same pattern,
    so its value is float(text without commas) and its decimals the digits after the point.
    Every other text goes to parse_cell_number.  (About a tenth of the cost: every figure of a
    report is a new text, and parse_cell_number normalises, translates and builds a frozen
    ParsedNumber for each.)"""
    m = _PLAIN_NUMBER.fullmatch(text)
    if m is not None:
        return float(text.replace(",", "")), len(m.group(1) or "")
    p = parse_cell_number(text)
    return None if p is None else (p.value, p.decimals)


def _is_colnum_row(texts: list[str]) -> bool:
    """The 栏次 row: '栏次' or only the column numbers 1, 2, 3 … (or 1 … n per block)."""
    return _is_colnum_squashed([squash(t) for t in texts if squash(t)])


def _is_colnum_squashed(ne: list[str]) -> bool:
    """``_is_colnum_row`` of a row's non-blank cells, already squashed."""
    if not ne:
        return False
    if any(_COLNUM_ROW.match(t) for t in ne):
        return True
    if len(ne) >= 3 and all(t.isdigit() and len(t) <= 2 for t in ne):
        nums = [int(t) for t in ne]
        return nums[0] in (1, 2) and all(b == a + 1 for a, b in zip(nums, nums[1:]))
    return False


def _is_data_row(texts: list[str]) -> bool:
    ne = [squash(t) for t in texts if squash(t)]
    if not ne or _is_colnum_squashed(ne):
        return False
    first = ne[0]
    if looks_like_code(first) or _CODE_IN_NAME.match(first):
        return True
    if any(first.startswith(n) or first == n for n in _TOTAL_NAMES):
        return True
    if any("." in t and _is_number(t) for t in ne):
        return True
    if _ORDINAL.match(first) and not any(_NAME_HEADER.match(_norm_label(t)) for t in ne):
        return True
    return False


def _has_figure(texts: list[str]) -> bool:
    return any(map(_is_figure, texts))


@functools.lru_cache(maxsize=65536)
def _is_figure(x: str) -> bool:
    """A cell printing a figure with a decimal point or a thousands comma.  Cached: every row of
    every table is asked, and the same cell texts come back again and again."""
    # squash only drops whitespace, so the raw text tells whether there is a point or comma.
    # Whether the squashed text is a number is read from the cell's facts, which the column roles
    # read next anyway: they are None only for a blank text or an empty mark, never numbers.
    if "." not in x and "," not in x:
        return False
    facts = _cell_facts(x)
    return facts is not None and facts[2]


def _header_split(rows: list[list[str]]) -> int:
    """Index of the first body row: the first data row that carries a figure or a code."""
    first_any = None
    for i, r in enumerate(rows):
        kind = _header_split_row(tuple(r))
        if kind >= _DATA_ROW:
            if kind == _DATA_ROW_STARTS:
                return i if first_any is None or not _has_figure(rows[first_any]) and first_any + 1 == i else first_any
            if first_any is None:
                first_any = i
        elif first_any is not None and kind == _OTHER_ROW:
            first_any = None  # a '合计' label inside a multi-row header
    return first_any or 0


# what a row is to _header_split
_COLNUM_ROW_KIND, _OTHER_ROW, _DATA_ROW, _DATA_ROW_STARTS = range(4)


@functools.lru_cache(maxsize=16384)
def _header_split_row(r: tuple[str, ...]) -> int:
    """A row as ``_header_split`` sees it: a data row that carries a figure or a code (the body
    starts there), another data row, the 栏次 row, any other row.  Cached per row: a form prints
    the same header rows report after report."""
    if _is_data_row(r):
        ne = [squash(t) for t in r if squash(t)]
        if _has_figure(r) or looks_like_code(ne[0]) or _CODE_IN_NAME.match(ne[0]):
            return _DATA_ROW_STARTS
        return _DATA_ROW
    return _COLNUM_ROW_KIND if _is_colnum_row(r) else _OTHER_ROW


@functools.lru_cache(maxsize=65536)
def _cell_facts(raw: str) -> tuple[str, bool, bool, bool, bool, bool, bool, bool] | None:
    """A body cell as column roles see it: None when blank or an empty mark, else its squashed
    text and whether that is a code, a number, two digits, at most three digits, a number that
    is not a code, a unit word, and whether it has a decimal point."""
    # squash(raw) without its cache: each new figure comes here once, and would only fill it
    t = "".join(raw.split())
    if not t:
        return None
    number = _cell_value(t) is not None  # (_is_number)
    # (a number has a digit, which no empty mark has even once normalised: only the other texts
    # need the empty-mark test)
    if not number and is_empty_mark(raw):
        return None
    digits = t.isdigit()
    # (a code has 3, 5 or 7 characters, and t has no whitespace for looks_like_code to strip:
    # other lengths need not ask)
    code = len(t) in (3, 5, 7) and looks_like_code(t)
    return (t, code, number, digits and len(t) == 2, digits and len(t) <= 3, number and not code,
            t in _UNIT_WORDS, "." in t)


_HeaderColumn = tuple[str, bool, bool, bool, bool, bool]
"""What a column's header says towards its role: its label and whether it is a 行次 header, a
单位 header, a 款/项 header, a code header (its last label not a name header), a name header."""


@functools.lru_cache(maxsize=4096)
def _header_columns(header: tuple[tuple[str, ...], ...], n_cols: int
                    ) -> tuple[tuple[tuple[str, ...], ...], tuple[_HeaderColumn, ...]]:
    """The header rows with spanning labels filled in (``_fill_header``), and per column what its
    labels say towards its role.  Cached: a form prints the same header in every report, and
    this depends on the header texts alone."""
    filled = tuple(map(tuple, _fill_header([list(h) for h in header], n_cols)))
    info: list[_HeaderColumn] = []
    for c in range(n_cols):
        hdr = [squash(h[c]) for h in filled if c < len(h) and squash(h[c])]
        hdr = [h for h in hdr if not _COLNUM_ROW.match(h)]
        if not hdr:
            info.append(("", False, False, False, False, False))
            continue
        last_is_name = bool(_NAME_HEADER.match(_norm_label(hdr[-1])))
        info.append(("/".join(hdr), any(_LINE_HEADER.match(h) for h in hdr), bool(_UNIT_HEADER.match(hdr[-1])),
                     hdr[-1] in ("款", "项"), any(_CODE_HEADER.search(h) for h in hdr) and not last_is_name,
                     last_is_name))
    return filled, tuple(info)


def _roles(body: list[list[str]], n_cols: int, hinfo: tuple[_HeaderColumn, ...]) -> tuple[str, ...]:
    """Each column's role ('code', 'code_part', 'name', 'line', 'unit' or 'value') from what its
    header says and the body cells it holds."""
    roles: list[str] = []
    # the body column by column (short rows padded with blanks, which count as nothing)
    # (body rows come from RawGrid.texts, already padded to n_cols: then they transpose as they are)
    if not all(map(n_cols.__eq__, map(len, body))):
        body = [list(r) + [""] * (n_cols - len(r)) for r in body]
    body_cols = list(zip(*body)) if body else []
    for c in range(n_cols):
        hdr_text, line_header, unit_header, part_header, code_header, name_header = hinfo[c]
        data, codes, numbers, code_parts, ints, nums, all_units, any_dot = \
            _column_stats(body_cols[c] if body_cols else ())
        n = len(data)
        texty = n - numbers
        lone_sum = n == 1 and _money_header(hdr_text)
        if line_header:
            role = "line"
        elif all_units and (unit_header or n >= 3):
            role = "unit"
        elif part_header and (code_parts or not n):
            role = "code_part"
        elif code_header and (codes or not n) and codes >= 0.3 * n:
            role = "code"
        elif n and codes >= 0.6 * n and codes >= 1 and not any_dot and not lone_sum:
            role = "code"
        elif n and code_parts >= 0.6 * n and nums - code_parts <= 0 and not lone_sum:
            role = "code_part"
        elif name_header and texty >= nums:
            role = "name"
        elif n and texty > nums and texty >= max(2, 0.2 * len(body)):
            role = "name"
        elif n and ints == n and nums and _sequential([int(t) for t in data if t.isdigit()]) and not any_dot:
            role = "line"
        else:
            role = "value"
        roles.append(role)
    return tuple(roles)


# a column label that names a sum of money (购置费, 预算数, 金额, 合计): a lone figure under it is not a
# code, as the "25" of a one-line 三公 table's 购置费 column (a two-digit code part by its look) is
# not; a column of several such figures is judged by them as before
_MONEY_LABEL = re.compile(r"(费|数|额|计|资金|支出|收入)$")


def _money_header(hdr_text: str) -> bool:
    return bool(hdr_text) and bool(_MONEY_LABEL.search(hdr_text.rsplit("/", 1)[-1]))


@functools.lru_cache(maxsize=4096)
def _column_stats(column: tuple[str, ...]) -> tuple[tuple[str, ...], int, int, int, int, int, bool, bool]:
    """One body column counted in a single pass: its non-blank texts (squashed), how many are codes,
    numbers, two-digit code parts, short integers, and numbers that are not codes; whether all
    of them are unit words and whether any has a decimal point.

    Kept per column text because a form repeats its columns from table to table (and from one
    report to the next).
    """
    facts = [f for f in map(_cell_facts, column) if f is not None]
    if not facts:
        return (), 0, 0, 0, 0, 0, True, False
    # one tuple per fact over the whole column, each counted by sum at C speed
    texts, codes, numbers, code_parts, ints, nums, units, dots = zip(*facts)
    return texts, sum(codes), sum(numbers), sum(code_parts), sum(ints), sum(nums), all(units), any(dots)


def _sequential(nums: list[int]) -> bool:
    return len(nums) >= 3 and sum(1 for a, b in zip(nums, nums[1:]) if b == a + 1) >= 0.7 * (len(nums) - 1)


def _fill_header(header: list[list[str]], n_cols: int) -> list[list[str]]:
    """Spanning header cells print once; give their text to the sub-columns below them."""
    out = [list(r) + [""] * (n_cols - len(r)) for r in header]
    original = [[bool(squash(t)) for t in r] for r in out]
    for h in range(len(out) - 1):
        row = out[h]
        if _is_colnum_row(row):
            continue
        below = [r for r in out[h + 1:] if not _is_colnum_row(r)]
        if not below:
            continue
        nxt = below[0]
        seen: set[str] = set()
        for c in range(1, n_cols):
            if original[h][c]:
                seen = {squash(nxt[c])} if squash(nxt[c]) else set()
                continue
            if not squash(row[c - 1]) or _NAME_HEADER.match(_norm_label(row[c - 1])):
                seen = set()
                continue
            here, left = squash(nxt[c]), squash(nxt[c - 1])
            if original[h][c - 1] and not squash(nxt[c - 1]) and not here:
                # a label over two columns whose sub-labels sit further down (合计 | 预算数 决算数)
                first = next((b for b in below if squash(b[c])), None)
                if first is not None and squash(first[c - 1]):
                    row[c] = row[c - 1]
                continue
            if here and left and here not in seen:
                # sibling sub-columns directly below a spanning label (本年支出: 合计 基本支出 项目支出)
                row[c] = row[c - 1]
                seen.add(here)
            else:
                seen = set()
    return out


def _align_header(header: list[list[str]], cols: list[_Col]) -> list[list[str]]:
    """Text exports of merged header cells often print labels one column left of their figures.

    When every value label of a header row sits one column left of a value
    column (and not all of them sit on one already), move the row's labels right.
    """
    values = {c.index for c in cols if c.role == "value"}
    out = []
    for h in header:
        if _is_colnum_row(h):
            out.append(h)
            continue
        pos = [i for i, t in enumerate(h) if _is_value_label(t)]
        here = sum(1 for p in pos if p in values)
        right = sum(1 for p in pos if p + 1 in values)
        if pos and right == len(pos) and here < len(pos) and pos[-1] + 1 < len(h) and not squash(h[pos[-1] + 1]):
            new = list(h)
            for p in reversed(pos):
                new[p + 1], new[p] = new[p], ""
            out.append(new)
        else:
            out.append(h)
    return out


@functools.lru_cache(maxsize=16384)
def _is_value_label(t: str) -> bool:
    """A header cell that labels figures: printed, and neither a name nor a code header.
    Cached: forms print the same labels table after table."""
    return bool(squash(t)) and not _NAME_HEADER.match(_norm_label(t)) and not _CODE_HEADER.search(squash(t))


def _blocks(cols: list[_Col]) -> list[list[_Col]]:
    """Side-by-side blocks: a new block starts where a code or name column follows a value column."""
    blocks: list[list[_Col]] = [[]]
    seen_value = False
    for c in cols:
        if c.role in ("code", "name") and seen_value:
            blocks.append([])
            seen_value = False
        if c.role == "value":
            seen_value = True
        blocks[-1].append(c)
    return [b for b in blocks if b]


def _block_name(top: list[str], block: list[_Col], i: int, previous: str | None) -> str:
    for c in block:
        t = squash(top[c.index]) if c.index < len(top) else ""
        if t and not _NAME_HEADER.match(_norm_label(t)) and not _CODE_HEADER.search(t):
            return t
    return previous or f"block{i + 1}"


def _value_label(header: list[list[str]], c: int, block_label: str | None) -> str:
    parts: list[str] = []
    base = block_label.split("#")[0] if block_label else None
    for h in header:
        t = squash(h[c]) if c < len(h) else ""
        if not t or _COLNUM_ROW.match(t) or (t.isdigit() and len(t) <= 2):
            continue
        if base and t == base and any(squash(x[c]) and squash(x[c]) != base for x in header if c < len(x)):
            continue
        if parts and parts[-1] == t:
            continue
        parts.append(t)
    return "/".join(parts)


_HEADER_WORDS = re.compile(r"预算|执行|决算|名称|指标|金额|数$|率|合计|小计|项目|科目")


def _is_inner_header(texts: list[str]) -> bool:
    # each cell's part in the test, read once per text: None blank, 0 a number, 1 a header label
    facts = [f for f in map(_inner_header_fact, texts) if f is not None]
    if len(facts) < 3 or 0 in facts:
        return False
    return facts.count(1) >= 3


@functools.lru_cache(maxsize=65536)
def _inner_header_fact(t: str) -> int | None:
    """What a cell says towards ``_is_inner_header``: None when blank or an empty mark, 0 when a
    number, 1 when a short header label (预算数, 执行率 …), 2 for any other text."""
    facts = _cell_facts(t)
    if facts is None:
        return None
    if facts[2]:
        return 0
    sq = facts[0]
    return 1 if _HEADER_WORDS.search(sq) and len(sq) <= 12 else 2


GridReading = tuple[list[list[str]], list[bool]]
"""A grid's texts and, row by row, whether the row carries a figure (``_has_figure``)."""


def subtables_read(grid: RawGrid) -> list[tuple[RawGrid, GridReading | None]]:
    """Split a form that stacks several tables in one grid (绩效自评表) at each inner header row.

    A row of three or more header labels (预算数, 执行数, 执行率 …) followed by
    a row of figures starts a new table; the rows above it stay in the first.

    A grid left whole comes back with what was read of it, so that ``interpret_grid`` need not
    read the texts and figures of every row a second time.
    """
    texts = grid.texts()
    # _has_figure of each row, in a plain loop; a figure has a point or a comma, so the cells
    # without one (names, codes) are passed over without asking _is_figure
    figures: list[bool] = []
    for r in texts:
        figure = False
        for x in r:
            if ("." in x or "," in x) and _is_figure(x):
                figure = True
                break
        figures.append(figure)
    starts = [0]
    seen_figure = False
    for i, r in enumerate(texts):
        # The figure tests first: they are known already, the header test reads every cell.  A row
        # with a figure is never a header row (a figure is a number, which _is_inner_header refuses).
        if i + 1 < len(texts) and seen_figure and not figures[i] and figures[i + 1] and _is_inner_header(r):
            starts.append(i)
            seen_figure = False
        if figures[i]:
            seen_figure = True
    if len(starts) == 1:
        # the first header may sit under a few label rows: start the table there
        return [(grid, (texts, figures))]
    out: list[tuple[RawGrid, GridReading | None]] = []
    for a, b in zip(starts, starts[1:] + [len(texts)]):
        # a piece pads its rows to its own width, so it is read afresh
        out.append((RawGrid(grid.page, grid.rows[a:b], grid.bbox, list(grid.pages)), None))
    return out


def pair_cell_per_line(grid: RawGrid) -> RawGrid:
    """A table exported one cell per line ("预算数:" / "80000" / "执行数:" / "80000"): pair each
    label with the figure printed on the line after it, so the form reads as label | figure rows."""
    # Most grids are ordinary tables: give up once more rows hold several cells than such an
    # export may have (three in ten, with a row to spare against rounding), before reading them all.
    most_multi = 0.3 * len(grid.rows) + 1
    multi = 0
    for r in grid.rows:
        # whether the row has other than one printed cell: no more than two are read (a cell is
        # printed when its stripped text is not blank, as its squashed text is not)
        # (a plain loop: quicker than a chain of map and filter over so few cells)
        printed = 0
        for c in r:
            if c is not None and c.text.strip():
                printed += 1
                if printed == 2:
                    break
        if printed != 1:
            multi += 1
            if multi > most_multi:
                return grid
    singles = [[c for c in r if c is not None and squash(c.text)] for r in grid.rows]
    if not singles or sum(1 for s in singles if len(s) == 1) < 0.7 * len(singles):
        return grid
    cells = [s[0] for s in singles if len(s) == 1]
    rows: list[list[RawCell | None]] = []
    pairs = 0
    i = 0
    while i < len(cells):
        c = cells[i]
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        if parse_cell_number(c.text) is None and nxt is not None and parse_cell_number(nxt.text) is not None:
            rows.append([RawCell(c.text.rstrip(":：").strip(), c.page, c.bbox, c.start, c.end, c.confidence), nxt])
            pairs += 1
            i += 2
        else:
            rows.append([c, None])
            i += 1
    if pairs < 2:
        return grid
    return RawGrid(grid.page, rows, grid.bbox, list(grid.pages))


_BlockPlan = tuple[str | None, tuple[int, ...], tuple[tuple[int, int], ...]]
"""A block of a table: its name, its value columns, and its other columns as (index, role code)."""

# role codes of the columns that are not values, as the row loop tests them
_CODE, _CODE_PART, _NAME, _LINE, _UNIT = range(5)
_ROLE_CODE = {"code": _CODE, "code_part": _CODE_PART, "name": _NAME, "line": _LINE, "unit": _UNIT}


@functools.lru_cache(maxsize=4096)
def _layout(header: tuple[tuple[str, ...], ...], n_cols: int, roles: tuple[str, ...]
            ) -> tuple[tuple[_BlockPlan, ...], tuple[Column, ...], tuple[str, ...]]:
    """A table's blocks, value columns and block names from its header rows (as printed) and its
    column roles.  Nothing here reads the body: the result depends on these three alone, and is
    kept because a form comes back with the same header and roles report after report (the
    Columns are frozen, so tables may share them)."""
    filled, hinfo = _header_columns(header, n_cols)
    cols = [_Col(c, role, hinfo[c][0]) for c, role in enumerate(roles)]
    aligned = _align_header([list(h) for h in filled], cols)
    blocks = _blocks(cols)
    top = (list(header[0]) + [""] * n_cols)[:n_cols] if header else [""] * n_cols
    multi = len(blocks) > 1
    block_names: list[str | None] = []
    for i, b in enumerate(blocks):
        block_names.append(_block_name(top, b, i, block_names[-1] if block_names else None) if multi else None)
    if multi and len(set(block_names)) < len(block_names):
        counts: dict[str | None, int] = {}
        renamed = []
        for n in block_names:
            counts[n] = counts.get(n, 0) + 1
            renamed.append(n if counts[n] == 1 else f"{n}#{counts[n]}")
        block_names = renamed

    columns: list[Column] = []
    plans: list[_BlockPlan] = []
    for b, bname in zip(blocks, block_names):
        for c in b:
            if c.role == "value":
                columns.append(Column(c.index, _value_label(aligned, c.index, bname), bname))
        plans.append((bname, tuple(c.index for c in b if c.role == "value"),
                      tuple((c.index, _ROLE_CODE[c.role]) for c in b if c.role != "value")))
    return tuple(plans), tuple(columns), tuple(n for n in block_names if n is not None)


_CODE_LABELS = frozenset(("类", "款", "项", "科目编码", "功能分类科目编码"))


@functools.lru_cache(maxsize=65536)
def _code_cell(t: str) -> tuple[str, ...] | None:
    """What a printed (squashed) cell of a code column gives: None for a header label printed in the
    band of the first body row, (t,) for a code part, ("", code, name) for a code printed with its
    name, ("", "", name) for a name alone."""
    if t in _CODE_LABELS:
        return None
    if looks_like_code(t) or (t.isdigit() and len(t) == 2):
        return (t,)
    m = _CODE_IN_NAME.match(t)
    if m:
        return "", m.group(1), m.group(2)
    return "", "", t


@functools.lru_cache(maxsize=65536)
def _name_cell(t: str) -> tuple[bool, str | None, str | None]:
    """What a printed (squashed) cell of a name column may give: whether it is a code, and the code
    and name of a label that opens with its code (else None, None)."""
    m = _CODE_IN_NAME.match(t)
    return looks_like_code(t), (m.group(1) if m else None), (m.group(2) if m else None)


@functools.lru_cache(maxsize=65536)
def _code_text(text: str) -> tuple[str, tuple[str, ...] | None]:
    """A cell of a code column read once per text: its squashed text and, when printed, what it
    gives (``_code_cell``)."""
    t = squash(text)
    return t, (_code_cell(t) if t else None)


@functools.lru_cache(maxsize=65536)
def _name_text(text: str) -> tuple[str, bool, str | None, str | None]:
    """A cell of a name column read once per text: its squashed text and, when printed, what it
    may give (``_name_cell``)."""
    t = squash(text)
    return (t, *_name_cell(t)) if t else _BLANK_NAME


_BLANK_CODE: tuple[str, None] = ("", None)
_BLANK_NAME: tuple[str, bool, None, None] = ("", False, None, None)


def interpret_grid(grid: RawGrid, table_id: str, title: str, number: str | None, unit: str | None,
                   header_hint: list[list[str]] | None = None, read: GridReading | None = None) -> Table | None:
    """Build a Table from a grid.  ``header_hint`` is a previous page's header (continuations);
    ``read`` is what ``subtables_read`` already read of this very grid."""
    paired = pair_cell_per_line(grid)
    one_cell_per_line = paired is not grid
    figures: list[bool] | None = None
    if paired is grid and read is not None:
        texts, figures = read
        # (the texts are padded to the widest row: the first is as wide as the grid)
        n_cols = len(texts[0]) if texts else 0
    else:
        grid = paired
        texts = grid.texts()
        n_cols = grid.n_cols
    if not texts or n_cols == 0:
        return None
    # a form exported one cell per line, once paired, is label | figure rows from its first line:
    # it prints no header (a lone figure such as "80000" is not the code that starts a body)
    split = 0 if one_cell_per_line else _header_split(texts)
    header = texts[:split]
    if not header and header_hint:
        header = [h + [""] * (n_cols - len(h)) for h in header_hint]
    header_key = tuple(map(tuple, header))
    body = texts[split:]
    if figures is None:
        figure_rows = [r for r in body if _has_figure(r)]
    else:
        figure_rows = [r for r, f in zip(body, figures[split:]) if f]
    roles = _roles(figure_rows if len(figure_rows) >= 2 else body, n_cols, _header_columns(header_key, n_cols)[1])
    plans, columns, blocks = _layout(header_key, n_cols, roles)

    empty_table = False
    # A row in the making: [grid row, block, code, name, cells, columns, page, 行次, name box, has a
    # figure, unit]
    # (with one block there is nothing to merge, and each row is built as soon as it is read)
    protos: list[list[list]] = []
    rows: list[Row] = []
    any_value = False
    single = len(plans) == 1
    rows_in = grid.rows
    first_page = grid.page
    pad = [None] * n_cols
    padded = [r if len(r) == n_cols else r + pad[len(r):] for r in rows_in[split:]]
    for bname, value_cols, roles_of in plans:
        pending_code: str | None = None
        last_parts: tuple[str, ...] = ()
        out: list[list] = []
        protos.append(out)
        for ri, raw in enumerate(padded, split):
            code_parts: list[str] = []
            name_parts: list[str] = []
            line_no: int | None = None
            name_bbox = None
            row_unit: str | None = None
            for index, role in roles_of:
                cell = raw[index]
                # (a missing cell reads as a blank one)
                if role <= _CODE_PART:  # code or code part
                    t, got = _code_text(cell.text) if cell is not None else _BLANK_CODE
                elif role == _NAME:
                    t, is_code, code_in, name_in = _name_text(cell.text) if cell is not None else _BLANK_NAME
                else:
                    t = squash(cell.text) if cell is not None else ""
                if not t:
                    if role == _CODE_PART or (role == _CODE and last_parts):
                        code_parts.append("")
                    continue
                if role <= _CODE_PART:  # code or code part
                    if got is None:
                        continue  # a header label printed in the band of the first body row
                    if len(got) == 1:
                        code_parts.append(t)
                    else:
                        if got[1]:
                            code_parts.append(got[1])
                        name_parts.append(got[2])
                        name_bbox = cell.bbox
                elif role == _NAME:
                    if is_code and not name_parts and not code_parts:
                        code_parts.append(t)  # a code printed alone in the name column
                    elif code_in is not None and not name_parts:
                        code_parts.append(code_in)
                        name_parts.append(name_in)
                    else:
                        name_parts.append(t)  # (the cell's text: only its squashed join is read)
                    name_bbox = cell.bbox
                elif role == _LINE:
                    if t.isdigit():
                        line_no = int(t)
                else:  # unit
                    row_unit = t
            code = _join_code_cached(tuple(code_parts), last_parts) if code_parts else None
            # the value cells, and whether any of them prints a number
            values: list[Cell | None] = []
            has_value = False
            for ci in value_cols:
                c = raw[ci]
                if c is None:
                    values.append(None)
                    continue
                p = _cell_value(c.text)
                if p is None:
                    values.append(new_cell(c.text, None, None, c.page, c.bbox, c.start, c.end, c.confidence))
                else:
                    values.append(new_cell(c.text, p[0], p[1], c.page, c.bbox, c.start, c.end, c.confidence))
                    has_value = True
            # (every part is squashed already: code and name cells give parts of their squashed text)
            name = "".join(name_parts) if name_parts else ""
            if code and len(code) in (3, 5) and name[:1].isdigit():
                code, name = _lost_digit(code, name)
            if not name:  # a label pushed into a figure column by a misaligned export
                stray = [v.text for v in values if v is not None and v.value is None and squash(v.text)
                         and not is_empty_mark(v.text)]
                if len(stray) == 1:
                    name = squash(stray[0])
            # (本表无数据 holds 无数据)
            if name == "无" or name == "不涉及" or "无数据" in name:
                empty_table = True
                continue
            if code and not name and not has_value and all(v is None or not squash(v.text) for v in values):
                pending_code = code  # a code printed on its own line, name and values follow
                last_parts = _code_split(code)
                continue
            if not code and pending_code:
                code = pending_code
            pending_code = None
            if not name and not code and not has_value:
                continue
            if code:
                last_parts = _code_split(code)
            page = first_page  # the page of the row's first printed cell (a plain loop: every row asks)
            for c in raw:
                if c is not None:
                    page = c.page
                    break
            if single:
                rows.append(new_row(len(rows), bname, code, name, tuple(values), value_cols, page, line_no, name_bbox,
                                    row_unit))
                any_value = any_value or has_value
            else:
                out.append([ri, bname, code, name, values, value_cols, page, line_no, name_bbox, has_value, row_unit])
    # A total printed under one block with its figure under the next block's column
    # (人员经费合计 | … | 公用经费合计 | … | 20.76): give the figure to the named row.
    for i in range(1, len(protos)):
        left = {p[0]: p for p in protos[i - 1]}
        keep = []
        for p in protos[i]:
            q = left.get(p[0])
            if not p[3] and not p[2] and p[9] and q and q[3] and not q[9]:
                q[4], q[5], q[9] = p[4], p[5], True
            else:
                keep.append(p)
        protos[i] = keep
    for out in protos:
        for _, bname, code, name, values, cols, page, line_no, name_bbox, has_value, row_unit in out:
            rows.append(new_row(len(rows), bname, code, name, tuple(values), cols, page, line_no, name_bbox,
                                row_unit))
            any_value = any_value or has_value
    # (a row has a figure exactly when one of its cells has a value)
    if rows and not any_value:
        empty_table = empty_table or not any(r.code for r in rows)
    kind = classify_title(title, number)
    if kind == "three_public" and len(columns) > 2:
        columns = _three_public_columns(columns)
    return Table(
        id=table_id,
        kind=kind,
        number=number,
        title=title,
        unit=unit,
        pages=tuple(sorted(set(grid.pages or [grid.page]))),
        columns=columns,
        rows=tuple(rows),
        empty=empty_table,
        blocks=blocks,
        bbox=grid.bbox,
    )


_VEHICLE_GROUPS = ("公务用车购置及运行维护费", "公务用车购置及运行费")


def _leaf(label: str) -> tuple[str, str]:
    """A column label's path before its last part ("a/b/" or "") and that part."""
    head, _, leaf = label.rpartition("/")
    return (head + "/" if head else ""), leaf


def _three_public_columns(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """The columns of a "三公" table laid out across, its header of three levels put back.

    The form prints 合计 | “三公”经费 {小计 | 因公出国（境）费 | 公务用车购置及运行(维护)费 {小计 | 购置费 |
    运行(维护)费} | 公务接待费} (| 会议费 | 培训费 in the Jiangsu budgets).  Read without its merged
    cells, the group's name is glued to its first part ("公务用车购置及运行维护费公务用车购置费") and the
    two 小计 stand alone: the 小计 before that glued label is the group's, its parts are the group's,
    and a 小计 right before 因公出国（境）费 is the “三公”经费 subtotal ("“三公”经费小计", one word: no
    needle of a final account's labels, such as 财政拨款“三公”经费/小计/决算数, finds it).  Other labels are kept."""
    cols = list(columns)
    for i, c in enumerate(cols):
        head, leaf = _leaf(c.label)
        group = next((g for g in _VEHICLE_GROUPS if leaf.startswith(g) and len(leaf) > len(g)), None)
        if group is None:
            continue
        cols[i] = Column(c.index, f"{head}{group}/{leaf[len(group):]}", c.block)
        if i and _leaf(cols[i - 1].label)[1] == "小计":
            ph, _ = _leaf(cols[i - 1].label)
            cols[i - 1] = Column(cols[i - 1].index, f"{ph}{group}/小计", cols[i - 1].block)
        if i + 1 < len(cols):
            nh, nleaf = _leaf(cols[i + 1].label)
            if "运行" in nleaf and group not in cols[i + 1].label:
                cols[i + 1] = Column(cols[i + 1].index, f"{nh}{group}/{nleaf}", cols[i + 1].block)
    for i in range(len(cols) - 1):
        head, leaf = _leaf(cols[i].label)
        if leaf == "小计" and "三公" not in cols[i].label and "因公出国" in _leaf(cols[i + 1].label)[1]:
            cols[i] = Column(cols[i].index, "“三公”经费小计", cols[i].block)
    return tuple(cols)


@functools.cache
def _official_names() -> dict[str, tuple[str, ...]]:
    """Official names (and aliases) of the 功能分类 and 经济分类 codes, squashed, by bare code."""
    return {k.split(":", 1)[1]: tuple(squash(n) for n in v) for k, v in code_names().items()}


_LOST = re.compile(r"^(\d{1,2})(\D.*)$")


def _lost_digit(code: str, name: str) -> tuple[str, str]:
    """A code whose middle glyph the PDF did not draw: "301 2津贴补贴" is 30102 津贴补贴.

    Only when the digits after the gap, padded to two, make a code whose official name (or an
    alias of it) is exactly the rest of the label; anything else stays as read.
    """
    m = _LOST.match(name)
    if not m:
        return code, name
    cand = code + m.group(1).zfill(2)
    if squash(m.group(2)) in _official_names().get(cand, ()):
        return cand, m.group(2)
    return code, name


@functools.lru_cache(maxsize=16384)
def _code_split(code: str) -> tuple[str, ...]:
    """A code's 类, 款 and 项 parts (as many as it has).  Cached: the same codes come back."""
    return (code[:3], code[3:5], code[5:7])[: (len(code) - 1) // 2]


@functools.lru_cache(maxsize=65536)
def _join_code_cached(parts: tuple[str, ...], last: tuple[str, ...]) -> str | None:
    """``_join_code`` kept per parts and parents: forms print the same codes report after report."""
    return _join_code(parts, last)


def _join_code(parts: Sequence[str], last: Sequence[str]) -> str | None:
    """Join code parts printed over 类/款/项 columns, carrying omitted parents from the rows above."""
    if not any(parts):
        return None
    if len(parts) == 1:
        return parts[0] if looks_like_code(parts[0]) else None
    # A full code already in one column
    full = [p for p in parts if p and len(p) in (5, 7)]
    if full:
        return full[0]
    out: list[str] = []
    for i, p in enumerate(parts[:3]):
        if p:
            out.append(p)
        elif any(parts[i + 1:]):
            if i < len(last) and last[i]:
                out.append(last[i])
            else:
                return None
        else:
            break
    code = "".join(out)
    return code if looks_like_code(code) else None
