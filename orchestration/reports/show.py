"""`ogi show DOC`: one report's tables in the official form's layout, for a terminal.

A maintainer asking "why was this quarantined?" or "can I trust this
number?" wants the table as it was read, laid out like the form, with each
cell's verified mark and where it came from, and the rules that failed. This
module only reads the warehouse (core schema) and formats text.

Marks: ``✓`` verified (an identity covering the cell passed, none failed),
``·`` a number no identity vouches for, ``—`` no number (blank, placeholder
or undecided). Each row ends with the location of its first read cell.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import duckdb

from transforms import codes
from orchestration.reports import form

_MARK = {True: "✓", False: "·"}
# Table 三's rows in the order the form prints them; the 2019 form's single
# (六)其他处理 row stands where the 2021 form's three (六) rows do.
ROW_ORDER: tuple[str, ...] = tuple(
    r for code in codes.REQUEST_ROWS_2021 for r in ((codes.OTHER_ROW_SINGLE, code) if code == "total_processed" else (code,))
)


class NotFound(LookupError):
    """No report, or several, match the key the user gave."""


def find_report(con: duckdb.DuckDBPyConnection, key: str) -> str:
    """The doc_id a user means: a doc_id, a prefix of one (≥ 6 characters), a
    source path (exactly, or the end of one), or else a piece of a path."""
    rows = con.execute(
        """
        SELECT DISTINCT r.doc_id FROM core.reports r
        LEFT JOIN raw.document_paths p USING (doc_id)
        WHERE r.doc_id = ? OR (length(?) >= 6 AND starts_with(r.doc_id, ?))
           OR r.source_path = ? OR p.source_path = ? OR ends_with(r.source_path, ?) OR ends_with(p.source_path, ?)
        """,
        [key, key, key, key, key, "/" + key.lstrip("/"), "/" + key.lstrip("/")],
    ).fetchall()
    if not rows and len(key) >= 6:  # a piece of a file name
        rows = con.execute(
            "SELECT DISTINCT doc_id FROM raw.document_paths WHERE contains(source_path, ?)", [key]
        ).fetchall()
    if not rows:
        raise NotFound(f"no report matches {key!r} (a doc_id, a prefix of one, or a source path)")
    if len(rows) > 1:
        raise NotFound(f"{len(rows)} reports match {key!r}: {', '.join(r[0][:12] for r in rows[:5])} …; give more")
    return rows[0][0]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _cell(value, verified) -> str:  # noqa: ANN001 (Decimal | int | None, bool | None)
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        value = value.normalize() if value != value.to_integral_value() else int(value)
    return f"{value}{_MARK[bool(verified)]}"


def show(con: duckdb.DuckDBPyConnection, key: str) -> str:
    """The text `ogi show` prints for the report ``key`` names."""
    doc_id = find_report(con, key)
    (agency, year, fmt, kind, status, reason, path, input_format) = con.execute(
        """SELECT agency, report_year, format_version, doc_kind, status, status_reason, source_path, input_format
           FROM core.reports WHERE doc_id = ?""",
        [doc_id],
    ).fetchone()
    out = [
        f"{agency or '?'} {year or '?'} — {kind}, format {fmt}, read from {input_format or '?'}",
        f"  {path}",
        f"  doc_id {doc_id}",
        f"  status: {status}" + (f" ({reason})" if reason else ""),
        "  marks: ✓ verified by an identity · a number nothing vouches for — no number",
        "",
    ]
    out += _table_two(con, doc_id, fmt)
    out += _table_three(con, doc_id)
    out += _table_four(con, doc_id)
    out += _failures(con, doc_id)
    return "\n".join(out)


def _table_two(con, doc_id: str, fmt: str) -> list[str]:  # noqa: ANN001
    rows = con.execute(
        """SELECT item, metric, value, unit, verified, location FROM core.fact_active_disclosure
           WHERE doc_id = ? AND source = 'table'""",
        [doc_id],
    ).fetchall()
    if not rows:
        return ["二、主动公开政府信息情况: not read", ""]
    metric_label = form.METRIC_2019 if fmt == "2019" else form.METRIC
    item_label = form.ITEM_2019 if fmt == "2019" else form.ITEM
    by_item: dict[str, list] = {}
    order = {m: k for k, m in enumerate(metric_label)}
    for item, metric, value, unit, verified, location in sorted(rows, key=lambda r: order.get(r[1], 99)):
        by_item.setdefault(item, []).append((metric, value, unit, verified, location))
    out = ["二、主动公开政府信息情况"]
    for item in codes.ACTIVE_ITEMS:
        if item not in by_item:
            continue
        cells = by_item[item]
        shown = "  ".join(
            f"{metric_label.get(m, m)} {_cell(v, ok)}{unit or ''}" if v is not None else f"{metric_label.get(m, m)} —"
            for m, v, unit, ok, _ in cells
        )
        where = next((loc for *_, loc in cells if loc), "")
        out.append(f"  {form.CLAUSE[item]} {_pad(item_label[item], 20)} {shown}   [{where}]")
    return out + [""]


def _cells(con, table: str, row_key: str, col_key: str, doc_id: str) -> dict:  # noqa: ANN001
    """(row, column) → (value, verified, location) of one table's cells as read."""
    rows = con.execute(
        f"SELECT {row_key}, {col_key}, value, verified, location FROM core.{table} WHERE doc_id = ? AND source = 'table'",
        [doc_id],
    ).fetchall()
    return {(r, c): (v, ok, loc) for r, c, v, ok, loc in rows}


def _row(cells: dict, row: str, columns: tuple[str, ...]) -> tuple[list[str], str]:
    """A row's cells as shown, and the location of its first located cell."""
    shown = [_cell(*cells.get((row, c), (None, None, None))[:2]) for c in columns]
    where = next((cells[(row, c)][2] for c in columns if (row, c) in cells and cells[(row, c)][2]), "")
    return shown, where


def _table_three(con, doc_id: str) -> list[str]:  # noqa: ANN001
    cells = _cells(con, "fact_requests", "row_code", "applicant", doc_id)
    if not cells:
        return ["三、收到和处理政府信息公开申请情况: not read", ""]
    label_width = 40
    head = _pad("", label_width) + "".join(_pad(h, 10) for h in ("自然人", "商业企业", "科研机构", "社会公益", "法律服务", "其他", "总计"))
    out = ["三、收到和处理政府信息公开申请情况", "  " + head]
    for row in ROW_ORDER:
        if not any((row, a) in cells for a in codes.APPLICANTS):
            continue
        label = form.ROW.get(row, row)
        if len(label) > 18:
            label = label[:17] + "…"
        shown, where = _row(cells, row, codes.APPLICANTS)
        out.append(f"  {_pad(label, label_width)}{''.join(_pad(c, 10) for c in shown)} [{where}]")
    return out + [""]


def _table_four(con, doc_id: str) -> list[str]:  # noqa: ANN001
    cells = _cells(con, "fact_review_litigation", "proceeding", "outcome", doc_id)
    if not cells:
        return ["四、政府信息公开行政复议、行政诉讼情况: not read", ""]
    out = ["四、政府信息公开行政复议、行政诉讼情况"]
    for p in codes.PROCEEDINGS:
        shown, where = _row(cells, p, codes.OUTCOMES)
        line = "".join(f"{form.OUTCOME[o]} {_pad(c, 8)}" for o, c in zip(codes.OUTCOMES, shown))
        out.append(f"  {_pad(form.PROCEEDING[p], 30)}{line} [{where}]")
    return out + [""]


def _failures(con, doc_id: str) -> list[str]:  # noqa: ANN001
    fails = con.execute(
        """SELECT rule, severity, message, observed, expected, location FROM core.check_results
           WHERE doc_id = ? AND status = 'fail' ORDER BY severity, rule""",
        [doc_id],
    ).fetchall()
    issues = con.execute(
        "SELECT code, message FROM staging.parse_issues WHERE doc_id = ? AND blocking ORDER BY code", [doc_id]
    ).fetchall()
    if not fails and not issues:
        return ["failing rules: none"]
    out = ["failing rules:"]
    for rule, severity, message, _observed, _expected, _location in fails:
        out.append(f"  {rule} [{severity}] {message}")
    for code, message in issues:
        out.append(f"  parse: {code}: {message}")
    return out
