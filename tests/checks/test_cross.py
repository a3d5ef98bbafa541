"""Cross-checks between rules, routing, dashboards and the catalog, and `obslint report`."""

from __future__ import annotations

from helpers import DATA, REPO

from obslint.config import Config
from obslint.crossref import alerts as crosschecks
from obslint.engine.lint import lint_paths
from obslint.promql.labels import LabelSet

FIXTURE = DATA / "crossrepo"
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


def test_query_labels_make_routes_possible_not_sure():
    """A route on a label the query may return is reachable, but not surely: no default-receiver finding."""
    from obslint.alertmanager.matchers import EQ, new_matcher

    alert = crosschecks.Alert("A", "r.yml", "r.yml", 1, 1, {"alertname": "A", "severity": "warning"},
                              LabelSet(frozenset({"namespace"}), True))
    matcher = new_matcher(EQ, "namespace", "payments")
    assert crosschecks.matcher_state(matcher, alert) == crosschecks.MAYBE
    closed = crosschecks.Alert("A", "r.yml", "r.yml", 1, 1, {"alertname": "A"}, LabelSet(frozenset({"job"})))
    assert crosschecks.matcher_state(matcher, closed) == crosschecks.NO


def test_alert_labels_are_followed_through_recording_rules():
    """An alert on a recorded series has exactly the labels its recording rule's query keeps."""
    from obslint.engine import lint

    targets = [lint.Target(p, "rules", True) for p in sorted((FIXTURE / "rules").glob("*.yaml"))]
    _, facts = lint._lint_files(targets, Config(root=FIXTURE), 1)
    alerts = {a.name: a for a in crosschecks.alerts_of(facts, Config(root=FIXTURE))}
    ratio = alerts["PaymentsErrorRatioHigh"]  # reads job:payments_requests_errors:ratio_rate5m, by (job)
    assert ratio.may_have("job") and not ratio.may_have("cluster") and not ratio.may_have("instance")
    assert alerts["PaymentsDown"].may_have("instance")  # `up` is scraped: any label


def test_dashboards_reading_colon_named_series_at_levels_never_recorded_read_an_exporters_own(tmp_path):
    """Spinnaker's monitoring daemon exports `clouddriver:google:api__count_total` (monitoring-mixins' spinnaker
    dashboards read it; the mixin records nothing): no X006 for a level the project never records, nor for
    series listed in policy.external-series; a mistyped name at a recorded level is still reported. Rules
    keep R141 for every name no rule records (a recording rule deleted, the only one at its level, is
    still caught: the pre-commit and --diff-base tests)."""
    import json

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yaml").write_text(
        "groups:\n- name: g\n  rules:\n  - record: job:http_requests:rate5m\n"
        "    expr: sum by (job) (rate(x_total[5m]))\n"
        "  - alert: A\n    expr: sum(clouddriver:google:api__count_total) > 1 or job:http_request:rate5m > 1\n")
    targets = [{"refId": "A", "expr": expr} for expr in
               ("sum(rate(clouddriver:google:api__count_total[5m]))", "sum(job:http_requests_wrong:rate5m)",
                "sum(team:recorded_elsewhere:sum)")]
    dashboard = {"uid": "u", "title": "T", "schemaVersion": 39, "panels": [
        {"id": 1, "type": "timeseries", "title": "P", "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
         "datasource": {"type": "prometheus", "uid": "${datasource}"}, "targets": targets}],
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]}}
    (tmp_path / "dashboards").mkdir()
    (tmp_path / "dashboards" / "d.json").write_text(json.dumps(dashboard, indent=1))
    config = Config(root=tmp_path, policy=Config().policy.__class__(external_series=("team:*",)))
    found = [(f.code, f.message.split("`")[3])
             for f in lint_paths([tmp_path], config) if f.code in ("X006", "R141")]
    assert sorted(found) == [("R141", "clouddriver:google:api__count_total"), ("R141", "job:http_request:rate5m"),
                             ("X006", "job:http_requests_wrong:rate5m")]
