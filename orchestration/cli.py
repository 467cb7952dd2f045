"""`ogi`: the command line of the warehouse (see warehouse-contract.md).

`load` and `check` run the same Dagster asset graph that `dagster dev`
shows, in-process, so a CLI load and a scheduled load are one code path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warehouse.db import DEFAULT_DB


def _job_result(db_path: str, selection: list[str] | None, run_config: dict, show_progress: bool):
    import dagster as dg

    from orchestration.definitions import ALL_ASSETS, ALL_CHECKS, load_reports
    from orchestration.resources import WarehouseResource

    defs = dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=[load_reports],
        resources={"warehouse": WarehouseResource(db_path=db_path, show_progress=show_progress)},
        executor=dg.in_process_executor,
    )
    job = defs.resolve_job_def("load_reports")
    run_config = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}, **run_config}
    return job.execute_in_process(
        run_config=run_config,
        raise_on_error=False,
        asset_selection=[dg.AssetKey(s) for s in selection] if selection else None,
    )


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


def cmd_load(args: argparse.Namespace) -> int:
    from warehouse.summary import print_load_summary

    paths = [str(Path(p)) for p in args.paths]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"ogi load: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    print(f"Loading {', '.join(paths)} into {args.db}", file=sys.stderr)
    result = _job_result(
        args.db, None, {"ops": {"raw_documents": {"config": {"paths": paths}}}}, show_progress=not args.quiet
    )
    ingest = _materialization_metadata(result, "raw_documents")
    print_load_summary(args.db, paths, ingest, sys.stdout, max_listed=args.max_listed)
    timings = step_seconds(result)
    if timings:
        print("time per step: " + " · ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    if not result.success:
        for event in result.all_events:
            if event.is_failure:
                print(f"ogi load: step failed: {event.message}", file=sys.stderr)
        return 1
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    result = _job_result(
        args.db,
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
    return 0 if result.success else 1


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


def cmd_report(args: argparse.Namespace) -> int:
    from warehouse.quality_report import write_report

    path = write_report(args.db, Path(args.out))
    print(f"quality report: {path.resolve()}")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from benchmarks.synth import generate

    files = generate(Path(args.dir), count=args.count, seed=args.seed)
    print(f"wrote {len(files)} sample reports to {Path(args.dir).resolve()} (truth in {Path(args.dir, 'truth')})")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from warehouse.evaluate import evaluate, format_scores

    scores = evaluate(args.db, args.gold_dir)
    print(format_scores(scores))
    wrong = sum(s.wrong_published + s.undecided_published for s in scores)
    return 1 if wrong else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ogi", description="OGI Warehouse: government information-disclosure annual reports in SQL")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("load", help="load report files and folders into the warehouse")
    p.add_argument("paths", nargs="+", help="files or folders (recursively: .txt .html .htm .pdf .docx)")
    p.add_argument("--db", default=DEFAULT_DB, help=f"DuckDB file (default {DEFAULT_DB})")
    p.add_argument("--quiet", action="store_true", help="no progress indicator")
    p.add_argument("--max-listed", type=int, default=40, help="documents listed in the summary")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("query", help="run one read-only SQL statement (published schema first)")
    p.add_argument("sql")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--max-rows", type=int, default=50)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("check", help="re-run the quality suites over what is loaded, without re-parsing")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("report", help="write the data-quality report (offline HTML)")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--out", default="reports", help="output folder (default reports/)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("eval", help="compare the warehouse with gold files: cell and metadata accuracy")
    p.add_argument("gold_dir", help="folder of gold JSON files (format of ../shared/corpus/gold)")
    p.add_argument("--db", default=DEFAULT_DB)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("synth", help="generate realistic sample reports with known truth")
    p.add_argument("dir")
    p.add_argument("--count", type=int, default=12)
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=cmd_synth)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
