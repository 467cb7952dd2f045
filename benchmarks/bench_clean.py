"""HTML cleaning benchmark and output check: `python -m benchmarks.bench_clean`.

Why: `html_to_text` runs on every HTML page of a load, and the scale target
(≥200 pages/s end to end on 2 cores) leaves it a few ms per page. This
script times it (CPU ms per page, best of several passes) on every HTML
input there is, next to a bare `BeautifulSoup(html, "lxml").get_text()` and
a bare lxml parse (what a parser alone costs), and can save every output
and later diff against it, so that a faster implementation is shown to
render the same text.

Inputs, sniffed by content (as the pipeline does, not by file extension):

* tests/fixtures/layouts/*.html and any HTML among /work/shared/seeds and
  /work/shared/corpus (the real pages: timed);
* HTML pages of `orchestration.synth.generator.generate`, when it has an HTML layout
  (timed);
* variants of those pages that only the output check uses: truncated at
  many points, with every end tag removed, and deeply nested (malformed
  markup is where two parsers, or two ways of driving one, disagree);
* `--extra DIR`: more pages (for instance markup captured from the tests).

    python -m benchmarks.bench_clean                  # timings
    python -m benchmarks.bench_clean --save DIR       # + write every output to DIR
    python -m benchmarks.bench_clean --compare DIR    # + diff every output against DIR
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from transforms import extract
from transforms.cleaning import html_to_text
from transforms.decoding import decode_bytes
from transforms.model import TransformError
from transforms.pipeline import extract_document

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "layouts"
SHARED = (Path("/work/shared/seeds"), Path("/work/shared/corpus"))
_CUTS = 24  # truncation points per page in the variants
_END_TAG_RE = re.compile(r"</[A-Za-z][^>]*>")


class Page:
    """One input: its bytes (None for a derived variant) and decoded markup."""

    def __init__(self, name: str, html: str, data: bytes | None = None):
        self.name = name
        self.html = html
        self.data = data


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


def _html_page(name: str, data: bytes) -> Page | None:
    """A Page when the pipeline would read these bytes as HTML."""
    try:
        if extract._sniff(data, Path(name).suffix.lower()) != "html":
            return None
        html, _ = decode_bytes(data, html=True)
    except TransformError:
        return None
    return Page(name, html, data)


def real_pages() -> list[Page]:
    """Every HTML file of the fixtures, seeds and corpus (not the .json
    truth files next to them, which may quote markup)."""
    folders = (FIXTURES, *SHARED)
    pages = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".json"):
            page = _html_page(f"{folder.name}/{path.relative_to(folder)}", path.read_bytes())
            if page is not None:
                pages.append(page)
    return pages


def synth_pages(count: int) -> list[Page]:
    """HTML pages among `count` generated reports (none until synth has an
    HTML layout; other layouts are skipped)."""
    if count <= 0:
        return []
    from orchestration.synth.generator import generate

    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), count=count)
        pages = [_html_page(f"synth/{p.name}", p.read_bytes()) for p in paths]
    return [p for p in pages if p is not None]


def extra_pages(folder: Path | None) -> list[Page]:
    """Every UTF-8 file of `folder` as markup, fragments included (captured
    arguments of html_to_text need not sniff as a page)."""
    if folder is None:
        return []
    pages = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        try:
            pages.append(Page(f"extra/{path.name}", path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            continue
    return pages


def variants(pages: list[Page]) -> list[Page]:
    """Malformed and hostile versions of `pages`, for the output check only."""
    out = []
    for page in pages:
        html = page.html
        step = max(len(html) // _CUTS, 1)
        for cut in range(step, len(html), step):
            out.append(Page(f"variant/{page.name}#cut{cut}", html[:cut]))
        out.append(Page(f"variant/{page.name}#no-end-tags", _END_TAG_RE.sub("", html)))
    body = "政府信息公开工作年度报告<table><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>"
    for depth in (255, 256, 257, 2047, 2048, 2049, 3000):
        deep = "<html><body>" + "<div>" * depth + body + "</div>" * depth + "<p>尾部 tail</p></body></html>"
        out.append(Page(f"variant/deep{depth}", deep))
        out.append(Page(f"variant/deep{depth}-unclosed", "<html><body>" + "<span><div>" * depth + body))
    return out


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------


def _ms_per_page(func: Callable[[Page], object], pages: list[Page], repeat: int) -> float:
    """Best of `repeat` passes over all pages, in CPU ms per page: on a
    shared machine wall time mostly measures the neighbours, and the best
    pass is the least disturbed one."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for page in pages:
            try:
                func(page)
            except TransformError:
                pass
        best = min(best, time.process_time() - start)
    return best * 1000 / len(pages)


def _bare_bs4(page: Page) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(page.html, "lxml").get_text()


def _bare_lxml(page: Page) -> object:
    from lxml import etree

    return etree.fromstring(page.html.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))


def timings(pages: list[Page], repeat: int) -> dict[str, float]:
    with_bytes = [p for p in pages if p.data is not None]
    return {
        "html_to_text": _ms_per_page(lambda p: html_to_text(p.html), pages, repeat),
        "extract_document (bytes -> cleaned text)": _ms_per_page(
            lambda p: extract_document(p.data, p.name), with_bytes, repeat
        ),
        "bare BeautifulSoup(html, 'lxml').get_text()": _ms_per_page(_bare_bs4, pages, repeat),
        "bare lxml parse": _ms_per_page(_bare_lxml, pages, repeat),
    }


# ---------------------------------------------------------------------------
# Output check
# ---------------------------------------------------------------------------


def render(page: Page) -> str:
    """html_to_text's output, or the error it raised as a stable line."""
    try:
        return html_to_text(page.html)
    except TransformError as err:
        return f"!TransformError {err.code}"
    except Exception as exc:  # recorded, so that a change of behaviour shows
        return f"!{type(exc).__name__}"


def _file_name(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:16] + ".txt"


def save(pages: list[Page], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    index = {}
    for page in pages:
        # (bytes: text mode would turn a "\r" of an output into "\n" on reading)
        (folder / _file_name(page.name)).write_bytes(render(page).encode("utf-8", "surrogatepass"))
        index[page.name] = _file_name(page.name)
    (folder / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"saved {len(pages)} outputs to {folder}")


def compare(pages: list[Page], folder: Path) -> int:
    """Print every input whose output differs from the saved one; return the count."""
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    differ = missing = 0
    for page in pages:
        if page.name not in index:
            missing += 1
            continue
        want = (folder / index[page.name]).read_bytes().decode("utf-8", "surrogatepass")
        got = render(page)
        if got != want:
            differ += 1
            print(f"DIFFERS {page.name}: {_first_difference(want, got)}")
    print(f"compared {len(pages) - missing} inputs: {differ} differ ({missing} had no saved output)")
    return differ


def _first_difference(want: str, got: str) -> str:
    wl, gl = want.split("\n"), got.split("\n")
    for i, (a, b) in enumerate(zip(wl, gl)):
        if a != b:
            return f"line {i}: {a[:80]!r} -> {b[:80]!r}"
    return f"{len(wl)} lines -> {len(gl)} lines"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--save", type=Path, help="write every output to this folder")
    parser.add_argument("--compare", type=Path, help="diff every output against this folder")
    parser.add_argument("--extra", type=Path, help="a folder of more HTML inputs")
    parser.add_argument("--synth", type=int, default=48, help="generated reports to look for HTML in")
    parser.add_argument("--repeat", type=int, default=5, help="timing passes (best is reported)")
    args = parser.parse_args(argv)

    pages = real_pages() + synth_pages(args.synth)
    if not pages:
        print("no HTML inputs found", file=sys.stderr)
        return 1
    sizes = [len(p.html) for p in pages]
    print(f"{len(pages)} HTML pages (median {statistics.median(sizes):,.0f} chars): "
          + ", ".join(p.name for p in pages[:8]) + (" ..." if len(pages) > 8 else ""))
    for label, ms in timings(pages, args.repeat).items():
        print(f"{label:45s} {ms:8.2f} ms/page")
    checked = pages + variants(pages) + extra_pages(args.extra)
    if args.save:
        save(checked, args.save)
    if args.compare:
        return 1 if compare(checked, args.compare) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
