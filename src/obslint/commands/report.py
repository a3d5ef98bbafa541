"""`obslint report`: one self-contained HTML page (no scripts, no external resources) and a Markdown
version, for a team lead: the alert-to-receiver matrix, the routing tree, route and unit-test
coverage, the recording-rule dependency graph, and the findings' counts.

`gather` collects the data (plain values a test can inspect); obslint.output.html renders it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from obslint.config import Config


@dataclass
class AlertRow:
    name: str
    severity: str
    team: str
    path: str
    line: int
    sure: list[str]  # receivers it surely reaches
    possible: list[str]  # more receivers it may reach, depending on its query's labels


@dataclass
class RouteNode:
    label: str
    receiver: str
    continue_: bool
    line: int
    tested: bool | None  # by the routing tests (None: no routing tests)
    reached_by: int  # alerts that may reach it
    children: list[RouteNode] = field(default_factory=list)


@dataclass
class Report:
    project: str
    receivers: list[str] = field(default_factory=list)
    paging: list[str] = field(default_factory=list)
    alerts: list[AlertRow] = field(default_factory=list)
    tree: RouteNode | None = None
    route_coverage: dict | None = None
    unit_coverage: dict | None = None
    recording: list[tuple[str, list[str]]] = field(default_factory=list)  # rule -> readers
    findings: dict[str, int] = field(default_factory=dict)  # severity -> count


def gather(config: Config) -> Report:
    from obslint.commands.route_test import RouteTestError, project_test_files, run_test_files
    from obslint.crossref.alerts import paging_receivers, route
    from obslint.dashboards.model import series_read
    from obslint.engine.discover import discover
    from obslint.engine.lint import analyse

    report = Report(project=str(config.root.resolve().name))
    targets = discover([config.root], config, by_content=False)
    analysis = analyse([config.root], config)
    project = analysis.project
    facts, dashboards = project.facts, project.dashboards
    alerts = project.alerts()
    for finding in analysis.findings:
        report.findings[str(finding.severity)] = report.findings.get(str(finding.severity), 0) + 1

    model = am_path = None
    if project.alertmanager is not None:
        _, source, model = project.alertmanager
        am_path = Path(source)
    reach: dict[int, int] = {}
    if model is not None:
        report.receivers = sorted(model.receivers)
        report.paging = sorted(paging_receivers(model, config))
        by_id = {id(r): r for r in model.routes()}
        for alert in alerts:
            routing = route(model.root, alert)
            sure = sorted({r.receiver for r in routing.sure})
            possible = sorted({by_id[i].receiver for i in routing.possible if not by_id[i].routes} - set(sure))
            for i in routing.possible:
                reach[i] = reach.get(i, 0) + 1
            report.alerts.append(AlertRow(alert.name, alert.static.get("severity", ""), alert.static.get("team", ""),
                                          alert.path, alert.line, sure, possible))
        tested = None
        tests = project_test_files(config)
        if tests:
            try:
                run = run_test_files(tests, config, am_path)
                if run.coverage is not None:  # the test run loads its own model: match routes by path
                    tested = {r.path for r in run.coverage.routes if id(r) in run.coverage.routes_hit}
                    report.route_coverage = run.coverage.to_json()
            except RouteTestError:
                pass
        report.tree = _tree(model.root, tested, reach)
    else:
        report.alerts = [AlertRow(a.name, a.static.get("severity", ""), a.static.get("team", ""), a.path, a.line,
                                  [], []) for a in alerts]
    report.unit_coverage = _unit_coverage(config, targets)
    readers: dict[str, list[str]] = {f.name: [] for f in facts if f.kind == "record"}
    for fact in facts:
        for name in fact.reads:
            if name in readers:
                readers[name].append(f"{fact.kind} {fact.name}")
    for dashboard in dashboards:
        title = dashboard.compiled.doc.get("title", dashboard.shown)
        for name in series_read(dashboard.compiled.doc, config):
            if name in readers:
                readers[name].append(f"dashboard {title}")
    report.recording = sorted((name, sorted(set(r))) for name, r in readers.items())
    return report


def _tree(route, tested: set[str] | None, reach: dict[int, int]) -> RouteNode:
    return RouteNode(route.label, route.receiver, route.continue_, route.line,
                     None if tested is None else route.path in tested, reach.get(id(route), 0),
                     [_tree(child, tested, reach) for child in route.routes])


def _unit_coverage(config: Config, targets) -> dict | None:
    from obslint.commands.test import coverage_of
    from obslint.ruletests.model import TestRunError, read_test_file

    files = [t.path for t in targets if t.kind == "rule-tests"]
    if not files:
        return None
    try:
        tests = [read_test_file(p) for p in files]
    except TestRunError:
        return None
    return coverage_of(tests, [t.path for t in targets if t.kind == "rules"], config).to_json()


def write(report: Report, html_path: Path | None, markdown_path: Path | None) -> None:
    from obslint.core.fileio import write_atomic
    from obslint.output.html import html, markdown

    if html_path is not None:
        write_atomic(html_path, html(report).encode("utf-8"))
    if markdown_path is not None:
        write_atomic(markdown_path, markdown(report).encode("utf-8"))
