"""Tables printed without ruling lines, rebuilt as grid rows from a PDF page's text lines.

A table drawn without borders (a web page whose stylesheet drops them, then
printed to PDF) leaves a table finder nothing to follow: the page is text
lines. Table 三 then reads as its long labels wrapped over many lines, with
each row's figures on one line somewhere in the middle of its label::

    (二)部分公
    开(区分处理的,只
    0 0 0 0 0 0 0
    计这一情形,不计其
    他情形)

Read line by line the label is cut in two and its halves join the rows
around it. This module rebuilds the rows the way a reader's eye does:

* an *anchor* is a line whose right part is a run of figures (at least
  `MIN_VALUES` of them on the table's widest row); the value columns are
  the x positions of the widest row's figures, and every anchor's figures
  are placed in the column nearest to them (two in one column: no grid);
* the label zone is everything left of the first value column; its lines
  are cut into one contiguous block per anchor by a dynamic programme that
  puts each block's vertical centre as close as possible to its anchor (an
  empty block costs as much as one ten lines off)
  (cells are printed vertically centred, or top-aligned: both are tried
  and the better fit taken). Lines above the first block and below the last
  may stay out (a header, a heading after the table) at a small cost each;
* a block whose label holds two row numberings in the wrong order
  ("3.其他(七)总计": a row without figures merged into its neighbour) or two
  of one level makes the whole table unsure: nothing is rebuilt and the
  page's lines are left as they are, for the table readers to doubt.

Pure: it takes pdfplumber's text lines (with their chars) and returns the
rebuilt rows with each cell's box; `transforms.extract` renders them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NUMBER = re.compile(r"^-?[\d,]+(?:\.\d+)?$")
MIN_VALUES = 5  # figures on the widest row of a table this module rebuilds (table 三: 7, 四: 15)
MAX_ROW_GAP = 260.0  # points between the figure lines of consecutive rows of one table
EDGE_LINES = 4  # label lines above the first / below the last anchor considered part of the table
MAX_BLOCK_LINES = 40  # label lines one row may have (the longest table-三 label, one character a line, is ~30)
_TOP = re.compile(r"[一二三四五六七八九十]+、")
_PAREN = re.compile(r"[(（][一二三四五六七八九十]+[)）]")
_ITEM = re.compile(r"(?<![\d.])\d{1,2}[.．、](?!\d)")


@dataclass
class Token:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Region:
    """One rebuilt table: the page lines it replaces, its rows as cells, each cell's box."""

    lines: set[int]
    top: float
    rows: list[list[str]] = field(default_factory=list)
    boxes: list[list[tuple[float, float, float, float]]] = field(default_factory=list)


def tokens(line: dict) -> list[Token]:
    """A text line's characters grouped into words by the gaps between them."""
    out: list[Token] = []
    for char in sorted(line.get("chars") or [], key=lambda c: c["x0"]):
        if char["text"].isspace():
            continue
        gap = max(1.0, 0.25 * char.get("size", 10.0))
        if out and char["x0"] - out[-1].x1 <= gap:
            t = out[-1]
            t.text += char["text"]
            t.x1, t.top, t.bottom = char["x1"], min(t.top, char["top"]), max(t.bottom, char["bottom"])
        else:
            out.append(Token(char["text"], char["x0"], char["x1"], char["top"], char["bottom"]))
    return out


def _figures(words: list[Token]) -> list[Token]:
    """The run of figures that ends the line (empty when the line does not end with one)."""
    run: list[Token] = []
    for word in reversed(words):
        if not NUMBER.match(word.text):
            break
        run.append(word)
    return run[::-1]


def regions(lines: list[dict]) -> list[Region]:
    """The tables without ruling lines among a page's text lines, rebuilt (others left alone)."""
    words = [tokens(line) for line in lines]
    figures = [_figures(w) for w in words]
    strong = [k for k, f in enumerate(figures) if len(f) >= MIN_VALUES]
    out: list[Region] = []
    taken: set[int] = set()
    for group in _groups(lines, strong, figures):
        region = _rebuild(lines, words, figures, group, taken)
        if region is not None:
            out.append(region)
            taken |= region.lines
    return out


def _groups(lines: list[dict], strong: list[int], figures: list[list[Token]]) -> list[list[int]]:
    """Runs of strong figure lines close enough, and alike enough, to be rows of one table
    (table 三's seven figures and table 四's fifteen are two tables)."""
    groups: list[list[int]] = []
    for k in sorted(strong, key=lambda k: lines[k]["top"]):
        if groups:
            last = groups[-1][-1]
            near = lines[k]["top"] - lines[last]["bottom"] <= MAX_ROW_GAP
            alike = abs(len(figures[k]) - len(figures[groups[-1][0]])) <= 2
            if near and alike:
                groups[-1].append(k)
                continue
        groups.append([k])
    return [g for g in groups if len(g) >= 2]


def _rebuild(lines, words, figures, group: list[int], taken: set[int]) -> Region | None:  # noqa: ANN001
    widest = max(group, key=lambda k: len(figures[k]))
    centres = [(t.x0 + t.x1) / 2 for t in figures[widest]]
    value_left = min(t.x0 for k in group for t in figures[k]) - 1.0
    top, bottom = lines[group[0]]["top"], lines[group[-1]]["bottom"]
    height = max(1.0, min(lines[k]["bottom"] - lines[k]["top"] for k in group))
    lo, hi = top - EDGE_LINES * height * 1.6, bottom + EDGE_LINES * height * 1.6

    def in_values(k: int) -> bool:
        return any(t.x1 > value_left for t in words[k])

    # Between the first and the last strong row every line belongs to the table: a line with
    # figures in the value columns is a row (an anchor), a line with other text there means
    # this is no table this module can rebuild. Above and below, only label-zone lines may join.
    inner = [k for k in range(len(lines)) if k not in taken and top <= lines[k]["top"] <= bottom]
    anchors = [k for k in inner if figures[k] and figures[k][0].x0 >= value_left]
    if any(in_values(k) and not (figures[k] and all(t.x1 <= value_left or t in figures[k] for t in words[k]))
           for k in inner):
        return None
    edges: list[int] = []
    above = sorted((k for k in range(len(lines)) if k not in taken and lo <= lines[k]["top"] < top),
                   key=lambda k: -lines[k]["top"])
    below = sorted((k for k in range(len(lines)) if k not in taken and bottom < lines[k]["top"] <= hi),
                   key=lambda k: lines[k]["top"])
    for side in (above, below):  # label lines touching the table, up to the first line over the value columns
        for k in side:
            if in_values(k):
                break
            edges.append(k)
    band = inner + edges
    label_lines = [k for k in band if any(t.x1 <= value_left for t in words[k])]
    label_lines.sort(key=lambda k: lines[k]["top"])
    anchors.sort(key=lambda k: lines[k]["top"])
    blocks = _blocks(lines, label_lines, anchors)
    region = Region(set(band), top)
    for a, block in zip(anchors, blocks):
        columns = _label(words, block, value_left)
        if not _one_row(columns):
            return None
        label = "".join(columns)
        cells = [""] * len(centres)
        boxes = [(0.0, 0.0, 0.0, 0.0)] * len(centres)
        for t in figures[a]:
            j = min(range(len(centres)), key=lambda j: abs(centres[j] - (t.x0 + t.x1) / 2))
            if cells[j]:
                return None  # two figures in one column
            cells[j], boxes[j] = t.text, (t.x0, t.top, t.x1, t.bottom)
        label_box = _box([t for k in block for t in words[k] if t.x1 <= value_left]) or (
            0.0, lines[a]["top"], value_left, lines[a]["bottom"])
        region.rows.append([label, *cells])
        region.boxes.append([label_box, *boxes])
    unassigned = set(label_lines) - {k for block in blocks for k in block}
    region.lines -= unassigned  # header lines above, a heading below: they stay lines of the page
    return region


def _label(words, block: list[int], value_left: float) -> list[str]:  # noqa: ANN001
    """The label zone's words of a block's lines, column by column, each top to bottom.

    Table 三 has up to three label columns (三、本年度办理结果 | (一)予以公开;
    (三)不予公开 | 1.属于国家秘密), each wrapped inside its cell, so a line
    holds pieces of several: "三、 (一)予以公" / "本年度办 开" / "理结果".
    Where a line of the block shows a wide gap between two words, the columns
    split there; every word is then read in the column its centre falls in.
    """
    zone = [[t for t in words[k] if t.x1 <= value_left] for k in block]
    splits = []
    for line in zone:
        for a, b in zip(line, line[1:]):
            if b.x0 - a.x1 > 1.5 * max(1.0, a.bottom - a.top):
                splits.append((a.x1 + b.x0) / 2)
    edges: list[float] = []
    for x in sorted(splits):
        if not edges or x - edges[-1] > 8:  # nearby gaps of different lines are one column edge
            edges.append(x)
    columns: list[list[str]] = [[] for _ in range(len(edges) + 1)]
    for line in zone:
        for t in line:
            centre = (t.x0 + t.x1) / 2
            columns[sum(1 for e in edges if centre > e)].append(t.text)
    return ["".join(col) for col in columns if col]


def _blocks(lines, label_lines: list[int], anchors: list[int]) -> list[list[int]]:  # noqa: ANN001
    """One contiguous run of label lines per anchor (possibly empty), centred or top-aligned on it."""
    best: tuple[float, list[list[int]]] | None = None
    for aligned in ("centre", "top"):
        cost, blocks = _partition(lines, label_lines, anchors, aligned)
        if best is None or cost < best[0]:
            best = (cost, blocks)
    assert best is not None
    return best[1]


def _partition(lines, label_lines: list[int], anchors: list[int], aligned: str) -> tuple[float, list[list[int]]]:  # noqa: ANN001
    """Cut the label lines into one contiguous block per anchor at the least cost: the
    squared distance of each block's centre (or top) from its row's figures."""
    n, m = len(label_lines), len(anchors)
    tops = [lines[k]["top"] for k in label_lines]
    bottoms = [lines[k]["bottom"] for k in label_lines]
    height = max(1.0, min((b - t for t, b in zip(tops, bottoms)), default=10.0))
    skip = (0.3 * height) ** 2  # leaving a line above the first or below the last block out
    empty = (10 * height) ** 2  # a row without a label: possible, but never the cheap way out

    def cost(i: int, e: int, j: int) -> float:
        if i == e:
            return empty
        a = lines[anchors[j]]
        if aligned == "centre":
            return ((tops[i] + bottoms[e - 1]) / 2 - (a["top"] + a["bottom"]) / 2) ** 2
        return (tops[i] - a["top"]) ** 2

    inf = float("inf")
    # dp[j][i]: anchors [0, j) placed, lines [0, i) used (lines before the first block skipped).
    dp = [[inf] * (n + 1) for _ in range(m + 1)]
    back: list[list[int]] = [[-1] * (n + 1) for _ in range(m + 1)]
    for i in range(n + 1):
        dp[0][i] = i * skip
    for j in range(m):
        for i in range(n + 1):
            if dp[j][i] == inf:
                continue
            for e in range(i, min(n, i + MAX_BLOCK_LINES) + 1):
                c = dp[j][i] + cost(i, e, j)
                if c < dp[j + 1][e]:
                    dp[j + 1][e], back[j + 1][e] = c, i
    end = min(range(n + 1), key=lambda e: dp[m][e] + (n - e) * skip)
    total = dp[m][end] + (n - end) * skip
    blocks: list[list[int]] = []
    e = end
    for j in range(m, 0, -1):
        i = back[j][e]
        blocks.append(label_lines[i:e])
        e = i
    return total, blocks[::-1]


def _box(inside: list[Token]) -> tuple[float, float, float, float] | None:
    if not inside:
        return None
    return (min(t.x0 for t in inside), min(t.top for t in inside), max(t.x1 for t in inside), max(t.bottom for t in inside))


_LEAD = 5  # characters a label may carry before its numbering (the tail of a group label: "理结果")


def _one_row(columns: list[str]) -> bool:
    """Each label column holds at most one numbering, near its start, and the columns go
    down the form's levels left to right (一、 then (一) then 1.): "(三)不予公开 | 1.属于国家秘密"
    is one row; "3.其他(七)总计", "1.…2.…" and "确认或重新出具已获取信息1.申请人…" (the end of
    one row, the start of the next) are two."""
    levels: list[int] = []
    for text in columns:
        found = sorted(
            (m.start(), level)
            for level, pattern in enumerate((_TOP, _PAREN, _ITEM))
            for m in pattern.finditer(text)
        )
        if not found:
            continue
        if len(found) > 1 or found[0][0] > _LEAD:
            return False
        levels.append(found[0][1])
    return len(levels) == len(set(levels)) and levels == sorted(levels)
