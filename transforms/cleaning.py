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

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Script, Stylesheet, Tag

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
_LINE_EDGE_SPACE_RE = re.compile(r"^ +| +$", re.MULTILINE)
_BLANK_RUN_RE = re.compile(r"\n{3,}")

# ---------------------------------------------------------------------------
# Inline noise
# ---------------------------------------------------------------------------

# "12全文查看": a pagination widget of content farms, glued into sentences
# ("2010年12全文查看度" is "2010年度").
_FULLTEXT_NOISE_RE = re.compile(r"\d*全文查看")
# Font-size bars: "字体:【大 中 小】", "【字号:大 中 小】", or a cut-off "字体:【"
# / "字号:" at the end of a line; never "发文字号:冀政办〔2021〕5号".
_FONT_BAR_RE = re.compile(
    r"(?:[【\[][ \t]*)?字[体号](?:大小)?[ \t]*:[ \t]*"
    r"(?:[【\[][ \t大中小]*[】\]]*|(?:[大中小][ \t]*){2,3}[】\]]*|(?=\n|$))"
)
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
    (re.compile(r"打印本页|关闭窗口|打印此页|[【\[](?:打印|关闭)[】\]]"), 60),
    (re.compile(r"^(?:上一条|下一条|上一篇|下一篇)"), 150),
    # a printed page number alone on its line ("- 3 -", "第3页 共6页"): OCR and
    # copied print layouts put it between the rows of a table that crosses a
    # page, where it would read as a value cell without a label
    (re.compile(r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,/]?\s*共\s*\d{1,4}\s*页)?)$"), 20),
    (re.compile(r"^原文链接\s*:"), 500),
    (re.compile(r"^\[[^\]\n]{1,40}\].*\+阅读$"), 300),  # content-farm teaser "[标题]摘要...+阅读"
    (
        re.compile(
            r"(?:主办|承办)(?:单位)?\s*(?::|-|—)|(?:联系|监督|举报|服务)电话\s*:|联系地址\s*:|联系QQ"
            r"|网站标识码|ICP\s*[备证]|公网安备|版权所有|(?i:copyright)|©|不良信息举报中心"
        ),
        120,
    ),
)

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
    if "全文查看" in text:
        text = _remove_all(_FULLTEXT_NOISE_RE, text)
    if "字体" in text or "字号" in text:
        text = _remove_all(_FONT_BAR_RE, text)
    if "中" in text and ("【" in text or "[" in text):
        text = _remove_all(_SIZE_BAR_RE, text)
    # Fold space runs first: the later space patterns then see runs of at
    # most one space and stay linear.
    text = _SPACE_RUN_RE.sub(" ", text)
    if "\t" in text:
        text = text.replace(" \t", "\t").replace("\t ", "\t")
    text = _LINE_EDGE_SPACE_RE.sub("", text)
    lines = _drop_chrome(text.split("\n"))
    lines = _drop_repeated_article(lines)
    text = "\n".join(lines)
    return _BLANK_RUN_RE.sub("\n\n", text).strip("\n")


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
    rest = _SPACE_RUN_RE.sub(" ", _CHROME_TOKEN_RE.sub("", line)).strip()
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
    keys = [_FUZZY_DROP_RE.sub("", lines[i]) for i in idx]
    prose = [_is_prose(lines[i]) for i in idx]
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

_DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "iframe", "nav", "template", "svg", "object", "embed",
        "select", "option", "button", "textarea", "input", "head", "title", "meta", "link",
        "xml", "map", "audio", "video", "canvas", "frame", "frameset",
    }
)
# Page-level <header>/<footer> are chrome; inside <article>/<main> a
# <header> holds the report's own title and date.
_CHROME_SECTIONS = frozenset({"header", "footer"})
_CONTENT_SECTIONS = frozenset({"article", "main"})
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

_STRONG_CONTAINER_RE = re.compile(r"TRS_Editor|Custom_UnionStyle|zoom|main-text|maintext|artibody", re.I)
_WEAK_CONTAINER_RE = re.compile(r"content|article|detail|zwnr|wznr|conTxt|news_txt", re.I)
_STRONG_SHARE = 0.2  # of the page's text a strong container must hold
_WEAK_SHARE = 0.5

_WS_RE = re.compile(r"[ \t\n\r\f\v]+")
_CJK_CLASS = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201d"
_CJK_WRAP_RE = re.compile(f"(?<=[{_CJK_CLASS}])[ \\t]*[\\r\\n][ \\t\\r\\n]*(?=[{_CJK_CLASS}])")
_CJK_CHAR_RE = re.compile(f"[{_CJK_CLASS}]")
_CELL_STRIP = " \t\n\r\f\v\xa0\u3000\u200b\ufeff"
_MAX_COLSPAN = 100
_MAX_ROWSPAN = 1000
_LAYOUT_CELL_CHARS = 400  # a cell longer than this is page layout, not data

_ENTER, _EXIT_BLOCK, _EXIT_CONTAINER = 0, 1, 2
_CONTAINER_START, _CONTAINER_END = "\x01", "\x02"
_MARKERS = (_CONTAINER_START, _CONTAINER_END)

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


def html_to_text(html: str) -> str:
    """Render an HTML page as text lines: blocks become lines, inline markup
    does not split words or numbers, tables become " | " rows.

    The tree is restricted to the article container when one is recognisable
    (keeping a title/date header printed just above it); otherwise the whole
    body is rendered and chrome is left to `clean_text`.
    """
    soup = BeautifulSoup(html, "lxml")
    root = soup.body or soup
    candidates = _prune(root)
    container = _find_container(root, candidates)
    out: list[str] = []
    _walk(root, out, container)
    lines = [line.strip(_CELL_STRIP) for line in "".join(out).split("\n")]
    if container is None or _CONTAINER_START not in lines:
        # (The marker is missing only if the container sat inside a data
        # table cell: then the whole page is the safe choice.)
        return "\n".join(line for line in lines if line and line not in _MARKERS)
    start = lines.index(_CONTAINER_START)
    end = lines.index(_CONTAINER_END, start)
    body = [line for line in lines[start + 1:end] if line]
    header = _header_lines([line for line in lines[:start] if line], body)
    return "\n".join(header + body)


def _prune(root: Tag) -> list[tuple[Tag, float]]:
    """Detach elements that never hold report text (scripts, navigation,
    Word metadata, hidden elements); in the same pass, collect the elements
    named like an article container, with the share of the page's text each
    must hold to be believed."""
    doomed = []
    candidates = []
    for tag in root.find_all(True):
        name = tag.name or ""
        if name in _DROP_TAGS or (name.startswith(_OFFICE_PREFIXES) and name != "o:p"):
            doomed.append(tag)
            continue
        if name in _CHROME_SECTIONS and tag.find_parent(list(_CONTENT_SECTIONS)) is None:
            doomed.append(tag)
            continue
        attrs = tag.attrs
        if not attrs:
            continue
        style = attrs.get("style")
        if style and isinstance(style, str) and _HIDDEN_STYLE_RE.search(style):
            doomed.append(tag)
            continue
        if "id" in attrs or "class" in attrs:
            named = _attr_text(tag)
            if _STRONG_CONTAINER_RE.search(named):
                candidates.append((tag, _STRONG_SHARE))
            elif _WEAK_CONTAINER_RE.search(named):
                candidates.append((tag, _WEAK_SHARE))
    for tag in doomed:
        tag.extract()
    return candidates


def _attr_text(tag: Tag) -> str:
    ident = tag.get("id") or ""
    classes = tag.get("class") or ""
    if isinstance(classes, list):
        classes = " ".join(classes)
    return f"{ident} {classes}"


def _text_lengths(root: Tag) -> dict[int, int]:
    """Non-blank text characters under every element, keyed by id(), in one
    bottom-up pass (children precede parents in reversed document order)."""
    lengths: dict[int, int] = {}
    for node in reversed(list(root.descendants)):
        if isinstance(node, Tag):
            n = lengths.get(id(node), 0)
        elif _is_text(node):
            n = len(_WS_RE.sub("", node))
        else:
            continue
        parent = node.parent
        if parent is not None and n:
            lengths[id(parent)] = lengths.get(id(parent), 0) + n
    return lengths


def _find_container(root: Tag, candidates: list[tuple[Tag, float]]) -> Tag | None:
    """The smallest candidate container that holds its share of the page's
    text (a detached candidate holds none); widened if data tables lie
    outside it."""
    if not candidates:
        return None
    lengths = _text_lengths(root)
    total = lengths.get(id(root), 0)
    if total == 0:
        return None
    best, best_len = None, None
    for tag, share in candidates:
        n = lengths.get(id(tag), 0)
        if n >= share * total and (best_len is None or n < best_len):
            best, best_len = tag, n
    if best is None:
        return None
    return _widen_for_tables(root, best)


def _inside(node: Tag, ancestor: Tag) -> bool:
    return any(parent is ancestor for parent in node.parents)


def _widen_for_tables(root: Tag, container: Tag) -> Tag | None:
    """Never cut a data table off: grow the container to an ancestor that
    holds every data-looking table of the page (None = the whole body)."""
    outside = [
        t for t in root.find_all("table")
        if t is not container and not _inside(t, container)
        and t.find("table") is None and len(t.find_all("tr")) >= 2
        and any(ch.isdigit() for ch in t.get_text())
    ]
    node: Tag | None = container
    while outside and node is not None and node is not root:
        node = node.parent
        outside = [t for t in outside if node is not None and not _inside(t, node)]
    if node is None or node is root:
        return None
    return node


def _is_text(node: object) -> bool:
    return isinstance(node, NavigableString) and not isinstance(
        node, (PreformattedString, Script, Stylesheet)
    )


def _inline_text(s: str) -> str:
    return _WS_RE.sub(" ", _CJK_WRAP_RE.sub("", s))


def _walk(root: Tag, out: list[str], container: Tag | None = None) -> None:
    """Depth-first render of `root` into `out`; "\\n" marks block edges.

    Iterative, so that pathological nesting cannot hit the recursion limit.
    """
    stack: list[tuple[object, int]] = [(root, _ENTER)]
    while stack:
        node, kind = stack.pop()
        if kind == _EXIT_BLOCK:
            out.append("\n")
            continue
        if kind == _EXIT_CONTAINER:
            out.append(f"\n{_CONTAINER_END}\n")
            continue
        if not isinstance(node, Tag):
            if _is_text(node):
                out.append(_inline_text(str(node)))
            continue
        name = node.name
        if node is container:
            out.append(f"\n{_CONTAINER_START}\n")
            stack.append((node, _EXIT_CONTAINER))
        if name == "br":
            out.append("\n")
            continue
        if name == "pre":
            out.append("\n" + node.get_text() + "\n")
            continue
        if name == "table" and _render_data_table(node, out):
            continue
        if name in _BLOCK_TAGS:
            out.append("\n")
            stack.append((node, _EXIT_BLOCK))
        stack.extend((child, _ENTER) for child in reversed(node.contents))


def _own_rows(table: Tag) -> list[Tag]:
    """The <tr> of this table (direct or inside thead/tbody/tfoot); broken
    markup that puts rows elsewhere falls back to a full search."""
    rows = []
    for child in table.children:
        name = getattr(child, "name", None)
        if name == "tr":
            rows.append(child)
        elif name in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child.children if getattr(c, "name", None) == "tr")
    if not rows:
        rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    return rows


def _span(value: object, cap: int) -> int:
    if isinstance(value, list):
        value = value[0] if value else ""
    digits = re.match(r"\s*(\d+)", str(value or ""))
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


def _cell_text(cell: Tag) -> str:
    pieces: list[str] = []
    _walk(cell, pieces)
    parts = [p.strip(_CELL_STRIP) for p in "".join(pieces).split("\n")]
    return _SPACE_RUN_RE.sub(" ", _join_fragments(parts))


def _render_data_table(table: Tag, out: list[str]) -> bool:
    """Render a data table as " | " rows with spans expanded; return False
    (render it as ordinary blocks instead) when it is a layout table: one
    that nests tables, has a single column, or holds long prose."""
    if table.find("table") is not None:
        return False
    grid = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan
    width = 0
    for tr in _own_rows(table):
        row: list[str] = []
        col = 0

        def skip_covered() -> None:
            nonlocal col
            while pending.get(col, 0) > 0:
                row.append("")
                pending[col] -= 1
                col += 1

        cells = [c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")]
        for cell in cells:
            skip_covered()
            text = _cell_text(cell)
            if len(text) > _LAYOUT_CELL_CHARS:
                return False
            colspan = _span(cell.get("colspan"), _MAX_COLSPAN)
            rowspan = _span(cell.get("rowspan"), _MAX_ROWSPAN)
            for j in range(colspan):
                row.append(text if j == 0 else "")
                if rowspan > 1:
                    pending[col] = rowspan - 1
                col += 1
        # Positions after the last cell still covered from rows above.
        last = max((c for c, left in pending.items() if left > 0), default=-1)
        while col <= last:
            row.append("")
            if pending.get(col, 0) > 0:
                pending[col] -= 1
            col += 1
        width = max(width, len(cells))
        grid.append(row)
    if width <= 1:
        return False
    out.append("\n")
    caption = table.find("caption")
    if caption is not None and caption.find_parent("table") is table:
        out.append(_cell_text(caption) + "\n")
    for row in grid:
        if any(row):
            out.append(" | ".join(row) + "\n")
    return True


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
