"""Where a query of a grafanalib dashboard is written in its Python source, read as a syntax tree (never run).

The sandboxed run records the line of the user's code that built each target (`Target(` ...). When that
call passes `expr` as a plain string literal, the finding can point inside the literal: the line and
column of the character the PromQL parser stopped at. Anything else (a variable, concatenation, an
f-string, a helper's argument) keeps the target's line.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=64)
def _calls(path: str, mtime_ns: int) -> dict[int, list[ast.Call]] | None:
    try:
        tree = ast.parse(Path(path).read_bytes(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    by_line: dict[int, list[ast.Call]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            by_line.setdefault(node.lineno, []).append(node)
    return by_line


def expr_literal(path: Path, line: int) -> tuple[int, int, str] | None:
    """(line, column, source text) of the string literal passed as `expr` to the call that starts at `line`
    (`Target(expr="...")` or `Target("...")`), when there is exactly one such call and the literal is a
    plain one-line string; else None."""
    try:
        calls = _calls(str(path), path.stat().st_mtime_ns)
    except OSError:
        return None
    found = []
    for call in (calls or {}).get(line, []):
        value = next((k.value for k in call.keywords if k.arg == "expr"), None)
        if value is None and call.args and _name(call.func).endswith("Target"):
            value = call.args[0]
        if value is not None:
            found.append(value)
    if len(found) != 1:
        return None
    value = found[0]
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)) or value.end_lineno != value.lineno:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8").splitlines()[value.lineno - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    source = text.encode("utf-8")[value.col_offset:value.end_col_offset].decode("utf-8", "replace")
    column = len(text.encode("utf-8")[:value.col_offset].decode("utf-8", "replace")) + 1
    return value.lineno, column, source


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def literal_index(source: str, offset: int) -> int:
    """The index in a Python string literal's source of the character at `offset` of its value."""
    quote_at = next((i for i, ch in enumerate(source) if ch in "\"'"), 0)
    prefix, body = source[:quote_at], source[quote_at:]
    quotes = 3 if body[:3] in ('"""', "'''") else 1
    inner = body[quotes:len(body) - quotes]
    if "r" in prefix.lower():
        return quote_at + quotes + min(offset, len(inner))
    for k in range(len(inner) + 1):  # the first cut whose value is `offset` characters long
        try:
            decoded = ast.literal_eval(prefix + body[:quotes] + inner[:k] + body[:quotes])
        except (SyntaxError, ValueError):
            continue  # the cut falls inside an escape
        if len(decoded) >= offset:
            return quote_at + quotes + k
    return quote_at + quotes + len(inner)
