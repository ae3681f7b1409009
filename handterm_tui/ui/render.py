"""How a record looks in the scrollback: ``[HH MM SS] WPM: n command``, the response,
and a 3-row slow-characters table — the web's log line.

Everything is one Rich ``Text``: nested Rich tables cost ~8 ms a record to lay out, which
made restoring the scrollback at start-up slow.
"""

from __future__ import annotations

import re
import textwrap

from rich.text import Text

from handterm_tui.core.records import Record
from handterm_tui.core.stats import display_char, format_wpm, slowest
from handterm_tui.ui import palette

TABLE_WIDTH = 24  # "slow-chars     ms   wpm"
GAP = 2


def header(record: Record) -> Text:
    local = record.created_at.astimezone()
    text = Text()
    text.append("[", style="grey50")
    text.append(f"{local:%H}", style="cyan")
    text.append(" ")
    text.append(f"{local:%M}", style="bold #cccc00")
    text.append(" ")
    text.append(f"{local:%S}", style="green")
    text.append("] ", style="grey50")
    text.append("WPM: ", style="cyan")
    text.append(format_wpm(record.gross_wpm), style="bold yellow")
    text.append("  ")
    text.append(record.line, style="bold")
    if not record.ok:
        # A word as well as a colour, so NO_COLOR still shows it.
        text.append(f"  ✗ {record.status}", style=f"bold {palette.ERROR}")
    return text


def slow_rows(record: Record) -> list[Text]:
    """The slow-characters table as lines: a header and up to three rows."""
    rows = slowest(record.keystrokes)
    if not rows:
        return []
    lines = [Text(f"{'slow-chars':<12}{'ms':>5}{'wpm':>6}", style=palette.MUTED)]
    for row in rows:
        line = Text()
        line.append(f"{display_char(row.char):<12}", style="bold")
        line.append(f"{row.mean_ms:>5.0f}{row.wpm:>6.0f}", style="light_green")
        lines.append(line)
    return lines


_COLUMN = re.compile(r"^(\s+\S.*?\s{2,})\S")


def hang(line: str, width: int) -> str:
    """``line`` wrapped to ``width`` with a hanging indent: a listing such as help's
    ``  name  summary`` continues under its summary, not at the left edge (60 columns)."""
    if len(line) <= width or width < 20:
        return line
    column = _COLUMN.match(line)
    indent = len(column.group(1)) if column else len(line) - len(line.lstrip())
    if indent > width // 2:
        indent = len(line) - len(line.lstrip())
    lines = textwrap.wrap(
        line, width, subsequent_indent=" " * indent, drop_whitespace=True, break_on_hyphens=False
    )
    return "\n".join(lines) if lines else line


def record_renderable(record: Record, width: int = 80) -> Text:
    out = header(record)
    response_style = "" if record.ok else palette.ERROR
    response = record.response.splitlines()
    table = slow_rows(record)
    longest = max((len(line) for line in response), default=0)
    if table and longest + GAP + TABLE_WIDTH <= width:
        # Side by side: the response fits beside the table without wrapping.
        left_width = width - TABLE_WIDTH
        for i in range(max(len(response), len(table))):
            out.append("\n")
            left = response[i] if i < len(response) else ""
            out.append(left.ljust(left_width), style=response_style)
            if i < len(table):
                out.append_text(table[i])
        return out
    if record.response:
        out.append("\n")
        wrapped = "\n".join(hang(line, width) for line in record.response.split("\n"))
        out.append(wrapped, style=response_style)
    for line in table:
        out.append("\n")
        out.append_text(line)
    return out
