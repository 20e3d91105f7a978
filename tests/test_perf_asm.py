"""The assembly stage's fast paths read documents exactly as the plain code they replaced.

Caption lines, header-split rows, column roles, code and name cells and the table layout are
read once per text (and kept); the contents test counts a row's cells at C speed; prose objects
are built into the instance dict.  Each fast path is compared here with the plain code it stands
for (kept below as it was), on every grid and line of the seed and some real reports.
"""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

import extraction.assemble as A
import extraction.reader as R
import extraction.tables as T
from extraction.layout import RawCell, RawGrid
from extraction.model import Paragraph, Section, TextPiece, new_paragraph, new_piece, new_section
from extraction.numbers import is_empty_mark, looks_like_code
from extraction.tables import squash

DATA = Path(__file__).parent / "data"
FILES = sorted((DATA / "seeds").glob("*.txt")) + [
    DATA / "real/budgets/江苏省委办公厅2017年预算公开表格.pdf",
    DATA / "real/final_accounts/上海市普陀区财政局2024年度部门决算.pdf",
    DATA / "real/templates/附件2：部门决算模板.pdf",
]


@pytest.fixture(scope="module")
def flows() -> list[tuple]:
    """The arguments each file hands to ``assemble``."""
    got: list[tuple] = []
    orig = R.assemble

    def record(*a):
        got.append(a)
        return orig(*a)

    R.assemble = record
    try:
        for f in FILES:
            R.read_document(f)
    finally:
        R.assemble = orig
    assert len(got) == len(FILES)
    return got


# ---- the plain code the fast paths replaced ----

def _plain_caption_for(flow, k, consumed):
    cap = A._Caption()
    j = k - 1
    seen = 0
    skipped = 0
    while j >= 0 and seen < 8:
        it = flow[j]
        if isinstance(it, RawGrid):
            break
        if j in consumed:
            break
        t = it.text.strip()
        if not t:
            j -= 1
            continue
        if A._PAGE_FOOTER.match(t):
            j -= 1
            continue
        seen += 1
        hit = False
        if len(t) > 80 or (t.endswith("。") and len(t) > 30):
            break
        m = A._UNIT.search(t)
        if m:
            hit = True
            cap.unit = cap.unit or m.group(1)
        m = A._NUMBER.search(t)
        if m:
            hit = True
            cap.number = cap.number or squash(m.group(1))
        no_unit = A._UNIT.sub("", t)
        m = A._DEPT.search(no_unit)
        if m:
            hit = True
            cap.department = cap.department or m.group(1)
        core = A._NUMBER.sub("", no_unit).strip()
        core_sq = squash(core)
        if not cap.title and core_sq and (A._TITLE.search(core_sq) or "决算表" in core_sq or "预算表" in core_sq) \
                and len(core_sq) <= 60 and not A._DEPT.search(core):
            cap.title, hit = A._ORDINAL_PREFIX.sub("", core), True
        if A._CAPTION_LABEL.fullmatch(t):
            hit = True
        if not hit:
            if cap.title:
                break
            if len(t) <= 40 and A.heading_level(t) is None and not t.endswith(A._TERMINAL):
                if A._TITLE.search(squash(t)):
                    cap.title, hit = t, True
        if not hit and not cap.title and len(t) <= 30 and not t.endswith(A._TERMINAL) \
                and A.heading_level(t) is None and skipped < 2 and (cap.unit or cap.number or cap.department):
            skipped += 1
            hit = True
        if hit:
            cap.lines.append(j)
        elif cap.title or cap.unit or cap.number:
            break
        j -= 1
    return cap


def _plain_toc_row(r):
    return (len(r) == 2 and squash(r[1]).isdigit() and len(squash(r[1])) <= 3
            and not squash(r[0]).replace(".", "").isdigit())


def _plain_is_toc_grid(grid):
    if len(grid.rows) < 3:
        return False
    rows = []
    for r in grid.rows:
        row = [c.text for c in r if c is not None and squash(c.text)]
        if row:
            rows.append(row)
    if len(rows) < 3:
        return False
    ok = sum(1 for r in rows if _plain_toc_row(r))
    return ok >= 0.8 * len(rows) and any(("..." in r[0] or "…" in r[0] or A.heading_level(r[0])) for r in rows)


def _plain_heading_level(text):
    t = text.strip()
    if not t or len(t) > 48:
        return None
    if t.endswith(("。", "；", ";", "，")):
        return None
    if A._H1.match(t):
        return 1
    if "。" in t or t.count("，") >= 2:
        return None
    if A._H2.match(t):
        return 2
    if A._H3.match(t):
        return 3
    if A._H4.match(t) and len(t) <= 30 and not A._DECIMAL.search(t):
        return 4
    if A._H5.match(t) and len(t) <= 30:
        return 5
    return None


def _plain_header_split(rows):
    first_any = None
    for i, r in enumerate(rows):
        if T._is_data_row(r):
            ne = [squash(t) for t in r if squash(t)]
            if T._has_figure(r) or looks_like_code(ne[0]) or T._CODE_IN_NAME.match(ne[0]):
                return i if first_any is None or not T._has_figure(rows[first_any]) and first_any + 1 == i else first_any
            if first_any is None:
                first_any = i
        elif first_any is not None and not T._is_colnum_row(r):
            first_any = None
    return first_any or 0


def _plain_cell_facts(raw):
    t = squash(raw)
    if not t or is_empty_mark(raw):
        return None
    digits = t.isdigit()
    code, number = looks_like_code(t), T._is_number(t)
    return (t, code, number, digits and len(t) == 2, digits and len(t) <= 3, number and not code,
            t in T._UNIT_WORDS, "." in t)


def _plain_column_roles(header, body, n_cols):
    """Roles as the plain code gave them from the header with spanning labels filled in."""
    roles = []
    body = [list(r) + [""] * (n_cols - len(r)) for r in body]
    body_cols = list(zip(*body)) if body else []
    for c in range(n_cols):
        hdr = [squash(h[c]) for h in header if c < len(h) and squash(h[c])]
        hdr = [h for h in hdr if not T._COLNUM_ROW.match(h)]
        facts = [f for f in map(_plain_cell_facts, body_cols[c] if body_cols else ()) if f is not None]
        data = [f[0] for f in facts]
        codes, numbers, code_parts, ints, nums = (sum(f[i] for f in facts) for i in range(1, 6))
        n = len(data)
        texty = n - numbers
        name_last = any(T._NAME_HEADER.match(T._norm_label(h)) for h in hdr[-1:])
        if hdr and any(T._LINE_HEADER.match(h) for h in hdr):
            role = "line"
        elif (hdr and T._UNIT_HEADER.match(hdr[-1]) and all(t in T._UNIT_WORDS for t in data)) or \
                (n >= 3 and all(t in T._UNIT_WORDS for t in data)):
            role = "unit"
        elif hdr and hdr[-1] in ("款", "项") and (code_parts or not n):
            role = "code_part"
        elif hdr and (any(T._CODE_HEADER.search(h) for h in hdr) and not name_last) and (codes or not n) \
                and codes >= 0.3 * n:
            role = "code"
        elif n and codes >= 0.6 * n and codes >= 1 and not any("." in t for t in data):
            role = "code"
        elif n and code_parts >= 0.6 * n and nums - code_parts <= 0:
            role = "code_part"
        elif hdr and name_last and texty >= nums:
            role = "name"
        elif n and texty > nums and texty >= max(2, 0.2 * len(body)):
            role = "name"
        elif n and ints == n and nums and T._sequential([int(t) for t in data if t.isdigit()]) \
                and not any("." in t for t in data):
            role = "line"
        else:
            role = "value"
        roles.append(role)
    return tuple(roles)


# ---- the comparisons ----

def test_caption_and_contents_tests_match_the_plain_code(flows):
    grids = 0
    for _path, _sha, _fmt, _pages, flow in flows:
        for consumed in (set(), set(range(0, len(flow), 3))):
            for k, it in enumerate(flow):
                if isinstance(it, RawGrid):
                    grids += 1
                    assert vars(A._caption_for(flow, k, consumed)) == vars(_plain_caption_for(flow, k, consumed))
                    assert A.is_toc_grid(it) == _plain_is_toc_grid(it)
                else:
                    assert A.heading_level(it.text) == _plain_heading_level(it.text)
    assert grids > 20


def test_contents_grid_still_found():
    def row(*texts):
        return [RawCell(t, 1) if t is not None else None for t in texts]

    toc = RawGrid(1, [row("一、部门概况", "3"), row("二、收支总表", None, "5"), row("三、说明", " 12 "),
                      row(None, None), row("四、名词解释", "140")])
    assert A.is_toc_grid(toc) is _plain_is_toc_grid(toc) is True
    table = RawGrid(1, [row("项目", "金额"), row("合计", "12.50"), row("工资", "3.2"), row("其他", "9.30")])
    assert A.is_toc_grid(table) is _plain_is_toc_grid(table) is False


def test_table_reading_matches_the_plain_code(flows):
    tables = 0
    for _path, _sha, _fmt, _pages, flow in flows:
        for it in flow:
            if not isinstance(it, RawGrid):
                continue
            texts = it.texts()
            for r in texts:
                for x in r:
                    assert T._cell_facts(x) == _plain_cell_facts(x)
            split = T._header_split(texts)
            assert split == _plain_header_split(texts)
            n_cols = it.n_cols
            header, body = texts[:split], texts[split:]
            key = tuple(map(tuple, header))
            filled, hinfo = T._header_columns(key, n_cols)
            assert [list(h) for h in filled] == T._fill_header(header, n_cols)
            assert T._roles(body, n_cols, hinfo) == _plain_column_roles(T._fill_header(header, n_cols), body, n_cols)
            tables += 1
    assert tables > 20


def test_code_and_name_cells_match_the_plain_tests():
    for t in ["201", "20101", "2010301", "01", "类", "款", "项", "科目编码", "功能分类科目编码",
              "201一般公共服务", "30102工资福利", "合计", "12.5", "2", "123456"]:
        got = T._code_cell(t)
        if t in ("类", "款", "项", "科目编码", "功能分类科目编码"):
            assert got is None
        elif looks_like_code(t) or (t.isdigit() and len(t) == 2):
            assert got == (t,)
        else:
            m = T._CODE_IN_NAME.match(t)
            assert got == (("", m.group(1), m.group(2)) if m else ("", "", t))
        m = T._CODE_IN_NAME.match(t)
        assert T._name_cell(t) == (looks_like_code(t), m.group(1) if m else None, m.group(2) if m else None)
    for parts, last in [(("201", "03", "01"), ()), (("", "03", "01"), ("201", "02")), (("20103",), ()),
                        (("", "", "01"), ("201",)), (("",), ())]:
        assert T._join_code_cached(parts, last) == T._join_code(list(parts), list(last))
    for code in ("201", "20103", "2010301"):
        assert list(T._code_split(code)) == [code[:3], code[3:5], code[5:7]][: (len(code) - 1) // 2]


def test_number_marks_are_never_empty_marks():
    """_cell_facts asks for an empty mark only when the cell is not a number."""
    from extraction.numbers import EMPTY_MARKS

    for m in EMPTY_MARKS:
        assert not T._is_number(squash(m))
    for x in ["1", "１２", "1,234.50", "-3", "(4.5)", "12%", " 7 ", "\u30008"]:
        assert T._is_number(squash(x)) and not is_empty_mark(x)
    assert not re.search(r"\d", "".join(EMPTY_MARKS))


@pytest.mark.parametrize(
    ("cls", "fast"),
    [(TextPiece, lambda *v: new_piece(*v)), (Section, lambda *v: new_section(*v)),
     (Paragraph, lambda *v: new_paragraph(*v))],
)
def test_fast_prose_constructors_equal_dataclass(cls, fast):
    values = [f"{f.name}-value" if "str" in str(f.type) else i + 1 for i, f in enumerate(fields(cls))]
    slow = cls(*values)
    quick = fast(*values)
    assert type(quick) is cls
    assert quick == slow
    assert vars(quick) == vars(slow)
    assert [f.name for f in fields(cls)] == list(vars(quick))
    with pytest.raises(AttributeError):
        quick.page = 99  # type: ignore[misc]


def test_document_meta_to_dict_is_asdict():
    from dataclasses import asdict

    from extraction.model import DocumentMeta

    for meta in (DocumentMeta("某局", 2024, "final_account", "万元", 16), DocumentMeta(None, None, None, None, 0)):
        assert meta.to_dict() == asdict(meta)
        assert list(meta.to_dict()) == [f.name for f in fields(DocumentMeta)]


# ---- one reading per cell text, plain loops over a row's few cells ----

def _plain_pair_cell_per_line(grid):
    """``pair_cell_per_line`` as it was: every row's printed cells counted through squash."""
    singles = [[c for c in r if c is not None and squash(c.text)] for r in grid.rows]
    if not singles or sum(1 for s in singles if len(s) == 1) < 0.7 * len(singles):
        return None
    cells = [s[0] for s in singles if len(s) == 1]
    rows, pairs, i = [], 0, 0
    from extraction.numbers import parse_cell_number
    while i < len(cells):
        c = cells[i]
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        if parse_cell_number(c.text) is None and nxt is not None and parse_cell_number(nxt.text) is not None:
            rows.append([(c.text.rstrip(":：").strip(), c.page), (nxt.text, nxt.page)])
            pairs += 1
            i += 2
        else:
            rows.append([(c.text, c.page), None])
            i += 1
    return rows if pairs >= 2 else None


def _pairs(grid):
    got = T.pair_cell_per_line(grid)
    if got is grid:
        return None
    return [[(c.text, c.page) if c is not None else None for c in r] for r in got.rows]


def test_squash_is_the_whitespace_pattern():
    import sys

    space = "".join(chr(i) for i in range(sys.maxunicode + 1) if re.match(r"\s", chr(i)))
    assert all(ch.isspace() for ch in space)
    for s in ["", " ", "a b", "\u3000合 计\u3000", "1,\t234.5\n", space, "x" + space + "y", "\x1c\x1d\x1e\x1f\x85\xa0"]:
        assert squash(s) == re.sub(r"\s+", "", s)
        assert bool(squash(s)) == bool(s.strip())


def test_code_and_name_texts_are_squash_then_cell():
    for raw in ["", " ", "201", " 20101 ", "01", "类", "款 ", "201 一般公共服务", "30102工资福利", "合 计", "12.5",
                "\u3000工资福利支出", "2010301"]:
        t = squash(raw)
        assert T._code_text(raw) == (t, T._code_cell(t) if t else None)
        assert T._name_text(raw) == ((t, *T._name_cell(t)) if t else ("", False, None, None))


def test_pair_cell_per_line_and_contents_match_the_plain_code(flows):
    def row(*texts):
        return [RawCell(t, 1) if t is not None else None for t in texts]

    made = [
        RawGrid(1, [row("预算数:"), row("80000"), row("执行数:"), row(" 75000 "), row("", " "), row("执行率：")]),
        RawGrid(1, [row("预算数", None), row(None, "80000"), row("执行数"), row("75,000.5"), row("得分"), row("9")]),
        RawGrid(1, [row("项目", "金额"), row("合计", "12.50"), row("工资", "3.2")]),
        RawGrid(1, [row(" ", "\u3000"), row("a"), row("1"), row("b"), row("2"), row("c", "d")]),
    ]
    grids = made + [it for *_a, flow in flows for it in flow if isinstance(it, RawGrid)]
    for g in grids:
        assert _pairs(g) == _plain_pair_cell_per_line(g)
        assert A.is_toc_grid(g) == _plain_is_toc_grid(g)
    assert sum(1 for g in made if _pairs(g) is not None) == 2


def test_interpreted_names_are_squashed_joins():
    """Names join their cells' squashed texts: the same as squashing the joined cell texts."""
    def row(*texts):
        return [RawCell(t, 1) if t is not None else None for t in texts]

    grid = RawGrid(1, [row("科目编码", "科目名称", "金额"), row("201", " 一般 公共\u3000服务 ", "12.50"),
                       row("20101", "人大 事务", "3.20"), row(None, "201 03 政府办公厅", "1.5"),
                       row("30102 工资 福利", None, "2.0"), row(None, "其他\t支出", "1.0")])
    t = T.interpret_grid(grid, "t1", "支出决算表", None, "万元")
    # (as the code before read them, squashing the joined cell texts)
    assert [(r.code, r.name) for r in t.rows] == [("201", "一般公共服务"), ("20101", "人大事务"), ("20103", "政府办公厅"),
                                                  ("30102", "工资福利"), (None, "其他支出")]


def test_figures_match_the_plain_test(flows):
    """_is_figure reads the cell's facts, and subtables_read passes over cells without a point or
    comma: both as the plain test of each cell."""
    from extraction.numbers import EMPTY_MARKS

    def plain(x):
        return ("." in x or "," in x) and T._is_number(squash(x))

    texts = ["", " ", "1.5", " 1,234.50 ", "１２．５", "...", "…", "1.一般公共服务", "12,", ",", ".", "(3.5)", "12%",
             "5.0%", "合计", "201", "—", "1 2.5", "-", "-0.5"] + sorted(EMPTY_MARKS)
    for *_a, flow in flows:
        for it in flow:
            if isinstance(it, RawGrid):
                texts.extend(x for r in it.texts() for x in r)
    for x in texts:
        assert T._is_figure(x) == plain(x), x
    for *_a, flow in flows:
        for it in flow:
            if isinstance(it, RawGrid):
                for piece, read in T.subtables_read(it):
                    if read is not None:
                        assert read[1] == [any(plain(x) for x in r) for r in read[0]]


def test_cell_values_match_parse_cell_number(flows):
    """_cell_value reads a plain figure itself: the value and decimals parse_cell_number reads."""
    import random

    from extraction.numbers import EMPTY_MARKS, parse_cell_number

    rnd = random.Random(7)
    texts = ["0", "00", "0.00", "-0", "+5", "-0.50", "1,234", "1,234.50", "12,34", "1,2345", ",123", "123,", "1.", ".5",
             "1..2", "1,234,567.891", "007", "٣٤", "１２３", "1 234", " 12 ", "12\n", "12%", "(3.5)", "－3", "2.5E3",
             "1_000", "inf", "nan", "9" * 400, "201", "20101", "合计", "12.5万", "", " "] + sorted(EMPTY_MARKS)
    for _ in range(3000):
        v = rnd.choice([rnd.randint(0, 10**9) / 100, rnd.randint(-10**6, 10**6), rnd.random()])
        t = rnd.choice([f"{v:,.2f}", f"{v:.3f}", f"{v:,}", str(v), f"{v:,.0f}"])
        texts.append(t)
        texts.append(rnd.choice(["", "-", "+", " ", "（", "%", ","]) + t + rnd.choice(["", "%", " ", ".", "0"]))
    for *_a, flow in flows:
        for it in flow:
            if isinstance(it, RawGrid):
                texts.extend(x for r in it.texts() for x in r)
    plain = 0
    for x in texts:
        p = parse_cell_number(x)
        got = T._cell_value(x)
        assert got == (None if p is None else (p.value, p.decimals)), x
        if got is not None:
            assert type(got[0]) is float and type(got[1]) is int
            assert repr(got[0]) == repr(p.value)  # (-0.0 stays -0.0)
        plain += T._PLAIN_NUMBER.fullmatch(x) is not None
    assert plain > 1000
