"""End-to-end load benchmark on generated reports: `python -m benchmarks.bench_load N`.

Measures what the scale targets are about, each `ogi` command in a fresh
process so that its memory is its own:

- a full `ogi load` of N generated reports: wall time, reports/s, peak RSS
  of the whole process tree (the loader plus its parser workers, summed, as
  the machine sees it), time per step;
- the same HTML pages parsed by a bare single-process
  `BeautifulSoup(page, "lxml")` loop, in the same run, and the load's time
  as a ratio of it (`--bare-sample` parses a uniform sample and scales its
  per-page time up, for 100k runs where the bare loop alone would take an hour);
- a no-op reload of the same folder, a reload with one extra report,
  `ogi check` over everything;
- one report loaded cold into a new warehouse (`ogi load FILE` to its
  exit, the snapshot written), the median of `--cold-runs` runs;
- the CPU each parser stage costs per report in one process (the workers'
  functions, `orchestration.engine.derive`, on `--cpu-sample` reports);
- the latency of five typical analyst queries on the published snapshot;
- accuracy: every planted error caught and no false quarantine (all
  reports), truth cells right (`--score-sample` reports, 1000 by default).

Prints one figure per line, so runs can be compared and pasted into notes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from orchestration.synth.generator import generate

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
    # one check_results row per (report, rule): the share of failing rows is the quarantine rate
    "quarantine rate by rule": """
        SELECT rule, avg((status = 'fail')::INT) AS rate
        FROM core.check_results WHERE severity = 'blocking' AND doc_id IS NOT NULL GROUP BY rule ORDER BY rate DESC""",
    # rule Y-01 already pairs each report with the agency's previous year, per column
    "cross-year carry-over breaks": """
        SELECT r.agency, r.report_year, c.observed, c.expected, c.message
        FROM core.check_results c JOIN core.reports r USING (doc_id)
        WHERE c.rule = 'Y-01' AND c.status = 'fail' ORDER BY r.agency, r.report_year""",
    "fees by year": """
        SELECT r.report_year, sum(f.value) AS fees_wan_yuan
        FROM published.fact_active_disclosure f JOIN published.reports r USING (doc_id)
        WHERE f.item = 'fees' AND f.metric = 'amount' GROUP BY ALL ORDER BY ALL""",
}


def _ogi() -> str:
    return str(Path(sys.executable).parent / "ogi")


# --- memory of a process tree -------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_mb(root: int) -> float:
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kb(pid)
        todo.extend(tree.get(pid, ()))
    return total / 1024


class _PeakSampler:
    """Samples the summed RSS of a process and its descendants every 0.2 s."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, _tree_rss_mb(self.pid))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def _run(args: list[str]) -> tuple[float, float, str]:
    """Run an ogi command: (seconds, peak RSS in MB of its process tree, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen([_ogi(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = _PeakSampler(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    peak = sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"ogi {' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return seconds, peak, out


def _steps(stdout: str) -> str:
    m = re.search(r"time per step: (.*)", stdout)
    return m.group(1) if m else "n/a"


# --- the bare parse ----------------------------------------------------------------------


def bare_parse_seconds(pages: list[Path]) -> float:
    """Seconds for a single process to parse the pages with BeautifulSoup(lxml) and take their text."""
    from bs4 import BeautifulSoup

    start = time.perf_counter()
    for page in pages:
        BeautifulSoup(page.read_bytes(), "lxml").get_text()
    return time.perf_counter() - start


# --- what one report costs ---------------------------------------------------------------


def cold_one_seconds(report: Path, work: Path, runs: int) -> list[float]:
    """Wall seconds of `ogi load REPORT` into a new warehouse, each run a fresh process."""
    one = work / "one"
    seconds = []
    for _ in range(runs):
        shutil.rmtree(one, ignore_errors=True)
        one.mkdir()
        shutil.copy(report, one / report.name)
        took, _, _ = _run(["load", str(one / report.name), "--db", str(one / "ogi.duckdb"), "--quiet"])
        seconds.append(took)
    shutil.rmtree(one, ignore_errors=True)
    return seconds


def stage_cpu_ms(files: list[Path]) -> dict[str, float]:
    """CPU ms per report of each parser stage's work, in this process: what a worker spends on a
    document (orchestration.engine.derive), without the hand-over, the writes or the checks.
    The reports are run twice and the second pass is timed (the first fills the caches a
    long-lived worker has warm)."""
    from orchestration.engine import derive

    cpu = {"cleaned_text": 0.0, "report_metadata": 0.0, "report_sections": 0.0, "fact_tables": 0.0}
    for timed in (False, True):
        for path in files:
            started = time.process_time()
            text_row = derive.clean(path.read_bytes(), path.name, source_path=str(path))["staging.cleaned_text"]
            cleaned = time.process_time()
            text = text_row["text"][0]
            meta = derive.metadata(text, str(path), "bench", text_row["input_format"][0])["core.reports"]
            described = time.process_time()
            sections = derive.sections(text)["core.sections"]
            split = time.process_time()
            derive.facts(text, list(zip(*sections.values())), meta["doc_kind"][0], None, text_row["cell_origins"][0])
            done = time.process_time()
            if timed:
                for stage, took in zip(cpu, (cleaned - started, described - cleaned, split - described, done - split)):
                    cpu[stage] += took
    return {stage: took * 1000 / max(1, len(files)) for stage, took in cpu.items()}


# --- accuracy ------------------------------------------------------------------------------


def accuracy(inputs: Path, db: Path, score_sample: int) -> list[str]:
    """Planted errors caught and false quarantines over all reports; truth cells on a sample."""
    import duckdb

    from warehouse.evaluate import find_doc, score

    truths = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((inputs / "truth").glob("*.json"))]
    lines = []
    with duckdb.connect(str(db), read_only=True) as con:
        verdicts = {
            Path(path).name: (status, set(rules or []))
            for path, status, rules in con.execute(
                """
                SELECT r.source_path, r.status,
                       list(c.rule) FILTER (WHERE c.severity = 'blocking' AND c.status = 'fail')
                FROM core.reports r LEFT JOIN core.check_results c USING (doc_id)
                GROUP BY ALL
                """
            ).fetchall()
        }
        planted = [t for t in truths if t.get("planted_errors")]
        caught = [t for t in planted if set(t["planted_errors"]) <= verdicts.get(t["file"], ("", set()))[1]]
        false_q = [
            t["file"] for t in truths if not t.get("planted_errors") and verdicts.get(t["file"], ("",))[0] != "published"
        ]
        lines.append(f"planted errors caught: {len(caught)}/{len(planted)} reports (every expected rule failed)")
        lines.append(f"false quarantines: {len(false_q)} of {len(truths) - len(planted)} clean reports {false_q[:5]}")
        sample = random.Random(1).sample(truths, min(score_sample, len(truths)))
        cells = exact = wrong = undecided = neighbour = 0
        for truth in sample:
            s = score(con, find_doc(con, truth["file"]), truth)
            cells, exact, wrong = cells + s.cells, exact + s.exact, wrong + s.wrong
            undecided, neighbour = undecided + s.undecided_published, neighbour + s.decided_across_years
        lines.append(f"truth cells right: {exact}/{cells} on {len(sample)} sampled reports, {wrong} wrong")
        lines.append(
            f"cells the page alone leaves undecided: {undecided} published as numbers; "
            f"{neighbour} decided by a neighbouring year, each the value printed"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=1000)
    parser.add_argument("--workdir", help="keep inputs and warehouse here (default: a temporary folder)")
    parser.add_argument("--error-rate", type=float, default=0.02)
    parser.add_argument("--layouts", help="comma-separated layouts to generate (default: the full mix), e.g. html")
    parser.add_argument("--bare-sample", type=int, default=0, help="HTML pages the bare parse measures (default: all)")
    parser.add_argument("--score-sample", type=int, default=1000, help="reports whose truth cells are compared")
    parser.add_argument("--reuse-inputs", action="store_true", help="keep generated inputs found in --workdir")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold one-report loads measured (median printed)")
    parser.add_argument("--cpu-sample", type=int, default=200, help="reports whose per-stage CPU is measured")
    args = parser.parse_args(argv)

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="ogi-bench-"))
    inputs, db = work / "inputs", work / "ogi.duckdb"
    for path in (db, db.with_name("ogi.published.duckdb"), db.with_name("ogi.duckdb.wal"), work / "extra"):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    layouts = tuple(args.layouts.split(",")) if args.layouts else None
    if not (args.reuse_inputs and (inputs / "truth").is_dir()):
        shutil.rmtree(inputs, ignore_errors=True)
        t0 = time.perf_counter()
        kwargs = {"layouts": layouts} if layouts else {}
        generate(inputs, count=args.count, seed=1, error_rate=args.error_rate, **kwargs)
        print(f"generated {args.count} reports ({args.layouts or 'all layouts'}) in {time.perf_counter() - t0:.1f}s ({inputs})")
    files = sorted(p for p in inputs.iterdir() if p.is_file())
    print(f"input: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.0f} MB; cores: {len(os.sched_getaffinity(0))}")

    seconds, rss, out = _run(["load", str(inputs), "--db", str(db), "--quiet", "--max-listed", "0"])
    print(f"full load: {seconds:.1f}s, {len(files) / seconds:.0f} reports/s, peak RSS {rss:.0f} MB (loader + workers)")
    print(f"  steps: {_steps(out)}")

    pages = [p for p in files if p.suffix in (".html", ".htm")]
    if pages:
        sample = random.Random(2).sample(pages, args.bare_sample) if 0 < args.bare_sample < len(pages) else pages
        bare = bare_parse_seconds(sample) * len(pages) / len(sample)
        how = f"measured on {len(sample)} of them, scaled" if len(sample) < len(pages) else "all of them"
        print(f"bare BeautifulSoup(lxml) parse of the {len(pages)} HTML pages, one process: {bare:.1f}s ({how}), "
              f"{len(pages) / bare:.0f} pages/s")
        if len(pages) == len(files):
            print(f"load / bare parse: {seconds / bare:.2f}x")
        else:  # the load also parsed the text layouts: no like-for-like ratio
            print("load / bare parse: only for web pages alone (--layouts html)")

    noop, _, out = _run(["load", str(inputs), "--db", str(db), "--quiet", "--max-listed", "0"])
    print(f"no-op reload: {noop:.1f}s ({noop / seconds:.1%} of the full load)")
    print(f"  steps: {_steps(out)}")
    extra = work / "extra"
    generate(extra, count=1, seed=99, error_rate=0.0)
    plus_one, _, out = _run(["load", str(extra), "--db", str(db), "--quiet", "--max-listed", "0"])
    print(f"+1 report reload: {plus_one:.1f}s")
    print(f"  steps: {_steps(out)}")
    check, check_rss, _ = _run(["check", "--db", str(db), "--quiet"])
    print(f"ogi check over all reports: {check:.1f}s, peak RSS {check_rss:.0f} MB")
    if args.cold_runs > 0:
        cold = cold_one_seconds(next(extra.glob("r*")), work, args.cold_runs)
        print(f"one report, cold (ogi load FILE into a new warehouse): median {statistics.median(cold):.1f}s "
              f"of {' '.join(f'{s:.1f}' for s in cold)}")
    if args.cpu_sample > 0:
        sampled = random.Random(3).sample(files, min(args.cpu_sample, len(files)))
        cpu = stage_cpu_ms(sampled)
        print(f"CPU per report, one process, the parser stages' work ({len(sampled)} reports): "
              + " · ".join(f"{stage} {ms:.2f} ms" for stage, ms in cpu.items()) + f" · total {sum(cpu.values()):.2f} ms")

    import duckdb

    from warehouse.snapshot import published_path

    snapshot = published_path(db)
    print(f"warehouse file {db.stat().st_size / 1e6:.0f} MB, published snapshot {snapshot.stat().st_size / 1e6:.0f} MB")
    with duckdb.connect(str(snapshot), read_only=True) as con:
        for name, sql in ANALYST_QUERIES.items():
            con.sql(sql).fetchall()  # warm
            start = time.perf_counter()
            rows = con.sql(sql).fetchall()
            print(f"query '{name}': {(time.perf_counter() - start) * 1000:.0f} ms ({len(rows)} rows)")
    for line in accuracy(inputs, db, args.score_sample):
        print(line)
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
