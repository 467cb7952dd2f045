"""The closing summary of `ogi load`: what was seen, what was published, and why not."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import duckdb

from warehouse import db


def _under(paths: list[str]) -> str:
    """SQL predicate: source_path lies under one of the given files or folders."""
    clauses = []
    for p in paths:
        q = p.replace("'", "''")
        clauses.append(f"(source_path = '{q}' OR starts_with(source_path, '{q.rstrip('/')}/'))")
    return " OR ".join(clauses) or "FALSE"


_VERIFIED_TABLES = (("表二", "fact_active_disclosure"), ("表三", "fact_requests"), ("表四", "fact_review_litigation"))


def verified_shares(con, where: str = "TRUE") -> list[tuple[str, int, int]]:
    """(table, verified cells, cells) over the table cells with a number of the
    published reports loaded from the paths ``where`` selects."""
    out = []
    for name, table in _VERIFIED_TABLES:
        ((ok, n),) = con.execute(
            f"""SELECT count(*) FILTER (WHERE f.verified), count(*) FROM core.{table} f
                JOIN core.reports r USING (doc_id)
                WHERE r.status = 'published' AND f.source = 'table' AND f.value IS NOT NULL
                  AND f.doc_id IN (SELECT doc_id FROM raw.document_paths WHERE {where})"""
        ).fetchall()
        if n:
            out.append((name, ok, n))
    return out


AWAITING_CHECKS = "awaiting checks"  # the status_reason of a report its checks have not reached yet


def _read_outcomes(
    db_path: str, where: str, max_listed: int
) -> tuple[dict[str, int], list[tuple], list[tuple], int, list[tuple[str, int, int]]]:
    """Of the documents under the paths: how many ended each way, the first `max_listed` (with report
    and load error), the files not read, and the verified shares. Counted in SQL: a reload of 100k
    files lists 40 of them, not 100k rows through Python."""
    with db.connect(db_path, read_only=True) as con:
        con.execute(
            f"""
            CREATE TEMP VIEW _ogi_outcomes AS
            SELECT p.source_path, r.status, r.agency, r.report_year, r.format_version, r.doc_kind,
                   r.status_reason, e.error, e.message,
                   CASE WHEN (r.status IS NULL AND e.error IS NULL)
                          OR (r.status = 'quarantined' AND r.status_reason = '{AWAITING_CHECKS}') THEN 'pending'
                        WHEN r.status IS NULL THEN 'failed'
                        ELSE r.status END AS outcome
            FROM (SELECT DISTINCT source_path, doc_id FROM raw.document_paths WHERE {where}) p
            LEFT JOIN core.reports r ON r.doc_id = p.doc_id
            LEFT JOIN (SELECT doc_id, any_value(error) AS error, any_value(message) AS message
                       FROM core.load_errors WHERE doc_id IS NOT NULL GROUP BY doc_id) e ON e.doc_id = p.doc_id
            """
        )
        counts = dict(con.execute("SELECT outcome, count(*) FROM _ogi_outcomes GROUP BY outcome").fetchall())
        read_errors = con.execute(
            f"SELECT source_path, error, message FROM core.load_errors WHERE doc_id IS NULL AND ({where}) "
            f"ORDER BY source_path LIMIT {int(max_listed)}"
        ).fetchall()
        (errors_total,) = con.execute(
            f"SELECT count(*) FROM core.load_errors WHERE doc_id IS NULL AND ({where})"
        ).fetchone()
        docs = con.execute(
            f"SELECT * EXCLUDE (outcome), outcome = 'pending' FROM _ogi_outcomes "
            f"ORDER BY status NULLS FIRST, source_path LIMIT {max(int(max_listed) - len(read_errors), 0)}"
        ).fetchall()
        verified = verified_shares(con, where)
    return counts, docs, read_errors, errors_total, verified


def print_load_summary(
    db_path: str, paths: list[str], ingest: dict, out: TextIO, max_listed: int = 40, run_failed: str | None = None
) -> None:
    """What the load saw, published and quarantined, and why; `run_failed` is why the run itself failed.

    A document is listed as ERROR only for its own load error (core.load_errors).
    One that a failed run did not finish is PENDING — the run's failure is
    said once, at the top, and is never put on the documents: the next load
    takes them up where this one stopped.
    """
    w = out.write
    w("\n")
    if run_failed:
        w(f"THE RUN FAILED: {run_failed}\n")
        w("  (a failure of the run, not of any document: what was not finished is pending and the next load takes it up)\n")
    where = _under(paths)
    if not Path(db_path).exists():
        w(f"warehouse: {Path(db_path).resolve()} (not created)\n")
        return
    try:
        counts, docs, read_errors, errors_total, verified = _read_outcomes(db_path, where, max_listed)
    except duckdb.Error as err:  # e.g. the failure left no readable warehouse
        w(f"warehouse: {Path(db_path).resolve()} could not be read: {err}\n")
        return

    published = counts.get("published", 0)
    quarantined = counts.get("quarantined", 0)
    failed = counts.get("failed", 0) + errors_total
    unfinished = counts.get("pending", 0)
    w(
        f"documents seen: {ingest.get('files_seen', sum(counts.values()))}   new: {ingest.get('documents_new', 0)}   "
        f"already loaded: {ingest.get('documents_already_loaded', 0)}\n"
    )
    w(f"reports published: {published}   quarantined: {quarantined}   not loadable: {failed}"
      + (f"   pending: {unfinished}" if unfinished else "") + "\n")
    for path, error, message in read_errors:
        w(f"  ERROR        {path}  — {error}: {message}\n")
    for path, status, agency, year, fmt, kind, reason, error, emsg, is_pending in docs:
        if is_pending:
            why = "the run failed before it was finished" if run_failed else "not processed yet"
            w(f"  {'PENDING':<12} {path}  — {why}\n")
        elif status is None:
            w(f"  ERROR        {path}  — {error}: {emsg or ''}\n")
        else:
            label = f"{agency or '?'} {year or '?'} ({kind}, format {fmt})"
            why = f"  — failed: {reason}" if status == "quarantined" and reason else ""
            w(f"  {status.upper():<12} {path}  {label}{why}\n")
    listed = errors_total + sum(counts.values())
    if listed > max_listed:
        w(f"  … and {listed - max_listed} more\n")
    if verified:
        w("verified cells of published reports (an identity vouches for them): "
          + " · ".join(f"{name} {ok}/{n} ({ok / n:.0%})" for name, ok, n in verified) + "\n")
    w(f"warehouse: {Path(db_path).resolve()}\n")
