"""A deterministic generator of hostile inputs of every format crossfoot reads (issue 18).

``generate(out_dir, n, seed)`` writes ``n`` files into ``out_dir`` and returns one
:class:`FuzzInput` per file, saying what damage it carries (``kind``, and ``detail`` with the
parameters drawn).  Everything is built in memory from ``tests/data`` (the five seed text exports
and the real PDFs) or from nothing (PDFs made with PyMuPDF or written by hand), with
``random.Random(seed)`` as the only source of chance: the same ``(n, seed, max_pages)`` gives the
same bytes under the same names (save ``pdf_encrypted``: MuPDF draws the file key at random, so its
bytes differ from run to run while its damage does not).

Kinds are taken in a fixed round-robin order, so any ``n >= len(KINDS)`` holds every kind at least
once; the ``HEAVY_KINDS`` (big or slow inputs: the 300 KB one-line text of figures, a million
cells, thousands of pages, a decompression bomb) are made once each, whatever ``n``.

Families of kinds:

* ``text_*`` — the seeds damaged: cut in the middle of a character, a stray byte, flipped bits,
  re-encoded (GB18030, UTF-16 with and without a byte-order mark, Big5), mixed encodings, NULs,
  control characters, form feeds, odd line ends; and made-up texts (one 300 KB line of figures,
  a million cells of a table, deep Markdown, only whitespace, empty).
* ``pdf_*`` — real PDFs truncated, bit-flipped, overwritten, with their xref broken; PDFs made
  with PyMuPDF with degenerate content (pages of size 0, 10,000 tiny ruling lines, huge pages,
  one page under and one over ``max_pages``, a font without text, invisible text, encryption,
  a chain of incremental updates); PDFs written by hand (a /Prev loop, wrong xref offsets, a page
  tree nested 2,000 deep, 50,000 nested arrays, a compressed stream that inflates to 64 MB).
* ``html_*``, ``mhtml_*``, ``docx_*`` — the seeds as web pages and Word files (tests/data/derived)
  truncated, bit-flipped, declared in the wrong charset, with a part cut or missing; made-up pages
  nested 100,000 deep or with spans over a million cells; a zip bomb, a zip or an old .doc that is
  no Word document.
* ``random_bytes`` — random bytes under every suffix crossfoot walks.
* ``name_*`` — a readable report under an odd file name (spaces, a newline, bytes that are not
  UTF-8, 250 bytes long, quotes and tabs, a leading dash, emoji, decomposed Unicode, …).
"""

from __future__ import annotations

import io
import os
import random
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"

#: Suffixes crossfoot walks in a folder (``extraction.files.SUPPORTED_SUFFIXES``), in both cases.
SUFFIXES = (".pdf", ".PDF", ".txt", ".TXT", ".md", ".markdown", ".text", ".Md", ".html", ".HTM", ".mhtml",
            ".docx", ".doc")
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".TXT")


@dataclass(frozen=True)
class FuzzInput:
    """One generated file: where it is and what was done to it."""

    path: Path
    kind: str  # the kind of damage (a key of KINDS)
    detail: str  # the parameters drawn (positions, counts, encodings)
    source: str | None  # the tests/data file it was made from, if any
    size: int  # bytes written

    def to_dict(self) -> dict:
        return {"path": os.fsdecode(bytes(self.path)) if isinstance(self.path, bytes) else str(self.path),
                "kind": self.kind, "detail": self.detail, "source": self.source, "size": self.size}


@dataclass(frozen=True)
class _Made:
    data: bytes
    suffix: str
    detail: str
    source: str | None = None
    name: bytes | None = None  # an odd file name (bytes, suffix included); None: a plain one


class _Ctx:
    """The material of one run: seeds and real PDFs (bytes), the page limit."""

    def __init__(self, data_dir: Path, max_pages: int, max_pdf_bytes: int | None) -> None:
        self.seeds = [(p.name, p.read_bytes()) for p in sorted((data_dir / "seeds").glob("*.txt"))]
        pdfs = sorted((data_dir / "real").rglob("*.pdf"))
        self.pdfs = [(str(p.relative_to(data_dir)), p.read_bytes()) for p in pdfs
                     if max_pdf_bytes is None or p.stat().st_size <= max_pdf_bytes]
        # the seeds as web pages and Word files (tests/formats.py)
        self.pages = [(f"derived/{p.name}", p.read_bytes()) for p in sorted((data_dir / "derived").glob("*.html"))]
        self.words = [(f"derived/{p.name}", p.read_bytes()) for p in sorted((data_dir / "derived").glob("*.docx"))]
        if not self.seeds or not self.pdfs or not self.pages or not self.words:
            raise FileNotFoundError(f"no seeds, real PDFs or derived files under {data_dir}")
        self.max_pages = max_pages

    def seed(self, rng: random.Random) -> tuple[str, bytes]:
        name, data = rng.choice(self.seeds)
        return f"seeds/{name}", data

    def pdf(self, rng: random.Random) -> tuple[str, bytes]:
        return rng.choice(self.pdfs)

    def seed_lines(self, rng: random.Random, k: int) -> list[str]:
        """k consecutive non-empty lines of a seed (real wording for made-up PDFs)."""
        _, data = rng.choice(self.seeds)
        lines = [ln for ln in data.decode("utf-8").splitlines() if ln.strip()]
        start = rng.randrange(max(1, len(lines) - k))
        return lines[start:start + k]


# --------------------------------------------------------------------------------------------
# text


def _mb_starts(data: bytes) -> list[int]:
    """Offsets where a multi-byte UTF-8 character of 3+ bytes starts."""
    return [i for i, b in enumerate(data) if b >= 0xE0]


def text_cut_mid_char(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    starts = _mb_starts(data)
    where = rng.choice(["end", "end", "anywhere"])
    i = starts[-1] if where == "end" else rng.choice(starts)
    cut = i + rng.choice([1, 2])
    return _Made(data[:cut], rng.choice(TEXT_SUFFIXES), f"cut at byte {cut} of {len(data)} ({where})", src)


def text_stray_byte(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    i = rng.randrange(len(data))
    b = bytes([rng.randrange(0x80, 0x100)])
    return _Made(data[:i] + b + data[i:], rng.choice(TEXT_SUFFIXES), f"byte {b!r} inserted at {i}", src)


def text_stray_bytes(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    k = rng.choice([2, 5, 20, 200, 2000])
    buf = bytearray(data)
    for _ in range(k):
        buf.insert(rng.randrange(len(buf)), rng.randrange(0x80, 0x100))
    return _Made(bytes(buf), rng.choice(TEXT_SUFFIXES), f"{k} stray bytes inserted", src)


def text_bitflip(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    k = rng.choice([1, 3, 16, 100])
    buf = bytearray(data)
    for _ in range(k):
        buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    return _Made(bytes(buf), rng.choice(TEXT_SUFFIXES), f"{k} bits flipped", src)


def _reencode(ctx: _Ctx, rng: random.Random, encoding: str, bom: bytes = b"", errors: str = "strict") -> _Made:
    src, data = ctx.seed(rng)
    out = bom + data.decode("utf-8").encode(encoding, errors=errors)
    return _Made(out, rng.choice(TEXT_SUFFIXES), f"re-encoded {encoding}{' with BOM' if bom else ''}", src)


def text_gb18030(ctx: _Ctx, rng: random.Random) -> _Made:
    return _reencode(ctx, rng, "gb18030")


def text_gb18030_damaged(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    out = bytearray(data.decode("utf-8").encode("gb18030"))
    how = rng.choice(["stray", "cut"])
    if how == "stray":
        i = rng.randrange(len(out))
        out.insert(i, rng.randrange(0x81, 0xFF))
        detail = f"GB18030, stray byte at {i}"
    else:
        hi = [i for i, b in enumerate(out) if b >= 0x81]
        cut = hi[-1] + 1
        del out[cut:]
        detail = f"GB18030, cut at {cut} inside the last character"
    return _Made(bytes(out), rng.choice(TEXT_SUFFIXES), detail, src)


def text_utf16le_bom(ctx: _Ctx, rng: random.Random) -> _Made:
    return _reencode(ctx, rng, "utf-16-le", b"\xff\xfe")


def text_utf16be_bom(ctx: _Ctx, rng: random.Random) -> _Made:
    return _reencode(ctx, rng, "utf-16-be", b"\xfe\xff")


def text_utf16le_nobom(ctx: _Ctx, rng: random.Random) -> _Made:
    return _reencode(ctx, rng, "utf-16-le")


def text_utf16_odd_length(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    out = b"\xff\xfe" + data.decode("utf-8").encode("utf-16-le")
    cut = len(out) - rng.choice([1, 3])
    return _Made(out[:cut], rng.choice(TEXT_SUFFIXES), f"UTF-16LE with BOM cut to an odd {cut} bytes", src)


def text_big5(ctx: _Ctx, rng: random.Random) -> _Made:
    return _reencode(ctx, rng, "big5", errors="replace")


def text_utf8_bom(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    return _Made(b"\xef\xbb\xbf" + data, rng.choice(TEXT_SUFFIXES), "UTF-8 with BOM", src)


def text_mixed_encodings(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    text = data.decode("utf-8")
    half = rng.randrange(len(text) // 4, 3 * len(text) // 4)
    other = rng.choice(["gb18030", "big5", "utf-16-le"])
    out = text[:half].encode("utf-8") + text[half:].encode(other, errors="replace")
    return _Made(out, rng.choice(TEXT_SUFFIXES), f"UTF-8 up to char {half}, then {other}", src)


def text_nul_bytes(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    buf = bytearray(data)
    k = rng.choice([1, 10, 1000])
    for _ in range(k):
        buf.insert(rng.randrange(len(buf)), 0)
    return _Made(bytes(buf), rng.choice(TEXT_SUFFIXES), f"{k} NUL bytes inserted", src)


def text_control_chars(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    text = list(data.decode("utf-8"))
    odd = ["\x0b", "\x1b", "\x7f", "\u200b", "\u200e", "\u202e", "\u2028", "\u2029", "\ufeff", "\u3000",
           "\u0301", "\U0001F4B0", "\uFFFD", "\x85"]
    k = rng.choice([10, 300, 3000])
    for _ in range(k):
        text.insert(rng.randrange(len(text)), rng.choice(odd))
    return _Made("".join(text).encode("utf-8"), rng.choice(TEXT_SUFFIXES), f"{k} control/format chars", src)


def text_formfeeds(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    every = rng.choice([1, 3])
    lines = data.decode("utf-8").split("\n")
    out = "".join(ln + ("\n\f" if i % every == 0 else "\n") for i, ln in enumerate(lines))
    return _Made(out.encode("utf-8"), rng.choice(TEXT_SUFFIXES), f"a form feed after every {every} line(s)", src)


def text_line_ends(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    end = rng.choice(["\r\n", "\r", "\n\n\n", "\u2028"])
    out = data.decode("utf-8").replace("\n", end).encode("utf-8")
    return _Made(out, rng.choice(TEXT_SUFFIXES), f"line ends {end!r}", src)


def text_truncated(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    cuts = [i for i, b in enumerate(data) if b == 0x0A]
    cut = rng.choice(cuts[: max(1, len(cuts) // 2)] + [rng.randrange(1, 64)])
    return _Made(data[:cut], rng.choice(TEXT_SUFFIXES), f"cut at byte {cut} of {len(data)}", src)


def text_lines_shuffled(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    lines = data.decode("utf-8").split("\n")
    rng.shuffle(lines)
    return _Made("\n".join(lines).encode("utf-8"), rng.choice(TEXT_SUFFIXES), "lines shuffled", src)


def text_invalid_utf8_forms(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    forms = [b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xe0\x80\xaf", b"\xf8\x88\x80\x80\x80"]
    k = rng.choice([1, 4, 40])
    buf = data
    for _ in range(k):
        i = rng.randrange(len(buf))
        buf = buf[:i] + rng.choice(forms) + buf[i:]
    return _Made(buf, rng.choice(TEXT_SUFFIXES), f"{k} surrogate/overlong/out-of-range UTF-8 forms", src)


def text_one_line(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    out = data.decode("utf-8").replace("\n", rng.choice(["", " ", "\t"])).encode("utf-8")
    return _Made(out, rng.choice(TEXT_SUFFIXES), "all lines joined into one", src)


def text_repeated(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.seed(rng)
    k = rng.choice([5, 20])
    return _Made(data * k, rng.choice(TEXT_SUFFIXES), f"the seed {k} times over", src)


def text_deep_markdown(ctx: _Ctx, rng: random.Random) -> _Made:
    lines = ctx.seed_lines(rng, 30)
    depth = rng.choice([200, 5000])
    parts = ["#" * depth + " " + lines[0], ">" * depth + " " + lines[1],
             "\n".join("  " * i + "- " + ln for i, ln in enumerate(lines[2:])),
             "|" + "|".join(lines[:10]) + "|", "|" + "---|" * 10, "```", *lines, "[" * depth + "]" * depth]
    return _Made("\n".join(parts).encode("utf-8"), ".md", f"Markdown nested {depth} deep")


def text_numbers_only(ctx: _Ctx, rng: random.Random) -> _Made:
    rows = rng.choice([100, 3000])
    lines = [" ".join(f"{rng.randrange(10**7) / 100:,.2f}" for _ in range(rng.randrange(1, 12))) for _ in range(rows)]
    return _Made("\n".join(lines).encode("utf-8"), rng.choice(TEXT_SUFFIXES), f"{rows} lines of bare figures")


def text_whitespace_only(ctx: _Ctx, rng: random.Random) -> _Made:
    ws = rng.choice([" ", "\n", "\t", "\u3000", "\r\n", "\f"])
    return _Made((ws * rng.randrange(1, 5000)).encode("utf-8"), rng.choice(TEXT_SUFFIXES), f"only {ws!r}")


def text_bom_only(ctx: _Ctx, rng: random.Random) -> _Made:
    bom = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
    return _Made(bom, rng.choice(TEXT_SUFFIXES), f"only the BOM {bom!r}")


def empty_file(ctx: _Ctx, rng: random.Random) -> _Made:
    return _Made(b"", rng.choice(SUFFIXES), "0 bytes")


def random_bytes(ctx: _Ctx, rng: random.Random) -> _Made:
    size = rng.choice([1, 7, 512, 8192, 100_000])
    suffix = rng.choice(SUFFIXES)
    head = rng.choice([b"", b"", b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xef\xbb\xbf", b"\xff\xfe"])
    return _Made(head + rng.randbytes(size), suffix, f"{size} random bytes after {head!r}")


def random_high_bytes(ctx: _Ctx, rng: random.Random) -> _Made:
    """Random bytes with no NUL (so they are sniffed as text): every decoder has to refuse or salvage them."""
    size = rng.choice([10, 3000, 60_000])
    lo = rng.choice([0x01, 0x80])
    data = bytes(rng.randrange(lo, 0x100) for _ in range(size))
    return _Made(data, rng.choice(TEXT_SUFFIXES), f"{size} random bytes in {lo:#x}..0xff")


_FIGURE_UNITS = ["亿", "亿元", "万元", "元", "%", "万", "千元", "", "个百分点"]
_FIGURE_SEPS = [",", "，", "", ".", "、", "；", " ", "元,"]


def text_figures_one_line(ctx: _Ctx, rng: random.Random) -> _Made:
    """The issue's 275 KB broken export: one line of figures with no sentence end (made to 300 KB)."""
    target = 300 * 1024
    parts: list[str] = []
    size = 0
    while size < target:
        n = rng.randrange(10**rng.randrange(1, 7))
        tok = f"{n}.{rng.randrange(100):02d}" if rng.random() < 0.6 else str(n)
        tok += rng.choice(_FIGURE_UNITS) + rng.choice(_FIGURE_SEPS)
        parts.append(tok)
        size += len(tok.encode("utf-8"))
    return _Made("".join(parts).encode("utf-8"), ".txt", f"one line of {len(parts)} figures, {size} bytes")


def text_million_cells(ctx: _Ctx, rng: random.Random) -> _Made:
    """A table of 1,000,000 cells as text: a real table title and header, then 10,000 rows of 100 figures."""
    rows, cols = 10_000, 100
    out = io.StringIO()
    out.write("2024年度部门决算\n公开01表\n收入支出决算总表\n单位：万元\n")
    out.write("\t".join(["项目"] + [f"栏{j}" for j in range(1, cols)]) + "\n")
    for i in range(rows):
        out.write(f"{2010101 + i}\t" + "\t".join(f"{rng.randrange(10**6) / 100:.2f}" for _ in range(cols - 1)) + "\n")
    data = out.getvalue().encode("utf-8")
    return _Made(data, ".txt", f"{rows} x {cols} cells, {len(data)} bytes")


# --------------------------------------------------------------------------------------------
# PDF: real ones damaged


def pdf_truncated(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.pdf(rng)
    frac = rng.choice([0.1, 0.5, 0.9, 0.99, rng.random()])
    cut = max(1, int(len(data) * frac))
    return _Made(data[:cut], ".pdf", f"cut at byte {cut} of {len(data)}", src)


def pdf_truncated_head(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.pdf(rng)
    cut = rng.choice([5, 9, 64, 1024])
    return _Made(data[:cut], ".pdf", f"only the first {cut} bytes", src)


def pdf_bitflip(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.pdf(rng)
    k = rng.choice([1, 10, 100, 1000])
    buf = bytearray(data)
    for _ in range(k):
        buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    return _Made(bytes(buf), ".pdf", f"{k} bits flipped", src)


def pdf_burst(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.pdf(rng)
    length = rng.choice([16, 512, 4096, 65536])
    i = rng.randrange(max(1, len(data) - length))
    out = data[:i] + rng.randbytes(length) + data[i + length:]
    return _Made(out, ".pdf", f"{length} random bytes written over offset {i}", src)


def pdf_no_trailer(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.pdf(rng)
    i = data.rfind(b"xref")
    if i <= 0:
        i = len(data) - 256
    return _Made(data[:i], ".pdf", f"cut before the last xref (byte {i})", src)


def pdf_startxref_wrong(ctx: _Ctx, rng: random.Random) -> _Made:
    src, data = ctx.pdf(rng)
    i = data.rfind(b"startxref")
    if i < 0:
        return pdf_bitflip(ctx, rng)
    j = data.find(b"%%EOF", i)
    wrong = rng.choice([0, 1, len(data) + 10**6, rng.randrange(len(data)), -5])
    out = data[:i] + f"startxref\n{wrong}\n".encode() + data[j:]
    return _Made(out, ".pdf", f"startxref says {wrong}", src)


def pdf_garbage_body(ctx: _Ctx, rng: random.Random) -> _Made:
    size = rng.choice([100, 10_000, 200_000])
    return _Made(b"%PDF-1.7\n" + rng.randbytes(size) + b"\n%%EOF\n", ".pdf", f"header, {size} random bytes, %%EOF")


def pdf_encrypted(ctx: _Ctx, rng: random.Random) -> _Made:
    import pymupdf

    src, data = ctx.pdf(rng)
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        user = rng.choice(["", "secret"])
        method = rng.choice([pymupdf.PDF_ENCRYPT_RC4_128, pymupdf.PDF_ENCRYPT_AES_256])
        out = doc.tobytes(encryption=method, owner_pw="owner", user_pw=user, no_new_id=True)
    return _Made(out, ".pdf", f"encryption {method}, user password {user!r}", src)


def pdf_rotated(ctx: _Ctx, rng: random.Random) -> _Made:
    import pymupdf

    src, data = ctx.pdf(rng)
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for page in doc:
            page.set_rotation(rng.choice([90, 180, 270]))
        out = doc.tobytes(no_new_id=True)
    return _Made(out, ".pdf", "every page rotated", src)


def pdf_incremental_chain(ctx: _Ctx, rng: random.Random) -> _Made:
    """A real PDF with a long chain of incremental updates (each its own xref section with a /Prev)."""
    import pymupdf

    import tempfile

    src, data = ctx.pdf(rng)
    k = rng.choice([20, 100])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "chain.pdf")
        with open(path, "wb") as f:
            f.write(data)
        for i in range(k):
            with pymupdf.open(path) as doc:
                doc.set_metadata({"title": f"update {i}"})
                doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP, no_new_id=True)
        with open(path, "rb") as f:
            buf = f.read()
    return _Made(buf, ".pdf", f"{k} incremental updates", src)


# --------------------------------------------------------------------------------------------
# PDF: made with PyMuPDF


def _new_pdf():
    import pymupdf

    return pymupdf.open()


def _text(page, lines: list[str], at: tuple[float, float] = (40, 60), size: float = 9) -> None:
    y = at[1]
    for ln in lines:
        page.insert_text((at[0], y), ln[:60], fontname="china-s", fontsize=size)
        y += size * 1.6


def pdf_zero_size_page(ctx: _Ctx, rng: random.Random) -> _Made:
    doc = _new_pdf()
    boxes = rng.choice([["[0 0 0 0]"], ["[0 0 0 0]", "[0 0 595 842]"], ["[100 100 0 0]"], ["[0 0 -595 -842]"],
                        ["[0 0 0.001 0.001]"]])
    for box in boxes:
        page = doc.new_page()
        _text(page, ctx.seed_lines(rng, 20))
        doc.xref_set_key(page.xref, "MediaBox", box)
    out = doc.tobytes(no_new_id=True)
    doc.close()
    return _Made(out, ".pdf", f"MediaBoxes {boxes}")


def pdf_ruling_lines(ctx: _Ctx, rng: random.Random) -> _Made:
    doc = _new_pdf()
    page = doc.new_page()
    k = 10_000
    shape = page.new_shape()
    for _ in range(k):
        x, y = rng.uniform(20, 575), rng.uniform(20, 820)
        if rng.random() < 0.5:
            shape.draw_line((x, y), (x + rng.uniform(0.1, 3), y))
        else:
            shape.draw_line((x, y), (x, y + rng.uniform(0.1, 3)))
    shape.finish(width=0.3)
    shape.commit()
    _text(page, ctx.seed_lines(rng, 40), size=7)
    out = doc.tobytes(deflate=True, no_new_id=True)
    doc.close()
    return _Made(out, ".pdf", f"{k} tiny ruling lines and 40 lines of text")


def pdf_ruled_grid(ctx: _Ctx, rng: random.Random) -> _Made:
    """A dense ruled table: rows x cols cells of figures on one big page (written by hand, titled by PyMuPDF)."""
    import pymupdf

    rows, cols = rng.choice([(200, 40), (60, 100)])
    cw, ch = 40, 10
    w, h = cols * cw + 80, rows * ch + 120
    ops = [b"0.3 w"]
    for r in range(rows + 1):
        y = h - 80 - r * ch
        ops.append(b"40 %d m %d %d l S" % (y, 40 + cols * cw, y))
    for c in range(cols + 1):
        x = 40 + c * cw
        ops.append(b"%d %d m %d %d l S" % (x, h - 80, x, h - 80 - rows * ch))
    ops.append(b"BT /F1 5 Tf")
    for r in range(rows):
        for c in range(cols):
            ops.append(b"1 0 0 1 %d %d Tm (%d.%02d) Tj" % (42 + c * cw, h - 88 - r * ch, rng.randrange(10**4),
                                                           rng.randrange(100)))
    ops.append(b"ET")
    objs = _simple_objects(b"\n".join(ops), compress=True)
    objs[2] = objs[2].replace(b"[0 0 595 842]", b"[0 0 %d %d]" % (w, h))
    with pymupdf.open(stream=_raw_pdf(objs), filetype="pdf") as doc:
        doc[0].insert_text((40, 40), "收入支出决算总表", fontname="china-s", fontsize=12)
        doc[0].insert_text((40, 58), "单位：万元", fontname="china-s", fontsize=8)
        out = doc.tobytes(deflate=True, no_new_id=True)
    return _Made(out, ".pdf", f"ruled grid of {rows} x {cols} cells")


def pdf_huge_page(ctx: _Ctx, rng: random.Random) -> _Made:
    doc = _new_pdf()
    page = doc.new_page(width=14400, height=14400)
    for _ in range(30):
        _text(page, ctx.seed_lines(rng, 5), at=(rng.uniform(0, 14000), rng.uniform(20, 14000)), size=rng.choice([2, 9, 300]))
    box = rng.choice([None, "[0 0 1000000 1000000]", "[-1e9 -1e9 1e9 1e9]"])
    if box:
        doc.xref_set_key(page.xref, "MediaBox", box)
    out = doc.tobytes(no_new_id=True)
    doc.close()
    return _Made(out, ".pdf", f"14400 x 14400 pt page, MediaBox {box or 'as made'}")


def _many_pages(ctx: _Ctx, rng: random.Random, n: int) -> bytes:
    """n small pages, each with a line of figures (written by hand: PyMuPDF takes ~10 ms a page)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n)), n),
            _HELV]
    for i in range(n):
        ops = b"BT /F1 8 Tf 20 150 Td (page %d total %d.%02d budget %d.%02d) Tj ET" % (
            i + 1, rng.randrange(10**6), rng.randrange(100), rng.randrange(10**6), rng.randrange(100))
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /Font << /F1 3 0 R >> >>"
                    b" /Contents %d 0 R >>" % (5 + 2 * i))
        objs.append(_stream(ops))
    return _raw_pdf(objs)


def pdf_pages_under_limit(ctx: _Ctx, rng: random.Random) -> _Made:
    n = max(1, ctx.max_pages - 1)
    return _Made(_many_pages(ctx, rng, n), ".pdf", f"{n} pages (the limit is {ctx.max_pages})")


def pdf_pages_over_limit(ctx: _Ctx, rng: random.Random) -> _Made:
    n = ctx.max_pages + 1
    return _Made(_many_pages(ctx, rng, n), ".pdf", f"{n} pages (the limit is {ctx.max_pages})")


def pdf_empty_pages(ctx: _Ctx, rng: random.Random) -> _Made:
    doc = _new_pdf()
    k = rng.choice([1, 50])
    for _ in range(k):
        doc.new_page()
    out = doc.tobytes(no_new_id=True)
    doc.close()
    return _Made(out, ".pdf", f"{k} pages without content")


def pdf_invisible_text(ctx: _Ctx, rng: random.Random) -> _Made:
    doc = _new_pdf()
    page = doc.new_page()
    y = 60
    for ln in ctx.seed_lines(rng, 30):
        page.insert_text((40, y), ln[:60], fontname="china-s", fontsize=9, render_mode=3)
        y += 15
    out = doc.tobytes(no_new_id=True)
    doc.close()
    return _Made(out, ".pdf", "text in render mode 3 (invisible)")


def pdf_tiny_words(ctx: _Ctx, rng: random.Random) -> _Made:
    """20,000 one-character words in a grid (word boxes by the thousand, no ruling lines)."""
    doc = _new_pdf()
    page = doc.new_page(width=1000, height=1000)
    k = 0
    for r in range(200):
        page.insert_text((2, 5 + r * 5), " ".join(rng.choice("0123456789.,元万亿%") for _ in range(100)), fontname="china-s", fontsize=2)
        k += 100
    out = doc.tobytes(deflate=True, no_new_id=True)
    doc.close()
    return _Made(out, ".pdf", f"{k} one-character words")


# --------------------------------------------------------------------------------------------
# PDF: written by hand (structures PyMuPDF would not write)


def _raw_pdf(objects: list[bytes], *, root: int = 1, offsets: str = "right", prev_self: bool = False,
             trailer_extra: bytes = b"") -> bytes:
    """A PDF with these objects (1-based), an xref table and a trailer; ``offsets`` right/wrong/zero."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    pos = []
    for i, body in enumerate(objects, 1):
        pos.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for p in pos:
        p = {"right": p, "wrong": p + 7, "zero": 0}[offsets]
        out += b"%010d 00000 n \n" % p
    prev = b" /Prev %d" % xref_at if prev_self else b""
    out += b"trailer\n<< /Size %d /Root %d 0 R%s%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, prev, trailer_extra, xref_at)
    return bytes(out)


def _stream(content: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        content = zlib.compress(content, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


_HELV = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _simple_objects(content: bytes, font: bytes = _HELV, compress: bool = False) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        _stream(content, compress=compress),
        font,
    ]


_TEXT_OPS = b"BT /F1 12 Tf 50 800 Td (2024 budget 123.45 total 678.90) Tj ET"


def pdf_xref_prev_loop(ctx: _Ctx, rng: random.Random) -> _Made:
    return _Made(_raw_pdf(_simple_objects(_TEXT_OPS), prev_self=True), ".pdf", "trailer /Prev points at its own xref")


def pdf_xref_offsets_wrong(ctx: _Ctx, rng: random.Random) -> _Made:
    how = rng.choice(["wrong", "zero"])
    return _Made(_raw_pdf(_simple_objects(_TEXT_OPS), offsets=how), ".pdf", f"every xref offset {how}")


def pdf_deep_page_tree(ctx: _Ctx, rng: random.Random) -> _Made:
    depth = rng.choice([100, 2000])
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    # objects 2 .. depth+1 are /Pages nodes, each the only kid of the one before
    for d in range(depth):
        me, kid = 2 + d, 3 + d
        parent = b" /Parent %d 0 R" % (me - 1) if d else b""
        objs.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (kid, parent))
    page_no = 2 + depth
    objs.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >>"
                b" /Contents %d 0 R >>" % (page_no - 1, page_no + 2, page_no + 1))
    objs.append(_stream(_TEXT_OPS))
    objs.append(_HELV)
    return _Made(_raw_pdf(objs), ".pdf", f"page tree {depth} levels deep")


def pdf_page_tree_cycle(ctx: _Ctx, rng: random.Random) -> _Made:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1000000 >>"]
    return _Made(_raw_pdf(objs), ".pdf", "page tree whose kids are its own ancestors, /Count 1000000")


def pdf_deep_arrays(ctx: _Ctx, rng: random.Random) -> _Made:
    depth = rng.choice([1000, 50_000])
    objs = _simple_objects(_TEXT_OPS)
    objs.append(b"[" * depth + b"]" * depth)
    objs[0] = b"<< /Type /Catalog /Pages 2 0 R /Deep 6 0 R /D2 " + b"<<" * min(depth, 5000) + b">>" * min(depth, 5000) + b" >>"
    return _Made(_raw_pdf(objs), ".pdf", f"arrays nested {depth} deep")


def pdf_font_no_text(ctx: _Ctx, rng: random.Random) -> _Made:
    """A CID font without /ToUnicode and without a font file: the glyphs show but carry no text."""
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /NoSuchFont /Encoding /Identity-H /DescendantFonts [6 0 R] >>")
    cid = b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoSuchFont /CIDSystemInfo << /Registry (Adobe)" \
          b" /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R >>"
    desc = b"<< /Type /FontDescriptor /FontName /NoSuchFont /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0" \
           b" /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>"
    glyphs = b"".join(b"<%04x> Tj " % rng.randrange(1, 0xFFFF) for _ in range(40))
    ops = b"BT /F1 12 Tf 50 800 Td " + glyphs + b"0 -20 Td (123.45) Tj ET"
    objs = _simple_objects(ops, font=font) + [cid, desc]
    return _Made(_raw_pdf(objs), ".pdf", "Type0 font without ToUnicode or font file")


def pdf_no_font_resource(ctx: _Ctx, rng: random.Random) -> _Made:
    objs = _simple_objects(b"BT /F9 12 Tf 50 800 Td (2024 123.45) Tj ET /X0 Do q Q Q Q")
    objs[2] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    return _Made(_raw_pdf(objs), ".pdf", "text with a font and an XObject that are not in the resources")


def pdf_inflate_bomb(ctx: _Ctx, rng: random.Random) -> _Made:
    """A content stream of 8 KB that inflates to 64 MB (text operators repeated, then spaces)."""
    body = _TEXT_OPS + b"\n" + b" " * (64 * 1024 * 1024)
    return _Made(_raw_pdf(_simple_objects(body, compress=True)), ".pdf", "Flate stream inflating to 64 MB")


def pdf_many_text_ops(ctx: _Ctx, rng: random.Random) -> _Made:
    """One page with 100,000 text-show operators of figures over each other."""
    k = 100_000
    ops = b"BT /F1 6 Tf " + b"".join(b"1 0 0 1 %d %d Tm (%d.%02d) Tj " % (rng.randrange(595), rng.randrange(842),
                                     rng.randrange(10**5), rng.randrange(100)) for _ in range(k)) + b"ET"
    return _Made(_raw_pdf(_simple_objects(ops, compress=True)), ".pdf", f"{k} text operators on one page")


# --------------------------------------------------------------------------------------------
# web pages and Word files (the seeds as derived by tests/formats.py, damaged; or made up)


def _flip(data: bytes, rng: random.Random, k: int) -> bytes:
    buf = bytearray(data)
    for _ in range(k):
        i = rng.randrange(len(buf))
        buf[i] ^= 1 << rng.randrange(8)
    return bytes(buf)


def _truncated(files: list[tuple[str, bytes]], rng: random.Random, suffix: str) -> _Made:
    src, data = rng.choice(files)
    cut = rng.choice([rng.randrange(1, 200), rng.randrange(1, len(data))])
    return _Made(data[:cut], suffix, f"cut at byte {cut} of {len(data)}", src)


def _bitflipped(files: list[tuple[str, bytes]], rng: random.Random, suffix: str, ks: list[int]) -> _Made:
    src, data = rng.choice(files)
    k = rng.choice(ks)
    return _Made(_flip(data, rng, k), suffix, f"{k} bits flipped", src)


def html_truncated(ctx: _Ctx, rng: random.Random) -> _Made:
    return _truncated(ctx.pages, rng, rng.choice([".html", ".htm"]))


def html_bitflip(ctx: _Ctx, rng: random.Random) -> _Made:
    return _bitflipped(ctx.pages, rng, ".html", [1, 10, 1000])


def html_charset_lie(ctx: _Ctx, rng: random.Random) -> _Made:
    """A page declared in one charset and written in another (GB18030 declared UTF-8, UTF-8 declared GB2312, Big5)."""
    src, data = rng.choice(ctx.pages)
    text = data.decode("utf-8")
    declared, written = rng.choice([("utf-8", "gb18030"), ("gb2312", "utf-8"), ("big5", "gb18030"),
                                    ("no-such-charset", "utf-8")])
    text = text.replace("charset=utf-8", f"charset={declared}")
    return _Made(text.encode(written, errors="replace"), ".html", f"declared {declared}, written {written}", src)


def html_deep_nesting(ctx: _Ctx, rng: random.Random) -> _Made:
    tag = rng.choice([b"div", b"table><tr><td", b"span", b"b"])
    close = b"/" + tag.split(b">")[0] if b">" not in tag else b"/td></tr></table"
    n = rng.choice([3_000, 100_000])
    line = "；".join(ctx.seed_lines(rng, 3)).encode("utf-8")
    data = b"<html><body>" + (b"<" + tag + b">") * n + line + (b"<" + close + b">") * n + b"</body></html>"
    return _Made(data, ".html", f"{n} nested <{tag.decode()}>")


def html_span_bomb(ctx: _Ctx, rng: random.Random) -> _Made:
    span = rng.choice([b"colspan=1000", b"rowspan=65534", b"colspan=1000 rowspan=65534", b"colspan=-5 rowspan=x"])
    rows = rng.choice([10, 200])
    row = b"<tr>" + (b"<td " + span + b">1.00</td>") * 500 + b"</tr>"
    return _Made(b"<table>" + row * rows + b"</table>", ".html", f"{rows} rows of 500 cells with {span.decode()}")


def mhtml_broken(ctx: _Ctx, rng: random.Random) -> _Made:
    src, page = rng.choice(ctx.pages)
    body = rng.choice([b"!!! not base64 !!!" * 100, page[: len(page) // 3], b""])
    enc = rng.choice([b"base64", b"quoted-printable", b"8bit"])
    data = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"\r\n\r\n--B\r\n'
            b"Content-Type: text/html\r\nContent-Transfer-Encoding: " + enc + b"\r\n\r\n" + body
            + rng.choice([b"\r\n--B--\r\n", b""]))
    return _Made(data, rng.choice([".mhtml", ".mht"]), f"{enc.decode()} part of {len(body)} bytes", src)


def docx_truncated(ctx: _Ctx, rng: random.Random) -> _Made:
    return _truncated(ctx.words, rng, ".docx")


def docx_bitflip(ctx: _Ctx, rng: random.Random) -> _Made:
    return _bitflipped(ctx.words, rng, ".docx", [1, 10, 300])


def docx_bad_part(ctx: _Ctx, rng: random.Random) -> _Made:
    """A Word file whose document.xml (or styles.xml) is cut, garbage or another XML."""
    import zipfile

    src, data = rng.choice(ctx.words)
    member = rng.choice(["word/document.xml", "word/styles.xml"])
    how = rng.choice(["cut", "garbage", "other xml", "missing"])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            body = z.read(info.filename)
            if info.filename == member:
                if how == "missing":
                    continue
                body = {"cut": body[: len(body) // 2], "garbage": rng.randbytes(2000),
                        "other xml": b"<?xml version='1.0'?><html><body>x</body></html>"}[how]
            w.writestr(info.filename, body)
    return _Made(out.getvalue(), ".docx", f"{member} {how}", src)


def docx_zip_bomb(ctx: _Ctx, rng: random.Random) -> _Made:
    import zipfile

    size = rng.choice([80, 160]) << 20
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("word/document.xml", b"<" + b"w" * size)
    return _Made(out.getvalue(), ".docx", f"word/document.xml unpacks to {size >> 20} MB")


def docx_not_word(ctx: _Ctx, rng: random.Random) -> _Made:
    """A zip that is no Word document (an Excel workbook's parts, a plain archive) named .docx, or an old .doc."""
    import zipfile

    if rng.random() < 0.3:
        ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(rng.choice([100, 20_000]))
        return _Made(ole, rng.choice([".doc", ".docx"]), "an OLE (Word 97–2003) file")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in rng.choice([["xl/workbook.xml", "[Content_Types].xml"], ["readme.txt"], []]):
            z.writestr(name, b"<x/>")
    return _Made(out.getvalue(), ".docx", "a zip without word/document.xml")


# --------------------------------------------------------------------------------------------
# odd names (the content is readable: a seed or a small PDF)


def _named(ctx: _Ctx, rng: random.Random, stem: bytes) -> _Made:
    if rng.random() < 0.7:
        src, data = ctx.seed(rng)
        suffix = rng.choice([".txt", ".md"])
    else:
        src, data = min(ctx.pdfs, key=lambda p: len(p[1]))
        suffix = ".pdf"
    return _Made(data, suffix, f"name {stem!r}", src, name=stem + suffix.encode())


def name_spaces(ctx, rng):
    return _named(ctx, rng, rng.choice([b"  a report  with   spaces ", b" leading", "报告 2024 年 决算 ".encode()]))


def name_newline(ctx, rng):
    return _named(ctx, rng, rng.choice([b"line\nbreak", b"\n", b"cr\rlf\r\n"]))


def name_not_utf8(ctx, rng):
    return _named(ctx, rng, rng.choice([b"bad\xff\xfe", b"\xc3(", b"x\xed\xa0\x80y", "部门决算".encode("gb18030")]))


def name_very_long(ctx, rng):
    unit = rng.choice([b"a", "决".encode()])
    return _named(ctx, rng, unit * (240 // len(unit)))


def name_quotes_tabs(ctx, rng):
    return _named(ctx, rng, rng.choice([b"it's \"quoted\"", b"tab\there", b"back\\slash", b"$(echo hi)`x`;|&<>*?"]))


def name_leading_dash(ctx, rng):
    return _named(ctx, rng, rng.choice([b"--format", b"-", b"-rf"]))


def name_unicode(ctx, rng):
    s = rng.choice(["💰预算📊", unicodedata.normalize("NFD", "résumé_Å"), "\u202eevil\u202c", "\u200b", "ﬁ ＡＢＣ１２３"])
    return _named(ctx, rng, s.encode("utf-8"))


def name_dots(ctx, rng):
    return _named(ctx, rng, rng.choice([b"a..b...", b"...", b"x.pdf.txt", b"report.txt"]))


#: kind -> maker, in the order the round-robin takes them.
KINDS: dict[str, Callable[[_Ctx, random.Random], _Made]] = {
    f.__name__: f
    for f in [
        text_cut_mid_char, text_stray_byte, text_stray_bytes, text_bitflip, text_gb18030, text_gb18030_damaged,
        text_utf16le_bom, text_utf16be_bom, text_utf16le_nobom, text_utf16_odd_length, text_big5, text_utf8_bom,
        text_mixed_encodings, text_nul_bytes, text_control_chars, text_formfeeds, text_line_ends, text_truncated,
        text_lines_shuffled, text_invalid_utf8_forms, text_one_line, text_repeated, text_deep_markdown,
        text_numbers_only, text_whitespace_only, text_bom_only, empty_file, random_bytes, random_high_bytes,
        text_figures_one_line, text_million_cells,
        pdf_truncated, pdf_truncated_head, pdf_bitflip, pdf_burst, pdf_no_trailer, pdf_startxref_wrong,
        pdf_garbage_body, pdf_encrypted, pdf_rotated, pdf_incremental_chain,
        pdf_zero_size_page, pdf_ruling_lines, pdf_ruled_grid, pdf_huge_page, pdf_pages_under_limit,
        pdf_pages_over_limit, pdf_empty_pages, pdf_invisible_text, pdf_tiny_words,
        pdf_xref_prev_loop, pdf_xref_offsets_wrong, pdf_deep_page_tree, pdf_page_tree_cycle, pdf_deep_arrays,
        pdf_font_no_text, pdf_no_font_resource, pdf_inflate_bomb, pdf_many_text_ops,
        name_spaces, name_newline, name_not_utf8, name_very_long, name_quotes_tabs, name_leading_dash,
        name_unicode, name_dots,
        html_truncated, html_bitflip, html_charset_lie, html_deep_nesting, html_span_bomb, mhtml_broken,
        docx_truncated, docx_bitflip, docx_bad_part, docx_zip_bomb, docx_not_word,
    ]
}

#: Kinds made once per run, whatever n (big or slow to make or to read).
HEAVY_KINDS = frozenset({
    "text_figures_one_line", "text_million_cells", "pdf_pages_under_limit", "pdf_pages_over_limit",
    "pdf_inflate_bomb", "pdf_many_text_ops", "pdf_incremental_chain", "text_repeated",
    "docx_zip_bomb", "html_deep_nesting",
})


def _schedule(n: int, kinds: list[str]) -> list[str]:
    """n kinds: every kind once in KINDS order (heavy ones once only), then the light ones round-robin."""
    first = kinds[:n]
    light = [k for k in kinds if k not in HEAVY_KINDS] or kinds
    rest = [light[i % len(light)] for i in range(max(0, n - len(first)))]
    return first + rest


def generate(out_dir: str | os.PathLike, n: int, seed: int, *, max_pages: int | None = None,
             kinds: list[str] | None = None, data_dir: Path = DATA,
             max_pdf_bytes: int | None = None) -> list[FuzzInput]:
    """Write n hostile files into ``out_dir`` (made if missing) and return them with their damage.

    ``max_pages``: the page limit the many-pages kinds are made against (default: the reader's
    ``CROSSFOOT_MAX_PAGES``, 5000); ``kinds``: only these kinds (default all, in KINDS order);
    ``max_pdf_bytes``: only real PDFs up to this size are damaged (smaller is faster to check).
    """
    if max_pages is None:
        max_pages = int(os.environ.get("CROSSFOOT_MAX_PAGES", "5000"))
    chosen = list(kinds) if kinds is not None else list(KINDS)
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown kinds: {unknown}")
    ctx = _Ctx(Path(data_dir), max_pages, max_pdf_bytes)
    out = os.fsencode(os.fspath(out_dir))
    os.makedirs(out, exist_ok=True)
    made: list[FuzzInput] = []
    for i, kind in enumerate(_schedule(n, chosen)):
        rng = random.Random(f"{seed}:{i}:{kind}")  # each file its own stream: one kind's change moves no other
        m = KINDS[kind](ctx, rng)
        name = b"%05d_" % i + (m.name if m.name is not None else kind.encode() + m.suffix.encode())
        path = os.path.join(out, name)
        with open(path, "wb") as f:
            f.write(m.data)
        made.append(FuzzInput(Path(os.fsdecode(path)), kind, m.detail, m.source, len(m.data)))
    return made
