"""The model of a Prometheus rule file: a plain `groups:` file or a PrometheusRule custom resource
(`spec.groups`), its groups and rules with the YAML nodes they came from. obslint.checks.rulefmt builds
it while it validates the file as promtool does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode

if TYPE_CHECKING:
    from obslint import gotemplate
    from obslint.promql.parse import ParsedExpr


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


RULE_KEYS = ("alert", "record")
# keys of Grafana's own alert rules (provisioning files also have `groups:` of `rules:`)
GRAFANA_RULE_KEYS = ("uid", "title", "condition", "data", "noDataState", "execErrState")
GRAFANA_GROUP_KEYS = ("orgId", "folder")
GROUP_KEYS = frozenset({"name", "interval", "limit", "query_offset", "labels"})


def is_rule(node: Node | None) -> bool:
    """A mapping that is a Prometheus rule: `alert` or `record`, with `expr`."""
    return isinstance(node, MapNode) and "expr" in node.keys() and any(k in node.keys() for k in RULE_KEYS)


def rule_groups_shape(root: Node | None) -> str:
    """How surely `root` holds Prometheus rule groups (a rule file, a PrometheusRule's spec, Helm values'
    `additionalPrometheusRulesMap` entries): "yes" when a group's rules have `alert` or `record`, "maybe"
    for groups without any rule (an empty rule file), "no" otherwise (no `groups` list, or the groups
    of something else: Grafana's alert rules, a site's data)."""
    if not isinstance(root, MapNode):
        return "no"
    groups = root.get("groups")
    if isinstance(groups, ScalarNode) and groups.is_null:
        return "maybe"
    if not isinstance(groups, SeqNode):
        return "no"
    surely = False
    for group in groups.items:
        if not isinstance(group, MapNode):
            return "no"
        if any(k in group.keys() for k in GRAFANA_GROUP_KEYS):
            return "no"
        if "rules" not in group.keys():  # a group of no rules (promtool reads it) has only a group's fields
            if not group.items or not set(group.keys()) <= GROUP_KEYS:
                return "no"
            continue
        rules = group.get("rules")
        if isinstance(rules, SeqNode):
            for rule in rules.items:
                if not isinstance(rule, MapNode) or any(k in rule.keys() for k in GRAFANA_RULE_KEYS):
                    return "no"
                if any(k in rule.keys() for k in RULE_KEYS):
                    surely = True
        elif not (isinstance(rules, ScalarNode) and rules.is_null):
            return "no"
    return "yes" if surely else "maybe"


def is_rule_document(root: Node | None) -> bool:
    """A rule file's document: rule groups, or a PrometheusRule resource."""
    if not isinstance(root, MapNode):
        return False
    kind = root.get("kind")
    if isinstance(kind, ScalarNode) and kind.text == "PrometheusRule":
        return True
    return rule_groups_shape(root) != "no"


TEST_CASE_KEYS = ("input_series", "alert_rule_test", "promql_expr_test")


def is_rule_test_document(root: Node | None) -> bool:
    """A promtool unit-test file: `tests` whose items hold series and tests (`input_series`,
    `alert_rule_test`, `promql_expr_test`), or `rule_files` with a `tests` list. Not a helm-unittest suite
    (`tests` of `it` and `asserts`), not a Prometheus config (`rule_files` with scrape configs), not
    obslint's routing tests (`config` and `tests`)."""
    if not isinstance(root, MapNode) or "groups" in root.keys() or "config" in root.keys():
        return False
    tests = root.get("tests")
    if not isinstance(tests, SeqNode):
        return False
    cases = [t for t in tests.items if isinstance(t, MapNode)]
    if any("it" in t.keys() or "asserts" in t.keys() for t in cases):
        return False
    if any(k in t.keys() for t in cases for k in TEST_CASE_KEYS):
        return True
    return "rule_files" in root.keys() and "scrape_configs" not in root.keys()
