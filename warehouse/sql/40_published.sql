-- Layer 4 — published: what analysts query. The same tables as core,
-- restricted to reports whose blocking checks all passed.
CREATE SCHEMA IF NOT EXISTS published;

CREATE OR REPLACE VIEW published.reports AS
SELECT doc_id, source_path, agency, region, admin_level, report_year, published_on,
       doc_kind, format_version, status, agency_id, input_format, region_code, agency_type, repetition_rate
FROM core.reports
WHERE status = 'published';
COMMENT ON VIEW published.reports IS 'Reports whose blocking checks all passed.';

CREATE OR REPLACE VIEW published.fact_active_disclosure AS
SELECT f.doc_id, f.item, f.metric, f.value, f.unit, f.source, f.location, f.page, f.verified, f.verified_by
FROM core.fact_active_disclosure f JOIN core.reports r USING (doc_id)
WHERE r.status = 'published';
COMMENT ON VIEW published.fact_active_disclosure IS 'Table 二 facts of published reports.';

CREATE OR REPLACE VIEW published.fact_requests AS
SELECT f.doc_id, f.row_code, f.applicant, f.value, f.source, f.location, f.page, f.verified, f.verified_by
FROM core.fact_requests f JOIN core.reports r USING (doc_id)
WHERE r.status = 'published';
COMMENT ON VIEW published.fact_requests IS 'Table 三 facts of published reports.';

CREATE OR REPLACE VIEW published.fact_review_litigation AS
SELECT f.doc_id, f.proceeding, f.outcome, f.value, f.source, f.location, f.page, f.verified, f.verified_by
FROM core.fact_review_litigation f JOIN core.reports r USING (doc_id)
WHERE r.status = 'published';
COMMENT ON VIEW published.fact_review_litigation IS 'Table 四 facts of published reports.';

CREATE OR REPLACE VIEW published.fact_narrative_figures AS
SELECT f.doc_id, f.section, f.value, f.unit, f.qualifier, f.phrase, f.start_offset, f.end_offset, f.metric
FROM core.fact_narrative_figures f JOIN core.reports r USING (doc_id)
WHERE r.status = 'published';
COMMENT ON VIEW published.fact_narrative_figures IS 'Prose figures of published reports.';

CREATE OR REPLACE VIEW published.fact_legacy_stats AS
SELECT f.doc_id, f.indicator, f.unit, f.period, f.value, f.source
FROM core.fact_legacy_stats f JOIN core.reports r USING (doc_id)
WHERE r.status = 'published';
COMMENT ON VIEW published.fact_legacy_stats IS 'Pre-2019 statistics of published reports.';

-- One row per agency and year: the report chosen among the year's versions
-- (a published one first, then an annual report, then the latest stated
-- date), its deadline by agency_type (条例 Art. 49; before 2019 Art. 31 of
-- the 2008 条例), and its key figures. Figures come only from a published
-- report's tables: a quarantined report's row says so and carries no number.
-- Each CTE is read once, so a filter on the view (a snapshot update copies the
-- rows of the reports that changed) reaches the tables below it; a CTE read by
-- several others is computed whole first.
CREATE OR REPLACE VIEW published.agency_years AS
WITH ranked AS (
    SELECT r.*, row_number() OVER (
        PARTITION BY r.agency_id, r.report_year
        ORDER BY (r.status = 'published') DESC, (r.doc_kind = 'annual_report') DESC,
                 r.published_on DESC NULLS LAST, r.doc_id) AS pick
    FROM core.reports r
    WHERE r.agency_id IS NOT NULL AND r.report_year IS NOT NULL
),
chosen AS (
    SELECT *, CASE
        WHEN report_year <= 2018 THEN make_date(report_year + 1, 3, 31)
        WHEN agency_type = 'government' THEN make_date(report_year + 1, 3, 31)
        WHEN agency_type IN ('department', 'general_office', 'township') THEN make_date(report_year + 1, 1, 31)
        END AS deadline
    FROM ranked WHERE pick = 1
),
req AS (
    SELECT doc_id,
           max(value) FILTER (WHERE row_code = 'new_received') AS new_applications,
           max(value) FILTER (WHERE row_code = 'total_processed') AS processed,
           max(value) FILTER (WHERE row_code = 'carried_forward') AS carried_forward
    FROM core.fact_requests
    WHERE source = 'table' AND applicant = 'total'
    GROUP BY doc_id
),
rev AS (
    SELECT doc_id,
           max(value) FILTER (WHERE proceeding = 'review') AS reviews,
           CASE WHEN count(value) FILTER (WHERE proceeding <> 'review') > 0
                THEN coalesce(max(value) FILTER (WHERE proceeding = 'litigation_direct'), 0)
                   + coalesce(max(value) FILTER (WHERE proceeding = 'litigation_after_review'), 0) END AS lawsuits
    FROM core.fact_review_litigation
    WHERE source = 'table' AND outcome = 'total'
    GROUP BY doc_id
),
fee AS (
    SELECT doc_id, max(value) AS fee_amount
    FROM core.fact_active_disclosure
    WHERE source = 'table' AND item = 'fees' AND metric = 'amount'
    GROUP BY doc_id
),
ver AS (
    SELECT doc_id, avg(coalesce(verified, false)::INT)::DOUBLE AS verified_share
    FROM (
        SELECT doc_id, verified FROM core.fact_requests WHERE source = 'table' AND value IS NOT NULL
        UNION ALL SELECT doc_id, verified FROM core.fact_review_litigation WHERE source = 'table' AND value IS NOT NULL
        UNION ALL SELECT doc_id, verified FROM core.fact_active_disclosure WHERE source = 'table' AND value IS NOT NULL
    )
    GROUP BY doc_id
)
SELECT c.agency_id, c.agency, c.region, c.region_code, c.agency_type, c.report_year, c.doc_id, c.status,
       c.published_on,
       CASE WHEN c.published_on IS NOT NULL AND c.deadline IS NOT NULL
            THEN greatest(date_diff('day', c.deadline, c.published_on), 0) END AS days_late,
       q.new_applications, q.processed, q.carried_forward, v.reviews, v.lawsuits, e.fee_amount,
       c.repetition_rate, w.verified_share
FROM chosen c
LEFT JOIN req q ON q.doc_id = c.doc_id AND c.status = 'published'
LEFT JOIN rev v ON v.doc_id = c.doc_id AND c.status = 'published'
LEFT JOIN fee e ON e.doc_id = c.doc_id AND c.status = 'published'
LEFT JOIN ver w ON w.doc_id = c.doc_id;
COMMENT ON VIEW published.agency_years IS 'One row per agency and year (the table an analyst starts from): the chosen report (published first, then annual report, then the latest date), its deadline status and key figures; figures only from a published report''s tables.';
COMMENT ON COLUMN published.agency_years.agency_id IS 'Normalised agency key linking one agency''s reports across years (core.reports.agency_id).';
COMMENT ON COLUMN published.agency_years.agency IS 'Agency name as the chosen report writes it.';
COMMENT ON COLUMN published.agency_years.region IS 'Administrative area the agency name starts with.';
COMMENT ON COLUMN published.agency_years.region_code IS '6-digit GB/T 2260 code of region (latest-snapshot code of the area); NULL when undecided.';
COMMENT ON COLUMN published.agency_years.agency_type IS 'government, general_office, department, township or unknown.';
COMMENT ON COLUMN published.agency_years.report_year IS 'Year the report covers.';
COMMENT ON COLUMN published.agency_years.doc_id IS 'The report chosen for this agency and year.';
COMMENT ON COLUMN published.agency_years.status IS 'published or quarantined (the chosen report''s status; figures are NULL when quarantined).';
COMMENT ON COLUMN published.agency_years.published_on IS 'Date the chosen report states; NULL when unknown.';
COMMENT ON COLUMN published.agency_years.days_late IS 'Days past the statutory deadline (31 March of the next year for a government''s report and every report up to 2018, 31 January for departments, general offices and townships from 2019); 0 when on time; NULL when the date or the agency type is unknown.';
COMMENT ON COLUMN published.agency_years.new_applications IS 'Table 三 本年新收 总计 (applications received in the year).';
COMMENT ON COLUMN published.agency_years.processed IS 'Table 三 (七)总计 总计 (applications handled).';
COMMENT ON COLUMN published.agency_years.carried_forward IS 'Table 三 结转下年度继续办理 总计.';
COMMENT ON COLUMN published.agency_years.reviews IS 'Table 四 行政复议 总计.';
COMMENT ON COLUMN published.agency_years.lawsuits IS 'Table 四 未经复议直接起诉 总计 + 复议后起诉 总计.';
COMMENT ON COLUMN published.agency_years.fee_amount IS 'Table 二 行政事业性收费 本年收费金额 (万元 in the 2021 format).';
COMMENT ON COLUMN published.agency_years.repetition_rate IS 'Share (0–1) of sections 一 and 五 repeating the agency''s previous-year report (core.reports.repetition_rate).';
COMMENT ON COLUMN published.agency_years.verified_share IS 'Share of the chosen report''s filled table cells (tables 二–四) that an identity verified.';
