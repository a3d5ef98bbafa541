"""Counters used raw: one answer for rules (R114) and dashboard queries (D010)."""

from __future__ import annotations

import pytest

from obslint.promql.counters import raw_counters
from obslint.promql.parse import parse_expr

CASES = [
    ("http_requests_total", ["http_requests_total"]),
    ("sum(http_requests_total)", ["http_requests_total"]),
    ("rate(http_requests_total[5m])", []),
    ("count(http_requests_total)", []),
    ("count(sum by (cpu) (node_cpu_seconds_total))", []),
    ("absent(up_total)", []),
    ("timestamp(x_total)", []),
    ("max_over_time(sum(x_total)[1h:])", []),
    ("job:http_requests_total:sum", []),  # a recorded series, not a counter by name
    ("x_total / y_total", ["x_total", "y_total"]),
    ("http_requests_count", []),
]


@pytest.mark.parametrize("expr,raw", CASES)
def test_raw_counters(expr, raw):
    parsed = parse_expr(expr)
    assert [n.name for n in raw_counters(parsed.nodes)] == raw


@pytest.mark.parametrize("expr,raw", CASES)
def test_rules_and_dashboards_give_the_same_answer(tmp_path, expr, raw):
    from obslint.config import Config
    from obslint.engine.lint import lint_paths

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yaml").write_text(
        f"groups:\n- name: g\n  rules:\n  - record: a:b:c\n    expr: {expr} + 0\n", encoding="utf-8")
    (tmp_path / "d.json").write_text(
        '{"title": "t", "uid": "t", "panels": [{"type": "timeseries", "title": "p", "targets": [{"refId": "A", '
        f'"expr": "{expr}"}}]}}]}}', encoding="utf-8")
    findings = lint_paths([tmp_path / "rules" / "r.yaml", tmp_path / "d.json"], Config(root=tmp_path))
    assert bool([f for f in findings if f.code == "R114"]) == bool(raw)
    assert bool([f for f in findings if f.code == "D010"]) == bool(raw)


def test_the_catalogs_types_decide_over_the_names():
    """A Gauge named `_total` is no counter; a Counter's series without `_total` (a histogram's `_count` is
    one by name too) is one; a series the catalog does not know keeps the name heuristic."""
    types = {"mlflow_runs_total": "gauge", "jobs_done": "counter", "model_errors": "no-series"}
    expr = "mlflow_runs_total + jobs_done + http_requests_total + model_errors"
    assert [n.name for n in raw_counters(parse_expr(expr).nodes, types)] == ["jobs_done", "http_requests_total"]
