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


def read_json(path: Path) -> Compiled:
    """A JSON dashboard file (or the API's `{"dashboard": ...}` envelope), with the line of each panel
    and target; DashboardReadError when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text)
    except UnicodeDecodeError as exc:
        raise DashboardReadError(1, 1, f"not UTF-8 text: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise DashboardReadError(exc.lineno, exc.colno, f"not valid JSON: {exc.msg}") from None
    except OSError as exc:
        raise DashboardReadError(1, 1, f"cannot read the file: {exc.strerror}") from None
    if not isinstance(doc, dict):
        raise DashboardReadError(1, 1, "a dashboard is a JSON object")
    if isinstance(doc.get("dashboard"), dict):  # the API's {"dashboard": {...}} envelope
        doc = doc["dashboard"]
    compiled = Compiled(doc)
    compiled.lines.update(_json_lines(text))
    return compiled


def _json_lines(text: str) -> dict[str, int]:
    """Lines of panels and targets of a JSON dashboard (JSON read as YAML keeps positions)."""
    from obslint import yamlload
    from obslint.yamlload import MapNode, SeqNode

    try:
        documents = yamlload.load_documents(text, 2_000_000)
    except yamlload.YamlError:
        return {}
    root = documents[0].root if documents else None
    lines: dict[str, int] = {}
    if isinstance(root, MapNode) and isinstance(root.get("dashboard"), MapNode):
        root = root.get("dashboard")

    def walk(node, pointer: str, depth: int) -> None:
        if isinstance(node, MapNode):
            lines[pointer] = node.line
            if depth > 6:
                return
            for key, value in node.items:
                walk(value, f"{pointer}/{key.text}", depth + 1)
        elif isinstance(node, SeqNode):
            lines[pointer] = node.line
            for i, item in enumerate(node.items):
                walk(item, f"{pointer}/{i}", depth + 1)
        elif node is not None:
            lines[pointer] = node.line

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
