"""The five seed reports through the whole pipeline, judged against their gold files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS, seed_files, seed_gold
from gold import compare, doc_id_for
from orchestration.cli import main as ogi

CONTRACT_TABLES = (
    "core.reports",
    "core.sections",
    "core.fact_active_disclosure",
    "core.fact_requests",
    "core.fact_review_litigation",
    "core.fact_narrative_figures",
    "core.fact_legacy_stats",
    "core.check_results",
    "core.load_errors",
    "raw.documents",
)


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("seeds") / "ogi.duckdb"
    assert ogi(["load", str(SEEDS), "--db", str(db), "--quiet"]) == 0
    return db


@pytest.mark.parametrize("seed", [p.name for p in seed_files()])
def test_every_gold_value(seeds_db: Path, seed: str) -> None:
    gold = seed_gold(seed)
    with duckdb.connect(str(seeds_db), read_only=True) as con:
        problems = compare(con, doc_id_for(con, seed), gold)
    assert problems == []


def test_seed_000_missing_tables_warned(seeds_db: Path) -> None:
    gold = seed_gold("000_5cea481b21ff6bea.txt")
    assert "completeness warning" in gold["expect_warning"]
    with duckdb.connect(str(seeds_db), read_only=True) as con:
        doc = doc_id_for(con, gold["file"])
        row = con.execute(
            "SELECT severity, status, evidence FROM core.check_results WHERE doc_id = ? AND rule = 'M-05'", [doc]
        ).fetchone()
    assert row[0] == "warning" and row[1] == "fail"
    assert "table 三" in row[2] and "table 四" in row[2]


def test_published_views_hold_only_published_reports(seeds_db: Path) -> None:
    with duckdb.connect(str(seeds_db), read_only=True) as con:
        statuses = {r[0] for r in con.execute("SELECT DISTINCT status FROM published.reports").fetchall()}
        orphans = con.execute(
            "SELECT count(*) FROM published.fact_requests f ANTI JOIN published.reports r USING (doc_id)"
        ).fetchone()[0]
    assert statuses <= {"published"} and orphans == 0


def test_every_core_column_is_documented(seeds_db: Path) -> None:
    with duckdb.connect(str(seeds_db), read_only=True) as con:
        undocumented = con.execute(
            "SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE schema_name IN ('raw', 'staging', 'core', 'published') AND (comment IS NULL OR comment = '')"
        ).fetchall()
        tables = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE schema_name IN ('raw','staging','core') AND (comment IS NULL OR comment = '')"
        ).fetchall()
    assert undocumented == [] and tables == []


def _counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CONTRACT_TABLES}


def test_loading_twice_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(SEEDS), "--db", str(db), "--quiet"]) == 0
    first = _counts(db)
    assert ogi(["load", str(SEEDS), "--db", str(db), "--quiet"]) == 0
    assert _counts(db) == first
    assert first["core.reports"] == 5


def test_planted_t3_03_error_quarantines_only_that_report(tmp_path: Path, capsys) -> None:
    """Seed 001 with 本年新收 自然人 and 总计 changed 0 → 5 fails the 勾稽关系 (T3-03)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):  # by content: shared/ may be read-only
        shutil.copyfile(seed, folder / seed.name)
    original = folder / "001_732b3b243defc543.txt"
    text = original.read_text(encoding="utf-8")
    row = "一、本年新收政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
    assert text.count(row) == 1
    changed = folder / "001_changed.txt"
    changed.write_text(text.replace(row, "一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |"), encoding="utf-8")
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(folder), "--db", str(db), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "001_changed.txt" in out and "T3-03" in out
    with duckdb.connect(str(db), read_only=True) as con:
        doc = doc_id_for(con, "001_changed.txt")
        status = con.execute("SELECT status FROM core.reports WHERE doc_id = ?", [doc]).fetchone()[0]
        fail = con.execute(
            "SELECT observed, expected, message, location FROM core.check_results WHERE doc_id = ? AND rule = 'T3-03' AND status = 'fail'",
            [doc],
        ).fetchone()
        others = dict(
            con.execute(
                "SELECT p.source_path, r.status FROM core.reports r JOIN raw.document_paths p USING (doc_id) WHERE r.doc_id <> ?",
                [doc],
            ).fetchall()
        )
        published_ids = {r[0] for r in con.execute("SELECT doc_id FROM published.reports").fetchall()}
    assert status == "quarantined"
    assert fail is not None
    observed, expected, message, location = fail
    assert observed.split("; ") == ["5", "5"] and expected.split("; ") == ["0", "0"]
    assert "natural_person" in location and "total" in location and "observed 5, expected 0" in message
    assert doc not in published_ids
    for path, st in others.items():
        want = seed_gold(Path(path).name)["expect_status"]
        if want == "published":
            assert st == "published", path
