"""Commands whose feature is not built yet: registered so help is complete and each
says what it needs. A real implementation registered first takes the name."""

from __future__ import annotations

from handterm_tui.commands.base import REGISTRY, Context, Handler, Outcome, command
from handterm_tui.core.parser import ParsedCommand
from handterm_tui.core.records import UNAVAILABLE

# name, aliases, summary, usage, category, what it needs
PLANNED: list[tuple[str, tuple[str, ...], str, str, str, str]] = [
    (
        "login",
        (),
        "Sign in (asks for your password, masked)",
        "login <user>",
        "account",
        "sign-in, which needs an API profile",
    ),
    (
        "signup",
        (),
        "Create an account",
        "signup <user> <email>",
        "account",
        "sign-up, which needs an API profile",
    ),
    (
        "verify",
        (),
        "Confirm a new account with the emailed code",
        "verify <user> <code>",
        "account",
        "sign-up, which needs an API profile",
    ),
    (
        "resend",
        (),
        "Send the confirmation code again",
        "resend <user>",
        "account",
        "sign-up, which needs an API profile",
    ),
    ("passwd", (), "Change your password", "passwd", "account", "sign-in"),
    ("forgot", (), "Reset a forgotten password", "forgot <user>", "account", "an API profile"),
    ("logout", (), "Sign out everywhere and forget the tokens", "logout", "account", "sign-in"),
    (
        "session",
        (),
        "Token expiry, last refresh and where tokens are kept",
        "session",
        "account",
        "sign-in",
    ),
    (
        "logs",
        (),
        "Browse, search and export your records",
        "logs [search]",
        "logs",
        "the log-history browser",
    ),
    ("archive", ("sync",), "Upload queued records now", "archive", "logs", "sign-in"),
    ("outbox", (), "What is waiting to upload, and why", "outbox", "logs", "the uploader"),
    ("play", ("phrase",), "Play the phrases game", "play [key]", "practice", "typing practice"),
    ("ls", (), "List the game's phrases", "ls", "practice", "typing practice"),
    ("tut", (), "The typing tutorial", "tut [--reset]", "practice", "typing practice"),
    ("stats", (), "Your WPM and accuracy over time", "stats", "practice", "typing practice"),
]


def _planned(name: str, needs: str) -> Handler:
    def handler(ctx: Context, cmd: ParsedCommand) -> Outcome:
        return Outcome(
            f"`{name}` needs {needs}, which this build does not have yet.", status=UNAVAILABLE
        )

    return handler


def register_planned() -> None:
    for name, aliases, summary, usage, category, needs in PLANNED:
        if REGISTRY.get(name) is None:
            command(name, summary, usage, aliases=aliases, category=category)(_planned(name, needs))
