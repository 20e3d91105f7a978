"""The metric lexicon: canonical ids and the words reports use for them.

Loaded from ``extraction/data/metrics.yaml`` (owned by the gold annotator) and
``extraction/data/metrics_extra.yaml`` (ids the extractor needs on top), merged
at load.  Matching is longest-alias-first over text normalised with
:func:`extraction.claims.patterns.normalize`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from extraction.datafiles import load_yaml

DATA = Path(__file__).resolve().parents[1] / "data"

# Aliases that name a period or a ratio rather than a line of the accounts;
# they name the metric only when nothing more specific is in the clause.
WEAK_ALIASES = frozenset(
    {"年初预算数", "全年预算数", "执行数", "全年执行数", "执行率", "完成预算的", "经费支出", "项目开支",
     "涉及资金", "办结", "交办", "接访", "学习", "会议", "职数", "公务接待", "日常支出"}
)

_CLASS_MARKS = {3: "类", 5: "款", 7: "项"}
BUDGET_SUFFIX = "预算"


@dataclass(frozen=True)
class Metric:
    id: str
    zh: str
    unit_kind: str
    parent: str | None


class AliasHit(NamedTuple):
    """One name found in a text; a tuple, as a paragraph makes many and a frozen dataclass is slow to build."""

    start: int
    end: int
    text: str
    metric: str
    weak: bool


class Lexicon:
    """Metrics by id and one compiled alternation of all their names."""

    def __init__(self, entries: list[dict]):
        self.metrics: dict[str, Metric] = {}
        self.by_alias: dict[str, list[str]] = {}
        for e in entries:
            for key in ("id", "zh", "unit_kind"):
                if key not in e:
                    raise ValueError(f"metric lexicon entry without {key!r}: {e!r}")
            mid = str(e["id"])
            self.metrics[mid] = Metric(mid, e["zh"], e["unit_kind"], e.get("parent"))
            names = [e["zh"], *(e.get("aliases") or [])]
            for n in list(names):
                names.extend(_variants(mid, n))
            for n in names:
                n = _norm_name(n)
                if len(n) < 2:
                    continue
                ids = self.by_alias.setdefault(n, [])
                if mid not in ids:
                    ids.append(mid)
        # One pattern for all names, factored as a trie (a shared prefix is tried once) inside a
        # lookahead, so that the stdlib engine reports the longest name at every position.  The
        # pattern opens with the class of first characters, which the engine scans for in its fast
        # prefix search (a class inside a lookahead it tries position by position); the match is
        # that one character, and the lookahead runs from it through a one-character lookbehind.
        # Every position is still tried once, as with the zero-width form.
        firsts = "".join(re.escape(ch) for ch in sorted({n[0] for n in self.by_alias}))
        self.pattern = re.compile(f"[{firsts}](?<=(?=({_trie_pattern(self.by_alias)}))(?s:.))")
        # name -> (its length, and the hit's fields after its offsets: name, first metric, whether weak)
        self._hit_info = {n: (len(n), (n, ids[0], n in WEAK_ALIASES)) for n, ids in self.by_alias.items()}

    def find(self, text: str) -> list[AliasHit]:
        """Alias matches, the longest at each position; overlapping, so 收入总计 is seen inside 财政拨款收入总计."""
        info = self._hit_info
        new = tuple.__new__  # AliasHit(...) without the Python-level __new__ of a named tuple
        out = []
        strong_end = -1  # the furthest end of a strong name found so far
        for m in self.pattern.finditer(text):
            n, rest = info[m.group(1)]
            s = m.start()
            e = s + n
            if s < strong_end < e and rest[0].endswith(BUDGET_SUFFIX):
                # a name ending in 预算 that starts inside the name before it is that name's budget:
                # "基本支出预算数" is 基本支出, not 支出预算; "机关运行经费支出预算表" 机关运行经费支出
                continue
            if not rest[2] and e > strong_end:
                strong_end = e
            out.append(new(AliasHit, (s, e, *rest)))
        return out

    def sibling(self, metric: str, unit: str) -> str:
        """The persons-count sibling of a batches/groups count when the unit counts persons (8批次，72人次)."""
        if unit in ("人次", "人"):
            for a, b in (("_batches", "_persons"), ("_groups", "_persons")):
                if metric.endswith(a) and metric[: -len(a)] + b in self.metrics:
                    return metric[: -len(a)] + b
        return metric

    def resolve(self, name: str, context: list[str]) -> str:
        """The metric id for a name, preferring a func:/econ: id under a parent seen in ``context``."""
        ids = self.by_alias[name]
        if len(ids) == 1:
            return ids[0]
        for ctx in reversed(context):
            for mid in ids:
                p = self.metrics[mid].parent
                while p:
                    if p == ctx:
                        return mid
                    p = self.metrics[p].parent if p in self.metrics else None
        return ids[0]

    def by_code(self, prefix: str, code: str) -> str | None:
        mid = f"{prefix}:{code}"
        return mid if mid in self.metrics else None


def _trie_pattern(names) -> str:
    """A regex matching any of ``names``, the longest first at a position, with shared prefixes factored."""
    trie: dict = {}
    for w in names:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _norm_name(n: str) -> str:
    return n.translate(_NAME_MAP).strip()


_NAME_MAP = str.maketrans({"(": "（", ")": "）", '"': "“", " ": None, "\u3000": None})


def _variants(mid: str, name: str) -> list[str]:
    """Class-marked forms of function-class names: 一般公共服务（类）支出, 行政运行（项）…, and of
    economic-class names as the Jiangsu budgets mark them (工资福利支出（类）, 公务接待费（款）: the
    mark makes 公务接待费 the economic item 30217, not the "三公" reception of basic and project money)."""
    if mid.startswith("econ:"):
        mark = {3: "类", 5: "款"}.get(len(mid) - 5)
        if not mark:
            return []
        out = [f"{name}（{mark}）"]
        return out + [f"{name[:-2]}（{mark}）支出"] if name.endswith("支出") else out
    if not mid.startswith("func:"):
        return []
    mark = _CLASS_MARKS.get(len(mid) - 5)
    if not mark:
        return []
    out = [f"{name}（{mark}）"]
    if name.endswith("支出"):
        stem = name[:-2]
        out += [f"{stem}（{mark}）支出", f"{stem}（{mark}）", f"{name}（{mark}）"]
    return out


def _load_yaml(path: Path) -> list[dict]:
    if not path.exists():
        return []
    data = load_yaml(path) or []
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of metrics")
    return data


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The merged lexicon (metrics.yaml, then metrics_extra.yaml), loaded once."""
    entries = _load_yaml(DATA / "metrics.yaml")
    seen = {str(e.get("id")) for e in entries}
    for e in _load_yaml(DATA / "metrics_extra.yaml"):
        if str(e.get("id")) in seen:
            # the owner's lexicon wins; extra only adds aliases
            for base in entries:
                if str(base.get("id")) == str(e["id"]):
                    base["aliases"] = list(base.get("aliases") or []) + list(e.get("aliases") or [])
            continue
        entries.append(e)
    return Lexicon(entries)
