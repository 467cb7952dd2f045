-- Layer 1 — raw: the bytes exactly as they arrived. Nothing here is ever
-- rewritten, so every later layer can be re-derived after a parser change.
CREATE SCHEMA IF NOT EXISTS raw;

CREATE TABLE IF NOT EXISTS raw.documents (
    doc_id        VARCHAR PRIMARY KEY,
    source_path   VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    extension     VARCHAR,
    size_bytes    BIGINT NOT NULL,
    content       BLOB NOT NULL,
    first_seen_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE raw.documents IS 'One row per distinct file content (sha256): the raw bytes, kept forever so any report can be re-parsed without the original file.';
COMMENT ON COLUMN raw.documents.doc_id IS 'sha256 of the raw bytes (hex); the stable id used by every other table.';
COMMENT ON COLUMN raw.documents.source_path IS 'Path the bytes were first loaded from.';
COMMENT ON COLUMN raw.documents.file_name IS 'File name part of source_path.';
COMMENT ON COLUMN raw.documents.extension IS 'Lower-case extension of the file name (txt, html, pdf, docx ...).';
COMMENT ON COLUMN raw.documents.size_bytes IS 'Size of the raw bytes.';
COMMENT ON COLUMN raw.documents.content IS 'The raw bytes.';
COMMENT ON COLUMN raw.documents.first_seen_at IS 'When these bytes were first loaded.';

CREATE TABLE IF NOT EXISTS raw.document_paths (
    source_path VARCHAR NOT NULL,
    doc_id      VARCHAR NOT NULL,
    seen_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (source_path, doc_id)
);
COMMENT ON TABLE raw.document_paths IS 'Every (path, content) pair ever loaded: duplicates of one report under several names all point to one doc_id.';
COMMENT ON COLUMN raw.document_paths.source_path IS 'A path a file was loaded from.';
COMMENT ON COLUMN raw.document_paths.doc_id IS 'sha256 of the bytes found at that path.';
COMMENT ON COLUMN raw.document_paths.seen_at IS 'When the pair was first seen.';
