"""Narrative figures and their metrics on the seeds, the corpus, and inline fixtures."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import pytest

from tests.conftest import CORPUS, seed_files, seed_gold
from transforms.model import Figure, Section
from transforms.narrative import METRIC_LITIGATION_ALL, extract_figures, figures_to_facts
from transforms.sections import split_sections

SECOND_COPY_004 = "12全文查看2010年"


def seed_path(prefix: str):
    return next(p for p in seed_files() if p.name.startswith(prefix))


def seed_text(prefix: str) -> str:
    text = unicodedata.normalize("NFKC", seed_path(prefix).read_text(encoding="utf-8"))
    if prefix == "004":
        text = text[: text.index(SECOND_COPY_004)]
    return text


def figures_of(text: str) -> list[Figure]:
    return extract_figures(text, split_sections(text))


def figs(text: str) -> list[tuple]:
    """(value, unit, qualifier) of each figure in a fixture without sections."""
    return [(f.value, f.unit, f.qualifier) for f in extract_figures(text, [])]


def matched(text: str, fig: Figure) -> str:
    return text[fig.start_offset: fig.end_offset]


# --- seeds -------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_gold_narrative_figure_is_found(prefix):
    text = seed_text(prefix)
    found = [(f.value, f.unit) for f in figures_of(text)]
    for value, unit in seed_gold(seed_path(prefix).name)["narrative"]:
        count = found.count((Decimal(value), unit))
        if prefix == "004":
            assert count == 1, (value, unit, count)  # one copy, and the heading restating 100% is not counted
        else:
            assert count >= 1, (value, unit)


def test_seed_001_multipliers_and_approximations():
    by_text = {matched(seed_text("001"), f): f for f in figures_of(seed_text("001"))}
    assert by_text["56万次"].value == Decimal(560000) and by_text["56万次"].qualifier == "exact"
    assert by_text["1300余条"].qualifier == "approx"
    assert by_text["7000余个"].value == Decimal(7000)
    assert by_text["45000人"].phrase == "微信公众平台订阅量达45000人"
    assert all(f.section == "overview" for f in by_text.values())


def test_seed_004_line_break_inside_a_figure():
    text = seed_text("004")
    (fig,) = [f for f in figures_of(text) if f.value == 30 and f.unit == "件"]
    assert matched(text, fig) == "30余\n\n件"
    assert fig.qualifier == "approx"
    assert fig.phrase == "共回复市、区网站网友投诉、咨询30余件"
    assert fig.section == "review_litigation"  # 五、… is no canonical heading: still inside 四


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_no_year_ordinal_idiom_or_table_false_positives(prefix):
    text = seed_text(prefix)
    books = [(m.start(), m.end()) for m in re.finditer(r"《[^《》\n]*》", text)]
    for fig in figures_of(text):
        raw = matched(text, fig)
        assert "年" not in raw and "月" not in raw and "日" not in raw, raw
        assert not text[: fig.start_offset].rstrip().endswith("第"), raw
        assert not re.fullmatch(r"一[项次个条名位件]", raw), raw
        line_start = text.rfind("\n", 0, fig.start_offset) + 1
        line_end = text.find("\n", fig.end_offset)
        line = text[line_start: line_end if line_end >= 0 else len(text)]
        assert "\t" not in line and " | " not in line, raw
        assert not any(a <= fig.start_offset < b for a, b in books), raw


def test_seed_idioms_are_not_counted():
    raws = {prefix: {matched(seed_text(prefix), f) for f in figures_of(seed_text(prefix))} for prefix in ("000", "002", "004")}
    assert "五个" not in raws["000"]  # 确保五个公开
    assert "两次" not in raws["000"]  # 每周两次: a rate
    assert {"两名", "两次以上", "12次"} <= raws["002"]
    assert not any(r.startswith("一") for r in raws["002"])  # 一票否决, 一系列, 一把手
    assert "三个" not in raws["004"]  # 三个代表
    assert "15个" not in raws["004"]  # 15个工作日: a deadline
    assert "近100篇" in raws["004"]


def test_seed_003_narrative_facts_equal_gold():
    gold = seed_gold(seed_path("003").name)
    text = seed_text("003")
    active, requests, review = figures_to_facts(figures_of(text), text)
    assert {f"{f.row_code}.{f.applicant}": f.value for f in requests} == gold["requests_narrative"]
    assert {f"{f.item}.{f.metric}": int(f.value) for f in active} == gold["active_disclosure_narrative"]
    assert review == []
    for fact in requests + active:
        assert fact.ref.column_label == "narrative"
        assert fact.ref.raw.endswith("件") and fact.ref.raw[:-1].isdigit()
    (received,) = [f for f in requests if f.row_code == "new_received"]
    assert received.ref.row_label == "本厅本年度共受理73件政府信息公开申请"


def test_seed_003_mailbox_and_list_items_carry_no_metric():
    text = seed_text("003")
    by_value = {f.value: f for f in figures_of(text)}
    assert by_value[Decimal(7603)].metric is None  # 办结厅长信箱留言7603件: not applications
    assert by_value[Decimal(13000)].qualifier == "approx"  # 1.3万余条
    assert by_value[Decimal(125)].unit == "所"


def test_corpus_pdf_like_wrapped_sentence_and_prose_vs_table_metrics():
    text = (
        "一、总体情况\n"
        "(二)依申请公开情况。2024 年,全市共受理政府信息公开申请 3119 件,答\n"
        "复 3050 件(含上年度结转申请 34 件),另有 103 件顺延到下年度。全年\n"
        "办理政府信息公开行政复议 351件,其中结果维持 72 件,结果纠正 64 件;政府信息公开行政诉讼 46 件。\n"
    )
    metrics = {f.value: f.metric for f in figures_of(text)}
    assert metrics[Decimal(3119)] == "requests.new_received.total"
    assert metrics[Decimal(3050)] == "requests.total_processed.total"
    assert metrics[Decimal(34)] == "requests.carried_over.total"
    assert metrics[Decimal(103)] == "requests.carried_forward.total"
    assert metrics[Decimal(351)] == "review_litigation.review.total"
    assert metrics[Decimal(72)] is None and metrics[Decimal(64)] is None
    assert metrics[Decimal(46)] == METRIC_LITIGATION_ALL
    active, requests, review = figures_to_facts(figures_of(text))
    assert {(f.row_code, f.value) for f in requests} == {
        ("new_received", 3119), ("total_processed", 3050), ("carried_over", 34), ("carried_forward", 103)
    }
    assert [(f.proceeding, f.outcome, f.value) for f in review] == [("review", "total", 351)]


def test_corpus_crawler_one_line_body():
    text = unicodedata.normalize("NFKC", (CORPUS / "pingtan_syq_2021.txt").read_text(encoding="utf-8"))
    figures = figures_of(text)
    metrics = {f.metric: f.value for f in figures if f.metric}
    assert metrics == {
        "requests.new_received.total": 70,
        "requests.total_processed.total": 69,
        "requests.carried_forward.total": 1,
    }
    # nothing is read out of the flattened tables (规章 000, 行政许可2293, …)
    tables_start = text.index("二、主动公开政府信息情况")
    tables_end = text.index("五、存在的主要问题")
    assert not [f for f in figures if tables_start <= f.start_offset < tables_end]


# --- fixtures: numbers, qualifiers, units -----------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("全年发布信息1.3万条。", [(Decimal(13000), "条", "exact")]),
        ("累计阅读量56万次。", [(Decimal(560000), "次", "exact")]),
        ("覆盖4.5万人。", [(Decimal(45000), "人", "exact")]),
        ("发布信息1.3万余条。", [(Decimal(13000), "条", "approx")]),
        ("报送信息5300余条。", [(Decimal(5300), "条", "approx")]),
        ("收到投稿近100篇。", [(Decimal(100), "篇", "approx")]),
        ("近100篇投稿入选。", [(Decimal(100), "篇", "approx")]),
        ("两名工作人员负责。", [(Decimal(2), "名", "exact")]),
        ("最近3次会议。", [(Decimal(3), "次", "exact")]),
        ("接听电话约200个。", [(Decimal(200), "个", "approx")]),
        ("回复群众留言100多条。", [(Decimal(100), "条", "approx")]),
        ("办理300件左右。", [(Decimal(300), "件", "approx")]),
        ("每年接访两次以上。", [(Decimal(2), "次", "at_least")]),
        ("公开信息超过500条。", [(Decimal(500), "条", "at_least")]),
        ("公开信息不少于50条。", [(Decimal(50), "条", "at_least")]),
        ("办结率100%。", [(Decimal(100), "%", "exact")]),
        ("占51.85%。", [(Decimal("51.85"), "%", "exact")]),
        ("同比提高3个百分点。", [(Decimal(3), "个百分点", "exact")]),
        ("收费60.179万元。", [(Decimal("60.179"), "万元", "exact")]),
        ("收取信息处理费3940元。", [(Decimal(3940), "元", "exact")]),
        ("投入资金1.2亿元。", [(Decimal("1.2"), "亿元", "exact")]),
        ("访问量达11460人次。", [(Decimal(11460), "人次", "exact")]),
        ("开展活动42场次。", [(Decimal(42), "场次", "exact")]),
        ("召开会议十二次。", [(Decimal(12), "次", "exact")]),
        ("设立窗口二十五个。", [(Decimal(25), "个", "exact")]),
        ("办理一百零五件。", [(Decimal(105), "件", "exact")]),
        ("明确了两名工作人员。", [(Decimal(2), "名", "exact")]),
        ("受理审批事项 117 件,办结 171 件。", [(Decimal(117), "件", "exact"), (Decimal(171), "件", "exact")]),
        ("共回复网友投诉、咨询30余\n\n件,回复率100%。", [(Decimal(30), "件", "approx"), (Decimal(100), "%", "exact")]),
    ],
)
def test_figure_forms(text, expected):
    assert figs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2022年,我局扎实推进政务公开。",
        "3月12日召开会议。",
        "时间:2022-02-22 作者:佚名",
        "依据《条例》第二十条第(一)项规定。",
        "根据第3条的要求办理。",
        "引入第三方评估公司。",
        "一是加强领导;二是完善制度。",
        "确保每一项政策都征求意见。",
        "这是转变政府职能的一项重要举措。",
        "实行“一票否决制”,推行一站式服务,落实一把手责任,出台一系列文件。",
        "以三个代表重要思想为指导,坚持两个维护。",
        "坚决执行“收支两条线”管理。",
        "坚持“三个一”工作机制。",
        "危及“三安全一稳定”。",
        "(乌政公办字〔2022〕9号)",
        "发布《关于公布2022年100条便民措施的通知》。",
        "电话:0591-23165370;邮编:350400。",
        "在15个工作日内答复,办理时限3个月。",
        "每周两次检查网站。",
        "推进二期工程建设。",
        "千家万户受益。",
        "三四个单位参加。",
        "原文链接:http://jyt.ah.gov.cn/public/7071/40732714.html",
    ],
)
def test_not_figures(text):
    assert figs(text) == []


def test_table_cells_are_not_figures():
    pipe = "行政许可 | 5件 | 3件\n规章\t2件\t1件\n"
    one_cell_per_line = "规范性文件\n\n 15\n\n件数\n"
    assert figs(pipe) == []
    assert figs(one_cell_per_line) == []


def test_offsets_phrase_and_section():
    text = "一、总体情况\n全年共主动公开信息近100篇,其中政策解读12条。\n页脚统计3次"
    sections = [Section("overview", "一、总体情况", "全年共主动公开信息近100篇,其中政策解读12条。", 0, 31)]
    first, second, third = extract_figures(text, sections)
    assert matched(text, first) == "近100篇"
    assert first.phrase == "全年共主动公开信息近100篇"
    assert (first.section, second.section, third.section) == ("overview", "overview", None)
    assert second.phrase == "其中政策解读12条"


# --- fixtures: metrics and facts --------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, metric",
    [
        ("本年度全区共收到70件申请,及时依法依规办结69件,1件结转下年度继续办理。",
         ["requests.new_received.total", "requests.total_processed.total", "requests.carried_forward.total"]),
        ("本年度收到政府信息公开申请5件,其中上年结转2件。", ["requests.new_received.total", "requests.carried_over.total"]),
        ("因政府信息公开引起的行政复议案件2件、行政诉讼案件7件。",
         ["review_litigation.review.total", METRIC_LITIGATION_ALL]),
        ("未经复议直接起诉3件,复议后起诉1件。",
         ["review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"]),
        ("行政复议和行政诉讼各0件。", [None]),
        ("废止规范性文件20件,制定印发行政规范性文件11件,现行有效规范性文件184件。",
         ["active_disclosure.normative_documents.repealed", "active_disclosure.normative_documents.issued",
          "active_disclosure.normative_documents.in_force"]),
        ("全年制定规章1件。", ["active_disclosure.regulations.issued"]),
        ("公开规范性文件5件。", [None]),
        ("清理规范性文件30件。", [None]),
        ("受理行政许可申请150件,办结150件。", [None, None]),
        ("办结厅长信箱留言7603件。", [None]),
    ],
)
def test_metric_from_wording(sentence, metric):
    text = "(二)依申请公开情况。" + sentence
    assert [f.metric for f in extract_figures(text, [])] == metric


def test_approx_figures_and_non_fact_metrics_make_no_facts():
    text = "全年共收到政府信息公开申请约300件,行政诉讼4件。"
    figures = extract_figures(text, [])
    assert [f.metric for f in figures] == ["requests.new_received.total", METRIC_LITIGATION_ALL]
    assert figures_to_facts(figures) == ([], [], [])


def test_conflicting_figures_emit_no_fact_agreeing_ones_emit_one():
    agree = "收到政府信息公开申请5件。本年度共受理政府信息公开申请5件。"
    _, requests, _ = figures_to_facts(extract_figures(agree, []), agree)
    assert [(f.row_code, f.value, f.ref.raw) for f in requests] == [("new_received", 5, "5件")]
    assert requests[0].ref.row_label == "收到政府信息公开申请5件"
    disagree = "收到政府信息公开申请5件。本年度共受理政府信息公开申请6件。"
    assert figures_to_facts(extract_figures(disagree, []), disagree) == ([], [], [])


def test_facts_without_text_render_raw_from_the_figure():
    text = "行政复议3起。"
    _, _, review = figures_to_facts(extract_figures(text, []))
    assert [(f.proceeding, f.outcome, f.value, f.ref.raw, f.ref.table) for f in review] == [
        ("review", "total", 3, "3起", "review_litigation")
    ]
