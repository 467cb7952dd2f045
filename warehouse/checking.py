"""The check stage: run the quality suites over reports and store the verdicts.

Incremental like the parser stages: a load checks the reports whose checks
are not current (new, re-derived, or checked by an older parser version);
`ogi check` re-checks everything, e.g. after a rule change.
"""

from __future__ import annotations

import polars as pl

from expectations.suites import check_rows
from warehouse.stages import BatchResult, Progress, StageStats, commit_batch, pending_doc_ids

STAGE = "check_results"
_SCHEMAS = {"core.check_results": {}}


def run_checks(con, *, everything: bool = False, progress: Progress | None = None, batch_size: int = 20000) -> StageStats:
    """Check pending reports (or all of them) in large vectorised batches."""
    stats = StageStats(stage=STAGE)
    if everything:
        doc_ids = [r[0] for r in con.execute("SELECT doc_id FROM core.reports ORDER BY doc_id").fetchall()]
    else:
        doc_ids = pending_doc_ids(con, STAGE, "SELECT doc_id FROM core.reports")
    stats.pending = len(doc_ids)
    done = 0
    for start in range(0, len(doc_ids), batch_size):
        batch = doc_ids[start : start + batch_size]
        rows = check_rows(con, batch)
        result = BatchResult(tables={"core.check_results": rows.to_dicts()})
        commit_batch(con, STAGE, batch, result, ("core.check_results",), {"core.check_results": dict(rows.schema)}, stats)
        stats.rows["failures"] = stats.rows.get("failures", 0) + rows.filter(pl.col("status") == "fail").height
        done += len(batch)
        if progress:
            progress(STAGE, done, len(doc_ids))
    return stats
