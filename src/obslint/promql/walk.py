"""Walking a promql-parser AST: pure Python over the node types, without importing the parser (so the
modules that walk trees stay cheap to import)."""

from __future__ import annotations


def children(node) -> list:
    """The direct children of a promql-parser AST node, left to right."""
    name = type(node).__name__
    if name == "BinaryExpr":
        return [node.lhs, node.rhs]
    if name == "AggregateExpr":
        return [node.param, node.expr] if node.param is not None else [node.expr]
    if name == "Call":
        return list(node.args)
    if name == "MatrixSelector":
        return [node.vector_selector]
    if name in ("SubqueryExpr", "ParenExpr", "UnaryExpr"):
        return [node.expr]
    return []


def iter_nodes(ast):
    """Every node of a promql-parser AST, pre-order, without recursion (pq.walk is quadratic)."""
    stack = [ast]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        yield node
        stack.extend(reversed(children(node)))
