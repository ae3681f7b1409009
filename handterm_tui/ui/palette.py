"""The few colours handterm names in Rich styles itself (the rest come from the theme).

Hex, not ANSI names: an ANSI "red" or "blue" depends on the terminal's palette and under
NO_COLOR turns into a dark grey (red became #3a3a3a on #121212). Each value keeps 4.5:1 on
the theme's backgrounds in colour and in monochrome; tests/ui/test_contrast.py measures it.
"""

from __future__ import annotations

ERROR = "#ff8080"  # an error's text and its ✗ mark
USER = "#7aa2ff"  # user@handterm in the prompt (the web's bold blue)
PROMPT = "#5fd75f"  # the prompt's ~$ (the web's bold green)
HINT = "#f0b050"  # chord hints (the web's yellow)
SALMON = "#ffa07a"  # the tutorial's text (the web's light salmon)
# Labels and secondary text: "dim" is halved by the terminal and fell below 4.5:1 under
# NO_COLOR, so a fixed grey instead.
MUTED = "#a8a8a8"
