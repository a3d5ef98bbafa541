"""`obslint check`: lint the given paths (default: the project here) and render the findings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from obslint.config import Config
from obslint.core.findings import Finding, exit_code


@dataclass
class CheckResult:
    findings: list[Finding]
    report: str  # the findings in the requested format
    exit_code: int  # 0 clean, 1 errors (or warnings with strict), 2 a file could not be read


def check(paths: list[Path], config: Config, fmt: str = "text", strict: bool = False,
          cache: bool = True) -> CheckResult:
    from obslint.engine.lint import lint_paths
    from obslint.output.reporters import render

    findings = lint_paths(paths, config, cache=cache)
    usage_errors = ()
    if findings:
        from obslint.checks.files import UnreadableFile

        usage_errors = (UnreadableFile,)
    return CheckResult(findings, render(findings, fmt), exit_code(findings, strict, usage_errors))
