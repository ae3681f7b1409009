"""Textual's terminal driver, with back-pressure on input.

Textual's input thread hands every parsed key to the event loop without waiting, so a
terminal that sends a flood of keys (1 MB pasted into a terminal without bracketed paste)
queues a million events faster than the app handles them: the process grows by gigabytes
and Ctrl+Q waits behind the whole queue. Here the input thread stops reading after each
batch of events until the app has handled that batch (or a short timeout passes), so the
rest waits in the terminal's own small buffer. A person typing never fills a batch, so
nothing changes for them.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

BATCH = 256  # events handed to the app before the input thread waits for it
WAIT_S = 1.0  # never wait longer than this for one batch (a busy or closing app)


class BoundedLinuxDriver(LinuxDriver):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_flight = 0
        self._pending: deque[Message] = deque()
        self._lock = threading.Lock()
        self._flush_due = False

    def send_message(self, message: Message) -> None:
        if threading.current_thread() is not self._key_thread:
            super().send_message(message)  # resize and other events from the loop itself
            return
        self._hand_over(message)
        self._in_flight += 1
        if self._in_flight >= BATCH:
            self._in_flight = 0
            self._wait_for_app()

    def _hand_over(self, message: Message) -> None:
        """Queue for the loop, in order; many per wake-up of the loop when keys come fast."""
        with self._lock:
            self._pending.append(message)
            wake, self._flush_due = not self._flush_due, True
        if wake:
            self._loop.call_soon_threadsafe(self._flush)

    def _flush(self) -> None:
        with self._lock:
            batch = list(self._pending)
            self._pending.clear()
            self._flush_due = False
        post = self._app.post_message
        for message in batch:
            post(message)

    def _wait_for_app(self) -> None:
        """Block the input thread until the events sent so far have been handled."""
        handled = threading.Event()
        app = self._app

        def relay() -> None:
            # Runs on the app's queue after the events before it were forwarded; the focused
            # widget then handles them before this callback.
            try:
                target = app.focused or app.screen
            except Exception:  # no screen (starting or closing): nothing to wait for
                handled.set()
                return
            target.call_later(handled.set)

        self._hand_over(events.Callback(callback=relay))  # behind the events sent so far
        deadline = time.monotonic() + WAIT_S
        while not handled.wait(0.05):
            if self.exit_event.is_set() or time.monotonic() > deadline:
                return
