"""Generated reports that relate to each other: a region and its parts, copies.

Why: the cross-report rules (R-01 roll-up, C-01 copied text, Y-08 figures
repeated from last year) judge reports against *other* reports, which the
main generator's independent agencies never are on purpose. These helpers
render real-shaped reports (the `pipe` layout of orchestration.synth.layouts,
2021 format) for chosen agencies and chosen table figures:

- `region_family`: a county government whose report covers the whole county
  (全县) and its departments, with the government's tables the sum of the
  departments' plus its own (the roll-up holds), or with one department's
  figures inflated past the county's (it fails, naming that department);
- `copied_pair`: two agencies of different places whose section 一 and 五
  are the same text with the names changed and the figures different;
- `repeated_year`: one agency's two consecutive reports whose table 三 is
  the same, cell for cell.

Table 三/四 figures come from the generator's agency histories, which hold
every identity (T3-01..03, T4-01..03); sums and multiples of such tables
hold them too, since the identities are linear.
"""

from __future__ import annotations

import random
import re
from datetime import date

from orchestration.synth import generator
from orchestration.synth.layouts import RENDERERS, AgencySpec, Doc, _dept, make_agency
from transforms import codes
from transforms.sections import split_sections

_YEAR = 2022
_LAYOUT = "pipe"


def _tables(seed: int, idx: int, year: int, factor: int = 1) -> dict:
    facts = generator._facts(seed, idx, year)
    requests = {row: [v * factor for v in facts["requests"][row]] for row in codes.REQUEST_ROWS_2021}
    review = {p: [v * factor for v in vals] for p, vals in facts["review"].items()}
    return {"active": dict(facts["a21"]), "requests": requests, "review": review}


def _add(a: dict, b: dict) -> dict:
    return {
        "active": a["active"],
        "requests": {k: [x + y for x, y in zip(a["requests"][k], b["requests"][k])] for k in a["requests"]},
        "review": {k: [x + y for x, y in zip(a["review"][k], b["review"][k])] for k in a["review"]},
    }


def _render(spec: AgencySpec, year: int, tables: dict, seed: int, published_on: date | None = None) -> str:
    agency = make_agency(spec)
    doc = Doc(agency=agency, year=year, layout=_LAYOUT, published_on=published_on or date(year + 1, 1, 20),
              show_date=True, with_tables=True, active=tables["active"], requests=tables["requests"],
              review=tables["review"], summary=None, rng=random.Random(seed))
    return RENDERERS[_LAYOUT](doc).text


def _county_spec(dept_key: str, county: str = "隆尧县", province: str = "河北省", pref: str = "邢台市") -> AgencySpec:
    dept = _dept(dept_key)
    return AgencySpec(dept[1], county, county, "county", province, county, dept)


_OVERVIEW_RE = re.compile(r"(一、总体情况[^\n]*\n)")


def _whole_region(text: str, word: str) -> str:
    """Section 一 of a government's report saying it covers the whole region (全县 …)."""
    return _OVERVIEW_RE.sub(lambda m: m.group(1) + f"本报告统计数据涵盖{word}各级行政机关。\n", text, count=1)


def region_family(seed: int = 11, exceed: str | None = None) -> dict[str, str]:
    """File name → text: 隆尧县人民政府's whole-county report and three of its departments' reports.

    With `exceed` (a department key: edu, civ, hrss) that department's figures
    are ten times its history and the county's report does not include them:
    the roll-up fails for it.
    """
    depts = ("edu", "civ", "hrss")
    kids = {key: _tables(seed, 40 + i, _YEAR, 10 if key == exceed else 1) for i, key in enumerate(depts)}
    own = _tables(seed, 39, _YEAR)
    county = own
    for key, t in kids.items():
        if key != exceed:
            county = _add(county, t)
    files = {f"longyao_gov_{_YEAR}.txt": _whole_region(_render(_county_spec("gov"), _YEAR, county, seed, date(_YEAR + 1, 3, 20)), "全县")}
    for i, (key, t) in enumerate(kids.items()):  # each its own wording (one RNG each)
        files[f"longyao_{key}_{_YEAR}.txt"] = _render(_county_spec(key), _YEAR, t, seed * 100 + i + 1)
    return files


def _body(text: str, section: str) -> str:
    return next(s.body for s in split_sections(text) if s.section == section)


def copied_pair(seed: int = 21) -> dict[str, str]:
    """Two agencies' reports (赞皇县民政局, 平乡县教育局) whose sections 一 and 五 are one text.

    The second report takes the first's sections 一 and 五 with the agency
    names changed and its own figures elsewhere: the copy C-01 must name.
    """
    a_spec, b_spec = _county_spec("civ", "赞皇县", "河北省", "石家庄市"), _county_spec("edu", "平乡县")
    a = _render(a_spec, _YEAR, _tables(seed, 50, _YEAR), seed)
    b = _render(b_spec, _YEAR, _tables(seed, 51, _YEAR), seed + 7)
    a_agency, b_agency = make_agency(a_spec), make_agency(b_spec)
    for section in ("overview", "problems_improvements"):
        body_a, body_b = _body(a, section), _body(b, section)
        copied = body_a.replace(a_agency.name, b_agency.name).replace(a_agency.short, b_agency.short)
        b = b.replace(body_b, copied, 1)
    return {f"zanhuang_civil_{_YEAR}.txt": a, f"pingxiang_edu_{_YEAR}.txt": b}


def repeated_year(seed: int = 31) -> dict[str, str]:
    """One agency's reports for two years (宁晋县财政局 2021, 2022) with the same table 三, cell for cell."""
    spec = _county_spec("fin", "宁晋县")
    first = _tables(seed, 60, _YEAR - 1)
    second = replace_requests(_tables(seed, 60, _YEAR), first["requests"])
    return {
        f"ningjin_fin_{_YEAR - 1}.txt": _render(spec, _YEAR - 1, first, seed),
        f"ningjin_fin_{_YEAR}.txt": _render(spec, _YEAR, second, seed + 3),
    }


def replace_requests(tables: dict, requests: dict) -> dict:
    """`tables` with table 三 replaced (a copy of another year's)."""
    out = dict(tables)
    out["requests"] = {k: list(v) for k, v in requests.items()}
    return out


__all__ = ["region_family", "copied_pair", "repeated_year"]
