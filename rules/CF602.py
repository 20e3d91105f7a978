"""A caption, title line, form field or sentence names a department other than the report's own.

Anti-pattern: in the report of 新平彝族傣族自治县信访局, the caption of 公开03表 reads
"部门：玉溪市信访局", or the note under a table says "说明：上海市财政局本年度没有政府性基金预算
财政拨款收入和支出" — a name left over from another department's report.

A sentence opening a 主要职能 section ("X承担…", "X是…") is read the same way.

Best practice: every caption names the report's department, in full or abbreviated
("新平县信访局" for 新平彝族傣族自治县信访局: the short name's characters appear in order
in the long one).  Only names ending in an organisation word (局, 委员会, 办公厅, 法院, …)
are compared, and names with template placeholders (XX) are left to CF801.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

from extraction.model import Document
from extraction.tables import squash
from rules.base import Evidence, Finding, Rule, RuleContext
from rules.CF601 import caption_lines, page_lines, prose_evidence, sentences
from rules.CF701 import lcs as _lcs

_ORG = ("局", "委员会", "委", "办公室", "办公厅", "厅", "院", "中心", "处", "所", "站", "馆", "会", "队", "社",
        "学校", "学院", "大学", "政府", "办事处", "部", "署", "公司", "集团")
_NAME = r"([\u4e00-\u9fff（）()]{3,40}?)"
_LABEL = re.compile(r"(?:编制部门|编制单位|部门名称|单位名称|预算单位名称|预算单位|部门|单位)\s*[:：]\s*"
                    r"([\u4e00-\u9fff（）()]{3,40})")
# "X 2020 年度部门决算(表)" / "2017 年度X部门收支预算总表" printed as a line of its own
_TITLE_DEPT = re.compile(r"^(?:附件\d*[:：]?)?(?:第[一二三四五六七八九十]+部分)?\s*" + _NAME +
                         r"\s*20\d\d\s*年\s*度?\s*(?:部门|单位)?\s*(?:决算|预算)")
_YEAR_DEPT = re.compile(r"^20\d\d\s*年\s*度?\s*" + _NAME + r"\s*(?:部门|单位)(?:收|支|财政|一般|政府|国有|“|\"|三公)")
# "说明：X本年度没有…" / "X2020年度没有…"
_PROSE_DEPT = re.compile(r"(?:^|说明[:：])\s*" + _NAME + r"\s*(?:本年度|20\d\d\s*年\s*度?)\s*(?:没有|无|未)")
# "2023年，X收入预算…" / "2023年度X一般公共预算财政拨款支出…": a sentence that opens with the department
_SENT_DEPT = re.compile(r"^20\d\d\s*年\s*度?\s*[，,]?\s*" + _NAME +
                        r"(?=收入|支出|部门|单位|一般公共预算|财政拨款|“三公”|机关运行经费|政府采购)")
_HEAD_DEPT = re.compile(r"^第[一二三四五六七八九十]+部分" + _NAME + r"(?=概况|20\d\d|部门|单位)")
# "X为行政单位，…" / "X负责…": a sentence whose subject is the department
_SUBJECT_DEPT = re.compile(r"^" + _NAME + r"(?=为行政单位|为事业单位|为参照公务员法管理|负责|的主要职能|主要职能|共有|内设|下设)")
_FIELD_MARK = re.compile("[称位]")
# the words _SUBJECT_DEPT looks ahead for: a sentence without any cannot match it
_SUBJECT_WORDS = re.compile("为行政单位|为事业单位|为参照公务员法管理|负责|主要职能|共有|内设|下设")
# Under a 主要职能 / 职责 heading, the first words are the department doing its duties:
# "X承担…", "X贯彻落实…", "X组织拟订…", "X是…"
_DUTY_DEPT = re.compile(r"^(?:第[一二三四五六七八九十]+条)?" + _NAME +
                        r"(?=是|承担|贯彻|组织|履行|主管|围绕|统筹|拟订|研究|指导|管理|牵头|依法)")
_DUTY_SECTION = re.compile(r"职能|职责")
# "领导全省各级检察院依法…" is a duty, not a name
_DUTY_PHRASE = re.compile(r"^(领导|指导|负责|组织|管理|协调|监督|承办|协同|配合|参与)|各级|全省|全市|全县|全区")
_PLACE = re.compile(r"^(中共)?[\u4e00-\u9fff]{1,8}?(省|市|县|区|州|旗|盟|镇|乡|自治区)")
_FIELD_ROWS = ("部门名称", "单位名称", "预算单位", "预算单位名称", "部门（单位）名称", "部门(单位)名称")
_PLACEHOLDER = re.compile(r"[Xx×Ｘ＊*]{2,}|某某")
_TAIL = re.compile(r"(公开\d+表|金额单位|单位)$")
_NOT_NAME = re.compile(r"^(本|该|根据|按照|依据|关于|其中|全县|全市|全省)")


def _page_text(doc: Document, number: int) -> str:
    """The text of page ``number`` (counted from 1; none past the document), as page_lines reads it."""
    return doc.pages[number - 1].text if 1 <= number <= len(doc.pages) else ""


@functools.lru_cache(maxsize=1 << 12)
def _clean_name(raw: str) -> str | None:
    """The department name in a matched stretch, or None (kept per stretch: every caption of a
    report prints the same one)."""
    name = squash(raw).strip("：:，,。；;")
    name = _TAIL.sub("", name)
    if len(name) < 4 or _NOT_NAME.match(name) or _PLACEHOLDER.search(name):
        return None
    if not name.endswith(_ORG):
        return None
    return name


def _norm(s: str) -> str:
    return squash(s).replace("（", "(").replace("）", ")").replace("与", "和").replace("及", "和")


def _in_order(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def same_department(a: str, b: str) -> bool:
    """True when one name is the other or an abbreviation of it (its characters in order)."""
    a, b = _norm(a), _norm(b)
    if _in_order(a, b) or _in_order(b, a):
        return True
    short = min(len(a), len(b))
    # one character off is a typo, not another department, unless it changes the place
    # (河南省公安厅 / 湖南省公安厅): the first two characters must agree
    return short >= 6 and a[:2] == b[:2] and _lcs(a, b) >= short - 1


class DepartmentConsistency(Rule):
    __doc__ = __doc__
    code = "CF602"
    name = "metadata.department_consistency"
    severity = "error"

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        doc = ctx.doc
        dept = doc.meta.department
        if not dept or _PLACEHOLDER.search(dept):
            return
        found: dict[str, list[Evidence]] = {}
        same: dict[str, bool] = {}  # a name is usually printed many times (every caption)
        for name, ev in self._mentions(ctx):
            if name not in same:
                same[name] = same_department(name, dept)
            if not same[name]:
                found.setdefault(name, []).append(ev)
        for name, evs in found.items():
            yield self.finding(
                f"文中出现部门名称「{name}」，与本报告部门「{dept}」不一致（共 {len(evs)} 处）",
                f"'{name}' is named where the report's department is '{dept}' ({len(evs)} place(s))",
                evidence=evs[:6])

    def _mentions(self, ctx: RuleContext) -> Iterator[tuple[str, Evidence]]:
        doc = ctx.doc
        seen: set[tuple[int, int]] = set()
        # caption lines and title lines on every page
        for t in doc.tables:
            for page, s, e, line in caption_lines(ctx, t):
                for m in _LABEL.finditer(line):
                    name = _clean_name(m.group(1))
                    if name and (page, s + m.start()) not in seen:
                        seen.add((page, s + m.start()))
                        yield name, Evidence("table", page, line.strip(), table=f"{t.id} {t.title or t.kind}",
                                             start=s + m.start(1), end=s + m.end(1))
        texts = [(pg.number, _page_text(doc, pg.number)) for pg in doc.pages]
        for number, text in texts:
            # the lines holding the 年 of a year, as lines_with(doc, number, "年") finds them
            e = 0
            while True:
                at = text.find("年", e)
                if at < 0:
                    break
                s = text.rfind("\n", 0, at) + 1
                e = text.find("\n", at)
                e = len(text) if e < 0 else e
                t = text[s:e].strip()
                if len(t) > 60:
                    continue
                # a title names 决算 or 预算; the other pattern opens with the year (squash drops
                # only whitespace, as strip does): most lines are neither
                title, year = "算" in t, t[0] == "2"
                if not (title or year):
                    continue
                sq = squash(t)
                for rx, may in ((_TITLE_DEPT, title), (_YEAR_DEPT, year)):
                    if not may:
                        continue
                    m = rx.match(sq)
                    if m:
                        name = _clean_name(m.group(1))
                        if name and (number, s) not in seen:
                            seen.add((number, s))
                            yield name, Evidence("prose", number, t, start=s, end=e)
        # form fields (部门名称 | X), tab-separated on one line or one cell per line
        for number, text in texts:
            # the lines holding 称 or 位, as lines_with(doc, number, "称", "位") finds them
            e = 0
            while True:
                hit = _FIELD_MARK.search(text, e)
                if hit is None:
                    break
                s = text.rfind("\n", 0, hit.start()) + 1
                e = text.find("\n", hit.start())
                e = len(text) if e < 0 else e
                line = text[s:e]
                if "称" not in line and "算" not in line:
                    continue  # no label but 预算单位 lacks 名称
                cells = [c for c in line.split("\t")]
                for j, c in enumerate(cells):
                    if squash(c) not in _FIELD_ROWS:
                        continue
                    rest = [x for x in cells[j + 1:] if x.strip()]
                    if rest:
                        value = rest[0]
                    elif len(cells) == 1:
                        lines = page_lines(doc, number)
                        i = text.count("\n", 0, s)  # the line's index in the page
                        value = next((t for _s, _e, t in lines[i + 1:i + 3] if t.strip()), "")
                    else:
                        value = ""
                    name = _clean_name(value.split("\t")[0])
                    if name and (number, s) not in seen:
                        seen.add((number, s))
                        yield name, Evidence("table", number, f"{c.strip()}：{value.strip()}", start=s, end=e)
        # part headings such as "第一部分 X概况" / "第二部分 X2024年度部门决算表"
        for sec in doc.sections:
            m = _HEAD_DEPT.match(squash(sec.title)) if "第" in sec.title else None
            if m:
                name = _clean_name(m.group(1))
                if name:
                    yield name, Evidence("prose", sec.page, sec.title, start=sec.start, end=sec.start + len(sec.title))
        # sentences such as "说明：X本年度没有…"
        duty = {sec.id for sec in doc.sections if _DUTY_SECTION.search(sec.title)}
        for p in doc.paragraphs:
            in_duty = p.section in duty
            for off, sent in sentences(p):
                st = sent.strip()
                # each pattern only where the words it needs are there (most sentences have none)
                m = ((_PROSE_DEPT.search(st) if "年" in st and ("无" in st or "未" in st or "没有" in st) else None)
                     or (_SENT_DEPT.match(st) if st[:2] == "20" else None)
                     or (_SUBJECT_DEPT.match(st) if _SUBJECT_WORDS.search(st) else None)
                     or (_DUTY_DEPT.match(st) if in_duty else None))
                if not m:
                    continue
                name = _clean_name(m.group(1))
                if name and m.re is _DUTY_DEPT and _DUTY_PHRASE.search(name):
                    name = None
                if name and m.re in (_SUBJECT_DEPT, _DUTY_DEPT) and not _PLACE.search(name):
                    name = None  # "加快推进基层检察院…": a phrase, not a department's full name
                if name:
                    lead = len(sent) - len(sent.lstrip())
                    pos = off + lead + m.start(1)
                    yield name, prose_evidence(p, pos, pos + len(m.group(1)), sent.strip())


RULE = DepartmentConsistency
