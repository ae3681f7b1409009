"""The log-history browser: local and server records, newest first, searched as you type.

The list pages from SQLite (``store.log_index``); the server's records are fetched in a thread
worker and merged by time, each line saying where its record lives (here / sync / srv).
Keys work while typing in the search box (F-keys) and, on the list, as letters too; the key
line says which. Messages go on a line of their own, never over the detail pane; export asks
where to write (default: the data folder).
"""

from __future__ import annotations

import gc
import io
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from handterm_tui.logbook.dates import parse_day
from handterm_tui.logbook.detail import header_lines, keystroke_lines, record_text, slow_lines
from handterm_tui.logbook.pager import Pager
from handterm_tui.services import OfflineServices, Services, Unavailable
from handterm_tui.store.log_index import Filter, LogIndex, Row, upload_state
from handterm_tui.store.search_window import SearchWindow
from handterm_tui.ui.frame_timer import paint_when_asked
from handterm_tui.ui.keyguard import KeyGuard
from handterm_tui.ui.widgets.fitline import FitLine
from handterm_tui.ui.widgets.logs_list import COLUMNS, LogList

if TYPE_CHECKING:
    from handterm_tui.core.owner import Owner
    from handterm_tui.store import Store

KINDS: tuple[str | None, ...] = (None, "command", "game", "note")
DATES: tuple[tuple[str, str | None], ...] = (
    ("all dates", None),
    ("today", "today"),
    ("7 days", "7d"),
    ("30 days", "30d"),
)
COUNT_AFTER_S = 0.15  # while typing, the match count waits for a pause this long
COUNT_INLINE = 20_000  # up to this many records the count is a few ms: taken at once
WINDOW_AFTER_S = 0.25  # the search window (store/search_window.py) is built this long after
REMOTE_LIMIT = 500  # newest server records fetched per refresh
WIDE = 100  # columns from which list and detail sit side by side
HELP = "Esc back · F2/k kind · F3/d dates · F4/r server · F5/c copy · F6/e export · / search"
# While the search box has focus letters type into it: the line says so, and how to leave it.
HELP_SEARCH = "Typing searches · Enter: the list, where letters are keys · F2-F6 · Esc back"
HELP_SHORT = "Esc · k kind · d dates · r server · c copy · e export · / search"
HELP_SEARCH_SHORT = "Typing searches · Enter: the list · Esc back"


class RemoteFetched(Message):
    def __init__(self, summary: str, ok: bool) -> None:
        super().__init__()
        self.summary = summary
        self.ok = ok


class SearchBox(Input):
    """The search field. It asks for the new query from its own value watcher, so the list
    changes in the same frame as the text (``Input.Changed`` arrives a frame later)."""

    def __init__(self, value: str, on_value: Callable[[str], None], **kwargs: Any) -> None:
        self._on_value = on_value  # before Input's init, which sets the value
        super().__init__(value, **kwargs)

    def _watch_value(self, value: str) -> None:
        # Input widens its scroll width with the text, and that reactive asks for a layout:
        # a reflow and repaint of the whole screen on every key. Set it quietly first, so
        # Input's own assignment changes nothing (the box is 1fr wide and 1 row high
        # whatever it holds; scrolling the text still uses the new width).
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)

    def watch_value(self, value: str) -> None:
        self._on_value(value)


class LogsScreen(KeyGuard, Screen[None]):
    DEFAULT_CSS = """
    LogsScreen { layout: vertical; }
    LogsScreen #logs-bar { height: 1; }
    LogsScreen #logs-search { width: 1fr; height: 1; border: none; padding: 0 1; }
    LogsScreen #logs-filters { width: auto; height: 1; padding: 0 1; background: $panel; }
    LogsScreen #logs-body { height: 1fr; layout: vertical; }
    LogsScreen.-wide #logs-body { layout: horizontal; }
    LogsScreen #logs-left { height: 1fr; width: 1fr; border-top: solid $panel-lighten-2; }
    LogsScreen #logs-columns { height: 1; text-style: bold; }
    LogsScreen #logs-list { height: 1fr; width: 1fr; }
    LogsScreen #logs-detail { height: 1fr; width: 1fr; border-top: solid $panel-lighten-2; padding: 0 1; }
    LogsScreen.-wide #logs-detail { border-left: solid $panel-lighten-2; }
    LogsScreen #logs-detail-text { height: auto; }
    LogsScreen #logs-help { height: 1; padding: 0 1; background: $panel; }
    LogsScreen #logs-message { height: auto; max-height: 2; padding: 0 1; }
    LogsScreen #logs-message.-warn { text-style: bold; }
    """

    BINDINGS = [
        Binding("escape", "close", "Back", priority=True),
        Binding("q", "close", "Back", show=False),
        Binding("f2,k", "kind", "Kind"),
        Binding("f3,d", "dates", "Dates"),
        Binding("f4,r", "fetch", "Server"),
        Binding("f5,c", "copy", "Copy"),
        Binding("f6,e", "export", "Export"),
        Binding("slash", "search", "Search", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
    ]

    def __init__(
        self,
        store: Store,
        services: Services | None = None,
        *,
        query: str = "",
        kind: str = "",
        since: str = "",
        until: str = "",
        export_dir: Path | None = None,
        auto_fetch: bool = True,
    ) -> None:
        super().__init__(id="logs")
        self.store = store
        self.services: Services = services or OfflineServices()
        self.query_text = query
        self.kind_index = KINDS.index(kind) if kind in KINDS else 0
        self.date_index = 0
        self.since, self.until = since or None, until or None
        self.export_dir = export_dir
        self.auto_fetch = auto_fetch
        self.index = LogIndex(store, viewer=self.services.owner())
        self.last_message = ""
        self._count_inline = True  # until the first count says the store is big
        self._count_timer: Timer | None = None
        self._count_round = 0  # a count that comes back after a newer query is dropped
        self._counting: sqlite3.Connection | None = None
        self._detail_later = False
        self._detail_timer: Timer | None = None
        self._filters_text = ""
        self._window: SearchWindow | None = None
        self._window_for: Owner | None = None  # the viewer whose window is built or building

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="logs-bar"):
            yield SearchBox(
                self.query_text,
                self._search_typed,
                placeholder="search commands and responses",
                id="logs-search",
            )
            yield Static(id="logs-filters")
        with Horizontal(id="logs-body"):
            with Vertical(id="logs-left"):
                yield Static(COLUMNS, id="logs-columns", markup=False)
                yield LogList(id="logs-list")
            with VerticalScroll(id="logs-detail"):
                yield Static(id="logs-detail-text", markup=False)
        # One line of keys, not a Footer: it is a widget per binding, and this screen must
        # paint fast. F-keys work while typing; letters once the list has focus.
        yield Static(id="logs-message", markup=False)
        yield FitLine(HELP, HELP_SHORT, id="logs-help")

    def on_mount(self) -> None:
        # What exists by now (the app, its widgets, parsed CSS) lives as long as the app:
        # frozen, a full collection scans only what is new instead of the whole heap,
        # which cost 34-47 ms pauses mid-typing (a key's frame waited for them).
        gc.freeze()
        # A key landing just after the count's or the detail pane's frame waited 15-25 ms
        # for the next frame slot (the slowest keys of search as you type).
        paint_when_asked(self)
        self.set_class(self.app.size.width >= WIDE, "-wide")
        self.reload()
        # A small store is counted as you type: the figure is there in the same frame.
        self._count_inline = self.query_one(LogList).total <= COUNT_INLINE
        # Once the first frame is up: a build beside it delayed it by ~25 ms; a person starts
        # typing later than this, and until then searches use the full index.
        viewer = self.services.owner()
        self.set_timer(WINDOW_AFTER_S, lambda: self._keep_window(viewer))
        self.query_one("#logs-search", Input).focus()
        if self.auto_fetch and self._signed_in():
            self.fetch_remote()

    def on_resize(self) -> None:
        self.set_class(self.app.size.width >= WIDE, "-wide")

    def on_unmount(self) -> None:
        if self._window is not None:
            self._window.close()

    def _keep_window(self, viewer: Owner) -> None:
        """On a big store, (re)build the search window for whoever is viewing now."""
        if not self._count_inline and self._window_for != viewer:
            self._window_for = viewer
            self._build_window(viewer)

    @work(thread=True, exclusive=True, exit_on_error=False, group="logs-window")
    def _build_window(self, viewer: Owner) -> None:
        """The newest records' own index, off the first frame (~20-40 ms): until it is
        there, searches use the full index."""
        window = SearchWindow(self.store, viewer)
        try:
            window.build()
        except Exception:  # the store went away: searching keeps the full index
            window.close()
            return
        self.app.call_from_thread(self._window_built, window)

    def _window_built(self, window: SearchWindow) -> None:
        if not self.is_mounted or window.viewer != self._window_for:
            window.close()
            return
        old, self._window = self._window, window
        if old is not None:
            old.close()

    # -- filtering ---------------------------------------------------------------------

    @property
    def filter(self) -> Filter:
        date = DATES[self.date_index][1]
        since = parse_day(date) if date else self.since
        return Filter(
            query=self.query_text or None,
            kind=KINDS[self.kind_index],
            since=since,
            until=None if date else self.until,
        )

    def reload(self, keep: Row | None = None, *, typing: bool = False) -> None:
        """Query again with the current filter: one page, and the count. While typing on a
        big store the count (tens of ms on a million records) waits for a pause in the
        typing and runs in a worker on its own connection, so each key paints at once."""
        viewer = self.services.owner()
        self._keep_window(viewer)
        self.index = LogIndex(self.store, self.filter, viewer=viewer, window=self._window)
        self._count_round += 1
        if self._count_timer is not None:
            self._count_timer.stop()
            self._count_timer = None
        inline = self._count_inline or not typing
        self._detail_later = not inline  # the detail pane's relayout waits for the pause too
        pager = Pager(self.index, count=inline)
        self.query_one(LogList).show(pager, keep)
        self._detail_later = False
        if inline:
            self._show_filters(pager.total)
        else:
            self._show_filters(None)
            if self._counting is not None:
                self._counting.interrupt()  # the old count's answer is no longer wanted
            number = self._count_round
            self._count_timer = self.set_timer(
                COUNT_AFTER_S, lambda: self._count_later(pager, number)
            )

    @work(thread=True, exclusive=True, exit_on_error=False, group="logs-count")
    def _count_later(self, pager: Pager, number: int) -> None:
        if number != self._count_round:
            return
        try:
            with self.store.db.second_reader() as conn:
                self._counting = conn
                try:
                    total = pager.index.count(conn)
                finally:
                    self._counting = None
        except Exception:  # interrupted, or the store went away: a later count will do
            return
        self.app.call_from_thread(self._counted, pager, number, total)

    def _counted(self, pager: Pager, number: int, total: int) -> None:
        listing = self.query_one(LogList)
        if number == self._count_round and listing.pager is pager:
            listing.set_count(total)
            self._show_filters(total)

    def _show_filters(self, total: int | None) -> None:
        kind = KINDS[self.kind_index] or "all kinds"
        dates = DATES[self.date_index][0]
        if self.date_index == 0 and (self.since or self.until):
            dates = f"{(self.since or '…')[:10]}..{(self.until or '…')[:10]}"
        previous = self._filters_text.split(" · ", 1)[0]
        # "…" while the count is pending, as wide as the last figure: no relayout per key.
        found = f"{'…':>{len(previous)}}" if total is None else f"{total:,}"
        text = f"{found} · {kind} · {dates}"
        self.query_one("#logs-filters", Static).update(
            text, layout=len(text) != len(self._filters_text)
        )
        self._filters_text = text

    def _search_typed(self, value: str) -> None:
        if value.strip() != self.query_text and self.is_mounted:
            self.query_text = value.strip()
            self.reload(typing=True)

    @on(Input.Submitted, "#logs-search")
    def _search_submitted(self) -> None:
        self.query_one(LogList).focus()

    def on_descendant_focus(self) -> None:
        searching = isinstance(self.focused, Input)
        help_line = self.query_one("#logs-help", FitLine)
        help_line.say(*((HELP_SEARCH, HELP_SEARCH_SHORT) if searching else (HELP, HELP_SHORT)))

    def action_kind(self) -> None:
        self.kind_index = (self.kind_index + 1) % len(KINDS)
        self.reload()

    def action_dates(self) -> None:
        self.date_index = (self.date_index + 1) % len(DATES)
        self.reload()

    def action_search(self) -> None:
        self.query_one("#logs-search", Input).focus()

    def action_move(self, step: int) -> None:
        self.query_one(LogList).action_move(step)

    def action_page(self, direction: int) -> None:
        self.query_one(LogList).action_page(direction)

    def action_close(self) -> None:
        self.dismiss(None)

    # -- detail ------------------------------------------------------------------------

    @on(LogList.Highlighted)
    def _highlighted(self, event: LogList.Highlighted) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if self._detail_later or (self._count_timer is not None and not self._count_inline):
            # Typing on a big store: the pane (a relayout of the whole screen) follows
            # once the typing pauses, not on every key.
            row = event.row
            self._detail_timer = self.set_timer(COUNT_AFTER_S, lambda: self._show_detail(row))
            return
        self._show_detail(event.row)

    def _show_detail(self, row: Row | None) -> None:
        pane = self.query_one("#logs-detail-text", Static)
        if row is None:
            pane.update("No record selected.")
            return
        record = self.index.record(row)
        if record is None:
            pane.update("This record is gone.")
            return
        text = Text()
        head = header_lines(record, row, upload_state(self.store, row))
        text.append(head[0] + "\n", style="bold")
        text.append("\n".join(head[1:]) + "\n\n")
        text.append("response\n", style="bold underline")
        text.append((record.response or "(no output)") + "\n")
        slow = slow_lines(record)
        if slow:
            text.append("\nslow characters\n", style="bold underline")
            text.append("\n".join(slow) + "\n")
        text.append("\nkeystrokes\n", style="bold underline")
        text.append("\n".join(keystroke_lines(record)))
        pane.update(text)
        self.query_one("#logs-detail", VerticalScroll).scroll_home(animate=False)

    # -- the server's records ------------------------------------------------------------

    def _signed_in(self) -> bool:
        return self.services.owner().signed_in

    def action_fetch(self) -> None:
        self.say("Fetching records from the server…")
        self.fetch_remote()

    @work(thread=True, exclusive=True, exit_on_error=False, group="logs-fetch")
    def fetch_remote(self) -> None:
        from handterm_tui.logbook.fetch import fetch_records

        try:
            account = self.services.account_api()
        except Unavailable as exc:
            self.post_message(RemoteFetched(exc.message, ok=False))
            return
        try:
            report = fetch_records(account.api, self.store, account.owner, limit=REMOTE_LIMIT)
        except Exception as exc:
            message = getattr(exc, "message", None) or str(exc)
            self.post_message(RemoteFetched(f"Server records not read: {message}", ok=False))
            return
        self.post_message(RemoteFetched(report.summary(), ok=True))

    def on_remote_fetched(self, message: RemoteFetched) -> None:
        if message.ok:
            self.reload(keep=self.query_one(LogList).current)
        self.say(message.summary, warn=not message.ok)

    # -- copy and export -----------------------------------------------------------------

    def say(self, text: str, *, warn: bool = False) -> None:
        """A line above the keys: a toast would cover the detail pane."""
        self.last_message = text
        line = self.query_one("#logs-message", Static)
        line.update(("! " if warn else "") + text)
        line.set_class(warn, "-warn")

    def action_copy(self) -> None:
        row = self.query_one(LogList).current
        record = self.index.record(row) if row is not None else None
        if row is None or record is None:
            self.say("Nothing to copy.", warn=True)
            return
        text = record_text(record, row, upload_state(self.store, row))
        self.app.copy_to_clipboard(text)  # OSC 52: the terminal's clipboard, if it allows it
        if self.app.is_web:
            # In a browser the server's clipboard and folders are not the person's: the
            # record opens in a new tab of their browser, to copy from there.
            self.app.deliver_text(
                io.StringIO(text), save_filename=f"handterm-record-{row.ref}.txt",
                open_method="browser",
            )  # fmt: skip
            self.say(f"Record {row.ref} opened in a new browser tab: copy it from there.")
            return
        self._copy_to_system(text, row)

    @work(thread=True, exit_on_error=False, group="logs-copy")
    def _copy_to_system(self, text: str, row: Row) -> None:
        """A clipboard tool (or the fallback file) off the UI thread: a slow or hung tool
        over SSH never holds a keystroke."""
        if _system_copy(text):
            said = f"Copied record {row.ref} (terminal and system clipboard)."
        else:
            saved = self._save_copy(text, row)
            where = f"; also saved to {saved}" if saved else ""
            said = (
                f"Copied record {row.ref} via the terminal (OSC 52; some terminals ignore "
                f"it){where}."
            )
        self.app.call_later(self.say, said)

    def _save_copy(self, text: str, row: Row) -> Path | None:
        from handterm_tui import paths

        try:
            target = paths.data_dir() / "clipboard.txt"
            target.write_text(text, encoding="utf-8")
        except OSError:
            return None
        return target

    def action_export(self) -> None:
        from datetime import datetime

        from handterm_tui import paths
        from handterm_tui.ui.widgets.ask_path import AskPath

        flt = self.filter
        folder = self.export_dir or paths.data_dir()
        proposed = folder / f"handterm-logs-{datetime.now():%Y%m%d-%H%M%S}.jsonl"
        if self.app.is_web:  # no folder of the server's to ask about: a browser download
            self.say("Exporting to your browser…")
            self.export(flt, proposed)
            return

        def chosen(target: Path | None) -> None:
            if target is None:
                self.say("Export cancelled: nothing written.")
                return
            self.say(f"Exporting to {target}…")
            self.export(flt, target)

        self.app.push_screen(AskPath("Export the records shown (JSON lines) to:", proposed), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="logs-export")
    def export(self, flt: Filter, target: Path) -> None:
        from handterm_tui.logbook.export import export_lines

        index = LogIndex(self.store, flt, viewer=self.services.owner())
        if self.app.is_web:
            self._export_to_browser(index, target.name)
            return
        try:
            with open(target, "w", encoding="utf-8") as handle:
                count = 0
                for line in export_lines(index, "jsonl"):
                    handle.write(line)
                    count += 1
        except OSError as exc:
            self.app.call_from_thread(self.say, f"Export failed: {exc.strerror}", warn=True)
            return
        self.app.call_from_thread(
            self.say, f"Exported {count:,} record{'s' if count != 1 else ''} to {target}"
        )

    def _export_to_browser(self, index: LogIndex, name: str) -> None:
        """On the web the file goes to the person's browser as a download, not to a folder
        of the server's."""
        from handterm_tui.logbook.export import export_lines

        buffer = io.StringIO()
        count = 0
        for line in export_lines(index, "jsonl"):
            buffer.write(line)
            count += 1
        buffer.seek(0)
        self.app.call_from_thread(
            self.app.deliver_text, buffer, save_filename=name, mime_type="application/x-ndjson"
        )
        self.app.call_from_thread(
            self.say,
            f"Exported {count:,} record{'s' if count != 1 else ''}: your browser downloads {name}",
        )


def _system_copy(text: str) -> bool:
    """The local clipboard through a platform tool, when one is installed (no SSH magic)."""
    import os

    for tool, needs in (
        (["wl-copy"], "WAYLAND_DISPLAY"),
        (["xclip", "-selection", "clipboard"], "DISPLAY"),
        (["xsel", "--clipboard", "--input"], "DISPLAY"),
        (["pbcopy"], None),
        (["clip.exe"], None),
    ):
        if shutil.which(tool[0]) is None or (needs and not os.environ.get(needs)):
            continue
        try:
            subprocess.run(
                tool, input=text.encode("utf-8"), timeout=2, check=True, capture_output=True
            )
        except (OSError, subprocess.SubprocessError):
            continue
        return True
    return False


def open_screen(app: App[Any], **params: Any) -> None:
    ctx = getattr(app, "ctx", None)
    if ctx is None:
        raise RuntimeError("the logs screen needs the handterm app")
    app.push_screen(LogsScreen(ctx.store, ctx.services, **params))
