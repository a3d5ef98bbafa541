#!/usr/bin/env python3
"""obslint, promtool and cloudflare's pint side by side on the shared corpus: speed and findings.

Speed: the three tools on the same rule files in the same run, alternating, for several rounds; the median
wall and CPU times (user and system, children included) and the ratios to obslint. Cold and warm: obslint
cold is `--no-cache` (every file parsed), warm reads unchanged files from its per-file cache (a private
temporary directory, filled once before); promtool and pint keep no cache, so their cold and warm runs are
the same command, measured in the same rounds (the OS's file cache is warm for all three after the first
round). Two sets: the real-world files (every corpus file but promtool's 10,002-rule `rules_large.yml`) for
`--rounds` rounds, and the whole corpus once (`--full`; pint needs minutes of CPU on `rules_large.yml`).

Findings (`--findings`): each tool's findings on the real-world files (pint `--offline`, every severity;
obslint at the newest target without a project configuration, so its default policy), and for each pint
reporter and each obslint code how many of its findings fall in a rule where the other tool reports
something too (pint gives a problem's lines, obslint a line and column: a match is an obslint line inside
pint's lines). Examples of each side's misses are printed for the README table.

    .venv/bin/python bench/pint_bench.py [--rounds 3] [--full] [--findings] [--pint PATH] [--promtool PATH]

The pint binary is a v0.87.0 built by hand at ~/.cache/obslint/oracles/pint-0.87.0/pint (the Go module
proxy refused `github.com/cloudflare/pint/cmd/pint` to scripts/oracles.sh, so it is not built by the project's
set-up); promtool is the newest oracle, 3.16.0, from scripts/oracles.sh.
"""

from __future__ import annotations

import argparse
import collections
import compileall
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ORACLES = Path(os.environ.get("OBSLINT_ORACLE_DIR", Path.home() / ".cache" / "obslint" / "oracles"))
PINT = ORACLES / "pint-0.87.0" / "pint"
PROMTOOL = ORACLES / "prometheus-3.16.0" / "promtool"


def run(cmd: list[str], cwd: str) -> tuple[float, float]:
    """Wall and CPU seconds (user and system of the child and its children) of one run."""
    start = time.perf_counter()
    before = os.times()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def speed(name: str, commands: dict[str, list[str]], rounds: int, cwd: str) -> None:
    times: dict[str, list[tuple[float, float]]] = {tool: [] for tool in commands}
    for _ in range(rounds):
        for tool, cmd in commands.items():
            times[tool].append(run(cmd, cwd))
    wall = {tool: statistics.median(t[0] for t in runs) for tool, runs in times.items()}
    cpu = {tool: statistics.median(t[1] for t in runs) for tool, runs in times.items()}
    base = next(iter(commands))
    print(f"{name} ({rounds} round{'s' if rounds > 1 else ''}, medians)")
    for tool in commands:
        print(f"  {tool:<16} wall {wall[tool] * 1000:8.0f} ms ({wall[tool] / wall[base]:5.2f}x {base})   "
              f"CPU {cpu[tool] * 1000:8.0f} ms ({cpu[tool] / cpu[base]:5.2f}x {base})")


def corpus_files(corpus: Path) -> tuple[list[str], list[str]]:
    every = sorted(str(p) for p in corpus.glob("*/*") if p.suffix in (".yml", ".yaml"))
    return every, [f for f in every if not f.endswith("/rules_large.yml")]


def obslint_findings(entry: list[str], files: list[str], cwd: str) -> list[dict]:
    proc = subprocess.run(entry + ["check", "--no-cache", "--format", "json", *files], capture_output=True,
                          text=True, cwd=cwd)
    data = json.loads(proc.stdout)
    return data["findings"] if isinstance(data, dict) else data


def pint_findings(pint: str, files: list[str], cwd: str) -> list[dict]:
    out = Path(cwd) / "pint.json"
    subprocess.run([pint, "--offline", "--no-color", "lint", "--min-severity", "info", "--json", str(out), *files],
                   capture_output=True, text=True, cwd=cwd)
    return json.loads(out.read_text(encoding="utf-8"))


# pint's reporters and the obslint checks that look for the same kind of problem
SAME_KIND = {
    "alerts/template": {"R101", "R013", "R102"},
    "alerts/template (information)": {"R103"},  # the humanize hints
    "promql/regexp": {"R117", "R118"},
    "promql/syntax": {"P001", "P002", "P003"},
    "yaml/parse": {f"R{n:03d}" for n in range(1, 15)} | {"Y001", "Y002"},
    "alerts/comparison": {"R111"},
    "promql/impossible": {"R120"},
    "rule/dependency": {"R141", "R143"},
    "rule/duplicate": {"R014"},
    "promql/fragile": {"R119"},
    "group/interval": {"R123"},
    "promql/rate": {"R113", "R115", "R116"},
    "promql/counter": {"R114"},
}


def _same_kind(reporter: str, severity: str) -> set[str]:
    return SAME_KIND.get(f"{reporter} ({severity.lower()})", SAME_KIND.get(reporter, set()))


def findings(entry: list[str], pint: str, files: list[str], cwd: str) -> None:
    """Each tool's findings by kind, with how many the other reports on the same rule in the same kind."""
    ours = obslint_findings(entry, files, cwd)
    theirs = pint_findings(pint, files, cwd)
    # by file name (the corpus has no two alike): obslint shows paths relative to the repository, pint as given
    theirs_at = collections.defaultdict(list)  # file name -> [(first line, last line, reporter)]
    for problem in theirs:
        lines = problem.get("lines") or [0]
        kind = (problem["reporter"], problem["severity"])
        theirs_at[Path(problem["path"]).name].append((min(lines), max(lines), kind))
    ours_at = collections.defaultdict(list)  # path -> [(line, code)]
    for finding in ours:
        ours_at[Path(finding["path"]).name].append((finding["line"], finding["code"]))

    def rows(items, kind_of, matched, where):
        table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        examples: dict[str, list] = collections.defaultdict(list)
        for item in items:
            kind = kind_of(item)
            table[kind]["total"] += 1
            if matched(item):
                table[kind]["both"] += 1
            elif len(examples[kind]) < 2:
                examples[kind].append(where(item))
        return table, examples

    def pint_matched(problem) -> bool:
        lines = problem.get("lines") or [0]
        codes = _same_kind(problem["reporter"], problem["severity"])
        return any(min(lines) <= line <= max(lines) and code in codes
                   for line, code in ours_at[Path(problem["path"]).name])

    def our_matched(finding) -> bool:
        return any(first <= finding["line"] <= last and finding["code"] in _same_kind(*reporter)
                   for first, last, reporter in theirs_at[Path(finding["path"]).name])

    pint_table, pint_examples = rows(
        theirs, lambda p: f"{p['reporter']} ({p['severity'].lower()})", pint_matched,
        lambda p: f"{_short(p['path'])}:{min(p.get('lines') or [0])}: {p['problem']}")
    our_table, our_examples = rows(
        ours, lambda f: f"{f['code']} {f['name']} ({f['severity']})", our_matched,
        lambda f: f"{_short(f['path'])}:{f['line']}: {f['message'][:140]}")
    print(f"\nfindings on {len(files)} files: obslint {len(ours)}, pint {len(theirs)}")
    print("(both: the other tool reports the same kind of problem on the same rule; SAME_KIND maps the kinds)")
    for title, table, examples, only in (("pint reporter", pint_table, pint_examples, "pint only"),
                                         ("obslint check", our_table, our_examples, "obslint only")):
        print(f"\n{title:<48} {'total':>6} {'both':>6}")
        for kind, row in sorted(table.items(), key=lambda kv: -kv[1]["total"]):
            print(f"  {kind:<46} {row['total']:6} {row['both']:6}")
            for example in examples[kind]:
                print(f"      {only}: {example}")


def _short(path: str) -> str:
    return "/".join(Path(path).parts[-2:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "rules")
    parser.add_argument("--pint", default=str(PINT))
    parser.add_argument("--promtool", default=str(PROMTOOL))
    parser.add_argument("--full", action="store_true", help="also the whole corpus, rules_large.yml included, once")
    parser.add_argument("--findings", action="store_true", help="compare the findings by kind")
    args = parser.parse_args()
    for tool in (args.pint, args.promtool):
        if not Path(tool).is_file():
            sys.exit(f"pint_bench: {tool} is missing (scripts/oracles.sh builds promtool; pint: see the docstring)")
    script = Path(sys.executable).parent / "obslint"
    entry = [str(script)] if script.exists() else [sys.executable, "-m", "obslint"]
    compileall.compile_dir(importlib.util.find_spec("obslint").submodule_search_locations[0], quiet=1)
    every, real_world = corpus_files(args.corpus)
    for tool in (args.promtool, args.pint):
        version = subprocess.run([tool, "--version"] if tool == args.promtool else [tool, "version"],
                                 capture_output=True, text=True).stdout.splitlines()
        print(f"{Path(tool).name}: {version[0] if version else '?'}")
    # a directory of its own: no project configuration, no file left behind
    with tempfile.TemporaryDirectory(prefix="obslint-pint-bench-") as work:
        os.environ["OBSLINT_CACHE_DIR"] = str(Path(work) / "cache")
        sets = [(f"real-world corpus, {len(real_world)} files", real_world, args.rounds)]
        if args.full:
            sets.append((f"whole corpus, {len(every)} files (rules_large.yml included)", every, 1))
        for name, files, rounds in sets:
            obslint = entry + ["check", *files]
            commands = {"obslint cold": obslint + ["--no-cache"], "obslint warm": obslint,
                        "promtool 3.16": [args.promtool, "check", "rules", *files],
                        "pint 0.87": [args.pint, "--offline", "--no-color", "lint", *files]}
            run(obslint, work)  # fills the cache for the warm runs
            speed(name, commands, rounds, work)
        if args.findings:
            findings(entry, args.pint, real_world, work)


if __name__ == "__main__":
    main()
