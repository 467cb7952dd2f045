-- Layer 4 — published: what analysts query. The same tables as core,
-- restricted to reports whose blocking checks all passed.
CREATE SCHEMA IF NOT EXISTS published;

CREATE OR REPLACE VIEW published.reports AS
SELECT doc_id, source_path, agency, region, admin_level, report_year, published_on,
       doc_kind, format_version, status, agency_id, input_format
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
