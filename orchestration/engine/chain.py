"""The parser stages in one pass per document: how a small load takes its documents through all of them.

Why: run one after the other, each stage is a Dagster step of its own that
opens the warehouse, asks its ledger what is pending, reads its batch's
inputs back from what the last stage wrote (the cleaned text three times
over), hands them to the workers again and commits its own transactions.
That is fixed cost, and a small load pays it in full: one more report into
100,000 spent ≈ 0.85 s in the four steps, ≈ 0.5 s in one pass (issue 17).
Here a worker takes each document pending for the first stage from its raw
bytes through every stage (derive.chained, each stage's output handed to
the next in memory), and the parent commits a batch's rows of every stage,
each with its ledger rows, in one transaction. A large load is bound by
the workers instead, and goes stage by stage (ONE_PASS_DOCUMENTS).

What each stage stores is what it stores run alone: the same functions
make the rows, a stage takes only the documents the previous one stored,
and the ledger says per stage and document what was done. What the chain
does not settle is then taken through the stages one at a time
(stages.run_stage), exactly as before:

- a document the chain failed as a whole (its time or memory limit, a
  crash, a parser bug): run stage by stage, its failure is recorded against
  the stage that meets it (such a document pays its limit twice);
- a batch whose rows cannot all be stored: stage by stage, the document
  whose rows do not fit gets `store_failed` in its own stage;
- documents pending only for a later stage (a run killed between stages,
  a stage forgotten by hand).
"""

from __future__ import annotations

import copy
import time
from collections import deque
from collections.abc import Callable

import duckdb

from transforms import PARSER_VERSION
from transforms.model import TransformError
from warehouse import db
from orchestration.engine import derive
from orchestration.engine.stages import (
    STORE_ERRORS,
    Batch,
    Progress,
    Stage,
    StageInput,
    StageStats,
    no_progress,
    batches,
    collect,
    pending_doc_ids,
    run_stage,
    tally,
    write_batch,
)
from orchestration.engine.workers import WorkerPool

# the progress sink's name for the chain's pass (orchestration/progress.py)
CHAIN_PROGRESS = "parse_reports"
# Up to this many documents pending, they go through the stages in one pass; more go stage by
# stage. Why: the pass saves fixed costs a small load pays in full (one report cold: 4.80 → 4.48 s,
# medians of eight pairs), but a large load is bound by the workers, and there the pass's commits,
# four stages' rows of a batch of 200, cost more than the stages' own (5,000 web pages: the parse
# 26.7–26.9 s stage by stage, 30.3–31.8 s in one pass, two pairs). 200 is the clean stage's batch:
# such a load commits its parse in one transaction.
ONE_PASS_DOCUMENTS = 200


def run_chain(
    con: duckdb.DuckDBPyConnection,
    chain: tuple[Stage, ...],
    pool: WorkerPool,
    progress: Progress = no_progress,
    work: Callable[[tuple, str], dict] = derive.chained,
) -> dict[str, StageStats] | None:
    """Take every document pending for `chain[0]` through all of `chain` in one pass, then run each
    stage alone over whatever is still pending for it; the stats of each stage, by name. None, and
    nothing done, when more than ONE_PASS_DOCUMENTS are pending: the caller runs the stages alone.

    `work(args, parser_version)` takes one document, given as `chain[0]` reads it,
    through the stages in order and returns each one's outcome by stage name, up to
    the first that failed (derive.chained, for the clean stage and the three after
    it). Two batches in flight, as in run_stage.
    """
    started = time.perf_counter()
    first = chain[0]
    stats = {stage.name: StageStats(stage=stage.name) for stage in chain}
    pending = pending_doc_ids(con, first.name, first.source_sql)
    if len(pending) > ONE_PASS_DOCUMENTS:
        return None
    pool.prestart(len(pending))
    done = 0
    progress(CHAIN_PROGRESS, 0, len(pending))
    window: deque[tuple[list[StageInput], Batch]] = deque()

    def commit_oldest() -> None:
        nonlocal done
        inputs, submitted = window.popleft()
        _commit(con, chain, inputs, submitted.wait(), stats)
        done += len(inputs)
        progress(CHAIN_PROGRESS, done, len(pending))

    for doc_ids in batches(pending, first.batch_size):
        inputs = first.read(con, doc_ids)
        window.append((inputs, pool.submit(work, [(i.doc_id, (i.args, PARSER_VERSION)) for i in inputs])))
        if len(window) > 1:
            commit_oldest()
    while window:
        commit_oldest()
    for stage in chain:
        _add(stats[stage.name], run_stage(con, stage, pool, progress))
    seconds = time.perf_counter() - started
    for each in stats.values():
        each.seconds = seconds  # the stages ran together: each took the whole pass
    return stats


def _commit(
    con: duckdb.DuckDBPyConnection,
    chain: tuple[Stage, ...],
    inputs: list[StageInput],
    outcomes: dict[str, object],
    stats: dict[str, StageStats],
) -> None:
    """One transaction: each stage's rows, errors and ledger rows for the documents the chain took
    through it. A document failed as a whole is left out (still pending for the first stage); a
    batch that cannot be stored is left out entirely (rolled back, and its stats with it)."""
    by_stage = []
    for stage in chain:
        reached = [i for i in inputs if isinstance(outcomes[i.doc_id], dict) and stage.name in outcomes[i.doc_id]]
        result = collect(
            stage,
            [StageInput(i.doc_id, i.source_path, ()) for i in reached],
            {i.doc_id: _outcome(outcomes[i.doc_id][stage.name]) for i in reached},
        )
        by_stage.append((stage, [i.doc_id for i in reached], result))
    before = copy.deepcopy(stats)
    try:
        with db.transaction(con):
            for stage, doc_ids, result in by_stage:
                if doc_ids:
                    stats[stage.name].pending += len(doc_ids)
                    write_batch(con, stage, doc_ids, result, stats[stage.name])
    except STORE_ERRORS:
        stats.update(before)
        return
    for stage, doc_ids, result in by_stage:
        tally(stats[stage.name], doc_ids, result)


def _outcome(outcome: derive.Tables | derive.Failure) -> derive.Tables | TransformError:
    """A stage's outcome in the chain as a stage run alone gets it from its worker."""
    if isinstance(outcome, tuple):
        code, message, stage = outcome
        return TransformError(code, message, stage=stage or "transform")
    return outcome


def _add(total: StageStats, more: StageStats) -> None:
    total.pending += more.pending
    total.ok += more.ok
    total.errors += more.errors
    for table, n in more.rows.items():
        total.add_rows(table, n)
    for code, n in more.error_codes.items():
        total.error_codes[code] = total.error_codes.get(code, 0) + n
