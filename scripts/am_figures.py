"""Summarise the Alertmanager oracle figures that the tests append to $OBSLINT_AM_FIGURES (JSON lines)
as Markdown tables: per amtool version, what was compared, matcher mode, n agree / n.

    OBSLINT_AM_FIGURES=/tmp/am.jsonl .venv/bin/python -m pytest -q tests/alertmanager/test_amtool_versions.py \
        tests/alertmanager/test_amtool_generated.py tests/alertmanager/test_amtool_routing_versions.py \
        tests/alertmanager/test_e2e_grouping_versions.py
    python3 scripts/am_figures.py /tmp/am.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict


def kind(mode: str) -> str:
    for needle, name in (("testdata", "config/testdata + doc/examples"), ("config tests", "config tests"),
                         ("routing", "routing: label sets routed (amtool config routes test)"),
                         ("grouping", "grouping: groups (real Alertmanager server)"), ("table", "generated: tables")):
        if needle in mode:
            return name
    return "generated: hypothesis"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("+")[0].split("."))


def main(path: str) -> None:
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            counts = totals[(row["version"], kind(row["mode"]), row["mode"].split(" ")[0])]
            counts[0] += row["agree"]
            counts[1] += row["n"]
    print("| amtool | compared | matcher mode | agree / n |\n|---|---|---|---|")
    for (version, what, mode), (agree, n) in sorted(totals.items(), key=lambda kv: (version_key(kv[0][0]),
                                                                                     kv[0][1:])):
        print(f"| {version} | {what} | {mode} | {agree} / {n} |")


if __name__ == "__main__":
    main(sys.argv[1])
