"""Real Alertmanager servers for end-to-end tests: the binary of a version, a loopback HTTP server that
records what Alertmanager sends, waiting until a server is ready."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from helpers import need


def alertmanager_binary(version: str) -> tuple[str, tuple[int, int]]:
    """Alertmanager 0.25 (Debian's prometheus-alertmanager) or 0.35 (built beside the 0.35 amtool oracle, or
    $OBSLINT_ALERTMANAGER_0_35); a missing one fails in CI and skips elsewhere."""
    if version == "0.25":
        path = shutil.which("prometheus-alertmanager")
        if path is None:
            need("Alertmanager 0.25", "apt-get install -y prometheus-alertmanager")
        return path, (0, 25)
    path = os.environ.get("OBSLINT_ALERTMANAGER_0_35") or str(
        Path.home() / ".cache/obslint/oracles/alertmanager-0.35.0/alertmanager")
    if not os.access(path, os.X_OK):
        need("Alertmanager 0.35", f"build it into {path}")
    return path, (0, 35)


class Recorder:
    """A loopback HTTP server that answers "ok" and keeps (path, JSON body) of every POST."""

    def __init__(self):
        self.received: list[tuple[str, dict]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                recorder.received.append((self.path, body))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def by_kind(self, kind: str) -> list[tuple[str, dict]]:
        return [(path.split("/")[2], body) for path, body in list(self.received) if path.startswith(f"/{kind}/")]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def wait_ready(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"alertmanager exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if urllib.request.urlopen(base + "/-/ready", timeout=1).status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("alertmanager did not become ready in 20 s")


def post_alerts(base: str, alerts: list) -> None:
    """POST obslint.alertmanager.notifications.AlertInput alerts through the v2 API."""
    body = json.dumps([{"labels": a.labels, "annotations": a.annotations, "startsAt": iso(a.starts_at),
                        "endsAt": iso(a.ends_at)} for a in alerts]).encode()
    request = urllib.request.Request(base + "/api/v2/alerts", body, {"Content-Type": "application/json"})
    assert urllib.request.urlopen(request, timeout=5).status == 200
