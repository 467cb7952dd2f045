"""Layer 1: finding report files and storing their bytes.

Content is identified by its sha256, so the same bytes under two names are
one report, and loading a folder twice adds nothing. Every readable file's
bytes are kept, even when a later stage cannot make sense of them: a better
parser can try again without the original file.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import duckdb

from warehouse import db
from warehouse.shapes import rows_frame

# .md/.markdown are text layouts (PDF converters and OCR tools write Markdown): read like .txt.
# .doc/.wps: legacy Word, converted by LibreOffice in the clean stage (orchestration.engine.convert).
SUPPORTED_EXTENSIONS = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".pdf", ".docx", ".doc", ".wps"}
)
_EXTENSIONS = tuple(sorted(SUPPORTED_EXTENSIONS))  # for str.endswith (a name never starts with its dot here)
# ... except a folder's own documentation (../shared/corpus/README.md): never a report.
_FOLDER_DOCS = frozenset({"readme.md", "readme.markdown", "changelog.md", "license.md", "contributing.md"})
MAX_FILE_BYTES = 64 * 1024 * 1024  # larger files are refused, not read into memory


@dataclass
class IngestStats:
    seen: int = 0
    new: int = 0
    already_loaded: int = 0
    errors: int = 0
    error_codes: dict[str, int] = field(default_factory=dict)
    new_doc_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_metadata(self) -> dict[str, int]:
        meta = {
            "files_seen": self.seen,
            "documents_new": self.new,
            "documents_already_loaded": self.already_loaded,
            "files_failed": self.errors,
            "seconds": round(self.seconds, 3),
        }
        meta.update({f"errors.{k}": v for k, v in sorted(self.error_codes.items())})
        return meta


class FoundFile(NamedTuple):
    """A file `discover` found. A tuple: a reload makes one per file (a frozen dataclass cost 1.3 µs)."""

    source: str  # the path as found (kept a string: a reload of 100k files makes no Path for them)
    error: tuple[str, str] | None = None  # (code, message) when it must not be read
    fingerprint: tuple[int, int] | None = None  # (size, mtime_ns) when it may be read

    @property
    def path(self) -> Path:
        return Path(self.source)


def discover(paths: list[str | Path]) -> Iterator[FoundFile]:
    """Report files under the given files and folders, recursively, in a stable order.

    Symbolic links are never followed out of the folder that was given: a
    crawler dump must not be able to make the load read arbitrary files.
    """
    for given in paths:
        root = Path(given)
        if root.is_file() or (root.is_symlink() and not root.is_dir()):
            yield _check_file(str(root), root.parent)
            continue
        if not root.is_dir():
            missing = str(root)
            yield FoundFile(missing, ("not_found", f"{root} does not exist"))
            continue
        real_root = root.resolve()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames.sort()
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            prefix = os.path.join(dirpath, "")
            for name in sorted(filenames):
                # plain strings and C string methods until a file is kept: a reload of 100k files
                # is this loop (os.path.splitext and join cost it 0.5 s)
                lower = name.lower()
                if name.startswith(".") or not lower.endswith(_EXTENSIONS) or lower in _FOLDER_DOCS:
                    continue
                yield _check_file(prefix + name, real_root)


def _check_file(path: str, real_root: Path) -> FoundFile:
    try:
        st = os.lstat(path)  # one system call tells a link from a file, and a file's size and mtime
        if stat.S_ISLNK(st.st_mode):
            target = Path(path).resolve()
            if not target.is_relative_to(real_root.resolve()):
                return FoundFile(path, ("symlink_outside_input", f"{path} links to {target}, outside the input folder; not followed"))
            st = os.stat(path)
    except OSError as exc:
        return FoundFile(path, ("unreadable", f"cannot stat {path}: {exc.strerror}"))
    if st.st_size > MAX_FILE_BYTES:
        return FoundFile(path, ("file_too_large", f"{st.st_size} bytes exceeds the {MAX_FILE_BYTES} byte limit per document"))
    return FoundFile(path, fingerprint=(st.st_size, st.st_mtime_ns))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ingest_files(
    con: duckdb.DuckDBPyConnection,
    paths: list[str | Path],
    batch_bytes: int = 64 * 1024 * 1024,
    progress=None,
) -> IngestStats:
    """Store the bytes of every new file under `paths`; returns counts for the summary.

    A file whose path, size and modification time are those it had when it
    was last read is not read again (staging.file_fingerprints): a reload
    of a 100k-file folder costs a stat per file, not reading and hashing
    gigabytes.
    """
    started = time.perf_counter()
    stats = IngestStats()
    docs: list[dict] = []
    pairs: list[dict] = []
    errors: list[dict] = []
    prints: list[dict] = []
    pending_bytes = 0
    now = datetime.now()
    known = _known_fingerprints(con)

    def flush() -> None:
        nonlocal docs, pairs, errors, prints, pending_bytes
        _write_batch(con, docs, pairs, errors, prints, stats)
        docs, pairs, errors, prints, pending_bytes = [], [], [], [], 0

    for found in discover(paths):
        stats.seen += 1
        source = found.source
        if found.error:
            code, message = found.error
            errors.append({"source_path": source, "doc_id": None, "stage": "read", "error": code, "message": message, "at": now})
            continue
        if found.fingerprint is not None and known.get(source) == found.fingerprint:
            stats.already_loaded += 1
            continue
        try:
            path = found.path
            data = path.read_bytes()
        except OSError as exc:
            errors.append({"source_path": source, "doc_id": None, "stage": "read", "error": "unreadable", "message": f"cannot read {source}: {exc.strerror}", "at": now})
            continue
        doc_id = sha256_hex(data)
        docs.append(
            {
                "doc_id": doc_id,
                "source_path": source,
                "file_name": path.name,
                "extension": path.suffix.lower().lstrip("."),
                "size_bytes": len(data),
                "content": data,
                "first_seen_at": now,
            }
        )
        pairs.append({"source_path": source, "doc_id": doc_id, "seen_at": now})
        if found.fingerprint is not None:
            size, mtime_ns = found.fingerprint
            prints.append({"source_path": source, "size_bytes": size, "mtime_ns": mtime_ns, "doc_id": doc_id})
        pending_bytes += len(data)
        if pending_bytes >= batch_bytes:
            flush()
        if progress and stats.seen % 200 == 0:
            progress("raw_documents", stats.seen, 0)
    flush()
    if progress:
        progress("raw_documents", stats.seen, stats.seen)
    stats.seconds = time.perf_counter() - started
    return stats


def unseen_files(con: duckdb.DuckDBPyConnection, paths: list[str | Path]) -> tuple[int, int, int]:
    """(report files under `paths`, those a load would read, those it would record a read error for).

    A file is read unless its path, size and modification time are those it
    had when it was last read. A stat per file, no reading: the loader asks
    before its run starts, so that a load with files to read starts its
    workers while the run is set up, and a reload of stored files starts none.
    """
    known = _known_fingerprints(con)
    seen = unseen = failing = 0
    for found in discover(paths):
        seen += 1
        if found.error is not None:
            failing += 1
        elif found.fingerprint is None or known.get(found.source) != found.fingerprint:
            unseen += 1
    return seen, unseen, failing


def _known_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    return {
        path: (size, mtime_ns)
        for path, size, mtime_ns in con.execute("SELECT source_path, size_bytes, mtime_ns FROM staging.file_fingerprints").fetchall()
    }


def _write_batch(con, docs: list[dict], pairs: list[dict], errors: list[dict], prints: list[dict], stats: IngestStats) -> None:
    doc_frame = rows_frame("raw.documents", docs).unique("doc_id", keep="first", maintain_order=True)
    print_frame = rows_frame("staging.file_fingerprints", prints).unique("source_path", keep="last", maintain_order=True)
    pair_frame = rows_frame("raw.document_paths", pairs).unique(["source_path", "doc_id"], maintain_order=True)
    error_frame = rows_frame("core.load_errors", errors)
    con.register("_ogi_docs", doc_frame)
    con.register("_ogi_pairs", pair_frame)
    con.register("_ogi_read_errors", error_frame)
    con.register("_ogi_prints", print_frame)
    try:
        with db.transaction(con):
            new_ids = [
                r[0]
                for r in con.execute(
                    "SELECT d.doc_id FROM _ogi_docs d ANTI JOIN raw.documents r ON r.doc_id = d.doc_id"
                ).fetchall()
            ]
            con.execute(
                "INSERT INTO raw.documents BY NAME SELECT d.* FROM _ogi_docs d ANTI JOIN raw.documents r ON r.doc_id = d.doc_id"
            )
            con.execute(
                "INSERT INTO raw.document_paths BY NAME SELECT p.* FROM _ogi_pairs p "
                "ANTI JOIN raw.document_paths r ON r.source_path = p.source_path AND r.doc_id = p.doc_id"
            )
            # A read error is recorded once per path and code, however often the folder is
            # loaded; an unchanged one keeps its row (and time): loading twice changes nothing.
            con.execute(
                "DELETE FROM core.load_errors e WHERE stage = 'read' AND doc_id IS NULL AND EXISTS ("
                "SELECT 1 FROM _ogi_read_errors n WHERE n.source_path = e.source_path AND n.error = e.error "
                "AND n.message IS DISTINCT FROM e.message)"
            )
            con.execute(
                "INSERT INTO core.load_errors BY NAME SELECT n.* FROM _ogi_read_errors n "
                "ANTI JOIN (SELECT * FROM core.load_errors WHERE stage = 'read' AND doc_id IS NULL) e "
                "ON e.source_path = n.source_path AND e.error = n.error"
            )
            # Fingerprints last: a load killed before this commit reads the files again next time.
            con.execute("DELETE FROM staging.file_fingerprints WHERE source_path IN (SELECT source_path FROM _ogi_prints)")
            con.execute("INSERT INTO staging.file_fingerprints BY NAME SELECT * FROM _ogi_prints")
    finally:
        for name in ("_ogi_docs", "_ogi_pairs", "_ogi_read_errors", "_ogi_prints"):
            con.unregister(name)
    stats.new += len(new_ids)
    stats.new_doc_ids.extend(new_ids)
    stats.already_loaded += len(docs) - len(new_ids)
    stats.errors += len(errors)
    for e in errors:
        stats.error_codes[e["error"]] = stats.error_codes.get(e["error"], 0) + 1
