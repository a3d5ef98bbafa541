"""Static checks of promtool unit-test files (T001-T005), with the installed promtool as the oracle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obslint.config import Config
from obslint.engine.lint import lint_paths
from obslint.ruletests import promtool as ruletests
from obslint.ruletests.model import series_length

RULES = """groups:
  - name: g
    rules:
      - alert: InstanceDown
        expr: up > Inf  # never fires: the oracle's verdict is about reading the file, not the values
"""


def _test_file(values: str = "1x10", series: str = 'up{job="api"}', eval_time: str = "5m",
               alertname: str = "InstanceDown", extra_group: str = "", extra_top: str = "",
               rule_file: str = "rules.yml") -> str:
    return f"""rule_files: [{rule_file}]
{extra_top}tests:
  - interval: 1m
{extra_group}    input_series:
      - series: '{series}'
        values: '{values}'
    alert_rule_test:
      - eval_time: {eval_time}
        alertname: {alertname}
        exp_alerts: []
"""


def _codes(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "rules.yml").write_text(RULES)
    path = tmp_path / "t.yml"
    path.write_text(text)
    return [f.code for f in lint_paths([path], Config(root=tmp_path))]


def _promtool_accepts(promtool: str, directory: Path, text: str) -> bool:
    (directory / "rules.yml").write_text(RULES)
    (directory / "t.yml").write_text(text)
    proc = subprocess.run([promtool, "test", "rules", "t.yml"], cwd=directory, capture_output=True, text=True,
                          timeout=60)
    return proc.returncode == 0


VALUES = ["1+2x3", "1 + 2x3", "1+2 x3", "1 +2x3", "0x1f", "1e3", "Inf", "-Inf", "NaN", "+1", ".5", "1.", "_x3",
          "_ x3", "stale", "stalex3", "1x3x4", "1-1x3", "1+-1x3", "1x0", "0x10", "0b1", "1_000", "1E3", "inf",
          "INF", "1,2", "1x", "0X1F", "{{schema:1 sum:3 count:1 buckets:[1]}}", "_+1x3", "1xx3", "2e+3x2",
          "1 2  3", "1x-3", "1e3x2", "1e308", "1e311", "1e309x2", "1+1e400x2", "1.5e+308 9E999"]


def test_series_values_verdicts_equal_promtool(promtool, tmp_path):
    version = ruletests.installed_version()
    for values in VALUES:
        try:
            series_length(values, version)
            ours = True
        except ValueError:
            ours = False
        assert ours == _promtool_accepts(promtool, tmp_path, _test_file(values)), values


TOKENS = st.sampled_from(["1", "-2", "+3", ".5", "1e3", "Inf", "nan", "_", "stale", "x", "+", "-", "3", "x2",
                          "0", "_x4", "e", ",", "7"])


@settings(max_examples=int(os.environ.get("OBSLINT_DIFF_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(TOKENS, min_size=1, max_size=4).map("".join), min_size=1, max_size=4).map(" ".join))
def test_generated_series_values_verdicts_equal_promtool(promtool, tmp_path, values):
    try:
        series_length(values, ruletests.installed_version())
        ours = True
    except ValueError:
        ours = False
    assert ours == _promtool_accepts(promtool, tmp_path, _test_file(values)), values


def test_series_length_counts_the_expanding_notation():
    assert series_length("1+2x3 _ stale _x2 5x4") == 4 + 1 + 1 + 2 + 5
    assert series_length("") == 0


def test_bad_series_selectors(promtool, tmp_path):
    for series in ['up{job="api"', 'up{job=~"api"}', "up[5m]", "rate(up[5m])"]:
        assert "T004" in _codes(tmp_path, _test_file(series=series)), series
        assert not _promtool_accepts(promtool, tmp_path, _test_file(series=series)), series
    assert "T004" not in _codes(tmp_path, _test_file(series='{__name__="up", job="api"}'))


def test_unknown_fields_are_what_the_installed_promtool_refuses(promtool, tmp_path):
    version = ruletests.installed_version()
    cases = {
        "typo in a group": _test_file(extra_group="    intervall: 1m\n"),
        "fuzzy_compare": _test_file(extra_top="fuzzy_compare: true\n"),
        "start_timestamp": _test_file(extra_group="    start_timestamp: 0\n"),
        "external_url": _test_file(extra_group="    external_url: http://x\n"),
        "external_labels": _test_file(extra_group="    external_labels: {a: b}\n"),
    }
    for what, text in cases.items():
        refused = "T005" in _codes(tmp_path, text)
        assert refused == (not _promtool_accepts(promtool, tmp_path, text)), (what, version)
    assert version is not None and version < (3, 5)  # Debian's 2.42: fuzzy_compare is refused


def test_unmatched_rule_files_pass_promtool_but_fail_obslint_test(promtool, tmp_path):
    text = _test_file(rule_file="missing-rules.yml")
    assert "T001" in _codes(tmp_path, text)
    assert _promtool_accepts(promtool, tmp_path, text)  # prometheus/prometheus#12499
    proc = subprocess.run([sys.executable, "-m", "obslint", "test", "t.yml"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1 and "T001 test-rule-files-unmatched" in proc.stderr


def test_unknown_alertname_suggests_the_near_name(tmp_path):
    (tmp_path / "rules.yml").write_text(RULES)
    path = tmp_path / "t.yml"
    path.write_text(_test_file(alertname="InstanceDwn"))
    [finding] = lint_paths([path], Config(root=tmp_path))
    assert (finding.code, finding.line, finding.column) == ("T002", 9, 20)
    assert "did you mean `InstanceDown`" in finding.message


def test_eval_time_after_the_series_and_lookback(tmp_path):
    assert "T003" not in _codes(tmp_path, _test_file(values="1x10", eval_time="15m"))
    assert "T003" in _codes(tmp_path, _test_file(values="1x10", eval_time="16m"))


def test_kubernetes_mixin_tests_have_no_static_findings(corpus, tmp_path):
    shutil.copytree(corpus / "unittests" / "kubernetes-mixin", tmp_path / "tests")
    for rules in (corpus / "rules" / "kubernetes-mixin").glob("*.yaml"):
        shutil.copy(rules, tmp_path / rules.name)
    findings = lint_paths([tmp_path / "tests"], Config(root=tmp_path))
    assert findings == []


def test_this_repository_rule_tests_pass_with_full_coverage(promtool):
    proc = subprocess.run([sys.executable, "-m", "obslint", "test", "--fail-under", "100", "--format", "json"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import json

    data = json.loads(proc.stdout)
    assert data["failed"] == 0 and data["coverage"]["alerts"] == 19 and data["coverage"]["untested"] == []
