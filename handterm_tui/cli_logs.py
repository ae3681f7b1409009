"""`handterm sync [--json]` and `handterm logs list|show|export` (cli.py dispatches here).

sync exit statuses: 0 everything uploaded, 1 not signed in (or offline mode), 3 the session
ended during the run, 4 the server stopped answering, 5 some items failed and wait for a retry.
logs: 0 ok, 1 not found / server error, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

from handterm_tui.exits import (
    EXIT_ENDED,
    EXIT_LEFT,
    EXIT_NOT_SIGNED_IN,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
)
from handterm_tui.exits import err as _err

if TYPE_CHECKING:
    from handterm_tui.commands.base import Context
    from handterm_tui.config import Config
    from handterm_tui.core.owner import Owner
    from handterm_tui.store import Store
    from handterm_tui.sync.uploader import Progress


def _tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def sync_main(config: Config, as_json: bool, include_signed_out: bool = False) -> int:
    from handterm_tui.app_factory import build_context
    from handterm_tui.services import Unavailable

    ctx = build_context(config, interactive=False)
    try:
        try:
            account = ctx.services.account_api()
        except Unavailable as exc:
            waiting = ctx.store.outbox.count(owner=ctx.owner())
            if as_json:
                print(json.dumps({"sent": 0, "failed": 0, "left": waiting, "paused": exc.message}))
            else:
                _err(f"{waiting:,} waiting. {exc.message}")
            return EXIT_NOT_SIGNED_IN
        if include_signed_out:
            moved = ctx.store.owners.adopt(account.owner)
            if moved.total and not as_json:
                print(f"Added {moved.words()} made while signed out to this account.")
        sync = ctx.services.sync
        assert sync is not None
        progress = _stderr_progress if _tty(sys.stderr) and not as_json else None
        report = sync.run(force=True, progress=progress)
        if progress is not None:
            print(file=sys.stderr)
        print(json.dumps(report.as_dict()) if as_json else report.summary())
        unowned = ctx.store.owners.unowned(account.owner.profile)
        if unowned.total and not include_signed_out and not as_json:
            print(
                f"{unowned.words()} made while signed out wait apart: "
                "`handterm sync --include-signed-out` adds them to this account.",
                file=sys.stderr,
            )
        if report.left == 0:
            return EXIT_OK
        if report.paused and "session" in report.paused:
            return EXIT_ENDED
        if report.paused:
            return EXIT_UNREACHABLE
        return EXIT_LEFT
    finally:
        ctx.services.close()
        ctx.store.close()


def _stderr_progress(p: Progress) -> None:
    width = 30
    filled = width * p.done // max(p.total, 1)
    sys.stderr.write(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {p.done}/{p.total} "
        f"sent {p.sent} failed {p.failed}"
    )
    sys.stderr.flush()


def logs_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handterm logs", description="Your command records.")
    sub = parser.add_subparsers(dest="action", required=True)
    listing = sub.add_parser("list", help="newest records first")
    listing.add_argument("search", nargs="*", help="full-text search words")
    listing.add_argument("--remote", action="store_true", help="fetch the server's records too")
    listing.add_argument("--limit", type=int, default=20)
    listing.add_argument("--kind", choices=("command", "game", "note"))
    listing.add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="one record in full")
    show.add_argument("ref", help="the ref from `logs list` (42, or r7 for a fetched one)")
    show.add_argument("--json", action="store_true")
    export = sub.add_parser("export", help="every record as JSON lines or CSV")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.add_argument("--remote", action="store_true", help="fetch the server's records first")
    return parser


def logs_main(config: Config, argv: list[str]) -> int:
    parser = logs_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    from handterm_tui.app_factory import build_context
    from handterm_tui.cli_exec import prepare_session

    ctx = build_context(config, interactive=False)
    try:
        prepare_session(ctx)  # whose records to list: the signed-in account's
        if getattr(args, "remote", False) and not _fetch(ctx, limit=1000):
            return 1
        viewer = ctx.owner()
        if args.action == "list":
            return _list(ctx.store, args, viewer)
        if args.action == "show":
            return _show(ctx.store, args, viewer)
        return _export(ctx.store, args, viewer)
    finally:
        ctx.services.close()
        ctx.store.close()


def _fetch(ctx: Context, limit: int) -> bool:
    from handterm_tui.logbook.fetch import fetch_records
    from handterm_tui.services import Unavailable

    try:
        account = ctx.services.account_api()
    except Unavailable as exc:
        _err(exc.message)
        return False
    try:
        report = fetch_records(account.api, ctx.store, account.owner, limit=limit)
    except Exception as exc:
        _err(f"cannot read the server's records: {getattr(exc, 'message', exc)}")
        return False
    print(report.summary(), file=sys.stderr)
    return True


def _list(store: Store, args: argparse.Namespace, viewer: Owner) -> int:
    from handterm_tui.store.log_index import Filter, LogIndex

    if args.limit < 1:
        _err("--limit must be at least 1")
        return EXIT_USAGE
    flt = Filter(query=" ".join(args.search) or None, kind=args.kind, remote=args.remote)
    index = LogIndex(store, flt, viewer=viewer)
    rows, _ = index.page(limit=args.limit)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "ref": r.ref,
                        "time": r.created_at,
                        "kind": r.kind,
                        "status": r.status,
                        "wpm": r.wpm,
                        "where": r.where,
                        "line": r.line,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    if not rows:
        print("No records.")
        return EXIT_OK
    for r in rows:
        wpm = "  -" if r.wpm is None else f"{r.wpm:3.0f}"
        when = r.created_at[:19].replace("T", " ")
        print(f"{r.ref:>7}  {when}  {r.status}  {wpm}  {r.where:<6}  {r.line}")
    return EXIT_OK


def _show(store: Store, args: argparse.Namespace, viewer: Owner) -> int:
    from handterm_tui.logbook.detail import record_text
    from handterm_tui.logbook.export import export_dict
    from handterm_tui.store.log_index import LogIndex, upload_state

    index = LogIndex(store, viewer=viewer)
    row = index.row_for(args.ref)
    record = index.record(row) if row is not None else None
    if row is None or record is None:
        _err(f"no record {args.ref!r} (refs come from `handterm logs list`)")
        return 1
    if args.json:
        print(json.dumps(export_dict(record, row), ensure_ascii=False, indent=2))
    else:
        print(record_text(record, row, upload_state(store, row)))
    return EXIT_OK


def _export(store: Store, args: argparse.Namespace, viewer: Owner) -> int:
    from handterm_tui.logbook.export import export_lines
    from handterm_tui.store.log_index import LogIndex

    index = LogIndex(store, viewer=viewer)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as handle:
                for chunk in export_lines(index, args.format):
                    handle.write(chunk)
        except OSError as exc:
            _err(f"cannot write {args.output}: {exc.strerror}")
            return 1
        print(f"Exported {index.count():,} records to {args.output}.", file=sys.stderr)
        return EXIT_OK
    for chunk in export_lines(index, args.format):
        sys.stdout.write(chunk)
    return EXIT_OK
