"""Backfill: re-derive every stored report from its raw bytes.

A new `transforms.PARSER_VERSION` already makes every document pending for
every stage on the next load (the ledger is keyed by parser version). This
is the same thing on demand — after a fix that did not bump the version, or
to rebuild a warehouse from `raw.documents` alone — used by `ogi backfill`
and by the `reparse_all` config of the `parse_reports` step (the parse assets, orchestration/assets/parse.py).
"""

from __future__ import annotations

from warehouse import db

# Ledger stage names (asset names; the five fact tables share one stage).
DERIVED_STAGES = ("cleaned_text", "report_metadata", "report_sections", "facts", "check_results")
FORGOTTEN = "forgotten"  # the parser version of a ledger row whose stage must run again


def forget_derivations(con) -> int:
    """Mark every stored document pending for every parser stage; returns ledger rows marked.

    Nothing derived is deleted here: each stage replaces a batch's rows in
    the same transaction as its new ledger rows, so a backfill killed
    half-way leaves the old rows for the documents it had not reached, and
    the next load carries on with those. The ledger rows stay, stamped with
    a version no parser has (FORGOTTEN): a stage only replaces rows of
    documents it has a ledger row for (stages.commit_batch).
    """
    placeholders = ", ".join("?" for _ in DERIVED_STAGES)
    with db.transaction(con):
        (n,) = con.execute(
            f"SELECT count(*) FROM staging.stage_ledger WHERE stage IN ({placeholders})", list(DERIVED_STAGES)
        ).fetchone()
        con.execute(
            f"UPDATE staging.stage_ledger SET parser_version = ? WHERE stage IN ({placeholders})",
            [FORGOTTEN, *DERIVED_STAGES],
        )
    return n
