"""`ogi export DIR --format xlsx`: one Excel workbook in the official form's own layout.

For the offices that compile these reports, who work in Excel. Sheets:

- 表二 主动公开, 表三 依申请公开, 表四 复议诉讼: one row per published report
  (agency, region, year, then every cell of the form under its Chinese
  headers, in the form's order, then the table format, publication date and
  doc_id). Three header rows, frozen: the form's row or item label, the
  column label, and the warehouse code of the cell (`new_received.total`),
  which is what `ogi query` and the Parquet files call it.
- 报告: every report in the warehouse, published or quarantined, with its
  status, the reason and the blocking rules it failed.
- 未能读取: the files that could not be taken in (core.load_errors).
- 说明: what the sheets hold, the conventions, and the warehouse's version.

Numbers are written as numbers, a NULL (a blank or undecidable cell) as an
empty cell, never 0. Only the cells read from the report's tables
(`source = 'table'`) are written; figures read from the prose stay in the
warehouse. Like the other export formats it reads the published snapshot,
never the working file, and the workbook is written under a temporary name
and renamed into place.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import duckdb

from transforms import PARSER_VERSION, codes
from orchestration.reports import form

WORKBOOK_NAME = "ogi.xlsx"
HEADER_ROWS = 3  # label, sub-label, code
LEAD = (("agency", "机关"), ("region", "地区"), ("report_year", "年度"))
TRAIL = (("format_version", "表格格式"), ("published_on", "发布日期"), ("doc_id", "doc_id"))

@dataclass(frozen=True)
class Cell:
    """One column of a table sheet: a cell of the form."""

    code: str  # `<row>.<column>` as in the warehouse (item.metric, row_code.applicant, proceeding.outcome)
    group: str  # header row 1: the form's row / item label (merged over its columns)
    label: str  # header row 2: the form's column label
    key: tuple[str, str]  # the fact's two code columns
    unit_of: str | None = None  # for a unit column: the code of the amount it qualifies
    block: str | None = None  # table 二: the form ("2021", "2019") whose reports fill this column

    def applies(self, format_version: str | None) -> bool:
        """Table 二's 2019 block holds the 2019-format reports, its 2021 block every other report."""
        if self.block is None:
            return True
        return (format_version == "2019") == (self.block == "2019")


def request_row_order() -> tuple[str, ...]:
    """Table 三's rows in the form's order; the 2019 form's single （六） row after the three 2021 ones."""
    rows = list(codes.REQUEST_ROWS_2021)
    rows.insert(rows.index("total_processed"), codes.OTHER_ROW_SINGLE)
    return tuple(rows)


def _request_group(row: str) -> str:
    if row in form.PARTS:
        return form.ROW[row]
    if row in form.GROUP:
        return f"{form.RESULTS} {form.GROUP[row]} {form.ROW[row]}"
    return f"{form.RESULTS} {form.ROW[row]}"


def active_cells() -> list[Cell]:
    """Table 二: the 2021 form's cells, then the 2019 form's (a report fills the block of its format)."""
    cells: list[Cell] = []
    for fmt, layout, items, metrics in (
        ("2021", codes.ACTIVE_LAYOUT_2021, form.ITEM, form.METRIC),
        ("2019", codes.ACTIVE_LAYOUT_2019, form.ITEM_2019, form.METRIC_2019),
    ):
        for item, item_metrics in layout.items():
            group = f"{fmt}年格式 {form.CLAUSE[item]} {items[item]}"
            for metric in item_metrics:
                code = f"{item}.{metric}"
                cells.append(Cell(code, group, metrics[metric], (item, metric), block=fmt))
                if metric == "amount":
                    cells.append(Cell(f"{code}.unit", group, "单位", (item, metric), unit_of=code, block=fmt))
    return cells


def request_cells() -> list[Cell]:
    return [
        Cell(f"{row}.{applicant}", _request_group(row), form.APPLICANT[applicant], (row, applicant))
        for row in request_row_order()
        for applicant in codes.APPLICANTS
    ]


def review_cells() -> list[Cell]:
    return [
        Cell(f"{p}.{o}", form.PROCEEDING[p], form.OUTCOME[o], (p, o)) for p in codes.PROCEEDINGS for o in codes.OUTCOMES
    ]


@dataclass(frozen=True)
class TableSheet:
    name: str
    title: str
    fact_table: str
    key_columns: tuple[str, str]
    cells: tuple[Cell, ...]


TABLE_SHEETS = (
    TableSheet("表二 主动公开", "二、主动公开政府信息情况", "fact_active_disclosure", ("item", "metric"), tuple(active_cells())),
    TableSheet("表三 依申请公开", "三、收到和处理政府信息公开申请情况", "fact_requests", ("row_code", "applicant"), tuple(request_cells())),
    TableSheet("表四 复议诉讼", "四、政府信息公开行政复议、行政诉讼情况", "fact_review_litigation", ("proceeding", "outcome"), tuple(review_cells())),
)
REPORTS_SHEET = "报告"
ERRORS_SHEET = "未能读取"
NOTES_SHEET = "说明"

_REPORT_COLUMNS = (
    ("doc_id", "doc_id"),
    ("agency", "机关"),
    ("region", "地区"),
    ("admin_level", "行政层级"),
    ("report_year", "年度"),
    ("published_on", "发布日期"),
    ("doc_kind", "文档类型"),
    ("format_version", "表格格式"),
    ("status", "状态"),
    ("status_reason", "隔离原因"),
    ("failed_blocking_rules", "未通过的阻断规则"),
    ("source_path", "来源文件"),
)
_ERROR_COLUMNS = (
    ("source_path", "文件"),
    ("stage", "环节"),
    ("error", "错误代码"),
    ("message", "说明"),
    ("doc_id", "doc_id"),
)


def _number(value):
    """A cell value as Excel should hold it: int when whole, float otherwise; NULL stays None."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pivot_sql(sheet: TableSheet) -> str:
    """One row per report that has the form (or any table cell of this table): lead, cells, trail."""
    a, b = sheet.key_columns
    selects = []
    for cell in sheet.cells:
        column = "unit" if cell.unit_of else "value"
        block = ""
        if cell.block is not None:  # the same item.metric (e.g. licensing.decisions) is in both forms of table 二
            block = " AND r.format_version " + ("= '2019'" if cell.block == "2019" else "IS DISTINCT FROM '2019'")
        selects.append(
            f"any_value(f.{column}) FILTER (WHERE f.{a} = '{cell.key[0]}' AND f.{b} = '{cell.key[1]}'{block}) "
            f"AS {_quote(cell.code)}"
        )
    lead = ", ".join(f"r.{c}" for c, _ in LEAD)
    trail = ", ".join(f"r.{c}" for c, _ in TRAIL)
    return (
        f"SELECT {lead}, {', '.join(selects)}, {trail} "
        f"FROM published.reports r LEFT JOIN published.{sheet.fact_table} f "
        f"ON f.doc_id = r.doc_id AND f.source = 'table' "
        f"WHERE r.format_version IN ('2019', '2021') OR f.doc_id IS NOT NULL "
        f"GROUP BY ALL ORDER BY r.region NULLS LAST, r.agency NULLS LAST, r.report_year NULLS LAST, r.doc_id"
    )


def warehouse_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        package = version("ogi-warehouse")
    except PackageNotFoundError:
        package = "unknown"
    return f"ogi-warehouse {package}, parser {PARSER_VERSION}"


class _Writer:
    def __init__(self, path: Path) -> None:
        import xlsxwriter

        # constant_memory: rows are streamed to disk in order, so a 100k-report export stays small.
        self.book = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        self.head = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
        self.group = self.book.add_format({"bold": True, "text_wrap": True, "align": "center", "valign": "top", "bg_color": "#BDD7EE", "border": 1})
        self.code = self.book.add_format({"font_color": "#7F7F7F", "font_size": 8, "bg_color": "#F2F2F2", "border": 1})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})

    def values(self, ws, row: int, values: Iterable) -> None:
        for col, value in enumerate(values):
            value = _number(value)
            if value is None:
                continue  # NULL: an empty cell, never 0
            if isinstance(value, (date, datetime)):
                ws.write_datetime(row, col, value, self.date)
            elif isinstance(value, bool):
                ws.write_boolean(row, col, value)
            elif isinstance(value, (int, float)):
                ws.write_number(row, col, value)
            else:
                ws.write_string(row, col, str(value))


def _table_sheet(w: _Writer, con: duckdb.DuckDBPyConnection, sheet: TableSheet) -> int:
    ws = w.book.add_worksheet(sheet.name)
    lead, cells, trail = len(LEAD), list(sheet.cells), len(TRAIL)
    # Layout first: in constant_memory mode rows are written out in order.
    ws.set_row(0, 48)
    ws.set_row(1, 48)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 6)
    ws.set_column(lead, lead + len(cells) - 1, 11)
    ws.set_column(lead + len(cells), lead + len(cells) + 1, 11)
    ws.set_column(lead + len(cells) + 2, lead + len(cells) + 2, 20)
    ws.freeze_panes(HEADER_ROWS, lead)
    # Row 0: the form's row/item labels, merged over their columns; row 1: column labels; row 2: codes.
    ws.write_string(0, 0, sheet.title, w.group)
    for col in range(1, lead):
        ws.write_blank(0, col, None, w.group)
    start = 0
    for i in range(1, len(cells) + 1):
        if i == len(cells) or cells[i].group != cells[start].group:
            first, last = lead + start, lead + i - 1
            if first == last:
                ws.write_string(0, first, cells[start].group, w.group)
            else:
                ws.merge_range(0, first, 0, last, cells[start].group, w.group)
            start = i
    for col in range(lead + len(cells), lead + len(cells) + trail):
        ws.write_blank(0, col, None, w.group)
    labels = [label for _, label in LEAD] + [c.label for c in cells] + [label for _, label in TRAIL]
    code_row = [code for code, _ in LEAD] + [c.code for c in cells] + [code for code, _ in TRAIL]
    for col, text in enumerate(labels):
        ws.write_string(1, col, text, w.head)
    for col, text in enumerate(code_row):
        ws.write_string(2, col, text, w.code)
    n = 0
    result = con.execute(_pivot_sql(sheet))
    while batch := result.fetchmany(2000):
        for values in batch:
            w.values(ws, HEADER_ROWS + n, values)
            n += 1
    ws.autofilter(HEADER_ROWS - 1, 0, HEADER_ROWS - 1 + n, len(labels) - 1)
    return n


def _list_sheet(w: _Writer, con, name: str, columns: tuple[tuple[str, str], ...], sql: str, widths: tuple[int, ...]) -> int:
    ws = w.book.add_worksheet(name)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.freeze_panes(2, 0)
    for col, (code, label) in enumerate(columns):
        ws.write_string(0, col, label, w.head)
    for col, (code, label) in enumerate(columns):
        ws.write_string(1, col, code, w.code)
    n = 0
    result = con.execute(sql)
    while batch := result.fetchmany(2000):
        for values in batch:
            w.values(ws, 2 + n, values)
            n += 1
    ws.autofilter(1, 0, 1 + n, len(columns) - 1)
    return n


_REPORTS_SQL = """
SELECT r.doc_id, r.agency, r.region, r.admin_level, r.report_year, r.published_on, r.doc_kind,
       r.format_version, r.status, r.status_reason,
       (SELECT string_agg(DISTINCT c.rule, ', ' ORDER BY c.rule) FROM core.check_results c
         WHERE c.doc_id = r.doc_id AND c.severity = 'blocking' AND c.status = 'fail') AS failed_blocking_rules,
       r.source_path
FROM core.reports r
ORDER BY r.status DESC, r.region NULLS LAST, r.agency NULLS LAST, r.report_year NULLS LAST, r.doc_id
"""
_ERRORS_SQL = "SELECT source_path, stage, error, message, doc_id FROM core.load_errors ORDER BY source_path, stage, error"

_NOTES = (
    ("这是什么", "政府信息公开工作年度报告的数据仓库（OGI Warehouse）导出的工作簿：已发布报告的表二、表三、表四，按国务院办公厅规定格式的行列顺序排列。"),
    ("一行", "表二、表三、表四：每行一份已发布的报告（通过全部阻断性质量规则）。2019年及2021年格式的报告都有一行；其他报告只在其表格中读出数据时才有一行。"),
    ("表头", "第一行：表格中的项目或行名称（合并单元格）；第二行：列名称；第三行（灰色）：仓库中的代码（行代码.列代码，与 SQL 和 Parquet 中相同）。表头已冻结。"),
    ("表二的两种格式", "2021年格式（国办公开办函〔2021〕30号）与2019年格式（国办公开办函〔2019〕60号）的栏目不同：报告只填写其格式的那一组列，见“表格格式”列。金额列后的“单位”列是报告所写的单位（2021年格式为万元；2019年采购总金额为元或万元）。"),
    ("表三的（六）其他处理", "2021年格式分三行（1.逾期不补正 2.逾期未缴费 3.其他）；2019年格式只有一行，写在“（六）其他处理（2019年格式的单行）”列。"),
    ("空单元格", "空单元格表示报告中该格为空白、“-”、“/”、“无”，或无法确定的数值（NULL），不等于 0。"),
    ("数字", "计数为整数，金额为报告所写单位的数值，均以数字存储，可直接求和。只写入从报告表格中读出的数值；正文中的数字在仓库的 fact_narrative_figures 表中。"),
    ("报告", "“报告”工作表列出仓库中的全部报告（含隔离的）及其状态：published 已发布；quarantined 已隔离（未发布），并给出隔离原因和未通过的阻断规则编号。规则说明见项目的 docs/rules.md。"),
    ("未能读取", "无法读入的文件及错误代码（如 needs_converter：需安装 LibreOffice 才能读取 .doc/.wps）。代码含义见 docs/contract.md。"),
    ("代码", "行列代码的定义见项目的 docs/contract.md 与 docs/tables.md。"),
)


def write_workbook(snapshot: Path, out: Path) -> tuple[Path, dict[str, int]]:
    """Write the workbook of `snapshot` to `out` (a file path); returns it and the rows per sheet."""
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    rows: dict[str, int] = {}
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        w = _Writer(tmp)
        try:
            for sheet in TABLE_SHEETS:
                rows[sheet.name] = _table_sheet(w, con, sheet)
            rows[REPORTS_SHEET] = _list_sheet(w, con, REPORTS_SHEET, _REPORT_COLUMNS, _REPORTS_SQL, (18, 28, 16, 10, 6, 11, 13, 9, 11, 40, 18, 40))
            rows[ERRORS_SHEET] = _list_sheet(w, con, ERRORS_SHEET, _ERROR_COLUMNS, _ERRORS_SQL, (50, 10, 20, 60, 18))
            counts = con.execute(
                "SELECT count(*), count(*) FILTER (WHERE status = 'published') FROM core.reports"
            ).fetchone()
            _notes_sheet(w, snapshot, counts)
        finally:
            w.book.close()
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    return out, rows


def _notes_sheet(w: _Writer, snapshot: Path, counts: tuple[int, int]) -> None:
    ws = w.book.add_worksheet(NOTES_SHEET)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 110)
    ws.freeze_panes(1, 0)
    facts = (
        ("版本", warehouse_version()),
        ("导出时间", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("数据来源", str(snapshot.resolve())),
        ("报告数", f"{counts[0]} 份，其中已发布 {counts[1]} 份"),
    )
    ws.write_string(0, 0, "项目", w.head)
    ws.write_string(0, 1, "说明", w.head)
    for i, (key, text) in enumerate(facts + _NOTES, start=1):
        ws.write_string(i, 0, key, w.head)
        ws.write_string(i, 1, text, w.wrap)
