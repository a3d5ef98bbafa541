"""The alerts of the rules as routing sees them. An alert's labels are its rule's static labels plus
`alertname` (known values), and the labels its query can return (any value: obslint.promql.labels,
followed through recording rules). A matcher on a known label is true or false; on a label the query
may return it is "maybe"; on a label the alert cannot have it reads "". The *sure* routing of an alert
follows Alertmanager with every "maybe" false (where it goes when the query's labels match nothing);
the routes it *could* reach allow every "maybe"."""

from __future__ import annotations

from dataclasses import dataclass, field

from obslint.config import Config
from obslint.promql.labels import LabelSet

YES, MAYBE, NO = 2, 1, 0
PAGING_INTEGRATIONS = ("pagerduty_configs", "opsgenie_configs", "victorops_configs")


@dataclass
class Alert:
    """An alerting rule as routing sees it."""

    name: str
    path: str  # as findings show it
    source: str
    line: int
    column: int
    static: dict[str, str]  # labels with known values (alertname included)
    dynamic: LabelSet  # labels the query may set (any value)
    templated: frozenset[str] = frozenset()  # rule labels whose value is a template (any value)
    annotations: frozenset[str] = frozenset()  # the names of the rule's annotations

    def may_have(self, label: str) -> bool:
        return label in self.static or label in self.templated or self.dynamic.can_have(label)


def matcher_state(matcher, alert: Alert) -> int:
    if matcher.name in alert.static:
        return YES if matcher.matches(alert.static[matcher.name]) else NO
    if matcher.name in alert.templated or alert.dynamic.can_have(matcher.name):
        return MAYBE
    return YES if matcher.matches("") else NO


def matchers_state(matchers, alert: Alert) -> int:
    return min((matcher_state(m, alert) for m in matchers), default=YES)


@dataclass
class Routing:
    """Where one alert goes: surely (every maybe false) and possibly."""

    sure: list = field(default_factory=list)  # terminal routes
    possible: set = field(default_factory=set)  # ids of routes it could reach (any depth)


def route(root, alert: Alert) -> Routing:
    from obslint.alertmanager.router import terminal_routes

    result = Routing(terminal_routes(root, lambda node: matchers_state(node.matchers, alert) == YES))

    def possible(node) -> None:
        if matchers_state(node.matchers, alert) == NO:
            return
        result.possible.add(id(node))
        for child in node.routes:
            possible(child)
            if not child.continue_ and matchers_state(child.matchers, alert) == YES:
                break  # a sibling that surely matches stops the walk

    possible(root)
    return result


def paging_receivers(model, config: Config) -> set[str]:
    configured = config.cross_paging_receivers
    if configured:
        return set(configured)
    return {name for name, receiver in model.receivers.items()
            if any(receiver.integrations.get(kind) for kind in PAGING_INTEGRATIONS)}


def recorded_labels(facts, config: Config):
    """resolve(name) -> the labels of a recorded series: its recording rule's query's labels plus the
    rule's own labels (None for series no rule records, or recorded by several rules)."""
    from obslint.promql.labels import output_labels
    from obslint.promql.parse import parse_expr

    records: dict[str, list] = {}
    for fact in facts:
        if fact.kind == "record":
            records.setdefault(fact.name, []).append(fact)
    memo: dict[str, LabelSet | None] = {}

    def resolve(name: str) -> LabelSet | None:
        if name in memo:
            return memo[name]
        memo[name] = None  # a cycle resolves to "unknown"
        recorders = records.get(name)
        if recorders is None or len(recorders) != 1:
            return None
        fact = recorders[0]
        parsed = parse_expr(fact.expr, config.prometheus_version, features=config.enable_features)
        if parsed.ok:
            memo[name] = output_labels(parsed.ast, resolve).add(k for k, _ in fact.labels)
        return memo[name]

    return resolve


def alerts_of(facts, config: Config) -> list[Alert]:
    """The alerts of the rules, with the labels their queries can return followed through recording rules."""
    from obslint.promql.labels import output_labels
    from obslint.promql.parse import parse_expr

    resolve = recorded_labels(facts, config)
    found = []
    for fact in facts:
        if fact.kind != "alert":
            continue
        parsed = parse_expr(fact.expr, config.prometheus_version, features=config.enable_features)
        output = output_labels(parsed.ast, resolve) if parsed.ok else None
        static = {k: v for k, v in fact.labels if "{{" not in v}
        static["alertname"] = fact.name
        templated = frozenset(k for k, v in fact.labels if "{{" in v)
        found.append(Alert(fact.name, fact.path, fact.source, fact.line, fact.column, static,
                           output or LabelSet(frozenset(), True), templated, frozenset(fact.annotations)))
    return found
