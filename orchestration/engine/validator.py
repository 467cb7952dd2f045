"""Great Expectations in a process of its own, started as soon as a load may have something to check.

Why: importing GX and building its context costs ≈2 s of CPU and ≈250 MB.
In the loader's own process that was a fixed 4 s on every load, one report
or a thousand, on the critical path of the check stage (issue 17). Here the
GX context lives in one spawned process (a worker of orchestration.engine.
workers, with no memory cap and a generous time limit) that imports only
expectations/validation.py: the load starts it when it stores new
documents, so its import and the building of its suites run while the
parser stages do, and the check stage hands it plain numpy columns
(expectations.suites.rule_columns) and gets GX's verdicts back. A load
with nothing to check stops it unused (a small load starts it before it
knows, orchestration/cli.py).

A separate process also keeps GX's imports away from Dagster's: the two
cannot race (issue 13's `partially initialized module` failure came from a
GX import in a background thread of the loader).

If the process cannot start, dies or runs out of time, that is the run's
failure, not the documents': ValidatorFailed propagates, the check step
fails, and nothing is recorded against any report (they stay pending).
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from transforms.model import TransformError
from orchestration.engine.workers import Limits, WorkerPool

if TYPE_CHECKING:  # imported when the check stage judges: this module starts GX's process first thing in
    # a load, and NumPy's import (≈0.05 s, expectations.validation's) would come before it
    from expectations.validation import Judged, RuleColumns

# One check batch (≤ 2,500 reports, a hundred thousand rule rows or more) takes GX seconds to
# minutes on a small machine; an hour means the process is stuck.
VALIDATION_SECONDS = 3600.0
# Up to this many documents to parse, the load starts GX's process with itself: its start-up is
# then most of a small load's time. A larger load starts it with its check stage (seconds of a
# load of minutes), so that it holds no memory while the parser workers need it.
EARLY_GX_DOCUMENTS = 2000
# GX's process runs at a lower priority (nice +10). Why: its start-up (≈1.5 s of CPU) is not what a
# load waits for while there is anything else to do. At normal priority it took a third of the two
# cores from the loader's start-up (Dagster's import, its instance) and the parser workers; yielding,
# it runs in what they leave idle, and by the check stage, which closes the parser workers, nothing
# else wants the second core and it runs at full speed anyway. Measured (interleaved pairs, medians):
# 1,000 web pages 0.47 s faster (six pairs); one report cold 0.18 s and 0.06 s faster (two rounds of
# ten), 50 web pages 0.14 s faster (six). (It used to yield only for loads of more than 200
# documents, when GX's start-up was longer and a small load waited for it.)
YIELDING_NICENESS = 10


class ValidatorFailed(RuntimeError):
    """GX's process could not judge a check batch: a failure of the run, never of a document."""


class Validator:
    """The GX process of this loader: `start()` early, `judge(columns)` in the check stage."""

    def __init__(self) -> None:
        self._pool: WorkerPool | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Spawn the process (importing GX and building its suites) unless it is running."""
        with self._lock:
            if self._pool is None:
                self._pool = WorkerPool(
                    Limits(workers=1, seconds=VALIDATION_SECONDS, memory_mb=0),
                    preload=("expectations.validation:warm_up_gx_process",),
                    fork_server=False,  # GX starts importing at once, beside the parser's fork server
                    niceness=YIELDING_NICENESS,
                )
            self._pool.prestart(1)

    def start_early(self, documents: int) -> None:
        """Start the process ahead of the check stage of a load of `documents` documents, if it is
        small enough to be waiting for GX's start-up (EARLY_GX_DOCUMENTS); a larger load starts it
        with its check stage (`judge`)."""
        if documents <= EARLY_GX_DOCUMENTS:
            self.start()

    def judge(self, columns: RuleColumns, suites: Sequence[str]) -> Callable[[], Judged]:
        """expectations.validation.run_validations, started in the GX process: returns at once a function
        that waits for its verdicts (an expectations.suites.Judge)."""
        from expectations.validation import run_validations

        self.start()
        assert self._pool is not None
        batch = self._pool.submit(run_validations, [("batch", (columns, list(suites)))])

        def verdicts() -> Judged:
            outcome = batch.wait()["batch"]
            if isinstance(outcome, TransformError):
                raise ValidatorFailed(f"Great Expectations could not judge the check batch ({outcome.code}): {outcome.message}")
            return outcome

        return verdicts

    def close(self, grace: float = 1.0) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close(grace)
                self._pool = None


_shared = Validator()


def shared_validator() -> Validator:
    """The process's GX validator (its process is started on first `start()` and kept for later loads)."""
    return _shared


@atexit.register
def _close_shared() -> None:
    _shared.close(grace=0.3)  # at exit: GX keeps nothing; a busy or slow-exiting process is killed
