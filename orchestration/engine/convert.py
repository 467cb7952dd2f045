"""Legacy Word files (.doc, .wps) → DOCX bytes, through LibreOffice, before the pure extractor runs.

Many agencies still publish their annual report as a Word 97–2003 `.doc` or a
Kingsoft WPS `.wps` file: OLE2 compound files that no Python library reads
reliably. LibreOffice does, so when `soffice` is installed the clean stage
converts such bytes to DOCX here and hands them to transforms.extract like
any DOCX. This is I/O (a subprocess), so it lives in the warehouse stage that
reads raw bytes, never in the pure transforms/ package.

Without LibreOffice the document gets the load error `needs_converter`
saying what to install; its bytes stay in raw.documents, and the next load
after LibreOffice is installed converts it (orchestration.engine.loading.clean_stage
retries those documents). Other outcomes: `conversion_timeout` (LibreOffice
took longer than the time limit and was killed) and `conversion_failed`
(LibreOffice could not open the file, e.g. a password-protected document).

Runs inside the parser's worker processes, so it imports only the standard
library and the transforms' error type.
"""

from __future__ import annotations

import atexit
import os
from dataclasses import dataclass
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path, PurePath

from transforms.model import TransformError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LEGACY_WORD_EXTENSIONS = frozenset({".doc", ".wps"})
DEFAULT_SECONDS = 60.0  # a report converts in 1–3 s once LibreOffice has started
_CONVERTER_MEMORY = 4 * 1024**3  # LibreOffice's address-space cap (the worker's own cap is per document)
INSTALL_HINT = (
    "install LibreOffice (Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui; "
    "or put soffice on PATH, or set $OGI_SOFFICE), then load again: the document is converted on the next load"
)
_KNOWN_PATHS = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


def is_legacy_word(content: bytes, file_name: str) -> bool:
    """An OLE2 file named .doc or .wps (a .doc that is really HTML or text is read as what it is)."""
    return PurePath(file_name or "").suffix.lower() in LEGACY_WORD_EXTENSIONS and content.startswith(OLE_MAGIC)


@dataclass(frozen=True)
class Converter:
    """How legacy Word files are converted: the LibreOffice program (`$OGI_SOFFICE`; "" = look for
    one) and its time limit per file. Handed to the workers with each document (it pickles)."""

    program: str = ""
    seconds: float = DEFAULT_SECONDS

    def find(self) -> str | None:
        return find_soffice(self.program)


def find_soffice(given: str = "") -> str | None:
    """`given` (the configured program) if it is executable, else soffice/libreoffice on PATH,
    else LibreOffice at a usual place."""
    if given:
        return given if os.access(given, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in _KNOWN_PATHS:
        if os.access(path, os.X_OK):
            return path
    for path in sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True):
        if os.access(path, os.X_OK):
            return str(path)
    return None


_profile: str | None = None


def _profile_dir() -> str:
    """One LibreOffice user profile per process, reused: two instances must never share one."""
    global _profile
    if _profile is None or not os.path.isdir(_profile):
        _profile = tempfile.mkdtemp(prefix="ogi-soffice-profile-")
        atexit.register(shutil.rmtree, _profile, True)
    return _profile


def _converter_limits() -> None:  # runs in the child, before exec
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = _CONVERTER_MEMORY if hard == resource.RLIM_INFINITY else min(_CONVERTER_MEMORY, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def legacy_word_to_docx(content: bytes, file_name: str, converter: Converter = Converter()) -> bytes:
    """The DOCX LibreOffice makes of a .doc/.wps, or a TransformError (stage `read`) saying why not."""
    ext = PurePath(file_name or "").suffix.lower() or ".doc"
    timeout = converter.seconds
    soffice = converter.find()
    if soffice is None:
        raise TransformError("needs_converter", f"a legacy Word file ({ext}) needs LibreOffice to be read: {INSTALL_HINT}", stage="read")
    with tempfile.TemporaryDirectory(prefix="ogi-convert-") as work:
        source = Path(work, "report" + ext)
        source.write_bytes(content)
        out_dir = Path(work, "out")
        cmd = [
            soffice,
            f"-env:UserInstallation={Path(_profile_dir()).as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        # Its own process group, so a timeout kills LibreOffice's helper processes too.
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_converter_limits,
            cwd=work,
        )
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise TransformError(
                "conversion_timeout", f"LibreOffice did not convert the {ext} file within {timeout:.0f} s and was stopped", stage="read"
            ) from None
        target = out_dir / "report.docx"
        if proc.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            said = output.decode("utf-8", "replace").strip().replace("\n", " ")[-300:]
            raise TransformError(
                "conversion_failed",
                f"LibreOffice could not convert the {ext} file (exit {proc.returncode}): {said or 'no output'}",
                stage="read",
            )
        return target.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()
