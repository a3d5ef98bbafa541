"""Every check, by code and by name, and every pass, by the artifact it reads.

FAMILIES names each family module and the artifacts its passes read, so that a run imports only the
families it needs (a one-file `obslint check` of a rule file imports no Alertmanager or dashboard code);
tests/checks/test_registry.py proves the table says what the modules register. Listing every check
imports every family, and still no parser: the families import PromQL, RE2 and grafanalib only when a
pass or a loader runs.
"""

from __future__ import annotations

import functools
import importlib

from obslint.checks import base
from obslint.checks.base import Check, Pass
from obslint.config import Config, ConfigError

# family module -> the artifacts its passes read (a family without passes reports from its loader)
FAMILIES: dict[str, tuple[str, ...]] = {
    "files": (),
    "promql": (),
    "rulefmt": (),
    "rule_lint": ("rule-file",),
    "migration": ("rule-file",),
    "rule_deps": ("project",),
    "amtool": (),
    "am_lint": ("alertmanager",),
    "am_templates": ("alertmanager", "project"),
    "promconfig": ("prometheus-config",),
    "dashboard_lint": ("dashboard", "dashboards"),
    "unittest_lint": ("rule-test-file",),
    "cross": ("project",),
    "catalog_lint": ("project",),
}


@functools.cache
def _load(family: str) -> None:
    importlib.import_module(f"obslint.checks.{family}")  # registers its checks and passes


def _load_all() -> None:
    for family in FAMILIES:
        _load(family)


def all_checks() -> list[type[Check]]:
    _load_all()
    return [base._REGISTRY[c] for c in sorted(base._REGISTRY)]


def passes(artifact: str) -> list[Pass]:
    for family, artifacts in FAMILIES.items():
        if artifact in artifacts:
            _load(family)
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


def matching(selector: str) -> list[type[Check]]:
    """The checks a command-line selector names: a code (`R101`), a name (`unknown-field`), a family
    or prefix of codes (`R1`, `R`, `A1`) as ruff's selectors, or `ALL`; KeyError when it names none."""
    _load_all()
    key = selector.strip()
    if key.upper() == "ALL":
        return all_checks()
    found = base._REGISTRY.get(key.upper()) or base._BY_NAME.get(key.lower())
    if found is not None:
        return [found]
    prefix = key.upper()
    if len(prefix) <= 4 and prefix[:1].isalpha() and (prefix[1:] == "" or prefix[1:].isdigit()):
        checks = [c for c in all_checks() if c.code.startswith(prefix)]
        if checks:
            return checks
    raise KeyError(f"{selector!r} names no check: give a code (R101), a name, a prefix of codes (R1, A) or ALL "
                   "(see `obslint checks`)")


def with_selection(config: Config, select: list[str] | None, ignore: list[str] | None) -> Config:
    """`config` with the command line's --select (only these run; a check named by its full code or name
    runs even when it is off by default or disabled in the configuration) and --ignore (these do not
    run, whatever else says). ConfigError for a selector that names no check."""
    from dataclasses import replace

    def resolve(selectors, option: str) -> tuple[set[type[Check]], set[type[Check]]]:
        chosen, exact = set(), set()
        for selector in selectors or ():
            for part in filter(None, (p.strip() for p in selector.split(","))):
                try:
                    checks = matching(part)
                except KeyError as exc:
                    raise ConfigError(f"{option}: {exc.args[0]}") from None
                chosen.update(checks)
                if len(checks) == 1 and part.upper() not in ("ALL",) and (
                        part.upper() == checks[0].code or part.lower() == checks[0].name):
                    exact.add(checks[0])
        return chosen, exact

    enable, disable = set(config.enable), set(config.disable)
    if select:
        chosen, exact = resolve(select, "--select")
        disable |= {c.code for c in all_checks() if c not in chosen}
        for check in exact:
            disable -= {check.code, check.name}
            enable.add(check.code)
    if ignore:
        ignored, _ = resolve(ignore, "--ignore")
        disable |= {c.code for c in ignored}
    return replace(config, enable=frozenset(enable), disable=frozenset(disable))
