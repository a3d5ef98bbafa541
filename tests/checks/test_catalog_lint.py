"""Rules and dashboards against the metric catalog read from the repository's own instrumentation code and
scrape configs (tests/data/mlseed: the seeds' exporters and the bugs their teams shipped)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from helpers import DATA

from obslint.config import Config
from obslint.engine.lint import lint_paths

SEED = DATA / "mlseed"
CATALOG_CODES = {"X007", "X008", "X009", "X010", "X011", "X012", "X013"}


def findings_of(root: Path, config: Config | None = None):
    return lint_paths([root], config or Config(root=root))


def where(findings) -> list[tuple[str, int, str]]:
    return sorted((f.path.rsplit("mlseed/", 1)[-1].rsplit("project/", 1)[-1], f.line, f.code) for f in findings)


def test_the_seeds_bugs_are_found_at_their_lines_and_nothing_else():
    assert where(findings_of(SEED)) == [
        ("dashboards_py/ml_pipeline.py", 20, "X010"),  # histogram_quantile over the histogram's bare name
        ("rules/alerts.yaml", 5, "X009"),  # increase() over mlflow_runs_total, a Gauge
        ("rules/alerts.yaml", 14, "X007"),  # rate(model_errors): the client exposes model_errors_total
        ("rules/alerts.yaml", 24, "X010"),  # histogram_quantile over the histogram's bare name
        ("rules/alerts.yaml", 34, "X008"),  # feature_name: the drift gauge's label is `feature`
        ("rules/alerts.yaml", 44, "X011"),  # up{job="feast"}: the scrape job is feast-server
    ]


def test_the_messages_name_what_was_meant():
    by_code = {f.code: f.message for f in findings_of(SEED)}
    assert "`model_errors_total`" in by_code["X007"]
    assert "`feature`" in by_code["X008"]
    assert "`feast-server`" in by_code["X011"]
    assert "`model_prediction_latency_seconds_bucket`" in by_code["X010"]
    assert "exporters/mlflow_exporter.py:15" in by_code["X009"]  # where the Gauge is declared


def test_without_the_exporters_the_names_decide(tmp_path):
    """The same rules and dashboard without the instrumentation code: the Gauge named `_total` is taken for a
    counter by its name (shown raw: R114 in a rule, D010 in a dashboard), and the real bugs go unseen."""
    project = tmp_path / "project"
    shutil.copytree(SEED, project, ignore=shutil.ignore_patterns("exporters"))
    got = where(findings_of(project))
    assert ("rules/alerts.yaml", 66, "R114") in got  # sum(mlflow_runs_total{status="RUNNING"}) > 50
    assert ("dashboards_py/ml_pipeline.py", 17, "D010") in got  # sum by (status) (mlflow_runs_total)
    assert not {code for _, _, code in got} & {"X007", "X008", "X009", "X010"}
    with_exporters = where(findings_of(SEED))
    assert not [w for w in with_exporters if w[2] in ("R114", "D010", "R113")]


def test_third_party_metrics_are_not_the_repositorys(tmp_path):
    """kube-state-metrics and node exporter series the repository does not declare: no finding, even misspelt
    (they are not near misses of anything declared); a misspelt series of the repository's own namespace is."""
    project = _project(tmp_path, rules="""\
        groups:
          - name: g
            rules:
              - record: namespace:restarts:increase15m
                expr: sum by (namespace) (increase(kube_pod_container_status_restart_total[15m]))
              - record: instance:cpu:rate5m
                expr: sum by (instance) (rate(node_cpu_second_total[5m]))
              - record: model:predictions:rate5m
                expr: sum(rate(model_prediction_total[5m]))
              - record: model:requests:rate5m
                expr: sum(rate(model_requests_total[5m]))
        """)
    got = [(f.line, f.code) for f in findings_of(project) if f.code in CATALOG_CODES]
    assert got == [(9, "X007"), (11, "X007")]  # a near miss of model_predictions_total; the model_ namespace


def test_a_closed_catalog_knows_every_metric(tmp_path):
    """A metrics.yaml lists every metric there is: a series it does not list is unknown, whoever exposes it."""
    project = _project(tmp_path, rules="""\
        groups:
          - name: g
            rules:
              - record: instance:cpu:rate5m
                expr: sum by (instance) (rate(node_cpu_seconds_total[5m]))
        """, extra={"metrics.yaml": "metrics:\n  - name: up\n    type: gauge\n"})
    assert [(f.line, f.code) for f in findings_of(project) if f.code in CATALOG_CODES] == [(5, "X007")]


def test_unread_declarations_make_the_namespace_open(tmp_path):
    """A declaration whose name only running the code tells is reported (info), and from then on a series
    of the namespace is unknown only as a near miss: it may be that declaration's."""
    exporter = textwrap.dedent("""\
        import os
        from prometheus_client import Counter
        PREDICTIONS = Counter("model_predictions", "Predictions served.", ["model_name"])
        EXTRA = Counter(os.environ.get("EXTRA", "model_extra"), "An extra count.")
        """)
    project = _project(tmp_path, exporter=exporter, rules="""\
        groups:
          - name: g
            rules:
              - record: model:requests:rate5m
                expr: sum(rate(model_requests_total[5m]))
              - record: model:prediction:rate5m
                expr: sum(rate(model_prediction_total[5m]))
        """)
    got = sorted((f.path.rsplit("/", 1)[-1], f.line, f.code) for f in findings_of(project)
                 if f.code in CATALOG_CODES)
    assert got == [("alerts.yaml", 7, "X007"), ("model_server.py", 4, "X012")]


def test_a_declaration_the_client_refuses_is_an_error(tmp_path):
    exporter = textwrap.dedent("""\
        from prometheus_client import Enum, Histogram, Info
        LATENCY = Histogram("request_latency_seconds", "Latency.", ["le"])
        BUILD = Info("build", "Build.", unit="seconds")
        STATE = Enum("state", "State.")
        """)
    project = _project(tmp_path, exporter=exporter)
    got = [(f.line, f.code, str(f.severity)) for f in findings_of(project) if f.code in CATALOG_CODES]
    assert got == [(2, "X013", "error"), (3, "X013", "error"), (4, "X013", "error")]


def test_job_matchers_against_a_complete_scrape_config(tmp_path):
    """With a prometheus.yml that names every job, any other `job` value is reported; while a job keeps the
    scraped series' own `job` (honor_labels) or a ServiceMonitor (a job the cluster names) is part of the
    project, only near misses are."""
    scrape = """\
        scrape_configs:
          - job_name: payments
            static_configs: [{targets: ["payments:8080"]}]
          - job_name: pushgateway
            honor_labels: true
            static_configs: [{targets: ["pushgateway:9091"]}]
        """
    rules = """\
        groups:
          - name: g
            rules:
              - record: job:up:sum
                expr: sum by (job) (up{job="checkout"})
              - record: job:up:payment
                expr: sum by (job) (up{job="payment"})
              - record: job:up:payments
                expr: sum by (job) (up{job="payments"})
        """
    project = _project(tmp_path, rules=rules, extra={"prometheus/prometheus.yml": scrape})
    assert [(f.line, f.code) for f in findings_of(project) if f.code in CATALOG_CODES] == [(7, "X011")]
    scrape_complete = scrape.replace("            honor_labels: true\n", "")
    (project / "prometheus" / "prometheus.yml").write_text(textwrap.dedent(scrape_complete))
    assert [(f.line, f.code) for f in findings_of(project) if f.code in CATALOG_CODES] == [
        (5, "X011"), (7, "X011")]
    (project / "prometheus" / "servicemonitor.yaml").write_text(
        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: checkout}\nspec: {}\n")
    assert [(f.line, f.code) for f in findings_of(project) if f.code in CATALOG_CODES] == [(7, "X011")]


def test_labels_beyond_the_declared_ones(tmp_path):
    """Target labels the scrape config adds are there; with a labelmap (any label may come), only a near
    miss of one of the metric's labels is reported."""
    scrape = """\
        scrape_configs:
          - job_name: model-server
            kubernetes_sd_configs: [{role: pod}]
            relabel_configs:
              - source_labels: [__meta_kubernetes_namespace]
                target_label: namespace
        """
    rules = """\
        groups:
          - name: g
            rules:
              - record: namespace:predictions:rate5m
                expr: sum by (namespace) (rate(model_predictions_total{namespace="ml"}[5m]))
              - record: cluster:predictions:rate5m
                expr: sum by (cluster) (rate(model_predictions_total[5m]))
              - record: model:predictions:rate5m
                expr: sum by (model) (rate(model_predictions_total[5m]))
        """
    project = _project(tmp_path, rules=rules, extra={"prometheus/prometheus.yml": scrape})
    assert [(f.line, f.code) for f in findings_of(project) if f.code in CATALOG_CODES] == [
        (7, "X008"), (9, "X008")]
    labelmap = scrape + "      - action: labelmap\n        regex: __meta_kubernetes_pod_label_(.+)\n"
    (project / "prometheus" / "prometheus.yml").write_text(textwrap.dedent(labelmap))
    assert [(f.line, f.code) for f in findings_of(project) if f.code in CATALOG_CODES] == [(9, "X008")]


def test_the_catalog_types_decide_for_dashboards_too(tmp_path):
    """A Counter declared under a name without `_total` in metrics.yaml style is a counter by its type: shown
    raw it is flagged; a Gauge named `_total` shown raw is not."""
    exporter = textwrap.dedent("""\
        from prometheus_client import Gauge, Histogram
        QUEUED = Gauge("jobs_queued_total", "Jobs waiting now.")
        LATENCY = Histogram("job_latency_seconds", "Latency.")
        """)
    dashboard = textwrap.dedent('''\
        from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries
        DS = {"type": "prometheus", "uid": "${datasource}"}
        dashboard = Dashboard(
            title="Jobs", uid="jobs",
            templating=Templating(list=[Template(name="datasource", type="datasource", query="prometheus")]),
            panels=[
                TimeSeries(title="Queued", unit="short", dataSource=DS, gridPos=GridPos(h=8, w=12, x=0, y=0),
                           targets=[Target(expr="sum(jobs_queued_total)")]),
                TimeSeries(title="Finished", unit="short", dataSource=DS, gridPos=GridPos(h=8, w=12, x=12, y=0),
                           targets=[Target(expr="sum(job_latency_seconds_count)")]),
            ],
        )
        ''')
    project = _project(tmp_path, exporter=exporter, extra={"dashboards_py/jobs.py": dashboard})
    got = [(f.line, f.code) for f in findings_of(project) if f.code in ("D010", "X007")]
    assert got == [(10, "D010")]  # the histogram's count is a counter; the gauge named _total is not


def _project(tmp_path: Path, rules: str | None = None, exporter: str | None = None,
             extra: dict[str, str] | None = None) -> Path:
    project = tmp_path / "project"
    files = {"exporters/model_server.py": exporter or textwrap.dedent("""\
                 from prometheus_client import Counter
                 PREDICTIONS = Counter("model_predictions", "Predictions served.", ["model_name"])
                 """),
             "rules/alerts.yaml": textwrap.dedent(rules) if rules else "groups: []\n"}
    for name, text in {**files, **{k: textwrap.dedent(v) for k, v in (extra or {}).items()}}.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    return project


def test_the_repositorys_own_rules_are_checked_against_its_exporters(tmp_path):
    """This repository's rules and dashboards are clean against exporters/ and prometheus/; the same content
    with a seed's mistakes in it is not."""
    from helpers import REPO

    from obslint.config import load_config

    assert findings_of(REPO, load_config(REPO)) == []
    project = tmp_path / "project"
    for folder in ("rules", "dashboards_py", "exporters", "prometheus", "alertmanager"):
        shutil.copytree(REPO / folder, project / folder)
    shutil.copy(REPO / "pyproject.toml", project)
    quality, serving = project / "rules" / "model-quality-alerts.yaml", project / "rules" / "serving-alerts.yaml"
    quality.write_text(quality.read_text().replace("delta(mlflow_runs_total", "increase(mlflow_runs_total")
                       .replace("model_data_drift_score > 0.3", 'model_data_drift_score{feature_name!=""} > 0.3'))
    serving.write_text(serving.read_text().replace('up{job="feast-feature-server"}', 'up{job="feast"}'))
    got = {(f.path.rsplit("/", 1)[-1], f.code) for f in findings_of(project, load_config(project))}
    assert got == {("model-quality-alerts.yaml", "X009"), ("model-quality-alerts.yaml", "X008"),
                   ("serving-alerts.yaml", "X011")}


def test_dashboards_get_the_same_checks_as_rules(tmp_path):
    """Each catalog check in a dashboard query, at the line of its target; the Gauge named `_total` shown raw,
    node exporter and kube-state-metrics series, and a `job` set by a dashboard variable are left alone."""
    project = tmp_path / "project"
    shutil.copytree(SEED, project, ignore=shutil.ignore_patterns("rules", "dashboards_py"))
    queries = [
        "sum(rate(model_errors[5m]))",  # X007: exposed as model_errors_total
        'max by (model_name) (model_data_drift_score{feature_name="age"})',  # X008: the label is `feature`
        "sum(increase(mlflow_runs_total[1h]))",  # X009: a Gauge
        "histogram_quantile(0.9, sum by (le) (rate(model_prediction_latency_seconds[5m])))",  # X010
        'up{job="feast"}',  # X011: the job is feast-server
        "sum by (status) (mlflow_runs_total)",  # a Gauge named _total shown raw: fine
        "node_memory_MemAvailable_bytes",  # node exporter's
        "sum(kube_pod_container_status_restarts_total)",  # kube-state-metrics' (a counter by its name: D010)
        'up{job="$job"}',  # a variable
    ]
    panels = ",\n".join(
        f'        TimeSeries(title="P{i}", unit="short", dataSource=DS, gridPos=GridPos(h=8, w=8, x=0, y={8 * i}),\n'
        f'                   targets=[Target(expr={query!r})])' for i, query in enumerate(queries))
    (project / "dashboards_py").mkdir()
    (project / "dashboards_py" / "d.py").write_text(
        "from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries\n"
        'DS = {"type": "prometheus", "uid": "${datasource}"}\n'
        'dashboard = Dashboard(title="D", uid="d", templating=Templating(list=[\n'
        '    Template(name="datasource", type="datasource", query="prometheus"),\n'
        '    Template(name="job", query="label_values(up, job)", dataSource=DS)]),\n'
        "    panels=[\n" + panels + "\n    ])\n", encoding="utf-8")
    got = [(f.line, f.code) for f in findings_of(project) if f.code in CATALOG_CODES | {"D010", "R114"}]
    # each panel's `targets` line (line 8 for the first)
    assert got == [(8, "X007"), (10, "X008"), (12, "X009"), (14, "X010"), (16, "X011"), (22, "D010")]


def test_a_declaration_finding_is_about_its_metric(tmp_path):
    """A declaration whose name is read but whose labels are not: its finding's subject is the metric, so its
    fingerprint (baseline, --diff-base) holds when lines move."""
    exporter = textwrap.dedent("""\
        import os
        from prometheus_client import Counter
        PREDICTIONS = Counter("model_predictions", "Predictions served.", os.environ["LABELS"].split(","))
        """)
    project = _project(tmp_path, exporter=exporter)
    got = [(f.line, f.code, f.subject) for f in findings_of(project) if f.code in CATALOG_CODES]
    assert got == [(3, "X012", "metric:model_predictions")]


def test_files_checked_one_by_one_use_the_catalogs_types(tmp_path):
    """A pre-commit hook names files one by one: the catalog's checks do not run, but the catalog the
    configuration names (`instrumentation`) still types the series: increase() over a Gauge named `_total`
    is R113 there, X009 (and no R113) when the project is checked whole; a Counter's series is fine."""
    from obslint.config import load_config

    exporter = textwrap.dedent("""\
        from prometheus_client import Counter, Gauge
        RUNS = Gauge("mlflow_runs_total", "Runs by status, as counted now.", ["status"])
        DONE = Counter("jobs_done", "Jobs done.")
        """)
    rules = """\
        groups:
          - name: g
            rules:
              - record: status:mlflow_runs:increase1h
                expr: sum by (status) (increase(mlflow_runs_total[1h]))
              - record: jobs:done:rate5m
                expr: sum(rate(jobs_done_total[5m]))
        """
    project = _project(tmp_path, rules=rules, exporter=exporter,
                       extra={"pyproject.toml": '[tool.obslint]\ninstrumentation = ["exporters"]\n'})
    config = load_config(project)
    one_by_one = lint_paths([project / "rules" / "alerts.yaml"], config)
    assert [(f.line, f.code) for f in one_by_one if f.code in CATALOG_CODES | {"R113"}] == [(5, "R113")]
    assert "a gauge in the metric catalog" in next(f.message for f in one_by_one if f.code == "R113")
    whole = lint_paths([project], config)
    assert [(f.line, f.code) for f in whole if f.code in CATALOG_CODES | {"R113"}] == [(5, "X009")]


def test_one_by_one_the_catalogs_types_are_cached_until_a_source_changes(tmp_path):
    """With the cache (the console script, as pre-commit runs it), the types of the catalog are kept between
    runs and read again when an exporter changes; a tampered entry is ignored."""
    import json

    from helpers import findings, obslint

    gauge = 'from prometheus_client import Gauge\nRUNS = Gauge("mlflow_runs_total", "Runs.", ["status"])\n'
    rules = """\
        groups:
          - name: g
            rules:
              - record: status:mlflow_runs:increase1h
                expr: sum by (status) (increase(mlflow_runs_total[1h]))
        """
    project = _project(tmp_path, rules=rules, exporter=gauge,
                       extra={"pyproject.toml": '[tool.obslint]\ninstrumentation = ["exporters"]\n'})
    cache = tmp_path / "cache"

    def r113() -> list[int]:
        proc = obslint("check", "--format", "json", "rules/alerts.yaml", cwd=project,
                       env={"OBSLINT_CACHE_DIR": str(cache)})
        return [f["line"] for f in findings(proc) if f["code"] == "R113"]

    assert r113() == [5]
    entries = list(cache.rglob("catalog-types-*.json"))
    assert len(entries) == 1 and json.loads(entries[0].read_text()) == {"mlflow_runs_total": "gauge"}
    assert r113() == [5]  # from the cache
    entries[0].write_text('{"mlflow_runs_total": ["not", "a", "type"]}')
    assert r113() == [5]  # tampered: computed again
    (project / "exporters" / "model_server.py").write_text(gauge.replace("Gauge", "Counter"))
    assert r113() == []  # the exporter changed: a Counter's series is rated


def test_a_shared_namespace_is_never_the_repositorys(tmp_path):
    """A repository declaring `http_requests` and `process_jobs` does not own `http_` nor `process_` (the
    client's own process collector, other exporters): undeclared series there are left alone, a near miss
    of a declared one is not."""
    exporter = textwrap.dedent("""\
        from prometheus_client import Counter
        REQUESTS = Counter("http_requests", "Requests served.", ["handler"])
        JOBS = Counter("process_jobs", "Jobs processed.")
        """)
    project = _project(tmp_path, exporter=exporter, rules="""\
        groups:
          - name: g
            rules:
              - record: job:cpu:rate5m
                expr: sum by (job) (rate(process_cpu_seconds_total[5m]))
              - record: job:http_server:rate5m
                expr: sum by (job) (rate(http_server_requests_seconds_count[5m]))
              - record: job:http_requests:rate5m
                expr: sum by (job) (rate(http_request_total[5m]))
        """)
    assert [(f.line, f.code) for f in findings_of(project) if f.code in CATALOG_CODES] == [(9, "X007")]


def test_an_exporter_that_does_not_parse_leaves_its_namespace_open(tmp_path):
    """An exporter Python cannot parse (newer syntax, a half-written edit): its metrics are not in the
    catalog, so the namespace's series are no longer unknown by it (only near misses are), and the file is
    reported at its syntax error."""
    project = _project(tmp_path, rules="""\
        groups:
          - name: g
            rules:
              - record: model:latency:rate5m
                expr: sum(rate(model_latency_seconds_count[5m]))
        """, extra={"exporters/latency.py": "from prometheus_client import Histogram\nLATENCY = Histogram(\n"})
    got = [(f.path.rsplit("/", 1)[-1], f.line, f.code) for f in findings_of(project) if f.code in CATALOG_CODES]
    assert got == [("latency.py", 2, "X012")]
