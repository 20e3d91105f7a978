"""The generator's web pages and Word files (``--format html|docx``) are its text exports in another form:
the same truth records, and each report reads with the text export's tables and findings."""

from __future__ import annotations

import json

import pytest
from formats import finding_key, table_key

from corpus.generate import generate_corpus
from crossfoot.pipeline import check_document
from extraction.reader import read_document


def _corpus(root, fmt: str):
    out = root / fmt
    generate_corpus(out=out, departments=2, years=(2024, 2024), errors=1.0, anomalies=0.0, seed=11, fmt=fmt,
                    error_kinds=None, workers=1, split=0.5)
    return out, [json.loads(x) for x in (out / "truth.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp("web-corpus")
    return {fmt: _corpus(root, fmt) for fmt in ("txt", "html", "docx")}


def _without_files(records: list[dict], fmt: str) -> list[dict]:
    out = []
    for r in records:
        r = dict(r)
        r["file"] = r["file"].removesuffix("." + fmt)
        r["files"] = [f.removesuffix("." + fmt) for f in r["files"]]
        if "parts" in r:
            r["parts"] = {k: [f.removesuffix("." + fmt) for f in v] for k, v in r["parts"].items()}
        out.append(r)
    return out


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_same_truth_as_the_text_export(corpora, fmt):
    (_t, txt), (out, other) = corpora["txt"], corpora[fmt]
    assert _without_files(other, fmt) == _without_files(txt, "txt")
    assert any(r["errors"] for r in other)
    assert all((out / f).is_file() and f.endswith("." + fmt) for r in other for f in r["files"])


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_each_report_reads_as_its_text_export(corpora, fmt):
    (txt_dir, txt), (out, _other) = corpora["txt"], corpora[fmt]
    for r in txt:
        for name in r["files"]:
            a, b = txt_dir / name, out / name.replace(".txt", "." + fmt)
            da, db = read_document(a), read_document(b)
            assert db.error is None and db.format == fmt
            assert db.meta.pages == da.meta.pages
            assert [table_key(t) for t in db.tables] == [table_key(t) for t in da.tables]
            fa, fb = check_document(a)["findings"], check_document(b)["findings"]
            assert sorted(map(finding_key, fb)) == sorted(map(finding_key, fa)), name


def test_pages_in_both_charsets(corpora):
    """Some pages are GB2312 pages, as old sites publish them (written as GB18030, their superset)."""
    out, records = corpora["html"]
    heads = [(out / f).read_bytes()[:200] for r in records for f in r["files"]]
    assert any(b"charset=gb2312" in h for h in heads) and any(b"charset=utf-8" in h for h in heads)
