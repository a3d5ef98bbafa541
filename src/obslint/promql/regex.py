"""Regular expressions with Go's semantics (RE2), for PromQL matchers and Alertmanager matchers.

Prometheus and Alertmanager compile a matcher's regex as `^(?:re)$` with Go's regexp package, an RE2
dialect: no lookaround or backreferences, repeat counts up to 1000, ASCII `\\d \\w \\s`, and `$` that
never matches before a trailing newline. Python's `re` differs in each of these, so obslint uses
Google's RE2 and adds what Go's toolchain of a given version refuses on top of it.
"""

from __future__ import annotations

import functools
import re

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are reported as findings, not on stderr


class RegexError(ValueError):
    pass


@functools.lru_cache(maxsize=4096)
def compile_anchored(pattern: str, go_named_groups: bool = True):
    """Compile `^(?:pattern)$` as Go would; raise RegexError with Go-like wording."""
    _go_only_checks(pattern, go_named_groups)
    try:
        return re2.compile("^(?:" + pattern + ")$", _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else str(exc)
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise RegexError(f"error parsing regexp: {reason}: `^(?:{pattern})$`") from None


def _go_only_checks(pattern: str, go_named_groups: bool) -> None:
    """What RE2 (C++) accepts but Go's regexp/syntax rejects."""
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            if pattern[i + 1] == "C":
                raise RegexError("error parsing regexp: invalid escape sequence: `\\C`")
            if pattern[i + 1] == "Q":  # \Q...\E quotes everything up to \E
                end = pattern.find("\\E", i + 2)
                i = n if end < 0 else end + 2
                continue
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if pattern.startswith("[^]", i) or pattern.startswith("[]", i):
                i += 2 if pattern[i + 1] == "]" else 3
                continue
        elif c == "(" and pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
            if not go_named_groups:
                raise RegexError("error parsing regexp: invalid or unsupported Perl syntax: `(?<`")
        i += 1


def matches_empty(compiled) -> bool:
    return compiled.fullmatch("") is not None


# Patterns made only of ASCII literals and `.`, each with at most one `*`, `+` or `?`, between `|`:
# most PromQL matchers (`a|b`, `.*error.*`, `5..`). Every such pattern is valid in every Go version,
# so checking one needs no compilation.
_LITERAL = r"[A-Za-z0-9_:/@#%&=,;<>'\"~! -]"
_SIMPLE = re.compile(rf"(?:(?:{_LITERAL}|\.)[*+?]?|\|)*")
_OPTIONAL = re.compile(rf"(?:(?:{_LITERAL}|\.)[*?])*")  # an alternative that can match nothing


def check_regex(pattern: str, go_named_groups: bool = True) -> bool:
    """Check `pattern` as Go would (RegexError if it refuses it); whether `^(?:pattern)$` matches the
    empty string."""
    if _SIMPLE.fullmatch(pattern):
        return any(_OPTIONAL.fullmatch(alternative) for alternative in pattern.split("|"))
    return matches_empty(compile_anchored(pattern, go_named_groups))


def fullmatch(pattern: str, value: str) -> bool:
    """Whether `value` matches the anchored Go regex `pattern` (which must be valid)."""
    return compile_anchored(pattern).search(value) is not None
