"""Tables 二/三/四 → fact records.

Two kinds of evidence:

* the seed reports against their gold files, as stored and NFKC-normalised
  (the stand-in for cleaning), plus the same seeds with every value cell
  given a distinct number -- the gold values are mostly 0, which would hide
  a value read from the wrong column or row;
* inline fixtures written like real reports (values of 淮安市 2024 rendered
  as " | " rows, a 2019-format report in tab layout) for the cases the seeds
  do not show: the single (六)其他处理 row, blank and placeholder cells, a
  misaligned row, a subtotal row, "251000元", "-8", "3,985,758".
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import pytest
from conftest import seed_files, seed_gold

from transforms import codes
from transforms.model import TransformError
from transforms.tables import extract_tables
from transforms.tables.cells import RawRow
from transforms.tables.requests import read_request_rows, resolve_request_rows


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


_FULLWIDTH = str.maketrans(
    {"(": "（", ")": "）", ":": "：", ",": "，", **{str(d): chr(0xFF10 + d) for d in range(10)}}
)


def fullwidth(text: str) -> str:
    """The same text as an unclean page would carry it: full-width digits and punctuation."""
    return text.translate(_FULLWIDTH)


def active_map(result) -> dict:
    return {f"{f.item}.{f.metric}": f.value for f in result.active}


def request_map(result) -> dict:
    return {f"{f.row_code}.{f.applicant}": f.value for f in result.requests}


def review_map(result) -> dict:
    return {f"{f.proceeding}.{f.outcome}": f.value for f in result.review}


def blocking(result) -> list:
    return [i for i in result.issues if i.blocking]


def codes_of(result, blocking_only: bool | None = None) -> list[str]:
    return [i.code for i in result.issues if blocking_only is None or i.blocking == blocking_only]


# --- seeds against gold --------------------------------------------------------

TABLE_SEEDS = [p for p in seed_files() if seed_gold(p.name).get("active_disclosure") is not None]
NO_TABLE_SEEDS = [
    p for p in seed_files() if seed_gold(p.name)["report"]["format_version"] in ("none", "pre2019")
]
MAPS = {"active_disclosure": active_map, "requests": request_map, "review_litigation": review_map}


def test_seed_selection_is_the_expected_one():
    assert [p.name[:3] for p in TABLE_SEEDS] == ["000", "001", "002"]
    assert [p.name[:3] for p in NO_TABLE_SEEDS] == ["003", "004"]


@pytest.mark.parametrize("form", [str, nfkc], ids=["raw", "nfkc"])
@pytest.mark.parametrize("path", TABLE_SEEDS, ids=lambda p: p.name[:3])
def test_seed_tables_match_gold(path, form):
    gold = seed_gold(path.name)
    result = extract_tables(form(path.read_text(encoding="utf-8")))
    for table, to_map in MAPS.items():
        expected = gold[table]
        got = to_map(result)
        if expected is None:
            assert table not in result.found
            assert got == {}
            continue
        assert table in result.found
        assert set(got) == set(expected), table
        for key, value in expected.items():
            if value is None:
                assert got[key] is None, key
            else:
                assert got[key] == Decimal(str(value)), key
    assert blocking(result) == []
    if gold["requests"] is not None:
        assert result.request_variant == ("2021" if "other_other.total" in gold["requests"] else "2019")


@pytest.mark.parametrize("form", [str, nfkc], ids=["raw", "nfkc"])
@pytest.mark.parametrize("path", NO_TABLE_SEEDS, ids=lambda p: p.name[:3])
def test_reports_without_tables_give_no_facts(path, form):
    result = extract_tables(form(path.read_text(encoding="utf-8")))
    assert result.found == set()
    assert result.active == result.requests == result.review == []
    assert result.issues == []


def test_seed_000_blank_rows_are_null_with_their_raw_text_empty():
    path = next(p for p in TABLE_SEEDS if p.name.startswith("000"))
    result = extract_tables(path.read_text(encoding="utf-8"))
    fees = [f for f in result.active if f.item in ("fees", "procurement")]
    assert len(fees) == 4 and all(f.value is None and f.ref.raw == "" for f in fees)
    assert {f.unit for f in result.active if f.metric in ("new_made", "decisions")} == {"件"}
    assert {f.unit for f in result.active if f.metric in ("prior_year", "change", "items")} == {None}
    assert "blank_row" in codes_of(result, blocking_only=False)


# --- seeds with distinct values: catches a value read from the wrong cell -------

_NUM_CELL = re.compile(r"^(\s*)\d+(?:\.\d+)?(\s*)$")


def renumber(text: str, start: str, stop: str, base: int) -> tuple[str, list[list[int]]]:
    """Give every numeric cell between the line containing ``start`` and the
    line containing ``stop`` a distinct value; return the text and the
    values of each line, in order."""
    out, per_line, inside, n = [], [], False, base
    for line in text.split("\n"):
        if not inside and start in line:
            inside = True
        elif inside and stop in line:
            inside = False
        if inside:
            sep = "\t" if "\t" in line else "|" if "|" in line else None
            cells = line.split(sep) if sep else [line]
            values = []
            for j, cell in enumerate(cells):
                m = _NUM_CELL.match(cell)
                if m and cell.strip():
                    n += 1
                    values.append(n)
                    cells[j] = f"{m.group(1)}{n}{m.group(2)}"
            if values:
                per_line.append(values)
            line = sep.join(cells) if sep else cells[0]
        out.append(line)
    return "\n".join(out), per_line


def _seed(prefix: str) -> str:
    return next(p for p in TABLE_SEEDS if p.name.startswith(prefix)).read_text(encoding="utf-8")


def _renumbered_2021(text: str):
    text, active_lines = renumber(text, "第二十条第", "收到和处理", 100)
    text, request_lines = renumber(text, "本年新收", "四、政府信息公开行政复议", 1000)
    text, review_lines = renumber(text, "复议后起诉", "五、", 5000)
    return text, active_lines, request_lines, review_lines


@pytest.mark.parametrize("form", [str, nfkc], ids=["raw", "nfkc"])
@pytest.mark.parametrize("prefix", ["001", "002"])
def test_2021_seed_layouts_map_every_cell_to_its_row_and_column(prefix, form):
    text, active_lines, request_lines, review_lines = _renumbered_2021(_seed(prefix))
    result = extract_tables(form(text))
    assert blocking(result) == []

    # table 三: the n-th data line is the n-th row of the format, 7 values each
    assert [len(v) for v in request_lines] == [7] * 25
    expected = {
        f"{row}.{applicant}": request_lines[k][j]
        for k, row in enumerate(codes.REQUEST_ROWS_2021)
        for j, applicant in enumerate(codes.APPLICANTS)
    }
    assert request_map(result) == expected

    # table 四: one data line of 15 values in proceeding x outcome order
    assert len(review_lines) == 1
    expected_review = {
        f"{p}.{o}": review_lines[0][k]
        for k, (p, o) in enumerate((p, o) for p in codes.PROCEEDINGS for o in codes.OUTCOMES)
    }
    assert review_map(result) == expected_review

    # table 二: rows and columns in the official 2021 layout order
    flat = [v for line in active_lines for v in line]
    pairs = [f"{item}.{metric}" for item, metrics in codes.ACTIVE_LAYOUT_2021.items() for metric in metrics]
    assert active_map(result) == {key: Decimal(v) for key, v in zip(pairs, flat, strict=True)}


def test_2019_stream_seed_maps_every_cell():
    text, lines = renumber(_seed("000"), "第二十条第", "存在的主要问题", 10)
    flat = [v for line in lines for v in line]
    pairs = [f"{item}.{metric}" for item, metrics in codes.ACTIVE_LAYOUT_2019.items() for metric in metrics]
    for form in (str, nfkc):
        got = active_map(extract_tables(form(text)))
        assert len(flat) == 18  # 规章 … 行政强制; 收费 and 采购 are blank in this report
        expected = {key: (Decimal(v) if v is not None else None) for key, v in zip(pairs, flat + [None] * 4)}
        assert got == expected


def to_one_cell_per_line(text: str) -> str:
    """The tables of a pipe/tab text re-laid out one cell per line, blank lines
    between, and two-word headers broken over lines (the seed-000 layout)."""
    out = []
    for line in text.split("\n"):
        sep = "\t" if "\t" in line else "|" if "|" in line else None
        for cell in (c.strip() for c in (line.split(sep) if sep else [line])):
            if not cell:
                continue
            if cell in ("本年制发件数", "本年废止件数", "现行有效件数"):
                out += [cell[:4], cell[4:]]  # "本年制发" / "件数"
            else:
                out.append(cell)
            out.append("")
    return "\n".join(out)


@pytest.mark.parametrize("prefix", ["001", "002"])
def test_one_cell_per_line_layout_gives_the_same_facts(prefix):
    text, active_lines, request_lines, review_lines = _renumbered_2021(_seed(prefix))
    grid = extract_tables(text)
    for form in (str, nfkc):
        stream = extract_tables(form(to_one_cell_per_line(text)))
        assert blocking(stream) == []
        assert stream.found == grid.found == {"active_disclosure", "requests", "review_litigation"}
        assert request_map(stream) == request_map(grid)
        assert review_map(stream) == review_map(grid)
        assert active_map(stream) == active_map(grid)


def test_misaligned_row_in_a_real_tab_layout_blocks_and_is_not_guessed():
    text = _seed("002")
    row = "\t2. 重复申请\t0\t0\t0\t0\t0\t0\t0"
    assert row in text
    result = extract_tables(text.replace(row, "\t2. 重复申请\t0\t0\t0\t0\t0\t0"))
    issues = [i for i in blocking(result) if i.code == "table_row_misaligned"]
    assert len(issues) == 1 and "重复申请" in issues[0].message and issues[0].table == "requests"
    assert not any(k.startswith("rejected_duplicate.") for k in request_map(result))
    assert len(result.requests) == 24 * 7


# --- inline fixture: 淮安市 2024 (2021 format) as " | " rows -------------------

HUAIAN_2021 = """二、主动公开政府信息情况
第二十条第(一)项 |  |  | 
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 | 1 | 0 | 11
行政规范性文件 | 8 | 26 | 66
第二十条第(五)项 |  |  | 
信息内容 | 本年处理决定数量 |  | 
行政许可 | 447,228 |  | 
第二十条第(六)项 |  |  | 
信息内容 | 本年处理决定数量 |  | 
行政处罚 | 3,985,758 |  | 
行政强制 | 88283 |  | 
第二十条第(八)项 |  |  | 
信息内容 | 本年收费金额(单位:万元) |  | 
行政事业性收费 | 96171.6 |  | 
三、收到和处理政府信息公开申请情况
(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) |  |  | 申请人情况 |  |  |  |  |  | 
 |  |  | 自然人 | 法人或其他组织 |  |  |  |  | 总计
 |  |  |  | 商业 企业 | 科研 机构 | 社会公益组织 | 法律服务机构 | 其他 | 
一、本年新收政府信息公开申请数量 |  |  | 3,001 | 53 | 0 | 0 | 61 | 4 | 3,119
二、上年结转政府信息公开申请数量 |  |  | 34 | 0 | 0 | 0 | 0 | 0 | 34
三、本年度办理结果 | (一)予以公开 |  | 1288 | 21 | 0 | 0 | 50 | 3 | 1362
 | (二)部分公开(区分处理的,只计这一情形,不计其他情形) |  | 447 | 7 | 0 | 0 | 0 | 0 | 454
 | (三)不予公开 | 1.属于国家秘密 | 2 | 0 | 0 | 0 | 0 | 0 | 2
 |  | 2.其他法律行政止公开 | 30 | 1 | 0 | 0 | 0 | 0 | 31
 |  | 3.危及“三安全一稳定” | 5 | 0 | 0 | 0 | 0 | 0 | 5
 |  | 4.保护第三方合法权益 | 6 | 0 | 0 | 0 | 0 | 0 | 6
 |  | 5.属于三类内部事务信息 | 7 | 1 | 0 | 0 | 0 | 0 | 8
 |  | 6.属于四类过程性信息 | 12 | 0 | 0 | 0 | 0 | 0 | 12
 |  | 7.属于行政执法案卷 | 9 | 0 | 0 | 0 | 0 | 0 | 9
 |  | 8.属于行政查询事项 | 105 | 0 | 0 | 0 | 0 | 0 | 105
 | (四)无法提供 | 1、本机关不掌握相关政府信息 | 746 | 12 | 0 | 0 | 10 | 1 | 769
 |  | 2、没有现成信息需要另行制作 | 11 | 0 | 0 | 0 | 0 | 0 | 11
 |  | 3、补正后申请内容仍不明确 | 1 | 0 | 0 | 0 | 0 | 0 | 1
 | (五)不予处理 | 1.信访举报投诉类申请 | 56 | 6 | 0 | 0 | 0 | 0 | 62
 |  | 2.重复申请 | 25 | 0 | 0 | 0 | 0 | 0 | 25
 |  | 3.要求提供公开出版物 | 0 | 0 | 0 | 0 | 0 | 0 | 0
 |  | 4.无正当理由大量反复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0
 |  | 5.要求行政机关确认或重新出具已获取信息 | 1 | 0 | 0 | 0 | 0 | 0 | 1
 | (六)其他处理 | 1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 67 | 3 | 0 | 0 | 1 | 0 | 71
 |  | 2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 6 | 0 | 0 | 0 | 0 | 0 | 6
 |  | 3、其他 | 108 | 2 | 0 | 0 | 0 | 0 | 110
 | (七)总计 |  | 2932 | 53 | 0 | 0 | 61 | 4 | 3050
四、结转下年度继续办理 |  |  | 103 | 0 | 0 | 0 | 0 | 0 | 103
四、政府信息公开行政复议、行政诉讼情况
行政复议 |  |  |  |  | 行政诉讼 |  |  |  |  |  |  |  |  | 
结果维持 | 结果纠正 | 其他结果 | 尚未 审结 | 总计 | 未经复议直接起诉 |  |  |  |  | 复议后起诉 |  |  |  | 
 |  |  |  |  | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计
72 | 64 | 178 | 37 | 351 | 13 | 4 | 8 | 1 | 26 | 12 | 1 | 1 | 6 | 20
五、存在的主要问题及改进情况
"""

HUAIAN_REQUESTS = {
    "new_received": [3001, 53, 0, 0, 61, 4, 3119],
    "carried_over": [34, 0, 0, 0, 0, 0, 34],
    "granted": [1288, 21, 0, 0, 50, 3, 1362],
    "partly_granted": [447, 7, 0, 0, 0, 0, 454],
    "denied_state_secret": [2, 0, 0, 0, 0, 0, 2],
    "denied_law_forbids": [30, 1, 0, 0, 0, 0, 31],
    "denied_safety_stability": [5, 0, 0, 0, 0, 0, 5],
    "denied_third_party": [6, 0, 0, 0, 0, 0, 6],
    "denied_internal_affairs": [7, 1, 0, 0, 0, 0, 8],
    "denied_process_info": [12, 0, 0, 0, 0, 0, 12],
    "denied_enforcement_file": [9, 0, 0, 0, 0, 0, 9],
    "denied_inquiry": [105, 0, 0, 0, 0, 0, 105],
    "unable_not_held": [746, 12, 0, 0, 10, 1, 769],
    "unable_needs_creation": [11, 0, 0, 0, 0, 0, 11],
    "unable_unclear": [1, 0, 0, 0, 0, 0, 1],
    "rejected_petition": [56, 6, 0, 0, 0, 0, 62],
    "rejected_duplicate": [25, 0, 0, 0, 0, 0, 25],
    "rejected_publication": [0, 0, 0, 0, 0, 0, 0],
    "rejected_excessive": [0, 0, 0, 0, 0, 0, 0],
    "rejected_confirmation": [1, 0, 0, 0, 0, 0, 1],
    "other_no_correction": [67, 3, 0, 0, 1, 0, 71],
    "other_unpaid_fee": [6, 0, 0, 0, 0, 0, 6],
    "other_other": [108, 2, 0, 0, 0, 0, 110],
    "total_processed": [2932, 53, 0, 0, 61, 4, 3050],
    "carried_forward": [103, 0, 0, 0, 0, 0, 103],
}
HUAIAN_REVIEW = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]


def _expected_requests(rows: dict) -> dict:
    return {
        f"{row}.{a}": v for row, values in rows.items() for a, v in zip(codes.APPLICANTS, values, strict=True)
    }


@pytest.mark.parametrize("form", [str, fullwidth, nfkc], ids=["as-written", "fullwidth", "nfkc"])
def test_2021_fixture_reads_every_value(form):
    result = extract_tables(form(HUAIAN_2021))
    assert result.found == {"active_disclosure", "requests", "review_litigation"}
    assert result.issues == []
    assert result.request_variant == "2021"
    assert request_map(result) == _expected_requests(HUAIAN_REQUESTS)
    assert list(review_map(result).values()) == HUAIAN_REVIEW
    assert list(review_map(result)) == [f"{p}.{o}" for p in codes.PROCEEDINGS for o in codes.OUTCOMES]
    active = {f"{f.item}.{f.metric}": (f.value, f.unit) for f in result.active}
    assert active == {
        "regulations.issued": (1, "件"),
        "regulations.repealed": (0, "件"),
        "regulations.in_force": (11, "件"),
        "normative_documents.issued": (8, "件"),
        "normative_documents.repealed": (26, "件"),
        "normative_documents.in_force": (66, "件"),
        "licensing.decisions": (447228, "件"),  # "447,228"
        "punishment.decisions": (3985758, "件"),  # "3,985,758"
        "coercion.decisions": (88283, "件"),
        "fees.amount": (Decimal("96171.6"), "万元"),
    }
    refs = {(f.item, f.metric): f.ref for f in result.active}
    assert form("3,985,758") == refs[("punishment", "decisions")].raw
    fact = next(f for f in result.requests if f.row_code == "denied_law_forbids" and f.applicant == "total")
    assert fact.ref.row_label == form("2.其他法律行政止公开") and fact.ref.column_label == "总计"


def test_blank_cell_is_null_and_placeholders_keep_their_text():
    text = HUAIAN_2021.replace(
        "三、本年度办理结果 | (一)予以公开 |  | 1288 | 21 | 0 | 0 | 50 | 3 | 1362",
        "三、本年度办理结果 | (一)予以公开 |  | 1288 |  | - | / | 50 | 无 | 1362",
    ).replace(" |  | 7.属于行政执法案卷 | 9 | 0 | 0 | 0 | 0 | 0 | 9", " |  | 7.属于行政执法案卷 | 9 | 0 | — | 0 | 0 | 0 | 9")
    result = extract_tables(text)
    assert blocking(result) == []
    granted = {f.applicant: (f.value, f.ref.raw) for f in result.requests if f.row_code == "granted"}
    assert granted == {
        "natural_person": (1288, "1288"),
        "commercial": (None, ""),
        "research": (None, "-"),
        "social_welfare": (None, "/"),
        "legal_services": (50, "50"),
        "other_org": (None, "无"),
        "total": (1362, "1362"),
    }
    assert request_map(result)["denied_enforcement_file.research"] is None
    assert request_map(result)["denied_enforcement_file.total"] == 9


def test_misaligned_row_blocks_and_stores_nothing_for_that_row():
    row = " |  | 2.重复申请 | 25 | 0 | 0 | 0 | 0 | 0 | 25"
    assert row in HUAIAN_2021
    result = extract_tables(HUAIAN_2021.replace(row, " |  | 2.重复申请 | 25 | 0 | 0 | 0 | 25"))
    issues = blocking(result)
    # The misread row, and the table it leaves half-read: both block.
    assert [i.code for i in issues] == ["table_row_misaligned", "rows_missing"]
    assert "2.重复申请" in issues[0].message and "'25', '0', '0', '0', '25'" in issues[0].message
    got = request_map(result)
    assert not any(k.startswith("rejected_duplicate.") for k in got)
    expected = _expected_requests({k: v for k, v in HUAIAN_REQUESTS.items() if k != "rejected_duplicate"})
    assert got == expected
    assert "rejected_duplicate" in issues[1].message


def test_blank_last_cell_in_a_regular_grid_is_read_by_column():
    # Shanghai 2019 left the total of (一)予以公开 blank. In a table where every
    # row has the same cells, the blank is the total column, not a shift.
    text = HUAIAN_2021.replace(
        "三、本年度办理结果 | (一)予以公开 |  | 1288 | 21 | 0 | 0 | 50 | 3 | 1362",
        "三、本年度办理结果 | (一)予以公开 |  | 1288 | 21 | 0 | 0 | 50 | 3 | ",
    )
    result = extract_tables(text)
    assert blocking(result) == []
    assert "row_aligned_by_grid" in codes_of(result, blocking_only=False)
    granted = [request_map(result)[f"granted.{a}"] for a in codes.APPLICANTS]
    assert granted == [1288, 21, 0, 0, 50, 3, None]


def test_blank_last_cell_in_a_ragged_layout_is_not_guessed():
    # Seed 002's rows do not share a grid: the same blank total must block.
    text = _seed("002")
    row = "\t（一）予以公开\t0\t0\t0\t0\t0\t0\t0\t"
    assert row in text
    result = extract_tables(text.replace(row, "\t（一）予以公开\t0\t0\t0\t0\t0\t0\t\t"))
    assert [i.code for i in blocking(result)] == ["table_row_misaligned", "rows_missing"]
    assert not any(k.startswith("granted.") for k in request_map(result))


def test_subtotal_row_is_read_but_not_stored():
    first_item = " | (三)不予公开 | 1.属于国家秘密 | 2 | 0 | 0 | 0 | 0 | 0 | 2"
    subtotal = " | (三)不予公开 |  | 176 | 2 | 0 | 0 | 0 | 0 | 178"
    result = extract_tables(HUAIAN_2021.replace(first_item, subtotal + "\n" + first_item))
    assert blocking(result) == []
    assert codes_of(result) == ["subtotal_row"]
    assert request_map(result) == _expected_requests(HUAIAN_REQUESTS)
    assert all(f.value != 176 for f in result.requests)


def test_other_alone_is_other_other_only_under_other_handling():
    # A "3.其他" row right after the (五) rows has no (六) context: not other_other.
    rows = HUAIAN_2021.split("\n")
    start = next(i for i, line in enumerate(rows) if "(六)其他处理" in line)
    kept = rows[:start] + [" |  | 3.其他 | 108 | 2 | 0 | 0 | 0 | 0 | 110"] + rows[start + 3 :]
    result = extract_tables("\n".join(kept))
    assert "other_other.total" not in request_map(result)
    assert any(i.code == "unknown_row" and "3.其他" in i.message for i in blocking(result))


def test_group_prefix_in_the_same_cell_and_split_words_are_understood():
    text = (
        HUAIAN_2021.replace("三、本年度办理结果 | (一)予以公开 |  |", "三、本年度办理结果(一)予以公开 |  |  |")
        .replace(" | (三)不予公开 | 1.属于国家秘密 |", " |  | (三)不予公开1.属于国家秘密 |")
        .replace(" | (五)不予处理 | 1.信访举报投诉类申请 |", " | (五) 不予 处理 | 1. 信访 举报投诉类申请 |")
    )
    result = extract_tables(text)
    assert blocking(result) == []
    assert request_map(result) == _expected_requests(HUAIAN_REQUESTS)


def test_review_table_with_a_missing_cell_blocks():
    data = "72 | 64 | 178 | 37 | 351 | 13 | 4 | 8 | 1 | 26 | 12 | 1 | 1 | 6 | 20"
    short = data.rsplit(" | ", 1)[0]  # the last cell (复议后起诉 总计) lost
    result = extract_tables(HUAIAN_2021.replace(data, short))
    assert "review_litigation" in result.found
    assert result.review == []
    issues = blocking(result)
    assert [i.code for i in issues] == ["table_row_misaligned"] and issues[0].table == "review_litigation"


def test_review_header_in_another_order_blocks():
    text = HUAIAN_2021.replace("未经复议直接起诉 |  |  |  |  | 复议后起诉", "复议后起诉 |  |  |  |  | 未经复议直接起诉")
    result = extract_tables(text)
    assert result.review == []
    assert [i.code for i in blocking(result)] == ["header_unverified"]


def test_absent_tables_are_not_found_and_give_no_facts():
    start = HUAIAN_2021.index("四、政府信息公开行政复议")
    result = extract_tables("一、总体情况\n本机关依法公开政府信息。\n" + HUAIAN_2021[start:])
    assert result.found == {"review_litigation"}
    assert result.active == [] and result.requests == []
    assert result.request_variant is None
    assert list(review_map(result).values()) == HUAIAN_REVIEW


def test_a_table_printed_twice_is_stored_once_and_must_agree():
    twice = extract_tables(HUAIAN_2021 + "\n" + HUAIAN_2021)
    assert twice.issues == []
    assert len(twice.requests) == 175 and len(twice.review) == 15 and len(twice.active) == 10
    changed = HUAIAN_2021.replace("行政强制 | 88283 |", "行政强制 | 88284 |").replace(
        "2.重复申请 | 25 | 0 | 0 | 0 | 0 | 0 | 25", "2.重复申请 | 24 | 0 | 0 | 0 | 0 | 0 | 24"
    )
    conflict = extract_tables(HUAIAN_2021 + "\n" + changed)
    assert sorted(i.table for i in blocking(conflict) if i.code == "conflicting_values") == [
        "active_disclosure",
        "requests",
    ]
    assert active_map(conflict)["coercion.decisions"] == 88283


# --- inline fixture: a 2019-format report (tab layout, Hubei extra row) --------

REPORT_2019 = (
    "二、主动公开政府信息情况\n"
    "第二十条第（一）项\t\t\t\n"
    "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
    "规章\t0\t0\t0\n"
    "规范性文件\t12\t12\t86\n"
    "其他主动公开文件\t186\t86\t1024\n"
    "第二十条第（五）项\t\t\t\n"
    "信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
    "行政许可\t57\t-8\t1,204\n"
    "其他对外管理服务事项\t23\t2\t415\n"
    "第二十条第（六）项\t\t\t\n"
    "信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
    "行政处罚\t120\t0\t3,985,758\n"
    "行政强制\t15\t-1\t-\n"
    "第二十条第（八）项\t\t\t\n"
    "信息内容\t上一年项目数量\t本年增/减\t\n"
    "行政事业性收费\t3\t0\t\n"
    "第二十条第（九）项\t\t\t\n"
    "信息内容\t采购项目数量\t采购总金额\t\n"
    "政府集中采购\t4\t251000元\t\n"
    "\n"
    "三、收到和处理政府信息公开申请情况\n"
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t申请人情况\t\t\t\t\t\t\n"
    "\t\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
    "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n"
    "一、本年新收政府信息公开申请数量\t\t767\t35\t0\t0\t2\t1\t805\n"
    "二、上年结转政府信息公开申请数量\t\t50\t4\t0\t0\t0\t0\t54\n"
    "三、本年度办理结果\t（一）予以公开\t230\t10\t0\t0\t1\t0\t241\n"
    "\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t30\t4\t0\t0\t0\t0\t34\n"
    "\t（三）不予公开\t1.属于国家秘密\t1\t0\t0\t0\t0\t0\t1\n"
    "\t\t2.其他法律行政法规禁止公开\t2\t0\t0\t0\t0\t0\t2\n"
    "\t\t3.危及“三安全一稳定”\t3\t0\t0\t0\t0\t0\t3\n"
    "\t\t4.保护第三方合法权益\t9\t1\t0\t0\t0\t0\t10\n"
    "\t\t5.属于三类内部事务信息\t4\t0\t0\t0\t0\t0\t4\n"
    "\t\t6.属于四类过程性信息\t11\t2\t0\t0\t0\t0\t13\n"
    "\t\t7.属于行政执法案卷\t5\t0\t0\t0\t0\t0\t5\n"
    "\t\t8.属于行政查询事项\t6\t0\t0\t0\t0\t0\t6\n"
    "\t（四）无法提供\t1.本机关不掌握相关政府信息\t260\t12\t0\t0\t1\t1\t274\n"
    "2.没有现成信息需要另行制作\t\t8\t1\t0\t0\t0\t0\t9\n"
    "3.补正后申请内容仍不明确\t\t50\t2\t0\t0\t0\t0\t52\n"
    "(五) 不予 处理\t1.信访举报投诉类申请\t70\t3\t0\t0\t0\t0\t73\n"
    "\t2.重复申请\t20\t1\t0\t0\t0\t0\t21\n"
    "\t3.要求提供公开出版物\t2\t0\t0\t0\t0\t0\t2\n"
    "\t4.无正当理由大量反复申请\t7\t0\t0\t0\t0\t0\t7\n"
    "\t5.要求行政机关确认或重新出具已获取信息\t1\t0\t0\t0\t0\t0\t1\n"
    "（六）其他处理\t\t38\t2\t0\t0\t0\t0\t40\n"
    "（七）总计\t\t767\t38\t0\t0\t2\t1\t808\n"
    "四、结转下年度继续办理\t\t50\t1\t0\t0\t0\t0\t51\n"
    "\n"
    "四、政府信息公开行政复议、行政诉讼情况\n"
    "行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t\n"
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t\n"
    "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
    "12\t3\t1\t2\t18\t5\t0\t0\t1\t6\t4\t1\t0\t0\t5\n"
    "\n"
    "五、政府信息公开工作存在的主要问题及改进情况\n"
)

REQUESTS_2019 = {
    "new_received": [767, 35, 0, 0, 2, 1, 805],
    "carried_over": [50, 4, 0, 0, 0, 0, 54],
    "granted": [230, 10, 0, 0, 1, 0, 241],
    "partly_granted": [30, 4, 0, 0, 0, 0, 34],
    "denied_state_secret": [1, 0, 0, 0, 0, 0, 1],
    "denied_law_forbids": [2, 0, 0, 0, 0, 0, 2],
    "denied_safety_stability": [3, 0, 0, 0, 0, 0, 3],
    "denied_third_party": [9, 1, 0, 0, 0, 0, 10],
    "denied_internal_affairs": [4, 0, 0, 0, 0, 0, 4],
    "denied_process_info": [11, 2, 0, 0, 0, 0, 13],
    "denied_enforcement_file": [5, 0, 0, 0, 0, 0, 5],
    "denied_inquiry": [6, 0, 0, 0, 0, 0, 6],
    "unable_not_held": [260, 12, 0, 0, 1, 1, 274],
    "unable_needs_creation": [8, 1, 0, 0, 0, 0, 9],
    "unable_unclear": [50, 2, 0, 0, 0, 0, 52],
    "rejected_petition": [70, 3, 0, 0, 0, 0, 73],
    "rejected_duplicate": [20, 1, 0, 0, 0, 0, 21],
    "rejected_publication": [2, 0, 0, 0, 0, 0, 2],
    "rejected_excessive": [7, 0, 0, 0, 0, 0, 7],
    "rejected_confirmation": [1, 0, 0, 0, 0, 0, 1],
    "other_handling": [38, 2, 0, 0, 0, 0, 40],
    "total_processed": [767, 38, 0, 0, 2, 1, 808],
    "carried_forward": [50, 1, 0, 0, 0, 0, 51],
}


@pytest.mark.parametrize("form", [str, nfkc], ids=["raw", "nfkc"])
def test_2019_report_single_other_handling_row(form):
    result = extract_tables(form(REPORT_2019))
    assert result.request_variant == "2019"
    assert blocking(result) == []
    assert request_map(result) == _expected_requests(REQUESTS_2019)
    assert len(result.requests) == 23 * 7
    assert not any(f.row_code in codes.OTHER_ROWS_2021 for f in result.requests)
    assert list(review_map(result).values()) == [12, 3, 1, 2, 18, 5, 0, 0, 1, 6, 4, 1, 0, 0, 5]


@pytest.mark.parametrize("form", [str, nfkc], ids=["raw", "nfkc"])
def test_2019_active_disclosure_units_signs_and_placeholders(form):
    result = extract_tables(form(REPORT_2019))
    got = {f"{f.item}.{f.metric}": (f.value, f.unit, f.ref.raw) for f in result.active}
    assert got == {
        "regulations.new_made": (0, "件", "0"),
        "regulations.new_published": (0, "件", "0"),
        "regulations.total_published": (0, "件", "0"),
        "normative_documents.new_made": (12, "件", "12"),
        "normative_documents.new_published": (12, "件", "12"),
        "normative_documents.total_published": (86, "件", "86"),
        "licensing.prior_year": (57, None, "57"),
        "licensing.change": (-8, None, "-8"),
        "licensing.decisions": (1204, "件", "1,204"),
        "other_services.prior_year": (23, None, "23"),
        "other_services.change": (2, None, "2"),
        "other_services.decisions": (415, "件", "415"),
        "punishment.prior_year": (120, None, "120"),
        "punishment.change": (0, None, "0"),
        "punishment.decisions": (3985758, "件", "3,985,758"),
        "coercion.prior_year": (15, None, "15"),
        "coercion.change": (-1, None, "-1"),
        "coercion.decisions": (None, "件", "-"),
        "fees.prior_year": (3, None, "3"),
        "fees.change": (0, None, "0"),
        "procurement.items": (4, None, "4"),
        "procurement.amount": (251000, "元", "251000元"),
    }
    # The Hubei extra row (186 / 86 / 1024) must not land on any item.
    assert codes_of(result) == ["extra_row_ignored"] and not blocking(result)
    assert not {v for v, _, _ in got.values()} & {186, 1024}


def test_cell_that_is_not_a_count_blocks_and_is_null():
    text = REPORT_2019.replace("\t2.重复申请\t20\t", "\t2.重复申请\t20.5\t")
    result = extract_tables(text)
    assert request_map(result)["rejected_duplicate.natural_person"] is None
    assert request_map(result)["rejected_duplicate.total"] == 21
    issues = blocking(result)
    assert [i.code for i in issues] == ["bad_value"] and "20.5" in issues[0].message


def test_amount_without_a_unit_is_kept_and_reported():
    result = extract_tables(REPORT_2019.replace("\t251000元\t", "\t251000\t"))
    fact = next(f for f in result.active if f.item == "procurement" and f.metric == "amount")
    assert (fact.value, fact.unit) == (251000, None)
    assert "unit_missing" in codes_of(result, blocking_only=False)
    assert blocking(result) == []


def test_empty_review_table_followed_by_prose_is_blank_not_misread():
    # One cell per line, the data row left empty, prose and a stray number after.
    header = [
        "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
        "未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
        "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
    ]
    prose = "本年度本机关未发生因政府信息公开工作被申请行政复议或提起行政诉讼的情况,今后将继续依法做好政府信息公开工作。"
    text = "\n\n".join(["四、政府信息公开行政复议、行政诉讼情况", *header, prose, "2022222"])
    result = extract_tables(text)
    assert result.found == {"review_litigation"}
    assert [f.value for f in result.review] == [None] * 15
    assert blocking(result) == []


def test_blank_last_rows_followed_by_prose_are_blank_not_misread():
    # One cell per line (seed-000 layout): a blank last row, then prose, then a
    # stray number (seed 000 ends with "2022222"). The number is no table value.
    prose = "本机关本年度未开展政府集中采购工作,相关信息已在门户网站公开。"
    active = "\n\n".join(["第二十条第(九)项", "信息内容", "采购项目数量", "采购总金额", "政府集中采购"])
    seed = _seed("001")
    table3 = seed[seed.index("三、收到和处理") : seed.index("四、结转下年度继续办理")]
    text = "\n\n".join(
        [active, prose, "2022222", to_one_cell_per_line(table3), "四、结转下年度继续办理", prose, "2022222"]
    )
    result = extract_tables(text)
    assert blocking(result) == []
    assert [(f.item, f.metric, f.value) for f in result.active] == [
        ("procurement", "items", None),
        ("procurement", "amount", None),
    ]
    got = request_map(result)
    assert [got[f"carried_forward.{a}"] for a in codes.APPLICANTS] == [None] * 7
    assert got["total_processed.total"] == 0 and len(got) == 175


def test_flattened_crawler_tables_are_reported_not_guessed():
    body = (
        "二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章 000"
        "行政规范性文件693665第二十条第（五）项信息内容本年处理决定数量行政许可2293 三、收到和处理政府信息"
        "公开申请情况一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000"
    )
    result = extract_tables(body)
    # Table 二 is read from the crawler pairs (transforms.tables.crawler); the
    # run 693665 has ten readings and no arithmetic to choose: not guessed.
    assert result.found == {"active_disclosure"} and result.requests == []
    assert active_map(result) == {
        "regulations.issued": 0,
        "regulations.repealed": 0,
        "regulations.in_force": 0,
        "normative_documents.issued": None,
        "normative_documents.repealed": None,
        "normative_documents.in_force": None,
        "licensing.decisions": 2293,
    }
    undecided = [i for i in result.issues if i.code == "undecidable_split"]
    assert len(undecided) == 1 and "693665" in undecided[0].message
    # Two rows are not table 三: still reported as unread.
    unread = sorted(i.table for i in result.issues if i.code == "table_not_read")
    assert unread == ["requests"]
    assert blocking(result) == []


def test_rows_from_another_layout_can_be_fed_directly():
    # The seam for crawler / PDF / OCR layouts: anything that yields RawRows.
    def row(labels, values, line):
        return RawRow(tuple(labels), tuple(values), tuple(values), line)

    rows = [
        row(["一、本年新收政府信息公开申请数量"], ["80", "1", "0", "0", "0", "0", "81"], 0),
        row(["二、上年结转政府信息公开申请数量"], ["0"] * 7, 1),
        row(["(六)其他处理"], ["2", "0", "0", "0", "0", "0", "2"], 2),
        row(["四、结转下年度继续办理"], ["1", "0", "0", "0", "0", "0", "1"], 3),
        row(["五、存在的主要问题"], ["9"] * 7, 4),
    ]
    issues = []
    facts, variant = resolve_request_rows(read_request_rows(rows), issues)
    got = {(f.row_code, f.applicant): f.value for f in facts}
    assert variant == "2019"
    assert got[("new_received", "total")] == 81 and got[("other_handling", "natural_person")] == 2
    assert got[("carried_forward", "total")] == 1
    assert not any(v == 9 for v in got.values())
    assert [i.code for i in issues] == ["rows_missing"]


def test_non_text_input_is_a_transform_error():
    with pytest.raises(TransformError) as err:
        extract_tables(b"bytes")  # type: ignore[arg-type]
    assert err.value.code == "bad_input"
