"""The 2.x -> 3.x migration checks (obslint.checks.migration), with the behaviour change they warn about proved
against the two real binaries: the same rule evaluated by `promtool test rules` of 2.53.4 and of 3.0.1 and
3.16.0 gives the 2.x result on 2.53 and the 3.x result on 3.x, and obslint warns at a 3.x target only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from promql_oracles import promtool_for

from obslint.config import Config
from obslint.engine.lint import lint_paths

pytestmark = pytest.mark.oracle

# (check, rule expression, input series, what 2.x returns, what 3.x returns: exp_samples values; [] = nothing)
CASES = {
    "R152": ("count_over_time(x[1m:1m])", [("x", "1+1x10")], [2], [1]),
    "R152-rate": ("rate(x_total[2m:2m])", [("x_total", "0+60x10")], [1], []),
    "R153": ('count(y{l=~"a.b"})', [('y{l="a\\nb"}', "1x10")], [], [1]),
}


def unit_test(expr: str, series: list[tuple[str, str]], values: list[float]) -> str:
    lines = ["rule_files: [rules.yml]", "evaluation_interval: 1m", "tests:", "- interval: 1m", "  input_series:"]
    for name, vals in series:
        lines += [f"  - series: '{name}'", f"    values: '{vals}'"]
    lines += ["  promql_expr_test:", "  - expr: migration:result", "    eval_time: 6m", "    exp_samples:"
              + (" []" if not values else "")]
    lines += [f"    - labels: 'migration:result'\n      value: {v}" for v in values]
    return "\n".join(lines) + "\n"


def rules(expr: str) -> str:
    return f"groups:\n- name: migration\n  rules:\n  - record: migration:result\n    expr: '{expr}'\n"


def passes(promtool: str, folder: Path, expr: str, series, values) -> bool:
    (folder / "rules.yml").write_text(rules(expr), encoding="utf-8")
    (folder / "test.yml").write_text(unit_test(expr, series, values), encoding="utf-8")
    proc = subprocess.run([promtool, "test", "rules", "test.yml"], capture_output=True, text=True, cwd=folder,
                          timeout=120)
    return proc.returncode == 0


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("target", [(3, 0), (3, 16)], ids=["3.0", "3.16"])
def test_behaviour_changes_between_the_binaries_and_obslint_warns(case, target, tmp_path):
    expr, series, old, new = CASES[case]
    assert old != new
    before, after = promtool_for((2, 53)), promtool_for(target)
    assert passes(before, tmp_path, expr, series, old), "2.53 gives the 2.x result"
    assert not passes(before, tmp_path, expr, series, new)
    assert passes(after, tmp_path, expr, series, new), f"{target} gives the 3.x result"
    assert not passes(after, tmp_path, expr, series, old)
    code = case.split("-")[0]
    enable = frozenset({code})
    findings = lint_paths([tmp_path / "rules.yml"], Config(root=tmp_path, prometheus_version=target, enable=enable))
    assert code in [f.code for f in findings]
    findings = lint_paths([tmp_path / "rules.yml"], Config(root=tmp_path, prometheus_version=(2, 53), enable=enable))
    assert code not in [f.code for f in findings]


@pytest.mark.parametrize("expr,codes", [
    ('h_bucket{le="1"}', {"R151"}),
    ('h_bucket{le="+5"}', {"R151"}),
    ('h_bucket{le="1.0"}', set()),
    ('s{quantile=~"0.5|1"}', {"R151"}),
    ('s{quantile=~"0.5|0.99"}', set()),
    ("max_over_time(x[5m:5m])", {"R152"}),
    ("max_over_time(x[10m:5m])", set()),
    ("max_over_time(x[5m:])", set()),  # the step is the group's interval, unknown here
    ('x{p=~"a.b"}', {"R153"}),
    ('x{p=~".*"}', set()),
    ('x{p=~"a\\\\.b|[.]"}', set()),
])
def test_what_the_checks_find(expr, codes, tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(rules(expr), encoding="utf-8")
    config = Config(root=tmp_path, enable=frozenset({"R153"}))
    found = {f.code for f in lint_paths([path], config)} & {"R151", "R152", "R153"}
    assert found == codes
