-- Layer 2 — staging: per-document intermediate results of the parser, each
-- stamped with the parser version that produced it.
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE IF NOT EXISTS staging.stage_ledger (
    doc_id         VARCHAR NOT NULL,
    stage          VARCHAR NOT NULL,
    parser_version VARCHAR NOT NULL,
    outcome        VARCHAR NOT NULL,
    done_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, stage)
);
COMMENT ON TABLE staging.stage_ledger IS 'Which stage has processed which document with which parser version: what makes loads incremental and re-derivation after a parser change automatic.';
COMMENT ON COLUMN staging.stage_ledger.doc_id IS 'Document id (sha256 of the raw bytes).';
COMMENT ON COLUMN staging.stage_ledger.stage IS 'Asset name of the stage (cleaned_text, report_metadata, ...).';
COMMENT ON COLUMN staging.stage_ledger.parser_version IS 'transforms.PARSER_VERSION that produced the stage output.';
COMMENT ON COLUMN staging.stage_ledger.outcome IS 'ok, or the load_errors code that stopped the document at this stage.';
COMMENT ON COLUMN staging.stage_ledger.done_at IS 'When the stage processed the document.';

CREATE TABLE IF NOT EXISTS staging.cleaned_text (
    doc_id         VARCHAR PRIMARY KEY,
    kind           VARCHAR NOT NULL,
    encoding       VARCHAR NOT NULL,
    text           VARCHAR NOT NULL,
    char_count     BIGINT NOT NULL,
    input_format   VARCHAR,
    cell_origins   VARCHAR
);
ALTER TABLE staging.cleaned_text ADD COLUMN IF NOT EXISTS input_format VARCHAR;
ALTER TABLE staging.cleaned_text ADD COLUMN IF NOT EXISTS cell_origins VARCHAR;
COMMENT ON TABLE staging.cleaned_text IS 'Cleaned text of each readable document: tables as rows of cells, site chrome removed; all offsets elsewhere refer to this text.';
COMMENT ON COLUMN staging.cleaned_text.doc_id IS 'Document id.';
COMMENT ON COLUMN staging.cleaned_text.kind IS 'How the file was read: text, html, pdf, docx, or doc (a legacy .doc/.wps converted to DOCX by LibreOffice).';
COMMENT ON COLUMN staging.cleaned_text.encoding IS 'Character encoding detected (utf-8, gb18030, utf-16 ...), or pdf/docx, or doc→docx / wps→docx for converted legacy Word files.';
COMMENT ON COLUMN staging.cleaned_text.text IS 'The cleaned text.';
COMMENT ON COLUMN staging.cleaned_text.char_count IS 'Length of the cleaned text in characters.';
COMMENT ON COLUMN staging.cleaned_text.input_format IS 'html, pdf, docx, doc, markdown or text: the container as read (core.reports.input_format).';
COMMENT ON COLUMN staging.cleaned_text.cell_origins IS 'JSON: line of the text → the container''s location of each cell on that table row line (PDF page and box, HTML/DOCX table, row, column); NULL for text inputs.';

CREATE TABLE IF NOT EXISTS staging.parse_issues (
    doc_id    VARCHAR NOT NULL,
    stage     VARCHAR NOT NULL,
    code      VARCHAR NOT NULL,
    tbl       VARCHAR,
    blocking  BOOLEAN NOT NULL,
    message   VARCHAR NOT NULL,
    readings  VARCHAR
);
ALTER TABLE staging.parse_issues ADD COLUMN IF NOT EXISTS readings VARCHAR;
COMMENT ON TABLE staging.parse_issues IS 'What the parser was unsure of in a document (misaligned rows, undecidable cells ...); blocking issues quarantine the report through rule P-01.';
COMMENT ON COLUMN staging.parse_issues.doc_id IS 'Document id.';
COMMENT ON COLUMN staging.parse_issues.stage IS 'Stage that raised the issue.';
COMMENT ON COLUMN staging.parse_issues.code IS 'Short stable code of the issue (table_row_misaligned ...).';
COMMENT ON COLUMN staging.parse_issues.tbl IS 'Table concerned (active_disclosure, requests, review_litigation) or NULL.';
COMMENT ON COLUMN staging.parse_issues.blocking IS 'True when the report must not be published because of it.';
COMMENT ON COLUMN staging.parse_issues.message IS 'What was seen, in words a maintainer understands.';
COMMENT ON COLUMN staging.parse_issues.readings IS 'JSON, for an undecided flattened run (undecidable_split) and the cross-year issues about it: {"cells": fact codes of its cells, "readings": every split its own report allows}; a neighbouring year may decide it (transforms/crossyear.py). NULL otherwise.';

CREATE TABLE IF NOT EXISTS staging.snapshot_log (
    path           VARCHAR PRIMARY KEY,
    watermark      TIMESTAMP,
    layout         VARCHAR NOT NULL,
    size_bytes     BIGINT NOT NULL,
    mtime_ns       BIGINT NOT NULL,
    changed_since_full BIGINT NOT NULL,
    written_at     TIMESTAMP NOT NULL
);
COMMENT ON TABLE staging.snapshot_log IS 'The published snapshot last written from this file, and the spare (the snapshot it replaced): what lets the next publish apply only the reports that changed since, in place in the spare (warehouse/snapshot.py).';
COMMENT ON COLUMN staging.snapshot_log.path IS 'Absolute path of the published snapshot file, or of its spare (ogi.published.duckdb.spare).';
COMMENT ON COLUMN staging.snapshot_log.watermark IS 'Latest stage_ledger.done_at the snapshot contains: documents processed after it are the ones to re-copy.';
COMMENT ON COLUMN staging.snapshot_log.layout IS 'Fingerprint of the tables, columns and comments copied; a change forces a full rewrite.';
COMMENT ON COLUMN staging.snapshot_log.size_bytes IS 'File size right after it was written; a different size means someone else replaced it, so it is rewritten in full.';
COMMENT ON COLUMN staging.snapshot_log.mtime_ns IS 'File modification time right after it was written (same purpose as size_bytes).';
COMMENT ON COLUMN staging.snapshot_log.changed_since_full IS 'Documents re-copied by incremental updates since the last full rewrite; once they outnumber the reports (deleted rows leave dead space in the file) the next publish rewrites it in full.';
COMMENT ON COLUMN staging.snapshot_log.written_at IS 'When the snapshot was written.';

CREATE TABLE IF NOT EXISTS staging.file_fingerprints (
    source_path VARCHAR PRIMARY KEY,
    size_bytes  BIGINT NOT NULL,
    mtime_ns    BIGINT NOT NULL,
    doc_id      VARCHAR NOT NULL
);
COMMENT ON TABLE staging.file_fingerprints IS 'Size and modification time of every file path as it was last read: a reload skips reading and hashing files whose fingerprint is unchanged (as make and rsync do).';
COMMENT ON COLUMN staging.file_fingerprints.source_path IS 'The path the file was read from.';
COMMENT ON COLUMN staging.file_fingerprints.size_bytes IS 'File size when it was read.';
COMMENT ON COLUMN staging.file_fingerprints.mtime_ns IS 'Modification time (ns since the epoch) when it was read.';
COMMENT ON COLUMN staging.file_fingerprints.doc_id IS 'sha256 of the bytes read then (raw.documents.doc_id).';

CREATE TABLE IF NOT EXISTS staging.schema_state (
    ddl_sha256 VARCHAR NOT NULL
);
COMMENT ON TABLE staging.schema_state IS 'sha256 of the DDL (warehouse/sql/*.sql) last applied to this file: a connection skips re-running unchanged DDL.';
COMMENT ON COLUMN staging.schema_state.ddl_sha256 IS 'Hash of the concatenated DDL scripts.';
