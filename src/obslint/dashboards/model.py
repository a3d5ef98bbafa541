"""A dashboard as obslint reads it: its JSON (compiled from grafanalib, obslint.dashboards.compiler, or read
from a JSON file) with the line of the user's code behind each panel and target, and the PromQL its
panels and variables query."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from obslint.config import Config
from obslint.dashboards import macros
from obslint.dashboards.compiler import Compiled, iter_panels

VARIABLE_FUNCTIONS = re.compile(r"^\s*(?P<fn>label_values|label_names|metrics|query_result)\s*\((?P<arg>.*)\)\s*$",
                                re.S)


@dataclass
class Dashboard:
    """One dashboard and where it came from (`name`: the variable, or the JSON file)."""

    path: Path
    shown: str  # the path as findings show it
    compiled: Compiled


def dashboard_subject(doc: dict) -> str:
    """What a finding about this dashboard is about (see obslint.core.findings.Finding.subject)."""
    name = doc.get("uid") if isinstance(doc.get("uid"), str) and doc.get("uid") else doc.get("title")
    return f"dashboard:{name if isinstance(name, str) else ''}"


def subject_of(doc: dict, pointer: str) -> str:
    """The subject of a finding at JSON `pointer` of dashboard `doc`: the dashboard, and within it the
    (innermost) panel by title, else id, or the variable by name."""
    subject = dashboard_subject(doc)
    parts = pointer.strip("/").split("/") if pointer.strip("/") else []
    node, inner = doc, ""
    for i, part in enumerate(parts):
        container = node
        node = node.get(part) if isinstance(node, dict) else (
            node[int(part)] if isinstance(node, list) and part.isdigit() and int(part) < len(node) else None)
        if node is None:
            break
        if isinstance(node, dict) and isinstance(container, list) and parts[i - 1] == "panels":
            title = node.get("title")
            inner = f"/panel:{title}" if isinstance(title, str) and title else f"/panel:#{node.get('id', part)}"
        elif isinstance(node, dict) and isinstance(container, list) and parts[i - 2:i] == ["templating", "list"]:
            inner = f"/variable:{node.get('name', part)}"
    return subject + inner


class DashboardReadError(Exception):
    """A JSON dashboard that cannot be read, at a line and column."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


# keys a Grafana dashboard has beside its panels (a JSON document with `panels` alone may be anything)
DASHBOARD_KEYS = ("title", "schemaVersion", "uid", "templating", "time", "annotations", "editable", "graphTooltip",
                  "refresh", "timezone", "__inputs")
K8S_API = "dashboard.grafana.app/"


def dashboard_of(doc) -> tuple[dict, str] | None:
    """(the dashboard, how it is wrapped) in a JSON document, or None when it holds none: a dashboard
    ("plain": an object with `panels` or legacy `rows` and the keys a dashboard has), the import API's
    envelope ("import": `{"dashboard": {...}, "overwrite": true}`), or Grafana's Kubernetes-style resource
    ("k8s": `apiVersion: dashboard.grafana.app/...`, the dashboard in `spec`)."""
    if not isinstance(doc, dict):
        return None
    if _is_dashboard(doc):
        return doc, "plain"
    inner = doc.get("dashboard")
    if isinstance(inner, dict) and _is_dashboard(inner):
        return inner, "import"
    api, spec = doc.get("apiVersion"), doc.get("spec")
    if isinstance(api, str) and api.startswith(K8S_API) and isinstance(spec, dict):
        return spec, "k8s"
    return None


def _is_dashboard(doc: dict) -> bool:
    return (isinstance(doc.get("panels"), list) or isinstance(doc.get("rows"), list)) and any(
        k in doc for k in DASHBOARD_KEYS)


def read_json(path: Path) -> Compiled:
    """A JSON dashboard file (or one wrapped as dashboard_of tells), with the line of each panel and
    target; DashboardReadError when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DashboardReadError(1, 1, f"not UTF-8 text: {exc.reason}") from None
    except OSError as exc:
        raise DashboardReadError(1, 1, f"cannot read the file: {exc.strerror}") from None
    return read_json_text(text)


def read_json_text(text: str, locate=None, doc=None) -> Compiled:
    """A dashboard from its JSON text (`doc`: the text already parsed), with the line of each panel and
    target; `locate(line, column)` maps a position in `text` to one in the file that holds it (a
    ConfigMap's block scalar, say). DashboardReadError, at a position in the file, when it cannot be read."""
    if doc is None:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            line, column = locate(exc.lineno, exc.colno) if locate else (exc.lineno, exc.colno)
            raise DashboardReadError(line, column, f"not valid JSON: {exc.msg}") from None
    if not isinstance(doc, dict):
        line, column = locate(1, 1) if locate else (1, 1)
        raise DashboardReadError(line, column, "a dashboard is a JSON object")
    found = dashboard_of(doc)
    wrapper = None
    if found is not None:
        doc, wrapping = found
        wrapper = {"import": "dashboard", "k8s": "spec"}.get(wrapping)
    compiled = Compiled(doc)
    compiled.lines.update(_json_lines(text, wrapper, locate))
    return compiled


def from_tree(node) -> Compiled:
    """A dashboard written as YAML (Grafana's Kubernetes-style resource, say): its JSON value (numbers,
    booleans and nulls as JSON has them) and the line of each of its parts."""
    from obslint.yamlload import MapNode

    found = dashboard_of(_typed(node))
    doc = found[0] if found is not None else _typed(node)
    if found is not None and found[1] != "plain" and isinstance(node, MapNode):
        node = node.get("dashboard" if found[1] == "import" else "spec")
    compiled = Compiled(doc)
    compiled.lines.update(_lines_of(node, lambda n: n.line))
    return compiled


def _typed(node):
    """Plain JSON values of a YAML tree: YAML 1.1's booleans, numbers and nulls typed, strings kept."""
    from obslint.yamlload import MapNode, SeqNode

    if node is None:
        return None
    if isinstance(node, MapNode):
        return {k.text: _typed(v) for k, v in node.items}
    if isinstance(node, SeqNode):
        return [_typed(i) for i in node.items]
    if node.is_null:
        return None
    if node.style is not None:
        return node.text
    if node.as_bool() is not None:
        return node.as_bool()
    number = node.as_int()
    if number is not None:
        return number
    try:
        return float(node.text)
    except ValueError:
        return node.text


_JSON_TOKENS = re.compile(r'("(?:[^"\\\n]|\\.)*")(\s*:)?|[{}\[\],]')


def _json_lines(text: str, wrapper: str | None = None, locate=None) -> dict[str, int]:
    """The line of every value of a JSON document, by JSON pointer (of the `wrapper` member's value when
    given), in one scan of its strings and punctuation; `locate(line, column)` maps a position of `text`
    to the file that holds it. (Numbers, booleans and nulls take the line of their key, or of the `,`
    before them in an array.)"""
    lines: dict[str, int] = {}
    stack: list[list] = []  # [is an array, pointer, index or key]
    line = 1
    counted = 0
    count = text.count

    def at_line(position: int) -> int:
        if locate is None:
            return line
        return locate(line, position - text.rfind("\n", 0, position))[0]

    for match in _JSON_TOKENS.finditer(text):
        start = match.start()
        line += count("\n", counted, start)
        counted = start
        kind = text[start]
        if kind == '"':
            if match.group(2) is not None:  # a key: its value's line is (most often) the key's
                key = match.group(1)
                top = stack[-1] if stack else None
                if top is not None:
                    top[2] = json.loads(key) if "\\" in key else key[1:-1]
                    lines[f"{top[1]}/{top[2]}"] = at_line(start)
            elif stack:
                top = stack[-1]
                if top[0]:
                    lines[f"{top[1]}/{top[2]}"] = at_line(start)
            else:
                lines[""] = at_line(start)
        elif kind in "{[":
            if stack:
                top = stack[-1]
                at = f"{top[1]}/{top[2]}"
                if top[0]:
                    lines[at] = at_line(start)
            else:
                at = ""
                lines[at] = at_line(start)
            stack.append([kind == "[", at, 0 if kind == "[" else None])
        elif kind in "}]":
            if stack:
                stack.pop()
        elif stack and stack[-1][0]:  # a comma in an array
            top = stack[-1]
            top[2] += 1
            lines[f"{top[1]}/{top[2]}"] = at_line(start)
    if wrapper:
        prefix = f"/{wrapper}"
        lines = {k[len(prefix):]: v for k, v in lines.items() if k == prefix or k.startswith(prefix + "/")}
    return lines


def _lines_of(root, line_of) -> dict[str, int]:
    from obslint.yamlload import MapNode, SeqNode

    lines: dict[str, int] = {}

    def walk(node, pointer: str, depth: int) -> None:
        if isinstance(node, MapNode):
            lines[pointer] = line_of(node)
            if depth > 6:
                return
            for key, value in node.items:
                walk(value, f"{pointer}/{key.text}", depth + 1)
        elif isinstance(node, SeqNode):
            lines[pointer] = line_of(node)
            for i, item in enumerate(node.items):
                walk(item, f"{pointer}/{i}", depth + 1)
        elif node is not None:
            lines[pointer] = line_of(node)

    walk(root, "", 0)
    return lines


def queries(doc: dict, config: Config):
    """(pointer of the target, panel, parsed PromQL) for every panel query that parses once Grafana's
    variables are substituted."""
    from obslint.promql.parse import parse_expr

    for pointer, panel in iter_panels(doc):
        for i, target in enumerate(panel.get("targets") or []):
            expr = target.get("expr") if isinstance(target, dict) else None
            if isinstance(expr, str) and expr.strip():
                parsed = parse_expr(macros.substitute(expr), config.prometheus_version)
                if parsed.ok:
                    yield f"{pointer}/targets/{i}", panel, parsed


def series_read(doc: dict, config: Config) -> set[str]:
    """The metric names a dashboard's queries (panels and variables) read."""
    from obslint.promql.parse import parse_expr
    from obslint.rules.facts import series_read as names_in

    names: set[str] = set()
    for _, _, parsed in queries(doc, config):
        names |= names_in(parsed)
    for variable in (doc.get("templating") or {}).get("list") or []:
        query = variable.get("query") if isinstance(variable, dict) else None
        query = query.get("query") if isinstance(query, dict) else query
        m = VARIABLE_FUNCTIONS.match(query) if isinstance(query, str) else None
        if m is not None:
            expr = split_last_comma(m.group("arg"))[0] if m.group("fn") == "label_values" else m.group("arg")
            parsed = parse_expr(macros.substitute(expr), config.prometheus_version) if expr.strip() else None
            if parsed is not None and parsed.ok:
                names |= names_in(parsed)
    return names


def split_last_comma(arg: str) -> list[str]:
    """`label_values(metric{a="x,y"}, label)` -> [metric{a="x,y"}, label]: the last comma outside braces."""
    depth, quote, last = 0, None, -1
    for i, ch in enumerate(arg):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'`":
            quote = ch
        elif ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == "," and depth == 0:
            last = i
    return [arg] if last < 0 else [arg[:last], arg[last + 1:]]
