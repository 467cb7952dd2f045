"""docs/ is the contract, inside the repository: generated where it can be, checked where it is written."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from conftest import REPO
from orchestration.cli import build_parser
from orchestration.reports import docs

DOCS = REPO / "docs"
CONTRACT = (DOCS / "contract.md").read_text(encoding="utf-8")
SOURCES = [p for d in ("transforms", "warehouse", "orchestration") for p in sorted((REPO / d).rglob("*.py"))]

# How the code states a load error code: raised, returned by a worker, or recorded when a file is read.
_ERROR_PATTERNS = (
    r'TransformError\(\s*"([a-z_0-9]+)"',
    r'\("error",\s*"([a-z_0-9]+)"',
    r'FoundFile\(\w+,\s*\("([a-z_0-9]+)"',
    r'"error":\s*"([a-z_0-9]+)"',
)


@pytest.mark.parametrize("page", sorted(docs.PAGES))
def test_generated_pages_are_current(page: str) -> None:
    assert (DOCS / page).read_text(encoding="utf-8") == docs.PAGES[page](), f"docs/{page} is out of date: run `make docs`"


def test_check_mode_agrees() -> None:
    assert docs.stale() == []
    assert docs.main(["--check"]) == 0


def test_table_reference_is_the_ddl_comment_text() -> None:
    text = (DOCS / "tables.md").read_text(encoding="utf-8")
    for ddl in sorted((REPO / "warehouse" / "sql").glob("*.sql")):
        for table, column, comment in re.findall(
            r"COMMENT ON COLUMN (\w+\.\w+)\.\"?(\w+)\"? IS '((?:[^']|'')*)';", ddl.read_text(encoding="utf-8")
        ):
            comment = comment.replace("''", "'").replace("|", "\\|")
            assert f"| `{column}` |" in text and comment in text, f"{table}.{column}"


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_and_option_is_in_the_contract(command: str) -> None:
    row = next((line for line in CONTRACT.splitlines() if line.startswith(f"| `ogi {command} ")), None)
    assert row, f"docs/contract.md has no row for `ogi {command}`"
    for action in _commands()[command]._actions:
        if action.option_strings and "--help" not in action.option_strings:
            assert action.option_strings[-1] in row, f"ogi {command} {action.option_strings[-1]} is not in docs/contract.md"
        if action.choices and action.option_strings:
            for choice in action.choices:
                assert choice in row, f"ogi {command} {action.option_strings[-1]} {choice}"


def _error_codes_in_code() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for pattern in _ERROR_PATTERNS:
            found.update(re.findall(pattern, text))
    return found


def test_every_load_error_code_is_documented_and_every_documented_code_exists() -> None:
    section = CONTRACT.split("## Load errors", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_0-9]+)` \|", section, flags=re.M))
    in_code = _error_codes_in_code()
    assert {"needs_converter", "conversion_timeout", "conversion_failed", "parse_timeout", "not_a_report"} <= in_code
    assert in_code - documented == set(), "load error codes missing from docs/contract.md"
    assert documented - in_code == set(), "docs/contract.md lists codes the code never records"


def test_every_environment_variable_is_declared_once_and_documented() -> None:
    from orchestration.settings import VARIABLES

    used = set()
    for path in SOURCES:
        used.update(re.findall(r"\b(OGI_[A-Z_]+)\b", path.read_text(encoding="utf-8")))
    assert used, "the scan found no variables"
    declared = {v.name for v in VARIABLES}
    assert used - declared - {"OGI_CHROMIUM"} == set()  # (the tests' browser, named on the page for them), "OGI_* variables named in the code but not declared in orchestration/settings.py"
    table = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert sorted(v for v in declared if f"| `{v}` |" not in table) == []


def test_nothing_but_the_settings_reads_the_environment() -> None:
    """Configuration is read in one place (orchestration/settings.py), when a command or the code location starts."""
    readers = sorted(
        str(path.relative_to(REPO))
        for path in SOURCES
        if re.search(r"os\.environ|os\.getenv|getenv\(", path.read_text(encoding="utf-8"))
    )
    assert readers == ["orchestration/resources.py", "orchestration/settings.py"]


@pytest.mark.parametrize("page", ["README.md", *sorted(p.name for p in DOCS.glob("*.md"))])
def test_links_stay_inside_the_repository_and_resolve(page: str) -> None:
    path = REPO / page if page == "README.md" else DOCS / page
    text = path.read_text(encoding="utf-8")
    assert "../shared/spec" not in text, f"{page} sends readers outside the repository"
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        file = target.split("#", 1)[0]
        assert not file.startswith(".."), f"{page} links outside the repository: {target}"
        assert (path.parent / file).exists(), f"{page}: broken link {target}"


def test_readme_links_the_contract() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for page in ("docs/contract.md", "docs/tables.md", "docs/codes.md", "docs/rules.md"):
        assert f"]({page}" in readme, page
