"""Tables read by OCR are published only when the form's identities hold.

OCR misreads digits (3↔8, 1↔7, a faint 0 not seen at all), and nothing in a
picture tells a misread from a true figure -- except the form's own
arithmetic. Table 三 has T3-01 (each row's 总计 is the sum of the applicant
columns), T3-02 (（七）总计 is the sum of the result rows) and T3-03 (新收 +
结转 = 总计 + 结转下年); table 四 has T4-01..03 (each proceeding's 总计 is
the sum of its outcomes). A misread digit almost always breaks one of them.

`vet` runs on a document's facts when any cell of table 三 or 四 was read
by OCR (its location starts ``ocr``, `transforms.ocr_layout`):

* every identity holds: nothing to do (the check stage then marks the
  cells verified, as for any container);
* some fail, and exactly one correction of one low-confidence cell (OCR
  confidence below `LOW_CONFIDENCE`, or a cell where nothing was read)
  makes every identity hold: that cell is re-decided, and the non-blocking
  issue ``ocr_digit_redecided`` records the reading, its confidence, the
  value the identities require and which identities decided it;
* otherwise the blocking issue ``ocr_identity_broken`` (rule P-06) names
  every failing identity with its cells (row, column, text read, location
  and confidence), and the report is quarantined: a misread figure is never
  published.

Blank cells count as 0 here, as in the check stage's identities. Cells no
identity covers (table 二) are not touched: they are stored with their
confidence in the location, and the check stage leaves them unverified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from transforms import codes
from transforms.model import ParseIssue, RequestFact, ReviewFact, TablesResult
from transforms.ocr_layout import confidence_of, is_ocr

LOW_CONFIDENCE = 0.98
REQUESTS, REVIEW = "requests", "review_litigation"

Key = tuple[str, str, str]  # (table, row, column)


@dataclass(frozen=True)
class _Identity:
    rule: str
    left: tuple[Key, ...]  # sum(left) == sum(right)
    right: tuple[Key, ...]


def _identities(rows: set[str], proceedings: set[str]) -> list[_Identity]:
    out: list[_Identity] = []
    applicants = codes.APPLICANTS[:-1]
    for row in sorted(rows):
        out.append(_Identity("T3-01", ((REQUESTS, row, "total"),), tuple((REQUESTS, row, a) for a in applicants)))
    other = (codes.OTHER_ROW_SINGLE,) if codes.OTHER_ROW_SINGLE in rows else codes.OTHER_ROWS_2021
    results = [r for r in codes.RESULT_ROWS_BASE + other if r in rows]
    for a in codes.APPLICANTS:
        if "total_processed" in rows and results:
            out.append(_Identity("T3-02", ((REQUESTS, "total_processed", a),), tuple((REQUESTS, r, a) for r in results)))
        if {"new_received", "carried_over", "total_processed", "carried_forward"} <= rows:
            out.append(_Identity(
                "T3-03",
                ((REQUESTS, "new_received", a), (REQUESTS, "carried_over", a)),
                ((REQUESTS, "total_processed", a), (REQUESTS, "carried_forward", a)),
            ))
    for n, p in enumerate(codes.PROCEEDINGS, start=1):
        if p in proceedings:
            out.append(_Identity(
                f"T4-0{n}", ((REVIEW, p, "total"),), tuple((REVIEW, p, o) for o in codes.OUTCOMES[:-1])
            ))
    return out


def _holds(identity: _Identity, values: dict[Key, int | None]) -> bool:
    return sum(values.get(k) or 0 for k in identity.left) == sum(values.get(k) or 0 for k in identity.right)


def _required(identity: _Identity, key: Key, values: dict[Key, int | None]) -> int:
    """The value of `key` that makes `identity` hold, the other cells as read."""
    left = sum(values.get(k) or 0 for k in identity.left if k != key)
    right = sum(values.get(k) or 0 for k in identity.right if k != key)
    return right - left if key in identity.left else left - right


def vet(result: TablesResult) -> None:
    """Check, re-decide or block the OCR-read tables 三 and 四 of `result` (in place)."""
    facts: dict[Key, RequestFact | ReviewFact] = {}
    for f in result.requests:
        facts[(REQUESTS, f.row_code, f.applicant)] = f
    for f in result.review:
        facts[(REVIEW, f.proceeding, f.outcome)] = f
    if not any(is_ocr(f.ref.location) for f in facts.values()):
        return
    values: dict[Key, int | None] = {k: (int(f.value) if f.value is not None else None) for k, f in facts.items()}
    identities = _identities({k[1] for k in facts if k[0] == REQUESTS}, {k[1] for k in facts if k[0] == REVIEW})
    failing = [i for i in identities if not _holds(i, values)]
    if not failing:
        return
    solutions = list(_single_corrections(failing, identities, facts, values))
    if len(solutions) == 1:
        key, value = solutions[0]
        _redecide(result, facts[key], key, value, [i for i in identities if key in i.left or key in i.right])
        return
    for table in (REQUESTS, REVIEW):
        mine = [i for i in failing if i.left[0][0] == table]
        if mine:
            result.issues.append(ParseIssue("ocr_identity_broken", _evidence(mine, facts, values, solutions), table=table))


def _low(fact: RequestFact | ReviewFact) -> bool:
    if not is_ocr(fact.ref.location):
        return False
    conf = confidence_of(fact.ref.location)
    return conf is None or conf < LOW_CONFIDENCE


def _single_corrections(
    failing: list[_Identity], identities: list[_Identity], facts: dict, values: dict[Key, int | None]
) -> Iterable[tuple[Key, int]]:
    """Every (cell, value) among the low-confidence cells that, alone, makes every identity hold."""
    shared = set(failing[0].left + failing[0].right)
    for identity in failing[1:]:
        shared &= set(identity.left + identity.right)
    for key in sorted(shared):
        fact = facts.get(key)
        if fact is None or not _low(fact):
            continue
        value = _required(failing[0], key, values)
        if value < 0 or value == values.get(key):
            continue
        trial = dict(values)
        trial[key] = value
        if all(_holds(i, trial) for i in identities):
            yield key, value


def _redecide(result: TablesResult, fact, key: Key, value: int, decided_by: list[_Identity]) -> None:  # noqa: ANN001
    new = replace(fact, value=value)
    if key[0] == REQUESTS:
        result.requests = [new if f is fact else f for f in result.requests]
    else:
        result.review = [new if f is fact else f for f in result.review]
    rules = sorted({i.rule for i in decided_by})
    result.issues.append(ParseIssue(
        "ocr_digit_redecided",
        f"{_name(key)}: OCR read {fact.ref.raw!r} ({_conf(fact)}) at {fact.ref.location}; {', '.join(rules)} "
        f"hold only with {value}, and no other single low-confidence cell makes them hold: stored {value}",
        blocking=False,
        table=key[0],
    ))


def _name(key: Key) -> str:
    return f"{key[0]} {key[1]}/{key[2]}"


def _conf(fact) -> str:  # noqa: ANN001
    conf = confidence_of(fact.ref.location)
    return "nothing read" if conf is None else f"confidence {conf:.2f}"


def _evidence(failing: list[_Identity], facts: dict, values: dict[Key, int | None], solutions: list) -> str:
    parts = []
    for i in failing:
        left = sum(values.get(k) or 0 for k in i.left)
        right = sum(values.get(k) or 0 for k in i.right)
        cells = "; ".join(
            f"{k[1]}/{k[2]} {facts[k].ref.raw!r} at {facts[k].ref.location}" for k in i.left + i.right if k in facts
        )
        parts.append(f"{i.rule} {left} ≠ {right} [{cells}]")
    why = (
        f"{len(solutions)} different single corrections would make them hold" if solutions
        else "no single correction of a low-confidence cell makes them hold"
    )
    return f"table read by OCR breaks its identities ({why}): " + " | ".join(parts)
