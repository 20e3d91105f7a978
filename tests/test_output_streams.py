"""stdout carries only the report, always valid UTF-8; MuPDF's messages become notes.

``crossfoot check`` runs as a user runs it (a process of its own, its real stdout) over a folder of
damaged inputs made from tests/data: truncated and bit-flipped real PDFs, random bytes, text cut
mid-character, and names that are not UTF-8.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA

ROOT = Path(__file__).resolve().parents[1]
JIANGSU = DATA / "real/budgets/江苏省委办公厅2017年部门预算.pdf"  # MuPDF: "No default Layer config"


def _check(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crossfoot.cli", "check", *map(str, args)], cwd=cwd,
                          capture_output=True, timeout=600, check=False)


def _damaged_folder(root: Path) -> list[Path]:
    rnd = random.Random(15)
    out = root / "damaged"
    out.mkdir()
    files: list[Path] = []

    def put(name: str | bytes, data: bytes) -> None:
        path = out / name if isinstance(name, str) else Path(os.fsdecode(os.fsencode(out) + b"/" + name))
        path.write_bytes(data)
        files.append(path)

    pdfs = [JIANGSU, *sorted(DATA.glob("real/final_accounts/*.pdf"))]
    for i, src in enumerate(pdfs):
        data = src.read_bytes()
        for j, frac in enumerate((0.02, 0.3, 0.7, 0.97)):
            put(f"cut{i}_{j}.pdf", data[: int(len(data) * frac)])
        flipped = bytearray(data)
        for _ in range(200):
            k = rnd.randrange(len(flipped))
            flipped[k] ^= 1 << rnd.randrange(8)
        put(f"flip{i}.pdf", bytes(flipped))
    seed = (DATA / "seeds/000_18d5ca373dd9af9d.txt").read_bytes()
    put("cut_mid_character.txt", seed[: len(seed) // 2 + 1])
    put("stray_byte.txt", seed[:500] + b"\xff" + seed[500:])
    put("gb18030.txt", seed.decode("utf-8").encode("gb18030"))
    put("random.pdf", rnd.randbytes(5000))
    put("random.txt", rnd.randbytes(5000))
    put("empty.md", b"")
    put("header_only.pdf", b"%PDF-1.7\n")
    put(b"name_not_utf8_\xff\xfe.txt", seed[:2000])  # a name os.fsdecode turns into lone surrogates
    put(b"name_not_utf8_\xe4\xb8.pdf", pdfs[1].read_bytes()[:3000])
    return files


@pytest.fixture(scope="module")
def damaged(tmp_path_factory) -> list[Path]:
    return _damaged_folder(tmp_path_factory.mktemp("streams"))


def test_json_stdout_parses_on_damaged_inputs(damaged):
    r = _check("--format", "json", damaged[0].parent)
    report = json.loads(r.stdout.decode("utf-8"))  # strict UTF-8, and nothing but the JSON
    docs = report["documents"]
    assert len(docs) == len(damaged)
    assert r.returncode == 2  # some files could not be read; the others are still reported
    assert {d["status"] for d in docs} == {"ok", "error"}
    assert not [d for d in docs if d["status"] == "error" and d["error"]["code"] == "internal_error"]
    # a name that is not UTF-8 comes back as the same name (the surrogate escapes of os.fsdecode)
    names = {os.fsencode(d["path"]).rsplit(b"/", 1)[-1] for d in docs}
    assert b"name_not_utf8_\xff\xfe.txt" in names and b"name_not_utf8_\xe4\xb8.pdf" in names


def test_text_stdout_is_utf8_on_damaged_inputs(damaged):
    r = _check("--format", "text", damaged[0].parent)
    text = r.stdout.decode("utf-8")
    assert text.rstrip().endswith("errors")
    assert "MuPDF" not in text  # MuPDF's messages are notes of their document, not lines of the report


def test_mupdf_messages_become_notes_of_their_document():
    r = _check("--format", "json", JIANGSU, DATA / "seeds/000_18d5ca373dd9af9d.txt")
    assert r.returncode in (0, 1)
    (pdf, txt) = json.loads(r.stdout.decode("utf-8"))["documents"]
    assert pdf["status"] == "ok"
    assert "MuPDF: format error: No default Layer config" in pdf["notes"]
    assert not any("MuPDF" in n for n in txt.get("notes", []))
    assert b"MuPDF" not in r.stdout.split(b'"notes"')[0]  # nothing printed before the JSON


def test_notes_of_a_flood_of_mupdf_messages_are_bounded():
    from extraction.mupdf_messages import MAX_NOTES, notes_of

    store = "\n".join([f"syntax error: bad object {i % 50}" for i in range(10_000)] + ["x" * 10_000])
    notes = notes_of(store)
    assert len(notes) == MAX_NOTES + 1
    assert notes[0] == "MuPDF: syntax error: bad object 0 (×200)"
    assert notes[-1] == f"MuPDF: … and {51 - MAX_NOTES} more distinct messages"
    assert notes_of("") == []


def test_score_and_review_write_nothing_but_the_report_on_stdout(tmp_path):
    gen = tmp_path / "gen"
    subprocess.run([sys.executable, "-m", "crossfoot.cli", "corpus", "generate", "--out", str(gen),
                    "--departments", "3", "--years", "2024", "--format", "txt", "--seed", "2"],
                   cwd=ROOT, capture_output=True, timeout=300, check=True)
    store = tmp_path / "s.duckdb"
    r = subprocess.run([sys.executable, "-m", "crossfoot.cli", "review", str(gen), "--store", str(store),
                        "--workers", "1"], cwd=ROOT, capture_output=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout == b""  # progress and the summary table go to stderr
    assert "Pages read".encode() in r.stderr
    r = subprocess.run([sys.executable, "-m", "crossfoot.cli", "score", "--store", str(store), "--format", "json"],
                       cwd=ROOT, capture_output=True, timeout=300, check=True)
    assert len(json.loads(r.stdout.decode("utf-8"))["departments"]) == 3
