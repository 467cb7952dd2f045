"""Judging a loaded warehouse against gold files (`ogi eval`, and the tests).

A gold file (the format of ../shared/seeds/gold and ../shared/corpus/gold)
lists the expected metadata and table cells of one document. Each cell is
one of:

- exact: the warehouse holds the gold value;
- missing: gold has a value, the warehouse none (NULL or no row);
- wrong: the warehouse holds a different number — the worst outcome, and
  counted separately when the report is published;
- undecided_published: gold says the document does not decide the cell
  (null) but the warehouse stores a number;
- decided_across_years: gold says the document alone does not decide the
  cell, the warehouse stores the true value (the generator's truth names it
  under "undecided") and records that a neighbouring year decided it
  (a `split_decided_by_neighbour` or `split_narrowed_by_neighbour` issue).
  Any other number there is counted as undecided_published.

One judge for the CLI and the test suite, so "100% exact" means the same in
both places.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

_TABLES = {
    "active_disclosure": ("core.fact_active_disclosure", "item || '.' || metric"),
    "requests": ("core.fact_requests", "row_code || '.' || applicant"),
    "review_litigation": ("core.fact_review_litigation", "proceeding || '.' || outcome"),
}
_META = ("agency", "report_year", "published_on", "doc_kind", "format_version", "region", "admin_level")


def _num(v) -> Decimal | None:
    return None if v is None else Decimal(str(v))


@dataclass
class FileScore:
    file: str
    doc_id: str | None = None
    status: str | None = None
    cells: int = 0
    exact: int = 0
    missing: int = 0
    wrong: int = 0
    wrong_published: int = 0
    undecided_published: int = 0
    decided_across_years: int = 0
    unverified_published: int = 0  # published cells with a number that no identity vouches for
    meta_fields: int = 0
    meta_exact: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def cell_accuracy(self) -> float:
        return self.exact / self.cells if self.cells else 1.0


def find_doc(con: duckdb.DuckDBPyConnection, file_name: str) -> str | None:
    rows = con.execute(
        "SELECT DISTINCT doc_id FROM raw.document_paths WHERE source_path = ? OR source_path LIKE '%/' || ?",
        [file_name, file_name],
    ).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def score(con: duckdb.DuckDBPyConnection, doc_id: str, gold: dict) -> FileScore:
    """Compare one document with its gold file."""
    fs = FileScore(file=gold.get("file", "?"), doc_id=doc_id)
    report = con.execute(
        f"SELECT {', '.join(_META)}, status FROM core.reports WHERE doc_id = ?", [doc_id]
    ).fetchone()
    if report is None:
        fs.problems.append("no core.reports row")
        return fs
    got_meta = dict(zip(_META + ("status",), report))
    fs.status = got_meta["status"]
    published = fs.status == "published"
    for key, want in (gold.get("report") or {}).items():
        got = got_meta.get(key)
        if key == "published_on" and got is not None:
            got = got.isoformat()
        fs.meta_fields += 1
        if got == want:
            fs.meta_exact += 1
        else:
            fs.problems.append(f"report.{key}: got {got!r}, want {want!r}")

    if gold.get("sections") is not None:
        got_sections = [
            r[0]
            for r in con.execute(
                "SELECT section FROM core.sections WHERE doc_id = ? ORDER BY start_offset", [doc_id]
            ).fetchall()
        ]
        if got_sections != gold["sections"]:
            fs.problems.append(f"sections: got {got_sections}, want {gold['sections']}")

    # The published snapshot has no staging layer (compare() also reads snapshots): no neighbour decisions there.
    has_staging = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'staging' AND table_name = 'parse_issues'"
    ).fetchone()[0]
    neighbour_decided = bool(has_staging) and bool(
        con.execute(
            """SELECT count(*) FROM staging.parse_issues WHERE doc_id = ?
               AND code IN ('split_decided_by_neighbour', 'split_narrowed_by_neighbour')""",
            [doc_id],
        ).fetchall()[0][0]
    )
    for key, (table, cell) in _TABLES.items():
        for source, gold_key in (("table", key), ("narrative", f"{key}_narrative")):
            if gold_key not in gold:
                continue
            got: dict[str, object] = {}
            for k, v, verified in con.execute(
                f"SELECT {cell}, value, verified FROM {table} WHERE doc_id = ? AND source = ?", [doc_id, source]
            ).fetchall():
                if k in got:
                    fs.problems.append(f"{gold_key}.{k}: stored twice")
                got[k] = v
                if published and source == "table" and v is not None and not verified:
                    fs.unverified_published += 1
            want_cells = gold[gold_key]
            if want_cells is None:
                stored = [k for k, v in got.items() if v is not None]
                if source == "table" and stored:
                    fs.undecided_published += len(stored)
                    fs.problems.append(f"{gold_key}: no such table in the document, but {len(stored)} values stored")
                continue
            for k, want in want_cells.items():
                value = got.get(k)
                if want is None:
                    truth = (gold.get("undecided") or {}).get(f"{key}.{k}")
                    if value is not None and truth is not None and _num(value) == _num(truth) and neighbour_decided:
                        fs.decided_across_years += 1
                    elif value is not None:
                        fs.undecided_published += 1
                        fs.problems.append(f"{gold_key}.{k}: got {value!r}, want no number (undecided/blank)")
                    continue
                fs.cells += 1
                if value is None:
                    fs.missing += 1
                    fs.problems.append(f"{gold_key}.{k}: missing, want {want!r}")
                elif _num(value) != _num(want):
                    fs.wrong += 1
                    fs.wrong_published += int(published)
                    fs.problems.append(f"{gold_key}.{k}: got {value!r}, want {want!r}")
                else:
                    fs.exact += 1

    if gold.get("narrative"):
        found = Counter(
            (Decimal(str(v)).normalize(), u)
            for v, u in con.execute(
                "SELECT value, unit FROM core.fact_narrative_figures WHERE doc_id = ?", [doc_id]
            ).fetchall()
        )
        wanted = Counter((Decimal(str(v)).normalize(), u) for v, u in gold["narrative"])
        exact_count = "dedup" in gold
        for (v, u), n in wanted.items():
            if found[(v, u)] < n or (exact_count and found[(v, u)] != n):
                fs.problems.append(f"narrative {v}{u}: found {found[(v, u)]} time(s), want {n}")

    want_status = gold.get("expect_status")
    if want_status in ("published", "quarantined") and fs.status != want_status:
        reasons = con.execute(
            "SELECT rule FROM core.check_results WHERE doc_id = ? AND status = 'fail'", [doc_id]
        ).fetchall()
        fs.problems.append(f"status: got {fs.status}, want {want_status}; failing rules: {[r[0] for r in reasons]}")
    for rule in gold.get("planted_errors") or []:
        (hit,) = con.execute(
            "SELECT count(*) FROM core.check_results WHERE doc_id = ? AND rule = ? AND status = 'fail'", [doc_id, rule]
        ).fetchone()
        if not hit:
            fs.problems.append(f"planted error {rule} not reported")
    return fs


def evaluate(db_path: str | Path, gold_dir: str | Path) -> list[FileScore]:
    scores = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        for path in sorted(Path(gold_dir).glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            file_name = gold.get("file") or path.stem
            doc_id = find_doc(con, file_name)
            if doc_id is None:
                fs = FileScore(file=file_name)
                fs.problems.append("not loaded in this warehouse")
                scores.append(fs)
                continue
            scores.append(score(con, doc_id, gold))
    return scores


def format_scores(scores: list[FileScore]) -> str:
    lines = [f"{'file':<34} {'status':<12} {'cells':>6} {'exact':>6} {'miss':>5} {'wrong':>5} {'undec':>5} {'meta':>7}"]
    total = FileScore(file="TOTAL")
    for s in scores:
        lines.append(
            f"{s.file:<34} {s.status or '-':<12} {s.cells:>6} {s.exact:>6} {s.missing:>5} {s.wrong:>5} "
            f"{s.undecided_published:>5} {s.meta_exact:>3}/{s.meta_fields:<3}"
        )
        for p in s.problems:
            lines.append(f"    - {p}")
        for attr in ("cells", "exact", "missing", "wrong", "wrong_published", "undecided_published",
                     "decided_across_years", "unverified_published", "meta_fields", "meta_exact"):
            setattr(total, attr, getattr(total, attr) + getattr(s, attr))
    lines.append(
        f"TOTAL: cell accuracy {total.exact}/{total.cells} = {total.cell_accuracy:.2%}; "
        f"metadata {total.meta_exact}/{total.meta_fields}; wrong values published: {total.wrong_published}; "
        f"undecidable values published as numbers: {total.undecided_published}; "
        f"unverified published cells: {total.unverified_published}"
    )
    return "\n".join(lines)
