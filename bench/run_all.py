"""Run every bench_*.py here and print ONE table (make bench): row, figure, baseline, ratio,
target, met. Each script measures its own baseline in the same run and emits its rows
(``_table.emit``); the scripts' own output goes to bench-output.log beside this file.

bench_input.py types 1 MB into handterm on a real pty (a few minutes; BENCH_RUNS=1 for one run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def main() -> int:
    rows_file = Path(tempfile.mkstemp(prefix="handterm-bench-rows-", suffix=".jsonl")[1])
    log = HERE / "bench-output.log"
    env = dict(os.environ, BENCH_ROWS=str(rows_file))
    failed = []
    only = sys.argv[1:]
    # As after a pip install: handterm's modules have their bytecode (this machine sets
    # PYTHONDONTWRITEBYTECODE, so without this every start would compile ~50 ms of them).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(HERE.parent / "handterm_tui")], check=True
    )
    with open(log, "w", encoding="utf-8") as out:
        for script in sorted(HERE.glob("bench_*.py")):
            if only and not any(o in script.name for o in only):
                continue
            print(f"running {script.name}…", file=sys.stderr, flush=True)
            out.write(f"== {script.name}\n")
            out.flush()
            code = subprocess.run(
                [sys.executable, script.name], cwd=HERE, env=env, stdout=out, stderr=out
            ).returncode
            if code:
                failed.append(script.name)
    rows = [json.loads(line) for line in rows_file.read_text().splitlines() if line.strip()]
    rows_file.unlink()
    header = ("row", "figure", "baseline", "ratio", "target", "met")
    table = [
        (
            r["row"],
            fmt(r["figure"], r.get("unit", "")),
            fmt(r["baseline"], r.get("unit", "")),
            "-" if r["ratio"] is None else f"{r['ratio']:.2f}x",
            r["target"],
            "yes" if r["met"] else "NO",
        )
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *table, strict=False)]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for cells in table:
        print(" | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)))
    notes = [f"  {r['row']}: {r['note']}" for r in rows if r.get("note")]
    if notes:
        print("notes:\n" + "\n".join(notes))
    if failed:
        print(f"failed to run: {', '.join(failed)} (see {log})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
