"""The configuration a command runs with: the nearest `obslint.toml` or `pyproject.toml` (or the one
given), the command line's overrides, and every check it names known (ConfigError otherwise)."""

from __future__ import annotations

from pathlib import Path

from obslint.checks.registry import validate
from obslint.config import Config, load_config, parse_version


def project_config(paths: list[Path], config_file: str | None = None, prometheus_version: str | None = None,
                   alertmanager_version: str | None = None, root: Path | None = None) -> Config:
    """The configuration for `paths` (found from the first one); `root` overrides its project root."""
    start = paths[0] if paths else Path(".")
    config = load_config(start if start.exists() else Path("."), Path(config_file) if config_file else None)
    config = config.with_overrides(
        prometheus_version=parse_version(prometheus_version, "--prometheus-version") if prometheus_version else None,
        alertmanager_version=(parse_version(alertmanager_version, "--alertmanager-version")
                              if alertmanager_version else None),
        root=root,
    )
    return validate(config)
