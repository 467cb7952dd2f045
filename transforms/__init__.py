"""Pure transforms: bytes → text → metadata → sections → facts.

No Dagster, no DuckDB here: every function takes and returns plain data,
so each stage is testable on a string and reusable outside the pipeline.

`PARSER_VERSION` stamps every derived row. Bump it whenever a change can
alter what is extracted: the next load re-derives every stored report from
its raw bytes.
"""

PARSER_VERSION = "2026.12.07-1"
