"""Go's text/template language: a lexer and parser producing a full syntax tree with offsets.

It follows Go's text/template/parse (the rules, the checks made while parsing, and the order in which
errors are found), so that a template Go rejects is rejected here and one Go accepts gives the same
tree. Offsets are indexes in the Python string; `TemplateError` carries the offset of the problem and,
where the tree knows it, the template's name, from which messages say `name:line:col`.

Version differences of Go that matter to parsing are parameters (`go` is a (major, minor) tuple):
`{{else with}}` needs Go 1.23.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from obslint.gostrconv import parse_float, parse_int, unquote, unquote_char

KEYWORDS = frozenset("block break continue define else end if range template with".split())
SPACE_CHARS = " \t\r\n"
MAX_PAREN_DEPTH = 10000


class TemplateError(ValueError):
    """A template Go would refuse; `offset` is where, in the text that was parsed."""

    def __init__(self, message: str, offset: int, name: str | None = None, text: str | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.name = name
        self.text = text

    def location(self) -> str:
        """`name:line:col` (column in bytes from 0, as Go counts), or the name alone without a text."""
        if self.text is None:
            return self.name or ""
        line, col = line_col(self.text, self.offset)
        return f"{self.name or ''}:{line}:{col}"

    def __str__(self) -> str:
        if self.name is None:
            return self.message
        return f"template: {self.location()}: {self.message}"


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Go's position of an offset: line from 1, column in UTF-8 bytes from 0."""
    before = text[:offset]
    start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before[start:].encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------------------------------------- lexer

@dataclass(slots=True)
class Item:
    kind: str  # text left right space ident field var dot string rawstring number complex charconst char
    #            bool nil assign declare pipe lparen rparen eof error comment, or a keyword
    val: str
    pos: int

    def describe(self) -> str:
        """As Go's item String() shows a token in "unexpected X" messages."""
        if self.kind == "eof":
            return "EOF"
        if self.kind == "error":
            return self.val
        if self.kind in KEYWORDS:
            return f"<{self.val}>"
        if len(self.val) > 10:
            return f'"{self.val[:10]}"...'
        return '"' + self.val.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _is_alnum(c: str) -> bool:
    """Go's isAlphaNumeric: '_', a letter (unicode.IsLetter) or a decimal digit (unicode.IsDigit)."""
    if c < "\x80":
        return c == "_" or c.isalnum()
    return c.isalpha() or unicodedata.category(c) == "Nd"


# the common tokens of an action, matched in the regex engine; the rest take the character loop
_FAST = re.compile(
    r"(?P<right>}}|[ \t\r\n]-}})"
    r"|(?P<space>[ \t\r\n]+)(?!-}})"
    r"|(?P<var>\$[A-Za-z0-9_]*)(?=[ \t\r\n.,|:)(]|}})"
    r"|(?P<field>\.[A-Za-z_][A-Za-z0-9_]*)(?=[ \t\r\n.,|:)(]|}})"
    r"|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)(?=[ \t\r\n.,|:)(]|}})"
    r'|(?P<string>"(?:[^"\\\n]|\\[^\n])*")'
    r"|(?P<pipe>\|)"
)


class _Lexer:
    def __init__(self, text: str, break_ok: bool = True, continue_ok: bool = True):
        self.text = text
        self.items: list[Item] = []
        self.break_ok = break_ok
        self.continue_ok = continue_ok

    def error(self, message: str, pos: int) -> None:
        self.items.append(Item("error", message, pos))

    def run(self) -> list[Item]:
        text, items = self.text, self.items
        n = len(text)
        pos = 0
        while True:
            x = text.find("{{", pos)
            if x < 0:
                if pos < n:
                    items.append(Item("text", text[pos:], pos))
                return self.finish()
            end = x
            trim = text.startswith("-", x + 2) and x + 3 < n and text[x + 3] in SPACE_CHARS
            if trim:
                end = len(text[pos:x].rstrip(SPACE_CHARS)) + pos
            if end > pos:
                items.append(Item("text", text[pos:end], pos))
            after = x + (4 if trim else 2)
            if text.startswith("/*", after):
                pos = self.comment(x, after)
                if pos < 0:
                    return self.finish()
                continue
            items.append(Item("left", "{{", x))
            pos = self.action(after)
            if pos < 0:
                return self.finish()

    def finish(self) -> list[Item]:
        """The items end with EOF (after an error too), padded so that backing up past it is safe."""
        n = len(self.text)
        self.items.extend(Item("eof", "", n) for _ in range(4))
        return self.items

    def at_right(self, i: int) -> tuple[bool, bool]:
        text = self.text
        if text.startswith(" -}}", i) or text.startswith("\t-}}", i) or text.startswith("\r-}}", i) \
                or text.startswith("\n-}}", i):
            return True, True
        return text.startswith("}}", i), False

    def comment(self, start: int, i: int) -> int:
        text = self.text
        close = text.find("*/", i + 2)
        if close < 0:
            self.error("unclosed comment", start)
            return -1
        j = close + 2
        delim, trim = self.at_right(j)
        if not delim:
            self.error("comment ends before closing delimiter", start)
            return -1
        j += 4 if trim else 2
        if trim:
            while j < len(text) and text[j] in SPACE_CHARS:
                j += 1
        return j

    def right(self, i: int) -> int:
        """At a right delimiter (with or without trim marker): emit it, return where text resumes."""
        text = self.text
        _, trim = self.at_right(i)
        if trim:
            i += 2
        self.items.append(Item("right", "}}", i))
        i += 2
        if trim:
            while i < len(text) and text[i] in SPACE_CHARS:
                i += 1
        return i

    def at_terminator(self, i: int) -> bool:
        text = self.text
        if i >= len(text):
            return True
        c = text[i]
        return c in SPACE_CHARS or c in ".,|:)(" or text.startswith("}}", i)

    def action(self, i: int) -> int:
        text, items = self.text, self.items
        n = len(text)
        depth = 0
        fast = _FAST.match
        while True:
            m = fast(text, i)
            if m is not None:
                kind = m.lastgroup
                j = m.end()
                if kind == "right":
                    if depth == 0:
                        return self.right(i)
                    self.error("unclosed left paren", i)
                    return -1
                if kind == "space":
                    items.append(Item("space", text[i:j], i))
                elif kind == "ident":
                    word = text[i:j]
                    items.append(Item(self.word_kind(word), word, i))
                else:
                    items.append(Item(kind, text[i:j], i))
                i = j
                continue
            if i >= n:
                self.error("unclosed action", i)
                return -1
            c = text[i]
            if c in SPACE_CHARS:
                j = i
                while j < n and text[j] in SPACE_CHARS:
                    j += 1
                # a trim-marked delimiter after the spaces: the last space belongs to it
                if text.startswith("-}}", j):
                    if j - i == 1:
                        continue  # handled by the delimiter check at the top
                    j -= 1
                items.append(Item("space", text[i:j], i))
                i = j
            elif c == "=":
                items.append(Item("assign", "=", i))
                i += 1
            elif c == ":":
                if not text.startswith(":=", i):
                    self.error("expected :=", i)
                    return -1
                items.append(Item("declare", ":=", i))
                i += 2
            elif c == "|":
                items.append(Item("pipe", "|", i))
                i += 1
            elif c == '"':
                j = i + 1
                while True:
                    if j >= n or text[j] == "\n":
                        self.error("unterminated quoted string", i)
                        return -1
                    if text[j] == "\\":
                        if j + 1 >= n or text[j + 1] == "\n":
                            self.error("unterminated quoted string", i)
                            return -1
                        j += 2
                        continue
                    if text[j] == '"':
                        break
                    j += 1
                items.append(Item("string", text[i:j + 1], i))
                i = j + 1
            elif c == "`":
                j = text.find("`", i + 1)
                if j < 0:
                    self.error("unterminated raw quoted string", i)
                    return -1
                items.append(Item("rawstring", text[i:j + 1], i))
                i = j + 1
            elif c == "$":
                i = self.field_or_variable(i, "var")
                if i < 0:
                    return -1
            elif c == "'":
                j = i + 1
                while True:
                    if j >= n or text[j] == "\n":
                        self.error("unterminated character constant", i)
                        return -1
                    if text[j] == "\\":
                        if j + 1 >= n or text[j + 1] == "\n":
                            self.error("unterminated character constant", i)
                            return -1
                        j += 2
                        continue
                    if text[j] == "'":
                        break
                    j += 1
                items.append(Item("charconst", text[i:j + 1], i))
                i = j + 1
            elif c == "." and not (i + 1 < n and text[i + 1].isdigit() and text[i + 1] <= "9"):
                i = self.field_or_variable(i, "field")
                if i < 0:
                    return -1
            elif c in "+-." or "0" <= c <= "9":
                i = self.number(i)
                if i < 0:
                    return -1
            elif _is_alnum(c):
                j = i
                while j < n and _is_alnum(text[j]):
                    j += 1
                if not self.at_terminator(j):
                    self.error(f"bad character {_rune(text[j])}", j)
                    return -1
                word = text[i:j]
                items.append(Item(self.word_kind(word), word, i))
                i = j
            elif c == "(":
                depth += 1
                items.append(Item("lparen", "(", i))
                i += 1
            elif c == ")":
                depth -= 1
                if depth < 0:
                    self.error("unexpected right paren", i)
                    return -1
                items.append(Item("rparen", ")", i))
                i += 1
            elif ord(c) < 128 and c.isprintable():
                items.append(Item("char", c, i))
                i += 1
            else:
                self.error(f"unrecognized character in action: {_rune(c)}", i)
                return -1

    def word_kind(self, word: str) -> str:
        if word in KEYWORDS:
            if (word == "break" and not self.break_ok) or (word == "continue" and not self.continue_ok):
                return "ident"
            return word
        if word == "true" or word == "false":
            return "bool"
        if word == "nil":
            return "nil"
        return "ident"

    def field_or_variable(self, i: int, kind: str) -> int:
        text = self.text
        j = i + 1
        if self.at_terminator(j):
            self.items.append(Item("var" if kind == "var" else "dot", text[i:j], i))
            return j
        n = len(text)
        while j < n and _is_alnum(text[j]):
            j += 1
        if not self.at_terminator(j):
            self.error(f"bad character {_rune(text[j])}", j)
            return -1
        self.items.append(Item(kind, text[i:j], i))
        return j

    def scan_number(self, i: int) -> tuple[int, bool]:
        text, n = self.text, len(self.text)

        def accept(j, chars):
            return (j + 1, True) if j < n and text[j] in chars else (j, False)

        def run(j, chars):
            while j < n and text[j] in chars:
                j += 1
            return j

        j, _ = accept(i, "+-")
        digits = "0123456789_"
        j, zero = accept(j, "0")
        if zero:
            for prefix, ds in (("xX", "0123456789abcdefABCDEF_"), ("oO", "01234567_"), ("bB", "01_")):
                j, ok = accept(j, prefix)
                if ok:
                    digits = ds
                    break
        j = run(j, digits)
        j, dot = accept(j, ".")
        if dot:
            j = run(j, digits)
        if len(digits) == 11:
            j, e = accept(j, "eE")
            if e:
                j, _ = accept(j, "+-")
                j = run(j, "0123456789_")
        if len(digits) == 23:
            j, p = accept(j, "pP")
            if p:
                j, _ = accept(j, "+-")
                j = run(j, "0123456789_")
        j, _ = accept(j, "i")
        if j < n and _is_alnum(text[j]):
            return j + 1, False
        return j, True

    def number(self, i: int) -> int:
        j, ok = self.scan_number(i)
        if not ok:
            self.error(f"bad number syntax: {_go_quote(self.text[i:j])}", i)
            return -1
        if j < len(self.text) and self.text[j] in "+-":
            k, ok = self.scan_number(j)
            if not ok or self.text[k - 1] != "i":
                self.error(f"bad number syntax: {_go_quote(self.text[i:k])}", i)
                return -1
            self.items.append(Item("complex", self.text[i:k], i))
            return k
        self.items.append(Item("number", self.text[i:j], i))
        return j


def _rune(c: str) -> str:
    return f"U+{ord(c):04X} {_go_char_quote(c)}" if c.isprintable() else f"U+{ord(c):04X}"


def _go_char_quote(c: str) -> str:
    return "'" + ("\\'" if c == "'" else "\\\\" if c == "\\" else c) + "'"


def _go_quote(s: str) -> str:
    from obslint.gotemplate.printf import go_quote
    return go_quote(s)


def lex(text: str) -> list[Item]:
    return _Lexer(text).run()


# --------------------------------------------------------------------------------------------- nodes

@dataclass(eq=False)
class Node:
    pos: int


@dataclass(eq=False)
class TextNode(Node):
    text: str

    def __str__(self):
        return f"{self.text!r}"


@dataclass(eq=False)
class CommentNode(Node):
    text: str

    def __str__(self):
        return "{{" + self.text + "}}"


@dataclass(eq=False)
class ListNode(Node):
    nodes: list[Node] = field(default_factory=list)

    def __str__(self):
        return "".join(str(n) for n in self.nodes)


@dataclass(eq=False)
class IdentifierNode(Node):
    ident: str

    def __str__(self):
        return self.ident


@dataclass(eq=False)
class VariableNode(Node):
    ident: list[str]  # ["$x", "Field", ...]

    def __str__(self):
        return ".".join(self.ident)


@dataclass(eq=False)
class DotNode(Node):
    def __str__(self):
        return "."


@dataclass(eq=False)
class NilNode(Node):
    def __str__(self):
        return "nil"


@dataclass(eq=False)
class FieldNode(Node):
    ident: list[str]

    def __str__(self):
        return "".join("." + i for i in self.ident)


@dataclass(eq=False)
class ChainNode(Node):
    node: Node
    fields: list[str]

    def __str__(self):
        inner = str(self.node)
        if isinstance(self.node, PipeNode):
            inner = "(" + inner + ")"
        return inner + "".join("." + f for f in self.fields)


@dataclass(eq=False)
class BoolNode(Node):
    value: bool

    def __str__(self):
        return "true" if self.value else "false"


@dataclass(eq=False)
class NumberNode(Node):
    text: str
    is_int: bool = False
    is_uint: bool = False
    is_float: bool = False
    is_complex: bool = False
    int64: int = 0
    uint64: int = 0
    float64: float = 0.0
    complex128: complex = 0j

    def __str__(self):
        return self.text


@dataclass(eq=False)
class StringNode(Node):
    quoted: str
    text: str

    def __str__(self):
        return self.quoted


@dataclass(eq=False)
class CommandNode(Node):
    args: list[Node] = field(default_factory=list)

    def __str__(self):
        out = []
        for arg in self.args:
            out.append("(" + str(arg) + ")" if isinstance(arg, PipeNode) else str(arg))
        return " ".join(out)


@dataclass(eq=False)
class PipeNode(Node):
    is_assign: bool = False
    decl: list[VariableNode] = field(default_factory=list)
    cmds: list[CommandNode] = field(default_factory=list)

    def __str__(self):
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return s + " | ".join(str(c) for c in self.cmds)


@dataclass(eq=False)
class ActionNode(Node):
    pipe: PipeNode

    def __str__(self):
        return "{{" + str(self.pipe) + "}}"


@dataclass(eq=False)
class BranchNode(Node):
    pipe: PipeNode
    list: ListNode
    else_list: ListNode | None
    keyword = ""

    def __str__(self):
        s = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.list)
        if self.else_list is not None:
            s += "{{else}}" + str(self.else_list)
        return s + "{{end}}"


class IfNode(BranchNode):
    keyword = "if"


class RangeNode(BranchNode):
    keyword = "range"


class WithNode(BranchNode):
    keyword = "with"


@dataclass(eq=False)
class BreakNode(Node):
    def __str__(self):
        return "{{break}}"


@dataclass(eq=False)
class ContinueNode(Node):
    def __str__(self):
        return "{{continue}}"


@dataclass(eq=False)
class TemplateNode(Node):
    name: str
    pipe: PipeNode | None

    def __str__(self):
        q = '"' + self.name + '"'
        return "{{template " + q + (" " + str(self.pipe) if self.pipe else "") + "}}"


@dataclass(eq=False)
class _End(Node):
    def __str__(self):
        return "{{end}}"


@dataclass(eq=False)
class _Else(Node):
    def __str__(self):
        return "{{else}}"


@dataclass(eq=False)
class Tree:
    """One named template: its root list, the name of what was parsed and that text (for positions)."""

    name: str
    root: ListNode | None
    parse_name: str
    text: str


def is_empty_tree(node: Node | None) -> bool:
    if node is None or isinstance(node, CommentNode):
        return True
    if isinstance(node, ListNode):
        return all(is_empty_tree(n) for n in node.nodes)
    if isinstance(node, TextNode):
        return not go_trim_space(node.text)
    return False


_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000"


def go_trim_space(s: str) -> str:
    """strings.TrimSpace: strips what unicode.IsSpace calls space."""
    return s.strip(_GO_SPACE)


# -------------------------------------------------------------------------------------------- parser

def new_number(pos: int, text: str, kind: str) -> NumberNode:
    n = NumberNode(pos, text)
    if kind == "charconst":
        try:
            ch, end = unquote_char(text[1:], 0, "'")
        except (ValueError, IndexError):
            raise ValueError("invalid syntax") from None
        if text[1:][end:] != "'":
            raise ValueError(f"malformed character constant: {text}")
        r = ord(ch)
        n.int64 = n.uint64 = r
        n.float64 = float(r)
        n.is_int = n.is_uint = n.is_float = True
        return n
    if kind == "complex":
        m = re.fullmatch(r"([+-]?[0-9._eExXpPa-fA-F]+?)([+-][0-9._eExXpPa-fA-F]*)i", text)
        if not m:
            raise ValueError("expected integer")
        n.is_complex = True
        n.complex128 = complex(parse_float(m.group(1)), parse_float(m.group(2)))
        _simplify_complex(n)
        return n
    if text.endswith("i"):
        try:
            f = parse_float(text[:-1])
        except ValueError:
            pass
        else:
            n.is_complex = True
            n.complex128 = complex(0, f)
            _simplify_complex(n)
            return n
    u = None
    try:
        u = parse_int(text, unsigned=True)
        n.is_uint, n.uint64 = True, u
    except ValueError:
        pass
    try:
        i = parse_int(text)
        n.is_int, n.int64 = True, i
        if i == 0:
            n.is_uint, n.uint64 = True, (u or 0)
    except ValueError:
        pass
    if n.is_int:
        n.is_float, n.float64 = True, float(n.int64)
    elif n.is_uint:
        n.is_float, n.float64 = True, float(n.uint64)
    else:
        try:
            f = parse_float(text)
        except (ValueError, OverflowError):
            pass
        else:
            if not any(c in text for c in ".eEpP"):
                raise ValueError(f"integer overflow: {_go_quote(text)}")
            n.is_float, n.float64 = True, f
            if f == f and abs(f) != float("inf"):
                if -(2 ** 63) <= f < 2 ** 63 and float(int(f)) == f:
                    n.is_int, n.int64 = True, int(f)
                if 0 <= f < 2 ** 64 and float(int(f)) == f:
                    n.is_uint, n.uint64 = True, int(f)
    if not (n.is_int or n.is_uint or n.is_float):
        raise ValueError(f"illegal number syntax: {_go_quote(text)}")
    return n


def _simplify_complex(n: NumberNode) -> None:
    c = n.complex128
    if c.imag == 0:
        n.is_float, n.float64 = True, c.real
        if float(int(c.real)) == c.real and -(2 ** 63) <= c.real < 2 ** 63:
            n.is_int, n.int64 = True, int(c.real)
        if float(int(c.real)) == c.real and 0 <= c.real < 2 ** 64:
            n.is_uint, n.uint64 = True, int(c.real)


class Parser:
    """Parses one text into trees (the top-level one named `name`, and one per define/block).

    `functions` is the set of function names the template may call (Go checks them while parsing);
    `variables` the variables visible at the top level besides `$` (Prometheus declares some)."""

    def __init__(self, name: str, text: str, functions, go: tuple[int, int] = (1, 26),
                 variables: tuple[str, ...] = ("$",)):
        self.name = name
        self.text = text
        self.functions = functions
        self.go = go
        self.items = _Lexer(text, "break" not in functions, "continue" not in functions).run()
        self.last = len(self.items) - 1
        self.i = 0
        self.trees: dict[str, Tree] = {}
        self.vars: list[str] = list(variables) if "$" in variables else ["$", *variables]
        self.range_depth = 0
        self.paren_depth = 0
        self.tree_name = name

    # tokens
    def next(self) -> Item:
        i = self.i
        item = self.items[i]
        if i < self.last:
            self.i = i + 1
        return item

    def peek(self) -> Item:
        return self.items[self.i]

    def next_non_space(self) -> Item:
        while self.items[self.i].kind == "space":
            self.i += 1
        return self.next()

    def peek_non_space(self) -> Item:
        j = self.i
        while self.items[j].kind == "space":
            j += 1
        self.i = j
        return self.items[j]

    def backup(self) -> None:
        self.i -= 1

    def fail(self, message: str, pos: int):
        raise TemplateError(message, pos, self.name, self.text)

    def unexpected(self, item: Item, context: str):
        if item.kind == "error":
            self.fail(item.val, item.pos)
        self.fail(f"unexpected {item.describe()} in {context}", item.pos)

    def expect(self, kind: str, context: str) -> Item:
        item = self.next_non_space()
        if item.kind != kind:
            self.unexpected(item, context)
        return item

    # structure
    def parse(self) -> dict[str, Tree]:
        root = ListNode(self.peek().pos)
        while self.peek().kind != "eof":
            item = self.peek()
            if item.kind == "left":
                save = self.i
                self.next()
                if self.next_non_space().kind == "define":
                    self.parse_definition()
                    continue
                self.i = save
            node = self.text_or_action()
            if isinstance(node, (_End, _Else)):
                self.fail(f"unexpected {node}", node.pos)
            root.nodes.append(node)
        self.add(Tree(self.name, root, self.name, self.text), self.peek().pos)
        return self.trees

    def add(self, tree: Tree, pos: int) -> None:
        old = self.trees.get(tree.name)
        if old is None or is_empty_tree(old.root):
            self.trees[tree.name] = tree
            return
        if not is_empty_tree(tree.root):
            self.fail(f"template: multiple definition of template {_go_quote(tree.name)}", pos)

    def sub_tree(self, name: str, context: str) -> Tree:
        """The body of a define or block, parsed with a fresh variable scope."""
        saved = self.vars, self.range_depth
        self.vars, self.range_depth = ["$"], 0
        root, end = self.item_list()
        self.vars, self.range_depth = saved
        if not isinstance(end, _End):
            self.fail(f"unexpected {end} in {context}", end.pos)
        return Tree(name, root, self.name, self.text)

    def parse_definition(self) -> None:
        context = "define clause"
        item = self.next_non_space()
        if item.kind not in ("string", "rawstring"):
            self.unexpected(item, context)
        try:
            name = unquote(item.val)
        except ValueError:
            self.fail("invalid syntax", item.pos)
        self.expect("right", context)
        tree = self.sub_tree(name, context)
        self.add(tree, item.pos)

    def item_list(self) -> tuple[ListNode, Node]:
        node_list = ListNode(self.peek_non_space().pos)
        while self.peek_non_space().kind != "eof":
            n = self.text_or_action()
            if isinstance(n, (_End, _Else)):
                return node_list, n
            node_list.nodes.append(n)
        self.fail("unexpected EOF", self.peek().pos)

    def text_or_action(self) -> Node:
        item = self.next_non_space()
        if item.kind == "text":
            return TextNode(item.pos, item.val)
        if item.kind == "left":
            return self.action()
        if item.kind == "comment":
            return CommentNode(item.pos, item.val)
        self.unexpected(item, "input")

    def action(self) -> Node:
        item = self.next_non_space()
        kind = item.kind
        if kind == "block":
            return self.block_control()
        if kind in ("break", "continue"):
            after = self.next_non_space()
            if after.kind != "right":
                self.unexpected(after, "{{" + kind + "}}")
            if self.range_depth == 0:
                self.fail("{{" + kind + "}} outside {{range}}", item.pos)
            return BreakNode(item.pos) if kind == "break" else ContinueNode(item.pos)
        if kind == "else":
            peek = self.peek_non_space()
            if peek.kind == "if" or (peek.kind == "with" and self.go >= (1, 23)):
                return _Else(peek.pos)
            end = self.expect("right", "else")
            return _Else(end.pos)
        if kind == "end":
            end = self.expect("right", "end")
            return _End(end.pos)
        if kind in ("if", "range", "with"):
            return self.control(kind)
        if kind == "template":
            return self.template_control()
        self.backup()
        item = self.peek()
        return ActionNode(item.pos, self.pipeline("command", "right"))

    def pipeline(self, context: str, end: str) -> PipeNode:
        item = self.peek_non_space()
        pipe = PipeNode(item.pos)
        while True:  # declarations
            v = self.peek_non_space()
            if v.kind != "var":
                break
            at_var = self.i
            self.next()
            nxt = self.peek_non_space()
            if nxt.kind in ("assign", "declare"):
                pipe.is_assign = nxt.kind == "assign"
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, [v.val]))
                self.vars.append(v.val)
            elif nxt.kind == "char" and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, [v.val]))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().kind in ("var", "right", "rparen"):
                        continue
                    self.fail("range can only initialize variables", nxt.pos)
                self.fail(f"too many declarations in {context}", nxt.pos)
            else:
                self.i = at_var  # not a declaration: the variable starts the first command
            break
        while True:
            item = self.next_non_space()
            if item.kind == end:
                self.check_pipeline(pipe, context, item)
                return pipe
            if item.kind in ("bool", "charconst", "complex", "dot", "field", "ident", "number", "nil",
                             "rawstring", "string", "var", "lparen"):
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(item, context)

    def check_pipeline(self, pipe: PipeNode, context: str, item: Item) -> None:
        if not pipe.cmds:
            self.fail(f"missing value for {context}", item.pos)
        for i, cmd in enumerate(pipe.cmds[1:]):
            if isinstance(cmd.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                self.fail(f"non executable command in pipeline stage {i + 2}", cmd.pos)

    def control(self, context: str) -> Node:
        mark = len(self.vars)
        pipe = self.pipeline(context, "right")
        if context == "range":
            self.range_depth += 1
        node_list, nxt = self.item_list()
        if context == "range":
            self.range_depth -= 1
        else_list = None
        if isinstance(nxt, _Else):
            peek = self.peek()
            if context == "if" and peek.kind == "if":
                self.next()
                else_list = ListNode(nxt.pos, [self.control("if")])
            elif context == "with" and peek.kind == "with" and self.go >= (1, 23):
                self.next()
                else_list = ListNode(nxt.pos, [self.control("with")])
            else:
                else_list, nxt = self.item_list()
                if not isinstance(nxt, _End):
                    self.fail(f"expected end; found {nxt}", nxt.pos)
        del self.vars[mark:]
        cls = {"if": IfNode, "range": RangeNode, "with": WithNode}[context]
        return cls(pipe.pos, pipe, node_list, else_list)

    def template_name(self, item: Item, context: str) -> str:
        if item.kind in ("string", "rawstring"):
            try:
                return unquote(item.val)
            except ValueError:
                self.fail("invalid syntax", item.pos)
        self.unexpected(item, context)

    def block_control(self) -> Node:
        context = "block clause"
        item = self.next_non_space()
        name = self.template_name(item, context)
        pipe = self.pipeline(context, "right")
        tree = self.sub_tree(name, context)
        self.add(tree, item.pos)
        return TemplateNode(item.pos, name, pipe)

    def template_control(self) -> Node:
        context = "template clause"
        item = self.next_non_space()
        name = self.template_name(item, context)
        pipe = None
        if self.next_non_space().kind != "right":
            self.backup()
            pipe = self.pipeline(context, "right")
        return TemplateNode(item.pos, name, pipe)

    def command(self) -> CommandNode:
        cmd = CommandNode(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            item = self.next()
            if item.kind == "space":
                continue
            if item.kind in ("right", "rparen"):
                self.backup()
            elif item.kind == "pipe":
                pass
            else:
                self.unexpected(item, "operand")
            break
        if not cmd.args:
            self.fail("empty command", cmd.pos)
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().kind == "field":
            chain_pos = self.peek().pos
            fields = []
            while self.peek().kind == "field":
                fields.append(self.next().val[1:])
            if isinstance(node, FieldNode):
                return FieldNode(node.pos, node.ident + fields)
            if isinstance(node, VariableNode):
                return VariableNode(node.pos, node.ident + fields)
            if isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                self.fail(f"unexpected . after term {_go_quote(str(node))}", chain_pos)
            return ChainNode(chain_pos, node, fields)
        return node

    def term(self) -> Node | None:
        item = self.next_non_space()
        kind = item.kind
        if kind == "ident":
            if item.val not in self.functions:
                self.fail(f"function {_go_quote(item.val)} not defined", item.pos)
            return IdentifierNode(item.pos, item.val)
        if kind == "dot":
            return DotNode(item.pos)
        if kind == "nil":
            return NilNode(item.pos)
        if kind == "var":
            if item.val not in self.vars:
                self.fail(f"undefined variable {_go_quote(item.val)}", item.pos)
            return VariableNode(item.pos, [item.val])
        if kind == "field":
            return FieldNode(item.pos, [item.val[1:]])
        if kind == "bool":
            return BoolNode(item.pos, item.val == "true")
        if kind in ("charconst", "complex", "number"):
            try:
                return new_number(item.pos, item.val, kind)
            except ValueError as exc:
                self.fail(str(exc), item.pos)
        if kind == "lparen":
            if self.paren_depth >= MAX_PAREN_DEPTH:
                self.fail("max expression depth exceeded", item.pos)
            self.paren_depth += 1
            try:
                pipe = self.pipeline("parenthesized pipeline", "rparen")
            finally:
                self.paren_depth -= 1
            pipe.pos = item.pos  # at the parenthesis (Go: at the first token inside)
            return pipe
        if kind in ("string", "rawstring"):
            try:
                return StringNode(item.pos, item.val, unquote(item.val))
            except ValueError:
                self.fail("invalid syntax", item.pos)
        self.backup()
        return None


def parse(name: str, text: str, functions, go: tuple[int, int] = (1, 26),
          variables: tuple[str, ...] = ("$",)) -> dict[str, Tree]:
    """Go's parse.Parse: the trees of `text`, keyed by name; raises TemplateError."""
    return Parser(name, text, functions, go, variables).parse()
