"""Finding the files to lint: a directory is a project root with the configured layout, a file is
linted by its kind (told by its place, its name and its content)."""

from __future__ import annotations

import fnmatch
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from obslint.config import Config

YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Target:
    path: Path
    kind: str  # rules, rule-tests, alertmanager, dashboards, unknown
    explicit: bool  # named on the command line (a missing explicit file is an error)


def _excluded(path: Path, resolved: Path, config: Config) -> bool:
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


def resolve(path: Path) -> Path:
    """`path.resolve()`, once per path (and working directory, for a relative path): each resolution
    is a system call per path component."""
    return _resolve(path, "" if path.is_absolute() else os.getcwd())


@functools.lru_cache(maxsize=8192)
def _resolve(path: Path, cwd: str) -> Path:
    return path.resolve()


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
    dashboards_py/) is a project root; any other directory is searched for YAML files."""
    targets: list[Target] = []
    seen: set[Path] = set()

    def add(path: Path, kind: str | None, explicit: bool) -> None:
        """Add `path` once; its kind is told by its place, else `kind`, else by its name."""
        resolved = resolve(path)
        if resolved in seen or (not explicit and _excluded(path, resolved, config)):
            return
        seen.add(resolved)
        targets.append(Target(path, _kind_by_place(resolved, config) or kind or kind_by_name(path), explicit))

    for given in paths:
        if not given.exists():
            if resolve(given) not in seen:
                seen.add(resolve(given))
                targets.append(Target(given, "missing", True))
            continue
        if given.is_file():
            add(given, None, True)
            continue
        layout = [(kind, given / root) for kind, roots in config.paths.items() for root in roots]
        if any(d.is_dir() for _, d in layout):
            for kind, directory in layout:
                for file in _walk(directory, kind):
                    add(file, kind, False)
        else:
            for file in _walk(given, "any"):
                add(file, None, False)
    return targets


def _walk(directory: Path, kind: str) -> list[Path]:
    if not directory.is_dir():
        return []
    suffixes = (".py", ".json") if kind == "dashboards" else YAML_SUFFIXES + ((".py",) if kind == "any" else ())
    files = [p for p in directory.rglob("*") if p.is_file() and p.suffix in suffixes
             and not any(part.startswith(".") or part == "__pycache__" for part in p.relative_to(directory).parts)]
    return sorted(files)


def kind_by_name(path: Path) -> str:
    if path.suffix == ".py":
        return "dashboards"
    if path.suffix == ".json":
        return "dashboards"
    return "unknown"  # decided by content when read
