"""Report metadata on the real seeds, the crawler corpus and small real-looking fixtures.

The seeds are read with a stand-in for the cleaning stage (NFKC folds the
full-width forms the same way); seed 004 carries its article twice and is
cut before the second copy, as cleaning will do.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest

from tests.conftest import CORPUS, seed_files, seed_gold
from transforms.metadata import (
    admin_level_of,
    extract_metadata,
    find_published_on,
    find_title,
    looks_like_blank_template,
    split_place,
)

SECOND_COPY_004 = "12全文查看2010年"


def seed_text(prefix: str) -> str:
    path = next(p for p in seed_files() if p.name.startswith(prefix))
    text = unicodedata.normalize("NFKC", path.read_text(encoding="utf-8"))
    if prefix == "004":
        text = text[: text.index(SECOND_COPY_004)]
    return text


def corpus_text(name: str) -> str:
    return unicodedata.normalize("NFKC", (CORPUS / name).read_text(encoding="utf-8"))


SEED_PREFIXES = ["000", "001", "002", "003", "004"]


# --- seeds against their gold ------------------------------------------------------


@pytest.mark.parametrize("prefix", SEED_PREFIXES)
def test_seed_report_fields_match_gold(prefix):
    path = next(p for p in seed_files() if p.name.startswith(prefix))
    gold = seed_gold(path.name)["report"]
    meta = extract_metadata(seed_text(prefix), str(path))
    assert meta.agency == gold["agency"]
    assert meta.report_year == gold["report_year"]
    assert meta.doc_kind == gold["doc_kind"]
    assert meta.format_version == gold["format_version"]
    expected_date = date.fromisoformat(gold["published_on"]) if gold["published_on"] else None
    assert meta.published_on == expected_date


@pytest.mark.parametrize(
    "prefix, region, level",
    [
        ("000", "隆尧县", "county"),
        ("001", "乌海市", "prefecture"),
        ("002", "吕梁市", "prefecture"),
        ("003", "安徽省", "province"),
        ("004", "西安市长安区", "county"),
    ],
)
def test_seed_region_and_level(prefix, region, level):
    meta = extract_metadata(seed_text(prefix))
    assert meta.region == region
    assert meta.admin_level == level


def test_seed_000_title_and_header_date_beat_garbled_signature():
    text = seed_text("000")
    assert "2022222" in text  # the garbled signature is really there
    assert find_title(text) == "隆尧县教育局 2021年政府信息公开工作年度报告"
    assert find_published_on(text) == date(2022, 2, 22)


def test_seed_001_without_title_resolves_short_self_reference():
    text = seed_text("001")
    meta = extract_metadata(text)
    assert meta.title is None
    assert "市教育局" in text and meta.agency == "乌海市教育局"
    assert meta.published_on is None


def test_seed_002_title_split_over_two_lines():
    meta = extract_metadata(seed_text("002"))
    assert meta.title is not None and meta.title.startswith("吕梁市教育局")
    assert "2021 年政府信息公开工作年度报告" in meta.title


def test_seed_004_year_without_date_is_never_completed():
    text = seed_text("004")
    assert "11月10日 编辑" in text
    meta = extract_metadata(text)
    assert meta.published_on is None
    assert meta.title == "2010年区教育局政府信息公开工作年度报告"


def test_seed_004_full_file_with_duplicate_still_resolves():
    path = next(p for p in seed_files() if p.name.startswith("004"))
    text = unicodedata.normalize("NFKC", path.read_text(encoding="utf-8"))
    meta = extract_metadata(text)
    assert (meta.agency, meta.report_year, meta.format_version) == ("西安市长安区教育局", 2010, "pre2019")


# --- crawler corpus ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pingtan_syq_2021.txt", "pingtan_syq_2023.txt", "pingtan_syq_2025.txt"])
def test_corpus_crawler_text_matches_gold(name):
    gold = json.loads((CORPUS / "gold" / name.replace(".txt", ".json")).read_text("utf-8"))
    meta = extract_metadata(corpus_text(name))
    report = gold["report"]
    assert meta.agency == report["agency"]
    assert meta.report_year == report["report_year"]
    assert meta.format_version == report["format_version"]
    assert meta.doc_kind == report["doc_kind"]
    assert meta.title == f"平潭综合实验区{report['report_year']}年度政府信息公开工作年度报告"
    assert meta.admin_level == "unknown"  # a functional zone, not an administrative division


@pytest.mark.parametrize(
    "name, agency, year, fmt, published",
    [
        ("pingtan_xian_2011.txt", "平潭县人民政府", 2011, "pre2019", date(2012, 4, 18)),
        ("pingtan_dishui_2013.txt", "平潭综合实验区地方税务局", 2013, "pre2019", date(2014, 2, 25)),
        ("pingtan_syq_2011.txt", "平潭综合实验区", 2011, "pre2019", date(2012, 4, 11)),
        ("pingtan_syq_2015.txt", "平潭综合实验区", 2015, "pre2019", date(2016, 1, 12)),
        ("pingtan_syq_2019.txt", "平潭综合实验区", 2019, "2019", date(2020, 1, 20)),
    ],
)
def test_corpus_crawler_header_block(name, agency, year, fmt, published):
    meta = extract_metadata(corpus_text(name))
    assert (meta.agency, meta.report_year, meta.format_version) == (agency, year, fmt)
    assert meta.published_on == published  # 发布时间 of the crawler header
    assert meta.doc_kind == "annual_report"


def test_crawler_title_wins_over_hosting_site_source():
    # the page says 来源:平潭县人民政府 (the site), the title names the zone
    meta = extract_metadata(corpus_text("pingtan_syq_2017.txt"))
    assert "来源:平潭县人民政府" in corpus_text("pingtan_syq_2017.txt")
    assert meta.agency == "平潭综合实验区"


# --- fixtures --------------------------------------------------------------------------

HONGZE_LIKE = """洪泽区人民政府
2023 年政府信息公开工作年度报告
本报告由淮安市洪泽区人民政府办公室根据《中华人民共和
国政府信息公开条例》(国令第 711 号)要求编制此报告。如对本报告有疑问,请与淮安市洪
泽区人民政府办公室联系(地址:淮安市洪泽区洪泽湖大道 90
号)。
一、总体情况
2023 年,洪泽区人民政府坚持以习近平新时代中国特色社会主义思想为指导。
"""


def test_lone_district_gets_its_city_from_the_body():
    meta = extract_metadata(HONGZE_LIKE)
    assert meta.agency == "淮安市洪泽区人民政府"
    assert meta.region == "淮安市洪泽区"
    assert meta.admin_level == "county"
    assert meta.report_year == 2023


def test_short_form_never_spelled_out_gives_no_agency():
    text = "一、总体情况\n2022年,市教育局认真贯彻落实政务公开工作部署。\n二、主动公开政府信息情况\n无。\n"
    meta = extract_metadata(text)
    assert meta.agency is None and meta.region is None
    assert meta.admin_level == "unknown"
    assert meta.report_year == 2022


def test_verb_before_a_name_is_not_part_of_the_place():
    text = (
        "2021年区教育局政府信息公开工作年度报告\n"
        "一、总体情况\n工作有序。依托长安区教育局微信平台发布信息。\n"
        "编制了《长安区教育局信息公开目录》。\n"
    )
    assert extract_metadata(text).agency == "长安区教育局"


def test_signature_date_used_when_no_header_date():
    text = "某某县教育局\n2021年政府信息公开工作年度报告\n一、总体情况\n正文。\n某某县教育局\n2022年1月17日\n"
    assert find_published_on(text) == date(2022, 1, 17)
    assert find_published_on(text.replace("2022年1月17日", "二〇二二年一月十七日")) == date(2022, 1, 17)


def test_unparseable_or_yearless_dates_give_none():
    assert find_published_on("标题\n正文。\n隆尧县教育局\n2022222\n") is None
    assert find_published_on("11月10日 编辑 fanwen51.com\n正文。\n") is None
    assert find_published_on("时间:2022-02-30\n正文\n") is None  # no such day
    assert find_published_on("统计时间:2021年1月1日至2021年12月31日\n正文\n") is None
    assert find_published_on("时间:2021-01-01至2021-12-31\n正文\n") is None


def test_report_year_is_not_guessed_from_publication_date():
    text = "发布时间: 2022-01-20 10:00\n一、总体情况\n本局认真做好政府信息公开工作。\n"
    meta = extract_metadata(text)
    assert meta.published_on == date(2022, 1, 20)
    assert meta.report_year is None
    said = text.replace("本局认真", "现将上一年度政府信息公开工作情况报告如下。本局认真")
    assert extract_metadata(said).report_year == 2021


def test_statistics_period_and_bracketed_years():
    text = (
        "一、总体情况\n根据《条例》(2019年修订)要求编制。本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。\n"
    )
    assert extract_metadata(text).report_year == 2021
    text2 = "一、总体情况\n根据条例(2019年修订)要求,2020年,我局扎实推进政务公开。\n"
    assert extract_metadata(text2).report_year == 2020


@pytest.mark.parametrize(
    "headers, expected",
    [
        ("信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数", "2021"),
        ("信息内容\n本年新\n制作数量\n本年新\n公开数量\n对外公开总数量", "2019"),
        ("(六)其他处理 | 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0\n"
         "一、本年新收政府信息公开申请数量 | 0", "2021"),
        ("(六)其他处理 | 0 | 0\n一、本年新收政府信息公开申请数量 | 0", "2019"),
    ],
)
def test_format_version_from_table_headers(headers, expected):
    text = f"某某市教育局2020年政府信息公开工作年度报告\n一、总体情况\n正文。\n二、表格\n{headers}\n"
    assert extract_metadata(text).format_version == expected


def test_format_version_without_tables_depends_on_year():
    old = "某某市教育局2015年政府信息公开工作年度报告\n一、概述\n正文。\n"
    new = "某某市教育局2022年政务公开工作总结\n正文。\n"
    assert extract_metadata(old).format_version == "pre2019"
    assert extract_metadata(new).format_version == "none"
    assert extract_metadata(new).doc_kind == "work_summary"


TEMPLATE_ROWS = """第二十条第(一)项 | 第二十条第(一)项 | 第二十条第(一)项 | 第二十条第(一)项
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 |  |  | 
行政规范性文件 |  |  | 
一、本年新收政府信息公开申请数量 | 一、本年新收政府信息公开申请数量 |  |  |  |  |  |  | 
(三)不予公开 | 1.属于国家秘密 |  |  |  |  |  |  | 
"""


def test_blank_template_by_title_and_by_empty_cells():
    titled = "政府信息公开工作年度报告格式模板\n一、总体情况\n(文字描述)\n二、主动公开政府信息情况\n" + TEMPLATE_ROWS
    assert looks_like_blank_template(titled)
    meta = extract_metadata(titled)
    assert (meta.doc_kind, meta.agency, meta.report_year) == ("other", None, None)
    untitled = "一、总体情况\n(文字描述)\n二、主动公开政府信息情况\n" + TEMPLATE_ROWS
    assert looks_like_blank_template(untitled)


def test_filled_or_named_reports_are_not_templates():
    assert not looks_like_blank_template(seed_text("001"))
    assert not looks_like_blank_template(seed_text("002"))
    zeros = TEMPLATE_ROWS.replace("规章 |  |  | ", "规章 | 0 | 0 | 0")
    assert not looks_like_blank_template("一、总体情况\n正文。\n" + zeros)
    named = "吕梁市教育局\n2021 年政府信息公开工作年度报告\n" + TEMPLATE_ROWS
    assert not looks_like_blank_template(named)


@pytest.mark.parametrize(
    "agency, place, rest",
    [
        ("西安市长安区教育局", "西安市长安区", "教育局"),
        ("内蒙古自治区乌海市教育局", "内蒙古自治区乌海市", "教育局"),
        ("乌海市城市管理局", "乌海市", "城市管理局"),
        ("乌海市市场监督管理局", "乌海市", "市场监督管理局"),
        ("五常市民意乡人民政府", "五常市民意乡", "人民政府"),
        ("住房和城乡建设局", None, "住房和城乡建设局"),
        ("全市教育局", None, "全市教育局"),
    ],
)
def test_split_place(agency, place, rest):
    assert split_place(agency) == (place, rest)


@pytest.mark.parametrize(
    "region, level",
    [
        ("安徽省", "province"),
        ("内蒙古自治区", "province"),
        ("北京市", "province"),
        ("上海市黄浦区", "county"),
        ("乌海市", "prefecture"),
        ("阿坝藏族羌族自治州", "prefecture"),
        ("保定市涿州市", "county"),
        ("隆尧县", "county"),
        ("淮安市洪泽区", "county"),
        ("五常市民意乡", "township"),
        ("平潭综合实验区", "unknown"),
        (None, "unknown"),
    ],
)
def test_admin_level(region, level):
    assert admin_level_of(region) == level
