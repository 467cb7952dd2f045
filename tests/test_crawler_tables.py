"""Crawler text (the whole body on one line) → tables 二/三/四.

Evidence:

* the real crawler pages pingtan_syq_2021/2023/2025 against their gold
  files, through `extract_tables(cleaned_text, hints)` with the hints the
  pipeline passes (exact prose figures), and through a real `ogi load`;
* pingtan_syq_2019 (2019 format, no gold): everything it publishes must
  satisfy the table identities, and no blocking issue;
* small inline fixtures written like those pages for what the corpus does
  not show: a row only the column identities decide, a joint ambiguity, an
  impossible run, a space-separated row, prose hints that choose or are
  ignored, an unexpected glued row number.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import CORPUS
from gold import compare, doc_id_for

from orchestration.cli import main as ogi
from transforms import codes, narrative, sections
from transforms.extract import extract_text
from transforms.tables import extract_tables

GOLD_FILES = ["pingtan_syq_2021.txt", "pingtan_syq_2023.txt", "pingtan_syq_2025.txt"]
# Gold values the document itself does not decide (see the test below).
NOT_IN_DOCUMENT = {("pingtan_syq_2021.txt", "active_disclosure.normative_documents.in_force")}


def cleaned(name: str) -> str:
    path = CORPUS / name
    return extract_text(path.read_bytes(), str(path)).text


def hints_for(text: str) -> dict[str, Decimal]:
    """What transforms.pipeline.derive_facts passes: exact prose figures with a metric."""
    figures = narrative.extract_figures(text, sections.split_sections(text))
    return {f.metric: f.value for f in figures if f.metric and f.qualifier == "exact"}


def gold(name: str) -> dict:
    return json.loads((CORPUS / "gold" / (Path(name).stem + ".json")).read_text(encoding="utf-8"))


def fact_map(result) -> dict:
    out = {f"active_disclosure.{f.item}.{f.metric}": f for f in result.active}
    out.update({f"requests.{f.row_code}.{f.applicant}": f for f in result.requests})
    out.update({f"review_litigation.{f.proceeding}.{f.outcome}": f for f in result.review})
    return out


def issues(result, code: str) -> list:
    return [i for i in result.issues if i.code == code]


def blocking(result) -> list:
    return [i for i in result.issues if i.blocking]


# --- the real pages against gold ------------------------------------------------


@pytest.mark.parametrize("name", GOLD_FILES)
def test_every_gold_value_through_extract_tables(name):
    text = cleaned(name)
    result = extract_tables(text, hints_for(text))
    assert result.found == {"active_disclosure", "requests", "review_litigation"}
    assert result.request_variant == "2021"
    assert blocking(result) == []
    got = fact_map(result)
    want = gold(name)
    checked = 0
    for table in ("active_disclosure", "requests", "review_litigation"):
        for key, value in want[table].items():
            code = f"{table}.{key}"
            assert code in got, code
            fact = got[code]
            if value is None or (name, code) in NOT_IN_DOCUMENT:
                assert fact.value is None, (code, fact.value)
            else:
                assert fact.value == Decimal(str(value)), (code, fact.value, value)
                checked += 1
            # CellRef.raw is the digit run as printed on the page
            assert fact.ref.raw and fact.ref.raw in text, (code, fact.ref.raw)
    assert len(got) == 10 + 175 + 15
    assert checked >= 196


def test_2021_normative_documents_are_not_decided_by_the_document():
    # Gold says 现行有效 665, from "693665". Ten readings fit the lexical rules;
    # 665 is in two of them (6|93|665, 69|3|665) and the others give 3665, 65,
    # 5. The prose says nothing about 规范性文件, and no rule of the format
    # relates the three columns, so the cell stays NULL, with the candidates.
    result = extract_tables(cleaned("pingtan_syq_2021.txt"))
    got = fact_map(result)
    assert [got[f"active_disclosure.normative_documents.{m}"].value for m in ("issued", "repealed", "in_force")] == [
        None,
        None,
        None,
    ]
    [issue] = [i for i in issues(result, "undecidable_split") if "693665" in i.message]
    assert not issue.blocking and issue.table == "active_disclosure"
    assert "10 readings" in issue.message and "6|93|665" in issue.message


def test_2023_prose_chooses_issued_but_not_in_force():
    # "动态更新本年度制发的规范性文件77件" → issued 77 keeps 5 of 21 readings of
    # 77132470; "现行有效…393件" matches none (and the narrative gives it no
    # metric anyway): repealed and in_force stay undecided.
    text = cleaned("pingtan_syq_2023.txt")
    hints = hints_for(text)
    assert hints["active_disclosure.normative_documents.issued"] == 77
    result = extract_tables(text, hints)
    got = fact_map(result)
    assert got["active_disclosure.normative_documents.issued"].value == 77
    assert got["active_disclosure.normative_documents.in_force"].value is None
    assert any("77132470" in i.message for i in issues(result, "split_decided_by_prose"))
    # without the prose the issued count is not decided either
    bare = fact_map(extract_tables(text))
    assert bare["active_disclosure.normative_documents.issued"].value is None
    # the prose figure 393 for in force fits no reading: ignored, noted
    with_393 = extract_tables(text, {**hints, "active_disclosure.normative_documents.in_force": Decimal(393)})
    assert fact_map(with_393)["active_disclosure.normative_documents.in_force"].value is None
    assert any("393" in i.message for i in issues(with_393, "hint_ignored"))


def _rows(result) -> dict[str, list[int | None]]:
    rows: dict[str, list[int | None]] = {}
    for f in result.requests:
        rows.setdefault(f.row_code, []).append(f.value)
    return rows


def test_2019_report_publishes_only_numbers_that_satisfy_the_identities():
    text = cleaned("pingtan_syq_2019.txt")
    result = extract_tables(text, hints_for(text))
    assert result.found == {"active_disclosure", "requests", "review_litigation"}
    assert result.request_variant == "2019" and blocking(result) == []
    rows = _rows(result)
    assert set(rows) == set(codes.REQUEST_ROWS_2019)
    assert all(v is not None for r in rows.values() for v in r)  # table 三 is fully decided
    for code, row in rows.items():
        assert row[6] == sum(row[:6]), code  # T3-01
    results = codes.RESULT_ROWS_BASE + (codes.OTHER_ROW_SINGLE,)
    for col in range(7):
        assert rows["total_processed"][col] == sum(rows[r][col] for r in results)  # T3-02
        assert rows["new_received"][col] + rows["carried_over"][col] == (
            rows["total_processed"][col] + rows["carried_forward"][col]
        )  # T3-03
    assert rows["new_received"] == [23, 0, 0, 0, 0, 0, 23]  # printed "230 000023"
    review = [f.value for f in result.review]
    assert review == [0] * 15
    active = {(f.item, f.metric): f.value for f in result.active}
    assert [active[("regulations", m)] for m in ("new_made", "new_published", "total_published")] == [0, 0, 0]
    # every other table-二 run has several readings and nothing to choose by
    assert all(v is None for (item, _), v in active.items() if item != "regulations")
    assert len(issues(result, "undecidable_split")) == 7


# --- inline fixtures --------------------------------------------------------------

T3_LABELS = [
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果(一)予以公开"),
    ("partly_granted", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
    ("denied_state_secret", "(三)不予公开1.属于国家秘密"),
    ("denied_law_forbids", "2.其他法律行政法规禁止公开"),
    ("denied_safety_stability", "3.危及“三安全一稳定”"),
    ("denied_third_party", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"),
    ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "7.属于行政执法案卷"),
    ("denied_inquiry", "8.属于行政查询事项"),
    ("unable_not_held", "(四)无法提供1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "3.补正后申请内容仍不明确"),
    ("rejected_petition", "(五)不予处理1.信访举报投诉类申请"),
    ("rejected_duplicate", "2.重复申请"),
    ("rejected_publication", "3.要求提供公开出版物"),
    ("rejected_excessive", "4.无正当理由大量反复申请"),
    ("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_no_correction", "(六)其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
    ("total_processed", "(七)总计"),
    ("carried_forward", "四、结转下年度继续办理"),
]
T4_HEADER = (
    "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
)
T2 = (
    "二、主动公开政府信息情况 第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章000"
    "行政规范性文件693665第二十条第(五)项信息内容本年处理决定数量行政许可2293 第二十条第(六)项信息内容"
    " 本年处理决定数量行政处罚1282行政强制42第二十条第(八)项信息内容 本年收费金额(单位:万元)"
    "行政事业性收费24252.311082"
)
ZERO = "0000000"


def page(runs: dict[str, str], t4: str = "10203120001200000") -> str:
    """A crawler page: header block, then the body on one line, tables included."""
    body = "".join(label + runs.get(code, ZERO) for code, label in T3_LABELS)
    return (
        "标题: 某区2021年度政府信息公开工作年度报告\n"
        "==================== 正文 ====================\n"
        "一、总体情况 本年度全区共收到12件申请,办结12件。"
        + T2
        + "三、收到和处理政府信息公开申请情况(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
        "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
        + body
        + T4_HEADER
        + t4
        + "五、存在的主要问题及改进情况2021年,我区政府信息公开工作取得了明显进展。\n"
    )


# 12 applications: 11 granted, 1 partly granted
BASE = {
    "new_received": "120000012",
    "granted": "110000011",  # alone: 11|0|0|0|0|0|11 or 1|10|0|0|0|0|11
    "partly_granted": "1000001",
    "total_processed": "120000012",
}


def test_column_identities_decide_a_row_its_own_total_does_not():
    result = extract_tables(page(BASE))
    assert blocking(result) == []
    rows = _rows(result)
    # T3-02, natural persons: 12 = granted + 1 → granted 11, so 11|0|…|11
    assert rows["granted"] == [11, 0, 0, 0, 0, 0, 11]
    assert rows["new_received"] == rows["total_processed"] == [12, 0, 0, 0, 0, 0, 12]
    assert rows["carried_forward"] == [0] * 7
    granted = [f for f in result.requests if f.row_code == "granted"]
    assert {f.ref.raw for f in granted} == {"110000011"}
    # table 四: the one reading of its 17 digits; table 二 as printed
    assert [f.value for f in result.review][:10] == [1, 0, 2, 0, 3, 12, 0, 0, 0, 12]
    got = fact_map(result)
    assert got["active_disclosure.fees.amount"].value == Decimal("24252.311082")
    assert got["active_disclosure.fees.amount"].unit == "万元"
    assert got["active_disclosure.licensing.decisions"].value == 2293
    # the only open question is table 二's 693665
    [open_row] = issues(result, "undecidable_split")
    assert "693665" in open_row.message


def test_joint_ambiguity_keeps_what_every_solution_agrees_on():
    runs = dict(
        BASE,
        new_received="12 10 0 0 0 0 22",  # space-separated
        granted="110000011",
        partly_granted="110000011",
        total_processed="12 10 0 0 0 0 22",
    )
    result = extract_tables(page(runs))
    rows = _rows(result)
    # granted + partly = (12, 10): (11,0)+(1,10) or (1,10)+(11,0)
    assert rows["granted"] == [None, None, 0, 0, 0, 0, 11]
    assert rows["partly_granted"] == [None, None, 0, 0, 0, 0, 11]
    assert rows["new_received"] == [12, 10, 0, 0, 0, 0, 22]
    undecided = [i for i in issues(result, "undecidable_split") if "110000011" in i.message]
    assert len(undecided) == 2 and all(not i.blocking for i in undecided)
    assert "11|0|0|0|0|0|11" in undecided[0].message and "1|10|0|0|0|0|11" in undecided[0].message
    assert blocking(result) == []


def test_impossible_run_blocks_and_publishes_nothing_for_it():
    # 51000006 reads 51|0|…|6 or 5|10|…|6; neither adds up
    result = extract_tables(page(dict(BASE, partly_granted="51000006")))
    rows = _rows(result)
    assert rows["partly_granted"] == [None] * 7
    [issue] = blocking(result)
    assert issue.code == "no_consistent_split" and "51000006" in issue.message and issue.table == "requests"
    assert rows["new_received"] == [12, 0, 0, 0, 0, 0, 12]


def test_space_separated_row_is_read_as_printed():
    result = extract_tables(page(dict(BASE, new_received=" 12 0 0 0 0 0 12 ")))
    new = [f for f in result.requests if f.row_code == "new_received"]
    assert [f.value for f in new] == [12, 0, 0, 0, 0, 0, 12]
    assert new[0].ref.raw == "12 0 0 0 0 0 12"


def test_prose_hint_chooses_among_readings_that_fit():
    hints = {
        "active_disclosure.normative_documents.issued": Decimal(6),
        "active_disclosure.normative_documents.in_force": Decimal(665),
    }
    result = extract_tables(page(BASE), hints)
    got = fact_map(result)
    assert [got[f"active_disclosure.normative_documents.{m}"].value for m in ("issued", "repealed", "in_force")] == [
        6,
        93,
        665,
    ]
    assert got["active_disclosure.normative_documents.in_force"].ref.raw == "693665"
    assert len(issues(result, "split_decided_by_prose")) == 2


def test_prose_hint_never_overrides_a_unique_split():
    hints = {"review_litigation.review.total": Decimal(5), "requests.granted.natural_person": Decimal(1)}
    result = extract_tables(page(BASE), hints)
    got = fact_map(result)
    assert got["review_litigation.review.total"].value == 3
    assert got["requests.granted.natural_person"].value == 11  # the column identities decided it
    ignored = issues(result, "hint_ignored")
    assert len(ignored) == 2 and not any(i.blocking for i in ignored)


def test_agreeing_prose_hint_is_silent():
    hints = {"requests.new_received.total": Decimal(12), "review_litigation.litigation.total": Decimal(12)}
    result = extract_tables(page(BASE), hints)
    assert issues(result, "hint_ignored") == [] and issues(result, "split_decided_by_prose") == []


def test_glued_row_number_is_taken_off_the_run():
    text = page(BASE)
    assert "00000002.其他法律" in text  # the layout of the real pages
    rows = _rows(extract_tables(text))
    assert rows["denied_law_forbids"] == [0] * 7 and rows["denied_state_secret"] == [0] * 7
    # a number out of sequence ("3." where 2. is due) is still a row number
    odd = text.replace("2.其他法律行政法规禁止公开", "3.其他法律行政法规禁止公开")
    result = extract_tables(odd)
    assert _rows(result)["denied_law_forbids"] == [0] * 7
    [issue] = issues(result, "numbering_unexpected")
    assert not issue.blocking


def test_prose_naming_a_row_before_the_tables_does_not_hide_them():
    text = page(BASE).replace(
        "一、总体情况 本年度全区共收到12件申请,办结12件。",
        "一、总体情况 本年新收政府信息公开申请数量为12,办结12件。",
    )
    result = extract_tables(text)
    assert result.found == {"active_disclosure", "requests", "review_litigation"}
    assert _rows(result)["granted"] == [11, 0, 0, 0, 0, 0, 11]


def test_prose_figures_are_not_table_rows():
    text = "一、总体情况 本年新收政府信息公开申请81件,上年结转3件,办结84件。其他内容。\n"
    result = extract_tables(text)
    assert result.found == set() and result.requests == []


# --- the whole pipeline -------------------------------------------------------------


@pytest.fixture(scope="module")
def pingtan_db(tmp_path_factory) -> Path:
    inbox = tmp_path_factory.mktemp("pingtan")
    for path in sorted(CORPUS.glob("pingtan_syq_20[12]*.txt")):
        shutil.copyfile(path, inbox / path.name)
    assert len(list(inbox.iterdir())) == 8  # 2011 … 2025: the pre-2019 pages load alongside
    db = tmp_path_factory.mktemp("db") / "ogi.duckdb"
    assert ogi(["load", str(inbox), "--db", str(db), "--quiet"]) == 0
    return db


@pytest.mark.parametrize("name", GOLD_FILES)
def test_loaded_pages_match_gold(pingtan_db, name):
    with duckdb.connect(str(pingtan_db), read_only=True) as con:
        doc = doc_id_for(con, name)
        problems = compare(con, doc, gold(name))
        status = con.execute("SELECT status FROM core.reports WHERE doc_id = ?", [doc]).fetchone()[0]
    # The gold marks the cells the document does not decide as null (the
    # corpus's second round); compare() counts a NULL there as right.
    for n, code in NOT_IN_DOCUMENT:
        if n == name:
            table, key = code.split(".", 1)
            assert gold(name)[table][key] is None, code
    assert problems == []
    assert status == "published"


def test_loaded_2019_page_satisfies_the_identities(pingtan_db):
    with duckdb.connect(str(pingtan_db), read_only=True) as con:
        doc = doc_id_for(con, "pingtan_syq_2019.txt")
        status = con.execute("SELECT status FROM core.reports WHERE doc_id = ?", [doc]).fetchone()[0]
        rows = con.execute(
            "SELECT row_code, applicant, value FROM core.fact_requests WHERE doc_id = ? AND source = 'table'", [doc]
        ).fetchall()
        review = con.execute(
            "SELECT proceeding, outcome, value FROM core.fact_review_litigation WHERE doc_id = ? AND source = 'table'",
            [doc],
        ).fetchall()
        failed = con.execute(
            "SELECT rule FROM core.check_results WHERE doc_id = ? AND severity = 'blocking' AND status = 'fail'", [doc]
        ).fetchall()
    assert status == "published" and failed == []
    grid = {(r, a): v for r, a, v in rows}
    assert len(grid) == 23 * 7 and None not in grid.values()
    for col in codes.APPLICANTS:
        assert grid[("new_received", col)] + grid[("carried_over", col)] == (
            grid[("total_processed", col)] + grid[("carried_forward", col)]
        )
    assert len(review) == 15 and all(v == 0 for _, _, v in review)
