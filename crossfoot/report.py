"""``crossfoot report``: one self-contained HTML page about a review store.

The page has no outside links: CSS is inline and the charts are SVG drawn here.  Labels are
Chinese with English subtitles.  Every text that comes from a document or a path is escaped.
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crossfoot.store import Store

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
KIND_ZH = {"final_account": "决算", "budget": "预算"}

# Worst first: severity, then how far off the figure is against its own size, then by how much.
WORST_SQL = """
SELECT f.sha256, f.finding_id, f.rule, f.name, f.severity, f.message, f.message_en, f.expected, f.observed,
       f.difference, f.tolerance, f.page, d.path, d.department, d.year, d.kind
FROM findings f JOIN documents d USING (sha256)
ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
         abs(f.difference) / greatest(abs(f.expected), abs(f.observed), 1) DESC NULLS LAST,
         abs(f.difference) DESC NULLS LAST, d.path, f.finding_id
LIMIT ?
"""

CSS = """
body{font-family:"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;margin:2em auto;
max-width:1100px;color:#222;line-height:1.45;padding:0 1em}
h1{margin-bottom:.1em}h2{margin-top:2em;border-bottom:2px solid #ddd;padding-bottom:.2em}
.en{color:#777;font-size:.8em;font-weight:normal;display:block}
.cards{display:flex;flex-wrap:wrap;gap:1em}.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;
min-width:9em}.card b{font-size:1.6em;display:block}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.sev-error{color:#b00020;font-weight:bold}.sev-warning{color:#b26a00}.sev-info{color:#555}
.finding{border:1px solid #ddd;border-left:4px solid #b00020;border-radius:4px;padding:.5em 1em;margin:1em 0}
.finding.warning{border-left-color:#e69500}.finding.info{border-left-color:#888}
.meta{color:#555;font-size:.85em}.ev{font-size:.85em;margin:.3em 0 0 0}
code{background:#f6f6f6;padding:0 .2em}svg text{font-size:12px}
"""


def _e(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def _num(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.2f}"
    return f"{v:,}" if isinstance(v, int) else _e(v)


def _h2(zh: str, en: str) -> str:
    return f'<h2>{_e(zh)}<span class="en">{_e(en)}</span></h2>'


def bar_chart(
    items: Sequence[tuple[str, float]], title: str, color: str = "#3b6ea8", width: int = 680
) -> str:
    """A horizontal bar chart as inline SVG: one bar per (label, value)."""
    if not items:
        return '<p class="meta">（无数据 no data）</p>'
    bar, gap, label_w, value_w = 18, 6, 240, 60
    h = len(items) * (bar + gap) + 30
    top = max(v for _, v in items) or 1
    scale = (width - label_w - value_w) / top
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" role="img" '
            f'aria-label="{_e(title)}"><title>{_e(title)}</title>'
        )
    ]
    for i, (label, v) in enumerate(items):
        y = 20 + i * (bar + gap)
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + bar - 5}" text-anchor="end">{_e(short)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{max(1.0, v * scale):.1f}" height="{bar}" '
            f'fill="{color}"><title>{_e(label)}: {v:g}</title></rect>'
        )
        parts.append(f'<text x="{label_w + v * scale + 4:.1f}" y="{y + bar - 5}">{v:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_year_chart(rows: Sequence[tuple[Any, str, int]], width: int = 680) -> str:
    """Documents per year, one bar per kind side by side, as inline SVG."""
    if not rows:
        return '<p class="meta">（无数据 no data）</p>'
    years = sorted({r[0] for r in rows}, key=lambda y: (y is None, y))
    kinds = sorted({r[1] or "?" for r in rows})
    colors = ["#3b6ea8", "#e69500", "#6a9f58", "#999999"]
    count = {(r[0], r[1] or "?"): r[2] for r in rows}
    top = max(count.values()) or 1
    h, base, slot = 220, 180, max(24, min(90, (width - 40) // max(1, len(years))))
    bw = max(6, (slot - 10) // len(kinds))
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{max(width, 40 + slot * len(years))}" height="{h + 20}" '
            'role="img" aria-label="documents per year"><title>documents per year</title>'
        )
    ]
    for i, y in enumerate(years):
        x0 = 30 + i * slot
        for j, k in enumerate(kinds):
            v = count.get((y, k), 0)
            bh = 150 * v / top
            parts.append(
                f'<rect x="{x0 + j * bw}" y="{base - bh:.1f}" width="{bw - 1}" height="{bh:.1f}" '
                f'fill="{colors[j % len(colors)]}"><title>{_e(y)} {_e(k)}: {v}</title></rect>'
            )
        parts.append(f'<text x="{x0}" y="{base + 15}">{_e(y if y is not None else "?")}</text>')
    for j, k in enumerate(kinds):
        parts.append(
            f'<rect x="{30 + j * 130}" y="{h}" width="10" height="10" fill="{colors[j % len(colors)]}"/>'
            f'<text x="{44 + j * 130}" y="{h + 10}">{_e(KIND_ZH.get(k, k))} {_e(k)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def build_report(db: Store, worst: int = 50) -> str:
    """The HTML of the report for an open store."""
    con = db.con
    q = lambda sql, *p: con.execute(sql, list(p)).fetchall()
    n_docs, n_ok, pages, n_dept = (
        q("""SELECT count(*), count(*) FILTER (status = 'ok'), coalesce(sum(pages), 0),
                                             count(DISTINCT department) FROM documents""")[0]
    )
    n_errors = q("SELECT count(*) FROM errors")[0][0]
    sev = dict(q("SELECT severity, count(*) FROM findings GROUP BY severity"))
    rules_versions = [r[0] for r in q("SELECT DISTINCT rules_version FROM documents ORDER BY 1")]
    by_rule = q("""SELECT rule, any_value(name), count(*) AS n, count(DISTINCT sha256),
                          count(*) FILTER (severity = 'error'), count(*) FILTER (severity = 'warning')
                   FROM findings GROUP BY rule ORDER BY n DESC, rule""")
    by_dept = q("""SELECT coalesce(d.department, '（未识别）'), count(DISTINCT d.sha256) AS docs,
                          count(f.finding_id) FILTER (f.severity = 'error') AS e,
                          count(f.finding_id) FILTER (f.severity = 'warning') AS w,
                          count(f.finding_id) AS n,
                          string_agg(DISTINCT f.rule, ' ' ORDER BY f.rule)
                   FROM documents d LEFT JOIN findings f USING (sha256)
                   WHERE d.status = 'ok'
                   GROUP BY 1 ORDER BY e DESC, n DESC, 1 LIMIT 100""")
    by_year = q("SELECT year, kind, count(*) FROM documents WHERE status = 'ok' GROUP BY 1, 2 ORDER BY 1, 2")
    err_codes = q("SELECT code, count(*) FROM errors GROUP BY code ORDER BY 2 DESC, 1")
    err_list = q("SELECT path, code, message FROM errors ORDER BY path LIMIT 100")
    worst_rows = q(WORST_SQL, worst)

    out: list[str] = []
    w = out.append
    w(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>crossfoot 审查报告 Review report</title><style>{CSS}</style></head><body>"
    )
    w(f'<h1>crossfoot 审查报告<span class="en">Review report — {_e(db.path.name)}</span></h1>')
    w(
        f'<p class="meta">生成于 Generated {_e(_dt.datetime.now().strftime("%Y-%m-%d %H:%M"))} · '
        f"规则版本 Rules version {_e(', '.join(rules_versions) or '—')}</p>"
    )

    w(_h2("总览", "Overview"))
    cards = [
        ("已审查文件", "documents reviewed", n_docs),
        ("成功读取", "read", n_ok),
        ("无法读取", "unreadable files", n_errors),
        ("页数", "pages", pages),
        ("部门", "departments", n_dept),
        ("错误", "error findings", sev.get("error", 0)),
        ("警告", "warnings", sev.get("warning", 0)),
        ("提示", "notes", sev.get("info", 0)),
    ]
    w(
        '<div class="cards">'
        + "".join(
            f'<div class="card"><b>{_num(v)}</b>{_e(zh)}<span class="en">{_e(en)}</span></div>'
            for zh, en, v in cards
        )
        + "</div>"
    )
    w(_h2("各年度文件数", "Documents per year and kind"))
    w(stacked_year_chart(by_year))

    w(_h2("按规则统计的问题", "Findings per rule"))
    w(bar_chart([(f"{r[0]} {r[1] or ''}", r[2]) for r in by_rule[:25]], "findings per rule"))
    w(
        "<table><tr><th>规则<span class='en'>rule</span></th><th>名称<span class='en'>name</span></th>"
        "<th>问题数<span class='en'>findings</span></th><th>涉及文件<span class='en'>documents</span></th>"
        "<th>错误<span class='en'>errors</span></th><th>警告<span class='en'>warnings</span></th></tr>"
    )
    for r in by_rule:
        w(
            f"<tr><td><code>{_e(r[0])}</code></td><td>{_e(r[1])}</td><td class='n'>{_num(r[2])}</td>"
            f"<td class='n'>{_num(r[3])}</td><td class='n'>{_num(r[4])}</td><td class='n'>{_num(r[5])}</td></tr>"
        )
    w("</table>")

    w(_h2("按部门统计的问题", "Findings per department (the 100 with most errors)"))
    w(
        bar_chart(
            [(r[0], r[2]) for r in by_dept[:20] if r[2]], "error findings per department", color="#b00020"
        )
    )
    w(
        "<table><tr><th>部门<span class='en'>department</span></th><th>文件<span class='en'>documents</span></th>"
        "<th>错误<span class='en'>errors</span></th><th>警告<span class='en'>warnings</span></th>"
        "<th>合计<span class='en'>all findings</span></th><th>规则<span class='en'>rules</span></th></tr>"
    )
    for r in by_dept:
        w(
            f"<tr><td>{_e(r[0])}</td><td class='n'>{_num(r[1])}</td><td class='n'>{_num(r[2])}</td>"
            f"<td class='n'>{_num(r[3])}</td><td class='n'>{_num(r[4])}</td><td>{_e(r[5])}</td></tr>"
        )
    w("</table>")

    w(_h2(f"最严重的 {len(worst_rows)} 个问题", "The worst findings, with their evidence"))
    for r in worst_rows:
        (sha, fid, rule, name, severity, msg, msg_en, exp, obs, diff, tol, page, path, dept, year, kind) = r
        ev = q(
            """SELECT source, page, text, value, table_id, row_label, column_label FROM evidence
                  WHERE sha256 = ? AND finding_id = ? ORDER BY seq""",
            sha,
            fid,
        )
        w(
            f'<div class="finding {_e(severity)}"><div><span class="sev-{_e(severity)}">'
            f"{_e(SEVERITY_ZH.get(severity, severity))} {_e(severity)}</span> · <code>{_e(rule)}</code> {_e(name)}</div>"
        )
        w(f"<div>{_e(msg)}<span class='en'>{_e(msg_en)}</span></div>")
        w(
            f'<div class="meta">{_e(dept or "（未识别部门）")} · {_e(year or "")} {_e(KIND_ZH.get(kind or "", kind or ""))}'
            f" · p.{_e(page or '?')} · {_e(path)}<br>应为 expected {_num(exp)} · 实为 observed {_num(obs)}"
            f" · 差额 difference {_num(diff)} · 容差 tolerance {_num(tol)}</div>"
        )
        if ev:
            w(
                '<table class="ev"><tr><th>来源 source</th><th>页 page</th><th>表 table</th><th>行 row</th>'
                "<th>列 column</th><th>原文 text</th><th>数值 value</th></tr>"
            )
            for s in ev:
                w(
                    f"<tr><td>{_e(s[0])}</td><td class='n'>{_e(s[1])}</td><td>{_e(s[4])}</td><td>{_e(s[5])}</td>"
                    f"<td>{_e(s[6])}</td><td>{_e(s[2])}</td><td class='n'>{_num(s[3])}</td></tr>"
                )
            w("</table>")
        w("</div>")
    if not worst_rows:
        w('<p class="meta">没有发现问题。No findings.</p>')

    w(_h2("无法读取的文件", "Files that could not be read"))
    if err_codes:
        w(bar_chart([(c, n) for c, n in err_codes], "unreadable files per error code", color="#888888"))
        w(
            "<table><tr><th>文件<span class='en'>path</span></th><th>代码<span class='en'>code</span></th>"
            "<th>说明<span class='en'>message</span></th></tr>"
        )
        for p, c, m in err_list:
            w(f"<tr><td>{_e(p)}</td><td><code>{_e(c)}</code></td><td>{_e(m)}</td></tr>")
        w("</table>")
        if n_errors > len(err_list):
            w(
                f'<p class="meta">另有 {n_errors - len(err_list)} 个（and {n_errors - len(err_list)} more: '
                "crossfoot export lists them all）</p>"
            )
    else:
        w('<p class="meta">全部文件均已读取。Every file was read.</p>')
    w('<p class="meta">crossfoot · 由 <code>crossfoot report</code> 生成 · made by crossfoot report</p>')
    w("</body></html>")
    return "\n".join(out)


def write_report(store: str | Path, html_path: Path, worst: int = 50) -> Path:
    """Write the report of ``store`` to ``html_path`` (UTF-8)."""
    with Store(store, read_only=True) as db:
        text = build_report(db, worst=worst)
    html_path = Path(html_path)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(text, encoding="utf-8")
    return html_path
