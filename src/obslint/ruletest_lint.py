"""Static checks of promtool unit-test files (T001-T005), before promtool runs them.

promtool 2.42 passes a test whose `rule_files` match nothing (prometheus/prometheus#12499), accepts an
`alertname` no rule defines (the test can then only ever assert silence), and reads an `eval_time`
after the input series end without a word. These are reported here, at the offending node.
"""

from __future__ import annotations

import difflib
import functools
import glob
import os
import re
from pathlib import Path

from obslint.collector import Collector
from obslint.durations import parse_duration
from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode

LOOKBACK_MS = 5 * 60 * 1000  # Prometheus's default lookback delta: data this old still counts
DEFAULT_INTERVAL_MS = 60 * 1000

# The fields of each part of a unit-test file, with the Prometheus release that added each one
# (unittest.go's yaml tags; ../shared/specs/anchors-lint.md §5.2).
ALWAYS = (2, 0)
FIELDS: dict[str, dict[str, tuple[int, int]]] = {
    "file": {"rule_files": ALWAYS, "evaluation_interval": ALWAYS, "group_eval_order": ALWAYS, "tests": ALWAYS,
             "fuzzy_compare": (3, 5)},
    "group": {"name": ALWAYS, "interval": ALWAYS, "input_series": ALWAYS, "alert_rule_test": ALWAYS,
              "promql_expr_test": ALWAYS, "external_labels": (2, 11), "external_url": (2, 28),
              "start_timestamp": (3, 9)},
    "series": {"series": ALWAYS, "values": ALWAYS},
    "alert_test": {"eval_time": ALWAYS, "alertname": ALWAYS, "exp_alerts": ALWAYS},
    "exp_alert": {"exp_labels": ALWAYS, "exp_annotations": ALWAYS},
    "expr_test": {"expr": ALWAYS, "eval_time": ALWAYS, "exp_samples": ALWAYS},
    "sample": {"labels": ALWAYS, "value": ALWAYS, "histogram": (2, 47)},
}
_CHILDREN = {("file", "tests"): "group", ("group", "input_series"): "series",
             ("group", "alert_rule_test"): "alert_test", ("alert_test", "exp_alerts"): "exp_alert",
             ("group", "promql_expr_test"): "expr_test", ("expr_test", "exp_samples"): "sample"}

_UNSIGNED = r"(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|(?i:inf|nan))"  # no hex: `0x10` is 0 eleven times
_HISTOGRAM = r"\{\{[^{}]*\}\}"
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


def glob_rule_files(test_path: Path, pattern: str) -> list[Path]:
    """The files a `rule_files` entry names; promtool reads relative entries from the test file's directory."""
    full = pattern if os.path.isabs(pattern) else str(test_path.parent / pattern)
    return [Path(p) for p in sorted(glob.glob(full))]


def lint_rule_test_file(path: Path, root: Node | None, collector: Collector, version: tuple[int, int]) -> None:
    """`version`: the promtool's that runs the tests."""
    if not isinstance(root, MapNode):
        return
    _unknown_fields(root, "file", collector, version)
    rule_paths = _rule_files(path, root, collector)
    alerts = _alert_names(rule_paths) if rule_paths is not None else None
    default_ms = _duration(root.get("evaluation_interval")) or DEFAULT_INTERVAL_MS
    tests = root.get("tests")
    for group in tests.items if isinstance(tests, SeqNode) else []:
        if isinstance(group, MapNode):
            _lint_group(group, default_ms, alerts, collector, version)


def _unknown_fields(node: MapNode, part: str, collector: Collector, version: tuple[int, int]) -> None:
    known = FIELDS[part]
    for key, value in node.items:
        since = known.get(key.text)
        if since is None:
            near = difflib.get_close_matches(key.text, list(known), n=1)
            hint = f"; did you mean `{near[0]}`?" if near else f" (known: {', '.join(known)})"
            collector.at("T005", key, f"promtool does not know the field `{key.text}` here{hint}")
        elif since > version:
            collector.at("T005", key, f"`{key.text}` needs Prometheus {since[0]}.{since[1]} or later; the promtool "
                                      f"in use is {version[0]}.{version[1]} and refuses the file")
        child = _CHILDREN.get((part, key.text))
        if child is not None and isinstance(value, SeqNode):
            for item in value.items:
                if isinstance(item, MapNode):
                    _unknown_fields(item, child, collector, version)


def _rule_files(path: Path, root: MapNode, collector: Collector) -> list[Path] | None:
    """The rule files the test reads; None when an entry matches nothing (so no alert list is trusted)."""
    entries = root.get("rule_files")
    if not isinstance(entries, SeqNode):
        return None
    found: list[Path] = []
    complete = True
    for entry in entries.items:
        if not isinstance(entry, ScalarNode):
            continue
        matches = glob_rule_files(path, entry.as_str())
        if not matches:
            complete = False
            collector.at("T001", entry, f"rule_files entry `{entry.as_str()}` matches no file (relative to "
                                        f"{path.parent.as_posix() or '.'}); promtool then tests no rules at all")
        found.extend(m for m in matches if m not in found)
    return found if complete else None


def _alert_names(rule_paths: list[Path]) -> set[str] | None:
    """The alerts the rule files define; None when one of them does not load."""
    names: set[str] = set()
    for rule_path in rule_paths:
        try:
            stat = rule_path.stat()
        except OSError:
            return None
        found = _alerts_of(str(rule_path.resolve()), stat.st_mtime_ns, stat.st_size)
        if found is None:
            return None
        names.update(found)
    return names


@functools.lru_cache(maxsize=256)
def _alerts_of(path: str, mtime_ns: int, size: int) -> frozenset[str] | None:
    """The alert names of one rule file (test files of one project share rule files: read each once;
    the file's time and size in the key keep a long-lived process from reading a stale answer)."""
    from obslint.config import Config
    from obslint.lint import lint_rule_file

    rule_file, _ = lint_rule_file(Path(path), Config())
    return None if rule_file is None else frozenset(r.name for r in rule_file.rules if r.kind == "alert")


def _duration(node) -> int | None:
    return parse_duration(node.as_str()) if isinstance(node, ScalarNode) else None


def _lint_group(group: MapNode, default_ms: int, alerts: set[str] | None, collector: Collector,
                version: tuple[int, int]) -> None:
    interval = _duration(group.get("interval")) or default_ms
    end_ms: int | None = None
    series = group.get("input_series")
    for item in series.items if isinstance(series, SeqNode) else []:
        if not isinstance(item, MapNode):
            continue
        _check_selector(item.get("series"), collector)
        values = item.get("values")
        if isinstance(values, ScalarNode):
            try:
                length = series_length(values.as_str(), version)
            except ValueError as exc:
                collector.at("T004", values, f"input series values: {exc}")
                continue
            if length:
                end_ms = max(end_ms or 0, (length - 1) * interval)
    for kind in ("alert_rule_test", "promql_expr_test"):
        cases = group.get(kind)
        for case in cases.items if isinstance(cases, SeqNode) else []:
            if not isinstance(case, MapNode):
                continue
            eval_time = case.get("eval_time")
            at = _duration(eval_time)
            if end_ms is not None and at is not None and at > end_ms + LOOKBACK_MS and _reads_series(kind, case):
                from obslint.durations import format_duration

                collector.at("T003", eval_time, f"eval_time {eval_time.as_str()} is after the input series end "
                                                f"({format_duration(end_ms)}) and the 5m lookback; the rules "
                                                "see no data there")
            name = case.get("alertname")
            if kind == "alert_rule_test" and alerts is not None and isinstance(name, ScalarNode) \
                    and name.as_str() not in alerts:
                near = difflib.get_close_matches(name.as_str(), sorted(alerts), n=1)
                hint = f"; did you mean `{near[0]}`?" if near else ""
                collector.at("T002", name, f"no rule in this test's rule_files defines the alert "
                                           f"`{name.as_str()}`{hint}")


def _reads_series(kind: str, case: MapNode) -> bool:
    """Alert tests read the rules' series; an expression test may not (`time()`, `vector(1)`)."""
    if kind == "alert_rule_test":
        return True
    from obslint.promql.parse import parse_expr

    expr = case.get("expr")
    parsed = parse_expr(expr.as_str()) if isinstance(expr, ScalarNode) else None
    return parsed is not None and parsed.ast is not None and any(
        type(n).__name__ in ("VectorSelector", "MatrixSelector") for n in parsed.nodes)


def _check_selector(node, collector: Collector) -> None:
    import promql_parser as pq

    from obslint.promql.parse import parse_expr

    if not isinstance(node, ScalarNode):
        return
    text = node.as_str()
    parsed = parse_expr(text)
    if not parsed.ok:
        collector.at("T004", node, f"input series `{text}`: {parsed.problems[0].message}")
        return
    ast = parsed.ast
    plain = type(ast).__name__ == "VectorSelector" and not ast.offset and not ast.at \
        and all(m.op == pq.MatchOp.Equal for m in ast.matchers.matchers)
    if not plain:
        collector.at("T004", node, f"input series `{text}` is not a series: write `name{{label=\"value\", ...}}` "
                                   "with `=` only")
