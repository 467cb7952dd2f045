"""The parser stages in one pass (orchestration/engine/chain.py) store exactly what they store one at a time."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from conftest import CORPUS, SEEDS
from orchestration.engine import loading
from orchestration.engine.chain import run_chain
from orchestration.engine.convert import Converter
from orchestration.engine.stages import run_stage
from orchestration.engine.workers import shared_pool
from warehouse import db
from warehouse.ingest import ingest_files

# every table a parse stage writes, with the columns a run stamps (times) left out
PARSE_TABLES = {
    "staging.cleaned_text": "*",
    "core.reports": "*",
    "core.sections": "*",
    "core.text_signatures": "*",
    "core.fact_active_disclosure": "*",
    "core.fact_requests": "*",
    "core.fact_review_litigation": "*",
    "core.fact_narrative_figures": "*",
    "core.fact_legacy_stats": "*",
    "staging.parse_issues": "*",
    "core.load_errors": "* EXCLUDE (\"at\")",
    "staging.stage_ledger": "* EXCLUDE (done_at)",
}


def _parse(path: Path, one_pass: bool) -> None:
    with db.connect(path) as con:
        ingest_files(con, [SEEDS, CORPUS])
        stages = (loading.clean_stage(con, Converter()), loading.METADATA, loading.SECTIONS, loading.FACTS)
        if one_pass:
            run_chain(con, stages, shared_pool())
        else:
            for stage in stages:
                run_stage(con, stage, shared_pool())


def _differences(a: Path, b: Path) -> dict[str, int]:
    with duckdb.connect(str(a), read_only=True) as con:
        con.execute(f"ATTACH '{b}' AS other (READ_ONLY)")
        differ = {}
        for table, columns in PARSE_TABLES.items():
            for x, y in ((table, f"other.{table}"), (f"other.{table}", table)):
                (n,) = con.execute(f"SELECT count(*) FROM (SELECT {columns} FROM {x} EXCEPT ALL SELECT {columns} FROM {y})").fetchone()
                if n:
                    differ[f"{x} - {y}"] = n
        return differ


def test_one_pass_stores_exactly_what_the_stages_store_one_at_a_time(tmp_path: Path) -> None:
    """Seeds and corpus (text, web pages, PDFs; reports that fail a stage among them): every row,
    error and ledger row of the parse stages is the same either way."""
    one_pass, staged = tmp_path / "one_pass.duckdb", tmp_path / "staged.duckdb"
    _parse(one_pass, one_pass=True)
    _parse(staged, one_pass=False)
    assert _differences(one_pass, staged) == {}
    with duckdb.connect(str(one_pass), read_only=True) as con:
        ledger = dict(con.execute("SELECT stage, count(*) FROM staging.stage_ledger GROUP BY stage").fetchall())
        (facts,) = con.execute("SELECT count(*) FROM core.fact_requests").fetchone()
    assert set(ledger) == {"cleaned_text", "report_metadata", "report_sections", "facts"} and facts > 1000


def test_materializing_some_parse_assets_runs_just_their_stages(tmp_path: Path) -> None:
    """The parse multi-asset can be subset, as in the UI: cleaned_text alone cleans and stops; the
    rest then takes the documents on from the stored text."""
    from orchestration.definitions import build_defs
    from orchestration.resources import WarehouseResource

    path = tmp_path / "ogi.duckdb"
    with db.connect(path) as con:
        ingest_files(con, [SEEDS])
    defs = build_defs(warehouse=WarehouseResource(db_path=str(path)))
    parse_assets = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition) and a.node_def.name == "parse_reports"]

    def ledger() -> dict:
        with duckdb.connect(str(path), read_only=True) as con:
            return dict(con.execute("SELECT stage, count(*) FROM staging.stage_ledger GROUP BY stage").fetchall())

    result = dg.materialize(parse_assets, selection=["cleaned_text"], resources=defs.resources)
    assert result.success and ledger() == {"cleaned_text": 5}
    assert {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()} == {"cleaned_text"}
    rest = dg.AssetSelection.groups("parse", "facts") - dg.AssetSelection.assets("cleaned_text")
    result = dg.materialize(parse_assets, selection=rest, resources=defs.resources)
    assert result.success and ledger() == {"cleaned_text": 5, "report_metadata": 5, "report_sections": 5, "facts": 5}
