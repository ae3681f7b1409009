"""The Lambda path as a test backend: the same handle as serve-local's BackendProcess.

`LambdaBackend` starts `python -m handterm_tui.aws.localgw` (moto in server mode + the HTTP API
stand-in + the Lambda entry points) and exposes the same attributes and calls, so the contract
tests written for serve-local run unchanged against the Lambda path.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from handterm_tui.server.testing import BackendProcess


class LambdaBackend(BackendProcess):
    def __init__(self, data_dir: Path, **options: Any) -> None:
        super().__init__(data_dir, **options)
        self.options.pop("faults", None)  # the gateway has no fault switch

    def argv(self) -> list[str]:
        args = [sys.executable, "-m", "handterm_tui.aws.localgw", "--port", str(self._port)]
        args += ["--data-dir", str(self.data_dir)]
        for name, value in self.options.items():
            flag = "--" + name.replace("_", "-")
            if value is True:
                args.append(flag)
            elif value not in (None, False):
                args += [flag, str(value)]
        return args

    def clear_faults(self) -> None:
        """Nothing to clear: faults are a serve-local test switch."""
