"""The warehouse's defaults, in a module that imports nothing.

Why a module of its own: `orchestration.settings` states every setting's
default, and everything that starts a process imports it — among them the
load's GX process, which re-imports the `ogi` script and so the CLI and its
settings. Read from `warehouse.db`, these two constants cost that process
DuckDB's and Polars' imports (≈0.2 s of a one-report load, issue 17).
"""

DEFAULT_DB = "warehouse/ogi.duckdb"
DEFAULT_MEMORY_LIMIT = "1GB"  # DuckDB's buffer pool of a writing connection (it spills to disk past it)
