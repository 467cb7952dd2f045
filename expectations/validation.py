"""Great Expectations' side of the check: the context, the suites and their validations.

The check stage computes each rule's reconciliation rows with DuckDB and
Polars (expectations/suites.py) and hands GX plain numpy columns
(`RuleColumns`); this module builds the GX objects and runs the
validations over them. It imports numpy and, on first use, GX (without
the modules GX imports for expectations the catalogue never runs,
`GX_DEFERRED_MODULES`), and nothing of DuckDB or Polars: the load's GX process
(orchestration/engine/validator.py) imports only this module, so its
start-up, which a small load waits for, pays for GX alone (importing
DuckDB and Polars there cost it ≈0.16 s, issue 17).

The GX objects are the ones its users know: an ephemeral context holding
one `ExpectationSuite` per catalogue suite (parsing, table_arithmetic, …),
each with one `ExpectRuleRowsToHold` per rule (expectations/
gx_rule_expectation.py) carrying the rule's id, severity, suite, basis and
description in `meta` and GX's own `severity` (blocking → critical, warning
→ warning, info → info; an info rule has `mostly=0`, so it records what it
finds and never fails); one pandas dataframe asset and one
`ValidationDefinition` per suite, run once per check batch.

Why a column per rule rather than one expectation per rule with a
`row_condition`: GX evaluates a condition over the whole frame (≈0.7 s per
rule per million rows). Each suite's frame instead has four columns per
rule (row, observed, low, high), the rule's rows stacked from the top and
the rest NULL (skipped by GX as missing), so each expectation reads only its
own rows, and a check batch costs one validation per suite whatever its size.
GX's fixed cost is ≈15 ms per expectation. Failing rows come back as
positions in the rule's columns (`unexpected_index_list`, no index column
names: naming columns makes GX look each one up in Python).

GX is imported on first use, once per process, in the thread that
validates, never in the background: a GX import racing Dagster's imports
of SQLAlchemy failed one load in twenty with "partially initialized
module 'sqlalchemy.orm.exc'" (issue 13).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from expectations.catalogue import BLOCKING, INFO, RULES, WARNING
from expectations.deferred_imports import absent, defer

# GX's own failure severity for each catalogue severity.
GX_SEVERITY = {BLOCKING: "critical", WARNING: "warning", INFO: "info"}
# COMPLETE: the only format whose lists of unexpected rows are whole (BASIC's partial list stops at
# 200); positions only, no partial lists or query string built.
RESULT_FORMAT = {"result_format": "COMPLETE", "partial_unexpected_count": 0, "return_unexpected_index_query": False}
BATCH_DEFINITION = "checked_reports"
# What GX's import pulls in for expectations the catalogue never runs (expectations/deferred_imports.py):
# imported when first used, not with GX (≈1 s of the GX process's start-up, issue 17).
GX_DEFERRED_MODULES = ("scipy.stats", "altair")
# What GX imports only to offer SQL data sources, and treats as optional: hidden in the load's GX
# process, which validates pandas frames only and imports nothing of Dagster (≈0.3 s of its start-up,
# the start-up a small load waits for, issue 17). Never hidden where Dagster runs: it needs SQLAlchemy.
GX_PROCESS_ABSENT_MODULES = ("sqlalchemy",)

@dataclass
class SuiteValidation:
    """What GX said about one suite on one check batch (the parts `core.validation_runs` keeps)."""

    suite: str
    success: bool
    statistics: dict[str, float]
    # per rule: GX's success, severity, rows judged (element_count − missing_count), unexpected rows
    rules: dict[str, dict] = field(default_factory=dict)

def catalogue_suites() -> dict[str, list[str]]:
    """Catalogue suite → its rule ids, in catalogue order."""
    out: dict[str, list[str]] = {}
    for rule in RULES.values():
        out.setdefault(rule.suite, []).append(rule.id)
    return out

_GX_LOCK = threading.Lock()


def _gx():
    """The ephemeral GX context and the suites' validation definitions, built on first use in the
    thread that checks (never a background thread, see the module docstring); rebuilt when the
    catalogue changes (a rule's severity or suite), so the stored suites always state the catalogue."""
    key = tuple((r.id, r.suite, r.severity, r.basis, r.description) for r in RULES.values())
    with _GX_LOCK:
        return _gx_context(key)


@functools.lru_cache(maxsize=1)
def _gx_context(_catalogue_key: tuple):
    """An ephemeral context holding one ExpectationSuite and one ValidationDefinition per catalogue suite."""
    defer(*GX_DEFERRED_MODULES)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from expectations.gx_rule_expectation import ExpectRuleRowsToHold, rule_columns

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("ogi_reconciliation")
    definitions = {}
    for suite_name, rule_ids in catalogue_suites().items():
        batch_definition = source.add_dataframe_asset(suite_name).add_batch_definition_whole_dataframe(BATCH_DEFINITION)
        suite = gx.ExpectationSuite(name=suite_name, meta={"catalogue": "expectations/catalogue.py"})
        for rule_id in rule_ids:
            rule = RULES[rule_id]
            suite.add_expectation(
                ExpectRuleRowsToHold(
                    column_list=rule_columns(rule_id),
                    mostly=0.0 if rule.severity == INFO else 1.0,
                    severity=GX_SEVERITY[rule.severity],
                    description=f"{rule_id}: {rule.description}",
                    meta={
                        "rule": rule_id,
                        "severity": rule.severity,
                        "suite": rule.suite,
                        "basis": rule.basis,
                        "description": rule.description,
                    },
                )
            )
        suite = context.suites.add(suite)
        definitions[suite_name] = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
        )
    return context, definitions


def gx_suites() -> dict:
    """The ExpectationSuites as stored in the GX context, by name."""
    context, _ = _gx()
    return {suite.name: suite for suite in context.suites.all()}


RuleColumns = dict[str, dict[str, np.ndarray]]
Judged = tuple[np.ndarray, list[SuiteValidation]]  # the failing frame rows, and what each suite's validation said


def _suite_frame(columns: RuleColumns, rule_ids: list[str]):
    """The suite's pandas frame: four columns per rule, its rows from the top, NULL below."""
    import pandas as pd

    from expectations.gx_rule_expectation import COLUMNS

    height = max((len(columns[r]["row"]) for r in rule_ids if r in columns), default=0)
    data: dict[str, np.ndarray] = {}
    for rule_id in rule_ids:
        mine = columns.get(rule_id)
        for part in COLUMNS:
            filled = np.full(height, np.nan)
            if mine is not None:
                filled[: len(mine[part])] = mine[part]
            data[f"{rule_id}|{part}"] = filled
    return pd.DataFrame(data)


def run_validations(columns: RuleColumns, suites: Sequence[str] | None = None) -> Judged:
    """Run the given catalogue suites' ValidationDefinitions (default: every suite's) over the rules' columns.

    Returns the frame positions (`row`) GX found unexpected, and what each
    suite's validation said. Runs wherever GX is imported: in the checking
    thread by default, or in the validator process a load starts early.
    """
    _, definitions = _gx()
    failing: list[np.ndarray] = []
    validations: list[SuiteValidation] = []
    for suite_name, rule_ids in catalogue_suites().items():
        if suites is not None and suite_name not in suites:
            continue
        result = definitions[suite_name].run(
            batch_parameters={"dataframe": _suite_frame(columns, rule_ids)}, result_format=RESULT_FORMAT
        )
        validation = SuiteValidation(suite_name, bool(result.success), dict(result.statistics))
        for res in result.results:
            config = res.expectation_config
            rule_id = config.meta["rule"]
            if res.exception_info and res.exception_info.get("raised_exception"):
                raise RuntimeError(f"GX could not evaluate {rule_id}: {res.exception_info.get('exception_message')}")
            positions = np.asarray(res.result.get("unexpected_index_list") or [], dtype=np.int64)
            if len(positions) != res.result.get("unexpected_count", 0):
                raise RuntimeError(f"GX listed {len(positions)} of {rule_id}'s {res.result.get('unexpected_count')} unexpected rows")
            if len(positions):
                failing.append(columns[rule_id]["row"][positions].astype(np.int64))
            validation.rules[rule_id] = {
                "success": bool(res.success),
                "severity": getattr(config.severity, "value", config.severity),
                "rows": int(res.result.get("element_count", 0)) - int(res.result.get("missing_count", 0)),
                "unexpected_rows": int(res.result.get("unexpected_count", 0)),
            }
        validations.append(validation)
    rows = np.unique(np.concatenate(failing)) if failing else np.array([], dtype=np.int64)
    return rows, validations


def warm_up() -> None:
    """Import GX and build its context and suites: what the first check batch would otherwise wait
    for (the validator process does this while the parser stages run).

    Running every suite once over nothing as well bought nothing: measured, the
    first real validations take as long after it as without it (0.07 s for a
    suite of 5 rules), and it cost a small load 0.6 s of waiting (issue 17)."""
    _gx()


def warm_up_gx_process() -> None:
    """`warm_up` in the load's GX process (orchestration/engine/validator.py), which imports
    GX and nothing else: without the SQL layer GX only probes for (`GX_PROCESS_ABSENT_MODULES`)."""
    absent(*GX_PROCESS_ABSENT_MODULES)
    warm_up()
