"""Alertmanager's notification templates: the `templates:` files a config loads, and every templated field
of every receiver (and, from 0.34, route `labels`), parsed and type-checked against the target version's
data model (obslint.alertmanager.notifications); across the repository, what a receiver's templates read
that no alert routed to it carries.

Alertmanager parses `templates:` files when it loads the config (amtool check-config refuses a file that
does not parse), but a receiver's fields only when it sends: a `{{ .Foo }}`, a Prometheus function, an
undefined template name there drops the notification, with an error in a log.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from obslint.alertmanager.model import AlertmanagerConfig
from obslint.checks.base import Check, register, runs
from obslint.core.collector import Collector, Collectors
from obslint.core.findings import Severity
from obslint.crossref.alerts import route
from obslint.crossref.project import Project
from obslint.gotemplate import PROMETHEUS_FUNCTIONS_3

_AM = "alertmanager/alertmanager.yml"
_SLACK_TMPL = """\
{{ define "slack.mlops.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}
{{ define "slack.mlops.text" }}{{ range .Alerts }}{{ .Annotations.summary }}
{{ end }}{{ end }}
"""


class TemplateCheck(Check):
    kind = "alertmanager"
    example_filename = _AM
    example_files = {"alertmanager/templates/slack.tmpl": _SLACK_TMPL}


@register
class AmTemplatesNoMatch(TemplateCheck):
    """Finds a `templates:` glob, relative to the config file's directory (as Alertmanager resolves it),
    that matches no file.

    Why: Alertmanager accepts a glob that matches nothing (files may come later), so a typo in the path
    loads no templates; every receiver that calls one of them then fails to render. An absolute glob
    names a place on the Alertmanager host and is not checked here.

    Bad:
    ```yaml
    templates: ['templates/*.tmp']
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ template "slack.mlops.title" . }}'
    ```

    Good:
    ```yaml
    templates: ['templates/*.tmpl']
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ template "slack.mlops.title" . }}'
    ```
    """

    code = "A201"
    name = "am-templates-no-match"
    severity = Severity.WARNING


@register
class AmTemplatesLoad(TemplateCheck):
    """Finds `templates:` Alertmanager cannot load: a malformed glob, a file it cannot read, a template file
    that does not parse (syntax, a function the target version does not have, two definitions of one
    name in a file).

    Why: Alertmanager refuses the whole config (amtool check-config fails) and a reload keeps the old one.

    Bad:
    ```yaml
    templates: ['templates/*.tmpl']
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ template "slack.broken.title" . }}'
    ```

    Good:
    ```yaml
    templates: ['templates/slack.tmpl']
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ template "slack.mlops.title" . }}'
    ```
    """

    code = "A202"
    name = "am-templates-load"
    example_files = {"alertmanager/templates/slack.tmpl": _SLACK_TMPL,
                     "alertmanager/templates/broken.tmpl":
                         '{{ define "slack.broken.title" }}{{ .CommonLabels.alertname }{{ end }}\n'}


@register
class AmTemplateSyntax(TemplateCheck):
    """Finds a templated receiver field (or route label) that does not parse: an unclosed action, a
    variable that is not defined (`$labels` and `$value` are Prometheus's, not Alertmanager's).

    Why: Alertmanager parses a field only when it sends; the notification then fails, with an error in
    its log, and nobody is told. (Slack from 0.32 is worse: the message is sent, with this field and every
    field rendered after it empty, and no error reaches anyone; this applies to A203-A207.)

    Bad:
    ```yaml
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ $labels.alertname }} is firing'
    ```

    Good:
    ```yaml
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ .CommonLabels.alertname }} is firing'
    ```
    """

    code = "A203"
    name = "am-template-syntax"


@register
class AmTemplateFunction(TemplateCheck):
    """Finds a function the target Alertmanager version does not have in a templated field: Prometheus's
    rule-template functions (`humanize`, `query`, ...), Sprig's, or one a later release adds.

    Why: the field does not parse when Alertmanager sends, so the notification fails. Format values in the
    alerting rule's annotations, where Prometheus's functions exist, and print the annotation here.

    Bad:
    ```yaml
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            text: '{{ range .Alerts }}{{ .Annotations.value | humanize }}{{ end }}'
    ```

    Good:
    ```yaml
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            text: '{{ range .Alerts }}{{ .Annotations.value }}{{ end }}'
    ```
    """

    code = "A204"
    name = "am-template-function"


@register
class AmTemplateField(TemplateCheck):
    """Finds a field or method the data model of the target version does not have, on any branch:
    `.Labels` on the notification (it has `.CommonLabels`; each alert has `.Labels`), `.Foo`, a field of
    a string. Dot is the notification (template.Data) at the top, an alert inside `range .Alerts`, a
    pair inside `range .CommonLabels.SortedPairs`; templates called with `{{ template "x" . }}` are checked
    with what they are given.

    Why: executing it fails, only on the branch that reads it (a resolved notification, say), and the
    notification is dropped.

    Bad:
    ```yaml
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ .Labels.alertname }}'
    ```

    Good:
    ```yaml
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ .CommonLabels.alertname }}'
    ```
    """

    code = "A205"
    name = "am-template-field"


@register
class AmTemplateUndefined(TemplateCheck):
    """Finds `{{ template "name" . }}` where no `templates:` file and no default template of the target
    version defines `name`.

    Why: the notification fails to render. (Not reported when some `templates:` glob names files that are
    not in this checkout, or cannot be loaded.)

    Bad:
    ```yaml
    templates: ['templates/*.tmpl']
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ template "slack.custom.title" . }}'
    ```

    Good:
    ```yaml
    templates: ['templates/*.tmpl']
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ template "slack.mlops.title" . }}'
    ```
    """

    code = "A206"
    name = "am-template-undefined"


@register
class AmTemplateArguments(TemplateCheck):
    """Finds a function or method called with the wrong number of arguments, or with an argument of the
    wrong type where both are known (`toUpper 1`, `join .CommonLabels`, `eq .Status 1`, `lt true false`,
    `gt .Alerts.Firing 1`, a string indexed by a string), and `range` over a value that cannot be ranged
    over.

    Why: executing it fails and the notification is dropped.

    Bad:
    ```yaml
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ join .CommonLabels.Values }}'
    ```

    Good:
    ```yaml
    route:
      receiver: slack
    receivers:
      - name: slack
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            title: '{{ join ", " .CommonLabels.Values }}'
    ```
    """

    code = "A207"
    name = "am-template-arguments"


_MISSING_AM = """\
templates: ['templates/*.tmpl']
route:
  receiver: ml-team
receivers:
  - name: ml-team
    slack_configs:
      - api_url_file: /etc/alertmanager/secrets/slack-url
        text: '{{ range .Alerts }}{{ .Annotations.summary }} <{{ .Annotations.runbook_url }}|runbook>{{ end }}'
"""


@register
class AmTemplateMissingData(TemplateCheck):
    """Finds an annotation or label a receiver's templates read (`.CommonAnnotations.runbook_url`,
    `.Annotations.summary` in `range .Alerts`, `(index .Alerts 0).Labels.team`) that no alert of the
    rules routed to that receiver carries, and a `.GroupLabels` label that no route sending to the receiver
    groups by. A read inside a `templates:` file is reported at the field, with the file's line:column.

    Why: the notification renders an empty value (a link to nowhere, a blank summary) for every alert it
    sends; the rule or the template has drifted. (Labels Prometheus adds, such as external labels, are
    not known here: suppress the finding on the field.)

    With `alertmanager/alertmanager.yml`:
    ```yaml
    templates: ['templates/*.tmpl']
    route:
      receiver: ml-team
    receivers:
      - name: ml-team
        slack_configs:
          - api_url_file: /etc/alertmanager/secrets/slack-url
            text: '{{ range .Alerts }}{{ .Annotations.summary }} <{{ .Annotations.runbook_url }}|runbook>{{ end }}'
    ```

    Bad (`rules/alerts.yaml`):
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ModelServerDown
            expr: up{job="model-server"} == 0
            labels:
              severity: critical
            annotations:
              summary: "{{ $labels.instance }} is down"
    ```

    Good:
    ```yaml
    groups:
      - name: example
        rules:
          - alert: ModelServerDown
            expr: up{job="model-server"} == 0
            labels:
              severity: critical
            annotations:
              summary: "{{ $labels.instance }} is down"
              runbook_url: https://runbooks.example.com/model-server-down
    ```
    """

    code = "A208"
    name = "am-template-missing-data"
    severity = Severity.WARNING
    kind = "cross"
    example_directory = True
    example_filename = "rules/alerts.yaml"
    example_files = {_AM: _MISSING_AM, "alertmanager/templates/slack.tmpl": _SLACK_TMPL}


# the checks of receiver fields that fail only when Alertmanager sends (the config itself loads)
SEND_TIME = (AmTemplateSyntax, AmTemplateFunction, AmTemplateField, AmTemplateUndefined, AmTemplateArguments)


# ------------------------------------------------------------------------------------------- hints
# (the template machinery is imported when a pass runs: listing the checks stays cheap)

def _first_version(function: str) -> str | None:
    from obslint.alertmanager import templates as T

    for ver in sorted(T.VERSIONS.values(), key=lambda v: v.minor):
        if function in ver.functions:
            return ver.name
    return None


def function_hint(name: str, ver) -> str:
    """Why a function is not there: a later release has it, Prometheus has it, or a name close to it."""
    since = _first_version(name)
    if since is not None:
        also = ("; Prometheus has it in rule templates: format the value in the alerting rule's annotation and "
                "print the annotation here") if name in PROMETHEUS_FUNCTIONS_3 else ""
        return f" (Alertmanager has {name} from {since}; the target is {ver.name}{also})"
    if name in PROMETHEUS_FUNCTIONS_3:
        return (f" ({name} is a Prometheus rule-template function, Alertmanager has no such function: format the "
                f"value in the alerting rule's annotation and print the annotation here)")
    names = sorted(set(ver.functions) | {"and", "or", "not", "len", "index", "slice", "print", "printf",
                                          "println", "html", "js", "urlquery", "eq", "ne", "lt", "le", "gt",
                                          "ge", "call"})
    close = [n for n in names if n.lower() == name.lower().replace("upper", "toupper").replace("lower", "tolower")]
    close = close or difflib.get_close_matches(name, names, n=1, cutoff=0.7)
    return f" (did you mean {close[0]}?)" if close else ""


_VARIABLE_HINT = (" (Prometheus rule templates have $labels and $value; Alertmanager's have the notification: "
                  ".CommonLabels, .GroupLabels, .CommonAnnotations, and .Labels and .Annotations of each alert "
                  "inside {{ range .Alerts }})")

_FIELD_HINTS = {
    ("template.Data", "Labels"): "the notification has .CommonLabels (labels all its alerts share) and "
                                 ".GroupLabels; each alert has .Labels, inside {{ range .Alerts }}",
    ("template.Data", "Annotations"): "the notification has .CommonAnnotations; each alert has .Annotations, "
                                      "inside {{ range .Alerts }}",
    ("template.Data", "NotificationReason"): "Alertmanager has it from 0.32",
    ("template.Data", "RouteLabels"): "Alertmanager has it from 0.34",
}
_PROMETHEUS_VALUE = ("$value and .Value are Prometheus's, in the alerting rule's templates: Alertmanager's alerts "
                     "carry no value; put it in an annotation (summary: '... {{ $value | humanize }}') and print "
                     "the annotation here")
_FIELD_HINTS[("template.Data", "Value")] = _FIELD_HINTS[("template.Alert", "Value")] = _PROMETHEUS_VALUE
_ALERT_FIELDS = ("StartsAt", "EndsAt", "GeneratorURL", "Fingerprint")
_DATA_FIELDS = ("CommonLabels", "CommonAnnotations", "GroupLabels", "ExternalURL", "Receiver", "Alerts")


def field_hint(type_name: str, name: str) -> str:
    hint = _FIELD_HINTS.get((type_name, name))
    if hint is None and type_name == "template.Data" and name in _ALERT_FIELDS:
        hint = f"{name} is a field of each alert: use it inside {{{{ range .Alerts }}}}"
    if hint is None and type_name == "template.Alert" and name in _DATA_FIELDS:
        hint = f"{name} is a field of the notification: inside {{{{ range }}}} write $.{name}"
    return f" ({hint})" if hint else ""


# ------------------------------------------------------------------------------------------- passes

@runs("alertmanager", AmTemplatesNoMatch, AmTemplatesLoad, AmTemplateSyntax, AmTemplateFunction, AmTemplateField,
      AmTemplateUndefined, AmTemplateArguments)
def check_templates(config: AlertmanagerConfig, collector: Collector) -> None:
    from obslint.alertmanager import notifications as N

    files = N.config_files(config)
    entries = N.config_templates(config)
    for problem in files.problems:
        node = entries[problem.glob_index]
        if problem.kind == "no-match":
            collector.at(AmTemplatesNoMatch, node, f"templates: {node.as_str()!r} (from {Path(config.path).parent}/) "
                                                   f"matches no file: no templates are loaded from it")
            continue
        message = str(problem.error) if problem.error is not None else problem.message
        if problem.error is not None and "not defined" in problem.error.message and "function" in message:
            message += function_hint(problem.error.message.split('"')[1], files.ver)
        what = {"pattern": "a malformed glob", "read": "a file that cannot be read",
                "parse": "a template that does not parse"}[problem.kind]
        collector.at(AmTemplatesLoad, node, f"Alertmanager refuses the config, {what}: {message}")
    for analysis in N.config_analysis(config):
        _report_field(analysis, files, collector)


def _position(f, offset: int | None) -> tuple[int, int]:
    if f.node is None:
        return f.owner.line, f.owner.column
    if offset is None:
        return f.node.line, f.node.column
    return f.node.position_of(offset)


def _report_field(analysis, files, collector: Collector) -> None:
    """A field's problems (obslint.alertmanager.notifications.FieldAnalysis) as findings at its place."""
    f = analysis.field
    after = ""
    if f.integration == "slack_configs" and files.ver.minor >= 32:  # notifications.SLACK_BLANKS_SINCE
        after = (f" [Alertmanager {files.ver.name} still sends the Slack message, with this field and those "
                 f"rendered after it empty]")

    def add(check, line: int, column: int, message: str) -> None:
        collector.add(check, line, column, message + after)

    label = f.label if f.node is not None else f"{f.label} (its default {f.text!r})"
    error = analysis.parse_error
    if error is not None:
        line, column = _position(f, error.offset)
        if error.message.startswith("function ") and error.message.endswith(" not defined"):
            name = error.message.split('"')[1]
            add(AmTemplateFunction, line, column, f"{label}: function {name!r} is not defined in "
                                                  f"Alertmanager {files.ver.name}" + function_hint(name, files.ver))
        else:
            hint = _VARIABLE_HINT if error.message.startswith("undefined variable") else ""
            add(AmTemplateSyntax, line, column, f"{label}: {error.message}{hint}")
        return
    for problem in analysis.problems:
        inside = problem.tree.name == "" and problem.tree.text == f.text  # the field itself, not a template
        line, column = _position(f, problem.offset if inside else None)
        where = "" if inside else f" (in {_where(problem)})"
        if problem.kind == "field":
            add(AmTemplateField, line, column,
                f"{label}: {problem.message}{where}" + field_hint(problem.type_name, problem.name))
        elif problem.kind == "template":
            if files.complete or (not problem.name.startswith("__") and ".default." not in problem.name
                                  and not files.unresolved and files.loads):
                add(AmTemplateUndefined, line, column,
                    f"{label}: template {problem.name!r} is not defined in the templates files nor in "
                    f"Alertmanager {files.ver.name}'s default templates{where}")
        else:
            add(AmTemplateArguments, line, column, f"{label}: {problem.message}{where}")


def _where(problem) -> str:
    name = problem.tree.parse_name or "the default templates"
    line, column = problem.location.rsplit(":", 2)[1:]
    return f"{name}:{line}:{column}, template {problem.tree.name!r}"


# ----------------------------------------------------------------------------------- across files

_ANNOTATIONS = ("template.Data.CommonAnnotations", "template.Alert.Annotations")
_LABELS = ("template.Data.CommonLabels", "template.Data.GroupLabels", "template.Alert.Labels")


@runs("project", AmTemplateMissingData)
def check_template_data(project: Project, out: Collectors) -> None:
    from obslint.alertmanager import notifications as N

    if project.alertmanager is None:
        return
    am_path, am_source, model = project.alertmanager
    alerts = project.alerts()
    if not alerts:
        return
    by_receiver: dict[str, list] = {}
    grouping: dict[str, set[str] | None] = {}  # receiver -> the labels its routes group by (None: all)
    for r in model.routes():
        if r.group_by_all or grouping.get(r.receiver, set()) is None:
            grouping[r.receiver] = None
        else:
            grouping.setdefault(r.receiver, set()).update(r.group_by)
    for alert in alerts:
        routing = route(model.root, alert)  # where it surely goes, and every route it could reach
        receivers = {r.receiver for r in routing.sure} | {r.receiver for r in model.routes()
                                                          if id(r) in routing.possible}
        for name in receivers:
            by_receiver.setdefault(name, []).append(alert)
    collector = out.get(am_path, am_source)
    for analysis in N.config_analysis(model, am_source):
        f = analysis.field
        routed = by_receiver.get(f.receiver)
        if not routed or f.node is None:
            continue
        seen = set()
        for read in analysis.reads:
            grouped = grouping.get(f.receiver)
            if read.origin in _ANNOTATIONS:
                kind = "annotation"
                carried = any(read.key in a.annotations for a in routed)
            elif read.origin == "template.Data.GroupLabels" and grouped is not None and read.key not in grouped:
                kind = "group label"
                carried = False
            elif read.origin in _LABELS:
                kind = "label"
                carried = any(a.may_have(read.key) for a in routed)
            else:
                continue
            if carried or (kind, read.key) in seen:
                continue
            seen.add((kind, read.key))
            inside = read.tree.name == "" and read.tree.text == f.text  # the field itself, not a template
            line, column = f.node.position_of(read.offset) if inside else (f.node.line, f.node.column)
            where = "" if inside else f" (in {_read_where(read)})"
            if kind == "group label":
                by = ", ".join(sorted(grouped)) or "nothing"
                collector.add(AmTemplateMissingData, line, column,
                              f"{f.label} reads the group label {read.key!r}{where}, but the routes of receiver "
                              f"{f.receiver!r} group by {by}: .GroupLabels has only those, it renders empty")
                continue
            names = sorted({a.name for a in routed})
            shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
            collector.add(AmTemplateMissingData, line, column,
                          f"{f.label} reads the {kind} {read.key!r}{where}, which no alert routed to receiver "
                          f"{f.receiver!r} has ({shown}): it renders empty")


def _read_where(read) -> str:
    from obslint.gotemplate.parse import line_col

    line, column = line_col(read.tree.text, read.offset)
    return f"{read.tree.parse_name or 'the default templates'}:{line}:{column}, template {read.tree.name!r}"
