"""Dashboards: loading grafanalib files in isolation, compiling to modern JSON, linting, `obslint build`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import GOOD_DASHBOARD, dashboard_project
from hypothesis import given, settings
from hypothesis import strategies as st

from obslint.commands import build as builder
from obslint.config import Config
from obslint.dashboards import macros
from obslint.dashboards.compiler import compile_dashboard
from obslint.dashboards.execute import load_file
from obslint.engine.lint import lint_paths
from obslint.promql.parse import parse_expr


def test_a_broken_file_is_a_finding_at_its_line_and_does_not_stop_the_others(tmp_path):
    root = dashboard_project(tmp_path, {
        "a_good.py": GOOD_DASHBOARD.format(title="A", uid="a"),
        "b_broken.py": "import common\n\nx = 1\ndashboard = common.make()  # raises\n",
        "common.py": "def make():\n    return {}['missing']\n",
        "c_good.py": GOOD_DASHBOARD.format(title="C", uid="c"),
    })
    findings = lint_paths([root], Config(root=root))
    assert [(f.path.rsplit("/", 1)[-1], f.code, f.line) for f in findings] == [("b_broken.py", "D001", 4)]
    assert "KeyError" in findings[0].message
    result = builder.build(Config(root=root))
    assert not result.ok  # errors build nothing


def test_helper_modules_are_importable_and_fresh_for_each_file(tmp_path):
    root = dashboard_project(tmp_path, {
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
    text = GOOD_DASHBOARD.format(title="A", uid="a").replace('unit="reqps"', 'unit="requests/s"')
    root = dashboard_project(tmp_path, {"a.py": text})
    [finding] = lint_paths([root], Config(root=root))
    assert (finding.code, finding.line) == ("D006", 9)


NESTED = """from grafanalib.core import Dashboard, Row, Target, TimeSeries

dashboard = Dashboard(
    title="Nested", uid="nested",
    rows=[
        Row(panels=[
            TimeSeries(title="OK", unit="short",
                       targets=[Target(expr="up")]),
            TimeSeries(
                title="Bad",
                unit="requests/s",
                targets=[Target(expr="up")],
            ),
        ]),
    ],
){tail}
"""


@pytest.mark.parametrize("tail", ["", ".auto_panel_ids()", "\\\n    .auto_panel_ids()"])
def test_a_panel_nested_in_a_row_is_at_its_own_line(tmp_path, tail):
    # a legacy Row copies its panels (attr.evolve, to balance their spans) and auto_panel_ids() copies
    # every panel again: the copies are where the user built the originals
    root = dashboard_project(tmp_path, {"nested.py": NESTED.format(tail=tail)})
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
    root = dashboard_project(tmp_path, {"legacy.py": text})
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
    root = dashboard_project(tmp_path, {"legacy.json": json.dumps({
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
    root = dashboard_project(tmp_path, {"a.py": GOOD_DASHBOARD.format(title="A", uid="same"),
                             "b.py": GOOD_DASHBOARD.format(title="B", uid="same")})
    [finding] = lint_paths([root], Config(root=root))
    assert finding.code == "D015" and finding.path.endswith("b.py") and "a.py" in finding.message


def test_a_copy_of_a_dashboard_in_another_file_is_not_a_duplicate(tmp_path):
    # the same dashboard as a JSON file and inside the ConfigMap that ships it (no uid: a warning, Grafana loads
    # it); then a different one of the same title
    doc = {"title": "Prometheus Stats", "schemaVersion": 39, "panels": []}
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs/stats.json").write_text(json.dumps(doc))
    (tmp_path / "manifests-all.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dashboards}\ndata:\n"
        f"  stats.json: '{json.dumps(doc)}'\n")
    findings = lint_paths([tmp_path], Config(root=tmp_path))
    assert [(f.code, f.severity.name) for f in findings if f.code in ("D015", "D016")] == [("D016", "WARNING")] * 2
    (tmp_path / "configs/other.json").write_text(json.dumps(dict(doc, uid="other")))
    findings = lint_paths([tmp_path], Config(root=tmp_path))
    [duplicate] = [f for f in findings if f.code == "D015"]  # one of the two in configs/ names the other
    assert {Path(duplicate.path).name, duplicate.message.split(" in ")[-1].split(":")[0].rsplit("/", 1)[-1]} == \
        {"other.json", "stats.json"}
    # in another folder (another Grafana folder, or another deployment altogether) the title may repeat
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "configs/other.json").rename(tmp_path / "elsewhere/other.json")
    assert [f for f in lint_paths([tmp_path], Config(root=tmp_path)) if f.code == "D015"] == []


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


def test_the_users_own_packages_above_the_file_are_importable(tmp_path):
    # google/grr: monitoring/grafana/grr_grafanalib_dashboards/legacy_setup/dashboards_to_generate/*.py import
    # grr_grafanalib_dashboards.util, a package two folders up (installed by its setup.py)
    package = tmp_path / "monitoring" / "boards"
    (package / "setup" / "generate").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "util.py").write_text("TITLE = 'From the package'\n", encoding="utf-8")
    board = package / "setup" / "generate" / "workers.dashboard.py"
    board.write_text("from grafanalib.core import Dashboard\nfrom boards.util import TITLE\n\n"
                     "dashboard = Dashboard(title=TITLE, uid='w')\n", encoding="utf-8")
    loaded = load_file(board)
    assert loaded.error is None and loaded.dashboards[0].title == "From the package"
    assert "boards" not in sys.modules and "boards.util" not in sys.modules  # fresh for the next file


def test_what_grafanalib_itself_refuses_names_the_grafanalib_that_ran(tmp_path):
    board = tmp_path / "alerts.py"  # grafanalib 0.7 refuses an alert condition's Target without a refId
    board.write_text("from grafanalib.core import AlertCondition, Target\n\n"
                     "condition = AlertCondition(target=Target(expr='up'))\n", encoding="utf-8")
    loaded = load_file(board)
    assert loaded.error.line == 3 and "(in grafanalib 0." in loaded.error.message
    board.write_text("raise ValueError('mine')\n", encoding="utf-8")
    assert "grafanalib" not in load_file(board).error.message
