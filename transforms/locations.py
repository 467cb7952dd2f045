"""Where each table cell came from, in the container's own terms.

The extractors render every table as " | " row lines in the cleaned text
(`transforms.extract`, `transforms.cleaning`); the table readers then work
on those lines. While rendering, an extractor also records each row line
with the location of each of its cells as the container knows it:

* PDF: ``pdf p3 (x0,top,x1,bottom)`` -- page and the cell's box in points
  (pdfplumber's cell; a row clustered from words outside the ruled table
  gets its column's bounds);
* HTML: ``html table 2 row 7 col 4`` -- the data table's number in the
  page, the row of its grid and the column with spans expanded;
* DOCX: ``docx table 1 row 5 col 3`` -- likewise, grid columns after
  w:gridSpan.

`attach_origins` maps those records onto the lines of the *cleaned* text
(cleaning may drop lines, never reorders them), so the table reader can
look up a cell's location by its line and column (`tables.cells.Document`).
Cells of text inputs, and of lines no record matches, are located by their
character offsets in the cleaned text instead (``text chars 1520–1523``).
"""

from __future__ import annotations

import functools

from transforms.cleaning import clean_text

# (row line as rendered, location of each cell) in rendering order.
Origins = list[tuple[str, tuple[str, ...]]]

# How many recorded rows a cleaned line may be ahead of: rows that cleaning
# dropped (a row of chrome inside a layout table) are skipped.
_LOOKAHEAD = 4


@functools.lru_cache(maxsize=4096)
def _cleaned_row(raw: str) -> str:
    """clean_text of one recorded row line. Memoised (clean_text is a pure function of
    its text): the forms' header rows and blank rows recur in report after report, and
    a worker process then cleans each of them once (95% of the calls on generated pages)."""
    return clean_text(raw)


def attach_origins(text: str, origins: Origins) -> dict[int, tuple[str, ...]]:
    """Cleaned-text line index → the locations of that line's cells.

    Rows are matched in order on their cleaned form: a table line that
    cleaning left as it was matches its record exactly; one it changed (or
    a line that merely looks like a row elsewhere) is left unmatched, and
    its cells fall back to text offsets.
    """
    if not origins:
        return {}

    def same(d: int, line: str) -> bool:
        raw = origins[d][0]
        if raw == line:  # most rows are rendered clean already: no need to clean them
            return True
        return _cleaned_row(raw) == line

    out: dict[int, tuple[str, ...]] = {}
    k = 0
    for i, line in enumerate(text.splitlines()):
        if k >= len(origins):
            break
        if " | " not in line:
            continue
        for d in range(k, min(k + _LOOKAHEAD, len(origins))):
            if same(d, line):
                out[i] = origins[d][1]
                k = d + 1
                break
    return out
