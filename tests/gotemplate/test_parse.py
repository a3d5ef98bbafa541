import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import promtool_verdicts

from obslint.gotemplate import TemplateError, parse_template

TEMPLATES = [
 '{{ $labels.x }}', '{{ .Labels.x }}', '{{ $value | humanize }}', '{{ if gt $value 1.0 }}hi{{ end }}',
 '{{ if }}', '{{ end }}', '{{ range $i, $e := query "up" }}{{ $e.Labels.x }}{{ end }}',
 '{{ with $x := 1 }}{{ $x }}{{ end }}{{ $x }}', '{{- $labels.x -}}', '{{/* c */}}', '{{ /* c */ }}',
 '{{ printf "%.2f" $value }}', '{{ $value | printf "%.2f" }}', '{{ "a" | toUpper }}', '{{ nosuch }}',
 '{{ range query "up" }}{{ break }}{{ end }}', '{{ break }}', '{{ template "x" }}', '{{ define "x" }}a{{ end }}',
 '{{ index $labels "a-b" }}', '{{ (query "up") | first | value }}', '{{ $labels.x', '{{ "unterminated }}',
 '{{ 1 2 }}', '{{ .Value.X.Y }}', '{{ $.Labels.x }}', '{{ else }}', '{{ if 1 }}{{ else if 2 }}{{ else }}{{ end }}',
 '{{ if 1 }}{{ else }}{{ else }}{{ end }}', "{{ 'a' }}", '{{ `raw` }}', '{{ -1 }}', '{{ .a.b }}',
 '{{ $x := 1 }}{{ $x = 2 }}{{ $x }}',
 '{{ $y = 2 }}', '{{ humanizePercentage $value }}', '{{ nil }}', '{{ true }}', '{{ (1) }}', '{{ ( }}', '{{ ) }}',
 '{{ $labels.x | }}', '{{ | humanize }}', '{{ if $labels.x }}a{{ end',
 '{{ range $k, $v := $labels }}{{$k}}={{$v}} {{end}}',
 '{{ with .Labels }}{{ .job }}{{ end }}', '{{ 0x1F }}', '{{ 1e3 }}', '{{ .Labels.x.y.z }}', '{{$labels.x}}{{$value}}',
 '{{ template "x" . }}', '{{ block "x" . }}y{{ end }}', '{{ continue }}', '{{ toDuration 1 }}', '{{ $a, $b := 1 }}',
]


def verdict(text):
    try:
        parse_template(text, (2, 42))
        return True
    except TemplateError:
        return False


def test_template_verdicts_equal_promtool_2_42(promtool, tmp_path):
    paths = []
    for i, text in enumerate(TEMPLATES):
        path = tmp_path / f"t{i}.yml"
        path.write_text("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n"
                        "      s: " + json.dumps(text) + "\n", encoding="utf-8")
        paths.append(path)
    theirs = promtool_verdicts(promtool, paths)
    mismatches = {t: verdict(t) for t, p in zip(TEMPLATES, paths, strict=True) if verdict(t) != theirs[p][0]}
    assert mismatches == {}
    assert sum(1 for v in theirs.values() if not v[0]) >= 10


def test_references_and_pipelines_are_recorded():
    template = parse_template("{{ $labels.instance }} {{ .Labels.job }} {{ $value | humanizePercentage }}")
    assert [(r.root, r.fields) for r in template.references] == [
        ("$labels", ("instance",)), (".", ("Labels", "job")), ("$value", ())]
    assert template.pipelines[-1].words == ["$value", "humanizePercentage"]


def test_error_offsets():
    with pytest.raises(TemplateError) as info:
        parse_template("ok {{ $label.x }}")
    assert info.value.offset == 6
    with pytest.raises(TemplateError) as info:
        parse_template("{{ if 1 }}never closed")
    assert "unexpected EOF" in str(info.value)


def test_functions_depend_on_the_version():
    parse_template("{{ toDuration 1 }}", (3, 0))
    with pytest.raises(TemplateError):
        parse_template("{{ toDuration 1 }}", (2, 42))


# pieces that make the simple actions the fast path reads, and near misses that it must leave to the
# full parser: trim markers, spacing, fields, pipes, unknown functions and variables, stray characters
_PIECES = ["{{", "}}", "{{- ", " -}}", "-}}", " ", "\t", "\n", "$labels", "$value", "$", "$x", "$externalURL",
           ".instance", ".a.b", ".", ".0", "|", " | ", "humanize", "humanizePercentage", "toDuration", "nosuch",
           "true", "if", "end", "x", "é", '"s"', "(", "%", "text "]


@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join),
       st.sampled_from([(2, 42), (3, 0)]))
@settings(max_examples=400, deadline=None)
def test_the_fast_path_for_simple_templates_agrees_with_the_full_parser(text, version):
    from obslint.gotemplate import PROMETHEUS_VARIABLES, _parse_simple, _Parser, prometheus_functions

    functions = prometheus_functions(version)
    fast = _parse_simple(text, functions, PROMETHEUS_VARIABLES)
    if fast is not None:
        assert repr(fast) == repr(_Parser(text, functions, PROMETHEUS_VARIABLES).parse())


def test_the_fast_path_reads_the_common_actions_and_leaves_the_rest():
    from obslint.gotemplate import PROMETHEUS_VARIABLES, _parse_simple, prometheus_functions

    functions = prometheus_functions((2, 42))
    simple = _parse_simple("{{ $labels.instance }} at {{- $value | humanizePercentage -}}%", functions,
                           PROMETHEUS_VARIABLES)
    assert [(r.root, r.fields, r.offset) for r in simple.references] == [
        ("$labels", ("instance",), 3), ("$value", (), 30)]
    assert simple.functions == [("humanizePercentage", 39)]
    for other in ("{{ printf \"%.2f\" $value }}", "{{ $x }}", "{{ $value | toDuration }}", "{{ .Labels.a }}",
                  "{{ $value | }}", "{{/* c */}}"):
        assert _parse_simple(other, functions, PROMETHEUS_VARIABLES) is None, other
