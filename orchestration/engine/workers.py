"""Worker processes for the per-document transforms, with a time and memory limit per document.

Why a pool of our own rather than `concurrent.futures`: one pathological
file (a regex that backtracks for minutes, a page that inflates to
gigabytes, a C extension that crashes) must cost exactly that file, never
the load.  `ProcessPoolExecutor` can neither time out one task nor survive a
dead worker (the whole pool breaks).  Here every worker is a process forked
from a fork server (a clean interpreter that imports only the transforms, see
_context) whose address
space is capped with `RLIMIT_AS`, and each worker has a supervisor thread in
the parent that hands it one document at a time and waits at most
`Limits.seconds`.  Past that the worker is killed and replaced and the
document gets `parse_timeout`; a worker that runs out of memory reports
`memory_limit`; one that dies (segfault, OOM killer) costs its document
`worker_crashed`.  The parent never parses, so it stays small and alive.

The supervisor threads only wait on pipes, so they do not compete with the
parent's own work (reading inputs from DuckDB, writing outputs): the stages
keep the next batch in the workers while they commit the previous one.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import multiprocessing.popen_forkserver  # imported here, not first in a supervisor thread (issue 13's race)
import os
import queue
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from transforms.model import TransformError


def default_workers() -> int:
    """Worker processes when none are configured ($OGI_WORKERS): one per core the process may use."""
    return max(1, len(os.sched_getaffinity(0)))


@dataclass(frozen=True)
class Limits:
    """Resources one document may use in any stage (see the module docstring)."""

    workers: int = 0  # 0: default_workers(); the settings come from orchestration.settings
    seconds: float = 120.0
    memory_mb: int = 2048  # 0: no limit (the validator process, whose input is a whole check batch)

    def resolved(self) -> Limits:
        return Limits(self.workers or default_workers(), self.seconds, self.memory_mb)


# --- the worker process --------------------------------------------------------


def _limit_memory(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _worker_main(conn: Connection, memory_mb: int, preload: tuple[str, ...], niceness: int = 0) -> None:
    """Run tasks until the parent closes the pipe; a MemoryError ends the worker (its heap is suspect).

    The modules the tasks need are imported before the worker says it is
    ready, so a document's time limit never pays for a worker's start-up.
    """
    import gc
    import importlib

    if niceness:
        os.nice(niceness)  # before the preload: a yielding process's start-up is what must yield
    # What the preload builds (modules, the division index, GX's context) lives as long as the
    # worker: the collector would only walk it again and again, ≈0.5 s of the GX process's start
    # and every later full collection of every worker (and, in a forked worker, the walk dirties
    # the pages it shares with the fork server). So no collection while it is built, and then it
    # is moved out of the collector's sight (gc.freeze); the tasks' own garbage is collected as usual.
    gc.disable()
    for entry in preload:  # "module" is imported; "module:function" is imported and called
        module, _, function = entry.partition(":")
        loaded = importlib.import_module(module)
        if function:
            getattr(loaded, function)()
    gc.freeze()
    gc.enable()
    if memory_mb:
        _limit_memory(memory_mb)
    conn.send("ready")
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        # A chunk is several documents' tasks, answered one reply per document in order, each as
        # soon as it is done: the parent times every document from the previous reply.
        for func, args in chunk:
            try:
                reply = ("ok", func(*args))
            except TransformError as err:
                reply = ("error", err.code, err.message, err.stage)
            except MemoryError:
                conn.send(("error", "memory_limit", f"the document needed more than {memory_mb} MB", None))
                return
            except RecursionError:
                reply = ("error", "too_deeply_nested", "the document is nested too deeply to parse", None)
            except Exception as exc:  # a parser bug must cost one document, not the load
                reply = ("error", "parser_crash", f"{type(exc).__name__}: {exc}"[:500], None)
            try:
                conn.send(reply)
            except MemoryError:
                conn.send(("error", "memory_limit", f"the result needed more than {memory_mb} MB", None))
                return
            del reply


# --- the parent side --------------------------------------------------------------


_CONTEXT_LOCK = threading.Lock()


def _context(preload: tuple[str, ...], fork_server: bool = True) -> multiprocessing.context.BaseContext:
    """Workers are forked from a fork server: a clean interpreter started once per loader process.

    The first pool to start a worker names the modules the server imports
    (the parser's: the transforms, the division index, the MinHash
    permutations, ≈1 s of CPU), so every worker after it, and every
    replacement of a worker killed for a time or memory limit, starts in
    milliseconds with those already in memory. The server is started fresh
    (not forked from this multi-threaded parent), so a worker is as clean as
    a spawned one. A pool of one long-lived process that needs none of the
    parser's modules (the GX validator) is spawned instead, so it need not
    wait for the server to import them.
    """
    if not fork_server:
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    with _CONTEXT_LOCK:
        if not getattr(_context, "preloaded", False):
            ctx.set_forkserver_preload([entry for entry in preload if ":" not in entry])
            _context.preloaded = True  # type: ignore[attr-defined]
    return ctx


class WorkersUnavailable(RuntimeError):
    """No worker process could be started (environment problem): the stage fails, documents stay pending."""


_START_SECONDS = 120.0  # a fresh interpreter importing the transforms; generous for a loaded machine
_CHUNK_DOCUMENTS = 16  # documents a worker is handed at once (see WorkerPool._take_more)
_CHUNK_BYTES = 4 * 1024 * 1024  # … and about this much of their text and bytes

_Task = tuple["Batch", str, Callable, tuple]  # (batch, key, func, args) as queued by WorkerPool.submit


def _weight(args: tuple) -> int:
    """The size of a task's text and bytes arguments: what handing it over copies."""
    return sum(len(a) for a in args if isinstance(a, (str, bytes)))


class Batch:
    """The outcomes of one submitted batch of documents, as they arrive."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._outcomes: dict[str, object] = {}
        self._done = threading.Condition()

    def _put(self, key: str, outcome: object) -> None:
        with self._done:
            self._outcomes[key] = outcome
            if len(self._outcomes) >= self._size:
                self._done.notify_all()

    def wait(self) -> dict[str, object]:
        """key → the function's result, or the TransformError that took its place.

        Raises WorkersUnavailable when no worker could be started: that is the
        machine's fault, not the documents', so none of them is marked failed.
        """
        with self._done:
            self._done.wait_for(lambda: len(self._outcomes) >= self._size)
        for outcome in self._outcomes.values():
            if isinstance(outcome, WorkersUnavailable):
                raise outcome
        return self._outcomes


class _Slot:
    """One worker process and the thread in the parent that supervises it."""

    def __init__(self, pool: WorkerPool, number: int) -> None:
        self._pool = pool
        self._number = number
        self._proc: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        # The slot's thread starts and restarts its worker while the pool may be closing it from
        # another thread (a load's end stops the GX process while it may still be starting): the
        # lock makes the slot's process either started and held or absent, never half-started,
        # and a stopped slot starts nothing more.
        self._lock = threading.Lock()
        self._stopped = False
        self.thread = threading.Thread(target=self._serve, name=f"ogi-worker-{number}", daemon=True)

    def _start(self) -> Connection:
        if self._proc is None or not self._proc.is_alive():
            ctx = _context(self._pool.preload, self._pool.fork_server)
            parent, child = ctx.Pipe()
            proc = ctx.Process(
                target=_worker_main,
                args=(child, self._pool.limits.memory_mb, self._pool.preload, self._pool.niceness),
                name=f"ogi-worker-{self._number}",
                daemon=True,
            )
            try:
                with self._lock:
                    if self._stopped:
                        raise RuntimeError("its pool was closed")
                    proc.start()
                    self._proc, self._conn = proc, parent
            except BaseException:
                parent.close()
                raise
            finally:
                child.close()
            try:
                ready = parent.poll(_START_SECONDS) and parent.recv() == "ready"
            except (EOFError, OSError):
                ready = False
            if not ready:
                raise RuntimeError(f"worker process {self._number} did not start within {_START_SECONDS} s")
        assert self._conn is not None
        return self._conn

    def _kill(self) -> None:
        with self._lock:
            proc, conn = self._proc, self._conn
            self._proc, self._conn = None, None
        if proc is not None:
            proc.kill()
            proc.join(5)
        if conn is not None:
            conn.close()

    def _death(self) -> str:
        """How the worker ended, for the error message (it has just closed its pipe)."""
        if self._proc is None:
            return "no process"
        self._proc.join(5)
        code = self._proc.exitcode
        if code is None:
            return "pipe closed, process still running"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    def stop(self, wait: float) -> None:
        """Ask the worker to exit, give it `wait` seconds, then kill it (workers hold no state)."""
        with self._lock:
            self._stopped = True
            proc, conn = self._proc, self._conn
        if conn is not None:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        if proc is not None:
            proc.join(wait)
        self._kill()

    def _serve(self) -> None:
        # The worker is started as soon as the slot is: the pool starts as many slots as there is
        # work for, at once, so their interpreters start side by side rather than one after
        # another on each slot's first document. A start that fails here is tried again (and
        # reported) at the first task.
        try:
            self._start()
        except Exception:  # noqa: BLE001 - reported by _run on the first task
            self._kill()
        while True:
            task = self._pool._tasks.get()
            if task is None:
                return
            chunk = deque([task])
            self._pool._take_more(chunk)
            while chunk:
                try:
                    self._run(chunk)
                except Exception as exc:  # the batch must complete whatever happens to this slot
                    self._kill()
                    self._settle(chunk, WorkersUnavailable(f"worker process {self._number} failed: {exc!r}"))

    def _run(self, chunk: deque[_Task]) -> None:
        """Hand the chunk to the worker and settle its documents in order, each within the time limit.

        Returns when every document is settled, or after the one that cost the
        worker its life (time limit, memory limit, crash): the caller hands the
        rest, never started, to a fresh worker.
        """
        limits = self._pool.limits
        try:
            conn = self._start()
        except Exception as exc:
            self._kill()
            self._settle(chunk, WorkersUnavailable(f"worker process {self._number} could not be started: {exc!r}"))
            return
        try:
            conn.send([(func, args) for _, _, func, args in chunk])
        except (EOFError, OSError):
            self._crashed(chunk)
            return
        while chunk:
            batch, key, _, _ = chunk[0]
            try:
                ready = conn.poll(limits.seconds)
                reply = conn.recv() if ready else None
            except (EOFError, OSError):
                self._crashed(chunk)
                return
            chunk.popleft()
            if reply is None:
                self._kill()
                batch._put(key, TransformError("parse_timeout", f"parsing took longer than {limits.seconds:g} s; abandoned"))
                return
            if reply[0] == "ok":
                batch._put(key, reply[1])
                continue
            _, code, message, stage = reply
            batch._put(key, TransformError(code, message, stage=stage or "transform"))
            if code == "memory_limit":
                self._kill()  # the worker has exited; a fresh one takes the rest
                return

    @staticmethod
    def _settle(chunk: deque[_Task], outcome: object) -> None:
        """Give every document left in the chunk the same outcome."""
        while chunk:
            batch, key, _, _ = chunk.popleft()
            batch._put(key, outcome)

    def _crashed(self, chunk: deque[_Task]) -> None:
        """The worker died (or its pipe broke) on the chunk's first unsettled document: that one pays."""
        how = self._death()
        self._kill()
        batch, key, _, _ = chunk.popleft()
        batch._put(
            key,
            TransformError(
                "worker_crashed",
                f"the worker process died while parsing this document ({how}); "
                "a crash in a C extension or the system's out-of-memory killer are the usual causes",
            ),
        )


class WorkerPool:
    """`submit(func, items)` runs `func(*args)` for every `(key, args)` in a worker, with the limits."""

    def __init__(
        self, limits: Limits | None = None, preload: tuple[str, ...] = (), fork_server: bool = True, niceness: int = 0
    ) -> None:
        self.limits = (limits or Limits()).resolved()
        self.preload = preload
        self.fork_server = fork_server
        self.niceness = niceness  # added to each worker's nice value (os.nice): > 0 yields the CPU to others
        self._tasks: queue.Queue = queue.Queue()
        self._slots: list[_Slot] = []
        self._grow_lock = threading.Lock()

    def prestart(self, documents: int) -> None:
        """Start workers for `documents` documents (at most one per allowed worker), all at once.

        A stage calls this as soon as it knows how many documents are pending,
        so the workers' start-up (a fresh interpreter importing the
        transforms, ≈1 s) overlaps the reading of the first batch; a load of
        one report starts one worker, a load with nothing pending none.
        """
        wanted = min(self.limits.workers, max(0, documents))
        with self._grow_lock:
            while len(self._slots) < wanted:
                slot = _Slot(self, len(self._slots))
                self._slots.append(slot)
                slot.thread.start()

    def _take_more(self, chunk: deque[_Task]) -> None:
        """Add queued tasks to a slot's chunk, so that a worker has its next documents at hand.

        Handing documents over one at a time left a worker idle for a round
        trip per document (the reply unpickled and the next task sent by a
        supervisor thread that must get the loader's GIL first): up to half
        the time of the short stages. A chunk takes at most a share of what
        is queued (the slots end a stage together), `_CHUNK_DOCUMENTS`
        documents and about `_CHUNK_BYTES` of text and bytes. A close's
        sentinel goes back to the queue for the slot it is meant for.
        """
        slots = max(1, len(self._slots))
        wanted = min(_CHUNK_DOCUMENTS, self._tasks.qsize() // (2 * slots))
        weight = _weight(chunk[0][3])
        while len(chunk) <= wanted and weight < _CHUNK_BYTES:
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                return
            if task is None:
                self._tasks.put(None)
                return
            chunk.append(task)
            weight += _weight(task[3])

    def submit(self, func: Callable, items: Iterable[tuple[str, tuple]]) -> Batch:
        """Queue the batch and return at once; `Batch.wait()` collects it.

        `func` must be a module-level function (the worker imports it by name)
        whose arguments and result pickle.
        """
        items = list(items)
        self.prestart(len(items))
        batch = Batch(len(items))
        for key, args in items:
            self._tasks.put((batch, key, func, args))
        return batch

    def close(self, grace: float = 1.0) -> None:
        """Stop every worker within `grace` seconds in all: idle ones exit, busy or starting ones are killed.

        Bounded, because a load that ends while a worker is still starting (the
        GX process importing, say) must not wait for it at exit.
        """
        with self._grow_lock:
            slots = list(self._slots)
        for _ in slots:
            self._tasks.put(None)
        deadline = time.monotonic() + grace
        for slot in slots:
            slot.thread.join(max(0.0, deadline - time.monotonic()))
        for slot in slots:
            slot.stop(max(0.0, deadline - time.monotonic()))
        with self._grow_lock:
            # A closed pool is empty, not dead: the next submit or prestart starts workers again
            # (from the fork server, in milliseconds). The check stage closes the parser's pool
            # this way so that idle workers hold no memory while GX and DuckDB need it.
            self._slots = [s for s in self._slots if s not in slots]


_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def shared_pool(limits: Limits | None = None) -> WorkerPool:
    """The process's pool, started on first use and kept for later stages and loads.

    Spawning a worker costs a fraction of a second (a fresh interpreter
    importing the transforms); keeping them makes a small load as cheap as
    before and lets every stage of a run share the same workers.  A request
    with different limits replaces the pool.  Its workers import the stages'
    derivations (orchestration.engine.derive) and load the data they read once
    (orchestration.engine.warm) before their first document.
    """
    global _shared
    wanted = (limits or Limits()).resolved()
    with _shared_lock:
        if _shared is not None and _shared.limits != wanted:
            _shared.close()
            _shared = None
        if _shared is None:
            _shared = WorkerPool(wanted, preload=("orchestration.engine.derive", "orchestration.engine.warm"))
        return _shared


@atexit.register
def _close_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.close(grace=0.3)  # at exit: idle workers exit cleanly; a busy one is not waited for
        _shared = None
