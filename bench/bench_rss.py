"""RSS of a signed-in TUI: the app with a restored session after a token refresh, against the
same app offline (no profile), each in a fresh process in the same run. Also says whether
pycognito/boto3/botocore got loaded (they should not be: a refresh is one JSON call).

Run: python bench/bench_rss.py [--runs R]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))


def _config(profile: dict[str, Any] | None, root: Path) -> Any:
    from handterm_tui.config import Config, Profile, Settings

    profiles = {"b": Profile(**profile)} if profile else {}
    return Config(
        path=root / "none.toml",
        profiles=profiles,
        default_profile="b" if profile else None,
        settings=Settings(token_store="file"),
    )


def child(profile_json: str, root: str) -> None:
    profile = json.loads(profile_json) or None
    # trio is in the dev environment only (selenium, for the browser door tests, needs it);
    # httpcore imports it when present (~3 MiB with attrs, outcome, sortedcontainers). A
    # user's install has none of them: measure that.
    sys.modules["trio"] = None  # type: ignore[assignment]

    async def go() -> dict[str, Any]:
        from handterm_tui.app_factory import build_services, open_store
        from handterm_tui.ui.app import HandtermApp

        config = _config(profile, Path(root))
        store = open_store()
        app = HandtermApp(config, store, services=build_services(config, store))
        out: dict[str, Any] = {}
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            if profile:
                services: Any = app.ctx.services
                session = services.auth().session
                before = await asyncio.to_thread(session.start)
                token = session.ensure_fresh()
                await asyncio.to_thread(session.refresh_now)
                out["signed_in"] = bool(before.signed_in)
                out["refreshed"] = session.ensure_fresh() != token
            await pilot.pause()
            import gc

            gc.collect()
            with open("/proc/self/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        out["rss_mib"] = int(line.split()[1]) / 1024
        out["heavy"] = sorted(m for m in ("pycognito", "boto3", "botocore") if m in sys.modules)
        if os.environ.get("BENCH_RSS_MODULES"):
            out["modules"] = sorted({m.split(".")[0] for m in sys.modules})
        return out

    print(json.dumps(asyncio.run(go())))


def run_child(profile: dict[str, Any] | None, root: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(profile or {}), str(root)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    from _table import emit

    from handterm_tui.auth.factory import build
    from handterm_tui.server.testing import start_backend

    root = Path(tempfile.mkdtemp(prefix="handterm-bench-rss-"))
    os.environ["HANDTERM_HOME"] = str(root / "home")
    os.environ["HANDTERM_TOKEN_STORE"] = "file"
    backend = start_backend(root / "server")
    try:
        user, password, _ = backend.new_user()
        profile = backend.profile("b")
        with build(_config(profile, root), verify_interval=None) as auth:
            auth.session.sign_in(user, password)  # SRP (pycognito) here, not in the child
            auth.session.wait_stored()
        signed: list[float] = []
        offline: list[float] = []
        heavy: set[str] = set()
        for _ in range(args.runs):
            off = run_child(None, root)
            on = run_child(profile, root)
            assert on.get("signed_in") and on.get("refreshed"), on
            offline.append(off["rss_mib"])
            signed.append(on["rss_mib"])
            heavy |= set(on["heavy"])
    finally:
        backend.stop()
    figure, base = statistics.median(signed), statistics.median(offline)
    emit(
        "RSS of a signed-in TUI after a token refresh",
        figure,
        base,
        "<= 50 MiB",
        figure <= 50,
        unit="MiB",
        note="baseline: the same TUI offline; "
        + ("loaded " + ", ".join(sorted(heavy)) if heavy else "no pycognito/boto3/botocore"),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
