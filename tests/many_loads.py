"""Run many `ogi load`s in one fresh interpreter and report every failure, and every import made off the main thread.

Used by tests/test_run_failures.py in a subprocess, so the first load pays
for every import (Dagster, SQLAlchemy, Great Expectations) exactly as a
fresh `ogi load` does: the import race of issue 13 (Great Expectations
imported in a background thread while the main thread imported SQLAlchemy
through Dagster) failed about one load in twenty there.

    python tests/many_loads.py RUNS FOLDER WORKDIR   → one JSON line on stdout
"""

from __future__ import annotations

import contextlib
import importlib.abc
import io
import json
import sys
import threading
from pathlib import Path

WATCHED = ("great_expectations", "sqlalchemy", "dagster", "duckdb", "polars", "pandas")


class _OffMainThreadImports(importlib.abc.MetaPathFinder):
    """Records (thread, module) for watched modules first imported outside the main thread."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def find_spec(self, name, path, target=None):  # noqa: ANN001, ANN201 (the finder protocol)
        if name.split(".")[0] in WATCHED and threading.current_thread() is not threading.main_thread():
            self.seen.append((threading.current_thread().name, name))
        return None  # never finds anything itself: the normal finders do


def main(runs: int, folder: str, workdir: str) -> dict:
    tracer = _OffMainThreadImports()
    sys.meta_path.insert(0, tracer)
    from orchestration.cli import main as ogi  # imported after the tracer: it sees every import

    failures: list[dict] = []
    for n in range(runs):
        out, err = io.StringIO(), io.StringIO()
        db = Path(workdir) / f"run{n % 3}" / "ogi.duckdb"  # three warehouses: new, then reloaded (nothing new)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = ogi(["load", folder, "--db", str(db), "--quiet"])
        if code != 0 or "ERROR" in out.getvalue() or "THE RUN FAILED" in out.getvalue():
            failures.append({"run": n, "exit": code, "stdout": out.getvalue()[-2000:], "stderr": err.getvalue()[-2000:]})
    return {"runs": runs, "failures": failures, "off_main_thread_imports": tracer.seen}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), sys.argv[2], sys.argv[3])))
