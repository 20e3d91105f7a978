"""Findings, evidence, tolerances and the Rule base class.

A rule is one small class in its own module, named by its stable code
(``rules/CF101.py``).  Its docstring's first line is its description; the rest
shows a failing and a passing example.  Each rule has a YAML file of pass and
fail cases under ``tests/rules/`` that one test generator turns into tests.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, TypeVar

from extraction.limits import MAX_WHOLE_SENTENCE, clip_around
from extraction.model import Cell, Document, Row, Table

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Evidence:
    """One side of a finding: a table cell or a stretch of prose, with its place."""

    source: str  # 'prose' | 'table'
    page: int | None
    text: str
    value: float | None = None
    table: str | None = None  # table id
    row: str | None = None  # row code or name
    column: str | None = None  # column label
    start: int | None = None
    end: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    # a prose claim's evidence: its sentence's span on the page (``text`` is the sentence)
    sentence_start: int | None = None
    sentence_end: int | None = None
    # the sha256 of the document the place is in, when a rule reads several (CF9xx); None: the
    # document checked (the check JSON then names the file as ``document``: path and sha256)
    document: str | None = None
    # how sure OCR was of the figure or words (their least sure character, 0–1); None: not read by
    # OCR (extraction/ocr.py; a finding resting on an unsure one is a warning, rules/confidence.py)
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["bbox"] = [round(v, 1) for v in self.bbox] if self.bbox else None
        text = self.text
        if len(text) > MAX_WHOLE_SENTENCE and self.source == "prose":
            # clipped round the figure as a claim's text is (extraction.limits): where it stands in
            # the text is known from the sentence's span; other prose evidence starts near it
            s0, start = self.sentence_start, self.start
            at = start - s0 if s0 is not None and start is not None and s0 <= start else 0
            end = self.end if self.end is not None and start is not None else start
            d["text"] = clip_around(text, at, at + ((end or 0) - (start or 0)))
        if self.document is None:
            del d["document"]
        if self.confidence is None:
            del d["confidence"]
        else:
            d["confidence"] = round(self.confidence, 4)
        return d


@dataclass(frozen=True)
class Tie:
    """A prose claim a rule compared and found right (rules/status.py makes it ``tied``).

    ``target`` is the table figure it agrees with, when the rule compared it with one (CF301,
    CF302); an arithmetic check (a share, a growth rate, a completion rate) has none.  A rule
    that looked at a claim and left it for a stated reason records a ``Tie`` with ``reason`` set
    and no verdict (``tied`` False): one of the codes of rules/status.py ``REASONS``.
    """

    claim: str  # the claim's id
    rule: str
    target: Evidence | None = None
    tied: bool = True
    reason: str | None = None


@dataclass(frozen=True)
class Finding:
    id: str
    rule: str
    name: str
    severity: str
    message: str
    message_en: str
    expected: float | None = None
    observed: float | None = None
    difference: float | None = None
    tolerance: float | None = None
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "message_en": self.message_en,
            "expected": _r(self.expected),
            "observed": _r(self.observed),
            "difference": _r(self.difference),
            "tolerance": _r(self.tolerance),
            "evidence": [e.to_dict() for e in self.evidence],
        }


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 6)


# ---------------------------------------------------------------- tolerance


class Figure:
    """A printed number with the half-unit of its last printed digit (its rounding tolerance).

    Immutable.  The evidence of a table figure is built only when a finding asks for it: the
    rules read tens of thousands of cells per document and cite a handful.
    """

    __slots__ = ("value", "tol", "_evidence", "_source")

    def __init__(self, value: float, tol: float, evidence: Evidence | None = None,
                 source: tuple[Table, Row, Cell, int] | tuple[Any] | None = None) -> None:
        _set_value(self, value)
        _set_tol(self, tol)
        _set_evidence(self, evidence)
        _set_source(self, source)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Figure is immutable")

    @property
    def evidence(self) -> Evidence | None:
        if self._evidence is None and self._source is not None:
            source = self._source
            if len(source) == 1:  # a prose claim (rules/prose.py claim_figure)
                _set_evidence(self, prose_claim_evidence(source[0]))
            else:
                table, row, cell, ci = source
                _set_evidence(self, cell_evidence(table, row, cell, column_label(table, ci)))
        return self._evidence

    def scaled(self, k: float) -> Figure:
        """The figure and its rounding times k (a change of unit), citing the same evidence: a
        table cell's is still built only when a finding asks for it."""
        return new_figure(self.value * k, self.tol * k, self._evidence, self._source)

    @property
    def has_evidence(self) -> bool:
        """``evidence is not None`` without building it: the footing rules ask this of every
        figure they compare, and need the evidence only of the few that make a finding."""
        return self._evidence is not None or self._source is not None

    def __repr__(self) -> str:
        return f"Figure({self.value!r}, {self.tol!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Figure) and self.value == other.value and self.tol == other.tol
                and self.evidence == other.evidence)

    def __hash__(self) -> int:
        return hash((self.value, self.tol))

    @staticmethod
    def of(value: float, decimals: int | None, evidence: Evidence | None = None) -> Figure:
        d = 0 if decimals is None else decimals
        return new_figure(value, _HALF_UNIT[d] if 0 <= d < len(_HALF_UNIT) else 0.5 * 10 ** (-d), evidence, None)


# The slots' own setters: a Figure is made for every cell the rules compare, and setting its four
# slots through object.__setattr__ (a look-up by name each) cost more than the rest of making it.
_set_value = Figure.__dict__["value"].__set__
_set_tol = Figure.__dict__["tol"].__set__
_set_evidence = Figure.__dict__["_evidence"].__set__
_set_source = Figure.__dict__["_source"].__set__
_new = object.__new__


def new_figure(value: float, tol: float, evidence: Evidence | None,
               source: tuple[Table, Row, Cell, int] | tuple[Any] | None) -> Figure:
    """``Figure(value, tol, evidence, source)`` without the call through the class."""
    f = _new(Figure)
    _set_value(f, value)
    _set_tol(f, tol)
    _set_evidence(f, evidence)
    _set_source(f, source)
    return f


def prose_claim_evidence(claim: Any) -> Evidence:
    """The evidence of a prose claim: its sentence, figure and place."""
    return Evidence(source="prose", page=claim.page, text=claim.text, value=claim.value,
                    start=claim.start, end=claim.end, sentence_start=getattr(claim, "sentence_start", None),
                    sentence_end=getattr(claim, "sentence_end", None))


_HALF_UNIT = tuple(0.5 * 10 ** (-d) for d in range(8))


def cell_tol(cell: Cell) -> float:
    """The rounding tolerance of a printed cell: half a unit of its last printed digit."""
    d = cell.decimals or 0
    return _HALF_UNIT[d] if 0 <= d < len(_HALF_UNIT) else 0.5 * 10 ** (-d)


def cell_figure(table: Table, row: Row, cell: Cell, ci: int) -> Figure:
    """The figure a numeric cell prints, citing the cell (its evidence built when asked for)."""
    d = cell.decimals or 0  # cell_tol, inline
    return new_figure(cell.value, _HALF_UNIT[d] if 0 <= d < len(_HALF_UNIT) else 0.5 * 10 ** (-d), None,
                      (table, row, cell, ci))


def sum_figures(figs: Sequence[Figure]) -> Figure:
    return new_figure(sum(f.value for f in figs), sum(f.tol for f in figs), None, None)


def agrees(a: Figure, b: Figure, slack: float = 1e-9) -> bool:
    """True when the two printed figures can be the same true amount given their rounding."""
    return abs(a.value - b.value) <= a.tol + b.tol + slack


def ratio_interval(num: Figure, den: Figure) -> tuple[float, float] | None:
    """The interval of num/den (in %) given each figure's rounding; None when den may be 0."""
    dlo, dhi = den.value - den.tol, den.value + den.tol
    if dlo <= 0 <= dhi:
        return None
    nlo, nhi = num.value - num.tol, num.value + num.tol
    cands = [nlo / dlo, nlo / dhi, nhi / dlo, nhi / dhi]
    return 100 * min(cands), 100 * max(cands)


def fmt(v: float | None) -> str:
    """A figure for a message: thousands separators, two decimals unless it is whole."""
    if v is None:
        return "—"
    if math.isclose(v, round(v), abs_tol=1e-9):
        return f"{v:,.0f}"
    return f"{v:,.2f}" if abs(v) >= 0.01 else f"{v:.4g}"


# ---------------------------------------------------------------- the rule context

_T = TypeVar("_T")
_MISSING = object()


@dataclass(eq=False)
class RuleContext:
    """What the engine hands to each rule of one run: the document, its claims, its document set,
    the configuration, and the lookups several rules share.

    The engine (rules/engine.py) builds one per document run and gives it to every rule, in order;
    ``rules/status.py`` reads the same one after them.  A lookup (a claim's table targets and
    figure, a table's index, caption lines and footing, …) is computed on its first use by the
    function that defines it (:meth:`shared`, :meth:`per_object`) and kept here, so it lives
    exactly as long as the run: nothing is global, nothing is shared between two runs (or the
    threads of a Dask worker).  What is kept is shared: callers only read it.

    ``documents`` is the document set the run reads: ``(doc,)`` for a single report; a rule of a
    document set (CF9xx, ``SetRule.check_pair``) sees ``(doc, other)`` and reads the other report's
    lookups through :meth:`of`.
    """

    doc: Document
    claims: Sequence[Any] = ()
    config: dict[str, Any] = field(default_factory=dict)
    documents: tuple[Document, ...] = ()
    _shared: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _objects: dict[str, dict[int, tuple[Any, Any]]] = field(default_factory=dict, init=False, repr=False)
    _others: dict[int, RuleContext] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.documents:
            self.documents = (self.doc,)
        if self.config is None:
            self.config = {}

    @property
    def other(self) -> Document | None:
        """The other report of a pair (a rule of a document set), None when the set is one report."""
        return self.documents[1] if len(self.documents) > 1 else None

    def of(self, doc: Document) -> RuleContext:
        """The context of a document of the set (this one for ``self.doc``): its own lookups, built
        once for the run.  Its claims are not this run's (a set rule reads the other report's tables)."""
        if doc is self.doc:
            return self
        hit = self._others.get(id(doc))
        if hit is None or hit.doc is not doc:
            others = tuple(d for d in self.documents if d is not doc)
            hit = self._others[id(doc)] = RuleContext(doc, (), self.config, (doc, *others))
        return hit

    def shared(self, name: str, compute: Callable[[RuleContext], _T]) -> _T:
        """``compute(self)``, worked out once per run and kept under ``name``."""
        hit = self._shared.get(name, _MISSING)
        if hit is _MISSING:
            hit = self._shared[name] = compute(self)
        return hit

    def per_object(self, name: str, obj: Any, compute: Callable[[RuleContext, Any], _T]) -> _T:
        """``compute(self, obj)`` for one object of the run (a table, a claim), worked out once and
        kept under ``name``.  By identity, not equality (hashing a table is costly); the object is
        kept with its result, so its id is not reused while the context lives."""
        memo = self._objects.get(name)
        if memo is None:
            memo = self._objects[name] = {}
        hit = memo.get(id(obj))
        if hit is None or hit[0] is not obj:
            hit = memo[id(obj)] = (obj, compute(self, obj))
        return hit[1]


# ---------------------------------------------------------------- rule base


class Rule:
    """Base class.  Subclasses set ``code``, ``name``, ``severity`` and implement ``check``."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[str] = "error"
    groups: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self._findings: list[Finding] = []
        self.ties: list[Tie] = []

    def tie(self, claim: Any, target: Figure | None = None) -> None:
        """Record that ``claim`` was checked and found right (against ``target``, a table figure,
        when there is one).  Never changes a verdict: findings are what ``check`` yields."""
        ev = target.evidence if target is not None else None
        self.ties.append(Tie(claim.id, self.code, ev if ev is not None and ev.source == "table" else None))

    def pass_over(self, claim: Any, reason: str) -> None:
        """Record why the rule looked at ``claim`` and compared nothing (a code of
        rules/status.py ``REASONS``)."""
        self.ties.append(Tie(claim.id, self.code, None, False, reason))

    @classmethod
    def description(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    def check(self, ctx: RuleContext) -> Iterable[Finding]:  # pragma: no cover
        """The rule's findings on the run's document (``ctx.doc``, ``ctx.claims``)."""
        raise NotImplementedError

    def run(self, ctx: RuleContext) -> Iterable[Finding]:
        """What the engine calls: ``check(ctx)``; a rule written the older way, ``check(self, doc,
        claims)``, is called so (it reads no shared lookup through the context)."""
        if _takes_context(type(self).check):
            return self.check(ctx)
        return self.check(ctx.doc, ctx.claims)  # type: ignore[call-arg]

    def finding(
        self,
        message: str,
        message_en: str,
        *,
        expected: float | None = None,
        observed: float | None = None,
        tolerance: float | None = None,
        evidence: Iterable[Evidence] = (),
        severity: str | None = None,
    ) -> Finding:
        diff = None if expected is None or observed is None else observed - expected
        return Finding(
            id="",  # numbered by the engine
            rule=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            message_en=message_en,
            expected=expected,
            observed=observed,
            difference=diff,
            tolerance=tolerance,
            evidence=tuple(evidence),
        )


class SetRule(Rule):
    """Base of the rules of a document set (CF9xx): they read a report and another report of its
    department (``check_pair``), never one document alone (``check`` finds nothing)."""

    set_rule: ClassVar[bool] = True

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        return ()

    def check_pair(self, ctx: RuleContext) -> Iterable[Finding]:  # pragma: no cover
        """The rule's findings on the report ``ctx.doc`` (its claims ``ctx.claims``) read with the
        other report of its set, ``ctx.other`` (its lookups through ``ctx.of(ctx.other)``)."""
        raise NotImplementedError

    def run_pair(self, ctx: RuleContext) -> Iterable[Finding]:
        """What the engine calls: ``check_pair(ctx)``; one written the older way, ``check_pair(self,
        doc, claims, other)``, is called so."""
        if _takes_context(type(self).check_pair):
            return self.check_pair(ctx)
        return self.check_pair(ctx.doc, ctx.claims, ctx.other)  # type: ignore[call-arg]


@functools.cache
def _takes_context(method: Any) -> bool:
    """Whether a rule's ``check`` takes the context (``check(self, ctx)``) rather than the document
    and its claims (``check(self, doc, claims)``, the older form): told by its parameters, once per
    method."""
    return len(inspect.signature(method).parameters) == 2


# ---------------------------------------------------------------- table helpers


def cell_evidence(table: Table, row: Row, cell: Cell, column_label: str) -> Evidence:
    return Evidence(
        source="table",
        page=cell.page,
        text=cell.text,
        value=cell.value,
        table=f"{table.id} {table.title or table.kind}",
        row=row.code or row.name,
        column=column_label,
        start=cell.start,
        end=cell.end,
        bbox=cell.bbox,
        confidence=cell.confidence,
    )


def column_label(table: Table, index: int) -> str:
    for c in table.columns:
        if c.index == index:
            return c.label
    return ""


def numeric_cells(row: Row) -> list[tuple[int, Cell]]:
    """(column index, cell) for every cell of a row that prints a number, in printed order."""
    return [(ci, cell) for ci, cell in zip(row.columns, row.cells) if cell is not None and cell.value is not None]


def numeric_cell(row: Row, column_index: int) -> Cell | None:
    """The row's cell in that column when it prints a number, else None.

    ``Row.cell`` with the search done by tuple.index: the rules read hundreds of thousands of cells
    (and the column is almost always there, so the search is not done twice to test for it).
    """
    try:
        i = row.columns.index(column_index)
    except ValueError:
        return None
    cells = row.cells
    cell = cells[i] if i < len(cells) else None  # zip's reading of a row short of cells
    return None if cell is None or cell.value is None else cell


def figure_at(table: Table, row: Row, column_index: int) -> Figure | None:
    cell = numeric_cell(row, column_index)
    return None if cell is None else cell_figure(table, row, cell, column_index)


def cells_foot(total: Cell | None, parts: Sequence[Cell | None]) -> bool | None:
    """Whether a total cell agrees with the sum of its part cells (empty cells, given as None,
    read as 0 ± 0), or None when none of them prints a number.

    The same sums and comparison as ``agrees(zero_figure(total), sum_figures([zero_figure(p)…]))``,
    on the numbers alone: most lines foot, and the footing rules build figures (and evidence)
    only for the few that make a finding.  Cells come from :func:`numeric_cell`.
    """
    values = [0.0 if c is None else c.value for c in parts]
    tols = [0.0 if c is None else cell_tol(c) for c in parts]
    if total is None:
        if all(c is None for c in parts):
            return None
        total_value = total_tol = 0.0
    else:
        total_value, total_tol = total.value, cell_tol(total)
    return abs(total_value - sum(values)) <= total_tol + sum(tols) + 1e-9


def row_foots(row: Row, total_ci: int, part_cis: Sequence[int]) -> bool | None:
    """``cells_foot(numeric_cell(row, total_ci), [numeric_cell(row, ci) for ci in part_cis if ci in
    row.columns])``: whether a row's total cell agrees with its part cells, read in one pass (the
    same sums and comparison; CF102 asks it of every line of every table)."""
    cols, cells = row.columns, row.cells
    n = len(cells)
    half = _HALF_UNIT
    values: list[float] = []
    tols: list[float] = []
    printed = False
    for ci in part_cis:
        try:
            i = cols.index(ci)
        except ValueError:
            continue
        c = cells[i] if i < n else None
        if c is None or c.value is None:
            values.append(0.0)
            tols.append(0.0)
        else:
            printed = True
            values.append(c.value)
            d = c.decimals or 0
            tols.append(half[d] if 0 <= d < len(half) else 0.5 * 10 ** (-d))
    try:
        i = cols.index(total_ci)
    except ValueError:
        total = None
    else:
        total = cells[i] if i < n else None
    if total is None or total.value is None:
        if not printed:
            return None
        total_value = total_tol = 0.0
    else:
        total_value = total.value
        d = total.decimals or 0
        total_tol = half[d] if 0 <= d < len(half) else 0.5 * 10 ** (-d)
    return abs(total_value - sum(values)) <= total_tol + sum(tols) + 1e-9


def zero_columns(rows: Sequence[Row]) -> dict[int, tuple[list[float], list[float]]]:
    """Column index -> the value and tolerance of :func:`zero_figure` for each row, without
    building the figures: the slide search (rules/shift.py) reads every column of every coded
    table, so each row's cells are read once for all columns.  A column no row prints is absent
    (all its figures are empty: 0 ± 0)."""
    n = len(rows)
    out: dict[int, tuple[list[float], list[float]]] = {}
    half = _HALF_UNIT
    # the lists each cell of a row goes to, by the row's layout (its columns, and how many of them
    # it has cells for): the rows of a block share one; None for a layout that repeats a column
    layouts: dict[tuple[tuple[int, ...], int], list[tuple[list[float], list[float]]] | None] = {}
    for i, r in enumerate(rows):
        cells = r.cells
        key = (r.columns, len(cells))
        targets = layouts.get(key, False)
        if targets is False:
            targets = None
            if len(set(r.columns)) == len(r.columns):
                targets = []
                for ci, _cell in zip(r.columns, cells):
                    col = out.get(ci)
                    if col is None:
                        col = out[ci] = ([0.0] * n, [0.0] * n)
                    targets.append(col)
            layouts[key] = targets
        if targets is not None:
            # each column once (the usual row): an empty cell leaves the 0 ± 0 the lists start with
            for (values, tols), cell in zip(targets, cells):
                if cell is not None and cell.value is not None:
                    values[i] = cell.value
                    d = cell.decimals or 0  # cell_tol, inline
                    tols[i] = half[d] if 0 <= d < len(half) else 0.5 * 10 ** (-d)
            continue
        pairs: Iterable[tuple[int, Cell | None]] = zip(r.columns, cells)
        # backwards, so that a column printed twice in a row ends with its first cell (Row.cell's)
        for ci, cell in reversed(list(pairs)):
            col = out.get(ci)
            if col is None:
                col = out[ci] = ([0.0] * n, [0.0] * n)
            numeric = cell is not None and cell.value is not None
            col[0][i] = cell.value if numeric else 0.0
            col[1][i] = cell_tol(cell) if numeric else 0.0
    return out


def zero_figure(table: Table, row: Row, column_index: int) -> Figure:
    """An empty cell reads as 0 (nothing reported), exact to the table's usual precision."""
    f = figure_at(table, row, column_index)
    if f is not None:
        return f
    return new_figure(0.0, 0.0, None, None)


def last_digit_slip(printed: Figure, lo: float, hi: float) -> bool:
    """True when a printed ratio misses its interval by at most one unit of its last digit:
    a truncating or otherwise different rounding convention rather than a wrong figure."""
    unit = 2 * printed.tol  # one unit of the last printed digit
    return printed.value >= lo - unit - 1e-9 and printed.value <= hi + unit + 1e-9


ROUNDING_NOTE = "（仅差末位一个单位，可能是截尾取数等舍入口径不同）"
ROUNDING_NOTE_EN = " (off by one unit in the last digit: probably truncation or another rounding convention)"
