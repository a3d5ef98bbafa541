"""The check registry: every check's stable code, slug, default severity and documentation.

A check is a class whose docstring says what it finds, why it matters, and gives a bad and a good
example (fenced blocks after `Bad:` and `Good:` lines), as yamllint's rules and ruff's rule docs do.
Checks that walk a model on their own implement `run(ctx)`; the structural checks of a file format
are reported by that format's validator, which names them by code.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from obslint.findings import Severity

_REGISTRY: dict[str, type[Check]] = {}
_BY_NAME: dict[str, type[Check]] = {}

KINDS = ("yaml", "rules", "rule-tests", "alertmanager", "dashboards", "cross")


class Check:
    code: str = ""
    name: str = ""
    severity: Severity = Severity.ERROR
    kind: str = "rules"  # which files it applies to; used by the docs and the example test
    enabled_by_default: bool = True
    # config overrides under which the examples are read, e.g. {"prometheus_version": (2, 42)}
    example_config: dict = {}
    # for examples that are not a whole file: the file name the example is written to
    example_filename: str | None = None
    # other files the examples need, written beside them (path relative to the project root: text)
    example_files: dict[str, str] = {}
    # checks across files run on directories: the examples are linted as a project
    example_directory: bool = False

    def run(self, ctx) -> None:  # pragma: no cover - structural checks are reported by validators
        return None


def register(cls: type[Check]) -> type[Check]:
    if not re.fullmatch(r"[A-Z]\d{3}", cls.code):
        raise ValueError(f"check code {cls.code!r} is not a letter and three digits")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", cls.name):
        raise ValueError(f"check name {cls.name!r} is not a lowercase slug")
    if cls.code in _REGISTRY or cls.name in _BY_NAME:
        raise ValueError(f"check {cls.code} {cls.name} is registered twice")
    if cls.kind not in KINDS:
        raise ValueError(f"check {cls.code}: unknown kind {cls.kind!r}")
    if not cls.__doc__:
        raise ValueError(f"check {cls.code} has no documentation")
    _REGISTRY[cls.code] = cls
    _BY_NAME[cls.name] = cls
    return cls


_LOADED = False


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    # importing the modules registers their checks
    from obslint.checks import (  # noqa: F401
        alertmanager_config,
        alertmanager_routing,
        cross_checks,
        dashboard_checks,
        loading,
        promql_checks,
        rule_checks,
        rulefmt,
        ruletest_checks,
    )


def all_checks() -> list[type[Check]]:
    _load_all()
    return [_REGISTRY[c] for c in sorted(_REGISTRY)]


def resolve_check(code_or_name: str) -> type[Check]:
    """A check by code (case-insensitive) or slug; KeyError with a helpful message otherwise."""
    _load_all()
    key = code_or_name.strip()
    found = _REGISTRY.get(key.upper()) or _BY_NAME.get(key.lower())
    if found is None:
        raise KeyError(f"unknown check {code_or_name!r} (see `obslint checks`)")
    return found


def documentation(cls: type[Check]) -> str:
    return inspect.cleandoc(cls.__doc__ or "")


@dataclass(frozen=True)
class Example:
    good: bool
    text: str


def examples(cls: type[Check]) -> list[Example]:
    """The fenced examples of a check's docs, each marked bad or good by the `Bad:`/`Good:` line above it."""
    doc = documentation(cls)
    found: list[Example] = []
    current: bool | None = None
    lines = doc.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.lower().startswith("bad"):
            current = False
        elif line.lower().startswith("good"):
            current = True
        elif line.startswith("```") and current is not None:
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                body.append(lines[i])
                i += 1
            found.append(Example(current, "\n".join(body) + "\n"))
        i += 1
    return found


def summary(cls: type[Check]) -> str:
    return documentation(cls).split("\n\n", 1)[0].replace("\n", " ")
