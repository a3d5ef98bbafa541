"""The project report (obslint.commands.report.Report) as one self-contained HTML page, no scripts and no
external resources, and as Markdown."""

from __future__ import annotations

import html as h

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


def html(report) -> str:
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


def _html_route(node) -> str:
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


def markdown(report) -> str:
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


def _md_route(node, depth: int) -> list[str]:
    tested = "" if node.tested is None else (" (tested)" if node.tested else " (**untested**)")
    lines = [f"{'  ' * depth}- `{node.label}` → **{node.receiver}**{tested}, {node.reached_by} alert(s)"
             + (", continue" if node.continue_ else "")]
    for child in node.children:
        lines += _md_route(child, depth + 1)
    return lines


