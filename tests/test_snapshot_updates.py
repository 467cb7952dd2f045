"""The published snapshot is updated in place of a rewrite, and ends up exactly as a full rewrite would."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from conftest import CORPUS, SEEDS
from orchestration.cli import main as ogi
from warehouse.snapshot import SNAPSHOT_TABLES, published_path, spare_path, write_snapshot


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


def _same_as_a_full_rewrite(db: Path, tmp_path: Path) -> dict[str, int]:
    full_db = tmp_path / "full" / "ogi.duckdb"
    full_db.parent.mkdir(exist_ok=True)
    with duckdb.connect(str(db)) as con:
        write_snapshot(con, full_db, full=True)
    return _differences(published_path(db), published_path(full_db))


def test_an_update_brings_the_snapshot_before_the_current_one_up_to_date_in_place(tmp_path: Path, capsys) -> None:
    """The file a publish replaces stays beside it as the spare, and the next update is written into
    that file (no copy of the whole snapshot), which then becomes the published one."""
    db = tmp_path / "ogi.duckdb"
    snapshot = published_path(db)
    _load([SEEDS], db, capsys)
    first = snapshot.stat().st_ino
    assert not spare_path(snapshot).exists()  # a first publish replaces nothing
    assert "(updated:" in _load([CORPUS / "pingtan_syq_2019.txt"], db, capsys)  # copies: no spare yet
    second = snapshot.stat().st_ino
    assert second != first and spare_path(snapshot).stat().st_ino == first
    out = _load([CORPUS / "pingtan_syq_2021.txt", CORPUS / "pingtan_syq_2023.txt"], db, capsys)
    # the first file, updated with both loads' documents, is published; the second is the spare
    assert "(updated:" in out
    assert (snapshot.stat().st_ino, spare_path(snapshot).stat().st_ino) == (first, second)
    assert _same_as_a_full_rewrite(db, tmp_path) == {}


def test_a_spare_that_is_still_the_published_file_is_not_written_in_place(tmp_path: Path, capsys) -> None:
    """A publish stopped between linking the published file as the spare and renaming the new one
    over it leaves both names on one file, recorded as the spare: the next update copies, so the file
    readers open is never the one being written."""
    import os

    db = tmp_path / "ogi.duckdb"
    snapshot = published_path(db)
    _load([SEEDS], db, capsys)
    _load([CORPUS / "pingtan_syq_2019.txt"], db, capsys)
    spare = spare_path(snapshot)
    spare.unlink()
    os.link(snapshot, spare)
    with duckdb.connect(str(db)) as con:  # its log row, as the stopped publish wrote it
        con.execute("DELETE FROM staging.snapshot_log WHERE path = ?", [str(spare.resolve())])
        con.execute(
            "INSERT INTO staging.snapshot_log SELECT ?, watermark, layout, size_bytes, mtime_ns, changed_since_full, written_at "
            "FROM staging.snapshot_log WHERE path = ?",
            [str(spare.resolve()), str(snapshot.resolve())],
        )
    current = snapshot.stat().st_ino
    assert "(updated:" in _load([CORPUS / "pingtan_syq_2021.txt"], db, capsys)
    assert snapshot.stat().st_ino != current and spare.stat().st_ino == current  # copied, then kept as the spare
    assert _same_as_a_full_rewrite(db, tmp_path) == {}


_READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM core.reports").fetchone()[0], flush=True)
sys.stdin.read()  # until the test is done
print(con.execute("SELECT count(*) FROM core.reports").fetchone()[0], flush=True)
"""


def test_a_spare_some_reader_still_has_open_is_left_to_it_and_the_update_copies(tmp_path: Path, capsys) -> None:
    """A reader that opened the snapshot two publishes ago reads on from its file, unchanged:
    DuckDB's lock refuses the update in place, which copies the published file instead."""
    import subprocess
    import sys

    db = tmp_path / "ogi.duckdb"
    snapshot = published_path(db)
    _load([SEEDS], db, capsys)
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(snapshot)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        seen = int(reader.stdout.readline())
        first = snapshot.stat().st_ino
        _load([CORPUS / "pingtan_syq_2019.txt"], db, capsys)
        assert spare_path(snapshot).stat().st_ino == first  # the reader's file is now the spare
        assert "(updated:" in _load([CORPUS / "pingtan_syq_2021.txt"], db, capsys)
        assert snapshot.stat().st_ino != first  # not written in place: copied
        out, _ = reader.communicate("", timeout=60)
    finally:
        reader.kill()
    assert int(out) == seen  # the reader's file did not change under it
    assert _same_as_a_full_rewrite(db, tmp_path) == {}


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


def test_publish_decides_the_statuses_a_decision_over_every_report_would(tmp_path: Path, capsys) -> None:
    """`publish` re-decides only the reports processed since the last publish and those marked
    published without current checks, and ends where deciding every report would: after a verdict
    changed under a report some stage processed since, and after a backfill re-stamped every
    report's check ledger row (no stage has processed them yet, so each must await its checks)."""
    from transforms import PARSER_VERSION
    from orchestration.engine.backfill import forget_derivations
    from warehouse import db as warehouse_db
    from warehouse.publish import publish, set_statuses

    path = tmp_path / "ogi.duckdb"
    _load([SEEDS, CORPUS], path, capsys)

    def statuses(con) -> dict[str, tuple]:
        return {d: (s, r) for d, s, r in con.execute("SELECT doc_id, status, status_reason FROM core.reports").fetchall()}

    def everywhere(con) -> dict[str, tuple]:
        con.execute("CREATE OR REPLACE TABLE _saved AS SELECT doc_id, status, status_reason FROM core.reports")
        set_statuses(con, PARSER_VERSION)
        decided = statuses(con)
        con.execute("UPDATE core.reports r SET status = s.status, status_reason = s.status_reason FROM _saved s WHERE r.doc_id = s.doc_id")
        con.execute("DROP TABLE _saved")
        return decided

    with warehouse_db.connect(path) as con:
        published = [d for d, (s, _) in statuses(con).items() if s == "published"]
        assert len(published) >= 10
        untouched, failed = published[0], published[1]
        # a blocking verdict turns to fail under a report the check stage has just processed again …
        con.execute(
            "UPDATE core.check_results SET status = 'fail' WHERE doc_id = ? AND rule = "
            "(SELECT min(rule) FROM core.check_results WHERE doc_id = ? AND severity = 'blocking')",
            [failed, failed],
        )
        con.execute("UPDATE staging.stage_ledger SET done_at = now()::TIMESTAMP WHERE doc_id = ? AND stage = 'check_results'", [failed])
        expected = everywhere(con)
        assert expected[failed][0] == "quarantined" and expected[untouched][0] == "published"
        publish(con, PARSER_VERSION)
        assert statuses(con) == expected

        # … and a backfill marks every report's checks as not current
        forget_derivations(con)
        expected = everywhere(con)
        assert {s for s, _ in expected.values()} == {"quarantined"}
        assert {r for _, r in expected.values()} == {"awaiting checks"}
        publish(con, PARSER_VERSION)
        assert statuses(con) == expected
