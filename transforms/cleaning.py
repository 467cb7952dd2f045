"""HTML → text, and the text normalisation every later stage relies on.

The cleaned-text convention (the contract between stages):

* lines separated by "\\n"; runs of spaces folded to one; spaces at line
  ends dropped; TABS KEPT (they separate cells in tab-layout tables); at
  most one consecutive blank line;
* full-width ASCII forms → ASCII (０-９, Ａ-ｚ, （）：，；！？％ …); ideographic
  space, NBSP and other space characters → " "; zero-width characters and
  controls removed; Chinese-only punctuation (、。“”《》) kept;
* tables one row per line, cells joined by " | ", a cell covered by a
  rowspan/colspan is an empty cell: "label |  | 0 | 0" from `html_to_text`,
  "label | | 0 | 0" once `clean_text` has folded the spaces (splitting on
  "|" gives the same cells either way).

`clean_text` also removes web-site chrome (breadcrumbs, font-size bars,
share/print links, related-article lists, disclaimers, footers) and a second
copy of an article that a page repeats. Removal is deliberately narrow:
a line is dropped only when it matches a chrome pattern *and* is short, and
a teaser list after "延伸阅读" stops at the first heading, table row or date,
because losing a report line is worse than keeping a menu item.
"""

from __future__ import annotations

import json
import re

from lxml import etree

from transforms.model import TransformError

# ---------------------------------------------------------------------------
# Character normalisation
# ---------------------------------------------------------------------------


def _build_translation() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII forms
        table[code] = chr(code - 0xFEE0)
    for code in (0x00A0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
        table[code] = " "
    for code in (0x00AD, 0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        table[code] = None  # invisible: soft hyphen, zero-width, BOM
    for code in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2061, 0x2065), *range(0x2066, 0x206A)):
        # bidi marks and invisible operators: text copied from a browser or
        # Word carries them inside labels ("行政\u200e复议") and numbers ("\u200e1")
        table[code] = None
    for code in (0x0B, 0x0C, 0x85, 0x2028, 0x2029):
        table[code] = "\n"  # vertical tab, form feed (PDF page break), NEL, LS, PS
    for code in (*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0x85), *range(0x86, 0xA0)):
        table[code] = None  # remaining C0/C1 controls
    return table


_TRANSLATION = _build_translation()
# str.translate with a dict costs a lookup per character; CJK text is mostly
# untouched, so translate only the runs of characters that change (pages
# carry runs of thousands of NBSPs).
_TRANSLATABLE_RE = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in sorted(_TRANSLATION)) + "]+"
)


def _translate_match(match: re.Match[str]) -> str:
    return match.group().translate(_TRANSLATION)


_SPACE_RUN_RE = re.compile(r" {2,}")
_BLANK_RUN_RE = re.compile(r"\n{3,}")

# ---------------------------------------------------------------------------
# Inline noise
# ---------------------------------------------------------------------------

# "12全文查看": a pagination widget of content farms, glued into sentences
# ("2010年12全文查看度" is "2010年度").
_FULLTEXT_NOISE_RE = re.compile(r"\d*全文查看")
# Font-size bars: "字体:【大 中 小】", "【字号:大 中 小】", or a cut-off "字体:【"
# / "字号:" at the end of a line; never "发文字号:冀政办〔2021〕5号".
_FONT_BAR = (
    r"字[体号](?:大小)?[ \t]*:[ \t]*"
    r"(?:[【\[][ \t大中小]*[】\]]*|(?:[大中小][ \t]*){2,3}[】\]]*|(?=\n|$))"
)
# (The bar with its opening bracket, or without: "【字体" | "[字体" | "字体" rather
# than an optional group in front, so that every alternative starts with a
# literal character and the regex engine skips to those characters instead
# of trying the pattern at every position: 0.1 → 0.01 ms a pass on a page.)
_FONT_BAR_RE = re.compile(rf"【[ \t]*{_FONT_BAR}|\[[ \t]*{_FONT_BAR}|{_FONT_BAR}")
_SIZE_BAR_RE = re.compile(r"[【\[][ \t]*大[ \t]*中[ \t]*小[ \t]*[】\]]")

# ---------------------------------------------------------------------------
# Chrome lines: (pattern, longest line it may drop)
# ---------------------------------------------------------------------------

_CHROME_LINES: tuple[tuple[re.Pattern[str], int], ...] = (
    # a toolbar ("无障碍 | 长者模式 | 简体"), not a report's "(三)无障碍改造"
    (
        re.compile(
            r"^(?:[ |丨/·]|无障碍(?:浏览|阅读|模式|服务|通道)?|长者模式|关怀版|适老版|简体|繁[體体]|English"
            r"|登录|注册|设为首页|加入收藏|手机版)+$"
        ),
        60,
    ),
    (re.compile(r"^(?:您?当前(?:的)?位置|您现在的位置|当前所在|您的位置|所在位置)"), 150),
    (re.compile(r"扫一扫|在手机(?:上)?打开|分享到手机"), 40),
    (re.compile(r"打印本页|关闭窗口|打印此页|【(?:打印|关闭)[】\]]|\[(?:打印|关闭)[】\]]"), 60),
    (re.compile(r"^(?:上一条|下一条|上一篇|下一篇)"), 150),
    # a printed page number alone on its line ("- 3 -", "第3页 共6页"): OCR and
    # copied print layouts put it between the rows of a table that crosses a
    # page, where it would read as a value cell without a label
    (re.compile(r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?)$"), 20),
    (re.compile(r"^原文链接\s*:"), 500),
    (re.compile(r"^\[[^\]\n]{1,40}\].*\+阅读$"), 300),  # content-farm teaser "[标题]摘要...+阅读"
    (
        re.compile(
            r"主办(?:单位)?\s*(?::|-|—)|承办(?:单位)?\s*(?::|-|—)"
            r"|联系电话\s*:|监督电话\s*:|举报电话\s*:|服务电话\s*:|联系地址\s*:|联系QQ"
            r"|网站标识码|ICP\s*[备证]|公网安备|版权所有|c(?i:opyright)|C(?i:opyright)|©|不良信息举报中心"
        ),
        120,
    ),
)
# (Patterns that search anywhere in a line are alternatives that each start
# with a literal character, written out ("【(?:打印" | "\[(?:打印", "c(?i:opyright)"
# | "C(?i:opyright)": no other character folds to "c"): the regex engine then
# skips to those characters instead of trying every alternative at every
# position: the last pattern costs a fifth as much, and the chrome test
# of a page's lines 0.2 → 0.09 ms.)

# A marker after which a list of teasers (or a disclaimer) follows.
_BLOCK_MARKER_RE = re.compile(
    r"^(?:(?:延伸阅读|推荐阅读|相关阅读|相关文章|相关推荐|热点推荐|图文推荐|栏目列表|猜你喜欢)\s*:?\s*$"
    r"|[\[【]?免责声明[\]】:])"
)
# Lines that end a teaser run: report structure, never teasers.
_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\)|第[一二三四五六七八九十]{1,3}[部章节条])")
_DATE_LINE_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$")
_TITLE_LINE_RE = re.compile(r"年度?.{0,30}(?:报告|总结)$")
_MAX_TEASER_CHARS = 300
# A page's date line often carries print/share links ("发布日期:2023-01-18
# 来源:区住建局 打印本页"): the date is metadata the report needs, so such a
# line loses only its chrome tokens instead of being dropped whole.
_DATED_LINE_RE = re.compile(r"(?:发布|日期|时间)[^\n]{0,12}?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
_CHROME_TOKEN_RE = re.compile(
    r"[【\[]\s*(?:打印|关闭)(?:本页|此页|窗口)?\s*[】\]]|打印本页|打印此页|关闭窗口"
    r"|扫一扫(?:在手机(?:上)?打开(?:当前页(?:面)?)?)?|在手机(?:上)?打开(?:当前页(?:面)?)?|分享到手机"
)

# ---------------------------------------------------------------------------
# Markdown marks
# ---------------------------------------------------------------------------
#
# PDF converters and OCR tools write reports as Markdown: "# 标题",
# "## 一、总体情况", "**信息内容**" in a table cell, "> 注:". The marks are
# typesetting, never report text, and every stage downstream would otherwise
# have to know them (a bold label is no label to the table parser, a title
# "#沭阳县…" gives the agency "#沭阳县人民政府"). Only what is Markdown for sure
# goes:
# - heading and quote marks at a line start, glued or not ("#沐阳县…" is OCR),
#   with a heading's closing run ("## 标题 ##"); never on a line holding table
#   cells (pipe/tab rows keep their first cell as written), and never a
#   "#话题#" hashtag (a "#" left inside the line keeps the line as it is);
# - **bold** pairs (mid-sentence too: 收到申请**57**件), in table cells too,
#   as CommonMark reads them: the opening mark is not followed by a space or
#   a closing punctuation mark, the closing one not preceded by a space or an
#   opening one (so a redacted 王**、李** stays);
# - a bold mark left open at a line start (a bold title wrapped over lines);
# - <br>, the line break converters write inside a table cell ("行政规范<br>性文件"):
#   inside a row the cell's text joins up (with a space unless both sides are
#   CJK, so "1<br>2" never becomes 12), elsewhere it ends the line.
# Table rows stay intact: "| a | b |" keeps every pipe, and "|---|" rules
# are untouched.
_MD_LEAD_RE = re.compile(r"^[ \t]*((?:[#>][ \t]*)+)([^\n]*)$", re.M)
_MD_CLOSING_RE = re.compile(r"[ \t]+#+[ \t]*$")
_MD_BOLD_RE = re.compile(
    r"(\*\*\*?)(?![\s、，。,.；;：:)）”》】])([^*\n]+?)(?<![\s(（“《【])\1"
)
_MD_OPEN_BOLD_RE = re.compile(r"^([ \t]*)\*\*\*?(?=[^*\s])(?![^\n]*\*\*)", re.M)
# Marks nested in marks ("**# 标题**") come off one layer per pass; real
# text needs two passes at most, and the bound keeps a crafted nest linear.
_MD_MAX_PASSES = 8
_MD_BR_RE = re.compile(r"[ \t]*<br[ \t]*/?>[ \t]*", re.I)
_MD_BR_LINE_RE = re.compile(r"^[^\n]*<br[ \t]*/?>[^\n]*$", re.I | re.M)
_CJK_EDGE_RE = re.compile("[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _join_br(line: str) -> str:
    if "|" not in line and "\t" not in line:
        return _MD_BR_RE.sub("\n", line)
    out, pos = [], 0
    for m in _MD_BR_RE.finditer(line):
        out.append(line[pos:m.start()])
        before, after = line[m.start() - 1: m.start()], line[m.end(): m.end() + 1]
        both_cjk = bool(before and after and _CJK_EDGE_RE.match(before) and _CJK_EDGE_RE.match(after))
        out.append("" if both_cjk else " ")
        pos = m.end()
    out.append(line[pos:])
    return "".join(out)


def _unmark_line(match: re.Match[str]) -> str:
    marks, rest = match.group(1), match.group(2)
    if not rest.strip() or "|" in rest or "\t" in rest:
        return match.group(0)
    if "#" in marks:
        rest = _MD_CLOSING_RE.sub("", rest)
    if "#" in rest:
        return match.group(0)
    return rest


def strip_markdown_marks(text: str) -> str:
    """Text without Markdown heading, quote and bold marks and <br> (see above); a fixpoint."""
    for _ in range(_MD_MAX_PASSES):
        before = text
        if "<" in text:
            text = _MD_BR_LINE_RE.sub(lambda m: _join_br(m.group()), text)
        if "#" in text or ">" in text:
            text = _MD_LEAD_RE.sub(_unmark_line, text)
        if "**" in text:
            text = _MD_BOLD_RE.sub(r"\2", text)
            text = _MD_OPEN_BOLD_RE.sub(r"\1", text)
        if text == before:
            break
    return text


# ---------------------------------------------------------------------------
# Repeated article
# ---------------------------------------------------------------------------

_FUZZY_DROP_RE = re.compile(r"[\s\[\]【】()<>《》\"“”'‘’,.。:;!?、|\-—_·…]+")
_FOUR_CJK_RE = re.compile(r"(?:[^\u3400-\u9fff]*[\u3400-\u9fff]){4}")
_DEDUP_SLACK = 300  # characters of the first copy a second copy may skip


def clean_text(text: str) -> str:
    """Normalise text to the cleaned-text convention and drop site chrome.

    Idempotent: cleaning cleaned text changes nothing.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TRANSLATABLE_RE.sub(_translate_match, text)
    # (Each pattern runs only when its literal core occurs: cheap `in` tests
    # spare a regex scan of every document.)
    # Removing a token can join the pieces of another ("全文全文查看查看"),
    # so each removal repeats until nothing changes: clean text is a fixpoint.
    # Markdown marks can hide a token ("**字体:**") and a removed token can
    # bare a mark, so the two repeat together.
    for _ in range(10):
        before = text
        if "全文查看" in text:
            text = _remove_all(_FULLTEXT_NOISE_RE, text)
        if "字体" in text or "字号" in text:
            text = _remove_all(_FONT_BAR_RE, text)
        if "中" in text and ("【" in text or "[" in text):
            text = _remove_all(_SIZE_BAR_RE, text)
        if "#" in text or ">" in text or "**" in text or "<" in text:
            text = strip_markdown_marks(text)
        if text == before:
            break
    # Fold space runs first: the later space patterns then see runs of at
    # most one space and stay linear.
    if "  " in text:
        text = _SPACE_RUN_RE.sub(" ", text)
    if "\t" in text:
        text = text.replace(" \t", "\t").replace("\t ", "\t")
    text = _strip_line_edge_spaces(text)
    lines = _drop_chrome(text.split("\n"))
    lines = _drop_repeated_article(lines)
    text = "\n".join(lines)
    return _BLANK_RUN_RE.sub("\n\n", text).strip("\n")


def _strip_line_edge_spaces(text: str) -> str:
    """`text` without the space at either end of each line, given that no
    two spaces follow each other: plain replacements, an eighth of what the
    regex `^ +| +$` (multi-line) costs trying both ends at every position."""
    text = text.replace(" \n", "\n").replace("\n ", "\n")
    if text.startswith(" "):
        text = text[1:]
    return text[:-1] if text.endswith(" ") else text


def _remove_all(pattern: re.Pattern[str], text: str) -> str:
    for _ in range(10):
        text, count = pattern.subn("", text)
        if not count:
            break
    return text


def _drop_chrome(lines: list[str]) -> list[str]:
    """Remove chrome lines, and teaser/disclaimer runs after their marker."""
    kept: list[str] = []
    in_block = False
    for line in lines:
        if in_block:
            if not line or _is_teaser(line):
                continue
            in_block = False
        if _BLOCK_MARKER_RE.match(line):
            in_block = True
            continue
        if line and _is_chrome_line(line):
            rescued = _dated_remainder(line)
            if rescued:
                kept.append(rescued)
            continue
        kept.append(line)
    return kept


def _dated_remainder(line: str) -> str | None:
    """A chrome line that states the page's date, without its chrome tokens;
    None when the line has no date or is still chrome without them."""
    if not _DATED_LINE_RE.search(line):
        return None
    rest = strip_markdown_marks(_SPACE_RUN_RE.sub(" ", _CHROME_TOKEN_RE.sub("", line)).strip()).strip()
    if not rest or _is_chrome_line(rest) or not _DATED_LINE_RE.search(rest):
        return None
    return rest


def _is_chrome_line(line: str) -> bool:
    n = len(line)
    for pattern, max_len in _CHROME_LINES:
        if n <= max_len and pattern.search(line):
            return True
    return False


def _is_teaser(line: str) -> bool:
    """A line inside a related-articles list or a disclaimer: anything that
    is not report structure (heading, table row, date, report title)."""
    if len(line) > _MAX_TEASER_CHARS or "\t" in line or "|" in line:
        return False
    if _HEADING_RE.match(line) or _DATE_LINE_RE.match(line):
        return False
    return not (len(line) <= 40 and _TITLE_LINE_RE.search(line))


def _drop_repeated_article(lines: list[str]) -> list[str]:
    """Drop the second copy of an article that the page prints twice.

    Evidence: three consecutive prose lines (60+ characters together) that
    recur later in the same order. The second copy is then grown in both
    directions for as long as its lines occur, in order, in the text before
    it (compared without spaces and punctuation, so a re-wrapped line or one
    with "[]" noise still matches). Table rows never anchor (`_is_prose`).
    """
    for _ in range(3):  # a page rarely repeats more than once
        span = _find_repeat(lines)
        if span is None:
            break
        start, end = span
        lines = lines[:start] + lines[end:]
    return lines


def _find_repeat(lines: list[str]) -> tuple[int, int] | None:
    idx = [i for i, line in enumerate(lines) if line.strip()]
    prose = [_is_prose(lines[i]) for i in idx]
    # Keys of the prose lines only until a repeat is found: the others
    # never anchor, and on a table page they are most lines (this search
    # 0.12 → 0.07 ms a page).
    keys = [_FUZZY_DROP_RE.sub("", lines[i]) if is_prose else "" for i, is_prose in zip(idx, prose)]
    seen: dict[tuple[str, str, str], int] = {}
    anchor = None
    for k in range(len(keys) - 2):
        if not (prose[k] and prose[k + 1] and prose[k + 2]):
            continue
        triple = (keys[k], keys[k + 1], keys[k + 2])
        if sum(map(len, triple)) < 60 or sum(len(key) >= 10 for key in triple) < 2:
            continue
        first = seen.setdefault(triple, k)
        if k >= first + 3:
            anchor = (first, k)
            break
    if anchor is None:
        return None
    keys = [_FUZZY_DROP_RE.sub("", lines[i]) for i in idx]
    k0, k = anchor
    # The text before the second copy, with each key's offset.
    offsets = []
    pos = 0
    for key in keys[:k]:
        offsets.append(pos)
        pos += len(key) + 1
    before = "\n".join(keys[:k])

    # Forward: lines from k on, found in order after the anchor's first copy.
    cursor = offsets[k0]
    q = k
    while q < len(keys):
        found = before.find(keys[q], cursor) if keys[q] else -1
        if 0 <= found - cursor <= _DEDUP_SLACK:
            cursor = found + len(keys[q])
            q += 1
            continue
        # One short odd line inside the copy ("[]" artefacts, a page
        # number) is part of it if the copy resumes right after it.
        if q + 1 < len(keys) and len(keys[q]) <= 80:
            nxt = before.find(keys[q + 1], cursor) if keys[q + 1] else -1
            if 0 <= nxt - cursor <= _DEDUP_SLACK:
                cursor = nxt + len(keys[q + 1])
                q += 2
                continue
        break
    end_k = q

    # Backward: lines before k, found in order before the anchor's first copy.
    cursor = offsets[k0]
    p = k - 1
    while p > k0 + 2:
        found = before.rfind(keys[p], 0, cursor) if keys[p] else -1
        if found < 0 or cursor - (found + len(keys[p])) > _DEDUP_SLACK:
            break
        cursor = found
        p -= 1
    start_k = p + 1

    start = idx[start_k]
    end = idx[end_k - 1] + 1
    return start, end


def _is_prose(line: str) -> bool:
    """A line that may anchor a repeat: not a table row, not a tiny label."""
    return "\t" not in line and "|" not in line and _FOUR_CJK_RE.match(line) is not None


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------
#
# The page is parsed by libxml2 (lxml) into its own C tree and walked
# directly: building a BeautifulSoup tree on top of it cost some twenty
# times the parse itself. The rendering rules are those the BeautifulSoup
# version had, and so is its output (`python -m benchmarks.bench_clean
# --save/--compare` checks that on every HTML input at hand).

_DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "iframe", "nav", "template", "svg", "object", "embed",
        "select", "option", "button", "textarea", "input", "head", "title", "meta", "link",
        "xml", "map", "audio", "video", "canvas", "frame", "frameset",
    }
)
# Page-level <header>/<footer> are chrome; inside <article>/<main> a
# <header> holds the report's own title and date.
_CHROME_SECTIONS = ("header", "footer")
_CONTENT_SECTIONS = ("article", "main")
# Word-exported markup: w:/m:/v:/o: elements are document properties and
# drawing data, except o:p (an empty paragraph mark, inline). st1:* smart
# tags wrap real text (dates!) and stay.
_OFFICE_PREFIXES = ("w:", "m:", "v:", "o:")
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
        "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "footer", "hgroup", "hr", "html", "legend", "li", "main",
        "menu", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|mso-hide\s*:\s*all|visibility\s*:\s*hidden", re.I)
# Ruby annotations: rendered inline, but (as BeautifulSoup's get_text did)
# left out of a <pre>'s text and of the digit test for data tables.
_RUBY_TAGS = ("rt", "rp")
_HAS_RUBY = etree.XPath("boolean(//rt | //rp)")

_STRONG_CONTAINER_RE = re.compile(r"TRS_Editor|Custom_UnionStyle|zoom|main-text|maintext|artibody", re.I)
_WEAK_CONTAINER_RE = re.compile(r"content|article|detail|zwnr|wznr|conTxt|news_txt", re.I)
_STRONG_SHARE = 0.2  # of the page's text a strong container must hold
_WEAK_SHARE = 0.5
# Candidates measured one by one (each a C-level scan of its subtree) up to
# this many; beyond, nested candidates would make that quadratic, and one
# pass over the whole tree measures them all.
_MAX_SEPARATE_MEASURES = 16

# Stands for the whole document when it has more than one <html>, or when a
# page has no <body> (a frameset, a page of only <head>): the walk then
# starts above <html>.
_DOCUMENT_TAG = "ogi-document"
# lxml refuses these characters in text set through its API (libxml2's own
# parse keeps them); the event-built tree holds them as plane-15 private-use
# characters, mapped back in the output.
_XML_INVALID = (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)
_ESCAPE = {code: 0xF0000 + i for i, code in enumerate(_XML_INVALID)}
_UNESCAPE = {v: k for k, v in _ESCAPE.items()}
_XML_INVALID_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _XML_INVALID) + "]")
_PLACEHOLDER_TAG = "ogi-invalid-name"
_REMOVED_TAG = "ogi-removed"
# Whitespace of the markup: that of the BeautifulSoup version, plus the
# escaped \f and \v, which must stay whitespace in an event-built tree.
_ESCAPED_WS = chr(_ESCAPE[0x0C]) + chr(_ESCAPE[0x0B])
_WS_CHARS = " \t\n\r\f\v" + _ESCAPED_WS
_WS_RE = re.compile(f"[{_WS_CHARS}]+")
_CJK_CLASS = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201d"
_CJK_WRAP_RE = re.compile(f"(?<=[{_CJK_CLASS}])[ \\t]*[\\r\\n][ \\t\\r\\n]*(?=[{_CJK_CLASS}])")
_CJK_CHAR_RE = re.compile(f"[{_CJK_CLASS}]")
_CELL_STRIP = " \t\n\r\f\v\xa0\u3000\u200b\ufeff" + _ESCAPED_WS
_MAX_COLSPAN = 100
_MAX_ROWSPAN = 1000
_LAYOUT_CELL_CHARS = 400  # a cell longer than this is page layout, not data
_SPAN_RE = re.compile(r"\s*(\d+)")

_SPECIAL_TAGS = frozenset({"br", "pre", "table"})  # rendered in one piece
_WALK_EVENTS = ("start", "end", "comment", "pi")
# The BeautifulSoup version marked the container with lines of these
# characters in the text; a page line of only one of them is still dropped.
_MARKERS = ("\x01", "\x02")


_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
# "来源:教育局 时间:2022-02-22", "发布日期: 2022年1月5日", or a bare date; not
# the dated items of a news list.
_HEADER_DATE_RE = re.compile(
    r"(?:来源|时间|日期|发布|发文|作者|信息来源|浏览|点击).{0,40}?" + _DATE
    + r"|^" + _DATE + r"\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_HEADER_TITLE_RE = re.compile(r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年.{0,40}(?:报告|总结|年报)")
_BREADCRUMB_RE = re.compile(r"当前位置|您的位置|现在的位置|首页|>|»")
_HEADER_WINDOW = 40  # lines before the container searched for title/date


def html_to_text(html: str, origins: list[tuple[str, tuple[str, ...]]] | None = None) -> str:
    """Render an HTML page as text lines: blocks become lines, inline markup
    does not split words or numbers, tables become " | " rows.

    The tree is restricted to the article container when one is recognisable
    (keeping a title/date header printed just above it); otherwise the whole
    body is rendered and chrome is left to `clean_text`.

    Raises TransformError ``html_invalid`` (stage ``clean``) when libxml2
    cannot read the markup at all. ``origins``, when given, receives each
    table row line with the table/row/column of each of its cells
    ("html table 2 row 7 col 4"; `transforms.locations`).
    """
    document, escaped = _parse(html)
    if document is None:
        return ""
    root = _page_root(document)
    candidates = _prune(root)
    ruby = _HAS_RUBY(document)
    container = _find_container(root, candidates, ruby)
    out: list[str] = []
    bounds: list[int] = []  # where the container's rendering starts and ends in `out`
    _Renderer(container, ruby, origins).walk(root, out, bounds)
    if not bounds:
        # No container, or it sat inside a data table cell or a <pre>:
        # then the whole page is the safe choice.
        return "\n".join(line for line in _lines(out, escaped) if line and line not in _MARKERS)
    start, end = bounds
    body = [line for line in _lines(out[start:end], escaped) if line]
    header = _header_lines([line for line in _lines(out[:start], escaped) if line], body)
    return "\n".join(header + body)


def _lines(pieces: list[str], escaped: bool) -> list[str]:
    """Rendered pieces as stripped lines (text of an event-built tree unescaped)."""
    text = "".join(pieces)
    if escaped:
        text = text.translate(_UNESCAPE)
    return [line.strip(_CELL_STRIP) for line in text.split("\n")]


# --- parsing ----------------------------------------------------------------


def _parse(html: str) -> tuple[etree._Element | None, bool]:
    """The page's tree (None for a page without elements) and whether its
    text is escaped (see `_TreeTarget`).

    The markup goes in as UTF-8 bytes with the encoding stated: lxml refuses
    a str that starts with an XML encoding declaration, and a <meta charset>
    must not re-decode text that decoding.py has already decoded.
    `huge_tree` lifts libxml2's 10 MB limit on one text node (extract.py
    bounds pages instead). libxml2 still refuses to build a tree more than
    2048 elements deep, with a fatal error and everything after it lost;
    such a page is built again from the parser's events, which have no
    depth limit.
    """
    if html.startswith("\ufeff"):
        html = html[1:]
    try:
        data = html.encode("utf-8")
        parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True)
        document = etree.fromstring(data, parser)
        if not parser.error_log.filter_from_fatals():
            return _whole_document(document), False
        return _parse_events(data), True
    except (etree.LxmlError, ValueError, UnicodeError) as exc:
        raise TransformError("html_invalid", f"HTML could not be parsed: {exc!r}", stage="clean") from None


def _whole_document(first: etree._Element | None) -> etree._Element | None:
    """The parsed document as one element. Text after an early </html>
    ("<head>…</head></html>正文") makes libxml2 start a second <html>, a
    sibling of the first that lxml does not return; both go into one
    wrapper element then (an element stands for the whole document)."""
    if first is None:
        return None
    more = [node for node in first.itersiblings() if node.tag.__class__ is str]
    if not more:
        return first
    wrapper = etree.HTMLParser().makeelement(_DOCUMENT_TAG)
    for element in (first, *more):
        wrapper.append(element)
    return wrapper


def _parse_events(data: bytes) -> etree._Element:
    """The document built by `_TreeTarget`, under one wrapper element."""
    target = _TreeTarget()
    parser = etree.HTMLParser(target=target, encoding="utf-8", huge_tree=True, no_network=True)
    return etree.fromstring(data, parser)


class _TreeTarget:
    """An lxml parser target that builds the tree from parse events, for
    pages nested deeper than libxml2 builds trees itself.

    It builds what libxml2 would have built: text between two events is one
    string, comments and processing instructions become comment nodes (the
    walk skips them, and they keep the text on either side two strings, as
    in a parsed tree), and an end tag closes everything opened after the
    element it closes. Elements belong to an HTML document, where Word's
    "o:p" and "st1:chsdate" are valid names; characters lxml's API refuses
    are escaped (`_ESCAPE`).
    """

    def __init__(self) -> None:
        self.root = etree.HTMLParser().makeelement(_DOCUMENT_TAG)
        self._open: list[tuple[str, etree._Element]] = [("", self.root)]
        self._last: etree._Element | None = None  # whose tail the next text is; None: the open element's text
        self._data: list[str] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._flush()
        element = _sub_element(self._open[-1][1], tag, attrib)
        self._open.append((tag, element))
        self._last = None

    def end(self, tag: str) -> None:
        self._flush()
        for i in range(len(self._open) - 1, 0, -1):
            if self._open[i][0] == tag:
                self._last = self._open[i][1]
                del self._open[i:]
                return
        self._separate()  # a stray end tag still ends the string before it

    def data(self, data: str) -> None:
        self._data.append(data)

    def comment(self, text: str) -> None:
        self._flush()
        self._separate()

    def pi(self, target: str, data: str | None = None) -> None:
        self._flush()
        self._separate()

    def doctype(self, *args: object) -> None:
        self._flush()
        self._separate()

    def close(self) -> etree._Element:
        self._flush()
        return self.root

    def _flush(self) -> None:
        if not self._data:
            return
        text = _escape("".join(self._data))
        self._data.clear()
        if self._last is None:
            parent = self._open[-1][1]
            parent.text = (parent.text or "") + text
        else:
            self._last.tail = (self._last.tail or "") + text

    def _separate(self) -> None:
        gap = etree.Comment()
        self._open[-1][1].append(gap)
        self._last = gap


def _escape(text: str) -> str:
    return text.translate(_ESCAPE) if _XML_INVALID_RE.search(text) else text


def _sub_element(parent: etree._Element, tag: str, attrib: dict[str, str]) -> etree._Element:
    """A child element. A name lxml refuses (libxml2 accepts "<a"b>") is
    replaced by a placeholder that keeps its Office prefix, the one part of
    a name a rule looks at ("<o:<>" is still Word markup); an attribute it
    refuses is left out (the attributes rules read have plain names)."""
    attrib = {name: _escape(value) for name, value in attrib.items()}
    try:
        return etree.SubElement(parent, tag, attrib)
    except ValueError:
        pass
    try:
        element = etree.SubElement(parent, tag)
    except ValueError:
        prefix = tag[:2] if tag.startswith(_OFFICE_PREFIXES) else ""
        element = etree.SubElement(parent, prefix + _PLACEHOLDER_TAG)
    for name, value in attrib.items():
        try:
            element.set(name, value)
        except ValueError:
            continue
    return element


def _page_root(document: etree._Element) -> etree._Element:
    """<body>, or the whole document when there is none."""
    body = document.find("body")
    if body is None:
        body = _first_below(document, "body")
    if body is not None:
        return body
    if document.tag == _DOCUMENT_TAG:
        return document
    wrapper = etree.HTMLParser().makeelement(_DOCUMENT_TAG)
    wrapper.append(document)
    return wrapper


def _string_value(element: etree._Element) -> str:
    """All the text under `element`, comments left out, concatenated in C:
    XPath's string(), the same strings as element.itertext() twenty times
    faster. lxml's text serialiser computes it (libxml2's node content) at a
    third of the cost of an XPath call (0.4 against 1.2 µs: a table page
    asks it of some 200 cells)."""
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def _below(element: etree._Element, *tags: str) -> list[etree._Element]:
    """The elements under `element` with one of the given names, in
    document order.

    An XPath name test: libxml2 walks the subtree in C, in time linear in
    its size however deep it is, and lxml builds a Python element only for
    each match. (lxml's iter() takes time quadratic in the depth of the
    tree, 50,000 nested elements: seconds; iterwalk is linear but builds a
    Python element for every element it passes, ≈0.3 µs each: the two
    searches of every table for a nested table and a caption cost 0.3 ms
    of a 50 KB page that way.)
    """
    return _search(tags, "")(element)


def _first_below(element: etree._Element, *tags: str) -> etree._Element | None:
    found = _search(tags, "[1]")(element)
    return found[0] if found else None


_SEARCHES: dict[tuple[tuple[str, ...], str], etree.XPath] = {}


def _search(tags: tuple[str, ...], position: str) -> etree.XPath:
    """The compiled `descendant::` search for `tags` (one name test, or a
    predicate naming several: a union would make libxml2 sort the result,
    comparing nodes by walking up the tree)."""
    search = _SEARCHES.get((tags, position))
    if search is None:
        step = tags[0] if len(tags) == 1 else "*[" + " or ".join(f"self::{tag}" for tag in tags) + "]"
        search = _SEARCHES[(tags, position)] = etree.XPath(f"descendant::{step}{position}")
    return search


# --- pruning and the article container ---------------------------------------


def _prune(root: etree._Element) -> list[tuple[etree._Element, float]]:
    """Remove elements that never hold report text (scripts, navigation,
    Word metadata, hidden elements); return the elements left that are
    named like an article container, with the share of the page's text each
    must hold to be believed.

    One pass decides both, in document order, and skips what lies inside a
    removed element: nothing in there is kept or can be the container (and
    holding on to elements of a removed subtree would make lxml scan it
    once for each of them when they are freed).
    """
    sheltered: set[etree._Element] | None = None
    # The loop runs for every element of every page (≈ 900 on a typical one): plain dict lookups,
    # no helper calls. Each tag name, and each of the few styles and classes Word pages repeat on
    # every element, is judged once. One items() call reads an element's attributes: three get()
    # calls cost more (this loop 0.84 → 0.64 ms on a 50 KB page with the tag names judged once).
    # (libxml2 keeps one attribute of a name, as does `_TreeTarget`.)
    removable: dict[str, int] = {}  # tag -> _KEEP, _DROP or _SECTION
    hidden: dict[str, bool] = {}
    shares: dict[tuple[str | None, str | None], float] = {}
    doomed = []
    candidates = []
    walker = etree.iterwalk(root, events=("start",))
    next(walker)  # the root itself: never removed, never the container
    for _, element in walker:
        tag = element.tag
        kind = removable.get(tag)
        if kind is None:
            kind = removable[tag] = _removable(tag)
        if kind:
            if kind == _SECTION:
                if sheltered is None:
                    sheltered = _sheltered_sections(root)
                if element in sheltered:
                    kind = _KEEP
            if kind:
                doomed.append(element)
                walker.skip_subtree()
                continue
        style = ident = classes = None
        for name, value in element.items():
            if name == "style":
                style = value
            elif name == "id":
                ident = value
            elif name == "class":
                classes = value
        if style is not None:
            is_hidden = hidden.get(style)
            if is_hidden is None:
                is_hidden = hidden[style] = _is_hidden(style)
            if is_hidden:
                doomed.append(element)
                walker.skip_subtree()
                continue
        if ident is not None or classes is not None:
            key = (ident, classes)
            share = shares.get(key)
            if share is None:
                share = shares[key] = _container_share(key)
            if share:
                candidates.append((element, share))
    for element in doomed:
        _remove(element)
    return candidates


_KEEP, _DROP, _SECTION = 0, 1, 2


def _removable(tag: str) -> int:
    """_DROP for an element `_prune` always removes, _SECTION for a page
    <header>/<footer> (removed unless sheltered), else _KEEP."""
    if tag in _DROP_TAGS or (tag.startswith(_OFFICE_PREFIXES) and tag != "o:p"):
        return _DROP
    return _SECTION if tag in _CHROME_SECTIONS else _KEEP


def _sheltered_sections(root: etree._Element) -> set[etree._Element]:
    """Every <header>/<footer> inside an <article>/<main> (one found above
    `root` included), in one pass however deeply sections nest."""
    top = root
    while top.getparent() is not None:
        top = top.getparent()
    sheltered: set[etree._Element] = set()
    for section in _below(top, *_CONTENT_SECTIONS):
        if section not in sheltered:
            sheltered.update(_below(section, *_CONTENT_SECTIONS, *_CHROME_SECTIONS))
    return sheltered


def _is_hidden(style: str) -> bool:
    # Word styles are long and on every element; a match needs one of these
    # words (no character outside ASCII folds to their letters), and the
    # regex runs on the few styles that hold one.
    low = style.lower()
    if "none" not in low and "all" not in low and "dden" not in low:
        return False
    return _HIDDEN_STYLE_RE.search(style) is not None


def _remove(element: etree._Element) -> None:
    """Empty `element` and rename it to a name no rule knows, so that it
    renders as nothing. Its tail stays where it is, and the text before and
    after it remain two strings (a line break in either is then never taken
    for one inside a word), as when BeautifulSoup extracted the element.

    (Detaching it and leaving a comment would need its tail re-set through
    lxml's API, which refuses the control characters libxml2 keeps.)
    """
    element.clear(keep_tail=True)
    element.tag = _REMOVED_TAG


def _container_share(names: tuple[str | None, str | None]) -> float:
    """The share of the page's text an element must hold to be the article
    container, judged by its (id, class); 0 when they name no container.

    The class is searched as written; BeautifulSoup split it into words and
    joined them with one space, which finds the same names, since none of
    them contains a space.
    """
    ident, classes = names
    named = f"{ident or ''} {classes or ''}"
    if _STRONG_CONTAINER_RE.search(named):
        return _STRONG_SHARE
    if _WEAK_CONTAINER_RE.search(named):
        return _WEAK_SHARE
    return 0


def _visible_length(element: etree._Element) -> int:
    """Non-blank characters of the text under `element` (comments excluded)."""
    text = _string_value(element)
    return len(text) - sum(map(text.count, _WS_CHARS))


def _text_lengths(root: etree._Element, elements: list[etree._Element]) -> dict[etree._Element, int]:
    """`_visible_length` of `root` and of each of `elements`: one C-level
    scan each when they are few, else one pass over the whole tree."""
    if len(elements) <= _MAX_SEPARATE_MEASURES:
        lengths = {element: _visible_length(element) for element in elements}
        lengths[root] = _visible_length(root)
        return lengths
    return _all_text_lengths(root)


def _all_text_lengths(root: etree._Element) -> dict[etree._Element, int]:
    """`_visible_length` of every element under `root`, bottom-up in one
    pass (children precede parents in reversed document order)."""
    lengths: dict[etree._Element, int] = {}
    nodes = [node for _, node in etree.iterwalk(root, events=("start", "comment", "pi"))]
    for node in reversed(nodes):
        n = 0
        if node.tag.__class__ is str:
            n = lengths.get(node, 0) + len(_WS_RE.sub("", node.text or ""))
            lengths[node] = n
        if node is root:
            break
        n += len(_WS_RE.sub("", node.tail or ""))
        if n:
            parent = node.getparent()
            lengths[parent] = lengths.get(parent, 0) + n
    return lengths


def _find_container(
    root: etree._Element, candidates: list[tuple[etree._Element, float]], ruby: bool
) -> etree._Element | None:
    """The smallest candidate container that holds its share of the page's
    text; widened if data tables lie outside it."""
    if not candidates:
        return None
    lengths = _text_lengths(root, [element for element, _ in candidates])
    total = lengths.get(root, 0)
    if total == 0:
        return None
    best, best_len = None, None
    for element, share in candidates:
        n = lengths.get(element, 0)
        if n >= share * total and (best_len is None or n < best_len):
            best, best_len = element, n
    if best is None:
        return None
    return _widen_for_tables(root, best, ruby)


def _widen_for_tables(root: etree._Element, container: etree._Element, ruby: bool) -> etree._Element | None:
    """Never cut a data table off: grow the container to the nearest
    ancestor that holds every data-looking table of the page (None = the
    whole body)."""
    inner = {container, *_below(container, "table")}
    outside = [t for t in _below(root, "table") if t not in inner and _is_data_looking(t, ruby)]
    if not outside:
        return container
    chain: dict[etree._Element, int] = {}  # the container and its ancestors -> height above it
    node = container
    while node is not None:
        chain[node] = len(chain)
        if node is root:
            break
        node = node.getparent()
    meetings: dict[etree._Element, etree._Element | None] = {}
    highest = 0
    for table in outside:
        meeting = _meeting_point(table, chain, meetings)
        if meeting is None:
            return None
        highest = max(highest, chain[meeting])
    widened = list(chain)[highest]
    return None if widened is root else widened


def _meeting_point(
    table: etree._Element,
    chain: dict[etree._Element, int],
    meetings: dict[etree._Element, etree._Element | None],
) -> etree._Element | None:
    """The lowest element of `chain` that holds `table`. Every element
    climbed through is remembered, so tables sharing deep ancestors are
    climbed once in all."""
    path = []
    node = table.getparent()
    while node is not None and node not in chain and node not in meetings:
        path.append(node)
        node = node.getparent()
    meeting = meetings[node] if node is not None and node in meetings else node
    for element in path:
        meetings[element] = meeting
    return meeting


def _is_data_looking(table: etree._Element, ruby: bool) -> bool:
    """No nested table, two rows or more, and a digit somewhere."""
    if _first_below(table, "table") is not None:
        return False
    if _search(("tr",), "[2]")(table) == []:  # fewer than two rows
        return False
    return any(ch.isdigit() for ch in _plain_text(table, ruby))


def _plain_text(element: etree._Element, ruby: bool) -> str:
    """The text under `element` as it stands in the markup (for <pre>, and
    the digit test). `ruby`: the page has <rt>/<rp> annotations, whose text
    is left out."""
    if not ruby:
        return _string_value(element)
    if next(element.iterancestors(*_RUBY_TAGS), None) is not None:
        return ""
    parts: list[str] = []
    stack: list[etree._Element | str] = [element]
    while stack:
        node = stack.pop()
        if node.__class__ is str:
            parts.append(node)
            continue
        tag = node.tag
        if tag.__class__ is not str or tag in _RUBY_TAGS:
            continue
        if node.text:
            parts.append(node.text)
        for child in reversed(node):
            if child.tail:
                stack.append(child.tail)
            stack.append(child)
    return "".join(parts)


# --- rendering ----------------------------------------------------------------


def _inline_text(s: str) -> str:
    """A string of inline text: a line break between two CJK characters is
    a wrapped line in the source and goes; other whitespace runs become one
    space. (Most strings have neither; they are returned as they are.)"""
    if s.isprintable():
        return _WS_RE.sub(" ", s) if "  " in s else s
    if "\n" in s or "\r" in s:
        s = _CJK_WRAP_RE.sub("", s)
    return _WS_RE.sub(" ", s)


class _Renderer:
    """Renders a pruned tree as text pieces; "\\n" marks block edges. It
    knows the article container (whose place in the page's rendering the
    walk records) and whether the page has ruby annotations (`_plain_text`)."""

    def __init__(
        self, container: etree._Element | None, ruby: bool, origins: list[tuple[str, tuple[str, ...]]] | None = None
    ):
        self.container = container
        self.ruby = ruby
        self.origins = origins
        self.tables = 0  # data tables rendered so far: the number in a cell's location

    def walk(self, root: etree._Element, out: list[str], bounds: list[int] | None = None) -> None:
        """Depth-first render of `root` (without its tail) into `out`.

        lxml's iterwalk does the traversal in C (no recursion, however deep
        the page); a <pre>, a <br> and a table rendered as rows are not
        descended into, and have no block edge of their own at their end.

        The page's walk records in `bounds` where the container's rendering
        starts and ends in `out`; a cell's walk (`bounds` None) does not: a
        container inside a data table cell is no container.
        """
        container = self.container
        append = out.append
        rendered: set[etree._Element] = set()
        walker = etree.iterwalk(root, events=_WALK_EVENTS)
        for event, node in walker:
            if event == "start":
                tag = node.tag
                if node is container and bounds is not None:
                    append("\n")
                    bounds.append(len(out))
                if tag in _SPECIAL_TAGS and self._render_whole(node, tag, out):
                    rendered.add(node)
                    walker.skip_subtree()
                    continue
                if tag in _BLOCK_TAGS:
                    append("\n")
                text = node.text
                if text:
                    append(_inline_text(text))
            elif event == "end":
                if node in rendered:
                    rendered.discard(node)
                elif node.tag in _BLOCK_TAGS:
                    append("\n")
                if node is container and bounds is not None:
                    append("\n")
                    bounds.append(len(out))
                if node is not root:
                    tail = node.tail
                    if tail:
                        append(_inline_text(tail))
            else:  # a comment: only its tail is text
                tail = node.tail
                if tail:
                    append(_inline_text(tail))

    def _render_whole(self, node: etree._Element, tag: str, out: list[str]) -> bool:
        """Render a <br>, a <pre> or a data table in one piece; False for a
        layout table, which is walked like any block."""
        if tag == "br":
            out.append("\n")
            return True
        if tag == "pre":
            out.append("\n" + _plain_text(node, self.ruby) + "\n")
            return True
        return self._data_table(node, out)

    def _cell_text(self, cell: etree._Element) -> str:
        """A cell on one line: its lines joined (`_join_fragments`)."""
        if not len(cell):
            # Only text (most cells): what the walk below makes of it.
            text = cell.text
            return _inline_text(text).strip(_CELL_STRIP) if text else ""
        block = _single_block(cell)
        if block is not None:
            # One paragraph of inline markup (Word's <p><span>…</span><o:p/></p>, most other
            # cells): the walk below would make one line of its texts, in document order.
            return _block_line(block)
        pieces: list[str] = []
        self.walk(cell, pieces)
        parts = [part for part in "".join(pieces).split("\n") if part]
        text = _join_fragments([part.strip(_CELL_STRIP) for part in parts])
        return _SPACE_RUN_RE.sub(" ", text) if "  " in text else text

    def _data_table(self, table: etree._Element, out: list[str]) -> bool:
        """Render a data table as " | " rows with spans expanded; return False
        (render it as ordinary blocks instead) when it is a layout table: one
        that nests tables, has a single column, or holds long prose."""
        if _first_below(table, "table") is not None:
            return False
        grid = []
        pending: dict[int, int] = {}  # column -> rows still covered by a rowspan
        width = 0
        for tr in _own_rows(table):
            cells = [c for c in tr if c.tag == "td" or c.tag == "th"]
            row = self._grid_row(cells, pending)
            if row is None:
                return False
            width = max(width, len(cells))
            grid.append(row)
        if width <= 1:
            return False
        out.append("\n")
        caption = _first_below(table, "caption")  # this table's: it nests none
        if caption is not None:
            out.append(self._cell_text(caption) + "\n")
        self.tables += 1
        given = _given_origins(table, grid)
        for r, row in enumerate(grid, start=1):
            if any(row):
                line = " | ".join(row)
                out.append(line + "\n")
                if self.origins is not None:
                    prefix = f"html table {self.tables} row {r} col "
                    self.origins.append((line, given[r - 1] if given else tuple(
                        [prefix + str(c) for c in range(1, len(row) + 1)])))
        return True

    def _grid_row(self, cells: list[etree._Element], pending: dict[int, int]) -> list[str] | None:
        """One row of the grid: a cell covered by a span from the left or
        from above is an empty cell. None when a cell holds prose."""
        row: list[str] = []
        col = 0
        cell_text = self._cell_text
        for cell in cells:
            if pending:
                while pending.get(col, 0) > 0:  # covered from a row above
                    row.append("")
                    pending[col] -= 1
                    col += 1
            text = cell_text(cell)
            if len(text) > _LAYOUT_CELL_CHARS:
                return None
            row.append(text)
            names = cell.keys()
            if "colspan" not in names and "rowspan" not in names:  # (most cells: the loop runs ≈280 times a page)
                col += 1
                continue
            colspan = _span(cell.get("colspan"), _MAX_COLSPAN) if "colspan" in names else 1
            rowspan = _span(cell.get("rowspan"), _MAX_ROWSPAN) if "rowspan" in names else 1
            row.extend([""] * (colspan - 1))
            if rowspan > 1:
                for covered in range(col, col + colspan):
                    pending[covered] = rowspan - 1
            col += colspan
        if pending:
            # Positions after the last cell still covered from rows above.
            last = max((c for c, left in pending.items() if left > 0), default=-1)
            while col <= last:
                row.append("")
                if pending.get(col, 0) > 0:
                    pending[col] -= 1
                col += 1
        return row


def _single_block(cell: etree._Element) -> etree._Element | None:
    """The cell's one child when it is a block (not <pre>/<table>) holding only inline elements,
    and the cell has no text of its own around it; else None.

    Then the walk renders the cell as one line between two block edges: the
    child's texts and its elements' texts and tails, each through
    `_inline_text`, in document order — what `itertext()` yields, comments
    and processing instructions excepted (their presence sends the cell to
    the walk)."""
    if len(cell) != 1:
        return None
    block = cell[0]
    tag = block.tag
    if tag.__class__ is not str or tag not in _BLOCK_TAGS or tag in _SPECIAL_TAGS:
        return None
    for text in (cell.text, block.tail):
        # (blank as rendered is blank as written: rendering only turns
        # whitespace into one space or none, and all of it is in _CELL_STRIP)
        if text and text.strip(_CELL_STRIP):
            return None
    for node in block.iterdescendants():
        tag = node.tag
        if tag.__class__ is not str or tag in _BLOCK_TAGS or tag in _SPECIAL_TAGS:
            return None
    return block


def _block_line(block: etree._Element) -> str:
    """The one line a `_single_block` renders as: its texts (`itertext()`),
    each through `_inline_text`, joined, stripped, space runs folded.

    Without a line break in them that is the whitespace of their
    concatenation folded, which libxml2 concatenates in C (`_string_value`:
    ≈0.4 µs for a Word cell's <p><span>…</span><o:p/></p>, where itertext()
    and a call per string cost ≈2.5 µs; a table page has some 200 such
    cells). A line break may sit between two strings ("中\n" and "文" stay
    apart, as two strings of the markup), where only the string-by-string
    rendering knows not to take it for a wrapped line.
    """
    text = _string_value(block)
    if "\n" in text or "\r" in text:
        text = "".join([_inline_text(t) for t in block.itertext() if t]).strip(_CELL_STRIP)
        return _SPACE_RUN_RE.sub(" ", text) if "  " in text else text
    if "  " in text or not text.isprintable():
        text = _WS_RE.sub(" ", text)  # (leaves no run of spaces)
    return text.strip(_CELL_STRIP)


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The <tr> of this table (direct or inside thead/tbody/tfoot); broken
    markup that puts rows elsewhere falls back to all rows below it (the
    caller has made sure it nests no table)."""
    rows = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if c.tag == "tr")
    if not rows:
        rows = _below(table, "tr")
    return rows


def _span(value: str | None, cap: int) -> int:
    if value is None:
        return 1
    digits = _SPAN_RE.match(value)
    n = int(digits.group(1)) if digits else 1
    return min(max(n, 1), cap)


def _join_fragments(parts: list[str]) -> str:
    """Join the lines of a cell: nothing between two CJK characters (a
    wrapped label), a space otherwise (so "3" and "5" never become "35")."""
    text = ""
    for part in parts:
        if not part:
            continue
        if text and not (_CJK_CHAR_RE.match(text[-1]) and _CJK_CHAR_RE.match(part[0])):
            text += " "
        text += part
    return text


def _header_lines(before: list[str], body: list[str]) -> list[str]:
    """Title and source/date lines printed just above the article container.

    Only lines that look like the report's title (a year and 报告/总结) or a
    publication date are taken, so menus and sidebars above stay out.
    """
    head = set(body[:15])
    picked = []
    for line in before[-_HEADER_WINDOW:]:
        if line in head or len(line) > 150 or _BREADCRUMB_RE.search(line):
            continue
        if _HEADER_DATE_RE.search(line) or (len(line) <= 80 and _HEADER_TITLE_RE.search(line)):
            picked.append(line)
    return picked


def _given_origins(table: etree._Element, grid: list[list[str]]) -> list[tuple[str, ...]] | None:
    """The cells' origins a table carries itself: a picture of a table read
    by OCR is put in the page as <table data-ogi-origins> (one list of cell
    locations per row; `transforms.extract._inline_ocr_images`). None when
    absent or not of the grid's shape."""
    raw = table.get("data-ogi-origins")
    if not raw:
        return None
    try:
        rows = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(rows, list) or len(rows) != len(grid):
        return None
    out: list[tuple[str, ...]] = []
    for locs, row in zip(rows, grid):
        if not isinstance(locs, list) or len(locs) != len(row) or not all(isinstance(x, str) for x in locs):
            return None
        out.append(tuple(locs))
    return out
