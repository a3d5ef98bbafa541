"""Cross-checks between rules, routing, dashboards and the catalog, and `obslint report`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, _need

from obslint import crosschecks, report
from obslint.config import Config, load_config
from obslint.lint import lint_paths
from obslint.promql.labels import LabelSet

FIXTURE = Path(__file__).parent / "data" / "crossrepo"
ARTIFACTS = REPO / "test-artifacts"


def test_the_seeded_mistakes_give_one_finding_each_at_their_line():
    findings = lint_paths([FIXTURE], Config(root=FIXTURE))
    got = [(f.path.rsplit("crossrepo/", 1)[-1], f.line, f.code) for f in findings]
    assert got == [
        ("alertmanager/alertmanager.yml", 23, "X005"),  # equal: [cluster], which no alert carries
        ("dashboards_py/payments.py", 11, "X006"),  # reads the recording rule's old name
        ("rules/alerts.yaml", 4, "X002"),  # critical, team misspelt: pages nobody
        ("rules/alerts.yaml", 16, "X008"),  # selects `code`, which the catalog says the metric lacks
    ]
    assert "did you mean `job:payments_requests:rate5m`" in findings[1].message


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


def test_query_labels_make_routes_possible_not_sure():
    """A route on a label the query may return is reachable, but not surely: no default-receiver finding."""
    from obslint.alertmanager.matchers import EQ, new_matcher

    alert = crosschecks.Alert("A", "r.yml", "r.yml", 1, 1, {"alertname": "A", "severity": "warning"},
                              LabelSet(frozenset({"namespace"}), True))
    matcher = new_matcher(EQ, "namespace", "payments")
    assert crosschecks.matcher_state(matcher, alert) == crosschecks.MAYBE
    closed = crosschecks.Alert("A", "r.yml", "r.yml", 1, 1, {"alertname": "A"}, LabelSet(frozenset({"job"})))
    assert crosschecks.matcher_state(matcher, closed) == crosschecks.NO


def test_report_renders_in_headless_chromium_without_console_errors(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        _need("chromium", "apt-get install -y chromium")
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


def test_alert_labels_are_followed_through_recording_rules():
    """An alert on a recorded series has exactly the labels its recording rule's query keeps."""
    from obslint import lint

    targets = [lint.Target(p, "rules", True) for p in sorted((FIXTURE / "rules").glob("*.yaml"))]
    _, facts = lint._lint_files(targets, Config(root=FIXTURE), 1)
    alerts = {a.name: a for a in crosschecks.alerts_of(facts, Config(root=FIXTURE))}
    ratio = alerts["PaymentsErrorRatioHigh"]  # reads job:payments_requests_errors:ratio_rate5m, by (job)
    assert ratio.may_have("job") and not ratio.may_have("cluster") and not ratio.may_have("instance")
    assert alerts["PaymentsDown"].may_have("instance")  # `up` is scraped: any label
