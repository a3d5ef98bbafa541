"""Counters whose value an expression uses raw: a counter only grows (and drops on restarts), so its value
means something only through rate(), increase() and the like. Rules (R114) and dashboard queries (D010)
ask the same question here. A series is a counter by its type when the project's metric catalog knows it
(`types`: name -> "counter" or "gauge"; a Gauge named `_total` is no counter), else by its name."""

from __future__ import annotations

from obslint.promql.walk import children

# functions and aggregations that count series or read their timestamps rather than their values
COUNTED_NOT_VALUED = frozenset({"absent", "absent_over_time", "timestamp", "count", "group", "count_values",
                                "present_over_time"})


def is_counter_name(name: str) -> bool:
    """A counter by Prometheus's naming convention (a recorded `level:metric:op` series is not)."""
    return name.endswith("_total") and ":" not in name


def is_counter(name: str, types=None) -> bool:
    """A counter by its type in `types` (the metric catalog's), else by its name."""
    known = types.get(name) if types else None
    return known == "counter" if known is not None else is_counter_name(name)


def raw_counters(nodes: list, types=None) -> list:
    """The VectorSelector nodes of counters among `nodes` (a parsed expression's, root first) whose values
    the expression uses raw: not under a range (`rate(x_total[5m])`), a subquery, nor a function or
    aggregation that counts series (`count(x_total)`). A counter by its type in `types`, else its name."""
    parents = None
    found = []
    for node in nodes:
        if type(node).__name__ != "VectorSelector" or not node.name or not is_counter(node.name, types):
            continue
        if parents is None:
            parents = {id(child): parent for parent in nodes for child in children(parent)}
        if not _valued_through(parents.get(id(node)), parents):
            found.append(node)
    return found


def _valued_through(ancestor, parents: dict) -> bool:
    """Whether a selector under `ancestor` is read for something other than its raw value."""
    if ancestor is not None and type(ancestor).__name__ == "MatrixSelector":
        return True
    while ancestor is not None:
        kind = type(ancestor).__name__
        if kind == "SubqueryExpr":
            return True  # a counter under a subquery: rate-of-aggregation's business, or a deliberate one
        if (kind == "Call" and ancestor.func.name in COUNTED_NOT_VALUED) or (
                kind == "AggregateExpr" and str(ancestor.op) in COUNTED_NOT_VALUED):
            return True  # counted, not valued (`count(sum by (cpu) (node_cpu_seconds_total))`)
        ancestor = parents.get(id(ancestor))
    return False
