"""What Alertmanager refuses to load: each is an error `amtool check-config` reports too.

`load` finds the config in a file's documents (obslint.alertmanager.documents), decodes it strictly as the
target Alertmanager version does, reports every check `amtool check-config` makes at the offending node,
and builds the route tree with its effective options (obslint.alertmanager.model).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from obslint.alertmanager import schema, timeintervals
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

UTF8_LABEL_NAMES_SINCE = (0, 27)
TEMPLATED_WEBHOOK_URL_SINCE = (0, 31)  # config.SecretTemplateURL


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
    """Finds a receiver without a name, or two receivers with the same name.

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
    """Finds a matcher the target Alertmanager's parser cannot read, and invalid label names in `match`.

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
    """Finds an integration missing what it needs: a Slack config with no API URL (and no global one),
    PagerDuty without a routing or service key, email without `to` or a smarthost, a webhook without
    a URL, a secret set both inline and as a file, a URL without a scheme or host.

    Why: Alertmanager refuses the config, or (for integrations) would have nowhere to send.

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


class Decoder:
    """Decode and validate one config; report what Alertmanager refuses (A0xx), build the model."""

    def __init__(self, collector: Collector, version: tuple[int, int], mode: str | None = None):
        self.c = collector
        self.version = version
        self.mode = mode_for(version, mode)
        self.utf8_names = version >= UTF8_LABEL_NAMES_SINCE and self.mode != "classic"

    # --- entry point ---------------------------------------------------------------------------------

    def load(self, path: str, node: Node | None) -> AlertmanagerConfig | None:
        if node is None or (isinstance(node, ScalarNode) and node.is_null):
            self.c.at(AmRootRoute, node, "no route provided in config")
            return None
        if not isinstance(node, MapNode):
            self._type(node, "the Alertmanager config", "a mapping")
            return None
        self._struct(node, "Config", "config")
        global_node = node.get("global") if isinstance(node.get("global"), MapNode) else None
        intervals = self._time_intervals(node)
        receivers = self._receivers(node, global_node)
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

    # --- strict decoding -----------------------------------------------------------------------------

    def _struct(self, node: Node, struct: str, what: str) -> None:
        """Unknown fields and wrong types anywhere below `node`, which should hold a `struct`."""
        stack = [(node, struct, what)]
        while stack:
            node, struct, what = stack.pop()
            if isinstance(node, ScalarNode) and node.is_null:
                continue
            if not isinstance(node, MapNode):
                self._type(node, what, "a mapping")
                continue
            fields = schema.known_fields(struct, self.version)
            for key, value in node.items:
                kind = fields.get(key.text)
                if kind is None:
                    newer = key.text in schema.STRUCTS.get(struct, {})
                    hint = (f" (Alertmanager {self.version[0]}.{self.version[1]} does not have it yet)"
                            if newer else "")
                    self.c.at(AmUnknownField, key, f"field {key.text} not found in {what}{hint}")
                    continue
                child = f"{what}.{key.text}"
                if kind in schema.STRUCTS:
                    stack.append((value, kind, child))
                elif kind.startswith("["):
                    if self._is_seq(value, child):
                        stack.extend((item, kind[1:-1], f"{child}[{i}]") for i, item in enumerate(value.items))
                elif (struct, key.text) == ("WebhookConfig", "url") and self.version >= TEMPLATED_WEBHOOK_URL_SINCE \
                        and isinstance(value, ScalarNode) and "{{" in value.as_str():
                    self._templated_url(value, child)
                else:
                    self._scalar_kind(value, kind, child)

    def _scalar_kind(self, node: Node, kind: str, what: str) -> None:
        if isinstance(node, ScalarNode) and node.is_null or kind == "any":
            return
        if kind in ("str", "url", "duration"):
            if not isinstance(node, ScalarNode):
                self._type(node, what, "a string")
            elif kind == "duration" and parse_duration(node.text) is None:
                self.c.at(AmInvalidDuration, node, f'{what}: not a valid duration string: "{node.text}"')
            elif kind == "url":
                problem = url_problem(node.text)
                if problem:
                    self.c.at(AmIntegration, node, f"{what}: {problem}")
        elif kind == "bool":
            if not isinstance(node, ScalarNode) or node.as_bool() is None:
                self._type(node, what, "a boolean")
        elif kind == "int":
            if not isinstance(node, ScalarNode) or node.as_int() is None:
                self._type(node, what, "an integer")
        elif kind in ("strlist", "matchers", "labelnames"):
            if self._is_seq(node, what):
                for item in node.items:
                    if not isinstance(item, ScalarNode):
                        self._type(item, what + " entry", "a string")
        elif kind in ("strmap", "regexmap"):
            if not isinstance(node, MapNode):
                self._type(node, what, "a mapping of strings")
            else:
                for _, value in node.items:
                    if not isinstance(value, ScalarNode):
                        self._type(value, what + " value", "a string")

    def _templated_url(self, node: ScalarNode, what: str) -> None:
        """A webhook URL with template syntax (0.31+): Alertmanager parses it with text/template and no
        functions of its own (only Go's builtins), and checks it as a URL only once rendered."""
        from obslint.gotemplate.execute import BUILTIN_NAMES
        from obslint.gotemplate.parse import TemplateError, parse

        try:
            parse("", node.as_str(), BUILTIN_NAMES)
        except TemplateError as exc:
            line, column = node.position_of(exc.offset)
            self.c.add(AmIntegration, line, column, f"{what}: invalid template syntax: {exc.message}")

    def _is_seq(self, node: Node, what: str) -> bool:
        if isinstance(node, SeqNode):
            return True
        if not (isinstance(node, ScalarNode) and node.is_null):
            self._type(node, what, "a list")
        return False

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
        return root

    def _route_options(self, route: Route, node: MapNode) -> None:
        parent = route.parent
        if parent is not None:
            route.receiver = parent.receiver
            route.group_by, route.group_by_all = parent.group_by, parent.group_by_all
            route.group_wait_ms = parent.group_wait_ms
            route.group_interval_ms = parent.group_interval_ms
            route.repeat_interval_ms = parent.repeat_interval_ms
        route.own = {k.text: v for k, v in node.items}
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
            elif not self._label_name_ok(name):
                self.c.at(AmInvalidGroupBy, item, f'invalid label name "{name}" in group_by list')
            elif name in labels:
                self.c.at(AmInvalidGroupBy, item, f'duplicated label "{name}" in group_by')
            else:
                labels.append(name)
        if wildcard and labels:
            self.c.at(AmInvalidGroupBy, node, "cannot have wildcard group_by (`...`) and other labels at the same time")
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

    def _label_name_ok(self, name: str) -> bool:
        return bool(name) if self.utf8_names else bool(LEGACY_LABEL_NAME.fullmatch(name))

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

    def _receivers(self, node: MapNode, global_node: MapNode | None) -> dict[str, Receiver]:
        receivers: dict[str, Receiver] = {}
        items = node.get("receivers")
        if not isinstance(items, SeqNode):
            return receivers
        for item in items.items:
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
            for key, configs in receiver.integrations.items():
                for config in configs:
                    self._integration(key, config, global_node)
        self._global_pairs(global_node)
        return receivers

    def _global_pairs(self, g: MapNode | None) -> None:
        if g is None:
            return
        for name in ("slack_api_url", "opsgenie_api_key", "victorops_api_key", "smtp_auth_password"):
            if _string(g.get(name)) and _string(g.get(name + "_file")):
                self.c.at(AmIntegration, g.key_node(name + "_file"),
                          f"at most one of {name} & {name}_file must be configured")

    def _integration(self, key: str, c: MapNode, g: MapNode | None) -> None:
        """What Alertmanager's config loader requires of each integration (config.go, notifiers.go)."""
        def has(name: str, where: MapNode | None = c) -> bool:
            return where is not None and bool(_string(where.get(name)))

        def need(ok: bool, message: str) -> None:
            if not ok:
                self.c.at(AmIntegration, c, f"{key}: {message}")

        for name in schema.SECRET_FILE_TWINS.get(schema.integration_struct(key), ()):
            if has(name) and has(name + "_file"):
                self.c.at(AmIntegration, c.key_node(name + "_file"),
                          f"{key}: at most one of {name} & {name}_file must be configured")
        if key == "email_configs":
            need(has("to"), "missing to address in email config")
            need(has("smarthost") or has("smtp_smarthost", g), "no global SMTP smarthost set")
            need(has("from") or has("smtp_from", g), "no global SMTP from set")
            for k in ("smarthost",):
                if has(k) and not re.fullmatch(r".*:[^:\]]+", _string(c.get(k))):
                    self.c.at(AmIntegration, c.get(k), f'{key}: address "{_string(c.get(k))}": missing port in address')
        elif key == "slack_configs":
            need(has("api_url") or has("api_url_file") or has("slack_api_url", g) or has("slack_api_url_file", g),
                 "no global Slack API URL set either inline or in a file")
        elif key == "pagerduty_configs":
            need(any(has(k) for k in ("routing_key", "service_key", "routing_key_file", "service_key_file")),
                 "missing service or routing key in PagerDuty config")
        elif key == "webhook_configs":
            if self.version >= (0, 26):
                need(has("url") or has("url_file"), "one of url or url_file must be configured")
            else:
                need(has("url"), "missing URL in webhook config")
        elif key == "opsgenie_configs":
            need(has("api_key") or has("api_key_file") or has("opsgenie_api_key", g) or
                 has("opsgenie_api_key_file", g), "no global OpsGenie API Key set either inline or in a file")
        elif key == "victorops_configs":
            need(has("routing_key"), "missing Routing key in VictorOps config")
            need(has("api_key") or has("api_key_file") or has("victorops_api_key", g) or
                 has("victorops_api_key_file", g), "no global VictorOps API Key set")
        elif key == "pushover_configs":
            need(has("user_key") or has("user_key_file"), "missing user key in Pushover config")
            need(has("token") or has("token_file"), "missing token in Pushover config")
        elif key == "telegram_configs":
            need(has("bot_token") or has("bot_token_file"), "missing bot_token on telegram_config")
            need(has("chat_id") or has("chat_id_file"), "missing chat_id on telegram_config")
        elif key == "discord_configs":
            need(has("webhook_url") or has("webhook_url_file"), "no discord webhook URL provided")
        elif key == "webex_configs":
            need(has("room_id"), "missing room_id on webex_config")
            http = c.get("http_config")
            need(isinstance(http, MapNode) and http.get("authorization") is not None,
                 "missing webex_configs.http_config.authorization")
        elif key == "wechat_configs":
            need(has("api_secret") or has("wechat_api_secret", g), "no global Wechat ApiSecret set")
            need(has("corp_id") or has("wechat_api_corp_id", g), "no global Wechat CorpID set")
        elif key == "sns_configs":
            targets = sum(has(k) for k in ("target_arn", "topic_arn", "phone_number"))
            need(targets == 1, "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config")
        elif key in ("msteams_configs", "msteamsv2_configs"):
            need(has("webhook_url") or has("webhook_url_file"), "one of webhook_url or webhook_url_file must be "
                                                                "configured")

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
                    if not self._label_name_ok(name):
                        message = (f'"{name}" is not a valid label name' if self.version < (0, 27)
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
        parsers = {"weekdays": timeintervals.parse_weekdays, "days_of_month": timeintervals.parse_days_of_month,
                   "months": timeintervals.parse_months, "years": timeintervals.parse_years}
        for item in node.items:
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


def url_problem(text: str) -> str | None:
    """Why Alertmanager's URL fields refuse this text (config.parseURL: Go's url.Parse, then an http(s)
    scheme and a host), or None."""
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        return f"parse {text!r}: {exc}"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return f"parse {text!r}: net/url: invalid control character in URL"
    # url.Parse unescapes the path and the fragment: a % must start an escape there
    for part in (parts.path, parts.fragment):
        bad = _BAD_ESCAPE.search(part)
        if bad:
            return f"parse {text!r}: invalid URL escape {bad.group()!r}"
    host = parts.netloc.rpartition("@")[2]
    bad_host = next((c for c in host if not (c.isalnum() or c in "-._~!$&'()*+,;=:[]<>\"%")), None)
    if bad_host is not None:
        return f"parse {text!r}: invalid character {bad_host!r} in host name"
    if parts.scheme not in ("http", "https"):
        return f'unsupported scheme "{parts.scheme}" for URL'
    if not parts.netloc:
        return "missing host for URL"
    return None


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2}).{0,2}", re.S)
