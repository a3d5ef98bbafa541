"""Metrics the repository's Python declares with prometheus_client, read from the syntax tree: the code is
never imported and never run (obslint runs no Python but dashboards, and those in a sandbox).

A declaration is a call of one of the client's classes (Counter, Gauge, Histogram, Summary, Info, Enum, and
the custom collectors' CounterMetricFamily, GaugeMetricFamily, ...), at module level, in a class or in a
function. Its arguments are read as far as they are constants: literals, names bound once to a constant
(in the function, the class body through `self.NAME`, the module, or a module it imports from the
repository), f-strings, `+`, `%` and `str.format` of constants, items of constant lists and dicts, and
loops and comprehensions over them (one declaration per item). Anything else (a parameter, a call, a
value read at run time, a name bound twice) leaves the declaration unresolved, with the reason: its
name is never guessed.

A resolved declaration becomes a Family, named and exposed as the client does it (prometheus_client 0.2x;
tests/crossref/test_instrumentation.py compares every rule here with the real client):
- the full name is `namespace_subsystem_name` (empty parts left out); a counter's trailing `_total` is
  dropped, then `_unit` is appended unless the name already ends with it;
- a Counter is exposed as `<name>_total` (and `<name>_created`), a Histogram as `<name>_bucket` (with `le`),
  `<name>_count`, `<name>_sum` (and `<name>_created`), a Summary as `<name>_count` and `<name>_sum` (and
  `<name>_created`; the Python client has no quantiles), an Info as `<name>_info`, an Enum as a gauge
  `<name>` whose label named `<name>` holds the state; a gauge histogram's `_gcount` and `_gsum` are gauges;
- the client refuses (ValueError when the module is imported): an empty name, a unit on an Info or Enum,
  label names starting with `__`, `le` on a Histogram, `quantile` on a Summary, an Enum without states
  or whose name is one of its label names.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

CLIENT = "prometheus_client"
LEGACY_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LEGACY_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
MAX_DECLARATIONS_PER_CALL = 2000  # items of the loops around one declaration
MAX_DEPTH = 60  # nested evaluations (names through names through imports)

_WRAPPER = ("name", "documentation", "labelnames", "namespace", "subsystem", "unit", "registry", "_labelvalues")


@dataclass(frozen=True)
class Kind:
    """One of the client's classes: its OpenMetrics type and its parameters, in order."""

    type: str
    params: tuple[str, ...]
    collector: bool = False  # a custom collector's MetricFamily: no namespace or subsystem; labels in `labels`
    reserved: tuple[str, ...] = ()  # label names it refuses
    exclusive: tuple[str, ...] = ()  # (MetricFamily) the values that may not be given together with `labels`


KINDS: dict[str, Kind] = {
    "Counter": Kind("counter", _WRAPPER),
    "Gauge": Kind("gauge", _WRAPPER + ("multiprocess_mode",)),
    "Summary": Kind("summary", _WRAPPER, reserved=("quantile",)),
    "Histogram": Kind("histogram", _WRAPPER + ("buckets",), reserved=("le",)),
    "Info": Kind("info", _WRAPPER),
    "Enum": Kind("stateset", _WRAPPER + ("states",)),
    "CounterMetricFamily": Kind("counter", ("name", "documentation", "value", "labels", "created", "unit",
                                            "exemplar"), True, exclusive=("value",)),
    "GaugeMetricFamily": Kind("gauge", ("name", "documentation", "value", "labels", "unit"), True,
                              exclusive=("value",)),
    "SummaryMetricFamily": Kind("summary", ("name", "documentation", "count_value", "sum_value", "labels", "unit"),
                                True, exclusive=("count_value",)),
    "HistogramMetricFamily": Kind("histogram", ("name", "documentation", "buckets", "sum_value", "labels", "unit"),
                                  True, exclusive=("buckets",)),
    "GaugeHistogramMetricFamily": Kind("gaugehistogram", ("name", "documentation", "buckets", "gsum_value",
                                                          "labels", "unit"), True, exclusive=("buckets",)),
    "InfoMetricFamily": Kind("info", ("name", "documentation", "value", "labels"), True, exclusive=("value",)),
    "StateSetMetricFamily": Kind("stateset", ("name", "documentation", "value", "labels"), True,
                                 exclusive=("value",)),
    "UnknownMetricFamily": Kind("unknown", ("name", "documentation", "value", "labels", "unit"), True,
                                exclusive=("value",)),
}
KINDS["UntypedMetricFamily"] = KINDS["UnknownMetricFamily"]
GAUGE_MODES = frozenset({"all", "liveall", "min", "livemin", "max", "livemax", "sum", "livesum", "mostrecent",
                         "livemostrecent"})


@dataclass(frozen=True)
class Family:
    """A declared metric family, named as the client names it (a counter without `_total`)."""

    name: str
    cls: str  # the client's class: Counter, Gauge, ..., GaugeMetricFamily
    type: str  # the OpenMetrics type: counter, gauge, histogram, summary, info, stateset, gaugehistogram, unknown
    labelnames: tuple[str, ...]
    open_labels: bool = False  # the series may carry labels not listed (an Info's, or label names not resolved)
    documentation: str | None = None

    def exposed(self) -> list[tuple[str, str, dict[str, frozenset[str]]]]:
        """The families of the text exposition (`generate_latest`): (name, TYPE, {series: label names}),
        every series the declaration can produce (a MetricFamily's `_created` and `_count`/`_sum` appear
        when the collector passes their values)."""
        name, labels = self.name, frozenset(self.labelnames)
        created = [(f"{name}_created", "gauge", {f"{name}_created": labels})]
        if self.type == "counter":
            return [(f"{name}_total", "counter", {f"{name}_total": labels})] + created
        if self.type == "gauge":
            return [(name, "gauge", {name: labels})]
        if self.type == "summary":
            series = {f"{name}_count": labels, f"{name}_sum": labels}
            return [(name, "summary", series)] + ([] if self.cls.endswith("Family") else created)
        if self.type == "histogram":
            series = {f"{name}_bucket": labels | {"le"}, f"{name}_count": labels, f"{name}_sum": labels}
            return [(name, "histogram", series)] + ([] if self.cls.endswith("Family") else created)
        if self.type == "gaugehistogram":
            return [(name, "histogram", {f"{name}_bucket": labels | {"le"}}),
                    (f"{name}_gcount", "gauge", {f"{name}_gcount": labels}),
                    (f"{name}_gsum", "gauge", {f"{name}_gsum": labels})]
        if self.type == "info":
            return [(f"{name}_info", "gauge", {f"{name}_info": labels})]
        if self.type == "stateset":  # the state is a label named as the metric (when that is a label name)
            return [(name, "gauge", {name: labels | ({name} if LEGACY_LABEL.fullmatch(name) else set())})]
        return [(name, "untyped", {name: labels})]


@dataclass
class Declaration:
    """One declaration (one per item of the constant loops around it), resolved or not."""

    path: Path
    line: int
    column: int
    cls: str
    family: Family | None = None  # None when unresolved or refused by the client
    unresolved: str = ""  # why its name cannot be known without running the code
    invalid: str = ""  # why prometheus_client refuses it (a ValueError or TypeError at import)
    labels_unresolved: str = ""  # why its label names cannot be known (its family's labels are then open)


class Unresolved(Exception):
    """A value only running the code could tell; the message says why."""


class Invalid(Exception):
    """A declaration the client refuses; the message says why."""


@dataclass(frozen=True)
class ClientRef:
    """prometheus_client itself (`name` ""), one of its modules, or one of its classes (`name` in KINDS)."""

    name: str = ""
    module: bool = True


@dataclass(frozen=True, eq=False)
class ModuleRef:
    module: Module


@dataclass(frozen=True, eq=False)
class ClassRef:
    scope: Scope


_UNSET = object()


# --- scopes and what each name is bound to ------------------------------------------------------------


@dataclass(eq=False)
class Binding:
    kind: str  # value, import, from, param, other
    node: ast.AST | None = None  # the value (value), or the statement
    path: tuple = ()  # indices into the value for unpacking (`A, B = "a", "b"`)
    target: str = ""  # import: the module; from: the module and the name
    level: int = 0
    what: str = ""  # other: what binds it (a loop, a def, `+=`...)


class Scope:
    """A module, class or function body and the names it binds (not those of nested functions)."""

    def __init__(self, node: ast.AST, kind: str, parent: Scope | None, module: Module):
        self.node, self.kind, self.parent, self.module = node, kind, parent, module
        self.bindings: dict[str, list[Binding]] = {}
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.self_name = ""  # a method's first parameter (self or cls)
        self.cls: Scope | None = None  # a method's class
        self.cache: dict[str, object] = {}
        if kind == "function":
            args = node.args
            for arg in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                if arg is not None:
                    self.bind(arg.arg, Binding("param"))
        body = node.body if isinstance(node.body, list) else [node.body]
        for statement in body:
            self._collect(statement)

    @property
    def title(self) -> str:
        return getattr(self.node, "name", "<module>")

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def _targets(self, target: ast.AST, value: ast.AST | None, path: tuple, what: str) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, Binding("value", value, path) if value is not None else Binding("other", what=what))
        elif isinstance(target, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Starred) for e in target.elts):
                value = None
            for i, element in enumerate(target.elts):
                self._targets(element.value if isinstance(element, ast.Starred) else element, value, path + (i,),
                              what)
        elif isinstance(target, ast.Starred):
            self._targets(target.value, None, path, what)

    def _collect(self, node: ast.AST) -> None:
        """The bindings `node` makes in this scope (nested functions and classes bind only their name)."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.bind(node.name, Binding("other", node, what="a def" if not isinstance(node, ast.ClassDef)
                                         else "a class"))
            for decorator in node.decorator_list:
                self._collect_expr(decorator)
            return
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._targets(target, node.value, (), "an assignment")
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self._targets(node.target, node.value, (), "an assignment")
        elif isinstance(node, ast.AugAssign):
            self._targets(node.target, None, (), "an augmented assignment")
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._targets(node.target, None, (), "a loop")
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self._targets(item.optional_vars, None, (), "a with statement")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self.bind(node.name, Binding("other", what="an except clause"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.bind(alias.asname, Binding("import", node, target=alias.name))
                else:
                    first = alias.name.split(".")[0]
                    self.bind(first, Binding("import", node, target=first))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    self.bind(alias.asname or alias.name, Binding("from", node, target=f"{node.module or ''}:"
                                                                  f"{alias.name}", level=node.level))
        elif isinstance(node, ast.Global):
            self.globals.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            self.nonlocals.update(node.names)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                self._targets(target, None, (), "del")
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            self.bind(node.name, Binding("other", what="a match pattern"))
        elif isinstance(node, ast.MatchMapping) and node.rest:
            self.bind(node.rest, Binding("other", what="a match pattern"))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self._collect_expr(child)
            else:
                self._collect(child)

    def _collect_expr(self, node: ast.AST) -> None:
        """Walrus targets (`(x := ...)`) bind in this scope, even inside comprehensions."""
        for child in ast.walk(node):
            if isinstance(child, ast.NamedExpr) and isinstance(child.target, ast.Name):
                self.bind(child.target.id, Binding("other", what="an assignment expression"))


@dataclass(eq=False)
class Module:
    path: Path
    tree: ast.Module
    scope: Scope | None = None
    _attributes: tuple | None = None

    def attribute_writes(self) -> tuple[dict[str, tuple[int, int]], list[tuple[int, ast.ClassDef, set[str]]]]:
        """What may change a class attribute, read in one walk of the module (in ast.walk's order, which the
        first found keeps): {attribute: (order, line) of the first assignment to `<x>.attribute`}, and
        (order, class, the names its body assigns) of each class."""
        if self._attributes is None:
            stores: dict[str, tuple[int, int]] = {}
            classes = []
            for order, node in enumerate(ast.walk(self.tree)):
                if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        for sub in ast.walk(target):
                            if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store):
                                stores.setdefault(sub.attr, (order, sub.lineno))
                elif isinstance(node, ast.ClassDef):
                    assigned = set()
                    for statement in node.body:
                        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                            assigned |= _assigned_names(statement)
                    classes.append((order, node, assigned))
            self._attributes = (stores, classes)
        return self._attributes


@dataclass
class Loop:
    """A loop or comprehension clause around a declaration: its target bound to each item of `iter`."""

    target: ast.AST
    iter: ast.AST
    conditions: list = field(default_factory=list)


# --- the analysis -------------------------------------------------------------------------------------


class Analysis:
    """Reads modules on demand (a declaring module and the modules it imports constants from)."""

    def __init__(self, roots: list[Path], max_bytes: int = 10 * 1024 * 1024):
        self.roots = [r.resolve() for r in roots]
        self.max_bytes = max_bytes
        self.modules: dict[Path, Module | None] = {}
        self.problems: dict[Path, str] = {}  # files that could not be read or parsed
        self.problem_positions: dict[Path, tuple[int, int]] = {}  # where (a syntax error's line and column)
        self._active: set = set()
        self._depth = 0

    # modules

    def module(self, path: Path) -> Module | None:
        path = path.resolve()
        if path not in self.modules:
            self.modules[path] = None
            try:
                if path.stat().st_size > self.max_bytes:
                    raise OSError(f"larger than the limit of {self.max_bytes} bytes")
                tree = ast.parse(path.read_bytes(), filename=str(path))
            except (OSError, SyntaxError, ValueError, RecursionError, MemoryError) as exc:
                self.problems[path] = f"{type(exc).__name__}: {exc}"
                if isinstance(exc, SyntaxError) and exc.lineno:
                    self.problem_positions[path] = (exc.lineno, max(exc.offset or 1, 1))
                return None
            module = Module(path, tree)
            module.scope = Scope(tree, "module", None, module)
            self.modules[path] = module
        return self.modules[path]

    def _find_module(self, dotted: str, level: int, importer: Module) -> Path | None:
        """The file of module `dotted` as `importer` imports it: relative to its package, else beside it,
        else from one of its ancestor folders within the roots (a source root)."""
        parts = [p for p in dotted.split(".") if p]
        if level:
            bases = [importer.path.parent.parents[level - 2] if level > 1 else importer.path.parent]
        else:
            bases = [importer.path.parent]
            for ancestor in importer.path.parent.parents:
                if not any(ancestor == root or root in ancestor.parents for root in self.roots):
                    break
                bases.append(ancestor)
        for base in bases:
            target = base.joinpath(*parts) if parts else base
            for candidate in (target.with_suffix(".py") if parts else None, target / "__init__.py"):
                if candidate is not None and candidate.is_file():
                    return candidate
        return None

    def _import(self, dotted: str, level: int, importer: Module):
        if level == 0 and (dotted == CLIENT or dotted.startswith(CLIENT + ".")):
            return ClientRef()
        path = self._find_module(dotted, level, importer)
        if path is None:
            raise Unresolved(f"`{dotted or '.'}` is not a module of the repository")
        module = self.module(path)
        if module is None:
            raise Unresolved(f"{path.name} cannot be read: {self.problems.get(path.resolve(), '')}")
        return ModuleRef(module)

    # names

    def lookup(self, name: str, scope: Scope, loops: dict):
        if name in loops:
            return loops[name]
        start = scope
        while scope is not None:
            if scope is not start and scope.kind == "class":
                scope = scope.parent  # a class body's names are not visible in its methods
                continue
            if name in scope.globals:
                scope = scope.module.scope
                continue
            if name in scope.bindings and name not in scope.nonlocals:
                return self.resolve(name, scope)
            scope = scope.parent
        if name in _BUILTINS:
            return _BUILTINS[name]
        raise Unresolved(f"`{name}` is not defined where it is read")

    def resolve(self, name: str, scope: Scope):
        """The one value `name` has in `scope`, from its bindings there."""
        if name in scope.cache:
            value = scope.cache[name]
            if isinstance(value, Unresolved):
                raise value
            return value
        key = (id(scope), name)
        if key in self._active:
            raise Unresolved(f"`{name}` is defined through itself")
        self._active.add(key)
        try:
            value = self._resolve(name, scope)
        except Unresolved as exc:
            scope.cache[name] = exc
            raise
        finally:
            self._active.discard(key)
        scope.cache[name] = value
        return value

    def _resolve(self, name: str, scope: Scope):
        bindings = scope.bindings[name]
        values = []
        for binding in bindings:
            if binding.kind == "param":
                raise Unresolved(f"`{name}` is a parameter of `{scope.title}()`")
            if binding.kind == "other":
                if len(bindings) == 1 and binding.node is not None and isinstance(binding.node, ast.ClassDef):
                    values.append(ClassRef(self.class_scope(binding.node, scope)))
                    continue
                raise Unresolved(f"`{name}` is bound by {binding.what}")
            if binding.kind == "import":
                values.append(self._import(binding.target, 0, scope.module))
            elif binding.kind == "from":
                dotted, _, attr = binding.target.partition(":")
                values.append(self._from(dotted, attr, binding.level, scope.module))
            else:
                value = self.evaluate(binding.node, scope, {})
                for index in binding.path:
                    if not isinstance(value, tuple) or index >= len(value):
                        raise Unresolved(f"`{name}` is unpacked from a value of another shape")
                    value = value[index]
                values.append(value)
        if any(v != values[0] or type(v) is not type(values[0]) for v in values[1:]):
            raise Unresolved(f"`{name}` is assigned {len(values)} times in `{scope.title}`")
        return values[0]

    def _from(self, dotted: str, attr: str, level: int, importer: Module):
        source = self._import(dotted, level, importer)
        if isinstance(source, ClientRef):
            return ClientRef(attr, module=attr not in KINDS)
        module = source.module
        if attr in module.scope.bindings:
            return self.resolve(attr, module.scope)
        if module.path.name == "__init__.py":  # `from package import submodule`
            return self._import(f"{dotted}.{attr}" if dotted else attr, level, importer)
        raise Unresolved(f"`{attr}` is not defined in {module.path.name}")

    def class_scope(self, node: ast.ClassDef, parent: Scope) -> Scope:
        key = f"<class {id(node)}>"
        if key not in parent.cache:
            parent.cache[key] = Scope(node, "class", parent, parent.module)
        return parent.cache[key]

    def attribute(self, base, attr: str, scope: Scope):
        if isinstance(base, ClientRef):
            if not base.module:
                raise Unresolved(f"`.{attr}` of the client's class `{base.name}`")
            return ClientRef(attr, module=attr not in KINDS)
        if isinstance(base, ModuleRef):
            module = base.module
            if attr in module.scope.bindings:
                return self.resolve(attr, module.scope)
            if module.path.name == "__init__.py":
                path = module.path.parent / f"{attr}.py"
                if path.is_file() or (module.path.parent / attr / "__init__.py").is_file():
                    loaded = self.module(path if path.is_file() else module.path.parent / attr / "__init__.py")
                    if loaded is not None:
                        return ModuleRef(loaded)
            raise Unresolved(f"`{attr}` is not defined in {module.path.name}")
        if isinstance(base, ClassRef):
            return self.class_attribute(base.scope, attr)
        if isinstance(base, dict) and attr in ("items", "keys", "values"):
            return _Method(base, attr)
        if isinstance(base, str) and attr in _STR_METHODS:
            return _Method(base, attr)
        raise Unresolved(f"`.{attr}` of a value computed at run time")

    def class_attribute(self, cls: Scope, attr: str):
        """`self.attr` or `cls.attr` in a method, or `Class.attr`: the class body's constant, when nothing in
        the module assigns the attribute elsewhere (in a method, or a subclass's body)."""
        stores, classes = cls.module.attribute_writes()
        store = stores.get(attr)
        for order, node, assigned in classes:
            if store is not None and store[0] < order:
                break
            if node is not cls.node and attr in assigned and any(
                    isinstance(b, ast.Name) and b.id == cls.title for b in node.bases):
                raise Unresolved(f"`.{attr}` is overridden by the subclass `{node.name}`")
        if store is not None:
            raise Unresolved(f"`.{attr}` is assigned at run time (line {store[1]})")
        if attr in cls.bindings:
            return self.resolve(attr, cls)
        raise Unresolved(f"`.{attr}` is not a constant of the class `{cls.title}`")

    # expressions

    def evaluate(self, node: ast.AST, scope: Scope, loops: dict):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise Unresolved("the value is nested too deeply")
            return self._evaluate(node, scope, loops)
        finally:
            self._depth -= 1

    def _evaluate(self, node: ast.AST, scope: Scope, loops: dict):
        ev = self.evaluate
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (str, int, float, bool, type(None))):
                return node.value
            raise Unresolved(f"a {type(node.value).__name__} constant")
        if isinstance(node, ast.Name):
            return self.lookup(node.id, scope, loops)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and scope.self_name and node.value.id == scope.self_name \
                    and node.value.id not in loops:
                return self.class_attribute(scope.cls, node.attr)
            return self.attribute(ev(node.value, scope, loops), node.attr, scope)
        if isinstance(node, ast.JoinedStr):
            return "".join(ev(v, scope, loops) if isinstance(v, ast.Constant) else self._formatted(v, scope, loops)
                           for v in node.values)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items: list = []
            for element in node.elts:
                if isinstance(element, ast.Starred):
                    items.extend(_iterate(ev(element.value, scope, loops)))
                else:
                    items.append(ev(element, scope, loops))
            return tuple(items)
        if isinstance(node, ast.Dict):
            result = {}
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    spread = ev(value, scope, loops)
                    if not isinstance(spread, dict):
                        raise Unresolved("`**` of a value that is not a dict")
                    result.update(spread)
                else:
                    result[_hashable(ev(key, scope, loops))] = ev(value, scope, loops)
            return result
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left, scope, loops), ev(node.right, scope, loops)
            return _binop(node.op, left, right)
        if isinstance(node, ast.Subscript):
            value = ev(node.value, scope, loops)
            if isinstance(node.slice, ast.Slice):
                bounds = [ev(b, scope, loops) if b is not None else None
                          for b in (node.slice.lower, node.slice.upper, node.slice.step)]
                if not isinstance(value, (str, tuple)) or not all(b is None or _is_int(b) for b in bounds):
                    raise Unresolved("a slice of a value computed at run time")
                return value[slice(*bounds)]
            index = ev(node.slice, scope, loops)
            if not isinstance(value, (dict, str, tuple)) or isinstance(index, bool):
                raise Unresolved("an item of a value computed at run time")
            try:
                return value[_hashable(index)]
            except (KeyError, IndexError, TypeError):
                raise Unresolved(f"`[{index!r}]` is not in the value") from None
        if isinstance(node, ast.Call):
            return self._call(node, scope, loops)
        if isinstance(node, ast.IfExp):
            test = _truth(ev(node.test, scope, loops))
            return ev(node.body if test else node.orelse, scope, loops)
        if isinstance(node, ast.Compare):
            return _compare(node, lambda n: ev(n, scope, loops))
        if isinstance(node, ast.BoolOp):
            value = ev(node.values[0], scope, loops)
            for other in node.values[1:]:
                if (isinstance(node.op, ast.And) and not _truth(value)) or (isinstance(node.op, ast.Or) and
                                                                            _truth(value)):
                    return value
                value = ev(other, scope, loops)
            return value
        if isinstance(node, ast.UnaryOp):
            value = ev(node.operand, scope, loops)
            if isinstance(node.op, ast.Not):
                return not _truth(value)
            if isinstance(node.op, (ast.USub, ast.UAdd)) and isinstance(value, (int, float)) \
                    and not isinstance(value, bool):
                return -value if isinstance(node.op, ast.USub) else value
            raise Unresolved("an operator on a value computed at run time")
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self._comprehension(node, scope, loops)
        raise Unresolved(f"{_describe(node)} is computed at run time")

    def _formatted(self, node: ast.FormattedValue, scope: Scope, loops: dict) -> str:
        value = self.evaluate(node.value, scope, loops)
        if not isinstance(value, (str, int, float, bool, type(None))):
            raise Unresolved("an f-string of a value computed at run time")
        if node.conversion == ord("r"):
            value = repr(value)
        elif node.conversion == ord("a"):
            value = ascii(value)
        elif node.conversion == ord("s"):
            value = str(value)
        spec = self.evaluate(node.format_spec, scope, loops) if node.format_spec is not None else ""
        try:
            return format(value, spec)
        except (ValueError, TypeError):
            raise Unresolved("an f-string whose format fails") from None

    def _call(self, node: ast.Call, scope: Scope, loops: dict):
        function = self.evaluate(node.func, scope, loops)
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                args.extend(_iterate(self.evaluate(arg.value, scope, loops)))
            else:
                args.append(self.evaluate(arg, scope, loops))
        kwargs = {}
        for keyword in node.keywords:
            value = self.evaluate(keyword.value, scope, loops)
            if keyword.arg is None:
                if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
                    raise Unresolved("`**` of a value that is not a dict of names")
                kwargs.update(value)
            else:
                kwargs[keyword.arg] = value
        if isinstance(function, (_Method, _Builtin)):
            return function(args, kwargs)
        raise Unresolved(f"the result of calling {_describe(node.func)}")

    def _comprehension(self, node, scope: Scope, loops: dict):
        results = []
        for bound in self.iterations([Loop(g.target, g.iter, list(g.ifs)) for g in node.generators], scope, loops):
            if isinstance(node, ast.DictComp):
                results.append((_hashable(self.evaluate(node.key, scope, bound)),
                                self.evaluate(node.value, scope, bound)))
            else:
                results.append(self.evaluate(node.elt, scope, bound))
        return dict(results) if isinstance(node, ast.DictComp) else tuple(results)

    def iterations(self, clauses: list[Loop], scope: Scope, loops: dict) -> list[dict]:
        """Every binding of the clauses' targets (outer first), filtered by their conditions."""
        found = [dict(loops)]
        for clause in clauses:
            following = []
            for bound in found:
                for item in _iterate(self.evaluate(clause.iter, scope, bound)):
                    inner = dict(bound)
                    _unpack(clause.target, item, inner)
                    if all(_truth(self.evaluate(c, scope, inner)) for c in clause.conditions):
                        following.append(inner)
                    if len(following) > MAX_DECLARATIONS_PER_CALL:
                        raise Unresolved(f"a loop of more than {MAX_DECLARATIONS_PER_CALL} items")
            found = following
        return found

    # declarations

    def client_class(self, func: ast.AST, scope: Scope) -> str | None:
        """The client class `func` names (`Counter`, `prometheus_client.Gauge`, an alias), else None."""
        if not isinstance(func, (ast.Name, ast.Attribute)):
            return None
        try:
            value = self.evaluate(func, scope, {})
        except Unresolved:
            return None
        return value.name if isinstance(value, ClientRef) and not value.module and value.name in KINDS else None

    def declarations(self, path: Path) -> list[Declaration]:
        module = self.module(path)
        if module is None:
            return []
        found: list[Declaration] = []
        self._walk(module.tree, module.scope, [], found)
        return found

    def _walk(self, node: ast.AST, scope: Scope, loops: list[Loop], found: list[Declaration]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                for default in child.args.defaults + [d for d in child.args.kw_defaults if d is not None]:
                    self._walk_statement(default, scope, loops, found)
                inner = scope.cache.get(f"<def {id(child)}>")
                if inner is None:
                    inner = scope.cache[f"<def {id(child)}>"] = Scope(child, "function", scope, scope.module)
                    if scope.kind == "class" and child.args.posonlyargs + child.args.args and not any(
                            isinstance(d, ast.Name) and d.id == "staticmethod" for d in getattr(
                                child, "decorator_list", [])):
                        inner.self_name = (child.args.posonlyargs + child.args.args)[0].arg
                        inner.cls = scope
                for statement in (child.body if isinstance(child.body, list) else [child.body]):
                    self._walk_statement(statement, inner, [], found)
                for decorator in getattr(child, "decorator_list", []):
                    self._walk_statement(decorator, scope, loops, found)
            elif isinstance(child, ast.ClassDef):
                for expr in child.bases + child.keywords + child.decorator_list:
                    self._walk_statement(expr, scope, loops, found)
                inner = self.class_scope(child, scope)
                for statement in child.body:
                    self._walk_statement(statement, inner, [], found)
            else:
                self._walk_statement(child, scope, loops, found)

    def _walk_statement(self, node: ast.AST, scope: Scope, loops: list[Loop], found: list[Declaration]) -> None:
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self._walk_statement(node.iter, scope, loops, found)
            inner = loops + [Loop(node.target, node.iter)]
            for statement in node.body:
                self._walk_statement(statement, scope, inner, found)
            for statement in node.orelse:
                self._walk_statement(statement, scope, loops, found)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            holder = ast.Module(body=[node], type_ignores=[])
            self._walk(holder, scope, loops, found)
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = loops + [Loop(g.target, g.iter, list(g.ifs)) for g in node.generators]
            self._walk_statement(node.generators[0].iter, scope, loops, found)
            for part in ([node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]):
                self._walk_statement(part, scope, inner, found)
            return
        if isinstance(node, ast.Call):
            cls = self.client_class(node.func, scope)
            if cls is not None:
                found.extend(self._declare(node, cls, scope, loops))
        self._walk(node, scope, loops, found)

    def _declare(self, node: ast.Call, cls: str, scope: Scope, loops: list[Loop]) -> list[Declaration]:
        module = scope.module
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        bound: set[str] = set()
        for loop in loops:
            bound |= {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        try:
            environments = self.iterations(loops, scope, {}) if used & bound else [{}]
        except Unresolved as exc:
            return [Declaration(module.path, node.lineno, node.col_offset + 1, cls,
                                unresolved=f"it is declared in a loop over values computed at run time ({exc})")]
        return [self._declaration(node, cls, scope, env) for env in environments]

    def _declaration(self, node: ast.Call, cls: str, scope: Scope, loops: dict) -> Declaration:
        declaration = Declaration(scope.module.path, node.lineno, node.col_offset + 1, cls)
        kind = KINDS[cls]
        try:
            arguments = self._arguments(node, kind, scope, loops)
            declaration.family = self._family(cls, kind, arguments, declaration)
        except Unresolved as exc:
            declaration.unresolved = str(exc)
        except Invalid as exc:
            declaration.invalid = str(exc)
        return declaration

    def _arguments(self, node: ast.Call, kind: Kind, scope: Scope, loops: dict) -> dict:
        """Each given parameter's value, or an Unresolved for those that cannot be read (only the name's
        parts are needed: a documentation string or labels computed at run time leave the family known)."""
        given: dict = {}
        position = 0
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                try:
                    values = list(_iterate(self.evaluate(arg.value, scope, loops)))
                except Unresolved as exc:
                    raise Unresolved(f"its arguments are passed with `*` ({exc})") from None
            else:
                values = [_Lazy(arg)]
            for value in values:
                self._give(given, kind, position, value)
                position += 1
        for keyword in node.keywords:
            if keyword.arg is None:
                try:
                    spread = self.evaluate(keyword.value, scope, loops)
                except Unresolved as exc:
                    raise Unresolved(f"its arguments are passed with `**` ({exc})") from None
                if not isinstance(spread, dict):
                    raise Unresolved("its arguments are passed with `**` of a value that is not a dict")
                for key, value in spread.items():
                    self._give(given, kind, key, value)
            else:
                if keyword.arg in given:
                    raise Invalid(f"it gives `{keyword.arg}` twice")
                given[keyword.arg] = _Lazy(keyword.value)
        unknown = [k for k in given if k not in kind.params]
        if unknown:
            raise Invalid(f"the client takes no argument `{unknown[0]}`")
        values = {}
        for key, value in given.items():
            if isinstance(value, _Lazy):
                try:
                    value = self.evaluate(value.node, scope, loops)
                except Unresolved as exc:
                    value = exc
            values[key] = value
        return values

    @staticmethod
    def _give(given: dict, kind: Kind, key, value) -> None:
        if isinstance(key, int):
            if key >= len(kind.params):
                raise Invalid("more positional arguments than the client takes")
            key = kind.params[key]
        if key in given:
            raise Invalid(f"it gives `{key}` twice")
        given[key] = value

    def _family(self, cls: str, kind: Kind, args: dict, declaration: Declaration) -> Family:
        for required in ("name", "documentation"):
            if required not in args:
                raise Invalid(f"it has no `{required}`")

        def known(key: str, default):
            value = args.get(key, default)
            if isinstance(value, Unresolved):
                raise Unresolved(f"its {key} is not a constant: {value}")
            return value

        name = known("name", "")
        parts = {key: known(key, "") for key in ("namespace", "subsystem", "unit") if key in kind.params}
        if kind.collector and "unit" not in kind.params:
            parts["unit"] = ""
        labels_key = "labels" if kind.collector else "labelnames"
        labels_value = args.get(labels_key, None if kind.collector else ())
        labels: tuple | None = None
        if isinstance(labels_value, Unresolved):
            declaration.labels_unresolved = f"its {labels_key} are not constants: {labels_value}"
        elif labels_value is not None:
            labels = _label_tuple(labels_value)
        elif kind.collector:
            labels = ()
        if not kind.collector:
            if cls == "Enum":
                states = args.get("states")
                if labels is not None and isinstance(name, str) and name in labels:
                    raise Invalid(f"the Enum's name `{name}` is one of its label names")
                if states is None or (not isinstance(states, Unresolved) and not states):
                    raise Invalid("the Enum has no states")
            if cls == "Gauge" and isinstance(args.get("multiprocess_mode"), str) and \
                    args["multiprocess_mode"] not in GAUGE_MODES:
                raise Invalid(f"multiprocess_mode `{args['multiprocess_mode']}` is not one the client knows")
            if _given(args, "_labelvalues"):
                raise Unresolved("it is a child (`_labelvalues`), not a declaration")
        else:
            for value_key in kind.exclusive:
                if _given(args, value_key) and _given(args, "labels"):
                    raise Invalid(f"it gives both `{value_key}` and `labels`")
            if cls == "SummaryMetricFamily" and _given(args, "count_value") != _given(args, "sum_value"):
                raise Invalid("it gives one of `count_value` and `sum_value` without the other")
            if cls == "HistogramMetricFamily" and _given(args, "sum_value") and not _given(args, "buckets"):
                raise Invalid("it gives `sum_value` without `buckets`")
        full = full_name(kind, name, **parts)
        if labels is not None:
            for label in labels:
                if not isinstance(label, str):
                    raise Invalid(f"the label name {label!r} is not a string")
                if not kind.collector and label.startswith("__"):
                    raise Invalid(f"the label name `{label}` is reserved (it starts with `__`)")
                if not kind.collector and label in kind.reserved:
                    raise Invalid(f"a {cls} may not have a label named `{label}`")
            odd = [label for label in labels if not LEGACY_LABEL.fullmatch(label)]
            if odd:
                declaration.labels_unresolved = (f"the label name `{odd[0]}` is not a classic label name: how it is "
                                                 "stored depends on the scrape's escaping scheme")
                labels = None
        if cls == "Histogram" and _given(args, "buckets") and not isinstance(args["buckets"], Unresolved):
            _check_buckets(args["buckets"])
        if kind.type == "stateset" and not LEGACY_LABEL.fullmatch(full):
            declaration.labels_unresolved = (f"its state is a label named `{full}`, not a classic label name: how it "
                                             "is stored depends on the scrape's escaping scheme")
            labels = None
        if not LEGACY_NAME.fullmatch(full):
            raise Unresolved(f"`{full}` is not a classic metric name: the name Prometheus stores depends on the "
                             "scrape's escaping scheme")
        documentation = args.get("documentation")
        return Family(full, cls, kind.type, tuple(dict.fromkeys(labels or ())),
                      labels is None or kind.type == "info",
                      documentation if isinstance(documentation, str) else None)


def full_name(kind: Kind, name, namespace="", subsystem="", unit="") -> str:
    """The family name the client builds (Invalid where it raises)."""
    for key, value in (("name", name), ("namespace", namespace), ("subsystem", subsystem), ("unit", unit)):
        if not isinstance(value, str):
            raise Invalid(f"its {key} is not a string")
    if not kind.collector and not name:
        raise Invalid("its name is empty")
    full = name if kind.collector else "".join(f"{part}_" for part in (namespace, subsystem) if part) + name
    if kind.type == "counter" and full.endswith("_total"):
        full = full[: -len("_total")]
    if unit and not full.endswith(f"_{unit}"):
        full = f"{full}_{unit}"
    if unit and kind.type in ("info", "stateset"):
        raise Invalid(f"a {kind.type} metric cannot have a unit")
    if not full:
        raise Invalid("its name is empty")
    return full


# --- small helpers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lazy:
    node: ast.AST


def _given(args: dict, key: str) -> bool:
    return key in args and args[key] is not None


def _label_tuple(value) -> tuple:
    if isinstance(value, (tuple, str)):
        return tuple(value)  # a string is read as its characters, as the client does
    if isinstance(value, dict):
        return tuple(value)
    raise Invalid("its label names are not a list of strings")


def _check_buckets(buckets) -> None:
    try:
        values = [float(b) for b in _iterate(buckets)]
    except (TypeError, ValueError, Unresolved):
        raise Invalid("its buckets are not numbers") from None
    if values != sorted(values):
        raise Invalid("its buckets are not in increasing order")
    if values and values[-1] != float("inf"):
        values.append(float("inf"))
    if len(values) < 2:
        raise Invalid("a histogram needs at least two buckets")


def _assigned_names(statement) -> set[str]:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _describe(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except (ValueError, RecursionError, AttributeError):
        text = type(node).__name__
    return f"`{text if len(text) <= 60 else text[:57] + '...'}`"


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _hashable(value):
    if isinstance(value, dict):
        raise Unresolved("a dict used as a key")
    return value


def _iterate(value) -> tuple:
    if isinstance(value, dict):
        return tuple(value)
    if isinstance(value, (tuple, str)):
        return tuple(value)
    raise Unresolved("a loop over a value computed at run time")


def _truth(value) -> bool:
    if isinstance(value, (str, int, float, bool, tuple, dict, type(None))):
        return bool(value)
    raise Unresolved("a condition on a value computed at run time")


def _unpack(target: ast.AST, item, into: dict) -> None:
    if isinstance(target, ast.Name):
        into[target.id] = item
    elif isinstance(target, (ast.Tuple, ast.List)) and not any(isinstance(e, ast.Starred) for e in target.elts):
        if not isinstance(item, (tuple, str)) or len(item) != len(target.elts):
            raise Unresolved("a loop unpacks items of another shape")
        for element, value in zip(target.elts, item, strict=True):
            _unpack(element, value, into)
    else:
        raise Unresolved("a loop whose target is not names")


def _binop(op: ast.operator, left, right):
    simple = (str, int, float, bool, tuple)
    if not isinstance(left, simple) or not isinstance(right, simple):
        raise Unresolved("an operation on a value computed at run time")
    try:
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Mod) and isinstance(left, str):
            return left % right
        if isinstance(op, ast.Mult) and (_is_int(left) or _is_int(right)) and not (
                isinstance(left, (str, tuple)) and isinstance(right, (str, tuple))):
            count = right if _is_int(right) else left
            if isinstance(left, (str, tuple)) or isinstance(right, (str, tuple)):
                if count > 1000:
                    raise Unresolved("a repeated sequence too long to follow")
            return left * right
    except (TypeError, ValueError, KeyError, OverflowError):
        raise Unresolved("an operation that fails") from None
    raise Unresolved(f"the operator `{type(op).__name__}`")


_COMPARISONS = {ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.In: lambda a, b: a in b,
                ast.NotIn: lambda a, b: a not in b, ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
                ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b}


def _compare(node: ast.Compare, ev) -> bool:
    left = ev(node.left)
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = ev(comparator)
        compare = _COMPARISONS.get(type(op))
        if compare is None:
            raise Unresolved("an identity comparison")
        try:
            if not compare(left, right):
                return False
        except TypeError:
            raise Unresolved("a comparison that fails") from None
        left = right
    return True


@dataclass(frozen=True)
class _Method:
    """A pure method of a constant: `"_".join(PARTS)`, `PREFIX.upper()`, `METRICS.items()`."""

    value: object
    name: str

    def __call__(self, args: list, kwargs: dict):
        if isinstance(self.value, dict):
            if args or kwargs:
                raise Unresolved(f"`.{self.name}()` with arguments")
            if self.name == "items":
                return tuple(self.value.items())
            return tuple(self.value) if self.name == "keys" else tuple(self.value.values())
        for arg in list(args) + list(kwargs.values()):
            if not isinstance(arg, (str, int, float, bool, tuple, type(None))):
                raise Unresolved(f"`.{self.name}()` of a value computed at run time")
        if self.name == "join":
            if len(args) != 1 or kwargs:
                raise Unresolved("`.join()` with other arguments")
            items = _iterate(args[0])
            if not all(isinstance(i, str) for i in items):
                raise Unresolved("`.join()` of values that are not strings")
        try:
            return getattr(self.value, self.name)(*args, **kwargs)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            raise Unresolved(f"`.{self.name}()` fails on its arguments") from None


_STR_METHODS = frozenset({"format", "join", "lower", "upper", "strip", "lstrip", "rstrip", "replace", "removeprefix",
                          "removesuffix", "title", "capitalize"})


@dataclass(frozen=True)
class _Builtin:
    name: str

    def __call__(self, args: list, kwargs: dict):
        if kwargs:
            raise Unresolved(f"`{self.name}()` with keyword arguments")
        if self.name in ("tuple", "list", "set", "frozenset", "sorted"):
            if len(args) != 1:
                raise Unresolved(f"`{self.name}()` with {len(args)} arguments")
            items = _iterate(args[0])
            if self.name == "sorted":
                try:
                    return tuple(sorted(items))
                except TypeError:
                    raise Unresolved("`sorted()` of values that do not compare") from None
            return tuple(dict.fromkeys(items)) if self.name in ("set", "frozenset") else items
        if self.name == "str" and len(args) == 1 and isinstance(args[0], (str, int, float, bool, type(None))):
            return str(args[0])
        if self.name in ("float", "int") and len(args) == 1 and isinstance(args[0], (str, int, float)) \
                and not isinstance(args[0], bool):
            try:
                return float(args[0]) if self.name == "float" else int(args[0])
            except (ValueError, OverflowError):
                raise Unresolved(f"`{self.name}()` fails on its argument") from None
        if self.name == "dict" and not args:
            return {}
        if self.name == "zip":
            return tuple(zip(*[_iterate(a) for a in args], strict=False))
        if self.name == "enumerate" and len(args) == 1:
            return tuple(enumerate(_iterate(args[0])))
        if self.name == "range" and 1 <= len(args) <= 3 and all(_is_int(a) for a in args):
            result = range(*args)
            if len(result) > MAX_DECLARATIONS_PER_CALL:
                raise Unresolved("a range too long to follow")
            return tuple(result)
        raise Unresolved(f"`{self.name}()` of values computed at run time")


_BUILTINS = {name: _Builtin(name) for name in ("tuple", "list", "set", "frozenset", "sorted", "str", "dict", "zip",
                                                "enumerate", "range", "float", "int")}


def mentions_client(data: bytes) -> bool:
    """Whether a Python file may declare metrics (it names prometheus_client): the others are read only when
    a declaring module imports a constant from them."""
    return CLIENT.encode() in data


def declarations(files: list[Path], roots: list[Path], max_bytes: int = 10 * 1024 * 1024
                 ) -> tuple[list[Declaration], dict[Path, str]]:
    """The prometheus_client declarations of `files` (those that name the client), resolved through the
    modules under `roots` they import; and the files that could not be read or parsed (why)."""
    analysis = Analysis(roots, max_bytes)
    found: list[Declaration] = []
    for path in files:
        try:
            if path.stat().st_size > max_bytes:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if mentions_client(data):
            found.extend(analysis.declarations(path))
            problem = analysis.problems.get(path.resolve())
            if problem is not None:  # its metrics are not known: a declaration unread (the namespace stays open)
                line, column = analysis.problem_positions.get(path.resolve(), (1, 1))
                found.append(Declaration(path, line, column, "", unresolved=f"the file is not read ({problem})"))
    return found, dict(analysis.problems)
