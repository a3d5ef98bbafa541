"""Each newer PromQL construct, the first release whose promtool accepts it (without a flag, and with
the flag that enables it), checked against obslint at every release and against the binaries.

A construct is refused before its release, with a message naming that release (or the flag), and
accepted from it on; at the newest target with its flag, promtool 3.16 and obslint accept them all.
"""

from __future__ import annotations

import pytest
from test_versions_oracle import TARGETS, promtool_for, promtool_verdicts

from obslint.promql import versions
from obslint.promql.parse import parse_expr

EXP = versions.EXPERIMENTAL_FUNCTIONS
DUR = versions.DURATION_EXPR
ERS = versions.EXTENDED_RANGE_SELECTORS
FILL = versions.BINOP_FILL_MODIFIERS
UTF8 = versions.UNQUOTED_UTF8_NAMES

# (expression, first promtool without a flag (None: never), flag, first promtool with the flag)
CONSTRUCTS = [
    ("rate(x[5m * 2])", (3, 14), DUR, (3, 10)),  # duration arithmetic; 3.4-3.9 servers with the flag
    ("x offset (1h + 5m)", (3, 14), DUR, (3, 10)),
    ("x[(5m)]", (3, 14), DUR, (3, 10)),
    ("rate(x[5m] offset -(1h))", (3, 13), None, None),  # 3.6-3.12: a parser panic, fixed in 3.13
    ("x[5m:step()]", (3, 6), None, None),  # 3.12-3.13 need the flag again: not in a pinned oracle
    ("x offset step()", (3, 6), None, None),
    ("x[range()]", (3, 10), None, None),
    ("x[max_of(5m, 1m)]", (3, 14), DUR, (3, 13)),
    ("foo > 1_000", (2, 54), None, None),
    ("x[300]", (2, 54), None, None),
    ("x offset 60", (2, 54), None, None),
    ("foo > 5m", (2, 54), None, None),
    ("x @ 100s", (2, 54), None, None),
    ("a </ b", (3, 11), None, None),
    ("a >/ 0.5", (3, 11), None, None),
    ("rate(x[5m] anchored)", (3, 16), ERS, (3, 10)),  # 3.7-3.9 servers with the flag
    ("x smoothed", (3, 16), ERS, (3, 10)),
    ("a + fill(0) b", None, FILL, (3, 14)),  # 3.10-3.13 servers with the flag
    ("a * on(x) fill_left(1) fill_right(2) b", None, FILL, (3, 14)),
    ('{"my.metric"}', (2, 51), None, None),
    ('x{"a.b"="c"}', (2, 51), None, None),
    ('sum by ("a") (x)', (2, 55), None, None),
    ('sum by ("a.b") (x)', (3, 0), None, None),  # 2.55: quoted, but a legacy name is needed
    ("sum by (a:b) (x)", (3, 0), None, None),  # but not with promql-unquoted-utf8-names (3.16)
    ('métrique{é="a"}', None, UTF8, (3, 16)),
    ('x{a=~"(?<n>b)"}', (2, 51), None, None),  # Go 1.22's regexp, the toolchain of 2.51 and later
    ("histogram_stddev(x)", (2, 47), None, None),
    ("histogram_avg(x)", (2, 51), None, None),
    ("first_over_time(x[5m])", (3, 14), EXP, (3, 7)),
    ("mad_over_time(x[5m])", None, EXP, (3, 4)),  # servers from 2.49 with the flag
    ('sort_by_label(x, "a")', None, EXP, (3, 4)),
    ("limitk(1, x)", None, EXP, (3, 4)),  # servers from 2.54
    ("limit_ratio(0.5, x)", None, EXP, (3, 4)),
    ('info(x, {a="b"})', None, EXP, (3, 4)),  # servers from 2.55
    ("double_exponential_smoothing(x[5m], 0.5, 0.5)", None, EXP, (3, 4)),  # servers from 3.0
    ("ts_of_max_over_time(x[5m])", None, EXP, (3, 5)),
    ("ts_of_first_over_time(x[5m])", None, EXP, (3, 7)),
    ('histogram_quantiles(x, "q", 0.5, 0.9)', None, EXP, (3, 11)),
    ("step()", None, EXP, (3, 12)),
    ("vector(range())", None, EXP, (3, 12)),
    ("max_of(1, 2)", None, EXP, (3, 13)),
    ("start_timestamp(x)", None, EXP, (3, 14)),
    ("integral(x[5m])", None, EXP, (3, 16)),
]
# and what a release dropped: (expression, first and last promtool accepting it, without flags)
REMOVED = [
    ("holt_winters(x[5m], 0.5, 0.5)", (2, 42), (2, 55)),
    ("foo[5m x 1m]", (2, 42), (3, 5)),  # before 3.6 any letter inside [..] reads as `:`
    ("0x1e+1", (2, 42), (2, 53)),  # 2.54: an exponent ends a hex number
    ("x[min(5m, 1m)]", (3, 6), (3, 11)),  # min()/max(): behind the flag in 3.12, max_of()/min_of() in 3.13
    ("x[0]", (2, 54), (3, 3)),  # 3.4: a range must be greater than 0
]
# a flag that makes promtool refuse what it takes without: (expression, flag)
STRICTER = {"sum by (a:b) (x)": UTF8}


def _accepted(since, version) -> bool:
    return since is not None and version >= since


def _previous(version):
    index = versions.MINORS.index(version)
    return versions.MINORS[index - 1] if index else None


@pytest.mark.parametrize("expr,since,flag,flag_since", CONSTRUCTS, ids=[c[0] for c in CONSTRUCTS])
def test_each_construct_from_its_release_on(expr, since, flag, flag_since):
    flags = frozenset({flag}) if flag else frozenset()
    assert parse_expr(expr, versions.NEWEST, features=flags).ok
    for first, features in ((since, frozenset()), (flag_since, flags)):
        if first is None:
            continue
        assert parse_expr(expr, first, features=features).ok, (first, features)
        before = _previous(first)
        if before is not None:
            problems = parse_expr(expr, before, features=features).problems
            assert problems and problems[0].kind == "version", (before, features)
            assert f"Prometheus {versions.fmt(first)}" in problems[0].message or \
                   (flag is not None and flag in problems[0].message), problems[0].message
    if since is None:  # behind a flag at every release: refused without it, naming it
        problems = parse_expr(expr, versions.NEWEST).problems
        assert problems and flag in problems[0].message


@pytest.mark.parametrize("expr,first,last", REMOVED, ids=[r[0] for r in REMOVED])
def test_what_a_release_dropped(expr, first, last):
    assert parse_expr(expr, first).ok and parse_expr(expr, last).ok
    assert not parse_expr(expr, versions.MINORS[versions.MINORS.index(last) + 1]).ok
    assert not parse_expr(expr, versions.NEWEST).ok


@pytest.mark.oracle
@pytest.mark.parametrize("with_flags", [False, True], ids=["no flags", "every flag"])
@pytest.mark.parametrize("target", TARGETS, ids=versions.fmt)
def test_each_construct_as_promtool_sees_it(target, with_flags, tmp_path):
    features = frozenset(versions.FLAGS) if with_flags else frozenset()
    exprs = [c[0] for c in CONSTRUCTS] + [r[0] for r in REMOVED]
    theirs = promtool_verdicts(promtool_for(target), exprs, tmp_path, features)
    table = {expr: _accepted(since, target) or (with_flags and _accepted(flag_since, target))
             for expr, since, _flag, flag_since in CONSTRUCTS}
    table.update({expr: first <= target <= last for expr, first, last in REMOVED})
    for expr, flag in STRICTER.items():
        table[expr] = table[expr] and not (with_flags and versions.dialect(target, features).flag_on(flag))
    disagreements = {}
    for expr, (ok, _) in zip(exprs, theirs, strict=True):
        ours = parse_expr(expr, target, features=features).ok
        if not ours == ok == table[expr]:
            disagreements[expr] = {"obslint": ours, "promtool": ok, "table": table[expr]}
    assert disagreements == {}
