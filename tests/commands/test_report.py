"""`obslint report`: the alert-to-receiver matrix of this repository, rendered in headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import sys

from helpers import REPO, need

from obslint.commands import report
from obslint.config import load_config

ARTIFACTS = REPO / "test-artifacts"


def test_the_matrix_lists_every_alert_of_this_repository_with_its_receivers():
    data = report.gather(load_config(REPO))
    assert len(data.alerts) == 19 and all(a.sure for a in data.alerts)
    by_name = {a.name: a for a in data.alerts}
    assert by_name["ModelServerDown"].sure == ["ml-team", "mlops-critical"]
    assert by_name["GPUMemoryExceeded"].sure == ["devops-team"]
    assert by_name["RevenueImpactDropped"].sure == ["business-metrics"]
    assert "mlops-critical" in data.paging
    assert all(a.severity != "critical" or "mlops-critical" in a.sure for a in data.alerts)
    assert data.route_coverage["percent"] == 100.0 and data.unit_coverage["percent"] == 100.0


def test_report_renders_in_headless_chromium_without_console_errors(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        need("chromium", "apt-get install -y chromium")
    html = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "obslint", "report", "--out", str(html), "--markdown",
                           str(tmp_path / "report.md")], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text and "http://" not in text and "https://" not in text  # self-contained
    assert all(f"<code>{name}</code>" in text for name in ("ModelServerDown", "HighCPUUsage"))
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    run = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}",
                          "--window-size=1400,1800", "--enable-logging=stderr", "--v=0", html.as_uri()],
                         capture_output=True, text=True, timeout=120)
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [] and shot.stat().st_size > 10_000
    assert "| `ModelServerDown` |" in (tmp_path / "report.md").read_text(encoding="utf-8")
