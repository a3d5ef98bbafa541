"""A parser for Go's text/template, as Prometheus parses alert labels and annotations.

Prometheus parses each label and annotation value of an alerting rule as a template, after a prefix
that defines `$labels`, `$externalLabels`, `$externalURL` and `$value`; `promtool check rules` rejects
syntax errors, undefined variables and unknown functions. This module finds the same errors (with
the offset in the value) and records what the template reads: variable and field chains such as
`$labels.instance` or `.Labels.job`, and the functions each pipeline calls.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

GO_BUILTINS = frozenset(
    "and call html index slice js len not or print printf println urlquery eq ge gt le lt ne".split()
)
PROMETHEUS_FUNCTIONS_2_42 = frozenset(
    """query first label value strvalue args reReplaceAll safeHtml match title toUpper toLower graphLink
    tableLink sortByLabel humanize humanize1024 humanizeDuration humanizePercentage humanizeTimestamp toTime
    pathPrefix externalURL parseDuration stripPort stripDomain""".split()
)
PROMETHEUS_FUNCTIONS_3 = PROMETHEUS_FUNCTIONS_2_42 | {"toDuration", "now", "urlQueryEscape"}
PROMETHEUS_VARIABLES = ("$", "$labels", "$externalLabels", "$externalURL", "$value")
KEYWORDS = frozenset("if else end range with define template block break continue".split())


@functools.lru_cache(maxsize=None)
def prometheus_functions(version: tuple[int, int]) -> frozenset[str]:
    return GO_BUILTINS | (PROMETHEUS_FUNCTIONS_3 if version >= (3, 0) else PROMETHEUS_FUNCTIONS_2_42)


class TemplateError(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


@dataclass
class Reference:
    """A variable or dot with a field chain: `$labels.x` is ("$labels", ("x",)); `.Labels.x` is
    (".", ("Labels", "x"))."""

    root: str
    fields: tuple[str, ...]
    offset: int


@dataclass
class Pipeline:
    """One pipeline: its commands' first words (functions or operands) in order, and the references in it."""

    offset: int
    words: list[str] = field(default_factory=list)  # e.g. ["$value", "humanizePercentage"]
    references: list[Reference] = field(default_factory=list)


@dataclass
class Template:
    text: str
    references: list[Reference] = field(default_factory=list)
    functions: list[tuple[str, int]] = field(default_factory=list)
    pipelines: list[Pipeline] = field(default_factory=list)
    has_actions: bool = False


@dataclass(slots=True)
class _Tok:
    kind: str  # text, left, right, space, ident, field, var, dot, string, number, char, punct, bool, nil, eof
    text: str
    offset: int


def _lex(text: str) -> list[_Tok]:
    """Tokens of the whole template; action contents are tokenised, text between actions is kept whole."""
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        start = text.find("{{", i)
        if start < 0:
            toks.append(_Tok("text", text[i:], i))
            break
        if start > i:
            toks.append(_Tok("text", text[i:start], i))
        j = start + 2
        if text.startswith(("- ", "-\t", "-\n", "-\r"), j):
            j += 1
        # a comment: `/*` right after the delimiter (and its trim marker), as Go requires
        k = j + 1 if j > start + 2 else j
        if text.startswith("/*", k):
            end = text.find("*/", k + 2)
            if end < 0:
                raise TemplateError("unclosed comment", start)
            m = end + 2
            while m < n and text[m] in " \t\r\n":
                m += 1
            if text.startswith("-}}", m) and m > end + 2:
                m += 1
            if not text.startswith("}}", m):
                raise TemplateError("comment ends before closing delimiter", start)
            i = m + 2
            continue
        toks.append(_Tok("left", "{{", start))
        i = _lex_action(text, j, toks, start)
    toks.append(_Tok("eof", "", n))
    return toks


# The common ASCII tokens of an action, matched in the regex engine; everything else (parentheses,
# numbers, character constants, non-ASCII words, errors) takes the character loop below. A word must
# not run on into a non-ASCII letter, which the loop reads as part of it.
_FAST_TOKEN = re.compile(
    r"""(?P<right>}}|[ \t\r\n]+-}})"""
    r"""|(?P<space>[ \t\r\n]+)"""
    r"""|(?P<var>\$[A-Za-z0-9_]*)(?!\w)"""
    r"""|(?P<dot>\.)(?!\w)"""
    r"""|(?P<field>\.[A-Za-z_][A-Za-z0-9_]*)(?!\w)"""
    r"""|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)(?!\w)"""
    r"""|(?P<string>"(?:[^"\\\n]|\\[^\n])*"|`[^`]*`)"""
    r"""|(?P<punct>[|,=]|:=)"""
)
_WORD_KINDS = {"true": "bool", "false": "bool", "nil": "nil"}


def _lex_action(text: str, i: int, toks: list[_Tok], action_start: int) -> int:
    n = len(text)
    depth = 0
    fast = _FAST_TOKEN.match
    while True:
        m = fast(text, i)
        if m is not None:
            kind = m.lastgroup
            j = m.end()
            if kind == "right":
                if depth:  # Go reports it at the space of ` -}}`, or at `}}` after more spaces
                    raise TemplateError("unclosed left paren", i if j - i <= 4 else j - 2)
                toks.append(_Tok("right", "}}", j - 2))
                return j
            if kind == "space":
                toks.append(_Tok("space", " ", i))
            else:
                word = text[i:j]
                toks.append(_Tok(_WORD_KINDS.get(word, kind) if kind == "ident" else kind, word, i))
            i = j
            continue
        if i >= n:
            raise TemplateError("unclosed action", action_start)
        c = text[i]
        if text.startswith("}}", i) or (text.startswith(" -}}", i) or text.startswith("\t-}}", i)
                                         or text.startswith("\n-}}", i) or text.startswith("\r-}}", i)):
            if depth:
                raise TemplateError("unclosed left paren", i)
            if text[i] != "}":
                i += 2
            toks.append(_Tok("right", "}}", i))
            return i + 2
        if c in " \t\r\n":
            j = i
            while j < n and text[j] in " \t\r\n":
                j += 1
            if text.startswith("-}}", j) and j > i:
                i = j + 1
                continue
            toks.append(_Tok("space", " ", i))
            i = j
            continue
        if c in "|,":
            toks.append(_Tok("punct", c, i))
            i += 1
            continue
        if c == ":" and text.startswith(":=", i):
            toks.append(_Tok("punct", ":=", i))
            i += 2
            continue
        if c == "=":
            toks.append(_Tok("punct", "=", i))
            i += 1
            continue
        if c == "(":
            depth += 1
            toks.append(_Tok("punct", "(", i))
            i += 1
            continue
        if c == ")":
            depth -= 1
            if depth < 0:
                raise TemplateError("unexpected right paren", i)
            toks.append(_Tok("punct", ")", i))
            i += 1
            continue
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                if text[j] == "\\":
                    j += 1
                if j < n and text[j] == "\n":
                    raise TemplateError("unterminated quoted string", i)
                j += 1
            if j >= n:
                raise TemplateError("unterminated quoted string", i)
            toks.append(_Tok("string", text[i:j + 1], i))
            i = j + 1
            continue
        if c == "`":
            j = text.find("`", i + 1)
            if j < 0:
                raise TemplateError("unterminated raw quoted string", i)
            toks.append(_Tok("string", text[i:j + 1], i))
            i = j + 1
            continue
        if c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                if text[j] == "\\":
                    j += 1
                j += 1
            if j >= n:
                raise TemplateError("unterminated character constant", i)
            toks.append(_Tok("char", text[i:j + 1], i))
            i = j + 1
            continue
        if c == "$" or c == "." or c.isalpha() or c == "_":
            j = i + 1
            if c == "." and j < n and text[j].isdigit():
                j = _number_end(text, i)
                toks.append(_Tok("number", text[i:j], i))
                i = j
                continue
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            word = text[i:j]
            if c == "$":
                toks.append(_Tok("var", word, i))
            elif c == ".":
                toks.append(_Tok("dot" if word == "." else "field", word, i))
            elif word in ("true", "false"):
                toks.append(_Tok("bool", word, i))
            elif word == "nil":
                toks.append(_Tok("nil", word, i))
            else:
                toks.append(_Tok("ident", word, i))
            i = j
            continue
        if c.isdigit() or (c in "+-" and i + 1 < n and (text[i + 1].isdigit() or text[i + 1] == ".")):
            j = _number_end(text, i)
            toks.append(_Tok("number", text[i:j], i))
            i = j
            continue
        raise TemplateError(f"unexpected {c!r} in command", i)


def _number_end(text: str, i: int) -> int:
    j = i + 1
    while j < len(text) and (text[j].isalnum() or text[j] in "._+-"):
        if text[j] in "+-" and text[j - 1] not in "eEpP":
            break
        j += 1
    return j


class _Parser:
    def __init__(self, text: str, functions: frozenset[str], variables: tuple[str, ...]):
        self.text = text
        self.toks = _lex(text)
        self.pos = 0
        self.functions = functions
        self.scopes: list[list[str]] = [list(variables)]
        self.result = Template(text)
        self.range_depth = 0

    def peek(self, skip_space: bool = True) -> _Tok:
        pos = self.pos
        while skip_space and self.toks[pos].kind == "space":
            pos += 1
        return self.toks[pos]

    def next(self, skip_space: bool = True) -> _Tok:
        while skip_space and self.toks[self.pos].kind == "space":
            self.pos += 1
        tok = self.toks[self.pos]
        if tok.kind != "eof":
            self.pos += 1
        return tok

    def parse(self) -> Template:
        end = self.parse_list(top=True)
        if end is not None:
            raise TemplateError(f"unexpected {{{{{end.text}}}}}", end.offset)
        return self.result

    def parse_list(self, top: bool = False):
        """Parse items until {{end}} / {{else}} (returned) or EOF (None at top level)."""
        while True:
            tok = self.next(skip_space=False)
            if tok.kind == "eof":
                if top:
                    return None
                raise TemplateError("unexpected EOF", tok.offset)
            if tok.kind == "text":
                continue
            self.result.has_actions = True
            word = self.peek()
            if word.kind == "ident" and word.text in ("end", "else"):
                self.next()
                if top:
                    raise TemplateError(f"unexpected {{{{{word.text}}}}}", word.offset)
                return word
            if word.kind == "ident" and word.text in KEYWORDS:
                self.next()
                self.parse_control(word)
            else:
                self.parse_pipeline(declare_ok=True)
                self.expect_right()

    def expect_right(self) -> None:
        tok = self.next()
        if tok.kind != "right":
            raise TemplateError(f"unexpected {tok.text!r} in command", tok.offset)

    def parse_control(self, word: _Tok) -> None:
        kw = word.text
        if kw in ("if", "with", "range"):
            self.scopes.append([])
            self.parse_pipeline(declare_ok=True, range_decl=(kw == "range"), context=kw)
            self.expect_right()
            if kw == "range":
                self.range_depth += 1
            end = self.parse_list()
            if kw == "range":
                self.range_depth -= 1
            self.scopes.pop()
            while end.text == "else":
                following = self.peek()
                if following.kind == "ident" and following.text in ("if", "with") and kw in ("if", "with"):
                    self.next()
                    self.scopes.append([])
                    self.parse_pipeline(declare_ok=True, context=following.text)
                    self.expect_right()
                    end = self.parse_list()
                    self.scopes.pop()
                    continue
                self.expect_right()
                self.scopes.append([])
                end = self.parse_list()
                self.scopes.pop()
                if end.text == "else":
                    raise TemplateError("expected end; found {{else}}", end.offset)
            self.expect_right()
        elif kw in ("define", "block", "template"):
            name = self.next()
            if name.kind not in ("string",):
                raise TemplateError(f"unexpected {name.text!r} in {kw} clause", name.offset)
            if kw != "define" and self.peek().kind != "right":
                self.parse_pipeline(declare_ok=False, context=kw)
            self.expect_right()
            if kw in ("define", "block"):
                saved = self.scopes
                if kw == "define":
                    self.scopes = [["$"]]
                end = self.parse_list()
                self.scopes = saved
                if end.text != "end":
                    raise TemplateError(f"unexpected {{{{{end.text}}}}}", end.offset)
                self.expect_right()
        elif kw in ("break", "continue"):
            if self.range_depth == 0:
                raise TemplateError(f"{{{{{kw}}}}} outside {{{{range}}}}", word.offset)
            self.expect_right()

    def declared(self, name: str) -> bool:
        return any(name in scope for scope in self.scopes)

    def parse_pipeline(self, declare_ok: bool, range_decl: bool = False, context: str = "command") -> None:
        start = self.peek()
        pipeline = Pipeline(start.offset)
        pending = self.parse_declaration(range_decl) if declare_ok else []
        self.parse_commands(pipeline, context)
        for name in pending:  # a declared variable is visible after its pipeline
            self.scopes[-1].append(name)
        self.result.pipelines.append(pipeline)

    def parse_declaration(self, range_decl: bool) -> list[str]:
        """Consume `$x :=`, `$x =` or (in range) `$i, $e :=`; the names a `:=` declares."""
        save = self.pos
        first = self.next()
        if first.kind != "var":
            self.pos = save
            return []
        names = [first.text]
        after = self.peek()
        if range_decl and after.kind == "punct" and after.text == ",":
            self.next()
            second = self.next()
            if second.kind != "var":
                raise TemplateError("too many declarations in range", second.offset)
            names.append(second.text)
            after = self.peek()
        if after.kind == "punct" and after.text in (":=", "="):
            self.next()  # Go 1.19 (promtool 2.42) does not check that an assigned variable exists
            return names if after.text == ":=" else []
        self.pos = save
        return []

    def parse_commands(self, pipeline: Pipeline, context: str) -> None:
        self.parse_command(pipeline, context)
        while True:
            tok = self.peek()
            if not (tok.kind == "punct" and tok.text == "|"):
                return
            self.next()
            if self.peek().kind == "right":
                return  # Go 1.19 accepts a trailing `|` before the closing delimiter
            self.parse_command(pipeline, context)

    def parse_command(self, pipeline: Pipeline, context: str) -> None:
        count = 0
        while True:
            tok = self.peek()
            if tok.kind in ("right", "eof") or (tok.kind == "punct" and tok.text in ("|", ")")):
                break
            self.parse_operand(pipeline)
            count += 1
            following = self.peek(skip_space=False)
            if following.kind not in ("space", "right", "eof") and not (
                    following.kind == "punct" and following.text in ("|", ")")):
                raise TemplateError(f"unexpected {following.text!r} in operand", following.offset)
        if count == 0:
            tok = self.peek()
            raise TemplateError(f"missing value for {context}", tok.offset)

    def parse_operand(self, pipeline: Pipeline) -> None:
        tok = self.next()
        if tok.kind == "ident":
            if tok.text in KEYWORDS:
                raise TemplateError(f"unexpected <{tok.text}> in command", tok.offset)
            if tok.text not in self.functions:
                raise TemplateError(f'function "{tok.text}" not defined', tok.offset)
            self.result.functions.append((tok.text, tok.offset))
            pipeline.words.append(tok.text)
        elif tok.kind == "var":
            if not self.declared(tok.text):
                raise TemplateError(f'undefined variable "{tok.text}"', tok.offset)
            ref = Reference(tok.text, self.field_chain(), tok.offset)
            self.result.references.append(ref)
            pipeline.references.append(ref)
            pipeline.words.append(tok.text)
        elif tok.kind in ("dot", "field"):
            fields = () if tok.kind == "dot" else (tok.text[1:],)
            ref = Reference(".", fields + self.field_chain(), tok.offset)
            self.result.references.append(ref)
            pipeline.references.append(ref)
            pipeline.words.append(tok.text)
        elif tok.kind == "punct" and tok.text == "(":
            inner = Pipeline(tok.offset)
            self.parse_commands(inner, "parenthesized pipeline")
            close = self.next()
            if close.kind != "punct" or close.text != ")":
                raise TemplateError("unclosed left paren", tok.offset)
            pipeline.references.extend(inner.references)
            pipeline.words.append("(")
            self.result.pipelines.append(inner)
            self.field_chain()
        elif tok.kind in ("string", "number", "char", "bool", "nil"):
            pipeline.words.append(tok.text)  # `nil` as a command fails only when executed
        elif tok.kind in ("right", "eof"):
            raise TemplateError("unexpected end of action", tok.offset)
        else:
            raise TemplateError(f"unexpected {tok.text!r} in operand", tok.offset)

    def field_chain(self) -> tuple[str, ...]:
        fields = []
        while self.toks[self.pos].kind == "field":
            fields.append(self.toks[self.pos].text[1:])
            self.pos += 1
        return tuple(fields)


def parse_template(text: str, version: tuple[int, int] = (3, 14),
                   variables: tuple[str, ...] = PROMETHEUS_VARIABLES) -> Template:
    """Parse a Prometheus alert template. Raises TemplateError(message, offset).

    Results are shared between identical templates (rule sets repeat them): treat them as read-only."""
    if "{{" not in text:
        return Template(text)
    return _parse_cached(text, version, variables)


@functools.lru_cache(maxsize=8192)
def _parse_cached(text: str, version: tuple[int, int], variables: tuple[str, ...]) -> Template:
    functions = prometheus_functions(version)
    return _parse_simple(text, functions, variables) or _Parser(text, functions, variables).parse()


# The actions nearly every alert template is made of: a variable with fields, piped into functions
# without arguments (`{{ $labels.instance }}`, `{{ $value | humanizePercentage }}`), with optional
# trim markers. A word must not run on into a non-ASCII letter or a further dot.
_SIMPLE_ACTION = re.compile(
    r"\{\{(?:-(?=[ \t\r\n]))?[ \t\r\n]*"
    r"(?P<var>\$[A-Za-z0-9_]*)(?P<fields>(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?![\w.])"
    r"(?P<pipes>(?:[ \t\r\n]*\|[ \t\r\n]*[A-Za-z_][A-Za-z0-9_]*(?![\w.]))*)"
    r"(?:[ \t\r\n]+-?)?\}\}"
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _parse_simple(text: str, functions: frozenset[str], variables: tuple[str, ...]) -> Template | None:
    """The parse of a template whose actions are all simple (see _SIMPLE_ACTION) and valid, exactly as
    _Parser gives it; None for any other template, which the full parser then reads."""
    template = Template(text)
    start = text.find("{{")
    while start >= 0:
        m = _SIMPLE_ACTION.match(text, start)
        if m is None or m.group("var") not in variables:
            return None
        offset = m.start("var")
        chain = m.group("fields")
        reference = Reference(m.group("var"), tuple(chain[1:].split(".")) if chain else (), offset)
        pipeline = Pipeline(offset, [reference.root], [reference])
        template.references.append(reference)
        pipes = m.group("pipes")
        if pipes:
            base = m.start("pipes")
            for word in _WORD.finditer(pipes):
                if word.group() not in functions:
                    return None
                template.functions.append((word.group(), base + word.start()))
                pipeline.words.append(word.group())
        template.pipelines.append(pipeline)
        template.has_actions = True
        start = text.find("{{", m.end())
    return template
