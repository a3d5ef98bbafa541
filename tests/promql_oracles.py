"""Running the promtool of each target version on batches of PromQL expressions, for the tests that
compare obslint's verdicts with them (tests/promql/): one rule file per batch, one rule per expression,
one promtool run (promtool reports every rule's error)."""

from __future__ import annotations

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from helpers import need
from oracles import find_oracle

# the targets whose promtool the tests run: Debian's 2.42 and the releases pinned in scripts/oracles.txt
TARGETS = [(2, 42), (2, 53), (3, 0), (3, 5), (3, 16)]
BATCH = 1000  # rules per promtool run
_RULE_ERROR = re.compile(r'group "g", rule (\d+), "r\d+": could not parse expression: (?:(\d+):(\d+): )?'
                         r"(?:parse error: )?(.*)")


def promtool_for(target: tuple[int, int]) -> str:
    """The promtool of a target (oracles.find_oracle); a missing one fails in CI, skips elsewhere."""
    oracle = find_oracle("promtool", "%d.%d" % target)
    if not oracle.available:
        need(f"promtool {oracle.version}", oracle.hint())
    return str(oracle.path)


def rule_file(exprs: list[str]) -> str:
    """One group, one recording rule per expression (JSON strings are YAML strings)."""
    lines = ["groups:", "- name: g", "  rules:"]
    for i, expr in enumerate(exprs):
        lines.append(f"  - record: r{i}")
        lines.append(f"    expr: {json.dumps(expr, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def promtool_verdicts(promtool: str, exprs: list[str], workdir: Path, features: frozenset[str]
                      ) -> list[tuple[bool, tuple[int, int] | None]]:
    """promtool's verdict on each expression: (accepted, line and byte column of its error)."""
    flags = [f"--enable-feature={','.join(sorted(features))}"] if features else []
    batches = [exprs[i:i + BATCH] for i in range(0, len(exprs), BATCH)]
    paths = []
    for n, batch in enumerate(batches):
        path = workdir / f"batch{n}.yml"
        path.write_text(rule_file(batch), encoding="utf-8")
        paths.append(path)

    def run(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run([promtool, "check", "rules", *flags, str(path)], capture_output=True, text=True,
                              timeout=300)

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(run, paths))
    verdicts: list[tuple[bool, tuple[int, int] | None]] = []
    for batch, proc in zip(batches, runs, strict=True):
        errors: dict[int, tuple[int, int] | None] = {}
        for line in proc.stderr.splitlines():
            match = _RULE_ERROR.search(line)
            if match:
                errors.setdefault(int(match.group(1)) - 1, (int(match.group(2)), int(match.group(3)))
                                  if match.group(2) else None)
        if not errors:
            assert proc.returncode == 0 and f"SUCCESS: {len(batch)} rules found" in proc.stdout, proc.stderr[:2000]
        verdicts.extend((i not in errors, errors.get(i)) for i in range(len(batch)))
    return verdicts


def our_position(expr: str, offset: int | None) -> tuple[int, int] | None:
    """line:column of an offset as Go counts them (columns in bytes)."""
    if offset is None:
        return None
    before = expr[:offset]
    line = before.count("\n") + 1
    column = len(before[before.rfind("\n") + 1:].encode("utf-8")) + 1
    return line, column
