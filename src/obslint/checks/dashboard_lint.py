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
from obslint.dashboards import macros, pysource, schema
from obslint.dashboards.compiler import Compiled, iter_panels
from obslint.dashboards.datasources import PROMQL, SPECIAL_UIDS, Languages
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
    """Finds what breaks a dashboard in Grafana: a panel without a type, a panel of no height or width or
    above the grid (rows apart: Grafana draws them across it), legacy `rows` at schemaVersion 16 or later
    (Grafana lays rows out only below 16), a variable without a name or of a type Grafana does not know, a
    variable refreshing on `true` at schemaVersion 12 or later, values of the wrong JSON type. A threshold
    step without a colour, or after the base without a number, is a warning: the panel shows, but that step
    has no colour of its own or never applies.

    What Grafana fixes up by itself when it loads the dashboard (queries without a refId, no schemaVersion,
    legacy rows below schemaVersion 16, datasources given by name, a base threshold step with a value, a
    variable's `refresh: true` below schemaVersion 12) is
    not this check's: see dashboard-migration (D020).

    Why: Grafana loads such a dashboard half-broken (panels missing or piled up, queries not sent),
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
    """Finds a JSON dashboard without a `datasource` template variable (type datasource), unless none of its
    queries is PromQL. Dashboards obslint compiles from grafanalib get one whenever their panels use the
    default datasource.

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

    Only queries that Grafana sends to a Prometheus datasource are PromQL: the query's own datasource,
    else its panel's, read as Grafana reads it (a `{type, uid}` reference, a datasource name, a datasource
    variable and the plugin it picks, an import input and its `pluginId`); when that does not say, the
    query's fields do (`rawSql` is SQL; a LogQL pipeline such as `{job="x"} |= "error"` is Loki). Loki,
    SQL, Tempo, Elasticsearch, VictoriaMetrics (MetricsQL: a datasource plugin or name that says
    VictoriaMetrics) and other queries are not parsed as PromQL. In a JSON file the error is reported at
    the line of the `expr` and the column inside it where the parser stopped.

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
    """Finds a `$variable` used in a query, title, datasource or link that the dashboard does not define.
    Grafana's built-ins (`$__rate_interval`, `${__from:date}`, `$__all`, `$timeFilter`, ...), import
    placeholders declared in `__inputs` (`${DS_PROMETHEUS}`) and regex capture groups (`$1` in
    label_replace()) are not variables the dashboard must define.

    A panel or row repeated over a variable the dashboard does not define is a warning: Grafana shows it
    once. Each variable is reported once per dashboard, at its first use, with the number of places.

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
    """Finds a template variable nothing in the dashboard uses: no query, title, link, repeat, text or other
    variable refers to it. Ad hoc filters and group-by variables are not referred to by name: Grafana adds
    them to every query of their datasource.

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
    """Finds a query variable of a Prometheus datasource whose query is not `label_values(...)`,
    `label_names(...)`, `metrics(...)` or `query_result(...)` with valid PromQL and a valid label name, nor a
    series selector (Grafana then lists the matching series). Variables of other datasources (Loki, SQL)
    are not PromQL.

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
    """Finds panels that reach past the 24 grid columns (x + w > 24: Grafana's grid moves the panel left
    until it fits, and a panel wider than the grid to full width) or that overlap (Grafana moves the
    later panel down, as generated dashboards that only order their panels expect).

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
    severity = Severity.WARNING


@register
class DashboardDuplicate(DashboardCheck):
    """Finds two dashboards of the project with the same uid, or with the same title in the same folder (the
    same directory: dashboards of different folders may share a title). A copy of one dashboard in another
    file (the same title and the same uid, or no uid: a JSON file and the ConfigMap that embeds it, say) is
    the same dashboard shipped in two forms, not a duplicate.

    Why: Grafana's provisioning keeps one of them, flipping between the two on every reload
    ("the same UID is used more than once", "the same 'title' is used more than once").

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
    """Finds a dashboard without a uid (a warning: Grafana makes one up), or with a uid that is not a string,
    is longer than 40 characters or has characters other than letters, digits, `-` and `_` (errors).

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


@register
class DashboardMigration(DashboardCheck):
    """Finds what Grafana fixes up by itself when it loads the dashboard: queries without a refId (Grafana
    names them A, B, ...), no schemaVersion (every migration runs), legacy `rows` below schemaVersion 16
    (laid out on the grid), datasources given by name (`"$datasource"`, `"Prometheus"`: resolved to
    `{type, uid}` references), a threshold base step with a value (the first step always starts at
    -Infinity), a variable's `refresh` true or false below schemaVersion 12 (made 1 or 0), a panel without
    gridPos (the default size). One finding per kind and dashboard, where it
    first occurs, with how many places have it.

    Why: nothing breaks, but the dashboard Grafana shows is not the JSON in the repository: every load
    migrates it again (provisioned dashboards are never saved back), and the first save from Grafana's UI
    rewrites it whole, a large diff that hides the change someone meant to make.

    Bad:
    ```json
    {"title": "API", "uid": "api", "schemaVersion": 14,
     "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]},
     "rows": [{"title": "Traffic", "height": "250px",
               "panels": [{"type": "timeseries", "title": "Requests", "id": 1, "span": 6,
                           "fieldConfig": {"defaults": {"unit": "reqps"}, "overrides": []},
                           "datasource": "$datasource",
                           "targets": [{"expr": "sum(rate(http_requests_total[$__rate_interval]))"}]}]}]}
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

    code = "D020"
    name = "dashboard-migration"
    severity = Severity.INFO
    example_filename = "dashboards_py/example.json"


@register
class DashboardForm(DashboardCheck):
    """Finds a dashboard in a form obslint checks only in part: a Grafana v2 dashboard resource
    (`apiVersion: dashboard.grafana.app/v2beta1`, `spec.elements` and `spec.layout`, as Grafana 12 and
    later export dashboards). obslint reads its panels (type, title, unit, queries with their datasources,
    repeat) and variables through the classic model and checks those; the layout and the rest of the v2
    schema are not checked. Said once per dashboard. (A v1 resource, `dashboard.grafana.app/v1beta1`,
    holds a classic dashboard in `spec` and is checked in full.)

    Why: a report without findings on such a file must not claim more than was checked.

    Bad:
    ```json
    {"apiVersion": "dashboard.grafana.app/v2beta1", "kind": "Dashboard", "metadata": {"name": "api"},
     "spec": {"title": "API", "layout": {"kind": "GridLayout", "spec": {"items": []}},
              "variables": [{"kind": "DatasourceVariable", "spec": {"name": "datasource", "pluginId": "prometheus"}}],
              "elements": {"panel-1": {"kind": "Panel", "spec": {"id": 1, "title": "Requests",
                  "vizConfig": {"kind": "VizConfig", "group": "timeseries", "version": "12.0.0",
                                "spec": {"options": {},
                                         "fieldConfig": {"defaults": {"unit": "reqps"}, "overrides": []}}},
                  "data": {"kind": "QueryGroup", "spec": {"queries": [{"kind": "PanelQuery", "spec": {
                      "refId": "A", "hidden": false,
                      "query": {"kind": "DataQuery", "group": "prometheus", "version": "v0",
                                "datasource": {"name": "${datasource}"},
                                "spec": {"expr": "sum(rate(http_requests_total[$__rate_interval]))"}}}}]}}}}}}}
    ```

    Good:
    ```json
    {"apiVersion": "dashboard.grafana.app/v1beta1", "kind": "Dashboard", "metadata": {"name": "api"},
     "spec": {"title": "API", "schemaVersion": 39,
              "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]},
              "panels": [{"type": "timeseries", "title": "Requests", "id": 1,
                          "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                          "fieldConfig": {"defaults": {"unit": "reqps"}, "overrides": []},
                          "datasource": {"type": "prometheus", "uid": "${datasource}"},
                          "targets": [{"refId": "A", "expr": "sum(rate(http_requests_total[$__rate_interval]))"}]}]}}
    ```
    """

    code = "D021"
    name = "dashboard-form"
    severity = Severity.INFO
    example_filename = "dashboards_py/example.json"


# what the pass over each dashboard reports (D001 and D018 are reported when a dashboard is loaded)
DASHBOARD_CHECKS = (DashboardSchema, DatasourceVariable, PanelDatasource, PanelTitle, PanelUnit, PanelNoTargets,
                    TargetPromql, RateInterval, CounterWithoutRate, VariableUndefined, VariableUnused, VariableQuery,
                    GridPosition, DashboardUid, DeprecatedPanel, DashboardSize, DashboardMigration, DashboardForm)


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

    def add(code, pointer: str, message: str, severity=None) -> None:
        collector.add(code, compiled.line_of(pointer), 1, message, severity, subject_of(doc, pointer))

    for pointer, message in compiled.notes:
        add(DashboardForm, pointer, message)
    if compiled.form == "classic":
        for pointer, message in schema.problems(doc):
            add(DashboardSchema, pointer, message)
        for pointer, message in schema.dead_steps(doc):  # the panel shows, without that colour
            add(DashboardSchema, pointer, message, Severity.WARNING)
        for pointer, message in schema.migrations(doc):
            add(DashboardMigration, pointer, message)
    _uid(doc, add)
    languages = Languages(doc, compiled.inputs, config.metricsql_datasources)
    listed = [(i, v) for i, v in enumerate(_variables(doc)) if isinstance(v, dict) and isinstance(v.get("name"), str)]
    variables = {v["name"]: v for _, v in reversed(listed)}  # the first of a name wins, as in Grafana
    datasource_vars = {n for n, v in variables.items() if v.get("type") == "datasource"}
    queries = [languages.of_target(panel, t) for _, panel in iter_panels(doc) for t in panel.get("targets") or []
               if isinstance(t, dict)]
    if not datasource_vars and (not queries or PROMQL in queries):  # not for Elasticsearch-only dashboards
        add(DatasourceVariable, "", "the dashboard has no `datasource` variable (type datasource); its panels are tied "
                                    "to one Prometheus")
    context = _Context(compiled, languages, datasource_vars, add, collector.add, config)
    context.path = dashboard.path
    for pointer, panel in iter_panels(doc):
        _panel(pointer, panel, context)
    for i, variable in listed:
        _variable(f"/templating/list/{i}", variable, context)
    for link in doc.get("links") or []:
        if isinstance(link, dict):
            context.used.extend((ref, "/links") for field in ("url", "title")
                                for ref in macros.references(_text(link.get(field))))
    context.used.extend((ref, "") for ref in macros.references(_text(doc.get("title"))))
    undefined: dict[tuple[str, bool], list[str]] = {}  # (name, in a repeat) -> pointers, in order
    for name, pointer in context.used:
        if not (macros.is_builtin(name) or name in variables or name in languages.inputs):
            places = undefined.setdefault((name, pointer.endswith("/repeat")), [])
            if pointer not in places:
                places.append(pointer)
    for (name, repeat), places in undefined.items():
        more = " (here first, and in other places)" if len(places) > 1 else ""  # a count would change its fingerprint
        if repeat:  # Grafana shows the panel once, unrepeated
            add(VariableUndefined, places[0], f"the panel repeats over `{name}`{more} but the dashboard defines no "
                                              f"variable `{name}`: Grafana shows it once", Severity.WARNING)
            continue
        add(VariableUndefined, places[0], f"`${name}` is used{more} but the dashboard defines no variable `{name}`"
                                          + (" (nor an import input)" if name.startswith(("DS_", "VAR_")) else ""))
    mentioned = _mentioned(doc)
    for i, variable in listed:
        name = variable["name"]
        if variable.get("type") not in ("adhoc", "groupby") and name not in mentioned(variable):
            add(VariableUnused, f"/templating/list/{i}", f"the variable `{name}` is defined but nothing uses it")
    if compiled.form == "classic":
        _grid(doc, add)
    _size(doc, add)


class _Context:
    """What the checks of one dashboard share while its panels and variables are walked."""

    def __init__(self, compiled: Compiled, languages: Languages, datasource_vars: set[str], add, add_at,
                 config: Config):
        self.compiled, self.languages, self.datasource_vars, self.config = compiled, languages, datasource_vars, config
        self.add = add  # (check, JSON pointer, message[, severity])
        self.add_at = add_at  # (check, line, column, message, severity, subject)
        self.used: list[tuple[str, str]] = []  # (variable, pointer) where Grafana substitutes it
        self.path: Path | None = None  # the dashboard's file


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _variables(doc: dict) -> list:
    templating = doc.get("templating")
    listed = templating.get("list") if isinstance(templating, dict) else None
    return listed if isinstance(listed, list) else []


def _names(value):
    """The variables a JSON value refers to: in its strings, and as the `repeat` of panels and rows."""
    if isinstance(value, str):
        yield from macros.references(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "repeat" and isinstance(item, str):
                yield item
            else:
                yield from _names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _names(item)


def _mentioned(doc: dict):
    """A function telling which names a variable could be referred to by anywhere else in the dashboard:
    any string of it but the variable's own definition (panels' queries, titles, links, repeats, text,
    other variables' queries), as Grafana's own search for unused variables reads the whole model."""
    outside = set(_names({k: v for k, v in doc.items() if k != "templating"}))
    per_variable = [(v, set(_names(v))) for v in _variables(doc)]

    def names(variable: dict) -> set[str]:
        found = set(outside)
        for other, refs in per_variable:
            if other is not variable:
                found |= refs
        return found

    return names


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
    if uid is None or uid == "":
        add(DashboardUid, "", "the dashboard has no uid: Grafana makes one up, a new one on every provisioning, so "
                              "links and bookmarks to it break", Severity.WARNING)
    elif not isinstance(uid, str):
        add(DashboardUid, "/uid", f"uid {json.dumps(uid)} is not a string")
    elif len(uid) > MAX_UID:
        add(DashboardUid, "/uid", f"uid `{uid}` has {len(uid)} characters; Grafana refuses more than {MAX_UID}")
    elif not re.fullmatch(r"[A-Za-z0-9_-]+", uid):
        add(DashboardUid, "/uid", f"uid `{uid}` has characters other than letters, digits, `-` and `_`")


def _unit(panel: dict):
    """The panel's unit: fieldConfig's, else the legacy graph's left y axis or singlestat's `format`
    (Grafana carries those over when it migrates the panel)."""
    unit = ((panel.get("fieldConfig") or {}).get("defaults") or {}).get("unit") \
        if isinstance(panel.get("fieldConfig"), dict) else None
    if unit:
        return unit
    axes = panel.get("yaxes")
    if panel.get("type") == "graph" and isinstance(axes, list) and axes and isinstance(axes[0], dict):
        return axes[0].get("format")
    if panel.get("type") == "singlestat":
        return panel.get("format")
    return None


def _panel(pointer: str, panel: dict, context: _Context) -> None:
    add, used = context.add, context.used
    kind = panel.get("type")
    title = panel.get("title")
    used.extend((ref, f"{pointer}/title") for ref in macros.references(_text(title)))
    if isinstance(panel.get("repeat"), str) and panel["repeat"]:
        used.append((panel["repeat"], f"{pointer}/repeat"))
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
        unit = _unit(panel)
        if not unit:
            add(PanelUnit, pointer, f"{label} has no unit")
        elif not isinstance(unit, str) or not is_unit(unit):
            add(PanelUnit, pointer, f"{label}: `{unit}` is not a Grafana unit")
    targets = [t for t in panel.get("targets") or [] if isinstance(t, dict)]
    if not targets and not panel.get("libraryPanel"):
        add(PanelNoTargets, pointer, f"{label} has no queries")
    if targets:
        _datasource_ref(panel.get("datasource"), pointer, label, context)
    for i, target in enumerate(panel.get("targets") or []):
        if not isinstance(target, dict):
            continue
        target_pointer = f"{pointer}/targets/{i}"
        if target.get("datasource") is not None:  # a query without one runs on the panel's
            _datasource_ref(target["datasource"], target_pointer, label, context)
        for field in ("expr", "legendFormat", "interval"):
            if isinstance(target.get(field), str):
                used.extend((ref, f"{target_pointer}/{field}") for ref in macros.references(target[field]))
        expr = target.get("expr")
        if isinstance(expr, str) and expr.strip() and context.languages.of_target(panel, target) == PROMQL:
            _promql(expr, target_pointer, f"{label}, query {target.get('refId') or i + 1}", context)


def _datasource_ref(ref, pointer: str, label: str, context: _Context) -> None:
    add = context.add
    uid = ref.get("uid") if isinstance(ref, dict) else ref
    names = macros.references(uid) if isinstance(uid, str) else []
    context.used.extend((n, f"{pointer}/datasource") for n in names)
    if isinstance(uid, str) and uid.strip().lower() in SPECIAL_UIDS:
        return  # -- Mixed --, -- Grafana --, -- Dashboard --, expressions: no datasource to pick
    inputs = [n for n in names if n in context.languages.inputs and n not in context.datasource_vars]
    at = f"{pointer}/datasource"
    if ref is None or (isinstance(ref, dict) and not uid):
        add(PanelDatasource, at, f"{label} uses the default datasource; use the `datasource` variable "
                                 "(`{type: prometheus, uid: ${datasource}}`)")
    elif inputs:
        add(PanelDatasource, at, f"{label}: `{uid}` is an import input: after the import the panel is tied to the "
                                 "datasource chosen then; use the `datasource` variable")
    elif not names:
        add(PanelDatasource, at, f"{label} is tied to the datasource `{uid}`; use the `datasource` variable")
    elif context.datasource_vars and not any(n in context.datasource_vars for n in names):
        add(PanelDatasource, at, f"{label}: `{uid}` is not a datasource variable")


def _promql(expr: str, pointer: str, label: str, context: _Context):
    from obslint.promql.parse import parse_expr

    add = context.add
    text, to_original = macros.substitute_mapped(expr)
    parsed = parse_expr(text, context.config.prometheus_version, features=context.config.enable_features)
    if not parsed.ok:
        problem = parsed.problems[0]
        offset = to_original(problem.offset) if problem.offset is not None else None
        line, column = _position(context, pointer, offset)
        context.add_at(TargetPromql, line, column, f"{label}: the PromQL does not parse (variables substituted): "
                                                  f"{problem.message}", None, subject_of(context.compiled.doc, pointer))
        return None
    for node in parsed.nodes:
        if type(node).__name__ == "Call" and node.func.name in ("rate", "irate") and node.args \
                and type(node.args[0]).__name__ == "MatrixSelector" and node.args[0].range != macros.RATE_INTERVAL:
            add(RateInterval, pointer, f"{label}: {node.func.name}() over a fixed range; use `[$__rate_interval]` so "
                                       "the range follows the scrape interval and the zoom")
    for node in raw_counters(parsed.nodes, context.config.catalog_types):
        add(CounterWithoutRate, pointer, f"{label}: the counter `{node.name}` is shown raw; wrap it in rate() or "
                                         "increase()")
    return parsed


def _position(context: _Context, pointer: str, offset: int | None) -> tuple[int, int]:
    """Where character `offset` of a target's expr is: inside the JSON string, or inside the Python string
    literal passed to the grafanalib Target at the target's line; else the target's line."""
    compiled = context.compiled
    if f"{pointer}/expr" in compiled.strings or context.path is None or context.path.suffix != ".py":
        return compiled.position_in(f"{pointer}/expr", offset)
    line = compiled.line_of(pointer)
    literal = pysource.expr_literal(context.path, line) if offset is not None else None
    if literal is None:
        return line, 1
    literal_line, column, source = literal
    return literal_line, column + pysource.literal_index(source, offset)


LABEL_OR_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\$\w+|\$\{\w+(?::[^}]*)?\}|\[\[\w+\]\]")


def _variable(pointer: str, variable: dict, context: _Context) -> None:
    add, used = context.add, context.used
    datasource = variable.get("datasource")
    if isinstance(datasource, dict):
        used.extend((n, pointer) for n in macros.references(_text(datasource.get("uid"))))
    elif isinstance(datasource, str):
        used.extend((n, pointer) for n in macros.references(datasource))
    query = variable.get("query")
    query_pointer = f"{pointer}/query"
    if isinstance(query, dict):
        query, query_pointer = query.get("query"), f"{pointer}/query/query"
    if not isinstance(query, str):
        return
    used.extend((n, query_pointer) for n in macros.references(query) if n != variable.get("name"))
    if variable.get("type") != "query" or not query.strip() or context.languages.of_variable(variable) != PROMQL:
        return
    from obslint.promql.parse import parse_expr

    def report(problem: str) -> None:
        add(VariableQuery, query_pointer, f"the query of variable `{name}` {problem}")

    version, features = context.config.prometheus_version, context.config.enable_features
    m = VARIABLE_FUNCTIONS.match(query)
    name = variable.get("name")
    if m is None:  # Grafana asks Prometheus for the series that match: a series selector
        parsed = parse_expr(macros.substitute(query), version, features=features)
        if not parsed.ok:
            report(f"is neither label_values(), label_names(), metrics(), query_result() nor a series selector: "
                   f"{parsed.problems[0].message}")
        elif type(parsed.ast).__name__ != "VectorSelector":
            report("is neither label_values(), label_names(), metrics(), query_result() nor a series selector")
        return
    fn, arg = m.group("fn"), m.group("arg").strip()
    problem = None
    if fn == "label_values":
        parts = split_last_comma(arg)
        label = parts[-1].strip()
        if not LABEL_OR_VARIABLE.fullmatch(label):
            problem = f"`{label}` is not a label name"
        elif len(parts) == 2:
            parsed = parse_expr(macros.substitute(parts[0]), version, features=features)
            if not parsed.ok:
                problem = parsed.problems[0].message
    elif fn in ("label_names",) and arg:
        parsed = parse_expr(macros.substitute(arg), version, features=features)
        problem = None if parsed.ok else parsed.problems[0].message
    elif fn == "query_result":
        parsed = parse_expr(macros.substitute(arg), version, features=features)
        problem = None if parsed.ok else parsed.problems[0].message
    if problem:
        report(f"({fn}): {problem}")


def _grid(doc: dict, add) -> None:
    """gridPos beyond the 24 columns (Grafana moves the panel left) and panels that overlap (Grafana moves
    the later one down); top level only, rows' own panels apart."""
    placed = []
    panels = doc.get("panels")
    for i, panel in enumerate(panels if isinstance(panels, list) else []):
        grid = panel.get("gridPos") if isinstance(panel, dict) else None
        if not isinstance(grid, dict) or not all(isinstance(grid.get(k), int) for k in "hwxy"):
            continue
        pointer = f"/panels/{i}"
        if panel.get("type") == "row":
            grid = {**grid, "x": 0, "w": 24, "h": 1}  # Grafana draws a row across the grid, one unit high
        elif grid["w"] > 0 and (grid["x"] < 0 or grid["x"] + grid["w"] > 24):  # moved as Grafana's grid does
            x, w = max(0, 24 - grid["w"]), min(grid["w"], 24)
            x, w = (0, 24) if grid["x"] + grid["w"] <= 24 or grid["w"] > 24 else (x, w)
            where = f"ends at column {grid['x'] + grid['w']} (x + w > 24)" if grid["x"] >= 0 \
                else f"starts at x={grid['x']}"
            add(GridPosition, pointer,
                f"panel `{panel.get('title', '')}` {where}; Grafana shows it at x={x}, {w} wide")
            grid = {**grid, "x": x, "w": w}
        for other_pointer, other, title in placed:
            if grid["x"] < other["x"] + other["w"] and other["x"] < grid["x"] + grid["w"] \
                    and grid["y"] < other["y"] + other["h"] and other["y"] < grid["y"] + grid["h"]:
                add(GridPosition, pointer,
                    f"panel `{panel.get('title', '')}` overlaps panel `{title}` ({other_pointer}); Grafana moves it "
                    "down, so the layout is not the one written")
                break
        placed.append((pointer, grid, panel.get("title", "")))


# --- across dashboards ------------------------------------------------------------------------------

def _copies(one: dict, other: dict) -> bool:
    """Two files holding one dashboard: the same title and the same uid (or none)."""
    return one.get("title") == other.get("title") and (one.get("uid") or None) == (other.get("uid") or None)


@runs("dashboards", DashboardDuplicate)
def cross_check(dashboards: list[Dashboard], collectors: Collectors) -> None:
    """Duplicate uids across the project's dashboards, and duplicate titles in one folder (Grafana flips
    between them). A dashboard's folder is its file's directory, as the provisioning of files by their
    folder structure and `obslint build`'s folder annotation have it."""
    for key in ("uid", "title"):
        seen: dict[str, list[Dashboard]] = {}
        for dashboard in dashboards:
            value = dashboard.compiled.doc.get(key)
            if not isinstance(value, str) or not value:
                continue
            earlier = seen.setdefault(value, [])
            copies = [o for o in earlier
                      if o.path != dashboard.path and _copies(o.compiled.doc, dashboard.compiled.doc)]
            # a clash that an earlier copy of this dashboard has with the same one is said already
            other = next((o for o in earlier if _clashes(key, o, dashboard)
                          and not any(_clashes(key, o, c) for c in copies)), None)
            earlier.append(dashboard)
            if other is not None:
                collectors.get(dashboard.shown, None).add(
                    DashboardDuplicate, dashboard.compiled.line_of(""), 1,
                    f"{key} `{value}` is also the {key} of a dashboard in {other.shown}:{other.compiled.line_of('')}",
                    subject=subject_of(dashboard.compiled.doc, ""))


def _clashes(key: str, one: Dashboard, other: Dashboard) -> bool:
    """Whether two dashboards with the same uid or title clash: not copies of one dashboard, and (for a
    title) in one folder: Grafana wants titles unique within a folder, uids within the whole instance."""
    if one.path != other.path and _copies(one.compiled.doc, other.compiled.doc):
        return False
    return key == "uid" or one.path == other.path or Path(one.path).parent == Path(other.path).parent


