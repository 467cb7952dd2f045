"""Flattened digit runs → table cells, decided only by the table's own arithmetic.

Crawler text prints a table row's cells with no separator at all:
``一、本年新收政府信息公开申请数量801000081`` is 80 | 1 | 0 | 0 | 0 | 0 | 81.
A run of n digits for k cells has up to C(n-1, k-1) readings; this module
keeps the ones the table allows and publishes a cell only when every
allowed reading agrees on it. It never guesses: a wrong number is worse
than a missing one.

What a reading must satisfy (nothing else is assumed):

* lexical rules -- no leading zero in a multi-digit number ("0" alone is
  fine); a decimal point only inside an *amount* cell (收费金额, 采购总金额:
  ``24252.311082``); a minus sign only at the start of a *signed* cell
  (2019 本年增/减, which Hubei told reporters to write as "-8");
* row identities, solved inside the run: 表三 T3-01 (总计 = the six
  applicant columns), 表四 T4-01..03 (总计 = 维持 + 纠正 + 其他 + 尚未审结,
  per proceeding). A derived cell is not enumerated: once its parts are
  chosen, its text is fixed (the canonical decimal of their sum), which
  keeps the search small;
* column identities across rows, solved jointly (`solve_columns`): 表三
  T3-02 ((七)总计 = Σ result rows, per applicant column) and T3-03
  (新收 + 上年结转 = (七)总计 + 结转下年度, per column). Each identity is
  a signed sum of row vectors that must be zero; a dynamic programme over
  the rows' partial sums finds which candidates of each row take part in
  at least one full solution. Rows shared by several identities ((七)总计)
  are enumerated, the rest is solved per identity.

Plausibility rules NOT adopted: format-reference §6.3 has "stock ≥ flow"
only as T2-03, a *warning-level inference* for the 2019 format (对外公开
总数量 ≥ 本年新公开数量), and nothing comparable for the 2021 columns
(现行有效 vs 本年制发: a document issued and repealed in the same year
breaks it). A rule that may legitimately fail cannot decide a number, so
table 二 rows are constrained by the lexical rules and the prose only.
(On the corpus it would not help either: pingtan_syq_2021 ``693665`` still
has four readings with 现行有效 ≥ 本年制发, with 现行有效 3665, 665, 665, 65.)

Spaces inside a run (pingtan_syq_2019: ``230 000023`` is 23|0|0|0|0|0|23,
``23 0 00 0 023`` is 23|0|0|0|0|0|23) are not reliable: the page dropped
most separators and kept some. Decision: when the space-separated tokens
are exactly one valid cell each and satisfy the row's identities, the row
is an ordinary space-separated row and the tokens are the cells; otherwise
spaces
are ignored -- a space is allowed, not required, to be a cell boundary --
and the arithmetic decides. Space tokens that break the row's own total
("230 0 0 0 0 0 23") are not taken as cells either: a stray space is then
the likelier story, and the arithmetic reads 23|0|0|0|0|0|23. We do not require a space to fall on a
boundary: all spaces seen in the corpus happen to, but a stray space
inside a number ("1 234") is just as plausible in crawler output, and
requiring it could turn an ambiguity into a confident wrong number.

A run whose reading is lexically unique (as many digits as cells, or one
valid token per cell) is *fixed*: the table states those values, so they
are kept even if they break an identity -- that is a document error for
the checks (T3-01 …) to report, not a parse decision.

Prose hints (`Hint`, from narrative figures with ``qualifier == "exact"``)
may only *choose* among readings that satisfy every identity: a hint that
no remaining reading satisfies -- including one that contradicts a
decided cell -- is ignored and noted; it never overrides the table.

Outcome per row, in `solve_rows`:

* one reading → the cell texts;
* several → cells equal in every reading keep their text, the others are
  None, and a non-blocking ``undecidable_split`` names the row, the run and
  a few candidate readings;
* none → a blocking ``no_consistent_split`` and no number for any cell of
  the run (for a failed column identity: every row in it that needed
  arithmetic);
* enumeration over its cap → non-blocking ``split_search_exhausted``; the
  cells are treated as undecidable (None) for that row. A joint search
  over its cap falls back to each row's own readings (a superset of the
  joint solutions, so cells equal in all of them are still sound).

Other issue codes: ``hint_ignored`` (no reading fits the prose figure),
``split_decided_by_prose`` (a hint chose among readings) -- both
non-blocking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from transforms import codes
from transforms.model import ParseIssue

COUNT = "count"  # non-negative integer
SIGNED = "signed"  # integer, may carry a leading "-"
AMOUNT = "amount"  # non-negative decimal

# Caps: the corpus needs a few hundred nodes per run; these keep a hostile
# run (hundreds of digits) to a few milliseconds before giving up.
NODE_CAP = 3_000  # DFS nodes per run (~15 ms in CPython)
TABLE_NODE_CAP = 8_000  # DFS nodes per table, all runs together
MIN_RUN_NODES = 200  # every run gets at least this much, even late in a table
CANDIDATE_CAP = 2_000  # readings kept per run
STATE_CAP = 20_000  # partial-sum vectors per identity step
LINK_CAP = 500  # combinations of rows shared by several identities
_SHOWN = 4  # candidate readings named in an issue message
KEPT_READINGS = 200  # an undecided run keeps its readings for a neighbouring year when there are at most this many

# A row identity inside one run: cell[target] = Σ cell[parts].
RowSum = tuple[int, tuple[int, ...]]


@dataclass(frozen=True)
class Split:
    """The readings of one run that the lexical rules and row identities allow.

    ``fixed``: the reading is lexically unique (no arithmetic was needed);
    ``exhausted``: the search hit its cap and ``candidates`` is incomplete.
    """

    candidates: tuple[tuple[str, ...], ...]
    fixed: bool = False
    exhausted: bool = False
    nodes: int = 0  # search nodes spent (0 when no search was needed)


class _Exhausted(Exception):
    pass


def _valid(tok: str, kind: str) -> bool:
    """A complete cell text that the kind allows."""
    if kind == SIGNED and tok.startswith("-"):
        tok = tok[1:]
        if tok == "0":
            return False
    if not tok:
        return False
    if kind == AMOUNT and "." in tok:
        whole, _, frac = tok.partition(".")
        return bool(whole) and bool(frac) and whole.isdigit() and frac.isdigit() and (whole == "0" or whole[0] != "0")
    return tok.isdigit() and (tok == "0" or tok[0] != "0")


def _dead(tok: str, kind: str) -> bool:
    """No longer text starting with ``tok`` can be a valid cell (stop extending)."""
    body = tok[1:] if kind == SIGNED and tok.startswith("-") else tok
    if "-" in body:
        return True
    if kind == AMOUNT:
        whole, dot, frac = body.partition(".")
        if "." in frac or whole.startswith("."):
            return True
        if dot and not whole:
            return True
        return len(whole) > 1 and whole[0] == "0"
    if "." in body:
        return True
    return len(body) > 1 and body[0] == "0"


def _value(tok: str) -> Decimal:
    return Decimal(tok)


def split_run(
    run: str,
    kinds: Sequence[str],
    sums: Sequence[RowSum] = (),
    cap: int = NODE_CAP,
) -> Split:
    """Every reading of ``run`` as ``len(kinds)`` cells under the rules above.

    ``sums`` are row identities; their parts must precede their target (as
    in every table here), and only count cells take part in them.
    """
    text = run.replace("\u2212", "-").strip()
    tokens = text.split()
    n = len(kinds)
    if (
        len(tokens) == n
        and all(_valid(t, k) for t, k in zip(tokens, kinds))
        and all(int(tokens[t]) == sum(int(tokens[j]) for j in parts) for t, parts in sums)
    ):
        return Split((tuple(tokens),), fixed=True)
    chars = "".join(tokens)
    if len(chars) == n and chars.isdigit():
        return Split((tuple(chars),), fixed=True)
    search = _Search(chars, kinds, sums, cap, CANDIDATE_CAP)
    try:
        found = search.run()
    except _Exhausted:
        return Split(tuple(search.out), exhausted=True, nodes=search.nodes)
    if found or not sums:
        return Split(tuple(found), nodes=search.nodes)
    # Nothing satisfies the identities: is the reading lexically unique
    # anyway (a document error), or was arithmetic needed and it failed?
    lexical = _Search(chars, kinds, (), max(1, cap - search.nodes), 2)
    complete = True
    try:
        lexical.run()
    except _Exhausted:
        complete = len(lexical.out) >= 2  # stopped at two readings: not unique, known
    spent = search.nodes + lexical.nodes
    if complete and len(lexical.out) == 1:
        return Split((lexical.out[0],), fixed=True, nodes=spent)
    return Split((), nodes=spent)


class _Search:
    """The enumeration behind `split_run`.

    A derived cell (the target of a row sum) is never enumerated: once its
    parts are chosen its text is the canonical decimal of their sum, which
    must appear next in the run. When the run's *last* cell is derived (表三
    总计, 表四 复议后起诉/总计), its value is taken from each possible suffix
    first, so every part is bounded by it and the rest must still be able to
    reach it -- that turns a search over all placements into a search over
    placements that can still add up.
    """

    def __init__(self, s: str, kinds: Sequence[str], sums: Sequence[RowSum], cap: int, limit: int):
        self.s, self.kinds, self.cap, self.limit = s, tuple(kinds), cap, limit
        self.sums = tuple(sums)
        self.out: list[tuple[str, ...]] = []
        self.nodes = 0

    def run(self) -> list[tuple[str, ...]]:
        s, kinds, sums = self.s, self.kinds, self.sums
        n = len(kinds)
        last = n - 1
        derived: list[tuple[int, ...] | None] = [None] * n
        target_of: list[int] = [-1] * n
        for t, parts in sums:
            derived[t] = parts
            for j in parts:
                target_of[j] = t
        targets = [t for t, _ in sums]
        acc = [0] * n  # running sum per target index
        cells: list[str] = []
        out = self.out
        cap, limit = self.cap, self.limit
        bound = -1  # value of a derived last cell fixed from the suffix, -1 = none
        end = len(s)

        def rec(i: int, pos: int) -> None:
            self.nodes += 1
            if self.nodes > cap or len(out) >= limit:
                raise _Exhausted
            if bound >= 0 and i == last:
                if pos == end and acc[last] == bound:
                    out.append((*cells, s[end:]))
                return
            if i == n:
                if pos == end:
                    out.append(tuple(cells))
                return
            # fewest characters the remaining enumerated cells need
            room = (last if bound >= 0 else n) - i
            for t in targets:
                if t >= i and acc[t] and not (bound >= 0 and t == last):
                    room += len(str(acc[t])) - 1
            if end - pos < room:
                return
            target = target_of[i]
            parts = derived[i]
            if parts is not None:
                tok = str(acc[i])
                if s.startswith(tok, pos) and pos + len(tok) <= end:
                    cells.append(tok)
                    if target >= 0:
                        acc[target] += acc[i]
                    rec(i + 1, pos + len(tok))
                    if target >= 0:
                        acc[target] -= acc[i]
                    cells.pop()
                return
            limit_value = -1
            if bound >= 0 and target == last:
                left = last - i
                # even the widest remaining cells cannot reach the total
                if acc[last] + 10 ** (end - pos - left + 1) + 9 * (left - 1) <= bound:
                    return
                limit_value = bound - acc[last]
            kind = kinds[i]
            stop = end - ((last - i - 1) if bound >= 0 else (n - i - 1))
            for e in range(pos + 1, stop + 1):
                tok = s[pos:e]
                if _dead(tok, kind):
                    break
                if not _valid(tok, kind):
                    continue
                if target >= 0:
                    v = int(tok)
                    if 0 <= limit_value < v:
                        break
                    acc[target] += v
                    cells.append(tok)
                    rec(i + 1, e)
                    cells.pop()
                    acc[target] -= v
                else:
                    cells.append(tok)
                    rec(i + 1, e)
                    cells.pop()

        if derived[last] is not None and n > 1:
            for k in range(1, len(s) - last + 1):
                tok = s[len(s) - k :]
                if _valid(tok, COUNT):
                    bound, end = int(tok), len(s) - k
                    rec(0, 0)
        else:
            rec(0, 0)
        return out


# --- joint solving ------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Σ cells of ``lhs`` rows = Σ cells of ``rhs`` rows, column by column."""

    name: str  # rule id, e.g. "T3-02"
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    @property
    def rows(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


Vector = tuple[int, ...]


def _add(a: Vector, b: Vector, sign: int) -> Vector:
    return tuple(x + sign * y for x, y in zip(a, b))


def _identity_support(
    terms: list[tuple[int, list[Vector]]], start: Vector, cap: int
) -> list[set[Vector]]:
    """Which candidates of each term can complete ``start + Σ sign·x = 0``.

    Returns one supported set per term (all empty when infeasible).
    Raises _Exhausted when the partial-sum sets grow past ``cap``.
    """
    forward: list[set[Vector]] = [{start}]
    for sign, cands in terms:
        nxt = {_add(v, c, sign) for v in forward[-1] for c in cands}
        if len(nxt) > cap:
            raise _Exhausted
        forward.append(nxt)
    zero = tuple(0 for _ in start)
    reach: set[Vector] = {zero} & forward[-1]
    support: list[set[Vector]] = [set() for _ in terms]
    for k in range(len(terms) - 1, -1, -1):
        sign, cands = terms[k]
        prev: set[Vector] = set()
        for v in forward[k]:
            for c in cands:
                if _add(v, c, sign) in reach:
                    prev.add(v)
                    support[k].add(c)
        reach = prev
    return support


def solve_columns(
    cands: Mapping[str, Sequence[Vector]], identities: Sequence[Identity], cap: int = STATE_CAP
) -> tuple[dict[str, list[Vector]] | None, str]:
    """The candidates of each row that take part in a solution of every identity.

    Returns (supported, status): status ``ok`` with the supported lists
    (rows outside the identities unchanged), ``inconsistent`` (no solution;
    supported is None) or ``exhausted`` (search over its cap; supported is
    None). Every row of every identity must be in ``cands``.
    """
    count: dict[str, int] = {}
    for ident in identities:
        for row in set(ident.rows):
            count[row] = count.get(row, 0) + 1
    links = sorted(r for r, c in count.items() if c > 1)
    combos = 1
    for r in links:
        combos *= max(1, len(cands[r]))
    if combos > LINK_CAP:
        return None, "exhausted"
    supported: dict[str, set[Vector]] = {r: set() for r in count}
    width = next((len(c) for r in count for c in cands[r]), 0)
    zero: Vector = (0,) * width
    feasible = False
    try:
        for combo in product(*(cands[r] for r in links)):
            fixed = dict(zip(links, combo))
            local: dict[str, set[Vector]] = {}
            ok = True
            for ident in identities:
                start = zero
                terms: list[tuple[int, list[Vector]]] = []
                names: list[str] = []
                for sign, rows in ((1, ident.lhs), (-1, ident.rhs)):
                    for r in rows:
                        if r in fixed:
                            start = _add(start, fixed[r], sign)
                        else:
                            terms.append((sign, list(cands[r])))
                            names.append(r)
                support = _identity_support(terms, start, cap)
                if (terms and not support[0]) or (not terms and start != zero):
                    ok = False
                    break
                # a row outside `links` is in this identity only
                local.update(zip(names, support))
            if not ok:
                continue
            feasible = True
            for r, c in fixed.items():
                supported[r].add(c)
            for r, s in local.items():
                supported[r] |= s
    except _Exhausted:
        return None, "exhausted"
    if not feasible:
        return None, "inconsistent"
    out = {r: list(c) for r, c in cands.items()}
    for r, s in supported.items():
        out[r] = [c for c in cands[r] if c in s]
    return out, "ok"


# --- the table-level solver ---------------------------------------------


@dataclass(frozen=True)
class RowSpec:
    """One labelled run to split into ``len(kinds)`` cells."""

    key: str  # unique within the call (row code, item, ...)
    label: str  # as written, for messages
    run: str  # the digit run as written
    kinds: tuple[str, ...]
    columns: tuple[str, ...]  # column names, for messages
    sums: tuple[RowSum, ...] = ()
    cells: tuple[str, ...] = ()  # fact codes of the cells, kept with an undecided run's readings


@dataclass(frozen=True)
class Hint:
    """A value the prose states for Σ of some cells of one row."""

    code: str  # the fact code it came from, for messages
    row: str  # RowSpec.key
    cells: tuple[int, ...]
    value: Decimal


@dataclass
class _State:
    spec: RowSpec
    cands: list[tuple[str, ...]] = field(default_factory=list)
    fixed: bool = False
    dead: bool = False  # no number for this run


def solve_rows(
    specs: Sequence[RowSpec],
    identities: Sequence[Identity] = (),
    hints: Iterable[Hint] = (),
    table: str | None = None,
    name: str = "",
) -> tuple[dict[str, tuple[str | None, ...]], list[ParseIssue]]:
    """Split every run; return each row's cell texts (None = undecided) and the issues.

    ``identities`` whose rows are not all readable are not used. ``name``
    prefixes messages ("表三").
    """
    issues: list[ParseIssue] = []
    states: dict[str, _State] = {}
    budget = TABLE_NODE_CAP
    for spec in specs:
        split = split_run(spec.run, spec.kinds, spec.sums, cap=max(MIN_RUN_NODES, min(NODE_CAP, budget)))
        budget -= split.nodes
        st = _State(spec, list(split.candidates), split.fixed)
        if split.exhausted:
            st.dead = True
            issues.append(
                ParseIssue(
                    "split_search_exhausted",
                    f"{name} row {spec.label!r}: run {spec.run!r} has too many readings to search; "
                    "its cells are left undecided",
                    blocking=False,
                    table=table,
                )
            )
        elif not split.candidates:
            st.dead = True
            rule = " and its row total" if spec.sums else ""
            issues.append(
                ParseIssue(
                    "no_consistent_split",
                    f"{name} row {spec.label!r}: run {spec.run!r} cannot be read as {len(spec.kinds)} cells "
                    f"under the number rules{rule}; no value taken",
                    table=table,
                )
            )
        states[spec.key] = st

    usable = [i for i in identities if all(r in states and not states[r].dead for r in i.rows)]
    _joint(states, usable, issues, table, name)
    for hint in sorted(hints, key=lambda h: (h.row, h.cells, h.code)):
        _apply_hint(states, usable, hint, issues, table, name)

    out: dict[str, tuple[str | None, ...]] = {}
    for key, st in states.items():
        n = len(st.spec.kinds)
        if st.dead or not st.cands:
            out[key] = (None,) * n
            continue
        cells = tuple(st.cands[0][k] if all(c[k] == st.cands[0][k] for c in st.cands) else None for k in range(n))
        out[key] = cells
        if None in cells:
            open_cols = [st.spec.columns[k] for k in range(n) if cells[k] is None]
            issues.append(
                ParseIssue(
                    "undecidable_split",
                    f"{name} row {st.spec.label!r}: run {st.spec.run!r} has {len(st.cands)} readings that fit "
                    f"every rule: {_show(st.cands)}; not decided: {open_cols}",
                    blocking=False,
                    table=table,
                    cells=st.spec.cells if len(st.spec.cells) == n else (),
                    readings=tuple(st.cands) if len(st.spec.cells) == n and len(st.cands) <= KEPT_READINGS else (),
                )
            )
    return out, issues


def _show(cands: Sequence[tuple[str, ...]]) -> str:
    """A few readings, "80|1|0|0|0|0|81", for a message."""
    shown = ", ".join("|".join(c) for c in cands[:_SHOWN])
    return shown + (f" (+{len(cands) - _SHOWN} more)" if len(cands) > _SHOWN else "")


def _vectors(st: _State) -> list[Vector]:
    return [tuple(int(x) for x in c) for c in st.cands]


def _joint(
    states: dict[str, _State],
    identities: Sequence[Identity],
    issues: list[ParseIssue],
    table: str | None,
    name: str,
) -> None:
    if not identities:
        return
    cands = {r: _vectors(states[r]) for i in identities for r in i.rows}
    supported, status = solve_columns(cands, identities)
    if status == "ok" and supported is not None:
        for r, vecs in supported.items():
            keep = set(vecs)
            states[r].cands = [c for c in states[r].cands if tuple(int(x) for x in c) in keep]
        return
    rules = ", ".join(i.name for i in identities)
    if status == "exhausted":
        issues.append(
            ParseIssue(
                "split_search_exhausted",
                f"{name}: too many combinations to check {rules} jointly; each row is decided by its own "
                "rules only",
                blocking=False,
                table=table,
            )
        )
        return
    involved = sorted({r for i in identities for r in i.rows if not states[r].fixed})
    for r in involved:
        states[r].dead = True
    issues.append(
        ParseIssue(
            "no_consistent_split",
            f"{name}: no reading of the runs satisfies {rules}; no value taken for the rows that needed "
            f"arithmetic: {[states[r].spec.label for r in involved]}",
            table=table,
        )
    )


def _hint_value(cand: tuple[str, ...], cells: tuple[int, ...]) -> Decimal:
    return sum((_value(cand[k]) for k in cells), Decimal(0))


def _apply_hint(
    states: dict[str, _State],
    identities: Sequence[Identity],
    hint: Hint,
    issues: list[ParseIssue],
    table: str | None,
    name: str,
) -> None:
    st = states.get(hint.row)
    if st is None or st.dead or not st.cands:
        return
    if all(_hint_value(c, hint.cells) == hint.value for c in st.cands):
        return  # already what the table says
    keep = [c for c in st.cands if _hint_value(c, hint.cells) == hint.value]
    why = "no reading of the run gives it" if len(st.cands) > 1 else "the run has one reading"
    if keep and identities and any(hint.row in i.rows for i in identities):
        trial = {r: _vectors(states[r]) for i in identities for r in i.rows}
        trial[hint.row] = [tuple(int(x) for x in c) for c in keep]
        supported, status = solve_columns(trial, identities)
        if status != "ok" or supported is None:
            keep = []
            why = (
                "the table's identities could not be checked jointly"
                if status == "exhausted"
                else "the readings that give it break the table's identities"
            )
        else:
            for r, vecs in supported.items():
                if r == hint.row:
                    continue
                allowed = set(vecs)
                states[r].cands = [c for c in states[r].cands if tuple(int(x) for x in c) in allowed]
            allowed = set(supported[hint.row])
            keep = [c for c in keep if tuple(int(x) for x in c) in allowed]
    if not keep:
        issues.append(
            ParseIssue(
                "hint_ignored",
                f"{name} row {st.spec.label!r}: the prose states {hint.code} = {hint.value}, but {why} "
                f"(run {st.spec.run!r}: {_show(st.cands)}); the prose figure is not used",
                blocking=False,
                table=table,
            )
        )
        return
    issues.append(
        ParseIssue(
            "split_decided_by_prose",
            f"{name} row {st.spec.label!r}: run {st.spec.run!r} has {len(st.cands)} readings; the prose "
            f"figure {hint.code} = {hint.value} keeps {len(keep)}: {_show(keep)}",
            blocking=False,
            table=table,
        )
    )
    st.cands = keep


# --- the tables' rules ------------------------------------------------------

REQUEST_KINDS: tuple[str, ...] = (COUNT,) * len(codes.APPLICANTS)
# T3-01: 总计 (last column) = the six applicant columns.
REQUEST_ROW_SUM: tuple[RowSum, ...] = ((len(codes.APPLICANTS) - 1, tuple(range(len(codes.APPLICANTS) - 1))),)

REVIEW_KINDS: tuple[str, ...] = (COUNT,) * (len(codes.PROCEEDINGS) * len(codes.OUTCOMES))
_W = len(codes.OUTCOMES)
# T4-01..03: per proceeding, 总计 (5th) = 维持 + 纠正 + 其他 + 尚未审结.
REVIEW_SUMS: tuple[RowSum, ...] = tuple(
    (p * _W + _W - 1, tuple(range(p * _W, p * _W + _W - 1))) for p in range(len(codes.PROCEEDINGS))
)


def request_identities(present: Iterable[str]) -> list[Identity]:
    """T3-02 and T3-03 for the rows present (the (六) block decides the variant)."""
    have = set(present)
    other = (codes.OTHER_ROW_SINGLE,) if codes.OTHER_ROW_SINGLE in have else codes.OTHER_ROWS_2021
    results = codes.RESULT_ROWS_BASE + other
    return [
        Identity("T3-02", ("total_processed",), results),
        Identity("T3-03", ("new_received", "carried_over"), ("total_processed", "carried_forward")),
    ]
