"""grafanalib objects to modern Grafana dashboard JSON, with obslint's own encoder (not grafanalib's
private `_gen`), normalised: a configurable schemaVersion, panels with explicit gridPos (legacy rows
laid out), no `maxDataPoints`/`intervalFactor` defaults, thresholds as `{color, value}` steps with a
null base, datasources as `{type, uid}` objects (the `datasource` variable by default), refIds
assigned, unique panel ids. The output is byte-identical on every run.

Each compiled dashboard keeps, per JSON pointer of a panel or target, the line of the user's code
that built it, so findings can point there.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

DEFAULT_SCHEMA_VERSION = 39
DATASOURCE_VARIABLE = {"type": "prometheus", "uid": "${datasource}"}
GRID_COLUMNS = 24
GRID_CELL_PX = 30  # Grafana's grid cell height, used to lay out legacy rows (schema migration v16)

_LEGACY_TOP = ("__inputs", "rows", "style", "hideControls", "sharedCrosshair", "gnetId", "id")
_LEGACY_PANEL = ("span", "height", "minSpan", "error", "cacheTimeout")
_LEGACY_TARGET = ("intervalFactor", "step", "target", "metric")
_LEGACY_VARIABLE = ("useTags", "tagsQuery", "tagValuesQuery")
GRAFANALIB_MAX_DATA_POINTS = 100
_ROW_KEYS = ("type", "title", "collapsed", "panels", "gridPos", "id", "repeat")


@dataclass
class Compiled:
    """A dashboard in Grafana's classic JSON model, with the line of the user's code (or of the JSON file)
    behind its JSON pointers. Dashboards read from JSON also know where each string starts (`strings`),
    so a position inside a query can be given; `inputs` are the import placeholders the dashboard
    declares (`__inputs`: name -> plugin id); `form` says what it was read from (`classic`, or `v2` for
    a Grafana v2 resource seen through the classic model) and `notes` what obslint could not check."""

    doc: dict
    lines: dict[str, int] = field(default_factory=dict)  # JSON pointer -> line of the user's code
    strings: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # pointer -> line, column, raw token
    inputs: dict[str, str] = field(default_factory=dict)
    form: str = "classic"
    notes: list[tuple[str, str]] = field(default_factory=list)  # (pointer, why obslint does not check it)

    def line_of(self, pointer: str) -> int:
        """The line for a pointer or its nearest ancestor that has one (the dashboard's own line)."""
        while True:
            if pointer in self.lines:
                return self.lines[pointer]
            if not pointer:
                return 1
            pointer = pointer.rsplit("/", 1)[0]

    def position_in(self, pointer: str, offset: int | None) -> tuple[int, int]:
        """Line and column of character `offset` of the string at `pointer` (its value, escapes decoded),
        where the source is known; else the line of the pointer (or its nearest ancestor), column 1."""
        known = self.strings.get(pointer)
        if known is None or offset is None:
            return self.line_of(pointer), 1
        line, column, raw = known
        return line, column + _raw_index(raw, offset)

    def to_json(self) -> str:
        return dump(self.doc)


def _raw_index(token: str, offset: int) -> int:
    """The index in a JSON string token (quotes included) of decoded character `offset`."""
    i, seen, n = 1, 0, len(token) - 1
    while i < n and seen < offset:
        if token[i] == "\\" and token[i + 1:i + 2] == "u":
            pair = _code(token[i + 2:i + 6]) in range(0xD800, 0xDC00) and token[i + 6:i + 8] == "\\u" \
                and _code(token[i + 8:i + 12]) in range(0xDC00, 0xE000)
            i += 12 if pair else 6  # a pair of surrogates is one character
        elif token[i] == "\\":
            i += 2
        else:
            i += 1
        seen += 1
    return min(i, max(n, 1))


def _code(digits: str) -> int:
    try:
        return int(digits, 16)
    except ValueError:
        return -1


def dump(doc: dict) -> str:
    """The byte-stable form written to disk: sorted keys, two-space indent, a final newline."""
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def to_plain(obj, origins: dict[int, int], produced: dict[int, int]):
    """grafanalib objects to plain JSON values; `produced` maps id(dict) -> the user's line for the
    dicts built from objects whose origin is known."""
    if hasattr(obj, "to_json_data"):
        value = to_plain(obj.to_json_data(), origins, produced)
        if isinstance(value, dict) and id(obj) in origins:
            produced[id(value)] = origins[id(obj)]
        return value
    if isinstance(obj, dict):
        return {str(k): to_plain(v, origins, produced) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v, origins, produced) for v in obj]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"cannot encode {type(obj).__name__} in dashboard JSON")


def compile_dashboard(dashboard, origins: dict[int, int], schema_version: int = DEFAULT_SCHEMA_VERSION
                      ) -> Compiled:
    produced: dict[int, int] = {}
    doc = to_plain(dashboard, origins, produced)
    normalise(doc, schema_version)
    compiled = Compiled(doc)
    if id(doc) in produced:
        compiled.lines[""] = produced[id(doc)]
    for pointer, panel in iter_panels(doc):
        if id(panel) in produced:
            compiled.lines[pointer] = produced[id(panel)]
        for i, target in enumerate(panel.get("targets") or []):
            if isinstance(target, dict) and id(target) in produced:
                compiled.lines[f"{pointer}/targets/{i}"] = produced[id(target)]
    return compiled


def iter_panels(doc: dict):
    """(JSON pointer, panel) for every panel, rows' nested panels included, in order; then the panels of
    legacy `rows` (Grafana lays them out as panels when it loads such a dashboard)."""
    panels = doc.get("panels")
    for i, panel in enumerate(panels if isinstance(panels, list) else []):
        if not isinstance(panel, dict):
            continue
        yield f"/panels/{i}", panel
        children = panel.get("panels")
        for j, child in enumerate(children if isinstance(children, list) else []):
            if isinstance(child, dict):
                yield f"/panels/{i}/panels/{j}", child
    rows = doc.get("rows")
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, dict) or not isinstance(row.get("panels"), list):
            continue
        for j, panel in enumerate(row["panels"]):
            if isinstance(panel, dict):
                yield f"/rows/{i}/panels/{j}", panel


# --- normalisation ----------------------------------------------------------------------------------

def _drop_nones(value):
    """Remove None members in place (grafanalib emits `null` for every unset field)."""
    if isinstance(value, dict):
        for key in [k for k, v in value.items() if v is None]:
            del value[key]
        for v in value.values():
            _drop_nones(v)
    elif isinstance(value, list):
        for v in value:
            _drop_nones(v)


def normalise(doc: dict, schema_version: int = DEFAULT_SCHEMA_VERSION) -> None:
    rows = doc.get("rows") or []
    _drop_nones(doc)
    if rows and not doc.get("panels"):
        doc["panels"] = _layout_rows(rows)
    for key in _LEGACY_TOP:
        doc.pop(key, None)
    doc["schemaVersion"] = schema_version
    timepicker = doc.get("timepicker")
    if isinstance(timepicker, dict):
        timepicker.pop("time_options", None)
    for variable in (doc.get("templating") or {}).get("list") or []:
        if isinstance(variable, dict):
            _normalise_variable(variable)
    panels = [p for _, p in iter_panels(doc)]
    for panel in panels:
        _normalise_panel(panel)
    _add_datasource_variable(doc)
    _place(doc.get("panels") or [])
    _assign_ids(panels)


def _datasource(value, promql: bool = True):
    """A datasource as a `{type, uid}` reference. A legacy name is kept as the uid (Grafana resolves names
    too, and the lint says so); it is typed Prometheus only for PromQL queries (an Elasticsearch or SQL
    panel's datasource name says nothing of its plugin)."""
    if value is None:
        return dict(DATASOURCE_VARIABLE)
    if isinstance(value, str):
        if value in ("$datasource", "${datasource}", "[[datasource]]"):
            return dict(DATASOURCE_VARIABLE)
        return {"type": "prometheus", "uid": value} if promql else {"uid": value}
    return value


def _add_datasource_variable(doc: dict) -> None:
    """Panels and variables point at `${datasource}` by default: make sure the variable exists."""
    templating = doc.setdefault("templating", {})
    variables = templating.setdefault("list", [])
    if any(isinstance(v, dict) and v.get("name") == "datasource" for v in variables):
        return
    if DATASOURCE_VARIABLE["uid"] in json.dumps(doc):
        variables.insert(0, {"name": "datasource", "label": "Data source", "type": "datasource",
                             "query": "prometheus", "hide": 0, "refresh": 1})


def _normalise_variable(variable: dict) -> None:
    for key in _LEGACY_VARIABLE:
        variable.pop(key, None)
    if variable.get("type") != "interval":
        for key in ("auto", "auto_count", "auto_min"):
            variable.pop(key, None)
    current = variable.get("current")
    if isinstance(current, dict) and "text" not in current and "value" not in current:
        variable.pop("current")
    if variable.get("type") == "query":
        variable["datasource"] = _datasource(variable.get("datasource"))
    if variable.get("type") == "datasource" and variable.get("options") == []:
        variable.pop("options")


def _normalise_panel(panel: dict) -> None:
    for key in _LEGACY_PANEL:
        panel.pop(key, None)
    if panel.get("maxDataPoints") == GRAFANALIB_MAX_DATA_POINTS:
        panel.pop("maxDataPoints")
    if panel.get("type") == "row":
        for key in [k for k in panel if k not in _ROW_KEYS]:
            del panel[key]
        panel.setdefault("panels", [])
        panel.setdefault("collapsed", False)
        return
    if panel.get("options") == []:
        panel["options"] = {}
    targets = panel.get("targets")
    if isinstance(targets, list) and targets:
        promql = any(isinstance(t, dict) and "expr" in t for t in targets)
        panel["datasource"] = _datasource(panel.get("datasource"), promql)
        used = {t.get("refId") for t in targets if isinstance(t, dict) and t.get("refId")}
        letters = (chr(c) for c in range(ord("A"), ord("Z") + 1))
        for target in targets:
            if not isinstance(target, dict):
                continue
            for key in _LEGACY_TARGET:
                target.pop(key, None)
            if target.get("query") == target.get("expr"):
                target.pop("query", None)
            if "datasource" in target:
                target["datasource"] = _datasource(target["datasource"], "expr" in target)
            if not target.get("refId"):
                target["refId"] = next(letter for letter in letters if letter not in used)
                used.add(target["refId"])
    defaults = (panel.get("fieldConfig") or {}).get("defaults")
    if isinstance(defaults, dict) and "thresholds" in defaults:
        defaults["thresholds"] = _thresholds(defaults["thresholds"])


def _thresholds(value) -> dict:
    """Thresholds as Grafana's `{mode, steps: [{color, value}]}` with a null base step."""
    value = value if isinstance(value, dict) else {}
    steps = value.get("steps")
    fixed = []
    if isinstance(steps, list):
        items = [s for s in steps if isinstance(s, dict)]
        items.sort(key=lambda s: s.get("index", 0) if isinstance(s.get("index", 0), (int, float)) else 0)
        for step in items:
            number = step.get("value")
            number = None if number in ("null", "", None) else number
            fixed.append({"color": step.get("color", "green"), "value": number})
    if not fixed:
        fixed = [{"color": "green", "value": None}]
    fixed[0]["value"] = None
    return {"mode": value.get("mode", "absolute"), "steps": fixed}


def _layout_rows(rows: list) -> list:
    """Legacy rows (12-column spans) as panels with gridPos, as Grafana's schema migration v16 does."""
    panels: list = []
    y = 0
    for row in rows:
        if not isinstance(row, dict):
            continue
        if row.get("showTitle") and row.get("title"):
            panels.append({"type": "row", "title": row["title"], "collapsed": bool(row.get("collapse")),
                           "panels": [], "gridPos": {"h": 1, "w": GRID_COLUMNS, "x": 0, "y": y}})
            y += 1
        height = row.get("height", "250px")
        try:
            pixels = float(str(height).rstrip("px"))
        except ValueError:
            pixels = 250.0
        h = max(1, math.ceil(pixels / GRID_CELL_PX))
        x = 0
        for panel in row.get("panels") or []:
            if not isinstance(panel, dict):
                continue
            w = min(GRID_COLUMNS, max(1, int(round(float(panel.get("span") or 12) * 2))))
            if x + w > GRID_COLUMNS:
                x, y = 0, y + h
            panel["gridPos"] = {"h": h, "w": w, "x": x, "y": y}
            x += w
            panels.append(panel)
        y += h
    return panels


def _place(panels: list) -> None:
    """Panels without a gridPos go below the placed ones, two per line (12 wide, 8 high)."""
    bottom = 0
    for panel in panels:
        grid = panel.get("gridPos") if isinstance(panel, dict) else None
        if isinstance(grid, dict) and all(isinstance(grid.get(k), int) for k in ("h", "y")):
            bottom = max(bottom, grid["y"] + grid["h"])
    x = 0
    for panel in panels:
        if isinstance(panel, dict) and not isinstance(panel.get("gridPos"), dict):
            if panel.get("type") == "row":
                if x:
                    x, bottom = 0, bottom + 8
                panel["gridPos"] = {"h": 1, "w": GRID_COLUMNS, "x": 0, "y": bottom}
                bottom += 1
                continue
            panel["gridPos"] = {"h": 8, "w": 12, "x": x, "y": bottom}
            x += 12
            if x >= GRID_COLUMNS:
                x, bottom = 0, bottom + 8
    # nested panels of collapsed rows are laid out by Grafana when the row opens


def _assign_ids(panels: list[dict]) -> None:
    seen: set[int] = set()
    for panel in panels:
        pid = panel.get("id")
        if isinstance(pid, int) and pid > 0 and pid not in seen:
            seen.add(pid)
        else:
            panel.pop("id", None)
    next_id = 1
    for panel in panels:
        if "id" not in panel:
            while next_id in seen:
                next_id += 1
            panel["id"] = next_id
            seen.add(next_id)
