"""Imported by each parser worker before it says it is ready (workers.shared_pool's preload).

Data a transform reads once per process is loaded here, so that a document's
time limit never pays for it: the national division list (transforms.gazetteer,
about a second on a loaded machine) would otherwise be charged to the first
document each fresh worker parses, and a short `--doc-timeout` would abandon it.
"""

from transforms import gazetteer, similarity

gazetteer.index()
similarity.permutations()
