"""`obslint test`: promtool unit tests with per-group results, structured diffs, JUnit and coverage."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

from helpers import DATA

from obslint.ruletests import model as ruletest_files
from obslint.ruletests import promtool as ruletests

DATA = DATA / "ruletests"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "obslint", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_a_failing_test_shows_a_structured_diff_and_junit(promtool, tmp_path):
    junit = tmp_path / "junit.xml"
    proc = run_cli("test", "failing-test.yml", "--junit", str(junit), cwd=DATA)
    assert proc.returncode == 1
    assert "FAIL tests/data/ruletests/failing-test.yml:6 instance down fires with the wrong severity" in proc.stdout
    assert '- Labels:{alertname="InstanceDown", instance="a", job="api", severity="warning"}' in proc.stdout
    assert '+ Labels:{alertname="InstanceDown", instance="a", job="api", severity="critical"}' in proc.stdout
    assert "PASS tests/data/ruletests/failing-test.yml:17 instance up is quiet" in proc.stdout
    root = ElementTree.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    plain = subprocess.run([promtool, "test", "rules", "failing-test.yml"], cwd=DATA, capture_output=True)
    assert plain.returncode == 1  # promtool agrees the file fails


def test_json_and_run_filter_and_coverage(promtool):
    proc = run_cli("test", "--format", "json", "--run", "quiet", "failing-test.yml", cwd=DATA)
    data = json.loads(proc.stdout)
    assert proc.returncode == 0 and (data["passed"], data["failed"]) == (1, 0)
    assert [g["name"] for g in data["groups"]] == ["instance up is quiet"]
    assert data["coverage"]["alerts"] == 1 and data["coverage"]["alerts_quiet"] == ["InstanceDown"]
    assert data["coverage"]["alerts_fired"] == ["InstanceDown"] and data["coverage"]["untested"] == []


def test_kubernetes_mixin_verdicts_equal_promtool(promtool, corpus, tmp_path):
    """Per file, obslint test passes or fails exactly when promtool test rules does."""
    shutil.copytree(corpus / "unittests" / "kubernetes-mixin", tmp_path / "tests")
    for rules in (corpus / "rules" / "kubernetes-mixin").glob("*.yaml"):
        shutil.copy(rules, tmp_path / rules.name)
    files = sorted((tmp_path / "tests").glob("*.yaml"))
    results = ruletests.run_files(files, promtool=promtool)
    ours = {r.path.name: not r.error and all(g.passed for g in r.groups) for r in results}
    theirs = {f.name: subprocess.run([promtool, "test", "rules", f.name], cwd=f.parent, capture_output=True,
                                     timeout=300).returncode == 0 for f in files}
    assert ours == theirs
    assert not all(theirs.values()) and any(theirs.values())  # both verdicts occur


def test_missing_promtool_is_a_clean_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("PROMTOOL", raising=False)
    proc = subprocess.run([sys.executable, "-m", "obslint", "test", "failing-test.yml"], capture_output=True,
                          text=True, cwd=DATA, env={"PATH": str(tmp_path)})
    assert proc.returncode == 2 and "apt-get install -y prometheus" in proc.stderr


def test_a_failing_expression_test_points_at_its_case(promtool, tmp_path):
    proc = run_cli("test", str(DATA / "failing-expr-test.yml"), cwd=tmp_path)  # run from elsewhere
    assert proc.returncode == 1
    # the path from the repository's root, wherever obslint runs
    assert "expr sum(up) at 5m (tests/data/ruletests/failing-expr-test.yml:17)" in proc.stdout
    assert "- {} 1E+00" in proc.stdout and "+ {} 0E+00" in proc.stdout


def test_failures_told_apart_from_one_run_equal_per_group_reruns(promtool, corpus, tmp_path):
    """A failing file is attributed to its groups from promtool's one run; re-running each group alone
    (the fallback) gives the same results."""
    shutil.copytree(corpus / "unittests" / "kubernetes-mixin", tmp_path / "tests")
    shutil.copy(corpus / "rules" / "kubernetes-mixin" / "prometheus_alerts.yaml", tmp_path)
    test = ruletest_files.read_test_file(tmp_path / "tests" / "absent_alert-test.yaml")

    def summary(result):
        return [(g.group.index, g.passed, [(f.kind, f.subject, f.time, f.expected, f.got) for f in g.failures])
                for g in result.groups]

    attributed = ruletests.run_file(promtool, test, attribute=True)
    rerun = ruletests.run_file(promtool, test, attribute=False)
    assert summary(attributed) == summary(rerun)
    assert sum(not g.passed for g in attributed.groups) == 4
