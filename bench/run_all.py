"""Run every bench_*.py here, one after another (make bench).

bench_input.py types 1 MB into handterm on a real pty (a few minutes; BENCH_RUNS=1 for one run).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

if __name__ == "__main__":
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        failed |= subprocess.run([sys.executable, script.name], cwd=HERE).returncode
    sys.exit(1 if failed else 0)
