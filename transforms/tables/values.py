"""Cell text → number, and the label/value decision every layout relies on.

A cell is kept as written (``raw``) next to what it parses to, so that a
maintainer can always see why a value is NULL: blank (the report left the
cell empty), a placeholder ("-", "/", "—", "无": not applicable), or text
that is not a number at all (a parse problem, reported as an issue).

Cells repeat a lot ("0", "", label texts), so the pure helpers are cached.

Numbers are read with `Decimal` so that fees such as "24252.311082" keep
every digit; counts are converted to `int` only when they are integral.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Thousands separators only in the strict 1-3 digit + ",ddd" shape: "1,2" is
# not a number we can trust (two cells run together?), so it stays unparsed.
_NUMBER_RE = re.compile(
    r"^(?P<sign>[-+]?)"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<unit>万元|元|件|项|个|条|次|人)?$"
)
# Cells that say "nothing here" without being blank. "-" is a placeholder,
# never a sign: a lone sign carries no number.
_PLACEHOLDER_RE = re.compile(r"^(?:[-—–―~/\\]+|无|空)$")
# A cell that is only a row number ("1.", "(一)", "三、") belongs to the label.
_NUMBERING_ONLY_RE = re.compile(
    r"^(?:\d{1,2}[.、]|[(（]\s*(?:\d{1,2}|[一二三四五六七八九十]+)\s*[)）]|[一二三四五六七八九十]+[、.])$"
)
# Any CJK ideograph or Latin letter makes a cell a label (a header, a row
# label, prose) -- except the handful of one-character placeholders above and
# a number followed by its unit ("251000元").
_LABEL_CHAR_RE = re.compile(r"[\u3400-\u9fffA-Za-z]")
# OCR reads 0 as O/o and 1 as l/I: "1O", "l", "O" sit where a value is and
# must stay value cells (that are not numbers, hence reported), never become
# label text that shifts or swallows the row's values. A lone "I" may be a
# roman numeral and stays a label.
_OCR_DIGITS_RE = re.compile(r"^(?=.*\d)[\dOoIl.,]+$|^[Ool]$")
_SPACE_RE = re.compile(r"\s+")

# Units that may follow a count; money units are only valid in amount cells.
COUNT_UNITS = frozenset({"件", "项", "个", "条", "次", "人"})
MONEY_UNITS = frozenset({"元", "万元"})


# A figure with a note after it: "22(其中修订16件)", "55(含自然失效29件)". The
# cell's value is the figure; the note is the report's own breakdown.
_ANNOTATED_RE = re.compile(r"^(?P<figure>[-+]?[\d,.]+(?:万元|元|件|项|个|条|次|人)?)\((?:其中|含|包括|另有|另)[^()]*\)$")


@lru_cache(maxsize=8192)
def normalise_cell(raw: str) -> str:
    """NFKC + no whitespace: full-width digits/commas and "1 234" spacing vanish;
    a figure's note in brackets ("22(其中修订16件)") is dropped.

    Raw seed text and cleaned text must give the same value, so every cell is
    brought to the same form before it is inspected.
    """
    text = _SPACE_RE.sub("", unicodedata.normalize("NFKC", raw)).replace("\u2212", "-")
    m = _ANNOTATED_RE.match(text)
    return m.group("figure") if m else text


@lru_cache(maxsize=8192)
def is_label_cell(raw: str) -> bool:
    """True for a cell that names something rather than states a value.

    Used by every layout to decide where a row's label ends and its value
    cells begin; a numbering-only cell ("1.") counts as part of the label.
    """
    text = normalise_cell(raw)
    if not text:
        return False
    if _PLACEHOLDER_RE.match(text) or _NUMBER_RE.match(text):
        return False
    if _NUMBERING_ONLY_RE.match(text):
        return True
    return not _OCR_DIGITS_RE.match(text) and bool(_LABEL_CHAR_RE.search(text))


def is_markdown_rule(cells: list[str]) -> bool:
    """A "|---|:--:|" line of a markdown table (OCR output): layout, not data."""
    seen = False
    for cell in cells:
        if not cell:
            continue
        if not re.fullmatch(r":?-{3,}:?", cell):
            return False
        seen = True
    return seen


@dataclass(frozen=True)
class CellValue:
    """What one value cell says.

    ``kind`` is ``number`` (value set), ``blank`` (empty cell),
    ``placeholder`` ("-", "/", "无" ...) or ``invalid`` (text that is neither).
    """

    raw: str
    kind: str
    value: Decimal | None = None
    unit: str | None = None

    @property
    def as_int(self) -> int | None:
        """The value as an int when it is integral, else None."""
        if self.value is None or self.value != self.value.to_integral_value():
            return None
        return int(self.value)


@lru_cache(maxsize=8192)
def parse_cell(raw: str) -> CellValue:
    """Read one value cell ("3,985,758", "-8", "60.179", "251000元", "", "-")."""
    text = normalise_cell(raw)
    if not text:
        return CellValue(raw, "blank")
    if _PLACEHOLDER_RE.match(text):
        return CellValue(raw, "placeholder")
    m = _NUMBER_RE.match(text)
    if not m:
        return CellValue(raw, "invalid")
    try:
        value = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return CellValue(raw, "invalid")
    if m.group("sign") == "-":
        value = -value
    return CellValue(raw, "number", value, m.group("unit"))


@lru_cache(maxsize=8192)
def read_count(raw: str) -> tuple[int | None, bool]:
    """A count cell → (value, is_bad).

    Blank and placeholder cells are (None, False); a whole number, possibly
    with a count unit ("5件"), is (n, False); anything else -- text, a
    fraction, a money unit -- is (None, True) and must be reported.
    """
    cell = parse_cell(raw)
    if cell.kind in ("blank", "placeholder"):
        return None, False
    value = cell.as_int if cell.kind == "number" else None
    if value is None or (cell.unit is not None and cell.unit not in COUNT_UNITS):
        return None, True
    return value, False
