#!/usr/bin/env python3
"""The figures of the differential test of the metric catalog (tests/crossref/test_instrumentation.py):
hypothesis generates prometheus_client declarations (every class, names through constants, f-strings,
imports, loops, classes), each is run with the real client in a fresh CollectorRegistry and read by obslint
statically, and the verdicts are tallied: the exposition's families, types, series and label names equal
to obslint's, the client refusing what obslint calls invalid, names that are no classic metric names left
unread. Any disagreement is printed and makes the exit code 1.

    .venv/bin/python bench/catalog_differential.py [--examples 2000] [--seed 0]
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests"), str(REPO / "tests" / "crossref")]

import test_instrumentation as differential  # noqa: E402
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    tally: collections.Counter = collections.Counter()
    by_class: collections.Counter = collections.Counter()
    disagreements = []

    @seed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(differential.specs())
    def run(spec):
        verdict = differential.compare(spec)
        if verdict != "identical":
            disagreements.append((differential.render(spec), verdict))
            tally["disagree"] += 1
            return
        exposed = differential.run_with_client(differential.render(spec), spec)
        classic = all(differential.CLASSIC.fullmatch(p) for p in (spec.name, spec.namespace, spec.subsystem,
                                                                   spec.unit))
        kind = ("refused by the client, invalid for obslint" if exposed is None else
                "exposed, identical" if classic else "no classic name, unread by obslint")
        tally[kind] += 1
        by_class[spec.cls] += 1

    run()
    total = sum(tally.values())
    print(f"{total} generated declarations: {total - tally['disagree']} agree, {tally['disagree']} disagree")
    for kind, count in tally.most_common():
        print(f"  {count:5}  {kind}")
    print("by class: " + ", ".join(f"{cls} {count}" for cls, count in sorted(by_class.items())))
    for source, verdict in disagreements[:5]:
        print(f"\n{source}{verdict}")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
