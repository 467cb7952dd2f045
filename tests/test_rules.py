"""The rule catalogue of format-reference §6 on real reports, planted errors and small warehouse fixtures.

Three kinds of evidence:

1. real documents (../shared/seeds, ../shared/corpus) loaded through the whole
   pipeline: the errors the corpus README lists are reported under the right
   rule ids, and the clean reports raise nothing;
2. copies of the clean seed 001 with exactly one error planted: exactly that
   rule fails there (T3-01, T4-01, X-01, M-05; Y-01 across two years loaded in
   both orders);
3. small warehouses written row by row for rules whose data the corpus does
   not hold (2019 item chains, pre-2019 cumulative columns, township
   deadlines …): each rule's SQL and verdict on hand-made but real-looking rows.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from conftest import CORPUS, SEEDS
from expectations import catalogue
from expectations.catalogue import INFO, RULES, WARNING
from expectations.reconcile import RECONCILIATIONS
from expectations.suites import check_reports
from orchestration.cli import main as ogi
from transforms.agencies import agency_key, agency_type
from warehouse import db as wdb

SEED_001 = SEEDS / "001_732b3b243defc543.txt"
SEED_002 = SEEDS / "002_0413918a63fee9e6.txt"


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _load(paths: list[Path], db: Path) -> None:
    for p in paths:
        assert ogi(["load", str(p), "--db", str(db), "--quiet"]) == 0


def _doc(con, file_name: str) -> str:
    rows = con.execute(
        "SELECT DISTINCT doc_id FROM raw.document_paths WHERE source_path LIKE '%/' || ?", [file_name]
    ).fetchall()
    assert len(rows) == 1, f"{file_name}: {rows}"
    return rows[0][0]


def _results(con, doc_id: str) -> dict[str, dict]:
    cur = con.execute(
        "SELECT rule, severity, status, observed, expected, message, location, evidence FROM core.check_results WHERE doc_id = ?",
        [doc_id],
    )
    cols = [d[0] for d in cur.description]
    return {row[0]: dict(zip(cols, row)) for row in cur.fetchall()}


def _failing(con, doc_id: str) -> set[str]:
    return {r for r, v in _results(con, doc_id).items() if v["status"] == "fail"}


def _status(con, doc_id: str) -> str:
    return con.execute("SELECT status FROM core.reports WHERE doc_id = ?", [doc_id]).fetchone()[0]


def _swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected exactly one {old!r}"
    return text.replace(old, new)


def _seed001() -> str:
    return SEED_001.read_text(encoding="utf-8")


# the exact lines of seed 001's tables that the plants edit
_NEW = "一、本年新收政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | ||"
_OVER = "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | ||"
_GRANTED = "三、 本年度办理结果 | (一)予以公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |"
_TOTAL = "(七)总计 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | ||"
_T4_ROW = "0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"
_FIRST_PARAGRAPH_END = "政府信息公开工作得到规范和加强。\n"


def _plant_t301(text: str) -> str:
    """One natural-person application received and granted, but the rows' 总计 cells left at 0.

    The natural-person column still balances (T3-02, T3-03 hold) and so does
    the 总计 column; only the three rows no longer add up across (T3-01).
    """
    text = _swap(text, _NEW, _NEW.replace("| 0 | 0 |", "| 1 | 0 |", 1))
    text = _swap(text, _GRANTED, _GRANTED.replace("| 0 | 0 |", "| 1 | 0 |", 1))
    return _swap(text, _TOTAL, _TOTAL.replace("| 0 | 0 |", "| 1 | 0 |", 1))


def _plant_t401(text: str) -> str:
    """行政复议 结果维持 1 while its 总计 stays 0."""
    return _swap(text, _T4_ROW, "1" + _T4_ROW[1:])


def _plant_x01(text: str) -> str:
    """The overview says 5 applications arrived; table 三 says 0."""
    return _swap(text, _FIRST_PARAGRAPH_END, _FIRST_PARAGRAPH_END + "本年度共收到政府信息公开申请5件,均已按时答复。\n")


def _plant_m05(text: str) -> str:
    """Section 五 (heading and body) removed."""
    start = text.index("五、存在的主要问题及改进情况")
    end = text.index("六、其他需要报告的事项")
    return text[:start] + text[end:]


_OTHER_OVERVIEW = (
    "2021年,乌海市教育局以政务公开标准化规范化建设为抓手,围绕教育重点领域梳理公开事项清单,"
    "完善依申请公开受理、登记、审核、答复流程,建立专人负责、限时办理的工作机制。"
    "结合学校招生入学、学生资助、教师招聘等群众关注事项,通过门户网站专栏集中发布办事指南和政策问答,"
    "并利用电视栏目和报纸专版开展政策宣讲,拓宽了群众获取信息的渠道。\n"
)
_OTHER_PROBLEMS = (
    "对照年度考核要求,我局在主动公开的时效性和政策解读的针对性上仍有差距,"
    "部分业务科室对公开属性源头认定把握不准。下一步将加强业务培训,"
    "健全公开内容审核机制,推动重点领域信息常态化更新,提升公开质量。\n"
)


def _year_2021(text: str) -> str:
    """Seed 001 as its 2021 report: another year, other words in sections 一 and 五, nothing carried forward."""
    text = text.replace("2022", "2021")
    one = text.index("一、总体情况\n") + len("一、总体情况\n")
    two = text.index("二、主动公开政府信息情况")
    text = text[:one] + _OTHER_OVERVIEW + text[two:]
    five = text.index("五、存在的主要问题及改进情况\n") + len("五、存在的主要问题及改进情况\n")
    six = text.index("六、其他需要报告的事项")
    return text[:five] + _OTHER_PROBLEMS + text[six:]


def _carried_over_2022(text: str) -> str:
    """Seed 001 (2022) carrying one natural-person application over from 2021, granted this year."""
    text = _swap(text, _OVER, _OVER.replace("| 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "| 1 | 0 | 0 | 0 | 0 | 0 | 1 |"))
    text = _swap(text, _GRANTED, _GRANTED.replace("| 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "| 1 | 0 | 0 | 0 | 0 | 0 | 1 |"))
    return _swap(text, _TOTAL, _TOTAL.replace("| 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "| 1 | 0 | 0 | 0 | 0 | 0 | 1 |"))


# ---------------------------------------------------------------------------
# 1. real documents
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("rules_real") / "ogi.duckdb"
    assert ogi(["load", str(SEEDS), str(CORPUS), "--db", str(db), "--quiet"]) == 0
    return db


def test_clean_seeds_raise_no_failure_of_any_rule(real_db: Path) -> None:
    with duckdb.connect(str(real_db), read_only=True) as con:
        for name in (SEED_001.name, SEED_002.name):
            doc = _doc(con, name)
            results = _results(con, doc)
            assert set(results) == set(RULES), name  # every rule recorded a verdict
            assert _failing(con, doc) == set(), (name, {r: v["message"] for r, v in results.items() if v["status"] == "fail"})
            assert _status(con, doc) == "published"


def test_huaianshi_2024_positive_control_raises_no_failure(real_db: Path) -> None:
    with duckdb.connect(str(real_db), read_only=True) as con:
        doc = _doc(con, "huaianshi_2024.pdf")
        results = _results(con, doc)
        assert _failing(con, doc) == set()
        # the prose/table rules really ran on it (and held): 复议 351, 诉讼 46 = 26 + 20, 3119/3050/34/103
        for rule in ("X-01", "X-03", "X-05", "X-06", "X-07", "X-08", "T3-01", "T3-02", "T3-03", "T4-01"):
            assert results[rule]["status"] == "pass", rule


def test_hongzequ_2023_table_four_totals_block(real_db: Path) -> None:
    with duckdb.connect(str(real_db), read_only=True) as con:
        doc = _doc(con, "hongzequ_2023.pdf")
        results = _results(con, doc)
        assert _status(con, doc) == "quarantined"
        t401, t403 = results["T4-01"], results["T4-03"]
        assert (t401["severity"], t401["status"], t401["observed"], t401["expected"]) == ("blocking", "fail", "0", "11")
        assert (t403["severity"], t403["status"], t403["observed"], t403["expected"]) == ("blocking", "fail", "0", "5")
        assert "upheld=10" in t401["evidence"] and "total=0" in t401["evidence"]
        assert "行政复议" in t401["location"] and "复议后起诉" in t403["location"]
        assert results["T4-02"]["status"] == "pass"
        # the README's second finding: a 2021-format report printing （六）其他处理 as one row
        t306 = results["T3-06"]
        assert (t306["severity"], t306["status"]) == ("warning", "fail")
        assert "other_handling" in t306["evidence"] and "(六)其他处理" in t306["location"]
        blocking = {r for r in _failing(con, doc) if results[r]["severity"] == "blocking"}
        assert blocking == {"T4-01", "T4-03"}


def test_hongzequ_2024_prose_17_vs_table_95_is_a_warning(real_db: Path) -> None:
    with duckdb.connect(str(real_db), read_only=True) as con:
        doc = _doc(con, "hongzequ_2024.pdf")
        results = _results(con, doc)
        x01 = results["X-01"]
        assert (x01["severity"], x01["status"], x01["observed"], x01["expected"]) == ("warning", "fail", "17", "95")
        assert "chars" in x01["location"] and "本年新收" in x01["location"]
        assert "区政府办代表区政府受理" in x01["evidence"]  # the clause in context shows the scope
        assert _status(con, doc) == "published"  # a warning never blocks
        assert not {r for r in _failing(con, doc) if results[r]["severity"] == "blocking"}
        # M-09 (info) records the office-only scope without failing
        assert results["M-09"]["status"] == "pass" and results["M-09"]["message"].startswith("[info] note:")


def test_hongzequ_cross_year_identities_hold(real_db: Path) -> None:
    """Corpus README: normative documents in force 5 + 3 − 0 = 8; carried forward 0 = carried over 0."""
    with duckdb.connect(str(real_db), read_only=True) as con:
        doc = _doc(con, "hongzequ_2024.pdf")
        results = _results(con, doc)
        assert results["Y-01"]["status"] == "pass"
        assert results["Y-02"]["status"] == "pass"
        assert results["Y-06"]["status"] == "pass"  # rewritten prose, well under 80 % repeated
        first = _results(con, _doc(con, "hongzequ_2023.pdf"))
        assert first["Y-01"]["status"] == "not_assessable" and "2022" in first["Y-01"]["message"]


def test_pingtan_dishui_2013_handled_more_than_received_at_100_percent(real_db: Path) -> None:
    with duckdb.connect(str(real_db), read_only=True) as con:
        doc = _doc(con, "pingtan_dishui_2013.txt")
        results = _results(con, doc)
        x07 = results["X-07"]
        assert (x07["severity"], x07["status"], x07["observed"]) == ("warning", "fail", "100%")
        assert "171/117" in x07["expected"] and "办结率" in x07["location"]
        assert "受理审批事项117件,办结171件,办结率100%" in x07["evidence"]
        # text copied and edited: its 一是…三是 list skips 二是 (info: recorded, never a failure)
        x09 = results["X-09"]
        assert x09["status"] == "pass" and x09["message"].startswith("[info] note:") and "一是 三是" in x09["evidence"]
        assert _failing(con, doc) == {"X-07"}


def test_pingtan_syq_2013_missing_statistics_cell(real_db: Path) -> None:
    """Corpus README: one statistics cell is missing — the two cells of that row stay NULL and P-03 says so."""
    with duckdb.connect(str(real_db), read_only=True) as con:
        p03 = _results(con, _doc(con, "pingtan_syq_2013.txt"))["P-03"]
        assert (p03["severity"], p03["status"]) == ("warning", "fail")
        assert "legacy_cell_missing" in p03["evidence"] and "政府公报公开" in p03["evidence"]
        assert _results(con, _doc(con, "pingtan_syq_2011.txt"))["P-03"]["status"] == "pass"


def test_pingtan_prose_breakdowns_agree_with_flattened_tables(real_db: Path) -> None:
    """Gold notes: 2023 prose 42 = 22 + 20, 5, 31, 1, 2 with shares of 81; 2025 复议 36, 诉讼 9 = 6 + 3."""
    with duckdb.connect(str(real_db), read_only=True) as con:
        r2023 = _results(con, _doc(con, "pingtan_syq_2023.txt"))
        assert r2023["X-02"]["status"] == "pass"
        assert r2023["X-02"]["message"] == "holds at all 10 place(s) checked"  # five groups and their five shares
        assert r2023["X-07"]["status"] == "pass"  # the shares are also right as shares of the prose's own 81
        r2025 = _results(con, _doc(con, "pingtan_syq_2025.txt"))
        assert r2025["X-03"]["status"] == "pass" and r2025["X-03"]["message"] == "holds at all 2 place(s) checked"
        assert r2025["X-01"]["status"] == "pass"


def test_late_publication_of_2011_reports(real_db: Path) -> None:
    """Both 2011 平潭 reports were posted in April 2012, after the 31 March deadline of the 2008 条例."""
    with duckdb.connect(str(real_db), read_only=True) as con:
        for name, late in (("pingtan_syq_2011.txt", "11 days late"), ("pingtan_xian_2011.txt", "18 days late")):
            m01 = _results(con, _doc(con, name))["M-01"]
            assert m01["status"] == "fail" and late in m01["observed"] and m01["expected"] == "by 2012-03-31"
        on_time = _results(con, _doc(con, "pingtan_dishui_2013.txt"))["M-01"]
        assert on_time["status"] == "pass"


def test_stored_severities_follow_the_contract(real_db: Path) -> None:
    with duckdb.connect(str(real_db), read_only=True) as con:
        severities = {r[0] for r in con.execute("SELECT DISTINCT severity FROM core.check_results").fetchall()}
        info_rules = [r.id for r in RULES.values() if r.severity == INFO]
        info_fails = con.execute(
            f"SELECT count(*) FROM core.check_results WHERE status = 'fail' AND rule IN ({', '.join('?' * len(info_rules))})",
            info_rules,
        ).fetchone()[0]
        notes = con.execute("SELECT count(*) FROM core.check_results WHERE message LIKE '[info] note:%'").fetchone()[0]
        pairs = con.execute("SELECT count(*), count(DISTINCT (doc_id, rule)) FROM core.check_results").fetchone()
    assert severities <= {"blocking", "warning"}
    assert info_fails == 0 and notes > 0
    assert pairs[0] == pairs[1]  # one verdict per report and rule


# ---------------------------------------------------------------------------
# 2. planted errors in copies of seed 001
# ---------------------------------------------------------------------------

_PLANTS = {
    "plant_t3_01.txt": (_plant_t301, "T3-01"),
    "plant_t4_01.txt": (_plant_t401, "T4-01"),
    "plant_x01.txt": (_plant_x01, "X-01"),
    "plant_m05.txt": (_plant_m05, "M-05"),
}


@pytest.fixture(scope="module")
def planted_db(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("rules_planted")
    inbox = root / "inbox"
    inbox.mkdir()
    for name, (plant, _) in _PLANTS.items():
        (inbox / name).write_text(plant(_seed001()), encoding="utf-8")
    db = root / "ogi.duckdb"
    _load([inbox], db)
    return db


@pytest.mark.parametrize("fixture", ["real_db", "planted_db"])
def test_a_small_batch_fetches_each_rules_rows_as_tuples_into_the_same_frame(fixture: str, request) -> None:
    """A check batch of a few reports fetches its rules' rows as tuples (expectations/suites.py,
    TUPLES_UP_TO_REPORTS), a larger one as Arrow: every rule's frame is the same either way, on the
    seeds and the corpus and on reports with planted errors (failing rows, evidence, shown values)."""
    from expectations import checked
    from expectations.suites import reconciliation_frame

    with duckdb.connect(str(request.getfixturevalue(fixture)), read_only=True) as con:
        doc_ids = [r[0] for r in con.execute("SELECT doc_id FROM core.reports ORDER BY doc_id").fetchall()]
        with checked.batch(con, doc_ids):
            for rule in RECONCILIATIONS:
                # the same rows (a statement without ORDER BY may give them in another order, either way)
                as_arrow = reconciliation_frame(con, [rule]).drop("row")
                as_tuples = reconciliation_frame(con, [rule], as_tuples=True).drop("row")
                assert as_tuples.schema == as_arrow.schema, rule
                assert as_tuples.sort(pl.all()).equals(as_arrow.sort(pl.all())), rule
            whole = reconciliation_frame(con, list(RECONCILIATIONS))
    assert whole.filter(pl.col("observed").is_not_null()).height > 200  # the comparison saw rows of substance


@pytest.mark.parametrize("name", sorted(_PLANTS))
def test_one_planted_error_fails_exactly_its_rule(planted_db: Path, name: str) -> None:
    rule = _PLANTS[name][1]
    with duckdb.connect(str(planted_db), read_only=True) as con:
        doc = _doc(con, name)
        assert _failing(con, doc) == {rule}
        result = _results(con, doc)[rule]
        assert result["severity"] == RULES[rule].severity
        expected_status = "quarantined" if RULES[rule].severity == "blocking" else "published"
        assert _status(con, doc) == expected_status


def test_planted_places_are_named(planted_db: Path) -> None:
    with duckdb.connect(str(planted_db), read_only=True) as con:
        t301 = _results(con, _doc(con, "plant_t3_01.txt"))["T3-01"]
        assert "fails at 3 place(s)" in t301["message"]
        assert "本年新收" in t301["location"] and "予以公开" in t301["location"] and "(七)总计" in t301["location"]
        assert "natural_person=1" in t301["evidence"]
        x01 = _results(con, _doc(con, "plant_x01.txt"))["X-01"]
        assert (x01["observed"], x01["expected"]) == ("5", "0")
        assert "收到政府信息公开申请5件" in x01["evidence"]
        m05 = _results(con, _doc(con, "plant_m05.txt"))["M-05"]
        assert m05["evidence"] == "missing: problems_improvements"


def test_check_reruns_rules_without_reparsing(planted_db: Path, tmp_path: Path, monkeypatch) -> None:
    """`ogi check` applies a changed rule to what is loaded; the parser stages are not run again."""
    db = tmp_path / "ogi.duckdb"
    shutil.copy(planted_db, db)

    def ledger(stage: str) -> list:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(
                "SELECT doc_id, done_at FROM staging.stage_ledger WHERE stage = ? ORDER BY doc_id", [stage]
            ).fetchall()

    parsed_before = ledger("report_metadata")
    monkeypatch.setitem(catalogue.RULES, "T4-01", replace(RULES["T4-01"], severity=WARNING))
    assert ogi(["check", "--db", str(db)]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        doc = _doc(con, "plant_t4_01.txt")
        t401 = _results(con, doc)["T4-01"]
        assert (t401["severity"], t401["status"]) == ("warning", "fail")
        assert _status(con, doc) == "published"
    assert ledger("report_metadata") == parsed_before

    monkeypatch.undo()
    assert ogi(["check", "--db", str(db)]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        doc = _doc(con, "plant_t4_01.txt")
        assert _results(con, doc)["T4-01"]["severity"] == "blocking"
        assert _status(con, doc) == "quarantined"


def _two_years(tmp_path: Path) -> tuple[Path, Path]:
    """Two folders: seed 001 as the agency's 2021 report, and its 2022 report whose 上年结转 breaks Y-01."""
    y2021, y2022 = tmp_path / "y2021", tmp_path / "y2022"
    y2021.mkdir()
    y2022.mkdir()
    (y2021 / "wuhai_2021.txt").write_text(_year_2021(_seed001()), encoding="utf-8")
    (y2022 / "wuhai_2022.txt").write_text(_carried_over_2022(_seed001()), encoding="utf-8")
    return y2021, y2022


@pytest.mark.parametrize("order", ["2022_first", "2021_first"])
def test_carry_over_across_two_years_in_either_load_order(tmp_path: Path, order: str) -> None:
    """Y-01 on two consecutive reports of one agency, whichever year is loaded first."""
    y2021, y2022 = _two_years(tmp_path)
    db = tmp_path / "ogi.duckdb"
    first, second = (y2022, y2021) if order == "2022_first" else (y2021, y2022)

    _load([first], db)
    with duckdb.connect(str(db), read_only=True) as con:
        alone = _doc(con, first.name.replace("y", "wuhai_") + ".txt")
        y01 = _results(con, alone)["Y-01"]
        assert y01["status"] == "not_assessable" and "is loaded" in y01["message"]
        assert _failing(con, alone) == set()

    _load([second], db)
    with duckdb.connect(str(db), read_only=True) as con:
        later, earlier = _doc(con, "wuhai_2022.txt"), _doc(con, "wuhai_2021.txt")
        ids = dict(con.execute("SELECT doc_id, agency_id FROM core.reports").fetchall())
        assert ids[later] == ids[earlier] == "乌海市教育局"
        assert _failing(con, later) == {"Y-01"}
        assert _failing(con, earlier) == set()
        y01 = _results(con, later)["Y-01"]
        assert y01["severity"] == "warning"
        assert "fails at 2 place(s)" in y01["message"]  # the natural-person and the 总计 column
        assert "natural_person" in y01["location"] and "total" in y01["location"] and "wuhai_2021.txt" in y01["location"]
        assert (y01["observed"], y01["expected"]) == ("1; 1", "0; 0")
        assert _results(con, later)["Y-02"]["status"] == "pass"  # 11 in force, 11 issued, 0 repealed both years
        assert _results(con, later)["Y-06"]["status"] == "pass"  # sections 一 and 五 were rewritten


def test_a_batch_reads_other_reports_rows_from_core(tmp_path: Path) -> None:
    """The check batch copies its own reports' rows (expectations/checked.py); a previous year outside
    the batch is read from core. Checking the 2022 report alone gives it exactly the verdicts it gets
    when the 2021 report is checked with it (Y-01 fails, the other cross-year rules pass on both years' rows)."""
    y2021, y2022 = _two_years(tmp_path)
    db = tmp_path / "ogi.duckdb"
    _load([y2021, y2022], db)
    with duckdb.connect(str(db)) as con:
        later, earlier = _doc(con, "wuhai_2022.txt"), _doc(con, "wuhai_2021.txt")
        columns = ["rule", "status", "observed", "expected", "message", "location", "evidence"]
        alone = check_reports(con, [later]).rows.select(columns).sort("rule")
        together = check_reports(con, [earlier, later]).rows.filter(pl.col("doc_id") == later).select(columns).sort("rule")
    assert alone.equals(together)
    verdicts = {r["rule"]: r for r in alone.iter_rows(named=True)}
    assert verdicts["Y-01"]["status"] == "fail" and "wuhai_2021.txt" in verdicts["Y-01"]["location"]
    assert verdicts["Y-02"]["status"] == "pass" and verdicts["Y-06"]["status"] == "pass"
    assert "holds at all 2 place(s)" in verdicts["Y-06"]["message"]  # sections 一 and 五, against the 2021 report's


# ---------------------------------------------------------------------------
# 3. small warehouses for rules the corpus has no data for
# ---------------------------------------------------------------------------

_NOW = datetime(2026, 1, 1)


@pytest.fixture()
def mini() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    wdb.ensure_schema(con)
    yield con
    con.close()


def _report(con, doc_id: str, *, agency: str, year: int, fmt: str = "2021", level: str = "county",
            region: str | None = None, published_on: date | None = None, kind: str = "annual_report",
            text: str = "") -> str:
    wdb.write_frame(
        con,
        "raw.documents",
        pl.DataFrame([{"doc_id": doc_id, "source_path": f"/in/{doc_id}.txt", "file_name": f"{doc_id}.txt",
                       "extension": "txt", "size_bytes": len(text), "content": text.encode(), "first_seen_at": _NOW}]),
    )
    wdb.write_frame(
        con,
        "staging.cleaned_text",
        pl.DataFrame([{"doc_id": doc_id, "kind": "text", "encoding": "utf-8", "text": text, "char_count": len(text)}]),
    )
    wdb.write_frame(
        con,
        "core.reports",
        pl.DataFrame(
            [{"doc_id": doc_id, "source_path": f"/in/{doc_id}.txt", "agency": agency, "region": region,
              "admin_level": level, "report_year": year, "published_on": published_on, "doc_kind": kind,
              "format_version": fmt, "status": "quarantined", "title": None, "agency_id": agency_key(agency, region),
              "parser_version": "test", "agency_type": agency_type(agency, region, level)}],
            schema_overrides={"published_on": pl.Date, "region": pl.String, "title": pl.String},
        ),
    )
    return doc_id


def _active(con, doc_id: str, cells: dict[str, float | None], unit: str | None = "件") -> None:
    rows = []
    for key, value in cells.items():
        item, metric = key.split(".")
        rows.append({"doc_id": doc_id, "item": item, "metric": metric, "value": value, "unit": unit, "source": "table",
                     "row_label": item, "column_label": metric, "raw_text": "" if value is None else str(value)})
    wdb.write_frame(con, "core.fact_active_disclosure",
                    pl.DataFrame(rows, schema_overrides={"value": pl.Decimal(24, 6), "unit": pl.String}))


def _figure(con, doc_id: str, text: str, fragment: str, value: float, unit: str, *, metric: str | None = None,
            section: str = "overview", qualifier: str = "exact") -> None:
    """A prose figure at the position of `fragment`'s number in `text`."""
    at = text.index(fragment)
    number = str(int(value)) if float(value).is_integer() else str(value)
    start = text.index(number, at)
    end = start + len(number) + len(unit)
    wdb.write_frame(
        con,
        "core.fact_narrative_figures",
        pl.DataFrame([{"doc_id": doc_id, "section": section, "value": value, "unit": unit, "qualifier": qualifier,
                       "phrase": fragment, "start_offset": start, "end_offset": end, "metric": metric}],
                     schema_overrides={"value": pl.Decimal(24, 6), "metric": pl.String}),
    )


def _requests_total(con, doc_id: str, rows: dict[str, int]) -> None:
    wdb.write_frame(
        con,
        "core.fact_requests",
        pl.DataFrame([{"doc_id": doc_id, "row_code": r, "applicant": "total", "value": v, "source": "table",
                       "row_label": r, "raw_text": str(v)} for r, v in rows.items()]),
    )


def _verdicts(con, doc_ids: list[str], rules: list[str]) -> dict[tuple[str, str], dict]:
    rows = check_reports(con, doc_ids, rules).rows
    return {(r["doc_id"], r["rule"]): r for r in rows.iter_rows(named=True)}


def test_deadlines_by_kind_of_body(mini) -> None:
    dept = _report(mini, "dept", agency="隆尧县教育局", region="隆尧县", year=2021, published_on=date(2022, 2, 22))
    gov = _report(mini, "gov", agency="隆尧县人民政府", region="隆尧县", year=2021, published_on=date(2022, 3, 30))
    town = _report(mini, "town", agency="隆尧县莲子镇人民政府", region="隆尧县莲子镇", year=2021, level="township",
                   published_on=date(2022, 2, 10))
    old = _report(mini, "old", agency="隆尧县教育局", region="隆尧县", year=2015, fmt="pre2019", published_on=date(2016, 3, 31))
    undated = _report(mini, "undated", agency="吕梁市教育局", region="吕梁市", year=2022, level="prefecture")
    v = _verdicts(mini, [dept, gov, town, old, undated], ["M-01", "M-02", "M-03", "M-04"])
    assert v[(dept, "M-02")]["status"] == "fail" and "22 days late" in v[(dept, "M-02")]["observed"]
    assert v[(dept, "M-03")]["status"] == "not_assessable"
    assert v[(gov, "M-03")]["status"] == "pass" and v[(gov, "M-02")]["status"] == "not_assessable"
    m04 = v[(town, "M-04")]  # info: late against the default, recorded, never failing, with the deadline's source
    assert (m04["status"], m04["severity"]) == ("pass", "warning")
    assert m04["message"].startswith("[info] note:") and "default 31 January" in m04["message"]
    assert v[(town, "M-02")]["status"] == "not_assessable"
    assert v[(old, "M-01")]["status"] == "pass" and v[(old, "M-02")]["status"] == "not_assessable"
    assert v[(undated, "M-02")]["message"] == "not assessable: the publication date is unknown"


def test_documents_in_force_chain_with_amendments(mini) -> None:
    """Y-02: in force(Y) between in force(Y−1) − repealed and in force(Y−1) + issued − repealed."""
    a = _report(mini, "a23", agency="淮安市洪泽区人民政府", region="淮安市洪泽区", year=2023)
    b = _report(mini, "b24", agency="洪泽区人民政府", region="淮安市洪泽区", year=2024)
    c = _report(mini, "c25", agency="洪泽区政府", region="淮安市洪泽区", year=2025)
    _active(mini, a, {"normative_documents.issued": 0, "normative_documents.repealed": 5, "normative_documents.in_force": 5})
    # 3 issued of which 1 amends an existing text: 5 + 3 − 0 − 1 = 7 (within 5 … 8)
    _active(mini, b, {"normative_documents.issued": 3, "normative_documents.repealed": 0, "normative_documents.in_force": 7})
    # 2 issued, 1 repealed, but 12 in force: more than 7 + 2 − 1 = 8
    _active(mini, c, {"normative_documents.issued": 2, "normative_documents.repealed": 1, "normative_documents.in_force": 12})
    v = _verdicts(mini, [a, b, c], ["Y-02"])
    assert v[(a, "Y-02")]["status"] == "not_assessable"
    assert v[(b, "Y-02")]["status"] == "pass"
    assert v[(c, "Y-02")]["status"] == "fail"
    assert (v[(c, "Y-02")]["observed"], v[(c, "Y-02")]["expected"]) == ("12", "6 … 8")


def test_2019_item_counts_chain_and_signs(mini) -> None:
    """Y-04: 上一年项目数量(2020) = 上一年项目数量(2019) + 本年增/减(2019); T2-02: prior + change ≥ 0."""
    a = _report(mini, "a19", agency="隆尧县教育局", region="隆尧县", year=2019, fmt="2019")
    b = _report(mini, "b20", agency="隆尧县教育局", region="隆尧县", year=2020, fmt="2019")
    _active(mini, a, {"licensing.prior_year": 12, "licensing.change": -2, "punishment.prior_year": 3, "punishment.change": 1}, unit=None)
    _active(mini, b, {"licensing.prior_year": 10, "licensing.change": -11, "punishment.prior_year": 5, "punishment.change": 0}, unit=None)
    v = _verdicts(mini, [a, b], ["Y-04", "T2-02"])
    y04 = v[(b, "Y-04")]
    assert y04["status"] == "fail" and "fails at 1 place(s)" in y04["message"] and "punishment" in y04["location"]
    assert (y04["observed"], y04["expected"]) == ("5", "4")
    assert v[(b, "T2-02")]["status"] == "fail" and v[(b, "T2-02")]["observed"] == "-1"
    assert v[(a, "T2-02")]["status"] == "pass"


def test_legacy_cumulative_column_and_missing_cell(mini) -> None:
    """Y-05 on a Fujian-type 统计表 (平潭 2011: 425 = 418 + 7; 历年累计 1516), P-03 on an empty cell."""
    a = _report(mini, "a11", agency="平潭综合实验区管委会", region="平潭综合实验区", year=2011, fmt="pre2019", level="unknown")
    b = _report(mini, "b12", agency="平潭综合实验区", region="平潭综合实验区", year=2012, fmt="pre2019", level="unknown")
    rows = [
        (a, "主动公开信息数", "year", 425), (a, "主动公开信息数", "cumulative", 1516),
        (a, "受理依申请公开信息总数", "year", 46), (a, "受理依申请公开信息总数", "cumulative", 120),
        (b, "主动公开信息数", "year", 500), (b, "主动公开信息数", "cumulative", 2016),
        (b, "受理依申请公开信息总数", "year", 30), (b, "受理依申请公开信息总数", "cumulative", None),
    ]
    wdb.write_frame(mini, "core.fact_legacy_stats", pl.DataFrame(
        [{"doc_id": d, "indicator": i, "unit": "条", "period": p, "value": v, "source": "table",
          "raw_text": "" if v is None else str(v)} for d, i, p, v in rows],
        schema_overrides={"value": pl.Decimal(24, 6)}))
    v = _verdicts(mini, [a, b], ["Y-05", "P-03"])
    assert agency_key("平潭综合实验区管委会") == agency_key("平潭综合实验区")
    assert v[(b, "Y-05")]["status"] == "pass"  # 1516 + 500 = 2016; the blank cumulative cell is not compared
    assert "1 place(s)" in v[(b, "Y-05")]["message"]
    assert v[(b, "P-03")]["status"] == "fail" and "受理依申请公开信息总数 (cumulative)" in v[(b, "P-03")]["evidence"]
    assert v[(a, "P-03")]["status"] == "pass"


def test_prose_outcomes_shares_and_lists(mini) -> None:
    """X-02 (prose groups vs table 三) and X-07 (shares and 其中 lists) on real-looking prose."""
    text = (
        "2023年全区接收政府信息公开申请共计81件。办结依申请公开81件,其中:予以公开及部分公开42件,占51.85%;"
        "不予公开5件,占6.17%;无法提供30件,占38.27%。全年主动公开政府信息120条,其中政策文件70条,解读材料60条。"
    )
    d = _report(mini, "p23", agency="平潭综合实验区", region="平潭综合实验区", year=2023, level="unknown", text=text)
    _figure(mini, d, text, "申请共计81件", 81, "件", metric="requests.new_received.total")
    _figure(mini, d, text, "依申请公开81件", 81, "件", metric="requests.total_processed.total")
    _figure(mini, d, text, "部分公开42件", 42, "件")
    _figure(mini, d, text, "占51.85%", 51.85, "%")
    _figure(mini, d, text, "不予公开5件", 5, "件")
    _figure(mini, d, text, "占6.17%", 6.17, "%")
    _figure(mini, d, text, "无法提供30件", 30, "件")
    _figure(mini, d, text, "占38.27%", 38.27, "%")
    _figure(mini, d, text, "政府信息120条", 120, "条")
    _figure(mini, d, text, "政策文件70条", 70, "条")
    _figure(mini, d, text, "解读材料60条", 60, "条")
    _requests_total(mini, d, {"new_received": 81, "total_processed": 81, "granted": 22, "partly_granted": 20,
                              "denied_third_party": 3, "denied_process_info": 2, "unable_not_held": 31})
    v = _verdicts(mini, [d], ["X-01", "X-02", "X-07"])
    assert v[(d, "X-01")]["status"] == "pass"
    x02 = v[(d, "X-02")]
    # 42 = 22 + 20 and 5 = 3 + 2 hold; 无法提供 30 ≠ 31, and 38.27 % is 31/81, not 30/81
    assert x02["status"] == "fail" and "fails at 1 place(s)" in x02["message"] and "无法提供" in x02["location"]
    assert (x02["observed"], x02["expected"]) == ("30", "31")
    x07 = v[(d, "X-07")]
    # 38.27 % of 81 is 31, not 30; and 70 + 60 = 130 parts of a total of 120
    assert x07["status"] == "fail" and "fails at 2 place(s)" in x07["message"]
    assert "Σ 其中 = 70+60 = 130" in x07["observed"] and "≤ 120" in x07["expected"]
    assert "37.04% (30/81)" in x07["expected"]


def test_format_year_fit_and_art50_scope(mini) -> None:
    ok = _report(mini, "ok", agency="乌海市人民政府", region="乌海市", year=2022, level="prefecture",
                 text="本年度对各地区各部门政务公开工作进行考核,考核结果纳入绩效评价。")
    silent = _report(mini, "silent", agency="乌海市人民政府", region="乌海市", year=2021, level="prefecture", fmt="2019",
                     text="本年度政务公开工作平稳推进。")
    dept = _report(mini, "dept", agency="乌海市教育局", region="乌海市", year=2022, level="prefecture", text="平稳推进。")
    v = _verdicts(mini, [ok, silent, dept], ["M-06", "Y-07"])
    assert v[(ok, "M-06")]["status"] == "pass"
    assert v[(silent, "M-06")]["status"] == "fail" and "none of" in v[(silent, "M-06")]["evidence"]
    assert v[(dept, "M-06")]["status"] == "not_assessable" and "department" in v[(dept, "M-06")]["message"]
    assert v[(silent, "Y-07")]["status"] == "fail" and v[(silent, "Y-07")]["observed"] == "2019"
    assert v[(ok, "Y-07")]["status"] == "pass"


def test_fee_scale_and_county_rule_making(mini) -> None:
    a = _report(mini, "a", agency="某县财政局", region="某县", year=2022)
    b = _report(mini, "b", agency="某县财政局", region="某县", year=2023)
    _active(mini, a, {"fees.amount": 12.5}, unit="万元")
    _active(mini, b, {"fees.amount": 125000.0}, unit="万元")  # 元 typed into a 万元 cell: 10 000 × last year
    _active(mini, b, {"regulations.issued": 1, "regulations.in_force": 1})
    v = _verdicts(mini, [a, b], ["T2-07", "T2-05"])
    t207 = v[(b, "T2-07")]
    assert t207["status"] == "fail" and "10000.0× the previous year" in t207["observed"]
    assert v[(a, "T2-07")]["status"] == "pass"
    assert v[(b, "T2-05")]["status"] == "fail" and "county" in v[(b, "T2-05")]["location"]


def test_every_rule_has_sql_and_the_readme_documents_info_storage() -> None:
    assert set(RECONCILIATIONS) == set(RULES)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "[info] note:" in readme and "agency_id" in readme


def test_agency_identity_folds_name_variants() -> None:
    assert agency_key("平潭综合实验区管委会") == agency_key("平潭综合实验区") == agency_key("平潭综合实验区党工委管委会")
    assert agency_key("洪泽区人民政府", "淮安市洪泽区") == agency_key("淮安市洪泽区人民政府", "淮安市洪泽区") == "淮安市洪泽区政府"
    assert agency_key("鼓楼区教育局", "南京市鼓楼区") != agency_key("鼓楼区教育局", "福州市鼓楼区")
    assert agency_key("淮安市洪泽区人民政府办公室", "淮安市洪泽区") == agency_key("洪泽区政府办", "淮安市洪泽区")
    assert agency_key("淮安市洪泽区人民政府办公室", "淮安市洪泽区") != agency_key("淮安市洪泽区人民政府", "淮安市洪泽区")
