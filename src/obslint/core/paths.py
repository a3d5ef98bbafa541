"""Paths: resolved once each, and shown in findings relative to the working directory."""

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


def display_path(path: Path) -> str:
    """`path` as findings show it: relative to the working directory when it is below it."""
    return _display_path(path, os.getcwd())


@functools.lru_cache(maxsize=4096)
def _display_path(path: Path, cwd: str) -> str:
    try:
        return resolve(path).relative_to(resolve(Path(cwd))).as_posix()
    except ValueError:
        return str(path)
