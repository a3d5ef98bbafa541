"""Finding the files to lint: a directory is a project root with the configured layout, a file is
linted by its kind (told by its place, its name and its content).

A Python file is a target only when it is a dashboard file (obslint.dashboards.sandbox tells, from its
syntax tree, without running it); any other Python file, found by a walk or named, is never run. A
path given or configured that does not exist or cannot be read is an InputError (exit 2), never a
silent skip."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from obslint.config import Config
from obslint.core.paths import InputError, resolve

YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Target:
    path: Path
    kind: str  # rules, rule-tests, route-tests, alertmanager, prometheus-config, dashboards, python (never run),
    # unknown
    explicit: bool  # named on the command line




def _excluded(path: Path, resolved: Path, config: Config) -> bool:
    if not config.exclude:
        return False
    import fnmatch

    try:
        relative = resolved.relative_to(resolve(config.root)).as_posix()
    except ValueError:
        relative = path.as_posix()
    return any(fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path.name, pattern)
               for pattern in config.exclude)


@functools.lru_cache(maxsize=64)
def _layout(root: Path, paths: tuple) -> tuple[tuple[str, Path], ...]:
    """(kind, resolved directory) of a config's layout, resolved once."""
    return tuple((kind, (root / directory).resolve()) for kind, directories in paths for directory in directories)


def _kind_by_place(resolved: Path, config: Config) -> str | None:
    layout = _layout(config.root, tuple((k, tuple(v)) for k, v in config.paths.items()))
    text = str(resolved)
    for kind, base in layout:
        if resolved == base or text.startswith(os.path.join(str(base), "")):
            if "tests" in resolved.relative_to(base).parts[:-1]:
                return {"rules": "rule-tests", "alertmanager": "route-tests"}.get(kind, kind)
            return kind
    return None


def discover(paths: list[Path], config: Config) -> list[Target]:
    """Targets in a stable order. A directory that holds the layout (rules/, alertmanager/,
    dashboards_py/) is a project root (its layout and a prometheus.yml beside it); any other directory
    is searched for YAML, JSON dashboards and dashboard Python files.
    Raises InputError for a missing or unreadable path."""
    targets: list[Target] = []
    seen: set[Path] = set()

    def add(path: Path, kind: str | None, explicit: bool) -> None:
        """Add `path` once; its kind is told by its place, else `kind`, else by its name."""
        resolved = resolve(path)
        if resolved in seen or (not explicit and _excluded(path, resolved, config)):
            return
        seen.add(resolved)
        by_place = _kind_by_place(resolved, config)
        kind = by_place or kind or kind_by_name(path)
        if path.suffix == ".py" and not is_dashboard_file(path, by_place == "dashboards"):
            kind = "python"
        if kind == "python" and not explicit:
            return  # never run, never listed
        targets.append(Target(path, kind, explicit))

    for given in paths:
        if not given.exists():
            raise InputError(f"{given}: no such file or directory")
        _check_readable(given)
        if given.is_file():
            add(given, None, True)
            continue
        layout = [(kind, given / root) for kind, roots in config.paths.items() for root in roots]
        if resolve(given) == resolve(config.root):
            for kind, directory in layout:
                if kind in config.configured_paths and not directory.exists():
                    raise InputError(f"{directory}: no such file or directory (paths.{kind} in {config.source})")
        if any(d.is_dir() for _, d in layout):
            for kind, directory in layout:
                for file in _walk(directory, kind):
                    add(file, kind, False)
            for name in PROMETHEUS_CONFIG_NAMES:  # the project's own Prometheus config, beside the layout
                if (given / name).is_file():
                    add(given / name, "prometheus-config", False)
        else:
            for file in _walk(given, "any"):
                add(file, None, False)
    return targets


def _check_readable(path: Path) -> None:
    """InputError unless `path` (a file, or a directory to list) can be read."""
    try:
        if path.is_dir():
            with os.scandir(path):
                pass
        else:
            with open(path, "rb"):
                pass
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def is_dashboard_file(path: Path, in_dashboards_folder: bool) -> bool:
    from obslint.dashboards.sandbox import is_dashboard_file as told_by_syntax

    return told_by_syntax(path, in_dashboards_folder)


def _walk(directory: Path, kind: str) -> list[Path]:
    """The files of `directory` (recursively, hidden folders and __pycache__ left out) that `kind` reads;
    InputError for a folder that cannot be listed."""
    if not directory.is_dir():
        return []
    suffixes = (".py", ".json") if kind == "dashboards" else YAML_SUFFIXES + ((".py",) if kind == "any" else ())

    def refuse(error: OSError) -> None:
        raise InputError(f"{error.filename}: cannot read: {error.strerror or error}")

    files = []
    for top, folders, names in os.walk(directory, onerror=refuse):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f != "__pycache__")
        files.extend(Path(top) / name for name in names
                     if os.path.splitext(name)[1] in suffixes and not name.startswith("."))
    return sorted(p for p in files if p.is_file())


PROMETHEUS_CONFIG_NAMES = ("prometheus.yml", "prometheus.yaml")


def kind_by_name(path: Path) -> str:
    if path.suffix in (".py", ".json"):
        return "dashboards"
    if path.name in PROMETHEUS_CONFIG_NAMES:
        return "prometheus-config"
    return "unknown"  # decided by content when read
