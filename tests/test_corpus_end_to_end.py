"""The development corpus loaded together with the seeds, judged by `ogi eval`'s judge."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from conftest import CORPUS, SEEDS
from gold import doc_id_for, status_and_blocking_failures
from orchestration.cli import main as ogi
from warehouse.evaluate import evaluate

@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("corpus") / "ogi.duckdb"
    assert ogi(["load", str(SEEDS), str(CORPUS), "--db", str(db), "--quiet"]) == 0
    return db


def test_corpus_gold_cells_and_metadata(corpus_db: Path) -> None:
    scores = evaluate(corpus_db, CORPUS / "gold")
    assert len(scores) == len(list((CORPUS / "gold").glob("*.json")))
    # Every gold cell exact -- a null in gold (a cell only a neighbouring year
    # could decide, e.g. pingtan_syq_2021's 规范性文件 现行有效 run `693665`
    # with ten consistent splits) must be NULL here -- and every status as
    # the gold's expect_status says (evaluate() reports both as problems).
    assert [(s.file, p) for s in scores for p in s.problems] == []
    assert sum(s.wrong for s in scores) == 0
    assert sum(s.undecided_published for s in scores) == 0
    assert all(s.meta_exact == s.meta_fields for s in scores)
    exact, cells = sum(s.exact for s in scores), sum(s.cells for s in scores)
    assert cells == exact


def test_seed_gold_still_exact_with_the_corpus(corpus_db: Path) -> None:
    scores = evaluate(corpus_db, SEEDS / "gold")
    assert [p for s in scores for p in s.problems] == []


def test_hongzequ_2023_quarantined_for_its_table_four_totals(corpus_db: Path) -> None:
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        status, failed = status_and_blocking_failures(con, "hongzequ_2023.pdf")
    assert status == "quarantined"
    assert {"T4-01", "T4-03"} <= failed


def test_blank_template_is_not_published_as_a_report(corpus_db: Path) -> None:
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        doc = doc_id_for(con, "template_2021format_blank.docx")
        kind, status = con.execute("SELECT doc_kind, status FROM core.reports WHERE doc_id = ?", [doc]).fetchone()
        numbers = con.execute(
            "SELECT count(*) FROM core.fact_requests WHERE doc_id = ? AND value IS NOT NULL", [doc]
        ).fetchone()[0]
        in_published = con.execute("SELECT count(*) FROM published.reports WHERE doc_id = ?", [doc]).fetchone()[0]
    assert (kind, status, numbers, in_published) == ("other", "quarantined", 0, 0)


def test_undecided_cells_are_null_and_warned(corpus_db: Path) -> None:
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        doc = doc_id_for(con, "pingtan_syq_2023.txt")
        values = dict(
            con.execute(
                "SELECT metric, value FROM core.fact_active_disclosure WHERE doc_id = ? AND item = 'normative_documents' AND source = 'table'",
                [doc],
            ).fetchall()
        )
        warning = con.execute(
            "SELECT status, evidence FROM core.check_results WHERE doc_id = ? AND rule = 'P-02'", [doc]
        ).fetchone()
    assert values["issued"] == 77 and values["repealed"] is None and values["in_force"] is None
    assert warning[0] == "fail" and "132470" in warning[1]


# Every seed and corpus report's division (transforms.gazetteer): code of the
# area as coded today, level of the body's area. 平潭县 (2009–2013 reports) and
# 平潭综合实验区 are one area, 350128.
_DIVISIONS = {
    "隆尧县教育局": ("130525", "county", "department"),
    "乌海市教育局": ("150300", "prefecture", "department"),
    "吕梁市教育局": ("141100", "prefecture", "department"),
    "安徽省教育厅": ("340000", "province", "department"),
    "西安市长安区教育局": ("610116", "county", "department"),
    "淮安市洪泽区人民政府": ("320813", "county", "government"),
    "淮安市人民政府": ("320800", "prefecture", "government"),
    "平潭综合实验区": ("350128", "county", "government"),
    "平潭县人民政府": ("350128", "county", "government"),
}


def test_every_seed_and_corpus_report_has_its_division(corpus_db: Path) -> None:
    con = duckdb.connect(str(corpus_db), read_only=True)
    try:
        rows = con.execute("SELECT agency, region_code, admin_level, agency_type, region_note FROM core.reports").fetchall()
    finally:
        con.close()
    assert len(rows) == 32  # 5 seeds, 26 corpus reports and the blank template
    for agency, code, level, kind, note in rows:
        if agency is None:  # the blank template
            assert (code, level, kind) == (None, "unknown", "unknown")
        elif agency in _DIVISIONS:
            assert (code, level, kind) == _DIVISIONS[agency], agency
        else:  # the 平潭 departments, under both of the area's names
            assert agency.startswith(("平潭综合实验区", "平潭县")), agency
            assert (code, level, kind) == ("350128", "county", "department"), agency
        assert note is None, (agency, note)
