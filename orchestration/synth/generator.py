"""Realistic synthetic 政府信息公开工作年度报告 with known truth (`ogi synth DIR`).

Why: the real seed set is tiny and cannot be redistributed as a demo; the
warehouse needs a sample set for `make run` and, later, 100k-document
benchmarks.  Every generated report comes with a truth file in the shape of
/work/shared/seeds/gold/*.json, so the whole pipeline (decode → clean →
metadata → sections → tables → narrative → checks → status) can be scored.

How it works:

1. *Plan* — pick agencies (real places + real department names, see
   `orchestration.synth.layouts.agency_pool`) and runs of consecutive report
   years, so that the cross-year rules (Y-01 carry-over, Y-02 stock of
   normative documents, Y-04 item counts) have pairs to check.  Each agency
   has one site *style* that fixes its page layout in every year.  The first
   chains are a fixed "showcase" so that even the 12-report sample holds all
   six layouts, a 2020→2021 format switch and a seed-000-style report.
   `layouts=` restricts the mix (benchmarks of one layout): only reports of
   those layouts are emitted, chains are drawn inside the years a style
   prints in an allowed layout, and errors are still planted at the rate
   asked for.
2. *Timeline* — each agency gets one deterministic history 2019–2024 drawn
   from its own RNG (seed + agency index), whatever years are emitted: table
   三 is built column by column so that T3-01/02/03 hold, carried_over(Y) is
   carried_forward(Y-1), in_force(Y) = in_force(Y-1) + issued − repealed.
3. *Plant* — a few reports get exactly one printed cell changed so that a
   named identity fails (T3-01, T3-03 or T4-01); the truth lists every rule
   the change trips and the report is expected to be quarantined.
4. *Render* — one of six layouts imitating the seeds (synth_layouts), the
   web pages of the layout fixtures (synth_html) or the crawler pages of
   the corpus (synth_crawler), with the prose restating the printed table
   figures.  A crawler page flattens its table cells; its truth states only
   what the flattened text determines (see synth_crawler).

Deterministic for a given (count, seed, error_rate): all randomness comes from
`random.Random` instances seeded with integers mixed from (purpose, seed,
agency, year), never from `hash()` or the clock.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from orchestration.synth import crawler as synth_crawler, html as synth_html
from orchestration.synth.layouts import (
    LEVEL_SCALE,
    RENDERERS,
    Agency,
    AgencySpec,
    Doc,
    Rendered,
    agency_specs,
    make_agency,
)
from transforms import codes

YEARS: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023, 2024)
LAYOUTS: tuple[str, ...] = ("pipe", "tab", "cells", "summary", "html", "crawler")
DEFAULT_ERROR_RATE = 0.25  # 3 of the 12 sample reports: one per plantable rule

# rule -> (table, row, column index, every rule the one changed cell trips)
PLANTS: dict[str, tuple[str, str, int, tuple[str, ...]]] = {
    # a result row's 总计: its row no longer sums (T3-01) and the 总计 column no longer adds up (T3-02)
    "T3-01": ("requests", "granted", 6, ("T3-01", "T3-02")),
    # 新收 总计: its row no longer sums (T3-01) and 新收+结转 ≠ 办结+结转下年 in the 总计 column (T3-03)
    "T3-03": ("requests", "new_received", 6, ("T3-01", "T3-03")),
    # 行政复议 总计 ≠ 维持+纠正+其他+尚未审结
    "T4-01": ("review_litigation", "review", 4, ("T4-01",)),
}
PLANT_ORDER: tuple[str, ...] = ("T3-01", "T3-03", "T4-01")

# result rows of table 三 with their relative weight (how often a case ends there)
RESULT_WEIGHTS: dict[str, float] = {
    "granted": 40, "partly_granted": 8,
    "denied_state_secret": 0.3, "denied_law_forbids": 0.5, "denied_safety_stability": 0.3,
    "denied_third_party": 1.5, "denied_internal_affairs": 1.0, "denied_process_info": 1.5,
    "denied_enforcement_file": 0.8, "denied_inquiry": 1.2,
    "unable_not_held": 22, "unable_needs_creation": 3, "unable_unclear": 2,
    "rejected_petition": 2, "rejected_duplicate": 2, "rejected_publication": 0.8,
    "rejected_excessive": 0.5, "rejected_confirmation": 1.0,
    "other_no_correction": 2, "other_unpaid_fee": 0.2, "other_other": 3,
}
RESULT_ROWS: tuple[str, ...] = codes.RESULT_ROWS_BASE + codes.OTHER_ROWS_2021
assert tuple(RESULT_WEIGHTS) == RESULT_ROWS
APPLICANT_WEIGHTS = (0.5, 0.05, 0.05, 0.2, 0.2)  # commercial, research, social_welfare, legal_services, other_org

_NAME_RE = re.compile(r"^r\d{4,}_(?:pipe|tab|cells|summary|html|crawler)_\d{4}\.(?:txt|html|json)$")


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SynthReport:
    """One generated report: its file name, text, byte encoding and truth."""

    name: str
    text: str
    encoding: str
    truth: dict

    @property
    def data(self) -> bytes:
        return self.text.encode(self.encoding)


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _leaf(v: object) -> str:
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if type(v) is int:
        return str(v)
    return _ENCODER.encode(v)


def dump_truth(truth: dict) -> str:
    """JSON with one line per key down to the second level (readable like the gold files).

    `json.dumps(indent=...)` falls back to the pure-Python encoder and costs
    about 1 ms per truth file; formatting the (ASCII-keyed) scalar leaves
    directly keeps 100k-report runs fast.
    """
    lines = []
    for key, value in truth.items():
        if isinstance(value, dict) and value:
            inner = ",\n  ".join(f'"{k}": {_leaf(v)}' for k, v in value.items())
            lines.append(f'"{key}": {{\n  {inner}\n }}')
        else:
            lines.append(f'"{key}": {_leaf(value)}')
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def check_layouts(layouts: tuple[str, ...] | list[str] | None) -> frozenset[str]:
    """The allowed layouts as a set (None = all); refuse unknown names and an empty mix."""
    if layouts is None:
        return frozenset(LAYOUTS)
    chosen = frozenset(layouts)
    unknown = chosen - set(LAYOUTS)
    if unknown or not chosen:
        raise ValueError(f"layouts must be a non-empty subset of {', '.join(LAYOUTS)}; got {sorted(layouts)}")
    return chosen


def capacity(layouts: tuple[str, ...] | list[str] | None = None) -> int:
    """How many distinct reports the agency pool allows for a layout mix.

    One annual report and one summary per agency-year; an agency prints
    its annual reports in its style's layouts only, so a restricted mix
    counts the years of the style that allows the fewest (what every agency
    is sure to have).
    """
    allowed = check_layouts(layouts)
    styles = _styles_for(allowed)
    annual = min((len(_style_years(st, allowed)) for st in styles), default=0)
    summaries = len(YEARS) if "summary" in allowed else 0
    return len(_specs()) * (annual + summaries)


def iter_reports(count: int = 12, seed: int = 7, error_rate: float | None = None,
                 layouts: tuple[str, ...] | list[str] | None = None,
                 variants: tuple[str, ...] | list[str] | None = None) -> Iterator[SynthReport]:
    """Yield `count` reports in file-name order, without touching the disk.

    Arguments are checked here, at call time (not at the first `next`), so
    that `generate` fails before it removes anything.
    """
    allowed = check_layouts(layouts)
    chosen = synth_html.check_variants(variants)
    if count < 0:
        raise ValueError("count must be >= 0")
    if count > capacity(tuple(allowed)):
        raise ValueError(f"count {count} exceeds the generator's capacity of {capacity(tuple(allowed))} "
                         f"distinct reports for layouts {sorted(allowed)}")
    if error_rate is not None and not 0.0 <= error_rate <= 1.0:
        raise ValueError("error_rate must be between 0 and 1")
    return _iter_reports(count, seed, error_rate, allowed, chosen)


def _iter_reports(count: int, seed: int, error_rate: float | None, allowed: frozenset[str],
                  variants: tuple[str, ...] = ()) -> Iterator[SynthReport]:
    entries = _plan(count, seed, allowed)
    _plant(entries, seed, count, error_rate)
    width = max(4, len(str(count)))
    for i, entry in enumerate(entries):
        suffix = "html" if entry.layout == "html" else "txt"
        name = f"r{i + 1:0{width}d}_{entry.layout}_{entry.year}.{suffix}"
        yield _build(entry, seed, name, "gb18030" if i % 7 == 3 else "utf-8", variants)


def generate(out_dir: Path, count: int = 12, seed: int = 7, error_rate: float | None = None,
             layouts: tuple[str, ...] | list[str] | None = None,
             variants: tuple[str, ...] | list[str] | None = None) -> list[Path]:
    """Write `count` reports to `out_dir` and their truth to `out_dir/truth/`; return the report paths.

    Files this generator wrote before (r0001_pipe_2022.txt, r0002_html_2021.html
    and the matching truth/*.json) are removed first, so a smaller second run
    leaves no stale reports behind; nothing else in `out_dir` is touched.
    Reports are written as they are made: memory does not grow with `count`.
    """
    reports = iter_reports(count, seed, error_rate, layouts, variants)  # validates the arguments before anything is removed
    out_dir = Path(out_dir)
    truth_dir = out_dir / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    for folder in (out_dir, truth_dir):
        for old in folder.iterdir():
            if old.is_file() and _NAME_RE.match(old.name):
                old.unlink()
    paths: list[Path] = []
    for rep in reports:
        path = out_dir / rep.name
        path.write_bytes(rep.data)
        (truth_dir / (path.stem + ".json")).write_text(dump_truth(rep.truth), encoding="utf-8")
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------
# Plan: which agency, year and layout each report has
# ---------------------------------------------------------------------------


@dataclass
class _Entry:
    agency: int  # index into the pool
    year: int
    layout: str
    with_tables: bool
    plant: str | None = None


@lru_cache(maxsize=1)
def _specs() -> tuple[AgencySpec, ...]:
    return tuple(agency_specs())


@lru_cache(maxsize=4096)
def _agency(idx: int) -> Agency:
    return make_agency(_specs()[idx])


# (layout style, first year, years, admin level): the head of every plan, so that even the 12-report sample
# holds the six layouts, three levels, a 2020→2021 format switch (tab: cells → tab; html: 2019 form → 2021
# form) and a seed-000-style report without tables (cells 2021)
_SHOWCASE = (("pipe", 2021, 2, "county"), ("tab", 2019, 3, "county"), ("html", 2020, 2, "prefecture"),
             ("crawler", 2022, 2, "prefecture"), ("summary", 2023, 1, "province"), ("cells", 2020, 2, "prefecture"))
_STYLES = ("pipe", "tab", "cells", "summary", "html", "crawler")
_STYLE_WEIGHTS = (0.24, 0.2, 0.11, 0.13, 0.22, 0.1)


def _layout_for(style: str, year: int) -> str:
    """The page layout an agency's site uses in a given year.

    Text sites print the 2019 form (years ≤ 2020) as `cells`; an html site
    is html in every year (2019 form or 2021 form); a crawled site is
    crawled in 2021-form years only (the 2019 form's signed cells are not
    generated flattened), earlier years are `cells`.
    """
    if style in ("summary", "html"):
        return style
    if year <= 2020 or (style == "cells" and year == 2021):
        return "cells"
    return "pipe" if style == "cells" else style


def _style_years(style: str, allowed: frozenset[str]) -> list[int]:
    """The years in which a style prints an annual report in an allowed layout (consecutive)."""
    if style == "summary":
        return []
    return [y for y in YEARS if _layout_for(style, y) in allowed]


def _styles_for(allowed: frozenset[str]) -> tuple[str, ...]:
    """Annual-report styles that print in an allowed layout in some year."""
    return tuple(st for st in _STYLES if _style_years(st, allowed))


def _plan(count: int, seed: int, allowed: frozenset[str] = frozenset(LAYOUTS)) -> list[_Entry]:
    pool = _specs()
    rng = _rng(1, seed)
    order = list(range(len(pool)))
    rng.shuffle(order)
    entries: list[_Entry] = []
    annual_style: dict[int, str] = {}
    used: dict[int, set[tuple[int, str]]] = {}
    styles = _styles_for(allowed)
    summaries = "summary" in allowed
    choice = tuple(st for st in _STYLES if st in styles or (st == "summary" and summaries))
    weights = tuple(_STYLE_WEIGHTS[_STYLES.index(st)] for st in choice)
    # the annual style of an agency that publishes summaries: one every agency could have (see capacity)
    summary_annual = "pipe" if "pipe" in styles or not styles else styles[0]

    def emit(idx: int, year: int, layout: str, forced_tables: bool | None = None) -> bool:
        kind = "summary" if layout == "summary" else "annual"
        if layout not in allowed or (year, kind) in used.setdefault(idx, set()):
            return len(entries) >= count
        used[idx].add((year, kind))
        if layout != "cells":
            tables = layout != "summary"
        elif forced_tables is not None:
            tables = forced_tables
        else:
            tables = year <= 2020 and rng.random() < 0.7
        entries.append(_Entry(idx, year, layout, tables))
        return len(entries) >= count

    if count == 0:
        return entries
    cursor = 0
    for style, start, length, level in _SHOWCASE:
        years = [y for y in range(start, start + length) if _layout_for(style, y) in allowed]
        if not years:
            continue
        # a department of that level which actually received applications in those years (not an all-zero table)
        pos = next(k for k in range(cursor, len(order))
                   if pool[order[k]].level == level and not pool[order[k]].is_government
                   and all(_chain(seed, order[k])[y]["new"][6] > 0 for y in years))
        order.insert(cursor, order.pop(pos))
        idx = order[cursor]
        cursor += 1
        annual_style[idx] = summary_annual if style == "summary" else style
        for year in years:
            forced = None if _layout_for(style, year) != "cells" else year <= 2020
            if emit(idx, year, _layout_for(style, year), forced):
                return entries
    # pass 1: one chain of consecutive years per agency
    for idx in order[cursor:]:
        style = rng.choices(choice, weights)[0]
        annual_style[idx] = summary_annual if style == "summary" else style
        years = list(YEARS) if style == "summary" else _style_years(style, allowed)
        if style == "cells" and "cells" in allowed:  # a 2019-form site: its first chain lives in the cells years
            years = [y for y in years if _layout_for(style, y) == "cells"]
            length = rng.randint(1, min(3, len(years)))
        else:
            length = min(len(years), rng.choice((1, 2, 2, 3, 3, 4, 5, 6)))
        start = rng.randint(years[0], years[-1] - length + 1)
        for year in range(start, start + length):
            if emit(idx, year, _layout_for(style, year)):
                return entries
        # some departments publish a 工作总结 beside the annual report: same year, same figures
        if summaries and style in ("pipe", "tab", "html", "crawler") and rng.random() < 0.12:
            if emit(idx, start + length - 1, "summary"):
                return entries
    # pass 2: every remaining annual year; pass 3: a summary for every agency-year
    for idx in order:
        style = annual_style[idx]
        for year in YEARS:
            if emit(idx, year, _layout_for(style, year)):
                return entries
    for idx in order:
        for year in YEARS:
            if emit(idx, year, "summary"):
                return entries
    return entries  # unreachable: capacity() was checked


def _plant(entries: list[_Entry], seed: int, count: int, error_rate: float | None) -> None:
    rate = DEFAULT_ERROR_RATE if error_rate is None else error_rate
    n = round(count * rate)
    if error_rate is None and count >= 4:
        n = max(1, n)
    eligible = [i for i, e in enumerate(entries) if e.with_tables and e.layout != "summary"]
    n = min(n, len(eligible))
    rng = _rng(2, seed)
    for k, i in enumerate(sorted(rng.sample(eligible, n))):
        entries[i].plant = PLANT_ORDER[k % len(PLANT_ORDER)]


# ---------------------------------------------------------------------------
# Timeline: one agency's consistent history 2019–2024
# ---------------------------------------------------------------------------


def _rng(*parts: int) -> random.Random:
    """A Random seeded from integers (FNV-style mix): cheaper than string seeds, stable across runs."""
    x = 0xCBF29CE484222325
    for p in parts:
        x = ((x ^ (p & 0xFFFFFFFFFFFF)) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return random.Random(x)


def _ri(rng: random.Random, lo: int, hi: int) -> int:
    """randint without randrange's overhead (this is the hot loop of 100k-report runs)."""
    return lo + int(rng.random() * (hi - lo + 1))


_RESULT_W = tuple(RESULT_WEIGHTS.values())
_RESULT_CUM = tuple(sum(_RESULT_W[: i + 1]) for i in range(len(_RESULT_W)))


def _split(rng: random.Random, n: int, weights: tuple[float, ...], cum: tuple[float, ...] | None = None) -> list[int]:
    """Split n into len(weights) non-negative parts; small categories are often empty (as in real tables).

    Small n: each case picks its category by weight.  Larger n: a random
    subset of categories (always the first) shares n in proportion to jittered
    weights, the remainder going to the biggest shares.
    """
    k = len(weights)
    parts = [0] * k
    if n <= 0:
        return parts
    rnd = rng.random
    if n <= 4:
        if cum is None:
            cum = tuple(sum(weights[: i + 1]) for i in range(k))
        top = cum[-1]
        for _ in range(n):
            parts[min(bisect_right(cum, rnd() * top), k - 1)] += 1
        return parts
    raw = [w * (0.3 + rnd()) if i == 0 or rnd() < 0.12 + w / 20 else 0.0 for i, w in enumerate(weights)]
    total = sum(raw)
    for i in range(k):
        parts[i] = int(n * raw[i] / total)
    rest = n - sum(parts)
    ranked = sorted((i for i in range(k) if raw[i] > 0), key=raw.__getitem__, reverse=True)
    for j in range(rest):
        parts[ranked[j % len(ranked)]] += 1
    return parts


def _row(parts: list[int]) -> list[int]:
    return parts + [sum(parts)]


def _count(rng: random.Random, mean: float) -> int:
    """A rough count around `mean` (heavy-ish tail, 0 allowed)."""
    if mean <= 0:
        return 0
    return int(mean * (0.2 + 1.6 * rng.random()) * (1.0 if rng.random() < 0.85 else 2.5))


@lru_cache(maxsize=1024)
def _chain(seed: int, idx: int) -> dict[int, dict]:
    """One agency's history 2019–2024: everything that carries from year to year.

    Built from the agency's own RNG, so it does not depend on which years or
    how many reports are emitted.  The split of each year's processed cases
    over the result rows carries nothing forward and is drawn lazily
    (`_facts`), from a per-year RNG.
    """
    agency = _agency(idx)
    rng = _rng(3, seed, idx)
    rnd = rng.random
    scale = LEVEL_SCALE[agency.level]
    req_mean, lic, pun, coe, fee = agency.profile
    rule_making = agency.dept_key in ("gov", "govo") and agency.level in ("prefecture", "province")
    quiet = agency.level in ("county", "township") and rnd() < 0.45
    activity = req_mean * scale * (0.4 + 1.2 * rnd())

    fwd = [0] * 7
    if not quiet and rnd() < 0.4:
        fwd = _row([_ri(rng, 0, 2)] + [0] * 5)
    reg_stock = _ri(rng, 10, 80) if rule_making else 0
    norm_stock = _ri(rng, 0, int(10 + 30 * scale)) if not quiet else _ri(rng, 0, 6)
    cum_reg = reg_stock + (_ri(rng, 0, 20) if rule_making else 0)
    cum_norm = norm_stock + _ri(rng, 0, 40)
    items = {k: _ri(rng, 0, int(5 + 40 * scale)) for k in ("licensing", "other_services", "punishment", "coercion")}
    items["fees"] = _ri(rng, 0, 12)

    years: dict[int, dict] = {}
    for year in YEARS:
        # --- table 三 per applicant column: 新收 + 上年结转 = 办结 + 结转下年度
        new_total = 0 if quiet and rnd() < 0.8 else _count(rng, activity)
        if not quiet and new_total == 0 and rnd() < 0.5:
            new_total = 1
        natural = round(new_total * (0.55 + 0.4 * rnd()))
        new = _row([natural] + _split(rng, new_total - natural, APPLICANT_WEIGHTS))
        carried_over = fwd
        fwd_parts = [0] * 6
        processed = [0] * 6
        for j in range(6):
            avail = new[j] + carried_over[j]
            if avail > 0 and rnd() < 0.35:
                fwd_parts[j] = _ri(rng, 0, max(1, avail // 6))
            processed[j] = avail - fwd_parts[j]
        fwd = _row(fwd_parts)

        # --- table 四
        review: dict[str, list[int]] = {}
        for proc, p_any in zip(codes.PROCEEDINGS, (0.25, 0.12, 0.08)):
            n = 0
            if rnd() < p_any * (0.3 if quiet else 1.0) * min(3.0, scale):
                n = 1 + _count(rng, 1.5 * scale ** 0.5)
            review[proc] = _row(_split(rng, n, (5.0, 1.0, 1.5, 1.5)))

        # --- table 二, 2021 format (Y-02: in_force(Y) = in_force(Y-1) + issued - repealed)
        reg_issued = _ri(rng, 0, 3 + int(scale)) if rule_making else 0
        reg_repealed = min(reg_stock, _ri(rng, 0, 3)) if rule_making else 0
        reg_stock += reg_issued - reg_repealed
        norm_issued = 0 if quiet and rnd() < 0.7 else _ri(rng, 0, 2 + int(6 * scale ** 0.7))
        norm_repealed = min(norm_stock + norm_issued, _ri(rng, 0, 3) if rnd() < 0.4 else 0)
        norm_stock += norm_issued - norm_repealed
        decisions = {
            "licensing": 0 if quiet and rnd() < 0.6 else _count(rng, lic * scale),
            "punishment": 0 if quiet and rnd() < 0.6 else _count(rng, pun * scale),
            "coercion": 0 if quiet and rnd() < 0.8 else _count(rng, coe * scale),
            "other_services": _count(rng, lic * scale * 0.2),
        }
        if fee and rnd() < 0.55:
            amount = Decimal(int(fee * scale * (0.05 + 1.5 * rnd()) * 1000)).scaleb(-3).normalize()
        else:
            amount = Decimal(0)
        a21 = {
            "regulations.issued": reg_issued, "regulations.repealed": reg_repealed, "regulations.in_force": reg_stock,
            "normative_documents.issued": norm_issued, "normative_documents.repealed": norm_repealed,
            "normative_documents.in_force": norm_stock,
            "licensing.decisions": decisions["licensing"], "punishment.decisions": decisions["punishment"],
            "coercion.decisions": decisions["coercion"], "fees.amount": amount,
        }

        # --- table 二, 2019 format (Y-04: prior_year(Y) = prior_year(Y-1) + change(Y-1))
        norm_published = norm_issued - (1 if norm_issued and rnd() < 0.1 else 0)
        cum_reg += reg_issued
        cum_norm += norm_published
        a19: dict[str, object] = {
            "regulations.new_made": reg_issued, "regulations.new_published": reg_issued,
            "regulations.total_published": cum_reg,
            "normative_documents.new_made": norm_issued, "normative_documents.new_published": norm_published,
            "normative_documents.total_published": cum_norm,
        }
        for item in ("licensing", "other_services", "punishment", "coercion", "fees"):
            prior = items[item]
            change = _ri(rng, -min(prior, 3), 4) if rnd() < 0.5 else 0
            items[item] = prior + change
            a19[f"{item}.prior_year"] = prior
            a19[f"{item}.change"] = change
            if item != "fees":
                a19[f"{item}.decisions"] = decisions[item]
        proc_items = _ri(rng, 0, int(3 + 10 * scale)) if not quiet else 0
        a19["procurement.items"] = proc_items
        a19["procurement.amount"] = proc_items * _ri(rng, 50, 4000) * 100
        years[year] = {"new": new, "carried_over": carried_over, "processed": processed, "fwd": fwd,
                       "review": review, "a21": a21, "a19": a19}
    return years


def _facts(seed: int, idx: int, year: int) -> dict:
    """The year's figures, with table 三 complete (result rows split per column so T3-01/02/03 hold)."""
    y = _chain(seed, idx)[year]
    rng = _rng(4, seed, idx, year)
    by_col = [_split(rng, n, _RESULT_W, _RESULT_CUM) for n in y["processed"]]
    rows: dict[str, list[int]] = {"new_received": y["new"], "carried_over": y["carried_over"]}
    for r, row in enumerate(RESULT_ROWS):
        rows[row] = _row([by_col[j][r] for j in range(6)])
    rows["total_processed"] = _row(y["processed"])
    rows["carried_forward"] = y["fwd"]
    return {"requests": rows, "review": y["review"], "a21": y["a21"], "a19": y["a19"]}


# ---------------------------------------------------------------------------
# Build one report
# ---------------------------------------------------------------------------


def _pub_date(rng: random.Random, year: int, layout: str) -> date:
    """Annual reports: January–March of Y+1 (most by the 31 January deadline); summaries: late December or Q1."""
    if layout == "summary" and rng.random() < 0.3:
        return date(year, 12, rng.randint(15, 31))
    month = rng.choices((1, 2, 3), (0.6, 0.25, 0.15))[0]
    return date(year + 1, month, rng.randint(1, calendar.monthrange(year + 1, month)[1]))


_REQUEST_KEYS = {
    fmt: tuple(f"{row}.{app}" for row in rows for app in codes.APPLICANTS)
    for fmt, rows in (("2021", codes.REQUEST_ROWS_2021), ("2019", codes.REQUEST_ROWS_2019))
}
_REVIEW_KEYS = tuple(f"{p}.{o}" for p in codes.PROCEEDINGS for o in codes.OUTCOMES)


def _jsonable(v: object) -> object:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


_FORMAT = {"pipe": "2021", "tab": "2021", "cells": "2019", "summary": "none", "crawler": "2021"}


def _format(layout: str, year: int) -> str:
    """The table form a report prints: html sites print the 2019 trial form for 2019 and 2020."""
    if layout == "html":
        return "2021" if year >= 2021 else "2019"
    return _FORMAT[layout]


@dataclass
class _Tables:
    """The printed tables of one report (planted cell included)."""

    active: dict[str, object] | None = None
    requests: dict[str, list[int]] | None = None
    review: dict[str, list[int]] | None = None
    summary: dict[str, int] | None = None


def _tables(entry: _Entry, facts: dict, fmt: str, rng: random.Random, site: synth_html.Site | None) -> _Tables:
    t = _Tables()
    if fmt == "2021":
        t.active = dict(facts["a21"])
        if site is not None and site.blank_regs and not any(t.active[f"regulations.{m}"] for m in
                                                            ("issued", "repealed", "in_force")):
            for m in ("issued", "repealed", "in_force"):  # a body that makes no 规章 leaves the row empty
                t.active[f"regulations.{m}"] = None
    elif fmt == "2019":
        a19 = facts["a19"]
        t.active = {f"{item}.{metric}": a19[f"{item}.{metric}"]
                    for item, metrics in codes.ACTIVE_LAYOUT_2019.items() for metric in metrics}
        if rng.random() < 0.5:  # seed 000 leaves 收费 and 采购 blank
            t.active["fees.prior_year"] = t.active["fees.change"] = None
            t.active["procurement.items"] = t.active["procurement.amount"] = None
    if entry.with_tables:
        rows = codes.REQUEST_ROWS_2021 if fmt == "2021" else codes.REQUEST_ROWS_2019
        src = facts["requests"]
        t.requests = {}
        for row in rows:
            if row == codes.OTHER_ROW_SINGLE:
                t.requests[row] = [sum(src[r][j] for r in codes.OTHER_ROWS_2021) for j in range(7)]
            else:
                t.requests[row] = list(src[row])
        t.review = {p: list(v) for p, v in facts["review"].items()}
    if entry.layout == "summary":
        r, a = facts["requests"], facts["a21"]
        t.summary = {
            "requests.new_received.total": r["new_received"][6],
            "requests.total_processed.total": r["total_processed"][6],
            "requests.carried_forward.total": r["carried_forward"][6],
            "active_disclosure.normative_documents.issued": a["normative_documents.issued"],
            "active_disclosure.normative_documents.repealed": a["normative_documents.repealed"],
            "active_disclosure.normative_documents.in_force": a["normative_documents.in_force"],
        }
    return t


def _plant_target(tables: _Tables, rule: str) -> tuple[list[int], int, str]:
    """The printed row holding the cell a rule's plant changes, the column index and the cell's name."""
    table, row, col, _trips = PLANTS[rule]
    target = tables.requests if table == "requests" else tables.review
    column = codes.APPLICANTS[col] if table == "requests" else codes.OUTCOMES[col]
    return target[row], col, f"{table}.{row}.{column}"


def _first_delta(rng: random.Random, true_value: int) -> int:
    delta = rng.choice((1, 2, 3, 5, 10))
    if true_value >= delta and rng.random() < 0.4:
        delta = -delta
    return delta


def _deltas(first: int, true_value: int) -> list[int]:
    """The printed-value changes to try, first one first (a crawler page may hide some, see synth_crawler)."""
    out = [first]
    for d in (1, 2, 3, 5, 10, 20, 50, 4, 6, 7, 8, 9):
        for signed in (d, -d):
            if signed not in out and true_value + signed >= 0:
                out.append(signed)
    return out


def _build(entry: _Entry, seed: int, name: str, encoding: str, variants: tuple[str, ...] = ()) -> SynthReport:
    agency = _agency(entry.agency)
    facts = _facts(seed, entry.agency, entry.year)
    rng = _rng(5, seed, entry.agency, entry.year, LAYOUTS.index(entry.layout))
    layout = entry.layout
    fmt = _format(layout, entry.year)
    site = synth_html.make_site(_rng(6, seed, entry.agency).getrandbits(64), agency.prov_code, variants) \
        if layout == "html" else None
    tables = _tables(entry, facts, fmt, rng, site)
    doc = Doc(agency=agency, year=entry.year, layout=layout, published_on=_pub_date(rng, entry.year, layout),
              show_date=layout != "pipe" or rng.random() < 0.6, with_tables=entry.with_tables,
              active=tables.active, requests=tables.requests, review=tables.review, summary=tables.summary, rng=rng)
    planted: list[dict] = []
    determined = None
    blanks: frozenset[str] = frozenset()
    if layout == "crawler":
        rendered, determined, planted = _render_crawler(doc, entry.plant)
    else:
        if entry.plant:
            row, col, cell = _plant_target(tables, entry.plant)
            true_value = row[col]
            row[col] = true_value + _first_delta(rng, true_value)
            planted.append({"rule": entry.plant, "cell": cell, "true_value": true_value,
                            "printed_value": row[col], "trips": list(PLANTS[entry.plant][3])})
        if site is not None and "blank" in site.variants:
            keep = frozenset(p["cell"] for p in planted)
            blanks = synth_html.blank_cells(doc, _rng(7, seed, entry.agency, entry.year).getrandbits(64), keep)
        rendered = synth_html.render_html(doc, site, blanks) if layout == "html" else RENDERERS[layout](doc)
    if rendered.charset:
        encoding = synth_html.page_codec(rendered.text, rendered.charset)
    truth = _truth(entry, doc, fmt, rendered, planted, determined)
    for key in blanks:  # printed empty: the warehouse must store no number there
        table, cell = key.split(".", 1)
        truth[table][cell] = None
    if variants:
        truth["variants"] = sorted(site.variants) if site is not None else []
    truth["file"] = name
    truth["layout"] = layout
    truth["encoding"] = encoding
    return SynthReport(name=name, text=rendered.text, encoding=encoding, truth=truth)


def _render_crawler(doc: Doc, plant: str | None) -> tuple[Rendered, synth_crawler.Determined, list[dict]]:
    """Render a crawler page and read it back; a planted change the flattened page would hide is replaced.

    Separators are chosen on the true tables; then each candidate change
    of the planted cell is tried until the page, read as the contract says,
    flags it (a blocking doubt, or the changed row's own identity) and
    reads no cell as a number other than the printed one.
    """
    layout = synth_crawler.choose_layout(doc.requests, doc.review, doc.rng)
    state = doc.rng.getstate()
    if not plant:
        rendered = synth_crawler.render_crawler(doc, layout)
        determined = synth_crawler.determine(doc, layout, rendered.metrics)
        if determined.blocking or _misread(doc, determined):
            raise AssertionError(f"crawler page of {doc.agency.name} {doc.year} is not read as printed")
        return rendered, determined, []
    row, col, cell = _plant_target(_Tables(doc.active, doc.requests, doc.review), plant)
    true_value = row[col]
    for delta in _deltas(_first_delta(doc.rng, true_value), true_value):
        row[col] = true_value + delta
        doc.rng.setstate(state)
        rendered = synth_crawler.render_crawler(doc, layout)
        try:
            determined = synth_crawler.determine(doc, layout, rendered.metrics)
        except synth_crawler.TooHard:
            continue
        trips = _crawler_trips(plant, determined)
        if trips and not _misread(doc, determined):
            return rendered, determined, [{"rule": plant, "cell": cell, "true_value": true_value,
                                           "printed_value": row[col], "trips": trips}]
    raise AssertionError(f"no detectable change of {cell} on the crawler page of {doc.agency.name} {doc.year}")


def _crawler_trips(plant: str, determined: synth_crawler.Determined) -> list[str]:
    """The rules sure to fail on the page as read: P-01 for a blocking doubt, the changed row's own identity
    when the row is read whole (a fixed run keeps what it prints)."""
    table, row, _col, _trips = PLANTS[plant]
    trips = ["P-01"] if determined.blocking else []
    cells = determined.requests[row] if table == "requests" else determined.review[row]
    if None not in cells:
        trips.append("T3-01" if table == "requests" else "T4-01")
    return trips


def _misread(doc: Doc, determined: synth_crawler.Determined) -> bool:
    """A cell the page decides as a number other than the one printed (the truth would have to lie)."""
    for key, value in determined.active.items():
        if value is not None and value != doc.active[key]:
            return True
    for table, printed in ((determined.requests, doc.requests), (determined.review, doc.review)):
        for row, cells in table.items():
            if any(v is not None and v != p for v, p in zip(cells, printed[row])):
                return True
    return False


def _truth(entry: _Entry, doc: Doc, fmt: str, rendered: Rendered, planted: list[dict],
           determined: synth_crawler.Determined | None) -> dict:
    layout = entry.layout
    agency = doc.agency
    active, requests, review = doc.active, doc.requests, doc.review
    undecided: dict[str, object] = {}
    if determined is not None:  # a crawler page states only what its flattened runs determine
        undecided = _undecided(doc, determined)
        active, requests, review = determined.active, determined.requests, determined.review
    truth: dict = {
        "report": {
            "agency": agency.name,
            "report_year": entry.year,
            "published_on": doc.published_on.isoformat() if doc.show_date else None,
            "doc_kind": "work_summary" if layout == "summary" else "annual_report",
            "format_version": fmt,
        },
        "geo": {"region": agency.region, "admin_level": agency.level},
        "sections": rendered.sections,
        "active_disclosure": None if active is None else {k: _jsonable(v) for k, v in active.items()},
        "requests": None if requests is None else
        dict(zip(_REQUEST_KEYS[fmt], [v for vals in requests.values() for v in vals])),
        "review_litigation": None if review is None else
        dict(zip(_REVIEW_KEYS, [v for vals in review.values() for v in vals])),
    }
    if layout == "summary":
        truth["requests_narrative"] = {k[len("requests."):]: v for k, v in rendered.metrics.items()
                                       if k.startswith("requests.")}
        truth["active_disclosure_narrative"] = {k[len("active_disclosure."):]: v for k, v in rendered.metrics.items()
                                                if k.startswith("active_disclosure.")}
    if fmt == "2019" and active and active.get("procurement.amount") is not None:
        truth["active_disclosure_units"] = {"procurement.amount": "元"}
    truth["narrative"] = [[_jsonable(v), u] for v, u in rendered.narrative]
    truth["narrative_metrics"] = {k: _jsonable(v) for k, v in rendered.metrics.items()}
    if planted:
        truth["expect_status"] = "quarantined"
    elif layout == "summary" or not entry.with_tables:
        truth["expect_status"] = "any"  # as the gold files of seeds 000 and 003: no blocking check applies
    else:
        truth["expect_status"] = "published"
    if layout == "cells" and not entry.with_tables:
        truth["expect_warning"] = ("tables 三 and 四 are missing: a completeness warning must be recorded "
                                   "in check_results")
    truth["planted_errors"] = sorted({rule for p in planted for rule in p["trips"]})
    truth["planted"] = planted
    if determined is not None:
        truth["undecided"] = undecided
    return truth


def _undecided(doc: Doc, determined: synth_crawler.Determined) -> dict[str, object]:
    """Cells printed on the page but left open by its flattened runs: "table.cell" -> the printed value."""
    out: dict[str, object] = {}
    for key, value in determined.active.items():
        if value is None and doc.active[key] is not None:
            out[f"active_disclosure.{key}"] = _jsonable(doc.active[key])
    for table, cells, printed, columns in (("requests", determined.requests, doc.requests, codes.APPLICANTS),
                                           ("review_litigation", determined.review, doc.review, codes.OUTCOMES)):
        for row, vals in cells.items():
            for col, v, p in zip(columns, vals, printed[row]):
                if v is None:
                    out[f"{table}.{row}.{col}"] = p
    return out


def parse_layouts(value: str) -> tuple[str, ...]:
    """`--layouts html,crawler` -> ("html", "crawler"); unknown names are an argparse error."""
    names = tuple(part.strip() for part in value.split(",") if part.strip())
    try:
        check_layouts(names)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return names


def parse_variants(value: str) -> tuple[str, ...]:
    """`--variants rowspan,blank` -> ("rowspan", "blank"); `mix`; unknown names are an argparse error."""
    names = tuple(part.strip() for part in value.split(",") if part.strip())
    try:
        return synth_html.check_variants(names)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    """`python -m orchestration.synth.generator DIR` (the `ogi synth` command wraps `generate`)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--error-rate", type=float, default=None)
    ap.add_argument("--layouts", type=parse_layouts, default=None,
                    help=f"comma-separated subset of {','.join(LAYOUTS)} (default: all)")
    ap.add_argument("--variants", type=parse_variants, default=None,
                    help=f"html table-layout variants: comma-separated subset of {','.join(synth_html.VARIANTS)}, "
                         "or 'mix' (each site draws its own); default: none")
    args = ap.parse_args(argv)
    paths = generate(args.out_dir, args.count, args.seed, args.error_rate, args.layouts, args.variants)
    print(f"wrote {len(paths)} reports to {args.out_dir} (truth in {args.out_dir / 'truth'})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
