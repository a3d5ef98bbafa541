"""A dashboard as obslint reads it: its JSON (compiled from grafanalib, obslint.dashboards.compiler, or read
from a JSON file) with the line of the user's code behind each panel and target, and the PromQL its
panels and variables query.

A JSON file holds a classic dashboard, the API's `{"dashboard": ..., "inputs": [...]}` envelope, or a
Grafana resource (`apiVersion: dashboard.grafana.app/...`, obslint.dashboards.resources): a v1 resource's
`spec` is a classic dashboard, a v2 resource is read through the classic model. Only queries whose
datasource runs PromQL are parsed as PromQL (obslint.dashboards.datasources)."""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path

from obslint.config import Config
from obslint.dashboards import macros, resources
from obslint.dashboards.compiler import Compiled, iter_panels
from obslint.dashboards.datasources import PROMQL, Languages, import_inputs

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
    """A JSON dashboard file (a dashboard, the API's envelope, or a Grafana dashboard resource), with the
    line of each of its values; DashboardReadError when it cannot be read."""
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
    return from_document(doc, json_positions(text, locate))


def from_tree(node) -> Compiled:
    """A dashboard written as YAML (Grafana's Kubernetes-style resource, say): its JSON value (numbers,
    booleans and nulls as JSON has them), read as a JSON document is, with the position of each part."""
    from obslint.yamlload import MapNode, SeqNode

    positions: dict[str, tuple[int, int, str | None]] = {}

    def walk(part, pointer: str) -> None:
        if part is None:
            return
        positions[pointer] = (part.line, part.column, None)
        if isinstance(part, MapNode):
            for key, value in part.items:
                walk(value, f"{pointer}/{key.text}")
        elif isinstance(part, SeqNode):
            for i, item in enumerate(part.items):
                walk(item, f"{pointer}/{i}")

    walk(node, "")
    doc = _typed(node)
    return from_document(doc if isinstance(doc, dict) else {}, positions)


def from_document(doc: dict, positions: dict[str, tuple[int, int, str | None]] | None = None) -> Compiled:
    """The dashboard a parsed JSON document holds. `positions` (JSON pointer in the document -> line,
    column and, for strings, the raw token) place findings; embedded documents may pass positions in
    the file that embeds them."""
    positions = positions or {}
    prefix = ""
    inputs: dict[str, str] = {}
    if isinstance(doc.get("dashboard"), dict):  # the API's {"dashboard": {...}, "inputs": [...]} envelope
        inputs.update(import_inputs(doc.get("inputs")))
        doc, prefix = doc["dashboard"], "/dashboard"
    version = resources.api_version(doc)
    if version is not None and resources.is_v2(doc):
        classic, where = resources.v2_to_classic(doc)
        compiled = Compiled(classic, form="v2")
        for pointer, source in where.items():
            _place(compiled, pointer, positions.get(prefix + source))
        compiled.notes.append(("", f"a Grafana v2 dashboard resource ({resources.API_GROUP}{version}): obslint "
                                   "checks its queries, panel titles, units, datasources and variables; its layout "
                                   "and schema are not checked"))
        return compiled
    if version is not None:  # v0/v1: the classic model in `spec`, the uid in metadata.name
        uid = resources.uid(doc)
        doc, prefix = dict(doc["spec"]), prefix + "/spec"
        if uid is not None and not doc.get("uid"):
            doc["uid"] = uid
    inputs.update(import_inputs(doc.get("__inputs")))
    compiled = Compiled(doc, inputs=inputs)
    cut = len(prefix)
    for pointer, position in positions.items():
        if pointer.startswith(prefix) and (len(pointer) == cut or pointer[cut] == "/"):
            _place(compiled, pointer[cut:], position)
    return compiled


def _place(compiled: Compiled, pointer: str, position) -> None:
    if position is None:
        return
    line, column, raw = position
    compiled.lines[pointer] = line
    if raw is not None:
        compiled.strings[pointer] = (line, column, raw)


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


def _json_lines(text: str, wrapper: str | None = None, locate=None) -> dict[str, int]:
    """The line of every value of a JSON document by JSON pointer (of the `wrapper` member's value when
    given): json_positions' lines."""
    positions = json_positions(text, locate)
    if not wrapper:
        return {pointer: at[0] for pointer, at in positions.items()}
    prefix = f"/{wrapper}"
    return {pointer[len(prefix):]: at[0] for pointer, at in positions.items()
            if pointer == prefix or pointer.startswith(prefix + "/")}


def _lines_of(root, line_of) -> dict[str, int]:
    """The line of every part of a YAML tree by JSON pointer (what a JSON dashboard's lines are tested
    against)."""
    from obslint.yamlload import MapNode, SeqNode

    lines: dict[str, int] = {}

    def walk(node, pointer: str) -> None:
        if isinstance(node, MapNode):
            lines[pointer] = line_of(node)
            for key, value in node.items:
                walk(value, f"{pointer}/{key.text}")
        elif isinstance(node, SeqNode):
            lines[pointer] = line_of(node)
            for i, item in enumerate(node.items):
                walk(item, f"{pointer}/{i}")
        elif node is not None:
            lines[pointer] = line_of(node)

    walk(root, "")
    return lines


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def json_positions(text: str, locate=None) -> dict[str, tuple[int, int, str | None]]:
    """Every value of a (valid) JSON text by JSON pointer, in one scan of its tokens: its line, column and,
    for strings, the token as written (to place a character inside it); `locate(line, column)` maps a
    position of `text` to the file that holds it (a ConfigMap's block scalar, say)."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    positions: dict[str, tuple[int, int, str | None]] = {}
    stack: list[list] = []  # [pointer, is_object, key or index, expecting a key]

    def where(offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(newlines, offset)
        start = newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        first = token[0]
        if first in ",:":
            if first == "," and stack:
                top = stack[-1]
                if top[1]:
                    top[3] = True
                else:
                    top[2] += 1
            continue
        if first in "}]":
            if stack:
                stack.pop()
            continue
        if stack and stack[-1][1] and stack[-1][3]:  # a key
            stack[-1][2] = token[1:-1] if "\\" not in token else json.loads(token)
            stack[-1][3] = False
            continue
        pointer = f"{stack[-1][0]}/{stack[-1][2]}" if stack else ""
        line, column = where(m.start()) if locate is None else locate(*where(m.start()))
        positions[pointer] = (line, column, token if first == '"' else None)
        if first == "{":
            stack.append([pointer, True, None, True])
        elif first == "[":
            stack.append([pointer, False, 0, False])
    return positions


def queries(doc: dict, config: Config, inputs: dict[str, str] | None = None):
    """(pointer of the target, panel, parsed PromQL) for every PromQL panel query (by its datasource) that
    parses once Grafana's variables are substituted."""
    from obslint.promql.parse import parse_expr

    languages = Languages(doc, inputs, config.metricsql_datasources)
    for pointer, panel in iter_panels(doc):
        for i, target in enumerate(panel.get("targets") or []):
            expr = target.get("expr") if isinstance(target, dict) else None
            if isinstance(expr, str) and expr.strip() and languages.of_target(panel, target) == PROMQL:
                parsed = parse_expr(macros.substitute(expr), config.prometheus_version,
                                    features=config.enable_features)
                if parsed.ok:
                    yield f"{pointer}/targets/{i}", panel, parsed


def series_read(doc: dict, config: Config) -> set[str]:
    """The metric names a dashboard's queries (panels and variables) read."""
    from obslint.promql.parse import parse_expr
    from obslint.rules.facts import series_read as names_in

    names: set[str] = set()
    for _, _, parsed in queries(doc, config):
        names |= names_in(parsed)
    languages = Languages(doc, None, config.metricsql_datasources)
    for variable in (doc.get("templating") or {}).get("list") or []:
        if not isinstance(variable, dict) or languages.of_variable(variable) != PROMQL:
            continue
        query = variable.get("query")
        query = query.get("query") if isinstance(query, dict) else query
        m = VARIABLE_FUNCTIONS.match(query) if isinstance(query, str) else None
        if m is not None:
            expr = split_last_comma(m.group("arg"))[0] if m.group("fn") == "label_values" else m.group("arg")
            parsed = parse_expr(macros.substitute(expr), config.prometheus_version,
                                features=config.enable_features) if expr.strip() else None
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
