"""Dashboard lint: loading grafanalib files and plain JSON dashboards, validating them, and the checks
(D001-D018, documented in obslint.checks.dashboard_checks), each reported at the user's file and,
where known, the line that built the panel or target."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from obslint.collector import Collector, Collectors
from obslint.config import Config
from obslint.dashboards import macros, schema
from obslint.dashboards.compiler import Compiled, iter_panels
from obslint.dashboards.units import is_unit
from obslint.findings import Finding, Severity

DATA_PANEL_TYPES = frozenset({"timeseries", "stat", "gauge", "bargauge", "table", "heatmap", "histogram",
                              "barchart", "piechart", "state-timeline", "status-history", "graph", "singlestat",
                              "table-old", "xychart", "trend", "candlestick"})
UNIT_PANEL_TYPES = frozenset({"timeseries", "stat", "gauge", "bargauge", "graph", "singlestat"})
MAX_UID = 40
VARIABLE_FUNCTIONS = re.compile(r"^\s*(?P<fn>label_values|label_names|metrics|query_result)\s*\((?P<arg>.*)\)\s*$",
                                re.S)


@dataclass
class Dashboard:
    """One dashboard and where it came from (`name`: the variable, or the JSON file)."""

    path: Path
    shown: str  # the path as findings show it
    compiled: Compiled


def load(path: Path, shown: str, config: Config, collector: Collector, outcome=None) -> list[Dashboard]:
    """The dashboards of one file (.json read; .py run in the sandbox, or its `outcome` when it has run
    already); problems go to `collector`."""
    if path.suffix == ".json":
        compiled = _read_json(path, collector)
        return [Dashboard(path, shown, compiled)] if compiled is not None else []
    if outcome is None:
        from obslint.dashboards.sandbox import run_files

        outcome = run_files([path], config.sandbox, config.dashboard_schema_version)[0]
    if outcome.error is not None:
        line, column, message = outcome.error
        collector.add("D001", line, column, message)
        return []
    if outcome.output.strip() or outcome.output_size:
        lines = outcome.output.strip().splitlines()
        first = f"the first line: {lines[0]!r}" if lines else "no text"
        collector.add("D018", 1, 1, f"building the dashboards printed output ({first}; {outcome.output_size} "
                                    "characters in all); grafanalib prints warnings such as dropped panels this way")
    for line, message in outcome.compile_errors:
        collector.add("D001", line, 1, message)
    return [Dashboard(path, shown, Compiled(doc, lines)) for doc, lines in outcome.dashboards]


def _read_json(path: Path, collector: Collector) -> Compiled | None:
    try:
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text)
    except UnicodeDecodeError as exc:
        collector.add("D001", 1, 1, f"not UTF-8 text: {exc.reason}")
        return None
    except json.JSONDecodeError as exc:
        collector.add("D001", exc.lineno, exc.colno, f"not valid JSON: {exc.msg}")
        return None
    except OSError as exc:
        collector.add("D001", 1, 1, f"cannot read the file: {exc.strerror}")
        return None
    if not isinstance(doc, dict):
        collector.add("D001", 1, 1, "a dashboard is a JSON object")
        return None
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


# --- per dashboard -------------------------------------------------------------------------------

def lint(dashboard: Dashboard, collector: Collector, config: Config) -> None:
    compiled = dashboard.compiled
    doc = compiled.doc

    def add(code: str, pointer: str, message: str, severity=None) -> None:
        collector.add(code, compiled.line_of(pointer), 1, message, severity)

    for pointer, message in schema.problems(doc):
        add("D002", pointer, message)
    _uid(doc, add)
    variables = {v.get("name"): v for v in (doc.get("templating") or {}).get("list") or []
                 if isinstance(v, dict) and isinstance(v.get("name"), str)}
    datasource_vars = {n for n, v in variables.items() if v.get("type") == "datasource"}
    if not datasource_vars:
        add("D003", "", "the dashboard has no `datasource` variable (type datasource); its panels are tied "
                        "to one Prometheus")
    used: list[tuple[str, str]] = []  # (variable, pointer)
    for pointer, panel in iter_panels(doc):
        _panel(pointer, panel, datasource_vars, used, add, config)
    for name, variable in variables.items():
        pointer = f"/templating/list/{list(variables).index(name)}"
        _variable(pointer, variable, used, add, config)
    for link in doc.get("links") or []:
        if isinstance(link, dict):
            used.extend((ref, "/links") for field in ("url", "title") for ref in macros.references(link.get(field)))
    used.extend((ref, "") for ref in macros.references(doc.get("title")))
    referenced = set()
    for name, pointer in used:
        if name.startswith("__") or name in ("interval", "timeFilter"):
            continue
        referenced.add(name)
        if name not in variables:
            add("D011", pointer, f"`${name}` is used but the dashboard defines no variable `{name}`")
    for i, name in enumerate(variables):
        if name not in referenced:
            add("D012", f"/templating/list/{i}", f"the variable `{name}` is defined but nothing uses it")
    _grid(doc, add)
    _size(doc, add)


CLIENT_APPLY_LIMIT = 256 * 1024  # kubectl apply's last-applied-configuration annotation
CONFIGMAP_LIMIT = 1024 * 1024  # a ConfigMap's data
CONFIGMAP_OVERHEAD = 512  # metadata of the ConfigMap `obslint build` writes, generously


def _size(doc: dict, add) -> None:
    size = len(json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) \
        + CONFIGMAP_OVERHEAD
    if size > CONFIGMAP_LIMIT:
        add("D019", "", f"the dashboard's ConfigMap is about {size // 1024} KiB; Kubernetes refuses ConfigMaps "
                        "over 1 MiB", Severity.ERROR)
    elif size > CLIENT_APPLY_LIMIT:
        add("D019", "", f"the dashboard's ConfigMap is about {size // 1024} KiB; `kubectl apply` (client-side) "
                        "refuses objects over 256 KiB: split the dashboard or apply server-side")


def _uid(doc: dict, add) -> None:
    uid = doc.get("uid")
    if not isinstance(uid, str) or not uid:
        add("D016", "", "the dashboard has no uid: Grafana makes up a new one on every provisioning, so links "
                        "and bookmarks to it break")
    elif len(uid) > MAX_UID:
        add("D016", "", f"uid `{uid}` has {len(uid)} characters; Grafana refuses more than {MAX_UID}")
    elif not re.fullmatch(r"[A-Za-z0-9_-]+", uid):
        add("D016", "", f"uid `{uid}` has characters other than letters, digits, `-` and `_`")


def _panel(pointer: str, panel: dict, datasource_vars: set[str], used: list, add, config: Config) -> None:
    kind = panel.get("type")
    title = panel.get("title")
    used.extend((ref, pointer) for ref in macros.references(title if isinstance(title, str) else ""))
    if isinstance(panel.get("repeat"), str) and panel["repeat"]:
        used.append((panel["repeat"], pointer))
    if kind in schema.DEPRECATED_PANEL_TYPES:
        modern = {"singlestat": "stat", "graph": "timeseries", "table-old": "table"}.get(kind, "a core panel")
        add("D017", pointer, f"panel type `{kind}` is deprecated (Angular; removed in Grafana 12); use {modern}")
    if kind == "row" or kind not in DATA_PANEL_TYPES:
        return
    label = f"panel `{title}`" if title else f"panel {pointer}"
    if not (isinstance(title, str) and title.strip()):
        add("D005", pointer, f"{label} ({kind}) has no title")
    if kind in UNIT_PANEL_TYPES:
        unit = ((panel.get("fieldConfig") or {}).get("defaults") or {}).get("unit")
        if not unit:
            add("D006", pointer, f"{label} has no unit")
        elif not is_unit(unit):
            add("D006", pointer, f"{label}: `{unit}` is not a Grafana unit")
    targets = [t for t in panel.get("targets") or [] if isinstance(t, dict)]
    if not targets:
        add("D007", pointer, f"{label} has no queries")
    if targets:
        _datasource_ref(panel.get("datasource"), pointer, label, datasource_vars, used, add)
    for i, target in enumerate(targets):
        target_pointer = f"{pointer}/targets/{i}"
        if "datasource" in target:
            _datasource_ref(target["datasource"], target_pointer, label, datasource_vars, used, add)
        for field in ("expr", "legendFormat", "interval"):
            if isinstance(target.get(field), str):
                used.extend((ref, target_pointer) for ref in macros.references(target[field]))
        expr = target.get("expr")
        if isinstance(expr, str) and expr.strip():
            _promql(expr, target_pointer, f"{label}, query {target.get('refId') or i + 1}", add, config)


def _datasource_ref(ref, pointer: str, label: str, datasource_vars: set[str], used: list, add) -> None:
    uid = ref.get("uid") if isinstance(ref, dict) else ref
    names = macros.references(uid) if isinstance(uid, str) else []
    used.extend((n, pointer) for n in names)
    if ref is None or (isinstance(ref, dict) and not uid):
        add("D004", pointer, f"{label} uses the default datasource; use the `datasource` variable "
                             "(`{type: prometheus, uid: ${datasource}}`)")
    elif not names:
        add("D004", pointer, f"{label} is tied to the datasource `{uid}`; use the `datasource` variable")
    elif datasource_vars and not any(n in datasource_vars for n in names):
        add("D004", pointer, f"{label}: `{uid}` is not a datasource variable")


def _promql(expr: str, pointer: str, label: str, add, config: Config):
    from obslint.promql.parse import parse_expr

    parsed = parse_expr(macros.substitute(expr), config.prometheus_version)
    if not parsed.ok:
        add("D008", pointer, f"{label}: the PromQL does not parse (variables substituted): "
                             f"{parsed.problems[0].message}")
        return None
    in_range: set[int] = set()
    for node in parsed.nodes:
        kind = type(node).__name__
        if kind == "MatrixSelector":
            in_range.add(id(node.vector_selector))
        elif kind == "Call" and node.func.name in ("rate", "irate") and node.args \
                and type(node.args[0]).__name__ == "MatrixSelector" and node.args[0].range != macros.RATE_INTERVAL:
            add("D009", pointer, f"{label}: {node.func.name}() over a fixed range; use `[$__rate_interval]` so "
                                 "the range follows the scrape interval and the zoom")
    for node in parsed.nodes:
        if type(node).__name__ == "VectorSelector" and id(node) not in in_range and node.name \
                and node.name.endswith("_total"):
            add("D010", pointer, f"{label}: the counter `{node.name}` is shown raw; wrap it in rate() or "
                                 "increase()")
    return parsed


def _variable(pointer: str, variable: dict, used: list, add, config: Config) -> None:
    datasource = variable.get("datasource")
    if isinstance(datasource, dict):
        used.extend((n, pointer) for n in macros.references(datasource.get("uid")))
    elif isinstance(datasource, str):
        used.extend((n, pointer) for n in macros.references(datasource))
    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query")
    if not isinstance(query, str):
        return
    used.extend((n, pointer) for n in macros.references(query) if n != variable.get("name"))
    if variable.get("type") != "query" or not query.strip():
        return
    from obslint.promql.parse import parse_expr

    m = VARIABLE_FUNCTIONS.match(query)
    name = variable.get("name")
    if m is None:
        add("D013", pointer, f"the query of variable `{name}` is not label_values(), label_names(), metrics() "
                             "or query_result()")
        return
    fn, arg = m.group("fn"), m.group("arg").strip()
    problem = None
    if fn == "label_values":
        parts = _split_last_comma(arg)
        label = parts[-1].strip()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", label):
            problem = f"`{label}` is not a label name"
        elif len(parts) == 2:
            parsed = parse_expr(macros.substitute(parts[0]), config.prometheus_version)
            if not parsed.ok:
                problem = parsed.problems[0].message
    elif fn in ("label_names",) and arg:
        parsed = parse_expr(macros.substitute(arg), config.prometheus_version)
        problem = None if parsed.ok else parsed.problems[0].message
    elif fn == "query_result":
        parsed = parse_expr(macros.substitute(arg), config.prometheus_version)
        problem = None if parsed.ok else parsed.problems[0].message
    if problem:
        add("D013", pointer, f"the query of variable `{name}` ({fn}): {problem}")


def _split_last_comma(arg: str) -> list[str]:
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


def _grid(doc: dict, add) -> None:
    """gridPos beyond the 24 columns, and panels that overlap (top level; rows' own panels apart)."""
    placed = []
    for i, panel in enumerate(doc.get("panels") or []):
        grid = panel.get("gridPos") if isinstance(panel, dict) else None
        if not isinstance(grid, dict) or not all(isinstance(grid.get(k), int) for k in "hwxy"):
            continue
        pointer = f"/panels/{i}"
        if grid["x"] + grid["w"] > 24:
            add("D014", pointer, f"panel `{panel.get('title', '')}` ends at column {grid['x'] + grid['w']} "
                                 "(x + w > 24)")
        for other_pointer, other, title in placed:
            if grid["x"] < other["x"] + other["w"] and other["x"] < grid["x"] + grid["w"] \
                    and grid["y"] < other["y"] + other["h"] and other["y"] < grid["y"] + grid["h"]:
                add("D014", pointer, f"panel `{panel.get('title', '')}` overlaps panel `{title}` ({other_pointer})")
                break
        placed.append((pointer, grid, panel.get("title", "")))


# --- across dashboards ------------------------------------------------------------------------------

def cross_check(dashboards: list[Dashboard], collectors: Collectors) -> None:
    """Duplicate uids and titles across the project's dashboards (Grafana flips between them)."""
    for key in ("uid", "title"):
        first: dict[str, Dashboard] = {}
        for dashboard in dashboards:
            value = dashboard.compiled.doc.get(key)
            if not isinstance(value, str) or not value:
                continue
            if value in first:
                other = first[value]
                collectors.get(dashboard.shown, None).add(
                    "D015", dashboard.compiled.line_of(""), 1,
                    f"{key} `{value}` is also the {key} of a dashboard in {other.shown}:{other.compiled.line_of('')}")
            else:
                first[value] = dashboard


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
    from obslint.ruledeps import series_read as names_in

    names: set[str] = set()
    for _, _, parsed in queries(doc, config):
        names |= names_in(parsed)
    for variable in (doc.get("templating") or {}).get("list") or []:
        query = variable.get("query") if isinstance(variable, dict) else None
        query = query.get("query") if isinstance(query, dict) else query
        m = VARIABLE_FUNCTIONS.match(query) if isinstance(query, str) else None
        if m is not None:
            expr = _split_last_comma(m.group("arg"))[0] if m.group("fn") == "label_values" else m.group("arg")
            parsed = parse_expr(macros.substitute(expr), config.prometheus_version) if expr.strip() else None
            if parsed is not None and parsed.ok:
                names |= names_in(parsed)
    return names


def lint_dashboard_files(files: list[tuple[Path, str]], config: Config) -> tuple[list[Dashboard], list[Finding]]:
    """Load, compile, validate and lint dashboard files (path, shown path); the dashboards and findings."""
    from obslint.dashboards.sandbox import run_files

    collectors = Collectors(config)
    dashboards: list[Dashboard] = []
    python = [path for path, _ in files if path.suffix == ".py"]
    outcomes = dict(zip(python, run_files(python, config.sandbox, config.dashboard_schema_version), strict=True)) \
        if python else {}
    for path, shown in files:
        # `# obslint: disable=CODE` comments work in dashboard .py files as in YAML (JSON has none)
        collector = collectors.get(shown, str(path) if path.suffix == ".py" else None)
        for dashboard in load(path, shown, config, collector, outcomes.get(path)):
            lint(dashboard, collector, config)
            dashboards.append(dashboard)
    cross_check(dashboards, collectors)
    return dashboards, collectors.findings()
