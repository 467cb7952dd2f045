"""The tables of one report as read, laid out like the official form, for the quality report.

A maintainer looking at a quarantined report needs to see what the parser
read, where, and which cells the failing identity involves -- not a long
string in a narrow column. This renders tables 三 and 四 as HTML tables in
the form's layout: each cell shows its value and verified mark (✓), carries
its source location as a tooltip (PDF page and box, HTML/DOCX table/row/
column, text offsets), and the cells of every failing identity are
highlighted (class ``hl``; the rule ids in the tooltip).

Which cells a failing rule involves comes from the catalogue's coverage
(`expectations.catalogue.COVERAGE`), narrowed by the places the verdict
names ("table 三, column natural_person", "table 三, row 1.属于国家秘密").
"""

from __future__ import annotations

import re
from html import escape

import duckdb

from expectations.catalogue import COVERAGE
from transforms import codes
from orchestration.reports import form
from orchestration.reports.show import ROW_ORDER, _cell, _cells

_COLUMN_RE = re.compile(r"column (\w+)")
_ROW_RE = re.compile(r"row (.+?)(?:;|$| vs )")


def _highlighted(con: duckdb.DuckDBPyConnection, doc_id: str, table: str, labels: dict[str, str]) -> dict[tuple, set[str]]:
    """(row, column) → the failing rules whose identity involves that cell."""
    out: dict[tuple, set[str]] = {}
    fails = con.execute(
        "SELECT rule, coalesce(location, '') FROM core.check_results WHERE doc_id = ? AND status = 'fail'", [doc_id]
    ).fetchall()
    for rule, location in fails:
        cover = [(r, c) for rid, tbl, r, c in COVERAGE if rid == rule and tbl == table]
        if not cover:
            continue
        columns = set(_COLUMN_RE.findall(location))
        rows = {labels.get(label.strip(), "") for label in _ROW_RE.findall(location)} - {""}
        for row in codes.REQUEST_ROW_CODES if table == "fact_requests" else codes.PROCEEDINGS:
            for col in codes.APPLICANTS if table == "fact_requests" else codes.OUTCOMES:
                if not any((r in ("*", row)) and (c in ("*", col)) for r, c in cover):
                    continue
                if columns and col not in columns:
                    continue
                if rows and row not in rows:
                    continue
                out.setdefault((row, col), set()).add(rule)
    return out


def _td(cell: tuple | None, rules: set[str] | None) -> str:
    value, verified, location = cell if cell is not None else (None, None, None)
    tip = location or "not printed"
    if rules:
        tip += " · involved in failing " + ", ".join(sorted(rules))
    cls = ' class="num hl"' if rules else ' class="num"'
    return f'<td{cls} title="{escape(tip)}">{escape(_cell(value, verified))}</td>'


def tables_as_read(con: duckdb.DuckDBPyConnection, doc_id: str) -> str:
    """HTML for tables 三 and 四 of one report as read (empty when neither was read)."""
    parts = []
    three = _cells(con, "fact_requests", "row_code", "applicant", doc_id)
    if three:
        labels = {
            label: row
            for row, label in con.execute(
                "SELECT DISTINCT row_code, row_label FROM core.fact_requests WHERE doc_id = ? AND row_label IS NOT NULL",
                [doc_id],
            ).fetchall()
        }
        hl = _highlighted(con, doc_id, "fact_requests", labels)
        head = "".join(f"<th>{escape(form.APPLICANT[a].split('·')[-1])}</th>" for a in codes.APPLICANTS)
        body = []
        for row in ROW_ORDER:
            if not any((row, a) in three for a in codes.APPLICANTS):
                continue
            tds = "".join(_td(three.get((row, a)), hl.get((row, a))) for a in codes.APPLICANTS)
            body.append(f"<tr><td>{escape(form.ROW.get(row, row))}</td>{tds}</tr>")
        parts.append(
            "<h3>三、收到和处理政府信息公开申请情况</h3>"
            f'<table class="form"><thead><tr><th></th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        )
    four = _cells(con, "fact_review_litigation", "proceeding", "outcome", doc_id)
    if four:
        hl = _highlighted(con, doc_id, "fact_review_litigation", {})
        head = "".join(f"<th>{escape(form.OUTCOME[o])}</th>" for o in codes.OUTCOMES)
        body = [
            f"<tr><td>{escape(form.PROCEEDING[p])}</td>"
            + "".join(_td(four.get((p, o)), hl.get((p, o))) for o in codes.OUTCOMES)
            + "</tr>"
            for p in codes.PROCEEDINGS
        ]
        parts.append(
            "<h3>四、政府信息公开行政复议、行政诉讼情况</h3>"
            f'<table class="form"><thead><tr><th></th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        )
    if not parts:
        return ""
    return (
        "<h2>Tables as read</h2><p class=\"muted\">Each cell: the value read (✓ verified by an identity, · a number "
        "nothing vouches for, — no number); hover for where it is in the source. Highlighted cells are involved in "
        "a failing identity.</p>" + "".join(parts)
    )
