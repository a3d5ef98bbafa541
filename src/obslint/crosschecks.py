"""Cross-checks between rules, routing, dashboards and a metric catalog (X001-X009, documented in
obslint.checks.cross_checks): what no tool that sees one kind of file can find.

An alert's labels are its rule's static labels plus `alertname` (known values), and the labels its
query can return (any value: obslint.promql.labels). A matcher on a known label is true or false; on a
label the query may return it is "maybe"; on a label the alert cannot have it reads "". The *sure*
routing of an alert follows Alertmanager with every "maybe" false (where it goes when the query's
labels match nothing); the routes it *could* reach allow every "maybe".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from obslint.collector import Collector, Collectors
from obslint.config import Config
from obslint.findings import Finding
from obslint.promql.labels import LabelSet
from obslint.ruledeps import RECORD_NAME

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
        parsed = parse_expr(fact.expr, config.prometheus_version)
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
        parsed = parse_expr(fact.expr, config.prometheus_version)
        output = output_labels(parsed.ast, resolve) if parsed.ok else None
        static = {k: v for k, v in fact.labels if "{{" not in v}
        static["alertname"] = fact.name
        templated = frozenset(k for k, v in fact.labels if "{{" in v)
        found.append(Alert(fact.name, fact.path, fact.source, fact.line, fact.column, static,
                           output or LabelSet(frozenset(), True), templated))
    return found


def check_routing(alerts: list[Alert], model, am_path: str, am_source: str, config: Config,
                  out: Collectors) -> None:
    pagers = paging_receivers(model, config)
    reached: set[int] = set()
    for alert in alerts:
        routing = route(model.root, alert)
        reached |= routing.possible
        receivers = {r.receiver for r in routing.sure}
        only_root = routing.sure == [model.root] and routing.possible == {id(model.root)}
        critical = alert.static.get("severity") == "critical"
        collector = out.get(alert.path, alert.source)
        if critical and pagers and not receivers & pagers:
            where = "only the default receiver" if only_root else "the receivers " + ", ".join(sorted(receivers))
            collector.add("X002", alert.line, alert.column,
                          f"critical alert `{alert.name}` reaches {where}, none of which pages "
                          f"(the paging receivers: {', '.join(sorted(pagers))})")
        elif only_root:
            collector.add("X001", alert.line, alert.column,
                          f"alert `{alert.name}` reaches only the default receiver `{model.root.receiver}`: no "
                          f"route matches its labels ({_labels(alert)})")
    am = out.get(am_path, am_source)
    if alerts:
        for node in model.routes():
            if node is not model.root and id(node) not in reached and _ancestor_reached(node, reached):
                am.add("X003", node.line, 1, f"no alert of the rules can reach the route {node.path} "
                                            f"({node.label} -> {node.receiver})")
    for rule in model.inhibit_rules:
        line = rule.node.line if rule.node is not None else 1
        for side, matchers in (("source", rule.source), ("target", rule.target)):
            if alerts and matchers and not any(matchers_state(matchers, a) != NO for a in alerts):
                am.add("X004", line, 1, f"{rule.title}: no alert of the rules matches its {side} matchers")
        for label in rule.equal:
            joined = [a for a in alerts if matchers_state(rule.source, a) != NO or matchers_state(rule.target, a) != NO]
            missing = [a.name for a in joined if not a.may_have(label)]
            if joined and missing:
                am.add("X005", line, 1, f"{rule.title}: `equal: {label}` but {', '.join(sorted(missing)[:5])} "
                                        f"{'has' if len(missing) == 1 else 'have'} no `{label}` label: an empty "
                                        "value equals an empty value, so the rule inhibits across every "
                                        f"{label}")


def _ancestor_reached(node, reached: set[int]) -> bool:
    """Report the topmost unreachable route only (its children are unreachable through it)."""
    return node.parent is None or id(node.parent) in reached


def _labels(alert: Alert) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(alert.static.items()))


def check_dashboard_reads(dashboards, recorded: set[str], config: Config, out: Collectors) -> None:
    """X006: a dashboard query reads a level:metric:operation series no rule records."""
    from obslint.dashboards.lint import queries
    from obslint.ruledeps import series_read

    for dashboard in dashboards:
        collector = out.get(dashboard.shown, str(dashboard.path))
        for pointer, panel, parsed in queries(dashboard.compiled.doc, config):
            for name in sorted(series_read(parsed)):
                if RECORD_NAME.fullmatch(name) and name not in recorded:
                    near = difflib.get_close_matches(name, sorted(recorded), n=1, cutoff=0.6)
                    hint = f"; did you mean `{near[0]}`?" if near else ""
                    collector.add("X006", dashboard.compiled.line_of(pointer), 1,
                                  f"panel `{panel.get('title', '')}` reads `{name}`, which no recording rule "
                                  f"records{hint}")


def check_all(facts, dashboards, am_configs: list[Path], config: Config, directories: list[Path]) -> list[Finding]:
    """Every cross-check the project's files allow: routing needs an Alertmanager config among
    `am_configs`, the catalog checks a catalog file in one of `directories` (or the config's root)."""
    out = Collectors(config)
    for path in am_configs:
        from obslint.alertmanager.loader import is_alertmanager_document
        from obslint.lint import display_path, read_yaml
        from obslint.routing import RouteTestError, load_model

        _, documents = read_yaml(path, config, Collector(display_path(path), config))
        if not documents or not any(is_alertmanager_document(d.root) for d in documents):
            continue
        try:
            model = load_model(path, config)
        except RouteTestError:
            continue  # an invalid config is reported by its own checks
        check_routing(alerts_of(facts, config), model, display_path(path), str(path), config, out)
        break
    if dashboards:
        check_dashboard_reads(dashboards, {f.name for f in facts if f.kind == "record"}, config, out)
    catalogs = [d / config.catalog for d in directories] + [config.root / config.catalog]
    found = next((c for c in catalogs if c.is_file()), None)
    if found is not None:
        from obslint import catalog

        catalog.check(facts, dashboards, catalog.load(found), config, out)
    return out.findings()
