"""Rule expressions and dashboard queries against the metric catalog (obslint.crossref.catalog): unknown
metrics, unknown labels, and functions of the wrong metric type. They run when obslint checks a project
directory that has a catalog (`catalog` in the configuration, `metrics.yaml` by default)."""

from __future__ import annotations

from obslint.checks.base import Check, register, runs
from obslint.checks.cross import _CATALOG, CrossCheck
from obslint.core.collector import Collectors
from obslint.core.findings import Severity
from obslint.crossref.catalog import Metric, has_label
from obslint.crossref.project import Project
from obslint.promql.walk import iter_nodes

GAUGE_FUNCTIONS = {"delta", "deriv", "predict_linear", "idelta"}
COUNTER_FUNCTIONS = {"rate", "irate", "increase"}


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


def problems(ast, metrics: dict[str, Metric], recorded: set[str]) -> list[tuple[type[Check], str]]:
    """(check, message) for what an expression does against the catalog."""
    found = []
    for node in iter_nodes(ast):
        kind = type(node).__name__
        if kind == "VectorSelector" and node.name and ":" not in node.name and node.name not in recorded:
            metric = metrics.get(node.name)
            if metric is None:
                found.append((UnknownMetric, f"`{node.name}` is not in the metric catalog"))
                continue
            for matcher in node.matchers.matchers:
                if matcher.name != "__name__" and not has_label(metric, matcher.name):
                    found.append((UnknownLabel, f"`{node.name}` has no label `{matcher.name}` (it has: "
                                                f"{', '.join(sorted(metric.labels)) or 'none'})"))
        elif kind == "AggregateExpr" and node.modifier is not None:
            metric = _single_metric(node.expr, metrics)
            for label in node.modifier.labels or []:
                if metric is not None and not has_label(metric, label):
                    found.append((UnknownLabel, f"`{'by' if str(node.modifier.type).endswith('By') else 'without'} "
                                                f"({label})` over `{metric.name}`, which has no label `{label}`"))
        elif kind == "Call" and node.args and type(node.args[0]).__name__ == "MatrixSelector":
            metric = metrics.get(node.args[0].vector_selector.name or "")
            if metric is None:
                continue
            fn = node.func.name
            if fn in COUNTER_FUNCTIONS and metric.type == "gauge":
                found.append((FunctionOfWrongType, f"{fn}() over the gauge `{metric.name}`; use delta() or deriv()"))
            elif fn in GAUGE_FUNCTIONS and metric.type in ("counter", "histogram"):
                found.append((FunctionOfWrongType,
                              f"{fn}() over the counter `{metric.name}`; use rate() or increase()"))
    return found


def _single_metric(node, metrics: dict[str, Metric]) -> Metric | None:
    """The catalog metric an expression is a plain function of (`rate(x[5m])`, `x`), if any."""
    kind = type(node).__name__
    while kind in ("ParenExpr", "Call", "MatrixSelector"):
        if kind == "Call":
            if len(node.args) != 1:
                return None
            node = node.args[0]
        elif kind == "MatrixSelector":
            node = node.vector_selector
        else:
            node = node.expr
        kind = type(node).__name__
    return metrics.get(node.name or "") if kind == "VectorSelector" else None


@runs("project", UnknownMetric, UnknownLabel, FunctionOfWrongType)
def check(project: Project, out: Collectors) -> None:
    """Rules and dashboard queries against the catalog."""
    from obslint.dashboards.model import queries, subject_of
    from obslint.promql.parse import parse_expr

    if project.catalog is None:
        return
    facts, dashboards, metrics, config = project.facts, project.dashboards, project.catalog, out.config
    recorded = {f.name for f in facts if f.kind == "record"}
    for fact in facts:
        parsed = parse_expr(fact.expr, config.prometheus_version)
        if parsed.ok:
            for code, message in problems(parsed.ast, metrics, recorded):
                out.get(fact.path, fact.source).add(code, fact.expr_line, fact.expr_column,
                                                    f"{fact.kind} `{fact.name}`: {message}")
    for dashboard in dashboards:
        for pointer, panel, parsed in queries(dashboard.compiled.doc, config):
            for code, message in problems(parsed.ast, metrics, recorded):
                out.get(dashboard.shown, str(dashboard.path)).add(
                    code, dashboard.compiled.line_of(pointer), 1, f"panel `{panel.get('title', '')}`: {message}",
                    subject=subject_of(dashboard.compiled.doc, pointer))
