"""A cache of per-file results for `obslint check`, as ruff keeps one: a rule file or Alertmanager
config whose bytes, obslint code and configuration are unchanged is not parsed again; its findings
and dependency facts come from the cache.

Only files whose findings depend on nothing else are cached (rule files, Alertmanager configs);
unit-test files (they read their rule files and the installed promtool), dashboards (they run Python
that imports helpers) and the checks across files always run. The cache lives outside the project,
in `$OBSLINT_CACHE_DIR` or `$XDG_CACHE_HOME/obslint` (default `~/.cache/obslint`), a directory per
configuration and a file per linted file; an unreadable or unwritable cache is ignored, never an error.

Entries are JSON, read back field by field with their types checked: a cache directory restored from a
shared CI cache can hold anything, and reading it must never run code (pickle would) nor crash. An
entry that does not read back exactly as obslint writes it is ignored. Each entry is written to a
temporary file of its own and renamed into place, so concurrent runs read an old or a new entry,
never half of one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from pathlib import Path

from obslint.config import Config

FORMAT = 4  # 4: rule facts with annotation names; 3: findings with their subject; 2: JSON entries (1 was pickle)


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
        return self.directory / f"{name}.json"

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
                entry = json.loads(fh.read(self.max_bytes * 4 + (1 << 20)))
            if not isinstance(entry, dict) or entry.get("digest") != digest:
                return None
            return _findings(entry["findings"], shown), _facts(entry["facts"])
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None

    def put(self, path: Path, shown: str, digest: str | None, findings: list, facts: list) -> None:
        if digest is None:
            return
        data = json.dumps({"digest": digest, "findings": [_finding_row(f) for f in findings],
                           "facts": [_fact_row(f) for f in facts]}, separators=(",", ":"))
        _write_entry(self._entry(path, shown), data)


def _write_entry(entry: Path, data: str) -> None:
    """Write a cache entry atomically: a concurrent reader sees the old entry or the new one, never half;
    a read-only home runs without a cache."""
    import tempfile  # with shutil and random: only when an entry is written

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{entry.name}.", suffix=".tmp", dir=entry.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
            os.replace(temporary, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:
        pass


def derived_names(config: Config, name: str, sources: list[Path], compute) -> dict[str, str]:
    """A mapping of names to names computed from the files `sources` (the metric catalog's types, for
    files linted one by one), kept under the configuration's cache directory and computed again when
    any source's path, size or modification time changes; an unreadable or tampered entry is ignored."""
    stamp = []
    for source in sources:
        try:
            stat = source.stat()
        except OSError:
            return compute()
        stamp.append([str(source.resolve()), stat.st_size, stat.st_mtime_ns])
    digest = hashlib.sha1(json.dumps(stamp).encode("utf-8")).hexdigest()[:32]
    entry = directory() / key(config) / f"{name}-{digest}.json"
    try:
        with open(entry, "rb") as fh:
            value = json.loads(fh.read(64 << 20))
        if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            return value
    except (OSError, ValueError, RecursionError):
        pass
    value = compute()
    _write_entry(entry, json.dumps(value, separators=(",", ":"), sort_keys=True))
    return value


# --- entries as JSON, and back with every type checked ------------------------------------------------

_FACT_FIELDS = ("path", "source", "kind", "name", "group", "index", "line", "column", "expr_line", "expr_column",
                "reads", "expr", "labels", "annotations")


def _finding_row(finding) -> list:
    return [finding.line, finding.column, finding.code, finding.name, int(finding.severity), finding.message,
            finding.subject]


def _findings(rows, shown: str) -> list:
    from obslint.core.findings import Finding, Severity

    out = []
    for line, column, code, name, severity, message, subject in rows:
        _expect(int, line, column, severity)
        _expect(str, code, name, message, subject)
        out.append(Finding(shown, line, column, code, name, Severity(severity), message, subject))
    return out


def _fact_row(fact) -> dict:
    row = {name: getattr(fact, name) for name in _FACT_FIELDS}
    row["reads"] = sorted(fact.reads)
    row["labels"] = [list(pair) for pair in fact.labels]
    row["annotations"] = list(fact.annotations)
    return row


def _facts(rows) -> list:
    from obslint.rules.facts import RuleFact

    out = []
    for row in rows:
        if not isinstance(row, dict) or set(row) != set(_FACT_FIELDS):
            raise ValueError("not a rule fact")
        _expect(str, row["path"], row["source"], row["kind"], row["name"], row["group"], row["expr"])
        _expect(int, row["index"], row["line"], row["column"], row["expr_line"], row["expr_column"])
        _expect(list, row["reads"], row["labels"], row["annotations"])
        _expect(str, *row["reads"], *row["annotations"])
        labels = tuple(tuple(pair) for pair in row["labels"])
        if not all(len(pair) == 2 for pair in labels):
            raise ValueError("not a label pair")
        _expect(str, *(value for pair in labels for value in pair))
        out.append(RuleFact(**{**row, "reads": frozenset(row["reads"]), "labels": labels,
                               "annotations": tuple(row["annotations"])}))
    return out


def _expect(kind: type, *values) -> None:
    for value in values:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"expected {kind.__name__}")
