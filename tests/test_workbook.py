"""`ogi export DIR --format xlsx`: the workbook, opened with openpyxl, cell by cell against the warehouse."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from conftest import CORPUS, SEEDS
from orchestration.cli import main as ogi
from transforms import PARSER_VERSION, codes
from warehouse.snapshot import published_path
from orchestration.reports.workbook import (
    ERRORS_SHEET,
    HEADER_ROWS,
    LEAD,
    NOTES_SHEET,
    REPORTS_SHEET,
    TABLE_SHEETS,
    TRAIL,
    WORKBOOK_NAME,
    request_row_order,
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict:
    """Seeds and corpus loaded (2019 and 2021 forms, blank cells, quarantined reports), then exported."""
    work = tmp_path_factory.mktemp("workbook")
    db = work / "ogi.duckdb"
    assert ogi(["load", str(SEEDS), str(CORPUS), "--db", str(db), "--quiet"]) == 0
    out = work / "export"
    assert ogi(["export", str(out), "--format", "xlsx", "--db", str(db)]) == 0
    book = openpyxl.load_workbook(out / WORKBOOK_NAME)  # not read_only: merged cells and panes are wanted
    con = duckdb.connect(str(published_path(db)), read_only=True)
    yield {"book": book, "con": con, "path": out / WORKBOOK_NAME}
    con.close()


def _excel(value):
    """What a warehouse value must look like once Excel holds it."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def test_sheets_in_order(exported) -> None:
    names = exported["book"].sheetnames
    assert names == [s.name for s in TABLE_SHEETS] + [REPORTS_SHEET, ERRORS_SHEET, NOTES_SHEET]
    assert list(exported["path"].parent.iterdir()) == [exported["path"]], "one workbook, no temporary file left"


@pytest.mark.parametrize("sheet", TABLE_SHEETS, ids=lambda s: s.fact_table)
def test_table_sheet_matches_the_warehouse_cell_by_cell(exported, sheet) -> None:
    ws = exported["book"][sheet.name]
    con = exported["con"]
    assert ws.freeze_panes == f"D{HEADER_ROWS + 1}", "three header rows and agency/region/year stay in view"

    header = [c.value for c in ws[2]]
    code_row = [c.value for c in ws[3]]
    assert header[:3] == ["机关", "地区", "年度"]
    assert code_row[:3] == [c for c, _ in LEAD]
    assert code_row[-len(TRAIL):] == [c for c, _ in TRAIL]
    cell_codes = code_row[3 : -len(TRAIL)]
    assert cell_codes == [c.code for c in sheet.cells]
    blocks = [c.block for c in sheet.cells]
    # The form's order and Chinese headers.
    if sheet.fact_table == "fact_requests":
        assert cell_codes[:7] == [f"new_received.{a}" for a in codes.APPLICANTS]
        assert header[3:10] == ["自然人"] + [f"法人或其他组织·{t}" for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")] + ["总计"]
        assert [c.split(".")[0] for c in cell_codes[::7]] == list(request_row_order())
        assert ws.cell(1, 4).value == "一、本年新收政府信息公开申请数量"
        assert "D1:J1" in {str(r) for r in ws.merged_cells.ranges}
    if sheet.fact_table == "fact_review_litigation":
        assert header[3:8] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        assert ws.cell(1, 4).value == "行政复议"
    if sheet.fact_table == "fact_active_disclosure":
        assert cell_codes[:3] == ["regulations.issued", "regulations.repealed", "regulations.in_force"]
        assert header[3:6] == ["本年制发件数", "本年废止件数", "现行有效件数"]

    a, b = sheet.key_columns
    facts: dict[str, dict[str, tuple]] = {}
    for doc_id, k1, k2, value, unit in con.execute(
        f"SELECT doc_id, {a}, {b}, value, {'unit' if sheet.fact_table == 'fact_active_disclosure' else 'NULL'} "
        f"FROM published.{sheet.fact_table} WHERE source = 'table'"
    ).fetchall():
        facts.setdefault(doc_id, {})[f"{k1}.{k2}"] = (value, unit)
    reports = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT doc_id, agency, region, report_year, format_version, published_on FROM published.reports"
        ).fetchall()
    }
    expected_rows = {d for d, r in reports.items() if r[3] in ("2019", "2021")} | set(facts)

    rows = list(ws.iter_rows(min_row=HEADER_ROWS + 1, values_only=True))
    seen = [row[-1] for row in rows]
    assert len(seen) == len(set(seen)), "one row per report"
    assert set(seen) == expected_rows
    checked = nulls = 0
    for row in rows:
        doc_id = row[-1]
        agency, region, year, fmt, published_on = reports[doc_id]
        assert row[:3] == (agency, region, year)
        assert row[-3] == fmt
        assert (row[-2].date() if isinstance(row[-2], datetime) else row[-2]) == published_on
        for code, block, value in zip(cell_codes, blocks, row[3 : -len(TRAIL)]):
            if block is not None and (fmt == "2019") != (block == "2019"):
                assert value is None, f"{code}: a {fmt}-format report fills only its own block of table 二"
                continue
            if code.endswith(".unit"):
                want = facts.get(doc_id, {}).get(code[: -len(".unit")], (None, None))[1]
            else:
                want = _excel(facts.get(doc_id, {}).get(code, (None, None))[0])
            assert value == want, f"{sheet.name} {doc_id[:12]} {code}: workbook {value!r}, warehouse {want!r}"
            if want is None:
                nulls += 1
            elif not code.endswith(".unit"):
                assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{code} must be a number"
                checked += 1
    assert checked == sum(1 for d in facts.values() for v, _ in d.values() if v is not None)
    assert nulls > 0


def test_blank_cells_stay_empty_never_zero(exported) -> None:
    """A NULL in the warehouse (a blank cell of the report) is an empty Excel cell."""
    con = exported["con"]
    doc_id, item, metric = con.execute(
        "SELECT doc_id, item, metric FROM published.fact_active_disclosure f JOIN published.reports r USING (doc_id) "
        "WHERE source = 'table' AND value IS NULL AND r.format_version = '2021' ORDER BY ALL LIMIT 1"
    ).fetchone()
    ws = exported["book"][TABLE_SHEETS[0].name]
    codes_row = [c.value for c in ws[3]]
    col = codes_row.index(f"{item}.{metric}") + 1
    row = next(r for r in range(HEADER_ROWS + 1, ws.max_row + 1) if ws.cell(r, ws.max_column).value == doc_id)
    assert ws.cell(row, col).value is None


def test_amounts_keep_their_decimals_and_units(exported) -> None:
    con = exported["con"]
    doc_id, value, unit = con.execute(
        "SELECT doc_id, value, unit FROM published.fact_active_disclosure "
        "WHERE source = 'table' AND item = 'fees' AND metric = 'amount' AND value <> round(value) ORDER BY ALL LIMIT 1"
    ).fetchone()
    ws = exported["book"][TABLE_SHEETS[0].name]
    codes_row = [c.value for c in ws[3]]
    row = next(r for r in range(HEADER_ROWS + 1, ws.max_row + 1) if ws.cell(r, ws.max_column).value == doc_id)
    assert ws.cell(row, codes_row.index("fees.amount") + 1).value == pytest.approx(float(value))
    assert ws.cell(row, codes_row.index("fees.amount.unit") + 1).value == unit == "万元"


def test_reports_sheet_lists_every_report_with_status_and_quarantine_reasons(exported) -> None:
    con = exported["con"]
    ws = exported["book"][REPORTS_SHEET]
    assert ws.freeze_panes == "A3"
    codes_row = [c.value for c in ws[2]]
    rows = {r[0]: dict(zip(codes_row, r)) for r in ws.iter_rows(min_row=3, values_only=True)}
    core = con.execute("SELECT doc_id, status, status_reason, agency, report_year FROM core.reports").fetchall()
    assert len(rows) == len(core)
    quarantined = 0
    for doc_id, status, reason, agency, year in core:
        row = rows[doc_id]
        assert (row["status"], row["status_reason"], row["agency"], row["report_year"]) == (status, reason, agency, year)
        if status == "quarantined":
            quarantined += 1
            failed = {
                r[0]
                for r in con.execute(
                    "SELECT rule FROM core.check_results WHERE doc_id = ? AND severity = 'blocking' AND status = 'fail'", [doc_id]
                ).fetchall()
            }
            assert set((row["failed_blocking_rules"] or "").split(", ")) - {""} == failed
    assert quarantined > 0, "the corpus has quarantined reports"


def test_notes_sheet_has_definitions_and_the_version(exported) -> None:
    ws = exported["book"][NOTES_SHEET]
    notes = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert PARSER_VERSION in notes["版本"] and "ogi-warehouse" in notes["版本"]
    assert "不等于 0" in notes["空单元格"]
    assert "docs/contract.md" in notes["代码"]
    published, = exported["con"].execute("SELECT count(*) FROM published.reports").fetchone()
    assert f"已发布 {published} 份" in notes["报告数"]


def test_export_refuses_without_a_snapshot(tmp_path: Path, capsys) -> None:
    assert ogi(["export", str(tmp_path / "out"), "--format", "xlsx", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "run `ogi load` first" in capsys.readouterr().err
