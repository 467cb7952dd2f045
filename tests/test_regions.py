"""Division codes, agency types and the cross-report rules (R-01 roll-up, C-01 copies, Y-08, repetition rate)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main as ogi
from orchestration.synth import families
from transforms import gazetteer
from transforms.agencies import agency_type
from transforms.metadata import locate_agency

FIXTURE = Path(__file__).parent / "fixtures" / "agency_divisions.tsv"


def _fixture_rows() -> list[tuple[str, int, str, str | None, str]]:
    rows = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        agency, year, context, code, level = line.split("\t")
        rows.append((agency, int(year), context, None if code == "NULL" else code, level))
    return rows


ROWS = _fixture_rows()


def test_fixture_covers_every_level_and_province() -> None:
    assert len(ROWS) >= 200
    assert {level for *_, level in ROWS} == {"province", "prefecture", "county", "township", "unknown"}
    provinces = {code[:2] for *_, code, _ in ROWS if code}
    assert len(provinces) == 31  # every province-level division of the mainland


@pytest.mark.parametrize("agency, year, context, code, level", ROWS, ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in ROWS])
def test_real_agency_names_get_their_division(agency, year, context, code, level) -> None:
    region, loc = locate_agency(agency, year, context)
    assert (loc.code, loc.level) == (code, level)
    if code is None:
        assert loc.note, "an undecided code always says why"
    else:
        assert region and agency.startswith(region) or agency.startswith("平潭")


def test_ambiguous_name_lists_its_candidates_and_is_never_guessed() -> None:
    loc = gazetteer.locate("鼓楼区", 2021, "本机关认真贯彻落实条例。")
    assert loc.code is None
    assert all(c in loc.note for c in ("320106", "320302", "350102", "410204"))
    both = gazetteer.locate("鼓楼区", 2021, "福州市和南京市")  # two of its cities named: still undecided
    assert both.code is None


def test_renamed_areas_keep_one_code_across_their_names() -> None:
    assert gazetteer.locate("洪泽县", 2012).code == gazetteer.locate("淮安市洪泽区", 2023).code == "320813"
    assert gazetteer.locate("平潭县", 2011).code == gazetteer.locate("平潭综合实验区", 2021).code == "350128"
    assert gazetteer.locate("崇文区", 2009).code == "110103"  # merged into 东城区 in 2010: its own last code


@pytest.mark.parametrize(
    "agency, region, level, kind",
    [
        ("淮安市人民政府", "淮安市", "prefecture", "government"),
        ("平潭综合实验区管委会", "平潭综合实验区", "county", "government"),
        ("平潭综合实验区", "平潭综合实验区", "county", "government"),
        ("上海市人民政府办公厅", "上海市", "province", "general_office"),
        ("淮安市洪泽区政府办", "淮安市洪泽区", "county", "general_office"),
        ("隆尧县教育局", "隆尧县", "county", "department"),
        ("隆尧县莲子镇人民政府", "隆尧县莲子镇", "township", "township"),
        ("西城街道办事处", None, "unknown", "township"),
        (None, None, "unknown", "unknown"),
    ],
)
def test_agency_type(agency, region, level, kind) -> None:
    assert agency_type(agency, region, level) == kind


# --- generated reports loaded end to end -----------------------------------------------


def _load(tmp_path: Path, files: dict[str, str]) -> duckdb.DuckDBPyConnection:
    src = tmp_path / "in"
    src.mkdir()
    for name, text in files.items():
        (src / name).write_text(text, encoding="utf-8")
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(src), "--db", str(db), "--quiet"]) == 0
    return duckdb.connect(str(db), read_only=True)


def _results(con, rule: str) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for name, status, evidence, observed in con.execute(
        """SELECT regexp_extract(r.source_path, '[^/]+$'), c.status, c.evidence, c.observed
           FROM core.check_results c JOIN core.reports r USING (doc_id) WHERE c.rule = ?""",
        [rule],
    ).fetchall():
        out.setdefault(name, []).append((status, evidence, observed))
    return out


@pytest.fixture(scope="module")
def related(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    files = {**families.region_family(), **families.copied_pair(), **families.repeated_year()}
    con = _load(tmp_path_factory.mktemp("related"), files)
    yield con
    con.close()


def test_generated_reports_get_codes_and_types(related) -> None:
    rows = dict(
        (name, rest) for name, *rest in related.execute(
            "SELECT regexp_extract(source_path, '[^/]+$'), region_code, admin_level, agency_type FROM core.reports"
        ).fetchall()
    )
    assert rows["longyao_gov_2022.txt"] == ["130525", "county", "government"]
    assert rows["longyao_edu_2022.txt"] == ["130525", "county", "department"]
    assert rows["pingxiang_edu_2022.txt"] == ["130532", "county", "department"]
    assert rows["zanhuang_civil_2022.txt"] == ["130129", "county", "department"]


def test_rollup_passes_when_the_region_counts_its_departments(related) -> None:
    verdicts = _results(related, "R-01")["longyao_gov_2022.txt"]
    assert verdicts and {s for s, *_ in verdicts} == {"pass"}
    for name in ("longyao_edu_2022.txt", "longyao_civ_2022.txt"):
        assert {s for s, *_ in _results(related, "R-01")[name]} == {"not_assessable"}


def test_rollup_fails_naming_the_department_that_exceeds_the_region(tmp_path) -> None:
    con = _load(tmp_path, families.region_family(exceed="edu"))
    try:
        verdicts = _results(con, "R-01")["longyao_gov_2022.txt"]
        failed = [e for s, e, _ in verdicts if s == "fail"]
        assert failed, verdicts
        assert all("隆尧县教育局" in e for e in failed)
        (n,) = con.execute(
            "SELECT count(*) FROM core.check_results WHERE rule = 'R-01' AND status = 'fail' AND severity = 'warning'"
        ).fetchone()
        assert n == len(failed)
    finally:
        con.close()


def test_copied_sections_of_another_agency_are_flagged_with_it(related) -> None:
    c01 = _results(related, "C-01")
    copy = [e for s, e, _ in c01["pingxiang_edu_2022.txt"] if s == "fail"]
    original = [e for s, e, _ in c01["zanhuang_civil_2022.txt"] if s == "fail"]
    assert copy and all("赞皇县民政局" in e for e in copy)
    assert original and all("平乡县教育局" in e for e in original)
    # the county's own family is not flagged as copies of each other or of the pair
    flagged = {name for name, verdicts in c01.items() if any(s == "fail" for s, *_ in verdicts)}
    assert flagged == {"pingxiang_edu_2022.txt", "zanhuang_civil_2022.txt"}


def test_a_pending_report_brings_the_reports_whose_checks_read_it(related) -> None:
    """What a load re-checks with a new report: its agency's neighbouring years, the government
    report of its region (R-01 counts it), the report it was copied from or to (C-01); and when
    every stored report is pending, every report and nothing else."""
    from orchestration.engine.checking import with_neighbours

    ids = dict(
        (name, doc_id) for name, doc_id in related.execute(
            "SELECT regexp_extract(source_path, '[^/]+$'), doc_id FROM core.reports"
        ).fetchall()
    )
    edu = set(with_neighbours(related, [ids["longyao_edu_2022.txt"]]))
    assert {ids["longyao_edu_2022.txt"], ids["longyao_gov_2022.txt"]} <= edu
    assert ids["zanhuang_civil_2022.txt"] not in edu
    copy = set(with_neighbours(related, [ids["pingxiang_edu_2022.txt"]]))
    assert ids["zanhuang_civil_2022.txt"] in copy and ids["longyao_gov_2022.txt"] not in copy
    assert with_neighbours(related, list(ids.values())) == sorted(ids.values())


def test_where_check_batches_split_changes_no_verdict_mark_or_status(tmp_path) -> None:
    """The check stage splits its reports into batches (CHECK_BATCH_REPORTS; an agency is never
    split), and the cross-report rules read the reports outside a batch from `core`. Re-checking a
    region's family, a copied pair and a repeated year one agency at a time gives every verdict,
    `verified` mark, status and repetition rate of the load's single batch."""
    from orchestration.engine.checking import agency_batches, run_checks

    files = {**families.region_family(exceed="edu"), **families.copied_pair(), **families.repeated_year()}
    _load(tmp_path, files).close()
    con = duckdb.connect(str(tmp_path / "ogi.duckdb"))
    try:
        queries = (
            "SELECT doc_id, rule, status, observed, expected, message, location, evidence FROM core.check_results ORDER BY ALL",
            "SELECT doc_id, row_code, applicant, verified FROM core.fact_requests ORDER BY ALL",
            "SELECT doc_id, status, status_reason, repetition_rate FROM core.reports ORDER BY ALL",
        )
        before = [con.execute(q).fetchall() for q in queries]
        ids = [r[0] for r in con.execute("SELECT doc_id FROM core.reports").fetchall()]
        assert len(agency_batches(con, ids, 1)) >= 6
        run_checks(con, everything=True, batch_size=1)
        after = [con.execute(q).fetchall() for q in queries]
    finally:
        con.close()
    failing = {rule for _, rule, status, *_ in before[0] if status == "fail"}
    assert {"C-01", "R-01"} <= failing
    for old, new in zip(before, after):
        assert old == new


def test_signatures_are_stored_per_report(related) -> None:
    (n, docs) = related.execute("SELECT count(*), count(DISTINCT doc_id) FROM core.text_signatures").fetchone()
    assert docs == 8 and n >= docs
    (lengths,) = related.execute("SELECT list_distinct(list(len(minhash)) || list(len(bands))) FROM core.text_signatures").fetchone()
    assert sorted(lengths) == [16, 128]


def test_figures_repeated_from_last_year_are_warned(related) -> None:
    y08 = _results(related, "Y-08")
    assert [s for s, *_ in y08["ningjin_fin_2022.txt"]] == ["fail"]
    assert {s for s, *_ in y08["ningjin_fin_2021.txt"]} == {"not_assessable"}


def test_repetition_rate_is_stored_and_shown_per_agency_year(related) -> None:
    rate = dict(related.execute(
        "SELECT regexp_extract(source_path, '[^/]+$'), repetition_rate FROM core.reports"
    ).fetchall())
    assert rate["ningjin_fin_2021.txt"] is None  # no previous report
    assert 0 < rate["ningjin_fin_2022.txt"] <= 1
    rows = related.execute(
        "SELECT agency, report_year, repetition_rate, region_code, agency_type, days_late, new_applications "
        "FROM published.agency_years ORDER BY agency, report_year"
    ).fetchall()
    assert len(rows) == len({(a, y) for a, y, *_ in rows}) == 8
    ningjin = [r for r in rows if r[0] == "宁晋县财政局" and r[1] == 2022]
    assert ningjin and ningjin[0][2] == rate["ningjin_fin_2022.txt"]
    gov = next(r for r in rows if r[0] == "隆尧县人民政府")
    assert gov[3:6] == ("130525", "government", 0)


def test_quality_report_has_a_page_per_region_with_its_agencies_and_years(related, tmp_path) -> None:
    from orchestration.reports.quality_report import write_report

    (path,) = related.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    write_report(path, tmp_path / "qr")
    page = (tmp_path / "qr" / "regions" / "130525.html").read_text(encoding="utf-8")
    for agency in ("隆尧县人民政府", "隆尧县教育局", "隆尧县民政局", "隆尧县人力资源和社会保障局"):
        assert agency in page
    assert "<td>2022</td>" in page or ">2022<" in page
    index = (tmp_path / "qr" / "regions" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{code}.html"' in index for code in ("130525", "130532", "130129", "130528"))


def test_a_later_load_rechecks_the_region_and_the_copied_report(tmp_path) -> None:
    """Incremental: the county's report and the copied original are loaded first; the
    department exceeding the county and the copy come in a later load, and the earlier
    reports' R-01 and C-01 verdicts follow (their signatures are not recomputed)."""
    family, pair = families.region_family(exceed="edu"), families.copied_pair()
    first = {"longyao_gov_2022.txt": family["longyao_gov_2022.txt"], "zanhuang_civil_2022.txt": pair["zanhuang_civil_2022.txt"]}
    src, db = tmp_path / "in", tmp_path / "ogi.duckdb"
    src.mkdir()
    for name, text in first.items():
        (src / name).write_text(text, encoding="utf-8")
    assert ogi(["load", str(src), "--db", str(db), "--quiet"]) == 0
    con = duckdb.connect(str(db), read_only=True)
    before = {(d, tuple(m)) for d, m in con.execute("SELECT doc_id, minhash FROM core.text_signatures").fetchall()}
    assert {s for s, *_ in _results(con, "C-01")["zanhuang_civil_2022.txt"]} == {"pass"}
    con.close()
    for name, text in {**family, **pair}.items():
        (src / name).write_text(text, encoding="utf-8")
    assert ogi(["load", str(src), "--db", str(db), "--quiet"]) == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        kept = {(d, tuple(m)) for d, m in con.execute("SELECT doc_id, minhash FROM core.text_signatures").fetchall()}
        assert before <= kept
        assert any(s == "fail" and "平乡县教育局" in e for s, e, _ in _results(con, "C-01")["zanhuang_civil_2022.txt"])
        assert any(s == "fail" and "隆尧县教育局" in e for s, e, _ in _results(con, "R-01")["longyao_gov_2022.txt"])
    finally:
        con.close()
