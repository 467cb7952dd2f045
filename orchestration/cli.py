"""`ogi`: the command line of the warehouse (see docs/contract.md).

`load`, `check` and `backfill` run the same Dagster jobs that `dagster dev`
shows, in-process, so a CLI load and a scheduled load are one code path;
each `ogi load` is one ingest batch (a partition of ingest_batches).
`query` and `export` read the published snapshot, never the working file.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
import threading
from pathlib import Path

from orchestration.settings import SettingError, Settings


def cli_batch_key(paths: list[str]) -> str:
    """The ingest batch (partition of ingest_batches) of one `ogi load`: `load-<UTC time>-<8 hex>`."""
    import hashlib
    from datetime import datetime, timezone

    digest = hashlib.sha256("\n".join(paths).encode()).hexdigest()[:8]
    return f"load-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{digest}"


def _job_result(
    settings: Settings,
    selection: list[str] | None,
    run_config: dict,
    show_progress: bool,
    batch: str | None = None,
    job_name: str = "load_reports",
):
    """Run a job of the code location in-process (ephemeral instance) with the command's settings.

    `batch` names the ingest batch, i.e. the partition of ingest_batches the
    run records (run tag ogi/batch); it is added to the instance first.
    """
    import dagster as dg

    from orchestration.definitions import build_defs
    from orchestration.resources import InboxResource, WarehouseResource

    defs = build_defs(
        WarehouseResource.from_settings(settings, show_progress=show_progress),
        InboxResource(path=settings.inbox, settle_seconds=settings.inbox_settle_seconds, batch_max_files=settings.batch_max_files),
        settings,
    )
    job = defs.resolve_job_def(job_name)
    run_config = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}, **run_config}
    instance = dg.DagsterInstance.ephemeral()
    if batch:
        instance.add_dynamic_partitions("ingest_batches", [batch])
    from orchestration.jobs import BATCH_TAG

    if _ENDS_WITHOUT_TEARDOWN:
        _keep_from_collector()
    return job.execute_in_process(
        run_config=run_config,
        raise_on_error=False,
        instance=instance,
        tags={BATCH_TAG: batch} if batch else None,
        asset_selection=[dg.AssetKey(s) for s in selection] if selection else None,
    )


# Set by `run` (the `ogi` console script), whose process ends without the interpreter's teardown.
_ENDS_WITHOUT_TEARDOWN = False
_YOUNG_THRESHOLD = 10_000  # objects allocated between two young collections (Python's default: 700)


def _keep_from_collector() -> None:
    """Move what the command has built so far out of the collector's sight, before the job runs.

    Why: the loader holds Dagster's modules, definitions and instance
    (≈220,000 objects), and every full collection during a run walked them
    all: five of them, 0.6 s of a 1,000-report load, and 0.3 s more in
    young collections (issue 17; 0.4 s in all with both changes). Frozen
    objects are never collected, which is what they would be anyway: they
    live until the process ends. The young generation's threshold is
    raised too, so the run's short-lived objects (events, frames) are
    examined fewer times before they die.
    Only for the `ogi` script: a frozen object still alive at the
    interpreter's teardown is reported as leaked by DuckDB's bindings, and
    that process ends without a teardown (`run`; it unfreezes before an
    exception takes the ordinary way out). Tests and other callers of
    `main` keep Python's defaults.
    """
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(_YOUNG_THRESHOLD, middle, old)


def _materialization_metadata(result, asset: str) -> dict:
    import dagster as dg

    for event in result.get_asset_materialization_events():
        mat = event.materialization
        if mat.asset_key == dg.AssetKey(asset):
            return {k: v.value for k, v in mat.metadata.items()}
    return {}


def step_seconds(result) -> dict[str, float]:
    """Wall time of each executed step, from Dagster's own step-success events."""
    durations: dict[str, float] = {}
    for event in result.all_events:
        if event.event_type_value == "STEP_SUCCESS" and event.step_key:
            durations[event.step_key] = event.event_specific_data.duration_ms / 1000
    return durations


def _root_error(error) -> str:
    """The innermost cause of a Dagster error (the step's own exception, not Dagster's wrapper)."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip().splitlines()[0] if error.message.strip() else error.cls_name or "unknown error"


def run_failure(result) -> str | None:
    """Why the run failed — each failed step and its exception — or None if it succeeded.

    A run failure is the run's, never a document's: a document that a stage
    could not handle is recorded in core.load_errors and the step goes on.
    """
    if result.success:
        return None
    reasons = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE" and event.step_failure_data is not None:
            reasons.append(f"step {event.step_key} failed: {_root_error(event.step_failure_data.error)}")
        elif event.event_type_value == "RUN_FAILURE" and not reasons:
            reasons.append(event.message or "the run failed")
    return "; ".join(reasons) or "the run failed"


def _finish(result, db_path: str, command: str) -> int:
    """Common ending of the commands that run the job: where readers look, and the exit code."""
    _print_snapshot(db_path, _materialization_metadata(result, "published"))
    failure = run_failure(result)
    if failure is None:
        return 0
    print(f"ogi {command}: the run failed: {failure}", file=sys.stderr)
    return 1


_SNAPSHOT_MODES = {
    "full": "written in full",
    "incremental": "updated: {n} changed document(s) re-copied",
    "unchanged": "unchanged: nothing new to publish",
}


def _print_snapshot(db_path: str, published: dict) -> None:
    from warehouse.snapshot import published_path

    snapshot = published_path(db_path)
    if snapshot.exists():
        mode = _SNAPSHOT_MODES.get(published.get("snapshot_mode", ""), "")
        how = f" ({mode.format(n=published.get('snapshot_changed_documents', 0))})" if mode else ""
        print(f"published snapshot (for SQL clients): {snapshot.resolve()}{how}")


def _plan(settings: Settings, paths: list[str]):
    """What the load will do (orchestration/engine/pending.py), or None when it cannot be told now
    (the warehouse is held by another writer: the run will wait for it)."""
    import duckdb

    from orchestration.engine.convert import Converter
    from orchestration.engine.pending import LoadPlan, plan_load
    from warehouse import db
    from warehouse.ingest import discover

    if not Path(settings.db).exists():  # a new warehouse: every file that can be read is read
        found = list(discover(paths))
        failing = sum(1 for f in found if f.error is not None)
        return LoadPlan(len(found), len(found) - failing, failing, documents_pending=0, snapshot_current=False)
    try:
        with db.connect(settings.db) as con:
            return plan_load(con, settings.db, paths, Converter(settings.soffice))
    except duckdb.IOException:
        return None


def _start_workers_early(settings: Settings, documents: int) -> None:
    """Start the GX process and the parser workers now, before Dagster is imported and the run set up.

    Their start-up (GX importing itself, the fork server importing the
    transforms: seconds of CPU) then overlaps this process's own; for a load
    of one report that is most of its time. The run's resources find the
    same validator and pool.
    """
    from orchestration.engine.validator import shared_validator
    from orchestration.engine.workers import Limits, shared_pool

    shared_validator().start_early(documents)  # first: GX's import is the longest start-up
    shared_pool(Limits(settings.workers, settings.doc_seconds, settings.doc_memory_mb)).prestart(documents)


def _files_up_to(paths: list[str], limit: int) -> int:
    """How many files the given files and folders hold, counted up to just past `limit` (a walk
    that stops there, and counts every file, so a large folder is never taken for a small load).

    Directory entries are read as they stream (os.scandir), so a folder of 100,000 files is
    not listed whole to learn that it holds more than `limit` (os.walk took 0.1 s to)."""
    seen = 0
    folders = []
    for given in paths:
        if os.path.isdir(given):
            folders.append(given)
        else:
            seen += 1
    while folders and seen <= limit:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    else:
                        seen += 1
                        if seen > limit:
                            break
        except OSError:
            continue  # an unreadable folder: the load itself reports what it cannot read
    return seen


def _nothing_to_do(args: argparse.Namespace, paths: list[str], plan) -> int:
    """The summary of a reload that found every file stored, nothing pending and the snapshot current."""
    from warehouse.summary import print_load_summary

    ingest = {"files_seen": plan.files_seen, "documents_new": 0, "documents_already_loaded": plan.files_seen, "files_failed": 0}
    print_load_summary(args.db, paths, ingest, sys.stdout, max_listed=args.max_listed)
    print("time per step: none run (every file is stored unchanged, nothing is pending, the snapshot is current)")
    _print_snapshot(args.db, {"snapshot_mode": "unchanged"})
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from orchestration.engine.validator import EARLY_GX_DOCUMENTS, shared_validator

    paths = [str(Path(p)) for p in args.paths]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"ogi load: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    batch = cli_batch_key(paths)
    print(f"Loading {', '.join(paths)} into {args.db} (batch {batch})", file=sys.stderr)
    if not args.reparse:
        # Before the plan (≈0.3 s of reading the warehouse): a small load waits for GX's start-up,
        # not for its own work; a reload that turns out to have nothing to do stops it unused.
        shared_validator().start_early(_files_up_to(paths, EARLY_GX_DOCUMENTS))
    plan = None if args.reparse else _plan(args.settings, paths)
    if plan is not None and plan.nothing_to_do:
        shared_validator().close(grace=0.0)
        return _nothing_to_do(args, paths, plan)
    if plan is not None and (plan.files_to_read or plan.documents_pending):
        _start_workers_early(args.settings, plan.files_to_read + plan.documents_pending)
    ops: dict = {"raw_documents": {"config": {"paths": paths}}}
    if args.reparse:
        ops["parse_reports"] = {"config": {"reparse_all": True}}
        ops["check_results"] = {"config": {"recheck_all": True}}
    result = _job_result(args.settings, None, {"ops": ops}, show_progress=not args.quiet, batch=batch)
    # imported here, not with the command: its DuckDB and Polars (≈0.2 s) would delay GX's start above
    from warehouse.summary import print_load_summary

    ingest = _materialization_metadata(result, "raw_documents")
    print_load_summary(args.db, paths, ingest, sys.stdout, max_listed=args.max_listed, run_failed=run_failure(result))
    timings = step_seconds(result)
    if timings:
        print("time per step: " + " · ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    return _finish(result, args.db, "load")


def command_settings(args: argparse.Namespace, environ=None) -> Settings:
    """The command's configuration: the environment as it is now, overridden by the options given."""
    return Settings.from_env(environ).replace(
        db=getattr(args, "db", None),
        workers=getattr(args, "workers", None),
        doc_seconds=getattr(args, "doc_timeout", None),
        doc_memory_mb=getattr(args, "doc_memory_mb", None),
    )


def _add_limit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, help="parser worker processes (default: $OGI_WORKERS, else one per core)")
    p.add_argument(
        "--doc-timeout", type=float, help="seconds one document may take in a stage (default: $OGI_DOC_SECONDS, else 120)"
    )
    p.add_argument(
        "--doc-memory-mb", type=int, help="memory one document may take, MB (default: $OGI_DOC_MEMORY_MB, else 2048)"
    )


def cmd_backfill(args: argparse.Namespace) -> int:
    """Re-derive every stored report from its raw bytes, re-check, republish (no files are read)."""
    print(f"Re-deriving every report stored in {args.db} from its raw bytes", file=sys.stderr)
    result = _job_result(
        args.settings,
        None,
        {
            "ops": {
                "parse_reports": {"config": {"reparse_all": True}},
                "check_results": {"config": {"recheck_all": True}},
            }
        },
        show_progress=not args.quiet,
        job_name="daily_maintenance",
    )
    clean = _materialization_metadata(result, "cleaned_text")
    pub = _materialization_metadata(result, "published")
    print(
        f"re-derived {clean.get('documents_pending', 0)} document(s): {pub.get('reports_published', 0)} published, "
        f"{pub.get('reports_quarantined', 0)} quarantined, {pub.get('documents_not_parsed', 0)} not parsed"
    )
    return _finish(result, args.db, "backfill")


def cmd_export(args: argparse.Namespace) -> int:
    from warehouse.export import ExportError, export_published, snapshot_to_export

    try:
        if args.format == "xlsx":
            from orchestration.reports.workbook import WORKBOOK_NAME, write_workbook

            out = Path(args.dir)
            out.mkdir(parents=True, exist_ok=True)
            path, rows = write_workbook(snapshot_to_export(args.db), out / WORKBOOK_NAME)
            print(f"{path}  (sheets: " + ", ".join(f"{sheet} {n} rows" for sheet, n in rows.items()) + ", 说明)")
            return 0
        written = export_published(args.db, args.dir, args.format)
    except ExportError as exc:
        print(f"ogi export: {exc}", file=sys.stderr)
        return 2
    for t in written:
        print(f"{t.path}  {t.rows} rows")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    result = _job_result(
        args.settings,
        ["check_results", "published"],
        {"ops": {"check_results": {"config": {"recheck_all": True}}}},
        show_progress=not args.quiet,
    )
    meta = _materialization_metadata(result, "check_results")
    pub = _materialization_metadata(result, "published")
    print(
        f"checked {meta.get('documents_pending', 0)} report(s): {meta.get('rows.failures', 0)} failing result(s); "
        f"{pub.get('reports_published', 0)} published, {pub.get('reports_quarantined', 0)} quarantined"
    )
    return _finish(result, args.db, "check")


def cmd_query(args: argparse.Namespace) -> int:
    from warehouse.query import QueryRefused, run_query

    try:
        frame = run_query(args.db, args.sql)
    except QueryRefused as exc:
        print(f"ogi query: refused: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # DuckDB errors: show them as the user's SQL problem
        print(f"ogi query: {exc}", file=sys.stderr)
        return 1
    if args.format == "csv":
        sys.stdout.write(frame.write_csv())
    elif args.format == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        import polars as pl

        with pl.Config(tbl_rows=args.max_rows, tbl_cols=-1, fmt_str_lengths=80, tbl_width_chars=200):
            print(frame)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    import duckdb

    from orchestration.reports.show import NotFound, show

    try:
        with duckdb.connect(str(args.db), read_only=True) as con:
            print(show(con, args.doc))
    except NotFound as err:
        print(f"ogi show: {err}", file=sys.stderr)
        return 1
    except duckdb.IOException as err:
        print(f"ogi show: cannot open {args.db}: {err}", file=sys.stderr)
        return 2
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from orchestration.reports.quality_report import write_report

    path = write_report(args.db, Path(args.out))
    print(f"quality report: {path.resolve()}")
    return 0


def _synth_layouts(value: str) -> tuple[str, ...]:
    """`--layouts html,crawler`, checked when the command line is parsed (imported lazily: synth is heavy)."""
    from orchestration.synth.generator import parse_layouts

    return parse_layouts(value)


def _synth_variants(value: str) -> tuple[str, ...]:
    """`--variants rowspan,blank` or `mix`, checked when the command line is parsed."""
    from orchestration.synth.generator import parse_variants

    return parse_variants(value)


def cmd_synth(args: argparse.Namespace) -> int:
    from orchestration.synth.generator import generate

    files = generate(Path(args.dir), count=args.count, seed=args.seed, layouts=args.layouts, variants=args.variants)
    print(f"wrote {len(files)} sample reports to {Path(args.dir).resolve()} (truth in {Path(args.dir, 'truth')})")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from warehouse.evaluate import evaluate, format_scores

    scores = evaluate(args.db, args.gold_dir)
    print(format_scores(scores))
    wrong = sum(s.wrong_published + s.undecided_published for s in scores)
    if args.exact:
        inexact = sum(s.cells - s.exact + s.meta_fields - s.meta_exact + s.undecided_published for s in scores)
        if inexact or not scores:
            print(f"ogi eval --exact: {inexact} gold cell(s) or metadata field(s) not exact", file=sys.stderr)
            return 1
    return 1 if wrong else 0


_DB_HELP = "the working warehouse file (default: $OGI_DB, else warehouse/ogi.duckdb)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ogi", description="OGI Warehouse: government information-disclosure annual reports in SQL")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("load", help="load report files and folders into the warehouse")
    p.add_argument("paths", nargs="+", help="files or folders (recursively: .txt .md .markdown .html .htm .shtml .pdf .docx)")
    p.add_argument("--db", help=_DB_HELP)
    p.add_argument("--quiet", action="store_true", help="no progress indicator")
    p.add_argument("--max-listed", type=int, default=40, help="documents listed in the summary")
    p.add_argument("--reparse", action="store_true", help="also re-derive every report already stored (backfill)")
    _add_limit_options(p)
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("backfill", help="re-derive every stored report from its raw bytes, re-check and republish")
    p.add_argument("--db", help=_DB_HELP)
    p.add_argument("--quiet", action="store_true")
    _add_limit_options(p)
    p.set_defaults(func=cmd_backfill)

    p = sub.add_parser(
        "export",
        help="write the published tables of the snapshot as files, one per table (parquet, csv), "
        "or one Excel workbook in the official form's layout (xlsx: DIR/ogi.xlsx)",
    )
    p.add_argument("dir", help="output folder (created if needed)")
    p.add_argument("--format", choices=("parquet", "csv", "xlsx"), default="parquet")
    p.add_argument("--db", help=_DB_HELP)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("query", help="one read-only SQL statement on the published snapshot (published schema first)")
    p.add_argument("sql")
    p.add_argument("--db", help=_DB_HELP)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--max-rows", type=int, default=50)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("check", help="re-run the quality suites over what is loaded, without re-parsing")
    p.add_argument("--db", help=_DB_HELP)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "show", help="one report's tables in the form's layout, with verified marks, cell locations and failing rules"
    )
    p.add_argument("doc", help="doc_id, a prefix of one (6+ characters), or the report's source path")
    p.add_argument("--db", help=_DB_HELP)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("report", help="write the data-quality report (offline HTML)")
    p.add_argument("--db", help=_DB_HELP)
    p.add_argument("--out", default="reports", help="output folder (default reports/)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("eval", help="compare the warehouse with gold files: cell and metadata accuracy")
    p.add_argument("gold_dir", help="folder of gold JSON files (format of ../shared/corpus/gold)")
    p.add_argument("--db", help=_DB_HELP)
    p.add_argument("--exact", action="store_true", help="exit 1 unless every gold cell and metadata field is exact")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("synth", help="generate realistic sample reports with known truth")
    p.add_argument("dir")
    p.add_argument("--count", type=int, default=12)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--layouts", type=_synth_layouts, default=None,
                   help="comma-separated page layouts to generate (pipe,tab,cells,summary,html,crawler; default: all)")
    p.add_argument("--variants", type=_synth_variants, default=None,
                   help="table-layout variants of the web pages: rowspan,blank,subtables,split_header or mix "
                        "(each site draws its own); default: none")
    p.set_defaults(func=cmd_synth)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.settings = command_settings(args)
    except SettingError as err:
        print(f"ogi {args.command}: {err}", file=sys.stderr)
        return 2
    args.db = args.settings.db
    return args.func(args)


def run() -> None:
    """The `ogi` console script: `main`, then exit without tearing the interpreter down.

    Why: after a load the loader holds Dagster's, DuckDB's and Polars'
    objects (hundreds of thousands of them), and the interpreter's own
    teardown, which frees them one by one, took ≈0.8 s of every `ogi` run,
    a fifth of loading one report (issue 17). Everything that must happen at
    exit still does, in the order the interpreter would do it: other
    non-daemon threads are joined, the atexit functions run (the worker and
    GX processes are stopped, the converter's profile removed, logging
    flushed; the warehouse's connections are closed by the commands
    themselves), stdout and stderr are flushed; then the process ends with
    the command's code. Without a teardown, the objects a command built
    before its job runs can also be kept from the collector
    (`_keep_from_collector`). An exception out of `main` takes the ordinary
    way out, traceback and all.
    """
    global _ENDS_WITHOUT_TEARDOWN
    _ENDS_WITHOUT_TEARDOWN = True
    try:
        code = main()
    except BaseException:
        gc.unfreeze()  # the ordinary way out, whose teardown must find nothing frozen
        raise
    current = threading.current_thread()
    for thread in threading.enumerate():
        if thread is not current and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone (`ogi query … | head`) or a stream already closed
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
