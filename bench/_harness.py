"""Shared bench helpers: medians, paired ratios, and the bare Textual baseline app."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from textual.app import App, ComposeResult
from textual.widgets import Input


class BareInputApp(App[None]):
    """The baseline: a bare Textual app with one focused Input."""

    def compose(self) -> ComposeResult:
        yield Input(id="bare")

    def on_mount(self) -> None:
        self.query_one(Input).focus()


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def report(
    name: str, ours: Sequence[float], base: Sequence[float], unit: str, target: float
) -> float:
    """Print medians and the median of paired ratios (robust on a noisy machine)."""
    ratios = [o / b for o, b in zip(ours, base, strict=True) if b > 0]
    ratio = median(ratios)
    verdict = "meets" if ratio <= target else "misses"
    print(
        f"{name}: handterm {median(ours):.2f} {unit}, baseline {median(base):.2f} {unit}, "
        f"ratio {ratio:.2f}x (target <= {target}x: {verdict}; {len(ratios)} paired runs)"
    )
    return ratio
