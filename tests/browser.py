"""Headless Chromium for the report tests, and small readers for what it returns.

Only the standard library and Pillow (a dependency of pdfplumber, so always
installed) are used: the test must not need a driver, a browser download or
network access. Chromium itself is a system package: `make test` installs
Debian's where it can (root with apt-get); elsewhere the browser test is
skipped with a message (tests/system_tools.py), and under CI it fails.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from system_tools import find_program

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


# Where Chromium lives when it is not on PATH: Debian/Ubuntu's real binary, a snap, macOS.
_KNOWN_PATHS = (
    "/usr/lib/chromium/chromium",
    "/snap/bin/chromium",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)


def find_chromium() -> str | None:
    """`$OGI_CHROMIUM`, else a Chromium or Chrome on PATH, else one at a usual place."""
    return find_program(CANDIDATES, "OGI_CHROMIUM", _KNOWN_PATHS)


def _run(binary: str, extra: list[str], url: str, timeout: int = 90) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="ogi-chromium-") as profile:
        cmd = [binary, *_FLAGS, f"--user-data-dir={profile}", *extra, url]
        try:
            return subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            # A page with no script renders in a second or two; a hang is what
            # an injected alert() does to headless Chromium.
            raise AssertionError(f"chromium did not finish {url} within {timeout}s (a script dialog blocking the page?)") from None


def dump_dom(binary: str, page: Path) -> str:
    """The DOM Chromium built from the page, serialised back to HTML."""
    done = _run(binary, ["--dump-dom"], page.resolve().as_uri())
    assert done.returncode == 0, f"chromium --dump-dom failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}"
    return done.stdout.decode("utf-8")


def screenshot(binary: str, page: Path, png: Path, size: str = "1280,2000") -> Path:
    done = _run(binary, [f"--screenshot={png}", f"--window-size={size}"], page.resolve().as_uri())
    assert done.returncode == 0 and png.exists(), (
        f"chromium --screenshot failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}"
    )
    return png


@dataclass
class Dom:
    """What a page is made of: its elements (tag, attributes) and its visible text."""

    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    text: str = ""

    def tags(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    def event_handlers(self) -> list[tuple[str, str]]:
        return [(tag, a) for tag, attrs in self.elements for a in attrs if a.lower().startswith("on")]

    def hrefs(self) -> list[str]:
        return [attrs["href"] for tag, attrs in self.elements if tag == "a" and attrs.get("href")]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dom = Dom()
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.dom.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._text.append(data)


def parse_dom(markup: str) -> Dom:
    """Elements and text of an HTML document (entities decoded, style/script bodies left out)."""
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    collector.dom.text = "".join(collector._text)
    return collector.dom


@dataclass
class PngStats:
    width: int
    height: int
    colours: int  # distinct colours in the image (capped)
    non_background: float  # share of pixels that differ from the most common colour
    near: dict[str, int]  # pixels close to each probed colour


def png_stats(png: Path, probes: dict[str, str] | None = None) -> PngStats:
    """Enough of a screenshot to tell a rendered page from a blank one."""
    from PIL import Image

    with Image.open(png) as im:
        assert im.format == "PNG", f"{png} is not a PNG"
        rgb = im.convert("RGB")
        width, height = rgb.size
        colours = rgb.getcolors(maxcolors=1 << 16) or []
        n_colours = len(colours) if colours else 1 << 16
        background = max(colours)[0] if colours else 0
        total = width * height
        near: dict[str, int] = {}
        for name, hex_colour in (probes or {}).items():
            target = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
            near[name] = sum(
                n for n, c in colours if sum(abs(a - b) for a, b in zip(c, target)) <= 24
            )
    return PngStats(width, height, n_colours, 1 - background / total, near)
