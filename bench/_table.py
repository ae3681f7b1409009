"""Rows for ``make bench``'s one table. Each bench script calls :func:`emit`; run_all.py
collects the rows (a JSON line each, in the file named by ``BENCH_ROWS``) and prints them."""

from __future__ import annotations

import json
import os
from typing import Any


def emit(
    row: str,
    figure: float,
    baseline: float | None,
    target: str,
    met: bool,
    *,
    unit: str = "",
    ratio: float | None = None,
    note: str = "",
) -> None:
    """One table row. ``baseline`` is measured in the same run; ``ratio`` defaults to
    figure / baseline; ``target`` is the words of the goal (``<= 10 ms``, ``<= 1.2x``)."""
    if ratio is None and baseline:
        ratio = figure / baseline
    data: dict[str, Any] = {
        "row": row,
        "figure": figure,
        "baseline": baseline,
        "ratio": ratio,
        "target": target,
        "met": bool(met),
        "unit": unit,
        "note": note,
    }
    print("ROW " + json.dumps(data), flush=True)
    path = os.environ.get("BENCH_ROWS")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(data) + "\n")
