"""Dashboard checks: what makes a grafanalib or JSON dashboard fail to load, load half-broken, or
mislead, reported at the dashboard's source file and, where known, the line that built the panel or
query. `load` reads a JSON dashboard or takes what running a dashboard file in the sandbox gave
(obslint.dashboards.sandbox); passes lint each dashboard, and the project's dashboards together.
Examples are dashboard files in `dashboards_py/`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from obslint.checks.base import Check, register, runs
from obslint.config import Config
from obslint.core.collector import Collector, Collectors
from obslint.core.findings import Severity
from obslint.dashboards import macros, schema
from obslint.dashboards.compiler import Compiled, iter_panels
from obslint.dashboards.model import (
    VARIABLE_FUNCTIONS,
    Dashboard,
    DashboardReadError,
    read_json,
    split_last_comma,
    subject_of,
)
from obslint.dashboards.units import is_unit
from obslint.promql.counters import raw_counters

DATA_PANEL_TYPES = frozenset({"timeseries", "stat", "gauge", "bargauge", "table", "heatmap", "histogram",
                              "barchart", "piechart", "state-timeline", "status-history", "graph", "singlestat",
                              "table-old", "xychart", "trend", "candlestick"})
UNIT_PANEL_TYPES = frozenset({"timeseries", "stat", "gauge", "bargauge", "graph", "singlestat"})
MAX_UID = 40




class DashboardCheck(Check):
    kind = "dashboards"
    example_filename = "dashboards_py/example.py"


@register
class DashboardLoadError(DashboardCheck):
    """Finds a dashboard file that does not run: a Python exception, or a `dashboard` that is not a grafanalib
    Dashboard (reported at the line of the user's code that raised), and JSON dashboards that do not parse.

    Why: the dashboard silently goes missing from the build; one broken file does not stop the others.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit=UNITS.REQ_PER_SEC, gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D001"
    name = "dashboard-load-error"


@register
class DashboardSchema(DashboardCheck):
    """Finds what obslint's dashboard schema refuses: a panel without a type, gridPos out of bounds, an empty
    refId, a threshold that is not a number, legacy `rows` at schemaVersion 16 or later, a variable type
    Grafana does not know.

    Why: Grafana loads such a dashboard half-broken (panels stacked at the top, queries not sent),
    without an error anyone sees.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=0, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D002"
    name = "dashboard-schema"


@register
class DatasourceVariable(DashboardCheck):
    """Finds a JSON dashboard without a `datasource` template variable (type datasource). Dashboards
    obslint compiles from grafanalib get one whenever their panels use the default datasource.

    Why: without it every panel is tied to one Prometheus; the same dashboard cannot serve staging and
    production, and a renamed datasource breaks it (grafana dashboard-linter's template-datasource-rule).

    Bad:
    ```json
    {"title": "API", "uid": "api", "schemaVersion": 39,
     "templating": {"list": []},
     "panels": [{"type": "timeseries", "title": "Requests", "id": 1,
                 "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                 "fieldConfig": {"defaults": {"unit": "reqps"}, "overrides": []},
                 "datasource": {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"},
                 "targets": [{"refId": "A", "expr": "sum(rate(http_requests_total[$__rate_interval]))"}]}]}
    ```

    Good:
    ```json
    {"title": "API", "uid": "api", "schemaVersion": 39,
     "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]},
     "panels": [{"type": "timeseries", "title": "Requests", "id": 1,
                 "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                 "fieldConfig": {"defaults": {"unit": "reqps"}, "overrides": []},
                 "datasource": {"type": "prometheus", "uid": "${datasource}"},
                 "targets": [{"refId": "A", "expr": "sum(rate(http_requests_total[$__rate_interval]))"}]}]}
    ```
    """

    code = "D003"
    name = "datasource-variable"
    severity = Severity.WARNING
    example_filename = "dashboards_py/example.json"


@register
class PanelDatasource(DashboardCheck):
    """Finds a panel or query whose datasource is not the dashboard's datasource variable: a fixed name or uid.

    Why: the panel ignores the datasource picker and breaks when that datasource is renamed
    (dashboard-linter's panel-datasource-rule).

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0), dataSource="Prometheus",
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D004"
    name = "panel-datasource"
    severity = Severity.WARNING


@register
class PanelTitle(DashboardCheck):
    """Finds a data panel without a title.

    Why: an untitled panel cannot be told apart in the dashboard, in alerts' links, or in reviews.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D005"
    name = "panel-title"
    severity = Severity.WARNING


@register
class PanelUnit(DashboardCheck):
    """Finds a time series, stat, gauge or bar gauge panel without a unit, or with a unit Grafana does not know
    (custom `suffix:`, `prefix:`, `si:`, `count:`, `currency:` and `time:` forms are accepted).

    Why: `0.25` means nothing without knowing it is seconds, a ratio or requests per second; an unknown
    unit id is shown as a plain number.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="requests/s", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D006"
    name = "panel-unit"
    severity = Severity.WARNING


@register
class PanelNoTargets(DashboardCheck):
    """Finds a data panel without any query.

    Why: it renders "No data" forever; usually a query was lost in a refactoring.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0), targets=[]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D007"
    name = "panel-no-targets"
    severity = Severity.WARNING


@register
class TargetPromql(DashboardCheck):
    """Finds a query whose PromQL does not parse once Grafana's variables and macros (`$__rate_interval`,
    `$__interval`, `$__range`, `${var}`, `${var:regex}`, `[[var]]`) are replaced by stand-ins.

    Why: Grafana shows the parse error only when someone opens the dashboard, typically during an incident.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval])")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D008"
    name = "target-promql"


@register
class RateInterval(DashboardCheck):
    """Finds rate() and irate() over a fixed range in a dashboard query instead of `$__rate_interval`.

    Why: a fixed `[1m]` is empty when the scrape interval is 1m or more, and over-smooths when zoomed
    in; `$__rate_interval` is always at least four scrape intervals (dashboard-linter's target-rate-interval-rule).

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[1m]))")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D009"
    name = "rate-interval"
    severity = Severity.WARNING


@register
class CounterWithoutRate(DashboardCheck):
    """Finds a counter shown raw, not inside a range function such as rate() or increase(). A counter is a
    `_total` series, or, in a project with a metric catalog, a series the catalog types as one (a Gauge
    named `_total` is not).

    Why: a raw counter only ever grows and resets on restarts; its value is meaningless on a graph
    (dashboard-linter's target-counter-agg-rule).

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(http_requests_total)")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D010"
    name = "counter-without-rate"
    severity = Severity.WARNING


@register
class VariableUndefined(DashboardCheck):
    """Finds a `$variable` used in a query, title, datasource or link that the dashboard does not define
    (Grafana's built-ins such as `$__rate_interval` are known).

    Why: Grafana sends `$job` to Prometheus literally; the panel shows no data.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr='sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))')]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS,
                                    Template(name="job", query="label_values(up, job)",
                                             dataSource="${datasource}")]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr='sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))')]),
        ],
    )
    ```
    """

    code = "D011"
    name = "variable-undefined"


@register
class VariableUnused(DashboardCheck):
    """Finds a template variable nothing in the dashboard uses.

    Why: it costs a query on every load, and a picker that changes nothing misleads whoever uses it;
    often a query lost its `{job=~"$job"}` filter.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS,
                                    Template(name="job", query="label_values(up, job)",
                                             dataSource="${datasource}")]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS,
                                    Template(name="job", query="label_values(up, job)",
                                             dataSource="${datasource}")]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr='sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))')]),
        ],
    )
    ```
    """

    code = "D012"
    name = "variable-unused"
    severity = Severity.WARNING


@register
class VariableQuery(DashboardCheck):
    """Finds a query variable whose query is not `label_values(...)`, `label_names(...)`, `metrics(...)` or
    `query_result(...)` with valid PromQL and a valid label name.

    Why: the variable gets no values, and every panel filtered by it shows no data.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS,
                                    Template(name="job", query="label_values(up{, job)",
                                             dataSource="${datasource}")]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr='sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))')]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS,
                                    Template(name="job", query="label_values(up, job)",
                                             dataSource="${datasource}")]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr='sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))')]),
        ],
    )
    ```
    """

    code = "D013"
    name = "variable-query"


@register
class GridPosition(DashboardCheck):
    """Finds panels that overlap, or that reach past the 24 grid columns (x + w > 24).

    Why: Grafana moves such panels around on load, so the layout differs from the code and changes
    between Grafana versions.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
            TimeSeries(title="Errors", unit="reqps", gridPos=GridPos(h=8, w=12, x=6, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
            TimeSeries(title="Errors", unit="reqps", gridPos=GridPos(h=8, w=12, x=12, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D014"
    name = "grid-position"


@register
class DashboardDuplicate(DashboardCheck):
    """Finds two dashboards of the project with the same uid or the same title. A copy of one dashboard in
    another file (the same title and the same uid, or no uid: a JSON file and the ConfigMap that embeds it,
    say) is the same dashboard shipped in two forms, not a duplicate.

    Why: Grafana's provisioning keeps one of them, flipping between the two on every reload
    ("the same UID is used more than once").

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    def make(title):
        return Dashboard(title=title, uid="api", templating=Templating(list=[DS]), panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")])])


    dashboards = [make("API"), make("API (canary)")]
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    def make(title, uid):
        return Dashboard(title=title, uid=uid, templating=Templating(list=[DS]), panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")])])


    dashboards = [make("API", "api"), make("API (canary)", "api-canary")]
    ```
    """

    code = "D015"
    name = "dashboard-duplicate"


@register
class DashboardUid(DashboardCheck):
    """Finds a dashboard without a uid (a warning: Grafana loads it), or with a uid longer than 40 characters
    or with characters other than letters, digits, `-` and `_` (errors).

    Why: without a uid Grafana makes up a new one on every provisioning and links break; a longer one
    fails provisioning ("uid too long, max 40 characters").

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="mlops-platform-overview-of-all-model-servers",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="mlops-overview",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D016"
    name = "dashboard-uid"


@register
class DeprecatedPanel(DashboardCheck):
    """Finds panels of the deprecated Angular types: graph, singlestat, table-old and the old pie chart and
    world map plugins.

    Why: Grafana 11 turns Angular off and Grafana 12 removes it; the automatic migration to timeseries is
    redone on every load of a provisioned dashboard and never saved.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, Graph

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            Graph(title="Requests", gridPos=GridPos(h=8, w=12, x=0, y=0),
                  targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D017"
    name = "deprecated-panel"
    severity = Severity.WARNING


@register
class DashboardOutput(DashboardCheck):
    """Finds a dashboard file that prints while it is built, such as grafanalib's "You are using both panels
    and rows" warning (it then drops the panels).

    Why: the message hides what went wrong (panels silently dropped), and `generate-dashboard` writes it
    into the JSON it prints.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    print("building the API dashboard")
    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
        ],
    )
    ```
    """

    code = "D018"
    name = "dashboard-output"
    severity = Severity.WARNING


@register
class DashboardSize(DashboardCheck):
    """Finds a dashboard whose ConfigMap (as `obslint build` writes it: minified JSON) is over 256 KiB
    (warning: `kubectl apply` client-side refuses it) or over 1 MiB (error: Kubernetes refuses it).

    Why: the apply fails with `metadata.annotations: Too long: must have at most 262144 bytes` and the
    dashboard is never updated; split it, or apply server-side.

    Bad:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")
    NOTE = "Requests per second. " * 60

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title=f"Requests {i}", description=NOTE, unit="reqps",
                       gridPos=GridPos(h=8, w=12, x=12 * (i % 2), y=8 * (i // 2)),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")])
            for i in range(200)
        ],
    )
    ```

    Good:
    ```python
    from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

    DS = Template(name="datasource", type="datasource", query="prometheus")

    dashboard = Dashboard(
        title="API", uid="api",
        templating=Templating(list=[DS]),
        panels=[
            TimeSeries(title=f"Requests {i}", description="Requests per second.", unit="reqps",
                       gridPos=GridPos(h=8, w=12, x=12 * (i % 2), y=8 * (i // 2)),
                       targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")])
            for i in range(20)
        ],
    )
    ```
    """

    code = "D019"
    name = "dashboard-size"
    severity = Severity.WARNING


# what the pass over each dashboard reports (D001 and D018 are reported when a dashboard is loaded)
DASHBOARD_CHECKS = (DashboardSchema, DatasourceVariable, PanelDatasource, PanelTitle, PanelUnit, PanelNoTargets,
                    TargetPromql, RateInterval, CounterWithoutRate, VariableUndefined, VariableUnused, VariableQuery,
                    GridPosition, DashboardUid, DeprecatedPanel, DashboardSize)


def load(path: Path, shown: str, config: Config, collector: Collector, outcome=None) -> list[Dashboard]:
    """The dashboards of one file (.json read; .py run in the sandbox, or its `outcome` when it has run
    already); problems go to `collector`."""
    if path.suffix == ".json":
        try:
            return [Dashboard(path, shown, read_json(path))]
        except DashboardReadError as exc:
            collector.add(DashboardLoadError, exc.line, exc.column, exc.message)
            return []
    if outcome is None:
        from obslint.dashboards.sandbox import run_files

        outcome = run_files([path], config.sandbox, config.dashboard_schema_version)[0]
    if outcome.error is not None:
        line, column, message = outcome.error
        collector.add(DashboardLoadError, line, column, message)
        return []
    if outcome.output.strip() or outcome.output_size:
        lines = outcome.output.strip().splitlines()
        first = f"the first line: {lines[0][:100]!r}" if lines else "no text"
        collector.add(DashboardOutput, 1, 1,
                      f"building the dashboards printed output ({first}; {outcome.output_size} characters in all); "
                      "grafanalib prints warnings such as dropped panels this way")
    for line, message in outcome.compile_errors:
        collector.add(DashboardLoadError, line, 1, message)
    return [Dashboard(path, shown, Compiled(doc, lines)) for doc, lines in outcome.dashboards]


def load_read(path: Path, shown: str, found, collector: Collector) -> list[Dashboard]:
    """The dashboard the engine read from a file that holds it (a JSON file, a ConfigMap's data, a
    Kubernetes resource): `found` is its Compiled form, or (line, column, message) when it could not be
    read (reported here)."""
    if isinstance(found, tuple):
        line, column, message = found
        collector.add(DashboardLoadError, line, column, message)
        return []
    return [Dashboard(path, shown, found)]


# --- per dashboard -------------------------------------------------------------------------------

@runs("dashboard", *DASHBOARD_CHECKS)
def lint(dashboard: Dashboard, collector: Collector) -> None:
    config = collector.config
    compiled = dashboard.compiled
    doc = compiled.doc

    def add(code: str, pointer: str, message: str, severity=None) -> None:
        collector.add(code, compiled.line_of(pointer), 1, message, severity, subject_of(doc, pointer))

    for pointer, message in schema.problems(doc):
        add(DashboardSchema, pointer, message)
    _uid(doc, add)
    variables = {v.get("name"): v for v in (doc.get("templating") or {}).get("list") or []
                 if isinstance(v, dict) and isinstance(v.get("name"), str)}
    datasource_vars = {n for n, v in variables.items() if v.get("type") == "datasource"}
    if not datasource_vars:
        add(DatasourceVariable, "", "the dashboard has no `datasource` variable (type datasource); its panels are tied "
                                    "to one Prometheus")
    used: list[tuple[str, str]] = []  # (variable, pointer)
    for pointer, panel in iter_panels(doc):
        _panel(pointer, panel, datasource_vars, used, add, config)
    for name, variable in variables.items():
        pointer = f"/templating/list/{list(variables).index(name)}"
        _variable(pointer, variable, used, add, config)
    for link in doc.get("links") or []:
        if isinstance(link, dict):
            used.extend((ref, "/links") for field in ("url", "title") for ref in macros.references(link.get(field)))
    used.extend((ref, "") for ref in macros.references(doc.get("title")))
    referenced = set()
    for name, pointer in used:
        if name.startswith("__") or name in ("interval", "timeFilter"):
            continue
        referenced.add(name)
        if name not in variables:
            add(VariableUndefined, pointer, f"`${name}` is used but the dashboard defines no variable `{name}`")
    for i, name in enumerate(variables):
        if name not in referenced:
            add(VariableUnused, f"/templating/list/{i}", f"the variable `{name}` is defined but nothing uses it")
    _grid(doc, add)
    _size(doc, add)


CLIENT_APPLY_LIMIT = 256 * 1024  # kubectl apply's last-applied-configuration annotation
CONFIGMAP_LIMIT = 1024 * 1024  # a ConfigMap's data
CONFIGMAP_OVERHEAD = 512  # metadata of the ConfigMap `obslint build` writes, generously


def _size(doc: dict, add) -> None:
    size = len(json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) \
        + CONFIGMAP_OVERHEAD
    if size > CONFIGMAP_LIMIT:
        add(DashboardSize, "", f"the dashboard's ConfigMap is about {size // 1024} KiB; Kubernetes refuses ConfigMaps "
                               "over 1 MiB", Severity.ERROR)
    elif size > CLIENT_APPLY_LIMIT:
        add(DashboardSize, "", f"the dashboard's ConfigMap is about {size // 1024} KiB; `kubectl apply` (client-side) "
                               "refuses objects over 256 KiB: split the dashboard or apply server-side")


def _uid(doc: dict, add) -> None:
    uid = doc.get("uid")
    if not isinstance(uid, str) or not uid:
        add(DashboardUid, "", "the dashboard has no uid: Grafana makes up a new one on every provisioning, so links "
                              "and bookmarks to it break", Severity.WARNING)
    elif len(uid) > MAX_UID:
        add(DashboardUid, "", f"uid `{uid}` has {len(uid)} characters; Grafana refuses more than {MAX_UID}")
    elif not re.fullmatch(r"[A-Za-z0-9_-]+", uid):
        add(DashboardUid, "", f"uid `{uid}` has characters other than letters, digits, `-` and `_`")


def _panel(pointer: str, panel: dict, datasource_vars: set[str], used: list, add, config: Config) -> None:
    kind = panel.get("type")
    title = panel.get("title")
    used.extend((ref, pointer) for ref in macros.references(title if isinstance(title, str) else ""))
    if isinstance(panel.get("repeat"), str) and panel["repeat"]:
        used.append((panel["repeat"], pointer))
    if kind in schema.DEPRECATED_PANEL_TYPES:
        modern = {"singlestat": "stat", "graph": "timeseries", "table-old": "table"}.get(kind, "a core panel")
        add(DeprecatedPanel, pointer,
            f"panel type `{kind}` is deprecated (Angular; removed in Grafana 12); use {modern}")
    if kind == "row" or kind not in DATA_PANEL_TYPES:
        return
    label = f"panel `{title}`" if title else f"panel {pointer}"
    if not (isinstance(title, str) and title.strip()):
        add(PanelTitle, pointer, f"{label} ({kind}) has no title")
    if kind in UNIT_PANEL_TYPES:
        unit = ((panel.get("fieldConfig") or {}).get("defaults") or {}).get("unit")
        if not unit:
            add(PanelUnit, pointer, f"{label} has no unit")
        elif not is_unit(unit):
            add(PanelUnit, pointer, f"{label}: `{unit}` is not a Grafana unit")
    targets = [t for t in panel.get("targets") or [] if isinstance(t, dict)]
    if not targets:
        add(PanelNoTargets, pointer, f"{label} has no queries")
    if targets:
        _datasource_ref(panel.get("datasource"), pointer, label, datasource_vars, used, add)
    for i, target in enumerate(targets):
        target_pointer = f"{pointer}/targets/{i}"
        if "datasource" in target:
            _datasource_ref(target["datasource"], target_pointer, label, datasource_vars, used, add)
        for field in ("expr", "legendFormat", "interval"):
            if isinstance(target.get(field), str):
                used.extend((ref, target_pointer) for ref in macros.references(target[field]))
        expr = target.get("expr")
        if isinstance(expr, str) and expr.strip():
            _promql(expr, target_pointer, f"{label}, query {target.get('refId') or i + 1}", add, config)


def _datasource_ref(ref, pointer: str, label: str, datasource_vars: set[str], used: list, add) -> None:
    uid = ref.get("uid") if isinstance(ref, dict) else ref
    names = macros.references(uid) if isinstance(uid, str) else []
    used.extend((n, pointer) for n in names)
    if ref is None or (isinstance(ref, dict) and not uid):
        add(PanelDatasource, pointer, f"{label} uses the default datasource; use the `datasource` variable "
                                      "(`{type: prometheus, uid: ${datasource}}`)")
    elif not names:
        add(PanelDatasource, pointer, f"{label} is tied to the datasource `{uid}`; use the `datasource` variable")
    elif datasource_vars and not any(n in datasource_vars for n in names):
        add(PanelDatasource, pointer, f"{label}: `{uid}` is not a datasource variable")


def _promql(expr: str, pointer: str, label: str, add, config: Config):
    from obslint.promql.parse import parse_expr

    parsed = parse_expr(macros.substitute(expr), config.prometheus_version)
    if not parsed.ok:
        add(TargetPromql, pointer, f"{label}: the PromQL does not parse (variables substituted): "
                                   f"{parsed.problems[0].message}")
        return None
    for node in parsed.nodes:
        if type(node).__name__ == "Call" and node.func.name in ("rate", "irate") and node.args \
                and type(node.args[0]).__name__ == "MatrixSelector" and node.args[0].range != macros.RATE_INTERVAL:
            add(RateInterval, pointer, f"{label}: {node.func.name}() over a fixed range; use `[$__rate_interval]` so "
                                       "the range follows the scrape interval and the zoom")
    for node in raw_counters(parsed.nodes, config.catalog_types):
        add(CounterWithoutRate, pointer, f"{label}: the counter `{node.name}` is shown raw; wrap it in rate() or "
                                         "increase()")
    return parsed


def _variable(pointer: str, variable: dict, used: list, add, config: Config) -> None:
    datasource = variable.get("datasource")
    if isinstance(datasource, dict):
        used.extend((n, pointer) for n in macros.references(datasource.get("uid")))
    elif isinstance(datasource, str):
        used.extend((n, pointer) for n in macros.references(datasource))
    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query")
    if not isinstance(query, str):
        return
    used.extend((n, pointer) for n in macros.references(query) if n != variable.get("name"))
    if variable.get("type") != "query" or not query.strip():
        return
    from obslint.promql.parse import parse_expr

    m = VARIABLE_FUNCTIONS.match(query)
    name = variable.get("name")
    if m is None:
        add(VariableQuery, pointer, f"the query of variable `{name}` is not label_values(), label_names(), metrics() "
                                    "or query_result()")
        return
    fn, arg = m.group("fn"), m.group("arg").strip()
    problem = None
    if fn == "label_values":
        parts = split_last_comma(arg)
        label = parts[-1].strip()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", label):
            problem = f"`{label}` is not a label name"
        elif len(parts) == 2:
            parsed = parse_expr(macros.substitute(parts[0]), config.prometheus_version)
            if not parsed.ok:
                problem = parsed.problems[0].message
    elif fn in ("label_names",) and arg:
        parsed = parse_expr(macros.substitute(arg), config.prometheus_version)
        problem = None if parsed.ok else parsed.problems[0].message
    elif fn == "query_result":
        parsed = parse_expr(macros.substitute(arg), config.prometheus_version)
        problem = None if parsed.ok else parsed.problems[0].message
    if problem:
        add(VariableQuery, pointer, f"the query of variable `{name}` ({fn}): {problem}")


def _grid(doc: dict, add) -> None:
    """gridPos beyond the 24 columns, and panels that overlap (top level; rows' own panels apart)."""
    placed = []
    for i, panel in enumerate(doc.get("panels") or []):
        grid = panel.get("gridPos") if isinstance(panel, dict) else None
        if not isinstance(grid, dict) or not all(isinstance(grid.get(k), int) for k in "hwxy"):
            continue
        pointer = f"/panels/{i}"
        if grid["x"] + grid["w"] > 24:
            add(GridPosition, pointer, f"panel `{panel.get('title', '')}` ends at column {grid['x'] + grid['w']} "
                                       "(x + w > 24)")
        for other_pointer, other, title in placed:
            if grid["x"] < other["x"] + other["w"] and other["x"] < grid["x"] + grid["w"] \
                    and grid["y"] < other["y"] + other["h"] and other["y"] < grid["y"] + grid["h"]:
                add(GridPosition, pointer,
                    f"panel `{panel.get('title', '')}` overlaps panel `{title}` ({other_pointer})")
                break
        placed.append((pointer, grid, panel.get("title", "")))


# --- across dashboards ------------------------------------------------------------------------------

def _copies(one: dict, other: dict) -> bool:
    """Two files holding one dashboard: the same title and the same uid (or none)."""
    return one.get("title") == other.get("title") and (one.get("uid") or None) == (other.get("uid") or None)


@runs("dashboards", DashboardDuplicate)
def cross_check(dashboards: list[Dashboard], collectors: Collectors) -> None:
    """Duplicate uids and titles across the project's dashboards (Grafana flips between them)."""
    for key in ("uid", "title"):
        first: dict[str, Dashboard] = {}
        for dashboard in dashboards:
            value = dashboard.compiled.doc.get(key)
            if not isinstance(value, str) or not value:
                continue
            if value in first:
                other = first[value]
                if other.path != dashboard.path and _copies(other.compiled.doc, dashboard.compiled.doc):
                    continue
                collectors.get(dashboard.shown, None).add(
                    DashboardDuplicate, dashboard.compiled.line_of(""), 1,
                    f"{key} `{value}` is also the {key} of a dashboard in {other.shown}:{other.compiled.line_of('')}",
                    subject=subject_of(dashboard.compiled.doc, ""))
            else:
                first[value] = dashboard


