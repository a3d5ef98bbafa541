#!/usr/bin/env python3
"""Speed of `obslint check` against `promtool check rules`, measured in the same run.

Runs both tools on the same rule files, alternating, for several rounds, and prints the median
wall times and their ratio, the median CPU times (user and system, obslint's forked helpers
included) and their ratio, and obslint's peak RSS; then the same for the pre-commit case (one
small file). CPU time is the steadier figure on a machine whose second core comes and goes. Each
set runs twice for obslint: cold (`--no-cache`: every file parsed) and warm (unchanged files read
from the per-file cache, as in CI with a kept cache and in repeated pre-commit runs); the cache is a
private temporary directory.

Last, `obslint check .` on this repository (rule files, the Alertmanager config, the dashboards each
run in a sandboxed child process, the checks across files), cold; with `--before SRC`, the same run
of another checkout's obslint (its `src/` folder), alternating, for a before/after ratio.

    .venv/bin/python bench/bench.py [--rounds 7] [--corpus ../shared/corpus/rules] [--before ../old/src]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user and system, the process and its children) and peak RSS (KiB)
    of one child process."""
    start = time.perf_counter()
    before = os.times()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    after = os.times()  # the children's times include the helpers obslint forks
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, usage.ru_maxrss


def compare(name: str, obslint_cmd: list[str], promtool_cmd: list[str], rounds: int) -> None:
    ours, theirs, our_cpu, their_cpu, rss = [], [], [], [], []
    for _ in range(rounds):
        t, c, r = run(obslint_cmd)
        ours.append(t)
        our_cpu.append(c)
        rss.append(r)
        t, c, _ = run(promtool_cmd)
        theirs.append(t)
        their_cpu.append(c)
    o, p = statistics.median(ours), statistics.median(theirs)
    oc, pc = statistics.median(our_cpu), statistics.median(their_cpu)
    print(f"{name:<40} wall: obslint {o * 1000:6.0f} ms, promtool {p * 1000:6.0f} ms, ratio {o / p:4.2f} | "
          f"CPU: {oc * 1000:5.0f} ms, {pc * 1000:5.0f} ms, ratio {oc / pc:4.2f} | RSS {max(rss) / 1024:5.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "rules")
    parser.add_argument("--before", type=Path, default=None,
                        help="the src/ folder of another obslint checkout, for `check .` before and after")
    parser.add_argument("--only-project", action="store_true", help="only the `check .` figures")
    args = parser.parse_args()
    promtool = shutil.which("promtool")
    # the console script, as users and pre-commit run it (`python -m obslint` also imports runpy)
    script = Path(sys.executable).parent / "obslint"
    entry = [str(script)] if script.exists() else [sys.executable, "-m", "obslint"]
    obslint = entry + ["check", "--prometheus-version", "2.42"]
    if promtool is None:
        sys.exit("bench: promtool is not installed (apt-get install -y prometheus)")
    # an installed package has its bytecode compiled; an editable one under PYTHONDONTWRITEBYTECODE
    # would compile obslint's sources at every start
    package = importlib.util.find_spec("obslint").submodule_search_locations[0]
    compileall.compile_dir(package, quiet=1)
    all_files = sorted(str(p) for p in args.corpus.glob("*/*") if p.suffix in (".yml", ".yaml"))
    real_world = [f for f in all_files if "/prometheus-" not in f]
    print(f"promtool: {subprocess.run([promtool, '--version'], capture_output=True, text=True).stdout.splitlines()[0]}")
    print(f"rounds: {args.rounds} (median of each; the tools alternate)\n")
    cold = obslint + ["--no-cache"]
    sets = [(f"corpus, all {len(all_files)} files", all_files), (f"real-world, {len(real_world)} files", real_world)]
    own = sorted(str(p) for p in (REPO / "rules").glob("*.yaml"))
    sets.append((f"this repo's rules/, {len(own)} files", own))
    sets.append(("one small file (pre-commit)", [str(REPO / "rules" / "infrastructure-alerts.yaml")]))
    with tempfile.TemporaryDirectory(prefix="obslint-bench-cache-") as cache:
        os.environ["OBSLINT_CACHE_DIR"] = cache
        for name, files in ([] if args.only_project else sets):
            compare(f"{name}, cold", cold + files, [promtool, "check", "rules", *files], args.rounds)
            run(obslint + files)  # fills the cache
            compare(f"{name}, warm cache", obslint + files, [promtool, "check", "rules", *files], args.rounds)
    project(entry, promtool, args.rounds, args.before)


def project(entry: list[str], promtool: str, rounds: int, before: Path | None) -> None:
    """`obslint check --no-cache .` on this repository, against promtool on its rule files (and against
    another obslint, when given)."""
    own = sorted(str(p) for p in (REPO / "rules").glob("*.yaml"))
    ours = entry + ["check", "--no-cache", "."]
    os.chdir(REPO)
    print()
    compare("this repo, `check .` (all kinds), cold", ours, [promtool, "check", "rules", *own], rounds)
    if before is None:
        return
    compileall.compile_dir(str(before), quiet=1)
    env = {**os.environ, "PYTHONPATH": str(before.resolve())}
    old = [sys.executable, "-c", "import sys; from obslint.entry import main; sys.argv[0] = 'obslint'; main()",
           "check", "--no-cache", "."]
    new_times, old_times = [], []
    for _ in range(rounds):
        new_times.append(run(ours)[0])
        start = time.perf_counter()
        subprocess.run(old, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        old_times.append(time.perf_counter() - start)
    n, o = statistics.median(new_times), statistics.median(old_times)
    print(f"{'this repo, `check .`: now against before':<40} wall: now {n * 1000:6.0f} ms, before {o * 1000:6.0f} ms, "
          f"ratio {n / o:4.2f}")


if __name__ == "__main__":
    main()
