"""Excerpts of public repositories (tests/data/realworld, licences in its SOURCES.md), each checked as a
newcomer checks a repository: `obslint check .` at its root, no configuration. Each test names the class of
/work/shared/specs/real-world.md it guards: 2 (kind by structure, not by one key), 3 (relevant files in any
layout are read), 5 (positions inside embedded files), 7 (quiet defaults)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from helpers import DATA

from obslint.config import Config, Policy
from obslint.core.findings import Severity
from obslint.engine.lint import analyse

REAL = DATA / "realworld"


def check(root: Path, *paths: str, **config):
    """(findings, {path relative to root: kinds}) of checking `paths` (default: the root) from the root."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        analysis = analyse([Path(p) for p in paths] or [Path(".")], Config(root=root, **config))
    finally:
        os.chdir(cwd)
    kinds = {Path(p).as_posix(): k for p, k, _ in analysis.files}
    return analysis, kinds


def codes(analysis, severity=None) -> list[str]:
    return sorted(f.code for f in analysis.findings if severity is None or f.severity == severity)


def copy(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(REAL / name, root)
    return root


# --- class 2: what is not obslint's gets no finding; what is, is read as what it is ----------------------

@pytest.mark.parametrize("name, path", [
    ("otel-collector-config", "src/otel-collector/otelcol-config.yml"),  # `receivers:` a mapping
    ("helm-unittest-suite", "charts/alertmanager/unittests/persistence_test.yaml"),  # `tests:` of it/asserts
    ("grafana-managed-alerting", "src/grafana/provisioning/alerting/cart-service-alerting.yml"),  # Grafana's groups
    ("prometheus-adapter-rules", "manifests/prometheusAdapter-configMap.yaml"),  # `rules:` of seriesQuery
    ("helm-values-lookalikes", "charts/prometheus-pushgateway/ci/httproute-values.yaml"),  # `route:`: HTTPRoute
    ("helm-values-lookalikes", "charts/jiralert/ci/test-values.yaml"),  # jiralert's `receivers:`
])
def test_other_tools_files_get_no_finding(tmp_path, name, path):
    analysis, kinds = check(copy(name, tmp_path))
    assert codes(analysis) == []
    assert kinds[path] == ["none"]


def test_prometheus_configs_are_recognised_and_not_misread(tmp_path):
    root = copy("prometheus-yml-rule-files", tmp_path)
    analysis, kinds = check(root)
    assert codes(analysis) == []
    assert kinds["configs/prometheus/prometheus.yaml"] == ["prometheus-config"]
    # named on the command line too: neither a unit-test file nor an unknown kind
    analysis, _ = check(root, "configs/prometheus/prometheus.yaml")
    assert codes(analysis) == []


@pytest.mark.parametrize("name, path", [
    ("alertmanager-chart-values", "charts/alertmanager/values.yaml"),  # `config:` beside a Gateway `route:`
    ("kps-values-alertmanager", "charts/kube-prometheus-stack/values.yaml"),  # `alertmanager.config`, `global:`
])
def test_alertmanager_configs_in_helm_values_are_read_as_such(tmp_path, name, path):
    analysis, kinds = check(copy(name, tmp_path))
    assert codes(analysis, Severity.ERROR) == []
    assert kinds[path] == ["alertmanager-helm"]


def test_a_helm_template_is_said_once_as_info_never_a_yaml_error(tmp_path):
    root = copy("helm-template-prometheusrule", tmp_path)
    template = "charts/kube-prometheus-stack/templates/prometheus/rules-1.14/alertmanager.rules.yaml"
    analysis, kinds = check(root)
    assert [(f.code, f.severity, f.line) for f in analysis.findings] == [("Y008", Severity.INFO, 1)]
    assert kinds[template] == ["helm-template"]
    # in a chart (beside Chart.yaml), every file under templates/ is a template, whatever it holds
    (root / "charts/kube-prometheus-stack/Chart.yaml").write_text("name: kube-prometheus-stack\n")
    (root / "charts/kube-prometheus-stack/templates/notes.yaml").write_text("a: {{ .Values.x }}\n")
    analysis, kinds = check(root)
    assert codes(analysis) == ["Y008"]  # said of the rules template, not of the unrelated one
    assert kinds["charts/kube-prometheus-stack/templates/notes.yaml"] == ["helm-template"]


def test_broken_yaml_with_alertmanager_templating_in_strings_stays_a_yaml_error(tmp_path):
    (tmp_path / "am.yml").write_text("route:\n  receiver: a\nreceivers:\n- name: a\n  slack_configs:\n"
                                     "  - channel: x\n     title: '{{ template \"slack.title\" . }}'\n")
    analysis, _ = check(tmp_path)
    assert codes(analysis) == ["Y001"]


# --- class 3: relevant files in any layout are read -----------------------------------------------------

def test_a_thanos_rule_file_is_said_once_as_info_and_linted(tmp_path):
    root = copy("thanos-dialect-rules", tmp_path)
    path = "cmd/thanos/testdata/rules-files/valid.yaml"
    analysis, kinds = check(root)
    assert kinds[path] == ["rules"]
    assert [(f.code, f.severity, f.line) for f in analysis.findings if f.code == "R001"] == [
        ("R001", Severity.INFO, 3)]  # one for the file, not one per group
    assert codes(analysis, Severity.ERROR) == []
    # a value Thanos refuses, or the field on a rule, stays an error
    text = (root / path).read_text()
    (root / path).write_text(text.replace('"warn"', '"sometimes"', 1).replace(
        "      - alert: TestAlert\n", "      - alert: TestAlert\n        partial_response_strategy: warn\n"))
    analysis, _ = check(root)
    assert [(f.code, f.line) for f in analysis.findings if f.severity == Severity.ERROR] == [("R001", 3), ("R001", 7)]


def test_a_repository_with_an_alertmanager_folder_is_read_whole(tmp_path):
    # dockprom: alertmanager/ at the root made obslint read that folder alone
    analysis, kinds = check(copy("dockprom-layout", tmp_path))
    assert kinds["prometheus/alert.rules"] == ["rules"]
    assert kinds["prometheus/prometheus.yml"] == ["prometheus-config"]
    assert kinds["alertmanager/config.yml"] == ["alertmanager"]
    assert kinds["grafana/provisioning/dashboards/nginx_container.json"] == ["dashboard-json"]
    r101 = [(f.path, f.line) for f in analysis.findings if f.code == "R101"]
    assert r101 == [("prometheus/alert.rules", 31), ("prometheus/alert.rules", 31)]
    assert len(analysis.project.dashboards) == 1


def test_prometheus_1_rules_are_said_once_per_file_and_skipped(tmp_path):
    analysis, kinds = check(copy("rules-prom1-dotrules", tmp_path))
    assert [(f.code, f.severity) for f in analysis.findings] == [("Y009", Severity.INFO)]
    assert kinds["examples/prometheus/elasticsearch.rules"] == ["rules-v1"]
    # in a ConfigMap: once per data key, at the key
    analysis, kinds = check(copy("configmap-rules-prom1", tmp_path))
    assert [(f.code, f.line) for f in analysis.findings] == [("Y009", 3), ("Y009", 14), ("Y009", 23), ("Y009", 45)]


@pytest.mark.parametrize("name, path, kind", [
    ("dashboard-configmap", "manifests/grafana-dashboardDefinitions.yaml", "dashboard-configmap"),
    ("api-import-dashboard", "configs/grafana/grafana-net-2-dashboard.import.json", "dashboard-json-wrapped"),
    ("extensionless-dashboard", "assets/openldap/dashboards/overview", "dashboard-json"),
    ("dockprom-layout", "grafana/provisioning/dashboards/nginx_container.json", "dashboard-json"),
])
def test_dashboards_are_found_in_any_folder_and_wrapping(tmp_path, name, path, kind):
    analysis, kinds = check(copy(name, tmp_path))
    assert kind in kinds[path]
    assert [d.shown for d in analysis.project.dashboards] == [path]


def test_rules_in_helm_values_are_read_and_tpl_rendered_ones_said_once(tmp_path):
    root = copy("helm-values-templated-rules", tmp_path)
    values = "charts/prometheus-systemd-exporter/values.yaml"
    analysis, kinds = check(root)
    assert kinds[values] == ["rules-helm"]
    assert codes(analysis) == ["Y008"]  # `{{ template "..." . }}` in the expressions: Helm renders them
    # the same rules without Helm's templating are linted, at their lines in the values file
    text = (root / values).read_text()
    text = re.sub(r'\{\{ template "[^"]+" \. \}\}', "systemd", text)
    text = re.sub(r'\{\{ "(\{\{ [^"]+ \}\})" \}\}', r"\1", text)
    (root / values).write_text(text + "  extra:\n    - alert: Broken\n      expr: up ==\n")
    analysis, kinds = check(root)
    assert kinds[values] == ["rules-helm", "rules-helm"]  # the chart's rules, and the extra ones
    assert "Y008" not in codes(analysis)
    broken = [f for f in analysis.findings if f.code == "P001"]
    assert [f.line for f in broken] == [text.count("\n") + 3]


def test_rules_in_a_configmap_a_helmrelease_and_kube_prometheus_stack_values(tmp_path):
    rule = "- name: g\n  rules:\n  - alert: A\n    expr: up ==\n"
    files = {
        "k8s/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\ndata:\n  alert-rules.yml: |\n    groups:\n"
                              + "".join("    " + line + "\n" for line in rule.splitlines()),
        "flux/helmrelease.yaml": "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  values:\n"
                                 "    additionalPrometheusRulesMap:\n      mine:\n        groups:\n"
                                 + "".join("        " + line + "\n" for line in rule.splitlines()),
        "values.yaml": "prometheusRule:\n  enabled: true\n  rules:\n  - alert: B\n    expr: up ==\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    analysis, kinds = check(tmp_path)
    assert kinds == {"k8s/configmap.yaml": ["rules-configmap"], "flux/helmrelease.yaml": ["rules-helm"],
                     "values.yaml": ["rules-helm"]}
    broken = sorted((f.path, f.line, f.column) for f in analysis.findings if f.code == "P001")
    # each in its `expr: up ==` value, at the outer file's line (the column: where the parser stops)
    assert [(path, line) for path, line, _ in broken] == [("flux/helmrelease.yaml", 11), ("k8s/configmap.yaml", 9),
                                                         ("values.yaml", 5)]
    for path, line, column in broken:
        written = (tmp_path / path).read_text().splitlines()[line - 1]
        assert written.index("up ==") < column <= len(written) + 1


def test_promtool_unit_tests_are_read_in_any_folder(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/alerts-test.yaml").write_text(
        "rule_files: [../alerts.yaml]\ntests:\n- interval: 1m\n  input_series: []\n  alert_rule_test: []\n")
    (tmp_path / "alerts.yaml").write_text("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n")
    (tmp_path / "rules").mkdir()  # obslint's layout folder, holding no YAML (a mixin's jsonnet)
    _, kinds = check(tmp_path)
    assert kinds == {"tests/alerts-test.yaml": ["rule-tests"], "alerts.yaml": ["rules"]}


# --- class 5: embedded files keep the outer file's positions -------------------------------------------

def _embed(text: str, key: str, indent: int = 4) -> tuple[str, int]:
    """A ConfigMap holding `text` under data.`key` as a literal block; (its text, lines before `text`)."""
    head = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  {key}: |\n"
    body = "".join((" " * indent + line if line.strip() else "") + "\n" for line in text.splitlines())
    return head + body, head.count("\n")


@pytest.mark.parametrize("name, path", [
    ("true-r112-r120", "assets/thanos/alerts.yaml"),
    ("true-r112-r120", "assets/kafka/alerts.yaml"),
    ("multiline-plain-expr", "examples/prometheus/elasticsearch.rules.yml"),
])
def test_a_rule_file_in_a_configmap_has_its_findings_at_the_configmaps_lines(tmp_path, name, path):
    root = copy(name, tmp_path)
    text = (root / path).read_text()
    indent = re.search(r"(?m)^( *)- name:", text).group(1)
    broken = "- name: broken\n  rules:\n  - alert: Broken\n    expr: sum(rate(x[5m])\n      / 2\n"
    text += "".join(indent + line + "\n" for line in broken.splitlines())
    (root / path).write_text(text)
    plain, _ = check(root, path)
    wrapped, shift = _embed(text, "alerts.yaml")
    (root / "configmap.yaml").write_text(wrapped)
    embedded, kinds = check(root, "configmap.yaml")
    assert kinds["configmap.yaml"] == ["rules-configmap"]
    expected = sorted((f.line + shift, f.column + 4, f.code, f.message) for f in plain.findings)
    assert "P001" in {f.code for f in plain.findings}
    assert sorted((f.line, f.column, f.code, f.message) for f in embedded.findings) == expected
    # and the same subjects (what the baseline and --diff-base match findings by)
    assert sorted(f.subject for f in embedded.findings) == sorted(f.subject for f in plain.findings)
    assert "group:broken/alert:Broken" in {f.subject for f in embedded.findings}


def test_a_dashboard_in_a_configmap_has_its_findings_at_the_configmaps_lines(tmp_path):
    root = copy("dockprom-layout", tmp_path)
    path = "grafana/provisioning/dashboards/nginx_container.json"
    text = (root / path).read_text()
    plain, _ = check(root, path)
    (root / path).unlink()
    wrapped, shift = _embed(text, "nginx.json")
    (root / "configmap.yaml").write_text(wrapped)
    embedded, kinds = check(root, "configmap.yaml")
    assert kinds["configmap.yaml"] == ["dashboard-configmap"]
    assert plain.findings
    assert sorted((f.line + shift, f.code, f.message) for f in plain.findings) == \
        sorted((f.line, f.code, f.message) for f in embedded.findings)


def test_the_dashboards_of_a_configmaplist_are_at_their_lines(tmp_path):
    root = copy("dashboard-configmap", tmp_path)
    path = root / "manifests/grafana-dashboardDefinitions.yaml"
    analysis, _ = check(root)
    (dashboard,) = analysis.project.dashboards
    lines = path.read_text().splitlines()
    first_panel = next(i for i, line in enumerate(lines, 1) if '"panels": [' in line) + 1
    assert dashboard.compiled.line_of("/panels/0") == first_panel
    assert lines[first_panel - 1].strip() == "{"


def test_a_secrets_alertmanager_config_has_its_findings_at_the_secrets_lines(tmp_path):
    root = copy("alertmanager-secret", tmp_path)
    path = root / "manifests/alertmanager-secret.yaml"
    text = path.read_text().replace('"receiver": "Default"', '"receiver": "Nobody"', 1)
    path.write_text(text)
    analysis, kinds = check(root)
    assert kinds["manifests/alertmanager-secret.yaml"] == ["alertmanager-secret"]
    (missing,) = [f for f in analysis.findings if f.code == "A004"]
    line = text.splitlines()[missing.line - 1]
    assert line[missing.column - 1:].startswith('"Nobody"') or '"Nobody"' in line


def test_a_multi_line_plain_expression_is_reported_on_its_continuation_line(tmp_path):
    root = copy("multiline-plain-expr", tmp_path)
    path = root / "examples/prometheus/elasticsearch.rules.yml"
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("/ "))
    # a function PromQL does not have, on the continuation line
    lines[at] = lines[at].replace("/ elasticsearch_filesystem_data_size_bytes",
                                  "/ foo(elasticsearch_filesystem_data_size_bytes)")
    path.write_text("\n".join(lines) + "\n")
    analysis, _ = check(root)
    (unknown,) = [f for f in analysis.findings if f.code == "P001"]
    assert unknown.line == at + 1
    assert lines[at][unknown.column - 1:].startswith("foo(")


# --- class 7: quiet defaults -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["prometheusrule-crd-r101", "true-r112-r120"])
def test_the_default_policy_requires_nothing_a_repository_may_lack(tmp_path, name):
    analysis, _ = check(copy(name, tmp_path))
    assert not {"R131", "R132", "R133"} & set(codes(analysis))
    assert set(codes(analysis, Severity.ERROR)) & {"R101", "R112", "R120"}  # the true ones stay
    configured, _ = check(tmp_path / name, policy=Policy(required_labels={"team": ()}))
    assert "R131" in codes(configured)


def test_guessing_heuristics_say_what_they_assumed(tmp_path):
    (tmp_path / "alerts.yaml").write_text(
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: rate(requests_total[1m]) > 0 and ceph_pg_total > 0\n")
    analysis, _ = check(tmp_path)
    (short,) = [f for f in analysis.findings if f.code == "R116"]
    assert short.severity == Severity.WARNING and "assumed" in short.message and "1m" in short.message
    (raw,) = [f for f in analysis.findings if f.code == "R114"]
    assert raw.severity == Severity.WARNING and "by its name" in raw.message
    configured, _ = check(tmp_path, policy=Policy(scrape_interval_ms=15_000, scrape_interval_set=True))
    assert "R116" not in codes(configured)
    # a Prometheus config in the repository says what the interval is: the longest global one of them
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p}\ndata:\n  prometheus.yml: |\n"
        "    global: {scrape_interval: 15s}\n    scrape_configs: [{job_name: a, scrape_interval: 5s}]\n")
    analysis, _ = check(tmp_path)
    assert "R116" not in codes(analysis)
    (tmp_path / "prometheus.yml").write_text("scrape_configs:\n- job_name: x\n")  # 1m: Prometheus' default
    analysis, _ = check(tmp_path)
    (short,) = [f for f in analysis.findings if f.code == "R116"]
    assert "the scrape interval of prometheus.yml" in short.message and "assumed" not in short.message


def test_a_catalog_says_which_metrics_are_counters(tmp_path):
    (tmp_path / "alerts.yaml").write_text(
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: rate(http_requests[5m]) > 0\n")
    assert "R113" in codes(check(tmp_path)[0])  # a guess by the name
    (tmp_path / "metrics.yaml").write_text("metrics:\n- {name: http_requests, type: counter}\n")
    assert "R113" not in codes(check(tmp_path)[0])


def test_unit_tests_of_generated_rule_files_are_said_as_info(tmp_path):
    # kubernetes-mixin: the rule files the tests read are rendered by `make` (and ignored by .gitignore)
    root = copy("rule-tests-generated-rules", tmp_path)
    analysis, kinds = check(root)
    assert kinds["tests/kubelet-test.yaml"] == ["rule-tests"]
    assert {(f.code, f.severity) for f in analysis.findings} == {("T001", Severity.ERROR)}
    (root / ".gitignore").write_text("prometheus_alerts.yaml\nprometheus_rules.yaml\n")
    analysis, _ = check(root)
    assert {(f.code, f.severity) for f in analysis.findings} == {("T001", Severity.INFO)}


def test_unreadable_files_are_reported_when_they_are_obslints_only(tmp_path):
    (tmp_path / "alerts.yaml").write_bytes(b"groups:\n- name: caf\xe9\n  rules:\n  - alert: A\n    expr: up == 0\n")
    (tmp_path / "notes.yaml").write_bytes(b"title: caf\xe9\n")
    (tmp_path / "compose.yaml").write_text("services:\n  a: {image: x}\n  a: {image: y}\n")
    (tmp_path / "broken.yaml").write_text("groups:\n- name: g\n  rules:\n  - alert: A\n   expr: up\n")
    analysis, kinds = check(tmp_path)
    assert sorted((f.path, f.code) for f in analysis.findings) == [("alerts.yaml", "Y002"), ("broken.yaml", "Y001")]
    assert kinds["notes.yaml"] == kinds["compose.yaml"] == ["unparsed"]


def test_a_configmap_value_holding_a_template_is_said_once_as_info(tmp_path):
    # a ConfigMap whose rule file is rendered by Helm's `tpl`: not YAML until rendered
    (tmp_path / "rules-cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rules}\ndata:\n  alerts.yml: |\n    groups:\n"
        "    - name: g\n      rules:\n      {{- toYaml .Values.rules | nindent 6 }}\n")
    analysis, _ = check(tmp_path)
    assert [(f.code, f.severity, f.line) for f in analysis.findings] == [("Y008", Severity.INFO, 5)]
