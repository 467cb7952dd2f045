"""The ``crawler`` layout: a web page as a site crawler saved it (`ogi synth`).

Why: archives of government sites (pingtan_syq_2021/2023/2025 in the corpus)
keep only the page text -- a header block (标题/发布时间/原文链接 …), a
``==== 正文 ====`` line, then the whole body on one line, where every table
cell lost its separator: ``一、本年新收政府信息公开申请数量801000081`` is
80 | 1 | 0 | 0 | 0 | 0 | 81.  The layout imitates those pages (2021 form,
full-width punctuation, glued row numbers ``…国家秘密00000002.其他…``, a
stray space here and there inside a run).

A flattened run may be *undecidable*: ``行政规范性文件693665`` reads as
69|3|665, 6|93|665, … and only the table's arithmetic (row totals, T3-02,
T3-03) and the prose can choose.  The truth must state only what the page
determines, so this module also *reads* a page the way the contract
(corpus README, transforms/tables/flattened.py docstring) says a page must
be read, written independently of the parser, by brute force:

* a run is cut into cells with no leading zeros; a 表三 row's 总计 is the sum
  of its six columns, a 表四 proceeding's 总计 the sum of its four outcomes;
* a run with as many digits as cells, or exactly one lexical reading, or
  space-separated cells that satisfy its row total, is *fixed* (kept even
  when it breaks an identity: that is a document error for the checks);
* a run no reading of which satisfies its row total, and that is not fixed,
  gives no number (blocking: P-01);
* table 三's column identities keep the readings that take part in a full
  solution; when no full solution exists, every row that needed arithmetic
  gives no number (blocking);
* prose figures that name their cell (全年共收到政府信息公开申请N件 →
  新收 总计; 全年制发行政规范性文件N件 → 制发) choose among the remaining
  readings, one after the other, never against the identities;
* a cell on which the remaining readings disagree is NULL (warning P-02).

The generator then keeps tables 三 and 四 decidable -- a row the arithmetic
cannot decide is printed with its cell separators, as crawlers sometimes
keep them (pingtan_syq_2019: ``0 0 0 0 0 00``) -- because an undecided
cell there would make the identities unassessable; table 二 has no
arithmetic and its undecidable cells stay NULL in the truth, as in the gold
file of pingtan_syq_2021.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import product

from orchestration.synth.layouts import (
    _FULLWIDTH,
    HEADINGS_2021,
    INTRO,
    REQ_LABELS,
    REQ_NOTE,
    Doc,
    Rendered,
    Writer,
    _ctx,
    _fmt,
    _metrics,
    _overview_blocks,
    _problems,
)
from transforms import codes

# ---------------------------------------------------------------------------
# Reading flattened runs (the oracle behind the truth).
# ---------------------------------------------------------------------------

Reading = tuple[int, ...]
_PRODUCT_CAP = 20_000  # joint combinations the oracle enumerates before asking for separators
HINT_METRICS = frozenset({  # prose figures whose own clause names their cell (see the module docstring)
    "requests.new_received.total", "requests.carried_over.total", "requests.total_processed.total",
    "requests.carried_forward.total", "active_disclosure.normative_documents.issued",
})


class TooHard(Exception):
    """The joint search would be too large: the caller prints separators instead."""


def _valid(tok: str) -> bool:
    return tok == "0" or (tok[0] != "0" and tok.isdigit())


def request_readings(chars: str, limit: int | None = None) -> list[Reading]:
    """Seven cells whose last is the sum of the first six."""
    out: list[Reading] = []
    n = len(chars)
    for k in range(1, n - 5):
        total_txt = chars[n - k:]
        if not _valid(total_txt):
            continue
        total = int(total_txt)
        _parts(chars[: n - k], 6, total, [], out)
        if limit and len(out) >= limit:
            break
    return out


def _parts(s: str, cells: int, left: int, acc: list[int], out: list[Reading]) -> None:
    """Split s into `cells` valid numbers summing to `left` (appending acc + parts + total)."""
    if cells == 1:
        if _valid(s) and int(s) == left:
            out.append((*acc, left, sum(acc) + left))
        return
    for e in range(1, len(s) - cells + 2):
        tok = s[:e]
        if not _valid(tok):
            break
        v = int(tok)
        if v > left:
            break
        acc.append(v)
        _parts(s[e:], cells - 1, left - v, acc, out)
        acc.pop()


def lexical_readings(chars: str, n: int, limit: int | None = None) -> list[Reading]:
    """Every way to cut chars into n valid numbers (no arithmetic)."""
    out: list[Reading] = []

    def rec(pos: int, acc: list[int]) -> None:
        if limit and len(out) >= limit:
            return
        left = n - len(acc)
        if left == 0:
            if pos == len(chars):
                out.append(tuple(acc))
            return
        for e in range(pos + 1, len(chars) - left + 2):
            tok = chars[pos:e]
            if not _valid(tok):
                break
            acc.append(int(tok))
            rec(e, acc)
            acc.pop()

    rec(0, [])
    return out


def review_readings(chars: str) -> list[Reading]:
    """Fifteen cells: per proceeding, 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    out: list[Reading] = []

    def rec(pos: int, acc: list[int]) -> None:
        i = len(acc)
        if i == 15:
            if pos == len(chars):
                out.append(tuple(acc))
            return
        if i % 5 == 4:
            tok = str(sum(acc[i - 4:i]))
            if chars.startswith(tok, pos):
                acc.append(int(tok))
                rec(pos + len(tok), acc)
                acc.pop()
            return
        for e in range(pos + 1, len(chars) - (14 - i) + 1):
            tok = chars[pos:e]
            if not _valid(tok):
                break
            acc.append(int(tok))
            rec(e, acc)
            acc.pop()

    rec(0, [])
    return out


def _sums_hold(values: Reading) -> bool:
    if len(values) == 7:
        return values[6] == sum(values[:6])
    return all(values[p + 4] == sum(values[p:p + 4]) for p in (0, 5, 10))


@dataclass
class Run:
    """One row's run as printed, and what its own rules allow."""

    cands: list[Reading]
    fixed: bool = False
    dead: bool = False  # no number for this run (blocking)


def split(text: str, n: int, summed: bool) -> Run:
    """The readings of one printed run (spaces are possible boundaries, not required ones)."""
    tokens = text.split()
    if len(tokens) == n and all(_valid(t) for t in tokens):
        values = tuple(int(t) for t in tokens)
        if not summed or _sums_hold(values):
            return Run([values], fixed=True)
    chars = "".join(tokens)
    if len(chars) == n:
        return Run([tuple(int(ch) for ch in chars)], fixed=True)
    if not summed:
        return Run(lexical_readings(chars, n))
    found = request_readings(chars) if n == 7 else review_readings(chars)
    if found:
        return Run(found)
    lexical = lexical_readings(chars, n, limit=2)
    if len(lexical) == 1:
        return Run(lexical, fixed=True)
    return Run([], dead=True)


@dataclass(frozen=True)
class Identity:
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    @property
    def rows(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


IDENTITIES_2021 = (
    Identity(("total_processed",), codes.RESULT_ROWS_BASE + codes.OTHER_ROWS_2021),  # T3-02
    Identity(("new_received", "carried_over"), ("total_processed", "carried_forward")),  # T3-03
)


def _solutions(cands: Mapping[str, list[Reading]], ident: Identity) -> list[dict[str, Reading]]:
    """Every choice of one reading per row of `ident` that satisfies it column by column."""
    rows = ident.rows
    ambiguous = [r for r in rows if len(cands[r]) != 1]
    size = 1
    for r in ambiguous:
        size *= len(cands[r])
    if size > _PRODUCT_CAP:
        raise TooHard(max(ambiguous, key=lambda r: len(cands[r])))
    base = [0] * 7
    for sign, side in ((1, ident.lhs), (-1, ident.rhs)):
        for r in side:
            if len(cands[r]) == 1:
                for j, v in enumerate(cands[r][0]):
                    base[j] += sign * v
    signs = {r: (1 if r in ident.lhs else -1) for r in ambiguous}
    out = []
    for combo in product(*(cands[r] for r in ambiguous)):
        acc = list(base)
        for r, vals in zip(ambiguous, combo):
            s = signs[r]
            for j, v in enumerate(vals):
                acc[j] += s * v
        if not any(acc):
            out.append(dict(zip(ambiguous, combo)))
    return out


def joint(cands: Mapping[str, list[Reading]], identities: Iterable[Identity]) -> dict[str, list[Reading]] | None:
    """Each row's readings that take part in a solution of every identity at once; None if there is none.

    total_processed is the only row two identities share: fixing it makes
    the identities independent.
    """
    identities = list(identities)
    if not identities:
        return {r: list(c) for r, c in cands.items()}
    shared = sorted({r for i in identities for r in i.rows if sum(r in j.rows for j in identities) > 1})
    keep: dict[str, set[Reading]] = {r: set() for i in identities for r in i.rows}
    feasible = False
    for combo in product(*(cands[r] for r in shared)):
        trial = dict(cands)
        trial.update({r: [v] for r, v in zip(shared, combo)})
        found = [_solutions(trial, i) for i in identities]
        if not all(found):
            continue
        feasible = True
        for ident, sols in zip(identities, found):
            for r in ident.rows:
                if len(trial[r]) == 1:
                    keep[r].add(trial[r][0])
            for sol in sols:
                for r, v in sol.items():
                    keep[r].add(v)
    if not feasible:
        return None
    out = {r: list(c) for r, c in cands.items()}
    for r, allowed in keep.items():
        out[r] = [c for c in cands[r] if c in allowed]
    return out


@dataclass(frozen=True)
class Hint:
    row: str
    cell: int
    value: int


def solve_requests(printed: Mapping[str, str], hints: Iterable[Hint] = ()) -> tuple[dict[str, list[int | None]], bool]:
    """Table 三 as the page determines it: row -> cells (None = undecided), and whether reading it blocks."""
    runs = {row: split(text, 7, True) for row, text in printed.items()}
    blocking = any(r.dead for r in runs.values())
    usable = [i for i in IDENTITIES_2021 if all(not runs[r].dead for r in i.rows)]
    cands = {r: run.cands for r, run in runs.items()}
    supported = joint(cands, usable)
    if supported is None:
        blocking = True
        for r in {r for i in usable for r in i.rows}:
            if not runs[r].fixed:
                runs[r].dead = True
    else:
        cands = supported
        for hint in sorted(hints, key=lambda h: (h.row, h.cell)):
            cands = _apply_hint(cands, runs, usable, hint)
    return {r: _cells(cands[r], 7, runs[r].dead) for r in printed}, blocking


def _apply_hint(cands: dict[str, list[Reading]], runs: Mapping[str, Run], usable: list[Identity],
                hint: Hint) -> dict[str, list[Reading]]:
    """A prose figure keeps the readings that give it, unless none (then it is ignored)."""
    mine = cands.get(hint.row)
    if not mine or runs[hint.row].dead or all(c[hint.cell] == hint.value for c in mine):
        return cands
    keep = [c for c in mine if c[hint.cell] == hint.value]
    if not keep:
        return cands
    if any(hint.row in i.rows for i in usable):
        trial = dict(cands)
        trial[hint.row] = keep
        supported = joint(trial, usable)
        return cands if supported is None else supported
    out = dict(cands)
    out[hint.row] = keep
    return out


def _cells(cands: list[Reading], n: int, dead: bool) -> list[int | None]:
    if dead or not cands:
        return [None] * n
    first = cands[0]
    return [first[k] if all(c[k] == first[k] for c in cands) else None for k in range(n)]


def solve_review(text: str) -> tuple[list[int | None], bool]:
    run = split(text, 15, True)
    return _cells(run.cands, 15, run.dead), run.dead


def solve_active(runs: Mapping[str, str], hints: Iterable[Hint] = ()) -> dict[str, list[object]]:
    """Table 二 (2021): rows without arithmetic; a single cell is what it prints."""
    out: dict[str, list[object]] = {}
    for item, text in runs.items():
        n = len(codes.ACTIVE_LAYOUT_2021[item])
        if n == 1:
            out[item] = [text]
            continue
        run = split(text, n, False)
        for hint in hints:
            if hint.row == item:
                keep = [c for c in run.cands if c[hint.cell] == hint.value]
                run.cands = keep or run.cands
        out[item] = _cells(run.cands, n, run.dead)
    return out


# ---------------------------------------------------------------------------
# Separators: keep tables 三 and 四 decidable.
# ---------------------------------------------------------------------------


@dataclass
class Layout:
    """Which runs keep their separators, and where a stray space falls."""

    spaced: set[str] = field(default_factory=set)  # row codes of table 三, and "review"
    stray: dict[str, int] = field(default_factory=dict)  # row -> cell boundary printed with one space


def _run_text(values: list[int], key: str, layout: Layout) -> str:
    cells = [str(v) for v in values]
    if key in layout.spaced:
        return " ".join(cells)
    at = layout.stray.get(key)
    if at is not None:
        return "".join(cells[:at]) + " " + "".join(cells[at:])
    return "".join(cells)


def printed_requests(requests: Mapping[str, list[int]], layout: Layout) -> dict[str, str]:
    return {row: _run_text(vals, row, layout) for row, vals in requests.items()}


def printed_review(review: Mapping[str, list[int]], layout: Layout) -> str:
    return _run_text([v for p in codes.PROCEEDINGS for v in review[p]], "review", layout)


def choose_layout(requests: Mapping[str, list[int]], review: Mapping[str, list[int]], rng: random.Random) -> Layout:
    """Stray spaces for realism, separators wherever the arithmetic alone leaves a cell open."""
    layout = Layout()
    for key, n in [(row, 7) for row in requests] + [("review", 15)]:
        if rng.random() < 0.06:
            layout.stray[key] = 1 + int(rng.random() * (n - 1))
    while True:
        try:
            cells, _ = solve_requests(printed_requests(requests, layout))
        except TooHard as exc:
            layout.spaced.add(exc.args[0])
            continue
        open_rows = {r for r, vals in cells.items() if None in vals}
        if not open_rows:
            break
        layout.spaced |= open_rows
    if None in solve_review(printed_review(review, layout))[0]:
        layout.spaced.add("review")
    return layout


# ---------------------------------------------------------------------------
# Rendering.
# ---------------------------------------------------------------------------


def _fw(s: str) -> str:
    return s.translate(_FULLWIDTH)


def _sep(rng: random.Random) -> str:
    return " " if rng.random() < 0.3 else ""


def active_text(doc: Doc, rng: random.Random) -> str:
    a = doc.active
    f = _fmt
    return (
        f"第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章{_sep(rng)}"
        f"{f(a['regulations.issued'])}{f(a['regulations.repealed'])}{f(a['regulations.in_force'])}"
        f"行政规范性文件{f(a['normative_documents.issued'])}{f(a['normative_documents.repealed'])}"
        f"{f(a['normative_documents.in_force'])}第二十条第（五）项信息内容本年处理决定数量行政许可"
        f"{f(a['licensing.decisions'])}{_sep(rng)}第二十条第（六）项信息内容{_sep(rng)}本年处理决定数量行政处罚"
        f"{f(a['punishment.decisions'])}行政强制{f(a['coercion.decisions'])}第二十条第（八）项信息内容{_sep(rng)}"
        f"本年收费金额（单位：万元）行政事业性收费{f(a['fees.amount'])}"
    )


def requests_text(runs: Mapping[str, str], rng: random.Random) -> str:
    parts = [_fw(REQ_NOTE), "申请人情况自然人法人或其他组织总计", _sep(rng), "商业企业科研机构社会公益组织法律服务机构其他"]
    groups = {"denied_state_secret": "（三）不予公开", "unable_not_held": "（四）无法提供",
              "rejected_petition": "（五）不予处理", "other_no_correction": "（六）其他处理"}
    for row, run in runs.items():
        if row == "granted":
            parts.append("三、本年度办理结果")
        parts.append(groups.get(row, ""))
        full_width = row in ("granted", "partly_granted", "total_processed")  # "（一）予以公开" as the form prints it
        parts.append(_fw(REQ_LABELS[row]) if full_width else REQ_LABELS[row])
        parts.append(run)
    return "".join(parts)


def review_text(run: str) -> str:
    head = "结果维持结果纠正其他结果尚未审结总计"
    return f"行政复议行政诉讼{head}未经复议直接起诉复议后起诉{head}{head}{run}"


def _header(doc: Doc, title: str, rng: random.Random) -> tuple[str, str]:
    """The crawler's header block, and the time it printed (the body's chrome repeats it)."""
    d = doc.published_on
    stamp = f"{d.isoformat()} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    page = rng.randint(10_000, 120_000)
    folder = f"{d:%Y%m}"
    host = f"www.{doc.agency.prov_code}.gov.cn"
    publisher = doc.agency.name if rng.random() < 0.5 else ""
    head = (f"标题: {title}\n发布时间: {stamp}\n文号: \n发布机构: {publisher}\n栏目: 政府信息公开年报\n"
            f"原文链接: https://{host}/zwgk/zfxxgk/zfxxgknb/{folder}/t{d:%Y%m%d}_{page}.htm\n"
            f"本地目录: zwgk/zfxxgk/zfxxgknb/{folder}/{page}_{title}\n页面链接与图片详见 links.tsv(同目录)\n"
            "==================== 正文 ====================\n")
    return head, stamp


def render_crawler(doc: Doc, layout: Layout) -> Rendered:
    """The saved page: header block, then the body on one line with flattened tables."""
    rng = doc.rng
    a = doc.agency
    w = Writer(rng, _ctx(doc), _metrics(doc), fullwidth=True)
    h = {k: rng.choice(v) for k, v in HEADINGS_2021.items()}
    title = f"{a.name}{doc.year}年度政府信息公开工作年度报告"
    head, stamp = _header(doc, title, rng)
    body: list[str] = []
    if rng.random() < 0.5:
        body.append(f"当前位置： 首页政务公开政府信息公开政府信息公开年报 {title} 来源：{a.name} 时间：{stamp} "
                    "微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： --> ")
    body.append(f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。本报告所列数据的统计期限自"
                f"{doc.year}年1月1日起至{doc.year}年12月31日止。")
    body += [_sep(rng), h["overview"], _sep(rng), w.pick(INTRO)]
    body += _overview_blocks(w, doc, "2021", "inline")
    body += [_sep(rng), h["proactive_disclosure"], _sep(rng), active_text(doc, rng)]
    body += [h["requests"], requests_text(printed_requests(doc.requests, layout), rng), _sep(rng)]
    body += [h["review_litigation"], _sep(rng), review_text(printed_review(doc.review, layout))]
    body.append(h["problems_improvements"])
    body += _problems(w, doc, "paren")
    body.append(h["other_matters"])
    body.append(rng.choice(("本年度未收取信息处理费。", "无。", f"{doc.year}年，无收取信息处理费情况。")))
    if rng.random() < 0.5:
        body.append(" 附件下载")
    return Rendered(head + "".join(body) + "\n", list(codes.SECTIONS), w.narrative, w.stated)


# ---------------------------------------------------------------------------
# What the truth file states.
# ---------------------------------------------------------------------------


def hints_from(stated: Mapping[str, object]) -> list[Hint]:
    """The prose figures a reader may use to choose among readings (HINT_METRICS)."""
    out = []
    for metric, value in stated.items():
        if metric not in HINT_METRICS or value is None:
            continue
        table, row, column = metric.split(".")
        if table == "requests":
            out.append(Hint(row, 6, int(value)))
        else:
            out.append(Hint(row, codes.ACTIVE_LAYOUT_2021[row].index(column), int(value)))
    return out


@dataclass
class Determined:
    """The tables as the page determines them."""

    active: dict[str, object]
    requests: dict[str, list[int | None]]
    review: dict[str, list[int | None]]
    blocking: bool


def determine(doc: Doc, layout: Layout, stated: Mapping[str, object]) -> Determined:
    hints = hints_from(stated)
    a = doc.active
    runs = {item: "".join(_fmt(a[f"{item}.{m}"]) for m in metrics)
            for item, metrics in codes.ACTIVE_LAYOUT_2021.items()}
    cells = solve_active(runs, hints)
    active: dict[str, object] = {}
    for item, metrics in codes.ACTIVE_LAYOUT_2021.items():
        for k, m in enumerate(metrics):
            key = f"{item}.{m}"
            active[key] = a[key] if len(metrics) == 1 else cells[item][k]
    requests, blocking = solve_requests(printed_requests(doc.requests, layout), hints)
    review_cells, review_dead = solve_review(printed_review(doc.review, layout))
    review = {p: review_cells[5 * i:5 * i + 5] for i, p in enumerate(codes.PROCEEDINGS)}
    return Determined(active, requests, review, blocking or review_dead)
