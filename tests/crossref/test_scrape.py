"""Scrape jobs from the places Prometheus configs live, and which `job` values relabelling leaves known."""

from __future__ import annotations

import base64
import textwrap

import yaml

from obslint import yamlload
from obslint.crossref.scrape import jobs_of

SCRAPE = """\
scrape_configs:
  - job_name: mlflow
    static_configs:
      - targets: ["mlflow:5000"]
  - job_name: model-server
    static_configs:
      - targets: ["a:8080"]
        labels: {job: model-server-canary, team: ml}
"""


def parsed(text: str):
    return yaml.safe_load(textwrap.dedent(text))


def test_a_prometheus_yml_with_static_jobs_is_complete():
    jobs = jobs_of(parsed(SCRAPE))
    assert jobs.complete
    assert jobs.values() == {"mlflow", "model-server", "model-server-canary"}  # a target group's job wins
    assert jobs.target_labels() == ({"job", "instance", "team"}, False)


def test_positions_come_with_a_positioned_document():
    (document,) = yamlload.load_documents(SCRAPE)
    jobs = jobs_of(document.root, "prometheus.yml")
    assert [job.where for job in jobs.jobs] == ["prometheus.yml:2", "prometheus.yml:5"]
    assert jobs.values() == jobs_of(parsed(SCRAPE)).values()


def test_the_places_a_config_is_held():
    configmap = {"kind": "ConfigMap", "data": {"prometheus.yml": SCRAPE}}
    secret = {"kind": "Secret", "data": {"additional.yaml": base64.b64encode(
        b"- job_name: feast-server\n  static_configs: [{targets: [f:1]}]\n").decode()}}
    string_secret = {"kind": "Secret", "stringData": {"additional.yaml": "- job_name: feast-server\n"}}
    chart = {"serverFiles": {"prometheus.yml": parsed(SCRAPE)},
             "extraScrapeConfigs": "- job_name: airflow\n  static_configs: [{targets: [a:1]}]\n"}
    stack = {"prometheus": {"prometheusSpec": {"additionalScrapeConfigs": [{"job_name": "feast-server"}]}}}
    listed = [{"job_name": "feast-server"}]
    assert jobs_of(configmap).values() == {"mlflow", "model-server", "model-server-canary"}
    assert jobs_of(secret).values() == jobs_of(string_secret).values() == {"feast-server"}
    assert jobs_of(chart).values() == {"mlflow", "model-server", "model-server-canary", "airflow"}
    assert jobs_of(listed).values() == {"feast-server"} and jobs_of(listed).complete
    assert jobs_of(stack).values() == {"feast-server"}
    assert not jobs_of(stack).complete  # the chart's ServiceMonitors scrape jobs the cluster names
    assert not jobs_of({"groups": []}).known and not jobs_of(["a", "b"]).known


def test_operator_resources_are_jobs_the_cluster_names():
    monitor = jobs_of({"kind": "ServiceMonitor", "metadata": {"name": "feast"}, "spec": {}})
    assert monitor.known and not monitor.complete and not monitor.values()


def test_what_may_rewrite_job_makes_it_unknown():
    def job(**config):
        return jobs_of({"scrape_configs": [{"job_name": "j", **config}]}).jobs[0]

    assert not job().unknown
    assert job(honor_labels=True).unknown and job(honor_labels="true").unknown
    assert job(file_sd_configs=[{"files": ["*.json"]}]).unknown
    assert job(relabel_configs=[{"source_labels": ["__meta_app"], "target_label": "job"}]).unknown
    assert job(metric_relabel_configs=[{"action": "labelmap", "regex": "x_(.+)"}]).unknown
    assert job(relabel_configs=[{"target_label": "${1}", "regex": "(.*)"}]).open_labels
    constant = job(relabel_configs=[{"target_label": "job", "replacement": "renamed"}])
    assert not constant.unknown and constant.values == {"j", "renamed"}
    kept = job(relabel_configs=[{"source_labels": ["__meta_x"], "regex": "a", "action": "keep"},
                                {"source_labels": ["__meta_ns"], "target_label": "namespace"}])
    assert not kept.unknown and kept.labels == {"namespace"} and not kept.open_labels


def test_a_templated_helm_value_is_not_read():
    jobs = jobs_of({"extraScrapeConfigs": "- job_name: {{ .Values.name }}\n"})
    assert jobs.known and not jobs.complete and not jobs.values()
