"""Upload 10k queued records to the local backend, against the HTTP floor in the same run.

The floor: the same number of POSTs of the same size, sent by the same httpx client with the
same worker threads to a bare uvicorn route that answers ``{}`` (bench_server.py's), on the
same machine. The figure: records/s of ``Uploader.run`` (the outbox → /saveLog path the app
runs), ratio ours / floor (target >= 0.8x). The backend does real work the bare route does
not (a token check, a file write), so the floor bounds us from above.

Run: python bench/bench_sync.py [--records N] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def floor_rate(port: int, count: int, body: dict[str, str], workers: int) -> float:
    import httpx

    client = httpx.Client(headers={"Authorization": "Bearer " + "x" * 900})
    url = f"http://127.0.0.1:{port}/saveLog"
    payload = json.dumps(body)
    left = [count]
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            client.post(url, content=payload, headers={"Content-Type": "application/json"})

    threads = [threading.Thread(target=work) for _ in range(workers)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - began
    client.close()
    return count / seconds


def _cpu(backend: object) -> float:
    """CPU seconds of the backend process and its children so far (Linux /proc)."""
    proc = getattr(backend, "_proc", None)
    if proc is None:
        return 0.0
    total = 0.0
    pids = [proc.pid]
    try:
        with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as handle:
            pids += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            continue
    return total


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="handterm-bench-sync-"))
    os.environ["HANDTERM_HOME"] = str(root / "home")
    os.environ["HANDTERM_TOKEN_STORE"] = "file"

    from _table import emit
    from bench_server import start_bare

    from handterm_tui.auth.factory import build
    from handterm_tui.config import Config, Profile, Settings
    from handterm_tui.core.owner import Owner, account_key
    from handterm_tui.core.records import Record
    from handterm_tui.server.testing import start_backend
    from handterm_tui.store import Store
    from handterm_tui.sync.uploader import WORKERS, Uploader

    backend = start_backend(root / "server")
    bare, port = start_bare()
    try:
        user, password, _ = backend.new_user()
        config = Config(
            path=root / "none.toml",
            profiles={"b": Profile(**backend.profile("b"))},
            default_profile="b",
            settings=Settings(token_store="file"),
        )
        rates: list[float] = []
        floors: list[float] = []
        for run in range(args.runs):
            with build(config, verify_interval=None) as auth:
                auth.session.sign_in(user, password)
                from handterm_tui.auth.tokens import jwt_claims

                owner = Owner("b", account_key(jwt_claims(auth.session.ensure_fresh())))
                store = Store(root / f"run{run}.sqlite")
                start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=run)
                sample = ""
                for i in range(args.records):
                    record = Record(
                        line=f"echo {i}",
                        name="echo",
                        response=f"r{i}",
                        created_at=start + timedelta(seconds=i),
                        owner=owner,
                    )
                    store.records.add(record)
                    sample = sample or record.dumps()
                floors.append(
                    floor_rate(
                        port,
                        args.records,
                        {"key": "command_x", "content": sample, "extension": "json"},
                        WORKERS,
                    )
                )
                server_cpu = _cpu(backend)
                cpu = time.process_time()
                began = time.perf_counter()
                report = Uploader(store, auth.api, owner=owner).run(force=True)
                seconds = time.perf_counter() - began
                cpu = time.process_time() - cpu
                server_cpu = _cpu(backend) - server_cpu
            assert report.left == 0, report.summary()
            rates.append(report.sent / seconds)
            print(
                f"run {run + 1}: {report.sent} items in {seconds:.2f} s = "
                f"{report.sent / seconds:.0f}/s; floor {floors[-1]:.0f}/s; CPU per item: "
                f"client {cpu * 1000 / report.sent:.2f} ms, server {server_cpu * 1000 / report.sent:.2f} ms"
            )
            store.close()
        rate, floor = statistics.median(rates), statistics.median(floors)
        ratio = statistics.median(r / f for r, f in zip(rates, floors, strict=True))
        emit(
            f"sync of {args.records // 1000}k queued records vs the HTTP floor",
            rate,
            floor,
            ">= 0.8x",
            ratio >= 0.8,
            unit="/s",
            ratio=ratio,
            note="floor: httpx, same threads, same bodies, to a bare uvicorn route",
        )
    finally:
        bare.terminate()
        backend.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
