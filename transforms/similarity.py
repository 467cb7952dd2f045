"""MinHash signatures of report sections, for finding text copied across agencies.

Evaluators penalise reports whose 总体情况 (一) or 存在的主要问题 (五) is
another body's text with the name changed. Comparing every pair of 100,000
reports is 5·10⁹ comparisons; MinHash with locality-sensitive hashing
(LSH) makes it a join on band keys: two sections whose 5-gram sets have
Jaccard similarity J share at least one of BANDS band keys with
probability 1 − (1 − J^ROWS)^BANDS (≈ 0.95 at J = 0.8, ≈ 0.24 at J = 0.6, ≈ 0.06 at J = 0.5).
Rule C-01 (expectations/reconcile.py) takes as candidates the pairs that
share at least two band keys (≥ 0.998 at J = 0.9, ≈ 0.78 at J = 0.8,
≈ 0.03 at J = 0.6: templated wording shares one band by chance far more
often than two) and compares only those, by the share of equal MinHash
values (an unbiased estimate of J).

The signature of one section depends on that section alone, so it is
computed once, when the sections are derived (in the worker processes), and
stored (core.text_signatures): an incremental load never recomputes the
signatures of reports already loaded.

Text is compared as Y-06 compares it: whitespace dropped, every digit run
folded to 0 (a copied text with new figures is still copied), as a set of
character 5-grams.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from functools import lru_cache

import numpy as np

SECTIONS = ("overview", "problems_improvements")  # 一 总体情况, 五 存在的主要问题及改进情况
SHINGLE = 5
NUM_PERM = 128
BANDS, ROWS = 16, 8  # BANDS * ROWS == NUM_PERM; few candidates below the 0.8 threshold
SEED = 1  # fixed: signatures stored by one load are compared with those of the next
SCHEME = "affine32"  # datasketch 2.0's default: values < 2^32, stored as BIGINT
# Sections shorter than this many distinct 5-grams (≈ 120 characters) are
# boilerplate-sized ("无。", one sentence of the form): sharing them proves nothing.
MIN_SHINGLES = 120

_WS_RE = re.compile(r"\s+")
_DIGITS_RE = re.compile(r"[0-9]+")


def normalise(text: str) -> str:
    """Whitespace dropped, digit runs folded to 0 (as rule Y-06 does)."""
    return _DIGITS_RE.sub("0", _WS_RE.sub("", text))


def shingles(text: str) -> set[str]:
    """The distinct character 5-grams of the normalised text."""
    t = normalise(text)
    return {t[i: i + SHINGLE] for i in range(len(t) - SHINGLE + 1)}


def _band_key(values: np.ndarray) -> int:
    """A band's ROWS MinHash values as one signed 64-bit key (stable across processes, unlike hash())."""
    digest = hashlib.blake2b(values.astype("<u8").tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


@lru_cache(maxsize=1)
def permutations() -> tuple[np.ndarray, np.ndarray]:
    """The NUM_PERM random permutations of seed SEED, drawn once per process (drawing them
    cost more than hashing a section).

    datasketch is imported here, not at module level: it imports SciPy
    (≈0.3 s), which only the processes that hash sections need."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(text: str) -> tuple[int, list[int], list[int]] | None:
    """(distinct 5-grams, the NUM_PERM MinHash values, the BANDS band keys), or None for a short section.

    Each 5-gram is hashed with CRC-32 (zlib, in C) rather than datasketch's
    default SHA-1, which cost most of the time; the MinHash permutations
    spread the 32-bit values as they would SHA-1's. Signatures stored by
    another hash are not comparable: changing it needs a new PARSER_VERSION.
    """
    from datasketch import MinHash

    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32, permutations=permutations(), scheme=SCHEME)
    mh.update_batch([g.encode("utf-8") for g in grams])
    values = mh.hashvalues  # each < 2^32 (datasketch hashes with a 32-bit hash into the Mersenne field): fits BIGINT
    bands = [_band_key(values[b * ROWS: (b + 1) * ROWS]) for b in range(BANDS)]
    return len(grams), [int(v) for v in values], bands


def estimated_jaccard(a: list[int], b: list[int]) -> float:
    """The share of equal MinHash positions: the estimate rule C-01 computes in SQL."""
    return sum(1 for x, y in zip(a, b) if x == y) / len(a)
