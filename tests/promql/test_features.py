"""`enable-features` in obslint's configuration: the server's --enable-feature flags reach the PromQL
verdict, and `obslint check` on a rule file agrees with `promtool check rules --enable-feature=...`."""

from __future__ import annotations

from pathlib import Path

import pytest
from promql_gen import CONSTRUCTS
from promql_oracles import TARGETS, promtool_for, promtool_verdicts, rule_file

from obslint.config import Config, from_mapping
from obslint.core.findings import Severity
from obslint.engine.lint import lint_paths
from obslint.promql import versions


def test_enable_features_is_read_from_the_configuration(tmp_path):
    features = ["promql-experimental-functions", "promql-duration-expr,exemplar-storage"]
    config = from_mapping({"enable-features": features}, tmp_path)
    assert config.enable_features == {"promql-experimental-functions", "promql-duration-expr", "exemplar-storage"}
    assert from_mapping({}, tmp_path).enable_features == frozenset()
    assert from_mapping({"enable-features": "promql-experimental-functions"}, tmp_path).enable_features == \
        {"promql-experimental-functions"}


def _codes(findings, severity):
    return sorted({f.code for f in findings if f.severity == severity and f.code.startswith("P")})


def test_a_flagged_construct_is_an_error_without_its_flag_and_a_warning_with_it(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(rule_file(["mad_over_time(x[5m])"]), encoding="utf-8")
    without = lint_paths([path], Config(prometheus_version=(3, 16)))
    assert _codes(without, Severity.ERROR) == ["P002"]
    with_flag = lint_paths([path], Config(prometheus_version=(3, 16),
                                          enable_features=frozenset({versions.EXPERIMENTAL_FUNCTIONS})))
    assert _codes(with_flag, Severity.ERROR) == []
    assert _codes(with_flag, Severity.WARNING) == ["P004"]


@pytest.mark.oracle
@pytest.mark.parametrize("target", TARGETS, ids=versions.fmt)
def test_obslint_check_with_flags_agrees_with_promtool_with_flags(target, tmp_path):
    """Rule by rule, in one file of every flagged construct: no flag, each one's flag, every flag."""
    exprs = [expr for expr, _, flag, _ in CONSTRUCTS if flag]
    path: Path = tmp_path / "flagged.yaml"
    path.write_text(rule_file(exprs), encoding="utf-8")
    promtool = promtool_for(target)
    for features in [frozenset(), *(frozenset({flag}) for flag in {c[2] for c in CONSTRUCTS if c[2]}),
                     frozenset(versions.FLAGS)]:
        findings = lint_paths([path], Config(prometheus_version=target, enable_features=features))
        refused_lines = {f.line for f in findings if f.severity == Severity.ERROR and f.code.startswith("P")}
        ours = [5 + 2 * i not in refused_lines for i in range(len(exprs))]  # rule i's expr: line 5 + 2i
        theirs = [ok for ok, _ in promtool_verdicts(promtool, exprs, tmp_path, features)]
        assert dict(zip(exprs, ours, strict=True)) == dict(zip(exprs, theirs, strict=True)), sorted(features)


def test_every_reader_of_promql_gets_the_flags(tmp_path, monkeypatch):
    """Dashboards' queries, unit-test expressions and test coverage parse PromQL with the configured
    `enable-features` too, as rule files do: a flagged function is refused without its flag, read with it."""
    import json

    from obslint.ruletests.coverage import alert_coverage
    from obslint.ruletests.model import read_test_file

    flagged = frozenset({versions.EXPERIMENTAL_FUNCTIONS})
    dashboard = tmp_path / "d.json"
    dashboard.write_text(json.dumps({"title": "D", "uid": "d", "schemaVersion": 39, "panels": [
        {"type": "timeseries", "title": "P", "id": 1, "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
         "targets": [{"refId": "A", "expr": "mad_over_time(up[5m])"}]}]}), encoding="utf-8")
    for features, refused in ((frozenset(), True), (flagged, False)):
        findings = lint_paths([dashboard], Config(prometheus_version=(3, 16), enable_features=features))
        assert ("D008" in {f.code for f in findings}) is refused

    # an expression test after its series end warns only when the expression reads series (it must parse),
    # read as the promtool that runs the tests (a 3.16 one here)
    from obslint.ruletests import promtool

    monkeypatch.setattr(promtool, "installed_version", lambda: (3, 16))
    (tmp_path / "rules.yml").write_text(rule_file(["recorded_series_total"]), encoding="utf-8")
    test_file = tmp_path / "t.yml"
    test_file.write_text("rule_files: [rules.yml]\ntests:\n  - interval: 1m\n    input_series:\n"
                         "      - series: 'up'\n        values: '1x5'\n    promql_expr_test:\n"
                         "      - expr: mad_over_time(up[5m])\n        eval_time: 1h\n        exp_samples: []\n",
                         encoding="utf-8")
    for features, warned in ((frozenset(), False), (flagged, True)):
        findings = lint_paths([test_file], Config(prometheus_version=(3, 16), enable_features=features))
        assert ("T003" in {f.code for f in findings}) is warned

    tests = [read_test_file(test_file)]
    assert alert_coverage(tests, [], ["up"], (3, 16)).recording_tested == set()
    assert alert_coverage(tests, [], ["up"], (3, 16), flagged).recording_tested == {"up"}
