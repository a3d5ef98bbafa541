"""Go's text/template: one parser (`parse`), an evaluator (`execute`), Go's fmt verbs (`printf`), time
layouts (`gotime`) and html/template's contextual escaping (`escape`).

This module keeps the summary Prometheus rules need, built on that parser: how Prometheus parses alert
labels and annotations.

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

from obslint.gotemplate.parse import (
    KEYWORDS,
    ActionNode,
    BranchNode,
    ChainNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    Parser,
    PipeNode,
    StringNode,
    TemplateError,
    TemplateNode,
    VariableNode,
)

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


@functools.lru_cache(maxsize=None)
def prometheus_functions(version: tuple[int, int]) -> frozenset[str]:
    return GO_BUILTINS | (PROMETHEUS_FUNCTIONS_3 if version >= (3, 0) else PROMETHEUS_FUNCTIONS_2_42)


@dataclass
class Reference:
    """A variable or dot with a field chain: `$labels.x` is ("$labels", ("x",)); `.Labels.x` is
    (".", ("Labels", "x"))."""

    root: str
    fields: tuple[str, ...]
    offset: int


@dataclass
class Pipeline:
    """One pipeline: its commands' words (functions or operands) in order, and the references in it."""

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


class _Parser:
    """A Prometheus alert template read with the one Go-template parser (`parse.Parser`), its syntax
    tree then summarised as a Template: references, functions and pipelines in the order of the text."""

    def __init__(self, text: str, functions: frozenset[str], variables: tuple[str, ...]):
        self.text = text
        self.functions = functions
        self.variables = variables

    def parse(self) -> Template:
        parser = Parser("", self.text, self.functions, variables=self.variables)
        try:
            trees = parser.parse()
        except TemplateError as exc:
            exc.name = None  # rule files report the offset in the value, not a template name
            raise
        result = Template(self.text, has_actions=any(item.kind == "left" for item in parser.items))
        groups: list[tuple[int, list[Pipeline], list[Reference], list[tuple[str, int]]]] = []
        for tree in trees.values():
            self._list(tree.root, groups)
        groups.sort(key=lambda group: group[0])
        for _, pipelines, references, functions in groups:
            result.pipelines.extend(pipelines)
            result.references.extend(references)
            result.functions.extend(functions)
        return result

    def _list(self, node_list, groups) -> None:
        for node in node_list.nodes:
            if isinstance(node, ActionNode):
                groups.append(self._group(node.pipe))
            elif isinstance(node, BranchNode):
                groups.append(self._group(node.pipe))
                self._list(node.list, groups)
                if node.else_list is not None:
                    self._list(node.else_list, groups)
            elif isinstance(node, TemplateNode) and node.pipe is not None:
                groups.append(self._group(node.pipe))

    def _group(self, pipe: PipeNode):
        pipelines: list[Pipeline] = []
        references: list[Reference] = []
        functions: list[tuple[str, int]] = []
        self._pipeline(pipe, pipelines, references, functions)
        return pipe.pos, pipelines, references, functions

    def _pipeline(self, pipe: PipeNode, pipelines, references, functions) -> Pipeline:
        pipeline = Pipeline(pipe.pos)
        for command in pipe.cmds:
            for arg in command.args:
                self._operand(arg, pipeline, pipelines, references, functions)
        pipelines.append(pipeline)
        return pipeline

    def _operand(self, arg, pipeline: Pipeline, pipelines, references, functions) -> None:
        if isinstance(arg, ChainNode):  # (pipeline).field: the fields read from a result are no reference
            arg = arg.node
        if isinstance(arg, IdentifierNode):
            functions.append((arg.ident, arg.pos))
            pipeline.words.append(arg.ident)
        elif isinstance(arg, (VariableNode, FieldNode, DotNode)):
            if isinstance(arg, VariableNode):
                ref = Reference(arg.ident[0], tuple(arg.ident[1:]), arg.pos)
                word = arg.ident[0]
            elif isinstance(arg, FieldNode):
                ref = Reference(".", tuple(arg.ident), arg.pos)
                word = "." + arg.ident[0]
            else:
                ref = Reference(".", (), arg.pos)
                word = "."
            references.append(ref)
            pipeline.references.append(ref)
            pipeline.words.append(word)
        elif isinstance(arg, PipeNode):
            inner = self._pipeline(arg, pipelines, references, functions)
            pipeline.references.extend(inner.references)
            pipeline.words.append("(")
        elif isinstance(arg, StringNode):
            pipeline.words.append(arg.quoted)
        else:  # numbers, booleans, nil: `nil` as a command fails only when executed
            pipeline.words.append(str(arg))


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
    return (_parse_simple(text, functions, variables) or _parse_calls(text, functions, variables)
            or _Parser(text, functions, variables).parse())


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


# The second most common actions: function calls with variables and plain strings as arguments, piped
# on (`{{ printf "%.2f" $value }}`, `{{ $value | printf "%.1f%%" }}`, `{{ humanize $value }}`).
_CALL_ACTION = re.compile(r"\{\{(?:-(?=[ \t\r\n]))?(?P<body>.*?)(?:[ \t\r\n]-)?\}\}", re.S)
_CALL_TOKEN = re.compile(
    r"(?P<space>[ \t\r\n]+)"
    r"|(?P<var>\$[A-Za-z0-9_]*)(?P<fields>(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?![\w.])"
    r"|(?P<func>[A-Za-z_][A-Za-z0-9_]*)(?![\w.])"
    r'|(?P<string>"[^"\\\n]*")'
    r"|(?P<pipe>\|)"
)
_NOT_FUNCTIONS = KEYWORDS | {"true", "false", "nil"}


def _parse_calls(text: str, functions: frozenset[str], variables: tuple[str, ...]) -> Template | None:
    """The parse of a template whose actions are all calls of that kind (and valid), exactly as _Parser
    gives it; None for any other template."""
    start = text.find("{{")
    if start < 0:
        return None
    template = Template(text, has_actions=True)
    while start >= 0:
        m = _CALL_ACTION.match(text, start)
        if m is None:
            return None
        body_start, body_end = m.span("body")
        commands: list[list] = [[]]
        spaced = True
        pos = body_start
        while pos < body_end:
            t = _CALL_TOKEN.match(text, pos, body_end)
            if t is None:
                return None
            kind = t.lastgroup if t.lastgroup != "fields" else "var"
            if kind == "space":
                spaced = True
            elif kind == "pipe":
                commands.append([])
                spaced = True
            else:
                if not spaced:
                    return None
                commands[-1].append((kind, t))
                spaced = False
            pos = t.end()
        pipeline = None
        for i, command in enumerate(commands):
            if not command:
                return None
            first_kind = command[0][0]
            if first_kind == "func":
                pass
            elif i > 0 or len(command) > 1:
                return None
            for kind, t in command:
                if kind == "func":
                    if t is not command[0][1]:
                        return None
                    name = t.group("func")
                    if name not in functions or name in _NOT_FUNCTIONS:
                        return None
                    word, offset = name, t.start()
                elif kind == "var":
                    root = t.group("var")
                    if root not in variables:
                        return None
                    word, offset = root, t.start()
                    chain = t.group("fields")
                    reference = Reference(root, tuple(chain[1:].split(".")) if chain else (), offset)
                else:
                    word, offset = t.group("string"), t.start()
                if pipeline is None:
                    pipeline = Pipeline(offset)
                if kind == "func":
                    template.functions.append((word, offset))
                elif kind == "var":
                    template.references.append(reference)
                    pipeline.references.append(reference)
                pipeline.words.append(word)
        template.pipelines.append(pipeline)
        start = text.find("{{", m.end())
    return template
