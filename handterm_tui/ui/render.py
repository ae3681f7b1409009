"""How a record looks in the scrollback: ``[HH MM SS] WPM: n command``, the response,
and a 3-row slow-characters table — the web's log line, in Rich."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from handterm_tui.core.records import Record
from handterm_tui.core.stats import display_char, format_wpm, slowest


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
        text.append(f"  ✗ {record.status}", style="bold red")
    return text


def slow_table(record: Record) -> Table | None:
    rows = slowest(record.keystrokes)
    if not rows:
        return None
    table = Table(
        title=None,
        show_header=True,
        header_style="dim",
        box=None,
        padding=(0, 1),
        show_edge=False,
    )
    table.add_column("slow-chars", style="bold")
    table.add_column("ms", justify="right", style="light_green")
    table.add_column("wpm", justify="right", style="light_green")
    for row in rows:
        table.add_row(display_char(row.char), f"{row.mean_ms:.0f}", f"{row.wpm:.0f}")
    return table


def record_renderable(record: Record, width: int = 80) -> RenderableType:
    parts: list[RenderableType] = [header(record)]
    response = Text(record.response, style="" if record.ok else "red")
    table = slow_table(record)
    if table is None:
        if record.response:
            parts.append(response)
        return Group(*parts)
    longest = max((len(line) for line in record.response.splitlines()), default=0)
    if longest + 28 <= width:
        grid = Table.grid(expand=True, padding=(0, 2))
        grid.add_column(ratio=1)
        grid.add_column(width=24)
        grid.add_row(response, table)
        parts.append(grid)
    else:
        if record.response:
            parts.append(response)
        parts.append(table)
    return Group(*parts)
