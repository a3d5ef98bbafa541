"""obslint's own lenient JSON schema of a dashboard (Draft 2020-12, unknown fields allowed): what a
dashboard obslint builds guarantees, and what a plain JSON dashboard must hold to load in Grafana.
Checked with `jsonschema`; messages name the JSON path."""

from __future__ import annotations

from functools import lru_cache

DEPRECATED_PANEL_TYPES = ("graph", "singlestat", "table-old", "grafana-piechart-panel", "grafana-worldmap-panel")

_DATASOURCE = {"type": "object", "properties": {"type": {"type": "string"}, "uid": {"type": "string"}},
               "additionalProperties": True}
_GRIDPOS = {"type": "object", "required": ["h", "w", "x", "y"],
            "properties": {"h": {"type": "integer", "minimum": 1}, "w": {"type": "integer", "minimum": 1,
                                                                       "maximum": 24},
                           "x": {"type": "integer", "minimum": 0, "maximum": 23},
                           "y": {"type": "integer", "minimum": 0}}}
_STEP = {"type": "object", "required": ["color", "value"],
         "properties": {"color": {"type": "string"}, "value": {"type": ["number", "null"]}}}
_TARGET = {"type": "object", "required": ["refId"],
           "properties": {"refId": {"type": "string", "minLength": 1}, "expr": {"type": "string"},
                          "datasource": _DATASOURCE}}
_PANEL = {
    "type": "object", "required": ["type", "gridPos"],
    "properties": {
        "type": {"type": "string", "minLength": 1},
        "id": {"type": "integer", "minimum": 1},
        "title": {"type": "string"},
        "gridPos": _GRIDPOS,
        "datasource": _DATASOURCE,
        "targets": {"type": "array", "items": _TARGET},
        "fieldConfig": {"type": "object", "properties": {"defaults": {"type": "object", "properties": {
            "thresholds": {"type": "object", "properties": {"steps": {
                "type": "array", "items": _STEP, "prefixItems": [{"properties": {"value": {"type": "null"}}}]}}},
            "unit": {"type": "string"}}}}},
        "panels": {"type": "array", "items": {"$ref": "#/$defs/panel"}},
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {"panel": _PANEL},
    "type": "object",
    "required": ["title", "schemaVersion", "panels"],
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "uid": {"type": "string"},  # its length and characters: the dashboard-uid check
        "schemaVersion": {"type": "integer", "minimum": 16},
        "rows": {"not": {}, "description": "legacy rows are not laid out at schemaVersion 16 and later"},
        "panels": {"type": "array", "items": {"$ref": "#/$defs/panel"}},
        "templating": {"type": "object", "properties": {"list": {"type": "array", "items": {
            "type": "object", "required": ["name", "type"],
            "properties": {"name": {"type": "string", "minLength": 1},
                           "type": {"enum": ["query", "adhoc", "groupby", "constant", "datasource", "interval",
                                             "textbox", "custom", "system", "snapshot", "switch"]},
                           "refresh": {"enum": [0, 1, 2]}, "hide": {"enum": [0, 1, 2, 3]}}}}}},
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


def problems(doc) -> list[tuple[str, str]]:
    """(JSON pointer, message) for every schema violation, in document order."""
    found = []
    for error in sorted(_validator().iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        pointer = "".join(f"/{p}" for p in error.absolute_path)
        where = pointer or "the dashboard"
        if error.validator == "not" and error.absolute_path and error.absolute_path[-1] == "rows":
            message = "legacy `rows` are not laid out at schemaVersion 16 and later; use panels with gridPos"
        else:
            message = f"{where}: {error.message}"
        found.append((pointer, message))
    return found
