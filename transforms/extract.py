"""Any input file → cleaned text (`ExtractedText`).

The format is sniffed from the bytes, not trusted from the file name:
crawlers save HTML error pages as ``.pdf``, and text exports as ``.html``.
PDF and DOCX tables are rendered as " | " rows so that every format reaches
the table parser in the same shape as the text seeds.

Errors are TransformError with stage ``read`` (the container could not be
opened), ``decode`` (see decoding.py) or ``clean`` (nothing left).
"""

from __future__ import annotations

import html as html_lib
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from transforms.cleaning import clean_text, html_to_text
from transforms.decoding import decode_bytes
from transforms import ruleless
from transforms.locations import Origins, attach_origins
from transforms.model import ExtractedText, TransformError
from transforms.ocr_layout import OcrPage, join_parts, render_page

_READ = "read"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc/.xls/.wps, or an encrypted .docx
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_OTHER_BINARY_MAGICS = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"{\\rtf",
    b"II*\x00", b"MM\x00*",
)
_PDF_MAGIC_WINDOW = 1024  # the spec lets junk precede %PDF-
_HTML_SNIFF_RE = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|table|p|div|span|font|center|br|h[1-6])[\s>/]",
    re.IGNORECASE,
)
_HTML_SNIFF_WINDOW = 1024
# Markdown may carry inline HTML (<br> in a table cell, <p align>): a .md/.markdown
# file is a web page only when it starts as one.
_MARKDOWN_EXTENSIONS = (".md", ".markdown")
_HTML_DOCUMENT_START_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta)[\s>/]", re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

# Zip-bomb limits, checked on the central directory before anything is read.
_MAX_MEMBER_BYTES = 50 * 1024 * 1024
_MAX_TOTAL_BYTES = 200 * 1024 * 1024
_MAX_MEMBERS = 5000

# Per-document size limits. Real report pages are well under 1 MB of text;
# what makes Word-exported pages huge is inline base64 images, scripts and
# styles, which are dropped before parsing. Whatever is still larger is
# refused with a clear error instead of stalling the load for minutes.
_MAX_MARKUP_CHARS = 8_000_000
_MAX_TEXT_CHARS = 8_000_000
_HTML_BULK_RE = re.compile(
    r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--(?!\[if).*?-->|(?<=[\s\"'=(])data:[a-z]+/[\w.+-]+;base64,[A-Za-z0-9+/=\s]+",
    re.I | re.S,
)
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_P, _W_TBL, _W_TR, _W_TC, _W_SDT = _W + "p", _W + "tbl", _W + "tr", _W + "tc", _W + "sdt"
_W_SDT_CONTENT, _W_CUSTOM_XML = _W + "sdtContent", _W + "customXml"
_W_T, _W_TAB, _W_BR, _W_CR = _W + "t", _W + "tab", _W + "br", _W + "cr"
_W_TCPR, _W_TRPR, _W_VAL = _W + "tcPr", _W + "trPr", _W + "val"
_W_GRID_SPAN, _W_VMERGE, _W_HMERGE = _W + "gridSpan", _W + "vMerge", _W + "hMerge"
_W_GRID_BEFORE, _W_GRID_AFTER = _W + "gridBefore", _W + "gridAfter"
_W_DEL, _W_MOVE_FROM = _W + "del", _W + "moveFrom"

_CID_RE = re.compile(r"\(cid:\d+\)")
_NON_SPACE_RE = re.compile(r"\S")
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–]\s*\d{1,4}\s*[-—–]"  # - 3 -
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第3页 共6页
    r"|\d{1,4}\s*/\s*\d{1,4})$"  # 3/6
)
_LAYOUT_CELL_CHARS = 400
_MAX_SPAN = 100


def extract_text(data: bytes, filename: str, images: Mapping[str, OcrPage] | None = None) -> ExtractedText:
    """Read one input file and return its cleaned text and how it was read.

    ``images`` maps the ``src`` of an HTML page's pictures to what OCR read
    in them (orchestration.engine.ocr): each such picture is read in place, its tables
    as grids like the page's own (`_inline_ocr_images`).

    Raises TransformError: empty_file, binary_content, undecodable,
    unsupported_format, pdf_no_text_layer, pdf_encrypted, pdf_invalid,
    docx_invalid, docx_too_large, and html_invalid (lxml failing on
    pathological markup; not seen in practice).
    """
    origins: Origins = []  # (table row line, location of each cell) as the container gives them
    if not data or not data.strip():
        raise TransformError("empty_file", "the file has no content", stage=_READ)
    ext = PurePath(filename or "").suffix.lower()
    kind = _sniff(data, ext)
    if kind == "pdf":
        raw, encoding = _pdf_text(data, origins), "pdf"
    elif kind == "docx":
        raw, encoding = _docx_text(data, origins), "docx"
    else:
        try:
            decoded, encoding = decode_bytes(data, html=kind == "html")
        except TransformError as err:
            raise _as_format_error(err, ext) from None
        if kind == "html" and images:
            decoded = _inline_ocr_images(decoded, images)
        raw = _html_text(decoded, origins) if kind == "html" else _embedded_tables(decoded)
    return _finish(raw, kind, encoding, origins)


def extract_scanned(pages: Sequence[OcrPage]) -> ExtractedText:
    """What OCR read on the pages of a PDF without a text layer → cleaned
    text, each table a grid whose cells carry page, box and confidence
    (`transforms.ocr_layout`). Kind ``pdf``, encoding ``ocr``."""
    origins: Origins = []
    raw = "\n".join(render_page(page, origins) for page in pages)
    if not raw.strip():
        raise TransformError(
            "pdf_no_text_layer", f"no page has a text layer, and OCR found no text on its {len(pages)} pages",
            stage=_READ,
        )
    return _finish(raw, "pdf", "ocr", origins)


def html_image_sources(data: bytes) -> list[str]:
    """The ``src`` of every <img> of a page, in order, as written (entities
    decoded): the pictures OCR may read (`extract_text`'s ``images``)."""
    text = data.decode("utf-8", errors="replace") if b"<img" in data or b"<IMG" in data else ""
    return [html_lib.unescape(m.group(2)) for m in _IMG_RE.finditer(text)]


_IMG_RE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*([\"'])(.*?)\1[^>]*>", re.I | re.S)


def _inline_ocr_images(html: str, images: Mapping[str, OcrPage]) -> str:
    """Each <img> that OCR read becomes its reading in place: text lines as
    paragraphs, tables as <table> markup whose rows carry the cells' OCR
    origins (``data-ogi-origins``, read by the HTML renderer), so the page's
    pictures of tables go through the same grid reader as its own tables."""
    def replace(m: re.Match) -> str:
        page = images.get(html_lib.unescape(m.group(2)))
        if page is None:
            return m.group(0)
        origins: Origins = []
        lines = render_page(page, origins).split("\n")
        located = dict(origins)
        parts: list[str] = []
        table: list[str] = []
        table_locs: list[tuple[str, ...]] = []

        def close() -> None:
            if table:
                attr = html_lib.escape(json.dumps(table_locs, ensure_ascii=False), quote=True)
                parts.append(f'<table data-ogi-origins="{attr}">' + "".join(table) + "</table>")
                table.clear()
                table_locs.clear()

        for line in lines:
            if line in located:
                cells = "".join(f"<td>{html_lib.escape(cell)}</td>" for cell in line.split(" | "))
                table.append(f"<tr>{cells}</tr>")
                table_locs.append(located[line])
            else:
                close()
                parts.append(f"<p>{html_lib.escape(line)}</p>")
        close()
        return "\n".join(parts)

    return _IMG_RE.sub(replace, html)


def _finish(raw: str, kind: str, encoding: str, origins: Origins) -> ExtractedText:
    if len(raw) > _MAX_TEXT_CHARS:
        raise TransformError(
            "text_too_large",
            f"{len(raw):,} characters of text (limit {_MAX_TEXT_CHARS:,}): far beyond any report",
            stage="clean",
        )
    text = clean_text(raw)
    line_origins = attach_origins(text, origins)
    if not text.strip():
        raise TransformError("empty_file", f"no text left after cleaning the {kind}", stage="clean")
    return ExtractedText(text=text, encoding=encoding, kind=kind, origins=line_origins)


_EMBEDDED_TABLE_RE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)


def _embedded_tables(text: str) -> str:
    """Text whose tables are HTML (Markdown from MinerU and other PDF
    converters, which write merged cells as ``<table>`` markup): each
    ``<table>…</table>`` becomes the same " | " grid rows an HTML page's
    table does, spans expanded, so one table reader serves both."""
    if "<table" not in text and "<TABLE" not in text:
        return text
    return _EMBEDDED_TABLE_RE.sub(lambda m: "\n" + html_to_text(m.group(0)) + "\n", text)


def _sniff(data: bytes, ext: str) -> str:
    """"pdf", "docx", "html" or "text" from the content; raise for formats
    we cannot read."""
    if b"%PDF-" in data[:_PDF_MAGIC_WINDOW]:
        return "pdf"
    if data.startswith(_ZIP_MAGICS):
        return "docx"
    if data.startswith(_OLE_MAGIC):
        raise TransformError(
            "unsupported_format",
            "an OLE2 file (legacy .doc/.wps/.xls, or a password-protected .docx)",
            stage=_READ,
        )
    if data.startswith(_OTHER_BINARY_MAGICS):
        raise TransformError("unsupported_format", "an image, archive or RTF file, not a report text", stage=_READ)
    head = data[:4 * _HTML_SNIFF_WINDOW]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    head = head.replace(b"\x00", b"").lstrip()[:_HTML_SNIFF_WINDOW]
    if _HTML_SNIFF_RE.search(head):
        if ext in _MARKDOWN_EXTENSIONS and not _HTML_DOCUMENT_START_RE.match(head):
            return "text"
        return "html"
    return "text"


def _as_format_error(err: TransformError, ext: str) -> TransformError:
    """A .pdf/.docx whose bytes are neither that format nor text is a broken
    file of that format, which says more than "binary_content"."""
    if err.code == "binary_content":
        if ext == ".pdf":
            return TransformError("pdf_invalid", "named .pdf but has no PDF header", stage=_READ)
        if ext == ".docx":
            return TransformError("docx_invalid", "named .docx but is not a zip package", stage=_READ)
        if ext in (".doc", ".wps", ".xls", ".xlsx", ".ofd", ".zip", ".rar"):
            return TransformError("unsupported_format", f"{ext} files are not read", stage=_READ)
    return err


def _html_text(html: str, origins: Origins | None = None) -> str:
    if len(html) > _MAX_MARKUP_CHARS // 4:
        html = _HTML_BULK_RE.sub("", html)
    if len(html) > _MAX_MARKUP_CHARS:
        raise TransformError(
            "html_too_large",
            f"{len(html):,} characters of markup after dropping scripts, styles and inline images "
            f"(limit {_MAX_MARKUP_CHARS:,}): not a report page",
            stage="clean",
        )
    try:
        return html_to_text(html, origins)
    except TransformError:
        raise  # html_to_text's own html_invalid, with its message
    except Exception as exc:  # lxml on pathological markup; never a crash of the load
        raise TransformError("html_invalid", f"HTML could not be rendered: {exc!r}", stage="clean") from None


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------


def _pdf_text(data: bytes, origins: Origins | None = None) -> str:
    """Page text in reading order with each table rendered as " | " rows
    where it sits on the page. pdfplumber is imported here: it is slow to
    import and most inputs are not PDFs."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise TransformError("pdf_encrypted", f"the PDF is encrypted: {cause!r}", stage=_READ) from None
        raise TransformError("pdf_invalid", f"the PDF cannot be opened: {cause!r}", stage=_READ) from None
    except Exception as exc:  # pdfminer raises many types on broken files
        raise TransformError("pdf_invalid", f"the PDF cannot be opened: {exc!r}", stage=_READ) from None

    pages: list[_PageItems] = []
    try:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                pages.append(_pdf_page_items(page, number, origins is not None))
            except Exception as exc:
                raise TransformError(
                    "pdf_invalid", f"page {number} cannot be read: {exc!r}", stage=_READ
                ) from None
            finally:
                page.close()
    except TransformError:
        raise
    except Exception as exc:  # the page tree itself is broken
        raise TransformError("pdf_invalid", f"the PDF's pages cannot be read: {exc!r}", stage=_READ) from None
    finally:
        _close_quietly(pdf)
    _rebuild_ruleless_tables(pages, origins is not None)
    for items in pages:
        if origins is not None:
            origins.extend(items.origins)
    text = "\n".join(_page_text(items) for items in pages)
    # Glyphs of a font without a Unicode map come out as "(cid:123)": not
    # text, and digits a number parser must never see.
    cids = len(_CID_RE.findall(text))
    if cids:
        text = _CID_RE.sub("", text)
    glyphs = len(_NON_SPACE_RE.findall(text))
    if glyphs == 0 or cids > glyphs:
        raise TransformError(
            "pdf_no_text_layer",
            "no page has a usable text layer (a scan, or fonts without a Unicode map)",
            stage=_READ,
        )
    return text


def _close_quietly(pdf) -> None:  # noqa: ANN001 (pdfplumber.PDF)
    """pdfplumber's close() walks the page tree again: on a broken tree it
    raises, and under `with pdf:` that exception replaced the TransformError
    being raised, failing the load step instead of recording pdf_invalid."""
    try:
        pdf.close()
    except Exception:  # noqa: BLE001 - nothing is left to release but the in-memory stream
        pdf.stream.close()


@dataclass
class _PageItems:
    """One PDF page read: its text lines and rendered tables, in reading order once sorted."""

    number: int
    height: float
    items: list[tuple[float, int, str]]  # (top, order, text): order 0 for lines, table number for tables
    lines: list[dict]  # the page's text lines outside tables, with their chars
    has_tables: bool
    absorbed: set[int] = field(default_factory=set)  # line indexes taken into a table
    origins: Origins = field(default_factory=list)


def _pdf_page_items(page, number: int, with_origins: bool) -> _PageItems:  # noqa: ANN001 (pdfplumber.page.Page)
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside_tables(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside_tables) if boxes else page
    lines = text_page.extract_text_lines(strip=True, return_chars=True)
    out = _PageItems(number, float(page.height), [(line["top"], 0, line["text"]) for line in lines], lines, bool(tables))
    for order, table in enumerate(tables, start=1):
        grid = _pdf_table_grid(page, table)
        above, below = _stray_rows(lines, table, out.absorbed)
        width = max((len(r) for r in grid), default=0)
        cell_boxes = _pdf_boxes(number, table, len(above), len(below), width) if with_origins else None
        rows = _pdf_table_rows(above + grid + below, cell_boxes, out.origins if with_origins else None)
        if rows:
            out.items.append((table.bbox[1], order, "\n".join(rows)))
    return out


def _page_text(page: _PageItems) -> str:
    items = [item for k, item in enumerate(page.items) if k not in page.absorbed]
    items.sort(key=lambda item: (item[0], item[1]))
    # Running page numbers ("- 3 -", "第3页") at the top or bottom of a page
    # would otherwise sit between the rows of a table that spans pages.
    while items and _PAGE_NUMBER_RE.match(items[-1][2]):
        items.pop()
    while items and _PAGE_NUMBER_RE.match(items[0][2]):
        items.pop(0)
    return "\n".join(text for _, _, text in items)


def _rebuild_ruleless_tables(pages: list[_PageItems], with_origins: bool) -> None:
    """Tables printed without ruling lines (`transforms.ruleless`) on the pages where no ruled
    table was found, page by page. `_rebuild_run` can stack consecutive pages so that a row a
    page break cut in two is one row, but the page's margins stretch such a row and its
    label no longer centres on its figures: measured on Chromium's borderless PDFs, stacking
    lost more rows than it joined (69.6% against 91.5% of cells read, none wrong either way),
    so each page is its own run and a cut row is left to the readers' doubt."""
    for page in pages:
        if not page.has_tables:
            _rebuild_run([page], with_origins)


_STACK_GAP = 1.5  # points between the last line of a page and the first of the next, once stacked


def _rebuild_run(run: list[_PageItems], with_origins: bool) -> None:
    stacked: list[dict] = []
    where: list[tuple[_PageItems, int, float]] = []  # stacked line → (page, its index there, page offset)
    offsets: dict[int, float] = {}
    bottom = 0.0  # of the last line stacked
    for page in run:
        last = len(page.lines) - 1
        kept = [k for k, line in enumerate(page.lines)
                if not (k in (0, last) and _PAGE_NUMBER_RE.match(line["text"]))]  # running page numbers
        if not kept:
            offsets[page.number] = bottom
            continue
        # The margins between two pages are no distance on the table: the next page's first
        # line follows the last line stacked as closely as two lines of one page do.
        offset = bottom + _STACK_GAP - page.lines[kept[0]]["top"] if stacked else 0.0
        offsets[page.number] = offset
        for k in kept:
            line = page.lines[k]
            shifted = {**line, "top": line["top"] + offset, "bottom": line["bottom"] + offset,
                       "chars": [{**c, "top": c["top"] + offset, "bottom": c["bottom"] + offset}
                                 for c in line.get("chars") or []]}
            stacked.append(shifted)
            where.append((page, k, offset))
        bottom = stacked[-1]["bottom"]
    for region in ruleless.regions(stacked):
        first = min(region.lines, key=lambda k: stacked[k]["top"])
        home, _, home_offset = where[first]

        def local(box: tuple[float, float, float, float]) -> str:
            page = max((p for p in run if p.number in offsets and offsets[p.number] <= box[1]),
                       key=lambda p: offsets[p.number], default=home)
            off = offsets.get(page.number, 0.0)
            return f"pdf p{page.number} ({box[0]:.0f},{box[1] - off:.0f},{box[2]:.0f},{box[3] - off:.0f})"

        boxes = [[local(b) for b in row] for row in region.boxes] if with_origins else None
        rows = _pdf_table_rows(region.rows, boxes, home.origins if with_origins else None)
        if not rows:
            continue
        for k in region.lines:
            page, index, _ = where[k]
            page.absorbed.add(index)
        home.items.append((region.top - home_offset, len(home.items) + 1, "\n".join(rows)))


# Table rows that lost their ruling lines at a page break (Chromium prints
# the first row of a continued table without its top border, and a row
# split over two pages without its bottom one) lie outside the table that
# pdfplumber finds: within this many points of its top or bottom edge, in
# a band of lines at most `_STRAY_BAND` tall.
_STRAY_GAP = 18.0
_STRAY_BAND = 100.0
_STRAY_LINE_GAP = 14.0
# A stray row must have this many number cells: a sentence above a table
# with a figure or two in it is prose, not a row.
_MIN_STRAY_NUMBERS = 3


def _stray_rows(lines: list[dict], table, absorbed: set[int]) -> tuple[list[list[str]], list[list[str]]]:  # noqa: ANN001
    """Rows of ``table`` printed right above or below it without rules.

    The lines of a band touching the table's edge (within its width) are
    cut into the table's columns by the x position of each character --
    clustering by x, the fallback for rows without rules. A line with at
    least two number cells anchors a row; a line with only label text (a
    wrapped label) joins the anchor nearest to it. A band without such an
    anchor -- a caption, a heading, a sentence -- is left alone. ``lines``
    are the page's text lines outside tables (with their chars); the
    indexes of those taken are added to ``absorbed``.
    """
    x0, top, x1, bottom = table.bbox
    bounds = sorted({round(cell[0], 1) for cell in table.cells} | {round(x1, 1)})
    if len(bounds) < 3:
        return [], []
    # A line may start left of the table: the continued part of a table
    # lacks the label column that a rowspan cell holds on the page before.
    inside = [
        k for k, line in enumerate(lines)
        if k not in absorbed and line["x1"] > x0 and line["x1"] <= x1 + 2
    ]
    above = sorted(
        (k for k in inside if top - _STRAY_BAND <= lines[k]["top"] and lines[k]["bottom"] <= top + 1),
        key=lambda k: -lines[k]["top"],
    )
    below = sorted(
        (k for k in inside if bottom - 1 <= lines[k]["top"] and lines[k]["bottom"] <= bottom + _STRAY_BAND),
        key=lambda k: lines[k]["top"],
    )
    return (
        _band_rows(lines, _band(lines, above, top, upward=True), bounds, absorbed),
        _band_rows(lines, _band(lines, below, bottom, upward=False), bounds, absorbed),
    )


def _band(lines: list[dict], candidates: list[int], edge: float, upward: bool) -> list[int]:
    """The lines (nearest the edge first) that touch the table's edge and each other."""
    band: list[int] = []
    last = edge
    for k in candidates:
        line = lines[k]
        gap = last - line["bottom"] if upward else line["top"] - last
        if gap > (_STRAY_GAP if not band else _STRAY_LINE_GAP):
            break
        band.append(k)
        last = line["top"] if upward else line["bottom"]
    return sorted(band, key=lambda k: lines[k]["top"])


def _band_rows(lines: list[dict], band: list[int], bounds: list[float], absorbed: set[int]) -> list[list[str]]:
    cells_of = {k: _cluster_row(lines[k]["chars"], bounds) for k in band}
    anchors = [k for k in band if sum(1 for c in cells_of[k] if _NUMBER_CELL_RE.match(c)) >= _MIN_STRAY_NUMBERS]
    if not anchors:
        return []
    parts: dict[int, list[list[str]]] = {k: [] for k in anchors}
    for k in band:
        mid = (lines[k]["top"] + lines[k]["bottom"]) / 2
        nearest = min(anchors, key=lambda a: abs((lines[a]["top"] + lines[a]["bottom"]) / 2 - mid))
        parts[nearest].append(cells_of[k])
        absorbed.add(k)
    # The label may span several columns (a colspan label whose column the
    # continued table lacks): everything left of the first number column is
    # one label, read line by line.
    first_value = min(
        j for k in anchors for j, c in enumerate(cells_of[k]) if _NUMBER_CELL_RE.match(c)
    )
    rows = []
    for k in anchors:
        pieces = parts[k]
        row = [join_parts([p[j] for p in pieces]) for j in range(len(bounds) - 1)]
        if first_value > 0:
            label = join_parts(["".join(p[:first_value]) for p in pieces])
            row[:first_value] = [""] * (first_value - 1) + [label]
        rows.append(row)
    return rows


_NUMBER_CELL_RE = re.compile(r"^-?[\d,]+(?:\.\d+)?$")


def _cluster_row(chars: list[dict], bounds: list[float]) -> list[str]:
    """Characters of one line → cells by the column their centre falls in.

    Characters more than a space apart inside one column are joined with a
    space, so "0 0" can never become "00"."""
    cells: list[list[dict]] = [[] for _ in range(len(bounds) - 1)]
    for char in chars:
        cx = (char["x0"] + char["x1"]) / 2
        if cx < bounds[0]:
            cells[0].append(char)  # the label column the continued table lacks
            continue
        for j in range(len(bounds) - 1):
            if bounds[j] <= cx < bounds[j + 1]:
                cells[j].append(char)
                break
    out = []
    for group in cells:
        text = ""
        prev = None
        for char in sorted(group, key=lambda c: c["x0"]):
            if char["text"].isspace():
                continue
            if prev is not None and char["x0"] - prev["x1"] > max(1.0, 0.25 * char["size"]):
                text += " "
            text += char["text"]
            prev = char
        out.append(text)
    return out


def _pdf_table_grid(page, table) -> list[list[str | None]]:  # noqa: ANN001
    """`table.extract()`, plus the text of grid positions that no detected
    cell covers. pdfplumber leaves such positions None like merged ones;
    they occur where a table continues from the previous page without a top
    border, and their text ("信息内容") would otherwise be lost."""
    grid = table.extract()
    cells = table.cells
    xs = sorted({cell[0] for cell in cells})
    right = table.bbox[2]
    chars = None
    for i, row in enumerate(table.rows):
        if i >= len(grid):
            break
        for j, cell in enumerate(row.cells):
            if cell is not None or j >= len(grid[i]):
                continue
            region = (xs[j], row.bbox[1], xs[j + 1] if j + 1 < len(xs) else right, row.bbox[3])
            if any(_overlaps(region, other) for other in cells):
                continue  # covered by a merged cell: stays empty
            if chars is None:
                chars = page.chars
            inside = [c for c in chars if _center_in(c, region)]
            if inside:
                from pdfplumber.utils import extract_text

                grid[i][j] = extract_text(inside)
    return grid


def _overlaps(a: tuple, b: tuple, tolerance: float = 1.0) -> bool:
    return (
        min(a[2], b[2]) - max(a[0], b[0]) > tolerance
        and min(a[3], b[3]) - max(a[1], b[1]) > tolerance
    )


def _center_in(char: dict, box: tuple) -> bool:
    cx = (char["x0"] + char["x1"]) / 2
    cy = (char["top"] + char["bottom"]) / 2
    return box[0] <= cx < box[2] and box[1] <= cy < box[3]


def _pdf_table_rows(
    rows: list[list[str | None]], boxes: list[list[str]] | None = None, origins: Origins | None = None
) -> list[str]:
    """" | " rows; None (a cell covered by a merge) becomes an empty cell.

    pdfplumber also reports framed prose (a bordered page or text box) as a
    table whose rows are one cell spanning the width: such a row is a line
    of text, not a table row, and is emitted without separators. ``boxes``
    (per row, per cell: its location) go to ``origins`` with each row line.
    """
    out = []
    for k, row in enumerate(rows):
        if not row:
            continue
        cells = [join_parts((cell or "").split("\n")) for cell in row]
        if not any(cells):
            continue
        if len(row) == 1 or all(cell is None for cell in row[1:]):
            out.append(cells[0])
        else:
            line = " | ".join(cells)
            out.append(line)
            if boxes is not None and origins is not None and k < len(boxes):
                origins.append((line, tuple(boxes[k])))
    return out


def _pdf_boxes(page_number: int, table, above: int, below: int, width: int) -> list[list[str]]:  # noqa: ANN001
    """The location of every cell of a table's grid rows ("pdf p3 (x0,top,x1,bottom)"):
    its own box where pdfplumber found the cell, else its column in its row.
    Rows taken from outside the table (`_stray_rows`) get the table's
    column bounds and no row box of their own (their line's box is not kept)."""
    xs = sorted({cell[0] for cell in table.cells}) + [table.bbox[2]]
    out: list[list[str]] = []
    x0, top, x1, bottom = table.bbox
    for _ in range(above):
        out.append([f"pdf p{page_number} ({xs[j]:.0f},{top:.0f},{xs[j + 1]:.0f},{top:.0f})" if j + 1 < len(xs)
                    else f"pdf p{page_number} ({x0:.0f},{top:.0f},{x1:.0f},{top:.0f})" for j in range(width)])
    for row in table.rows:
        boxes = []
        for j, cell in enumerate(row.cells):
            if cell is None:
                left = xs[j] if j < len(xs) else x0
                right = xs[j + 1] if j + 1 < len(xs) else x1
                cell = (left, row.bbox[1], right, row.bbox[3])
            boxes.append(f"pdf p{page_number} ({cell[0]:.0f},{cell[1]:.0f},{cell[2]:.0f},{cell[3]:.0f})")
        out.append(boxes)
    for _ in range(below):
        out.append([f"pdf p{page_number} ({xs[j]:.0f},{bottom:.0f},{xs[j + 1]:.0f},{bottom:.0f})" if j + 1 < len(xs)
                    else f"pdf p{page_number} ({x0:.0f},{bottom:.0f},{x1:.0f},{bottom:.0f})" for j in range(width)])
    return out


# ---------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------


def _docx_text(data: bytes, origins: Origins | None = None) -> str:
    """Body paragraphs and tables in document order. The package is vetted
    first (sizes from the central directory, no DTDs), so python-docx never
    inflates a bomb or sees an entity declaration."""
    _vet_docx(data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # python-docx/lxml raise many types on broken packages
        raise TransformError("docx_invalid", f"the DOCX cannot be opened: {exc!r}", stage=_READ) from None
    lines: list[str] = []
    _docx_blocks(body, lines, origins)
    return "\n".join(lines)


def _vet_docx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # a damaged central directory raises many types (NotImplementedError for an odd version)
        raise TransformError("docx_invalid", f"not a readable zip package: {exc!r}", stage=_READ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > _MAX_MEMBERS:
            raise TransformError("docx_too_large", f"{len(infos)} zip members", stage=_READ)
        total = 0
        for info in infos:
            if info.file_size > _MAX_MEMBER_BYTES:
                raise TransformError(
                    "docx_too_large", f"{info.filename} declares {info.file_size} bytes uncompressed",
                    stage=_READ,
                )
            total += info.file_size
        if total > _MAX_TOTAL_BYTES:
            raise TransformError("docx_too_large", f"members total {total} bytes uncompressed", stage=_READ)
        names = {info.filename for info in infos}
        if "word/document.xml" not in names:
            raise TransformError(
                "docx_invalid", "zip package without word/document.xml (not a Word document)", stage=_READ
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                try:
                    # Bounded: zipfile stops at the declared size checked above.
                    xml = archive.read(info)
                except Exception as exc:
                    raise TransformError(
                        "docx_invalid", f"{info.filename} cannot be read: {exc!r}", stage=_READ
                    ) from None
                if _declares_dtd(xml):
                    raise TransformError(
                        "docx_invalid", f"{info.filename} declares a DTD/entities (refused)", stage=_READ
                    )


def _declares_dtd(xml: bytes) -> bool:
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")):
        xml = xml.decode("utf-16", "ignore").encode("utf-8")
    return any(marker in xml for marker in _DTD_MARKERS)


def _docx_blocks(parent, lines: list[str], origins: Origins | None = None) -> None:  # noqa: ANN001 (lxml element)
    """Paragraphs and tables under `parent`, in order; content controls
    (w:sdt) and custom-XML wrappers are looked through."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag == _W_P:
            lines.append(_docx_paragraph_text(child))
        elif tag == _W_TBL:
            _docx_table(child, lines, origins)
        elif tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                _docx_blocks(content, lines, origins)
        elif tag == _W_CUSTOM_XML:
            _docx_blocks(child, lines, origins)


def _docx_paragraph_text(p) -> str:  # noqa: ANN001
    """Text of one w:p: w:t runs, tabs, breaks; deleted revisions and the
    fallback copy of alternate content are skipped."""
    parts: list[str] = []
    stack = [p]
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag in (_W_DEL, _W_MOVE_FROM, _MC_FALLBACK):
            continue
        if tag == _W_T:
            parts.append(el.text or "")
        elif tag == _W_TAB:
            parts.append("\t")
        elif tag in (_W_BR, _W_CR):
            parts.append("\n")
        stack.extend(reversed(list(el)))
    return "".join(parts)


def _int_val(el, default: int) -> int:  # noqa: ANN001
    """w:val of a span/skip element, bounded so a hostile value cannot
    allocate a huge row."""
    if el is None:
        return default
    match = re.match(r"\s*(\d+)", el.get(_W_VAL) or "")
    return min(int(match.group(1)), _MAX_SPAN) if match else default


def _docx_cells(tr):  # noqa: ANN001, ANN202
    for child in tr.iterchildren():
        if child.tag == _W_TC:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from (c for c in content.iterchildren() if c.tag == _W_TC)
        elif child.tag == _W_CUSTOM_XML:
            yield from (c for c in child.iterchildren() if c.tag == _W_TC)


def _docx_rows(tbl):  # noqa: ANN001, ANN202
    for child in tbl.iterchildren():
        if child.tag == _W_TR:
            yield child
        elif child.tag in (_W_SDT, _W_CUSTOM_XML):
            holder = child.find(_W_SDT_CONTENT) if child.tag == _W_SDT else child
            if holder is not None:
                yield from (r for r in holder.iterchildren() if r.tag == _W_TR)


def _docx_cell_text(tc) -> str:  # noqa: ANN001
    """A cell's paragraphs joined into one cell; its tabs become spaces (a
    tab in a " | " row would read as a cell separator of the tab layout)."""
    lines: list[str] = []
    _docx_blocks(tc, lines)
    return join_parts("\n".join(lines).replace("\t", " ").split("\n"))


def _docx_table(tbl, lines: list[str], origins: Origins | None = None) -> None:  # noqa: ANN001
    """A table as " | " rows. python-docx's cell API repeats a merged cell
    in every grid position it spans; reading w:gridSpan / w:vMerge directly
    gives the text once and an empty cell for each covered position. A
    layout table (nested tables, one column, prose cells) is rendered as
    paragraphs instead."""
    nested = any(el is not tbl for el in tbl.iter(_W_TBL))
    grid: list[list[str]] = []
    width = 0
    layout = nested
    if not nested:
        for tr in _docx_rows(tbl):
            trpr = tr.find(_W_TRPR)
            row: list[str] = [""] * (_int_val(trpr.find(_W_GRID_BEFORE), 0) if trpr is not None else 0)
            count = 0
            for tc in _docx_cells(tr):
                count += 1
                tcpr = tc.find(_W_TCPR)
                span = max(_int_val(tcpr.find(_W_GRID_SPAN), 1), 1) if tcpr is not None else 1
                covered = False
                if tcpr is not None:
                    vmerge = tcpr.find(_W_VMERGE)
                    hmerge = tcpr.find(_W_HMERGE)
                    covered = (vmerge is not None and vmerge.get(_W_VAL) in (None, "continue")) or (
                        hmerge is not None and hmerge.get(_W_VAL) in (None, "continue")
                    )
                text = "" if covered else _docx_cell_text(tc)
                if len(text) > _LAYOUT_CELL_CHARS:
                    layout = True
                    break
                row.append(text)
                row.extend([""] * (span - 1))
            if layout:
                break
            if trpr is not None:
                row.extend([""] * _int_val(trpr.find(_W_GRID_AFTER), 0))
            width = max(width, count)
            grid.append(row)
        layout = layout or width <= 1
    if layout:
        for tr in _docx_rows(tbl):
            for tc in _docx_cells(tr):
                _docx_blocks(tc, lines)
        return
    lines.append("")
    number = 1 + len({cells[0].split(" row ")[0] for _, cells in origins or () if cells})
    for r, row in enumerate(grid, start=1):
        if any(row):
            line = " | ".join(row)
            lines.append(line)
            if origins is not None:
                origins.append((line, tuple(f"docx table {number} row {r} col {c}" for c in range(1, len(row) + 1))))
    lines.append("")
