"""Dependencies inside a rule set (R141-R143): series read that no rule records, recording rules
nothing reads (rules or the project's dashboards), and series read before their recording rule runs.

They need every rule file of the project at once, so they run when `obslint check` is given a
directory (a project root or a rules directory), not when it is given single files.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

from obslint.collector import Collector, Collectors
from obslint.config import Config
from obslint.findings import Finding

# level:metric:operation, the recording-rule naming convention
RECORD_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_]+")


@dataclass(frozen=True)
class RuleFact:
    """What the dependency checks need of one rule (small, so worker processes can return it)."""

    path: str  # as findings show it
    source: str  # the file on disk
    kind: str
    name: str
    group: str
    index: int  # position in its group
    line: int
    column: int
    expr_line: int
    expr_column: int
    reads: frozenset[str]
    expr: str = ""
    labels: tuple[tuple[str, str], ...] = ()  # the rule's own labels


def series_read(parsed) -> frozenset[str]:
    """Metric names a parsed expression (obslint.promql.parse.ParsedExpr) selects, by name or by a
    `__name__="..."` matcher."""
    names = set()
    for node in parsed.nodes:
        if type(node).__name__ == "VectorSelector":
            if node.name:
                names.add(node.name)
            for matcher in node.matchers.matchers:
                if matcher.name == "__name__" and str(matcher.op).endswith("Equal") and "Not" not in str(matcher.op):
                    names.add(matcher.value)
    return frozenset(names)


def facts_of(rule_file, source: Path) -> list[RuleFact]:
    facts = []
    for group in rule_file.groups:
        for i, rule in enumerate(group.rules):
            if not rule.name or rule.parsed is None or rule.parsed.ast is None:
                continue
            name_node = rule.name_node or rule.node
            expr_line, expr_column = rule.expr_position(None)
            facts.append(RuleFact(rule_file.path, str(source), rule.kind, rule.name, group.name, i, name_node.line,
                                  name_node.column, expr_line, expr_column, series_read(rule.parsed),
                                  rule.expr, tuple(sorted(rule.labels.items()))))
    return facts


def check(facts: list[RuleFact], dashboard_reads: set[str], config: Config) -> list[Finding]:
    collectors = Collectors(config)

    def collector(fact: RuleFact) -> Collector:
        return collectors.get(fact.path, fact.source)

    recorded: dict[str, list[RuleFact]] = {}
    for fact in facts:
        if fact.kind == "record":
            recorded.setdefault(fact.name, []).append(fact)
    external = config.policy.external_series
    read_by_rules: set[str] = set()
    for fact in facts:
        read_by_rules |= fact.reads
        for name in sorted(fact.reads):
            if not RECORD_NAME.fullmatch(name):
                continue
            recorders = recorded.get(name)
            if recorders is None:
                if not any(fnmatch.fnmatchcase(name, pattern) for pattern in external):
                    collector(fact).add("R141", fact.expr_line, fact.expr_column,
                                        f"{fact.kind} `{fact.name}` reads `{name}`, which no recording rule records "
                                        "(list series recorded elsewhere in `policy.external-series`)")
                continue
            later = [r for r in recorders if r.source == fact.source and r.group == fact.group and r.index > fact.index]
            if later:
                collector(fact).add("R143", fact.expr_line, fact.expr_column,
                                    f"{fact.kind} `{fact.name}` reads `{name}` before the rule that records it "
                                    f"(line {later[0].line}) in group `{fact.group}`: it sees the value of the "
                                    "previous evaluation; move the recording rule up")
    for name, recorders in recorded.items():
        if name not in read_by_rules and name not in dashboard_reads:
            for fact in recorders:
                collector(fact).add("R142", fact.line, fact.column, f"nothing reads the recording rule `{name}` "
                                                                    "(no rule, no dashboard in the project)")
    return collectors.findings()
