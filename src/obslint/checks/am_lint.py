"""Alertmanager lint: what loads fine but loses, duplicates or leaks alerts. Each check's pass walks the
routing model (obslint.alertmanager.model) that obslint.checks.amtool built."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from obslint.checks.amtool import AlertmanagerCheck
from obslint.checks.base import register, runs
from obslint.core.collector import Collector
from obslint.core.findings import Severity
from obslint.yamlload import MapNode, ScalarNode, SeqNode

if TYPE_CHECKING:
    from obslint.alertmanager.model import AlertmanagerConfig

# the Alertmanager modules are imported when a check runs, not when the registry lists the checks

NULL_RECEIVER = re.compile(r"(?i).*(null|blackhole|black-hole|devnull|dev-null|noop|no-op|void|discard|drop|"
                           r"silence|ignore|none).*")
PLACEHOLDER = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}|\$[A-Z_][A-Z0-9_]{2,}\b")


class RoutingCheck(AlertmanagerCheck):
    severity = Severity.WARNING


def _siblings(config: AlertmanagerConfig):
    for route in config.routes():
        yield route, route.routes


@register
class UnreachableRoute(RoutingCheck):
    """Finds a route that no alert can reach because an earlier sibling without `continue` has no
    matchers (a catch-all) and takes every alert first.

    Why: the route and everything below it are dead config; the alerts it was meant for go to the
    catch-all's receiver instead.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - receiver: slack
        - matchers: ['severity="critical"']
          receiver: pager
    receivers:
      - name: default
      - name: slack
      - name: pager
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['severity="critical"']
          receiver: pager
        - receiver: slack
    receivers:
      - name: default
      - name: slack
      - name: pager
    ```
    """

    code = "A101"
    name = "unreachable-route"


@runs("alertmanager", UnreachableRoute)
def unreachable_route(config: AlertmanagerConfig, collector: Collector) -> None:
    from obslint.alertmanager import analysis
    for _, children in _siblings(config):
        for i, earlier in enumerate(children):
            if earlier.continue_ or not all(analysis.always_true(m) for m in earlier.matchers):
                continue
            for later in children[i + 1:]:
                collector.at(UnreachableRoute, later.node, f"{later.path} is unreachable: the catch-all {earlier.path} "
                                                           f"(line {earlier.line}) takes every alert first")
            break


@register
class ShadowedRoute(RoutingCheck):
    """Finds a route shadowed by an earlier sibling without `continue` whose matchers every alert of
    this route also satisfies (e.g. `team="db"` before `team="db", severity="critical"`).

    Why: the earlier sibling takes all of this route's alerts, so this route never receives any; the
    usual fix is to put the more specific route first or to add `continue: true`.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="db"']
          receiver: db-slack
        - matchers: ['team="db"', 'severity="critical"']
          receiver: db-pager
    receivers:
      - name: default
      - name: db-slack
      - name: db-pager
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="db"', 'severity="critical"']
          receiver: db-pager
        - matchers: ['team="db"']
          receiver: db-slack
    receivers:
      - name: default
      - name: db-slack
      - name: db-pager
    ```
    """

    code = "A102"
    name = "shadowed-route"


@runs("alertmanager", ShadowedRoute)
def shadowed_route(config: AlertmanagerConfig, collector: Collector) -> None:
    from obslint.alertmanager import analysis
    for _, children in _siblings(config):
        for j, later in enumerate(children):
            for earlier in children[:j]:
                if earlier.continue_ or all(analysis.always_true(m) for m in earlier.matchers):
                    continue  # a catch-all is reported as unreachable-route
                if earlier.matchers == later.matchers:
                    continue  # identical: reported as duplicate-sibling-matchers
                if analysis.implies(later.matchers, earlier.matchers):
                    collector.at(ShadowedRoute, later.node,
                             f"{later.path} is shadowed by {earlier.path} (line {earlier.line}): every alert "
                             f"matching {later.label} matches {earlier.label}, which has no `continue`")
                    break


@register
class DuplicateSiblingMatchers(RoutingCheck):
    """Finds sibling routes with identical matchers.

    Why: without `continue` the second never matches; with it, both deliver the same alerts, and
    their identical group keys collide in the notification log.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="ml"']
          receiver: ml-slack
        - matchers: ['team="ml"']
          receiver: ml-email
    receivers:
      - name: default
      - name: ml-slack
      - name: ml-email
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="ml"']
          receiver: ml-slack-and-email
    receivers:
      - name: default
      - name: ml-slack-and-email
    ```
    """

    code = "A103"
    name = "duplicate-sibling-matchers"


@runs("alertmanager", DuplicateSiblingMatchers)
def duplicate_sibling_matchers(config: AlertmanagerConfig, collector: Collector) -> None:
    for _, children in _siblings(config):
        for j, later in enumerate(children):
            first = next((e for e in children[:j] if e.matchers == later.matchers), None)
            if first is not None and later.matchers:
                collector.at(DuplicateSiblingMatchers, later.node,
                             f"{later.path} has the same matchers {later.label} as "
                             f"{first.path} (line {first.line})")


@register
class UnusedReceiver(RoutingCheck):
    """Finds a receiver that no route names.

    Why: dead config that readers believe is live; often a route was meant to use it and names
    another receiver by mistake.

    Bad:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
      - name: db-pager
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="db"']
          receiver: db-pager
    receivers:
      - name: default
      - name: db-pager
    ```
    """

    code = "A104"
    name = "unused-receiver"
    severity = Severity.INFO


@runs("alertmanager", UnusedReceiver)
def unused_receiver(config: AlertmanagerConfig, collector: Collector) -> None:
    used = {r.receiver for r in config.routes()}
    for name, receiver in config.receivers.items():
        if name not in used:
            collector.at(UnusedReceiver, receiver.node.get("name") or receiver.node, f'receiver "{name}" is not used '
                                                                                     f"by any route")


@register
class ReceiverWithoutIntegrations(RoutingCheck):
    """Finds a receiver with no integration (no slack_configs, email_configs, ...): alerts routed to
    it are dropped. Reported as info when its name says it is meant to drop alerts (`null`,
    `blackhole`, ...).

    Why: a route that seems to notify someone silently notifies no one.

    Bad:
    ```yaml
    route:
      receiver: ops
    receivers:
      - name: ops
    ```

    Good:
    ```yaml
    route:
      receiver: ops
    receivers:
      - name: ops
        email_configs:
          - to: ops@example.com
            from: alertmanager@example.com
            smarthost: smtp.example.com:587
    ```
    """

    code = "A105"
    name = "receiver-without-integrations"


@runs("alertmanager", ReceiverWithoutIntegrations)
def receiver_without_integrations(config: AlertmanagerConfig, collector: Collector) -> None:
    for name, receiver in config.receivers.items():
        if receiver.integration_count:
            continue
        if NULL_RECEIVER.fullmatch(name):
            collector.at(ReceiverWithoutIntegrations, receiver.node,
                         f'receiver "{name}" has no integrations: alerts routed to it are dropped (by design, its '
                         "name says)", severity=Severity.INFO)
        else:
            collector.at(ReceiverWithoutIntegrations, receiver.node,
                         f'receiver "{name}" has no integrations: alerts routed to it are dropped')


@register
class UselessContinue(RoutingCheck):
    """Finds `continue: true` on the last of its siblings, where there is nothing left to continue to.

    Why: `continue` only lets later siblings be tried; on the last one it does nothing and suggests
    the author expected it to reach a route elsewhere in the tree.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="ml"']
          receiver: ml
          continue: true
    receivers:
      - name: default
      - name: ml
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="ml"']
          receiver: ml
    receivers:
      - name: default
      - name: ml
    ```
    """

    code = "A106"
    name = "useless-continue"
    severity = Severity.INFO


@runs("alertmanager", UselessContinue)
def useless_continue(config: AlertmanagerConfig, collector: Collector) -> None:
    for _, children in _siblings(config):
        if children and children[-1].continue_:
            last = children[-1]
            collector.at(UselessContinue, last.node.key_node("continue") or last.node,
                     f"`continue: true` on {last.path}, the last of its siblings, has no effect")


@register
class DeprecatedMatch(RoutingCheck):
    """Finds the deprecated `match`, `match_re`, `source_match(_re)` and `target_match(_re)` maps.

    Why: Alertmanager deprecated them for `matchers` lists, which support `!=` and `!~` and say in
    one place what a route matches.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - match: {team: ml}
          receiver: ml
    receivers:
      - name: default
      - name: ml
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="ml"']
          receiver: ml
    receivers:
      - name: default
      - name: ml
    ```
    """

    code = "A107"
    name = "deprecated-match"


@runs("alertmanager", DeprecatedMatch)
def deprecated_match(config: AlertmanagerConfig, collector: Collector) -> None:
    owners = [*config.routes(), *config.inhibit_rules]
    for owner in owners:
        for key in owner.deprecated:
            new = re.sub(r"match(_re)?$", "matchers", key.text)  # source_match_re -> source_matchers
            collector.at(DeprecatedMatch, key, f"`{key.text}` is deprecated: use `{new}` with a list of matchers")


@register
class EnvPlaceholder(RoutingCheck):
    """Finds `${VAR}` placeholders in the config.

    Why: Alertmanager does not expand environment variables; the literal text `${SLACK_URL}` is what
    it uses, so notifications fail. Read secrets from files (`api_url_file`, `routing_key_file`).

    Bad:
    ```yaml
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url: ${SLACK_WEBHOOK_URL}
            channel: '#alerts'
    ```

    Good:
    ```yaml
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-webhook-url
            channel: '#alerts'
    ```
    """

    code = "A108"
    name = "env-placeholder"
    severity = Severity.ERROR


@runs("alertmanager", EnvPlaceholder)
def env_placeholder(config: AlertmanagerConfig, collector: Collector) -> None:
    for node in _scalars(config.document):
        if "{{" not in node.text and PLACEHOLDER.search(node.text):
            collector.at(EnvPlaceholder, node, f"`{PLACEHOLDER.search(node.text).group(0)}` is not expanded: "
                                               "Alertmanager does not read environment variables")


def _scalars(root):
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            yield node
        elif isinstance(node, MapNode):
            stack.extend(v for _, v in node.items)
        elif isinstance(node, SeqNode):
            stack.extend(node.items)


@register
class PlaintextSecret(RoutingCheck):
    """Finds a secret written inline (api_url, routing_key, service_key, auth_password, ...) where the
    target Alertmanager can read it from a file (`*_file`).

    Why: the config ends up in Git, ConfigMaps and `amtool config show` output; a file mounted from a
    Kubernetes Secret keeps the secret out of all three.

    Bad:
    ```yaml
    route:
      receiver: pager
    receivers:
      - name: pager
        pagerduty_configs:
          - routing_key: 0123456789abcdef0123456789abcdef
    ```

    Good:
    ```yaml
    route:
      receiver: pager
    receivers:
      - name: pager
        pagerduty_configs:
          - routing_key_file: /etc/alertmanager/secrets/pagerduty-routing-key
    ```
    """

    code = "A109"
    name = "plaintext-secret"


@runs("alertmanager", PlaintextSecret)
def plaintext_secret(config: AlertmanagerConfig, collector: Collector) -> None:
    from obslint.alertmanager import schema
    version = config.version
    places = []
    if config.global_node is not None:
        places.append(("GlobalConfig", config.global_node))
    for receiver in config.receivers.values():
        for key, configs in receiver.integrations.items():
            places.extend((schema.integration_struct(key), c) for c in configs)
    for struct, node in places:
        fields = schema.known_fields(struct, version)
        for name in schema.SECRET_FILE_TWINS.get(struct, ()):
            value = node.get(name)
            if isinstance(value, ScalarNode) and value.as_str() and f"{name}_file" in fields \
                    and not PLACEHOLDER.search(value.text):
                collector.at(PlaintextSecret, value, f"`{name}` is a secret written inline: use `{name}_file`")


@register
class InhibitWithoutEqual(RoutingCheck):
    """Finds an inhibit rule without `equal`.

    Why: without `equal`, one source alert anywhere (any cluster, any service) inhibits every target
    alert everywhere: one critical alert in staging can silence production's warnings.

    Bad:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
    inhibit_rules:
      - source_matchers: ['severity="critical"']
        target_matchers: ['severity="warning"']
    ```

    Good:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
    inhibit_rules:
      - source_matchers: ['severity="critical"']
        target_matchers: ['severity="warning"']
        equal: [alertname, service]
    ```
    """

    code = "A111"
    name = "inhibit-without-equal"


@runs("alertmanager", InhibitWithoutEqual)
def inhibit_without_equal(config: AlertmanagerConfig, collector: Collector) -> None:
    for rule in config.inhibit_rules:
        if not rule.equal:
            collector.at(InhibitWithoutEqual, rule.node, f"{rule.title} has no `equal`: any source alert anywhere "
                                                         "inhibits every target alert")


@register
class InhibitOverlap(RoutingCheck):
    """Finds an inhibit rule whose source and target matchers one alert can satisfy both (including
    rules with no source or no target matchers, which match every alert).

    Why: alerts that match both sides never inhibit each other (Alertmanager's guard against an alert
    inhibiting itself), so the rule silently does less than it says; with an empty side it does far more.

    Bad:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
    inhibit_rules:
      - source_matchers: ['severity=~"critical|warning"']
        target_matchers: ['severity=~"warning|info"']
        equal: [alertname]
    ```

    Good:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
    inhibit_rules:
      - source_matchers: ['severity="critical"']
        target_matchers: ['severity=~"warning|info"']
        equal: [alertname]
    ```
    """

    code = "A112"
    name = "inhibit-overlap"


@runs("alertmanager", InhibitOverlap)
def inhibit_overlap(config: AlertmanagerConfig, collector: Collector) -> None:
    from obslint.alertmanager import analysis
    for rule in config.inhibit_rules:
        if not rule.source or not rule.target:
            side = "source" if not rule.source else "target"
            collector.at(InhibitOverlap, rule.node, f"{rule.title} has no {side} matchers: its {side} side matches "
                                                    "every alert")
        elif analysis.satisfiable(rule.source + rule.target):
            collector.at(InhibitOverlap, rule.node, f"{rule.title}: an alert can match both its source and its target "
                                                    "matchers, and such alerts never inhibit each other")


@register
class GroupWaitExceedsInterval(RoutingCheck):
    """Finds a route whose effective `group_wait` is not shorter than its `group_interval`.

    Why: the first notification of a group then waits longer than later updates do, the opposite of
    what the two timers are for; usually a unit slip (`5m` for `5s`).

    Bad:
    ```yaml
    route:
      receiver: default
      group_wait: 10m
      group_interval: 5m
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      group_wait: 30s
      group_interval: 5m
    receivers:
      - name: default
    ```
    """

    code = "A113"
    name = "group-wait-exceeds-interval"


@runs("alertmanager", GroupWaitExceedsInterval)
def group_wait_exceeds_interval(config: AlertmanagerConfig, collector: Collector) -> None:
    for route in config.routes():
        if ("group_wait" in route.own or "group_interval" in route.own) and \
                route.group_wait_ms >= route.group_interval_ms:
            collector.at(GroupWaitExceedsInterval, route.node,
                         f"{route.path}: group_wait ({route.group_wait_ms // 1000}s) is not "
                         f"shorter than group_interval ({route.group_interval_ms // 1000}s)")


@register
class GroupIntervalExceedsRepeat(RoutingCheck):
    """Finds a route whose effective `group_interval` is longer than its `repeat_interval`.

    Why: repeats are only sent at group_interval ticks, so the repeat_interval written is not the one
    users get.

    Bad:
    ```yaml
    route:
      receiver: default
      group_interval: 2h
      repeat_interval: 1h
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      group_interval: 5m
      repeat_interval: 1h
    receivers:
      - name: default
    ```
    """

    code = "A114"
    name = "group-interval-exceeds-repeat"


@runs("alertmanager", GroupIntervalExceedsRepeat)
def group_interval_exceeds_repeat(config: AlertmanagerConfig, collector: Collector) -> None:
    for route in config.routes():
        if ("group_interval" in route.own or "repeat_interval" in route.own) and \
                route.group_interval_ms > route.repeat_interval_ms:
            collector.at(GroupIntervalExceedsRepeat, route.node,
                         f"{route.path}: group_interval is longer than repeat_interval")


@register
class TimeIntervalNeverActive(RoutingCheck):
    """Finds a time interval that contains no instant from now on (an empty list, `days_of_month: [31]`
    with `months: [february]`, years in the past).

    Why: as a mute interval it mutes nothing; as an active interval it silences the route for good.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="ml"']
          receiver: default
          mute_time_intervals: [maintenance]
    receivers:
      - name: default
    time_intervals:
      - name: maintenance
        time_intervals:
          - months: [february]
            days_of_month: ['30']
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="ml"']
          receiver: default
          mute_time_intervals: [maintenance]
    receivers:
      - name: default
    time_intervals:
      - name: maintenance
        time_intervals:
          - months: [february]
            days_of_month: ['-1']
    ```
    """

    code = "A115"
    name = "time-interval-never-active"


@runs("alertmanager", TimeIntervalNeverActive)
def time_interval_never_active(config: AlertmanagerConfig, collector: Collector) -> None:
    from obslint.alertmanager import timeintervals
    for interval in config.time_intervals.values():
        if timeintervals.coverage(interval.specs) == "never":
            collector.at(TimeIntervalNeverActive, interval.node,
                         f'time interval "{interval.name}" never contains any instant')


@register
class RouteAlwaysMuted(RoutingCheck):
    """Finds a route that never notifies: a mute interval that covers all time, or active intervals
    that are never active.

    Why: the route still takes its alerts (muting does not affect matching), so they reach no one.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="ml"']
          receiver: default
          mute_time_intervals: [always]
    receivers:
      - name: default
    time_intervals:
      - name: always
        time_intervals:
          - weekdays: ['monday:friday']
          - weekdays: [saturday, sunday]
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="ml"']
          receiver: default
          mute_time_intervals: [weekends]
    receivers:
      - name: default
    time_intervals:
      - name: weekends
        time_intervals:
          - weekdays: [saturday, sunday]
    ```
    """

    code = "A116"
    name = "route-always-muted"


@runs("alertmanager", RouteAlwaysMuted)
def route_always_muted(config: AlertmanagerConfig, collector: Collector) -> None:
    from obslint.alertmanager import timeintervals
    intervals = config.time_intervals
    for route in config.routes():
        mute = [s for n in route.mute_time_intervals if n in intervals for s in intervals[n].specs]
        if mute and timeintervals.coverage(mute) == "always":
            collector.at(RouteAlwaysMuted, route.node, f"{route.path} is muted at every instant by "
                                                       f"{', '.join(route.mute_time_intervals)}")
            continue
        active = [s for n in route.active_time_intervals if n in intervals for s in intervals[n].specs]
        if route.active_time_intervals and timeintervals.coverage(active) == "never":
            collector.at(RouteAlwaysMuted, route.node, f"{route.path} is never active: "
                                                       f"{', '.join(route.active_time_intervals)} contain no instant")


@register
class StrippedBrace(RoutingCheck):
    """Finds an unquoted matcher ending in `}` that the classic parser reads without its brace:
    `code=~[0-9]{3}` becomes the regex `[0-9]{3`, which matches the literal text `5{3`, not `500`.

    Why: the route silently never matches. Quote the value: `code=~"[0-9]{3}"`.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['code=~[0-9]{3}']
          receiver: default
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['code=~"[0-9]{3}"']
          receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A117"
    name = "stripped-brace"


@runs("alertmanager", StrippedBrace)
def stripped_brace(config: AlertmanagerConfig, collector: Collector) -> None:
    for entry in _entries(config):
        text = entry.text.rstrip()
        if entry.parsed.parser == "classic" and text.endswith("}") and not text.lstrip().startswith("{"):
            last = entry.parsed.matchers[-1] if entry.parsed.matchers else None
            if last is not None and not text.endswith('"}'):
                collector.at(StrippedBrace, entry.node, f"the closing `}}` of `{entry.text}` is stripped: the value "
                                                        f'read is "{last.value}"; quote it')


def _entries(config: AlertmanagerConfig):
    for route in config.routes():
        yield from route.entries
    for rule in config.inhibit_rules:
        yield from rule.entries


@register
class MatcherParserDisagreement(RoutingCheck):
    """Finds a matcher string that Alertmanager's classic and UTF-8 parsers read differently, or that
    only the classic parser reads (the UTF-8 parser is the default from 0.27 on, with a fallback; it
    is the only one in utf8-strict mode).

    Why: the config works today and changes meaning, or fails to load, on upgrade. Double-quote
    values and escape backslashes (`x=~"\\\\d+"`), the form both parsers read alike.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['service=model server']
          receiver: default
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['service="model server"']
          receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A118"
    name = "matcher-parser-disagreement"
    severity = Severity.INFO


@runs("alertmanager", MatcherParserDisagreement)
def matcher_parser_disagreement(config: AlertmanagerConfig, collector: Collector) -> None:
    from obslint.alertmanager.matchers import MatcherError, parse_classic, parse_utf8
    version = config.version
    for entry in _entries(config):
        if entry.parsed.parser != "classic":
            continue
        try:
            utf8 = parse_utf8(entry.text, max(version, (0, 27)))
        except MatcherError as exc:
            collector.at(MatcherParserDisagreement, entry.node,
                         f"`{entry.text}`: the UTF-8 matcher parser refuses it ({exc})")
            continue
        if utf8 != parse_classic(entry.text, version):
            collector.at(MatcherParserDisagreement, entry.node,
                         f"`{entry.text}`: the classic and UTF-8 matcher parsers read it "
                         "differently")



@register
class DeprecatedMuteTimeIntervals(RoutingCheck):
    """Finds the top-level `mute_time_intervals:` list, which Alertmanager 0.24 renamed `time_intervals:`
    (the old name is read until 1.0, marked for removal).

    Why: a rename that will become an unknown field, refusing the whole config, on the upgrade that
    drops it. Both names hold the same intervals: rename the key (routes keep their
    `mute_time_intervals:` lists, which are not deprecated).

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="ml"']
          receiver: default
          mute_time_intervals: [nights]
    receivers:
      - name: default
    mute_time_intervals:
      - name: nights
        time_intervals:
          - times: [{start_time: "00:00", end_time: "06:00"}]
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="ml"']
          receiver: default
          mute_time_intervals: [nights]
    receivers:
      - name: default
    time_intervals:
      - name: nights
        time_intervals:
          - times: [{start_time: "00:00", end_time: "06:00"}]
    ```
    """

    code = "A119"
    name = "deprecated-mute-time-intervals"


@runs("alertmanager", DeprecatedMuteTimeIntervals)
def deprecated_mute_time_intervals(config: AlertmanagerConfig, collector: Collector) -> None:
    document = config.document
    key = document.key_node("mute_time_intervals") if isinstance(document, MapNode) else None
    if key is not None:
        collector.at(DeprecatedMuteTimeIntervals, key, "top-level `mute_time_intervals` is deprecated (to be "
                                                       "removed): rename it `time_intervals`")


@register
class EmptyGroupByChangesMeaning(RoutingCheck):
    """Finds `group_by: []` on a route whose parent groups by labels: Alertmanager before 0.31 ignores
    the empty list (the route groups as its parent does); 0.31 and later honour it and put all of the
    route's alerts in one group.

    Why: the same config groups, and so notifies, differently on either side of the upgrade: one
    notification per group becomes one for everything, or the reverse. Say what you mean in a form
    every version reads alike: drop `group_by` to inherit the parent's, or list the labels.

    Bad:
    ```yaml
    route:
      receiver: default
      group_by: [alertname, cluster]
      routes:
        - matchers: ['team="ml"']
          receiver: default
          group_by: []
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      group_by: [alertname, cluster]
      routes:
        - matchers: ['team="ml"']
          receiver: default
          group_by: [alertname]
    receivers:
      - name: default
    ```
    """

    code = "A120"
    name = "empty-group-by-changes-meaning"


@runs("alertmanager", EmptyGroupByChangesMeaning)
def empty_group_by_changes_meaning(config: AlertmanagerConfig, collector: Collector) -> None:
    from obslint.alertmanager.model import EMPTY_GROUP_BY_OVERRIDES_SINCE as SINCE
    for route in config.routes():
        node, parent = route.own.get("group_by"), route.parent
        if not isinstance(node, SeqNode) or node.items or parent is None:
            continue
        if not parent.group_by and not parent.group_by_all:
            continue
        inherited = "['...'] (every label)" if parent.group_by_all else str(sorted(parent.group_by))
        now = "inherits" if config.version < SINCE else "overrides"
        collector.at(EmptyGroupByChangesMeaning, node,
                     f"`group_by: []` on {route.path} {now} the parent's grouping at Alertmanager "
                     f"{config.version[0]}.{config.version[1]}: before {SINCE[0]}.{SINCE[1]} the route groups by "
                     f"{inherited}, from {SINCE[0]}.{SINCE[1]} all its alerts form one group")
