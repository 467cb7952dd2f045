"""Legacy Word files (.doc, .wps): converted by LibreOffice in the clean stage, then read like a DOCX.

The .doc is made by LibreOffice itself from the DOCX that tests/test_layouts.py
builds with python-docx (the official 2021 form with merged cells), so the
values it must give are that fixture's expected file. LibreOffice is found
the way the browser test finds Chromium (tests/system_tools.py): `make test`
installs it where it can, elsewhere these tests are skipped (CI: they fail).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from gold import compare
from orchestration.cli import main as ogi
from system_tools import require
from test_layouts import _expected, build_docx
from transforms.model import TransformError
from orchestration.engine import convert, derive
from orchestration.settings import Settings

REPO = Path(__file__).resolve().parents[1]
EXPECTED = _expected("docx_2021_merged.docx")


@pytest.fixture(scope="module")
def soffice() -> str:
    return require(convert.find_soffice(Settings.from_env().soffice), "LibreOffice (soffice, for legacy .doc/.wps files)", "libreoffice-writer-nogui", "OGI_SOFFICE")


@pytest.fixture(scope="module")
def legacy_doc(tmp_path_factory, soffice) -> bytes:
    """The generated DOCX saved by LibreOffice as a Word 97–2003 .doc."""
    work = tmp_path_factory.mktemp("make-doc")
    (work / "report.docx").write_bytes(build_docx(EXPECTED))
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "doc:MS Word 97", "--outdir", str(work / "out"), str(work / "report.docx")],
        capture_output=True, timeout=180, check=False,
    )
    made = work / "out" / "report.doc"
    assert made.is_file(), f"LibreOffice did not make a .doc: {done.stdout!r} {done.stderr!r}"
    data = made.read_bytes()
    assert data.startswith(convert.OLE_MAGIC), "a real Word 97–2003 file (OLE2), not a renamed DOCX"
    return data


def _doc_id(con, name: str) -> str:
    (doc_id,) = con.execute("SELECT doc_id FROM raw.document_paths WHERE source_path LIKE ?", [f"%{name}"]).fetchone()
    return doc_id


def test_doc_loads_like_the_docx_it_was_made_from(tmp_path: Path, legacy_doc: bytes) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "岳麓区教育局2023年报.doc").write_bytes(legacy_doc)
    db = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(inbox), "--db", str(db), "--quiet"]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT source_path, error, message FROM core.load_errors").fetchall() == []
        doc_id = _doc_id(con, "年报.doc")
        assert con.execute("SELECT kind, encoding FROM staging.cleaned_text WHERE doc_id = ?", [doc_id]).fetchone() == (
            "doc",
            "doc→docx",
        )
        assert con.execute("SELECT status FROM core.reports WHERE doc_id = ?", [doc_id]).fetchone() == ("published",)
        assert compare(con, doc_id, EXPECTED) == [], "every cell of the three tables, as from the DOCX"


def test_wps_is_converted_too(legacy_doc: bytes) -> None:
    """Kingsoft WPS writes the same OLE2 Word format under .wps."""
    as_doc = derive.clean(legacy_doc, "report.doc")["staging.cleaned_text"]
    as_wps = derive.clean(legacy_doc, "report.wps")["staging.cleaned_text"]
    assert as_wps["text"] == as_doc["text"] and "长沙市岳麓区教育局" in as_wps["text"][0]
    assert as_wps["encoding"] == ["wps→docx"] and as_wps["kind"] == ["doc"]


def test_without_libreoffice_a_clear_error_then_converted_once_it_is_there(tmp_path: Path, legacy_doc: bytes) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "report.doc").write_bytes(legacy_doc)
    db = tmp_path / "ogi.duckdb"
    # A machine without LibreOffice: a fresh process (its workers inherit the environment).
    env = {**os.environ, "OGI_SOFFICE": str(tmp_path / "no-such-soffice")}
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "load", str(inbox), "--db", str(db), "--quiet"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "needs_converter" in done.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT stage, error, message FROM core.load_errors").fetchall()
        assert con.execute("SELECT count(*) FROM core.reports").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM raw.documents").fetchone() == (1,), "its bytes are kept"
    assert len(rows) == 1
    stage, error, message = rows[0]
    assert (stage, error) == ("read", "needs_converter")
    assert "LibreOffice" in message and "apt-get install libreoffice-writer-nogui" in message

    # LibreOffice is installed now: the next load converts the stored bytes (no file changed).
    assert ogi(["load", str(inbox), "--db", str(db), "--quiet"]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.load_errors").fetchone() == (0,)
        doc_id = _doc_id(con, "report.doc")
        assert con.execute("SELECT status FROM core.reports WHERE doc_id = ?", [doc_id]).fetchone() == ("published",)
        assert compare(con, doc_id, EXPECTED) == []


def test_a_doc_that_is_really_html_is_read_as_html() -> None:
    """Gov sites save web pages as .doc: only OLE2 bytes go to LibreOffice."""
    page = "<html><body><p>某某局2023年政府信息公开工作年度报告</p></body></html>".encode()
    assert not convert.is_legacy_word(page, "report.doc")
    assert derive.clean(page, "report.doc")["staging.cleaned_text"]["kind"] == ["html"]


def _fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return str(script)


def test_a_hanging_converter_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    hanging = convert.Converter(_fake_soffice(tmp_path, f"sleep 300 & echo $! > {pid_file}; wait"), seconds=2)
    started = time.monotonic()
    with pytest.raises(TransformError) as caught:
        convert.legacy_word_to_docx(convert.OLE_MAGIC + b"\0" * 512, "report.doc", hanging)
    assert caught.value.code == "conversion_timeout" and caught.value.stage == "read"
    assert time.monotonic() - started < 30
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2], (
        "the converter's own children are killed with it"
    )


def test_a_file_libreoffice_cannot_open_is_conversion_failed(tmp_path: Path) -> None:
    failing = convert.Converter(_fake_soffice(tmp_path, "echo 'Error: source file could not be loaded'; exit 0"))
    with pytest.raises(TransformError) as caught:
        convert.legacy_word_to_docx(convert.OLE_MAGIC + b"\0" * 512, "report.wps", failing)
    assert caught.value.code == "conversion_failed"
    assert "could not be loaded" in caught.value.message
