"""PromQL as `promtool check rules` of one Prometheus version reads it: accept or refuse, and where.

promql-parser (Rust, following Prometheus 3.x at one point in time) is fast but speaks one dialect,
lacks the newer syntax (duration expressions, trim operators, anchored/smoothed, ...), and gives no
positions. This module is a small parser of its own that follows, version by version, what
Prometheus's Go parser does: its lexer (a state machine whose modes inside `{}` and `[]` changed over
the releases), its yacc grammar (including how yacc settles the grammar's conflicts: postfix
modifiers bind to the nearest operand, `offset 5m * 2` multiplies the selector while
`offset (5m) * 2` multiplies the duration), the checks its grammar actions make while parsing
(durations, offsets, @, experimental gates) and its type checks afterwards. The target is a
`versions.Dialect`; every difference between releases is a condition on it.

`check(text, dialect)` returns the first error as promtool would report it (its message in our
words, its offset in the text), plus the edits that turn an accepted expression into text
promql-parser reads (see `Result.edits`), so that obslint's other checks still get an AST.
"""

from __future__ import annotations

import math
import re
import sys
from typing import NamedTuple

from obslint import gostrconv
from obslint.promql import versions
from obslint.promql.regex import RegexError, check_regex
from obslint.promql.versions import Dialect


class Tok(NamedTuple):
    kind: str  # IDENT METRIC_IDENT NUMBER DURATION STRING EOF ERROR, a keyword, or the operator itself
    start: int
    end: int
    value: str | None = None  # STRING: the unquoted value; ERROR: the message


class Result(NamedTuple):
    error: tuple[int, str] | None  # (offset, message) of the first error; None: accepted
    kind: str  # syntax or version (a construct the target or its flags lack)
    edits: list[tuple[int, int, str]]  # (start, end, replacement) making text promql-parser reads
    tokens: list[Tok]
    notes: list[tuple[int, str]] = []  # (offset, message): experimental constructs a flag lets through


# ---------------------------------------------------------------------------------------------
# Lexer

_SPACE = " \t\n\r"
_DIGITS = "0123456789"
_HEX = "0123456789abcdefABCDEF"
_BASE_KEYWORDS = frozenset(
    "and or unless atan2 sum avg count min max group stddev stdvar topk bottomk count_values quantile "
    "offset by without on ignoring group_left group_right bool start end".split())
AGGREGATORS = frozenset(
    "sum avg count min max group stddev stdvar topk bottomk count_values quantile limitk limit_ratio".split())
_PARAM_AGGREGATORS = frozenset("topk bottomk count_values quantile limitk limit_ratio".split())
_COMPARISONS = frozenset(("==", "!=", "<=", "<", ">=", ">"))
_SET_OPERATORS = frozenset(("and", "or", "unless"))
_PRECEDENCE = {"or": 1, "and": 2, "unless": 2, "==": 3, "!=": 3, "<=": 3, "<": 3, ">=": 3, ">": 3, "</": 3,
               ">/": 3, "+": 4, "-": 4, "*": 5, "/": 5, "%": 5, "atan2": 5, "^": 6}
_POW = 6
_DURATION_OPS = {"+": 4, "-": 4, "*": 5, "/": 5, "%": 5, "^": 6}


def _is_alpha(c: str) -> bool:
    return c == "_" or "a" <= c <= "z" or "A" <= c <= "Z"


def _is_alnum(c: str) -> bool:
    return c == "_" or "a" <= c <= "z" or "A" <= c <= "Z" or "0" <= c <= "9"


class _LexSpec(NamedTuple):
    keywords: frozenset[str]
    new_numbers: bool  # 2.54: underscores, anti-patterns (0xee is no longer a number)
    bracket_start: str  # what follows `[`: duration (<2.54), numdur (<3.4), durexpr
    bracket_alpha_colon: bool  # before 3.6 any letter inside [..] is read as `:`
    stmt_kw_starts: str  # letters starting a duration keyword inside [..] after a number
    dur_kw_starts: str  # and in the duration-expression mode
    dur_keywords: dict[str, str]  # word -> token kind
    dur_comma: bool
    trims: bool
    keyword_sets_got_duration: bool  # 3.16: a keyword counts as a duration before `:`, `[` resets
    utf8_names: bool


def _lex_spec(d: Dialect) -> _LexSpec:
    has = d.has
    keywords = set(_BASE_KEYWORDS)
    if has(versions.NUMBER_DURATION_SINCE):
        keywords |= {"limitk", "limit_ratio"}
    if has(versions.STEP_SINCE):
        keywords.add("step")
    if has(versions.EXTENDED_RANGE_SINCE):
        keywords |= {"anchored", "smoothed"}
    if has(versions.FILL_SINCE):
        keywords |= {"fill", "fill_left", "fill_right", "range"}
    if has(versions.MAX_OF_SINCE):
        keywords |= {"max_of", "min_of"}
    dur_keywords: dict[str, str] = {}
    if has(versions.STEP_SINCE):
        dur_keywords["step"] = "step"
        if has(versions.MAX_OF_SINCE):
            dur_keywords.update(max_of="max_of", min_of="min_of")
        else:
            dur_keywords.update(min="min", max="max")
    if has(versions.RANGE_SINCE):
        dur_keywords["range"] = "range"
    if has(versions.DURATION_FUNCTIONS_SINCE):
        starts = "".join(sorted({w[0] for w in dur_keywords}))
        stmt_starts = dur_starts = starts + starts.upper()
    elif has(versions.STEP_SINCE):
        stmt_starts = "smSM"
        dur_starts = "smrSMR" if has(versions.RANGE_SINCE) else "smSM"
    else:
        stmt_starts = dur_starts = ""
    return _LexSpec(
        keywords=frozenset(keywords),
        new_numbers=has(versions.NUMBER_DURATION_SINCE),
        bracket_start=("durexpr" if has(versions.DURATION_EXPR_SINCE) else
                       "numdur" if has(versions.NUMBER_DURATION_SINCE) else "duration"),
        bracket_alpha_colon=not has(versions.STEP_SINCE),
        stmt_kw_starts=stmt_starts,
        dur_kw_starts=dur_starts,
        dur_keywords=dur_keywords,
        dur_comma=has(versions.STEP_SINCE),
        trims=has(versions.TRIM_SINCE),
        keyword_sets_got_duration=has((3, 16)),
        utf8_names=d.has((3, 16)) and d.flag_on(versions.UNQUOTED_UTF8_NAMES),
    )


_NAME_RUN = re.compile(r"[A-Za-z0-9_:]*")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:")
_LABEL_RUN = re.compile(r"[A-Za-z0-9_]*")
_SPACE_RUN = re.compile(r"[ \t\n\r]*")
_PLAIN_STRING = {'"': re.compile(r'"[^"\\\n\ufffd]*"'), "'": re.compile(r"'[^'\\\n\ufffd]*'")}


class _LexError(Exception):
    def __init__(self, message: str, start: int):
        super().__init__(message)
        self.start = start


_SPECS: dict[Dialect, _LexSpec] = {}


def lex(text: str, d: Dialect) -> list[Tok]:
    """The tokens Go's lexer of this version makes, comments left out; ends with EOF or ERROR."""
    spec = _SPECS.get(d)
    if spec is None:
        spec = _SPECS[d] = _lex_spec(d)
    toks: list[Tok] = []
    try:
        _Lexer(text, spec, toks).run()
    except _LexError as exc:
        toks.append(Tok("ERROR", exc.start, len(text), str(exc)))
    return toks


class _Lexer:
    def __init__(self, text: str, spec: _LexSpec, toks: list[Tok]):
        self.s = text
        self.n = len(text)
        self.spec = spec
        self.toks = toks
        self.paren = 0
        self.brace = False
        self.bracket = False
        self.got_colon = False
        self.got_duration = False

    def emit(self, kind: str, start: int, end: int, value: str | None = None) -> None:
        self.toks.append(Tok(kind, start, end, value))

    def name_start(self, c: str) -> bool:
        return _is_alpha(c) or (self.spec.utf8_names and c >= "\x80" and c.isalpha())

    def name_continue(self, c: str) -> bool:
        return _is_alnum(c) or (self.spec.utf8_names and (c == "." or (c >= "\x80" and c.isalpha())))

    def run(self) -> None:
        s, n, spec = self.s, self.n, self.spec
        i = 0
        mode = "stmt"  # stmt, braces, durexpr
        while True:
            if mode == "braces" or (mode == "stmt" and self.brace):
                mode = "braces"
                i, mode = self.inside_braces(i)
                continue
            if mode == "durexpr":
                i, mode = self.duration_expr(i)
                continue
            if i >= n:
                if self.paren != 0:
                    raise _LexError("unclosed left parenthesis", i)
                if self.bracket:
                    raise _LexError("unclosed left bracket", i)
                self.emit("EOF", n, n)
                return
            c = s[i]
            if not self.bracket and c in _NAME_START:  # the common case first: a name or keyword
                i = self.keyword_or_identifier(i)
                continue
            nxt = s[i + 1] if i + 1 < n else ""
            if c in _SPACE:
                i = _SPACE_RUN.match(s, i).end()
            elif c == "#":
                i = self.comment(i)
            elif c in ",*/%+-^@":
                self.emit(c, i, i + 1)
                i += 1
            elif c == "=":
                if nxt == "=":
                    self.emit("==", i, i + 2)
                    i += 2
                elif nxt == "~":
                    raise _LexError("unexpected character after '=': '~'", i)
                else:
                    self.emit("=", i, i + 1)
                    i += 1
            elif c == "!":
                if nxt != "=":
                    raise _LexError(f"unexpected character after '!': {nxt!r}", i)
                self.emit("!=", i, i + 2)
                i += 2
            elif c in "<>":
                if nxt == "=":
                    self.emit(c + "=", i, i + 2)
                    i += 2
                elif nxt == "/" and spec.trims:
                    self.emit(c + "/", i, i + 2)
                    i += 2
                else:
                    self.emit(c, i, i + 1)
                    i += 1
            elif c in _DIGITS or (c == "." and nxt in _DIGITS and nxt):
                i = self.number_or_duration(i)
            elif c in "\"'":
                i = self.string(i)
            elif c == "`":
                i = self.raw_string(i)
            elif self.name_start(c) or c == ":":
                if not self.bracket:
                    i = self.keyword_or_identifier(i)
                elif spec.bracket_alpha_colon:  # before 3.6, any letter inside [..] is a colon
                    if self.got_colon:
                        raise _LexError(f"unexpected colon {c!r}", i)
                    self.emit(":", i, i + 1)
                    self.got_colon = True
                    i += 1
                elif c == ":":
                    if self.got_colon:
                        raise _LexError("unexpected colon ':'", i)
                    self.emit(":", i, i + 1)
                    self.got_colon = True
                    i += 1
                else:
                    j = self.duration_keyword(i, spec.stmt_kw_starts)
                    if j is None:
                        raise _LexError(f"unexpected character: {c!r}, expected ':'", i)
                    i = j
            elif c == "(":
                self.emit("(", i, i + 1)
                self.paren += 1
                i += 1
            elif c == ")":
                self.paren -= 1
                if self.paren < 0:  # Go's error item takes the place of the token, after it
                    raise _LexError("unexpected right parenthesis ')'", i + 1)
                self.emit(")", i, i + 1)
                i += 1
            elif c == "{":
                self.emit("{", i, i + 1)
                self.brace = True
                i += 1
                mode = "braces"
            elif c == "[":
                if self.bracket:
                    raise _LexError("unexpected left bracket '['", i)
                self.got_colon = False
                if spec.keyword_sets_got_duration:
                    self.got_duration = False
                self.emit("[", i, i + 1)
                i += 1
                while i < n and s[i] in _SPACE:
                    i += 1
                self.bracket = True
                if spec.bracket_start == "durexpr":
                    mode = "durexpr"
                elif spec.bracket_start == "numdur":
                    i = self.number_or_duration(i)
                else:
                    i = self.duration_only(i)
            elif c == "]":
                if not self.bracket:
                    raise _LexError("unexpected right bracket ']'", i)
                self.emit("]", i, i + 1)
                self.bracket = False
                i += 1
            else:
                raise _LexError(f"unexpected character: {c!r}", i)

    def comment(self, i: int) -> int:
        j = i + 1
        while j < self.n and self.s[j] not in "\r\n":
            j += 1
        return j

    def inside_braces(self, i: int) -> tuple[int, str]:
        s, n = self.s, self.n
        while True:
            if i >= n:
                raise _LexError("unexpected end of input inside braces", i)
            c = s[i]
            if c == "#":
                i = self.comment(i)
            elif c in _SPACE:
                i += 1
            elif self.name_start(c):
                if self.spec.utf8_names:
                    j = i + 1
                    while j < n and self.name_continue(s[j]):
                        j += 1
                else:
                    j = _LABEL_RUN.match(s, i).end()
                self.emit("IDENT", i, j)
                i = j
            elif c == ",":
                self.emit(",", i, i + 1)
                i += 1
            elif c in "\"'":
                i = self.string(i)
            elif c == "`":
                i = self.raw_string(i)
            elif c == "=":
                if i + 1 < n and s[i + 1] == "~":
                    self.emit("=~", i, i + 2)
                    i += 2
                else:
                    self.emit("=", i, i + 1)
                    i += 1
            elif c == "!":
                nxt = s[i + 1] if i + 1 < n else ""
                if nxt == "~":
                    self.emit("!~", i, i + 2)
                elif nxt == "=":
                    self.emit("!=", i, i + 2)
                else:
                    raise _LexError(f"unexpected character after '!' inside braces: {nxt!r}", i)
                i += 2
            elif c == "{":
                raise _LexError("unexpected left brace '{'", i)
            elif c == "}":
                self.emit("}", i, i + 1)
                self.brace = False
                return i + 1, "stmt"
            else:
                raise _LexError(f"unexpected character inside braces: {c!r}", i)

    def duration_expr(self, i: int) -> tuple[int, str]:
        """Go's lexDurationExpr (3.4+): one token in the arithmetic mode of [..]."""
        s, n, spec = self.s, self.n, self.spec
        if i >= n:
            raise _LexError("unexpected end of input in duration expression", i)
        c = s[i]
        nxt = s[i + 1] if i + 1 < n else ""
        if c == "]":
            self.emit("]", i, i + 1)
            self.bracket = False
            self.got_colon = False
            return i + 1, "stmt"
        if c == ":":
            if not self.got_duration:
                raise _LexError("unexpected colon before duration in duration expression", i + 1)
            if self.got_colon:
                raise _LexError("unexpected repeated colon in duration expression", i + 1)
            self.emit(":", i, i + 1)
            self.got_colon = True
            return i + 1, "durexpr"
        if c == "(":
            self.emit("(", i, i + 1)
            self.paren += 1
            return i + 1, "durexpr"
        if c == ")":
            self.paren -= 1
            if self.paren < 0:
                raise _LexError("unexpected right parenthesis ')'", i + 1)
            self.emit(")", i, i + 1)
            return i + 1, "durexpr"
        if c in _SPACE:
            while i < n and s[i] in _SPACE:
                i += 1
            return i, "durexpr"
        if c in "+-*/%^" or (c == "," and spec.dur_comma):
            self.emit(c, i, i + 1)
            return i + 1, "durexpr"
        if c and c in spec.dur_kw_starts:
            j = self.duration_keyword(i, spec.dur_kw_starts)
            if j is None:
                raise _LexError(f"unexpected character in duration expression: {c!r}", i)
            if spec.keyword_sets_got_duration:
                self.got_duration = True
            return j, "durexpr"
        if c in _DIGITS or (c == "." and nxt and nxt in _DIGITS):
            self.got_duration = True
            return self.number_or_duration(i), "stmt"
        raise _LexError(f"unexpected character in duration expression: {c!r}", i)

    def duration_keyword(self, i: int, starts: str) -> int | None:
        s = self.s
        if s[i] not in starts:
            return None
        j = i
        while j < self.n and _is_alpha(s[j]):
            j += 1
        kind = self.spec.dur_keywords.get(s[i:j].lower())
        if kind is None:
            return None
        self.emit(kind, i, j)
        return j

    def keyword_or_identifier(self, i: int) -> int:
        s, n = self.s, self.n
        if self.spec.utf8_names:
            j = i
            while j < n and (self.name_continue(s[j]) or s[j] == ":"):
                j += 1
        else:
            j = _NAME_RUN.match(s, i).end()
        word = s[i:j]
        lower = word.lower()
        if word.isascii() and (lower in self.spec.keywords or lower in ("inf", "nan")):
            if lower in ("inf", "nan"):
                self.emit("NUMBER", i, j)
            elif lower in ("fill", "fill_left", "fill_right") and not self.followed_by_paren(j):
                self.emit("IDENT", i, j)
            else:
                self.emit(lower, i, j)
        elif ":" in word:
            self.emit("METRIC_IDENT", i, j)
        else:
            self.emit("IDENT", i, j)
        return j

    def followed_by_paren(self, j: int) -> bool:
        s = self.s
        while j < self.n and s[j] in _SPACE:
            j += 1
        return j < self.n and s[j] == "("

    # numbers and durations

    def number_or_duration(self, i: int) -> int:
        """Go's lexNumberOrDuration: a number, else a duration, else an error."""
        ok, j = self.scan_number(i)
        if ok:
            self.emit("NUMBER", i, j)
            return j
        j2 = self.remaining_duration(j)
        if j2 is not None:
            self.emit("DURATION", i, j2)
            return j2
        raise _LexError(f"bad number or duration syntax: {self.s[i:max(j, i + 1)]!r}", i)

    def duration_only(self, i: int) -> int:
        """Before 2.54, `[` is followed by a duration and nothing else."""
        ok, j = self.scan_number(i)
        if ok:
            raise _LexError("missing unit character in duration", i)
        j2 = self.remaining_duration(j)
        if j2 is None:
            raise _LexError(f"bad duration syntax: {self.s[i:max(j, i + 1)]!r}", i)
        self.emit("DURATION", i, j2)
        return j2

    def remaining_duration(self, j: int) -> int | None:
        s, n = self.s, self.n
        if j >= n or s[j] not in "smhdwy":
            return None
        j += 1
        if j < n and s[j] == "s":
            j += 1
        while j < n and s[j] in _DIGITS:
            while j < n and s[j] in _DIGITS:
                j += 1
            if j >= n or s[j] not in "smhdw":
                return None
            j += 1
            if j < n and s[j] == "s":
                j += 1
        if j < n and _is_alnum(s[j]):
            return None
        return j

    def scan_number(self, i: int) -> tuple[bool, int]:
        """Go's scanNumber: whether a number was scanned, and where scanning stopped."""
        s, n = self.s, self.n
        j = i
        digits = _DIGITS
        if s.startswith("0", j):
            j += 1
            if j < n and s[j] in "xX":
                j += 1
                digits = _HEX
                if self.spec.new_numbers and j < n and s[j] == "_":
                    j += 1
        if not self.spec.new_numbers:
            while j < n and s[j] in digits:
                j += 1
            if j < n and s[j] == ".":
                j += 1
                while j < n and s[j] in digits:
                    j += 1
            if j < n and s[j] in "eE":
                j += 1
                if j < n and s[j] in "+-":
                    j += 1
                while j < n and s[j] in _DIGITS:
                    j += 1
            return not (j < n and _is_alnum(s[j])), j
        # 2.54+: [.][d][d._eE]* with rules on what may follow a dot, an exponent or an underscore
        if j < n and s[j] == ".":
            j += 1
        if j < n and s[j] in digits:
            j += 1
        dot = exponent = False
        allowed = digits + "._eE"
        while j < n and s[j] in allowed:
            c = s[j]
            if c == "." and dot:
                return False, j + 1
            if c in "eE" and exponent:
                return False, j + 1
            if c == ".":
                dot = True
                j += 1
                if j < n and s[j] in "_.":
                    return False, j + 1
                if digits is _HEX:
                    return False, j
                continue
            if c in "eE":
                exponent = True
                j += 1
                if j < n and s[j] in "+-":
                    j += 1
                if j < n and s[j] in "._eE":
                    return False, j + 1
                if j >= n:
                    return False, j
                continue
            if c == "_":
                j += 1
                if j < n and s[j] in "._eE":
                    return False, j + 1
                if j >= n:
                    return False, j
                continue
            while j < n and s[j] in digits:
                j += 1
        if j == i:
            return False, j
        return not (j < n and _is_alnum(s[j])), j

    # strings

    def string(self, i: int) -> int:
        s, n = self.s, self.n
        quote = s[i]
        plain = _PLAIN_STRING[quote].match(s, i)
        if plain is not None:  # no escape: the value is what is between the quotes
            j = plain.end()
            self.emit("STRING", i, j, s[i + 1:j - 1])
            return j
        j = i + 1
        while True:
            if j >= n or s[j] == "\n":
                raise _LexError("unterminated quoted string", i)
            c = s[j]
            if c == "\\":
                j = self.escape(j + 1, quote, i)
                continue
            if c == "\ufffd":
                raise _LexError("invalid UTF-8 rune", i)
            j += 1
            if c == quote:
                break
        self.emit("STRING", i, j, unquote(s[i:j]))
        return j

    def escape(self, j: int, quote: str, start: int) -> int:
        s, n = self.s, self.n
        if j >= n:
            raise _LexError("escape sequence not terminated", start)
        c = s[j]
        if c in "abfnrtv\\" or c == quote:
            return j + 1
        if c in "01234567":
            count, base, limit = 3, 8, 255
        elif c == "x":
            count, base, limit = 2, 16, 255
            j += 1
        elif c == "u":
            count, base, limit = 4, 16, 0x10FFFF
            j += 1
        elif c == "U":
            count, base, limit = 8, 16, 0x10FFFF
            j += 1
        else:
            raise _LexError(f"unknown escape sequence {c!r}", start)
        value = 0
        for _ in range(count):
            if j >= n:
                raise _LexError("escape sequence not terminated", start)
            digit = int(s[j], 16) if s[j] in _HEX else 16
            if digit >= base:
                raise _LexError(f"illegal character {s[j]!r} in escape sequence", start)
            value = value * base + digit
            j += 1
        if value > limit or 0xD800 <= value < 0xE000:
            raise _LexError("escape sequence is an invalid Unicode code point", start)
        return j

    def raw_string(self, i: int) -> int:
        end = self.s.find("`", i + 1)
        if end < 0:
            raise _LexError("unterminated raw string", i)
        if "\ufffd" in self.s[i + 1:end]:
            raise _LexError("invalid UTF-8 rune", i)
        self.emit("STRING", i, end + 1, self.s[i + 1:end])
        return end + 1


def unquote(token: str) -> str:
    """The value of a string token the lexer accepted, as Prometheus's strutil.Unquote makes it (a
    single-quoted token is a string; a backquoted one keeps its carriage returns). Bytes that are not
    UTF-8 (from \\x80 or \\200 escapes) come out as lone surrogates (surrogateescape)."""
    if token[0] == "`":
        return token[1:-1]
    return gostrconv.unquote(token)


_valid_utf8 = gostrconv.is_valid_utf8


# ---------------------------------------------------------------------------------------------
# Numbers and durations as Go reads them

_DURATION_RANGE = 2**63 / 1e9  # durationLiteralOutOfRange: seconds that overflow a time.Duration


def go_number(text: str) -> float | None:
    """strconv.ParseInt(text, 0, 64), else strconv.ParseFloat(text, 64); None when both fail."""
    try:
        return float(gostrconv.parse_int(text))
    except ValueError:
        pass
    try:
        return gostrconv.parse_float(text)
    except ValueError:
        return None


_UNITS = {"y": 365 * 86400_000, "w": 7 * 86400_000, "d": 86400_000, "h": 3600_000, "m": 60_000, "s": 1000,
          "ms": 1}
_UNIT_ORDER = ["y", "w", "d", "h", "m", "s", "ms"]


def go_duration_ms(text: str, d: Dialect) -> tuple[int | None, str | None]:
    """model.ParseDuration (and, before 3.4, the parser's refusal of zero): milliseconds or an error."""
    total_ns = 0
    last = -1
    i, n = 0, len(text)
    while i < n:
        j = i
        while j < n and text[j] in _DIGITS:
            j += 1
        k = j
        while k < n and text[k] not in _DIGITS:
            k += 1
        unit = text[j:k]
        if j == i or unit not in _UNITS or _UNIT_ORDER.index(unit) <= last:
            return None, f"not a valid duration string: {text!r}"
        last = _UNIT_ORDER.index(unit)
        multiplier = _UNITS[unit] * 1_000_000
        number = int(text[i:j])
        if number > 2**63 // multiplier:
            return None, "duration out of range"
        total_ns += number * multiplier
        if total_ns > 2**63 - 1:
            return None, "duration out of range"
        i = k
    if total_ns == 0 and not d.has(versions.DURATION_EXPR_SINCE):
        return None, "duration must be greater than 0"
    return total_ns // 1_000_000, None


def _go_int64(value: float) -> int:
    """Go's float64 -> int64 conversion on amd64: truncation; out of range and NaN give MinInt64."""
    if math.isnan(value) or value >= 2**63 or value < -(2**63):
        return -(2**63)
    return int(value)


def _wrap64(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def offset_nanos(seconds: float, d: Dialect) -> int:
    """The offset a number literal of `seconds` sets, in nanoseconds, as this version converts it."""
    if d.has(versions.OFFSET_DURATION_EXPR_SINCE):  # 3.5 rounds; before it truncated to milliseconds
        return _go_int64(round_half_away(seconds * 1e9))
    return _wrap64(_go_int64(seconds * 1000) * 1_000_000)


def round_half_away(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        return value
    return math.copysign(math.floor(abs(value) + 0.5), value)


# ---------------------------------------------------------------------------------------------
# AST (only what the checks need)

class Node:
    __slots__ = ("kind", "start", "type")

    def __init__(self, kind: str, start: int, type_: str):
        self.kind = kind
        self.start = start
        self.type = type_


class Num(Node):
    __slots__ = ("value",)

    def __init__(self, value: float, start: int):
        super().__init__("num", start, "s")
        self.value = value


class Str(Node):
    __slots__ = ()

    def __init__(self, start: int):
        super().__init__("str", start, "S")


class Selector(Node):
    __slots__ = ("name", "matchers", "offset", "offset_expr", "at", "anchored", "smoothed", "bypass", "end")

    def __init__(self, name: str | None, matchers: list, start: int, end: int):
        super().__init__("vs", start, "v")
        self.name = name
        self.matchers = matchers  # [(name, op, value, start)]
        self.offset = 0
        self.offset_expr = False
        self.at = None  # None, "ts", "start", "end"
        self.anchored = self.smoothed = False
        self.bypass = False
        self.end = end


class Matrix(Node):
    __slots__ = ("inner",)

    def __init__(self, inner: Node):
        super().__init__("matrix", inner.start, "m")
        self.inner = inner


class Subquery(Node):
    __slots__ = ("inner", "offset", "offset_expr", "at")

    def __init__(self, inner: Node):
        super().__init__("subquery", inner.start, "m")
        self.inner = inner
        self.offset = 0
        self.offset_expr = False
        self.at = None


class Call(Node):
    __slots__ = ("func", "args")

    def __init__(self, func: versions.Function, args: list, start: int):
        super().__init__("call", start, func.returns)
        self.func = func
        self.args = args


class Agg(Node):
    __slots__ = ("op", "param", "expr")

    def __init__(self, op: str, param, expr, start: int):
        super().__init__("agg", start, "v")
        self.op = op
        self.param = param
        self.expr = expr


class Binary(Node):
    __slots__ = ("op", "lhs", "rhs", "op_start", "bool", "card", "on", "matching", "include", "fill")

    def __init__(self, op: str, lhs: Node, rhs: Node, op_start: int, mods: dict):
        super().__init__("binary", lhs.start, "s" if lhs.type == "s" and rhs.type == "s" else "v")
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.op_start = op_start
        self.bool = mods.get("bool", False)
        self.card = mods.get("card", "one-to-one")
        self.on = mods.get("on", False)
        self.matching = mods.get("matching", [])
        self.include = mods.get("include", [])
        self.fill = mods.get("fill", False)


class Wrapper(Node):  # ParenExpr and UnaryExpr: the type of what they hold
    __slots__ = ("inner", "op")

    def __init__(self, kind: str, inner: Node, start: int, op: str | None = None):
        super().__init__(kind, start, inner.type)
        self.inner = inner
        self.op = op


class DurationExpr(Node):
    __slots__ = ()

    def __init__(self, start: int):
        super().__init__("durexpr", start, "s")


# ---------------------------------------------------------------------------------------------
# Parser

class _Stop(Exception):
    """A syntax error: parsing stops (Go's yacc recovers only to report more errors)."""


_METRIC_KEYWORDS = frozenset(
    "avg bottomk by count count_values group and or unless max min offset quantile stddev stdvar sum topk "
    "without start end limitk limit_ratio step anchored smoothed fill fill_left fill_right range max_of "
    "min_of".split())
_LABEL_KEYWORDS = (_METRIC_KEYWORDS - {"without"}) | {"bool", "group_left", "group_right", "ignoring", "on",
                                                      "atan2"}
_PARSER_KEYWORDS = frozenset(("anchored", "smoothed"))  # names promql-parser cannot read unquoted
_LEGACY_LABEL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789")


def legacy_label_name(name: str) -> bool:
    return bool(name) and not name[0].isdigit() and all(c in _LEGACY_LABEL for c in name)


class Parser:
    def __init__(self, text: str, tokens: list[Tok], d: Dialect):
        self.text = text
        self.toks = tokens + [tokens[-1]] * 3  # the parser looks at most three tokens past the last
        self.kinds = [tok.kind for tok in self.toks]
        self.d = d
        self.i = 0
        self.errors: list[tuple[int, str, str]] = []  # (offset, message, kind)
        self.edits: list[tuple[int, int, str]] = []
        self.notes: dict[str, int] = {}  # experimental constructs a flag lets through -> first offset
        self.lex_error_seen = False

    # token access

    def peek(self, k: int = 0) -> Tok:
        tok = self.toks[self.i + k]
        if tok.kind == "ERROR" and k == 0 and not self.lex_error_seen:
            self.lex_error_seen = True
            self.errors.append((tok.start, tok.value, "syntax"))
        return tok

    def kind(self, k: int = 0) -> str:
        kind = self.kinds[self.i + k]
        if kind == "ERROR" and k == 0 and not self.lex_error_seen:  # yacc's lookahead: lexing it reports it
            self.peek()
        return kind

    def next(self) -> Tok:
        tok = self.peek()
        if tok.kind not in ("EOF", "ERROR"):
            self.i += 1
        return tok

    def error(self, start: int, message: str, kind: str = "syntax") -> None:
        self.errors.append((start, message, kind))

    def flagged(self, flag: str, start: int, subject: str) -> bool:
        """Whether promtool takes `subject`, behind `flag`, here; noted when only the flag lets it through."""
        if not self.d.flag_on(flag):
            self.error(start, self.d.flag_problem(flag, subject), "version")
            return False
        always = versions.FLAGS[flag].always_since
        if always is None or self.d.version < always:
            self.notes.setdefault(f"{subject} works only with --enable-feature={flag}: experimental, it may "
                                  f"change or go in a later Prometheus release", start)
        return True

    def unexpected(self, context: str = "", expected: str = "") -> _Stop:
        tok = self.peek()
        if tok.kind != "ERROR":  # a lexer error is already reported
            what = self.describe(tok)
            message = f"unexpected {what}" + (f" in {context}" if context else "")
            if expected:
                message += f", expected {expected}"
            self.error(tok.start, message)
        return _Stop()

    def describe(self, tok: Tok) -> str:
        if tok.kind == "EOF":
            return "end of input"
        text = self.text[tok.start:tok.end]
        if tok.kind in ("IDENT", "METRIC_IDENT"):
            return f"identifier {text!r}"
        if tok.kind in ("NUMBER", "DURATION", "STRING"):
            return f"{tok.kind.lower()} {text[:20]!r}"
        if tok.kind.isalpha() or "_" in tok.kind:
            return f"<{text}>"
        return repr(text)

    def expect(self, kind: str, context: str, expected: str) -> Tok:
        if self.kind() != kind:
            raise self.unexpected(context, expected)
        return self.next()

    # entry

    def parse(self) -> Node | None:
        if self.kind() == "EOF":
            self.error(0, "no expression found in input")
            return None
        node = self.expr(0)
        if self.kind() != "EOF":
            raise self.unexpected()
        self.peek()  # a lexer error at the very end
        return node

    # expressions

    def expr(self, min_prec: int) -> Node:
        left = self.unary()
        while True:
            kind = self.kind()
            prec = _PRECEDENCE.get(kind)
            if prec is None or prec < min_prec:
                return left
            op = self.next()
            last = self.i - 2  # the left operand's last token (anchored/smoothed are not part of its range)
            while last > 0 and self.kinds[last] in ("anchored", "smoothed"):
                last -= 1
            op_start = self.toks[last].end if last >= 0 else op.start
            while op_start < op.start and self.text[op_start] in _SPACE:
                op_start += 1
            if kind in ("</", ">/"):
                self.edits.append((op.start, op.end, kind[0] + " "))
            mods = self.bin_modifier()
            right = self.expr(prec if kind == "^" else prec + 1)
            node = Binary(kind, left, right, op_start, mods)
            if mods.get("fill"):
                self.flagged(versions.BINOP_FILL_MODIFIERS, node.start,
                             "a fill(), fill_left() or fill_right() modifier")
            left = node

    def unary(self) -> Node:
        kind = self.kind()
        if kind in ("+", "-"):
            op = self.next()
            operand = self.expr(_POW)
            if isinstance(operand, Num):
                if kind == "-":
                    operand.value = -operand.value
                operand.start = op.start
                return operand
            return Wrapper("unary", operand, op.start, kind)
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while True:
            kind = self.kind()
            if kind == "offset":
                tok = self.next()
                node = self.offset(node, tok)
            elif kind == "[":
                node = self.brackets(node)
            elif kind == "@":
                self.next()
                self.at(node)
            elif kind in ("anchored", "smoothed"):
                tok = self.next()
                self.edits.append((tok.start, tok.end, " " * (tok.end - tok.start)))
                self.anchored(node, kind, tok)
            else:
                return node

    def primary(self) -> Node:
        tok = self.peek()
        kind = tok.kind
        d = self.d
        if kind == "NUMBER":
            self.next()
            return Num(self.number(tok), tok.start)
        if kind == "DURATION":
            if not d.has(versions.NUMBER_DURATION_SINCE):
                raise self.unexpected()
            self.next()
            return Num(self.duration_seconds(tok), tok.start)
        if kind == "STRING":
            self.next()
            return Str(tok.start)
        if kind == "(":
            self.next()
            inner = self.expr(0)
            self.expect(")", "paren expression", '")"')
            return Wrapper("paren", inner, tok.start)
        if kind == "{":
            return self.selector(None, tok.start)
        if kind == "IDENT":
            self.next()
            if self.kind() == "(":
                return self.call(tok)
            return self.selector(tok, tok.start)
        if kind == "METRIC_IDENT":
            self.next()
            return self.selector(tok, tok.start)
        if kind in AGGREGATORS:
            self.next()
            if self.kind() in ("(", "by", "without"):
                return self.aggregation(tok)
            return self.selector(tok, tok.start)
        if kind in _METRIC_KEYWORDS:
            self.next()
            if self.kind() == "(":
                if kind in ("start", "end", "step", "range") and d.has(versions.DURATION_FUNCTIONS_SINCE):
                    return self.call(tok)
                if kind in ("max_of", "min_of"):
                    return self.call(tok)
                if kind in ("step", "range"):  # 3.6-3.11: a duration expression where an expression stands
                    self.next()
                    self.expect(")", "", '")"')
                    self.error(tok.start, f"{kind}() is only allowed in a range, a subquery step or an offset "
                                          f"in Prometheus {versions.fmt(d.version)}")
                    return DurationExpr(tok.start)
            return self.selector(tok, tok.start)
        raise self.unexpected()

    def number(self, tok: Tok) -> float:
        text = self.text[tok.start:tok.end]
        value = go_number(text)
        if value is None:
            self.error(tok.start, f"error parsing number: {text!r} is not a valid or representable number")
            return 0.0
        if "_" in text:
            self.edits.append((tok.start, tok.end, text.replace("_", "")))
        return value

    def duration_seconds(self, tok: Tok) -> float:
        text = self.text[tok.start:tok.end]
        ms, problem = go_duration_ms(text, self.d)
        if problem is not None:
            self.error(tok.start, problem)
            return 0.0
        if ms == 0:
            self.edits.append((tok.start, tok.end, "0"))  # promql-parser refuses every zero duration
        return ms / 1000

    # selectors

    def selector(self, name_tok: Tok | None, start: int) -> Node:
        matchers: list = []
        end = name_tok.end if name_tok is not None else start
        if name_tok is not None and self.text[name_tok.start:name_tok.end].lower() in _PARSER_KEYWORDS:
            # promql-parser reads these as keywords: it gets a name matcher
            name = self.text[name_tok.start:name_tok.end]
            if self.kind() == "{":
                brace = self.peek()
                self.edits.append((name_tok.start, name_tok.end, ""))
                self.edits.append((brace.start, brace.end, f'{{__name__="{name}",'))
            else:
                self.edits.append((name_tok.start, name_tok.end, f'{{__name__="{name}"}}'))
        if self.kind() == "{":
            end = self.matchers(matchers)
        name = self.text[name_tok.start:name_tok.end] if name_tok is not None else None
        node = Selector(name, matchers, start, end)
        return node

    def matchers(self, out: list) -> int:
        self.next()  # {
        d = self.d
        if self.kind() == "}":
            return self.next().end
        while True:
            tok = self.peek()
            if tok.kind == "IDENT":
                self.next()
                op = self.match_op()
                value = self.expect("STRING", "label matching", "string")
                self.matcher(out, self.text[tok.start:tok.end], op, value, tok.start)
            elif tok.kind == "STRING" and d.has(versions.QUOTED_MATCHER_NAMES_SINCE):
                self.next()
                if self.kind() in ("=", "!=", "=~", "!~"):
                    op = self.next().kind
                    value = self.expect("STRING", "label matching", "string")
                    self.matcher(out, tok.value, op, value, tok.start)
                else:
                    out.append(("__name__", "=", tok.value, tok.start))
            else:
                raise self.unexpected("label matching", 'identifier or "}"')
            if self.kind() == ",":
                self.next()
                if self.kind() == "}":
                    return self.next().end
                continue
            if self.kind() == "}":
                return self.next().end
            raise self.unexpected("label matching", '"," or "}"')

    def match_op(self) -> str:
        if self.kind() not in ("=", "!=", "=~", "!~"):
            raise self.unexpected("label matching", "label matching operator")
        return self.next().kind

    def matcher(self, out: list, name: str, op: str, value_tok: Tok, start: int) -> None:
        value = value_tok.value
        if op in ("=~", "!~"):
            if not _valid_utf8(value):
                self.error(value_tok.start, f"invalid regular expression: invalid UTF-8: `{value}`")
                return
            try:
                check_regex(value, self.d.has(versions.NAMED_GROUP_ANGLE_SINCE))
            except RegexError as exc:
                self.error(value_tok.start, f"invalid regular expression {self.text[value_tok.start:value_tok.end]}: "
                                            f"{exc}")
                return
        out.append((name, op, value, start))

    # calls and aggregations

    def call(self, name_tok: Tok) -> Node:
        name = self.text[name_tok.start:name_tok.end]
        args = self.call_body()
        func = self.d.function(name)
        if func is None:
            known = versions.FUNCTIONS.get(name)
            if known is not None and known.until is not None and self.d.version > known.until:
                self.error(name_tok.start, f'function "{name}" was removed in Prometheus 3.0; use '
                                           f"double_exponential_smoothing", "version")
            else:  # not there yet, or never: parse.py says which release has it
                self.error(name_tok.start, f"unknown function with name {name!r}")
            return DurationExpr(name_tok.start)  # a placeholder: parsing goes on, the error stands
        if self.d.is_experimental(func):
            self.flagged(versions.EXPERIMENTAL_FUNCTIONS, name_tok.start, f'the experimental function "{name}"')
        return Call(func, args, name_tok.start)

    def call_body(self) -> list:
        self.expect("(", "", '"("')
        args: list = []
        if self.kind() == ")":
            self.next()
            return args
        while True:
            args.append(self.expr(0))
            if self.kind() == ",":
                comma = self.next()
                if not self.starts_expression(self.kind()):
                    # yacc reduces `args ,` (an error of its own) before it finds what else is wrong
                    self.error(comma.start, "trailing commas not allowed in function call args")
                    self.expect(")", "", '")"')
                    return args
                continue
            self.expect(")", "", '"," or ")"')
            return args

    def starts_expression(self, kind: str) -> bool:
        return (kind in ("NUMBER", "STRING", "(", "{", "IDENT", "METRIC_IDENT", "+", "-") or kind in AGGREGATORS
                or kind in _METRIC_KEYWORDS or (kind == "DURATION" and self.d.has(versions.NUMBER_DURATION_SINCE)))

    def aggregation(self, op_tok: Tok) -> Node:
        op = op_tok.kind
        if self.kind() in ("by", "without"):
            self.next()
            self.grouping_labels()
            args = self.call_body()
        else:
            args = self.call_body()
            if self.kind() in ("by", "without"):
                self.next()
                self.grouping_labels()
        node = Agg(op, None, None, op_tok.start)
        if not args:
            self.error(op_tok.start, "no arguments for aggregate expression provided")
            return node
        desired = 1
        if op in _PARAM_AGGREGATORS:
            if op in versions.EXPERIMENTAL_AGGREGATIONS and not self.flagged(
                    versions.EXPERIMENTAL_FUNCTIONS, op_tok.start, f'the experimental aggregation "{op}"'):
                return node
            desired = 2
            node.param = args[0]
        if len(args) != desired:
            self.error(op_tok.start, f"wrong number of arguments for aggregate expression provided, expected "
                                     f"{desired}, got {len(args)}")
            return node
        node.expr = args[desired - 1]
        return node

    def grouping_labels(self) -> list[str]:
        self.expect("(", "grouping opts", '"("')
        labels: list[str] = []
        if self.kind() == ")":
            self.next()
            return labels
        d = self.d
        while True:
            tok = self.peek()
            if tok.kind in ("IDENT", "METRIC_IDENT") or tok.kind in _LABEL_KEYWORDS:
                self.next()
                name = self.text[tok.start:tok.end]
                if d.has(versions.UTF8_NAMES_SINCE):
                    bad = not name or (d.flag_on(versions.UNQUOTED_UTF8_NAMES) and d.has((3, 16))
                                       and not _lexable_name(name))
                else:
                    bad = not legacy_label_name(name)
                if bad:
                    self.error(tok.start, f"invalid label name for grouping: {name!r}")
                elif ":" in name or name.lower() in _PARSER_KEYWORDS:
                    self.edits.append((tok.start, tok.end, '"' + name + '"'))  # promql-parser wants it quoted
                labels.append(name)
            elif tok.kind == "STRING" and d.has(versions.QUOTED_GROUPING_LABELS_SINCE):
                self.next()
                name = tok.value
                valid = _valid_utf8(name) and name != "" if d.has(versions.UTF8_NAMES_SINCE) else \
                    legacy_label_name(name)
                if not valid:
                    self.error(tok.start, f"invalid label name for grouping: {name!r}")
                labels.append(name)
            else:
                raise self.unexpected("grouping opts", "label")
            if self.kind() == ",":
                self.next()
                if self.kind() == ")":
                    self.next()
                    return labels
                continue
            self.expect(")", "grouping opts", '"," or ")"')
            return labels

    def bin_modifier(self) -> dict:
        mods: dict = {}
        if self.kind() == "bool":
            self.next()
            mods["bool"] = True
        if self.kind() in ("on", "ignoring"):
            mods["on"] = self.next().kind == "on"
            mods["matching"] = self.grouping_labels()
            if self.kind() in ("group_left", "group_right"):
                mods["card"] = "many-to-one" if self.next().kind == "group_left" else "one-to-many"
                if self.kind() == "(":
                    mods["include"] = self.grouping_labels()
        kind = self.kind()
        if kind in ("fill", "fill_left", "fill_right"):
            self.next()
            self.fill_value()
            mods["fill"] = True
            other = {"fill_left": "fill_right", "fill_right": "fill_left"}.get(kind)
            if other is not None and self.kind() == other:
                self.next()
                self.fill_value()
        return mods

    def fill_value(self) -> None:
        self.expect("(", "fill modifier", '"("')
        if self.kind() in ("+", "-"):
            self.next()
        tok = self.peek()
        if tok.kind == "NUMBER":
            self.next()
            self.number(tok)
        elif tok.kind == "DURATION":
            self.next()
            self.duration_seconds(tok)
        else:
            raise self.unexpected("fill modifier", "number")
        self.expect(")", "fill modifier", '")"')

    # modifiers

    def offset(self, node: Node, tok: Tok) -> Node:
        d = self.d
        start = self.peek().start
        if d.has(versions.DURATION_EXPR_SINCE):
            value = self.offset_operand()
        else:
            negative = False
            if self.kind() == "-":
                self.next()
                negative = True
            value = self.duration_literal("offset")
            if isinstance(value, Num) and negative:
                value.value = -value.value
        end = self.toks[self.i - 1].end
        self.duration_edit(start, end, value, allow_negative=True)
        if isinstance(value, Num):
            if d.has(versions.NUMBER_DURATION_SINCE):
                nanos = offset_nanos(value.value, d)
            else:
                nanos = round(value.value * 1000) * 1_000_000
            self.set_offset(node, nanos, False)
        else:
            self.set_offset(node, 0, True)
        return node

    def set_offset(self, node: Node, nanos: int, is_expr: bool) -> None:
        target = node
        if isinstance(node, Matrix):
            target = node.inner
            if not isinstance(target, Selector):
                self.error(node.start, "ranges only allowed for vector selectors")
                return
        if not isinstance(target, (Selector, Subquery)):
            self.error(node.start, "offset modifier must be preceded by an instant vector selector or range "
                                   "vector selector or a subquery")
            return
        if target.offset != 0 or target.offset_expr:
            self.error(node.start, "offset may not be set multiple times")
        elif is_expr:
            target.offset_expr = True
        else:
            target.offset = nanos

    def duration_literal(self, context: str) -> Node:
        """Before 3.4: one duration (and a number from 2.54) where a duration is needed."""
        tok = self.peek()
        if tok.kind == "DURATION":
            self.next()
            return Num(self.duration_seconds(tok), tok.start)
        if tok.kind == "NUMBER" and self.d.has(versions.NUMBER_DURATION_SINCE):
            self.next()
            return Num(self.number(tok), tok.start)
        raise self.unexpected(context, "number or duration" if self.d.has(versions.NUMBER_DURATION_SINCE)
                              else "duration")

    def at(self, node: Node) -> None:
        d = self.d
        kind = self.kind()
        if kind in ("start", "end"):
            self.next()
            self.expect("(", "@", '"("')
            self.expect(")", "@", '")"')
            self.set_at(node, kind)
            return
        sign = 1.0
        if kind in ("+", "-"):
            self.next()
            sign = -1.0 if kind == "-" else 1.0
        tok = self.peek()
        if tok.kind == "NUMBER":
            self.next()
            value = self.number(tok)
        elif tok.kind == "DURATION" and d.has(versions.NUMBER_DURATION_SINCE):
            self.next()
            value = self.duration_seconds(tok)
        else:
            raise self.unexpected("@", "timestamp")
        value *= sign
        if math.isinf(value) or math.isnan(value) or value >= 9.223372036854776e18 or value <= -9.223372036854776e18:
            self.error(node.start, f"timestamp out of bounds for @ modifier: {value}")
        self.set_at(node, "ts")

    def set_at(self, node: Node, what: str) -> None:
        target = node
        if isinstance(node, Matrix):
            target = node.inner
            if not isinstance(target, Selector):
                self.error(node.start, "ranges only allowed for vector selectors")
                return
        if not isinstance(target, (Selector, Subquery)):
            self.error(node.start, "@ modifier must be preceded by an instant vector selector or range vector "
                                   "selector or a subquery")
            return
        if target.at is not None:
            self.error(node.start, "@ <timestamp> may not be set multiple times")
            return
        target.at = what

    def anchored(self, node: Node, kind: str, tok: Tok) -> None:
        if not self.flagged(versions.EXTENDED_RANGE_SELECTORS, tok.start, f"the {kind} modifier"):
            return
        other = "smoothed" if kind == "anchored" else "anchored"
        target = node.inner if isinstance(node, Matrix) else node
        if isinstance(node, Matrix) and not isinstance(target, Selector):
            return
        if isinstance(target, Selector):
            setattr(target, kind, True)
            if getattr(target, other):
                self.error(node.start, "anchored and smoothed modifiers cannot be used together")
        elif isinstance(node, Subquery):
            self.error(node.start, f"{kind} modifier is not supported for subqueries")
        else:
            self.error(node.start, f"{kind} modifier not implemented")

    def brackets(self, node: Node) -> Node:
        d = self.d
        open_tok = self.next()  # [
        rng_start = self.peek().start
        rng = self.bracket_duration(first=True)
        self.duration_edit(rng_start, self.toks[self.i - 1].end, rng, allow_negative=False)
        if self.kind() == ":":
            self.next()
            if self.kind() == "]":
                self.next()
                return Subquery(node)
            step_start = self.peek().start
            step = self.bracket_duration(first=False)
            self.duration_edit(step_start, self.toks[self.i - 1].end, step, allow_negative=False)
            if self.kind() != "]":
                raise self.unexpected("subquery selector", '"]"')
            self.next()
            return Subquery(node)
        if self.kind() != "]":
            raise self.unexpected("subquery or range", '":" or "]"')
        self.next()
        message = None
        if not isinstance(node, Selector):
            message = "ranges only allowed for vector selectors"
        elif node.offset != 0 or (node.offset_expr and d.has((3, 15))):
            message = "no offset modifiers allowed before range"
        elif node.at == "ts" or (node.at is not None and d.has((3, 15))):
            message = "no @ modifiers allowed before range"
        if message is not None:
            self.error(open_tok.start, message)
        return Matrix(node)

    def bracket_duration(self, first: bool) -> Node:
        d = self.d
        if not d.has(versions.DURATION_EXPR_SINCE):
            if not first and not d.has(versions.NUMBER_DURATION_SINCE) and self.kind() != "DURATION":
                raise self.unexpected("subquery selector", 'duration or "]"')
            return self.duration_literal("subquery or range selector")
        value = self.dur_expr(0)
        if isinstance(value, Num) and not value.value > 0 and not math.isnan(value.value):
            self.error(value.start, "duration must be greater than 0")
        return value

    # duration expressions (3.4+)

    def offset_operand(self) -> Node:
        d = self.d
        if not d.has(versions.OFFSET_DURATION_EXPR_SINCE):  # 3.4: the offset binds tighter than any operator
            return self.dur_prefix()
        kind, k1 = self.kind(), self.kind(1)
        if kind in ("NUMBER", "DURATION"):
            return self.dur_literal()
        if kind in ("+", "-") and k1 in ("NUMBER", "DURATION"):
            op = self.next()
            lit = self.dur_literal(check_range=False)
            if kind == "-":
                lit.value = -lit.value
            self.range_check(lit, op.start)
            lit.start = op.start
            return lit
        if kind in self.dur_functions() and k1 == "(":
            return self.dur_function()
        if kind in ("+", "-") and k1 in self.dur_functions() and self.kind(2) == "(":
            op = self.next()
            self.dur_function()
            return DurationExpr(op.start)
        if kind in ("+", "-") and k1 == "(" and d.has(versions.STEP_SINCE):
            op = self.next()
            self.next()
            inner = self.dur_expr(0)
            self.expect(")", "duration expression", '")"')
            if not d.has((3, 13)):
                if isinstance(inner, Num):  # a type assertion panics in 3.6-3.12
                    self.error(op.start, "the parser fails on a parenthesized number after a sign in an offset "
                                         f"(Prometheus {versions.fmt(d.version)}; fixed in 3.13)")
                return DurationExpr(op.start)
            return self.apply_unary(op, inner, wrapped=True)
        if kind in ("+", "-", "(") or kind in self.dur_functions():
            return self.dur_expr(0)
        raise self.unexpected("offset", "number, duration, step(), or range()")

    def dur_functions(self) -> tuple[str, ...]:
        d = self.d
        names: tuple[str, ...] = ()
        if d.has(versions.STEP_SINCE):
            names += ("step", "max_of", "min_of") if d.has(versions.MAX_OF_SINCE) else ("step", "min", "max")
        if d.has(versions.RANGE_SINCE):
            names += ("range",)
        return names

    def dur_function(self) -> Node:
        tok = self.next()
        if tok.kind in ("step", "range"):
            self.expect("(", "duration expression", '"("')
            self.expect(")", "duration expression", '")"')
        else:
            self.expect("(", "duration expression", '"("')
            self.dur_expr(0)
            self.expect(",", "duration expression", '","')
            self.dur_expr(0)
            self.expect(")", "duration expression", '")"')
        node = DurationExpr(tok.start)
        if self.d.has(versions.DURATION_FUNCTIONS_SINCE):
            self.dur_gate(node)
        return node

    def dur_gate(self, node: Node) -> None:
        if not self.d.has((3, 16)):
            self.flagged(versions.DURATION_EXPR, node.start, "a duration expression")

    def dur_literal(self, check_range: bool = True) -> Num:
        tok = self.next()
        if tok.kind == "NUMBER":
            node = Num(self.number(tok), tok.start)
        else:
            node = Num(self.duration_seconds(tok), tok.start)
        if check_range:
            self.range_check(node, tok.start)
        return node

    def range_check(self, node: Num, start: int) -> None:
        if node.value > _DURATION_RANGE or node.value < -_DURATION_RANGE:
            self.error(start, "duration out of range")
            node.value = 0.0

    def dur_prefix(self) -> Node:
        kind = self.kind()
        if kind in ("+", "-"):
            op = self.next()
            operand = self.dur_expr(_POW)
            return self.apply_unary(op, operand, wrapped=False)
        if kind in ("NUMBER", "DURATION"):
            return self.dur_literal()
        if kind == "(":
            self.next()
            inner = self.dur_expr(0)
            self.expect(")", "duration expression", '")"')
            if not self.d.has((3, 16)):
                self.dur_gate(inner)
            if self.d.has((3, 15)) or not isinstance(inner, Num):
                return DurationExpr(inner.start)
            return inner
        if kind in self.dur_functions():
            return self.dur_function()
        raise self.unexpected("duration expression", "number, duration, step(), or range()")

    def dur_expr(self, min_prec: int) -> Node:
        left = self.dur_prefix()
        while True:
            kind = self.kind()
            prec = _DURATION_OPS.get(kind)
            if prec is None or prec < min_prec:
                return left
            op = self.next()
            right = self.dur_expr(prec if kind == "^" else prec + 1)
            if not self.d.has((3, 16)):
                self.dur_gate(left)
            if kind in ("/", "%") and isinstance(right, Num) and right.value == 0:
                self.error(op.start, "division by zero" if kind == "/" else "modulo by zero")
                left = Num(0.0, left.start)
                continue
            left = DurationExpr(left.start)

    def apply_unary(self, op: Tok, operand: Node, wrapped: bool) -> Node:
        if wrapped and self.d.has((3, 15)) and isinstance(operand, Num):
            operand = DurationExpr(operand.start)
        if isinstance(operand, Num):
            if op.kind == "-":
                operand.value = -operand.value
            self.range_check(operand, op.start)
            operand.start = op.start
            return operand
        if op.kind == "-":
            return DurationExpr(op.start)
        return operand

    def duration_edit(self, start: int, end: int, value: Node, allow_negative: bool) -> None:
        """promql-parser reads plain durations there: put one in place of anything else."""
        if _PLAIN_DURATION.fullmatch(self.text, start, end) and (allow_negative or self.text[start] != "-"):
            return
        seconds = value.value if isinstance(value, Num) else 60.0
        space = " " if start and (self.text[start - 1].isalnum() or self.text[start - 1] == "_") else ""
        self.edits.append((start, end, space + _duration_text(seconds, allow_negative)))

    # type checks (Go's checkAST, run only when parsing found no error)

    def check(self, node: Node) -> str:
        kind = node.kind
        if kind == "agg":
            self.expect_type(node.expr, "v", "aggregation expression")
            if node.op in ("topk", "bottomk", "quantile", "limitk", "limit_ratio"):
                self.expect_type(node.param, "s", "aggregation parameter")
            if node.op == "count_values":
                self.expect_type(node.param, "S", "aggregation parameter")
        elif kind == "binary":
            self.check_binary(node)
        elif kind == "call":
            self.check_call(node)
        elif kind in ("paren", "matrix", "unary", "subquery"):
            inner_type = self.check(node.inner)
            if kind == "unary" and inner_type not in ("s", "v"):
                self.error(node.start, "unary expression only allowed on expressions of type scalar or instant "
                                       f"vector, got {_TYPE_NAMES[inner_type]}")
            if kind == "subquery" and inner_type != "v":
                self.error(node.start, f"subquery is only allowed on instant vector, got {_TYPE_NAMES[inner_type]}")
        elif kind == "vs":
            self.check_selector(node)
        elif kind == "durexpr":
            self.error(node.start, "a duration expression cannot stand where an expression is expected")
        return node.type

    def expect_type(self, node: Node, want: str, context: str) -> None:
        got = self.check(node)
        if got != want:
            self.error(node.start, f"expected type {_TYPE_NAMES[want]} in {context}, got {_TYPE_NAMES[got]}")

    def check_binary(self, node: Binary) -> None:
        lt = self.check(node.lhs)
        rt = self.check(node.rhs)
        op = node.op
        if node.bool and op not in _COMPARISONS:
            self.error(node.op_start, "bool modifier can only be used on comparison operators")
        if op in _COMPARISONS and not node.bool and lt == "s" and rt == "s":
            self.error(node.op_start, "comparisons between scalars must use BOOL modifier")
        card = node.card
        if op in _SET_OPERATORS and card == "one-to-one":
            card = "many-to-many"
        if node.on:
            for label in node.matching:
                if label in node.include:
                    self.error(node.op_start, f"label {label!r} must not occur in ON and GROUP clause at once")
        if lt not in ("s", "v"):
            self.error(node.lhs.start, "binary expression must contain only scalar and instant vector types")
        if rt not in ("s", "v"):
            self.error(node.rhs.start, "binary expression must contain only scalar and instant vector types")
        if lt != "v" or rt != "v":
            if node.matching:
                self.error(node.start, "vector matching only allowed between instant vectors")
            if node.fill and self.d.has(versions.FILL_SINCE):
                self.error(node.start, "filling in missing series only allowed between instant vectors")
        elif op in _SET_OPERATORS:
            if card in ("one-to-many", "many-to-one"):
                self.error(node.start, f"no grouping allowed for {op!r} operation")
            if card != "many-to-many":
                self.error(node.start, "set operations must always be many-to-many")
            if node.fill and self.d.has(versions.FILL_SINCE):
                self.error(node.start, "filling in missing series not allowed for set operators")
        if (lt == "s" or rt == "s") and op in _SET_OPERATORS:
            self.error(node.start, f"set operator {op!r} not allowed in binary scalar expression")

    def check_call(self, node: Call) -> None:
        func, args = node.func, node.args
        nargs = len(func.args)
        if func.variadic == 0:
            if nargs != len(args):
                self.error(node.start, f"expected {nargs} argument(s) in call to {func.name!r}, got {len(args)}")
        else:
            least = nargs - 1
            if least > len(args):
                self.error(node.start, f"expected at least {least} argument(s) in call to {func.name!r}, "
                                       f"got {len(args)}")
            elif func.variadic > 0 and least + func.variadic < len(args):
                self.error(node.start, f"expected at most {least + func.variadic} argument(s) in call to "
                                       f"{func.name!r}, got {len(args)}")
        if func.name == "info" and len(args) > 1:
            second = args[1]
            if second.type != "v":
                self.error(node.start, f"expected type instant vector in call to function 'info', got "
                                       f"{_TYPE_NAMES[second.type]}")
            if isinstance(second, Selector) and second.name is not None:
                self.error(second.start, "expected label selectors only, got vector selector instead")
            elif isinstance(second, Selector):
                second.bypass = True
            else:
                self.error(second.start, "expected label selectors only")
        for i, arg in enumerate(args):
            if i >= nargs:
                if func.variadic == 0:
                    break
                i = nargs - 1
            got = self.check(arg)
            if got != func.args[i]:
                self.error(arg.start, f"expected type {_TYPE_NAMES[func.args[i]]} in call to function "
                                      f"{func.name!r}, got {_TYPE_NAMES[got]}")

    def check_selector(self, node: Selector) -> None:
        if node.name is not None:
            for name, _op, value, _start in node.matchers:
                if name == "__name__":
                    self.error(node.start, f"metric name must not be set twice: {node.name!r} or {value!r}")
            return
        if node.bypass:
            return
        for _name, op, value, _start in node.matchers:
            if not _matches_empty(op, value):
                return
        self.error(node.start, "vector selector must contain at least one non-empty matcher")


_PLAIN_DURATION = re.compile(r"-?(?:[0-9]+(?:ms|[smhdwy]))+")
_TYPE_NAMES = {"v": "instant vector", "m": "range vector", "s": "scalar", "S": "string", "none": "none"}


def _matches_empty(op: str, value: str) -> bool:
    if op == "=":
        return value == ""
    if op == "!=":
        return value != ""
    empty = check_regex(value, True)
    return empty if op == "=~" else not empty


def _lexable_name(name: str) -> bool:
    """Whether `name` reads as one unquoted name under promql-unquoted-utf8-names."""
    if not name:
        return False
    for i, c in enumerate(name):
        start_ok = _is_alpha(c) or (c >= "\x80" and c.isalpha())
        if i == 0 and not start_ok:
            return False
        if i > 0 and not (start_ok or c in _DIGITS or c == "."):
            return False
    return True


def _duration_text(seconds: float, allow_negative: bool) -> str:
    if math.isnan(seconds) or math.isinf(seconds) or abs(seconds) > 1e12:
        return "1m"
    ms = int(round(seconds * 1000))
    sign = ""
    if ms < 0:
        if not allow_negative:
            return "1m"
        sign, ms = "-", -ms
    if ms == 0:
        return "0"  # promql-parser refuses zero durations but takes the number
    parts = []
    for unit, size in (("d", 86400_000), ("h", 3600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        if ms >= size:
            parts.append(f"{ms // size}{unit}")
            ms %= size
    return sign + "".join(parts)


def check(text: str, d: Dialect, tokens: list[Tok] | None = None) -> Result:
    """promtool's verdict on `text` for the dialect `d`: the first error (None: accepted)."""
    if tokens is None:
        tokens = lex(text, d)
    parser = Parser(text, tokens, d)
    limit = sys.getrecursionlimit()
    if limit < 20_000:  # nesting is capped before parsing (parse.MAX_NESTING); frames are cheap in 3.11
        sys.setrecursionlimit(20_000)
    try:
        try:
            node = parser.parse()
        except _Stop:
            node = None
            if not parser.errors:
                parser.error(parser.peek().start, "unexpected input")
        if not parser.errors and node is not None:
            parser.check(node)
    finally:
        if limit < 20_000:
            sys.setrecursionlimit(limit)
    if parser.errors:
        start, message, kind = parser.errors[0]
        return Result((start, message), kind, parser.edits, tokens)
    if d.has((3, 16)) and d.flag_on(versions.UNQUOTED_UTF8_NAMES):
        for tok in tokens:
            if tok.kind in ("IDENT", "METRIC_IDENT") and not text[tok.start:tok.end].isascii():
                parser.notes.setdefault(f"an unquoted UTF-8 name works only with --enable-feature="
                                        f"{versions.UNQUOTED_UTF8_NAMES}: experimental, it may change or go in a "
                                        f"later Prometheus release", tok.start)
                break
    notes = sorted((offset, what) for what, offset in parser.notes.items())
    return Result(None, "", parser.edits, tokens, notes)
