"""Reconciliation frames: one row per report and place a rule looks at.

DuckDB computes both sides of every rule (GX cannot run on DuckDB, see
stack-notes.md); Great Expectations then judges the frame (suites.py). One
SQL statement per rule, over every report of the checked batch at once —
never a loop over reports — so a load of 100k reports runs ~60 statements
per batch, not millions. The batch's own rows are read from its copies
(expectations/checked.py: `checked.REPORTS`, `checked.REQUESTS`, …), other
reports' rows (the previous year, another agency) from `core`.

Every statement yields the columns

    doc_id, location, observed, evidence
    and either expected                       (the place holds iff observed = expected)
    or low and/or high                        (holds iff low ≤ observed ≤ high; a NULL bound is open)
    optionally places (how many cells one row stands for, for the pass message),
    shown_observed / shown_expected (text shown instead of the bare numbers).

`location` says where (table / row / column, or the prose clause with its
character offsets into the cleaned text) and `evidence` carries the raw
cell text or the clause in context, so a finding can be found in the
document. A report for which a rule yields no row is recorded as
`not_assessable` with the reason of `Check.not_assessable` (or the per-report
reason of `Check.na_sql`).

Conventions:
* Blank cells count as 0 in identities (format-reference §6 preamble); P-04
  notes them.
* Only table facts (`source = 'table'`) enter table rules; prose figures are
  read from `core.fact_narrative_figures` (with `metric` when the narrative
  parser tied a clause to a table cell) and compared by the X rules.
* Only `exact` prose figures are compared (余/多/约 figures are not
  numbers to check against).
* Cross-year rules pair a report with every report of the same
  `core.reports.agency_id` and the previous `report_year`; the check stage
  re-checks both neighbours whenever a report is (re-)checked, so the rules
  run whatever order the years are loaded in.
* The document text (tens of KB per report) is only ever cut into short
  snippets in the projection right after it is joined: it never enters a
  window, a sort, an aggregate or a join's build side, which would hold
  every text of the batch (and, multiplied by the figures, tens of GB).
* Joins are on document keys. A join on content (a 5-gram hash, a label)
  across documents pairs every report that shares boilerplate.
"""

from __future__ import annotations

from dataclasses import dataclass

from expectations import checked
from transforms import codes


@dataclass(frozen=True)
class Check:
    """How one catalogue rule is computed."""

    sql: str
    not_assessable: str  # default reason when the rule finds nothing to look at
    na_sql: str | None = None  # SELECT doc_id, reason … over the checked ids (NULL reason → the default)
    note: str | None = None  # appended to every message of the rule (e.g. where a deadline comes from)


def _in_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _list_lit(values) -> str:
    return "[" + _in_list(values) + "]"


def _cells_by(key: str) -> str:
    """SQL: a group's cells as `key=raw` separated by spaces, in `key` order (ties by the raw text): the
    evidence of a row or column sum.

    Why not `string_agg(… ORDER BY key)`: DuckDB sorts each group for an ordered aggregate, and on
    the 61,000 row groups of a 2,500-report check batch T3-01 took 0.69 s, a fifth of the batch's
    rules; a list of (key, raw) pairs sorted in place gives the same string in 0.35 s.
    """
    return (
        f"array_to_string(list_transform(list_sort(list({{'k': {key}, 'r': coalesce(raw_text, '')}})), "
        f"lambda c: c.k || '=' || c.r), ' ')"
    )


_RESULT_ROWS = codes.RESULT_ROWS_BASE + codes.OTHER_ROWS_2021 + (codes.OTHER_ROW_SINGLE,)
_OTHER_SPLIT = _in_list(codes.OTHER_ROWS_2021)
_UNDECIDED_CODES = _in_list(("undecidable_split", "split_search_exhausted"))
_LEGACY = "legacy_stats"  # transforms.tables.legacy.TABLE
# legacy issues that leave a whole row (or table) unread; blank cells are counted from the facts
_LEGACY_UNREAD = _in_list(
    (
        "legacy_row_misaligned",
        "legacy_numbering_unclear",
        "legacy_header_unrecognised",
        "no_consistent_split",
        "legacy_split_search_limit",
    )
)


def _sec(col: str) -> str:
    """Section code → its numeral in the 2021 layout (一 … 六)."""
    return (
        f"CASE {col} WHEN 'overview' THEN '一' WHEN 'proactive_disclosure' THEN '二' "
        f"WHEN 'requests' THEN '三' WHEN 'review_litigation' THEN '四' "
        f"WHEN 'problems_improvements' THEN '五' WHEN 'other_matters' THEN '六' ELSE '?' END"
    )


def _prose_loc(n: str = "n") -> str:
    """Where a prose figure stands: section, character offsets and the clause."""
    return (
        f"'prose, section ' || coalesce({_sec(n + '.section')}, 'outside the six') "
        f"|| ', chars ' || {n}.start_offset || '–' || {n}.end_offset "
        f"|| ': “' || replace(left({n}.phrase, 60), chr(10), ' ') || '”'"
    )


def _context(n: str = "n", c: str = "c", before: int = 30, after: int = 16) -> str:
    """The figure in its surrounding text (line breaks folded), as evidence."""
    start = f"greatest({n}.start_offset - {before}, 0)"
    return (
        f"'…' || replace(substring({c}.text, {start} + 1, {n}.end_offset - {start} + {after}), chr(10), ' ') || '…'"
    )


def _pre(n: str = "n", c: str = "c", width: int = 16) -> str:
    """The `width` characters just before a figure (its label, e.g. 办结率)."""
    start = f"greatest({n}.start_offset - {width}, 0)"
    return f"replace(substring({c}.text, {start} + 1, {n}.start_offset - {start}), chr(10), '')"


def _num(expr: str) -> str:
    """A number as text without trailing zeros: 171, 146.15."""
    return f"CASE WHEN ({expr}) = round({expr}) THEN round({expr})::BIGINT::VARCHAR ELSE round({expr}, 4)::DOUBLE::VARCHAR END"


def _tolerance(value: str) -> str:
    """How far a stated percentage may be from the computed one: one unit of its last printed decimal.

    (One unit, not half: some reports truncate instead of rounding.)
    """
    return (
        f"CASE WHEN {value} = round({value}) THEN 1 WHEN {value} = round({value}, 1) THEN 0.1 ELSE 0.01 END"
    )


def _file(col: str) -> str:
    return f"regexp_extract({col}, '[^/]+$')"


# Which kind of body a report is: core.reports.agency_type (transforms.agencies),
# one classification for every rule (format-reference §6.6).
_BODY_KIND = "nullif(r.agency_type, 'unknown')"
# The statutory deadline's kinds: a general office is a department of its government.
_DEPARTMENT_KINDS = "('department', 'general_office')"


def parent_code(code: str) -> str:
    """SQL: the GB/T 2260 code of the division `code` lies in (NULL for a province).

    A county's parent is its prefecture (XXYY00), except in the four
    municipalities and for the counties a province governs directly (XX90ZZ:
    仙桃市 429004, 济源市 419001), whose parent is the province.
    """
    return f"""(CASE
        WHEN {code} IS NULL OR right({code}, 4) = '0000' THEN NULL
        WHEN right({code}, 2) = '00' THEN left({code}, 2) || '0000'
        WHEN left({code}, 2) IN ('11', '12', '31', '50') OR substr({code}, 3, 2) = '90' THEN left({code}, 2) || '0000'
        ELSE left({code}, 4) || '00' END)"""


# ---------------------------------------------------------------------------
# parsing certainty
# ---------------------------------------------------------------------------

_P01 = f"""
SELECT r.doc_id, 'parser' AS location,
       count(i.code)::DOUBLE AS observed, 0::DOUBLE AS expected,
       string_agg(i.code || ': ' || i.message, ' | ') AS evidence
FROM {checked.REPORTS} r
LEFT JOIN {checked.PARSE_ISSUES} i ON i.doc_id = r.doc_id AND i.blocking AND i.code NOT IN ('rows_missing', 'ocr_identity_broken')
GROUP BY r.doc_id
"""

# Tables read by OCR whose identities do not hold (transforms.tables.ocr_vetting).
_P06 = f"""
SELECT r.doc_id, 'tables read by OCR' AS location,
       count(i.code)::DOUBLE AS observed, 0::DOUBLE AS expected,
       string_agg(coalesce(i.tbl, '') || ': ' || i.message, ' | ') AS evidence
FROM {checked.REPORTS} r
LEFT JOIN {checked.PARSE_ISSUES} i ON i.doc_id = r.doc_id AND i.code = 'ocr_identity_broken' AND i.blocking
GROUP BY r.doc_id
"""

# Tables read only in part: the parser's rows_missing (table 三 lacks rows
# of its form, table 二 prints items no cell was read for).
_P05 = f"""
SELECT r.doc_id, 'tables read in part' AS location,
       count(i.code)::DOUBLE AS observed, 0::DOUBLE AS expected,
       string_agg(coalesce(i.tbl, '') || ': ' || i.message, ' | ') AS evidence
FROM {checked.REPORTS} r
LEFT JOIN {checked.PARSE_ISSUES} i ON i.doc_id = r.doc_id AND i.code = 'rows_missing' AND i.blocking
GROUP BY r.doc_id
"""

_P02 = f"""
SELECT r.doc_id, 'parser: undecided cells of tables 二/三/四' AS location,
       count(i.code)::DOUBLE AS observed, 0::DOUBLE AS expected,
       string_agg(coalesce(i.tbl, '') || ': ' || i.message, ' | ') AS evidence
FROM {checked.REPORTS} r
LEFT JOIN {checked.PARSE_ISSUES} i
  ON i.doc_id = r.doc_id AND NOT i.blocking AND i.code IN ({_UNDECIDED_CODES})
 AND i.tbl IS DISTINCT FROM '{_LEGACY}'
 -- a run a neighbouring year decided in full is no longer undecided
 AND NOT EXISTS (SELECT 1 FROM {checked.PARSE_ISSUES} d
                 WHERE d.doc_id = i.doc_id AND d.code = 'split_decided_by_neighbour' AND d.readings = i.readings)
GROUP BY r.doc_id
"""

_P03 = f"""
WITH scope AS (
    SELECT DISTINCT doc_id FROM {checked.LEGACY}
    UNION SELECT DISTINCT doc_id FROM {checked.PARSE_ISSUES} WHERE tbl = '{_LEGACY}'
),
blank AS (
    SELECT doc_id, count(*) AS n,
           string_agg(indicator || ' (' || period || ') raw “' || coalesce(raw_text, '') || '”', '; ') AS ev
    FROM {checked.LEGACY} JOIN scope USING (doc_id) WHERE value IS NULL GROUP BY doc_id
),
issues AS (
    SELECT doc_id, count(*) FILTER (WHERE code IN ({_LEGACY_UNREAD})) AS n,
           string_agg(code || ': ' || message, ' | ') AS ev
    FROM {checked.PARSE_ISSUES} JOIN scope USING (doc_id) WHERE tbl = '{_LEGACY}' GROUP BY doc_id
)
SELECT s.doc_id, 'pre-2019 statistics table: cells left empty or rows not read' AS location,
       (coalesce(b.n, 0) + coalesce(i.n, 0))::DOUBLE AS observed, 0::DOUBLE AS expected,
       concat_ws(' | ', b.ev, i.ev) AS evidence
FROM scope s LEFT JOIN blank b USING (doc_id) LEFT JOIN issues i USING (doc_id)
"""

_P04 = f"""
WITH cells AS (
    SELECT doc_id, value, 'table 二 ' || coalesce(row_label, item) || ' / ' || coalesce(column_label, metric) AS loc, raw_text
    FROM {checked.ACTIVE} WHERE source = 'table'
    UNION ALL
    SELECT doc_id, value, 'table 三 ' || coalesce(row_label, row_code) || ' / ' || applicant, raw_text
    FROM {checked.REQUESTS} WHERE source = 'table'
    UNION ALL
    SELECT doc_id, value, 'table 四 ' || proceeding || ' / ' || outcome, raw_text
    FROM {checked.REVIEW} WHERE source = 'table'
)
SELECT doc_id, 'tables 二/三/四: cells stored as NULL' AS location,
       count(*) FILTER (WHERE value IS NULL)::DOUBLE AS observed, 0::DOUBLE AS expected,
       count(*) AS places,
       array_to_string((list(loc || ' raw “' || coalesce(raw_text, '') || '”') FILTER (WHERE value IS NULL))[1:12], '; ')
         AS evidence
FROM cells GROUP BY doc_id
"""

# ---------------------------------------------------------------------------
# table 二
# ---------------------------------------------------------------------------

_T2_CELLS = f"""
cells AS (
    SELECT doc_id, item, metric, value,
           'table 二, ' || coalesce(row_label, item) || ' / ' || coalesce(column_label, metric) AS loc, raw_text
    FROM {checked.ACTIVE}
    WHERE source = 'table' AND value IS NOT NULL
)"""

_T201 = f"""
WITH {_T2_CELLS}
SELECT doc_id,
       'table 二, cells that must be ≥ 0' || coalesce(': ' || string_agg(loc, '; ') FILTER (WHERE value < 0 AND metric <> 'change'), '')
         AS location,
       coalesce(min(value) FILTER (WHERE metric <> 'change'), 0)::DOUBLE AS observed,
       0::DOUBLE AS low, NULL::DOUBLE AS high,
       count(*) FILTER (WHERE metric <> 'change') AS places,
       string_agg(loc || ' raw “' || coalesce(raw_text, '') || '”', '; ') FILTER (WHERE value < 0 AND metric <> 'change')
         AS evidence,
       'smallest cell ' || coalesce(min(value) FILTER (WHERE metric <> 'change'), 0)::VARCHAR AS shown_observed
FROM cells GROUP BY doc_id
UNION ALL BY NAME
SELECT doc_id,
       'table 二, counts that must be whole numbers'
         || coalesce(': ' || string_agg(loc, '; ') FILTER (WHERE metric <> 'amount' AND value <> round(value)), '')
         AS location,
       count(*) FILTER (WHERE metric <> 'amount' AND value <> round(value))::DOUBLE AS observed,
       NULL::DOUBLE AS low, 0::DOUBLE AS high,
       count(*) FILTER (WHERE metric <> 'amount') AS places,
       string_agg(loc || ' raw “' || coalesce(raw_text, '') || '”', '; ') FILTER (WHERE metric <> 'amount' AND value <> round(value))
         AS evidence,
       NULL AS shown_observed
FROM cells GROUP BY doc_id
"""

_T202 = f"""
SELECT doc_id,
       'table 二, ' || coalesce(any_value(row_label), item) || ': 上一年项目数量 + 本年增/减' AS location,
       (max(value) FILTER (WHERE metric = 'prior_year') + max(value) FILTER (WHERE metric = 'change'))::DOUBLE AS observed,
       0::DOUBLE AS low, NULL::DOUBLE AS high,
       '上一年项目数量 “' || coalesce(max(raw_text) FILTER (WHERE metric = 'prior_year'), '') || '”, 本年增/减 “'
         || coalesce(max(raw_text) FILTER (WHERE metric = 'change'), '') || '”' AS evidence
FROM {checked.ACTIVE}
WHERE source = 'table' AND metric IN ('prior_year', 'change') AND value IS NOT NULL
GROUP BY doc_id, item
HAVING count(DISTINCT metric) = 2
"""


def _t2_pair(low_metric: str, high_metric: str, location: str) -> str:
    """One row per 2019 document row (规章, 规范性文件) comparing two of its columns: low ≤ high."""
    return f"""
SELECT doc_id,
       'table 二, ' || coalesce(any_value(row_label), item) || ': {location}' AS location,
       max(value) FILTER (WHERE metric = '{low_metric}')::DOUBLE AS observed,
       NULL::DOUBLE AS low, max(value) FILTER (WHERE metric = '{high_metric}')::DOUBLE AS high,
       '{low_metric} “' || coalesce(max(raw_text) FILTER (WHERE metric = '{low_metric}'), '') || '”, {high_metric} “'
         || coalesce(max(raw_text) FILTER (WHERE metric = '{high_metric}'), '') || '”' AS evidence
FROM {checked.ACTIVE}
WHERE source = 'table' AND metric IN ('{low_metric}', '{high_metric}') AND value IS NOT NULL
  AND item IN ('regulations', 'normative_documents')
GROUP BY doc_id, item
HAVING count(DISTINCT metric) = 2
"""


_T203 = _t2_pair("new_published", "total_published", "本年新公开数量 ≤ 对外公开总数量")
_T204 = _t2_pair("new_published", "new_made", "本年新公开数量 ≤ 本年新制作数量")

_T205 = f"""
SELECT f.doc_id,
       'table 二, 规章 row of a ' || any_value(r.admin_level) || '-level body'
         || coalesce(': ' || string_agg(coalesce(f.column_label, f.metric), ', ') FILTER (WHERE f.value > 0), '') AS location,
       max(f.value)::DOUBLE AS observed, NULL::DOUBLE AS low, 0::DOUBLE AS high,
       count(*) AS places,
       string_agg(coalesce(f.column_label, f.metric) || ' “' || coalesce(f.raw_text, '') || '”', '; ') AS evidence
FROM {checked.ACTIVE} f JOIN {checked.REPORTS} r USING (doc_id)
WHERE f.source = 'table' AND f.item = 'regulations' AND f.value IS NOT NULL AND r.admin_level IN ('county', 'township')
GROUP BY f.doc_id
"""

_T206 = f"""
SELECT doc_id, 'table 二, 第二十条第(九)项 政府集中采购 / 采购总金额: unit' AS location,
       CASE WHEN unit IS NULL THEN 1 ELSE 0 END::DOUBLE AS observed, 0::DOUBLE AS expected,
       'raw “' || coalesce(raw_text, '') || '”' AS evidence,
       coalesce(unit, 'no unit') AS shown_observed, '元 or 万元 stated' AS shown_expected
FROM {checked.ACTIVE}
WHERE source = 'table' AND item = 'procurement' AND metric = 'amount' AND value IS NOT NULL
"""

_PAIRS = f"""
pairs AS (
    SELECT c.doc_id, p.doc_id AS prev_id, p.report_year AS prev_year, {_file('p.source_path')} AS prev_file
    FROM {checked.REPORTS} c
    JOIN core.reports p ON p.agency_id = c.agency_id AND p.report_year = c.report_year - 1 AND p.doc_id <> c.doc_id
)"""

_T207 = f"""
WITH {_PAIRS},
fee AS (
    SELECT f.doc_id, f.value, f.unit, f.raw_text, r.admin_level
    FROM {checked.ACTIVE} f JOIN {checked.REPORTS} r USING (doc_id)
    WHERE f.source = 'table' AND f.item = 'fees' AND f.metric = 'amount' AND f.value IS NOT NULL AND r.format_version = '2021'
),
prev_fee AS (
    SELECT f.doc_id, f.value, f.unit, f.raw_text FROM core.fact_active_disclosure f
    WHERE f.source = 'table' AND f.item = 'fees' AND f.metric = 'amount' AND f.value > 0
      AND f.doc_id IN (SELECT prev_id FROM pairs)
)
SELECT doc_id, 'table 二, 行政事业性收费 / 本年收费金额: unit' AS location,
       CASE WHEN unit = '万元' THEN 0 ELSE 1 END::DOUBLE AS observed, 0::DOUBLE AS expected,
       'raw “' || coalesce(raw_text, '') || '”' AS evidence, unit AS shown_observed, '万元' AS shown_expected
FROM fee WHERE unit IS NOT NULL
UNION ALL BY NAME
SELECT doc_id, 'table 二, 行政事业性收费 / 本年收费金额 of a ' || admin_level || '-level body' AS location,
       value::DOUBLE AS observed, NULL::DOUBLE AS low, 999999.999999::DOUBLE AS high,
       'raw “' || coalesce(raw_text, '') || '”' AS evidence, NULL AS shown_observed, '< 1000000 万元' AS shown_expected
FROM fee WHERE admin_level IN ('county', 'township')
UNION ALL BY NAME
SELECT f.doc_id,
       'table 二, 本年收费金额 vs the ' || p.prev_year || ' report (' || p.prev_file || ')' AS location,
       (f.value / v.value)::DOUBLE AS observed, NULL::DOUBLE AS low, 100::DOUBLE AS high,
       'this year “' || coalesce(f.raw_text, '') || '” ' || coalesce(f.unit, '') || ', ' || p.prev_year || ' “'
         || coalesce(v.raw_text, '') || '” ' || coalesce(v.unit, '') AS evidence,
       round(f.value / v.value, 1)::VARCHAR || '× the previous year' AS shown_observed, '≤ 100×' AS shown_expected
FROM fee f JOIN pairs p USING (doc_id) JOIN prev_fee v ON v.doc_id = p.prev_id
"""

# ---------------------------------------------------------------------------
# table 三
# ---------------------------------------------------------------------------

_T301 = f"""
SELECT doc_id,
       'table 三, row ' || any_value(row_label) AS location,
       coalesce(max(value) FILTER (WHERE applicant = 'total'), 0)::DOUBLE AS observed,
       coalesce(sum(value) FILTER (WHERE applicant <> 'total'), 0)::DOUBLE AS expected,
       {_cells_by('applicant')} AS evidence
FROM {checked.REQUESTS}
WHERE source = 'table'
GROUP BY doc_id, row_code
-- a row whose 总计 the report left blank is not assessable: a NULL is never computed into a number
HAVING count(*) FILTER (WHERE applicant = 'total') = 1 AND count(value) FILTER (WHERE applicant = 'total') = 1
"""

_T302 = f"""
SELECT doc_id,
       'table 三, column ' || applicant || ': (七)总计 vs the sum of the result rows' AS location,
       coalesce(max(value) FILTER (WHERE row_code = 'total_processed'), 0)::DOUBLE AS observed,
       coalesce(sum(value) FILTER (WHERE row_code IN ({_in_list(_RESULT_ROWS)})), 0)::DOUBLE AS expected,
       '(七)总计=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'total_processed'), '') AS evidence
FROM {checked.REQUESTS}
WHERE source = 'table'
GROUP BY doc_id, applicant
-- not assessable for a column whose (七)总计 is blank, or whose result rows the
-- report left blank altogether (a 总计 column filled only in its total rows)
HAVING count(*) FILTER (WHERE row_code = 'total_processed') = 1
   AND count(value) FILTER (WHERE row_code = 'total_processed') = 1
   AND count(value) FILTER (WHERE row_code IN ({_in_list(_RESULT_ROWS)})) > 0
"""

_T303 = f"""
SELECT doc_id,
       'table 三, column ' || applicant || ': 本年新收 + 上年结转 vs (七)总计 + 结转下年度' AS location,
       coalesce(sum(value) FILTER (WHERE row_code IN ('new_received', 'carried_over')), 0)::DOUBLE AS observed,
       coalesce(sum(value) FILTER (WHERE row_code IN ('total_processed', 'carried_forward')), 0)::DOUBLE AS expected,
       '新收=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'new_received'), '')
         || ' 上年结转=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'carried_over'), '')
         || ' 总计=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'total_processed'), '')
         || ' 结转下年度=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'carried_forward'), '') AS evidence
FROM {checked.REQUESTS}
WHERE source = 'table'
GROUP BY doc_id, applicant
HAVING count(*) FILTER (WHERE row_code IN ('new_received', 'total_processed')) = 2
   AND count(value) FILTER (WHERE row_code IN ('new_received', 'total_processed')) = 2
"""


def _non_negative(table: str, label: str, loc: str) -> str:
    """One row per report: the smallest cell of a table must be ≥ 0 (the negative cells are named)."""
    return f"""
SELECT doc_id,
       '{label}, cells that must be ≥ 0' || coalesce(': ' || string_agg({loc}, '; ') FILTER (WHERE value < 0), '') AS location,
       min(value)::DOUBLE AS observed, 0::DOUBLE AS low, NULL::DOUBLE AS high,
       count(*) AS places,
       string_agg({loc} || ' raw “' || coalesce(raw_text, '') || '”', '; ') FILTER (WHERE value < 0) AS evidence,
       'smallest cell ' || min(value)::VARCHAR AS shown_observed
FROM {table}
WHERE source = 'table' AND value IS NOT NULL
GROUP BY doc_id
"""


_T304 = _non_negative(checked.REQUESTS, "table 三", "coalesce(row_label, row_code) || ' / ' || applicant")

_T305 = f"SELECT NULL::VARCHAR AS doc_id, NULL AS location, NULL::DOUBLE AS observed, NULL::DOUBLE AS expected, NULL AS evidence FROM {checked.IDS} WHERE false"
_T305_NA = f"""
SELECT r.doc_id,
       CASE WHEN count(i.code) > 0
            THEN 'the report prints ' || count(i.code) || ' subtotal row(s); the parser reads them but does not store their values: '
                 || string_agg(i.message, ' | ')
            ELSE 'the report prints no subtotal rows' END AS reason
FROM {checked.REPORTS} r
LEFT JOIN {checked.PARSE_ISSUES} i ON i.doc_id = r.doc_id AND i.code = 'subtotal_row'
GROUP BY r.doc_id
"""

_T306 = f"""
WITH t AS (
    SELECT f.doc_id, any_value(r.format_version) AS fv,
           list(DISTINCT f.row_code) AS present,
           bool_or(f.row_code = '{codes.OTHER_ROW_SINGLE}') AS single_other,
           bool_or(f.row_code IN ({_OTHER_SPLIT})) AS split_other
    FROM {checked.REQUESTS} f JOIN {checked.REPORTS} r USING (doc_id)
    WHERE f.source = 'table'
    GROUP BY f.doc_id
),
w AS (
    SELECT *, CASE WHEN fv = '2019' OR (fv <> '2021' AND single_other AND NOT split_other)
                   THEN {_list_lit(codes.REQUEST_ROWS_2019)} ELSE {_list_lit(codes.REQUEST_ROWS_2021)} END AS want
    FROM t
),
d AS (
    SELECT *, list_filter(want, lambda x: NOT list_contains(present, x)) AS missing,
              list_filter(present, lambda x: NOT list_contains(want, x)) AS extra
    FROM w
)
SELECT doc_id,
       'table 三 rows (' || CASE WHEN fv IN ('2019', '2021') THEN fv || ' format' ELSE 'layout of its (六) rows' END || ')'
         || CASE WHEN fv = '2021' AND single_other THEN ': (六)其他处理 printed as one row, the 2019 layout; T3-02 counts it as (六)'
                 ELSE '' END AS location,
       (len(missing) + len(extra))::DOUBLE AS observed, 0::DOUBLE AS expected,
       CASE WHEN len(missing) + len(extra) > 0
            THEN concat_ws('; ', 'missing: ' || nullif(array_to_string(missing, ', '), ''),
                           'not in this format: ' || nullif(array_to_string(extra, ', '), '')) END AS evidence,
       len(present) || ' rows' AS shown_observed, len(want) || ' rows' AS shown_expected
FROM d
"""

_T307 = f"""
SELECT doc_id,
       'table 三, column ' || applicant || ': 结转下年度 ≤ 本年新收 + 上年结转' AS location,
       max(value) FILTER (WHERE row_code = 'carried_forward')::DOUBLE AS observed,
       NULL::DOUBLE AS low,
       coalesce(sum(value) FILTER (WHERE row_code IN ('new_received', 'carried_over')), 0)::DOUBLE AS high,
       '结转下年度=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'carried_forward'), '')
         || ' 新收=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'new_received'), '')
         || ' 上年结转=' || coalesce(max(raw_text) FILTER (WHERE row_code = 'carried_over'), '') AS evidence
FROM {checked.REQUESTS}
WHERE source = 'table'
GROUP BY doc_id, applicant
HAVING count(*) FILTER (WHERE row_code = 'carried_forward' AND value IS NOT NULL) = 1
"""

# ---------------------------------------------------------------------------
# table 四
# ---------------------------------------------------------------------------

_T4_SQL = """
SELECT doc_id,
       'table 四, {label}: 总计 vs 维持+纠正+其他+尚未审结' AS location,
       coalesce(max(value) FILTER (WHERE outcome = 'total'), 0)::DOUBLE AS observed,
       coalesce(sum(value) FILTER (WHERE outcome <> 'total'), 0)::DOUBLE AS expected,
       """ + _cells_by("outcome").replace("{", "{{").replace("}", "}}") + """ AS evidence
FROM {table}
WHERE source = 'table' AND proceeding = '{proceeding}'
GROUP BY doc_id
HAVING count(*) FILTER (WHERE outcome = 'total') = 1 AND count(value) FILTER (WHERE outcome = 'total') = 1
"""

_T404 = _non_negative(checked.REVIEW, "table 四", "proceeding || ' / ' || outcome")

# ---------------------------------------------------------------------------
# prose vs tables
# ---------------------------------------------------------------------------


def _prose_vs_table(metric_re: str, table_sql: str, table_name: str) -> str:
    """Exact prose figures whose metric names a table cell, against that cell (observed = prose).

    The clause in context is cut from the text in the projection right after
    the join, so the document text never reaches a blocking operator.
    """
    return f"""
WITH prose AS (
    SELECT n.doc_id, n.section, n.value, n.phrase, n.start_offset, n.end_offset, n.metric, {_context('n', 'c')} AS ctx
    FROM {checked.NARRATIVE} n JOIN {checked.TEXTS} c USING (doc_id)
    WHERE n.qualifier = 'exact' AND regexp_matches(coalesce(n.metric, ''), '{metric_re}')
),
tab AS ({table_sql})
SELECT n.doc_id,
       {_prose_loc()} || ' vs {table_name} ' || t.label AS location,
       n.value::DOUBLE AS observed, t.value::DOUBLE AS expected,
       n.ctx || ' | table: ' || t.raw AS evidence
FROM prose n JOIN tab t ON t.doc_id = n.doc_id AND t.metric = n.metric
"""


_X01 = _prose_vs_table(
    r"^requests\.(new_received|total_processed|carried_over|carried_forward)\.",
    f"""
    SELECT doc_id, 'requests.' || row_code || '.' || applicant AS metric, value,
           coalesce(row_label, row_code) || ' / ' || applicant AS label, '“' || coalesce(raw_text, '') || '”' AS raw
    FROM {checked.REQUESTS} WHERE source = 'table' AND value IS NOT NULL""",
    "table 三",
)

_X03 = _prose_vs_table(
    r"^review_litigation\.",
    f"""
    SELECT doc_id, 'review_litigation.' || proceeding || '.' || outcome AS metric, value,
           proceeding || ' / ' || outcome AS label, '“' || coalesce(raw_text, '') || '”' AS raw
    FROM {checked.REVIEW} WHERE source = 'table' AND value IS NOT NULL
    UNION ALL
    SELECT doc_id, 'review_litigation.litigation.' || outcome AS metric, sum(value) AS value,
           '行政诉讼 (未经复议直接起诉 + 复议后起诉) / ' || outcome AS label,
           string_agg(proceeding || ' “' || coalesce(raw_text, '') || '”', ' + ' ORDER BY proceeding) AS raw
    FROM {checked.REVIEW}
    WHERE source = 'table' AND proceeding IN ('litigation_direct', 'litigation_after_review')
    GROUP BY doc_id, outcome
    HAVING count(value) = 2""",
    "table 四",
)

_X04 = _prose_vs_table(
    r"^active_disclosure\.(regulations|normative_documents)\.",
    f"""
    SELECT doc_id, 'active_disclosure.' || item || '.' || metric AS metric, value,
           coalesce(row_label, item) || ' / ' || coalesce(column_label, metric) AS label,
           '“' || coalesce(raw_text, '') || '”' AS raw
    FROM {checked.ACTIVE} WHERE source = 'table' AND value IS NOT NULL""",
    "table 二",
)


# Every prose figure of the checked reports in text order (k), with what the
# prose rules need from the text around it, cut in one streaming projection:
# `pre` (the words just before it), `gap` (the text since the previous figure,
# when short), `brk` (a sentence ends since the previous figure), `opens_list`
# (其中 follows it). The text itself is never carried further.
def _window_before(width: int) -> str:
    """The `width` characters before a figure, cut from its snippet (never before the snippet's start)."""
    a = f"greatest(start_offset - {width}, lo)"
    return f"substring(snip, {a} - lo + 1, start_offset - {a})"


_FIGURES = f"""
f0 AS (
    SELECT n.doc_id, n.section, n.value::DOUBLE AS value, n.unit, n.qualifier, n.phrase, n.start_offset, n.end_offset,
           row_number() OVER w AS k,
           coalesce(lag(n.end_offset) OVER w, 0) AS prev_end
    FROM {checked.NARRATIVE} n
    WINDOW w AS (PARTITION BY n.doc_id ORDER BY n.start_offset, n.end_offset)
),
f1 AS (  -- one substring per figure (UTF-8 offsets cost a scan of the text): from the previous figure (or 120
         -- characters back) to 6 characters past it, at most 2000 characters
    SELECT f0.*, greatest(least(f0.prev_end, f0.start_offset - 120), f0.start_offset - 2000, 0) AS lo,
           substring(c.text, greatest(least(f0.prev_end, f0.start_offset - 120), f0.start_offset - 2000, 0) + 1,
                     f0.end_offset + 6 - greatest(least(f0.prev_end, f0.start_offset - 120), f0.start_offset - 2000, 0)) AS snip
    FROM f0 JOIN {checked.TEXTS} c USING (doc_id)
),
figs AS (
    SELECT doc_id, section, value, unit, qualifier, phrase, start_offset, end_offset, k, prev_end,
           replace({_window_before(16)}, chr(10), '') AS pre,
           replace({_window_before(120)}, chr(10), '') AS wide,
           CASE WHEN start_offset - prev_end BETWEEN 0 AND 40
                THEN substring(snip, prev_end - lo + 1, start_offset - prev_end) END AS gap,
           prev_end < lo OR regexp_matches(substring(snip, greatest(prev_end - lo, 0) + 1, greatest(start_offset - prev_end, 0)), '[。；;]')
             AS brk,
           regexp_matches(substring(snip, end_offset - lo + 1, 6), '^[，,:：\\s]{{0,3}}其中') AS opens_list
    FROM f1
)"""

# the outcome a prose count names is read from the words just before it.
_OUTCOME_RE = r"(予以公开(?:及|和|与|、)部分公开|部分公开|不予公开|无法提供|不予处理|其他处理|予以公开|同意公开)[^，,。；;、:：]{0,6}$"
_X02 = f"""
WITH {_FIGURES},
counts AS (
    SELECT *, regexp_extract(pre, '{_OUTCOME_RE}', 1) AS kw FROM figs
    WHERE unit = '件' AND qualifier = 'exact' AND coalesce(section, 'overview') IN ('overview', 'requests')
      AND regexp_matches(wide, '申请|办结|答复|办理')  -- an outcome of applications, not of something else
),
classified AS (
    SELECT *, CASE
        WHEN kw LIKE '予以公开%部分公开' THEN 'granted_partly'
        WHEN kw = '部分公开' THEN 'partly'
        WHEN kw = '不予公开' THEN 'denied'
        WHEN kw = '无法提供' THEN 'unable'
        WHEN kw = '不予处理' THEN 'rejected'
        WHEN kw = '其他处理' THEN 'other'
        WHEN kw IN ('予以公开', '同意公开') THEN 'granted' END AS grp
    FROM counts WHERE kw <> ''
),
totals AS (
    SELECT doc_id, value AS total FROM {checked.REQUESTS}
    WHERE source = 'table' AND row_code = 'total_processed' AND applicant = 'total'
),
tab AS (
    SELECT f.doc_id, g.grp, sum(f.value) AS value, max(t.total) AS total
    FROM {checked.REQUESTS} f
    JOIN totals t USING (doc_id)
    JOIN (VALUES ('granted', 'granted'), ('granted_partly', 'granted'), ('granted_partly', 'partly_granted'),
                 ('partly', 'partly_granted')) g(grp, row_code) ON g.row_code = f.row_code
    WHERE f.source = 'table' AND f.applicant = 'total'
    GROUP BY f.doc_id, g.grp
    UNION ALL
    SELECT f.doc_id, CASE WHEN f.row_code LIKE 'denied_%' THEN 'denied' WHEN f.row_code LIKE 'unable_%' THEN 'unable'
                          WHEN f.row_code LIKE 'rejected_%' THEN 'rejected' ELSE 'other' END AS grp,
           sum(f.value) AS value, max(t.total) AS total
    FROM {checked.REQUESTS} f
    JOIN totals t USING (doc_id)
    WHERE f.source = 'table' AND f.applicant = 'total'
      AND (f.row_code LIKE 'denied_%' OR f.row_code LIKE 'unable_%' OR f.row_code LIKE 'rejected_%' OR f.row_code LIKE 'other_%')
    GROUP BY ALL
),
shares AS (
    SELECT p.*, k.grp, k.kw
    FROM figs p JOIN classified k ON k.doc_id = p.doc_id AND k.k = p.k - 1
    WHERE p.unit = '%' AND p.qualifier = 'exact' AND coalesce(position('占' IN p.gap), 0) > 0 AND length(p.gap) <= 4
),
found AS (
    SELECT n.doc_id, {_prose_loc()} || ' (' || n.kw || ') vs table 三 group total' AS location,
           n.value AS observed, coalesce(t.value, 0)::DOUBLE AS expected, NULL::DOUBLE AS low, NULL::DOUBLE AS high,
           NULL AS shown_expected, n.start_offset, n.end_offset
    FROM classified n JOIN tab t ON t.doc_id = n.doc_id AND t.grp = n.grp
    UNION ALL
    SELECT n.doc_id, {_prose_loc()} || ' (share of ' || n.kw || ') vs table 三 group / (七)总计' AS location,
           n.value AS observed, NULL::DOUBLE AS expected,
           100.0 * coalesce(t.value, 0) / t.total - {_tolerance('n.value')} AS low,
           100.0 * coalesce(t.value, 0) / t.total + {_tolerance('n.value')} AS high,
           round(100.0 * coalesce(t.value, 0) / t.total, 2) || '% (' || coalesce(t.value, 0) || '/' || t.total || ')'
             AS shown_expected,
           n.start_offset, n.end_offset
    FROM shares n JOIN tab t ON t.doc_id = n.doc_id AND t.grp = n.grp
    WHERE t.total > 0
)
SELECT n.doc_id, n.location, n.observed, n.expected, n.low, n.high, n.shown_expected,
       {_context('n', 'c')} AS evidence
FROM found n JOIN {checked.TEXTS} c USING (doc_id)
"""

_FEE_WORDS = r"信息处理费|处理费|收费|收取[^。]{0,12}费"
_NOTHING = r"^\s*无(其他需要报告的事项|需要报告的其他事项|其他事项)?\s*[。.;；]?\s*(\n|$)"

_X05 = f"""
SELECT r.doc_id, 'section 六 (' || s.heading || ')' AS location,
       CASE WHEN regexp_matches(s.body, '{_FEE_WORDS}') OR regexp_matches(s.body, '{_NOTHING}') THEN 1 ELSE 0 END::DOUBLE AS observed,
       1::DOUBLE AS expected,
       '“' || replace(left(s.body, 80), chr(10), ' ') || '”' AS evidence,
       CASE WHEN regexp_matches(s.body, '{_FEE_WORDS}') THEN 'fee outcome stated'
            WHEN regexp_matches(s.body, '{_NOTHING}') THEN 'nothing to report (无)'
            ELSE 'fee not mentioned' END AS shown_observed,
       'fee outcome stated' AS shown_expected
FROM {checked.REPORTS} r
JOIN {checked.SECTIONS} s ON s.doc_id = r.doc_id AND s.section = 'other_matters'
WHERE r.format_version = '2021' AND r.doc_kind = 'annual_report'
"""
_X05_NA = f"""
SELECT r.doc_id, CASE WHEN r.format_version = '2021' AND r.doc_kind = 'annual_report'
                      THEN 'the report has no section 六 (see M-05)' END AS reason
FROM {checked.REPORTS} r
"""

_X06 = f"""
SELECT f.doc_id, 'table 三 (六)2 逾期未缴费 total ' || f.value || ' → section 六' AS location,
       CASE WHEN regexp_matches(coalesce(s.body, ''), '处理费') THEN 1 ELSE 0 END::DOUBLE AS observed,
       1::DOUBLE AS expected,
       'table “' || coalesce(f.raw_text, '') || '”; section 六 “' || replace(left(coalesce(s.body, '(missing)'), 80), chr(10), ' ') || '”'
         AS evidence,
       CASE WHEN regexp_matches(coalesce(s.body, ''), '处理费') THEN '信息处理费 mentioned' ELSE '信息处理费 not mentioned' END
         AS shown_observed,
       '信息处理费 mentioned' AS shown_expected
FROM {checked.REQUESTS} f
LEFT JOIN {checked.SECTIONS} s ON s.doc_id = f.doc_id AND s.section = 'other_matters'
WHERE f.source = 'table' AND f.row_code = 'other_unpaid_fee' AND f.applicant = 'total' AND f.value > 0
"""

_X07 = f"""
WITH {_FIGURES},
fy AS (
    SELECT *,
           sum(CASE WHEN brk THEN 1 ELSE 0 END) OVER (PARTITION BY doc_id ORDER BY k) AS sentence,
           coalesce(lead(unit) OVER w = '%' AND coalesce(position('占' IN lead(gap) OVER w), 0) > 0
                    AND length(lead(gap) OVER w) <= 4, false) AS is_share_part,
           min(CASE WHEN opens_list THEN k END) OVER (PARTITION BY doc_id ORDER BY k
             ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_opener
    FROM figs WINDOW w AS (PARTITION BY doc_id ORDER BY k)
),
rates AS (
    SELECT p.doc_id, p.section, p.value, p.phrase, p.start_offset, p.end_offset,
           num.value AS num, den.value AS den, num.unit, den.start_offset AS ref_start, den.end_offset AS ref_end
    FROM fy p
    JOIN fy num ON num.doc_id = p.doc_id AND num.k = p.k - 1
    JOIN fy den ON den.doc_id = p.doc_id AND den.k = p.k - 2
    WHERE p.unit = '%' AND p.qualifier = 'exact'
      AND regexp_matches(p.pre, '(办结|答复|办理|回复|处理)率[^，,。；;]{{0,6}}$')
      AND NOT regexp_matches(p.pre, '(按时|按期|及时|限时|准时)(办结|答复|办理|回复|处理)率')  -- a timeliness rate has no count here
      -- the three figures stand in one clause chain: 受理 N 件，办结 M 件，办结率 P%
      AND p.gap IS NOT NULL AND length(p.gap) <= 12 AND NOT p.brk
      AND num.gap IS NOT NULL AND length(num.gap) <= 24 AND NOT num.brk
      AND num.unit = den.unit AND num.unit <> '%' AND num.qualifier = 'exact' AND den.qualifier = 'exact'
      AND regexp_matches(num.pre, '(办结|答复|办理|回复|处理|完成)[^，,。；;]{{0,8}}$')
      AND regexp_matches(den.pre, '(受理|收到|接收|申请|收件|登记)[^。；;]{{0,20}}$')
      AND p.start_offset - den.end_offset < 80 AND den.value > 0
),
share_num AS (
    SELECT p.doc_id, p.section, p.value, p.phrase, p.start_offset, p.end_offset,
           num.value AS num, num.unit, num.k AS num_k, num.start_offset AS num_start, num.qualifier AS num_q
    FROM fy p JOIN fy num ON num.doc_id = p.doc_id AND num.k = p.k - 1
    WHERE p.unit = '%' AND p.qualifier = 'exact' AND num.unit <> '%'
      AND coalesce(position('占' IN p.gap), 0) > 0 AND length(p.gap) <= 4
),
shares AS (
    SELECT s.doc_id, s.section, s.value, s.phrase, s.start_offset, s.end_offset, s.num, s.num_q,
           arg_max(d.value, d.k) AS den, arg_max(d.qualifier, d.k) AS den_q,
           max(d.start_offset) AS ref_start, arg_max(d.end_offset, d.k) AS ref_end
    FROM share_num s JOIN fy d ON d.doc_id = s.doc_id AND d.k < s.num_k AND d.unit = s.unit
     AND d.value >= s.num AND d.value > 0 AND NOT d.is_share_part
     AND d.start_offset >= s.num_start - 400
    GROUP BY ALL
),
sums AS (
    SELECT t.doc_id, t.section, t.value, t.phrase, t.start_offset, t.end_offset AS total_end, max(p.end_offset) AS end_offset,
           sum(p.value) AS parts, string_agg({_num('p.value')}, '+' ORDER BY p.k) AS shown_parts
    FROM fy t JOIN fy p ON p.doc_id = t.doc_id AND p.k > t.k AND p.k < coalesce(t.next_opener, p.k + 1)
     AND p.sentence = t.sentence AND p.unit = t.unit AND p.qualifier = 'exact'
     AND p.start_offset - t.end_offset BETWEEN 0 AND 200
    WHERE t.opens_list AND t.qualifier = 'exact' AND t.unit <> '%'
    GROUP BY ALL
),
found AS (
    SELECT n.doc_id, {_prose_loc()} || ' (a stated rate)' AS location, n.value AS observed,
           100.0 * n.num / n.den - {_tolerance('n.value')} AS low, 100.0 * n.num / n.den + {_tolerance('n.value')} AS high,
           {_num('n.value')} || '%' AS shown_observed,
           round(100.0 * n.num / n.den, 2) || '% (' || {_num('n.num')} || '/' || {_num('n.den')} || ' ' || n.unit || ')'
             AS shown_expected,
           n.start_offset, n.end_offset, n.ref_start, n.ref_end
    FROM rates n
    UNION ALL
    SELECT n.doc_id, {_prose_loc()} || ' (a stated share)' AS location, n.value AS observed,
           100.0 * n.num / n.den - {_tolerance('n.value')} AS low, 100.0 * n.num / n.den + {_tolerance('n.value')} AS high,
           {_num('n.value')} || '%' AS shown_observed,
           round(100.0 * n.num / n.den, 2) || '% (' || {_num('n.num')} || '/' || {_num('n.den')} || ')' AS shown_expected,
           n.start_offset, n.end_offset, n.ref_start, n.ref_end
    FROM shares n WHERE n.num_q = 'exact' AND n.den_q = 'exact'
    UNION ALL
    SELECT n.doc_id, {_prose_loc()} || ' (parts listed after 其中)' AS location, n.parts AS observed,
           NULL AS low, n.value AS high,
           'Σ 其中 = ' || n.shown_parts || ' = ' || {_num('n.parts')} AS shown_observed, '≤ ' || {_num('n.value')} AS shown_expected,
           n.end_offset - 4 AS start_offset, n.end_offset, n.start_offset AS ref_start, n.total_end AS ref_end
    FROM sums n
)
SELECT n.doc_id, n.location, n.observed, n.low, n.high, n.shown_observed, n.shown_expected,
       -- the figure with the one it is measured against: one snippet when they are close, two when not
       CASE WHEN n.end_offset - n.ref_start <= 160
            THEN '…' || replace(substring(c.text, greatest(n.ref_start - 20, 0) + 1, n.end_offset - greatest(n.ref_start - 20, 0) + 4),
                                chr(10), ' ') || '…'
            ELSE '…' || replace(substring(c.text, greatest(n.ref_start - 20, 0) + 1, n.ref_end - greatest(n.ref_start - 20, 0) + 10),
                                chr(10), ' ') || '… …' || replace(substring(c.text, greatest(n.start_offset - 40, 0) + 1,
                                n.end_offset - greatest(n.start_offset - 40, 0) + 4), chr(10), ' ') || '…' END AS evidence
FROM found n JOIN {checked.TEXTS} c USING (doc_id)
"""

_X08 = f"""
SELECT n.doc_id, {_prose_loc()} AS location,
       ((n.value * CASE WHEN n.unit = '万元' THEN 10000 ELSE 1 END) % 10)::DOUBLE AS observed, 0::DOUBLE AS expected,
       {_context('n', 'c')} AS evidence,
       {_num("n.value * CASE WHEN n.unit = '万元' THEN 10000 ELSE 1 END")} || ' 元' AS shown_observed,
       'a multiple of 10 元' AS shown_expected
FROM {checked.NARRATIVE} n JOIN {checked.TEXTS} c USING (doc_id)
WHERE n.unit IN ('元', '万元') AND n.qualifier = 'exact' AND position('处理费' IN {_pre('n', 'c', 30)}) > 0
"""

_X09 = f"""
WITH seqs AS (
    SELECT s.doc_id, s.section, s.start_offset,
           regexp_extract_all(s.body, '([一二三四五六七八九十])是[^否]', 1) AS raw
    FROM {checked.SECTIONS} s
),
n AS (
    SELECT *, list_transform(raw, lambda x: instr('一二三四五六七八九十', x)) AS seq FROM seqs WHERE len(raw) >= 2
)
SELECT doc_id,
       'section ' || {_sec('section')} || ' (from char ' || start_offset || '): enumeration '
         || array_to_string(list_transform(raw, lambda x: x || '是'), ' → ') AS location,
       len(list_filter(range(2, len(seq) + 1), lambda i: seq[i] > 1 AND NOT list_contains(seq[1:i - 1], seq[i] - 1)))::DOUBLE
         AS observed,
       0::DOUBLE AS expected,
       array_to_string(list_transform(raw, lambda x: x || '是'), ' ') AS evidence,
       len(list_filter(range(2, len(seq) + 1), lambda i: seq[i] > 1 AND NOT list_contains(seq[1:i - 1], seq[i] - 1)))
         || ' item(s) whose predecessor never came' AS shown_observed,
       'every N是 after an (N−1)是' AS shown_expected
FROM n
"""

# ---------------------------------------------------------------------------
# cross-year
# ---------------------------------------------------------------------------

_Y01 = f"""
WITH {_PAIRS},
cur AS (
    SELECT doc_id, applicant, value, raw_text FROM {checked.REQUESTS}
    WHERE source = 'table' AND row_code = 'carried_over' AND value IS NOT NULL
),
prev AS (
    SELECT doc_id, applicant, value, raw_text FROM core.fact_requests
    WHERE source = 'table' AND row_code = 'carried_forward' AND value IS NOT NULL
      AND doc_id IN (SELECT prev_id FROM pairs)
)
SELECT p.doc_id,
       'table 三 二、上年结转 / ' || c.applicant || ' vs 四、结转下年度继续办理 of the ' || p.prev_year
         || ' report (' || p.prev_file || ')' AS location,
       c.value::DOUBLE AS observed, v.value::DOUBLE AS expected,
       'this year “' || coalesce(c.raw_text, '') || '”, ' || p.prev_year || ' “' || coalesce(v.raw_text, '') || '”' AS evidence
FROM pairs p JOIN cur c ON c.doc_id = p.doc_id JOIN prev v ON v.doc_id = p.prev_id AND v.applicant = c.applicant
"""

_Y02 = f"""
WITH {_PAIRS},
cur AS (
    SELECT doc_id, item, any_value(row_label) AS label,
           max(value) FILTER (WHERE metric = 'in_force') AS in_force,
           max(value) FILTER (WHERE metric = 'issued') AS issued,
           max(value) FILTER (WHERE metric = 'repealed') AS repealed
    FROM {checked.ACTIVE}
    WHERE source = 'table' AND item IN ('regulations', 'normative_documents') AND metric IN ('in_force', 'issued', 'repealed')
    GROUP BY doc_id, item
),
prev AS (
    SELECT doc_id, item, value AS in_force FROM core.fact_active_disclosure
    WHERE source = 'table' AND item IN ('regulations', 'normative_documents') AND metric = 'in_force'
      AND value IS NOT NULL AND doc_id IN (SELECT prev_id FROM pairs)
)
SELECT p.doc_id,
       'table 二, ' || coalesce(c.label, c.item) || ' / 现行有效件数 vs the ' || p.prev_year || ' report (' || p.prev_file || ')'
         AS location,
       c.in_force::DOUBLE AS observed,
       (v.in_force - coalesce(c.repealed, 0))::DOUBLE AS low,
       (v.in_force + coalesce(c.issued, 0) - coalesce(c.repealed, 0))::DOUBLE AS high,
       p.prev_year || ' 现行有效 ' || {_num('v.in_force')} || '; this year 制发 ' || coalesce({_num('c.issued')}, 'blank')
         || ', 废止 ' || coalesce({_num('c.repealed')}, 'blank') || ', 现行有效 ' || {_num('c.in_force')} AS evidence
FROM pairs p JOIN cur c ON c.doc_id = p.doc_id JOIN prev v ON v.doc_id = p.prev_id AND v.item = c.item
WHERE c.in_force IS NOT NULL
"""

_Y04 = f"""
WITH {_PAIRS},
cur AS (
    SELECT doc_id, item, any_value(row_label) AS label, max(value) AS prior_year, max(raw_text) AS raw
    FROM {checked.ACTIVE}
    WHERE source = 'table' AND metric = 'prior_year' AND value IS NOT NULL
    GROUP BY doc_id, item
),
prev AS (
    SELECT doc_id, item, max(value) FILTER (WHERE metric = 'prior_year') AS prior_year,
           max(value) FILTER (WHERE metric = 'change') AS change
    FROM core.fact_active_disclosure
    WHERE source = 'table' AND metric IN ('prior_year', 'change') AND value IS NOT NULL
      AND doc_id IN (SELECT prev_id FROM pairs)
    GROUP BY doc_id, item
    HAVING count(DISTINCT metric) = 2
)
SELECT p.doc_id,
       'table 二, ' || coalesce(c.label, c.item) || ' / 上一年项目数量 vs the ' || p.prev_year || ' report (' || p.prev_file || ')'
         AS location,
       c.prior_year::DOUBLE AS observed, (v.prior_year + v.change)::DOUBLE AS expected,
       'this year “' || coalesce(c.raw, '') || '”; ' || p.prev_year || ': 上一年项目数量 ' || {_num('v.prior_year')}
         || ' + 本年增/减 ' || {_num('v.change')}
         AS evidence
FROM pairs p JOIN cur c ON c.doc_id = p.doc_id JOIN prev v ON v.doc_id = p.prev_id AND v.item = c.item
"""

_Y05 = f"""
WITH {_PAIRS},
cur AS (
    SELECT doc_id, regexp_replace(indicator, '\\s+', '', 'g') AS ind, any_value(indicator) AS indicator,
           max(value) FILTER (WHERE period = 'cumulative') AS cum, max(value) FILTER (WHERE period = 'year') AS yr,
           max(raw_text) FILTER (WHERE period = 'cumulative') AS raw
    FROM {checked.LEGACY}
    GROUP BY ALL
),
prev AS (
    SELECT doc_id, regexp_replace(indicator, '\\s+', '', 'g') AS ind, max(value) AS cum
    FROM core.fact_legacy_stats
    WHERE period = 'cumulative' AND value IS NOT NULL AND doc_id IN (SELECT prev_id FROM pairs)
    GROUP BY ALL
)
SELECT p.doc_id,
       'statistics table, ' || c.indicator || ' / 历年累计 vs the ' || p.prev_year || ' report (' || p.prev_file || ')' AS location,
       c.cum::DOUBLE AS observed, (v.cum + c.yr)::DOUBLE AS expected,
       'this year 本年度 ' || {_num('c.yr')} || ', 历年累计 “' || coalesce(c.raw, '') || '”; ' || p.prev_year || ' 历年累计 '
         || {_num('v.cum')} AS evidence
FROM pairs p JOIN cur c ON c.doc_id = p.doc_id JOIN prev v ON v.doc_id = p.prev_id AND v.ind = c.ind
WHERE c.cum IS NOT NULL AND c.yr IS NOT NULL
"""

# Y-06: share of this year's sampled character 5-grams of sections 一 and 五
# that also occur in the previous year's same section, counted once per batch
# (expectations.checked.REPETITION, which also gives the stored repetition rate).
_Y06 = f"""
SELECT doc_id,
       'section ' || {_sec('section')} || ' vs the ' || prev_year || ' report (' || prev_file || ')' AS location,
       floor(100.0 * shared / n)::DOUBLE AS observed, NULL::DOUBLE AS low, 79::DOUBLE AS high,
       shared || ' of ' || n || ' sampled 5-grams of this year''s section also in the ' || prev_year
         || ' section (' || prev_n || '; 1 in {checked.Y06_SAMPLE} 5-grams sampled by hash, digits folded)' AS evidence,
       floor(100.0 * shared / n)::BIGINT || '% repeated' AS shown_observed, '< 80% repeated' AS shown_expected
FROM {checked.REPETITION}
ORDER BY doc_id, prev_id, section  -- places listed in the message: 一 before 五
"""

# Y-08: table 三 printed again: every cell equal to the previous year's, and not all zero.
_Y08_MIN_CELLS = 100  # a table 三 read whole has 23–25 rows x 7 columns
_Y08 = f"""
WITH pairs AS (
    SELECT c.doc_id, p.doc_id AS prev_id, p.report_year AS prev_year, {_file('p.source_path')} AS prev_file
    FROM {checked.REPORTS} c
    JOIN core.reports p ON p.agency_id = c.agency_id AND p.report_year = c.report_year - 1
     AND p.doc_id <> c.doc_id AND p.doc_kind = c.doc_kind
    WHERE c.doc_kind = 'annual_report'
),
cur AS (SELECT f.doc_id, f.row_code, f.applicant, f.value FROM {checked.REQUESTS} f WHERE f.source = 'table'),
sizes AS (SELECT doc_id, count(*) AS n FROM cur GROUP BY doc_id),
cmp AS (
    SELECT p.doc_id, p.prev_id, any_value(p.prev_year) AS prev_year, any_value(p.prev_file) AS prev_file,
           count(*) AS matched, count(*) FILTER (WHERE c.value IS NOT DISTINCT FROM v.value) AS same,
           count(*) FILTER (WHERE coalesce(c.value, 0) <> 0) AS nonzero,
           sum(coalesce(c.value, 0)) FILTER (WHERE c.row_code = 'new_received' AND c.applicant = 'total') AS new_total
    FROM pairs p JOIN cur c ON c.doc_id = p.doc_id
    JOIN core.fact_requests v ON v.doc_id = p.prev_id AND v.source = 'table' AND v.row_code = c.row_code
     AND v.applicant = c.applicant
    GROUP BY p.doc_id, p.prev_id
)
SELECT x.doc_id, 'table 三 vs the ' || x.prev_year || ' report (' || x.prev_file || ')' AS location,
       CASE WHEN x.same = s.n AND x.matched = s.n AND x.nonzero > 0 THEN 1 ELSE 0 END::DOUBLE AS observed,
       0::DOUBLE AS expected,
       x.same || ' of ' || s.n || ' cells equal the ' || x.prev_year || ' report''s, ' || x.nonzero
         || ' of them non-zero (本年新收 总计 ' || coalesce(x.new_total::VARCHAR, '?') || ')' AS evidence,
       CASE WHEN x.same = s.n AND x.matched = s.n AND x.nonzero > 0 THEN 'figures repeated from last year: all '
            || s.n || ' cells of table 三 as in ' || x.prev_year ELSE (s.n - x.same) || ' cells differ from ' || x.prev_year END
         AS shown_observed,
       'table 三 not a copy of the previous year''s' AS shown_expected
FROM cmp x JOIN sizes s USING (doc_id)
WHERE s.n >= {_Y08_MIN_CELLS}
"""


def _y_na(what: str) -> str:
    """Why a cross-year rule found nothing: no agency/year, no previous report, or missing data."""
    return f"""
SELECT r.doc_id, CASE
    WHEN r.agency_id IS NULL THEN 'the agency is unknown, so no previous report can be matched'
    WHEN r.report_year IS NULL THEN 'the report year is unknown'
    WHEN count(p.doc_id) = 0 THEN 'no report of this agency for ' || (r.report_year - 1) || ' is loaded'
    ELSE 'this report and its ' || (r.report_year - 1) || ' report do not both have {what}' END AS reason
FROM {checked.REPORTS} r
LEFT JOIN core.reports p ON p.agency_id = r.agency_id AND p.report_year = r.report_year - 1 AND p.doc_id <> r.doc_id
GROUP BY r.doc_id, r.agency_id, r.report_year
"""


_Y07 = f"""
SELECT r.doc_id, 'report year ' || r.report_year || ', table format' AS location,
       CASE WHEN (r.report_year <= 2018 AND r.format_version = 'pre2019')
              OR (r.report_year BETWEEN 2019 AND 2020 AND r.format_version = '2019')
              OR (r.report_year >= 2021 AND r.format_version = '2021') THEN 1 ELSE 0 END::DOUBLE AS observed,
       1::DOUBLE AS expected,
       'format_version ' || r.format_version AS evidence,
       r.format_version AS shown_observed,
       CASE WHEN r.report_year <= 2018 THEN 'pre2019 (no national table before 2019)'
            WHEN r.report_year <= 2020 THEN '2019 (国办公开办函〔2019〕60号)'
            ELSE '2021 (国办公开办函〔2021〕30号)' END AS shown_expected
FROM {checked.REPORTS} r
WHERE r.doc_kind = 'annual_report' AND r.report_year IS NOT NULL AND r.format_version <> 'none'
"""

# ---------------------------------------------------------------------------
# timeliness
# ---------------------------------------------------------------------------


def _deadline(where: str, month: int, law: str) -> str:
    """Days between the statutory deadline and the stated publication date (≤ 0 is on time)."""
    return f"""
WITH rep AS (
    SELECT r.*, {_BODY_KIND} AS body, make_date(r.report_year + 1, {month}, 31) AS deadline
    FROM {checked.REPORTS} r
    WHERE r.doc_kind = 'annual_report' AND r.report_year IS NOT NULL AND r.published_on IS NOT NULL
)
SELECT doc_id, 'publication date ({law})' AS location,
       date_diff('day', deadline, published_on)::DOUBLE AS observed, NULL::DOUBLE AS low, 0::DOUBLE AS high,
       'published_on ' || published_on || ', deadline ' || deadline || ' (' || body || ' report for ' || report_year || ')'
         AS evidence,
       published_on::VARCHAR || CASE WHEN published_on > deadline
                                     THEN ' (' || date_diff('day', deadline, published_on) || ' days late)' ELSE '' END
         AS shown_observed,
       'by ' || deadline AS shown_expected
FROM rep WHERE {where}
"""


def _deadline_na(scope: str, out_of_scope: str) -> str:
    return f"""
SELECT r.doc_id, CASE
    WHEN r.doc_kind <> 'annual_report' THEN 'not a statutory annual report (' || r.doc_kind || ')'
    WHEN r.report_year IS NULL THEN 'the report year is unknown'
    WHEN NOT ({scope}) THEN '{out_of_scope}'
    WHEN r.published_on IS NULL THEN 'the publication date is unknown'
    END AS reason
FROM (SELECT r.*, {_BODY_KIND} AS body FROM {checked.REPORTS} r) r
"""


_M01 = _deadline("report_year <= 2018", 3, "条例 2008 Art. 31: 31 March")
_M02 = _deadline(f"report_year >= 2019 AND body IN {_DEPARTMENT_KINDS}", 1, "条例 Art. 49: 31 January for a department")
_M03 = _deadline("report_year >= 2019 AND body = 'government'", 3, "条例 Art. 49: 31 March for a 本级政府 report")
_M04 = _deadline("report_year >= 2019 AND body = 'township'", 1, "default 31 January for a 乡镇/街道 report")

# ---------------------------------------------------------------------------
# completeness / metadata
# ---------------------------------------------------------------------------

_SECTION_ORDER = ", ".join(f"('{s}', {i})" for i, s in enumerate(codes.SECTIONS))
_M05 = f"""
WITH scope AS (
    SELECT r.doc_id FROM {checked.REPORTS} r
    WHERE r.doc_kind = 'annual_report' AND r.format_version IN ('2019', '2021')
),
parts AS (
    SELECT doc_id, section AS part FROM {checked.SECTIONS} JOIN scope USING (doc_id)
    UNION SELECT DISTINCT doc_id, 'table 二' FROM {checked.ACTIVE} JOIN scope USING (doc_id) WHERE source = 'table'
    UNION SELECT DISTINCT doc_id, 'table 三' FROM {checked.REQUESTS} JOIN scope USING (doc_id) WHERE source = 'table'
    UNION SELECT DISTINCT doc_id, 'table 四' FROM {checked.REVIEW} JOIN scope USING (doc_id) WHERE source = 'table'
),
required AS (
    SELECT * FROM (VALUES ('overview'), ('proactive_disclosure'), ('requests'), ('review_litigation'),
                          ('problems_improvements'), ('other_matters'),
                          ('table 二'), ('table 三'), ('table 四')) t(part)
),
missing AS (
    SELECT s.doc_id, q.part FROM scope s CROSS JOIN required q
    ANTI JOIN parts p ON p.doc_id = s.doc_id AND p.part = q.part
),
ordered AS (
    SELECT s.doc_id, s.section, s.heading, o.idx,
           max(o.idx) OVER (PARTITION BY s.doc_id ORDER BY s.start_offset
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS max_before
    FROM {checked.SECTIONS} s JOIN scope USING (doc_id) JOIN (VALUES {_SECTION_ORDER}) o(section, idx) USING (section)
),
disorder AS (
    SELECT doc_id, count(*) AS n, string_agg(heading, ', ') AS headings FROM ordered WHERE idx < max_before GROUP BY doc_id
)
SELECT s.doc_id, 'sections and tables' AS location,
       (count(m.part) + coalesce(any_value(d.n), 0))::DOUBLE AS observed, 0::DOUBLE AS expected,
       concat_ws('; ',
                 CASE WHEN count(m.part) > 0 THEN 'missing: ' || string_agg(m.part, ', ' ORDER BY m.part) END,
                 'out of order: ' || any_value(d.headings)) AS evidence
FROM scope s LEFT JOIN missing m USING (doc_id) LEFT JOIN disorder d USING (doc_id)
GROUP BY s.doc_id
"""

# Art. 50(4) elements, with the words reports use for them.
_M06_ELEMENTS = (
    ("工作考核", "考核|考评|绩效|评估|测评"),
    ("社会评议", "评议|满意度|社会评价|群众评价"),
    ("责任追究", "责任追究|追责|问责|追究"),
)
_M06_FOUND = " + ".join(f"CASE WHEN regexp_matches(c.text, '{pat}') THEN 1 ELSE 0 END" for _, pat in _M06_ELEMENTS)
_M06_LIST = ", ".join(
    f"CASE WHEN regexp_matches(c.text, '{pat}') THEN '{name} (' || regexp_extract(c.text, '{pat}') || ')' END"
    for name, pat in _M06_ELEMENTS
)
_M06_SCOPE = "body = 'government' OR (body = 'township' AND regexp_matches(agency, '(人民政府|政府)$'))"
_M06 = f"""
WITH rep AS (SELECT r.*, {_BODY_KIND} AS body FROM {checked.REPORTS} r)
SELECT r.doc_id, 'Art. 50(4) elements in the text of a people''s government report' AS location,
       ({_M06_FOUND})::DOUBLE AS observed, 1::DOUBLE AS low, NULL::DOUBLE AS high,
       coalesce('mentions: ' || nullif(concat_ws(', ', {_M06_LIST}), ''), 'none of 工作考核, 社会评议, 责任追究 is mentioned')
         AS evidence,
       ({_M06_FOUND}) || ' of 3 elements mentioned' AS shown_observed, 'at least 1 of 3' AS shown_expected
FROM rep r JOIN {checked.TEXTS} c USING (doc_id)
WHERE r.doc_kind = 'annual_report' AND r.report_year >= 2019 AND ({_M06_SCOPE})
"""
_M06_NA = f"""
SELECT r.doc_id, CASE
    WHEN r.doc_kind <> 'annual_report' THEN 'not a statutory annual report'
    WHEN r.report_year IS NULL OR r.report_year < 2019 THEN 'Art. 50(4) applies to reports from 2019 on'
    WHEN NOT ({_M06_SCOPE}) OR body IS NULL THEN 'not a people''s government report (' || coalesce(body, 'agency unknown') || ')'
    END AS reason
FROM (SELECT r.*, {_BODY_KIND} AS body FROM {checked.REPORTS} r) r
"""

_DAY1 = r"(\d{4})\s*年\s*0?1\s*月\s*0?1\s*日"
_DAY31 = r"(\d{4})\s*年\s*12\s*月\s*31\s*日"
_M07 = f"""
WITH stated AS (
    SELECT r.doc_id, r.report_year,
           list_contains(regexp_extract_all(c.text, '{_DAY1}', 1), r.report_year::VARCHAR)
             AND list_contains(regexp_extract_all(c.text, '{_DAY31}', 1), r.report_year::VARCHAR) AS ok,
           replace(regexp_extract(c.text, '{_DAY1}[^。]{{0,16}}?{_DAY31}'), chr(10), '') AS statement
    FROM {checked.REPORTS} r JOIN {checked.TEXTS} c USING (doc_id)
    WHERE r.doc_kind = 'annual_report' AND r.report_year IS NOT NULL
)
SELECT doc_id, 'statistical period (1 January – 31 December ' || report_year || ')' AS location,
       CASE WHEN ok THEN 1 ELSE 0 END::DOUBLE AS observed, 1::DOUBLE AS expected,
       coalesce(nullif(statement, ''), 'no statement of the period found') AS evidence,
       CASE WHEN ok THEN 'stated' ELSE 'not stated' END AS shown_observed, 'stated' AS shown_expected
FROM stated
"""

_M08 = f"""
SELECT r.doc_id, 'other loaded versions of the ' || r.report_year || ' report of ' || r.agency AS location,
       count(o.doc_id)::DOUBLE AS observed, 0::DOUBLE AS expected,
       'this version sha256 ' || left(r.doc_id, 12) || '…, first seen ' || any_value(d.first_seen_at)::VARCHAR
         || coalesce('; other versions: ' || string_agg(left(o.doc_id, 12) || '… first seen ' || od.first_seen_at::VARCHAR
                     || ', published_on ' || coalesce(o.published_on::VARCHAR, '?') || ' (' || {_file('o.source_path')} || ')', '; '), '')
         AS evidence
FROM {checked.REPORTS} r
JOIN raw.documents d ON d.doc_id = r.doc_id
LEFT JOIN core.reports o ON o.agency_id = r.agency_id AND o.report_year = r.report_year AND o.doc_kind = r.doc_kind
 AND o.doc_id <> r.doc_id
LEFT JOIN raw.documents od ON od.doc_id = o.doc_id
WHERE r.agency_id IS NOT NULL AND r.report_year IS NOT NULL AND r.doc_kind = 'annual_report'
GROUP BY r.doc_id, r.report_year, r.agency
"""

_WHOLE_REGION = "全(省|市|区|县|州|盟|旗|自治区|自治州)"
_M09 = f"""
WITH rep AS (
    SELECT r.*, {_BODY_KIND} AS body FROM {checked.REPORTS} r
    WHERE r.doc_kind = 'annual_report'
),
gov AS (SELECT * FROM rep WHERE body = 'government'),
office AS (
    SELECT n.doc_id, string_agg({_context('n', 'c', 30, 6)}, ' | ') AS ctx
    FROM {checked.NARRATIVE} n JOIN gov USING (doc_id) JOIN {checked.TEXTS} c USING (doc_id)
    WHERE n.metric LIKE 'requests.%' AND regexp_matches({_pre('n', 'c', 30)}, '政府办|办公室')
    GROUP BY n.doc_id
)
SELECT g.doc_id, 'scope of a government''s report (section 一 and the request figures)' AS location,
       (CASE WHEN regexp_matches(coalesce(s.body, ''), '{_WHOLE_REGION}') THEN 0 ELSE 1 END
        + CASE WHEN o.ctx IS NOT NULL THEN 1 ELSE 0 END)::DOUBLE AS observed,
       0::DOUBLE AS expected,
       concat_ws('; ',
                 CASE WHEN NOT regexp_matches(coalesce(s.body, ''), '{_WHOLE_REGION}')
                      THEN 'section 一 never speaks of the whole region (全市/全区/全县 …)' END,
                 'request figures stated for the general office: ' || o.ctx) AS evidence,
       concat_ws(', ', CASE WHEN NOT regexp_matches(coalesce(s.body, ''), '{_WHOLE_REGION}') THEN 'no 全X wording' END,
                 CASE WHEN o.ctx IS NOT NULL THEN 'office-only figures' END) AS shown_observed,
       'whole-region wording, figures for the region' AS shown_expected
FROM gov g LEFT JOIN {checked.SECTIONS} s ON s.doc_id = g.doc_id AND s.section = 'overview'
LEFT JOIN office o ON o.doc_id = g.doc_id
"""

_M10 = f"""
SELECT r.doc_id, 'document kind' AS location,
       CASE WHEN r.doc_kind IN ('annual_report', 'work_summary') THEN 0 ELSE 1 END::DOUBLE AS observed,
       0::DOUBLE AS expected,
       'doc_kind=' || r.doc_kind AS evidence
FROM {checked.REPORTS} r
"""

# M-11: the region names one division of the national list.
_M11 = f"""
SELECT r.doc_id, 'region ' || r.region || ' in the national division list (GB/T 2260)' AS location,
       CASE WHEN r.region_code IS NULL THEN 1 ELSE 0 END::DOUBLE AS observed, 0::DOUBLE AS expected,
       coalesce(r.region_note, 'region_code ' || r.region_code) AS evidence,
       coalesce(r.region_code, 'no code') AS shown_observed, 'one division' AS shown_expected
FROM {checked.REPORTS} r
WHERE r.region IS NOT NULL
"""

# a region's own report that covers the whole region counts at least
# what the reports of its parts count. Its parts, in the same year: the
# reports of the region's departments and townships (same region_code), and
# the governments' reports of the divisions directly under it (their
# parent_code is the region's); one report per agency (another version of
# the same report is not counted twice). Children are matched on codes,
# never on names. The cell values are a subquery at each use, not a CTE: a
# CTE read twice is computed whole first, every table 三/四 total of the
# warehouse (0.14 s of each check batch at 100,000 reports, 0.01 s so).
_ROLLUP_CELLS = (
    ("fact_requests", "row_code", "applicant", "new_received", "table 三, 本年新收 总计"),
    ("fact_requests", "row_code", "applicant", "carried_over", "table 三, 上年结转 总计"),
    ("fact_requests", "row_code", "applicant", "total_processed", "table 三, (七)总计 总计"),
    ("fact_review_litigation", "proceeding", "outcome", "review", "table 四, 行政复议 总计"),
    ("fact_review_litigation", "proceeding", "outcome", "litigation_direct", "table 四, 未经复议直接起诉 总计"),
    ("fact_review_litigation", "proceeding", "outcome", "litigation_after_review", "table 四, 复议后起诉 总计"),
)
_ROLLUP_VALUES = "\nUNION ALL\n".join(
    f"SELECT doc_id, '{label}' AS cell, value FROM core.{table} WHERE source = 'table' AND {row_col} = '{row}' "
    f"AND {col_col} = 'total' AND value IS NOT NULL"
    for table, row_col, col_col, row, label in _ROLLUP_CELLS
)
_R01_PARENTS = f"""
    SELECT r.doc_id, r.region_code, r.report_year, r.agency_id
    FROM {checked.REPORTS} r
    JOIN {checked.SECTIONS} s ON s.doc_id = r.doc_id AND s.section = 'overview'
    WHERE r.agency_type = 'government' AND r.region_code IS NOT NULL AND r.report_year IS NOT NULL
      AND r.doc_kind = 'annual_report' AND regexp_matches(s.body, '{_WHOLE_REGION}')
"""
_R01 = f"""
WITH parents AS ({_R01_PARENTS}),
kids AS (
    SELECT p.doc_id AS parent_id, min(c.doc_id) AS doc_id
    FROM parents p JOIN core.reports c ON c.report_year = p.report_year AND c.doc_kind = 'annual_report'
     AND c.doc_id <> p.doc_id AND c.agency_id IS DISTINCT FROM p.agency_id
    WHERE (c.region_code = p.region_code AND c.agency_type IN ('department', 'general_office', 'township'))
       OR (c.agency_type = 'government' AND {parent_code('c.region_code')} = p.region_code)
    GROUP BY p.doc_id, coalesce(c.agency_id, c.doc_id)
),
sums AS (
    SELECT k.parent_id, v.cell, sum(v.value) AS total, count(*) AS n,
           string_agg(coalesce(r.agency, '?') || ' ' || v.value, ', ' ORDER BY v.value DESC, r.agency) AS listed
    FROM kids k JOIN ({_ROLLUP_VALUES}) v ON v.doc_id = k.doc_id JOIN core.reports r ON r.doc_id = k.doc_id
    GROUP BY k.parent_id, v.cell
)
SELECT p.doc_id, s.cell || ' vs the sum of ' || s.n || ' reports of its departments and subordinate areas' AS location,
       pv.value::DOUBLE AS observed, s.total::DOUBLE AS low, NULL::DOUBLE AS high,
       'this report ' || pv.value || '; ' || s.n || ' reports of its parts for ' || p.report_year || ' sum to ' || s.total
         || ': ' || s.listed AS evidence,
       pv.value::VARCHAR AS shown_observed, '≥ ' || s.total || ' (the sum of its parts'' reports)' AS shown_expected
FROM parents p JOIN sums s ON s.parent_id = p.doc_id JOIN ({_ROLLUP_VALUES}) pv ON pv.doc_id = p.doc_id AND pv.cell = s.cell
"""
_R01_NA = f"""
SELECT r.doc_id, CASE
    WHEN r.agency_type IS DISTINCT FROM 'government' THEN 'not a government''s own report (' || coalesce(r.agency_type, 'unknown') || ')'
    WHEN r.region_code IS NULL THEN 'the region has no division code'
    WHEN r.doc_kind <> 'annual_report' OR r.report_year IS NULL THEN 'not an annual report of a known year'
    WHEN p.doc_id IS NULL THEN 'section 一 does not say the report covers the whole region (全市/全县/全区 …)'
    ELSE 'no report of its departments or subordinate areas for ' || r.report_year || ' is loaded with table 三/四 totals'
    END AS reason
FROM {checked.REPORTS} r LEFT JOIN ({_R01_PARENTS}) p USING (doc_id)
"""

# C-01: sections 一/五 shared with another agency's report, found by MinHash
# LSH (transforms.similarity): candidates are the sections that share a band
# key, verified by the share of equal MinHash values (≈ Jaccard similarity
# of the 5-gram sets). A band key shared by more than _C01_MAX_BUCKET
# sections is wording common to many bodies (a template), not one copying
# another: it proposes no candidates, which also bounds the join.
# Why 80: independent reports share formulaic wording -- sections 五 of different
# bodies measured up to 0.61 (generated) and 0.73 (平潭 2009/2011 departments) --
# while a copy with the names changed measures 0.96-1.0.
C01_THRESHOLD = 80  # estimated Jaccard, %: ≈ 89% of each of two equal sections' 5-grams shared
_C01_MAX_BUCKET = 50
# A candidate pair must share at least two of the 16 band keys. One shared band is what
# templated wording gives by chance (J ≈ 0.6: 24% of pairs share one band, 3% two), and
# scoring those pairs was most of C-01's cost on 10,000 generated reports; a copy with
# the names changed (J ≥ 0.9) shares two with probability ≥ 0.998 (0.96 at J = 0.85,
# 0.78 at J = 0.8, the threshold itself).
_C01_MIN_BANDS = 2
def lsh_candidates(ids: str) -> str:
    """SQL: (doc_id, other_id, section) for the sections of the reports in `ids` and every stored
    section sharing at least _C01_MIN_BANDS of their LSH band keys, not counting keys shared by more than _C01_MAX_BUCKET
    sections (common wording). Every step is linear in the rows of the keys involved: the common
    keys are dropped before the pairing join, never after."""
    return f"""
WITH mine AS (
    SELECT t.doc_id, t.section, unnest(t.bands) AS key, unnest(range(1, len(t.bands) + 1)) AS band
    FROM core.text_signatures t JOIN {ids} USING (doc_id)
),
keys AS (SELECT DISTINCT section, band, key FROM mine),
hits AS (
    SELECT b.doc_id, b.section, b.band, b.key
    FROM (SELECT doc_id, section, unnest(bands) AS key, unnest(range(1, len(bands) + 1)) AS band
          FROM core.text_signatures) b
    JOIN keys k ON k.section = b.section AND k.band = b.band AND k.key = b.key
),
usable AS (
    SELECT * FROM hits
    ANTI JOIN (SELECT section, band, key FROM hits GROUP BY ALL HAVING count(*) > {_C01_MAX_BUCKET}) c
      ON c.section = hits.section AND c.band = hits.band AND c.key = hits.key
)
SELECT m.doc_id, u.doc_id AS other_id, m.section
FROM mine m JOIN usable u ON u.section = m.section AND u.band = m.band AND u.key = m.key AND u.doc_id <> m.doc_id
GROUP BY m.doc_id, u.doc_id, m.section HAVING count(*) >= {_C01_MIN_BANDS}
"""


_C01 = f"""
WITH cand AS ({lsh_candidates(checked.IDS)}),
scored AS (
    SELECT c.doc_id, c.section, c.other_id,
           list_sum(list_transform(range(1, len(a.minhash) + 1), lambda i: (a.minhash[i] = b.minhash[i])::INT))
             * 100.0 / len(a.minhash) AS sim
    FROM cand c
    JOIN {checked.REPORTS} r ON r.doc_id = c.doc_id JOIN core.reports o ON o.doc_id = c.other_id
    JOIN {checked.SIGNATURES} a ON a.doc_id = c.doc_id AND a.section = c.section
    JOIN core.text_signatures b ON b.doc_id = c.other_id AND b.section = c.section
    WHERE r.agency_id IS DISTINCT FROM o.agency_id OR r.agency_id IS NULL
),
best AS (
    SELECT doc_id, section, max(sim) AS sim, arg_max(other_id, (sim, other_id)) AS other_id,  -- ties: the same one every run
           count(*) FILTER (WHERE sim >= {C01_THRESHOLD}) AS copies
    FROM scored GROUP BY doc_id, section
)
SELECT t.doc_id, 'section ' || {_sec('t.section')} || ' vs other agencies'' reports' AS location,
       floor(coalesce(b.sim, 0))::DOUBLE AS observed, NULL::DOUBLE AS low, {C01_THRESHOLD - 1}::DOUBLE AS high,
       CASE WHEN b.other_id IS NULL THEN 'no other agency''s section shares two LSH bands with it'
            ELSE 'closest: ' || coalesce(o.agency, '?') || ' ' || coalesce(o.report_year::VARCHAR, '?') || ' (' || {_file('o.source_path')}
              || ', doc ' || left(o.doc_id, 12) || '…), ' || floor(b.sim) || '% of MinHash values equal; '
              || b.copies || ' report(s) at ≥ {C01_THRESHOLD}%' END AS evidence,
       CASE WHEN b.sim >= {C01_THRESHOLD} THEN 'copied: shares ≈' || floor(b.sim) || '% (Jaccard) with ' || coalesce(o.agency, '?')
              || ' ' || coalesce(o.report_year::VARCHAR, '?')
            ELSE floor(coalesce(b.sim, 0)) || '% similar at most' END AS shown_observed,
       '< {C01_THRESHOLD}% shared with any other agency''s report' AS shown_expected
FROM {checked.SIGNATURES} t
LEFT JOIN best b ON b.doc_id = t.doc_id AND b.section = t.section
LEFT JOIN core.reports o ON o.doc_id = b.other_id
ORDER BY t.doc_id, t.section  -- places listed in the message: 一 before 五
"""

# ---------------------------------------------------------------------------
# the registry
# ---------------------------------------------------------------------------

_NO_TABLE3 = "table 三 not present"
_NO_TABLE4 = "table 四 not present"
_NO_TABLE2 = "table 二 not present"

RECONCILIATIONS: dict[str, Check] = {
    "P-01": Check(_P01, "no report"),
    "P-02": Check(_P02, "no report"),
    "P-03": Check(_P03, "no pre-2019 statistics table"),
    "P-04": Check(_P04, "no table 二/三/四"),
    "P-05": Check(_P05, "no report"),
    "P-06": Check(_P06, "no report"),
    "T2-01": Check(_T201, _NO_TABLE2),
    "T2-02": Check(_T202, "no 2019-format 上一年项目数量/本年增减 pair in table 二"),
    "T2-03": Check(_T203, "no 2019-format 本年新公开数量/对外公开总数量 pair in table 二"),
    "T2-04": Check(_T204, "no 2019-format 本年新制作数量/本年新公开数量 pair in table 二"),
    "T2-05": Check(_T205, "not a county- or township-level body with a 规章 row in table 二"),
    "T2-06": Check(_T206, "no 2019-format 采购总金额 in table 二"),
    "T2-07": Check(_T207, "no 2021-format 收费金额 in table 二, or nothing to compare it with"),
    "T3-01": Check(_T301, _NO_TABLE3),
    "T3-02": Check(_T302, "table 三 has no (七)总计 row"),
    "T3-03": Check(_T303, "table 三 lacks 本年新收 or (七)总计"),
    "T3-04": Check(_T304, _NO_TABLE3),
    "T3-05": Check(_T305, "no subtotal rows", na_sql=_T305_NA),
    "T3-06": Check(_T306, _NO_TABLE3),
    "T3-07": Check(_T307, "table 三 has no 结转下年度 row"),
    "T4-04": Check(_T404, _NO_TABLE4),
    "X-01": Check(_X01, "the prose states no application count (新收/办结/上年结转/结转) that table 三 has"),
    "X-02": Check(_X02, "the prose states no outcome count or share that table 三 has"),
    "X-03": Check(_X03, "the prose states no review/litigation count that table 四 has"),
    "X-04": Check(_X04, "the prose states no 规章/规范性文件 count that table 二 has"),
    "X-05": Check(_X05, "not a 2021-format annual report", na_sql=_X05_NA),
    "X-06": Check(_X06, "table 三 (六)2 逾期未缴费 is 0, blank or absent"),
    "X-07": Check(_X07, "the prose has no rate, share or 其中 list to check"),
    "X-08": Check(_X08, "the prose states no 信息处理费 amount"),
    "X-09": Check(_X09, "the prose has no 一是/二是 enumeration"),
    "Y-01": Check(_Y01, "no previous-year report with table 三", na_sql=_y_na("table 三 上年结转/结转下年度")),
    "Y-02": Check(_Y02, "no previous-year 2021-format table 二", na_sql=_y_na("2021-format 现行有效件数")),
    "Y-04": Check(_Y04, "no previous-year 2019-format table 二", na_sql=_y_na("2019-format 上一年项目数量")),
    "Y-05": Check(_Y05, "no previous-year statistics table", na_sql=_y_na("a 历年累计 column for the same indicator")),
    "Y-06": Check(
        _Y06,
        "no previous-year annual report",
        na_sql=_y_na("section 一 or 五 of at least 50 characters"),
    ),
    "Y-07": Check(_Y07, "not an annual report with statistical tables, or the year is unknown"),
    "M-01": Check(_M01, "not a report for 2008–2018", na_sql=_deadline_na("r.report_year <= 2018", "not a report for 2008–2018")),
    "M-02": Check(
        _M02,
        "not a department's report for 2019 on",
        na_sql=_deadline_na(f"r.report_year >= 2019 AND body IN {_DEPARTMENT_KINDS}", "not a department''s report for 2019 on"),
    ),
    "M-03": Check(
        _M03,
        "not a government's own report for 2019 on",
        na_sql=_deadline_na("r.report_year >= 2019 AND body = 'government'", "not a government''s own report for 2019 on"),
    ),
    "M-04": Check(
        _M04,
        "not a 乡镇/街道 report for 2019 on",
        na_sql=_deadline_na("r.report_year >= 2019 AND body = 'township'", "not a 乡镇/街道 report for 2019 on"),
        note="deadline source: default 31 January (条例 Art. 49 names only 县级以上 bodies; no provincial/municipal rule is recorded)",
    ),
    "M-05": Check(_M05, "not a 2019/2021-format annual report"),
    "M-06": Check(_M06, "not a people's government report for 2019 on", na_sql=_M06_NA),
    "M-07": Check(_M07, "not an annual report, or the year is unknown"),
    "M-08": Check(_M08, "not an annual report with a known agency and year"),
    "M-09": Check(_M09, "not a government's own annual report"),
    "M-10": Check(_M10, "no report"),
    "M-11": Check(_M11, "the agency names no place"),
    "R-01": Check(_R01, "not a government's own whole-region report with reports of its parts loaded", na_sql=_R01_NA),
    "C-01": Check(_C01, "section 一 and 五 are missing or shorter than ~120 characters"),
    "Y-08": Check(_Y08, "no previous-year report with table 三", na_sql=_y_na("table 三 read whole")),
}
for _rule, _proc, _label in (
    ("T4-01", "review", "行政复议"),
    ("T4-02", "litigation_direct", "未经复议直接起诉"),
    ("T4-03", "litigation_after_review", "复议后起诉"),
):
    RECONCILIATIONS[_rule] = Check(_T4_SQL.format(proceeding=_proc, label=_label, table=checked.REVIEW), _NO_TABLE4)

# Why a rule could not be assessed for a report that has no rows for it (default reasons).
NOT_ASSESSABLE_REASON: dict[str, str] = {rule_id: check.not_assessable for rule_id, check in RECONCILIATIONS.items()}
