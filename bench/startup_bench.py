#!/usr/bin/env python3
"""Start-up: `obslint checks` and a one-file `obslint check` (the pre-commit case), this checkout against
another one's `src/` (`--before`), alternating, median wall time of each; with `--instructions`, also
the instructions each executes (valgrind's callgrind: the same count run after run, whatever else the
machine is doing, where wall times on a shared machine vary by half).

    .venv/bin/python bench/startup_bench.py --before /tmp/old/src [--rounds 21] [--instructions]
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENTRY = "import sys; from obslint.entry import main; sys.argv[0] = 'obslint'; main()"


def wall(cmd: list[str], env: dict, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    return time.perf_counter() - start


def instructions(argv: list[str], env: dict, cwd: Path) -> int:
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c",
                           ENTRY, *argv], env=env, capture_output=True, text=True, cwd=cwd)
    return int(re.search(r"Collected : (\d+)", proc.stderr).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, required=True, help="the src/ folder of the other checkout")
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--instructions", action="store_true", help="also count instructions with valgrind")
    parser.add_argument("--here", action="store_true",
                        help="run in this repository, with its configuration (its metric catalog included); by "
                             "default the file is a copy in an empty folder, so that both checkouts read the same "
                             "default configuration (an older one may refuse this repository's newer settings)")
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        sys.exit("bench: --instructions needs valgrind")
    now_src = REPO / "src"
    for src in (now_src, args.before):
        compileall.compile_dir(str(src / "obslint"), quiet=1)
    os.environ["OBSLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="obslint-startup-bench-")
    one_file = str(REPO / "rules" / "infrastructure-alerts.yaml")
    cwd = REPO
    if not args.here:
        cwd = Path(tempfile.mkdtemp(prefix="obslint-startup-bench-tree-"))
        (cwd / "rules").mkdir()
        one_file = str(shutil.copy(one_file, cwd / "rules"))
    cases = [("obslint checks", ["checks"]), ("obslint check ONE_FILE --no-cache", ["check", "--no-cache", one_file]),
             ("obslint check ONE_FILE (cache)", ["check", one_file])]
    for name, argv in cases:
        times: dict[str, list[float]] = {"now": [], "before": []}
        for _ in range(args.rounds):
            for label, src in (("now", now_src), ("before", args.before)):
                env = {**os.environ, "PYTHONPATH": str(src.resolve())}
                times[label].append(wall([sys.executable, "-c", ENTRY, *argv], env, cwd))
        now, before = statistics.median(times["now"]), statistics.median(times["before"])
        line = f"{name:<40} now {now * 1000:6.1f} ms, before {before * 1000:6.1f} ms, ratio {now / before:4.2f}"
        if args.instructions:
            counts = [instructions(argv, {**os.environ, "PYTHONPATH": str(src.resolve())}, cwd)
                      for src in (now_src, args.before)]
            line += f" | instructions {counts[0] / 1e6:.1f}M, {counts[1] / 1e6:.1f}M, ratio {counts[0] / counts[1]:.3f}"
        print(line)


if __name__ == "__main__":
    main()
