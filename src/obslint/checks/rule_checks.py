"""Rule checks beyond promtool: template label references, PromQL smells and policy (made by
obslint.rulechecks), and dependencies between rules (obslint.ruledeps)."""

from obslint.checks.registry import Check, register
from obslint.findings import Severity


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
    `_total`, `_count`, `_sum` or `_bucket`; `policy.counters` lists others).

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
    """Finds a counter (a `_total` series) used without a range function such as rate() or increase()
    (absent(), count() and timestamp() are fine).

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
    (`policy.required-labels`; by default `severity` in critical, warning, info, and `team`).

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


@register
class RequiredAnnotations(Check):
    """Finds an alert without an annotation the policy requires (`summary` and `description` by default),
    or whose `runbook_url` is not an absolute http(s) URL.

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


@register
class AlertName(Check):
    """Finds an alert whose name does not match `policy.alert-name-pattern` (CamelCase by default).

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


@register
class RecordingRuleMissing(Check):
    """Finds a rule that reads a `level:metric:operation` series that no recording rule of the project
    records (series recorded elsewhere go in `policy.external-series`, globs allowed). Runs when obslint
    checks a directory, so that it sees the whole rule set.

    Why: after a recording rule is renamed or deleted, the rules that read it get no data: alerts
    silently never fire.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
          - record: job:http_requests_errors:ratio_rate5m
            expr: job:http_request_errors:rate5m / job:http_requests:rate5m
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
          - record: job:http_request_errors:rate5m
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))
          - record: job:http_requests_errors:ratio_rate5m
            expr: job:http_request_errors:rate5m / job:http_requests:rate5m
    ```
    """

    code = "R141"
    name = "recording-rule-missing"
    example_directory = True


@register
class RecordingRuleUnused(Check):
    """Finds a recording rule that no rule and no dashboard of the project reads. Runs when obslint
    checks a directory.

    Why: it costs evaluation and storage for nothing; often its reader was renamed.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
          - alert: NoRequests
            expr: job:http_requests:rate5m == 0
            for: 15m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} gets no requests"
              description: "{{ $labels.job }} has had no requests for 15 minutes."
    ```
    """

    code = "R142"
    name = "recording-rule-unused"
    severity = Severity.INFO
    example_directory = True


@register
class ReadBeforeRecorded(Check):
    """Finds a rule that reads a series recorded by a later rule of the same group.

    Why: rules of a group run in order, so the reader sees the value of the previous evaluation: one
    interval late, and nothing at all on the first evaluation.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests_errors:ratio_rate5m
            expr: job:http_request_errors:rate5m / job:http_requests:rate5m
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
          - record: job:http_request_errors:rate5m
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
          - record: job:http_request_errors:rate5m
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))
          - record: job:http_requests_errors:ratio_rate5m
            expr: job:http_request_errors:rate5m / job:http_requests:rate5m
    ```
    """

    code = "R143"
    name = "read-before-recorded"
    severity = Severity.WARNING
    example_directory = True
