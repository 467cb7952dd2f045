"""Stage 5 — the fact tables of the contract, extracted together per report.

One step produces all five tables because they come out of one pass over a
report's text; each is still its own asset so the checks and the UI can
refer to them separately.
"""


import dagster as dg

from orchestration.assets.catalog import definition_metadata, row_count
from orchestration.resources import WarehouseResource
from transforms import PARSER_VERSION
from orchestration.engine import loading
from orchestration.engine.stages import run_stage

FACT_ASSETS = (
    "fact_active_disclosure",
    "fact_requests",
    "fact_review_litigation",
    "fact_narrative_figures",
    "fact_legacy_stats",
)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            name, group_name="facts", deps=["report_sections"], code_version=PARSER_VERSION, kinds={"duckdb"},
            metadata=definition_metadata(name),
        )
        for name in FACT_ASSETS
    ],
)
def fact_tables(warehouse: WarehouseResource):
    """Tables 二/三/四, prose figures (and the table facts they state), pre-2019 statistics."""
    with warehouse.connect() as con:
        stats = run_stage(con, loading.FACTS, warehouse.pool(), warehouse.progress)
        counts = {name: row_count(con, name) for name in FACT_ASSETS}
    meta = stats.as_metadata()
    for name in FACT_ASSETS:
        rows = stats.rows.get(f"core.{name}", 0)
        yield dg.MaterializeResult(asset_key=name, metadata={**meta, "rows_written": rows, **counts[name]})
