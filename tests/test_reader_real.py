"""Reading the seeds and the real PDFs: status, metadata, table kinds and units, printed cell values.

Expected values live in tests/expected/reader.yaml and were taken from the printed documents by hand.
"""

from __future__ import annotations

import hashlib

import pytest
import yaml
from conftest import DATA, EXPECTED, read_cached

from extraction.tables import squash

SPEC = yaml.safe_load((EXPECTED / "reader.yaml").read_text("utf-8"))["documents"]
ALL_FILES = sorted(
    str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.suffix.lower() in (".pdf", ".txt")
)


def test_data_files_unchanged():
    """The copied seeds and real PDFs are byte-for-byte what was published."""
    for line in (DATA / "SHA256SUMS").read_text().splitlines():
        digest, rel = line.split(maxsplit=1)
        rel = rel.removeprefix("tests/data/")
        assert hashlib.sha256((DATA / rel).read_bytes()).hexdigest() == digest, rel


def test_every_file_has_an_expectation():
    assert sorted(SPEC) == ALL_FILES


@pytest.mark.parametrize("rel", ALL_FILES)
def test_reads_ok_with_metadata(rel):
    doc = read_cached(rel)
    assert doc.error is None, doc.error
    want = SPEC[rel]["meta"]
    assert doc.meta.department == want["department"]
    assert doc.meta.year == want["year"]
    assert doc.meta.kind == want["kind"]
    assert doc.meta.pages == len(doc.pages) >= 1
    assert doc.sha256 == hashlib.sha256((DATA / rel).read_bytes()).hexdigest()


TABLE_DOCS = [rel for rel in ALL_FILES if "tables" in SPEC[rel]]


@pytest.mark.parametrize("rel", TABLE_DOCS)
def test_standard_tables_recognised_with_unit(rel):
    doc = read_cached(rel)
    found = {}
    for t in doc.tables:
        found.setdefault(t.kind, t.unit)
    for kind, unit in SPEC[rel]["tables"].items():
        assert kind in found, f"{kind} not recognised; found {sorted(found)}"
        assert found[kind] == unit, f"{kind}: unit {found[kind]} != {unit}"


def _find_row(table, block, key):
    for r in table.rows:
        if block is not None and r.block != block:
            continue
        if (r.code and r.code == key) or squash(r.name) == squash(key):
            return r
    return None


CELL_DOCS = [rel for rel in ALL_FILES if SPEC[rel].get("cells")]


@pytest.mark.parametrize("rel", CELL_DOCS)
def test_printed_cells_match(rel):
    doc = read_cached(rel)
    cells = SPEC[rel]["cells"]
    assert len(cells) >= 10
    misses = []
    for kind, block, key, column, value, page in cells:
        table = doc.table(kind)
        assert table is not None, kind
        row = _find_row(table, block, str(key))
        if row is None:
            misses.append(f"{kind}/{block}/{key}: no row")
            continue
        got = None
        for ci, cell in zip(row.columns, row.cells):
            col = next(c for c in table.columns if c.index == ci)
            if column in col.label and cell is not None and cell.value is not None:
                got = cell
                break
        if got is None or got.value != pytest.approx(value, abs=1e-9):
            misses.append(f"{kind}/{block}/{key}/{column}: {got.value if got else None} != {value}")
            continue
        if got.page != page:
            misses.append(f"{kind}/{key}/{column}: page {got.page} != {page}")
    assert not misses, misses


def test_pdf_cells_have_boxes_and_text_cells_have_offsets():
    pdf = read_cached("real/final_accounts/上海市普陀区财政局2024年度部门决算.pdf")
    t = pdf.table("income")
    cell = next(c for r in t.rows for c in r.cells if c is not None and c.value is not None)
    assert cell.bbox is not None and cell.bbox[2] > cell.bbox[0]
    words = pdf.pages[cell.page - 1].text
    assert cell.text.replace(" ", "") in words.replace(" ", "")
    txt = read_cached("seeds/000_18d5ca373dd9af9d.txt")
    c = next(c for r in txt.table("expenditure").rows for c in r.cells if c is not None and c.value is not None)
    assert txt.pages[0].text[c.start:c.end] == c.text


def test_multi_page_table_is_one_table():
    doc = read_cached("real/final_accounts/上海市普陀区财政局2024年度部门决算.pdf")
    summary = doc.tables_of("income_expenditure_summary")
    assert len(summary) == 1
    assert summary[0].pages == (6, 7)
    assert doc.table("income").pages == (8, 9)


def test_side_by_side_blocks():
    doc = read_cached("seeds/000_18d5ca373dd9af9d.txt")
    t = doc.table("income_expenditure_summary")
    assert t.blocks == ("收入", "支出")
    income_names = [r.name for r in t.rows_in("收入")]
    assert "本年收入合计" in income_names and "本年支出合计" not in income_names
    basic = doc.table("basic_expenditure_economic")
    assert basic.blocks[0] == "人员经费" and basic.blocks[1] == "公用经费"


def test_split_codes_are_joined():
    doc = read_cached("real/final_accounts/上海市普陀区财政局2024年度部门决算.pdf")
    codes = [r.code for r in doc.table("income").rows if r.code]
    assert {"201", "20106", "2010601", "2010608", "2210203"} <= set(codes)


def test_sections_and_paragraphs_rejoined():
    doc = read_cached("seeds/000_18d5ca373dd9af9d.txt")
    titles = [s.title for s in doc.sections]
    assert "一、收入决算情况说明" in titles
    # the sentence broken by a page break in the original ("…新平\n\n县信访局…") is one paragraph
    para = next(p for p in doc.paragraphs if "收入合计 180.88 万元" in p.text)
    assert "新平县信访局列为县政府工作部门" in para.text
    page, off = para.locate(para.text.index("180.88"))
    assert doc.pages[page - 1].text[off:off + 6] == "180.88"
    pdf = read_cached("real/final_accounts/上海市普陀区财政局2024年度部门决算.pdf")
    assert any(s.title.startswith("第三部分") for s in pdf.sections)
    # a paragraph wrapped over several PDF lines is one paragraph, and offsets map back to the page
    p = next(p for p in pdf.paragraphs if len(p.pieces) >= 3)
    for piece in p.pieces:
        seg = p.text[piece.para_start:piece.para_start + (piece.end - piece.start)]
        assert pdf.pages[piece.page - 1].text[piece.start:piece.end] == seg
