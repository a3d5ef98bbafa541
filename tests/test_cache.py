"""The per-file cache of `obslint check`: same findings warm and cold, and nothing stale."""

from __future__ import annotations

import shutil

from obslint import lint
from obslint.config import Config

RULES = """groups:
  - name: g
    rules:
      - alert: InstanceDown
        expr: up == 0
        for: 5m
        labels: {severity: critical, team: ops}
        annotations: {summary: "{{ $labels.instance }} down", description: "{{ $labels.instance }} is down"}
"""
TEST = """rule_files: [../alerts.yaml]
tests:
  - interval: 1m
    input_series:
      - series: 'up{instance="a"}'
        values: '1x10'
    alert_rule_test:
      - eval_time: 5m
        alertname: InstanceDown
        exp_alerts: []
"""


def counting(monkeypatch) -> list:
    calls = []
    real = lint.lint_target

    def spy(target, *args, **kwargs):
        calls.append(target.path.name)
        return real(target, *args, **kwargs)

    monkeypatch.setattr(lint, "lint_target", spy)
    return calls


def test_warm_runs_reuse_unchanged_files_and_give_the_same_findings(corpus, tmp_path, monkeypatch):
    root = tmp_path / "kube-prometheus"
    shutil.copytree(corpus / "rules" / "kube-prometheus", root)
    config = Config(root=root)
    cold = lint.lint_paths([root], config, jobs=1, cache=True)
    calls = counting(monkeypatch)
    warm = lint.lint_paths([root], config, jobs=1, cache=True)
    assert warm == cold and cold and calls == []  # nothing parsed again
    victim = root / "alertmanager-prometheusRule.yaml"
    victim.write_text(victim.read_text().replace("severity: critical", "severity: urgent", 1))
    again = lint.lint_paths([root], config, jobs=1, cache=True)
    assert calls == [victim.name] and again != warm  # only the changed file, and its new finding shows
    other = lint.lint_paths([root], Config(root=root, disable=frozenset({"R131"})), jobs=1, cache=True)
    assert len(calls) > 1 and all(f.code != "R131" for f in other)  # another configuration: another cache


def test_unit_test_files_are_never_cached(tmp_path):
    (tmp_path / "rules" / "tests").mkdir(parents=True)
    (tmp_path / "rules" / "alerts.yaml").write_text(RULES)
    (tmp_path / "rules" / "tests" / "t.yaml").write_text(TEST)
    config = Config(root=tmp_path)
    assert [f.code for f in lint.lint_paths([tmp_path], config, cache=True) if f.code == "T002"] == []
    (tmp_path / "rules" / "alerts.yaml").write_text(RULES.replace("InstanceDown", "HostDown"))
    codes = [f.code for f in lint.lint_paths([tmp_path], config, cache=True)]
    assert "T002" in codes  # the test file is unchanged, but the rule it names is gone
