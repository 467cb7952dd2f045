"""benchmarks.synth: deterministic sample reports whose text and truth agree.

The checks here are written independently of the generator: table labels come
from the format reference (§3, §4), identities from §6, and the layouts are
compared line by line with the real seed files they imitate.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import pytest

from benchmarks import synth
from conftest import SEEDS, seed_gold
from transforms import codes

APPS = codes.APPLICANTS


@pytest.fixture(scope="module")
def sample() -> list[synth.SynthReport]:
    return list(synth.iter_reports(12, 7))


@pytest.fixture(scope="module")
def big() -> list[synth.SynthReport]:
    return list(synth.iter_reports(600, 11))


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


def test_generate_writes_reports_and_truth(tmp_path):
    paths = synth.generate(tmp_path, count=12, seed=7)
    assert len(paths) == 12 and len({p.name for p in paths}) == 12
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == sorted(p.name for p in paths)
    layouts = Counter()
    encodings = Counter()
    for path in paths:
        assert re.fullmatch(r"r\d{4}_(pipe|tab|cells|summary)_20(19|2[0-4])\.txt", path.name)
        truth = json.loads((tmp_path / "truth" / (path.stem + ".json")).read_text(encoding="utf-8"))
        assert truth["file"] == path.name
        assert path.name == f"{path.name[:5]}_{truth['layout']}_{truth['report']['report_year']}.txt"
        raw = path.read_bytes()
        text = raw.decode(truth["encoding"])
        if truth["encoding"] == "gb18030":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
        assert truth["report"]["agency"] in text
        layouts[truth["layout"]] += 1
        encodings[truth["encoding"]] += 1
    assert set(layouts) == {"pipe", "tab", "cells", "summary"}
    assert 1 <= encodings["gb18030"] <= 2


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
    paths = synth.generate(tmp_path, count=5, seed=3)
    assert len(paths) == 5
    assert sorted(p.name for p in tmp_path.glob("r*.txt")) == sorted(p.name for p in paths)
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
    synth.generate(tmp_path, count=2, seed=1)
    with pytest.raises(ValueError):
        synth.generate(tmp_path, count=2, seed=1, error_rate=-0.1)
    assert len(list(tmp_path.glob("r*.txt"))) == 2  # a refused run removes nothing
    assert synth.capacity() >= 100_000  # the pool is large enough for the planned benchmarks


def test_thousand_reports_are_fast(tmp_path):
    start = time.perf_counter()
    paths = synth.generate(tmp_path, count=1000, seed=5)
    elapsed = time.perf_counter() - start
    assert len(paths) == 1000
    assert elapsed < 10, f"1000 reports took {elapsed:.1f}s"


def test_agency_years_are_unique(big):
    keys = Counter((r.truth["report"]["agency"], r.truth["report"]["report_year"], r.truth["report"]["doc_kind"])
                   for r in big)
    assert max(keys.values()) == 1


# ---------------------------------------------------------------------------
# Arithmetic truth and planted errors
# ---------------------------------------------------------------------------


def test_identities_hold_except_the_planted_rule(big):
    planted_seen = Counter()
    for rep in big:
        t = rep.truth
        assert failing_rules(t) == set(t["planted_errors"]), rep.name
        if t["planted"]:
            planted_seen[t["planted"][0]["rule"]] += 1
            assert t["expect_status"] == "quarantined"
        elif t["requests"] is not None:
            assert t["expect_status"] == "published"
        else:
            assert t["expect_status"] == "any"
    assert set(planted_seen) == {"T3-01", "T3-03", "T4-01"}


def test_planting_changes_exactly_one_cell(big):
    planted = [r.truth for r in big if r.truth["planted"]]
    assert planted
    for t in planted:
        (p,) = t["planted"]
        table, cell = p["cell"].split(".", 1)
        values = t[table]
        assert values[cell] == p["printed_value"] != p["true_value"]
        assert p["rule"] in p["trips"] and set(p["trips"]) == set(t["planted_errors"])
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
    cell = cell.translate(str.maketrans("（），：", "(),:")).replace(" ", "")
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
FIGURE = re.compile(r"(\d+(?:\.\d+)?)(万)?(?:余|多)?(条|件|篇|次|人|个|项|期|所|%)")


def extract_figures(text: str) -> Counter:
    found = Counter()
    for m in FIGURE.finditer(text):
        value = Decimal(m.group(1)) * (10000 if m.group(2) else 1)
        found[(value, m.group(3))] += 1
    return found


def test_narrative_figures_are_exactly_those_in_the_text(big):
    for rep in big:
        expected = Counter((Decimal(str(v)), u) for v, u in rep.truth["narrative"])
        assert extract_figures(rep.text) == expected, rep.name


def test_prose_restates_the_printed_table(big):
    stated = 0
    for rep in big:
        t = rep.truth
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
    annual = {(r.truth["report"]["agency"], r.truth["report"]["report_year"]): r.truth
              for r in big if r.truth["layout"] in ("pipe", "tab")}
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
            reports[rep.truth["report"]["agency"]][rep.truth["report"]["report_year"]] = rep.truth
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


def test_years_dates_and_formats(big):
    for rep in big:
        t, text = rep.truth, rep.text
        r = t["report"]
        year = r["report_year"]
        assert 2019 <= year <= 2024
        assert {"pipe": "2021", "tab": "2021", "cells": "2019", "summary": "none"}[t["layout"]] == r["format_version"]
        if t["layout"] in ("pipe", "tab"):
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
