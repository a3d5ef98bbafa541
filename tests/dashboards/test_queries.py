"""Grafana's variables in queries (obslint.dashboards.macros), the language of a query
(obslint.dashboards.datasources) and positions in a dashboard's JSON (obslint.dashboards.model)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obslint.dashboards import macros
from obslint.dashboards.compiler import Compiled
from obslint.dashboards.datasources import LOGQL, OTHER, PROMQL, SQL, Languages
from obslint.dashboards.model import json_positions
from obslint.promql.parse import parse_expr


@pytest.mark.parametrize("expr", [
    # an apostrophe in a comment opens no string: the variables after it are still in code
    "# the user's view\nsum(rate(x{job=~\"$job\"}[$__rate_interval])) by ($group)",
    'sum(x) # it\'s "quoted"\n/ on ($group) group_left sum(rate(y[$__range]))',
    # a variable holding an operator (`or`, `unless`, ...) between two operands
    '{__name__=~"a"} $Inactive on (entity) label_replace(b, "entity", "$1", "e", "(.*)")',
    "sum(rate(x_total[$__rate_interval])) $op sum(rate(y_total[$__rate_interval]))",
])
def test_substituted_queries_parse(expr):
    assert parse_expr(macros.substitute(expr)).ok, macros.substitute(expr)


def test_capture_groups_and_escaped_dollars_are_not_references():
    assert macros.references('label_replace(up, "a", "${1}-$2", "b", "(.*)-(.*)")') == []
    assert macros.references('x{topic!~"SYSTEM.*|\\\\$SYS.*", q=~"$qmgr"}') == ["qmgr"]
    assert macros.references("# $commented\n$real") == ["commented", "real"]  # Grafana replaces them too


@settings(max_examples=80, deadline=None)
@given(parts=st.lists(st.sampled_from(["sum(", "x", "{a=~\"$job\"}", "[$__rate_interval]", ") by ($g) ", " + ",
                                       "${n:regex}", "[[m]]", "# it's $c\n", "3", "\"$1\""]), min_size=1, max_size=12))
def test_offsets_in_the_substituted_query_map_back_to_the_query(parts):
    expr = "".join(parts)
    text, to_original = macros.substitute_mapped(expr)
    for offset in range(len(text) + 1):
        original = to_original(offset)
        assert 0 <= original <= len(expr)
    # a character outside every reference is found at the same text in the original
    spans = [m.span() for m in macros.REFERENCE.finditer(expr)]
    outside = [i for i in range(len(expr)) if not any(a <= i < b for a, b in spans)]
    mapped = [i for i in range(len(text)) if expr[to_original(i):to_original(i) + 1] == text[i]]
    assert len(mapped) >= len(outside)


def languages(variables=(), inputs=None) -> Languages:
    return Languages({"templating": {"list": list(variables)}, "__inputs": inputs or []})


LOKI_VAR = {"name": "logs", "type": "datasource", "query": "loki"}
PROM_VAR = {"name": "datasource", "type": "datasource", "query": "prometheus"}


@pytest.mark.parametrize("panel,target,language", [
    ({"datasource": {"type": "loki", "uid": "x"}}, {"expr": "up"}, LOGQL),
    ({"datasource": {"type": "prometheus", "uid": "x"}}, {"datasource": {"type": "loki"}, "expr": "up"}, LOGQL),
    ({"datasource": {"uid": "-- Mixed --"}}, {"datasource": "$logs", "expr": "up"}, LOGQL),
    ({"datasource": "-- Mixed --"}, {"datasource": {"uid": "${datasource}"}, "expr": "up"}, PROMQL),
    ({"datasource": "${DS_LOKI}"}, {"expr": "up"}, LOGQL),
    ({"datasource": {"type": "grafana-postgresql-datasource", "uid": "pg"}}, {"rawSql": "SELECT 1"}, SQL),
    ({"datasource": "Loki"}, {"expr": "up"}, LOGQL),  # a pre-8.3 name that says which plugin
    ({"datasource": "VictoriaMetrics"}, {"expr": "sum(rate(x))"}, OTHER),  # MetricsQL
    ({"datasource": {"type": "victoriametrics-metrics-datasource", "uid": "vm"}}, {"expr": "rate(x)"}, OTHER),
    ({"datasource": "-- Grafana --"}, {"expr": "up"}, OTHER),
    ({"datasource": {"type": "tempo", "uid": "t"}}, {"query": "{ .a = 1 }"}, OTHER),
    # the datasource does not say: the fields do
    ({}, {"expr": '{job="x"} |= "error"'}, LOGQL),
    ({"datasource": None}, {"expr": 'sum(bytes_over_time({job="x"}[5m]))'}, LOGQL),
    ({"datasource": "default"}, {"expr": 'sum(rate(x{a="|"}[5m])) # a | b'}, PROMQL),
    ({"datasource": {"uid": "P1234"}}, {"rawSql": "SELECT 1", "format": "table"}, SQL),
])
def test_the_language_of_a_query(panel, target, language):
    found = languages([LOKI_VAR, PROM_VAR], [{"name": "DS_LOKI", "type": "datasource", "pluginId": "loki"}])
    assert found.of_target(panel, target) == language


def test_the_language_of_a_variable_query():
    found = languages([LOKI_VAR, PROM_VAR])
    assert found.of_variable({"query": "label_values({}, job)", "datasource": "$logs"}) == LOGQL
    assert found.of_variable({"query": "label_values(up, job)", "datasource": None}) == PROMQL
    assert found.of_variable({"query": {"label": "job", "stream": "", "type": 1}}) == OTHER  # Loki's editor
    assert found.of_variable({"query": {"query": "label_values(up, job)", "refId": "A"},
                              "datasource": {"type": "prometheus", "uid": "${datasource}"}}) == PROMQL
    assert found.of_variable({"query": "SELECT 1", "datasource": {"type": "mysql", "uid": "m"}}) == SQL


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.text(alphabet="abc/\"\\é", max_size=4), children, max_size=4),
    max_leaves=20)


def pointers(value, pointer=""):
    yield pointer, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from pointers(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from pointers(item, f"{pointer}/{i}")


@settings(max_examples=150, deadline=None)
@given(doc=JSON_VALUES, indent=st.sampled_from([None, 1, 2]), ascii=st.booleans())
def test_every_json_value_is_found_at_its_line_and_column(doc, indent, ascii):
    text = json.dumps(doc, indent=indent, ensure_ascii=ascii)
    positions = json_positions(text)
    lines = text.split("\n")
    every = list(pointers(doc))
    seen = [pointer for pointer, _ in every]
    for pointer, value in every:
        if seen.count(pointer) > 1:  # keys with a "/" can spell the pointer of another value (not escaped)
            continue
        line, column, raw = positions[pointer]
        rest = lines[line - 1][column - 1:]
        if isinstance(value, str):
            assert rest.startswith(raw) and json.loads(raw) == value
            compiled = Compiled({}, strings={pointer: (line, column, raw)})
            end = column - 1 + len(raw) - 1  # the closing quote
            for offset in range(len(value) + 1):  # the rest of the token from there is the rest of the value
                at_line, at_column = compiled.position_in(pointer, offset)
                assert at_line == line
                assert json.loads('"' + lines[line - 1][at_column - 1:end] + '"') == value[offset:]
        elif not isinstance(value, (dict, list)):
            assert json.loads(rest[:len(json.dumps(value))]) == value
        else:
            assert rest[0] in "{["
