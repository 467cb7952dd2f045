"""A stable key for "the same reporting body" across years.

Reports name their agency inconsistently from one year to the next
(平潭综合实验区 / 平潭综合实验区管委会, 淮安市洪泽区人民政府 / 洪泽区政府), and
cross-year rules (Y-01 carry-over, Y-02 documents in force) are only
meaningful between two reports of one body. The key folds the variants
that do not change which body is meant:

- whitespace and punctuation are dropped;
- 人民政府 is shortened to 政府, and 管理委员会/管委会 suffixes are dropped
  (a zone's 管委会 *is* the zone's government);
- 办公室 of a government (…政府办公室) is kept: the general office files
  its own report besides the government's.

The key is the folded name itself (readable in SQL), not a hash.
"""

from __future__ import annotations

import re

_DROP = re.compile(r"[\s\u3000·•,，、()（）]")
_SUFFIX = re.compile(r"(管理委员会|管委会)$")


def agency_key(agency: str | None, region: str | None = None) -> str | None:
    if not agency:
        return None
    key = _DROP.sub("", agency)
    key = key.replace("人民政府", "政府")
    key = _SUFFIX.sub("", key)
    return key or None
