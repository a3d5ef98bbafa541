#!/usr/bin/env python3
"""Does `obslint check` (cross-checks included) stay linear? Builds projects with 1x and 10x this
repository's rules, dashboards and routes (copies with renamed alerts, recording rules, dashboard uids
and team routes) and times `lint_paths` on each, in process, best of several rounds.

    .venv/bin/python bench/cross_bench.py [--scale 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from obslint.config import load_config  # noqa: E402
from obslint.engine.lint import lint_paths  # noqa: E402


def make_project(directory: Path, copies: int) -> None:
    shutil.copy(REPO / "pyproject.toml", directory)
    for folder in ("exporters", "prometheus"):  # the metric catalog the pyproject names (checks X007-X013)
        shutil.copytree(REPO / folder, directory / folder)
    (directory / "rules").mkdir()
    (directory / "dashboards_py").mkdir()
    (directory / "alertmanager").mkdir()
    shutil.copy(REPO / "dashboards_py" / "common.py", directory / "dashboards_py")
    am = (REPO / "alertmanager" / "alertmanager.yml").read_text()
    extra_routes = []
    for i in range(copies):
        suffix = "" if i == 0 else f"_c{i}"
        for rules in (REPO / "rules").glob("*.yaml"):
            text = rules.read_text()
            text = re.sub(r"(alert: \w+)", rf"\1{suffix.replace('_', '')}", text)
            text = re.sub(r"(record: [\w:]+)", rf"\1{suffix}", text)
            text = re.sub(r"(name: [\w.-]+)", rf"\1{suffix}", text)
            if i:
                text = text.replace("team: devops", f"team: devops{i}")
            (directory / "rules" / f"{rules.stem}{suffix}.yaml").write_text(text)
        for dashboard in (REPO / "dashboards_py").glob("*.py"):
            if dashboard.name == "common.py":
                continue
            text = dashboard.read_text().replace('uid="', f'uid="c{i}-').replace('title="', f'title="{i} ')
            (directory / "dashboards_py" / f"{dashboard.stem}{suffix}.py").write_text(text)
        if i:
            extra_routes.append(f"    - matchers: ['team=\"devops{i}\"']\n      receiver: devops-team\n")
    am = am.replace("    # model performance:", "".join(extra_routes) + "    # model performance:")
    (directory / "alertmanager" / "alertmanager.yml").write_text(am)


def timed(directory: Path, rounds: int) -> tuple[float, int]:
    config = load_config(directory)
    best, count = float("inf"), 0
    for _ in range(rounds):
        start = time.perf_counter()
        count = len(lint_paths([directory], config, jobs=1))
        best = min(best, time.perf_counter() - start)
    return best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results = {}
    for copies in (1, args.scale):
        with tempfile.TemporaryDirectory(prefix="obslint-scale-") as tmp:
            make_project(Path(tmp), copies)
            results[copies] = timed(Path(tmp), args.rounds)
        seconds, findings = results[copies]
        print(f"{copies:3}x: {19 * copies} alerts, {12 * copies} recording rules, {4 * copies} dashboards, "
              f"{6 + copies} routes: {seconds * 1000:.0f} ms ({findings} findings)")
    ratio = results[args.scale][0] / results[1][0]
    print(f"{args.scale}x the input takes {ratio:.1f}x the time (goal: at most {1.2 * args.scale:.0f}x)")


if __name__ == "__main__":
    main()
