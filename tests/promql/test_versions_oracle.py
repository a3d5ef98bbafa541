"""obslint's PromQL verdict against the real promtool of each target version, flags included.

For each target (Debian's promtool 2.42, and 2.53, 3.0, 3.5 and 3.16 built into the oracle cache by
scripts/oracles.sh) and with no flag or every PromQL flag: every expression of the shared corpus and
a generated set (tests/promql_gen.py: the whole language, new syntax included, valid and
not) get the same accept/refuse verdict from `parse_expr` as from `promtool check rules`, and every
shared-corpus rule file the same verdict from `obslint check` as from promtool. promtool reports
every rule's error, so each batch of expressions is one rule file (one rule per expression) and
one promtool run. Where both refuse, obslint's error is where promtool's is (line and column in the
expression), or, for a bad regex, at the regex where promtool points at its label (or anywhere when
promtool has none: its parser panicked). Agreement figures are printed and written to
test-artifacts/promql-versions.json.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import CORPUS, IN_CI, REPO, need
from promql_oracles import TARGETS, our_position, promtool_for, promtool_verdicts

from obslint.promql import versions
from obslint.promql.parse import parse_expr

pytestmark = pytest.mark.oracle

# no flag, or every PromQL flag (a promtool warns about those it does not know, and ignores them)
FLAG_SETS = {"no flags": frozenset(), "every flag": frozenset(versions.FLAGS)}
GENERATED = int(os.environ.get("OBSLINT_ORACLE_GENERATED", "3000"))
ARTIFACT = REPO / "test-artifacts" / "promql-versions.json"


def record(name: str, figures: dict) -> None:
    print(f"\n{name}: {figures}")
    ARTIFACT.parent.mkdir(exist_ok=True)
    try:
        data = json.loads(ARTIFACT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[name] = figures
    ARTIFACT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def compare(target, features, exprs, tmp_path, name) -> list:
    promtool = promtool_for(target)
    start = time.monotonic()
    theirs = promtool_verdicts(promtool, exprs, tmp_path, features)
    promtool_seconds = time.monotonic() - start
    start = time.monotonic()
    ours = [parse_expr(expr, target, features=features) for expr in exprs]
    our_seconds = time.monotonic() - start
    mismatches, positions, same, at_regex, no_position, refused = [], [], 0, 0, 0, 0
    for expr, parsed, (ok, position) in zip(exprs, ours, theirs, strict=True):
        if parsed.ok != ok:
            mismatches.append((expr, parsed.ok, [p.message for p in parsed.problems][:1]))
        elif not ok:
            refused += 1
            ours_at = our_position(expr, parsed.problems[0].offset)
            if ours_at == position:
                same += 1
            elif position is None and ours_at is not None:
                no_position += 1  # promtool's parser panicked: "unexpected error", no position
            elif position is not None and ours_at is not None and _at_the_regex(expr, position, ours_at):
                at_regex += 1
            else:
                positions.append((expr, ours_at, position))
    record(name, {"agree": len(exprs) - len(mismatches), "of": len(exprs), "refused by both": refused,
                  "same error position": same, "at the regex where promtool points at its label": at_regex,
                  "where promtool gives no position": no_position,
                  "promtool seconds": round(promtool_seconds, 2), "obslint seconds": round(our_seconds, 2)})
    return mismatches + positions


_MATCHER_HEAD = re.compile(r"(?:[^\W\d][\w.]*|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')[ \t\r\n]*[=!]~[ \t\r\n]*")


def _at_the_regex(expr: str, theirs: tuple[int, int], ours: tuple[int, int]) -> bool:
    """obslint points at a bad regex, promtool at its matcher's label: ours is just after `label=~`."""
    lines = expr.split("\n")
    if theirs[0] != ours[0] or theirs[0] > len(lines):
        return False
    line = lines[theirs[0] - 1].encode("utf-8")
    between = line[theirs[1] - 1:ours[1] - 1].decode("utf-8", "replace")
    return _MATCHER_HEAD.fullmatch(between) is not None


def corpus_expressions() -> list[str]:
    path = CORPUS / "exprs" / "verdicts.jsonl"
    if not path.exists():
        need("the shared corpus", f"expected it at {CORPUS}")
    exprs = [json.loads(line)["expr"] for line in path.open(encoding="utf-8")]
    return list(dict.fromkeys(exprs))


def generated_expressions() -> list[str]:
    import promql_gen

    return promql_gen.batch(seed=16, count=GENERATED)


def _id(value) -> str:
    return versions.fmt(value) if isinstance(value, tuple) else str(value)


@pytest.mark.parametrize("flags", list(FLAG_SETS))
@pytest.mark.parametrize("target", TARGETS, ids=_id)
def test_corpus_expressions_get_promtools_verdict(target, flags, tmp_path):
    exprs = corpus_expressions()
    assert len(exprs) > 3000
    mismatches = compare(target, FLAG_SETS[flags], exprs, tmp_path, f"corpus expressions {_id(target)} {flags}")
    assert mismatches == []


@pytest.mark.parametrize("flags", list(FLAG_SETS))
@pytest.mark.parametrize("target", TARGETS, ids=_id)
def test_generated_expressions_get_promtools_verdict(target, flags, tmp_path):
    exprs = generated_expressions()
    mismatches = compare(target, FLAG_SETS[flags], exprs, tmp_path, f"generated expressions {_id(target)} {flags}")
    assert mismatches == []


@pytest.mark.parametrize("target", TARGETS, ids=_id)
def test_corpus_rule_files_get_promtools_verdict(target):
    from obslint.checks.registry import all_checks
    from obslint.config import Config
    from obslint.core.findings import Severity
    from obslint.engine.lint import lint_paths

    own_rule_checks = frozenset(c.code for c in all_checks() if c.code[0] == "R" and int(c.code[1:]) >= 100)

    def validation_errors(findings):  # what promtool checks too (YAML, rulefmt, PromQL)
        return [f for f in findings if f.severity == Severity.ERROR and (
            f.code[0] in "YP" or (f.code[0] == "R" and int(f.code[1:]) < 100))]

    promtool = promtool_for(target)
    files = sorted(p for p in (CORPUS / "rules").glob("*/*") if p.suffix in (".yml", ".yaml"))
    if not files:
        need("the shared corpus", f"expected it at {CORPUS}")
    config = Config(prometheus_version=target, disable=own_rule_checks)

    def verdict(path: Path) -> bool:
        proc = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True, timeout=120)
        return proc.returncode == 0

    with ThreadPoolExecutor(max_workers=2) as pool:
        theirs = list(pool.map(verdict, files))
    mismatches = set()
    for path, ok in zip(files, theirs, strict=True):
        ours = not validation_errors(lint_paths([path], config))
        if ours != ok:
            mismatches.add(f"{path.parent.name}/{path.name}")
    record(f"corpus rule files {_id(target)}", {"agree": len(files) - len(mismatches), "of": len(files)})
    assert mismatches == {name for name, since in RULEFMT_GAPS.items() if target >= since}


# Rule files on which obslint and promtool differ for a reason outside PromQL (the rule-file format,
# rulefiles.py), with the first release they differ in. The test above fails when one is fixed (and
# when another appears): remove the entry then.
RULEFMT_GAPS: dict[str, tuple[int, int]] = {}


def test_every_oracle_is_there_in_ci():
    """In CI every pinned promtool must be there (the tests above fail rather than skip)."""
    if not IN_CI:
        pytest.skip("only in CI")
    for target in TARGETS:
        assert promtool_for(target)
