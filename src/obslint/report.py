"""`obslint report`: one self-contained HTML page (no scripts, no external resources) and a Markdown
version, for a team lead: the alert-to-receiver matrix, the routing tree, route and unit-test
coverage, the recording-rule dependency graph, and the findings' counts.

`gather` collects the data (plain values a test can inspect); `html` and `markdown` render it.
"""

from __future__ import annotations

import html as h
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
    from obslint import crosschecks, lint
    from obslint.dashboards.lint import series_read
    from obslint.project import discover
    from obslint.routing import RouteTestError, load_model, project_config_file, project_test_files, run_test_files

    report = Report(project=str(config.root.resolve().name))
    targets = discover([config.root], config)
    analysis = lint.analyse([config.root], config)
    facts, dashboards = analysis.facts, analysis.dashboards
    alerts = crosschecks.alerts_of(facts, config)
    for finding in analysis.findings:
        report.findings[str(finding.severity)] = report.findings.get(str(finding.severity), 0) + 1

    model = None
    am_path = project_config_file(config)
    if am_path is not None:
        try:
            model = load_model(am_path, config)
        except RouteTestError:
            model = None
    reach: dict[int, int] = {}
    if model is not None:
        report.receivers = sorted(model.receivers)
        report.paging = sorted(crosschecks.paging_receivers(model, config))
        by_id = {id(r): r for r in model.routes()}
        for alert in alerts:
            routing = crosschecks.route(model.root, alert)
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
    from obslint import ruletests

    files = [t.path for t in targets if t.kind == "rule-tests"]
    if not files:
        return None
    try:
        tests = [ruletests.read_test_file(p) for p in files]
    except ruletests.TestRunError:
        return None
    rule_paths = ruletests.resolve_rule_files(tests)
    rule_paths += [t.path for t in targets if t.kind == "rules" and t.path not in rule_paths]
    return ruletests.alert_coverage(tests, rule_paths).to_json()


# --- rendering --------------------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d2330; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccd; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { border: 1px solid #ccd; padding: 0.25rem 0.5rem; text-align: left; }
th.rot { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
td.sure { background: #2f8f4e; color: white; text-align: center; }
td.maybe { background: #f0c24b; text-align: center; }
td.none { background: #f6d5d5; }
.pager { font-weight: bold; }
ul.tree, ul.tree ul { list-style: none; padding-left: 1.2rem; border-left: 1px dashed #99a; }
ul.tree li { margin: 0.2rem 0; }
.tag { display: inline-block; padding: 0 0.35rem; border-radius: 0.3rem; font-size: 0.75rem; }
.ok { background: #d7f0dd; } .miss { background: #f6d5d5; } .info { background: #e3e7f3; }
code { background: #f1f2f6; padding: 0 0.2rem; }
"""


def html(report: Report) -> str:
    e = h.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>obslint report: {e(report.project)}</title>", f"<style>{CSS}</style></head><body>",
           f"<h1>obslint report: {e(report.project)}</h1>",
           "<p>" + ", ".join(f"{n} {e(s)}" for s, n in sorted(report.findings.items())) + (
               " findings" if report.findings else "no findings") + "</p>"]
    out.append("<h2>Alerts and the receivers they reach</h2>")
    if report.receivers:
        out.append('<table><thead><tr><th>alert</th><th>severity</th><th>team</th>')
        out += [f'<th class="rot{" pager" if r in report.paging else ""}">{e(r)}</th>' for r in report.receivers]
        out.append("</tr></thead><tbody>")
        for a in report.alerts:
            cells = []
            for r in report.receivers:
                if r in a.sure:
                    cells.append('<td class="sure" title="surely">&#10003;</td>')
                elif r in a.possible:
                    cells.append('<td class="maybe" title="depending on the query\'s labels">?</td>')
                else:
                    cells.append("<td></td>")
            none = "" if a.sure else ' class="none"'
            out.append(f"<tr><td{none}><code>{e(a.name)}</code></td><td>{e(a.severity)}</td><td>{e(a.team)}</td>"
                       + "".join(cells) + "</tr>")
        out.append("</tbody></table>")
        out.append("<p>&#10003; surely, ? depending on the labels the query returns; bold receivers page.</p>")
    else:
        out.append("<p>No Alertmanager configuration in the project.</p>")
    if report.tree is not None:
        out.append("<h2>Routing tree</h2>")
        if report.route_coverage:
            out.append(f"<p>Routing tests cover {report.route_coverage['percent']}% "
                       f"({report.route_coverage['routes_exercised']}/{report.route_coverage['routes']} routes, "
                       f"{report.route_coverage['inhibit_rules_exercised']}/"
                       f"{report.route_coverage['inhibit_rules']} inhibit rules).</p>")
        out.append('<ul class="tree">' + _html_route(report.tree) + "</ul>")
    if report.unit_coverage:
        u = report.unit_coverage
        out.append("<h2>Rule unit tests</h2>")
        out.append(f"<p>{u['percent']}% of {u['alerts']} alerts are tested firing and not firing; "
                   f"{len(u['recording_rules_tested'])}/{u['recording_rules']} recording rules are read by "
                   "expression tests.</p>")
        if u["untested"]:
            out.append("<p>Untested: " + ", ".join(f"<code>{e(n)}</code>" for n in u["untested"]) + "</p>")
    out.append("<h2>Recording rules and their readers</h2><table><thead><tr><th>recording rule</th>"
               "<th>read by</th></tr></thead><tbody>")
    for name, readers in report.recording:
        cell = "<br>".join(e(r) for r in readers) or '<span class="tag miss">nothing</span>'
        out.append(f"<tr><td><code>{e(name)}</code></td><td>{cell}</td></tr>")
    out.append("</tbody></table></body></html>")
    return "\n".join(out) + "\n"


def _html_route(node: RouteNode) -> str:
    e = h.escape
    tags = []
    if node.tested is not None:
        tags.append('<span class="tag ok">tested</span>' if node.tested else '<span class="tag miss">untested</span>')
    tags.append(f'<span class="tag info">{node.reached_by} alert(s)</span>')
    if node.continue_:
        tags.append('<span class="tag info">continue</span>')
    children = "".join(_html_route(c) for c in node.children)
    return (f"<li><code>{e(node.label)}</code> &rarr; <b>{e(node.receiver)}</b> {' '.join(tags)}"
            + (f"<ul>{children}</ul>" if children else "") + "</li>")


def markdown(report: Report) -> str:
    lines = [f"# obslint report: {report.project}", ""]
    lines.append(", ".join(f"{n} {s}" for s, n in sorted(report.findings.items())) or "no findings")
    lines += ["", "## Alerts and the receivers they reach", ""]
    if report.receivers:
        lines.append("| alert | severity | team | " + " | ".join(report.receivers) + " |")
        lines.append("|---" * (3 + len(report.receivers)) + "|")
        for a in report.alerts:
            marks = ["✓" if r in a.sure else "?" if r in a.possible else "" for r in report.receivers]
            lines.append(f"| `{a.name}` | {a.severity} | {a.team} | " + " | ".join(marks) + " |")
        lines += ["", "✓ surely, ? depending on the labels the query returns."]
    if report.tree is not None:
        lines += ["", "## Routing tree", ""]
        if report.route_coverage:
            lines.append(f"Routing tests cover {report.route_coverage['percent']}%.")
            lines.append("")
        lines += _md_route(report.tree, 0)
    if report.unit_coverage:
        u = report.unit_coverage
        lines += ["", "## Rule unit tests", "",
                  f"{u['percent']}% of {u['alerts']} alerts tested firing and not firing."]
    lines += ["", "## Recording rules and their readers", "", "| recording rule | read by |", "|---|---|"]
    lines += [f"| `{name}` | {', '.join(readers) or '**nothing**'} |" for name, readers in report.recording]
    return "\n".join(lines) + "\n"


def _md_route(node: RouteNode, depth: int) -> list[str]:
    tested = "" if node.tested is None else (" (tested)" if node.tested else " (**untested**)")
    lines = [f"{'  ' * depth}- `{node.label}` → **{node.receiver}**{tested}, {node.reached_by} alert(s)"
             + (", continue" if node.continue_ else "")]
    for child in node.children:
        lines += _md_route(child, depth + 1)
    return lines


def write(report: Report, html_path: Path | None, markdown_path: Path | None) -> None:
    from obslint.fileio import write_atomic

    if html_path is not None:
        write_atomic(html_path, html(report).encode("utf-8"))
    if markdown_path is not None:
        write_atomic(markdown_path, markdown(report).encode("utf-8"))
