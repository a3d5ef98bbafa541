"""Prometheus rule files: the model, and every check Prometheus's rulefmt does when it loads one.

A rule file is a plain `groups:` file or a PrometheusRule custom resource (`spec.groups`). Loading one
reports, at the offending node, everything `promtool check rules` rejects for the target Prometheus
version: YAML errors, unknown fields, wrong types, duplicate groups, record and alert in one rule,
recording-rule-only restrictions, invalid names, invalid durations, missing or unparsable
expressions, and Go template errors in alert labels and annotations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from obslint import gotemplate
from obslint.collector import Collector
from obslint.durations import parse_duration
from obslint.promql import versions
from obslint.promql.parse import ParsedExpr, parse_expr
from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode

GROUP_FIELDS = {"name": None, "interval": None, "limit": None, "rules": None,
                "query_offset": (2, 53), "labels": (3, 0)}
RULE_FIELDS = {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
LEGACY_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
LEGACY_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
UTF8_NAMES_SINCE = (3, 0)


@dataclass(eq=False)
class Rule:
    kind: str  # "alert" or "record"
    name: str
    node: MapNode
    name_node: Node | None
    index: int  # 1-based, as promtool counts
    group: RuleGroup
    expr: str = ""
    expr_node: ScalarNode | None = None
    parsed: ParsedExpr | None = None
    for_ms: int = 0
    keep_firing_for_ms: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    label_nodes: dict[str, tuple[ScalarNode, Node]] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    annotation_nodes: dict[str, tuple[ScalarNode, Node]] = field(default_factory=dict)
    # the label and annotation values with template actions, parsed: (kind, name) -> template
    templates: dict[tuple[str, str], gotemplate.Template] = field(default_factory=dict)
    _output: object = None  # the labels the query can return, computed once (output_labels)

    @property
    def output(self):
        """The labels the rule's query can return (obslint.promql.labels), once it parsed."""
        if self._output is None and self.parsed is not None and self.parsed.ast is not None:
            from obslint.promql.labels import output_labels

            self._output = output_labels(self.parsed.ast)
        return self._output

    def expr_position(self, offset: int | None) -> tuple[int, int]:
        if self.expr_node is None:
            return (self.node.line, self.node.column)
        if offset is None:
            return (self.expr_node.line, self.expr_node.column)
        return self.expr_node.position_of(offset)


@dataclass(eq=False)
class RuleGroup:
    name: str
    node: MapNode
    interval_ms: int | None = None
    interval_node: Node | None = None
    limit: int = 0
    rules: list[Rule] = field(default_factory=list)


@dataclass(eq=False)
class RuleFile:
    path: str
    groups: list[RuleGroup] = field(default_factory=list)
    resource: bool = False  # a PrometheusRule custom resource

    @property
    def rules(self) -> list[Rule]:
        return [r for g in self.groups for r in g.rules]


def is_rule_document(root: Node | None) -> bool:
    if not isinstance(root, MapNode):
        return False
    if "groups" in root.keys():
        return True
    kind = root.get("kind")
    return isinstance(kind, ScalarNode) and kind.text == "PrometheusRule"


def is_rule_test_document(root: Node | None) -> bool:
    """A promtool unit-test file: `rule_files`, or `tests` without the `config` of a routing test."""
    return isinstance(root, MapNode) and "groups" not in root.keys() and (
        "rule_files" in root.keys() or ("tests" in root.keys() and "config" not in root.keys()))


class RuleFileValidator:
    """Builds a RuleFile from YAML documents and reports rulefmt problems to a Collector."""

    def __init__(self, collector: Collector, version: tuple[int, int], max_nesting: int = 1500,
                 features: frozenset[str] = frozenset()):
        self.c = collector
        self.version = version
        self.max_nesting = max_nesting
        self.features = features  # the server's --enable-feature flags

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
                self.c.at("R002", spec or root, "a PrometheusRule needs a `spec` mapping with `groups`")
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
                self.c.at("R004", group.node.get("name") or group.node,
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
                self.c.at("R001", key, f"group field `{key.text}` needs Prometheus {versions.fmt(since)} or "
                                       f"newer; the target is {versions.fmt(self.version)}")
        self._unknown(node, allowed, "group", ignore={k for k in GROUP_FIELDS if GROUP_FIELDS[k] is not None})
        name_node = node.get("name")
        name = self._string(name_node, "group name")
        group = RuleGroup(name or "", node)
        if not name:
            self.c.at("R003", name_node or node, "a group needs a non-empty `name`")
        interval = node.get("interval")
        if interval is not None:
            group.interval_ms = self._duration(interval, "interval")
            group.interval_node = interval
        limit = node.get("limit")
        if isinstance(limit, ScalarNode) and not limit.is_null:
            value = limit.as_int()
            if value is None:
                self.c.at("R002", limit, f"`limit` must be an integer, not {limit.text!r}")
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
            self.c.at("R005", alert_node, f"{where}: only one of `record` and `alert` may be set")
        elif not record and not alert:
            self.c.at("R006", node, f"{where}: one of `record` or `alert` must be set")
        kind = "record" if record else "alert"
        rule = Rule(kind, record or alert or "", node, record_node if record else alert_node, index, group)
        label = f'{where} "{rule.name}"'

        expr_node = fields.get("expr")
        if isinstance(expr_node, ScalarNode) and not expr_node.is_null and expr_node.text.strip():
            rule.expr, rule.expr_node = expr_node.text, expr_node
            rule.parsed = parse_expr(expr_node.text, self.version, self.max_nesting, self.features)
            if rule.parsed.problems or rule.parsed.warnings:
                self._promql(rule, label)
        elif expr_node is not None and not isinstance(expr_node, ScalarNode):
            self._type(expr_node, "expr", "a string")
        else:
            self.c.at("R007", expr_node or node, f"{label}: the rule has no `expr`")

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
                self.c.at("R008", node.key_node(key), f"{label}: a recording rule cannot have `{key}`")
        annotations = fields.get("annotations")
        rule.labels, rule.label_nodes = self._string_map(fields.get("labels"), "labels")
        rule.annotations, rule.annotation_nodes = self._string_map(annotations, "annotations")
        if record and annotations is not None and rule.annotations:
            self.c.at("R008", node.key_node("annotations"), f"{label}: a recording rule cannot have `annotations`")
        if record and not self._metric_name_ok(record):
            self.c.at("R009", record_node, f"{label}: {record!r} is not a valid metric name for a recording rule")
        for name, (key_node, _) in rule.label_nodes.items():
            if name == "__name__" or not self._label_name_ok(name):
                self.c.at("R010", key_node, f"{label}: {name!r} is not a valid label name")
        for name, (key_node, _) in rule.annotation_nodes.items():
            if not self._label_name_ok(name):
                self.c.at("R011", key_node, f"{label}: {name!r} is not a valid annotation name")
        if alert and not record:
            self._templates(rule, label)
        return rule

    def _promql(self, rule: Rule, label: str) -> None:
        parsed = rule.parsed
        codes = {"syntax": "P001", "version": "P002", "complexity": "P003"}
        for problem in parsed.problems:
            line, column = rule.expr_position(problem.offset)
            self.c.add(codes[problem.kind], line, column, f"{label}: {problem.message}")
        for warning in parsed.warnings:
            line, column = rule.expr_position(warning.offset)
            self.c.add("P004", line, column, f"{label}: {warning.message}")

    def _templates(self, rule: Rule, label: str) -> None:
        for kind, nodes in (("label", rule.label_nodes), ("annotation", rule.annotation_nodes)):
            for name, (_, value_node) in nodes.items():
                if not isinstance(value_node, ScalarNode) or "{{" not in value_node.text:
                    continue  # plain text: nothing to parse
                try:
                    rule.templates[(kind, name)] = gotemplate.parse_template(value_node.text, self.version)
                except gotemplate.TemplateError as exc:
                    line, column = value_node.position_of(exc.offset)
                    self.c.add("R013", line, column, f"{label}: {kind} {name!r}: template: {exc}")

    # helpers

    def _label_name_ok(self, name: str) -> bool:
        if self.version >= UTF8_NAMES_SINCE:
            return name != ""
        return LEGACY_LABEL_NAME.fullmatch(name) is not None

    def _metric_name_ok(self, name: str) -> bool:
        if self.version >= UTF8_NAMES_SINCE:
            return name != ""
        return LEGACY_METRIC_NAME.fullmatch(name) is not None

    def _unknown(self, node: MapNode, allowed: set[str], what: str, ignore: set[str] = frozenset()) -> None:
        for key, _ in node.items:
            if key.text not in allowed and key.text not in ignore:
                self.c.at("R001", key, f"unknown field `{key.text}` in {what} (known: {', '.join(sorted(allowed))})")

    def _type(self, node: Node, what: str, expected: str) -> None:
        self.c.at("R002", node, f"{what} must be {expected}, not a {node.kind}")

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
            self.c.at("R012", node, f"`{what}`: {node.text!r} is not a valid duration (such as 30s, 5m, 1h30m)")
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
