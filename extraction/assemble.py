"""From the reading flow to a Document: captions, tables across pages, headings, paragraphs, metadata."""

from __future__ import annotations

import functools
import operator
import re
from collections import Counter
from dataclasses import dataclass, field

from extraction.alignment import check_alignment, is_text_grid
from extraction.cell_prose import cell_pieces, prose_cells
from extraction.layout import FlowItem, Line, RawCell, RawGrid
from extraction.model import (CellPlace, Document, DocumentMeta, Page, Paragraph, Section, Table, TextPiece,
                              new_paragraph, new_piece, new_section)
from extraction.limits import MAX_PAGE_TABLES, MAX_PARAGRAPH_CHARS, MAX_TABLE_CELLS
from extraction.tables import classify_title, interpret_grid, squash, subtables_read

_TEXT = operator.attrgetter("text")
_TITLE = re.compile(r"(表|绩效自评情况|自评情况)(（续）|\(续\))?$")
_NUMBER = re.compile(r"(公开\s*\d+\s*表|附表\s*\d+|表\s*\d+)")
_UNIT = re.compile(r"(?:金额单位|计量单位|单位)\s*[:：]\s*(亿元|万元|千元|元)")
_DEPT = re.compile(r"(?:编制部门|编制单位|部门名称|单位名称|部门|单位)\s*[:：]\s*([^\s\t：:]{2,40}?)(?=\s|$|公开|\d{4}年|金额单位|单位[:：])")
_PAGE_FOOTER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d+)?[-—–－\s]*$")
_TERMINAL = tuple("。！？；：:;!?")
_EMPTY_TABLE = re.compile(r"本表无数据|不涉及|无数据|本表为空|本部门无|本单位无|为空表|没有.*(收支|支出|收入)")

_H1 = re.compile(r"^第[一二三四五六七八九十]+部分")
_H2 = re.compile(r"^[一二三四五六七八九十]+[、．.]")
_H3 = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
_H4 = re.compile(r"^\d{1,2}[\.．、](?!\d)")
_H5 = re.compile(r"^[（(]\d{1,2}[)）]")
_TOC = re.compile(r"^目\s*录$")
_TOC_ENTRY = re.compile(r"[\.…·。]{3,}\s*\d+\s*$|\s\d{1,3}$")
_TITLE_YEAR = re.compile(
    r"^(?P<dept>.*?)\s*(?P<year>20\d\d)\s*年\s*度?\s*(?:区级|市级|县级|省级|本级)?(?P<unitkind>部门|单位)?\s*(?:财务)?\s*(?P<kind>决算|预算)")
_YEAR_FIRST = re.compile(r"^(?P<year>20\d\d)\s*年\s*度?\s*(?P<dept>.+?)\s*(?:部门|单位)?(?:整体|项目)?(?:支出)?(?:绩效|决算|预算)")
_YEAR_KIND = re.compile(r"(20\d\d)\s*年\s*度?\s*(?:部门|单位)?\s*(?:财务收支)?\s*(决算|预算)")


@dataclass
class _Caption:
    title: str = ""
    number: str | None = None
    unit: str | None = None
    department: str | None = None
    lines: list[int] = field(default_factory=list)  # flow indexes consumed
    empty_note: bool = False


_DECIMAL = re.compile(r"\d+\.\d")
_ORDINAL_PREFIX = re.compile(r"^[一二三四五六七八九十\d]+[、．.]\s*")
_CAPTION_LABEL = re.compile(r"(20\d\d\s*年度?|(金额)?单位\s*[:：].*|部门(名称)?\s*[:：].*)")


def heading_level(text: str) -> int | None:
    """The level of a heading line, or None for prose.  Long or sentence-like lines are prose."""
    t = text.strip()
    if not t or len(t) > 48:
        return None
    return _heading_level(t)


@functools.lru_cache(maxsize=65536)
def _heading_level(t: str) -> int | None:
    """``heading_level`` of a stripped line of at most 48 characters.  Cached: headings, titles
    and short labels come back from report to report."""
    if t.endswith(("。", "；", ";", "，")):
        return None
    if _H1.match(t):
        return 1
    if "。" in t or t.count("，") >= 2:
        return None
    if _H2.match(t):
        return 2
    if _H3.match(t):
        return 3
    if _H4.match(t) and len(t) <= 30 and not _DECIMAL.search(t):
        return 4
    if _H5.match(t) and len(t) <= 30:
        return 5
    return None


_CaptionLine = tuple[bool, "str | None", "str | None", "str | None", "str | None", bool, "str | None", bool]
"""What a line above a table says towards its caption (see ``_caption_line``)."""


@functools.lru_cache(maxsize=65536)
def _caption_line(text: str) -> _CaptionLine | None:
    """What a line says towards the caption of a table below it, or None when the caption search
    passes over it (blank, or a page footer): whether it ends the search (too long a line), its
    unit, its table number, its department, the title it gives, whether it is a caption label,
    the title it gives as the second line of a title or a heading (when it gives no other), and
    whether it can be a department's name printed apart from its label.

    Cached: captions print the same titles, units and labels report after report; the search
    itself (``_caption_for``) keeps the order and the state."""
    t = text.strip()
    if not t or _PAGE_FOOTER.match(t):
        return None
    if len(t) > 80 or (t.endswith("。") and len(t) > 30):
        return True, None, None, None, None, False, None, False
    m = _UNIT.search(t)
    unit = m.group(1) if m else None
    m = _NUMBER.search(t)
    number = squash(m.group(1)) if m else None
    no_unit = _UNIT.sub("", t)
    m = _DEPT.search(no_unit)
    dept = m.group(1) if m else None
    core = _NUMBER.sub("", no_unit).strip()
    core_sq = squash(core)
    title = None
    if core_sq and (_TITLE.search(core_sq) or "决算表" in core_sq or "预算表" in core_sq) and len(core_sq) <= 60 \
            and not _DEPT.search(core):
        title = _ORDINAL_PREFIX.sub("", core)
    label = bool(_CAPTION_LABEL.fullmatch(t))
    # a title printed on two lines, or a heading right above the table
    second_title = None
    if len(t) <= 40 and heading_level(t) is None and not t.endswith(_TERMINAL) and _TITLE.search(squash(t)):
        second_title = t
    name_apart = len(t) <= 30 and not t.endswith(_TERMINAL) and heading_level(t) is None
    return False, unit, number, dept, title, label, second_title, name_apart


def _caption_for(flow: list[FlowItem], k: int, consumed: set[int]) -> _Caption:
    """Look back from grid k for its title, number, unit and department lines."""
    cap = _Caption()
    j = k - 1
    seen = 0
    skipped = 0
    while j >= 0 and seen < 8:
        it = flow[j]
        if isinstance(it, RawGrid):
            break
        if j in consumed:
            break
        facts = _caption_line(it.text)
        if facts is None:  # blank, or a page footer
            j -= 1
            continue
        seen += 1
        hit = False
        too_long, unit, number, dept, title, label, second_title, name_apart = facts
        if too_long:
            break
        if unit is not None:
            hit = True
            cap.unit = cap.unit or unit
        if number is not None:
            hit = True
            cap.number = cap.number or number
        if dept is not None:
            hit = True
            cap.department = cap.department or dept
        if not cap.title and title is not None:
            cap.title, hit = title, True
            # a title wrapped over two lines ("…“三公”经费、会议费、培训费支出预" / "算表")
            above = _title_start(flow, j, consumed, title)
            if above is not None:
                cap.lines.append(j)
                j, cap.title, number_above = above
                cap.number = cap.number or number_above
        if label:
            hit = True
        if not hit:
            if cap.title:
                break
            if second_title is not None:
                cap.title, hit = second_title, True
        if not hit and not cap.title and name_apart and skipped < 2 and (cap.unit or cap.number or cap.department):
            skipped += 1  # the department's name printed apart from its '部门：' label
            hit = True
        if hit:
            cap.lines.append(j)
        elif cap.title or cap.unit or cap.number:
            break
        j -= 1
    return cap


def _title_start(flow: list[FlowItem], j: int, consumed: set[int], rest: str) -> tuple[int, str, str | None] | None:
    """The line above line j, the whole title and its table number, when that line begins the
    title ``rest`` ends ("…“三公”经费、会议费、培训费支出预" / "算表"): the two together name a kind
    of table, and another than ``rest`` alone; when ``rest`` alone names one ("支出预算表"), only a
    line that opens with a table number or an ordinal (公开09表：…, 十一、…) begins it."""
    i = j - 1
    while i >= 0 and isinstance(flow[i], Line) and _caption_line(flow[i].text) is None:
        i -= 1  # blanks and page footers
    if i < 0 or i in consumed or not isinstance(flow[i], Line):
        return None
    text = flow[i].text.strip()
    facts = _caption_line(text)
    if facts is None or facts[0] or facts[1] or facts[3] or facts[4] or text.endswith(_TERMINAL):
        return None
    number = facts[2]
    head = _NUMBER.sub("", text).strip().lstrip("：:").strip()
    opened = number is not None or bool(_ORDINAL_PREFIX.match(text))
    whole = _ORDINAL_PREFIX.sub("", head) + rest.strip()
    alone = classify_title(rest)
    if not head or len(squash(whole)) > 60 or classify_title(whole) in ("other", alone):
        return None
    if alone != "other" and not opened:
        return None
    return i, whole, number


def is_toc_grid(grid: RawGrid) -> bool:
    """A table of contents exported with tabs: each row a title and a page number."""
    if len(grid.rows) < 3:
        return False
    # Every grid of the flow is asked, and most are tables whose rows fail at once: stop as soon
    # as more rows fail than a contents page may have (a fifth of the rows, with a row to spare
    # against rounding), and only then count exactly as the rule says.
    most_failing = 0.2 * len(grid.rows) + 1
    rows: list[list[RawCell | None]] = []
    ok = 0
    for r in grid.rows:
        # the row's printed cells: a cell is printed when its stripped text is not blank, as its
        # squashed text is not; no more than three are read (a contents row has two, and a third
        # fails it) (a plain loop: quicker than a chain of map and filter over so few cells)
        row = []
        for c in r:
            if c is not None and c.text.strip():
                row.append(c.text)
                if len(row) == 3:
                    break
        if not row:
            continue
        rows.append(r)
        if len(row) == 2 and _toc_row([squash(row[0]), squash(row[1])]):
            ok += 1
        elif len(rows) - ok > most_failing:
            return False
    if len(rows) < 3:
        return False
    if ok < 0.8 * len(rows):
        return False
    # the first printed cell of each row, as printed
    firsts = [next(c.text for c in r if c is not None and squash(c.text)) for r in rows]
    return any(("..." in t or "…" in t or heading_level(t)) for t in firsts)


def _toc_row(r: list[str]) -> bool:
    """A contents row (its printed cells, squashed): a title and a page number of at most three digits."""
    return len(r) == 2 and r[1].isdigit() and len(r[1]) <= 3 and not r[0].replace(".", "").isdigit()


def _is_header_row_repeat(a: list[str], b: list[str]) -> bool:
    return [squash(x) for x in a] == [squash(x) for x in b]


def _merge_continuation(prev: RawGrid, nxt: RawGrid) -> None:
    """Append a grid continuing on the next page, dropping a repeated header."""
    rows = nxt.rows
    texts = nxt.texts()
    head = prev.texts(len(texts))  # only the rows that can repeat, not the whole merged table
    skip = 0
    while skip < len(texts) and skip < len(head) and _is_header_row_repeat(texts[skip], head[skip]):
        skip += 1
    prev.rows.extend(rows[skip:])
    for p in nxt.pages or [nxt.page]:
        if p not in prev.pages:
            prev.pages.append(p)


def cap_grid(grid: RawGrid, limit: int | None = None) -> int:
    """Cut a grid in place to at most ``limit`` (``MAX_TABLE_CELLS``) cells, row by row (a row
    longer than what is left is cut to it); returns how many cells were cut off (0: none)."""
    limit = limit or MAX_TABLE_CELLS
    total = 0
    for i, r in enumerate(grid.rows):
        if total + len(r) > limit:
            cut = total + len(r) - limit + sum(len(x) for x in grid.rows[i + 1:])
            keep = limit - total
            grid.rows = grid.rows[:i] + ([r[:keep]] if keep > 0 else [])
            return cut
        total += len(r)
    return 0


def bound_flow(flow: list[FlowItem], notes: list[str]) -> list[FlowItem]:
    """The flow with at most ``MAX_PAGE_TABLES`` grids per page and ``MAX_TABLE_CELLS`` cells per grid,
    each cut said in ``notes``; the flow itself when nothing is cut (every real report)."""
    per_page: Counter[int] = Counter()
    dropped: Counter[int] = Counter()
    cut_pages: list[int] = []
    out: list[FlowItem] | None = None
    for k, it in enumerate(flow):
        if isinstance(it, RawGrid):
            per_page[it.page] += 1
            if per_page[it.page] > MAX_PAGE_TABLES:
                dropped[it.page] += 1
                if out is None:
                    out = list(flow[:k])
                continue
            if cap_grid(it):
                cut_pages.append(it.page)
        if out is not None:
            out.append(it)
    # one note per limit, naming the first pages (a note per table would grow with the tables)
    if cut_pages:
        notes.append(f"{len(cut_pages)} table(s) with more than {MAX_TABLE_CELLS} cells (page "
                     f"{_pages_named(cut_pages)}): the cells after the first {MAX_TABLE_CELLS} are not read "
                     "(MAX_TABLE_CELLS)")
    if dropped:
        notes.append(f"{sum(dropped.values())} table(s) after the first {MAX_PAGE_TABLES} of a page (page "
                     f"{_pages_named(list(dropped))}) are not read (MAX_PAGE_TABLES)")
    return flow if out is None else out


def _pages_named(pages: list[int]) -> str:
    shown = ", ".join(str(p) for p in pages[:10])
    return shown + (", …" if len(pages) > 10 else "")


def _inner_captions(grid: RawGrid) -> list[tuple[int, _Caption]]:
    """The rows of a grid that are the caption of a table printed inside the same ruling as the
    table above it ("四、2017 年度…财政拨款收支预算总表 | 单位：万元" as a row of the grid): a row of at
    most four printed cells, none a figure, whose text read as one line gives a title, with a row
    after it.  Each comes back with its title, number and unit."""
    out: list[tuple[int, _Caption]] = []
    rows = grid.rows
    for i, r in enumerate(rows):
        # (most rows hold no 表 at all: spare them the rest, the stripping included)
        if not any(c is not None and ("表" in c.text or "自评情况" in c.text) for c in r):
            continue
        printed = [t for c in r if c is not None and (t := c.text.strip())]
        if len(printed) > 4:
            continue
        if i + 1 >= len(rows) or any(_is_figure_text(t) for t in printed):
            continue
        facts = _caption_line(" ".join(printed))
        if facts is None or facts[0] or facts[4] is None:
            continue
        _long, unit, number, _dept, title, *_ = facts
        out.append((i, _Caption(title, number, unit)))
    return out


_FIGURE_TEXT = re.compile(r"^[+-]?[\d,]+\.\d+$|^[+-]?\d{1,3}(,\d{3})+$")


def _is_figure_text(t: str) -> bool:
    return bool(_FIGURE_TEXT.match(squash(t)))


def _split_at_captions(cap: _Caption, grid: RawGrid) -> list[tuple[_Caption, RawGrid]]:
    """A grid cut at its inner caption rows (``_inner_captions``): each piece with its own caption
    (the unit of the outer caption where its own prints none); the rows above the first inner
    caption keep the outer one.  A grid without inner captions comes back whole."""
    inner = _inner_captions(grid)
    if not inner:
        return [(cap, grid)]
    out: list[tuple[_Caption, RawGrid]] = []
    bounds = [(0, cap)] + [(i, c) for i, c in inner]
    ends = [i for i, _c in inner] + [len(grid.rows)]
    for (a, c), b in zip(bounds, ends):
        start = a + 1 if a or c is not cap else a
        if c is not cap and not c.unit:
            c.unit = cap.unit
        part = grid.rows[start:b]
        if not part:
            continue
        pages = sorted({x.page for r in part for x in r if x is not None}) or list(grid.pages or [grid.page])
        out.append((c, RawGrid(pages[0], _fold_columns(part), grid.bbox, pages)))
    return out


def _fold_columns(rows: list[list[RawCell | None]]) -> list[list[RawCell | None]]:
    """The rows of one table cut from a grid that several tables share, on its own columns.

    The shared grid has a column at every rule of every table in it, so one column of this table
    spans several of the grid's, and a merged header cell and the figure under it can fall in two
    neighbouring ones ("公务接待费" in one, "183.95" in the next).  Going left to right, a column is
    folded into the one before it when no row prints a cell in both (an empty column always is)."""
    n = max(map(len, rows), default=0)
    if n <= 1:
        return rows
    groups: list[list[int]] = []
    used: set[int] = set()  # the rows with a cell in the current group
    for ci in range(n):
        filled = {ri for ri, r in enumerate(rows) if ci < len(r) and r[ci] is not None and r[ci].text.strip()}
        if groups and not (filled & used):
            groups[-1].append(ci)
            used |= filled
        else:
            groups.append([ci])
            used = set(filled)
    if len(groups) == n:
        return rows
    out: list[list[RawCell | None]] = []
    for r in rows:
        row: list[RawCell | None] = []
        for g in groups:
            cell = next((r[ci] for ci in g if ci < len(r) and r[ci] is not None and r[ci].text.strip()), None)
            row.append(cell)
        out.append(row)
    return out


def _stray_cell_lines(between: list[FlowItem], page: int) -> bool:
    """Whether the lines between two grids are at most two short pieces of cell text on the page
    of the second (no heading, no sentence, no figure with decimals, no title), besides blanks and
    page footers."""
    texts = [x.text.strip() for x in between if isinstance(x, Line) and _caption_line(x.text) is not None]
    if len(texts) != len([x for x in between if not isinstance(x, Line) or _caption_line(x.text) is not None]):
        return False  # a grid between them
    if not texts or len(texts) > 2:
        return False
    lines = [x for x in between if isinstance(x, Line) and _caption_line(x.text) is not None]
    return all(x.page == page and len(squash(t)) <= 12 and heading_level(t) is None and not t.endswith(_TERMINAL)
               and not _DECIMAL.search(t) and not _TITLE.search(squash(t))
               for x, t in zip(lines, texts))


def build_tables(flow: list[FlowItem]) -> tuple[list[Table], set[int], list[str], dict[int, str]]:
    """Tables from the grids of the flow; returns the tables, the flow indexes of caption lines, notes,
    and the id of the table each grid of the flow went into (by flow index)."""
    consumed: set[int] = set()
    notes: list[str] = []
    groups: list[tuple[_Caption, RawGrid, int]] = []  # caption, merged grid, flow index
    members: list[list[int]] = []  # the flow indexes of each group's grids
    last_grid_idx: int | None = None
    for k, it in enumerate(flow):
        if not isinstance(it, RawGrid) or is_toc_grid(it):
            continue
        cap = _caption_for(flow, k, consumed)
        between = [flow[j] for j in range(last_grid_idx + 1, k)] if last_grid_idx is not None else []
        # (a line the caption search passes over is a blank line or a page footer)
        only_footers = all(isinstance(x, Line) and _caption_line(x.text) is None for x in between)
        if not only_footers and groups and not (cap.title or cap.number or cap.unit or cap.department):
            # a table going on over a page, with the text of a cell or two that its ruling missed
            # between the two grids ("事业收入", "置更新"): those lines are no caption
            only_footers = _stray_cell_lines(between, it.page)
        if it.fresh:
            only_footers = False
        if (groups and not cap.title and not cap.number and only_footers
                and groups[-1][1].n_cols == it.n_cols):
            _merge_continuation(groups[-1][1], it)
            members[-1].append(k)
        elif groups and not cap.title and not cap.number and only_footers and last_grid_idx is not None:
            # continuation with another column layout: a table of the same title
            prev_cap = groups[-1][0]
            # the table it continues is the last one begun inside the grid above, if one was
            inner = _inner_captions(groups[-1][1])
            if inner:
                last = inner[-1][1]
                prev_cap = _Caption(last.title, last.number, last.unit or prev_cap.unit, prev_cap.department)
            cont = _Caption(prev_cap.title, prev_cap.number, prev_cap.unit, prev_cap.department)
            groups.append((cont, RawGrid(it.page, list(it.rows), it.bbox, list(it.pages or [it.page])), k))
            members.append([k])
            notes.append(f"table on page {it.page} continues '{prev_cap.title}' with a different column layout")
        else:
            groups.append((cap, RawGrid(it.page, list(it.rows), it.bbox, list(it.pages or [it.page])), k))
            members.append([k])
            consumed.update(cap.lines)
        last_grid_idx = k
    tables: list[Table] = []
    grid_tables: dict[int, str] = {}
    for i, (cap0, grid0, k) in enumerate(groups):
        first_table = len(tables)
        if not cap0.title and grid0.rows:
            first = [c for c in grid0.rows[0] if c is not None and squash(c.text)]
            if len(first) == 1 and _TITLE.search(squash(first[0].text)) and len(squash(first[0].text)) <= 40:
                cap0.title = first[0].text.strip()
                grid0.rows = grid0.rows[1:]
        segments = _split_at_captions(cap0, grid0)
        t = None
        for si, (cap, grid) in enumerate(segments):
            if t is not None:
                tables.append(t)  # the table of the segment before
            title = cap.title or ""
            if cap_grid(grid):  # a table continued over many pages
                notes.append(f"table '{title}' has more than {MAX_TABLE_CELLS} cells over its pages: "
                             f"the cells after the first {MAX_TABLE_CELLS} are not read (MAX_TABLE_CELLS)")
            pieces = subtables_read(grid)
            t = None
            for pi, (piece, read) in enumerate(pieces):
                t = interpret_grid(piece, f"t{len(tables) + 1}", title, cap.number, cap.unit, read=read)
                if t is not None and is_text_grid(piece):
                    # a row that lost a cell, a header off its figures (text exports only)
                    t, _ = check_alignment(piece, t, lambda g, tid=t.id, cap=cap, title=title: interpret_grid(
                        g, tid, title, cap.number, cap.unit))
                    notes.extend(f"table '{title}': {n}" for n in t.notes)
                if t is not None and pi < len(pieces) - 1:
                    tables.append(t)
        if t is None:
            if len(tables) > first_table:
                for m in members[i]:
                    grid_tables[m] = tables[first_table].id
            continue
        # (a row's values are its cells' values, None where a cell is missing)
        if not t.empty and not any(c is not None and c.value is not None for r in t.rows for c in r.cells):
            # a statement right after the table such as 本表无数据 / 不涉及 marks it empty
            for j in range(k + 1, min(k + 6, len(flow))):
                x = flow[j]
                if isinstance(x, RawGrid):
                    break
                if _EMPTY_TABLE.search(x.text):
                    t = _replace_empty(t)
                    break
        tables.append(t)
        for m in members[i]:
            grid_tables[m] = tables[first_table].id
    tables, grid_tables = _drop_bare_headers(tables, grid_tables)
    return tables, consumed, notes, grid_tables


def _drop_bare_headers(tables: list[Table], grid_tables: dict[int, str]) -> tuple[list[Table], dict[int, str]]:
    """Without the tables that are only a header printed at the foot of a page, their table going
    on under the same title, in another layout, in the next one (no row of their own: the next
    table holds them all); the others numbered again."""
    from dataclasses import replace

    drop = {t.id for t, nxt in zip(tables, tables[1:])
            if not t.rows and t.title and nxt.title == t.title and nxt.number == t.number and not t.empty}
    if not drop:
        return tables, grid_tables
    new_id: dict[str, str] = {}
    out: list[Table] = []
    pending: list[str] = []
    for t in tables:
        if t.id in drop:
            pending.append(t.id)
            continue
        nid = f"t{len(out) + 1}"
        for old in pending:
            new_id[old] = nid
        pending.clear()
        new_id[t.id] = nid
        out.append(t if t.id == nid else replace(t, id=nid))
    return out, {k: new_id.get(v, v) for k, v in grid_tables.items()}


def _replace_empty(t: Table) -> Table:
    from dataclasses import replace

    return replace(t, empty=True)


def build_prose(flow: list[FlowItem], consumed: set[int], fmt: str, pages: list[Page] | None = None,
                grid_tables: dict[int, str] | None = None,
                notes: list[str] | None = None) -> tuple[list[Section], list[Paragraph]]:
    """The heading tree and the paragraphs of the flow's lines; with the pages given, the prose
    cells of its grids too (see :mod:`extraction.cell_prose`), each a paragraph where its grid stands.

    A paragraph longer than ``MAX_PARAGRAPH_CHARS`` is read as consecutive paragraphs of at most
    that many characters (see :func:`split_long`), said in ``notes``."""
    long_paragraphs = [0, 0]  # paragraphs split, paragraphs made of them
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    stack: list[Section] = []
    buf: list[Line] = []
    in_toc = False
    toc_entries: set[str] = set()

    # Only a PDF's lines carry layout hints (short, indent); the lines of a text export, a web page or
    # a Word document are its paragraphs or pieces of them, joined up to a sentence end.
    lines_only = fmt != "pdf"

    def current_section() -> str | None:
        return stack[-1].id if stack else None

    def flush() -> None:
        if not buf:
            return
        text_parts: list[str] = []
        pieces: list[TextPiece] = []
        pos = 0
        for ln in buf:
            if text_parts and text_parts[-1][-1:].isascii() and text_parts[-1][-1:].isalnum() \
                    and ln.text[:1].isascii() and ln.text[:1].isalnum():
                text_parts.append(" ")
                pos += 1
            pieces.append(new_piece(pos, ln.page, ln.start, ln.end))
            text_parts.append(ln.text)
            pos += len(ln.text)
        text = "".join(text_parts)
        if len(text) > MAX_PARAGRAPH_CHARS:
            parts = split_long(text, pieces)
            long_paragraphs[0] += 1
            long_paragraphs[1] += len(parts)
        else:
            parts = [(text, tuple(pieces))]
        for part_text, part_pieces in parts:
            paragraphs.append(new_paragraph(f"p{len(paragraphs) + 1}", part_text, current_section(), part_pieces))
        buf.clear()

    def add_section(ln: Line, level: int) -> None:
        while stack and stack[-1].level >= level:
            stack.pop()
        s = new_section(f"s{len(sections) + 1}", ln.text.strip(), level, stack[-1].id if stack else None, ln.page, ln.start)
        sections.append(s)
        stack.append(s)

    for k, it in enumerate(flow):
        if isinstance(it, RawGrid):
            flush()
            if in_toc and is_toc_grid(it):
                toc_entries.update(squash(_TOC_ENTRY.sub("", r[0])) for r in it.texts() if r and r[0])
            elif pages is not None:
                table_id = grid_tables.get(k) if grid_tables else None
                for cell, label in prose_cells(it):
                    if not 0 < cell.page <= len(pages):
                        continue
                    pieces = cell_pieces(cell, pages[cell.page - 1].text)
                    place = CellPlace(table_id, label, cell.bbox)
                    parts = [(cell.text, pieces)]
                    if len(cell.text) > MAX_PARAGRAPH_CHARS:
                        parts = split_long(cell.text, pieces)
                        long_paragraphs[0] += 1
                        long_paragraphs[1] += len(parts)
                    for part_text, part_pieces in parts:
                        paragraphs.append(new_paragraph(f"p{len(paragraphs) + 1}", part_text, current_section(),
                                                        part_pieces, place))
            continue
        if k in consumed:
            flush()
            continue
        t = it.text.strip()
        if not t:
            if lines_only:
                # blank line: a paragraph break, unless the sentence obviously goes on
                if buf and not buf[-1].text.rstrip().endswith(_TERMINAL):
                    continue
                flush()
            continue
        if _PAGE_FOOTER.match(t):
            continue
        level = heading_level(t)
        if "录" in t and _TOC.match(squash(t)):  # (most lines have no 录: spare them the squash)
            flush()
            in_toc = True
            toc_entries.clear()
            add_section(it, 1)
            continue
        if in_toc:
            entry = squash(_TOC_ENTRY.sub("", t))
            if entry in toc_entries or (sections and it.page > sections[-1].page + 2) or len(t) > 60:
                in_toc = False
                stack.clear()
            else:
                toc_entries.add(entry)
                continue
        if level is None and it.heading_hint and len(t) <= 40 and not t.endswith(_TERMINAL[:3]):
            level = min(it.heading_hint, 5)
        if level is not None and fmt == "pdf" and not it.short and level > 1:
            level = None  # runs to the right margin and wraps on: the first line of a paragraph
        if level is not None:
            flush()
            add_section(it, level)
            continue
        if buf:
            prev = buf[-1]
            joins = False
            if lines_only:
                joins = not prev.text.rstrip().endswith(_TERMINAL)
            else:
                same_page = prev.page == it.page
                if same_page:
                    joins = not prev.short and not it.indent
                else:
                    joins = not prev.text.rstrip().endswith(_TERMINAL) and not it.indent
                if not prev.text.rstrip().endswith(_TERMINAL) and not it.indent and prev.short and same_page:
                    joins = len(prev.text) > 12
                # A line opening with ideographic spaces is a first line whose indent is typed, not
                # placed (its box starts at the margin), after a sentence that ended.
                if joins and it.text.startswith("\u3000\u3000") and prev.text.rstrip().endswith(_TERMINAL):
                    joins = False
            if not joins:
                flush()
        buf.append(it)
    flush()
    if long_paragraphs[0] and notes is not None:
        notes.append(f"{long_paragraphs[0]} paragraph(s) longer than {MAX_PARAGRAPH_CHARS} characters read as "
                     f"{long_paragraphs[1]} paragraphs of at most {MAX_PARAGRAPH_CHARS} (MAX_PARAGRAPH_CHARS)")
    return sections, paragraphs


_SENTENCE_CUT = re.compile(r"[。！？；!?;]\s*")
_CLAUSE_CUT = re.compile(r"[，,、：:\s]")
_IN_FIGURE = frozenset("0123456789.,，%％+-０１２３４５６７８９．")


def _cut_point(text: str, a: int, b: int) -> int:
    """Where a window [a, b) of a long paragraph ends: after its last sentence end in the second
    half, else after its last clause mark there, else at b moved back (at most 64 characters) out
    of a figure, so that no number is cut in two."""
    if b >= len(text):
        return len(text)
    half = a + (b - a) // 2
    last = None
    for m in _SENTENCE_CUT.finditer(text, half, b):
        last = m.end()
    if last is None:
        for m in _CLAUSE_CUT.finditer(text, half, b):
            last = m.end()
    if last is not None and last > a:
        return last
    k = b
    while k > b - 64 and k > a + 1 and (text[k - 1] in _IN_FIGURE or text[k] in _IN_FIGURE):
        k -= 1
    return k if k > b - 64 and k > a + 1 else b


def split_long(text: str, pieces: list[TextPiece] | tuple[TextPiece, ...],
               limit: int | None = None) -> list[tuple[str, tuple[TextPiece, ...]]]:
    """A paragraph's text and pieces (in order of their starts) as consecutive windows of at most
    ``limit`` characters (``MAX_PARAGRAPH_CHARS``), each with the pieces of its slice, rebased."""
    limit = limit or MAX_PARAGRAPH_CHARS
    out: list[tuple[str, tuple[TextPiece, ...]]] = []
    n = len(text)
    spans = [(p, p.para_start, (pieces[i + 1].para_start if i + 1 < len(pieces) else n)) for i, p in enumerate(pieces)]
    a = 0
    i0 = 0
    while a < n:
        b = _cut_point(text, a, min(n, a + limit))
        part: list[TextPiece] = []
        while i0 < len(spans) and spans[i0][2] <= a:
            i0 += 1
        for p, ps, pe in spans[i0:]:
            if ps >= b:
                break
            lo, hi = max(ps, a), min(pe, b)
            if lo >= hi and part:
                continue
            start = min(p.start + (lo - ps), p.end)
            part.append(new_piece(lo - a, p.page, start, min(p.start + (hi - ps), p.end)))
        if not part:  # (cannot happen: a slice of the text lies in some piece's span)
            part.append(new_piece(0, pieces[-1].page, pieces[-1].end, pieces[-1].end))
        out.append((text[a:b], tuple(part)))
        a = b
    return out


def _department_from_text(lines: list[str]) -> tuple[str | None, int | None, str | None]:
    found: list[tuple[str | None, int, str]] = []
    for t in lines:
        # (the pattern ends on 决算 or 预算, and a line longer than 48 is no title: neither is
        # searched)
        if "算" not in t or len(squash(t)) > 48:
            continue
        m = _TITLE_YEAR.match(squash(t))
        if m and not re.search(r"[，。；：,;:]", m.group("dept") or ""):
            dept = m.group("dept") or None
            if dept:
                dept = re.sub(r"^(附件\d*[:：]?|纳入|第[一二三四五六七八九十]+部分)", "", dept) or None
            found.append((dept, int(m.group("year")), "final_account" if m.group("kind") == "决算" else "budget"))
    for f in found:
        if f[0]:
            return f
    if found:
        return found[0]
    for t in lines[:5]:
        m = _YEAR_FIRST.match(squash(t))
        if m:
            return m.group("dept"), int(m.group("year")), "final_account" if "预算" not in t else "budget"
    return None, None, None


_YEAR_TEXT = re.compile(r"20\d\d")
_YEAR_OPENER = re.compile(r"^\s*(20\d\d)\s*年")
_DIGIT = re.compile(r"\d")
_NOT_A_NAME = re.compile(r"表$|部分|目\s*录")


@functools.lru_cache(maxsize=4096)
def _name_fragment(x: str) -> bool:
    """A short line that can be part of a cover title broken over lines: no digits but a year,
    not a heading, not a table title or a contents line.  Cached: cover lines repeat from one
    report of a department to the next."""
    return (len(squash(x)) <= 24 and not _DIGIT.search(_YEAR_TEXT.sub("", x)) and heading_level(x) is None
            and not _NOT_A_NAME.search(x))


def infer_meta(path: str, pages: list[Page], flow: list[FlowItem], tables: list[Table],
               captions_depts: list[str]) -> DocumentMeta:
    head_lines: list[str] = []
    for it in flow:
        if isinstance(it, Line) and it.text.strip():
            head_lines.append(it.text.strip())
            if len(head_lines) >= 40:
                break
    # A cover title is often broken over two or three short lines: try windows of up to three
    # lines, where every line but the last is a short name fragment without digits.
    # (Windows of three, two and one line from each line on, in that order.)
    candidates: list[str] = []
    fragment = [_name_fragment(x) for x in head_lines]
    n = len(head_lines)
    for i, x in enumerate(head_lines):
        if i + 2 < n and fragment[i] and fragment[i + 1]:
            candidates.append(x + head_lines[i + 1] + head_lines[i + 2])
        if i + 1 < n and fragment[i]:
            candidates.append(x + head_lines[i + 1])
        candidates.append(x)
    dept, year, kind = _department_from_text(candidates)
    title_year_short = any("算" in c and len(squash(c)) <= 30 and _TITLE_YEAR.match(squash(c)) for c in candidates[:60])
    joined: list[str] = []

    def whole() -> str:
        """The text of the first 60 pages, joined when first asked (most documents never ask)."""
        if not joined:
            joined.append("".join(p.text for p in pages[:60]))
        return joined[0]

    if kind is None:
        fa = sum(1 for t in tables if "决算" in t.title) + len(re.findall(r"部门决算|单位决算|决算公开|决算情况", whole()))
        bu = sum(1 for t in tables if "预算" in t.title.replace("一般公共预算", "").replace("经营预算", "").replace("基金预算", "")) \
            + len(re.findall(r"部门预算|单位预算|预算公开|预算情况说明", whole()))
        kind = "final_account" if fa >= bu and fa else ("budget" if bu else None)
        name = path.rsplit("/", 1)[-1]
        if "决算" in name and "预算" not in name:
            kind = "final_account"
        elif "预算" in name and "决算" not in name:
            kind = "budget"
    # A year read from a sentence rather than a title can be a stale one left in the text;
    # the year most sentences of the explanation open with wins over it.
    # (only lines with 年 can open with a year)
    openers = Counter(int(m.group(1)) for it in flow if isinstance(it, Line) and "年" in it.text
                      for m in [_YEAR_OPENER.match(it.text)] if m)
    if openers:
        top, n = openers.most_common(1)[0]
        if year is not None and top != year and n >= 5 and openers[year] <= 1 and not title_year_short:
            year = top
    if year is None:
        years = Counter(int(y) for y, _ in _YEAR_KIND.findall(whole()))
        if years:
            year = years.most_common(1)[0][0]
        else:
            ys = Counter(int(y) for y in re.findall(r"(20\d\d)\s*年", whole()))
            year = ys.most_common(1)[0][0] if ys else None
    if captions_depts:
        cd = Counter(captions_depts).most_common(1)[0][0]
        if not dept or (cd != dept and len(cd) >= len(dept) and Counter(captions_depts)[cd] >= 2):
            dept = cd
    if not dept:
        m = _DEPT.search(_UNIT.sub("", whole()))
        if m:
            dept = m.group(1)
    units = Counter(t.unit for t in tables if t.unit)
    unit = units.most_common(1)[0][0] if units else None
    return DocumentMeta(dept, year, kind, unit, len(pages), department_code(pages))


# 统一社会信用代码 (GB 32100: 18 characters of 0-9 and A-Y without I O S V Z) or 组织机构代码 (GB 11714:
# 8 characters and a check character, often printed with a hyphen), after its label.
_CODE = re.compile(r"(?:统一社会信用代码|社会信用代码|组织机构代码)[:：]((?:[0-9A-HJ-NPQRTUWXY]{18}|[0-9A-Z]{8}-?[0-9X])"
                   r"(?![0-9A-Z]))")


_SPACE = re.compile(r"\s+")


def department_code(pages: list[Page], first: int = 12) -> str | None:
    """The unit's code printed with its label in the first pages (the cover or the 概况), or None.

    Only pages whose text has the label are searched, with white space removed (a code can be
    broken over two lines).  When several different codes are printed (a report of several units),
    none is returned: the code must name the report's department, not one of its units.
    """
    found: set[str] = set()
    for p in pages[:first]:
        text = p.text
        i = text.find("代码")
        while i >= 0:
            window = _SPACE.sub("", text[max(0, i - 10): i + 60])
            found.update(m.group(1).replace("-", "") for m in _CODE.finditer(window))
            i = text.find("代码", i + 2)
    return found.pop() if len(found) == 1 else None


def assemble(path: str, sha256: str, fmt: str, pages: list[Page], flow: list[FlowItem]) -> Document:
    bound_notes: list[str] = []
    flow = bound_flow(flow, bound_notes)
    tables, consumed, notes, grid_tables = build_tables(flow)
    notes = bound_notes + notes
    sections, paragraphs = build_prose(flow, consumed, fmt, pages, grid_tables, notes)
    depts = []
    for k in consumed:
        it = flow[k]
        if isinstance(it, Line):
            m = _DEPT.search(_UNIT.sub("", it.text))
            if m:
                depts.append(m.group(1))
    meta = infer_meta(path, pages, flow, tables, depts)
    return Document(
        path=path,
        sha256=sha256,
        format=fmt,
        meta=meta,
        pages=tuple(pages),
        sections=tuple(sections),
        paragraphs=tuple(paragraphs),
        tables=tuple(tables),
        notes=tuple(notes),
    )
