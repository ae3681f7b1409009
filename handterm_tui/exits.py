"""Exit statuses of the ``handterm`` CLI, shared by every subcommand, and its error line."""

from __future__ import annotations

import sys

EXIT_OK = 0
EXIT_NOT_SIGNED_IN = 1  # also: a command error under `handterm exec`
EXIT_USAGE = 2
EXIT_ENDED = 3  # the session ended: sign in again
EXIT_UNREACHABLE = 4  # the server cannot be reached; tokens kept
EXIT_LEFT = 5  # `handterm sync`: items left to retry


def err(message: str) -> None:
    print(f"handterm: {message}", file=sys.stderr)
