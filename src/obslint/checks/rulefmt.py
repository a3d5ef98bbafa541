"""What Prometheus's rule format (rulefmt) rejects: each is an error `promtool check rules` reports too."""

from obslint.checks.registry import Check, register
from obslint.findings import Severity


@register
class UnknownField(Check):
    """Finds a key that the rule format does not know (or that the target Prometheus does not know yet).

    Why: Prometheus decodes rule files strictly and refuses the whole file; a typo such as
    `annotation:` for `annotations:` would otherwise silently drop every annotation.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotation:
              summary: "{{ $labels.instance }} is down"
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotations:
              summary: "{{ $labels.instance }} is down"
    ```
    """

    code = "R001"
    name = "unknown-field"


@register
class WrongType(Check):
    """Finds a field of the wrong YAML type: a list where a mapping belongs, a mapping for a string.

    Why: Prometheus refuses the file with `cannot unmarshal`; obslint says which field and what it
    should hold.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            labels: [severity, critical]
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            labels: {severity: critical}
    ```
    """

    code = "R002"
    name = "wrong-type"


@register
class EmptyGroupName(Check):
    """Finds a rule group without a name.

    Why: Prometheus refuses the file ("Groupname must not be empty").

    Bad:
    ```yaml
    groups:
      - rules:
          - record: job:up:sum
            expr: sum by (job) (up)
    ```

    Good:
    ```yaml
    groups:
      - name: availability
        rules:
          - record: job:up:sum
            expr: sum by (job) (up)
    ```
    """

    code = "R003"
    name = "empty-group-name"


@register
class DuplicateGroup(Check):
    """Finds two groups with the same name in one file.

    Why: Prometheus refuses the file; group names identify groups in its API and metrics.

    Bad:
    ```yaml
    groups:
      - name: availability
        rules: []
      - name: availability
        rules: []
    ```

    Good:
    ```yaml
    groups:
      - name: availability
        rules: []
      - name: latency
        rules: []
    ```
    """

    code = "R004"
    name = "duplicate-group"


@register
class RecordAndAlert(Check):
    """Finds a rule that sets both `record` and `alert`.

    Why: a rule is either a recording rule or an alerting rule; Prometheus refuses the file.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up:sum
            alert: JobDown
            expr: sum by (job) (up) == 0
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: JobDown
            expr: sum by (job) (up) == 0
    ```
    """

    code = "R005"
    name = "record-and-alert"


@register
class NoRecordOrAlert(Check):
    """Finds a rule with neither `record` nor `alert`.

    Why: Prometheus cannot tell what the rule is for and refuses the file.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - expr: up == 0
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
    ```
    """

    code = "R006"
    name = "no-record-or-alert"


@register
class MissingExpr(Check):
    """Finds a rule without an `expr` (or with an empty one).

    Why: Prometheus refuses the file ("field 'expr' must be set in rule").

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
    ```
    """

    code = "R007"
    name = "missing-expr"


@register
class RecordingRuleField(Check):
    """Finds `for`, `keep_firing_for` or `annotations` on a recording rule.

    Why: only alerting rules have them; Prometheus refuses the file.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up:sum
            expr: sum by (job) (up)
            for: 5m
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up:sum
            expr: sum by (job) (up)
    ```
    """

    code = "R008"
    name = "recording-rule-field"


@register
class InvalidRecordName(Check):
    """Finds a recording rule whose `record` is not a valid metric name for the target version.

    Why: the name becomes the metric name of the recorded series; Prometheus refuses the file.
    Before 3.0, metric names are `[a-zA-Z_:][a-zA-Z0-9_:]*`.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up{env="prod"}
            expr: sum by (job) (up{env="prod"})
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up_prod:sum
            expr: sum by (job) (up{env="prod"})
    ```
    """

    code = "R009"
    name = "invalid-record-name"
    example_config = {"prometheus_version": (2, 42)}


@register
class InvalidLabelName(Check):
    """Finds a rule label whose name is not valid for the target version, or that sets `__name__`.

    Why: Prometheus refuses the file. Before 3.0, label names are `[a-zA-Z_][a-zA-Z0-9_]*`;
    `__name__` is never a rule label (use `record` to name a series).

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            labels:
              owning-team: sre
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            labels:
              owning_team: sre
    ```
    """

    code = "R010"
    name = "invalid-label-name"
    example_config = {"prometheus_version": (2, 42)}


@register
class InvalidAnnotationName(Check):
    """Finds an annotation whose name is not a valid label name for the target version.

    Why: Prometheus refuses the file. Before 3.0, annotation names follow label-name rules.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotations:
              runbook-url: https://runbooks.example.com/instance-down
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotations:
              runbook_url: https://runbooks.example.com/instance-down
    ```
    """

    code = "R011"
    name = "invalid-annotation-name"
    example_config = {"prometheus_version": (2, 42)}


@register
class InvalidDuration(Check):
    """Finds a `for`, `keep_firing_for` or `interval` that is not a Prometheus duration.

    Why: Prometheus refuses the file. Durations are units in descending order without spaces or
    fractions: `90s`, `1m30s`, `1h`; `1.5m`, `1h 30m` and `30m1h` are not durations.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            for: 1.5m
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            for: 90s
    ```
    """

    code = "R012"
    name = "invalid-duration"


@register
class TemplateSyntax(Check):
    """Finds a label or annotation of an alerting rule that is not a valid Go template.

    Why: Prometheus refuses the file. Templates see `$labels`, `$value`, `$externalLabels` and
    `$externalURL` (and `.Labels`, `.Value`); a misspelled variable, an unknown function or an
    unclosed `{{` is an error.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotations:
              summary: "{{ $label.instance }} is down"
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            annotations:
              summary: "{{ $labels.instance }} is down"
    ```
    """

    code = "R013"
    name = "template-syntax"


@register
class DuplicateRule(Check):
    """Finds two rules with the same name and the same labels in one file.

    Why: two recording rules writing the same series overwrite each other's samples, and two
    alerts with the same name and labels produce alerts Alertmanager cannot tell apart.
    `promtool check rules` reports this as a lint warning.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up:sum
            expr: sum by (job) (up)
          - record: job:up:sum
            expr: sum by (job) (up{env="prod"})
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:up:sum
            expr: sum by (job) (up)
          - record: job:up:sum
            expr: sum by (job) (up{env="prod"})
            labels:
              env: prod
    ```
    """

    code = "R014"
    name = "duplicate-rule"
    severity = Severity.WARNING
