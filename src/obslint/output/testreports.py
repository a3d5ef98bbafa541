"""The reports of test runs, as text and JSON: `obslint route-test`'s routing tests and `obslint test`'s
rule unit tests (their JUnit XML is obslint.output.junit)."""

from __future__ import annotations

import json

from obslint.output.previews import previews_text
from obslint.ruletests.coverage import AlertCoverage
from obslint.ruletests.promtool import FileResult, _items, counts


def routing_report_text(run, show_coverage: bool = True) -> str:
    """A routing test run (obslint.commands.route_test.TestRun) as text: PASS/FAIL per case, coverage."""
    out = []
    for path, results in run.files:
        for r in results:
            if r.passed:
                out.append(f"PASS {path}:{r.case.line} {r.case.name}")
            else:
                out.append(f"FAIL {path}:{r.case.line} {r.case.name}")
                out.extend(f"    {failure}" for failure in r.failures)
                out.append(f"    labels: {json.dumps(r.case.labels, sort_keys=True)}")
                out.append("    path:   " + " -> ".join(
                    f"{route.label} [{route.path}, line {route.line}]" for route, _ in r.tree))
            if r.notifications is not None:
                out.extend("    " + line for line in previews_text(r.notifications).splitlines())
    for message in run.errors.values():
        out.append(f"ERROR {message}")
    out.append(f"{run.passed} passed, {run.failed} failed")
    if show_coverage and run.coverage is not None:
        cov = run.coverage
        out.append(f"coverage: {cov.percent:.1f}% ({len(cov.routes_hit)}/{len(cov.routes)} routes, "
                   f"{len(cov.rules_hit)}/{len(cov.rules)} inhibit rules)")
        for route in cov.missed_routes():
            out.append(f"    untested route {route.path} (line {route.line}) {route.label}")
        for rule in cov.missed_rules():
            out.append(f"    untested inhibit rule {rule.title} (line {rule.node.line})")
    return "\n".join(out) + "\n"


def routing_report_json(run) -> str:
    return json.dumps({
        "passed": run.passed, "failed": run.failed,
        "files": [{"file": path, "cases": [{"name": r.case.name, "line": r.case.line, "passed": r.passed,
                                            "failures": r.failures, "receivers": r.result.receivers,
                                            **({"notifications": [n.to_json() for n in r.notifications]}
                                               if r.notifications is not None else {})}
                                           for r in results]} for path, results in run.files],
        "errors": run.errors,
        "coverage": run.coverage.to_json() if run.coverage is not None else None,
    }, indent=2) + "\n"


def unittest_report_json(results: list[FileResult], coverage: AlertCoverage | None) -> dict:
    passed, failed = counts(results)
    groups = []
    for r in results:
        if r.error:
            groups.append({"file": str(r.path), "name": "(file)", "line": 1, "status": "error",
                           "failures": [{"kind": "error", "error": r.error}]})
        for g in r.groups:
            groups.append({"file": str(r.path), "name": g.group.name, "line": g.group.line,
                           "status": "passed" if g.passed else "failed",
                           "failures": [{"kind": f.kind, "subject": f.subject, "time": f.time,
                                         "expected": _items(f.expected), "got": _items(f.got), "error": f.error}
                                        for f in g.failures]})
    return {"passed": passed, "failed": failed, "groups": groups,
            "coverage": coverage.to_json() if coverage else None}


def unittest_report_text(results: list[FileResult], coverage: AlertCoverage | None) -> str:
    out = []
    for r in results:
        if r.error:
            out.append(f"ERROR {r.path}: the file does not run:")
            out.extend("    " + line for line in r.error.splitlines())
        for g in r.groups:
            label = g.group.name or f"group {g.group.index + 1}"
            out.append(f"{'PASS' if g.passed else 'FAIL'} {r.path}:{g.group.line} {label}")
            for f in g.failures:
                line = g.group.line_of(f)
                out.append(f"    {f.kind} {f.subject!s} at {f.time} ({r.path}:{line})")
                out.extend("      " + d for d in f.diff().splitlines())
            if not g.passed and not g.failures:
                out.extend("    " + line for line in g.output.strip().splitlines())
    passed, failed = counts(results)
    out.append(f"{passed} group(s) passed, {failed} failed")
    if coverage is not None:
        out.append(f"alert coverage: {coverage.percent:.1f}% of {len(coverage.alerts)} alerts tested firing and "
                   f"not firing; recording rules read by expression tests: {len(coverage.recording_tested)}/"
                   f"{len(coverage.recording)}")
        for name in coverage.untested:
            what = [w for w, s in (("firing", coverage.fired), ("not firing", coverage.quiet)) if name not in s]
            out.append(f"    untested {name}: no test shows it {' or '.join(what)}")
    return "\n".join(out) + "\n"
