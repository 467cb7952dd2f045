"""Progress of long loads: tqdm bars with documents/s and the time left, on a terminal only."""

from __future__ import annotations

import io

from orchestration.progress import Quiet, StageBars, StageLines, for_this_process
from orchestration.settings import Settings
from orchestration.resources import WarehouseResource


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_per_stage_with_rate_and_time_left() -> None:
    out = _Terminal()
    bars = StageBars(delay=0, file=out)
    bars.update("cleaned_text", 0, 400)
    for done in range(100, 401, 100):
        bars.update("cleaned_text", done, 400)
    bars.update("raw_documents", 200, 0)  # total not known yet: a count and a rate
    bars.update("raw_documents", 250, 250)
    text = out.getvalue()
    assert "cleaning text" in text and "400/400" in text and "100%" in text
    assert "doc/s" in text and "<00:00" in text  # rate, and the time left (ETA)
    assert "reading files" in text and "250/250" in text
    assert bars._bars == {}, "finished stages close their bar"


def test_an_empty_stage_shows_nothing() -> None:
    out = _Terminal()
    bars = StageBars(delay=0, file=out)
    bars.update("report_sections", 0, 0)
    assert out.getvalue() == ""


def test_quiet_when_stdout_is_not_a_terminal(capsys) -> None:
    """Under pytest (as in a pipe, a log, cron or CI) neither stream is a terminal: nothing is written."""
    resource = WarehouseResource(db_path="unused.duckdb", show_progress=True)
    resource.progress("cleaned_text", 0, 10)
    resource.progress("cleaned_text", 10, 10)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_ogi_progress_chooses_lines_bars_or_nothing(monkeypatch) -> None:
    def chosen():  # what a command gets: $OGI_PROGRESS read when it runs
        return for_this_process(Settings.from_env().progress)

    monkeypatch.setenv("OGI_PROGRESS", "lines")
    assert isinstance(chosen(), StageLines)
    monkeypatch.setenv("OGI_PROGRESS", "none")
    assert isinstance(chosen(), Quiet)
    monkeypatch.setenv("OGI_PROGRESS", "bars")
    assert isinstance(chosen(), StageBars)
    monkeypatch.delenv("OGI_PROGRESS")
    assert isinstance(chosen(), Quiet), "auto: not a terminal under pytest"
    out = io.StringIO()
    lines = StageLines(file=out)
    lines.update("cleaned_text", 0, 5)
    lines.update("cleaned_text", 5, 5)
    assert out.getvalue() == "  cleaned_text     5/5\n"
