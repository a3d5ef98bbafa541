"""A PromQL tokenizer: positions and lexical facts that promql-parser does not keep.

Parsing is promql-parser's job. This module only splits text into tokens, so that obslint can
give line and column for a finding inside an expression, find version-specific syntax (durations
written as plain numbers, quoted label names), measure nesting before the parser sees the text,
and hand the parser strings it reads the way Go's PromQL lexer does.
"""

from __future__ import annotations

from dataclasses import dataclass

IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:")
IDENT_CHARS = IDENT_START | frozenset("0123456789")
DIGITS = frozenset("0123456789")
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
DURATION_UNITS = ("ms", "s", "m", "h", "d", "w", "y")
SPACE = frozenset(" \t\n\r")
OPERATORS = ("==", "!=", "=~", "!~", ">=", "<=", "<", ">", "=", "+", "-", "*", "/", "%", "^", "@")
PUNCT = frozenset("(){}[],:")
ESCAPES = frozenset("abfnrtv\\")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # ident, number, duration, string, op, punct, error
    text: str
    start: int
    end: int
    value: str | None = None  # decoded value of a string; None for other tokens


class LexError(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


def tokenize(text: str) -> list[Token]:
    """All tokens of `text`. Raises LexError at the first character no PromQL token can start with."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    append = tokens.append
    while i < n:
        c = text[i]
        if c in SPACE:
            i += 1
            continue
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in IDENT_START:
            j = i + 1
            while j < n and text[j] in IDENT_CHARS:
                j += 1
            append(Token("ident", text[i:j], i, j))
            i = j
            continue
        if c in DIGITS or (c == "." and i + 1 < n and text[i + 1] in DIGITS):
            j = _scan_number(text, i)
            k = _scan_duration_tail(text, i)
            if k > j:
                append(Token("duration", text[i:k], i, k))
                i = k
            else:
                append(Token("number", text[i:j], i, j))
                i = j
            continue
        if c in "\"'`":
            j, value = _scan_string(text, i)
            append(Token("string", text[i:j], i, j, value))
            i = j
            continue
        two = text[i:i + 2]
        if two in OPERATORS:
            append(Token("op", two, i, i + 2))
            i += 2
            continue
        if c in OPERATORS:
            append(Token("op", c, i, i + 1))
            i += 1
            continue
        if c in PUNCT:
            append(Token("punct", c, i, i + 1))
            i += 1
            continue
        raise LexError(f"unexpected character: {c!r}", i)
    return tokens


def _scan_number(text: str, i: int) -> int:
    n = len(text)
    if text.startswith(("0x", "0X"), i):
        j = i + 2
        while j < n and text[j] in HEX_DIGITS:
            j += 1
        return j
    j = i
    while j < n and text[j] in DIGITS:
        j += 1
    if j < n and text[j] == ".":
        j += 1
        while j < n and text[j] in DIGITS:
            j += 1
    if j < n and text[j] in "eE":
        k = j + 1
        if k < n and text[k] in "+-":
            k += 1
        if k < n and text[k] in DIGITS:
            j = k
            while j < n and text[j] in DIGITS:
                j += 1
    return j


def _scan_duration_tail(text: str, i: int) -> int:
    """End of a duration such as 1h30m starting at i, or i if there is none."""
    n = len(text)
    j = i
    matched = False
    while j < n and text[j] in DIGITS:
        k = j
        while k < n and text[k] in DIGITS:
            k += 1
        unit = next((u for u in DURATION_UNITS if text.startswith(u, k)), None)
        if unit is None:
            break
        end = k + len(unit)
        if end < n and (text[end].isalpha() or text[end] == "_"):
            break  # an identifier such as 5mb, not a duration
        j = end
        matched = True
    return j if matched else i


def _scan_string(text: str, i: int) -> tuple[int, str]:
    quote = text[i]
    n = len(text)
    j = i + 1
    if quote == "`":
        k = text.find("`", j)
        if k < 0:
            raise LexError("unterminated raw string", i)
        return k + 1, text[j:k]
    out: list[str] = []
    while j < n:
        c = text[j]
        if c == quote:
            return j + 1, "".join(out)
        if c == "\n":
            break
        if c == "\\":
            j, decoded = _scan_escape(text, j, quote)
            out.append(decoded)
            continue
        out.append(c)
        j += 1
    raise LexError("unterminated quoted string", i)


def _scan_escape(text: str, j: int, quote: str) -> tuple[int, str]:
    n = len(text)
    if j + 1 >= n:
        raise LexError("escape sequence not terminated", j)
    c = text[j + 1]
    simple = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
    if c in simple:
        return j + 2, simple[c]
    if c == quote:
        return j + 2, quote
    if c in "01234567":
        digits = text[j + 1:j + 4]
        if len(digits) < 3 or any(d not in "01234567" for d in digits) or int(digits, 8) > 255:
            raise LexError("invalid octal escape sequence", j)
        return j + 4, chr(int(digits, 8))
    width = {"x": 2, "u": 4, "U": 8}.get(c)
    if width:
        digits = text[j + 2:j + 2 + width]
        if len(digits) < width or any(d not in HEX_DIGITS for d in digits):
            raise LexError(f"invalid \\{c} escape sequence", j)
        code = int(digits, 16)
        if c != "x" and (code > 0x10FFFF or 0xD800 <= code <= 0xDFFF):
            raise LexError("escape sequence is an invalid Unicode code point", j)
        return j + 2 + width, chr(code)
    raise LexError(f"unknown escape sequence {c!r}", j)


def max_nesting(tokens: list[Token]) -> int:
    """Deepest nesting of (), [] and {}; unary minus chains count one level each."""
    depth = best = 0
    run = 0
    for t in tokens:
        if t.kind == "punct" and t.text in "([{":
            depth += 1
            best = max(best, depth + run)
        elif t.kind == "punct" and t.text in ")]}":
            depth -= 1
        if t.kind == "op" and t.text in "+-":
            run += 1
            best = max(best, depth + run)
        else:
            run = 0
    return best


def count_binary_operators(tokens: list[Token]) -> int:
    ops = {"+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<="}
    words = {"and", "or", "unless", "atan2"}
    return sum(1 for t in tokens if (t.kind == "op" and t.text in ops) or (t.kind == "ident" and t.text.lower() in words))


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` inside `text`."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
