"""Programs from the operating system that a few tests drive: found, or the test is skipped (CI: fails).

Chromium (the quality report's browser test) and LibreOffice (legacy Word
files) are Debian packages, not PyPI ones. `make test` installs them where it
can (root with apt-get); on any other machine the tests that need them are
skipped with a message saying how to install them. Under CI (`CI=true`, as
`.ci/run` runs) a missing program fails the test instead: CI must not pass
without those checks.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def find_program(names: tuple[str, ...], env: str, extra_paths: tuple[str, ...] = ()) -> str | None:
    """`$env` if it names an executable, else the first of `names` on PATH, else the first of `extra_paths` that exists."""
    given = os.environ.get(env)
    if given:
        return given if os.access(given, os.X_OK) else None
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    for path in extra_paths:
        if Path(path).is_file() and os.access(path, os.X_OK):
            return path
    return None


def require(binary: str | None, what: str, packages: str, env: str) -> str:
    """The program, or a skip (a failure under CI) that says how to get it."""
    if binary:
        return binary
    message = (
        f"{what} was not found (PATH, ${env}); this test needs it. "
        f"Install it with `sudo apt-get install {packages}` (`make test` does that itself when run as root), "
        f"or set {env}=/path/to/the/program"
    )
    if in_ci():
        pytest.fail(message + " — CI must run this test")
    pytest.skip(message)
