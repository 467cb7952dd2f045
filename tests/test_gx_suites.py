"""Great Expectations carries the rule catalogue: its stored suites, and its verdicts on reconciliation rows."""

from __future__ import annotations

import polars as pl

from expectations.catalogue import INFO, RULES
from expectations.suites import FRAME_SCHEMA, validate
from expectations.validation import GX_SEVERITY, gx_suites


def test_one_gx_suite_per_catalogue_suite_with_one_expectation_per_rule() -> None:
    stored = gx_suites()
    assert set(stored) == {r.suite for r in RULES.values()}
    seen: list[str] = []
    for name, suite in stored.items():
        for expectation in suite.expectations:
            meta = expectation.meta
            rule = RULES[meta["rule"]]
            assert rule.suite == name and meta["suite"] == name
            assert (meta["severity"], meta["basis"], meta["description"]) == (rule.severity, rule.basis, rule.description)
            assert expectation.severity == GX_SEVERITY[rule.severity]
            assert expectation.column_list == [f"{rule.id}|{part}" for part in ("row", "observed", "low", "high")]
            assert expectation.mostly == (0.0 if rule.severity == INFO else 1.0)
            seen.append(rule.id)
    assert sorted(seen) == sorted(RULES)  # every rule exactly once


def _frame(rows: list[dict]) -> pl.DataFrame:
    full = [{**{k: None for k in FRAME_SCHEMA}, **r} for r in rows]
    return pl.DataFrame(full, schema=FRAME_SCHEMA).with_row_index("row")


def test_gx_judges_each_rules_rows_and_reports_its_counts() -> None:
    """T3-01 rows: one holds (equality), one breaks it, one has no observed value
    (a rule that cannot compute its value must not pass); a T3-07 row within its
    upper bound, one above it; an info rule's finding (P-04) is counted but does
    not fail its expectation. GX returns exactly the breaking rows, and per
    suite its own statistics."""
    recon = _frame([
        {"rule": "T3-01", "doc_id": "a", "observed": 12.0, "low": 12.0, "high": 12.0},
        {"rule": "T3-01", "doc_id": "a", "observed": 13.0, "low": 12.0, "high": 12.0},
        {"rule": "T3-01", "doc_id": "b", "observed": None, "low": 5.0, "high": 5.0},
        {"rule": "T3-07", "doc_id": "a", "observed": 3.0, "high": 4.0},
        {"rule": "T3-07", "doc_id": "b", "observed": 9.0, "high": 4.0},
        {"rule": "P-04", "doc_id": "a", "observed": 2.0, "low": 0.0, "high": 0.0},
    ])
    failing, validations = validate(recon)
    assert sorted(failing["row"].to_list()) == [1, 2, 4, 5]
    by_suite = {v.suite: v for v in validations}
    assert set(by_suite) == {r.suite for r in RULES.values()}
    arithmetic = by_suite["table_arithmetic"]
    assert arithmetic.rules["T3-01"] == {"success": False, "severity": "critical", "rows": 3, "unexpected_rows": 2}
    assert arithmetic.rules["T3-07"]["unexpected_rows"] == 1 and arithmetic.rules["T3-07"]["rows"] == 2
    assert arithmetic.rules["T4-01"] == {"success": True, "severity": "critical", "rows": 0, "unexpected_rows": 0}
    assert not arithmetic.success and arithmetic.statistics["unsuccessful_expectations"] == 2
    parsing = by_suite["parsing"]
    assert parsing.rules["P-04"] == {"success": True, "severity": "info", "rows": 1, "unexpected_rows": 1}
    assert parsing.success and parsing.statistics["evaluated_expectations"] == len(
        [r for r in RULES.values() if r.suite == "parsing"]
    )


def test_every_unexpected_row_comes_back_however_many() -> None:
    """GX's shorter result formats stop listing unexpected rows at 200; the verdicts need all of them."""
    recon = _frame(
        [{"rule": "T3-01", "doc_id": f"d{i}", "observed": float(i % 2), "low": 0.0, "high": 0.0} for i in range(600)]
    )
    failing, validations = validate(recon)
    assert failing["row"].to_list() == list(range(1, 600, 2))
    table = next(v for v in validations if v.suite == "table_arithmetic")
    assert table.rules["T3-01"]["unexpected_rows"] == 300 and table.rules["T3-01"]["rows"] == 600



def test_the_loads_gx_process_judges_as_this_one_does_without_sqlalchemy() -> None:
    """The GX process a load starts (orchestration.engine.validator) hides SQLAlchemy, which GX only
    probes for (expectations.validation.GX_PROCESS_ABSENT_MODULES): it must still judge every suite
    exactly as GX does in this process, where SQLAlchemy is imported (Dagster needs it)."""
    import sys

    import worker_tasks
    from orchestration.engine.validator import Validator

    recon = _frame(
        [{"rule": "T3-01", "doc_id": f"d{i}", "observed": float(i % 3), "low": 0.0, "high": 0.0} for i in range(30)]
        + [{"rule": "T3-07", "doc_id": "a", "observed": 9.0, "high": 4.0}, {"rule": "P-04", "doc_id": "a", "observed": 2.0, "low": 0.0, "high": 0.0}]
    )
    validator = Validator()
    try:
        there, there_said = validate(recon, judge=validator.judge)
        assert validator._pool is not None
        state = validator._pool.submit(worker_tasks.module_state, [("sqlalchemy", ("sqlalchemy",))]).wait()["sqlalchemy"]
    finally:
        validator.close()
    here, here_said = validate(recon)
    assert state == "hidden" and sys.modules["sqlalchemy"] is not None
    assert there["row"].to_list() == here["row"].to_list() == [i for i in range(30) if i % 3] + [30, 31]
    assert [(v.suite, v.success, v.rules) for v in there_said] == [(v.suite, v.success, v.rules) for v in here_said]

_GX_WITHOUT_UNUSED_MODULES = r"""
import sys
import pandas as pd
from expectations.validation import GX_DEFERRED_MODULES, gx_suites

suites = gx_suites()  # imports GX and builds the catalogue's suites
print("suites", len(suites))
print("imported with GX", sorted(m for m in GX_DEFERRED_MODULES if type(sys.modules[m]).__name__ != "DeferredModule"))

# GX's own expectation that uses them still works: they are imported when it first reads them
import great_expectations as gx
context = gx.get_context(mode="ephemeral")
batch = context.data_sources.add_pandas("p").add_dataframe_asset("a").add_batch_definition_whole_dataframe("b")
frame = pd.DataFrame({"x": ["a", "a", "b", "b"]})
result = batch.get_batch(batch_parameters={"dataframe": frame}).validate(
    gx.expectations.ExpectColumnKLDivergenceToBeLessThan(
        column="x", partition_object={"values": ["a", "b"], "weights": [0.5, 0.5]}, threshold=0.1
    )
)
print("kl", result.success, round(result.result["observed_value"], 6))
import altair as alt  # as GX's renderer of that expectation's chart does
print("chart", alt.Chart.__module__)
print("imported after use", sorted(m for m in GX_DEFERRED_MODULES if type(sys.modules[m]).__name__ != "DeferredModule"))
"""


def test_gx_starts_without_the_modules_only_unused_expectations_need_and_imports_them_when_used() -> None:
    """A fresh interpreter, as the load's GX process is: building the suites leaves SciPy's stats and
    Altair unimported (≈1 s of its start-up), and GX's KL-divergence expectation, which uses both,
    still judges a batch."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _GX_WITHOUT_UNUSED_MODULES], capture_output=True, text=True, timeout=300, check=True
    ).stdout.splitlines()
    assert out[0] == f"suites {len({rule.suite for rule in RULES.values()})}"
    assert out[1] == "imported with GX []"
    assert out[2] == "kl True 0.0"
    assert out[3].startswith("chart altair.")
    assert out[4] == "imported after use ['altair', 'scipy.stats']"
