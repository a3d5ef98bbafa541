"""Changed-only mode (`obslint check --diff-base REF`) in real git repositories: the findings on what a
branch changed and those it caused elsewhere, never the old findings of what it left alone."""

from __future__ import annotations

import json

from helpers import TEAM_POLICY, commit, git, git_repo, obslint

from obslint.core.git import FileChange
from obslint.engine.changes import touched
from obslint.engine.subjects import Span

AM = """route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['team="db"']
      receiver: db
    - matchers: ['team="api"']
      receiver: api
receivers:
  - name: default
    webhook_configs: [{url: "http://hooks.example.com/default"}]
  - name: db
    webhook_configs: [{url: "http://hooks.example.com/db"}]
  - name: api
    webhook_configs: [{url: "http://hooks.example.com/api"}]
"""
RECORDING = """groups:
  - name: rec
    rules:
      - record: job:requests:rate5m
        expr: sum by (job) (rate(http_requests_total[5m]))
      - record: job:errors:rate5m
        expr: sum by (job) (rate(http_errors_total[5m]))
"""
ALERTS = """groups:
  - name: api
    rules:
      - alert: ManyRequests
        expr: job:requests:rate5m > 100
        labels: {severity: warning, team: api}
      - alert: ManyErrors
        expr: job:errors:rate5m > 1
        labels: {severity: critical, team: db}
      - alert: NoTeam
        expr: up == 0
        labels: {severity: warning}
"""


def project(tmp_path, alerts: str = ALERTS):
    """main: three plaintext webhook URLs (A109) and an alert without a team (R131), old findings a branch
    does not touch; then a branch `feature`."""
    root = git_repo(tmp_path / "repo", {"obslint.toml": 'disable = ["required-annotations"]\n' + TEAM_POLICY,
                                        "alertmanager/alertmanager.yml": AM, "rules/recording.yaml": RECORDING,
                                        "rules/alerts.yaml": alerts})
    git(root, "checkout", "-q", "-b", "feature")
    return root


def reported(root, *args) -> list[tuple[str, str, str]]:
    proc = obslint("check", "--format", "json", "--diff-base", "main", *args, ".", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    return sorted((f["path"], f["code"], f["subject"]) for f in json.loads(proc.stdout))


def test_only_new_findings_and_those_on_what_changed(tmp_path):
    root = project(tmp_path)
    everything = obslint("check", "--format", "json", ".", cwd=root)
    assert len(json.loads(everything.stdout)) == 4  # the old findings are there
    assert reported(root) == []  # nothing changed: nothing to say

    alerts = ALERTS + "      - alert: AlsoNoTeam\n        expr: up == 2\n        labels: {severity: info}\n"
    (root / "rules/alerts.yaml").write_text(alerts, encoding="utf-8")
    commit(root, "a new alert without a team")
    assert reported(root) == [("rules/alerts.yaml", "R131", "group:api/alert:AlsoNoTeam")]

    # editing the old alert touches it: its old finding is the change's to fix, and shows
    (root / "rules/alerts.yaml").write_text(alerts.replace("expr: up == 0", "expr: up < 1"), encoding="utf-8")
    commit(root, "touch NoTeam")
    assert reported(root) == [("rules/alerts.yaml", "R131", "group:api/alert:AlsoNoTeam"),
                              ("rules/alerts.yaml", "R131", "group:api/alert:NoTeam")]


def test_a_deleted_recording_rule_still_read_elsewhere_is_reported(tmp_path):
    root = project(tmp_path)
    (root / "rules/recording.yaml").write_text(RECORDING.replace(
        "      - record: job:errors:rate5m\n        expr: sum by (job) (rate(http_errors_total[5m]))\n", ""),
        encoding="utf-8")
    commit(root, "drop job:errors:rate5m")
    # rules/alerts.yaml did not change; the alert in it reads what the change deleted
    assert reported(root) == [("rules/alerts.yaml", "R141", "group:api/alert:ManyErrors")]
    # renamed instead of deleted: the same, and the renamed rule nobody reads
    (root / "rules/recording.yaml").write_text(RECORDING.replace("job:errors:rate5m", "job:http_errors:rate5m"),
                                               encoding="utf-8")
    commit(root, "rename it")
    assert reported(root) == [("rules/alerts.yaml", "R141", "group:api/alert:ManyErrors"),
                              ("rules/recording.yaml", "R142", "group:rec/record:job:http_errors:rate5m")]


def test_a_route_no_longer_reached_is_reported_in_the_unchanged_config(tmp_path):
    alerts = ALERTS.split("      - alert: NoTeam")[0]  # (an alert without a team might reach any route)
    root = project(tmp_path, alerts)
    (root / "rules/alerts.yaml").write_text(alerts.replace("team: db", "team: api"), encoding="utf-8")
    commit(root, "ManyErrors goes to the API team")
    found = reported(root)
    assert ("alertmanager/alertmanager.yml", "X003", 'route/{team="db"}') in found
    assert all(path == "alertmanager/alertmanager.yml" or subject == "group:api/alert:ManyErrors"
               for path, _, subject in found), found


def test_uncommitted_and_untracked_changes_count_and_a_bad_ref_is_a_usage_error(tmp_path):
    root = project(tmp_path)
    (root / "rules/more.yaml").write_text("groups:\n  - name: more\n    rules:\n      - alert: Untracked\n"
                                          "        expr: up == 3\n        labels: {severity: info}\n",
                                          encoding="utf-8")
    assert reported(root) == [("rules/more.yaml", "R131", "group:more/alert:Untracked")]
    bad = obslint("check", "--diff-base", "no-such-branch", ".", cwd=root)
    assert bad.returncode == 2 and "no-such-branch" in bad.stderr
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain/r.yaml").write_text(RECORDING, encoding="utf-8")
    outside = obslint("check", "--diff-base", "main", "r.yaml", cwd=tmp_path / "plain")
    assert outside.returncode == 2 and "--diff-base" in outside.stderr


def test_a_removal_touches_what_holds_it_not_its_neighbours():
    spans = [Span(2, 12, "group:g", 1), Span(4, 6, "group:g/alert:A", 2), Span(7, 9, "group:g/alert:B", 2),
             Span(10, 12, "group:g/alert:C", 2)]
    subjects, _ = touched(spans, FileChange("r.yaml", "M", removals=[6]))  # a rule removed between A and B
    assert subjects == {"group:g"}
    subjects, _ = touched(spans, FileChange("r.yaml", "M", removals=[7]))  # a line of B removed
    assert subjects == {"group:g/alert:B"}
    subjects, lines = touched(spans, FileChange("r.yaml", "M", ranges=[(5, 8)]))
    assert subjects == {"group:g/alert:A", "group:g/alert:B"} and lines == {5, 6, 7, 8}
