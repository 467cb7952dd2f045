"""Time budgets of single functions: `python -m benchmarks.bench_budgets`.

Why here and not in the tests: a unit test asserts what a function
computes, never how long a shared machine took to compute it (a wall-clock
assert fails when the neighbours are busy and passes when a regression is
hidden by a fast hour). The budgets the tests once asserted are measured
here instead, best of several runs, next to the budget each was given:

* solving the tables of a real report (transforms.tables.extract_tables on
  the Pingtan corpus reports, with the prose hints a load passes): 50 ms;
* the capped search for a flattened run of digits (forty 1s, whose
  readings explode): 0.2 s, and it must say it stopped at its cap;
* generating 1,000 sample reports of every layout: 10 s; 1,000 web pages: 6 s.

Exits 1 when a budget is exceeded, so it can gate a performance change by
hand; CI does not run it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SOLVED_REPORTS = ("pingtan_syq_2019.txt", "pingtan_syq_2021.txt", "pingtan_syq_2023.txt", "pingtan_syq_2025.txt")


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of `runs` timings of `work`, in seconds (the least disturbed by the neighbours)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def table_solving(runs: int) -> list[tuple[str, float, float]]:
    from transforms import narrative, sections
    from transforms.extract import extract_text
    from transforms.tables import extract_tables

    out = []
    for name in SOLVED_REPORTS:
        path = CORPUS / name
        if not path.exists():
            print(f"  (skipped {name}: no {path})")
            continue
        text = extract_text(path.read_bytes(), str(path)).text
        figures = narrative.extract_figures(text, sections.split_sections(text))
        hints: dict[str, Decimal] = {f.metric: f.value for f in figures if f.metric and f.qualifier == "exact"}
        extract_tables(text, hints)  # first call pays the module's lazy set-up
        out.append((f"tables of {name}", best_of(runs, lambda: extract_tables(text, hints)), 0.05))
    return out


def capped_search(runs: int) -> list[tuple[str, float, float]]:
    from transforms.tables.flattened import REQUEST_KINDS, REQUEST_ROW_SUM, split_run

    split = split_run("1" * 40, REQUEST_KINDS, REQUEST_ROW_SUM)
    if not split.exhausted:
        raise SystemExit("the search of forty 1s did not stop at its cap")
    return [("capped split search (forty 1s)", best_of(runs, lambda: split_run("1" * 40, REQUEST_KINDS, REQUEST_ROW_SUM)), 0.2)]


def generation(runs: int) -> list[tuple[str, float, float]]:
    from orchestration.synth.generator import generate

    out = []
    for label, layouts, budget in (("1,000 sample reports, every layout", None, 10.0), ("1,000 web pages", ("html",), 6.0)):
        def once(layouts=layouts) -> None:
            with tempfile.TemporaryDirectory() as tmp:
                kwargs = {"layouts": layouts} if layouts else {}
                generate(Path(tmp), count=1000, seed=5, **kwargs)

        out.append((f"generate {label}", best_of(runs, once), budget))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timings per budget; the best counts (default 3)")
    args = parser.parse_args(argv)
    over = 0
    for name, seconds, budget in table_solving(args.runs) + capped_search(args.runs) + generation(args.runs):
        ok = seconds <= budget
        over += not ok
        print(f"{'ok  ' if ok else 'OVER'} {name}: {seconds * 1000:.1f} ms (budget {budget * 1000:.0f} ms)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
