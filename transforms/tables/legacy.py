"""Pre-2019 local statistics tables (Fujian-type 统计表) → `LegacyStat` rows.

Before 2019 there was no national table. Fujian reports (平潭 2011–2017,
莆田 2009) append a 统计表 with the columns 指标名称 | 计量单位 | 本年度 |
历年累计 (some print only one value column) and rows such as::

    主动公开信息数 条 425 1516
    其中:1.网站公开 条 418 1509
    2.政府公报公开 条 7 7
    受理依申请公开信息总数 条 0 0 ...

These rows go to ``core.fact_legacy_stats`` and are never mapped onto the
2019+ row codes: the indicators, units (条 vs 件) and outcome taxonomies
differ (format-reference §5.3).

`extract_legacy(text, issues)` finds every such table by its header and
returns one `LegacyStat` per (row, value column), in table order, with
period ``"year"`` (本年度 / "2011年度") or ``"cumulative"`` (历年累计).

Indicator convention (the contract says "row label as written, cleaned";
this is how sub-items are written so that their parent stays derivable):

* a top-level row keeps its label as written, cleaned (spaces inside the
  label removed, "：" → ":"): ``主动公开信息数``;
* a 其中 sub-item is ``<parent indicator>/其中:<n>.<name>`` with the item
  number normalised to ``n.`` ("1、" → "1."), whether or not the document
  repeats 其中 on that line: ``主动公开信息数/其中:2.政府公报公开``. An
  unnumbered 其中 row is ``<parent>/其中:<name>``. The parent is therefore
  ``indicator.partition("/其中:")[0]`` -- the relation survives in the
  warehouse, where row order does not.

Layouts:

* ``grid`` -- one row per line with " | " or tab cells (HTML/DOCX/PDF
  renders): every cell has its column, a blank cell is None.
* ``spaced`` -- crawler text, the whole table on one line, cells separated
  by spaces (平潭 2011/2013). A row is anchored by its unit: *label, unit,
  value cells*. A row that prints fewer values than there are columns has
  a missing cell: the printed values are placed by the table arithmetic
  when exactly one placement fits, else every cell of that row is None;
  either way a non-blocking ``legacy_cell_missing`` issue is raised. The
  other rows are read on their own, so nothing shifts.
* ``flattened`` -- the same, with no separators at all
  (``主动公开信息数条4251516其中:1.网站公开条41815092.政府公报公开条77``).
  The unit sits between label and digits; the item number of the next
  sub-item ("2.") is glued to the end of the run and is taken off using the
  expected numbering. Each run is split into one number per column under
  the table's own rules, and never by guessing:

  - no number has a leading zero ("0" alone is fine);
  - 历年累计 ≥ 本年度;
  - a parent equals the sum of its numbered 其中 children, per column
    (a single unnumbered 其中 child only has to be ≤ its parent).

  Splits are solved per group (parent + children). A cell that takes the
  same value in every consistent solution is published; otherwise it is
  None with a non-blocking ``undecidable_split`` naming the candidates. A
  group with no consistent solution raises ``no_consistent_split`` and
  publishes none of its split runs (printed cells of a spaced table stay,
  with ``legacy_sum_mismatch`` when the printed values disagree).

Issue codes (all non-blocking: a pre-2019 report is never quarantined for
its local table, it just publishes no number it cannot decide), table
``legacy_stats``: ``undecidable_split``, ``no_consistent_split``,
``legacy_cell_missing``, ``legacy_sum_mismatch`` (printed values break
parent = Σ children), ``legacy_cumulative_below_year``,
``legacy_row_misaligned`` (more values than columns), ``legacy_bad_value``,
``legacy_numbering_unclear``, ``legacy_header_unrecognised``,
``legacy_split_search_limit``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from transforms.model import LegacyStat, ParseIssue

__all__ = ["extract_legacy", "TABLE", "YEAR", "CUMULATIVE"]

TABLE = "legacy_stats"
YEAR = "year"
CUMULATIVE = "cumulative"

# Longest first: "人次" before "次"/"人", "万元" before "元".
_UNITS = ("人次", "万元", "条", "件", "次", "人", "个", "元", "项", "篇", "期", "家", "%")
_UNIT_RE = re.compile(r"(?:" + "|".join(map(re.escape, _UNITS)) + r")$")

_SEP = r"[\s|]*"
# The header: 指标名称, optional 计量单位 (printed "计量 单位" when wrapped),
# then the value columns. Unknown columns (定西's 代码 | 本期实际 | 本年累计)
# make the header unrecognised rather than misread.
_COL = r"(?:本\s*年\s*度|\d{4}\s*年\s*度?|历\s*年\s*累\s*计)"
_HEADER_RE = re.compile(
    r"指\s*标\s*名\s*称" + _SEP + r"(?P<unit>计\s*量\s*单\s*位" + _SEP + r")?"
    r"(?P<cols>" + _COL + r"(?:" + _SEP + _COL + r")*)"
)
_HEADER_HINT_RE = re.compile(r"指\s*标\s*名\s*称")
_COL_RE = re.compile(_COL)
_WS_RE = re.compile(r"\s+")

# A value run in stream text: numbers separated by single spaces.
_RUN_RE = re.compile(r"\d+(?:\.\d+)?(?: \d+(?:\.\d+)?)*")
# What a label may look like: optional 其中 and item number, then ideographs.
# Anything else (prose with 。, a date, a phone number) ends the table.
_LABEL_RE = re.compile(
    r"^(?P<qz>其中\s*[:：]?\s*)?(?:(?P<num>\d{1,2})\s*[.、．]\s*)?"
    r"(?P<name>[\u4e00-\u9fff][\u4e00-\u9fff、()（）“”\"《》/\- ]{0,39})$"
)
_NUMBERING_PUNCT = ".、．"
# A run directly followed by these is a date/percentage in prose, not cells.
_NOT_A_CELL_AFTER = "年月日号时"
_PLACEHOLDERS = frozenset({"-", "—", "–", "/", "无", "空", "--"})
_CELL_SPLIT_RE = re.compile(r"\s*\|\s*|\t")
_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?$")

# How far after a header a stream table may reach, and how much search a
# group may cost before it is declared undecidable.
_STREAM_WINDOW = 8000
_SEARCH_LIMIT = 200_000


@dataclass
class _Row:
    """One parsed row: cleaned label parts and its candidate value tuples."""

    name: str  # label without 其中/number, cleaned
    qz: bool  # the label starts with 其中
    num: int | None  # item number ("1." → 1)
    unit: str | None
    raw: str  # the run / cells as printed (numbering removed)
    candidates: list[tuple[str | None, ...]] = field(default_factory=list)
    cells: tuple[str, ...] | None = None  # raw text per column when printed one by one
    missing: bool = False  # fewer cells than columns were printed
    flattened: bool = False  # candidates come from splitting a digit run
    indicator: str = ""
    parent: int | None = None  # index of the parent row


def extract_legacy(text: str, issues: list[ParseIssue]) -> list[LegacyStat]:
    """Read every Fujian-type statistics table in `text`; doubts go to `issues`."""
    if "指" not in text or not _HEADER_HINT_RE.search(text):
        return []
    stats: list[LegacyStat] = []
    pos = 0
    while True:
        hint = _HEADER_HINT_RE.search(text, pos)
        if hint is None:
            break
        header = _HEADER_RE.match(text, hint.start())
        if header is None:
            _note_unrecognised(text, hint.start(), issues)
            pos = hint.end()
            continue
        periods = _periods(header.group("cols"))
        if periods is None:
            _note_unrecognised(text, hint.start(), issues)
            pos = header.end()
            continue
        has_unit = header.group("unit") is not None
        if "|" in header.group(0) or "\t" in header.group(0):
            rows, end = _grid_rows(text, header.end(), len(periods), has_unit, issues)
        else:
            rows, end = _stream_rows(text, header.end(), periods, has_unit, issues)
        if rows:
            _link(rows)
            _solve(rows, periods, issues)
            stats.extend(_emit(rows, periods))
        pos = max(end, header.end())
    return stats


def _note_unrecognised(text: str, at: int, issues: list[ParseIssue]) -> None:
    snippet = _WS_RE.sub(" ", text[at : at + 40])
    if "计量" in snippet or "单位" in snippet:
        issues.append(
            ParseIssue(
                "legacy_header_unrecognised",
                f"a statistics table header was seen ({snippet!r}) but its columns are not 本年度/历年累计; not read",
                blocking=False,
                table=TABLE,
            )
        )


def _periods(cols: str) -> list[str] | None:
    """Header column texts → periods; None when a period repeats."""
    periods = [CUMULATIVE if "累" in c else YEAR for c in _COL_RE.findall(cols)]
    return periods if len(set(periods)) == len(periods) else None


# ---------------------------------------------------------------- labels


def _clean_name(name: str) -> str:
    """Spaces inside a label are layout (wrapped cells), not content."""
    return _WS_RE.sub("", name).replace("：", ":").strip(" :、.")


def _parse_label(piece: str, has_unit: bool) -> tuple[str, bool, int | None, str | None] | None:
    """'其中:1.网站公开 条' → (name, qz, num, unit); None when not a row label."""
    piece = piece.strip()
    unit = None
    if has_unit:
        m = _UNIT_RE.search(piece)
        if m is None:
            return None
        unit = m.group(0)
        piece = piece[: m.start()].rstrip()
    m = _LABEL_RE.match(piece)
    if m is None:
        return None
    name = _clean_name(m.group("name"))
    if len(name) < 2:
        return None
    num = int(m.group("num")) if m.group("num") else None
    return name, m.group("qz") is not None, num, unit


# ---------------------------------------------------------------- layouts


def _stream_rows(
    text: str, start: int, periods: list[str], has_unit: bool, issues: list[ParseIssue]
) -> tuple[list[_Row], int]:
    """Rows of a one-line (spaced or flattened) table, anchored on units."""
    ncols = len(periods)
    window = unicodedata.normalize("NFKC", text[start : start + _STREAM_WINDOW]).replace("\n", " ")
    found: list[tuple[tuple, str, bool, int]] = []  # (label, run, numbering follows, end)
    spaced_votes = 0  # rows whose cells are visibly separated ("条 0 0")
    prev_end = 0
    numbered = False  # the previous run ended with this label's item number
    for m in _RUN_RE.finditer(window):
        before = window[prev_end : m.start()]
        if has_unit:
            if not _UNIT_RE.search(before[:-1] if before.endswith(" ") else before):
                continue  # digits inside a label ("其中:1.网站公开")
        elif window[m.start() - 1 : m.start()] in (":", "："):
            continue
        piece = before.lstrip(_NUMBERING_PUNCT + " ") if numbered else before
        label = _parse_label(piece, has_unit)
        if label is None:
            break
        run, nxt = m.group(0), window[m.end() : m.end() + 1]
        if nxt and nxt in _NOT_A_CELL_AFTER:
            # prose right after the table ("... 0 0 2012年3月1日"): a spaced
            # row gives its last token back; a flattened one cannot be cut.
            if " " in run:
                found.append((label, run.rpartition(" ")[0], False, m.end()))
                spaced_votes += 1
            break
        numbered = bool(nxt) and nxt in _NUMBERING_PUNCT
        found.append((label, run, numbered, m.end()))
        spaced_votes += " " in run or before.endswith(" ")
        prev_end = m.end()
    if not found:
        return [], start
    # Spaced or flattened is a property of the table, not of a row: one row
    # of a spaced table may print a single value (a missing cell).
    spaced = ncols >= 2 and 2 * spaced_votes > len(found)
    rows: list[_Row] = []
    stolen: str | None = None  # this label's item number, taken off the previous run
    for (name, qz, num, unit), run, numbered_next, _ in found:
        if stolen is not None and num is None and stolen.isdigit():
            num = int(stolen)
        stolen = None
        row = _Row(name=name, qz=qz, num=num, unit=unit, raw=run)
        if numbered_next:
            run, stolen = _take_numbering(run, num, spaced)
            if stolen is None:
                issues.append(
                    ParseIssue(
                        "legacy_numbering_unclear",
                        f"row {name!r}: the run {row.raw!r} ends with the next item's number, which could not be told apart; no values",
                        blocking=False,
                        table=TABLE,
                    )
                )
                run = ""
            row.raw = run
        _fill_stream_row(row, run, periods, spaced, issues)
        rows.append(row)
    return rows, start + found[-1][3]


def _take_numbering(run: str, num: int | None, spaced: bool) -> tuple[str, str | None]:
    """Split the next sub-item's number off the end of a run.

    Spaced text prints it as its own token; flattened text glues it on, and
    only the expected number (this row's + 1, or 1) may be taken off.
    """
    if " " in run:
        head, _, tail = run.rpartition(" ")
        return head, tail
    expected = str(num + 1 if num is not None else 1)
    if spaced and run == expected:
        return "", run
    if len(run) > len(expected) and run.endswith(expected):
        return run[: -len(expected)], expected
    return run, None


def _fill_stream_row(row: _Row, run: str, periods: list[str], spaced: bool, issues: list[ParseIssue]) -> None:
    ncols = len(periods)
    tokens = run.split() if run else []
    if not tokens:
        row.candidates = [(None,) * ncols]
        return
    if len(tokens) == ncols and (spaced or _valid_tuple(tokens, periods)):
        row.candidates = [tuple(tokens)]
        row.cells = tuple(tokens)
        return
    if spaced:
        if len(tokens) > ncols:
            issues.append(
                ParseIssue(
                    "legacy_row_misaligned",
                    f"row {row.name!r} prints {len(tokens)} values ({run!r}) for {ncols} columns; not stored",
                    blocking=False,
                    table=TABLE,
                )
            )
            row.candidates = [(None,) * ncols]
            return
        row.missing = True
        row.candidates = [
            tuple(tokens[slots.index(i)] if i in slots else None for i in range(ncols))
            for slots in combinations(range(ncols), len(tokens))
        ]
        return
    row.flattened = True
    row.raw = "".join(tokens)
    row.candidates = _splits(row.raw, periods)


def _grid_rows(
    text: str, start: int, ncols: int, has_unit: bool, issues: list[ParseIssue]
) -> tuple[list[_Row], int]:
    """Rows of a " | "/tab table, one per line, cells in their columns."""
    nl = text.find("\n", start)
    pos = len(text) if nl < 0 else nl + 1
    rows: list[_Row] = []
    end = pos
    while pos < len(text):
        nl = text.find("\n", pos)
        line_end = len(text) if nl < 0 else nl
        line = unicodedata.normalize("NFKC", text[pos:line_end])
        if "|" not in line and "\t" not in line:
            break
        row = _grid_row(_CELL_SPLIT_RE.split(line.strip(" |")), ncols, has_unit, issues)
        if row is None:
            break
        rows.append(row)
        end = line_end
        pos = line_end + 1
    return rows, end


def _grid_row(cells: list[str], ncols: int, has_unit: bool, issues: list[ParseIssue]) -> _Row | None:
    cells = [c.strip() for c in cells]
    i = 0
    labels: list[str] = []
    while i < len(cells) and (not cells[i] or _is_text(cells[i])) and not (has_unit and cells[i] in _UNITS):
        if cells[i]:
            labels.append(cells[i])
        i += 1
    if not labels:
        return None
    unit = None
    if has_unit:
        if i >= len(cells) or cells[i] not in _UNITS:
            return None
        unit = cells[i]
        i += 1
    joined = labels[0] + (":" if labels[0].rstrip(":：") == "其中" and len(labels) > 1 else "") + "".join(labels[1:])
    parsed = _parse_label(joined, False)
    if parsed is None:
        return None
    name, qz, num, _ = parsed
    values = cells[i:]
    while len(values) > ncols and not values[-1]:
        values.pop()
    row = _Row(name=name, qz=qz, num=num, unit=unit, raw=" | ".join(values))
    if len(values) > ncols:
        issues.append(
            ParseIssue(
                "legacy_row_misaligned",
                f"row {name!r} has {len(values)} value cells ({row.raw!r}) for {ncols} columns; not stored",
                blocking=False,
                table=TABLE,
            )
        )
        row.candidates = [(None,) * ncols]
        return row
    values += [""] * (ncols - len(values))
    cand: list[str | None] = []
    for v in values:
        if not v or v in _PLACEHOLDERS:
            cand.append(None)
        elif _to_number(v) is None:
            issues.append(
                ParseIssue("legacy_bad_value", f"row {name!r}: cell {v!r} is not a number", blocking=False, table=TABLE)
            )
            cand.append(None)
        else:
            cand.append(v.replace(",", ""))
    row.candidates = [tuple(cand)]
    row.cells = tuple(values)
    return row


def _is_text(cell: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in cell) or cell.rstrip(":：") == "其中"


# ---------------------------------------------------------------- numbers


def _to_number(token: str) -> Decimal | None:
    """A plain number ("1,234" allowed); anything else (NaN, "12条") is None."""
    token = token.replace(",", "")
    return Decimal(token) if _NUMBER_RE.match(token) else None


def _valid_number(token: str) -> bool:
    """A cell a flattened run may hold: digits, and no leading zero."""
    return token.isdigit() and (token == "0" or token[0] != "0")


def _valid_tuple(tokens, periods: list[str]) -> bool:
    return all(_valid_number(t) for t in tokens) and _ordered(tokens, periods)


def _ordered(tokens, periods: list[str]) -> bool:
    """历年累计 ≥ 本年度, whenever a row has both cells."""
    if YEAR not in periods or CUMULATIVE not in periods:
        return True
    year, cumulative = tokens[periods.index(YEAR)], tokens[periods.index(CUMULATIVE)]
    if year is None or cumulative is None:
        return True
    return Decimal(year) <= Decimal(cumulative)


def _splits(run: str, periods: list[str]) -> list[tuple[str, ...]]:
    """Every way to cut a digit run into one number per column, by the row rules."""
    k = len(periods)
    if not run.isdigit():
        return []
    out: list[tuple[str, ...]] = []

    def rec(rest: str, parts: tuple[str, ...]) -> None:
        if len(parts) == k - 1:
            if _valid_number(rest):
                out.append(parts + (rest,))
            return
        for i in range(1, len(rest) - (k - 2 - len(parts))):
            head = rest[:i]
            if not _valid_number(head):
                break
            rec(rest[i:], parts + (head,))

    rec(run, ())
    return [t for t in out if _ordered(t, periods)]


# ---------------------------------------------------------------- structure


def _link(rows: list[_Row]) -> None:
    """Attach 其中 sub-items to their parent and build the indicators."""
    parent: int | None = None
    last_child_num: int | None = None
    for i, row in enumerate(rows):
        is_child = False
        if parent is not None:
            if row.qz:
                is_child = True
            elif row.num is not None and (
                (last_child_num is not None and row.num == last_child_num + 1) or (last_child_num is None and row.num == 1)
            ):
                is_child = True
        if is_child:
            row.parent = parent
            last_child_num = row.num
            numbered = f"{row.num}." if row.num is not None else ""
            row.indicator = f"{rows[parent].indicator}/其中:{numbered}{row.name}"
        else:
            row.indicator = (f"{row.num}." if row.num is not None else "") + row.name
            parent = i
            last_child_num = None


# ---------------------------------------------------------------- solving


def _solve(rows: list[_Row], periods: list[str], issues: list[ParseIssue]) -> None:
    """Decide every row's cells, group by group (parent + its children)."""
    groups: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        if row.parent is None:
            groups.setdefault(i, [])
        else:
            groups[row.parent].append(i)
    for parent, children in groups.items():
        _solve_group(rows, parent, children, periods, issues)


def _solve_group(rows: list[_Row], parent: int, children: list[int], periods, issues: list[ParseIssue]) -> None:
    members = [parent] + children
    for i in members:
        row = rows[i]
        if row.cells is not None and not _ordered(row.candidates[0], periods):
            issues.append(
                ParseIssue(
                    "legacy_cumulative_below_year",
                    f"row {row.indicator!r} prints 历年累计 below 本年度 ({row.raw!r})",
                    blocking=False,
                    table=TABLE,
                )
            )
    summed = len(children) >= 2 and all(rows[c].num is not None for c in children)
    solutions, complete = _enumerate(
        [rows[i].candidates for i in members], len(periods), summed, bool(children)
    )
    if not complete:
        issues.append(
            ParseIssue(
                "legacy_split_search_limit",
                f"group {rows[parent].indicator!r}: too many possible splits to search; ambiguous cells left empty",
                blocking=False,
                table=TABLE,
            )
        )
        solutions = []
    if not solutions:
        _no_solution(rows, members, summed, len(periods), issues)
        return
    for pos, i in enumerate(members):
        row = rows[i]
        options = sorted({s[pos] for s in solutions}, key=lambda t: tuple(len(x or "") for x in t))
        decided = tuple(
            options[0][c] if all(o[c] == options[0][c] for o in options) else None for c in range(len(periods))
        )
        row.candidates = [decided]
        if row.missing:
            _note_missing(row, options, decided, periods, issues)
        elif len(options) > 1:
            issues.append(
                ParseIssue(
                    "undecidable_split",
                    f"row {row.indicator!r}: the run {row.raw!r} splits consistently as "
                    f"{_describe(options, periods)}; ambiguous cells left empty",
                    blocking=False,
                    table=TABLE,
                )
            )


def _no_solution(rows: list[_Row], members: list[int], summed: bool, ncols: int, issues: list[ParseIssue]) -> None:
    """No reading satisfies the group: printed cells stay, splits become None.

    A flattened run is only ever read through the arithmetic; when that
    fails the document (or our segmentation) is off, so even a run with a
    single valid split on its own ("55") is not published.
    """
    split_rows = [rows[i] for i in members if rows[i].flattened or rows[i].missing]
    if split_rows:
        shown = "; ".join(f"{r.indicator} {r.raw!r}" for r in split_rows)
        issues.append(
            ParseIssue(
                "no_consistent_split",
                f"group {rows[members[0]].indicator!r}: no way to read {shown} satisfies the table's rules"
                + (" (parent = sum of its items)" if summed else ""),
                blocking=False,
                table=TABLE,
            )
        )
    else:
        shown = "; ".join(f"{rows[i].indicator} {rows[i].raw!r}" for i in members)
        issues.append(
            ParseIssue(
                "legacy_sum_mismatch",
                f"the printed values break parent = sum of its items: {shown}",
                blocking=False,
                table=TABLE,
            )
        )
    for i in members:
        row = rows[i]
        if row.cells is None:  # a split or a placement: nothing is decided
            row.candidates = [(None,) * ncols]
        if row.missing:
            issues.append(
                ParseIssue(
                    "legacy_cell_missing",
                    f"row {row.indicator!r} prints {row.raw!r}, fewer values than columns; cells left empty",
                    blocking=False,
                    table=TABLE,
                )
            )


def _note_missing(row: _Row, options, decided, periods, issues: list[ParseIssue]) -> None:
    if len(options) == 1:
        where = ", ".join(f"{p}={v if v is not None else 'blank'}" for p, v in zip(periods, decided))
        msg = f"row {row.indicator!r} prints {row.raw!r}, fewer values than columns; placed by the table arithmetic: {where}"
    else:
        msg = (
            f"row {row.indicator!r} prints {row.raw!r}, fewer values than columns; its position is undecidable "
            f"({_describe(options, periods)}); cells left empty"
        )
    issues.append(ParseIssue("legacy_cell_missing", msg, blocking=False, table=TABLE))


def _describe(options, periods) -> str:
    return " or ".join(
        "(" + ", ".join(f"{p}={v if v is not None else 'blank'}" for p, v in zip(periods, o)) + ")" for o in options
    )


def _enumerate(cands: list[list[tuple]], ncols: int, summed: bool, subset: bool) -> tuple[list[tuple], bool]:
    """All combinations of candidates that satisfy the group's arithmetic.

    cands[0] is the parent's. With ``summed`` the parent equals the sum of
    the children per column (where every member's cell is known); with only
    ``subset`` each child is ≤ the parent. Partial sums above the parent
    prune the search. Returns (solutions, searched completely).
    """
    if any(not c for c in cands):
        return [], True
    if len(cands) == 1:
        return [(c,) for c in cands[0]], True
    nums = [[tuple(None if v is None else Decimal(v) for v in t) for t in cs] for cs in cands]
    solutions: list[tuple] = []
    budget = [_SEARCH_LIMIT]

    def rec(k: int, chosen: list[int], partial: list[Decimal | None], parent: tuple) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if k == len(cands):
            if summed:
                for c in range(ncols):
                    if parent[c] is not None and partial[c] is not None and partial[c] != parent[c]:
                        return True
            solutions.append(tuple(cands[i][j] for i, j in enumerate(chosen)))
            return True
        for j, vals in enumerate(nums[k]):
            nxt = list(partial)
            ok = True
            for c in range(ncols):
                v = vals[c]
                if v is not None and parent[c] is not None and (v > parent[c] if subset else False):
                    ok = False
                    break
                if summed:
                    nxt[c] = None if v is None or nxt[c] is None else nxt[c] + v
                    if nxt[c] is not None and parent[c] is not None and nxt[c] > parent[c]:
                        ok = False
                        break
            if ok and not rec(k + 1, chosen + [j], nxt, parent):
                return False
        return True

    for j, pvals in enumerate(nums[0]):
        if not rec(1, [j], [Decimal(0)] * ncols, pvals):
            return solutions, False
    return solutions, True


# ---------------------------------------------------------------- output


def _emit(rows: list[_Row], periods: list[str]) -> list[LegacyStat]:
    out: list[LegacyStat] = []
    for row in rows:
        values = row.candidates[0] if row.candidates else (None,) * len(periods)
        for c, (period, v) in enumerate(zip(periods, values)):
            raw = row.cells[c] if row.cells is not None else row.raw
            out.append(LegacyStat(row.indicator, row.unit, period, _to_number(v) if v is not None else None, raw))
    return out
