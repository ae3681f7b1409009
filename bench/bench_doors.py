"""Capacity of the browser door: N sessions of `handterm serve-web` at once, each a real
app process driven over textual-serve's websocket (what a browser sends, without one).

Reports the time until every session shows its prompt, key echo while they are all open,
and memory per session (PSS, so shared library pages are split fairly). Run:
    .venv/bin/python bench/bench_doors.py [SESSIONS]
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

HANDTERM = str(Path(sys.executable).with_name("handterm"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def app_pids(server: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(server)], capture_output=True, text=True
    )
    return [int(p) for p in out.stdout.split()]


@dataclass
class Results:
    n: int
    prompt: list[float] = field(default_factory=list)
    echo: list[float] = field(default_factory=list)
    done: int = 0


async def session(url: str, origin: str, ready: asyncio.Event, results: Results) -> None:
    started = time.monotonic()
    async with (
        aiohttp.ClientSession() as client,
        client.ws_connect(url + "?width=100&height=30", headers={"Origin": origin}) as ws,
    ):
        seen = b""
        async for message in ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data
                if b"~$" in seen:
                    break
        results.prompt.append(time.monotonic() - started)
        await ready.wait()
        for char in "qzjxkv":
            await asyncio.sleep(0.2)
            sent = time.monotonic()
            await ws.send_str(json.dumps(["stdin", char]))
            async for message in ws:
                if message.type == aiohttp.WSMsgType.BINARY and char.encode() in message.data:
                    results.echo.append((time.monotonic() - sent) * 1000)
                    break
        results.done += 1
        while results.done < results.n:  # every session stays open until all have typed
            await asyncio.sleep(0.1)


async def main(n: int) -> None:
    port = free_port()
    root = Path(tempfile.mkdtemp())
    server = subprocess.Popen(
        [
            HANDTERM,
            "serve-web",
            "--port",
            str(port),
            "--home-root",
            str(root),
            "--max-sessions",
            str(n),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            await asyncio.sleep(0.05)
        origin = f"http://127.0.0.1:{port}"
        results = Results(n)
        ready = asyncio.Event()
        started = time.monotonic()
        tasks = [
            asyncio.create_task(session(f"ws://127.0.0.1:{port}/ws", origin, ready, results))
            for _ in range(n)
        ]
        while len(results.prompt) < n:
            await asyncio.sleep(0.05)
        all_up = time.monotonic() - started
        pids = app_pids(server.pid)
        pss = [pss_kib(pid) for pid in pids]
        ready.set()
        await asyncio.gather(*tasks)
        prompt = results.prompt
        echo = sorted(results.echo)
        print(f"sessions: {n} (cores: {os.cpu_count()})")
        print(
            f"all prompts up: {all_up:.2f} s; per session median {statistics.median(prompt):.2f} s, max {max(prompt):.2f} s"
        )
        print(
            f"key echo with all open: median {statistics.median(echo):.1f} ms, p90 {echo[int(len(echo) * 0.9)]:.1f} ms, max {echo[-1]:.1f} ms"
        )
        print(
            f"memory per session (PSS): median {statistics.median(pss) / 1024:.1f} MiB, total {sum(pss) / 1024:.0f} MiB for {len(pss)} processes"
        )
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
