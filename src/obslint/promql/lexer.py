"""A PromQL tokenizer: positions and lexical facts that promql-parser does not keep.

Parsing is promql-parser's job. This module only splits text into tokens, so that obslint can
give line and column for a finding inside an expression, find version-specific syntax (durations
written as plain numbers, quoted label names), measure nesting before the parser sees the text,
and hand the parser strings it reads the way Go's PromQL lexer does.
"""

from __future__ import annotations

import re
from typing import NamedTuple

HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


class Token(NamedTuple):
    kind: str  # ident, number, duration, string, op, punct, error
    text: str
    start: int
    end: int
    value: str | None = None  # decoded value of a string; None for other tokens


class LexError(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


# One pattern for every token but strings with escapes (those go through _scan_string): the lexer's
# inner loop runs in the regex engine. Alternatives are tried in the order Go's lexer decides.
_TOKEN = re.compile(
    r"""(?P<skip>[ \t\n\r]+|\#[^\n]*)"""
    r"""|(?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)"""
    r"""|(?P<duration>(?:[0-9]+(?:ms|s|m|h|d|w|y)(?![^\W\d]))+)"""
    r"""|(?P<number>0[xX][0-9a-fA-F]*|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"""
    r"""|(?P<string>"[^"\\\n]*"|'[^'\\\n]*'|`[^`]*`)"""
    r"""|(?P<op>==|!=|=~|!~|>=|<=|[<>=+\-*/%^@])"""
    r"""|(?P<punct>[(){}\[\],])"""
)


def tokenize(text: str) -> list[Token]:
    """All tokens of `text`. Raises LexError at the first character no PromQL token can start with."""
    tokens: list[Token] = []
    append = tokens.append
    match = _TOKEN.match
    i, n = 0, len(text)
    in_brackets = False
    while i < n:
        m = match(text, i)
        if m is None:
            if text[i] in "\"'`":  # a string with escapes, or an unterminated one
                j, value = _scan_string(text, i)
                append(Token("string", text[i:j], i, j, value))
                i = j
                continue
            raise LexError(f"unexpected character: {text[i]!r}", i)
        kind = m.lastgroup
        j = m.end()
        if kind == "string":
            append(Token(kind, text[i:j], i, j, text[i + 1:j - 1]))
        elif kind == "ident" and in_brackets and text[i] == ":":
            j = i + 1  # inside [range:step] a colon is a token of its own, as in Go's lexer
            append(Token("punct", ":", i, j))
        elif kind != "skip":
            if kind == "punct" and text[i] in "[]":
                in_brackets = text[i] == "["
            append(Token(kind, text[i:j], i, j))
        i = j
    return tokens


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
    return sum(1 for t in tokens
               if (t.kind == "op" and t.text in ops) or (t.kind == "ident" and t.text.lower() in words))
