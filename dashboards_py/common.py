"""Shared pieces of the platform's dashboards: the datasource and filter variables, and panel helpers
that fix the conventions (the `datasource` variable everywhere, a unit on every panel, a grid)."""

from grafanalib.core import GridPos, Heatmap, RowPanel, Stat, Target, Template, TimeSeries

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


def datasource_variable() -> Template:
    return Template(name="datasource", label="Data source", type="datasource", query="prometheus")


def query_variable(name: str, label: str, query: str) -> Template:
    """A multi-value filter with "All", refreshed when the time range changes."""
    return Template(name=name, label=label, query=query, dataSource=DATASOURCE, multi=True, includeAll=True,
                    refresh=2)


def row(title: str, y: int) -> RowPanel:
    return RowPanel(title=title, gridPos=GridPos(h=1, w=24, x=0, y=y))


def timeseries(title: str, description: str, unit: str, queries: list[tuple[str, str]], x: int, y: int,
               w: int = 12, h: int = 8) -> TimeSeries:
    return TimeSeries(title=title, description=description, unit=unit, dataSource=DATASOURCE,
                      gridPos=GridPos(h=h, w=w, x=x, y=y),
                      targets=[Target(expr=expr, legendFormat=legend) for expr, legend in queries])


def stat(title: str, description: str, unit: str, expr: str, x: int, y: int, w: int = 6, h: int = 4) -> Stat:
    return Stat(title=title, description=description, format=unit, dataSource=DATASOURCE,
                gridPos=GridPos(h=h, w=w, x=x, y=y), reduceCalc="lastNotNull", targets=[Target(expr=expr)])


def heatmap(title: str, description: str, expr: str, x: int, y: int, w: int = 12, h: int = 8) -> Heatmap:
    return Heatmap(title=title, description=description, dataSource=DATASOURCE, dataFormat="tsbuckets",
                   gridPos=GridPos(h=h, w=w, x=x, y=y),
                   targets=[Target(expr=expr, legendFormat="{{le}}", format="heatmap")])
