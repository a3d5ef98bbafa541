"""What each Prometheus version's PromQL accepts, where promql-parser (which follows 3.x) differs.

FUNCTIONS_2_42 was read off Debian's promtool 2.42 (every name probed with `promtool check rules`).
The versions in FUNCTION_SINCE come from Prometheus's CHANGELOG; a function that is not listed
there and that promql-parser knows is taken to need 3.0.
"""

from __future__ import annotations

FUNCTIONS_2_42 = frozenset(
    """abs absent absent_over_time acos acosh asin asinh atan atanh avg_over_time ceil changes clamp
    clamp_max clamp_min cos cosh count_over_time days_in_month day_of_month day_of_week day_of_year deg
    delta deriv exp floor histogram_count histogram_sum histogram_fraction histogram_quantile holt_winters
    hour idelta increase irate label_replace label_join last_over_time ln log10 log2 max_over_time
    min_over_time minute month pi predict_linear present_over_time quantile_over_time rad rate resets
    round scalar sgn sin sinh sort sort_desc sqrt stddev_over_time stdvar_over_time sum_over_time tan
    tanh time timestamp vector year""".split()
)

# functions added after 2.42, with the first version that has them (experimental ones behind a flag)
FUNCTION_SINCE = {
    "histogram_avg": (2, 50),
    "histogram_stddev": (2, 50),
    "histogram_stdvar": (2, 50),
    "sort_by_label": (2, 49),
    "sort_by_label_desc": (2, 49),
    "mad_over_time": (2, 54),
    "double_exponential_smoothing": (3, 0),
    "info": (3, 0),
}
REMOVED_FUNCTIONS = {"holt_winters": ((3, 0), "double_exponential_smoothing")}

AGGREGATIONS_2_42 = frozenset(
    "sum avg count min max group stddev stdvar topk bottomk count_values quantile".split()
)
AGGREGATION_SINCE = {"limitk": (2, 54), "limit_ratio": (2, 54)}

# 3.0: quoted (UTF-8) metric and label names, durations written as plain numbers, and numbers
# accepted where a duration was required
QUOTED_NAMES_SINCE = (3, 0)
NUMBER_AS_DURATION_SINCE = (3, 0)
DURATION_AS_NUMBER_SINCE = (3, 0)
# Go's regexp gained (?<name>...) in Go 1.22, the toolchain of Prometheus 3.x
NAMED_GROUP_ANGLE_SINCE = (3, 0)
FILL_MODIFIERS_SINCE = (3, 10)


def fmt(version: tuple[int, int]) -> str:
    return "%d.%d" % version


def function_since(name: str) -> tuple[int, int] | None:
    """The first version whose PromQL knows `name`; None when every supported version does."""
    if name in FUNCTIONS_2_42:
        return None
    return FUNCTION_SINCE.get(name, (3, 0))


def aggregation_since(name: str) -> tuple[int, int] | None:
    if name in AGGREGATIONS_2_42:
        return None
    return AGGREGATION_SINCE.get(name, (3, 0))
