"""What each stage takes, stated once: its ledger name and the documents it works on, and the
documents that wait for a tool (LibreOffice, OCR) that was missing when they were stored.

The stages (loading.py, checking.py) are built from these, and a load's plan
(pending.py) asks what is pending from them without importing the stages'
code (the transforms, GX's suites): a reload with nothing to do is answered
in about two seconds at 100,000 reports, a third of it Python's imports.
"""

from __future__ import annotations

from orchestration.engine import convert, ocr

# stage name → the documents it takes, in stored order (`pos`: stages.pending_doc_ids)
CLEAN = "cleaned_text"
METADATA = "report_metadata"
SECTIONS = "report_sections"
FACTS = "facts"
CHECK = "check_results"
SOURCES = {
    CLEAN: "SELECT doc_id, rowid AS pos FROM raw.documents",
    METADATA: "SELECT doc_id, rowid AS pos FROM staging.cleaned_text",
    SECTIONS: "SELECT doc_id, rowid AS pos FROM core.reports",
    FACTS: "SELECT doc_id, rowid AS pos FROM core.reports",
    CHECK: "SELECT doc_id, rowid AS pos FROM core.reports",
}

_NEEDING_CONVERTER = f"stage = '{CLEAN}' AND outcome = 'needs_converter'"
_NEEDING_OCR = (
    f"stage = '{CLEAN}' AND outcome = 'pdf_no_text_layer' AND doc_id IN (SELECT doc_id FROM core.load_errors "
    "WHERE error = 'pdf_no_text_layer' AND message LIKE '%OCR is not installed%')"
)


def _waiting(con, where: str) -> int:
    (n,) = con.execute(f"SELECT count(*) FROM staging.stage_ledger WHERE {where}").fetchone()
    return n


def _retry(con, where: str) -> int:
    """Forget the ledger rows `where` selects, so their documents are pending again; how many."""
    n = _waiting(con, where)
    if n:
        con.execute(f"DELETE FROM staging.stage_ledger WHERE {where}")
    return n


def waiting_for_tools(con, converter: convert.Converter) -> int:
    """Documents stored while LibreOffice or OCR was missing, now that it is there (pending again at the next run)."""
    return (_waiting(con, _NEEDING_CONVERTER) if converter.find() is not None else 0) + (
        _waiting(con, _NEEDING_OCR) if ocr.available() else 0
    )


def retry_needing_converter(con, converter: convert.Converter) -> int:
    """Legacy Word files stored while LibreOffice was missing are pending again once it is found."""
    return _retry(con, _NEEDING_CONVERTER) if converter.find() is not None else 0


def retry_needing_ocr(con) -> int:
    """Scanned PDFs stored while OCR was not installed are pending again once it is."""
    return _retry(con, _NEEDING_OCR) if ocr.available() else 0
