"""Go's text/template and html/template semantics as obslint executes them (expected values are Go's
documented behaviour; the differential test against amtool checks the same against the real thing)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obslint.gotemplate import gotime
from obslint.gotemplate.escape import escape_template
from obslint.gotemplate.execute import ExecError, TemplateSet
from obslint.gotemplate.parse import TemplateError, parse
from obslint.gotemplate.printf import format_float, go_quote, sprint, sprintf
from obslint.gotemplate.values import MAP_STRING_ANY, SLICE_ANY, GoMap, GoSlice


def render(text, data=None, html=False, **options):
    tset = TemplateSet(**options)
    tset.parse("t", text)
    if html:
        escape_template(tset, "t")
    return tset.execute("t", data)


@pytest.mark.parametrize("fmt, args, out", [
    ("%5.2f|%-4d|%04d", (3.14159, 7, -5), " 3.14|7   |-005"),
    ("%x %X %#x %o %b %c %U", (255, 255, 255, 8, 5, 65, 0x1F600), "ff FF 0xff 10 101 A U+1F600"),
    ("%q %s %v %t", ("a\"b", "s", 1.0, True), '"a\\"b" s 1 true'),
    ("%v %v %v %v", (1e6, 123456.0, 1e21, 1e-05), "1e+06 123456 1e+21 1e-05"),
    ("%e %g %.3g %G", (1234.5678, 0.00001, 100000.0, 1e-10), "1.234568e+03 1e-05 1e+05 1E-10"),
    ("%d %s", ("x", 1), "%!d(string=x) %!s(int=1)"),
    ("%5.1f", ("abc",), "%!f(string=    a)"),  # the value printed with %v under the same width and precision
    ("%d %d", (1,), "1 %!d(MISSING)"),
    ("%d", (1, 2), "1%!(EXTRA int=2)"),
    ("%[2]d %[1]d", (1, 2), "2 1"),
    ("%*d|%-*d", (4, 1, 3, 2), "   1|2  "),
    ("%", (), "%!(NOVERB)"),
    ("%x", ("hi",), "6869"),
])
def test_printf_follows_go_fmt(fmt, args, out):
    assert sprintf(fmt, *args) == out


def test_sprint_puts_spaces_between_operands_that_are_not_strings():
    assert sprint("a", 1, 2, "b", 3.5, None) == "a1 2b3.5 <nil>"


def test_floats_print_with_go_shortest_formatting():
    assert format_float(0.1, "g") == "0.1"
    assert format_float(2.5, "f", 0) == "2"  # half to even, as Go rounds the exact value
    assert format_float(float("inf"), "g") == "+Inf"
    assert go_quote("é\n\x01") == '"é\\n\\x01"'


def test_fields_maps_and_missing_keys():
    data = GoMap({"a": 1, "m": GoMap({"x": "y"}, MAP_STRING_ANY)}, MAP_STRING_ANY)
    assert render("{{ .a }} {{ .nope }} {{ .m.x }}", data) == "1 <no value> y"
    assert render("{{ .nope }}", data, missingkey="zero") == "<no value>"  # the zero of interface{} is nil
    with pytest.raises(ExecError, match='map has no entry for key "nope"'):
        render("{{ .nope }}", data, missingkey="error")


def test_range_break_continue_and_variables():
    items = GoSlice(["a", "b", "c"], SLICE_ANY)
    assert render("{{ range $i, $e := . }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $i }}{{ $e }}{{ end }}",
                  items) == "0a2c"
    assert render("{{ range . }}{{ . }}{{ break }}{{ end }}", items) == "a"
    assert render("{{ range .x }}x{{ else }}empty{{ end }}", GoMap({}, MAP_STRING_ANY)) == "empty"
    assert render("{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}",
                  GoMap({"b": 2, "a": 1}, MAP_STRING_ANY)) == "a=1;b=2;"  # sorted keys
    assert render("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}") == "2"
    assert render("{{ range 3 }}{{ . }}{{ end }}") == "012"  # Go 1.22: range over an integer
    with pytest.raises(ExecError, match="range can't iterate over 3"):
        render("{{ range 3 }}{{ . }}{{ end }}", go=(1, 21))


def test_define_template_block_and_whitespace_trimming():
    assert render('{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" 1 }}{{ template "x" }}') == "[1][<no value>]"
    assert render('{{ block "b" "v" }}<{{ . }}>{{ end }}') == "<v>"
    assert render("a  {{- 1 -}}  b {{/* gone */}}c") == "a1b c"


def test_comparisons_follow_go_rules():
    assert render("{{ eq 1 1 }} {{ eq \"a\" \"b\" \"a\" }} {{ lt 1 2 }} {{ ge \"b\" \"a\" }}") == "true true true true"
    for bad in ("{{ eq 1 1.0 }}", "{{ lt 1 \"a\" }}", "{{ lt true false }}", "{{ eq }}"):
        with pytest.raises(ExecError):
            render(bad)


def test_errors_name_the_template_and_the_place():
    with pytest.raises(ExecError) as info:
        render("line one\n  {{ .a.b.c }}", GoMap({"a": 1}, MAP_STRING_ANY))
    assert str(info.value).startswith("template: t:2:5: executing \"t\" at <.a.b.c>: ")
    with pytest.raises(TemplateError) as info:
        render("ok\n{{ if }}")
    assert "t:2:" in str(info.value) and "missing value for if" in str(info.value)
    with pytest.raises(TemplateError, match='function "nope" not defined'):
        render("{{ nope }}")


def test_parse_keeps_go_version_rules():
    assert set(parse("", '{{ with 1 }}a{{ else with 2 }}b{{ end }}', {"x"}, go=(1, 23)))
    with pytest.raises(TemplateError):
        parse("", '{{ with 1 }}a{{ else with 2 }}b{{ end }}', {"x"}, go=(1, 19))


def test_builtins_len_index_slice_and_escapers():
    assert render('{{ len "héllo" }} {{ index "abc" 1 }} {{ slice "abcdef" 1 3 }}') == "6 98 bc"
    assert render('{{ html "<a href=\'x\'>&" }}|{{ js "a\'b<c>=" }}|{{ urlquery "a b&c" }}|{{ js nil }}') == \
        "&lt;a href=&#39;x&#39;&gt;&amp;|a\\'b\\u003Cc\\u003E\\u003D|a+b%26c|\\u003Cno value\\u003E"


def test_html_escaping_depends_on_the_context():
    data = GoMap({"u": "javascript:alert(1)", "t": "<b>&'\"", "q": "a b&c"}, MAP_STRING_ANY)
    out = render('<a href="{{ .u }}?q={{ .q }}" title="{{ .t }}">{{ .t }}</a><!-- gone -->x < y', data, html=True)
    assert out == ('<a href="#ZgotmplZ?q=a%20b%26c" title="&lt;b&gt;&amp;&#39;&#34;">&lt;b&gt;&amp;&#39;&#34;</a>'
                   "x &lt; y")
    assert render("<title>{{ .t }}</title>{{ .missing }}", data, html=True) == "<title>&lt;b&gt;&amp;&#39;&#34;</title>"
    assert render("<style>p { color: {{ .t }} }</style>", data, html=True) == "<style>p { color: ZgotmplZ }</style>"


def test_html_escaping_refuses_ambiguous_templates():
    for bad in ('{{ if .x }}<a href="{{ else }}<b>{{ end }}', '<a href="{{ .x }}', '{{ template "nope" }}'):
        with pytest.raises(TemplateError):
            render(bad, GoMap({}, MAP_STRING_ANY), html=True)


def test_go_time_layouts_and_durations():
    t = gotime.GoTime(1709243999, 123456789, gotime.Location("", 7200, ""))
    assert t.string() == "2024-02-29 23:59:59.123456789 +0200 +0200"
    assert t.format("Mon Jan _2 3:04PM 2006 .000 Z07:00 MST") == "Thu Feb 29 11:59PM 2024 .123 +02:00 +0200"
    assert gotime.GoTime.zero().string() == "0001-01-01 00:00:00 +0000 UTC"
    parsed = gotime.parse_time("2006-01-02T15:04:05.999999999Z07:00", "2024-03-01T00:00:00.5Z")
    assert (parsed.sec, parsed.nsec) == (1709251200, 500_000_000)
    assert gotime.duration_string(90 * gotime.NANOS + 5 * 10 ** 8) == "1m30.5s"
    assert gotime.duration_string(1500) == "1.5µs"
    assert gotime.parse_duration("1h30m") == 5400 * gotime.NANOS
    with pytest.raises(gotime.TimeError):
        gotime.parse_duration("1x")


# pieces of the call actions the second fast path reads, and near misses it must leave to the full parser
_CALL_PIECES = ["{{", "}}", "{{- ", " -}}", " ", "\n", "printf", '"%.2f"', '"%d%%"', '"}}"', '"a\\"b"', "$value",
                "$labels.instance", "$x", "humanize", "toUpper", "|", " | ", "nosuch", "end", "true", "(", ")",
                ".Labels.a", "é", ":=", "text "]


_ARG = st.sampled_from(["$value", "$labels.instance", "$labels", '"%.2f"', '"%d%%"', '"a b"', "$x", "1", "(", '"}}"',
                        ".Labels.a", "é", "true", "$value.x.y", '"a\\"b"'])
_FUNC = st.sampled_from(["printf", "humanize", "toUpper", "nosuch", "end", "value", "$value"])
_SPACE = st.sampled_from([" ", " ", "\n", "", "  "])


@st.composite
def _call_actions(draw):
    """Texts of call actions, most of them valid, some a token away from it."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        out.append(draw(st.sampled_from(["", "text ", "é "])))
        commands = []
        for _ in range(draw(st.integers(1, 3))):
            words = [draw(_FUNC)] + [draw(_ARG) for _ in range(draw(st.integers(0, 2)))]
            commands.append(draw(_SPACE).join(words) if draw(st.integers(0, 9)) else "".join(words))
        pipe = draw(st.sampled_from([" | ", "|", " |", " || "]))
        out.append(draw(st.sampled_from(["{{ ", "{{- ", "{{"])) + pipe.join(commands) +
                   draw(st.sampled_from([" }}", " -}}", "}}", "-}}"])))
    return "".join(out)


@given(st.one_of(st.lists(st.sampled_from(_CALL_PIECES), max_size=14).map("".join), _call_actions()))
@settings(max_examples=500, deadline=None)
def test_the_call_fast_path_agrees_with_the_full_parser(text):
    from obslint.gotemplate import PROMETHEUS_VARIABLES, _parse_calls, _Parser, prometheus_functions

    functions = prometheus_functions((2, 42))
    fast = _parse_calls(text, functions, PROMETHEUS_VARIABLES)
    if fast is not None:
        assert repr(fast) == repr(_Parser(text, functions, PROMETHEUS_VARIABLES).parse())


def test_the_call_fast_path_reads_printf_and_pipes():
    from obslint.gotemplate import PROMETHEUS_VARIABLES, _parse_calls, prometheus_functions

    functions = prometheus_functions((2, 42))
    parsed = _parse_calls('{{ printf "%.2f" $value }} and {{- $labels.a | printf "%s" -}}', functions,
                          PROMETHEUS_VARIABLES)
    assert [p.words for p in parsed.pipelines] == [["printf", '"%.2f"', "$value"], ["$labels", "printf", '"%s"']]
    for other in ('{{ printf "%d" 1 }}', "{{ $x }}", '{{ if $value }}{{ end }}', '{{ "a" "b" }}'):
        assert _parse_calls(other, functions, PROMETHEUS_VARIABLES) is None, other
