"""The grammar and the fast path without the binaries: the fast path (promql-parser on plain
expressions) never accepts what the grammar refuses, and nothing raises, at any release and with any
flags. The verdicts themselves are checked against promtool in test_versions_oracle.py."""

from __future__ import annotations

import re

import promql_gen
from hypothesis import given, settings
from hypothesis import strategies as st

from obslint.promql import grammar, versions
from obslint.promql.parse import _needs_tokens, _parse_plain, parse_expr

RELEASES = st.sampled_from(versions.MINORS)
FLAGS = st.sets(st.sampled_from(sorted(versions.FLAGS))).map(frozenset)
EXPRESSIONS = st.builds(promql_gen.expression, st.randoms(use_true_random=False), st.sampled_from([1, 2, 3, 4]))


@given(EXPRESSIONS, RELEASES, FLAGS)
@settings(max_examples=1500, deadline=None)
def test_the_fast_path_never_accepts_what_the_grammar_refuses(expr, version, features):
    dialect = versions.dialect(version, features)
    if _needs_tokens(expr, dialect):
        return
    fast = _parse_plain(expr, version, features)
    if fast is not None:
        assert grammar.check(expr, dialect).error is None


@given(st.text(alphabet='abcxyz_:{}[]()"\'`=~!<>+-*/^%,.@ 0123456789\\#\nmhsé', max_size=60), RELEASES, FLAGS)
@settings(max_examples=800, deadline=None)
def test_random_text_never_raises(text, version, features):
    parsed = parse_expr(text, version, features=features)
    assert parsed.ok == (not parsed.problems)
    assert all(p.offset is None or 0 <= p.offset <= len(text) for p in parsed.problems)


@given(EXPRESSIONS, RELEASES, FLAGS)
@settings(max_examples=500, deadline=None)
def test_an_accepted_expression_has_an_ast_and_refused_one_a_position(expr, version, features):
    parsed = parse_expr(expr, version, features=features)
    if parsed.ok:
        # promql-parser reads what promtool accepts (edited where it lacks the syntax), but for what it
        # cannot be given: unquoted UTF-8 names, trim operators between scalars (read as comparisons,
        # which need bool there), and @ start()/end() before a range (promtool accepts it until 3.15)
        unreadable = not expr.isascii() or "</" in expr or ">/" in expr or re.search(r"@\s*(start|end)\(", expr)
        assert parsed.ast is not None or unreadable
    else:
        assert parsed.problems[0].offset is not None


def test_the_feature_cache_key():
    experimental = frozenset({versions.EXPERIMENTAL_FUNCTIONS})
    assert not parse_expr("mad_over_time(x[5m])", (3, 16)).ok
    assert parse_expr("mad_over_time(x[5m])", (3, 16), features=experimental).ok
    assert not parse_expr("mad_over_time(x[5m])", (3, 16), features=frozenset()).ok
    assert parse_expr("mad_over_time(x[5m])", (3, 16), features={"promql-experimental-functions"}).ok
