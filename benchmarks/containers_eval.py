"""Table facts per container: the same generated report as HTML, Chromium PDF, LibreOffice PDF and DOCX (issue 11).

Why: a report must give the same table facts whatever container it came in.
This generates web pages with known truth for every table-layout variant of
`orchestration.synth.html` (and the default drawing) in both eras (2019 trial
form: 2019/2020 reports; 2021 form), converts each page with the real tools
(tests/containers.py: headless Chromium's print-to-pdf, LibreOffice's Writer
PDF export and its MS Word 2007 XML export), loads every file into one
warehouse with `ogi load`, and compares the stored table facts with the
truth, per container × variant:

    python -m benchmarks.containers_eval --workdir /tmp/containers --count 3

prints cells right / wrong / missing / blank-stored-as-a-number, per-table
accuracy (二/三/四), reports whose status is not the expected one, reports
whose facts differ from the HTML page's, and for each failing report its
first few missing/wrong cells.  Everything stays in the work dir for
inspection (`DIR/<variant>/{html,chromium_pdf,lo_pdf,lo_docx}/`, truth in
`DIR/<variant>/truth/`, the warehouse `DIR/ogi.duckdb`, and `DIR/results.json`);
`SELECT text FROM staging.cleaned_text` shows what each container was read as.

It runs against whatever `transforms` is installed: conversions are reused
when newer than their page (`--fresh` redoes them), the warehouse is rebuilt
on every run, so after a parser change just rerun the same command.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VARIANT_SETS: dict[str, tuple[str, ...]] = {
    "default": (),
    "rowspan": ("rowspan",),
    "blank": ("blank",),
    "subtables": ("subtables",),
    "split_header": ("split_header",),
    "borderless": ("borderless",),
    "all": ("rowspan", "blank", "subtables", "split_header", "borderless"),
}
CONTAINERS = ("html", "chromium_pdf", "lo_pdf", "lo_docx")
ERAS = ("2019", "2021")
TABLES = {  # truth key -> (fact table, key expression, short name)
    "active_disclosure": ("core.fact_active_disclosure", "item || '.' || metric", "二"),
    "requests": ("core.fact_requests", "row_code || '.' || applicant", "三"),
    "review_litigation": ("core.fact_review_litigation", "proceeding || '.' || outcome", "四"),
}


def load_containers_module():
    """tests/containers.py, imported by path (tests/ is not an installed package)."""
    path = REPO / "tests" / "containers.py"
    spec = importlib.util.spec_from_file_location("ogi_test_containers", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("ogi_test_containers", module)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------
# Generate
# ---------------------------------------------------------------------------


@dataclass
class Case:
    """One generated report of one variant."""

    variant: str
    name: str  # r0003_html_2019 (stem)
    era: str
    truth: dict
    files: dict[str, Path] = field(default_factory=dict)  # container -> path


def generate(workdir: Path, variant: str, count: int, seed: int, eras: tuple[str, ...] = ERAS) -> list[Case]:
    """`count` web pages per era with the variant's drawings, written to workdir/<variant>/html (+ truth/)."""
    from orchestration.synth.generator import dump_truth, iter_reports

    html_dir, truth_dir = workdir / variant / "html", workdir / variant / "truth"
    html_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    wanted = {era: count for era in eras}
    cases: list[Case] = []
    pool = max(12, 8 * count)
    for rep in iter_reports(pool, seed, layouts=("html",), variants=VARIANT_SETS[variant] or None):
        era = rep.truth["report"]["format_version"]
        if wanted.get(era, 0) <= 0:
            continue
        wanted[era] -= 1
        stem = Path(rep.name).stem
        path = html_dir / rep.name
        if not path.is_file() or path.read_bytes() != rep.data:
            path.write_bytes(rep.data)
        (truth_dir / f"{stem}.json").write_text(dump_truth(rep.truth), encoding="utf-8")
        cases.append(Case(variant, stem, era, rep.truth, {"html": path}))
        if not any(wanted.values()):
            break
    return cases


# ---------------------------------------------------------------------------
# Convert
# ---------------------------------------------------------------------------


def _fresh(target: Path, source: Path) -> bool:
    return target.is_file() and target.stat().st_size > 0 and target.stat().st_mtime >= source.stat().st_mtime


def convert(cases: list[Case], workdir: Path, containers: tuple[str, ...], redo: bool = False,
            log=print) -> list[str]:
    """Make every container of every case (reusing up-to-date files unless `redo`); returns failures."""
    cm = load_containers_module()
    failures: list[str] = []
    by_variant: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_variant[case.variant].append(case)
    for variant, group in by_variant.items():
        base = workdir / variant
        if "chromium_pdf" in containers:
            for case in group:
                target = base / "chromium_pdf" / f"{case.name}.pdf"
                if redo or not _fresh(target, case.files["html"]):
                    try:
                        cm.html_to_pdf_chromium(case.files["html"], target)
                    except cm.ConversionFailed as exc:
                        failures.append(str(exc))
                        continue
                case.files["chromium_pdf"] = target
        for container, func, ext in (("lo_pdf", cm.to_pdf_libreoffice, "pdf"),
                                     ("lo_docx", cm.to_docx_libreoffice, "docx")):
            if container not in containers:
                continue
            outdir = base / container
            todo = [c for c in group if redo or not _fresh(outdir / f"{c.name}.{ext}", c.files["html"])]
            if todo:
                try:
                    func([c.files["html"] for c in todo], outdir)
                except cm.ConversionFailed as exc:
                    failures.append(str(exc))
            for case in group:
                target = outdir / f"{case.name}.{ext}"
                if target.is_file():
                    case.files[container] = target
        log(f"  converted {variant}: {len(group)} pages")
    return failures


# ---------------------------------------------------------------------------
# Load and compare
# ---------------------------------------------------------------------------


def load(paths: list[Path], db: Path, workers: int | None = None, log: Path | None = None) -> int:
    """`ogi load` of every file into a fresh warehouse `db` (its summary goes to `log` when given)."""
    import contextlib

    from orchestration.cli import main as ogi

    for f in (db, db.with_name(db.name + ".wal"), db.with_name(db.stem + ".published.duckdb")):
        f.unlink(missing_ok=True)
    args = ["load", *map(str, paths), "--db", str(db), "--quiet"]
    if workers:
        args += ["--workers", str(workers)]
    if log is None:
        return ogi(args)
    with open(log, "w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
        return ogi(args)


def stored_facts(con, doc_id: str) -> dict[str, dict[str, object]]:
    """The table facts of one document: {truth table key: {cell key: value}} (source = 'table' only)."""
    out: dict[str, dict[str, object]] = {}
    for key, (table, cell, _short) in TABLES.items():
        rows = con.execute(f"SELECT {cell}, value FROM {table} WHERE doc_id = ? AND source = 'table'",
                           [doc_id]).fetchall()
        out[key] = {k: v for k, v in rows}
    return out


def fact_rows(facts: dict[str, dict[str, object]]) -> set[tuple[str, str, str, str | None]]:
    """(table, row/item, column/metric, value) rows with values normalised (Decimal text), NULLs kept."""
    rows = set()
    for table, cells in facts.items():
        for key, v in cells.items():
            row, col = key.rsplit(".", 1) if table != "active_disclosure" else key.split(".", 1)
            rows.add((table, row, col, None if v is None else str(Decimal(str(v)).normalize())))
    return rows


def truth_rows(truth: dict) -> set[tuple[str, str, str, str | None]]:
    """The same rows from a truth file (a blank cell is a row with value None)."""
    return fact_rows({t: dict(truth.get(t) or {}) for t in TABLES})


def comparable(rows: set[tuple]) -> set[tuple]:
    """Rows for the invariance comparison: a NULL cell and an absent cell mean the same (no number)."""
    return {r for r in rows if r[3] is not None}


@dataclass
class Score:
    cells: int = 0
    right: int = 0
    wrong: int = 0
    missing: int = 0
    blank_as_number: int = 0
    extra: int = 0
    per_table: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in TABLES})  # right, cells
    problems: list[str] = field(default_factory=list)


def score_facts(facts: dict[str, dict[str, object]], truth: dict) -> Score:
    s = Score()
    for table in TABLES:
        want = truth.get(table) or {}
        got = facts.get(table, {})
        for key, w in want.items():
            v = got.get(key)
            if w is None:
                if v is not None:
                    s.blank_as_number += 1
                    s.problems.append(f"{TABLES[table][2]} {key}: got {v}, want blank (no number)")
                continue
            s.cells += 1
            s.per_table[table][1] += 1
            if v is None:
                s.missing += 1
                s.problems.append(f"{TABLES[table][2]} {key}: missing, want {w}")
            elif Decimal(str(v)) != Decimal(str(w)):
                s.wrong += 1
                s.problems.append(f"{TABLES[table][2]} {key}: got {v}, want {w}")
            else:
                s.right += 1
                s.per_table[table][0] += 1
        for key, v in got.items():
            if key not in want and v is not None:
                s.extra += 1
                s.problems.append(f"{TABLES[table][2]} {key}: got {v}, not in the form")
    return s


def doc_for(con, path: Path) -> str | None:
    row = con.execute("SELECT doc_id FROM raw.document_paths WHERE source_path = ? LIMIT 1", [str(path)]).fetchone()
    if row is None:
        row = con.execute("SELECT doc_id FROM raw.document_paths WHERE source_path LIKE '%' || ? LIMIT 1",
                          [f"{path.parent.parent.name}/{path.parent.name}/{path.name}"]).fetchone()
    return row[0] if row else None


@dataclass
class Result:
    case: Case
    container: str
    doc_id: str | None
    status: str | None
    score: Score
    facts: dict
    load_error: str | None = None
    failing_rules: list[str] = field(default_factory=list)
    meta_problems: list[str] = field(default_factory=list)  # doc_kind / report_year / format_version read wrong

    @property
    def status_ok(self) -> bool:
        want = self.case.truth.get("expect_status")
        return want not in ("published", "quarantined") or self.status == want


def judge(db: Path, cases: list[Case], containers: tuple[str, ...]) -> list[Result]:
    import duckdb

    results: list[Result] = []
    with duckdb.connect(str(db), read_only=True) as con:
        for case in cases:
            for container in containers:
                path = case.files.get(container)
                if path is None:
                    r = Result(case, container, None, None, Score(), {}, load_error="not converted")
                    r.score = score_facts({}, case.truth)
                    results.append(r)
                    continue
                doc = doc_for(con, path)
                err = None
                if doc is not None:
                    e = con.execute("SELECT error || ': ' || message FROM core.load_errors WHERE doc_id = ? LIMIT 1",
                                    [doc]).fetchone()
                    err = e[0] if e else None
                st = con.execute("SELECT status FROM core.reports WHERE doc_id = ?", [doc]).fetchone() if doc else None
                facts = stored_facts(con, doc) if doc else {}
                r = Result(case, container, doc, st[0] if st else None, score_facts(facts, case.truth), facts,
                           load_error=err if err else (None if doc else "not loaded"))
                if doc:
                    got = con.execute("SELECT doc_kind, report_year, format_version FROM core.reports "
                                      "WHERE doc_id = ?", [doc]).fetchone() or (None, None, None)
                    for key, value in zip(("doc_kind", "report_year", "format_version"), got):
                        want = case.truth["report"].get(key)
                        if value != want:
                            r.meta_problems.append(f"{key} {value!r} (want {want!r})")
                    r.failing_rules = [x[0] for x in con.execute(
                        "SELECT rule FROM core.check_results WHERE doc_id = ? AND status = 'fail' "
                        "AND severity = 'blocking' ORDER BY rule", [doc]).fetchall()]
                results.append(r)
    return results


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    -"


def format_table(results: list[Result], containers: tuple[str, ...], variants: list[str]) -> str:
    html_rows = {(r.case.variant, r.case.name): comparable(fact_rows(r.facts))
                 for r in results if r.container == "html"}
    head = (f"{'container':<13} {'variant':<13} {'rep':>3} {'cells':>6} {'right':>6} {'wrong':>5} {'miss':>5} "
            f"{'blank#':>6} {'acc':>6} {'acc|m✓':>6} {'二':>6} {'三':>6} {'四':>6} {'meta✗':>5} {'status✗':>7} {'≠html':>5}")
    lines = [head, "-" * len(head)]
    for container in containers:
        for variant in variants + ["TOTAL"]:
            rs = [r for r in results if r.container == container and (variant == "TOTAL" or r.case.variant == variant)]
            if not rs:
                continue
            t = Score()
            per = {k: [0, 0] for k in TABLES}
            bad_status = differ = bad_meta = meta_ok_right = meta_ok_cells = 0
            for r in rs:
                for attr in ("cells", "right", "wrong", "missing", "blank_as_number"):
                    setattr(t, attr, getattr(t, attr) + getattr(r.score, attr))
                for k in TABLES:
                    per[k][0] += r.score.per_table[k][0]
                    per[k][1] += r.score.per_table[k][1]
                bad_status += not r.status_ok
                bad_meta += bool(r.meta_problems)
                if not r.meta_problems:
                    meta_ok_right += r.score.right
                    meta_ok_cells += r.score.cells
                ref = html_rows.get((r.case.variant, r.case.name))
                differ += ref is not None and comparable(fact_rows(r.facts)) != ref
            lines.append(
                f"{container:<13} {variant:<13} {len(rs):>3} {t.cells:>6} {t.right:>6} {t.wrong:>5} {t.missing:>5} "
                f"{t.blank_as_number:>6} {_pct(t.right, t.cells):>6} {_pct(meta_ok_right, meta_ok_cells):>6} "
                f"{_pct(*per['active_disclosure']):>6} "
                f"{_pct(*per['requests']):>6} {_pct(*per['review_litigation']):>6} {bad_meta:>5} {bad_status:>7} {differ:>5}")
        lines.append("")
    lines.append("acc = right/cells; acc|m✓ = the same over reports whose kind/year/format were read right "
                 "(table reading apart from metadata);\n二/三/四 = per-table accuracy; blank# = blank cell stored as a number; "
                 "meta✗ = doc_kind/report_year/format_version read wrong;\nstatus✗ = status not the expected one; "
                 "≠html = stored facts differ from the same page's HTML (reports)")
    return "\n".join(lines)


def format_failures(results: list[Result], show: int) -> str:
    lines = []
    for r in results:
        s = r.score
        if not s.problems and r.status_ok and not r.load_error and not r.meta_problems:
            continue
        want = r.case.truth.get("expect_status")
        lines.append(f"{r.container:<12} {r.case.variant:<12} {r.case.name}: status {r.status} (want {want}"
                     f"{'; blocking fails ' + ','.join(r.failing_rules) if r.failing_rules else ''})"
                     f"{'; ' + r.load_error if r.load_error else ''}"
                     f"{'; read as ' + ', '.join(r.meta_problems) if r.meta_problems else ''}; right {s.right}/{s.cells}, "
                     f"wrong {s.wrong}, missing {s.missing}, blank# {s.blank_as_number}")
        for p in s.problems[:show]:
            lines.append(f"      {p}")
        if len(s.problems) > show:
            lines.append(f"      … {len(s.problems) - show} more")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--count", type=int, default=3, help="reports per variant and era (default 3)")
    ap.add_argument("--seed", type=int, default=7, help="generator seed (default 7: its first reports show every failure class of today's parser)")
    ap.add_argument("--variants", default=",".join(VARIANT_SETS),
                    help=f"comma-separated subset of {','.join(VARIANT_SETS)}")
    ap.add_argument("--containers", default=",".join(CONTAINERS))
    ap.add_argument("--fresh", action="store_true", help="redo every conversion (default: reuse up-to-date files)")
    ap.add_argument("--show", type=int, default=4, help="cells listed per failing report")
    ap.add_argument("--workers", type=int, default=None, help="ogi load --workers")
    args = ap.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    containers = tuple(c.strip() for c in args.containers.split(",") if c.strip())
    bad = [v for v in variants if v not in VARIANT_SETS] + [c for c in containers if c not in CONTAINERS]
    if bad:
        ap.error(f"unknown variant/container {bad}")
    if "html" not in containers:
        containers = ("html",) + containers
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    cases = [c for v in variants for c in generate(workdir, v, args.count, args.seed)]
    print(f"generated {len(cases)} pages ({args.count} per variant and era) in {workdir}")
    failures = convert(cases, workdir, containers, redo=args.fresh)
    for f in failures:
        print(f"  conversion failed: {f}")
    t1 = time.perf_counter()
    paths = [p for c in cases for k, p in c.files.items() if k in containers]
    db = workdir / "ogi.duckdb"
    rc = load(paths, db, args.workers, log=workdir / "load.log")
    t2 = time.perf_counter()
    print(f"converted in {t1 - t0:.0f} s; loaded {len(paths)} files into {db} in {t2 - t1:.0f} s "
          f"(exit {rc}; summary in {workdir / 'load.log'})\n")
    results = judge(db, cases, containers)
    print(format_table(results, containers, variants))
    print("\nfailing reports (first cells):")
    print(format_failures(results, args.show) or "  none")
    summary = [{"container": r.container, "variant": r.case.variant, "report": r.case.name, "era": r.case.era,
                "doc_id": r.doc_id, "status": r.status, "expect_status": r.case.truth.get("expect_status"),
                "cells": r.score.cells, "right": r.score.right, "wrong": r.score.wrong, "missing": r.score.missing,
                "blank_as_number": r.score.blank_as_number, "problems": r.score.problems,
                "meta_problems": r.meta_problems, "failing_blocking_rules": r.failing_rules,
                "load_error": r.load_error, "path": str(r.case.files.get(r.container))} for r in results]
    (workdir / "results.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nper-report results: {workdir / 'results.json'}; what a file was read as: "
          f"SELECT c.text FROM staging.cleaned_text c JOIN core.reports r USING (doc_id) "
          f"WHERE r.source_path = '<path>' (in {db})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
