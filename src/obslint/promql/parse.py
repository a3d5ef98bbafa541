"""Guarded PromQL parsing with the verdict of `promtool check rules` of a given Prometheus version.

Two parsers work together. promql-parser (Rust) gives obslint's checks their AST and is fast; it
follows Prometheus 3.x at one point in time and gives no positions. obslint.promql.grammar follows
Go's parser release by release (2.42 to 3.16, with the target's --enable-feature flags) and gives
promtool's verdict and the error's position. The common case takes a shortcut: an expression made
only of tokens every version reads alike (see _needs_tokens) that promql-parser accepts is judged by
a look at the AST (functions, aggregations, modifiers the target lacks). Everything else is judged
by the grammar; when it accepts, promql-parser gets an equivalent text for the AST (regexes behind
placeholders, raw strings double-quoted, duration expressions computed, new syntax rewritten away).
The parser is also guarded: it panics with a BaseException on some input, and its time and memory
grow quadratically with nesting and with long operator chains, so such input gets a clean error.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field

import promql_parser as pq

from obslint.promql import lexer, versions
from obslint.promql.lexer import Token
from obslint.promql.regex import _SIMPLE, check_regex
from obslint.promql.walk import children, iter_nodes  # noqa: F401 - also for readers of parse

NEWEST_PROMETHEUS = versions.NEWEST
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
    ast: object | None = None  # promql-parser's AST; None when the text is refused (or it cannot read it)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    regexes: dict[str, str] = field(default_factory=dict)  # placeholder -> the regex as written
    features: frozenset[str] = frozenset()  # the target's --enable-feature flags
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


_CACHE: dict[tuple, ParsedExpr] = {}
_CACHE_LIMIT = 20_000


def parse_expr(text: str, version: tuple[int, int] = NEWEST_PROMETHEUS, max_nesting: int = MAX_NESTING,
               features: frozenset[str] = frozenset()) -> ParsedExpr:
    """Parse `text` as `promtool check rules` of Prometheus `version` run with `--enable-feature=`
    `features`. Never raises for any input string.

    Results are shared between identical expressions (rule sets repeat them a lot): treat them as
    read-only."""
    features = frozenset(features)  # the same object when it already is one
    key = (text, version, max_nesting, features)
    cached = _CACHE.get(key)
    if cached is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        cached = _CACHE[key] = _parse_uncached(text, version, max_nesting, features)
    return cached


def _parse_uncached(text: str, version: tuple[int, int], max_nesting: int,
                    features: frozenset[str] = frozenset()) -> ParsedExpr:
    if len(text) > MAX_LENGTH:
        result = ParsedExpr(text, version, features=features)
        result.problems.append(Problem("complexity", f"the expression has {len(text)} characters; "
                                                      f"obslint reads at most {MAX_LENGTH}"))
        return result
    dialect = versions.dialect(version, features)
    if len(text) <= min(max_nesting, MAX_NESTING, MAX_BINARY_OPERATORS) and not _needs_tokens(text, dialect):
        result = _parse_plain(text, version, features)
        if result is not None:
            return result
    return _parse_tokenized(text, version, max_nesting, features)


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


def _parse_plain(text: str, version: tuple[int, int], features: frozenset[str] = frozenset()
                 ) -> ParsedExpr | None:
    """The result for an expression in which nothing needs its tokens (see _needs_tokens), if
    promql-parser accepts it; None if not, so that the grammar judges it, words the error and places it."""
    _register_removed_functions()
    try:
        ast = _parse_quietly(text)
    except BaseException as exc:  # pyo3 PanicException derives from BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return None
    result = ParsedExpr(text, version, ast, features=features)
    if not _plain_ast_ok(result, versions.dialect(version, features)):
        return None
    return result


def _parse_tokenized(text: str, version: tuple[int, int], max_nesting: int,
                     features: frozenset[str] = frozenset()) -> ParsedExpr:
    from obslint.promql import grammar  # on first need: plain expressions do without it

    result = ParsedExpr(text, version, features=features)
    dialect = versions.dialect(version, features)
    tokens = grammar.lex(text, dialect)
    limit = min(max_nesting, MAX_NESTING)
    depth = _max_nesting(tokens) if len(tokens) > limit else 0  # each level takes a token at least
    if depth > limit:
        result.problems.append(Problem("complexity", f"the expression nests {depth} levels deep; obslint's "
                                                      f"parser reads at most {limit}", 0))
        return result
    operators = _count_binary_operators(tokens) if len(tokens) > MAX_BINARY_OPERATORS else 0
    if operators > MAX_BINARY_OPERATORS:
        result.problems.append(Problem("complexity", f"the expression has {operators} binary operators; "
                                                      f"obslint's parser reads at most {MAX_BINARY_OPERATORS}", 0))
        return result
    verdict = grammar.check(text, dialect, tokens)
    if verdict.error is not None:
        offset, message = verdict.error
        kind = verdict.kind
        if kind == "syntax":
            newer = _newer_target_accepting(text, dialect)
            if newer is not None:
                kind, message = "version", f"{message}: {newer}"
        result.problems.append(Problem(kind, message, offset))
        return result
    for offset, message in verdict.notes:
        result.warnings.append(Problem("version", message, offset))
    parser_text = _parser_text(text, verdict, result)
    _register_removed_functions()
    try:
        result.ast = _parse_quietly(parser_text)
    except BaseException as exc:  # ValueError, or pyo3's PanicException (a BaseException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        result.ast = None  # promtool accepts it; obslint's checks that need the AST skip it
    return result


def _newer_target_accepting(text: str, dialect: versions.Dialect) -> str | None:
    """When a newer Prometheus, or flags, would have promtool accept what the target refuses: what it
    takes, as the end of a message; None when no version accepts it."""
    from obslint.promql import grammar

    accepts = functools.lru_cache(maxsize=None)(
        lambda version, features: grammar.check(text, versions.dialect(version, features)).error is None)
    # the flags that only add (promql-unquoted-utf8-names also refuses `by (a:b)`: tried with and without)
    every_flag = frozenset(versions.FLAGS) | dialect.features
    generous = [every_flag, every_flag - {versions.UNQUOTED_UTF8_NAMES}]
    if not accepts(versions.NEWEST, dialect.features) and not any(accepts(versions.NEWEST, f) for f in generous):
        return None  # a plain error (or one of the few quirks an older release accepted)
    target = versions.fmt(dialect.version)
    plain = _first_accepting(accepts, dialect.version, dialect.features)
    flagged, flag_set = None, None
    for features in generous:
        first = _first_accepting(accepts, dialect.version, features, include_target=True)
        if first is not None and (flagged is None or first < flagged):
            flagged, flag_set = first, features
    if flagged is not None and (plain is None or flagged < plain):
        needed = sorted(name for name, flag in versions.FLAGS.items()
                        if name in flag_set and name not in dialect.features and flag.promtool_since is not None
                        and flag.promtool_since <= flagged
                        and (flag.always_since is None or flag.always_since > flagged)
                        and not accepts(flagged, flag_set - {name}))
        flags = " ".join(f"--enable-feature={flag}" for flag in needed)
        with_flags = f"Prometheus {versions.fmt(flagged)} or newer with {flags}" if flagged > dialect.version \
            else flags
        if plain is None:
            return f"this needs {with_flags}; the target is {target}"
        return f"this needs Prometheus {versions.fmt(plain)} or newer ({with_flags}); the target is {target}"
    if plain is not None:
        return f"this needs Prometheus {versions.fmt(plain)} or newer; the target is {target}"
    return None


def _first_accepting(accepts, version: tuple[int, int], features: frozenset[str], include_target: bool = False
                     ) -> tuple[int, int] | None:
    """The first release after `version` (or from it) whose promtool accepts the text, by bisection over
    the releases that changed the language (versions.CHANGES): a construct, once added, stays."""
    candidates = ([version] if include_target else []) + [v for v in versions.CHANGES if v > version]
    if not candidates or not accepts(candidates[-1], features):
        return None
    low, high = 0, len(candidates) - 1  # candidates[high] accepts
    while low < high:
        middle = (low + high) // 2
        if accepts(candidates[middle], features):
            high = middle
        else:
            low = middle + 1
    return candidates[high]


def _max_nesting(tokens: list) -> int:
    """Deepest nesting of (), [] and {}; unary minus chains count one level each."""
    depth = best = run = 0
    for tok in tokens:
        kind = tok.kind
        if kind in ("(", "[", "{"):
            depth += 1
            best = max(best, depth + run)
        elif kind in (")", "]", "}"):
            depth -= 1
        if kind in ("+", "-"):
            run += 1
            best = max(best, depth + run)
        else:
            run = 0
    return best


_BINARY_KINDS = frozenset(("+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<=", "</", ">/", "and", "or",
                           "unless", "atan2"))


def _count_binary_operators(tokens: list) -> int:
    return sum(1 for tok in tokens if tok.kind in _BINARY_KINDS)


def _parser_text(text: str, verdict, result: ParsedExpr) -> str:
    """The text promql-parser gets for an accepted expression: regexes replaced by placeholders
    (Go's RE2 dialect, checked already), backtick strings double-quoted, and the grammar's edits
    (syntax promql-parser lacks, durations it reads differently)."""
    edits = list(verdict.edits)
    tokens = verdict.tokens
    if "~" in text or "`" in text:
        go_named_groups = result.version >= versions.NAMED_GROUP_ANGLE_SINCE
        for index, tok in enumerate(tokens):
            if tok.kind != "STRING":
                continue
            previous = tokens[index - 1].kind if index else ""
            if previous in ("=~", "!~") and _SIMPLE.fullmatch(tok.value) and "\\" not in text[tok.start:tok.end] \
                    and text[tok.start] != "`":
                continue  # read alike by Go and promql-parser: as in the fast path, no placeholder
            if previous in ("=~", "!~"):
                placeholder = REGEX_PLACEHOLDER.format(len(result.regexes))
                result.regexes[placeholder] = tok.value
                empty = check_regex(tok.value, go_named_groups)
                edits.append((tok.start, tok.end, '"(?:%s)?"' % placeholder if empty else '"%s"' % placeholder))
            elif text[tok.start] == "`":
                edits.append((tok.start, tok.end, _double_quoted(tok.value)))
    if not edits:
        return text
    pieces: list[str] = []
    last = 0
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], -edit[1])):  # outer edits first
        if start < last:
            continue  # inside an edit already made (a duration expression holds its numbers)
        pieces.append(text[last:start])
        pieces.append(replacement)
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _double_quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return '"' + escaped + '"'


# Expressions with nothing only their tokens can judge, as one pattern per target: the tokens of such
# an expression, matched one after another as the lexer makes them (possessively: no other reading is
# tried), leave out everything only the grammar judges right. Out are: escapes, raw strings, regex
# matchers but those made of literals, dots, single quantifiers and `|` (regex._SIMPLE), `@`, hex
# numbers, `!` and `.` alone, any character no token may hold (lexical errors), numbers that may
# overflow a float64 (300 digits, or an exponent of three), durations of more than six digits a unit
# (overflow), and numbers inside [..]; before 2.54, durations outside [range:step] and `offset`, and
# numbers inside them; before 3.0, strings where a quoted name may stand (after `{`, `(` or `,`); and
# (_needs_tokens) a unary plus, `offset` as a name, a comment holding a parenthesis. So when the
# pattern matches, promql-parser accepts the text and its AST holds nothing the target may lack
# (_plain_ast_ok), promtool accepts it too: tests/promql/test_grammar.py checks it on generated input.
_SPACE = r"[ \t\n\r]++"
_DURATION = r"(?:[0-9]{1,6}+(?:ms|s|m|h|d|w|y)(?![^\W\d]))++"
_NUMBER = (r"(?!0[xX])(?:[0-9]{1,299}+(?:\.[0-9]*+)?|\.[0-9]{1,299}+)(?:[eE][+-]?[0-9]{1,2}+)?"
           r"(?![0-9eE._])")
_STRING = r'"[^"\\\n]*+"|\'[^\'\\\n]*+\''
_OPERATOR = r"==|!=|>=|<=|[<>=+\-*/%^]"
_OFFSET = r"[oO][fF][fF][sS][eE][tT](?![\w:])"
# a regex matcher whose regex every Go version and promql-parser read alike (regex._SIMPLE), and comments
_SIMPLE_DOUBLE = r"(?:(?:[A-Za-z0-9_:/@#%&=,;<>'~! -]|\.)[*+?]?|\|)*+"  # in "..."
_SIMPLE_SINGLE = r'(?:(?:[A-Za-z0-9_:/@#%&=,;<>"~! -]|\.)[*+?]?|\|)*+'  # in '...'
_REGEX_MATCHER = rf"""[=!]~[ \t\n\r]*+(?:"{_SIMPLE_DOUBLE}"|'{_SIMPLE_SINGLE}')"""
_COMMENT = r"\#[^\r\n]*+"
_BRACKETS = rf"\[[ \t\n\r]*+{_DURATION}[ \t\n\r]*+(?::[ \t\n\r]*+(?:{_DURATION})?[ \t\n\r]*+)?\]"
_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*+"


def _plain(durations_anywhere: bool, quoted_names: bool) -> re.Pattern:
    duration = f"|{_DURATION}" if durations_anywhere else ""
    number = _NUMBER if durations_anywhere else f"(?!{_DURATION}){_NUMBER}"
    offset = f"(?:{_DURATION}|{_NUMBER})" if durations_anywhere else _DURATION
    # no quoted names before 3.0, and no empty one after: promql-parser takes by (""), Go does not
    openers = r"[{(,][ \t\n\r]*+(?!\"\"|'')" if quoted_names else r"[{(,][ \t\n\r]*+(?![\"'])"
    return re.compile(
        rf"(?:{_SPACE}|{_OFFSET}[ \t\n\r]*+-?[ \t\n\r]*+{offset}|(?!{_OFFSET}){_NAME}{duration}"
        rf"|{number}|{_STRING}|{_REGEX_MATCHER}|{_OPERATOR}|{openers}|[)}}]|{_BRACKETS}|{_COMMENT})*+")


_PLAIN_OLD = _plain(durations_anywhere=False, quoted_names=False)  # before 2.54
_PLAIN_2X = _plain(durations_anywhere=True, quoted_names=False)  # 2.54, 2.55
_PLAIN_3 = _plain(durations_anywhere=True, quoted_names=True)


_GAP = r"(?:[ \t\n\r]|\#[^\r\n]*)*+"  # spaces and comments
# a comment with a parenthesis could hide what _UNARY_PLUS looks for
_COMMENT_PAREN = re.compile(r"\#[^\r\n]*[()]")
# `offset` where an operand stands is a metric name: the offset pattern would misread what follows
_OFFSET_AS_NAME = re.compile(rf"(?:^|[(,=<>!+\-*/%^{{]){_GAP}offset(?![\w:])", re.IGNORECASE)
# A unary plus: promql-parser drops it, and with it the type check Go makes (+"a" and +x[5m] are errors)
_UNARY_PLUS = re.compile(rf"(?:^|[(,=<>!+\-*/%^]|(?<![\w:])(?:and|or|unless|atan2|bool|group_left|group_right)"
                         rf"|(?<![\w:])(?:on|ignoring|group_left|group_right){_GAP}\([^()]*+\)){_GAP}\+",
                         re.IGNORECASE)


def _needs_tokens(text: str, dialect: versions.Dialect) -> bool:
    """Whether the expression may hold something only the grammar judges right (see _PLAIN_3)."""
    version = dialect.version
    pattern = (_PLAIN_3 if version >= versions.UTF8_NAMES_SINCE else
               _PLAIN_2X if version >= versions.NUMBER_DURATION_SINCE else _PLAIN_OLD)
    return (not text.strip() or pattern.fullmatch(text) is None or ("+" in text and _UNARY_PLUS.search(text))
            or (("offset" in text or "OFFSET" in text) and _OFFSET_AS_NAME.search(text) is not None)
            or ("#" in text and _COMMENT_PAREN.search(text) is not None))


def _plain_ast_ok(result: ParsedExpr, dialect: versions.Dialect) -> bool:
    """Whether promql-parser's AST of a plain expression holds only what every target since 2.42
    reads as promql-parser does: functions the target has (not experimental ones, nor info()),
    the classic aggregations, no fill() modifiers, no `or` between matchers (a GreptimeDB extension)."""
    for node in result.nodes:
        name = type(node).__name__
        if name == "Call":
            function = dialect.function(node.func.name)
            if function is None or function.experimental is not None or function.name == "info":
                return False
        elif name == "AggregateExpr":
            if str(node.op) not in versions.AGGREGATIONS:
                return False
        elif name == "BinaryExpr":
            fill = getattr(node.modifier, "fill_values", None) if node.modifier is not None else None
            if fill is not None and (fill.lhs is not None or fill.rhs is not None):
                return False
        elif name == "VectorSelector":
            if node.matchers.or_matchers:
                return False
    return True
