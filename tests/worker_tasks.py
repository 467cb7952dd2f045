"""Tasks for the worker-pool tests: module-level so a spawned worker can import them by name."""

from __future__ import annotations

import os
import signal
import time

from transforms.model import TransformError


def echo(value: object) -> object:
    return value


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def segfault() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def refuse(code: str) -> None:
    raise TransformError(code, "refused on purpose", stage="clean")


def bug() -> None:
    return {}["missing"]


def recurse(depth: int = 0) -> int:
    return recurse(depth + 1)


def issue_columns(marker: str) -> dict:
    """parse_issues columns for one document; `bad` makes a value the Boolean column cannot hold."""
    blocking = "not a boolean" if marker == "bad" else False
    return {"staging.parse_issues": {"stage": ["test"], "code": ["t"], "tbl": [None], "blocking": [blocking], "message": [marker]}}


def validator_dies(columns: dict, suites: list) -> None:
    """Stands in for GX's validations in the validator process, and kills that process."""
    os.kill(os.getpid(), signal.SIGKILL)


def collector_state() -> tuple[bool, int, bool]:
    """Whether the collector runs, how many objects it is kept from, and whether it still frees a
    cycle this task makes (a worker's own garbage must not pile up)."""
    import gc
    import weakref

    class Node:
        pass

    node = Node()
    node.self = node
    gone = weakref.ref(node)
    del node
    gc.collect()
    return gc.isenabled(), gc.get_freeze_count(), gone() is None


def slow_start() -> None:
    """A preload that takes as long as GX's import on a slow machine, and longer."""
    time.sleep(60)


def mixed(kind: str, value: object) -> object:
    """One of a batch's documents: most echo their value, a few crash, hang or balloon."""
    if kind == "crash":
        segfault()
    if kind == "hang":
        return sleep(60)
    if kind == "balloon":
        return allocate(2000)
    return value


def niceness() -> int:
    """The worker's nice value."""
    return os.nice(0)


def module_state(name: str) -> str:
    """How the worker's process holds module `name`: hidden (None), imported, or not imported."""
    import sys

    if name not in sys.modules:
        return "not imported"
    return "hidden" if sys.modules[name] is None else "imported"


def marked_rows(marker: str, stage: str) -> dict:
    """One stage's rows for the chain tests: a parse issue naming the stage. `<kind>:<stage>` makes
    that stage hang (`hang`), refuse the document (`refuse`), meet a bug (`bug`) or give a value
    the Boolean column cannot hold (`unstorable`)."""
    kind, _, where = marker.partition(":")
    if where == stage:
        if kind == "hang":
            time.sleep(60)
        if kind == "refuse":
            raise TransformError("refused", f"{stage} refused on purpose", stage=stage)
        if kind == "bug":
            return {}["missing"]
    blocking = "not a boolean" if kind == "unstorable" and where == stage else False
    return {"staging.parse_issues": {"stage": [stage], "code": [marker], "tbl": [None], "blocking": [blocking], "message": [marker]}}


def chain_of_two(args: tuple, parser_version: str) -> dict:
    """What orchestration.engine.derive.chained does, for two stages that make `marked_rows`."""
    (marker, _) = args
    done: dict = {}
    for stage in ("first", "second"):
        try:
            done[stage] = marked_rows(marker, stage)
        except TransformError as err:
            done[stage] = (err.code, err.message, err.stage)
            break
    return done
