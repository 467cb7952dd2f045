"""Ingest: a reload reads no file it already has; a changed file is read again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import SEEDS
from warehouse import db
from warehouse.ingest import ingest_files


def _copy_seeds(folder: Path) -> list[Path]:
    folder.mkdir()
    return [Path(shutil.copyfile(p, folder / p.name)) for p in sorted(SEEDS.glob("*.txt"))]


def test_a_reload_reads_no_unchanged_file(tmp_path: Path, monkeypatch) -> None:
    files = _copy_seeds(tmp_path / "in")
    with db.connect(tmp_path / "ogi.duckdb") as con:
        first = ingest_files(con, [tmp_path / "in"])
        assert (first.seen, first.new, first.already_loaded) == (5, 5, 0)

        reads: list[Path] = []
        original = Path.read_bytes
        monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or original(self))
        again = ingest_files(con, [tmp_path / "in"])
        assert (again.seen, again.new, again.already_loaded, reads) == (5, 0, 5, [])

        # same name, new content (and a new mtime): read, hashed and stored as a new document
        files[0].write_text(files[0].read_text(encoding="utf-8") + "\n补充说明。", encoding="utf-8")
        st = files[0].stat()
        os.utime(files[0], ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
        changed = ingest_files(con, [tmp_path / "in"])
        assert (changed.new, changed.already_loaded, reads) == (1, 4, [files[0]])
        (documents,) = con.execute("SELECT count(*) FROM raw.documents").fetchone()
        (paths,) = con.execute("SELECT count(*) FROM raw.document_paths").fetchone()
        assert (documents, paths) == (6, 6)  # the old bytes are kept


def test_the_same_bytes_under_a_new_name_are_one_document(tmp_path: Path) -> None:
    files = _copy_seeds(tmp_path / "in")
    shutil.copyfile(files[1], tmp_path / "in" / "copy of 001.txt")
    with db.connect(tmp_path / "ogi.duckdb") as con:
        stats = ingest_files(con, [tmp_path / "in"])
        assert (stats.seen, stats.new, stats.already_loaded) == (6, 5, 1)
        (fingerprints,) = con.execute("SELECT count(*) FROM staging.file_fingerprints").fetchone()
        assert fingerprints == 6


def test_re_deriving_a_bad_file_keeps_one_error_row(tmp_path: Path) -> None:
    """A read or decode error is replaced, not repeated, when the clean stage runs again (backfill)."""
    import duckdb

    from orchestration.cli import main as ogi

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(b"%PDF-1.4 garbage")
    (folder / "b.txt").write_bytes(b"\x00\x01\x02binary\x00")
    db_path = tmp_path / "ogi.duckdb"
    assert ogi(["load", str(folder), "--db", str(db_path), "--quiet"]) == 0
    assert ogi(["backfill", "--db", str(db_path), "--quiet"]) == 0
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("SELECT stage, error, count(*) FROM core.load_errors GROUP BY ALL ORDER BY ALL").fetchall()
    assert rows == [("decode", "binary_content", 1), ("read", "pdf_invalid", 1)]


def test_discover_keeps_report_files_by_their_last_extension_in_name_order(tmp_path: Path) -> None:
    """What a folder walk keeps: a supported last extension in any case, never a hidden file or
    folder, a name that is only an extension, an unsupported one, or the folder's own README."""
    from warehouse.ingest import discover

    names = ["b.2021.HTML", "a.page.shtml", ".draft.md", "html", "x.html.bak", "readme.MD", "年报.Pdf", "c.docx"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "d.txt").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "e.txt").write_bytes(b"xy")
    found = list(discover([tmp_path]))
    assert [f.path.relative_to(tmp_path).as_posix() for f in found] == [
        "a.page.shtml", "b.2021.HTML", "c.docx", "年报.Pdf", "sub/e.txt"
    ]
    assert all(f.error is None for f in found) and found[-1].fingerprint[0] == 2


def test_markdown_files_are_report_inputs_read_like_text(tmp_path: Path) -> None:
    """.md and .markdown (what PDF converters and OCR tools write) are found by
    `ogi load` and by the inbox sensor, and decode like .txt: a GB18030 one too."""
    from orchestration.sensors import empty_cursor, plan_inbox
    from transforms.extract import extract_text
    from warehouse.ingest import discover

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    body = "# 某县人民政府2023年政府信息公开工作年度报告\n\n## 一、总体情况\n\n| 规章 | 0 | 0 | 0 |<br>\n"
    (inbox / "a.md").write_text(body, encoding="utf-8")
    (inbox / "b.markdown").write_bytes(body.encode("gb18030"))
    (inbox / "C.MD").write_text(body + "\n本年度未收取信息处理费。", encoding="utf-8")
    (inbox / "notes.json").write_text("{}")
    (inbox / "README.md").write_text("# 说明\n本文件夹存放2023年政府信息公开工作年度报告。")  # the folder's, not a report
    found = sorted(f.path.name for f in discover([inbox]) if f.error is None)
    assert found == ["C.MD", "a.md", "b.markdown"]

    with db.connect(tmp_path / "ogi.duckdb") as con:
        stats = ingest_files(con, [inbox])
        extensions = con.execute("SELECT extension FROM raw.documents ORDER BY 1").fetchall()
        (paths,) = con.execute("SELECT count(*) FROM raw.document_paths").fetchone()
    assert (stats.seen, stats.new, stats.already_loaded) == (3, 3, 0)
    assert (extensions, paths) == ([("markdown",), ("md",), ("md",)], 3)

    newest = max(p.stat().st_mtime for p in inbox.iterdir())
    plan = plan_inbox(inbox, empty_cursor(inbox), now=newest + 10, settle=5)
    assert sorted(r for b in plan.batches for r in b.rels) == ["C.MD", "a.md", "b.markdown"]

    utf8 = extract_text(body.encode("utf-8"), "a.md")
    gbk = extract_text(body.encode("gb18030"), "b.markdown")
    as_txt = extract_text(body.encode("utf-8"), "a.txt")
    assert (utf8.kind, gbk.kind, gbk.encoding) == ("text", "text", "gb18030")
    assert utf8.text == gbk.text
    # inline HTML in a Markdown table does not make the file a web page ...
    assert "| 规章 | 0 | 0 | 0 |" in utf8.text
    assert as_txt.kind == "html"  # (a .txt holding <br> early is sniffed as a saved page)
    # ... a saved page named .md still is one
    page = "<!DOCTYPE html><html><body><p>某县2023年政府信息公开工作年度报告</p></body></html>"
    assert extract_text(page.encode("utf-8"), "page.md").kind == "html"
