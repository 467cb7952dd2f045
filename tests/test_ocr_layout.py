"""OCR boxes → grids, and the identities deciding what an OCR-read table may publish (pure parts of issue 16)."""

from __future__ import annotations

from transforms.extract import extract_scanned, extract_text
from transforms.model import CellRef, RequestFact, ReviewFact, TablesResult
from transforms.ocr_layout import OcrBox, OcrPage, TableRules, confidence_of, render_page, table_grid
from transforms.tables import ocr_vetting


def _rules(xs, ys, merged_v=(), merged_h=()):  # noqa: ANN001, ANN202
    """A full grid of rules, less the vertical edges (row, x index) and horizontal edges (y index, col) named."""
    vbound = tuple(tuple((r, j) not in merged_v for j in range(len(xs))) for r in range(len(ys) - 1))
    hbound = tuple(tuple((i, c) not in merged_h for c in range(len(xs) - 1)) for i in range(len(ys)))
    return TableRules(tuple(xs), tuple(ys), vbound, hbound)


def _box(text, x0, y0, x1, y1, score=0.99):  # noqa: ANN001, ANN202
    return OcrBox(text, (x0, y0, x1, y1), score)


def test_merged_label_stands_in_its_top_left_cell_and_covered_cells_are_blank():
    # 3 columns x 3 rows; column 0 of rows 1-2 is one cell (no rule at y index 2, col 0)
    rules = _rules([0, 100, 200, 300], [0, 40, 80, 120], merged_h={(2, 0)})
    boxes = [
        _box("项目", 10, 10, 90, 30), _box("甲", 110, 10, 190, 30), _box("乙", 210, 10, 290, 30),
        _box("(四)无法提供", 10, 70, 90, 90),  # centred on the rule the merged cell lacks
        _box("10", 140, 50, 160, 70, 0.91), _box("3", 240, 50, 260, 70),
        _box("3", 140, 90, 160, 110),
    ]
    grid = table_grid(rules, boxes)
    assert [[c.text if c else None for c in row] for row in grid] == [
        ["项目", "甲", "乙"], ["(四)无法提供", "10", "3"], [None, "3", ""],
    ]
    assert grid[1][1].score == 0.91 and grid[2][2].score is None
    assert grid[1][0].box == (0, 40, 100, 120)


def test_box_straddling_a_drawn_rule_is_never_trusted():
    rules = _rules([0, 100, 200], [0, 40, 80])
    grid = table_grid(rules, [_box("1 0", 60, 50, 150, 70, 0.99)])  # two cells read as one box
    assert grid[1][1].text == "1 0" and grid[1][1].score == 0.0  # centred in column 1, past the rule at 100


def test_wrapped_cell_lines_join_without_space_between_cjk():
    rules = _rules([0, 200, 300], [0, 80])
    grid = table_grid(rules, [_box("本年新", 10, 10, 100, 30), _box("收", 10, 45, 40, 65), _box("0", 240, 30, 260, 50)])
    assert grid[0][0].text == "本年新收" and grid[0][1].text == "0"


def test_page_renders_text_and_table_rows_in_reading_order_with_origins():
    rules = _rules([100, 200, 300], [200, 240, 280])
    page = OcrPage(
        "p2",
        (
            _box("三、收到和处理政府信息公开申请情况", 100, 150, 400, 180),
            _box("行政许可", 110, 210, 190, 230), _box("550", 230, 210, 270, 230, 0.97),
            _box("合计", 110, 250, 190, 270),
            _box("四、后文", 100, 300, 200, 320),
            _box("- 2 -", 250, 900, 290, 920),  # page number
        ),
        (rules,),
        scale=0.5,
    )
    origins: list = []
    text = render_page(page, origins)
    assert text.splitlines() == ["三、收到和处理政府信息公开申请情况", "行政许可 | 550", "合计 | ", "四、后文"]
    assert origins[0] == ("行政许可 | 550", ("ocr p2 (50,100,100,120) conf 0.99", "ocr p2 (100,100,150,120) conf 0.97"))
    assert origins[1][1][1] == "ocr p2 (100,120,150,140)"  # blank: no confidence
    assert confidence_of(origins[0][1][1]) == 0.97 and confidence_of(origins[1][1][1]) is None


def test_scanned_pages_become_cleaned_text_with_located_cells():
    rules = _rules([0, 100, 200], [0, 40, 80])
    page = OcrPage("p1", (_box("规章", 10, 50, 90, 70), _box("0", 140, 50, 160, 70, 0.95)), (rules,), scale=72 / 160)
    extracted = extract_scanned([page])
    assert (extracted.kind, extracted.encoding) == ("pdf", "ocr")
    assert "规章 | 0" in extracted.text.splitlines()
    (locs,) = extracted.origins.values()
    assert locs[1].startswith("ocr p1 (") and locs[1].endswith("conf 0.95")


def test_page_picture_is_read_in_place_with_its_cell_origins():
    rules = _rules([0, 100, 200], [0, 40, 80])
    page = OcrPage("img 1", (_box("规章", 10, 10, 90, 30), _box("5", 140, 10, 160, 30, 0.93),
                             _box("合计", 10, 50, 90, 70), _box("6", 140, 50, 160, 70)), (rules,))
    html = '<html><body><p>前文</p><img src="t1.png"><p>后文</p></body></html>'.encode()
    extracted = extract_text(html, "page.html", {"t1.png": page})
    lines = extracted.text.splitlines()
    assert lines.index("前文") < lines.index("规章 | 5") < lines.index("合计 | 6") < lines.index("后文")
    assert "ocr img 1 (100,0,200,40) conf 0.93" in [loc for locs in extracted.origins.values() for loc in locs]


# --- the identities decide ---------------------------------------------------


def _loc(conf):  # noqa: ANN001, ANN202
    return "ocr p4 (10,10,20,20)" + ("" if conf is None else f" conf {conf:.2f}")


def _review(values, confs=None):  # noqa: ANN001, ANN202
    confs = confs or {}
    outcomes = ("upheld", "corrected", "other", "pending", "total")
    return [
        ReviewFact("review", o, v, CellRef("review_litigation", "行政复议", o, "" if v is None else str(v), _loc(confs.get(o, 1.0))))
        for o, v in zip(outcomes, values)
    ]


def test_identities_holding_leave_the_reading_alone():
    result = TablesResult(review=_review([3, 1, 0, 0, 4]))
    ocr_vetting.vet(result)
    assert not result.issues and [f.value for f in result.review] == [3, 1, 0, 0, 4]


def test_one_low_confidence_digit_is_redecided_by_the_identity():
    result = TablesResult(review=_review([8, 1, 0, 0, 4], {"upheld": 0.71}))  # a 3 read as 8
    ocr_vetting.vet(result)
    assert [f.value for f in result.review] == [3, 1, 0, 0, 4]
    (issue,) = result.issues
    assert issue.code == "ocr_digit_redecided" and not issue.blocking
    assert "'8'" in issue.message and "0.71" in issue.message and "T4-01" in issue.message


def test_two_possible_corrections_quarantine_with_cells_named():
    result = TablesResult(review=_review([8, 1, 0, 0, 4], {"upheld": 0.71, "total": 0.80}))
    ocr_vetting.vet(result)
    assert [f.value for f in result.review] == [8, 1, 0, 0, 4]
    (issue,) = result.issues
    assert issue.code == "ocr_identity_broken" and issue.blocking
    assert "T4-01 4 ≠ 9" in issue.message and "upheld '8' at ocr p4 (10,10,20,20) conf 0.71" in issue.message


def test_confident_misreading_is_never_corrected():
    result = TablesResult(review=_review([8, 1, 0, 0, 4]))
    ocr_vetting.vet(result)
    assert [i.code for i in result.issues] == ["ocr_identity_broken"]


def test_a_blank_where_nothing_was_read_may_be_redecided():
    result = TablesResult(review=_review([3, None, 0, 0, 4], {"corrected": None}))
    ocr_vetting.vet(result)
    assert [f.value for f in result.review] == [3, 1, 0, 0, 4]


def test_tables_not_read_by_ocr_are_not_vetted_here():
    facts = [RequestFact("new_received", a, v, CellRef("requests", "本年新收", a, str(v), "pdf p1 (0,0,1,1)"))
             for a, v in (("natural_person", 2), ("total", 5))]
    result = TablesResult(requests=facts)
    ocr_vetting.vet(result)
    assert not result.issues
