"""What a check is, how its documentation is read, and how the engine finds the code that reports it.

A check is a class whose docstring says what it finds, why it matters, and gives a bad and a good
example (fenced blocks after `Bad:` and `Good:` lines), as yamllint's rules and ruff's rule docs do. The
code that reports it sits in the same module: a loader that builds a model while it validates a format
(rulefmt, amtool), or a pass, a function registered with `@runs(kind, Check, ...)` that the engine calls
with each artifact of that kind and reports only the checks it names (it is skipped when they are all
off). Every family has the one dispatch style: `runs`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from obslint.core.findings import Severity

KINDS = ("yaml", "rules", "rule-tests", "alertmanager", "prometheus", "dashboards", "cross")
# what a pass is called with: the artifact kinds the engine hands to passes
ARTIFACTS = ("rule-file", "alertmanager", "prometheus-config", "dashboard", "dashboards", "rule-test-file",
             "project")

_REGISTRY: dict[str, type[Check]] = {}
_BY_NAME: dict[str, type[Check]] = {}
_PASSES: dict[str, list[Pass]] = {kind: [] for kind in ARTIFACTS}


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


@dataclass(frozen=True)
class Pass:
    """A function that reports `checks` on one artifact (and the engine's context)."""

    function: Callable
    checks: tuple[type[Check], ...]

    def __call__(self, artifact, context) -> None:
        self.function(artifact, context)


def runs(artifact: str, *checks: type[Check]):
    """Register the decorated function as a pass over every `artifact` (see ARTIFACTS) that reports
    `checks`."""
    if artifact not in ARTIFACTS:
        raise ValueError(f"unknown artifact {artifact!r}")
    if not checks:
        raise ValueError("a pass reports at least one check")

    def decorate(function: Callable) -> Callable:
        _PASSES[artifact].append(Pass(function, checks))
        return function

    return decorate


def documentation(cls: type[Check]) -> str:
    import inspect  # only to show the docs: it imports half the standard library

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
