"""Project configuration: `[tool.obslint]` in pyproject.toml, or an obslint.toml (whose keys sit at the top).

A bad configuration is a usage error (exit 2), never a finding: it is the tool that is misconfigured,
not the user's observability config.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

from obslint.core.collector import normalise
from obslint.core.findings import Severity
from obslint.core.paths import repository_root

NEWEST_PROMETHEUS = (3, 16)  # obslint.promql.versions.NEWEST
NEWEST_ALERTMANAGER = (0, 34)
DEFAULT_PATHS = {"rules": ["rules"], "alertmanager": ["alertmanager"], "dashboards": ["dashboards_py"]}


class ConfigError(Exception):
    """The configuration or the command line is wrong: exit code 2."""


# --- the configuration's shape: data/config.schema.json ----------------------------------------------
# The JSON Schema is the one statement of what the configuration may hold: editors read it (see the
# README), and obslint checks a configuration against it with the few keywords below (jsonschema itself
# takes a tenth of a second or more to import; tests/test_config.py proves the two agree).

SCHEMA_FILE = Path(__file__).parent / "data" / "config.schema.json"
_ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description"}
_JSON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


@functools.cache
def schema() -> dict:
    import json

    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def shape_problem(value, node: dict | None = None, where: str = "") -> str | None:
    """Why `value` does not have the shape `node` (a part of the schema) describes, or None."""
    node = schema() if node is None else node
    if "$ref" in node:
        node = {**_resolve(node["$ref"]), **{k: v for k, v in node.items() if k != "$ref"}}
    unknown = set(node) - _ANNOTATIONS - {"type", "properties", "additionalProperties", "items", "enum", "minimum",
                                           "exclusiveMinimum", "minItems", "maxItems"}
    if unknown:
        raise ValueError(f"the config schema uses keywords obslint does not check: {sorted(unknown)}")
    label = f"`{where}`" if where else "the configuration"
    types = node.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_is(value, name) for name in names):
            return f"{label} must be {' or '.join(_WORDS[n] for n in names)}"
    if "enum" in node and value not in node["enum"]:
        shown = [v for v in node["enum"] if not isinstance(v, str) or v == v.lower()]
        return f"{label} must be one of {', '.join(map(str, shown))}"
    if _is(value, "number"):
        if "minimum" in node and value < node["minimum"]:
            return f"{label} must be {node['minimum']} or more"
        if "exclusiveMinimum" in node and value <= node["exclusiveMinimum"]:
            return f"{label} must be more than {node['exclusiveMinimum']}"
    if isinstance(value, list):
        if len(value) < node.get("minItems", 0) or len(value) > node.get("maxItems", len(value)):
            return f"{label} must have {node.get('minItems')} items"
        for i, item in enumerate(value):
            problem = shape_problem(item, node.get("items", {}), f"{where}[{i}]")
            if problem:
                return problem
    if isinstance(value, dict):
        properties = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            if key in properties:
                problem = shape_problem(item, properties[key], inner)
            elif extra is False:
                known = ", ".join(sorted(properties))
                return f"unknown key `{inner}`" + (f" (known in {label}: {known})" if where else f"; known: {known}")
            else:
                problem = shape_problem(item, extra if isinstance(extra, dict) else {}, inner)
            if problem:
                return problem
    return None


_WORDS = {"object": "a table", "array": "a list", "string": "a string", "integer": "a whole number",
          "number": "a number", "boolean": "true or false"}


def _is(value, name: str) -> bool:
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _JSON_TYPES[name])


def _resolve(ref: str) -> dict:
    if not ref.startswith("#/"):
        raise ValueError(f"the config schema refers outside itself: {ref}")
    node = schema()
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def parse_version(text, what: str = "version") -> tuple[int, int]:
    parts = str(text).strip().lstrip("v").split(".")
    try:
        numbers = [int(p) for p in parts if p != ""]
    except ValueError:
        raise ConfigError(f"{what} {text!r} is not a version such as 2.42 or 3.5") from None
    if not numbers or len(numbers) > 3:
        raise ConfigError(f"{what} {text!r} is not a version such as 2.42 or 3.5")
    return (numbers[0], numbers[1] if len(numbers) > 1 else 0)


@dataclass(frozen=True)
class Policy:
    """What the rule checks require (`[tool.obslint.policy]`). By default nothing a repository may well not
    have: no label, annotation or naming style is required (a team sets its own); a runbook URL that is
    there must be a URL; the scrape interval is assumed to be 1m until the policy says what it is."""

    required_labels: dict = field(default_factory=dict)  # label -> allowed values (() = any value)
    required_annotations: tuple[str, ...] = ()
    url_annotations: tuple[str, ...] = ("runbook_url",)
    alert_name_pattern: str = ""  # a regular expression alert names must match ("" = any name)
    scrape_interval_ms: int = 60_000
    scrape_interval_set: bool = False  # whether the policy says what it is (else 1m is assumed)
    scrape_interval_from: str = ""  # else the Prometheus config of the repository it was read from, if any
    counters: tuple[str, ...] = ()  # counters whose names do not say so (globs)
    external_series: tuple[str, ...] = ()  # level:metric:op series recorded outside these rules (globs)
    group_interval_ms: tuple[int, int] = (10_000, 300_000)


@dataclass(frozen=True)
class SandboxLimits:
    """What a dashboard file may use while it runs (`[tool.obslint.sandbox]`; see obslint.dashboards.sandbox)."""

    seconds: float = 30.0
    memory_bytes: int = 1 << 30
    output_bytes: int = 8 << 20


def parse_policy(data, where: str) -> Policy:
    import re

    from obslint.durations import parse_duration

    policy = Policy()
    changes: dict = {}
    labels = data.get("required-labels")
    if labels is not None:
        changes["required_labels"] = {k: tuple(v) for k, v in labels.items()}
    for key, attr in (("required-annotations", "required_annotations"), ("url-annotations", "url_annotations"),
                      ("counters", "counters"), ("external-series", "external_series")):
        if key in data:
            changes[attr] = tuple(data[key])
    if "alert-name-pattern" in data:
        try:
            re.compile(str(data["alert-name-pattern"]))
        except re.error as exc:
            raise ConfigError(f"{where}: policy.alert-name-pattern: {exc}") from None
        changes["alert_name_pattern"] = str(data["alert-name-pattern"])
    if "scrape-interval" in data:
        ms = parse_duration(str(data["scrape-interval"]))
        if not ms:
            raise ConfigError(f"{where}: policy.scrape-interval must be a Prometheus duration such as 30s")
        changes["scrape_interval_ms"] = ms
        changes["scrape_interval_set"] = True
    if "group-interval" in data:
        parsed = [parse_duration(b) for b in data["group-interval"]]
        if None in parsed:
            raise ConfigError(f"{where}: policy.group-interval must be [min, max] durations, e.g. [\"10s\", \"5m\"]")
        changes["group_interval_ms"] = (parsed[0], parsed[1])
    return replace(policy, **changes)


@dataclass(frozen=True)
class Config:
    root: Path = Path(".")
    source: str | None = None  # the file the config was read from
    # what paths in reports are relative to: the repository's root (obslint.core.paths.repository_root);
    # None: the working directory
    display_root: Path | None = None
    paths: dict = field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_PATHS.items()})
    configured_paths: frozenset[str] = frozenset()  # the kinds whose paths the configuration names
    exclude: tuple[str, ...] = ()
    enable: frozenset[str] = frozenset()  # check codes and names (normalised); empty: the defaults
    disable: frozenset[str] = frozenset()
    severity: dict = field(default_factory=dict)  # check code or name (normalised) -> Severity
    prometheus_version: tuple[int, int] = NEWEST_PROMETHEUS
    enable_features: frozenset[str] = frozenset()  # the Prometheus server's --enable-feature flags
    alertmanager_version: tuple[int, int] = NEWEST_ALERTMANAGER
    matcher_mode: str | None = None  # classic, fallback or utf8; None: the version's default
    max_file_size: int = 10 * 1024 * 1024
    max_yaml_nodes: int = 1_000_000
    promql_max_nesting: int = 1500
    policy: Policy = field(default_factory=Policy)
    dashboard_schema_version: int = 39
    metricsql_datasources: frozenset[str] = frozenset()  # dashboard datasources that are VictoriaMetrics
    build_out: str = "build"
    folder_annotation: str = "grafana_folder"  # the Grafana sidecar's folderAnnotation
    default_folder: str = ""  # for dashboards not in a subdirectory of dashboards_py/ ("" = no annotation)
    rule_labels: dict = field(default_factory=lambda: {"release": "prometheus"})  # PrometheusRule selection
    dashboard_labels: dict = field(default_factory=lambda: {"grafana_dashboard": "1"})  # the sidecar's label
    catalog: str = "metrics.yaml"  # the metric catalog, relative to the root (used when it exists)
    # where the metric catalog's other sources are, relative to a checked project (empty: all of it)
    instrumentation: tuple[str, ...] = ()  # folders of Python declaring metrics with prometheus_client
    scrape_configs: tuple[str, ...] = ()  # Prometheus configs (files or folders): the scrape jobs
    # not a setting: the type ("counter" or "gauge") of each series the project's metric catalog knows, set by
    # the engine when it checks a project; the checks that tell counters by their names defer to it
    catalog_types: dict = field(default_factory=dict)
    catalog_checked: bool = False  # not a setting: the catalog's checks (X007-X011) run on this project
    cross_paging_receivers: tuple[str, ...] = ()  # empty: receivers with PagerDuty, Opsgenie or VictorOps
    sandbox: SandboxLimits = field(default_factory=SandboxLimits)

    def with_overrides(self, **kwargs) -> Config:
        return replace(self, **{k: v for k, v in kwargs.items() if v is not None})


def _sandbox(data: dict) -> SandboxLimits:
    return SandboxLimits(float(data.get("timeout", 30)), int(data.get("memory-mib", 1024) * (1 << 20)),
                         int(data.get("output-mib", 8) * (1 << 20)))


def find_config_file(start: Path) -> tuple[Path, dict] | None:
    """The nearest obslint.toml, or pyproject.toml with a [tool.obslint] table, at or above `start`."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for d in (directory, *directory.parents):
        candidate = d / "obslint.toml"
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        candidate = d / "pyproject.toml"
        if candidate.is_file():
            data = _read_toml(candidate)
            if isinstance(data.get("tool"), dict) and "obslint" in data["tool"]:
                return candidate, data["tool"]["obslint"]
    return None


def _read_toml(path: Path) -> dict:
    import tomllib

    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None


def load_config(start: Path, explicit: Path | None = None) -> Config:
    if explicit is not None:
        data = _read_toml(explicit)
        if explicit.name == "pyproject.toml":
            data = data.get("tool", {}).get("obslint", {})
        config = from_mapping(data, explicit.resolve().parent, str(explicit))
        return replace(config, display_root=repository_root(config.root))
    found = find_config_file(start)
    if found is None:
        root = start.resolve()
        config = Config(root=root if root.is_dir() else root.parent)
    else:
        path, data = found
        config = from_mapping(data, path.parent, str(path))
    return replace(config, display_root=repository_root(config.root))


def from_mapping(data: dict, root: Path, source: str | None = None) -> Config:
    where = source or "configuration"
    problem = shape_problem(data)
    if problem:
        raise ConfigError(f"{where}: {problem}")
    paths = {k: list(v) for k, v in DEFAULT_PATHS.items()}
    for kind, value in (data.get("paths") or {}).items():
        paths[kind] = [value] if isinstance(value, str) else list(value)

    def codes(key: str) -> frozenset[str]:
        """Codes and names as given (obslint.checks.registry.validate checks that they exist)."""
        values = data.get(key) or []
        return frozenset(normalise(v) for v in ([values] if isinstance(values, str) else values))

    severity = {normalise(name): Severity.parse(level) for name, level in (data.get("severity") or {}).items()}
    limits = {key: int(data.get(key, default)) for key, default in (
        ("max-file-size", 10 * 1024 * 1024), ("max-yaml-nodes", 1_000_000), ("promql-max-nesting", 1500))}
    mode = data.get("matcher-mode")
    build = data.get("build") or {}
    schema_version = int(data.get("dashboard-schema-version", 39))
    features = data.get("enable-features") or []
    features = frozenset(name.strip() for value in ([features] if isinstance(features, str) else features)
                         for name in value.split(",") if name.strip())  # as --enable-feature takes them
    paging = data.get("paging-receivers", [])
    return Config(
        root=root,
        sandbox=_sandbox(data.get("sandbox", {})),
        catalog=str(data.get("catalog", "metrics.yaml")),
        instrumentation=tuple(str(p) for p in data.get("instrumentation") or ()),
        scrape_configs=tuple(str(p) for p in data.get("scrape-configs") or ()),
        cross_paging_receivers=tuple(str(p) for p in paging),
        dashboard_schema_version=schema_version,
        metricsql_datasources=frozenset(str(n) for n in data.get("metricsql-datasources") or ()),
        build_out=str(build.get("out", "build")),
        folder_annotation=str(build.get("folder-annotation", "grafana_folder")),
        default_folder=str(build.get("default-folder", "")),
        rule_labels=dict(build.get("rule-labels", {"release": "prometheus"})),
        dashboard_labels=dict(build.get("dashboard-labels", {"grafana_dashboard": "1"})),
        source=source,
        matcher_mode=mode,
        paths=paths,
        configured_paths=frozenset(data.get("paths") or ()),
        exclude=tuple(data.get("exclude") or ()),
        enable=codes("enable"),
        disable=codes("disable"),
        severity=severity,
        prometheus_version=parse_version(data.get("prometheus-version", "%d.%d" % NEWEST_PROMETHEUS),
                                         "prometheus-version"),
        enable_features=features,
        alertmanager_version=parse_version(data.get("alertmanager-version", "%d.%d" % NEWEST_ALERTMANAGER),
                                           "alertmanager-version"),
        max_file_size=limits["max-file-size"],
        max_yaml_nodes=limits["max-yaml-nodes"],
        promql_max_nesting=min(limits["promql-max-nesting"], 1500),
        policy=parse_policy(data.get("policy") or {}, where),
    )
