"""Scanned copies of real-shaped PDFs, made by the tests themselves.

A text-layer PDF (a corpus report, a generated report printed by Chromium)
is rendered page by page with pdfium and put back together as a PDF of
pictures only: what an agency's scanner makes. Options give the scanner's
faults: the resolution, a slight tilt, and JPEG compression noise.
"""

from __future__ import annotations

import io
import random


def image_only_pdf(pdf: bytes, dpi: int = 150, rotate: float = 0.0, jpeg_quality: int = 85, noise: int = 0,
                   seed: int = 0, erase: tuple[tuple[int, tuple[float, float, float, float]], ...] = ()) -> bytes:
    """`pdf` as pictures: each page rendered at `dpi`, turned by `rotate`
    degrees (white fill), speckled with `noise` grey levels of random noise,
    and stored as a JPEG of `jpeg_quality` in a PDF without any text.

    `erase` lists (page, box in points) to paint white inside their ruling
    lines before the page is tilted: a figure the scan lost (a faint print, a
    stamp's white-out), for the tests of what the identities do then."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    doc = pdfium.PdfDocument(pdf)
    pages = []
    rng = random.Random(seed)
    try:
        for page in doc:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            number = len(pages) + 1
            for at, (x0, top, x1, bottom) in erase:
                if at == number:
                    k, inset = dpi / 72, max(3, dpi // 40)
                    ImageDraw.Draw(image).rectangle(
                        (x0 * k + inset, top * k + inset, x1 * k - inset, bottom * k - inset), fill=255)
            if rotate:
                image = image.rotate(rotate, resample=Image.BICUBIC, expand=False, fillcolor=255)
            if noise:
                image = _speckle(image, noise, rng)
            pages.append(image)
    finally:
        doc.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=jpeg_quality)
    return out.getvalue()


def _speckle(image, amount: int, rng: random.Random):  # noqa: ANN001, ANN202 (PIL image)
    """Grey noise of ±`amount` levels, as a scanner's sensor adds."""
    import numpy as np

    arr = np.asarray(image, dtype=np.int16)
    noise = np.random.default_rng(rng.randrange(2**32)).integers(-amount, amount + 1, arr.shape, dtype=np.int16)
    from PIL import Image

    return Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8), "L")
