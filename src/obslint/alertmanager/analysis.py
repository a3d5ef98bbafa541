"""Reasoning about matcher sets without alerts: does one set imply another, can a set match at all.

Both answers are sound, never guesses: `implies` says True only when every label set matching the
first set matches the second, `satisfiable` says False only when no label set can match.
"""

from __future__ import annotations

import re

from obslint.alertmanager.matchers import EQ, NE, NRE, RE, Matcher

_LITERAL = re.compile(r"[A-Za-z0-9_\-:/ ]*")


def literal_alternatives(pattern: str) -> list[str] | None:
    """The strings an alternation of plain literals (`a|b|c`, `(a|b)`) matches, or None."""
    if pattern.startswith("(") and pattern.endswith(")") and pattern.count("(") == 1:
        pattern = pattern[1:-1]
        pattern = pattern.removeprefix("?:")
    parts = pattern.split("|")
    return parts if all(_LITERAL.fullmatch(p) for p in parts) else None


def always_true(m: Matcher) -> bool:
    """Matches every value, the empty one (a missing label) included: `=~".*"`, `!=` of nothing real."""
    if m.op == RE:
        return m.value in (".*", "(.*)", "(?:.*)", "(?s).*", "(?s:.*)") and "\n" not in m.value
    return False


def values_of(m: Matcher) -> list[str] | None:
    """All the values `m` admits, when it admits finitely many."""
    if m.op == EQ:
        return [m.value]
    if m.op == RE:
        return literal_alternatives(m.value)
    return None


def _implies_one(premise: Matcher, conclusion: Matcher) -> bool:
    """Every value admitted by `premise` (same label) is admitted by `conclusion`."""
    values = values_of(premise)
    if values is not None:
        return all(conclusion.matches(v) for v in values)
    if premise.op == conclusion.op and premise.value == conclusion.value:
        return True
    if premise.op in (NE, NRE) and conclusion.op in (NE, NRE):
        excluded = values_of(Matcher(conclusion.name, EQ if conclusion.op == NE else RE, conclusion.value,
                                     conclusion._regex))
        # premise admits all values except its own; conclusion excludes `excluded`: implied when the
        # premise excludes each of them too
        return excluded is not None and all(not premise.matches(v) for v in excluded)
    return False


def implies(premises: list[Matcher], conclusions: list[Matcher]) -> bool:
    """True when every label set matching all `premises` matches all `conclusions`."""
    for conclusion in conclusions:
        if always_true(conclusion):
            continue
        same = [p for p in premises if p.name == conclusion.name]
        if not any(_implies_one(p, conclusion) for p in same):
            return False
    return True


def satisfiable(matchers: list[Matcher]) -> bool:
    """False only when no label set can match all of `matchers` (tried on the values they name)."""
    by_name: dict[str, list[Matcher]] = {}
    for m in matchers:
        by_name.setdefault(m.name, []).append(m)
    for group in by_name.values():
        finite = [values_of(m) for m in group if values_of(m) is not None]
        if not finite:
            continue  # only negative or open regex matchers: some value escapes them (assumed)
        candidates = set(finite[0])
        for values in finite[1:]:
            candidates &= set(values)
        if not any(all(m.matches(v) for m in group) for v in candidates):
            return False
    return True
