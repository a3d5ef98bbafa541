"""Subjects: what a finding is about, read from the outline of its file (or told by its check), by names
that do not move when lines do."""

from __future__ import annotations

import json

from helpers import GOOD_DASHBOARD, obslint, write_tree

from obslint.engine.subjects import outline, subject_at

AM = """global:
  resolve_timeout: 5m
route:
  receiver: default
  routes:
    - matchers: ['team = "db"', 'severity="critical"']
      receiver: db
      routes:
        - receiver: db-pager
    - match: {team: web}
      receiver: web
    - matchers: ['team="db"', 'severity="critical"']
      receiver: db-again
receivers:
  - name: default
  - name: db
  - name: web
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
"""


def test_alertmanager_outline_names_routes_by_matchers_and_receivers_by_name(tmp_path):
    path = tmp_path / "alertmanager.yml"
    path.write_text(AM, encoding="utf-8")
    spans = outline(path)
    at = {line: subject_at(spans, line) for line in range(1, AM.count("\n") + 1)}
    assert at[2] == "global"
    assert at[4] == "route"
    assert at[7] == 'route/{severity="critical",team="db"}'  # written order and spaces do not matter
    assert at[9] == 'route/{severity="critical",team="db"}/receiver=db-pager'
    assert at[11] == 'route/{team="web"}'
    assert at[13] == 'route/{severity="critical",team="db"}#2'  # the same matchers again: told by order
    assert at[16] == "receiver:db"
    assert at[21] == 'inhibit_rule:{severity="critical"}->{severity="warning"}'
    # a route inserted before the others: their subjects do not change
    shifted = AM.replace("  routes:\n", "  routes:\n    - matchers: ['team=\"new\"']\n      receiver: web\n", 1)
    path.write_text(shifted, encoding="utf-8")
    assert subject_at(outline(path), 13) == 'route/{team="web"}'


def test_dashboard_findings_name_their_panel(tmp_path):
    dashboard = GOOD_DASHBOARD.format(title="API", uid="api").replace('unit="reqps", ', "")
    root = write_tree(tmp_path, {"dashboards_py/api.py": dashboard})
    proc = obslint("check", "--format", "json", ".", cwd=root)
    found = {(f["code"], f["subject"]) for f in json.loads(proc.stdout)}
    assert ("D006", "dashboard:api/panel:Requests") in found, proc.stdout


def test_json_dashboard_outline(tmp_path):
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"title": "API", "uid": "api", "panels": [
        {"type": "row", "title": "Traffic", "panels": [{"type": "timeseries", "title": "Requests", "id": 2}]},
        {"type": "timeseries", "id": 7}], "templating": {"list": [{"name": "job"}]}}, indent=2), encoding="utf-8")
    text = path.read_text(encoding="utf-8").splitlines()
    spans = outline(path)

    def line_of(needle: str) -> int:
        return next(i for i, line in enumerate(text, start=1) if needle in line)

    assert subject_at(spans, line_of('"Requests"')) == "dashboard:api/panel:Requests"
    assert subject_at(spans, line_of('"id": 7')) == "dashboard:api/panel:#7"
    assert subject_at(spans, line_of('"job"')) == "dashboard:api/variable:job"
    assert subject_at(spans, 1) == "dashboard:api"
