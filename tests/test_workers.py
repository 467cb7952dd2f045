"""The worker pool: one document's time, memory or crash costs that document only."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import duckdb
import pytest

import worker_tasks as tasks
from conftest import SEEDS
from gold import compare, doc_id_for
from orchestration.cli import main as ogi
from transforms.model import TransformError
from orchestration.engine.workers import Limits, WorkerPool


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(Limits(workers=2, seconds=2.0, memory_mb=1500))  # forked workers start at the fork server's size
    yield pool
    pool.close()


def _outcome(pool: WorkerPool, func, *args) -> object:
    return pool.submit(func, [("doc", args)]).wait()["doc"]


def _code(outcome: object) -> str:
    assert isinstance(outcome, TransformError), outcome
    return outcome.code


def test_results_come_back_by_key(pool) -> None:
    outcomes = pool.submit(tasks.echo, [(f"d{i}", (i * i,)) for i in range(50)]).wait()
    assert outcomes == {f"d{i}": i * i for i in range(50)}


def test_a_document_over_its_time_is_abandoned_and_the_pool_goes_on(pool) -> None:
    started = time.monotonic()
    outcomes = pool.submit(tasks.sleep, [("slow", (60,)), ("quick", (0,))]).wait()
    assert time.monotonic() - started < 30  # not the 60 s the document wanted
    assert _code(outcomes["slow"]) == "parse_timeout"
    assert "2 s" in outcomes["slow"].message
    assert outcomes["quick"] == "woke"
    assert _outcome(pool, tasks.echo, "after") == "after"


def test_a_document_over_its_memory_gets_memory_limit(pool) -> None:
    assert _code(_outcome(pool, tasks.allocate, 2000)) == "memory_limit"
    assert _outcome(pool, tasks.allocate, 50) == 50 * 1024 * 1024  # a fresh worker took over


def test_a_crashing_worker_costs_one_document(pool) -> None:
    outcomes = pool.submit(tasks.segfault, [("crash", ())]).wait()
    assert _code(outcomes["crash"]) == "worker_crashed"
    assert "killed by SIGSEGV" in outcomes["crash"].message
    assert _outcome(pool, tasks.echo, 7) == 7


def test_documents_handed_over_together_each_pay_only_for_themselves(pool) -> None:
    """A worker takes queued documents in chunks; a crash, a hang or a memory blow-up inside a
    chunk costs that document, and the chunk's other documents, started or not, are read."""
    kinds = {13: "crash", 41: "hang", 77: "balloon", 78: "crash"}
    items = [(f"d{i}", (kinds.get(i, "echo"), i)) for i in range(120)]
    started = time.monotonic()
    outcomes = pool.submit(tasks.mixed, items).wait()
    assert time.monotonic() - started < 60
    assert [_code(outcomes[f"d{i}"]) for i in sorted(kinds)] == ["worker_crashed", "parse_timeout", "memory_limit", "worker_crashed"]
    assert {key: value for key, value in outcomes.items() if int(key[1:]) not in kinds} == {
        f"d{i}": i for i in range(120) if i not in kinds
    }


def test_a_yielding_pool_runs_its_workers_at_a_lower_priority() -> None:
    """GX's process yields the CPU (orchestration.engine.validator.YIELDING_NICENESS): a pool's
    workers add its niceness to the loader's; a pool without one runs at the loader's."""
    import os

    from orchestration.engine.validator import EARLY_GX_DOCUMENTS, YIELDING_NICENESS, Validator

    mine = os.nice(0)
    for niceness in (0, 5):
        pool = WorkerPool(Limits(workers=1, seconds=30.0, memory_mb=0), niceness=niceness)
        try:
            assert _outcome(pool, tasks.niceness) == min(mine + niceness, 19)
        finally:
            pool.close()
    # GX's process yields whatever the load's size; a load of more than EARLY_GX_DOCUMENTS does not
    # start it early at all
    for documents, expected in ((1, YIELDING_NICENESS), (EARLY_GX_DOCUMENTS, YIELDING_NICENESS), (EARLY_GX_DOCUMENTS + 1, None)):
        validator = Validator()
        try:
            validator.start_early(documents)
            assert (validator._pool.niceness if validator._pool is not None else None) == expected
            if validator._pool is not None:
                assert _outcome(validator._pool, tasks.niceness) == min(mine + YIELDING_NICENESS, 19)
        finally:
            validator.close(grace=0.0)


def test_a_batch_whose_arguments_cannot_be_handed_over_fails_instead_of_hanging(pool) -> None:
    """A hand-over that fails in the parent (arguments that do not pickle) is the run's fault, not a
    document's: the batch ends with WorkersUnavailable rather than waiting for ever, and the pool goes on."""
    from orchestration.engine.workers import WorkersUnavailable

    outcome: list[object] = []

    def wait() -> None:
        items = [(f"d{i}", (i,)) for i in range(40)] + [("bad", (lambda: None,))]
        try:
            outcome.append(pool.submit(tasks.echo, items).wait())
        except WorkersUnavailable as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    waiter.join(120)
    assert not waiter.is_alive(), "the batch hung"
    assert isinstance(outcome[0], WorkersUnavailable) and "failed" in str(outcome[0])
    assert _outcome(pool, tasks.echo, "after") == "after"


def test_errors_keep_their_code_and_bugs_are_contained(pool) -> None:
    refused = _outcome(pool, tasks.refuse, "empty_file")
    assert (_code(refused), refused.stage, refused.message) == ("empty_file", "clean", "refused on purpose")
    crash = _outcome(pool, tasks.bug)
    assert _code(crash) == "parser_crash" and "KeyError" in crash.message
    assert _code(_outcome(pool, tasks.recurse)) == "too_deeply_nested"


def test_a_slow_document_cannot_stall_a_load(tmp_path: Path) -> None:
    """The seeds load exactly while a 7M-character report, slow to parse, is abandoned with parse_timeout."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for seed in SEEDS.glob("*.txt"):  # by content: shared/ may be read-only
        shutil.copyfile(seed, inbox / seed.name)
    seed = (SEEDS / "001_732b3b243defc543.txt").read_text(encoding="utf-8")
    (inbox / "slow.txt").write_text((seed + "\n") * (7_000_000 // len(seed)), encoding="utf-8")
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(inbox), "--db", str(db), "--quiet", "--doc-timeout", "1"]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        errors = con.sql("SELECT source_path, stage, error, message FROM core.load_errors").fetchall()
        assert [(Path(p).name, stage, code) for p, stage, code, _ in errors] == [("slow.txt", "clean", "parse_timeout")]
        assert "longer than 1 s" in errors[0][3]
        assert con.sql("SELECT count(*) FROM raw.documents").fetchall()[0][0] == 6  # the bytes are kept
        for gold in sorted((SEEDS / "gold").glob("*.json")):
            truth = json.loads(gold.read_text(encoding="utf-8"))
            assert compare(con, doc_id_for(con, truth["file"]), truth) == []
        statuses = con.sql("SELECT DISTINCT status FROM core.reports").fetchall()
        assert statuses == [("published",)]


def test_a_document_whose_rows_cannot_be_stored_costs_only_that_document(tmp_path: Path, pool) -> None:
    from warehouse import db
    from warehouse.ingest import ingest_files
    from orchestration.engine.stages import Stage, StageInput, run_stage

    with db.connect(tmp_path / "ogi.duckdb") as con:
        ingest_files(con, [SEEDS])
        ids = [r[0] for r in con.execute("SELECT doc_id FROM raw.documents ORDER BY doc_id").fetchall()]
        bad = ids[2]

        def read(con, doc_ids):
            return [StageInput(d, f"/{d}", ("bad" if d == bad else "fine",)) for d in doc_ids]

        stage = Stage("test_stage", "SELECT doc_id, rowid AS pos FROM raw.documents", read, tasks.issue_columns, ("staging.parse_issues",))
        stats = run_stage(con, stage, pool)
        assert (stats.ok, stats.error_codes) == (4, {"store_failed": 1})
        stored = {r[0] for r in con.execute("SELECT doc_id FROM staging.parse_issues").fetchall()}
        assert stored == set(ids) - {bad}
        (error,) = con.execute("SELECT doc_id, error, message FROM core.load_errors").fetchall()
        assert error[:2] == (bad, "store_failed") and "could not be stored" in error[2]
        # nothing is pending any more: the next load does not trip over it again
        assert run_stage(con, stage, pool).pending == 0


def test_what_a_worker_preloads_is_kept_from_the_collector_but_its_tasks_garbage_is_collected() -> None:
    # The preload (GX's context, the division index) is frozen so that collections skip it; the
    # collector must be running again afterwards, or every worker would keep its tasks' cycles.
    fresh = WorkerPool(Limits(workers=1, seconds=60, memory_mb=0), preload=("json",), fork_server=False)
    try:
        enabled, frozen, collected = _outcome(fresh, tasks.collector_state)
    finally:
        fresh.close()
    assert enabled and collected
    assert frozen > 1000  # the interpreter's and the preload's objects


def test_workers_that_cannot_start_fail_the_stage_instead_of_the_documents() -> None:
    from orchestration.engine.workers import WorkersUnavailable

    broken = WorkerPool(Limits(workers=1, seconds=5, memory_mb=400), preload=("no_such_module_anywhere",))
    try:
        with pytest.raises(WorkersUnavailable, match="could not be started"):
            broken.submit(tasks.echo, [("doc", (1,))]).wait()
    finally:
        broken.close()


def test_a_process_that_cannot_be_started_fails_the_stage_instead_of_hanging_it(monkeypatch) -> None:
    # fork() can fail (EAGAIN: the process limit): the slot must report it, not leave the batch waiting
    import errno
    import multiprocessing

    from orchestration.engine import workers

    class Refusing:
        def __init__(self) -> None:
            self._real = multiprocessing.get_context("spawn")

        def Pipe(self):  # noqa: N802 (multiprocessing's name)
            return self._real.Pipe()

        def Process(self, **kwargs):  # noqa: N802
            proc = self._real.Process(**kwargs)

            def start() -> None:
                raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

            proc.start = start
            return proc

    monkeypatch.setattr(workers, "_context", lambda preload, fork_server=True: Refusing())
    broken = WorkerPool(Limits(workers=1, seconds=5, memory_mb=0), fork_server=False)
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            broken.submit(tasks.echo, [("doc", (1,))]).wait()
        except BaseException as exc:  # noqa: BLE001 - inspected below
            outcome.append(exc)

    waiter = threading.Thread(target=wait, daemon=True)
    try:
        waiter.start()
        waiter.join(120)  # a guard against hanging the suite, not a speed limit
        assert not waiter.is_alive(), "the batch never completed"
    finally:
        broken.close()
    assert isinstance(outcome[0], workers.WorkersUnavailable) and "Resource temporarily unavailable" in str(outcome[0])


def test_closing_a_pool_whose_worker_is_still_starting_kills_it() -> None:
    # A load that ends (or finds nothing to do) while its GX process is still importing stops it at once.
    starting = WorkerPool(Limits(workers=1, seconds=60, memory_mb=0), preload=("worker_tasks:slow_start",), fork_server=False)
    starting.prestart(1)
    slot = starting._slots[0]
    for _ in range(600):  # the slot's thread starts the process
        if slot._proc is not None:
            break
        time.sleep(0.05)
    proc = slot._proc
    assert proc is not None and proc.is_alive()
    starting.close(grace=0.0)
    assert not proc.is_alive() and proc.exitcode == -9  # killed, not waited for
    assert starting._slots == []


def test_the_chain_records_what_it_cannot_settle_against_the_stage_that_meets_it(tmp_path: Path, pool) -> None:
    """run_chain commits what it takes through every stage in one pass, a stage's refusal included; a
    document it fails as a whole (a hang, a bug) and a batch it cannot store go through the stages one
    at a time, so that each failure is recorded against the stage that meets it, and nothing is left pending."""
    import dataclasses

    from warehouse import db
    from warehouse.ingest import ingest_files
    from orchestration.engine.chain import CHAIN_PROGRESS, run_chain
    from orchestration.engine.stages import Stage, StageInput

    markers = ["fine", "fine", "refuse:second", "hang:second", "bug:second", "unstorable:second", "hang:first"]
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i, marker in enumerate(markers):
        (inbox / f"{i}.txt").write_text(f"document {i}: {marker}", encoding="utf-8")
    with db.connect(tmp_path / "ogi.duckdb") as con:
        ingest_files(con, [inbox])
        marker_of = {
            doc_id: markers[int(Path(path).stem)]
            for doc_id, path in con.execute("SELECT doc_id, source_path FROM raw.documents").fetchall()
        }

        def reader(stage: str):
            return lambda con, doc_ids: [StageInput(d, f"/{d}", (marker_of[d], stage)) for d in doc_ids]

        first = Stage("first", "SELECT doc_id, rowid AS pos FROM raw.documents", reader("first"), tasks.marked_rows, ("staging.parse_issues",))
        second = Stage(
            "second",
            "SELECT doc_id, rowid AS pos FROM staging.stage_ledger WHERE stage = 'first' AND outcome = 'ok'",
            reader("second"),
            tasks.marked_rows,
            ("staging.parse_issues",),
        )
        # a batch per document, so that the batch that cannot be stored is that document's alone
        chain = tuple(dataclasses.replace(s, batch_size=1) for s in (first, second))
        totals: dict[str, int] = {}
        stats = run_chain(con, chain, pool, lambda stage, done, total: totals.setdefault(stage, total), work=tasks.chain_of_two)
        ledger = {
            (marker_of[d], stage): outcome
            for d, stage, outcome in con.execute("SELECT doc_id, stage, outcome FROM staging.stage_ledger").fetchall()
        }
        errors = {
            (marker_of[d], stage, code)
            for d, stage, code in con.execute("SELECT doc_id, stage, error FROM core.load_errors").fetchall()
        }
        again = run_chain(con, chain, pool, work=tasks.chain_of_two)
    # one pass for all seven; one at a time afterwards: the first stage for the four the pass did not
    # settle, the second stage for the three of them the first stage stored
    assert totals == {CHAIN_PROGRESS: 7, "first": 4, "second": 3}
    assert ledger == {
        **{(m, "first"): "ok" for m in markers if m != "hang:first"},
        ("hang:first", "first"): "parse_timeout",
        ("fine", "second"): "ok",
        ("refuse:second", "second"): "refused",
        ("hang:second", "second"): "parse_timeout",
        ("bug:second", "second"): "parser_crash",
        ("unstorable:second", "second"): "store_failed",
    }
    assert errors == {
        ("hang:first", "first", "parse_timeout"),
        ("refuse:second", "second", "refused"),
        ("hang:second", "second", "parse_timeout"),
        ("bug:second", "second", "parser_crash"),
        ("unstorable:second", "second", "store_failed"),
    }
    assert (stats["first"].pending, stats["first"].ok, stats["first"].error_codes) == (7, 6, {"parse_timeout": 1})
    assert (stats["second"].pending, stats["second"].ok) == (6, 2)
    assert stats["second"].error_codes == {"refused": 1, "parse_timeout": 1, "parser_crash": 1, "store_failed": 1}
    assert [s.pending for s in again.values()] == [0, 0]


def test_only_a_small_load_goes_through_the_stages_in_one_pass(tmp_path: Path, pool, monkeypatch) -> None:
    """Up to ONE_PASS_DOCUMENTS pending documents go through the stages in one pass; with one more,
    run_chain does nothing and says so (None), and the caller runs the stages alone."""
    from warehouse import db
    from warehouse.ingest import ingest_files
    from orchestration.engine import chain as one_pass
    from orchestration.engine.stages import Stage, StageInput

    monkeypatch.setattr(one_pass, "ONE_PASS_DOCUMENTS", 3)
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i in range(4):
        (inbox / f"{i}.txt").write_text(f"document {i}", encoding="utf-8")
    read = lambda con, ids: [StageInput(d, d, ("fine", "first")) for d in ids]  # noqa: E731
    stage = Stage("first", "SELECT doc_id, rowid AS pos FROM raw.documents", read, tasks.marked_rows, ("staging.parse_issues",))
    with db.connect(tmp_path / "ogi.duckdb") as con:
        ingest_files(con, [inbox])
        assert one_pass.run_chain(con, (stage,), pool, work=tasks.chain_of_two) is None
        assert con.execute("SELECT count(*) FROM staging.stage_ledger").fetchone() == (0,)
        con.execute("DELETE FROM raw.documents WHERE doc_id = (SELECT min(doc_id) FROM raw.documents)")
        stats = one_pass.run_chain(con, (stage,), pool, work=tasks.chain_of_two)
    assert stats is not None and (stats["first"].pending, stats["first"].ok) == (3, 3)


_PARSER_PRELOAD_WITHOUT_SCIPY = """
import sys
import orchestration.engine.derive, orchestration.engine.warm  # the fork server's preload
from transforms import similarity
stand_in = type(sys.modules["scipy.integrate"]).__name__
print("preloaded", stand_in, "scipy.special" in sys.modules)
# what the parser hashes does not need SciPy
text = "".join(chr(0x4E00 + (n * 7919) % 20000) for n in range(400))  # 400 characters, no 5-gram twice
print("signature", similarity.signature(text)[0] > 0, "scipy.special" in sys.modules)
# datasketch's band search, which does: SciPy is imported when its integrator is first called
from datasketch import MinHashLSH
lsh = MinHashLSH(threshold=0.8, num_perm=128)
print("lsh", (lsh.b, lsh.r), type(sys.modules["scipy.integrate"]).__name__)
"""


def test_the_parser_processes_start_without_scipy_and_an_lsh_band_search_still_gets_it() -> None:
    """The fork server's preload (orchestration/engine/warm.py) defers SciPy's integrators, which
    datasketch imports for a parameter search the parser never runs (≈0.5 s of CPU and ≈35 MB of each
    parser process, issue 17); the band search still runs, importing SciPy when it first integrates."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _PARSER_PRELOAD_WITHOUT_SCIPY], capture_output=True, text=True, timeout=120, check=True
    ).stdout.splitlines()
    assert out[0] == "preloaded DeferredModule False"
    assert out[1] == "signature True False"
    # datasketch's own choice of bands for threshold 0.8 over 128 permutations, computed with SciPy's quad
    from datasketch.lsh import _optimal_param

    assert out[2] == f"lsh {_optimal_param(0.8, 128, 0.5, 0.5)} module"
