"""Row and column labels → contract codes, by meaning.

Labels in real reports are split ("商业 企业", "(五) 不予 处理"), merged with
their group ("三、本年度办理结果(一)予以公开"), renumbered ("1、" for "1.")
and misspelt ("其他法律行政止公开", "本年度止件数" for 本年废止件数). So a
label is normalised (NFKC, no whitespace, numbering split off) and then
matched on keywords -- never on its position in the table. The one label
whose meaning depends on its place, "3.其他", is only accepted inside the
(六)其他处理 group.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from transforms import codes

_SPACE_RE = re.compile(r"\s+")
_CN_NUM = "一二三四五六七八九十"
# Leading numbering: 一、 / (一) / 1. / 1、 / (1) / 1 (a bare digit before CJK);
# OCR also gives "1)", "1," and "1。" for "1.".
_NUMBERING_RE = re.compile(
    rf"^(?:(?P<top>[{_CN_NUM}]+)[、.]"
    rf"|\((?P<paren>[{_CN_NUM}]+)\)"
    r"|(?P<item>\d{1,2})(?:[.、),。](?!\d)|(?=[\u3400-\u9fff]))"
    r"|\((?P<pitem>\d{1,2})\))"
)
# Group prefixes printed in the same cell as the row they head.
_GROUP_PREFIX_RE = re.compile(
    rf"^(?:[{_CN_NUM}]、)?本年度办理结果(?=.)"
    rf"|^\([{_CN_NUM}]\)(?:不予公开|无法提供|不予处理|其[他它]处理)(?=.)"
    # A rowspan group cell whose numbering went to another line, glued to its
    # first item: "不予处理4.无正当理由大量反复申请".
    r"|^(?:不予公开|无法提供|不予处理|其[他它]处理)(?=\d{1,2}[.、])"
)
# The longest real row label, group prefix included, is ~55 characters;
# anything much longer is prose and ends a table.
MAX_LABEL_CHARS = 80
# A section heading ("三、存在的主要问题…", "五、…"): ends any table region.
_SECTION_RE = re.compile(rf"^[{_CN_NUM}]+、")


@lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """NFKC, no whitespace, OCR look-alikes folded: the form every keyword
    below is written against."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text)).translate(_LOOKALIKES)


# Characters OCR engines (trained on Japanese and traditional text too) put
# for the simplified ones the form prints: 案巻 → 案卷, 査询 → 查询, 内部事亊,
# 不予公幵, 国家秘宻. Only labels are folded, never values or names.
_LOOKALIKES = str.maketrans({
    "巻": "卷", "査": "查", "亊": "事", "幵": "开", "宻": "密", "処": "处", "関": "关", "実": "实",
    "単": "单", "県": "县", "請": "请", "報": "报", "経": "经", "済": "济", "転": "转", "結": "结",
    "続": "续", "収": "收", "覆": "复", "複": "复", "訴": "诉", "訟": "讼", "認": "认",
    "確": "确", "護": "护", "権": "权", "務": "务", "過": "过", "執": "执", "詢": "询",
    "項": "项", "頂": "项", "顶": "项",
})


@dataclass(frozen=True)
class Label:
    """A label cell: as written, normalised, and split into numbering + core."""

    raw: str
    norm: str
    numbering: str  # "top" (一、), "paren" ((一)), "item" (1. / (1)) or ""
    core: str


def parse_label(raw: str, normalised: str | None = None) -> Label:
    text = norm(raw) if normalised is None else normalised
    m = _NUMBERING_RE.match(text)
    if not m:
        return Label(raw, text, "", text)
    kind = "top" if m.group("top") else "paren" if m.group("paren") else "item"
    return Label(raw, text, kind, text[m.end() :])


@lru_cache(maxsize=8192)
def expand_label(raw: str) -> tuple[Label, ...]:
    """Split a cell that carries its group prefix into group + row labels.

    "三、本年度办理结果(一)予以公开" → [三、本年度办理结果, (一)予以公开];
    "(三)不予公开1.属于国家秘密" → [(三)不予公开, 1.属于国家秘密].
    """
    text = norm(raw)
    out: list[Label] = []
    while True:
        m = _GROUP_PREFIX_RE.match(text)
        if not m:
            break
        out.append(parse_label(m.group(0), m.group(0)))
        text = text[m.end() :]
    out.append(parse_label(raw if not out else text, text))
    return tuple(out)


# Where a second row's label may begin inside one cell: a numbering token
# ("3." "(七)" "四、") right after a character that cannot precede a number.
_FUSED_AT_RE = re.compile(
    rf"(?<=[^\d(])(?=(?:\d{{1,2}}[.、](?!\d)|\([{_CN_NUM}]+\)|[{_CN_NUM}]、)[^\d\s])"
)


def _is_request_row(label: Label) -> bool:
    cls = classify_request(label, "other")
    return cls.kind in ("row", "group") or (cls.kind == "context")


@lru_cache(maxsize=8192)
def split_fused(raw: str) -> tuple[Label, ...]:
    """A table-三 label cell → its labels: group prefixes split off
    (`expand_label`), and labels of *several rows* fused into one cell split
    apart.

    When a row prints no cells, crawler text and some converters run its
    label into the next row's: "2.申请人逾期未按收费通知要求缴纳费用、…申请3.其他(七)总计"
    is three rows, and only the last one owns the cells that follow. A split
    is made only where both sides are labels of the form (a row, a group or
    the 办理结果 context), so a numbering-like string inside a label ("三安全一稳定")
    never splits it.
    """
    labels = list(expand_label(raw))
    last = labels.pop()
    glued = _GLUED_GROUP_RE.match(last.norm)
    if glued and not labels:
        # "不予公开属于国家秘密": a rowspan group cell whose numbering went to
        # another line, printed before its first item's label.
        group, rest = parse_label(glued.group(1)), parse_label(last.norm[glued.end(1):])
        name = _GROUP_NAME[glued.group(1).replace("它", "他")]
        cls = classify_request(rest, name)
        if cls.kind == "row" and GROUP_OF.get(cls.code or "") == name:
            return (group,) + _split_rows(rest)
    return tuple(labels) + _split_rows(last)


_GLUED_GROUP_RE = re.compile(r"^(不予公开|无法提供|不予处理|其[他它]处理)(?=.)")
_GROUP_NAME = {"不予公开": "denied", "无法提供": "unable", "不予处理": "rejected", "其他处理": "other"}


def _split_rows(label: Label) -> tuple[Label, ...]:
    for m in _FUSED_AT_RE.finditer(label.norm):
        left, right = parse_label(label.norm[: m.start()]), parse_label(label.norm[m.start() :])
        if left.numbering and _is_request_row(left) and _is_request_row(right):
            return _split_rows(left) + _split_rows(right)
    return (label,)


def is_section_heading(label: Label) -> bool:
    """A "X、…" heading: the next section of the report, or a table-三 top row."""
    return bool(_SECTION_RE.match(label.norm))


# --- table 二 ------------------------------------------------------------

# Column metrics, found in the header text in order. Alternation order
# matters where keywords overlap: the longer, more specific ones first.
_METRIC_RE = re.compile(
    r"(?P<new_made>新制作)"
    r"|(?P<new_published>新公开)"
    r"|(?P<total_published>对外公开总|公开总数)"
    r"|(?P<issued>制发)"
    r"|(?P<repealed>废止|度止)"
    r"|(?P<in_force>现行有效)"
    r"|(?P<decisions>处理决定)"
    r"|(?P<prior_year>上一年项目|上年项目)"
    r"|(?P<change>增[/、]?减)"
    r"|(?P<items>采购项目)"
    r"|(?P<amount>收费金额|采购总金额|总金额|金额)"
)
METRIC_LABELS: dict[str, str] = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "处理决定数量",
    "amount": "金额",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prior_year": "上一年项目数量",
    "change": "本年增/减",
    "items": "采购项目数量",
}
# A header cell (not a row) even though it may contain an item keyword
# ("本年收费金额", "采购项目数量").
_ACTIVE_HEADER_RE = re.compile(r"信息内容|数量|件数|金额|单位|增[/、]?减")
_ACTIVE_ITEMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("extra", re.compile(r"其[他它]主动公开")),  # Hubei 2020 extra row: not a contract item
    ("normative_documents", re.compile(r"规范性文件")),
    ("regulations", re.compile(r"规章")),
    ("other_services", re.compile(r"对外管理服务|其[他它]对外")),
    ("licensing", re.compile(r"行政许可")),
    ("punishment", re.compile(r"行政处罚")),
    ("coercion", re.compile(r"行政强制")),
    ("fees", re.compile(r"事业性收费|行政收费")),
    ("procurement", re.compile(r"集中采购|政府采购")),
)
assert {c for c, _ in _ACTIVE_ITEMS} - {"extra"} == set(codes.ACTIVE_ITEMS)
# The contract's items with their label patterns (without the local extra row).
ACTIVE_ITEMS = tuple((c, p) for c, p in _ACTIVE_ITEMS if c != "extra")


def find_metrics(header: str) -> list[str]:
    """The column metrics named in a sub-table header, in column order."""
    return [m.lastgroup for m in _METRIC_RE.finditer(norm(header)) if m.lastgroup]


def header_money_unit(header: str) -> str | None:
    """The money unit a header states ("单位:万元"), if any."""
    text = norm(header)
    if "万元" in text:
        return "万元"
    if re.search(r"[(:]元\)?|单位.?元", text):
        return "元"
    return None


def active_item(label: Label) -> str | None:
    """Item code of a table-二 row label; "header" for header cells; "extra"
    for a known non-contract row; None when the label means nothing here."""
    core = label.core
    if _ACTIVE_HEADER_RE.search(core):
        return "header"
    for code, pattern in _ACTIVE_ITEMS:
        if pattern.search(core):
            return code
    return None


# --- table 三 ------------------------------------------------------------

_GROUP_RE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("denied", re.compile(r"^不予公开")),
    ("unable", re.compile(r"^无法提供")),
    ("rejected", re.compile(r"^不予处理")),
    ("other", re.compile(r"^其[他它]处理")),  # 其它: a common variant spelling
)
# Rows that are not inside a (三)-(六) group.
_PLAIN_ROWS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("new_received", re.compile(r"新收")),
    ("carried_forward", re.compile(r"结转下年|下年度继续|转入下年")),
    ("carried_over", re.compile(r"上年结转|上年度结转|上年转结")),
    ("granted", re.compile(r"予以公开")),
    ("partly_granted", re.compile(r"部分公开")),
    ("total_processed", re.compile(r"^(?:总计|合计)$")),
)
# "本年度办" alone: a PDF cell that wraps "三、本年度办理结果" over two rows.
_RESULT_CONTEXT_RE = re.compile(r"办理结果|^本年度办|^本年度$")
# "三、本年度" over "办理结果": a PDF cell wrapped across rows leaves
# top-numbered fragments this short; a heading that ends the table is longer.
_MAX_FRAGMENT = 5
# Items of each group, matched on keywords (typos included).
_ITEMS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "denied": (
        ("denied_state_secret", re.compile(r"国家秘")),  # 秘密, OCR 秘宻
        ("denied_law_forbids", re.compile(r"法律|禁止公开|止公开")),
        ("denied_safety_stability", re.compile(r"三安全|一稳定|安全.*稳定")),
        ("denied_third_party", re.compile(r"第三方")),
        ("denied_internal_affairs", re.compile(r"内部事务")),
        ("denied_process_info", re.compile(r"过程性")),
        ("denied_enforcement_file", re.compile(r"执法案卷|案卷")),
        ("denied_inquiry", re.compile(r"查询")),
    ),
    "unable": (
        ("unable_not_held", re.compile(r"不掌握")),
        ("unable_needs_creation", re.compile(r"另行制作|现成信息")),
        ("unable_unclear", re.compile(r"不明确")),
    ),
    "rejected": (
        ("rejected_petition", re.compile(r"信访|举报|投诉")),
        ("rejected_duplicate", re.compile(r"重复申请")),
        ("rejected_publication", re.compile(r"出版物")),
        ("rejected_excessive", re.compile(r"反复申请|大量反复")),
        ("rejected_confirmation", re.compile(r"确认|重新出具")),
    ),
    "other": (
        ("other_no_correction", re.compile(r"不补正")),
        ("other_unpaid_fee", re.compile(r"缴纳|缴费|收费通知")),
    ),
}
_OTHER_OTHER_RE = re.compile(r"^其[他它](?:情形|原因)?$")
GROUP_OF: dict[str, str] = {code: g for g, items in _ITEMS.items() for code, _ in items}
GROUP_OF["other_other"] = "other"
assert set(GROUP_OF) | {c for c, _ in _PLAIN_ROWS} == set(codes.REQUEST_ROWS_2021)


@dataclass(frozen=True)
class RequestLabel:
    """What a table-三 label is.

    kind: ``row`` (code set), ``group`` (code = group name), ``context``
    (三、本年度办理结果), ``end`` (a heading after the table), ``unknown``.
    """

    kind: str
    code: str | None = None


@lru_cache(maxsize=8192)
def classify_request(label: Label, group: str | None) -> RequestLabel:
    """Classify a table-三 label; ``group`` is the (三)-(六) group in force."""
    core = label.core
    if not core:
        return RequestLabel("unknown")
    if len(core) > MAX_LABEL_CHARS:
        return RequestLabel("end")  # a paragraph of prose, not a row label
    for name, pattern in _GROUP_RE:
        if pattern.search(core):
            return RequestLabel("group", name)
    for code, pattern in _PLAIN_ROWS:
        if pattern.search(core):
            return RequestLabel("row", code)
    if _RESULT_CONTEXT_RE.search(core):
        return RequestLabel("context")
    if (label.numbering == "top" and len(core) > _MAX_FRAGMENT) or "行政复议" in core or "第二十条" in core:
        return RequestLabel("end")
    if _OTHER_OTHER_RE.match(core):
        # "3.其他" means other_other only inside (六)其他处理.
        return RequestLabel("row", "other_other") if group == "other" else RequestLabel("unknown")
    hits = [code for g, items in _ITEMS.items() for code, p in items if p.search(core)]
    if group is not None:
        in_group = [c for c in hits if GROUP_OF[c] == group]
        if len(in_group) == 1:
            return RequestLabel("row", in_group[0])
    if len(hits) == 1:
        return RequestLabel("row", hits[0])
    return RequestLabel("unknown")


# --- table 四 ------------------------------------------------------------

# "行政.?复议": OCR inserts a stray character ("行政法复议"); the other two
# proceedings must still follow in order, so a misread cannot widen the match.
_REVIEW_ORDER = (
    re.compile(r"行政.?复议"),
    re.compile(r"未经复议直接起诉|直接起诉"),
    re.compile(r"复议后起诉"),
)


def review_header_ok(header: str) -> bool:
    """The header names 行政复议, 未经复议直接起诉, 复议后起诉, in that order."""
    text = norm(header)
    pos = 0
    for pattern in _REVIEW_ORDER:
        m = pattern.search(text, pos)
        if not m:
            return False
        pos = m.end()
    return True


_REVIEW_ANCHOR_RE = re.compile(r"行政.?复议")


def is_review_anchor(cell: str) -> bool:
    """The first header cell of table 四 ("行政复议"), not a heading mentioning it."""
    label = parse_label(cell)
    return _REVIEW_ANCHOR_RE.match(label.core) is not None and len(label.core) <= 10
