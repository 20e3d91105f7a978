"""Text exports (.txt, .md) to the reading flow.

Exports come with markdown headings and emphasis, stray HTML tags, tables as
tab-separated (or '|'-separated) lines, and form feeds between pages.  The
page text kept in the Document is the *cleaned* text (tags and markup
removed), so every offset points into what the Document shows.
"""

from __future__ import annotations

import html
import re

from extraction.layout import FlowItem, Line, RawCell, RawGrid
from extraction.limits import MAX_TABLE_CELLS
from extraction.model import Page

_TAG = re.compile(r"</?(?:b|p|br|span|div|strong|em|i|u|font|td|tr|th|table|tbody|thead|h\d)\b[^>]*>", re.I)
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+")
_MD_EMPH = re.compile(r"\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_PIPE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _clean(line: str) -> tuple[str, int | None]:
    """Strip markup from one raw line; returns the text and a markdown heading level if any."""
    level = None
    m = _MD_HEADING.match(line)
    if m:
        level = len(m.group(1))
        line = line[m.end():]
    line = _TAG.sub("", line)
    line = _MD_EMPH.sub("", line)
    line = html.unescape(line)
    return line.rstrip("\r"), level


def _is_table_line(s: str) -> bool:
    return "\t" in s.strip("\n") and len([c for c in s.split("\t") if c.strip()]) >= 1 and s.count("\t") >= 1


_CAPTION_CELL = re.compile(r"^\s*((编制|预算主管)?(部门|单位)(名称)?\s*[:：].*|(金额|计量)?单位\s*[:：].*|公开\s*\d+\s*表|附表\s*\d+|20\d\d\s*年度?)\s*$")


# a table's title as the one cell of a row ("<TAB>项目绩效目标完成情况表"): no figure, no colon
_TITLE_CELL = re.compile(r"^\s*[^\d:：,，。；;]{2,40}?(表|绩效自评情况)(（续）|\(续\))?\s*$")


def _is_caption_row(raw: str) -> bool:
    """A caption exported with tabs ('部门：X<TAB>公开02表', or the title alone in a row) is a line of
    text, not a table row."""
    if raw.count("\t") > 64:  # a caption is a few cells; a long row is not split to find that out
        return False
    cells = [c for c in raw.split("\t") if c.strip()]
    if len(cells) == 1 and _TITLE_CELL.match(_clean(cells[0])[0]):
        return True
    return bool(cells) and all(_CAPTION_CELL.match(_clean(c)[0]) for c in cells)


def _split_cells(s: str) -> list[str]:
    if "\t" in s:
        return s.split("\t")
    t = s.strip()
    t = t.removeprefix("|")
    t = t.removesuffix("|")
    return t.split("|")


def read_text_flow(text: str) -> tuple[list[Page], list[FlowItem]]:
    """Pages (split at form feeds) and the flow of lines and tab-separated grids."""
    pages: list[Page] = []
    flow: list[FlowItem] = []
    for pi, raw_page in enumerate(text.split("\f")):
        page_no = pi + 1
        out_parts: list[str] = []
        pos = 0
        cleaned: list[tuple[str, int, int, int | None, bool]] = []  # text, start, end, heading, is_table
        for raw in raw_page.split("\n"):
            is_pipe = raw.strip().startswith("|") and raw.strip().count("|") >= 2
            if is_pipe and _PIPE_SEP.match(raw):
                continue
            if _MD_RULE.match(raw) and "\t" not in raw:
                continue
            if ("\t" in raw and not _is_caption_row(raw)) or is_pipe:
                if raw.count("\t") > MAX_TABLE_CELLS:
                    # a line of more cells than a table may hold: the cells past the limit are
                    # not read (assemble notes the cut), so their text stays as it came
                    parts = raw.split("\t", MAX_TABLE_CELLS)
                    cells = [_clean(c)[0] for c in parts[:-1]] + [parts[-1]]
                else:
                    cells = [_clean(c)[0] for c in _split_cells(raw)]
                body = "\t".join(cells)
                is_table = True
                level = None
            else:
                body, level = _clean(raw.replace("\t", "  "))
                is_table = False
            start = pos
            out_parts.append(body)
            pos += len(body)
            cleaned.append((body, start, pos, level, is_table))
            out_parts.append("\n")
            pos += 1
        page_text = "".join(out_parts)
        pages.append(Page(page_no, page_text))

        i = 0
        n = len(cleaned)
        while i < n:
            body, start, end, level, is_table = cleaned[i]
            if is_table:
                rows: list[list[RawCell | None]] = []
                # one cell more than a table may hold is read, so that assemble sees (and notes)
                # the cut; the cells after it are not made at all
                cells_left = MAX_TABLE_CELLS + 1
                j = i
                while j < n:
                    b, s0, _e, _lv, t = cleaned[j]
                    if t and cells_left <= 0:
                        j += 1
                    elif t:
                        cells: list[RawCell | None] = []
                        off = s0
                        parts = b.split("\t", cells_left)
                        del parts[cells_left:]
                        cells_left -= len(parts)
                        for c in parts:
                            cs = off + (len(c) - len(c.lstrip()))
                            cells.append(RawCell(c.strip(), page_no, None, cs, cs + len(c.strip())) if c.strip() else None)
                            off += len(c) + 1
                        rows.append(cells)
                        j += 1
                    elif not b.strip() and j + 1 < n and cleaned[j + 1][4]:
                        j += 1  # a blank line inside a table (a page break in the original)
                    else:
                        break
                flow.append(RawGrid(page_no, rows, None, [page_no]))
                i = j
                continue
            if body.strip():
                lead = len(body) - len(body.lstrip())
                flow.append(
                    Line(page_no, body.strip(), start + lead, start + lead + len(body.strip()), None,
                         indent=lead > 0, short=True, heading_hint=level)
                )
            else:
                flow.append(Line(page_no, "", start, start, None))  # blank line: a paragraph break
            i += 1
    return pages, flow
