"""Cells a flattened run leaves undecided, decided by the same agency's neighbouring year.

A crawler page prints ``行政规范性文件693665`` for 本年制发 | 本年废止 |
现行有效: 6|93|665, 69|3|665, 69|36|65 … all fit the report's own rules, so
the report alone publishes NULL there (transforms/tables/flattened.py). The
same agency's previous or next report often settles it, through the two
cross-year identities of format-reference §6.5:

* **Y-01** 上年结转(Y) = 结转下年度继续办理(Y−1), per applicant column
  (table 三; an equality, valid across the 2020→2021 form switch);
* **Y-02** 现行有效(Y) = 现行有效(Y−1) + 本年制发(Y) − 本年废止(Y), per 规章 /
  规范性文件 row (table 二, 2021 form on both sides; Y-03 forbids chaining
  the 2019 form's 对外公开总数量 to it).

Never by plausibility alone: §6.5 calls Y-02 soft (制发 counts amended texts
that add nothing to the stock), so a reading chosen by its equality could be
a coincidence while the true one only meets the soft form. A cell is
therefore decided only when *both* agree on it: every joint reading that
meets the strict identities gives it the same value, and so does every
joint reading that meets the soft ones (Y-02 as the range
现行有效(Y−1) − 废止(Y) ≤ 现行有效(Y) ≤ 现行有效(Y−1) + 制发(Y) − 废止(Y)).
Y-01 is an equality in both. When no joint reading meets the strict
identities, nothing is decided and the report gets a warning naming the
other report (`no_joint_split`).

How: each report's unknowns are its undecided runs; its *domain* is the
product of their readings (capped). Adjacent years are linked by the
identities above, and arc consistency over the agency's chain of years
keeps in each domain only the assignments some neighbouring assignment
supports; on a chain (a tree) that is exactly the set of assignments that
take part in a joint solution. It is pure: the engine
(orchestration/engine/neighbours.py) reads the runs and facts, calls
`decide`, and writes what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import product

from transforms import codes

DOMAIN_CAP = 5_000  # joint readings of one report's runs; beyond this nothing is decided
PAIR_CAP = 400_000  # assignment pairs examined for one pair of years

_REQ = codes.METRIC_PREFIX_REQUESTS
_ACT = codes.METRIC_PREFIX_ACTIVE
STOCK_ITEMS = ("regulations", "normative_documents")


@dataclass(frozen=True)
class Run:
    """An undecided run of one report: the fact codes of its cells and the readings its own rules allow."""

    cells: tuple[str, ...]
    readings: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class YearReport:
    """One report of an agency: its decided table cells (fact code → value) and its undecided runs."""

    doc_id: str
    year: int
    known: Mapping[str, Decimal]
    runs: tuple[Run, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What the neighbours make of one report's runs.

    ``values[i][k]``: cell k of run i, decided (a Decimal) or not (None).
    ``decided_by``: (rule, other doc_id) pairs that narrowed this report's
    readings. ``conflicts``: (rule, other doc_id) pairs with which no joint
    reading meets the identities (the cells then stay undecided).
    """

    doc_id: str
    values: tuple[tuple[Decimal | None, ...], ...]
    decided_by: tuple[tuple[str, str], ...] = ()
    conflicts: tuple[tuple[str, str], ...] = ()
    readings_left: int = 0

    def newly_decided(self, runs: Sequence[Run]) -> list[tuple[str, Decimal]]:
        """(fact code, value) of the cells the neighbours decided that the report alone did not."""
        out = []
        for run, vals in zip(runs, self.values):
            for k, (code, v) in enumerate(zip(run.cells, vals)):
                alone = {r[k] for r in run.readings}
                if v is not None and len(alone) > 1:
                    out.append((code, v))
        return out


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


# An identity between the report of year Y−1 (`a`) and of year Y (`b`):
# (rule, cells it reads, test(a_value, b_value, strict) → True/False).
Lookup = Callable[[str], Decimal | None]


@dataclass(frozen=True)
class Link:
    rule: str
    a_cells: tuple[str, ...]
    b_cells: tuple[str, ...]
    test: Callable[[Lookup, Lookup, bool], bool]


def _carry(applicant: str) -> Link:
    fwd, over = f"{_REQ}.carried_forward.{applicant}", f"{_REQ}.carried_over.{applicant}"
    return Link("Y-01", (fwd,), (over,), lambda a, b, strict: b(over) == a(fwd))


def _stock(item: str) -> Link:
    prev = f"{_ACT}.{item}.in_force"
    issued, repealed, now = (f"{_ACT}.{item}.{m}" for m in ("issued", "repealed", "in_force"))

    def test(a: Lookup, b: Lookup, strict: bool) -> bool:
        p, i, r, n = a(prev), b(issued), b(repealed), b(now)
        if p is None or i is None or r is None or n is None:
            return False
        if strict:
            return n == p + i - r
        return p - r <= n <= p + i - r

    return Link("Y-02", (prev,), (issued, repealed, now), test)


LINKS: tuple[Link, ...] = (*(_carry(a) for a in codes.APPLICANTS), *(_stock(i) for i in STOCK_ITEMS))
LINKED_CELLS = frozenset(c for link in LINKS for c in (*link.a_cells, *link.b_cells))


def _linked(report: YearReport) -> list[int]:
    """The runs an identity across years can reach (the others cannot be decided this way and
    would only multiply the domain)."""
    return [i for i, run in enumerate(report.runs) if any(c in LINKED_CELLS for c in run.cells)]


@dataclass
class _Node:
    report: YearReport
    domain: list[tuple[tuple[str, ...], ...]]  # one reading per run
    cell_at: dict[str, tuple[int, int]] = field(default_factory=dict)  # code → (run, position)
    narrowed_by: set[tuple[str, str]] = field(default_factory=set)
    conflicts: set[tuple[str, str]] = field(default_factory=set)

    def lookup(self, assignment: tuple[tuple[str, ...], ...]) -> Lookup:
        known = self.report.known

        def value(code: str) -> Decimal | None:
            where = self.cell_at.get(code)
            if where is None:
                return known.get(code)
            return _number(assignment[where[0]][where[1]])

        return value

    def reads(self, code: str) -> bool:
        """Whether `code` has a value in every assignment (known, or a cell of a run)."""
        return code in self.cell_at or self.report.known.get(code) is not None


def _node(report: YearReport) -> _Node | None:
    """The report's joint readings of its linked runs (position i of an assignment is the
    i-th linked run); None when there are too many to search."""
    runs = [report.runs[i] for i in _linked(report)]
    size = 1
    for run in runs:
        size *= max(1, len(run.readings))
    if size > DOMAIN_CAP or any(not run.readings for run in runs):
        return None
    node = _Node(report, [tuple(p) for p in product(*(run.readings for run in runs))])
    for i, run in enumerate(runs):
        for k, code in enumerate(run.cells):
            node.cell_at[code] = (i, k)
    return node


def _usable(links: Sequence[Link], a: _Node, b: _Node) -> list[Link]:
    """The identities both reports can evaluate and at least one of their runs takes part in."""
    return [
        link for link in links
        if all(a.reads(c) for c in link.a_cells) and all(b.reads(c) for c in link.b_cells)
        and (any(c in a.cell_at for c in link.a_cells) or any(c in b.cell_at for c in link.b_cells))
    ]


def _revise(a: _Node, b: _Node, links: Sequence[Link], strict: bool) -> tuple[bool, bool]:
    """Arc consistency on one pair of years: keep the assignments of each side some assignment of
    the other side supports. Returns (changed, conflict)."""
    if not links or len(a.domain) * len(b.domain) > PAIR_CAP:
        return False, False
    a_ok: set[int] = set()
    b_ok: set[int] = set()
    b_lookups = [b.lookup(y) for y in b.domain]
    for i, x in enumerate(a.domain):
        la = a.lookup(x)
        for j, lb in enumerate(b_lookups):
            if all(link.test(la, lb, strict) for link in links):
                a_ok.add(i)
                b_ok.add(j)
    if not a_ok:
        return False, True  # no joint reading: leave both domains as they are
    changed = len(a_ok) < len(a.domain) or len(b_ok) < len(b.domain)
    rules = sorted({link.rule for link in links})
    if len(a_ok) < len(a.domain):
        a.narrowed_by.update((r, b.report.doc_id) for r in rules)
    if len(b_ok) < len(b.domain):
        b.narrowed_by.update((r, a.report.doc_id) for r in rules)
    a.domain = [x for i, x in enumerate(a.domain) if i in a_ok]
    b.domain = [y for j, y in enumerate(b.domain) if j in b_ok]
    return changed, False


def _solve(reports: Sequence[YearReport], strict: bool) -> dict[str, _Node]:
    nodes = {r.doc_id: n for r in reports if (n := _node(r)) is not None}
    by_year: dict[int, list[_Node]] = {}
    for n in nodes.values():
        by_year.setdefault(n.report.year, []).append(n)
    pairs = [
        (a, b, links)
        for year in sorted(by_year)
        for a in by_year[year]
        for b in by_year.get(year + 1, [])
        if (links := _usable(LINKS, a, b))
    ]
    changed = True
    while changed:
        changed = False
        for a, b, links in pairs:
            step, conflict = _revise(a, b, links, strict)
            changed = changed or step
            if conflict:
                rules = sorted({link.rule for link in links})
                a.conflicts.update((r, b.report.doc_id) for r in rules)
                b.conflicts.update((r, a.report.doc_id) for r in rules)
    return nodes


def _agreed(domain: list[tuple[tuple[str, ...], ...]], run: int, k: int) -> Decimal | None:
    values = {assignment[run][k] for assignment in domain}
    return _number(values.pop()) if len(values) == 1 else None


def decide(reports: Sequence[YearReport]) -> dict[str, Outcome]:
    """The outcome for every report of one agency that has undecided runs.

    `reports` are the agency's reports (any years, any order; several in one
    year are allowed — each is linked to every report of the adjacent years).
    """
    strict = _solve(reports, strict=True)
    soft = _solve(reports, strict=False)
    out: dict[str, Outcome] = {}
    for report in reports:
        if not report.runs:
            continue
        s, w = strict.get(report.doc_id), soft.get(report.doc_id)
        alone = tuple(
            tuple(_agreed([(r,) for r in run.readings], 0, k) for k in range(len(run.cells))) for run in report.runs
        )
        if s is None or w is None or s.conflicts:
            conflicts = tuple(sorted(s.conflicts)) if s is not None else ()
            out[report.doc_id] = Outcome(report.doc_id, alone, conflicts=conflicts)
            continue
        position = {run: pos for pos, run in enumerate(_linked(report))}
        values = tuple(
            alone[i] if i not in position else tuple(
                v if (v := _agreed(s.domain, position[i], k)) is not None and _agreed(w.domain, position[i], k) == v
                else None
                for k in range(len(run.cells))
            )
            for i, run in enumerate(report.runs)
        )
        out[report.doc_id] = Outcome(
            report.doc_id, values, decided_by=tuple(sorted(s.narrowed_by)), readings_left=len(s.domain)
        )
    return out
