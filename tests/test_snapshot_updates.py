"""The published snapshot is updated in place of a rewrite, and ends up exactly as a full rewrite would."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from conftest import CORPUS, SEEDS
from orchestration.cli import main as ogi
from warehouse.snapshot import SNAPSHOT_TABLES, published_path, write_snapshot


def _load(paths: list[Path], db: Path, capsys) -> str:
    assert ogi(["load", *map(str, paths), "--db", str(db), "--quiet", "--max-listed", "0"]) == 0
    return capsys.readouterr().out


def _differences(a: Path, b: Path) -> dict[str, int]:
    """Rows in one snapshot and not the other, per table (check time and load time columns aside)."""
    diffs: dict[str, int] = {}
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
        for schema, table in SNAPSHOT_TABLES:
            for x, y in (("a", "b"), ("b", "a")):
                (n,) = con.execute(
                    f"SELECT count(*) FROM (SELECT * FROM {x}.{schema}.{table} EXCEPT ALL SELECT * FROM {y}.{schema}.{table})"
                ).fetchone()
                if n:
                    diffs[f"{x}-{y} {schema}.{table}"] = n
    return diffs


def test_second_load_updates_the_snapshot_and_a_reload_leaves_it_alone(tmp_path: Path, capsys) -> None:
    db = tmp_path / "ogi.duckdb"
    assert "(written in full)" in _load([SEEDS], db, capsys)
    out = _load([CORPUS], db, capsys)
    assert "(updated:" in out and "changed document(s) re-copied)" in out
    snapshot = published_path(db)

    # the same state written from scratch, beside it
    full_db = tmp_path / "full" / "ogi.duckdb"
    full_db.parent.mkdir()
    with duckdb.connect(str(db)) as con:
        stats = write_snapshot(con, full_db, full=True)
        (reports,) = con.execute("SELECT count(*) FROM core.reports").fetchone()
    assert stats.mode == "full" and stats.rows["core.reports"] == reports >= 19
    assert _differences(snapshot, published_path(full_db)) == {}

    before = snapshot.stat()
    assert "(unchanged: nothing new to publish)" in _load([SEEDS, CORPUS], db, capsys)
    after = snapshot.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_snapshot_replaced_behind_the_warehouse_is_rewritten_in_full(tmp_path: Path, capsys) -> None:
    db = tmp_path / "ogi.duckdb"
    _load([SEEDS], db, capsys)
    other = tmp_path / "other"
    other.mkdir()
    _load([CORPUS], other / "ogi.duckdb", capsys)
    shutil.copyfile(published_path(other / "ogi.duckdb"), published_path(db))  # someone else's file
    out = _load([SEEDS, CORPUS], db, capsys)
    assert "(written in full)" in out
    with duckdb.connect(str(db), read_only=True) as con:
        (reports,) = con.execute("SELECT count(*) FROM core.reports").fetchone()
    with duckdb.connect(str(published_path(db)), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.reports").fetchone()[0] == reports


def test_duplicate_fact_keys_are_looked_for_in_what_changed_since_the_last_publish(tmp_path: Path, capsys) -> None:
    from warehouse import db as warehouse_db
    from orchestration.engine.checking import duplicate_fact_keys

    path = tmp_path / "ogi.duckdb"
    _load([SEEDS], path, capsys)
    with warehouse_db.connect(path) as con:
        assert duplicate_fact_keys(con) == ({"fact_requests": 0, "fact_review_litigation": 0, "fact_active_disclosure": 0}, 0)
        (doc,) = con.execute("SELECT min(doc_id) FROM core.fact_requests").fetchone()
        con.execute("INSERT INTO core.fact_requests SELECT * FROM core.fact_requests WHERE doc_id = ? LIMIT 1", [doc])
        con.execute("UPDATE staging.stage_ledger SET done_at = now()::TIMESTAMP WHERE doc_id = ? AND stage = 'facts'", [doc])
        dupes, scope = duplicate_fact_keys(con)
        assert (dupes["fact_requests"], scope) == (1, 1)
        con.execute("DELETE FROM staging.snapshot_log")  # never published: everything is looked at
        dupes, scope = duplicate_fact_keys(con)
        assert (dupes["fact_requests"], scope) == (1, 5)


def test_a_report_that_no_longer_cleans_loses_every_derived_row_when_published(tmp_path: Path, capsys) -> None:
    """As a re-derive whose cleaning fails commits it (its text deleted, the failure in the stage
    ledger): publishing drops its report and every row derived from it, and nothing of the others,
    although it looks only at the documents processed since the last publish."""
    from transforms import PARSER_VERSION
    from warehouse import db as warehouse_db
    from warehouse.publish import _CORE_CHILDREN, publish

    path = tmp_path / "ogi.duckdb"
    _load([SEEDS], path, capsys)

    def rows(con, doc: str) -> dict[str, tuple[int, int]]:
        return {
            table: con.execute(f"SELECT count(*) FILTER (WHERE doc_id = ?), count(*) FROM {table}", [doc]).fetchone()
            for table in ("core.reports", *_CORE_CHILDREN)
        }

    with warehouse_db.connect(path) as con:
        (doc,) = con.execute("SELECT min(doc_id) FROM core.fact_requests").fetchone()  # a report with tables
        before = rows(con, doc)
        assert all(mine > 0 for table, (mine, _) in before.items() if table in ("core.reports", "core.sections", "core.fact_requests", "core.check_results"))
        with warehouse_db.transaction(con):
            con.execute("DELETE FROM staging.cleaned_text WHERE doc_id = ?", [doc])
            con.execute("DELETE FROM staging.stage_ledger WHERE doc_id = ? AND stage = 'cleaned_text'", [doc])
            con.execute(
                "INSERT INTO staging.stage_ledger VALUES (?, 'cleaned_text', ?, 'decode_failed', now()::TIMESTAMP)",
                [doc, PARSER_VERSION],
            )
        publish(con, PARSER_VERSION)
        after = rows(con, doc)
    assert after == {table: (0, total - mine) for table, (mine, total) in before.items()}
