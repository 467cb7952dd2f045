"""The OCR engine: page images → text boxes and table rulings, offline.

Scanned reports (a PDF whose pages are pictures) and web pages that show
their tables as images are read by RapidOCR's ONNX models, which ship
inside the `rapidocr` wheel (PP-OCRv6 detection and recognition): nothing
is fetched at run time, the model files are passed by path so the library
never looks for a download. The engine and OpenCV are imported only when
a page needs them, so loads of ordinary inputs never pay for them.

This module does the image work only (render, deskew, find ruling lines,
recognise text) and returns plain values (`transforms.ocr_layout.OcrPage`);
turning boxes into text lines and table grids is pure and lives in
`transforms.ocr_layout`. Like orchestration.engine.convert it is I/O and runs inside
the parser's worker processes, under the per-document time and memory
limits; `read_pdf` also keeps its own deadline so a long scan ends with a
clear `ocr_timeout` instead of the worker being killed.

Without the packages the callers record `pdf_no_text_layer` with
`INSTALL_HINT`.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import time
from pathlib import Path

from transforms.model import TransformError
from transforms.ocr_layout import OcrBox, OcrPage, TableRules

INSTALL_HINT = (
    "OCR is not installed: `pip install rapidocr onnxruntime` (make setup installs them), then load again"
)
DPI = 160  # A4 at 160 dpi is ~1870 px high: 10.5 pt text is ~23 px, within the models' best range
IMAGE_DPI = 96  # a picture on a web page: screen resolution
MAX_PAGES = 60
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_BYTES = 64 * 1024 * 1024  # the same bound as an input file
# Images smaller than this (icons, logos, bullets) are never tables.
MIN_TABLE_IMAGE = (240, 120)
_SKEW_RANGE = 2.0  # degrees either way
_SKEW_STEP = 0.1

_engine = None


def available() -> bool:
    """Whether the OCR packages are importable (without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("rapidocr", "onnxruntime", "cv2"))


def _get_engine():  # noqa: ANN202 (rapidocr.RapidOCR)
    """One engine per worker process, single-threaded: the pool already runs
    one worker per core, and ONNX Runtime's own threads would fight them."""
    global _engine
    if _engine is None:
        from rapidocr import RapidOCR
        import rapidocr

        models = Path(rapidocr.__file__).parent / "models"
        _engine = RapidOCR(params={
            "Global.log_level": "error",
            "Global.use_cls": False,  # scans are upright; deskew handles the slight tilt
            # Text is found on the page scaled to 1280 px (half the pixels of a 160-dpi A4 page, the
            # detector's cost halved); each line is still recognised from the full-resolution page.
            "Det.limit_type": "max",
            "Det.limit_side_len": 1280,
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
            "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
            "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
        })
    return _engine


# --- images ------------------------------------------------------------------


def _gray(image):  # noqa: ANN001, ANN202 (PIL image or numpy array → uint8 gray array)
    import numpy as np

    if not isinstance(image, np.ndarray):
        image = np.asarray(image.convert("L"))
    elif image.ndim == 3:
        import cv2

        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
    return np.ascontiguousarray(image)


def deskew(gray):  # noqa: ANN001, ANN202
    """The page turned upright: the angle (±2°) whose row profile of ink is
    sharpest, measured on a small copy; returns (image, angle in degrees)."""
    import cv2
    import numpy as np

    h, w = gray.shape
    scale = 800 / max(w, 1) if w > 800 else 1.0
    small = cv2.resize(gray, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else gray
    ink = (small < 160).astype(np.float32)
    sh, sw = ink.shape
    centre = (sw / 2, sh / 2)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-_SKEW_RANGE, _SKEW_RANGE + 1e-9, _SKEW_STEP):
        m = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        rows = cv2.warpAffine(ink, m, (sw, sh), flags=cv2.INTER_NEAREST).sum(axis=1)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    if abs(best) < 0.05:
        return gray, 0.0
    m = cv2.getRotationMatrix2D((w / 2, h / 2), best, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255), best


def _runs(profile, minimum: float) -> list[tuple[int, int]]:  # noqa: ANN001
    """Index runs where `profile` ≥ minimum: (first, last)."""
    out: list[tuple[int, int]] = []
    start = None
    for i, v in enumerate(profile):
        if v >= minimum and start is None:
            start = i
        elif v < minimum and start is not None:
            out.append((start, i - 1))
            start = None
    if start is not None:
        out.append((start, len(profile) - 1))
    return out


def find_tables(gray, dpi: float) -> list[TableRules]:  # noqa: ANN001
    """Ruled tables on an upright page: horizontal and vertical strokes kept
    by morphological opening (longer than any character), grouped into
    tables; each table's line positions and, per cell edge, whether a rule is
    drawn there (a missing one is a merged cell)."""
    import cv2
    import numpy as np

    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    span = max(25, int(dpi * 0.2))
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (span * 2, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, span)))
    # Bridge the 1–2 px gaps a scan leaves in a rule.
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 5)))
    grid = cv2.bitwise_or(horizontal, vertical)
    count, _, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables: list[TableRules] = []
    for k in range(1, count):
        x, y, w, h, _ = stats[k]
        if w < span * 3 or h < span:
            continue
        hs = horizontal[y:y + h, x:x + w] > 0
        vs = vertical[y:y + h, x:x + w] > 0
        ys = [y + (a + b) // 2 for a, b in _runs(hs.sum(axis=1), max(span, 0.05 * w))]
        xs = [x + (a + b) // 2 for a, b in _runs(vs.sum(axis=0), max(span * 0.8, 0.02 * h))]
        if len(xs) < 3 or len(ys) < 2:
            continue  # a box or a rule, not a table
        # A table cut by a page break has no rule at its cut edge: its
        # columns' rules run on past the last (or before the first) row rule.
        inked = vs.any(axis=1).nonzero()[0]
        if len(inked):
            if y + inked[-1] - ys[-1] > span // 2:
                ys.append(int(y + inked[-1]))
            if ys[0] - (y + inked[0]) > span // 2:
                ys.insert(0, int(y + inked[0]))
        if len(ys) < 3:
            continue
        vbound = [[_covered(vertical, xs[j], ys[r], ys[r + 1], axis=0) for j in range(len(xs))]
                  for r in range(len(ys) - 1)]
        hbound = [[_covered(horizontal, ys[i], xs[c], xs[c + 1], axis=1) for c in range(len(xs) - 1)]
                  for i in range(len(ys))]
        tables.append(TableRules(tuple(xs), tuple(ys), tuple(map(tuple, vbound)), tuple(map(tuple, hbound))))
    return sorted(tables, key=lambda t: t.ys[0])


def _covered(mask, at: int, lo: int, hi: int, axis: int) -> bool:  # noqa: ANN001
    """Whether a rule runs along `at` between lo and hi (half of it inked)."""
    margin = max(2, (hi - lo) // 6)
    lo, hi = lo + margin, hi - margin
    if hi <= lo:
        return True
    band = mask[lo:hi, max(0, at - 3):at + 4] if axis == 0 else mask[max(0, at - 3):at + 4, lo:hi]
    line = band.max(axis=1 if axis == 0 else 0) > 0
    return bool(line.mean() >= 0.5)


def read_image(image, label: str, dpi: float, scale: float = 1.0, tables_only: bool = False) -> OcrPage | None:  # noqa: ANN001
    """One page or picture → its OCR boxes and ruled tables.

    `scale` converts pixels into the location's unit (points for a PDF page:
    72 / dpi; 1 for a picture, located in its own pixels). With
    `tables_only`, a picture without a ruled table is not recognised (None)."""
    gray = _gray(image)
    if gray.size > MAX_IMAGE_PIXELS:
        raise TransformError("ocr_image_too_large", f"{label}: {gray.shape[1]}×{gray.shape[0]} pixels", stage="read")
    upright, angle = deskew(gray)
    tables = find_tables(upright, dpi)
    if tables_only and not tables:
        return None
    result = _get_engine()(upright)
    boxes: list[OcrBox] = []
    if result.boxes is not None:
        for quad, text, score in zip(result.boxes, result.txts, result.scores):
            xs = [float(p[0]) for p in quad]
            ys = [float(p[1]) for p in quad]
            boxes.append(OcrBox(str(text), (min(xs), min(ys), max(xs), max(ys)), float(score)))
    return OcrPage(label=label, boxes=tuple(boxes), tables=tuple(tables), scale=scale, skew=angle)


# --- containers ----------------------------------------------------------------


def read_pdf(data: bytes, deadline_seconds: float, dpi: int = DPI) -> list[OcrPage]:
    """Every page of an image-only PDF, rendered once by pdfium and read once."""
    import pypdfium2 as pdfium

    started = time.monotonic()
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # pdfium raises PdfiumError on broken files
        raise TransformError("pdf_invalid", f"the PDF cannot be rendered for OCR: {exc!r}", stage="read") from None
    pages: list[OcrPage] = []
    try:
        total = len(pdf)
        if total > MAX_PAGES:
            raise TransformError(
                "ocr_too_many_pages", f"{total} scanned pages (OCR limit {MAX_PAGES}): not a report", stage="read"
            )
        slowest = 0.0
        for number in range(1, total + 1):
            spent = time.monotonic() - started
            # Stop before a page that would run past the budget (the slowest page so far tells),
            # so the document ends with this error and not with the worker killed.
            if spent + slowest > deadline_seconds:
                raise TransformError(
                    "ocr_timeout",
                    f"OCR read {number - 1} of {total} scanned pages in {spent:.0f} s and would not finish the next "
                    f"within its OCR budget of {deadline_seconds:.0f} s; raise --doc-timeout "
                    "to read this scan",
                    stage="read",
                )
            page = pdf[number - 1]
            try:
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                image = bitmap.to_numpy()
            finally:
                page.close()
            pages.append(read_image(image, f"p{number}", dpi, scale=72 / dpi))
            slowest = max(slowest, time.monotonic() - started - spent)
    finally:
        pdf.close()
    return pages


def decode_image(data: bytes):  # noqa: ANN201 (PIL image or None)
    """Image bytes → a PIL image, or None when they are no image Pillow reads."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return image


def image_bytes(src: str, page_path: str | None) -> bytes | None:
    """The bytes an <img src> names: a base64 `data:` URI, or a file beside
    the page (in its folder or below it; never elsewhere on the disk)."""
    src = src.strip()
    if src.startswith("data:"):
        head, _, payload = src.partition(",")
        if ";base64" not in head:
            return None
        try:
            return base64.b64decode("".join(payload.split()), validate=False)
        except ValueError:
            return None
    if not page_path or "://" in src or src.startswith("//"):
        return None
    from urllib.parse import unquote

    folder = Path(page_path).parent.resolve()
    target = (folder / unquote(src.split("?", 1)[0].split("#", 1)[0])).resolve()
    if folder not in target.parents or not target.is_file() or target.stat().st_size > MAX_IMAGE_BYTES:
        return None
    return target.read_bytes()


def read_table_images(srcs: list[str], page_path: str | None) -> dict[str, OcrPage]:
    """src → OCR reading, for each picture of a page that holds a ruled table.

    Pictures too small for a table (icons, logos) are not decoded further,
    and a picture without ruled table is not recognised at all: photos and
    banners cost only the rule search."""
    out: dict[str, OcrPage] = {}
    for src in dict.fromkeys(srcs):
        data = image_bytes(src, page_path)
        image = decode_image(data) if data else None
        if image is None or image.width < MIN_TABLE_IMAGE[0] or image.height < MIN_TABLE_IMAGE[1]:
            continue
        if image.width * image.height > MAX_IMAGE_PIXELS:
            continue
        page = read_image(image, f"img {len(out) + 1}", dpi=IMAGE_DPI, tables_only=True)
        if page is not None:
            out[src] = page
    return out


def deadline(configured: float | None = None, doc_seconds: float | None = None) -> float:
    """OCR's own time budget per document: the configured one ($OGI_OCR_SECONDS, through the
    settings), never above 80% of the document's limit (the default), so OCR stops with a
    clear error before the worker is killed."""
    ceiling = 0.8 * (doc_seconds or 120.0)
    return min(float(configured), ceiling) if configured else ceiling