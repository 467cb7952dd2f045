"""The rule catalogue is one place: docs/rules.md shows it verbatim, and every rule runs."""

from __future__ import annotations

from conftest import REPO
from expectations.catalogue import RULES, markdown_table
from expectations.reconcile import NOT_ASSESSABLE_REASON, RECONCILIATIONS


def test_docs_list_the_catalogue_verbatim() -> None:
    assert markdown_table() in (REPO / "docs" / "rules.md").read_text(encoding="utf-8")


def test_every_catalogued_rule_is_implemented_and_explained() -> None:
    assert set(RULES) == set(RECONCILIATIONS) == set(NOT_ASSESSABLE_REASON)
    for rule in RULES.values():
        assert rule.severity in ("blocking", "warning", "info")
        assert rule.description and rule.basis
