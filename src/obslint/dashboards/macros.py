"""Grafana variables and macros in PromQL: finding the references, and substituting parser-valid
stand-ins so that promql-parser can read the query (as dashboard-linter does). Each macro gets its
own stand-in, so a check can still tell where `$__rate_interval` was used after parsing.

As Grafana's template service reads them: `$name`, `${name}`, `${name:format}`, `[[name]]` and
`[[name:format]]` are references; `$1`, `${2}` (capture groups of label_replace(), value mappings and
regexes) are not, since no variable can be named by digits alone; names that start with `__`
(`$__interval`, `$__rate_interval`, `$__range`, `${__from:date}`, `$__all`, `$__auto`, `$__user`,
`$__org`, `$__dashboard`, ...) and the legacy `$timeFilter` and `$interval` are Grafana's own.
"""

from __future__ import annotations

import re
from datetime import timedelta

# `$name`, `${name}`, `${name:format}`, `[[name]]`, `[[name:format]]`
REFERENCE = re.compile(r"\$(?P<a>\w+)|\$\{(?P<b>\w+)(?::[^}]*)?\}|\[\[(?P<c>\w+)(?::[^\]]*)?\]\]")

# durations no one writes by hand, one per macro
DURATION_STANDINS = {"__rate_interval": "7777777ms", "__interval": "6666666ms", "__range": "5555555ms",
                     "__auto": "4444444ms"}
NUMBER_STANDINS = {"__interval_ms": "6666666", "__range_s": "5555", "__range_ms": "5555555",
                   "__from": "1700000000000", "__to": "1700003600000"}
RATE_INTERVAL = timedelta(milliseconds=7777777)
LEGACY_BUILTINS = frozenset({"timeFilter", "interval"})

CODE, QUOTED, COMMENT = 0, 1, 2


def is_capture_group(name: str) -> bool:
    """`$1`, `${2}`: a regex capture group (label_replace, value mappings), never a variable."""
    return name.isdigit()


def is_builtin(name: str) -> bool:
    """A name Grafana defines itself: every `__` name, and the legacy `$timeFilter` and `$interval`."""
    return name.startswith("__") or name in LEGACY_BUILTINS


def _name(m: re.Match) -> str:
    return m.group("a") or m.group("b") or m.group("c")


def references(text: str) -> list[str]:
    """The variable names `text` refers to, in order (macros included, `__`-prefixed). Capture groups such
    as `$1` are not references, nor is `\\$name`, a dollar its author escaped in a regex (Grafana replaces
    it only if a variable of that name exists)."""
    text = text or ""
    return [name for m in REFERENCE.finditer(text)
            if not is_capture_group(name := _name(m)) and not (m.start() and text[m.start() - 1] == "\\")]


def lexical_states(expr: str) -> list[int]:
    """For each character: code, inside a quoted string, or inside a `#` comment (PromQL's lexer rules:
    a comment runs to the end of the line, quotes inside it mean nothing)."""
    states = [CODE] * len(expr)
    quote = None
    i, n = 0, len(expr)
    while i < n:
        ch = expr[i]
        if quote is not None:
            states[i] = QUOTED
            if ch == "\\" and quote != "`" and i + 1 < n:
                states[i + 1] = QUOTED
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
            states[i] = QUOTED
        elif ch == "#":
            end = expr.find("\n", i)
            end = n if end < 0 else end
            for j in range(i, end):
                states[j] = COMMENT
            i = end
            continue
        i += 1
    return states


def substitute(expr: str) -> str:
    """The query with every variable replaced by a stand-in that fits where it stands: text inside
    quotes and comments, a duration inside `[...]` or after `offset`, a label name inside `by (...)`-like
    lists, a metric name before `{`, else a number."""
    return substitute_mapped(expr)[0]


def substitute_mapped(expr: str):
    """substitute(), and a function that maps an offset in the substituted text back to the offset in
    `expr` (an offset inside a stand-in maps to the start of the reference it replaced)."""
    out: list[str] = []
    spans: list[tuple[int, int, int, int]] = []  # (new start, new end, old start, old end) of stand-ins
    pos = new = 0
    states = None
    for m in REFERENCE.finditer(expr):
        name = _name(m)
        if is_capture_group(name) or (m.start() and expr[m.start() - 1] == "\\"):
            continue
        if states is None:
            states = lexical_states(expr)
        kept = expr[pos:m.start()]
        out.append(kept)
        new += len(kept)
        state = states[m.start()]
        standin = name if state != CODE else _standin(name, _code_before(expr, states, m.start()),
                                                         expr[m.end():])
        out.append(standin)
        spans.append((new, new + len(standin), m.start(), m.end()))
        new += len(standin)
        pos = m.end()
    out.append(expr[pos:])

    def to_original(offset: int) -> int:
        shift = 0
        for new_start, new_end, old_start, old_end in spans:
            if offset < new_start:
                break
            if offset < new_end:
                return old_start
            shift = old_end - new_end
        return max(0, min(len(expr), offset + shift))

    return "".join(out), to_original


def _code_before(expr: str, states: list[int], end: int) -> str:
    """The text before `end` with comments and the insides of strings blanked out (a `[` or `(` there
    opens nothing)."""
    return "".join(ch if states[i] == CODE or ch in "\"'`" else " " for i, ch in enumerate(expr[:end]))


def _standin(name: str, before: str, after: str) -> str:
    if name in NUMBER_STANDINS:
        return NUMBER_STANDINS[name]
    if re.search(r"@\s*$", before):
        return "1700000000"
    opened_range = before.rfind("[") > before.rfind("]")
    if opened_range or re.search(r"\boffset\s*-?\s*$", before):
        return DURATION_STANDINS.get(name, "5m")
    if name in DURATION_STANDINS:
        return DURATION_STANDINS[name]
    identifier = name if re.fullmatch(r"[A-Za-z_]\w*", name) else "x"
    if re.search(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$", before):
        return identifier
    if re.search(r"[\w\)\]\}\"'`]\s+$", before) and not re.search(r"\b(and|or|unless|by|without|on|ignoring|"
                                                                 r"group_left|group_right|bool|offset)\s+$", before):
        return "+"  # right after an operand: the variable holds an operator (`x $op y`, with `or`, `unless`...)
    if after.lstrip()[:1] in ("{", "[") or re.search(r"[{,]\s*$", before) and _in_braces(before):
        return identifier
    return "1"


def _in_braces(before: str) -> bool:
    return before.rfind("{") > before.rfind("}")
