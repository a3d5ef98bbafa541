"""Which query language a panel's query, or a variable's, is written in.

Grafana sends a query to its datasource: the query's own when it has one, else the panel's (a panel on
`-- Mixed --` leaves it to each query). A datasource is a `{type, uid}` reference, a plain name (dashboards
older than schemaVersion 33), a datasource variable (`$datasource`, whose `query` is the plugin id), an
import placeholder (`${DS_PROMETHEUS}`, whose `__inputs` entry has the `pluginId`), or null (the default
datasource). When none of these says which plugin it is, the query's own fields tell: SQL queries have
`rawSql`, and LogQL has pipelines (`{job="x"} |= "error"`, `| json`) PromQL never has. What is left with
an `expr` is taken for PromQL: the default datasource of a dashboard with PromQL panels is Prometheus.
"""

from __future__ import annotations

import re

from obslint.dashboards import macros

PROMQL, LOGQL, SQL, OTHER = "promql", "logql", "sql", "other"
MIXED = "mixed"  # not a language: each query says

SQL_PLUGINS = frozenset({"mysql", "postgres", "grafana-postgresql-datasource", "mssql", "grafana-mssql-datasource",
                         "grafana-clickhouse-datasource", "vertamedia-clickhouse-datasource",
                         "frser-sqlite-datasource", "grafana-bigquery-datasource", "grafana-snowflake-datasource"})
SPECIAL_UIDS = {"-- mixed --": MIXED, "-- grafana --": OTHER, "grafana": OTHER, "-- dashboard --": OTHER,
                "__expr__": OTHER}
# plain datasource names (pre-8.3 dashboards name their datasource): what the name says, when it says
_NAME_HINTS = ((re.compile(r"loki", re.I), LOGQL),
               (re.compile(r"victoria|metricsql", re.I), OTHER),  # MetricsQL: more than PromQL parses
               (re.compile(r"prom|thanos|mimir|cortex", re.I), PROMQL),
               (re.compile(r"elastic|opensearch|influx|graphite|tempo|jaeger|zipkin|cloudwatch|stackdriver|"
                           r"azure|clickhouse|postgres|mysql|mssql|timescale|pyroscope|testdata", re.I), OTHER))
LOGQL_FUNCTIONS = re.compile(r"\b(bytes_over_time|bytes_rate|rate_counter)\s*\(")


def plugin_language(plugin: str) -> str:
    """The language of a datasource plugin id (`prometheus`, `loki`, `mysql`, ...)."""
    plugin = plugin.strip().lower()
    if plugin == "prometheus" or "prometheus" in plugin:
        return PROMQL
    if plugin == "loki":
        return LOGQL
    if plugin in SQL_PLUGINS:
        return SQL
    if plugin == "datasource":  # -- Mixed -- and -- Dashboard -- carry this type; the uid says which
        return MIXED
    return OTHER


def looks_like_logql(expr: str) -> bool:
    """A pipeline (`|=`, `|~`, `| json`, `| logfmt`, ...) or a line filter (`!= "x"`) outside strings and
    comments, or a function only LogQL has: none of these parses as PromQL."""
    states = macros.lexical_states(expr)
    for i, ch in enumerate(expr):
        if states[i] != macros.CODE:
            continue
        if ch == "|":
            return True
        if ch in "!" and expr[i + 1:i + 2] in ("=", "~"):
            rest = expr[i + 2:].lstrip()
            if rest[:1] in ("\"", "`"):
                return True
    return bool(LOGQL_FUNCTIONS.search(expr))


def import_inputs(value) -> dict[str, str]:
    """Import placeholders (`__inputs`, or the import API's `inputs`): name -> plugin id ("" for constants)."""
    found = {}
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]:
            plugin = item.get("pluginId")
            found[item["name"]] = plugin if isinstance(plugin, str) else ""
    return found


class Languages:
    """Resolves datasources to languages for one dashboard: its datasource variables and import inputs."""

    def __init__(self, doc: dict, inputs: dict[str, str] | None = None, metricsql=frozenset()):
        # datasources the configuration says are VictoriaMetrics (type prometheus, but MetricsQL)
        self.metricsql = {name.strip().lower() for name in metricsql}
        self.variables: dict[str, str] = {}  # datasource variable -> plugin id
        for variable in (doc.get("templating") or {}).get("list") or []:
            if isinstance(variable, dict) and variable.get("type") == "datasource" \
                    and isinstance(variable.get("name"), str):
                query = variable.get("query")
                self.variables[variable["name"]] = query if isinstance(query, str) else ""
        self.inputs = {**import_inputs(doc.get("__inputs")), **(inputs or {})}  # DS_PROMETHEUS -> plugin id

    def of_datasource(self, ref) -> str | None:
        """The language of a datasource reference, MIXED, or None when it does not say (the default datasource,
        a uid of unknown type, a name that names no plugin)."""
        if ref is None or ref == {}:
            return OTHER if "default" in self.metricsql else None
        if isinstance(ref, dict):
            kind, uid = ref.get("type"), ref.get("uid")
            if isinstance(uid, str) and uid.strip().lower() in self.metricsql:
                return OTHER
            if isinstance(uid, str) and uid.strip().lower() in SPECIAL_UIDS:
                return SPECIAL_UIDS[uid.strip().lower()]
            if isinstance(kind, str) and kind.strip():
                language = plugin_language(kind)
                return None if language == MIXED else language
            return self._of_name(uid) if isinstance(uid, str) else None
        if isinstance(ref, str):
            return self._of_name(ref)
        return None

    def _of_name(self, name: str) -> str | None:
        text = name.strip()
        if (text.lower() or "default") in self.metricsql:
            return OTHER
        if not text or text.lower() == "default":
            return None
        if text.lower() in SPECIAL_UIDS:
            return SPECIAL_UIDS[text.lower()]
        m = macros.REFERENCE.fullmatch(text)
        if m is not None:
            variable = m.group("a") or m.group("b") or m.group("c")
            plugin = self.variables.get(variable, self.inputs.get(variable))
            return plugin_language(plugin) if plugin else None
        for pattern, language in _NAME_HINTS:
            if pattern.search(text):
                return language
        return None

    def of_target(self, panel: dict, target: dict) -> str:
        """The language of a panel's query."""
        language = self.of_datasource(target["datasource"]) if target.get("datasource") is not None else None
        if language in (None, MIXED):
            language = self.of_datasource(panel.get("datasource"))
        if language not in (None, MIXED):
            return language
        return self.by_fields(target)

    def of_variable(self, variable: dict) -> str:
        """The language of a query variable's query."""
        language = self.of_datasource(variable.get("datasource"))
        if language not in (None, MIXED):
            return language
        query = variable.get("query")
        if isinstance(query, dict) and not isinstance(query.get("query"), str):
            return OTHER  # a datasource's own variable editor (Loki's {label, stream}, Tempo, ...)
        text = query.get("query") if isinstance(query, dict) else query
        if isinstance(text, str) and looks_like_logql(text):
            return LOGQL
        return PROMQL

    @staticmethod
    def by_fields(target: dict) -> str:
        """The language a query's own fields show, when its datasource does not say."""
        if isinstance(target.get("rawSql"), str):
            return SQL
        expr = target.get("expr")
        if not isinstance(expr, str):
            return OTHER
        return LOGQL if looks_like_logql(expr) else PROMQL
