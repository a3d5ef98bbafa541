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
