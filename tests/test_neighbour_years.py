"""Flattened runs one report cannot decide, decided by the same agency's neighbouring year (issue 12).

The pair is real-shaped: the crawler page of 平潭综合实验区's 2021 report
(corpus pingtan_syq_2021.txt) with its 行政规范性文件 run set to ``13245``
(six readings: 1|3|245, 1|32|45, 13|2|45 …), and the same page as the 2022
report with the run ``16240`` (six readings). Alone, neither report may
publish a number there; together, Y-02 (现行有效(Y) = 现行有效(Y−1) + 制发(Y)
− 废止(Y)) leaves one reading of each: 1|3|245 and 1|6|240 — in both load
orders, and with the second report arriving in a later load. A 2022 run no
reading of which meets Y-02 with any 2021 reading (``11900``) leaves both
NULL, with a cross-year warning naming the other report.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import CORPUS
from orchestration.cli import main as ogi
from transforms import crossyear

REAL = CORPUS / "pingtan_syq_2021.txt"
RUN_2021 = "行政规范性文件693665"


def _year(text: str, year: int, run: str) -> str:
    """The real page as the report of `year`, with its 规范性文件 run replaced.

    For 2022 the table-三 carry-over is made consistent with 2021's 结转下年度
    (Y-01) and with its own T3-03, so that only the run is in question.
    """
    assert RUN_2021 in text
    text = text.replace(RUN_2021, f"行政规范性文件{run}")
    if year == 2022:
        text = (
            text.replace("2022-02-08", "2023-02-10")
            .replace("2021", "2022")
            .replace("二、上年结转政府信息公开申请数量0000000", "二、上年结转政府信息公开申请数量1000001")
            .replace("四、结转下年度继续办理1000001", "四、结转下年度继续办理2000002")
            .replace("1件结转下年度", "2件结转下年度")
        )
    return text


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("neighbours")
    text = REAL.read_text(encoding="utf-8")
    out = {}
    for name, year, run in (("y2021", 2021, "13245"), ("y2022", 2022, "16240"), ("y2022_conflict", 2022, "11900")):
        folder = root / name
        folder.mkdir()
        path = folder / f"pingtan_syq_{year}.txt"
        path.write_text(_year(text, year, run), encoding="utf-8")
        out[name] = path
    return out


def _load(db: Path, *paths: Path) -> None:
    assert ogi(["load", *map(str, paths), "--db", str(db), "--quiet", "--max-listed", "0"]) == 0


def _normative(db: Path) -> dict[int, tuple]:
    """report_year → (issued, repealed, in_force, verified in_force) of 行政规范性文件, published view."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """
            SELECT r.report_year, f.metric, f.value, f.verified
            FROM core.fact_active_disclosure f JOIN core.reports r USING (doc_id)
            WHERE f.item = 'normative_documents' AND f.source = 'table'
            """
        ).fetchall()
    finally:
        con.close()
    out: dict[int, dict] = {}
    for year, metric, value, verified in rows:
        out.setdefault(year, {})[metric] = (value, verified)
    return {y: (m["issued"][0], m["repealed"][0], m["in_force"][0], m["in_force"][1]) for y, m in out.items()}


def _issues(db: Path, code: str) -> list[tuple[int, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            """
            SELECT r.report_year, i.message FROM staging.parse_issues i JOIN core.reports r USING (doc_id)
            WHERE i.code = ? ORDER BY r.report_year
            """,
            [code],
        ).fetchall()
    finally:
        con.close()


def _published_values(db: Path) -> set[tuple]:
    snapshot = db.with_name(db.stem + ".published.duckdb")
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        return set(
            con.execute(
                "SELECT metric, value FROM published.fact_active_disclosure WHERE item = 'normative_documents'"
            ).fetchall()
        )
    finally:
        con.close()


def test_alone_each_year_leaves_the_run_undecided(pages, tmp_path: Path) -> None:
    for name in ("y2021", "y2022"):
        db = tmp_path / f"{name}.duckdb"
        _load(db, pages[name])
        ((issued, repealed, in_force, _),) = _normative(db).values()
        assert (issued, repealed, in_force) == (None, None, None)


@pytest.mark.parametrize("order", ["2021 first", "2022 first", "together"])
def test_the_pair_decides_both_runs_in_any_load_order(pages, tmp_path: Path, order: str) -> None:
    db = tmp_path / "w.duckdb"
    if order == "together":
        _load(db, pages["y2021"], pages["y2022"])
    else:
        first, second = ("y2021", "y2022") if order == "2021 first" else ("y2022", "y2021")
        _load(db, pages[first])
        _load(db, pages[second])  # a later load: the earlier report is re-decided too
    got = _normative(db)
    assert got[2021][:3] == (Decimal("1"), Decimal("3"), Decimal("245"))
    assert got[2022][:3] == (Decimal("1"), Decimal("6"), Decimal("240"))
    # 2022's Y-02 (checked on the 2022 report) vouches for its 现行有效; no rule of the 2021 report covers
    # its own 现行有效 (its Y-02 needs 2020), so that cell is published unverified.
    assert got[2022][3] is True and got[2021][3] is False
    decided = _issues(db, "split_decided_by_neighbour")
    assert [y for y, _ in decided] == [2021, 2022]
    assert "Y-02" in decided[0][1] and "(2022)" in decided[0][1] and "(2021)" in decided[1][1]
    # published, since nothing blocks the reports
    assert {("in_force", Decimal("245")), ("in_force", Decimal("240"))} <= _published_values(db)


def test_a_reload_changes_nothing(pages, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _load(db, pages["y2021"], pages["y2022"])
    before = _normative(db), _issues(db, "split_decided_by_neighbour")
    _load(db, pages["y2021"], pages["y2022"])
    assert (_normative(db), _issues(db, "split_decided_by_neighbour")) == before


def test_no_joint_reading_leaves_both_null_with_a_cross_year_warning(pages, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _load(db, pages["y2021"])
    _load(db, pages["y2022_conflict"])
    got = _normative(db)
    assert got[2021][:3] == (None, None, None) and got[2022][:3] == (None, None, None)
    warnings = _issues(db, "no_joint_split")
    assert [y for y, _ in warnings] == [2021, 2022]
    assert all("Y-02" in m for _, m in warnings)
    assert not _issues(db, "split_decided_by_neighbour")


# --- the decision itself, on readings -----------------------------------------

_CELLS = tuple(f"active_disclosure.normative_documents.{m}" for m in ("issued", "repealed", "in_force"))


def _report(doc: str, year: int, *readings: str, known=None) -> crossyear.YearReport:
    run = crossyear.Run(_CELLS, tuple(tuple(r.split("|")) for r in readings)) if readings else None
    return crossyear.YearReport(doc, year, known or {}, (run,) if run else ())


def test_a_soft_identity_never_decides_what_only_its_equality_picks() -> None:
    # 2022 reads 3|1|667 (665 + 3 − 1) or 31|6|67; with 2021's 现行有效 665 or 65, the equality keeps
    # only 3|1|667, but 31|6|67 with 65 lies inside Y-02's soft range (制发 may be amendments): no decision.
    a = _report("a", 2021, "6|93|665", "69|3|665", "693|6|65")
    b = _report("b", 2022, "3|1|667", "31|6|67")
    out = crossyear.decide([a, b])
    assert out["b"].values == ((None, None, None),)
    assert out["a"].values == ((None, None, None),)


def test_a_decided_neighbour_decides_through_its_known_cells() -> None:
    prev = crossyear.YearReport("p", 2021, {_CELLS[2]: Decimal("245")})
    b = _report("b", 2022, "1|6|240", "16|2|40", "1|62|40", "162|4|0")
    out = crossyear.decide([prev, b])
    assert out["b"].values == ((Decimal("1"), Decimal("6"), Decimal("240")),)
    assert out["b"].decided_by == (("Y-02", "p"),)


def test_a_year_apart_is_no_neighbour() -> None:
    prev = crossyear.YearReport("p", 2020, {_CELLS[2]: Decimal("245")})
    b = _report("b", 2022, "1|6|240", "16|2|40", "1|62|40", "162|4|0")
    assert crossyear.decide([prev, b])["b"].values == ((None, None, None),)
