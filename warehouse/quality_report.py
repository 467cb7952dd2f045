"""The maintainers' data-quality report: self-contained HTML, readable offline.

No CDN, no script: styles are inline and charts are inline SVG, so the file
opens the same on an air-gapped laptop. Every piece of document text goes
through `html.escape` — report text comes from thousands of websites and
must never become markup.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from expectations.catalogue import RULES
from transforms import PARSER_VERSION
from warehouse import db

_CSS = """
body{font-family:system-ui,-apple-system,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem;color:#1d2329;max-width:1200px}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}.num{text-align:right;font-variant-numeric:tabular-nums}
.published{color:#1a7f37;font-weight:600}.quarantined{color:#cf222e;font-weight:600}
.fail{color:#cf222e}.warn{color:#9a6700}.muted{color:#57606a}.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem;min-width:9rem}.card b{display:block;font-size:1.5rem}
code,.evidence{font-family:ui-monospace,monospace;font-size:.85rem;white-space:pre-wrap;word-break:break-all}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>{body}</body></html>"
    )


def _table(headers: list[str], rows: list[list[str]], num_cols: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td class=\"num\">{c}</td>" if i in num_cols else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _bar_chart(items: list[tuple[str, int, int]]) -> str:
    """Inline SVG: failure rate per rule (failed / assessed)."""
    if not items:
        return "<p class=\"muted\">No rule has been assessed yet.</p>"
    width, bar_h, label_w = 640, 20, 90
    height = bar_h * len(items) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + label_w + 120}" height="{height}" role="img" aria-label="failure rate per rule">']
    for i, (rule_id, failed, assessed) in enumerate(items):
        y = 5 + i * bar_h
        rate = failed / assessed if assessed else 0.0
        w = max(1, int(rate * width)) if failed else 0
        color = "#cf222e" if RULES.get(rule_id) and RULES[rule_id].severity == "blocking" else "#bf8700"
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{_e(rule_id)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{bar_h - 6}" fill="#eef1f4"/>')
        if w:
            parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{bar_h - 6}" fill="{color}"/>')
        parts.append(f'<text x="{label_w + width + 6}" y="{y + 14}" font-size="12">{failed}/{assessed} ({rate:.0%})</text>')
    parts.append("</svg>")
    return "".join(parts)


def _doc_page_name(doc_id: str) -> str:
    return f"doc_{doc_id[:16]}.html"


def write_report(db_path: str | Path, out_dir: Path) -> Path:
    """Write index.html (+ one page per report with findings) into out_dir; returns index.html."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = out_dir / "reports"
    pages.mkdir(exist_ok=True)
    with db.connect(db_path) as con:
        status = con.execute("SELECT status, count(*) FROM core.reports GROUP BY status ORDER BY status").fetchall()
        by_year = con.execute(
            "SELECT coalesce(report_year::VARCHAR, 'unknown'), count(*) FILTER (WHERE status='published'), count(*) FILTER (WHERE status='quarantined') FROM core.reports GROUP BY 1 ORDER BY 1"
        ).fetchall()
        by_format = con.execute(
            "SELECT format_version, doc_kind, count(*) FILTER (WHERE status='published'), count(*) FILTER (WHERE status='quarantined') FROM core.reports GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        by_level = con.execute(
            "SELECT admin_level, count(*) FILTER (WHERE status='published'), count(*) FILTER (WHERE status='quarantined') FROM core.reports GROUP BY 1 ORDER BY 1"
        ).fetchall()
        rule_rates = con.execute(
            "SELECT rule, count(*) FILTER (WHERE status='fail'), count(*) FILTER (WHERE status IN ('pass','fail')) FROM core.check_results GROUP BY rule ORDER BY rule"
        ).fetchall()
        quarantine = con.execute(
            "SELECT doc_id, source_path, agency, report_year, status_reason FROM core.reports WHERE status='quarantined' ORDER BY agency, report_year"
        ).fetchall()
        errors = con.execute(
            'SELECT source_path, stage, error, message, "at" FROM core.load_errors ORDER BY source_path'
        ).fetchall()
        findings = con.execute(
            """
            SELECT r.doc_id, r.source_path, r.agency, r.report_year, r.status, r.format_version, r.doc_kind,
                   c.rule, c.severity, c.status, c.observed, c.expected, c.message, c.location, c.evidence
            FROM core.reports r JOIN core.check_results c USING (doc_id)
            WHERE c.status = 'fail'
            ORDER BY r.doc_id, c.severity, c.rule
            """
        ).fetchall()
    n_reports = sum(n for _, n in status)
    counts = dict(status)
    cards = "".join(
        f'<div class="card"><span class="muted">{_e(label)}</span><b>{value}</b></div>'
        for label, value in (
            ("reports", n_reports),
            ("published", counts.get("published", 0)),
            ("quarantined", counts.get("quarantined", 0)),
            ("files not loadable", len(errors)),
        )
    )
    by_doc: dict[str, list] = {}
    for row in findings:
        by_doc.setdefault(row[0], []).append(row)
    for doc_id, rows in by_doc.items():
        _, path, agency, year, rstatus, fmt, kind = rows[0][:7]
        items = _table(
            ["rule", "severity", "observed", "expected", "where", "evidence", "message"],
            [
                [
                    f"<b>{_e(r[7])}</b>",
                    f'<span class="{"fail" if r[8] == "blocking" else "warn"}">{_e(r[8])}</span>',
                    _e(r[10]),
                    _e(r[11]),
                    _e(r[13]),
                    f'<span class="evidence">{_e(r[14])}</span>',
                    _e(r[12]),
                ]
                for r in rows
            ],
        )
        body = (
            f'<p><a href="../index.html">← overview</a></p><h1>{_e(agency)} {_e(year)}</h1>'
            f'<p>status: <span class="{_e(rstatus)}">{_e(rstatus)}</span> · format {_e(fmt)} · {_e(kind)}</p>'
            f"<p class=\"muted\">file: <code>{_e(path)}</code><br>doc_id: <code>{_e(doc_id)}</code></p>"
            f"<h2>Failed rules</h2>{items}"
        )
        (pages / _doc_page_name(doc_id)).write_text(_page(f"{agency} {year}", body), encoding="utf-8")

    def link(doc_id: str, text: str) -> str:
        if doc_id in by_doc:
            return f'<a href="reports/{_doc_page_name(doc_id)}">{_e(text)}</a>'
        return _e(text)

    sections = [
        f"<h1>OGI Warehouse — data quality</h1><p class=\"muted\">generated {datetime.now():%Y-%m-%d %H:%M} · "
        f"warehouse <code>{_e(db_path)}</code> · parser {_e(PARSER_VERSION)}</p><div class=\"cards\">{cards}</div>",
        "<h2>Failure rate per rule</h2>" + _bar_chart([(r, f, a) for r, f, a in rule_rates]),
        "<h2>Quarantined reports</h2>"
        + (
            _table(
                ["report", "year", "file", "failed blocking rules"],
                [[link(d, a or "?"), _e(y), f"<code>{_e(p)}</code>", f'<span class="fail">{_e(why)}</span>'] for d, p, a, y, why in quarantine],
            )
            if quarantine
            else "<p>None.</p>"
        ),
        "<h2>Reports with warnings</h2>"
        + _table(
            ["report", "year", "rules"],
            [
                [link(d, rows[0][2] or "?"), _e(rows[0][3]), _e(", ".join(sorted({r[7] for r in rows})))]
                for d, rows in by_doc.items()
                if rows[0][4] == "published"
            ],
        ),
        "<h2>Files that could not be loaded</h2>"
        + (
            _table(["file", "stage", "error", "message"], [[f"<code>{_e(p)}</code>", _e(s), f"<b>{_e(c)}</b>", _e(m)] for p, s, c, m, _ in errors])
            if errors
            else "<p>None.</p>"
        ),
        "<h2>Corpus</h2><h3>By year</h3>"
        + _table(["report year", "published", "quarantined"], [[_e(a), _e(b), _e(c)] for a, b, c in by_year], {1, 2})
        + "<h3>By format and kind</h3>"
        + _table(["format", "kind", "published", "quarantined"], [[_e(a), _e(b), _e(c), _e(d)] for a, b, c, d in by_format], {2, 3})
        + "<h3>By administrative level</h3>"
        + _table(["level", "published", "quarantined"], [[_e(a), _e(b), _e(c)] for a, b, c in by_level], {1, 2}),
        "<h2>Rule catalogue</h2>"
        + _table(["id", "suite", "severity", "rule"], [[_e(r.id), _e(r.suite), _e(r.severity), _e(r.description)] for r in RULES.values()]),
    ]
    index = out_dir / "index.html"
    index.write_text(_page("OGI Warehouse — data quality", "".join(sections)), encoding="utf-8")
    return index
