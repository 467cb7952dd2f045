"""Test helpers over warehouse.evaluate: one judge for `ogi eval` and the tests."""

from __future__ import annotations

import duckdb

from warehouse.evaluate import find_doc, score


def doc_id_for(con: duckdb.DuckDBPyConnection, file_name: str) -> str:
    doc_id = find_doc(con, file_name)
    assert doc_id is not None, f"{file_name}: expected exactly one loaded document"
    return doc_id


def compare(con: duckdb.DuckDBPyConnection, doc_id: str, gold: dict) -> list[str]:
    """Every difference between the warehouse and the gold file, as readable strings."""
    return score(con, doc_id, gold).problems


def status_and_blocking_failures(con: duckdb.DuckDBPyConnection, file_name: str) -> tuple[str, set[str]]:
    """A loaded document's status and the ids of its failing blocking rules."""
    doc = doc_id_for(con, file_name)
    (status,) = con.execute("SELECT status FROM core.reports WHERE doc_id = ?", [doc]).fetchone()
    failed = {
        r[0]
        for r in con.execute(
            "SELECT rule FROM core.check_results WHERE doc_id = ? AND status = 'fail' AND severity = 'blocking'", [doc]
        ).fetchall()
    }
    return status, failed
