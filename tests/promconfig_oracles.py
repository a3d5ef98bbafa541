"""Running `promtool check config --syntax-only` of each target version on Prometheus configs, for the tests
that compare obslint's verdicts with it (tests/promconfig/), and finding Prometheus's own config testdata
(config/testdata of each release's Go module, read where `go mod download` put it; never copied here)."""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from oracles import find_oracle, read_pinned
from promql_oracles import TARGETS, promtool_for

from obslint.config import Config
from obslint.core.findings import Severity
from obslint.engine.discover import Target
from obslint.engine.lint import lint_target

__all__ = ["TARGETS", "promtool_for", "promtool_config_verdicts", "obslint_verdict", "config_testdata",
           "OWN_CHECKS"]

# obslint's own checks on configs (beyond what promtool checks)
OWN_CHECKS = frozenset({"C101"})


def promtool_config_verdicts(promtool: str, paths: list[Path], syntax_only: bool = True
                             ) -> dict[Path, tuple[bool, str]]:
    """promtool's verdict on each config: (accepted, its output)."""
    flags = ["--syntax-only"] if syntax_only else []

    def run(path: Path) -> tuple[bool, str]:
        proc = subprocess.run([promtool, "check", "config", *flags, str(path)], capture_output=True, text=True,
                              timeout=120, cwd=path.parent)
        return proc.returncode == 0, proc.stdout + proc.stderr

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(paths, pool.map(run, paths), strict=True))


def obslint_verdict(path: Path, target: tuple[int, int]) -> tuple[bool, list]:
    """Whether obslint accepts the config at `target` (its errors, obslint's own checks left out)."""
    findings = lint_target(Target(path, "prometheus-config", True), Config(root=path.parent, prometheus_version=target))
    errors = [f for f in findings if f.severity == Severity.ERROR and f.code not in OWN_CHECKS]
    return not errors, errors


def module_version(target: tuple[int, int]) -> str:
    """The Go module version of a target's oracle (v0.53.4, v0.316.0; Debian's 2.42 is v0.42.0)."""
    oracle = find_oracle("promtool", "%d.%d" % target)
    for project, version, module, _ in read_pinned():
        if project == "prometheus" and version == oracle.version:
            return module
    return "v0.%d.0" % target[1] if target[0] == 2 else "v0.3%02d.0" % target[1]


def config_testdata(target: tuple[int, int]) -> Path | None:
    """config/testdata of the target's Go module in the module cache, or None when it is not there."""
    cache = os.environ.get("GOMODCACHE") or str(Path.home() / "go" / "pkg" / "mod")
    path = Path(cache) / "github.com" / "prometheus" / f"prometheus@{module_version(target)}" / "config" / "testdata"
    return path if path.is_dir() else None
