"""Every check, by code and by name, and every pass, by the artifact it reads. Importing this module
is cheap: the family modules import their parsers (PromQL, RE2, grafanalib) only when a pass runs."""

from __future__ import annotations

import functools

from obslint.checks import base
from obslint.checks.base import Check, Pass
from obslint.config import Config, ConfigError


@functools.cache
def _load_all() -> None:
    # importing the family modules registers their checks and passes
    from obslint.checks import (  # noqa: F401
        am_lint,
        amtool,
        catalog_lint,
        cross,
        dashboard_lint,
        files,
        promql,
        rule_deps,
        rule_lint,
        rulefmt,
        unittest_lint,
    )


def all_checks() -> list[type[Check]]:
    _load_all()
    return [base._REGISTRY[c] for c in sorted(base._REGISTRY)]


def passes(artifact: str) -> list[Pass]:
    _load_all()
    return base._PASSES[artifact]


def resolve_check(code_or_name: str) -> type[Check]:
    """A check by code (case-insensitive) or name; KeyError with a helpful message otherwise."""
    _load_all()
    key = code_or_name.strip()
    found = base._REGISTRY.get(key.upper()) or base._BY_NAME.get(key.lower())
    if found is None:
        raise KeyError(f"unknown check {code_or_name!r} (see `obslint checks`)")
    return found


def validate(config: Config) -> Config:
    """`config`, after checking that every code and name it enables, disables or re-grades exists
    (ConfigError otherwise)."""
    where = config.source or "configuration"
    for key, names in (("enable", config.enable), ("disable", config.disable), ("severity", config.severity)):
        for name in names:
            try:
                resolve_check(name)
            except KeyError as exc:
                raise ConfigError(f"{where}: {key}: {exc.args[0]}") from None
    return config
