"""`ogi report`: the maintainers' data-quality report.

The report is written for the seeds plus the development corpus plus a few
crafted hostile documents (agency/title/prose/file names carrying markup),
then read three ways: parsed pages (structure, links, escaping), the
figures against SQL run here on the same warehouse, and a real headless
Chromium (rendered DOM and screenshot). A synthetic warehouse checks that
lists stay paginated and capped as the corpus grows.
"""

from __future__ import annotations

import math
import re
import shutil
from html import unescape
from pathlib import Path

import duckdb
import pytest

from browser import dump_dom, find_chromium, parse_dom, png_stats, screenshot
from system_tools import require
from conftest import CORPUS, SEEDS
from expectations.catalogue import RULES
from orchestration.cli import main as ogi
from transforms import PARSER_VERSION
from warehouse import db
from orchestration.reports.quality_report import INDEX_ROWS, PAGE_SIZE, agency_page_name, doc_page_name, write_report

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


# --------------------------------------------------------------------------- fixtures


def write_hostile_reports(folder: Path) -> dict[str, Path]:
    """Real report text (seed 002) whose title, prose and file name carry markup.

    The directory is literally named `<script>alert(1)<`, so the file path
    reads `…/<script>alert(1)</script>"><img …>.txt`. Table 三's 本年新收 row
    is changed to 3 so the report fails T3-03 and is quarantined (it must
    then be listed, with its hostile title, on the overview).
    """
    src = (SEEDS / "002_0413918a63fee9e6.txt").read_text(encoding="utf-8")
    _, rest = src.split("2021 年政府信息公开工作年度报告", 1)
    text = f"{SCRIPT}{IMG}县教育局2021年政府信息公开工作年度报告" + rest.replace("市教育局", f"{SCRIPT}{IMG}县教育局")
    text = text.replace("一年来，", f"一年来，{SCRIPT}{IMG}", 1)
    row = "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0\t"
    assert row in text, "seed 002 changed: the crafted report needs its 本年新收 row"
    text = text.replace(row, "一、本年新收政府信息公开申请数量\t\t3\t0\t0\t0\t0\t0\t3\t")
    hostile_dir = folder / "<script>alert(1)<"
    hostile_dir.mkdir(parents=True)
    txt = hostile_dir / f"script>{IMG}.txt"
    txt.write_text(text, encoding="utf-8")
    empty = hostile_dir / "script> empty.txt"
    empty.write_bytes(b"")
    page = folder / "hostile.html"
    entity = SCRIPT.replace("<", "&lt;").replace(">", "&gt;") + IMG.replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    page.write_text(
        f"<html><head><title>{entity}县教育局2022年政府信息公开工作年度报告</title></head><body>"
        f"<h1>{entity}县教育局2022年政府信息公开工作年度报告</h1><p>一、总体情况</p>"
        f"<p>本局{entity}全年受理政府信息公开申请5件。</p></body></html>",
        encoding="utf-8",
    )
    return {"txt": txt, "empty": empty, "html": page}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> dict:
    """Seeds + corpus + hostile documents loaded through the CLI, and the report written."""
    base = tmp_path_factory.mktemp("quality_report")
    hostile = write_hostile_reports(base / "hostile")
    path = base / "ogi.duckdb"
    assert ogi(["load", str(SEEDS), str(CORPUS), str(base / "hostile"), "--db", str(path), "--quiet"]) == 0
    out = base / "report"
    index = write_report(path, out)
    return {"db": path, "out": out, "index": index, "hostile": hostile, "base": base}


def _q(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _doc_id(path: Path, source_path: Path | str) -> str:
    rows = _q(path, "SELECT doc_id FROM core.reports WHERE source_path = ?", [str(source_path)])
    assert rows, f"{source_path} is not a report in the warehouse"
    return rows[0][0]


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


# --------------------------------------------------------------------------- structure


def test_cli_prints_where_the_report_is(warehouse, tmp_path, capsys) -> None:
    out = tmp_path / "r"
    assert ogi(["report", "--db", str(warehouse["db"]), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert str((out / "index.html").resolve()) in printed
    assert (out / "index.html").is_file()


def test_pages_are_self_contained_and_every_link_resolves(warehouse) -> None:
    out: Path = warehouse["out"]
    pages = _pages(out)
    assert len(pages) > 20
    sources = {p for (p,) in _q(warehouse["db"], "SELECT source_path FROM core.reports UNION SELECT source_path FROM core.load_errors")}
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        dom = parse_dom(markup)
        assert dom.tags("script") == [] and dom.tags("iframe") == [], page
        # the only images are our own crops of PDF pages, embedded as data: URIs
        assert all(img.get("class") == "crop" and img.get("src", "").startswith("data:image/png;base64,")
                   for img in dom.tags("img")), page
        assert dom.tags("link") == [], f"{page}: stylesheets must be inline"
        assert len(dom.tags("style")) == 1, page
        assert dom.event_handlers() == [], page
        for tag, attrs in dom.elements:
            for name in ("src", "href"):
                value = attrs.get(name, "")
                assert not value.startswith(("http:", "https:", "//")), f"{page}: external {name}={value!r}"
        for href in dom.hrefs():
            if href.startswith("file:"):
                assert unescape(_file_path(href)) in sources, f"{page}: link to a file that is no source: {href}"
                continue
            target = (page.parent / href.split("#", 1)[0]).resolve()
            assert target.is_file(), f"{page}: broken link {href}"
    assert parse_dom(warehouse["index"].read_text(encoding="utf-8")).tags("svg"), "the overview has inline SVG charts"


def _file_path(uri: str) -> str:
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(uri).path)


def test_report_pages_exist_exactly_for_reports_with_findings(warehouse) -> None:
    path = warehouse["db"]
    with_findings = {
        d
        for (d,) in _q(
            path,
            """SELECT doc_id FROM core.check_results WHERE doc_id IS NOT NULL AND status = 'fail'
               UNION SELECT doc_id FROM staging.parse_issues""",
        )
    }
    written = {p.name for p in (warehouse["out"] / "reports").glob("*.html")}
    assert written == {doc_page_name(d) for d in with_findings}
    clean = {d for (d,) in _q(path, "SELECT doc_id FROM core.reports")} - with_findings
    # corpus README: huaianshi_2024 is internally consistent, a positive control
    assert _doc_id(path, CORPUS / "huaianshi_2024.pdf") in clean


# --------------------------------------------------------------------------- escaping


def test_hostile_text_reaches_the_warehouse(warehouse) -> None:
    """Precondition of the escaping tests: the markup really is in the data."""
    path = warehouse["db"]
    titles = [t for (t,) in _q(path, "SELECT title FROM core.reports WHERE title LIKE '%<script>%'")]
    assert any(SCRIPT in t and IMG in t for t in titles), titles
    errors = _q(path, "SELECT source_path FROM core.load_errors WHERE error = 'empty_file'")
    assert (str(warehouse["hostile"]["empty"]),) in errors
    status = _q(path, "SELECT status, status_reason FROM core.reports WHERE source_path = ?", [str(warehouse["hostile"]["txt"])])
    assert status and status[0][0] == "quarantined" and "T3-03" in status[0][1]


def test_document_text_is_shown_as_text_never_as_markup(warehouse) -> None:
    out: Path = warehouse["out"]
    index = parse_dom(warehouse["index"].read_text(encoding="utf-8"))
    assert SCRIPT in index.text and IMG in index.text, "hostile title and path are listed as text on the overview"
    assert str(warehouse["hostile"]["txt"]) in index.text
    doc = _doc_id(warehouse["db"], warehouse["hostile"]["txt"])
    page = out / "reports" / doc_page_name(doc)
    markup = page.read_text(encoding="utf-8")
    dom = parse_dom(markup)
    assert f"{SCRIPT}{IMG}县教育局2021年政府信息公开工作年度报告" in dom.text
    assert str(warehouse["hostile"]["txt"]) in dom.text
    assert "<script>" not in markup and "<img" not in markup
    # escaped as the templates' autoescaping (markupsafe) writes it: quotes as &#34;
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in markup
    errors = parse_dom((out / "load-errors" / "1.html").read_text(encoding="utf-8"))
    assert str(warehouse["hostile"]["empty"]) in errors.text and "empty_file" in errors.text


def test_prose_evidence_is_escaped_and_shown_in_context(warehouse, tmp_path) -> None:
    """A prose-vs-table finding whose clause carries markup: evidence, location offsets, context."""
    path = tmp_path / "ogi.duckdb"
    shutil.copy(warehouse["db"], path)
    doc = _doc_id(path, warehouse["hostile"]["txt"])
    with duckdb.connect(str(path)) as con:
        text = con.execute("SELECT text FROM staging.cleaned_text WHERE doc_id = ?", [doc]).fetchone()[0]
        start = text.index(SCRIPT + IMG, text.index("一年来"))
        end = start + len(SCRIPT + IMG) + 8
        clause = text[start:end]
        assert clause.startswith(SCRIPT + IMG)
        con.execute(
            """INSERT INTO core.check_results VALUES
               (?, 'prose', 'X-01', 'warning', 'fail', '17', '95', ?, now(), ?, ?),
               (?, 'prose', 'X-02', 'warning', 'not_assessable', NULL, NULL, ?, now(), NULL, NULL),
               (NULL, 'corpus', 'Y-06', 'warning', 'fail', '0.97', '0.9', ?, now(), 'corpus', NULL)""",
            [
                doc,
                f"prose says 17 {IMG}",
                f"prose {start}-{end}",
                clause,
                doc,
                f"not assessable: {SCRIPT}",
                f"text copied {SCRIPT}",
            ],
        )
    out = tmp_path / "out"
    write_report(path, out)
    markup = (out / "reports" / doc_page_name(doc)).read_text(encoding="utf-8")
    dom = parse_dom(markup)
    assert dom.tags("script") == [] and dom.tags("img") == [] and dom.event_handlers() == []
    assert f"prose says 17 {IMG}" in dom.text and f"not assessable: {SCRIPT}" in dom.text
    marks = [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", markup, re.S)]
    assert marks == [clause], "the clause at the stated offsets is highlighted, exactly"
    before = re.search(r'<span class="ctx"[^>]*>…(.*?)<mark>', markup, re.S)
    assert before and text[:start].endswith(unescape(before.group(1)))
    index = parse_dom((out / "index.html").read_text(encoding="utf-8"))
    assert "Y-06" in index.text and f"text copied {SCRIPT}" in index.text
    assert (out / "rules" / "X-01.html").is_file() and (out / "rules" / "Y-06.html").is_file()


# --------------------------------------------------------------------------- content


def test_overview_figures_agree_with_sql(warehouse) -> None:
    path = warehouse["db"]
    dom = parse_dom(warehouse["index"].read_text(encoding="utf-8"))
    for rule, failed, assessed, na in _q(
        path,
        """SELECT rule, count(*) FILTER (WHERE status = 'fail'), count(*) FILTER (WHERE status IN ('pass', 'fail')),
                  count(*) FILTER (WHERE status = 'not_assessable') FROM core.check_results GROUP BY rule""",
    ):
        assert f"{failed:,}/{assessed:,} fail" in dom.text, rule
        if na:
            assert f"{na:,} n/a" in dom.text, rule
    quarantined = _q(path, "SELECT source_path, status_reason FROM core.reports WHERE status = 'quarantined'")
    assert len(quarantined) <= INDEX_ROWS
    for source, reason in quarantined:
        assert source in dom.text and reason in dom.text
    # the corpus README's known bad report is among them, for the reason it states
    assert any(s.endswith("hongzequ_2023.pdf") and "T4-01" in r and "T4-03" in r for s, r in quarantined)
    for heading in ("By status", "By report year", "By format", "By administrative level", "By document kind", "Load errors by code", "Failures by report year"):
        assert heading in dom.text
    # the verified share per table, as SQL counts it over the published reports' table cells
    assert "Verified cells of published reports" in dom.text
    for table, name in (("fact_requests", "表三"), ("fact_review_litigation", "表四")):
        ((ok, n),) = _q(
            path,
            f"""SELECT count(*) FILTER (WHERE f.verified), count(*) FROM core.{table} f JOIN core.reports r USING (doc_id)
                WHERE r.status = 'published' AND f.source = 'table' AND f.value IS NOT NULL""",
        )
        assert n > 0 and f"{ok:,} / {n:,}" in dom.text, name


def test_report_page_lists_every_finding_with_its_evidence(warehouse) -> None:
    path, out = warehouse["db"], warehouse["out"]
    doc = _doc_id(path, CORPUS / "hongzequ_2023.pdf")
    dom = parse_dom((out / "reports" / doc_page_name(doc)).read_text(encoding="utf-8"))
    rows = _q(
        path,
        "SELECT rule, status, observed, expected, location, evidence, message FROM core.check_results WHERE doc_id = ? AND status <> 'pass'",
        [doc],
    )
    assert {r[0] for r in rows if r[1] == "fail"} >= {"T4-01", "T4-03"}  # corpus README: 复议 10+1+0+0 ≠ 总计 0
    for rule, _, observed, expected, location, evidence, message in rows:
        for value in (rule, observed, expected, location, evidence, message):
            if value:
                assert value in dom.text, (rule, value)
    agency_id = _q(path, "SELECT agency_id FROM core.reports WHERE doc_id = ?", [doc])[0][0]
    assert f"../agencies/{agency_page_name(agency_id)}" in dom.hrefs()
    assert str(CORPUS / "hongzequ_2023.pdf") in dom.text
    assert (CORPUS / "hongzequ_2023.pdf").resolve().as_uri() in dom.hrefs()


def test_agency_page_links_consecutive_years_with_key_figures(warehouse) -> None:
    path, out = warehouse["db"], warehouse["out"]
    d23 = _doc_id(path, CORPUS / "hongzequ_2023.pdf")
    d24 = _doc_id(path, CORPUS / "hongzequ_2024.pdf")
    (agency_id,) = {a for (a,) in _q(path, "SELECT agency_id FROM core.reports WHERE doc_id IN (?, ?)", [d23, d24])}
    markup = (out / "agencies" / agency_page_name(agency_id)).read_text(encoding="utf-8")
    dom = parse_dom(markup)
    assert "hongzequ_2023.pdf" in dom.text and "hongzequ_2024.pdf" in dom.text
    assert f"../reports/{doc_page_name(d23)}" in dom.hrefs()
    figures = dict(
        _q(
            path,
            """SELECT row_code, value FROM core.fact_requests WHERE doc_id = ? AND applicant = 'total' AND source = 'table'
               AND row_code IN ('new_received', 'total_processed')""",
            [d24],
        )
    )
    # corpus README: table 三 says 95 new applications, the prose says 17 (another scope): the table's figure is shown
    assert figures["new_received"] == 95
    row_2024 = re.search(r"<tr[^>]*><td[^>]*>2024</td>.*?</tr>", markup, re.S)
    assert row_2024, "a row for 2024"
    cells = re.findall(r'<td class="num">([^<]*)</td>', row_2024.group(0))
    assert cells[0] == f"{figures['new_received']:,}" and cells[2] == f"{figures['total_processed']:,}", cells
    assert 'class="break"' not in markup, "2023 carried forward 0 = 2024 carried over 0 (corpus README)"


def test_carry_over_break_is_visible(warehouse, tmp_path) -> None:
    path = tmp_path / "ogi.duckdb"
    shutil.copy(warehouse["db"], path)
    d23 = _doc_id(path, CORPUS / "hongzequ_2023.pdf")
    d24 = _doc_id(path, CORPUS / "hongzequ_2024.pdf")
    with duckdb.connect(str(path)) as con:
        (carried_forward,) = con.execute(
            "SELECT value FROM core.fact_requests WHERE doc_id = ? AND row_code = 'carried_forward' AND applicant = 'total'", [d23]
        ).fetchone()
        n = con.execute(
            "UPDATE core.fact_requests SET value = ? WHERE doc_id = ? AND row_code = 'carried_over' AND applicant = 'total'",
            [carried_forward + 7, d24],
        ).fetchone()[0]
        assert n == 1
        agency_id = con.execute("SELECT agency_id FROM core.reports WHERE doc_id = ?", [d24]).fetchone()[0]
    out = tmp_path / "out"
    write_report(path, out)
    markup = (out / "agencies" / agency_page_name(agency_id)).read_text(encoding="utf-8")
    assert markup.count('<tr class="break">') == 1
    dom = parse_dom(markup)
    assert f"≠ {carried_forward:,} carried forward in 2023" in dom.text
    index = parse_dom((out / "index.html").read_text(encoding="utf-8"))
    assert re.search(r"carry-over breaks\s*1(?![\d,])", index.text)
    agencies = parse_dom((out / "agencies" / "index-1.html").read_text(encoding="utf-8"))
    listed = [h for h in agencies.hrefs() if h.startswith("../agencies/") and "index-" not in h]
    assert listed[0] == f"../agencies/{agency_page_name(agency_id)}", "agencies with a break are listed first"


# --------------------------------------------------------------------------- scale


def synthetic_warehouse(path: Path, n: int) -> None:
    """A warehouse of n synthetic reports, written in SQL (no parsing): for scale tests.

    Agency k = i // 8 reports for years 2017..2024; report i is quarantined
    when i % 13 == 0 (T3-03), warns when i % 7 == 0 (M-05); table 四 rules
    are not assessable when i % 5 == 0; carried_over(i) equals
    carried_forward(i-1) except when i % 17 == 0 (a carry-over break).
    """
    rules = ", ".join(f"('{r.id}', '{r.suite}', '{r.severity}')" for r in RULES.values())
    with db.connect(path) as con:
        con.execute(
            f"""CREATE TEMP TABLE ids AS
                SELECT i, sha256('doc' || i) AS doc_id, i // 8 AS k, 2017 + (i % 8) AS year,
                       '/data/agency' || (i // 8) || '/report_' || (2017 + i % 8) || '.txt' AS path
                FROM range({n}) t(i)"""
        )
        con.execute("INSERT INTO raw.documents SELECT doc_id, path, 'r.txt', 'txt', 1000, ''::BLOB, now() FROM ids")
        con.execute("INSERT INTO raw.document_paths SELECT path, doc_id, now() FROM ids")
        con.execute("INSERT INTO staging.cleaned_text SELECT doc_id, 'text', 'utf-8', '一、总体情况', 6, 'text', NULL FROM ids")
        con.execute(
            f"""INSERT INTO core.reports
                SELECT doc_id, path, '某某县第' || k || '局', '某某县', ['county', 'prefecture', 'province'][k % 3 + 1], year,
                       NULL, 'annual_report', CASE WHEN year >= 2021 THEN '2021' ELSE '2019' END,
                       CASE WHEN i % 13 = 0 THEN 'quarantined' ELSE 'published' END,
                       CASE WHEN i % 13 = 0 THEN 'T3-03' END,
                       '某某县第' || k || '局' || year || '年政府信息公开工作年度报告', 'agency-' || k, '{PARSER_VERSION}',
                       'text', NULL, NULL, 'department', NULL
                FROM ids"""
        )
        con.execute(
            f"""INSERT INTO core.check_results
                SELECT doc_id, suite, rule, severity,
                       CASE WHEN rule = 'T3-03' AND i % 13 = 0 THEN 'fail'
                            WHEN rule = 'M-05' AND i % 7 = 0 THEN 'fail'
                            WHEN rule LIKE 'T4-%' AND i % 5 = 0 THEN 'not_assessable'
                            ELSE 'pass' END,
                       '3', '0', 'synthetic', now(), 'table 三, 总计', 'new_received=3 total_processed=0'
                FROM ids CROSS JOIN (VALUES {rules}) r(rule, suite, severity)"""
        )
        con.execute(
            """INSERT INTO core.fact_requests
                SELECT doc_id, code, 'total',
                       CASE code WHEN 'new_received' THEN 10 + i % 5
                                 WHEN 'total_processed' THEN 9 + i % 5
                                 WHEN 'carried_forward' THEN i % 3
                                 ELSE CASE WHEN i % 8 = 0 THEN 0 ELSE (i - 1) % 3 + CASE WHEN i % 17 = 0 THEN 1 ELSE 0 END END END,
                       'table', NULL, NULL, NULL, NULL, NULL, NULL
                FROM ids CROSS JOIN (VALUES ('new_received'), ('carried_over'), ('total_processed'), ('carried_forward')) c(code)"""
        )
        con.execute(
            """INSERT INTO core.fact_review_litigation
                SELECT doc_id, p, 'total', i % 4, 'table', NULL, NULL, NULL, NULL, NULL
                FROM ids CROSS JOIN (VALUES ('review'), ('litigation_direct'), ('litigation_after_review')) c(p)"""
        )
        con.execute("INSERT INTO staging.parse_issues SELECT doc_id, 'facts', 'table_row_misaligned', 'requests', false, 'row 3 shifted', NULL FROM ids WHERE i % 11 = 0")
        con.execute("INSERT INTO core.load_errors SELECT '/data/bad/' || i || '.pdf', NULL, 'read', 'pdf_no_text_layer', 'scanned', now() FROM ids WHERE i % 20 = 0")


def test_lists_stay_paginated_and_capped_at_scale(tmp_path) -> None:
    n = 4000
    path = tmp_path / "ogi.duckdb"
    synthetic_warehouse(path, n)
    out = tmp_path / "out"
    write_report(path, out)
    quarantined = [i for i in range(n) if i % 13 == 0]
    findings = [i for i in range(n) if i % 13 == 0 or i % 7 == 0 or i % 11 == 0]  # not assessable alone: no page
    breaks = [i for i in range(n) if i % 8 and i % 17 == 0]
    agencies = -(-n // 8)
    assert len(list((out / "reports").glob("*.html"))) == len(findings)
    assert len(list((out / "agencies").glob("index-*.html"))) == math.ceil(agencies / PAGE_SIZE)
    assert len(list((out / "agencies").glob("*.html"))) == agencies + math.ceil(agencies / PAGE_SIZE)
    q_pages = sorted((out / "quarantine").glob("*.html"))
    assert len(q_pages) == math.ceil(len(quarantined) / PAGE_SIZE)
    listed = [h for p in q_pages for h in parse_dom(p.read_text(encoding="utf-8")).hrefs() if h.startswith("../reports/")]
    assert len(listed) == len(quarantined) and len(set(listed)) == len(quarantined)
    assert len(list((out / "findings").glob("*.html"))) == math.ceil(len(findings) / PAGE_SIZE)
    assert len(list((out / "load-errors").glob("*.html"))) == math.ceil(len(range(0, n, 20)) / PAGE_SIZE)
    index_markup = (out / "index.html").read_text(encoding="utf-8")
    index = parse_dom(index_markup)
    assert f"all {len(quarantined):,} →" in index.text and f"all {len(findings):,} →" in index.text
    assert re.search(rf"carry-over breaks\s*{len(breaks)}(?![\d,])", index.text)
    assert len(index_markup) < 300_000, "the overview must not grow with the corpus"
    assert f"{len(quarantined):,}/{n:,} fail" in index.text  # T3-03
    assert f"{n // 5 + (1 if n % 5 else 0):,} n/a" in index.text  # T4 rules


# --------------------------------------------------------------------------- real browser


def require_chromium() -> str:
    """The browser; without one the test is skipped with how to install it (under CI it fails)."""
    return require(find_chromium(), "Headless Chromium (for the quality report's browser test)", "chromium fonts-wqy-microhei", "OGI_CHROMIUM")


def test_report_renders_in_headless_chromium(warehouse, tmp_path) -> None:
    chromium = require_chromium()
    path, out = warehouse["db"], warehouse["out"]
    index_dom = parse_dom(dump_dom(chromium, warehouse["index"]))
    # every quarantined report and every failing rule is named in the rendered overview
    for source, title in _q(path, "SELECT source_path, title FROM core.reports WHERE status = 'quarantined'"):
        assert source in index_dom.text, source
    failing = [r for (r,) in _q(path, "SELECT DISTINCT rule FROM core.check_results WHERE status = 'fail'")]
    assert failing
    for rule in failing:
        assert rule in index_dom.text, rule
    # hostile text rendered as text; no element came from document text
    assert SCRIPT in index_dom.text and IMG in index_dom.text
    assert index_dom.tags("script") == [] and index_dom.tags("img") == [] and index_dom.event_handlers() == []
    assert len(index_dom.tags("svg")) >= 3 and index_dom.tags("rect")

    hostile = out / "reports" / doc_page_name(_doc_id(path, warehouse["hostile"]["txt"]))
    report_dom = parse_dom(dump_dom(chromium, hostile))
    assert f"{SCRIPT}{IMG}县教育局2021年政府信息公开工作年度报告" in report_dom.text
    assert "T3-03" in report_dom.text
    assert report_dom.tags("script") == [] and report_dom.tags("img") == [] and report_dom.event_handlers() == []

    bad = out / "reports" / doc_page_name(_doc_id(path, CORPUS / "hongzequ_2023.pdf"))
    bad_dom = parse_dom(dump_dom(chromium, bad))
    assert "T4-01" in bad_dom.text and "T4-03" in bad_dom.text and "quarantined" in bad_dom.text

    red = "#cf222e"
    shot = png_stats(screenshot(chromium, warehouse["index"], tmp_path / "index.png"), {"red": red})
    assert (shot.width, shot.height) == (1280, 2000)
    assert shot.colours >= 32 and shot.non_background > 0.03, shot
    assert shot.near["red"] > 200, f"the quarantine figures/bars in {red} are rendered: {shot}"
    page_shot = png_stats(screenshot(chromium, bad, tmp_path / "report.png"))
    assert page_shot.colours >= 16 and page_shot.non_background > 0.02, page_shot


def test_quarantined_pdf_report_shows_its_tables_as_read_with_the_failing_cells(warehouse) -> None:
    """hongzequ_2023 (a PDF, quarantined by T4-01 and T4-03): its page lays out
    tables 三 and 四 as read; the 行政复议 and 复议后起诉 rows are highlighted
    for their rule, every cell carries its PDF page and box, and table 三's
    cells (every identity passed) are marked verified."""
    page = warehouse["out"] / "reports" / doc_page_name(_doc_id(warehouse["db"], CORPUS / "hongzequ_2023.pdf"))
    text = page.read_text(encoding="utf-8")
    assert "Tables as read" in text and "四、政府信息公开行政复议、行政诉讼情况" in text
    dom = parse_dom(text)
    crops = [img for img in dom.tags("img") if img.get("class") == "crop"]
    assert len(crops) >= 3 and all("PDF page" in img.get("alt", "") for img in crops)  # tables 二, 三, 四
    highlighted = re.findall(r'<td class="num hl" title="([^"]*)">([^<]*)</td>', text)
    rules = {re.search(r"failing (T4-0\d)", tip).group(1) for tip, _ in highlighted}
    assert rules == {"T4-01", "T4-03"} and len(highlighted) == 10
    assert all(tip.startswith("pdf p") for tip, _ in highlighted)
    assert ("10·" in [v for _, v in highlighted]) and "21✓" in text


def test_validation_runs_are_recorded_per_suite_and_drawn_as_history(tmp_path) -> None:
    """Two check runs (a load, then `ogi check`) leave one core.validation_runs
    row per catalogue suite each, holding Great Expectations' results: the
    suite's success, its expectation statistics (one expectation per rule)
    and per rule GX's severity, success, rows judged and unexpected rows, with
    the reports they came to, which are the stored verdicts. The overview's
    history tables show both runs, per suite and per rule."""
    import json

    from expectations.catalogue import INFO, RULES

    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(SEEDS), "--db", str(db), "--quiet"]) == 0
    assert ogi(["check", "--db", str(db)]) == 0
    runs = _q(db, "SELECT run_id, suite, evaluated, successful, unsuccessful, success, results FROM core.validation_runs")
    assert len({r[0] for r in runs}) == 2
    assert {r[1] for r in runs} == {rule.suite for rule in RULES.values()}
    latest = _q(db, "SELECT run_id FROM core.validation_runs ORDER BY checked_at DESC LIMIT 1")[0][0]
    verdicts = {
        (rule, status): n
        for rule, status, n in _q(db, "SELECT rule, status, count(*) FROM core.check_results GROUP BY ALL")
    }
    for run_id, suite, evaluated, successful, unsuccessful, success, results in runs:
        per_rule = json.loads(results)
        assert set(per_rule) == {r.id for r in RULES.values() if r.suite == suite}
        assert evaluated == len(per_rule) and successful + unsuccessful == evaluated
        assert successful == sum(1 for v in per_rule.values() if v["success"])
        assert success == (unsuccessful == 0)
        if run_id != latest:
            continue
        for rule_id, v in per_rule.items():
            info = RULES[rule_id].severity == INFO
            assert v["severity"] == {"blocking": "critical", "warning": "warning", "info": "info"}[RULES[rule_id].severity]
            assert v["evaluated"] == verdicts.get((rule_id, "pass"), 0) + verdicts.get((rule_id, "fail"), 0)
            assert v["not_assessable"] == verdicts.get((rule_id, "not_assessable"), 0)
            # GX's unexpected rows are the verdicts: a report fails exactly when GX found one of its rows unexpected
            if not info:
                assert v["unexpected"] == verdicts.get((rule_id, "fail"), 0)
            assert (v["unexpected_rows"] > 0) == (v["unexpected"] > 0) and v["rows"] >= v["evaluated"]
            assert v["success"] == (info or v["unexpected_rows"] == 0)
    index = write_report(db, tmp_path / "report")
    text = parse_dom(index.read_text(encoding="utf-8")).text
    assert "Quality over time" in text and "Failure rate per rule" in text
    assert sum(1 for run_id in {r[0] for r in runs} if run_id[:8] in text) == 2
