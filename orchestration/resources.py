"""Resources: the warehouse file with the engine's limits, and the inbox; configured in one place.

Their fields are the typed settings of orchestration/settings.py. `from_env()`
builds them when the code location (or a command) starts, never at import:
a variable that is set becomes a `dg.EnvVar` (Dagster resolves it when a
run starts and the UI shows its source), an unset one its default.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from warehouse import db
from warehouse.snapshot import published_path
from orchestration.engine import ocr
from orchestration.engine.convert import Converter
from orchestration.engine.validator import Validator, shared_validator
from orchestration.engine.workers import Limits, WorkerPool, shared_pool
from orchestration.settings import BY_FIELD, Settings, parse


def env_or_default(field: str, environ: Mapping[str, str] | None = None) -> object:
    """A resource field's value: `dg.EnvVar` when its variable is set, else the default.

    Dagster's EnvVar carries strings and integers only; a float variable is
    parsed here (and a bad integer is reported now, by name, not later as a
    config error).
    """
    env = os.environ if environ is None else environ
    var = BY_FIELD[field]
    raw = env.get(var.name, "").strip()
    if not raw:
        return var.default
    if var.kind is str:
        return dg.EnvVar(var.name)
    value = parse(var, raw)
    return dg.EnvVar.int(var.name) if var.kind is int else value


def _is_lock_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


# A step of a run that leaves more WAL than this is checkpointed when it ends (WarehouseResource.connect).
CHECKPOINT_AFTER_STEP_BYTES = 64 * 1024 * 1024


def _wal_bytes(path: str) -> int:
    try:
        return os.stat(f"{path}.wal").st_size
    except OSError:
        return 0


# WarehouseResource field → the Settings field (and so the variable) it is configured from.
_WAREHOUSE_SETTINGS = {
    "db_path": "db",
    "progress_mode": "progress",
    "duckdb_memory": "duckdb_memory",
    "workers": "workers",
    "doc_seconds": "doc_seconds",
    "doc_memory_mb": "doc_memory_mb",
    "soffice": "soffice",
    "convert_seconds": "convert_seconds",
    "ocr_seconds": "ocr_seconds",
}


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file, held open for a run; each step takes a connection with `connect()`.

    DuckDB allows one writer process per file. A run opens the file when its
    resources are set up and closes it when they are torn down (Dagster does
    both once per run and process, whether the run succeeds or fails), and a
    step's `connect()` is a cursor of that connection: a connection of its own
    to the open database, which needs no settings or schema check again.
    Why: a step that opened and closed the file itself paid DuckDB's start-up
    and, at the close, a checkpoint that rewrote the last, partly filled row
    group of every table it had appended to, however little it wrote: ten
    opens and closes in a load of one more report into 100,000 reports. A
    step that wrote much is still checkpointed when it ends (`connect`);
    the rest share the checkpoint of the file's close.
    Scheduled runs are serialised by the instance's run queue (dagster.yaml,
    tag `ogi/warehouse_writer`); a CLI load that overlaps one waits here for
    the other process's run to close the file, up to `lock_wait_seconds`.
    Outside a run (a script, a test) `connect()` opens and closes the file itself.
    """

    db_path: str = Settings.db
    show_progress: bool = False
    progress_mode: str = Settings.progress  # $OGI_PROGRESS: auto | bars | lines | none
    lock_wait_seconds: float = 600.0
    duckdb_memory: str = Settings.duckdb_memory
    # Per-document limits of the parser stages (orchestration.engine.workers): 0 workers = one per core.
    workers: int = Settings.workers
    doc_seconds: float = Settings.doc_seconds
    doc_memory_mb: int = Settings.doc_memory_mb
    # Legacy Word conversion (orchestration.engine.convert): "" = soffice found on PATH.
    soffice: str = Settings.soffice
    convert_seconds: float = Settings.convert_seconds
    # OCR of scanned PDFs (orchestration.engine.ocr): 0 = 80% of the document's limit.
    ocr_seconds: float = Settings.ocr_seconds

    # the run's open file (what closes it, and its connection), see the class docstring
    _held: tuple[contextlib.ExitStack, duckdb.DuckDBPyConnection] | None = PrivateAttr(default=None)

    @classmethod
    def from_settings(cls, settings: Settings, **fields: object) -> WarehouseResource:
        """The resource of a command: its settings, plus fields such as show_progress."""
        return cls(**{field: getattr(settings, setting) for field, setting in _WAREHOUSE_SETTINGS.items()}, **fields)

    @classmethod
    def from_env(cls) -> WarehouseResource:
        """The code location's resource: every set variable through dg.EnvVar."""
        return cls(**{field: env_or_default(setting) for field, setting in _WAREHOUSE_SETTINGS.items()})

    @property
    def limits(self) -> Limits:
        return Limits(workers=self.workers, seconds=self.doc_seconds, memory_mb=self.doc_memory_mb)

    @property
    def converter(self) -> Converter:
        """LibreOffice's program and time limit, always within the document's own limit, so the
        converter is stopped (and its processes killed) before the worker is."""
        return Converter(self.soffice, max(1.0, min(self.convert_seconds, 0.8 * self.doc_seconds)))

    @property
    def ocr_budget(self) -> float:
        """OCR's time per scanned document, always within the document's own limit."""
        return ocr.deadline(self.ocr_seconds or None, self.doc_seconds)

    def pool(self) -> WorkerPool:
        """The process's worker pool with these limits (started on first use, then kept)."""
        return shared_pool(self.limits)

    def validator(self) -> Validator:
        """The process's Great Expectations process (orchestration/engine/validator.py)."""
        return shared_validator()

    @property
    def path(self) -> str:
        return self.db_path

    @property
    def snapshot_path(self) -> Path:
        return published_path(self.path)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        held = contextlib.ExitStack()
        self._held = (held, self._open(held))

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        held, self._held = self._held, None
        if held is not None:
            held[0].close()

    def _open(self, stack: contextlib.ExitStack) -> duckdb.DuckDBPyConnection:
        """A writer connection, entered on `stack`; waits for another process to close the file."""
        deadline = time.monotonic() + self.lock_wait_seconds
        delay = 0.2
        while True:
            try:
                return stack.enter_context(db.connect(self.path, memory_limit=self.duckdb_memory))
            except duckdb.IOException as exc:
                if not _is_lock_conflict(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 5.0)

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one step; closed after it (the file stays open while the run holds it).

        In a run, a step that left more than CHECKPOINT_AFTER_STEP_BYTES of WAL is checkpointed
        when it ends, as closing the file did: a large load's stages keep no more of their rows
        uncheckpointed (in memory) than one stage's, while a small load's steps, which write little,
        share the run's one checkpoint."""
        if self._held is None:
            with contextlib.ExitStack() as stack:
                yield self._open(stack)
            return
        # a cursor of the run's connection: the file is open, its settings and schema in place
        with self._held[1].cursor() as con:
            yield con
            if _wal_bytes(self.path) > CHECKPOINT_AFTER_STEP_BYTES:
                con.execute("CHECKPOINT")

    def progress(self, stage: str, done: int, total: int) -> None:
        """Progress bars on stderr for long CLI loads (orchestration.progress).

        Only on a terminal (stdout and stderr both): in a log, a pipe, cron or
        CI nothing is written (unless `progress_mode`, `$OGI_PROGRESS`, says
        otherwise); the load's summary says what happened.
        """
        if not self.show_progress:
            return
        sink = getattr(self, "_progress_sink", None)
        if sink is None:
            from orchestration.progress import for_this_process

            sink = for_this_process(self.progress_mode)
            object.__setattr__(self, "_progress_sink", sink)
        sink.update(stage, done, total)


class InboxResource(dg.ConfigurableResource):
    """The folder reports are dropped into, and how the inbox sensor cuts it into batches."""

    path: str = Settings.inbox
    settle_seconds: float = Settings.inbox_settle_seconds  # newer files wait for a later tick
    batch_max_files: int = Settings.batch_max_files

    @classmethod
    def from_env(cls) -> InboxResource:
        return cls(
            path=env_or_default("inbox"),
            settle_seconds=env_or_default("inbox_settle_seconds"),
            batch_max_files=env_or_default("batch_max_files"),
        )
