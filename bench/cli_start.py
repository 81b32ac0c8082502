"""Cold start of the CLI: `scopeline status examples/...` next to a bare `python -c pass`.

Each run is a new process (the OS file cache is warm, as it is for a user running the command
twice). Runs are interleaved so that machine noise hits both alike. Prints median and p90.
Target (issue 2): the CLI adds under 250 ms to the bare interpreter.

    .venv/bin/python bench/cli_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "acme-website.yaml"
TARGET_MS = 250.0


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (default 30)")
    args = parser.parse_args()

    python = sys.executable
    cli = [python, "-m", "scopeline.cli", "status", str(EXAMPLE)]
    script = Path(python).parent / "scopeline"
    if script.exists():
        cli = [str(script), "status", str(EXAMPLE)]
    bare = [python, "-c", "pass"]
    commands = {
        "python -c pass": bare,
        "scopeline status": cli,
        "scopeline --help": [*cli[:-2], "--help"],
    }
    # An installed package ships compiled bytecode; compile ours too (PYTHONDONTWRITEBYTECODE
    # may be set, and then Python would recompile every module of the source tree on each run).
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    for cmd in commands.values():  # warm the file cache
        _time(cmd)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            samples[name].append(_time(cmd))

    print(f"CLI cold start, {args.runs} runs each, {Path(python).name} {sys.version.split()[0]}")
    print(f"{'command':<20} {'median ms':>10} {'p90 ms':>10}")
    for name, values in samples.items():
        print(f"{name:<20} {statistics.median(values):>10.1f} {_p90(values):>10.1f}")
    added = statistics.median(samples["scopeline status"]) - statistics.median(
        samples["python -c pass"]
    )
    verdict = "meets" if added < TARGET_MS else "MISSES"
    print(f"scopeline status adds {added:.1f} ms (median): {verdict} the {TARGET_MS:.0f} ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
