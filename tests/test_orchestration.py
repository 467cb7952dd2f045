"""The Dagster asset graph: its shape, its gate, and the documented CLI entry point."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from conftest import REPO, SEEDS
from orchestration.definitions import build_defs
from orchestration.resources import InboxResource, WarehouseResource
from warehouse import db as warehouse_db

defs = build_defs()

STAGES = [
    "raw_documents",
    "cleaned_text",
    "report_metadata",
    "report_sections",
    "fact_active_disclosure",
    "fact_requests",
    "fact_review_litigation",
    "fact_narrative_figures",
    "fact_legacy_stats",
    "check_results",
    "published",
]


def test_graph_has_one_asset_per_stage_and_blocking_gate() -> None:
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert set(STAGES) <= keys
    published = dg.AssetKey("published")
    assert dg.AssetKey("check_results") in graph.get(published).parent_keys
    checks = {c.name: c for c in defs.resolve_asset_graph().asset_check_keys}
    assert {"quarantine_gate", "fact_keys_unique", "published_reports_pass_blocking_rules"} <= {
        k.name for k in graph.asset_check_keys
    }
    blocking = {
        spec.key.name
        for checks_def in defs.asset_checks or []
        for spec in checks_def.check_specs
        if spec.blocking
    }
    assert {"quarantine_gate", "fact_keys_unique"} <= blocking
    assert checks


def _load_in_test_instance(instance, db: Path, folder: Path, raise_on_error: bool = True):  # noqa: ANN001, ANN202 (DagsterInstance → ExecuteInProcessResult)
    """The load_reports job over `folder` into `db`, in-process, in a test instance."""
    job = dg.Definitions(
        assets=defs.assets,
        asset_checks=defs.asset_checks,
        jobs=defs.jobs,
        resources={"warehouse": WarehouseResource(db_path=str(db)), "inbox": InboxResource()},
        executor=dg.in_process_executor,
    ).resolve_job_def("load_reports")
    return job.execute_in_process(
        run_config={"ops": {"raw_documents": {"config": {"paths": [str(folder)]}}}},
        instance=instance,
        raise_on_error=raise_on_error,
    )


def _inbox(tmp_path: Path, *files: Path, names: tuple[str, ...] = ()) -> Path:
    """A folder `in` under tmp_path holding copies of `files` (renamed to `names` where given)."""
    import shutil

    inbox = tmp_path / "in"
    inbox.mkdir()
    for i, source in enumerate(files):
        shutil.copyfile(source, inbox / (names[i] if i < len(names) else source.name))
    return inbox


def test_job_materializes_in_process_with_checks(tmp_path: Path) -> None:
    db = tmp_path / "ogi.duckdb"
    with dg.instance_for_test() as instance:
        result = _load_in_test_instance(instance, db, SEEDS)
        assert result.success
        materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
        assert set(STAGES) <= materialized
        evaluations = result.get_asset_check_evaluations()
        assert {e.check_name for e in evaluations} >= {"quarantine_gate", "fact_keys_unique"}
        gate = {"quarantine_gate", "fact_keys_unique", "published_reports_pass_blocking_rules"}
        assert all(e.passed for e in evaluations if e.check_name in gate)
        meta = {
            k: v.value
            for e in result.get_asset_materialization_events()
            if e.asset_key == dg.AssetKey("raw_documents")
            for k, v in e.materialization.metadata.items()
        }
        assert meta["files_seen"] == 5 and meta["documents_new"] == 5
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.reports").fetchone()[0] == 5


def test_dagster_cli_materializes_everything(tmp_path: Path) -> None:
    """The README's `dagster asset materialize --select '*'` loads the inbox from the project root."""
    db = tmp_path / "ogi.duckdb"
    env = dict(os.environ, OGI_INBOX=str(SEEDS), OGI_DB=str(db), DAGSTER_HOME=str(tmp_path))
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    dagster = Path(sys.executable).parent / "dagster"
    proc = subprocess.run(
        [str(dagster), "asset", "materialize", "--select", "*", "-m", "orchestration.definitions"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.reports").fetchone()[0] == 5
        assert con.execute("SELECT count(*) FROM published.reports").fetchone()[0] >= 2


def test_parse_stages_under_the_multiprocess_executor_match_the_in_process_load(tmp_path: Path) -> None:
    """`dagster job execute -j parse_multiprocess`: the parse step in a process of its own, same rows as `ogi load`."""
    from orchestration.cli import main as ogi
    from warehouse import db as warehouse_db
    from warehouse.ingest import ingest_files

    reference = tmp_path / "reference.duckdb"
    assert ogi(["load", str(SEEDS), "--db", str(reference), "--quiet"]) == 0
    target = tmp_path / "ogi.duckdb"
    with warehouse_db.connect(target) as con:
        assert ingest_files(con, [SEEDS]).new == 5
    env = dict(os.environ, OGI_DB=str(target), DAGSTER_HOME=str(tmp_path))
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    dagster = Path(sys.executable).parent / "dagster"
    proc = subprocess.run(
        [str(dagster), "job", "execute", "-m", "orchestration.definitions", "-j", "parse_multiprocess"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    log = proc.stdout + proc.stderr
    steps = set(re.findall(r"Executing step \"[a-z_]+\" in subprocess", log))
    assert "RUN_SUCCESS" in log and steps == {'Executing step "parse_reports" in subprocess'}, log[-3000:]
    with duckdb.connect(str(target), read_only=True) as con:
        con.execute(f"ATTACH '{reference}' AS ref (READ_ONLY)")
        for table in ("core.reports", "core.sections", "core.fact_requests", "core.fact_active_disclosure",
                      "core.fact_review_litigation", "core.fact_narrative_figures", "staging.parse_issues"):
            # Status and the verified marks are the check stage's, which this job does not run.
            columns = (
                "* EXCLUDE (status, status_reason)" if table == "core.reports"
                else "* EXCLUDE (verified, verified_by)" if table.startswith("core.fact_") and table != "core.fact_narrative_figures"
                else "*"
            )
            for a, b in ((table, f"ref.{table}"), (f"ref.{table}", table)):
                (n,) = con.execute(f"SELECT count(*) FROM (SELECT {columns} FROM {a} EXCEPT ALL SELECT {columns} FROM {b})").fetchone()
                assert n == 0, f"{a} has {n} rows not in {b}"
        (facts,) = con.execute("SELECT count(*) FROM core.fact_requests").fetchone()
        assert facts > 100


def test_every_catalogue_rule_is_an_asset_check() -> None:
    from expectations.catalogue import RULES
    from orchestration.assets.quality import rule_check_name

    names = {spec.key.name for checks_def in defs.asset_checks or [] for spec in checks_def.check_specs}
    assert {rule_check_name(r) for r in RULES} <= names
    assert len(RULES) >= 40


def test_each_rule_checks_worst_reports_are_those_of_the_plain_ranking() -> None:
    """WORST_FAILURES_SQL ranks only each rule's failures at or above its fifth-largest value: it names
    the same reports, in the same order, as ranking every failure, through ties at the cut, NULL values
    (last), rules with fewer than five values and rules with none."""
    import random

    import duckdb

    from orchestration.assets.quality import WORST_FAILURES_SQL

    plain = """
        SELECT rule, source_path, message FROM (
            SELECT c.rule, r.source_path, c.message,
                   row_number() OVER (PARTITION BY c.rule ORDER BY c.observed DESC NULLS LAST, r.source_path) AS k
            FROM core.check_results c JOIN core.reports r USING (doc_id) WHERE c.status = 'fail')
        WHERE k <= 5 ORDER BY rule, k"""
    draw = random.Random(17)
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    con.execute("CREATE TABLE core.reports (doc_id VARCHAR, source_path VARCHAR)")
    con.execute("CREATE TABLE core.check_results (rule VARCHAR, doc_id VARCHAR, status VARCHAR, observed DOUBLE, message VARCHAR)")
    paths = [f"p{i:03d}.txt" for i in range(250)]
    draw.shuffle(paths)  # paths in another order than the documents
    con.executemany("INSERT INTO core.reports VALUES (?, ?)", [(f"d{i}", path) for i, path in enumerate(paths)])
    rows = []
    for rule, values in {
        "TIES": [9, 7, 7, 7, 7, 7, 3, 1, None],  # the fifth value tied with three others
        "FEW": [4, 2, None, None, None, None],  # three values: the NULLs fill the list
        "NULLS": [None] * 7,  # no value at all
        "EXACT": [5, 4, 3, 2, 1, None, None],  # five values exactly: no NULL listed
        "MANY": [draw.choice([None, *range(12)]) for _ in range(200)],
    }.items():
        for value, doc in zip(values, (f"d{i}" for i in draw.sample(range(250), len(values)))):  # a report once per rule
            rows.append((rule, doc, "fail", value, f"{rule} {doc} {value}"))
            rows.append((rule, doc, draw.choice(["pass", "not_assessable"]), 99.0, "not a failure"))
    con.executemany("INSERT INTO core.check_results VALUES (?, ?, ?, ?, ?)", rows)
    expected = con.execute(plain).fetchall()
    assert con.execute(WORST_FAILURES_SQL).fetchall() == expected
    assert {rule for rule, _, _ in expected} == {"TIES", "FEW", "NULLS", "EXACT", "MANY"} and len(expected) == 25


def test_a_planted_error_shows_as_its_rules_check_evaluation(tmp_path: Path) -> None:
    """hongzequ_2023 prints 行政复议 10, 1, 0, 0 with 总计 0: the T4-01 check
    evaluation fails with that report counted and named; the run succeeds and
    the gate checks pass (the report is quarantined, not the run)."""
    from conftest import CORPUS
    from orchestration.assets.quality import rule_check_name

    inbox = _inbox(tmp_path, CORPUS / "hongzequ_2023.pdf", CORPUS / "huaianshi_2024.pdf")
    db = tmp_path / "ogi.duckdb"
    with dg.instance_for_test() as instance:
        result = _load_in_test_instance(instance, db, inbox)
        assert result.success
        by_name = {e.check_name: e for e in result.get_asset_check_evaluations()}
    t401 = by_name[rule_check_name("T4-01")]
    assert not t401.passed and t401.severity == dg.AssetCheckSeverity.ERROR
    assert t401.metadata["reports_failed"].value == 1 and t401.metadata["reports_passed"].value == 1
    assert "hongzequ_2023.pdf" in t401.metadata["worst_reports"].value
    assert by_name[rule_check_name("T3-03")].passed
    assert by_name["published_reports_pass_blocking_rules"].passed


def test_a_planted_table_three_cell_fails_its_rule_check_in_a_materialized_graph(tmp_path: Path) -> None:
    """A real seed (乌海市教育局 2022) with one table-三 cell changed (本年新收, 自然人: 0 → 7):
    materializing the whole graph in a test instance, the run's events hold
    rule_T3_01's failing evaluation counting that one report, ERROR because
    T3-01 blocks; GX's verdict quarantined the report, the untouched seed is
    published, and the blocking gate passed (the report is quarantined, not
    the run)."""
    from expectations.catalogue import RULES
    from orchestration.assets.quality import rule_check_name

    inbox = tmp_path / "in"
    inbox.mkdir()
    seed = SEEDS / "001_732b3b243defc543.txt"
    lines = seed.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收政府信息公开申请数量 | 0 |"))
    lines[row] = lines[row].replace(" | 0 |", " | 7 |", 1)
    (inbox / "planted_t3.txt").write_text("".join(lines), encoding="utf-8")
    clean = SEEDS / "002_0413918a63fee9e6.txt"
    (inbox / clean.name).write_bytes(clean.read_bytes())
    db = tmp_path / "ogi.duckdb"
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [*defs.assets, *defs.asset_checks],
            instance=instance,
            resources={"warehouse": WarehouseResource(db_path=str(db)), "inbox": InboxResource()},
            run_config={"ops": {"raw_documents": {"config": {"paths": [str(inbox)]}}}},
            selection=dg.AssetSelection.all() - dg.AssetSelection.assets("ingest_batches"),
        )
        assert result.success
        evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
        assert {rule_check_name(r) for r in RULES} <= set(evaluations)
        t301 = evaluations[rule_check_name("T3-01")]
        assert not t301.passed and t301.severity == dg.AssetCheckSeverity.ERROR
        assert t301.metadata["reports_failed"].value == 1 and t301.metadata["reports_passed"].value == 1
        assert "planted_t3.txt" in t301.metadata["worst_reports"].value
        # Great Expectations' own result for the rule in this run travels with the check
        assert t301.metadata["gx_last_run_success"].value is False and t301.metadata["gx_severity"].value == "critical"
        assert t301.metadata["gx_last_run_unexpected_rows"].value >= 1
        assert evaluations["quarantine_gate"].passed and evaluations["quarantine_gate"].metadata["reports_leaked"].value == 0
        assert evaluations["quarantine_gate"].metadata["reports_quarantined"].value == 1
        # the same evaluation is in the run's event log, as the Dagster UI shows it
        logged = [
            e.dagster_event.event_specific_data
            for e in instance.all_logs(result.run_id)
            if e.dagster_event and e.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"
        ]
        assert any(d.check_name == "rule_T3_01" and not d.passed and d.metadata["reports_failed"].value == 1 for d in logged)
    with duckdb.connect(str(db), read_only=True) as con:
        statuses = dict(con.execute(
            "SELECT split_part(source_path, '/', -1), status || ': ' || coalesce(status_reason, '') FROM core.reports"
        ).fetchall())
        assert statuses["planted_t3.txt"].startswith("quarantined: ") and "T3-01" in statuses["planted_t3.txt"]
        assert statuses[clean.name].startswith("published")
        (failing,) = con.execute(
            "SELECT location FROM core.check_results c JOIN core.reports r USING (doc_id) "
            "WHERE c.rule = 'T3-01' AND c.status = 'fail'"
        ).fetchone()
        assert "new_received" in failing or "本年新收" in failing


def test_every_table_asset_carries_its_ddl_columns_and_row_count(tmp_path: Path) -> None:
    """The catalog documents the warehouse: each table asset's definition metadata is its
    table's column schema with the DDL's COMMENT ON text, and each materialization reports
    the table's row count."""
    from orchestration.assets.catalog import ASSET_TABLES

    graph = defs.resolve_asset_graph()
    con = duckdb.connect(":memory:")
    from warehouse import db as wdb

    wdb.ensure_schema(con)
    for asset, table in ASSET_TABLES.items():
        schema = graph.get(dg.AssetKey(asset)).metadata["dagster/column_schema"]
        schema_name, table_name = table.split(".")
        expected = con.execute(
            "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
            "ORDER BY column_index",
            [schema_name, table_name],
        ).fetchall()
        assert [(c.name, c.type, c.description) for c in schema.columns] == expected
        assert all(c.description for c in schema.columns if table.startswith("core."))
    db = tmp_path / "ogi.duckdb"
    with dg.instance_for_test() as instance:
        result = _load_in_test_instance(instance, db, SEEDS)
        counts = {
            e.asset_key.to_user_string(): e.materialization.metadata["dagster/row_count"].value
            for e in result.get_asset_materialization_events()
            if "dagster/row_count" in e.materialization.metadata
        }
    assert set(counts) == set(ASSET_TABLES)
    with duckdb.connect(str(db), read_only=True) as wh:
        for asset, table in ASSET_TABLES.items():
            assert counts[asset] == wh.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    assert counts["report_metadata"] == 5 and counts["fact_requests"] > 100


def test_the_gate_fails_when_a_report_checked_since_the_last_publish_lacks_a_blocking_verdict(tmp_path: Path) -> None:
    """The gate looks for blocking verdicts among the reports checked since the last publish (the
    others were looked at then). A check stage that marked a report checked without writing one of
    its blocking verdicts (planted by hand) fails the next run's gate; `published` does not run."""
    from conftest import CORPUS

    inbox = _inbox(tmp_path, SEEDS / "001_732b3b243defc543.txt", CORPUS / "hongzequ_2023.pdf", names=("seed_001.txt",))
    db = tmp_path / "ogi.duckdb"
    with dg.instance_for_test() as instance:
        first = _load_in_test_instance(instance, db, inbox)
        gate = {e.check_name: e for e in first.get_asset_check_evaluations()}["quarantine_gate"]
        assert gate.passed and gate.metadata["reports_checked_since_last_publish"].value == 2  # first publish: all
        with duckdb.connect(str(db)) as con:
            doc = con.execute("SELECT doc_id FROM core.reports WHERE source_path LIKE '%seed_001.txt'").fetchone()[0]
            con.execute("DELETE FROM core.check_results WHERE doc_id = ? AND rule = 'T3-01'", [doc])
            con.execute(
                "UPDATE staging.stage_ledger SET done_at = now()::TIMESTAMP WHERE stage = 'check_results' AND doc_id = ?",
                [doc],
            )
        result = _load_in_test_instance(instance, db, inbox, raise_on_error=False)
        gate = {e.check_name: e for e in result.get_asset_check_evaluations()}["quarantine_gate"]
        assert not gate.passed
        assert gate.metadata["reports_checked_since_last_publish"].value == 1
        assert gate.metadata["reports_without_blocking_verdicts"].value == 1
        materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
        assert "published" not in materialized


def test_the_blocking_gate_stops_published_when_a_failing_report_is_not_quarantined(tmp_path: Path) -> None:
    """A leak planted by hand (a report failing T4-01 set to published behind the
    check stage's back): the next run's quarantine_gate fails with ERROR and
    names the leak, `published` does not run, and the analysts' snapshot is
    left as it was."""
    from conftest import CORPUS

    inbox = _inbox(tmp_path, CORPUS / "hongzequ_2023.pdf")
    db = tmp_path / "ogi.duckdb"
    snapshot = tmp_path / "ogi.published.duckdb"
    with dg.instance_for_test() as instance:
        assert _load_in_test_instance(instance, db, inbox).success
        written = snapshot.stat().st_mtime_ns
        with duckdb.connect(str(db)) as con:
            con.execute("UPDATE core.reports SET status = 'published', status_reason = NULL")
        result = _load_in_test_instance(instance, db, inbox, raise_on_error=False)
        gate = {e.check_name: e for e in result.get_asset_check_evaluations()}["quarantine_gate"]
        assert not gate.passed and gate.severity == dg.AssetCheckSeverity.ERROR
        assert gate.metadata["reports_leaked"].value == 1 and gate.metadata["reports_unchecked"].value == 0
        materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
        assert "check_results" in materialized and "published" not in materialized
    assert snapshot.stat().st_mtime_ns == written


def _two_steps(tmp_path: Path, seen: dict) -> list:
    """Two assets, the second reading what the first wrote, each noting whether the file had a WAL then."""
    wal = tmp_path / "ogi.duckdb.wal"

    @dg.asset
    def first(warehouse: WarehouseResource) -> None:
        with warehouse.connect() as con:
            con.execute("CREATE TABLE staging.probe AS SELECT range AS i FROM range(1000)")
            con.execute("UPDATE staging.probe SET i = i + 1 WHERE i < 10")  # updated rows: what the check stage writes

    @dg.asset(deps=[first])
    def second(warehouse: WarehouseResource) -> None:
        seen["wal between the steps"] = wal.exists()
        with warehouse.connect() as con:
            seen["rows"] = con.execute("SELECT count(*) FROM staging.probe").fetchone()[0]

    return [first, second]


def test_a_run_holds_the_file_open_and_checkpoints_it_once_at_the_end(tmp_path: Path) -> None:
    """The steps of a run share one open database: a step that wrote little is not checkpointed
    when it ends (its WAL is still there when the next step starts, which sees its rows), and the
    file is checkpointed and closed when the run's resources are torn down."""
    seen: dict = {}
    path = tmp_path / "ogi.duckdb"
    result = dg.materialize(_two_steps(tmp_path, seen), resources={"warehouse": WarehouseResource(db_path=str(path))})
    assert result.success
    assert seen == {"wal between the steps": True, "rows": 1000}
    assert not (tmp_path / "ogi.duckdb.wal").exists()  # closed and checkpointed
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM staging.probe").fetchone() == (1000,)


@pytest.mark.parametrize("existing", [False, True], ids=["new file", "existing warehouse"])
def test_a_step_that_wrote_much_is_checkpointed_when_it_ends(tmp_path: Path, monkeypatch, existing: bool) -> None:
    """Also in a warehouse that exists: opening one reads its schema's hash, and a result left
    half-read there kept the run's connection in a transaction, so that a step's CHECKPOINT after
    an UPDATE failed the step (and `ogi check` of a large warehouse with it)."""
    from orchestration import resources

    monkeypatch.setattr(resources, "CHECKPOINT_AFTER_STEP_BYTES", 0)  # every step writes "much"
    seen: dict = {}
    path = tmp_path / "ogi.duckdb"
    if existing:
        with warehouse_db.connect(path):
            pass
    result = dg.materialize(_two_steps(tmp_path, seen), resources={"warehouse": WarehouseResource(db_path=str(path))})
    assert result.success and seen == {"wal between the steps": False, "rows": 1000}
