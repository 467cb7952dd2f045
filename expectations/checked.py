"""The checked batch, copied once: the rows of the reports being checked, in temporary tables.

Why: the rules are one SQL statement each over every report of a batch
(reconcile.py), and a statement that joins `core.fact_requests` with the
batch's ids scans the whole table to find the batch's rows — document ids
are hashes, so no zone map narrows the scan. With ~60 such scans per batch,
a batch cost what the warehouse's size made it cost (at 10,000 reports the
rules took ≈1 s for a batch of 100 as for one of 5,000), and a load's check
stage grew with the square of its size: 34 s at 10,000 reports, 461 s at
100,000 (20 s and 241 s with the copies, docs/scaling.md). `batch` copies
each table's rows of the checked reports once (one scan per table), and the
rules, the verified marks and the stored repetition rates read those copies.

A rule reads a copy for the checked reports' own rows and the `core` /
`staging` table for any other report's (the previous year's report, another
agency's copied section, a region's parts).

Also computed once per batch: Y-06's 5-gram overlap of sections 一 and 五
with the previous year's report (`REPETITION`), read by the rule and by the
repetition rate stored in `core.reports`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl

IDS = "_ogi_check_ids"  # the checked reports' doc_ids (registered frame)

REPORTS = "_ogi_checked_reports"
SECTIONS = "_ogi_checked_sections"
TEXTS = "_ogi_checked_texts"
PARSE_ISSUES = "_ogi_checked_parse_issues"
ACTIVE = "_ogi_checked_active_disclosure"
REQUESTS = "_ogi_checked_requests"
REVIEW = "_ogi_checked_review_litigation"
NARRATIVE = "_ogi_checked_narrative_figures"
LEGACY = "_ogi_checked_legacy_stats"
SIGNATURES = "_ogi_checked_signatures"
REPETITION = "_ogi_checked_repetition"

# copy: the table it holds the checked reports' rows of
COPIES = {
    REPORTS: "core.reports",
    SECTIONS: "core.sections",
    TEXTS: "staging.cleaned_text",
    PARSE_ISSUES: "staging.parse_issues",
    ACTIVE: "core.fact_active_disclosure",
    REQUESTS: "core.fact_requests",
    REVIEW: "core.fact_review_litigation",
    NARRATIVE: "core.fact_narrative_figures",
    LEGACY: "core.fact_legacy_stats",
    SIGNATURES: "core.text_signatures",
}
# the columns a copy keeps when not all: the rules read a text, never its cell origins (twice its size)
_COLUMNS = {TEXTS: "t.doc_id, t.text"}

# Y-06: share of this year's character 5-grams (whitespace dropped, digit runs
# folded to 0 so that changed figures do not hide copied text) that also occur
# in the previous year's same section. The 5-grams are sampled by hash value
# (a 5-gram is kept in both years or in neither), which estimates the share
# without holding every 5-gram of a batch in memory.
Y06_SAMPLE = 4  # keep the 5-grams whose hash is divisible by 4: the same ones in both years, a quarter of the work
Y06_MIN_SHINGLES = 12  # sampled 5-grams, ≈ 50 characters of section text

# One row per checked report, previous-year report of its agency and section (一 or 五) with at least
# Y06_MIN_SHINGLES sampled 5-grams: n (this year's sampled 5-grams), prev_n (the previous year's), shared.
_REPETITION_SQL = f"""
WITH pairs AS (
    SELECT c.doc_id, p.doc_id AS prev_id, p.report_year AS prev_year, regexp_extract(p.source_path, '[^/]+$') AS prev_file
    FROM {REPORTS} c
    JOIN core.reports p ON p.agency_id = c.agency_id AND p.report_year = c.report_year - 1
     AND p.doc_id <> c.doc_id AND p.doc_kind = c.doc_kind
    WHERE c.doc_kind = 'annual_report'
),
docs AS (SELECT doc_id FROM pairs UNION SELECT prev_id FROM pairs),
norm AS (  -- the checked reports' sections from the copy, only the previous years outside the batch from core
    SELECT s.doc_id, s.section, regexp_replace(regexp_replace(s.body, '\\s+', '', 'g'), '[0-9]+', '0', 'g') AS t
    FROM {SECTIONS} s SEMI JOIN docs d ON d.doc_id = s.doc_id
    WHERE s.section IN ('overview', 'problems_improvements')
    UNION ALL
    SELECT s.doc_id, s.section, regexp_replace(regexp_replace(s.body, '\\s+', '', 'g'), '[0-9]+', '0', 'g') AS t
    FROM core.sections s SEMI JOIN (SELECT doc_id FROM docs ANTI JOIN {IDS} i ON i.doc_id = docs.doc_id) d
      ON d.doc_id = s.doc_id
    WHERE s.section IN ('overview', 'problems_improvements')
),
chars AS (SELECT doc_id, section, string_split(t, '') AS c FROM norm WHERE length(t) >= 5),
sh AS (  -- 5-grams from the character list: substring(t, i, 5) would rescan the UTF-8 text for every i
    SELECT DISTINCT doc_id, section, h FROM (
        SELECT doc_id, section,
               unnest(list_transform(range(1, len(c) - 3), lambda i: hash(c[i] || c[i + 1] || c[i + 2] || c[i + 3] || c[i + 4]))) AS h
        FROM chars
    ) WHERE h % {Y06_SAMPLE} = 0
),
sizes AS (SELECT doc_id, section, count(*) AS n FROM sh GROUP BY ALL),
both_years AS (  -- joined on document keys only: a join on the 5-gram hash would pair every report sharing boilerplate
    SELECT p.doc_id, p.prev_id, s.section, s.h, 1 AS side FROM pairs p JOIN sh s ON s.doc_id = p.doc_id
    UNION ALL
    SELECT p.doc_id, p.prev_id, s.section, s.h, 2 AS side FROM pairs p JOIN sh s ON s.doc_id = p.prev_id
),
shared AS (
    SELECT doc_id, prev_id, section, count(*) FILTER (WHERE sides = 2) AS n
    FROM (SELECT doc_id, prev_id, section, h, count(DISTINCT side) AS sides FROM both_years GROUP BY ALL)
    GROUP BY ALL
)
SELECT p.doc_id, p.prev_id, p.prev_year, p.prev_file, sa.section, sa.n, sb.n AS prev_n, coalesce(x.n, 0) AS shared
FROM pairs p
JOIN sizes sa ON sa.doc_id = p.doc_id
JOIN sizes sb ON sb.doc_id = p.prev_id AND sb.section = sa.section
LEFT JOIN shared x ON x.doc_id = p.doc_id AND x.prev_id = p.prev_id AND x.section = sa.section
WHERE sa.n >= {Y06_MIN_SHINGLES}
"""

# The repetition rate stored per report (core.reports.repetition_rate): the
# share of this year's sampled 5-grams of sections 一 and 五 together that
# repeat the previous report's same section (the most repeated previous
# version when several are loaded).
REPETITION_RATE = f"""
SELECT doc_id, max(rate)::DOUBLE AS rate
FROM (SELECT doc_id, prev_id, sum(shared) / sum(n) AS rate FROM {REPETITION} GROUP BY doc_id, prev_id)
GROUP BY doc_id
"""


@contextmanager
def batch(con, doc_ids: list[str]) -> Iterator[None]:
    """Register `doc_ids` as `IDS` and copy their rows (COPIES, then REPETITION) for the block's duration."""
    con.register(IDS, pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String}))
    made: list[str] = []
    try:
        for copy, source in COPIES.items():
            columns = _COLUMNS.get(copy, "t.*")
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {copy} AS SELECT {columns} FROM {source} t SEMI JOIN {IDS} i ON i.doc_id = t.doc_id"
            )
            made.append(copy)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {REPETITION} AS {_REPETITION_SQL}")
        made.append(REPETITION)
        yield
    finally:
        for name in reversed(made):
            con.execute(f"DROP TABLE IF EXISTS {name}")
        con.unregister(IDS)
