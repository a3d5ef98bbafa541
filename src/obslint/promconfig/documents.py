"""Where a Prometheus config sits in a file: a plain `prometheus.yml`; a Kubernetes ConfigMap holding it under
`prometheus.yml` (or `.yaml`); the prometheus Helm chart's `serverFiles: {prometheus.yml: {...}}`; and
kube-prometheus-stack's `prometheus.prometheusSpec.additionalScrapeConfigs` (a list of scrape configs,
which the operator appends to the config it generates)."""

from __future__ import annotations

from dataclasses import dataclass

from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode

FILE_KEYS = ("prometheus.yml", "prometheus.yaml")
GLOBAL_KEYS = frozenset({"scrape_interval", "scrape_timeout", "evaluation_interval", "external_labels",
                         "query_log_file", "scrape_protocols", "rule_query_offset", "body_size_limit"})
TOP_KEYS = ("scrape_configs", "scrape_config_files", "remote_write", "remote_read", "storage", "tracing", "otlp",
            "runtime", "alerting", "rule_files", "global")


@dataclass
class Found:
    """A config found in a file: `node` (a mapping, a list of scrape configs, or the string holding the
    file's text), how it is wrapped (plain, helm, configmap, scrape-configs)."""

    node: Node
    wrapping: str


def is_config_shaped(node: Node | None) -> bool:
    """A mapping that is a Prometheus config by its shape: scrape configs with job names, a `global` with
    Prometheus's fields, `alerting.alertmanagers`, or `rule_files` among Prometheus's own top-level keys."""
    if not isinstance(node, MapNode) or "tests" in node.keys() or "groups" in node.keys():
        return False
    scrape = node.get("scrape_configs")
    if isinstance(scrape, SeqNode) and scrape.items and all(
            isinstance(s, MapNode) and "job_name" in s.keys() for s in scrape.items):
        return True
    glob = node.get("global")
    if isinstance(glob, MapNode) and set(glob.keys()) & GLOBAL_KEYS and "route" not in node.keys() and \
            "receivers" not in node.keys():
        return True
    alerting = node.get("alerting")
    if isinstance(alerting, MapNode) and "alertmanagers" in alerting.keys():
        return True
    keys = set(node.keys())
    # only Prometheus's own top-level keys, and one that an Alertmanager config does not have too
    return bool(keys) and keys <= set(TOP_KEYS) and bool(keys - {"global"})


def find_config(roots: list[Node | None]) -> Found | None:
    for root in roots:
        if not isinstance(root, MapNode):
            continue
        if is_config_shaped(root):
            return Found(root, "plain")
        kind = root.get("kind")
        if isinstance(kind, ScalarNode) and kind.text == "ConfigMap":
            data = root.get("data")
            if isinstance(data, MapNode):
                for key in FILE_KEYS:
                    if isinstance(data.get(key), ScalarNode) and not data.get(key).is_null:
                        return Found(data.get(key), "configmap")
            continue
        server_files = root.get("serverFiles")
        if isinstance(server_files, MapNode):
            for key in FILE_KEYS:
                if isinstance(server_files.get(key), MapNode):
                    return Found(server_files.get(key), "helm")
        extra = additional_scrape_configs(root)
        if extra is not None:
            return Found(extra, "scrape-configs")
    return None


def additional_scrape_configs(root: Node | None) -> SeqNode | None:
    """kube-prometheus-stack's `prometheus.prometheusSpec.additionalScrapeConfigs` in Helm values, if any."""
    prometheus = root.get("prometheus") if isinstance(root, MapNode) else None
    spec = prometheus.get("prometheusSpec") if isinstance(prometheus, MapNode) else None
    extra = spec.get("additionalScrapeConfigs") if isinstance(spec, MapNode) else None
    return extra if isinstance(extra, SeqNode) and extra.items else None


def is_prometheus_document(root: Node | None) -> bool:
    return find_config([root]) is not None


def embedded(scalar: ScalarNode, max_nodes: int):
    """The config tree in a ConfigMap's string, with positions mapped back into the file (a YamlError
    when it does not parse, at its place in the file)."""
    from obslint import yamlload

    text = scalar.text
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    try:
        documents = yamlload.load_documents(text, max_nodes)
    except yamlload.YamlError as exc:
        line, column = _position(scalar, starts, exc.line, exc.column)
        raise yamlload.YamlError(exc.kind, f"in the ConfigMap's prometheus.yml: {exc.message}", line, column) \
            from None
    tree = documents[0].root if documents else None
    stack = [tree] if tree is not None else []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias: the same node twice
            continue
        seen.add(id(node))
        node.line, node.column = _position(scalar, starts, node.line, node.column)
        if isinstance(node, MapNode):
            for key, value in node.items:
                stack.extend((key, value))
        elif isinstance(node, SeqNode):
            stack.extend(node.items)
    return tree


def _position(scalar: ScalarNode, starts: list[int], line: int, column: int) -> tuple[int, int]:
    offset = starts[min(line, len(starts)) - 1] + column - 1
    return scalar.position_of(offset)
