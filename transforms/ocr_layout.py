"""OCR boxes and ruling lines → text lines and table grids (pure).

The OCR engine (orchestration.engine.ocr) reads a page image into text boxes, each
with its recognition confidence, and finds the page's ruled tables: the x
of every vertical rule, the y of every horizontal one, and for every cell
edge whether a rule is drawn there. This module turns that into what every
other extractor produces: lines of text in reading order, with each table
rendered as " | " rows where it sits on the page, spans expanded (a merged
cell's text stands in its top-left position, the positions it covers are
empty cells), blank cells kept, and every cell's origin recorded:

    ocr p3 (x0,top,x1,bottom) conf 0.98

page (``p3``, or ``img 2`` for the second picture of a web page), the
cell's box (points on a PDF page, pixels in a picture) and the lowest
confidence of the text boxes read in it (no ``conf`` for a blank cell).
`confidence_of` reads it back; `transforms.tables.ocr_vetting` uses it to
decide which figures the identities may re-decide.

A text box whose centre lies in a cell belongs to that cell; one that
straddles a drawn rule (two cells read as one box) gives the cell it is
centred in a confidence of 0, so the reading is never trusted as it stands.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

Box = tuple[float, float, float, float]  # x0, top, x1, bottom

_CJK_RE = re.compile("[\u3400-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201d]")
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–一]\s*\d{1,4}\s*[-—–一]"  # - 3 -
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})$"
)
_CONF_RE = re.compile(r"^ocr .* conf (\d(?:\.\d+)?)$")
_STRADDLE = 0.25  # share of a box's width past a drawn rule that makes it straddle


@dataclass(frozen=True)
class OcrBox:
    text: str
    box: Box  # pixels of the upright image
    score: float  # recognition confidence, 0..1


@dataclass(frozen=True)
class TableRules:
    """A ruled table: rule positions and which cell edges are drawn.

    ``vbound[r][j]``: a vertical rule at ``xs[j]`` between ``ys[r]`` and
    ``ys[r + 1]``; ``hbound[i][c]``: a horizontal rule at ``ys[i]`` between
    ``xs[c]`` and ``xs[c + 1]``."""

    xs: tuple[int, ...]
    ys: tuple[int, ...]
    vbound: tuple[tuple[bool, ...], ...]
    hbound: tuple[tuple[bool, ...], ...]

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]


@dataclass(frozen=True)
class OcrPage:
    label: str  # "p3" (PDF page 3) or "img 2" (second picture of a page)
    boxes: tuple[OcrBox, ...]
    tables: tuple[TableRules, ...] = ()
    scale: float = 1.0  # location unit per pixel (72/dpi: points)
    skew: float = 0.0  # degrees the page was turned upright by


@dataclass(frozen=True)
class Cell:
    text: str
    box: Box  # pixels
    score: float | None  # None: nothing was read in the cell


def confidence_of(location: str | None) -> float | None:
    """The OCR confidence recorded in a cell's location, None if not OCR (or blank)."""
    if not location or not location.startswith("ocr "):
        return None
    m = _CONF_RE.match(location)
    return float(m.group(1)) if m else None


def is_ocr(location: str | None) -> bool:
    return bool(location) and location.startswith("ocr ")


def _centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def join_parts(parts: list[str]) -> str:
    """Pieces of one line or cell (OCR boxes, or the wrapped lines of a PDF table cell in
    transforms.extract): nothing between CJK characters ("本年新" + "收"), a space
    otherwise (so "3" and "5" never become "35")."""
    text = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if text and not (_CJK_RE.match(text[-1]) and _CJK_RE.match(part[0])):
            text += " "
        text += part
    return text


def _lines(boxes: list[OcrBox]) -> list[list[OcrBox]]:
    """Boxes grouped into visual lines (vertical overlap of half the smaller
    height), each line left to right, lines top to bottom."""
    lines: list[list[OcrBox]] = []
    for b in sorted(boxes, key=lambda b: (b.box[1] + b.box[3]) / 2):
        for line in lines:
            top = min(x.box[1] for x in line)
            bottom = max(x.box[3] for x in line)
            overlap = min(bottom, b.box[3]) - max(top, b.box[1])
            if overlap >= 0.5 * min(bottom - top, b.box[3] - b.box[1]):
                line.append(b)
                break
        else:
            lines.append([b])
    return [sorted(line, key=lambda b: b.box[0]) for line in lines]


def table_grid(rules: TableRules, boxes: list[OcrBox]) -> list[list[Cell | None]]:
    """The table's grid, spans expanded: a merged cell is a `Cell` at its
    top-left position and None at the positions it covers."""
    xs, ys = rules.xs, rules.ys
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the root is the top-left cell

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not rules.vbound[r][c + 1]:
                union(r * cols + c, r * cols + c + 1)
            if r + 1 < rows and not rules.hbound[r + 1][c]:
                union(r * cols + c, (r + 1) * cols + c)
    members: dict[int, list[int]] = {}
    for k in range(rows * cols):
        members.setdefault(find(k), []).append(k)
    extent: dict[int, Box] = {}
    for root, ks in members.items():
        rs = [k // cols for k in ks]
        cs = [k % cols for k in ks]
        extent[root] = (xs[min(cs)], ys[min(rs)], xs[max(cs) + 1], ys[max(rs) + 1])
    inside: dict[int, list[OcrBox]] = {}
    straddles: set[int] = set()
    for b in boxes:
        cx, cy = _centre(b.box)
        c = bisect_right(xs, cx) - 1
        r = bisect_right(ys, cy) - 1
        if not (0 <= r < rows and 0 <= c < cols):
            continue
        root = find(r * cols + c)
        inside.setdefault(root, []).append(b)
        x0, _, x1, _ = extent[root]
        width = max(1.0, b.box[2] - b.box[0])
        if (x0 - b.box[0]) / width > _STRADDLE or (b.box[2] - x1) / width > _STRADDLE:
            straddles.add(root)
    grid: list[list[Cell | None]] = [[None] * cols for _ in range(rows)]
    for root, box in extent.items():
        found = inside.get(root, [])
        text = join_parts([join_parts([b.text for b in line]) for line in _lines(found)])
        score = min((b.score for b in found), default=None)
        if root in straddles:
            score = 0.0
        grid[root // cols][root % cols] = Cell(text, box, score)
    return grid


def _location(page: OcrPage, box: Box, score: float | None) -> str:
    s = page.scale
    where = f"ocr {page.label} ({box[0] * s:.0f},{box[1] * s:.0f},{box[2] * s:.0f},{box[3] * s:.0f})"
    return where if score is None else f"{where} conf {score:.2f}"


def render_page(page: OcrPage, origins: list[tuple[str, tuple[str, ...]]] | None = None) -> str:
    """The page as text: its lines top to bottom, each table as " | " rows
    where it stands (rows with no text dropped, as an HTML table's are);
    page numbers ("- 3 -") left out. ``origins`` receives every row line
    with the location of each of its cells."""
    tables = list(page.tables)
    in_table: dict[int, list[OcrBox]] = {i: [] for i in range(len(tables))}
    loose: list[OcrBox] = []
    for b in page.boxes:
        cx, cy = _centre(b.box)
        for i, t in enumerate(tables):
            if t.contains(cx, cy):
                in_table[i].append(b)
                break
        else:
            loose.append(b)
    blocks: list[tuple[float, list[str], list[tuple[str, ...]] | None]] = []
    for line in _lines(loose):
        text = join_parts([b.text for b in line])
        if text and not _PAGE_NUMBER_RE.match(text.replace(" ", "")):
            blocks.append((min(b.box[1] for b in line), [text], None))
    for i, t in enumerate(tables):
        rows: list[str] = []
        locs: list[tuple[str, ...]] = []
        for r, grid_row in enumerate(table_grid(t, in_table[i])):
            texts = [cell.text if cell else "" for cell in grid_row]
            if not any(texts):
                continue
            rows.append(" | ".join(texts))
            locs.append(tuple(
                _location(page, cell.box, cell.score if cell.text else None) if cell
                else _location(page, (t.xs[j], t.ys[r], t.xs[j + 1], t.ys[r + 1]), None)
                for j, cell in enumerate(grid_row)
            ))
        if rows:
            blocks.append((t.ys[0], rows, locs))
    blocks.sort(key=lambda b: b[0])
    out: list[str] = []
    for _, lines, locs in blocks:
        out.extend(lines)
        if locs is not None and origins is not None:
            origins.extend(zip(lines, locs))
    return "\n".join(out)
