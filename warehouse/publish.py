"""Publishing: decide each report's status from its checks.

A report is published when none of its blocking rules failed and its checks
are current; every other report stays quarantined with the reason spelled
out. The `published` views only ever show published reports, so this one
UPDATE is the gate analysts rely on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from transforms import PARSER_VERSION
from warehouse import db

_CORE_CHILDREN = (
    "core.sections",
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
    reasons: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_metadata(self) -> dict[str, int]:
        meta = {"reports_published": self.published, "reports_quarantined": self.quarantined, "seconds": round(self.seconds, 3)}
        meta.update({f"quarantined_by.{k}": v for k, v in sorted(self.reasons.items())})
        return meta


def purge_orphans(con) -> None:
    """Drop derived rows whose document no longer parses (e.g. after a parser change)."""
    con.execute("DELETE FROM core.reports WHERE doc_id NOT IN (SELECT doc_id FROM staging.cleaned_text)")
    for table in _CORE_CHILDREN:
        con.execute(f"DELETE FROM {table} WHERE doc_id IS NOT NULL AND doc_id NOT IN (SELECT doc_id FROM core.reports)")


def publish(con) -> PublishStats:
    started = time.perf_counter()
    with db.transaction(con):
        purge_orphans(con)
        con.execute(
            """
            UPDATE core.reports r SET
                status = CASE WHEN f.doc_id IS NULL AND c.doc_id IS NOT NULL THEN 'published' ELSE 'quarantined' END,
                status_reason = CASE
                    WHEN c.doc_id IS NULL THEN 'awaiting checks'
                    WHEN f.doc_id IS NOT NULL THEN f.reasons
                    END
            FROM core.reports r2
            LEFT JOIN (
                SELECT doc_id, string_agg(rule, ', ' ORDER BY rule) AS reasons
                FROM core.check_results WHERE severity = 'blocking' AND status = 'fail'
                GROUP BY doc_id
            ) f ON f.doc_id = r2.doc_id
            LEFT JOIN (
                SELECT doc_id FROM staging.stage_ledger WHERE stage = 'check_results' AND parser_version = ?
            ) c ON c.doc_id = r2.doc_id
            WHERE r.doc_id = r2.doc_id
            """,
            [PARSER_VERSION],
        )
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
    stats.seconds = time.perf_counter() - started
    return stats
