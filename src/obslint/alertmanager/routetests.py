"""Routing tests: cases of labels with the receivers, grouping, timers, inhibition and muting they
should get, run against a config; results and route/inhibit-rule coverage.

A test file is YAML: a mapping with `tests:` (and optionally `config:`, a path relative to the file),
or a bare list of cases. A case:

    - name: critical model alerts page
      labels: {alertname: ModelServerDown, severity: critical, team: ml-platform}
      receivers: [mlops-critical, pagerduty-ml]   # in route order; or `expect:` (any order), `receiver:`
      group_by: [alertname, service]              # optional: every terminal route's effective group_by
      group_wait: 30s                             # optional: also group_interval, repeat_interval
      firing: [{alertname: ModelServerDown, ...}] # optional: other alerts firing, for inhibition
      inhibited: false                            # optional (default false when `firing` is given)
      at: "2026-11-23T03:00:00Z"                  # optional: the instant for time intervals
      muted: true                                 # optional: every terminal route muted or inactive at `at`
      annotations: {summary: ..., runbook_url: ...}   # optional: the alert's annotations, for `rendered`
      rendered:                                   # optional: what a receiver's integrations send, exactly
        mlops-critical:
          slack_configs[0].title: "[FIRING:1] ModelServerDown on model-server"
          pagerduty_configs[0].description: ...

`rendered` renders the notification of the group the alert is in (with the `firing` alerts Alertmanager
would put in the same group), at `at` (also the alert's start), with the file's `external_url:`
(default http://localhost:9093).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from obslint import yamlload
from obslint.alertmanager import router
from obslint.alertmanager.matchers import matches_all
from obslint.alertmanager.model import AlertmanagerConfig, Route
from obslint.durations import format_duration, parse_duration
from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode, to_python

CASE_FIELDS = {"name", "labels", "receivers", "expect", "receiver", "group_by", "group_wait", "group_interval",
               "repeat_interval", "firing", "inhibited", "at", "muted", "annotations", "rendered"}
FILE_FIELDS = ("tests", "config", "external_url")


class TestFileError(ValueError):
    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass
class Case:
    name: str
    line: int
    labels: dict[str, str]
    receivers: list[str] | None = None
    ordered: bool = True
    group_by: list[str] | None = None
    timers: dict[str, int] = field(default_factory=dict)
    firing: list[dict[str, str]] | None = None
    inhibited: bool | None = None
    at: datetime | None = None
    muted: bool | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    rendered: dict[str, dict[str, str]] | None = None  # receiver -> "slack_configs[0].title" -> text


@dataclass
class TestFile:
    path: str
    cases: list[Case]
    config: str | None = None  # the config path the file names, relative to it
    external_url: str | None = None


def parse_instant(text: str) -> datetime:
    """RFC 3339 (`2026-11-23T03:00:00Z`, with an offset, or naive: UTC) or a Unix timestamp."""
    text = text.strip()
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except ValueError:
        pass
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _labels(node: Node | None, what: str) -> dict[str, str]:
    if not isinstance(node, MapNode):
        raise TestFileError(f"{what} must be a mapping of label names to values", *_pos(node))
    out = {}
    for k, v in node.items:
        if not isinstance(v, ScalarNode):
            raise TestFileError(f"{what}.{k.text} must be a string", v.line, v.column)
        out[k.text] = v.as_str()
    return out


def _pos(node: Node | None) -> tuple[int, int]:
    return (node.line, node.column) if node is not None else (1, 1)


def _strings(node: Node, what: str) -> list[str]:
    if isinstance(node, ScalarNode):
        return [node.as_str()]
    if isinstance(node, SeqNode) and all(isinstance(i, ScalarNode) for i in node.items):
        return [i.as_str() for i in node.items]
    raise TestFileError(f"{what} must be a string or a list of strings", *_pos(node))


def read_cases(path: str, root: Node | None) -> TestFile:
    config = None
    cases_node = root
    external_url = None
    if isinstance(root, MapNode):
        unknown = [k for k in root.items if k[0].text not in FILE_FIELDS]
        if unknown:
            raise TestFileError(f"unknown key {unknown[0][0].text!r} (a test file has `tests:`, `config:` and "
                                f"`external_url:`)", unknown[0][0].line, unknown[0][0].column)
        if isinstance(root.get("config"), ScalarNode):
            config = root.get("config").as_str()
        if isinstance(root.get("external_url"), ScalarNode):
            external_url = root.get("external_url").as_str()
        cases_node = root.get("tests")
    if not isinstance(cases_node, SeqNode):
        raise TestFileError("a routing test file is a list of cases, or a mapping with `tests:`", *_pos(cases_node))
    return TestFile(path, [_case(item, i) for i, item in enumerate(cases_node.items)], config, external_url)


def _case(node: Node, index: int) -> Case:
    if not isinstance(node, MapNode):
        raise TestFileError(f"case {index + 1} must be a mapping", *_pos(node))
    for key, _ in node.items:
        if key.text not in CASE_FIELDS:
            raise TestFileError(f"unknown key {key.text!r} in a case (known: {', '.join(sorted(CASE_FIELDS))})",
                                key.line, key.column)
    name_node = node.get("name")
    name = name_node.as_str() if isinstance(name_node, ScalarNode) else f"case {index + 1}"
    case = Case(name, node.line, _labels(node.get("labels"), f"{name}: labels"))
    given = [k for k in ("receivers", "expect", "receiver") if node.get(k) is not None]
    if len(given) > 1:
        raise TestFileError(f"{name}: give one of receivers (ordered), expect (any order) or receiver",
                            node.line, node.column)
    if given:
        case.receivers = _strings(node.get(given[0]), f"{name}: {given[0]}")
        case.ordered = given[0] != "expect"
    if node.get("group_by") is not None:
        case.group_by = _strings(node.get("group_by"), f"{name}: group_by")
    for key in ("group_wait", "group_interval", "repeat_interval"):
        value = node.get(key)
        if value is not None:
            ms = parse_duration(value.as_str()) if isinstance(value, ScalarNode) else None
            if ms is None:
                raise TestFileError(f"{name}: {key} is not a duration", *_pos(value))
            case.timers[key] = ms
    firing = node.get("firing")
    if firing is not None:
        if not isinstance(firing, SeqNode):
            raise TestFileError(f"{name}: firing must be a list of label maps", *_pos(firing))
        case.firing = [_labels(item, f"{name}: firing[{i}]") for i, item in enumerate(firing.items)]
    for key in ("inhibited", "muted"):
        value = node.get(key)
        if value is not None:
            flag = value.as_bool() if isinstance(value, ScalarNode) else None
            if flag is None:
                raise TestFileError(f"{name}: {key} must be true or false", *_pos(value))
            setattr(case, key, flag)
    if case.firing is not None and case.inhibited is None:
        case.inhibited = False
    at = node.get("at")
    if at is not None:
        try:
            case.at = parse_instant(at.as_str() if isinstance(at, ScalarNode) else "")
        except ValueError:
            raise TestFileError(f"{name}: at must be an RFC 3339 time such as 2026-11-23T03:00:00Z",
                                *_pos(at)) from None
    if case.muted is not None and case.at is None:
        raise TestFileError(f"{name}: muted needs an instant (`at:`)", node.line, node.column)
    if node.get("annotations") is not None:
        case.annotations = _labels(node.get("annotations"), f"{name}: annotations")
    rendered = node.get("rendered")
    if rendered is not None:
        if not isinstance(rendered, MapNode):
            raise TestFileError(f"{name}: rendered must map receivers to fields and their texts", *_pos(rendered))
        case.rendered = {k.text: _labels(v, f"{name}: rendered.{k.text}") for k, v in rendered.items}
    if not given and case.group_by is None and not case.timers and case.inhibited is None and case.muted is None \
            and case.rendered is None:
        raise TestFileError(f"{name}: the case expects nothing (give receivers, expect or receiver, ...)",
                            node.line, node.column)
    return case


@dataclass
class CaseResult:
    case: Case
    result: router.RouteResult
    failures: list[str]
    tree: list[tuple[Route, bool]]
    notifications: list | None = None  # what its alert's groups send, when shown (route-test --render)

    @property
    def passed(self) -> bool:
        return not self.failures


def run_case(config: AlertmanagerConfig, case: Case, render=None, show: bool = False) -> CaseResult:
    """Route the case's alert and compare with what it expects; `render` (a callable taking the case and
    giving the notifications of its alert's groups) serves `rendered`, and with `show` the result keeps
    the notifications."""
    result = router.route_alert(config, case.labels, case.firing or [], case.at)
    failures = []
    got = result.receivers
    if case.receivers is not None:
        if case.ordered and got != case.receivers:
            note = " (same receivers, other order)" if sorted(got) == sorted(case.receivers) else ""
            failures.append(f"receivers: expected {case.receivers}, got {got}{note}")
        elif not case.ordered and sorted(got) != sorted(case.receivers):
            failures.append(f"receivers (any order): expected {sorted(case.receivers)}, got {sorted(got)}")
    for route in result.routes:
        if case.group_by is not None:
            effective = ["..."] if route.group_by_all else sorted(route.group_by)
            if effective != sorted(case.group_by):
                failures.append(f"group_by at {route.path}: expected {sorted(case.group_by)}, got {effective}")
        for key, ms in case.timers.items():
            actual = getattr(route, key + "_ms")
            if actual != ms:
                failures.append(f"{key} at {route.path}: expected {format_duration(ms)}, "
                                f"got {format_duration(actual)}")
    if case.inhibited is not None and case.inhibited != bool(result.inhibitions):
        by = "; ".join(f"{rule.title} (line {rule.node.line}) by {source}" for rule, source in result.inhibitions)
        failures.append(f"inhibited: expected {str(case.inhibited).lower()}, got "
                        f"{str(bool(result.inhibitions)).lower()}" + (f" ({by})" if by else ""))
    if case.muted is not None:
        silent = all(t.muted or t.inactive for t in result.times)
        if silent != case.muted:
            states = ", ".join(f"{r.path}: {_state(t)}" for r, t in zip(result.routes, result.times, strict=True))
            failures.append(f"muted: expected {str(case.muted).lower()}, got {str(silent).lower()} ({states})")
    notifications = render(case) if render is not None and (show or case.rendered is not None) else None
    if case.rendered is not None:
        failures += _rendered_failures(case, notifications or [])
    return CaseResult(case, result, failures, router.matched_tree(config.root, case.labels),
                      notifications if show else None)


def _rendered_failures(case: Case, notifications: list) -> list[str]:
    import difflib

    failures = []
    for receiver, fields in case.rendered.items():
        sent = [n for n in notifications if n.group.receiver == receiver]
        if not sent:
            failures.append(f"rendered: receiver {receiver} sends no notification for this alert")
            continue
        for key, expected in fields.items():
            name, _, path = key.partition("].")
            note = next((n for n in sent if n.name == name + "]"), None)
            got = None if note is None else next((r for r in note.fields if r.field.path == path), None)
            if got is None:
                failures.append(f"rendered: {receiver} has no {key} (its fields: "
                                f"{', '.join(n.name + '.' + r.field.path for n in sent for r in n.fields)})")
            elif got.error is not None:
                failures.append(f"rendered: {receiver} {key} fails to render: {got.error}")
            elif got.value != expected:
                message = f"rendered: {receiver} {key}: expected {expected!r}, got {got.value!r}"
                if "\n" in expected or "\n" in got.value:
                    diff = difflib.unified_diff(expected.splitlines(), got.value.splitlines(), "expected", "got",
                                                lineterm="", n=1)
                    message += "\n" + "\n".join("      " + line for line in diff)
                failures.append(message)
    return failures


def _state(t: router.TimeState) -> str:
    if t.muted:
        return "muted by " + ",".join(t.muted_by)
    return "inactive" if t.inactive else "active"


@dataclass
class Coverage:
    routes: list[Route]
    routes_hit: set[int]  # id() of routes some case's alert matched
    rules: list
    rules_hit: set[int]

    @property
    def percent(self) -> float:
        total = len(self.routes) + len(self.rules)
        hit = len(self.routes_hit) + len(self.rules_hit)
        return 100.0 * hit / total if total else 100.0

    def missed_routes(self) -> list[Route]:
        return [r for r in self.routes if id(r) not in self.routes_hit]

    def missed_rules(self) -> list:
        return [r for r in self.rules if id(r) not in self.rules_hit]

    def to_json(self) -> dict:
        return {"percent": round(self.percent, 1),
                "routes": len(self.routes), "routes_exercised": len(self.routes_hit),
                "inhibit_rules": len(self.rules), "inhibit_rules_exercised": len(self.rules_hit),
                "untested_routes": [{"path": r.path, "line": r.line, "matchers": r.label}
                                    for r in self.missed_routes()],
                "untested_inhibit_rules": [{"rule": r.title, "line": r.node.line} for r in self.missed_rules()]}


def coverage(config: AlertmanagerConfig, results: list[CaseResult]) -> Coverage:
    routes = config.routes()
    routes_hit = {id(route) for r in results for route, _ in r.tree}
    rules_hit = {id(rule) for r in results for rule, _ in r.result.inhibitions}
    # a case that expects no inhibition while its firing alerts match a rule's source also exercises it
    for r in results:
        for rule in config.inhibit_rules:
            if r.case.firing and any(matches_all(rule.source, s) for s in r.case.firing) \
                    and matches_all(rule.target, r.case.labels):
                rules_hit.add(id(rule))
    return Coverage(routes, routes_hit, config.inhibit_rules, rules_hit)


def load_alerts(text: str) -> list[dict[str, str]]:
    """A batch of alerts: a YAML or JSON list of label maps, or JSON lines (one map per line)."""
    import json

    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("{"):
        try:
            return [_label_map(json.loads(line), i) for i, line in enumerate(stripped.splitlines()) if line.strip()]
        except json.JSONDecodeError as exc:
            raise TestFileError(f"not JSON lines: {exc.msg}", exc.lineno, exc.colno) from None
    try:
        documents = yamlload.load_documents(text, 5_000_000)
    except yamlload.YamlError as exc:
        raise TestFileError(exc.message, exc.line, exc.column) from None
    data = to_python(documents[0].root) if documents else None
    if not isinstance(data, list):
        raise TestFileError("the alerts file must be a list of label maps (or JSON lines)")
    return [_label_map(item, i) for i, item in enumerate(data)]


def load_alert_inputs(text: str):
    """A batch of alerts with what a notification shows of them: each a label map, or an object as the
    Alertmanager API takes it (labels, annotations, startsAt, endsAt, generatorURL)."""
    import json

    from obslint.alertmanager.notifications import AlertInput

    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            items = [json.loads(line) for line in stripped.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise TestFileError(f"not JSON lines: {exc.msg}", exc.lineno, exc.colno) from None
    elif not stripped:
        items = []
    else:
        try:
            documents = yamlload.load_documents(text, 5_000_000)
        except yamlload.YamlError as exc:
            raise TestFileError(exc.message, exc.line, exc.column) from None
        items = to_python(documents[0].root) if documents else None
        if not isinstance(items, list):
            raise TestFileError("the alerts file must be a list of label maps (or JSON lines)")
    out = []
    for i, item in enumerate(items):
        labels = _label_map(item, i)
        extra = item if isinstance(item, dict) and isinstance(item.get("labels"), dict) else {}
        annotations = extra.get("annotations") or {}
        if not isinstance(annotations, dict):
            raise TestFileError(f"alert {i + 1}: annotations must be a mapping")
        times = {}
        for key in ("startsAt", "endsAt"):
            if extra.get(key):
                try:
                    times[key] = parse_instant(str(extra[key]))
                except ValueError:
                    raise TestFileError(f"alert {i + 1}: {key} is not an RFC 3339 time") from None
        out.append(AlertInput(labels, {str(k): "" if v is None else str(v) for k, v in annotations.items()},
                              times.get("startsAt"), times.get("endsAt"), str(extra.get("generatorURL") or "")))
    return out


def _label_map(item, index: int) -> dict[str, str]:
    if isinstance(item, dict) and isinstance(item.get("labels"), dict):
        item = item["labels"]  # the Alertmanager API's alert objects
    if not isinstance(item, dict):
        raise TestFileError(f"alert {index + 1} is not a mapping of labels")
    return {str(k): "" if v is None else str(v) for k, v in item.items()}
