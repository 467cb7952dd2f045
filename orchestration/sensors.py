"""The inbox sensor: new or changed report files → one ingest batch → one `load_reports` run.

Reports are dropped into the inbox folder (the `inbox` resource: $OGI_INBOX,
default inbox/) all year. Each tick the sensor lists the folder (same rules as `ogi load`:
supported extensions, no dot files, symlinks never followed out of the
folder), groups every new or changed file into a batch — a dynamic
partition of `ingest_batches`, never one per document — and requests one run
per batch (batches are split at $OGI_BATCH_MAX_FILES files). Each run carries
`dagster/max_retries`: a run that fails is re-executed from the failed step
by Dagster's own run retries (`run_retries` in dagster.yaml, done by the
daemon), not by this sensor.

It never opens the DuckDB working file: a load may be writing it, and
DuckDB 2.0 refuses even read-only opens meanwhile. What it knows lives in
its own cursor, a JSON document:

    {"version": 1, "inbox": "/abs/inbox",
     "files":   {"sub/a.html": [size, mtime_ns, sha256 | null], ...},
     "batches": {"20261122-031500-1a2b3c4d": {"paths": [...], "rels": [...], "requested_at": 1.7e9}}}

- a file whose (size, mtime_ns) is unchanged is not read again;
- a changed file is hashed; if its sha256 is one the cursor already knows
  (a touch, a copy, a rename of loaded content) it is skipped, otherwise it
  goes into the next batch;
- a file modified less than $OGI_INBOX_SETTLE_SECONDS ago (default 5) waits
  for a later tick, so a report still being copied is not loaded half-way;
- a batch stays in `batches` until its latest run (the first, or Dagster's
  retry of it, which keeps the `ogi/batch` tag) succeeds; while a failed run
  is marked `dagster/will_retry=true` the sensor waits for the retry. A
  batch whose last run failed for good (retries used up, cancelled, or run
  retries not enabled in the instance) is dropped and its files are marked
  `null` (not loaded): they come back when they change, or with `ogi load`.
  The bytes stay in the inbox either way.

The cursor holds one entry per inbox file (~100 bytes each), so a year of
reports (thousands of files) stays far below a megabyte.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from orchestration.assets.ingest import ingest_batches
from orchestration.jobs import BATCH_TAG, load_reports
from orchestration.resources import InboxResource
from warehouse.ingest import discover

CURSOR_VERSION = 1
FORGET_UNSEEN_BATCH_SECONDS = 7 * 24 * 3600  # a batch whose run vanished from the instance
WILL_RETRY_TAG = "dagster/will_retry"  # set by Dagster on a failed run when run retries are enabled
RETRY_NUMBER_TAG = "dagster/retry_number"  # set by Dagster on the retries it launches


@dataclass
class Batch:
    key: str
    paths: list[str]  # as passed to the run (inbox path joined with the relative path)
    rels: list[str]  # relative to the inbox: the cursor's keys


@dataclass
class InboxPlan:
    """What one look at the inbox found: new batches, and the cursor to store."""

    batches: list[Batch] = field(default_factory=list)
    cursor: dict = field(default_factory=dict)
    unchanged: int = 0
    known_content: int = 0
    unsettled: int = 0
    removed: int = 0


def empty_cursor(inbox: Path) -> dict:
    return {"version": CURSOR_VERSION, "inbox": str(inbox.resolve()), "files": {}, "batches": {}}


def load_cursor(raw: str | None, inbox: Path) -> dict:
    """The stored cursor, or a fresh one if there is none, it is unreadable, or the inbox moved."""
    fresh = empty_cursor(inbox)
    if not raw:
        return fresh
    try:
        state = json.loads(raw)
    except ValueError:
        return fresh
    if not isinstance(state, dict) or state.get("version") != CURSOR_VERSION:
        return fresh
    if state.get("inbox") != fresh["inbox"]:
        # Another folder: its files are all new to us; pending batches are still followed up.
        fresh["batches"] = dict(state.get("batches") or {})
        return fresh
    state.setdefault("files", {})
    state.setdefault("batches", {})
    return state


def _sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def batch_key(shas_or_paths: list[str], now: float) -> str:
    """`YYYYMMDD-HHMMSS-<8 hex>`: sortable by time, unique per content set."""
    digest = hashlib.sha256("\n".join(sorted(shas_or_paths)).encode()).hexdigest()[:8]
    stamp = datetime.fromtimestamp(now, tz=timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{digest}"


def plan_inbox(inbox: Path, state: dict, *, now: float | None = None, settle: float = 5.0, max_files: int = 1000) -> InboxPlan:
    """Compare the inbox with the cursor; return the new batches and the updated cursor.

    Pure file-system work (stat, and sha256 of changed files only); no
    database is opened. `settle` and `max_files` come from the inbox resource.
    """
    now = time.time() if now is None else now
    max_files = max(1, max_files)
    files: dict[str, list] = dict(state.get("files") or {})
    known = {entry[2] for entry in files.values() if entry[2]}
    plan = InboxPlan()
    seen: set[str] = set()
    new: list[tuple[str, str, str]] = []  # (path for the run, path in the inbox, sha256 or a stand-in)
    for found in discover([inbox]):
        path = found.path
        rel = path.relative_to(inbox).as_posix()
        seen.add(rel)
        try:
            st = path.stat()
            signature = [st.st_size, st.st_mtime_ns]
        except OSError:
            st = None
            signature = [-1, -1]
        previous = files.get(rel)
        if previous is not None and previous[:2] == signature:
            plan.unchanged += 1
            continue
        if st is not None and now - st.st_mtime_ns / 1e9 < settle:
            plan.unsettled += 1  # still being written, perhaps: next tick
            continue
        sha = None if found.error else _sha256(path)
        files[rel] = [*signature, sha]
        if sha is not None and sha in known:
            plan.known_content += 1
            continue
        if sha is not None:
            known.add(sha)
        new.append((str(path), rel, sha or f"path:{rel}:{signature}"))
    for rel in [r for r in files if r not in seen]:
        del files[rel]
        plan.removed += 1
    new.sort()
    for start in range(0, len(new), max_files):
        chunk = new[start : start + max_files]
        plan.batches.append(
            Batch(key=batch_key([ident for *_, ident in chunk], now), paths=[p for p, _, _ in chunk], rels=[r for _, r, _ in chunk])
        )
    batches = dict(state.get("batches") or {})
    for b in plan.batches:
        batches[b.key] = {"paths": b.paths, "rels": b.rels, "requested_at": now}
    plan.cursor = {"version": CURSOR_VERSION, "inbox": state.get("inbox") or str(inbox.resolve()), "files": files, "batches": batches}
    return plan


def batch_run_request(key: str, paths: list[str]) -> dg.RunRequest:
    """One run of `load_reports` for one batch: the batch (a partition of ingest_batches) is the
    run's `ogi/batch` tag, its files are the run config. The job's `dagster/max_retries` tag
    (orchestration.jobs) has Dagster retry a failed run up to MAX_RETRIES times."""
    return dg.RunRequest(
        run_key=key,
        run_config={"ops": {"raw_documents": {"config": {"paths": list(paths)}}}},
        tags={BATCH_TAG: key},
    )


_ENDED = {dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


def _latest_run(instance: dg.DagsterInstance, key: str) -> dg.DagsterRun | None:
    """The batch's newest run: the first one, or the latest retry Dagster launched (same tags)."""
    runs = instance.get_runs(filters=dg.RunsFilter(tags={BATCH_TAG: key}), limit=1)
    return runs[0] if runs else None


def follow_up_batches(instance: dg.DagsterInstance, state: dict, now: float, log=None) -> None:
    """Drop batches whose latest run succeeded; give up on those whose latest run failed for good.

    Nothing is requested here: retrying a failed run is Dagster's job (run
    retries). A failed run that Dagster will retry (`dagster/will_retry=true`)
    is waited for; one it will not retry ends the batch, and its files are
    marked not loaded so that a change to them (even a touch) brings them back.
    """
    batches: dict = state["batches"]
    for key in list(batches):
        info = batches[key]
        run = _latest_run(instance, key)
        if run is None:
            if now - info.get("requested_at", now) > FORGET_UNSEEN_BATCH_SECONDS:
                del batches[key]
            continue
        if run.status == dg.DagsterRunStatus.SUCCESS:
            del batches[key]
        elif run.status in _ENDED and run.tags.get(WILL_RETRY_TAG) != "true":
            del batches[key]
            for rel in info.get("rels", []):
                entry = state["files"].get(rel)
                if entry:
                    entry[2] = None  # not loaded: comes back when the file changes
            if log:
                runs = int(run.tags.get(RETRY_NUMBER_TAG, "0")) + 1
                log.error(
                    f"batch {key}: its run {run.run_id} ended {run.status.value} after {runs} attempt(s); its "
                    f"{len(info['paths'])} file(s) are left in the inbox and loaded again when they change "
                    "(or load them with `ogi load`)"
                )


@dg.sensor(
    job=load_reports,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Watches the inbox folder ($OGI_INBOX, default inbox/); one load_reports run per batch of new or changed files.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, inbox: InboxResource) -> dg.SensorResult:
    folder = Path(inbox.path)
    now = time.time()
    state = load_cursor(context.cursor, folder)
    follow_up_batches(context.instance, state, now, log=context.log)
    if not folder.is_dir():
        return dg.SensorResult(cursor=json.dumps(state, separators=(",", ":")), skip_reason=f"inbox {folder} does not exist")
    plan = plan_inbox(folder, state, now=now, settle=inbox.settle_seconds, max_files=inbox.batch_max_files)
    requests = [batch_run_request(b.key, b.paths) for b in plan.batches]
    context.log.info(
        f"inbox {folder}: {sum(len(b.paths) for b in plan.batches)} new file(s) in {len(plan.batches)} batch(es); "
        f"{plan.unchanged} unchanged, {plan.known_content} already known content, {plan.unsettled} still settling, "
        f"{len(state['batches'])} earlier batch(es) still followed"
    )
    return dg.SensorResult(
        run_requests=requests,
        cursor=json.dumps(plan.cursor, separators=(",", ":")),
        dynamic_partitions_requests=[ingest_batches.build_add_request([b.key for b in plan.batches])] if plan.batches else [],
        skip_reason=None if requests else "nothing new in the inbox",
    )
