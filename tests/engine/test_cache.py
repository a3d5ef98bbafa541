"""The per-file cache of `obslint check`: same findings warm and cold, and nothing stale."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
from pathlib import Path

from helpers import OBSLINT, obslint, repo

from obslint.config import Config, Policy
from obslint.engine import lint

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
    policy = Policy(required_labels={"severity": ("critical", "warning", "info")})
    config = Config(root=root, policy=policy)
    cold = lint.lint_paths([root], config, jobs=1, cache=True)
    calls = counting(monkeypatch)
    warm = lint.lint_paths([root], config, jobs=1, cache=True)
    assert warm == cold and cold and calls == []  # nothing parsed again
    victim = root / "alertmanager-prometheusRule.yaml"
    victim.write_text(victim.read_text().replace("severity: critical", "severity: urgent", 1))
    again = lint.lint_paths([root], config, jobs=1, cache=True)
    assert calls == [victim.name] and again != warm  # only the changed file, and its new finding shows
    other = lint.lint_paths([root], Config(root=root, policy=policy, disable=frozenset({"R131"})), jobs=1,
                            cache=True)
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


class Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_poisoned_cache_runs_nothing_and_changes_nothing(tmp_path):
    root = repo(tmp_path, {"rules/ok.yaml": "groups:\n- name: g\n  rules:\n  - record: a:b:c\n    expr: up\n"})
    cache = tmp_path / "cache"
    env = {"OBSLINT_CACHE_DIR": str(cache)}
    clean = obslint("check", "--format", "json", ".", cwd=root, env=env)
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert entries  # the run filled the cache
    marker = tmp_path / "pwned"
    for entry in entries:
        entry.write_bytes(pickle.dumps(Payload(marker)))
    again = obslint("check", "--format", "json", ".", cwd=root, env=env)
    assert not marker.exists()
    assert (again.returncode, again.stdout) == (clean.returncode, clean.stdout)
    # entries that are JSON but not what obslint writes are ignored too
    for i, bad in enumerate(['{"digest": 1}', "[]", '{"digest": "x", "findings": [[1, 2]], "facts": []}',
                             "{" * 100_000, ""]):
        for entry in entries:
            entry.write_text(bad, encoding="utf-8")
        proc = obslint("check", "--format", "json", ".", cwd=root, env=env)
        assert (proc.returncode, proc.stdout) == (clean.returncode, clean.stdout), i


def test_a_tampered_entry_with_the_right_digest_but_wrong_types_is_ignored(tmp_path):
    from obslint.config import Config
    from obslint.engine.cache import FileCache

    path = tmp_path / "a.yaml"
    path.write_text("groups: []\n", encoding="utf-8")
    store = FileCache(Config(root=tmp_path))
    digest = store.digest(path)
    store.put(path, "a.yaml", digest, [], [])
    assert store.get(path, "a.yaml", digest) == ([], [])
    entry = store._entry(path, "a.yaml")
    for findings in ([[1, 1, "R001", "x", "3", "m"]], [[1, 1, "R001", "x", 9, "m"]], [[True, 1, "R", "x", 3, "m"]],
                     [[1, 1, "R001", "x", 3]], "x"):
        entry.write_text(json.dumps({"digest": digest, "findings": findings, "facts": []}), encoding="utf-8")
        assert store.get(path, "a.yaml", digest) is None, findings


def test_concurrent_runs_sharing_a_cache_agree(tmp_path):
    files = {f"rules/r{i}.yaml": "groups:\n- name: g\n  rules:\n" + "".join(
        f"  - record: a:b{i}_{j}:c\n    expr: sum(rate(x_total[5m]))\n" for j in range(30)) for i in range(20)}
    root = repo(tmp_path, files)
    env = {**os.environ, "OBSLINT_CACHE_DIR": str(tmp_path / "cache")}
    reference = obslint("check", "--no-cache", "--format", "json", ".", cwd=root).stdout
    for _ in range(3):
        procs = [subprocess.Popen([OBSLINT, "check", "--format", "json", "."], cwd=root, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        outputs = [p.communicate(timeout=120)[0] for p in procs]
        assert all(out == reference for out in outputs)


def test_no_hash_collision_between_cache_entries_of_different_shown_paths(tmp_path):
    """The same file shown under two paths has two entries: findings carry the shown path."""
    from obslint.config import Config
    from obslint.engine.cache import FileCache

    path = tmp_path / "a.yaml"
    path.write_text("groups: []\n")
    store = FileCache(Config(root=tmp_path))
    assert store._entry(path, "a.yaml") != store._entry(path, "./a.yaml")
