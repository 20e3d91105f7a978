"""Bad inputs become error records with a stable code and a clear message; good files next to them still read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pymupdf
import pytest
from conftest import DATA

from crossfoot.cli import main
from extraction import reader
from extraction.reader import read_document

GOOD_PDF = DATA / "real/final_accounts/上海市普陀区财政局2024年度部门决算.pdf"
GOOD_TXT = DATA / "seeds/000_18d5ca373dd9af9d.txt"


def _pdf_with_text(path: Path, pages: int = 1, text: str = "测试 2024年度部门决算") -> Path:
    doc = pymupdf.open()
    for _ in range(pages):
        doc.new_page().insert_text((72, 72), text, fontname="china-s")
    doc.save(path)
    return path


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    # encrypted
    p = tmp_path / "encrypted.pdf"
    doc = pymupdf.open(GOOD_PDF)
    doc.save(p, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="secret")
    files["encrypted"] = p
    # corrupt: PDF header followed by garbage
    p = tmp_path / "corrupt.pdf"
    p.write_bytes(b"%PDF-1.7\n" + os.urandom(4096))
    files["corrupt"] = p
    # truncated: the first 3 % of a real report
    p = tmp_path / "truncated.pdf"
    data = GOOD_PDF.read_bytes()
    p.write_bytes(data[: len(data) // 33])
    files["truncated"] = p
    # zero bytes
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    files["empty"] = p
    # scanned: an image and no text layer
    p = tmp_path / "scanned.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 100), False)
    pix.clear_with(200)
    page.insert_image(page.rect, pixmap=pix)
    doc.save(p)
    files["scanned"] = p
    # not a PDF despite its name
    p = tmp_path / "notes.pdf"
    p.write_text("这不是PDF文件", encoding="utf-8")
    files["not_pdf"] = p
    # a Word file named .txt
    p = tmp_path / "report.txt"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    files["wrong_type"] = p
    # huge: a sparse 300 MB file (no disk cost)
    p = tmp_path / "huge.pdf"
    with p.open("wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(300 * 1024 * 1024)
    files["huge"] = p
    return files


EXPECTED_CODES = {
    "encrypted": "encrypted",
    "corrupt": "corrupt",
    "empty": "empty",
    "scanned": "no_text",
    "not_pdf": "not_pdf",
    "wrong_type": "unsupported_type",
    "huge": "too_large",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED_CODES))
def test_bad_input_error_record(bad_files, kind):
    doc = read_document(bad_files[kind])
    assert doc.error is not None
    assert doc.error.code == EXPECTED_CODES[kind]
    assert str(bad_files[kind]) in doc.error.message
    assert doc.summary()["status"] == "error"


def test_truncated_pdf_is_error_or_partial(bad_files):
    """PyMuPDF repairs what it can of a truncated file: either an error record or a partial read, never a crash."""
    doc = read_document(bad_files["truncated"])
    if doc.error is not None:
        assert doc.error.code in {"corrupt", "no_text"}
    else:
        assert doc.meta.pages >= 1


def test_missing_file():
    doc = read_document("/nonexistent/report.pdf")
    assert doc.error.code == "not_found"


def test_two_thousand_pages_read_in_bounded_memory(tmp_path):
    import subprocess
    import sys

    p = _pdf_with_text(tmp_path / "long.pdf", pages=2000, text="二、支出决算情况说明 本年支出合计 1.00 万元。")
    # VmHWM (not ru_maxrss, which keeps the high-water mark of the forked parent across exec)
    code = (
        "import re,sys; from extraction.reader import read_document; "
        "d = read_document(sys.argv[1]); "
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1); "
        "print(d.error is None, d.meta.pages, hwm)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(p)], capture_output=True, text=True, check=True)
    ok, pages, rss_kb = out.stdout.split()
    assert ok == "True" and int(pages) == 2000
    assert int(rss_kb) < 400 * 1024, f"peak RSS {int(rss_kb) // 1024} MB"


def test_size_limit_is_configurable(monkeypatch, tmp_path):
    p = _pdf_with_text(tmp_path / "small.pdf")
    monkeypatch.setattr(reader, "MAX_BYTES", 10)
    assert read_document(p).error.code == "too_large"


def test_cli_mixed_good_and_bad(bad_files, tmp_path, capsys):
    out = tmp_path / "report.json"
    paths = [str(GOOD_TXT), str(bad_files["encrypted"]), str(GOOD_PDF), str(bad_files["empty"]),
             str(bad_files["scanned"])]
    rc = main(["check", *paths, "--format", "json", "--output", str(out)])
    assert rc == 2  # some documents could not be read
    data = json.loads(out.read_text("utf-8"))
    status = {Path(d["path"]).name: (d["status"], d["error"]["code"] if d["error"] else None) for d in data["documents"]}
    assert status == {
        GOOD_TXT.name: ("ok", None),
        "encrypted.pdf": ("error", "encrypted"),
        GOOD_PDF.name: ("ok", None),
        "empty.pdf": ("error", "empty"),
        "scanned.pdf": ("error", "no_text"),
    }
    good = next(d for d in data["documents"] if d["path"] == str(GOOD_PDF))
    assert good["meta"] == {"department": "上海市普陀区财政局", "year": 2024, "kind": "final_account",
                            "unit": "万元", "pages": 25, "department_code": None}  # issue 17: no code printed
    assert {"id", "kind", "number", "title", "unit", "pages", "n_rows"} == set(good["tables"][0])
    assert good["claims"] == [] or isinstance(good["claims"], list)


def test_cli_exit_codes(tmp_path, capsys):
    assert main(["check", str(GOOD_TXT), "--format", "json", "--output", str(tmp_path / "o.json")]) == 0
    with pytest.raises(SystemExit) as e:
        main(["check"])
    assert e.value.code == 2
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    assert main(["check", str(empty_dir)]) == 2
    assert "no PDF" in capsys.readouterr().err


def test_cli_text_format(capsys):
    assert main(["check", str(GOOD_TXT)]) == 0
    out = capsys.readouterr().out
    assert "新平彝族傣族自治县信访局 2020 final_account" in out
    assert "income_expenditure_summary" in out and "1 documents: 1 read, 0 errors" in out
