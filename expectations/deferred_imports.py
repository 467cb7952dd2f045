"""Modules imported on first use rather than when a library imports them: GX's start-up without what it never runs.

Why: importing Great Expectations is most of a small load's wait (issue 17),
and a third of that import is two modules its core expectations import at
the top of one file, `expect_column_kl_divergence_to_be_less_than`:
`scipy.stats` (≈0.7 s) and `altair` (≈0.35 s), used only when that
expectation is run or its chart rendered. The catalogue never runs it.

`defer(name)` puts a stand-in module under `name` in `sys.modules`, so
`import altair as alt` and `from scipy import stats` bind the stand-in at
once; the first attribute anything reads from it (`stats.entropy`,
`alt.Chart`) imports the real module, puts it in `sys.modules` and answers
from it. Nothing else changes: a library that uses the module gets it, one
access later. (`importlib.util.LazyLoader` does not do here: the import
statement itself reads the module's `__spec__`, which makes LazyLoader load
it at once.)

`defer_functions(name, *functions)` does the same for a module that others
import functions *from* (`from scipy.integrate import quad`): the stand-in
holds each named function, which imports the real module when it is first
called (the parser's fork server defers SciPy's integrators that datasketch
imports, orchestration/engine/warm.py).

`absent(name)` goes further, for a process that must never use a module GX
only probes for: `import name` then fails as if it were not installed, and
GX takes the path it has for that case (the load's GX process hides
SQLAlchemy, expectations/validation.py).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

_LOADING = threading.RLock()  # re-entrant: importing one real module may read another stand-in


class DeferredModule(types.ModuleType):
    """A stand-in for a module not imported yet; the first attribute read from it imports it."""

    def __init__(self, name: str, spec) -> None:
        super().__init__(name)
        self.__spec__ = spec
        self.__loader__ = spec.loader
        self.__package__ = spec.parent
        if spec.submodule_search_locations is not None:
            self.__path__ = list(spec.submodule_search_locations)

    def __getattr__(self, attr: str):
        # only called for what the stand-in lacks: anything of the real module's own
        return getattr(real_module(self), attr)

    def __dir__(self):
        return dir(real_module(self))


def real_module(stand_in: DeferredModule) -> types.ModuleType:
    """Import the real module behind `stand_in` (once) and return it."""
    name = stand_in.__name__
    with _LOADING:
        current = sys.modules.get(name)
        if current is not None and current is not stand_in:
            return current
        del sys.modules[name]
        try:
            return importlib.import_module(name)
        except BaseException:
            sys.modules[name] = stand_in
            raise


def defer(*names: str) -> list[str]:
    """Put a stand-in for each named module that is installed and not imported yet; returns those deferred.

    A dotted name's parent packages are imported now (for `scipy.stats`,
    `scipy` itself, a few milliseconds).
    """
    deferred = []
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        sys.modules[name] = DeferredModule(name, spec)
        deferred.append(name)
    return deferred


def defer_functions(name: str, *functions: str) -> bool:
    """`defer(name)` for a module that others import functions *from*: returns whether it was deferred.

    `from scipy.integrate import quad` reads `quad` from the module at once,
    which would import a plain stand-in's real module there and then. Here
    each named function is on the stand-in already, as a function that
    imports the real module when first *called* and calls the real one
    (datasketch imports SciPy's integrators at the top of its LSH module for
    a parameter search that only an LSH index built without explicit bands
    runs; the parser's workers only hash, orchestration/engine/warm.py).
    """
    if not defer(name):
        return False
    stand_in = sys.modules[name]
    for function in functions:
        setattr(stand_in, function, _deferred_function(stand_in, function))
    return True


def _deferred_function(stand_in: DeferredModule, function: str):  # noqa: ANN202 (any function's signature)
    def call(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        return getattr(real_module(stand_in), function)(*args, **kwargs)

    call.__name__ = function
    call.__qualname__ = f"{stand_in.__name__}.{function}"
    call.__doc__ = f"{stand_in.__name__}.{function}, imported when first called (expectations/deferred_imports.py)."
    return call


def absent(*names: str) -> list[str]:
    """Make `import name` raise ImportError in this process, for each named module not imported yet;
    returns those hidden.

    Only for a process that never needs them: whatever imports one later
    gets the ImportError too (Python's own meaning of a None in
    `sys.modules`). A module already imported is left alone.
    """
    hidden = []
    for name in names:
        if name in sys.modules:
            continue
        sys.modules[name] = None  # type: ignore[assignment]
        hidden.append(name)
    return hidden
