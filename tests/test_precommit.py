"""obslint's pre-commit hooks (.pre-commit-hooks.yaml) as another repository uses them: the real pre-commit
framework installs obslint from a git repository of this source tree (into its own virtualenv, from PyPI
with constraints.txt) in a consumer repository, and runs the hooks on all files and on staged changes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import OBSLINT, REPO, commit, git, git_repo

PRE_COMMIT = str(Path(sys.executable).parent / "pre-commit")
HOOKS = ("obslint", "obslint-project", "obslint-test", "obslint-route-test", "obslint-build-check")

RECORDING = """groups:
  - name: rec
    rules:
      - record: job:errors:rate5m
        expr: sum by (job) (rate(http_errors_total[5m]))
"""
ALERTS = """groups:
  - name: api
    rules:
      - alert: ManyErrors
        expr: job:errors:rate5m > 1
        for: 5m
        labels: {severity: critical, team: api}
        annotations: {summary: "{{ $labels.job }} fails", description: "{{ $labels.job }} fails requests."}
"""
UNIT_TEST = """rule_files: [../alerts.yaml, ../recording.yaml]
evaluation_interval: 1m
tests:
  - name: errors fire
    interval: 1m
    input_series:
      - series: 'http_errors_total{job="api"}'
        values: '0+120x20'
    alert_rule_test:
      - eval_time: 15m
        alertname: ManyErrors
        exp_alerts:
          - exp_labels: {severity: critical, team: api, job: api}
            exp_annotations: {summary: "api fails", description: "api fails requests."}
  - name: quiet
    interval: 1m
    input_series:
      - series: 'http_errors_total{job="api"}'
        values: '0x20'
    alert_rule_test:
      - eval_time: 15m
        alertname: ManyErrors
        exp_alerts: []
"""
ALERTMANAGER = """route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['team="api"']
      receiver: api
receivers:
  - name: default
  - name: api
"""
ROUTING = """config: ../alertmanager.yml
tests:
  - name: api alerts go to the API team
    labels: {team: api}
    receiver: api
  - name: the rest go to the default
    labels: {team: web}
    receiver: default
"""
NOISE = {  # files pre-commit passes to a hook for YAML, JSON and Python that are not obslint's
    "package.json": '{"name": "web", "version": "1.0.0", "scripts": {"test": "jest"}}\n',
    "tsconfig.json": '{"compilerOptions": {"strict": true}}\n',
    ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n",
    "scripts/release.py": "import sys\nprint('releasing', sys.argv)\n",
}


def hook_repository(tmp_path: Path) -> tuple[Path, str]:
    """A git repository of this source tree as it is on disk (committed or not), as `repo:` for pre-commit."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    target = tmp_path / "obslint-hooks"
    for name in filter(None, listed):
        source = REPO / name
        if name.startswith(("tests/", "bench/", "deploy/")) or not source.is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    git_repo(target, {})
    return target, git(target, "rev-parse", "HEAD").strip()


def run(consumer: Path, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([PRE_COMMIT, "run", "--color", "never", *args], cwd=consumer, capture_output=True,
                          text=True, env=env, timeout=900)


def result_of(output: str, name: str) -> str:
    """Passed, Failed or Skipped: pre-commit's verdict on the hook whose name starts with `name`."""
    for line in output.splitlines():
        verdict = re.search(r"\.{3,}\s*\(?(Passed|Failed|Skipped|no files to check\)Skipped)$", line)
        if line.startswith(name) and verdict:
            return verdict.group(1).removeprefix("no files to check)")
    raise AssertionError(f"no line for {name!r} in:\n{output}")


@pytest.mark.slow
def test_the_hooks_installed_by_pre_commit_in_a_consumer_repository(tmp_path, promtool):
    hooks, rev = hook_repository(tmp_path)
    consumer = git_repo(tmp_path / "consumer", {
        "rules/recording.yaml": RECORDING, "rules/alerts.yaml": ALERTS, "rules/tests/alerts.test.yaml": UNIT_TEST,
        "alertmanager/alertmanager.yml": ALERTMANAGER, "alertmanager/tests/routing.yaml": ROUTING, **NOISE,
        ".pre-commit-config.yaml": f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n"
                                   + "".join(f"      - id: {hook}\n" for hook in HOOKS),
    })
    built = subprocess.run([OBSLINT, "build"], cwd=consumer, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr  # the committed output `obslint-build-check` compares
    commit(consumer, "build output")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PIP_CONSTRAINT": str(REPO / "constraints.txt"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("NO_COLOR", None)

    # every hook passes on the whole clean repository: package.json, the workflow and the script are no findings
    clean = run(consumer, "--all-files", env=env)
    out = clean.stdout + clean.stderr
    assert clean.returncode == 0, out
    for name in ("obslint check (staged files)", "obslint check (whole project)", "obslint test",
                 "obslint route-test", "obslint build --check"):
        assert result_of(out, name) == "Passed", out

    # a defect staged in a rule file fails the per-file hook, at its place
    (consumer / "rules/alerts.yaml").write_text(ALERTS.replace("> 1", "> "), encoding="utf-8")
    git(consumer, "add", "rules/alerts.yaml")
    broken = run(consumer, env=env)
    out = broken.stdout + broken.stderr
    assert broken.returncode == 1 and result_of(out, "obslint check (staged files)") == "Failed", out
    assert "rules/alerts.yaml:5:" in out and "P001" in out
    assert result_of(out, "obslint route-test") == "Skipped"  # nothing under alertmanager/ changed
    git(consumer, "checkout", "HEAD", "--", "rules/alerts.yaml")

    # a recording rule removed that an unchanged alert reads: only the whole-project hook can tell
    (consumer / "rules/recording.yaml").write_text("groups: []\n", encoding="utf-8")
    git(consumer, "add", "rules/recording.yaml")
    removed = run(consumer, "obslint-project", env=env)
    out = removed.stdout + removed.stderr
    assert removed.returncode == 1 and "rules/alerts.yaml:5:15: error R141 recording-rule-missing" in out, out
    per_file = run(consumer, "obslint", env=env)
    assert per_file.returncode == 0, per_file.stdout + per_file.stderr
