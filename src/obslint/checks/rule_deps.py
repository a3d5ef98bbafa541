"""Dependencies inside a rule set: series read that no rule records, recording rules nothing reads
(rules or the project's dashboards), and series read before their recording rule runs.

They need every rule file of the project at once, so they run when `obslint check` is given a
directory (a project root or a rules directory), not when it is given single files.
"""

from __future__ import annotations

import fnmatch

from obslint.checks.base import Check, register, runs
from obslint.core.collector import Collector, Collectors
from obslint.core.findings import Severity
from obslint.rules.facts import RECORD_NAME, RuleFact


@register
class RecordingRuleMissing(Check):
    """Finds a rule that reads a `level:metric:operation` series that no recording rule of the project
    records (series recorded elsewhere go in `policy.external-series`, globs allowed). Runs when obslint
    checks a directory, so that it sees the whole rule set.

    Why: after a recording rule is renamed or deleted, the rules that read it get no data: alerts
    silently never fire.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
          - record: job:http_requests_errors:ratio_rate5m
            expr: job:http_request_errors:rate5m / job:http_requests:rate5m
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
          - record: job:http_request_errors:rate5m
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))
          - record: job:http_requests_errors:ratio_rate5m
            expr: job:http_request_errors:rate5m / job:http_requests:rate5m
    ```
    """

    code = "R141"
    name = "recording-rule-missing"
    example_directory = True


@register
class RecordingRuleUnused(Check):
    """Finds a recording rule that no rule and no dashboard of the project reads. Runs when obslint
    checks a directory.

    Why: it costs evaluation and storage for nothing; often its reader was renamed.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
          - alert: NoRequests
            expr: job:http_requests:rate5m == 0
            for: 15m
            labels:
              severity: warning
              team: api
            annotations:
              summary: "{{ $labels.job }} gets no requests"
              description: "{{ $labels.job }} has had no requests for 15 minutes."
    ```
    """

    code = "R142"
    name = "recording-rule-unused"
    severity = Severity.INFO
    example_directory = True


@register
class ReadBeforeRecorded(Check):
    """Finds a rule that reads a series recorded by a later rule of the same group.

    Why: rules of a group run in order, so the reader sees the value of the previous evaluation: one
    interval late, and nothing at all on the first evaluation.

    Bad:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests_errors:ratio_rate5m
            expr: job:http_request_errors:rate5m / job:http_requests:rate5m
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
          - record: job:http_request_errors:rate5m
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - record: job:http_requests:rate5m
            expr: sum by (job) (rate(http_requests_total[5m]))
          - record: job:http_request_errors:rate5m
            expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))
          - record: job:http_requests_errors:ratio_rate5m
            expr: job:http_request_errors:rate5m / job:http_requests:rate5m
    ```
    """

    code = "R143"
    name = "read-before-recorded"
    severity = Severity.WARNING
    example_directory = True


@runs("project", RecordingRuleMissing, RecordingRuleUnused, ReadBeforeRecorded)
def check(project, collectors: Collectors) -> None:
    """The project's rules together (its rule facts) and its dashboards' queries."""
    facts, config = project.facts, collectors.config
    if not facts:
        return
    dashboard_reads = project.dashboard_reads()

    def collector(fact: RuleFact) -> Collector:
        return collectors.get(fact.path, fact.source)

    recorded: dict[str, list[RuleFact]] = {}
    for fact in facts:
        if fact.kind == "record":
            recorded.setdefault(fact.name, []).append(fact)
    external = config.policy.external_series
    read_by_rules: set[str] = set()
    for fact in facts:
        read_by_rules |= fact.reads
        for name in sorted(fact.reads):
            if not RECORD_NAME.fullmatch(name):
                continue
            recorders = recorded.get(name)
            if recorders is None:
                if not any(fnmatch.fnmatchcase(name, pattern) for pattern in external):
                    collector(fact).add(RecordingRuleMissing, fact.expr_line, fact.expr_column,
                                        f"{fact.kind} `{fact.name}` reads `{name}`, which no recording rule records "
                                        "(list series recorded elsewhere in `policy.external-series`)")
                continue
            later = [r for r in recorders if r.source == fact.source and r.group == fact.group and r.index > fact.index]
            if later:
                collector(fact).add(ReadBeforeRecorded, fact.expr_line, fact.expr_column,
                                    f"{fact.kind} `{fact.name}` reads `{name}` before the rule that records it "
                                    f"(line {later[0].line}) in group `{fact.group}`: it sees the value of the "
                                    "previous evaluation; move the recording rule up")
    for name, recorders in recorded.items():
        if name not in read_by_rules and name not in dashboard_reads:
            for fact in recorders:
                collector(fact).add(RecordingRuleUnused, fact.line, fact.column,
                                    f"nothing reads the recording rule `{name}` "
                                    "(no rule, no dashboard in the project)")
