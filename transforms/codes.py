"""The warehouse contract's codes, in one place.

Every module that names a table row, a column or a metric imports it from
here, so a code in SQL, in a gold file and in the parser can never drift
apart. The order of each tuple is the official table order (format-reference
§3, §4), which the checks and the report rely on when they print a table.
"""

from __future__ import annotations

SECTIONS: tuple[str, ...] = (
    "overview",
    "proactive_disclosure",
    "requests",
    "review_litigation",
    "problems_improvements",
    "other_matters",
)

ADMIN_LEVELS: tuple[str, ...] = ("province", "prefecture", "county", "township", "unknown")
# Which kind of body wrote a report (transforms.agencies.agency_type); the
# statutory deadline depends on it (条例 Art. 49).
AGENCY_TYPES: tuple[str, ...] = ("government", "general_office", "department", "township", "unknown")
DOC_KINDS: tuple[str, ...] = ("annual_report", "work_summary", "other")
FORMAT_VERSIONS: tuple[str, ...] = ("2021", "2019", "pre2019", "none")

# --- table 二: Article 20 items ------------------------------------------
ACTIVE_ITEMS: tuple[str, ...] = (
    "regulations",
    "normative_documents",
    "licensing",
    "other_services",
    "punishment",
    "coercion",
    "fees",
    "procurement",
)
ACTIVE_METRICS_2021: tuple[str, ...] = ("issued", "repealed", "in_force", "decisions", "amount")
ACTIVE_METRICS_2019: tuple[str, ...] = (
    "new_made",
    "new_published",
    "total_published",
    "prior_year",
    "change",
    "decisions",
    "items",
    "amount",
)

# Which metrics each item carries in each format: the official layout.
ACTIVE_LAYOUT_2021: dict[str, tuple[str, ...]] = {
    "regulations": ("issued", "repealed", "in_force"),
    "normative_documents": ("issued", "repealed", "in_force"),
    "licensing": ("decisions",),
    "punishment": ("decisions",),
    "coercion": ("decisions",),
    "fees": ("amount",),
}
ACTIVE_LAYOUT_2019: dict[str, tuple[str, ...]] = {
    "regulations": ("new_made", "new_published", "total_published"),
    "normative_documents": ("new_made", "new_published", "total_published"),
    "licensing": ("prior_year", "change", "decisions"),
    "other_services": ("prior_year", "change", "decisions"),
    "punishment": ("prior_year", "change", "decisions"),
    "coercion": ("prior_year", "change", "decisions"),
    "fees": ("prior_year", "change"),
    "procurement": ("items", "amount"),
}

# --- table 三: applications ----------------------------------------------
APPLICANTS: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_services",
    "other_org",
    "total",
)

DENIED_ROWS: tuple[str, ...] = (
    "denied_state_secret",
    "denied_law_forbids",
    "denied_safety_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_inquiry",
)
UNABLE_ROWS: tuple[str, ...] = ("unable_not_held", "unable_needs_creation", "unable_unclear")
REJECTED_ROWS: tuple[str, ...] = (
    "rejected_petition",
    "rejected_duplicate",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirmation",
)
OTHER_ROWS_2021: tuple[str, ...] = ("other_no_correction", "other_unpaid_fee", "other_other")
OTHER_ROW_SINGLE = "other_handling"

# Rows that make up （七）总计 (T3-02), without the （六） block, which differs by variant.
RESULT_ROWS_BASE: tuple[str, ...] = (
    ("granted", "partly_granted") + DENIED_ROWS + UNABLE_ROWS + REJECTED_ROWS
)

REQUEST_ROWS_2021: tuple[str, ...] = (
    ("new_received", "carried_over")
    + RESULT_ROWS_BASE
    + OTHER_ROWS_2021
    + ("total_processed", "carried_forward")
)
REQUEST_ROWS_2019: tuple[str, ...] = (
    ("new_received", "carried_over")
    + RESULT_ROWS_BASE
    + (OTHER_ROW_SINGLE,)
    + ("total_processed", "carried_forward")
)
REQUEST_ROW_CODES: tuple[str, ...] = REQUEST_ROWS_2021 + (OTHER_ROW_SINGLE,)

# --- table 四: review and litigation ---------------------------------------
PROCEEDINGS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
OUTCOMES: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")

# --- narrative metric codes ------------------------------------------------
# A narrative figure that states a table value carries "<table>.<row>.<column>".
METRIC_PREFIX_REQUESTS = "requests"
METRIC_PREFIX_ACTIVE = "active_disclosure"
METRIC_PREFIX_REVIEW = "review_litigation"

FACT_SOURCES: tuple[str, ...] = ("table", "narrative")
QUALIFIERS: tuple[str, ...] = ("exact", "approx", "at_least")
