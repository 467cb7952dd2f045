"""clean_text on the real seeds, the cleaned-text convention, and html_to_text
on official-form markup."""

from __future__ import annotations

import re

import pytest
from conftest import SEEDS, seed_files
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.cleaning import clean_text, html_to_text
from transforms.model import TransformError

SEED_PATHS = seed_files()
SEED_IDS = [p.name[:3] for p in SEED_PATHS]


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cleaned() -> dict[str, str]:
    return {p.name[:3]: clean_text(p.read_text(encoding="utf-8")) for p in SEED_PATHS}


# --- the seeds --------------------------------------------------------------

CHROME = [
    "无障碍", "当前位置", "当前所在", "您当前的位置", "字体:【", "扫一扫", "打印本页", "关闭窗口",
    "上一条", "下一条", "上一篇", "下一篇", "免责声明", "延伸阅读", "推荐阅读", "相关阅读",
    "图文推荐", "栏目列表", "原文链接", "主办--", "联系电话:", "监督电话:", "举报电话:", "联系地址:",
    "ICP备", "公网安备", "版权所有", "全文查看", "+阅读", "联系QQ",
]


@pytest.mark.parametrize("prefix", SEED_IDS)
def test_seed_has_no_chrome(cleaned, prefix):
    text = cleaned[prefix]
    left = [c for c in CHROME if c in text]
    assert not left, f"chrome left in seed {prefix}: {left}"


@pytest.mark.parametrize("prefix", SEED_IDS)
def test_seed_follows_the_convention(cleaned, prefix):
    text = cleaned[prefix]
    assert clean_text(text) == text  # idempotent
    assert "\r" not in text and "\n\n\n" not in text
    assert "  " not in text  # space runs folded
    assert not re.search(r"(?m)^ | $", text)  # no spaces at line edges
    assert not re.search("[\uff01-\uff5e\u3000\u00a0\u200b\ufeff]", text)  # no full-width ASCII, odd spaces
    assert text == text.strip("\n")


def test_004_keeps_one_copy_of_its_repeated_article(cleaned):
    text = cleaned["004"]
    assert text.count("18条") == 1
    assert text.count("15篇") == 1
    # ... and that copy is whole: every heading once, beginning to end.
    for heading in ("一、总体情况概述", "二、主动公开政府信息情况", "三、依申请公开信息的情况",
                    "四、因政府信息公开申请行政复议、提起行政诉讼情况", "七、政府信息公开工作存在的主要问题及改进情况"):
        assert text.count(heading) == 1, heading
    assert "现将主要情况报告如下:" in text
    assert text.count("(四)要严格筛选公开内容") == 1
    # The noise token inside a sentence is cut out, not the sentence.
    assert "2010年度,发生针对我局政府信息公开类行政诉讼案0件" in text
    # Title kept; the teaser list after 延伸阅读 gone.
    assert "2010年区教育局政府信息公开工作年度报告" in text
    assert "厂务公开工作总结" not in text and "党务公开示范点" not in text
    assert text.splitlines()[-1].startswith("(四)要严格筛选公开内容")


def test_003_loses_disclaimer_and_footer_but_no_content(cleaned):
    text = cleaned["003"]
    assert "免责声明" not in text and "联系电话" not in text and "金政国信" not in text
    assert "2024年教育厅政务公开工作总结" in text
    assert "时间:2024-12-30" in text
    original = _seed("003").splitlines()
    cut = next(i for i, line in enumerate(original) if line.startswith("原文链接"))
    body = [clean_text(line) for line in original[:cut]]
    for line in body:
        if line and "当前所在" not in line:
            assert line in text, line
    assert "1.3万余条" in text and "7603件" in text


def test_000_keeps_header_date_and_split_table_cells(cleaned):
    text = cleaned["000"]
    assert "时间:2022-02-22" in text
    assert "隆尧县教育局 2021年政府信息公开工作年度报告" in text
    assert "本年新\n制作数量" in text and "本年新\n公开数量" in text
    assert "规范性文件\n\n15\n\n15\n\n15" in text
    assert text.splitlines()[-1] == "2022222"  # the signature date, after the 扫一扫 footer went


def test_002_tab_cells_survive(cleaned):
    text = cleaned["002"]
    lines = text.splitlines()
    assert "规章\t0\t0\t0" in lines
    assert "行政事业性收费\t60.179" in lines
    assert "第二十条第(一)项\t\t\t" in lines  # trailing empty cells kept
    assert any(line.startswith("\t\t自然人\t法人或其他组织") for line in lines)  # leading ones too
    assert "\t\t2. 其他法律行政法规禁止公开\t0\t0\t0\t0\t0\t0\t0" in lines
    assert text.count("\t") == _seed("002").count("\t")
    assert "," in text and "\uff0c" not in text  # ， became ,


def test_001_pipe_rows_unchanged(cleaned):
    text = cleaned["001"]
    for line in _seed("001").splitlines():
        if "|" in line:
            assert line.strip() in text.splitlines(), line
    assert "上一条" not in text and "下一条" not in text


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_no_report_line_is_lost(cleaned, prefix):
    """Every line that is not chrome on its own is still in the document."""
    lines = set(cleaned[prefix].splitlines())
    for line in _seed(prefix).splitlines():
        alone = clean_text(line)
        if alone:
            assert alone in lines, line


# --- the convention on small inputs -------------------------------------------


def test_full_width_forms_become_ascii_and_chinese_punctuation_stays():
    raw = "（一）本年新收申请１２３件，办结率１００％；ＡＢｃ！？：．“引号”《条例》、。"
    assert clean_text(raw) == "(一)本年新收申请123件,办结率100%;ABc!?:.“引号”《条例》、。"


def test_spaces_tabs_newlines_and_invisibles():
    raw = "\ufeff标题\u200b\r\n\r\n\r\n\r\n正文\u3000\u3000第一段\xa0\xa0内容   \r\n规章 \t 0\t\t0 \n\n\n\n结尾\x0c下一页"
    assert clean_text(raw) == "标题\n\n正文 第一段 内容\n规章\t0\t\t0\n\n结尾\n下一页"


def test_tab_only_rows_are_kept():
    assert clean_text("项目\t\t\n\t\t\n合计\t1") == "项目\t\t\n\t\t\n合计\t1"


@pytest.mark.parametrize(
    "chrome",
    [
        "无障碍 | 长者模式 | 简体 | 繁體",
        "您当前的位置:首页 > 政务公开 > 年度报告",
        "当前位置:首页 > 信息公开",
        "扫一扫在手机打开当前页",
        "【打印本页】【关闭窗口】",
        "上一篇:关于2020年度报告的说明",
        "下一条:无",
        "原文链接:http://www.example.gov.cn/art/2022/1/20/art_1.html",
        "主办单位:某某县人民政府办公室 承办单位:某某县大数据中心",
        "网站标识码:1305280001 冀ICP备05003445号 冀公网安备13052802000123号",
        "版权所有:某某县人民政府",
        "联系电话:0319-1234567 联系地址:某某县人民路1号",
    ],
)
def test_chrome_lines_are_removed(chrome):
    assert clean_text(f"一、总体情况\n{chrome}\n本年新收申请12件。") == "一、总体情况\n本年新收申请12件。"


def test_font_bar_is_cut_from_the_header_line_which_stays():
    assert clean_text("来源:教育局 时间:2022-02-22 字体:【大 中 小】") == "来源:教育局 时间:2022-02-22"
    assert clean_text("【字号:大 中 小】发布日期:2022-01-05") == "发布日期:2022-01-05"
    assert clean_text("发文字号:冀政办〔2021〕5号") == "发文字号:冀政办〔2021〕5号"


@pytest.mark.parametrize(
    "content",
    [
        "(三)无障碍改造",
        "依申请公开的受理机构、联系电话、通信地址均在指南中公布,全年接听咨询电话120次,均已答复并记录在案。",
        "2021年,本机关主办政务公开培训3期。",
        "五、政府信息公开工作存在的主要问题及改进情况",
        "行政许可 | 447228 | |",
    ],
)
def test_report_lines_that_mention_chrome_words_stay(content):
    assert clean_text(content) == content


def test_fulltext_noise_token_is_removed_inline():
    assert clean_text("2010年12全文查看度,发生诉讼0件") == "2010年度,发生诉讼0件"


def test_teaser_list_after_marker_is_removed_up_to_report_structure():
    raw = "\n".join([
        "(四)加强培训。",
        "相关阅读:",
        "",
        "某县2019年政务公开工作总结某县认真贯彻落实...",
        "",
        "关于开展政务公开示范点创建活动的实施方案根据...",
        "五、存在的主要问题及改进情况",
        "下一步将加强培训。",
    ])
    assert clean_text(raw) == "(四)加强培训。\n五、存在的主要问题及改进情况\n下一步将加强培训。"


def test_disclaimer_block_is_removed():
    raw = "某某局\n2022年1月5日\n[免责声明] 本文来源于网络转载,仅供学习交流使用。\n本站部分信息由用户提供。\n联系QQ:12345"
    assert clean_text(raw) == "某某局\n2022年1月5日"


_ARTICLE = [
    "一、总体情况",
    "2021年,本局认真贯彻落实《中华人民共和国政府信息公开条例》,全面推进政务公开工作。",
    "(一)主动公开情况。全年主动公开政府信息356条,其中规范性文件12件。",
    "(二)依申请公开情况。全年收到政府信息公开申请27件,均按期答复。",
    "二、主动公开政府信息情况",
    "规章 | 0 | 0 | 0",
]


def test_a_repeated_article_is_kept_once():
    raw = "\n".join(["某局2021年政府信息公开工作年度报告", *_ARTICLE, "", "5全文查看", *_ARTICLE, "推荐阅读"])
    out = clean_text(raw)
    assert out.count("356条") == 1 and out.count("27件") == 1 and out.count("规章 | 0 | 0 | 0") == 1
    assert out == "\n".join(["某局2021年政府信息公开工作年度报告", *_ARTICLE])


def test_repeated_table_rows_and_short_labels_are_not_a_repeat():
    block = ["第二十条第(五)项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量", "行政许可 | 0 | 0 | 0"]
    raw = "\n".join(block + ["第二十条第(六)项"] + block[1:])
    assert clean_text(raw) == raw


def test_unrelated_paragraphs_are_never_dropped():
    raw = "\n".join(_ARTICLE + ["三、收到和处理政府信息公开申请情况"] + _ARTICLE[1:3][::-1])
    assert clean_text(raw) == raw  # lines recur, but not as three in the same order


# --- HTML --------------------------------------------------------------------

_OFFICIAL_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某某县人民政府2021年政府信息公开工作年度报告</title>
<style>.MsoNormal{mso-style-parent:"";font-size:10.5pt}</style>
<script>var tracker = "政府信息公开 9999";</script></head>
<body>
<div class="top"><a>无障碍</a> | <a>长者模式</a></div>
<header><ul class="menu"><li>首页</li><li>政务公开</li></ul></header>
<nav><a>机构概况</a><a>政策文件</a></nav>
<div class="main">
 <div class="crumb">当前位置：<a>首页</a> &gt; <a>政务公开</a> &gt; 年度报告</div>
 <h1>某某县人民政府2021年政府信息公开工作年度报告</h1>
 <div class="info">发布时间：2022-01-20&nbsp;&nbsp;来源：县政府办公室&nbsp;&nbsp;【字体：<a>大</a> <a>中</a> <a>小</a>】</div>
 <ul class="side"><li>2021-12-01 关于某事项的通知</li><li>2021-11-02 关于某事项的公告</li></ul>
 <div id="zoom"><div class="TRS_Editor">
  <!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View><w:Zoom>0</w:Zoom></w:WordDocument></xml><![endif]-->
  <p class="MsoNormal" style="mso-char-indent-count:2.0"><span style="font-family:仿宋_GB2312;mso-hansi-font-family:宋体">本报告依据《中华人民共和国政府信息公开条例》编制。</span><o:p></o:p></p>
  <p class="MsoNormal"><b>一、总体情况</b></p>
  <p>2021年，共受理申请<span>1</span><span>23</span>件，办结1<span>20</span>件，<st1:chsdate Year="2021" Month="12" Day="31">2021年12月31日</st1:chsdate>前全部办结。</p>
  <div style="display:none">隐藏的内容</div>
  <p>二、主动公开政府信息情况</p>
  <table border="1" class="MsoNormalTable">
   <tr><td colspan="4"><p align="center">第二十条第（一）项<o:p></o:p></p></td></tr>
   <tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
   <tr><td>规章</td><td>&nbsp;</td><td><span lang="EN-US">0<o:p></o:p></span></td><td><span>1</span><span>2</span></td></tr>
   <tr><td>行政规范性文件</td><td>１５</td><td><p>3</p><p>5</p></td><td>4</td></tr>
  </table>
  <p>三、收到和处理政府信息公开申请情况</p>
  <table border="1"><tbody>
   <tr><td rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
   <tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
   <tr><td>商业<br>企业</td><td>科研<br/>机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
   <tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>100</td><td>20</td><td>0</td><td>0</td><td>3</td><td>0</td><td>123</td></tr>
   <tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>50</td><td>10</td><td>0</td><td>0</td><td>1</td><td>0</td><td>61</td></tr>
   <tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td><td>&nbsp;</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
   <tr><td>2.其他法律行政法规禁止公开</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
  </tbody></table>
  <p align="right">某某县人民政府办公室</p>
  <p align="right">2022年1月20日</p>
 </div></div>
 <div class="share">扫一扫在手机打开当前页</div>
 <div class="print">【打印本页】【关闭窗口】</div>
 <div class="related"><h3>相关阅读</h3><ul><li>某某县2020年政府信息公开工作年度报告</li></ul></div>
</div>
<footer><p>主办单位：某某县人民政府办公室</p><p>冀ICP备12345678号 冀公网安备13052802000123号</p></footer>
</body></html>"""


@pytest.fixture(scope="module")
def official_lines() -> list[str]:
    return clean_text(html_to_text(_OFFICIAL_PAGE)).splitlines()


def test_html_keeps_title_and_date_header_outside_the_container(official_lines):
    assert official_lines[0] == "某某县人民政府2021年政府信息公开工作年度报告"
    assert official_lines[1] == "发布时间:2022-01-20 来源:县政府办公室"
    assert official_lines[-2:] == ["某某县人民政府办公室", "2022年1月20日"]


def test_html_drops_chrome_scripts_hidden_and_word_markup(official_lines):
    text = "\n".join(official_lines)
    for leak in ("无障碍", "首页", "机构概况", "当前位置", "关于某事项", "扫一扫", "打印本页", "相关阅读",
                 "主办单位", "ICP备", "9999", "tracker", "隐藏的内容", "mso", "WordDocument", "Normal",
                 "o:p", "font-family", "<", ">"):
        assert leak not in text, leak


def test_html_inline_markup_does_not_split_numbers(official_lines):
    assert "2021年,共受理申请123件,办结120件,2021年12月31日前全部办结。" in official_lines


def test_html_blocks_become_lines(official_lines):
    assert "本报告依据《中华人民共和国政府信息公开条例》编制。" in official_lines
    assert "一、总体情况" in official_lines
    assert "二、主动公开政府信息情况" in official_lines


def test_html_table_rows_with_spans_expanded(official_lines):
    rows = [line for line in official_lines if "|" in line]
    assert rows == [
        "第二十条第(一)项 | | |",
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数",
        "规章 | | 0 | 12",
        "行政规范性文件 | 15 | 3 5 | 4",
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | | | 申请人情况 | | | | | |",
        "| | | 自然人 | 法人或其他组织 | | | | | 总计",
        "| | | | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |",
        "一、本年新收政府信息公开申请数量 | | | 100 | 20 | 0 | 0 | 3 | 0 | 123",
        "三、本年度办理结果 | (一)予以公开 | | 50 | 10 | 0 | 0 | 1 | 0 | 61",
        "| (三)不予公开 | 1.属于国家秘密 | | 0 | 0 | 0 | 0 | 0 | 0",
        "| | 2.其他法律行政法规禁止公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1",
    ]
    # Every body row has the table's full width of 10 cells.
    assert all(len(row.split("|")) == 10 for row in rows[4:])


def test_html_to_text_output_itself_keeps_empty_cells_distinct():
    html = "<table><tr><td>行政许可</td><td>&nbsp;</td><td>\u3000</td><td>0</td></tr><tr><td>a</td><td>b</td></tr></table>"
    assert html_to_text(html).splitlines()[0] == "行政许可 |  |  | 0"


def test_inline_tags_do_not_break_and_block_tags_do():
    assert html_to_text("<p>1<span>23</span></p>") == "123"
    assert html_to_text("<div>规章<b>文件</b><font>15</font>件</div><div>下一段</div>") == "规章文件15件\n下一段"
    assert html_to_text("<p>第一行<br>第二行</p><ul><li>甲</li><li>乙</li></ul><h2>标题</h2>") == "第一行\n第二行\n甲\n乙\n标题"


def test_source_line_wraps_inside_chinese_text_are_not_spaces():
    assert html_to_text("<p>本年新收政府\n    信息公开申请数量 12\n件</p>") == "本年新收政府信息公开申请数量 12 件"


def test_layout_table_around_a_data_table_is_flattened_to_blocks():
    html = """<body><table width="100%"><tr><td class="left"><a>栏目一</a></td>
      <td><p>一、总体情况</p><p>全年收到申请5件。</p>
        <table border="1"><tr><td>行政处罚</td><td>3985758</td></tr><tr><td>行政强制</td><td>88283</td></tr></table>
        <p>二、其他</p></td></tr></table></body>"""
    lines = html_to_text(html).splitlines()
    assert lines == ["栏目一", "一、总体情况", "全年收到申请5件。", "行政处罚 | 3985758", "行政强制 | 88283", "二、其他"]


def test_single_column_table_is_prose():
    html = "<table><tr><td><p>一、总体情况</p><p>全年收到申请5件。</p></td></tr><tr><td>二、其他</td></tr></table>"
    assert html_to_text(html).splitlines() == ["一、总体情况", "全年收到申请5件。", "二、其他"]


def test_data_table_outside_the_container_is_not_lost():
    filler = "".join(f"<p>第{i}段:本机关认真贯彻落实条例,持续推进政务公开工作。</p>" for i in range(12))
    html = f"""<body><div class="nav">首页</div><div class="wrap">
      <div class="article-content">{filler}</div>
      <div class="attach"><table><tr><td>行政许可</td><td>447228</td></tr><tr><td>行政处罚</td><td>3985758</td></tr></table></div>
    </div><div>页脚</div></body>"""
    lines = html_to_text(html).splitlines()
    assert "行政许可 | 447228" in lines and "行政处罚 | 3985758" in lines
    assert "第0段:本机关认真贯彻落实条例,持续推进政务公开工作。" in lines


def test_page_without_container_keeps_the_whole_body():
    html = "<html><body><div><h2>某局2021年政府信息公开工作年度报告</h2><p>一、总体情况</p><p>收到申请3件。</p></div></body></html>"
    assert html_to_text(html).splitlines() == ["某局2021年政府信息公开工作年度报告", "一、总体情况", "收到申请3件。"]


def test_broken_and_deeply_nested_markup_does_not_crash():
    html = "<div>" * 3000 + "<p>深层内容 42" + "</span></td>" * 10
    assert "深层内容 42" in html_to_text(html)
    assert html_to_text("<table><tr><td colspan='x'>a</td><td rowspan='-3'>b</td></tr></table>") == "a | b"


# Content that exercises every rendering rule: inline and block markup, a
# comment and a script between CJK lines, <br>, <pre>, a data table with
# spans, control characters (\x0c is whitespace, \x01 is kept), and text
# after all of it.
_NESTED_CONTENT = (
    "<p>本年新收<span>1</span>2件<!--注释-->，\n办结<script>var x;</script>\n完毕</p>"
    "<p>第一行<br>第二行\x0c第三\x01行</p><pre>保留  空格\n和换行</pre>"
    "<table><tr><td rowspan='2'>规章</td><td>1</td><td>2</td></tr><tr><td colspan='2'>3</td></tr></table>"
    "<div class='content'>正文内容</div>"
)


@pytest.mark.parametrize("depth", [2047, 2049, 3000, 30000])
def test_depth_beyond_libxml2s_tree_limit_loses_nothing(depth):
    """libxml2 stops building a tree at 2048 levels and drops the rest of
    the page; such a page is built from the parser's events instead, and
    must read like the same content nested a few levels deep."""
    shallow = "<html><body>" + "<div>" * 3 + _NESTED_CONTENT + "</div>" * 3 + "<p>页尾 tail</p></body></html>"
    deep = "<html><body>" + "<div>" * depth + _NESTED_CONTENT + "</div>" * depth + "<p>页尾 tail</p></body></html>"
    expected = html_to_text(shallow)
    assert "规章 | 1 | 2" in expected and "页尾 tail" in expected and "保留  空格" in expected
    assert html_to_text(deep) == expected


def test_unclosed_deep_nesting_keeps_every_line():
    html = "<html><body>" + "<span><div>行\n" * 5000 + "<p>最后一行"
    lines = html_to_text(html).splitlines()
    assert lines == ["行"] * 5000 + ["最后一行"]


def test_many_nested_chrome_and_hidden_elements_are_dropped_whole():
    headers = "<header>站点" * 20000 + "</header>" * 20000
    hidden = "<div style='display:none'>隐藏" * 20000 + "</div>" * 20000
    assert html_to_text(f"<body>{headers}{hidden}<p>正文</p></body>") == "正文"


def test_markup_is_read_from_the_decoded_str_not_re_decoded():
    # An XML declaration (lxml refuses it on a str) and a <meta charset>
    # naming another encoding: the text is already decoded and stays as it is.
    xml_page = "<?xml version='1.0' encoding='gbk'?><html><body><p>政府信息公开</p></body></html>"
    meta_page = "<html><head><meta charset='gbk'></head><body><p>政府信息公开</p></body></html>"
    assert html_to_text(xml_page) == html_to_text(meta_page) == "政府信息公开"
    assert html_to_text("\ufeff<p>正文</p>") == "正文"


def test_entities_comments_and_processing_instructions():
    assert html_to_text("<p>A&amp;B &lt;5&gt; &#x4e2d;&#25991;&nbsp;!</p>") == "A&B <5> 中文\xa0!"
    assert html_to_text("<p>前<!-- 注释 -->后<?php echo 1 ?>尾</p>") == "前后尾"


def test_pages_without_text_render_empty():
    for html in ("", "<!-- 只有注释 -->", "<html><head><title>标题</title></head></html>",
                 "<frameset><frame src='a.html'></frameset>"):
        assert html_to_text(html) == ""


def test_header_inside_article_is_content_and_page_header_is_chrome():
    html = "<header>站点名称</header><article><header>某局2021年年度报告</header>正文</article><footer>页脚</footer>"
    assert html_to_text(html) == "某局2021年年度报告\n正文"


def test_ruby_annotation_is_inline_text_but_not_part_of_pre():
    assert html_to_text("<p>汉<rt>han</rt>字</p>") == "汉han字"
    assert html_to_text("<pre>汉<rt>han</rt>字</pre>") == "汉字"


def test_text_after_an_early_html_end_tag_is_read():
    # libxml2 starts a second <html> for it, beside the first.
    assert html_to_text("<head><title>标题</title></head></html><p>正文</p>") == "正文"


def test_control_characters_in_the_text_survive_removed_elements():
    assert html_to_text("<p>前<script>x</script>\x01后\x0c</p>") == "前\x01后"


def test_control_characters_in_the_page_are_not_taken_for_container_marks():
    paragraphs = "".join(f"<p>第{i}段:本机关认真贯彻落实条例,持续推进政务公开工作。</p>" for i in range(12))
    html = (f"<body><div>栏目菜单</div><p>\x01</p><div class='content'>{paragraphs}<p>\x02</p>"
            "<p>最后一段</p></div><div>页脚</div></body>")
    lines = html_to_text(html).splitlines()
    assert lines[0] == "第0段:本机关认真贯彻落实条例,持续推进政务公开工作。"
    assert lines[-1] == "最后一段" and "栏目菜单" not in lines and "页脚" not in lines


def test_container_inside_a_data_table_cell_means_the_whole_page():
    html = ("<body><p>某局2021年年度报告</p><table><tr><td><div class='content'>正文内容正文内容正文内容</div></td>"
            "<td>9</td></tr><tr><td>1</td><td>2</td></tr></table><p>页尾</p></body>")
    assert html_to_text(html) == "某局2021年年度报告\n正文内容正文内容正文内容 | 9\n1 | 2\n页尾"


def test_markup_lxml_cannot_take_is_a_transform_error():
    with pytest.raises(TransformError) as caught:
        html_to_text("<p>\ud800</p>")  # a lone surrogate has no UTF-8 form
    assert caught.value.code == "html_invalid" and caught.value.stage == "clean"


# --- Markdown marks ------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("# 沭阳县人民政府2023年政府信息公开工作年度报告", "沭阳县人民政府2023年政府信息公开工作年度报告"),
        ("#沐阳县人民政府2023年政府信息公开工作年度报告", "沐阳县人民政府2023年政府信息公开工作年度报告"),  # OCR glues it
        ("## 一、总体情况", "一、总体情况"),
        ("### (一)主动公开 ###", "(一)主动公开"),
        ("＃＃ 表三", "表三"),
        ("> 注:本报告电子版可在门户网站下载。", "注:本报告电子版可在门户网站下载。"),
        ("> ## 二、主动公开政府信息情况", "二、主动公开政府信息情况"),
        ("**沭阳县人民政府**", "沭阳县人民政府"),
        ("**2024年1月20日**", "2024年1月20日"),
        ("全年共收到申请**57**件。", "全年共收到申请57件。"),
        ("***(一)主动公开情况。***本机关", "(一)主动公开情况。本机关"),
        ("**沭阳县人民政府2023年政府信息公开", "沭阳县人民政府2023年政府信息公开"),  # bold wrapped over lines
        # what is not Markdown stays
        ("#政务公开#", "#政务公开#"),
        ("申请人王**、李**", "申请人王**、李**"),
        ("应缴****元", "应缴****元"),
        ("#", "#"),
        # <br>: a line break inside a converter's table cell joins the cell's text, elsewhere ends the line
        ("| 行政规范<br>性文件 | 1 | 0 | 4 |", "| 行政规范性文件 | 1 | 0 | 4 |"),
        ("| 其他<BR/>处理 | 1<br>2 |", "| 其他处理 | 1 2 |"),  # never one number 12
        ("第一段。<br>第二段。", "第一段。\n第二段。"),
    ],
)
def test_markdown_marks_are_typesetting_not_text(raw, cleaned):
    assert clean_text(raw) == cleaned


def test_markdown_pipe_tables_stay_intact_and_lose_only_bold():
    raw = "\n".join([
        "## 二、主动公开政府信息情况",
        "| 第二十条第(一)项 | | | |",
        "|---|:---:|---|---|",
        "| **信息内容** | **本年制发件数** | **本年废止件数** | **现行有效件数** |",
        "| 规章 | 0 | 0 | 0 |",
        "# | 数据1 | 数据2 |",
        "行政许可\t#12",
    ])
    assert clean_text(raw).split("\n") == [
        "二、主动公开政府信息情况",
        "| 第二十条第(一)项 | | | |",
        "|---|:---:|---|---|",
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "| 规章 | 0 | 0 | 0 |",
        "# | 数据1 | 数据2 |",  # a row holding cells keeps its first cell as written
        "行政许可\t#12",
    ]


# --- properties ----------------------------------------------------------------

_PIECES = st.sampled_from([
    "一、总体情况", "本年新收", "申请", "12", "3", "件", "。", ",", "，", "（", "）", "：", "１２", "\u3000", "\xa0",
    " ", "  ", "\t", "\n", "\n\n\n", "\r\n", " | ", "|", "【", "】", "字体:", "大 中 小", "全文查看", "扫一扫",
    "当前位置:", "延伸阅读", "免责声明", "联系电话:", "上一篇", "\u200b", "\x0c", "2022-02-22",
    "本机关认真贯彻落实条例全面推进政务公开工作", "(一)", "2021年", "\ufeff",
    "#", "## ", "> ", "**", "*", "＃", "＊＊", "|---|", "<br>", "<BR/>",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_clean_text_is_idempotent_and_follows_the_convention(raw):
    once = clean_text(raw)
    assert clean_text(once) == once
    assert "  " not in once and "\n\n\n" not in once and "\r" not in once
    assert not re.search("[\uff01-\uff5e\u3000\u00a0\u200b\ufeff\x0c]", once)


_TAGS = st.sampled_from([
    "<p>", "</p>", "<div class='content'>", "</div>", "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>",
    "<td colspan='3'>", "<td rowspan='2'>", "<br>", "<span>", "</span>", "<o:p>", "</o:p>", "<!--[if mso]>",
    "<![endif]-->", "<script>", "</script>", "&nbsp;", "规章", "12", "3", " ", "\n", "<tbody>", "<th>",
    "<div id='zoom'>", "<header>", "</header>", "<h1>2021年政府信息公开工作年度报告</h1>", "<li>",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_TAGS, max_size=80).map("".join))
def test_html_to_text_never_fails_on_tag_soup(html):
    text = html_to_text(html)
    assert "<" not in text and ">" not in text  # no markup leaks into the text
    assert "\n\n" not in text and text == text.strip()
    assert clean_text(text) == clean_text(clean_text(text))


# --- real reports dressed as Markdown ------------------------------------------


def _as_markdown(text: str, glued: bool) -> str:
    """What a converter (or, glued, an OCR tool) makes of a report: the first
    line a '#' title, numbered parts '##' headings, (一) parts '###', the last
    line bold, a quote mark on the first prose paragraph. Table rows (pipes,
    tabs) are left as they are."""
    gap = "" if glued else " "
    lines = text.split("\n")
    out, titled, quoted = [], False, False
    for line in lines:
        s = line.strip()
        if not s or "|" in s or "\t" in s:
            out.append(line)
        elif not titled:
            out.append(f"#{gap}{s}")
            titled = True
        elif re.match(r"^[一二三四五六七]、", s):
            out.append(f"##{gap}{s}")
        elif re.match(r"^[(（][一二三四五六七八九十]{1,2}[)）]", s):
            out.append(f"###{gap}{s}")
        elif not quoted and len(s) > 30:
            out.append(f">{gap}{s}")
            quoted = True
        else:
            out.append(line)
    for i in range(len(out) - 1, -1, -1):
        s = out[i].strip()
        if s and "|" not in s and "\t" not in s and not s.startswith(("#", ">")) and "*" not in s:
            out[i] = f"**{s}**"
            break
    return "\n".join(out)


def _real_texts() -> list[Path]:
    from conftest import CORPUS, SEEDS

    return sorted(SEEDS.glob("*.txt")) + sorted(CORPUS.glob("*.txt"))


@pytest.mark.parametrize("glued", [False, True], ids=["converter", "ocr-glued"])
@pytest.mark.parametrize("path", _real_texts(), ids=lambda p: p.stem)
def test_real_reports_dressed_as_markdown_clean_to_the_same_text(path, glued):
    """Every seed and corpus text, with Markdown marks added where a converter
    puts them, cleans to exactly the text the plain file cleans to: every stage
    downstream (metadata, sections, tables, narrative) then reads the same."""
    raw = path.read_text(encoding="utf-8")
    dressed = _as_markdown(raw, glued)
    assert dressed != raw
    assert clean_text(dressed) == clean_text(raw)


@pytest.mark.parametrize(
    "cell",
    [
        '<td><p style="x"><span style="y">1,234</span><o:p></o:p></p></td>',
        "<td>\n  <p><span>本年新收\n政府信息</span><b>公开申请</b>数量</p>\n</td>",
        "<td><div><span>3</span>  <span>5</span></div></td>",
        "<td><p>  商业\n企业 </p> </td>",
        "<td><p><span>A\u3000B</span>\tC</p></td>",
        "<td><p></p></td>",
    ],
)
def test_a_one_paragraph_cell_renders_as_the_walk_renders_it(cell, monkeypatch):
    """The cell shortcut (`_single_block`) gives exactly the walk's line for the cells it takes."""
    from lxml import etree

    from transforms import cleaning

    td = etree.fromstring(f"<table><tr>{cell}</tr></table>", etree.HTMLParser()).find(".//td")
    assert cleaning._single_block(td) is not None
    renderer = cleaning._Renderer(None, False)
    fast = renderer._cell_text(td)
    monkeypatch.setattr(cleaning, "_single_block", lambda cell: None)
    assert renderer._cell_text(td) == fast
