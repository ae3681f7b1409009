"""The HTTP API's routes: the route core's own table, so the stack cannot drift from it."""

from __future__ import annotations

from handterm_tui.server.app import CONTRACT_ROUTES

ROUTES: tuple[tuple[str, tuple[str, ...], bool], ...] = tuple(
    (path, methods, auth) for path, methods, auth, _name in CONTRACT_ROUTES
)
