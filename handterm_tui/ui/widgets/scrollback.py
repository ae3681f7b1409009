"""The scrollback: one widget per record, newest at the bottom, capped so it stays light."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from handterm_tui.core.records import Record
from handterm_tui.ui.render import record_renderable

MAX_SHOWN = 200  # older records stay in the store and in `logs`


class RecordView(Static):
    DEFAULT_CSS = """
    RecordView { height: auto; margin-bottom: 1; }
    """

    def __init__(self, record: Record) -> None:
        self.record = record
        super().__init__(
            record_renderable(record), classes="record" if record.ok else "record -error"
        )

    def on_resize(self) -> None:
        self.update(record_renderable(self.record, self.size.width))


class RecordBlock(Static):
    """Records restored at start-up, drawn as one widget: one layout pass, not one each."""

    DEFAULT_CSS = """
    RecordBlock { height: auto; margin-bottom: 1; }
    """

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self._width = 0
        super().__init__("")

    def on_resize(self) -> None:
        if self.size.width != self._width:
            first = not self._width
            self._width = self.size.width
            text = Text("\n\n").join(record_renderable(r, self._width) for r in self.records)
            self.update(text)
            if first and isinstance(self.parent, Widget):
                # Its height is known only now: show its newest record, beside the prompt.
                self.parent.scroll_end(animate=False)


class Notice(Static):
    """A line that is not a record (a cancelled line, a hint)."""

    DEFAULT_CSS = """
    Notice { height: auto; color: $text-muted; }
    Notice.welcome { color: $text; margin-bottom: 1; }
    """


class Scrollback(VerticalScroll):
    DEFAULT_CSS = """
    Scrollback { height: 1fr; scrollbar-size-vertical: 1; }
    """

    can_focus = False
    _pending_top: Static | None = None  # the record to show from its top once laid out

    def add_record(self, record: Record) -> None:
        self.add(RecordView(record))

    def add_records(self, records: list[Record]) -> None:
        if records:
            self.add(RecordBlock(records))

    def add_notice(self, text: str, *, classes: str = "") -> None:
        self.add(Notice(text, classes=classes))

    def add(self, widget: Static) -> None:
        self.mount(widget)
        extra = len(self.children) - MAX_SHOWN
        if extra > 0:
            for old in list(self.children)[:extra]:
                old.remove()
        self._show_last(widget)

    def settle(self) -> None:
        """Scroll as if the widgets composed in (restored at start) had been added. The
        restored block is many records: its newest, beside the prompt, is what is shown."""
        if self.children:
            last = self.children[-1]
            assert isinstance(last, Static)
            self._show_last(last)

    def _show_last(self, widget: Static) -> None:
        self.scroll_end(animate=False)
        if isinstance(widget, RecordBlock):
            return  # many records: the newest is what matters (the block scrolls once sized)
        # Runs after scroll_end's own deferred scroll: a record taller than the view (help)
        # is shown from its top, like a pager; PageDown/End reach the rest.
        self._pending_top = widget
        self.call_after_refresh(lambda: self.call_after_refresh(self._top_if_tall, widget))

    def user_scrolled(self) -> None:
        """A scroll key came first: it wins over the pending "show from its top"."""
        self._pending_top = None

    def _top_if_tall(self, widget: Static) -> None:
        if widget is not self._pending_top:
            return
        self._pending_top = None
        if widget.is_attached and widget.outer_size.height > self.scrollable_content_region.height:
            self.scroll_to_widget(widget, animate=False, top=True)

    def clear(self) -> None:
        self.remove_children()
