"""The rule catalogue: every quality rule the warehouse runs, in one place.

Ids follow format-reference §6 (T2/T3/T4 table arithmetic, X prose vs
table, Y cross-year, M metadata/completeness); rules of our own use the same
style (P- for parser certainty, M-10 and up for our metadata rules). The
severity decides publication: a failing `blocking` rule quarantines the
report; a `warning` is shown to maintainers but never blocks; `info` is a
note that is recorded and can never fail.

The README's rule table is generated from this module (`python -m
expectations.catalogue`), so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCKING = "blocking"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class Rule:
    id: str
    suite: str
    severity: str
    description: str
    basis: str


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
        "No table cell was left undecided (a flattened digit run with several consistent splits is stored as NULL)",
        "ours: corpus README — undecidable values must not be published as numbers",
    ),
    # --- table 二 ---------------------------------------------------------------
    Rule(
        "T2-01",
        "table_arithmetic",
        BLOCKING,
        "Table 二 counts are non-negative integers; 收费金额 ≥ 0 (2019 本年增/减 may be negative)",
        "format-reference §6.3, 〔2021〕30号 template",
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
        "Table 三, every column: (七)总计 = (一) + (二) + Σ(三) + Σ(四) + Σ(五) + (六)",
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
    # --- completeness / metadata --------------------------------------------
    Rule(
        "M-05",
        "completeness",
        WARNING,
        "An annual report in the 2019/2021 format has all six sections and tables 二, 三 and 四",
        "条例 Art. 50; format-reference §6.6",
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


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]


def markdown_table() -> str:
    """The catalogue as a Markdown table, for the README."""
    lines = ["| id | suite | severity | rule | basis |", "|---|---|---|---|---|"]
    for r in _RULES:
        lines.append(f"| {r.id} | {r.suite} | {r.severity} | {r.description} | {r.basis} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
