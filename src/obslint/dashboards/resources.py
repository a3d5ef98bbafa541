"""Dashboards as Grafana's Kubernetes-style API serves them (`apiVersion: dashboard.grafana.app/<version>`,
`kind: Dashboard`; Grafana 12+ exports them, Grafana 13 in the v2 form by default).

Versions v0alpha1, v1alpha1, v1beta1 and v1 keep the classic dashboard model, unvalidated, in `spec`
(apps/dashboard/kinds/v1beta1/dashboard_spec.cue in grafana/grafana); the uid is `metadata.name`.

The v2 forms (v2alpha1, v2beta1, v2...) are a different model: panels are `spec.elements` (each a
`Panel` with a `QueryGroup` of `PanelQuery`s and a `VizConfig`), placed by `spec.layout` (grids, rows,
tabs, auto grids); variables are `spec.variables` of kinds such as `QueryVariable`. obslint reads them
through the classic model: each panel with its type, title, description, unit, queries (with their
datasource: `query.group` and `query.datasource.name` in v2beta1, the query's `datasource` in
v2alpha1) and repeat variable, and each variable with its type, query and datasource, so the checks of
queries, titles, units, datasources and variables apply; the layout is not read.
"""

from __future__ import annotations

API_GROUP = "dashboard.grafana.app/"
VARIABLE_TYPES = {"QueryVariable": "query", "DatasourceVariable": "datasource", "CustomVariable": "custom",
                  "ConstantVariable": "constant", "TextVariable": "textbox", "IntervalVariable": "interval",
                  "AdhocVariable": "adhoc", "GroupByVariable": "groupby", "SwitchVariable": "switch"}


def api_version(doc: dict) -> str | None:
    """The version of a Grafana dashboard resource (`v1beta1`, `v2beta1`, ...), None for anything else."""
    version = doc.get("apiVersion")
    if isinstance(version, str) and version.startswith(API_GROUP) and doc.get("kind") == "Dashboard" \
            and isinstance(doc.get("spec"), dict):
        return version[len(API_GROUP):]
    return None


def is_v2(doc: dict) -> bool:
    """A v2 resource: its version says so, or its spec has the v2 model's elements and layout."""
    version = api_version(doc) or ""
    spec = doc.get("spec") or {}
    return version.startswith("v2") or ("elements" in spec and "layout" in spec and "panels" not in spec)


def uid(doc: dict) -> str | None:
    name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
    return name if isinstance(name, str) and name else None


def v2_to_classic(doc: dict) -> tuple[dict, dict[str, str]]:
    """(the v2 resource seen through the classic model, classic JSON pointer -> pointer in the resource)."""
    spec = doc["spec"]
    where: dict[str, str] = {"": ""}
    classic: dict = {"title": spec.get("title"), "panels": [], "templating": {"list": []}}
    where["/title"] = "/spec/title"
    if uid(doc) is not None:
        classic["uid"] = uid(doc)
        where["/uid"] = "/metadata/name"
    if isinstance(spec.get("links"), list):
        classic["links"] = spec["links"]
        where["/links"] = "/spec/links"
    repeats = _repeats(spec.get("layout"))
    elements = spec.get("elements") if isinstance(spec.get("elements"), dict) else {}
    for name, element in elements.items():
        if not (isinstance(element, dict) and element.get("kind") == "Panel" and isinstance(element.get("spec"), dict)):
            continue
        source = f"/spec/elements/{name}"
        pointer = f"/panels/{len(classic['panels'])}"
        classic["panels"].append(_panel(element["spec"], source + "/spec", pointer, repeats.get(name), where))
        where[pointer] = source
    for title, variable in repeats.get(None, []):  # rows and tabs that repeat over a variable
        classic["panels"].append({"type": "row", "title": title, "repeat": variable, "panels": []})
    variables = spec.get("variables") if isinstance(spec.get("variables"), list) else []
    for i, variable in enumerate(variables):
        if isinstance(variable, dict) and isinstance(variable.get("spec"), dict):
            pointer = f"/templating/list/{len(classic['templating']['list'])}"
            classic["templating"]["list"].append(_variable(variable, f"/spec/variables/{i}", pointer, where))
    return classic, where


def _panel(spec: dict, source: str, pointer: str, repeat: str | None, where: dict) -> dict:
    viz = spec.get("vizConfig") if isinstance(spec.get("vizConfig"), dict) else {}
    # v2beta1: {kind: VizConfig, group: <plugin>, spec}; v2alpha1: {kind: <plugin>, spec}
    kind = viz.get("group") if viz.get("kind") == "VizConfig" else viz.get("kind")
    panel: dict = {"type": kind if isinstance(kind, str) else "", "title": spec.get("title", "")}
    where[f"{pointer}/title"] = f"{source}/title"
    for key in ("id", "description", "links"):
        if key in spec:
            panel[key] = spec[key]
    viz_spec = viz.get("spec") if isinstance(viz.get("spec"), dict) else {}
    if isinstance(viz_spec.get("fieldConfig"), dict):
        panel["fieldConfig"] = viz_spec["fieldConfig"]
        where[f"{pointer}/fieldConfig"] = f"{source}/vizConfig/spec/fieldConfig"
    if repeat:
        panel["repeat"] = repeat
    data = spec.get("data") if isinstance(spec.get("data"), dict) else {}
    queries = (data.get("spec") or {}).get("queries") if isinstance(data.get("spec"), dict) else None
    targets = []
    for i, query in enumerate(queries if isinstance(queries, list) else []):
        if not (isinstance(query, dict) and isinstance(query.get("spec"), dict)):
            continue
        target_pointer = f"{pointer}/targets/{len(targets)}"
        targets.append(_target(query["spec"], f"{source}/data/spec/queries/{i}/spec", target_pointer, where))
    panel["targets"] = targets
    sources = {_key(t.get("datasource")) for t in targets}
    if len(sources) == 1 and targets and "datasource" in targets[0]:
        panel["datasource"] = targets[0]["datasource"]  # one datasource for all: the panel's
    elif len(sources) > 1:
        panel["datasource"] = {"type": "datasource", "uid": "-- Mixed --"}
    return panel


def _key(ref) -> tuple:
    return (ref.get("type"), ref.get("uid")) if isinstance(ref, dict) else (None, None)


def _target(spec: dict, source: str, pointer: str, where: dict) -> dict:
    query = spec.get("query") if isinstance(spec.get("query"), dict) else {}
    body = query.get("spec") if isinstance(query.get("spec"), dict) else {}
    target = {k: v for k, v in body.items() if k not in ("refId", "datasource")}
    for key in body:
        where[f"{pointer}/{key}"] = f"{source}/query/spec/{key}"
    if isinstance(spec.get("refId"), str):
        target["refId"] = spec["refId"]
    ref = _datasource(query, spec.get("datasource"))
    if ref is not None:
        target["datasource"] = ref
    where[pointer] = source
    return target


def _datasource(query: dict, legacy) -> dict | None:
    """v2beta1: the plugin is the query's `group`, the uid its `datasource.name`; v2alpha1: the query's
    `datasource` reference, the plugin also its `kind`."""
    if isinstance(legacy, dict):
        return dict(legacy)
    ref: dict = {}
    if query.get("kind") == "DataQuery":
        if isinstance(query.get("group"), str):
            ref["type"] = query["group"]
    elif isinstance(query.get("kind"), str):
        ref["type"] = query["kind"]
    named = query.get("datasource")
    if isinstance(named, dict) and isinstance(named.get("name"), str):
        ref["uid"] = named["name"]
    return ref or None


def _variable(variable: dict, source: str, pointer: str, where: dict) -> dict:
    spec = variable["spec"]
    out: dict = {"name": spec.get("name", ""), "type": VARIABLE_TYPES.get(variable.get("kind"), "custom")}
    where[pointer] = source
    if out["type"] == "datasource":
        out["query"] = spec.get("pluginId", "")
        for key in ("regex",):
            if key in spec:
                out[key] = spec[key]
        return out
    query = spec.get("query")
    if isinstance(query, dict):  # a DataQueryKind: the text is in its spec
        body = query.get("spec") if isinstance(query.get("spec"), dict) else {}
        text = next((body[k] for k in ("query", "expr", "__legacyStringValue") if isinstance(body.get(k), str)), None)
        key = next((k for k in ("query", "expr", "__legacyStringValue") if isinstance(body.get(k), str)), None)
        out["query"] = text if text is not None else body
        if key is not None:
            where[f"{pointer}/query"] = f"{source}/spec/query/spec/{key}"
        ref = _datasource(query, spec.get("datasource"))
        if ref is not None:
            out["datasource"] = ref
    elif query is not None:
        out["query"] = query
        where[f"{pointer}/query"] = f"{source}/spec/query"
    for key in ("regex", "definition", "multi", "includeAll", "allValue"):
        if key in spec:
            out[key] = spec[key]
    return out


def _repeats(layout, found: dict | None = None) -> dict:
    """Element name -> the variable its layout item repeats over; None -> (title, variable) of repeated
    rows and tabs."""
    found = {None: []} if found is None else found
    if isinstance(layout, list):
        for item in layout:
            _repeats(item, found)
    elif isinstance(layout, dict):
        spec = layout.get("spec") if isinstance(layout.get("spec"), dict) else {}
        repeat = spec.get("repeat") if isinstance(spec.get("repeat"), dict) else {}
        value = repeat.get("value")
        element = spec.get("element") if isinstance(spec.get("element"), dict) else {}
        if isinstance(value, str) and value:
            if isinstance(element.get("name"), str):
                found[element["name"]] = value
            else:
                found[None].append((spec.get("title", ""), value))
        for child in spec.values():
            if isinstance(child, (dict, list)):
                _repeats(child, found)
    return found
