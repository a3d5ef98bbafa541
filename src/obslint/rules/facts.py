"""What the checks across the rule set and the repository need of each rule, small enough for a
forked helper to send back and for the cache to keep: its name, kind, place and the series it reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# level:metric:operation, the recording-rule naming convention
RECORD_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_]+")


def missing_recording(name: str, recorded, near: list[str] | None = None) -> bool:
    """Whether `name`, read by a dashboard's panel, is a recording rule of the project that no rule records
    (renamed, mistyped): a `level:metric:operation` name the project does not record, at a level where it
    records others, or close to one it records (`near`). A colon-named series at a level the project never
    records is an exporter's own name (Spinnaker's `clouddriver:google:api__count_total`). Rules read
    recording rules by definition: R141 reports every name no rule records."""
    if not RECORD_NAME.fullmatch(name) or name in recorded:
        return False
    level = name.split(":", 1)[0] + ":"
    return bool(near) or any(other.startswith(level) for other in recorded)


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
    annotations: tuple[str, ...] = ()  # the names of its annotations (alerting rules)


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
                                  rule.expr, tuple(sorted(rule.labels.items())), tuple(sorted(rule.annotations))))
    return facts
