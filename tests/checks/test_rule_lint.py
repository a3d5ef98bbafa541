"""Rule checks beyond promtool: label-set inference (with promtool evaluating the expressions as the
oracle), template references, smells, policy, dependencies, and the corpus."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import promql_parser as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obslint.config import Config, from_mapping
from obslint.engine.lint import lint_paths
from obslint.promql.labels import output_labels
from obslint.ruletests import promtool as ruletests

LABELS = ("job", "instance", "mode", "le")
SERIES = [
    ('a{job="api", instance="i1", mode="x", le="1"}', "0+10x20"),
    ('a{job="api", instance="i2", mode="y", le="+Inf"}', "0+20x20"),
    ('a{job="web", instance="i1", mode="x", le="+Inf"}', "0+30x20"),
    ('b{job="api", instance="i1", team="t1"}', "1x20"),
    ('b{job="web", instance="i3", team="t2"}', "2x20"),
]


def expressions(depth: int):
    selector = st.sampled_from(['a', 'b', 'a{job="api"}', 'rate(a[5m])', 'b{team="t1"}'])
    if depth == 0:
        return selector
    sub = expressions(depth - 1)
    grouping = st.lists(st.sampled_from(LABELS + ("team",)), min_size=1, max_size=2, unique=True).map(", ".join)
    return st.one_of(
        selector,
        st.builds(lambda g, e: f"sum by ({g}) ({e})", grouping, sub),
        st.builds(lambda g, e: f"max without ({g}) ({e})", grouping, sub),
        st.builds(lambda e: f"sum({e})", sub),
        st.builds(lambda e: f'label_replace({e}, "dst", "$1", "job", "(.*)")', sub),
        st.builds(lambda e: f"histogram_quantile(0.9, {e})", sub),
        st.builds(lambda e: f"topk(2, {e})", sub),
        st.builds(lambda e: f'count_values("v", {e})', sub),
        st.builds(lambda e: f"{e} > 0.5", sub),
        st.builds(lambda a, b: f"{a} or {b}", sub, sub),
        st.builds(lambda a, b: f"{a} and {b}", sub, sub),
        st.builds(lambda g, a, b: f"{a} > on ({g}) {b}", grouping, sub, sub),
        st.builds(lambda g, a, b: f"{a} * ignoring ({g}) {b}", grouping, sub, sub),
        st.builds(lambda g, a, b: f"{a} * on (job) group_left ({g}) {b}", grouping, sub, sub),
        st.builds(lambda e: f"scalar(sum({e})) * b", sub),
        st.just("vector(1)"),
        st.just('absent(nothing{job="api", mode=~"x"})'),
    )


EXPRESSIONS = expressions(3)


def _evaluate(promtool: str, exprs: list[str], directory: Path) -> dict[str, list[set[str]]]:
    """The label names of each result series, as Prometheus computes them (promtool prints what it got
    when the expected result, empty here, differs)."""
    (directory / "rules.yml").write_text("groups: []\n")
    cases = "".join(f"      - expr: {json.dumps(e)}\n        eval_time: 10m\n        exp_samples: []\n" for e in exprs)
    series = "".join(f"      - series: '{s}'\n        values: '{v}'\n" for s, v in SERIES)
    (directory / "t.yml").write_text(f"rule_files: [rules.yml]\ntests:\n  - interval: 1m\n    input_series:\n"
                                     f"{series}    promql_expr_test:\n{cases}")
    proc = subprocess.run([promtool, "test", "rules", "t.yml"], cwd=directory, capture_output=True, text=True,
                          timeout=120)
    got: dict[str, list[set[str]]] = {}
    for failure in ruletests.parse_failures(proc.stderr):
        if failure.kind == "expr":
            got[failure.subject] = [set(re.findall(r'(\w+)="', item)) - {"__name__"}
                                    for item in ruletests._items(failure.got)]
    return got


@settings(max_examples=int(os.environ.get("OBSLINT_DIFF_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(EXPRESSIONS, min_size=10, max_size=25, unique=True))
def test_inferred_labels_hold_every_label_prometheus_returns(promtool, tmp_path, exprs):
    """Soundness: a label obslint says the result cannot have never appears in what Prometheus returns,
    so template-label-missing never flags a label that can be there."""
    exprs = [e for e in exprs if _parses(e)]
    evaluated = _evaluate(promtool, exprs, tmp_path)
    assert exprs == [] or evaluated  # promtool answered (some results are always non-empty: `a`, `b`)
    for expr, results in evaluated.items():
        inferred = output_labels(pq.parse(expr))
        for labels in results:
            assert all(inferred.can_have(label) for label in labels), (expr, labels, inferred)


def _parses(expr: str) -> bool:
    try:
        pq.parse(expr)
        return True
    except (ValueError, BaseException):  # noqa: B036 - the parser panics on some input
        return False


@pytest.mark.parametrize("expr,possible,impossible", [
    ("sum by (job) (rate(http_requests_total[5m]))", {"job"}, {"instance", "status"}),
    ("sum without (instance) (up)", {"job", "anything"}, {"instance"}),
    ("up > on (job) group_left (team) kube_team_info", {"job", "team", "instance"}, set()),
    ("rate(a[5m]) > on (job) b", {"job"}, {"instance"}),
    ('label_replace(sum(x), "pod", "$1", "name", "(.*)")', {"pod"}, {"name"}),
    ("scalar(sum(x)) * on () group_left () sum by (job) (y)", {"job"}, {"instance"}),
    ('absent(up{job="api", instance=~"a.*"})', {"job"}, {"instance"}),
    ("histogram_quantile(0.9, sum by (le, job) (rate(x_bucket[5m])))", {"job"}, {"le"}),
    ("sum by (a) (x) or sum by (b) (y)", {"a", "b"}, {"c"}),
    ("vector(1)", set(), {"job"}),
])
def test_label_inference(expr, possible, impossible):
    labels = output_labels(pq.parse(expr))
    assert all(labels.can_have(name) for name in possible)
    assert not any(labels.can_have(name) for name in impossible)


def test_pint_false_positives_are_not_ours(tmp_path):
    """cloudflare/pint#681 (scalar()) and #568 (label_replace) reported labels that are there."""
    text = """groups:
  - name: g
    rules:
      - alert: DiskFull
        expr: (node_filesystem_avail_bytes / node_filesystem_size_bytes) < scalar(min(disk_threshold))
        for: 5m
        labels: {severity: warning, team: ops}
        annotations:
          summary: "{{ $labels.instance }} {{ $labels.mountpoint }} is full"
          description: "{{ $value | humanizePercentage }} free"
      - alert: PodHigh
        expr: label_replace(sum by (namespace) (kube_pod_info), "pod_ns", "$1", "namespace", "(.*)") > 100
        for: 5m
        labels: {severity: warning, team: ops}
        annotations:
          summary: "{{ $labels.pod_ns }} has many pods"
          description: "{{ $labels.namespace }} runs {{ $value }} pods"
"""
    path = tmp_path / "rules.yml"
    path.write_text(text)
    assert [f.code for f in lint_paths([path], Config(root=tmp_path)) if f.code.startswith("R10")] == []


def test_policy_is_configurable(tmp_path):
    text = """groups:
  - name: g
    rules:
      - alert: api_down
        expr: up == 0
        labels: {priority: P1}
        annotations: {title: down}
"""
    path = tmp_path / "rules.yml"
    path.write_text(text)
    default = {f.code for f in lint_paths([path], Config(root=tmp_path))}
    assert not {"R131", "R132", "R133"} & default  # by default no label, annotation or name style is required
    strict = from_mapping({"policy": {"required-labels": {"severity": [], "team": []}, "required-annotations":
                                      ["summary"], "alert-name-pattern": "^[A-Z][A-Za-z0-9]*$"}}, tmp_path)
    assert {"R131", "R132", "R133"} <= {f.code for f in lint_paths([path], strict)}
    config = from_mapping({"policy": {"required-labels": {"priority": ["P1", "P2"]}, "required-annotations": ["title"],
                                      "alert-name-pattern": "^[a-z_]+$"}}, tmp_path)
    assert {f.code for f in lint_paths([path], config)} & {"R131", "R132", "R133"} == set()


def test_dependencies_need_the_whole_rule_set(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "a.yml").write_text("groups:\n  - name: a\n    rules:\n      - record: job:x:rate5m\n"
                                              "        expr: sum by (job) (rate(x_total[5m]))\n")
    (tmp_path / "rules" / "b.yml").write_text("groups:\n  - name: b\n    rules:\n      - record: job:y:ratio\n"
                                              "        expr: job:x:rate5m / job:z:rate5m\n")
    config = Config(root=tmp_path)
    codes = sorted((f.path.rsplit("/", 1)[-1], f.code) for f in lint_paths([tmp_path], config))
    assert codes == [("b.yml", "R141"), ("b.yml", "R142")]  # job:z missing; job:y read by nobody
    # a single file is a partial view: no dependency findings
    assert [f.code for f in lint_paths([tmp_path / "rules" / "b.yml"], config)] == []
    allow = from_mapping({"policy": {"external-series": ["job:z:*"]}}, tmp_path)
    assert [f.code for f in lint_paths([tmp_path], allow)] == ["R142"]


def test_no_error_false_positives_on_kube_prometheus_and_the_mixins(corpus):
    """The only errors of the rule checks there are the alertmanager mixin's five real bugs: its
    descriptions print `{{ $labels.job }}` after `by (namespace, service)` removed `job`."""
    errors = []
    for name in ("kube-prometheus", "kubernetes-mixin", "node-mixin"):
        root = corpus / "rules" / name
        errors += [f for f in lint_paths([root], Config(root=root)) if f.severity.name == "ERROR"
                   and f.code[0] == "R" and int(f.code[1:]) >= 101]
    assert {(f.code, f.path.rsplit("/", 1)[-1]) for f in errors} == {("R101", "alertmanager-prometheusRule.yaml")}
    assert len(errors) == 5 and all("`job`" in f.message for f in errors)
