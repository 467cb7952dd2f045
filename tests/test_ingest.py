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
