"""Section splitting on the seeds (three table layouts), the crawler corpus and fixtures."""

from __future__ import annotations

import unicodedata

import pytest

from tests.conftest import CORPUS, seed_files, seed_gold
from transforms.codes import SECTIONS
from transforms.sections import classify_heading, split_sections

SECOND_COPY_004 = "12全文查看2010年"


def seed_path(prefix: str):
    return next(p for p in seed_files() if p.name.startswith(prefix))


def seed_text(prefix: str, first_copy: bool = True) -> str:
    text = unicodedata.normalize("NFKC", seed_path(prefix).read_text(encoding="utf-8"))
    if prefix == "004" and first_copy:
        text = text[: text.index(SECOND_COPY_004)]
    return text


def corpus_text(name: str) -> str:
    return unicodedata.normalize("NFKC", (CORPUS / name).read_text(encoding="utf-8"))


def assert_well_formed(text, sections):
    """Offsets point at the heading, bodies are the text between headings, no overlap."""
    names = [s.section for s in sections]
    assert len(names) == len(set(names))
    assert all(n in SECTIONS for n in names)
    for i, s in enumerate(sections):
        assert text[s.start_offset:].startswith(s.heading)
        assert s.end_offset >= s.start_offset + len(s.heading)
        assert s.body == text[s.start_offset + len(s.heading): s.end_offset].strip()
        assert text[s.start_offset: s.end_offset].endswith(s.body or s.heading)
        if i + 1 < len(sections):
            assert s.end_offset <= sections[i + 1].start_offset


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_seed_sections_match_gold(prefix):
    text = seed_text(prefix)
    sections = split_sections(text)
    assert [s.section for s in sections] == seed_gold(seed_path(prefix).name)["sections"]
    assert_well_formed(text, sections)


def test_seed_000_maps_by_meaning_not_numeral():
    sections = {s.section: s for s in split_sections(seed_text("000"))}
    assert sections["problems_improvements"].heading == "三、存在的主要问题及下一步改进措施"
    # the one-cell-per-line table stays inside 主动公开
    assert "对外公开总数量" in sections["proactive_disclosure"].body
    assert "存在的主要问题" not in sections["proactive_disclosure"].body


@pytest.mark.parametrize("prefix", ["001", "002"])
def test_table_row_labels_are_not_headings(prefix):
    text = seed_text(prefix)
    sections = {s.section: s for s in split_sections(text)}
    requests = sections["requests"]
    for label in ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "四、结转下年度继续办理"):
        assert label in requests.body
    assert "三、本年度办理结果" in requests.body or "三、 本年度办理结果" in requests.body
    assert sections["review_litigation"].heading == "四、政府信息公开行政复议、行政诉讼情况"


def test_page_furniture_is_cut_from_the_last_body():
    sections = split_sections(seed_text("001"))
    last = sections[-1]
    assert last.section == "other_matters"
    assert "上一条" not in last.body and "下一条" not in last.body
    assert last.body.endswith("不断完善政务公开平台。")


def test_seed_004_unrecognised_headings_stay_in_the_body():
    text = seed_text("004")
    sections = split_sections(text)
    assert [s.section for s in sections] == [
        "overview",
        "proactive_disclosure",
        "requests",
        "review_litigation",
        "problems_improvements",
    ]
    by_name = {s.section: s for s in sections}
    assert by_name["requests"].heading == "三、依申请公开信息的情况"
    assert by_name["review_litigation"].heading == "四、因政府信息公开申请行政复议、提起行政诉讼情况"
    assert "五、关注群众呼声" in by_name["review_litigation"].body
    assert "六、围绕重点政务工作" in by_name["review_litigation"].body
    assert by_name["problems_improvements"].heading.startswith("七、")
    assert_well_formed(text, sections)


def test_seed_004_duplicate_article_does_not_leak_into_bodies():
    text = seed_text("004", first_copy=False)
    sections = split_sections(text)
    assert len(sections) == 5
    problems = sections[-1]
    assert problems.section == "problems_improvements"
    assert "总体情况概述" not in problems.body  # the second copy's heading ended the body
    assert problems.end_offset < text.index("一、总体情况概述", text.index(SECOND_COPY_004))


def test_work_summary_has_no_statutory_sections():
    assert split_sections(seed_text("003")) == []


@pytest.mark.parametrize("name", ["pingtan_syq_2021.txt", "pingtan_syq_2023.txt", "pingtan_syq_2025.txt"])
def test_crawler_one_line_bodies_split_inline(name):
    text = corpus_text(name)
    sections = split_sections(text)
    assert [s.section for s in sections] == list(SECTIONS)
    assert_well_formed(text, sections)
    by_name = {s.section: s for s in sections}
    assert by_name["requests"].heading == "三、收到和处理政府信息公开申请情况"
    assert "附件下载" not in by_name["other_matters"].body
    # the preamble lists the part names without numerals: not headings
    assert sections[0].start_offset > text.index("本报告")


def test_heading_glued_to_a_flattened_cell():
    text = corpus_text("pingtan_syq_2019.txt")
    assert "元三、收到和处理政府信息公开申请情况" in text
    sections = {s.section: s for s in split_sections(text)}
    assert "requests" in sections
    assert sections["proactive_disclosure"].body.endswith("元")


FIXTURE = """某某县人民政府办公室2020年政府信息公开工作年度报告
一、总体情况
2020年,我县扎实推进政务公开。
二、主动公开政府信息情况
第二十条第(一)项 | | |
规章 | 0 | 0 | 0
三、政府信息依申请公开工作情况
本年度收到申请3件。
四、政府信息公开的收费及减免情况
未收取任何费用。
五、因政府信息公开工作被申请行政复议和提起行政诉讼情况
无。
六、政府信息公开工作存在的主要问题及改进情况
一是信息更新不及时。
七、其他需要报告的事项
无。
上一条:关于印发……的通知
"""


def test_fixture_heading_variants_by_meaning():
    sections = split_sections(FIXTURE)
    assert [s.section for s in sections] == list(SECTIONS)
    by_name = {s.section: s for s in sections}
    # the fee part (四) is not canonical: it stays in the requests body
    assert "四、政府信息公开的收费及减免情况" in by_name["requests"].body
    assert by_name["review_litigation"].heading.startswith("五、因政府信息公开工作被申请行政复议")
    assert by_name["other_matters"].body == "无。"
    assert_well_formed(FIXTURE, sections)


def test_table_lines_never_start_a_section():
    text = (
        "一、总体情况\n正文。\n"
        "三、收到和处理政府信息公开申请情况\t0\t0\n"
        "二、主动公开政府信息情况 | 1 | 2\n"
        "一、本年新收政府信息公开申请数量\t\t0\t0\n"
    )
    assert [s.section for s in split_sections(text)] == ["overview"]


def test_first_occurrence_wins_and_offsets_are_exact():
    text = "一、总体情况\n甲。\n二、主动公开政府信息情况\n乙。\n一、总体情况\n丙。\n"
    sections = split_sections(text)
    assert [s.section for s in sections] == ["overview", "proactive_disclosure"]
    overview, proactive = sections
    assert (overview.start_offset, overview.end_offset, overview.body) == (0, 9, "甲。")
    assert proactive.body == "乙。"  # the repeated heading ends the body
    assert text[proactive.start_offset: proactive.end_offset] == "二、主动公开政府信息情况\n乙。"


@pytest.mark.parametrize(
    "heading, expected",
    [
        ("总体情况", "overview"),
        ("概述", "overview"),
        ("主动公开政府信息情况", "proactive_disclosure"),
        ("收到和处理政府信息公开申请情况", "requests"),
        ("政府信息依申请公开工作情况", "requests"),
        ("因政府信息公开申请行政复议、提起行政诉讼的情况", "review_litigation"),
        ("政府信息公开行政复议、行政诉讼情况", "review_litigation"),
        ("存在的主要问题及改进情况", "problems_improvements"),
        ("存在的主要问题和改进措施", "problems_improvements"),
        ("其他需要报告的事项", "other_matters"),
        ("本年新收政府信息公开申请数量", None),
        ("结转下年度继续办理", None),
        ("关注群众呼声,市、区网站投诉、咨询回复率100%", None),
        ("政府信息公开的收费及减免情况", None),
    ],
)
def test_classify_heading(heading, expected):
    assert classify_heading(heading) == expected


def test_a_heading_glued_to_the_next_one_ends_where_that_one_starts():
    """Found by test_properties.py: a short line-start heading was taken as the
    whole line although the next heading followed on it, so the two sections
    overlapped (offsets are stored in core.sections)."""
    text = "三、收到和处理政府信息公开申请情况二、主动公开政府信息情况\n全年公开12条。"
    requests, proactive = split_sections(text)
    assert (requests.heading, requests.body, requests.start_offset, requests.end_offset) == (
        "三、收到和处理政府信息公开申请情况", "", 0, 17,
    )
    assert (proactive.start_offset, proactive.body) == (17, "全年公开12条。")
