"""`obslint route-test`: amtool's receivers line, batches, routing test files, JUnit and coverage."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from helpers import REPO, run_module

from obslint.commands.route_test import RouteTestError, cli_route, cli_run_tests, load_model
from obslint.config import Config

AM = REPO / "alertmanager" / "alertmanager.yml"
CONFIG = Config(root=REPO, alertmanager_version=(0, 25))



def test_route_test_prints_amtools_line_and_verifies(tmp_path):
    proc = run_module("route-test", "--config", str(AM), "--alertmanager-version", "0.25", "severity=critical",
                   "team=ml-team")
    assert proc.returncode == 0 and proc.stdout == "mlops-critical,ml-team\n"
    proc = run_module("route-test", "--config", str(AM), "team=devops", "--verify-receivers", "ml-team")
    assert proc.returncode == 1 and "did not match" in proc.stdout


def test_route_test_json_with_firing_and_instant():
    proc = run_module("route-test", "--config", str(AM), "--format", "json", "--at", "2026-11-21T11:00:00Z",
                   "--firing", "alertname=ModelServerDown,service=model-server", "alertname=HighPredictionLatency",
                   "service=model-server", "team=business")
    data = json.loads(proc.stdout)
    assert data["receivers"] == ["business-metrics"]
    assert data["routes"][0]["active"] is False and data["routes"][0]["group_by"] == ["alertname"]
    assert data["inhibited"] is True and data["inhibited_by"][0]["source"]["alertname"] == "ModelServerDown"


def test_route_test_batch_keeps_input_order(tmp_path):
    alerts = tmp_path / "alerts.jsonl"
    alerts.write_text('{"team": "devops"}\n{"severity": "critical"}\n{"labels": {"team": "security"}}\n')
    out = []
    assert cli_route(AM, [], CONFIG, alerts_file=alerts, fmt="json", write=out.append) == 0
    assert [r["receivers"] for r in json.loads(out[0])] == [["devops-team"], ["mlops-critical"], ["security"]]


def test_invalid_config_exits_2_with_positions(tmp_path):
    bad = tmp_path / "am.yml"
    bad.write_text("route:\n  receiver: nobody\nreceivers:\n  - name: r\n")
    proc = run_module("route-test", "--config", str(bad), "a=b")
    assert proc.returncode == 2
    assert "am.yml:2:13: A004" in proc.stderr
    with pytest.raises(RouteTestError):
        load_model(bad, CONFIG)


def test_a_failing_case_shows_expected_got_and_path_and_junit(tmp_path):
    tests = tmp_path / "routing.yaml"
    tests.write_text(f"config: {AM}\ntests:\n  - name: wrong\n    labels: {{team: devops}}\n"
                     "    receivers: [ml-team]\n  - name: right\n    labels: {team: devops}\n"
                     "    receiver: devops-team\n")
    junit = tmp_path / "junit.xml"
    out = []
    assert cli_run_tests([tests], CONFIG, None, junit=junit, write=out.append) == 1
    text = out[0]
    assert "FAIL" in text and "expected ['ml-team'], got ['devops-team']" in text
    assert 'path:   default-route [route, line 16] -> {team="devops"}' in text
    root = ElementTree.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    assert cli_run_tests([tests], CONFIG, None, fail_under=101, write=out.append) == 1


def test_the_repository_routing_tests_pass_with_full_coverage():
    proc = run_module("route-test", "--format", "json", "--fail-under", "100")
    data = json.loads(proc.stdout)
    assert proc.returncode == 0, proc.stdout
    assert data["failed"] == 0 and data["coverage"]["percent"] == 100.0


def test_bad_test_file_is_a_clean_error(tmp_path):
    tests = tmp_path / "routing.yaml"
    tests.write_text(f"config: {AM}\ntests:\n  - name: x\n    labels: {{a: b}}\n    recievers: [x]\n")
    proc = run_module("route-test", str(tests))
    assert proc.returncode == 2 and "routing.yaml:5:5: unknown key 'recievers'" in proc.stdout


# --- previews: --render and `rendered:` ------------------------------------------------------------------

def test_render_one_alert_shows_each_integration():
    proc = run_module("route-test", "--config", str(AM), "--alertmanager-version", "0.25", "--render",
                      "--external-url", "https://am.example", "--annotation", "summary=Down",
                      "alertname=ModelServerDown", "severity=critical", "service=model-server")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith('== mlops-critical {alertname="ModelServerDown", service="model-server"} (1 alert, firing;')
    assert "-- slack_configs[0]\nchannel: #mlops-critical\ntitle: [FIRING:1] ModelServerDown on model-server\n" in out
    assert "description: [FIRING:1] ModelServerDown on model-server: Down\n" in out
    assert "headers.Subject: [FIRING:1] ModelServerDown on model-server\n" in out
    assert "  <p><a href=\"https://am.example\">Alertmanager</a></p>" in out


def test_render_a_batch_groups_as_alertmanager_does(tmp_path):
    """Alerts of one route and the same group_by values make one notification (sorted by instance); a
    resolved alert joins its group; the data are Alertmanager's (Receiver quoted as a regexp)."""
    alerts = tmp_path / "alerts.json"
    alerts.write_text(json.dumps([
        {"labels": {"alertname": "HighCPUUsage", "team": "devops", "service": "infra", "instance": "b"},
         "annotations": {"summary": "b hot"}, "startsAt": "2026-11-23T09:00:00Z"},
        {"labels": {"alertname": "HighCPUUsage", "team": "devops", "service": "infra", "instance": "a"},
         "annotations": {"summary": "a hot"}, "startsAt": "2026-11-23T09:00:00Z"},
        {"labels": {"alertname": "HighCPUUsage", "team": "devops", "service": "infra", "instance": "c"},
         "annotations": {"summary": "c was hot"}, "startsAt": "2026-11-23T08:00:00Z",
         "endsAt": "2026-11-23T09:30:00Z"},
        {"labels": {"alertname": "DiskFull", "team": "devops"}, "annotations": {"summary": "full"}},
    ]))
    out = []
    assert cli_route(AM, [], CONFIG, alerts_file=alerts, fmt="json", write=out.append, render=True,
                     at="2026-11-23T10:00:00Z") == 0
    notes = json.loads(out[0])
    assert [(n["receiver"], n["group_labels"], n["alerts"], n["integration"]) for n in notes] == [
        ("devops-team", {"alertname": "HighCPUUsage", "service": "infra"}, 3, "slack_configs[0]"),
        ("devops-team", {"alertname": "DiskFull"}, 1, "slack_configs[0]")]
    assert notes[0]["fields"]["title"] == "[FIRING:2] HighCPUUsage on infra"
    assert notes[0]["fields"]["text"].splitlines() == [
        ":red_circle: *HighCPUUsage* a hot", ":red_circle: *HighCPUUsage* b hot",
        ":white_check_mark: *HighCPUUsage* c was hot"]


def test_render_reports_a_field_that_fails(tmp_path):
    config = tmp_path / "am.yml"
    config.write_text("route:\n  receiver: r\nreceivers:\n  - name: r\n    webhook_configs: [{url: 'http://x/'}]\n"
                      "    slack_configs:\n      - api_url: http://x/\n        title: '{{ index .Alerts 5 }}'\n")
    out = []
    assert cli_route(config, ["a=b"], CONFIG, render=True, write=out.append) == 1
    assert "title: ERROR" in out[0] and "index out of range: 5" in out[0]


def test_rendered_expectations_pass_and_fail_with_a_diff(tmp_path):
    tests = tmp_path / "routing.yaml"
    case = ("config: {am}\nexternal_url: https://am.example\ntests:\n  - name: page\n"
            "    labels: {{alertname: ModelServerDown, severity: critical, service: model-server}}\n"
            "    annotations: {{summary: Down}}\n    rendered:\n      mlops-critical:\n"
            "        pagerduty_configs[0].description: '{description}'\n"
            "        slack_configs[0].text: |\n          :red_circle: *ModelServerDown* `critical` Down\n")
    tests.write_text(case.format(am=AM, description="[FIRING:1] ModelServerDown on model-server: Down"))
    out = []
    assert cli_run_tests([tests], CONFIG, None, write=out.append) == 0, out
    tests.write_text(case.format(am=AM, description="something else"))
    out = []
    assert cli_run_tests([tests], CONFIG, None, write=out.append) == 1
    assert "rendered: mlops-critical pagerduty_configs[0].description: expected 'something else', got " \
           "'[FIRING:1] ModelServerDown on model-server: Down'" in out[0]
    tests.write_text(case.format(am=AM, description="x").replace("mlops-critical:", "security:"))
    out = []
    assert cli_run_tests([tests], CONFIG, None, write=out.append) == 1
    assert "receiver security sends no notification for this alert" in out[0]


def test_the_repositorys_routing_tests_render_what_they_expect():
    out = []
    assert cli_run_tests([REPO / "alertmanager" / "tests" / "routing.yaml"], CONFIG, None, write=out.append) == 0
    assert "rendered" not in out[0]


def test_render_with_test_files_shows_each_cases_notifications(tmp_path):
    proc = run_module("route-test", "--alertmanager-version", "0.25", "--render", "--format", "json",
                      str(REPO / "alertmanager" / "tests" / "routing.yaml"), cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    cases = json.loads(proc.stdout)["files"][0]["cases"]
    first = cases[0]["notifications"]
    assert [(n["receiver"], n["integration"]) for n in first] == [
        ("mlops-critical", "slack_configs[0]"), ("mlops-critical", "pagerduty_configs[0]"),
        ("mlops-critical", "email_configs[0]"), ("ml-team", "slack_configs[0]")]
    assert first[0]["fields"]["title"] == "[FIRING:1] ModelServerDown on model-server"
    inhibited = next(c for c in cases if c["name"] == "a critical alert inhibits the warning of the same alert and "
                                                     "service")
    assert inhibited["notifications"] == []
    # a field that fails to render: the text shows it and the run exits 1
    (tmp_path / "am.yml").write_text("route:\n  receiver: r\nreceivers:\n  - name: r\n    slack_configs:\n"
                                     "      - api_url: http://x/\n        title: '{{ index .Alerts 5 }}'\n")
    (tmp_path / "t.yaml").write_text("config: am.yml\ntests:\n  - name: c\n    labels: {a: b}\n    receiver: r\n")
    out = []
    assert cli_run_tests([tmp_path / "t.yaml"], CONFIG, None, write=out.append) == 0
    assert "-- slack_configs[0]" not in out[0]
    out = []
    assert cli_run_tests([tmp_path / "t.yaml"], CONFIG, None, write=out.append, render=True) == 1
    assert out[0].startswith("PASS ") and "    -- slack_configs[0]\n    title: ERROR" in out[0]


@pytest.mark.parametrize("version,blank", [((0, 31), False), ((0, 32), True), ((0, 35), True)])
def test_slack_from_0_32_sends_a_failing_field_and_those_after_it_empty(tmp_path, version, blank):
    config = tmp_path / "am.yml"
    config.write_text("route:\n  receiver: r\nreceivers:\n  - name: r\n    slack_configs:\n"
                      "      - api_url: http://x/\n        channel: '#c'\n        pretext: before\n"
                      "        text: '{{ index .Alerts 5 }}'\n        footer: after\n"
                      "        username: u\n")
    out = []
    assert cli_route(config, ["a=b"], Config(root=tmp_path, alertmanager_version=version), render=True,
                     fmt="json", write=out.append) == 1
    # a field obslint's checks report (A205) does not stop the preview: it shows what Alertmanager sends
    text = config.read_text()
    config.write_text(text.replace("{{ index .Alerts 5 }}", "{{ .Labels.x }}"))
    shown = []
    assert cli_route(config, ["a=b"], Config(root=tmp_path, alertmanager_version=version), render=True,
                     write=shown.append) == 1
    assert "text: ERROR" in shown[0] and ("sends the message anyway" in shown[0]) is blank
    config.write_text(text)
    note = json.loads(out[0])[0]
    assert "text" in note["errors"] and note.get("sent_blank", False) is blank
    fields = note["fields"]
    assert fields["pretext"] == "before"
    if blank:  # title, title_link, pretext, text, ..., footer, ... then the message's fields
        assert fields["footer"] == "" and fields["username"] == "" and fields["title"] != ""
        # 0.32-0.34 render the channel before the username, 0.35 last: both after the attachment
        assert fields["channel"] == ""
    else:
        assert fields["footer"] == "after" and fields["username"] == "u" and fields["channel"] == "#c"
