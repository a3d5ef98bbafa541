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
        if any(k in root.keys() for k in ("route", "receivers", "inhibit_rules", "global")):
            return root, "plain"
    return None, "none"


def is_alertmanager_document(root: Node | None) -> bool:
    return find_config([root])[1] != "none"


def unwrap(node: Node, wrapping: str, max_nodes: int) -> Node | None:
    """The config tree inside a Secret's string (positions mapped back into the file where possible);
    UnwrapError when the string cannot be read."""
    if wrapping in ("plain", "helm"):
        return node
    text = node.as_str()
    if wrapping == "secret-data":
        try:
            text = base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeError, ValueError):
            raise UnwrapError("encoding", node.line, node.column,
                              "alertmanager.yaml in the Secret's data is not base64 of UTF-8 text") from None
    try:
        documents = yamlload.load_documents(text, max_nodes)
    except yamlload.YamlError as exc:
        line, column = _inner_position(node, text, exc.line, exc.column, wrapping)
        raise UnwrapError("syntax", line, column, f"in the Secret's alertmanager.yaml: {exc.message}") from None
    inner = documents[0].root if documents else None
    if inner is not None:
        _relocate(inner, node, text, wrapping)
    return inner


def _inner_position(scalar: ScalarNode, text: str, line: int, column: int, wrapping: str) -> tuple[int, int]:
    if wrapping != "secret-stringData":
        return scalar.line, scalar.column  # base64: no position inside maps back to the file
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    offset = starts[min(line, len(starts)) - 1] + column - 1
    return scalar.position_of(offset)


def _relocate(tree: Node, scalar: ScalarNode, text: str, wrapping: str) -> None:
    stack = [tree]
    while stack:
        node = stack.pop()
        node.line, node.column = _inner_position(scalar, text, node.line, node.column, wrapping)
        if isinstance(node, MapNode):
            for k, v in node.items:
                stack.extend((k, v))
        elif isinstance(node, SeqNode):
            stack.extend(node.items)
