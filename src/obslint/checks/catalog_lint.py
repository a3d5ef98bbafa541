"""Rule expressions and dashboard queries against the metric catalog (obslint.crossref.catalog): unknown
metrics and labels, functions of the wrong metric type, histogram_quantile() over what is no histogram's
buckets, `job` matchers that name no scrape job; and the prometheus_client declarations the catalog is read
from, when it cannot read them or the client refuses them. They run when obslint checks a project
directory that has a catalog: a `metrics.yaml` (the `catalog` setting) or `/metrics` capture, the
repository's instrumentation code, its Prometheus configs."""

from __future__ import annotations

import difflib
import re

from obslint.checks.base import Check, register, runs
from obslint.checks.cross import _CATALOG, CrossCheck
from obslint.core.collector import Collectors
from obslint.core.findings import Severity
from obslint.crossref.catalog import (
    Catalog,
    Metric,
    cumulative,
    gauge_like,
    has_label,
    histogram_buckets,
    near_label,
    prefix_of,
)
from obslint.crossref.project import Project
from obslint.promql.walk import children, iter_nodes

GAUGE_FUNCTIONS = {"delta", "deriv", "predict_linear", "idelta"}
COUNTER_FUNCTIONS = {"rate", "irate", "increase"}

_SCRAPE = """\
scrape_configs:
  - job_name: model-server
    static_configs:
      - targets: ["model-server:8080"]
  - job_name: feast-server
    static_configs:
      - targets: ["feast:6566"]
"""

@register
class UnknownMetric(CrossCheck):
    """Finds a selector on a metric the catalog does not know, in rules and dashboard queries: with a
    hand-written `metrics.yaml` or a `/metrics` capture, any metric it does not list; with the
    repository's instrumentation code alone, a metric in the namespace of the metrics it declares (or a
    near miss of one: the bare name of a Counter prometheus_client exposes as `_total`, a typo), never
    one of a third-party exporter (kube-state-metrics, node exporter) the repository does not declare.
    The namespaces of well-known exporters and of the client's own collectors (`node_`, `kube_`,
    `process_`, `python_`, `http_`, ...) are never the repository's, even where it declares a metric in
    one: there only near misses are reported.

    Why: a misspelled metric name returns nothing, so the alert never fires; prometheus_client exposes
    a Counter `model_errors` as `model_errors_total`, so `rate(model_errors[5m])` is always empty.

    With `exporters/model_server.py` (prometheus_client):
    ```python
    from prometheus_client import Counter

    ERRORS = Counter("model_errors", "Predictions that failed.", ["model_name"])
    ```

    Bad (`rules/alerts.yaml`):
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ModelErrors
            expr: sum by (model_name) (rate(model_errors[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: ml
            annotations:
              summary: "{{ $labels.model_name }} fails predictions"
              description: "{{ $labels.model_name }} fails {{ $value | humanize }} predictions per second."
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ModelErrors
            expr: sum by (model_name) (rate(model_errors_total[5m])) > 1
            for: 5m
            labels:
              severity: warning
              team: ml
            annotations:
              summary: "{{ $labels.model_name }} fails predictions"
              description: "{{ $labels.model_name }} fails {{ $value | humanize }} predictions per second."
    ```
    """

    code = "X007"
    name = "unknown-metric"
    severity = Severity.WARNING
    example_filename = "rules/alerts.yaml"
    example_files = {"exporters/model_server.py": 'from prometheus_client import Counter\n\n'
                     'ERRORS = Counter("model_errors", "Predictions that failed.", ["model_name"])\n'}


@register
class UnknownLabel(CrossCheck):
    """Finds a matcher, or a `by`/`without` label, on a label the catalog says the metric does not have.
    `job`, `instance` and the target labels the project's scrape configs add are always there; when the
    target labels are not all known (no `metrics.yaml` and no complete scrape config, or a labelmap), only a
    near miss of one of the metric's labels is reported.

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
    idelta(), deriv() or predict_linear() over a counter. The type is the catalog's, whatever the name
    says: a Gauge named `mlflow_runs_total` is a gauge.

    Why: rate() reads every decrease of a gauge as a counter reset; delta() over a counter spikes
    negative at every restart.

    With `exporters/mlflow_exporter.py` (prometheus_client):
    ```python
    from prometheus_client import Gauge

    RUNS = Gauge("mlflow_runs_total", "MLflow runs by status, as counted now.", ["experiment_name", "status"])
    ```

    Bad (`rules/alerts.yaml`):
    ```yaml
    groups:
      - name: example
        rules:
          - alert: MLflowRunsFailing
            expr: sum by (experiment_name) (increase(mlflow_runs_total{status="FAILED"}[1h])) > 5
            for: 5m
            labels:
              severity: warning
              team: ml
            annotations:
              summary: "Runs of {{ $labels.experiment_name }} fail"
              description: "{{ $value | humanize }} runs of {{ $labels.experiment_name }} failed in an hour."
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: MLflowRunsFailing
            expr: sum by (experiment_name) (delta(mlflow_runs_total{status="FAILED"}[1h])) > 5
            for: 5m
            labels:
              severity: warning
              team: ml
            annotations:
              summary: "Runs of {{ $labels.experiment_name }} fail"
              description: "{{ $value | humanize }} runs of {{ $labels.experiment_name }} failed in an hour."
    ```
    """

    code = "X009"
    name = "function-of-wrong-type"
    severity = Severity.WARNING
    example_filename = "rules/alerts.yaml"
    example_files = {"exporters/mlflow_exporter.py": 'from prometheus_client import Gauge\n\n'
                     'RUNS = Gauge("mlflow_runs_total", "MLflow runs by status, as counted now.", '
                     '["experiment_name", "status"])\n'}


@register
class QuantileOfNonHistogram(CrossCheck):
    """Finds histogram_quantile() over a series the catalog knows that is not a histogram's buckets: a
    histogram's bare name (prometheus_client exposes a Histogram `x` as `x_bucket`, `x_count` and `x_sum`),
    its `_count` or `_sum`, a summary, a counter or a gauge.

    Why: histogram_quantile() needs the cumulative `le` buckets; over anything else it returns nothing
    (no `le` label) or nonsense, so the latency alert never fires.

    With `exporters/model_server.py` (prometheus_client):
    ```python
    from prometheus_client import Histogram

    LATENCY = Histogram("model_prediction_latency_seconds", "Time to answer a prediction.", ["model_name"])
    ```

    Bad (`rules/alerts.yaml`):
    ```yaml
    groups:
      - name: example
        rules:
          - alert: SlowPredictions
            expr: |
              histogram_quantile(0.95, sum by (model_name, le) (rate(model_prediction_latency_seconds[5m]))) > 1
            for: 5m
            labels:
              severity: warning
              team: ml
            annotations:
              summary: "{{ $labels.model_name }} answers slowly"
              description: "95% of the predictions of {{ $labels.model_name }} take up to {{ $value }} s."
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: SlowPredictions
            expr: |
              histogram_quantile(0.95, sum by (model_name, le) (rate(model_prediction_latency_seconds_bucket[5m]))) > 1
            for: 5m
            labels:
              severity: warning
              team: ml
            annotations:
              summary: "{{ $labels.model_name }} answers slowly"
              description: "95% of the predictions of {{ $labels.model_name }} take up to {{ $value }} s."
    ```
    """

    code = "X010"
    name = "quantile-of-non-histogram"
    severity = Severity.WARNING
    example_filename = "rules/alerts.yaml"
    example_files = {"exporters/model_server.py": 'from prometheus_client import Histogram\n\n'
                     'LATENCY = Histogram("model_prediction_latency_seconds", "Time to answer a prediction.", '
                     '["model_name"])\n'}


@register
class UnknownScrapeJob(CrossCheck):
    """Finds a `job="..."` matcher whose value no scrape job of the project's Prometheus configs gives
    (prometheus.yml, a ConfigMap holding one, Helm `additionalScrapeConfigs`): when the value is a near miss
    of a job's (`feast` for `feast-server`), or when the configs name every job (no ServiceMonitors, no
    relabelling that may rewrite `job`).

    Why: `up{job="feast"} == 0` selects nothing when the job is `feast-server`: the alert that should say
    Feast is down can never fire.

    With `prometheus/prometheus.yml`:
    ```yaml
    scrape_configs:
      - job_name: model-server
        static_configs:
          - targets: ["model-server:8080"]
      - job_name: feast-server
        static_configs:
          - targets: ["feast:6566"]
    ```

    Bad (`rules/alerts.yaml`):
    ```yaml
    groups:
      - name: example
        rules:
          - alert: FeastDown
            expr: up{job="feast"} == 0
            for: 2m
            labels:
              severity: critical
              team: ml
            annotations:
              summary: "Feast is down"
              description: "{{ $labels.instance }} has not answered a scrape for 2 minutes."
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: FeastDown
            expr: up{job="feast-server"} == 0
            for: 2m
            labels:
              severity: critical
              team: ml
            annotations:
              summary: "Feast is down"
              description: "{{ $labels.instance }} has not answered a scrape for 2 minutes."
    ```
    """

    code = "X011"
    name = "unknown-scrape-job"
    severity = Severity.WARNING
    example_filename = "rules/alerts.yaml"
    example_files = {"prometheus/prometheus.yml": _SCRAPE}


@register
class UnresolvedDeclaration(CrossCheck):
    """Finds a prometheus_client declaration whose metric name (or label names) obslint cannot read without
    running the code: a name from the environment, a parameter, a function's result; or a name that is no
    classic metric name (`model.errors`: the name Prometheus stores depends on the scrape's escaping
    scheme); or a file naming prometheus_client that Python cannot parse. Its metric is then missing from
    the catalog (its labels are not checked), and never guessed, and a metric it may declare is reported
    unknown only as a near miss; `obslint catalog` lists it.

    Why: the checks against the catalog know only what they can read; a name built at run time hides the
    metric from them (and from whoever reads the rules next to the exporter).

    Bad (`exporters/app.py`):
    ```python
    import os

    from prometheus_client import Counter

    REQUESTS = Counter(os.environ["METRIC_PREFIX"] + "_requests", "Requests served.")
    ```

    Good:
    ```python
    from prometheus_client import Counter

    PREFIX = "app"
    REQUESTS = Counter(f"{PREFIX}_requests", "Requests served.")
    ```
    """

    code = "X012"
    name = "unresolved-metric-declaration"
    severity = Severity.INFO
    example_filename = "exporters/app.py"


@register
class InvalidDeclaration(CrossCheck):
    """Finds a prometheus_client declaration the client refuses when the module is imported (a ValueError):
    a label named `le` on a Histogram or `quantile` on a Summary, a label name starting with `__`, a unit
    on an Info or an Enum, an Enum without states or named as one of its labels, an empty name, buckets out
    of order.

    Why: the exporter dies at start-up, so none of its metrics exist and every alert on them is silent.

    Bad (`exporters/app.py`):
    ```python
    from prometheus_client import Histogram

    LATENCY = Histogram("request_latency_seconds", "Time to answer a request.", ["le"])
    ```

    Good:
    ```python
    from prometheus_client import Histogram

    LATENCY = Histogram("request_latency_seconds", "Time to answer a request.", ["handler"])
    ```
    """

    code = "X013"
    name = "invalid-metric-declaration"
    severity = Severity.ERROR
    example_filename = "exporters/app.py"


# --- what an expression does against the catalog ------------------------------------------------------


def problems(ast, catalog: Catalog, recorded: set[str], variables: frozenset[str] = frozenset()
             ) -> list[tuple[type[Check], str]]:
    """(check, message) for what an expression does against the catalog; `variables` are the dashboard
    variables the query uses (what the stand-ins of substituted variables are called)."""
    found = []
    quantiles = _quantile_problems(ast, catalog)
    reported = {id(node) for node, _ in quantiles}
    found += [(QuantileOfNonHistogram, message) for _, message in quantiles]
    for node in iter_nodes(ast):
        kind = type(node).__name__
        if kind == "VectorSelector":
            found += _job_problems(node, catalog, variables)
            name = node.name
            if not name or ":" in name or name in recorded or name in variables or id(node) in reported:
                continue
            metric = catalog.get(name)
            if metric is None:
                message = _unknown(name, catalog)
                if message:
                    found.append((UnknownMetric, message))
                continue
            for matcher in node.matchers.matchers:
                if matcher.name != "__name__":
                    message = _unknown_label(metric, matcher.name, catalog, f"`{name}` has no label")
                    if message:
                        found.append((UnknownLabel, message))
        elif kind == "AggregateExpr" and node.modifier is not None:
            metric = _single_metric(node.expr, catalog)
            for label in node.modifier.labels or []:
                if metric is not None:
                    way = "by" if str(node.modifier.type).endswith("By") else "without"
                    message = _unknown_label(metric, label, catalog, f"`{way} ({label})` over `{metric.name}`, "
                                                                     "which has no label")
                    if message:
                        found.append((UnknownLabel, message))
        elif kind == "Call" and node.args and type(node.args[0]).__name__ == "MatrixSelector":
            metric = catalog.get(node.args[0].vector_selector.name or "")
            if metric is None:
                continue
            fn = node.func.name
            if fn in COUNTER_FUNCTIONS and gauge_like(metric):
                found.append((FunctionOfWrongType, f"{fn}() over `{metric.name}`, a gauge{_where(metric)}: it reads "
                                                   "every decrease as a counter reset; use delta() or deriv()"))
            elif fn in GAUGE_FUNCTIONS and cumulative(metric):
                found.append((FunctionOfWrongType, f"{fn}() over `{metric.name}`, a counter{_where(metric)}; use "
                                                   "rate() or increase()"))
    return found


def _where(metric: Metric) -> str:
    """Where the catalog has the metric from: ` (the Gauge at exporters/x.py:12)`, or nothing (a list)."""
    if metric.declared_as and metric.origins:
        return f" (the {metric.declared_as} at {metric.origins[0]})"
    return ""


def _unknown(name: str, catalog: Catalog) -> str | None:
    """Why `name`, which the catalog does not list, is a mistake; None when it may be a third party's."""
    family = catalog.families.get(name)
    near = catalog.near(name)
    if family is not None and near:
        return (f"`{name}` is no series; did you mean `{near}`? (prometheus_client exposes the "
                f"{family.declared_as} `{name}` of {family.origins[0]} as `{near}`)")
    if near:
        return f"`{name}` is not in the metric catalog; did you mean `{near}`?"
    if catalog.in_scope(name):
        if catalog.closed:
            return f"`{name}` is not in the metric catalog"
        return (f"`{name}` is not declared by the repository's instrumentation, which declares the "
                f"`{prefix_of(name)}_` metrics")
    return None


def _unknown_label(metric: Metric, label: str, catalog: Catalog, what: str) -> str | None:
    if has_label(metric, label):
        return None
    target, open_targets = _target_labels(catalog)
    if label in target:
        return None
    near = near_label(label, metric.labels | target)
    if near is None and open_targets:
        return None
    hint = f"; did you mean `{near}`?" if near else ""
    return f"{what} `{label}` (it has: {', '.join(sorted(metric.labels)) or 'none'}){hint}"


def _target_labels(catalog: Catalog) -> tuple[set[str], bool]:
    """(the labels every scraped series may carry, whether others may come too): the scrape configs' when
    known, else job and instance (all of them when a metrics.yaml lists each metric's labels)."""
    scrape = catalog.scrape
    if scrape is not None and scrape.known:
        return scrape.target_labels()
    return {"job", "instance"}, not catalog.closed


def _single_metric(node, catalog: Catalog) -> Metric | None:
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
    return catalog.get(node.name or "") if kind == "VectorSelector" else None


def _quantile_problems(ast, catalog: Catalog) -> list[tuple[object, str]]:
    """(selector, message) for each selector histogram_quantile() reads that is no histogram's buckets."""
    found = []
    for node in iter_nodes(ast):
        if type(node).__name__ != "Call" or node.func.name != "histogram_quantile" or len(node.args) != 2:
            continue
        for selector in _valued_selectors(node.args[1]):
            name = selector.name or ""
            metric = catalog.get(name)
            family = catalog.families.get(name)
            if metric is None and family is not None and family.type in ("histogram", "gaugehistogram"):
                found.append((selector, f"histogram_quantile() over `{name}`, the bare name of the "
                                        f"{family.declared_as} at {family.origins[0]}: its buckets are "
                                        f"`{name}_bucket`"))
            elif metric is not None and not histogram_buckets(metric) and not _native(metric, catalog):
                found.append((selector, f"histogram_quantile() over `{name}`, {_what(metric, catalog)}, not a "
                                        f"histogram's buckets{_where(metric)}"))
    return found


def _native(metric: Metric, catalog: Catalog) -> bool:
    """A histogram listed by its bare name with no classic buckets (a native histogram)."""
    return metric.type == "histogram" and not metric.name.endswith(("_bucket", "_count", "_sum")) and \
        f"{metric.name}_bucket" not in catalog


def _what(metric: Metric, catalog: Catalog) -> str:
    if metric.type in ("histogram", "gaugehistogram"):
        base = metric.name.rsplit("_", 1)[0]
        return f"a histogram's {metric.name.rsplit('_', 1)[1]} (its buckets are `{base}_bucket`)"
    if metric.type == "summary":
        return "a summary (a summary's quantiles, when it has them, are its `quantile` label)"
    return {"counter": "a counter", "gauge": "a gauge"}.get(metric.type, f"a {metric.type} series")


def _valued_selectors(node) -> list:
    """The selectors whose values an expression computes with (not those of the right side of `and`,
    `unless`, or of a function that only counts series)."""
    found, stack = [], [node]
    while stack:
        node = stack.pop()
        kind = type(node).__name__
        if kind == "VectorSelector":
            found.append(node)
        elif kind == "BinaryExpr" and str(node.op) in ("and", "unless"):
            stack.append(node.lhs)
        elif kind == "Call" and node.func.name in ("absent", "absent_over_time", "vector", "scalar", "time"):
            continue
        elif kind == "AggregateExpr" and str(node.op) in ("count", "count_values", "group"):
            continue
        else:
            stack.extend(c for c in children(node) if c is not None)
    return found


# --- scrape jobs ---------------------------------------------------------------------------------------


def _job_problems(node, catalog: Catalog, variables: frozenset[str]) -> list:
    scrape = catalog.scrape
    if scrape is None or not scrape.known:
        return []
    found = []
    jobs = scrape.values()
    for matcher in node.matchers.matchers:
        if matcher.name != "job" or str(matcher.op) != "MatchOp.Equal" or not matcher.value:
            continue
        value = matcher.value
        if value in jobs or value in variables:
            continue
        near = near_job(value, jobs)
        if near is not None:
            found.append((UnknownScrapeJob, f"`job=\"{value}\"` names no scrape job; did you mean `{near}`?"))
        elif scrape.complete:
            found.append((UnknownScrapeJob, f"`job=\"{value}\"` names no scrape job (the jobs: "
                                            f"{', '.join(sorted(jobs))})"))
    return found


def near_job(value: str, jobs: set[str]) -> str | None:
    """The job `value` most likely means: one whose words start or end like it (`feast` for
    `feast-server`), or a typo."""
    words = [w for w in re.split(r"[-_.:/]", value.lower()) if w]
    for job in sorted(jobs):
        theirs = [w for w in re.split(r"[-_.:/]", job.lower()) if w]
        if words and theirs and (theirs[:len(words)] == words or theirs[-len(words):] == words or
                                 words[:len(theirs)] == theirs or words[-len(theirs):] == theirs):
            return job
    close = difflib.get_close_matches(value, sorted(jobs), n=1, cutoff=0.8)
    return close[0] if close else None


# --- the passes ----------------------------------------------------------------------------------------


@runs("project", UnknownMetric, UnknownLabel, FunctionOfWrongType, QuantileOfNonHistogram, UnknownScrapeJob)
def check(project: Project, out: Collectors) -> None:
    """Rules and dashboard queries against the catalog."""
    from obslint.dashboards import macros
    from obslint.dashboards.model import queries, subject_of
    from obslint.promql.parse import parse_expr

    if project.catalog is None:
        return
    facts, dashboards, catalog, config = project.facts, project.dashboards, project.catalog, out.config
    recorded = {f.name for f in facts if f.kind == "record"}
    for fact in facts:
        parsed = parse_expr(fact.expr, config.prometheus_version, features=config.enable_features)
        if parsed.ok:
            for code, message in problems(parsed.ast, catalog, recorded):
                out.get(fact.path, fact.source).add(code, fact.expr_line, fact.expr_column,
                                                    f"{fact.kind} `{fact.name}`: {message}")
    for dashboard in dashboards:
        for pointer, panel, parsed in queries(dashboard.compiled.doc, config):
            expr = _target_expr(panel, pointer)
            variables = frozenset(macros.references(expr))
            for code, message in problems(parsed.ast, catalog, recorded, variables):
                out.get(dashboard.shown, str(dashboard.path)).add(
                    code, dashboard.compiled.line_of(pointer), 1, f"panel `{panel.get('title', '')}`: {message}",
                    subject=subject_of(dashboard.compiled.doc, pointer))


def _target_expr(panel: dict, pointer: str) -> str:
    try:
        return panel["targets"][int(pointer.rsplit("/", 1)[1])]["expr"]
    except (KeyError, IndexError, ValueError, TypeError):
        return ""


@runs("project", UnresolvedDeclaration, InvalidDeclaration)
def check_declarations(project: Project, out: Collectors) -> None:
    """The instrumentation declarations the catalog could not read, or the client refuses."""
    from obslint.core.paths import display_path

    if project.catalog is None:
        return
    seen = set()
    for declaration in project.catalog.declarations:
        key = (declaration.path, declaration.line, declaration.column, declaration.invalid, declaration.unresolved,
               declaration.labels_unresolved)
        if key in seen:  # one declaration in a loop: one finding
            continue
        seen.add(key)
        collector = out.get(display_path(declaration.path, out.config.display_root), str(declaration.path))
        what = f"the {declaration.cls}"
        # a declaration is about its metric (stable when lines move), when its name is read
        subject = f"metric:{declaration.family.name}" if declaration.family is not None else ""
        if declaration.invalid:
            collector.add(InvalidDeclaration, declaration.line, declaration.column,
                          f"prometheus_client refuses {what}: {declaration.invalid} (the module fails when "
                          "it is imported)", subject=subject)
        elif declaration.unresolved and not declaration.cls:  # a file naming the client that does not parse
            collector.add(UnresolvedDeclaration, declaration.line, declaration.column,
                          f"the metrics this file declares are not in the catalog: {declaration.unresolved}")
        elif declaration.unresolved:
            collector.add(UnresolvedDeclaration, declaration.line, declaration.column,
                          f"{what}'s metric name is not read: {declaration.unresolved}; its "
                          "metric is not in the catalog")
        elif declaration.labels_unresolved:
            collector.add(UnresolvedDeclaration, declaration.line, declaration.column,
                          f"{what} `{declaration.family.name}`: {declaration.labels_unresolved}; its labels "
                          "are not checked", subject=subject)
