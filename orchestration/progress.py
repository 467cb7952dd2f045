"""Progress bars for long CLI loads: one tqdm bar per stage, with documents/s and the time left.

Shown only when both stdout and stderr are terminals (an interactive
`ogi load`); redirected to a file, piped, under cron or CI, nothing is
written, so logs stay clean. The bars go to stderr, so `ogi load … | tee`
keeps only the summary. A stage over in less than `delay` seconds never
shows a bar at all: a small load prints just its summary.

`$OGI_PROGRESS` overrides the choice: `bars`, `lines` (one line on stderr
when a stage finishes: `  cleaned_text 2005/2005`, for a log that should
show where a load is) or `none`; the default `auto` is bars on a terminal,
nothing elsewhere.
"""

from __future__ import annotations

import sys

from tqdm import tqdm

_LABELS = {
    "raw_documents": "reading files",
    "parse_reports": "parsing",
    "cleaned_text": "cleaning text",
    "report_metadata": "metadata",
    "report_sections": "sections",
    "facts": "tables & prose",
    "check_results": "checking",
}


_WITH_TOTAL = "{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, {rate_fmt}]"
_COUNT_ONLY = "{desc} {n_fmt} [{elapsed}, {rate_fmt}]"


def interactive() -> bool:
    return sys.stdout.isatty() and sys.stderr.isatty()


def for_this_process(mode: str = "auto"):
    """The progress sink `mode` (`$OGI_PROGRESS`, orchestration.settings) and the terminal call for."""
    mode = (mode or "auto").strip().lower()
    if mode == "lines":
        return StageLines()
    if mode == "bars" or (mode == "auto" and interactive()):
        return StageBars()
    return Quiet()


class Quiet:
    def update(self, stage: str, done: int, total: int) -> None:
        pass


class StageLines:
    """One line per finished stage on stderr (`OGI_PROGRESS=lines`)."""

    def __init__(self, file=None) -> None:
        self.file = file

    def update(self, stage: str, done: int, total: int) -> None:
        if total and done >= total:
            out = self.file or sys.stderr
            out.write(f"  {stage:<16} {done}/{total}\n")
            out.flush()


class StageBars:
    """`update(stage, done, total)` as the stages report it (total 0: not known yet)."""

    def __init__(self, delay: float = 1.0, file=None) -> None:
        self.delay = delay
        self.file = file
        self._bars: dict[str, tqdm] = {}

    def update(self, stage: str, done: int, total: int) -> None:
        bar = self._bars.get(stage)
        finished = bool(total) and done >= total
        if bar is None:
            if not done and (finished or not total):
                return  # nothing to do, or nothing known yet
            bar = tqdm(
                total=total or None,
                desc=f"  {_LABELS.get(stage, stage):<15}",
                unit=" doc",
                unit_scale=False,
                dynamic_ncols=True,  # fits the terminal, and follows it when resized
                mininterval=0.5,
                smoothing=0.1,
                delay=self.delay,
                leave=True,
                file=self.file or sys.stderr,
                bar_format=_WITH_TOTAL if total else _COUNT_ONLY,
            )
            self._bars[stage] = bar
        if total and bar.total != total:
            bar.total = total
            bar.bar_format = _WITH_TOTAL
        if done > bar.n:
            bar.update(done - bar.n)
        if finished:
            bar.close()
            del self._bars[stage]

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()
