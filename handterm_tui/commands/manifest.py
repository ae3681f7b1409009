"""What the prompt knows of every command before the command's module is imported.

Start-up, the palette, `help`'s list, Tab on a command name and "did you mean" read this
table; a command's module (its handler, completer and `help NAME` details) is imported the
first time the command is run, completed or explained. Importing all seven modules at start
cost more than anything else handterm adds to a bare prompt (issue 13).

Each entry repeats what the module's ``@command(...)`` says; tests/core/test_registry.py
fails (printing the line to paste) when the two differ or a command is missing here.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    # A NamedTuple, not a frozen dataclass: the class is built at every start, and a
    # 13-field frozen dataclass costs ~1 ms of generated code to make.
    name: str
    module: str  # handterm_tui.commands.<module> registers the command
    summary: str
    usage: str
    aliases: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # switches that take a value
    flags: tuple[str, ...] = ()  # switches that never take one
    category: str = "general"
    mask_from: int | None = None
    blocking: bool = False
    record: bool = True
    free_text: bool = False
    completes: bool = False  # has an argument completer (in its module)

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


# fmt: off
MANIFEST: tuple[Entry, ...] = (
    Entry("clean", "builtin", "Tidy the history (no empty lines or repeats)", "clean"),
    Entry("clear", "builtin", "Clear the screen (your records stay stored)", "clear"),
    Entry("exit", "builtin", "Leave handterm", "exit", aliases=("quit",), record=False),
    Entry("help", "builtin", "List every command, or show how to use one", "help [command]", aliases=("411",), completes=True),
    Entry("history", "builtin", "List the commands you typed, newest last", "history [--limit N]", options=("limit",)),
    Entry("show", "builtin", "List the phrases you have beaten the target on", "show"),
    Entry("special", "builtin", "The punctuation keys and their chords", "special"),
    Entry("target", "builtin", "Show or set the WPM to beat in the game", "target [N]"),
    Entry("whoami", "builtin", "Who is signed in", "whoami", category="account"),
    Entry("wrt", "notes", "Write a note, or list your notes", "wrt <text…>  |  wrt [--limit N]", options=("limit",), category="notes", blocking=True, free_text=True),
    Entry("cat", "web", "Show a file you keep on the server (default _index.md)", "cat [file]  (default _index.md, your profile)", category="notes", blocking=True),
    Entry("debug", "web", "Show or hide a pane of the last API calls", "debug", record=False),
    Entry("edit", "web", "Edit a server file in $EDITOR, then save it back", "edit [file]  (default _index.md; opens $VISUAL or $EDITOR)", category="notes", blocking=True),
    Entry("github", "web", "The web's GitHub editor (here: git, and edit)", "github", category="web"),
    Entry("profile", "web", "Your server profile; `profile use NAME` switches server", "profile  |  profile <text>  |  profile use NAME  |  profile list  |  profile show", category="account", blocking=True, free_text=True, completes=True),
    Entry("svg", "web", "The web's chord pictures (here: tut, drill, special)", "svg", category="web"),
    Entry("video", "web", "The web's camera backdrop (not in a terminal)", "video", category="web"),
    Entry("forgot", "account", "Reset a forgotten password", "forgot <user> [code]", category="account", mask_from=1, blocking=True),
    Entry("login", "account", "Sign in (asks for your password, masked)", "login [user]", category="account", mask_from=1, blocking=True),
    Entry("logout", "account", "Sign out everywhere and forget the tokens", "logout [--sync-first]", flags=("sync-first",), category="account", blocking=True),
    Entry("passwd", "account", "Change your password", "passwd", category="account", mask_from=0, blocking=True),
    Entry("resend", "account", "Send the confirmation code again", "resend <user>", category="account", blocking=True),
    Entry("session", "account", "Token expiry, last refresh and where tokens are kept", "session [--check]", flags=("check",), category="account", blocking=True),
    Entry("signup", "account", "Create an account", "signup [<user> <email>]", category="account", mask_from=2, blocking=True),
    Entry("verify", "account", "Confirm a new account with the emailed code", "verify <user> <code>", category="account", blocking=True),
    Entry("archive", "logs", "Upload queued records and notes now", "archive [--include-signed-out]", aliases=("sync",), flags=("include-signed-out",), category="logs", blocking=True),
    Entry("logs", "logs", "Browse, search and export your records", "logs [search…] [--kind command|game|note] [--since DATE] [--until DATE]", options=("kind", "since", "until"), category="logs", record=False),
    Entry("outbox", "logs", "What is waiting to upload, and why", "outbox", category="logs"),
    Entry("level", "practice", "Choose the game level `play` picks from", "level [N]   (also level1 … level5, as on the web)", aliases=("level1", "level2", "level3", "level4", "level5"), category="practice"),
    Entry("ls", "practice", "List the game's phrases (✓ = achieved)", "ls [--level N]", options=("level",), category="practice"),
    Entry("play", "practice", "Play the phrases game", "play [key]", aliases=("phrase",), category="practice", completes=True),
    Entry("stats", "practice", "Your WPM and accuracy over time, best phrases, slow keys", "stats", category="practice"),
    Entry("tut", "practice", "The typing tutorial (--reset starts it again)", "tut [--reset]", flags=("reset",), category="practice"),
    Entry("chords", "chords", "Your slowest chords, transitions, fingers and positions", "chords [--prompt] [--json]", flags=("json", "prompt"), category="practice", blocking=True),
    Entry("drill", "chords", "Practise your weakest chords and transitions", "drill [--minutes N]", options=("minutes",), category="practice", blocking=True),
)
# fmt: on
