"""`handterm pool check`: what a Cognito pool's app clients do to users' sessions, in words.

For one pool (or every pool in a region) it reads each app client's token validities with their
units, auth flows, revocation and rotation, and says what follows for users. It explains the two
puzzles owners meet: an empty `list-user-pool-clients` (asked in another region than the pool's
id prefix, or the id is from another account or stack) and a pool that is not there.

Exit codes: 0 healthy, 1 a finding, 2 cannot ask (no credentials, no permission, no network).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

HEALTHY, FINDING, CANNOT_ASK = 0, 1, 2
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# Without TokenValidityUnits, Cognito reads refresh validity in days, access and ID in hours.
_DEFAULT_UNIT = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
_DEFAULT_VALUE = {"AccessToken": 1, "IdToken": 1, "RefreshToken": 30}
_POOL_ID = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$")
_CANNOT_ASK = {
    "AccessDeniedException",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredTokenException",
    "NotAuthorizedException",
    "UnauthorizedOperation",
}


class CannotAsk(Exception):
    """No answer from Cognito: credentials, permissions, network."""


def words(seconds: int) -> str:
    """`43200 minutes` -> "30 days": the largest unit that divides evenly."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}" + ("" if n == 1 else "s")
    return f"{seconds} seconds"


@dataclass
class Validity:
    value: int
    unit: str
    seconds: int
    words: str
    stated: bool  # False: not in the client's settings, the service default applies


def validity(client: dict[str, Any], kind: str) -> Validity:
    raw = client.get(f"{kind}Validity")
    unit = (client.get("TokenValidityUnits") or {}).get(kind) or _DEFAULT_UNIT[kind]
    value = int(raw) if raw else _DEFAULT_VALUE[kind]
    seconds = value * _UNIT_SECONDS.get(unit, 1)
    return Validity(value, unit, seconds, words(seconds), bool(raw))


@dataclass
class ClientReport:
    id: str
    name: str
    access: Validity
    id_token: Validity
    refresh: Validity
    auth_flows: list[str]
    revocation: bool
    rotation: bool
    user_existence_errors_hidden: bool
    consequence: str
    findings: list[str] = field(default_factory=list)


@dataclass
class PoolReport:
    id: str
    region: str
    name: str = ""
    found: bool = True
    clients: list[ClientReport] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def pool_region(pool_id: str) -> str | None:
    """The region a pool id names (`us-east-1_AbC` -> us-east-1), or None for another shape."""
    match = _POOL_ID.match(pool_id)
    return match.group(1) if match else None


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str((response.get("Error") or {}).get("Code") or "")
    return ""


def _ask(fn: Any, **params: Any) -> Any:
    """Call boto3; credential, permission and network failures become CannotAsk."""
    try:
        return fn(**params)
    except Exception as exc:
        code = _code(exc)
        if code in _CANNOT_ASK:
            raise CannotAsk(f"Cognito refused the request ({code}): {_message(exc)}") from None
        if code:
            raise
        name = type(exc).__name__
        if name in ("NoCredentialsError", "PartialCredentialsError"):
            raise CannotAsk(
                "no AWS credentials found: run `aws configure` or `aws sso login`, "
                "or set AWS_PROFILE"
            ) from None
        if name in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError"):
            raise CannotAsk(f"cannot reach Cognito: {exc}") from None
        raise


def _message(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str((response.get("Error") or {}).get("Message") or exc)
    return str(exc)


def check_client(client: dict[str, Any]) -> ClientReport:
    access, id_token, refresh = (
        validity(client, "AccessToken"),
        validity(client, "IdToken"),
        validity(client, "RefreshToken"),
    )
    flows = list(client.get("ExplicitAuthFlows") or [])
    revocation = bool(client.get("EnableTokenRevocation", False))
    rotation = (client.get("RefreshTokenRotation") or {}).get("Feature") == "ENABLED"
    refresh_flow = not flows or "ALLOW_REFRESH_TOKEN_AUTH" in flows
    if refresh_flow:
        consequence = (
            f"users are signed out {refresh.words} after signing in "
            f"(an access token lasts {access.words} and is renewed with the refresh token "
            "until then)"
        )
    else:
        consequence = f"users are signed out {access.words} after signing in (no refresh flow)"
    report = ClientReport(
        str(client.get("ClientId", "")),
        str(client.get("ClientName", "")),
        access,
        id_token,
        refresh,
        flows,
        revocation,
        rotation,
        client.get("PreventUserExistenceErrors") == "ENABLED",
        consequence,
    )
    if refresh.seconds <= 86400:
        report.findings.append(
            f"refresh tokens last {refresh.words} ({refresh.value} {refresh.unit}): "
            f"users are signed out {refresh.words} after signing in; set RefreshTokenValidity "
            "with its unit, e.g. 30 days (the stack's refresh_days context)"
        )
    if not refresh_flow:
        report.findings.append(
            "ALLOW_REFRESH_TOKEN_AUTH is not among the auth flows: no session outlives its "
            f"access token ({access.words})"
        )
    if rotation:
        report.findings.append(
            "refresh token rotation is on: refreshing must use GetTokensFromRefreshToken and "
            "REFRESH_TOKEN_AUTH (what handterm and the API's /refreshToken use) is refused, so "
            f"users are signed out when the access token ends ({access.words})"
        )
    if not revocation:
        report.findings.append(
            "token revocation is off: signing out cannot revoke refresh tokens "
            "(EnableTokenRevocation)"
        )
    return report


def check_pool(idp: Any, pool_id: str, region: str, asked_region: str | None) -> PoolReport:
    report = PoolReport(pool_id, region)
    named = pool_region(pool_id)
    if named and asked_region and named != asked_region:
        report.notes.append(
            f"the pool id names region {named}, but your AWS region is {asked_region}: "
            f"`aws cognito-idp list-user-pool-clients` there answers with nothing or "
            f"ResourceNotFound; add --region {named}. This check asked {region}."
        )
    try:
        pool = _ask(idp.describe_user_pool, UserPoolId=pool_id)["UserPool"]
    except CannotAsk:
        raise
    except Exception as exc:
        if _code(exc) not in ("ResourceNotFoundException", "InvalidParameterException"):
            raise
        report.found = False
        report.findings.append(
            f"no user pool {pool_id} in region {region} for these credentials' account: the id "
            "may be from another account or another stack (compare the stack's UserPoolId "
            f"output; `handterm pool check --region {region}` lists the pools here), or the "
            "pool was deleted"
        )
        return report
    report.name = str(pool.get("Name", ""))
    clients: list[dict[str, Any]] = []
    token: str | None = None
    while True:  # paginated: MaxResults up to 60
        params: dict[str, Any] = {"UserPoolId": pool_id, "MaxResults": 60}
        if token:
            params["NextToken"] = token
        page = _ask(idp.list_user_pool_clients, **params)
        clients.extend(page.get("UserPoolClients", []))
        token = page.get("NextToken")
        if not token:
            break
    if not clients:
        report.findings.append(
            f"pool {pool_id} has no app clients, so nobody can sign in to it: the stack that "
            "uses this pool may have made its client in another pool (compare its "
            "UserPoolClientId output), or the client was deleted"
        )
    for item in clients:
        described = _ask(
            idp.describe_user_pool_client, UserPoolId=pool_id, ClientId=item["ClientId"]
        )["UserPoolClient"]
        report.clients.append(check_client(described))
    return report


def run(
    pool_id: str | None,
    region: str | None,
    session: Any,
    endpoint_url: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """Check one pool or every pool in a region; (exit code, report as plain data)."""
    asked = region or session.region_name
    target = (pool_region(pool_id) if pool_id else None) or asked
    if not target:
        return CANNOT_ASK, {
            "error": "no region: pass --region, or a pool id (its prefix names the region)"
        }
    pools: list[PoolReport] = []
    try:
        idp = session.client("cognito-idp", region_name=target, endpoint_url=endpoint_url)
        if pool_id:
            pools.append(check_pool(idp, pool_id, target, region or session.region_name))
        else:
            token = None
            ids: list[str] = []
            while True:
                params: dict[str, Any] = {"MaxResults": 60}
                if token:
                    params["NextToken"] = token
                page = _ask(idp.list_user_pools, **params)
                ids.extend(p["Id"] for p in page.get("UserPools", []))
                token = page.get("NextToken")
                if not token:
                    break
            for found in ids:
                pools.append(check_pool(idp, found, target, None))
    except CannotAsk as exc:
        return CANNOT_ASK, {"region": target, "error": str(exc)}
    data: dict[str, Any] = {"region": target, "pools": [asdict(p) for p in pools]}
    if not pool_id and not pools:
        data["notes"] = [f"no user pools in {target} for these credentials"]
    bad = any(p.findings or any(c.findings for c in p.clients) for p in pools)
    return (FINDING if bad else HEALTHY), data


def render(code: int, data: dict[str, Any]) -> str:
    """The report as a person reads it."""
    if "error" in data:
        return f"handterm pool check: cannot ask Cognito: {data['error']}"
    lines: list[str] = []
    for note in data.get("notes", []):
        lines.append(note)
    for pool in data["pools"]:
        title = f"Pool {pool['id']}" + (f" ({pool['name']})" if pool["name"] else "")
        lines.append(f"{title} in {pool['region']}")
        for note in pool["notes"]:
            lines.append(f"  note: {note}")
        for finding in pool["findings"]:
            lines.append(f"  FINDING: {finding}")
        for c in pool["clients"]:
            lines.append(f"  App client {c['name'] or '(no name)'} {c['id']}")
            for label, key in (
                ("access token", "access"),
                ("ID token", "id_token"),
                ("refresh token", "refresh"),
            ):
                v = c[key]
                source = f"{v['value']} {v['unit']}" if v["stated"] else "not set: service default"
                lines.append(f"    {label:<14} {v['words']:<12} ({source})")
            lines.append(f"    auth flows     {', '.join(c['auth_flows']) or '(none listed)'}")
            lines.append(f"    revocation     {'on' if c['revocation'] else 'off'}")
            lines.append(f"    rotation       {'on' if c['rotation'] else 'off'}")
            hidden = "hidden" if c["user_existence_errors_hidden"] else "shown"
            lines.append(f"    user existence {hidden}")
            lines.append(f"    => {c['consequence']}")
            for finding in c["findings"]:
                lines.append(f"    FINDING: {finding}")
    verdict = {HEALTHY: "healthy", FINDING: "findings above"}.get(code, "")
    if verdict:
        lines.append(f"Result: {verdict}")
    return "\n".join(lines)


def main(
    pool_id: str | None,
    region: str | None,
    as_json: bool,
    aws_profile: str | None = None,
    endpoint_url: str | None = None,
) -> int:
    import sys

    try:
        import boto3

        session = boto3.Session(profile_name=aws_profile, region_name=region)
    except Exception as exc:  # e.g. ProfileNotFound
        code, data = CANNOT_ASK, {"error": str(exc)}
    else:
        code, data = run(pool_id, region, session, endpoint_url)
    if as_json:
        print(json.dumps({"exit": code, **data}, indent=2))
    else:
        stream = sys.stderr if code == CANNOT_ASK else sys.stdout
        print(render(code, data), file=stream)
    return code
