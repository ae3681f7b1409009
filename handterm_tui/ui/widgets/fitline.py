"""A one-line hint that shortens instead of being cut: the longest of its wordings that fits
the width it has (a phone over SSH is 60 columns or fewer)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.widgets import Static


def fitting(variants: Sequence[str], width: int) -> str:
    """The first (longest first) of ``variants`` that fits ``width`` cells, else the last."""
    for text in variants:
        if cell_len(text) <= width:
            return text
    return variants[-1] if variants else ""


class FitLine(Static):
    DEFAULT_CSS = """
    FitLine { height: 1; }
    """

    def __init__(self, *variants: str, id: str | None = None, classes: str = "") -> None:
        self._variants: tuple[str, ...] = variants
        super().__init__(variants[0] if variants else "", id=id, classes=classes, markup=False)

    def say(self, *variants: str) -> None:
        self._variants = variants
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        width = self.content_region.width or self.size.width
        if width:
            self.update(fitting(self._variants, width))
