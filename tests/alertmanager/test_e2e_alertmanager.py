"""End to end with the real Alertmanager (Debian's prometheus-alertmanager) on 127.0.0.1.

The repository's routing tree and inhibit rules are loaded by a real server whose receivers are all
swapped for webhooks to a loopback HTTP server. Every alert of rules/ (its static labels) is posted
through the v2 API; the receivers notified, and the alerts inhibited, must be those obslint predicts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from am_servers import wait_ready
from helpers import REPO, free_port, need, stop

from obslint.alertmanager import router
from obslint.commands.route_test import load_model
from obslint.config import Config

DEADLINE_S = 30


@pytest.fixture(scope="module")
def alertmanager_binary() -> str:
    path = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    if path is None:
        need("the alertmanager server", "apt-get install -y prometheus-alertmanager")
    return path


class Webhook:
    def __init__(self):
        self.received: list[tuple[str, dict]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                for alert in body["alerts"]:
                    hook.received.append((body["receiver"], alert["labels"]))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def e2e_config(source: Path, hook_port: int) -> str:
    """The repository config with webhooks for receivers and 1 s timers (routing and inhibition unchanged)."""
    doc = yaml.safe_load(source.read_text())
    doc.pop("global", None)
    for receiver in doc["receivers"]:
        name = receiver["name"]
        for key in [k for k in receiver if k.endswith("_configs")]:
            del receiver[key]
        receiver["webhook_configs"] = [{"url": f"http://127.0.0.1:{hook_port}/{name}", "send_resolved": False}]
    stack = [doc["route"]]
    while stack:
        route = stack.pop()
        for key in ("group_wait", "group_interval"):
            if key in route:
                route[key] = "1s"
        stack.extend(route.get("routes", []))
    doc["route"]["group_wait"] = doc["route"]["group_interval"] = "1s"
    return yaml.safe_dump(doc, sort_keys=False)


def rule_alerts() -> list[dict[str, str]]:
    alerts = []
    for path in sorted((REPO / "rules").glob("*.yaml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    alerts.append({"alertname": rule["alert"], **rule.get("labels", {})})
    return alerts + [{"alertname": "Watchdog"}]


def test_real_alertmanager_notifies_what_obslint_predicts(alertmanager_binary, tmp_path):
    hook = Webhook()
    port = free_port()
    config_path = tmp_path / "am.yml"
    config_path.write_text(e2e_config(REPO / "alertmanager" / "alertmanager.yml", hook.port))
    proc = subprocess.Popen([alertmanager_binary, f"--config.file={config_path}",
                             f"--web.listen-address=127.0.0.1:{port}", f"--storage.path={tmp_path / 'data'}",
                             "--cluster.listen-address="], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, proc)
        alerts = rule_alerts()
        model = load_model(config_path, Config(alertmanager_version=(0, 25)))
        now = datetime.now(timezone.utc)
        expected = set()
        for labels in alerts:
            result = router.route_alert(model, labels, firing=alerts, at=now)
            if result.inhibitions:
                continue
            for route, state in zip(result.routes, result.times, strict=True):
                if state.active and not state.muted:
                    expected.add((route.receiver, labels["alertname"]))
        assert any(router.route_alert(model, a, firing=alerts).inhibitions for a in alerts), "no inhibition tested"
        body = json.dumps([{"labels": a, "startsAt": now.isoformat(),
                            "endsAt": (now + timedelta(hours=1)).isoformat()} for a in alerts]).encode()
        request = urllib.request.Request(base + "/api/v2/alerts", body, {"Content-Type": "application/json"})
        assert urllib.request.urlopen(request, timeout=5).status == 200
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline and not expected <= _got(hook):
            time.sleep(0.2)
        time.sleep(2.5)  # anything unexpected (an inhibited alert, a wrong receiver) has had time to arrive
        assert _got(hook) == expected, (sorted(_got(hook) - expected), sorted(expected - _got(hook)))
        assert len(expected) >= 20
    finally:
        stop(proc)
        hook.close()


def _got(hook: Webhook) -> set[tuple[str, str]]:
    return {(receiver, labels["alertname"]) for receiver, labels in list(hook.received)}
