"""The metric catalog: its sources merged, the types the name heuristics defer to, near misses."""

from __future__ import annotations

from pathlib import Path

from obslint.crossref.catalog import Metric, build, load
from obslint.crossref.instrumentation import Declaration, Family

CAPTURE = """\
# HELP http_request_duration_seconds Latency.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{handler="/",le="0.1"} 3
http_request_duration_seconds_bucket{handler="/",le="+Inf"} 4
http_request_duration_seconds_sum{handler="/"} 0.4
http_request_duration_seconds_count{handler="/"} 4
# TYPE rpc_seconds summary
rpc_seconds{quantile="0.5"} 0.1
rpc_seconds_sum 3
rpc_seconds_count 30
# TYPE queue_length gauge
queue_length{queue="a"} 3
"""


def declared(cls: str, kind: str, name: str, labels=(), line: int = 1) -> Declaration:
    return Declaration(Path("exporter.py"), line, 1, cls, Family(name, cls, kind, tuple(labels)))


def test_a_capture_types_every_series_of_its_families(tmp_path):
    (tmp_path / "metrics.prom").write_text(CAPTURE)
    catalog = build(load(tmp_path / "metrics.prom"), [])
    assert catalog.closed
    types = catalog.types()
    assert types["http_request_duration_seconds_bucket"] == types["rpc_seconds_count"] == "counter"
    assert types["queue_length"] == types["rpc_seconds"] == "gauge"
    assert catalog.get("http_request_duration_seconds_bucket").labels == {"handler", "le"}
    assert catalog.get("rpc_seconds").labels == {"quantile"}


def test_declarations_give_each_series_the_clients_name_and_type():
    catalog = build(None, [declared("Counter", "counter", "model_errors", ["model_name"]),
                           declared("Gauge", "gauge", "mlflow_runs_total", ["status"], 2),
                           declared("Histogram", "histogram", "latency_seconds", [], 3)])
    assert not catalog.closed and catalog.prefixes == {"model", "mlflow", "latency"}
    types = catalog.types()
    assert types["model_errors_total"] == "counter" and types["model_errors_created"] == "gauge"
    assert types["mlflow_runs_total"] == "gauge"  # a Gauge named _total is no counter
    assert types["latency_seconds_bucket"] == types["latency_seconds_count"] == "counter"
    assert types["model_errors"] == types["latency_seconds"] == "no-series"  # bare family names
    assert catalog.near("model_errors") == "model_errors_total"
    assert catalog.near("latency_seconds") == "latency_seconds_bucket"
    assert catalog.near("model_error_total") == "model_errors_total"
    assert catalog.near("node_cpu_seconds_total") is None
    assert catalog.get("mlflow_runs_total").origins == ["exporter.py:2"]


def test_a_series_declared_twice_keeps_every_label_and_a_type_only_if_both_agree():
    catalog = build({"up": Metric("up", "gauge", {"job"}), "x_total": Metric("x_total", "counter", {"a"})},
                    [declared("Gauge", "gauge", "x_total", ["b"])])
    assert catalog.get("x_total").type == "unknown" and catalog.get("x_total").labels == {"a", "b"}
    assert "x_total" not in catalog.types()
