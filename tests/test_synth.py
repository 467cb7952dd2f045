"""orchestration.synth.generator: deterministic sample reports whose text and truth agree.

The checks here are written independently of the generator: table labels come
from the format reference (§3, §4), identities from §6, the text layouts are
compared line by line with the real seed files they imitate, the web pages
are read back with BeautifulSoup and the official rowspan/colspan grid, and
the crawler pages with the table skeleton of the real crawler page
pingtan_syq_2021 and a brute-force reading of their flattened runs.
"""

from __future__ import annotations

import html
import json
import re
import tracemalloc
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import pytest

from bs4 import BeautifulSoup

from orchestration.synth import generator as synth
from conftest import CORPUS, SEEDS, seed_gold
from transforms import codes

APPS = codes.APPLICANTS
ALL_LAYOUTS = {"pipe", "tab", "cells", "summary", "html", "crawler"}


@pytest.fixture(scope="module")
def sample() -> list[synth.SynthReport]:
    return list(synth.iter_reports(12, 7))


@pytest.fixture(scope="module")
def big() -> list[synth.SynthReport]:
    return list(synth.iter_reports(600, 11))


@pytest.fixture(scope="module")
def web() -> list[synth.SynthReport]:
    """Web pages and crawler pages only (the restricted mix benchmarks use)."""
    return list(synth.iter_reports(160, 5, layouts=("html", "crawler")))


def printed(truth: dict) -> dict:
    """The truth with every cell as the page prints it.

    A crawler page leaves some flattened cells undecided: its truth says
    null there and lists the printed value under "undecided".
    """
    out = dict(truth)
    out.pop("undecided", None)  # applied once: a test may then change cells of the result
    for key, value in (truth.get("undecided") or {}).items():
        table, cell = key.split(".", 1)
        out[table] = dict(out[table], **{cell: value})
    return out


def by_layout(reports, layout, tables=True):
    out = [r for r in reports if r.truth["layout"] == layout and (not tables or r.truth["requests"] is not None)]
    assert out, f"no {layout} report in the set"
    return out


# ---------------------------------------------------------------------------
# An independent checker for the §6 identities.
# ---------------------------------------------------------------------------

RESULT_2021 = codes.RESULT_ROWS_BASE + codes.OTHER_ROWS_2021
RESULT_2019 = codes.RESULT_ROWS_BASE + (codes.OTHER_ROW_SINGLE,)


def failing_rules(truth: dict) -> set[str]:
    truth = printed(truth)
    req, rev = truth["requests"], truth["review_litigation"]
    failed: set[str] = set()
    if req is not None:
        rows = sorted({k.rsplit(".", 1)[0] for k in req})
        for row in rows:
            if sum(req[f"{row}.{a}"] for a in APPS[:6]) != req[f"{row}.total"]:
                failed.add("T3-01")
        results = RESULT_2019 if f"{codes.OTHER_ROW_SINGLE}.total" in req else RESULT_2021
        for a in APPS:
            if sum(req[f"{r}.{a}"] for r in results) != req[f"total_processed.{a}"]:
                failed.add("T3-02")
            if (req[f"new_received.{a}"] + req[f"carried_over.{a}"]
                    != req[f"total_processed.{a}"] + req[f"carried_forward.{a}"]):
                failed.add("T3-03")
        assert all(isinstance(v, int) and v >= 0 for v in req.values()), "T3-04: counts are non-negative integers"
    if rev is not None:
        for rule, p in zip(("T4-01", "T4-02", "T4-03"), codes.PROCEEDINGS):
            if sum(rev[f"{p}.{o}"] for o in codes.OUTCOMES[:4]) != rev[f"{p}.total"]:
                failed.add(rule)
    return failed


def test_checker_catches_a_broken_table():
    """The helper above is what the other tests rely on: make sure it can fail."""
    req = {f"{r}.{a}": 0 for r in codes.REQUEST_ROWS_2021 for a in APPS}
    rev = {f"{p}.{o}": 0 for p in codes.PROCEEDINGS for o in codes.OUTCOMES}
    truth = {"requests": req, "review_litigation": rev}
    assert failing_rules(truth) == set()
    req["granted.natural_person"] = 1
    rev["litigation_after_review.total"] = 4
    assert failing_rules(truth) == {"T3-01", "T3-02", "T4-03"}


# ---------------------------------------------------------------------------
# generate(): files, determinism, parameters
# ---------------------------------------------------------------------------


def report_files(folder) -> list:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.startswith("r"))


def test_generate_writes_reports_and_truth(tmp_path):
    paths = synth.generate(tmp_path, count=12, seed=7)
    assert len(paths) == 12 and len({p.name for p in paths}) == 12
    assert [p.name for p in report_files(tmp_path)] == sorted(p.name for p in paths)
    layouts = Counter()
    encodings = Counter()
    for path in paths:
        assert re.fullmatch(r"r\d{4}_(pipe|tab|cells|summary|crawler)_20(19|2[0-4])\.txt"
                            r"|r\d{4}_html_20(19|2[0-4])\.html", path.name)
        truth = json.loads((tmp_path / "truth" / (path.stem + ".json")).read_text(encoding="utf-8"))
        assert truth["file"] == path.name
        assert path.stem == f"{path.name[:5]}_{truth['layout']}_{truth['report']['report_year']}"
        raw = path.read_bytes()
        text = raw.decode(truth["encoding"])
        if truth["encoding"] != "utf-8":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
        assert truth["report"]["agency"] in text
        layouts[truth["layout"]] += 1
        encodings[truth["encoding"]] += 1
    assert set(layouts) == ALL_LAYOUTS  # the showcase head: every layout even in the 12-report sample
    assert 1 <= encodings["gb18030"] <= 2


def test_restricted_mix_has_only_those_layouts_chains_and_errors(web):
    layouts = Counter(r.truth["layout"] for r in web)
    assert set(layouts) == {"html", "crawler"} and min(layouts.values()) > 20
    html_only = list(synth.iter_reports(60, 3, layouts=("html",)))
    assert {r.truth["layout"] for r in html_only} == {"html"}
    assert all(r.name.endswith(".html") for r in html_only)
    assert sum(bool(r.truth["planted"]) for r in html_only) == 15  # the default rate, 25 %
    assert sum(bool(r.truth["planted"]) for r in synth.iter_reports(40, 3, error_rate=0.1, layouts=["crawler"])) == 4
    years = defaultdict(set)
    for r in html_only:
        years[r.truth["report"]["agency"]].add(r.truth["report"]["report_year"])
    assert sum(len(ys & {y + 1 for y in ys}) for ys in years.values()) >= 15  # consecutive-year pairs
    assert {r.truth["report"]["format_version"] for r in html_only} == {"2019", "2021"}


def test_a_site_keeps_its_layout_across_years(big):
    styles = defaultdict(set)
    for rep in big:
        t = rep.truth
        year = t["report"]["report_year"]
        if t["layout"] == "summary" or (t["layout"] == "cells" and year <= 2020):
            continue  # text and crawled sites alike print the 2019 form as `cells`
        styles[t["report"]["agency"]].add(t["layout"] if t["layout"] in ("html", "crawler") else "text")
    assert all(len(s) == 1 for s in styles.values())
    assert sum("html" in s for s in styles.values()) > 10 and sum("crawler" in s for s in styles.values()) > 5


def test_truth_has_the_gold_shape(sample):
    gold = seed_gold("001_732b3b243defc543.json")
    for rep in sample:
        t = rep.truth
        assert set(gold) - {"expect_warning"} <= set(t), rep.name
        assert set(t["report"]) == set(gold["report"])
        assert t["report"]["doc_kind"] in codes.DOC_KINDS
        assert t["report"]["format_version"] in codes.FORMAT_VERSIONS
        assert t["geo"]["admin_level"] in codes.ADMIN_LEVELS
        assert t["sections"] is None or all(s in codes.SECTIONS for s in t["sections"])
        if t["layout"] == "summary":
            assert t["requests"] is None and t["sections"] is None
            assert "requests_narrative" in t and "active_disclosure_narrative" in t
    # the keys of a 2021-format table match the gold file's keys exactly
    pipe = by_layout(sample, "pipe")[0].truth
    assert list(pipe["requests"]) == list(gold["requests"])
    assert list(pipe["review_litigation"]) == list(gold["review_litigation"])
    assert list(pipe["active_disclosure"]) == list(gold["active_disclosure"])


def test_same_seed_same_bytes_other_seed_other_reports(tmp_path):
    a = synth.generate(tmp_path / "a", count=12, seed=7)
    b = synth.generate(tmp_path / "b", count=12, seed=7)
    for pa, pb in zip(a, b):
        assert pa.name == pb.name and pa.read_bytes() == pb.read_bytes()
        ta = (tmp_path / "a" / "truth" / (pa.stem + ".json")).read_bytes()
        tb = (tmp_path / "b" / "truth" / (pb.stem + ".json")).read_bytes()
        assert ta == tb
    other = list(synth.iter_reports(12, 8))
    assert [r.text for r in other] != [p.read_bytes().decode(json.loads(
        (tmp_path / "a" / "truth" / (p.stem + ".json")).read_text(encoding="utf-8"))["encoding"]) for p in a]
    assert {r.truth["report"]["agency"] for r in other} != {
        json.loads((tmp_path / "a" / "truth" / (p.stem + ".json")).read_text(encoding="utf-8"))["report"]["agency"]
        for p in a}


def test_count_is_respected_and_stale_files_go(tmp_path):
    keep = tmp_path / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    synth.generate(tmp_path, count=12, seed=3)
    paths = synth.generate(tmp_path, count=5, seed=3, layouts=("pipe", "tab"))
    assert len(paths) == 5
    assert [p.name for p in report_files(tmp_path)] == sorted(p.name for p in paths)
    assert len(list((tmp_path / "truth").glob("*.json"))) == 5
    assert keep.read_text(encoding="utf-8") == "mine"
    assert synth.generate(tmp_path / "empty", count=0) == []
    assert len(list(synth.iter_reports(31, 3))) == 31


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError):
        synth.iter_reports(3, 1, error_rate=1.5)
    with pytest.raises(ValueError):
        synth.iter_reports(-1)
    with pytest.raises(ValueError):
        synth.iter_reports(synth.capacity() + 1)
    with pytest.raises(ValueError):
        synth.iter_reports(3, layouts=("html", "pdf"))
    with pytest.raises(ValueError):
        synth.iter_reports(3, layouts=())
    with pytest.raises(ValueError):
        synth.iter_reports(synth.capacity(("crawler",)) + 1, layouts=("crawler",))
    synth.generate(tmp_path, count=2, seed=1)
    with pytest.raises(ValueError):
        synth.generate(tmp_path, count=2, seed=1, error_rate=-0.1)
    assert len(report_files(tmp_path)) == 2  # a refused run removes nothing
    assert synth.capacity() >= 100_000  # the pool is large enough for the planned benchmarks
    assert synth.capacity(("html",)) >= 100_000  # web pages only, too


def test_a_thousand_reports_are_written_with_their_truth(tmp_path):
    # (how fast: benchmarks/bench_budgets.py)
    paths = synth.generate(tmp_path, count=1000, seed=5)
    assert len(paths) == 1000 and len(list((tmp_path / "truth").glob("*.json"))) == 1000
    web = synth.generate(tmp_path / "web", count=1000, seed=5, layouts=("html",))
    assert len(web) == 1000 and {p.suffix for p in web} == {".html"}


def test_generation_streams():
    """Reports are built one at a time: memory stays flat however many pass through."""
    tracemalloc.start()
    try:
        for _ in synth.iter_reports(1500, 2, layouts=("html",)):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20, f"peak {peak / 2**20:.0f} MiB for 1500 pages of ~50 KB"


def test_agency_years_are_unique(big):
    keys = Counter((r.truth["report"]["agency"], r.truth["report"]["report_year"], r.truth["report"]["doc_kind"])
                   for r in big)
    assert max(keys.values()) == 1


# ---------------------------------------------------------------------------
# Arithmetic truth and planted errors
# ---------------------------------------------------------------------------


# what one changed cell breaks (§6): a result row's 总计 → its row and the 总计 column; 新收 总计 → its row and
# the 勾稽关系 of the 总计 column; 行政复议 总计 → its proceeding
BROKEN_BY = {"T3-01": {"T3-01", "T3-02"}, "T3-03": {"T3-01", "T3-03"}, "T4-01": {"T4-01"}}


def test_identities_hold_except_the_planted_rule(big, web):
    planted_seen = Counter()
    for rep in big + web:
        t = rep.truth
        if t["planted"]:
            planted_seen[t["planted"][0]["rule"]] += 1
            assert t["expect_status"] == "quarantined"
        elif t["requests"] is not None:
            assert t["expect_status"] == "published"
        else:
            assert t["expect_status"] == "any"
        if t["layout"] != "crawler":
            assert failing_rules(t) == set(t["planted_errors"]), rep.name
            continue
        # a crawler page breaks what any page would; its checks see the identities the flattened runs still
        # show, and a run that no reading can satisfy is a blocking parse doubt (P-01)
        if t["planted"]:
            assert failing_rules(t) == BROKEN_BY[t["planted"][0]["rule"]], rep.name
            assert t["planted_errors"] and set(t["planted_errors"]) <= failing_rules(t) | {"P-01"}, rep.name
        else:
            assert failing_rules(t) == set() and t["planted_errors"] == [], rep.name
    assert set(planted_seen) == {"T3-01", "T3-03", "T4-01"}


def test_planting_changes_exactly_one_cell(big, web):
    planted = [printed(r.truth) for r in big + web if r.truth["planted"]]
    assert planted
    for t in planted:
        (p,) = t["planted"]
        table, cell = p["cell"].split(".", 1)
        values = t[table]
        assert values[cell] == p["printed_value"] != p["true_value"]
        assert p["rule"] in p["trips"] or "P-01" in p["trips"]
        assert set(p["trips"]) == set(t["planted_errors"])
        repaired = dict(t, **{table: dict(values, **{cell: p["true_value"]})})
        assert failing_rules(repaired) == set()


def test_error_rate_controls_how_many_reports_are_broken(sample):
    rules = sorted(r.truth["planted"][0]["rule"] for r in sample if r.truth["planted"])
    assert rules == ["T3-01", "T3-03", "T4-01"]  # the default sample: a few, one per rule
    assert not any(r.truth["planted"] for r in synth.iter_reports(40, 2, error_rate=0.0))
    everything = list(synth.iter_reports(40, 2, error_rate=1.0))
    assert all(bool(r.truth["planted"]) == (r.truth["requests"] is not None) for r in everything)
    tenth = list(synth.iter_reports(40, 2, error_rate=0.1))
    assert sum(bool(r.truth["planted"]) for r in tenth) == 4


# ---------------------------------------------------------------------------
# The rendered text states the truth (parsed back per layout)
# ---------------------------------------------------------------------------

# row label (spec §4.3 / §3.2, cleaned text, numbering dropped) -> row code
LABEL_TO_ROW = {
    "一、本年新收政府信息公开申请数量": "new_received", "二、上年结转政府信息公开申请数量": "carried_over",
    "予以公开": "granted", "部分公开(区分处理的,只计这一情形,不计其他情形)": "partly_granted",
    "属于国家秘密": "denied_state_secret", "其他法律行政法规禁止公开": "denied_law_forbids",
    "危及“三安全一稳定”": "denied_safety_stability", "保护第三方合法权益": "denied_third_party",
    "属于三类内部事务信息": "denied_internal_affairs", "属于四类过程性信息": "denied_process_info",
    "属于行政执法案卷": "denied_enforcement_file", "属于行政查询事项": "denied_inquiry",
    "本机关不掌握相关政府信息": "unable_not_held", "没有现成信息需要另行制作": "unable_needs_creation",
    "补正后申请内容仍不明确": "unable_unclear", "信访举报投诉类申请": "rejected_petition", "重复申请": "rejected_duplicate",
    "要求提供公开出版物": "rejected_publication", "无正当理由大量反复申请": "rejected_excessive",
    "要求行政机关确认或重新出具已获取信息": "rejected_confirmation",
    "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "other_no_correction",
    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": "other_unpaid_fee",
    "其他": "other_other", "其他处理": "other_handling", "总计": "total_processed",
    "四、结转下年度继续办理": "carried_forward",
}
_NUMBERING = re.compile(r"^(?:\(\S\)|\d\.)")


def norm_label(cell: str) -> str:
    cell = cell.translate(str.maketrans("（），：．", "(),:.")).replace(" ", "")
    return _NUMBERING.sub("", cell)


def section(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i + len(start):text.index(end, i)]


# the table 四 heading (two wordings are in use, format-reference §2), not the row 四、结转下年度继续办理
REVIEW_HEADING = re.compile(r"\n四、(?:政府信息公开行政复议|因政府信息公开工作被申请行政复议)")


def split_at_review(text: str) -> tuple[str, str]:
    """(table 三 block, everything from the table 四 heading on)."""
    i = text.index("三、收到和处理政府信息公开申请情况")
    m = REVIEW_HEADING.search(text, i)
    return text[i:m.start()], text[m.start() + 1:]


def parse_rows(block: str, sep: str) -> dict[str, list[int]]:
    """Rows whose cells end in seven integers, keyed by the row code of their last label cell."""
    out: dict[str, list[int]] = {}
    for line in block.split("\n"):
        cells = [c.strip() for c in line.split(sep)]
        nums = [c for c in cells if re.fullmatch(r"\d+", c)]
        labels = [c for c in cells if c and not re.fullmatch(r"\d+", c)]
        if len(nums) == 7 and labels:
            out[LABEL_TO_ROW[norm_label(labels[-1])]] = [int(n) for n in nums]
    return out


def truth_rows(truth: dict) -> dict[str, list[int]]:
    req = truth["requests"]
    rows = dict.fromkeys(k.rsplit(".", 1)[0] for k in req)
    return {row: [req[f"{row}.{a}"] for a in APPS] for row in rows}


def review_values(truth: dict) -> list[int]:
    return [truth["review_litigation"][f"{p}.{o}"] for p in codes.PROCEEDINGS for o in codes.OUTCOMES]


def test_pipe_tables_parse_back(big):
    for rep in by_layout(big, "pipe"):
        t, text = rep.truth, rep.text
        block, tail = split_at_review(text)
        assert parse_rows(block, "|") == truth_rows(t), rep.name
        review = tail.split("\n")[4]
        assert [int(c) for c in review.split("|") if c.strip()] == review_values(t)
        active = section(text, "二、主动公开政府信息情况", "三、收到")
        ad = t["active_disclosure"]
        assert f"行政规范性文件 | {ad['normative_documents.issued']} | {ad['normative_documents.repealed']} | " \
               f"{ad['normative_documents.in_force']} |" in active
        assert f"行政处罚 | {ad['punishment.decisions']} | ||" in active
        assert re.search(rf"行政事业性收费 \| {re.escape(str(ad['fees.amount']))} \|$", active.strip())


def test_tab_tables_parse_back(big):
    for rep in by_layout(big, "tab"):
        t, text = rep.truth, rep.text
        block, tail = split_at_review(text)
        assert parse_rows(block, "\t") == truth_rows(t), rep.name
        review = tail.split("\n\n")[1].split("\n")[-1]
        assert [int(c) for c in review.split("\t")] == review_values(t)
        ad = t["active_disclosure"]
        assert f"\n行政许可\t{ad['licensing.decisions']}\t\t\n" in text
        fee = Decimal(re.search(r"行政事业性收费\t(\S+)", text).group(1))
        assert fee == Decimal(str(ad["fees.amount"]))


def paragraphs(block: str) -> list[str]:
    return [p.strip() for p in block.split("\n\n")]  # str.strip() also removes NBSP


def test_cells_tables_parse_back(big):
    checked = 0
    for rep in by_layout(big, "cells", tables=False):
        t, text = rep.truth, rep.text
        active_block = section(text, "二、主动公开政府信息情况", "\n三、")
        printed = [p for p in paragraphs(active_block) if re.fullmatch(r"-?\d+(元)?", p)]
        expected = [f"{v}元" if k == "procurement.amount" else str(v)
                    for k, v in t["active_disclosure"].items() if v is not None]
        assert printed == expected, rep.name
        if t["requests"] is None:
            assert "三、存在的主要问题及下一步改进措施" in text
            continue
        block, tail = split_at_review(text)
        nums = [int(p) for p in paragraphs(block) if p.isdigit()]
        assert nums == [v for vals in truth_rows(t).values() for v in vals]
        assert len(nums) == 23 * 7 and "other_handling.total" in t["requests"]
        review = tail[:tail.index("\n五、")]
        assert [int(p) for p in paragraphs(review) if p.isdigit()] == review_values(t)
        checked += 1
    assert checked


# figures in prose: number (with 万, 余/多) + unit; years, dates, 〔2022〕9号 and 12345 are not figures
# ---------------------------------------------------------------------------
# Web pages: the official grid, read back from the markup
# ---------------------------------------------------------------------------


def grid(table) -> list[list[str]]:
    """A <table> as its full grid: a cell spanning rows/columns is repeated in every slot it covers."""
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.find_all("tr")):
        row: list[str] = []
        cells = iter(tr.find_all(["td", "th"]))
        c = 0
        while True:
            if (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
                continue
            cell = next(cells, None)
            if cell is None:
                break
            text = cell.get_text("", strip=True).replace("\xa0", "").strip()
            for dr in range(int(cell.get("rowspan", 1))):
                for dc in range(int(cell.get("colspan", 1))):
                    if dr == 0:
                        row.append(text)
                    else:
                        pending[(r + dr, c + dc)] = text
            c += int(cell.get("colspan", 1))
        rows.append(row)
    return rows


def data_tables(rep) -> list[list[list[str]]]:
    soup = BeautifulSoup(rep.text, "lxml")
    return [grid(t) for t in soup.find_all("table") if t.find("table") is None and "信息内容" in t.get_text()
            or t.find("table") is None and ("申请人情况" in t.get_text() or "复议后起诉" in t.get_text())]


def num(cell: str) -> int | None:
    return int(cell) if cell else None


def test_html_tables_have_the_official_grid_and_the_truth(big, web):
    checked = Counter()
    for rep in by_layout(big, "html") + by_layout(web, "html"):
        t = rep.truth
        active, requests, review = data_tables(rep)
        assert {len(row) for row in active} == {4}, rep.name
        assert {len(row) for row in requests} == {10}, rep.name
        assert {len(row) for row in review} == {15}, rep.name
        rows = {LABEL_TO_ROW[norm_label(r[2])]: [num(c) for c in r[3:]] for r in requests[3:]}
        assert rows == truth_rows(t), rep.name
        assert [num(c) for c in review[3]] == review_values(t)
        ad = t["active_disclosure"]
        by_label = {r[0]: r[1:] for r in active}
        if t["report"]["format_version"] == "2021":
            assert [num(c) for c in by_label["行政规范性文件"]] == [ad[f"normative_documents.{m}"] for m in
                                                               ("issued", "repealed", "in_force")]
            assert Decimal(by_label["行政事业性收费"][0]) == Decimal(str(ad["fees.amount"]))
            assert len(requests) == 3 + 25
        else:
            assert [num(c) for c in by_label["规范性文件"]] == [ad[f"normative_documents.{m}"] for m in
                                                             ("new_made", "new_published", "total_published")]
            amount = by_label["政府集中采购"][1]
            assert amount == ("" if ad["procurement.amount"] is None else f"{ad['procurement.amount']}元")
            assert len(requests) == 3 + 23
        checked[t["report"]["format_version"]] += 1
    assert checked["2019"] > 5 and checked["2021"] > 20


def test_html_pages_declare_the_charset_they_are_encoded_in(web):
    seen = Counter()
    for rep in by_layout(web, "html"):
        declared = re.search(rb'charset="?([\w-]+)', rep.data, re.I).group(1).decode().lower()
        assert rep.encoding == declared or (declared, rep.encoding) == ("gb2312", "gbk"), rep.name
        assert rep.data.decode(rep.encoding) == rep.text
        if declared != "utf-8":
            with pytest.raises(UnicodeDecodeError):
                rep.data.decode("utf-8")
        seen[declared] += 1
    assert set(seen) == {"utf-8", "gbk", "gb2312"}


def test_html_pages_carry_site_chrome_around_the_report(web):
    for rep in by_layout(web, "html"):
        text = rep.text
        assert text.count("<table") + text.count("<TABLE") >= 3
        assert "<script" in text.lower() and ("当前位置" in text or "您的位置" in text or "您当前的位置" in text)
        head = text[: text.index("一、总体情况")]
        assert f"{rep.truth['report']['published_on']}" in head  # the page's own date line
    markup = Counter("word" if "MsoNormal" in r.text else "plain" if "<th" in r.text else "para"
                     for r in by_layout(web, "html"))
    assert set(markup) == {"word", "plain", "para"}


# ---------------------------------------------------------------------------
# Crawler pages: pingtan_syq_2021's skeleton, and what the flattened runs decide
# ---------------------------------------------------------------------------

# table 三 labels as the page prints them, in order (the group labels glued to their first row)
CRAWLER_ROWS = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开1.属于国家秘密", "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷",
    "8.属于行政查询事项", "（四）无法提供1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    "（五）不予处理1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "（七）总计",
    "四、结转下年度继续办理",
]


def crawler_body(text: str) -> str:
    head, body = text.split("==================== 正文 ====================\n")
    assert head.startswith("标题: ") and "发布时间: " in head and "原文链接: " in head
    assert body.count("\n") == 1  # the whole body on one line
    return body


def table_skeleton(body: str) -> str:
    start = body.index("第二十条第（一）项")
    block = body[start: body.index("五、", start)]
    block = re.sub(r"四、(?:政府信息公开行政复议|因政府信息公开工作被申请行政复议)[^行]*", "四、<heading>", block)
    return re.sub(r"[\d. ]", "", block.replace("1.", "").replace("2.", ""))


def test_crawler_page_has_the_shape_of_a_real_crawled_page(web):
    real = table_skeleton((CORPUS / "pingtan_syq_2021.txt").read_text(encoding="utf-8"))
    assert "申请人情况" in real and "<heading>" in real
    for rep in by_layout(web, "crawler"):
        assert table_skeleton(crawler_body(rep.text)) == real, rep.name


def runs_after(body: str, labels: list[str], end: str) -> list[str]:
    """The text between consecutive labels (the run each label is followed by), spaces dropped."""
    pos = [body.index(labels[0])]
    for label in labels[1:]:
        pos.append(body.index(label, pos[-1] + 1))
    stops = pos[1:] + [body.index(end, pos[-1] + len(labels[-1]))]
    return [body[p + len(label): q].replace(" ", "") for p, label, q in zip(pos, labels, stops)]


def lexical(run: str, n: int) -> list[tuple[int, ...]]:
    """Every way to cut a digit run into n numbers without leading zeros."""
    if n == 1:
        return [(int(run),)] if run and (run == "0" or run[0] != "0") else []
    out = []
    for e in range(1, len(run) - n + 2):
        head = run[:e]
        if head != "0" and head[0] == "0":
            break
        out += [(int(head), *rest) for rest in lexical(run[e:], n - 1)]
    return out


def test_crawler_runs_print_the_cells_and_the_truth_says_what_they_decide(web):
    undecided = decided_by_prose = 0
    for rep in by_layout(web, "crawler"):
        t, body = printed(rep.truth), crawler_body(rep.text)
        runs = runs_after(body, CRAWLER_ROWS, "四、")
        rows = truth_rows(t)
        assert len(runs) == len(rows) == 25
        for label, run, vals in zip(CRAWLER_ROWS, runs, rows.values()):
            assert run == "".join(str(v) for v in vals), (rep.name, label, run)  # the cells, separators gone
        review = body[body.index("复议后起诉"):]
        review_run = re.search(r"总计总计([\d ]+)五、", review.replace("结果维持结果纠正其他结果尚未审结", "")).group(1)
        assert review_run.replace(" ", "") == "".join(str(v) for v in review_values(t))
        if not t["planted"]:  # tables 三 and 四 are decided by their arithmetic
            assert None not in rep.truth["requests"].values() and None not in rep.truth["review_litigation"].values()
        # table 二: a cell is decided when every reading of its run agrees (after the prose's 制发 figure)
        stated = re.search(r"全年制发行政规范性文件(\d+)件", body)
        for item, label, nxt in (("regulations", "规章", "行政规范性文件"), ("normative_documents", "行政规范性文件", "第二十条")):
            start = body.index(label, body.index("现行有效件数")) + len(label)
            run = body[start: body.index(nxt, start)].strip()
            readings = lexical(run, 3)
            if item == "normative_documents" and stated and len(readings) > 1:
                keep = [r for r in readings if r[0] == int(stated.group(1))]
                decided_by_prose += len(keep) < len(readings)
                readings = keep or readings
            for k, metric in enumerate(("issued", "repealed", "in_force")):
                values = {r[k] for r in readings}
                want = values.pop() if len(values) == 1 else None
                assert rep.truth["active_disclosure"][f"{item}.{metric}"] == want, (rep.name, item, run)
                undecided += want is None
    assert undecided > 5 and decided_by_prose > 5


# ---------------------------------------------------------------------------
# Prose
# ---------------------------------------------------------------------------

FIGURE = re.compile(r"(\d+(?:\.\d+)?)(万)?(?:余|多)?(条|件|篇|次|人|个|项|期|所|%)")
_INVISIBLE = re.compile(r"<script.*?</script>|<style.*?</style>|<!--.*?-->|<[^>]+>", re.S | re.I)


def visible(rep) -> str:
    """What a reader sees: the text itself, or a web page without its markup."""
    if rep.truth["layout"] != "html":
        return rep.text
    return html.unescape(_INVISIBLE.sub("", rep.text))


def extract_figures(text: str) -> Counter:
    found = Counter()
    for m in FIGURE.finditer(text):
        value = Decimal(m.group(1)) * (10000 if m.group(2) else 1)
        found[(value, m.group(3))] += 1
    return found


def test_narrative_figures_are_exactly_those_in_the_text(big, web):
    for rep in big + web:
        expected = Counter((Decimal(str(v)), u) for v, u in rep.truth["narrative"])
        assert extract_figures(visible(rep)) == expected, rep.name


def test_prose_restates_the_printed_table(big, web):
    stated = 0
    for rep in big + web:
        t = printed(rep.truth)
        for metric, value in t["narrative_metrics"].items():
            table, row, col = metric.split(".")
            if t["layout"] == "summary":
                assert t[f"{table}_narrative"][f"{row}.{col}"] == value
                continue
            key = f"{row}.{col}"
            assert t[table][key] == value, (rep.name, metric)  # hold, planted cells included
            stated += 1
    assert stated > 100


def test_summaries_agree_with_the_same_agencys_annual_report(big):
    annual = {(r.truth["report"]["agency"], r.truth["report"]["report_year"]): printed(r.truth)
              for r in big if r.truth["report"]["format_version"] == "2021"}
    pairs = 0
    for rep in synth.iter_reports(1200, 11):  # a longer run reaches the summaries of annual-report agencies
        t = rep.truth
        other = annual.get((t["report"]["agency"], t["report"]["report_year"]))
        if t["layout"] != "summary" or other is None:
            continue
        for key, value in t["active_disclosure_narrative"].items():
            assert other["active_disclosure"][key] == value
        for key, value in t["requests_narrative"].items():
            if not other["planted"]:
                assert other["requests"][key] == value
        pairs += 1
    assert pairs


# ---------------------------------------------------------------------------
# Cross-year consistency (rules Y-01, Y-02, Y-04)
# ---------------------------------------------------------------------------


def test_consecutive_years_chain(big):
    reports = defaultdict(dict)
    for rep in big:
        if rep.truth["report"]["doc_kind"] == "annual_report":
            reports[rep.truth["report"]["agency"]][rep.truth["report"]["report_year"]] = printed(rep.truth)
    carry = stock = items = 0
    for years in reports.values():
        for year, t in years.items():
            prev = years.get(year - 1)
            if prev is None:
                continue
            if t["requests"] and prev["requests"]:
                for a in APPS:
                    assert t["requests"][f"carried_over.{a}"] == prev["requests"][f"carried_forward.{a}"]
                carry += 1
            if t["report"]["format_version"] == prev["report"]["format_version"] == "2021":
                for item in ("regulations", "normative_documents"):
                    ad, pad = t["active_disclosure"], prev["active_disclosure"]
                    if pad[f"{item}.in_force"] is None or ad[f"{item}.in_force"] is None:
                        continue  # a web page leaves 规章 blank where the body makes none
                    expected = pad[f"{item}.in_force"] + ad[f"{item}.issued"] - ad[f"{item}.repealed"]
                    assert ad[f"{item}.in_force"] == expected
                stock += 1
            if t["report"]["format_version"] == prev["report"]["format_version"] == "2019":
                ad, pad = t["active_disclosure"], prev["active_disclosure"]
                for item in ("licensing", "other_services", "punishment", "coercion", "fees"):
                    if pad[f"{item}.prior_year"] is not None and ad[f"{item}.prior_year"] is not None:
                        assert ad[f"{item}.prior_year"] == pad[f"{item}.prior_year"] + pad[f"{item}.change"]
                items += 1
    assert carry > 20 and stock > 20 and items > 5
    # the sample set shows a 2020 (2019-format) → 2021 (2021-format) carry-over too
    switch = [(years[2020], years[2021]) for years in reports.values()
              if 2020 in years and 2021 in years and years[2020]["requests"] and years[2021]["requests"]
              and years[2021]["report"]["format_version"] == "2021"]
    assert switch


# ---------------------------------------------------------------------------
# Metadata and the seed layouts
# ---------------------------------------------------------------------------


FORMATS = {"pipe": "2021", "tab": "2021", "cells": "2019", "summary": "none", "crawler": "2021"}


def test_years_dates_and_formats(big):
    for rep in big:
        t, text = rep.truth, visible(rep)
        r = t["report"]
        year = r["report_year"]
        assert 2019 <= year <= 2024
        if t["layout"] == "html":  # a web site prints whichever form was in force
            assert r["format_version"] == ("2021" if year >= 2021 else "2019")
        else:
            assert FORMATS[t["layout"]] == r["format_version"]
        if t["layout"] in ("pipe", "tab", "crawler"):
            assert year >= 2021
        if t["layout"] == "cells":
            assert year <= 2021
            assert (year == 2021) <= (t["requests"] is None)  # a 2021 report in the old format omits 三/四 (seed 000)
        assert str(year) in text
        if r["published_on"] is None:
            assert t["layout"] == "pipe"
            assert not re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)
            continue
        d = date.fromisoformat(r["published_on"])
        if t["layout"] == "summary":
            assert (d.year == year and d.month == 12) or (d.year == year + 1 and d.month <= 3)
        else:
            assert d.year == year + 1 and d.month <= 3
        if t["layout"] in ("cells", "summary"):
            assert f"时间:{d.isoformat()}" in text
        elif t["layout"] == "html":
            assert re.search(rf"发布(?:日期|时间)：{d.isoformat()}", text)
        elif t["layout"] == "crawler":
            assert f"发布时间: {d.isoformat()} " in text
        else:
            assert f"{d.year}年{d.month}月{d.day}日" in text


def _skeleton(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        line = re.sub(r"(?<![\d.])\d+(?:\.\d+)?(?= \||\t|$)", "N", line)
        if line.startswith("四、") and "\t" not in line and " | " not in line:
            line = "四、<heading>"
        out.append(line.replace("本年度止件数", "本年废止件数"))
    return out


def _table_lines(text: str, start: str, end: str) -> list[str]:
    lines = text.split("\n")
    i = next(k for k, line in enumerate(lines) if line.startswith(start))
    j = next(k for k, line in enumerate(lines) if k > i and line.startswith(end))
    return lines[i + 1:j]


@pytest.mark.parametrize("layout, seed_file, end", [
    ("pipe", "001_732b3b243defc543.txt", "五、"),
    ("tab", "002_0413918a63fee9e6.txt", "五、"),
])
def test_pipe_and_tab_tables_have_the_seed_shape(big, layout, seed_file, end):
    seed_text = (SEEDS / seed_file).read_text(encoding="utf-8")
    expected = _skeleton(_table_lines(seed_text, "二、主动公开政府信息情况", end))
    assert len(expected) > 40
    for rep in by_layout(big, layout)[:20]:
        assert _skeleton(_table_lines(rep.text, "二、主动公开政府信息情况", end)) == expected, rep.name


def test_cells_layout_has_seed_000_labels_and_chrome(big):
    seed_text = (SEEDS / "000_5cea481b21ff6bea.txt").read_text(encoding="utf-8")
    seed_block = section(seed_text, "二、主动公开政府信息情况", "三、存在")
    expected = [p for p in paragraphs(seed_block) if p and not re.fullmatch(r"-?\d+", p)]
    assert "本年新\n制作数量" in expected
    for rep in by_layout(big, "cells", tables=False)[:20]:
        block = section(rep.text, "二、主动公开政府信息情况", "\n三、")
        labels = [p for p in paragraphs(block) if p and not re.fullmatch(r"-?\d+(元)?", p)]
        assert labels == expected, rep.name
        assert "\xa0" in rep.text and "当前位置:首页" in rep.text and "字体:【" in rep.text


def test_tab_layout_is_raw_full_width_text(big):
    for rep in by_layout(big, "tab")[:20]:
        prose = rep.text[:rep.text.index("二、主动公开政府信息情况")]
        assert "，" in prose and "（一）" in prose
        assert not re.search(r"[,:;()]", prose)
        assert "(五) 不予 处理\t1. 信访举报投诉类申请" in rep.text


def test_summary_states_its_figures_in_prose(big):
    for rep in by_layout(big, "summary", tables=False):
        t, text = rep.truth, rep.text
        assert "政务公开工作总结" in text and "\t" not in text and " | " not in text
        assert f"来源: {t['report']['agency']}" in text
        rn = t["requests_narrative"]
        if "new_received.total" in rn:
            assert f"共受理{rn['new_received.total']}件政府信息公开申请" in text
        an = t["active_disclosure_narrative"]
        assert f"现行有效规范性文件{an['normative_documents.in_force']}件" in text
