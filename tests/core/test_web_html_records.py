"""Records the July-2024 web client wrote (HTML) read back right: the command, its WPM, the
response and the time, not `[` and fragments of the clock.

The samples are built exactly as HandTerm.tsx (bizkite-co/handterm 2d06fa0) built them:
``createCommandRecord`` + ``<div class="response">`` inside a ``data-status`` div, then the
``WpmsToHTML`` "slow-chars" table, stored under ``command_<ISO time>``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handterm_tui.core.remote_shapes import record_from_remote


def web_record(
    command: str, response: str, status: int, wpm: str, slow: list[tuple[str, float]]
) -> str:
    time_html = (
        '<span class="log-hour">18</span><span class="log-minute">20</span>'
        '<span class="log-second">07</span>'
    )
    log_line = (
        f'<div class="log-line"><span class="log-time">[{time_html}]</span>'
        f'<span class="wpm-label">WPM:</span><span class="wpm">{wpm}</span>{command}</div>'
    )
    rows = "".join(
        f'<tr id="slow-chars" class="wpm-table-row"><td>{char}</td>'
        f'<td class="number">{value:.2f}</td></tr>'
        for char, value in slow
    )
    table = (
        '<table class="wpm-table"><tbody><tr><th colspan="2">slow-chars</th></tr>'
        f"{rows}</tbody></table>"
    )
    return (
        f'<div data-status="{status}">{log_line}<div class="response">{response}</div>{table}</div>'
    )


KEY = "command_2024-07-10T18:20:07.123Z"


def test_a_web_command_record_reads_as_command_wpm_response_time() -> None:
    html = web_record(
        "target", "Target WPM set to 30", 404, "42", [("\\r", 23.45), ("3", 31.5), ("t", 40.0)]
    )
    record = record_from_remote(KEY, html)
    assert record.line == "target" and record.name == "target"
    assert record.web_wpm == 42.0
    assert record.response == "Target WPM set to 30"  # the table is not part of it
    assert record.status == 404  # the web left `target` at 404
    assert record.created_at == datetime(2024, 7, 10, 18, 20, 7, 123000, tzinfo=UTC)
    assert record.extra["web_local_time"] == "18:20:07"
    assert record.remote_key == KEY


def test_line_breaks_and_entities_in_the_response_survive() -> None:
    html = web_record("show", "12: waltz<br/>30: pack &amp; sphinx<br>", 200, "55", [("s", 20.0)])
    record = record_from_remote(KEY, html)
    assert record.line == "show"
    assert record.response == "12: waltz\n30: pack & sphinx"


@pytest.mark.parametrize("wpm", ["NaN", ""])
def test_no_timed_keystroke_means_no_wpm_not_nan(wpm: str) -> None:
    record = record_from_remote(KEY, web_record("help", "", 200, wpm, []))
    assert record.line == "help" and record.web_wpm is None and record.response == ""


def test_the_game_record() -> None:
    record = record_from_remote(KEY, web_record("game", "31.234:waltz", 200, "31", [("z", 9.5)]))
    assert record.line == "game" and record.response == "31.234:waltz" and record.web_wpm == 31


def test_other_html_still_reads_as_text() -> None:
    record = record_from_remote("command_x", "<p>hello</p><p>world</p>")
    assert record.line == "hello" and record.response == "world"
