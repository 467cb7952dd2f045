"""`ogi query`: one read-only statement; anything that writes or reaches outside is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SEEDS
from orchestration.cli import main as ogi


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("query") / "ogi.duckdb"
    assert ogi(["load", str(SEEDS), "--db", str(path), "--quiet"]) == 0
    return path


def test_select_searches_published_first(db: Path, capsys) -> None:
    capsys.readouterr()
    assert ogi(["query", "SELECT count(*) AS n FROM reports", "--db", str(db), "--format", "csv"]) == 0
    published = int(capsys.readouterr().out.splitlines()[1])
    assert ogi(["query", "SELECT count(*) AS n FROM core.reports", "--db", str(db), "--format", "csv"]) == 0
    everything = int(capsys.readouterr().out.splitlines()[1])
    assert 0 < published <= everything == 5


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO core.reports (doc_id) VALUES ('x')",
        "DROP TABLE core.reports",
        "COPY (SELECT 1) TO '/tmp/ogi_query_leak.csv'",
        "ATTACH '/tmp/other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT 1; DROP TABLE core.reports",
        "SET enable_external_access = true",
    ],
)
def test_writes_and_outside_access_are_refused(db: Path, sql: str, capsys) -> None:
    capsys.readouterr()
    assert ogi(["query", sql, "--db", str(db)]) != 0
    err = capsys.readouterr().err
    assert err.startswith("ogi query:") and err.strip() != "ogi query:"
    assert not Path("/tmp/ogi_query_leak.csv").exists()
