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
