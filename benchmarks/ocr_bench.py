"""What OCR costs: time per scanned page, and OCR's share of a load's time (issue 16).

    python -m benchmarks.ocr_bench --workdir /tmp/ocr-bench [--scans 3] [--dpi 150]

The mix is the corpus (text PDFs, text files, a DOCX), the seeds, and scanned
copies of the corpus PDFs (tests/scans.py: pages rendered to pictures, put
back as an image-only PDF, tilted 0.5° with JPEG noise). Two loads into fresh
warehouses, with and without the scans, give OCR's share of the load time;
reading each scan alone in this process (orchestration.engine.derive.clean) gives the
time per scanned page. Prints one small table.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"


def _scans_module():
    spec = importlib.util.spec_from_file_location("ogi_test_scans", REPO / "tests" / "scans.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load_seconds(paths: list[Path], db: Path, workers: int | None, doc_timeout: float | None = None) -> float:
    import contextlib

    from orchestration.cli import main as ogi

    args = ["load", *map(str, paths), "--db", str(db), "--quiet"]
    if workers:
        args += ["--workers", str(workers)]
    if doc_timeout:
        args += ["--doc-timeout", str(doc_timeout)]
    started = time.perf_counter()
    with open(db.with_suffix(".log"), "w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
        code = ogi(args)
    if code != 0:
        raise SystemExit(f"load failed ({code}): see {db.with_suffix('.log')}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--scans", type=int, default=3, help="scanned copies of corpus PDFs in the mix")
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--doc-timeout", type=float, default=None,
                        help="per-document limit of the mix loads (default: the load's own, 120 s)")
    parser.add_argument("--long", type=int, default=0,
                        help="also load one scan of this many pages (corpus pages repeated) alone, with the default limits")
    args = parser.parse_args(argv)

    import pypdfium2 as pdfium

    from orchestration.engine import derive, ocr

    if not ocr.available():
        raise SystemExit("OCR is not installed: make setup")
    work = args.workdir
    shutil.rmtree(work, ignore_errors=True)
    text_mix, scans = work / "mix", work / "scans"
    text_mix.mkdir(parents=True)
    scans.mkdir()
    for folder in (SHARED / "corpus", SHARED / "seeds"):
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.suffix != ".md" and path.name != "README.md":
                shutil.copy(path, text_mix / f"{folder.name}_{path.name}")
    scan = _scans_module().image_only_pdf
    pdfs = sorted((SHARED / "corpus").glob("*.pdf"))[: args.scans]
    for k, pdf in enumerate(pdfs):
        (scans / f"scan_{pdf.name}").write_bytes(
            scan(pdf.read_bytes(), dpi=args.dpi, rotate=0.5 if k % 2 else -0.5, jpeg_quality=70, noise=8, seed=k)
        )

    pages = seconds = 0.0
    for path in sorted(scans.iterdir()):
        data = path.read_bytes()
        n = len(pdfium.PdfDocument(data))
        started = time.perf_counter()
        derive.clean(data, path.name)
        took = time.perf_counter() - started
        print(f"  {path.name}: {n} pages, {took:.1f} s ({took / n:.2f} s/page)")
        pages += n
        seconds += took

    without = _load_seconds([text_mix], work / "without.duckdb", args.workers, args.doc_timeout)
    with_scans = _load_seconds([text_mix, scans], work / "with.duckdb", args.workers, args.doc_timeout)
    import duckdb

    con = duckdb.connect(str(work / "with.duckdb"), read_only=True)
    unread = con.execute("SELECT count(*) FROM core.load_errors WHERE error LIKE 'ocr%' OR error = 'parse_timeout'").fetchone()[0]
    con.close()
    documents = sum(1 for _ in text_mix.iterdir())
    print()
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| scanned pages read alone (one process) | {pages:.0f} pages in {seconds:.1f} s: {seconds / pages:.2f} s/page |")
    print(f"| load of the mix without scans ({documents} files) | {without:.1f} s |")
    print(f"| load of the mix with {len(pdfs)} scans ({pages:.0f} pages) | {with_scans:.1f} s |")
    print(f"| OCR's share of the load with scans | {max(0.0, with_scans - without) / with_scans:.0%} |")
    print(f"| scans not read within the per-document limit | {unread} of {len(pdfs)} |")
    if args.long:
        long_dir = work / "long"
        long_dir.mkdir()
        (long_dir / "long_scan.pdf").write_bytes(_long_scan(pdfs, args.long, args.dpi, scan))
        took = _load_seconds([long_dir], work / "long.duckdb", args.workers)
        import duckdb

        con = duckdb.connect(str(work / "long.duckdb"), read_only=True)
        errors = con.execute("SELECT error, message FROM core.load_errors").fetchall()
        status = con.execute("SELECT status FROM core.reports").fetchall()
        con.close()
        outcome = f"load error {errors[0][0]}: {errors[0][1]}" if errors else f"read ({status[0][0] if status else '?'})"
        print(f"| one {args.long}-page scan loaded alone | {took:.1f} s; {outcome} |")
    return 0


def _long_scan(pdfs: list[Path], pages: int, dpi: int, scan) -> bytes:  # noqa: ANN001
    """A text PDF of `pages` pages (the corpus PDFs' pages repeated), scanned."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    sources = [pdfium.PdfDocument(p.read_bytes()) for p in pdfs]
    while len(out) < pages:
        for src in sources:
            take = min(len(src), pages - len(out))
            if take <= 0:
                break
            out.import_pages(src, list(range(take)))
    import io

    buf = io.BytesIO()
    out.save(buf)
    return scan(buf.getvalue(), dpi=dpi, jpeg_quality=70, noise=8)


if __name__ == "__main__":
    sys.exit(main())
