"""The document model a generated report is built in before it is laid out.

A report is a list of blocks (headings, paragraphs, tables).  Paragraphs are made of
plain strings and :class:`Span` pieces: the variable parts (amounts, percentages,
counts, comparison words, years, department names).  Claims tie spans to table cells
by semantic keys, so that planted errors can change one printed figure and the
identity checker can tell which identity that broke.
"""

from __future__ import annotations

from dataclasses import dataclass, field

UNIT_FACTOR = {"万元": 10_000.0, "元": 1.0}


def fmt_amount(fen: int, unit: str, sep: bool) -> str:
    """Format an amount in 分 for a table or sentence in the given unit."""
    value = fen / 100 / UNIT_FACTOR[unit]
    return f"{value:,.2f}" if sep else f"{value:.2f}"


def parse_number(text: str) -> float | None:
    t = text.replace(",", "").replace("%", "").replace("％", "").strip()
    if t in ("", "-", "—", "——"):
        return None
    return float(t)


@dataclass
class Span:
    """A variable piece of prose.  role: amount | pct | count | word | year | dept."""

    text: str
    role: str
    unit: str = ""  # for amounts: 万元 / 元, printed right after the number

    def render(self) -> str:
        return self.text + self.unit


@dataclass
class Heading:
    text: str
    level: int  # 0 cover, 1 part, 2 section, 3 subsection
    spans: list[Span] = field(default_factory=list)  # year/dept spans inside, rendered by replacement

    def render(self) -> str:
        out = self.text
        for i, s in enumerate(self.spans):
            out = out.replace("{%d}" % i, s.render())
        return out


@dataclass
class Para:
    pieces: list = field(default_factory=list)  # str | Span

    def render(self) -> str:
        return "".join(p if isinstance(p, str) else p.render() for p in self.pieces)

    def add(self, *pieces) -> Para:
        self.pieces.extend(pieces)
        return self


@dataclass
class Table:
    """A disclosure table.  grid holds printed strings; cells maps semantic keys to (row, col)."""

    kind: str
    title: str
    number: str | None
    unit: str  # printed unit label: 万元 / 元
    header: list[str]
    grid: list[list[str]]
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)
    label_cols: int = 2  # leading label columns (code/name or split 类/款/项 + name)
    dept: Span | None = None
    year: Span | None = None
    note: str | None = None
    landscape: bool = False
    repeat_header: bool = True
    # rows that carry a 功能分类/经济分类 code, in order, for row-sum and shift checks
    code_rows: list[tuple[str, int]] = field(default_factory=list)
    num_cols: dict[str, int] = field(default_factory=dict)  # column key → col index

    def value(self, key: str) -> str | None:
        rc = self.cells.get(key)
        return None if rc is None else self.grid[rc[0]][rc[1]]

    def set(self, key: str, text: str) -> None:
        r, c = self.cells[key]
        self.grid[r][c] = text


@dataclass
class Claim:
    """What a sentence asserts about the tables.

    kind: level (span = table cell) | share (span = part/base) | growth (pct = change/(cur - change))
    | rate (span = actual/base) | count (span = cell) | compare (word vs a, b) | year | dept
    refs: (table kind, cell key) pairs.
    """

    kind: str
    span: Span
    refs: tuple = ()
    extra: dict = field(default_factory=dict)


@dataclass
class Document:
    doc_kind: str  # final_accounts | budget
    department: str
    dept_type: str
    level: str
    year: int
    blocks: list = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    required_tables: list[str] = field(default_factory=list)
    prose_sep: bool = False  # thousands separators in prose amounts

    def tables(self) -> dict[str, Table]:
        return {b.kind: b for b in self.blocks if isinstance(b, Table)}
