"""`obslint test`: promtool's rule unit tests run by the real promtool (obslint.ruletests.promtool), checked
first for what makes a test prove nothing (obslint.checks.unittest_lint), with structured results, JUnit
XML and coverage."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path

from obslint.config import Config
from obslint.ruletests.coverage import AlertCoverage, alert_coverage
from obslint.ruletests.model import TestFile, TestRunError, read_test_file, resolve_rule_files


@dataclass
class TestCommandResult:
    out: str  # the report (standard output)
    err: str  # the static findings and messages (standard error)
    exit_code: int  # 0 all pass, 1 a failing test (or coverage under the bar), 2 promtool missing or bad input


def coverage_of(tests: list[TestFile], rule_paths: list[Path], config: Config) -> AlertCoverage:
    """Coverage of the rules the tests read and of `rule_paths`."""
    from obslint.checks.rulefmt import load_file

    paths = resolve_rule_files(tests)
    paths += [p for p in rule_paths if p not in paths]
    names: dict[str, list[str]] = {"alert": [], "record": []}
    for path in paths:
        rule_file, _ = load_file(path, Config())
        for rule in rule_file.rules if rule_file is not None else []:
            if rule.name and rule.name not in names[rule.kind]:
                names[rule.kind].append(rule.name)
    from obslint.ruletests.promtool import installed_version

    # the expressions are the promtool's that runs them, with the server's flags
    return alert_coverage(tests, names["alert"], names["record"],
                          installed_version() or config.prometheus_version, config.enable_features)


def run(paths: list[Path], config: Config, fmt: str = "text", junit: Path | None = None,
        run_regex: str | None = None, fail_under: float | None = None) -> TestCommandResult:
    from obslint.core.fileio import write_atomic
    from obslint.core.findings import Severity
    from obslint.core.paths import display_path
    from obslint.engine.discover import discover
    from obslint.engine.lint import lint_paths
    from obslint.output.reporters import render
    from obslint.output.testreports import unittest_report_json, unittest_report_text
    from obslint.ruletests.promtool import counts, run_tests

    targets = discover(list(paths) or [config.root], config, by_content=False)
    files = [t.path for t in targets if t.kind == "rule-tests" or (paths and t.explicit)]
    if not files:
        return TestCommandResult("", "obslint: no unit-test files (give them as arguments, or put them in "
                                     "rules/tests/)\n", 2)
    if run_regex is not None:
        try:
            re.compile(run_regex)
        except re.error as exc:
            return TestCommandResult("", f"obslint: --run: {exc}\n", 2)
    static = lint_paths(files, config)  # what makes a test prove nothing, before promtool runs it
    err = render(static, "text") if static and fmt != "github" else ""
    try:
        tests = [read_test_file(p) for p in files]
        results = run_tests(tests, run_regex)
    except TestRunError as exc:
        return TestCommandResult("", err + f"obslint: {exc}\n", 2)
    # every report shows the test files relative to the repository's root
    results = [dataclasses.replace(r, path=Path(display_path(r.path, config.display_root))) for r in results]
    project_rules = [] if paths else [t.path for t in targets if t.kind == "rules"]
    coverage = coverage_of(tests, project_rules, config)
    if junit is not None:
        write_atomic(junit, junit_report(results))
    if fmt == "github":
        out = render(static, "github") + github_report(results)
    elif fmt == "json":
        out = json.dumps(unittest_report_json(results, coverage), indent=2) + "\n"
    else:
        out = unittest_report_text(results, coverage)
    _, failed = counts(results)
    if failed or any(f.severity == Severity.ERROR for f in static):
        return TestCommandResult(out, err, 1)
    if fail_under is not None and coverage.percent < fail_under:
        return TestCommandResult(out, err + f"alert coverage {coverage.percent:.1f}% is under --fail-under "
                                            f"{fail_under:g}%\n", 1)
    return TestCommandResult(out, err, 0)


def junit_report(results) -> bytes:
    """The unit tests as JUnit XML: a suite per test file, a test case per test group. promtool runs a
    file's groups in one process: the suite's time is that run's, shared equally by its groups."""
    from obslint.output.junit import Case, Suite, junit_xml

    suites = []
    for result in results:
        path = str(result.path)
        if result.error:
            suites.append(Suite(path, [Case("(file)", path, error=(result.error.splitlines()[0], result.error),
                                            time=result.seconds)], file=path, time=result.seconds))
            continue
        cases = []
        share = result.seconds / len(result.groups) if result.groups else 0.0
        for g in result.groups:
            failure = None
            if not g.passed:
                text = "\n".join(f"{f.kind} {f.subject} at {f.time}:\n{f.diff()}" for f in g.failures)
                failure = (f"{len(g.failures)} failure(s)", text or g.output)
            cases.append(Case(g.group.name or f"group {g.group.index + 1}", path, g.group.line, failure=failure,
                              time=share))
        suites.append(Suite(path, cases, file=path, time=result.seconds))
    return junit_xml("obslint test", suites)


def github_report(results) -> str:
    """The unit tests as GitHub Actions annotations: an error at each failure of a group (at its test
    case's line), at each group that failed without one, at each file that does not run; then the counts."""
    from obslint.output.reporters import annotation
    from obslint.ruletests.promtool import counts

    lines = []
    for r in results:
        if r.error:
            lines.append(annotation("error", str(r.path), 1, None, "obslint test: the file does not run", r.error))
        for g in r.groups:
            label = g.group.name or f"group {g.group.index + 1}"
            for f in g.failures:
                lines.append(annotation("error", str(r.path), g.group.line_of(f), None, f"obslint test: {label}",
                                        f"{f.kind} {f.subject} at {f.time}:\n{f.diff()}"))
            if not g.passed and not g.failures:
                lines.append(annotation("error", str(r.path), g.group.line, None, f"obslint test: {label}",
                                        g.output.strip() or "failed"))
    passed, failed = counts(results)
    lines.append(f"{passed} group(s) passed, {failed} failed")
    return "\n".join(lines) + "\n"
