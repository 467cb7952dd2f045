"""The one Great Expectations expectation type every catalogue rule is stated in.

Imported only where validation runs (expectations/validation.py imports it lazily),
because importing Great Expectations costs seconds.

Every rule's reconciliation rows (expectations/reconcile.py) state their own
pass condition as bounds: `low ≤ observed ≤ high`, an equality having
low = high = expected and a NULL bound being open. No built-in GX
expectation compares a value with bounds that vary by row (and with either
bound optional), so one rule would need three or four built-in expectations.
`ExpectRuleRowsToHold` says it in one, over the rule's four columns in the
suite's frame:

    <rule>|row       the row's position in the reconciliation frame (never NULL on the rule's rows)
    <rule>|observed  what the report says
    <rule>|low       lower bound, NULL = open
    <rule>|high      upper bound, NULL = open

A row holds when `observed` is not NULL, at least one bound is set, and
`observed` lies within the bounds. Rows whose four columns are all NULL are
padding (the suite's frame is as long as its longest rule) and GX skips them
(`ignore_row_if="all_values_are_missing"`, the multicolumn default), so each
expectation's element count minus its missing count is the number of places
the rule looked at.
"""

from __future__ import annotations

from typing import ClassVar

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import MulticolumnMapMetricProvider
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)

METRIC = "ogi_rule_rows.hold"
COLUMNS = ("row", "observed", "low", "high")


def rule_columns(rule_id: str) -> list[str]:
    """The rule's four columns in its suite's frame, in `COLUMNS` order."""
    return [f"{rule_id}|{part}" for part in COLUMNS]


class RuleRowsHold(MulticolumnMapMetricProvider):
    """Row-wise: `observed` is set, some bound is set, and `low ≤ observed ≤ high` (NULL bound open)."""

    condition_metric_name = METRIC
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):  # noqa: ANN001, ANN206, N805 (GX's partial signature)
        observed, low, high = (column_list.iloc[:, i] for i in range(1, 4))
        return (
            observed.notna()
            & (low.notna() | high.notna())
            & (low.isna() | (observed >= low))
            & (high.isna() | (observed <= high))
        )


class ExpectRuleRowsToHold(MulticolumnMapExpectation):
    """Expect every reconciliation row of one catalogue rule to hold (`low ≤ observed ≤ high`).

    `column_list` is the rule's four columns (`rule_columns`); the rule's id,
    severity, suite and basis travel in `meta`.
    """

    map_metric = METRIC
    success_keys = ("mostly",)
    args_keys = ("column_list",)
    library_metadata: ClassVar[dict] = {"maturity": "production", "tags": ["ogi", "rule catalogue"], "contributors": []}

    # GX's own versions rebuild the whole configuration (a pydantic dict) once per key: ten
    # times per expectation per metric. These build it once; the kwargs they return are the same.
    def _get_domain_kwargs(self) -> dict:
        kwargs = self.configuration.kwargs
        return {key: kwargs.get(key, self._get_default_value(key)) for key in self.domain_keys}

    def _get_success_kwargs(self) -> dict:
        kwargs = self.configuration.kwargs
        success = {key: kwargs.get(key, self._get_default_value(key)) for key in self.success_keys}
        success.update({key: kwargs.get(key, self._get_default_value(key)) for key in self.domain_keys})
        return success
