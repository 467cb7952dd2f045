"""The maintainers' data-quality report: self-contained HTML, readable offline.

Why it looks the way it does:
- No CDN, no script, no external file: every page carries its own small
  stylesheet and its charts as inline SVG, so a page opens the same on an
  air-gapped laptop, in a mail attachment, or from a CI artefact.
- Every piece of document text (agency names, titles, evidence, messages,
  file paths) comes from thousands of government websites and goes through
  `_e` (`html.escape`, quotes included) — it must never become markup.
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
    rules/<rule>.html           one rule: where it fails / cannot be assessed
    reports/<doc_id>.html       one report's failed and unassessable rules
"""

from __future__ import annotations

import json

import hashlib
import html
import os
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import duckdb

from expectations.catalogue import RULES
from transforms import PARSER_VERSION
from orchestration.reports.evidence import tables_as_read
from warehouse import db

PAGE_SIZE = 500  # rows per list page
INDEX_ROWS = 50  # rows of a list shown on the overview before "all N →"
RULE_PAGE_ROWS = 1000  # reports listed per rule page (per status)
TEXT_CAP = 4000  # characters of one evidence/message cell before truncation
FETCH = 2000  # rows fetched per round trip while streaming

_SUBDIRS = ("reports", "agencies", "quarantine", "findings", "load-errors", "rules")

# A check location that names character offsets into the cleaned text
# ("prose 120-168", "offsets 120–168", "chars 120..168"): the page then shows
# the clause in its context. RE2 syntax (evaluated by DuckDB).
_OFFSETS_RE = r"(?i)(?:offsets?|chars?|characters?|prose|@)\D{0,12}?(\d+)\s*(?:-|–|—|\.\.|to)\s*(\d+)"
_CONTEXT = 80  # characters shown either side of a clause
_HEX_ID = re.compile(r"[0-9a-f]{16,64}")
_RULE_SAFE = re.compile(r"[A-Za-z0-9_.-]{1,40}")

_COLORS = {
    "published": "#2da44e",
    "quarantined": "#cf222e",
    "blocking": "#cf222e",
    "warning": "#d4a72c",
    "info": "#6e7781",
    "not_assessable": "#afb8c1",
    "track": "#eef1f4",
}

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:0;color:#1f2328;background:#fff;line-height:1.45}
main{max-width:1240px;margin:0 auto;padding:1rem 2rem 3rem}
nav.top{background:#24292f;padding:.55rem 2rem;font-size:.9rem}nav.top a{color:#f0f3f6;margin-right:1.2rem;text-decoration:none}
nav.top a:hover{text-decoration:underline}nav.top b{color:#fff;margin-right:1.5rem}
h1{font-size:1.55rem;margin:.8rem 0 .3rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
h3{font-size:1rem;margin:1.2rem 0 .3rem}a{color:#0969da}
table{border-collapse:collapse;margin:.5rem 0;font-size:.86rem;max-width:100%}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}tbody tr:nth-child(even){background:#fbfcfd}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}th.num{white-space:normal;min-width:4.5rem}.small{font-size:.78rem}
.published{color:#1a7f37;font-weight:600}.quarantined,.fail,.blocking{color:#cf222e;font-weight:600}
.warning,.warn{color:#9a6700;font-weight:600}.info,.muted{color:#656d76}.na{color:#656d76}
.cards{display:flex;gap:.8rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.55rem 1rem;min-width:9.5rem;background:#f6f8fa}
table.form td.hl{background:#ffebe9;outline:1px solid #cf222e}table.form td:first-child{max-width:28em}
.card b{display:block;font-size:1.6rem;font-variant-numeric:tabular-nums}.card.bad b{color:#cf222e}.card.warnc b{color:#9a6700}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:0 2rem}
code,.ev{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8rem}
.ev{white-space:pre-wrap;overflow-wrap:anywhere;display:block;max-width:34rem}
.ctx{font-size:.8rem;display:block;max-width:34rem;color:#57606a;margin-top:.3rem;border-top:1px dashed #d0d7de;padding-top:.2rem}.ctx mark{background:#fff8c5;color:#1f2328}
.break{background:#ffebe9!important;color:#a40e26;font-weight:600}
.gap td{color:#8c959f;font-style:italic;background:#fff;padding:.1rem .5rem}
.pager{margin:.8rem 0;font-size:.9rem}.pager a,.pager b{margin-right:.5rem}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem;vertical-align:-1px;border-radius:2px}
svg{max-width:100%;height:auto}details{margin:.8rem 0}summary{cursor:pointer;color:#0969da}svg text{font-family:inherit}.nw{white-space:nowrap}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;font-size:.9rem}dl.meta dt{color:#656d76}dl.meta dd{margin:0;overflow-wrap:anywhere}
"""


# --------------------------------------------------------------------------- helpers


_NEEDS_ESCAPE = re.compile(r"[&<>\"']")


def _e(value) -> str:
    """Escape anything for HTML text and attribute values (None → empty)."""
    if value is None:
        return ""
    text = str(value)
    # most values (numbers, codes, plain Chinese) need nothing: skip the five replaces
    return html.escape(text, quote=True) if _NEEDS_ESCAPE.search(text) else text


def _cap(value, limit: int = TEXT_CAP) -> str:
    """Escaped text, cut at `limit` characters with the cut said out loud."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        return _e(text[:limit]) + f'<span class="muted"> … ({len(text) - limit} more characters)</span>'
    return _e(text)


def _n(value) -> str:
    return "" if value is None else f"{value:,}" if isinstance(value, int) else _e(value)


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


def _page(title: str, body: str, root: str, counts: dict[str, int]) -> str:
    nav = (
        f'<nav class="top"><b>OGI data quality</b><a href="{root}index.html">Overview</a>'
        f'<a href="{root}quarantine/1.html">Quarantine ({counts.get("quarantined", 0):,})</a>'
        f'<a href="{root}findings/1.html">Reports with findings ({counts.get("findings", 0):,})</a>'
        f'<a href="{root}load-errors/1.html">Load errors ({counts.get("load_errors", 0):,})</a>'
        f'<a href="{root}agencies/index-1.html">Agencies ({counts.get("agencies", 0):,})</a>'
        f'<a href="{root}index.html#rules">Rules</a></nav>'
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>{nav}<main>{body}</main></body></html>"
    )


def _table(headers: list[str], rows: Iterable[list[str]], num_cols: Iterable[int] = (), row_classes: Iterable[str] | None = None) -> str:
    """A table whose cells are already-escaped HTML fragments (headers are escaped here)."""
    nums = set(num_cols)
    head = "".join(f'<th class="num">{_e(h)}</th>' if i in nums else f"<th>{_e(h)}</th>" for i, h in enumerate(headers))
    classes = iter(row_classes) if row_classes is not None else None
    out = []
    for r in rows:
        cls = next(classes, "") if classes is not None else ""
        if isinstance(r, str):  # a pre-rendered row (e.g. one spanning cell)
            out.append(r)
            continue
        cells = "".join(f'<td class="num">{c}</td>' if i in nums else f"<td>{c}</td>" for i, c in enumerate(r))
        out.append(f'<tr class="{cls}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(out)}</tbody></table>"


def _status(status: str | None) -> str:
    return f'<span class="{_e(status)}">{_e(status)}</span>'


def _severity(severity: str | None) -> str:
    return f'<span class="{_e(severity)}">{_e(severity)}</span>'


def _pager(prefix: str, page: int, pages: int) -> str:
    if pages <= 1:
        return ""
    links = []
    for p in range(1, pages + 1):
        if p == page:
            links.append(f"<b>{p}</b>")
        elif p <= 3 or p > pages - 3 or abs(p - page) <= 3:
            links.append(f'<a href="{prefix}{p}.html">{p}</a>')
        elif links[-1] != "…":
            links.append("…")
    return f'<div class="pager">page {page} of {pages}: {" ".join(links)}</div>'


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


# --------------------------------------------------------------------------- charts (inline SVG)


def _hbars(
    rows: list[tuple[str, list[tuple[int, str, str]], str]], *, label_w: int = 110, bar_w: int = 360, right_w: int = 200, scale: int | None = None
) -> str:
    """Horizontal stacked bars: (label, [(value, colour, tooltip)], text right of the bar)."""
    if not rows:
        return '<p class="muted">Nothing to chart.</p>'
    bar_h = 22
    label_w = max(label_w, 12 + max(_text_width(label) for label, _, _ in rows))
    top = max((sum(v for v, _, _ in segs) for _, segs, _ in rows), default=0)
    scale = scale or top or 1
    width, height = label_w + bar_w + right_w, bar_h * len(rows) + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">']
    for i, (label, segs, right) in enumerate(rows):
        y = 3 + i * bar_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">{_e(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{bar_h - 7}" fill="{_COLORS["track"]}" rx="2"/>')
        x = float(label_w)
        for value, colour, tip in segs:
            if value <= 0:
                continue
            w = max(1.5, value / scale * bar_w)
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 7}" fill="{colour}"><title>{_e(tip)}</title></rect>')
            x += w
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 15}" font-size="12" fill="#444">{_e(right)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _text_width(text: str, size: int = 12) -> int:
    """Rough rendered width of an SVG label: CJK characters are square, Latin ones ~0.6 em."""
    wide = sum(1 for ch in text if ord(ch) > 0x2E7F)
    return int(size * (wide + 0.62 * (len(text) - wide)))


def _legend(items: list[tuple[str, str]]) -> str:
    return '<div class="legend muted">' + "".join(f'<span style="background:{c}"></span>{_e(t)}' for t, c in items) + "</div>"


def _trend_chart(rows: list[tuple]) -> str:
    """Vertical grouped bars per report year: share of reports with a blocking / warning failure."""
    rows = [r for r in rows if r[0] is not None]
    if not rows:
        return '<p class="muted">No report has a known year.</p>'
    col_w, plot_h, left, bottom = max(22, min(56, 900 // len(rows))), 160, 40, 36
    width, height = left + col_w * len(rows) + 10, plot_h + bottom + 12
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="failures by report year">']
    for pct in (0, 25, 50, 75, 100):
        y = 8 + plot_h - pct / 100 * plot_h
        parts.append(f'<line x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d8dee4" stroke-width="1"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#656d76">{pct}%</text>')
    bw = (col_w - 6) / 2
    for i, (year, n, blocking, warning, *_rest) in enumerate(rows):
        x = left + i * col_w + 3
        for j, (value, colour, what) in enumerate(((blocking, _COLORS["blocking"], "blocking"), (warning, _COLORS["warning"], "warning"))):
            rate = value / n if n else 0.0
            h = rate * plot_h
            parts.append(
                f'<rect x="{x + j * bw:.1f}" y="{8 + plot_h - h:.1f}" width="{bw - 1:.1f}" height="{max(h, 0.5):.1f}" fill="{colour}">'
                f"<title>{_e(year)}: {value} of {n} reports with a {what} failure ({rate:.0%})</title></rect>"
            )
        parts.append(f'<text x="{x + col_w / 2 - 3:.1f}" y="{plot_h + 22}" font-size="10" text-anchor="middle">{_e(year)}</text>')
        parts.append(f'<text x="{x + col_w / 2 - 3:.1f}" y="{plot_h + 34}" font-size="9" text-anchor="middle" fill="#656d76">n={n}</text>')
    parts.append("</svg>")
    return "".join(parts) + _legend([("reports with a blocking failure", _COLORS["blocking"]), ("reports with a warning failure", _COLORS["warning"])])


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
        return self.con.execute(sql, params or []).fetchone()[0]

    def write(self, rel: str, title: str, body: str) -> None:
        root = "../" * rel.count("/")
        (self.out / rel).write_text(_page(title, body, root, self.counts), encoding="utf-8")
        self.files += 1

    # ---- lists -------------------------------------------------------------

    def paged(self, folder: str, title: str, intro: str, headers: list[str], rows: Iterable[list[str]], total: int, num_cols=()) -> None:
        """Write folder/1.html, 2.html … from a row stream; always at least one page."""
        pages = max(1, -(-total // PAGE_SIZE))
        written = 0
        for page, chunk in enumerate(_chunks(rows, PAGE_SIZE), start=1):
            pager = _pager("", page, pages)
            first = (page - 1) * PAGE_SIZE + 1
            body = (
                f"<h1>{_e(title)}</h1>{intro}<p class=\"muted\">{total:,} in all; rows {first:,}–{first + len(chunk) - 1:,}.</p>"
                f"{pager}{_table(headers, chunk, num_cols)}{pager}"
            )
            self.write(f"{folder}/{page}.html", f"{title} — page {page}", body)
            written = page
        if written == 0:
            self.write(f"{folder}/1.html", title, f"<h1>{_e(title)}</h1>{intro}<p>None.</p>")


def _report_link(root: str, doc_id: str, text: str, has_page: bool) -> str:
    if has_page:
        return f'<a href="{root}reports/{doc_page_name(doc_id)}">{_e(text)}</a>'
    return _e(text)


def _agency_link(root: str, agency_id: str | None, text: str | None) -> str:
    label = text or agency_id or "unknown agency"
    if agency_id:
        return f'<a href="{root}agencies/{agency_page_name(agency_id)}">{_e(label)}</a>'
    return f'<span class="muted">{_e(label)}</span>'


def _report_label(agency, year, title, path) -> str:
    """How a report is named in lists: agency and year, else its title, else its file."""
    if agency:
        return f"{agency} {year if year is not None else '?'}"
    if title:
        return str(title)
    return Path(str(path)).name if path else "?"


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
    c["breaks"] = w.one("SELECT count(*) FROM qr_figures WHERE carry_break")
    c["corpus_fail"] = w.one("SELECT count(*) FROM core.check_results WHERE doc_id IS NULL AND status = 'fail'")


# ---- one page per report with findings -----------------------------------------


def _check_rows(checks: list[dict]) -> tuple[list[list[str]], list[dict]]:
    failed, other = [], []
    for c in checks or []:
        if c["status"] != "fail":
            other.append(c)
            continue
        ctx = c.get("context")
        context = ""
        if ctx:
            context = (
                f'<span class="ctx" title="the offsets named in the location, in the cleaned text">…{_e(ctx["before"])}'
                f'<mark>{_e(ctx["clause"])}</mark>{_e(ctx["after"])}…</span>'
            )
        failed.append(
            [
                f'<a href="../rules/{rule_page_name(c["rule"])}"><b>{_e(c["rule"])}</b></a><br><span class="muted">{_e(c["suite"])}</span>',
                _severity(c["severity"]),
                f'<span class="ev">{_cap(c["observed"], 600)}</span>',
                f'<span class="ev">{_cap(c["expected"], 600)}</span>',
                _cap(c["location"], 800),
                f'<span class="ev">{_cap(c["evidence"])}</span>{context}',
                _cap(c["message"], 1500),
            ]
        )
    return failed, other


def _grouped_by_reason(checks: list[dict]) -> list[tuple[str, str]]:
    """Unassessable rules grouped by their reason ("table 四 not present": T4-01 … T4-04), blocking first."""
    groups: dict[str, list[dict]] = {}
    for c in checks:
        groups.setdefault(c["message"] or c["status"], []).append(c)
    out = []
    for msg, items in groups.items():
        links = ", ".join(
            f'<a class="nw {_e(c["severity"])}" href="../rules/{rule_page_name(c["rule"])}" title="{_e(c["severity"])}, {_e(c["status"])}">{_e(c["rule"])}</a>'
            for c in items
        )
        out.append((msg, links))
    return out


def _figures_table(row: dict) -> str:
    cells = [
        ("new applications", row["new_received"]),
        ("carried over", row["carried_over"]),
        ("processed", row["total_processed"]),
        ("carried forward", row["carried_forward"]),
        ("review total", row["review_total"]),
        ("litigation (direct)", row["litigation_direct_total"]),
        ("litigation (after review)", row["litigation_after_review_total"]),
    ]
    if all(v is None for _, v in cells):
        return ""
    note = ""
    if row["carry_break"]:
        note = (
            f'<p class="break">Carried over {_n(row["carried_over"])} ≠ carried forward {_n(row["prev_carried_forward"])} '
            f"in the previous year's report of this agency.</p>"
        )
    return "<h2>Key figures (totals)</h2>" + _table([h for h, _ in cells], [[_n(v) for _, v in cells]], range(len(cells))) + note


def _write_report_pages(w: _Writer) -> None:
    for row in _stream_dicts(w.con, _REPORT_PAGES_SQL):
        _write_report_page(w, row)


def _write_report_page(w: _Writer, r: dict) -> None:
    doc_id = r["doc_id"]
    label = _report_label(r["agency"], r["report_year"], r["title"], r["source_path"])
    uri = _file_uri(r["source_path"])
    path_html = f'<code>{_e(r["source_path"])}</code>'
    if uri:
        path_html = f'<a href="{_e(uri)}"><code>{_e(r["source_path"])}</code></a>'
    others = r["other_paths"] or []
    meta = [
        ("status", _status(r["status"]) + (f' — <span class="fail">{_e(r["status_reason"])}</span>' if r["status_reason"] else "")),
        ("agency", _agency_link("../", r["agency_id"], r["agency"]) + (f' <span class="muted">(key {_e(r["agency_id"])})</span>' if r["agency_id"] else "")),
        ("title", _e(r["title"]) or '<span class="muted">none found</span>'),
        ("report year", _e(r["report_year"])),
        ("published on", _e(r["published_on"])),
        ("region / level", f'{_e(r["region"]) or "—"} / {_e(r["admin_level"])}'),
        ("kind / format", f'{_e(r["doc_kind"])} / {_e(r["format_version"])}'),
        ("raw file", path_html),
        ("also seen as", "<br>".join(f"<code>{_e(p)}</code>" for p in others) if others else '<span class="muted">—</span>'),
        ("bytes / read as", f'{_n(r["size_bytes"])} bytes, {_e(r["extension"])}; {_e(r["kind"])} {_e(r["encoding"])}, {_n(r["char_count"])} characters'),
        ("doc_id", f'<code>{_e(doc_id)}</code>'),
        ("parser", _e(r["parser_version"])),
    ]
    failed, other = _check_rows(r["checks"])
    parts = [
        f'<p class="muted"><a href="../index.html">overview</a> › <a href="../findings/1.html">reports with findings</a>'
        + (f' › {_agency_link("../", r["agency_id"], r["agency"])}' if r["agency_id"] else "")
        + "</p>",
        f"<h1>{_e(label)}</h1>",
        '<dl class="meta">' + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in meta) + "</dl>",
        f'<div class="cards"><div class="card bad"><span class="muted">blocking failures</span><b>{r["n_blocking"]}</b></div>'
        f'<div class="card warnc"><span class="muted">warnings</span><b>{r["n_warning"]}</b></div>'
        f'<div class="card"><span class="muted">not assessable</span><b>{r["n_na"]}</b></div>'
        f'<div class="card"><span class="muted">parser doubts</span><b>{r["n_issues"]}</b></div></div>',
    ]
    if failed:
        parts.append(
            "<h2>Failed rules</h2>"
            + _table(["rule", "severity", "observed", "expected", "where", "evidence", "message"], failed)
        )
    if other:
        parts.append(
            "<h2>Rules that could not be assessed</h2>"
            + _table(["why", "rules"], [[_cap(msg, 1500), links] for msg, links in _grouped_by_reason(other)])
        )
    if r["issues"]:
        parts.append(
            "<h2>What the parser was unsure of</h2>"
            + _table(
                ["stage", "code", "table", "blocking", "message"],
                [[_e(i["stage"]), f'<b>{_e(i["code"])}</b>', _e(i["tbl"]), '<span class="fail">yes</span>' if i["blocking"] else "no", _cap(i["message"], 1500)] for i in r["issues"]],
            )
        )
    parts.append(tables_as_read(w.con, doc_id))
    parts.append(_figures_table(r))
    w.write(f"reports/{doc_page_name(doc_id)}", label, "".join(parts))


# ---- lists ---------------------------------------------------------------------------

_QUARANTINE_SQL = """
SELECT r.doc_id, r.agency, r.agency_id, r.report_year, r.title, r.source_path, r.status_reason,
       f.doc_id IS NOT NULL AS has_page, coalesce(f.n_blocking, 0), coalesce(f.n_issues, 0)
FROM core.reports r LEFT JOIN qr_findings f USING (doc_id)
WHERE r.status = 'quarantined'
ORDER BY r.agency NULLS LAST, r.report_year, r.doc_id
"""


def _quarantine_row(root: str, row: tuple) -> list[str]:
    doc_id, agency, agency_id, year, title, path, reason, has_page, n_blocking, n_issues = row
    return [
        _report_link(root, doc_id, _report_label(agency, year, title, path), has_page),
        _agency_link(root, agency_id, agency) if agency_id else '<span class="muted">unknown</span>',
        _e(year),
        f"<code>{_e(path)}</code>",
        f'<span class="fail">{_e(reason)}</span>',
        _n(n_issues),
    ]


_QUARANTINE_HEADERS = ["report", "agency", "year", "file", "why (failed blocking rules)", "parser doubts"]


def _write_quarantine(w: _Writer) -> None:
    w.paged(
        "quarantine",
        "Quarantined reports",
        '<p class="muted">Kept in <code>core</code>, hidden from <code>published</code>: at least one blocking rule failed.</p>',
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


def _findings_row(root: str, row: tuple) -> list[str]:
    doc_id, agency, agency_id, year, title, path, status, nb, nw, nna, ni, failing = row
    return [
        _report_link(root, doc_id, _report_label(agency, year, title, path), True),
        _e(year),
        _status(status),
        _n(nb),
        _n(nw),
        _n(nna),
        _n(ni),
        f"<b>{_e(failing)}</b>",
    ]


_FINDINGS_HEADERS = ["report", "year", "status", "blocking", "warnings", "not assessable", "parser doubts", "failing rules"]


def _write_findings_list(w: _Writer) -> None:
    w.paged(
        "findings",
        "Reports with findings",
        '<p class="muted">Every report with a failed rule, a rule that could not be assessed, or a parser doubt; quarantined first.</p>',
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


def _load_error_row(root: str, row: tuple) -> list[str]:
    path, stage, code, message, at, doc_id, has_page = row
    uri = _file_uri(path)
    file_html = f'<a href="{_e(uri)}"><code>{_e(path)}</code></a>' if uri else f"<code>{_e(path)}</code>"
    if has_page:
        file_html += f' (<a href="{root}reports/{doc_page_name(doc_id)}">report</a>)'
    return [file_html, _e(stage), f'<b class="fail">{_e(code)}</b>', _cap(message, 1500), _e(f"{at:%Y-%m-%d %H:%M}" if at else "")]


_LOAD_ERROR_HEADERS = ["file", "stage", "code", "message", "at"]


def _write_load_errors(w: _Writer) -> None:
    w.paged(
        "load-errors",
        "Files that could not be loaded",
        '<p class="muted">A load never stops for one bad file: each is listed here with the stage that gave up.</p>',
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


def _agency_row(r: dict) -> list[str]:
    carried = _n(r["carried_over"])
    if r["carry_break"]:
        carried += f'<br><span class="break">≠ {_n(r["prev_carried_forward"])} carried forward in {r["report_year"] - 1}</span>'
    return [
        _e(r["report_year"]),
        _report_link("../", r["doc_id"], Path(str(r["source_path"])).name, r["has_page"])
        + (f'<br><span class="muted small">{_e(r["title"])}</span>' if r["title"] else ""),
        _status(r["status"]),
        _e(r["format_version"]),
        _n(r["new_received"]),
        carried,
        _n(r["total_processed"]),
        _n(r["carried_forward"]),
        _n(r["review_total"]),
        _n(r["litigation_direct_total"]),
        _n(r["litigation_after_review_total"]),
    ]


def _write_agency_page(w: _Writer, rows: list[dict]) -> None:
    first = rows[0]
    names = sorted({r["agency"] for r in rows if r["agency"]})
    table_rows, classes, prev_year = [], [], None
    for r in rows:
        year = r["report_year"]
        if prev_year is not None and year is not None and year - prev_year > 1:
            missing = f"{prev_year + 1}" if year - prev_year == 2 else f"{prev_year + 1}–{year - 1}"
            table_rows.append(f'<tr class="gap"><td>{_e(missing)}</td><td colspan="{len(_FIG_HEADERS) - 1}">no report loaded</td></tr>')
            classes.append("")
        table_rows.append(_agency_row(r))
        classes.append("break" if r["carry_break"] else "")
        prev_year = year if year is not None else prev_year
    breaks = sum(1 for r in rows if r["carry_break"])
    body = (
        '<p class="muted"><a href="../index.html">overview</a> › <a href="index-1.html">agencies</a></p>'
        f"<h1>{_e(names[0] if names else first['agency_id'])}</h1>"
        f'<p class="muted">agency key <code>{_e(first["agency_id"])}</code>'
        + (f" · also named {_e('、'.join(names[1:]))}" if len(names) > 1 else "")
        + f" · {_e(first['region'])} · {_e(first['admin_level'])} · {len(rows)} report(s)</p>"
        + (
            f'<p class="break">{breaks} carry-over break(s): 上年结转 of a year differs from 结转下年度继续办理 of the year before (rule Y-01).</p>'
            if breaks
            else ""
        )
        + "<h2>Reports year by year</h2><p class=\"muted\">Totals column of table 三 and 总计 of table 四; "
        "a blank cell is a figure the report does not state or the parser could not read.</p>"
        + _table(_FIG_HEADERS, table_rows, range(4, len(_FIG_HEADERS)), classes)
    )
    w.write(f"agencies/{agency_page_name(first['agency_id'])}", names[0] if names else first["agency_id"], body)


def _write_agencies(w: _Writer) -> None:
    group: list[dict] = []
    for row in _stream_dicts(w.con, _AGENCY_PAGES_SQL):
        if group and row["agency_id"] != group[0]["agency_id"]:
            _write_agency_page(w, group)
            group = []
        group.append(row)
    if group:
        _write_agency_page(w, group)

    def rows() -> Iterator[list[str]]:
        for agency_id, agency, region, level, n, y0, y1, q, breaks in _stream(w.con, _AGENCY_INDEX_SQL):
            yield [
                _agency_link("../", agency_id, agency),
                _e(region),
                _e(level),
                _n(n),
                _e(f"{y0}–{y1}" if y0 != y1 else y0),
                _n(q),
                f'<span class="break">{breaks}</span>' if breaks else "0",
            ]

    total = w.counts["agencies"]
    pages = max(1, -(-total // PAGE_SIZE))
    headers = ["agency", "region", "level", "reports", "years", "quarantined", "carry-over breaks"]
    written = 0
    for page, chunk in enumerate(_chunks(rows(), PAGE_SIZE), start=1):
        pager = _pager("index-", page, pages)
        body = (
            f'<h1>Agencies</h1><p class="muted">{total:,} agencies (reports linked by <code>agency_id</code>); carry-over breaks first.</p>'
            f"{pager}{_table(headers, chunk, {3, 5, 6})}{pager}"
        )
        w.write(f"agencies/index-{page}.html", f"Agencies — page {page}", body)
        written = page
    if not written:
        w.write("agencies/index-1.html", "Agencies", "<h1>Agencies</h1><p>None.</p>")


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


def _rule_row_name(r: dict) -> str:
    if r["doc_id"] is None:
        return '<span class="muted">corpus-level</span>'
    return _report_link("../", r["doc_id"], _report_label(r["agency"], r["report_year"], r["title"], r["source_path"]), r["has_page"])


def _write_rule_page(w: _Writer, rule: str, rows: list[dict], stats: tuple) -> None:
    """One rule: its definition, its counts, where it fails (with evidence) and where it could not be assessed."""
    sev, passed, failed, na = stats
    cat = RULES.get(rule)
    by_status: dict[str, list[dict]] = {}
    for row in rows:
        by_status.setdefault(row["check_status"], []).append(row)
    sections = []
    for status, srows in by_status.items():
        total = srows[0]["total"]
        shown = f" (first {len(srows):,} of {total:,})" if total > len(srows) else f" ({total:,})"
        if status == "fail":
            table = _table(
                ["report", "status", "observed", "expected", "where", "evidence"],
                [
                    [_rule_row_name(r), _status(r["status"]), _cap(r["observed"], 300), _cap(r["expected"], 300), _cap(r["location"], 400),
                     f'<span class="ev">{_cap(r["evidence"], 600)}</span>']
                    for r in srows
                ],
            )
            sections.append(f"<h2>Failing reports{shown}</h2>{table}")
        else:
            table = _table(["report", "status", "why"], [[_rule_row_name(r), _status(r["status"]), _cap(r["message"], 600)] for r in srows])
            sections.append(f"<h2>Reports where it is {_e(status.replace('_', ' '))}{shown}</h2>{table}")
    body = (
        '<p class="muted"><a href="../index.html#rules">rules</a></p>'
        f"<h1>{_e(rule)} <small>{_severity(sev)}</small></h1>"
        + (
            f'<p>{_e(cat.description)}</p><p class="muted">suite {_e(cat.suite)} · basis: {_e(cat.basis)}</p>'
            if cat
            else '<p class="muted">not in the rule catalogue of this version</p>'
        )
        + f"<p>{failed:,} fail · {passed:,} pass · {na:,} not assessable</p>"
        + ("".join(sections) or "<p>It has never failed.</p>")
    )
    w.write(f"rules/{rule_page_name(rule)}", rule, body)


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


def _breakdown(w: _Writer, column: str, label: str) -> str:
    """Reports by one column of core.reports: table with an inline bar per value."""
    assert column in ("report_year", "format_version", "admin_level", "doc_kind", "status")
    rows = w.q(
        f"""SELECT {column}, count(*) FILTER (WHERE status = 'published'), count(*) FILTER (WHERE status = 'quarantined'), count(*)
            FROM core.reports GROUP BY 1 ORDER BY 1 NULLS LAST"""
    )
    top = max((r[3] for r in rows), default=1)
    chart = _hbars(
        [
            (
                "unknown" if v is None else str(v),
                [(p, _COLORS["published"], f"{p} published"), (q, _COLORS["quarantined"], f"{q} quarantined")],
                f"{n:,}" + (f" ({q:,} quarantined)" if q else ""),
            )
            for v, p, q, n in rows
        ],
        label_w=96,
        bar_w=150,
        right_w=130,
        scale=top,
    )
    return f"<div><h3>By {_e(label)}</h3>{chart}</div>"


def _rule_section(w: _Writer) -> str:
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
    order = {"blocking": 0, "warning": 1, "info": 2}
    groups: dict[str, list[tuple]] = {}
    for row in stats:
        groups.setdefault(row[2], []).append(row)
    charts = []
    for severity in sorted(groups, key=lambda s: order.get(s, 3)):
        items = groups[severity]
        charts.append(
            f"<h3>{_severity(severity)} rules</h3>"
            + _hbars(
                [
                    (
                        rule,
                        [
                            (f, _COLORS.get(sev, _COLORS["info"]), f"{rule}: {f} failed of {f + p} assessed"),
                            (p, "#8dd8a5", f"{rule}: {p} passed"),
                            (na, _COLORS["not_assessable"], f"{rule}: {na} not assessable"),
                        ],
                        f"{f:,}/{f + p:,} fail ({(f / (f + p) if f + p else 0):.1%})" + (f" · {na:,} n/a" if na else ""),
                    )
                    for rule, _, sev, f, p, na, _, _ in items
                ],
                label_w=80,
                bar_w=380,
            )
        )
    table = _table(
        ["rule", "suite", "severity", "fail", "pass", "not assessable", "failure rate", "reports failing", "rule"],
        [
            [
                f'<a class="nw" href="rules/{rule_page_name(rule)}"><b>{_e(rule)}</b></a>',
                _e(suite),
                _severity(sev),
                _n(f),
                _n(p),
                _n(na),
                f"{(f / (f + p) if f + p else 0):.1%}",
                _n(docs) + (f" + {corpus} corpus-level" if corpus else ""),
                _e(RULES[rule].description) if rule in RULES else '<span class="muted">not in catalogue</span>',
            ]
            for rule, suite, sev, f, p, na, docs, corpus in stats
        ],
        {3, 4, 5, 6, 7},
    )
    legend = _legend([("failed", _COLORS["blocking"]), ("failed (warning)", _COLORS["warning"]), ("passed", "#8dd8a5"), ("not assessable", _COLORS["not_assessable"])])
    return (
        '<h2 id="rules">Failure rate per rule</h2><p class="muted">Bar = every result of the rule; rate = failed / (failed + passed).</p>'
        + legend
        + "".join(charts)
        + f"<details><summary>Every rule: counts and definition ({len(stats)} rules)</summary>{table}</details>"
        if stats
        else '<h2 id="rules">Failure rate per rule</h2><p class="muted">No rule has run yet.</p>'
    )


def _trend_section(w: _Writer) -> str:
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
    table = _table(
        ["report year", "reports", "with a blocking failure", "with a warning", "most failed rules"],
        [[_e("unknown" if y is None else y), _n(n), _n(b), _n(wn), _e(t)] for y, n, b, wn, t in rows],
        {1, 2, 3},
    )
    return "<h2>Failures by report year</h2>" + _trend_chart(rows) + table


def _not_run(w: _Writer) -> str:
    """Catalogue rules with no result at all (new rules before `ogi check`, or never implemented)."""
    ran = {r for (r,) in w.q("SELECT DISTINCT rule FROM core.check_results")}
    missing = [r for r in RULES.values() if r.id not in ran]
    if not missing:
        return ""
    return "<h2>Rules in the catalogue with no result yet</h2>" + _table(
        ["id", "suite", "severity", "rule", "basis"],
        [[f'<a class="nw" href="rules/{rule_page_name(r.id)}">{_e(r.id)}</a>', _e(r.suite), _severity(r.severity), _e(r.description), _e(r.basis)] for r in missing],
    )


def _verified_section(w: _Writer) -> str:
    """How much of what is published an identity vouches for, per table (`verified`)."""
    from warehouse.summary import verified_shares

    shares = verified_shares(w.con)
    if not shares:
        return ""
    bars = _hbars(
        [(name, [(100 * ok / n, _COLORS["published"], f"{name}: {ok:,} verified"),
                 (100 * (n - ok) / n, _COLORS["not_assessable"], f"{name}: {n - ok:,} not verified")],
          f"{ok:,} / {n:,} ({ok / n:.0%})") for name, ok, n in shares],
        label_w=60, bar_w=300, scale=100,
    )
    return (
        '<h2 id="verified">Verified cells of published reports</h2><p class="muted">A cell is verified when an '
        "identity covering it (T3-01..03, T4-01..03, X-01/X-03/X-04, Y-01/Y-02) passed for its report and none "
        "failed; the others are published too, and analysts can filter on <code>verified</code>. Table 二 has no "
        "identity of its own.</p>" + bars
    )


_HISTORY_RUNS = 12


def _history_section(w: _Writer) -> str:
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
        return ""
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

    def suite_cell(run: str, suite: str) -> str:
        if (run, suite) not in by_suite:
            return '<span class="muted">—</span>'
        success, evaluated, successful = by_suite[(run, suite)]
        mark = "✓" if success else "✗"
        cls = "" if success else ' class="fail"'
        return f"<span{cls}>{mark} {successful}/{evaluated}</span>"

    def rule_cell(res: dict | None) -> str:
        if not res or not res.get("evaluated"):
            return '<span class="muted">—</span>'
        bad, n = res.get("unexpected", 0), res["evaluated"]
        cls = ' class="fail"' if bad and res.get("severity") != "info" else ""
        return f"<span{cls}>{bad:,}/{n:,} ({bad / n:.1%})</span>"

    labels = [f"{at:%Y-%m-%d %H:%M} {run[:8]}" for run, at in runs]
    suite_rows = [
        [_e(f"{at:%Y-%m-%d %H:%M:%S}"), f"<code>{_e(run[:8])}</code>", *(suite_cell(run, s) for s in suites)]
        for run, at in runs
    ]
    noteworthy = sorted(r for r, by_run in per_rule.items() if any(v.get("unexpected") for v in by_run.values()))
    rule_rows = [
        [f"<code>{_e(rule)}</code>", _e(next(iter(per_rule[rule].values())).get("severity", "")),
         *(rule_cell(per_rule[rule].get(run)) for run in run_ids)]
        for rule in noteworthy
    ]
    rules_table = (
        _table(["rule", "GX severity", *labels], rule_rows)
        if rule_rows
        else "<p>No rule found anything in these runs.</p>"
    )
    return (
        '<h2 id="history">Quality over time</h2><p class="muted">Each check run (a load that checked reports, '
        "<code>ogi check</code>, the daily run) as Great Expectations judged it (<code>core.validation_runs</code>), "
        "newest first. Per suite: ✓ when every expectation of the suite succeeded, and expectations (one per rule) "
        "successful / evaluated.</p>"
        + _table(["checked at", "run", *[_e(s) for s in suites]], suite_rows)
        + '<h3>Failure rate per rule</h3><p class="muted">Reports in which GX found unexpected rows / reports the '
        "rule assessed in that run, for every rule that found something in these runs (an info rule's are notes, "
        "never failures).</p>"
        + rules_table
    )


def _write_index(w: _Writer) -> None:
    c = w.counts
    cards = "".join(
        f'<div class="card{cls}"><span class="muted">{_e(label)}</span><b>{value:,}</b></div>'
        for label, value, cls in (
            ("reports", c.get("reports", 0), ""),
            ("published", c.get("published", 0), ""),
            ("quarantined", c.get("quarantined", 0), " bad" if c.get("quarantined") else ""),
            ("published with warnings", c.get("warned", 0), " warnc" if c.get("warned") else ""),
            ("files not loadable", c.get("load_errors", 0), " bad" if c.get("load_errors") else ""),
            ("agencies", c.get("agencies", 0), ""),
            ("carry-over breaks", c.get("breaks", 0), " warnc" if c.get("breaks") else ""),
        )
    )

    def capped(title: str, anchor: str, folder: str, total: int, headers: list[str], sql: str, row_fn, num_cols=()) -> str:
        rows = [row_fn("", r) for r in w.q(sql.rstrip() + f"\nLIMIT {INDEX_ROWS}")]
        more = f'<p><a href="{folder}/1.html">all {total:,} →</a></p>' if total > len(rows) else ""
        body = _table(headers, rows, num_cols) + more if rows else "<p>None.</p>"
        shown = f" — first {len(rows)} of {total:,}" if total > len(rows) else f" ({total:,})"
        return f'<h2 id="{anchor}">{_e(title)}{shown}</h2>{body}'

    err_codes = w.q('SELECT stage, error, count(*), count(DISTINCT source_path) FROM core.load_errors GROUP BY ALL ORDER BY 3 DESC, 2')
    err_chart = (
        _hbars([(f"{code}", [(n, _COLORS["quarantined"], f"{stage}/{code}: {n}")], f"{n:,} ({stage})") for stage, code, n, _ in err_codes], label_w=170, bar_w=260)
        + _table(["stage", "code", "errors", "files"], [[_e(s), f"<b>{_e(e)}</b>", _n(n), _n(f)] for s, e, n, f in err_codes], {2, 3})
        if err_codes
        else "<p>None.</p>"
    )
    corpus_rows = w.q(
        f"SELECT rule, severity, observed, expected, message, location FROM core.check_results WHERE doc_id IS NULL AND status = 'fail' ORDER BY severity, rule LIMIT {INDEX_ROWS}"
    )
    corpus = (
        "<h2>Corpus-level findings</h2>"
        + _table(
            ["rule", "severity", "observed", "expected", "where", "message"],
            [[f'<a href="rules/{rule_page_name(r)}">{_e(r)}</a>', _severity(s), _cap(o, 300), _cap(x, 300), _cap(loc, 400), _cap(m, 800)] for r, s, o, x, m, loc in corpus_rows],
        )
        if corpus_rows
        else ""
    )
    breaks_rows = w.q(
        f"""SELECT agency_id, agency, report_year, carried_over, prev_carried_forward, doc_id FROM qr_figures
            WHERE carry_break ORDER BY agency_id, report_year LIMIT {INDEX_ROWS}"""
    )
    breaks = (
        f'<h2 id="breaks">Carry-over breaks ({c["breaks"]:,})</h2><p class="muted">上年结转 (year Y) ≠ 结转下年度继续办理 (year Y−1) of the same agency, totals column.</p>'
        + _table(
            ["agency", "year", "carried over", "carried forward the year before"],
            [[_agency_link("", a, n), _e(y), _n(co), _n(cf)] for a, n, y, co, cf, _ in breaks_rows],
            {2, 3},
        )
        + (f'<p><a href="agencies/index-1.html">all agencies, breaks first →</a></p>' if c["breaks"] > len(breaks_rows) else "")
        if breaks_rows
        else ""
    )
    sections = [
        f'<h1>OGI Warehouse — data quality</h1><p class="muted">generated {datetime.now():%Y-%m-%d %H:%M} · '
        f"warehouse <code>{_e(w.db_path)}</code> · parser {_e(PARSER_VERSION)}</p><div class=\"cards\">{cards}</div>",
        capped("Quarantined reports", "quarantine", "quarantine", c.get("quarantined", 0), _QUARANTINE_HEADERS, _QUARANTINE_SQL, _quarantine_row, {5}),
        _verified_section(w),
        _history_section(w),
        _rule_section(w),
        _trend_section(w),
        '<h2>Corpus</h2><div class="grid">'
        + _breakdown(w, "status", "status")
        + _breakdown(w, "report_year", "report year")
        + _breakdown(w, "format_version", "format")
        + _breakdown(w, "admin_level", "administrative level")
        + _breakdown(w, "doc_kind", "document kind")
        + "</div>"
        + _legend([("published", _COLORS["published"]), ("quarantined", _COLORS["quarantined"])]),
        "<h2>Load errors by code</h2>" + err_chart,
        capped("Files that could not be loaded", "load-errors", "load-errors", c["load_errors"], _LOAD_ERROR_HEADERS, _LOAD_ERRORS_SQL, _load_error_row),
        breaks,
        corpus,
        capped(
            "Reports with findings", "findings", "findings", c["findings"], _FINDINGS_HEADERS, _FINDINGS_LIST_SQL, _findings_row, {3, 4, 5, 6}
        ),
        _not_run(w),
    ]
    w.write("index.html", "OGI Warehouse — data quality", "".join(sections))
