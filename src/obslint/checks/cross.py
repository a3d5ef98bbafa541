"""Cross-checks between rules, Alertmanager routing and dashboards: what no tool that sees one kind of
file can find. They run when obslint checks a project directory (obslint.crossref.project)."""

from __future__ import annotations

import difflib

from obslint.checks.base import Check, register, runs
from obslint.core.collector import Collectors
from obslint.core.findings import Severity
from obslint.crossref.alerts import NO, Alert, matchers_state, paging_receivers, route
from obslint.crossref.project import Project
from obslint.rules.facts import RECORD_NAME, missing_recording, series_read

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
    suggests the nearest recorded name. A name is taken for the project's recording rule when the project
    records others at its level or one close to it; a colon-named series at a level the project never
    records is an exporter's own (Spinnaker's `clouddriver:google:api__count_total`), and series recorded
    elsewhere go in `policy.external-series`.

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


@runs("project", AlertDefaultReceiver, CriticalNotPaged, RouteUnreachable, InhibitRuleUnmatched, InhibitEqualMissing)
def check_routing(project: Project, out: Collectors) -> None:
    """Rules against the project's Alertmanager routing."""
    if project.alertmanager is None:
        return
    am_path, am_source, model = project.alertmanager
    alerts = project.alerts()
    pagers = paging_receivers(model, out.config)
    reached: set[int] = set()
    for alert in alerts:
        routing = route(model.root, alert)
        reached |= routing.possible
        receivers = {r.receiver for r in routing.sure}
        only_root = routing.sure == [model.root] and routing.possible == {id(model.root)}
        critical = alert.static.get("severity") == "critical"
        collector = out.get(alert.path, alert.source)
        if critical and pagers and not receivers & pagers:
            where = "only the default receiver" if only_root else "the receivers " + ", ".join(sorted(receivers))
            collector.add(CriticalNotPaged, alert.line, alert.column,
                          f"critical alert `{alert.name}` reaches {where}, none of which pages "
                          f"(the paging receivers: {', '.join(sorted(pagers))})")
        elif only_root:
            collector.add(AlertDefaultReceiver, alert.line, alert.column,
                          f"alert `{alert.name}` reaches only the default receiver `{model.root.receiver}`: no "
                          f"route matches its labels ({_labels(alert)})")
    am = out.get(am_path, am_source)
    if alerts:
        for node in model.routes():
            if node is not model.root and id(node) not in reached and _ancestor_reached(node, reached):
                am.add(RouteUnreachable, node.line, 1, f"no alert of the rules can reach the route {node.path} "
                                                       f"({node.label} -> {node.receiver})")
    for rule in model.inhibit_rules:
        line = rule.node.line if rule.node is not None else 1
        for side, matchers in (("source", rule.source), ("target", rule.target)):
            if alerts and matchers and not any(matchers_state(matchers, a) != NO for a in alerts):
                am.add(InhibitRuleUnmatched, line, 1,
                       f"{rule.title}: no alert of the rules matches its {side} matchers")
        for label in rule.equal:
            joined = [a for a in alerts if matchers_state(rule.source, a) != NO or matchers_state(rule.target, a) != NO]
            missing = [a.name for a in joined if not a.may_have(label)]
            if joined and missing:
                am.add(InhibitEqualMissing, line, 1,
                       f"{rule.title}: `equal: {label}` but {', '.join(sorted(missing)[:5])} "
                       f"{'has' if len(missing) == 1 else 'have'} no `{label}` label: an empty "
                                        "value equals an empty value, so the rule inhibits across every "
                                        f"{label}")


def _ancestor_reached(node, reached: set[int]) -> bool:
    """Report the topmost unreachable route only (its children are unreachable through it)."""
    return node.parent is None or id(node.parent) in reached


def _labels(alert: Alert) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(alert.static.items()))


@runs("project", DashboardReadsMissingRecording)
def check_dashboard_reads(project: Project, out: Collectors) -> None:
    """A dashboard query reads a level:metric:operation series no rule records."""
    from obslint.dashboards.model import queries, subject_of

    dashboards, config = project.dashboards, out.config
    recorded = {f.name for f in project.facts if f.kind == "record"}

    def external(name: str) -> bool:
        import fnmatch

        return any(fnmatch.fnmatchcase(name, pattern) for pattern in config.policy.external_series)

    for dashboard in dashboards:
        collector = out.get(dashboard.shown, str(dashboard.path))
        for pointer, panel, parsed in queries(dashboard.compiled.doc, config):
            for name in sorted(series_read(parsed)):
                if not RECORD_NAME.fullmatch(name) or name in recorded or external(name):
                    continue
                near = difflib.get_close_matches(name, sorted(recorded), n=1, cutoff=0.6)
                if missing_recording(name, recorded, near):
                    hint = f"; did you mean `{near[0]}`?" if near else ""
                    collector.add(DashboardReadsMissingRecording, dashboard.compiled.line_of(pointer), 1,
                                  f"panel `{panel.get('title', '')}` reads `{name}`, which no recording rule "
                                  f"records{hint}", subject=subject_of(dashboard.compiled.doc, pointer))
