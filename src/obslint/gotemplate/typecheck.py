"""Static type inference over Go templates: what executing a template could fail on, on every branch.

Executing a template on sample data only walks the branches that data takes; this walks them all. The
checker follows text/template's exec rules (exec.go) with types instead of values: dot starts as the
type the caller gives; `range` over a slice, a map or an int makes dot the element type; `with` makes it
the pipeline's type; variables keep the type of what was assigned; `{{template "name" pipeline}}` checks
the named template with the pipeline's type as dot. Where a value's type is not known (an `interface {}`
result, `call`, a map of `any`), nothing is reported about it.

What it reports (`Problem`, at a node's offset in the text of the tree it is in):

- `field`: a field or method a type does not have (`can't evaluate field Foo in type template.Data`),
  an unexported field, a field or map key given arguments;
- `template`: a template that is not defined;
- `args`: a function or method called with the wrong number of arguments, or an argument of the wrong
  type where both are known (a string literal for an int parameter, a map for a string);
- `range`: ranging over a value that cannot be ranged over; `nil`: nil used as a command.

And what the template reads from maps reached through struct fields (`Read`): `.CommonLabels.team`,
`index .Annotations "runbook_url"`, each with the struct field the map came from
(`template.Data.CommonLabels`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from obslint.gotemplate import parse as P
from obslint.gotemplate.values import (
    BOOL,
    FLOAT64,
    INT,
    INT_KINDS,
    REFLECT_VALUE,
    STRING,
    UINT8,
    UINT_KINDS,
    GoFunc,
    GoType,
)


@dataclass(frozen=True)
class V:
    """An abstract value: its type (None: unknown), the struct field a map came from, a string constant."""

    t: GoType | None = None
    origin: str | None = None
    const: str | None = None


UNKNOWN = V()


@dataclass(frozen=True)
class Problem:
    kind: str  # field template args range nil
    message: str
    tree: P.Tree
    offset: int
    type_name: str = ""  # for `field`: the type that lacks the field
    name: str = ""  # for `field`: the field; for `template`: the template; for `args`: the function

    @property
    def location(self) -> str:
        line, col = P.line_col(self.tree.text, self.offset)
        return f"{self.tree.parse_name}:{line}:{col}"


@dataclass(frozen=True)
class Read:
    origin: str  # "template.Data.CommonLabels"
    key: str
    tree: P.Tree
    offset: int


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    reads: list[Read] = field(default_factory=list)
    called: list[str] = field(default_factory=list)  # template names reached, in order

    def add(self, problem: Problem) -> None:
        key = (problem.tree.parse_name, problem.offset, problem.message)
        if key not in {(p.tree.parse_name, p.offset, p.message) for p in self.problems}:
            self.problems.append(problem)


_BUILTIN_NAMES = frozenset("and call html index slice js len not or print printf println urlquery eq ge gt le lt ne"
                           .split())
_STRING_RESULTS = frozenset("html js print printf println urlquery".split())
_BOOL_RESULTS = frozenset("eq ge gt le lt ne not".split())


def _unknown(t: GoType | None) -> bool:
    return t is None or t is REFLECT_VALUE or t.kind == "interface"


def _map_by_name(t: GoType) -> bool:
    """Whether `.key` on this map type reads a key (text/template: a map whose key is a plain string)."""
    return t.kind == "map" and t.key is not None and t.key.kind == "string" and t.key.underlying is None


class Checker:
    """Checks templates of one set: `lookup(name)` gives a tree (or None), `funcs` the set's functions
    (GoFunc) besides Go's builtins, `go` the Go version whose rules apply."""

    def __init__(self, lookup, funcs: dict[str, GoFunc], go: tuple[int, int] = (1, 26)):
        self.lookup = lookup
        self.funcs = funcs
        self.go = go
        self.result = Result()
        self._done: set[tuple[str, int, str | None]] = set()

    # ----------------------------------------------------------------------------------------- entry

    def check(self, tree: P.Tree, dot: V) -> Result:
        """Check `tree` with dot of the given abstract value; results accumulate over calls."""
        self._tree(tree, dot)
        return self.result

    def _tree(self, tree: P.Tree, dot: V) -> None:
        key = (tree.name + "\0" + tree.parse_name, id(dot.t), dot.origin)
        if key in self._done:
            return
        self._done.add(key)
        if tree.root is not None:
            _Walk(self, tree, dot).list(tree.root, dot)

    def problem(self, kind: str, message: str, tree: P.Tree, node, type_name: str = "", name: str = "") -> None:
        self.result.add(Problem(kind, message, tree, node.pos, type_name, name))


class _Walk:
    """One template body: its variables and where problems are."""

    def __init__(self, checker: Checker, tree: P.Tree, dot: V):
        self.c = checker
        self.tree = tree
        self.vars: list[list] = [["$", dot]]

    def problem(self, kind: str, message: str, node, type_name: str = "", name: str = "") -> None:
        self.c.problem(kind, message, self.tree, node, type_name, name)

    # variables
    def var(self, name: str) -> V:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                return self.vars[i][1]
        return UNKNOWN

    def assign(self, name: str, value: V) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                old = self.vars[i][1]
                if old.t is not value.t or old.origin != value.origin:
                    self.vars[i][1] = UNKNOWN
                return

    # structure
    def list(self, node_list: P.ListNode, dot: V) -> None:
        for node in node_list.nodes:
            self.node(node, dot)

    def node(self, node, dot: V) -> None:
        t = type(node)
        if t is P.ActionNode:
            self.pipeline(node.pipe, dot)
        elif t is P.IfNode or t is P.WithNode:
            mark = len(self.vars)
            value = self.pipeline(node.pipe, dot)
            self.list(node.list, value if t is P.WithNode else dot)
            if node.else_list is not None:
                self.list(node.else_list, dot)
            del self.vars[mark:]
        elif t is P.RangeNode:
            self.range(node, dot)
        elif t is P.TemplateNode:
            self.template(node, dot)

    def range(self, node: P.RangeNode, dot: V) -> None:
        mark = len(self.vars)
        value = self.pipeline(node.pipe, dot, declare=False)
        index, elem = UNKNOWN, UNKNOWN
        t = value.t
        if not _unknown(t):
            base = t.base()
            if base.kind == "slice":
                index, elem = V(INT), V(base.elem)
            elif base.kind == "map":
                index, elem = V(base.key), V(base.elem)
            elif (base.kind in INT_KINDS or base.kind in UINT_KINDS) and self.c.go >= (1, 22):
                index = elem = V(t)
                if len(node.pipe.decl) > 1:
                    self.problem("range", f"can't use a {t.name} to iterate over more than one variable", node.pipe)
            elif base.kind in ("string", "struct", "bool", "float64"):
                self.problem("range", f"range can't iterate over a value of type {t.name}", node.pipe)
        decl = node.pipe.decl
        if decl:
            if node.pipe.is_assign:
                self.assign(decl[0].ident[0], index if len(decl) > 1 else elem)
                if len(decl) > 1:
                    self.assign(decl[1].ident[0], elem)
            else:
                self.vars.append([decl[0].ident[0], index if len(decl) > 1 else elem])
                if len(decl) > 1:
                    self.vars.append([decl[1].ident[0], elem])
        self.list(node.list, elem)
        del self.vars[mark:]
        if node.else_list is not None:
            self.list(node.else_list, dot)
        del self.vars[mark:]

    def template(self, node: P.TemplateNode, dot: V) -> None:
        value = self.pipeline(node.pipe, dot) if node.pipe is not None else UNKNOWN
        tree = self.c.lookup(node.name)
        if tree is None:
            self.problem("template", f'template "{node.name}" not defined', node, name=node.name)
            return
        if node.name not in self.c.result.called:
            self.c.result.called.append(node.name)
        self.c._tree(tree, value)

    # evaluation
    def pipeline(self, pipe: P.PipeNode | None, dot: V, declare: bool = True) -> V:
        if pipe is None:
            return UNKNOWN
        value: V | None = None
        for cmd in pipe.cmds:
            value = self.command(cmd, dot, value)
        value = value or UNKNOWN
        if declare:
            for variable in pipe.decl:
                if pipe.is_assign:
                    self.assign(variable.ident[0], value)
                else:
                    self.vars.append([variable.ident[0], value])
        return value

    def command(self, cmd: P.CommandNode, dot: V, final: V | None) -> V:
        first = cmd.args[0]
        t = type(first)
        if t is P.FieldNode:
            return self.chain(dot, first, first.ident, cmd.args, final, dot)
        if t is P.ChainNode:
            base = self.arg(first.node, dot)
            return self.chain(base, first, first.fields, cmd.args, final, dot)
        if t is P.IdentifierNode:
            return self.function(first, cmd.args, final, dot)
        if t is P.VariableNode:
            value = self.var(first.ident[0])
            if len(first.ident) == 1:
                self.not_a_function(first, cmd.args, final)
                return value
            return self.chain(value, first, first.ident[1:], cmd.args, final, dot)
        self.not_a_function(first, cmd.args, final)
        if t is P.PipeNode:
            return self.pipeline(first, dot)
        if t is P.DotNode:
            return dot
        if t is P.NilNode:
            self.problem("nil", "nil is not a command", first)
            return UNKNOWN
        return self.literal(first)

    def not_a_function(self, node, args, final: V | None) -> None:
        if len(args) > 1 or final is not None:
            self.problem("args", f"can't give argument to non-function {node}", node)

    def literal(self, node) -> V:
        t = type(node)
        if t is P.StringNode:
            return V(STRING, const=node.text)
        if t is P.BoolNode:
            return V(BOOL)
        if t is P.NumberNode:
            if node.is_complex:
                return UNKNOWN
            if node.is_float and any(c in node.text for c in ".eEpP") and not node.text.startswith(("0x", "0X")):
                return V(FLOAT64)
            return V(INT) if node.is_int else V(FLOAT64)
        return UNKNOWN

    def arg(self, node, dot: V) -> V:
        """The value of an argument (no arguments of its own)."""
        t = type(node)
        if t is P.DotNode:
            return dot
        if t is P.FieldNode:
            return self.chain(dot, node, node.ident, [node], None, dot)
        if t is P.VariableNode:
            value = self.var(node.ident[0])
            return value if len(node.ident) == 1 else self.chain(value, node, node.ident[1:], [node], None, dot)
        if t is P.PipeNode:
            return self.pipeline(node, dot)
        if t is P.IdentifierNode:
            return self.function(node, [node], None, dot)
        if t is P.ChainNode:
            base = self.arg(node.node, dot)
            return self.chain(base, node, node.fields, [node], None, dot)
        return self.literal(node)

    def chain(self, receiver: V, node, names: list[str], args: list, final: V | None, dot: V) -> V:
        for name in names[:-1]:
            receiver = self.field(receiver, name, node, [node], None, dot)
        return self.field(receiver, names[-1], node, args, final, dot)

    def field(self, receiver: V, name: str, node, args: list, final: V | None, dot: V) -> V:
        t = receiver.t
        if _unknown(t):
            return UNKNOWN
        has_args = len(args) > 1 or final is not None
        method = t.methods.get(name)
        if method is not None:
            result = self.call(method, name, node, args, final, dot)
            if result.t is not None and result.t is t and receiver.origin:
                return V(t, receiver.origin)  # KV.Remove: the same map, fewer keys
            return result
        if t.kind == "struct":
            if name in t.fields:
                if has_args:
                    self.problem("args", f"{name} has arguments but cannot be invoked as function", node,
                                 t.name, name)
                ft = t.field_types.get(name)
                return V(ft, f"{t.name}.{name}") if ft is not None else UNKNOWN
            if name in t.unexported:
                self.problem("field", f"{name} is an unexported field of struct type {t.name}", node, t.name, name)
                return UNKNOWN
        elif _map_by_name(t):
            if has_args:
                self.problem("args", f"{name} is not a method but has arguments", node, t.name, name)
            if receiver.origin:
                self.c.result.reads.append(Read(receiver.origin, name, self.tree, node.pos))
            return V(t.elem)
        elif t.kind == "ptr":
            return UNKNOWN
        self.problem("field", f"can't evaluate field {name} in type {t.name}" + _suggest(t, name), node, t.name, name)
        return UNKNOWN

    def function(self, node: P.IdentifierNode, args: list, final: V | None, dot: V) -> V:
        name = node.ident
        fn = self.c.funcs.get(name)
        if fn is None:
            if name in _BUILTIN_NAMES:
                return self.builtin(node, name, args, final, dot)
            return UNKNOWN  # the parser reports unknown functions
        return self.call(fn, name, node, args, final, dot)

    def call(self, fn: GoFunc, name: str, node, args: list, final: V | None, dot: V) -> V:
        operands = list(args[1:])
        num_in = len(operands) + (final is not None)
        params = fn.params
        if fn.variadic:
            if num_in < len(params) - 1:
                self.problem("args", f"wrong number of args for {name}: want at least {len(params) - 1} got "
                                     f"{num_in}", node, name=name)
                self.values(operands, dot)
                return V(fn.result) if fn.result is not None else UNKNOWN
        elif num_in != len(params):
            self.problem("args", f"wrong number of args for {name}: want {len(params)} got {num_in}", node,
                         name=name)
            self.values(operands, dot)
            return V(fn.result) if fn.result is not None else UNKNOWN
        for i, operand in enumerate(operands):
            param = params[min(i, len(params) - 1)] if fn.variadic else params[i]
            self.typed_arg(operand, param, dot, name)
        if final is not None:
            param = params[-1] if not fn.variadic or num_in - 1 >= len(params) - 1 else params[num_in - 1]
            self.typed_value(final, param, node, name)
        if name == "join" and len(params) == 2 and params[1].kind == "interface" and num_in == 2:
            # Alertmanager 0.35: join(sep string, v any) joins a slice or an array, refuses anything else
            value = final if final is not None else self.arg(operands[1], dot)
            kind = None if _unknown(value.t) else value.t.base().kind
            if kind is not None and kind not in ("slice", "array", "interface", "ptr"):
                self.problem("args", f"join expects a slice or array, got {value.t.name}", node, name=name)
        if fn.result is None:
            return UNKNOWN
        return V(fn.result)

    def values(self, operands: list, dot: V) -> list[V]:
        return [self.arg(o, dot) for o in operands]

    def typed_arg(self, node, param: GoType, dot: V, name: str) -> None:
        t = type(node)
        if t in (P.DotNode, P.FieldNode, P.VariableNode, P.PipeNode, P.IdentifierNode, P.ChainNode):
            self.typed_value(self.arg(node, dot), param, node, name)
            return
        if _unknown(param):
            return
        kind = param.base().kind if param.underlying is not None else param.kind
        if t is P.NilNode:
            if param.kind not in ("slice", "map", "ptr", "func", "interface"):
                self.problem("args", f"cannot assign nil to {param.name} (argument of {name})", node, name=name)
            return
        expected = {"string": "string", "bool": "bool", "float64": "float", "complex128": "complex"}.get(kind)
        if kind in INT_KINDS:
            expected = "integer"
        elif kind in UINT_KINDS:
            expected = "unsigned integer"
        ok = ((t is P.StringNode and kind == "string") or (t is P.BoolNode and kind == "bool")
              or (t is P.NumberNode and ((kind in INT_KINDS and node.is_int) or (kind in UINT_KINDS and node.is_uint)
                                         or (kind == "float64" and node.is_float)
                                         or (kind == "complex128" and node.is_complex))))
        if not ok:
            what = f"expected {expected}" if expected else f"can't handle {node} for arg of type {param.name}"
            self.problem("args", f"{what}; found {node} (argument of {name})" if expected else what, node, name=name)

    def typed_value(self, value: V, param: GoType, node, name: str) -> None:
        if _unknown(value.t) or _unknown(param):
            return
        if not value.t.assignable_to(param):
            self.problem("args", f"wrong type for value; expected {param.name}; got {value.t.name} "
                                 f"(argument of {name})", node, name=name)

    def builtin(self, node, name: str, args: list, final: V | None, dot: V) -> V:
        operands = self.values(args[1:], dot)
        if final is not None:
            operands.append(final)
        fixed = {"and": 1, "or": 1, "not": 1, "len": 1, "index": 1, "slice": 1, "eq": 1, "ne": 2, "lt": 2,
                 "le": 2, "gt": 2, "ge": 2, "call": 1, "printf": 1}.get(name, 0)
        exact = name in ("not", "len", "ne", "lt", "le", "gt", "ge")
        if (exact and len(operands) != fixed) or len(operands) < fixed:
            want = f"{fixed}" if exact else f"at least {fixed}"
            self.problem("args", f"wrong number of args for {name}: want {want} got {len(operands)}", node,
                         name=name)
            return V(BOOL) if name in _BOOL_RESULTS else V(STRING) if name in _STRING_RESULTS else UNKNOWN
        if name in _STRING_RESULTS:
            if name == "printf" and not _unknown(operands[0].t) and operands[0].t.base().kind != "string":
                self.problem("args", f"wrong type for value; expected string; got {operands[0].t.name} "
                                     f"(argument of printf)", node, name=name)
            return V(STRING)
        if name in _BOOL_RESULTS:
            if name != "not":
                self.comparison(node, name, operands)
            return V(BOOL)
        if name == "len":
            t = operands[0].t
            if not _unknown(t) and t.base().kind not in ("slice", "map", "string", "ptr"):
                self.problem("args", f"len of type {t.name}", node, name=name)
            return V(INT)
        if name == "index":
            return self.index(node, operands)
        if name == "slice":
            t = operands[0].t
            if not _unknown(t) and t.base().kind not in ("slice", "string"):
                self.problem("args", f"can't slice item of type {t.name}", node, name=name)
                return UNKNOWN
            return V(t, operands[0].origin)
        if name in ("and", "or"):
            types = {id(o.t) for o in operands}
            return V(operands[0].t) if len(types) == 1 else UNKNOWN
        return UNKNOWN

    def comparison(self, node, name: str, operands: list[V]) -> None:
        """eq/ne/lt/le/gt/ge on basic values whose kinds are known: Go refuses to compare a string with a
        number or a bool, and to order bools or complex numbers."""
        kinds = []
        for o in operands:
            if _unknown(o.t):
                return
            kind = o.t.base().kind
            cls = ("int" if kind in INT_KINDS | UINT_KINDS else "float" if kind in ("float32", "float64")
                   else "complex" if kind in ("complex64", "complex128") else kind)
            if cls not in ("int", "float", "complex", "string", "bool"):
                if name in ("lt", "le", "gt", "ge") and kind in ("slice", "array", "map", "struct", "func"):
                    self.problem("args", f"invalid type for comparison (argument of {name})", node, name=name)
                return  # eq: Go's rules depend on values (nil, comparable structs)
            kinds.append(cls)
        if len(kinds) != 2:
            return  # eq with more operands stops at the first equal one
        if kinds[0] != kinds[1]:
            self.problem("args", f"incompatible types for comparison (argument of {name})", node, name=name)
        elif name in ("lt", "le", "gt", "ge") and kinds[0] in ("bool", "complex"):
            self.problem("args", f"invalid type for comparison (argument of {name})", node, name=name)

    def index(self, node, operands: list[V]) -> V:
        item = operands[0]
        for key in operands[1:]:
            t = item.t
            if _unknown(t):
                return UNKNOWN
            base = t.base()
            if base.kind == "map":
                if key.const is not None and item.origin:
                    self.c.result.reads.append(Read(item.origin, key.const, self.tree, node.pos))
                if not _unknown(key.t) and not key.t.assignable_to(base.key):
                    self.problem("args", f"value has type {key.t.name}; should be {base.key.name} (index of "
                                         f"{t.name})", node, name="index")
                item = V(base.elem)
            elif base.kind == "slice":
                if not _unknown(key.t) and key.t.base().kind not in INT_KINDS | UINT_KINDS:
                    self.problem("args", f"cannot index slice/array with type {key.t.name}", node, name="index")
                item = V(base.elem)
            elif base.kind == "string":
                if not _unknown(key.t) and key.t.base().kind not in INT_KINDS | UINT_KINDS:
                    self.problem("args", f"cannot index slice/array with type {key.t.name}", node, name="index")
                item = V(UINT8)
            else:
                self.problem("args", f"can't index item of type {t.name}", node, name="index")
                return UNKNOWN
        return item


def _suggest(t: GoType, name: str) -> str:
    names = list(t.fields) + list(t.methods)
    close = [n for n in names if n.lower() == name.lower()] or difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    return f" (did you mean .{close[0]}?)" if close else ""
