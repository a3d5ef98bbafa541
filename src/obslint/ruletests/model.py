"""promtool rule unit-test files: the model (groups and their alert and expression cases, with lines),
reading one, writing a copy with some of its groups, the files its `rule_files` name, and promtool's
expanding notation for input series."""

from __future__ import annotations

import glob
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from obslint import yamlload
from obslint.durations import parse_duration
from obslint.yamlload import MapNode, ScalarNode, SeqNode


class TestRunError(Exception):
    """promtool missing or a test file unreadable: exit 2."""


@dataclass
class Case:
    kind: str  # alert (alert_rule_test) or expr (promql_expr_test)
    subject: str  # the alertname or the expression
    eval_time: str
    line: int
    firing: bool = False  # an alert case that expects some alert


@dataclass
class Group:
    index: int
    name: str
    line: int
    cases: list[Case] = field(default_factory=list)

    @property
    def alert_cases(self) -> list[Case]:
        return [c for c in self.cases if c.kind == "alert"]

    @property
    def exprs(self) -> list[str]:
        return [c.subject for c in self.cases if c.kind == "expr"]

    def has_case(self, failure) -> bool:
        """Whether `failure` (obslint.ruletests.promtool.Failure) can be about one of this group's cases
        (an evaluation error can be anyone's)."""
        return any(failure.kind in (c.kind, "error") and c.subject == failure.subject
                   and _same_time(c.eval_time, failure.time) for c in self.cases)

    def line_of(self, failure) -> int:
        """The line of the test case a promtool failure is about (the group's when it cannot tell)."""
        same = [c for c in self.cases if c.kind == failure.kind and c.subject == failure.subject]
        timed = [c for c in same if _same_time(c.eval_time, failure.time)]
        return (timed or same)[0].line if same else self.line


def _same_time(written: str, printed: str) -> bool:
    """An eval_time as written against promtool's printing of it (`90s` is printed `1m30s`)."""
    a, b = parse_duration(written), parse_duration(printed)
    return written == printed or (a is not None and a == b)


@dataclass
class TestFile:
    path: Path
    root: MapNode  # the YAML tree, for writing per-group copies with every scalar as written
    groups: list[Group]
    rule_files: list[str]


def emit(node, indent: int = 0) -> str:
    """Block YAML for a node, each scalar as it was written (plain stays plain, so Go reads the same
    types), quoted ones and multi-line ones double-quoted."""
    pad = " " * indent
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SeqNode):
        if not node.items:
            return "[]"
        return "".join(f"\n{pad}- " + emit(item, indent + 2).lstrip("\n").lstrip() for item in node.items)
    if isinstance(node, MapNode):
        if not node.items:
            return "{}"
        out = []
        for key, value in node.items:
            text = emit(value, indent + 2)
            sep = "" if text.startswith("\n") else " "
            out.append(f"\n{pad}{_scalar(key)}:{sep}{text}")
        return "".join(out)
    return "null"


def _scalar(node: ScalarNode) -> str:
    if node.style is None and "\n" not in node.text and node.text.strip() == node.text:
        return node.text if node.text else "null"
    return json.dumps(node.as_str())


def read_test_file(path: Path) -> TestFile:
    try:
        text = yamlload.read_file(path, 50 * 1024 * 1024)
        documents = yamlload.load_documents(text, 5_000_000)
    except yamlload.YamlError as exc:
        raise TestRunError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    root = documents[0].root if documents else None
    if not isinstance(root, MapNode) or not isinstance(root.get("tests"), SeqNode):
        raise TestRunError(f"{path}: not a promtool unit-test file (no `tests:` list)")
    groups = []
    for i, node in enumerate(root.get("tests").items):
        if not isinstance(node, MapNode):
            continue
        name = node.get("name")
        group = Group(i, name.as_str() if isinstance(name, ScalarNode) else "", node.line)
        for kind, key, subject in (("alert", "alert_rule_test", "alertname"), ("expr", "promql_expr_test", "expr")):
            cases = node.get(key)
            for case in cases.items if isinstance(cases, SeqNode) else []:
                if isinstance(case, MapNode) and isinstance(case.get(subject), ScalarNode):
                    exp = case.get("exp_alerts")
                    group.cases.append(Case(kind, case.get(subject).as_str(), _str(case.get("eval_time")),
                                            case.line, isinstance(exp, SeqNode) and bool(exp.items)))
        groups.append(group)
    rule_files = root.get("rule_files")
    files = [i.as_str() for i in rule_files.items if isinstance(i, ScalarNode)] if isinstance(rule_files,
                                                                                               SeqNode) else []
    return TestFile(path, root, groups, files)


def _str(node) -> str:
    return node.as_str() if isinstance(node, ScalarNode) else ""


def rule_files(test_path: Path, pattern: str) -> list[Path]:
    """The files a `rule_files` entry names; promtool reads relative entries from the test file's directory."""
    full = pattern if os.path.isabs(pattern) else str(test_path.parent / pattern)
    return [Path(p) for p in sorted(glob.glob(full))]


def resolve_rule_files(tests: list[TestFile]) -> list[Path]:
    found: list[Path] = []
    for test in tests:
        for pattern in test.rule_files:
            found.extend(match for match in rule_files(test.path, pattern) if match not in found)
    return found



# no hex: `0x10` is 0 eleven times; `Infx2` is one identifier to Go's lexer, not Inf two more times
_UNSIGNED = r"(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|(?i:inf|nan)(?![A-Za-z0-9_]))"
_HISTOGRAM = r"\{\{[^{}]*\}\}"
_FINITE = re.compile(r"(?:\d+\.?\d*|\.\d+)[eE]\+?\d{3,}")  # literals that may overflow
_TOKEN = re.compile(rf"\s*(?:(?P<missing>_(?:x(?P<mcount>\d+))?)|stale"
                    rf"|[-+]?{_UNSIGNED}(?:(?:[-+]{_UNSIGNED})?x(?P<count>\d+))?"
                    rf"|(?P<histogram>{_HISTOGRAM}(?:[-+]{_HISTOGRAM}x(?P<hcount>\d+))?))(?=\s|$)")
NATIVE_HISTOGRAMS = (2, 47)  # the first release whose unit tests read native histograms (#12146)


def series_length(values: str, version: tuple[int, int] = (3, 0)) -> int:
    """How many samples promtool's expanding notation (`1+2x3 _ stale _x2 5x4`) stands for;
    ValueError naming the first part it cannot read."""
    count, pos = 0, 0
    while values[pos:].strip():
        m = _TOKEN.match(values, pos)
        if m is None or (m.group("histogram") and version < NATIVE_HISTOGRAMS):
            bad = values[pos:].split()[0]
            why = "expected a number, `a+bxN`, `a-bxN`, `axN`, `_`, `_xN` or `stale`"
            if bad.startswith("{{") and version < NATIVE_HISTOGRAMS:
                why = f"native histograms need Prometheus {NATIVE_HISTOGRAMS[0]}.{NATIVE_HISTOGRAMS[1]} or later"
            raise ValueError(f"cannot read {bad!r} at character {values.index(bad, pos) + 1}; {why}")
        for literal in _FINITE.findall(m.group(0)) if not m.group("histogram") else ():
            if math.isinf(float(literal)):  # Go's ParseFloat refuses what overflows a float64
                raise ValueError(f"cannot read {literal!r} at character {values.index(literal, pos) + 1}; "
                                 "the number is beyond a float64's range")
        pos = m.end()
        if m.group("missing"):
            count += int(m.group("mcount") or 1)
        elif m.group("count") is not None:
            count += int(m.group("count")) + 1
        elif m.group("hcount") is not None:
            count += int(m.group("hcount")) + 1
        else:
            count += 1
    return count


@dataclass(frozen=True)
class TestDocument:
    """A unit-test file as the static checks see it: its YAML tree and the version of the promtool that
    runs it (whose fields it may use)."""

    path: Path
    root: object  # obslint.yamlload Node, or None
    version: tuple[int, int]
