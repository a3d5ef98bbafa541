"""What a file holds, told by its structure (never by one key): the parts obslint lints in it.

A YAML document is
- a rule file (`groups` whose rules have `alert` or `record`), a PrometheusRule resource, or promtool unit
  tests (`tests` of `input_series`/`alert_rule_test`/`promql_expr_test`; not helm-unittest's `it`/`asserts`);
- an Alertmanager config by its shape (obslint.alertmanager.documents.is_config_shaped), or a Secret with
  `alertmanager.yaml`;
- a Prometheus config (`scrape_configs`, `rule_files`, `alerting`, Prometheus' `global` fields), linted by
  obslint.checks.promconfig;
- a Kubernetes ConfigMap (or a List of them) whose `data` values are files: rule files (Prometheus 2 YAML, or
  1.x text, which is said once and skipped), Alertmanager and Prometheus configs, dashboards' JSON;
- Helm values (also in a Flux HelmRelease's `spec.values` or an Argo CD Application's): rule groups
  (`additionalPrometheusRulesMap`, `additionalPrometheusRules`, `serverFiles: alerting_rules.yml`), lists and
  maps of rules (`prometheusRule.rules`), Alertmanager configs (`alertmanager.config`, `alertmanagerFiles`,
  the alertmanager chart's `config`), found by their shape wherever they sit; values that go through
  Helm's `tpl` (`{{ template ... }}` in an expression) are said once and skipped;
- a dashboard: Grafana's Kubernetes-style resource, grafana-operator's GrafanaDashboard with its `json`.
Anything else (CI workflows, docker-compose, OpenTelemetry collector configs, Grafana provisioning, Helm
values without monitoring content) holds nothing obslint lints.

Embedded files keep the outer file's positions (obslint.yamlload.load_embedded)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode

# the kinds of part obslint lints (and says, in `--show-files`, how each was found)
RULES, RULE_TESTS, ALERTMANAGER, DASHBOARD, PROMETHEUS = "rules", "rule-tests", "alertmanager", "dashboard", \
    "prometheus-config"
RULES_V1, TEMPLATE, YAML_ERROR = "rules-v1", "template", "yaml-error"

PROMETHEUS_GLOBAL = frozenset({"scrape_interval", "scrape_timeout", "evaluation_interval", "external_labels",
                               "query_log_file", "scrape_protocols", "rule_query_offset", "body_size_limit"})
PROMETHEUS_TOP = ("scrape_configs", "scrape_config_files", "remote_write", "remote_read", "storage", "tracing",
                  "otlp", "runtime")
# Prometheus 1.x rules: `ALERT Name` ... `IF expr`, or `name = expr` recording rules
RULES_V1_ALERT = re.compile(r"(?m)^\s*ALERT\s+\S+\s*$[\s\S]*?^\s*IF\s")
RULES_V1_RECORD = re.compile(r"(?m)^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}\n]*\})?\s*=\s*[^=~\s]")
# text that marks a string as Helm's (values passed through `tpl`), not as Prometheus' own templating
HELM_MARKERS = re.compile(r"\.Values\.|\.Release\.|\.Chart\.|\binclude\s+\"|\{\{-?\s*template\s+\"|\{\{\s*\"\{\{|"
                          r"\{\{`\{\{")
TEMPLATE_ACTIONS = re.compile(r"(?m)^[ \t]*(-[ \t]+)?\{\{|^[^#'\"\n]*:[ \t]+\{\{|\{%|\.Values\.|\.Release\.|"
                              r"\binclude[ \t]+\"")
# what makes unreadable YAML worth a finding: it looks like one of obslint's kinds
LOOKS_OURS = re.compile(r"(?m)^\s*(-\s+)?(alert|record)\s*:\s*\S|^(groups|route|inhibit_rules)\s*:|"
                        r"^\s*(-\s+)?(input_series|alert_rule_test|promql_expr_test)\s*:|^kind:\s*PrometheusRule\b")
MONITORING_WORDS = re.compile(r"PrometheusRule|\balert:|\brecord:|\bexpr:|alertmanager|\broute:|grafana_dashboard|"
                              r"\"panels\"|\bgroups:")
MAX_DEPTH = 12  # how deep Helm values are searched for monitoring content


@dataclass(eq=False)
class Part:
    """One thing to lint in a file.

    kind: rules (`nodes`: the documents of one rule file), rule-tests (`nodes[0]`), alertmanager (`nodes[0]`
    the config, or the Secret's string when `wrapping` is secret-*), dashboard (`text` JSON with `scalar`
    holding it, or `nodes[0]` a YAML tree), prometheus-config (`nodes[0]`), rules-v1 and template (said
    once at `at`, skipped), yaml-error (embedded text that does not parse: `error`).
    shown: how `--show-files` names it (rules, rules-crd, rules-configmap, rules-helm, alertmanager-secret, ...)."""

    kind: str
    shown: str
    nodes: list = field(default_factory=list)
    wrapping: str = "plain"
    scalar: ScalarNode | None = None
    text: str | None = None
    at: Node | None = None
    note: str = ""
    error: object = None  # obslint.yamlload.YamlError of embedded YAML


def classify(roots: list[Node | None], name: str = "", explicit: bool = False, max_nodes: int = 1_000_000
             ) -> list[Part]:
    """The parts of a YAML file's documents. `explicit`: named on the command line (an empty rule file
    counts as one)."""
    from obslint.rules.model import rule_groups_shape

    parts: list[Part] = []
    rules: list[Node] = []  # the documents of a plain rule file
    for root in roots:
        if not isinstance(root, MapNode):
            continue
        if _is_resource(root):
            _resource(root, parts, max_nodes)
        elif rule_groups_shape(root) != "no" and set(root.keys()) <= {"groups"}:
            rules.append(root)
        elif not _document(root, parts, "", max_nodes):
            _search(root, parts, 0, max_nodes)
    if rules:
        parts.insert(0, Part(RULES, "rules", rules))
    elif not parts and _named_like_rules(name) and all(_empty(r) for r in roots):
        parts.append(Part(RULES, "rules", []))  # an empty rule file (a mixin's rendered output, say)
    return parts


def _named_like_rules(name: str) -> bool:
    lower = name.lower()
    return "rule" in lower or "alert" in lower


def _empty(root) -> bool:
    return root is None or (isinstance(root, MapNode) and not root.items) or (
        isinstance(root, ScalarNode) and root.is_null)


def _text(node) -> str | None:
    return node.text if isinstance(node, ScalarNode) and not node.is_null else None


def _is_resource(root: MapNode) -> bool:
    return isinstance(root.get("apiVersion"), ScalarNode) and isinstance(root.get("kind"), ScalarNode)


def _document(root: MapNode, parts: list[Part], where: str, max_nodes: int) -> bool:
    """Parts of a document that is a whole file's worth (a rule file, an Alertmanager config, ...) at the top
    of a file (`where` "") or of an embedded text (`where` the wrapping: configmap, helm); whether it was."""
    from obslint.alertmanager.documents import is_config_shaped
    from obslint.rules.model import is_rule_test_document, rule_groups_shape

    suffix = f"-{where}" if where else ""
    if rule_groups_shape(root) != "no":
        parts.append(Part(RULES, "rules" + suffix, [root]))
    elif is_rule_test_document(root):
        parts.append(Part(RULE_TESTS, "rule-tests", [root]))
    elif is_config_shaped(root):
        parts.append(Part(ALERTMANAGER, "alertmanager" + suffix, [root], "embedded" if where else "plain"))
    elif _is_prometheus_config(root):
        parts.append(Part(PROMETHEUS, "prometheus-config", [root]))
    else:
        return False
    return True


def _is_prometheus_config(node: MapNode) -> bool:
    keys = node.keys()
    if "tests" in keys:
        return False
    scrape = node.get("scrape_configs")
    if isinstance(scrape, SeqNode) and all(isinstance(s, MapNode) and "job_name" in s.keys() for s in scrape.items):
        return True
    glob = node.get("global")
    if isinstance(glob, MapNode) and set(glob.keys()) & PROMETHEUS_GLOBAL:
        return True
    alerting = node.get("alerting")
    if isinstance(alerting, MapNode) and "alertmanagers" in alerting.keys():
        return True
    rule_files = node.get("rule_files")
    return isinstance(rule_files, SeqNode) and set(keys) <= {"rule_files", *PROMETHEUS_TOP}


# --- Kubernetes resources ------------------------------------------------------------------------------

def _resource(root: MapNode, parts: list[Part], max_nodes: int) -> None:
    from obslint.alertmanager.documents import SECRET_KEYS

    kind = root.get("kind").text
    api = root.get("apiVersion").text
    if kind == "PrometheusRule":
        parts.append(Part(RULES, "rules-crd", [root]))
    elif kind == "Secret":
        for section in ("stringData", "data"):
            data = root.get(section)
            if isinstance(data, MapNode):
                for key in SECRET_KEYS:
                    if isinstance(data.get(key), ScalarNode):
                        parts.append(Part(ALERTMANAGER, "alertmanager-secret", [], "secret-" + section,
                                          scalar=data.get(key)))
                        return
    elif kind == "ConfigMap":
        data = root.get("data")
        if isinstance(data, MapNode):
            for key, value in data.items:
                if isinstance(value, ScalarNode) and not value.is_null:
                    _file_text(key, value, parts, "configmap", max_nodes)
    elif kind.endswith("List"):
        items = root.get("items")
        for item in items.items if isinstance(items, SeqNode) else ():
            if isinstance(item, MapNode) and _is_resource(item):
                _resource(item, parts, max_nodes)
    elif api.startswith("dashboard.grafana.app/"):
        parts.append(Part(DASHBOARD, "dashboard-k8s", [root]))
    elif kind == "GrafanaDashboard":
        spec = root.get("spec")
        text = spec.get("json") if isinstance(spec, MapNode) else None
        if isinstance(text, ScalarNode) and not text.is_null:
            _json_text(text, parts, "dashboard-crd")
    elif kind == "HelmRelease":
        spec = root.get("spec")
        values = spec.get("values") if isinstance(spec, MapNode) else None
        if isinstance(values, MapNode):
            _search(values, parts, 0, max_nodes)
    elif kind == "Application" and api.startswith("argoproj.io/"):
        spec = root.get("spec")
        source = spec.get("source") if isinstance(spec, MapNode) else None
        helm = source.get("helm") if isinstance(source, MapNode) else None
        values = helm.get("valuesObject") if isinstance(helm, MapNode) else None
        if isinstance(values, MapNode):
            _search(values, parts, 0, max_nodes)


def _file_text(key: ScalarNode, value: ScalarNode, parts: list[Part], where: str, max_nodes: int) -> None:
    """A file held in a string (a ConfigMap's data value): JSON dashboards, 1.x rules, or YAML read as a file."""
    text = value.text
    name = key.text.lower()
    if name.endswith(".json") or text.lstrip().startswith("{"):
        _json_text(value, parts, "dashboard-" + where)
        return
    if "\n" not in text.strip() or name.endswith((".tmpl", ".tpl", ".sh", ".conf", ".ini", ".txt")):
        return
    if "groups:" not in text and (RULES_V1_ALERT.search(text) or name.endswith(".rules") and rules_v1(text)):
        parts.append(Part(RULES_V1, "rules-v1", at=key, note=key.text))
        return
    if not any(word in text for word in ("groups", "route", "receivers", "scrape_configs", "rule_files", "global",
                                         "alerting", "tests")):
        return
    from obslint import yamlload

    try:
        documents = yamlload.load_embedded(value, max_nodes=max_nodes)
    except yamlload.YamlError as exc:
        if is_template(text):  # rendered by Helm's tpl or the like
            parts.append(Part(TEMPLATE, "template", at=key, note=f"`{key.text}` holds a template"))
        elif LOOKS_OURS.search(text):
            parts.append(Part(YAML_ERROR, "unparsed", at=key, error=exc, note=key.text))
        return
    for document in documents:
        if isinstance(document.root, MapNode):
            _document(document.root, parts, where, max_nodes)


def _json_text(value: ScalarNode, parts: list[Part], shown: str) -> None:
    import json

    from obslint.dashboards.model import dashboard_of

    text = value.text
    try:
        doc = json.loads(text)
    except ValueError:
        if '"panels"' in text or '"rows"' in text:  # a dashboard that does not parse: say so
            parts.append(Part(DASHBOARD, shown, scalar=value, text=text))
        return
    if dashboard_of(doc) is not None:
        parts.append(Part(DASHBOARD, shown, scalar=value, text=text))


# --- Helm values (anywhere in a tree) -------------------------------------------------------------------

def _search(node: Node, parts: list[Part], depth: int, max_nodes: int, key: ScalarNode | None = None,
            parent: MapNode | None = None) -> None:
    """Monitoring content anywhere below `node` (Helm values, say), found by its shape."""
    from obslint.alertmanager.documents import is_config_shaped
    from obslint.rules.model import is_rule, rule_groups_shape

    if depth > MAX_DEPTH:
        return
    if isinstance(node, MapNode):
        if depth and rule_groups_shape(node) == "yes":
            parts.append(_helm_rules(node, key, [_groups_only(node)]))
            return
        if depth and is_config_shaped(node):
            if parent is not None and _truthy(parent, "tplConfig"):
                parts.append(Part(TEMPLATE, "alertmanager-helm", at=key, note="Helm's tpl (tplConfig)"))
            else:  # a chart's `enabled` switch beside the config is the chart's, not Alertmanager's
                parts.append(Part(ALERTMANAGER, "alertmanager-helm", [_without_switch(node)], "helm"))
            return
        if depth and key is not None and key.text.endswith(("prometheus.yml", "prometheus.yaml")) and \
                _is_prometheus_config(node):  # the prometheus chart's serverFiles
            parts.append(Part(PROMETHEUS, "prometheus-config", [node]))
            return
        values = [v for _, v in node.items]
        if depth and values and all(is_rule(v) for v in values):  # a map of named rules
            rules = [v for v in values if not _falsy(v, "enabled")]
            parts.append(_helm_rules(node, key, [_group_of(key or node, rules, drop=("enabled",))]))
            return
        for child_key, child in node.items:
            if isinstance(child, ScalarNode):
                text = _text(child)
                if text and "\n" in text.strip() and child_key.text.lower().endswith(
                        (".yml", ".yaml", ".rules", ".json")):
                    _file_text(child_key, child, parts, "helm", max_nodes)
                elif text and child_key.text == "json" and text.lstrip().startswith("{"):
                    _json_text(child, parts, "dashboard-helm")
                continue
            _search(child, parts, depth + 1, max_nodes, child_key, node)
    elif isinstance(node, SeqNode):
        if depth and node.items and all(is_rule(i) for i in node.items):  # a list of rules
            parts.append(_helm_rules(node, key, [_group_of(key or node, node.items)]))
            return
        for item in node.items:
            _search(item, parts, depth + 1, max_nodes, key)


def _helm_rules(node: Node, key: ScalarNode | None, roots: list[Node]) -> Part:
    """Rules in Helm values, unless they go through Helm's `tpl` (then said once and skipped)."""
    marker = _helm_marker(node)
    if marker is not None:
        return Part(TEMPLATE, "rules-helm", at=marker, note="rules rendered by Helm's tpl")
    return Part(RULES, "rules-helm", roots, at=key)


def _helm_marker(node: Node) -> Node | None:
    """The first scalar below `node` that only Helm's templating reads (`.Values`, `{{ template "..." }}`,
    `{{ "{{" }}`), or one in an expression (`{{` never belongs in PromQL)."""
    stack = [(node, False)]
    while stack:
        current, in_expr = stack.pop()
        if isinstance(current, ScalarNode):
            text = current.text
            if "{{" in text and (in_expr or HELM_MARKERS.search(text)):
                return current
        elif isinstance(current, MapNode):
            stack.extend((v, k.text == "expr") for k, v in reversed(current.items))
        elif isinstance(current, SeqNode):
            stack.extend((i, False) for i in reversed(current.items))
    return None


def _truthy(node: MapNode, key: str) -> bool:
    value = node.get(key)
    return isinstance(value, ScalarNode) and value.as_bool() is True


def _falsy(node: MapNode, key: str) -> bool:
    value = node.get(key)
    return isinstance(value, ScalarNode) and value.as_bool() is False


def _without_switch(node: MapNode) -> MapNode:
    """`node` without an `enabled: true|false` key (Helm charts' switch for the block it sits in)."""
    value = node.get("enabled")
    if not (isinstance(value, ScalarNode) and value.as_bool() is not None):
        return node
    return MapNode(node.line, node.column, node.tag, [(k, v) for k, v in node.items if k.text != "enabled"])


def _groups_only(node: MapNode) -> MapNode:
    """A rule file made of a mapping's `groups` (Helm values' `additionalPrometheusRules` items have a
    `name` beside them, which is the PrometheusRule's, not the rule file's)."""
    key = node.key_node("groups")
    return MapNode(node.line, node.column, node.tag, [(key, node.get("groups"))])


def _group_of(at: Node, rules: list[Node], drop: tuple[str, ...] = ()) -> MapNode:
    """A rule file of one group holding `rules` (Helm values keep rules without their group: the chart's
    template makes it)."""
    def scalar(text: str) -> ScalarNode:
        return ScalarNode(at.line, at.column, "tag:yaml.org,2002:str", text, None, None)

    kept = [MapNode(r.line, r.column, r.tag, [(k, v) for k, v in r.items if k.text not in drop]) for r in rules]
    name = at.text if isinstance(at, ScalarNode) else "rules"
    group = MapNode(at.line, at.column, "tag:yaml.org,2002:map",
                    [(scalar("name"), scalar(name)),
                     (scalar("rules"), SeqNode(at.line, at.column, "tag:yaml.org,2002:seq", kept))])
    return MapNode(at.line, at.column, "tag:yaml.org,2002:map",
                   [(scalar("groups"), SeqNode(at.line, at.column, "tag:yaml.org,2002:seq", [group]))])


# --- text that is not YAML ------------------------------------------------------------------------------

def rules_v1(text: str) -> bool:
    """Prometheus 1.x rules (`ALERT ... IF ...`, `name = expr`), which Prometheus 2 no longer reads."""
    return bool(RULES_V1_ALERT.search(text) or RULES_V1_RECORD.search(text))


def is_template(text: str) -> bool:
    """Text with template actions outside YAML strings (Helm's or Go's `{{ }}` starting a line or a value,
    Helm's `.Values`, Liquid's `{% %}`): not YAML until rendered. (`{{ }}` inside quoted strings is
    Alertmanager's or Prometheus' own templating, and a YAML error there is the file's.)"""
    return bool(TEMPLATE_ACTIONS.search(text))


def looks_ours(text: str) -> bool:
    """Unreadable text that looks like a rule file, unit tests or an Alertmanager config."""
    return bool(LOOKS_OURS.search(text))


def mentions_monitoring(text: str) -> bool:
    """A template that renders monitoring content (a PrometheusRule, rules, an Alertmanager config, a
    dashboard ConfigMap): worth saying it was not linted."""
    return bool(MONITORING_WORDS.search(text))
