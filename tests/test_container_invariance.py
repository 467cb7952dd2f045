"""The same report gives the same table facts as an HTML page, a PDF and a DOCX (issue 11).

For one generated report per era (2019 trial form, 2021 form) and per table
drawing (the default official form and each variant of benchmarks.synth_html:
rowspan label column, blank cells, table 二 as sub-tables with spacer cells,
split header rows), the page is printed to PDF by headless Chromium, exported
to PDF and saved as DOCX by LibreOffice (tests/containers.py), and all four
files are loaded into one warehouse. The table fact rows (table, row/item,
column/metric, value) of every container must equal the truth — and so each
other. A blank cell is a cell without a number in both the truth and the
warehouse (NULL or no row), never 0.

This test measures the table reader on containers it does not read well yet:
it fails on today's parser for some containers, on purpose (no xfail). The
failure message lists, per container, the cells that differ. For the whole
picture run `python -m benchmarks.containers_eval --workdir DIR --count 3`.
Skipped (with a message) where Chromium or LibreOffice is not installed.
"""

from __future__ import annotations

import pytest

from benchmarks.containers_eval import (
    CONTAINERS,
    ERAS,
    TABLES,
    comparable,
    convert,
    fact_rows,
    generate,
    judge,
    load,
    truth_rows,
)
from containers import find_chromium, find_soffice

VARIANTS = ("default", "rowspan", "blank", "subtables", "split_header")
SEED = 11
SHOW = 12  # differing cells listed per container


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    if find_chromium() is None:
        pytest.skip("Chromium is not installed (make test installs it: see the Makefile's browser target)")
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed (make test installs it: see the Makefile's browser target)")
    workdir = tmp_path_factory.mktemp("containers")
    cases = [case for variant in VARIANTS for case in generate(workdir, variant, 1, SEED)]
    assert {(c.variant, c.era) for c in cases} == {(v, e) for v in VARIANTS for e in ERAS}
    failures = convert(cases, workdir, CONTAINERS, log=lambda *_: None)
    assert not failures, "conversions failed:\n" + "\n".join(failures)
    paths = [p for case in cases for p in case.files.values()]
    assert load(paths, workdir / "ogi.duckdb", log=workdir / "load.log") == 0
    results = judge(workdir / "ogi.duckdb", cases, CONTAINERS)
    return {(r.case.variant, r.case.era, r.container): r for r in results}


def _cell(row: tuple) -> str:
    table, item, col, _value = row
    return f"{TABLES[table][2]} {item}.{col}"


def _differences(got: set[tuple], want: set[tuple]) -> list[str]:
    """Cells whose stored number is not the truth's: "三 granted.natural 3→—" (— = no number stored)."""
    got_by = {row[:3]: row[3] for row in got}
    want_by = {row[:3]: row[3] for row in want}
    out = []
    for key in sorted(set(got_by) | set(want_by), key=lambda k: (list(TABLES).index(k[0]), k[1], k[2])):
        g, w = got_by.get(key), want_by.get(key)
        if g != w:
            out.append(f"{_cell(key + (None,))} {w if w is not None else '—'}→{g if g is not None else '—'}")
    return out


@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_container_gives_the_truths_table_facts(loaded, variant, era):
    want = comparable(truth_rows(loaded[(variant, era, "html")].case.truth))
    lines = []
    by_container = {}
    for container in CONTAINERS:
        r = loaded[(variant, era, container)]
        got = comparable(fact_rows(r.facts))
        by_container[container] = got
        diff = _differences(got, want)
        if diff or r.load_error:
            if not got:
                shown = "no table fact stored at all"
            else:
                shown = ", ".join(diff[:SHOW]) + (f", … {len(diff) - SHOW} more" if len(diff) > SHOW else "")
            lines.append(f"  {container:<12} {len(diff)}/{len(want | got)} cells differ "
                         f"(status {r.status}{', ' + r.load_error if r.load_error else ''}"
                         f"{', read as ' + '; '.join(r.meta_problems) if r.meta_problems else ''}): {shown}")
    if lines:
        name = loaded[(variant, era, "html")].case.name
        same = [c for c in CONTAINERS if by_container[c] == by_container["html"]]
        pytest.fail(f"{name} ({variant} drawing, {era} form): table facts differ from the truth "
                    f"(want→got; — = no number); identical to the HTML page's: {', '.join(same)}\n"
                    + "\n".join(lines), pytrace=False)
