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
from transforms import gazetteer
from transforms.metadata import (
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
    # the zone governs exactly 平潭县, a county (transforms.gazetteer.ALIASES)
    assert (meta.admin_level, meta.region_code) == ("county", "350128")


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
        ("平潭综合实验区", "county"),  # the zone governs exactly 平潭县 (transforms.gazetteer.ALIASES)
        ("西安市高新区", "unknown"),  # a functional zone inside a city is no division
        ("某县", "unknown"),  # not in the national list
        (None, "unknown"),
    ],
)
def test_admin_level(region, level):
    assert gazetteer.locate(region).level == level


# --- real place names the unit scan must take whole -----------------------------------

# Names whose characters the function-word lists or the shortest-name scan
# used to trip on: 将/从/向 opening a name, 和/至 ending it, 部 inside it, a
# 州/县 that ends the name before its unit (全州县, 杭州市, 沙县区), peoples
# (各族, 回族土族) and long names before 自治…
REAL_PLACES = [
    ("将乐县人民政府", "将乐县", "county"),
    ("南部县人民政府", "南部县", "county"),
    ("全州县人民政府", "全州县", "county"),
    ("民和回族土族自治县人民政府", "民和回族土族自治县", "county"),
    ("道真仡佬族苗族自治县人民政府", "道真仡佬族苗族自治县", "county"),
    ("龙胜各族自治县人民政府", "龙胜各族自治县", "county"),
    ("从江县教育局", "从江县", "county"),
    ("广州市从化区人民政府", "广州市从化区", "county"),
    ("佳木斯市向阳区人民政府", "佳木斯市向阳区", "county"),
    ("乐至县人民政府", "乐至县", "county"),
    ("东至县教育局", "东至县", "county"),
    ("平和县人民政府", "平和县", "county"),
    ("杭州市教育局", "杭州市", "prefecture"),
    ("贵州省教育厅", "贵州省", "province"),
    ("北京市通州区教育委员会", "北京市通州区", "county"),
    ("保定市涿州市人民政府", "保定市涿州市", "county"),
    ("三明市沙县区人民政府", "三明市沙县区", "county"),
    ("梅州市梅县区教育局", "梅州市梅县区", "county"),
    ("济南市市中区人民政府", "济南市市中区", "county"),
    ("平乡县人民政府", "平乡县", "county"),
    ("景德镇市人民政府", "景德镇市", "prefecture"),
    ("恩施土家族苗族自治州人民政府", "恩施土家族苗族自治州", "prefecture"),
    ("湘西土家族苗族自治州民政局", "湘西土家族苗族自治州", "prefecture"),
    ("黔东南苗族侗族自治州凯里市人民政府", "黔东南苗族侗族自治州凯里市", "county"),
    ("伊犁哈萨克自治州奎屯市教育局", "伊犁哈萨克自治州奎屯市", "county"),
    ("临夏回族自治州东乡族自治县人民政府", "临夏回族自治州东乡族自治县", "county"),
    ("积石山保安族东乡族撒拉族自治县人民政府", "积石山保安族东乡族撒拉族自治县", "county"),
    ("双江拉祜族佤族布朗族傣族自治县教育体育局", "双江拉祜族佤族布朗族傣族自治县", "county"),
    ("塔什库尔干塔吉克自治县人民政府", "塔什库尔干塔吉克自治县", "county"),
    ("广西壮族自治区桂林市龙胜各族自治县人民政府", "广西壮族自治区桂林市龙胜各族自治县", "county"),
    ("新疆维吾尔自治区教育厅", "新疆维吾尔自治区", "province"),
    ("鄂伦春自治旗人民政府", "鄂伦春自治旗", "county"),
    ("莫力达瓦达斡尔族自治旗人民政府", "莫力达瓦达斡尔族自治旗", "county"),
    ("鄂温克族自治旗教育局", "鄂温克族自治旗", "county"),
    ("锡林郭勒盟正镶白旗人民政府", "锡林郭勒盟正镶白旗", "county"),
    ("阿拉善盟阿拉善左旗教育局", "阿拉善盟阿拉善左旗", "county"),
    ("锡林郭勒盟行政公署", "锡林郭勒盟", "prefecture"),
    ("阿里地区行政公署", "阿里地区", "prefecture"),
    ("神农架林区人民政府", "神农架林区", "county"),
    ("六盘水市六枝特区人民政府", "六盘水市六枝特区", "county"),
]


@pytest.mark.parametrize("agency, place, level", REAL_PLACES)
def test_real_place_names_split_whole(agency, place, level):
    assert split_place(agency) == (place, agency[len(place):])
    assert gazetteer.locate(place).level == level


@pytest.mark.parametrize(
    "agency, place, rest",
    [
        # a department that starts like a unit stays the department
        ("道真仡佬族苗族自治县城市管理局", "道真仡佬族苗族自治县", "城市管理局"),
        ("恩施州市场监督管理局", "恩施州", "市场监督管理局"),
        ("隆尧县市场监督管理局", "隆尧县", "市场监督管理局"),
        ("苏州市民政局", "苏州市", "民政局"),
        ("苏州市政府", "苏州市", "政府"),
        # a bare level character before a department is no place (县|城市管理局)
        ("县城市管理局", None, "县城市管理局"),
        # particles swallowed before a place still reject it
        ("由淮安市教育局", None, "由淮安市教育局"),
        ("将全县教育局", None, "将全县教育局"),
        ("本报告由龙胜各族自治县", None, "本报告由龙胜各族自治县"),
    ],
)
def test_departments_and_particles_around_places(agency, place, rest):
    assert split_place(agency) == (place, rest)


@pytest.mark.parametrize(
    "agency",
    ["将乐县人民政府", "南部县人民政府", "全州县人民政府", "民和回族土族自治县人民政府",
     "道真仡佬族苗族自治县审计局", "龙胜各族自治县人民政府", "道真仡佬族苗族自治县城市管理局"],
)
def test_title_agency_with_short_self_reference_resolves(agency):
    # the crawler page names the body in full only in its title; the body says 县…局
    short = "县" + split_place(agency)[1]
    text = (
        f"标题: {agency}2021年度政府信息公开工作年度报告\n发布时间: 2022-01-26 14:54\n"
        f"==================== 正文 ====================\n"
        f"一、总体情况2021年，{short}认真贯彻落实县委、县政府关于全面推进政务公开工作的系列部署。\n"
    )
    meta = extract_metadata(text)
    assert meta.agency == agency
    assert meta.region == split_place(agency)[0]
    assert meta.admin_level == "county"


# --- flattened tables: filled report vs blank form -------------------------------------

FLAT_TABLES = (
    "二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数"
    "规章{0}{0}{0}行政规范性文件{0}{0}{1}第二十条第(五)项信息内容本年处理决定数量行政许可{0}"
    "第二十条第(八)项信息内容本年收费金额(单位:万元)行政事业性收费{0}"
    "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
    "一、本年新收政府信息公开申请数量{0}{0}{0}{0}{0}{0}{0}二、上年结转政府信息公开申请数量{0}{0}{0}{0}{0}{0}{0}"
    "三、本年度办理结果(一)予以公开{0}{0}{0}{0}{0}{0}{0}(三)不予公开1.属于国家秘密{0}{0}{0}{0}{0}{0}{0}"
    "2.其他法律行政法规禁止公开{0}{0}{0}{0}{0}{0}{0}(七)总计{0}{0}{0}{0}{0}{0}{0}"
    "四、结转下年度继续办理{0}{0}{0}{0}{0}{0}{0}五、存在的主要问题及改进情况(文字描述)"
)
# a body the agency resolution cannot name: the title's 某某 is no place
UNNAMED_CRAWLER_PAGE = (
    "标题: 某某审计局2021年度政府信息公开工作年度报告\n发布时间: 2022-01-26 14:54\n"
    "==================== 正文 ====================\n"
    "一、总体情况2021年，县审计局认真贯彻落实政务公开工作部署。{tables}\n"
)


def test_flattened_filled_tables_are_not_a_blank_template_without_agency():
    text = UNNAMED_CRAWLER_PAGE.format(tables=FLAT_TABLES.format(0, 2))
    meta = extract_metadata(text)
    assert meta.agency is None  # the check must not lean on the agency
    assert not looks_like_blank_template(text)
    assert (meta.doc_kind, meta.report_year, meta.format_version) == ("annual_report", 2021, "2021")


def test_flattened_blank_form_is_still_a_template():
    blank = FLAT_TABLES.format("", "")
    assert "1.属于国家秘密" in blank and "2.其他法律" in blank  # item numbers are no values
    text = "一、总体情况(文字描述)" + blank
    assert looks_like_blank_template(text)
    assert extract_metadata(text).doc_kind == "other"
    assert looks_like_blank_template(UNNAMED_CRAWLER_PAGE.format(tables=blank))


def test_corpus_blank_form_document_is_a_template():
    from transforms.pipeline import extract_document

    data = (CORPUS / "template_2021format_blank.docx").read_bytes()
    text = extract_document(data, "template_2021format_blank.docx").text
    meta = extract_metadata(text)
    assert (meta.doc_kind, meta.agency, meta.report_year) == ("other", None, None)
    untitled = text.replace("政府信息公开工作年度报告格式模板", "", 1)
    assert looks_like_blank_template(untitled)


# --- Markdown and OCR'd Markdown: marks are never part of a name -------------------------

_MD_BODY = "\n\n## 一、总体情况\n\n2023年，县政府认真贯彻落实《条例》。\n\n## 六、其他需要报告的事项\n\n无。\n"


@pytest.mark.parametrize(
    "title_lines, agency",
    [
        ("# 沭阳县人民政府2023年政府信息公开工作年度报告", "沭阳县人民政府"),
        ("#沐阳县人民政府2023年政府信息公开工作年度报告", "沐阳县人民政府"),  # OCR: # glued, 沭 read as 沐
        ("**沭阳县人民政府2023年政府信息公开工作年度报告**", "沭阳县人民政府"),
        ("> 沭阳县人民政府2023年政府信息公开工作年度报告", "沭阳县人民政府"),
        ("# **沭阳县人民政府2023年政府信息公开工作年度报告** #", "沭阳县人民政府"),
        ("## 表三\n\n#沭阳县人民政府2023年政府信息公开工作年度报告", "沭阳县人民政府"),  # converter heading first
        ("# 沭阳县人民政府\n# 2023年政府信息公开工作年度报告", "沭阳县人民政府"),
        ("**沭阳县人民政府2023年政府信息公开\n工作年度报告**", "沭阳县人民政府"),  # bold title wrapped
        ("＃沭阳县人民政府２０２３年政府信息公开工作年度报告", "沭阳县人民政府"),  # full-width, uncleaned
    ],
)
def test_markdown_marks_never_reach_agency_region_or_title(title_lines, agency):
    meta = extract_metadata(unicodedata.normalize("NFKC", title_lines + _MD_BODY))
    assert meta.agency == agency
    assert meta.region == agency.removesuffix("人民政府")
    assert meta.report_year == 2023
    if meta.region == "沭阳县":
        assert (meta.admin_level, meta.region_code) == ("county", "321322")
    else:  # the OCR misreading 沐阳县 is no division: no code, no level is guessed
        assert (meta.admin_level, meta.region_code) == ("unknown", None)
        assert "沐阳县 is not a division" in meta.region_note
    assert not any(mark in meta.title for mark in "#*>")


def test_bold_signature_gives_agency_and_date():
    text = "一、总体情况\n\n2023年，县政府认真贯彻落实《条例》。\n\n**沭阳县人民政府**\n\n**2024年1月20日**\n"
    meta = extract_metadata(text)
    assert (meta.agency, meta.published_on) == ("沭阳县人民政府", date(2024, 1, 20))


def test_a_glued_mark_is_never_a_place():
    assert split_place("#沐阳县人民政府") == (None, "#沐阳县人民政府")
    assert split_place("**淮安市洪泽区人民政府")[0] is None


# --- the title's agency, in the fullest form the document gives ------------------------

_SH_BODY = "\n一、总体情况\n2019年，{body}认真贯彻落实《条例》，主动公开政府信息。\n"


@pytest.mark.parametrize(
    "title, body, agency",
    [
        # the body's shorter name is another body (the government, not its office): the title wins
        ("上海市人民政府办公厅2019年政府信息公开工作年度报告", "上海市政府", "上海市人民政府办公厅"),
        ("上海市人民政府办公厅2019年政府信息公开工作年度报告", "市政府", "上海市人民政府办公厅"),
        # the same body, short in the title and in full in the body: the full name
        ("上海市科委2019年政府信息公开工作年度报告", "上海市科学技术委员会", "上海市科学技术委员会"),
        # ... and the other way round: the title's full name stays
        ("上海市科学技术委员会2019年政府信息公开工作年度报告", "上海市科委", "上海市科学技术委员会"),
        ("上海市政府2019年政府信息公开工作年度报告", "上海市人民政府", "上海市人民政府"),
        ("上海市人民政府2019年政府信息公开工作年度报告", "上海市政府", "上海市人民政府"),
        ("宿迁市发改委2019年政府信息公开工作年度报告", "宿迁市发展和改革委员会", "宿迁市发展和改革委员会"),
        ("宿迁市人社局2019年政府信息公开工作年度报告", "宿迁市人力资源和社会保障局", "宿迁市人力资源和社会保障局"),
        ("宿迁市政府办2019年政府信息公开工作年度报告", "宿迁市人民政府办公室", "宿迁市人民政府办公室"),
        # a longer name that is not written as a name, or another kind of body, is not taken
        ("上海市教育局2019年政府信息公开工作年度报告", "上海市教育系统各局的", "上海市教育局"),
        ("上海市政府2019年政府信息公开工作年度报告", "上海市人民政府办公厅", "上海市人民政府"),
        ("上海市科委2019年政府信息公开工作年度报告", "上海市科学技术协会", "上海市科委"),
    ],
)
def test_title_agency_wins_in_its_fullest_written_form(title, body, agency):
    meta = extract_metadata(title + _SH_BODY.format(body=body))
    assert meta.agency == agency
    assert meta.region == agency[:3]


@pytest.mark.parametrize(
    "title",
    [
        "上海市人民政府办公厅关于2019年度政府信息公开工作的年度报告",
        "上海市人民政府办公厅政府信息公开工作2019年度报告",
        "上海市人民政府办公厅\n2019年政府信息公开\n工作年度报告",  # wrapped over three lines
        "上海市人民政府办公厅2019年政府信息\n公开工作年度报告",
        "上海市人民政府办公厅2019年\n政府信息公开工作年度报告",
        "# 上海市人民政府办公厅\n# 2019年政府信息公开工作年度报告",
    ],
)
def test_title_in_any_shape_beats_a_shorter_name_in_the_body(title):
    meta = extract_metadata(title + _SH_BODY.format(body="上海市政府"))
    assert meta.agency == "上海市人民政府办公厅"
    assert meta.report_year == 2019
    assert "上海市人民政府办公厅" in meta.title and "年度报告" in meta.title


def test_a_body_named_after_disclosure_work_keeps_its_name():
    meta = extract_metadata("上海市政务公开办公室2019年政府信息公开工作年度报告" + _SH_BODY.format(body="市政务公开办"))
    assert meta.agency == "上海市政务公开办公室"


def test_sentences_are_never_joined_into_a_title():
    text = "一、总体情况\n2019年，本机关认真贯彻落实，\n全年发布年度报告1份。\n上海市政府\n"
    assert find_title(text) is None


@pytest.mark.parametrize(
    "title, body, agency",
    [
        # the title's short form is never spelled out: a body name counts only if it is the same body
        ("市政府办公厅2019年政府信息公开工作年度报告", "上海市政府", None),
        ("市政府办公厅2019年政府信息公开工作年度报告", "沭阳县人民政府办公室", None),  # a county's, not a city's
        ("市政府办公厅2019年政府信息公开工作年度报告", "上海市人民政府办公厅", "上海市人民政府办公厅"),
        ("区政府2019年政府信息公开工作年度报告", "淮安市洪泽区教育局", None),
        ("区政府2019年政府信息公开工作年度报告", "淮安市洪泽区人民政府", "淮安市洪泽区人民政府"),
        # a self-reference names no body in particular: the body's name stands
        ("我局2019年政府信息公开工作年度报告", "淮安市洪泽区教育局", "淮安市洪泽区教育局"),
    ],
)
def test_a_short_title_form_rules_out_other_bodies_named_in_the_prose(title, body, agency):
    assert extract_metadata(title + _SH_BODY.format(body=body)).agency == agency
