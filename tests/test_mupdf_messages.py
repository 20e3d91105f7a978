"""MuPDF's messages become notes that are valid UTF-8 whatever bytes the PDF carried (issue 18)."""

from __future__ import annotations

from extraction.mupdf_messages import notes_of


def test_note_with_a_gbk_font_name_is_read_as_gb18030():
    # what PyMuPDF hands over for a damaged PDF whose font is named 宋体 in GBK (seen by tests/fuzz)
    store = "non-embedded font using identity encoding: ABCDEE+\udccb\udcce\udccc\udce5 (mapping via Adobe-Identity-UCS)"
    (note,) = notes_of(store)
    assert note == "MuPDF: non-embedded font using identity encoding: ABCDEE+宋体 (mapping via Adobe-Identity-UCS)"
    note.encode("utf-8")  # the store and the JSON on stdout write UTF-8


def test_note_with_bytes_of_no_encoding_gets_replacement_characters():
    (note,) = notes_of("FT_New_Memory_Face(X+\udcff\udcfe\udc80): unknown file format")
    assert note == "MuPDF: FT_New_Memory_Face(X+\ufffd\ufffd\ufffd): unknown file format"


def test_plain_notes_are_unchanged_and_counted():
    assert notes_of("trying to repair broken xref\ntrying to repair broken xref\nrepairing PDF document") == [
        "MuPDF: trying to repair broken xref (×2)", "MuPDF: repairing PDF document"]
