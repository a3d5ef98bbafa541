"""The registry's table of families says what the family modules register: a run that imports only the
families an artifact needs misses no pass."""

from __future__ import annotations

import subprocess
import sys

from obslint.checks import base
from obslint.checks.registry import FAMILIES, all_checks


def test_the_families_table_lists_every_pass_by_its_module():
    all_checks()
    registered: dict[str, set[str]] = {family: set() for family in FAMILIES}
    for artifact, passes in base._PASSES.items():
        for check_pass in passes:
            registered[check_pass.function.__module__.rsplit(".", 1)[-1]].add(artifact)
    assert {family: set(artifacts) for family, artifacts in FAMILIES.items()} == registered
    modules = {check.__module__.rsplit(".", 1)[-1] for check in all_checks()}
    assert modules == set(FAMILIES)


def test_linting_a_rule_file_imports_no_alertmanager_or_dashboard_code(tmp_path):
    rule = tmp_path / "r.yaml"
    rule.write_text("groups:\n- name: g\n  rules:\n  - record: a:b:c\n    expr: sum(rate(x_total[5m]))\n")
    code = ("import sys; from pathlib import Path; from obslint.config import Config; "
            "from obslint.engine.lint import lint_paths; "
            f"lint_paths([Path({str(rule)!r})], Config()); print(' '.join(sorted(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "obslint.checks.rule_lint" in loaded
    unwanted = [m for m in loaded if m.startswith(("obslint.alertmanager", "obslint.dashboards", "grafanalib",
                                                   "obslint.checks.am_lint", "obslint.checks.dashboard_lint"))]
    assert not unwanted, unwanted
