"""`handterm aws synth|deploy`, `handterm pool check`, `handterm profile import` (the aws extra).

handterm_tui.cli hands these commands their whole argument list, so the TUI's parser stays
small and nothing here is imported unless asked for.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from handterm_tui.exits import EXIT_USAGE as USAGE

_PROFILE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
OUTPUT_KEYS = ("ApiUrl", "UserPoolId", "UserPoolClientId", "Region")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="handterm")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    aws = sub.add_parser("aws", help="the HandTerm backend on AWS (CDK)")
    aws_sub = aws.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (
        ("synth", "write the CloudFormation template (needs Node, no AWS access)"),
        ("deploy", "deploy with the CDK CLI (`npx aws-cdk`) and your own AWS credentials"),
    ):
        a = aws_sub.add_parser(name, help=text)
        a.add_argument("--out", type=Path, default=Path("cdk.out"), help="cloud assembly folder")
        a.add_argument(
            "-c",
            "--context",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="stack setting, e.g. refresh_days=30, access_minutes=60, stack_name=HandTerm",
        )
        if name == "deploy":
            a.add_argument("--outputs-file", type=Path, default=Path("cdk-outputs.json"))
            a.add_argument("--aws-profile", help="AWS profile for the CDK CLI")

    pool = sub.add_parser("pool", help="check a Cognito user pool's token settings")
    pool_sub = pool.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = pool_sub.add_parser(
        "check",
        help="token validity, flows and revocation of each app client, and what users see; "
        "exit 0 healthy, 1 a finding, 2 cannot ask",
    )
    check.add_argument("pool_id", nargs="?", help="a pool id; without it, every pool in --region")
    check.add_argument("--region", help="AWS region (default: the pool id's, else your AWS's)")
    check.add_argument("--json", action="store_true")
    check.add_argument("--aws-profile", help="AWS profile to use (default: AWS_PROFILE)")
    check.add_argument("--endpoint-url", help=argparse.SUPPRESS)  # tests: moto in server mode

    prof = sub.add_parser("profile", help="handterm profiles")
    prof_sub = prof.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = prof_sub.add_parser("import", help="write a profile from `cdk deploy` outputs")
    imp.add_argument("outputs", type=Path, help="cdk-outputs.json (cdk deploy --outputs-file)")
    imp.add_argument("--name", default="aws", help="profile name (default aws)")
    imp.add_argument("--stack", help="which stack in the file (default: the only one)")
    imp.add_argument("--no-default", action="store_true", help="do not make it the default")
    return p


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    if args.command == "pool":
        from . import poolcheck

        return poolcheck.main(
            args.pool_id, args.region, args.json, args.aws_profile, args.endpoint_url
        )
    if args.command == "profile":
        return import_profile(args.outputs, args.name, args.stack, not args.no_default)
    context = {}
    for item in args.context:
        key, sep, value = item.partition("=")
        if not sep or not key:
            print(f"handterm aws: -c wants KEY=VALUE, not {item!r}", file=sys.stderr)
            return USAGE
        context[key] = value
    from . import app

    if args.action == "synth":
        return app.synth_main(args.out, context)
    return app.deploy_main(args.out, context, args.outputs_file, args.aws_profile)


def _outputs(path: Path, stack: str | None) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"no file {path} (write it with `cdk deploy --outputs-file`)") from None
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {path} as JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a cdk outputs file (a JSON object of stacks)")
    stacks = {k: v for k, v in data.items() if isinstance(v, dict)}
    if stack is not None:
        if stack not in stacks:
            raise ValueError(f"no stack {stack!r} in {path}; it has: {', '.join(stacks) or '-'}")
        return dict(stacks[stack])
    with_api = {k: v for k, v in stacks.items() if "ApiUrl" in v}
    if len(with_api) != 1:
        names = ", ".join(with_api) or "none with an ApiUrl output"
        raise ValueError(f"{path} has {len(with_api)} HandTerm stacks ({names}); pass --stack")
    return dict(next(iter(with_api.values())))


def import_profile(path: Path, name: str, stack: str | None, make_default: bool) -> int:
    if not _PROFILE_RE.match(name):
        print("handterm profile import: names may use letters, digits, - and _", file=sys.stderr)
        return USAGE
    try:
        outputs = _outputs(path, stack)
    except ValueError as exc:
        print(f"handterm profile import: {exc}", file=sys.stderr)
        return USAGE
    missing = [k for k in OUTPUT_KEYS if not outputs.get(k)]
    if missing:
        print(
            f"handterm profile import: the outputs lack {', '.join(missing)}; is this the "
            "HandTerm stack?",
            file=sys.stderr,
        )
        return USAGE
    from handterm_tui import config

    days = outputs.get("RefreshTokenValidityDays")
    profile = config.Profile(
        name=name,
        api_url=str(outputs["ApiUrl"]).rstrip("/"),
        region=str(outputs["Region"]),
        user_pool_id=str(outputs["UserPoolId"]),
        client_id=str(outputs["UserPoolClientId"]),
        auth="cognito",
        refresh_token_validity_days=int(str(days)) if str(days or "").isdigit() else 30,
    )
    try:
        where = config.write_profile(profile, make_default=make_default)
    except (OSError, config.ConfigError) as exc:
        print(f"handterm profile import: cannot write the profile: {exc}", file=sys.stderr)
        return 1
    print(f"wrote profile {name!r} to {where} (API {profile.api_url}); sign in: handterm login")
    return 0
