"""Where findings on grafanalib dashboards point: each object at the line of the user's code that built it,
however it is nested (Row(panels=[...]), RowPanel, helper lists, the user's own attrs subclasses) and
whatever grafanalib copies it into (Row's span balancing, auto_panel_ids()); a PromQL syntax error inside
the string literal of the query. Real files: tests/data/realworld/ (see its SOURCES.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import DATA, dashboard_project

from obslint.config import Config
from obslint.core.findings import Severity
from obslint.engine.lint import lint_paths

REAL = DATA / "realworld"
EXAMPLES = REAL / "grafanalib-examples/grafanalib/tests/examples"
PERF = REAL / "perf-tests-network/clusterloader2/pkg/prometheus/manifests/dashboards"


def lint_copies(tmp_path: Path, *sources: Path) -> list:
    root = dashboard_project(tmp_path, {})
    (root / "dashboards_py").mkdir(parents=True, exist_ok=True)
    for source in sources:
        shutil.copyfile(source, root / "dashboards_py" / source.name)
    return lint_paths([root / "dashboards_py" / sources[0].name], Config(root=root))


def line_of(path: Path, text: str, after: int = 0) -> int:
    """The first line (1-based) after line `after` that contains `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if i > after and text in line)


def test_panels_renumbered_by_auto_panel_ids_keep_their_own_lines(tmp_path):
    source = EXAMPLES / "example.dashboard.py"  # Dashboard(panels=[TimeSeries(...), ...]).auto_panel_ids()
    found = lint_copies(tmp_path, source)
    datasource = {f.line for f in found if f.code == "D004"}  # each panel's fixed `dataSource=...`
    starts = {line_of(source, "TimeSeries("), line_of(source, "GaugePanel("),
              line_of(source, "TimeSeries(", line_of(source, "GaugePanel("))}
    assert starts <= datasource and line_of(source, ").auto_panel_ids()") not in datasource


def test_panels_of_legacy_rows_and_of_the_users_attrs_subclasses_keep_their_own_lines(tmp_path):
    # d.Graph is `@attr.s class Graph(g.Graph)`, in lists passed to d.Row(panels=...); the Dashboard
    # is copied by auto_panel_ids()
    source = PERF / "network.dashboard.py"
    found = lint_copies(tmp_path, source, PERF / "defaults.py")
    deprecated = sorted(f.line for f in found if f.code == "D017")
    lines = source.read_text(encoding="utf-8").splitlines()
    graphs = [i for i, line in enumerate(lines, 1) if line.strip().startswith(("d.Graph(", "d.simple_graph("))]
    assert deprecated == graphs and len(graphs) == 11  # d.simple_graph() builds some in defaults.py
    [uid] = [f for f in found if f.code == "D016"]
    assert uid.line == line_of(source, "dashboard = d.Dashboard(")


NESTED = '''from grafanalib.core import Dashboard, Graph, Row, Target

dashboard = Dashboard(
    title="Nested", uid="nested",
    rows=[
        Row(panels=[
            Graph(
                title="A",
                dataSource="Prometheus",
                targets=[
                    Target(expr="up"),
                    Target(
                        refId="B",
                        expr='sum(rate(http_requests_total{job="api"}[5m])) ~ 2',
                    ),
                ],
            ),
            Graph(title="B",
                  targets=[Target(expr="sum(rate(x_total[$__rate_interval])) ~ 3")]),
        ]),
    ],
)
'''


def test_objects_nested_in_a_row_are_at_their_own_lines_and_promql_errors_inside_the_literal(tmp_path):
    root = dashboard_project(tmp_path, {"nested.py": NESTED})
    found = lint_paths([root], Config(root=root))
    assert [f.line for f in found if f.code == "D004"] == [7]  # Graph(, not Row(
    assert sorted(f.line for f in found if f.code == "D017") == [7, 18]
    errors = sorted((f.line, f.column) for f in found if f.code == "D008")
    lines = NESTED.splitlines()
    assert [lines[line - 1][column - 1:column + 2] for line, column in errors] == ["~ 2", "~ 3"]
    assert [line for line, _ in errors] == [14, 19]

    # a query that is not a literal: at the Target( line, the text of the query is elsewhere
    text = NESTED.replace("expr='sum(rate(http_requests_total{job=\"api\"}[5m])) ~ 2'", "expr=QUERY") \
        .replace("dashboard = Dashboard(", "QUERY = 'up ~ 1'\n\ndashboard = Dashboard(")
    root = dashboard_project(tmp_path / "variable", {"nested.py": text})
    errors = sorted((f.line, f.column) for f in lint_paths([root], Config(root=root)) if f.code == "D008")
    assert errors[0] == (14, 1)


def test_non_prometheus_targets_of_grafanalib_dashboards_are_not_promql(tmp_path):
    for name in ("example-elasticsearch.dashboard.py", "example.dashboard-with-sql.py"):
        found = lint_copies(tmp_path / name, EXAMPLES / name)
        assert [f for f in found if f.severity == Severity.ERROR] == []


COPIED = '''import copy
from copy import deepcopy

from grafanalib.core import Dashboard, Graph, Row, Target

PANELS = [
    Graph(title="A", targets=[Target(expr="rate(a_total[5m])")]),
    Graph(title="B", targets=[Target(expr="rate(b_total[5m])")]),
]


def secondary(panels):  # kubernetes/perf-tests' master-comparison.dashboard.py does this
    out = []
    for panel in panels:
        out.append(deepcopy(panel))
        shifted = copy.copy(panel)
        shifted.title = "[SECONDARY] " + panel.title
        out.append(shifted)
    return out


dashboard = Dashboard(
    title="Copies", uid="copies",
    rows=[Row(panels=secondary(PANELS))],
).auto_panel_ids()
'''


def test_panels_copied_by_the_users_code_keep_the_line_that_built_them(tmp_path):
    root = dashboard_project(tmp_path, {"copies.py": COPIED})
    found = lint_paths([root], Config(root=root))
    lines = COPIED.splitlines()
    rates = sorted((f.line, f.message.split("`")[1]) for f in found if f.code == "D009")
    assert rates == [(7, "A"), (7, "[SECONDARY] A"), (8, "B"), (8, "[SECONDARY] B")]
    assert lines[6].strip().startswith('Graph(title="A"')
