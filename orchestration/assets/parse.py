"""Stages 2–5 — cleaned_text, report_metadata, report_sections and the fact tables, as one step.

Each table is its own asset (the checks and the UI refer to them
separately), and one multi-asset computes them together, the way
dbt's assets are one step for many models: a small load takes each new
document from its raw bytes through every stage in one worker pass and
commits every stage's rows in one transaction (orchestration/engine/chain.py),
instead of four steps each reading back what the last one wrote; a large
one runs the stages one after the other. The
multi-asset can be subset: materializing some of these assets alone (the UI,
`dagster asset materialize --select`) runs just those stages, one after the
other (orchestration/engine/stages.run_stage). Either way each stage works
through whatever its ledger says is pending for the current parser version,
and the code_version ties Dagster's view of staleness to that same version.
docs/how-a-stage-runs.md follows one stage end to end.
"""


import dagster as dg

from orchestration.assets.catalog import definition_metadata, row_count
from orchestration.resources import WarehouseResource
from transforms import PARSER_VERSION
from orchestration.engine import loading
from orchestration.engine.backfill import forget_derivations
from orchestration.engine.chain import run_chain
from orchestration.engine.stages import Stage, StageStats, run_stage

FACT_ASSETS = (
    "fact_active_disclosure",
    "fact_requests",
    "fact_review_litigation",
    "fact_narrative_figures",
    "fact_legacy_stats",
)
# Each asset: the stage that makes it (its ledger name, engine/sources.py), its upstream asset and
# its description. The fact tables come out of one stage together (one pass over a report's text).
_STAGE_ASSETS = {
    "cleaned_text": ("cleaned_text", "raw_documents", "Decoded, de-chromed text with tables as rows of cells (HTML, text, PDF, DOCX)."),
    "report_metadata": ("report_metadata", "cleaned_text", "One core.reports row per report: agency, region, level, year, date, kind, format."),
    "report_sections": ("report_sections", "report_metadata", "The report's sections by meaning, with offsets into the cleaned text."),
    **{
        name: ("facts", "report_sections", "Tables 二/三/四, prose figures (and the table facts they state), pre-2019 statistics.")
        for name in FACT_ASSETS
    },
}


class ParseConfig(dg.Config):
    """`reparse_all` re-derives every stored report from its raw bytes (`ogi backfill`)."""

    reparse_all: bool = False


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            name, deps=[upstream], description=description, group_name="facts" if stage == "facts" else "parse",
            code_version=PARSER_VERSION, kinds={"duckdb"}, metadata=definition_metadata(name),
        )
        for name, (stage, upstream, description) in _STAGE_ASSETS.items()
    ],
    can_subset=True,
)
def parse_reports(context: dg.AssetExecutionContext, config: ParseConfig, warehouse: WarehouseResource):
    """Raw bytes → cleaned text → metadata → sections → facts, for every document still pending."""
    selected = [name for name in _STAGE_ASSETS if dg.AssetKey(name) in context.selected_asset_keys]
    wanted = {_STAGE_ASSETS[name][0] for name in selected}
    stats: dict[str, StageStats] | None = None
    with warehouse.connect() as con:
        if config.reparse_all:
            forgotten = forget_derivations(con)
            context.log.info(f"reparse_all: {forgotten} ledger rows forgotten; every stored report is re-derived")
        stages = _stages(con, warehouse, wanted)
        if len(stages) == 4:  # a small load in one pass (None: too many documents for one)
            stats = run_chain(con, stages, warehouse.pool(), warehouse.progress)
        if stats is not None:
            counts = {asset: row_count(con, asset) for asset in selected}
    if stats is None:
        # Stage by stage, each with a connection of its own, as when they were steps of their own:
        # a stage that wrote much is checkpointed when its connection closes (WarehouseResource.connect),
        # before the next one reads its rows.
        # (The stages built above serve: they hold no connection, and the clean stage's retries of
        # documents that waited for LibreOffice or OCR are committed already.)
        stats = {}
        for stage in stages:
            with warehouse.connect() as con:
                stats[stage.name] = run_stage(con, stage, warehouse.pool(), warehouse.progress)
                if stage is stages[-1]:
                    counts = {asset: row_count(con, asset) for asset in selected}
    for name in selected:
        yield dg.MaterializeResult(asset_key=name, metadata=_metadata(name, stats[_STAGE_ASSETS[name][0]], counts[name]))


def _stages(con, warehouse: WarehouseResource, wanted: set[str]) -> tuple[Stage, ...]:
    """The parse stages named in `wanted`, in order (the clean stage with this load's converter and OCR budget)."""
    return tuple(
        stage
        for stage in (
            loading.clean_stage(con, warehouse.converter, warehouse.ocr_budget) if loading.CLEAN.name in wanted else None,
            loading.METADATA,
            loading.SECTIONS,
            loading.FACTS,
        )
        if stage is not None and stage.name in wanted
    )


def _metadata(asset: str, stats: StageStats, rows: dict) -> dict:
    meta = {**stats.as_metadata(), **rows}
    if asset in FACT_ASSETS:  # five assets of one stage: each says how many rows of its own table
        meta["rows_written"] = stats.rows.get(f"core.{asset}", 0)
    return meta
