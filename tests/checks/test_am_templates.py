"""The notification-template checks (A201-A208): what each finds, where, per Alertmanager version."""

from __future__ import annotations

from pathlib import Path

import pytest

from obslint.config import Config
from obslint.engine.lint import lint_paths


def am(receiver: str, templates: list[str] | None = None, extra: str = "") -> str:
    head = f"templates: {templates!r}\n" if templates is not None else ""
    return head + "route:\n  receiver: r\n" + extra + "receivers:\n  - name: r\n" + receiver


SLACK = "    slack_configs:\n      - api_url_file: /etc/am/slack\n"


def lint(tmp_path: Path, config: str, files: dict[str, str] | None = None, version=(0, 25), cache=False):
    for name, text in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = tmp_path / "am.yml"
    path.write_text(config, encoding="utf-8")
    findings = lint_paths([path], Config(root=tmp_path, alertmanager_version=version), cache=cache)
    return [f for f in findings if f.code.startswith("A2")]


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def test_defaults_of_every_version_are_clean(tmp_path):
    receiver = SLACK + ("    pagerduty_configs:\n      - routing_key_file: /k\n"
                        "    email_configs:\n      - to: a@b.c\n        from: x@y.z\n        smarthost: s:25\n"
                        "    opsgenie_configs:\n      - api_key_file: /k\n")
    for version in ((0, 25), (0, 28), (0, 32), (0, 35)):
        assert lint(tmp_path, am(receiver), version=version) == [], version


@pytest.mark.parametrize("version,found", [((0, 25), ["A204"]), ((0, 26), [])])
def test_functions_per_version(tmp_path, version, found):
    findings = lint(tmp_path, am(SLACK + "        title: '{{ .CommonLabels.alertname | trimSpace }}'\n"),
                    version=version)
    assert codes(findings) == found
    if found:
        assert "from 0.26" in findings[0].message and findings[0].column == 46


def test_prometheus_functions_and_variables_get_the_hint(tmp_path):
    findings = lint(tmp_path, am(SLACK + "        title: '{{ .CommonAnnotations.v | humanizePercentage }}'\n"
                                         "        text: '{{ $value }}'\n"))
    assert codes(findings) == ["A204", "A203"]
    assert "Prometheus rule-template function" in findings[0].message
    assert "$labels and $value" in findings[1].message and findings[1].line == 8
    findings = lint(tmp_path, am(SLACK + "        title: '{{ humanizeDuration 3 }}'\n"))
    assert "from 0.28" in findings[0].message and "Prometheus has it" in findings[0].message
    findings = lint(tmp_path, am(SLACK + "        text: '{{ range .Alerts }}{{ .Value }}{{ end }}'\n"))
    assert codes(findings) == ["A205"] and "Prometheus's" in findings[0].message


def test_field_in_a_templates_file_is_reported_at_the_field_with_the_file_position(tmp_path):
    files = {"t/slack.tmpl": '{{ define "my.title" }}\n{{ range .Alerts }}{{ .CommonLabels.x }}{{ end }}\n'
                             '{{ end }}\n'}
    findings = lint(tmp_path, am(SLACK + "        title: '{{ template \"my.title\" . }}'\n", ["t/*.tmpl"]), files)
    assert codes(findings) == ["A205"]
    f = findings[0]
    assert (f.line, f.column) == (8, 16)
    assert "slack.tmpl:2:22" in f.message and "$.CommonLabels" in f.message


def test_undefined_templates_only_when_every_template_is_known(tmp_path):
    config = am(SLACK + "        title: '{{ template \"nope\" . }}'\n", ["t/*.tmpl"])
    files = {"t/a.tmpl": '{{ define "a" }}{{ end }}'}
    assert codes(lint(tmp_path, config, files)) == ["A206"]
    # a glob naming the Alertmanager host's files: their names are not known here
    config = am(SLACK + "        title: '{{ template \"nope\" . }}'\n", ["/etc/alertmanager/templates/*.tmpl"])
    assert codes(lint(tmp_path, config)) == []


def test_globs(tmp_path):
    findings = lint(tmp_path, am(SLACK, ["t/*.tmpl", "missing/*.tmpl", "/abs/*.tmpl"]),
                    {"t/a.tmpl": '{{ define "a" }}{{ end }}'})
    assert [(f.code, f.line) for f in findings] == [("A201", 1)]
    assert "missing/*.tmpl" in findings[0].message
    findings = lint(tmp_path, am(SLACK, ["t/[.tmpl"]))
    assert codes(findings) == ["A202"] and "malformed glob" in findings[0].message


def test_a_file_that_does_not_parse_is_refused_with_its_position(tmp_path):
    findings = lint(tmp_path, am(SLACK, ["t/*.tmpl"]), {"t/a.tmpl": '{{ define "a" }}\n  {{ .X | humanize }}{{ end }}'})
    assert codes(findings) == ["A202"]
    assert "a.tmpl:2:" in findings[0].message and "Prometheus" in findings[0].message


def test_arguments(tmp_path):
    findings = lint(tmp_path, am(SLACK + "        title: '{{ join .CommonLabels.Values }}'\n"
                                         "        text: '{{ toUpper 1 }}'\n"))
    assert codes(findings) == ["A207", "A207"]


@pytest.mark.parametrize("version,found", [((0, 30), []), ((0, 31), ["A205"])])
def test_webhook_urls_are_templates_from_0_31(tmp_path, version, found):
    receiver = "    webhook_configs:\n      - url: 'http://hooks.example/{{ .Foo }}'\n"
    assert codes(lint(tmp_path, am(receiver), version=version)) == found


def test_route_labels_are_templates_from_0_34(tmp_path):
    config = am(SLACK, extra="  labels:\n    owner: '{{ .CommonLabels.team }}'\n    bad: '{{ .Labels.team }}'\n")
    findings = lint(tmp_path, config, version=(0, 34))
    assert codes(findings) == ["A205"] and findings[0].line == 5 and "labels.bad" in findings[0].message


def test_nested_pagerduty_details_and_email_headers(tmp_path):
    receiver = ("    pagerduty_configs:\n      - routing_key_file: /k\n        details:\n"
                "          nested: {deep: '{{ .Foo }}', n: 3}\n"
                "    email_configs:\n      - to: a@b.c\n        from: x@y.z\n        smarthost: s:25\n"
                "        headers: {subject: '{{ .Bar }}'}\n")
    findings = lint(tmp_path, am(receiver), version=(0, 35))
    assert [f.message.split(":")[0] for f in findings] == ["pagerduty_configs[0].details.nested.deep",
                                                           "email_configs[0].headers.Subject"]


def test_a_config_with_templates_is_not_served_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("OBSLINT_CACHE_DIR", str(tmp_path / "cache"))
    config = am(SLACK + "        title: '{{ template \"a\" . }}'\n", ["t/*.tmpl"])
    assert lint(tmp_path, config, {"t/a.tmpl": '{{ define "a" }}ok{{ end }}'}, cache=True) == []
    assert codes(lint(tmp_path, config, {"t/a.tmpl": '{{ define "a" }}{{ .Foo }}{{ end }}'}, cache=True)) == ["A205"]


# --- across the repository -------------------------------------------------------------------------

RULES = """\
groups:
  - name: g
    rules:
      - alert: ModelDown
        expr: sum by (job) (up{job="model"}) == 0
        labels: {severity: critical, team: ml}
        annotations: {summary: down}
      - alert: QueueLong
        expr: sum by (queue) (queue_length) > 10
        labels: {severity: warning, team: ml}
        annotations: {summary: long, runbook_url: https://runbooks/q}
"""


def project(tmp_path: Path, text: str, templates: list[str] | None = None, extra: str = "") -> list:
    files = {"rules/alerts.yaml": RULES,
             "alertmanager/alertmanager.yml": am(SLACK + "        text: '" + text + "'\n", templates, extra)}
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    findings = lint_paths([tmp_path], Config(root=tmp_path, alertmanager_version=(0, 25)))
    return [f for f in findings if f.code == "A208"]


def test_missing_data_across_the_repository(tmp_path):
    # runbook_url: one alert of the two has it; owner: none has it; queue: the query of QueueLong returns it;
    # cluster: neither query returns it (a selector without aggregation could return any label)
    found = project(tmp_path, "{{ .CommonAnnotations.runbook_url }}{{ .CommonAnnotations.owner }}"
                              "{{ range .Alerts }}{{ .Labels.queue }}{{ .Labels.cluster }}{{ end }}")
    assert [f.message.split("reads the ")[1].split(",")[0] for f in found] == ["annotation 'owner'",
                                                                               "label 'cluster'"]
    assert all(f.path.endswith("alertmanager/alertmanager.yml") and f.line == 7 for f in found)
    # at the read in the field: .CommonAnnotations.owner and .Labels.cluster
    assert [f.column for f in found] == [55, 123]


def test_missing_data_read_in_a_templates_file_names_its_place(tmp_path):
    (tmp_path / "alertmanager/t").mkdir(parents=True)
    (tmp_path / "alertmanager/t/x.tmpl").write_text('{{ define "x" }}\n{{ range .Alerts }}{{ .Annotations.owner }}'
                                                    '{{ end }}{{ end }}\n')
    found = project(tmp_path, '{{ template "x" . }}', ["t/*.tmpl"])
    assert len(found) == 1 and found[0].column == 15
    assert "'owner' (in x.tmpl:2:22, template 'x')" in found[0].message


def test_group_labels_the_routes_do_not_group_by(tmp_path):
    # the root route groups by nothing: .GroupLabels is empty whatever the alerts carry
    found = project(tmp_path, "{{ .GroupLabels.team }}")
    assert len(found) == 1 and "group label 'team'" in found[0].message and "group by nothing" in found[0].message
    found = project(tmp_path, "{{ .GroupLabels.team }}", extra="  group_by: [team]\n")
    assert found == []
    found = project(tmp_path, "{{ .GroupLabels.team }}", extra="  group_by: ['...']\n")
    assert found == []


def test_the_templated_fields_are_fields_the_config_has():
    """Every templated field (and default) of every version is a field Alertmanager's config decoder knows
    for that integration and version (obslint.alertmanager.schema)."""
    from obslint.alertmanager import notifications as N
    from obslint.alertmanager import schema

    unknown = []
    for minor in range(25, 36):
        for integration, specs in N.INTEGRATIONS.items():
            known = schema.known_fields(schema.integration_struct(integration), (0, minor))
            paths = [p for s in specs if s.since <= minor < s.until for p in s.path.split("|")]
            paths += [p for p in N.DEFAULTS.get(integration, {}) if N.default_for(integration, p, minor)]
            unknown += [(minor, integration, p) for p in paths if p.split(".")[0].replace("[]", "") not in known]
    assert not unknown


def test_the_same_text_in_two_receivers_is_reported_at_each(tmp_path):
    receiver = SLACK + "        title: '{{ .Labels.x }}'\n  - name: s\n" + SLACK + "        title: '{{ .Labels.x }}'\n"
    findings = lint(tmp_path, am(receiver))
    assert [(f.code, f.line, f.column) for f in findings] == [("A205", 7, 20), ("A205", 11, 20)]
