"""Keystroke timings stored compactly (schema 5's ``records.keys``), losing nothing shown.

JSON text took ~28 bytes a key (``["a", 87.34912300109863]``); this takes ~2.5-3. Layout:

- one flag byte: 1 when the characters are the record's line (the usual case: the line was
  typed as it stands), so they are not stored twice; 0 when they follow;
- with flag 0: the characters' UTF-8 length as a varint, then the bytes;
- then one varint per key: 0 for "no interval" (the first key), else the interval in whole
  microseconds plus 1. Uploads send ms rounded to 3 decimals and screens show whole ms, so
  microseconds keep everything anyone sees.

Or, when it is shorter (typing intervals mostly need 17-20 bits, not the 21 of three
varint bytes; written since schema 7, so a handterm that cannot read it cannot open the
store either), the values packed: flag byte ``LINE | PACKED`` or ``OWN |
PACKED``, the characters as above, one byte giving the bit width ``w``, then every value in
``w`` bits, little-endian, in ``ceil(n * w / 8)`` bytes. Blobs of either layout read back.

Keys that do not fit (not one character each, a negative or non-finite interval) are not
encoded (:func:`encode` returns None) and stay as JSON text, as before schema 5.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

LINE = 1
OWN = 0
PACKED = 2  # or-ed into the flag byte: values bit-packed instead of varints


def _varint(value: int, out: bytearray) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def encode(keys: Sequence[tuple[str, float | None]], line: str) -> bytes | None:
    chars = "".join(c for c, _ in keys)
    if len(chars) != len(keys):
        return None  # a "key" of several characters (or none): keep the JSON form
    values: list[int] = []
    for _, ms in keys:
        if ms is None:
            values.append(0)
            continue
        if isinstance(ms, bool) or not math.isfinite(ms) or ms < 0:
            return None
        values.append(round(ms * 1000) + 1)
    head = bytearray()
    if chars == line:
        head.append(LINE)
    else:
        head.append(OWN)
        raw = chars.encode("utf-8")
        _varint(len(raw), head)
        head += raw
    width = max(values, default=0).bit_length()
    packed_size = 1 + (len(values) * width + 7) // 8
    varint_size = sum((v.bit_length() + 6) // 7 or 1 for v in values)
    if width <= 255 and packed_size < varint_size:
        packed = 0
        for i, value in enumerate(values):
            packed |= value << (i * width)
        head[0] |= PACKED
        return bytes(head) + bytes([width]) + packed.to_bytes(packed_size - 1, "little")
    for value in values:
        _varint(value, head)
    return bytes(head)


def decode(blob: bytes, line: str) -> list[tuple[str, float | None]]:
    """``[(char, ms or None), ...]``; raises ValueError on a damaged blob."""
    try:
        pos = 1
        flag = blob[0]
        if flag & ~PACKED == LINE:
            chars = line
        elif flag & ~PACKED == OWN:
            length, pos = _read(blob, pos)
            chars = blob[pos : pos + length].decode("utf-8")
            pos += length
        else:
            raise ValueError("unknown keystroke encoding")
        if flag & PACKED:
            return _unpack(blob, pos, chars)
        out: list[tuple[str, float | None]] = []
        for char in chars:
            value, pos = _read(blob, pos)
            out.append((char, None if value == 0 else (value - 1) / 1000))
    except (IndexError, UnicodeDecodeError) as exc:
        raise ValueError(f"damaged keystroke timings ({exc})") from None
    if pos != len(blob):
        raise ValueError("damaged keystroke timings (trailing bytes)")
    return out


def _unpack(blob: bytes, pos: int, chars: str) -> list[tuple[str, float | None]]:
    width = blob[pos]
    body = blob[pos + 1 :]
    if len(body) != (len(chars) * width + 7) // 8:
        raise ValueError("damaged keystroke timings (wrong length)")
    packed = int.from_bytes(body, "little")
    if packed >> (len(chars) * width):
        raise ValueError("damaged keystroke timings (trailing bits)")
    mask = (1 << width) - 1
    out: list[tuple[str, float | None]] = []
    for i, char in enumerate(chars):
        value = (packed >> (i * width)) & mask
        out.append((char, None if value == 0 else (value - 1) / 1000))
    return out


def _read(blob: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = blob[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
