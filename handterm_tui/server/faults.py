"""Test-only fault switch (`--faults` or HANDTERM_SERVER_FAULTS=1), for the client's sync tests.

`POST /__faults__ {"route": "/saveLog" | "*", "mode": ..., "count": N, "delay": s}` arms a fault for
the next N matching requests (count -1: until cleared); `DELETE /__faults__` clears all;
`GET /__faults__` lists them. Modes:
- "500", "503", any 3-digit status: answer that status with a gateway-style body, handler not run;
- "timeout": hold the request `delay` seconds (default 30) then answer 504, handler not run;
- "close": drop the connection without a reply, handler not run;
- "drop_after_store": run the handler (the object is stored) then drop the connection unanswered;
- "malformed": answer 200 with a body that is not valid JSON, handler not run.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

MODES = ("timeout", "close", "drop_after_store", "malformed")
_STATUS = re.compile(r"^[1-5]\d\d$")


@dataclass
class Fault:
    route: str
    mode: str
    count: int = 1
    delay: float = 30.0


class Faults:
    def __init__(self) -> None:
        self._items: list[Fault] = []

    def add(self, spec: dict[str, Any]) -> Fault:
        route, mode = spec.get("route"), str(spec.get("mode", ""))
        count, delay = spec.get("count", 1), spec.get("delay", 30.0)
        if not isinstance(route, str) or not (route == "*" or route.startswith("/")):
            raise ValueError("route must be a path like /saveLog or *")
        if mode not in MODES and not _STATUS.match(mode):
            raise ValueError(f"mode must be a status code or one of {', '.join(MODES)}")
        if not isinstance(count, int) or isinstance(count, bool) or count == 0 or count < -1:
            raise ValueError("count must be a positive integer or -1")
        if not isinstance(delay, int | float) or isinstance(delay, bool) or not 0 <= delay <= 600:
            raise ValueError("delay must be 0..600 seconds")
        fault = Fault(route, mode, count, float(delay))
        self._items.append(fault)
        return fault

    def clear(self) -> None:
        self._items.clear()

    def listing(self) -> list[dict[str, Any]]:
        return [asdict(f) for f in self._items]

    def take(self, path: str) -> Fault | None:
        """The first armed fault for this path, consuming one use of it."""
        for fault in self._items:
            if fault.route in (path, "*"):
                if fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self._items.remove(fault)
                return fault
        return None
