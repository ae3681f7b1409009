"""Upload 10k records to the local backend: records/s against the web's serial 300 ms/item.

Run: python bench/bench_sync.py [--records N] [--runs R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

WEB_SECONDS_PER_ITEM = 0.3  # the web's archive walks localStorage 300 ms per step


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="handterm-bench-sync-"))
    os.environ["HANDTERM_HOME"] = str(root / "home")
    os.environ["HANDTERM_TOKEN_STORE"] = "file"

    from handterm_tui.auth.factory import build
    from handterm_tui.config import Config, Profile, Settings
    from handterm_tui.core.records import Record
    from handterm_tui.server.testing import start_backend
    from handterm_tui.store import Store
    from handterm_tui.sync.uploader import Uploader

    backend = start_backend(root / "server")
    try:
        user, password, _ = backend.new_user()
        config = Config(
            path=root / "none.toml",
            profiles={"b": Profile(**backend.profile("b"))},
            default_profile="b",
            settings=Settings(token_store="file"),
        )
        rates: list[float] = []
        for run in range(args.runs):
            store = Store(root / f"run{run}.sqlite")
            start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=run)
            for i in range(args.records):
                store.records.add(
                    Record(
                        line=f"echo {i}",
                        name="echo",
                        response=f"r{i}",
                        created_at=start + timedelta(seconds=i),
                    )
                )
            with build(config, verify_interval=None) as auth:
                auth.session.sign_in(user, password)
                began = time.perf_counter()
                report = Uploader(store, auth.api).run(force=True)
                seconds = time.perf_counter() - began
            assert report.left == 0, report.summary()
            rates.append(report.sent / seconds)
            print(
                f"run {run + 1}: {report.sent} items in {seconds:.2f} s = {report.sent / seconds:.0f}/s"
            )
            store.close()
        rate = statistics.median(rates)
        web = 1 / WEB_SECONDS_PER_ITEM
        print(
            f"PERF sync: median {rate:.0f} records/s over {args.runs} runs of {args.records}; "
            f"web serial archive {web:.2f}/s -> {rate / web:.0f}x faster "
            f"({args.records} records: {args.records / rate:.1f} s vs {args.records * WEB_SECONDS_PER_ITEM / 60:.0f} min)"
        )
    finally:
        backend.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
