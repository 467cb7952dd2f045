"""Imported by each parser worker before it says it is ready (workers.shared_pool's preload).

Data a transform reads once per process is loaded here, so that a document's
time limit never pays for it: the national division list (transforms.gazetteer)
and the MinHash permutations (≈0.5 s together) would otherwise be charged to the first
document each fresh worker parses, and a short `--doc-timeout` would abandon it.

The permutations come from datasketch, whose import pulls in SciPy's
integrators (`from scipy.integrate import quad`, for the band search of an
LSH index built without explicit bands, which the parser never builds): they
are deferred until something calls `quad` (`PARSER_DEFERRED_FUNCTIONS`). That was ≈0.5 s of CPU of
the fork server's start-up, which a small load's GX process waits behind
(issue 17), and ≈30 MB of every worker.
"""

from expectations.deferred_imports import defer_functions

# module → the functions others import from it, deferred in the parser's processes
PARSER_DEFERRED_FUNCTIONS = {"scipy.integrate": ("quad",)}

for _module, _functions in PARSER_DEFERRED_FUNCTIONS.items():
    defer_functions(_module, *_functions)

from transforms import gazetteer, similarity  # noqa: E402 (after the deferral, which must precede datasketch)

gazetteer.index()
similarity.permutations()
