"""Static checks of promtool unit-test files: what makes a rule unit test pass while proving nothing,
or fail before it runs. Reported by obslint.ruletest_lint, in `obslint check` and before `obslint test`."""

from obslint.checks.registry import Check, register
from obslint.findings import Severity

_RULES = """\
groups:
  - name: example
    rules:
      - alert: InstanceDown
        expr: up == 0
        for: 5m
"""


class RuleTestCheck(Check):
    kind = "rule-tests"
    example_filename = "rules/tests/example.test.yaml"
    example_files = {"rules/alerts.yaml": _RULES}


@register
class RuleFilesUnmatched(RuleTestCheck):
    """Finds a `rule_files` entry of a unit-test file that matches no file (read relative to the test file).

    Why: promtool then loads no rules, and every test that expects silence (`exp_alerts: []`) passes;
    promtool 2.42 says nothing about it (prometheus/prometheus#12499).

    Bad:
    ```yaml
    rule_files:
      - alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts: []
    ```

    Good:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts: []
    ```
    """

    code = "T001"
    name = "test-rule-files-unmatched"


@register
class TestUnknownAlert(RuleTestCheck):
    """Finds an `alertname` in `alert_rule_test` that no rule in the test's `rule_files` defines.

    Why: an alert that does not exist never fires, so such a test can only pass by expecting
    silence: after a rename or a typo it keeps passing and tests nothing.

    Bad:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDwn
            exp_alerts: []
    ```

    Good:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts: []
    ```
    """

    code = "T002"
    name = "test-unknown-alert"


@register
class TestEvalAfterSeries(RuleTestCheck):
    """Finds an `eval_time` later than the end of the test group's input series plus the 5m lookback.

    Why: after that the rules see no data at all, so an alert "not firing" there proves nothing
    and one expected firing never can (for series of `values: '0x10'` at `interval: 1m`, the last
    sample is at 10m and the data is gone after 15m).

    Bad:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x10'
        alert_rule_test:
          - eval_time: 1h
            alertname: InstanceDown
            exp_alerts: []
    ```

    Good:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1x60'
        alert_rule_test:
          - eval_time: 1h
            alertname: InstanceDown
            exp_alerts: []
    ```
    """

    code = "T003"
    name = "test-eval-after-series"
    severity = Severity.WARNING


@register
class TestSeriesSyntax(RuleTestCheck):
    """Finds input series promtool cannot read: a `series` that is not `name{label="value", ...}`, or
    `values` outside the expanding notation (`a+bxN`, `a-bxN`, `axN`, `_`, `_xN`, `stale`, numbers;
    native histograms `{{...}}` from Prometheus 2.47).

    Why: promtool fails the whole file with a parse error naming only a character offset; obslint
    shows the series at its line. `1 + 2x3` (spaces around the sign) and `0x1f` (hex) are the usual
    traps.

    Bad:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1 + 0x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts: []
    ```

    Good:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '1+0x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts: []
    ```
    """

    code = "T004"
    name = "test-series-syntax"


@register
class TestUnknownField(RuleTestCheck):
    """Finds a field of a unit-test file that the promtool running the tests does not know: a typo, or
    a field of a newer release (`fuzzy_compare` needs 3.5, `start_timestamp` 3.9, `histogram`
    samples 2.47). The version is the installed promtool's, else the configured Prometheus version.

    Why: promtool refuses the whole file (`field exp_annotation not found in type main.alert`).

    Bad:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '0x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts:
              - exp_labels: {job: api}
                exp_annotation: {summary: down}
    ```

    Good:
    ```yaml
    rule_files:
      - ../alerts.yaml
    tests:
      - interval: 1m
        input_series:
          - series: 'up{job="api"}'
            values: '0x10'
        alert_rule_test:
          - eval_time: 10m
            alertname: InstanceDown
            exp_alerts:
              - exp_labels: {job: api}
    ```
    """

    code = "T005"
    name = "test-unknown-field"
