"""Object storage for the API: `user_data/{userId}/...` on disk or in an S3 bucket.

Keys come from clients, so every key is validated (no `..`, `.`, empty segments, absolute paths,
backslashes, NUL or control characters) and every path segment is percent-encoded on disk, so a
key can never leave its user's folder and `:` in ISO-time keys is safe on any filesystem.

The disk store keeps a per-user in-memory index of log keys (this process is the only writer of
its data dir), so getLog/listLog cost O(limit), not a directory walk, and see past 1000 keys.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import os
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote

_SAFE_SEGMENT = " !$&'()+,;=@[]^_`{}~-."
_EXT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_NUM_RE = re.compile(r"^\s*([+-]?\d+)")
MAX_KEY = 1024
MAX_SEGMENT = 200  # encoded bytes: + "." + a 32-character extension stays under 255
_tmp_counter = itertools.count()


class KeyError_(ValueError):
    """A client-supplied key or extension that would be unsafe or meaningless."""


# quote(c, safe=_SAFE_SEGMENT) for every ASCII character, as one str.translate table: an
# ASCII segment is encoded in one C call, where quote() goes a character at a time.
_ASCII_QUOTE = {c: quote(chr(c), safe=_SAFE_SEGMENT) for c in range(128)}
_BAD_CHAR = re.compile(r"[\x00-\x1f\x7f\\]")


def encode_segment(segment: str) -> str:
    """A key segment as its file name on disk: ``quote(segment, safe=_SAFE_SEGMENT)``."""
    if segment.isascii():
        return segment.translate(_ASCII_QUOTE)
    return quote(segment, safe=_SAFE_SEGMENT)


def _check_chars(text: str) -> None:
    if _BAD_CHAR.search(text):
        raise KeyError_("Invalid key")


def _check_segments(segments: list[str]) -> None:
    if any(seg in ("", ".", "..") for seg in segments):
        raise KeyError_("Invalid key")
    # On disk a segment is a file name, percent-encoded (up to 3 bytes per ASCII character,
    # 12 for others); most filesystems stop at 255 bytes, and the extension still has to fit
    # after the last one. A short segment cannot be too long encoded: it is not encoded here.
    for seg in segments:
        longest = len(seg) * (3 if seg.isascii() else 12)
        if longest > MAX_SEGMENT and len(encode_segment(seg)) > MAX_SEGMENT:
            raise KeyError_(f"Invalid key: a key part may be at most {MAX_SEGMENT} bytes encoded")


def validate_key(key: object) -> str:
    """A storage key relative to the user's space: `a/b/c`, no traversal, not absolute."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY:
        raise KeyError_("Invalid key")
    _check_chars(key)
    _check_segments(key.split("/"))
    return key


def validate_prefix(prefix: object) -> str:
    """A listing prefix: like a key, but may be empty or end with `/`."""
    if prefix is None or prefix == "":
        return ""
    if not isinstance(prefix, str) or len(prefix) > MAX_KEY:
        raise KeyError_("Invalid key")
    _check_chars(prefix)
    segments = prefix.split("/")
    if segments[-1] == "":
        segments.pop()
    _check_segments(segments)
    return prefix


def validate_extension(ext: object) -> str:
    if not isinstance(ext, str) or not _EXT_RE.match(ext):
        raise KeyError_("Invalid extension")
    return ext


@functools.lru_cache(maxsize=1024)  # asked on every request, for a few signed-in users
def safe_user(user_id: str) -> str:
    """userId as one safe path segment (Cognito usernames may contain `/`)."""
    encoded = quote(user_id, safe="@+-_.")
    if not encoded or encoded.strip(".") == "":
        encoded = encoded.replace(".", "%2E") or "%00"
    return encoded


def getlog_order(key: str) -> tuple[int, int, str]:
    """Newest first by the numeric start of the file name (JS parseInt); others ascending."""
    match = _NUM_RE.match(key.rsplit("/", 1)[-1])
    if match:
        return (0, -int(match.group(1)), key)
    return (1, 0, key)


def atomic_write(
    path: Path | str,
    data: bytes,
    mode: int = 0o644,
    tmp_dir: Path | str | None = None,
    known_dirs: set[str] | None = None,
) -> None:
    """Write via a temp file and rename: readers see the old or the new object, never half.

    ``known_dirs``: folders already made, so a write into one costs no mkdir (the caller
    forgets them when one has gone)."""
    target = os.fspath(path)
    parent = os.path.dirname(target)
    folder = os.fspath(tmp_dir) if tmp_dir is not None else parent
    for wanted in (parent, folder):
        if known_dirs is None or wanted not in known_dirs:
            os.makedirs(wanted, exist_ok=True)
            if known_dirs is not None:
                known_dirs.add(wanted)
    name = os.path.basename(target)[:40]
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{next(_tmp_counter)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Storage(Protocol):
    blocking: bool  # True: call from a worker thread (network I/O)
    description: str

    def put(self, user_id: str, rel: str, data: bytes) -> None: ...

    def get(self, user_id: str, rel: str) -> bytes | None: ...

    def log_keys(
        self, user_id: str, prefix: str, limit: int, before: str | None = None
    ) -> list[str]:
        """Log keys (relative to logs/) with this raw prefix, descending byte order; with
        `before`, only keys that sort below it (the next page)."""
        ...

    def newest_logs(
        self, user_id: str, prefix: str, limit: int, before: str | None = None
    ) -> list[str]:
        """Log keys with this raw prefix in getLog order; with `before`, only keys that come
        after it in that order (the next page)."""
        ...


class _Index:
    def __init__(self, keys: list[str]) -> None:
        self.present = set(keys)
        self.sorted = sorted(keys)
        self.order = sorted(getlog_order(k) for k in keys)

    def add(self, key: str) -> None:
        if key not in self.present:
            self.present.add(key)
            bisect.insort(self.sorted, key)
            bisect.insort(self.order, getlog_order(key))


class DiskStorage:
    """Objects as files under `root`; this process must be the only writer of `root`."""

    blocking = False
    CACHE_ITEM = 64 * 1024  # small objects (log entries) are kept in memory after first read
    CACHE_TOTAL = 64 * 1024 * 1024

    def __init__(self, root: Path) -> None:
        self.root = root
        self.description = f"disk:{root}"
        self._tmp = root / ".tmp"
        self._users = os.path.join(root, "user_data")
        self._dirs: set[str] = set()  # folders made (or found) by put: no mkdir per write
        self._indexes: dict[str, _Index] = {}
        # (user, rel): cheaper than a Path; ordered, so dropping the oldest is O(1)
        self._cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._cached = 0
        self._lock = threading.Lock()

    def _remember(self, path: tuple[str, str], data: bytes | None) -> None:
        with self._lock:
            old = self._cache.pop(path, None)
            self._cached -= len(old) if old is not None else 0
            if data is None or len(data) > self.CACHE_ITEM:
                return
            while self._cache and self._cached + len(data) > self.CACHE_TOTAL:
                self._cached -= len(self._cache.popitem(last=False)[1])  # oldest first
            self._cache[path] = data
            self._cached += len(data)

    def _file(self, user_id: str, rel: str) -> str:
        parts = [encode_segment(seg) for seg in rel.split("/")]
        return os.path.join(self._users, safe_user(user_id), *parts)

    def _path(self, user_id: str, rel: str) -> Path:
        return Path(self._file(user_id, rel))

    def _index(self, user_id: str) -> _Index:
        index = self._indexes.get(user_id)
        if index is None:
            base = self._path(user_id, "logs")
            keys: list[str] = []
            for folder, _dirs, files in os.walk(base):
                rel_dir = os.path.relpath(folder, base)
                prefix = (
                    ""
                    if rel_dir == "."
                    else "/".join(unquote(p) for p in rel_dir.split(os.sep)) + "/"
                )
                keys.extend(prefix + unquote(name) for name in files)
            index = self._indexes[user_id] = _Index(keys)
        return index

    def put(self, user_id: str, rel: str, data: bytes) -> None:
        path = self._file(user_id, rel)
        if len(self._dirs) > 10_000:  # a bound on memory, not a policy: a mkdir is cheap
            self._dirs.clear()
        try:
            atomic_write(path, data, tmp_dir=self._tmp, known_dirs=self._dirs)
        except FileNotFoundError:  # a folder removed behind our back: make it again
            self._dirs.clear()
            atomic_write(path, data, tmp_dir=self._tmp, known_dirs=self._dirs)
        self._remember((user_id, rel), data)
        if rel.startswith("logs/"):
            with self._lock:
                self._index(user_id).add(rel[5:])

    def get(self, user_id: str, rel: str) -> bytes | None:
        data = self._cache.get((user_id, rel))
        if data is not None:
            return data
        try:
            with open(self._file(user_id, rel), "rb") as handle:
                data = handle.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        self._remember((user_id, rel), data)
        return data

    def log_keys(
        self, user_id: str, prefix: str, limit: int, before: str | None = None
    ) -> list[str]:
        with self._lock:
            keys = self._index(user_id).sorted
            lo = bisect.bisect_left(keys, prefix)
            hi = bisect.bisect_left(keys, prefix + "\U0010ffff")
            if before is not None:
                hi = max(lo, min(hi, bisect.bisect_left(keys, before)))
            return keys[max(lo, hi - limit) : hi][::-1]

    def newest_logs(
        self, user_id: str, prefix: str, limit: int, before: str | None = None
    ) -> list[str]:
        out: list[str] = []
        if limit <= 0:
            return out
        with self._lock:
            order = self._index(user_id).order
            start = 0 if before is None else bisect.bisect_right(order, getlog_order(before))
            for _group, _num, key in itertools.islice(order, start, None):
                if key.startswith(prefix):
                    out.append(key)
                    if len(out) >= limit:
                        break
        return out


class S3Storage:
    """The same layout in a bucket (real AWS or any S3 endpoint); listings read every page."""

    blocking = True
    page_size = 1000  # S3's maximum; tests shrink it to prove every page is read

    def __init__(
        self, bucket: str, endpoint_url: str | None, region: str, *, create: bool = True
    ) -> None:
        import boto3  # lazy: only S3 mode pays for boto3

        self.bucket = bucket
        self.description = f"s3://{bucket}" + (f" at {endpoint_url}" if endpoint_url else "")
        self._s3: Any = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)
        if not create:  # the AWS stack owns its bucket (and the Lambda may not create one)
            return
        try:
            self._s3.head_bucket(Bucket=bucket)
        except Exception:
            self._s3.create_bucket(Bucket=bucket)

    def _key(self, user_id: str, rel: str) -> str:
        return f"user_data/{safe_user(user_id)}/{rel}"

    def put(self, user_id: str, rel: str, data: bytes) -> None:
        self._s3.put_object(Bucket=self.bucket, Key=self._key(user_id, rel), Body=data)

    def get(self, user_id: str, rel: str) -> bytes | None:
        try:
            obj = self._s3.get_object(Bucket=self.bucket, Key=self._key(user_id, rel))
        except self._s3.exceptions.NoSuchKey:
            return None
        body: bytes = obj["Body"].read()
        return body

    def _all(self, user_id: str, prefix: str) -> list[str]:
        base = self._key(user_id, "logs/")
        keys: list[str] = []
        paginator = self._s3.get_paginator("list_objects_v2")
        pages = paginator.paginate(
            Bucket=self.bucket,
            Prefix=base + prefix,
            PaginationConfig={"PageSize": self.page_size},
        )
        for page in pages:
            keys.extend(item["Key"][len(base) :] for item in page.get("Contents", []))
        return keys

    def log_keys(
        self, user_id: str, prefix: str, limit: int, before: str | None = None
    ) -> list[str]:
        keys = sorted(self._all(user_id, prefix), reverse=True)
        return [k for k in keys if before is None or k < before][:limit]

    def newest_logs(
        self, user_id: str, prefix: str, limit: int, before: str | None = None
    ) -> list[str]:
        order = sorted(map(getlog_order, self._all(user_id, prefix)))
        if before is not None:
            order = order[bisect.bisect_right(order, getlog_order(before)) :]
        return [k for _g, _n, k in order][:limit]
