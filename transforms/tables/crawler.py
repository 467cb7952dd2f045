"""Tables 二/三/四 in crawler text: the whole body on one line.

Pages saved by a crawler (pingtan_* in the corpus) put the report body on a
single line, tables included, with the table's cells either separated by
spaces or run together with no separator at all::

    …规章000行政规范性文件77132470第二十条第(五)项信息内容本年处理决定数量行政许可2629…
    一、本年新收政府信息公开申请数量801000081二、上年结转政府信息公开申请数量0000000…

The line-based layouts of `cells` cannot see rows here, so this module cuts
the text itself into *pairs* -- the label text before a digit run, and the
run -- and hands them on:

* the labels go through the same meaning-based matching as every other
  layout (`labels`, and `requests.read_request_rows` for table 三);
* the runs are split into cells by `flattened.solve_rows`, under the
  table's own arithmetic (see that module: row totals, T3-02, T3-03) and,
  only to choose among splits that satisfy all of it, the prose figures
  passed as ``hints``;
* the decided cells are then parsed by the table modules
  (`active.parse_active_segment`, `requests.resolve_request_rows`,
  `review.parse_review`) exactly as cells of any other layout; an
  undecided cell reaches them as a placeholder (None), and every fact's
  `CellRef.raw` is then set to the digit run it was solved from.

Glued numbering: ``1.属于国家秘密0000000`` followed by
``2.其他法律行政法规禁止公开`` prints as ``…国家秘密00000002.其他法律…`` --
the ``2`` before the ``.`` is the next label's number, not a cell. A run
directly followed by "." or "、" and a non-digit therefore ends with a row
number; numbered rows are numbered in sequence, so the number taken off is
the one after the current row's (1 after an unnumbered row or a group
label). When the run does not end with that number, one digit is taken and
a non-blocking ``numbering_unexpected`` issue says so.

A unit written after a run ("13575394432.52元") belongs to its last cell.

Where a table region ends: table 二 at the first label that names 本年新收
or the table-四 header; table 三 where `read_request_rows` stops (四、结转
下年度继续办理, or a heading); table 四 is the first run after a header that
names 行政复议, 未经复议直接起诉 and 复议后起诉 in order. Each table is cut
into pairs from its own anchor, never past a sentence end ("。") or a run
followed by a counting unit (件, 条 …): those are prose. An anchor in prose
("本年新收政府信息公开申请数量为12,…。") yields too few rows and the next
anchor is tried.

This reader runs only for a table the line-based reader did not find.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar

from transforms import codes
from transforms.model import ActiveFact, CellRef, ParseIssue, RequestFact, ReviewFact, TablesResult

from . import active, requests, review
from .cells import RawRow
from .flattened import (
    AMOUNT,
    COUNT,
    REQUEST_KINDS,
    REQUEST_ROW_SUM,
    REVIEW_KINDS,
    REVIEW_SUMS,
    SIGNED,
    Hint,
    RowSpec,
    request_identities,
    solve_rows,
)
from .labels import (
    GROUP_OF,
    METRIC_LABELS,
    active_item,
    classify_request,
    find_metrics,
    norm,
    parse_label,
    review_header_ok,
)

# A digit run: digits, with points, spaces and minus signs inside (never at
# the end). Spaces are kept: `flattened.split_run` decides what they mean.
_RUN_RE = re.compile(r"-?\d(?:[\d. \-]*\d)?")
_MONEY_UNIT_RE = re.compile(r" ?(万元|元)")
# After a run, one of these means the run was a figure in prose.
_PROSE_UNITS = frozenset("件条个项次人篇起份家场年月日%")
_CN = "一二三四五六七八九十"
_CAPTION_RE = re.compile(rf"第二十条第\s*\(\s*([{_CN}]+)\s*\)\s*项")
_T2_START_RE = re.compile(rf"第二十条第\s*\(\s*[{_CN}]+\s*\)\s*项\s*信息内容")
_T3_ANCHOR_RE = re.compile(rf"(?:[{_CN}]\s*[、.]\s*|\d\s*[.、]\s*)?本\s*年\s*新\s*收")
_T4_ANCHOR_RE = re.compile(r"复议后起诉")
# The table-二 header ends with its last column name (and a unit note).
_HEADER_END_RE = re.compile(r"^(.*(?:件数|数量|增\s*/\s*减|增减|金额)\s*(?:\([^)]*\))?)(.*)$", re.S)
_NEXT_LABEL_RE = re.compile(r"[^\d]{1,60}")  # the label text after a glued row number
_ITEM_NUMBER_RE = re.compile(r"(\d{1,2})\s*[.、]\s*\D")
_RESET_RE = re.compile(rf"\([{_CN}]+\)|[{_CN}]+、")
_LOOKBACK = 300  # characters searched before an anchor for the table's caption
_MIN_REQUEST_ROWS = 5  # distinct table-三 rows with runs: fewer is prose naming a row
_MAX_HEADER = 200  # characters of a table-四 header (it is ~100)


_Fact = TypeVar("_Fact", ActiveFact, RequestFact)


@dataclass(frozen=True)
class Pair:
    """The label text before a run, and the run (with a money unit written after it)."""

    label: str
    run: str
    unit: str | None = None
    location: str | None = None  # "text chars S–E" of the run in the text


def extract_crawler(text: str, result: TablesResult, hints: Mapping[str, Decimal] | None = None) -> None:
    """Read, into ``result``, every table the line-based reader did not find.

    Each table is looked for from its own anchor (a caption, the 本年新收
    row, the table-四 header), so prose that happens to name a row before
    the tables cannot hide them.
    """
    missing = {"active_disclosure", "requests", "review_litigation"} - result.found
    if not missing or not any(word in text for word in ("二十条", "新收", "复议后起诉")):
        return
    # Cleaned text is NFKC already; raw text (full-width "（一）", "８０") is
    # brought to the same form so that runs and captions look the same.
    text = unicodedata.normalize("NFKC", text)
    hints = hints or {}
    if "active_disclosure" in missing:
        m = _T2_START_RE.search(text)
        if m:
            pairs, _ = cut_pairs(text, m.start(), [])
            end = next(
                (k for k, p in enumerate(pairs) if _T3_ANCHOR_RE.search(p.label) or _is_review_header(p.label)),
                len(pairs),
            )
            _read_active(pairs[:end], result, hints)
    if "requests" in missing:
        for m in _T3_ANCHOR_RE.finditer(text):
            nxt = _RUN_RE.search(text, m.end(), m.end() + 40)
            if not nxt or "。" in text[m.end() : nxt.start()] or _prose_after(text, nxt.end()):
                continue  # prose naming the row ("本年新收申请12件")
            cut_issues: list[ParseIssue] = []
            pairs, _ = cut_pairs(text, _after_last_digit(text, m.start()), cut_issues)
            first = next((k for k, p in enumerate(pairs) if _T3_ANCHOR_RE.search(p.label)), None)
            if first is None:
                continue
            end = next((k for k, p in enumerate(pairs) if k > first and _is_review_header(p.label)), len(pairs))
            if _read_requests(pairs[first:end], result, hints):
                result.issues.extend(cut_issues)
                break
    if "review_litigation" in missing:
        for m in _T4_ANCHOR_RE.finditer(text):
            pairs, _ = cut_pairs(text, _review_header_start(text, m.start()), [])
            header = next((p for p in pairs if _is_review_header(p.label)), None)
            if header is not None and _read_review(header, result, hints):
                break


# --- cutting the text ------------------------------------------------------


def _review_header_start(text: str, anchor: int) -> int:
    """Where the table-四 header before ``anchor`` (its 复议后起诉 cell) begins.

    The header's first cell is "行政复议", and between it and the anchor
    stand only header cells: no digit, no sentence. Prose may stand between
    the table's heading and the header ("…收到行政复议申请6件,具体情况如下表:"),
    so the header starts at the last 行政复议 that has only header text after
    it. Without one, the old window (150 characters back, after the last
    digit) applies.
    """
    lo = max(0, anchor - _MAX_HEADER)
    pos = text.rfind("行政复议", lo, anchor)
    while pos >= 0:
        between = text[pos:anchor]
        if not any(ch.isdigit() or ch in "。:;,、" for ch in between):
            return pos
        pos = text.rfind("行政复议", lo, pos)
    return _after_last_digit(text, max(0, anchor - 150))


def _after_last_digit(text: str, pos: int) -> int:
    """Just after the last digit or sentence end in the `_LOOKBACK` characters before ``pos``."""
    lo = max(0, pos - _LOOKBACK)
    for k in range(pos - 1, lo - 1, -1):
        if text[k].isdigit() or text[k] in "。\n":
            return k + 1
    return lo


def _prose_after(text: str, pos: int) -> bool:
    return text[pos : pos + 1] in _PROSE_UNITS


def cut_pairs(text: str, start: int, issues: list[ParseIssue]) -> tuple[list[Pair], str]:
    """The (label, run) pairs from ``start`` on, and the label text after the last run.

    Stops before a label holding a sentence end ("。") and at a run followed
    by a counting unit: the tables are over, this is prose.
    """
    pairs: list[Pair] = []
    label_from = start
    prefix = ""  # the row number taken off the previous run
    for m in _RUN_RE.finditer(text, start):
        between = text[label_from : m.start()]
        if "。" in between:
            return pairs, prefix + between[: between.index("。")]
        label = prefix + between
        run, after, unit, numbering = m.group(), m.end(), None, ""
        mu = _MONEY_UNIT_RE.match(text, after)
        if mu:
            unit, after = mu.group(1), mu.end()
        elif _prose_after(text, after):
            return pairs, label
        elif text[after : after + 1] in ".、" and not text[after + 1 : after + 2].isdigit():
            nxt = _NEXT_LABEL_RE.match(text, after + 1)
            run, numbering = _take_numbering(run, label, nxt.group() if nxt else "", issues)
        if run.strip():
            lead = len(run) - len(run.lstrip())
            begin = m.start() + lead
            pairs.append(Pair(label, run.strip(), unit, f"text chars {begin}–{begin + len(run.strip())}"))
            prefix = numbering
        else:
            prefix = label + numbering  # the "run" was only the next label's number
        label_from = after
    return pairs, prefix + text[label_from:]


def _take_numbering(run: str, label: str, next_label: str, issues: list[ParseIssue]) -> tuple[str, str]:
    """Split the next row's number off the end of ``run``: (cells, number).

    The number due is the one after the current row's; a row label whose
    meaning fixes its place in its group (2.其他法律… is the second
    不予公开 reason) is accepted at that number too, so one misnumbered row
    does not shift the rest.
    """
    body = run.rstrip()
    due = [str(_row_number(label) + 1)]
    place = _official_number(next_label)
    if place is not None:
        due.append(str(place))
    for number in due:
        if body.endswith(number):
            return body[: -len(number)], number
    issues.append(
        ParseIssue(
            "numbering_unexpected",
            f"run {run!r} is followed by a row number, expected {' or '.join(dict.fromkeys(due))}; its last "
            "digit is taken as that number",
            blocking=False,
        )
    )
    return body[:-1], body[-1]


_GROUP_ROWS = {
    "denied": codes.DENIED_ROWS,
    "unable": codes.UNABLE_ROWS,
    "rejected": codes.REJECTED_ROWS,
    "other": codes.OTHER_ROWS_2021,
}


def _official_number(label: str) -> int | None:
    """The item number a table-三 row label has in the format, when its meaning says."""
    if not label:
        return None
    parsed = parse_label(label)
    places = set()
    for group, rows in _GROUP_ROWS.items():
        cls = classify_request(parsed, group)
        if cls.kind == "row" and cls.code in rows:
            places.add(rows.index(cls.code) + 1)
    return places.pop() if len(places) == 1 else None


def _row_number(label: str) -> int:
    """The item number of the row ``label`` ends with (0 after a group label or none)."""
    text = norm(label)
    last = None
    for m in _ITEM_NUMBER_RE.finditer(text):
        last = m
    if last is None:
        return 0
    if _RESET_RE.search(text, last.end()):
        return 0  # a group label ((四)无法提供) comes after the last number
    return int(last.group(1))


# --- table 二 ----------------------------------------------------------------


@dataclass
class _ActiveRow:
    label: str
    run: str | None
    unit: str | None
    header: str | None = None  # set on the first row of a sub-table
    location: str | None = None


@dataclass
class _Segment:
    caption: str
    header: str
    rows: list[_ActiveRow]


def _segments(pairs: list[Pair]) -> list[_Segment]:
    """Pairs of table 二 → sub-tables, each with its header and its rows."""
    segs: list[_Segment] = []
    for pair in pairs:
        pieces = list(_CAPTION_RE.finditer(pair.label))
        if not pieces:
            if segs:
                segs[-1].rows.append(_ActiveRow(pair.label.strip(), pair.run, pair.unit, location=pair.location))
            continue
        for k, cap in enumerate(pieces):
            body_end = pieces[k + 1].start() if k + 1 < len(pieces) else len(pair.label)
            body = pair.label[cap.end() : body_end]
            m = _HEADER_END_RE.match(body)
            header, label = (m.group(1), m.group(2)) if m else ("", body)
            last = k == len(pieces) - 1
            row = _ActiveRow(
                label.strip(), pair.run if last else None, pair.unit if last else None, header,
                pair.location if last else None,
            )
            segs.append(_Segment(cap.group(1), header, [row]))
    return segs


def _active_kind(metric: str) -> str:
    if metric == "amount":
        return AMOUNT
    if metric == "change":
        return SIGNED
    return COUNT


def _read_active(pairs: list[Pair], result: TablesResult, hints: Mapping[str, Decimal]) -> None:
    segs = _segments(pairs)
    if not segs:
        return
    specs: list[RowSpec] = []
    row_hints: list[Hint] = []
    keys: dict[tuple[int, int], str] = {}  # (segment, row) → spec key, for the rows to solve
    for s, seg in enumerate(segs):
        metrics = find_metrics(seg.header)
        for r, row in enumerate(seg.rows):
            item = active_item(parse_label(row.label)) if row.label else None
            if row.run is None or not metrics or item in (None, "header", "extra"):
                continue  # parse_active_segment reports these as they are
            key = keys[(s, r)] = f"{s}.{r}.{item}"
            kinds = tuple(_active_kind(m) for m in metrics)
            cells = tuple(f"{codes.METRIC_PREFIX_ACTIVE}.{item}.{m}" for m in metrics)
            specs.append(RowSpec(key, row.label, row.run, kinds, tuple(METRIC_LABELS[m] for m in metrics), cells=cells))
            for k, metric in enumerate(metrics):
                code = f"{codes.METRIC_PREFIX_ACTIVE}.{item}.{metric}"
                if code in hints:
                    row_hints.append(Hint(code, key, (k,), hints[code]))
    solved, issues = solve_rows(specs, (), row_hints, active.TABLE, "表二")
    result.issues.extend(issues)

    facts: list[ActiveFact] = []
    blanks: list[str] = []
    found = False
    for s, seg in enumerate(segs):
        raw_rows: list[RawRow] = []
        runs: dict[str, tuple[str, str | None]] = {}
        for r, row in enumerate(seg.rows):
            labels = tuple(x for x in (row.header, row.label) if x)
            written = (row.run or "") + (row.unit or "")
            key = keys.get((s, r))
            if key is not None:
                cells = solved[key]
                values = tuple(
                    _cell_text(c, row.unit if j == len(cells) - 1 else None) for j, c in enumerate(cells)
                )
                runs[row.label] = (written, row.location)
            else:
                values = (written,) if row.run is not None else ()
            raw_rows.append(RawRow(labels, values, values, 0))
        seg_facts, seen = active.parse_active_segment(seg.caption, raw_rows, result.issues, blanks)
        found = found or seen
        facts.extend(_with_run(f, runs) for f in seg_facts)
    if blanks:
        result.issues.append(
            ParseIssue(
                "blank_row",
                f"表二 rows with every cell blank (stored as NULL): {blanks}",
                blocking=False,
                table=active.TABLE,
            )
        )
    if found:
        result.active = facts
        result.found.add(active.TABLE)


def _cell_text(cell: str | None, unit: str | None) -> str:
    """A solved cell as cell text; an undecided one as a placeholder (None)."""
    if cell is None:
        return "-"
    return cell + (unit or "")


def _with_run(fact: _Fact, runs: dict[str, tuple[str, str | None]]) -> _Fact:
    """The fact with `CellRef.raw` set to the run its row was solved from,
    and its location to the run's place in the text."""
    found = runs.get(fact.ref.row_label)
    if found is None:
        return fact
    run, location = found
    ref = CellRef(fact.ref.table, fact.ref.row_label, fact.ref.column_label, run, location)
    if isinstance(fact, ActiveFact):
        return ActiveFact(fact.item, fact.metric, fact.value, fact.unit, ref)  # type: ignore[return-value]
    return RequestFact(fact.row_code, fact.applicant, fact.value, ref)  # type: ignore[return-value]


# --- table 三 ----------------------------------------------------------------


def _read_requests(pairs: list[Pair], result: TablesResult, hints: Mapping[str, Decimal]) -> bool:
    first = pairs[0]
    m = _T3_ANCHOR_RE.search(first.label)
    assert m is not None
    header, label = first.label[: m.start()], first.label[m.start() :]
    raw_rows = [RawRow(tuple(x for x in (header, label) if x.strip()), (first.run,), (first.run,), 0)]
    raw_rows += [RawRow((p.label,) if p.label.strip() else (), (p.run,), (p.run,), k + 1) for k, p in
                 enumerate(pairs[1:])]
    where = {p.run: p.location for p in pairs}
    read = requests.read_request_rows(raw_rows)
    with_runs = {e.code for e in read.entries if e.kind == "row" and e.values}
    if len(with_runs) < _MIN_REQUEST_ROWS:
        return False

    row_codes = {e.code for e in read.entries if e.kind == "row"}
    specs: list[RowSpec] = []
    keys: list[str | None] = []
    seen: set[str] = set()
    columns = tuple(requests.APPLICANT_LABELS.values())
    for e in read.entries:
        code: str | None = None
        if e.kind == "row" and e.values:
            code = e.code
        elif e.kind == "group" and e.code == "other" and e.values and not any(
            GROUP_OF.get(c or "") == "other" for c in row_codes
        ):
            code = codes.OTHER_ROW_SINGLE
        if code is None:
            keys.append(None)
            continue
        key = code if code not in seen else f"{code}#{len(keys)}"
        seen.add(code)
        keys.append(key)
        cells = tuple(f"{codes.METRIC_PREFIX_REQUESTS}.{code}.{a}" for a in codes.APPLICANTS) if key == code else ()
        specs.append(RowSpec(key, e.label, e.values[0], REQUEST_KINDS, columns, REQUEST_ROW_SUM, cells=cells))
    present = {s.key for s in specs}
    identities = [i for i in request_identities(present) if all(r in present for r in i.rows)]
    row_hints = [
        Hint(code, row, (k,), hints[code])
        for row in present
        for k, applicant in enumerate(codes.APPLICANTS)
        if (code := f"{codes.METRIC_PREFIX_REQUESTS}.{row}.{applicant}") in hints
    ]
    solved, issues = solve_rows(specs, identities, row_hints, requests.TABLE, "表三")

    runs: dict[str, tuple[str, str | None]] = {}
    entries = []
    for e, key in zip(read.entries, keys):
        if key is None:
            entries.append(e)
            continue
        runs.setdefault(e.label, (e.values[0], where.get(e.values[0])))
        entries.append(replace(e, values=tuple(_cell_text(c, None) for c in solved[key])))
    read = replace(read, entries=entries)
    local: list[ParseIssue] = []
    requests._check_header(read.header, local)
    facts, variant = requests.resolve_request_rows(read, local)
    result.issues.extend(local)
    result.issues.extend(issues)
    result.requests = [_with_run(f, runs) for f in facts]
    result.request_variant = variant
    result.found.add(requests.TABLE)
    return True


# --- table 四 ----------------------------------------------------------------


def _is_review_header(label: str) -> bool:
    text = norm(label)
    return (
        "复议后起诉" in text
        and ("结果维持" in text or "总计" in text)
        and len(text) <= _MAX_HEADER
        and review_header_ok(text)
    )


_LITIGATION_ALL = f"{codes.METRIC_PREFIX_REVIEW}.litigation.total"


def _read_review(pair: Pair, result: TablesResult, hints: Mapping[str, Decimal]) -> bool:
    columns = tuple(f"{review.PROCEEDING_LABELS[p]}/{review.OUTCOME_LABELS[o]}" for p, o in review.COLUMNS)
    spec = RowSpec("review", "(数据行)", pair.run, REVIEW_KINDS, columns, REVIEW_SUMS)
    row_hints = [
        Hint(code, "review", (k,), hints[code])
        for k, (p, o) in enumerate(review.COLUMNS)
        if (code := f"{codes.METRIC_PREFIX_REVIEW}.{p}.{o}") in hints
    ]
    if _LITIGATION_ALL in hints:
        # prose 行政诉讼 N件 counts both kinds of suit: Σ of the two totals
        totals = tuple(
            k for k, (p, o) in enumerate(review.COLUMNS) if o == "total" and p.startswith("litigation")
        )
        row_hints.append(Hint(_LITIGATION_ALL, "review", totals, hints[_LITIGATION_ALL]))
    solved, issues = solve_rows([spec], (), row_hints, review.TABLE, "表四")
    values = tuple(_cell_text(c, None) for c in solved["review"])
    local: list[ParseIssue] = []
    facts, seen = review.parse_review(norm(pair.label), values, local)
    if not seen:
        return False
    result.issues.extend(local)
    result.issues.extend(issues)
    result.review = [
        ReviewFact(
            f.proceeding, f.outcome, f.value,
            CellRef(f.ref.table, f.ref.row_label, f.ref.column_label, pair.run, pair.location),
        )
        for f in facts
    ]
    result.found.add(review.TABLE)
    return True

