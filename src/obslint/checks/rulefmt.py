"""What Prometheus's rule format (rulefmt) rejects: each is an error `promtool check rules` reports too.

`load` builds a rule file's model (obslint.rules.model) from its YAML documents and reports, at the
offending node, everything `promtool check rules` rejects for the target Prometheus version: unknown
fields, wrong types, duplicate groups, record and alert in one rule, recording-rule-only
restrictions, invalid names, invalid durations, missing or unparsable expressions (obslint.checks.promql),
Go template errors in alert labels and annotations, and duplicate rules.
"""

from __future__ import annotations

import re

from obslint import gotemplate
from obslint.checks import promql
from obslint.checks.base import Check, register
from obslint.core.collector import Collector
from obslint.core.findings import Severity
from obslint.durations import parse_duration
from obslint.promql import versions
from obslint.rules.model import Rule, RuleFile, RuleGroup
from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode

THANOS_GROUP_FIELD = "partial_response_strategy"  # Thanos Ruler's, on a group: warn or abort (any case)
THANOS_STRATEGIES = ("warn", "abort")
GROUP_FIELDS = {"name": None, "interval": None, "limit": None, "rules": None,
                "query_offset": (2, 53), "labels": (3, 0)}
RULE_FIELDS = {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
LEGACY_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
LEGACY_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
RECORD_BRACES_REFUSED_SINCE = (3, 2)  # rulefmt refuses `{` and `}` in a recording rule's name
UTF8_NAMES_SINCE = (3, 0)


@register
class UnknownField(Check):
    """Finds a key that the rule format does not know (or that the target Prometheus does not know yet).
    A group's `partial_response_strategy` (`warn` or `abort`) makes the file Thanos Ruler's: that is said
    once, as info (Prometheus refuses the file, Thanos loads it); any other value is an error.

    Why: Prometheus decodes rule files strictly and refuses the whole file; a typo such as
    `annotation:` for `annotations:` would otherwise silently drop every annotation.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotation:
              summary: "{{ $labels.instance }} is down"
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotations:
              summary: "{{ $labels.instance }} is down"
    ```
    """

    code = "R001"
    name = "unknown-field"


@register
class WrongType(Check):
    """Finds a field of the wrong YAML type: a list where a mapping belongs, a mapping for a string.

    Why: Prometheus refuses the file with `cannot unmarshal`; obslint says which field and what it
    should hold.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            labels: [severity, critical]
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            labels: {severity: critical}
    ```
    """

    code = "R002"
    name = "wrong-type"


@register
class EmptyGroupName(Check):
    """Finds a rule group without a name.

    Why: Prometheus refuses the file ("Groupname must not be empty").

    Bad:
    ```yaml
    groups:
      - rules:
          - record: job:up:sum
            expr: sum by (job) (up)
    ```

    Good:
    ```yaml
    groups:
      - name: availability
        rules:
          - record: job:up:sum
            expr: sum by (job) (up)
    ```
    """

    code = "R003"
    name = "empty-group-name"


@register
class DuplicateGroup(Check):
    """Finds two groups with the same name in one file.

    Why: Prometheus refuses the file; group names identify groups in its API and metrics.

    Bad:
    ```yaml
    groups:
      - name: availability
        rules: []
      - name: availability
        rules: []
    ```

    Good:
    ```yaml
    groups:
      - name: availability
        rules: []
      - name: latency
        rules: []
    ```
    """

    code = "R004"
    name = "duplicate-group"


@register
class RecordAndAlert(Check):
    """Finds a rule that sets both `record` and `alert`.

    Why: a rule is either a recording rule or an alerting rule; Prometheus refuses the file.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up:sum
            alert: JobDown
            expr: sum by (job) (up) == 0
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: JobDown
            expr: sum by (job) (up) == 0
    ```
    """

    code = "R005"
    name = "record-and-alert"


@register
class NoRecordOrAlert(Check):
    """Finds a rule with neither `record` nor `alert`.

    Why: Prometheus cannot tell what the rule is for and refuses the file.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - expr: up == 0
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
    ```
    """

    code = "R006"
    name = "no-record-or-alert"


@register
class MissingExpr(Check):
    """Finds a rule without an `expr` (or with an empty one).

    Why: Prometheus refuses the file ("field 'expr' must be set in rule").

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
    ```
    """

    code = "R007"
    name = "missing-expr"


@register
class RecordingRuleField(Check):
    """Finds `for`, `keep_firing_for` or `annotations` on a recording rule.

    Why: only alerting rules have them; Prometheus refuses the file.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up:sum
            expr: sum by (job) (up)
            for: 5m
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up:sum
            expr: sum by (job) (up)
    ```
    """

    code = "R008"
    name = "recording-rule-field"


@register
class InvalidRecordName(Check):
    """Finds a recording rule whose `record` is not a valid metric name for the target version.

    Why: the name becomes the metric name of the recorded series; Prometheus refuses the file.
    Before 3.0, metric names are `[a-zA-Z_:][a-zA-Z0-9_:]*`; from 3.0 any UTF-8 name, but from 3.2 one
    with `{` or `}` is refused (it is a selector written as the name, by mistake).

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up{env="prod"}
            expr: sum by (job) (up{env="prod"})
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up_prod:sum
            expr: sum by (job) (up{env="prod"})
    ```
    """

    code = "R009"
    name = "invalid-record-name"
    example_config = {"prometheus_version": (2, 42)}


@register
class InvalidLabelName(Check):
    """Finds a rule label whose name is not valid for the target version, or that sets `__name__`.

    Why: Prometheus refuses the file. Before 3.0, label names are `[a-zA-Z_][a-zA-Z0-9_]*`;
    `__name__` is never a rule label (use `record` to name a series).

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            labels:
              owning-team: sre
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            labels:
              owning_team: sre
    ```
    """

    code = "R010"
    name = "invalid-label-name"
    example_config = {"prometheus_version": (2, 42)}


@register
class InvalidAnnotationName(Check):
    """Finds an annotation whose name is not a valid label name for the target version.

    Why: Prometheus refuses the file. Before 3.0, annotation names follow label-name rules.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotations:
              runbook-url: https://runbooks.example.com/instance-down
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotations:
              runbook_url: https://runbooks.example.com/instance-down
    ```
    """

    code = "R011"
    name = "invalid-annotation-name"
    example_config = {"prometheus_version": (2, 42)}


@register
class InvalidDuration(Check):
    """Finds a `for`, `keep_firing_for` or `interval` that is not a Prometheus duration.

    Why: Prometheus refuses the file. Durations are units in descending order without spaces or
    fractions: `90s`, `1m30s`, `1h`; `1.5m`, `1h 30m` and `30m1h` are not durations.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            for: 1.5m
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            for: 90s
    ```
    """

    code = "R012"
    name = "invalid-duration"


@register
class TemplateSyntax(Check):
    """Finds a label or annotation of an alerting rule that is not a valid Go template.

    Why: Prometheus refuses the file. Templates see `$labels`, `$value`, `$externalLabels` and
    `$externalURL` (and `.Labels`, `.Value`); a misspelled variable, an unknown function or an
    unclosed `{{` is an error.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotations:
              summary: "{{ $label.instance }} is down"
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotations:
              summary: "{{ $labels.instance }} is down"
    ```
    """

    code = "R013"
    name = "template-syntax"


@register
class DuplicateRule(Check):
    """Finds two rules with the same name and the same labels in one file.

    Why: two recording rules writing the same series overwrite each other's samples, and two
    alerts with the same name and labels produce alerts Alertmanager cannot tell apart.
    `promtool check rules` reports this as a lint warning.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up:sum
            expr: sum by (job) (up)
          - record: job:up:sum
            expr: sum by (job) (up{env="prod"})
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up:sum
            expr: sum by (job) (up)
          - record: job:up:sum
            expr: sum by (job) (up{env="prod"})
            labels:
              env: prod
    ```
    """

    code = "R014"
    name = "duplicate-rule"
    severity = Severity.WARNING


def load(path: str, roots: list, config, collector: Collector) -> RuleFile:
    """The rule file of YAML document roots, validated as the target Prometheus loads it."""
    rule_file = RuleFileValidator(collector, config.prometheus_version, config.promql_max_nesting,
                                  config.enable_features).validate(path, roots)
    _duplicate_rules(rule_file, collector)
    return rule_file


def load_file(path, config) -> tuple[RuleFile | None, list]:
    """(the rule file's model, or None when it is no YAML, and the findings of loading it) of one file."""
    from pathlib import Path

    from obslint.checks import files
    from obslint.core.paths import display_path

    collector = Collector(display_path(Path(path), config.display_root), config)
    _, documents = files.read(Path(path), config, collector)
    if documents is None:
        return None, collector.findings
    return load(collector.path, [d.root for d in documents], config, collector), collector.findings


def _duplicate_rules(rule_file: RuleFile, collector: Collector) -> None:
    """promtool's duplicate-rules lint (same name and labels in one file)."""
    seen: dict[tuple, object] = {}
    for rule in rule_file.rules:
        if not rule.name:
            continue
        key = (rule.kind, rule.name, tuple(sorted(rule.labels.items())))
        first = seen.get(key)
        if first is None:
            seen[key] = rule
            continue
        collector.at(DuplicateRule, rule.node, f'{rule.kind} "{rule.name}" with the same labels is already defined '
                                               f"at line {first.node.line}")


class RuleFileValidator:
    """Builds a RuleFile from YAML documents and reports rulefmt problems to a Collector."""

    def __init__(self, collector: Collector, version: tuple[int, int], max_nesting: int = 1500,
                 features: frozenset[str] = frozenset()):
        self.c = collector
        self.version = version
        self.max_nesting = max_nesting
        self.features = features  # the server's --enable-feature flags
        self.thanos_said = False  # a Thanos Ruler field is said once per file

    def validate(self, path: str, roots: list[Node | None]) -> RuleFile:
        rule_file = RuleFile(path)
        documents = [r for r in roots if r is not None]
        if not documents:
            return rule_file
        for root in documents:
            groups_node = self._groups_node(root, rule_file)
            if groups_node is not None:
                self._groups(groups_node, rule_file)
        return rule_file

    def _groups_node(self, root: Node, rule_file: RuleFile) -> Node | None:
        if not isinstance(root, MapNode):
            self._type(root, "a rule file", "a mapping with a `groups` list")
            return None
        kind = root.get("kind")
        if isinstance(kind, ScalarNode) and kind.text == "PrometheusRule":
            rule_file.resource = True
            spec = root.get("spec")
            if not isinstance(spec, MapNode):
                self.c.at(WrongType, spec or root, "a PrometheusRule needs a `spec` mapping with `groups`")
                return None
            self._unknown(spec, {"groups", "partial_response_strategy"}, "PrometheusRule spec")
            return spec.get("groups")
        self._unknown(root, {"groups"}, "rule file")
        return root.get("groups")

    def _groups(self, node: Node, rule_file: RuleFile) -> None:
        if isinstance(node, ScalarNode) and node.is_null:
            return
        if not isinstance(node, SeqNode):
            self._type(node, "groups", "a list of groups")
            return
        seen: dict[str, RuleGroup] = {}
        for item in node.items:
            group = self._group(item)
            if group is None:
                continue
            if group.name in seen:
                self.c.at(DuplicateGroup, group.node.get("name") or group.node,
                          f'group "{group.name}" is repeated in the same file (first at line '
                          f"{seen[group.name].node.line})")
            else:
                seen[group.name] = group
            rule_file.groups.append(group)

    def _group(self, node: Node) -> RuleGroup | None:
        if not isinstance(node, MapNode):
            self._type(node, "a group", "a mapping")
            return None
        allowed = {k for k, since in GROUP_FIELDS.items() if since is None or self.version >= since}
        for key, _ in node.items:
            since = GROUP_FIELDS.get(key.text, "unknown")
            if since not in (None, "unknown") and self.version < since:
                self.c.at(UnknownField, key, f"group field `{key.text}` needs Prometheus {versions.fmt(since)} or "
                                             f"newer; the target is {versions.fmt(self.version)}")
        ignore = {k for k in GROUP_FIELDS if GROUP_FIELDS[k] is not None}
        if self._thanos(node):
            ignore.add(THANOS_GROUP_FIELD)
        self._unknown(node, allowed, "group", ignore=ignore)
        name_node = node.get("name")
        name = self._string(name_node, "group name")
        group = RuleGroup(name or "", node)
        if not name:
            self.c.at(EmptyGroupName, name_node or node, "a group needs a non-empty `name`")
        interval = node.get("interval")
        if interval is not None:
            group.interval_ms = self._duration(interval, "interval")
            group.interval_node = interval
        limit = node.get("limit")
        if isinstance(limit, ScalarNode) and not limit.is_null:
            value = limit.as_int()
            if value is None:
                self.c.at(WrongType, limit, f"`limit` must be an integer, not {limit.text!r}")
            else:
                group.limit = value
        elif limit is not None and not isinstance(limit, ScalarNode):
            self._type(limit, "limit", "an integer")
        rules = node.get("rules")
        if rules is None or (isinstance(rules, ScalarNode) and rules.is_null):
            return group
        if not isinstance(rules, SeqNode):
            self._type(rules, "rules", "a list of rules")
            return group
        for index, item in enumerate(rules.items, start=1):
            rule = self._rule(item, index, group)
            if rule is not None:
                group.rules.append(rule)
        return group

    def _rule(self, node: Node, index: int, group: RuleGroup) -> Rule | None:
        if not isinstance(node, MapNode):
            self._type(node, "a rule", "a mapping")
            return None
        fields = {key.text: value for key, value in node.items}  # keys are unique (the loader checks)
        if not fields.keys() <= RULE_FIELDS:
            self._unknown(node, RULE_FIELDS, "rule")
        record_node, alert_node = fields.get("record"), fields.get("alert")
        record = self._string(record_node, "record")
        alert = self._string(alert_node, "alert")
        where = f'group "{group.name}", rule {index}'
        if record and alert:
            self.c.at(RecordAndAlert, alert_node, f"{where}: only one of `record` and `alert` may be set")
        elif not record and not alert:
            self.c.at(NoRecordOrAlert, node, f"{where}: one of `record` or `alert` must be set")
        kind = "record" if record else "alert"
        rule = Rule(kind, record or alert or "", node, record_node if record else alert_node, index, group)
        label = f'{where} "{rule.name}"'

        expr_node = fields.get("expr")
        if isinstance(expr_node, ScalarNode) and not expr_node.is_null and expr_node.text.strip():
            from obslint.promql.parse import parse_expr  # the parser, when there is an expression to parse

            rule.expr, rule.expr_node = expr_node.text, expr_node
            rule.parsed = parse_expr(expr_node.text, self.version, self.max_nesting, self.features)
            if rule.parsed.problems or rule.parsed.warnings:
                self._promql(rule, label)
        elif expr_node is not None and not isinstance(expr_node, ScalarNode):
            self._type(expr_node, "expr", "a string")
        else:
            self.c.at(MissingExpr, expr_node or node, f"{label}: the rule has no `expr`")

        for key in ("for", "keep_firing_for"):
            value = fields.get(key)
            if value is None:
                continue
            ms = self._duration(value, key) or 0
            if key == "for":
                rule.for_ms = ms
            else:
                rule.keep_firing_for_ms = ms
            if record and ms:
                self.c.at(RecordingRuleField, node.key_node(key), f"{label}: a recording rule cannot have `{key}`")
        annotations = fields.get("annotations")
        rule.labels, rule.label_nodes = self._string_map(fields.get("labels"), "labels")
        rule.annotations, rule.annotation_nodes = self._string_map(annotations, "annotations")
        if record and annotations is not None and rule.annotations:
            self.c.at(RecordingRuleField, node.key_node("annotations"),
                      f"{label}: a recording rule cannot have `annotations`")
        if record and not self._metric_name_ok(record):
            self.c.at(InvalidRecordName, record_node,
                      f"{label}: {record!r} is not a valid metric name for a recording rule")
        for name, (key_node, _) in rule.label_nodes.items():
            if name == "__name__" or not self._label_name_ok(name):
                self.c.at(InvalidLabelName, key_node, f"{label}: {name!r} is not a valid label name")
        for name, (key_node, _) in rule.annotation_nodes.items():
            if not self._label_name_ok(name):
                self.c.at(InvalidAnnotationName, key_node, f"{label}: {name!r} is not a valid annotation name")
        if alert and not record:
            self._templates(rule, label)
        return rule

    def _promql(self, rule: Rule, label: str) -> None:
        promql.report(rule.parsed, rule.expr_position, label, self.c)

    def _templates(self, rule: Rule, label: str) -> None:
        for kind, nodes in (("label", rule.label_nodes), ("annotation", rule.annotation_nodes)):
            for name, (_, value_node) in nodes.items():
                if not isinstance(value_node, ScalarNode) or "{{" not in value_node.text:
                    continue  # plain text: nothing to parse
                try:
                    rule.templates[(kind, name)] = gotemplate.parse_template(value_node.text, self.version)
                except gotemplate.TemplateError as exc:
                    line, column = value_node.position_of(exc.offset)
                    self.c.add(TemplateSyntax, line, column, f"{label}: {kind} {name!r}: template: {exc}")

    # helpers

    def _label_name_ok(self, name: str) -> bool:
        if self.version >= UTF8_NAMES_SINCE:
            return name != ""
        return LEGACY_LABEL_NAME.fullmatch(name) is not None

    def _metric_name_ok(self, name: str) -> bool:
        if self.version >= UTF8_NAMES_SINCE:
            # any UTF-8 name, but from 3.2 not one with braces (a selector written as a name, by mistake)
            return name != "" and not (self.version >= RECORD_BRACES_REFUSED_SINCE and ("{" in name or "}" in name))
        return LEGACY_METRIC_NAME.fullmatch(name) is not None

    def _thanos(self, group: MapNode) -> bool:
        """Whether the group carries Thanos Ruler's `partial_response_strategy` with a value Thanos accepts
        (then said once per file, as info); any other value is left to the unknown-field error."""
        value = group.get(THANOS_GROUP_FIELD)
        if not isinstance(value, ScalarNode) or value.as_str().strip().lower() not in THANOS_STRATEGIES:
            return False
        if not self.thanos_said:
            self.thanos_said = True
            key = next(k for k, _ in group.items if k.text == THANOS_GROUP_FIELD)
            self.c.at(UnknownField, key, f"`{THANOS_GROUP_FIELD}` is Thanos Ruler's: Thanos loads this file, "
                                         "Prometheus refuses it (promtool check rules fails)", Severity.INFO)
        return True

    def _unknown(self, node: MapNode, allowed: set[str], what: str, ignore: set[str] = frozenset()) -> None:
        for key, _ in node.items:
            if key.text not in allowed and key.text not in ignore:
                self.c.at(UnknownField, key,
                          f"unknown field `{key.text}` in {what} (known: {', '.join(sorted(allowed))})")

    def _type(self, node: Node, what: str, expected: str) -> None:
        self.c.at(WrongType, node, f"{what} must be {expected}, not a {node.kind}")

    def _string(self, node: Node | None, what: str) -> str | None:
        if node is None:
            return None
        if isinstance(node, ScalarNode):
            return node.as_str()
        self._type(node, what, "a string")
        return None

    def _duration(self, node: Node, what: str) -> int | None:
        if not isinstance(node, ScalarNode):
            self._type(node, what, "a duration")
            return None
        if node.is_null:
            return None
        ms = parse_duration(node.text)
        if ms is None:
            self.c.at(InvalidDuration, node,
                      f"`{what}`: {node.text!r} is not a valid duration (such as 30s, 5m, 1h30m)")
        return ms

    def _string_map(self, node: Node | None, what: str):
        values: dict[str, str] = {}
        nodes: dict[str, tuple[ScalarNode, Node]] = {}
        if node is None or (isinstance(node, ScalarNode) and node.is_null):
            return values, nodes
        if not isinstance(node, MapNode):
            self._type(node, what, "a mapping of names to strings")
            return values, nodes
        for key, value in node.items:
            if not isinstance(value, ScalarNode):
                self._type(value, f"{what}.{key.text}", "a string")
                continue
            values[key.text] = value.as_str()
            nodes[key.text] = (key, value)
        return values, nodes
