"""Publishing: decide each report's status from its checks, then hand analysts a snapshot.

A report is published when none of its blocking rules failed and its checks
are current; every other report stays quarantined with the reason spelled
out. The working file's `published` views only ever show published
reports, so this one UPDATE is the gate. Analysts read the published
snapshot that `publish_snapshot` writes from those views afterwards
(warehouse/snapshot.py): it is replaced in one rename, after the statuses
are committed and only if no quarantined report leaked into it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from warehouse import db
from warehouse.snapshot import PROCESSED_SINCE, SnapshotStats, last_published_watermark, write_snapshot

_CORE_CHILDREN = (
    "core.sections",
    "core.text_signatures",
    "core.fact_active_disclosure",
    "core.fact_requests",
    "core.fact_review_litigation",
    "core.fact_narrative_figures",
    "core.fact_legacy_stats",
    "core.check_results",
    "staging.parse_issues",
)


@dataclass
class PublishStats:
    published: int = 0
    quarantined: int = 0
    documents: int = 0  # distinct contents in raw.documents
    not_parsed: int = 0  # documents that never became a report (load_errors say why)
    errors: int = 0  # core.load_errors rows (read errors and stage errors)
    reasons: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_metadata(self) -> dict[str, int | float]:
        meta = {
            "documents_in_warehouse": self.documents,
            "reports_published": self.published,
            "reports_quarantined": self.quarantined,
            "documents_not_parsed": self.not_parsed,
            "load_errors": self.errors,
            "seconds": round(self.seconds, 3),
        }
        meta.update({f"quarantined_by.{k}": v for k, v in sorted(self.reasons.items())})
        return meta


class PublishRefused(Exception):
    """The gate itself is broken (a quarantined report would be visible): nothing is published."""


def purge_orphans(con, since=None) -> None:
    """Drop derived rows whose document no longer parses (e.g. after a parser change).

    `since`: when the last snapshot was written (warehouse.snapshot.last_published_watermark).
    A document loses its text or its report only in a stage's commit, which writes the
    document's ledger row in the same transaction, so only the documents some stage processed
    after `since` are looked at, and the child tables are touched only when one of them lost its
    report. (Anti-joining every child table with every report cost 0.3 s of each load at 100,000
    reports.) None, before the first publish: every document.
    """
    touched = "TRUE" if since is None else f"doc_id IN ({PROCESSED_SINCE})"
    params = {} if since is None else {"since": since}
    con.execute(
        f"DELETE FROM core.reports WHERE {touched} AND doc_id NOT IN (SELECT doc_id FROM staging.cleaned_text)", params
    )
    if since is not None:
        (lost,) = con.execute(
            f"SELECT count(*) FROM ({PROCESSED_SINCE}) WHERE doc_id NOT IN (SELECT doc_id FROM core.reports)",
            params,
        ).fetchone()
        if not lost:
            return
    for table in _CORE_CHILDREN:
        con.execute(
            f"DELETE FROM {table} WHERE doc_id IS NOT NULL AND {touched} AND doc_id NOT IN (SELECT doc_id FROM core.reports)",
            params,
        )


# Reports whose stored status may no longer be what their verdicts say although no stage has
# processed them since the last publish: any whose checks are not current (a backfill re-stamps
# the ledger's parser version without touching `done_at`) and that do not already await them,
# or one never decided.
_UNDECIDED_SINCE = """
SELECT r.doc_id FROM core.reports r
WHERE r.status IS NULL
   OR ((r.status IS DISTINCT FROM 'quarantined' OR r.status_reason IS DISTINCT FROM 'awaiting checks')
       AND NOT EXISTS (SELECT 1 FROM staging.stage_ledger l
                       WHERE l.doc_id = r.doc_id AND l.stage = 'check_results' AND l.parser_version = $parser_version))
"""


def set_statuses(con, parser_version: str, scope_view: str | None = None, since=None) -> None:
    """Decide `status` / `status_reason` from the stored verdicts: of every report, of those in
    `scope_view`, or of those some stage processed after `since` (a publish's watermark).

    The one statement of the gate: published when the report's checks are
    current (`parser_version` in the stage ledger) and no blocking rule
    failed; else quarantined with the failing blocking rules, or 'awaiting
    checks'. The check stage runs it for each batch in the transaction that
    writes the batch's verdicts, so a report's status never lags its
    verdicts; `publish` runs it again before the snapshot, over the reports
    processed since the last snapshot plus any whose checks are not current
    and that do not say so yet (every other report's verdicts and ledger row
    are as that publish left them). Why scoped, and the scope pushed into the
    verdict and ledger reads: over every report it aggregated every failing
    verdict and rewrote 100,000 rows to decide the 30 reports one more report
    touches (≈0.2 s of a +1 at 100,000 reports, and of each check batch there).
    Only rows whose status or reason changes are written.
    """
    made = False
    if scope_view is None and since is not None:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _ogi_status_scope AS {PROCESSED_SINCE} UNION {_UNDECIDED_SINCE}",
            {"since": since, "parser_version": parser_version},
        )
        scope_view, made = "_ogi_status_scope", True
    within = "" if scope_view is None else f"AND {{}} IN (SELECT doc_id FROM {scope_view})"
    con.execute(
        f"""
        UPDATE core.reports r SET status = x.status, status_reason = x.reason
        FROM (
            SELECT r2.doc_id,
                   CASE WHEN f.doc_id IS NULL AND c.doc_id IS NOT NULL THEN 'published' ELSE 'quarantined' END AS status,
                   CASE WHEN c.doc_id IS NULL THEN 'awaiting checks' WHEN f.doc_id IS NOT NULL THEN f.reasons END AS reason
            FROM core.reports r2
            LEFT JOIN (
                SELECT doc_id, string_agg(rule, ', ' ORDER BY rule) AS reasons
                FROM core.check_results WHERE severity = 'blocking' AND status = 'fail' {within.format('doc_id')}
                GROUP BY doc_id
            ) f ON f.doc_id = r2.doc_id
            LEFT JOIN (
                SELECT doc_id FROM staging.stage_ledger
                WHERE stage = 'check_results' AND parser_version = ? {within.format('doc_id')}
            ) c ON c.doc_id = r2.doc_id
            WHERE TRUE {within.format('r2.doc_id')}
        ) x
        WHERE r.doc_id = x.doc_id AND (r.status IS DISTINCT FROM x.status OR r.status_reason IS DISTINCT FROM x.reason)
        """,
        [parser_version],
    )
    if made:  # (after a failure it goes with the rolled-back transaction, or the next call replaces it)
        con.execute("DROP TABLE _ogi_status_scope")


def publish(con, parser_version: str) -> PublishStats:
    started = time.perf_counter()
    since = last_published_watermark(con)
    with db.transaction(con):
        purge_orphans(con, since)
        set_statuses(con, parser_version, since=since)
    stats = PublishStats()
    for status, n in con.execute("SELECT status, count(*) FROM core.reports GROUP BY status").fetchall():
        if status == "published":
            stats.published = n
        else:
            stats.quarantined = n
    for reason, n in con.execute(
        """
        SELECT rule, count(DISTINCT doc_id) FROM core.check_results
        WHERE severity = 'blocking' AND status = 'fail' GROUP BY rule
        """
    ).fetchall():
        stats.reasons[reason] = n
    (stats.documents,) = con.execute("SELECT count(*) FROM raw.documents").fetchone()
    (stats.not_parsed,) = con.execute(
        "SELECT count(*) FROM raw.documents d ANTI JOIN core.reports r USING (doc_id)"
    ).fetchone()
    (stats.errors,) = con.execute("SELECT count(*) FROM core.load_errors").fetchone()
    stats.seconds = time.perf_counter() - started
    return stats


def leaked_reports(con) -> int:
    """Reports visible in `published` although a blocking rule failed (must be 0)."""
    (n,) = con.execute(
        """
        SELECT count(DISTINCT r.doc_id) FROM published.reports r
        JOIN core.check_results c USING (doc_id)
        WHERE c.severity = 'blocking' AND c.status = 'fail'
        """
    ).fetchone()
    return n


def publish_snapshot(con, db_path) -> SnapshotStats:
    """Replace the analysts' snapshot with the working file's published state.

    Refuses (and leaves the old snapshot in place) if a report that failed a
    blocking rule would be visible.
    """
    leaked = leaked_reports(con)
    if leaked:
        raise PublishRefused(f"{leaked} report(s) with a failing blocking rule are in published.reports; snapshot not replaced")
    return write_snapshot(con, db_path)
