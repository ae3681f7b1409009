"""Benchmark the local HandTerm backend: authorized getLog and saveLog with 10k stored logs.

Measured against a bare uvicorn route returning `{}` started in the same run, with the same
client, so the figures that matter are the ratios (issue target: getLog(limit=10) within 3x of
the bare route). The client is a minimal HTTP/1.1 keep-alive client on asyncio streams, so
client overhead is small and equal for every target. Everything is on 127.0.0.1, every loop
is bounded by a request count and a time limit.

    python bench/bench_server.py [--logs 10000] [--requests 2000] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from handterm_tui.server.testing import BackendProcess

TIME_LIMIT = 60.0  # seconds per measurement, whatever the request count

BARE_SERVER = r"""
import asyncio, socket, sys, uvicorn
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"{}"})
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", 0)); sock.listen(512)
print(sock.getsockname()[1], flush=True)
server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
asyncio.run(server.serve(sockets=[sock]))
"""


@dataclass
class Target:
    name: str
    port: int
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None
    unique_key: bool = False  # saveLog: a new key per request


class Conn:
    """One keep-alive HTTP/1.1 connection; enough for fixed-length JSON replies."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Conn:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes) -> int:
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            if line.lower().startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


async def measure(target: Target, concurrency: int, total: int) -> dict[str, float]:
    per_worker = max(1, total // concurrency)
    latencies: list[float] = []
    counter = iter(range(10**9))
    deadline = time.monotonic() + TIME_LIMIT

    async def worker() -> None:
        conn = await Conn.open(target.port)
        try:
            for _ in range(per_worker):
                if time.monotonic() > deadline:
                    break
                body = target.body or b""
                if target.unique_key:
                    key = f"bench/{1_800_000_000_000 + next(counter)}"
                    body = json.dumps({"key": key, "content": "x" * 100}).encode()
                started = time.perf_counter()
                status = await conn.request(target.method, target.path, target.headers, body)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"{target.name}: HTTP {status}")
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "median_ms": statistics.median(latencies) * 1000,
        "p90_ms": statistics.quantiles(latencies, n=10)[-1] * 1000,
        "rps": len(latencies) / elapsed,
        "n": float(len(latencies)),
    }


def seed_logs(server: BackendProcess, username: str, count: int) -> None:
    """Write `count` logs straight into the user's folder, as if saved earlier.

    The server indexes a user's logs on first use, so files placed before that are seen
    exactly like ones saved over HTTP (and seeding takes seconds, not minutes)."""
    folder = Path(server.data_dir) / "user_data" / username / "logs" / "wrt"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"{1_720_000_000_000 + i}.txt").write_text(f"log entry {i}")


def start_bare() -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([sys.executable, "-c", BARE_SERVER], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


async def run_all(targets: list[Target], requests: int) -> dict[str, dict[int, dict[str, float]]]:
    results: dict[str, dict[int, dict[str, float]]] = {}
    for target in targets:  # warm up each target's code paths and imports
        await measure(target, 1, 100)
    for concurrency in (1, 16):
        for target in targets:
            results.setdefault(target.name, {})[concurrency] = await measure(
                target, concurrency, requests
            )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logs", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    bare, bare_port = start_bare()
    with tempfile.TemporaryDirectory() as tmp:
        server = BackendProcess(Path(tmp), token_minutes=60, faults=False).start()
        try:
            username, password, _ = server.new_user()
            seed_logs(server, username, args.logs)
            token = server.sign_in(username, password)["AccessToken"]
            auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            api_port = int(server.api_url.rsplit(":", 1)[1])
            targets = [
                Target("bare uvicorn {}", bare_port, "GET", "/", {}),
                Target("getLog limit=10", api_port, "GET", "/getLog?key=wrt&limit=10", auth),
                Target("saveLog", api_port, "POST", "/saveLog", auth, unique_key=True),
            ]
            results = asyncio.run(run_all(targets, args.requests))
        finally:
            server.stop()
            bare.terminate()
            bare.wait()

    base = results["bare uvicorn {}"]
    if args.json:
        print(json.dumps({"logs": args.logs, "results": results}))
        return 0
    print(f"HandTerm local backend, {args.logs} stored logs, loopback, {args.requests} requests")
    print(
        f"{'target':18} {'conc':>4} {'median ms':>10} {'p90 ms':>8} {'req/s':>8} "
        f"{'latency x':>9} {'req/s ÷':>8}"
    )
    for name, by_conc in results.items():
        for conc, r in by_conc.items():
            print(
                f"{name:18} {conc:>4} {r['median_ms']:>10.3f} {r['p90_ms']:>8.3f} "
                f"{r['rps']:>8.0f} {r['median_ms'] / base[conc]['median_ms']:>9.2f} "
                f"{base[conc]['rps'] / r['rps']:>8.2f}"
            )
    ratio = results["getLog limit=10"][1]["median_ms"] / base[1]["median_ms"]
    print(f"getLog(limit=10) median vs bare route at concurrency 1: {ratio:.2f}x (target <= 3x)")
    sys.path.insert(0, str(Path(__file__).parent))
    from _table import emit

    emit(
        f"server getLog(limit=10) latency, {args.logs // 1000}k logs, vs bare route",
        results["getLog limit=10"][1]["median_ms"],
        base[1]["median_ms"],
        "<= 3x",
        ratio <= 3,
        unit="ms",
        ratio=ratio,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
