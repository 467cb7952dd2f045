"""Stages 2–4 — cleaned_text, report_metadata, report_sections.

Each asset runs its engine stage (orchestration.engine.loading: where the
inputs come from; orchestration.engine.derive: what one document becomes)
over every document still pending for the current parser version, in the
resource's worker pool; the code_version ties Dagster's view of staleness to
that same version. docs/how-a-stage-runs.md follows one stage end to end.
"""


import dagster as dg

from orchestration.assets.catalog import definition_metadata, row_count
from orchestration.resources import WarehouseResource
from transforms import PARSER_VERSION
from orchestration.engine import loading
from orchestration.engine.backfill import forget_derivations
from orchestration.engine.stages import run_stage


class ParseConfig(dg.Config):
    """`reparse_all` re-derives every stored report from its raw bytes (`ogi backfill`)."""

    reparse_all: bool = False


@dg.asset(
    group_name="parse", deps=["raw_documents"], code_version=PARSER_VERSION, kinds={"duckdb"},
    metadata=definition_metadata("cleaned_text"),
)
def cleaned_text(context: dg.AssetExecutionContext, config: ParseConfig, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Decoded, de-chromed text with tables as rows of cells (HTML, text, PDF, DOCX)."""
    with warehouse.connect() as con:
        if config.reparse_all:
            forgotten = forget_derivations(con)
            context.log.info(f"reparse_all: {forgotten} ledger rows forgotten; every stored report is re-derived")
        stats = run_stage(con, loading.clean_stage(con, warehouse.converter, warehouse.ocr_budget), warehouse.pool(), warehouse.progress)
        rows = row_count(con, "cleaned_text")
    return dg.MaterializeResult(metadata={**stats.as_metadata(), **rows})


@dg.asset(
    group_name="parse", deps=["cleaned_text"], code_version=PARSER_VERSION, kinds={"duckdb"},
    metadata=definition_metadata("report_metadata"),
)
def report_metadata(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One core.reports row per report: agency, region, level, year, date, kind, format."""
    with warehouse.connect() as con:
        stats = run_stage(con, loading.METADATA, warehouse.pool(), warehouse.progress)
        rows = row_count(con, "report_metadata")
    return dg.MaterializeResult(metadata={**stats.as_metadata(), **rows})


@dg.asset(
    group_name="parse", deps=["report_metadata"], code_version=PARSER_VERSION, kinds={"duckdb"},
    metadata=definition_metadata("report_sections"),
)
def report_sections(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The report's sections by meaning, with offsets into the cleaned text."""
    with warehouse.connect() as con:
        stats = run_stage(con, loading.SECTIONS, warehouse.pool(), warehouse.progress)
        rows = row_count(con, "report_sections")
    return dg.MaterializeResult(metadata={**stats.as_metadata(), **rows})
