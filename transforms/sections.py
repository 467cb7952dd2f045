"""Split a report into its canonical parts by what the headings say.

Reports number their parts freely: seed 000 puts 存在的主要问题 third, pre-2019
reports have seven parts with extras (收费及减免, 关注群众呼声 …). A heading is
therefore mapped by its wording, never by its numeral, and a numbered line
whose wording matches no canonical part stays inside the current body.

Two heading positions are accepted:
- at a line start (一、总体情况) — the normal case for cleaned text;
- inside a line, for crawler pages that put the whole body on one line
  (…工作效率。二、主动公开政府信息情况 第二十条…, or glued to a flattened
  table cell: …432.52元三、收到和处理…). Inline headings must use one of the
  canonical phrasings exactly, since inside prose there is no line end to
  tell where the heading stops.

Table rows that start like headings (一、本年新收政府信息公开申请数量,
三、本年度办理结果, 四、结转下年度继续办理) and any line holding table cells
(" | " or tabs) are never headings.
"""

from __future__ import annotations

import re

from transforms.model import Section

_NUM = r"[一二三四五六七八九十]{1,3}"
_NUMERALS = frozenset("一二三四五六七八九十")
_CJK = "\u4e00-\u9fff"
_CJK_CHAR_RE = re.compile(rf"[{_CJK}]")

# Line-start candidates: numeral + 、 (or a dot) and the rest of the line.
_LINE_HEADING_RE = re.compile(rf"^[ \t]*(?P<num>{_NUM})[ \t]*[、.．][ \t]*(?P<rest>[^\n]*)", re.M)

# Table 三 row labels that look like part headings.
_TABLE_LABEL_RE = re.compile(r"^(?:本年新收|上年结转|本年度办理结果|结转下年度|本年度办理|本年新增)")

# Canonical sections by wording, checked in this order: the review heading
# mentions 申请 too (因政府信息公开申请行政复议), so it must win over requests.
_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("other_matters", re.compile(r"其[他它]需要(?:报告|说明)")),
    (
        "problems_improvements",
        re.compile(r"存在的?(?:主要)?问题|问题(?:及|和|与)(?:下一步)?(?:改进|整改)|改进(?:情况|措施)|整改(?:情况|措施)"),
    ),
    ("review_litigation", re.compile(r"行政复议|行政诉讼")),
    ("requests", re.compile(r"依申请公开|收到和处理|信息公开申请|申请公开")),
    ("proactive_disclosure", re.compile(r"主动公开")),
    ("overview", re.compile(r"总体情况|概述|基本情况|概况")),
)
_KEYWORD_SPAN = 40  # only the start of a line-start heading is read for its wording
_SHORT_HEADING = 60  # a line-start heading line longer than this carries body text too
_HEADING_CUT_RE = re.compile(r"[。;；,，:：]")

# Exact phrasings accepted inside a line (crawler one-line bodies).
_INLINE_PHRASES: tuple[tuple[str, str], ...] = (
    ("overview", r"(?:总体情况|概述|基本情况)(?:概述)?"),
    (
        "proactive_disclosure",
        r"(?:主动公开政府信息(?:的)?(?:工作)?情况|政府信息主动公开(?:工作)?情况|主动公开(?:工作)?情况)",
    ),
    (
        "requests",
        r"(?:收到和处理政府信息公开申请(?:的)?情况|(?:政府信息)?依申请公开(?:政府信息)?(?:工作)?(?:的)?(?:办理)?情况"
        r"|依申请公开信息的情况)",
    ),
    (
        "review_litigation",
        r"(?:(?:因)?政府信息公开(?:工作)?(?:被)?(?:申请)?行政复议[、和及与]?(?:提起)?行政诉讼(?:的)?情况)",
    ),
    (
        "problems_improvements",
        r"(?:政府信息公开工作)?存在的(?:主要)?问题(?:及|和|与)(?:下一步)?(?:改进|整改)(?:情况|措施)?",
    ),
    ("other_matters", r"其[他它]需要报告的事项"),
)
# What must follow "numeral、" for an inline heading. Candidates are found by
# str.find on 、, which is much cheaper than a regex tried at every position.
_INLINE_TAIL_RE = re.compile(
    r"\s*(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _INLINE_PHRASES) + ")"
)

# Page furniture after the report's last part: its body stops there. A marker
# counts at a line start; 附件下载 also at the end of a line (crawler one-line
# bodies end with " 附件下载").
_END_MARKERS: tuple[str, ...] = (
    "上一条", "下一条", "上一篇", "下一篇", "延伸阅读", "推荐阅读", "相关阅读", "相关链接", "原文链接",
    "扫一扫", "【打印", "[打印", "打印本页", "关闭窗口", "【关闭", "附件下载", "[免责声明", "【免责声明",
    "分享到",
)


def classify_heading(heading_text: str) -> str | None:
    """Canonical section of a heading's wording (the text after its numeral), or None."""
    head = heading_text[:_KEYWORD_SPAN]
    if _TABLE_LABEL_RE.match(head):
        return None
    for name, pattern in _KEYWORDS:
        if pattern.search(head):
            return name
    return None


def _line_at(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, (len(text) if end < 0 else end)


def _is_table_line(line: str) -> bool:
    return "\t" in line or "|" in line


def _inline_match(text: str, comma: int) -> tuple[int, re.Match[str]] | None:
    """The heading whose 、 sits at `comma`: (numeral start, tail match), or None."""
    i = comma
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    j = i
    while j > 0 and i - j < 3 and text[j - 1] in _NUMERALS:
        j -= 1
    if j == i or (j > 0 and text[j - 1] in _NUMERALS):
        return None
    m = _INLINE_TAIL_RE.match(text, comma + 1)
    return (j, m) if m else None


def _section_of(m: re.Match[str]) -> str:
    return next(name for name, _ in _INLINE_PHRASES if m.group(name))


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """(start, heading_end, section) of every recognised heading, in text order."""
    found: dict[int, tuple[int, int, str]] = {}
    for m in _LINE_HEADING_RE.finditer(text):
        if _is_table_line(m.group(0)):
            continue
        rest = m.group("rest")
        section = classify_heading(rest)
        if section is None:
            continue
        start = m.start("num")
        if len(rest) <= _SHORT_HEADING and "。" not in rest.rstrip("。"):
            heading_end = m.end()  # the whole line is the heading
        else:
            # heading and body on one line: the canonical phrasing, else up
            # to the first sentence mark
            comma = text.find("、", start, m.start("rest"))
            exact = _inline_match(text, comma) if comma >= 0 else None
            if exact:
                heading_end = exact[1].end()
            else:
                cut = _HEADING_CUT_RE.search(rest)
                heading_end = m.start("rest") + (cut.start() if cut else min(len(rest), _SHORT_HEADING))
        found[start] = (start, heading_end, section)

    comma = text.find("、")
    while comma >= 0:
        hit = _inline_match(text, comma)
        if hit and hit[0] not in found:
            start, m = hit
            section = _section_of(m)
            line_start, line_end = _line_at(text, start)
            # Flattened tables glue the next heading onto a cell (…432.52元三、收到和处理…),
            # so a CJK character before is fine for the long, specific phrasings;
            # the short overview phrasing needs a real boundary.
            glued = start > 0 and _CJK_CHAR_RE.match(text, start - 1) is not None
            if not _is_table_line(text[line_start:line_end]) and not (section == "overview" and glued):
                found[start] = (start, m.end(), section)
        comma = text.find("、", comma + 1)
    return [found[k] for k in sorted(found)]


def _end_of_report(text: str, start: int) -> int:
    """Where page furniture begins after `start` (len(text) if nowhere)."""
    best = len(text)
    for marker in _END_MARKERS:
        pos = text.find(marker, start, best)
        while pos >= 0:
            line_start, line_end = _line_at(text, pos)
            at_line_start = not text[line_start:pos].strip()
            at_line_end = (
                marker == "附件下载"
                and pos > 0
                and text[pos - 1].isspace()
                and not text[pos + len(marker): line_end].strip()
            )
            if at_line_start or at_line_end:
                best = pos
                break
            pos = text.find(marker, pos + 1, best)
    return best


def split_sections(text: str) -> list[Section]:
    """The canonical sections of a cleaned report, in text order.

    Each canonical section appears at most once (the first heading wins); a
    repeated heading still ends the previous body, so a duplicated article
    does not leak into it. A body runs to the next recognised heading; the
    last one stops at page furniture (上一条, 附件下载, 延伸阅读 …).
    Offsets are into `text`: start_offset is the heading's first character,
    end_offset is just past the body's last non-blank character.
    """
    candidates = _candidates(text)
    sections: list[Section] = []
    seen: set[str] = set()
    for i, (start, heading_end, name) in enumerate(candidates):
        if name in seen:
            continue
        seen.add(name)
        if i + 1 < len(candidates):
            limit = candidates[i + 1][0]
            # A short line-start heading is taken whole, but the line may go on
            # with the next heading glued to it (…申请情况二、主动公开…): stop there.
            heading_end = min(heading_end, limit)
        else:
            limit = _end_of_report(text, heading_end)
        raw_body = text[heading_end:limit]
        body = raw_body.strip()
        end = heading_end + len(raw_body.rstrip()) if body else heading_end
        sections.append(
            Section(
                section=name,
                heading=text[start:heading_end].strip(),
                body=body,
                start_offset=start,
                end_offset=end,
            )
        )
    return sections
