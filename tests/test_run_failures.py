"""A failure of the run is the run's: never recorded against documents, said once in the summary; and
many loads in a row, each paying for its imports, never fail."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import REPO, seed_files
from orchestration.cli import main as ogi


def _folder(tmp_path: Path, count: int = 3) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in seed_files()[:count]:
        shutil.copyfile(seed, folder / seed.name)
    return folder


def _disk_full_on_fact_rows(monkeypatch) -> str:
    """The warehouse file stops taking writes in the middle of the facts stage (as with a full disk)."""
    from warehouse import db

    write = db.write_frame

    def failing(con, table, frame):  # noqa: ANN001, ANN202
        if table == "core.fact_requests":
            raise duckdb.IOException('Could not write file "ogi.duckdb.wal": No space left on device')
        return write(con, table, frame)

    monkeypatch.setattr(db, "write_frame", failing)
    return "No space left on device"


def _warehouse_gone_while_reading_raw_bytes(monkeypatch) -> str:
    """The parse step cannot read its inputs (the file went away, a bug in the engine): not a document's fault."""
    from orchestration.engine import loading

    select = loading._select_batch

    def failing(con, sql, doc_ids, **ranged):  # noqa: ANN001, ANN202
        if "raw.documents" in sql:
            raise RuntimeError("simulated: the warehouse went away while the parse step read its inputs")
        return select(con, sql, doc_ids, **ranged)

    monkeypatch.setattr(loading, "_select_batch", failing)
    return "the warehouse went away"


def _checker_cannot_import(monkeypatch) -> str:
    """The check stage fails as the import race of issue 13 made it fail (every report parsed, none checked)."""
    from orchestration.engine import checking

    def failing(con, doc_ids, **_):  # noqa: ANN001, ANN202
        raise AttributeError(
            "partially initialized module 'sqlalchemy.orm.exc' has no attribute 'UnmappedClassError' "
            "(most likely due to a circular import)"
        )

    monkeypatch.setattr(checking, "check_batch", failing)
    return "partially initialized module"


def _validator_process_dies(monkeypatch) -> str:
    """Great Expectations' own process (orchestration/engine/validator.py) is killed while it judges a batch."""
    from expectations import validation
    import worker_tasks

    # what the validator hands GX's process (it imports it when it first judges)
    monkeypatch.setattr(validation, "run_validations", worker_tasks.validator_dies)
    return "Great Expectations could not judge the check batch (worker_crashed)"


@pytest.mark.parametrize(
    "inject",
    [_disk_full_on_fact_rows, _warehouse_gone_while_reading_raw_bytes, _checker_cannot_import, _validator_process_dies],
)
def test_a_run_failure_is_never_recorded_against_documents(tmp_path: Path, monkeypatch, capsys, inject) -> None:
    folder = _folder(tmp_path)
    db = tmp_path / "wh" / "ogi.duckdb"
    cause = inject(monkeypatch)
    assert ogi(["load", str(folder), "--db", str(db), "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert "the run failed: step " in err and cause in err, err[-2000:]
    assert f"THE RUN FAILED: step " in out and cause in out
    assert "ERROR" not in out, "a document was blamed for the run's failure"
    assert out.count("PENDING") == 3
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.load_errors").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM staging.stage_ledger WHERE outcome <> 'ok'").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM core.reports WHERE status = 'published'").fetchone() == (0,)

    # The cause gone, the next load takes up what was pending, and publishes every report.
    monkeypatch.undo()
    assert ogi(["load", str(folder), "--db", str(db), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "reports published: 3   quarantined: 0   not loadable: 0\n" in out
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.load_errors").fetchone() == (0,)


def test_thirty_loads_in_a_fresh_interpreter_never_fail(tmp_path: Path) -> None:
    """30 `ogi load`s in one new process (new warehouses, then reloads): zero run failures, and no
    Great Expectations / SQLAlchemy / Dagster import made outside the main thread."""
    folder = _folder(tmp_path, count=2)
    done = subprocess.run(
        [sys.executable, str(REPO / "tests" / "many_loads.py"), "30", str(folder), str(tmp_path / "work")],
        cwd=REPO, capture_output=True, text=True, timeout=900, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["runs"] == 30
    assert report["failures"] == []
    assert report["off_main_thread_imports"] == []
