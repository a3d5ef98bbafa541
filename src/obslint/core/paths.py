"""Paths: resolved once each, and shown in findings relative to the repository's root (the git top
level above the project, else the project's root; with no root given, the working directory)."""

from __future__ import annotations

import functools
import os
from pathlib import Path


class InputError(Exception):
    """A path given or configured is missing or unreadable: a usage error (exit 2)."""


def resolve(path: Path) -> Path:
    """`path.resolve()`, once per path (and working directory, for a relative path): each resolution
    is a system call per path component."""
    return _resolve(path, "" if path.is_absolute() else os.getcwd())


@functools.lru_cache(maxsize=8192)
def _resolve(path: Path, cwd: str) -> Path:
    return path.resolve()


def display_path(path: Path, root: Path | None = None) -> str:
    """`path` as findings show it: relative to `root` (default: the working directory) when it is below
    it, else as given."""
    return _display_path(path, os.getcwd(), root)


@functools.lru_cache(maxsize=4096)
def _display_path(path: Path, cwd: str, root: Path | None) -> str:
    try:
        return resolve(path).relative_to(resolve(root) if root is not None else resolve(Path(cwd))).as_posix()
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=64)
def repository_root(start: Path) -> Path:
    """The top level of the git work tree that holds `start` (a directory), else `start` itself."""
    start = resolve(start)
    for directory in (start, *start.parents):
        if (directory / ".git").exists():  # a directory, or a file in a linked work tree or submodule
            return directory
    return start
