"""The load publishes exactly the rows it published before the engine was made faster (issue 17).

The bench set (benchmarks/digest.py: generated like `make bench`'s, every
layout, 2% planted errors) is loaded with `ogi load` and every published
table's rows are compared, as a sha256 per table, with
tests/fixtures/bench_digest.json. A parser change meant to change figures
updates the fixture on purpose: `.venv/bin/python -m benchmarks.digest --update`.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.digest import BENCH_SET, FIXTURE, load_bench_set


def test_the_bench_set_publishes_the_stored_rows(tmp_path: Path) -> None:
    stored = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert stored["bench_set"] == BENCH_SET
    assert set(stored["tables"]) >= {"reports", "fact_requests", "fact_active_disclosure", "fact_review_litigation"}
    got = load_bench_set(tmp_path)
    assert got["reports"]["rows"] > 0 and got["fact_requests"]["rows"] > 0
    changed = {t: (stored["tables"].get(t), got.get(t)) for t in set(stored["tables"]) | set(got) if stored["tables"].get(t) != got.get(t)}
    assert not changed, (
        f"published rows differ from the stored digest in {sorted(changed)}: {changed}. If a parser change meant "
        "this, update it: .venv/bin/python -m benchmarks.digest --update"
    )
