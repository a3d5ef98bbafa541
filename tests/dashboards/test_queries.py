"""Grafana's variables in queries (obslint.dashboards.macros)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obslint.dashboards import macros
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
