"""Report metadata: who wrote it, for which year, when, and in which format.

Annual reports rarely state their metadata in one place. The title may be
split over two lines (吕梁市教育局 / 2021 年政府信息公开工作年度报告), missing
altogether (seed 001 starts at 一、总体情况), or name the agency only by a
short self-reference (区教育局, 教育厅) that the body spells out in full
elsewhere (《2010年西安市长安区教育局信息公开目录》). Each field is therefore
read from the most reliable source that has it, and left None when none
does: a guessed year or date would silently corrupt the timeliness checks.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from transforms import gazetteer
from transforms.agencies import agency_type
from transforms.cleaning import strip_markdown_marks
from transforms.model import ReportMetadata
from transforms.numerals import parse_cn_int

# --- shared character classes --------------------------------------------
_CJK = "\u4e00-\u9fff"

# Place units. An ordinary unit is a short name and a suffix; the shortest
# name that reaches a suffix wins (西安市|长安区, not 西安市长安区 as one unit).
_UNIT_SUFFIXES = ("特别行政区", "地区", "省", "市", "州", "盟", "县", "区", "旗")
_MAX_NAME = 8
# An autonomous unit names its peoples before 自治…: 道真仡佬族苗族自治县,
# 龙胜各族自治县, 积石山保安族东乡族撒拉族自治县 (12 characters before 自治).
# Its name is longer than an ordinary one, and never holds a level character
# (so 桂林市龙胜各族自治县 is two units, not one).
_AUTONOMOUS_SUFFIXES = ("自治区", "自治州", "自治县", "自治旗")
_MAX_AUTONOMOUS_NAME = 16
# A township only counts when what follows is its government, otherwise
# 城乡/乡村 inside department names would become townships, and 平乡县,
# 宁乡市, 景德镇市 would be cut after their 乡/镇.
_TOWNSHIP_SUFFIXES = ("街道", "乡", "镇")
_TOWNSHIP_FOLLOWERS = ("人民政府", "政府", "办事处", "党委", "党政")
# Characters that end a unit on their own.
_LEVEL_CHARS = frozenset("省市县区州旗盟")
# The unit scans: the first suffix after the name's first character (a
# leftmost match, so 阿里|地区 wins over 阿里地|区).
_ORDINARY_SUFFIX_RE = re.compile("|".join(_UNIT_SUFFIXES + _TOWNSHIP_SUFFIXES))
_AUTONOMOUS_SUFFIX_RE = re.compile("|".join(_AUTONOMOUS_SUFFIXES) + "|[" + "".join(sorted(_LEVEL_CHARS)) + "]")
# 州 and 县 were units once and live on as the end of today's names, before
# the unit that replaced them: 杭州市, 全州县, 通州区, 贵州省, 沙县区, 梅县区.
_NAME_END_UNITS = {"州": frozenset("省市县区"), "县": frozenset("区")}
# ... but after a 州 abbreviation 市场 is a department: 恩施州|市场监督管理局.
_DEPT_AFTER_UNIT = ("市场",)

# Words that cannot occur inside a place name: their presence means the scan
# swallowed a verb or particle ("本报告由淮安市" → 由 rejects it).
_NOT_IN_PLACE = frozenset("的了在及与我各全本该等为对将是从向并或经由请和于把被以按据就至其此")
# ... except 和 and 至 as the last character of a name: they end many names
# (太和县, 平和县, 乐至县, 东至县), while in running text they stand before
# a place (…和淮安市, 至2021年), not right before its unit character.
_NAME_FINAL_OK = frozenset("和至")
# A first character may be rarer in names (全椒县, 本溪市 exist) but these
# start a swallowed phrase (由淮安市, 将全县) far more often than a name.
# A two-character name is the exception (将乐县, 从江县, 从化区, 向阳区): once
# the particle is taken off, a lone character is left, not a place.
_FIRST_BAD = frozenset("的了在及与我各该由请把被按据就并或经此其为对将是向从")
# One-character names that are words, not places: 全市, 本县, 我区, 各县, 该区 …
_SINGLE_BAD = frozenset("全本我各该两此其外市县区省上下分总城郊辖大小每州旗盟")
_UNIT_SUFFIX_AT_END_RE = re.compile(
    r"(?:自治区|自治州|自治县|自治旗|特别行政区|地区|省|市|州|盟|县|区|旗|乡|镇|街道)$"
)
_NOT_IN_PLACE_WORDS = ("政府", "委", "局", "厅", "办", "部门", "公开", "信息", "报告", "工作", "年")
# Whole units that look like places but are common words.
_FAKE_UNITS = frozenset(
    ("城市", "都市", "超市", "城区", "市区", "地区", "社区", "景区", "园区", "校区", "辖区", "片区", "街区",
     "专区", "山区", "灾区", "市州", "县区", "县市", "区县", "省市", "市县")
)
# Functional zones: real reporting bodies but not administrative divisions.
_ZONE_RE = re.compile(r"(实验区|开发区|新区|高新区|示范区|合作区|保税区|试验区|自贸区|管理区|工业园区|旅游区)$")

# Department suffixes that end an agency name.
_DEPT_SUFFIX = (
    r"(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办|政府|管理委员会|管委会|办事处|委员会|"
    r"办公室|办公厅|局|厅|委|办|中心|院|署)"
)
_DEPT_RE = re.compile(rf"^[{_CJK}()]{{0,16}}?{_DEPT_SUFFIX}$")
_SHORT_LEVEL = "省市县区州旗"
_BARE_DEPTS = frozenset(("政府", "人民政府", "政府办", "政府办公室", "办公室", "委员会"))

# --- title ----------------------------------------------------------------
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR_RE = re.compile(r"([二][〇○零一二三四五六七八九]{3})年")
_TITLE_KEYWORDS_RE = re.compile(r"(年度报告|年报|工作总结|工作情况|报告格式|总结报告|工作报告)")
_HEADER_TITLE_RE = re.compile(r"^\s*标题\s*[:：]\s*(.+?)\s*$", re.M)
_TITLE_AFTER_YEAR_AGENCY_RE = re.compile(
    rf"^度?\s*([{_CJK}()]{{2,30}}?)\s*(?:政府信息公开|信息公开|政务公开|政府信息|公开工作)"
)
_TITLE_NOISE_RE = re.compile(r"^(?:关于|印发|发布)")
# What follows the agency in a title written "<agency>关于<year>…" or
# "<agency>政府信息公开工作<year>年度报告": never part of the name.
_TITLE_TOPIC_RE = re.compile(r"(?:关于|的)?(?:政府信息公开|政务公开|信息公开|公开工作).*$|(?:关于|的)$")
_HEAD_LINES = 40
# Markdown or OCR marks left around a head line ("**标题**", "# 标题", "工作年度报告**").
_LINE_MARKS_RE = re.compile(r"^[#>*\s]+|[#*\s]+$")
_TITLE_PART_MAX = 40  # a title wrapped over lines: each piece is short
_TITLE_WRAP_LINES = 3
_SENTENCE_PUNCT_RE = re.compile(r"[。，,；;：:！!？?]")

# --- dates ----------------------------------------------------------------
# A page-header date: 发布时间/成文日期…, or a bare 时间:/日期: that is not the
# tail of another word (统计时间:…) and not the start of a range (…至…).
_HEADER_DATE_RE = re.compile(
    rf"(?:发布时间|发布日期|成文日期|公开日期|发文日期|(?<![{_CJK}])(?:时间|日期))\s*[:：]\s*"
    r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?"
    r"(?!\s*(?:至|起|到|—|~|～|－))"
)
_SIGNATURE_DATE_RE = re.compile(
    r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$", re.M
)
_CN_SIGNATURE_DATE_RE = re.compile(
    r"^\s*([二][〇○零一二三四五六七八九]{3})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日\s*$",
    re.M,
)
_HEADER_ZONE_CHARS = 3000

# --- agency sources --------------------------------------------------------
_HEADER_SOURCE_RE = re.compile(r"(?:来源|发布机构|信息来源|发文机关|发布单位)\s*[:：]\s*([^\s:：]{2,40})")
_SELF_REF_RE = re.compile(
    rf"(?:^|(?<=\d年[,，])|(?<=\d年度[,，])|(?<=[。\n]))\s*([{_SHORT_LEVEL}][{_CJK}]{{0,12}}?{_DEPT_SUFFIX})"
    rf"(?=[{_CJK}])",
    re.M,
)
# A full name opening the report's first sentence: "2022年,赞皇县教育局按照…".
_YEAR_OPENING_RE = re.compile(
    rf"^\s*\d{{4}}年度?[,，]\s*([{_CJK}]{{2,24}}?{_DEPT_SUFFIX})(?=[{_CJK}])",
    re.M,
)
# Last resort: a full name as the subject of a clause, recognised by the verb
# that follows it ("…领导下,土默特右旗市场监督管理局以…", "…,XX县民政局认真…").
_SUBJECT_RE = re.compile(
    rf"[,，、]\s*([{_CJK}]{{2,24}}?{_DEPT_SUFFIX})"
    r"(?=以|按照|认真|坚持|深入|全面|高度|紧紧|严格|持续|始终|进一步|积极|不断|围绕|紧密|扎实)"
)
# Places are only trusted where a name must start: after an opening
# bracket/quote or a colon (《乌海市…》, “乌海市教育局…”, 地址:淮安市…), after a
# year (《2010年西安市长安区…》) or at a line start. After 。 or , a sentence
# starts with a verb as often as with a name (依托隆尧县教育局…).
_PLACE_BOUNDARY_CHARS = frozenset("《“\"(（:：【[「〈")
_PLACE_WINDOW = 24
_CJK_CHAR_RE = re.compile(rf"[{_CJK}]")
_ALL_CJK_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]+$")  # rare place characters too
_UNIT_END_CHARS = frozenset("省市县区州旗盟乡镇道")
_MAX_OCCURRENCES = 40  # occurrences of a department name examined: bounds the cost
_MAX_SELF_REFS = 5  # short self-references tried when there is no title agency
# A short department name and the full one it abbreviates: 科委 = 科学技术委员会,
# 发改委 = 发展和改革委员会, 人社局 = 人力资源和社会保障局, 政府 = 人民政府. The short
# form's characters occur in the full one in order, each at most this many
# characters after the previous one.
_ABBREV_GAP = 6
_ABBREV_COMPLETIONS = {"委": "(?:员会)?", "办": "(?:公室|公厅)?"}
# A full form only counts where it is written as a name: followed by no
# further name character (punctuation, a line end, a date) or by the verb of
# the sentence it is the subject of.
_AFTER_NAME = (
    "以", "按照", "认真", "坚持", "深入", "全面", "高度", "紧紧", "严格", "持续", "始终", "进一步", "积极",
    "不断", "围绕", "紧密", "扎实", "切实", "依法", "主动", "共", "全年", "关于", "政府信息公开", "政务公开",
    "信息公开", "贯彻", "落实", "根据", "依据", "编制", "发布", "办公", "门户", "网站",
)
_WS_RE = re.compile(r"\s+")

# --- format markers (searched in whitespace-free text) ----------------------
_T2_2021 = ("本年制发件数", "本年废止件数", "现行有效件数")
_T2_2019 = ("本年新制作数量", "对外公开总数量", "上一年项目数量", "本年新公开数量")
_T3_MARKERS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "结转下年度继续办理")
_T3_OTHER_2021 = ("逾期未按收费通知", "未按收费通知要求缴纳费用")
_TEMPLATE_TITLE_RE = re.compile(r"(政府信息公开工作)?年度报告格式")
# A line that quotes the format's notice ("…关于印发〈中华人民共和国政府信息公开
# 工作年度报告格式〉的通知》"): the preamble of nearly every 2021-form report,
# which a PDF wraps so that this piece stands on a line without its year.
_CITES_FORMAT_RE = re.compile(r"[〈《<]\s*(?:中华人民共和国)?政府信息公开工作年度报告格式|格式\s*[〉》>]|通知|印发")
_VALUE_CELL_RE = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*(?:万元|元|件|条|%)?\s*$")
_TABLE_ROW_RE = re.compile(
    r"^\s*(?:[一二三四]、(?:本年新收|上年结转|结转下年度)|规章|行政规范性文件|行政许可|行政处罚|行政强制|行政事业性收费)"
)
# A filled cell glued to its row label, as a crawler flattens a table into
# one line (…规章000行政规范性文件002…申请数量0000000…). In the blank form
# these labels are followed by the next label or header, never by a digit
# (unlike 不予公开, followed by the item number 1.属于国家秘密).
_FLATTENED_VALUE_RE = re.compile(
    r"(?:规章|行政规范性文件|行政许可|行政处罚|行政强制|行政事业性收费|申请数量|予以公开|继续办理|总计)\d"
)

# --- doc kind ----------------------------------------------------------------
_ANNUAL_RE = re.compile(r"年度报告|年报")
_SUMMARY_RE = re.compile(r"工作总结|工作情况|总结报告")
_STATUTORY_HEADINGS = ("主动公开政府信息", "收到和处理政府信息公开申请", "行政复议", "存在的主要问题")


# =============================================================================
# places and agencies
# =============================================================================


def _compact(text: str) -> str:
    """The text without any whitespace: PDF line wraps split names (淮安市洪\n泽区)."""
    return "".join(text.split())


def _autonomous(unit: str) -> bool:
    """An autonomous unit's name lists its peoples, which the particle checks cannot judge."""
    return unit.endswith(_AUTONOMOUS_SUFFIXES)


def _valid_unit(unit: str) -> bool:
    """Whether a scanned unit can be a real place name (not 全市, not 区政府和市, not 县城市)."""
    if not _ALL_CJK_RE.match(unit):
        return False  # a mark glued to a name (#沐阳县, **淮安市) is no part of the place
    if unit in _FAKE_UNITS or (unit[0] in _LEVEL_CHARS and unit[1:] in _FAKE_UNITS):
        return False  # 城市 stays a word after a level character: 县|城市管理局
    if any(word in unit for word in _NOT_IN_PLACE_WORDS):
        return False
    suffix = _UNIT_SUFFIX_AT_END_RE.search(unit)
    name = unit[: suffix.start()] if suffix else unit[:-1]
    if not name or (unit[-1] in _LEVEL_CHARS and name[-1] == unit[-1]):
        return False  # 济南市|市中区: no name ends with its own unit character (济南市市)
    if len(name) == 1:
        return name not in _SINGLE_BAD
    if name[0] in _FIRST_BAD and (len(name) > 2 or name[1] in _SINGLE_BAD):
        return False
    if _autonomous(unit):
        return True  # its peoples (各族, 回族土族) are a fixed list, not running text
    return not any(
        ch in _NOT_IN_PLACE and not (ch in _NAME_FINAL_OK and i == len(name) - 1)
        for i, ch in enumerate(name[1:], start=1)
    )


def _autonomous_end(s: str, i: int) -> int | None:
    """End of an autonomous unit (…族自治县, 各族自治县, 鄂伦春自治旗) starting at i."""
    m = _AUTONOMOUS_SUFFIX_RE.search(s, i + 1)
    if m is None or len(m.group()) == 1 or m.start() - i > _MAX_AUTONOMOUS_NAME:
        return None  # a level character first: an ordinary unit (桂林市…)
    return m.end()


def _township_closes(s: str, end: int) -> bool:
    """A 乡/镇/街道 ends a unit only before its government (五常市民意乡人民政府, not 平乡县)."""
    return end == len(s) or s.startswith(_TOWNSHIP_FOLLOWERS, end)


def _ordinary_end(s: str, i: int) -> int | None:
    """End of the unit with the shortest name starting at i (洪泽|区, 民意|乡 before 人民政府)."""
    for m in _ORDINARY_SUFFIX_RE.finditer(s, i + 1):
        if m.start() - i > _MAX_NAME:
            return None
        if m.group() not in _TOWNSHIP_SUFFIXES or _township_closes(s, m.end()):
            return m.end()
    return None


def _unit_end(s: str, i: int) -> int | None:
    """End of the place unit starting at i, or None.

    The shortest name is cut too early when an old unit character ends
    the name itself: 杭州|市, 全州|县, 沙县|区 would leave the next
    character alone, so such a unit takes that character too, unless it
    starts a department (恩施州|市场监督管理局).
    """
    end = _autonomous_end(s, i) or _ordinary_end(s, i)
    if end is None or end >= len(s) or s[end] not in _NAME_END_UNITS.get(s[end - 1], ()):
        return end
    if s.startswith(_DEPT_AFTER_UNIT, end) or not _valid_unit(s[i: end + 1]):
        return end
    return end + 1


@lru_cache(maxsize=8192)
def _units(name: str) -> tuple[str, ...]:
    """The valid place units `name` starts with: 西安市长安区教育局 → (西安市, 长安区).

    Units are validated one by one and the place stops at the first invalid
    one, so a department that happens to contain 市/区 (城市管理局) is not
    mistaken for a place.
    """
    units: list[str] = []
    i = 0
    while i < len(name):
        end = _unit_end(name, i)
        if end is None or not _valid_unit(name[i:end]):
            break
        units.append(name[i:end])
        i = end
    return tuple(units)


@lru_cache(maxsize=8192)
def split_place(name: str) -> tuple[str | None, str]:
    """Split an agency name into (place, rest): 西安市长安区教育局 → (西安市长安区, 教育局)."""
    place = "".join(_units(name))
    if not place:
        return None, name
    return place, name[len(place):]


def _is_agency_like(s: str) -> bool:
    return bool(_DEPT_RE.match(s)) and len(s) <= 30


def _anchored(place: str, text: str, compact: str) -> bool:
    """Whether the text writes `place` somewhere a name must start.

    A boundary in the whitespace-free text (《乌海市…, “乌海市…, 地址:淮安市…,
    2010年西安市…) or a line start in the original text. Inside running text
    the regex cannot tell where a name starts (本报告由淮安市…, 依托隆尧县…).
    """
    pos = compact.find(place)
    while pos >= 0:
        if pos == 0:
            return True
        before = compact[pos - 1]
        if before in _PLACE_BOUNDARY_CHARS or (before == "年" and compact[pos - 2: pos - 1].isdigit()):
            return True
        pos = compact.find(place, pos + 1)
    pos = text.find(place)
    while pos >= 0:
        if not text[text.rfind("\n", 0, pos) + 1: pos].strip():
            return True
        pos = text.find(place, pos + 1)
    return False


def _place_candidates(compact: str, dept: str, tail: str, whole_tail: bool) -> set[str]:
    """Places written right before `dept` whose spelling ends with `tail`.

    Every split of the characters before each occurrence of the department
    (str.find, cheap) that is a whole, valid place counts; whether the
    place's own spelling is trustworthy is `_anchored`'s job. When `tail` is
    itself a whole place (洪泽区), a longer place needs a unit suffix right
    before it (淮安市|洪泽区), which rules out most occurrences at once.
    """
    found: set[str] = set()
    needle = tail + dept
    pos = compact.find(needle)
    seen = 0
    while pos >= 0 and seen < _MAX_OCCURRENCES:
        seen += 1
        end = pos + len(tail)
        if whole_tail and (pos == 0 or compact[pos - 1] not in _UNIT_END_CHARS):
            pos = compact.find(needle, pos + 1)
            continue
        # candidates start inside the run of CJK characters before the tail
        k = end - max(len(tail), 1)
        lowest = max(0, end - _PLACE_WINDOW)
        while k >= lowest and _CJK_CHAR_RE.match(compact, k):
            place, rest = split_place(compact[k:end])
            if place and not rest:
                found.add(place)
            k -= 1
        pos = compact.find(needle, pos + 1)
    return found


def _expand(agency: str, text: str, compact: str) -> str | None:
    """Longest 'place + department' spelled in the text that ends like `agency`.

    `agency` is either short (市教育局, 区教育局, 教育厅: a bare level char or no
    place at all) or a county-level name without its parent (洪泽区人民政府).
    A candidate must extend the agency's own place by whole units
    (淮安市 + 洪泽区), never by gluing characters onto it.
    """
    place, dept = split_place(agency)
    level = None
    if place is None:
        if agency and agency[0] in _SHORT_LEVEL and len(agency) > 1:
            level, dept = agency[0], agency[1:]
        else:
            dept = agency
    if not dept:
        return None
    own_units = _units(place) if place else ()
    best: tuple[int, int, str] | None = None
    for cand_place in _place_candidates(compact, dept, place or level or "", place is not None):
        cand_units = _units(cand_place)
        if own_units:
            if len(cand_units) <= len(own_units) or cand_units[-len(own_units):] != own_units:
                continue
        elif level is not None and not cand_place.endswith(level):
            continue
        if not _anchored(cand_place, text, compact):
            continue
        full = cand_place + dept
        key = (len(full), compact.count(full), full)
        if best is None or key > best:
            best = key
    return best[2] if best else None


def _is_full_agency(name: str) -> bool:
    place, _ = split_place(name)
    return place is not None


def _needs_parent(name: str) -> bool:
    """A lone county-level unit (洪泽区人民政府) is more precise with its city."""
    place, _ = split_place(name)
    if place is None or _ZONE_RE.search(place):
        return False
    units = _units(place)
    return len(units) == 1 and units[0].endswith(("区", "县", "旗"))


# =============================================================================
# title, year, date
# =============================================================================


def _head_lines(text: str) -> list[str]:
    lines = []
    for line in text.split("\n", 400)[:400]:
        s = line.strip()
        if s and "|" not in s and "\t" not in s:
            s = _LINE_MARKS_RE.sub("", s)
        if s:
            lines.append(s)
        if len(lines) >= _HEAD_LINES:
            break
    return lines


def _title_candidate(line: str) -> bool:
    if len(line) > 80 or "|" in line or "\t" in line:
        return False
    if not _TITLE_KEYWORDS_RE.search(line):
        return False
    if "《" in line[:2] or line.startswith(("[", "【")):
        return False
    return bool(
        _YEAR_RE.search(line) or _CN_YEAR_RE.search(line) or ("年度报告格式" in line and not _CITES_FORMAT_RE.search(line))
    )


def find_title(text: str) -> str | None:
    """The report's title: a crawler 标题 line, else the first title-like head line.

    A title line that starts with its year (2021 年政府信息公开工作年度报告)
    gets the agency line printed just above it prepended, as reports
    typeset the two on separate lines.
    """
    m = _HEADER_TITLE_RE.search(text, 0, 2000)
    if m:
        return _LINE_MARKS_RE.sub("", m.group(1).strip()) or None
    lines = _head_lines(text)
    for i, line in enumerate(lines):
        line = _with_floated_year(lines, i)
        if not _title_candidate(line):
            line = _wrapped_title(lines, i)
            if line is None:
                continue
        if re.match(r"^(?:(?:19|20)\d{2}|[二][〇○零一二三四五六七八九]{3})\s*年", line) and i > 0:
            prev = lines[i - 1]
            if _is_agency_like(prev) and not _YEAR_RE.search(prev):
                return f"{prev} {line}"
        return line
    return None


_YEARLESS_TITLE_RE = re.compile(r"^(?P<agency>.*?)\s*年(?P<rest>(?:度)?政府信息公开.*报告)$")
_LONE_YEAR_RE = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})\s*年?\s*$")


def _with_floated_year(lines: list[str], i: int) -> str:
    """A title whose year a PDF typeset on a line of its own ("某某局 年政府信息公开
    工作年度报告" over "2021"), with the year put back; other lines as they are."""
    line = lines[i]
    if i + 1 >= len(lines) or _YEAR_RE.search(line):
        return line
    m = _YEARLESS_TITLE_RE.match(line)
    y = _LONE_YEAR_RE.match(lines[i + 1])
    if not m or not y:
        return line
    return f"{m.group('agency')}{y.group('year')}年{m.group('rest')}"


def _title_piece(line: str) -> bool:
    """A short line without sentence punctuation or cells: a piece of a wrapped title."""
    return (
        len(line) <= _TITLE_PART_MAX
        and not _SENTENCE_PUNCT_RE.search(line)
        and "|" not in line
        and "\t" not in line
        and not line.startswith(("《", "[", "【"))
    )


def _wrapped_title(lines: list[str], i: int) -> str | None:
    """A title a PDF or converter wrapped over two or three lines, joined:
    上海市人民政府办公厅2019年政府信息 / 公开工作年度报告. Only when no piece is
    a title by itself (an agency line above a whole title line is
    find_title's own case) and every piece is short and not a sentence."""
    if not _title_piece(lines[i]):
        return None
    joined = lines[i]
    for k in range(i + 1, min(i + _TITLE_WRAP_LINES, len(lines))):
        piece = lines[k]
        if not _title_piece(piece) or _title_candidate(piece):
            return None
        joined += piece
        if _title_candidate(joined):
            return joined
    return None


def _year_of(s: str) -> int | None:
    m = _YEAR_RE.search(s)
    if m:
        return int(m.group(1))
    m = _CN_YEAR_RE.search(s)
    if m:
        return parse_cn_int(m.group(1))
    return None


def _title_agency(title: str) -> str | None:
    """The agency named in the title: before the year, or between year and topic.

    Before the year any name counts (平潭综合实验区 has no department
    suffix); after it only something that ends like a department does, so
    "2021 年政府信息公开…" does not yield the agency "政府".
    """
    m = _YEAR_RE.search(title) or _CN_YEAR_RE.search(title)
    if not m:
        return None
    prefix = _LINE_MARKS_RE.sub("", _WS_RE.sub("", title[: m.start()])).strip(":：,，")
    # "<agency>关于<year>…", "<agency>政府信息公开工作<year>年度报告": the name ends before.
    # (A name that is one already stays: 某市政务公开办公室 is a body.)
    trimmed = _TITLE_TOPIC_RE.sub("", prefix)
    if trimmed != prefix and not _is_agency_like(prefix) and (_is_agency_like(trimmed) or split_place(trimmed)[0]):
        prefix = trimmed
    if prefix and not _TITLE_NOISE_RE.match(prefix) and 2 <= len(prefix) <= 40:
        if _is_agency_like(prefix) or split_place(prefix)[0]:
            return prefix
    after = _WS_RE.sub("", title[m.end():])
    m2 = _TITLE_AFTER_YEAR_AGENCY_RE.match(after)
    if m2:
        name = m2.group(1)
        if len(name) >= 3 and _is_agency_like(name) and name not in _BARE_DEPTS:
            return name
    return None


# A body year that is not a date (2022年3月…) nor inside brackets ((2019年修订)).
_TEXT_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_BRACKETED_RE = re.compile(r"[(（][^()（）\n]{0,40}[)）]")
_BOOK_TITLE_RE = re.compile(r"《[^《》\n]{0,120}》")
_HEADER_LINE_RE = re.compile(r"^\s*(?:标题|发布时间|时间|来源|原文链接|本地目录|当前位置)\s*[:：]")
# "本报告所列数据的统计期限自2021年1月1日起": the covered year, stated outright.
_PERIOD_YEAR_RE = re.compile(r"统计(?:期限|期间|时限|周期)[^。\n]{0,8}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
# "现将去年/上一年度政府信息公开工作情况报告如下": the year before publication.
_LAST_YEAR_RE = re.compile(r"(?:上一?年度|去年)(?:的)?(?:全年)?(?:政府信息公开|政务公开|信息公开)")
_HEAD_CHARS_FOR_YEAR = 20000


def _first_body_year(text: str) -> int | None:
    """The year the prose says it covers: a stated statistics period, else its first
    plain 'NNNN年' outside 《titles》, brackets, dates and page-header lines."""
    head = text[:_HEAD_CHARS_FOR_YEAR]
    m = _PERIOD_YEAR_RE.search(head)
    if m:
        return int(m.group(1))
    stripped = _BRACKETED_RE.sub("", _BOOK_TITLE_RE.sub("", head))
    for line in stripped.split("\n"):
        if _HEADER_LINE_RE.match(line):
            continue
        m = _TEXT_YEAR_RE.search(line)
        if m:
            return int(m.group(1))
    return None


def _year_from_publication(text: str, published_on: date | None) -> int | None:
    """Only when the text itself says it covers 上一年度/去年: the year before publication."""
    if published_on is None:
        return None
    if _LAST_YEAR_RE.search(text, 0, _HEAD_CHARS_FOR_YEAR):
        return published_on.year - 1
    return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_published_on(text: str) -> date | None:
    """Date the page states: a header date (时间:2022-02-22) first, else a signature date.

    Page headers are machine-written and beat a signature, which is often
    garbled in copies (seed 000 signs 2022222). A date without a year
    (11月10日 编辑) is never completed by guessing.
    """
    m = _HEADER_DATE_RE.search(text, 0, _HEADER_ZONE_CHARS)
    if m:
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            return d
    found: date | None = None
    for m in _SIGNATURE_DATE_RE.finditer(text):
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found = d  # the last one is the signature
    if found:
        return found
    for m in _CN_SIGNATURE_DATE_RE.finditer(text):
        y, mo, dd = parse_cn_int(m.group(1)), parse_cn_int(m.group(2)), parse_cn_int(m.group(3))
        if y and mo and dd:
            d = _safe_date(y, mo, dd)
            if d:
                found = d
    return found


# =============================================================================
# agency resolution
# =============================================================================


def _header_sources(text: str) -> list[str]:
    out = []
    for m in _HEADER_SOURCE_RE.finditer(text, 0, _HEADER_ZONE_CHARS):
        value = m.group(1).strip()
        if _is_agency_like(value):
            out.append(value)
    return out


def _signature_agency(text: str) -> str | None:
    """A full agency name on its own line near the end (the signature block)."""
    tail = [ln.strip() for ln in text[-1500:].split("\n") if ln.strip()]
    for line in reversed(tail[-8:]):
        if _is_agency_like(line) and _is_full_agency(line):
            return line
    return None


def resolve_agency(text: str, title: str | None, compact: str | None = None) -> str | None:
    """Full agency name, or None (see `_resolve_agency`), in the fullest form
    the document writes for the same body: a title's 上海市科委 is 上海市科学技术委员会
    when the body spells that out, never the body's 上海市政府 for a title's
    上海市人民政府办公厅 (another body)."""
    if compact is None:
        compact = _compact(text)
    name = _resolve_agency(text, title, compact)
    return _fullest_form(name, compact) if name else None


@lru_cache(maxsize=1024)
def _abbreviation_re(dept: str) -> re.Pattern[str]:
    """The full forms a short department name can abbreviate (see _ABBREV_GAP)."""
    head = "(?:人民)?" if dept.startswith("政府") else ""
    parts = [re.escape(dept[0])]
    for ch in dept[1:]:
        parts.append(f"(?:(?!{re.escape(ch)})[{_CJK}]){{0,{_ABBREV_GAP}}}?{re.escape(ch)}")
    return re.compile(head + "".join(parts) + _ABBREV_COMPLETIONS.get(dept[-1], ""))


def _fullest_form(name: str, compact: str) -> str:
    """`name`, or the longer name of the same body that the text writes out.

    The same body: same place, a department whose characters contain the
    short one's in order and end in the same kind of suffix (科委 →
    科学技术委员会, 政府办 → 人民政府办公室; never 政府 → 人民政府办公厅, which is
    another body). Written as a name: see _AFTER_NAME. The form written most
    often wins, then the longer.
    """
    place, dept = split_place(name)
    if not place or len(dept) < 2:
        return name
    pattern = _abbreviation_re(dept)
    counts: dict[str, int] = {}
    pos = compact.find(place)
    seen = 0
    while pos >= 0 and seen < _MAX_OCCURRENCES:
        seen += 1
        start = pos + len(place)
        m = pattern.match(compact, start)
        if m and len(m.group()) > len(dept):
            end = m.end()
            if end >= len(compact) or not _CJK_CHAR_RE.match(compact, end) or compact.startswith(_AFTER_NAME, end):
                full = place + m.group()
                if _is_agency_like(full):
                    counts[full] = counts.get(full, 0) + 1
        pos = compact.find(place, pos + 1)
    if not counts:
        return name
    return max(counts, key=lambda full: (counts[full], len(full)))


def _resolve_agency(text: str, title: str | None, compact: str) -> str | None:
    """Full agency name, or None when the text only ever uses a short form.

    Order: the title's agency (expanded when short, or when it is a lone
    county-level unit whose city the body names: 洪泽区人民政府 →
    淮安市洪泽区人民政府), then a short self-reference opening a paragraph
    (2022年,市教育局…) expanded from the body, then a crawler 来源/发布机构
    header, then the signature line. A short form that the text never spells
    out in full gives None rather than a name that identifies nobody.

    A title that names the body only by a short form the text never spells
    out (市政府办公厅) still says which body wrote the report: a name from the
    body is then taken only if it names that body (上海市人民政府办公厅), never
    another one the prose mentions first (上海市政府).
    """
    sources = _header_sources(text)

    def expand(name: str) -> str | None:
        return _expand(name, text, compact)

    candidate = _title_agency(title) if title else None
    same_body = _any_body
    if candidate:
        if _is_full_agency(candidate):
            if _needs_parent(candidate):
                return expand(candidate) or candidate
            return candidate
        resolved = expand(candidate)
        if resolved:
            return resolved
        same_body = _same_body_as(candidate)
    opening = _first_full_name(_YEAR_OPENING_RE, text, same_body)
    if opening:
        return (expand(opening) if _needs_parent(opening) else None) or opening
    for n, m in enumerate(_SELF_REF_RE.finditer(text, 0, 6000)):
        if n >= _MAX_SELF_REFS:
            break
        short = m.group(1)
        if len(short) == 2 and short[1] in "委办":  # 县委 / 市委 is the party committee
            continue
        if _is_full_agency(short):
            if same_body(short):
                return short
            continue
        resolved = expand(short)
        if resolved and same_body(resolved):
            return resolved
    for src in sources:
        if _is_full_agency(src) and same_body(src):
            return src
    signature = _signature_agency(text)
    if signature and same_body(signature):
        return signature
    return _first_full_name(_SUBJECT_RE, text, same_body)


def _any_body(name: str) -> bool:
    return True


def _same_body_as(short: str):  # noqa: ANN202 (a predicate on names)
    """Whether a full name names the body a short title form names: 市政府办公厅 is
    上海市人民政府办公厅, not 上海市政府; 区政府 is 洪泽区人民政府, not 洪泽区教育局.
    A self-reference (我局, 本局) names no body in particular."""
    level = short[0] if short[0] in _SHORT_LEVEL and len(short) > 2 else ""
    dept = short[len(level):]
    if len(dept) < 2 or dept[0] in "本我该其":
        return _any_body
    pattern = _abbreviation_re(dept)

    def same(name: str) -> bool:
        place, rest = split_place(name)
        if level and not (place or "").endswith(level):
            return False  # 市政府办公厅 is a city's office, not 某县人民政府办公室
        return rest == dept or pattern.fullmatch(rest) is not None

    return same


def _first_full_name(pattern: re.Pattern[str], text: str, accept=_any_body) -> str | None:  # noqa: ANN001
    """First match naming a place + department (not a bare 市/县 short form) in the opening text."""
    for m in pattern.finditer(text, 0, 6000):
        name = m.group(1)
        if _is_full_agency(name) and name.lstrip(_SHORT_LEVEL) == name and accept(name):
            return name
    return None


# =============================================================================
# format, kind, template
# =============================================================================


def detect_format_version(text: str, report_year: int | None, compact: str | None = None) -> str:
    """Which national table format the text carries, from its table headers."""
    c = compact if compact is not None else _compact(text)
    if any(marker in c for marker in _T2_2021):
        return "2021"
    if any(marker in c for marker in _T2_2019):
        return "2019"
    if any(marker in c for marker in _T3_MARKERS):
        return "2021" if any(marker in c for marker in _T3_OTHER_2021) else "2019"
    if report_year is not None and report_year <= 2018:
        return "pre2019"
    return "none"


def _has_table_values(text: str) -> bool:
    """Whether any table cell holds a number (pipe/tab cells or one-cell lines)."""
    for line in text.split("\n"):
        if " | " in line or "\t" in line or "|" in line:
            cells = re.split(r"\s*\|\s*|\t", line)
            if any(_VALUE_CELL_RE.match(cell) for cell in cells[1:] if cell.strip()):
                return True
        elif _VALUE_CELL_RE.match(line) and line.strip():
            return True
        elif _TABLE_ROW_RE.match(line) and re.search(r"\d", re.sub(r"^\s*[一二三四]、", "", line)):
            return True
    return False


def _has_flattened_values(compact: str) -> bool:
    """Whether a table flattened into running text holds a filled cell (规章000…)."""
    return _FLATTENED_VALUE_RE.search(compact) is not None


def _blank_template(text: str, compact: str, title: str | None, agency: str | None) -> bool:
    """Whether the text is the blank form: titled as the format, or tables with no agency and no value.

    The value check must see filled cells in every layout the loader
    reads, flattened crawler text included: a report whose agency is not
    recognised is still a report, and taking it for the form would drop
    all its tables.
    """
    if title and _TEMPLATE_TITLE_RE.search(title) and not _YEAR_RE.search(title) and not _CITES_FORMAT_RE.search(title):
        return True
    for line in _head_lines(text)[:12]:
        if _TEMPLATE_TITLE_RE.search(line) and not _YEAR_RE.search(line) and not _CITES_FORMAT_RE.search(line):
            return True
    if not any(m in compact for m in _T2_2021 + _T2_2019 + _T3_MARKERS):
        return False
    if agency:
        return False
    return not (_has_table_values(text) or _has_flattened_values(compact))


def _unmarked(text: str) -> str:
    if "#" in text or ">" in text or "**" in text:
        return strip_markdown_marks(text)
    return text


def looks_like_blank_template(text: str) -> bool:
    """True for the blank official form (or any copy of it with no agency and no values).

    The blank 2021 form must load as a template, never as a report of zeros:
    its title names the format itself (…年度报告格式), or it has the tables
    but neither an agency nor a single filled cell.
    """
    text = _unmarked(text)
    compact = _compact(text)
    title = find_title(text)
    return _blank_template(text, compact, title, resolve_agency(text, title, compact))


def detect_doc_kind(
    text: str, title: str | None, is_template: bool = False, compact: str | None = None
) -> str:
    """annual_report for the statutory 年度报告, work_summary for a 工作总结, else other.

    Without a title, a body with the statutory headings (主动公开政府信息,
    收到和处理…申请, 行政复议, 存在的主要问题) is an annual report.
    """
    if is_template:
        return "other"
    if title:
        if _ANNUAL_RE.search(title):
            return "annual_report"
        if _SUMMARY_RE.search(title):
            return "work_summary"
    head = text[:3000]
    if "年度报告" in head:
        return "annual_report"
    if compact is None:
        compact = _compact(text)
    if sum(1 for h in _STATUTORY_HEADINGS if h in compact) >= 3:
        return "annual_report"
    if _SUMMARY_RE.search(head):
        return "work_summary"
    return "other"


# =============================================================================
# entry point
# =============================================================================


def _year_from_body(text: str, published_on: date | None) -> int | None:
    return _first_body_year(text) or _year_from_publication(text, published_on)


def locate_agency(agency: str | None, year: int | None = None, text: str = "") -> tuple[str | None, gazetteer.Location]:
    """(region, division) of an agency name, as extract_metadata finds them."""
    return _division(agency, split_place(agency)[0] if agency else None, year, text)


def _division(
    agency: str | None, region: str | None, year: int | None, text: str
) -> tuple[str | None, gazetteer.Location]:
    """The region and its division (code, level) from the national list.

    The region is the place the agency name starts with (split_place); when
    the suffix scan finds none but the name starts with divisions of the
    list, those are the region. Ambiguous names are decided by the places
    the whole text names (transforms.gazetteer.locate).
    """
    if agency and region is None:
        matched = gazetteer.place_of(agency, year)
        region = matched or None
    return region, gazetteer.locate(region, year, text)


def extract_metadata(text: str, source_path: str | None = None) -> ReportMetadata:
    """Metadata of one cleaned report text.

    `source_path` is accepted for the pipeline's sake; nothing is inferred
    from file names (they are crawler ids or hashes, not facts). Markdown
    marks are typesetting (cleaning drops them; a text that was not cleaned
    loses them here): "# 沭阳县人民政府…" names 沭阳县人民政府.
    """
    text = _unmarked(text)
    compact = _compact(text)
    title = find_title(text)
    agency = resolve_agency(text, title, compact)
    template = _blank_template(text, compact, title, agency)
    if template:
        agency = None
    region = split_place(agency)[0] if agency else None
    year = _year_of(title) if title else None
    published_on = find_published_on(text)
    if year is None and not template:
        year = _year_from_body(text, published_on)
    region, location = _division(agency, region, year, text)
    return ReportMetadata(
        agency=agency,
        region=region,
        admin_level=location.level,
        region_code=location.code,
        region_note=location.note,
        agency_type=agency_type(agency, region, location.level),
        report_year=year,
        published_on=published_on,
        doc_kind=detect_doc_kind(text, title, template, compact),
        format_version=detect_format_version(text, year, compact),
        title=title,
    )
