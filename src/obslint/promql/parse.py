"""Guarded PromQL parsing with promql-parser, and the verdict of a given Prometheus version.

promql-parser follows Prometheus 3.x and differs from Go's parser in places; this module makes the
verdict equal to the target Prometheus's:
- it rejects what every Prometheus rejects but promql-parser accepts (`or` inside braces, numbers
  that overflow a float64, regexes Go's RE2 refuses);
- it accepts what promql-parser wrongly rejects (backtick raw strings with backslashes, regexes only
  Go accepts, `holt_winters` on 2.x), by handing the parser an equivalent text;
- it flags syntax and functions the target version does not have yet (or no longer has).
It also guards the parser: it panics with a BaseException on some input, and its time and memory
grow quadratically with nesting and with long operator chains, so such input gets a clean error.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field

import promql_parser as pq

from obslint.promql import lexer, versions
from obslint.promql.lexer import Token
from obslint.promql.regex import RegexError, check_regex
from obslint.promql.walk import children, iter_nodes  # noqa: F401 - also for readers of parse

NEWEST_PROMETHEUS = (3, 14)
MAX_NESTING = 1500
MAX_BINARY_OPERATORS = 2500
MAX_LENGTH = 256 * 1024

REGEX_PLACEHOLDER = "__obslint_re_{}__"

_HOLT_WINTERS_REGISTERED = False


def _register_removed_functions() -> None:
    """promql-parser dropped holt_winters with Prometheus 3; Prometheus 2.x still has it."""
    global _HOLT_WINTERS_REGISTERED
    if _HOLT_WINTERS_REGISTERED:
        return
    try:
        pq.register_extra_functions([
            pq.Function("holt_winters", [pq.ValueType.Matrix, pq.ValueType.Scalar, pq.ValueType.Scalar],
                        pq.ValueType.Vector, variadic=0, experimental=False)
        ])
    except ValueError:
        pass  # already registered by an earlier import
    _HOLT_WINTERS_REGISTERED = True


@dataclass
class Problem:
    """A problem in an expression. kind: syntax, version, complexity. offset: in the expression text."""

    kind: str
    message: str
    offset: int | None = None


@dataclass
class ParsedExpr:
    text: str
    version: tuple[int, int]
    ast: object | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    regexes: dict[str, str] = field(default_factory=dict)  # placeholder -> the regex as written
    _tokens: list[Token] | None = field(default=None, repr=False, compare=False)
    _nodes: list | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def tokens(self) -> list[Token]:
        """The expression's tokens; made on first need when parsing did without them."""
        if self._tokens is None:
            try:
                self._tokens = lexer.tokenize(self.text)
            except lexer.LexError:
                self._tokens = []
        return self._tokens

    @property
    def nodes(self) -> list:
        """Every node of the AST, pre-order, walked once (the checks read it many times)."""
        if self._nodes is None:
            self._nodes = list(iter_nodes(self.ast))
        return self._nodes

    def real_value(self, value: str) -> str:
        """A matcher value as the user wrote it (the parser saw a placeholder for regexes)."""
        return self.regexes.get(value, value)


_CACHE: dict[tuple[str, tuple[int, int], int], ParsedExpr] = {}
_CACHE_LIMIT = 20_000


def parse_expr(text: str, version: tuple[int, int] = NEWEST_PROMETHEUS, max_nesting: int = MAX_NESTING
               ) -> ParsedExpr:
    """Parse `text` for Prometheus `version`. Never raises for any input string.

    Results are shared between identical expressions (rule sets repeat them a lot): treat them as
    read-only."""
    key = (text, version, max_nesting)
    cached = _CACHE.get(key)
    if cached is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        cached = _CACHE[key] = _parse_uncached(text, version, max_nesting)
    return cached


def _parse_uncached(text: str, version: tuple[int, int], max_nesting: int) -> ParsedExpr:
    if len(text) > MAX_LENGTH:
        result = ParsedExpr(text, version)
        result.problems.append(Problem("complexity", f"the expression has {len(text)} characters; "
                                                      f"obslint reads at most {MAX_LENGTH}"))
        return result
    if len(text) <= min(max_nesting, MAX_NESTING, MAX_BINARY_OPERATORS) and not _needs_tokens(text, version):
        result = _parse_plain(text, version)
        if result is not None:
            return result
    return _parse_tokenized(text, version, max_nesting)


_DEVNULL: list[int] = []  # a descriptor open on os.devnull, made on first need


def _parse_quietly(text: str):
    """pq.parse with file descriptor 2 on /dev/null meanwhile: on some input the parser panics, and
    Rust prints the panic (a whole backtrace when RUST_BACKTRACE is set) before Python sees it."""
    try:
        if not _DEVNULL:
            _DEVNULL.append(os.open(os.devnull, os.O_WRONLY))
        saved = os.dup(2)
    except OSError:  # no /dev/null, or no standard error to put back: parse as it comes
        return pq.parse(text)
    try:
        os.dup2(_DEVNULL[0], 2)
        return pq.parse(text)
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _parse_plain(text: str, version: tuple[int, int]) -> ParsedExpr | None:
    """The result for an expression in which nothing needs its tokens (see _needs_tokens), if it
    parses; None if not, so that the tokenized path words the error and places it."""
    _register_removed_functions()
    try:
        ast = _parse_quietly(text)
    except BaseException as exc:  # pyo3 PanicException derives from BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return None
    result = ParsedExpr(text, version, ast)
    _check_ast(result)
    return result


def _parse_tokenized(text: str, version: tuple[int, int], max_nesting: int) -> ParsedExpr:
    result = ParsedExpr(text, version)
    try:
        tokens = lexer.tokenize(text)
    except lexer.LexError as exc:
        result.problems.append(Problem("syntax", str(exc), exc.offset))
        return result
    result._tokens = tokens
    if not tokens:
        result.problems.append(Problem("syntax", "no expression found in input", 0))
        return result
    limit = min(max_nesting, MAX_NESTING)
    depth = lexer.max_nesting(tokens) if len(tokens) > limit else 0  # each level takes a token at least
    if depth > limit:
        result.problems.append(Problem("complexity", f"the expression nests {depth} levels deep; obslint's "
                                                      f"parser reads at most {limit}", 0))
        return result
    operators = lexer.count_binary_operators(tokens) if len(tokens) > MAX_BINARY_OPERATORS else 0
    if operators > MAX_BINARY_OPERATORS:
        result.problems.append(Problem("complexity", f"the expression has {operators} binary operators; "
                                                      f"obslint's parser reads at most {MAX_BINARY_OPERATORS}", 0))
        return result
    parser_text = _parser_text(text, tokens, result)
    if result.problems:
        return result
    _register_removed_functions()
    try:
        result.ast = _parse_quietly(parser_text)
    except ValueError as exc:
        result.problems.append(Problem("syntax", _restore(str(exc), result), _guess_offset(str(exc), tokens)))
        return result
    except BaseException as exc:  # pyo3 PanicException derives from BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        result.problems.append(Problem("syntax", f"the PromQL parser failed on this expression ({exc})", 0))
        return result
    _check_tokens(tokens, result)
    _check_ast(result)
    return result


def _parser_text(text: str, tokens: list[Token], result: ParsedExpr) -> str:
    """The text promql-parser gets: regexes validated with Go's rules and replaced by placeholders,
    backtick strings rewritten as double-quoted ones."""
    if "~" not in text and "`" not in text:
        return text  # no regex matcher and no raw string: nothing to rewrite
    pieces: list[str] = []
    last = 0
    brace = 0
    go_named_groups = result.version >= versions.NAMED_GROUP_ANGLE_SINCE
    for index, tok in enumerate(tokens):
        kind = tok.kind
        if kind == "punct":
            if tok.text == "{":
                brace += 1
            elif tok.text == "}":
                brace -= 1
            continue
        if kind != "string":
            continue
        replacement = None
        previous = tokens[index - 1] if index else None
        if brace > 0 and previous is not None and previous.kind == "op" and previous.text in ("=~", "!~"):
            try:
                empty = check_regex(tok.value, go_named_groups)
            except RegexError as exc:
                result.problems.append(Problem("syntax", f"invalid regular expression {tok.text}: {exc}",
                                               tok.start))
                continue
            placeholder = REGEX_PLACEHOLDER.format(len(result.regexes))
            result.regexes[placeholder] = tok.value
            replacement = '"(?:%s)?"' % placeholder if empty else '"%s"' % placeholder
        elif tok.text.startswith("`"):
            replacement = _double_quoted(tok.value)
        if replacement is not None:
            pieces.append(text[last:tok.start])
            pieces.append(replacement)
            last = tok.end
    pieces.append(text[last:])
    return "".join(pieces)


def _double_quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return '"' + escaped + '"'


def _restore(message: str, result: ParsedExpr) -> str:
    for placeholder, original in result.regexes.items():
        message = message.replace("(?:%s)?" % placeholder, original).replace(placeholder, original)
    return message


def _guess_offset(message: str, tokens: list[Token]) -> int | None:
    """promql-parser's errors carry no position; point at the token they name, if any."""
    for quote in ("'", '"'):
        start = message.find(quote)
        end = message.find(quote, start + 1)
        if start >= 0 and end > start:
            named = message[start + 1:end]
            for tok in tokens:
                if tok.text == named:
                    return tok.start
    if "unclosed left parenthesis" in message:
        opens = [t for t in tokens if t.text == "("]
        return opens[-1].start if opens else None
    return None


# Expressions with nothing only their tokens can judge, as one pattern per target: the tokens of such
# an expression, matched one after another as the lexer makes them (possessively: no other reading is
# tried), leave out everything a token check looks at. Out are: comments, escapes, raw strings,
# regex matchers and any character no token may hold (lexical errors); `!` and `.` alone; numbers
# that may overflow a float64 (300 digits, or an exponent of three); and, before 3.0, durations
# outside [range:step] and `offset`, numbers inside them, and strings where a quoted name may stand
# (after `{`, `(` or `,`). So when the pattern matches and promql-parser accepts the text, the
# tokenized path has nothing to add.
_SPACE = r"[ \t\n\r]++"
_DURATION = r"(?:[0-9]+(?:ms|s|m|h|d|w|y)(?![^\W\d]))++"  # as lexer._TOKEN's duration
_NUMBER = (r"(?:0[xX][0-9a-fA-F]*+|(?:[0-9]{1,299}+(?:\.[0-9]*+)?|\.[0-9]{1,299}+)(?:[eE][+-]?[0-9]{1,2}+)?)"
           r"(?![0-9eE.])")
_STRING = r'"[^"\\\n]*+"|\'[^\'\\\n]*+\''
_OPERATOR = r"==|!=|>=|<=|[<>=+\-*/%^@]"
_OFFSET = r"[oO][fF][fF][sS][eE][tT](?![\w:])"
_PLAIN_3 = re.compile(
    rf"(?:{_SPACE}|[a-zA-Z_:][a-zA-Z0-9_:]*+|{_DURATION}|{_NUMBER}|{_STRING}|{_OPERATOR}|[(){{}}\[\],])*+")
_PLAIN_2 = re.compile(
    rf"(?:{_SPACE}|{_OFFSET}[ \t\n\r]*+-?[ \t\n\r]*+{_DURATION}|(?!{_OFFSET})[a-zA-Z_:][a-zA-Z0-9_:]*+"
    rf"|(?!{_DURATION}){_NUMBER}|{_STRING}|{_OPERATOR}|[{{(,][ \t\n\r]*+(?![\"'])|[)}}]"
    rf"|\[[ \t\n\r]*+(?:{_DURATION})?[ \t\n\r]*+(?::[ \t\n\r]*+(?:{_DURATION})?[ \t\n\r]*+)?\])*+")


def _needs_tokens(text: str, version: tuple[int, int]) -> bool:
    """Whether the expression may hold something only its tokens can judge (see _PLAIN_2)."""
    newest_syntax = version >= max(versions.NUMBER_AS_DURATION_SINCE, versions.DURATION_AS_NUMBER_SINCE,
                                   versions.QUOTED_NAMES_SINCE)
    return not text.strip() or (_PLAIN_3 if newest_syntax else _PLAIN_2).fullmatch(text) is None


_GROUPING_WORDS = frozenset(("by", "without", "on", "ignoring", "group_left", "group_right"))
_MATCH_OPS = frozenset(("=", "!=", "=~", "!~"))


def _check_tokens(tokens: list[Token], result: ParsedExpr) -> None:
    version = result.version
    if version >= max(versions.NUMBER_AS_DURATION_SINCE, versions.DURATION_AS_NUMBER_SINCE,
                      versions.QUOTED_NAMES_SINCE):  # the target has all this syntax: numbers are left
        for tok in tokens:
            if tok.kind == "number":
                _check_number(tok, result)
        return
    n = len(tokens)
    brace = bracket = 0
    grouping_depth = 0  # inside by(...)/without(...)/on(...)/ignoring(...)/group_left(...)
    paren_stack: list[bool] = []
    quoted_names_ok = version >= versions.QUOTED_NAMES_SINCE
    for i, tok in enumerate(tokens):
        kind = tok.kind
        if kind == "ident" or kind == "op":
            continue
        if kind == "punct":
            text = tok.text
            if text == "{":
                brace += 1
            elif text == "}":
                brace -= 1
            elif text == "[":
                bracket += 1
            elif text == "]":
                bracket -= 1
            elif text == "(":
                prev = tokens[i - 1] if i else None
                is_grouping = prev is not None and prev.kind == "ident" and prev.text.lower() in _GROUPING_WORDS
                paren_stack.append(is_grouping)
                grouping_depth += is_grouping
            elif text == ")" and paren_stack:
                grouping_depth -= paren_stack.pop()
        elif kind == "number":
            _check_number(tok, result)
            if version < versions.NUMBER_AS_DURATION_SINCE and _in_duration_slot(tokens, i, bracket, brace):
                _version_problem(result, tok, f"a duration written as a plain number ({tok.text})",
                                 versions.NUMBER_AS_DURATION_SINCE)
        elif kind == "duration":
            if version < versions.DURATION_AS_NUMBER_SINCE and not _in_duration_slot(tokens, i, bracket, brace):
                _version_problem(result, tok, f"a duration used as a number ({tok.text})",
                                 versions.DURATION_AS_NUMBER_SINCE)
        elif kind == "string" and not quoted_names_ok:
            prev = tokens[i - 1] if i else None
            nxt = tokens[i + 1] if i + 1 < n else None
            quoted_name = (
                (brace > 0 and nxt is not None and (nxt.text in _MATCH_OPS or nxt.text in (",", "}"))
                 and (prev is None or prev.text in ("{", ",")))
                or grouping_depth > 0
            )
            if quoted_name:
                _version_problem(result, tok, f"a quoted metric or label name ({tok.text})",
                                 versions.QUOTED_NAMES_SINCE)


def _check_number(tok: Token, result: ParsedExpr) -> None:
    if not tok.text.startswith(("0x", "0X")) and math.isinf(float(tok.text)):
        result.problems.append(Problem("syntax", f"number {tok.text} is out of range for a float64", tok.start))


def _in_duration_slot(tokens: list[Token], i: int, bracket: int, brace: int) -> bool:
    """Inside [range] / [range:step], or right after `offset` (or `offset -`)."""
    if bracket > 0 and brace == 0:
        return True
    prev = tokens[i - 1] if i else None
    if prev is None:
        return False
    return prev.text.lower() == "offset" or (
        prev.text == "-" and i >= 2 and tokens[i - 2].text.lower() == "offset")


def _version_problem(result: ParsedExpr, tok: Token, what: str, since: tuple[int, int]) -> None:
    result.problems.append(Problem(
        "version",
        f"{what} needs Prometheus {versions.fmt(since)} or newer; the target is {versions.fmt(result.version)}",
        tok.start,
    ))


def _first_token(tokens: list[Token], text: str, followed_by: str | None = None) -> int | None:
    for i, tok in enumerate(tokens):
        if tok.text == text and (followed_by is None or (i + 1 < len(tokens) and tokens[i + 1].text == followed_by)):
            return tok.start
    return None


def _check_ast(result: ParsedExpr) -> None:
    version = result.version
    for node in result.nodes:
        name = type(node).__name__
        if name == "Call":
            fname = node.func.name
            since = versions.function_since(fname)
            if since is not None and version < since:
                result.problems.append(Problem(
                    "version", f'function "{fname}" needs Prometheus {versions.fmt(since)} or newer; '
                               f"the target is {versions.fmt(version)}", _first_token(result.tokens, fname, "(")))
            removed = versions.REMOVED_FUNCTIONS.get(fname)
            if removed and version >= removed[0]:
                result.problems.append(Problem(
                    "version", f'function "{fname}" was removed in Prometheus {versions.fmt(removed[0])}; '
                               f"use {removed[1]}", _first_token(result.tokens, fname, "(")))
            elif version >= (3, 0) and node.func.experimental:
                result.warnings.append(Problem(
                    "version", f'function "{fname}" is experimental: Prometheus needs '
                               "--enable-feature=promql-experimental-functions",
                    _first_token(result.tokens, fname, "(")))
        elif name == "AggregateExpr":
            op = str(node.op)
            since = versions.aggregation_since(op)
            if since is not None and version < since:
                result.problems.append(Problem(
                    "version", f'aggregation "{op}" needs Prometheus {versions.fmt(since)} or newer; '
                               f"the target is {versions.fmt(version)}", _first_token(result.tokens, op)))
        elif name == "BinaryExpr":
            modifier = node.modifier
            fill = getattr(modifier, "fill_values", None) if modifier is not None else None
            if fill is not None and (fill.lhs is not None or fill.rhs is not None) \
                    and version < versions.FILL_MODIFIERS_SINCE:
                result.problems.append(Problem(
                    "version", f"fill() modifiers need Prometheus {versions.fmt(versions.FILL_MODIFIERS_SINCE)} "
                               f"or newer; the target is {versions.fmt(version)}",
                    _first_token(result.tokens, "fill") or _first_token(result.tokens, "fill_left")
                    or _first_token(result.tokens, "fill_right")))
        elif name == "VectorSelector":
            if node.matchers.or_matchers:
                result.problems.append(Problem(
                    "syntax", "`or` between label matchers is not PromQL (promql-parser accepts it as a "
                              "GreptimeDB extension)", _first_token(result.tokens, "or")))
