"""The incremental engine: what runs the stages over documents.

Raw bytes → cleaned text → parsed sections → facts → checks, each stage
recorded per document in `staging.stage_ledger` so a reload does only what
changed (`loading`), in batches handed to a pool of worker processes with
per-document time and memory limits (`workers`, `stages`), facts derived and
written (`derive`, `backfill`), rules judged (`checking`), legacy Word
converted (`convert`). It sits between the pure `transforms/` and the
storage-only `warehouse/`, and is the only layer that imports both.
"""
