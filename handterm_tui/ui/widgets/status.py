"""The status bar: who, online state, session time left, upload queue.

It always fits its width: at 80 columns in every state, and on a phone (60 or fewer) it
shortens its words, then drops the least needed parts, instead of being cut at the edge.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from handterm_tui.ui import palette

KEYS_LONG = "F1 help · ^P palette · ^Q quit"
KEYS_SHORT = "F1 help"
SHORTER = {"offline mode": "offline", "server unreachable": "unreachable"}


def _clip(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    out = ""
    for char in text:
        if cell_len(out + char + "…") > width:
            break
        out += char
    return out + "…"


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    user: reactive[str | None] = reactive(None)
    connection: reactive[str] = reactive("offline mode")  # words, not colours
    session_left: reactive[str] = reactive("")
    queue: reactive[int] = reactive(0)
    busy: reactive[str] = reactive("")

    def variants(self) -> list[list[tuple[str, str]]]:
        """(text, style) parts, fullest first; each next one is shorter."""
        user = self.user or "guest"
        conn = self.connection
        short_conn = SHORTER.get(conn, conn)
        session = f"session {self.session_left}" if self.session_left else ""
        busy = f"{self.busy}…" if self.busy else ""

        def line(
            who: str, conn_text: str, sess: str, queue: str, keys: str
        ) -> list[tuple[str, str]]:
            parts = [(who, "bold"), (" · " + conn_text, "")]
            if sess:
                parts.append((" · " + sess, ""))
            parts.append((" · " + queue, ""))
            if busy:
                parts.append((" · " + busy, "italic"))
            if keys:
                parts.append(("  " + keys, palette.MUTED))
            return parts

        queue = f"queue {self.queue}"
        left = self.session_left
        return [
            line(user, conn, session, queue, KEYS_LONG),
            line(user, short_conn, session, queue, KEYS_LONG),
            line(user, short_conn, session, queue, KEYS_SHORT),
            line(user, short_conn, left, queue, KEYS_SHORT),
            line(user, short_conn, left, f"q {self.queue}", KEYS_SHORT),
            line(user, short_conn, left, f"q {self.queue}", ""),
        ]

    def render(self) -> Text:
        width = self.content_region.width or 80
        options = self.variants()
        chosen = options[-1]
        for parts in options:
            if sum(cell_len(t) for t, _ in parts) <= width:
                chosen = parts
                break
        else:
            # Still too wide (a long user name, a long busy line): shorten the user, then clip.
            fixed = sum(cell_len(t) for t, _ in chosen[1:])
            who = _clip(chosen[0][0], max(6, width - fixed))
            chosen = [(who, "bold"), *chosen[1:]]
        text = Text(no_wrap=True, overflow="ellipsis")
        for part, style in chosen:
            text.append(part, style=style)
        text.truncate(width, overflow="ellipsis")
        return text
