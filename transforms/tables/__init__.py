"""The three statistical tables of an annual report → fact records.

`extract_tables(text)` takes one document's cleaned text (raw seed text and
its NFKC form work as well), finds tables 二, 三 and 四 by their captions and
labels wherever they are, and returns a `TablesResult`: facts with a
`CellRef` to the cell they were read from, the set of tables found, the
table-三 variant, and every doubt as a `ParseIssue`.

Layout of the package:

* ``cells``    -- text → `RawRow`s (label cells + value cells) per layout;
* ``labels``   -- label normalisation and matching by meaning;
* ``values``   -- cell text → number / blank / placeholder;
* ``active``, ``requests``, ``review`` -- one module per table;
* ``crawler``  -- crawler text (the whole body on one line): label + digit
  run pairs, for the tables the line layouts did not find;
* ``flattened`` -- splits such runs into cells by the table's arithmetic
  (issues ``undecidable_split``, ``split_search_exhausted``, ``hint_ignored``,
  ``split_decided_by_prose``, ``numbering_unexpected`` [no];
  ``no_consistent_split`` [yes]);
* ``legacy``   -- pre-2019 local statistics tables (指标名称 | 计量单位 |
  本年度 | 历年累计) → `TablesResult.legacy`, never the 2019+ codes; its
  issues are all non-blocking (see that module's docstring).

New layouts (crawler text, PDF words, OCR markdown) plug in by producing
`RawRow`s and calling `active.parse_active_segment`,
`requests.read_request_rows` + `requests.resolve_request_rows`, or
`review.parse_review`.

Conventions: a blank cell is None (never 0); "-", "/", "—", "无" are None
with the raw text kept in the `CellRef`; table-二 units are "件" for
document and decision counts, None for the 2019 item counts (上一年项目数量,
本年增/减, 采购项目数量), and the stated money unit for amounts ("万元" from
the header, else "元"/"万元" written in the cell, else None).

Issue codes (``blocking`` in brackets):

* table_row_misaligned [yes] -- a row's cells neither count to the column
  count nor fit the table's grid (`grid.values_at`); that row is not stored.
* unknown_row [yes in 三; no in 二], group_row_unmapped [yes],
  values_without_label [yes] -- values that cannot be placed.
* bad_value [yes] -- a cell that is not a number (or not a whole count);
  stored as None.
* header_unrecognised [yes] (二: no metric in the header),
  header_unverified [yes in 四: wrong/missing proceedings; no in 三].
* conflicting_values [yes] -- the same table printed twice, differently.
* rows_missing [yes; rule P-05] -- a table read only in part: table 三
  lacks rows of its form's variant (rows lost at a page break, a label that
  ended the table early), or table 二 prints an item no cell was read for.
* subtotal_row, extra_row_ignored, blank_row, unit_missing,
  unit_conflict, label_fragment_joined, row_aligned_by_grid, values_after_label,
  row_placed_by_order, table_not_read [no] -- information for maintainers.

``row_aligned_by_grid``: a row that prints fewer cells than the form's
columns is read at the table's value columns (`grid`: by header meaning,
by the complete rows' agreement, or from the right edge; a converter's
empty spacer columns dropped); ragged hand-typed layouts (seeds 001, 002),
whose complete rows start in different columns, never qualify.
``row_placed_by_order``: a label that matches no row of the form, alone in
the one slot its recognised neighbours leave in the form's order, is read
as that row (`requests._place_by_order`). How the whole reader works:
docs/reading-tables.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from transforms.model import ParseIssue, TablesResult, TransformError

from .active import extract_active
from .cells import Document, RawRow
from .crawler import extract_crawler
from .legacy import extract_legacy
from .requests import extract_requests
from .review import extract_review

__all__ = ["extract_tables", "Document", "RawRow"]


def extract_tables(
    text: str,
    hints: Mapping[str, Decimal] | None = None,
    origins: Mapping[int, Sequence[str]] | None = None,
) -> TablesResult:
    """Find tables 二/三/四 in one document's text and read them into facts.

    ``hints`` maps fact codes ("active_disclosure.normative_documents.issued")
    to values the prose states exactly; they are only used to choose among
    the splits of a flattened crawler run that satisfy every table rule
    (`flattened`), never to override a table value.
    """
    if not isinstance(text, str):
        raise TransformError("bad_input", f"extract_tables expects text, got {type(text).__name__}", "tables")
    doc = Document(text, origins)
    result = TablesResult()
    active, found = extract_active(doc, result.issues)
    if found:
        result.active = active
        result.found.add("active_disclosure")
    requests, variant, found = extract_requests(doc, result.issues)
    if found:
        result.requests = requests
        result.request_variant = variant
        result.found.add("requests")
    review, found = extract_review(doc, result.issues)
    if found:
        result.review = review
        result.found.add("review_litigation")
    result.legacy = extract_legacy(text, result.issues)
    extract_crawler(text, result, hints)  # one-line crawler bodies, for tables not found above
    _note_unread(text, result)
    return result


# Words only a table prints: if the text has them but no table was read, the
# table is there in a layout this package does not read yet (e.g. crawler
# text with the cells run together) -- say so rather than stay silent.
_SIGNATURES: dict[str, tuple[str, ...]] = {
    "active_disclosure": ("第二十条第",),
    "requests": ("本年新收", "上年结转"),
    "review_litigation": ("未经复议直接起诉", "复议后起诉"),
}


def _note_unread(text: str, result: TablesResult) -> None:
    for table, words in _SIGNATURES.items():
        if table not in result.found and all(w in text for w in words):
            result.issues.append(
                ParseIssue(
                    "table_not_read",
                    f"the text names {list(words)} but no {table} table could be read from it",
                    blocking=False,
                    table=table,
                )
            )
