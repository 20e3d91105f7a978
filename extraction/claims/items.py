"""Item statements: the figures that explain one function-classification line (issue 16).

Budgets and final accounts explain their lines one statement each::

    “一般公共服务支出（类）群众团体事务（款）一般行政管理事务（项）”42.60万元，主要用于…。
    2023年当年预算执行数为45.41万元，2024年预算安排42.60万元，比2023年预算执行数减少6.19%。

and the same with codes ("公共安全支出（204类）司法（06款）公共法律服务（07项）"), with dashes
("“一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目1,202.95万元"), or, in final
accounts, with 年初预算为 / 支出决算为 / 完成年初预算的.  The claims the paragraph extractor found
after a line's name — up to the next line named, or to the reason given (主要原因…) — belong to
that line: their metric becomes the line's code (``func:2012902``), found from the report's own
function-classification tables by the name path (or from the printed codes, or from the lexicon),
their label the line's name path as printed, their explanation ``item_statement.<role>: …``
(amount, prior, repeat, initial_budget, actual, rate, change, completion, comparison, other),
and a prior-year execution figure gets the period ``prior``.  A line no table or lexicon
resolves keeps the id ``item:<类>/<款>/<项>`` (its names), so that the figures of one statement
still share a metric.  The bracketed references themselves ("（01项）") never make a claim.

The work is per paragraph, and only for paragraphs that print a level mark.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, NamedTuple

from extraction.claims.core import RawClaim
from extraction.claims.lexicon import load_lexicon
from extraction.claims.patterns import ItemPatterns, normalize

# where the report prints its function-classification lines (first found wins for a code)
FUNC_TABLE_KINDS = ("general_budget_expenditure", "expenditure", "income", "gov_fund", "state_capital")
LEVEL_LEN = {"类": 3, "款": 5, "项": 7}
ORDER = {"类": 0, "款": 1, "项": 2}
LEVELS = ("类", "款", "项")
# what a paragraph must hold for an item head to be looked for: a level mark or a quoted 科目
# (literal characters: the stdlib engine finds them in one pass)
HINT = re.compile(r"[类款项]\s*[）)]|[”\"]\s*科目")
_SPACE_QUOTES = re.compile(r"[\s“”\"'‘’]+")
_CLAUSE_DELIMS = "，；：,;:。"
KEEP_KINDS = frozenset({"count"})
_tuple_new = tuple.__new__


class Segment(NamedTuple):
    """One level of a line as printed: its name, 类/款/项 and the code in its brackets (or None)."""

    name: str
    level: str
    code: str | None


class Head(NamedTuple):
    """A line named in the prose: where, its levels, and whether it names a 款 or 项 (an item)."""

    start: int
    end: int
    segments: tuple[Segment, ...]
    item: bool


@lru_cache(maxsize=1 << 12)
def name_key(name: str) -> str:
    """A name compared without spaces, quotes and a final 支出: 一般公共服务 is 一般公共服务支出."""
    s = _SPACE_QUOTES.sub("", normalize(name)).replace("(", "（").replace(")", "）")
    s = s.lstrip("、")
    return s[:-2] if s.endswith("支出") and len(s) > 3 else s


class ClassIndex:
    """Function-classification codes with their names: a report's own lines, or the lexicon's."""

    def __init__(self, names: dict[str, Any]):
        # code -> the keys of its names (a name, or several: printed, official, earlier official)
        self.keys: dict[str, tuple[str, ...]] = {}
        for code, ns in names.items():
            ks = tuple(dict.fromkeys(name_key(n) for n in ([ns] if isinstance(ns, str) else ns) if n))
            self.keys[code] = tuple(k for k in ks if k)
        self.by_len: dict[int, list[str]] = {3: [], 5: [], 7: []}
        # (parent code, length) -> the codes of that length under it ("" for no parent)
        self.under: dict[tuple[str, int], list[str]] = {}
        for code in self.keys:
            n = len(code)
            if n in self.by_len:
                self.by_len[n].append(code)
                for k in range(3, n, 2):
                    self.under.setdefault((code[:k], n), []).append(code)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def _match(self, name: str, cands: list[str]) -> str | None:
        """The candidate this name names: one of its names exactly, else the one a name of which
        ends it (with the parent's name, or nothing one could take for a name, before)."""
        k = name_key(name)
        keys = self.keys
        exact = [c for c in cands if k in keys[c]]
        if len(exact) == 1:
            return exact[0]
        if exact:
            return None  # the same name twice under one parent: not this statement's to choose
        # the name without the particle 的 and with 费 after it (未归口管理行政单位离退休费 for
        # 未归口管理的行政单位离退休): exactly one line so named
        loose = k.replace("的", "")
        if loose.endswith("费") and len(loose) > 3:
            loose = loose[:-1]
            near = [c for c in cands if any(x.replace("的", "") == loose for x in keys[c])]
            if len(near) == 1:
                return near[0]
        ends: dict[str, int] = {}
        for c in cands:
            n = max((len(x) for x in keys[c] if len(x) >= 2 and k.endswith(x)), default=0)
            if n:
                ends[c] = n
        if not ends:
            # the words of a name printed in another order (一般行政事务管理 for 一般行政管理事务),
            # among the lines of one parent only
            if cands and len({c[:-2] for c in cands}) == 1 and len(k) >= 4:
                same = [c for c in cands if any(sorted(x) == sorted(k) for x in keys[c])]
                return same[0] if len(same) == 1 else None
            return None
        longest = max(ends.values())
        best = [c for c, n in ends.items() if n == longest]
        if len(best) == 1:
            return best[0]
        lead = k[: -longest]
        by_parent = [c for c in best if any(x and lead.endswith(x) for x in keys.get(c[:-2], ()))]
        return by_parent[0] if len(by_parent) == 1 else None

    def resolve(self, segments: tuple[Segment, ...]) -> str | None:
        """The code of the deepest level named, or None (never the code of a level above it)."""
        if not segments:
            return None
        prefix = ""
        last = len(segments) - 1
        for i, s in enumerate(segments):
            n = LEVEL_LEN[s.level]
            code = None
            if s.code:
                if len(s.code) == n and s.code.startswith(prefix):
                    code = s.code  # the whole code printed: （2080505项）
                else:
                    own = s.code if s.level == "类" else s.code.zfill(2)
                    if len(prefix) + len(own) == n:
                        code = prefix + own
            if code is None:
                cands = self.under.get((prefix, n), []) if prefix else self.by_len.get(n, [])
                code = self._match(s.name, cands)
            if code is not None:
                prefix = code
            elif i == last:
                return None
            # a level above the last whose name is not found: its lines are searched without it
        return prefix if len(prefix) == LEVEL_LEN[segments[-1].level] else None


@lru_cache(maxsize=1)
def lexicon_index() -> ClassIndex:
    """The function-classification lines the metric lexicon names."""
    return ClassIndex(_lexicon_names())


@lru_cache(maxsize=1)
def _lexicon_names() -> dict[str, tuple[str, ...]]:
    """Code -> the lexicon's names of that function-classification line (zh and aliases)."""
    lex = load_lexicon()
    out: dict[str, list[str]] = {}
    for name, ids in lex.by_alias.items():
        for mid in ids:
            if mid.startswith("func:"):
                out.setdefault(mid[5:], []).append(name)
    for mid, m in lex.metrics.items():
        if mid.startswith("func:"):
            out.setdefault(mid[5:], []).insert(0, m.zh)
    return {k: tuple(v) for k, v in out.items()}


def document_index(doc: Any) -> ClassIndex:
    """The lines the report's own function-classification tables print: each code with its
    printed name and the lexicon's names of that code (official and earlier official ones)."""
    names: dict[str, list[str]] = {}
    for kind in FUNC_TABLE_KINDS:
        for t in doc.tables_of(kind):
            for r in t.rows:
                c = r.code
                if c and len(c) in (3, 5, 7) and c.isdigit() and c[0] == "2" and c not in names:
                    names[c] = [r.name]
    lex = _lexicon_names()
    for c, ns in names.items():
        ns.extend(lex.get(c, ()))
    return ClassIndex(names)


def _is_reference(seg: Segment, n_segments: int) -> bool:
    """A code in a level's brackets that is a classification reference, not a count: a 类 code of
    three digits, a whole 款/项 code (5/7 digits), or a 款/项 code of two (01-99) beside another
    level or with its leading zero."""
    if not seg.code:
        return False
    if seg.level == "类":
        return len(seg.code) == 3
    if len(seg.code) == LEVEL_LEN[seg.level] and seg.code[0] == "2":
        return True  # the whole code: （20805款）, （2080505项）
    return len(seg.code) == 2 and (n_segments > 1 or seg.code[0] == "0")


def find_heads(text: str, ip: ItemPatterns) -> tuple[list[Head], list[tuple[int, int]]]:
    """The lines named in a (normalised) paragraph, in order, and the bracketed classification
    references in it (spans of "（01项）" that must not be read as figures)."""
    heads: list[Head] = []
    refs: list[tuple[int, int]] = []
    run: list[Any] = []

    def flush() -> None:
        if not run:
            return
        segs = tuple(Segment(m.group("name").lstrip("、"), m.group("level"), m.group("code")) for m in run)
        start = run[0].start("name") + (len(run[0].group("name")) - len(segs[0].name))
        heads.append(Head(start, run[-1].end(), segs, any(s.level != "类" for s in segs)))
        for m, s in zip(run, segs):
            if _is_reference(s, len(segs)):
                refs.append((m.end("name"), m.end()))
        run.clear()

    for m in ip.level.finditer(text):
        if run and not text[run[-1].end():m.start()].strip() and ORDER[m.group("level")] > ORDER[run[-1].group("level")]:
            run.append(m)
            continue
        flush()
        run.append(m)
    flush()
    if ip.dashed is not None and "科目" in text:
        for m in ip.dashed.finditer(text):
            parts = [p.strip() for p in ip.dash.split(m.group("path")) if p.strip()]
            if not 2 <= len(parts) <= 3 or any(h.start < m.end() and m.start() < h.end for h in heads):
                continue
            segs = tuple(Segment(p, LEVELS[i], None) for i, p in enumerate(parts))
            heads.append(Head(m.start("path"), m.end(), segs, True))
        heads.sort()
    return heads, refs


def _label(text: str, head: Head) -> str:
    return _SPACE_QUOTES.sub("", text[head.start:head.end]).rstrip("科目")


def _with_context(segs: tuple[Segment, ...], context: tuple[Segment, ...]) -> tuple[Segment, ...]:
    """A line named from its 款 or 项 down takes the levels above from the line named before it."""
    top = ORDER[segs[0].level]
    above = tuple(s for s in context if ORDER[s.level] < top)
    # the line before must name the level just above (a 项 takes a 款, with or without its 类)
    return above + segs if above and ORDER[above[-1].level] == top - 1 else segs


def item_metric(index: ClassIndex | None, segs: tuple[Segment, ...]) -> str:
    """``func:<code>`` of the line, or ``item:<names>`` when neither index resolves it."""
    code = index.resolve(segs) if index else None
    if code is None:
        code = lexicon_index().resolve(segs)
    if code is not None:
        return f"func:{code}"
    return "item:" + "/".join(name_key(s.name) for s in segs)


def fits(code: str, segs: tuple[Segment, ...], index: ClassIndex | None) -> bool:
    """Whether every level named is the line ``code`` or a line above it, by name (the report's own
    names first, the lexicon's after)."""
    lex = lexicon_index()
    for s in segs:
        n = LEVEL_LEN[s.level]
        if len(code) < n:
            return False
        anc = code[:n]
        keys = (index.keys.get(anc, ()) if index else ()) + lex.keys.get(anc, ())
        k = name_key(s.name)
        if not any(x == k or (len(x) >= 2 and k.endswith(x)) for x in keys):
            return False
    return len(code) == LEVEL_LEN[segs[-1].level]


def _own_metric(raw: RawClaim) -> bool:
    """Whether the claim's words name a metric of their own (基本支出, 人员经费), not the line's."""
    if not raw.metric or raw.metric.startswith("func:") or not raw.label:
        return False
    return _names_own_metric(raw.label)


# a total named after a line is that line's total ("检察（款）: 2018 年预算支出合计16,444.36 万元")
_LINE_TOTAL = re.compile(r"(?:支出|收入)?(?:合计|总计|小计)")


@lru_cache(maxsize=1 << 12)
def _names_own_metric(label: str) -> bool:
    """Whether a label holds a strong lexicon name that is not a classification line (kept: labels recur)."""
    if _LINE_TOTAL.search(label):
        return False
    return any(not h.weak and not h.metric.startswith("func:") for h in load_lexicon().find(normalize(label)))


def _part_of_name(label: str, segs: tuple[Segment, ...]) -> bool:
    """Whether a claim's label is a part of the last level's name, and not the whole of it."""
    name = _SPACE_QUOTES.sub("", segs[-1].name) if segs else ""
    label = _SPACE_QUOTES.sub("", label)
    return bool(label) and label in name and label != name


class ItemContext:
    """What item statements need of their document: its year and its classification lines (read
    from its tables on the first statement)."""

    def __init__(self, doc: Any = None, year: int | None = None):
        self._doc = doc
        self._index: ClassIndex | None = None
        self.year = year if year is not None else (doc.meta.year if doc is not None else None)

    @property
    def index(self) -> ClassIndex | None:
        if self._index is None and self._doc is not None:
            self._index = document_index(self._doc)
        return self._index


def item_heads(raw_text: str, ip: ItemPatterns | None) -> tuple[str, list[Head], list[tuple[int, int]]] | None:
    """A paragraph's text as item statements are read in it, with their heads and classification
    references (:func:`find_heads`); None when it has none.  Only a head that names an item
    (``item``) reads the document's classification lines (``ItemContext.index``)."""
    if ip is None or HINT.search(raw_text) is None:
        return None
    text = normalize(raw_text)
    heads, refs = find_heads(text, ip)
    return (text, heads, refs) if heads else None


def apply_items(raw_text: str, raws: list[RawClaim], state: Any, ip: ItemPatterns | None,
                ctx: ItemContext | None) -> list[RawClaim]:
    """The paragraph's claims with those of its item statements tied to their lines (see the
    module docstring); ``state.item_path`` carries the last line named to the next paragraph."""
    got = item_heads(raw_text, ip)
    if got is None:
        return raws
    text, heads, refs = got
    ctx = ctx or ItemContext()
    # each head with its levels completed from the line before it, its metric and the end of its figures
    spans: list[list[Any]] = []  # [start, end of its figures, metric, label, end of the name, levels]
    context: tuple[Segment, ...] = tuple(getattr(state, "item_path", ()) or ())
    for i, h in enumerate(heads):
        nxt = heads[i + 1].start if i + 1 < len(heads) else len(text)
        if not h.item:
            continue
        segs = _with_context(h.segments, context)
        context = segs
        end = nxt
        if ip.reason is not None:
            r = ip.reason.search(text, h.end, nxt)
            if r is not None:
                end = r.start()
        spans.append([h.start, end, item_metric(ctx.index, segs), _label(text, h), h.end, segs])
    state.item_path = context
    starts = [s[0] for s in spans]
    out: list[RawClaim] = []
    first_amount: set[int] = set()
    for r in raws:
        if refs and any(a <= r.start < b for a, b in refs):
            continue  # "（01项）": a classification reference, not a count
        k = bisect_right(starts, r.start) - 1
        # a figure inside the line's name is not its figure; a claim named by words of its own
        # keeps its metric, unless those words are only a part of the line's name (退休费 in
        # "未归口管理行政单位离退休费（项）支出371.92万元")
        if k < 0 or r.start >= spans[k][1] or r.start < spans[k][4] or r.kind in KEEP_KINDS \
                or (_own_metric(r) and not _part_of_name(r.label, spans[k][5])):
            out.append(r)
            continue
        sp = spans[k]
        if sp[2].startswith("item:") and r.metric and r.metric.startswith("func:") and fits(r.metric[5:], sp[5], ctx.index):
            # the levels named do not find one line alone ("行政运行（项）" with no 款 before it), but
            # the line the extractor read from the section's classes fits every level named
            sp[2] = r.metric
        metric, label = sp[2], sp[3]
        # the line's amount is the first figure of the sentence that names it (a figure of a later
        # sentence with no role of its own is some other figure: 主要用于：A项目30万元)
        role, period = _role(text, r, ip, ctx.year, k in first_amount or r.sent_start > spans[k][4])
        if r.kind == "amount" and role == "amount":
            first_amount.add(k)
        # r._replace(metric=…, label=…, period=…, base=…, explanation=…), without its keyword walk
        out.append(_tuple_new(RawClaim, (r.kind, metric, label, r.value, r.unit, r.yuan, period or r.period,
                                         r.scope, metric if r.kind in ("completion", "comparison") else r.base,
                                         r.direction, r.start, r.end, r.sent_start, r.sent_end,
                                         f"item_statement.{role}: {r.explanation}")))
    return out


def _role(text: str, r: RawClaim, ip: ItemPatterns, year: int | None, not_first: bool) -> tuple[str, str | None]:
    """The figure's role in its statement, and the period the role gives (None: the claim's own).

    ``not_first``: the figure cannot be the line's amount (one was read, or it stands in a later
    sentence than the line's name)."""
    if r.kind == "growth":
        return "rate", None
    if r.kind in ("change", "completion", "comparison"):
        return r.kind, None
    if r.kind != "amount":
        return "other", None
    c0 = r.start
    while c0 > r.sent_start and text[c0 - 1] not in _CLAUSE_DELIMS:
        c0 -= 1
    name, period = _clause_role(text[c0:r.start], ip, year)
    return (name or ("other" if not_first else "amount")), period


@lru_cache(maxsize=1 << 12)
def _clause_role(clause: str, ip: ItemPatterns, year: int | None) -> tuple[str | None, str | None]:
    """The role the clause before an amount gives it, and that role's period (kept: reports repeat
    their wording from one statement to the next)."""
    for role in ip.roles:
        m = role.before.search(clause)
        if m is None:
            continue
        if role.name == "prior":
            y = m.groupdict().get("year")
            if y and year and int(y) >= year:
                continue  # this year's execution, not the prior year's
        return role.name, role.period
    return None, None
