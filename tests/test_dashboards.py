"""Dashboards: loading grafanalib files in isolation, compiling to modern JSON, linting, `obslint build`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from obslint import build as builder
from obslint.config import Config, load_config
from obslint.dashboards import macros
from obslint.dashboards.compiler import compile_dashboard
from obslint.dashboards.loader import load_file
from obslint.lint import lint_paths
from obslint.promql.parse import parse_expr

REPO = Path(__file__).resolve().parent.parent

GOOD = '''from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

DS = Template(name="datasource", type="datasource", query="prometheus")

dashboard = Dashboard(
    title="{title}", uid="{uid}",
    templating=Templating(list=[DS]),
    panels=[
        TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                   targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
    ],
)
'''


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "dashboards_py" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "obslint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_a_broken_file_is_a_finding_at_its_line_and_does_not_stop_the_others(tmp_path):
    root = project(tmp_path, {
        "a_good.py": GOOD.format(title="A", uid="a"),
        "b_broken.py": "import common\n\nx = 1\ndashboard = common.make()  # raises\n",
        "common.py": "def make():\n    return {}['missing']\n",
        "c_good.py": GOOD.format(title="C", uid="c"),
    })
    findings = lint_paths([root], Config(root=root))
    assert [(f.path.rsplit("/", 1)[-1], f.code, f.line) for f in findings] == [("b_broken.py", "D001", 4)]
    assert "KeyError" in findings[0].message
    result = builder.build(Config(root=root))
    assert not result.ok  # errors build nothing


def test_helper_modules_are_importable_and_fresh_for_each_file(tmp_path):
    root = project(tmp_path, {
        "common.py": "import grafanalib.core as g\nCOUNT = []\n\ndef panel():\n    COUNT.append(1)\n"
                     "    return g.TimeSeries(title=f'P{len(COUNT)}', unit='short', "
                     "gridPos=g.GridPos(h=8, w=12, x=0, y=0), targets=[g.Target(expr='up')])\n",
        "one.py": "import common, grafanalib.core as g\ndashboard = g.Dashboard(title='One', uid='one', "
                  "panels=[common.panel()])\n",
        "two.py": "import common, grafanalib.core as g\ndashboard = g.Dashboard(title='Two', uid='two', "
                  "panels=[common.panel()])\n",
    })
    titles = []
    for name in ("one.py", "two.py"):
        loaded = load_file(root / "dashboards_py" / name)
        assert loaded.error is None
        titles.append(compile_dashboard(loaded.dashboards[0], loaded.origins).doc["panels"][0]["title"])
    assert titles == ["P1", "P1"]  # common.py was imported afresh: no state leaks between files
    assert not load_file(root / "dashboards_py" / "common.py").defines_dashboards


def test_findings_point_at_the_line_that_built_the_panel(tmp_path):
    text = GOOD.format(title="A", uid="a").replace('unit="reqps"', 'unit="requests/s"')
    root = project(tmp_path, {"a.py": text})
    [finding] = lint_paths([root], Config(root=root))
    assert (finding.code, finding.line) == ("D006", 9)


def test_compiled_json_is_modern_and_byte_identical_across_runs(tmp_path):
    text = '''from grafanalib.core import Dashboard, Row, Stat, Target, Threshold, TimeSeries

dashboard = Dashboard(title="Legacy", uid="legacy", rows=[
    Row(panels=[
        TimeSeries(title="A", unit="short", targets=[Target(expr="up"), Target(expr="up * 2")]),
        Stat(title="B", format="short", targets=[Target(expr="up")],
             thresholds=[Threshold("green", 0, 0.0), Threshold("red", 1, 80.0)]),
    ]),
])
'''
    root = project(tmp_path, {"legacy.py": text})
    outputs = set()
    for seed in ("1", "999"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run([sys.executable, "-m", "obslint", "build", "--out", str(tmp_path / f"out{seed}")],
                              cwd=root, capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outputs.add((tmp_path / f"out{seed}" / "dashboards" / "legacy.json").read_bytes())
    assert len(outputs) == 1
    doc = json.loads(outputs.pop())
    assert doc["schemaVersion"] == 39 and "rows" not in doc
    text = json.dumps(doc)
    assert "maxDataPoints" not in text and "intervalFactor" not in text and '"null"' not in text
    panels = doc["panels"]
    assert [p["id"] for p in panels] == [1, 2]
    assert [p["gridPos"] for p in panels] == [{"h": 9, "w": 12, "x": 0, "y": 0}, {"h": 9, "w": 12, "x": 12, "y": 0}]
    assert [t["refId"] for t in panels[0]["targets"]] == ["A", "B"]
    assert panels[0]["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
    assert panels[1]["fieldConfig"]["defaults"]["thresholds"]["steps"] == [
        {"color": "green", "value": None}, {"color": "red", "value": 80.0}]
    assert doc["templating"]["list"][0]["type"] == "datasource"  # added: the panels use it


def test_plain_json_dashboards_are_validated_and_linted_at_their_lines(tmp_path):
    root = project(tmp_path, {"legacy.json": json.dumps({
        "title": "Old", "uid": "old", "schemaVersion": 39,
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]},
        "panels": [{"type": "graph", "title": "CPU", "id": 1, "gridPos": {"h": 8, "w": 12, "x": 14, "y": 0},
                    "datasource": {"type": "prometheus", "uid": "${datasource}"},
                    "targets": [{"refId": "A", "expr": "rate(node_cpu_seconds_total{mode!=\"idle\"}[1m]"}]}],
    }, indent=2)})
    findings = lint_paths([root], Config(root=root))
    assert sorted(f.code for f in findings) == ["D006", "D008", "D014", "D017"]
    assert all(f.line > 1 for f in findings)


def test_duplicate_uids_across_files(tmp_path):
    root = project(tmp_path, {"a.py": GOOD.format(title="A", uid="same"), "b.py": GOOD.format(title="B", uid="same")})
    [finding] = lint_paths([root], Config(root=root))
    assert finding.code == "D015" and finding.path.endswith("b.py") and "a.py" in finding.message


@pytest.mark.parametrize("expr", [
    'sum by (job) (rate(http_requests_total{job=~"$job", instance=~"${instance:regex}"}[$__rate_interval]))',
    "increase(x_total[$__range]) / $__range_s",
    "sum(rate([[metric]]{a=\"b\"}[$__interval])) by ($group)",
    "topk($n, rate(${metric}[5m] offset $shift))",
    "avg_over_time(x[$__interval] @ $__to)",
])
def test_grafana_variables_are_substituted_into_parseable_promql(expr):
    assert parse_expr(macros.substitute(expr)).ok, macros.substitute(expr)


@settings(max_examples=60, deadline=None)
@given(name=st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True),
       form=st.sampled_from(["${%s}", "$%s", "[[%s]]", "${%s:regex}", "${%s:pipe}"]))
def test_a_variable_in_a_label_value_always_parses(name, form):
    expr = 'sum(rate(http_requests_total{job=~"%s"}[$__rate_interval]))' % (form % name)
    assert parse_expr(macros.substitute(expr)).ok
    assert macros.references(expr) == [name, "__rate_interval"]


def test_build_writes_configmaps_and_prometheus_rules_that_promtool_accepts(promtool, tmp_path):
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    shutil.copytree(REPO / "dashboards_py", tmp_path / "dashboards_py")
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
    root = project(tmp_path, {"a.py": GOOD.format(title="A", uid="a")})
    assert run_cli("build", cwd=root).returncode == 0
    assert run_cli("build", "--check", cwd=root).returncode == 0
    built = root / "build" / "dashboards" / "a.json"
    before = built.read_bytes()
    (root / "dashboards_py" / "a.py").write_text(GOOD.format(title="A renamed", uid="a"))
    proc = run_cli("build", "--check", cwd=root)
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
    proc = run_cli("build", "--check", cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_real_prometheus_loads_the_built_rules(tmp_path):
    """The PrometheusRule resources `obslint build` writes hold groups a real Prometheus (Debian's
    2.42, on 127.0.0.1) loads: every rule of rules/ is then listed by its rules API."""
    import time
    import urllib.request

    from conftest import _need, free_port, stop

    binary = shutil.which("prometheus")
    if binary is None:
        _need("the prometheus server", "apt-get install -y prometheus")
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
