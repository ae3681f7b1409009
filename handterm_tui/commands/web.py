"""The web's commands that fit a terminal: ``profile`` (the server profile, as the web's, plus
``profile use|list|show`` for the local config), and one-line answers for those that do not.
"""

from __future__ import annotations

from handterm_tui import config as config_mod
from handterm_tui.commands.base import Context, Outcome, UseConfig, command, usage_error
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
    "Your profile on the server; `profile use NAME` switches the server handterm talks to",
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
