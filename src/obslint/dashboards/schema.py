"""obslint's own lenient JSON schema of a dashboard (Draft 2020-12, unknown fields allowed), and what
Grafana does to a dashboard when it loads it.

`problems` is what breaks: a dashboard Grafana loads half-broken (panels without a type, gridPos out of
the grid, legacy rows it no longer lays out, thresholds that are not numbers). `migrations` is what
Grafana fixes up by itself on every load (public/app/features/dashboard/state/DashboardMigrator.ts and
PanelModel in grafana/grafana): queries without a refId get the next free letter; a missing
schemaVersion is 0, so every migration runs; legacy `rows` below schemaVersion 16 are laid out on the
24-column grid; datasources given by name become `{type, uid}` references; the first threshold step is
always the base (-Infinity), whatever its value says; a panel without gridPos gets the default size.
Those load fine: they are hints, not errors. Messages name the JSON path.
"""

from __future__ import annotations

import json
from functools import lru_cache

DEPRECATED_PANEL_TYPES = ("graph", "singlestat", "table-old", "grafana-piechart-panel", "grafana-worldmap-panel")
GRID_MIGRATION = 16  # the schemaVersion from which legacy rows are no longer laid out
REFRESH_MIGRATION = 12  # the schemaVersion from which a variable's refresh is a number, not true/false
NAME_MIGRATION = 33  # the schemaVersion from which datasources are {type, uid} references

_DATASOURCE = {"type": ["object", "string", "null"],
               "properties": {"type": {"type": ["string", "null"]}, "uid": {"type": ["string", "null"]}}}
_GRIDPOS = {"type": ["object", "null"], "properties": {k: {"type": "integer"} for k in "hwxy"}}
_STEP = {"type": "object", "properties": {"color": {"type": "string"}}}  # without a number or colour: dead_steps()
_BASE_STEP = _STEP  # Grafana sets the base step's value to -Infinity, whatever it is
_TARGET = {"type": "object",
           "properties": {"refId": {"type": ["string", "null"]}, "expr": {"type": "string"},
                          "datasource": _DATASOURCE}}
_PANEL = {
    "type": "object", "required": ["type"],
    "properties": {
        "type": {"type": "string", "minLength": 1},
        "id": {"type": ["integer", "null"]},
        "title": {"type": "string"},
        "gridPos": _GRIDPOS,
        "datasource": _DATASOURCE,
        "targets": {"type": "array", "items": _TARGET},
        "fieldConfig": {"type": "object", "properties": {"defaults": {"type": "object", "properties": {
            "thresholds": {"type": "object", "properties": {"steps": {  # "" or null: Grafana takes no steps
                "if": {"type": "array"}, "then": {"prefixItems": [_BASE_STEP], "items": _STEP},
                "else": {"enum": ["", None]}}}},
            "unit": {"type": "string"}}}}},
        "panels": {"type": "array", "items": {"$ref": "#/$defs/panel"}},
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {"panel": _PANEL},
    "type": "object",
    "required": ["title"],
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "uid": {"type": ["string", "null"]},  # its presence, length and characters: the dashboard-uid check
        "schemaVersion": {"type": ["integer", "string"], "pattern": "^[0-9]+$"},
        "rows": {"type": ["array", "null"], "items": {"type": "object", "properties": {
            "panels": {"type": "array", "items": {"$ref": "#/$defs/panel"}}}}},
        "panels": {"type": "array", "items": {"$ref": "#/$defs/panel"}},
        "templating": {"type": "object", "properties": {"list": {"type": "array", "items": {
            "type": "object", "required": ["name", "type"],
            "properties": {"name": {"type": "string", "minLength": 1},
                           "type": {"enum": ["query", "adhoc", "groupby", "constant", "datasource", "interval",
                                             "textbox", "custom", "system", "snapshot", "switch"]},
                           "refresh": {"enum": [0, 1, 2, True, False]},  # true/false: before migration 12
                           "hide": {"enum": [0, 1, 2, 3]}}}}}},
        "time": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}}},
        "refresh": {"type": ["string", "boolean"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "graphTooltip": {"enum": [0, 1, 2]},
    },
}


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(SCHEMA)


def schema_version(doc: dict) -> int | None:
    """The dashboard's schemaVersion as Grafana reads it (a string of digits is a number), or None."""
    value = doc.get("schemaVersion")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _panels(doc: dict):
    """(pointer, panel, laid out by Grafana from legacy rows) for every panel, rows' panels included."""
    for i, panel in enumerate(doc.get("panels") or []):
        if isinstance(panel, dict):
            yield f"/panels/{i}", panel, False
            for j, child in enumerate(panel.get("panels") or []):
                if isinstance(child, dict):
                    yield f"/panels/{i}/panels/{j}", child, False
    for i, row in enumerate(doc.get("rows") or []):
        if isinstance(row, dict):
            for j, panel in enumerate(row.get("panels") or []):
                if isinstance(panel, dict):
                    yield f"/rows/{i}/panels/{j}", panel, True


def problems(doc) -> list[tuple[str, str]]:
    """(JSON pointer, message) for everything that breaks the dashboard in Grafana, in document order."""
    found = []
    for error in sorted(_validator().iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        pointer = "".join(f"/{p}" for p in error.absolute_path)
        found.append((pointer, f"{pointer or 'the dashboard'}: {error.message}"))
    if not isinstance(doc, dict):
        return found
    version = schema_version(doc)
    if isinstance(doc.get("rows"), list) and doc["rows"] and version is not None and version >= GRID_MIGRATION:
        found.append(("/rows", f"legacy `rows` at schemaVersion {version}: Grafana lays rows out only below "
                               f"schemaVersion {GRID_MIGRATION}, so none of their panels is shown; use panels "
                               "with gridPos (or the schemaVersion the rows were written for)"))
    for pointer, value in _boolean_refreshes(doc):  # false means never, as 0 does
        if value and version is not None and version >= REFRESH_MIGRATION:
            found.append((pointer, f"{pointer}: true at schemaVersion {version}: Grafana turns it into 1 only below "
                                   f"schemaVersion {REFRESH_MIGRATION}, so the variable never refreshes; use 1 (on "
                                   "load) or 2 (on time range change)"))
    for pointer, panel, from_rows in _panels(doc):
        grid = panel.get("gridPos")
        if grid is None and "gridPos" in panel and not from_rows:  # rows' panels: migration 16 places them
            found.append((f"{pointer}/gridPos", f"{pointer}/gridPos: null: Grafana cannot place the panel"))
        if panel.get("type") == "row" or not isinstance(grid, dict):
            continue  # Grafana draws rows across the whole grid, whatever their gridPos says
        for key, low in (("h", 1), ("w", 1), ("y", 0)):  # x out of the 24 columns: grid-position (D014)
            value = grid.get(key)
            if not isinstance(value, int) or isinstance(value, bool):
                continue
            if value < low:
                found.append((f"{pointer}/gridPos/{key}",
                              f"{pointer}/gridPos/{key}: {value} is outside the grid ({key} is at least {low})"))
    found.sort(key=lambda item: _order(item[0]))
    return found


def _order(pointer: str) -> list:
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in pointer.split("/")]


def dead_steps(doc: dict) -> list[tuple[str, str]]:
    """(pointer, message) for each threshold step without a color, and each after the base whose value is
    not a number: Grafana compares the field's value with it (`value >= step.value`), never true for a
    missing value or a word, so the step never applies (null counts as 0; a number in a string is compared
    as the number)."""
    found = []
    for pointer, panel, _ in _panels(doc):
        defaults = (panel.get("fieldConfig") or {}).get("defaults") if isinstance(panel.get("fieldConfig"), dict) \
            else None
        thresholds = defaults.get("thresholds") if isinstance(defaults, dict) else None
        steps = thresholds.get("steps") if isinstance(thresholds, dict) else None
        for i, step in enumerate(steps if isinstance(steps, list) else []):
            if not isinstance(step, dict):
                continue
            if "color" not in step:
                at = f"{pointer}/fieldConfig/defaults/thresholds/steps/{i}"
                found.append((at, f"{at}: the threshold step has no color: Grafana shows its values in no colour of "
                                  "their own"))
            if i == 0:
                continue
            value = step.get("value")
            if isinstance(value, bool) or not (value is None and "value" in step or isinstance(value, (int, float))
                                               or isinstance(value, str) and _is_number(value)):
                at = f"{pointer}/fieldConfig/defaults/thresholds/steps/{i}"
                what = f"value {json.dumps(value)}" if "value" in step else "no value"
                found.append((at, f"{at}: the threshold step ({step.get('color')}) has {what}: Grafana never "
                                  "applies it"))
    return found


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return bool(text.strip())


def migrations(doc: dict) -> list[tuple[str, str]]:
    """(JSON pointer of the first place, message) for each kind of thing Grafana fixes up when it loads the
    dashboard: one per kind, with how many places have it."""
    if not isinstance(doc, dict):
        return []
    found: list[tuple[str, str]] = []
    version = schema_version(doc)
    if "schemaVersion" not in doc or doc.get("schemaVersion") is None:
        found.append(("", "the dashboard has no schemaVersion: Grafana takes it for 0 and runs every migration "
                          "on it when it loads it"))
    elif isinstance(doc.get("schemaVersion"), str) and version is not None:
        found.append(("/schemaVersion", f"schemaVersion is the string {doc['schemaVersion']!r}: Grafana reads "
                                        "it as the number"))
    rows = doc.get("rows")
    if isinstance(rows, list) and rows and (version is None or version < GRID_MIGRATION):
        found.append(("/rows", f"legacy `rows` (schemaVersion {version if version is not None else 'missing'}): "
                               "Grafana lays their panels out on its 24-column grid when it loads the dashboard "
                               f"(schema migration {GRID_MIGRATION})"))
    refids: list[str] = []
    names: list[tuple[str, str]] = []
    bases: list[tuple[str, object]] = []
    no_grid: list[str] = []
    partial_grid: list[str] = []
    for pointer, panel, from_rows in _panels(doc):
        if isinstance(panel.get("datasource"), str):
            names.append((f"{pointer}/datasource", panel["datasource"]))
        for i, target in enumerate(panel.get("targets") or []):
            if not isinstance(target, dict):
                continue
            if not (isinstance(target.get("refId"), str) and target["refId"]):
                refids.append(f"{pointer}/targets/{i}")
            if isinstance(target.get("datasource"), str):
                names.append((f"{pointer}/targets/{i}/datasource", target["datasource"]))
        steps = (((panel.get("fieldConfig") or {}).get("defaults") or {}).get("thresholds") or {}).get("steps") \
            if isinstance(panel.get("fieldConfig"), dict) else None
        if isinstance(steps, list) and steps and isinstance(steps[0], dict) \
                and steps[0].get("value") is not None:  # grafanalib writes the string "null"
            bases.append((f"{pointer}/fieldConfig/defaults/thresholds/steps/0", json.dumps(steps[0]["value"])))
        if not from_rows and panel.get("type") != "row" and pointer.count("/") == 2:
            grid = panel.get("gridPos")
            if not isinstance(grid, dict):
                no_grid.append(pointer)
            elif any(k not in grid for k in "hwxy"):
                partial_grid.append(f"{pointer}/gridPos")
    for i, variable in enumerate((doc.get("templating") or {}).get("list") or []
                                 if isinstance(doc.get("templating"), dict) else []):
        if isinstance(variable, dict) and isinstance(variable.get("datasource"), str):
            names.append((f"/templating/list/{i}/datasource", variable["datasource"]))
    refreshes = list(_boolean_refreshes(doc))
    if refreshes and (version is None or version < REFRESH_MIGRATION):
        found.append((refreshes[0][0], f"{_count(refreshes, 'variable has', 'variables have')} `refresh` true or "
                                       "false: Grafana makes true 1 (on load) and false 0 (never) when it loads the "
                                       f"dashboard (schema migration {REFRESH_MIGRATION})"))
    if refids:
        found.append((refids[0], f"{_count(refids, 'query has', 'queries have')} no refId: Grafana names them A, "
                                 "B, ... when it loads the dashboard"))
    if names:
        found.append((names[0][0], f"{_count(names, 'datasource is', 'datasources are')} given by name "
                                   f"(`{names[0][1]}`): Grafana resolves names to `{{type, uid}}` references when "
                                   f"it loads the dashboard (schema migration {NAME_MIGRATION})"))
    if bases:
        found.append((bases[0][0], f"{_count(bases, 'threshold base step has', 'threshold base steps have')} a "
                                   f"value ({bases[0][1]}): Grafana ignores it, the first step always starts at "
                                   "-Infinity (write null)"))
    if no_grid:
        found.append((no_grid[0], f"{_count(no_grid, 'panel has', 'panels have')} no gridPos: Grafana gives "
                                  "them its default size (6 x 3) and stacks them from the top"))
    if partial_grid:
        found.append((partial_grid[0], f"{_count(partial_grid, 'gridPos lacks', 'gridPos lack')} h, w, x or y: "
                                       "Grafana fills in its defaults"))
    return found


def _boolean_refreshes(doc: dict):
    """(pointer, value) of the variables whose refresh is true or false (schemaVersion 11 and before)."""
    templating = doc.get("templating")
    variables = templating.get("list") if isinstance(templating, dict) else None
    for i, variable in enumerate(variables if isinstance(variables, list) else []):
        if isinstance(variable, dict) and isinstance(variable.get("refresh"), bool):
            yield f"/templating/list/{i}/refresh", variable["refresh"]


def _count(items: list, one: str, many: str) -> str:
    return f"1 {one}" if len(items) == 1 else f"{len(items)} {many}"
