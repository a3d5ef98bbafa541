#!/usr/bin/env python3
"""The overhead of `obslint test` over plain `promtool test rules` on the same files, in the same run.

Two sets: this repository's rules/tests/, and the kubernetes-mixin unit tests that pass (copied
beside the rendered rules, as the issue says). promtool gets all files of a set in one call;
obslint's time includes its start-up, the static checks of the test files, coverage and reporting.
A set whose files fail costs obslint per-group re-runs only where promtool's output cannot tell
the groups apart; the passing sets measure the common case.

    .venv/bin/python bench/ruletest_bench.py [--rounds 5] [--mixin-failing]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
OBSLINT = [sys.executable, "-m", "obslint"]


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, timeout=1800)
    return time.perf_counter() - start, proc.returncode


def measure(name: str, files: list[str], cwd: Path, rounds: int) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        sys.exit("promtool is not installed: apt-get install -y prometheus")
    theirs, ours = [], []
    for _ in range(rounds):  # interleaved, so drift in the machine's load hits both alike
        t, rc_theirs = timed([promtool, "test", "rules", *files], cwd)
        theirs.append(t)
        t, rc_ours = timed([*OBSLINT, "test", *files], cwd)
        ours.append(t)
    p, o = statistics.median(theirs), statistics.median(ours)
    print(f"{name}: {len(files)} files, median of {rounds}: promtool {p * 1000:.0f} ms (exit {rc_theirs}), "
          f"obslint test {o * 1000:.0f} ms (exit {rc_ours}), overhead {100 * (o - p) / p:+.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--mixin-failing", action="store_true",
                        help="also the two failing kubernetes-mixin files (slow: about a minute each round)")
    args = parser.parse_args()
    print(f"promtool: {subprocess.run(['promtool', '--version'], capture_output=True, text=True).stdout.split()[2]}")
    own = sorted(p.name for p in (REPO / "rules" / "tests").glob("*.y*ml"))
    measure("rules/tests (this repository)", own, REPO / "rules" / "tests", args.rounds)
    with tempfile.TemporaryDirectory(prefix="obslint-bench-") as tmp:
        shutil.copytree(CORPUS / "unittests" / "kubernetes-mixin", Path(tmp) / "tests")
        for rules in (CORPUS / "rules" / "kubernetes-mixin").glob("*.yaml"):
            shutil.copy(rules, tmp)
        failing = {"absent_alert-test.yaml", "tests.yaml"}
        tests = Path(tmp) / "tests"
        passing = sorted(p.name for p in tests.glob("*.yaml") if p.name not in failing)
        measure("kubernetes-mixin, passing files", passing, tests, args.rounds)
        if args.mixin_failing:
            measure("kubernetes-mixin, failing files", sorted(failing), tests, max(1, args.rounds // 3))


if __name__ == "__main__":
    main()
