"""Go values as the template evaluator sees them: Python values that know their Go type.

A Go string is a `str` (bytes that are no UTF-8 kept as surrogate escapes U+DC80-U+DCFF), `bool` a bool,
`int` an int, `float64` a float; named types and composites are the classes below, each with its `GoType`
(`.gotype`). `None` is Go's invalid reflect.Value (what a missing key or a nil interface yields).
Methods are looked up in `GoType.methods`: name -> `GoFunc`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


class GoError(Exception):
    """An error a Go function returned (or a panic it raised), in Go's words."""


@dataclass(eq=False)
class GoType:
    name: str  # as %T and reflect print it: "template.KV", "[]string", "map[string]interface {}"
    kind: str  # bool int int64 int32 uint8 uint64 float64 complex128 string slice map struct interface ptr func
    elem: "GoType | None" = None
    key: "GoType | None" = None
    fields: tuple[str, ...] = ()  # struct fields in order
    field_types: dict = field(default_factory=dict)
    unexported: tuple[str, ...] = ()  # struct fields fmt prints but templates cannot read
    methods: dict = field(default_factory=dict)
    underlying: "GoType | None" = None  # for named types: the unnamed type they are defined as
    comparable: bool = True

    def __repr__(self):
        return self.name

    def base(self) -> "GoType":
        return self.underlying or self

    def assignable_to(self, other: "GoType") -> bool:
        """Go's assignability, for the types templates meet."""
        if self is other or other.kind == "interface" and not other.methods:
            return True
        if other.kind == "interface":
            return all(name in self.methods for name in other.methods)
        # identical underlying types, and at least one of the two is not a named type
        if (self.underlying is None or other.underlying is None) and _same(self.base(), other.base()):
            return True
        return False


def _same(a: GoType, b: GoType) -> bool:
    return a is b or a.name == b.name


@dataclass(eq=False)
class GoFunc:
    """A Go function or method: parameter types (the last one the element type if variadic), the result
    type and whether it also returns an error; `impl` takes Python values and returns one value."""

    name: str
    params: tuple[GoType, ...]
    result: GoType | None
    impl: Callable[..., Any]
    variadic: bool = False
    returns_error: bool = False
    builtin: bool = False

    def type_name(self) -> str:
        params = [p.name for p in self.params]
        if self.variadic and params:
            params[-1] = "..." + params[-1]
        out = self.result.name if self.result else ""
        if self.returns_error:
            out = f"({out}, error)" if out else "error"
        return f"func({', '.join(params)}) {out}".rstrip()


def basic(name: str, kind: str | None = None) -> GoType:
    return GoType(name, kind or name)


BOOL = basic("bool")
INT = basic("int")
INT64 = basic("int64")
INT32 = basic("int32")
UINT8 = basic("uint8")
UINT = basic("uint")
UINT64 = basic("uint64")
FLOAT64 = basic("float64")
COMPLEX128 = basic("complex128")
STRING = basic("string")
ANY = GoType("interface {}", "interface")
ERROR = GoType("error", "interface", methods={"Error": None})
REFLECT_VALUE = GoType("reflect.Value", "struct")  # what builtins take: any value, unchecked
SLICE_STRING = GoType("[]string", "slice", elem=STRING, comparable=False)
SLICE_ANY = GoType("[]interface {}", "slice", elem=ANY, comparable=False)
MAP_STRING_ANY = GoType("map[string]interface {}", "map", key=STRING, elem=ANY, comparable=False)
MAP_STRING_STRING = GoType("map[string]string", "map", key=STRING, elem=STRING, comparable=False)

INT_KINDS = frozenset(("int", "int64", "int32", "int16", "int8"))
UINT_KINDS = frozenset(("uint", "uint64", "uint32", "uint16", "uint8", "uintptr"))


class GoStr(str):
    """A string of a named string type (html/template's HTML, URL, ...)."""

    gotype: GoType

    def __new__(cls, value: str, gotype: GoType):
        obj = super().__new__(cls, value)
        obj.gotype = gotype
        return obj


class GoInt(int):
    """An integer of a type other than int: int64, time.Duration, time.Month, ..."""

    gotype: GoType

    def __new__(cls, value: int, gotype: GoType):
        obj = super().__new__(cls, value)
        obj.gotype = gotype
        return obj


class GoSlice(list):
    """A slice; `nil` tells a nil slice from an empty one (they differ only in encoding/json)."""

    def __init__(self, items=(), gotype: GoType = SLICE_ANY, nil: bool = False):
        super().__init__(items)
        self.gotype = gotype
        self.nil = nil and not self


class GoMap(dict):
    """A map; `nil` tells a nil map from an empty one (they differ only in encoding/json)."""

    def __init__(self, items=(), gotype: GoType = MAP_STRING_ANY, nil: bool = False):
        super().__init__(items)
        self.gotype = gotype
        self.nil = nil and not self


class GoStruct:
    __slots__ = ("gotype", "values")

    def __init__(self, gotype: GoType, values: dict):
        self.gotype = gotype
        self.values = values

    def __eq__(self, other):
        return isinstance(other, GoStruct) and other.gotype is self.gotype and other.values == self.values

    def __hash__(self):
        return id(self)

    def __repr__(self):
        return f"{self.gotype.name}{self.values}"


class NilInterface:
    """A nil value of an interface type held in a container of `any` (Go unwraps it to an invalid value
    between commands)."""

    __slots__ = ()

    def __repr__(self):
        return "<nil interface>"


NIL = NilInterface()


def type_of(v: Any) -> GoType | None:
    """The Go type of a value; None for an invalid value."""
    if v is None or v is NIL:
        return None
    t = getattr(v, "gotype", None)
    if t is not None:
        return t
    if isinstance(v, bool):
        return BOOL
    if isinstance(v, int):
        return INT
    if isinstance(v, float):
        return FLOAT64
    if isinstance(v, str):
        return STRING
    if isinstance(v, complex):
        return COMPLEX128
    if isinstance(v, GoFunc):
        return GoType(v.type_name(), "func", comparable=False)
    raise TypeError(f"not a Go value: {v!r}")


def kind_of(v: Any) -> str:
    t = type_of(v)
    return "invalid" if t is None else t.kind


def type_name(v: Any) -> str:
    t = type_of(v)
    return "<nil>" if t is None else t.name


def go_len(v: Any) -> int:
    """len() of a string in bytes, of a slice or map in elements."""
    if isinstance(v, str):
        return utf8_len(v)
    return len(v)


def utf8_len(s: str) -> int:
    if s.isascii():
        return len(s)
    return len(s.encode("utf-8", "surrogateescape"))


def to_bytes(s: str) -> bytes:
    return s.encode("utf-8", "surrogateescape")


def from_bytes(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def is_true(v: Any) -> tuple[bool, bool]:
    """text/template's truth: (truth, ok)."""
    if v is None or v is NIL:
        return False, True
    k = kind_of(v)
    if k in ("slice", "map", "string"):
        return len(v) > 0, True
    if k == "bool":
        return bool(v), True
    if k in INT_KINDS or k in UINT_KINDS or k in ("float64", "complex128"):
        return v != 0, True
    if k == "struct":
        return True, True
    if k in ("func", "ptr", "interface"):
        return True, True
    return False, False
