"""End-to-end load benchmark on generated reports: `python -m benchmarks.bench_load N`.

Measures what the scale targets are about, each in a fresh process so peak
RSS is the load's own: a full `ogi load` of N generated reports (wall time,
reports/s, peak RSS, time per step), a no-op reload of the same folder, a
reload with one extra report, `ogi check` over everything, and the latency of
typical analyst queries. Prints one figure per line, so runs can be compared.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synth import generate

ANALYST_QUERIES = {
    "totals by year and level": """
        SELECT r.report_year, r.admin_level, sum(f.value) AS new_applications
        FROM published.fact_requests f JOIN published.reports r USING (doc_id)
        WHERE f.row_code = 'new_received' AND f.applicant = 'total' AND f.source = 'table'
        GROUP BY ALL ORDER BY ALL""",
    "top agencies by applications": """
        SELECT r.agency, sum(f.value) AS applications
        FROM published.fact_requests f JOIN published.reports r USING (doc_id)
        WHERE f.row_code = 'new_received' AND f.applicant = 'total' AND f.source = 'table'
        GROUP BY r.agency ORDER BY applications DESC LIMIT 20""",
    "quarantine rate by rule": """
        SELECT rule, count(DISTINCT doc_id) FILTER (WHERE status = 'fail') * 1.0 / count(DISTINCT doc_id) AS rate
        FROM core.check_results WHERE severity = 'blocking' GROUP BY rule ORDER BY rate DESC""",
    "cross-year carry-over breaks": """
        SELECT a.agency_id, a.report_year, fa.value AS carried_forward, fb.value AS next_carried_over
        FROM core.reports a
        JOIN core.reports b ON b.agency_id = a.agency_id AND b.report_year = a.report_year + 1
        JOIN core.fact_requests fa ON fa.doc_id = a.doc_id AND fa.row_code = 'carried_forward' AND fa.applicant = 'total' AND fa.source = 'table'
        JOIN core.fact_requests fb ON fb.doc_id = b.doc_id AND fb.row_code = 'carried_over' AND fb.applicant = 'total' AND fb.source = 'table'
        WHERE fa.value <> fb.value""",
    "fees by province-level reports": """
        SELECT r.report_year, sum(f.value) AS fees_wan_yuan
        FROM published.fact_active_disclosure f JOIN published.reports r USING (doc_id)
        WHERE f.item = 'fees' AND f.metric = 'amount' GROUP BY ALL ORDER BY ALL""",
}


def _ogi() -> str:
    return str(Path(sys.executable).parent / "ogi")


def _run(args: list[str]) -> tuple[float, float, str]:
    """Run an ogi command in a child process: (seconds, peak RSS in MB of that child, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([_ogi(), *args], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"ogi {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024, proc.stdout


def _steps(stdout: str) -> str:
    m = re.search(r"time per step: (.*)", stdout)
    return m.group(1) if m else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=1000)
    parser.add_argument("--workdir", help="keep inputs and warehouse here (default: a temporary folder)")
    parser.add_argument("--error-rate", type=float, default=0.02)
    args = parser.parse_args(argv)

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="ogi-bench-"))
    inputs, db = work / "inputs", work / "ogi.duckdb"
    for path in (inputs, db):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    t0 = time.perf_counter()
    generate(inputs, count=args.count, seed=1, error_rate=args.error_rate)
    print(f"generated {args.count} reports in {time.perf_counter() - t0:.1f}s ({inputs})")

    seconds, rss, out = _run(["load", str(inputs), "--db", str(db), "--quiet", "--max-listed", "0"])
    print(f"full load: {seconds:.1f}s, {args.count / seconds:.0f} reports/s, peak RSS {rss:.0f} MB")
    print(f"  steps: {_steps(out)}")
    noop, _, _ = _run(["load", str(inputs), "--db", str(db), "--quiet", "--max-listed", "0"])
    print(f"no-op reload: {noop:.1f}s ({noop / seconds:.0%} of the full load)")
    extra = work / "extra"
    generate(extra, count=1, seed=99, error_rate=0.0)
    plus_one, _, _ = _run(["load", str(extra), "--db", str(db), "--quiet", "--max-listed", "0"])
    print(f"+1 report reload: {plus_one:.1f}s")
    check, _, _ = _run(["check", "--db", str(db), "--quiet"])
    print(f"ogi check over all reports: {check:.1f}s")

    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        for name, sql in ANALYST_QUERIES.items():
            con.sql(sql).fetchall()  # warm
            start = time.perf_counter()
            rows = con.sql(sql).fetchall()
            print(f"query '{name}': {(time.perf_counter() - start) * 1000:.0f} ms ({len(rows)} rows)")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
