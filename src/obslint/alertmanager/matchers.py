"""Alertmanager label matchers: the classic parser, the UTF-8 parser (0.27+) and the fallback between them.

Which parser reads a `matchers:` entry depends on the target Alertmanager version and its feature
flags (see ../shared/specs/alertmanager-routing.md §4):
- `classic`: the only parser up to 0.26 (`labels.ParseMatchers`);
- `utf8`: 0.27+ with `--enable-feature=utf8-strict-mode`;
- `fallback`: the 0.27+ default, classic when it succeeds, else UTF-8, else the classic error.

A matcher's regex is compiled `^(?:re)$` with Go's RE2 semantics (obslint.promql.regex).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from obslint import gostrconv

EQ, NE, RE, NRE = "=", "!=", "=~", "!~"
UTF8_PARSER_SINCE = (0, 27)
GO_NAMED_GROUPS_SINCE = (0, 26)  # 0.25 is built with go1.19, which refuses (?<name>); later ones are taken to accept it
LEGACY_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
MODES = ("classic", "fallback", "utf8")


class MatcherError(ValueError):
    """A matcher that does not parse; `message` is worded as Alertmanager words it."""


@dataclass(frozen=True)
class Matcher:
    name: str
    op: str
    value: str
    _regex: object = field(default=None, compare=False, repr=False, hash=False)

    def matches(self, value: str) -> bool:
        if self.op == EQ:
            return value == self.value
        if self.op == NE:
            return value != self.value
        hit = self._regex.search(value) is not None
        return hit if self.op == RE else not hit

    def matches_labels(self, labels: dict[str, str]) -> bool:
        return self.matches(labels.get(self.name, ""))

    @property
    def is_regex(self) -> bool:
        return self.op in (RE, NRE)

    def __str__(self) -> str:
        return f'{self.name}{self.op}"{escape_value(self.value)}"'

    def sort_key(self) -> tuple:
        return (self.name, self.value, (EQ, NE, RE, NRE).index(self.op))


def matches_all(matchers, labels: dict[str, str]) -> bool:
    """Whether a label set satisfies every matcher (a missing label is the empty string)."""
    return all(m.matches(labels.get(m.name, "")) for m in matchers)


def escape_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def render(matchers) -> str:
    """`{a="1",b=~"x"}`: Alertmanager's display form, matchers sorted as its routes sort them."""
    return "{" + ",".join(str(m) for m in sorted(matchers, key=Matcher.sort_key)) + "}"


def new_matcher(op: str, name: str, value: str, version: tuple[int, int] = (0, 34)) -> Matcher:
    regex = None
    if op in (RE, NRE):
        from obslint.promql.regex import RegexError, compile_anchored  # RE2, imported when a regex is made

        try:
            regex = compile_anchored(value, version >= GO_NAMED_GROUPS_SINCE)
        except RegexError as exc:
            raise MatcherError(str(exc)) from None
    return Matcher(name, op, value, regex)


def mode_for(version: tuple[int, int], requested: str | None = None) -> str:
    if requested:
        if requested not in MODES:
            raise ValueError(f"unknown matcher mode {requested!r} (one of {', '.join(MODES)})")
        return requested
    return "fallback" if version >= UTF8_PARSER_SINCE else "classic"


# --- the classic parser (pkg/labels/parse.go) -------------------------------------------------------

_GO_SPACE = "\t\n\f\r "  # Go regexp's \s
_CLASSIC = re.compile(r"[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*(.*?)"
                      r"[\t\n\f\r ]*\Z", re.DOTALL)


def classic_tokens(text: str) -> list[str]:
    """Split a classic matcher list on commas outside double quotes, as Alertmanager 0.25 does."""
    text = text.removeprefix("{")
    text = text.removesuffix("}")
    tokens: list[str] = []
    current: list[str] = []
    inside = escaped = False
    for ch in text:
        if ch == ",":
            if not inside:
                tokens.append("".join(current))
                current = []
                continue
        elif ch == '"':
            if not escaped:
                inside = not inside
            else:
                escaped = False
        elif ch == "\\":
            escaped = not escaped
        else:
            escaped = False
        current.append(ch)
    last = "".join(current).strip(_GO_SPACE)
    if last:
        tokens.append(last)
    return tokens


def parse_classic(text: str, version: tuple[int, int] = (0, 25)) -> list[Matcher]:
    return [parse_classic_one(token, version) for token in classic_tokens(text)]


def parse_classic_one(text: str, version: tuple[int, int] = (0, 25)) -> Matcher:
    m = _CLASSIC.match(text)
    if m is None:
        raise MatcherError(f"bad matcher format: {text}")
    name, op, raw = m.group(1), m.group(2), m.group(3)
    expect_quote = raw.startswith('"')
    body = raw[1:] if expect_quote else raw
    out: list[str] = []
    escaped = False
    for i, ch in enumerate(body):
        if escaped:
            escaped = False
            if ch == "n":
                out.append("\n")
            elif ch in '"\\':
                out.append(ch)
            else:
                out.append("\\" + ch)
            continue
        if ch == "\\":
            if i < len(body) - 1:
                escaped = True
                continue
            out.append("\\")
        elif ch == '"':
            if not expect_quote or i < len(body) - 1:
                raise MatcherError(f"matcher value contains unescaped double quote: {raw}")
            expect_quote = False
        else:
            out.append(ch)
    if expect_quote:
        raise MatcherError(f"matcher value contains unescaped double quote: {raw}")
    return new_matcher(op, name, "".join(out), version)


# --- the UTF-8 parser (matcher/parse, 0.27+) --------------------------------------------------------

_GO_UNICODE_SPACE = set("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {
    chr(c) for c in range(0x2000, 0x200B)}
_RESERVED = set("{}!=~,\\\"'`")


def _reserved(ch: str) -> bool:
    return ch in _GO_UNICODE_SPACE or ch in _RESERVED


@dataclass
class _Token:
    kind: str  # { } , op quoted unquoted eof
    text: str
    start: int  # columns (runes), as the parser reports them
    end: int


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "{},":
            tokens.append(_Token(ch, ch, i, i + 1))
            i += 1
        elif ch in "=!":
            if ch == "!":
                if i + 1 < n and text[i + 1] in "=~":
                    tokens.append(_Token("op", text[i:i + 2], i, i + 2))
                    i += 2
                    continue
                found = text[i:i + 2]
                raise MatcherError(f"{i}:{i + len(found)}: {found}: expected one of '=~'" if i + 1 < n else
                                   f"{i}:{i + 1}: unexpected end of input, expected one of '=~'")
            op = "=~" if text.startswith("=~", i) else "="
            tokens.append(_Token("op", op, i, i + len(op)))
            i += len(op)
        elif ch == '"':
            j = i + 1
            escaped = False
            while j < n:
                c = text[j]
                if escaped:
                    escaped = False
                elif c == "\\":
                    escaped = True
                elif c == '"':
                    break
                j += 1
            if j >= n:
                raise MatcherError(f"{i}:{n}: {text[i:]}: missing end \"")
            tokens.append(_Token("quoted", text[i:j + 1], i, j + 1))
            i = j + 1
        elif ch in _GO_UNICODE_SPACE:
            i += 1
        elif not _reserved(ch):
            j = i
            while j < n and not _reserved(text[j]):
                j += 1
            tokens.append(_Token("unquoted", text[i:j], i, j))
            i = j
        else:
            raise MatcherError(f"{i}:{i + 1}: {ch}: invalid input")
    tokens.append(_Token("eof", "", n, n))
    return tokens


def go_unquote(quoted: str) -> str:
    """Go's strconv.Unquote for a double-quoted string, and the UTF-8 validity the matcher parser
    requires of it; ValueError when Alertmanager would refuse it."""
    value = gostrconv.unquote(quoted)
    if not gostrconv.is_valid_utf8(value):
        raise ValueError("invalid UTF-8")
    return value


def parse_utf8(text: str, version: tuple[int, int] = (0, 34)) -> list[Matcher]:
    tokens = _lex(text)
    pos = 0

    def peek() -> _Token:
        return tokens[pos]

    def unexpected(t: _Token, expected: str) -> MatcherError:
        if t.kind == "eof":
            return MatcherError(f"end of input: {expected}")
        return MatcherError(f"{t.start}:{t.end}: unexpected {t.text}: {expected}")

    matchers: list[Matcher] = []
    has_open = peek().kind == "{"
    if has_open:
        pos += 1
    while True:
        t = peek()
        if t.kind == "eof":
            if has_open:
                raise MatcherError(f"0:{len(text)}: end of input: expected close brace")
            break
        if t.kind == "}":
            if not has_open:
                raise MatcherError(f"0:{t.end}: }}: expected opening brace")
            pos += 1
            if peek().kind != "eof":
                t = peek()
                raise MatcherError(f"{t.start}:{t.end}: {t.text}: expected end of input")
            break
        if t.kind not in ("quoted", "unquoted"):
            raise unexpected(t, "expected label name")
        name = _unquote_token(t)
        pos += 1
        op = peek()
        if op.kind != "op":
            raise unexpected(op, "expected an operator such as '=', '!=', '=~' or '!~'")
        pos += 1
        v = peek()
        if v.kind not in ("quoted", "unquoted"):
            raise unexpected(v, "expected label value")
        value = _unquote_token(v)
        pos += 1
        try:
            matchers.append(new_matcher(op.text, name, value, version))
        except MatcherError as exc:
            raise MatcherError(f"failed to create matcher: {exc}") from None
        t = peek()
        if t.kind == ",":
            pos += 1
            if peek().kind not in ("}", "quoted", "unquoted", "eof"):
                raise unexpected(peek(), "expected a matcher or close brace after comma")
        elif t.kind not in ("}", "eof"):
            raise unexpected(t, "expected a comma or close brace")
    return matchers


def _unquote_token(t: _Token) -> str:
    if t.kind == "unquoted":
        return t.text
    try:
        return go_unquote(t.text)
    except ValueError:
        raise MatcherError(f"{t.start}:{t.end}: {t.text}: invalid input") from None


# --- which parser runs ------------------------------------------------------------------------------

@dataclass
class ParsedEntry:
    matchers: list[Matcher]
    parser: str  # classic or utf8: whose result is used
    disagreement: bool = False  # fallback: both parsed it, differently
    utf8_error: str | None = None  # fallback: the UTF-8 parser refused it, classic took it


def parse_entry(text: str, mode: str, version: tuple[int, int]) -> ParsedEntry:
    """One `matchers:` list entry (one or more comma-separated matchers), read as `mode` reads it."""
    if mode == "classic":
        return ParsedEntry(parse_classic(text, version), "classic")
    if mode == "utf8":
        return ParsedEntry(parse_utf8(text, version), "utf8")
    classic_error = None
    try:
        classic = parse_classic(text, version)
    except MatcherError as exc:
        classic, classic_error = None, exc
    try:
        utf8 = parse_utf8(text, version)
    except MatcherError as exc:
        if classic is None:
            raise classic_error from None
        return ParsedEntry(classic, "classic", utf8_error=str(exc))
    if classic is None:
        return ParsedEntry(utf8, "utf8")
    return ParsedEntry(classic, "classic", disagreement=classic != utf8)


def parse_single(text: str, mode: str, version: tuple[int, int]) -> Matcher:
    """Exactly one matcher (amtool's label arguments), as `mode` reads it."""
    if mode == "classic":
        return parse_classic_one(text, version)
    if text.startswith("{") or text.endswith("}"):
        raise MatcherError(f"unexpected open or close brace: {text}")
    utf8 = utf8_error = None
    try:
        found = parse_utf8(text, version)
        if len(found) != 1:
            raise MatcherError("no matchers" if not found else f"expected 1 matcher, found {len(found)}")
        utf8 = found[0]
    except MatcherError as exc:
        utf8_error = exc
    if mode == "utf8":
        if utf8 is None:
            raise utf8_error
        return utf8
    try:
        classic = parse_classic_one(text, version)
    except MatcherError:
        if utf8 is None:
            raise
        return utf8
    return classic


def parse_label_argument(text: str, mode: str, version: tuple[int, int]) -> tuple[str, str]:
    """A `label=value` command-line argument, as `amtool config routes test` reads it."""
    matcher = parse_single(text, mode, version)
    if matcher.op != EQ:
        raise MatcherError("labels must be specified as key=value pairs")
    return matcher.name, matcher.value
