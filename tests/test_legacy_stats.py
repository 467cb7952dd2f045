"""Pre-2019 statistics tables (指标名称 | 计量单位 | 本年度 | 历年累计) → legacy stats.

Real inputs: the five 平潭 pre-2019 crawler texts (space-separated, flattened,
one missing cell). Expected values were read off the texts by hand; the
flattened ones were solved on paper with the table arithmetic.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import CORPUS, SEEDS
from gold import doc_id_for
from orchestration.cli import main as ogi
from transforms import codes
from transforms.extract import extract_text
from transforms.model import LegacyStat, ParseIssue
from transforms.tables import extract_tables
from transforms.tables.legacy import extract_legacy

PRE2019 = ("pingtan_syq_2011", "pingtan_xian_2011", "pingtan_syq_2013", "pingtan_syq_2015", "pingtan_syq_2017")
NO_TABLE = (CORPUS / "pingtan_dishui_2013.txt", *sorted(SEEDS.glob("003_*.txt")), *sorted(SEEDS.glob("004_*.txt")))


def _text(path: Path) -> str:
    return extract_text(path.read_bytes(), str(path)).text


def _read(text: str) -> tuple[list[LegacyStat], list[ParseIssue]]:
    issues: list[ParseIssue] = []
    return extract_legacy(text, issues), issues


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[list[LegacyStat], list[ParseIssue]]]:
    return {name: _read(_text(CORPUS / f"{name}.txt")) for name in PRE2019}


def _table(stats: list[LegacyStat]) -> dict[tuple[str, str], LegacyStat]:
    out = {(s.indicator, s.period): s for s in stats}
    assert len(out) == len(stats), "an (indicator, period) pair was emitted twice"
    return out


def _value(stats, indicator: str, period: str):
    return _table(stats)[(indicator, period)].value


def _pair(stats, indicator: str) -> tuple:
    t = _table(stats)
    return t[(indicator, "year")].value, t[(indicator, "cumulative")].value


# ------------------------------------------------------------ real documents


@pytest.mark.parametrize("name", PRE2019)
def test_parent_equals_sum_of_children_where_decided(corpus, name: str) -> None:
    stats, issues = corpus[name]
    assert stats, f"{name}: no legacy rows read"
    assert all(not i.blocking for i in issues)
    table = _table(stats)
    children: dict[tuple[str, str], list] = {}
    for s in stats:
        parent, sep, _ = s.indicator.partition("/其中:")
        if sep:
            assert (parent, s.period) in table, f"{s.indicator}: parent row missing"
            children.setdefault((parent, s.period), []).append(s.value)
    assert children, f"{name}: no 其中 groups recognised"
    checked = 0
    for (parent, period), values in children.items():
        total = table[(parent, period)].value
        if total is not None and None not in values:
            assert total == sum(values), f"{name}: {parent} {period}"
            checked += 1
    assert checked >= 4


@pytest.mark.parametrize("name", PRE2019)
def test_every_row_has_both_periods_and_a_unit(corpus, name: str) -> None:
    stats, _ = corpus[name]
    by_indicator: dict[str, set[str]] = {}
    for s in stats:
        by_indicator.setdefault(s.indicator, set()).add(s.period)
        assert s.unit in {"条", "件", "元"}, s
        assert s.raw, s
    assert all(p == {"year", "cumulative"} for p in by_indicator.values())


def test_syq_2011_space_separated_matches_the_reference(corpus) -> None:
    stats, issues = corpus["pingtan_syq_2011"]
    assert issues == []
    assert _pair(stats, "主动公开信息数") == (425, 1516)
    assert _pair(stats, "主动公开信息数/其中:1.网站公开") == (418, 1509)
    assert _pair(stats, "主动公开信息数/其中:2.政府公报公开") == (7, 7)
    assert _pair(stats, "受理依申请公开信息总数/其中:6.其它形式申请数") == (0, 0)
    assert _pair(stats, "对申请的答复数/其中:3.否决公开答复数") == (0, 0)
    assert _pair(stats, "行政申诉数") == (0, 0)
    assert _table(stats)[("主动公开信息数", "cumulative")].raw == "1516"
    assert len(stats) == 17 * 2
    assert all(isinstance(s.value, Decimal) for s in stats)


def test_xian_2011_flattened_is_solved_by_the_arithmetic(corpus) -> None:
    # 主动公开信息数条4251516 其中:1.网站公开条4181509|2. 政府公报公开条77:
    # 4251516 alone splits three ways; only 425|1516 = (418|1509) + (7|7).
    stats, issues = corpus["pingtan_xian_2011"]
    assert issues == []
    assert _pair(stats, "主动公开信息数") == (425, 1516)
    assert _pair(stats, "主动公开信息数/其中:1.网站公开") == (418, 1509)
    assert _pair(stats, "主动公开信息数/其中:2.政府公报公开") == (7, 7)
    assert _table(stats)[("主动公开信息数", "year")].raw == "4251516"
    # the glued item number "2." was taken off the run: 41815092 → 4181509
    assert _table(stats)[("主动公开信息数/其中:1.网站公开", "year")].raw == "4181509"
    assert _pair(stats, "受理依申请公开信息总数/其中:2.传真申请数") == (0, 0)
    assert len(stats) == 17 * 2
    # same table as the 管委会's space-separated one
    assert [(s.indicator, s.value) for s in stats] == [(s.indicator, s.value) for s in corpus["pingtan_syq_2011"][0]]


def test_syq_2013_missing_cell_shifts_nothing(corpus) -> None:
    # "2、政府公报公开 条 0 受理依申请公开信息总数 条 0 0": one value for two columns.
    stats, issues = corpus["pingtan_syq_2013"]
    assert _pair(stats, "主动公开信息数") == (72804, 76424)
    assert _pair(stats, "主动公开信息数/其中:1.网站公开") == (72804, 76424)
    assert _pair(stats, "主动公开信息数/其中:2.政府公报公开") == (None, None)
    assert _pair(stats, "受理依申请公开信息总数") == (0, 0)
    assert _pair(stats, "受理依申请公开信息总数/其中:5.信函申请数") == (0, 0)
    t = _table(stats)
    assert t[("行政复议数", "year")].unit == "件" and t[("行政申诉、举报数", "cumulative")].value == 0
    assert len(stats) == 16 * 2
    missing = [i for i in issues if i.code == "legacy_cell_missing"]
    assert len(missing) == 1 and not missing[0].blocking and "政府公报公开" in missing[0].message
    assert [i.code for i in issues] == ["legacy_cell_missing"]


def test_syq_2015_flattened_zeros_decided_total_undecidable(corpus) -> None:
    stats, issues = corpus["pingtan_syq_2015"]
    assert _pair(stats, "受理依申请公开信息总数") == (0, 1)
    assert _pair(stats, "受理依申请公开信息总数/其中:3.信函、传真申请数") == (0, 1)
    assert _pair(stats, "对申请的答复总数/其中:1.同意公开答复数") == (0, 1)
    assert _pair(stats, "主动公开文件数/其中:2.政府公报公开数") == (0, 0)
    t = _table(stats)
    assert t[("政府信息公开收费减免金额", "year")].unit == "元"
    # 294981916 = parent = child 1, child 2 = 0|0: 2949|81916, 294|981916,
    # 29|4981916 and 2|94981916 all fit the table -- no number is published.
    assert _pair(stats, "主动公开文件数") == (None, None)
    assert _pair(stats, "主动公开文件数/其中:1.政府网站公开数") == (None, None)
    undecided = [i for i in issues if i.code == "undecidable_split"]
    assert len(undecided) == 2 and all(not i.blocking for i in undecided)
    assert "2949, cumulative=81916" in undecided[0].message and "294, cumulative=981916" in undecided[0].message
    assert len(stats) == 16 * 2


def test_syq_2017_flattened(corpus) -> None:
    stats, issues = corpus["pingtan_syq_2017"]
    assert _pair(stats, "主动公开文件数") == (None, None)
    assert any(i.code == "undecidable_split" and "2122, cumulative=10037" in i.message for i in issues)
    assert _pair(stats, "受理政府信息依申请公开总数/其中:3.信函、传真申请数") == (0, 0)
    assert _pair(stats, "对申请的答复总数/其中:4.其他类型答复数") == (0, 0)
    assert _table(stats)[("行政诉讼数", "year")].unit == "件"
    assert len(stats) == 15 * 2


@pytest.mark.parametrize("path", NO_TABLE, ids=lambda p: p.name)
def test_no_legacy_rows_without_a_table(path: Path) -> None:
    stats, issues = _read(_text(path))
    assert stats == [] and issues == []


def test_legacy_rows_never_fill_the_2019_tables() -> None:
    result = extract_tables(_text(CORPUS / "pingtan_syq_2011.txt"))
    assert len(result.legacy) == 34
    assert result.requests == [] and result.review == []
    row_codes = set(codes.REQUEST_ROW_CODES)
    assert not {s.indicator for s in result.legacy} & row_codes


# ------------------------------------------------------------ inline fixtures


def test_unique_flattened_split_needs_the_group() -> None:
    # 12130 alone: 1|2130 or 12|130. Children 8|100 and 4|30 decide 12|130.
    text = "附件:统计表 指标名称计量单位2012年度历年累计主动公开信息数条12130其中:1.网站公开条81002.政府公报公开条430行政复议数件00"
    stats, issues = _read(text)
    assert issues == []
    assert _pair(stats, "主动公开信息数") == (12, 130)
    assert _pair(stats, "主动公开信息数/其中:1.网站公开") == (8, 100)
    assert _pair(stats, "主动公开信息数/其中:2.政府公报公开") == (4, 30)
    assert _pair(stats, "行政复议数") == (0, 0)


def test_ambiguous_flattened_split_gives_none() -> None:
    # 1525 = 1525 + 00 for 1|525 and 15|25 alike; 件1223 is 1|223 or 12|23.
    text = "统计表 指标名称计量单位本年度历年累计主动公开信息数条1525其中:1、网站公开条15252、政府公报公开条00行政复议数件1223"
    stats, issues = _read(text)
    assert _pair(stats, "主动公开信息数") == (None, None)
    assert _pair(stats, "主动公开信息数/其中:1.网站公开") == (None, None)
    assert _pair(stats, "主动公开信息数/其中:2.政府公报公开") == (0, 0)
    assert _pair(stats, "行政复议数") == (None, None)
    codes_ = [i.code for i in issues]
    assert codes_ == ["undecidable_split"] * 3 and all(not i.blocking for i in issues)
    assert "year=1, cumulative=223" in issues[-1].message and "year=12, cumulative=23" in issues[-1].message


def test_no_consistent_split_publishes_nothing_of_the_group() -> None:
    # 90 can only be 9|0 (cumulative below year); 55 + 55 cannot make it.
    text = "统计表 指标名称计量单位2012年度历年累计主动公开信息数条90其中:1.网站公开条552.政府公报公开条55行政诉讼数件01"
    stats, issues = _read(text)
    assert _pair(stats, "主动公开信息数") == (None, None)
    assert _pair(stats, "主动公开信息数/其中:1.网站公开") == (None, None)
    assert _pair(stats, "行政诉讼数") == (0, 1)
    assert [i.code for i in issues] == ["no_consistent_split"] and not issues[0].blocking


def test_space_separated_table_and_printed_sum_mismatch() -> None:
    text = (
        "附件1:某县2010年政府信息公开情况统计表 指标名称 计量 单位 2010 年度 历年累计 "
        "主动公开信息数 条 120 980 其中:1.政府网站公开 条 100 900 2.政府公报公开 条 20 70 "
        "受理依申请公开信息总数 条 3 12 其中:1.当面申请数 条 1 5 2.网上申请数 条 2 7 "
        "行政复议数 件 0 1 附件下载"
    )
    stats, issues = _read(text)
    assert _pair(stats, "主动公开信息数") == (120, 980)  # printed values are kept...
    assert _pair(stats, "主动公开信息数/其中:2.政府公报公开") == (20, 70)
    assert _pair(stats, "受理依申请公开信息总数/其中:2.网上申请数") == (2, 7)
    assert _pair(stats, "行政复议数") == (0, 1)
    assert _table(stats)[("行政复议数", "year")].unit == "件"
    assert len(stats) == 7 * 2
    # ...but 900 + 70 ≠ 980 is reported, without blocking the report
    assert [i.code for i in issues] == ["legacy_sum_mismatch"] and not issues[0].blocking


def test_missing_cell_placed_by_the_arithmetic_when_only_one_placement_fits() -> None:
    text = "统计表 指标名称 计量单位 本年度 历年累计 主动公开信息数 条 5 10 其中:1.网站公开 条 3 7 2.政府公报公开 条 2 行政复议数 件 4 9"
    stats, issues = _read(text)
    # 2 can only be the year cell (5 - 3); 10 - 7 = 3 ≠ 2.
    assert _pair(stats, "主动公开信息数/其中:2.政府公报公开") == (2, None)
    assert _pair(stats, "行政复议数") == (4, 9)  # the next row does not shift
    assert [i.code for i in issues] == ["legacy_cell_missing"]
    assert "year=2, cumulative=blank" in issues[0].message


def test_missing_cell_undecidable_placement_leaves_the_row_empty() -> None:
    text = "统计表 指标名称 计量单位 本年度 历年累计 行政复议数 件 3 行政诉讼数 件 1 2"
    stats, issues = _read(text)
    assert _pair(stats, "行政复议数") == (None, None)
    assert _pair(stats, "行政诉讼数") == (1, 2)
    assert [i.code for i in issues] == ["legacy_cell_missing"] and "undecidable" in issues[0].message


@pytest.mark.parametrize(
    "text",
    [
        "附件:统计表 指标名称 计量单位 本年度 主动公开信息数 条 425 其中:1.网站公开 条 418 2.政府公报公开 条 7 行政复议数 件 0 附件下载",
        "统计表 指标名称计量单位本年度主动公开信息数条425其中:1、网站公开条4182、政府公报公开条7行政复议数件0",
    ],
    ids=["spaced", "flattened"],
)
def test_table_with_only_the_year_column(text: str) -> None:
    stats, issues = _read(text)
    assert issues == []
    assert {s.period for s in stats} == {"year"}
    assert [(s.indicator, s.unit, s.value) for s in stats] == [
        ("主动公开信息数", "条", 425),
        ("主动公开信息数/其中:1.网站公开", "条", 418),
        ("主动公开信息数/其中:2.政府公报公开", "条", 7),
        ("行政复议数", "件", 0),
    ]


def test_column_order_comes_from_the_header() -> None:
    # 历年累计 printed first: the ≥ rule and the periods follow the header.
    text = "统计表 指标名称计量单位历年累计本年度主动公开信息数条1516425其中:1.网站公开条15094182.政府公报公开条77"
    stats, issues = _read(text)
    assert issues == []
    assert _pair(stats, "主动公开信息数") == (425, 1516)
    assert _pair(stats, "主动公开信息数/其中:1.网站公开") == (418, 1509)
    assert [s.period for s in stats[:2]] == ["cumulative", "year"]


def test_printed_oddities_are_warnings_not_guesses() -> None:
    text = "统计表 指标名称 计量单位 本年度 历年累计 行政复议数 件 5 3 行政诉讼数 件 1 2 3 行政申诉数 件 0 0"
    stats, issues = _read(text)
    assert _pair(stats, "行政复议数") == (5, 3)  # as printed, with a warning
    assert _pair(stats, "行政诉讼数") == (None, None)  # three values for two columns
    assert _pair(stats, "行政申诉数") == (0, 0)
    assert sorted(i.code for i in issues) == ["legacy_cumulative_below_year", "legacy_row_misaligned"]
    assert not any(i.blocking for i in issues)


def test_grid_layout_blank_and_placeholder_cells() -> None:
    text = (
        "平潭县2012年政府信息公开情况统计表\n"
        "指标名称 | 计量单位 | 本年度 | 历年累计\n"
        "主动公开信息数 | 条 | 425 | 1516\n"
        "其中 | 1.网站公开 | 条 | 418 | 1509\n"
        " | 2.政府公报公开 | 条 | 7 | \n"
        "行政复议数 | 件 | - | 0\n"
        "附件下载\n"
    )
    stats, issues = _read(text)
    assert issues == []
    assert _pair(stats, "主动公开信息数") == (425, 1516)
    assert _pair(stats, "主动公开信息数/其中:1.网站公开") == (418, 1509)
    assert _pair(stats, "主动公开信息数/其中:2.政府公报公开") == (7, None)
    assert _pair(stats, "行政复议数") == (None, 0)
    assert _table(stats)[("行政复议数", "year")].raw == "-"


def test_prose_and_other_templates_give_no_rows() -> None:
    prose = "我区2012年主动公开信息425条,其中网站公开418条,政府公报公开7条。指标名称由省里统一规定。"
    assert _read(prose) == ([], [])
    # 定西-type 本期实际 | 本年累计 is another template: said, not misread
    stats, issues = _read("指标名称 计量单位 代码 本期实际 本年累计 主动公开信息数 条 01 12 40")
    assert stats == [] and [i.code for i in issues] == ["legacy_header_unrecognised"]
    assert not issues[0].blocking


def test_prose_date_right_after_the_table_is_not_a_cell() -> None:
    stats, issues = _read("指标名称 计量单位 本年度 历年累计 行政复议数 件 0 3 2012年3月1日")
    assert issues == [] and _pair(stats, "行政复议数") == (0, 3)


# ------------------------------------------------------------ end to end


def test_load_writes_fact_legacy_stats(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in (*PRE2019, "pingtan_dishui_2013"):
        shutil.copy(CORPUS / f"{name}.txt", src)
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(src), "--db", str(db), "--quiet"]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        counts = {}
        for name in (*PRE2019, "pingtan_dishui_2013"):
            doc = doc_id_for(con, f"{name}.txt")
            counts[name] = con.execute(
                "SELECT count(*), count(value), min(source) FROM core.fact_legacy_stats WHERE doc_id = ?", [doc]
            ).fetchone()
        doc = doc_id_for(con, "pingtan_syq_2011.txt")
        headline = con.execute(
            "SELECT period, value FROM core.fact_legacy_stats WHERE doc_id = ? AND indicator = '主动公开信息数' ORDER BY period",
            [doc],
        ).fetchall()
        doc = doc_id_for(con, "pingtan_syq_2015.txt")
        undecided = con.execute(
            "SELECT count(*) FROM staging.parse_issues WHERE doc_id = ? AND code = 'undecidable_split' AND NOT blocking",
            [doc],
        ).fetchone()[0]
    assert counts["pingtan_dishui_2013"][0] == 0
    for name in PRE2019:
        assert counts[name][0] > 0 and counts[name][2] == "table", name
    assert counts["pingtan_syq_2011"][:2] == (34, 34)
    assert counts["pingtan_syq_2015"][:2] == (32, 28)
    assert headline == [("cumulative", Decimal(1516)), ("year", Decimal(425))]
    assert undecided == 2
