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


# The rest of an agency name after its place: what kind of body it is.
_GOVERNMENT_RE = re.compile(r"^(?:人民政府|政府|(?:党工委)?(?:管理委员会|管委会))$")
_GENERAL_OFFICE_RE = re.compile(r"^(?:人民政府|政府|(?:党工委)?(?:管理委员会|管委会))?(?:办公厅|办公室|办)$")
_TOWNSHIP_PLACE_RE = re.compile(r"(?:乡|镇|苏木|街道|街道办事处)$")
_TOWNSHIP_BODY_RE = re.compile(r"^(?:人民政府|政府|街道办事处|办事处|党委|党政办公室|党政办)?$")


def agency_type(agency: str | None, region: str | None, admin_level: str = "unknown") -> str:
    """Which kind of body `agency` is: government, general_office, department, township or unknown.

    The statutory deadline differs by kind (条例 Art. 49: a 县级以上 department
    by 31 January, the 本级政府 report by 31 March), so the timeliness rules
    read this one classification instead of testing names themselves.

    - township: the body of a 乡/镇/街道/苏木 (莲子镇人民政府, 西城街道办事处),
      or any body whose region is a township;
    - government: the place's people's government or a zone's 管委会
      (淮安市人民政府, 平潭综合实验区管委会), or a report naming only the place;
    - general_office: the government's 办公厅/办公室 (上海市人民政府办公厅),
      a department of its own for the deadline, kept apart because it files
      the government's report in many places;
    - department: any other body (淮安市教育局).
    """
    if not agency:
        return "unknown"
    name = _DROP.sub("", agency)
    place = _DROP.sub("", region or "")
    rest = name[len(place):] if place and name.startswith(place) else None
    if admin_level == "township" or (place and _TOWNSHIP_PLACE_RE.search(place) and rest is not None
                                      and _TOWNSHIP_BODY_RE.match(rest)):
        return "township"
    if rest is None:
        # the place was not recognised: judge the name's ending alone
        if re.search(r"(?:乡|镇|苏木|街道)(?:人民政府|政府|办事处)?$|街道办事处$", name):
            return "township"
        if re.search(r"(?:人民政府|政府)(?:办公厅|办公室|办)$", name):
            return "general_office"
        if re.search(r"(?:人民政府|政府|管理委员会|管委会)$", name):
            return "government"
        return "department"
    if rest == "" or _GOVERNMENT_RE.match(rest):
        return "government"
    if _GENERAL_OFFICE_RE.match(rest):
        return "general_office"
    return "department"


def agency_key(agency: str | None, region: str | None = None) -> str | None:
    """The folded agency name that links one body's reports across years (None when unknown)."""
    if not agency:
        return None
    key = _fold(agency)
    if region:
        key = _qualify(key, _DROP.sub("", region))
    return key or None
