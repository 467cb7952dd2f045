"""Running one parser stage over every document that still needs it.

A stage reads its inputs from the layer below, applies a pure transform to
each document in a worker process (orchestration.engine.workers: all cores, a time and
memory limit per document), and writes its outputs in one transaction per
batch together with a ledger row per document. The ledger (doc_id, stage, parser version)
is what makes loads incremental, idempotent and crash-safe: a document is
pending for a stage until a batch containing it has committed under the
current parser version, so a killed load simply resumes, and a new parser
version re-derives everything from the stored raw bytes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
import time
from datetime import datetime

import duckdb
import polars as pl

from transforms import PARSER_VERSION
from transforms.model import TransformError
from warehouse import db
from warehouse.shapes import frame_schema, rows_frame
from orchestration.engine.workers import Batch, WorkerPool

Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The Progress of a caller that shows none (the default of run_stage and run_chain)."""
    return None


@dataclass
class StageStats:
    """What a stage did in one run; becomes Dagster metadata and the CLI summary."""

    stage: str
    pending: int = 0
    ok: int = 0
    errors: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    error_codes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add_rows(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n

    def add_error(self, code: str) -> None:
        self.errors += 1
        self.error_codes[code] = self.error_codes.get(code, 0) + 1

    def as_metadata(self) -> dict[str, int]:
        meta = {
            "documents_pending": self.pending,
            "documents_ok": self.ok,
            "documents_failed": self.errors,
            "seconds": round(self.seconds, 3),
        }
        meta.update({f"rows.{k}": v for k, v in sorted(self.rows.items())})
        meta.update({f"errors.{k}": v for k, v in sorted(self.error_codes.items())})
        return meta


@dataclass
class BatchResult:
    """Outputs of one batch: columns per target table, plus per-document outcomes.

    Columns, not row dicts: a batch of 500 reports is ~100k fact rows, and
    building (and unpickling) them column-wise is several times cheaper.
    """

    tables: dict[str, dict[str, list]] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)  # doc_id -> "ok" | error code
    errors: list[dict] = field(default_factory=list)  # load_errors rows

    def add_columns(self, table: str, doc_id: str, columns: dict[str, list]) -> None:
        """One document's rows of `table`, as columns without doc_id."""
        n = len(next(iter(columns.values()), []))
        if not n:
            return
        target = self.tables.setdefault(table, {})
        target.setdefault("doc_id", []).extend([doc_id] * n)
        for name, values in columns.items():
            target.setdefault(name, []).extend(values)

    def add(self, table: str, rows: Iterable[dict]) -> None:
        """Rows as dicts (each with its doc_id), for the few rows the parent makes itself."""
        for row in rows:
            target = self.tables.setdefault(table, {})
            for name, value in row.items():
                target.setdefault(name, []).append(value)


def pending_doc_ids(con: duckdb.DuckDBPyConnection, stage: str, source_sql: str) -> list[str]:
    """Documents in the source layer that this stage has not processed with this parser version.

    `source_sql` selects `doc_id` and `pos`, the row's position in the source
    table (its rowid): documents come in that order, so a batch is a narrow
    rowid range of the tables it reads and DuckDB skips every other row
    group (see loading._select_batch) instead of scanning gigabytes of text
    per batch.
    """
    rows = con.execute(
        f"""
        SELECT s.doc_id FROM ({source_sql}) s
        LEFT JOIN staging.stage_ledger l
          ON l.doc_id = s.doc_id AND l.stage = ? AND l.parser_version = ?
        WHERE l.doc_id IS NULL
        ORDER BY s.pos, s.doc_id
        """,
        [stage, PARSER_VERSION],
    ).fetchall()
    return [r[0] for r in rows]


def batches(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def commit_batch(con: duckdb.DuckDBPyConnection, stage: Stage, doc_ids: list[str], result: BatchResult, stats: StageStats) -> None:
    """Replace this stage's outputs for the batch's documents, atomically."""
    with db.transaction(con):
        write_batch(con, stage, doc_ids, result, stats)
    tally(stats, doc_ids, result)


def write_batch(con: duckdb.DuckDBPyConnection, stage: Stage, doc_ids: list[str], result: BatchResult, stats: StageStats) -> None:
    """This stage's outputs and ledger rows for the batch's documents, replacing what it wrote for
    them before (`stage.replaces`), inside the caller's transaction (commit_batch; the chain
    commits several stages in one)."""
    name = stage.name
    ids = pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String})
    now = datetime.now()
    ledger = rows_frame(
        "staging.stage_ledger",
        {
            "doc_id": doc_ids,
            "stage": [name] * len(doc_ids),
            "parser_version": [PARSER_VERSION] * len(doc_ids),
            "outcome": [result.outcomes.get(d, "ok") for d in doc_ids],
            "done_at": [now] * len(doc_ids),
        },
    )
    errors = rows_frame("core.load_errors", [dict(e, at=now) for e in result.errors])
    con.register("_ogi_batch_ids", ids)
    try:
        # Only documents this stage has processed before can have rows to replace.
        # A first load skips the DELETEs, which scan the whole doc_id column of
        # every output table: per batch, that made a load quadratic in its size.
        (redo,) = con.execute(
            "SELECT count(*) FROM staging.stage_ledger WHERE stage = ? AND doc_id IN (SELECT doc_id FROM _ogi_batch_ids)",
            [name],
        ).fetchone()
        for table in stage.replaces if redo else ():
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM _ogi_batch_ids)")
        labels = _ERROR_STAGES.get(name, (name,))
        con.execute(
            f"DELETE FROM core.load_errors WHERE stage IN ({', '.join('?' for _ in labels)}) "
            "AND doc_id IN (SELECT doc_id FROM _ogi_batch_ids)",
            list(labels),
        )
        con.execute(
            "DELETE FROM staging.stage_ledger WHERE stage = ? AND doc_id IN (SELECT doc_id FROM _ogi_batch_ids)",
            [name],
        )
        for table, columns in result.tables.items():
            if columns:
                stats.add_rows(table, db.write_frame(con, table, pl.DataFrame(columns, schema=frame_schema(table, columns))))
        db.write_frame(con, "core.load_errors", errors)
        db.write_frame(con, "staging.stage_ledger", ledger)
    finally:
        con.unregister("_ogi_batch_ids")


def tally(stats: StageStats, doc_ids: list[str], result: BatchResult) -> None:
    """Count the batch's documents, stored and failed, once its transaction has committed."""
    for d in doc_ids:
        outcome = result.outcomes.get(d, "ok")
        if outcome == "ok":
            stats.ok += 1
        else:
            stats.add_error(outcome)


# load_errors.stage uses the contract's short names; the ledger uses asset names. A
# stage's errors are recorded under its own label (first) or the finer one the
# transform named (the clean stage reads and decodes too), and all of them are
# replaced when the stage runs again for the document.
_ERROR_STAGES = {
    "cleaned_text": ("clean", "read", "decode"),
    "report_metadata": ("metadata",),
    "report_sections": ("sections",),
    "facts": ("tables",),
}


def stage_error_label(stage: str) -> str:
    return _ERROR_STAGES.get(stage, (stage,))[0]


@dataclass(frozen=True)
class StageInput:
    """One document's inputs to a stage, read from the layer below."""

    doc_id: str
    source_path: str
    args: tuple


@dataclass(frozen=True)
class Stage:
    """A parser stage: where its documents come from and what it makes of each.

    `read` fetches a batch's inputs (parent process, DuckDB); `work` is a
    module-level function of orchestration.engine.derive run in a worker with the
    document limits, returning columns per table; `on_error` may add rows for a
    document whose `work` failed (the failure itself always becomes a
    load_errors row and the ledger outcome).
    """

    name: str
    source_sql: str
    read: Callable[[duckdb.DuckDBPyConnection, list[str]], list[StageInput]]
    work: Callable[..., dict[str, dict[str, list]]]
    replaces: tuple[str, ...]
    on_error: Callable[[BatchResult, StageInput, TransformError], None] | None = None
    batch_size: int = 500  # documents per transaction (and per hand-over to the workers)


def collect(stage: Stage, inputs: list[StageInput], outcomes: dict[str, object]) -> BatchResult:
    result = BatchResult()
    for item in inputs:
        outcome = outcomes[item.doc_id]
        if isinstance(outcome, TransformError):
            result.outcomes[item.doc_id] = outcome.code
            where = outcome.stage if outcome.stage and outcome.stage != "transform" else stage_error_label(stage.name)
            result.errors.append(
                {
                    "source_path": item.source_path,
                    "doc_id": item.doc_id,
                    "stage": where,
                    "error": outcome.code,
                    "message": outcome.message,
                }
            )
            if stage.on_error is not None:
                stage.on_error(result, item, outcome)
            continue
        for table, columns in outcome.items():
            result.add_columns(table, item.doc_id, columns)
    return result


# What a batch write fails with when a document's rows do not fit the table (a value no column can
# hold, a NOT NULL column left empty, text DuckDB will not take): the document's fault, so the batch is
# retried document by document and the one that does not fit gets `store_failed`. Anything else —
# the file cannot be written (duckdb.IOException: disk full, permissions), memory, a transaction
# conflict, a missing table — is the run's fault: it propagates, the step fails, and nothing is
# recorded against any document (they stay pending for the next run).
STORE_ERRORS = (
    duckdb.DataError,  # ConversionException, OutOfRangeException, TypeMismatchException
    duckdb.IntegrityError,  # ConstraintException (NOT NULL, primary key)
    duckdb.InvalidInputException,
    pl.exceptions.PolarsError,
    ValueError,
    TypeError,
    OverflowError,
)


def _commit_one_by_one(
    con: duckdb.DuckDBPyConnection,
    stage: Stage,
    doc_ids: list[str],
    inputs: list[StageInput],
    outcomes: dict[str, object],
    stats: StageStats,
    batch_error: Exception,
) -> None:
    """A batch that cannot be stored is stored document by document.

    Why: one document whose rows do not fit the tables (a value no column
    can hold) must cost that document, not its batch; otherwise the batch
    stays pending and fails every later load too. The document gets
    `store_failed` with the database's message (its bytes stay in raw).
    """
    by_id = {item.doc_id: item for item in inputs}
    for doc_id in doc_ids:
        item = by_id.get(doc_id)
        one = collect(stage, [item], outcomes) if item else BatchResult()
        rows_before = dict(stats.rows)
        try:
            commit_batch(con, stage, [doc_id], one, stats)
            continue
        except STORE_ERRORS as exc:
            stats.rows = rows_before
            cause = exc
        failed = TransformError(
            "store_failed", f"its rows could not be stored: {type(cause).__name__}: {cause}"[:500], stage="transform"
        )
        assert item is not None  # a document without rows cannot fail to store them
        commit_batch(con, stage, [doc_id], collect(stage, [item], {doc_id: failed}), stats)


def run_stage(
    con: duckdb.DuckDBPyConnection,
    stage: Stage,
    pool: WorkerPool,
    progress: Progress = no_progress,
) -> StageStats:
    """Process every pending document of `stage` in batches, two batches in flight.

    While the parent commits batch k, the workers already parse batch k+1;
    at most two batches of inputs and outputs are in memory at any time.
    """
    started = time.perf_counter()
    stats = StageStats(stage=stage.name)
    pending = pending_doc_ids(con, stage.name, stage.source_sql)
    stats.pending = len(pending)
    pool.prestart(len(pending))
    done = 0
    progress(stage.name, 0, len(pending))
    window: deque[tuple[list[str], list[StageInput], Batch]] = deque()

    def commit_oldest() -> None:
        nonlocal done
        doc_ids, inputs, submitted = window.popleft()
        outcomes = submitted.wait()
        rows_before = dict(stats.rows)
        try:
            commit_batch(con, stage, doc_ids, collect(stage, inputs, outcomes), stats)
        except STORE_ERRORS as exc:
            stats.rows = rows_before
            _commit_one_by_one(con, stage, doc_ids, inputs, outcomes, stats, exc)
        done += len(doc_ids)
        progress(stage.name, done, len(pending))

    for doc_ids in batches(pending, stage.batch_size):
        inputs = stage.read(con, doc_ids)
        window.append((doc_ids, inputs, pool.submit(stage.work, [(i.doc_id, i.args) for i in inputs])))
        if len(window) > 1:
            commit_oldest()
    while window:
        commit_oldest()
    stats.seconds = time.perf_counter() - started
    return stats
