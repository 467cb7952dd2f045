"""The maintainers' data-quality report: self-contained HTML, readable offline.

Why it looks the way it does:
- No CDN, no script, no external file: every page carries its own small
  stylesheet and its charts as inline SVG, so a page opens the same on an
  air-gapped laptop, in a mail attachment, or from a CI artefact.
- Every piece of document text (agency names, titles, evidence, messages,
  file paths) comes from thousands of government websites: pages are jinja2
  templates (templates/*.html.j2) with autoescaping on, and the few
  fragments built in Python (links, badges) are `Markup` built with
  `Markup.format`, which escapes its arguments — document text never becomes
  markup.
- It has to stay usable over 100k reports: every figure is aggregated in
  SQL, long lists are paginated (`PAGE_SIZE`) and capped on the overview
  (`INDEX_ROWS`), per-report pages exist only for reports with findings,
  and every page is written once while streaming an ordered query.

Layout of the output folder (our sub-folders are cleared of stale pages on
every run; nothing else in the folder is touched):

    index.html                  overview, charts, first rows of each list
    quarantine/N.html           quarantined reports and why
    findings/N.html             every report with a finding
    load-errors/N.html          files that could not be taken in
    agencies/index-N.html       agencies, carry-over breaks first
    agencies/<key>.html         one agency, its reports year by year
    regions/index.html          regions by GB/T 2260 code
    regions/<code>.html         one region: its agencies and their years (published.agency_years)
    rules/<rule>.html           one rule: where it fails / cannot be assessed
    reports/<doc_id>.html       one report's failed and unassessable rules, and its
                                tables as read (evidence.py), with the PDF region
                                they came from as an embedded image
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from expectations.catalogue import RULES
from orchestration.reports.charts import COLORS, hbars, legend, trend_chart
from orchestration.reports.evidence import tables_as_read
from transforms import PARSER_VERSION
from warehouse import db

PAGE_SIZE = 500  # rows per list page
INDEX_ROWS = 50  # rows of a list shown on the overview before "all N →"
RULE_PAGE_ROWS = 1000  # reports listed per rule page (per status)
TEXT_CAP = 4000  # characters of one evidence/message cell before truncation
FETCH = 2000  # rows fetched per round trip while streaming

_SUBDIRS = ("reports", "agencies", "quarantine", "findings", "load-errors", "rules", "regions")

# Offsets a location names ("chars 1520-1523", "prose offsets 10–20"): the
# prose clause there is shown in context on the report page.
_OFFSETS_RE = r"(?i)(?:offsets?|chars?|characters?|prose|@)\D{0,12}?(\d+)\s*(?:-|–|—|\.\.|to)\s*(\d+)"
_CONTEXT = 80  # characters shown either side of a clause
_HEX_ID = re.compile(r"[0-9a-f]{16,64}")
_RULE_SAFE = re.compile(r"[A-Za-z0-9_.-]{1,40}")


# --------------------------------------------------------------------------- templates


def _cap(value, limit: int = TEXT_CAP) -> Markup:
    """Escaped text, cut at `limit` characters with the cut said out loud."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        return escape(text[:limit]) + Markup('<span class="muted"> … ({} more characters)</span>').format(len(text) - limit)
    return escape(text)


def _n(value) -> str:
    return "" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def _pager_links(page: int, pages: int) -> list[int | None]:
    """Page numbers to link around `page` (None = an ellipsis)."""
    out: list[int | None] = []
    for p in range(1, pages + 1):
        if p <= 3 or p > pages - 3 or abs(p - page) <= 3 or p == page:
            out.append(p)
        elif out[-1] is not None:
            out.append(None)
    return out


@functools.cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("orchestration.reports", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cap"] = _cap
    env.filters["n"] = _n
    env.globals["pager_links"] = _pager_links
    return env


def _render(template: str, **context) -> str:
    return _env().get_template(template).render(**context)


def _section(**context) -> Markup:
    """A titled overview section (templates/section.html.j2)."""
    values = {"anchor": None, "intro": None, "before": None, "rows": None, "headers": [], "num_cols": (),
              "details": None, "empty": "None.", "more": None, "after": None}
    values.update(context)
    return Markup(_render("section.html.j2", **values))


# --------------------------------------------------------------------------- names and links


def doc_page_name(doc_id: str) -> str:
    """File name of a report's page; doc ids are sha256 hex, anything else is hashed."""
    key = doc_id if _HEX_ID.fullmatch(doc_id or "") else hashlib.sha256(str(doc_id).encode()).hexdigest()
    return f"{key}.html"


def agency_page_name(agency_id: str) -> str:
    """File name of an agency's page: a hash, since agency ids are Chinese free text."""
    return hashlib.sha256(agency_id.encode("utf-8")).hexdigest()[:20] + ".html"


def rule_page_name(rule: str) -> str:
    if _RULE_SAFE.fullmatch(rule):
        return f"{rule}.html"
    return "r_" + hashlib.sha256(rule.encode("utf-8")).hexdigest()[:16] + ".html"


def _file_uri(path: str | None) -> str | None:
    if not path:
        return None
    try:  # abspath, not resolve(): no file-system call per link over 100k reports
        return Path(os.path.abspath(path)).as_uri()
    except ValueError:
        return None


def _link(href: str, text, cls: str | None = None) -> Markup:
    if cls:
        return Markup('<a class="{}" href="{}">{}</a>').format(cls, href, text)
    return Markup('<a href="{}">{}</a>').format(href, text)


def _span(cls: str, text) -> Markup:
    return Markup('<span class="{}">{}</span>').format(cls, text)


def _code(text) -> Markup:
    return Markup("<code>{}</code>").format(text)


def _report_link(root: str, doc_id: str, text: str, has_page: bool) -> Markup:
    return _link(f"{root}reports/{doc_page_name(doc_id)}", text) if has_page else escape(text)


def _agency_link(root: str, agency_id: str | None, text: str | None) -> Markup:
    label = text or agency_id or "unknown agency"
    if agency_id:
        return _link(f"{root}agencies/{agency_page_name(agency_id)}", label)
    return _span("muted", label)


def _rule_link(root: str, rule: str, bold: bool = False) -> Markup:
    text = Markup("<b>{}</b>").format(rule) if bold else rule
    return _link(f"{root}rules/{rule_page_name(rule)}", text, "nw")


def _report_label(agency, year, title, path) -> str:
    """How a report is named in lists: agency and year, else its title, else its file."""
    if agency:
        return f"{agency} {year if year is not None else '?'}"
    if title:
        return str(title)
    return Path(str(path)).name if path else "?"


# --------------------------------------------------------------------------- streaming


def _stream(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Iterator[tuple]:
    """Rows of an ordered query, fetched in chunks: memory stays flat over 100k reports.

    Runs on the connection itself (a cursor would be a new connection, blind
    to the temp tables), so the caller must not run another query on `con`
    before the stream is exhausted.
    """
    cur = con.execute(sql, params or [])
    while True:
        chunk = cur.fetchmany(FETCH)
        if not chunk:
            return
        yield from chunk


def _stream_dicts(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    while True:
        chunk = cur.fetchmany(FETCH)
        if not chunk:
            return
        for tup in chunk:
            yield dict(zip(cols, tup))


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --------------------------------------------------------------------------- SQL

# Key figures of every report (totals column of table 三, totals of table 四)
# with the previous year's carried-forward figure of the same agency, so a
# carry-over break (Y-01) is visible without re-reading any report.
_FIGURES_SQL = """
CREATE OR REPLACE TEMP TABLE qr_figures AS
WITH req AS (
    -- the table's figure wins over a figure read from prose (source = 'narrative'),
    -- even when the table's cell is NULL: a prose number may have another scope
    SELECT doc_id,
        arg_min(value, source <> 'table') FILTER (WHERE row_code = 'new_received') AS new_received,
        arg_min(value, source <> 'table') FILTER (WHERE row_code = 'carried_over') AS carried_over,
        arg_min(value, source <> 'table') FILTER (WHERE row_code = 'total_processed') AS total_processed,
        arg_min(value, source <> 'table') FILTER (WHERE row_code = 'carried_forward') AS carried_forward
    FROM core.fact_requests WHERE applicant = 'total' GROUP BY doc_id
), rev AS (
    SELECT doc_id,
        arg_min(value, source <> 'table') FILTER (WHERE proceeding = 'review') AS review_total,
        arg_min(value, source <> 'table') FILTER (WHERE proceeding = 'litigation_direct') AS litigation_direct_total,
        arg_min(value, source <> 'table') FILTER (WHERE proceeding = 'litigation_after_review') AS litigation_after_review_total
    FROM core.fact_review_litigation WHERE outcome = 'total' GROUP BY doc_id
), base AS (
    SELECT r.doc_id, r.agency_id, r.agency, r.region, r.admin_level, r.report_year, r.status,
           r.format_version, r.doc_kind, r.source_path,
           req.new_received, req.carried_over, req.total_processed, req.carried_forward,
           rev.review_total, rev.litigation_direct_total, rev.litigation_after_review_total
    FROM core.reports r LEFT JOIN req USING (doc_id) LEFT JOIN rev USING (doc_id)
), prev AS (
    SELECT agency_id, report_year + 1 AS report_year, count(*) AS prev_reports,
           min(carried_forward) AS prev_lo, max(carried_forward) AS prev_hi
    FROM base WHERE agency_id IS NOT NULL AND report_year IS NOT NULL GROUP BY ALL
)
SELECT b.*, p.prev_reports, p.prev_lo AS prev_carried_forward,
       coalesce(b.carried_over IS NOT NULL AND p.prev_lo IS NOT NULL AND p.prev_lo = p.prev_hi
                AND b.carried_over <> p.prev_lo, false) AS carry_break
FROM base b LEFT JOIN prev p USING (agency_id, report_year)
"""

# One row per report with a finding — a failed rule or a parser doubt —
# with, as lists of structs, all its non-passing checks (and the prose
# context when the location names offsets) and the parser's doubts.
# "Not assessable" alone makes no page: most rules are conditional (T3-05
# needs subtotal rows, M-04 a township, Y-01 last year's report), so nearly
# every report has some, and a table that could not be read shows up as a
# parser doubt or a failed completeness rule anyway.
_FINDINGS_SQL = f"""
CREATE OR REPLACE TEMP TABLE qr_findings AS
WITH c AS (
    SELECT c.*, regexp_extract(c.location, '{_OFFSETS_RE}', ['s', 'e']) AS off
    FROM core.check_results c WHERE c.doc_id IS NOT NULL AND c.status <> 'pass'
), cx AS (
    SELECT c.*, TRY_CAST(off.s AS BIGINT) AS s, TRY_CAST(off.e AS BIGINT) AS e FROM c
), ctx AS (
    SELECT cx.*, CASE WHEN cx.s IS NOT NULL AND cx.e > cx.s AND cx.e - cx.s <= 2000 AND cx.e <= t.char_count
        THEN struct_pack(
            before := substring(t.text, greatest(cx.s - {_CONTEXT}, 0) + 1, cx.s - greatest(cx.s - {_CONTEXT}, 0)),
            clause := substring(t.text, cx.s + 1, cx.e - cx.s),
            after := substring(t.text, cx.e + 1, {_CONTEXT}))
        END AS context
    FROM cx LEFT JOIN staging.cleaned_text t ON t.doc_id = cx.doc_id AND cx.s IS NOT NULL
), agg AS (
    SELECT doc_id,
        count(*) FILTER (WHERE status = 'fail' AND severity = 'blocking') AS n_blocking,
        count(*) FILTER (WHERE status = 'fail' AND severity <> 'blocking') AS n_warning,
        count(*) FILTER (WHERE status <> 'fail') AS n_na,
        string_agg(DISTINCT rule, ', ' ORDER BY rule) FILTER (WHERE status = 'fail') AS failing,
        list(struct_pack(rule, suite, severity, status, observed, expected, message, location, evidence, context)
             ORDER BY status <> 'fail', CASE severity WHEN 'blocking' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule) AS checks
    FROM ctx GROUP BY doc_id
), iss AS (
    SELECT doc_id, count(*) AS n_issues,
        list(struct_pack(stage, code, tbl, blocking, message) ORDER BY NOT blocking, code) AS issues
    FROM staging.parse_issues GROUP BY doc_id
)
SELECT r.doc_id, coalesce(a.n_blocking, 0) AS n_blocking, coalesce(a.n_warning, 0) AS n_warning,
       coalesce(a.n_na, 0) AS n_na, coalesce(i.n_issues, 0) AS n_issues, a.failing, a.checks, i.issues
FROM core.reports r LEFT JOIN agg a USING (doc_id) LEFT JOIN iss i USING (doc_id)
WHERE a.n_blocking + a.n_warning > 0 OR i.doc_id IS NOT NULL
"""

_REPORT_PAGES_SQL = """
SELECT r.doc_id, r.source_path, r.agency, r.region, r.admin_level, r.report_year, r.published_on,
       r.doc_kind, r.format_version, r.status, r.status_reason, r.title, r.agency_id, r.parser_version,
       d.size_bytes, d.extension, t.kind, t.encoding, t.char_count,
       (SELECT list(p.source_path ORDER BY p.source_path)[:6] FROM raw.document_paths p
         WHERE p.doc_id = r.doc_id AND p.source_path <> r.source_path) AS other_paths,
       f.n_blocking, f.n_warning, f.n_na, f.n_issues, f.checks, f.issues,
       g.new_received, g.carried_over, g.total_processed, g.carried_forward,
       g.review_total, g.litigation_direct_total, g.litigation_after_review_total,
       g.prev_carried_forward, g.carry_break
FROM qr_findings f JOIN core.reports r USING (doc_id)
LEFT JOIN raw.documents d USING (doc_id)
LEFT JOIN staging.cleaned_text t USING (doc_id)
LEFT JOIN qr_figures g USING (doc_id)
ORDER BY r.status = 'published', f.n_blocking DESC, f.n_warning DESC, r.agency NULLS LAST, r.report_year, r.doc_id
"""



# --------------------------------------------------------------------------- the writer


class _Writer:
    """Holds the connection, the output folder and the nav counts while pages are written."""

    def __init__(self, con: duckdb.DuckDBPyConnection, out_dir: Path, db_path: str | Path) -> None:
        self.con = con
        self.out = out_dir
        self.db_path = db_path
        self.counts: dict[str, int] = {}
        self.files = 0

    def q(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def one(self, sql: str, params: list | None = None):
        return self.con.execute(sql, params or []).fetchall()[0][0]

    def write(self, rel: str, template: str, title: str, **context) -> None:
        root = "../" * rel.count("/")
        page = _render(template, title=title, root=root, counts=self.counts, **context)
        (self.out / rel).write_text(page, encoding="utf-8")
        self.files += 1

    def paged(self, folder: str, title: str, intro: Markup, headers: list[str], rows: Iterable[list], total: int,
              num_cols=(), prefix: str = "") -> None:
        """Write folder/<prefix>1.html, 2.html … from a row stream; always at least one page."""
        pages = max(1, -(-total // PAGE_SIZE))
        written = 0
        for page, chunk in enumerate(_chunks(rows, PAGE_SIZE), start=1):
            self.write(
                f"{folder}/{prefix}{page}.html", "list.html.j2", f"{title} — page {page}", heading=title, intro=intro,
                rows=chunk, headers=headers, num_cols=set(num_cols), total=total,
                first=(page - 1) * PAGE_SIZE + 1, page=page, pages=pages, prefix=prefix,
            )
            written = page
        if written == 0:
            self.write(f"{folder}/{prefix}1.html", "list.html.j2", title, heading=title, intro=intro, rows=[],
                       headers=headers, num_cols=set(), total=0, first=1, page=1, pages=1, prefix=prefix)


def write_report(db_path: str | Path, out_dir: Path) -> Path:
    """Write index.html and the linked pages into out_dir; returns index.html."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"no warehouse at {db_path}: run `ogi load` first")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for sub in _SUBDIRS:
        folder = out_dir / sub
        folder.mkdir(exist_ok=True)
        for stale in folder.glob("*.html"):
            stale.unlink()
    with db.connect(db_path, read_only=True) as con:
        con.execute("SET enable_progress_bar = false")  # the CLI prints one line: where the report is
        w = _Writer(con, out_dir, db_path)
        con.execute(_FIGURES_SQL)
        con.execute(_FINDINGS_SQL)
        _gather_counts(w)
        _write_report_pages(w)
        _write_quarantine(w)
        _write_findings_list(w)
        _write_load_errors(w)
        _write_agencies(w)
        _write_regions(w)
        _write_rule_pages(w)
        _write_index(w)
    return out_dir / "index.html"


def _gather_counts(w: _Writer) -> None:
    c = w.counts
    for status, n in w.q("SELECT status, count(*) FROM core.reports GROUP BY status"):
        c[status] = n
    c["reports"] = w.one("SELECT count(*) FROM core.reports")
    c["findings"] = w.one("SELECT count(*) FROM qr_findings")
    c["warned"] = w.one("SELECT count(*) FROM qr_findings f JOIN core.reports r USING (doc_id) WHERE r.status = 'published' AND f.n_warning > 0")
    c["load_errors"] = w.one("SELECT count(*) FROM core.load_errors")
    c["agencies"] = w.one("SELECT count(DISTINCT agency_id) FROM core.reports WHERE agency_id IS NOT NULL")
    c["regions"] = w.one("SELECT count(DISTINCT region_code) FROM core.reports WHERE region_code IS NOT NULL")
    c["breaks"] = w.one("SELECT count(*) FROM qr_figures WHERE carry_break")
    c["corpus_fail"] = w.one("SELECT count(*) FROM core.check_results WHERE doc_id IS NULL AND status = 'fail'")


# ---- one page per report with findings -----------------------------------------


def _with_page(check: dict) -> dict:
    return {**check, "page": rule_page_name(check["rule"])}


def _unassessable(checks: list[dict]) -> list[tuple[str, list[dict]]]:
    """Unassessable rules grouped by their reason ("table 四 not present": T4-01 … T4-04), blocking first."""
    groups: dict[str, list[dict]] = {}
    for c in checks:
        groups.setdefault(c["message"] or c["status"], []).append(c)
    return list(groups.items())


_KEY_FIGURES = (
    ("new applications", "new_received"),
    ("carried over", "carried_over"),
    ("processed", "total_processed"),
    ("carried forward", "carried_forward"),
    ("review total", "review_total"),
    ("litigation (direct)", "litigation_direct_total"),
    ("litigation (after review)", "litigation_after_review_total"),
)


def _write_report_pages(w: _Writer) -> None:
    """Pages in chunks of ids: a page queries the warehouse again (its tables as read), which
    would end a stream still open on the same connection."""
    ids = [doc_id for (doc_id,) in w.q(f"SELECT doc_id FROM ({_REPORT_PAGES_SQL})")]
    for chunk in _chunks(ids, FETCH):
        cur = w.con.execute(f"SELECT * FROM ({_REPORT_PAGES_SQL}) WHERE doc_id IN (SELECT unnest(?))", [chunk])
        cols = [d[0] for d in cur.description]
        for row in [dict(zip(cols, t)) for t in cur.fetchall()]:
            _write_report_page(w, row)


def _write_report_page(w: _Writer, r: dict) -> None:
    doc_id = r["doc_id"]
    label = _report_label(r["agency"], r["report_year"], r["title"], r["source_path"])
    uri = _file_uri(r["source_path"])
    path_html = _link(uri, _code(r["source_path"])) if uri else _code(r["source_path"])
    others = r["other_paths"] or []
    status = _span(r["status"], r["status"])
    if r["status_reason"]:
        status += Markup(" — ") + _span("fail", r["status_reason"])
    agency = _agency_link("../", r["agency_id"], r["agency"])
    if r["agency_id"]:
        agency += Markup(' <span class="muted">(key {})</span>').format(r["agency_id"])
    meta = [
        ("status", status),
        ("agency", agency),
        ("title", r["title"] or _span("muted", "none found")),
        ("report year", r["report_year"]),
        ("published on", r["published_on"]),
        ("region / level", f'{r["region"] or "—"} / {r["admin_level"] or ""}'),
        ("kind / format", f'{r["doc_kind"] or ""} / {r["format_version"] or ""}'),
        ("raw file", path_html),
        ("also seen as", Markup("<br>").join(_code(p) for p in others) if others else _span("muted", "—")),
        ("bytes / read as", f'{_n(r["size_bytes"])} bytes, {r["extension"] or ""}; {r["kind"] or ""} {r["encoding"] or ""}, '
                            f'{_n(r["char_count"])} characters'),
        ("doc_id", _code(doc_id)),
        ("parser", r["parser_version"]),
    ]
    checks = [_with_page(c) for c in r["checks"] or []]
    figures = [(h, r[k]) for h, k in _KEY_FIGURES]
    w.write(
        f"reports/{doc_page_name(doc_id)}", "report.html.j2", label,
        label=label, r=r, meta=meta,
        agency_link=_agency_link("../", r["agency_id"], r["agency"]) if r["agency_id"] else None,
        failed=[c for c in checks if c["status"] == "fail"],
        unassessable=_unassessable([c for c in checks if c["status"] != "fail"]),
        issues=r["issues"] or [],
        tables=Markup(_render("tables_as_read.html.j2", **tables_as_read(w.con, doc_id))),
        figures=[] if all(v is None for _, v in figures) else figures,
    )


# ---- lists ---------------------------------------------------------------------------

_QUARANTINE_SQL = """
SELECT r.doc_id, r.agency, r.agency_id, r.report_year, r.title, r.source_path, r.status_reason,
       f.doc_id IS NOT NULL AS has_page, coalesce(f.n_blocking, 0), coalesce(f.n_issues, 0)
FROM core.reports r LEFT JOIN qr_findings f USING (doc_id)
WHERE r.status = 'quarantined'
ORDER BY r.agency NULLS LAST, r.report_year, r.doc_id
"""


def _quarantine_row(root: str, row: tuple) -> list:
    doc_id, agency, agency_id, year, title, path, reason, has_page, n_blocking, n_issues = row
    return [
        _report_link(root, doc_id, _report_label(agency, year, title, path), has_page),
        _agency_link(root, agency_id, agency) if agency_id else _span("muted", "unknown"),
        year,
        _code(path),
        _span("fail", reason),
        _n(n_issues),
    ]


_QUARANTINE_HEADERS = ["report", "agency", "year", "file", "why (failed blocking rules)", "parser doubts"]


def _write_quarantine(w: _Writer) -> None:
    w.paged(
        "quarantine",
        "Quarantined reports",
        Markup('<p class="muted">Kept in <code>core</code>, hidden from <code>published</code>: at least one blocking rule failed.</p>'),
        _QUARANTINE_HEADERS,
        (_quarantine_row("../", row) for row in _stream(w.con, _QUARANTINE_SQL)),
        w.counts.get("quarantined", 0),
        {5},
    )


_FINDINGS_LIST_SQL = """
SELECT r.doc_id, r.agency, r.agency_id, r.report_year, r.title, r.source_path, r.status,
       f.n_blocking, f.n_warning, f.n_na, f.n_issues,
       f.failing
FROM qr_findings f JOIN core.reports r USING (doc_id)
ORDER BY r.status = 'published', f.n_blocking DESC, f.n_warning DESC, f.n_issues DESC, r.agency NULLS LAST, r.report_year, r.doc_id
"""


def _findings_row(root: str, row: tuple) -> list:
    doc_id, agency, agency_id, year, title, path, status, nb, nw, nna, ni, failing = row
    return [
        _report_link(root, doc_id, _report_label(agency, year, title, path), True),
        year,
        _span(status, status),
        _n(nb),
        _n(nw),
        _n(nna),
        _n(ni),
        Markup("<b>{}</b>").format(failing or ""),
    ]


_FINDINGS_HEADERS = ["report", "year", "status", "blocking", "warnings", "not assessable", "parser doubts", "failing rules"]


def _write_findings_list(w: _Writer) -> None:
    w.paged(
        "findings",
        "Reports with findings",
        Markup('<p class="muted">Every report with a failed rule, a rule that could not be assessed, or a parser doubt; quarantined first.</p>'),
        _FINDINGS_HEADERS,
        (_findings_row("../", row) for row in _stream(w.con, _FINDINGS_LIST_SQL)),
        w.counts["findings"],
        {3, 4, 5, 6},
    )


_LOAD_ERRORS_SQL = """
SELECT e.source_path, e.stage, e.error, e.message, e."at", e.doc_id, r.doc_id IS NOT NULL AS has_page
FROM core.load_errors e LEFT JOIN qr_findings r ON r.doc_id = e.doc_id
ORDER BY e.error, e.source_path, e."at"
"""


def _load_error_row(root: str, row: tuple) -> list:
    path, stage, code, message, at, doc_id, has_page = row
    uri = _file_uri(path)
    file_html = _link(uri, _code(path)) if uri else _code(path)
    if has_page:
        file_html += Markup(" (") + _link(f"{root}reports/{doc_page_name(doc_id)}", "report") + Markup(")")
    return [file_html, stage, Markup('<b class="fail">{}</b>').format(code), _cap(message, 1500), f"{at:%Y-%m-%d %H:%M}" if at else ""]


_LOAD_ERROR_HEADERS = ["file", "stage", "code", "message", "at"]


def _write_load_errors(w: _Writer) -> None:
    w.paged(
        "load-errors",
        "Files that could not be loaded",
        Markup('<p class="muted">A load never stops for one bad file: each is listed here with the stage that gave up.</p>'),
        _LOAD_ERROR_HEADERS,
        (_load_error_row("../", row) for row in _stream(w.con, _LOAD_ERRORS_SQL)),
        w.counts["load_errors"],
    )


# ---- agencies ---------------------------------------------------------------------------

_AGENCY_INDEX_SQL = """
SELECT agency_id, mode(agency) AS agency, mode(region) AS region, mode(admin_level) AS level,
       count(*) AS n, min(report_year) AS y0, max(report_year) AS y1,
       count(*) FILTER (WHERE status = 'quarantined') AS q, count(*) FILTER (WHERE carry_break) AS breaks
FROM qr_figures WHERE agency_id IS NOT NULL
GROUP BY agency_id
ORDER BY breaks DESC, q DESC, n DESC, agency_id
"""

_AGENCY_PAGES_SQL = """
SELECT g.*, f.doc_id IS NOT NULL AS has_page, r.title
FROM qr_figures g LEFT JOIN qr_findings f USING (doc_id) JOIN core.reports r USING (doc_id)
WHERE g.agency_id IS NOT NULL
ORDER BY g.agency_id, g.report_year NULLS LAST, g.doc_id
"""

_FIG_HEADERS = [
    "year", "report", "status", "format", "new (本年新收)", "carried over (上年结转)", "processed (总计)",
    "carried forward (结转下年度)", "review (复议)", "litigation direct", "litigation after review",
]


def _agency_row(r: dict) -> list:
    carried = escape(_n(r["carried_over"]))
    if r["carry_break"]:
        carried += Markup('<br><span class="break">≠ {} carried forward in {}</span>').format(
            _n(r["prev_carried_forward"]), r["report_year"] - 1)
    report = _report_link("../", r["doc_id"], Path(str(r["source_path"])).name, r["has_page"])
    if r["title"]:
        report += Markup('<br><span class="muted small">{}</span>').format(r["title"])
    return [
        r["report_year"], report, _span(r["status"], r["status"]), r["format_version"],
        _n(r["new_received"]), carried, _n(r["total_processed"]), _n(r["carried_forward"]),
        _n(r["review_total"]), _n(r["litigation_direct_total"]), _n(r["litigation_after_review_total"]),
    ]


def _write_agency_page(w: _Writer, rows: list[dict]) -> None:
    first = rows[0]
    names = sorted({r["agency"] for r in rows if r["agency"]})
    table_rows: list = []
    classes: list[str] = []
    prev_year = None
    for r in rows:
        year = r["report_year"]
        if prev_year is not None and year is not None and year - prev_year > 1:
            missing = f"{prev_year + 1}" if year - prev_year == 2 else f"{prev_year + 1}–{year - 1}"
            table_rows.append(Markup('<tr class="gap"><td>{}</td><td colspan="{}">no report loaded</td></tr>').format(
                missing, len(_FIG_HEADERS) - 1))
            classes.append("")
        table_rows.append(_agency_row(r))
        classes.append("break" if r["carry_break"] else "")
        prev_year = year if year is not None else prev_year
    name = names[0] if names else first["agency_id"]
    w.write(
        f"agencies/{agency_page_name(first['agency_id'])}", "agency.html.j2", name,
        name=name, agency_id=first["agency_id"], other_names=names[1:], region=first["region"],
        level=first["admin_level"], n=len(rows), breaks=sum(1 for r in rows if r["carry_break"]),
        headers=_FIG_HEADERS, rows=table_rows, num_cols=set(range(4, len(_FIG_HEADERS))), row_classes=classes,
    )


def _write_agencies(w: _Writer) -> None:
    group: list[dict] = []
    for row in _stream_dicts(w.con, _AGENCY_PAGES_SQL):
        if group and row["agency_id"] != group[0]["agency_id"]:
            _write_agency_page(w, group)
            group = []
        group.append(row)
    if group:
        _write_agency_page(w, group)

    def rows() -> Iterator[list]:
        for agency_id, agency, region, level, n, y0, y1, q, breaks in _stream(w.con, _AGENCY_INDEX_SQL):
            yield [
                _agency_link("../", agency_id, agency), region, level, _n(n),
                f"{y0}–{y1}" if y0 != y1 else y0, _n(q), _span("break", breaks) if breaks else "0",
            ]

    total = w.counts["agencies"]
    w.paged(
        "agencies", "Agencies",
        Markup('<p class="muted">{} agencies (reports linked by <code>agency_id</code>); carry-over breaks first.</p>').format(f"{total:,}"),
        ["agency", "region", "level", "reports", "years", "quarantined", "carry-over breaks"],
        rows(), total, {3, 5, 6}, prefix="index-",
    )


# ---- regions -----------------------------------------------------------------------------

_REGION_ROWS_SQL = """
SELECT region_code, agency_id, agency, agency_type, report_year, status, published_on, days_late,
       new_applications, processed, reviews, lawsuits, repetition_rate, verified_share, region
FROM published.agency_years WHERE region_code IS NOT NULL
ORDER BY region_code, agency_type = 'government' DESC, agency, report_year
"""


def _pct(value) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


def _write_region_page(w: _Writer, rows: list[tuple]) -> tuple[str, str, int, int]:
    """regions/<code>.html: every agency of one division and its years, the region's own report first."""
    code = rows[0][0]
    names = sorted({r[14] for r in rows if r[14]}, key=len)
    headers = ["agency", "type", "year", "status", "published", "days late", "new applications", "processed",
               "reviews", "lawsuits", "repetition", "verified"]
    body_rows = [
        [_agency_link("../", agency_id, agency), kind, year, _span(status, status), published_on, _n(days_late),
         _n(new), _n(processed), _n(reviews), _n(lawsuits), _pct(rep), _pct(ver)]
        for (_c, agency_id, agency, kind, year, status, published_on, days_late, new, processed, reviews, lawsuits,
             rep, ver, _region) in rows
    ]
    title = f"{code} {names[0] if names else ''}".strip()
    w.write(f"regions/{code}.html", "region.html.j2", title, heading=title, code=code, names=names,
            headers=headers, rows=body_rows, num_cols={5, 6, 7, 8, 9})
    return code, names[0] if names else "", len({r[1] for r in rows}), len(rows)


def _write_regions(w: _Writer) -> None:
    index_rows = []
    group: list[tuple] = []
    for row in _stream(w.con, _REGION_ROWS_SQL):
        if group and row[0] != group[0][0]:
            index_rows.append(_write_region_page(w, group))
            group = []
        group.append(row)
    if group:
        index_rows.append(_write_region_page(w, group))
    w.write("regions/index.html", "region_index.html.j2", "Regions",
            rows=[[_link(f"{code}.html", code), name, _n(a), _n(n)] for code, name, a, n in index_rows])


# ---- rules -------------------------------------------------------------------------------

_RULE_ROWS_SQL = f"""
SELECT c.rule, c.status AS check_status, c.doc_id, r.agency, r.report_year, r.title, r.source_path, r.status,
       c.observed, c.expected, c.location, c.evidence, c.message, f.doc_id IS NOT NULL AS has_page,
       count(*) OVER (PARTITION BY c.rule, c.status) AS total
FROM core.check_results c
LEFT JOIN core.reports r USING (doc_id)
LEFT JOIN qr_findings f USING (doc_id)
WHERE c.status <> 'pass'
QUALIFY row_number() OVER (PARTITION BY c.rule, c.status ORDER BY r.status = 'published', r.agency NULLS LAST, r.report_year, c.doc_id) <= {RULE_PAGE_ROWS}
ORDER BY c.rule, c.status = 'fail' DESC, c.status, r.status = 'published', r.agency NULLS LAST, r.report_year, c.doc_id
"""


def _rule_row_name(r: dict) -> Markup:
    if r["doc_id"] is None:
        return _span("muted", "corpus-level")
    return _report_link("../", r["doc_id"], _report_label(r["agency"], r["report_year"], r["title"], r["source_path"]), r["has_page"])


def _write_rule_page(w: _Writer, rule: str, rows: list[dict], stats: tuple) -> None:
    """One rule: its definition, its counts, where it fails (with evidence) and where it could not be assessed."""
    sev, passed, failed, na = stats
    by_status: dict[str, list[dict]] = {}
    for row in rows:
        by_status.setdefault(row["check_status"], []).append(row)
    sections = []
    for status, srows in by_status.items():
        total = srows[0]["total"]
        shown = f" (first {len(srows):,} of {total:,})" if total > len(srows) else f" ({total:,})"
        if status == "fail":
            sections.append({
                "heading": f"Failing reports{shown}",
                "headers": ["report", "status", "observed", "expected", "where", "evidence"],
                "rows": [
                    [_rule_row_name(r), _span(r["status"] or "", r["status"] or ""), _cap(r["observed"], 300),
                     _cap(r["expected"], 300), _cap(r["location"], 400), _span("ev", _cap(r["evidence"], 600))]
                    for r in srows
                ],
            })
        else:
            sections.append({
                "heading": f"Reports where it is {status.replace('_', ' ')}{shown}",
                "headers": ["report", "status", "why"],
                "rows": [[_rule_row_name(r), _span(r["status"] or "", r["status"] or ""), _cap(r["message"], 600)] for r in srows],
            })
    w.write(f"rules/{rule_page_name(rule)}", "rule.html.j2", rule, rule=rule, severity=sev, cat=RULES.get(rule),
            failed=failed, passed=passed, na=na, sections=sections)


def _write_rule_pages(w: _Writer) -> None:
    stats = {
        rule: (sev, p, f, na)
        for rule, sev, p, f, na in w.q(
            """SELECT rule, mode(severity), count(*) FILTER (WHERE status = 'pass'), count(*) FILTER (WHERE status = 'fail'),
                      count(*) FILTER (WHERE status NOT IN ('pass', 'fail')) FROM core.check_results GROUP BY rule"""
        )
    }
    for rule, r in RULES.items():
        stats.setdefault(rule, (r.severity, 0, 0, 0))
    written: set[str] = set()
    rows: list[dict] = []
    for row in _stream_dicts(w.con, _RULE_ROWS_SQL):
        if rows and row["rule"] != rows[0]["rule"]:
            _write_rule_page(w, rows[0]["rule"], rows, stats[rows[0]["rule"]])
            written.add(rows[0]["rule"])
            rows = []
        rows.append(row)
    if rows:
        _write_rule_page(w, rows[0]["rule"], rows, stats[rows[0]["rule"]])
        written.add(rows[0]["rule"])
    for rule in sorted(set(stats) - written):  # the overview links every rule, even one that always passed
        _write_rule_page(w, rule, [], stats[rule])


# ---- overview -----------------------------------------------------------------------------


def _breakdown(w: _Writer, column: str, label: str) -> Markup:
    """Reports by one column of core.reports: an inline bar per value."""
    assert column in ("report_year", "format_version", "admin_level", "doc_kind", "status")
    rows = w.q(
        f"""SELECT {column}, count(*) FILTER (WHERE status = 'published'), count(*) FILTER (WHERE status = 'quarantined'), count(*)
            FROM core.reports GROUP BY 1 ORDER BY 1 NULLS LAST"""
    )
    top = max((r[3] for r in rows), default=1)
    chart = hbars(
        [
            (
                "unknown" if v is None else str(v),
                [(p, COLORS["published"], f"{p} published"), (q, COLORS["quarantined"], f"{q} quarantined")],
                f"{n:,}" + (f" ({q:,} quarantined)" if q else ""),
            )
            for v, p, q, n in rows
        ],
        label_w=96, bar_w=150, right_w=130, scale=top,
    )
    return Markup("<div><h3>By {}</h3>{}</div>").format(label, chart)


def _rule_section(w: _Writer) -> Markup:
    stats = w.q(
        """
        SELECT rule, mode(suite), mode(severity),
               count(*) FILTER (WHERE status = 'fail') AS f, count(*) FILTER (WHERE status = 'pass') AS p,
               count(*) FILTER (WHERE status NOT IN ('pass', 'fail')) AS na,
               count(DISTINCT doc_id) FILTER (WHERE status = 'fail') AS docs,
               count(*) FILTER (WHERE status = 'fail' AND doc_id IS NULL) AS corpus
        FROM core.check_results GROUP BY rule ORDER BY rule
        """
    )
    if not stats:
        return _section(heading="Failure rate per rule", anchor="rules", intro="No rule has run yet.")
    order = {"blocking": 0, "warning": 1, "info": 2}
    groups: dict[str, list[tuple]] = {}
    for row in stats:
        groups.setdefault(row[2], []).append(row)
    charts = legend([("failed", COLORS["blocking"]), ("failed (warning)", COLORS["warning"]), ("passed", "#8dd8a5"),
                     ("not assessable", COLORS["not_assessable"])])
    for severity in sorted(groups, key=lambda s: order.get(s, 3)):
        bars = hbars(
            [
                (
                    rule,
                    [
                        (f, COLORS.get(sev, COLORS["info"]), f"{rule}: {f} failed of {f + p} assessed"),
                        (p, "#8dd8a5", f"{rule}: {p} passed"),
                        (na, COLORS["not_assessable"], f"{rule}: {na} not assessable"),
                    ],
                    f"{f:,}/{f + p:,} fail ({(f / (f + p) if f + p else 0):.1%})" + (f" · {na:,} n/a" if na else ""),
                )
                for rule, _, sev, f, p, na, _, _ in groups[severity]
            ],
            label_w=80, bar_w=380,
        )
        charts += Markup('<h3><span class="{}">{}</span> rules</h3>{}').format(severity, severity, bars)
    rows = [
        [
            _rule_link("", rule, bold=True), suite, _span(sev, sev), _n(f), _n(p), _n(na),
            f"{(f / (f + p) if f + p else 0):.1%}", _n(docs) + (f" + {corpus} corpus-level" if corpus else ""),
            RULES[rule].description if rule in RULES else _span("muted", "not in catalogue"),
        ]
        for rule, suite, sev, f, p, na, docs, corpus in stats
    ]
    return _section(
        heading="Failure rate per rule", anchor="rules",
        intro="Bar = every result of the rule; rate = failed / (failed + passed).", before=charts,
        headers=["rule", "suite", "severity", "fail", "pass", "not assessable", "failure rate", "reports failing", "rule"],
        rows=rows, num_cols={3, 4, 5, 6, 7}, details=f"Every rule: counts and definition ({len(stats)} rules)",
    )


def _trend_section(w: _Writer) -> Markup:
    rows = w.q(
        """
        WITH d AS (
            SELECT doc_id, bool_or(status = 'fail' AND severity = 'blocking') AS b,
                   bool_or(status = 'fail' AND severity <> 'blocking') AS w
            FROM core.check_results WHERE doc_id IS NOT NULL GROUP BY doc_id
        ), top AS (
            SELECT report_year, rule, count(DISTINCT doc_id) AS n FROM core.check_results c JOIN core.reports r USING (doc_id)
            WHERE c.status = 'fail' GROUP BY report_year, rule
            QUALIFY row_number() OVER (PARTITION BY report_year ORDER BY n DESC, rule) <= 4
        ), tops AS (
            SELECT report_year, string_agg(rule || ' (' || n || ')', ', ' ORDER BY n DESC, rule) AS rules FROM top GROUP BY ALL
        )
        SELECT r.report_year, count(*), count(*) FILTER (WHERE d.b), count(*) FILTER (WHERE d.w), any_value(t.rules)
        FROM core.reports r LEFT JOIN d USING (doc_id) LEFT JOIN tops t ON t.report_year IS NOT DISTINCT FROM r.report_year
        GROUP BY r.report_year ORDER BY r.report_year NULLS LAST
        """
    )
    return _section(
        heading="Failures by report year", before=trend_chart(rows),
        headers=["report year", "reports", "with a blocking failure", "with a warning", "most failed rules"],
        rows=[["unknown" if y is None else y, _n(n), _n(b), _n(wn), t or ""] for y, n, b, wn, t in rows], num_cols={1, 2, 3},
    )


def _not_run(w: _Writer) -> Markup:
    """Catalogue rules with no result at all (new rules before `ogi check`, or never implemented)."""
    ran = {r for (r,) in w.q("SELECT DISTINCT rule FROM core.check_results")}
    missing = [r for r in RULES.values() if r.id not in ran]
    if not missing:
        return Markup()
    return _section(
        heading="Rules in the catalogue with no result yet", headers=["id", "suite", "severity", "rule", "basis"],
        rows=[[_rule_link("", r.id), r.suite, _span(r.severity, r.severity), r.description, r.basis] for r in missing],
    )


def _verified_section(w: _Writer) -> Markup:
    """How much of what is published an identity vouches for, per table (`verified`)."""
    from warehouse.summary import verified_shares

    shares = verified_shares(w.con)
    if not shares:
        return Markup()
    bars = hbars(
        [(name, [(100 * ok / n, COLORS["published"], f"{name}: {ok:,} verified"),
                 (100 * (n - ok) / n, COLORS["not_assessable"], f"{name}: {n - ok:,} not verified")],
          f"{ok:,} / {n:,} ({ok / n:.0%})") for name, ok, n in shares],
        label_w=60, bar_w=300, scale=100,
    )
    return _section(
        heading="Verified cells of published reports", anchor="verified", before=bars,
        intro="A cell is verified when an identity covering it (T3-01..03, T4-01..03, X-01/X-03/X-04, Y-01/Y-02) "
        "passed for its report and none failed; the others are published too, and analysts can filter on "
        "verified. Table 二 has no identity of its own.",
    )


_HISTORY_RUNS = 12


def _history_section(w: _Writer) -> Markup:
    """Quality over time, as Great Expectations judged each check run (core.validation_runs).

    Two tables over the last runs, newest first: per suite, GX's verdict
    (success, and how many of its expectations — one per rule — succeeded);
    per rule that found anything in those runs, the share of the reports it
    assessed that GX found unexpected rows in (for an info rule: notes).
    """
    runs = w.q(
        f"""SELECT run_id, max(checked_at) AS finished FROM core.validation_runs GROUP BY run_id
            ORDER BY finished DESC LIMIT {_HISTORY_RUNS}"""
    )
    if not runs:
        return Markup()
    run_ids = [r[0] for r in runs]
    rows = w.q(
        "SELECT run_id, suite, success, evaluated, successful, results FROM core.validation_runs "
        "WHERE run_id IN (SELECT unnest(?))",
        [run_ids],
    )
    suites = sorted({r[1] for r in rows})
    by_suite = {(run, suite): (success, evaluated, successful) for run, suite, success, evaluated, successful, _ in rows}
    per_rule: dict[str, dict[str, dict]] = {}
    for run, _, _, _, _, results in rows:
        for rule, res in json.loads(results).items():
            per_rule.setdefault(rule, {})[run] = res

    def suite_cell(run: str, suite: str):
        if (run, suite) not in by_suite:
            return _span("muted", "—")
        success, evaluated, successful = by_suite[(run, suite)]
        return f"✓ {successful}/{evaluated}" if success else _span("fail", f"✗ {successful}/{evaluated}")

    def rule_cell(res: dict | None):
        if not res or not res.get("evaluated"):
            return _span("muted", "—")
        bad, n = res.get("unexpected", 0), res["evaluated"]
        text = f"{bad:,}/{n:,} ({bad / n:.1%})"
        return _span("fail", text) if bad and res.get("severity") != "info" else text

    noteworthy = sorted(r for r, by_run in per_rule.items() if any(v.get("unexpected") for v in by_run.values()))
    per_rule_section = _section(
        heading="Failure rate per rule", anchor="history-rules",
        intro="Reports in which Great Expectations found unexpected rows / reports the rule assessed in that run, "
        "for every rule that found something in the runs above (an info rule's are notes, never failures).",
        headers=["rule", "GX severity", *(f"{at:%Y-%m-%d %H:%M} {run[:8]}" for run, at in runs)],
        rows=[
            [_code(rule), next(iter(per_rule[rule].values())).get("severity", ""),
             *(rule_cell(per_rule[rule].get(run)) for run in run_ids)]
            for rule in noteworthy
        ],
        empty="No rule found anything in these runs.",
    )
    return _section(
        heading="Quality over time", anchor="history",
        intro="Each check run (a load that checked reports, ogi check, the daily run) as Great Expectations judged it "
        "(core.validation_runs), newest first. Per suite: ✓ when every expectation of the suite succeeded, and its "
        "expectations (one per rule) successful / evaluated.",
        headers=["checked at", "run", *suites],
        rows=[[f"{at:%Y-%m-%d %H:%M:%S}", _code(run[:8]), *(suite_cell(run, s) for s in suites)] for run, at in runs],
        after=per_rule_section,
    )


def _capped(w: _Writer, title: str, anchor: str, folder: str, total: int, headers: list[str], sql: str, row_fn,
            num_cols=()) -> Markup:
    rows = [row_fn("", r) for r in w.q(sql.rstrip() + f"\nLIMIT {INDEX_ROWS}")]
    shown = f" — first {len(rows)} of {total:,}" if total > len(rows) else f" ({total:,})"
    more = {"href": f"{folder}/1.html", "text": f"all {total:,} →"} if total > len(rows) else None
    return _section(heading=f"{title}{shown}", anchor=anchor, headers=headers, rows=rows, num_cols=set(num_cols), more=more)


def _write_index(w: _Writer) -> None:
    c = w.counts
    cards = [
        ("reports", c.get("reports", 0), ""),
        ("published", c.get("published", 0), ""),
        ("quarantined", c.get("quarantined", 0), "bad" if c.get("quarantined") else ""),
        ("published with warnings", c.get("warned", 0), "warnc" if c.get("warned") else ""),
        ("files not loadable", c.get("load_errors", 0), "bad" if c.get("load_errors") else ""),
        ("agencies", c.get("agencies", 0), ""),
        ("carry-over breaks", c.get("breaks", 0), "warnc" if c.get("breaks") else ""),
    ]
    err_codes = w.q("SELECT stage, error, count(*), count(DISTINCT source_path) FROM core.load_errors GROUP BY ALL ORDER BY 3 DESC, 2")
    errors = _section(
        heading="Load errors by code",
        before=hbars([(f"{code}", [(n, COLORS["quarantined"], f"{stage}/{code}: {n}")], f"{n:,} ({stage})")
                      for stage, code, n, _ in err_codes], label_w=170, bar_w=260) if err_codes else None,
        headers=["stage", "code", "errors", "files"],
        rows=[[s, Markup("<b>{}</b>").format(e), _n(n), _n(f)] for s, e, n, f in err_codes], num_cols={2, 3},
    )
    corpus_rows = w.q(
        f"SELECT rule, severity, observed, expected, message, location FROM core.check_results WHERE doc_id IS NULL AND status = 'fail' ORDER BY severity, rule LIMIT {INDEX_ROWS}"
    )
    corpus = _section(
        heading="Corpus-level findings", headers=["rule", "severity", "observed", "expected", "where", "message"],
        rows=[[_rule_link("", r), _span(s, s), _cap(o, 300), _cap(x, 300), _cap(loc, 400), _cap(m, 800)]
              for r, s, o, x, m, loc in corpus_rows],
    ) if corpus_rows else Markup()
    breaks_rows = w.q(
        f"""SELECT agency_id, agency, report_year, carried_over, prev_carried_forward, doc_id FROM qr_figures
            WHERE carry_break ORDER BY agency_id, report_year LIMIT {INDEX_ROWS}"""
    )
    breaks = _section(
        heading=f"Carry-over breaks ({c['breaks']:,})", anchor="breaks",
        intro="上年结转 (year Y) ≠ 结转下年度继续办理 (year Y−1) of the same agency, totals column.",
        headers=["agency", "year", "carried over", "carried forward the year before"],
        rows=[[_agency_link("", a, n), y, _n(co), _n(cf)] for a, n, y, co, cf, _ in breaks_rows], num_cols={2, 3},
        more={"href": "agencies/index-1.html", "text": "all agencies, breaks first →"} if c["breaks"] > len(breaks_rows) else None,
    ) if breaks_rows else Markup()
    corpus_mix = (
        _breakdown(w, "status", "status") + _breakdown(w, "report_year", "report year") + _breakdown(w, "format_version", "format")
        + _breakdown(w, "admin_level", "administrative level") + _breakdown(w, "doc_kind", "document kind")
    )
    sections = [
        _capped(w, "Quarantined reports", "quarantine", "quarantine", c.get("quarantined", 0), _QUARANTINE_HEADERS,
                _QUARANTINE_SQL, _quarantine_row, {5}),
        _verified_section(w),
        _history_section(w),
        _rule_section(w),
        _trend_section(w),
        _section(heading="Corpus", before=Markup('<div class="grid">{}</div>').format(corpus_mix),
                 after=legend([("published", COLORS["published"]), ("quarantined", COLORS["quarantined"])])),
        errors,
        _capped(w, "Files that could not be loaded", "load-errors", "load-errors", c["load_errors"], _LOAD_ERROR_HEADERS,
                _LOAD_ERRORS_SQL, _load_error_row),
        breaks,
        corpus,
        _capped(w, "Reports with findings", "findings", "findings", c["findings"], _FINDINGS_HEADERS, _FINDINGS_LIST_SQL,
                _findings_row, {3, 4, 5, 6}),
        _not_run(w),
    ]
    w.write("index.html", "index.html.j2", "OGI Warehouse — data quality", generated=f"{datetime.now():%Y-%m-%d %H:%M}",
            db_path=str(w.db_path), parser=PARSER_VERSION, cards=cards, sections=sections)
