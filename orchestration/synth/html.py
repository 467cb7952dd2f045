"""The ``html`` layout: a report as a government site publishes it (`ogi synth`).

Why: most reports are read off web pages, and the parser must find the
report inside a page full of site chrome (menus, breadcrumbs, share widgets,
scripts, footers), decode whatever charset the page declares, and read the
three tables from real ``<table>`` markup with the official form's
rowspan/colspan structure.  The pages imitate the fixtures in
tests/fixtures/layouts/html_*.html, which were written after real sites:

* a *site* (one per agency, so it looks the same every year) fixes the page
  template, the declared charset (utf-8, gbk or gb2312, and the bytes are
  encoded so), how table cells are marked up and a few habits (full-width
  "1．" numbering, blank 规章 cells for bodies without rule-making power);
* cell markup is one of ``word`` (a Word document pasted into the CMS:
  ``MsoNormalTable``, ``<p class=MsoNormal><span>``, multi-digit numbers
  split over two spans), ``plain`` (``<th>``/``<td>`` with ``<br>`` in the
  headers) or ``para`` (every cell wrapped in ``<p>``/``<span>``);
* the prose is raw page text (full-width punctuation) in ``<p>`` tags; the
  figures it prints are recorded by `Writer` as in every other layout.

Reports of 2019 and 2020 use the 2019 trial form (five sub-tables in table
二, one (六)其他处理 row), later ones the 2021 form.  Markup is written with
plain string building: a 100,000-report run renders tens of thousands of
pages.

Table-layout variants (`VARIANTS`; off unless asked for, so default pages
are byte-for-byte what they were): `ogi synth --variants rowspan,blank`
gives every web page those drawings, `--variants mix` lets each site draw
its own subset once (a site habit, the same every year).  The truth follows
what is printed.

* ``rowspan`` — table 三 drawn with two label columns: the group label
  (三、本年度办理结果 over (一)/(二), （三）不予公开 over its eight items …)
  in a left column spanning its rows with rowspan, the item labels in the
  next column; rows without a group span both label columns.
* ``blank`` — cells meaning "nothing filed" printed empty instead of 0: a
  row of zeros in tables 三/四 is left wholly blank, other zero cells of
  tables 二/三/四 are blank half the time.  The truth of a blank cell is
  null (the warehouse must store no number there), never 0.
* ``subtables`` — table 二 printed as one ``<table>`` per 第二十条 item
  (five for the 2019 form, four for 2021), each with its own
  ``第二十条第（X）项`` banner row and ``信息内容 | …`` header row, and empty
  spacer cells (``<td>&nbsp;</td>``) instead of colspan where a sub-table
  has fewer columns than four.
* ``split_header`` — table 三's and 四's header levels each on a row of
  their own, no rowspan between header rows: 申请人情况 / 自然人 |
  法人或其他组织 (colspan 5) | 总计 / the five organisation columns, empty
  cells under 自然人 and 总计; table 四 行政复议 | 行政诉讼 / 未经复议直接起诉 |
  复议后起诉 / the fifteen 结果维持 … 总计 cells on the third row.
* ``borderless`` — tables drawn without ruling lines (a stylesheet rule
  ``table, th, td {border: none !important}``): the HTML reads the same, but
  a PDF printed from it has no lines for a table finder to follow, so its
  text layer is all a reader gets — wrapped header words stacked on two
  lines, one-figure rows printed on the label's line.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from html import escape

from orchestration.synth.layouts import (
    _FULLWIDTH,
    HEADINGS_2019,
    HEADINGS_2021,
    REQ_LABELS,
    REQ_NOTE,
    Doc,
    Rendered,
    Writer,
    _ctx,
    _date_cn,
    _fmt,
    _metrics,
    _overview_blocks,
    _problems,
    INTRO,
    INTRO_NO_YEAR,
)
from transforms import codes

# ---------------------------------------------------------------------------
# Sites: what stays the same on one agency's pages from year to year.
# ---------------------------------------------------------------------------

TEMPLATES = ("portal", "xhtml", "legacy", "column")
VARIANTS = ("rowspan", "blank", "subtables", "split_header", "borderless")
CELL_STYLES = ("word", "plain", "para")
_CHARSET_OF = {"portal": "utf-8", "xhtml": "gbk", "legacy": "gb2312", "column": "utf-8"}


@dataclass(frozen=True)
class Site:
    """The page habits of one agency's website (drawn once per agency)."""

    template: str
    charset: str  # as declared in <meta>
    cells: str  # word / plain / para
    fullwidth_dot: bool  # "1．属于国家秘密" rather than "1.属于国家秘密"
    blank_regs: bool  # 规章 cells left empty (&nbsp;) by bodies that make no 规章
    share: bool  # an inline share widget under the title
    host: str
    variants: frozenset[str] = frozenset()  # table-layout variants (VARIANTS) this site draws


def check_variants(variants: tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """Validated variant names (None/empty = none; "mix" = each site draws its own subset)."""
    names = tuple(variants or ())
    if names == ("mix",):
        return names
    unknown = set(names) - set(VARIANTS)
    if unknown:
        raise ValueError(f"variants must be 'mix' or a subset of {', '.join(VARIANTS)}; got {sorted(names)}")
    return tuple(v for v in VARIANTS if v in names)


def make_site(site_seed: int, prov_code: str, variants: tuple[str, ...] | None = None) -> Site:
    """One agency's site, from its own seed: the same template, charset and markup every year.

    `variants` (see `check_variants`): given names are drawn by every site;
    "mix" draws each variant with probability 1/2 from a second RNG, so the
    site's other habits are the same as without variants.
    """
    site = _make_site(site_seed, prov_code)
    if not variants:
        return site
    if tuple(variants) == ("mix",):
        vrng = random.Random(site_seed ^ 0x5A17E5)
        chosen = frozenset(v for v in VARIANTS if vrng.random() < 0.5)
    else:
        chosen = frozenset(check_variants(variants))
    return replace(site, variants=chosen)


def _make_site(site_seed: int, prov_code: str) -> Site:
    rng = random.Random(site_seed)
    template = rng.choice(TEMPLATES)
    charset = _CHARSET_OF[template]
    if rng.random() < 0.2:  # CMS migrations leave every combination somewhere
        charset = rng.choice(("utf-8", "gbk", "gb2312"))
    cells = "word" if template == "portal" and rng.random() < 0.6 else rng.choice(CELL_STYLES)
    return Site(template=template, charset=charset, cells=cells, fullwidth_dot=rng.random() < 0.4,
                blank_regs=rng.random() < 0.5, share=rng.random() < 0.5,
                host=f"www.{prov_code}.gov.cn" if rng.random() < 0.3 else f"{prov_code}{rng.randint(1, 99)}.gov.cn")


def page_codec(text: str, charset: str) -> str:
    """The codec whose bytes the server sends for a declared charset.

    GB2312 lacks characters of some place names (浉河区, 猇亭区); CMSs that
    declare gb2312 really write GBK, as browsers assume.
    """
    if charset != "gb2312":
        return charset
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return "gbk"
    return "gb2312"


# ---------------------------------------------------------------------------
# Cells.
# ---------------------------------------------------------------------------

_WORD_TD = "valign=middle style='border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt'"
_WORD_P = "<p class=MsoNormal align=center style='text-align:center'>"
_WORD_LABEL = "<span style='font-size:10.5pt;font-family:宋体;mso-font-kerning:0pt'>"
_WORD_NUM = "<span lang=EN-US style='font-size:10.5pt;mso-fareast-font-family:宋体'>"


def _span(rowspan: int, colspan: int, quote: str) -> str:
    out = ""
    if colspan > 1:
        out += f" colspan={quote}{colspan}{quote}"
    if rowspan > 1:
        out += f" rowspan={quote}{rowspan}{quote}"
    return out


class Cells:
    """Writes `<td>` markup in one site's style."""

    def __init__(self, style: str, rng: random.Random):
        self.style = style
        self.rng = rng

    def label(self, text: str, rowspan: int = 1, colspan: int = 1, head: bool = False) -> str:
        """A label cell; ``text`` may hold "\\n" where a header wraps (plain style prints <br>)."""
        style = self.style
        if style == "word":
            body = escape(text.replace("\n", ""))
            return (f"  <td{_span(rowspan, colspan, '')} {_WORD_TD}>{_WORD_P}{_WORD_LABEL}{body}</span>"
                    "<o:p></o:p></p></td>\n")
        if style == "plain":
            tag = "th" if head else "td"
            body = "<br>".join(escape(part) for part in text.split("\n"))
            return f"<{tag}{_span(rowspan, colspan, chr(34))}>{body}</{tag}>"
        body = escape(text.replace("\n", ""))
        return (f'<td{_span(rowspan, colspan, chr(34))} valign="middle"><p style="text-align:center;">'
                f'<span style="font-size:14px;">{body}</span></p></td>')

    def value(self, v: object, colspan: int = 1) -> str:
        """A value cell: the printed figure, or an empty cell for a blank (None)."""
        text = _fmt(v)
        style = self.style
        if style == "word":
            if not text:
                inner = "&nbsp;"
            elif len(text) > 1 and self.rng.random() < 0.35:  # Word splits runs: 1</span><span>7
                cut = 1 + int(self.rng.random() * (len(text) - 1))
                inner = f"{_WORD_NUM}{text[:cut]}</span>{_WORD_NUM}{text[cut:]}</span>"
            else:
                inner = f"{_WORD_NUM}{text}</span>"
            return f"  <td{_span(1, colspan, '')} {_WORD_TD}>{_WORD_P}{inner}<o:p></o:p></p></td>\n"
        if style == "plain":
            return f"<td{_span(1, colspan, chr(34))}>{text or '&nbsp;'}</td>"
        return (f'<td{_span(1, colspan, chr(34))} valign="middle"><p style="text-align:center;">'
                f'{text or "&nbsp;"}</p></td>')

    def row(self, cells: list[str]) -> str:
        if self.style == "word":
            return "<tr style='height:20.0pt'>\n" + "".join(cells) + " </tr>\n"
        return "<tr>" + "".join(cells) + "</tr>\n"

    def table(self, rows: list[str], width: int) -> str:
        if self.style == "word":
            return (f"<div align=center>\n<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0 "
                    f"width={width} "
                    "style='width:450.0pt;border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
                    "mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>\n <tbody>\n" + "".join(rows)
                    + " </tbody>\n</table>\n</div>\n")
        if self.style == "plain":
            return ('<table border="1" cellspacing="0" cellpadding="4" width="100%" style="border-collapse:collapse">\n'
                    "<tbody>\n" + "".join(rows) + "</tbody>\n</table>\n")
        return (f'<table class="table" align="center" border="1" cellspacing="0" width="{width}">\n<tbody>\n'
                + "".join(rows) + "</tbody>\n</table>\n")


# ---------------------------------------------------------------------------
# Tables.
# ---------------------------------------------------------------------------


def _fw(label: str) -> str:
    return label.translate(_FULLWIDTH)


def _item(label: str, site: Site) -> str:
    """Official numbering "1.属于国家秘密"; some sites type the full-width "1．"."""
    label = _fw(label)
    return label.replace(".", "．", 1) if site.fullwidth_dot else label


def _caption(c: Cells, text: str) -> str:
    return c.row([c.label(text, colspan=4)])


def _spaced(c: Cells, cells: list[str], used: int) -> str:
    """A sub-table row padded to four columns with empty spacer cells."""
    return c.row(cells + [c.value(None) for _ in range(4 - used)])


def _sub_tables(c: Cells, parts: list[tuple[str, list[str], list[tuple[str, list[object]]]]],
                banner_spacers: bool) -> str:
    """Table 二 as one <table> per 第二十条 item: banner row, 信息内容 header row, data rows (spacer cells pad
    every row to four columns)."""
    out = []
    for caption, heads, items in parts:
        banner = ([c.label(caption)] + [c.value(None)] * 3) if banner_spacers else [c.label(caption, colspan=4)]
        rows = [c.row(banner),
                _spaced(c, [c.label("信息内容", head=True)] + [c.label(h, head=True) for h in heads], 1 + len(heads))]
        for label, values in items:
            rows.append(_spaced(c, [c.label(label)] + [c.value(v) for v in values], 1 + len(values)))
        out.append(c.table(rows, 600))
    return "<p>&nbsp;</p>\n".join(out)


def active_2021_subtables(doc: Doc, c: Cells, banner_spacers: bool) -> str:
    a = doc.active
    dec = ["本年处理决定数量"]
    return _sub_tables(c, [
        ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
         [("规章", [a[f"regulations.{m}"] for m in ("issued", "repealed", "in_force")]),
          ("行政规范性文件", [a[f"normative_documents.{m}"] for m in ("issued", "repealed", "in_force")])]),
        ("第二十条第（五）项", dec, [("行政许可", [a["licensing.decisions"]])]),
        ("第二十条第（六）项", dec, [("行政处罚", [a["punishment.decisions"]]), ("行政强制", [a["coercion.decisions"]])]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", [a["fees.amount"]])]),
    ], banner_spacers)


def active_2019_subtables(doc: Doc, c: Cells, banner_spacers: bool) -> str:
    a = doc.active
    items3 = ["上一年\n项目数量", "本年\n增/减", "处理决定\n数量"]
    m3 = ("prior_year", "change", "decisions")
    amount = a["procurement.amount"]
    return _sub_tables(c, [
        ("第二十条第（一）项", ["本年新\n制作数量", "本年新\n公开数量", "对外公开\n总数量"],
         [(label, [a[f"{item}.{m}"] for m in ("new_made", "new_published", "total_published")])
          for item, label in (("regulations", "规章"), ("normative_documents", "规范性文件"))]),
        ("第二十条第（五）项", items3, [(label, [a[f"{item}.{m}"] for m in m3]) for item, label in
                                   (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"))]),
        ("第二十条第（六）项", items3, [(label, [a[f"{item}.{m}"] for m in m3]) for item, label in
                                   (("punishment", "行政处罚"), ("coercion", "行政强制"))]),
        ("第二十条第（八）项", ["上一年\n项目数量", "本年\n增/减"],
         [("行政事业性收费", [a["fees.prior_year"], a["fees.change"]])]),
        ("第二十条第（九）项", ["采购项目数量", "采购总金额"],
         [("政府集中采购", [a["procurement.items"], None if amount is None else f"{amount}元"])]),
    ], banner_spacers)


def active_2021(doc: Doc, c: Cells) -> str:
    a = doc.active
    regs = [a["regulations.issued"], a["regulations.repealed"], a["regulations.in_force"]]
    decisions = [c.label("信息内容", head=True), c.label("本年处理决定数量", colspan=3, head=True)]
    rows = [
        _caption(c, "第二十条第（一）项"),
        c.row([c.label("信息内容", head=True), c.label("本年制发件数", head=True), c.label("本年废止件数", head=True),
               c.label("现行有效件数", head=True)]),
        c.row([c.label("规章")] + [c.value(v) for v in regs]),
        c.row([c.label("行政规范性文件")]
              + [c.value(a[f"normative_documents.{m}"]) for m in ("issued", "repealed", "in_force")]),
        _caption(c, "第二十条第（五）项"),
        c.row(decisions),
        c.row([c.label("行政许可"), c.value(a["licensing.decisions"], colspan=3)]),
        _caption(c, "第二十条第（六）项"),
        c.row(decisions),
        c.row([c.label("行政处罚"), c.value(a["punishment.decisions"], colspan=3)]),
        c.row([c.label("行政强制"), c.value(a["coercion.decisions"], colspan=3)]),
        _caption(c, "第二十条第（八）项"),
        c.row([c.label("信息内容", head=True), c.label("本年收费金额（单位：万元）", colspan=3, head=True)]),
        c.row([c.label("行政事业性收费"), c.value(a["fees.amount"], colspan=3)]),
    ]
    return c.table(rows, 600)


def active_2019(doc: Doc, c: Cells) -> str:
    a = doc.active
    items_head = [c.label("信息内容", head=True), c.label("上一年\n项目数量", head=True), c.label("本年\n增/减", head=True),
                  c.label("处理决定\n数量", head=True)]
    rows = [
        _caption(c, "第二十条第（一）项"),
        c.row([c.label("信息内容", head=True), c.label("本年新\n制作数量", head=True), c.label("本年新\n公开数量", head=True),
               c.label("对外公开\n总数量", head=True)]),
    ]
    for item, label in (("regulations", "规章"), ("normative_documents", "规范性文件")):
        metrics = ("new_made", "new_published", "total_published")
        rows.append(c.row([c.label(label)] + [c.value(a[f"{item}.{m}"]) for m in metrics]))
    for cap, items in (("第二十条第（五）项", (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"))),
                       ("第二十条第（六）项", (("punishment", "行政处罚"), ("coercion", "行政强制")))):
        rows += [_caption(c, cap), c.row(items_head)]
        for item, label in items:
            metrics = ("prior_year", "change", "decisions")
            rows.append(c.row([c.label(label)] + [c.value(a[f"{item}.{m}"]) for m in metrics]))
    amount = a["procurement.amount"]
    rows += [
        _caption(c, "第二十条第（八）项"),
        c.row([c.label("信息内容", head=True), c.label("上一年\n项目数量", head=True), c.label("本年\n增/减", colspan=2, head=True)]),
        c.row([c.label("行政事业性收费"), c.value(a["fees.prior_year"]), c.value(a["fees.change"], colspan=2)]),
        _caption(c, "第二十条第（九）项"),
        c.row([c.label("信息内容", head=True), c.label("采购项目数量", head=True), c.label("采购总金额", colspan=2, head=True)]),
        c.row([c.label("政府集中采购"), c.value(a["procurement.items"]),
               c.value(None if amount is None else f"{amount}元", colspan=2)]),
    ]
    return c.table(rows, 600)


_GROUPS = (  # group label, its rows (2021 form; the 2019 form has one (六) row)
    ("（三）不予公开", codes.DENIED_ROWS),
    ("（四）无法提供", codes.UNABLE_ROWS),
    ("（五）不予处理", codes.REJECTED_ROWS),
    ("（六）其他处理", codes.OTHER_ROWS_2021),
)


_ORG_HEADS = ("商业\n企业", "科研\n机构", "社会公益\n组织", "法律服务\n机构", "其他")


def _requests_head(c: Cells, label_cols: int, split: bool) -> list[str]:
    """Table 三's three header rows: the official merged block, or (split) one header level per row with
    empty cells where the official form merges down."""
    if not split:
        return [
            c.row([c.label(_fw(REQ_NOTE), rowspan=3, colspan=label_cols, head=True),
                   c.label("申请人情况", colspan=7, head=True)]),
            c.row([c.label("自然人", rowspan=2, head=True), c.label("法人或其他组织", colspan=5, head=True),
                   c.label("总计", rowspan=2, head=True)]),
            c.row([c.label(t, head=True) for t in _ORG_HEADS]),
        ]
    blank = c.label("", colspan=label_cols, head=True)
    return [
        c.row([c.label(_fw(REQ_NOTE), colspan=label_cols, head=True), c.label("申请人情况", colspan=7, head=True)]),
        c.row([blank, c.label("自然人", head=True), c.label("法人或其他组织", colspan=5, head=True),
               c.label("总计", head=True)]),
        c.row([blank, c.label("", head=True)] + [c.label(t, head=True) for t in _ORG_HEADS] + [c.label("", head=True)]),
    ]


def requests_table(doc: Doc, site: Site, c: Cells) -> str:
    """Table 三 with the official header block and row groups, rowspans included."""
    if "rowspan" in site.variants:
        return requests_table_two_columns(doc, site, c)
    r = doc.requests
    single_other = codes.OTHER_ROW_SINGLE in r
    vals = lambda row: [c.value(v) for v in r[row]]  # noqa: E731
    rows = _requests_head(c, 3, "split_header" in site.variants) + [
        c.row([c.label(REQ_LABELS["new_received"], colspan=3)] + vals("new_received")),
        c.row([c.label(REQ_LABELS["carried_over"], colspan=3)] + vals("carried_over")),
        c.row([c.label("三、本年度办理结果", rowspan=20 if single_other else 22),
               c.label(_fw(REQ_LABELS["granted"]), colspan=2)] + vals("granted")),
        c.row([c.label(_fw(REQ_LABELS["partly_granted"]), colspan=2)] + vals("partly_granted")),
    ]
    for group, members in _GROUPS:
        if single_other and members == codes.OTHER_ROWS_2021:
            rows.append(c.row([c.label(group, colspan=2)] + vals(codes.OTHER_ROW_SINGLE)))
            continue
        for k, row in enumerate(members):
            lead = [c.label(group, rowspan=len(members))] if k == 0 else []
            rows.append(c.row(lead + [c.label(_item(REQ_LABELS[row], site))] + vals(row)))
    rows.append(c.row([c.label(_fw(REQ_LABELS["total_processed"]), colspan=2)] + vals("total_processed")))
    rows.append(c.row([c.label(REQ_LABELS["carried_forward"], colspan=3)] + vals("carried_forward")))
    return c.table(rows, 640)


def requests_table_two_columns(doc: Doc, site: Site, c: Cells) -> str:
    """Variant ``rowspan``: two label columns; a group's label spans its rows in the left column
    (三、本年度办理结果 over (一) and (二)), item labels in the right one."""
    r = doc.requests
    single_other = codes.OTHER_ROW_SINGLE in r
    vals = lambda row: [c.value(v) for v in r[row]]  # noqa: E731
    rows = _requests_head(c, 2, "split_header" in site.variants)
    rows += [
        c.row([c.label(REQ_LABELS["new_received"], colspan=2)] + vals("new_received")),
        c.row([c.label(REQ_LABELS["carried_over"], colspan=2)] + vals("carried_over")),
        c.row([c.label("三、本年度办理结果", rowspan=2), c.label(_fw(REQ_LABELS["granted"]))] + vals("granted")),
        c.row([c.label(_fw(REQ_LABELS["partly_granted"]))] + vals("partly_granted")),
    ]
    for group, members in _GROUPS:
        if single_other and members == codes.OTHER_ROWS_2021:
            rows.append(c.row([c.label(group, colspan=2)] + vals(codes.OTHER_ROW_SINGLE)))
            continue
        for k, row in enumerate(members):
            lead = [c.label(group, rowspan=len(members))] if k == 0 else []
            rows.append(c.row(lead + [c.label(_item(REQ_LABELS[row], site))] + vals(row)))
    rows.append(c.row([c.label(_fw(REQ_LABELS["total_processed"]), colspan=2)] + vals("total_processed")))
    rows.append(c.row([c.label(REQ_LABELS["carried_forward"], colspan=2)] + vals("carried_forward")))
    return c.table(rows, 640)


def review_table(doc: Doc, c: Cells, split: bool = False) -> str:
    heads = ("结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计")
    if split:  # variant split_header: one header level per row, the 15 outcome labels on the third
        return c.table([
            c.row([c.label("行政复议", colspan=5, head=True), c.label("行政诉讼", colspan=10, head=True)]),
            c.row([c.label("", colspan=5, head=True), c.label("未经复议直接起诉", colspan=5, head=True),
                   c.label("复议后起诉", colspan=5, head=True)]),
            c.row([c.label(h, head=True) for h in heads * 3]),
            c.row([c.value(v) for p in codes.PROCEEDINGS for v in doc.review[p]]),
        ], 640)
    rows = [
        c.row([c.label("行政复议", colspan=5, head=True), c.label("行政诉讼", colspan=10, head=True)]),
        c.row([c.label(h, rowspan=2, head=True) for h in heads]
              + [c.label("未经复议直接起诉", colspan=5, head=True), c.label("复议后起诉", colspan=5, head=True)]),
        c.row([c.label(h, head=True) for h in heads * 2]),
        c.row([c.value(v) for p in codes.PROCEEDINGS for v in doc.review[p]]),
    ]
    return c.table(rows, 640)


# ---------------------------------------------------------------------------
# Site chrome.
# ---------------------------------------------------------------------------

_NAV = ("首页", "政务公开", "政务服务", "互动交流", "走进{rshort}")
_SCRIPT_STAT = ('<script>var _hmt = _hmt || []; (function() { var hm = document.createElement("script"); '
                'hm.src = "https://hm.baidu.com/hm.js?{key}"; var s = document.getElementsByTagName("script")[0]; '
                's.parentNode.insertBefore(hm, s); })();</script>\n')
_SHARE = ('<div class="bdsharebuttonbox"><span>分享到：</span><a href="#" class="bds_weixin" data-cmd="weixin" '
          'title="分享到微信"></a><a href="#" class="bds_tsina" data-cmd="tsina" title="分享到新浪微博"></a>'
          '<a href="#" class="bds_qzone" data-cmd="qzone" title="分享到QQ空间"></a></div>\n'
          '<script>window._bd_share_config={"common":{"bdSnsKey":{},"bdText":"","bdMini":"2","bdPic":"",'
          '"bdStyle":"0","bdSize":"16"},"share":{}};with(document)0[(getElementsByTagName("head")[0]||body)'
          '.appendChild(createElement("script")).src="/static/api/js/share.js?cdnversion="'
          '+~(-new Date()/36e5)];</script>\n')


@dataclass
class Page:
    """What the chrome needs about one report."""

    title: str
    portal: str
    source: str
    published: date
    charset: str
    host: str
    share: bool
    neighbours: tuple[str, str]  # 上一篇 / 下一篇 titles


def _portal(doc: Doc) -> str:
    a = doc.agency
    if a.level == "province" and a.dept_key not in ("gov", "govo"):
        return a.name
    return f"{a.region}人民政府"


def _neighbours(doc: Doc, rng: random.Random) -> tuple[str, str]:
    """Sibling reports listed under the article (other departments, same year)."""
    a = doc.agency
    others = [d for d in ("水利局", "教育局", "民政局", "财政局", "审计局", "统计局", "司法局") if d != a.dept]
    first, second = rng.sample(others, 2)
    return (f"{a.region}{first}{doc.year}年度政府信息公开工作年度报告",
            f"{a.region}{second}{doc.year}年度政府信息公开工作年度报告")


def _head(page: Page, rng: random.Random, xhtml: bool) -> str:
    meta = (f'<meta http-equiv="Content-Type" content="text/html; charset={page.charset}" />' if xhtml
            else f'<meta charset="{page.charset}">')
    return (f"<head>\n{meta}\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<meta name=\"ArticleTitle\" content=\"{page.title}\">\n"
            f"<meta name=\"PubDate\" content=\"{page.published.isoformat()} "
            f"{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}\">\n"
            f"<title>{page.title}_{page.portal}</title>\n"
            f'<link rel="canonical" href="http://{page.host}/zwgk/nb/{page.published:%Y%m}/'
            f't{page.published:%Y%m%d}_{rng.randint(10 ** 5, 10 ** 6 - 1)}.html">\n'
            '<link rel="stylesheet" type="text/css" href="/css/common.css">\n'
            '<style type="text/css">.article p{text-indent:2em;line-height:2;} .article table{margin:0 auto;}</style>\n'
            '<script type="text/javascript" src="/js/jquery.min.js"></script>\n'
            + _SCRIPT_STAT.replace("{key}", "%032x" % rng.getrandbits(128)) + "</head>\n")


def _nav(rshort: str) -> str:
    items = "".join(f'<li><a href="/{i}/">{t.format(rshort=rshort)}</a></li>' for i, t in enumerate(_NAV))
    return f'<ul class="nav">{items}</ul>\n'


def _footer(page: Page, rng: random.Random) -> str:
    return (f'<div class="footer"><p>主办：{page.portal}办公室　承办：{page.portal}大数据中心</p>'
            f"<p>联系电话：0{rng.randint(310, 999)}-{rng.randint(2000000, 8999999)}　"
            f"网站标识码：{rng.randint(10 ** 9, 10 ** 10 - 1)}</p>"
            f"<p>ICP备{rng.randint(10 ** 7, 10 ** 8 - 1)}号-1　公网安备 {rng.randint(10 ** 13, 10 ** 14 - 1)}号</p></div>\n"
            '<script type="text/javascript" src="/js/common.js"></script>\n')


def _prevnext(page: Page) -> str:
    prev, nxt = page.neighbours
    return f'<div class="prevnext"><p><a href="#">上一篇：{prev}</a></p><p><a href="#">下一篇：{nxt}</a></p></div>\n'


def _share(page: Page) -> str:
    return _SHARE if page.share else ""


def chrome_portal(page: Page, body: str, rng: random.Random, rshort: str) -> str:
    """A modern CMS page: the article in a TRS_Editor div (fixture html_2021_official_utf8)."""
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n" + _head(page, rng, False) + "<body>\n"
            '<div class="top-bar">无障碍 | 长者模式 | 简体 | 繁體</div>\n'
            f'<div class="header"><div class="logo">{page.portal}</div>\n{_nav(rshort)}</div>\n'
            '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
            '<a href="/zwgk/nb/">政府信息公开年报</a></div>\n<div class="article">\n'
            f'<h1 class="title">{page.title}</h1>\n'
            f'<div class="info">发布日期：{page.published.isoformat()}　　来源：{page.source}　　浏览次数：'
            f'<span id="hits">{rng.randint(30, 5000)}</span>　　'
            '字体：【<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>\n'
            + _share(page) + '<div class="TRS_Editor" id="zoom">\n' + body + "</div>\n"
            '<div class="tools"><a href="javascript:window.print()">【打印本页】</a>　'
            '<a href="javascript:window.close()">【关闭窗口】</a></div>\n'
            + _prevnext(page) + "</div>\n" + _footer(page, rng) + "</body>\n</html>\n")


def chrome_xhtml(page: Page, body: str, rng: random.Random, rshort: str) -> str:
    """An XHTML 1.0 template with a crumb trail and con-* blocks (fixture html_2021_official_gbk)."""
    return ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">\n'
            + _head(page, rng, True) + '<body>\n<div class="wrap">\n'
            f'<div class="head"><div class="logo">{page.portal}</div>{_nav(rshort)}</div>\n'
            '<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报 &gt; 部门年报</div>\n'
            f'<div class="content">\n<div class="con-title">{page.title}</div>\n'
            f'<div class="con-info">发布日期：{page.published.isoformat()} 来源：{page.source} 字号：【大 中 小】 '
            '<a href="javascript:window.print()">打印本页</a></div>\n'
            + _share(page) + '<div class="con-text" id="Zoom">\n' + body + "</div>\n</div>\n"
            + _prevnext(page) + "</div>\n" + _footer(page, rng) + "</body>\n</html>\n")


def chrome_legacy(page: Page, body: str, rng: random.Random, rshort: str) -> str:
    """An old table-layout page with upper-case tags (fixture html_2021_official_gb2312)."""
    return ("<HTML>\n<HEAD>\n"
            f'<META http-equiv=Content-Type content="text/html; charset={page.charset}">\n'
            f"<TITLE>{page.title}</TITLE>\n"
            "<STYLE type=text/css>.bt {font-size:22px;font-weight:bold} .f12 {font-size:12px}</STYLE>\n"
            '<SCRIPT language=javascript src="/js/menu.js"></SCRIPT>\n</HEAD>\n'
            "<BODY leftMargin=0 topMargin=0>\n<TABLE width=1000 align=center border=0 cellPadding=0 cellSpacing=0>\n"
            '<TR><TD><IMG src="/images/banner.jpg"></TD></TR>\n'
            '<TR><TD class=f12>您当前的位置：<A href="/">首页</A> &gt;&gt; <A href="/zwgk/">政务公开</A> &gt;&gt; 年度报告</TD></TR>\n'
            "<TR><TD>\n <TABLE width=\"100%\" border=0>\n"
            f"  <TR><TD align=center class=bt>{page.title}</TD></TR>\n"
            f"  <TR><TD align=center class=f12>发布时间：{page.published.isoformat()}&nbsp;&nbsp;&nbsp;信息来源：{page.source}"
            '&nbsp;&nbsp;&nbsp;字体：【<A href="#">大</A> <A href="#">中</A> <A href="#">小</A>】</TD></TR>\n'
            "  <TR><TD>\n" + body + "  </TD></TR>\n </TABLE>\n</TD></TR>\n"
            f"<TR><TD align=center class=f12>版权所有：{page.portal} 技术支持：信息中心</TD></TR>\n</TABLE>\n</BODY>\n</HTML>\n")


def chrome_column(page: Page, body: str, rng: random.Random, rshort: str) -> str:
    """A 信息公开 column page with attribute metas and an ivs_content div (fixture html_2019_trial)."""
    return ("<!DOCTYPE html>\n<html>\n" + _head(page, rng, True) + "<body>\n"
            '<div id="top"><a href="/">设为首页</a> | <a href="#">加入收藏</a> | <a href="/m/">手机版</a></div>\n'
            f'<div class="head">{page.portal}</div>\n{_nav(rshort)}'
            '<div class="breadcrumb">您的位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; '
            '<a href="/xxgk/nb/">政府信息公开年报</a></div>\n<div class="main-box">\n'
            f'<div class="article-title"><h2>{page.title}</h2></div>\n'
            f'<div class="article-attr"><span>发布时间：{page.published.isoformat()}</span> '
            f'<span>来源：{page.source}</span></div>\n'
            '<div id="ivs_content" class="Custom_UnionStyle">\n' + body + "</div>\n"
            + (_SHARE if page.share else '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>\n')
            + '<div class="print"><a href="javascript:window.print()">【打印】</a> '
            '<a href="javascript:window.close()">【关闭】</a></div>\n'
            "</div>\n" + _footer(page, rng) + "</body>\n</html>\n")


CHROME = {"portal": chrome_portal, "xhtml": chrome_xhtml, "legacy": chrome_legacy, "column": chrome_column}


# ---------------------------------------------------------------------------
# The article.
# ---------------------------------------------------------------------------


_MSO_HEAD = ("<div class=WordSection1 style='layout-grid:15.6pt'>\n<!--[if gte mso 9]><xml>\n <o:DocumentProperties>\n"
             "  <o:Author>{author}</o:Author>\n  <o:Pages>{pages}</o:Pages>\n </o:DocumentProperties>\n"
             "</xml><![endif]-->"
             "<!--[if gte mso 9]><xml>\n <w:WordDocument>\n  <w:View>Normal</w:View>\n  <w:Zoom>0</w:Zoom>\n"
             "  <w:PunctuationKerning/>\n  <w:DrawingGridVerticalSpacing>7.8 磅</w:DrawingGridVerticalSpacing>\n"
             " </w:WordDocument>\n</xml><![endif]--><!--[if gte mso 10]>\n<style>\n table.MsoNormalTable "
             "{{mso-style-name:普通表格; mso-tstyle-rowband-size:0; mso-padding-alt:0cm 5.4pt 0cm 5.4pt;}}\n</style>\n"
             "<![endif]-->\n")


class Paras:
    """Article paragraphs in the site's markup (Word-pasted or CMS editor)."""

    def __init__(self, word: bool, rng: random.Random):
        self.word = word
        self.out: list[str] = []
        if word:  # a pasted Word document brings its properties and styles along
            self.out.append(_MSO_HEAD.format(author="".join(rng.choice("abcdefghjklmnpqrstwxyz") for _ in range(5)),
                                             pages=rng.randint(4, 9)))

    def close(self) -> str:
        return "".join(self.out) + ("</div>\n" if self.word else "")

    def text(self, s: str, align: str = "") -> None:
        body = escape(s)
        if self.word:
            al = (f" align={align} style='text-align:{align}'" if align
                  else " style='text-indent:32.0pt;line-height:28.0pt'")
            self.out.append(f"<p class=MsoNormal{al}><span style='font-size:16.0pt;font-family:仿宋_GB2312'>"
                            f"{body}<span lang=EN-US><o:p></o:p></span></span></p>\n")
        elif align:
            self.out.append(f'<p style="text-align:{align};">{body}</p>\n')
        else:
            self.out.append(f'<p style="text-indent:2em;">{body}</p>\n')

    def heading(self, s: str) -> None:
        if self.word:
            self.out.append("<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'><b><span "
                            f"style='font-size:16.0pt;font-family:黑体'>{escape(s)}"
                            "<span lang=EN-US><o:p></o:p></span></span></b></p>\n")
        else:
            self.out.append(f'<p style="text-indent:2em;"><strong>{escape(s)}</strong></p>\n')

    def raw(self, markup: str) -> None:
        self.out.append(markup)


_PREAMBLE = ("本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发"
             "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。本报告所列数据的统计期限"
             "自{year}年1月1日起至{year}年12月31日止。")
_PREAMBLE_2019 = "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，特向社会公布{year}年{agency}政府信息公开工作年度报告。"


def _other_matters(doc: Doc, rng: random.Random) -> str:
    unpaid = doc.requests.get("other_unpaid_fee", doc.requests.get("other_handling"))
    if unpaid[6] and rng.random() < 0.5:
        return "本年度有申请人逾期未按收费通知要求缴纳费用，未实际收取信息处理费。"
    return rng.choice(("本年度未收取信息处理费。无其他需要报告的事项。", "无。", "本机关本年度未收取政府信息公开信息处理费。"))


def _article(doc: Doc, site: Site, w: Writer, fmt: str, tables: Doc | None = None) -> str:
    """The report body: prose paragraphs and the three tables."""
    rng = doc.rng
    a = doc.agency
    p = Paras(site.cells == "word", rng)
    c = Cells(site.cells, rng)
    heads = {k: rng.choice(v) for k, v in HEADINGS_2021.items()} if fmt == "2021" else dict(HEADINGS_2019)
    if rng.random() < 0.7:
        p.text((_PREAMBLE if fmt == "2021" else _PREAMBLE_2019).format(year=doc.year, agency=a.name))
    p.heading(heads["overview"])
    p.text(w.pick(INTRO) if rng.random() < 0.6 else w.pick(INTRO_NO_YEAR))
    for block in _overview_blocks(w, doc, fmt, "line" if rng.random() < 0.5 else "inline"):
        p.text(block)
    p.heading(heads["proactive_disclosure"])
    t = tables if tables is not None else doc  # the printed cells (blank variant: None where left empty)
    if "subtables" in site.variants:
        spacers = random.Random(doc.year * 7919 + len(doc.agency.name)).random() < 0.5
        p.raw(active_2021_subtables(t, c, spacers) if fmt == "2021" else active_2019_subtables(t, c, spacers))
    else:
        p.raw(active_2021(t, c) if fmt == "2021" else active_2019(t, c))
    p.heading(heads["requests"])
    p.raw(requests_table(t, site, c))
    p.heading(heads["review_litigation"])
    p.raw(review_table(t, c, "split_header" in site.variants))
    p.heading(heads["problems_improvements"])
    for para in _problems(w, doc, "paren"):
        p.text(para)
    p.heading(heads["other_matters"])
    p.text(_other_matters(doc, rng))
    p.raw("<p>&nbsp;</p>\n")
    p.text(a.name, align="right")
    signed = doc.published_on - timedelta(days=rng.choice((0, 0, 0, 1, 2, 5)))
    p.text(_date_cn(signed), align="right")
    return p.close()


def blank_cells(doc: Doc, seed: int, keep: frozenset[str] = frozenset()) -> frozenset[str]:
    """Variant ``blank``: the truth keys ("requests.granted.natural" …) of the zero cells a page leaves empty.

    A row of zeros in tables 三/四 is left wholly blank (but for 本年新收 and （七）总计, which keep the
    page from looking like an empty form); any other zero count of tables 二/三/四 is blank with
    probability 1/2.  Cells in `keep` (a planted cell) are always printed.
    """
    rng = random.Random(seed)
    out: set[str] = set()

    def zero(v: object) -> bool:
        return type(v) is int and v == 0

    for table, rows, cols in (("requests", doc.requests, codes.APPLICANTS),
                              ("review_litigation", doc.review, codes.OUTCOMES)):
        for row, values in (rows or {}).items():
            whole = all(zero(v) for v in values) and row not in ("new_received", "total_processed")
            for col, v in zip(cols, values):
                key = f"{table}.{row}.{col}"
                if zero(v) and key not in keep and (whole or rng.random() < 0.5):
                    out.add(key)
    for key, v in (doc.active or {}).items():
        if zero(v) and f"active_disclosure.{key}" not in keep and rng.random() < 0.5:
            out.add(f"active_disclosure.{key}")
    return frozenset(out)


def _blanked(doc: Doc, blanks: frozenset[str]) -> Doc:
    """The doc with the blank cells' values replaced by None (what the tables print)."""
    def cells(table: str, rows: dict[str, list] | None, cols: tuple[str, ...]) -> dict[str, list] | None:
        if rows is None:
            return None
        return {row: [None if f"{table}.{row}.{col}" in blanks else v for col, v in zip(cols, vals)]
                for row, vals in rows.items()}

    active = None if doc.active is None else {
        k: None if f"active_disclosure.{k}" in blanks else v for k, v in doc.active.items()}
    return replace(doc, active=active, requests=cells("requests", doc.requests, codes.APPLICANTS),
                   review=cells("review_litigation", doc.review, codes.OUTCOMES))


def render_html(doc: Doc, site: Site, blanks: frozenset[str] = frozenset()) -> Rendered:
    """A whole page: chrome around the article, in the site's template and charset.

    `blanks` (variant ``blank``, see `blank_cells`): cells printed empty; the prose still states the
    figures of the whole table."""
    rng = doc.rng
    a = doc.agency
    fmt = "2021" if doc.year >= 2021 else "2019"
    w = Writer(rng, _ctx(doc), _metrics(doc), fullwidth=True)
    body = _article(doc, site, w, fmt, _blanked(doc, blanks) if blanks else None)
    title = f"{a.name}{doc.year}年{'度' if rng.random() < 0.6 else ''}政府信息公开工作年度报告"
    page = Page(title=title, portal=_portal(doc), source=a.name if rng.random() < 0.5 else a.short,
                published=doc.published_on, charset=site.charset, host=site.host, share=site.share,
                neighbours=_neighbours(doc, rng))
    text = CHROME[site.template](page, body, rng, a.rshort)
    if "borderless" in site.variants:
        text = text.replace("</head>", _BORDERLESS + "</head>", 1)
    return Rendered(text, list(codes.SECTIONS), w.narrative, w.stated, charset=site.charset)


_BORDERLESS = ('<style type="text/css">table, th, td {border: none !important; border-collapse: separate !important;}'
               " td, th {padding: 2px 6px !important;}</style>\n")
