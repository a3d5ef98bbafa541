"""End to end: what a real Alertmanager sends equals obslint's preview (`route-test --render`).

The repository's config and templates (alertmanager/alertmanager.yml, alertmanager/templates/) are loaded by
a real server, 0.25 (Debian's prometheus-alertmanager) and 0.35 (the binary built beside the 0.35 amtool
oracle, ~/.cache/obslint/oracles/alertmanager-0.35.0/alertmanager, or $OBSLINT_ALERTMANAGER_0_35), on
127.0.0.1. Every Slack and PagerDuty integration is pointed at a loopback HTTP server that records what
arrives, and every receiver also gets a webhook (email is left out: no SMTP server here). Every alert of
rules/ (its static labels, annotations as literal text), a second instance of two of them (groups of
several alerts) and a resolved alert that joins a firing group are posted through the v2 API.

For each receiver, the Slack messages that arrive (attachment title and text), the PagerDuty events
(summary, custom details) and the webhook payloads (the notification's data: status, alerts in order with
their fingerprints, group, common labels and annotations) must equal, as multisets, what obslint renders
for the same alerts. Each server is stopped at the end; the test is bounded (DEADLINE_S per server).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import am_servers
import pytest
import yaml
from helpers import REPO, free_port, stop

from obslint.alertmanager import notifications as N
from obslint.alertmanager.matchers import matches_all
from obslint.commands.route_test import load_model
from obslint.config import Config
from obslint.gotemplate.gojson import to_json

DEADLINE_S = 40
# every alert of a group arrives within it (a group whose first alert is older than group_wait, or any alert
# in 0.25, flushes at once)
GROUP_WAIT = "3s"
EXTERNAL_URL = "http://alertmanager.e2e.example:9093"


@pytest.fixture(scope="module", params=["0.25", "0.35"])
def alertmanager_binary(request) -> tuple[str, tuple[int, int]]:
    return am_servers.alertmanager_binary(request.param)


def e2e_config(folder: Path, port: int) -> Path:
    """The repository's config and templates in `folder`: Slack and PagerDuty sent to the recorder, a webhook
    on every receiver, no email, short timers; routing, grouping and templates unchanged."""
    shutil.copytree(REPO / "alertmanager" / "templates", folder / "templates")
    (folder / "pagerduty-key").write_text("e2e-routing-key")
    doc = yaml.safe_load((REPO / "alertmanager" / "alertmanager.yml").read_text())
    doc.pop("global", None)
    base = f"http://127.0.0.1:{port}"
    for receiver in doc["receivers"]:
        name = receiver["name"]
        receiver.pop("email_configs", None)
        for slack in receiver.get("slack_configs", []):
            slack["api_url"] = f"{base}/slack/{name}"
        for pagerduty in receiver.get("pagerduty_configs", []):
            pagerduty["url"] = f"{base}/pagerduty/{name}"
            pagerduty["routing_key_file"] = str(folder / "pagerduty-key")
        receiver["webhook_configs"] = [{"url": f"{base}/webhook/{name}"}]
    stack = [doc["route"]]
    while stack:
        route = stack.pop()
        for key, value in (("group_wait", GROUP_WAIT), ("group_interval", "1s")):
            if key in route:
                route[key] = value
        stack.extend(route.get("routes", []))
    doc["route"]["group_wait"], doc["route"]["group_interval"] = GROUP_WAIT, "1s"
    path = folder / "alertmanager.yml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def posted_alerts(now: datetime) -> list[N.AlertInput]:
    """The rules' alerts as Prometheus would send them, a second instance of two, and a resolved one."""
    alerts = []
    start = now.replace(microsecond=0)  # not older than group_wait: a new group waits for the rest of its alerts
    for path in sorted((REPO / "rules").glob("*.yaml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                if "alert" not in rule:
                    continue
                labels = {"alertname": rule["alert"], **rule.get("labels", {}), "instance": "host-a:9100"}
                annotations = {"summary": f"{rule['alert']} on host-a", "description": f"<{rule['alert']}> & more",
                               "runbook_url": f"https://runbooks.example/{rule['alert']}"}
                alerts.append(N.AlertInput(labels, annotations, start, now + timedelta(hours=1)))
                if rule["alert"] in ("HighPredictionLatency", "HighCPUUsage"):
                    alerts.append(N.AlertInput({**labels, "instance": "host-b:9100"},
                                               {**annotations, "summary": f"{rule['alert']} on host-b"},
                                               start, now + timedelta(hours=1)))
                    if rule["alert"] == "HighCPUUsage":
                        alerts.append(N.AlertInput({**labels, "instance": "host-c:9100"},
                                                   {**annotations, "summary": "was hot on host-c"},
                                                   start - timedelta(minutes=30), now - timedelta(minutes=1)))
    alerts.append(N.AlertInput({"alertname": "Watchdog"}, {"summary": "the pipeline works"}, start,
                               now + timedelta(hours=1)))
    return alerts


def expected(model, files, alerts, now) -> dict[str, Counter]:
    """What obslint predicts arrives, per kind, as multisets of (receiver, what matters of the message)."""
    out = {"slack": Counter(), "pagerduty": Counter(), "webhook": Counter()}
    for note in N.preview(model, files, alerts, at=now, external_url=EXTERNAL_URL):
        receiver = note.group.receiver
        if note.integration == "slack_configs":
            out["slack"][(receiver, note.value("title"), note.value("text"))] += 1
        elif note.integration == "pagerduty_configs":
            details = {r.field.path[len("details."):]: r.value for r in note.fields if r.field.path.startswith(
                "details.")}
            out["pagerduty"][(receiver, note.value("description"), note.value("severity"),
                              details.get("runbook"), details.get("num_firing"))] += 1
        elif note.integration == "webhook_configs":
            alerts_sent = [a for a in note.group.alerts]
            data = json.loads(to_json(N.group_data(files.model, receiver, note.group.labels, alerts_sent, now,
                                                   EXTERNAL_URL)))
            out["webhook"][_webhook_key(receiver, data)] += 1
    return out


def _webhook_key(receiver: str, data: dict) -> tuple:
    alerts = tuple((a["status"], json.dumps(a["labels"], sort_keys=True), json.dumps(a["annotations"], sort_keys=True),
                    a["startsAt"], a["endsAt"], a["fingerprint"]) for a in data["alerts"])
    return (receiver, data["receiver"], data["status"], json.dumps(data["groupLabels"], sort_keys=True),
            json.dumps(data["commonLabels"], sort_keys=True), json.dumps(data["commonAnnotations"], sort_keys=True),
            data["externalURL"], alerts)


def received(recorder: am_servers.Recorder) -> dict[str, Counter]:
    out = {"slack": Counter(), "pagerduty": Counter(), "webhook": Counter()}
    for receiver, body in recorder.by_kind("slack"):
        attachment = body["attachments"][0]
        out["slack"][(receiver, attachment.get("title"), attachment.get("text"))] += 1
    for receiver, body in recorder.by_kind("pagerduty"):
        payload = body["payload"]
        details = payload.get("custom_details", {})
        # from 0.30 a rendered detail that reads as YAML is sent decoded ("1" as 1): the preview shows the text
        out["pagerduty"][(receiver, payload["summary"], payload["severity"], details.get("runbook"),
                          str(details.get("num_firing")))] += 1
    for receiver, body in recorder.by_kind("webhook"):
        out["webhook"][_webhook_key(receiver, body)] += 1
    return out


def test_real_alertmanager_sends_what_obslint_previews(alertmanager_binary, tmp_path):
    binary, version = alertmanager_binary
    recorder = am_servers.Recorder()
    config_path = e2e_config(tmp_path, recorder.port)
    model = load_model(config_path, Config(alertmanager_version=version))
    files = N.config_files(model, str(config_path))
    assert files.files and files.defaults_found, "the templates and Alertmanager's defaults must load"
    port = free_port()
    proc = subprocess.Popen([binary, f"--config.file={config_path}", f"--web.listen-address=127.0.0.1:{port}",
                             f"--storage.path={tmp_path / 'data'}", "--cluster.listen-address=",
                             f"--web.external-url={EXTERNAL_URL}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        am_servers.wait_ready(base, proc)
        now = datetime.now(UTC).replace(microsecond=0)
        alerts = posted_alerts(now)
        want = expected(model, files, alerts, now)
        assert sum(want["slack"].values()) >= 8 and want["pagerduty"] and want["webhook"]
        assert any(len(key[-1]) > 2 for key in want["webhook"]), "a group of several alerts is tested"
        assert any(a[0] == "resolved" for key in want["webhook"] for a in key[-1]), "a resolved alert is tested"
        # Alertmanager's inhibitor learns of an alert asynchronously while a group of alerts older than its
        # group_wait flushes at once: the alerts that inhibit others are posted first (those no rule inhibits,
        # then those that inhibit and may be inhibited), so that the inhibitor knows them when the rest come
        # (Prometheus re-sends its alerts, so in production a lost race settles by the next evaluation)
        def role(a) -> int:
            source = any(matches_all(rule.source, a.labels) for rule in model.inhibit_rules)
            target = any(matches_all(rule.target, a.labels) for rule in model.inhibit_rules)
            return 0 if source and not target else 1 if source else 2

        for layer in range(3):
            am_servers.post_alerts(base, [a for a in alerts if role(a) == layer])
            time.sleep(0.5 if layer < 2 else 0)
        total = sum(sum(c.values()) for c in want.values())
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline and len(recorder.received) < total:
            time.sleep(0.2)
        time.sleep(2.5)  # anything more (a repeat, an unexpected group) has had time to arrive
        got = received(recorder)
        for kind in ("slack", "pagerduty", "webhook"):
            missing, extra = want[kind] - got[kind], got[kind] - want[kind]
            assert not missing and not extra, (kind, "obslint only:", list(missing)[:3], "Alertmanager only:",
                                               list(extra)[:3])
        print(f"\nAlertmanager {'.'.join(map(str, version))}: " + ", ".join(
            f"{sum(got[kind].values())} {kind}" for kind in ("slack", "pagerduty", "webhook"))
            + f" messages from {len(alerts)} alerts, equal to obslint's preview")
    finally:
        stop(proc)
        recorder.close()

