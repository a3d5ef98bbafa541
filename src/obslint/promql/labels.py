"""Which labels an expression's result can carry, from its promql-parser AST, offline.

A LabelSet is either closed (exactly `names` are possible) or open (any label but `removed` is
possible: a selector can return whatever labels its series have). The analysis follows Prometheus's
engine: aggregations keep their `by` labels or drop their `without` ones; one-to-one binary
operations with `on(...)` keep only those labels and with `ignoring(...)` drop them (comparisons
too), `group_left/right(...)` add the listed labels of the other side; `or` can return either side;
label_replace/label_join add their target; absent() returns the labels of its equality matchers;
histogram_quantile drops `le`; scalar(), vector(), time() and literals have none. So an expression
that cannot return a label is told apart from one that may (pint's false positives with scalar() and
label_replace, cloudflare/pint#681 and #568, come from not doing this).
"""

from __future__ import annotations

from typing import NamedTuple

NAME = "__name__"


class LabelSet(NamedTuple):  # a named tuple: made thousands of times per run, faster than a frozen dataclass
    names: frozenset[str] = frozenset()  # labels surely possible (closed: the only possible ones)
    open: bool = False
    removed: frozenset[str] = frozenset()  # open sets: labels that cannot be there

    def can_have(self, label: str) -> bool:
        if self.open:
            return label not in self.removed or label in self.names
        return label in self.names

    def keep(self, labels) -> LabelSet:
        labels = frozenset(labels)
        if self.open:
            return LabelSet(labels - self.removed, False)
        return LabelSet(self.names & labels, False)

    def drop(self, labels) -> LabelSet:
        labels = frozenset(labels)
        if self.open:
            return LabelSet(self.names - labels, True, self.removed | labels)
        return LabelSet(self.names - labels, False)

    def add(self, labels) -> LabelSet:
        labels = frozenset(labels)
        return LabelSet(self.names | labels, self.open, self.removed - labels)

    def union(self, other: LabelSet) -> LabelSet:
        if self.open or other.open:
            removed = (self.removed if self.open else frozenset()) | (other.removed if other.open else frozenset())
            if self.open and other.open:
                removed = self.removed & other.removed
            names = self.names | other.names
            return LabelSet(names, True, removed - names)
        return LabelSet(self.names | other.names, False)


NONE = LabelSet()
# functions whose result has no labels, or the labels of their vector argument without __name__
_NO_LABELS = {"vector", "scalar", "time", "pi", "minute", "hour", "day_of_month", "day_of_week", "day_of_year",
              "days_in_month", "month", "year"}
_TIME_OF = {"minute", "hour", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "month", "year",
            "timestamp"}
_KEEP_NAME = {"last_over_time", "first_over_time", "sort", "sort_desc", "sort_by_label", "sort_by_label_desc",
              "label_replace", "label_join", "timestamp"}


def _vector_type(node) -> bool:
    kind = type(node).__name__
    if kind in ("NumberLiteral", "StringLiteral"):
        return False
    if kind in ("ParenExpr", "UnaryExpr"):
        return _vector_type(node.expr)
    if kind == "Call":
        return node.func.name not in ("scalar", "time", "pi") and str(node.func.return_type).endswith(
            ("Vector", "Matrix"))
    if kind == "BinaryExpr":
        return _vector_type(node.lhs) or _vector_type(node.rhs)
    return True


def output_labels(node, resolve=None) -> LabelSet:
    """The labels the result of `node` can carry. `resolve(name)`, when given, returns the labels of a
    series a recording rule records (or None for scraped series), so they are known exactly."""
    kind = type(node).__name__
    if kind == "VectorSelector":
        recorded = resolve(node.name) if resolve is not None and node.name else None
        if recorded is not None:
            return recorded
        equal = frozenset(m.name for m in node.matchers.matchers if m.name != NAME)
        return LabelSet(equal, True)
    if kind == "MatrixSelector":
        return output_labels(node.vector_selector, resolve)
    if kind in ("NumberLiteral", "StringLiteral"):
        return NONE
    if kind in ("ParenExpr", "SubqueryExpr"):
        return output_labels(node.expr, resolve)
    if kind == "UnaryExpr":
        return output_labels(node.expr, resolve).drop({NAME})
    if kind == "AggregateExpr":
        return _aggregate(node, resolve)
    if kind == "Call":
        return _call(node, resolve)
    if kind == "BinaryExpr":
        return _binary(node, resolve)
    return LabelSet(frozenset(), True)  # something new: assume anything


def _aggregate(node, resolve) -> LabelSet:
    op = str(node.op)
    inner = output_labels(node.expr, resolve)
    if op in ("topk", "bottomk", "limitk", "limit_ratio"):
        return inner  # returns input series as they are
    modifier = node.modifier
    grouping = frozenset(modifier.labels or []) if modifier is not None else frozenset()
    if modifier is not None and str(modifier.type).endswith("Without"):
        result = inner.drop(grouping | {NAME})
    else:
        result = LabelSet(grouping, False)  # by (...) keeps exactly these (when the input has them)
    if op == "count_values" and type(node.param).__name__ == "StringLiteral":
        result = result.add({node.param.val})
    return result


def _call(node, resolve) -> LabelSet:
    name = node.func.name
    args = list(node.args)
    if name in _NO_LABELS or not args:
        return NONE
    if name in ("absent", "absent_over_time"):
        selector = args[0]
        if type(selector).__name__ == "MatrixSelector":
            selector = selector.vector_selector
        if type(selector).__name__ != "VectorSelector":
            return NONE
        return LabelSet(frozenset(m.name for m in selector.matchers.matchers
                                  if m.name != NAME and str(m.op).endswith(("Equal", "'='"))
                                  and "Not" not in str(m.op)), False)
    if name in ("label_replace", "label_join"):
        inner = output_labels(args[0], resolve)
        target = args[1]
        if type(target).__name__ == "StringLiteral" and target.val:
            return inner.add({target.val})
        return inner.union(LabelSet(frozenset(), True))
    if name == "histogram_quantile" or name == "histogram_fraction":
        vector = next((a for a in args if _vector_type(a)), args[-1])
        return output_labels(vector, resolve).drop({"le", NAME})
    vector = next((a for a in args if _vector_type(a)), None)
    if vector is None:
        return NONE
    result = output_labels(vector, resolve)
    return result if name in _KEEP_NAME else result.drop({NAME})


def _binary(node, resolve) -> LabelSet:
    lhs_vector, rhs_vector = _vector_type(node.lhs), _vector_type(node.rhs)
    if not lhs_vector and not rhs_vector:
        return NONE
    if not rhs_vector:
        return output_labels(node.lhs, resolve).drop({NAME})
    if not lhs_vector:
        return output_labels(node.rhs, resolve).drop({NAME})
    lhs, rhs = output_labels(node.lhs, resolve), output_labels(node.rhs, resolve)
    op = str(node.op)
    if op == "or":
        return lhs.union(rhs)
    if op in ("and", "unless"):
        return lhs
    modifier = node.modifier
    card = str(modifier.card) if modifier is not None else "OneToOne"
    matching = modifier.matching if modifier is not None else None
    include = frozenset(modifier.group_labels or []) if modifier is not None else frozenset()
    if card.endswith("ManyToOne"):
        return lhs.drop({NAME}).add(include)
    if card.endswith("OneToMany"):
        return rhs.drop({NAME}).add(include)
    result = lhs.drop({NAME})
    if matching is not None:
        labels = frozenset(matching.labels or [])
        return result.keep(labels) if str(matching.type).endswith("Include") else result.drop(labels)
    return result
