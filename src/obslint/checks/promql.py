"""PromQL verdicts: what the target Prometheus's parser rejects. `report` reports the problems of a
parsed expression (obslint.promql.parse) wherever the expression sits."""

from __future__ import annotations

from obslint.checks.base import Check, register
from obslint.core.findings import Severity


@register
class PromqlSyntax(Check):
    """Finds an expression that the target Prometheus cannot parse.

    Why: Prometheus refuses the whole rule file. obslint's verdict equals that of `promtool check
    rules` of the target version (`prometheus-version`, with the flags in `enable-features`), and
    the error is where promtool puts it: `or` between label matchers, numbers that overflow,
    regexes Go's RE2 refuses (`a{1001}`, lookahead) are errors; backtick raw strings are fine.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: HighErrorRate
            expr: rate(http_requests_total{status=~"5.."}) > 0.1
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: HighErrorRate
            expr: rate(http_requests_total{status=~"5.."}[5m]) > 0.1
    ```
    """

    code = "P001"
    name = "promql-syntax"


@register
class PromqlVersion(Check):
    """Finds PromQL that the target Prometheus version does not have (or no longer has).

    Why: a rule that parses on your laptop's Prometheus 3 fails to load on the 2.x servers
    you run, or the other way round. Set `prometheus-version` to what you deploy, and
    `enable-features` to its `--enable-feature` flags. The message names the release (or the
    flag) that has the construct. Examples: durations written as plain numbers (`[300]`, 2.54),
    quoted UTF-8 names, `1_000` (2.54), duration arithmetic (`[5m * 2]`), `</` and `>/` (3.11),
    `anchored`/`smoothed`, `fill()`, `holt_winters` on 3.x, and experimental functions
    (`limitk`, `sort_by_label`, `mad_over_time`, ...) without promql-experimental-functions:
    promtool refuses them, and before 3.4 promtool cannot even enable them.

    Bad (target 2.42):
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:requests:rate5m
            expr: sum by (job) (rate(http_requests_total[300]))
    ```

    Good (target 2.42):
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
    ```
    """

    code = "P002"
    name = "promql-version"
    example_config = {"prometheus_version": (2, 42)}


@register
class PromqlTooComplex(Check):
    """Finds an expression too deeply nested or too long for obslint's parser to read safely.

    Why: promql-parser's time and memory grow quadratically with nesting depth and with long
    operator chains, and it can crash the interpreter; obslint refuses such input with a clear
    error instead. No hand-written rule comes near the limits (`promql-max-nesting`, 1500 levels
    by default, and 2500 binary operators).

    Bad (with promql-max-nesting = 10):
    ```yaml
    groups:
      - name: example
        rules:
          - record: deeply:nested:value
            expr: ((((((((((((1))))))))))))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: shallow:value
            expr: ((1))
    ```
    """

    code = "P003"
    name = "promql-too-complex"
    example_config = {"promql_max_nesting": 10}


@register
class PromqlExperimental(Check):
    """Finds an experimental construct that only an `--enable-feature` flag lets through.

    Why: without the flag, Prometheus refuses the rule file (P002); with it (`enable-features` in
    obslint's configuration), the function, aggregation or syntax may still change or go between
    releases: experimental functions, `limitk`, duration expressions before 3.14, `anchored` and
    `smoothed` before 3.16, `fill()` modifiers, unquoted UTF-8 names.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:latency:mad1h
            expr: mad_over_time(job:latency:p95[1h])
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:latency:stddev1h
            expr: stddev_over_time(job:latency:p95[1h])
    ```
    """

    code = "P004"
    name = "promql-experimental"
    severity = Severity.WARNING
    example_config = {"prometheus_version": (3, 14), "enable_features": frozenset({"promql-experimental-functions"})}


def report(parsed, position_of, label: str, collector) -> None:
    """Report the problems and warnings of `parsed` (a ParsedExpr); `position_of(offset)` is the
    (line, column) of an offset in the expression (None: the expression's start)."""
    for problem in parsed.problems:
        line, column = position_of(problem.offset)
        collector.add(PROBLEMS[problem.kind], line, column, f"{label}: {problem.message}")
    for warning in parsed.warnings:
        line, column = position_of(warning.offset)
        collector.add(PromqlExperimental, line, column, f"{label}: {warning.message}")


PROBLEMS = {"syntax": PromqlSyntax, "version": PromqlVersion, "complexity": PromqlTooComplex}
