"""The model of a Prometheus rule file: a plain `groups:` file or a PrometheusRule custom resource
(`spec.groups`), its groups and rules with the YAML nodes they came from. obslint.checks.rulefmt builds
it while it validates the file as promtool does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from obslint.yamlload import MapNode, Node, ScalarNode

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
