"""`obslint route-test` as plain functions: load a config, route label sets, run routing test files."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from obslint import yamlload
from obslint.alertmanager import router
from obslint.alertmanager.matchers import MatcherError, mode_for, parse_entry, parse_label_argument
from obslint.alertmanager.model import AlertmanagerConfig
from obslint.alertmanager.routetests import CaseResult, TestFileError, coverage, read_cases, run_case
from obslint.config import Config
from obslint.core.findings import Finding, Severity
from obslint.core.paths import display_path
from obslint.engine.lint import load_alertmanager
from obslint.output.testreports import routing_report_json, routing_report_text


class RouteTestError(Exception):
    """Bad input to route-test (exit 2): an invalid config, label or test file."""

    def __init__(self, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.findings = findings or []


def load_model(path: Path, config: Config) -> AlertmanagerConfig:
    """The validated model, or RouteTestError with the validation errors (with positions)."""
    if not path.is_file():
        raise RouteTestError(f"{display_path(path, config.display_root)}: no such file")
    from obslint.checks.am_templates import SEND_TIME

    model, findings = load_alertmanager(path, config)
    # a receiver field that fails only when Alertmanager sends does not stop the config from loading: a
    # preview (--render) shows what the failure sends
    send_time = {check.code for check in SEND_TIME}
    errors = [f for f in findings if f.severity == Severity.ERROR and f.code not in send_time]
    if errors or model is None:
        raise RouteTestError(f"{display_path(path, config.display_root)}: the Alertmanager config is invalid", errors)
    return model


def parse_labels(arguments: list[str], config: Config) -> dict[str, str]:
    """`label=value` arguments, as amtool reads them (the last of a repeated label wins)."""
    mode = mode_for(config.alertmanager_version, config.matcher_mode)
    labels: dict[str, str] = {}
    for argument in arguments:
        try:
            name, value = parse_label_argument(argument, mode, config.alertmanager_version)
        except MatcherError as exc:
            raise RouteTestError(f"Failed to parse labels: {exc}") from None
        labels[name] = value
    return labels


def parse_firing(values: list[str], config: Config) -> list[dict[str, str]]:
    """`--firing 'a=b,c=d'`: each a label set written as a matcher list of `=` matchers."""
    mode = mode_for(config.alertmanager_version, config.matcher_mode)
    alerts = []
    for value in values:
        try:
            matchers = parse_entry(value, mode, config.alertmanager_version).matchers
        except MatcherError as exc:
            raise RouteTestError(f"--firing {value!r}: {exc}") from None
        if any(m.op != "=" for m in matchers):
            raise RouteTestError(f"--firing {value!r}: labels must be specified as key=value pairs")
        alerts.append({m.name: m.value for m in matchers})
    return alerts


def tree_text(model: AlertmanagerConfig, labels: dict[str, str]) -> str:
    """The matched branches as amtool's `--tree` draws them."""
    lines = ["Matching routes:", "."]
    matched = router.matched_tree(model.root, labels)
    on_tree = {id(r) for r, _ in matched}
    terminal = {id(r) for r, t in matched if t}

    def draw(route, prefix: str, last: bool) -> None:
        label = route.label + (f"  receiver: {route.receiver}" if id(route) in terminal else "")
        lines.append(prefix + ("└── " if last else "├── ") + label)
        children = [c for c in route.routes if id(c) in on_tree]
        for i, child in enumerate(children):
            draw(child, prefix + ("    " if last else "│   "), i == len(children) - 1)

    draw(model.root, "", True)
    return "\n".join(lines) + "\n\n\n"


@dataclass
class TestRun:
    files: list[tuple[str, list[CaseResult]]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    coverage: object = None
    seconds: dict[int, float] = field(default_factory=dict)  # id of a CaseResult -> how long it took
    error_lines: dict[str, int] = field(default_factory=dict)  # a file that could not be read -> the line

    @property
    def failed(self) -> int:
        return sum(not r.passed for _, results in self.files for r in results) + len(self.errors)

    @property
    def passed(self) -> int:
        return sum(r.passed for _, results in self.files for r in results)


def run_test_files(paths: list[Path], config: Config, config_path: Path | None, render: bool = False) -> TestRun:
    """Run every case of every file; a file may name its config (`config:`), else `config_path`; with
    `render`, each result keeps the notifications its alert causes."""
    run = TestRun()
    models: dict[Path, AlertmanagerConfig] = {}
    all_results: list[CaseResult] = []
    main_model = None
    for path in paths:
        shown = display_path(path, config.display_root)
        try:
            text = yamlload.read_file(path, config.max_file_size)
            documents = yamlload.load_documents(text, config.max_yaml_nodes)
            tests = read_cases(shown, documents[0].root if documents else None)
        except (yamlload.YamlError, TestFileError) as exc:
            run.errors[shown] = f"{shown}:{exc.line}:{exc.column}: {exc.message}"
            run.error_lines[shown] = exc.line
            continue
        target = (path.parent / tests.config) if tests.config else config_path
        if target is None:
            raise RouteTestError(f"{shown}: no config to test against (give --config or `config:` in the file)")
        target = target.resolve()
        if target not in models:
            models[target] = load_model(target, config)
        model = models[target]
        main_model = main_model or model
        renderer = _case_renderer(model, target, tests.external_url) \
            if render or any(case.rendered is not None for case in tests.cases) else None
        results = []
        for case in tests.cases:
            started = time.perf_counter()
            results.append(run_case(model, case, renderer, render))
            run.seconds[id(results[-1])] = time.perf_counter() - started
        run.files.append((shown, results))
        if model is main_model:
            all_results.extend(results)
    if main_model is not None:
        run.coverage = coverage(main_model, all_results)
    return run


def _case_renderer(model: AlertmanagerConfig, config_path: Path, external_url: str | None):
    """What renders a routing test case's notifications: its alert (with its annotations) and the firing
    alerts, grouped and rendered as Alertmanager would; the groups the case's alert is in."""
    from obslint.alertmanager.notifications import AlertInput, config_files, preview

    files = config_files(model, str(config_path))

    def render(case) -> list:
        alert = AlertInput(case.labels, case.annotations, case.at)
        others = [AlertInput(labels, {}, case.at) for labels in case.firing or [] if labels != case.labels]
        notes = preview(model, files, [alert, *others], at=case.at, external_url=external_url or DEFAULT_EXTERNAL_URL)
        return [n for n in notes if any(a is alert for a in n.group.alerts)]

    return render


def at_instant(text: str | None) -> datetime | None:
    from obslint.alertmanager.routetests import parse_instant

    if text is None:
        return None
    try:
        return parse_instant(text)
    except ValueError:
        raise RouteTestError(f"--at {text!r} is not an RFC 3339 time such as 2026-11-23T03:00:00Z") from None


def _stdout(text: str) -> None:
    import sys

    sys.stdout.write(text)


# --- what the command line does (kept here so tests can call it) ------------------------------------

def project_config_file(config: Config) -> Path | None:
    """The project's one Alertmanager config under its alertmanager/ paths (tests/ excluded)."""
    from obslint.alertmanager.documents import is_alertmanager_document
    from obslint.engine.discover import discover

    found = []
    for target in discover([config.root], config, by_content=False):
        if target.kind != "alertmanager":
            continue
        try:
            documents = yamlload.load_documents(yamlload.read_file(target.path, config.max_file_size),
                                                config.max_yaml_nodes)
        except yamlload.YamlError:
            found.append(target.path)
            continue
        if any(is_alertmanager_document(d.root) for d in documents):
            found.append(target.path)
    return found[0] if len(found) == 1 else None


def project_test_files(config: Config) -> list[Path]:
    from obslint.engine.discover import discover

    return [t.path for t in discover([config.root], config, by_content=False) if t.kind == "route-tests"]


DEFAULT_EXTERNAL_URL = "http://localhost:9093"


def cli_route(config_path: Path | None, label_args: list[str], config: Config, *, tree: bool = False,
              verify: str | None = None, at: str | None = None, firing: list[str] = (),
              alerts_file: Path | None = None, fmt: str = "text", write=None, render: bool = False,
              annotations: list[str] = (), external_url: str | None = None) -> int:
    write = write or _stdout
    if config_path is None:
        raise RouteTestError("no Alertmanager config: give --config FILE")
    model = load_model(config_path, config)
    instant = at_instant(at)
    firing_alerts = parse_firing(list(firing), config)
    if alerts_file is not None:
        from obslint.alertmanager.routetests import load_alert_inputs

        try:
            inputs = load_alert_inputs(alerts_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeError) as exc:
            raise RouteTestError(f"{alerts_file}: cannot read: {exc}") from None
        except TestFileError as exc:
            raise RouteTestError(f"{alerts_file}:{exc.line}:{exc.column}: {exc.message}") from None
        if render:
            return _render(model, config_path, inputs, firing_alerts, instant, external_url, fmt, write)
        alerts = [a.labels for a in inputs]
        results = route_batch(model, alerts, firing_alerts, instant)
        if fmt == "json":
            write(json.dumps([r.to_json() for r in results], indent=None, separators=(",", ":")) + "\n")
        else:
            for r in results:
                write((f"{json.dumps(r.labels, sort_keys=True)} -> {','.join(r.receivers)}"
                     + (" (inhibited)" if r.inhibitions else "")) + "\n")
        return 0
    labels = parse_labels(label_args, config)
    if render:
        from obslint.alertmanager.notifications import AlertInput

        alert = AlertInput(labels, parse_annotations(annotations), instant)
        return _render(model, config_path, [alert], firing_alerts, instant, external_url, fmt, write)
    result = router.route_alert(model, labels, firing_alerts, instant)
    line = ",".join(result.receivers)
    if fmt == "json":
        write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        if tree:
            write(tree_text(model, labels))
        write(line + "\n")
        if firing_alerts:
            write(("inhibited by " + "; ".join(f"{rule.title} (line {rule.node.line}) via "
                                             f"{json.dumps(source, sort_keys=True)}"
                                             for rule, source in result.inhibitions)
                 if result.inhibitions else "not inhibited") + "\n")
    if verify is not None and verify != line:
        write("WARNING: Expected receivers did not match resolved receivers.\n")
        return 1
    return 0


def parse_annotations(values) -> dict[str, str]:
    """`--annotation key=value` arguments."""
    out = {}
    for value in values:
        key, eq, text = value.partition("=")
        if not eq or not key:
            raise RouteTestError(f"--annotation {value!r}: expected key=value")
        out[key] = text
    return out


def _render(model: AlertmanagerConfig, config_path: Path, alerts: list, firing: list[dict[str, str]],
            at: datetime | None, external_url: str | None, fmt: str, write) -> int:
    """Print the notifications the alerts cause, as Alertmanager would send them; 1 when one fails."""
    from obslint.alertmanager.notifications import config_files, preview
    from obslint.output.previews import previews_json, previews_text

    files = config_files(model, str(config_path))
    if not files.loads:
        raise RouteTestError(f"{display_path(config_path)}: Alertmanager cannot load its templates: "
                             + "; ".join(p.message for p in files.problems if p.kind != "no-match"))
    notes = preview(model, files, alerts, firing, at, external_url or DEFAULT_EXTERNAL_URL)
    write(previews_json(notes) if fmt == "json" else previews_text(notes))
    return 1 if any(r.error for n in notes for r in n.fields) else 0


def route_batch(model: AlertmanagerConfig, alerts: list[dict[str, str]], firing: list[dict[str, str]] = (),
                at: datetime | None = None) -> list[router.RouteResult]:
    at = at or datetime.now().astimezone()
    return [router.route_alert(model, labels, firing, at) for labels in alerts]


def cli_run_tests(paths: list[Path], config: Config, config_path: Path | None, fmt: str = "text",
                  junit: Path | None = None, fail_under: float | None = None, write=None,
                  render: bool = False) -> int:
    write = write or _stdout
    if not paths:
        raise RouteTestError("no routing test files (give TESTS.yaml, or put them in alertmanager/tests/)")
    run = run_test_files(paths, config, config_path, render)
    if junit is not None:
        from obslint.core.fileio import write_atomic

        write_atomic(junit, junit_report(run))
    if fmt == "github":
        write(github_report(run))
    else:
        write(routing_report_json(run) if fmt == "json" else routing_report_text(run))
    if run.errors and not run.files:
        return 2
    if run.failed:
        return 1
    if any(r.error for _, results in run.files for case in results for n in case.notifications or ()
           for r in n.fields):
        return 1  # --render: a notification fails to render
    if fail_under is not None and run.coverage is not None and run.coverage.percent < fail_under:
        write((f"coverage {run.coverage.percent:.1f}% is under --fail-under {fail_under:g}%") + "\n")
        return 1
    return 0


def junit_report(run: TestRun) -> bytes:
    """The routing tests as JUnit XML: one suite per test file, one test case per case."""
    from obslint.output.junit import Case, Suite, junit_xml

    suites = []
    for path, results in run.files:
        cases = []
        for r in results:
            failure = None
            if not r.passed:
                failure = (r.failures[0], "\n".join(r.failures) + "\npath: " + " -> ".join(
                    route.label for route, _ in r.tree))
            cases.append(Case(r.case.name, path, r.case.line, path, failure=failure, time=run.seconds.get(id(r), 0.0)))
        suites.append(Suite(path, cases, file=path))
    for path, message in run.errors.items():
        suites.append(Suite(path, [Case("load", path, error=(message, message))], file=path))
    return junit_xml("obslint route-test", suites)


def github_report(run: TestRun) -> str:
    """The routing tests as GitHub Actions annotations: an error at each failing case and at each file
    that could not be read; then the counts as a plain line."""
    from obslint.output.reporters import annotation

    lines = []
    for path, results in run.files:
        for r in results:
            if not r.passed:
                text = "\n".join(r.failures) + "\npath: " + " -> ".join(route.label for route, _ in r.tree)
                lines.append(annotation("error", path, r.case.line, None, f"route-test: {r.case.name}", text))
    for path, message in run.errors.items():
        lines.append(annotation("error", path, run.error_lines.get(path), None, "route-test: cannot read", message))
    lines.append(f"{run.passed} passed, {run.failed} failed")
    return "\n".join(lines) + "\n"
