"""Tables read as grids and aligned to the form: one golden pair per mechanism.

Each case starts from a real report (the corpus, read from ../shared) or a
real-shaped grid, changes it the way reports we have not seen differ, and
states what the reader must make of it. The whole-document cases for each
failure class are in tests/fixtures/unseen (test_unseen_fixtures.py); the
same report in several containers is in test_container_invariance.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import CORPUS

from transforms.extract import extract_text
from transforms.tables import extract_tables
from transforms.tables.cells import split_cells
from transforms.tables.labels import split_fused
from transforms.tables.values import parse_cell


def cleaned(name: str) -> str:
    path = CORPUS / name
    return extract_text(path.read_bytes(), str(path)).text


def cells_of(result) -> dict:
    out = {("active", f.item, f.metric): f.value for f in result.active}
    out.update({("requests", f.row_code, f.applicant): f.value for f in result.requests})
    out.update({("review", f.proceeding, f.outcome): f.value for f in result.review})
    return out


def blocking_codes(result) -> list[str]:
    return [i.code for i in result.issues if i.blocking]


# --- labels ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, labels",
    [
        (
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请3.其他(七)总计",
            ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "(七)总计"],
        ),
        ("1.本机关不掌握相关政府信息2.没有现成信息需要另行制作", ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作"]),
        ("(七)总计四、结转下年度继续办理", ["(七)总计", "四、结转下年度继续办理"]),
        ("三、本年度办理结果(一)予以公开", ["三、本年度办理结果", "(一)予以公开"]),
        ("不予处理4.无正当理由大量反复申请", ["不予处理", "4.无正当理由大量反复申请"]),
        # numbering-like characters inside one label never split it
        ("3.危及“三安全一稳定”", ["3.危及“三安全一稳定”"]),
        ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", ["(二)部分公开(区分处理的,只计这一情形,不计其他情形)"]),
    ],
)
def test_fused_labels_are_split_only_into_labels_of_the_form(cell, labels):
    assert [label.norm for label in split_fused(cell)] == labels


# --- cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, cells",
    [
        ("3.危及“三安全一稳定” 0 0 0 0 0 0 0", ["3.危及“三安全一稳定”", "0", "0", "0", "0", "0", "0", "0"]),
        ("| 8.属于行政查询事项 | 0 0 1 0 0 0 1 |", ["", "8.属于行政查询事项", "0", "0", "1", "0", "0", "0", "1", ""]),
        ("行政许可 1 234", ["行政许可 1 234"]),  # two numbers may be a thousands group: one cell
        ("| 信息内容 | 本年新<br>制作数量 |", ["", "信息内容", "本年新制作数量", ""]),
        ("2021年1月15日", ["2021年1月15日"]),
    ],
)
def test_cells_of_converter_and_pdf_lines(line, cells):
    assert split_cells(line) == cells


@pytest.mark.parametrize(
    "raw, value", [("22（其中修订16件）", 22), ("55（含自然失效29件）", 55), ("17(其中修订3件)", 17)]
)
def test_a_figure_with_its_note_is_the_figure(raw, value):
    cell = parse_cell(raw)
    assert cell.kind == "number" and cell.value == Decimal(value)


def test_a_bracket_that_is_no_note_is_not_a_number():
    assert parse_cell("12(件)").kind == "invalid"


# --- crawler text (class 5) --------------------------------------------------------


def test_a_row_printed_without_cells_does_not_take_the_next_rows_cells():
    """(六)2 and (六)3 print nothing, so their labels run into (七)总计's: the
    total's cells belong to the total, and the empty rows are blank (NULL)."""
    text = cleaned("pingtan_gaj_2024.txt")
    glued = text.replace(
        "缴纳费用、行政机关不再处理其政府信息公开申请 00000003.其他 0000000(七)总计",
        "缴纳费用、行政机关不再处理其政府信息公开申请3.其他(七)总计",
    )
    assert glued != text
    base, got = cells_of(extract_tables(text)), cells_of(extract_tables(glued))
    changed = {k: (base[k], got.get(k)) for k in base if base[k] != got.get(k)}
    assert set(changed) == {("requests", r, a) for r in ("other_unpaid_fee", "other_other") for a in
                            ("natural_person", "commercial", "research", "social_welfare", "legal_services",
                             "other_org", "total")}
    assert all(after is None for _, after in changed.values())
    assert got[("requests", "total_processed", "total")] == base[("requests", "total_processed", "total")] == 8


def test_table_four_after_a_sentence_of_prose_is_found():
    text = cleaned("pingtan_gaj_2024.txt")
    with_prose = text.replace(
        "四、政府信息公开行政复议、行政诉讼情况 行政复议",
        "四、政府信息公开行政复议、行政诉讼情况 本年度收到行政复议申请0件,具体情况如下表: 行政复议",
    )
    assert with_prose != text
    result = extract_tables(with_prose)
    assert "review_litigation" in result.found
    assert {k: v for k, v in cells_of(result).items() if k[0] == "review"} == {
        k: v for k, v in cells_of(extract_tables(text)).items() if k[0] == "review"
    }


# --- grids: blank cells, spacer columns, shifted rows (class 1) ----------------------

HEADER = [
    "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | | | 申请人情况 | | | | | |",
    "| | | 自然人 | 法人或其他组织 | | | | | 总计",
    "| | | | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |",
]
ROWS_2019 = [
    ("一、本年新收政府信息公开申请数量 | |", [5, 1, 0, 0, 0, 0, 6]),
    ("二、上年结转政府信息公开申请数量 | |", [0, 0, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果 | (一)予以公开 |", [3, 1, 0, 0, 0, 0, 4]),
    ("| (二)部分公开(区分处理的,只计这一情形,不计其他情形) |", [1, 0, 0, 0, 0, 0, 1]),
    ("| (三)不予公开 | 1.属于国家秘密", [0] * 7),
    ("| | 2.其他法律行政法规禁止公开", [0] * 7),
    ("| | 3.危及“三安全一稳定”", [0] * 7),
    ("| | 4.保护第三方合法权益", [0] * 7),
    ("| | 5.属于三类内部事务信息", [0] * 7),
    ("| | 6.属于四类过程性信息", [0] * 7),
    ("| | 7.属于行政执法案卷", [0] * 7),
    ("| | 8.属于行政查询事项", [0] * 7),
    ("| (四)无法提供 | 1.本机关不掌握相关政府信息", [1, 0, 0, 0, 0, 0, 1]),
    ("| | 2.没有现成信息需要另行制作", [0] * 7),
    ("| | 3.补正后申请内容仍不明确", [0] * 7),
    ("| (五)不予处理 | 1.信访举报投诉类申请", [0] * 7),
    ("| | 2.重复申请", [0] * 7),
    ("| | 3.要求提供公开出版物", [0] * 7),
    ("| | 4.无正当理由大量反复申请", [0] * 7),
    ("| | 5.要求行政机关确认或重新出具已获取信息", [0] * 7),
    ("| (六)其他处理 |", [0] * 7),
    ("| (七)总计 |", [5, 1, 0, 0, 0, 0, 6]),
    ("四、结转下年度继续办理 | |", [0] * 7),
]


def table_three(cells: dict[int, list[str]] | None = None) -> str:
    """The 2019 form as an HTML page renders it (rowspan label column), with
    the given rows' value cells replaced."""
    lines = ["三、收到和处理政府信息公开申请情况", *HEADER]
    for k, (label, values) in enumerate(ROWS_2019):
        shown = (cells or {}).get(k, [str(v) for v in values])
        lines.append(label + " | " + " | ".join(shown))
    return "\n".join(lines) + "\n五、存在的主要问题及改进情况\n无。\n"


def test_blank_cells_are_null_in_their_own_columns():
    """Nothing filed: blank cells anywhere in a row, edges included."""
    text = table_three({0: ["5", "1", "", "", "", "", "6"], 16: ["", "", "", "", "", "", ""],
                        12: ["", "", "", "", "", "", "1"]})
    result = extract_tables(text)
    got = cells_of(result)
    assert blocking_codes(result) == []
    assert [got[("requests", "new_received", a)] for a in ("natural_person", "commercial", "research", "total")] == [
        5, 1, None, 6]
    assert [got[("requests", "unable_not_held", a)] for a in ("natural_person", "total")] == [None, 1]
    assert got[("requests", "rejected_duplicate", "total")] is None


def test_a_row_that_does_not_fit_the_grid_is_reported_not_shifted():
    """A row whose cells stand outside the value block (a stray cell after the
    total) cannot be placed: it blocks, and nothing of it is stored."""
    text = table_three({2: ["3", "1", "", "", "", "", "4", "9"]})
    result = extract_tables(text)
    assert "table_row_misaligned" in blocking_codes(result)
    assert not any(k[1] == "granted" for k in cells_of(result))


def test_a_misread_label_alone_in_its_slot_is_placed_by_the_form_order():
    text = table_three().replace("| | 3.要求提供公开出版物", "| | 3.公开出版").replace(
        "| | 4.无正当理由大量反复申请", "| | 4.大量反复"
    )
    result = extract_tables(text)
    # "大量反复" is still a keyword of the form; "公开出版" is not, and it stands
    # alone between 重复申请 and 大量反复申请: the order places it.
    assert any(i.code == "row_placed_by_order" and "rejected_publication" in i.message for i in result.issues)
    assert blocking_codes(result) == []


def test_table_three_with_rows_lost_blocks():
    lines = table_three().split("\n")
    half = [line for line in lines if "4.保护第三方" not in line and "5.属于三类" not in line]
    result = extract_tables("\n".join(half))
    assert "rows_missing" in blocking_codes(result)


def test_table_two_item_printed_but_unread_blocks_and_absent_item_does_not():
    base = (
        "二、主动公开政府信息情况\n第二十条第(一)项 | | |\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n"
        "行政规范性文件 | 2 | 0 | 9\n第二十条第(五)项 | |\n信息内容 | 本年处理决定数量 |\n行政许可 | 5 |\n"
        "第二十条第(六)项 | |\n信息内容 | 本年处理决定数量 |\n行政处罚 | 7 |\n行政强制 | 0 |\n"
        "第二十条第(八)项 | |\n信息内容 | 本年收费金额(单位:万元) |\n行政事业性收费 | 0 |\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    absent = extract_tables(base)  # no 规章 row: the body prints none
    assert blocking_codes(absent) == []
    assert ("active", "regulations", "issued") not in cells_of(absent)
    garbled = extract_tables(base.replace("行政强制 | 0 |", "行政强制<br>信息内容<br>行政事业性收费 |"))
    assert "rows_missing" in blocking_codes(garbled)


def test_table_two_header_wrapped_over_two_lines_reads_by_column():
    text = (
        "二、主动公开政府信息情况\n第二十条第(一)项 | | |\n信息内容 | 本年新 | 本年新 | 对外公开\n"
        " | 制作数量 | 公开数量 | 总数量\n规章 | 1 | 1 | 5\n规范性文件 | 3 | | 40\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    got = cells_of(extract_tables(text))
    assert got[("active", "regulations", "total_published")] == 5
    assert got[("active", "normative_documents", "new_made")] == 3
    assert got[("active", "normative_documents", "new_published")] is None
    assert got[("active", "normative_documents", "total_published")] == 40


# --- verified cells (the trust gate's marks) ---------------------------------------


def test_cells_are_verified_by_the_identities_that_cover_them(tmp_path):
    """A clean report's table 三/四 cells are verified by the identities that
    passed; a report whose 总计 breaks T3-02/T3-03 has none of table 三 verified;
    a blank cell is never verified; table 二 without prose or a previous
    year is kept but unverified."""
    import shutil

    import duckdb

    from conftest import SEEDS
    from orchestration.cli import main as ogi

    for name in ("huaianshi_2024.pdf", "pingtan_nyn_2021.txt"):
        shutil.copyfile(CORPUS / name, tmp_path / name)
    shutil.copyfile(next(SEEDS.glob("002_*.txt")), tmp_path / "seed002.txt")
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(tmp_path), "--db", str(db), "--quiet"]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        def share(name: str, table: str) -> tuple[int, int]:
            return con.execute(
                f"""SELECT count(*) FILTER (WHERE f.verified), count(*) FROM core.{table} f
                    JOIN core.reports r USING (doc_id) WHERE r.source_path LIKE ? AND f.source = 'table'""",
                [f"%{name}"],
            ).fetchone()

        ok, n = share("huaianshi_2024.pdf", "fact_requests")
        assert ok == n == 175
        by = con.execute(
            """SELECT verified_by FROM core.fact_requests f JOIN core.reports r USING (doc_id)
               WHERE r.source_path LIKE '%huaianshi_2024.pdf' AND row_code = 'new_received' AND applicant = 'total'"""
        ).fetchone()[0]
        assert by == ["T3-01", "T3-03", "X-01"]  # the prose states the same 新收 total
        ok, n = share("huaianshi_2024.pdf", "fact_review_litigation")
        assert ok == n == 15
        ok, n = share("pingtan_nyn_2021.txt", "fact_requests")
        assert (ok, n) == (0, 175)
        # table 二 of a report alone, no prose stating its figures: kept, not verified
        ok, n = share("seed002.txt", "fact_active_disclosure")
        assert n > 0 and ok == 0
        nulls = con.execute(
            "SELECT count(*) FROM core.fact_requests WHERE value IS NULL AND verified"
        ).fetchone()[0]
        assert nulls == 0
        published = con.execute("SELECT count(*) FROM published.fact_requests WHERE verified").fetchone()[0]
        assert published >= 175


def test_a_recheck_rewrites_the_fact_rows_of_only_the_reports_whose_marks_change(tmp_path):
    """The marks are written back report by report (their rows deleted and inserted again from the
    batch's copy): a re-check that changes no mark leaves every row where it is; a report whose
    总计 was broken gets its table 三 marks taken away and keeps each of its rows once, and the
    other report's rows stay as they were."""
    import shutil

    import duckdb

    from conftest import SEEDS
    from orchestration.cli import main as ogi

    shutil.copyfile(CORPUS / "huaianshi_2024.pdf", tmp_path / "huaianshi_2024.pdf")
    shutil.copyfile(next(SEEDS.glob("002_*.txt")), tmp_path / "seed002.txt")
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(tmp_path), "--db", str(db), "--quiet"]) == 0
    rows = "SELECT rowid, * FROM core.fact_requests ORDER BY rowid"

    def stored() -> list[tuple]:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(rows).fetchall()

    before = stored()
    assert ogi(["check", "--db", str(db), "--quiet"]) == 0
    assert stored() == before  # nothing changed, nothing rewritten
    with duckdb.connect(str(db)) as con:
        (huaian,) = con.execute("SELECT doc_id FROM core.reports WHERE source_path LIKE '%huaianshi_2024.pdf'").fetchone()
        con.execute(
            "UPDATE core.fact_requests SET value = value + 1 WHERE doc_id = ? AND row_code = 'total_processed' AND applicant = 'total'",
            [huaian],
        )
        planted = [r[1:] for r in con.execute(f"SELECT * FROM ({rows}) WHERE doc_id = ?", [huaian]).fetchall()]
    assert ogi(["check", "--db", str(db), "--quiet"]) == 0
    after = stored()
    # the other report's rows as they were (rowids are positions: a checkpoint after a delete renumbers them)
    assert sorted(r[1:] for r in after if r[1] != huaian) == sorted(r[1:] for r in before if r[1] != huaian)
    mine = [r[1:] for r in after if r[1] == huaian]
    key = lambda r: (r[1], r[2], r[4])  # noqa: E731 (row_code, applicant, source)
    assert sorted(map(key, mine)) == sorted(map(key, planted))  # each row kept once
    assert not all(r[-2] for r in mine)  # the broken total takes marks away
    was = {key(r): r[:-2] for r in planted}
    assert all(was[key(r)] == r[:-2] for r in mine)  # only the marks changed


def test_ogi_show_lays_out_a_report_with_marks_locations_and_failures(tmp_path, capsys):
    import shutil

    from orchestration.cli import main as ogi

    for name in ("huaianshi_2024.pdf", "pingtan_nyn_2021.txt"):
        shutil.copyfile(CORPUS / name, tmp_path / name)
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(tmp_path), "--db", str(db), "--quiet"]) == 0
    capsys.readouterr()
    assert ogi(["show", "huaianshi_2024", "--db", str(db)]) == 0
    shown = capsys.readouterr().out
    assert "淮安市人民政府 2024" in shown and "status: published" in shown
    assert "一、本年新收政府信息公开申请数量" in shown and "3119✓" in shown
    assert "本年处理决定数量 3985758·件" in shown  # table 二: kept, nothing vouches for it
    assert "[pdf p4 (" in shown and "failing rules: none" in shown
    assert ogi(["show", "pingtan_nyn_2021.txt", "--db", str(db)]) == 0
    shown = capsys.readouterr().out
    assert "status: quarantined" in shown and "T3-03 [blocking]" in shown
    assert "[text chars " in shown
    assert ogi(["show", "no-such-report", "--db", str(db)]) == 1


def test_table_four_spacer_column_is_not_a_value():
    """A converter (LibreOffice's .doc round trip) inserts an empty column
    under 行政诉讼 between the two blocks: the 15 outcome columns are found by
    their header, and the spacer is never read as a cell."""
    text = (
        "四、政府信息公开行政复议、行政诉讼情况\n"
        "行政复议 | | | | | 行政诉讼 | | | | | | | | | |\n"
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | | 未经复议直接起诉 | | | | | 复议后起诉 | | | |\n"
        "| | | | | | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n"
        "2 | 1 | 0 | 0 | 3 | | 1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | | 0\n"
        "五、存在的主要问题及改进情况\n"
    )
    result = extract_tables(text)
    got = [f.value for f in result.review]
    assert got == [2, 1, 0, 0, 3, 1, 0, 0, 0, 1, 0, 0, 0, None, 0]
    assert blocking_codes(result) == []


def _report_text(table_three_text: str) -> str:
    """A whole 2019-form report around a table 三 (text layout)."""
    return (
        "某某县教育局2020年政府信息公开工作年度报告\n"
        "本报告根据《中华人民共和国政府信息公开条例》编制。\n"
        "一、总体情况\n2020年,我局认真贯彻落实政府信息公开工作要求。\n"
        "二、主动公开政府信息情况\n"
        "第二十条第(一)项 | | |\n信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量\n"
        "规章 | 0 | 0 | 0\n规范性文件 | 2 | 2 | 9\n"
        "第二十条第(五)项 | | |\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量\n"
        "行政许可 | 3 | 0 | 12\n其他对外管理服务事项 | 1 | 0 | 0\n"
        "第二十条第(六)项 | | |\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量\n"
        "行政处罚 | 2 | 0 | 5\n行政强制 | 0 | 0 | 0\n"
        "第二十条第(八)项 | | |\n信息内容 | 上一年项目数量 | 本年增/减 |\n行政事业性收费 | 0 | 0 |\n"
        "第二十条第(九)项 | | |\n信息内容 | 采购项目数量 | 采购总金额 |\n政府集中采购 | 1 | 20万元 |\n"
        + table_three_text.replace("\n五、存在的主要问题及改进情况\n无。\n", "\n")
        + "四、政府信息公开行政复议、行政诉讼情况\n"
        "行政复议 | | | | | 行政诉讼 | | | | | | | | |\n"
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | | | | | 复议后起诉 | | | |\n"
        "| | | | | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n"
        "0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n"
        "五、存在的主要问题及改进情况\n政策解读形式较为单一。\n六、其他需要报告的事项\n无。\n"
    )


def test_blank_totals_of_result_rows_publish_null_and_the_applicant_cells_verified(tmp_path):
    """Real reports leave the 总计 cells of the result rows blank while the
    applicant cells are filled: published, those totals NULL (never computed
    into numbers), the applicant cells verified by the column identities."""
    import duckdb

    from orchestration.cli import main as ogi

    blanked = {k: [str(v) for v in values[:6]] + [""] for k, (_, values) in enumerate(ROWS_2019) if 2 <= k <= 20}
    (tmp_path / "report.txt").write_text(_report_text(table_three(blanked)), encoding="utf-8")
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(tmp_path), "--db", str(db), "--quiet"]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        status, reason = con.execute("SELECT status, status_reason FROM core.reports").fetchone()
        assert status == "published", reason
        totals = con.execute(
            "SELECT count(*), count(value) FROM core.fact_requests WHERE applicant = 'total' AND row_code = 'granted'"
        ).fetchone()
        assert totals == (1, 0)
        granted = con.execute(
            "SELECT value, verified, verified_by FROM core.fact_requests WHERE row_code = 'granted' AND applicant = 'natural_person'"
        ).fetchone()
        assert granted[0] == 3 and granted[1] is True and "T3-02" in granted[2]
        assert con.execute("SELECT count(*) FROM published.fact_requests WHERE applicant = 'total' AND value IS NULL").fetchone()[0] == 19


def test_a_report_missing_its_total_row_or_half_its_rows_is_quarantined_by_p05(tmp_path):
    """Planted faults: table 三 without (七)总计, and with half its rows unread.
    Each is quarantined by P-05, and none of its values reaches published."""
    import duckdb

    from orchestration.cli import main as ogi

    lines = table_three().split("\n")
    no_total = "\n".join(line for line in lines if "(七)总计" not in line)
    half = "\n".join(line for line in lines if not any(k in line for k in ("1.属于国家秘密", "2.其他法律", "3.危及", "4.保护", "5.属于三类", "6.属于四类", "7.属于行政执法", "8.属于行政查询", "(四)无法提供", "2.没有现成", "3.补正后")))
    (tmp_path / "no_total.txt").write_text(_report_text(no_total).replace("某某县教育局", "甲县教育局"), encoding="utf-8")
    (tmp_path / "half.txt").write_text(_report_text(half).replace("某某县教育局", "乙县教育局"), encoding="utf-8")
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(tmp_path), "--db", str(db), "--quiet"]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT source_path, status, status_reason FROM core.reports ORDER BY 1").fetchall()
        assert [(p.rsplit("/", 1)[-1], s) for p, s, _ in rows] == [("half.txt", "quarantined"), ("no_total.txt", "quarantined")]
        assert all("P-05" in reason for _, _, reason in rows)
        assert con.execute("SELECT count(*) FROM published.fact_requests").fetchone()[0] == 0


@pytest.mark.parametrize("kept", ["total", "other"])
def test_a_fused_label_that_takes_another_rows_cells_is_quarantined(tmp_path, kept):
    """Planted fault: the (六)其他处理 label swallowed the (七)总计 label, and the one line
    carries only one row's cells — the total's (the (六) cells are lost) or (六)'s (the
    total's are lost). Fused labels are split and the cells go to the last row, so either
    the (六) row is NULL while the total counts it, or the total holds (六)'s figures: the
    column identities fail, the report is quarantined naming them, and nothing of it is
    published."""
    import duckdb

    from orchestration.cli import main as ogi

    cells = {0: ["6", "1", "0", "0", "0", "0", "7"], 20: ["1", "0", "0", "0", "0", "0", "1"],
             21: ["6", "1", "0", "0", "0", "0", "7"]}
    text = table_three(cells)
    other_line = "| (六)其他处理 | | " + " | ".join(cells[20])
    total_line = "| (七)总计 | | " + " | ".join(cells[21])
    assert other_line in text and total_line in text
    fused = "| (六)其他处理(七)总计 | | " + " | ".join(cells[21] if kept == "total" else cells[20])
    text = text.replace(other_line + "\n" + total_line, fused)
    (tmp_path / "fused.txt").write_text(_report_text(text), encoding="utf-8")
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(tmp_path), "--db", str(db), "--quiet"]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        status, reason = con.execute("SELECT status, status_reason FROM core.reports").fetchone()
        assert status == "quarantined"
        assert "T3-02" in reason
        assert con.execute("SELECT count(*) FROM published.fact_requests").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM published.reports").fetchone()[0] == 0


# --- a PDF without ruling lines: its text layer only (class 1) ------------------------

BORDERLESS_TABLE_TWO = """二、主动公开政府信息情况
第二十条第(一)项
本年新 本年新 对外公开
信息内容
制作数量 公开数量 总数量
规章 0 0 0
规范性文件 0 0 38
第二十条第(五)项
上一年 本年 处理决定
信息内容
项目数量 增/减 数量
行政许可 9 0 0
其他对外管理服务事项 34 0 41
第二十条第(八)项
上一年 本年
信息内容
项目数量 增/减
行政事业性收费
三、收到和处理政府信息公开申请情况
"""


def test_header_words_stacked_on_two_lines_are_read_column_by_column():
    """Chromium's PDF of a table without borders: each header cell's words wrap onto two
    lines of space-separated words ("本年新 本年新 对外公开" over "制作数量 公开数量 总数量").
    Row by row they name nothing; column by column every column."""
    result = extract_tables(BORDERLESS_TABLE_TWO)
    got = {(f.item, f.metric): f.value for f in result.active}
    assert got[("normative_documents", "total_published")] == 38
    assert got[("normative_documents", "new_made")] == 0
    assert got[("licensing", "prior_year")] == 9 and got[("other_services", "decisions")] == 41
    assert got[("fees", "prior_year")] is None and got[("fees", "change")] is None  # blank row, both columns known
    assert blocking_codes(result) == []


def test_stacked_header_words_that_do_not_line_up_are_not_guessed():
    """Two header lines of different word counts cannot be paired column by column: the
    sub-table stays unread (blocking), never read with a guessed header."""
    text = BORDERLESS_TABLE_TWO.replace("制作数量 公开数量 总数量", "制作数量 公开数量总数量")
    result = extract_tables(text)
    assert not any(f.item == "regulations" and f.value is not None for f in result.active)
    assert "header_unrecognised" in blocking_codes(result) or "rows_missing" in blocking_codes(result)


def test_one_figure_rows_printed_on_the_label_line():
    """2021 form, no ruling lines: "行政许可 693" is the row's label and its one cell."""
    text = (
        "二、主动公开政府信息情况\n第二十条第(一)项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n"
        "规章 0 0 0\n行政规范性文件 9 0 116\n第二十条第(五)项\n信息内容 本年处理决定数量\n行政许可 693\n"
        "第二十条第(六)项\n信息内容 本年处理决定数量\n行政处罚 156\n行政强制 0\n"
        "第二十条第(八)项\n信息内容 本年收费金额(单位:万元)\n行政事业性收费 51.822\n三、收到和处理政府信息公开申请情况\n"
    )
    result = extract_tables(text)
    got = {(f.item, f.metric): f.value for f in result.active}
    assert got[("licensing", "decisions")] == 693 and got[("punishment", "decisions")] == 156
    assert got[("coercion", "decisions")] == 0 and got[("fees", "amount")] == Decimal("51.822")
    assert "values_after_label" in {i.code for i in result.issues} and blocking_codes(result) == []
    # two numbers where the sub-table has one column: not a row of this table
    bad = extract_tables(text.replace("行政许可 693", "行政许可 6 93"))
    assert not any(f.item == "licensing" and f.value is not None for f in bad.active)
