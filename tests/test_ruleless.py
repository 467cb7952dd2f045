"""Tables printed without ruling lines, rebuilt from a PDF page's text lines (transforms.ruleless).

The lines are built here the way pdfplumber reports them (each with its
characters' boxes), laid out as Chromium prints a borderless table 三: long
labels wrapped in a narrow column, each row's figures on one line in the
middle of its label. Golden pairs: what a page shows → the rows rebuilt.
"""

from __future__ import annotations

from transforms import ruleless

CHAR = 10.0  # width and height of a character, in points
PITCH = 14.0  # distance between two lines of a page


def _line(y: float, *pieces: tuple[float, str]) -> dict:
    """A text line at height `y`: each piece (x, text) is a word printed from x on."""
    chars = []
    for x, text in pieces:
        for k, ch in enumerate(text):
            chars.append({"text": ch, "x0": x + k * CHAR, "x1": x + (k + 1) * CHAR, "top": y, "bottom": y + CHAR, "size": CHAR})
    chars.sort(key=lambda c: c["x0"])
    return {"text": " ".join(t for _, t in pieces), "top": y, "bottom": y + CHAR,
            "x0": chars[0]["x0"], "x1": chars[-1]["x1"], "chars": chars}


def _figures(*values: int) -> list[tuple[float, str]]:
    return [(300 + 30 * j, str(v)) for j, v in enumerate(values)]


def _page(rows: list[tuple[list[str], list[int]]], start: float = 100.0) -> list[dict]:
    """Rows of (label lines, figures), each label centred on its figures: an odd label
    carries them on its middle line, an even one has them on a line between its halves."""
    lines, y = [], start
    for label, figures in rows:
        middle = len(label) // 2
        if len(label) % 2:
            pieces = [[(100, text)] + (_figures(*figures) if k == middle else []) for k, text in enumerate(label)]
        else:
            pieces = [[(100, text)] for text in label[:middle]] + [_figures(*figures)] + [[(100, t)] for t in label[middle:]]
        for piece in pieces:
            lines.append(_line(y, *piece))
            y += PITCH
        y += PITCH / 2  # the padding between two cells
    return lines


ROWS = [
    (["一、本年新收政府", "信息公开申请数量"], [9, 1, 0, 0, 0, 1, 11]),
    (["（二）部分公开", "（区分处理的，只", "计这一情形，不计", "其他情形）"], [3, 0, 0, 0, 0, 0, 3]),
    (["1.本机关不掌握", "相关政府信息"], [4, 0, 0, 0, 0, 1, 5]),
]


def test_wrapped_labels_join_the_row_whose_figures_they_surround():
    lines = _page(ROWS)
    (region,) = ruleless.regions(lines)
    assert [row[0] for row in region.rows] == [
        "一、本年新收政府信息公开申请数量",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "1.本机关不掌握相关政府信息",
    ]
    assert [row[1:] for row in region.rows] == [[str(v) for v in figures] for _, figures in ROWS]
    assert region.lines == set(range(len(lines)))  # every line of the table taken, nothing else
    # each figure's box is the figure's own
    assert region.boxes[0][7] == (300 + 30 * 6, region.boxes[0][7][1], 300 + 30 * 6 + 2 * CHAR, region.boxes[0][7][3])


def test_a_blank_cell_keeps_its_column():
    lines = _page(ROWS)
    k = next(k for k, line in enumerate(lines) if line["text"].startswith("4 0"))
    figures = _figures(4, 0, 0, 0, 0, 1, 5)
    del figures[3]  # 社会公益组织 printed empty
    lines[k] = _line(lines[k]["top"], *figures)
    (region,) = ruleless.regions(lines)
    assert region.rows[2][1:] == ["4", "0", "0", "", "0", "1", "5"]


def test_two_rows_in_one_label_make_the_table_unsure():
    """A row printed without figures merges its label into its neighbour's ("3.其他（七）总计"):
    the table is not rebuilt, so the readers see the lines and doubt them."""
    rows = [ROWS[0], (["3.其他", "（七）总计"], [9, 1, 0, 0, 0, 1, 11]), ROWS[2]]
    assert ruleless.regions(_page(rows)) == []


def test_prose_with_a_few_numbers_is_no_table():
    lines = [_line(100 + PITCH * k, (100, text)) for k, text in enumerate(
        ["全年共收到申请 12 件，办结 11 件", "结转下年度 1 件。", "主动公开信息 2645 条"])]
    assert ruleless.regions(lines) == []
