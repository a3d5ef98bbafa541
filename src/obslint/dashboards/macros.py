"""Grafana variables and macros in PromQL: finding the references, and substituting parser-valid
stand-ins so that promql-parser can read the query (as dashboard-linter does). Each macro gets its
own stand-in, so a check can still tell where `$__rate_interval` was used after parsing."""

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


def references(text: str) -> list[str]:
    """The variable names `text` refers to, in order (macros included, `__`-prefixed)."""
    return [m.group("a") or m.group("b") or m.group("c") for m in REFERENCE.finditer(text or "")]


def substitute(expr: str) -> str:
    """The query with every variable replaced by a stand-in that fits where it stands: text inside
    quotes, a duration inside `[...]` or after `offset`, a label name inside `by (...)`-like lists, a
    metric name before `{`, else a number."""
    out: list[str] = []
    pos = 0
    for m in REFERENCE.finditer(expr):
        name = m.group("a") or m.group("b") or m.group("c")
        before = expr[:m.start()]
        out.append(expr[pos:m.start()])
        out.append(_standin(name, before, expr[m.end():]))
        pos = m.end()
    out.append(expr[pos:])
    return "".join(out)


def _in_quotes(before: str) -> bool:
    quote = None
    escaped = False
    for ch in before:
        if escaped:
            escaped = False
        elif ch == "\\" and quote in ('"', "'"):
            escaped = True
        elif quote is None and ch in "\"'`":
            quote = ch
        elif ch == quote:
            quote = None
    return quote is not None


def _standin(name: str, before: str, after: str) -> str:
    if _in_quotes(before):
        return name
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
    if after.lstrip()[:1] in ("{", "[") or re.search(r"[{,]\s*$", before) and _in_braces(before):
        return identifier
    return "1"


def _in_braces(before: str) -> bool:
    return before.rfind("{") > before.rfind("}")
