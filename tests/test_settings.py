"""Configuration: every OGI_* variable typed in one place, read when a command or the code location starts."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.cli import build_parser, command_settings, main as ogi
from orchestration.definitions import build_defs
from orchestration.resources import InboxResource, WarehouseResource
from orchestration.settings import VARIABLES, SettingError, Settings


def test_defaults_types_and_overrides() -> None:
    assert Settings.from_env({}) == Settings()
    for var in VARIABLES:  # the table's defaults are the dataclass's
        assert getattr(Settings(), var.field) == var.default, var.name
    got = Settings.from_env({"OGI_WORKERS": "3", "OGI_DOC_SECONDS": "7.5", "OGI_DB": "/x/w.duckdb", "OGI_INBOX": " "})
    assert (got.workers, got.doc_seconds, got.db, got.inbox) == (3, 7.5, "/x/w.duckdb", "inbox")  # blank = unset
    with pytest.raises(SettingError, match=r"\$OGI_WORKERS='many' is not an integer"):
        Settings.from_env({"OGI_WORKERS": "many"})
    with pytest.raises(SettingError, match="OGI_DOC_SECONDS"):
        Settings.from_env({"OGI_DOC_SECONDS": "-1"})


def test_the_cli_reads_the_environment_when_the_command_runs(monkeypatch, tmp_path) -> None:
    """The `--db` default used to be frozen when orchestration.cli was imported."""
    parser = build_parser()
    monkeypatch.setenv("OGI_DB", str(tmp_path / "later.duckdb"))
    monkeypatch.setenv("OGI_DOC_MEMORY_MB", "512")
    args = parser.parse_args(["load", "somewhere", "--doc-timeout", "9"])
    settings = command_settings(args)
    assert (settings.db, settings.doc_seconds, settings.doc_memory_mb) == (str(tmp_path / "later.duckdb"), 9.0, 512)
    assert command_settings(parser.parse_args(["check", "--db", "given.duckdb"])).db == "given.duckdb"


def test_a_bad_variable_stops_the_command_naming_it(monkeypatch, capsys) -> None:
    monkeypatch.setenv("OGI_WORKERS", "two")
    assert ogi(["check", "--db", "unused.duckdb"]) == 2
    assert "$OGI_WORKERS='two' is not an integer" in capsys.readouterr().err


def test_the_code_location_takes_the_environment_when_it_is_built(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("OGI_DAILY_CRON", "30 4 * * 1")
    monkeypatch.setenv("OGI_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setenv("OGI_DB", str(tmp_path / "env.duckdb"))
    monkeypatch.setenv("OGI_BATCH_MAX_FILES", "7")
    monkeypatch.setenv("OGI_INBOX_SETTLE_SECONDS", "0.5")
    defs = build_defs()
    schedule = defs.resolve_schedule_def("daily_maintenance_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 4 * * 1", "Asia/Shanghai")
    # Set variables reach the resources as Dagster EnvVars (resolved when a run starts), floats parsed.
    warehouse = WarehouseResource.from_env()
    inbox = InboxResource.from_env()
    assert isinstance(warehouse.db_path, dg.EnvVar)
    assert inbox.settle_seconds == 0.5

    @dg.asset
    def where(warehouse: WarehouseResource, inbox: InboxResource) -> tuple[str, int]:
        return warehouse.path, inbox.batch_max_files

    result = dg.materialize([where], resources={"warehouse": warehouse, "inbox": inbox})
    assert result.output_for_node("where") == (str(tmp_path / "env.duckdb"), 7)
