"""Where an Alertmanager config sits in a file: a plain `alertmanager.yml`, a Kubernetes Secret holding
it under `alertmanager.yaml` (`stringData`, or base64 `data`), or kube-prometheus-stack Helm values
(`alertmanager.config`); and the config tree of a Secret's string, with its positions mapped back into
the file where they can be."""

from __future__ import annotations

import base64
import binascii

from obslint import yamlload
from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode


class UnwrapError(Exception):
    """The Secret's string is not base64 (`kind` "encoding") or not YAML (`kind` "syntax"), at a position."""

    def __init__(self, kind: str, line: int, column: int, message: str):
        super().__init__(message)
        self.kind, self.line, self.column, self.message = kind, line, column, message


SECRET_KEYS = ("alertmanager.yaml", "alertmanager.yml")
UTF8_LABEL_NAMES_SINCE = (0, 27)


ROUTE_KEYS = frozenset({"receiver", "group_by", "continue", "match", "match_re", "matchers", "routes", "group_wait",
                        "group_interval", "repeat_interval", "mute_time_intervals", "active_time_intervals"})
GLOBAL_KEYS = frozenset({"resolve_timeout", "smtp_from", "smtp_smarthost", "smtp_hello", "smtp_auth_username",
                         "smtp_auth_password", "smtp_auth_password_file", "smtp_auth_secret", "smtp_auth_identity",
                         "smtp_require_tls", "slack_api_url", "slack_api_url_file", "pagerduty_url", "opsgenie_api_url",
                         "opsgenie_api_key", "opsgenie_api_key_file", "victorops_api_url", "victorops_api_key",
                         "victorops_api_key_file", "wechat_api_url", "wechat_api_secret", "wechat_api_corp_id",
                         "telegram_api_url", "webex_api_url", "http_config", "jira_api_url", "rocketchat_api_url"})
TOP_KEYS = frozenset({"global", "route", "receivers", "inhibit_rules", "templates", "time_intervals",
                      "mute_time_intervals", "tracing"})


def is_config_shaped(node: Node | None) -> bool:
    """Whether a mapping is an Alertmanager config by its structure, not by one key: a `route` of routing
    fields, or `receivers` with integrations (`*_configs`), or Alertmanager's own `global` fields. Not a
    Prometheus config, an OpenTelemetry collector config (`receivers` a mapping), a Gateway HTTPRoute
    (`route` of hostnames), or other tools' `receivers` lists."""
    if not isinstance(node, MapNode):
        return False
    keys = node.keys()
    if "scrape_configs" in keys or "rule_files" in keys or "exporters" in keys or "service" in keys:
        return False
    if not set(keys) & TOP_KEYS:
        return False
    route = node.get("route")
    if isinstance(route, MapNode) and set(route.keys()) & ROUTE_KEYS:
        return True
    receivers = node.get("receivers")
    if isinstance(receivers, SeqNode) and receivers.items and all(
            isinstance(r, MapNode) and "name" in r.keys() for r in receivers.items):
        if any(k.endswith("_configs") for r in receivers.items for k in r.keys()):
            return True
        if "route" in keys or "inhibit_rules" in keys:
            return True
    glob = node.get("global")
    return isinstance(glob, MapNode) and bool(set(glob.keys()) & GLOBAL_KEYS) and (
        "route" in keys or "receivers" in keys)


def find_config(roots: list[Node | None]) -> tuple[Node | None, str]:
    """The config mapping among a file's documents and how it is wrapped: plain, secret, helm or none."""
    for root in roots:
        if not isinstance(root, MapNode):
            continue
        kind = root.get("kind")
        if isinstance(kind, ScalarNode) and kind.text == "Secret":
            for section in ("stringData", "data"):
                data = root.get(section)
                if isinstance(data, MapNode):
                    for key in SECRET_KEYS:
                        if isinstance(data.get(key), ScalarNode):
                            return data.get(key), "secret-" + section
            continue
        am = root.get("alertmanager")
        if isinstance(am, MapNode) and isinstance(am.get("config"), MapNode):
            return am.get("config"), "helm"
        if is_config_shaped(root):
            return root, "plain"
    return None, "none"


def is_alertmanager_document(root: Node | None) -> bool:
    return find_config([root])[1] != "none"


def unwrap(node: Node, wrapping: str, max_nodes: int) -> Node | None:
    """The config tree inside a Secret's string (positions mapped back into the file where possible);
    UnwrapError when the string cannot be read."""
    if wrapping in ("plain", "helm", "embedded"):
        return node
    text = node.as_str()
    if wrapping == "secret-data":
        try:
            text = base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError):
            raise UnwrapError("encoding", node.line, node.column,
                              "alertmanager.yaml in the Secret's data is not base64 of UTF-8 text") from None
    try:
        documents = yamlload.load_embedded(node, text, max_nodes, opaque=wrapping != "secret-stringData")
    except yamlload.YamlError as exc:
        raise UnwrapError("syntax", exc.line, exc.column, f"in the Secret's alertmanager.yaml: {exc.message}") from None
    return documents[0].root if documents else None
