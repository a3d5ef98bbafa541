import json

import pytest
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
 '{{ if 1 }}{{ else }}{{ else }}{{ end }}', "{{ 'a' }}", '{{ `raw` }}', '{{ -1 }}', '{{ .a.b }}', '{{ $x := 1 }}{{ $x = 2 }}{{ $x }}',
 '{{ $y = 2 }}', '{{ humanizePercentage $value }}', '{{ nil }}', '{{ true }}', '{{ (1) }}', '{{ ( }}', '{{ ) }}',
 '{{ $labels.x | }}', '{{ | humanize }}', '{{ if $labels.x }}a{{ end', '{{ range $k, $v := $labels }}{{$k}}={{$v}} {{end}}',
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
