"""Go's strconv, as the Go programs obslint stands in for read literals: Unquote and UnquoteChar (string
and character literals of PromQL, Go templates and Alertmanager matchers), ParseInt, ParseUint and
ParseFloat (numbers of PromQL and Go templates), and the underscore rule they share.

A Go string holds bytes; a byte that is no UTF-8 (from an `\\x80` or `\\200` escape) is kept here as a
surrogate escape (U+DC80-U+DCFF, Python's "surrogateescape"), and escaped bytes that together are UTF-8
become their character, as they would be printed.
"""

from __future__ import annotations

import math

_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
_HEX = "0123456789abcdefABCDEF"


def unquote(quoted: str) -> str:
    """strconv.Unquote of a double-quoted or backquoted string; a single-quoted one is read as PromQL's
    strutil.Unquote reads it (a string, not a character). ValueError when Go refuses it."""
    quote = quoted[:1]
    if len(quoted) < 2 or quoted[-1:] != quote or quote not in "\"'`":
        raise ValueError("invalid syntax")
    body = quoted[1:-1]
    if quote == "`":
        if "`" in body:
            raise ValueError("invalid syntax")
        return body.replace("\r", "")
    if "\n" in body:
        raise ValueError("invalid syntax")
    if "\\" not in body and quote not in body:
        return body
    out, i = [], 0
    while i < len(body):
        char, i = unquote_char(body, i, quote, in_string=True)
        out.append(char)
    return normalize_bytes("".join(out))


def unquote_char(s: str, i: int, quote: str, in_string: bool = False) -> tuple[str, int]:
    """strconv.UnquoteChar at s[i]: (the character, the index after it). In a string (`in_string`) an
    `\\x`/octal escape of 0x80 or more is a byte (a surrogate escape); in a character literal, a rune."""
    c = s[i]
    if c == quote and quote in "'\"":
        raise ValueError("invalid syntax")
    if c != "\\":
        return c, i + 1
    if i + 1 >= len(s):
        raise ValueError("invalid syntax")
    c = s[i + 1]
    i += 2
    if c in _SIMPLE:
        return _SIMPLE[c], i
    if c in "xuU":
        size = {"x": 2, "u": 4, "U": 8}[c]
        digits = s[i:i + size]
        if len(digits) < size or not all(d in _HEX for d in digits):
            raise ValueError("invalid syntax")
        value = int(digits, 16)
        if c == "x":
            return _byte(value, in_string), i + size
        if value > 0x10FFFF or 0xD800 <= value < 0xE000:
            raise ValueError("invalid syntax")
        return chr(value), i + size
    if c in "01234567":
        digits = s[i - 1:i + 2]
        if len(digits) < 3 or not all(d in "01234567" for d in digits) or int(digits, 8) > 255:
            raise ValueError("invalid syntax")
        return _byte(int(digits, 8), in_string), i + 2
    if c == quote and quote in "'\"":
        return c, i
    raise ValueError("invalid syntax")


def _byte(value: int, in_string: bool) -> str:
    return chr(0xDC00 + value) if in_string and value >= 0x80 else chr(value)


def normalize_bytes(s: str) -> str:
    """Bytes kept as surrogate escapes that together are UTF-8 become their character."""
    if any("\udc80" <= c <= "\udcff" for c in s):
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")
    return s


def is_valid_utf8(s: str) -> bool:
    """Whether a Go string (as unquote returns it) is valid UTF-8: it holds no surrogate escapes."""
    return s.isascii() or not any("\udc80" <= c <= "\udcff" for c in s)


def underscore_ok(s: str) -> bool:
    """strconv.underscoreOK: underscores only between digits (a base prefix counts as a digit)."""
    saw = "^"
    i = 0
    if s[:1] in "+-":
        s = s[1:]
    hexadecimal = False
    if len(s) >= 2 and s[0] == "0" and s[1] in "bBoOxX":
        hexadecimal = s[1] in "xX"
        i, saw = 2, "0"
    for c in s[i:]:
        if "0" <= c <= "9" or (hexadecimal and c in "abcdefABCDEF"):
            saw = "0"
        elif c == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
    return saw != "_"


def parse_int(text: str, bits: int = 64, unsigned: bool = False) -> int:
    """strconv.ParseInt(text, 0, bits), or ParseUint with `unsigned`; ValueError when Go refuses."""
    s = text
    negative = False
    if not s:
        raise ValueError(text)
    if not unsigned and s[:1] in "+-":
        negative = s[0] == "-"
        s = s[1:]
    base, body = 10, s
    if s[:2] in ("0x", "0X"):
        base, body = 16, s[2:]
    elif s[:2] in ("0o", "0O"):
        base, body = 8, s[2:]
    elif s[:2] in ("0b", "0B"):
        base, body = 2, s[2:]
    elif s[:1] == "0" and len(s) > 1:
        base, body = 8, s[1:]
    if "_" in s and not underscore_ok(s):
        raise ValueError(text)
    body = body.replace("_", "")
    if not body or not all(c in _HEX[:base] if base <= 10 else c in _HEX for c in body):
        raise ValueError(text)
    value = int(body, base)
    if negative:
        value = -value
    if unsigned:
        if value >= 1 << bits:
            raise ValueError(text)
    elif not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
        raise ValueError(text)
    return value


def parse_int_or_uint(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), else ParseUint(text, 0, 64), as Go's YAML decoders and config
    readers try them; None when both refuse."""
    for unsigned in (False, True):
        try:
            return parse_int(text, unsigned=unsigned)
        except ValueError:
            pass
    return None


_SPECIALS = {"inf": math.inf, "+inf": math.inf, "-inf": -math.inf, "infinity": math.inf, "+infinity": math.inf,
             "-infinity": -math.inf, "nan": math.nan, "+nan": math.nan, "-nan": math.nan}


def parse_float(text: str) -> float:
    """strconv.ParseFloat(text, 64): decimal and hexadecimal (with a `p` exponent) floats, Inf and NaN;
    ValueError when Go refuses it, a value out of range included."""
    special = _SPECIALS.get(text.lower())
    if special is not None:
        if text.lower().lstrip("+-") == "nan" and text[:1] in "+-":
            raise ValueError(text)  # Go reads no sign before NaN
        return special
    s = text
    if "_" in s:
        if not underscore_ok(s):
            raise ValueError(text)
        s = s.replace("_", "")
    body = s.lstrip("+-")
    if len(s) - len(body) > 1 or not body:
        raise ValueError(text)
    if body[:2] in ("0x", "0X"):
        if "p" not in body.lower():
            raise ValueError(text)
        try:
            value = float.fromhex(body)
        except (ValueError, OverflowError):
            raise ValueError(text) from None
        value = -value if s.startswith("-") else value
    else:
        if body[:2].lower() in ("0o", "0b") or not all(c in "0123456789.eE+-" for c in body):
            raise ValueError(text)
        try:
            value = float(s)
        except ValueError:
            raise ValueError(text) from None
    if math.isinf(value):
        raise ValueError(text)  # ErrRange
    return value
