"""Print the newest Python on this machine, other than the running one, that the project supports.

CI runs the full test suite on one interpreter and then installs the project
into a fresh venv on another one (`.ci/run`). Looked for: pyenv's versions
($PYENV_ROOT, ~/.pyenv), /usr/bin, /usr/local/bin, /opt/python*/bin and
python3.N on PATH. Prints nothing (and exits 1) when there is none.
Run it with the interpreter the suite used: `python3 .ci/other_python.py`.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

SUPPORTED = ((3, 11), (3, 13))  # pyproject.toml requires-python


def candidates() -> list[str]:
    roots = {os.environ.get("PYENV_ROOT") or "", os.path.expanduser("~/.pyenv")}
    paths: list[str] = []
    for root in sorted(r for r in roots if r):
        paths += glob.glob(os.path.join(root, "versions", "*", "bin", "python3"))
    for folder in ("/usr/bin", "/usr/local/bin", *glob.glob("/opt/python*/bin")):
        paths += glob.glob(os.path.join(folder, "python3.[0-9]*"))
    for minor in range(SUPPORTED[0][1], SUPPORTED[1][1] + 1):
        found = shutil.which(f"python3.{minor}")
        if found:
            paths.append(found)
    return [p for p in paths if not p.endswith("-config") and os.access(p, os.X_OK)]


def version(path: str) -> tuple[int, int, int] | None:
    try:
        out = subprocess.run(
            [path, "-c", "import sys; print(*sys.version_info[:3])"], capture_output=True, text=True, timeout=30
        ).stdout.split()
        return tuple(int(x) for x in out) if len(out) == 3 else None
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def main() -> int:
    mine = sys.version_info[:2]
    best: tuple[tuple[int, int, int], str] | None = None
    for path in candidates():
        v = version(path)
        if v is None or v[:2] == mine or not SUPPORTED[0] <= v[:2] <= SUPPORTED[1]:
            continue
        if best is None or v > best[0]:
            best = (v, path)
    if best is None:
        return 1
    print(best[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
