"""Property-based tests: every pure transform survives adversarial input.

The inputs are scraped from thousands of websites. A transform may refuse a
document, but only with a TransformError: that becomes a row of
core.load_errors. Any other exception stops the load step for the whole
batch. The strategies here produce input that looks like real reports and
is broken on purpose: spliced seed text with full-width, huge or negative
numbers, random tag trees with tables and spans, random DOCX bodies in a
real package, real PDFs cut short, and raw bytes with BOMs and magic
prefixes. Where a result has a real invariant (section offsets, fact codes,
the range a value must have to be stored), it is asserted as well.

test_cleaning.py already checks clean_text idempotence on chrome pieces and
html_to_text on flat tag soup; this file does not repeat those.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

import pytest
from conftest import CORPUS, SEEDS
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from transforms import codes, pipeline
from transforms.cleaning import clean_text, html_to_text
from transforms.decoding import decode_bytes
from transforms.model import ExtractedText, ReportMetadata, TransformError
from transforms.tables.values import normalise_cell

# Few examples each, no deadline: the whole file must stay well under a
# minute on a shared two-core machine.
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MEDIUM = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- real material ------------------------------------------------------------


def _real_texts() -> list[str]:
    """The text reports of the seeds and the corpus, as written (not cleaned)."""
    paths = sorted(SEEDS.glob("*.txt")) + sorted(CORPUS.glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


REAL_TEXTS = _real_texts()
TEMPLATE_DOCX = CORPUS / "template_2021format_blank.docx"
SMALLEST_PDF = min(CORPUS.glob("*.pdf"), key=lambda p: p.stat().st_size, default=None)

HEADINGS = [
    "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    "一、概述", "（一）主动公开情况", "二、依申请公开情况", "三、因政府信息公开申请行政复议、提起行政诉讼的情况",
]
TABLE_LABELS = [
    "第二十条第（一）项", "第二十条第(五)项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数",
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "处理决定数量",
    "规章", "行政规范性文件", "规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "采购项目数量",
    "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果", "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开", "1.属于国家秘密",
    "（四）无法提供", "（五）不予处理", "（六）其他处理", "（七）总计", "四、结转下年度继续办理",
    "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正", "其他结果", "尚未审结",
    "指标名称", "计量单位", "本年度", "历年累计", "万元", "件", "条",
]
PROSE = [
    "全年共收到政府信息公开申请", "件,", "本机关主动公开政府信息", "条。", "办结率100%",
    "约1.3万条", "近100篇", "三件", "两次以上", "收到行政复议申请0件", "其中", "依申请公开", "政务公开",
    "标题:", "发布时间:2022-02-22", "来源:县政府办公室", "某某县人民政府2021年政府信息公开工作年度报告",
    "二〇二二年一月二十日", "2022年1月20日", "==================== 正文 ====================",
    "上一条", "附件下载", "原文链接:http://www.example.gov.cn/a.html", "第3页 共6页", "- 3 -",
]
SEPARATORS = [" | ", "|", "\t", "\t\t", "\n", "\n\n", " ", "\u3000", "\r\n", "、", "。", "，", "：", "\xa0"]
CN_NUMERALS = ["十二", "二十五", "一百零五", "三万二千", "二〇二二", "两", "一亿", "九千九百九十九万亿", "零"]
_FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


# --- strategies -----------------------------------------------------------------

_integers = st.one_of(
    st.integers(0, 200),
    st.integers(-10**6, 10**6),
    st.integers(-(10**30), 10**30),
    st.sampled_from([10**15, 10**15 - 1, 2**63, 2**63 - 1, -(2**63), 10**18, 10**24]),
)


@st.composite
def numbers(draw) -> str:
    """A number as reports write it, or as a broken page mangles it."""
    kind = draw(st.sampled_from(("int", "decimal", "long_fraction", "thousands", "full_width", "unit", "chinese",
                                 "digit_run")))
    n = draw(_integers)
    if kind == "decimal":
        return f"{n}.{draw(st.integers(0, 10**8))}"
    if kind == "long_fraction":  # more digits than Decimal128's 38, in a small number
        return f"{draw(st.integers(0, 9999))}.{draw(st.integers(10**40, 10**90))}"
    if kind == "thousands":
        return f"{n:,}"
    if kind == "full_width":
        return str(n).translate(_FULL_WIDTH)
    if kind == "unit":
        return f"{n}{draw(st.sampled_from(['件', '条', '万元', '元', '%', '人次', '项']))}"
    if kind == "chinese":
        return draw(st.sampled_from(CN_NUMERALS))
    if kind == "digit_run":  # a flattened crawler row: cells glued together
        return "".join(str(draw(st.integers(0, 999))) for _ in range(draw(st.integers(2, 12))))
    return str(n)


fragments = st.one_of(
    st.sampled_from(HEADINGS), st.sampled_from(TABLE_LABELS), st.sampled_from(PROSE),
    st.sampled_from(SEPARATORS), numbers(),
)
report_like = st.lists(fragments, max_size=150).map("".join)

_odd_chars = st.sampled_from("\x00\x0b\x0c\ufeff\u200b\u2028\u2029\ufffd\ue000\u0085\u3000\uff10\uff19\u00a0\r")
any_unicode = st.text(
    st.one_of(
        st.characters(),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        _odd_chars,
    ),
    max_size=400,
)


@st.composite
def spliced_reports(draw) -> str:
    """A real report with a few edits: cut, deleted span, inserted fragment, or a
    number replaced by a huge, negative or full-width one."""
    text = draw(st.sampled_from(REAL_TEXTS))
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(("insert", "delete", "number", "number", "cut", "duplicate")))
        i = draw(st.integers(0, len(text)))
        j = min(len(text), i + draw(st.integers(0, 400)))
        if op == "insert":
            text = text[:i] + draw(st.one_of(fragments, any_unicode)) + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "cut":
            text = text[:i]
        else:
            runs = [m.span() for m in re.finditer(r"\d+", text)]
            if runs:
                a, b = runs[draw(st.integers(0, len(runs) - 1))]
                text = text[:a] + draw(numbers()) + text[b:]
    return text


@st.composite
def extreme_cells(draw) -> str:
    """A real report whose table cells (digit runs on " | "/tab rows or alone
    on a line) all hold drawn values, cycled: huge, negative, full-width, or
    with more digits than Decimal128 has. Every cell, so the few amount cells
    (fees, procurement) are always among them."""
    text = draw(st.sampled_from(TABLE_TEXTS))
    values = draw(st.lists(cell_values, min_size=1, max_size=20))
    cells = [m.span() for m in re.finditer(r"\d+(?:\.\d+)?", text) if _on_table_line(text, m.start())]
    for i, (a, b) in reversed(list(enumerate(cells))):
        text = text[:a] + values[i % len(values)] + text[b:]
    return text


# Past what the warehouse columns hold: BIGINT, and DECIMAL(24, 6) ≤ 38 digits.
cell_values = st.one_of(
    numbers(),
    st.integers(10**15, 10**40).map(str),
    st.tuples(st.integers(0, 10**6), st.integers(10**6, 10**90)).map(lambda p: f"{p[0]}.{p[1]}"),
)


def _on_table_line(text: str, pos: int) -> bool:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start: end if end >= 0 else len(text)]
    return "|" in line or "\t" in line or line.strip().replace(".", "").isdigit()


texts = st.one_of(report_like, any_unicode, spliced_reports(), st.tuples(report_like, any_unicode).map("".join))
TABLE_TEXTS = [t for t in REAL_TEXTS if re.search(r"(?m)^.*(?:\||\t).*\d|^\s*\d+\s*$", t)] or REAL_TEXTS

# Characters a real report is made of: what the decoder deems plausible.
plausible_text = st.lists(
    st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.sampled_from("\n\t、。，：；“”《》（）【】〔〕—…①②"),
        st.sampled_from(HEADINGS + TABLE_LABELS + PROSE),
    ),
    min_size=1,
    max_size=150,
).map("".join).filter(lambda t: t.strip() and not t.startswith("\ufeff"))


_TAGS = ("table", "tbody", "thead", "tr", "td", "th", "p", "div", "span", "font", "b", "li", "ul", "h1",
         "h3", "center", "o:p", "st1:chsdate", "pre", "script", "style", "caption", "a", "section")
_SPAN_VALUES = ("0", "1", "2", "3", "-1", "999999", "x", "2.5", "", " 4 ", "1e9", "\u0663")
_LEAVES = st.one_of(
    fragments,
    st.sampled_from(["&nbsp;", "&lt;", "&#12345;", "&#0;", "&#xD800;", "&amp", "<!-- 注释 -->",
                     "<![CDATA[x]]>", "<br>", "<br/>", "</td>", "</tr>", "<td>", "<!--[if gte mso 9]>",
                     "<![endif]-->", "<?xml version='1.0'?>", "<img src='data:image/png;base64,AAAA'>"]),
)


@st.composite
def _attributes(draw) -> str:
    parts = []
    for name in draw(st.lists(st.sampled_from(("colspan", "rowspan", "class", "style", "id", "align")), max_size=3)):
        if name in ("colspan", "rowspan"):
            parts.append(f' {name}="{draw(st.sampled_from(_SPAN_VALUES))}"')
        else:
            parts.append(f" {name}='{draw(st.sampled_from(['content', 'display:none', 'zoom', 'MsoNormal', '']))}'")
    return "".join(parts)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """One tag around some children, sometimes left unclosed."""

    @st.composite
    def build(draw) -> str:
        tag = draw(st.sampled_from(_TAGS))
        inner = "".join(draw(st.lists(children, max_size=5)))
        close = f"</{tag}>" if draw(st.booleans()) or tag in ("table", "tr") else ""
        return f"<{tag}{draw(_attributes())}>{inner}{close}"

    return build()


html_trees = st.recursive(_LEAVES, _element, max_leaves=60)


@st.composite
def html_pages(draw) -> str:
    """A page around a random tag tree, with or without head and charset."""
    body = "".join(draw(st.lists(html_trees, min_size=1, max_size=4)))
    head = draw(st.sampled_from(["", "<meta charset='utf-8'>", "<meta charset=gbk>", "<title>政府信息公开</title>",
                                 "<meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"]))
    return draw(st.sampled_from([f"<html><head>{head}</head><body>{body}</body></html>", f"{head}{body}",
                                 f"<!DOCTYPE html><div>{body}"]))


MAGICS = [b"", b"%PDF-1.4\n", b"%PDF-", b"PK\x03\x04", b"PK\x05\x06", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
          b"\xff\xfe\x00\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG", b"{\\rtf1", b"<html>", b"<table>",
          b"<meta charset='gbk'>", b"\x00", b"\x1f\x8b", b"   \n"]
FILE_NAMES = ["report.txt", "report.html", "report.htm", "report.pdf", "report.docx", "report.doc", "report", ""]
_ENCODINGS = ["utf-8", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "big5", "utf-32"]


@st.composite
def encoded_texts(draw) -> bytes:
    """Report-like text in one of the encodings found on the web (Big5 and
    UTF-32 too, which the decoder does not promise to read)."""
    text = draw(texts)
    encoding = draw(st.sampled_from(_ENCODINGS))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # a truncated download
        data = data[: draw(st.integers(0, len(data)))]
    return data


raw_bytes = st.one_of(
    st.builds(lambda magic, body: magic + body, st.sampled_from(MAGICS), st.binary(max_size=3000)),
    st.builds(lambda magic, body: magic + body, st.sampled_from(MAGICS), encoded_texts()),
    encoded_texts(),
    html_pages().map(lambda h: h.encode("utf-8")),
)


# --- DOCX: random bodies inside the real template package ----------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_VALS = ("0", "1", "2", "3", "-3", "99999999999", "x", "restart", "continue", "")


@lru_cache(maxsize=1)
def _template_members() -> dict[str, bytes]:
    with zipfile.ZipFile(TEMPLATE_DOCX) as z:
        return {name: z.read(name) for name in z.namelist()}


def _xml_escape(s: str) -> str:
    # XML 1.0 forbids most C0 controls even as references: drop them as Word would.
    s = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _w_paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{_xml_escape(text)}</w:t></w:r></w:p>'


@st.composite
def _w_cell(draw, depth: int) -> str:
    props = "".join(
        f'<w:{name} w:val="{draw(st.sampled_from(_VALS))}"/>'
        for name in draw(st.lists(st.sampled_from(("gridSpan", "vMerge", "hMerge")), max_size=2, unique=True))
    )
    if depth < 1 and draw(st.integers(0, 9)) == 0:
        inner = draw(_w_table(depth + 1))
    else:
        inner = "".join(_w_paragraph(t) for t in draw(st.lists(fragments, max_size=2)))
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{inner or '<w:p/>'}</w:tc>"


@st.composite
def _w_table(draw, depth: int = 0) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        before = f'<w:trPr><w:gridBefore w:val="{draw(st.sampled_from(_VALS))}"/></w:trPr>' if draw(st.booleans()) else ""
        cells = "".join(draw(_w_cell(depth)) for _ in range(draw(st.integers(0, 6))))
        rows.append(f"<w:tr>{before}{cells}</w:tr>")
    return f"<w:tbl>{''.join(rows)}</w:tbl>"


@st.composite
def docx_packages(draw) -> bytes:
    """The real template with word/document.xml replaced by random paragraphs,
    tables with spans/merges, content controls; sometimes a member's bytes
    are damaged before zipping, or the zip's bytes after."""
    blocks = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(("p", "tbl", "sdt")))
        if kind == "p":
            blocks.append(_w_paragraph(draw(texts)))
        elif kind == "tbl":
            blocks.append(draw(_w_table()))
        else:
            blocks.append(f"<w:sdt><w:sdtContent>{draw(_w_table())}</w:sdtContent></w:sdt>")
    members = dict(_template_members())
    members["word/document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W_NS}"><w:body>{"".join(blocks)}</w:body></w:document>'
    ).encode("utf-8")
    if draw(st.booleans()):
        name = draw(st.sampled_from(sorted(members)))
        data = members[name]
        cut = draw(st.integers(0, len(data)))
        members[name] = data[:cut] + draw(st.binary(max_size=20)) + data[cut + 1:]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    package = bytearray(buf.getvalue())
    for _ in range(draw(st.sampled_from([0, 0, 1, 3]))):  # the zip's own headers and directory
        package[draw(st.integers(0, len(package) - 1))] = draw(st.integers(0, 255))
    return bytes(package)


@st.composite
def damaged_files(draw, path) -> bytes:
    """A real binary report cut short, or with a few bytes overwritten."""
    data = path.read_bytes()
    if draw(st.booleans()):
        return data[: draw(st.integers(0, len(data)))]
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
    return bytes(out)


# --- shared assertions --------------------------------------------------------------


@dataclass
class Outcome:
    """What a transform did: returned a value, or refused with a TransformError."""

    value: object = None
    error: TransformError | None = None


def attempt(fn, *args) -> Outcome:
    """Run a transform; a TransformError is an accepted outcome, anything else fails the test."""
    try:
        return Outcome(value=fn(*args))
    except TransformError as err:
        assert err.code and re.fullmatch(r"[a-z0-9_]+", err.code), err.code
        assert isinstance(err.message, str) and err.stage
        return Outcome(error=err)


def assert_extracted(result: ExtractedText) -> None:
    assert isinstance(result, ExtractedText)
    assert result.kind in ("text", "html", "pdf", "docx")
    assert isinstance(result.encoding, str) and result.encoding
    assert result.text.strip(), "an extracted document is never blank (that is empty_file)"


def assert_metadata(meta: ReportMetadata) -> None:
    """The contract's code lists, and values DuckDB's INTEGER/DATE columns can hold."""
    assert meta.admin_level in codes.ADMIN_LEVELS
    assert meta.doc_kind in codes.DOC_KINDS
    assert meta.format_version in codes.FORMAT_VERSIONS
    assert meta.report_year is None or (isinstance(meta.report_year, int) and 1800 <= meta.report_year <= 2999)
    assert meta.published_on is None or isinstance(meta.published_on, date)
    for name in (meta.agency, meta.region, meta.title):
        assert name is None or (isinstance(name, str) and name.strip())


def assert_sections(text: str, sections) -> None:
    """Offsets lie within the text, in order, without overlap; one of each part."""
    names = [s.section for s in sections]
    assert len(names) == len(set(names)) and set(names) <= set(codes.SECTIONS)
    previous_end = 0
    for s in sections:
        assert 0 <= s.start_offset < s.end_offset <= len(text), s
        assert s.start_offset >= previous_end, "sections overlap"
        previous_end = s.end_offset
        assert s.heading and text.startswith(s.heading, s.start_offset)
        assert s.body == s.body.strip() and s.body in text[s.start_offset:s.end_offset]
        if s.body:
            assert text[:s.end_offset].endswith(s.body)


def _shows_minus(raw: str) -> bool:
    return "-" in normalise_cell(raw)


def storable(value: Decimal) -> bool:
    """What DECIMAL(24, 6) holds without overflow: below MAX_VALUE, at most 6 places."""
    return value.is_finite() and abs(value) < pipeline.MAX_VALUE and value.as_tuple().exponent >= -6


def assert_facts(text: str, facts: pipeline.DocumentFacts, doc_kind: str) -> None:
    """Contract codes; values storable; counts whole and non-negative unless the
    cell itself is written negative (checks T3-04/T4-04 then quarantine it).
    Amounts fit DECIMAL(24, 6) and counts BIGINT, or the load step fails."""
    t = facts.tables
    limit = pipeline.MAX_VALUE
    for f in t.active + facts.narrative_active:
        assert f.item in codes.ACTIVE_ITEMS
        assert f.metric in codes.ACTIVE_METRICS_2021 + codes.ACTIVE_METRICS_2019
        assert f.value is None or (isinstance(f.value, Decimal) and storable(f.value))
    for f in t.requests + facts.narrative_requests:
        assert f.row_code in codes.REQUEST_ROW_CODES and f.applicant in codes.APPLICANTS
    for f in t.review + facts.narrative_review:
        assert f.proceeding in codes.PROCEEDINGS and f.outcome in codes.OUTCOMES
    for f in t.requests + t.review + facts.narrative_requests + facts.narrative_review:
        assert f.value is None or (type(f.value) is int and abs(f.value) < limit)
        assert f.value is None or f.value >= 0 or _shows_minus(f.ref.raw), f
    for stat in t.legacy:
        assert stat.period in ("year", "cumulative")
        assert stat.value is None or storable(stat.value)
    for fig in facts.figures:
        assert 0 <= fig.start_offset < fig.end_offset <= len(text)
        assert fig.qualifier in codes.QUALIFIERS
        assert storable(fig.value) and fig.value >= 0
        assert fig.section is None or fig.section in codes.SECTIONS
    assert t.found <= {"active_disclosure", "requests", "review_litigation"}
    assert t.request_variant in (None, "2021", "2019")
    for issue in t.issues:
        assert issue.code and isinstance(issue.blocking, bool)
    if doc_kind == "other":
        assert not (t.active or t.requests or t.review), "a blank template never yields table facts"


def run_text_stages(text: str, source_path: str = "/in/report.txt") -> None:
    """metadata → sections → facts on one text, as the load runs them."""
    meta = attempt(pipeline.derive_metadata, text, source_path)
    if meta.error:
        assert meta.error.code == "not_a_report"
        doc_kind = "annual_report"
    else:
        assert_metadata(meta.value)
        doc_kind = meta.value.doc_kind
    sections = attempt(pipeline.derive_sections, text)
    assert sections.error is None, "sections never refuse a text"
    assert_sections(text, sections.value)
    facts = attempt(pipeline.derive_facts, text, sections.value, doc_kind)
    assert facts.error is None, "facts never refuse a text"
    assert_facts(text, facts.value, doc_kind)


# --- decoding ---------------------------------------------------------------------


@FAST
@given(raw_bytes, st.booleans())
def test_decode_bytes_returns_text_or_a_transform_error(data, html):
    out = attempt(lambda d: decode_bytes(d, html=html), data)
    if out.error is None:
        text, encoding = out.value
        assert isinstance(text, str) and isinstance(encoding, str)
        assert text.strip() and not text.startswith("\ufeff")
    else:
        assert out.error.code in ("empty_file", "binary_content", "undecodable")


@FAST
@given(plausible_text, st.booleans())
def test_utf8_and_bom_encodings_decode_to_the_same_text(text, html):
    assert decode_bytes(text.encode("utf-8"), html=html) == (text, "utf-8")
    assert decode_bytes(text.encode("utf-8-sig"), html=html) == (text, "utf-8")
    assert decode_bytes(text.encode("utf-16"), html=html)[0] == text  # Python's utf-16 writes a BOM
    assert decode_bytes(b"\xfe\xff" + text.encode("utf-16-be"), html=html)[0] == text


# A report has hundreds of Chinese characters; the decoder relies on that
# (a handful of GBK byte pairs can be valid UTF-8 by accident, a page cannot).
report_sized = st.tuples(
    st.sampled_from(REAL_TEXTS).map(lambda t: t[:2000]), plausible_text
).map(lambda pair: pair[0] + pair[1] if pair[0].strip() else pair[1])


@MEDIUM
@given(report_sized, st.booleans())
def test_gb18030_and_utf16_encodings_of_a_report_decode_to_it(text, html):
    assume(sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 20 and not text.startswith("\ufeff"))
    decoded, encoding = decode_bytes(text.encode("gb18030"), html=html)
    assert decoded == text and encoding in ("gb18030", "utf-8")
    for order in ("utf-16-le", "utf-16-be"):
        data = text.encode(order)
        # Without a BOM, NULs (from newlines, digits, 一) are the only evidence
        # of UTF-16; every real report has them in its first 8 KB.
        if b"\x00" in data[:8192]:
            assert decode_bytes(data, html=html) == (text, order)


@MEDIUM
@given(report_sized, st.sampled_from(["gbk", "gb2312", "GB18030", "utf-8", "big5", "nonsense"]))
def test_a_declared_charset_never_overrides_valid_utf8(text, label):
    assume(sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 20)
    page = f"<html><head><meta charset='{label}'></head><body><pre>{text}</pre></body></html>"
    assert decode_bytes(page.encode("utf-8"), html=True) == (page, "utf-8")


# --- extract (sniffing, containers, decoding, cleaning) -----------------------------


@FAST
@given(raw_bytes, st.sampled_from(FILE_NAMES))
def test_extract_document_reads_or_refuses_any_bytes(data, name):
    out = attempt(pipeline.extract_document, data, name)
    if out.error is None:
        assert_extracted(out.value)


@MEDIUM
@given(html_pages(), st.sampled_from(["utf-8", "gb18030", "utf-16"]), st.sampled_from(["a.html", "a.txt", "a.pdf"]))
def test_extract_document_on_random_tag_trees(page, encoding, name):
    out = attempt(pipeline.extract_document, page.encode(encoding, errors="replace"), name)
    if out.error is None:
        assert_extracted(out.value)
        if out.value.kind == "html":
            assert "<td" not in out.value.text and "</" not in out.value.text


@MEDIUM
@given(docx_packages(), st.sampled_from(["a.docx", "a.txt", "a"]))
def test_extract_document_on_random_docx_bodies(data, name):
    out = attempt(pipeline.extract_document, data, name)
    if out.error is None:
        assert_extracted(out.value)
        assert out.value.kind == "docx"


@SLOW
@given(st.data())
def test_extract_document_on_damaged_real_pdf_and_docx(data):
    paths = [p for p in (SMALLEST_PDF, TEMPLATE_DOCX) if p is not None and p.exists()]
    if not paths:
        pytest.skip("no binary reports in the corpus")
    path = data.draw(st.sampled_from(paths))
    out = attempt(pipeline.extract_document, data.draw(damaged_files(path)), path.name)
    if out.error is None:
        assert_extracted(out.value)


# --- cleaning -----------------------------------------------------------------------


@FAST
@given(texts)
def test_clean_text_accepts_any_text(raw):
    out = attempt(clean_text, raw)
    if out.error is None:
        assert isinstance(out.value, str)
        assert "\r" not in out.value and "\n\n\n" not in out.value


@MEDIUM
@given(html_pages())
def test_html_to_text_accepts_random_tag_trees(page):
    out = attempt(html_to_text, page)
    if out.error is None:
        assert isinstance(out.value, str)
        assert not re.search(r"</?(?:td|tr|table|div|span|p)\b", out.value)


# --- metadata, sections, facts -------------------------------------------------


@FAST
@given(texts)
def test_text_stages_hold_their_invariants_on_any_text(text):
    run_text_stages(text)


@MEDIUM
@given(spliced_reports())
def test_text_stages_on_cleaned_spliced_reports(raw):
    """The load's own path: bytes → extract → metadata, sections, facts."""
    out = attempt(pipeline.extract_document, raw.encode("utf-8"), "report.txt")
    if out.error is None:
        assert_extracted(out.value)
        run_text_stages(out.value.text)


@MEDIUM
@given(extreme_cells())
def test_extreme_numbers_in_real_table_cells(raw):
    """Whatever a cell holds, every stored value fits its column (the load's
    frames fail otherwise) and a count is negative only where written so."""
    out = attempt(pipeline.extract_document, raw.encode("utf-8"), "report.txt")
    if out.error is None:
        run_text_stages(out.value.text)


@MEDIUM
@given(st.lists(st.one_of(st.sampled_from(TABLE_LABELS), numbers(), st.sampled_from(SEPARATORS)), max_size=200))
def test_table_soup_with_any_numbers(parts):
    """Labels, separators and extreme numbers in any order: the table parsers'
    worst case, under every doc_kind."""
    text = "三、收到和处理政府信息公开申请情况\n" + "".join(parts)
    sections = pipeline.derive_sections(text)
    assert_sections(text, sections)
    for kind in codes.DOC_KINDS:
        assert_facts(text, pipeline.derive_facts(text, sections, kind), kind)


# --- regressions found by these properties and by benchmarks/fuzz_load.py ---------


def test_a_number_too_large_to_store_is_a_bad_value_not_a_crash():
    """A 23-digit table cell reached the warehouse as an int that BIGINT cannot
    hold, and the fact_tables step failed for the whole batch; an equally long
    prose figure overflows DECIMAL(24, 6). The cell is now None with a blocking
    bad_value issue, and the figure is dropped."""
    (path,) = SEEDS.glob("002_*.txt")
    raw = path.read_text(encoding="utf-8")
    huge = "99999999999999999999999"
    raw = raw.replace("一、本年新收政府信息公开申请数量\t\t0", f"一、本年新收政府信息公开申请数量\t\t{huge}", 1)
    raw = raw.replace("一、总体情况", f"一、总体情况\n全年共收到政府信息公开申请{huge}件。", 1)
    text = pipeline.extract_document(raw.encode("utf-8"), path.name).text
    facts = pipeline.derive_facts(text, pipeline.derive_sections(text), "annual_report")
    assert_facts(text, facts, "annual_report")
    (cell,) = [f for f in facts.tables.requests if f.ref.raw == huge]
    assert (cell.row_code, cell.applicant, cell.value) == ("new_received", "natural_person", None)
    assert any(i.code == "bad_value" and i.blocking and huge in i.message for i in facts.issues)
    assert not any(f.value >= pipeline.MAX_VALUE for f in facts.figures)


def test_a_value_with_more_digits_than_decimal128_is_rounded_not_a_crash():
    """A garbled fee cell (94 significant digits) and prose percentage fit their
    magnitude bound but not Decimal128: fact_tables failed with "Decimal is
    too large to fit in Decimal128", for the batch and then every later load
    (the document stayed pending). Values are rounded to the 6 places
    DECIMAL(24, 6) keeps."""
    (path,) = SEEDS.glob("002_*.txt")
    long = "5949.997008184894612198365096430382963070969510387760618790475461292017713255944601920029717673"
    raw = path.read_text(encoding="utf-8").replace("行政事业性收费\t60.179", f"行政事业性收费\t{long}", 1)
    raw = raw.replace("一、总体情况", "一、总体情况\n主动公开政府信息占1.93547409028044157554840597026314%。", 1)
    text = pipeline.extract_document(raw.encode("utf-8"), path.name).text
    facts = pipeline.derive_facts(text, pipeline.derive_sections(text), "annual_report")
    assert_facts(text, facts, "annual_report")
    (fee,) = [f for f in facts.tables.active if f.item == "fees"]
    assert (fee.value, fee.ref.raw) == (Decimal("5949.997008"), long)
    assert Decimal("1.935474") in {f.value for f in facts.figures}
