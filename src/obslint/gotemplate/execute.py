"""The evaluator of Go's text/template: a set of named trees executed against Go values.

It follows text/template's exec.go and funcs.go: evaluation of pipelines, commands, fields, methods and
functions with Go's argument checks (a literal must suit the parameter, a value must be assignable to
it), truth, range over slices, maps (sorted keys) and integers, variables and their scopes, break and
continue, template calls, the missingkey option, printing with fmt, and the builtins (and, or, not,
len, index, slice, print, printf, println, html, js, urlquery, eq, ne, lt, le, gt, ge, call). Errors
are raised as ExecError naming the template, the line:col of the node and what Go would say.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from obslint.gotemplate import parse as P
from obslint.gotemplate.parse import TemplateError
from obslint.gotemplate.printf import _Flags, sprint, sprint_value, sprintf, sprintln
from obslint.gotemplate.values import (
    ANY,
    BOOL,
    INT,
    INT_KINDS,
    NIL,
    REFLECT_VALUE,
    STRING,
    UINT_KINDS,
    GoError,
    GoFunc,
    GoMap,
    GoSlice,
    GoStruct,
    GoType,
    from_bytes,
    go_len,
    is_true,
    kind_of,
    to_bytes,
    type_name,
    type_of,
)


class ExecError(TemplateError):
    """An error while executing: `name` is the parse name, `offset` the node's place in `text`."""


class _Missing:
    def __repr__(self):
        return "<missing>"


MISSING = _Missing()  # no value piped into a command


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def can_be_nil(t: GoType | None) -> bool:
    return t is None or t is REFLECT_VALUE or t.kind in ("slice", "map", "interface", "ptr", "func")


def zero_value(t: GoType) -> Any:
    if t is REFLECT_VALUE or t.kind == "interface":
        return None
    if t.kind == "slice":
        return GoSlice([], t, nil=True)
    if t.kind == "map":
        return GoMap({}, t, nil=True)
    if t.kind == "string":
        return "" if t is STRING else P_named_str("", t)
    if t.kind == "bool":
        return False
    if t.kind in INT_KINDS or t.kind in UINT_KINDS:
        return 0 if t is INT else P_named_int(0, t)
    if t.kind == "float64":
        return 0.0
    if t.kind == "struct" and t.zero is not None:
        return t.zero()
    return None


def P_named_str(s: str, t: GoType):
    from obslint.gotemplate.values import GoStr
    return GoStr(s, t)


def P_named_int(i: int, t: GoType):
    from obslint.gotemplate.values import GoInt
    return GoInt(i, t)


GoType.zero = None  # a struct type may give a factory of its zero value


# ------------------------------------------------------------------------------------------ builtins

def _truth(v: Any) -> bool:
    return is_true(None if v is NIL else v)[0]


def _basic_kind(v: Any) -> str:
    k = kind_of(v)
    if k == "bool":
        return "bool"
    if k in INT_KINDS:
        return "int"
    if k in UINT_KINDS:
        return "uint"
    if k == "float64":
        return "float"
    if k == "complex128":
        return "complex"
    if k == "string":
        return "string"
    return "invalid"


def _is_nil(v: Any) -> bool:
    return v is None or v is NIL


def _comparable(v: Any) -> bool:
    t = type_of(v)
    if t is None:
        return True
    if t.kind in ("slice", "map", "func"):
        return False
    if isinstance(v, GoStruct):
        return t.comparable and all(_comparable(x) for x in v.values.values())
    return t.comparable


def builtin_eq(arg1: Any, *arg2: Any) -> bool:
    arg1 = None if arg1 is NIL else arg1
    if not arg2:
        raise GoError("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for arg in arg2:
        arg = None if arg is NIL else arg
        k2 = _basic_kind(arg)
        truth = False
        if k1 != k2:
            if k1 == "int" and k2 == "uint":
                truth = arg1 >= 0 and arg1 == arg
            elif k1 == "uint" and k2 == "int":
                truth = arg >= 0 and arg1 == arg
            elif arg1 is not None and arg is not None:
                raise GoError(f"incompatible types for comparison: {type_name(arg1)} and {type_name(arg)}")
        elif k1 == "string":
            truth = to_bytes(arg1) == to_bytes(arg)
        elif k1 != "invalid":
            truth = arg1 == arg
        else:
            kind1, kind2 = kind_of(arg1), kind_of(arg)
            if kind1 != kind2 and kind1 != "invalid" and kind2 != "invalid":
                raise GoError(f"non-comparable types {sprint(arg1)}: {type_name(arg1)}, {type_name(arg)}: "
                              f"{sprint(arg)}")
            if _is_nil(arg1) or _is_nil(arg):
                truth = _is_nil(arg) == _is_nil(arg1)
            else:
                if not _comparable(arg):
                    raise GoError(f"non-comparable type {sprint(arg)}: {type_name(arg)}")
                truth = type_of(arg1) is type_of(arg) and arg1 == arg
        if truth:
            return True
    return False


def builtin_ne(a: Any, b: Any) -> bool:
    return not builtin_eq(a, b)


def builtin_lt(a: Any, b: Any) -> bool:
    a = None if a is NIL else a
    b = None if b is NIL else b
    k1 = _basic_kind(a)
    if k1 == "invalid":
        raise GoError("invalid type for comparison")
    k2 = _basic_kind(b)
    if k2 == "invalid":
        raise GoError("invalid type for comparison")
    if k1 != k2:
        if k1 == "int" and k2 == "uint":
            return a < 0 or a < b
        if k1 == "uint" and k2 == "int":
            return b >= 0 and a < b
        raise GoError(f"incompatible types for comparison: {type_name(a)} and {type_name(b)}")
    if k1 in ("bool", "complex"):
        raise GoError("invalid type for comparison")
    if k1 == "string":
        return to_bytes(a) < to_bytes(b)
    return a < b


def builtin_le(a: Any, b: Any) -> bool:
    return builtin_lt(a, b) or builtin_eq(a, b)


def builtin_gt(a: Any, b: Any) -> bool:
    return not builtin_le(a, b)


def builtin_ge(a: Any, b: Any) -> bool:
    return not builtin_lt(a, b)


def builtin_not(a: Any) -> bool:
    return not _truth(a)


def builtin_len(item: Any) -> int:
    if item is NIL:
        raise GoError("len of nil pointer")
    k = kind_of(item)
    if k in ("slice", "map", "string"):
        return go_len(item)
    if item is None:
        raise GoError("len of type %!s(<nil>)")
    raise GoError(f"len of type {type_name(item)}")


def _index_arg(index: Any, cap: int) -> int:
    k = kind_of(index)
    if k in INT_KINDS or k in UINT_KINDS:
        x = int(index)
    elif k == "invalid":
        raise GoError("cannot index slice/array with nil")
    else:
        raise GoError(f"cannot index slice/array with type {type_name(index)}")
    if x < 0 or x > cap:
        raise GoError(f"index out of range: {x}")
    return x


def builtin_index(item: Any, *indexes: Any) -> Any:
    item = None if item is NIL else item
    if item is None:
        raise GoError("index of untyped nil")
    for index in indexes:
        index = None if index is NIL else index
        if item is NIL or item is None:
            raise GoError("index of nil pointer")
        t = type_of(item)
        if t.kind in ("slice", "string"):
            n = go_len(item)
            x = _index_arg(index, n)
            if x == n:
                raise GoError(f"index out of range: {x}")
            if t.kind == "string":
                b = to_bytes(item)
                from obslint.gotemplate.values import UINT8, GoInt
                item = GoInt(b[x], UINT8)
            else:
                item = item[x]
                if t.elem is not None and t.elem.kind == "interface" and item is None:
                    item = NIL
        elif t.kind == "map":
            if index is None:
                key = zero_value(t.key)
                if key is None and t.key.kind != "interface":
                    raise GoError("value is nil; should be of type " + t.key.name)
            else:
                kt = type_of(index)
                if not kt.assignable_to(t.key):
                    raise GoError(f"value has type {kt.name}; should be {t.key.name}")
                key = index
            if key in item:
                item = item[key]
                if t.elem.kind == "interface" and item is None:
                    item = NIL
            else:
                item = zero_value(t.elem)
                if item is None and t.elem.kind == "interface":
                    item = NIL
        else:
            raise GoError(f"can't index item of type {t.name}")
    return item


def builtin_slice(item: Any, *indexes: Any) -> Any:
    item = None if item is NIL else item
    if item is None:
        raise GoError("slice of untyped nil")
    if len(indexes) > 3:
        raise GoError(f"too many slice indexes: {len(indexes)}")
    t = type_of(item)
    if t.kind == "string":
        if len(indexes) == 3:
            raise GoError("cannot 3-index slice a string")
        cap = go_len(item)
    elif t.kind == "slice":
        cap = len(item)
    else:
        raise GoError(f"can't slice item of type {t.name}")
    idx = [0, go_len(item), None]
    for i, index in enumerate(indexes):
        idx[i] = _index_arg(None if index is NIL else index, cap)
    if idx[0] > idx[1]:
        raise GoError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise GoError(f"invalid slice index: {idx[1]} > {idx[2]}")
    if t.kind == "string":
        out = from_bytes(to_bytes(item)[idx[0]:idx[1]])
        return out if type(item) is str else P_named_str(out, t)
    return GoSlice(item[idx[0]:idx[1]], t)


def _eval_args(args: tuple) -> str:
    """text/template's evalArgs: one string as it is; else each value as the template would print it
    (nil as <no value>), joined as fmt.Sprint joins."""
    if len(args) == 1 and type(args[0]) is str:
        return args[0]
    return sprint(*("<no value>" if a is None or a is NIL else a for a in args))


def html_escape_string(s: str) -> str:
    """text/template's HTMLEscapeString."""
    if not any(c in s for c in "\"'&<>\0"):
        return s
    return (s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("\0", "\ufffd"))


def js_escape_string(s: str) -> str:
    """text/template's JSEscapeString."""
    out = []
    for c in s:
        o = ord(c)
        if c == "\\":
            out.append("\\\\")
        elif c == "'":
            out.append("\\'")
        elif c == '"':
            out.append('\\"')
        elif c == "<":
            out.append("\\u003C")
        elif c == ">":
            out.append("\\u003E")
        elif c == "&":
            out.append("\\u0026")
        elif c == "=":
            out.append("\\u003D")
        elif o < 0x20:
            out.append(f"\\u{o:04X}")
        elif o < 0x80 or (c.isprintable() and not 0xDC80 <= o <= 0xDCFF):
            out.append(c)
        elif 0xDC80 <= o <= 0xDCFF:
            out.append("\\uFFFD")
        else:
            out.append(f"\\u{o:04X}")
    return "".join(out)


def query_escape(s: str) -> str:
    """net/url's QueryEscape."""
    out = []
    for b in to_bytes(s):
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "-_.~"):
            out.append(c)
        elif c == " ":
            out.append("+")
        else:
            out.append(f"%{b:02X}")
    return "".join(out)


def _builtin(name, params, result, impl, variadic=False, returns_error=False):
    return GoFunc(name, params, result, impl, variadic=variadic, returns_error=returns_error, builtin=True)


RV = REFLECT_VALUE
BUILTINS: dict[str, GoFunc] = {
    "and": _builtin("and", (RV, RV), RV, None, variadic=True),
    "or": _builtin("or", (RV, RV), RV, None, variadic=True),
    "not": _builtin("not", (RV,), BOOL, builtin_not),
    "len": _builtin("len", (RV,), INT, builtin_len, returns_error=True),
    "index": _builtin("index", (RV, RV), RV, builtin_index, variadic=True, returns_error=True),
    "slice": _builtin("slice", (RV, RV), RV, builtin_slice, variadic=True, returns_error=True),
    "print": _builtin("print", (ANY,), STRING, lambda *a: sprint(*a), variadic=True),
    "printf": _builtin("printf", (STRING, ANY), STRING, lambda f, *a: sprintf(f, *a), variadic=True),
    "println": _builtin("println", (ANY,), STRING, lambda *a: sprintln(*a), variadic=True),
    "html": _builtin("html", (ANY,), STRING, lambda *a: html_escape_string(_eval_args(a)), variadic=True),
    "js": _builtin("js", (ANY,), STRING, lambda *a: js_escape_string(_eval_args(a)), variadic=True),
    "urlquery": _builtin("urlquery", (ANY,), STRING, lambda *a: query_escape(_eval_args(a)), variadic=True),
    "eq": _builtin("eq", (RV, RV), BOOL, builtin_eq, variadic=True, returns_error=True),
    "ne": _builtin("ne", (RV, RV), BOOL, builtin_ne, returns_error=True),
    "lt": _builtin("lt", (RV, RV), BOOL, builtin_lt, returns_error=True),
    "le": _builtin("le", (RV, RV), BOOL, builtin_le, returns_error=True),
    "gt": _builtin("gt", (RV, RV), BOOL, builtin_gt, returns_error=True),
    "ge": _builtin("ge", (RV, RV), BOOL, builtin_ge, returns_error=True),
    "call": _builtin("call", (RV, RV), RV, None, variadic=True, returns_error=True),
}
BUILTIN_NAMES = frozenset(BUILTINS)


# ------------------------------------------------------------------------------------------ template set

class TemplateSet:
    """Go's *template.Template and its associated templates: parse texts into it, execute one by name.

    `funcs`: name -> GoFunc (the template's FuncMap); `missingkey`: "default" (invalid), "zero" or
    "error"; `go`: the Go version whose rules apply."""

    def __init__(self, funcs: dict[str, GoFunc] | None = None, missingkey: str = "default",
                 go: tuple[int, int] = (1, 26)):
        self.funcs = dict(funcs or {})
        self.missingkey = missingkey
        self.go = go
        self.trees: dict[str, P.Tree] = {}

    def clone(self) -> "TemplateSet":
        other = TemplateSet(self.funcs, self.missingkey, self.go)
        other.trees = dict(self.trees)
        return other

    def function_names(self):
        return self.funcs.keys() | BUILTIN_NAMES

    def parse(self, name: str, text: str) -> None:
        """template.New(name).Parse(text) into this set (Go's AddParseTree rules for redefinitions)."""
        trees = P.parse(name, text, _Names(self), self.go)
        for tree_name, tree in trees.items():
            old = self.trees.get(tree_name)
            if old is not None and P.is_empty_tree(tree.root) and tree_name != name:
                continue  # an empty redefinition does not replace a template
            if old is not None and P.is_empty_tree(tree.root) and tree_name == name:
                # the named template itself: Go installs it for this template even when empty
                self.trees[tree_name] = tree
                continue
            self.trees[tree_name] = tree

    def lookup(self, name: str) -> P.Tree | None:
        return self.trees.get(name)

    def execute(self, name: str, data: Any) -> str:
        tree = self.trees.get(name)
        out: list[str] = []
        state = _State(self, tree, out, [["$", data]])
        if tree is None or tree.root is None:
            state.errorf(f'"{name}" is an incomplete or empty template')
        limit = sys.getrecursionlimit()
        try:
            sys.setrecursionlimit(max(limit, 20000))
            state.walk(data, tree.root)
        except RecursionError:
            state.errorf("exceeded maximum template depth (100000)")
        finally:
            sys.setrecursionlimit(limit)
        return "".join(out)


class _Names:
    """The function names a parse may use: the set's functions and the builtins."""

    def __init__(self, tset: TemplateSet):
        self.tset = tset

    def __contains__(self, name: str) -> bool:
        return name in self.tset.funcs or name in BUILTINS


class _State:
    __slots__ = ("tset", "tree", "out", "vars", "node", "depth")

    def __init__(self, tset: TemplateSet, tree: P.Tree | None, out: list[str], vars: list, depth: int = 0):
        self.tset = tset
        self.tree = tree
        self.out = out
        self.vars = vars
        self.node = None
        self.depth = depth

    # errors
    def errorf(self, message: str):
        name = self.tree.name if self.tree is not None else ""
        if self.node is None or self.tree is None:
            raise ExecError(f"template: {name}: {message}", 0, None, None)
        context = str(self.node)
        err = ExecError(f'executing "{name}" at <{context}>: {message}', self.node.pos,
                        self.tree.parse_name, self.tree.text)
        raise err

    def at(self, node) -> None:
        self.node = node

    # variables
    def push(self, name: str, value: Any) -> None:
        self.vars.append([name, value])

    def mark(self) -> int:
        return len(self.vars)

    def pop(self, mark: int) -> None:
        del self.vars[mark:]

    def set_var(self, name: str, value: Any) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i][1] = value
                return
        self.errorf(f"undefined variable: {name}")

    def var_value(self, name: str) -> Any:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                return self.vars[i][1]
        self.errorf(f"undefined variable: {name}")

    # walking
    def walk(self, dot: Any, node) -> None:
        self.at(node)
        t = type(node)
        if t is P.TextNode:
            self.out.append(node.text)
        elif t is P.ListNode:
            for n in node.nodes:
                self.walk(dot, n)
        elif t is P.ActionNode:
            val = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(node, val)
        elif t is P.IfNode or t is P.WithNode:
            self.walk_if_or_with(t is P.WithNode, dot, node)
        elif t is P.RangeNode:
            self.walk_range(dot, node)
        elif t is P.TemplateNode:
            self.walk_template(dot, node)
        elif t is P.BreakNode:
            raise _Break()
        elif t is P.ContinueNode:
            raise _Continue()
        elif t is P.CommentNode:
            pass
        else:
            self.errorf(f"unknown node: {node}")

    def walk_if_or_with(self, is_with: bool, dot: Any, node) -> None:
        mark = self.mark()
        try:
            val = self.eval_pipeline(dot, node.pipe)
            truth, ok = is_true(None if val is NIL else val)
            if not ok:
                self.errorf(f"if/with can't use {sprint(val)}")
            if truth:
                self.walk(val if is_with else dot, node.list)
            elif node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            self.pop(mark)

    def walk_range(self, dot: Any, node) -> None:
        self.at(node)
        mark0 = self.mark()
        try:
            val = self.eval_pipeline(dot, node.pipe)
            if val is NIL:
                val = None
            mark = self.mark()
            decl = node.pipe.decl

            def one(index, elem) -> None:
                if decl:
                    if node.pipe.is_assign:
                        self.set_var(decl[0].ident[0], index if len(decl) > 1 else elem)
                    else:
                        self.vars[len(self.vars) - 1][1] = elem
                if len(decl) > 1:
                    if node.pipe.is_assign:
                        self.set_var(decl[1].ident[0], elem)
                    else:
                        self.vars[len(self.vars) - 2][1] = index
                try:
                    self.walk(elem, node.list)
                except _Continue:
                    pass
                finally:
                    self.pop(mark)

            k = kind_of(val)
            ran = False
            try:
                if k == "slice":
                    elem_t = type_of(val).elem
                    for i, elem in enumerate(list(val)):
                        ran = True
                        if elem is None and elem_t is not None and elem_t.kind == "interface":
                            elem = NIL
                        one(i, elem)
                elif k == "map":
                    from obslint.gotemplate.printf import _sort_key
                    elem_t = type_of(val).elem
                    for key in sorted(val, key=_sort_key):
                        ran = True
                        elem = val[key]
                        if elem is None and elem_t.kind == "interface":
                            elem = NIL
                        one(key, elem)
                elif (k in INT_KINDS or k in UINT_KINDS) and self.tset.go >= (1, 22):
                    if len(decl) > 1:
                        self.errorf(f"can't use {sprint(val)} to iterate over more than one variable")
                    for i in range(int(val)):
                        ran = True
                        one(None, type(val)(i) if type(val) is int else P_named_int(i, type_of(val)))
                elif k == "invalid":
                    pass
                else:
                    self.errorf(f"range can't iterate over {sprint(val)}")
            except _Break:
                return
            if not ran and node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            self.pop(mark0)

    def walk_template(self, dot: Any, node) -> None:
        self.at(node)
        tree = self.tset.lookup(node.name)
        if tree is None:
            self.errorf(f'template "{node.name}" not defined')
        dot = self.eval_pipeline(dot, node.pipe)
        if dot is NIL:
            dot = None
        state = _State(self.tset, tree, self.out, [["$", dot]], self.depth + 1)
        state.walk(dot, tree.root)

    # evaluation
    def eval_pipeline(self, dot: Any, pipe) -> Any:
        if pipe is None:
            return None
        self.at(pipe)
        value = MISSING
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
            if value is NIL:
                value = None
        for variable in pipe.decl:
            if pipe.is_assign:
                self.set_var(variable.ident[0], value)
            else:
                self.push(variable.ident[0], value)
        return value

    def not_a_function(self, args, final) -> None:
        if len(args) > 1 or final is not MISSING:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot: Any, cmd, final: Any) -> Any:
        first = cmd.args[0]
        t = type(first)
        if t is P.FieldNode:
            return self.eval_field_node(dot, first, cmd.args, final)
        if t is P.ChainNode:
            return self.eval_chain_node(dot, first, cmd.args, final)
        if t is P.IdentifierNode:
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if t is P.PipeNode:
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if t is P.VariableNode:
            return self.eval_variable_node(dot, first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if t is P.BoolNode:
            return first.value
        if t is P.DotNode:
            return dot
        if t is P.NilNode:
            self.errorf("nil is not a command")
        if t is P.NumberNode:
            return self.ideal_constant(first)
        if t is P.StringNode:
            return first.text
        self.errorf(f"can't evaluate command {first}")

    def ideal_constant(self, n) -> Any:
        self.at(n)
        text = n.text
        if n.is_complex:
            return n.complex128
        is_hex_int = len(text) > 2 and text[0] == "0" and text[1] in "xX" and not any(c in text for c in "pP")
        if n.is_float and not is_hex_int and not text.startswith("'") and any(c in text for c in ".eEpP"):
            return n.float64
        if n.is_int:
            return n.int64
        if n.is_uint:
            self.errorf(f"{text} overflows int")
        return None

    def eval_field_node(self, dot, field, args, final):
        self.at(field)
        return self.eval_field_chain(dot, dot, field, field.ident, args, final)

    def eval_chain_node(self, dot, chain, args, final):
        self.at(chain)
        if isinstance(chain.node, P.NilNode):
            self.errorf(f"indirection through explicit nil in {chain}")
        pipe = self.eval_arg(dot, None, chain.node)
        return self.eval_field_chain(dot, pipe, chain, chain.fields, args, final)

    def eval_variable_node(self, dot, variable, args, final):
        self.at(variable)
        value = self.var_value(variable.ident[0])
        if len(variable.ident) == 1:
            self.not_a_function(args or [variable], final)
            return value
        return self.eval_field_chain(dot, value, variable, variable.ident[1:], args, final)

    def eval_field_chain(self, dot, receiver, node, ident, args, final):
        for name in ident[:-1]:
            receiver = self.eval_field(dot, name, node, None, MISSING, receiver)
        return self.eval_field(dot, ident[-1], node, args, final, receiver)

    def eval_function(self, dot, node, cmd, args, final):
        self.at(node)
        name = node.ident
        fn = self.tset.funcs.get(name)
        builtin = False
        if fn is None:
            fn = BUILTINS.get(name)
            builtin = fn is not None
        if fn is None:
            self.errorf(f'"{name}" is not a defined function')
        return self.eval_call(dot, fn, builtin, cmd, name, args, final)

    def eval_field(self, dot, name, node, args, final, receiver):
        if receiver is None:
            if self.tset.missingkey == "error":
                self.errorf(f'nil data; no entry for key "{name}"')
            return None
        if receiver is NIL:
            self.errorf(f"nil pointer evaluating interface {{}}.{name}")
        t = type_of(receiver)
        method = t.methods.get(name)
        if method is not None:
            bound = GoFunc(method.name, method.params, method.result,
                           _bind(method.impl, receiver), method.variadic, method.returns_error)
            return self.eval_call(dot, bound, False, node, name, args, final)
        has_args = (args is not None and len(args) > 1) or final is not MISSING
        if t.kind == "struct" and isinstance(receiver, GoStruct):
            if name in t.fields:
                if has_args:
                    self.errorf(f"{name} has arguments but cannot be invoked as function")
                return receiver.values.get(name)
            if name in t.unexported:
                self.errorf(f"{name} is an unexported field of struct type {t.name}")
        elif t.kind == "map" and t.key.kind == "string" and t.key.underlying is None:
            if has_args:
                self.errorf(f"{name} is not a method but has arguments")
            if name in receiver:
                v = receiver[name]
                return NIL if v is None and t.elem.kind == "interface" else v
            mode = self.tset.missingkey
            if mode == "zero":
                v = zero_value(t.elem)
                return NIL if v is None and t.elem.kind == "interface" else v
            if mode == "error":
                self.errorf(f'map has no entry for key "{name}"')
            return None
        self.errorf(f"can't evaluate field {name} in type {t.name}")

    def eval_call(self, dot, fn: GoFunc, builtin: bool, node, name, args, final):
        args = list(args[1:]) if args else []
        num_in = len(args) + (0 if final is MISSING else 1)
        params = fn.params
        num_fixed = len(args)
        if fn.variadic:
            num_fixed = len(params) - 1
            if num_in < num_fixed:
                self.errorf(f"wrong number of args for {name}: want at least {len(params) - 1} got {len(args)}")
        elif num_in != len(params):
            self.errorf(f"wrong number of args for {name}: want {len(params)} got {num_in}")
        if builtin and name in ("and", "or"):
            v = None
            for arg in args:
                v = self.eval_arg(dot, REFLECT_VALUE, arg)
                if _truth(v) == (name == "or"):
                    return v
            if final is not MISSING:
                v = final
            return v
        argv = []
        i = 0
        while i < num_fixed and i < len(args):
            argv.append(self.eval_arg(dot, params[i], args[i]))
            i += 1
        if fn.variadic:
            elem = params[-1]
            while i < len(args):
                argv.append(self.eval_arg(dot, elem, args[i]))
                i += 1
        if final is not MISSING:
            t = params[-1]
            if fn.variadic and num_in - 1 < num_fixed:
                t = params[num_in - 1]
            argv.append(self.validate_type(final, t))
        if builtin and name == "call":
            return self.call(node, argv)
        try:
            result = fn.impl(*argv)
        except GoError as exc:
            self.at(node)
            self.errorf(f"error calling {name}: {exc}")
        return result

    def call(self, node, argv):
        fn = argv[0]
        self.at(node)
        if fn is None or fn is NIL:
            self.errorf("error calling call: call of nil")
        if not isinstance(fn, GoFunc):
            self.errorf(f"error calling call: non-function of type {type_name(fn)}")
        try:
            return fn.impl(*argv[1:])
        except GoError as exc:
            self.errorf(f"error calling call: {exc}")

    def validate_type(self, value: Any, t: GoType | None) -> Any:
        if value is None or value is NIL:
            if t is None:
                return None
            if can_be_nil(t):
                return zero_value(t)
            self.errorf(f"invalid value; expected {t.name}")
        if t is None or t is REFLECT_VALUE:
            return value
        vt = type_of(value)
        if not vt.assignable_to(t):
            self.errorf(f"wrong type for value; expected {t.name}; got {vt.name}")
        return value

    def eval_arg(self, dot, t: GoType | None, n) -> Any:
        self.at(n)
        nt = type(n)
        if nt is P.DotNode:
            return self.validate_type(dot, t)
        if nt is P.NilNode:
            if can_be_nil(t):
                return zero_value(t) if t is not None else None
            self.errorf(f"cannot assign nil to {t.name}")
        if nt is P.FieldNode:
            return self.validate_type(self.eval_field_node(dot, n, [n], MISSING), t)
        if nt is P.VariableNode:
            return self.validate_type(self.eval_variable_node(dot, n, None, MISSING), t)
        if nt is P.PipeNode:
            return self.validate_type(self.eval_pipeline(dot, n), t)
        if nt is P.IdentifierNode:
            return self.validate_type(self.eval_function(dot, n, n, None, MISSING), t)
        if nt is P.ChainNode:
            return self.validate_type(self.eval_chain_node(dot, n, None, MISSING), t)
        if t is None:
            self.errorf(f"can't handle {n} for arg of type <nil>")
        k = t.kind
        if t is REFLECT_VALUE or (k == "interface" and not t.methods):
            return self.eval_empty_interface(dot, n)
        if k == "bool":
            if nt is P.BoolNode:
                return n.value
            self.errorf(f"expected bool; found {n}")
        if k == "string":
            if nt is P.StringNode:
                return n.text if t is STRING else P_named_str(n.text, t)
            self.errorf(f"expected string; found {n}")
        if k in INT_KINDS:
            if nt is P.NumberNode and n.is_int:
                return n.int64 if t is INT else P_named_int(n.int64, t)
            self.errorf(f"expected integer; found {n}")
        if k in UINT_KINDS:
            if nt is P.NumberNode and n.is_uint:
                return P_named_int(n.uint64, t)
            self.errorf(f"expected unsigned integer; found {n}")
        if k == "float64":
            if nt is P.NumberNode and n.is_float:
                return n.float64
            self.errorf(f"expected float; found {n}")
        if k == "complex128":
            if nt is P.NumberNode and n.is_complex:
                return n.complex128
            self.errorf(f"expected complex; found {n}")
        self.errorf(f"can't handle {n} for arg of type {t.name}")

    def eval_empty_interface(self, dot, n) -> Any:
        self.at(n)
        nt = type(n)
        if nt is P.BoolNode:
            return n.value
        if nt is P.DotNode:
            return dot
        if nt is P.FieldNode:
            return self.eval_field_node(dot, n, None, MISSING)
        if nt is P.IdentifierNode:
            return self.eval_function(dot, n, n, None, MISSING)
        if nt is P.NilNode:
            self.errorf("evalEmptyInterface: nil (can't happen)")
        if nt is P.NumberNode:
            return self.ideal_constant(n)
        if nt is P.StringNode:
            return n.text
        if nt is P.VariableNode:
            return self.eval_variable_node(dot, n, None, MISSING)
        if nt is P.PipeNode:
            return self.eval_pipeline(dot, n)
        self.errorf(f"can't handle assignment of {n} to empty interface argument")

    def print_value(self, node, v: Any) -> None:
        self.at(node)
        if v is None:
            self.out.append("<no value>")
            return
        if v is NIL:
            self.out.append("<nil>")
            return
        if isinstance(v, GoFunc):
            self.errorf(f"can't print {node} of type {type_name(v)}")
        self.out.append(sprint_value(v, "v", _Flags(), 0))


def _bind(impl: Callable, receiver: Any) -> Callable:
    return lambda *args: impl(receiver, *args)
