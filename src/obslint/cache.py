"""A cache of per-file results for `obslint check`, as ruff keeps one: a rule file or Alertmanager
config whose bytes, obslint code and configuration are unchanged is not parsed again; its findings
and dependency facts come from the cache.

Only files whose findings depend on nothing else are cached (rule files, Alertmanager configs);
unit-test files (they read their rule files and the installed promtool), dashboards (they run Python
that imports helpers) and the checks across files always run. The cache lives outside the project,
in `$OBSLINT_CACHE_DIR` or `$XDG_CACHE_HOME/obslint` (default `~/.cache/obslint`), a directory per
configuration and a file per linted file; an unreadable or unwritable cache is ignored, never an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
from pathlib import Path

from obslint.config import Config

FORMAT = 1


def directory() -> Path:
    if os.environ.get("OBSLINT_CACHE_DIR"):
        return Path(os.environ["OBSLINT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "obslint"


def _code_fingerprint() -> str:
    """Changes with any change to obslint's code (its files' sizes and times) or its parser."""
    import promql_parser

    import obslint

    package = Path(obslint.__file__).parent
    parts = [obslint.__version__, getattr(promql_parser, "__version__", ""), str(FORMAT)]
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        parts.append(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def _canonical(value):
    if isinstance(value, (set, frozenset)):
        return sorted(_canonical(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, Path):
        return str(value.resolve())
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def key(config: Config) -> str:
    settings = {f.name: _canonical(getattr(config, f.name)) for f in dataclasses.fields(config)}
    settings["policy"] = _canonical(dataclasses.asdict(config.policy))
    text = _code_fingerprint() + "\n" + json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class FileCache:
    """One small file per linted file, under a directory per configuration: (content digest, findings,
    facts). A run reads only the entries of the files it lints."""

    def __init__(self, config: Config):
        self.directory = directory() / key(config)
        self.max_bytes = config.max_file_size

    def _entry(self, path: Path, shown: str) -> Path:
        name = hashlib.sha1(f"{path.resolve()}\0{shown}".encode()).hexdigest()[:32]
        return self.directory / f"{name}.pickle"

    def digest(self, path: Path) -> str | None:
        """The file's content digest; None (not cached) when unreadable or over the size limit."""
        try:
            if path.stat().st_size > self.max_bytes:
                return None
            with open(path, "rb") as fh:
                return hashlib.sha1(fh.read()).hexdigest()
        except OSError:
            return None

    def get(self, path: Path, shown: str, digest: str | None):
        if digest is None:
            return None
        try:
            with open(self._entry(path, shown), "rb") as fh:
                stored, findings, facts = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return None
        return (findings, facts) if stored == digest else None

    def put(self, path: Path, shown: str, digest: str | None, findings: list, facts: list) -> None:
        if digest is None:
            return
        entry = self._entry(path, shown)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary = entry.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(pickle.dumps((digest, findings, facts), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, entry)  # atomic: a reader sees the old entry or the new one
        except OSError:
            pass  # a read-only home: run without a cache
