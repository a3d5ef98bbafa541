"""A random PromQL generator for differential tests: mostly well-formed expressions over the whole
language of Prometheus 2.42-3.16 (duration expressions, trim operators, anchored/smoothed, fill
modifiers, quoted and UTF-8 names, experimental functions, numbers with underscores, ...), plus
mutations of them (a token dropped, doubled or swapped) for the invalid side.

`expression(r)` takes any random.Random (or hypothesis's st.randoms()) so the same grammar drives
seeded batches for the oracle tests and hypothesis tests.
"""

from __future__ import annotations

import random
import re

from obslint.promql import versions

COMMON_NAMES = ["foo", "x", "up", "http_requests_total", "node_cpu_seconds_total", "a:b:c", "y"]
NAMES = ["foo", "x", "up", "http_requests_total", "a:b:c", "sum", "offset", "by", "step", "range", "anchored",
         "smoothed", "fill", "min_of", "start", "end", "and", "bool", "on", "limitk", "Inf", "nan", "métrique",
         "group_left", "without", "count", "max_of", "fill_left", "STEP"]
LABELS = ["a", "job", "le", "__name__", "on", "offset", "step", "anchored", "bool", "without", "fill", "range",
          "a:b", "é", "x1"]
VALUES = ['"b"', '""', "'c'", '`r`', '"x\\"y"', '"\\x41"', '"\\xff"', '"\\u00e9"', '"\\q"', '"é"']
REGEXES = ['".*"', '".+"', '"a|b"', '"(?<n>x)"', '"(?P<n>x)"', '"a{1001}"', '"a**"', '"\\\\d+"', '`\\d+`',
           '"[[:alpha:]]"', '"(?i)x"', '"("', '""', '"\\\\C"', '"(?=x)"']
QUOTED = ['"a.b"', '"foo"', '""', '"a b"', '"é"', "'x'", '"__name__"', '"\\xff"']
NUMBERS = ["1", "0", "0.5", ".5", "1.", "1e3", "1e400", "1e-400", "0x1F", "0x1e+1", "0xee", "0x", "08", "0755",
           "1_000", "1__0", "1_", "0x_1F", "1_000.5", "1e1_0", "Inf", "NaN", "-1", "9223372036854775808",
           "0xFFFFFFFFFFFFFFFFFF", "1e", "00", "1_0e5", "5.5e-3", "300", "-0", "0.0001", "1e20"]
DURATIONS = ["5m", "1h30m", "0s", "1ms", "1y", "5m1h", "1.5m", "30s", "1d", "1w", "1hs", "2m30s", "90s", "5M",
             "1y2w3d4h5m6s7ms", "100000000000y", "0ms"]
FUNCTIONS = {
    "rate": "m", "irate": "m", "increase": "m", "delta": "m", "abs": "v", "ceil": "v", "sort": "v",
    "histogram_quantile": "s v", "label_replace": "v S S S S", "label_join": "v S S S", "round": "v s?",
    "clamp": "v s s", "vector": "s", "scalar": "v", "time": "", "pi": "", "year": "v?",
    "predict_linear": "m s", "quantile_over_time": "s m", "holt_winters": "m s s",
    "double_exponential_smoothing": "m s s", "mad_over_time": "m", "sort_by_label": "v S*",
    "sort_by_label_desc": "v S*", "histogram_avg": "v", "histogram_stddev": "v", "info": "v v?",
    "ts_of_max_over_time": "m", "first_over_time": "m", "ts_of_first_over_time": "m",
    "histogram_quantiles": "v S s s*", "start": "", "end": "", "step": "", "range": "", "max_of": "s s",
    "min_of": "s s", "start_timestamp": "v", "integral": "m s?", "absent_over_time": "m", "timestamp": "v",
    "unknown_fn": "v", "Step": "", "histogram_fraction": "s s v",
}
AGGREGATIONS = ["sum", "avg", "count", "min", "max", "group", "stddev", "topk", "bottomk", "quantile",
                "count_values", "limitk", "limit_ratio", "SUM"]
BINARY = ["+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<=", "and", "or", "unless", "atan2", "</",
          ">/", "AND"]


class _Rand:
    """A random source that picks an edge case with probability `edge`, a common case otherwise."""

    def __init__(self, r: random.Random, edge: float):
        self.r = r
        self.edge = edge

    def random(self) -> float:
        return self.r.random()

    def randrange(self, n: int) -> int:
        return self.r.randrange(n)

    def choice(self, seq):
        return self.r.choice(seq)

    def pick(self, common, edgy):
        return self.r.choice(edgy if self.r.random() < self.edge else common)

    def odd(self) -> bool:
        return self.r.random() < self.edge


def expression(r: random.Random, depth: int = 3, mutate: float | None = None, edge: float | None = None) -> str:
    """One expression; `edge` is how often a part is an edge case (default: mostly common parts)."""
    if edge is None:
        edge = r.choice([0.02, 0.05, 0.1, 0.3])
    if mutate is None:
        mutate = r.choice([0.0, 0.05, 0.15])
    text = _expr(_Rand(r, edge), depth)
    if r.random() < mutate:
        text = _mutate(r, text)
    return text


def _space(r) -> str:
    return r.choice(["", "", "", " ", " ", "\n", "  ", " # c\n"])


def _expr(r, depth: int, want: str = "v") -> str:
    """An expression of type `want` (v vector, s scalar, m range vector), mostly."""
    if r.odd():
        want = r.choice("vsmS")
    if want == "m":
        return _matrix(r, depth)
    if want == "S":
        return r.choice(['"str"', "'s'", "`raw`"])
    if depth <= 0:
        return _vector_leaf(r) if want == "v" else _scalar_leaf(r)
    choice = r.random()
    if choice < 0.22:
        return _vector_leaf(r) if want == "v" else _scalar_leaf(r)
    if choice < 0.42:
        op = r.pick(["+", "-", "*", "/", ">", "<", "==", "and", "or", "unless", "</", ">/", "^", "%"], BINARY)
        if want == "s":
            lhs, rhs = _expr(r, depth - 1, "s"), _expr(r, depth - 1, "s")
            if op in ("==", "!=", ">", "<", ">=", "<=") and not r.odd():
                op += " bool"
            elif op.lower() in ("and", "or", "unless"):
                op = "+"
        else:
            sides = r.choice(["vv", "vv", "vs", "sv"]) if op.lower() not in ("and", "or", "unless") else "vv"
            lhs, rhs = _expr(r, depth - 1, sides[0]), _expr(r, depth - 1, sides[1])
            op += _bin_modifier(r) if sides == "vv" else ""
        return f"{lhs}{_space(r) or ' '}{op} {rhs}"
    if choice < 0.62:
        return _call(r, depth, want)
    if choice < 0.76 and want == "v":
        return _aggregation(r, depth)
    if choice < 0.84:
        return r.pick(["-", "+"], ["- -", "-+"]) + _expr(r, depth - 1, want)
    if choice < 0.92:
        return f"({_space(r)}{_expr(r, depth - 1, want)}{_space(r)})"
    return _vector_leaf(r) if want == "v" else _scalar_leaf(r)


def _vector_leaf(r) -> str:
    return _postfix(r, _selector(r), 1)


def _scalar_leaf(r) -> str:
    choice = r.random()
    if choice < 0.6:
        return r.pick(["1", "0.5", "100", "2", "1e3", "0x1F", "1_000"], NUMBERS)
    if choice < 0.8:
        return r.pick(["5m", "1h", "30s"], DURATIONS)
    return r.pick(["time()", "scalar(up)", "pi()"], ["step()", "range()", "max_of(1, 2)", "start()"])


def _matrix(r, depth: int) -> str:
    if depth > 0 and r.random() < 0.25:  # a subquery
        inner = _expr(r, depth - 1, "v")
        if not re.fullmatch(r"[A-Za-z_:][A-Za-z0-9_:]*(?:\{[^}]*\})?", inner):
            inner = f"({inner})"
        step = r.choice(["", _duration_expr(r, 1)])
        text = f"{inner}[{_duration_expr(r, 1)}:{step}]"
    else:
        text = f"{_selector(r)}[{_duration_expr(r, 2)}]"
    for _ in range(r.choice([0, 0, 1, 2])):
        choice = r.random()
        if choice < 0.4:
            text += f" offset {r.pick(['', '-'], ['+', '- -'])}{_duration_expr(r, 2)}"
        elif choice < 0.7:
            text += " @ " + r.pick(["100", "start()", "end()", "1700000000"],
                                   ["-5", "1e20", "5m", "Inf", "+10", "1_000", "step()"])
        else:
            text += " " + r.pick(["anchored", "smoothed"], ["ANCHORED", "anchored smoothed"])
    return text


def _leaf(r) -> str:
    return _vector_leaf(r) if r.random() < 0.6 else _scalar_leaf(r)


def _selector(r: random.Random) -> str:
    name = r.pick(COMMON_NAMES, NAMES) if r.random() < 0.8 else ""
    if not name or r.random() < 0.45:
        matchers = [_matcher(r) for _ in range(r.choice([0, 1, 1, 2, 3]))]
        inside = ", ".join(matchers) + (r.choice(["", "", ","]) if matchers else "")
        return f"{name}{{{inside}}}"
    return name


def _matcher(r: random.Random) -> str:
    choice = r.random()
    if choice < 0.1:
        return r.choice(QUOTED)
    name = r.pick(["a", "job", "le", "instance"], LABELS) if choice < 0.9 else r.choice(QUOTED)
    op = r.choice(["=", "!=", "=~", "!~", "="])
    value = r.pick(['".+"', '"a|b"', '"api.*"'], REGEXES) if "~" in op else r.pick(['"b"', '"api"', "'c'"], VALUES)
    return f"{name}{op}{value}"


def _duration_expr(r: random.Random, depth: int) -> str:
    choice = r.random()
    if depth <= 0 or choice < 0.45:
        return r.pick(["5m", "1h", "30s", "2m", "10m", "300", "1d"], DURATIONS + ["5", "1.5", "0", "10", "1e3"])
    if choice < 0.6:
        op = r.choice(["+", "-", "*", "/", "%", "^"])
        return f"{_duration_expr(r, depth - 1)}{r.choice(['', ' '])}{op}{r.choice(['', ' '])}" \
               f"{_duration_expr(r, depth - 1)}"
    if choice < 0.7:
        return f"({_duration_expr(r, depth - 1)})"
    if choice < 0.78:
        return r.choice(["-", "+"]) + _duration_expr(r, depth - 1)
    if choice < 0.9:
        return r.pick(["step()", "range()"], ["STEP()", "step ()", "step", "range( )"])
    fn = r.pick(["max_of", "min_of"], ["min", "max", "MAX_OF"])
    return f"{fn}({_duration_expr(r, depth - 1)}, {_duration_expr(r, depth - 1)})"


def _postfix(r, base: str, depth: int) -> str:
    """Modifiers after an instant vector selector: offset, @, anchored/smoothed (and, oddly, a range)."""
    text = base
    for _ in range(r.choice([0, 0, 0, 1, 1, 2])):
        choice = r.random()
        if r.odd():
            text += r.choice([f"[{_duration_expr(r, 2)}]", f"[{_duration_expr(r, 1)}:]"])
        elif choice < 0.5:
            text += f" offset {r.pick(['', '-'], ['+', '- -'])}{_duration_expr(r, 2)}"
        elif choice < 0.8:
            text += " @ " + r.pick(["100", "start()", "end()", "1700000000"],
                                   ["-5", "1e20", "5m", "Inf", "+10", "1_000", "step()"])
        else:
            text += " " + r.pick(["smoothed", "anchored"], ["ANCHORED", "anchored smoothed"])
    return text


def _args(r: random.Random, signature: str, depth: int) -> list[str]:
    out = []
    for kind in signature.split():
        optional = kind.endswith("?")
        many = kind.endswith("*")
        kind = kind.rstrip("?*")
        count = r.choice([0, 1]) if optional else r.choice([0, 1, 2]) if many else 1
        for _ in range(count):
            out.append(_typed(r, kind, depth))
    if r.odd():
        out.append(_expr(r, depth - 1))  # a wrong extra argument
    if out and r.odd():
        out.pop(r.randrange(len(out)))
    return out


def _typed(r, kind: str, depth: int) -> str:
    if r.odd():
        return _expr(r, depth - 1)  # maybe the wrong type
    if kind == "S":
        return r.choice(['"a"', '"dst"', "'x'", '"$1"', '"(.*)"', '"a.b"'])
    return _expr(r, depth - 1, kind)


_RETURNS_SCALAR = {"time", "pi", "scalar", "start", "end", "step", "range", "max_of", "min_of", "Step"}


def _call(r, depth: int, want: str = "v") -> str:
    if want == "s" and not r.odd():
        name = r.choice(["time", "pi", "scalar", "max_of", "min_of", "step", "range"])
        args = _args(r, FUNCTIONS[name], depth)
        return f"{name}({', '.join(args)})"
    name = r.pick(["rate", "abs", "histogram_quantile", "label_replace", "round", "increase", "vector",
                   "clamp", "sort_by_label", "mad_over_time", "first_over_time", "info", "max_of", "step"],
                  list(FUNCTIONS))
    args = _args(r, FUNCTIONS[name], depth)
    trailing = "," if args and r.odd() and r.odd() else ""
    return f"{name}({', '.join(args)}{trailing})"


def _grouping(r: random.Random) -> str:
    labels = [r.pick(["job", "instance", "le", "a"], LABELS + QUOTED) for _ in range(r.choice([0, 1, 2]))]
    return "(" + ", ".join(labels) + ("," if labels and r.odd() else "") + ")"


def _aggregation(r: random.Random, depth: int) -> str:
    op = r.pick(["sum", "avg", "count", "max", "topk", "quantile", "count_values", "limitk"], AGGREGATIONS)
    args = [_expr(r, depth - 1, "v")]
    if op.lower() in ("topk", "bottomk", "quantile", "limitk", "limit_ratio"):
        args.insert(0, r.pick(["1", "0.5", "scalar(x)"], ["x", '"s"', "-1"]))
    if op == "count_values":
        args.insert(0, r.pick(['"v"'], ["1", '"a.b"']))
    if r.odd():
        args = args[1:] if len(args) > 1 else args + ["y"]
    body = "(" + ", ".join(args) + ")"
    modifier = f" {r.choice(['by', 'without', 'BY'])} {_grouping(r)} " if r.random() < 0.5 else ""
    return f"{op}{modifier}{body}" if r.random() < 0.6 else f"{op}{body}{modifier}"


def _bin_modifier(r: random.Random) -> str:
    text = ""
    if r.random() < 0.1:
        text += " bool"
    if r.random() < 0.3:
        text += f" {r.choice(['on', 'ignoring'])}{_grouping(r)}"
        if r.random() < 0.4:
            text += f" {r.choice(['group_left', 'group_right'])}" + (_grouping(r) if r.random() < 0.5 else "")
    if r.random() < 0.15:
        fill = r.choice(["fill", "fill_left", "fill_right", "fill_left(1) fill_right", "fill_right(2) fill_left"])
        text += f" {fill}({r.pick(['0', '-1', '1.5'], ['5m', 'x', 'NaN', '+1', '1_0'])})"
    return text


_TOKEN = re.compile(r"\s+|[A-Za-z_:][A-Za-z0-9_:]*|[0-9.]+[A-Za-z0-9_.]*|\"(?:[^\"\\]|\\.)*\"|'[^']*'|`[^`]*`|"
                    r"[<>!=]=|=~|!~|[<>]/|.", re.S)


def _mutate(r: random.Random, text: str) -> str:
    tokens = [t for t in _TOKEN.findall(text)]
    if len(tokens) < 2:
        return text + r.choice([")", "(", "[", ",", "offset", "{"])
    i = r.randrange(len(tokens))
    choice = r.random()
    if choice < 0.35:
        del tokens[i]
    elif choice < 0.6:
        tokens.insert(i, tokens[i])
    elif choice < 0.8:
        j = r.randrange(len(tokens))
        tokens[i], tokens[j] = tokens[j], tokens[i]
    else:
        tokens.insert(i, r.choice(["(", ")", "[", "]", ",", ":", "offset", "@", "by", "5m", "1", "+", "{", "}",
                                   "bool", "anchored", "step()", "#", "\n"]))
    return "".join(tokens)


def batch(seed: int, count: int, depth: int = 3) -> list[str]:
    r = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen.setdefault(expression(r, r.choice([1, 2, 2, 3, depth])), None)
    return list(seen)


# Each newer construct, the first promtool release that accepts it without a flag (None: never) and
# with its flag (tests/promql/test_constructs.py checks the table against obslint and the binaries).
EXP = versions.EXPERIMENTAL_FUNCTIONS
DUR = versions.DURATION_EXPR
ERS = versions.EXTENDED_RANGE_SELECTORS
FILL = versions.BINOP_FILL_MODIFIERS
UTF8 = versions.UNQUOTED_UTF8_NAMES

# (expression, first promtool without a flag (None: never), flag, first promtool with the flag)
CONSTRUCTS = [
    ("rate(x[5m * 2])", (3, 14), DUR, (3, 10)),  # duration arithmetic; 3.4-3.9 servers with the flag
    ("x offset (1h + 5m)", (3, 14), DUR, (3, 10)),
    ("x[(5m)]", (3, 14), DUR, (3, 10)),
    ("rate(x[5m] offset -(1h))", (3, 13), None, None),  # 3.6-3.12: a parser panic, fixed in 3.13
    ("x[5m:step()]", (3, 6), None, None),  # 3.12-3.13 need the flag again: not in a pinned oracle
    ("x offset step()", (3, 6), None, None),
    ("x[range()]", (3, 10), None, None),
    ("x[max_of(5m, 1m)]", (3, 14), DUR, (3, 13)),
    ("foo > 1_000", (2, 54), None, None),
    ("x[300]", (2, 54), None, None),
    ("x offset 60", (2, 54), None, None),
    ("foo > 5m", (2, 54), None, None),
    ("x @ 100s", (2, 54), None, None),
    ("a </ b", (3, 11), None, None),
    ("a >/ 0.5", (3, 11), None, None),
    ("rate(x[5m] anchored)", (3, 16), ERS, (3, 10)),  # 3.7-3.9 servers with the flag
    ("x smoothed", (3, 16), ERS, (3, 10)),
    ("a + fill(0) b", None, FILL, (3, 14)),  # 3.10-3.13 servers with the flag
    ("a * on(x) fill_left(1) fill_right(2) b", None, FILL, (3, 14)),
    ('{"my.metric"}', (2, 51), None, None),
    ('x{"a.b"="c"}', (2, 51), None, None),
    ('sum by ("a") (x)', (2, 55), None, None),
    ('sum by ("a.b") (x)', (3, 0), None, None),  # 2.55: quoted, but a legacy name is needed
    ("sum by (a:b) (x)", (3, 0), None, None),  # but not with promql-unquoted-utf8-names (3.16)
    ('métrique{é="a"}', None, UTF8, (3, 16)),
    ('x{a=~"(?<n>b)"}', (2, 51), None, None),  # Go 1.22's regexp, the toolchain of 2.51 and later
    ("histogram_stddev(x)", (2, 47), None, None),
    ("histogram_avg(x)", (2, 51), None, None),
    ("first_over_time(x[5m])", (3, 14), EXP, (3, 7)),
    ("mad_over_time(x[5m])", None, EXP, (3, 4)),  # servers from 2.49 with the flag
    ('sort_by_label(x, "a")', None, EXP, (3, 4)),
    ("limitk(1, x)", None, EXP, (3, 4)),  # servers from 2.54
    ("limit_ratio(0.5, x)", None, EXP, (3, 4)),
    ('info(x, {a="b"})', None, EXP, (3, 4)),  # servers from 2.55
    ("double_exponential_smoothing(x[5m], 0.5, 0.5)", None, EXP, (3, 4)),  # servers from 3.0
    ("ts_of_max_over_time(x[5m])", None, EXP, (3, 5)),
    ("ts_of_first_over_time(x[5m])", None, EXP, (3, 7)),
    ('histogram_quantiles(x, "q", 0.5, 0.9)', None, EXP, (3, 11)),
    ("step()", None, EXP, (3, 12)),
    ("vector(range())", None, EXP, (3, 12)),
    ("max_of(1, 2)", None, EXP, (3, 13)),
    ("start_timestamp(x)", None, EXP, (3, 14)),
    ("integral(x[5m])", None, EXP, (3, 16)),
]
# and what a release dropped: (expression, first and last promtool accepting it, without flags)
REMOVED = [
    ("holt_winters(x[5m], 0.5, 0.5)", (2, 42), (2, 55)),
    ("foo[5m x 1m]", (2, 42), (3, 5)),  # before 3.6 any letter inside [..] reads as `:`
    ("0x1e+1", (2, 42), (2, 53)),  # 2.54: an exponent ends a hex number
    ("x[min(5m, 1m)]", (3, 6), (3, 11)),  # min()/max(): behind the flag in 3.12, max_of()/min_of() in 3.13
    ("x[0]", (2, 54), (3, 3)),  # 3.4: a range must be greater than 0
]
# a flag that makes promtool refuse what it takes without: (expression, flag)
STRICTER = {"sum by (a:b) (x)": UTF8}
