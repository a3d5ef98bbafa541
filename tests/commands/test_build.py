"""`obslint build`: dashboards and rules as a cluster loads them, and nothing lost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import GOOD_DASHBOARD, REPO, RULES, dashboard_project, free_port, need, obslint, repo, run_module, stop

from obslint.commands import build as builder
from obslint.config import Config, load_config


def test_build_keeps_same_named_rule_files_of_different_folders(tmp_path):
    root = repo(tmp_path, {"rules/broken.yaml": "groups: []\n",
                           "rules/team-a/alerts.yaml": RULES.format(name="a"),
                           "rules/team-b/alerts.yaml": RULES.format(name="b")})
    proc = obslint("build", "--out", "out", cwd=root)
    assert proc.returncode == 0, proc.stderr
    built = sorted(p.name for p in (root / "out" / "rules").iterdir())
    assert built == ["broken.yaml", "team-a-alerts.yaml", "team-b-alerts.yaml"]
    assert "a:up:sum" in (root / "out/rules/team-a-alerts.yaml").read_text()
    assert "b:up:sum" in (root / "out/rules/team-b-alerts.yaml").read_text()
    assert obslint("build", "--out", "out", "--check", cwd=root).returncode == 0


def test_build_refuses_two_inputs_that_would_make_one_output(tmp_path):
    root = repo(tmp_path, {"rules/broken.yaml": "groups: []\n", "rules/a_b.yaml": RULES.format(name="x"),
                           "rules/a-b.yaml": RULES.format(name="y")})
    proc = obslint("build", "--out", "out", cwd=root)
    assert proc.returncode == 1
    assert "rules/a-b.yaml" in proc.stderr and "rules/a_b.yaml" in proc.stderr
    assert not (root / "out").exists()


def test_build_check_fails_on_any_difference(tmp_path):
    root = repo(tmp_path, {"rules/broken.yaml": RULES.format(name="x")})
    assert obslint("build", "--out", "out", cwd=root).returncode == 0
    assert obslint("build", "--out", "out", "--check", cwd=root).returncode == 0
    out = root / "out"
    for change in (lambda: (out / "rules/broken.yaml").write_text("changed"),
                   lambda: (out / "rules/extra.yaml").write_text("x"),
                   lambda: (out / "rules/broken.yaml").unlink(),
                   lambda: (out / ".obslint-build.json").unlink()):
        shutil.rmtree(out)
        assert obslint("build", "--out", "out", cwd=root).returncode == 0
        change()
        assert obslint("build", "--out", "out", "--check", cwd=root).returncode == 1


def test_build_never_deletes_files_it_did_not_write(tmp_path):
    root = repo(tmp_path, {"rules/broken.yaml": RULES.format(name="x")})
    foreign = root / "manifests"
    foreign.mkdir()
    (foreign / "deployment.yaml").write_text("kind: Deployment\n")
    proc = obslint("build", "--out", "manifests", cwd=root)
    assert proc.returncode == 2 and "deployment.yaml" in proc.stderr
    assert (foreign / "deployment.yaml").read_text() == "kind: Deployment\n"
    assert sorted(p.name for p in foreign.iterdir()) == ["deployment.yaml"]
    # its own earlier output it replaces, stale files included; a file added later is refused again
    assert obslint("build", "--out", "out", cwd=root).returncode == 0
    (root / "rules/broken.yaml").rename(root / "rules/renamed.yaml")
    assert obslint("build", "--out", "out", cwd=root).returncode == 0
    assert sorted(p.name for p in (root / "out/rules").iterdir()) == ["renamed.yaml"]
    (root / "out/README.md").write_text("mine\n")
    assert obslint("build", "--out", "out", cwd=root).returncode == 2
    assert (root / "out/README.md").read_text() == "mine\n"


def test_build_writes_configmaps_and_prometheus_rules_that_promtool_accepts(promtool, tmp_path):
    for folder in ("rules", "dashboards_py", "exporters", "prometheus"):  # the exporters: the metric catalog
        shutil.copytree(REPO / folder, tmp_path / folder)
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    config = load_config(tmp_path)
    result = builder.build(config)
    assert result.ok and not result.findings
    configmaps = [yaml.safe_load(v) for k, v in result.files.items() if k.startswith("configmaps/")]
    assert len(configmaps) == 4
    for cm in configmaps:
        assert cm["metadata"]["labels"] == {"grafana_dashboard": "1"}
        assert cm["metadata"]["annotations"] == {"grafana_folder": "MLOps"}
        [(key, value)] = cm["data"].items()
        assert key == json.loads(value)["uid"] + ".json" and len(cm["metadata"]["name"]) <= 63
    rules = {k: yaml.safe_load(v) for k, v in result.files.items() if k.startswith("rules/")}
    assert len(rules) == 5
    for name, resource in rules.items():
        assert resource["kind"] == "PrometheusRule" and resource["metadata"]["labels"] == {"release": "prometheus"}
        plain = tmp_path / f"plain-{Path(name).name}"
        plain.write_text(yaml.safe_dump({"groups": resource["spec"]["groups"]}))
        proc = subprocess.run([promtool, "check", "rules", str(plain)], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_build_check_reports_drift_and_an_interrupted_build_keeps_the_old_output(tmp_path, monkeypatch):
    root = dashboard_project(tmp_path, {"a.py": GOOD_DASHBOARD.format(title="A", uid="a")})
    assert run_module("build", cwd=root).returncode == 0
    assert run_module("build", "--check", cwd=root).returncode == 0
    built = root / "build" / "dashboards" / "a.json"
    before = built.read_bytes()
    (root / "dashboards_py" / "a.py").write_text(GOOD_DASHBOARD.format(title="A renamed", uid="a"))
    proc = run_module("build", "--check", cwd=root)
    assert proc.returncode == 1 and "changed" in proc.stdout and "a.json" in proc.stdout
    assert built.read_bytes() == before  # --check writes nothing

    result = builder.build(Config(root=root))
    real_rename = os.rename

    def failing_rename(src, dst):
        if ".new-" in str(src):
            raise OSError(28, "No space left on device")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(OSError):
        builder.write(result, root / "build")
    monkeypatch.setattr(os, "rename", real_rename)
    assert built.read_bytes() == before  # the previous output, whole and in place
    assert [p.name for p in root.iterdir() if p.name.startswith(".build.")] == []  # no staging left


def test_this_repository_builds_and_its_build_is_committed():
    proc = run_module("build", "--check", cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_real_prometheus_loads_the_built_rules(tmp_path):
    """The PrometheusRule resources `obslint build` writes hold groups a real Prometheus (Debian's
    2.42, on 127.0.0.1) loads: every rule of rules/ is then listed by its rules API."""
    import time
    import urllib.request


    binary = shutil.which("prometheus")
    if binary is None:
        need("the prometheus server", "apt-get install -y prometheus")
    result = builder.build(load_config(REPO))
    rule_files = []
    for name, data in sorted(result.files.items()):
        if name.startswith("rules/"):
            path = tmp_path / Path(name).name
            path.write_text(yaml.safe_dump({"groups": yaml.safe_load(data)["spec"]["groups"]}))
            rule_files.append(str(path))
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump({"rule_files": rule_files}))
    port = free_port()
    server = subprocess.Popen([binary, f"--config.file={tmp_path / 'prometheus.yml'}",
                               f"--web.listen-address=127.0.0.1:{port}", f"--storage.tsdb.path={tmp_path / 'data'}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        groups = None
        while time.monotonic() < deadline and groups is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/rules", timeout=2) as response:
                    groups = json.load(response)["data"]["groups"]
            except OSError:
                time.sleep(0.2)
        assert groups is not None, "prometheus did not answer within 30 s"
    finally:
        stop(server)
    loaded = sorted(r["name"] for g in groups for r in g["rules"])
    ours = []
    for data in (yaml.safe_load(v) for k, v in result.files.items() if k.startswith("rules/")):
        ours += [r.get("alert") or r.get("record") for g in data["spec"]["groups"] for r in g["rules"]]
    assert loaded == sorted(ours) and len(loaded) == 31
