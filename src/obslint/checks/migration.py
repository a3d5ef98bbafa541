"""Migration checks for teams moving from Prometheus 2.x to 3.x (R151-R153): PromQL that parses in both
but returns something else in 3.x. They run when the target is 3.0 or later (the version a team moves to).

What 3.0 changed (upstream's migration guide, docs/migration.md of prometheus/prometheus v3.0.0):
- `le` and `quantile` label values of classic histograms and summaries are normalized to floats when they
  are scraped (`le="1"` is stored as `le="1.0"`), so a matcher on an integer value stops matching (R151);
- range selectors and subqueries are left-open: a sample exactly at the start of the range is out, so
  `[1m:1m]` holds one point where 2.x had two, and rate() over it returns nothing (R152);
- a regex's `.` matches a newline (R153; off by default: label values rarely hold newlines);
- `holt_winters` is gone (renamed double_exponential_smoothing, behind promql-experimental-functions) and
  removed fields are refused: P002 and R001/C001 report those at a 3.x target.
"""

from __future__ import annotations

import re

from obslint.checks.base import Check, register, runs
from obslint.core.collector import Collector
from obslint.core.findings import Severity
from obslint.durations import format_duration
from obslint.promql.walk import iter_nodes
from obslint.rules.model import Rule, RuleFile

THREE = (3, 0)


@register
class IntegerLeQuantile(Check):
    """Finds a matcher on `le` or `quantile` with an integer value (`le="1"`, `quantile=~"1|5"`).

    Why: from Prometheus 3.0 the `le` of classic histograms and the `quantile` of summaries are normalized to
    floats when they are scraped (`le="1"` becomes `le="1.0"`, `quantile="1"` becomes `quantile="1.0"`), so a
    matcher on the integer form silently selects nothing after the upgrade. Match the float form, or both
    while 2.x and 3.x servers run side by side. (The change is in scraping, not in PromQL: promtool's rule
    unit tests load series as written and cannot show it.)

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_request_duration_seconds_bucket_le1:rate5m
            expr: sum by (job) (rate(http_request_duration_seconds_bucket{le="1"}[5m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_request_duration_seconds_bucket_le1:rate5m
            expr: sum by (job) (rate(http_request_duration_seconds_bucket{le=~"1(\\\\.0)?"}[5m]))
    ```
    """

    code = "R151"
    name = "integer-le-quantile"
    severity = Severity.WARNING


@register
class OnePointRange(Check):
    """Finds a subquery whose range is not longer than its step (`[5m:5m]`, `[1m:]` in a 1m group).

    Why: from Prometheus 3.0 ranges are left-open: a point exactly at the start of the range is left out.
    `x[5m:5m]` held two points in 2.x and holds one in 3.x, so rate(), increase(), delta(), deriv() and
    changes() over it return nothing, and `*_over_time()` see half the data. Make the range at least twice
    the step (`[10m:5m]`). promtool's rule unit tests prove it: `count_over_time(x[1m:1m])` is 2 with
    promtool 2.53 and 1 with promtool 3.x (tests/checks/test_migration.py).

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:queue_depth:max_over_5m
            expr: max by (job) (max_over_time(queue_depth[5m:5m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:queue_depth:max_over_5m
            expr: max by (job) (max_over_time(queue_depth[5m:1m]))
    ```
    """

    code = "R152"
    name = "one-point-range"
    severity = Severity.WARNING


@register
class RegexDotNewline(Check):
    """Finds a label matcher regex with `.` (other than a whole `.*` or `.+`), off by default.

    Why: from Prometheus 3.0 a regex's `.` also matches a newline (`(?s)`), so `{path=~"/api/.*/items"}` now
    also selects a value with a newline in it, and `!~` drops it. Label values rarely hold newlines; enable
    this check (`enable = ["R153"]`) to review the regexes once when moving to 3.x. promtool's rule unit tests
    prove the change: `{l=~"a.b"}` selects `l="a\\nb"` with promtool 3.x and not with 2.53
    (tests/checks/test_migration.py). Write `[^\\n]` where a newline must not match.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:api_requests:rate5m
            expr: sum by (job) (rate(http_requests_total{path=~"/api/.*/items"}[5m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:api_requests:rate5m
            expr: sum by (job) (rate(http_requests_total{path=~"/api/[^\\\\n]*/items"}[5m]))
    ```
    """

    code = "R153"
    name = "regex-dot-newline"
    severity = Severity.INFO
    enabled_by_default = False
    example_config = {"enable": frozenset({"R153"})}


INTEGER = re.compile(r"[+-]?\d+")
TWO_POINT_FUNCTIONS = {"rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets",
                       "predict_linear"}
DEFAULT_EVALUATION_MS = 60_000


@runs("rule-file", IntegerLeQuantile, OnePointRange, RegexDotNewline)
def check_migration(rule_file: RuleFile, collector: Collector) -> None:
    if collector.config.prometheus_version < THREE:
        return
    for group in rule_file.groups:
        for rule in group.rules:
            if rule.parsed is None or not rule.parsed.ok or rule.parsed.ast is None:
                continue
            parents = {}
            for node in iter_nodes(rule.parsed.ast):
                kind = type(node).__name__
                if kind == "Call":
                    for arg in node.args:
                        parents[id(arg)] = node
                elif kind == "VectorSelector":
                    _matchers(rule, node, collector)
                elif kind == "SubqueryExpr":
                    step = _ms(node.step) if node.step else group.interval_ms
                    if step and _ms(node.range) <= step:
                        _one_point(rule, node, step, parents.get(id(node)), collector)


def _ms(delta) -> int:
    return int(delta.total_seconds() * 1000)


def _at(rule: Rule, collector: Collector, check: type[Check], message: str, needle: str | None = None) -> None:
    offset = None
    if needle is not None:
        match = re.search(needle, rule.parsed.text)
        offset = match.start() if match else None
    line, column = rule.expr_position(offset)
    collector.add(check, line, column, f"{rule.kind} `{rule.name}`: {message}")


def _matchers(rule: Rule, node, collector: Collector) -> None:
    for matcher in node.matchers.matchers:
        op = str(matcher.op)
        value = rule.parsed.real_value(matcher.value)
        regex = op.endswith(("Re", "NotRe"))
        if matcher.name in ("le", "quantile"):
            alternatives = value.strip("()").split("|") if regex else [value]
            integers = [a for a in alternatives if INTEGER.fullmatch(a)]
            if integers:
                _at(rule, collector, IntegerLeQuantile,
                    f"`{matcher.name}` matched as the integer `{integers[0]}`: Prometheus 3.0 stores scraped "
                    f"{matcher.name} values as floats (`{float(integers[0])}`), so this no longer matches; "
                    f"match `{float(integers[0])}` (or both while 2.x servers remain)",
                    rf"\b{matcher.name}\s*[=!]")
        if regex and matcher.name not in ("le", "quantile") and value not in (".*", ".+") and _has_dot(value):
            _at(rule, collector, RegexDotNewline,
                f"`{matcher.name}` regex `{value}`: from Prometheus 3.0 `.` also matches a newline; "
                "write `[^\\n]` where it must not", rf"\b{re.escape(matcher.name)}\s*[=!]~")


def _has_dot(regex: str) -> bool:
    """An unescaped `.` outside a character class."""
    escaped = in_class = False
    for char in regex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == ".":
            return True
    return False


def _one_point(rule: Rule, node, step: int, parent, collector: Collector) -> None:
    window, every = format_duration(_ms(node.range)), format_duration(step)
    written = f"[{window}:{format_duration(_ms(node.step))}]" if node.step else f"[{window}:]"
    fn = parent.func.name if parent is not None else None
    effect = (f"{fn}() over it returns nothing" if fn in TWO_POINT_FUNCTIONS
              else "it holds one point where 2.x had two")
    _at(rule, collector, OnePointRange,
        f"subquery {written} with a step of {every}: ranges are left-open from Prometheus 3.0, so {effect}; "
        f"make the range at least twice the step", r"\[[^\]]*:[^\]]*\]")
