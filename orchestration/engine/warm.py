"""Imported by each parser worker before it says it is ready (workers.shared_pool's preload).

Data a transform reads once per process is loaded here, so that a document's
time limit never pays for it: the national division list (transforms.gazetteer)
and the MinHash permutations (≈0.5 s together) would otherwise be charged to the first
document each fresh worker parses, and a short `--doc-timeout` would abandon it.
"""

from transforms import gazetteer, similarity

gazetteer.index()
similarity.permutations()
