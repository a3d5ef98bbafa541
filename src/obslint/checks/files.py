"""Checks on reading a file at all: YAML syntax, encoding, size, aliases, duplicate keys, a file that
cannot be read, and a file named on the command line that is no kind obslint knows. `read` reads a
YAML file and reports them."""

from __future__ import annotations

from pathlib import Path

from obslint.checks.base import Check, register
from obslint.core.collector import Collector, Suppressions
from obslint.core.findings import Severity


@register
class YamlSyntax(Check):
    """Finds text that is not valid YAML.

    Why: Prometheus and Alertmanager refuse to load the whole file, so every rule or route in it
    is gone until it is fixed; obslint names the line and column where the parser gave up.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: Down
            expr: up == 0
           labels: {severity: critical}
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: Down
            expr: up == 0
            labels: {severity: critical}
    ```
    """

    code = "Y001"
    name = "yaml-syntax"
    kind = "yaml"


@register
class NotUtf8(Check):
    """Finds a file that is not UTF-8 (nor UTF-16/32 with a byte-order mark).

    Why: Go's YAML decoders read UTF-8 only; a Latin-1 `é` in an annotation makes Prometheus
    refuse the file. obslint points at the first byte that cannot be decoded.

    Bad (written as Latin-1):
    ```yaml
    groups:
      - name: café
        rules: []
    ```

    Good (written as UTF-8):
    ```yaml
    groups:
      - name: cafe
        rules: []
    ```
    """

    code = "Y002"
    name = "not-utf8"
    kind = "yaml"
    example_encoding = {False: "latin-1", True: "utf-8"}


@register
class FileTooLarge(Check):
    """Finds a file larger than `max-file-size` (10 MiB by default), without reading it.

    Why: a rule or routing file that large is almost always a generated mistake, and reading it
    would make a pre-commit hook slow; raise the limit in the config if it is meant.

    Bad (with max-file-size = 64):
    ```yaml
    groups:
      - name: a-group-whose-file-is-larger-than-sixty-four-bytes
        rules: []
    ```

    Good:
    ```yaml
    groups: []
    ```
    """

    code = "Y003"
    name = "file-too-large"
    kind = "yaml"
    example_config = {"max_file_size": 64}


@register
class YamlAliasBomb(Check):
    """Finds YAML whose aliases expand to more than `max-yaml-nodes` nodes, or refer to themselves.

    Why: a few lines of anchors and aliases can expand to billions of nodes (the "billion laughs"
    attack) and exhaust the memory of every tool that reads the file.

    Bad (with max-yaml-nodes = 50):
    ```yaml
    a: &a [x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a]
    groups: []
    ```

    Good:
    ```yaml
    a: &a [x, x]
    b: [*a]
    groups: []
    ```
    """

    code = "Y004"
    name = "yaml-aliases"
    kind = "yaml"
    example_config = {"max_yaml_nodes": 50}


@register
class DuplicateKey(Check):
    """Finds a mapping key that appears twice in the same mapping.

    Why: Go's YAML decoder (yaml.v3, used by Prometheus) refuses the file, while many other tools
    silently keep the last value, so the file "works" in an editor and fails in production.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: Down
            expr: up == 0
            expr: up < 1
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: Down
            expr: up == 0
    ```
    """

    code = "Y005"
    name = "duplicate-key"
    kind = "yaml"


@register
class UnreadableFile(Check):
    """Finds a file obslint was to lint but could not read when it came to it (removed meanwhile, no
    permission, an I/O error). Such a run exits 2, as a usage error does: a missing or unreadable path
    given on the command line or configured stops obslint before it lints anything, with exit code 2.

    Why: a path that silently lints nothing is a CI gate that passes for the wrong reason.

    Bad (a file that is gone when obslint reads it):
    ```text
    ```

    Good:
    ```yaml
    groups: []
    ```
    """

    code = "Y006"
    name = "unreadable-file"
    kind = "yaml"
    severity = Severity.ERROR
    example_unreadable = True


@register
class UnknownFileKind(Check):
    """Finds a YAML or JSON file named on the command line that is none of the kinds obslint reads: a
    rule file (or PrometheusRule, or rules in a ConfigMap or Helm values), promtool unit tests, an
    Alertmanager config (plain, in a Secret or ConfigMap, or in Helm values), a dashboard, or a
    Prometheus config. (A walk of a directory says nothing about such files: `obslint check
    --show-files` lists what it read each file as.)

    Why: obslint would otherwise pass a file it never checked; a typo in `groups:` or `route:` makes a
    file no longer look like what it is meant to be.

    Bad:
    ```yaml
    grups:
      - name: example
        rules: []
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules: []
    ```
    """

    code = "Y007"
    name = "unknown-file-kind"
    severity = Severity.WARNING
    example_filename = "example.yaml"


@register
class TemplateSkipped(Check):
    """Says that a file is a template (Helm's `{{ .Values... }}`, `{{- include ... }}`, Go's or Liquid's
    actions outside YAML strings, or any file under a Helm chart's `templates/`) that renders monitoring
    content, and was not linted: it is not YAML until it is rendered. Also said of rules and Alertmanager
    configs in Helm values that the chart passes through `tpl` (`{{ template "..." . }}` in an expression,
    `tplConfig: true`). To lint it, render it (`helm template`) into a file and check that.

    Why: a template reported as broken YAML is a false alarm that teaches people to ignore obslint; one
    not mentioned at all is a file nobody knows went unchecked.

    Bad:
    ```yaml
    {{- if .Values.rules.enabled }}
    apiVersion: monitoring.coreos.com/v1
    kind: PrometheusRule
    metadata:
      name: {{ include "chart.fullname" . }}
    spec:
      groups:
        - name: example
          rules:
            - alert: Down
              expr: up == 0
    {{- end }}
    ```

    Good:
    ```yaml
    apiVersion: monitoring.coreos.com/v1
    kind: PrometheusRule
    metadata:
      name: example
    spec:
      groups:
        - name: example
          rules:
            - alert: Down
              expr: up == 0
    ```
    """

    code = "Y008"
    name = "template-skipped"
    kind = "yaml"
    severity = Severity.INFO


@register
class PrometheusV1Rules(Check):
    """Says that a rule file (a `*.rules` file, or a ConfigMap's data value) is in Prometheus 1.x's text
    format (`ALERT name IF expr FOR 5m ...`, `name = expr`), which Prometheus 2 and later do not read;
    it was not linted. `promtool update rules` of a 1.x promtool converts it.

    Why: such a file loads nowhere any more: its alerts are gone, whatever the file says.

    Bad:
    ```text
    ALERT InstanceDown
      IF up == 0
      FOR 5m
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: InstanceDown
            expr: up == 0
            for: 5m
    ```
    """

    code = "Y009"
    name = "prometheus-1-rules"
    kind = "yaml"
    severity = Severity.INFO
    example_filename = "example.rules"


def read(path: Path, config, collector: Collector):
    """(text, documents) or (text or None, None) after reporting why the file cannot be read; the
    collector takes the file's suppression comments."""
    text, documents, error = load(path, config)
    if text is not None:
        collector.suppressions = Suppressions(text)
    if error is not None:
        report(error, collector)
    return text, documents


def load(path: Path, config):
    """(text or None, documents or None, the YamlError that stopped reading or None), reporting nothing."""
    from obslint import yamlload

    text = None
    try:
        text = yamlload.read_file(path, config.max_file_size)
        return text, yamlload.load_documents(text, config.max_yaml_nodes), None
    except yamlload.YamlError as exc:
        return text, None, exc


def report(error, collector: Collector) -> None:
    """Report a YamlError (of the file, or of a file embedded in it, at the outer file's position)."""
    collector.add(YAML_ERRORS[error.kind], error.line, error.column, error.message)


YAML_ERRORS = {"syntax": YamlSyntax, "encoding": NotUtf8, "size": FileTooLarge, "aliases": YamlAliasBomb,
               "duplicate-key": DuplicateKey, "io": UnreadableFile}


def unknown_kind(collector: Collector) -> None:
    collector.add(UnknownFileKind, 1, 1, "obslint cannot tell what kind of file this is: no rule groups, unit tests, "
                                         "Alertmanager config, dashboard or Prometheus config (`obslint check "
                                         "--show-files` shows what each file was read as)")


def template_skipped(collector: Collector, line: int, column: int, what: str) -> None:
    collector.add(TemplateSkipped, line, column, f"{what}: not linted (it is not YAML until it is rendered; lint "
                                                 "the rendered output)")


def prometheus_v1_rules(collector: Collector, line: int, column: int, what: str) -> None:
    collector.add(PrometheusV1Rules, line, column, f"{what} is in Prometheus 1.x's rule format (ALERT ... IF ...), "
                                                   "which Prometheus 2 and later do not load: not linted")
