"""The same report in other containers: HTML page → PDF (headless Chromium, LibreOffice) and → DOCX (LibreOffice).

Why: real reports reach us as PDF printed from the web page or exported by an
office suite, and as Word files; the table reader must give the same facts
whatever container the report came in (issue 11). These helpers make those
containers from a generated HTML page, with the real tools:

* `html_to_pdf_chromium` — Chromium's ``--headless --print-to-pdf`` with no
  header/footer (no date, title, URL or page numbers stamped on the page);
* `to_pdf_libreoffice` — LibreOffice's Writer PDF export (``writer_pdf_Export``);
  an HTML page is imported with the Writer HTML filter ``HTML (StarWriter)``, not
  Writer/Web, so it is laid out as a printed document;
* `to_docx_libreoffice` — the same import, saved with the ``MS Word 2007 XML``
  filter (what "Save as Word 2007-365 .docx" writes).

Every call has a timeout (the whole process group is killed when it runs
over) and LibreOffice runs with a private user profile
(``-env:UserInstallation=file:///tmp/...``), so parallel test runs and other
users' LibreOffice never share a profile lock.  When a tool is not installed
the call skips the running test with a message (outside pytest it raises
`ToolMissing`); `make test` installs both (the Makefile's ``browser`` target).

Used by tests/test_container_invariance.py and benchmarks/containers_eval.py
(which imports this file by path, so it needs nothing but the standard library).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SOFFICE_NAMES = ("soffice", "libreoffice")
HTML_IMPORT_FILTER = "HTML (StarWriter)"  # Writer's HTML import (not Writer/Web's "HTML")
PDF_EXPORT = "pdf:writer_pdf_Export"
DOCX_EXPORT = "docx:MS Word 2007 XML"
DEFAULT_TIMEOUT = 120.0


class ToolMissing(RuntimeError):
    """Chromium or LibreOffice is not installed (under pytest the test is skipped instead)."""


class ConversionFailed(RuntimeError):
    """The tool ran but wrote no output, exited non-zero or ran over its timeout."""


def _missing(what: str) -> None:
    msg = f"{what} is not installed (make test installs it: see the Makefile's browser target)"
    if "pytest" in sys.modules:
        import pytest

        pytest.skip(msg)
    raise ToolMissing(msg)


def _which(names: tuple[str, ...], fallbacks: tuple[str, ...] = ()) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    for path in fallbacks:
        if os.access(path, os.X_OK):
            return path
    return None


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary, or None ($OGI_CHROMIUM overrides)."""
    env = os.environ.get("OGI_CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    return _which(CHROMIUM_NAMES, ("/usr/bin/chromium", "/usr/lib/chromium/chromium"))


def find_soffice() -> str | None:
    """Path of LibreOffice's soffice, or None ($OGI_SOFFICE overrides)."""
    env = os.environ.get("OGI_SOFFICE")
    if env:
        return env if os.access(env, os.X_OK) else None
    return _which(SOFFICE_NAMES, ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                                  "/opt/libreoffice/program/soffice"))


def _run(cmd: list[str], timeout: float, what: str) -> subprocess.CompletedProcess:
    """Run in a new session; on timeout kill the whole group (Chromium and soffice fork helpers)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "HOME": os.environ.get("HOME", tempfile.gettempdir())})
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise ConversionFailed(f"{what}: no result after {timeout:.0f} s: {' '.join(cmd)}") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def html_to_pdf_chromium(html_path: str | Path, pdf_path: str | Path, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Print a local HTML page to PDF with headless Chromium (A4/Letter default page, no header/footer)."""
    chromium = find_chromium()
    if chromium is None:
        _missing("Chromium")
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    pdf_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="ogi-chromium-") as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--no-default-browser-check", "--disable-extensions",
               "--no-pdf-header-footer", "--print-to-pdf-no-header",  # new and old spelling of "no header/footer"
               f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}", html_path.as_uri()]
        result = _run(cmd, timeout, f"chromium print of {html_path.name}")
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        raise ConversionFailed(f"chromium wrote no PDF for {html_path.name} (exit {result.returncode}): "
                               f"{result.stderr.decode(errors='replace')[-500:]}")
    return pdf_path


def _soffice(paths: list[Path], outdir: Path, convert_to: str, infilter: str | None, timeout: float) -> list[Path]:
    soffice = find_soffice()
    if soffice is None:
        _missing("LibreOffice (soffice)")
    outdir.mkdir(parents=True, exist_ok=True)
    ext = convert_to.split(":", 1)[0]
    targets = [outdir / f"{p.stem}.{ext}" for p in paths]
    for t in targets:
        t.unlink(missing_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="ogi-lo-profile-"))
    try:
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
               "--nologo", "--nodefault", "--nolockcheck"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", convert_to, "--outdir", str(outdir)] + [str(p) for p in paths]
        result = _run(cmd, timeout * max(1, len(paths)), f"soffice --convert-to {convert_to}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    missing = [t.name for t in targets if not t.is_file() or t.stat().st_size == 0]
    if missing:
        raise ConversionFailed(f"soffice wrote no {ext} for {missing} (exit {result.returncode}): "
                               f"{(result.stdout + result.stderr).decode(errors='replace')[-500:]}")
    return targets


def _as_list(path: str | Path | list) -> list[Path]:
    return [Path(p).resolve() for p in path] if isinstance(path, (list, tuple)) else [Path(path).resolve()]


def _html_filter(paths: list[Path]) -> str | None:
    return HTML_IMPORT_FILTER if all(p.suffix.lower() in (".html", ".htm") for p in paths) else None


def to_pdf_libreoffice(path: str | Path | list, outdir: str | Path, timeout: float = DEFAULT_TIMEOUT) -> Path | list[Path]:
    """Export a document (an HTML page, a DOCX …) to ``outdir/<stem>.pdf`` with LibreOffice Writer.

    Several paths (a list) are converted by one soffice process (one start-up, ~1 s, for all of
    them; the timeout then applies per file); the list of PDFs is returned.
    """
    paths = _as_list(path)
    out = _soffice(paths, Path(outdir).resolve(), PDF_EXPORT, _html_filter(paths), timeout)
    return out if isinstance(path, (list, tuple)) else out[0]


def to_docx_libreoffice(html_path: str | Path | list, outdir: str | Path,
                        timeout: float = DEFAULT_TIMEOUT) -> Path | list[Path]:
    """Import an HTML page into LibreOffice Writer and save it as ``outdir/<stem>.docx`` (MS Word 2007 XML)."""
    paths = _as_list(html_path)
    out = _soffice(paths, Path(outdir).resolve(), DOCX_EXPORT, _html_filter(paths), timeout)
    return out if isinstance(html_path, (list, tuple)) else out[0]


def html_screenshot_chromium(html_path: str | Path, png_path: str | Path, width: int = 1000, height: int = 2400,
                             timeout: float = DEFAULT_TIMEOUT) -> Path:
    """A picture of a local HTML page as a browser shows it (headless Chromium's ``--screenshot``), cropped
    to what is drawn: how a web page's picture of a table is made."""
    chromium = find_chromium()
    if chromium is None:
        _missing("Chromium")
    html_path, png_path = Path(html_path).resolve(), Path(png_path).resolve()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    png_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="ogi-chromium-") as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
               f"--user-data-dir={profile}", f"--window-size={width},{height}", f"--screenshot={png_path}",
               html_path.as_uri()]
        result = _run(cmd, timeout, f"chromium screenshot of {html_path.name}")
    if not png_path.is_file() or png_path.stat().st_size == 0:
        raise ConversionFailed(f"chromium wrote no screenshot for {html_path.name} (exit {result.returncode}): "
                               f"{result.stderr.decode(errors='replace')[-500:]}")
    from PIL import Image, ImageOps

    image = Image.open(png_path).convert("RGB")
    box = ImageOps.invert(image.convert("L")).getbbox()
    if box:
        pad = 8
        image = image.crop((max(0, box[0] - pad), max(0, box[1] - pad),
                            min(image.width, box[2] + pad), min(image.height, box[3] + pad)))
    image.save(png_path)
    return png_path
