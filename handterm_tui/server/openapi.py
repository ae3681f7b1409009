"""The OpenAPI 3.1 description served at /openapi.json, built from the router's own table.

OPERATIONS describes every (path, method) the full router can serve; `spec(routes)` keeps only
those the running mode has, and tests check the two agree both ways, so the document cannot
drift from the code.
"""

from __future__ import annotations

from typing import Any

_STR = {"type": "string"}
_LIMIT = {"type": "integer", "minimum": 0, "maximum": 1000, "default": 10}
_ANY = {"description": "JSON reply", "content": {"application/json": {"schema": {}}}}
_BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
NEXT_HEADER = "X-HandTerm-Next-Before"


def _body(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": props, "required": required}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _query(*names: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": n, "in": "query", "required": False, "schema": s} for n, s in names]


_LOG_QUERY = _query(("key", _STR), ("limit", _LIMIT), ("before", _STR))
_LIST_QUERY = _query(("logDomain", _STR), ("limit", _LIMIT), ("before", _STR))
_PAGED = {
    "description": "Newest first, at most 6 MiB; the header says where the rest starts",
    "headers": {NEXT_HEADER: {"schema": _STR, "description": "pass as `before` for more"}},
    "content": {"application/json": {"schema": {}}},
}

# path -> method -> (summary, needs a token, parameters, request body or None, 200 reply)
OPERATIONS: dict[str, dict[str, tuple[str, bool, list[Any], Any, Any]]] = {
    "/signUp": {
        "post": (
            "Create a user (a code goes to the server's codes file)",
            False,
            [],
            _body({"username": _STR, "password": _STR, "email": _STR}, ["username", "password"]),
            _ANY,
        )
    },
    "/confirm-signup": {
        "post": (
            "Confirm a sign-up with the delivered code",
            False,
            [],
            _body({"username": _STR, "confirmationCode": _STR, "code": _STR}, ["username"]),
            _ANY,
        )
    },
    "/signIn": {
        "post": (
            "Sign in with a password; returns Cognito's token set",
            False,
            [],
            _body({"username": _STR, "password": _STR}, ["username", "password"]),
            _ANY,
        )
    },
    "/refreshToken": {
        "post": (
            "New access and ID tokens for a refresh token",
            False,
            [],
            _body({"refreshToken": _STR}, ["refreshToken"]),
            _ANY,
        )
    },
    "/signOut": {
        m: ("Revoke every session of the token's user", False, [], None, _ANY)
        for m in ("get", "post")
    },
    "/check-session": {"get": ("Is this access token still good?", False, [], None, _ANY)},
    "/changePassword": {
        "post": (
            "Change the password of the token's user",
            True,
            [],
            _body(
                {
                    "previousPassword": _STR,
                    "proposedPassword": _STR,
                    "oldPassword": _STR,
                    "newPassword": _STR,
                },
                [],
            ),
            _ANY,
        )
    },
    "/getUser": {"get": ("The user's attributes (or profile)", True, [], None, _ANY)},
    "/setUser": {
        "post": (
            "Store the user's profile document",
            True,
            [],
            _body({"profile": _STR}, ["profile"]),
            _ANY,
        )
    },
    "/saveLog": {
        "post": (
            "Store a log entry under logs/{key}.{extension}",
            True,
            [],
            _body({"key": _STR, "content": _STR, "extension": _STR}, ["key", "content"]),
            _ANY,
        )
    },
    "/getLog": {
        "get": ("Log contents under a key prefix, newest first", True, _LOG_QUERY, None, _PAGED),
        "post": ("Same as GET; query or JSON body", True, _LOG_QUERY, None, _PAGED),
    },
    "/listLog": {
        "get": ("Full log keys under a prefix, descending", True, _LIST_QUERY, None, _PAGED),
        "post": ("Same as GET; query or JSON body", True, _LIST_QUERY, None, _PAGED),
    },
    "/getFile": {
        "get": (
            "A stored file's text",
            True,
            _query(("key", _STR), ("extension", _STR)),
            None,
            _ANY,
        )
    },
    "/putFile": {
        "post": (
            "Store a file under {key}.{extension}",
            True,
            _query(("path", _STR)),
            _body({"key": _STR, "content": _STR, "extension": _STR}, ["key", "content"]),
            _ANY,
        )
    },
    "/openapi.json": {"get": ("This document", False, [], None, _ANY)},
}


def _operation(
    path: str, summary: str, auth: bool, params: list[Any], body: Any, ok: Any
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok, "400": _ANY, "404": _ANY}
    if auth:
        responses |= {"401": _ANY, "403": _ANY, "413": _ANY}
    op: dict[str, Any] = {
        "operationId": path.strip("/").replace("-", "_").replace(".", "_") or "root",
        "summary": summary,
        "parameters": params,
        "responses": responses,
    }
    if body is not None:
        op["requestBody"] = body
    if auth:
        op["security"] = _BEARER
    return op


def spec(routes: dict[str, frozenset[str]], title: str = "HandTerm API (serve-local)") -> Any:
    """The document for a router given as path -> methods (upper case)."""
    paths: dict[str, Any] = {}
    for path, methods in sorted(routes.items()):
        described = OPERATIONS.get(path, {})
        ops = {}
        for method in sorted(m.lower() for m in methods):
            if method in described:
                summary, auth, params, body, ok = described[method]
                op = _operation(path, summary, auth, params, body, ok)
                if len(methods) > 1:
                    op["operationId"] += "_" + method
                ops[method] = op
        paths[path] = ops
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }
