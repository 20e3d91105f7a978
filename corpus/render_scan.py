"""Reports as scans: each page of a PDF rendered to an image and wrapped as an image-only PDF.

``--format scan`` of the generator writes the report this way (same truth records as ``pdf``);
the scan bench and tests make the scans of real reports the same way, at run time.
"""

from __future__ import annotations

from collections.abc import Iterable

SCAN_DPI = 200


def scan_pdf(pdf: bytes, dpi: int = SCAN_DPI, pages: Iterable[int] | None = None) -> bytes:
    """An image-only PDF of ``pdf``'s pages (0-based ``pages``, default all): each page a grey
    image of it at ``dpi``, the page's size kept, no text layer."""
    import pymupdf

    with pymupdf.open(stream=pdf, filetype="pdf") as src, pymupdf.open() as out:
        for i in (range(src.page_count) if pages is None else pages):
            page = src[i]
            pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
            shown = page.rect  # as shown: a turned page is scanned as it is read
            new = out.new_page(width=shown.width, height=shown.height)
            new.insert_image(new.rect, stream=pix.tobytes("png"))
        return out.tobytes(garbage=3, deflate=True)
