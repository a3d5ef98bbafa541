"""Static checks of promtool unit-test files: what makes a rule unit test pass while proving nothing,
or fail before it runs. Reported in `obslint check` and before `obslint test`."""

from __future__ import annotations

import difflib
import functools
from pathlib import Path

from obslint.checks.base import Check, register, runs
from obslint.core.collector import Collector
from obslint.core.findings import Severity
from obslint.durations import parse_duration
from obslint.ruletests.model import TestDocument, rule_files, series_length
from obslint.yamlload import MapNode, ScalarNode, SeqNode

_RULES = """\
groups:
  - name: example
    rules:
      - alert: InstanceDown
        expr: up == 0
        for: 5m
"""


class RuleTestCheck(Check):
    kind = "rule-tests"
    example_filename = "rules/tests/example.test.yaml"
    example_files = {"rules/alerts.yaml": _RULES}


@register
class RuleFilesUnmatched(RuleTestCheck):
    """Finds a `rule_files` entry of a unit-test file that matches no file (read relative to the test file).
    A file that `.gitignore` ignores is made by a build step (a mixin renders its rules from jsonnet): that
    is said as info.

    Why: promtool then loads no rules, and every test that expects silence (`exp_alerts: []`) passes;
    promtool 2.42 says nothing about it (prometheus/prometheus#12499).

    Bad:
    ```yaml
    rule_files:
      - alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts: []
    ```

    Good:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts: []
    ```
    """

    code = "T001"
    name = "test-rule-files-unmatched"


@register
class TestUnknownAlert(RuleTestCheck):
    """Finds an `alertname` in `alert_rule_test` that no rule in the test's `rule_files` defines.

    Why: an alert that does not exist never fires, so such a test can only pass by expecting
    silence: after a rename or a typo it keeps passing and tests nothing.

    Bad:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDwn
            exp_alerts: []
    ```

    Good:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts: []
    ```
    """

    code = "T002"
    name = "test-unknown-alert"


@register
class TestEvalAfterSeries(RuleTestCheck):
    """Finds an `eval_time` later than the end of the test group's input series plus the 5m lookback.

    Why: after that the rules see no data at all, so an alert "not firing" there proves nothing
    and one expected firing never can (for series of `values: '0x10'` at `interval: 1m`, the last
    sample is at 10m and the data is gone after 15m).

    Bad:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x10'
        alert_rule_test:
          - eval_time: 1h
            alertname: InstanceDown
            exp_alerts: []
    ```

    Good:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x60'
        alert_rule_test:
          - eval_time: 1h
            alertname: InstanceDown
            exp_alerts: []
    ```
    """

    code = "T003"
    name = "test-eval-after-series"
    severity = Severity.WARNING


@register
class TestSeriesSyntax(RuleTestCheck):
    """Finds input series promtool cannot read: a `series` that is not `name{label="value", ...}`, or
    `values` outside the expanding notation (`a+bxN`, `a-bxN`, `axN`, `_`, `_xN`, `stale`, numbers;
    native histograms `{{...}}` from Prometheus 2.47).

    Why: promtool fails the whole file with a parse error naming only a character offset; obslint
    shows the series at its line. `1 + 2x3` (spaces around the sign) and `0x1f` (hex) are the usual
    traps.

    Bad:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1 + 0x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts: []
    ```

    Good:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1+0x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts: []
    ```
    """

    code = "T004"
    name = "test-series-syntax"


@register
class TestUnknownField(RuleTestCheck):
    """Finds a field of a unit-test file that the promtool running the tests does not know: a typo, or
    a field of a newer release (`fuzzy_compare` needs 3.5, `start_timestamp` 3.9, `histogram`
    samples 2.47). The version is the installed promtool's, else the configured Prometheus version.

    Why: promtool refuses the whole file (`field exp_annotation not found in type main.alert`).

    Bad:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '0x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts:
              - exp_labels: {job: api}
                exp_annotation: {summary: down}
    ```

    Good:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '0x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts:
              - exp_labels: {job: api}
    ```
    """

    code = "T005"
    name = "test-unknown-field"


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

@runs("rule-test-file", RuleFilesUnmatched, TestUnknownAlert, TestEvalAfterSeries, TestSeriesSyntax,
      TestUnknownField)
def lint_rule_test_file(document: TestDocument, collector: Collector) -> None:
    """A unit-test file, against the fields of the promtool that runs it (`document.version`)."""
    path, root, version = document.path, document.root, document.version
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
            collector.at(TestUnknownField, key, f"promtool does not know the field `{key.text}` here{hint}")
        elif since > version:
            collector.at(TestUnknownField, key,
                         f"`{key.text}` needs Prometheus {since[0]}.{since[1]} or later; the promtool "
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
        matches = rule_files(path, entry.as_str())
        if not matches:
            complete = False
            where = f"relative to {path.parent.as_posix() or '.'}"
            if _ignored(path, entry.as_str()):  # made by a build step, not kept in the repository
                collector.at(RuleFilesUnmatched, entry,
                             f"rule_files entry `{entry.as_str()}` matches no file ({where}); .gitignore ignores "
                             "it, so a build step makes it: make it before running the tests", Severity.INFO)
                continue
            collector.at(RuleFilesUnmatched, entry,
                         f"rule_files entry `{entry.as_str()}` matches no file ({where}); promtool then tests no "
                         "rules at all")
        found.extend(m for m in matches if m not in found)
    return found if complete else None


def _ignored(test_file: Path, entry: str) -> bool:
    """Whether a rule_files entry (no glob) names a file that .gitignore ignores beside the test file."""
    import os

    if any(ch in entry for ch in "*?[") or os.path.isabs(entry):
        return False
    from obslint.core.gitignore import Ignores

    target = os.path.normpath(os.path.join(os.path.abspath(test_file.parent), entry))
    directory, name = os.path.split(target)
    if not os.path.isdir(directory):
        return False
    return Ignores(directory).ignored(directory, name, False)


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
    from obslint.checks import rulefmt
    from obslint.config import Config

    rule_file, _ = rulefmt.load_file(path, Config())
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
        _check_selector(item.get("series"), collector, version)
        values = item.get("values")
        if isinstance(values, ScalarNode):
            try:
                length = series_length(values.as_str(), version)
            except ValueError as exc:
                collector.at(TestSeriesSyntax, values, f"input series values: {exc}")
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
            if end_ms is not None and at is not None and at > end_ms + LOOKBACK_MS and \
                    _reads_series(kind, case, version, collector.config.enable_features):
                from obslint.durations import format_duration

                collector.at(TestEvalAfterSeries, eval_time,
                             f"eval_time {eval_time.as_str()} is after the input series end "
                             f"({format_duration(end_ms)}) and the 5m lookback; the rules "
                                                "see no data there")
            name = case.get("alertname")
            if kind == "alert_rule_test" and alerts is not None and isinstance(name, ScalarNode) \
                    and name.as_str() not in alerts:
                near = difflib.get_close_matches(name.as_str(), sorted(alerts), n=1)
                hint = f"; did you mean `{near[0]}`?" if near else ""
                collector.at(TestUnknownAlert, name, f"no rule in this test's rule_files defines the alert "
                                                     f"`{name.as_str()}`{hint}")


def _reads_series(kind: str, case: MapNode, version: tuple[int, int], features: frozenset[str]) -> bool:
    """Alert tests read the rules' series; an expression test may not (`time()`, `vector(1)`)."""
    if kind == "alert_rule_test":
        return True
    from obslint.promql.parse import parse_expr

    expr = case.get("expr")
    parsed = parse_expr(expr.as_str(), version, features=features) if isinstance(expr, ScalarNode) else None
    return parsed is not None and parsed.ast is not None and any(
        type(n).__name__ in ("VectorSelector", "MatrixSelector") for n in parsed.nodes)


def _check_selector(node, collector: Collector, version: tuple[int, int]) -> None:
    import promql_parser as pq

    from obslint.promql.parse import parse_expr

    if not isinstance(node, ScalarNode):
        return
    text = node.as_str()
    parsed = parse_expr(text, version, features=collector.config.enable_features)
    if not parsed.ok:
        collector.at(TestSeriesSyntax, node, f"input series `{text}`: {parsed.problems[0].message}")
        return
    ast = parsed.ast
    plain = type(ast).__name__ == "VectorSelector" and not ast.offset and not ast.at \
        and all(m.op == pq.MatchOp.Equal for m in ast.matchers.matchers)
    if not plain:
        collector.at(TestSeriesSyntax, node,
                     f"input series `{text}` is not a series: write `name{{label=\"value\", ...}}` "
                     "with `=` only")
