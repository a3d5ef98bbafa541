"""Rule checks beyond promtool, per rule file: template label references, PromQL smells, and policy
(R101-R133, documented in obslint.checks.rule_checks). The dependency checks between rule files are
in obslint.ruledeps."""

from __future__ import annotations

import fnmatch
import re

from obslint.collector import Collector
from obslint.config import Config, Policy
from obslint.durations import format_duration
from obslint.promql.labels import output_labels
from obslint.promql.parse import children, iter_nodes
from obslint.ruledeps import RECORD_NAME
from obslint.rulefiles import Rule, RuleFile, RuleGroup

COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")
RANGE_FUNCTIONS = {"rate", "irate", "increase", "delta", "idelta", "deriv", "resets", "changes"}
COUNTER_FUNCTIONS = {"rate", "irate", "increase"}
COMPARISONS = {"==", "!=", ">", "<", ">=", "<="}
ABSENT_LIKE = {"absent", "absent_over_time"}
REGEX_META = re.compile(r"[.*+?()\[\]{}|\\^$]")
URL = re.compile(r"https?://[^\s/]+\S*")


def check_rule_file(rule_file: RuleFile, collector: Collector, config: Config) -> None:
    policy = config.policy
    for group in rule_file.groups:
        _group_interval(group, collector, policy)
        for rule in group.rules:
            if rule.kind == "alert":
                _alert_policy(rule, collector, policy)
            elif rule.name and not RECORD_NAME.fullmatch(rule.name):
                collector.at("R122", rule.name_node,
                             f"recording rule `{rule.name}` is not named level:metric:operation")
            if rule.parsed is None or not rule.parsed.ok or rule.parsed.ast is None:
                continue
            _smells(rule, collector, policy)
            if rule.kind == "alert":
                _templates(rule, collector)


def _at_expr(rule: Rule, collector: Collector, code: str, message: str, offset: int | None = None) -> None:
    line, column = rule.expr_position(offset)
    collector.add(code, line, column, f"{rule.kind} `{rule.name}`: {message}")


# --- templates --------------------------------------------------------------------------------------

_DOT_REBINDING = re.compile(r"\{\{-?\s*(range|with)\b")


def _templates(rule: Rule, collector: Collector) -> None:
    ratio = None  # whether the value is a 0-1 ratio: worked out when a template prints it before `%`
    for (kind, name), template in rule.templates.items():
        _, value_node = (rule.label_nodes if kind == "label" else rule.annotation_nodes)[name]
        dot_is_alert = not _DOT_REBINDING.search(template.text)
        for ref in template.references:
            label = None
            if ref.root == "$labels" and len(ref.fields) == 1:
                label = ref.fields[0]
            elif ref.root == "." and dot_is_alert and len(ref.fields) == 2 and ref.fields[0] == "Labels":
                label = ref.fields[1]
            if label is not None and not rule.output.can_have(label):
                line, column = value_node.position_of(ref.offset)
                have = ", ".join(sorted(rule.output.names)) or "none"
                collector.add("R101", line, column,
                              f"alert `{rule.name}`: {kind} `{name}` uses the label `{label}`, which the query "
                              f"cannot return (its result can only have: {have})")
        for pipeline in template.pipelines:
            uses_value = "$value" in pipeline.words or ".Value" in pipeline.words or any(
                r.root == "$value" or (r.root == "." and r.fields[:1] == ("Value",)) for r in pipeline.references)
            if not uses_value:
                continue
            line, column = value_node.position_of(pipeline.offset)
            if kind == "label":
                collector.add("R102", line, column, f"alert `{rule.name}`: label `{name}` holds the query's value: "
                                                    "each new value makes a new alert (and resolves the old one)")
            elif "humanizePercentage" not in pipeline.words and _followed_by_percent(template.text, pipeline.offset) \
                    and (ratio if ratio is not None else (ratio := _is_ratio(rule))):
                collector.add("R103", line, column, f"alert `{rule.name}`: annotation `{name}` prints a 0-1 ratio "
                                                    "followed by `%`; use `humanizePercentage` (0.05 prints 5%)")


def _followed_by_percent(text: str, offset: int) -> bool:
    end = text.find("}}", offset)
    return end >= 0 and text[end + 2:end + 3] == "%"


def _is_ratio(rule: Rule) -> bool:
    """The alert's value is a 0-1 ratio: it reads a `ratio` series, or it is compared with a
    threshold between 0 and 1 and does not multiply by 100."""
    nodes = rule.parsed.nodes
    if any(type(n).__name__ == "BinaryExpr" and str(n.op) == "*" and any(
            type(side).__name__ == "NumberLiteral" and side.val == 100 for side in (n.lhs, n.rhs)) for n in nodes):
        return False
    if any(type(n).__name__ == "VectorSelector" and n.name and "ratio" in n.name for n in nodes):
        return True
    top = rule.parsed.ast
    return type(top).__name__ == "BinaryExpr" and str(top.op) in COMPARISONS and \
        type(top.rhs).__name__ == "NumberLiteral" and 0 < top.rhs.val < 1


# --- PromQL smells ----------------------------------------------------------------------------------

def _name(node) -> str:
    return type(node).__name__


def _parents(nodes: list) -> dict[int, object]:
    return {id(child): node for node in nodes for child in children(node)}


def _smells(rule: Rule, collector: Collector, policy: Policy) -> None:
    parsed = rule.parsed
    nodes = parsed.nodes
    parents: dict[int, object] = {}  # filled on first need: most rules have no raw-counter question
    if rule.kind == "alert" and not _filters(nodes) and any(_name(n) == "VectorSelector" for n in nodes):
        # (an alert on a constant, such as the Watchdog's vector(1), always fires on purpose)
        _at_expr(rule, collector, "R111", "the query has no comparison, so the alert fires whenever the series "
                                          "exist (add a condition such as `> 0.9`)")
    for node in nodes:
        kind = _name(node)
        if kind == "Call":
            _call_smells(rule, node, collector, policy)
        elif kind == "VectorSelector":
            _selector_smells(rule, node, parents, collector, policy)
        elif kind == "AggregateExpr" and rule.kind == "alert" and str(node.op) in ("topk", "bottomk", "limitk"):
            _at_expr(rule, collector, "R119", f"{node.op}() in an alert: the set of series changes between "
                                              "evaluations, so alerts resolve and fire again (flapping)")
        elif kind == "BinaryExpr" and str(node.op) in COMPARISONS:
            _never_true(rule, node, collector)


def _filters(nodes) -> bool:
    for node in nodes:
        kind = _name(node)
        if kind == "BinaryExpr" and (str(node.op) in ("and", "unless") or (
                str(node.op) in COMPARISONS and not (node.modifier is not None and node.modifier.return_bool))):
            return True
        if kind == "Call" and node.func.name in ABSENT_LIKE:
            return True
    return False


def _is_counter(name: str, policy: Policy) -> bool:
    return name.endswith(COUNTER_SUFFIXES) or any(fnmatch.fnmatchcase(name, p) for p in policy.counters)


def _call_smells(rule: Rule, node, collector: Collector, policy: Policy) -> None:
    fn = node.func.name
    arg = node.args[0] if node.args else None
    if fn == "histogram_quantile" and len(node.args) == 2:
        labels = output_labels(node.args[1])
        buckets = [n for n in iter_nodes(node.args[1]) if _name(n) == "VectorSelector" and n.name
                   and n.name.endswith("_bucket")]
        if buckets and not labels.can_have("le"):
            _at_expr(rule, collector, "R112", "histogram_quantile() over an aggregation that drops `le`: "
                                              "without the buckets it returns NaN; keep `le` in `by (...)`")
    if fn not in RANGE_FUNCTIONS or arg is None:
        return
    if _name(arg) == "SubqueryExpr" and fn in COUNTER_FUNCTIONS:
        inner = arg.expr
        while _name(inner) == "ParenExpr":
            inner = inner.expr
        if _name(inner) == "AggregateExpr":
            _at_expr(rule, collector, "R115", f"{fn}() of {inner.op}(): counters must be rated before they are "
                                              f"aggregated (a reset of one series looks like a drop of the {inner.op})")
        return
    if _name(arg) != "MatrixSelector":
        return
    selector = arg.vector_selector
    seconds = arg.range.total_seconds()
    if seconds * 1000 < 2 * policy.scrape_interval_ms:
        _at_expr(rule, collector, "R116", f"{fn}() over [{format_duration(int(seconds * 1000))}], less than two scrape "
                                          f"intervals ({format_duration(policy.scrape_interval_ms)} each): it often "
                                          "holds fewer than two samples and returns nothing")
    name = selector.name
    if fn in COUNTER_FUNCTIONS and name and ":" not in name and not _is_counter(name, policy):
        _at_expr(rule, collector, "R113", f"{fn}() over `{name}`, which is not a counter by its name (counters end "
                                          "in _total, _count, _sum or _bucket); for a gauge use delta() or deriv()")


_RAW_COUNTER_OK = {"absent", "absent_over_time", "timestamp", "count", "group", "count_values", "present_over_time"}


def _selector_smells(rule: Rule, node, parents: dict, collector: Collector, policy: Policy) -> None:
    parsed = rule.parsed
    for matcher in node.matchers.matchers:
        op = str(matcher.op)
        if not op.endswith(("Re", "NotRe")):
            continue
        value = parsed.real_value(matcher.value)
        if value and not REGEX_META.search(value):
            _at_expr(rule, collector, "R117", f"`{matcher.name}{'!~' if 'Not' in op else '=~'}\"{value}\"` has no "
                                              f"regex characters; use `{'!=' if 'Not' in op else '='}`")
        elif value.startswith("^") or (value.endswith("$") and not value.endswith("\\$")):
            _at_expr(rule, collector, "R118", f"`{matcher.name}` regex `{value}`: Prometheus anchors regexes at both "
                                              "ends already; drop `^` and `$`")
    name = node.name
    if not name or not name.endswith("_total") or ":" in name:
        return
    if rule.kind == "record" and parsed.ast is node:
        return  # a recording rule that only renames the counter (compatibility rules) keeps it a counter
    if not parents:
        parents.update(_parents(parsed.nodes))
    parent = parents.get(id(node))
    if parent is not None and _name(parent) == "MatrixSelector":
        return
    ancestor = parent
    while ancestor is not None:
        if _name(ancestor) == "SubqueryExpr":
            return  # a counter under a subquery: rate-of-aggregation's business, or a deliberate one
        if (_name(ancestor) == "Call" and ancestor.func.name in _RAW_COUNTER_OK) or (
                _name(ancestor) == "AggregateExpr" and str(ancestor.op) in _RAW_COUNTER_OK):
            return  # counted, not valued (`count(sum by (cpu) (node_cpu_seconds_total))`)
        ancestor = parents.get(id(ancestor))
    _at_expr(rule, collector, "R114", f"the counter `{name}` is used raw: its value only grows and drops on "
                                      "restarts; use rate() or increase()")


def _never_true(rule: Rule, node, collector: Collector) -> None:
    if node.modifier is not None and node.modifier.return_bool:
        return
    op = str(node.op)
    lhs, rhs = node.lhs, node.rhs
    while _name(lhs) == "ParenExpr":
        lhs = lhs.expr
    if _name(rhs) != "NumberLiteral":
        return
    value = rhs.val
    why = None
    if value != value and op != "!=":
        why = "comparisons with NaN are never true"
    elif value == float("inf") and op == ">" or value == float("-inf") and op == "<":
        why = f"nothing is {op} {value}"
    elif _name(lhs) == "AggregateExpr" and str(lhs.op) == "count" and (
            (op == "==" and value == 0) or (op == "<" and value <= 1) or (op == "<=" and value < 1)):
        why = "count() returns no series rather than 0, so it is never below 1"
    elif _name(lhs) == "Call" and lhs.func.name in ABSENT_LIKE and (
            (op == "==" and value != 1) or (op == ">" and value >= 1) or (op == "<" and value <= 1)
            or (op == "!=" and value == 1)):
        why = f"{lhs.func.name}() returns 1 or nothing"
    if why:
        _at_expr(rule, collector, "R120", f"the comparison `{op} {_number(value)}` can never be true: {why}")


def _number(value: float) -> str:
    if value != value:
        return "NaN"
    return f"{value:g}"


# --- groups and policy ------------------------------------------------------------------------------

def _group_interval(group: RuleGroup, collector: Collector, policy: Policy) -> None:
    low, high = policy.group_interval_ms
    if group.interval_ms is None:
        return
    if group.interval_ms < low or group.interval_ms > high:
        collector.at("R123", group.interval_node, f"group `{group.name}` is evaluated every "
                                                  f"{format_duration(group.interval_ms)}, outside "
                                                  f"{format_duration(low)}..{format_duration(high)}")


def _alert_policy(rule: Rule, collector: Collector, policy: Policy) -> None:
    if rule.name and not re.fullmatch(policy.alert_name_pattern, rule.name):
        collector.at("R133", rule.name_node, f"alert name `{rule.name}` does not match the naming policy "
                                             f"(`{policy.alert_name_pattern}`, CamelCase by default)")
    for label, allowed in policy.required_labels.items():
        value = rule.labels.get(label)
        if value is None:
            collector.at("R131", rule.name_node, f"alert `{rule.name}` has no `{label}` label"
                                                 + (f" (one of {', '.join(allowed)})" if allowed else ""))
        elif allowed and value not in allowed and "{{" not in value:
            collector.at("R131", rule.label_nodes[label][1], f"alert `{rule.name}`: `{label}: {value}` is not one "
                                                             f"of {', '.join(allowed)}")
    for annotation in policy.required_annotations:
        if not rule.annotations.get(annotation, "").strip():
            collector.at("R132", rule.name_node, f"alert `{rule.name}` has no `{annotation}` annotation")
    for annotation in policy.url_annotations:
        value = rule.annotations.get(annotation)
        if value is not None and "{{" not in value and not URL.fullmatch(value.strip()):
            collector.at("R132", rule.annotation_nodes[annotation][1],
                         f"alert `{rule.name}`: `{annotation}` is not an absolute http(s) URL")
