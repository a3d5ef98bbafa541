"""Static type inference over Go templates (obslint.gotemplate.typecheck), on Alertmanager's data model:
problems on every branch, dot through range/with/template, variables, reads of map keys; and, as a
property, that a template the checker passes executes on sample data without the errors it claims to
find (and one it flags fails when that branch runs)."""

from __future__ import annotations

import pytest

from obslint.alertmanager import templates as T
from obslint.gotemplate.typecheck import Checker, V

VERSION = T.version("0.25")


@pytest.fixture(scope="module")
def base():
    try:
        return T._base_set(VERSION, True)
    except T.DefaultTemplatesMissing:
        return T._base_set(VERSION, False)


def check(base, text: str, extra: str | None = None):
    tset = base.clone()
    if extra is not None:
        tset.parse("extra.tmpl", extra)
    tset.parse("", text)
    result = Checker(tset.lookup, tset.funcs, VERSION.go).check(tset.lookup(""), V(base.model.data))
    return result


def kinds(result) -> list[tuple[str, str]]:
    return [(p.kind, p.message) for p in result.problems]


@pytest.mark.parametrize("text,kind,fragment", [
    ("{{ .Foo }}", "field", "can't evaluate field Foo in type template.Data"),
    ("{{ .Labels.team }}", "field", "field Labels in type template.Data"),
    ("{{ range .Alerts }}{{ .CommonLabels.x }}{{ end }}", "field", "field CommonLabels in type template.Alert"),
    ("{{ range .CommonLabels.SortedPairs }}{{ .Nam }}{{ end }}", "field", "did you mean .Name?"),
    ("{{ .Status.Foo }}", "field", "field Foo in type string"),
    ('{{ template "nope" . }}', "template", 'template "nope" not defined'),
    ("{{ join .CommonLabels.Values }}", "args", "wrong number of args for join: want 2 got 1"),
    ("{{ toUpper 1 }}", "args", "expected string; found 1"),
    ("{{ .CommonLabels | toUpper }}", "args", "expected string; got template.KV"),
    ("{{ len 3 }}", "args", "len of type int"),
    ("{{ range .Status }}{{ end }}", "range", "range can't iterate over a value of type string"),
    ("{{ .CommonLabels.SortedPairs.Names 1 }}", "args", "wrong number of args for Names"),
    ("{{ index .Status 0 | toUpper }}", "args", "expected string; got uint8"),
])
def test_problems(base, text, kind, fragment):
    found = kinds(check(base, text))
    assert any(k == kind and fragment in m for k, m in found), found


@pytest.mark.parametrize("text", [
    "{{ .CommonLabels.alertname }} {{ .GroupLabels.team }} {{ .CommonAnnotations.summary }}",
    "{{ range .Alerts }}{{ .Labels.instance }} {{ .StartsAt.Format \"15:04\" }} {{ .Annotations.x }}{{ end }}",
    "{{ range $i, $a := .Alerts.Firing }}{{ $i }} {{ $a.Fingerprint }} {{ $.ExternalURL }}{{ end }}",
    "{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }}{{ end }}",
    "{{ with .CommonLabels.Remove (stringSlice \"a\") }}{{ .b }}{{ end }}",
    "{{ (index .Alerts 0).Labels.team }} {{ index .CommonLabels \"team\" }} {{ len .Alerts }}",
    "{{ $x := .CommonLabels }}{{ $x.team }}{{ if eq .Status \"firing\" }}!{{ end }}",
    "{{ join \", \" .CommonLabels.Values }} {{ .CommonLabels.Names | join \",\" }}",
    "{{ range $k, $v := .CommonLabels }}{{ $k | toUpper }}{{ $v }}{{ end }}",
    '{{ printf "%d firing" (len .Alerts.Firing) }}',
])
def test_clean(base, text):
    assert kinds(check(base, text)) == []


def test_every_branch_is_checked(base):
    result = check(base, '{{ if eq .Status "firing" }}ok{{ else }}{{ .Alerts.Foo }}{{ end }}')
    assert [p.kind for p in result.problems] == ["field"]
    # the sample data is firing: executing it never reaches the bad branch
    tset = base.clone()
    tset.parse("", '{{ if eq .Status "firing" }}ok{{ else }}{{ .Alerts.Foo }}{{ end }}')
    data = base.model.make_data(status="firing")
    assert tset.execute("", data) == "ok"


def test_called_templates_are_checked_with_the_dot_they_get(base):
    extra = '{{ define "per.alert" }}{{ .Labels.team }}{{ .Foo }}{{ end }}'
    result = check(base, '{{ range .Alerts }}{{ template "per.alert" . }}{{ end }}', extra)
    assert [(p.kind, p.tree.name, p.tree.parse_name) for p in result.problems] == [("field", "per.alert", "extra.tmpl")]
    assert "template.Alert" in result.problems[0].message
    # the same template given the notification: .Labels is the problem there
    result = check(base, '{{ template "per.alert" . }}', extra)
    assert any("field Labels in type template.Data" in p.message for p in result.problems)


def test_recursive_templates_terminate(base):
    extra = '{{ define "loop" }}{{ if .Alerts }}{{ template "loop" . }}{{ end }}{{ end }}'
    assert kinds(check(base, '{{ template "loop" . }}', extra)) == []


def test_reads_name_the_map_they_come_from(base):
    result = check(base, '{{ .CommonAnnotations.runbook_url }}{{ range .Alerts }}{{ .Labels.team }}'
                         '{{ index .Annotations "summary" }}{{ end }}{{ (index .Alerts 0).Labels.x }}')
    assert [(r.origin, r.key) for r in result.reads] == [
        ("template.Data.CommonAnnotations", "runbook_url"), ("template.Alert.Labels", "team"),
        ("template.Alert.Annotations", "summary"), ("template.Alert.Labels", "x")]


def test_unknown_values_report_nothing(base):
    # dict and list give interface values: nothing is known about them
    v35 = T.version("0.35")
    base35 = T._base_set(v35, False)
    tset = base35.clone()
    tset.parse("", '{{ $d := dict "a" .CommonLabels }}{{ $d.a.b.c }}{{ (index (list 1 2) 0).Foo }}')
    result = Checker(tset.lookup, tset.funcs, v35.go).check(tset.lookup(""), V(base35.model.data))
    assert result.problems == []


def test_version_model(base):
    """NotificationReason is a field from 0.32: the 0.25 model lacks it, 0.35 has it."""
    assert any("NotificationReason" in m for _, m in kinds(check(base, "{{ .NotificationReason }}")))
    v35 = T.version("0.35")
    base35 = T._base_set(v35, False)
    tset = base35.clone()
    tset.parse("", "{{ .NotificationReason }}{{ .RouteLabels.x }}")
    assert Checker(tset.lookup, tset.funcs, v35.go).check(tset.lookup(""), V(base35.model.data)).problems == []


# --- the checker agrees with the evaluator --------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NAMES = ["Status", "Alerts", "CommonLabels", "Labels", "Annotations", "Foo", "SortedPairs", "Name", "Value",
         "Firing", "Receiver", "StartsAt", "Unix", "Values", "Names", "GroupLabels", "label1", "Fingerprint"]
CONTEXTS = ["{x}", "{{{{ range .Alerts }}}}{x}{{{{ end }}}}",
            "{{{{ range .CommonLabels.SortedPairs }}}}{x}{{{{ end }}}}",
            "{{{{ with index .Alerts 0 }}}}{x}{{{{ end }}}}", "{{{{ range $a := .Alerts }}}}{x}{{{{ end }}}}"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chain=st.lists(st.sampled_from(NAMES), min_size=1, max_size=3), context=st.sampled_from(CONTEXTS),
       root=st.sampled_from([".", "$a."]))
def test_field_problems_are_the_evaluators(base, chain, context, root):
    """On straight-line templates whose every action runs on the sample data, the checker finds a field
    problem exactly when executing fails on a field."""
    if root == "$a." and "$a" not in context:
        root = "."
    text = context.format(x="{{ " + root + ".".join(chain) + " }}")
    result = check(base, text)
    claimed = any(p.kind in ("field", "args") for p in result.problems)
    tset = base.clone()
    tset.parse("", text)
    try:
        tset.execute("", T.sample_data(base.model))
        failed = False
    except Exception as exc:  # noqa: BLE001 - any execution error counts
        failed = "field" in str(exc) or "argument" in str(exc) or "cannot be invoked" in str(exc)
    assert claimed == failed, (text, [p.message for p in result.problems])


COMPARISONS = ['{{ lt "x" true }}', '{{ lt true true }}', '{{ eq 1 1.5 }}', '{{ eq 1 2 }}', '{{ eq .Status "firing" }}',
               '{{ lt (len .Alerts) 2 }}', '{{ eq 1 1 "x" }}', '{{ "a,b" | index "a,b" }}', '{{ index "ab" 1 }}',
               '{{ join .Status .Status }}', '{{ .Status | join $.Status }}', '{{ join "," .CommonLabels.Values }}',
               '{{ join "," nil }}', '{{ join "," .CommonLabels }}', '{{ gt .Alerts.Firing 1 }}',
               '{{ ne .Status 1 }}', '{{ le 1 2.5 }}', '{{ ge "a" "b" }}']


@pytest.mark.parametrize("version", ["0.25", "0.35"])
@pytest.mark.parametrize("text", COMPARISONS)
def test_argument_kinds_the_checker_knows_are_the_evaluators(version, text):
    """Comparisons of kinds Go refuses, a string indexed by a string, and (0.35, where join takes any
    value) join of what is not a slice: claimed exactly when executing fails."""
    ver = T.version(version)
    base = T._base_set(ver, False)
    tset = base.clone()
    tset.parse("", text)
    claimed = Checker(tset.lookup, tset.funcs, ver.go).check(tset.lookup(""), V(base.model.data)).problems
    try:
        tset.execute("", T.sample_data(base.model))
        failed = False
    except Exception:  # noqa: BLE001 - any execution error counts
        failed = True
    assert bool(claimed) == failed, (text, [p.message for p in claimed])
