"""The warehouse as a service: inbox sensor, daily schedule, re-derivation, the published
snapshot SQL users read, crash safety, export.

Every test runs the real jobs against a real DuckDB file and, where Dagster
state matters (sensor cursor, dynamic partitions, run status), a real
Dagster instance in a temporary DAGSTER_HOME.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from orchestration.synth.generator import generate
from conftest import REPO, SEEDS, seed_files, seed_gold
from gold import compare
from orchestration.cli import main as ogi
from orchestration.definitions import build_defs
from orchestration.jobs import BATCH_TAG, MAX_RETRIES, WRITER_TAG
from orchestration.resources import InboxResource, WarehouseResource
from orchestration.schedules import daily_maintenance_schedule
from orchestration.sensors import RETRY_NUMBER_TAG, WILL_RETRY_TAG, empty_cursor, inbox_sensor, plan_inbox
from orchestration.settings import Settings
from warehouse.snapshot import CORE_TABLES, PUBLISHED_TABLES, WHOLE_TABLES, published_path, stale_temp_files

OGI_BIN = str(Path(sys.executable).parent / "ogi")
SEED_001 = "001_732b3b243defc543.txt"
SEED_002 = "002_0413918a63fee9e6.txt"
T3_03_ROW = "一、本年新收政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
T3_03_BAD = "一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |"
STAGES = ("cleaned_text", "report_metadata", "report_sections", "facts", "check_results")


# --- helpers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_template(tmp_path_factory) -> Path:
    """A warehouse (working file + published snapshot) with the five seeds loaded, to copy from."""
    db = tmp_path_factory.mktemp("seeds_template") / "ogi.duckdb"
    assert ogi(["load", str(SEEDS), "--db", str(db), "--quiet"]) == 0
    return db


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synth200")
    generate(folder, count=200, seed=11)
    return folder


def _copy_warehouse(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in template.parent.iterdir():
        if f.name.startswith("ogi."):
            shutil.copy2(f, folder / f.name)
    return folder / template.name


def _count(path: Path, sql: str) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _doc_by_file(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The report loaded from `name`, through core.reports (the snapshot has no raw layer)."""
    rows = con.execute(
        "SELECT doc_id FROM core.reports WHERE source_path = ? OR source_path LIKE '%/' || ?", [name, name]
    ).fetchall()
    assert len(rows) == 1, f"{name}: {len(rows)} reports"
    return rows[0][0]


def _assert_seed_gold(snapshot: Path) -> None:
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        for seed in seed_files():
            assert compare(con, _doc_by_file(con, seed.name), seed_gold(seed.name)) == [], seed.name
    finally:
        con.close()


def _meta(result, asset: str) -> dict:
    for event in result.get_asset_materialization_events():
        if event.asset_key == dg.AssetKey(asset):
            return {k: v.value for k, v in event.materialization.metadata.items()}
    raise AssertionError(f"{asset} was not materialized")


def _tick(instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorResult:
    """One sensor tick, its `inbox` resource configured from the environment as the code location does."""
    return inbox_sensor(dg.build_sensor_context(instance=instance, cursor=cursor, resources={"inbox": InboxResource.from_env()}))


def _run(instance: dg.DagsterInstance, db: Path, tick: dg.SensorResult, request: dg.RunRequest):
    """What the daemon does with a tick: add the batch partitions, launch the run (here in-process)."""
    for add in tick.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(add.partitions_def_name, list(add.partition_keys))
    job = build_defs(WarehouseResource(db_path=str(db), lock_wait_seconds=0)).resolve_job_def("load_reports")
    return job.execute_in_process(
        run_config=request.run_config,
        tags=request.tags,
        instance=instance,
        raise_on_error=False,
    )


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    monkeypatch.setenv("OGI_INBOX", str(folder))
    monkeypatch.setenv("OGI_INBOX_SETTLE_SECONDS", "0")
    return folder


# --- the inbox sensor ------------------------------------------------------------


def test_sensor_one_run_per_batch_skips_known_content_and_reprocesses_only_changed_file(tmp_path: Path, inbox: Path) -> None:
    db = tmp_path / "wh" / "ogi.duckdb"
    shutil.copyfile(SEEDS / SEED_001, inbox / SEED_001)
    shutil.copyfile(SEEDS / SEED_002, inbox / SEED_002)
    with dg.instance_for_test() as instance:
        first = _tick(instance, None)
        assert len(first.run_requests) == 1
        request = first.run_requests[0]
        assert sorted(Path(p).name for p in request.run_config["ops"]["raw_documents"]["config"]["paths"]) == [SEED_001, SEED_002]
        batch = request.tags[BATCH_TAG]
        assert [list(r.partition_keys) for r in first.dynamic_partitions_requests] == [[batch]]
        result = _run(instance, db, first, request)
        assert result.success
        assert instance.get_materialized_partitions(dg.AssetKey("ingest_batches")) == {batch}
        pub = _meta(result, "published")
        snapshot = published_path(db)
        assert pub["snapshot_path"] == str(snapshot.resolve())
        assert pub["reports_published"] == 2 and pub["reports_quarantined"] == 0
        assert pub["documents_in_warehouse"] == 2 and pub["load_errors"] == 0
        assert pub["snapshot_rows.published.reports"] == 2
        assert _count(snapshot, "SELECT count(*) FROM published.reports") == 2

        # Nothing new: no run, and the finished batch is no longer followed.
        second = _tick(instance, first.cursor)
        assert second.run_requests == [] and second.skip_reason
        assert '"batches":{}' in second.cursor

        # One file changed, one copy of loaded content under a new name: only the changed file is loaded.
        changed = inbox / SEED_001
        text = changed.read_text(encoding="utf-8")
        assert text.count(T3_03_ROW) == 1
        changed.write_text(text.replace(T3_03_ROW, T3_03_BAD), encoding="utf-8")
        shutil.copyfile(SEEDS / SEED_002, inbox / "copy_of_002.txt")
        third = _tick(instance, second.cursor)
        assert len(third.run_requests) == 1
        request = third.run_requests[0]
        assert [Path(p).name for p in request.run_config["ops"]["raw_documents"]["config"]["paths"]] == [SEED_001]
        result = _run(instance, db, third, request)
        assert result.success
        ingest = _meta(result, "raw_documents")
        assert ingest["files_seen"] == 1 and ingest["documents_new"] == 1
        assert _meta(result, "cleaned_text")["documents_pending"] == 1
        assert _meta(result, "fact_requests")["documents_pending"] == 1
        assert _meta(result, "published")["reports_quarantined"] == 1

        assert _tick(instance, third.cursor).run_requests == []
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        statuses = sorted(r[0] for r in con.execute("SELECT status FROM core.reports").fetchall())
        failed = con.execute(
            "SELECT DISTINCT rule FROM core.check_results WHERE status = 'fail' AND severity = 'blocking'"
        ).fetchall()
        published_count = con.execute("SELECT count(*) FROM published.reports").fetchone()[0]
    finally:
        con.close()
    assert statuses == ["published", "published", "quarantined"]
    assert ("T3-03",) in failed and published_count == 2


# The project instance's run retries (dagster.yaml): on, and only for jobs that carry dagster/max_retries.
RUN_RETRIES = {"run_retries": {"enabled": True, "max_retries": 0}}


def load_reports_from_env() -> dg.JobDefinition:
    """load_reports as the daemon's code server builds it: resources from the environment ($OGI_DB)."""
    return build_defs().resolve_job_def("load_reports")


def _dagster_retry(instance: dg.DagsterInstance, failed_run_id: str, number: int):
    """What Dagster's run-retry daemon does with a failed run: re-execute it from the failed step,
    with the parent's config and tags (its ogi/batch) and the retry's number."""
    parent = instance.get_run_by_id(failed_run_id)
    return dg.execute_job(
        dg.reconstructable(load_reports_from_env),
        instance=instance,
        run_config=parent.run_config,
        tags={
            **{k: v for k, v in parent.tags.items() if k != WILL_RETRY_TAG},
            RETRY_NUMBER_TAG: str(number),
            "dagster/parent_run_id": parent.run_id,
            "dagster/root_run_id": parent.root_run_id or parent.run_id,
        },
        reexecution_options=dg.ReexecutionOptions.from_failure(failed_run_id, instance),
        raise_on_error=False,
    )


def test_a_failed_batch_is_retried_by_dagster_then_given_up_until_the_file_changes(tmp_path: Path, inbox: Path, monkeypatch) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the warehouse folder should be")
    broken_db = blocker / "ogi.duckdb"  # every step fails: its folder cannot be created
    monkeypatch.setenv("OGI_DB", str(broken_db))
    report = inbox / SEED_002
    shutil.copyfile(SEEDS / SEED_002, report)
    with dg.instance_for_test(overrides=RUN_RETRIES) as instance:
        tick = _tick(instance, None)
        (request,) = tick.run_requests
        key = request.tags[BATCH_TAG]
        failed = _run(instance, broken_db, tick, request)
        assert not failed.success
        run = instance.get_run_by_id(failed.run_id)
        assert run.tags["dagster/max_retries"] == str(MAX_RETRIES) and run.tags[WILL_RETRY_TAG] == "true"
        for number in range(1, MAX_RETRIES + 1):
            # The sensor requests nothing itself: it waits for Dagster's retry of the batch.
            tick = _tick(instance, tick.cursor)
            assert tick.run_requests == [] and key in json.loads(tick.cursor)["batches"]
            retry = _dagster_retry(instance, failed.run_id, number)
            assert not retry.success
            run = instance.get_run_by_id(retry.run_id)
            assert run.tags[BATCH_TAG] == key and run.parent_run_id == failed.run_id
            assert run.run_config == request.run_config
            failed = retry
        assert run.tags[WILL_RETRY_TAG] == "false"  # retries used up
        tick = _tick(instance, tick.cursor)
        assert tick.run_requests == [] and key not in json.loads(tick.cursor)["batches"]  # given up
        assert _tick(instance, tick.cursor).run_requests == []  # not requested again while the file is unchanged
        stat = report.stat()
        os.utime(report, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched: same bytes, tried again
        again = _tick(instance, tick.cursor)
        (fresh,) = again.run_requests
        assert fresh.tags[BATCH_TAG] != key
        result = _run(instance, tmp_path / "wh" / "ogi.duckdb", again, fresh)
        assert result.success and _meta(result, "raw_documents")["documents_new"] == 1
        assert key not in json.loads(_tick(instance, again.cursor).cursor)["batches"]


def test_plan_waits_for_files_still_being_written_and_splits_large_batches(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    names = ["a.txt", "b.html", "sub/c.txt"]
    for i, name in enumerate(names):
        (inbox / name).write_text(f"report {i}", encoding="utf-8")
    (inbox / "notes.json").write_text("{}")  # not a report format
    (inbox / ".hidden.txt").write_text("dot files are never loaded")
    newest = max((inbox / n).stat().st_mtime for n in names)
    state = empty_cursor(inbox)

    early = plan_inbox(inbox, state, now=newest + 1, settle=5, max_files=2)
    assert early.batches == [] and early.unsettled == 3

    plan = plan_inbox(inbox, state, now=newest + 6, settle=5, max_files=2)
    assert [len(b.paths) for b in plan.batches] == [2, 1]
    assert len({b.key for b in plan.batches}) == 2
    assert sorted(r for b in plan.batches for r in b.rels) == sorted(names)
    assert set(plan.cursor["batches"]) == {b.key for b in plan.batches}

    (inbox / "a.txt").unlink()
    later = plan_inbox(inbox, plan.cursor, now=newest + 20, settle=5)
    assert later.batches == [] and later.removed == 1 and later.unchanged == 2
    assert "a.txt" not in later.cursor["files"]


# --- the daily schedule and re-derivation ----------------------------------------------


def test_daily_schedule_runs_pending_work_and_rechecks_everything(tmp_path: Path, seeds_template: Path) -> None:
    db = _copy_warehouse(seeds_template, tmp_path / "wh")
    con = duckdb.connect(str(db))
    try:
        (doc,) = con.execute("SELECT min(doc_id) FROM core.reports").fetchone()
        # As if a run had been killed after report_metadata for this document: stages commit
        # their rows and ledger rows together, so the later stages left neither.
        con.execute(
            "DELETE FROM staging.stage_ledger WHERE doc_id = ? AND stage IN ('report_sections', 'facts', 'check_results')",
            [doc],
        )
        for table in ("core.sections", "core.fact_active_disclosure", "core.fact_requests", "core.fact_review_litigation",
                      "core.fact_narrative_figures", "core.fact_legacy_stats", "staging.parse_issues", "core.check_results"):
            con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc])
    finally:
        con.close()
    with dg.instance_for_test() as instance:
        data = daily_maintenance_schedule(Settings()).evaluate_tick(dg.build_schedule_context(instance=instance))
        (request,) = data.run_requests
        assert request.run_config["ops"]["check_results"]["config"]["recheck_all"] is True
        job = build_defs(WarehouseResource(db_path=str(db))).resolve_job_def("daily_maintenance")
        assert dg.AssetKey("raw_documents") not in job.asset_layer.executable_asset_keys
        assert job.tags[WRITER_TAG]
        result = job.execute_in_process(run_config=request.run_config, instance=instance, tags=request.tags)
    assert result.success
    assert _meta(result, "cleaned_text")["documents_pending"] == 0
    assert _meta(result, "report_sections")["documents_pending"] == 1
    assert _meta(result, "fact_requests")["documents_pending"] == 1
    assert _meta(result, "check_results")["documents_pending"] == 5  # every report re-checked
    assert _meta(result, "published")["reports_published"] == 5
    _assert_seed_gold(published_path(db))


def _patch_parser_version(monkeypatch, new: str) -> int:
    """Bump PARSER_VERSION everywhere it was imported (modules bind it at import)."""
    import transforms

    old = transforms.PARSER_VERSION
    patched = 0
    for module in list(sys.modules.values()):
        if getattr(module, "PARSER_VERSION", None) == old and (module.__name__ or "").split(".")[0] in (
            "transforms",
            "warehouse",
            "orchestration",
            "expectations",
        ):
            monkeypatch.setattr(module, "PARSER_VERSION", new)
            patched += 1
    return patched


def test_new_parser_version_rederives_every_report_on_the_next_load(tmp_path: Path, seeds_template: Path, monkeypatch) -> None:
    db = _copy_warehouse(seeds_template, tmp_path / "wh")
    con = duckdb.connect(str(db), read_only=True)
    before = con.execute("SELECT max(done_at) FROM staging.stage_ledger").fetchone()[0]
    con.close()
    assert _patch_parser_version(monkeypatch, "9999.test-reparse") >= 3
    assert ogi(["load", str(SEEDS), "--db", str(db), "--quiet"]) == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM raw.documents").fetchone()[0] == 5  # nothing loaded twice
        ledger = con.execute(
            "SELECT stage, count(*), count(*) FILTER (parser_version = '9999.test-reparse' AND done_at > ?) "
            "FROM staging.stage_ledger GROUP BY stage",
            [before],
        ).fetchall()
        versions = con.execute("SELECT DISTINCT parser_version FROM core.reports").fetchall()
    finally:
        con.close()
    assert {stage: (n, fresh) for stage, n, fresh in ledger} == {s: (5, 5) for s in STAGES}
    assert versions == [("9999.test-reparse",)]
    snapshot = published_path(db)
    assert _count(snapshot, "SELECT count(*) FROM core.reports WHERE parser_version = '9999.test-reparse'") == 5
    _assert_seed_gold(snapshot)


def test_backfill_command_rederives_everything_and_republishes(tmp_path: Path, seeds_template: Path, capsys) -> None:
    db = _copy_warehouse(seeds_template, tmp_path / "wh")
    snapshot = published_path(db)
    inode = snapshot.stat().st_ino
    con = duckdb.connect(str(db), read_only=True)
    before = con.execute("SELECT max(done_at) FROM staging.stage_ledger").fetchone()[0]
    counts = {t: con.execute(f"SELECT count(*) FROM core.{t}").fetchone()[0] for t in CORE_TABLES}
    con.close()
    assert ogi(["backfill", "--db", str(db), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "re-derived 5 document(s): 5 published" in out and str(snapshot.resolve()) in out
    con = duckdb.connect(str(db), read_only=True)
    try:
        stale = con.execute("SELECT count(*) FROM staging.stage_ledger WHERE done_at <= ?", [before]).fetchone()[0]
        after = {t: con.execute(f"SELECT count(*) FROM core.{t}").fetchone()[0] for t in CORE_TABLES}
    finally:
        con.close()
    assert stale == 0 and after == counts
    assert snapshot.stat().st_ino != inode  # a new file was renamed into place
    _assert_seed_gold(snapshot)


def test_the_ogi_command_exits_with_its_commands_code(tmp_path: Path) -> None:
    # The console script passes the command's code through (0 is checked by every load run through it).
    proc = subprocess.run(
        [OGI_BIN, "load", str(tmp_path / "no_such_folder"), "--db", str(tmp_path / "ogi.duckdb")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "no such file or folder" in proc.stderr and not (tmp_path / "ogi.duckdb").exists()


def test_the_cli_module_imports_no_engine_library() -> None:
    # A process the load spawns (its GX process) re-imports the `ogi` script, so the CLI module and its
    # settings: the libraries of the work itself are imported by the commands, never with the module.
    code = "import sys, orchestration.cli; print(sorted(m for m in ('duckdb', 'polars', 'dagster', 'great_expectations', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.strip() == "[]"


def test_the_ogi_command_ends_with_its_output_whole_and_its_files_closed(tmp_path: Path) -> None:
    # The console script skips the interpreter's teardown (orchestration.cli.run): what must happen at
    # exit still does — the summary reaches a pipe whole, the warehouse and the snapshot are closed
    # (no write-ahead log left beside them), and nothing is reported at exit.
    samples = tmp_path / "samples"
    generate(samples, count=3, seed=5)
    db = tmp_path / "ogi.duckdb"
    proc = subprocess.run([OGI_BIN, "load", str(samples), "--db", str(db)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[-1].startswith("published snapshot (for SQL clients): ")
    assert lines[0].startswith("documents seen: 3   new: 3")
    assert sum(line.split()[0] in ("PUBLISHED", "QUARANTINED") for line in lines if line.startswith("  ")) == 3
    assert "Traceback" not in proc.stderr and "leaked" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ogi.duckdb", "ogi.published.duckdb", "samples"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.reports").fetchone()[0] == 3


# --- the published snapshot ------------------------------------------------------------------


def test_open_reader_keeps_its_state_during_a_load_and_new_readers_see_the_new_one(tmp_path: Path, seeds_template: Path) -> None:
    db = _copy_warehouse(seeds_template, tmp_path / "wh")
    snapshot = published_path(db)
    samples = tmp_path / "samples"
    generate(samples, count=12, seed=3)
    reader = duckdb.connect(str(snapshot), read_only=True)
    try:
        assert reader.execute("SELECT count(*) FROM core.reports").fetchone()[0] == 5
        proc = subprocess.run(
            [OGI_BIN, "load", str(samples), "--db", str(db), "--quiet"], capture_output=True, text=True, timeout=600
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        # The connection opened before the load still sees the state it opened ...
        assert reader.execute("SELECT count(*) FROM core.reports").fetchone()[0] == 5
        assert reader.execute("SELECT count(*) FROM published.reports").fetchone()[0] == 5
        # ... while a new connection (another SQL client) sees the new one.
        fresh = subprocess.run(
            [
                sys.executable,
                "-c",
                "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
                "print(c.execute('SELECT count(*) FROM core.reports').fetchone()[0])",
                str(snapshot),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert fresh.stdout.strip() == "17", fresh.stderr
    finally:
        reader.close()
    assert _count(snapshot, "SELECT count(*) FROM core.reports") == 17


def test_query_and_export_read_the_snapshot_while_a_writer_holds_the_working_file(
    tmp_path: Path, seeds_template: Path, capsys
) -> None:
    db = _copy_warehouse(seeds_template, tmp_path / "wh")
    snapshot = published_path(db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(120)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(duckdb.IOException):
            duckdb.connect(str(db), read_only=True)  # what a SQL client on the working file would get
        assert ogi(["query", "SELECT count(*) AS n FROM reports", "--db", str(db), "--format", "csv"]) == 0
        assert capsys.readouterr().out.splitlines() == ["n", "5"]
        out = tmp_path / "export"
        assert ogi(["export", "--format", "parquet", str(out), "--db", str(db)]) == 0
    finally:
        holder.kill()
        holder.wait()
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        for table in PUBLISHED_TABLES:
            frame = pl.read_parquet(out / f"{table}.parquet")
            expected = con.execute(f"SELECT count(*) FROM published.{table}").fetchone()[0]
            columns = [r[0] for r in con.execute(f"DESCRIBE published.{table}").fetchall()]
            assert frame.height == expected, table
            assert frame.columns == columns, table
        assert pl.read_parquet(out / "fact_requests.parquet").height > 0
    finally:
        con.close()
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.parquet" for t in PUBLISHED_TABLES)


def test_snapshot_is_readable_by_duckdb_1x_documented_and_holds_no_raw_bytes(seeds_template: Path) -> None:
    snapshot = published_path(seeds_template)
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        tags = dict(
            con.execute("SELECT database_name, tags FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
        )
        schemas = {
            (s, t): kind
            for s, t, kind in con.execute(
                "SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_catalog = current_database()"
            ).fetchall()
        }
        undocumented = con.execute(
            "SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE database_name = current_database() AND (comment IS NULL OR comment = '')"
        ).fetchall()
        untitled = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND (comment IS NULL OR comment = '')"
        ).fetchall()
        leaked = con.execute(
            "SELECT count(*) FROM published.reports JOIN core.reports c USING (doc_id) WHERE c.status <> 'published'"
        ).fetchone()[0]
    finally:
        con.close()
    # DuckDB 1.x reads storage version 64 ('v1.0.0'); 2.0's own format (69) it cannot.
    assert list(tags.values())[0]["storage_version"].startswith("v1.0.0")
    expected = {("published", t) for t in PUBLISHED_TABLES} | {("core", t) for t in CORE_TABLES} | set(WHOLE_TABLES)
    assert set(schemas) == expected and set(schemas.values()) == {"BASE TABLE"}
    assert undocumented == [] and untitled == [] and leaked == 0
    header = snapshot.read_bytes()[:24]
    assert header[8:12] == b"DUCK" and int.from_bytes(header[12:20], "little") == 64


# --- crash safety ------------------------------------------------------------------------------


def _wait_for(predicate, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, "the load finished before the kill point was reached"
        assert time.monotonic() < deadline, "kill point not reached in time"
        time.sleep(0.002)


@pytest.mark.parametrize("kill_at", ["parsing", "snapshot"])
def test_sigkill_mid_load_leaves_published_untouched_and_the_next_load_completes(
    tmp_path: Path, seeds_template: Path, synth_dir: Path, kill_at: str
) -> None:
    db = _copy_warehouse(seeds_template, tmp_path / "wh")
    snapshot = published_path(db)
    before = _sha(snapshot)
    stderr_path = tmp_path / "load.stderr"
    with stderr_path.open("w") as stderr:
        proc = subprocess.Popen(
            [OGI_BIN, "load", str(SEEDS), str(synth_dir), "--db", str(db)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env={**os.environ, "OGI_PROGRESS": "lines"},  # not a terminal: no bars, one line per finished stage
        )
        try:
            if kill_at == "parsing":
                # A progress line is written when a pass over the documents finishes: the load has
                # parsed them (in one pass, or through cleaning) and is still in the parse step.
                _wait_for(lambda: any(p in stderr_path.read_text() for p in ("parse_reports", "cleaned_text")), proc)
            else:
                _wait_for(lambda: bool(stale_temp_files(snapshot)), proc)
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert _sha(snapshot) == before  # exactly as before the load
    assert _count(snapshot, "SELECT count(*) FROM core.reports") == 5
    if kill_at == "snapshot":
        assert stale_temp_files(snapshot)  # killed while writing the new one, before the rename
    else:
        (snapshot.parent / f"{snapshot.name}.tmp-999999-0badf00d").write_bytes(b"left by a killed load")

    assert ogi(["load", str(SEEDS), str(synth_dir), "--db", str(db), "--quiet"]) == 0
    assert stale_temp_files(snapshot) == []
    inputs = {_sha(p) for p in [*seed_files(), *(p for p in synth_dir.iterdir() if p.is_file())]}
    assert _count(db, "SELECT count(*) FROM raw.documents") == len(inputs)
    assert _count(db, "SELECT count(*) FROM staging.stage_ledger WHERE stage = 'check_results'") == len(inputs)
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        n, distinct = con.execute("SELECT count(*), count(DISTINCT doc_id) FROM core.reports").fetchone()
        pn, pdistinct = con.execute("SELECT count(*), count(DISTINCT doc_id) FROM published.reports").fetchone()
        dupes = con.execute(
            "SELECT count(*) FROM (SELECT doc_id, row_code, applicant, source FROM core.fact_requests GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        checked = con.execute("SELECT count(DISTINCT doc_id) FROM core.check_results").fetchone()[0]
    finally:
        con.close()
    assert n == distinct == len(inputs)
    assert pn == pdistinct and 5 < pn < n  # synth plants errors: some reports are quarantined
    assert dupes == 0 and checked == len(inputs)
    _assert_seed_gold(snapshot)


# --- the instance -------------------------------------------------------------------------------


def test_project_instance_serialises_warehouse_writers_and_disables_telemetry(tmp_path: Path, monkeypatch) -> None:
    shutil.copy(REPO / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with dg.DagsterInstance.get() as instance:
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
        assert not instance.telemetry_enabled
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 0  # jobs opt in by tag
    assert {"key": WRITER_TAG, "limit": 1} in limits
    defs = build_defs()
    for name in ("load_reports", "daily_maintenance"):
        assert WRITER_TAG in defs.resolve_job_def(name).tags
        assert defs.resolve_job_def(name).tags["dagster/max_retries"] == str(MAX_RETRIES)
    assert defs.resolve_sensor_def("inbox_sensor").job_name == "load_reports"
    assert defs.resolve_schedule_def("daily_maintenance_schedule").job_name == "daily_maintenance"
