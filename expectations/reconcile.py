"""Reconciliation frames: one row per report and place a rule looks at.

DuckDB computes both sides of every identity (GX cannot run on DuckDB, see
stack-notes.md); Great Expectations then judges the frame. Each row carries
`location` (which table, row or column) and `evidence` (the raw cells) so a
failure can be found in the document.

Every query reads only the documents listed in the registered relation
`_ogi_check_ids`, so a load checks just what it loaded, vectorised over all
of them at once.

Blank cells count as 0 in identities (format-reference §6, first paragraph).
Only facts read from tables are checked here: prose figures are compared
with tables by the X rules.
"""

from __future__ import annotations

from transforms import codes

PAIR = "pair"  # observed must equal expected
NON_NEGATIVE = "non_negative"  # observed must be ≥ 0


def _in_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


_RESULT_ROWS = codes.RESULT_ROWS_BASE + codes.OTHER_ROWS_2021 + (codes.OTHER_ROW_SINGLE,)

# rule id -> (kind, SQL producing doc_id, location, observed, expected, evidence)
RECONCILIATIONS: dict[str, tuple[str, str]] = {
    "T3-01": (
        PAIR,
        """
        SELECT doc_id,
               'table 三, row ' || any_value(row_label) AS location,
               coalesce(max(value) FILTER (WHERE applicant = 'total'), 0)::DOUBLE AS observed,
               coalesce(sum(value) FILTER (WHERE applicant <> 'total'), 0)::DOUBLE AS expected,
               string_agg(applicant || '=' || coalesce(raw_text, ''), ' ' ORDER BY applicant) AS evidence
        FROM core.fact_requests JOIN _ogi_check_ids USING (doc_id)
        WHERE source = 'table'
        GROUP BY doc_id, row_code
        HAVING count(*) FILTER (WHERE applicant = 'total') = 1
        """,
    ),
    "T3-02": (
        PAIR,
        f"""
        SELECT doc_id,
               'table 三, column ' || applicant || ': (七)总计 vs the sum of the result rows' AS location,
               coalesce(max(value) FILTER (WHERE row_code = 'total_processed'), 0)::DOUBLE AS observed,
               coalesce(sum(value) FILTER (WHERE row_code IN ({_in_list(_RESULT_ROWS)})), 0)::DOUBLE AS expected,
               '(七)总计=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'total_processed'), '') AS evidence
        FROM core.fact_requests JOIN _ogi_check_ids USING (doc_id)
        WHERE source = 'table'
        GROUP BY doc_id, applicant
        HAVING count(*) FILTER (WHERE row_code = 'total_processed') = 1
        """,
    ),
    "T3-03": (
        PAIR,
        """
        SELECT doc_id,
               'table 三, column ' || applicant || ': 本年新收 + 上年结转 vs (七)总计 + 结转下年度' AS location,
               coalesce(sum(value) FILTER (WHERE row_code IN ('new_received', 'carried_over')), 0)::DOUBLE AS observed,
               coalesce(sum(value) FILTER (WHERE row_code IN ('total_processed', 'carried_forward')), 0)::DOUBLE AS expected,
               '新收=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'new_received'), '')
                 || ' 上年结转=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'carried_over'), '')
                 || ' 总计=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'total_processed'), '')
                 || ' 结转下年度=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'carried_forward'), '') AS evidence
        FROM core.fact_requests JOIN _ogi_check_ids USING (doc_id)
        WHERE source = 'table'
        GROUP BY doc_id, applicant
        HAVING count(*) FILTER (WHERE row_code IN ('new_received', 'total_processed')) = 2
        """,
    ),
    "T3-04": (
        NON_NEGATIVE,
        """
        SELECT doc_id,
               'table 三, row ' || row_label || ', column ' || applicant AS location,
               value::DOUBLE AS observed, 0::DOUBLE AS expected, raw_text AS evidence
        FROM core.fact_requests JOIN _ogi_check_ids USING (doc_id)
        WHERE source = 'table' AND value IS NOT NULL
        """,
    ),
    "T2-01": (
        NON_NEGATIVE,
        """
        SELECT doc_id,
               'table 二, ' || coalesce(row_label, item) || ' / ' || coalesce(column_label, metric) AS location,
               value::DOUBLE AS observed, 0::DOUBLE AS expected, raw_text AS evidence
        FROM core.fact_active_disclosure JOIN _ogi_check_ids USING (doc_id)
        WHERE source = 'table' AND value IS NOT NULL AND metric <> 'change'
        """,
    ),
    "T4-04": (
        NON_NEGATIVE,
        """
        SELECT doc_id, 'table 四, ' || proceeding || ' / ' || outcome AS location,
               value::DOUBLE AS observed, 0::DOUBLE AS expected, raw_text AS evidence
        FROM core.fact_review_litigation JOIN _ogi_check_ids USING (doc_id)
        WHERE source = 'table' AND value IS NOT NULL
        """,
    ),
    "P-01": (
        PAIR,
        """
        SELECT r.doc_id, 'parser' AS location,
               count(i.code)::DOUBLE AS observed, 0::DOUBLE AS expected,
               string_agg(i.code || ': ' || i.message, ' | ') AS evidence
        FROM core.reports r JOIN _ogi_check_ids USING (doc_id)
        LEFT JOIN staging.parse_issues i ON i.doc_id = r.doc_id AND i.blocking
        GROUP BY r.doc_id
        """,
    ),
    "P-02": (
        PAIR,
        """
        SELECT r.doc_id, 'parser: undecided cells' AS location,
               count(i.code)::DOUBLE AS observed, 0::DOUBLE AS expected,
               string_agg(coalesce(i.tbl, '') || ': ' || i.message, ' | ') AS evidence
        FROM core.reports r JOIN _ogi_check_ids USING (doc_id)
        LEFT JOIN staging.parse_issues i
          ON i.doc_id = r.doc_id AND NOT i.blocking AND i.code IN ('undecidable_split', 'split_search_exhausted')
        GROUP BY r.doc_id
        """,
    ),
    "M-10": (
        PAIR,
        """
        SELECT r.doc_id, 'document kind' AS location,
               CASE WHEN r.doc_kind IN ('annual_report', 'work_summary') THEN 0 ELSE 1 END::DOUBLE AS observed,
               0::DOUBLE AS expected,
               'doc_kind=' || r.doc_kind AS evidence
        FROM core.reports r JOIN _ogi_check_ids USING (doc_id)
        """,
    ),
    "M-05": (
        PAIR,
        """
        WITH scope AS (
            SELECT r.doc_id FROM core.reports r JOIN _ogi_check_ids USING (doc_id)
            WHERE r.doc_kind = 'annual_report' AND r.format_version IN ('2019', '2021')
        ),
        parts AS (
            SELECT doc_id, section AS part FROM core.sections JOIN scope USING (doc_id)
            UNION SELECT DISTINCT doc_id, 'table 二' FROM core.fact_active_disclosure JOIN scope USING (doc_id) WHERE source = 'table'
            UNION SELECT DISTINCT doc_id, 'table 三' FROM core.fact_requests JOIN scope USING (doc_id) WHERE source = 'table'
            UNION SELECT DISTINCT doc_id, 'table 四' FROM core.fact_review_litigation JOIN scope USING (doc_id) WHERE source = 'table'
        ),
        required AS (
            SELECT * FROM (VALUES ('overview'), ('proactive_disclosure'), ('requests'), ('review_litigation'),
                                  ('problems_improvements'), ('other_matters'),
                                  ('table 二'), ('table 三'), ('table 四')) t(part)
        ),
        missing AS (
            SELECT s.doc_id, q.part FROM scope s CROSS JOIN required q
            ANTI JOIN parts p ON p.doc_id = s.doc_id AND p.part = q.part
        )
        SELECT s.doc_id, 'sections and tables' AS location,
               count(m.part)::DOUBLE AS observed, 0::DOUBLE AS expected,
               CASE WHEN count(m.part) > 0 THEN 'missing: ' || string_agg(m.part, ', ' ORDER BY m.part) END AS evidence
        FROM scope s LEFT JOIN missing m USING (doc_id)
        GROUP BY s.doc_id
        """,
    ),
}

_T4_SQL = """
SELECT doc_id,
       'table 四, {label}: 总计 vs 维持+纠正+其他+尚未审结' AS location,
       coalesce(max(value) FILTER (WHERE outcome = 'total'), 0)::DOUBLE AS observed,
       coalesce(sum(value) FILTER (WHERE outcome <> 'total'), 0)::DOUBLE AS expected,
       string_agg(outcome || '=' || coalesce(raw_text, ''), ' ' ORDER BY outcome) AS evidence
FROM core.fact_review_litigation JOIN _ogi_check_ids USING (doc_id)
WHERE source = 'table' AND proceeding = '{proceeding}'
GROUP BY doc_id
HAVING count(*) FILTER (WHERE outcome = 'total') = 1
"""
for _rule, _proc, _label in (
    ("T4-01", "review", "行政复议"),
    ("T4-02", "litigation_direct", "未经复议直接起诉"),
    ("T4-03", "litigation_after_review", "复议后起诉"),
):
    RECONCILIATIONS[_rule] = (PAIR, _T4_SQL.format(proceeding=_proc, label=_label))

# Why a rule could not be assessed for a report that has no rows for it.
NOT_ASSESSABLE_REASON: dict[str, str] = {
    "T3-01": "table 三 not present",
    "T3-02": "table 三 has no (七)总计 row",
    "T3-03": "table 三 lacks 本年新收 or (七)总计",
    "T3-04": "table 三 not present",
    "T2-01": "table 二 not present",
    "T4-01": "table 四 not present",
    "T4-02": "table 四 not present",
    "T4-03": "table 四 not present",
    "T4-04": "table 四 not present",
    "M-05": "not a 2019/2021-format annual report",
    "P-01": "no report",
    "P-02": "no report",
    "M-10": "no report",
}
