"""What `promtool check rules` of each Prometheus version accepts in PromQL, and under which flags.

The facts here were read off Prometheus's own sources, release by release from 2.42 to 3.16
(promql/parser: the lexer, the yacc grammar, the parser's semantic checks and its function table;
cmd/promtool: which `--enable-feature` flags promtool honours), and checked against promtool
binaries of 2.42, 2.53, 3.0, 3.5 and 3.16 (tests/promql/test_versions_oracle.py). A version is a
(major, minor) pair; versions older than 2.42 are read as 2.42.

promtool and the Prometheus server do not always agree: promtool ignores a flag the server already
honours in some releases (duration expressions 3.4-3.9, experimental functions before 3.4, ...).
obslint gives promtool's verdict, and says so in its message when the server would differ.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

Version = tuple[int, int]

OLDEST = (2, 42)
NEWEST = (3, 16)
MINORS = [(2, minor) for minor in range(42, 56)] + [(3, minor) for minor in range(0, 17)]  # the releases

# --enable-feature flags that change what PromQL the parser accepts
EXPERIMENTAL_FUNCTIONS = "promql-experimental-functions"
DURATION_EXPR = "promql-duration-expr"
EXTENDED_RANGE_SELECTORS = "promql-extended-range-selectors"
BINOP_FILL_MODIFIERS = "promql-binop-fill-modifiers"
UNQUOTED_UTF8_NAMES = "promql-unquoted-utf8-names"
DELAYED_NAME_REMOVAL = "promql-delayed-name-removal"  # promtool knows it (3.4+); no effect on parsing


class Flag(NamedTuple):
    name: str
    server_since: Version  # the first server that has the flag
    promtool_since: Version | None  # the first promtool that honours it (None: never)
    always_since: Version | None = None  # from this version the construct needs no flag (promtool)
    what: str = ""


FLAGS = {
    f.name: f for f in (
        Flag(EXPERIMENTAL_FUNCTIONS, (2, 49), (3, 4), None, "experimental functions and aggregations"),
        # promtool 3.14 and 3.15 parse duration expressions by default, 3.16 has no flag left
        Flag(DURATION_EXPR, (3, 4), (3, 10), (3, 14), "duration expressions"),
        Flag(EXTENDED_RANGE_SELECTORS, (3, 7), (3, 10), (3, 16), "the anchored and smoothed modifiers"),
        Flag(BINOP_FILL_MODIFIERS, (3, 10), (3, 14), None, "the fill(), fill_left() and fill_right() modifiers"),
        Flag(UNQUOTED_UTF8_NAMES, (3, 16), (3, 16), None, "unquoted UTF-8 names"),
        Flag(DELAYED_NAME_REMOVAL, (2, 55), (3, 4), None, "delayed __name__ removal"),
    )
}


def fmt(version: Version) -> str:
    return "%d.%d" % version


def normalize(version: Version) -> Version:
    return max(tuple(version[:2]), OLDEST)


# Functions: signature (argument types, variadic, return type), the first version that has the
# function, the last one (None: still there) and the versions in which it is experimental (needs
# promql-experimental-functions). Types: v instant vector, m range vector, s scalar, S string.
# variadic: 0 exactly the arguments; n > 0 up to n more of the last type; -1 any number more.
class Function(NamedTuple):
    name: str
    args: tuple[str, ...]
    variadic: int
    returns: str
    since: Version = OLDEST
    until: Version | None = None
    experimental: tuple[Version, Version] | None = None  # first and last version it is experimental in


def _functions() -> dict[str, Function]:
    table = {}

    def add(names: str, args: str, returns: str = "v", variadic: int = 0, since: Version = OLDEST,
            until: Version | None = None, experimental: tuple[Version, Version] | None = None) -> None:
        for name in names.split():
            table[name] = Function(name, tuple(args.split()), variadic, returns, since, until, experimental)

    always = ((0, 0), (99, 99))
    add("abs absent acos acosh asin asinh atan atanh ceil cos cosh deg exp floor histogram_count histogram_sum "
        "ln log10 log2 rad sgn sin sinh sort sort_desc sqrt tan tanh timestamp", "v")
    add("absent_over_time avg_over_time changes count_over_time delta deriv idelta increase irate last_over_time "
        "max_over_time min_over_time present_over_time rate resets stddev_over_time stdvar_over_time "
        "sum_over_time", "m")
    add("day_of_month day_of_week day_of_year days_in_month hour minute month year", "v", variadic=1)
    add("clamp", "v s s")
    add("clamp_max clamp_min", "v s")
    add("histogram_fraction", "s s v")
    add("histogram_quantile", "s v")
    add("holt_winters", "m s s", until=(2, 55))
    add("label_join", "v S S S", variadic=-1)
    add("label_replace", "v S S S S")
    add("pi time", "", returns="s")
    add("predict_linear", "m s")
    add("quantile_over_time", "s m")
    add("round", "v s", variadic=1)
    add("scalar", "v", returns="s")
    add("vector", "s")
    add("histogram_stddev histogram_stdvar", "v", since=(2, 47))
    add("mad_over_time", "m", since=(2, 49), experimental=always)
    add("sort_by_label sort_by_label_desc", "v S", variadic=-1, since=(2, 49), experimental=always)
    add("histogram_avg", "v", since=(2, 51))
    add("info", "v v", variadic=1, since=(2, 55), experimental=always)
    add("double_exponential_smoothing", "m s s", since=(3, 0), experimental=always)
    add("ts_of_last_over_time ts_of_max_over_time ts_of_min_over_time", "m", since=(3, 5), experimental=always)
    add("first_over_time", "m", since=(3, 7), experimental=((3, 7), (3, 13)))
    add("ts_of_first_over_time", "m", since=(3, 7), experimental=always)
    add("histogram_quantiles", "v S s s", variadic=9, since=(3, 11), experimental=always)
    add("start end step range", "", returns="s", since=(3, 12), experimental=always)
    add("max_of min_of", "s s", returns="s", since=(3, 13), experimental=always)
    add("start_timestamp", "v", since=(3, 14), experimental=always)
    add("integral", "m s", variadic=1, since=(3, 16), experimental=always)
    return table


FUNCTIONS = _functions()

AGGREGATIONS = frozenset("sum avg count min max group stddev stdvar topk bottomk count_values quantile".split())
AGGREGATION_SINCE = {"limitk": (2, 54), "limit_ratio": (2, 54)}
EXPERIMENTAL_AGGREGATIONS = frozenset(AGGREGATION_SINCE)

# Go's regexp accepts (?<name>...) from Go 1.22, the toolchain of Prometheus 2.51 and later releases
NAMED_GROUP_ANGLE_SINCE = (2, 51)
# the parser takes {"quoted names"} in braces from 2.51 and in by/without/on/ignoring/group_x from 2.55;
# promtool validates names with UTF-8 rules from 3.0 (legacy [a-zA-Z_][a-zA-Z0-9_]* before)
QUOTED_MATCHER_NAMES_SINCE = (2, 51)
QUOTED_GROUPING_LABELS_SINCE = (2, 55)
UTF8_NAMES_SINCE = (3, 0)
# numbers and durations interchangeable (x[300], x offset 60, foo > 5m); underscores in numbers
NUMBER_DURATION_SINCE = (2, 54)
DURATION_EXPR_SINCE = (3, 4)  # arithmetic in [..] and after offset: x[5m * 2], x offset (1h + 5m)
OFFSET_DURATION_EXPR_SINCE = (3, 5)  # `foo offset -2 ^ 2` binds the offset first
STEP_SINCE = (3, 6)  # step() and min()/max() in duration expressions
EXTENDED_RANGE_SINCE = (3, 7)  # anchored / smoothed
FILL_SINCE = (3, 10)
RANGE_SINCE = (3, 10)  # range() in duration expressions
TRIM_SINCE = (3, 11)  # </ and >/
DURATION_FUNCTIONS_SINCE = (3, 12)  # start(), end(), step(), range() as (experimental) functions
MAX_OF_SINCE = (3, 13)  # max_of()/min_of() replace min()/max() in duration expressions


def _change_points() -> list[Version]:
    """The releases in which what promtool accepts changed (for any set of flags)."""
    points = {since for name, since in globals().items() if name.endswith("_SINCE") and isinstance(since, tuple)}
    points |= set(AGGREGATION_SINCE.values())
    for function in FUNCTIONS.values():
        points.add(function.since)
        if function.until is not None:
            points.add((function.until[0], function.until[1] + 1) if function.until != (2, 55) else (3, 0))
        if function.experimental is not None:
            points |= {function.experimental[0], (function.experimental[1][0], function.experimental[1][1] + 1)}
    for flag in FLAGS.values():
        points |= {v for v in (flag.server_since, flag.promtool_since, flag.always_since) if v is not None}
    points |= {(3, 15), (3, 16)}  # grammar fixes of 3.15 and 3.16 (see grammar.py)
    return sorted(p for p in points if OLDEST < p <= NEWEST)


class Dialect:
    """Everything the parser needs to know about one target: a promtool version and its flags. Made
    by dialect(), which gives the same object for the same target."""

    __slots__ = ("version", "features", "experimental_functions")

    def __init__(self, version: Version, features: frozenset[str]):
        self.version = version
        self.features = features
        self.experimental_functions = self.flag_on(EXPERIMENTAL_FUNCTIONS)

    def __repr__(self) -> str:
        return f"Dialect({fmt(self.version)}, {sorted(self.features)})"

    def has(self, since: Version) -> bool:
        return self.version >= since

    def flag_on(self, name: str) -> bool:
        """Whether promtool of this version parses as if `name` were enabled."""
        flag = FLAGS[name]
        if flag.always_since is not None and self.version >= flag.always_since:
            return True
        return (name in self.features and flag.promtool_since is not None
                and self.version >= flag.promtool_since)

    def flag_problem(self, name: str, subject: str) -> str:
        """Why promtool refuses `subject`, a construct behind flag `name`: the flag to enable, or that
        promtool of this version cannot enable it."""
        flag = FLAGS[name]
        target = fmt(self.version)
        if flag.promtool_since is None or self.version < flag.promtool_since:
            if self.version < flag.server_since:
                return f"{subject} needs --enable-feature={name} (Prometheus {fmt(flag.server_since)} or newer)"
            ignored = "ignores" if name in self.features else "cannot enable"
            return (f"{subject} needs --enable-feature={name}, which promtool {target} {ignored} (promtool "
                    f"honours it from {fmt(flag.promtool_since)}; Prometheus {target} itself accepts the flag)")
        return f"{subject} needs --enable-feature={name} (enable-features in obslint's configuration)"

    def function(self, name: str) -> Function | None:
        """The function as this version knows it, or None when it does not exist there."""
        function = FUNCTIONS.get(name)
        if function is None or self.version < function.since:
            return None
        if function.until is not None and self.version > function.until:
            return None
        return function

    def is_experimental(self, function: Function) -> bool:
        window = function.experimental
        return window is not None and window[0] <= self.version <= window[1]


@functools.lru_cache(maxsize=256)
def dialect(version: Version, features: frozenset[str] = frozenset()) -> Dialect:
    return Dialect(normalize(version), frozenset(features))


CHANGES = _change_points()
