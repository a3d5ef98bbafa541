"""Routing an alert as Alertmanager does: the terminal routes it reaches, with their effective options,
the group key, time intervals at an instant, and inhibition by a set of firing alerts.

Matching (dispatch/route.go): a route matches when all its matchers do (a missing label is "");
its children are tried in order, each matching child's result is appended, and the walk stops at
the first matching child without `continue`. A route no child of which matches is itself terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from obslint.alertmanager import timeintervals
from obslint.alertmanager.matchers import escape_value, matches_all
from obslint.alertmanager.model import AlertmanagerConfig, InhibitRule, Route
from obslint.durations import format_duration


def match(root: Route, labels: dict[str, str]) -> list[Route]:
    """The terminal routes an alert reaches, depth first and left to right (never empty for the root)."""
    return terminal_routes(root, lambda route: route.matches(labels))


def terminal_routes(root: Route, matches) -> list[Route]:
    """Alertmanager's walk with `matches(route)` deciding whether a route's own matchers match."""
    return _match(root, matches) or []


def _match(route: Route, matches) -> list[Route] | None:
    if not matches(route):
        return None
    found: list[Route] = []
    for child in route.routes:
        hit = _match(child, matches)
        if hit is None:
            continue
        found.extend(hit)
        if not child.continue_:
            break
    return found or [route]


def matched_tree(root: Route, labels: dict[str, str]) -> list[tuple[Route, bool]]:
    """Every route on the way to the terminal routes, in depth-first order: (route, terminal)."""
    out: list[tuple[Route, bool]] = []

    def visit(route: Route) -> bool:
        if not route.matches(labels):
            return False
        at = len(out)
        out.append((route, False))
        any_child = False
        for child in route.routes:
            if visit(child):
                any_child = True
                if not child.continue_:
                    break
        out[at] = (route, not any_child)
        return True

    visit(root)
    return out


def group_labels(route: Route, labels: dict[str, str]) -> dict[str, str]:
    if route.group_by_all:
        return dict(labels)
    return {k: v for k, v in labels.items() if k in route.group_by}


def group_key(route: Route, labels: dict[str, str]) -> str:
    grouped = group_labels(route, labels)
    inner = ", ".join(f'{k}="{escape_value(v)}"' for k, v in sorted(grouped.items()))
    return f"{route.key}:{{{inner}}}"


@dataclass
class TimeState:
    muted_by: list[str] = field(default_factory=list)
    inactive: bool = False  # active_time_intervals set and none contains the instant

    @property
    def muted(self) -> bool:
        return bool(self.muted_by)

    @property
    def active(self) -> bool:
        return not self.inactive


def time_state(config: AlertmanagerConfig, route: Route, at: datetime) -> TimeState:
    state = TimeState()
    for name in route.mute_time_intervals:
        interval = config.time_intervals.get(name)
        if interval and timeintervals.contains(interval.specs, at):
            state.muted_by.append(name)
    if route.active_time_intervals:
        state.inactive = not any(
            config.time_intervals.get(n) and timeintervals.contains(config.time_intervals[n].specs, at)
            for n in route.active_time_intervals)
    return state


def inhibited_by(rules: list[InhibitRule], target: dict[str, str],
                 firing: list[dict[str, str]]) -> list[tuple[InhibitRule, dict[str, str]]]:
    """The (rule, source alert) pairs that inhibit `target`, given the firing alerts (inhibit/inhibit.go):
    the target matches the rule's target side, a firing source matches its source side and agrees on
    every `equal` label (missing is ""), and when the target also matches the source side the source
    must not match the target side (so an alert never inhibits itself)."""
    found = []
    for rule in rules:
        if not matches_all(rule.target, target):
            continue
        both_sides = matches_all(rule.source, target)
        for source in firing:
            if not matches_all(rule.source, source):
                continue
            if any(source.get(label, "") != target.get(label, "") for label in rule.equal):
                continue
            if both_sides and matches_all(rule.target, source):
                continue
            found.append((rule, source))
            break
    return found


@dataclass
class RouteResult:
    labels: dict[str, str]
    routes: list[Route]
    inhibitions: list[tuple[InhibitRule, dict[str, str]]]
    times: list[TimeState]

    @property
    def receivers(self) -> list[str]:
        return [r.receiver for r in self.routes]

    def to_json(self) -> dict:
        return {
            "receivers": self.receivers,
            "routes": [{
                "receiver": r.receiver, "path": r.path,
                "group_by": ["..."] if r.group_by_all else sorted(r.group_by),
                "group_key": group_key(r, self.labels),
                "group_wait": format_duration(r.group_wait_ms),
                "group_interval": format_duration(r.group_interval_ms),
                "repeat_interval": format_duration(r.repeat_interval_ms),
                "mute_time_intervals": r.mute_time_intervals, "active_time_intervals": r.active_time_intervals,
                "muted": t.muted, "muted_by": t.muted_by, "active": t.active,
                **({"route_labels": r.labels} if r.labels else {}),  # 0.34+; values may be templates
            } for r, t in zip(self.routes, self.times, strict=True)],
            "inhibited": bool(self.inhibitions),
            "inhibited_by": [{"rule": rule.title, "line": rule.node.line, "source": source}
                             for rule, source in self.inhibitions],
        }


def route_alert(config: AlertmanagerConfig, labels: dict[str, str], firing: list[dict[str, str]] = (),
                at: datetime | None = None) -> RouteResult:
    routes = match(config.root, labels)
    at = at or datetime.now().astimezone()
    return RouteResult(dict(labels), routes, inhibited_by(config.inhibit_rules, labels, list(firing)),
                       [time_state(config, r, at) for r in routes])
