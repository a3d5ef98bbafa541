"""A project: what the checks across files read, each loaded once by the engine (obslint.engine.lint)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from obslint.config import Config


@dataclass(eq=False)
class Project:
    config: Config
    facts: list = field(default_factory=list)  # obslint.rules.facts.RuleFact of every rule
    dashboards: list = field(default_factory=list)  # obslint.dashboards.model.Dashboard, compiled
    alertmanager: tuple | None = None  # (shown path, file, AlertmanagerConfig) of the project's config
    catalog: object = None  # obslint.crossref.catalog.Catalog, when the project has one

    @functools.cached_property
    def _alerts(self) -> list:
        from obslint.crossref.alerts import alerts_of

        return alerts_of(self.facts, self.config)

    def alerts(self) -> list:
        """The rules' alerts as routing sees them (obslint.crossref.alerts.Alert)."""
        return self._alerts

    def dashboard_reads(self) -> set[str]:
        """The metric names the project's dashboards read."""
        from obslint.dashboards.model import series_read

        return {name for d in self.dashboards for name in series_read(d.compiled.doc, self.config)}
