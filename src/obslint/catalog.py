"""The metric catalog: which metrics exist, their type and labels, from a `metrics.yaml`

    metrics:
      - name: http_requests_total
        type: counter
        labels: [job, instance, method, status]

or from Prometheus exposition text (`/metrics` captures: `# TYPE` lines and samples), and the checks
against it (X007-X009) on rule expressions and dashboard queries alike. `job` and `instance` are the
target labels Prometheus adds to every scraped series, so they are always allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from obslint.config import Config

TARGET_LABELS = frozenset({"job", "instance"})
GAUGE_FUNCTIONS = {"delta", "deriv", "predict_linear", "idelta"}
COUNTER_FUNCTIONS = {"rate", "irate", "increase"}
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s")
_TYPE = re.compile(r"^#\s*TYPE\s+(\S+)\s+(\S+)")


@dataclass
class Metric:
    name: str
    type: str = "unknown"
    labels: set[str] = field(default_factory=set)


def load(path: Path) -> dict[str, Metric] | None:
    """The catalog at `path` (YAML, or exposition text for `.prom`/`.txt`); None when it does not exist."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".prom", ".txt"):
        return _exposition(text)
    import yaml

    data = yaml.safe_load(text) or {}
    metrics = {}
    for item in data.get("metrics", []) if isinstance(data, dict) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            metrics[item["name"]] = Metric(item["name"], str(item.get("type", "unknown")),
                                           {str(label) for label in item.get("labels") or []})
    return metrics


def _exposition(text: str) -> dict[str, Metric]:
    metrics: dict[str, Metric] = {}
    for line in text.splitlines():
        m = _TYPE.match(line)
        if m:
            metrics.setdefault(m.group(1), Metric(m.group(1))).type = m.group(2)
            continue
        m = _SAMPLE.match(line)
        if m and not line.startswith("#"):
            name = m.group(1)
            for suffix in ("_bucket", "_sum", "_count"):  # histogram and summary series of a TYPE'd family
                family = metrics.get(name[: -len(suffix)]) if name.endswith(suffix) else None
                if family is not None and family.type in ("histogram", "summary"):
                    metrics.setdefault(name, Metric(name, "counter"))
            metric = metrics.setdefault(name, Metric(name))
            metric.labels |= set(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"", m.group(2) or ""))
    return metrics


def problems(ast, metrics: dict[str, Metric], recorded: set[str]) -> list[tuple[str, str]]:
    """(code, message) for what an expression does against the catalog."""
    from obslint.promql.parse import iter_nodes

    found = []
    for node in iter_nodes(ast):
        kind = type(node).__name__
        if kind == "VectorSelector" and node.name and ":" not in node.name and node.name not in recorded:
            metric = metrics.get(node.name)
            if metric is None:
                found.append(("X007", f"`{node.name}` is not in the metric catalog"))
                continue
            for matcher in node.matchers.matchers:
                if matcher.name != "__name__" and not _has(metric, matcher.name):
                    found.append(("X008", f"`{node.name}` has no label `{matcher.name}` (it has: "
                                          f"{', '.join(sorted(metric.labels)) or 'none'})"))
        elif kind == "AggregateExpr" and node.modifier is not None:
            metric = _single_metric(node.expr, metrics)
            for label in node.modifier.labels or []:
                if metric is not None and not _has(metric, label):
                    found.append(("X008", f"`{'by' if str(node.modifier.type).endswith('By') else 'without'} "
                                          f"({label})` over `{metric.name}`, which has no label `{label}`"))
        elif kind == "Call" and node.args and type(node.args[0]).__name__ == "MatrixSelector":
            metric = metrics.get(node.args[0].vector_selector.name or "")
            if metric is None:
                continue
            fn = node.func.name
            if fn in COUNTER_FUNCTIONS and metric.type == "gauge":
                found.append(("X009", f"{fn}() over the gauge `{metric.name}`; use delta() or deriv()"))
            elif fn in GAUGE_FUNCTIONS and metric.type in ("counter", "histogram"):
                found.append(("X009", f"{fn}() over the counter `{metric.name}`; use rate() or increase()"))
    return found


def _has(metric: Metric, label: str) -> bool:
    return label in metric.labels or label in TARGET_LABELS


def _single_metric(node, metrics: dict[str, Metric]) -> Metric | None:
    """The catalog metric an expression is a plain function of (`rate(x[5m])`, `x`), if any."""
    kind = type(node).__name__
    while kind in ("ParenExpr", "Call", "MatrixSelector"):
        if kind == "Call":
            if len(node.args) != 1:
                return None
            node = node.args[0]
        elif kind == "MatrixSelector":
            node = node.vector_selector
        else:
            node = node.expr
        kind = type(node).__name__
    return metrics.get(node.name or "") if kind == "VectorSelector" else None


def check(facts, dashboards, metrics: dict[str, Metric], config: Config, out) -> None:
    """Rules and dashboard queries against the catalog."""
    from obslint.dashboards.lint import queries
    from obslint.promql.parse import parse_expr

    recorded = {f.name for f in facts if f.kind == "record"}
    for fact in facts:
        parsed = parse_expr(fact.expr, config.prometheus_version)
        if parsed.ok:
            for code, message in problems(parsed.ast, metrics, recorded):
                out.get(fact.path, fact.source).add(code, fact.expr_line, fact.expr_column,
                                                    f"{fact.kind} `{fact.name}`: {message}")
    for dashboard in dashboards:
        for pointer, panel, parsed in queries(dashboard.compiled.doc, config):
            for code, message in problems(parsed.ast, metrics, recorded):
                out.get(dashboard.shown, str(dashboard.path)).add(
                    code, dashboard.compiled.line_of(pointer), 1, f"panel `{panel.get('title', '')}`: {message}")
