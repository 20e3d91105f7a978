"""Bounds on the work one document can cause, whatever its bytes (issue 18).

A broken export or a hostile upload (a 300 KB line of figures with no sentence end, a 5 MB line of
tab-separated numbers, a PDF page with 20,000 words) must not take a process past its memory or
time: every stage that grows with a count below is cut at that count, and the document says so
in its ``notes``.  Each limit stands far above every real report of ``tests/data`` (the maxima
measured there are in the comment of each; ``tests/test_bounds.py`` keeps them so), so real
reports are read exactly as before.
"""

from __future__ import annotations

# Characters of a text export (a .txt/.md file).  The text after them (from a line end) is not
# read.  Reading a text costs per line and per character: a 50 MB export of short lines took 46 s
# and 1 GB; this keeps any export within a few seconds.  (Real maximum: 32,416; a PDF is bounded by
# its pages, CROSSFOOT_MAX_PAGES, and MAX_PAGE_WORDS.)
MAX_TEXT_CHARS = 2_000_000

# Bytes of a web page's markup parsed, pictures embedded in it (data: URIs) left out; the markup
# after them is not read (said in the notes).  lxml's tree takes about twelve times its markup in
# memory: a 50 MB page read whole peaked at 1 GB and took 7.5 s.  (Real maximum: the seeds as web
# pages, 110 KB; a department's page is rarely over 1 MB.)
MAX_MARKUP_BYTES = 16 * 1024 * 1024

# Bytes of one part of a Word document once unpacked (word/document.xml, the styles, …); four
# times as many for all its parts together.  A larger document is refused as too_large before
# anything is unpacked: its zip may be a bomb (80 MB of markup packs into less than 1 MB).  (Real
# maximum: the seeds as Word files, 350 KB of word/document.xml.)
MAX_DOCX_PART_BYTES = 64 * 1024 * 1024

# Characters per paragraph.  A longer paragraph is read as consecutive paragraphs of at most this
# many characters, each ending at the last sentence end (else clause mark, else a place that cuts
# no figure) inside the window.  Claim extraction looks back across a sentence for every figure,
# so its work grows with sentence length × figures: a window bounds both.  (Real maximum: 1,076.)
MAX_PARAGRAPH_CHARS = 20_000

# Figures (claims) per paragraph (a window above counts as a paragraph).  The rest of the
# paragraph's figures are not read.  (Real maximum: 21.)
MAX_PARAGRAPH_CLAIMS = 1_000

# Claims per document.  Several rules compare claims with one another; the output holds one entry
# per claim.  (Real maximum: 277.)
MAX_DOCUMENT_CLAIMS = 5_000

# Cells per table (a table continued over pages counts as one).  The rows beyond are not read; a
# row longer than the whole budget is cut to it.  (Real maximum: 1,115.)
MAX_TABLE_CELLS = 50_000

# Tables (grids) per page.  The grids beyond are not read.  (Real maximum: 17, a text export,
# which is one page.)
MAX_PAGE_TABLES = 500

# Words per PDF page.  The words beyond (in MuPDF's content order) are not read.  Tables are rebuilt
# from the words and the ruling lines, in work that grows with words × table regions.
# (Real maximum: 212.)
MAX_PAGE_WORDS = 10_000

# A workbook's sheet (extraction/xlsx.py).  Calamine reads a sheet whole, into a dense grid of its
# extent (rows × columns up to its last cell): a sheet is not read (said in the notes) when its XML
# (.xlsx; an .ods's content.xml; a .xls file as a whole) is over MAX_SHEET_XML_BYTES, or when its
# extent is over MAX_SHEET_CELLS, both told before calamine reads it.  A 10⁶-row sheet of one
# column is 55 MB of XML and took calamine 0.9 s and 80 MB; the limits keep a sheet well under a
# second.  (Real 公开表格 sheets: a few hundred rows of at most 20 columns, under 1 MB of XML.)
MAX_SHEET_XML_BYTES = 16 * 2**20
MAX_SHEET_CELLS = 1_000_000

# Findings per rule per document.  The hygiene rules report each occurrence (CF802: every doubled
# mark), so a text of "，，" repeated would give a finding per two characters.  (Real maximum: 46.)
MAX_RULE_FINDINGS = 500

# A claim's ``text`` in the output: a sentence up to this many characters is given whole; a longer
# one is clipped to a window of CLIP_BEFORE characters before the figure and CLIP_AFTER after its
# end, marked with "…" where cut.  (Real maximum: 382.)  Rules read the whole sentence.
MAX_WHOLE_SENTENCE = 600
CLIP_BEFORE = 120
CLIP_AFTER = 80
CLIP_MARK = "…"


def clip_around(text: str, at: int, end: int) -> str:
    """``text`` whole when short; else the window around ``text[at:end]`` with "…" where it is cut.

    ``at``/``end`` are clamped into the text (an offset that drifted past it clips at its edge)."""
    n = len(text)
    if n <= MAX_WHOLE_SENTENCE:
        return text
    at = min(max(at, 0), n)
    end = min(max(end, at), n, at + CLIP_AFTER)  # a figure is short: a wild end is not followed
    a = max(0, at - CLIP_BEFORE)
    b = min(n, end + CLIP_AFTER)
    return (CLIP_MARK if a > 0 else "") + text[a:b] + (CLIP_MARK if b < n else "")
