"""Numbers stated in the prose, and the ones among them that restate a table value.

A figure is number + optional qualifier + unit: 298条, 5300余条, 1.3万条
(= 13000), 近100篇, 两次以上, 100%. Prose is full of numbers that are not
figures — years and dates, ordinals (第二十条), enumerators (一是),
slogans (三个代表, 收支两条线), document numbers (〔2022〕9号), titles
(《2010年…目录》), phone numbers, table cells — and storing one of those as a
statistic is worse than missing a real one. So the extractor only accepts a
number directly followed by a counting unit, and then rejects it on any sign
of those other uses; Chinese numerals need a clean counting context and a
lone 一 is never a figure (一项重要举措, 每一项, 一系列 are idioms).

`metric` ties a figure to a fact-table cell when the clause says which
one (受理73件政府信息公开申请 → requests.new_received.total); when the
wording is ambiguous it stays None. `figures_to_facts` turns those into
narrative-sourced facts, exact figures only, and gives up on a code when two
figures disagree about it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from decimal import Decimal

from transforms.codes import (
    ACTIVE_ITEMS,
    ACTIVE_METRICS_2019,
    ACTIVE_METRICS_2021,
    APPLICANTS,
    METRIC_PREFIX_ACTIVE,
    METRIC_PREFIX_REQUESTS,
    METRIC_PREFIX_REVIEW,
    OUTCOMES,
    PROCEEDINGS,
    REQUEST_ROW_CODES,
)
from transforms.model import ActiveFact, CellRef, Figure, RequestFact, ReviewFact, Section
from transforms.numerals import normalise_decimal, parse_arabic, parse_cn_int

# "review_litigation.litigation.total": prose 行政诉讼 N件 usually counts all
# litigation (未经复议直接起诉 + 复议后起诉). It is a metric for comparison with
# the sum of the two table totals, NOT a fact code: figures_to_facts skips it.
METRIC_LITIGATION_ALL = f"{METRIC_PREFIX_REVIEW}.litigation.total"

# --- the figure pattern ---------------------------------------------------------
# Units with the continuations that turn them into another word (人民, 个月,
# 条例 …). Longest units first so 人次 beats 人 and 个百分点 beats 个.
_UNIT_ALTERNATIVES: tuple[str, ...] = (
    r"个百分点",
    r"百分点",
    r"人次",
    r"场次",
    r"批次",
    r"万元",
    r"亿元",
    r"元",
    r"%",
    r"‰",
    r"条(?!例|款|线|龙|件|规)",
    r"件(?!数)",
    r"项(?!目)",
    r"次(?!日|年|月|要|之|序)",
    r"人(?!民|大|员|口|才|事|社|均|文|工|防|身|们|士|为|格|生)",
    r"名(?!单|称|义|录|额|片|字|誉|次|列|胜|人)",
    r"个(?!多?(?:工作日|月|小时|自然日|星期|季度|周|年|日|工作|人信息|体|别|性|案|部分|方面))",
    r"篇",
    r"所(?!有|属|在|得|以|谓|需|辖)",
    r"家(?!庭|长|属|乡|族|园|具|人)",
    r"场(?!所|景|馆|地|合|面)",
    r"期(?!间|限|刊|末|初|满|内|待|望)",
    r"份(?!额|子)",
    r"起(?!草|来|到|点|始|步|见|止|码)",
    r"户(?!籍|口|外|型)",
    r"位(?!置|于)",
    r"部(?!门|分|署|队|长|委|级|属|位)",
    r"宗",
)
_UNIT = "(?:" + "|".join(_UNIT_ALTERNATIVES) + ")"
_PRE_APPROX = ("大约", "将近", "约", "近")
_PRE_AT_LEAST = ("不少于", "不低于", "超过", "至少", "逾")
_PRE_QUALIFIERS = ("不少于", "不低于", "大约", "将近", "超过", "至少", "约", "近", "逾")
_PRE_LAST_CHARS = frozenset(q[-1] for q in _PRE_QUALIFIERS)
_NOT_NEAR_PREV = frozenset("最附临")  # 最近, 附近, 临近 are words, not "nearly"
_NOT_ABOUT_PREV = frozenset("预签邀节公条制契规合")  # 预约, 签约, 节约 …
# The pattern starts with one character class (the number run) so the regex
# engine can skip ahead cheaply. The run is taken whole and possessively
# (never retried from inside, never shortened): flattened tables hold long
# digit runs that would otherwise cost quadratic backtracking. It is split
# into number and 万/亿 in code; a qualifier before it (近100篇) is read by
# looking back from the match.
_NUMERAL_CLASS = "0-9零〇○一二两三四五六七八九十百千万亿"
_FIGURE_RE = re.compile(
    rf"(?<![.{_NUMERAL_CLASS}])(?P<num>[{_NUMERAL_CLASS}][.{_NUMERAL_CLASS}]*+)"
    r"(?P<q1>\s{0,4}[余多])?"
    r"(?P<mult>\s{0,4}[万亿])?"
    r"(?P<q2>[余多])?"
    r"(?P<gap>\s{0,4})"
    rf"(?P<unit>{_UNIT})"
    r"(?P<post>左右|以上)?"
)
# What the number run may be: Arabic with an optional 万/亿 (1.3万, 56万), or
# a Chinese numeral. Anything else (1.2.3, 3一) is not one number.
_ARABIC_RUN_RE = re.compile(r"(\d+(?:\.\d+)?)([万亿])?")
_CN_RUN_RE = re.compile(r"[零〇○一二两三四五六七八九十百千万亿]+")
_ARABIC_GLUE = frozenset("0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_/\\-#@%")

# --- contexts that disqualify a number -----------------------------------------
_BOOK_TITLE_RE = re.compile(r"《[^《》\n]{0,150}》")
_SHORT_QUOTE_RE = re.compile(r"[“\"「][^”\"」\n]{1,14}[”\"」]")
# Table header anchors (found with str.find, which is far cheaper than a
# regex scan) and what must follow each for it to be a table, not prose.
_TABLE_ZONE_ANCHORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("第二十条", re.compile(r"第二十条\s*第\s*[(（]\s*[一五六八九]\s*[)）]\s*项[\s|]*信息内容")),
    ("本列数据的勾稽关系", re.compile(r"本列数据的勾稽关系")),
    ("行政复议", re.compile(r"行政复议[\s|]*行政诉讼[\s|]*(?:结果|未经复议)")),
    ("指标名称", re.compile(r"指标名称[\s|]*计量单位")),
)
_NUMBERED_HEADING_LINE_RE = re.compile(r"^[ \t]*[一二三四五六七八九十]{1,3}[ \t]*、", re.M)
_CLAUSE_SEP_RE = re.compile(r"[,，。；;：:！!？?\n]")
_SENTENCE_SEP_RE = re.compile(r"[。；;！!？?\n]")
# For reading a metric, a single line break is not a boundary: PDF text wraps
# lines mid-sentence (答\n复 3050 件). Blank lines and a line starting a
# numbered heading or sub-heading still are.
_WIDE_CLAUSE_SEP_RE = re.compile(
    r"[,，。；;：:！!？?]|\n(?=[ \t]*(?:\n|[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十]{1,3}[)）]))"
)
# "everything up to the last separator": a greedy match that backtracks from
# the figure to the nearest separator, cheaper than scanning the window forward.
_LAST_CLAUSE_SEP_RE = re.compile(r"(?s).*" + _CLAUSE_SEP_RE.pattern)
_LAST_SENTENCE_SEP_RE = re.compile(r"(?s).*" + _SENTENCE_SEP_RE.pattern)
_LAST_WIDE_CLAUSE_SEP_RE = re.compile(r"(?s).*(?:" + _WIDE_CLAUSE_SEP_RE.pattern + ")")
_NEWLINE_RE = re.compile("\n")
_NEWLINE_WS_RE = re.compile(r"\s*\n\s*")

# Chinese numerals: forbidden neighbours and slogan continuations.
_CN_BAD_PREV = frozenset("第每周初之数几若星其某哪这那同唯单统逐再")
_CN_NUMERAL_CHARS = frozenset("零〇○一二两三四五六七八九十百千万亿")
_COUNTING_PREV = frozenset("了有共达计和及约近")  # 明确了两名…: a count, not a rank
_CN_SLOGAN_AFTER_RE = re.compile(
    r"(?:代表|维护|意识|自信|确立|全面|规定|务必|公开|文明|统筹|禁令|红线|底线|线|结合|同步|到位|"
    r"服务|不|化|好|优先|[零〇一二两三四五六七八九十])"
)
_ARABIC_BAD_PREV = frozenset("第")


# =============================================================================
# figure extraction
# =============================================================================


_WINDOW = 600  # how far back a clause or sentence start is looked for


class _Doc:
    """Per-document lookups built once, so each candidate costs a few bisects.

    Clause and sentence bounds are found lazily around each figure (a figure
    is rare, separators are everywhere), keeping the cost proportional to
    the figures, not to the text.
    """

    def __init__(self, text: str, sections: list[Section]):
        self.text = text
        self._table_line_cache: dict[int, bool] = {}
        self._newlines: list[int] | None = None
        self.books = [(m.start(), m.end()) for m in _BOOK_TITLE_RE.finditer(text)]
        self.book_starts = [b[0] for b in self.books]
        self.quotes = [(m.start(), m.end()) for m in _SHORT_QUOTE_RE.finditer(text)]
        self.quote_starts = [q[0] for q in self.quotes]
        self.sections = sorted(sections, key=lambda s: s.start_offset)
        self.section_starts = [s.start_offset for s in self.sections]
        self.zones = self._table_zones()
        self.zone_starts = [z[0] for z in self.zones]

    def _table_zones(self) -> list[tuple[int, int]]:
        """Flattened tables (crawler text has no cell separators): from a table
        header to the next section heading or the next full stop."""
        text = self.text
        starts = []
        for anchor, pattern in _TABLE_ZONE_ANCHORS:
            pos = text.find(anchor)
            while pos >= 0:
                if pattern.match(text, pos):
                    starts.append(pos)
                pos = text.find(anchor, pos + len(anchor))
        zones = []
        for start in sorted(starts):
            end = len(text)
            i = bisect.bisect_right(self.section_starts, start)
            if i < len(self.section_starts):
                end = self.section_starts[i]
            stop = text.find("。", start, end)
            if stop >= 0:
                end = stop
            zones.append((start, end))
        return zones

    @staticmethod
    def _inside(pos: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and spans[i][0] <= pos < spans[i][1]

    def line_bounds(self, pos: int) -> tuple[int, int]:
        if self._newlines is None:  # built on first use: one C-level scan
            self._newlines = [m.start() for m in _NEWLINE_RE.finditer(self.text)]
        i = bisect.bisect_left(self._newlines, pos)
        start = self._newlines[i - 1] + 1 if i > 0 else 0
        end = self._newlines[i] if i < len(self._newlines) else len(self.text)
        return start, end

    def is_table_line(self, pos: int) -> bool:
        start, end = self.line_bounds(pos)
        cached = self._table_line_cache.get(start)
        if cached is None:
            line = self.text[start:end]
            cached = "\t" in line or " | " in line
            self._table_line_cache[start] = cached
        return cached

    def in_book_title(self, pos: int) -> bool:
        return self._inside(pos, self.books, self.book_starts)

    def in_short_quote(self, pos: int) -> bool:
        return self._inside(pos, self.quotes, self.quote_starts)

    def in_table_zone(self, pos: int) -> bool:
        return self._inside(pos, self.zones, self.zone_starts)

    def section_at(self, pos: int) -> str | None:
        i = bisect.bisect_right(self.section_starts, pos) - 1
        if i >= 0 and pos < self.sections[i].end_offset:
            return self.sections[i].section
        return None

    def _bounds(self, last_sep: re.Pattern[str], sep: re.Pattern[str], start: int, end: int) -> tuple[int, int]:
        left = max(0, start - _WINDOW)
        m = last_sep.match(self.text, left, start)  # greedy: ends after the last separator
        if m:
            left = m.end()
        m = sep.search(self.text, end)
        return left, (m.start() if m else len(self.text))

    def clause(self, start: int, end: int) -> tuple[int, int]:
        return self._bounds(_LAST_CLAUSE_SEP_RE, _CLAUSE_SEP_RE, start, end)

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        return self._bounds(_LAST_SENTENCE_SEP_RE, _SENTENCE_SEP_RE, start, end)

    def wide_clause(self, start: int, end: int) -> tuple[int, int]:
        return self._bounds(_LAST_WIDE_CLAUSE_SEP_RE, _WIDE_CLAUSE_SEP_RE, start, end)


def _prev_char(text: str, pos: int) -> str:
    """The character before pos, skipping spaces (第 3 条)."""
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return text[i] if i >= 0 else ""


def _qualifier(m: re.Match[str], pre: str | None) -> str:
    post = m.group("post")
    if post == "以上" or pre in _PRE_AT_LEAST:
        return "at_least"
    if pre in _PRE_APPROX or post == "左右" or m.group("q1") or m.group("q2"):
        return "approx"
    return "exact"


def _value_and_unit(m: re.Match[str]) -> tuple[Decimal, str] | None:
    num = m.group("num")
    unit = m.group("unit")
    mult = (m.group("mult") or "").strip()
    if num[0].isdigit():
        run = _ARABIC_RUN_RE.fullmatch(num)
        if run is None or (run.group(2) and mult):
            return None
        value = parse_arabic(run.group(1))
        mult = run.group(2) or mult
    else:
        if not _CN_RUN_RE.fullmatch(num):
            return None
        if unit == "元" and num[-1] in "万亿" and len(num) > 1 and not mult:
            mult, num = num[-1], num[:-1]  # 三万元 is 3 万元, as written
        cn = parse_cn_int(num)
        value = None if cn is None else Decimal(cn)
    if value is None:
        return None
    if mult:
        if unit == "元":
            unit = mult + "元"  # money keeps the unit the report states
        else:
            value *= 10_000 if mult == "万" else 100_000_000
    return normalise_decimal(value), unit


def _rejected(doc: _Doc, m: re.Match[str], start: int) -> bool:
    """Whether the candidate is a year, ordinal, idiom, title, cell … rather than a figure."""
    text = doc.text
    num_start = m.start("num")
    num = m.group("num")
    arabic = num[0].isdigit()
    if arabic and num_start > 0 and text[num_start - 1] in _ARABIC_GLUE:
        return True  # part of a longer token: phone, URL, date, decimal
    if doc.is_table_line(num_start):
        return True
    if doc.in_book_title(num_start) or doc.in_table_zone(num_start):
        return True
    # A line break between number and unit is real text ("30余\n\n件"), but a
    # number alone on its line is a one-cell-per-line table cell.
    if "\n" in text[num_start:m.start("unit")]:
        line_start, _ = doc.line_bounds(num_start)
        if not text[line_start:start].strip():
            return True
    prev = _prev_char(text, start)
    if arabic:
        return prev in _ARABIC_BAD_PREV
    # Chinese numerals: a real counting context only.
    if prev in _CN_BAD_PREV or prev in _CN_NUMERAL_CHARS:
        return True
    if set(num) <= {"一"}:
        return True  # a lone 一 is an idiom far more often than a count
    if m.group("unit") in ("期", "名", "位") and "\u4e00" <= prev <= "\u9fff" and prev not in _COUNTING_PREV:
        return True  # 二期工程, 第一名, 一位…: ordinal-like unless counted
    if _CN_SLOGAN_AFTER_RE.match(text, m.end()):
        return True
    return doc.in_short_quote(num_start)


def _heading_duplicates(doc: _Doc, figures: list[Figure]) -> set[int]:
    """Indexes of figures on a numbered heading line that the body below restates.

    "五、…咨询回复率100%" followed by "…回复率100%。" is one statistic, not two.
    """
    drop: set[int] = set()
    text = doc.text
    for i, fig in enumerate(figures):
        ls, le = doc.line_bounds(fig.start_offset)
        line = text[ls:le]
        if len(line) > 80 or not _NUMBERED_HEADING_LINE_RE.match(line) or "。" in line.rstrip().rstrip("。"):
            continue
        nxt = _NUMBERED_HEADING_LINE_RE.search(text, le)
        limit = nxt.start() if nxt else len(text)
        for other in figures[i + 1:]:
            if other.start_offset >= limit:
                break
            if other.start_offset >= le and (other.value, other.unit) == (fig.value, fig.unit):
                drop.add(i)
                break
    return drop


def extract_figures(text: str, sections: list[Section]) -> list[Figure]:
    """Every figure stated in the prose of `text`, in text order, with its metric."""
    doc = _Doc(text, sections)
    found: list[Figure] = []
    for m in _FIGURE_RE.finditer(text):
        start = m.start()
        pre = None
        if start and text[start - 1] in _PRE_LAST_CHARS:
            pre = next((q for q in _PRE_QUALIFIERS if text.endswith(q, 0, start)), None)
        if pre:
            before = text[start - len(pre) - 1: start - len(pre)] if start > len(pre) else ""
            if (pre == "近" and before in _NOT_NEAR_PREV) or (pre == "约" and before in _NOT_ABOUT_PREV):
                pre = None  # 最近 / 预约 are words, not qualifiers
            else:
                start -= len(pre)
        if _rejected(doc, m, start):
            continue
        parsed = _value_and_unit(m)
        if parsed is None:
            continue
        value, unit = parsed
        cs, ce = doc.clause(start, m.end())
        phrase = _NEWLINE_WS_RE.sub("", text[cs:ce]).strip()
        found.append(Figure(
            section=doc.section_at(start),
            value=value,
            unit=unit,
            qualifier=_qualifier(m, pre),
            phrase=phrase,
            start_offset=start,
            end_offset=m.end(),
            metric=None,
        ))
    drop = _heading_duplicates(doc, found)
    kept = [f for i, f in enumerate(found) if i not in drop]
    out: list[Figure] = []
    prev_clause_start: int | None = None
    for i, fig in enumerate(kept):
        # metric context: the figure's clause ignoring line wraps, cut at its neighbours
        cs, ce = doc.wide_clause(fig.start_offset, fig.end_offset)
        prev_end = max(cs, kept[i - 1].end_offset) if i > 0 else cs
        next_start = min(ce, kept[i + 1].start_offset) if i + 1 < len(kept) else ce
        metric = _metric(doc, fig, prev_end, max(next_start, fig.end_offset), prev_clause_start)
        prev_clause_start = cs
        if metric:
            fig = replace(fig, metric=metric)
        out.append(fig)
    return out


# =============================================================================
# metrics
# =============================================================================

_REVIEW_WORD_RE = re.compile(r"复议")
_LITIGATION_WORD_RE = re.compile(r"诉讼|起诉")
_DIRECT_SUIT_RE = re.compile(r"未经复议|直接起诉|直接提起")
_AFTER_REVIEW_SUIT_RE = re.compile(r"复议后起诉|经复议后|复议后提起")
_OUTCOME_WORD_RE = re.compile(r"维持|纠正|撤销|驳回|确认违法|尚未|审结|其他结果|终止|败诉|胜诉|撤诉|结果")

_CARRIED_OVER_RE = re.compile(r"上一?年度?(?:结转|转结|遗留|未办结)")
_CARRIED_FORWARD_RE = re.compile(
    r"结转(?:至|到)?(?:下一?年|\d{4}年)|转入下一?年|顺延(?:至|到)?下|正在办理|仍在办理|尚在办理|办理中|尚未办结|未办结|继续办理"
)
_PROCESSED_RE = re.compile(r"办结|答复|办理完毕|处理完毕|已办理|已处理|作出.{0,4}决定")
_RECEIVED_RE = re.compile(r"收到|受理|新收|接收|接到|共收|收悉|提出")
_APPLICATION_CONTEXT_RE = re.compile(r"信息公开申请|依申请|公开申请|申请公开|政府信息公开的申请")
_NOT_REQUESTS_RE = re.compile(
    r"许可|审批|复议|诉讼|留言|信箱|热线|咨询|投诉|举报|信访|办件|建议|提案|事项|来电|来信|政务服务|网民|诉求"
)

_OTHER_APPLICATIONS_RE = re.compile(r"许可|审批|信箱|留言|热线|咨询|投诉|举报|信访|办件|政务服务|服务事项|网民")
_NORMATIVE_RE = re.compile(r"规范性文件")
_REGULATION_RE = re.compile(r"规章(?!制度)")
_ISSUED_RE = re.compile(r"制定|制发|印发|出台|新制定|发文")
_REPEALED_RE = re.compile(r"废止|废除|宣布失效")
_IN_FORCE_RE = re.compile(r"现行有效|现行|现有")
_NOT_ACTIVE_RE = re.compile(r"解读|清理|审查|备案|审核|修改|修订|征求|合法性|评估|公开|发布")

_REQUEST_UNITS = {"件", "份", "个"}
_REVIEW_UNITS = {"件", "起", "份", "宗", "个"}
_ACTIVE_UNITS = {"件", "部", "个", "份"}


def _clip_left(s: str) -> str:
    """Only what follows the last opening bracket belongs to a figure inside it."""
    cut = max(s.rfind("("), s.rfind("（"))
    return s[cut + 1:] if cut >= 0 else s


def _clip_right(s: str) -> str:
    """What follows a figure speaks of it only up to a bracket or the next list item."""
    cut = [i for i in (s.find("("), s.find("（"), s.find("、")) if i >= 0]
    return s[: min(cut)] if cut else s


def _metric(doc: _Doc, fig: Figure, left_from: int, right_to: int, chain_from: int | None = None) -> str | None:
    """Fact code stated by the figure's clause, or None when it is unclear."""
    text = doc.text
    left = _NEWLINE_WS_RE.sub("", _clip_left(text[left_from: fig.start_offset]))
    right = _NEWLINE_WS_RE.sub("", _clip_right(text[fig.end_offset: right_to]))
    local = left + "|" + right

    if fig.unit in _REVIEW_UNITS and (_REVIEW_WORD_RE.search(local) or _LITIGATION_WORD_RE.search(local)):
        return _review_metric(local, left)
    if fig.unit in _ACTIVE_UNITS and (_NORMATIVE_RE.search(local) or _REGULATION_RE.search(local)):
        return _active_metric(local)
    if fig.unit in _REQUEST_UNITS:
        return _request_metric(doc, fig, local, chain_from)
    return None


def _review_metric(local: str, left: str) -> str | None:
    if _OUTCOME_WORD_RE.search(left):
        return None
    has_review = bool(_REVIEW_WORD_RE.search(local))
    has_suit = bool(_LITIGATION_WORD_RE.search(local))
    if has_suit and _DIRECT_SUIT_RE.search(local):
        return f"{METRIC_PREFIX_REVIEW}.litigation_direct.total"
    if has_suit and _AFTER_REVIEW_SUIT_RE.search(local):
        return f"{METRIC_PREFIX_REVIEW}.litigation_after_review.total"
    if has_review and has_suit:
        return None  # 行政复议和行政诉讼各0件: one number, two cells
    if has_review:
        return f"{METRIC_PREFIX_REVIEW}.review.total"
    return METRIC_LITIGATION_ALL


def _active_metric(local: str) -> str | None:
    normative = bool(_NORMATIVE_RE.search(local))
    regulation = bool(_REGULATION_RE.search(local))
    if normative == regulation:
        return None
    if _NOT_ACTIVE_RE.search(local.replace("现行有效", "")):
        return None
    groups = [
        name
        for name, pattern in (("issued", _ISSUED_RE), ("repealed", _REPEALED_RE), ("in_force", _IN_FORCE_RE))
        if pattern.search(local)
    ]
    if len(groups) != 1:
        return None
    item = "normative_documents" if normative else "regulations"
    return f"{METRIC_PREFIX_ACTIVE}.{item}.{groups[0]}"


def _request_metric(doc: _Doc, fig: Figure, local: str, chain_from: int | None) -> str | None:
    if _NOT_REQUESTS_RE.search(local):
        return None
    text = doc.text
    ss, se = doc.sentence(fig.start_offset, fig.end_offset)
    sentence = text[ss:se]
    if "申请" not in sentence:
        return None
    # "受理行政许可申请150件,办结150件": the second clause is still about
    # permits, as the previous figure's clause in the same sentence says
    if chain_from is not None and chain_from >= ss and _OTHER_APPLICATIONS_RE.search(text, chain_from, fig.start_offset):
        return None
    window = text[max(0, fig.start_offset - 400): fig.start_offset] + sentence
    if fig.section != "requests" and not _APPLICATION_CONTEXT_RE.search(window):
        return None
    if _CARRIED_OVER_RE.search(local):
        row = "carried_over"
    elif _CARRIED_FORWARD_RE.search(local):
        row = "carried_forward"
    else:
        processed = bool(_PROCESSED_RE.search(local))
        received = bool(_RECEIVED_RE.search(local))
        if processed == received:
            return None
        row = "total_processed" if processed else "new_received"
    return f"{METRIC_PREFIX_REQUESTS}.{row}.total"


# =============================================================================
# facts
# =============================================================================


def _integral(value: Decimal) -> int | None:
    return int(value) if value == value.to_integral_value() and value >= 0 else None


def figures_to_facts(
    figures: list[Figure], text: str | None = None
) -> tuple[list[ActiveFact], list[RequestFact], list[ReviewFact]]:
    """Narrative facts from the figures whose metric is a fact code.

    Only exact figures count (5300余条 is no table value). When several
    figures state one code, the first is kept if they all agree; if they
    disagree, no fact is emitted for that code — the text contradicts
    itself and a checker should say so, not the parser pick one.
    `text`, when given, supplies the raw matched text for CellRef.raw.
    """
    by_code: dict[str, list[Figure]] = {}
    for fig in figures:
        if fig.metric and fig.qualifier == "exact":
            by_code.setdefault(fig.metric, []).append(fig)

    active: list[ActiveFact] = []
    requests: list[RequestFact] = []
    review: list[ReviewFact] = []
    for code, figs in by_code.items():
        if len({(f.value, f.unit) for f in figs}) != 1:
            continue
        fig = figs[0]
        parts = code.split(".")
        if len(parts) != 3:
            continue
        table, row, column = parts
        raw = text[fig.start_offset: fig.end_offset] if text is not None else f"{fig.value}{fig.unit}"
        ref = CellRef(table=table, row_label=fig.phrase, column_label="narrative", raw=raw)
        if table == METRIC_PREFIX_REQUESTS and row in REQUEST_ROW_CODES and column in APPLICANTS:
            value = _integral(fig.value)
            if value is not None:
                requests.append(RequestFact(row_code=row, applicant=column, value=value, ref=ref))
        elif table == METRIC_PREFIX_REVIEW and row in PROCEEDINGS and column in OUTCOMES:
            value = _integral(fig.value)
            if value is not None:
                review.append(ReviewFact(proceeding=row, outcome=column, value=value, ref=ref))
        elif (
            table == METRIC_PREFIX_ACTIVE
            and row in ACTIVE_ITEMS
            and column in set(ACTIVE_METRICS_2021) | set(ACTIVE_METRICS_2019)
        ):
            active.append(ActiveFact(item=row, metric=column, value=fig.value, unit=fig.unit, ref=ref))
    return active, requests, review
