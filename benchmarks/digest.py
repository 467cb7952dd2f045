"""A digest of what a load publishes, to show that a change to the engine changed no figure.

Speed work (issue 17) rearranges how documents travel through the stages;
it must not change a single published row. `published_digest` reads every
table of the published snapshot, turns each row into text (the source path
reduced to its file name, the only column that depends on where the files
were), sorts the rows and hashes them per table. tests/test_bench_digest.py
loads a generated bench set and compares the result with the digest stored
in tests/fixtures/bench_digest.json.

A change that is meant to change published rows (a parser fix) updates the
stored digest on purpose:

    .venv/bin/python -m benchmarks.digest --update
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from orchestration.synth.generator import generate

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "bench_digest.json"
# The bench set of the digest: generated as `make bench` generates its set (seed 1, 2% planted
# errors, every layout), smaller so that the test loads it in seconds.
BENCH_SET = {"count": 60, "seed": 1, "error_rate": 0.02}


def published_digest(snapshot: str | Path) -> dict[str, dict[str, object]]:
    """Per published table: its row count and the sha256 of its rows, sorted, as text."""
    out: dict[str, dict[str, object]] = {}
    with duckdb.connect(str(snapshot), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'published' ORDER BY table_name"
            ).fetchall()
        ]
        for table in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'published' "
                    "AND table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
            ]
            exprs = [
                f"regexp_extract({c}, '[^/]*$')" if c == "source_path" else f'"{c}"::VARCHAR' for c in columns
            ]
            rows = sorted("\t".join("∅" if v is None else v for v in row) for row in con.execute(
                f"SELECT {', '.join(exprs)} FROM published.{table}"
            ).fetchall())
            digest = hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()
            out[table] = {"rows": len(rows), "sha256": digest}
    return out


def load_bench_set(workdir: Path) -> dict[str, dict[str, object]]:
    """Generate the digest's bench set under `workdir`, load it with `ogi load`, digest the snapshot."""
    inputs, db = workdir / "inputs", workdir / "wh" / "ogi.duckdb"
    generate(inputs, **BENCH_SET)
    ogi = str(Path(sys.executable).parent / "ogi")
    subprocess.run([ogi, "load", str(inputs), "--db", str(db), "--quiet"], check=True, capture_output=True)
    from warehouse.snapshot import published_path

    return published_digest(published_path(str(db)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help=f"write the digest to {FIXTURE}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        digest = load_bench_set(Path(tmp))
    text = json.dumps({"bench_set": BENCH_SET, "tables": digest}, indent=2, ensure_ascii=False) + "\n"
    if args.update:
        FIXTURE.write_text(text, encoding="utf-8")
        print(f"wrote {FIXTURE}")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
