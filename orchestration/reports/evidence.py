"""One report's tables as read, laid out like the official form, for its quality-report page.

A maintainer looking at a quarantined report needs to see what the parser
read, where, and which cells the failing identity involves -- not a long
string in a narrow column. This gathers tables 二, 三 and 四 in the form's
layout for templates/tables_as_read.html.j2: each cell's value and verified
mark (✓), its source location as a tooltip (PDF page and box, HTML/DOCX
table/row/column, text offsets), whether a failing identity involves it,
and for a PDF the region of the page the table was read from, as an image.

Which cells a failing rule involves comes from the catalogue's coverage
(`expectations.catalogue.COVERAGE`), narrowed by the places the verdict
names ("table 三, column natural_person", "table 三, row 1.属于国家秘密").
"""

from __future__ import annotations

import re

import duckdb

from expectations.catalogue import COVERAGE
from orchestration.reports import form, pdf_crops
from orchestration.reports.show import ROW_ORDER, _cell, _cells
from transforms import codes

_COLUMN_RE = re.compile(r"column (\w+)")
_ROW_RE = re.compile(r"row (.+?)(?:;|$| vs )")


def _highlighted(con: duckdb.DuckDBPyConnection, doc_id: str, table: str, labels: dict[str, str]) -> dict[tuple, set[str]]:
    """(row, column) → the failing rules whose identity involves that cell."""
    out: dict[tuple, set[str]] = {}
    fails = con.execute(
        "SELECT rule, coalesce(location, '') FROM core.check_results WHERE doc_id = ? AND status = 'fail'", [doc_id]
    ).fetchall()
    grid = {
        "fact_requests": (codes.REQUEST_ROW_CODES, codes.APPLICANTS),
        "fact_review_litigation": (codes.PROCEEDINGS, codes.OUTCOMES),
        "fact_active_disclosure": (tuple(codes.ACTIVE_LAYOUT_2021), tuple({m for ms in codes.ACTIVE_LAYOUT_2021.values() for m in ms})),
    }[table]
    for rule, location in fails:
        cover = [(r, c) for rid, tbl, r, c in COVERAGE if rid == rule and tbl == table]
        if not cover:
            continue
        columns = set(_COLUMN_RE.findall(location))
        rows = {labels.get(label.strip(), "") for label in _ROW_RE.findall(location)} - {""}
        for row in grid[0]:
            for col in grid[1]:
                if not any((r in ("*", row)) and (c in ("*", col)) for r, c in cover):
                    continue
                if columns and col not in columns:
                    continue
                if rows and row not in rows:
                    continue
                out.setdefault((row, col), set()).add(rule)
    return out


def _cell_view(cell: tuple | None, rules: set[str] | None) -> dict:
    value, verified, location = cell if cell is not None else (None, None, None)
    tip = location or "not printed"
    if rules:
        tip += " · involved in failing " + ", ".join(sorted(rules))
    return {"text": _cell(value, verified) if cell is not None else "", "tip": tip, "hl": bool(rules)}


def _crops(con: duckdb.DuckDBPyConnection, doc_id: str, cells: dict, pdf: bytes | None) -> list[dict]:
    if pdf is None:
        return []
    boxes = pdf_crops.regions(loc for _, _, loc in cells.values())
    return [{"uri": uri, "caption": f"PDF page {page}: the region the table was read from"}
            for page, uri in pdf_crops.crops(pdf, boxes)]


def _pdf_bytes(con: duckdb.DuckDBPyConnection, doc_id: str) -> bytes | None:
    rows = con.execute(
        """SELECT d.content FROM raw.documents d JOIN core.reports r USING (doc_id)
           WHERE d.doc_id = ? AND r.input_format = 'pdf'""",
        [doc_id],
    ).fetchall()
    return bytes(rows[0][0]) if rows else None


def _table_two(con, doc_id: str, pdf: bytes | None) -> dict | None:
    cells = _cells(con, "fact_active_disclosure", "item", "metric", doc_id)
    if not cells:
        return None
    hl = _highlighted(con, doc_id, "fact_active_disclosure", {})
    fmt = con.execute("SELECT format_version FROM core.reports WHERE doc_id = ?", [doc_id]).fetchall()
    layout = codes.ACTIVE_LAYOUT_2019 if fmt and fmt[0][0] == "2019" else codes.ACTIVE_LAYOUT_2021
    items, metrics = (form.ITEM_2019, form.METRIC_2019) if layout is codes.ACTIVE_LAYOUT_2019 else (form.ITEM, form.METRIC)
    width = max(len(ms) for ms in layout.values())
    rows = []
    for item, ms in layout.items():
        if not any((item, m) in cells for m in ms):
            continue
        views = [_cell_view(cells.get((item, m)), hl.get((item, m))) for m in ms]
        for view, m in zip(views, ms):
            view["text"] = f"{metrics.get(m, m)}: {view['text'] or '—'}"
        rows.append({"label": items.get(item, item), "cells": views + [{"text": "", "tip": "", "hl": False}] * (width - len(ms))})
    return {"title": "二、主动公开政府信息情况", "headers": [""] * width, "rows": rows, "crops": _crops(con, doc_id, cells, pdf)}


def _table_three(con, doc_id: str, pdf: bytes | None) -> dict | None:
    cells = _cells(con, "fact_requests", "row_code", "applicant", doc_id)
    if not cells:
        return None
    labels = {
        label: row
        for row, label in con.execute(
            "SELECT DISTINCT row_code, row_label FROM core.fact_requests WHERE doc_id = ? AND row_label IS NOT NULL", [doc_id]
        ).fetchall()
    }
    hl = _highlighted(con, doc_id, "fact_requests", labels)
    rows = [
        {"label": form.ROW.get(row, row), "cells": [_cell_view(cells.get((row, a)), hl.get((row, a))) for a in codes.APPLICANTS]}
        for row in ROW_ORDER
        if any((row, a) in cells for a in codes.APPLICANTS)
    ]
    return {
        "title": "三、收到和处理政府信息公开申请情况",
        "headers": [form.APPLICANT[a].split("·")[-1] for a in codes.APPLICANTS],
        "rows": rows,
        "crops": _crops(con, doc_id, cells, pdf),
    }


def _table_four(con, doc_id: str, pdf: bytes | None) -> dict | None:
    cells = _cells(con, "fact_review_litigation", "proceeding", "outcome", doc_id)
    if not cells:
        return None
    hl = _highlighted(con, doc_id, "fact_review_litigation", {})
    rows = [
        {"label": form.PROCEEDING[p], "cells": [_cell_view(cells.get((p, o)), hl.get((p, o))) for o in codes.OUTCOMES]}
        for p in codes.PROCEEDINGS
    ]
    return {
        "title": "四、政府信息公开行政复议、行政诉讼情况",
        "headers": [form.OUTCOME[o] for o in codes.OUTCOMES],
        "rows": rows,
        "crops": _crops(con, doc_id, cells, pdf),
    }


def tables_as_read(con: duckdb.DuckDBPyConnection, doc_id: str) -> dict:
    """The context of templates/tables_as_read.html.j2 for one report: its tables (none when none was read)."""
    pdf = _pdf_bytes(con, doc_id)
    tables = [t for t in (_table_two(con, doc_id, pdf), _table_three(con, doc_id, pdf), _table_four(con, doc_id, pdf)) if t]
    return {"tables": tables, "any_crop": any(t["crops"] for t in tables)}
