import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import promtool_expr_verdicts

from obslint.promql import lexer, versions
from obslint.promql.parse import parse_expr

V2 = (2, 42)
V3 = (3, 14)

# expressions where promql-parser alone would disagree with Prometheus, and the corners around them
TRICKY = [
    'foo{a="b" or c="d"}', "1e400", 'foo{a=~"a{1001}"}', 'foo{a=~"a**"}', "foo{a=~`\\d+`}",
    'foo{a=~"\\\\Q.\\\\E"}', "foo{a=~`\\Q.\\E`}", "holt_winters(x[5m], 0.1, 0.1)", 'foo{a=~"(?<n>x)"}',
    'foo{a=~"\\\\C"}', '{"my.metric"}', 'sum by ("k8s.pod.name") (x)', "x[300]", "foo > 5m", "foo @ 100s",
    "rate(x[5m] offset 1m)", 'foo{a=~".*"}', "foo{a=~`.*`, b=\"c\"}", "0x1F + 1", 'foo{a="\\x41"}',
    "foo{a='\\''}", 'x{a=~"[[:alpha:]]+"}', 'x{a=~"(?U)a+"}', 'x{a=~"\\\\pL"}', "sum(x) by (a,)",
    "rate(x[5m],)", 'foo{a=~"x(?i)y"}', "x OFFSET 5m", "x offset -5m", "limitk(2, x)", "sort_by_label(x, \"a\")",
    'foo{a=~"(?=x)"}', "foo{a=~\"\"}", "{a=~\".*\"}", "x + fill(0) y", "sum_over_time(x[30:10])",
    "predict_linear(x[5m], 1h)", "x @ start()", "-(-(-1))", "foo # comment", "foo\r\n+ bar",
    "max_over_time((rate(x[5m]))[1h:5m])", 'label_replace(up, "a", "$1", "b", "(.*)")', "1_000",
    # where parsing without tokens must still see what the tokens see
    '{"c"}', 'x{"a"="b"}', 'x{a="b", "c"="d"}', "x offset 5", "x offset -5", "x offset 0x10", "x[5m:1]",
    "x[1h30m]", "x @ 5m", "vector(1h)", "x[.5]", "x offset Inf", 'count_values("v", x)', "x[1e3]",
    "x.y", "x ! y", "x offset 5m > 1h", "x[5m] offset 1h", "10000000000000000000000000000000e300",
]


def test_tricky_expressions_agree_with_promtool_2_42(promtool, tmp_path):
    expected = promtool_expr_verdicts(promtool, TRICKY, tmp_path)
    disagreements = {e: (parse_expr(e, V2).ok, ok) for e, ok in expected.items() if parse_expr(e, V2).ok != ok}
    assert disagreements == {}


def test_every_corpus_expression_verdict_equals_promtool_2_42(corpus):
    rows = [json.loads(line) for line in open(corpus / "exprs" / "verdicts.jsonl", encoding="utf-8")]
    assert len(rows) > 3000
    mismatches = [r["expr"][:120] for r in rows if parse_expr(r["expr"], V2).ok != r["promtool_2_42"]["ok"]]
    assert mismatches == []


def test_version_features_are_accepted_on_3x():
    experimental = frozenset({"promql-experimental-functions"})
    for expr in ['{"my.metric"}', "x[300]", "limitk(2, x)", "sort_by_label(x, \"a\")", "foo @ 100s"]:
        assert parse_expr(expr, V3, features=experimental).ok, expr
        problems = parse_expr(expr, V2, features=experimental).problems
        assert problems and problems[0].kind == "version", expr


def test_holt_winters_is_removed_in_3():
    problems = parse_expr("holt_winters(x[5m], 0.1, 0.1)", V3).problems
    assert problems and "removed" in problems[0].message and "double_exponential_smoothing" in problems[0].message


def test_experimental_function_needs_the_flag_on_3x():
    parsed = parse_expr("mad_over_time(x[5m])", V3)
    assert not parsed.ok and "--enable-feature=promql-experimental-functions" in parsed.problems[0].message
    assert parse_expr("mad_over_time(x[5m])", V3, features=frozenset({"promql-experimental-functions"})).ok


def test_problem_offsets_point_at_the_culprit():
    parsed = parse_expr("sum(rate(x[5m])) + limitk(1, y)", V2)
    assert parsed.problems[0].offset == parsed.text.index("limitk")
    parsed = parse_expr('up{job=~"a{1001}"}', V2)
    assert parsed.problems[0].offset == parsed.text.index('"a{1001}"')


def test_regex_placeholders_are_restored():
    parsed = parse_expr('up{job=~"api|web", env!~`\\d+`}', V2)
    assert parsed.ok
    values = {m.name: parsed.real_value(m.value) for m in parsed.ast.matchers.matchers}
    assert values == {"job": "api|web", "env": "\\d+"}


@pytest.mark.parametrize("expr", [
    "(" * 10_000 + "1" + ")" * 10_000,
    "+".join(f"m{i}" for i in range(4000)),
    "abs(" * 9000 + "x" + ")" * 9000,
    "-" * 50_000 + "1",
    "x" * 300_000,
])
def test_pathological_input_gives_a_clean_error_quickly(expr):
    start = time.monotonic()
    parsed = parse_expr(expr, V3)
    assert time.monotonic() - start < 5
    assert not parsed.ok
    assert parsed.problems[0].kind == "complexity"


def test_a_2000_term_chain_is_still_parsed():
    parsed = parse_expr("+".join(f"m{i}" for i in range(2000)), V3)
    assert parsed.ok


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='abcxyz_:{}[]()"\'`=~!<>+-*/^%,.@ 0123456789\\#\nmhs', max_size=80))
def test_random_text_never_raises(text):
    parsed = parse_expr(text, V2)
    assert parsed.ok == (not parsed.problems)


def test_lexer_durations_and_numbers():
    kinds = [(t.kind, t.text) for t in lexer.tokenize("x[1h30m] offset 5m > 1e3 and y:z:w")]
    assert ("duration", "1h30m") in kinds and ("duration", "5m") in kinds and ("number", "1e3") in kinds
    assert ("ident", "y:z:w") in kinds


@given(st.lists(st.sampled_from(list("aZ09_:/@#%&=,;<>'\"~! -.*+?|") + ["\\d", "[a]", "(x)", "{2}", "^", "$"]),
                max_size=10).map("".join),
       st.booleans())
@settings(max_examples=500, deadline=None)
def test_checking_a_regex_without_compiling_it_agrees_with_re2(pattern, go_named_groups):
    from obslint.promql.regex import _SIMPLE, RegexError, check_regex, compile_anchored, matches_empty

    try:
        expected = matches_empty(compile_anchored(pattern, go_named_groups))
    except RegexError:
        expected = "refused"
    if _SIMPLE.fullmatch(pattern):
        assert expected != "refused"  # the fast path only takes patterns every Go version accepts
    try:
        assert check_regex(pattern, go_named_groups) == expected
    except RegexError:
        assert expected == "refused"


def _outcome(parsed):
    return (repr(parsed.ast), [(p.kind, p.message, p.offset) for p in parsed.problems],
            [(p.kind, p.message, p.offset) for p in parsed.warnings], parsed.regexes)


_PIECES = ["x", "foo", "rate(", "sum(", ")", "[5m]", "[300]", "[5m:1m]", "[5:1]", "[1m:30s]", "[5m:]", " offset ",
           "5m", "-", "1h30m", " > ", "0.5", "1e400", "1e3", "{", "}", 'a="b"', ",", '"c"', "'d'", " by ", "(",
           '"x"', "@ ", "100", " or ", "!=", "=", "\n", " ", "#c\n", ".", "!", "vector(1)", "0x1F", "Inf", "NaN",
           "holt_winters(x[5m], 0.1, 0.1)", "info(x)", "limitk(1, x)", "abs(", "`r`", "~", 'a=~"x|y"', '"\\n"',
           '"a\nb"', "é", "$", "OFFSET ", "http_5m_total"]


@pytest.mark.parametrize("version", [V2, (2, 53), (3, 0), V3])
def test_parsing_without_tokens_gives_what_the_tokenized_path_gives_on_the_corpus(corpus, version):
    from obslint.promql.parse import _needs_tokens, _parse_tokenized, _parse_uncached

    texts = [json.loads(line)["expr"] for line in open(corpus / "exprs" / "verdicts.jsonl", encoding="utf-8")]
    plain = 0
    for text in texts:
        plain += not _needs_tokens(text, versions.dialect(version))
        assert _outcome(_parse_uncached(text, version, 1500)) == _outcome(_parse_tokenized(text, version, 1500)), text
    assert plain > len(texts) / 4  # the shortcut is taken


@pytest.mark.parametrize("version", [V2, (2, 53), (3, 0), V3])
def test_parsing_without_tokens_gives_what_the_tokenized_path_gives_on_the_tricky_cases(version):
    from obslint.promql.parse import _parse_tokenized, _parse_uncached

    for text in TRICKY:
        assert _outcome(_parse_uncached(text, version, 1500)) == _outcome(_parse_tokenized(text, version, 1500)), text


@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=9).map("".join),
       st.sampled_from([V2, (2, 53), (3, 0), V3]))
@settings(max_examples=600, deadline=None)
def test_parsing_without_tokens_gives_what_the_tokenized_path_gives(text, version):
    from obslint.promql.parse import _parse_tokenized, _parse_uncached

    assert _outcome(_parse_uncached(text, version, 1500)) == _outcome(_parse_tokenized(text, version, 1500))


def test_a_parser_panic_prints_nothing(capfd):
    from obslint.promql.parse import _parse_quietly

    with pytest.raises(BaseException) as caught:
        _parse_quietly("x offset Inf")  # promql-parser panics on it
    assert type(caught.value).__name__ == "PanicException"
    assert capfd.readouterr().err == ""
    # promtool 3.0 accepts an infinite offset; promql-parser gets a finite one in its place
    parsed = parse_expr("x offset Inf", (3, 0))
    assert parsed.ok and parsed.ast is not None
    assert capfd.readouterr().err == ""
    assert not parse_expr("x offset Inf", V3).ok  # 3.5 and later: duration out of range
