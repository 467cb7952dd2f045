"""The check stage's first step: let neighbouring years decide undecided flattened runs.

A report's undecided runs (`staging.parse_issues.readings`, written by the
facts stage) are re-decided every time the report or one of its agency's
other reports is checked, from scratch, by `transforms.crossyear.decide`
over all the agency's reports: so the outcome does not depend on the order
the years were loaded in, a neighbour that arrives in a later load decides
an older report (the check stage re-checks a new report's neighbours, and
`with_undecided_relatives` adds the rest of the chain), and a neighbour that
is re-derived or removed undoes what it decided.

What it writes, per run cell: the fact's `value` (decided, or NULL again),
and in `staging.parse_issues` (stage `crossyear`) a
`split_decided_by_neighbour` issue naming the other report and the rule, or
a `no_joint_split` warning when no reading of the two reports meets the
cross-year identities. Both are non-blocking; the checks that follow verify
the decided cells like any other.
"""

from __future__ import annotations

import json
from decimal import Decimal

import polars as pl

from orchestration.reports import form
from transforms import codes, crossyear
from warehouse import db
from warehouse.shapes import rows_frame

STAGE = "crossyear"
_TABLES = {
    codes.METRIC_PREFIX_REQUESTS: ("core.fact_requests", "row_code", "applicant", "requests"),
    codes.METRIC_PREFIX_ACTIVE: ("core.fact_active_disclosure", "item", "metric", "active_disclosure"),
}
_KNOWN_SQL = f"""
SELECT doc_id, '{codes.METRIC_PREFIX_REQUESTS}.' || row_code || '.' || applicant AS code, value
FROM core.fact_requests
WHERE source = 'table' AND value IS NOT NULL AND row_code IN ('carried_over', 'carried_forward')
  AND doc_id IN (SELECT doc_id FROM _ogi_relatives)
UNION ALL
SELECT doc_id, '{codes.METRIC_PREFIX_ACTIVE}.' || item || '.' || metric, value
FROM core.fact_active_disclosure
WHERE source = 'table' AND value IS NOT NULL AND item IN {crossyear.STOCK_ITEMS}
  AND metric IN ('issued', 'repealed', 'in_force') AND doc_id IN (SELECT doc_id FROM _ogi_relatives)
"""


def with_undecided_relatives(con, doc_ids: list[str]) -> list[str]:
    """`doc_ids` plus every report with undecided runs of the same agencies (a chain of
    undecided years is decided together, whichever of them changed)."""
    if not doc_ids:
        return []
    con.register("_ogi_ids", pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String}))
    try:
        rows = con.execute(
            """
            SELECT doc_id FROM _ogi_ids
            UNION
            SELECT r.doc_id FROM core.reports r
            WHERE r.agency_id IN (SELECT agency_id FROM core.reports JOIN _ogi_ids USING (doc_id))
              AND EXISTS (SELECT 1 FROM staging.parse_issues i
                          WHERE i.doc_id = r.doc_id AND i.readings IS NOT NULL AND i.stage = 'facts')
            ORDER BY doc_id
            """
        ).fetchall()
    finally:
        con.unregister("_ogi_ids")
    return [r[0] for r in rows]


def _cell_name(code: str) -> str:
    prefix, row, col = code.split(".")
    if prefix == codes.METRIC_PREFIX_ACTIVE:
        return f"{form.ITEM.get(row, row)} {form.METRIC.get(col, col)}"
    return f"{form.ROW.get(row, row)} {form.APPLICANT.get(col, col)}"


def decide_batch(con, batch: list[str]) -> int:
    """Re-decide the undecided runs of the reports in `batch` from their agencies' other years.

    Returns the number of cells whose stored value changed.
    """
    con.register("_ogi_batch", pl.DataFrame({"doc_id": batch}, schema={"doc_id": pl.String}))
    try:
        runs = con.execute(
            """
            SELECT i.doc_id, i.tbl, i.readings FROM staging.parse_issues i JOIN _ogi_batch USING (doc_id)
            WHERE i.readings IS NOT NULL AND i.stage = 'facts' ORDER BY i.doc_id, i.readings
            """
        ).fetchall()
        with db.transaction(con):
            con.execute(
                "DELETE FROM staging.parse_issues WHERE stage = ? AND doc_id IN (SELECT doc_id FROM _ogi_batch)", [STAGE]
            )
            if not runs:
                return 0
            return _decide(con, runs)
    finally:
        con.unregister("_ogi_batch")


def _decide(con, runs: list[tuple]) -> int:
    relatives = con.execute(
        """
        SELECT r.doc_id, r.agency_id, r.report_year FROM core.reports r
        WHERE r.report_year IS NOT NULL AND r.agency_id IN (
            SELECT agency_id FROM core.reports WHERE doc_id IN (SELECT DISTINCT doc_id FROM _ogi_batch))
        """
    ).fetchall()
    con.register("_ogi_relatives", pl.DataFrame({"doc_id": [r[0] for r in relatives]}, schema={"doc_id": pl.String}))
    try:
        known: dict[str, dict[str, Decimal]] = {}
        for doc_id, code, value in con.execute(_KNOWN_SQL).fetchall():
            known.setdefault(doc_id, {})[code] = Decimal(value)
        all_runs = con.execute(
            """
            SELECT doc_id, tbl, readings FROM staging.parse_issues
            WHERE readings IS NOT NULL AND stage = 'facts' AND doc_id IN (SELECT doc_id FROM _ogi_relatives)
            ORDER BY doc_id, readings
            """
        ).fetchall()
    finally:
        con.unregister("_ogi_relatives")
    run_of: dict[str, list[tuple[str, str, crossyear.Run]]] = {}
    for doc_id, tbl, text in all_runs:
        data = json.loads(text)
        run = crossyear.Run(tuple(data["cells"]), tuple(tuple(r) for r in data["readings"]))
        run_of.setdefault(doc_id, []).append((tbl, text, run))
    agencies: dict[str, list[crossyear.YearReport]] = {}
    year_of: dict[str, int] = {}
    for doc_id, agency, year in relatives:
        year_of[doc_id] = year
        runs_here = tuple(r for _, _, r in run_of.get(doc_id, []))
        agencies.setdefault(agency, []).append(crossyear.YearReport(doc_id, year, known.get(doc_id, {}), runs_here))
    outcomes: dict[str, crossyear.Outcome] = {}
    for reports in agencies.values():
        if any(r.runs for r in reports):
            outcomes.update(crossyear.decide(reports))

    in_batch = {r[0] for r in runs}
    changed = 0
    issues: list[dict] = []
    for doc_id in sorted(in_batch):
        outcome = outcomes.get(doc_id)
        for i, (tbl, text, run) in enumerate(run_of.get(doc_id, [])):
            values = outcome.values[i] if outcome is not None else (None,) * len(run.cells)
            changed += _write_cells(con, doc_id, run, values)
            if outcome is None:
                continue
            issue = _issue(doc_id, tbl, text, run, values, outcome, year_of)
            if issue is not None:
                issues.append(issue)
    if issues:
        db.write_frame(con, "staging.parse_issues", rows_frame("staging.parse_issues", issues))
    return changed


def _write_cells(con, doc_id: str, run: crossyear.Run, values) -> int:
    changed = 0
    for code, value in zip(run.cells, values):
        prefix, row, col = code.split(".")
        table, row_key, col_key, _ = _TABLES[prefix]
        ((n,),) = con.execute(
            f"""
            SELECT count(*) FROM {table}
            WHERE doc_id = ? AND {row_key} = ? AND {col_key} = ? AND source = 'table' AND value IS DISTINCT FROM ?
            """,
            [doc_id, row, col, value],
        ).fetchall()
        if n:
            con.execute(
                f"UPDATE {table} SET value = ? WHERE doc_id = ? AND {row_key} = ? AND {col_key} = ? AND source = 'table'",
                [value, doc_id, row, col],
            )
            changed += n
    return changed


def _others(pairs: tuple[tuple[str, str], ...], year_of: dict[str, int]) -> str:
    return "; ".join(f"{rule} with {other} ({year_of.get(other, '?')})" for rule, other in pairs)


def _issue(doc_id, tbl, text, run, values, outcome: crossyear.Outcome, year_of) -> dict | None:
    base = {"doc_id": doc_id, "stage": STAGE, "tbl": tbl, "blocking": False, "readings": text}
    shown = "|".join(run.readings[0]) if len(run.readings) == 1 else f"{len(run.readings)} readings"
    if outcome.conflicts:
        return {
            **base,
            "code": "no_joint_split",
            "message": f"cross-year: no reading of the run ({shown}; cells {', '.join(_cell_name(c) for c in run.cells)}) "
            f"meets {_others(outcome.conflicts, year_of)} together with the other report's readings; "
            "its undecided cells stay NULL (one of the two reports, or the identity, does not hold)",
        }
    alone = {k for k in range(len(run.cells)) if len({r[k] for r in run.readings}) == 1}
    decided = [k for k, v in enumerate(values) if v is not None and k not in alone]
    if not decided:
        return None
    cells = ", ".join(f"{_cell_name(run.cells[k])} = {values[k]}" for k in decided)
    left = [run.cells[k] for k, v in enumerate(values) if v is None]
    return {
        **base,
        "code": "split_decided_by_neighbour" if not left else "split_narrowed_by_neighbour",
        "message": f"cross-year: {cells} — the only value every reading left by {_others(outcome.decided_by, year_of)} "
        f"gives (the report alone allowed {len(run.readings)} readings)"
        + (f"; still undecided: {', '.join(_cell_name(c) for c in left)}" if left else ""),
    }
