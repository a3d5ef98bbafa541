"""Cross-checks between rules, Alertmanager routing, dashboards and the metric catalog (made by
obslint.crosschecks and obslint.catalog). They run when obslint checks a project directory."""

from obslint.checks.registry import Check, register
from obslint.findings import Severity

_AM = """\
route:
  receiver: default
  routes:
    - matchers: ['team="api"']
      receiver: api-team
receivers:
  - name: default
  - name: api-team
"""

_AM_PAGER = """\
route:
  receiver: default
  routes:
    - matchers: ['team="api"']
      receiver: api-team
      routes:
        - matchers: ['severity="critical"']
          receiver: api-pager
receivers:
  - name: default
  - name: api-team
  - name: api-pager
    pagerduty_configs:
      - routing_key_file: /etc/alertmanager/secrets/pagerduty-key
"""

_RULES = """\
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
"""

_TWO_RULES = """\
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
      - alert: ApiDown
        expr: up{job="api"} == 0
        for: 5m
        labels:
          severity: critical
          team: api
        annotations:
          summary: "{{ $labels.instance }} is down"
          description: "{{ $labels.instance }} of job {{ $labels.job }} has been down for 5 minutes."
"""

_RECORDING = """\
groups:
  - name: example
    rules:
      - record: job:http_requests:rate5m
        expr: sum by (job) (rate(http_requests_total[5m]))
"""

_CATALOG = """\
metrics:
  - name: http_requests_total
    type: counter
    labels: [job, instance, method, status]
  - name: queue_length
    type: gauge
    labels: [queue]
"""


class CrossCheck(Check):
    kind = "cross"
    example_directory = True


@register
class AlertDefaultReceiver(CrossCheck):
    """Finds an alert that reaches only the root route's default receiver: no route matches its labels,
    including the labels its query may return.

    Why: the default receiver is usually a catch-all nobody watches; a typo in `team` sends the alert
    there silently.

    With `alertmanager/alertmanager.yml`:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="api"']
          receiver: api-team
    receivers:
      - name: default
      - name: api-team
    ```

    Bad (`rules/alerts.yaml`):
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: apii
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
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
    ```
    """

    code = "X001"
    name = "alert-default-receiver"
    severity = Severity.WARNING
    example_filename = "rules/alerts.yaml"
    example_files = {'alertmanager/alertmanager.yml': _AM}


@register
class CriticalNotPaged(CrossCheck):
    """Finds a `severity=critical` alert that surely reaches no paging receiver (`paging-receivers`, or by
    default every receiver with PagerDuty, Opsgenie or VictorOps).

    Why: a critical alert that only posts to a chat channel at night pages nobody.

    With `alertmanager/alertmanager.yml`:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="api"']
          receiver: api-team
          routes:
            - matchers: ['severity="critical"']
              receiver: api-pager
    receivers:
      - name: default
      - name: api-team
      - name: api-pager
        pagerduty_configs:
          - routing_key_file: /etc/alertmanager/secrets/pagerduty-key
    ```

    Bad (`rules/alerts.yaml`):
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: critical
              team: apii
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
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
              severity: critical
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
    ```
    """

    code = "X002"
    name = "critical-not-paged"
    example_filename = "rules/alerts.yaml"
    example_files = {'alertmanager/alertmanager.yml': _AM_PAGER}


@register
class RouteUnreachable(CrossCheck):
    """Finds a route no alert of the project's rules can reach (reported at the topmost such route).

    Why: it is dead configuration, or an alert was renamed and lost its routing.

    With `rules/alerts.yaml`:
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
    ```

    Bad (`alertmanager/alertmanager.yml`):
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="api"']
          receiver: api-team
        - matchers: ['team="web"']
          receiver: api-team
    receivers:
      - name: default
      - name: api-team
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="api"']
          receiver: api-team
    receivers:
      - name: default
      - name: api-team
    ```
    """

    code = "X003"
    name = "route-unreachable"
    severity = Severity.WARNING
    example_filename = "alertmanager/alertmanager.yml"
    example_files = {'rules/alerts.yaml': _RULES}


@register
class InhibitRuleUnmatched(CrossCheck):
    """Finds an inhibit rule whose source or target matchers match no alert of the project's rules.

    Why: the rule never inhibits anything; usually its matchers use a name or value no alert has.

    With `rules/alerts.yaml`:
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
          - alert: ApiDown
            expr: up{job="api"} == 0
            for: 5m
            labels:
              severity: critical
              team: api
            annotations:
              summary: "{{ $labels.instance }} is down"
              description: "{{ $labels.instance }} of job {{ $labels.job }} has been down for 5 minutes."
    ```

    Bad (`alertmanager/alertmanager.yml`):
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="api"']
          receiver: api-team
    receivers:
      - name: default
      - name: api-team
    inhibit_rules:
      - source_matchers: ['alertname="ApiDwn"']
        target_matchers: ['alertname="ApiErrors"']
        equal: [job]
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="api"']
          receiver: api-team
    receivers:
      - name: default
      - name: api-team
    inhibit_rules:
      - source_matchers: ['alertname="ApiDown"']
        target_matchers: ['alertname="ApiErrors"']
        equal: [job]
    ```
    """

    code = "X004"
    name = "inhibit-rule-unmatched"
    severity = Severity.WARNING
    example_filename = "alertmanager/alertmanager.yml"
    example_files = {'rules/alerts.yaml': _TWO_RULES}


@register
class InhibitEqualMissing(CrossCheck):
    """Finds an inhibit rule `equal` label that an alert it joins cannot carry (neither its rule nor its
    query sets it).

    Why: Alertmanager compares a missing label as an empty string, and two empty strings are equal: the
    rule then inhibits across every value of that label, muting alerts it was not meant to.

    With `rules/alerts.yaml`:
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
          - alert: ApiDown
            expr: up{job="api"} == 0
            for: 5m
            labels:
              severity: critical
              team: api
            annotations:
              summary: "{{ $labels.instance }} is down"
              description: "{{ $labels.instance }} of job {{ $labels.job }} has been down for 5 minutes."
    ```

    Bad (`alertmanager/alertmanager.yml`):
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="api"']
          receiver: api-team
    receivers:
      - name: default
      - name: api-team
    inhibit_rules:
      - source_matchers: ['alertname="ApiDown"']
        target_matchers: ['alertname="ApiErrors"']
        equal: [service]
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="api"']
          receiver: api-team
    receivers:
      - name: default
      - name: api-team
    inhibit_rules:
      - source_matchers: ['alertname="ApiDown"']
        target_matchers: ['alertname="ApiErrors"']
        equal: [job]
    ```
    """

    code = "X005"
    name = "inhibit-equal-missing"
    severity = Severity.WARNING
    example_filename = "alertmanager/alertmanager.yml"
    example_files = {'rules/alerts.yaml': _TWO_RULES}


@register
class DashboardReadsMissingRecording(CrossCheck):
    """Finds a dashboard query that reads a `level:metric:operation` series no recording rule records, and
    suggests the nearest recorded name.

    Why: after a recording rule is renamed the panel shows "No data"; nothing else notices.

    With `rules/recording.yaml`:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
    ```

    Bad (`dashboards_py/example.py`):
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[Template(name="datasource", type="datasource", query="prometheus")]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(job:http_request:rate5m)")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[Template(name="datasource", type="datasource", query="prometheus")]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(job:http_requests:rate5m)")]),
        ],
    )
    ```
    """

    code = "X006"
    name = "dashboard-reads-missing-recording"
    example_filename = "dashboards_py/example.py"
    example_files = {'rules/recording.yaml': _RECORDING}


@register
class UnknownMetric(CrossCheck):
    """Finds a selector on a metric the catalog (`metrics.yaml`, or exposition text) does not list, in rules
    and dashboard queries. Only with a catalog.

    Why: a misspelled metric name returns nothing, so the alert never fires.

    With `metrics.yaml`:
    ```yaml
    metrics:
      - name: http_requests_total
        type: counter
        labels: [job, instance, method, status]
      - name: queue_length
        type: gauge
        labels: [queue]
    ```

    Bad (`rules/alerts.yaml`):
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_request_total{status=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
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
    ```
    """

    code = "X007"
    name = "unknown-metric"
    severity = Severity.WARNING
    example_filename = "rules/alerts.yaml"
    example_files = {'metrics.yaml': _CATALOG}


@register
class UnknownLabel(CrossCheck):
    """Finds a matcher, or a `by`/`without` label, on a label the catalog says the metric does not have
    (`job` and `instance`, the target labels, are always there).

    Why: `{code=~"5.."}` on a metric whose label is `status` matches nothing; `by (code)` groups
    everything into one series.

    With `metrics.yaml`:
    ```yaml
    metrics:
      - name: http_requests_total
        type: counter
        labels: [job, instance, method, status]
      - name: queue_length
        type: gauge
        labels: [queue]
    ```

    Bad (`rules/alerts.yaml`):
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
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
    ```
    """

    code = "X008"
    name = "unknown-label"
    severity = Severity.WARNING
    example_filename = "rules/alerts.yaml"
    example_files = {'metrics.yaml': _CATALOG}


@register
class FunctionOfWrongType(CrossCheck):
    """Finds rate(), irate() or increase() over a metric the catalog types as a gauge, and delta(),
    idelta(), deriv() or predict_linear() over a counter.

    Why: rate() reads every decrease of a gauge as a counter reset; delta() over a counter spikes
    negative at every restart.

    With `metrics.yaml`:
    ```yaml
    metrics:
      - name: http_requests_total
        type: counter
        labels: [job, instance, method, status]
      - name: queue_length
        type: gauge
        labels: [queue]
    ```

    Bad (`rules/alerts.yaml`):
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (rate(queue_length[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ApiErrors
            expr: sum by (job) (deriv(queue_length[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} fails requests"
              description: "{{ $labels.job }} answers {{ $value | humanize }} requests per second with 5xx."
    ```
    """

    code = "X009"
    name = "function-of-wrong-type"
    severity = Severity.WARNING
    example_filename = "rules/alerts.yaml"
    example_files = {'metrics.yaml': _CATALOG}
