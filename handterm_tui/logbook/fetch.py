"""Read logs back from the server: records (``listLog`` + ``getLog``) and ``wrt`` notes.

``listLog`` gives keys only and ``getLog`` contents only, so the keys come first, the ones
already here are skipped, and each missing object is fetched by its own key (``getLog`` with
the exact key as its prefix). A reply holds at most 6 MiB on serve-local (and on AWS); the
client's ``list_log``/``get_log`` follow the server's continuation cursor up to ``limit``. Fetched records that were not made here go to
``remote_records``; notes go to the notes table as ``source = 'remote'``.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from handterm_tui.core.owner import Owner
from handterm_tui.core.remote_shapes import note_ms, record_from_remote, short_key

if TYPE_CHECKING:
    from handterm_tui.store import Store

RECORD_PREFIX = "command_"
NOTE_PREFIX = "wrt/"
FETCH_WORKERS = 4


class RemoteApi(Protocol):
    def list_log(self, log_domain: str, limit: int = 10) -> list[str]: ...

    def get_log(self, key: str, limit: int = 10) -> list[str]: ...


@dataclass
class FetchReport:
    listed: int = 0
    known: int = 0
    fetched: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"Server: {self.listed} listed, {self.fetched} fetched, {self.known} already here"
        if self.failed:
            text += f", {self.failed} could not be read ({self.errors[0]})"
        return text + "."


def _fetch_one(api: RemoteApi, key: str) -> str | None:
    contents = api.get_log(key, 1)
    return contents[0] if contents else None


def _fetch_many(api: RemoteApi, keys: Iterable[str], report: FetchReport) -> list[tuple[str, str]]:
    """Fetch each key's content concurrently; failures are counted, not raised, unless the
    session is over or nothing answers at all (then the caller's error tells the user)."""
    keys = list(keys)
    out: list[tuple[str, str]] = []
    if not keys:
        return out
    with ThreadPoolExecutor(FETCH_WORKERS, thread_name_prefix="handterm-fetch") as pool:
        futures = [(key, pool.submit(_fetch_one, api, key)) for key in keys]
        first_error: BaseException | None = None
        for key, future in futures:
            try:
                content = future.result()
            except Exception as exc:
                report.failed += 1
                report.errors.append(str(getattr(exc, "message", exc)))
                first_error = first_error or exc
                continue
            if content is not None:
                out.append((key, content))
    if not out and first_error is not None:
        raise first_error
    return out


def fetch_records(api: RemoteApi, store: Store, owner: Owner, *, limit: int = 500) -> FetchReport:
    """Bring the newest ``limit`` server records of ``owner`` (whose tokens ``api`` sends)
    that are not here into ``remote_records``.

    Raises the client's typed errors when the server cannot be listed at all.
    """
    report = FetchReport()
    keys = [short_key(k) for k in api.list_log(RECORD_PREFIX, limit)]
    keys = [k for k in keys if k.startswith(RECORD_PREFIX)]
    report.listed = len(keys)
    remote = store.remote
    known = remote.known_keys(keys, owner)
    report.known = len(known)
    for key, content in _fetch_many(api, (k for k in keys if k not in known), report):
        if remote.add(record_from_remote(key, content), content, owner):
            report.fetched += 1
    return report


def fetch_notes(api: RemoteApi, store: Store, owner: Owner, *, limit: int = 10) -> FetchReport:
    """Keep the newest ``limit`` server notes of ``owner`` that are not here (by key)."""
    report = FetchReport()
    keys = [short_key(k) for k in api.list_log(NOTE_PREFIX, limit)]
    keys = [k for k in keys if note_ms(k) is not None]
    report.listed = len(keys)
    known = store.notes.known_keys(keys, owner) if keys else set()
    report.known = len(known)
    for key, content in _fetch_many(api, (k for k in keys if k not in known), report):
        ms = note_ms(key)
        if ms is not None and store.notes.add_remote(content, key, ms, owner) is not None:
            report.fetched += 1
    return report
