"""Comparing a loaded warehouse with gold files (seeds/gold, corpus/gold, synth truth).

Shared by the seed, corpus and generator tests so every gold file is judged
by the same rules: every listed cell exact, null meaning "no number may be
published there", metadata exact, narrative figures found.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import duckdb


def _num(v) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def doc_id_for(con: duckdb.DuckDBPyConnection, file_name: str) -> str:
    rows = con.execute(
        "SELECT DISTINCT doc_id FROM raw.document_paths WHERE source_path LIKE '%/' || ? OR source_path = ?",
        [file_name, file_name],
    ).fetchall()
    assert len(rows) == 1, f"{file_name}: expected one loaded document, found {len(rows)}"
    return rows[0][0]


def compare(con: duckdb.DuckDBPyConnection, doc_id: str, gold: dict) -> list[str]:
    """Every difference between the warehouse and the gold file, as readable strings."""
    problems: list[str] = []
    report = con.execute(
        "SELECT agency, report_year, published_on, doc_kind, format_version, status, region, admin_level "
        "FROM core.reports WHERE doc_id = ?",
        [doc_id],
    ).fetchone()
    if report is None:
        return [f"no core.reports row for {gold.get('file')}"]
    got_meta = dict(
        zip(["agency", "report_year", "published_on", "doc_kind", "format_version", "status", "region", "admin_level"], report)
    )
    for key, want in (gold.get("report") or {}).items():
        got = got_meta.get(key)
        if key == "published_on" and got is not None:
            got = got.isoformat()
        if got != want:
            problems.append(f"report.{key}: got {got!r}, want {want!r}")

    if gold.get("sections") is not None:
        got_sections = [
            r[0]
            for r in con.execute(
                "SELECT section FROM core.sections WHERE doc_id = ? ORDER BY start_offset", [doc_id]
            ).fetchall()
        ]
        if got_sections != gold["sections"]:
            problems.append(f"sections: got {got_sections}, want {gold['sections']}")

    tables = {
        "active_disclosure": ("core.fact_active_disclosure", "item || '.' || metric"),
        "requests": ("core.fact_requests", "row_code || '.' || applicant"),
        "review_litigation": ("core.fact_review_litigation", "proceeding || '.' || outcome"),
    }
    for key, (table, cell) in tables.items():
        for source, gold_key in (("table", key), ("narrative", f"{key}_narrative")):
            if gold_key not in gold:
                continue
            rows = con.execute(
                f"SELECT {cell}, value FROM {table} WHERE doc_id = ? AND source = ?", [doc_id, source]
            ).fetchall()
            got = {}
            for k, v in rows:
                if k in got:
                    problems.append(f"{gold_key}.{k}: stored twice")
                got[k] = v
            want_cells = gold[gold_key]
            if want_cells is None:
                if source == "table" and any(v is not None for v in got.values()):
                    problems.append(f"{gold_key}: gold has no such table but {len(got)} values were stored")
                continue
            for k, want in want_cells.items():
                if want is None:
                    if got.get(k) is not None:
                        problems.append(f"{gold_key}.{k}: got {got[k]!r}, want no number (undecided/blank)")
                elif k not in got:
                    problems.append(f"{gold_key}.{k}: missing, want {want!r}")
                elif _num(got[k]) != _num(want):
                    problems.append(f"{gold_key}.{k}: got {got[k]!r}, want {want!r}")

    if gold.get("narrative"):
        found = Counter(
            (Decimal(str(v)).normalize(), u)
            for v, u in con.execute(
                "SELECT value, unit FROM core.fact_narrative_figures WHERE doc_id = ?", [doc_id]
            ).fetchall()
        )
        wanted = Counter((Decimal(str(v)).normalize(), u) for v, u in gold["narrative"])
        exact = "dedup" in gold
        for (v, u), n in wanted.items():
            if found[(v, u)] < n or (exact and found[(v, u)] != n):
                problems.append(f"narrative {v}{u}: found {found[(v, u)]} time(s), want {n}")

    want_status = gold.get("expect_status")
    if want_status in ("published", "quarantined") and got_meta["status"] != want_status:
        reasons = con.execute(
            "SELECT rule, message FROM core.check_results WHERE doc_id = ? AND status = 'fail'", [doc_id]
        ).fetchall()
        problems.append(f"status: got {got_meta['status']}, want {want_status}; failures: {reasons}")
    for rule in gold.get("planted_errors") or []:
        hit = con.execute(
            "SELECT count(*) FROM core.check_results WHERE doc_id = ? AND rule = ? AND status = 'fail'", [doc_id, rule]
        ).fetchone()[0]
        if not hit:
            problems.append(f"planted error {rule} not reported")
    return problems
