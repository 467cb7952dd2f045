"""Generated reports through the whole pipeline: every truth value, every planted error."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from benchmarks.synth import generate
from gold import compare, doc_id_for
from orchestration.cli import main as ogi


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("synth")
    samples = root / "samples"
    generate(samples, count=40, seed=11)
    db = root / "ogi.duckdb"
    assert ogi(["load", str(samples), "--db", str(db), "--quiet"]) == 0
    return samples, db


def test_every_truth_value_and_planted_error(loaded) -> None:
    samples, db = loaded
    truths = sorted((samples / "truth").glob("*.json"))
    assert len(truths) == 40
    problems: dict[str, list[str]] = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for path in truths:
            truth = json.loads(path.read_text(encoding="utf-8"))
            found = compare(con, doc_id_for(con, truth["file"]), truth)
            if found:
                problems[truth["file"]] = found
    assert problems == {}


def test_no_false_quarantine(loaded) -> None:
    samples, db = loaded
    with duckdb.connect(str(db), read_only=True) as con:
        for path in sorted((samples / "truth").glob("*.json")):
            truth = json.loads(path.read_text(encoding="utf-8"))
            status = con.execute(
                "SELECT status FROM core.reports WHERE doc_id = ?", [doc_id_for(con, truth["file"])]
            ).fetchone()[0]
            planted = bool(truth.get("planted_errors"))
            assert (status == "quarantined") == planted, (truth["file"], status, truth.get("planted_errors"))
