"""Rule checks beyond promtool, per rule file: template label references, PromQL smells, and policy.
The checks between rule files are in obslint.checks.rule_deps."""

from __future__ import annotations

import fnmatch
import re

from obslint.checks.base import Check, register, runs
from obslint.config import Policy
from obslint.core.collector import Collector
from obslint.core.findings import Severity
from obslint.durations import format_duration
from obslint.promql.counters import raw_counters
from obslint.promql.labels import output_labels
from obslint.promql.walk import iter_nodes
from obslint.rules.facts import RECORD_NAME
from obslint.rules.model import Rule, RuleFile, RuleGroup


@register
class TemplateLabelMissing(Check):
    """Finds a `{{ $labels.x }}` (or `{{ .Labels.x }}`) in an alert's labels or annotations that the query cannot
    return: `sum by (job)` keeps only `job`, `on(...)` keeps only the listed labels, absent() only its
    `=` matchers, and so on.

    Why: the alert is sent with an empty value where the label should be (`Model  is down`); promtool
    accepts it.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.instance }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```
    """

    code = "R101"
    name = "template-label-missing"


@register
class TemplateValueInLabel(Check):
    """Finds `$value` in an alert's labels.

    Why: labels identify an alert; with the value in them every evaluation makes a new alert and resolves
    the previous one, so notifications repeat and silences never match. Put the value in an annotation.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
              rate: "{{ $value }}"
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```
    """

    code = "R102"
    name = "template-value-in-label"
    severity = Severity.WARNING


@register
class PercentWithoutHumanize(Check):
    """Finds an annotation that prints a 0..1 ratio (the query reads a `ratio` series, or compares with a
    threshold between 0 and 1) followed by `%` without `humanizePercentage`.

    Why: an error ratio of 0.07 is printed as `0.07%`, a hundred times too small.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: job:http_requests_errors:ratio_rate5m > 0.05
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $value | humanize }}% of the requests of {{ $labels.job }} fail."
              runbook_url: https://runbooks.example.com/api-errors
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: job:http_requests_errors:ratio_rate5m > 0.05
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $value | humanizePercentage }} of the requests of {{ $labels.job }} fail."
              runbook_url: https://runbooks.example.com/api-errors
    ```
    """

    code = "R103"
    name = "percent-without-humanize"
    severity = Severity.WARNING


@register
class AlertWithoutCondition(Check):
    """Finds an alert whose query has no comparison, set operation (`and`, `unless`) or absent(): it returns
    every series that exists.

    Why: such an alert fires as soon as the metric exists and never resolves.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```
    """

    code = "R111"
    name = "alert-without-condition"
    severity = Severity.WARNING


@register
class HistogramQuantileWithoutLe(Check):
    """Finds histogram_quantile() over classic `_bucket` series aggregated without keeping `le`.

    Why: without `le` there are no buckets left and the result is NaN; the alert never fires and the
    recording rule records nothing useful.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_request_duration_seconds:p99_5m
            expr: histogram_quantile(0.99, sum by (job) (rate(http_request_duration_seconds_bucket[5m])))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_request_duration_seconds:p99_5m
            expr: histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])))
    ```
    """

    code = "R112"
    name = "histogram-quantile-without-le"


@register
class RateOfNonCounter(Check):
    """Finds rate(), irate() or increase() over a series that is not a counter by its name (counters end in
    `_total`, `_count`, `_sum` or `_bucket`; `policy.counters` lists others). A series the project's metric
    catalog knows is judged by its type instead: here when files are checked one by one (a pre-commit
    hook), by function-of-wrong-type (X009) when the project is checked whole.

    Why: on a gauge these functions treat every decrease as a counter reset and report nonsense; use
    delta() or deriv().

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: instance:node_memory_MemAvailable_bytes:rate5m
            expr: rate(node_memory_MemAvailable_bytes[5m])
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: instance:node_memory_MemAvailable_bytes:deriv5m
            expr: deriv(node_memory_MemAvailable_bytes[5m])
    ```
    """

    code = "R113"
    name = "rate-of-non-counter"
    severity = Severity.WARNING


@register
class CounterUsedRaw(Check):
    """Finds a counter (a `_total` series, or, in a project with a metric catalog, a series the catalog types
    as a counter; a Gauge named `_total` is none) used without a range function such as rate() or
    increase() (absent(), count() and timestamp() are fine).

    Why: a counter's value only grows and drops on restarts, so thresholds and sums over it are
    meaningless.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (http_requests_total{status=~"5.."}) > 100
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```
    """

    code = "R114"
    name = "counter-used-raw"
    severity = Severity.WARNING


@register
class RateOfAggregation(Check):
    """Finds rate(), irate() or increase() over a subquery of an aggregation, such as `rate(sum(x_total)[5m:])`.

    Why: when one of the summed counters resets, the sum drops and rate() reads it as a reset of the
    whole sum: a huge spike. Rate first, then aggregate: `sum(rate(x_total[5m]))`.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: rate(sum by (job) (http_requests_total)[5m:])
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
    ```
    """

    code = "R115"
    name = "rate-of-aggregation"


@register
class RangeTooShort(Check):
    """Finds a range of a rate-like function shorter than two scrape intervals (`policy.scrape-interval`,
    1m by default).

    Why: with fewer than two samples in the range rate() returns nothing, so the rule has gaps and an
    alert on it resets its `for`.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate1m
            expr: sum by (job) (rate(http_requests_total[1m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
    ```
    """

    code = "R116"
    name = "range-too-short"
    severity = Severity.WARNING


@register
class RegexWithoutRegex(Check):
    """Finds `=~` or `!~` with a value that has no regex characters.

    Why: it is an equality written as a regex: slower to read and to match; `=` says what is meant.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total{job=~"api"}[5m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total{job="api"}[5m]))
    ```
    """

    code = "R117"
    name = "regex-without-regex"
    severity = Severity.INFO


@register
class RedundantAnchors(Check):
    """Finds `^` or `$` at the ends of a label matcher's regex.

    Why: Prometheus anchors every matcher regex at both ends already; the anchors suggest otherwise.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total{job=~"^api|web$"}[5m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total{job=~"api|web"}[5m]))
    ```
    """

    code = "R118"
    name = "redundant-anchors"
    severity = Severity.INFO


@register
class TopkInAlert(Check):
    """Finds topk(), bottomk() or limitk() in an alert.

    Why: which series are in the top k changes between evaluations, so alerts resolve and fire again.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: topk(3, sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```
    """

    code = "R119"
    name = "topk-in-alert"
    severity = Severity.WARNING


@register
class ComparisonNeverTrue(Check):
    """Finds a comparison that can never be true: with NaN, `> +Inf`, `< -Inf`, `count(...) == 0` (count()
    returns no series instead of 0), absent() compared with anything but 1.

    Why: the alert can never fire, and nothing says so.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: count(up{job="api"} == 1) == 0
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "No api instance is up"
              description: "No instance of the api job has been up for 5 minutes."
              runbook_url: https://runbooks.example.com/api-down
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: absent(up{job="api"} == 1)
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "No api instance is up"
              description: "No instance of the api job has been up for 5 minutes."
              runbook_url: https://runbooks.example.com/api-down
    ```
    """

    code = "R120"
    name = "comparison-never-true"


@register
class RecordNameConvention(Check):
    """Finds a recording rule not named `level:metric:operation` (three parts separated by colons).

    Why: the convention says what a series aggregates and how; readers (and obslint's dependency
    checks) tell recorded series from scraped ones by it.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: http_requests_rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
    ```
    """

    code = "R122"
    name = "record-name-convention"
    severity = Severity.WARNING


@register
class GroupInterval(Check):
    """Finds a rule group `interval` outside `policy.group-interval` (10s to 5m by default).

    Why: below 10s rules cost more than they tell; above 5m (Prometheus's lookback) the recorded series
    go stale between evaluations, so queries over them have gaps.

    Bad:
    ```yaml
    groups:
      - name: example
        interval: 10m
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        interval: 1m
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
    ```
    """

    code = "R123"
    name = "group-interval"
    severity = Severity.WARNING


@register
class RequiredLabels(Check):
    """Finds an alert without a label the policy requires, or with a value it does not allow
    (`policy.required-labels`, e.g. `{ severity = ["critical", "warning", "info"], team = [] }`; by default
    none is required).

    Why: Alertmanager routes on these labels; an alert without them lands in the default receiver.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: page
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```
    """

    code = "R131"
    name = "required-labels"
    severity = Severity.WARNING
    example_config = {"policy": Policy(required_labels={"severity": ("critical", "warning", "info"), "team": ()})}


@register
class RequiredAnnotations(Check):
    """Finds an alert without an annotation the policy requires (`policy.required-annotations`, e.g.
    `["summary", "description"]`; by default none), or whose `runbook_url` (`policy.url-annotations`) is not
    an absolute http(s) URL.

    Why: the person paged needs to know what broke and what to do, from the notification alone.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              runbook_url: runbooks/api-errors.md
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```
    """

    code = "R132"
    name = "required-annotations"
    severity = Severity.WARNING
    example_config = {"policy": Policy(required_annotations=("summary", "description"))}


@register
class AlertName(Check):
    """Finds an alert whose name does not match `policy.alert-name-pattern` (e.g. `^[A-Z][A-Za-z0-9]*$` for
    CamelCase; by default any name).

    Why: one naming style makes alerts easy to find, route and silence by name.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: api_errors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
              runbook_url: https://runbooks.example.com/api-errors
    ```
    """

    code = "R133"
    name = "alert-name"
    severity = Severity.WARNING
    example_config = {"policy": Policy(alert_name_pattern=r"^[A-Z][A-Za-z0-9]*$")}


# what the pass over each rule file reports
RULE_CHECKS = (
    TemplateLabelMissing, TemplateValueInLabel, PercentWithoutHumanize, AlertWithoutCondition,
    HistogramQuantileWithoutLe, RateOfNonCounter, CounterUsedRaw, RateOfAggregation, RangeTooShort,
    RegexWithoutRegex, RedundantAnchors, TopkInAlert, ComparisonNeverTrue, RecordNameConvention, GroupInterval,
    RequiredLabels, RequiredAnnotations, AlertName,
)
COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")
RANGE_FUNCTIONS = {"rate", "irate", "increase", "delta", "idelta", "deriv", "resets", "changes"}
COUNTER_FUNCTIONS = {"rate", "irate", "increase"}
COMPARISONS = {"==", "!=", ">", "<", ">=", "<="}
ABSENT_LIKE = {"absent", "absent_over_time"}
REGEX_META = re.compile(r"[.*+?()\[\]{}|\\^$]")
URL = re.compile(r"https?://[^\s/]+\S*")


@runs("rule-file", *RULE_CHECKS)
def check_rule_file(rule_file: RuleFile, collector: Collector) -> None:
    policy = collector.config.policy
    for group in rule_file.groups:
        _group_interval(group, collector, policy)
        for rule in group.rules:
            if rule.kind == "alert":
                _alert_policy(rule, collector, policy)
            elif rule.name and not RECORD_NAME.fullmatch(rule.name):
                collector.at(RecordNameConvention, rule.name_node,
                             f"recording rule `{rule.name}` is not named level:metric:operation")
            if rule.parsed is None or not rule.parsed.ok or rule.parsed.ast is None:
                continue
            _smells(rule, collector, policy)
            if rule.kind == "alert":
                _templates(rule, collector)


def _at_expr(rule: Rule, collector: Collector, code: str, message: str, offset: int | None = None) -> None:
    line, column = rule.expr_position(offset)
    collector.add(code, line, column, f"{rule.kind} `{rule.name}`: {message}")


# --- templates --------------------------------------------------------------------------------------

_DOT_REBINDING = re.compile(r"\{\{-?\s*(range|with)\b")


def _templates(rule: Rule, collector: Collector) -> None:
    ratio = None  # whether the value is a 0-1 ratio: worked out when a template prints it before `%`
    for (kind, name), template in rule.templates.items():
        _, value_node = (rule.label_nodes if kind == "label" else rule.annotation_nodes)[name]
        dot_is_alert = not _DOT_REBINDING.search(template.text)
        for ref in template.references:
            label = None
            if ref.root == "$labels" and len(ref.fields) == 1:
                label = ref.fields[0]
            elif ref.root == "." and dot_is_alert and len(ref.fields) == 2 and ref.fields[0] == "Labels":
                label = ref.fields[1]
            if label is not None and not rule.output.can_have(label):
                line, column = value_node.position_of(ref.offset)
                have = ", ".join(sorted(rule.output.names)) or "none"
                collector.add(TemplateLabelMissing, line, column,
                              f"alert `{rule.name}`: {kind} `{name}` uses the label `{label}`, which the query "
                              f"cannot return (its result can only have: {have})")
        for pipeline in template.pipelines:
            uses_value = "$value" in pipeline.words or ".Value" in pipeline.words or any(
                r.root == "$value" or (r.root == "." and r.fields[:1] == ("Value",)) for r in pipeline.references)
            if not uses_value:
                continue
            line, column = value_node.position_of(pipeline.offset)
            if kind == "label":
                collector.add(TemplateValueInLabel, line, column,
                              f"alert `{rule.name}`: label `{name}` holds the query's value: "
                              "each new value makes a new alert (and resolves the old one)")
            elif "humanizePercentage" not in pipeline.words and _followed_by_percent(template.text, pipeline.offset) \
                    and (ratio if ratio is not None else (ratio := _is_ratio(rule))):
                collector.add(PercentWithoutHumanize, line, column,
                              f"alert `{rule.name}`: annotation `{name}` prints a 0-1 ratio "
                              "followed by `%`; use `humanizePercentage` (0.05 prints 5%)")


def _followed_by_percent(text: str, offset: int) -> bool:
    end = text.find("}}", offset)
    return end >= 0 and text[end + 2:end + 3] == "%"


def _is_ratio(rule: Rule) -> bool:
    """The alert's value is a 0-1 ratio: it reads a `ratio` series, or it is compared with a
    threshold between 0 and 1 and does not multiply by 100."""
    nodes = rule.parsed.nodes
    if any(type(n).__name__ == "BinaryExpr" and str(n.op) == "*" and any(
            type(side).__name__ == "NumberLiteral" and side.val == 100 for side in (n.lhs, n.rhs)) for n in nodes):
        return False
    if any(type(n).__name__ == "VectorSelector" and n.name and "ratio" in n.name for n in nodes):
        return True
    top = rule.parsed.ast
    return type(top).__name__ == "BinaryExpr" and str(top.op) in COMPARISONS and \
        type(top.rhs).__name__ == "NumberLiteral" and 0 < top.rhs.val < 1


# --- PromQL smells ----------------------------------------------------------------------------------

def _name(node) -> str:
    return type(node).__name__


def _smells(rule: Rule, collector: Collector, policy: Policy) -> None:
    parsed = rule.parsed
    nodes = parsed.nodes
    if rule.kind == "alert" and not _filters(nodes) and any(_name(n) == "VectorSelector" for n in nodes):
        # (an alert on a constant, such as the Watchdog's vector(1), always fires on purpose)
        _at_expr(rule, collector, AlertWithoutCondition,
                 "the query has no comparison, so the alert fires whenever the series "
                 "exist (add a condition such as `> 0.9`)")
    for node in nodes:
        kind = _name(node)
        if kind == "Call":
            _call_smells(rule, node, collector, policy)
        elif kind == "VectorSelector":
            _selector_smells(rule, node, collector)
        elif kind == "AggregateExpr" and rule.kind == "alert" and str(node.op) in ("topk", "bottomk", "limitk"):
            _at_expr(rule, collector, TopkInAlert, f"{node.op}() in an alert: the set of series changes between "
                                                   "evaluations, so alerts resolve and fire again (flapping)")
        elif kind == "BinaryExpr" and str(node.op) in COMPARISONS:
            _never_true(rule, node, collector)
    _raw_counters(rule, collector)


def _filters(nodes) -> bool:
    for node in nodes:
        kind = _name(node)
        if kind == "BinaryExpr" and (str(node.op) in ("and", "unless") or (
                str(node.op) in COMPARISONS and not (node.modifier is not None and node.modifier.return_bool))):
            return True
        if kind == "Call" and node.func.name in ABSENT_LIKE:
            return True
    return False


def _is_counter(name: str, policy: Policy) -> bool:
    return name.endswith(COUNTER_SUFFIXES) or any(fnmatch.fnmatchcase(name, p) for p in policy.counters)


def _call_smells(rule: Rule, node, collector: Collector, policy: Policy) -> None:
    fn = node.func.name
    arg = node.args[0] if node.args else None
    if fn == "histogram_quantile" and len(node.args) == 2:
        labels = output_labels(node.args[1])
        buckets = [n for n in iter_nodes(node.args[1]) if _name(n) == "VectorSelector" and n.name
                   and n.name.endswith("_bucket")]
        if buckets and not labels.can_have("le"):
            _at_expr(rule, collector, HistogramQuantileWithoutLe,
                     "histogram_quantile() over an aggregation that drops `le`: "
                     "without the buckets it returns NaN; keep `le` in `by (...)`")
    if fn not in RANGE_FUNCTIONS or arg is None:
        return
    if _name(arg) == "SubqueryExpr" and fn in COUNTER_FUNCTIONS:
        inner = arg.expr
        while _name(inner) == "ParenExpr":
            inner = inner.expr
        if _name(inner) == "AggregateExpr":
            _at_expr(rule, collector, RateOfAggregation,
                     f"{fn}() of {inner.op}(): counters must be rated before they are "
                     f"aggregated (a reset of one series looks like a drop of the {inner.op})")
        return
    if _name(arg) != "MatrixSelector":
        return
    selector = arg.vector_selector
    seconds = arg.range.total_seconds()
    if seconds * 1000 < 2 * policy.scrape_interval_ms:
        interval = format_duration(policy.scrape_interval_ms)
        said = "policy.scrape-interval" if policy.scrape_interval_set else \
            f"the scrape interval of {policy.scrape_interval_from}" if policy.scrape_interval_from else \
            "assumed: set policy.scrape-interval to your scrape interval"
        _at_expr(rule, collector, RangeTooShort,
                 f"{fn}() over [{format_duration(int(seconds * 1000))}], less than two scrape "
                 f"intervals of {interval} ({said}): it often holds fewer than two samples and returns nothing")
    name = selector.name
    if fn not in COUNTER_FUNCTIONS or not name or ":" in name:
        return
    # a series the metric catalog types is judged by its type, not by its name: by the catalog's checks
    # (X009) when the project is checked whole, else here
    known = collector.config.catalog_types.get(name)
    if known == "counter" or (known is not None and collector.config.catalog_checked):
        return
    if known == "gauge":
        _at_expr(rule, collector, RateOfNonCounter,
                 f"{fn}() over `{name}`, a gauge in the metric catalog; use delta() or deriv()")
    elif not _is_counter(name, policy):
        _at_expr(rule, collector, RateOfNonCounter,
                 f"{fn}() over `{name}`, which is not a counter by its name (counters end "
                 "in _total, _count, _sum or _bucket); for a gauge use delta() or deriv()")


def _selector_smells(rule: Rule, node, collector: Collector) -> None:
    parsed = rule.parsed
    for matcher in node.matchers.matchers:
        op = str(matcher.op)
        if not op.endswith(("Re", "NotRe")):
            continue
        value = parsed.real_value(matcher.value)
        if value and not REGEX_META.search(value):
            _at_expr(rule, collector, RegexWithoutRegex,
                     f"`{matcher.name}{'!~' if 'Not' in op else '=~'}\"{value}\"` has no "
                     f"regex characters; use `{'!=' if 'Not' in op else '='}`")
        elif value.startswith("^") or (value.endswith("$") and not value.endswith("\\$")):
            _at_expr(rule, collector, RedundantAnchors,
                     f"`{matcher.name}` regex `{value}`: Prometheus anchors regexes at both "
                     "ends already; drop `^` and `$`")


def _raw_counters(rule: Rule, collector: Collector) -> None:
    for node in raw_counters(rule.parsed.nodes, collector.config.catalog_types):
        if rule.kind == "record" and rule.parsed.ast is node:
            continue  # a recording rule that only renames the counter (compatibility rules) keeps it a counter
        _at_expr(rule, collector, CounterUsedRaw, f"`{node.name}`, a counter by its name (_total), is used raw: a "
                                                  "counter's value only grows and drops on restarts; use rate() or "
                                                  "increase()")


def _never_true(rule: Rule, node, collector: Collector) -> None:
    if node.modifier is not None and node.modifier.return_bool:
        return
    op = str(node.op)
    lhs, rhs = node.lhs, node.rhs
    while _name(lhs) == "ParenExpr":
        lhs = lhs.expr
    if _name(rhs) != "NumberLiteral":
        return
    value = rhs.val
    why = None
    if value != value and op != "!=":
        why = "comparisons with NaN are never true"
    elif value == float("inf") and op == ">" or value == float("-inf") and op == "<":
        why = f"nothing is {op} {value}"
    elif _name(lhs) == "AggregateExpr" and str(lhs.op) == "count" and (
            (op == "==" and value == 0) or (op == "<" and value <= 1) or (op == "<=" and value < 1)):
        why = "count() returns no series rather than 0, so it is never below 1"
    elif _name(lhs) == "Call" and lhs.func.name in ABSENT_LIKE and (
            (op == "==" and value != 1) or (op == ">" and value >= 1) or (op == "<" and value <= 1)
            or (op == "!=" and value == 1)):
        why = f"{lhs.func.name}() returns 1 or nothing"
    if why:
        _at_expr(rule, collector, ComparisonNeverTrue,
                 f"the comparison `{op} {_number(value)}` can never be true: {why}")


def _number(value: float) -> str:
    if value != value:
        return "NaN"
    return f"{value:g}"


# --- groups and policy ------------------------------------------------------------------------------

def _group_interval(group: RuleGroup, collector: Collector, policy: Policy) -> None:
    low, high = policy.group_interval_ms
    if group.interval_ms is None:
        return
    if group.interval_ms < low or group.interval_ms > high:
        collector.at(GroupInterval, group.interval_node, f"group `{group.name}` is evaluated every "
                                                         f"{format_duration(group.interval_ms)}, outside "
                                                  f"{format_duration(low)}..{format_duration(high)}")


def _alert_policy(rule: Rule, collector: Collector, policy: Policy) -> None:
    if policy.alert_name_pattern and rule.name and not re.fullmatch(policy.alert_name_pattern, rule.name):
        collector.at(AlertName, rule.name_node, f"alert name `{rule.name}` does not match the naming policy "
                                                f"(`{policy.alert_name_pattern}`)")
    for label, allowed in policy.required_labels.items():
        value = rule.labels.get(label)
        if value is None:
            collector.at(RequiredLabels, rule.name_node, f"alert `{rule.name}` has no `{label}` label"
                                                 + (f" (one of {', '.join(allowed)})" if allowed else ""))
        elif allowed and value not in allowed and "{{" not in value:
            collector.at(RequiredLabels, rule.label_nodes[label][1],
                         f"alert `{rule.name}`: `{label}: {value}` is not one "
                         f"of {', '.join(allowed)}")
    for annotation in policy.required_annotations:
        if not rule.annotations.get(annotation, "").strip():
            collector.at(RequiredAnnotations, rule.name_node, f"alert `{rule.name}` has no `{annotation}` annotation")
    for annotation in policy.url_annotations:
        value = rule.annotations.get(annotation)
        if value is not None and "{{" not in value and not URL.fullmatch(value.strip()):
            collector.at(RequiredAnnotations, rule.annotation_nodes[annotation][1],
                         f"alert `{rule.name}`: `{annotation}` is not an absolute http(s) URL")
