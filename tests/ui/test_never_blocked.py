"""Another handterm process holding the store's write lock never stalls what a person types:
keys, history recall and the status bar read through a connection of their own (WAL readers
never wait for a writer), even while this process's own writer queues behind that lock."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from handterm_tui import paths

HOLD = 3.0  # seconds the other process keeps the write lock

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO kv (key, value) VALUES ('held', '1')")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


async def test_typing_and_reading_while_another_process_writes(
    make_app: Callable[..., Any], store: Any
) -> None:
    from handterm_tui.core.records import Record

    for i in range(50):
        store.records.add(Record(line=f"echo {i}", name="echo"))
    app = make_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(paths.database_file()), str(HOLD)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
            # This process's own writer (an upload marking items sent, a command's record)
            # now waits for that lock, holding the write connection meanwhile.
            writer = threading.Thread(target=store.kv.set, args=("ours", 1), daemon=True)
            writer.start()
            time.sleep(0.2)
            started = time.monotonic()
            await pilot.press("up")  # recall the newest line
            await pilot.press("space", *"and", "space", *"more")
            for _ in range(5):
                app.refresh_status()  # reads the queue: never waits for the writer
            await pilot.pause()
            took = time.monotonic() - started
            assert app.terminal.prompt.value == "echo 49 and more"
            assert holder.poll() is None, "the writer let go before the keys were handled"
        finally:
            holder.wait(10)
            writer.join(10)
    assert took < HOLD / 2, f"keys waited {took:.2f} s behind another process's write"
