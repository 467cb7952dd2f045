"""orchestration.synth.html table-layout variants (`ogi synth --variants`): each draws what it claims, the
truth follows the printed cells (blank = null), and without variants nothing changes."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from orchestration.synth import generator as synth, html as synth_html
from orchestration.cli import main as ogi
from transforms import codes


def grid(table) -> list[list[str]]:
    """Cell texts with rowspan/colspan expanded (a spanned position repeats the text)."""
    rows, pending = [], {}
    for r, tr in enumerate(table.find_all("tr")):
        row, c = [], 0
        cells = tr.find_all(["td", "th"])
        while cells or (r, c) in pending:
            if (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
                continue
            cell = cells.pop(0)
            text = re.sub(r"\s+", "", cell.get_text()).replace("\xa0", "")
            rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            for dc in range(cs):
                row.append(text)
                for dr in range(1, rs):
                    pending[(r + dr, c + dc)] = text
            c += cs
        rows.append(row)
    return rows


def tables(rep) -> dict[str, list]:
    soup = BeautifulSoup(rep.text, "lxml")
    out = {"active": [], "requests": None, "review": None}
    for t in soup.find_all("table"):
        if t.find("table") is not None:
            continue
        text = t.get_text()
        if "申请人情况" in text:
            out["requests"] = grid(t)
        elif "复议后起诉" in text:
            out["review"] = grid(t)
        elif "第二十条" in text:
            out["active"].append(grid(t))
    return out


def reports(variants, count=24, seed=5):
    return list(synth.iter_reports(count, seed, layouts=("html",), variants=variants))


def num(cell: str):
    return int(cell) if cell else None


def test_without_variants_pages_and_truth_are_unchanged():
    plain = reports(None)
    assert [(r.data, r.truth) for r in plain] == [(r.data, r.truth) for r in reports(())]
    assert all("variants" not in r.truth for r in plain)
    assert all(len(tables(r)["active"]) == 1 for r in plain)


def test_unknown_variants_are_refused(tmp_path):
    with pytest.raises(ValueError):
        list(synth.iter_reports(2, 1, layouts=("html",), variants=("wobbly",)))
    with pytest.raises(SystemExit):
        ogi(["synth", str(tmp_path), "--variants", "wobbly"])


def test_rowspan_variant_has_two_label_columns_and_the_truth():
    for rep in reports(("rowspan",)):
        req = tables(rep)["requests"]
        assert {len(row) for row in req} == {9}, rep.name
        fmt = rep.truth["report"]["format_version"]
        rows = codes.REQUEST_ROWS_2021 if fmt == "2021" else codes.REQUEST_ROWS_2019
        assert len(req) == 3 + len(rows)
        by_row = dict(zip(rows, req[3:]))
        assert by_row["granted"][0] == "三、本年度办理结果" == by_row["partly_granted"][0]
        assert by_row["denied_state_secret"][0] == "（三）不予公开" != by_row["denied_state_secret"][1]
        for row, cells in by_row.items():
            assert [num(c) for c in cells[2:]] == [rep.truth["requests"][f"{row}.{a}"] for a in codes.APPLICANTS]


def test_blank_variant_prints_empty_cells_whose_truth_is_null():
    blanks = 0
    for rep in reports(("blank",)):
        t = tables(rep)
        fmt = rep.truth["report"]["format_version"]
        rows = codes.REQUEST_ROWS_2021 if fmt == "2021" else codes.REQUEST_ROWS_2019
        for row, cells in zip(rows, t["requests"][3:]):
            for app, cell in zip(codes.APPLICANTS, cells[3:]):
                assert num(cell) == rep.truth["requests"][f"{row}.{app}"], (rep.name, row, app)
                blanks += cell == ""
        values = [num(c) for c in t["review"][3]]
        assert values == [rep.truth["review_litigation"][f"{p}.{o}"] for p in codes.PROCEEDINGS for o in codes.OUTCOMES]
    assert blanks > 50


def test_subtables_variant_prints_one_table_per_item_with_banner_header_and_spacers():
    seen = set()
    for rep in reports(("subtables",)):
        active = tables(rep)["active"]
        fmt = rep.truth["report"]["format_version"]
        assert len(active) == (5 if fmt == "2019" else 4), rep.name
        for sub in active:
            assert {len(row) for row in sub} == {4}
            assert re.fullmatch(r"第二十条第（[一五六八九]）项", sub[0][0])
            assert sub[1][0] == "信息内容"
        seen.add(fmt)
        if fmt == "2019":
            fees = active[3]
            assert fees[2][0] == "行政事业性收费" and fees[1][3] == "" and fees[2][3] == ""  # spacer cells
    assert seen == {"2019", "2021"}


def test_split_header_variant_puts_each_header_level_on_its_own_row():
    for rep in reports(("split_header",), count=8):
        soup = BeautifulSoup(rep.text, "lxml")
        t = tables(rep)
        req, rev = t["requests"], t["review"]
        assert req[1][3] == "自然人" and req[2][3] == "" and req[2][4] == "商业企业" and req[1][9] == "总计"
        assert rev[0][0] == "行政复议" and rev[1][0] == "" and rev[1][5] == "未经复议直接起诉"
        assert rev[2] == [re.sub(r"\s", "", h) for h in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")] * 3
        head_rows = [tr for table in soup.find_all("table") if "申请人情况" in table.get_text()
                     and table.find("table") is None for tr in table.find_all("tr")[:3]]
        assert not any(cell.get("rowspan") for tr in head_rows for cell in tr.find_all(["td", "th"]))


def test_mix_draws_variants_per_site(tmp_path):
    reps = reports(("mix",), count=40, seed=9)
    drawn = {tuple(r.truth["variants"]) for r in reps}
    assert len(drawn) >= 3  # sites differ; each keeps its own subset every year
    assert ogi(["synth", str(tmp_path), "--count", "3", "--layouts", "html", "--variants", "rowspan,blank"]) == 0
