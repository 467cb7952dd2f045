"""A stable key for "the same reporting body" across years.

Reports name their agency inconsistently from one year to the next
(平潭综合实验区 / 平潭综合实验区管委会 / 平潭综合实验区党工委管委会,
淮安市洪泽区人民政府 / 洪泽区人民政府 / 洪泽区政府), and cross-year rules
(Y-01 carry-over, Y-02 documents in force, Y-06 内容雷同) are only meaningful
between two reports of one body. The key folds the variants that do not
change which body is meant:

- whitespace and punctuation are dropped;
- 人民政府 is shortened to 政府, and a trailing 管理委员会/管委会 (with or
  without 党工委 before it) is dropped: a zone's 管委会 *is* the zone's
  government;
- a general office written 政府办 is 政府办公室; the office is kept apart
  from the government (…政府办公室 files its own report besides the
  government's);
- when the report's region ends with the place the name starts with
  (region 淮安市洪泽区, name 洪泽区人民政府), the name is completed with the
  rest of the region (淮安市洪泽区政府), so that the bare and the qualified
  name meet. A name is never shortened to its last place: 鼓楼区 exists in
  several cities, so the region is what keeps them apart.

Abbreviations such as 市教育局 are resolved into full names by the metadata
stage (transforms/metadata.py), not here: "市" + 场监督管理局 shows why a
blind prefix rule would be wrong.

The key is the folded name itself (readable in SQL), not a hash.
"""

from __future__ import annotations

import re

_DROP = re.compile(r"[\s\u3000·•,，、()（）\"“”'‘’《》]")
_SUFFIX = re.compile(r"(?:党工委)?(?:管理委员会|管委会)$")
_OFFICE = re.compile(r"政府办$")
# a place name ends with one of these (the last unit of a region string)
_UNIT_END = "省市区县州盟旗镇乡"


def _fold(name: str) -> str:
    key = _DROP.sub("", name)
    key = key.replace("人民政府", "政府")
    key = _SUFFIX.sub("", key)
    key = _OFFICE.sub("政府办公室", key)
    return key


def _qualify(key: str, region: str) -> str:
    """Complete a name that starts with the region's last place(s) with the region's leading places."""
    if not region or key.startswith(region):
        return key
    for i in range(1, len(region) - 1):
        if region[i - 1] in _UNIT_END and key.startswith(region[i:]):
            return region[:i] + key
    return key


def agency_key(agency: str | None, region: str | None = None) -> str | None:
    """The folded agency name that links one body's reports across years (None when unknown)."""
    if not agency:
        return None
    key = _fold(agency)
    if region:
        key = _qualify(key, _DROP.sub("", region))
    return key or None
