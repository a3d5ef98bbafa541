"""Project configuration: `[tool.obslint]` in pyproject.toml, or an obslint.toml (whose keys sit at the top).

A bad configuration is a usage error (exit 2), never a finding: it is the tool that is misconfigured,
not the user's observability config.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from obslint.findings import Severity

NEWEST_PROMETHEUS = (3, 16)  # obslint.promql.versions.NEWEST
NEWEST_ALERTMANAGER = (0, 34)
DEFAULT_PATHS = {"rules": ["rules"], "alertmanager": ["alertmanager"], "dashboards": ["dashboards_py"]}
KNOWN_KEYS = {
    "paths", "exclude", "enable", "disable", "severity", "prometheus-version", "alertmanager-version",
    "max-file-size", "max-yaml-nodes", "promql-max-nesting", "policy", "matcher-mode", "dashboard-schema-version",
    "build", "catalog", "paging-receivers", "enable-features",
}
BUILD_KEYS = {"out", "folder-annotation", "default-folder", "rule-labels", "dashboard-labels"}


class ConfigError(Exception):
    """The configuration or the command line is wrong: exit code 2."""


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
    """What the rule checks require (`[tool.obslint.policy]`); the defaults are this repository's."""

    required_labels: dict = field(default_factory=lambda: {"severity": ("critical", "warning", "info"), "team": ()})
    required_annotations: tuple[str, ...] = ("summary", "description")
    url_annotations: tuple[str, ...] = ("runbook_url",)
    alert_name_pattern: str = r"^[A-Z][A-Za-z0-9]*$"  # CamelCase
    scrape_interval_ms: int = 60_000
    counters: tuple[str, ...] = ()  # counters whose names do not say so (globs)
    external_series: tuple[str, ...] = ()  # level:metric:op series recorded outside these rules (globs)
    group_interval_ms: tuple[int, int] = (10_000, 300_000)


POLICY_KEYS = {"required-labels", "required-annotations", "url-annotations", "alert-name-pattern", "scrape-interval",
               "counters", "external-series", "group-interval"}


def parse_policy(data, where: str) -> Policy:
    import re

    from obslint.durations import parse_duration

    if not isinstance(data, dict) or set(data) - POLICY_KEYS:
        raise ConfigError(f"{where}: policy: a table with the keys {', '.join(sorted(POLICY_KEYS))}")
    policy = Policy()
    changes: dict = {}
    labels = data.get("required-labels")
    if labels is not None:
        if not isinstance(labels, dict) or not all(isinstance(v, list) for v in labels.values()):
            raise ConfigError(f"{where}: policy.required-labels: a table of label = [allowed values] ([] = any)")
        changes["required_labels"] = {k: tuple(str(x) for x in v) for k, v in labels.items()}
    for key, attr in (("required-annotations", "required_annotations"), ("url-annotations", "url_annotations"),
                      ("counters", "counters"), ("external-series", "external_series")):
        if key in data:
            if not isinstance(data[key], list):
                raise ConfigError(f"{where}: policy.{key} must be a list")
            changes[attr] = tuple(str(x) for x in data[key])
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
    if "group-interval" in data:
        bounds = data["group-interval"]
        parsed = [parse_duration(str(b)) for b in bounds] if isinstance(bounds, list) and len(bounds) == 2 else None
        if not parsed or None in parsed:
            raise ConfigError(f"{where}: policy.group-interval must be [min, max] durations, e.g. [\"10s\", \"5m\"]")
        changes["group_interval_ms"] = (parsed[0], parsed[1])
    return replace(policy, **changes)


@dataclass(frozen=True)
class Config:
    root: Path = Path(".")
    source: str | None = None  # the file the config was read from
    paths: dict = field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_PATHS.items()})
    exclude: tuple[str, ...] = ()
    enable: frozenset[str] = frozenset()  # empty: the defaults
    disable: frozenset[str] = frozenset()
    severity: dict = field(default_factory=dict)  # code -> Severity
    prometheus_version: tuple[int, int] = NEWEST_PROMETHEUS
    enable_features: frozenset[str] = frozenset()  # the Prometheus server's --enable-feature flags
    alertmanager_version: tuple[int, int] = NEWEST_ALERTMANAGER
    matcher_mode: str | None = None  # classic, fallback or utf8; None: the version's default
    max_file_size: int = 10 * 1024 * 1024
    max_yaml_nodes: int = 1_000_000
    promql_max_nesting: int = 1500
    policy: Policy = field(default_factory=Policy)
    dashboard_schema_version: int = 39
    build_out: str = "build"
    folder_annotation: str = "grafana_folder"  # the Grafana sidecar's folderAnnotation
    default_folder: str = ""  # for dashboards not in a subdirectory of dashboards_py/ ("" = no annotation)
    rule_labels: dict = field(default_factory=lambda: {"release": "prometheus"})  # PrometheusRule selection
    dashboard_labels: dict = field(default_factory=lambda: {"grafana_dashboard": "1"})  # the sidecar's label
    catalog: str = "metrics.yaml"  # the metric catalog, relative to the root (used when it exists)
    cross_paging_receivers: tuple[str, ...] = ()  # empty: receivers with PagerDuty, Opsgenie or VictorOps

    def with_overrides(self, **kwargs) -> Config:
        return replace(self, **{k: v for k, v in kwargs.items() if v is not None})


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
        return from_mapping(data, explicit.resolve().parent, str(explicit))
    found = find_config_file(start)
    if found is None:
        root = start.resolve()
        return Config(root=root if root.is_dir() else root.parent)
    path, data = found
    return from_mapping(data, path.parent, str(path))


def from_mapping(data: dict, root: Path, source: str | None = None) -> Config:
    where = source or "configuration"
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: [tool.obslint] must be a table")
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KNOWN_KEYS))}")
    from obslint.checks.registry import resolve_check

    paths = {k: list(v) for k, v in DEFAULT_PATHS.items()}
    for kind, value in (data.get("paths") or {}).items():
        if kind not in DEFAULT_PATHS:
            raise ConfigError(f"{where}: paths.{kind}: unknown kind (use {', '.join(DEFAULT_PATHS)})")
        paths[kind] = [value] if isinstance(value, str) else list(value)

    def codes(key: str) -> frozenset[str]:
        values = data.get(key) or []
        if isinstance(values, str):
            values = [values]
        try:
            return frozenset(resolve_check(v).code for v in values)
        except KeyError as exc:
            raise ConfigError(f"{where}: {key}: {exc.args[0]}") from None

    severity = {}
    for name, level in (data.get("severity") or {}).items():
        try:
            severity[resolve_check(name).code] = Severity.parse(level)
        except (KeyError, ValueError) as exc:
            raise ConfigError(f"{where}: severity.{name}: {exc.args[0]}") from None
    limits = {}
    for key, default in (("max-file-size", 10 * 1024 * 1024), ("max-yaml-nodes", 1_000_000),
                         ("promql-max-nesting", 1500)):
        try:
            limits[key] = int(data.get(key, default))
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: {key} must be a whole number") from None
    mode = data.get("matcher-mode")
    if mode is not None and mode not in ("classic", "fallback", "utf8"):
        raise ConfigError(f"{where}: matcher-mode must be classic, fallback or utf8")
    build = data.get("build") or {}
    if not isinstance(build, dict) or set(build) - BUILD_KEYS:
        raise ConfigError(f"{where}: build: a table with the keys {', '.join(sorted(BUILD_KEYS))}")
    for key in ("rule-labels", "dashboard-labels"):
        labels = build.get(key, {})
        if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
            raise ConfigError(f"{where}: build.{key} must be a table of strings")
    try:
        schema_version = int(data.get("dashboard-schema-version", 39))
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: dashboard-schema-version must be a whole number") from None
    if schema_version < 16:
        raise ConfigError(f"{where}: dashboard-schema-version must be 16 or more (gridPos panels)")
    features = data.get("enable-features", [])
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise ConfigError(f"{where}: enable-features must be a list of --enable-feature names, such as "
                          f'["promql-experimental-functions"]')
    features = frozenset(name.strip() for value in features for name in value.split(",") if name.strip())
    paging = data.get("paging-receivers", [])
    if not isinstance(paging, list):
        raise ConfigError(f"{where}: paging-receivers must be a list of receiver names")
    return Config(
        root=root,
        catalog=str(data.get("catalog", "metrics.yaml")),
        cross_paging_receivers=tuple(str(p) for p in paging),
        dashboard_schema_version=schema_version,
        build_out=str(build.get("out", "build")),
        folder_annotation=str(build.get("folder-annotation", "grafana_folder")),
        default_folder=str(build.get("default-folder", "")),
        rule_labels=dict(build.get("rule-labels", {"release": "prometheus"})),
        dashboard_labels=dict(build.get("dashboard-labels", {"grafana_dashboard": "1"})),
        source=source,
        matcher_mode=mode,
        paths=paths,
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
