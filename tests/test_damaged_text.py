"""Damaged text exports are read, not rejected: the best-fitting encoding, replacement characters
counted in the notes, findings on them marked; and never mojibake (issue 18).

The variants are made here from the seeds (tests/data is never edited).
"""

from __future__ import annotations

import pytest
from conftest import DATA

from extraction.encoding import decode_report
from extraction.reader import read_text
from crossfoot.pipeline import check_document

SEEDS = sorted((DATA / "seeds").glob("*.txt"))
FFFD = "\ufffd"


def _rows(doc) -> list[tuple]:
    return [(t.kind, t.title, r.code, r.name, tuple(c.text if c is not None else None for c in r.cells))
            for t in doc.tables for r in t.rows]


def _read_bytes(tmp_path, name: str, data: bytes):
    from extraction.reader import read_document

    p = tmp_path / name
    p.write_bytes(data)
    return read_document(p)


def _between_characters(data: bytes, at: int) -> int:
    """The first offset at or after ``at`` that starts a UTF-8 character (a stray byte goes between two)."""
    while data[at] & 0xC0 == 0x80:
        at += 1
    return at


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_a_stray_byte_or_a_cut_last_character_keeps_the_report(seed, tmp_path):
    data = seed.read_bytes()
    at = _between_characters(data, len(data) // 2)
    # cut in the middle of a character: the file ends one byte into the last character that takes
    # more than one (its own length from its lead byte); the clean text ends with that character
    last = max(i for i, b in enumerate(data) if b & 0xC0 == 0xC0)
    length = 2 if data[last] < 0xE0 else 3 if data[last] < 0xF0 else 4
    for name, variant, clean in (("stray.txt", data[:at] + b"\xff" + data[at:], data),
                                 ("cut.txt", data[:last + 1], data[:last + length])):
        original = read_text(clean.decode("utf-8"), seed.name)
        doc = _read_bytes(tmp_path, name, variant)
        assert doc.ok, doc.error
        assert "1 undecodable byte sequence replaced by U+FFFD" in doc.notes[0]
        # the same tables: every row as in the original, bar the one holding the damaged byte
        before, after = _rows(original), _rows(doc)
        assert len(before) == len(after)
        differ = [b for a, b in zip(before, after) if a != b]
        assert len(differ) <= 1 and all(FFFD in repr(b) for b in differ)
        assert [(t.kind, t.title) for t in doc.tables] == [(t.kind, t.title) for t in original.tables]


def test_utf8_with_a_bad_byte_is_never_read_as_gb18030():
    text = SEEDS[0].read_text(encoding="utf-8")
    data = text.encode("utf-8")
    for at in range(1000, len(data), len(data) // 7):
        at = _between_characters(data, at)
        got = decode_report(data[:at] + b"\x80" + data[at:])
        assert got.encoding == "utf-8" and got.replaced == 1
        assert got.text == text[:len(data[:at].decode("utf-8"))] + FFFD + text[len(data[:at].decode("utf-8")):]


def test_gb18030_reports_are_read_as_gb18030_damaged_or_not():
    text = SEEDS[4].read_text(encoding="utf-8")
    gb = text.encode("gb18030")
    clean = decode_report(gb)
    assert (clean.encoding, clean.replaced, clean.text) == ("gb18030", 0, text)
    assert clean.note == "decoded as GB18030"
    damaged = decode_report(gb[:3001] + b"\xff" + gb[3001:])
    assert damaged.encoding == "gb18030" and 1 <= damaged.replaced <= 2
    assert damaged.text.count(FFFD) == damaged.replaced


def test_bytes_that_are_no_text_stay_bad_encoding(tmp_path):
    import random

    rnd = random.Random(18)
    for i in range(5):
        doc = _read_bytes(tmp_path, f"r{i}.txt", bytes(rnd.randrange(0x80, 0x100) for _ in range(4000)))
        assert not doc.ok and doc.error.code == "bad_encoding"
    # UTF-8 with damage on more than one character in a hundred is not taken for text
    text = SEEDS[1].read_text(encoding="utf-8").encode("utf-8")
    many = b"".join(text[i:i + 50] + b"\xff" for i in range(0, len(text), 50))
    assert decode_report(many) is None or decode_report(many).encoding != "gb18030"


def test_a_finding_on_a_damaged_figure_is_marked(tmp_path):
    seed = DATA / "seeds/004_f64002770984a7bf.txt"
    data = seed.read_bytes()
    sentence = "较2022年决算增加2.19万元，增长23.65%".encode()
    at = data.index(sentence) + len("较2022年决算增加2.1".encode())
    damaged = tmp_path / "004_damaged.txt"
    damaged.write_bytes(data[:at] + b"\xff" + data[at:])

    def growth(entry):
        return [f for f in entry["findings"] if f["rule"] == "CF402" and "23.65" in f["message"]]

    clean = check_document(seed)
    assert [f.get("damaged_text") for f in growth(clean)] == [None]
    entry = check_document(damaged)
    assert entry["status"] == "ok"
    assert "1 undecodable byte sequence" in entry["notes"][0]
    marked = [f for f in entry["findings"] if f.get("damaged_text")]
    assert marked and all(any(FFFD in (ev.get("text") or "") for ev in f["evidence"]) for f in marked)
    # findings away from the damaged byte are not marked
    assert len(marked) < len(entry["findings"])


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(codec, tmp_path):
    text = SEEDS[4].read_text(encoding="utf-8")
    doc = _read_bytes(tmp_path, f"w-{codec}.txt", text.encode(codec))
    assert doc.ok, doc.error
    assert doc.notes[0] == f"decoded as {codec.upper()}"
    original = read_text(text, SEEDS[4].name)
    assert _rows(doc) == _rows(original)
    # binary data with NUL bytes here and there is still not text
    import random

    rnd = random.Random(16)
    noise = bytes(rnd.choice([0, rnd.randrange(256)]) for _ in range(4000))
    assert decode_report(noise) is None or _read_bytes(tmp_path, "n.txt", noise).error.code in (
        "unsupported_type", "bad_encoding")
