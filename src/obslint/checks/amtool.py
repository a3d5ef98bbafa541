"""What Alertmanager refuses to load: each is an error `amtool check-config` reports too.

`load` finds the config in a file's documents (obslint.alertmanager.documents), decodes it strictly as the
target Alertmanager version does, reports every check `amtool check-config` makes at the offending node,
and builds the route tree with its effective options (obslint.alertmanager.model).
"""

from __future__ import annotations

from obslint.alertmanager import schema, timeintervals, validate
from obslint.alertmanager.documents import UnwrapError, find_config, unwrap
from obslint.alertmanager.matchers import (
    EQ,
    LEGACY_LABEL_NAME,
    RE,
    MatcherError,
    mode_for,
    new_matcher,
    parse_entry,
)
from obslint.alertmanager.model import (
    EMPTY_GROUP_BY_OVERRIDES_SINCE,
    AlertmanagerConfig,
    InhibitRule,
    MatcherEntry,
    Receiver,
    Route,
    TimeInterval,
)
from obslint.checks.base import Check, register
from obslint.core.collector import Collector
from obslint.durations import parse_duration
from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode

UTF8_LABEL_NAMES_SINCE = (0, 27)  # group_by names: any UTF-8 unless in classic mode
UTF8_EQUAL_SINCE = (0, 28)  # inhibit rules' equal names (0.27 still read them as legacy label names)


class AlertmanagerCheck(Check):
    kind = "alertmanager"
    example_filename = "alertmanager/alertmanager.yml"


@register
class AmUnknownField(AlertmanagerCheck):
    """Finds a key Alertmanager's config does not know (or that the target version does not have yet).

    Why: Alertmanager decodes strictly and refuses the whole config, so a typo such as `recievers:`
    stops a reload; on an old Alertmanager a field from a newer release does the same.

    Bad:
    ```yaml
    route:
      receiver: default
      group_wiat: 30s
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      group_wait: 30s
    receivers:
      - name: default
    ```
    """

    code = "A001"
    name = "am-unknown-field"


@register
class AmWrongType(AlertmanagerCheck):
    """Finds a field of the wrong YAML type: a string where a list of matchers belongs, a mapping for a string.

    Why: Alertmanager refuses the config with `cannot unmarshal`; `matchers: "a=1"` (a string, not a
    list) is the classic case.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: severity="critical"
          receiver: default
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['severity="critical"']
          receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A002"
    name = "am-wrong-type"


@register
class AmRootRoute(AlertmanagerCheck):
    """Finds a config without a route, or a root route that breaks the root's rules: no default receiver,
    matchers, mute or active time intervals, or `continue`.

    Why: the root route is the fallback every alert reaches; Alertmanager refuses a root that could
    miss alerts or has no receiver.

    Bad:
    ```yaml
    route:
      matchers: ['severity="critical"']
      receiver: default
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['severity="critical"']
          receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A003"
    name = "am-root-route"


@register
class AmUndefinedReceiver(AlertmanagerCheck):
    """Finds a route whose receiver is not defined under `receivers:`.

    Why: Alertmanager refuses the config (`undefined receiver "X" used in route`).

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="db"']
          receiver: db-pager
    receivers:
      - name: default
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

    code = "A004"
    name = "am-undefined-receiver"


@register
class AmReceiverName(AlertmanagerCheck):
    """Finds a receiver without a name, two receivers with the same name, or (0.33) a receiver whose
    `labels` set `name` to something else.

    Why: Alertmanager refuses the config (`notification config name "X" is not unique`).

    Bad:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A005"
    name = "am-receiver-name"


@register
class AmInvalidMatcher(AlertmanagerCheck):
    """Finds a matcher the target Alertmanager's parser cannot read, and invalid label names in `match`
    and in a route's `labels` (0.34).

    Why: Alertmanager refuses the config. Which strings parse depends on the version: up to 0.26 only
    the classic parser; from 0.27 the UTF-8 parser with a fallback to the classic one.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['severity="critical']
          receiver: default
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['severity="critical"']
          receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A006"
    name = "am-invalid-matcher"


@register
class AmInvalidRegex(AlertmanagerCheck):
    """Finds a regex matcher that Go's RE2 refuses (lookaround, backreferences, repeats over 1000, ...).

    Why: Alertmanager refuses the config (`error parsing regexp`). Python's `re` would accept several
    of these, so obslint compiles them with RE2 as Go does.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['service=~"(?!db).*"']
          receiver: default
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['service!~"db.*"']
          receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A007"
    name = "am-invalid-regex"


@register
class AmInvalidDuration(AlertmanagerCheck):
    """Finds a duration that is not Prometheus's format (`1h30m`, not `1.5h` or `90 m`), and a zero
    `group_interval` or `repeat_interval`.

    Why: Alertmanager refuses the config (`not a valid duration string`, `group_interval cannot be zero`).

    Bad:
    ```yaml
    route:
      receiver: default
      group_interval: 1.5m
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      group_interval: 90s
    receivers:
      - name: default
    ```
    """

    code = "A008"
    name = "am-invalid-duration"


@register
class AmInvalidGroupBy(AlertmanagerCheck):
    """Finds a `group_by` with an invalid or repeated label name, or `...` mixed with labels.

    Why: Alertmanager refuses the config; `['...', 'alertname']` does not mean what it seems to.

    Bad:
    ```yaml
    route:
      receiver: default
      group_by: ['...', alertname]
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      group_by: ['...']
    receivers:
      - name: default
    ```
    """

    code = "A009"
    name = "am-invalid-group-by"


@register
class AmTimeInterval(AlertmanagerCheck):
    """Finds a time interval that does not parse (`9:00`, `monday:sunday` reversed, unknown zones),
    one without a name or defined twice, and a route naming an undefined one.

    Why: Alertmanager refuses the config, and a mute window that does not load mutes nothing.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="db"']
          receiver: default
          mute_time_intervals: [nights]
    receivers:
      - name: default
    time_intervals:
      - name: nights
        time_intervals:
          - times: [{start_time: "22:00", end_time: "06:00"}]
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="db"']
          receiver: default
          mute_time_intervals: [nights]
    receivers:
      - name: default
    time_intervals:
      - name: nights
        time_intervals:
          - times: [{start_time: "22:00", end_time: "24:00"}, {start_time: "00:00", end_time: "06:00"}]
    ```
    """

    code = "A010"
    name = "am-time-interval"


@register
class AmIntegration(AlertmanagerCheck):
    """Finds an integration the target Alertmanager refuses: one missing what it needs (a Slack config
    with no API URL or app token, and no global one; PagerDuty without a routing or service key; email
    without `to` or a smarthost; a webhook without a URL; Telegram without a chat), a secret set both
    inline and as a file (there or in `global`), a value outside its choices (`parse_mode`,
    `message_type`, responder types, `api_type`), a URL without an http(s) scheme or a host, an
    address without a port, a null entry in an integration list.

    Why: Alertmanager refuses the whole config, so a reload keeps the old one (or a fresh start fails).

    Bad:
    ```yaml
    route:
      receiver: pager
    receivers:
      - name: pager
        pagerduty_configs:
          - severity: critical
    ```

    Good:
    ```yaml
    route:
      receiver: pager
    receivers:
      - name: pager
        pagerduty_configs:
          - routing_key_file: /etc/alertmanager/secrets/pagerduty-key
            severity: critical
    ```
    """

    code = "A011"
    name = "am-integration"


@register
class AmInvalidEqual(AlertmanagerCheck):
    """Finds an inhibit rule whose `equal` list names an invalid label.

    Why: Alertmanager refuses the config.

    Bad:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
    inhibit_rules:
      - source_matchers: ['severity="critical"']
        target_matchers: ['severity="warning"']
        equal: [k8s-namespace]
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
        equal: [namespace]
    ```
    """

    code = "A012"
    name = "am-invalid-equal"
    example_config = {"alertmanager_version": (0, 25)}


@register
class AmClientConfig(AlertmanagerCheck):
    """Finds HTTP client settings the target Alertmanager refuses: in any `http_config` (global, each
    integration's, the event recorder's webhooks), `basic_auth`, `authorization`, `oauth2`, `tls_config`,
    proxy settings and `http_headers`; an SNS `sigv4` block; `tracing`; the event recorder's outputs.

    Why: Alertmanager refuses the whole config: two credentials at once (`basic_auth` with a
    `bearer_token`), a secret both inline and as a file, a client certificate without its key, a
    `no_proxy` without a `proxy_url`, a TLS version that does not exist, a reserved header.

    Bad:
    ```yaml
    route:
      receiver: hook
    receivers:
      - name: hook
        webhook_configs:
          - url: https://hooks.example.com/alerts
            http_config:
              basic_auth: {username: alertmanager, password_file: /etc/alertmanager/hook-password}
              bearer_token_file: /etc/alertmanager/hook-token
    ```

    Good:
    ```yaml
    route:
      receiver: hook
    receivers:
      - name: hook
        webhook_configs:
          - url: https://hooks.example.com/alerts
            http_config:
              basic_auth: {username: alertmanager, password_file: /etc/alertmanager/hook-password}
    ```
    """

    code = "A013"
    name = "am-client-config"


def load(roots: list, config, collector: Collector) -> AlertmanagerConfig | None:
    """The Alertmanager config of a file's documents (plain, Secret or Helm values), validated, or None."""
    node, wrapping = find_config(roots)
    if wrapping == "none":
        collector.add(AmRootRoute, 1, 1, "no Alertmanager config here (no `route:`, no Secret with "
                                         "alertmanager.yaml, no Helm `alertmanager.config`)")
        return None
    return load_found(node, wrapping, config, collector)


def load_found(node: Node | None, wrapping: str, config, collector: Collector) -> AlertmanagerConfig | None:
    """An Alertmanager config found in a file (obslint.alertmanager.documents.find_config, or the engine's
    classification: `wrapping` plain, helm, embedded (a tree read from a string already), secret-stringData
    or secret-data (the Secret's string)), validated, or None."""
    from obslint.checks.files import YamlSyntax

    try:
        node = unwrap(node, wrapping, config.max_yaml_nodes)
    except UnwrapError as exc:
        collector.add(AmWrongType if exc.kind == "encoding" else YamlSyntax, exc.line, exc.column, exc.message)
        return None
    if node is None:
        return None
    return Decoder(collector, config.alertmanager_version, config.matcher_mode).load(collector.path, node)


# what each kind of problem obslint.alertmanager.validate finds is reported as
PROBLEM_CHECKS = {
    validate.UNKNOWN: AmUnknownField, validate.TYPE: AmWrongType, validate.CRASH: AmWrongType,
    validate.DURATION: AmInvalidDuration, validate.INTEGRATION: AmIntegration, validate.CLIENT: AmClientConfig,
    validate.RECEIVER: AmReceiverName, validate.LABEL: AmInvalidMatcher,
}


class Decoder:
    """Decode and validate one config; report what Alertmanager refuses (A0xx), build the model."""

    def __init__(self, collector: Collector, version: tuple[int, int], mode: str | None = None):
        self.c = collector
        self.version = version
        self.mode = mode_for(version, mode)
        # which label names group_by (0.27) and inhibit rules' equal (0.28) accept besides the legacy ones
        utf8 = self.mode != "classic"
        self.utf8_group_by = utf8 and version >= UTF8_LABEL_NAMES_SINCE
        self.utf8_equal = utf8 and version >= UTF8_EQUAL_SINCE

    # --- entry point ---------------------------------------------------------------------------------

    def load(self, path: str, node: Node | None) -> AlertmanagerConfig | None:
        if node is None or (isinstance(node, ScalarNode) and node.is_null):
            self.c.at(AmRootRoute, node, "no route provided in config")
            return None
        if not isinstance(node, MapNode):
            self._type(node, "the Alertmanager config", "a mapping")
            return None
        checker = validate.Validator(self.version, self.mode)
        checker.walk(node, "Config", "config")
        checker.config_checks(node, lambda n: checker.status.get(id(n), True))
        for problem in checker.problems:
            self.c.at(PROBLEM_CHECKS[problem.kind], problem.node, problem.message)
        global_node = node.get("global") if isinstance(node.get("global"), MapNode) else None
        intervals = self._time_intervals(node)
        receivers = self._receivers(node)
        route_node = node.get("route")
        if route_node is None or (isinstance(route_node, ScalarNode) and route_node.is_null):
            self.c.at(AmRootRoute, node, "no routes provided (the config has no `route:`)")
            return None
        if not isinstance(route_node, MapNode):
            return None  # reported as a wrong type
        root = self._route(route_node, None, ())
        self._root_checks(root, route_node)
        for route in root.walk():
            self._references(route, receivers, intervals)
        config = AlertmanagerConfig(path, root, self.version, self.mode, receivers,
                                    self._inhibit_rules(node), intervals, global_node, node)
        return config

    def _type(self, node: Node, what: str, expected: str) -> None:
        got = {"scalar": "a string", "seq": "a list", "map": "a mapping"}[node.kind]
        if isinstance(node, ScalarNode) and expected != "a string":
            got = f"`{node.text}`"
        self.c.at(AmWrongType, node, f"{what} must be {expected}, not {got}")

    # --- the parts -----------------------------------------------------------------------------------

    def _route(self, node: MapNode, parent: Route | None, indices: tuple[int, ...]) -> Route:
        root = Route(node, parent, indices)
        stack = [(root, node)]
        while stack:
            route, node = stack.pop()
            self._route_options(route, node)
            children = node.get("routes")
            if isinstance(children, SeqNode):
                for i, child in enumerate(children.items):
                    if isinstance(child, MapNode):
                        sub = Route(child, route, route.indices + (i,))
                        route.routes.append(sub)
                        stack.append((sub, child))
                    elif isinstance(child, ScalarNode) and child.is_null:  # checkReceiver dereferences it
                        self.c.at(AmWrongType, child, f"a null route makes Alertmanager {self._v()} crash (nil "
                                                      "pointer)")
        return root

    def _route_options(self, route: Route, node: MapNode) -> None:
        parent = route.parent
        if parent is not None:
            route.receiver = parent.receiver
            route.group_by, route.group_by_all = parent.group_by, parent.group_by_all
            route.group_wait_ms = parent.group_wait_ms
            route.group_interval_ms = parent.group_interval_ms
            route.repeat_interval_ms = parent.repeat_interval_ms
            route.labels = parent.labels
        route.own = {k.text: v for k, v in node.items}
        own_labels = node.get("labels")
        if isinstance(own_labels, MapNode) and own_labels.items:
            route.labels = {**route.labels, **{k.text: v.as_str() for k, v in own_labels.items
                                               if isinstance(v, ScalarNode)}}
        receiver = _string(node.get("receiver"))
        if receiver:
            route.receiver = receiver
        self._group_by(route, node.get("group_by"))
        for key, attr in (("group_wait", "group_wait_ms"), ("group_interval", "group_interval_ms"),
                          ("repeat_interval", "repeat_interval_ms")):
            value = node.get(key)
            if isinstance(value, ScalarNode) and not value.is_null:
                ms = parse_duration(value.text)
                if ms is not None:
                    if ms == 0 and key != "group_wait":
                        self.c.at(AmInvalidDuration, value, f"{key} cannot be zero")
                    setattr(route, attr, ms)
        cont = node.get("continue")
        route.continue_ = isinstance(cont, ScalarNode) and cont.as_bool() is True
        route.mute_time_intervals = _strings(node.get("mute_time_intervals"))
        route.active_time_intervals = _strings(node.get("active_time_intervals"))
        matchers = []
        matchers += self._match_map(node, "match", route.deprecated)
        matchers += self._match_map(node, "match_re", route.deprecated)
        matchers += self._entries(node.get("matchers"), "route", route.entries)
        route.matchers = sorted(matchers, key=lambda m: m.sort_key())

    def _group_by(self, route: Route, node: Node | None) -> None:
        if not isinstance(node, SeqNode):
            return
        labels, wildcard = [], False
        for item in node.items:
            if not isinstance(item, ScalarNode):
                continue
            name = item.as_str()
            if name == "...":
                wildcard = True
            elif not _label_name_ok(name, self.utf8_group_by):
                self.c.at(AmInvalidGroupBy, item, f'invalid label name "{name}" in group_by list')
            elif name in labels:
                self.c.at(AmInvalidGroupBy, item, f'duplicated label "{name}" in group_by')
            else:
                labels.append(name)
        if wildcard and labels:
            other = "other other" if self.version < (0, 29) else "other"
            self.c.at(AmInvalidGroupBy, node, f"cannot have wildcard group_by (`...`) and {other} labels at the "
                                              "same time")
        if labels or (not wildcard and not node.items and self.version >= EMPTY_GROUP_BY_OVERRIDES_SINCE):
            route.group_by, route.group_by_all = frozenset(labels), False
        elif wildcard:
            route.group_by_all = True

    def _match_map(self, node: MapNode, key: str, deprecated: list) -> list:
        value = node.get(key)
        if not isinstance(value, MapNode):
            return []
        deprecated.append(node.key_node(key))
        found = []
        for k, v in value.items:
            if not LEGACY_LABEL_NAME.fullmatch(k.text):
                self.c.at(AmInvalidMatcher, k, f'invalid label name "{k.text}"')
                continue
            if not isinstance(v, ScalarNode):
                continue
            if key.endswith("_re"):
                if v.is_null:
                    self.c.at(AmInvalidMatcher, v, f'invalid regexp value for "{k.text}"')
                    continue
                try:
                    found.append(new_matcher(RE, k.text, v.as_str(), self.version))
                except MatcherError as exc:
                    self.c.at(AmInvalidRegex, v, str(exc))
            else:
                found.append(new_matcher(EQ, k.text, v.as_str(), self.version))
        return found

    def _entries(self, node: Node | None, owner: str, entries: list) -> list:
        if not isinstance(node, SeqNode):
            return []
        found = []
        for item in node.items:
            if not isinstance(item, ScalarNode):
                continue
            text = item.as_str()
            try:
                parsed = parse_entry(text, self.mode, self.version)
            except MatcherError as exc:
                code = AmInvalidRegex if "error parsing regexp" in str(exc) else AmInvalidMatcher
                self.c.at(code, item, f"{exc}")
                continue
            entries.append(MatcherEntry(item, text, parsed, owner))
            found.extend(parsed.matchers)
        return found

    def _root_checks(self, root: Route, node: MapNode) -> None:
        if not _string(node.get("receiver")):
            self.c.at(AmRootRoute, node.key_node("receiver") or node, "root route must specify a default receiver")
        if root.matchers or root.deprecated and any(
                isinstance(node.get(k), MapNode) and node.get(k).items for k in ("match", "match_re")):
            self.c.at(AmRootRoute, node, "root route must not have any matchers")
        for key, what in (("mute_time_intervals", "mute"), ("active_time_intervals", "active")):
            if _strings(node.get(key)):
                self.c.at(AmRootRoute, node.key_node(key), f"root route must not have any {what} time intervals")
        if root.continue_:
            self.c.at(AmRootRoute, node.key_node("continue"), "cannot have continue in root route")

    def _references(self, route: Route, receivers: dict, intervals: dict) -> None:
        node = route.node
        own = _string(node.get("receiver"))
        if own and own not in receivers:
            self.c.at(AmUndefinedReceiver, node.get("receiver"), f'undefined receiver "{own}" used in route')
        for key in ("mute_time_intervals", "active_time_intervals"):
            items = node.get(key)
            if isinstance(items, SeqNode):
                for item in items.items:
                    if isinstance(item, ScalarNode) and item.as_str() not in intervals:
                        self.c.at(AmTimeInterval, item, f'undefined time interval "{item.as_str()}" used in route')

    def _receivers(self, node: MapNode) -> dict[str, Receiver]:
        receivers: dict[str, Receiver] = {}
        items = node.get("receivers")
        if not isinstance(items, SeqNode):
            return receivers
        unnamed = 0
        for item in items.items:
            if isinstance(item, ScalarNode) and item.is_null:
                # Go decodes a null receiver to its zero value, named "" (0.25 holds pointers: a nil one crashes)
                if self.version < (0, 26):
                    self.c.at(AmWrongType, item, f"a null receiver makes Alertmanager {self._v()} crash (nil pointer)")
                elif unnamed:
                    self.c.at(AmReceiverName, item, 'notification config name "" is not unique')
                unnamed += 1
                continue
            if not isinstance(item, MapNode):
                continue
            name = _string(item.get("name"))
            if not name:
                self.c.at(AmReceiverName, item, "missing name in receiver")
                continue
            if name in receivers:
                self.c.at(AmReceiverName, item.get("name"), f'notification config name "{name}" is not unique')
                continue
            receiver = Receiver(name, item)
            for key, value in item.items:
                if schema.integration_struct(key.text) and isinstance(value, SeqNode):
                    receiver.integrations[key.text] = [v for v in value.items if isinstance(v, MapNode)]
            receivers[name] = receiver
        return receivers

    def _v(self) -> str:
        return "%d.%d" % self.version

    def _inhibit_rules(self, node: MapNode) -> list[InhibitRule]:
        rules = []
        items = node.get("inhibit_rules")
        if not isinstance(items, SeqNode):
            return rules
        for i, item in enumerate(items.items):
            if not isinstance(item, MapNode):
                continue
            rule = InhibitRule(item, i, name=_string(item.get("name")))
            for side in ("source", "target"):
                found = self._match_map(item, f"{side}_match", rule.deprecated)
                found += self._match_map(item, f"{side}_match_re", rule.deprecated)
                found += self._entries(item.get(f"{side}_matchers"), side, rule.entries)
                setattr(rule, side, found)
            equal = item.get("equal")
            if isinstance(equal, SeqNode):
                for label in equal.items:
                    if not isinstance(label, ScalarNode):
                        continue
                    name = label.as_str()
                    if not _label_name_ok(name, self.utf8_equal):
                        message = (f'"{name}" is not a valid label name' if self.version < UTF8_EQUAL_SINCE
                                   else f'invalid label name "{name}" in equal list')
                        self.c.at(AmInvalidEqual, label, message)
                    else:
                        rule.equal.append(name)
            rules.append(rule)
        return rules

    def _time_intervals(self, node: MapNode) -> dict[str, TimeInterval]:
        found: dict[str, TimeInterval] = {}
        for key, what in (("mute_time_intervals", "mute time interval"), ("time_intervals", "time interval")):
            items = node.get(key)
            if not isinstance(items, SeqNode):
                continue
            for item in items.items:
                if isinstance(item, ScalarNode) and item.is_null:  # the zero value: named "", never checked
                    if "" in found:
                        self.c.at(AmTimeInterval, item, f'{what} "" is not unique')
                    found[""] = TimeInterval("", MapNode(item.line, item.column, item.tag))
                    continue
                if not isinstance(item, MapNode):
                    continue
                name = _string(item.get("name"))
                if not name:
                    self.c.at(AmTimeInterval, item, f"missing name in {what}")
                    continue
                if name in found:
                    self.c.at(AmTimeInterval, item.get("name"), f'{what} "{name}" is not unique')
                    continue
                found[name] = TimeInterval(name, item, self._specs(item.get("time_intervals")))
        return found

    def _specs(self, node: Node | None) -> list[timeintervals.Spec]:
        specs = []
        if not isinstance(node, SeqNode):
            return specs
        version = self.version
        parsers = {"weekdays": lambda text: timeintervals.parse_weekdays(text, version),
                   "days_of_month": timeintervals.parse_days_of_month,
                   "months": lambda text: timeintervals.parse_months(text, version), "years": timeintervals.parse_years}
        for item in node.items:
            if isinstance(item, ScalarNode) and item.is_null:
                specs.append(timeintervals.Spec())  # the zero value: every field omitted, always
                continue
            if not isinstance(item, MapNode):
                continue
            spec = timeintervals.Spec()
            try:
                times = item.get("times")
                if isinstance(times, SeqNode):
                    spec.times = []
                    for t in times.items:
                        if isinstance(t, MapNode):
                            spec.times.append(self._interval(t, lambda t=t: timeintervals.parse_times(
                                _string(t.get("start_time")), _string(t.get("end_time")))))
                for key, parse in parsers.items():
                    values = item.get(key)
                    if isinstance(values, SeqNode):
                        setattr(spec, key, [self._interval(v, lambda v=v, p=parse: p(_string(v)))
                                            for v in values.items if isinstance(v, ScalarNode)])
                location = item.get("location")
                if isinstance(location, ScalarNode) and not location.is_null:
                    name = spec.location = location.as_str()
                    spec.zone = self._interval(location, lambda name=name: timeintervals.load_zone(name))
            except _Reported:
                continue
            specs.append(spec)
        return specs

    def _interval(self, node: Node, parse):
        try:
            return parse()
        except timeintervals.IntervalError as exc:
            self.c.at(AmTimeInterval, node, str(exc))
            raise _Reported() from None


class _Reported(Exception):
    """A time-interval spec whose error is reported; the spec is left out of the model."""


def _string(node: Node | None) -> str:
    return node.as_str() if isinstance(node, ScalarNode) else ""


def _strings(node: Node | None) -> list[str]:
    if not isinstance(node, SeqNode):
        return []
    return [item.as_str() for item in node.items if isinstance(item, ScalarNode)]


def _label_name_ok(name: str, utf8: bool) -> bool:
    """A label name as the version's validation reads it: legacy `[a-zA-Z_][a-zA-Z0-9_]*`, or (UTF-8
    label names) any non-empty string."""
    return bool(name) if utf8 else bool(LEGACY_LABEL_NAME.fullmatch(name))
