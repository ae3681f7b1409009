"""The local store: one SQLite file in WAL mode.

Every write is its own short ``BEGIN IMMEDIATE`` transaction, committed at once, so a
crash or ``kill -9`` loses at most the line being typed, and two handterm processes on the
same file queue behind each other (``busy_timeout``) instead of failing or corrupting it.

Every SQLite failure leaves here as a :class:`StoreError` whose message names the file and
what to do; a failed write is rolled back whole, so no record is ever half written.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from handterm_tui.core.errors import HandtermError
from handterm_tui.store.schema import MIGRATIONS, args_are_default

BUSY_TIMEOUT_MS = 10_000
REBUILT = 7  # the migration that rebuilt the records table (see _compact)

log = logging.getLogger("handterm.store")


class StoreError(HandtermError):
    """The store cannot be opened, read or written; the message says where and what to do."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class StoreUnusable(StoreError):
    """The file is there but holds no usable store (not a database, or emptied).

    Nothing has been changed. :meth:`move_aside` keeps the file, byte for byte, under a
    name that says what happened; only then may a new, empty store be made.
    """

    def __init__(self, message: str, path: Path, label: str) -> None:
        super().__init__(message, path)
        self.file = path
        self.label = label  # 'not-a-database' | 'emptied'

    def move_aside(self) -> Path | None:
        """Rename the store (and its -wal/-shm) out of the way; None when there was no file."""
        return move_aside(self.file, self.label)


def move_aside(path: Path, label: str) -> Path | None:
    if not path.exists():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
    # A rename keeps the bytes as they are; the journal files follow so they stay paired.
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.replace(side, f"{target}{suffix}")
    os.replace(path, target)
    return target


def _where(path: Path | None) -> str:
    return str(path) if path is not None else "the in-memory store"


def _no_space(folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        stat = os.statvfs(folder)
    except OSError:
        return False
    return stat.f_bavail * stat.f_frsize < 64 * 1024


def explain(exc: BaseException, path: Path | None, doing: str = "") -> StoreError:
    """One message for a SQLite or OS failure: which file, what happened, what to do.

    ``doing`` says what was lost ("this change was"), for failures during a write.
    """
    where = _where(path)
    folder = path.parent if path is not None else None
    lost = f" {doing} not saved." if doing else ""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    full = name.startswith("SQLITE_FULL") or "disk is full" in text
    if name.startswith("SQLITE_IOERR") or isinstance(exc, OSError):
        # A full disk often shows as an I/O error (the -shm or -wal file cannot grow).
        full = full or getattr(exc, "errno", None) == errno.ENOSPC or _no_space(folder)
    if full:
        return StoreError(
            f"the disk holding {where} is full;{lost or ' nothing was saved.'} "
            "Free some space, then try again.",
            path,
        )
    if name in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "not a database" in text:
        assert path is not None
        return StoreUnusable(
            f"{where} is not a handterm store (not a SQLite database, or damaged: {text}). "
            "Nothing was changed. Restore it from a copy, or run `handterm --new-store` to "
            f"move it aside (kept as {path.name}.not-a-database-<time>) and start an empty one.",
            path,
            "not-a-database",
        )
    if path is not None and path.is_dir():
        return StoreError(
            f"{where} is a folder, not a store: move it aside (or point HANDTERM_DB at a file).",
            path,
        )
    if (
        isinstance(exc, PermissionError)
        or getattr(exc, "errno", None) in (errno.EROFS, errno.EACCES, errno.EPERM)
        or name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN"))
        or name == "SQLITE_PERM"
        or "readonly" in text
    ):
        return StoreError(
            f"cannot write {where} (read-only or not permitted: {text}).{lost} Make {folder} "
            "writable, or point HANDTERM_HOME (or HANDTERM_DB) at a writable folder.",
            path,
        )
    if isinstance(exc, OSError):
        return StoreError(
            f"cannot use {where}: {exc.strerror or exc}.{lost} Check that {folder} is "
            "writable, or point HANDTERM_HOME (or HANDTERM_DB) at another folder.",
            path,
        )
    return StoreError(
        f"the store at {where} failed: {text}.{lost} If this keeps happening, copy the file "
        "somewhere safe and report it.",
        path,
    )


MIN_SQLITE = (3, 31, 0)  # generated columns (schema 7)
UPGRADE_NOTICE_FROM = 20_000  # records: from here the one-time rebuild is felt


class Database:
    """Thread-safe: writes share one connection under a lock; every thread reads through a
    connection of its own, so a read (the UI thread's status bar, a keystroke's history
    lookup) never waits behind a write, ours or another handterm process's (WAL readers
    never block)."""

    def __init__(self, path: Path | str, *, announce: Callable[[str], None] | None = None) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        self._target = str(path)
        self._announce = announce  # told before a long upgrade starts, while it still waits
        self._lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._generation = 0  # bumped when the connections must be made anew
        self.after_write: list[Callable[[], None]] = []
        self.notices: list[str] = []  # things the user should hear about (e.g. a WAL restored)
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise explain(exc, self.path) from None
        self._conn = self._connect()
        try:
            self.migrate()
        except sqlite3.Error as exc:
            self._conn.close()
            raise explain(exc, self.path) from None
        except StoreError:
            self._conn.close()
            raise

    def _connect(self, *, write: bool = True) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self._target,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # explicit transactions only
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise explain(exc, self.path) from None
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if self.path is not None and write:
                conn.execute("PRAGMA journal_mode = WAL")
            if not write:
                conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            conn.close()
            raise explain(exc, self.path) from None
        return conn

    @property
    def schema_version(self) -> int:
        with self.reading() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            # Schema 7's computed column needs 3.31; older libraries fail mid-upgrade.
            raise StoreError(
                f"handterm needs SQLite {'.'.join(map(str, MIN_SQLITE))} or newer; this "
                f"Python has {sqlite3.sqlite_version}. Use a Python built with a newer SQLite "
                "(python.org and most distributions since 2020 have one).",
                self.path,
            )
        # Migration 7 rebuilds the records table; foreign keys (outbox.record_id) would
        # refuse the drop of the old one, although every id is kept. The pragma is a no-op
        # inside a transaction, so it is set around it.
        version = 0
        self._conn.execute("PRAGMA foreign_keys = OFF")
        self._conn.create_function("handterm_default_args", 2, args_are_default, deterministic=True)
        try:
            with self.transaction("the schema upgrade was") as conn:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if version > len(MIGRATIONS):
                    raise StoreError(
                        f"the store at {self.path} was written by a newer handterm "
                        f"(schema {version}, this one knows {len(MIGRATIONS)}): "
                        "upgrade handterm",
                        self.path,
                    )
                if 0 < version < REBUILT <= len(MIGRATIONS) and self._announce is not None:
                    self._announce_upgrade(conn)
                for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                    for statement in _statements(script):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {number}")
        finally:
            self._conn.execute("PRAGMA foreign_keys = ON")
        if 0 < version < REBUILT <= len(MIGRATIONS):
            self._compact()

    def _announce_upgrade(self, conn: sqlite3.Connection) -> None:
        """A big store's one-time rebuild takes seconds (~2 s per 100k records): say so
        first, so a start that pauses is not taken for a hang."""
        records = int(conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0])
        if records >= UPGRADE_NOTICE_FROM and self._announce is not None:
            self._announce(
                f"Upgrading the store at {self.path} ({records:,} records; once, "
                f"about {max(1, round(records / 50_000))} s)…"
            )

    def _compact(self) -> None:
        """Give back the pages a table rebuild freed (the old copy): without it the file
        keeps its old size. Only worth a try: the store works either way (a full disk or
        another process reading just leaves the free pages to be reused)."""
        if self.path is None:
            return
        try:
            self._conn.execute("PRAGMA busy_timeout = 200")  # not worth a wait at start-up
            self._conn.execute("VACUUM")
            # In WAL mode the whole copy went through the -wal file: give that back too.
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            log.warning("could not compact %s after its upgrade", self.path, exc_info=True)
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    @contextmanager
    def transaction(self, doing: str = "this change was") -> Iterator[sqlite3.Connection]:
        """A write transaction taken up front, so concurrent writers wait rather than fail.

        Any failure rolls the whole transaction back (nothing half written) and leaves as a
        StoreError; ``doing`` names what was lost, for the message.
        """
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise explain(exc, self.path, doing) from None
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    try:
                        self._conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        log.warning("rollback failed on %s", self.path, exc_info=True)
                if isinstance(exc, sqlite3.Error):
                    raise explain(exc, self.path, doing) from None
                raise
            self._check_wal()
        for hook in self.after_write:
            hook()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        if self.path is None:  # an in-memory store has one connection
            with self._lock:
                try:
                    yield self._conn
                except sqlite3.Error as exc:
                    raise explain(exc, self.path) from None
            return
        conn = self._reader()
        try:
            yield conn
        except sqlite3.Error as exc:
            raise explain(exc, self.path) from None

    def _reader(self) -> sqlite3.Connection:
        """This thread's read connection (made on first use)."""
        local = self._local
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is None or getattr(local, "generation", -1) != self._generation:
            conn = self._connect(write=False)
            local.conn, local.generation = conn, self._generation
            with self._lock:
                self._readers.append(conn)
        return conn

    @contextmanager
    def second_reader(self) -> Iterator[sqlite3.Connection]:
        """A connection of its own, for a long read in a worker thread (WAL lets it run
        beside the UI's connection instead of holding its lock); the in-memory store has
        only the one connection, so that is used, under the lock."""
        if self.path is None:
            with self.reading() as conn:
                yield conn
            return
        try:
            conn = sqlite3.connect(
                self.path.resolve().as_uri() + "?mode=ro",
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise explain(exc, self.path) from None
        try:
            yield conn
        except sqlite3.Error as exc:
            raise explain(exc, self.path) from None
        finally:
            conn.close()

    def _check_wal(self) -> None:
        """If the WAL file was deleted under us, save what only it holds, then start anew.

        SQLite keeps writing to the deleted file through its open handle; on close those
        writes would vanish. A checkpoint copies them into the main file while the handle
        is still open; reopening then creates a fresh WAL.
        """
        if self.path is None or os.path.exists(f"{self.path}-wal"):
            return
        try:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
        except sqlite3.Error as exc:
            raise explain(exc, self.path, "recent changes were") from None
        self._conn = self._connect()
        self._retire_readers()
        notice = (
            f"{self.path}-wal (the store's write-ahead log) was deleted while handterm was "
            f"running; everything in it was saved into {self.path} first. Nothing was lost."
        )
        log.warning(notice)
        self.notices.append(notice)

    def _retire_readers(self) -> None:
        """Every thread makes its read connection anew on its next read."""
        with self._lock:
            self._generation += 1
            readers, self._readers = self._readers, []
        for conn in readers:
            conn.close()

    def close(self) -> None:
        with self._lock:
            try:
                self._check_wal()
            except StoreError:
                log.warning("could not save the WAL of %s before closing", self.path)
            self._retire_readers()
            self._conn.close()


def _statements(script: str) -> Iterator[str]:
    """Split a migration into statements; trigger bodies contain ``;`` so track BEGIN/END."""
    buf: list[str] = []
    for line in script.splitlines():
        code = line.split("--", 1)[0].rstrip()
        if not code.strip() and not buf:
            continue
        buf.append(code)
        candidate = "\n".join(buf).strip()
        if candidate.endswith(";") and sqlite3.complete_statement(candidate):
            yield candidate
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        yield rest
