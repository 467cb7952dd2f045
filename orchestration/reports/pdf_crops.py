"""The region of a PDF page a table was read from, as an image embedded in a report page.

A maintainer deciding whether a quarantined PDF report was misread needs to
see the printed table next to the table as read, without opening the PDF and
finding the page. Every fact read from a PDF carries its cell's box
(`pdf p3 (x0,top,x1,bottom)` in points, from pdfplumber); the band of the
page from the top of a table's cells to their bottom, with a margin and at
the page's full width (so the row labels show), is rendered with pypdfium2 (what
pdfplumber itself renders with) and embedded as a PNG `data:` URI, so the
report page stays one self-contained file.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterable

_BOX = re.compile(r"^pdf p(\d+) \((\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)\)")
MARGIN = 8.0  # points above and below the cells' union
SCALE = 1.6  # pixels per point (≈115 dpi): digits legible, a table ≈ 100–300 KB
MAX_PAGES = 3  # regions per table (a table rarely spans more pages)


def regions(locations: Iterable[str | None]) -> dict[int, tuple[float, float, float, float]]:
    """Page (1-based) → the union box (x0, top, x1, bottom) of the PDF cell locations on it."""
    out: dict[int, list[float]] = {}
    for loc in locations:
        m = _BOX.match(loc or "")
        if not m:
            continue
        page, box = int(m.group(1)), [float(m.group(k)) for k in range(2, 6)]
        if page in out:
            u = out[page]
            out[page] = [min(u[0], box[0]), min(u[1], box[1]), max(u[2], box[2]), max(u[3], box[3])]
        else:
            out[page] = box
    return {p: tuple(b) for p, b in sorted(out.items())[:MAX_PAGES]}


def crops(pdf_bytes: bytes, boxes: dict[int, tuple[float, float, float, float]]) -> list[tuple[int, str]]:
    """(page, data URI of a PNG) for each region; a page that cannot be rendered is left out."""
    if not boxes:
        return []
    import pypdfium2 as pdfium  # imported here: only report pages of PDF reports need it

    out = []
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        for page_no, (x0, top, x1, bottom) in boxes.items():
            if not 1 <= page_no <= len(pdf):
                continue
            page = pdf[page_no - 1]
            width, height = page.get_size()
            left, right = 0.0, width  # the whole width: the row labels are left of the value cells
            upper, lower = max(0.0, top - MARGIN), min(height, bottom + MARGIN)
            if right <= left or lower <= upper:
                continue
            bitmap = page.render(scale=SCALE, crop=(left, height - lower, width - right, upper))
            buf = io.BytesIO()
            bitmap.to_pil().save(buf, format="PNG", optimize=True)
            out.append((page_no, "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")))
    finally:
        pdf.close()
    return out
