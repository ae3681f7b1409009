"""The log list: one line per record, drawn line by line from a :class:`Pager`.

It holds no widgets per row and no rows beyond the pager's few cached pages, so 100k
records cost what 24 visible lines cost. The cursor row is marked with ``›`` and reverse
video, so it shows without colour (NO_COLOR).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from handterm_tui.logbook.pager import Pager
from handterm_tui.store.log_index import BOTH, HERE, SERVER, Row

WHERE_LABEL = {HERE: "here", BOTH: "sync", SERVER: "srv "}


def _local_time(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return iso[:19]
    return moment.strftime("%m-%d %H:%M:%S")


@lru_cache(maxsize=2048)  # the rows of a few screens: a frame redraws ~40 of them
def row_text(row: Row) -> str:
    """``11-27 14:05  200  42 sync  wrt hello`` — time, status, WPM, where, command."""
    wpm = "  -" if row.wpm is None else f"{min(row.wpm, 999):3.0f}"
    line = row.line.replace("\n", " ")
    return f"{_local_time(row.created_at)}  {row.status:3d} {wpm} {WHERE_LABEL.get(row.where, '?')} {line}"


# The list's column titles, aligned with row_text (after the one-character cursor mark).
COLUMNS = f" {'when':<14}  {'st':>3} {'wpm':>3} {'at':<4} command"


class LogList(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LogList { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    LogList > .log-list--cursor { text-style: reverse; }
    LogList:focus > .log-list--cursor { text-style: reverse bold; }
    LogList > .log-list--server { text-style: italic; }
    """
    COMPONENT_CLASSES = {"log-list--cursor", "log-list--server"}
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to ``row`` (None: the list is empty)."""

        def __init__(self, row: Row | None) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pager: Pager | None = None
        # (plain, server, cursor, server cursor): ``rich_style`` walks the ancestors' styles
        # (~30 us), once per line it was half of a frame; kept until the styles change.
        self._line_styles: tuple[Style, Style, Style, Style] | None = None

    def notify_style_update(self) -> None:
        self._line_styles = None
        super().notify_style_update()

    def _styles(self) -> tuple[Style, Style, Style, Style]:
        if self._line_styles is None:
            plain = self.rich_style
            server = plain + self.get_component_rich_style("log-list--server", partial=True)
            cursor = self.get_component_rich_style("log-list--cursor")
            self._line_styles = (plain, server, plain + cursor, server + cursor)
        return self._line_styles

    @property
    def total(self) -> int:
        return self.pager.total if self.pager is not None else 0

    @property
    def current(self) -> Row | None:
        return self.pager.row(self.cursor) if self.pager is not None else None

    def _set_height(self, rows: int) -> None:
        """The scroll height. A layout pass repaints the whole screen (~10 ms), so it is
        asked for only when the scrollbar comes or goes; otherwise only the bar moves."""
        old = self.virtual_size.height
        if rows == old and self.virtual_size.width == self.size.width:
            return
        view = self.scrollable_content_region.height
        if view and (rows > view) == (old > view) and self.virtual_size.width == self.size.width:
            self.set_reactive(LogList.virtual_size, Size(self.size.width, rows))
            self.vertical_scrollbar.window_virtual_size = rows
            self.refresh()
        else:
            self.virtual_size = Size(self.size.width, rows)

    def show(self, pager: Pager, keep: Row | None = None) -> None:
        """Show a new result set, the cursor on the first row (or back on ``keep``)."""
        self.pager = pager
        self._set_height(pager.total)
        target = 0
        if keep is not None:
            for number in range(min(pager.total, pager.page_size)):
                found = pager.row(number)
                if found is not None and (found.source, found.id) == (keep.source, keep.id):
                    target = number
                    break
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = target
        self.refresh()

    def watch_cursor(self, cursor: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, immediate=True)
        elif cursor >= top + height:
            self.scroll_to(y=cursor - height + 1, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    def set_count(self, total: int) -> None:
        """The count arrived (it is taken after the first page when typing fast)."""
        if self.pager is None:
            return
        self.pager.set_count(total)
        self._set_height(total)

    def _set(self, number: int) -> None:
        if self.pager is not None and not self.pager.counted:
            self.pager.reach(number)  # read on; the scroll size follows what was read
            self._set_height(self.pager.total)
        if self.total:
            self.cursor = max(0, min(self.total - 1, number))

    def action_move(self, step: int) -> None:
        self._set(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self._set(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, where: int) -> None:
        if where != 0 and self.pager is not None and not self.pager.counted:
            self.set_count(self.pager.index.count())  # End needs to know where the end is
        self._set(0 if where == 0 else self.total - 1)

    def on_click(self, event: events.Click) -> None:
        self._set(int(self.scroll_y) + event.y)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self.total)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        number = int(self.scroll_y) + y
        row = self.pager.row(number) if self.pager is not None else None
        styles = self._styles()
        if row is None:
            if number == 0 and self.pager is not None:
                # A style on every segment: NO_COLOR's filter cannot take a bare one.
                return Strip([Segment(" No records match.".ljust(width), styles[0])], width)
            return Strip.blank(width, styles[0])
        selected = number == self.cursor
        mark = "›" if selected else " "
        text = (mark + row_text(row))[:width].ljust(width)
        style = styles[(row.where == SERVER) + 2 * selected]
        return Strip([Segment(text, style)], width)
