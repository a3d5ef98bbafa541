"""Each newer PromQL construct, the first release whose promtool accepts it (without a flag, and with
the flag that enables it), checked against obslint at every release and against the binaries.

A construct is refused before its release, with a message naming that release (or the flag), and
accepted from it on; at the newest target with its flag, promtool 3.16 and obslint accept them all.
"""

from __future__ import annotations

import pytest
from promql_gen import CONSTRUCTS, REMOVED, STRICTER
from promql_oracles import TARGETS, promtool_for, promtool_verdicts

from obslint.promql import versions
from obslint.promql.parse import parse_expr


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
