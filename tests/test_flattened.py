"""The flattened-run solver (transforms.tables.flattened) on small runs.

Each case is a run the way crawler text prints it, with the readings worked
out by hand in the comment: the solver must find exactly those, publish a
cell only when every reading agrees on it, and say why otherwise.
"""

from __future__ import annotations

from decimal import Decimal

from transforms import codes
from transforms.tables.flattened import (
    AMOUNT,
    COUNT,
    REQUEST_KINDS,
    REQUEST_ROW_SUM,
    REVIEW_KINDS,
    REVIEW_SUMS,
    SIGNED,
    Hint,
    Identity,
    RowSpec,
    request_identities,
    solve_columns,
    solve_rows,
    split_run,
)

COLS3 = ("a", "b", "c")


def readings(run, kinds, sums=()):
    return set(split_run(run, kinds, sums).candidates)


# --- split_run: lexical rules ------------------------------------------------


def test_no_leading_zero_but_a_lone_zero_is_a_cell():
    # "0110" as two counts: 0|110 only (01|10 and 011|0 have leading zeros)
    assert readings("0110", (COUNT, COUNT)) == {("0", "110")}


def test_decimal_point_only_inside_an_amount_cell():
    assert readings("12.5", (COUNT, COUNT)) == set()
    # 1|2.5 is the only reading: "12." is no number and a count takes no point
    assert readings("12.5", (COUNT, AMOUNT)) == {("1", "2.5")}
    assert readings("24252.311082", (AMOUNT,)) == {("24252.311082",)}


def test_minus_sign_only_starts_a_signed_cell():
    # 2019 本年增/减 may be negative ("-8")
    assert readings("39-8181", (COUNT, SIGNED, COUNT)) == {
        ("39", "-8", "181"),
        ("39", "-81", "81"),
        ("39", "-818", "1"),
    }
    assert readings("39-8181", (COUNT, COUNT, COUNT)) == set()


# --- split_run: row identities ----------------------------------------------


def test_row_total_decides_a_request_row():
    # 801000081: 80|1|0|0|0|0|81 is the only reading whose total is the sum
    split = split_run("801000081", REQUEST_KINDS, REQUEST_ROW_SUM)
    assert split.candidates == (("80", "1", "0", "0", "0", "0", "81"),)
    assert not split.fixed


def test_row_total_can_leave_two_readings():
    # 110000011: 11|0|0|0|0|0|11 and 1|10|0|0|0|0|11 both add up
    assert readings("110000011", REQUEST_KINDS, REQUEST_ROW_SUM) == {
        ("11", "0", "0", "0", "0", "0", "11"),
        ("1", "10", "0", "0", "0", "0", "11"),
    }


def test_review_run_of_17_digits_for_15_cells():
    # pingtan_syq_2021 table 四, solved against the three 总计 columns
    split = split_run("10203120001200000", REVIEW_KINDS, REVIEW_SUMS)
    assert split.candidates == (("1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0"),)


def test_spaces_are_possible_boundaries_not_required_ones():
    # pingtan_syq_2019 prints 23|0|0|0|0|0|23 as "230 000023" and "23 0 00 0 023"
    for run in ("230 000023", "23 0 00 0 023"):
        assert readings(run, REQUEST_KINDS, REQUEST_ROW_SUM) == {("23", "0", "0", "0", "0", "0", "23")}


def test_one_valid_token_per_cell_is_a_space_separated_row():
    split = split_run("80 1 0 0 0 0 81", REQUEST_KINDS, REQUEST_ROW_SUM)
    assert split.fixed and split.candidates == (("80", "1", "0", "0", "0", "0", "81"),)
    # tokens that break the row total (2 + 30 ≠ 23) are no cells: the spaces
    # are stray, and the arithmetic reads 23|0|0|0|0|0|23
    split = split_run("2 30 0 0 0 0 23", REQUEST_KINDS, REQUEST_ROW_SUM)
    assert not split.fixed and split.candidates == (("23", "0", "0", "0", "0", "0", "23"),)
    # nor is a token with a leading zero a cell
    split = split_run("2 3 0 0 0 00 023", (COUNT,) * 7)
    assert not split.fixed


def test_lexically_unique_run_keeps_what_the_document_prints():
    # 7 digits for 7 cells: no split is in doubt, even though 0 ≠ 1 (a
    # document error for check T3-01, not a parse decision)
    split = split_run("0000001", REQUEST_KINDS, REQUEST_ROW_SUM)
    assert split.fixed and split.candidates == (("0", "0", "0", "0", "0", "0", "1"),)
    # 51000006 can be read 51|0|…|6 or 5|10|…|6: arithmetic was needed, and fails
    split = split_run("51000006", REQUEST_KINDS, REQUEST_ROW_SUM)
    assert split.candidates == () and not split.fixed


def test_search_is_capped_and_says_so():
    # forty 1s have more readings than the search may try: it stops at its cap and says so, and
    # decides nothing (its time budget is measured by benchmarks/bench_budgets.py)
    split = split_run("1" * 40, REQUEST_KINDS, REQUEST_ROW_SUM)
    assert split.exhausted and not split.fixed


# --- solve_columns --------------------------------------------------------------


def test_column_identity_picks_the_reading():
    # x + y = t per column; x is ambiguous, y and t are known
    cands = {
        "x": [(11, 0), (1, 10)],
        "y": [(1, 0)],
        "t": [(12, 0)],
    }
    supported, status = solve_columns(cands, [Identity("I", ("t",), ("x", "y"))])
    assert status == "ok" and supported["x"] == [(11, 0)]


def test_column_identity_without_solution_is_inconsistent():
    cands = {"x": [(11, 0), (1, 10)], "t": [(5, 5)]}
    supported, status = solve_columns(cands, [Identity("I", ("t",), ("x",))])
    assert (supported, status) == (None, "inconsistent")


def test_shared_row_of_two_identities_is_solved_jointly():
    # t = x + y and n = t: only t = (3, 1) satisfies both
    cands = {
        "x": [(2, 1), (1, 2)],
        "y": [(1, 0)],
        "t": [(3, 1), (2, 2)],
        "n": [(3, 1)],
    }
    ids = [Identity("A", ("t",), ("x", "y")), Identity("B", ("n",), ("t",))]
    supported, status = solve_columns(cands, ids)
    assert status == "ok" and supported["t"] == [(3, 1)] and supported["x"] == [(2, 1)]


def test_request_identities_follow_the_variant():
    single = request_identities(["other_handling"])
    assert single[0].rhs[-1] == codes.OTHER_ROW_SINGLE
    three = request_identities(codes.REQUEST_ROWS_2021)
    assert three[0].rhs[-3:] == codes.OTHER_ROWS_2021
    assert [i.name for i in three] == ["T3-02", "T3-03"]


# --- solve_rows: outcomes ---------------------------------------------------------


def spec(key, run, kinds=(COUNT,) * 3, sums=()):
    return RowSpec(key, key, run, tuple(kinds), tuple(f"col{k}" for k in range(len(kinds))), tuple(sums))


def test_ambiguous_run_gives_none_and_names_the_candidates():
    cells, issues = solve_rows([spec("行政规范性文件", "693665")], table="active_disclosure", name="表二")
    assert cells["行政规范性文件"] == (None, None, None)
    [issue] = issues
    assert issue.code == "undecidable_split" and not issue.blocking and issue.table == "active_disclosure"
    assert "693665" in issue.message and "6|93|665" in issue.message and "10 readings" in issue.message


def test_cells_equal_in_every_reading_are_kept():
    cells, issues = solve_rows([spec("r", "110000011", REQUEST_KINDS, REQUEST_ROW_SUM)])
    # 11|0|… or 1|10|…: the later columns and the total agree
    assert cells["r"] == (None, None, "0", "0", "0", "0", "11")
    assert [i.code for i in issues] == ["undecidable_split"]


def test_impossible_run_blocks_and_gives_no_number():
    cells, issues = solve_rows([spec("(二)部分公开", "51000006", REQUEST_KINDS, REQUEST_ROW_SUM)], table="requests")
    assert cells["(二)部分公开"] == (None,) * 7
    [issue] = issues
    assert issue.code == "no_consistent_split" and issue.blocking and "51000006" in issue.message


def test_hint_chooses_among_readings():
    hints = [
        Hint("active_disclosure.normative_documents.issued", "n", (0,), Decimal(6)),
        Hint("active_disclosure.normative_documents.in_force", "n", (2,), Decimal(665)),
    ]
    cells, issues = solve_rows([spec("n", "693665")], hints=hints)
    assert cells["n"] == ("6", "93", "665")
    assert [i.code for i in issues] == ["split_decided_by_prose", "split_decided_by_prose"]


def test_hint_never_overrides_a_unique_split():
    hint = Hint("review_litigation.review.total", "t4", (4,), Decimal(5))
    cells, issues = solve_rows([spec("t4", "10203120001200000", REVIEW_KINDS, REVIEW_SUMS)], hints=[hint])
    assert cells["t4"][4] == "3"
    [issue] = issues
    assert issue.code == "hint_ignored" and not issue.blocking and "= 5" in issue.message


def test_hint_that_no_reading_gives_is_ignored():
    # pingtan_syq_2023: the prose says 393 in force; no split of 77132470 has it
    hint = Hint("active_disclosure.normative_documents.in_force", "n", (2,), Decimal(393))
    cells, issues = solve_rows([spec("n", "77132470")], hints=[hint])
    assert cells["n"] == (None, None, None)
    assert [i.code for i in issues] == ["hint_ignored", "undecidable_split"]


def test_hint_may_not_pick_a_reading_the_column_identities_reject():
    specs = [
        spec("x", "110000011", REQUEST_KINDS, REQUEST_ROW_SUM),
        spec("t", "120000012", REQUEST_KINDS, REQUEST_ROW_SUM),
        spec("y", "1000001", REQUEST_KINDS, REQUEST_ROW_SUM),
    ]
    ident = [Identity("T", ("t",), ("x", "y"))]
    bad = Hint("requests.x.natural_person", "x", (0,), Decimal(1))
    cells, issues = solve_rows(specs, ident, [bad])
    assert cells["x"] == ("11", "0", "0", "0", "0", "0", "11")
    assert [i.code for i in issues] == ["hint_ignored"]


def test_joint_failure_blocks_the_rows_that_needed_arithmetic():
    specs = [
        spec("x", "110000011", REQUEST_KINDS, REQUEST_ROW_SUM),  # ambiguous
        spec("t", "5 0 0 0 0 0 5", REQUEST_KINDS, REQUEST_ROW_SUM),  # fixed
    ]
    cells, issues = solve_rows(specs, [Identity("T3-02", ("t",), ("x",))])
    assert cells["x"] == (None,) * 7
    assert cells["t"] == ("5", "0", "0", "0", "0", "0", "5")
    [issue] = issues
    assert issue.code == "no_consistent_split" and issue.blocking and "T3-02" in issue.message


def test_exhausted_search_is_undecidable_not_blocking():
    cells, issues = solve_rows([spec("r", "1" * 40, REQUEST_KINDS, REQUEST_ROW_SUM)])
    assert cells["r"] == (None,) * 7
    assert [(i.code, i.blocking) for i in issues] == [("split_search_exhausted", False)]
