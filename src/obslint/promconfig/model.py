"""What a loaded Prometheus config holds for the checks that read it after it is validated."""

from __future__ import annotations

from dataclasses import dataclass, field

from obslint.yamlload import Node, ScalarNode


@dataclass
class ScrapeJob:
    name: str
    node: Node
    interval_ms: int
    timeout_ms: int
    relabel_rules: list = field(default_factory=list)  # obslint.promconfig.relabel.Rule (None: not a rule)


@dataclass
class PrometheusConfig:
    path: str  # as findings show it
    version: tuple[int, int]
    node: Node | None  # the config mapping (or the list of scrape configs of Helm values)
    global_interval_ms: int = 60_000
    evaluation_interval_ms: int = 60_000
    jobs: list[ScrapeJob] = field(default_factory=list)
    relabel_rules: list = field(default_factory=list)  # every relabel rule of the config, wherever it is
    rule_files: list[ScalarNode] = field(default_factory=list)  # the valid rule_files entries
