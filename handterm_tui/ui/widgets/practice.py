"""The typing game's board: the phrase, the typed line, the guide, the chord hint, the clock.

The board is one widget drawn line by line (Textual's Line API). A key rebuilds its rows
from plain segments and repaints only the rows that changed, with no layout: the typed line
keeps the rows the whole phrase needs from the start, so nothing moves as it wraps. One
widget instead of eleven also keeps the compositor's work per frame to what a bare Input
costs. Mistakes are marked with reverse + underline, styles that survive NO_COLOR, never by
colour alone.
"""

from __future__ import annotations

from collections.abc import Callable

from rich._wrap import divide_line
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Span, Text
from textual import events
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual, visualize
from textual.widget import Widget

from handterm_tui.core.practice import Game
from handterm_tui.ui import palette
from handterm_tui.ui.widgets.hand import chord_hint_text

WRONG = "bold reverse underline"
CURSOR = "▏"


def phrase_text(game: Game) -> Text:
    """The phrase: the part typed right in bold, the next character underlined."""
    text = game.text
    done = game.correct_prefix
    out = Text(no_wrap=False, overflow="fold")
    out.append(text[:done], style="bold green")
    if done < len(text):
        out.append(text[done], style="underline")
        out.append(text[done + 1 :])
    return out


def typed_text(game: Game, cursor: bool = True) -> Text:
    """What was typed, wrong characters marked in place."""
    out = Text(no_wrap=False, overflow="fold")
    typed = game.typed
    if game.uncorrected:
        wrong = set(game.wrong_positions())
        start = 0
        for i in sorted(wrong):
            out.append(typed[start:i])
            out.append(typed[i], style=f"{WRONG} {palette.ERROR}")
            start = i + 1
        out.append(typed[start:])
    else:
        out.append(typed)
    if cursor and not game.done:
        out.append(CURSOR, style="bold")
    return out


def guide_text(game: Game, hints: dict[str, str] | None = None) -> Text:
    """The next characters and the next key's chord. ``hints`` keeps each character's hint
    for the screen's life (looking one up reads the user's chord file's mtime)."""
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append("Next   ", style=palette.MUTED)
    out.append(game.next_chars(), style="bold green")
    out.append("\nKey    ", style=palette.MUTED)
    if game.done:
        out.append("done", style="bold")
    else:
        char = game.expected
        hint = hints.get(char) if hints is not None and char is not None else None
        if hint is None:
            hint = game.expected_hint()
            if hints is not None and char is not None:
                hints[char] = hint
        out.append(hint, style="bold yellow")
    return out


def clock_text(game: Game, now_ms: float, target: int) -> Text:
    elapsed = game.elapsed_ms(now_ms)
    wpm = game.live_wpm(now_ms)
    acc = game.live_accuracy()
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append("Time ", style=palette.MUTED)
    out.append(f"{elapsed / 1000:5.1f} s", style="bold")
    out.append("   WPM ", style=palette.MUTED)
    out.append("  -" if wpm is None else f"{wpm:3.0f}", style="bold yellow")
    out.append(f" / {target}", style=palette.MUTED)
    out.append("   Accuracy ", style=palette.MUTED)
    out.append("   -" if acc is None else f"{acc:3.0f}%", style="bold")
    out.append("   Errors ", style=palette.MUTED)
    out.append(str(game.errors), style=WRONG if game.uncorrected else "bold")
    if game.errors:
        out.append(f" ({game.corrected} fixed)", style=palette.MUTED)
    return out


LABEL = 7  # the label column ("Phrase", "Typed")
HAND = 26  # the hint hand's width; it is 7 rows high, below a blank row
HAND_ROWS = 8
Piece = tuple[str, list[Span]]  # one line of a Text: its plain text and its spans


def _pieces(text: Text) -> list[Piece]:
    """A Text split at its newlines into (plain, spans) lines."""
    return [(line.plain, line.spans) for line in text.split("\n", allow_blank=True)]


def _wrapped(text: Text, width: int, breaks: list[int] | None = None) -> list[Piece]:
    """``text`` word-wrapped at ``width`` as Textual wraps a widget's text (rich's
    divide_line, trailing spaces dropped on all but the last line)."""
    plain = text.plain
    if breaks is None:
        breaks = divide_line(plain, width, fold=True) if cell_len(plain) > width else []
    out: list[Piece] = []
    starts = [0, *breaks]
    ends = [*breaks, len(plain)]
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        line = plain[a:b] if i == len(ends) - 1 else plain[a:b].rstrip()
        spans = [
            Span(max(span.start, a) - a, min(span.end, a + len(line)) - a, span.style)
            for span in text.spans
            if span.end > a and span.start < a + len(line)
        ]
        out.append((line, spans))
    return out


def _ellipsis(piece: Piece, width: int) -> Piece:
    """One line cut to ``width`` with an ellipsis, as ``text-overflow: ellipsis`` does."""
    plain, spans = piece
    if cell_len(plain) <= width:
        return piece
    if width <= 0:
        return "", []
    cut = set_cell_size(plain, width - 1) + "…"
    end = len(cut)
    return cut, [
        span if span.end < end else Span(span.start, min(end, span.end), span.style)
        for span in spans
        if span.start < end
    ]


class TypingArea(Widget, can_focus=True):
    """The board, and the keys: characters and Backspace go to the game, Enter goes to
    ``on_enter`` (never to the command runner).

    Rows, as the screens laid them out in separate widgets before: the phrase and the typed
    line with their labels; a blank row; the guide (next characters, the next key's chord)
    beside the hint hand (hidden once the phrase is done); a blank row; the clock.
    """

    DEFAULT_CSS = """
    TypingArea { height: auto; padding: 1 1 0 1; }
    TypingArea:focus { text-style: none; }
    TypingArea > .typing--label { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"typing--label"}

    def __init__(
        self,
        game: Game,
        *,
        clock: Callable[[], float],
        clock_line: Callable[[], Text],
        on_edit: Callable[[], None],
        on_enter: Callable[[], None],
        on_other_key: Callable[[events.Key], bool] | None = None,
        label: str = "Phrase",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.game = game
        self._clock = clock
        self._clock_line = clock_line
        self._edit_cb = on_edit
        self._enter_cb = on_enter
        self._other_key_cb = on_other_key
        self._label = label
        self._hints: dict[str, str] = {}  # per game: a new one re-reads the chord file
        self._rows: list[Strip] = []
        self._pending = False  # a rebuild is queued
        self._full = False  # ... and it repaints every row
        self._height = 0  # the height set, in rows (0: still the CSS's auto)
        self._breaks: tuple[str, int, list[int]] = ("", 0, [])  # the phrase's wrap points
        self._styles: dict[object, RichStyle] = {}
        self._styles_key: object = None
        self._placed: dict[tuple[object, int, int], RichStyle] = {}
        self._hands: dict[tuple[str | None, int, int], list[Strip]] = {}

    # -- what the screens call ----------------------------------------------------------

    def new_game(self, game: Game) -> None:
        """Show another phrase (or the same one again): rows and height from scratch."""
        self.game = game
        self._hints = {}
        self.redraw(full=True)

    def redraw(self, *, full: bool = False) -> None:
        """After a key: rebuild the rows and repaint those that changed; a layout only when
        the board's height changes (mistakes past the reserved rows, the phrase done).

        The rebuild runs once the keys already waiting are handled (still before the
        frame): keys that arrive together cost one rebuild, not one each."""
        self._full = self._full or full
        if not self._pending:
            self._pending = True
            self.call_later(self._flush)

    def _flush(self) -> None:
        full, self._pending, self._full = self._full, False, False
        self._update(full=full)

    def render_line(self, y: int) -> Strip:
        if self.visual_style is not self._styles_key and self.content_region.width > 0:
            self._rows = self._build(self.content_region.width)  # the theme changed
        rows = self._rows
        return rows[y] if y < len(rows) else Strip([])

    def board_text(self) -> str:
        """The board's rows as plain text (what a person reads; tests check it)."""
        return "\n".join(row.text.rstrip() for row in self._rows)

    def row_segments(self, y: int) -> list[Segment]:
        return list(self._rows[y]) if y < len(self._rows) else []

    # -- building the rows --------------------------------------------------------------

    def _style(self, key: object) -> RichStyle:
        """The Rich style Textual's own text rendering gives ``key`` on this board (found
        once by rendering one character that way), so the rows look as the widgets did."""
        base = self.visual_style
        if base is not self._styles_key:
            self._styles = {}
            self._placed = {}
            self._hands = {}
            self._styles_key = base
        found = self._styles.get(key)
        if found is None:
            if key == "pad":
                bg, fg = self.background_colors
                found = Style(background=bg + fg).rich_style
            else:
                label = key == "label"
                style: Style = self.get_visual_style("typing--label") if label else base
                probe = Text()
                probe.append("x", style=None if label else str(key))
                strip = Visual.to_strips(self, visualize(self, probe), 1, 1, style)[0]
                seg_style = next(iter(strip)).style or RichStyle()
                found = seg_style.clear_meta_and_links()
            self._styles[key] = found
        return found

    def _at(self, key: object, x: int, y: int) -> RichStyle:
        """``key``'s style carrying its cell offset, as Textual's text rendering gives each
        span (text selection reads it; it also keeps neighbouring spans apart, as before)."""
        k = (key, x, y)
        found = self._placed.get(k)
        if found is None:
            if len(self._placed) > 4096:
                self._placed.clear()
            found = self._style(key) + RichStyle.from_meta({"offset": (x, y)})
            self._placed[k] = found
        return found

    def _segments(self, piece: Piece, x: int, y: int, out: list[Segment]) -> None:
        plain, spans = piece
        at = 0
        for span in spans:
            if span.start > at:
                out.append(Segment(plain[at : span.start], self._at("", x + at, y)))
            if span.end > span.start:
                part = plain[span.start : span.end]
                out.append(Segment(part, self._at(span.style, x + span.start, y)))
            at = max(at, span.end)
        if at < len(plain):
            out.append(Segment(plain[at:], self._at("", x + at, y)))

    def _pad(self, out: list[Segment], cells: int) -> None:
        if cells > 0:
            out.append(Segment(" " * cells, self._style("pad")))

    def _labelled(self, label: str, piece: Piece, y: int) -> Strip:
        out: list[Segment] = []
        if label:
            out.append(Segment(label, self._at("label", 0, y)))
        self._pad(out, LABEL - len(label))
        self._segments(piece, LABEL, y, out)
        return Strip(out)

    def _line(self, piece: Piece, y: int) -> Strip:
        out: list[Segment] = []
        self._segments(piece, 0, y, out)
        return Strip(out)

    def _phrase_breaks(self, width: int) -> list[int]:
        text = self.game.text
        if self._breaks[:2] != (text, width):
            fits = cell_len(text) <= width
            self._breaks = (text, width, [] if fits else divide_line(text, width, fold=True))
        return self._breaks[2]

    def _hand_rows(self, x: int, y: int) -> list[Strip]:
        """The hand's seven rows, kept per chord and place (a phrase has a few dozen)."""
        char = self.game.expected
        key = (char, x, y)
        rows = self._hands.get(key)
        if rows is None:
            if len(self._hands) > 256:
                self._hands.clear()
            rows = []
            for i, piece in enumerate(_pieces(chord_hint_text(char))[: HAND_ROWS - 1]):
                out: list[Segment] = []
                self._segments(_ellipsis(piece, HAND), x, y + i, out)
                rows.append(Strip(out))
            self._hands[key] = rows
        return rows

    def _guide(self) -> list[Piece]:
        pieces = _pieces(guide_text(self.game, self._hints))
        return (pieces + [("", [])] * 2)[:2]

    def _build(self, width: int) -> list[Strip]:
        game = self.game
        text_width = max(1, width - LABEL)
        rows: list[Strip] = []
        phrase = _wrapped(phrase_text(game), text_width, self._phrase_breaks(text_width))
        for i, piece in enumerate(phrase):
            rows.append(self._labelled(self._label if i == 0 else "", piece, len(rows)))
        typed = _wrapped(typed_text(game), text_width)
        # The typed line keeps the rows the whole phrase takes: typed right, it wraps the
        # same way within them; only mistakes (extra words, past the end) can need more.
        for i in range(max(len(phrase), len(typed))):
            piece = typed[i] if i < len(typed) else ("", [])
            rows.append(self._labelled("Typed" if i == 0 else "", piece, len(rows)))
        blank = Strip.blank(width, self._style("pad"))
        rows.append(blank)
        guide = self._guide()
        if game.done:  # the hand is hidden with the result shown; the guide takes the row
            for piece in guide:
                rows.append(self._line(_ellipsis(piece, width), len(rows)))
        else:
            guide_width = max(0, width - HAND)
            hand = self._hand_rows(guide_width, len(rows))
            gap = Strip.blank(guide_width, self._style("pad"))
            for i in range(HAND_ROWS - 1):
                if i < 2:
                    out: list[Segment] = []
                    line = _ellipsis(guide[i], guide_width)
                    self._segments(line, 0, len(rows), out)
                    self._pad(out, guide_width - cell_len(line[0]))
                    left = Strip(out)
                else:
                    left = gap
                rows.append(Strip.join([left, hand[i]]) if i < len(hand) else left)
        rows.append(blank)
        rows.append(self._line(_wrapped(self._clock_line(), max(1, width))[0], len(rows)))
        return rows

    def _update(self, *, full: bool = False) -> None:
        width = self.content_region.width
        if width <= 0:
            return  # not laid out yet: on_resize builds the rows
        old, new = self._rows, self._build(width)
        self._rows = new
        height = len(new) + 1  # + the padding row above the board
        if height != self._height:
            self._height = height
            self.styles.height = height  # a layout: only when the board changes size
            full = True
        if full or len(old) != len(new):
            self.refresh()
            return
        # Repaint only the rows that changed (a key changes three to five of them).
        y = 0
        while y < len(new):
            if new[y] == old[y]:
                y += 1
                continue
            end = y + 1
            while end < len(new) and new[end] != old[end]:
                end += 1
            self.refresh(Region(0, y, width, end - y))
            y = end

    def on_resize(self) -> None:
        self._update(full=True)

    # -- keys -----------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        game = self.game
        key = event.key
        if key == "backspace":
            game.backspace(self._clock())
        elif key == "enter":
            event.stop()
            event.prevent_default()
            self._enter_cb()
            return
        elif event.is_printable and event.character and len(event.character) == 1:
            if game.done:
                if self._other_key_cb is not None and self._other_key_cb(event):
                    event.stop()
                    event.prevent_default()
                return
            game.press(event.character, self._clock())
        else:
            return
        event.stop()
        event.prevent_default()
        self._edit_cb()

    def on_paste(self, event: events.Paste) -> None:
        # Pasting the phrase would not be typing it.
        event.stop()
        event.prevent_default()
        self.app.bell()
        self.notify("Paste is off in the game: type the phrase.", severity="warning")
