"""Fuzz the whole load with mutated copies of the real reports.

    python -m benchmarks.fuzz_load --minutes 10 [--seed N] [--workdir DIR] [--files N] [--workers N]
    python -m benchmarks.fuzz_load --replay FILE [FILE ...]

Why a harness on top of tests/test_properties.py: the property tests call
the transforms one at a time, but a load also runs them in worker
processes, writes DuckDB frames, runs the checks and publishes. A file the
transforms accept can still break a later step (a 23-digit table cell once
overflowed BIGINT in fact_tables and failed the step for the whole batch),
and one bad file must never cost the batch. So each round writes mutated
copies of the files in ../shared/seeds and ../shared/corpus to a folder,
runs `ogi load` on it in a subprocess against one warehouse kept for the
whole run (later rounds meet the earlier documents, as daily loads do), and
checks:

* exit code 0, and no Python traceback or failed step in the output;
* every file of the round is accounted for: the doc_id of its path
  (raw.document_paths) has a row in core.reports or in core.load_errors, or
  the path has a read error in core.load_errors;
* no file got `parser_crash` or `worker_crashed`: the worker pool records
  an unexpected exception in a transform under those codes instead of
  failing the load, but each one is still a bug;
* the load's wall time and peak RSS (reported; a round that runs past
  --round-timeout is a crash).

A crashing round is saved with all its inputs under WORKDIR/crashes/rNNNN
(output, findings.json, REPRODUCE.txt). Files that hit a per-document limit
(parse_timeout, memory_limit, too_deeply_nested) are saved under
WORKDIR/limits/rNNNN and reported. They do not fail the run, because the
limits exist to catch exactly such files. The exit code is 1 if any round crashed.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SOURCE_DIRS = (SHARED / "seeds", SHARED / "corpus")
OGI = Path(sys.executable).parent / "ogi"

# Codes the worker pool records for an exception that is not a TransformError:
# the load survives it, the parser still has a bug.
CRASH_CODES = frozenset({"parser_crash", "worker_crashed"})
LIMIT_CODES = frozenset({"parse_timeout", "memory_limit", "too_deeply_nested"})
FAILURE_MARKERS = ("Traceback (most recent call last)", "STEP_FAILURE", "step failed")


# --- the real inputs ---------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    path: Path
    data: bytes

    @property
    def kind(self) -> str:
        suffix = self.path.suffix.lower()
        return {".pdf": "pdf", ".docx": "docx"}.get(suffix, "text")


def real_sources(dirs: tuple[Path, ...] = SOURCE_DIRS) -> list[Source]:
    """Every report file under the source folders. gold/ holds answers and
    README.md describes the corpus; neither is a report."""
    from warehouse.ingest import SUPPORTED_EXTENSIONS

    found = []
    for root in dirs:
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root).parts
            if path.is_file() and "gold" not in rel and path.suffix.lower() in SUPPORTED_EXTENSIONS:
                found.append(Source(path, path.read_bytes()))
    return found


# --- values and text mutations ------------------------------------------------------

_FULL_WIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
_NOISE_CHARS = "\x00\x01\x0b\x0c\x1b\x7f\ufeff\u200b\u2028\ufffd\ue000\u3000\xa0|\t\n"


def extreme_number(rng: random.Random) -> str:
    """What breaks number handling: too big for BIGINT or DECIMAL(24, 6), negative,
    full-width, more digits than Decimal128 holds, thousands separators, digit runs that feed the
    flattened-row solver."""
    makers = (
        lambda: str(rng.randrange(10**19, 10**30)),
        lambda: rng.choice([str(2**63), str(2**63 - 1), str(10**15), str(10**15 - 1), str(10**18), "0" * 30]),
        lambda: f"-{rng.randrange(1, 10**7)}",
        lambda: str(rng.randrange(0, 10**7)).translate(_FULL_WIDTH),
        lambda: f"{rng.randrange(0, 10**7)}.{rng.randrange(0, 10**12)}",
        lambda: f"{rng.randrange(0, 10**4)}.{rng.randrange(10**39, 10**100)}",  # > Decimal128's 38 digits
        lambda: f"{rng.randrange(10**6, 10**13):,}",
        lambda: rng.choice(["1e309", "NaN", "-0", "\u22125", "５万", "1,2", "3.", ".5"]),
        lambda: "".join(rng.choice("0123456789") for _ in range(rng.randrange(20, 300))),
    )
    return rng.choice(makers)()


def _span(rng: random.Random, n: int, longest: int = 2000) -> tuple[int, int]:
    start = rng.randrange(0, n + 1)
    return start, min(n, start + rng.randrange(0, longest + 1))


def t_numbers(rng: random.Random, text: str) -> str:
    """Replace digit runs by extreme numbers, mostly in table rows (lines with
    " | " or tabs, or bare number lines) where they become cells."""
    runs = list(re.finditer(r"\d+", text))
    if not runs:
        return text + extreme_number(rng)
    table = [m for m in runs if _on_table_line(text, m.start())]
    chosen = rng.sample(table or runs, min(len(table or runs), rng.randint(1, 10)))
    for m in sorted(chosen, key=lambda m: m.start(), reverse=True):
        text = text[: m.start()] + extreme_number(rng) + text[m.end():]
    return text


def _on_table_line(text: str, pos: int) -> bool:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start: end if end >= 0 else len(text)]
    return "|" in line or "\t" in line or line.strip().isdigit()


def t_delete(rng: random.Random, text: str) -> str:
    a, b = _span(rng, len(text))
    return text[:a] + text[b:]


def t_insert(rng: random.Random, text: str) -> str:
    """Random characters (CJK, full-width, controls, separators) or a chunk of the text itself."""
    at = rng.randrange(0, len(text) + 1)
    if rng.random() < 0.5:
        a, b = _span(rng, len(text), 500)
        chunk = text[a:b]
    else:
        alphabet = [chr(rng.randrange(0x4E00, 0xA000)), chr(rng.randrange(0xFF01, 0xFF5F)), rng.choice(_NOISE_CHARS),
                    chr(rng.randrange(0x20, 0x7F)), chr(rng.randrange(0x80, 0x110000) if rng.random() < 0.1 else 0x3001)]
        chunk = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 200)))
    chunk = "".join(c for c in chunk if not 0xD800 <= ord(c) <= 0xDFFF)  # no lone surrogates: unencodable
    return text[:at] + chunk + text[at:]


def t_duplicate(rng: random.Random, text: str) -> str:
    a, b = _span(rng, len(text))
    return text[:b] + text[a:b] * rng.randint(1, 20) + text[b:]


def t_swap(rng: random.Random, text: str) -> str:
    a, b = sorted((rng.randrange(0, len(text) + 1), rng.randrange(0, len(text) + 1)))
    c = rng.randrange(a, b + 1)
    return text[:a] + text[c:b] + text[a:c] + text[b:]


def t_truncate(rng: random.Random, text: str) -> str:
    return text[: rng.randrange(0, len(text) + 1)]


def t_control(rng: random.Random, text: str) -> str:
    """NULs and other controls sprinkled into the text."""
    for _ in range(rng.randint(1, 30)):
        at = rng.randrange(0, len(text) + 1)
        text = text[:at] + rng.choice(_NOISE_CHARS[:10]) * rng.randint(1, 5) + text[at:]
    return text


def t_separators(rng: random.Random, text: str) -> str:
    """Table rows lose or gain cell separators: cells glue together or split."""
    lines = text.split("\n")
    for i in rng.sample(range(len(lines)), min(len(lines), rng.randint(1, 20))):
        line = lines[i]
        if rng.random() < 0.5:
            lines[i] = line.replace(" | ", rng.choice(["", " ", "|", " | | "])).replace("\t", rng.choice(["", "\t\t", " "]))
        else:
            lines[i] = rng.choice([" | ", "\t"]).join(line.split(" ")) if " " in line else line + " | " + extreme_number(rng)
    return "\n".join(lines)


TEXT_MUTATIONS = {
    "numbers": t_numbers, "delete": t_delete, "insert": t_insert, "duplicate": t_duplicate, "swap": t_swap,
    "truncate": t_truncate, "control": t_control, "separators": t_separators,
}
_TEXT_WEIGHTS = {"numbers": 5, "delete": 2, "insert": 2, "duplicate": 2, "swap": 1, "truncate": 1, "control": 1,
                 "separators": 2}


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --- HTML -----------------------------------------------------------------------------

_TAG_RE = re.compile(r"<[^<>]{0,200}>")
_SPAN_VALUES = ("0", "1", "2", "3", "-1", "999999", "x", "2.5", "")


def to_html(rng: random.Random, text: str, charset: str | None) -> str:
    """A report page: prose lines as paragraphs, " | " and tab rows as table rows
    (some cells with odd colspan/rowspan), optionally a charset declaration."""
    body: list[str] = []
    in_table = False
    for line in text.split("\n"):
        cells = line.split(" | ") if " | " in line else line.split("\t") if "\t" in line else None
        if cells is not None:
            if not in_table:
                body.append("<table border='1'>")
                in_table = True
            body.append("<tr>" + "".join(_html_cell(rng, c) for c in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        body.append(f"<p>{_escape(line)}</p>")
    if in_table:
        body.append("</table>")
    meta = f"<meta http-equiv='Content-Type' content='text/html; charset={charset}'>" if charset else ""
    return f"<!DOCTYPE html><html><head>{meta}<title>政府信息公开</title></head><body><div id='zoom'>{''.join(body)}</div></body></html>"


def _html_cell(rng: random.Random, cell: str) -> str:
    attr = ""
    if rng.random() < 0.1:
        attr = f" {rng.choice(['colspan', 'rowspan'])}='{rng.choice(_SPAN_VALUES)}'"
    return f"<td{attr}>{_escape(cell)}</td>"


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def h_delete_tags(rng: random.Random, html: str) -> str:
    tags = list(_TAG_RE.finditer(html))
    for m in sorted(rng.sample(tags, min(len(tags), rng.randint(1, 40))), key=lambda m: m.start(), reverse=True):
        html = html[: m.start()] + html[m.end():]
    return html


def h_duplicate_tags(rng: random.Random, html: str) -> str:
    tags = list(_TAG_RE.finditer(html))
    for m in sorted(rng.sample(tags, min(len(tags), rng.randint(1, 40))), key=lambda m: m.start(), reverse=True):
        html = html[: m.end()] + m.group(0) * rng.randint(1, 5) + html[m.end():]
    return html


def h_nest(rng: random.Random, html: str) -> str:
    """Wrap a stretch in hundreds to thousands of nested tags (recursion in parsers)."""
    a, b = _span(rng, len(html))
    tag = rng.choice(["div", "span", "table", "td", "font", "p"])
    depth = rng.choice([50, 500, 3000])
    return html[:a] + f"<{tag}>" * depth + html[a:b] + f"</{tag}>" * rng.choice([0, depth]) + html[b:]


HTML_MUTATIONS = {"del_tags": h_delete_tags, "dup_tags": h_duplicate_tags, "nest": h_nest}

# Encodings found on the web, weighted; the decoder promises UTF-8/GB18030/UTF-16, not Big5 or UTF-32.
ENCODINGS = {"utf-8": 10, "gb18030": 4, "utf-16": 2, "utf-16-le": 1, "utf-16-be": 1, "big5": 2, "utf-8-sig": 1,
             "utf-32": 1}
_DECLARED = {"utf-8": "utf-8", "gb18030": "gbk", "utf-16": "utf-16", "utf-16-le": "utf-16", "utf-16-be": "utf-16",
             "big5": "big5", "utf-8-sig": "utf-8", "utf-32": "utf-32"}


# --- byte mutations ---------------------------------------------------------------------

_MAGICS = (b"%PDF-1.4\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>")


def b_flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 50)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def b_truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(0, len(data) + 1)]


def b_delete(rng: random.Random, data: bytes) -> bytes:
    a, b = _span(rng, len(data), 20000)
    return data[:a] + data[b:]


def b_insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(0, len(data) + 1)
    chunk = rng.choice([os.urandom(rng.randrange(1, 4000)), b"\x00" * rng.randrange(1, 4000), rng.choice(_MAGICS)])
    return data[:at] + chunk + data[at:]


def b_duplicate(rng: random.Random, data: bytes) -> bytes:
    a, b = _span(rng, len(data), 20000)
    return data[:b] + data[a:b] * rng.randint(1, 10) + data[b:]


def b_swap(rng: random.Random, data: bytes) -> bytes:
    a, b = sorted((rng.randrange(0, len(data) + 1), rng.randrange(0, len(data) + 1)))
    c = rng.randrange(a, b + 1)
    return data[:a] + data[c:b] + data[a:c] + data[b:]


BYTE_MUTATIONS = {"flip": b_flip, "cut": b_truncate, "bdel": b_delete, "bins": b_insert, "bdup": b_duplicate,
                  "bswap": b_swap}
_BYTE_WEIGHTS = {"flip": 5, "cut": 2, "bdel": 2, "bins": 2, "bdup": 1, "bswap": 1}


def mutate_bytes(rng: random.Random, data: bytes, rounds: int) -> tuple[bytes, list[str]]:
    steps = []
    for _ in range(rounds):
        name = pick(rng, _BYTE_WEIGHTS)
        data = BYTE_MUTATIONS[name](rng, data)
        steps.append(name)
    return data, steps


# --- one mutated file per source kind ----------------------------------------------------


@dataclass
class Mutant:
    name: str
    source: str
    steps: list[str]
    data: bytes


def mutate_text_source(rng: random.Random, source: Source) -> tuple[bytes, list[str], str]:
    """Text edits, maybe an HTML rendering with tag damage, an encoding (declared
    rightly, wrongly or not at all), maybe byte damage. Returns (bytes, steps, extension)."""
    text = source.data.decode("utf-8", errors="replace")
    steps = []
    for _ in range(rng.randint(1, 3)):
        name = pick(rng, _TEXT_WEIGHTS)
        text = TEXT_MUTATIONS[name](rng, text)
        steps.append(name)
    encoding = pick(rng, ENCODINGS)
    ext = ".txt"
    if rng.random() < 0.4:
        declared = rng.choice([_DECLARED[encoding], _DECLARED[encoding], "gbk", "utf-8", "big5", "iso-8859-1", None])
        text = to_html(rng, text, declared)
        steps.append(f"html[{declared}]")
        for _ in range(rng.randint(0, 2)):
            name = rng.choice(list(HTML_MUTATIONS))
            text = HTML_MUTATIONS[name](rng, text)
            steps.append(name)
        ext = rng.choice([".html", ".htm", ".shtml"])
    data = text.encode(encoding, errors="replace")
    steps.append(encoding)
    if rng.random() < 0.2:
        data, more = mutate_bytes(rng, data, rng.randint(1, 2))
        steps += more
    return data, steps, ext


def mutate_docx(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    """Damage inside the package (numbers in table cells, broken or nested XML,
    corrupted or missing members), re-zipped; sometimes the zip bytes too."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    op = rng.choice(["cells", "cells", "xml_tags", "xml_text", "member_bytes", "drop_member"])
    doc = members.get("word/document.xml", b"").decode("utf-8", errors="replace")
    if op == "cells":
        doc = _fill_cells(rng, doc)
    elif op == "xml_tags":
        doc = rng.choice([h_delete_tags, h_duplicate_tags, h_nest])(rng, doc)
    elif op == "xml_text":
        doc = TEXT_MUTATIONS[rng.choice(["control", "insert", "duplicate", "truncate"])](rng, doc)
    elif op == "member_bytes":
        name = rng.choice(sorted(members))
        members[name] = b_flip(rng, members[name])
        op = f"member_bytes[{name}]"
    else:
        name = rng.choice(sorted(members))
        del members[name]
        op = f"drop[{name}]"
    if op in ("cells", "xml_tags", "xml_text"):
        members["word/document.xml"] = doc.encode("utf-8")
    buf = io.BytesIO()
    compression = rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
    with zipfile.ZipFile(buf, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    steps = [op]
    out = buf.getvalue()
    if rng.random() < 0.2:
        out, more = mutate_bytes(rng, out, 1)
        steps += more
    return out, steps


def _fill_cells(rng: random.Random, doc: str) -> str:
    """Put extreme numbers into empty paragraphs: the blank template becomes a
    report whose cells are huge, negative or full-width."""
    ends = [m.start() for m in re.finditer(r"</w:p>", doc)]
    for at in sorted(rng.sample(ends, min(len(ends), rng.randint(5, 120))), reverse=True):
        doc = doc[:at] + f"<w:r><w:t>{extreme_number(rng)}</w:t></w:r>" + doc[at:]
    return doc


def make_mutant(rng: random.Random, source: Source, index: int) -> Mutant:
    if source.kind == "pdf":
        data, steps = mutate_bytes(rng, source.data, rng.randint(1, 3))
        ext = ".pdf"
    elif source.kind == "docx":
        data, steps = mutate_docx(rng, source.data)
        ext = ".docx"
    else:
        data, steps, ext = mutate_text_source(rng, source)
    if rng.random() < 0.1:  # crawlers save pages under the wrong extension
        ext = rng.choice([".txt", ".html", ".pdf", ".docx", ".HTM"])
        steps.append(f"as{ext.lower()}")
    return Mutant(file_name(rng, index, source, steps, ext), source.path.name, steps, data)


def file_name(rng: random.Random, index: int, source: Source, steps: list[str], ext: str) -> str:
    """Unique, never hidden (a leading dot is skipped by the loader); now and
    then with spaces, quotes and CJK as real downloads have."""
    stem = re.sub(r"[^A-Za-z0-9]+", "", source.path.stem)[:20]
    tag = re.sub(r"[^A-Za-z0-9+\-]+", "", "+".join(steps))[:60]
    if rng.random() < 0.05:
        return f"{index:03d} 报告 '{stem}' {tag}{ext}"
    return f"{index:03d}_{stem}_{tag}{ext}"


# --- one round ------------------------------------------------------------------------


@dataclass
class Load:
    exit_code: int | None  # None: killed at the round timeout
    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def run_load(inbox: Path, db: Path, timeout: float, workers: int | None) -> Load:
    """`ogi load` in its own process group; wait4 gives that process tree's peak RSS."""
    cmd = [str(OGI), "load", str(inbox), "--db", str(db), "--quiet", "--max-listed", "0"]
    if workers:
        cmd += ["--workers", str(workers)]
    out_path, err_path = inbox.parent / "stdout.txt", inbox.parent / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=REPO, start_new_session=True)
        status, usage = _wait(proc, start + timeout)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status) if status is not None else -9
    return Load(
        exit_code=None if status is None else proc.returncode,
        seconds=seconds,
        peak_rss_mb=usage.ru_maxrss / 1024 if usage else 0.0,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
    )


def _wait(proc: subprocess.Popen, deadline: float):  # noqa: ANN202 - (status | None, rusage)
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return status, usage
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            _, _, usage = os.wait4(proc.pid, 0)
            return None, usage
        time.sleep(0.1)


@dataclass
class Outcome:
    """Where one file ended up: a report (status) or load errors (codes)."""

    status: str | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (code, message)

    @property
    def accounted(self) -> bool:
        return self.status is not None or bool(self.errors)


def account(db: Path, paths: list[str]) -> dict[str, Outcome]:
    """Each path's report status and load-error codes, read from the warehouse.

    Stage errors carry the doc_id and the path the bytes were *first* seen
    under, so a file is matched through raw.document_paths (every path of a
    content) and its doc_id; read errors have no doc_id and match by path.
    """
    import duckdb

    outcomes = {p: Outcome() for p in paths}
    with duckdb.connect(str(db), read_only=True) as con:
        doc_of = dict(con.execute(
            "SELECT source_path, doc_id FROM raw.document_paths WHERE list_contains(?, source_path)", [paths]
        ).fetchall())
        ids = sorted(set(doc_of.values()))
        status = dict(con.execute("SELECT doc_id, status FROM core.reports WHERE list_contains(?, doc_id)", [ids]).fetchall())
        by_doc: dict[str, list[tuple[str, str]]] = {}
        for doc_id, code, message in con.execute(
            "SELECT doc_id, error, message FROM core.load_errors WHERE list_contains(?, doc_id)", [ids]
        ).fetchall():
            by_doc.setdefault(doc_id, []).append((code, message))
        for path, code, message in con.execute(
            "SELECT source_path, error, message FROM core.load_errors WHERE doc_id IS NULL AND list_contains(?, source_path)",
            [paths],
        ).fetchall():
            outcomes[path].errors.append((code, message))
    for path, doc_id in doc_of.items():
        outcomes[path].status = status.get(doc_id)
        outcomes[path].errors += by_doc.get(doc_id, [])
    return outcomes


@dataclass
class Round:
    index: int
    mutants: list[Mutant]
    load: Load
    outcomes: dict[str, Outcome]  # by file name

    @property
    def problems(self) -> list[str]:
        """Why this round is a crash; empty when it is not."""
        found = []
        if self.load.exit_code is None:
            found.append("timeout")
        elif self.load.exit_code != 0:
            found.append(f"exit {self.load.exit_code}")
        output = self.load.stdout + self.load.stderr
        found += [f"'{m}' in output" for m in FAILURE_MARKERS if m in output]
        if self.unaccounted:
            found.append(f"{len(self.unaccounted)} unaccounted")
        found += [f"{code} in {name}" for name, code, _ in self.coded(CRASH_CODES)]
        return found

    @property
    def unaccounted(self) -> list[str]:
        return [name for name, o in self.outcomes.items() if not o.accounted]

    def coded(self, codes: frozenset[str]) -> list[tuple[str, str, str]]:
        return [(name, c, msg) for name, o in self.outcomes.items() for c, msg in o.errors if c in codes]

    def line(self) -> str:
        statuses = Counter(o.status or ("error" if o.errors else "missing") for o in self.outcomes.values())
        parts = " ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        verdict = "CRASH: " + "; ".join(self.problems) if self.problems else "ok"
        limits = f"  limit hits {len(self.coded(LIMIT_CODES))}" if self.coded(LIMIT_CODES) else ""
        return (f"round {self.index:3d}  {len(self.mutants)} files  {self.load.seconds:6.1f} s  "
                f"rss {self.load.peak_rss_mb:6.0f} MB  {parts}{limits}  {verdict}")


def write_round(rng: random.Random, sources: list[Source], inbox: Path, count: int) -> list[Mutant]:
    inbox.mkdir(parents=True)
    mutants = []
    for i in range(count):
        mutant = make_mutant(rng, rng.choice(sources), i)
        (inbox / mutant.name).write_bytes(mutant.data)
        mutants.append(mutant)
    return mutants


def play_round(index: int, rng: random.Random, sources: list[Source], work: Path, db: Path,
               args: argparse.Namespace) -> Round:
    folder = work / "rounds" / f"r{index:04d}"
    inbox = (folder / "inbox").resolve()
    mutants = write_round(rng, sources, inbox, args.files)
    load = run_load(inbox, db, args.round_timeout, args.workers)
    paths = [str(inbox / m.name) for m in mutants]
    try:
        by_path = account(db, paths)
    except Exception as exc:  # the warehouse itself is unreadable: every file is unaccounted
        load.stderr += f"\n[fuzz_load] cannot read the warehouse: {exc!r}"
        by_path = {p: Outcome() for p in paths}
    result = Round(index, mutants, load, {Path(p).name: o for p, o in by_path.items()})
    keep(result, folder, work, db)
    return result


# --- saving findings ------------------------------------------------------------------


def keep(result: Round, folder: Path, work: Path, db: Path) -> None:
    """Crashing rounds are kept whole; files that hit a limit are kept alone;
    the rest is deleted (the warehouse still holds every byte)."""
    if result.problems:
        dest = work / "crashes" / folder.name
        shutil.copytree(folder, dest)
        retire_warehouse(db, dest / "warehouse")
        _write_findings(result, dest, suspects=triage(dest / "inbox", result))
    limits = result.coded(LIMIT_CODES)
    if limits:
        dest = work / "limits" / folder.name
        dest.mkdir(parents=True, exist_ok=True)
        for name, _, _ in limits:
            shutil.copy2(folder / "inbox" / name, dest / name)
        _write_findings(result, dest, suspects={})
    shutil.rmtree(folder)


def retire_warehouse(db: Path, dest: Path) -> None:
    """Move the warehouse (and its WAL and published snapshot) into the crash
    folder; the next round starts a fresh one. A document that fails a step
    stays pending and fails every later load, so without this one crash would
    hide whatever the later rounds find. The moved files are the state that
    reproduces the crash."""
    dest.mkdir(parents=True)
    for path in db.parent.glob(f"{db.stem}*"):
        shutil.move(str(path), dest / path.name)


def _write_findings(result: Round, dest: Path, suspects: dict[str, str]) -> None:
    manifest = {
        "round": result.index,
        "problems": result.problems,
        "exit_code": result.load.exit_code,
        "seconds": round(result.load.seconds, 1),
        "peak_rss_mb": round(result.load.peak_rss_mb),
        "suspects": suspects,
        "exceptions_in_output": exception_lines(result.load.stdout + result.load.stderr),
        "files": [
            {"name": m.name, "source": m.source, "steps": m.steps, "bytes": len(m.data),
             "status": result.outcomes[m.name].status, "errors": result.outcomes[m.name].errors}
            for m in result.mutants
        ],
    }
    (dest / "findings.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    (dest / "REPRODUCE.txt").write_text(
        "The round again, on a copy of the warehouse as the crash left it (earlier rounds included):\n"
        f"  cp -r {dest / 'warehouse'} /tmp/repro && cd {REPO} && "
        f".venv/bin/ogi load {dest / 'inbox'} --db /tmp/repro/warehouse.duckdb --quiet\n"
        "The round on a fresh warehouse:\n"
        f"  cd {REPO} && .venv/bin/ogi load {dest / 'inbox'} --db /tmp/repro-fresh.duckdb --quiet\n"
        "One file through the transforms in-process, with its traceback:\n"
        f"  cd {REPO} && .venv/bin/python -m benchmarks.fuzz_load --replay {dest / 'inbox'}/FILE\n",
        encoding="utf-8",
    )


_EXCEPTION_LINE_RE = re.compile(r"^[\w.]*(?:Error|Exception|Exit)\b[^\n]*", re.M)


def exception_lines(output: str, limit: int = 10) -> list[str]:
    """The distinct "SomeError: message" lines of the load's output: what
    broke, when the culprit is in a warehouse step that triage cannot replay."""
    seen: list[str] = []
    for line in _EXCEPTION_LINE_RE.findall(output):
        if line not in seen:
            seen.append(line[:500])
    return seen[:limit]


def triage(inbox: Path, result: Round) -> dict[str, str]:
    """Files whose transforms raise something other than TransformError, run
    in-process: names the culprit of a crash that happened inside the
    transforms (not of one in the warehouse steps)."""
    suspects = {}
    for mutant in result.mutants:
        error = run_transforms(inbox / mutant.name)
        if error:
            suspects[mutant.name] = error.strip().splitlines()[-1]
    return suspects


def run_transforms(path: Path) -> str | None:
    """extract → metadata → sections → facts, as a load runs them; the
    traceback of an unexpected exception, else None."""
    from transforms import pipeline
    from transforms.model import TransformError

    # pdfminer logs a warning per damaged operator: thousands of lines that
    # would bury the round lines (the load's workers keep them in its output).
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        text = pipeline.extract_document(path.read_bytes(), path.name).text
        meta = pipeline.derive_metadata(text, str(path))
        sections = pipeline.derive_sections(text)
        pipeline.derive_facts(text, sections, meta.doc_kind)
    except TransformError:
        return None
    except Exception:  # noqa: BLE001 - this is what we are looking for
        return traceback.format_exc()
    return None


def replay(paths: list[str]) -> int:
    """--replay: each file through the transforms, printing the outcome or the traceback."""
    failed = 0
    for name in paths:
        error = run_transforms(Path(name))
        print(f"{name}: {'CRASH' if error else 'ok (a result or a TransformError)'}")
        if error:
            print(error)
            failed += 1
    return 1 if failed else 0


# --- the run --------------------------------------------------------------------------------


@dataclass
class Totals:
    rounds: list[Round] = field(default_factory=list)

    def add(self, result: Round) -> None:
        self.rounds.append(result)

    def summary(self, seed: int, minutes: float, work: Path) -> str:
        rounds = self.rounds
        files = sum(len(r.mutants) for r in rounds)
        crashes = [r for r in rounds if r.problems]
        codes = Counter(c for r in rounds for o in r.outcomes.values() for c, _ in o.errors)
        statuses = Counter(o.status for r in rounds for o in r.outcomes.values() if o.status)
        slowest = max(rounds, key=lambda r: r.load.seconds, default=None)
        lines = [
            f"fuzz_load summary: seed {seed}, {minutes:.1f} min, workdir {work}",
            f"rounds {len(rounds)}   files {files}   crashes {len(crashes)}   "
            f"unaccounted files {sum(len(r.unaccounted) for r in rounds)}   "
            f"limit hits {sum(len(r.coded(LIMIT_CODES)) for r in rounds)}",
        ]
        if slowest:
            lines.append(f"slowest round #{slowest.index}: {slowest.load.seconds:.1f} s "
                         f"({len(slowest.mutants)} files)   peak RSS {max(r.load.peak_rss_mb for r in rounds):.0f} MB")
        lines.append("reports: " + (" · ".join(f"{k} {v}" for k, v in statuses.most_common()) or "none"))
        lines.append("error codes: " + (" · ".join(f"{k} {v}" for k, v in codes.most_common()) or "none"))
        for r in crashes:
            lines.append(f"crash in round {r.index}: {'; '.join(r.problems)} → {work / 'crashes' / f'r{r.index:04d}'}")
        return "\n".join(lines)


def last_round(work: Path) -> int:
    """Highest round number already in the workdir: a second run into the same
    workdir (and warehouse) goes on numbering instead of overwriting crashes."""
    numbers = [int(p.name[1:]) for sub in ("rounds", "crashes", "limits") for p in (work / sub).glob("r[0-9]*")]
    return max(numbers, default=0)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.fuzz_load", description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=10.0, help="stop starting rounds after this long")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock, printed)")
    p.add_argument("--workdir", type=Path, default=None, help="where rounds, the warehouse and crashes go")
    p.add_argument("--files", type=int, default=60, help="mutated files per round")
    p.add_argument("--round-timeout", type=float, default=900.0, help="seconds before a load counts as hung")
    p.add_argument("--workers", type=int, default=None, help="passed to ogi load --workers")
    p.add_argument("--replay", nargs="+", metavar="FILE", help="run these files through the transforms in-process")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.replay:
        return replay(args.replay)
    seed = args.seed if args.seed is not None else int(time.time()) % 100_000
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="ogi-fuzz-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    db = work / "warehouse.duckdb"
    sources = real_sources()
    if not sources:
        print(f"fuzz_load: no report files under {', '.join(map(str, SOURCE_DIRS))}", file=sys.stderr)
        return 2
    print(f"fuzz_load: seed {seed}, {len(sources)} real files, {args.files} mutants per round, "
          f"warehouse {db}", flush=True)
    totals = Totals()
    started = time.monotonic()
    deadline = started + args.minutes * 60
    index = last_round(work)
    while not totals.rounds or time.monotonic() + totals.rounds[-1].load.seconds <= deadline:
        index += 1
        result = play_round(index, random.Random(f"{seed}-{index}"), sources, work, db, args)
        totals.add(result)
        print(result.line(), flush=True)
    print(totals.summary(seed, (time.monotonic() - started) / 60, work))
    return 1 if any(r.problems for r in totals.rounds) else 0


if __name__ == "__main__":
    sys.exit(main())
