"""The web's commands that fit a terminal: ``profile`` (the server profile, as the web's, plus
``profile use|list|show`` for the local config), ``cat``/``edit`` (files on the server),
``debug`` (the last API calls), and one-line answers for those that do not fit (svg, video,
github).
"""

from __future__ import annotations

from handterm_tui import config as config_mod
from handterm_tui.commands.base import (
    Context,
    OpenScreen,
    Outcome,
    UseConfig,
    command,
    usage_error,
)
from handterm_tui.core.parser import ParsedCommand
from handterm_tui.core.records import FAILED, NOT_FOUND
from handterm_tui.services import LOCAL_SERVER, Unavailable

PROFILE_USAGE = "profile  |  profile <text>  |  profile use NAME  |  profile list  |  profile show"
LOCAL_WORDS = ("use", "list", "show")


def _profile_names(args: tuple[str, ...], partial: str) -> list[str]:
    if not args:
        return list(LOCAL_WORDS)
    if args[0] == "use" and len(args) == 1:
        try:
            return sorted(config_mod.load().profiles)
        except config_mod.ConfigError:
            return []
    return []


def _rest(line: str, words: int) -> str:
    parts = line.strip().split(None, words)
    return parts[words] if len(parts) > words else ""


@command(
    "profile",
    "Your server profile; `profile use NAME` switches server",
    PROFILE_USAGE,
    category="account",
    complete=_profile_names,
    blocking=True,  # the server forms ask the API
    free_text=True,
    details="profile            shows the profile text kept on the server (GET /getUser)\n"
    "profile <text>     saves <text> as your profile (POST /setUser), as the web did\n"
    "profile list       the server profiles in the config file (* = in use)\n"
    "profile show       the one in use: API URL, sign-in, config file\n"
    "profile use NAME   switch to NAME now (no restart) and make it the default",
)
def profile(ctx: Context, cmd: ParsedCommand) -> Outcome:
    first = cmd.args[0] if cmd.args else ""
    if first == "list" and len(cmd.args) == 1:
        return _list(ctx)
    if first == "show" and len(cmd.args) == 1:
        return _show(ctx)
    if first == "use":
        if len(cmd.args) != 2:
            return usage_error("profile use NAME", "Name one profile (`profile list` shows them).")
        return _use(ctx, cmd.args[1])
    text = _rest(cmd.raw, 1) if cmd.raw else " ".join(cmd.args)
    return _server_profile(ctx, text)


def _list(ctx: Context) -> Outcome:
    cfg = ctx.config
    if not cfg.profiles:
        return Outcome(f"No profiles in {cfg.path}.\n{LOCAL_SERVER}")
    active = cfg.profile.name if cfg.profile else None
    lines = [
        f"{'*' if name == active else ' '} {name:<12} {prof.api_url or '(no API URL)'}"
        for name, prof in sorted(cfg.profiles.items())
    ]
    return Outcome("\n".join([*lines, f"Config file: {cfg.path}"]))


def _show(ctx: Context) -> Outcome:
    prof = ctx.config.profile
    if prof is None:
        return Outcome(f"Offline mode: no server profile is in use.\n{LOCAL_SERVER}")
    lines = [
        f"Profile: {prof.name}",
        f"API URL: {prof.api_url or '(not set)'}",
        f"Sign-in: {prof.auth}",
        f"Region: {prof.region}",
        f"User pool: {prof.user_pool_id or '(not set)'}",
        f"App client: {prof.client_id or '(not set)'}",
    ]
    if prof.cognito_endpoint:
        lines.append(f"Cognito endpoint: {prof.cognito_endpoint}")
    lines += [
        f"Refresh token validity: {prof.refresh_token_validity_days} days",
        f"Config file: {ctx.config.path}",
    ]
    return Outcome("\n".join(lines))


def _use(ctx: Context, name: str) -> Outcome:
    try:
        config_mod.set_default_profile(name, path=ctx.config.path)
        new = config_mod.load(ctx.config.path, profile=name)
    except config_mod.ConfigError as exc:
        return Outcome(str(exc), status=NOT_FOUND)
    prof = new.profile
    url = prof.api_url if prof else ""
    return Outcome(
        f"Using profile {name} ({url}); it is now the default too. `login <user>` to sign in.",
        action=UseConfig(new) if ctx.interactive else None,
    )


def _server_profile(ctx: Context, text: str) -> Outcome:
    try:
        account = ctx.services.account_api()
    except Unavailable as exc:
        return Outcome(exc.message, status=FAILED)
    from handterm_tui.api.errors import ApiError

    try:
        if text:
            reply = account.api.set_user(text)
            return Outcome(f"Profile saved ({len(text)} characters): {reply}")
        user = account.api.get_user()
    except ApiError as exc:
        if not text and exc.status == NOT_FOUND:
            return Outcome("No profile on the server yet: `profile <text>` writes one.")
        return Outcome(f"The server said: {exc.message}", status=exc.status or FAILED)
    content = user.content
    if content is None:
        # Later APIs answer /getUser with attributes only; the text is still _index.md.
        try:
            content = account.api.get_file("_index", "md")
        except ApiError:
            content = None
    lines = [f"userId: {user.user_id}"]
    lines.append(content if content else "(no profile text yet: `profile <text>` writes one)")
    for key, value in sorted(user.attributes.items()):
        lines.append(f"{key}: {value}")
    return Outcome("\n".join(lines))


# -- debug: the last API calls ---------------------------------------------------------


@command(
    "debug",
    "Show or hide a pane of the last API calls",
    "debug",
    record=False,  # as on the web: toggling it leaves no record
)
def debug(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if not ctx.interactive:
        return Outcome("The debug pane is part of the terminal UI: run `handterm`, then `debug`.")
    return Outcome("", action=OpenScreen("debug"), record=False)


# -- the web's commands that have no terminal form: one line each, not "not found" -------

ELSEWHERE = {
    "svg": "Chord pictures are drawn as text here: see `tut`, `drill` and `special`.",
    "video": "No camera in a terminal: the web's `video` backdrop stays on the web.",
    "github": "GitHub editing stays on the web: use git, and `edit` for your files here.",
}


def _elsewhere(ctx: Context, cmd: ParsedCommand) -> Outcome:
    return Outcome(ELSEWHERE[cmd.name])


ELSEWHERE_SUMMARY = {
    "svg": "The web's chord pictures (here: tut, drill, special)",
    "video": "The web's camera backdrop (not in a terminal)",
    "github": "The web's GitHub editor (here: git, and edit)",
}
for _name, _summary in ELSEWHERE_SUMMARY.items():
    command(_name, _summary, _name, category="web")(_elsewhere)


# -- cat / edit: the files kept on the server (getFile / putFile) -------------------------

FILE_USAGE = "cat [file]  (default _index.md, your profile)"
EDIT_USAGE = "edit [file]  (default _index.md; opens $VISUAL or $EDITOR)"
DEFAULT_FILE = "_index.md"
MAX_FILE = 1_000_000


def split_file(name: str) -> tuple[str, str] | None:
    """``notes.txt`` → (``notes``, ``txt``); a name without an extension is Markdown."""
    name = name.strip()
    if not name or "/" in name or "\\" in name or name.startswith(".") or len(name) > 100:
        return None
    key, dot, ext = name.rpartition(".")
    if not dot:
        return name, "md"
    if not key or not ext.isalnum():
        return None
    return key, ext


def read_server_file(ctx: Context, key: str, ext: str) -> tuple[str | None, Outcome | None]:
    """The file's text (None: not there yet), or an Outcome that says why it cannot be read."""
    try:
        account = ctx.services.account_api()
    except Unavailable as exc:
        return None, Outcome(exc.message, status=FAILED)
    from handterm_tui.api.errors import ApiError

    try:
        return account.api.get_file(key, ext), None
    except ApiError as exc:
        if exc.status == NOT_FOUND:
            return None, None
        return None, Outcome(f"The server said: {exc.message}", status=exc.status or FAILED)


def write_server_file(ctx: Context, key: str, ext: str, text: str) -> Outcome:
    try:
        account = ctx.services.account_api()
    except Unavailable as exc:
        return Outcome(exc.message, status=FAILED)
    from handterm_tui.api.errors import ApiError

    if not text.strip():
        return Outcome("Not saved: the file is empty (the server keeps no empty files).", 400)
    try:
        account.api.put_file(key, text, ext)
    except ApiError as exc:
        return Outcome(f"Not saved; the server said: {exc.message}", status=exc.status or FAILED)
    return Outcome(f"Saved {key}.{ext} to the server ({len(text):,} characters).")


@command(
    "cat",
    "Show a file you keep on the server (default _index.md)",
    FILE_USAGE,
    category="notes",
    blocking=True,
)
def cat(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if len(cmd.args) > 1:
        return usage_error(FILE_USAGE, "cat shows one file.")
    parts = split_file(cmd.args[0] if cmd.args else DEFAULT_FILE)
    if parts is None:
        return usage_error(FILE_USAGE, "A file name is a name and an extension, e.g. notes.md.")
    text, problem = read_server_file(ctx, *parts)
    if problem is not None:
        return problem
    if text is None:
        return Outcome(
            f"No file {parts[0]}.{parts[1]} on the server yet: `edit {parts[0]}.{parts[1]}` "
            "writes one.",
            status=NOT_FOUND,
        )
    return Outcome(text)


@command(
    "edit",
    "Edit a server file in $EDITOR, then save it back",
    EDIT_USAGE,
    category="notes",
    blocking=True,
    details="The file is fetched, opened in your editor, and saved back with /putFile when\n"
    "you close the editor. If the server copy changed meanwhile, handterm asks first.",
)
def edit(ctx: Context, cmd: ParsedCommand) -> Outcome:
    if len(cmd.args) > 1:
        return usage_error(EDIT_USAGE, "edit opens one file.")
    parts = split_file(cmd.args[0] if cmd.args else DEFAULT_FILE)
    if parts is None:
        return usage_error(EDIT_USAGE, "A file name is a name and an extension, e.g. notes.md.")
    if not ctx.interactive:
        return Outcome(
            "edit opens your editor from the terminal UI: run `handterm`, then `edit`. "
            "`handterm exec cat` prints a file.",
            status=FAILED,
        )
    text, problem = read_server_file(ctx, *parts)
    if problem is not None:
        return problem
    key, ext = parts
    return Outcome(
        f"Editing {key}.{ext}" + (" (new file)" if text is None else ""),
        action=OpenScreen("editor", {"key": key, "ext": ext, "original": text}),
        record=False,
    )
