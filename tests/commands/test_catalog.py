"""`obslint catalog`: every series with its type, labels and declaration site, what was not read, the jobs."""

from __future__ import annotations

import json
import shutil
import textwrap

from click.testing import CliRunner
from helpers import DATA

from obslint.cli import cli

SEED = DATA / "mlseed"


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_json_lists_each_series_where_it_is_declared(tmp_path):
    # a copy: under this repository, its pyproject's `instrumentation` (exporters/) would be the catalog's
    project = tmp_path / "mlseed"
    shutil.copytree(SEED, project)
    result = run("catalog", "--format", "json", str(project))
    assert result.exit_code == 0
    data = json.loads(result.output)
    metrics = {m["name"]: m for m in data["metrics"]}
    runs = metrics["mlflow_runs_total"]
    assert (runs["type"], runs["labels"], runs["declared_as"]) == ("gauge", ["experiment_name", "status"], "Gauge")
    assert len(runs["declared"]) == 1 and runs["declared"][0].endswith("exporters/mlflow_exporter.py:15")
    assert metrics["model_errors_total"]["type"] == "counter" and "model_errors" not in metrics
    assert metrics["model_prediction_latency_seconds_bucket"]["labels"] == ["le", "model_name", "model_version"]
    assert metrics["model_server_build_info"]["open_labels"]
    assert not data["closed"] and not data["unresolved"] and not data["invalid"]
    jobs = data["scrape_jobs"]
    assert jobs["found"] and not jobs["complete"]
    assert [j["name"] for j in jobs["jobs"]] == ["mlflow", "mlflow-exporter", "model-server", "feast-server"]


def test_text_names_the_declarations_it_cannot_read(tmp_path):
    (tmp_path / "app.py").write_text(textwrap.dedent("""\
        import os
        from prometheus_client import Counter, Histogram
        REQUESTS = Counter(os.environ["PREFIX"] + "_requests", "Requests.")
        LATENCY = Histogram("latency_seconds", "Latency.", ["le"])
        UP = Counter("served", "Served.")
        """))
    result = run("catalog", str(tmp_path))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any(line.startswith("served_total ") and "app.py:5" in line for line in lines)
    assert any("app.py:3:12: Counter" in line for line in lines)
    assert any("app.py:4:11: Histogram" in line for line in lines)
    assert not any(line.startswith("latency_seconds") for line in lines)


def test_an_empty_project_has_no_catalog(tmp_path):
    result = run("catalog", "--format", "json", str(tmp_path))
    assert result.exit_code == 0 and json.loads(result.output)["metrics"] == []
    assert run("catalog", str(tmp_path / "missing")).exit_code == 2
