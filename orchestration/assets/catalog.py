"""What the Dagster catalog says about each asset's table: its columns (from the DDL) and its row count.

The column schema is read back from an empty in-memory warehouse built by
the DDL (warehouse/sql/*.sql; warehouse.shapes builds it once per process):
`duckdb_columns()` gives every column's type, nullability and its COMMENT ON
text, so the catalog documents the warehouse in the same words as
docs/tables.md and any SQL client, and cannot drift from it. It is
definition metadata (visible before anything runs); every materialization
adds the table's row count (`dagster/row_count`).
"""

from __future__ import annotations

import dagster as dg

from warehouse.shapes import ddl_columns

# The table each asset stands for (the one its stage writes; `published` is read through published.reports).
ASSET_TABLES: dict[str, str] = {
    "raw_documents": "raw.documents",
    "cleaned_text": "staging.cleaned_text",
    "report_metadata": "core.reports",
    "report_sections": "core.sections",
    "fact_active_disclosure": "core.fact_active_disclosure",
    "fact_requests": "core.fact_requests",
    "fact_review_litigation": "core.fact_review_litigation",
    "fact_narrative_figures": "core.fact_narrative_figures",
    "fact_legacy_stats": "core.fact_legacy_stats",
    "check_results": "core.check_results",
    "published": "published.reports",
}


def table_schema(table: str) -> dg.TableSchema:
    """The table's columns as the DDL declares and describes them."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=name,
                type=dtype,
                description=comment,
                constraints=dg.TableColumnConstraints(nullable=nullable),
            )
            for name, dtype, nullable, comment in ddl_columns()[table]
        ]
    )


def definition_metadata(asset: str) -> dict:
    """Definition metadata of an asset: its table's name and column schema."""
    table = ASSET_TABLES[asset]
    return {"dagster/table_name": table, "dagster/column_schema": table_schema(table)}


def row_count(con, asset: str) -> dict[str, int]:
    """Materialization metadata: the asset's table's row count after the step."""
    (n,) = con.execute(f"SELECT count(*) FROM {ASSET_TABLES[asset]}").fetchone()
    return {"dagster/row_count": int(n)}
