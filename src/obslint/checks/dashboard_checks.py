"""Dashboard checks: what makes a grafanalib or JSON dashboard fail to load, load half-broken, or
mislead. Reported by obslint.dashboards.lint at the dashboard's source file and, where known, the line
that built the panel or query. Examples are dashboard files in `dashboards_py/`."""

from obslint.checks.registry import Check, register
from obslint.findings import Severity


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
    """Finds a counter (a `_total` series) shown raw, not inside a range function such as rate() or increase().

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
    """Finds two dashboards of the project with the same uid or the same title.

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
    """Finds a dashboard without a uid, or with a uid longer than 40 characters or with characters other than
    letters, digits, `-` and `_`.

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
