"""Dashboard checks on dashboards as Grafana sees them: real dashboards (licensed excerpts under
tests/data/realworld/, see its SOURCES.md) that Grafana loads get no error; what Grafana fixes up on load
is a migration hint; only Prometheus queries are PromQL; Grafana's macros, import inputs and capture
groups are what Grafana makes of them; v1 and v2 Kubernetes-style resources; findings at their place."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from helpers import DATA

from obslint.config import Config
from obslint.core.findings import Severity
from obslint.dashboards.model import from_document
from obslint.engine.lint import lint_paths

REAL = DATA / "realworld"
DOCKPROM = "dockprom-nginx-container/grafana/provisioning/dashboards/nginx_container.json"
THANOS = "thanos-bucket-replicate/examples/dashboards/bucket-replicate.json"
WEAVE = "kube-prometheus-weave-net/jsonnet/kube-prometheus/addons/weave-net/grafana-weave-net.json"
MSSQL_LOGS = "mixins-mssql-logs/assets/MSSQL/dashboards/logs.json"
BLOOM = "mixins-loki-bloom-build/assets/loki/dashboards/loki-bloom-build.json"
RADOSGW = "mixins-ceph-radosgw-sync/assets/ceph/dashboards/radosgw-sync-overview.json"
HASS = "mixins-hass/assets/hass/dashboards/hass.json"
IBM_MQ = "mixins-ibm-mq-topics/assets/ibm-mq/dashboards/ibm-mq-topics-overview.json"
APM = "mixins-promscale-apm/assets/promscale/dashboards/apm-service-overview.json"
APACHE_V1 = "mixins-apache-http-v1beta1/assets/apache-http/dashboards/apache-http.v1beta1.json"
V2 = "dashboard-linter-v2/lint/v2_test.v2Dashboard.json"


def lint_file(tmp_path: Path, source: Path | str, doc: dict | None = None, name: str | None = None) -> list:
    """The findings of one dashboard file named on the command line (a copy, or `doc` written as JSON)."""
    path = tmp_path / (name or Path(source).name)
    if doc is None:
        shutil.copyfile(REAL / source, path)
    else:
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return lint_paths([path], Config(root=tmp_path))


def real(name: str) -> dict:
    return json.loads((REAL / name).read_text(encoding="utf-8"))


def errors(found: list) -> list:
    return [(f.code, f.line, f.message) for f in found if f.severity == Severity.ERROR]


def of(found: list, code: str) -> list:
    return [f for f in found if f.code == code]


# --- what Grafana loads is not an error -------------------------------------------------------------

@pytest.mark.parametrize("name", [DOCKPROM, THANOS, WEAVE, MSSQL_LOGS, BLOOM, HASS, IBM_MQ, APM, APACHE_V1, V2])
def test_real_dashboards_grafana_loads_get_no_error(tmp_path, name):
    assert errors(lint_file(tmp_path, name)) == []


def test_what_grafana_migrates_is_one_info_per_kind_where_it_first_occurs(tmp_path):
    found = lint_file(tmp_path, THANOS)  # schemaVersion 14, legacy rows, "$datasource" names, no refIds
    hints = {f.message.split(":")[0]: f for f in of(found, "D020")}
    assert all(f.severity == Severity.INFO for f in hints.values())
    rows = next(f for m, f in hints.items() if "rows" in m)
    assert rows.line == 11 and "schemaVersion 14" in rows.message  # "rows": [ is on line 11
    refids = next(f for m, f in hints.items() if "refId" in m)
    assert refids.message.startswith("10 queries have no refId") and refids.line == 49
    names = next(f for m, f in hints.items() if "by name" in m)
    assert "$datasource" in names.message and names.line == 23
    assert len(of(found, "D020")) == 3


def test_panels_of_legacy_rows_are_linted_as_grafana_lays_them_out(tmp_path):
    doc = real(THANOS)
    doc["rows"][0]["panels"][1]["targets"][0]["expr"] += ")"  # unbalanced
    found = lint_file(tmp_path, THANOS, doc)
    [(code, line, message)] = errors(found)
    assert code == "D008" and "`Errors`" in message
    assert '"expr"' in (tmp_path / Path(THANOS).name).read_text().splitlines()[line - 1]


def test_no_schema_version_and_a_valued_base_threshold_step_are_hints(tmp_path):
    doc = real(APACHE_V1)["spec"]
    doc["uid"] = "apache-http"
    del doc["schemaVersion"]
    doc["panels"][0]["fieldConfig"]["defaults"]["thresholds"]["steps"][0]["value"] = 0
    found = lint_file(tmp_path, APACHE_V1, doc, "apache-http.json")
    assert errors(found) == []
    messages = [f.message for f in of(found, "D020")]
    assert any("no schemaVersion" in m for m in messages)
    assert any("threshold base step has a value (0)" in m for m in messages)


def test_what_really_breaks_stays_a_schema_error(tmp_path):
    doc = real(APACHE_V1)["spec"]
    doc["uid"] = "apache-http"
    panels = doc["panels"]
    del panels[0]["type"]  # no type: no plugin to draw it
    panels[1]["gridPos"]["w"] = 0  # a data panel of width 0
    panels[2]["gridPos"] = None  # Grafana cannot place it
    panels.append({"type": "row", "title": "Row", "collapsed": False, "panels": [],
                   "gridPos": {"h": 1, "w": 0, "x": 24, "y": 40}})  # rows span the grid, whatever they say
    found = lint_file(tmp_path, APACHE_V1, doc, "apache-http.json")
    schema = sorted(f.message.split(":")[0] for f in of(found, "D002"))
    assert schema == ["/panels/0", "/panels/1/gridPos/w", "/panels/2/gridPos"]
    assert all(f.severity == Severity.ERROR for f in of(found, "D002"))


def test_legacy_rows_at_a_modern_schema_version_are_an_error(tmp_path):
    doc = real(THANOS)
    doc["schemaVersion"] = 39  # Grafana lays rows out only below 16: none of their panels is shown
    found = lint_file(tmp_path, THANOS, doc)
    [(code, line, message)] = errors(found)
    assert code == "D002" and line == 11 and "schemaVersion 39" in message
    assert not any("rows" in f.message for f in of(found, "D020"))


# --- Kubernetes-style resources -----------------------------------------------------------------------

def test_a_v1_resource_is_linted_as_the_classic_dashboard_in_its_spec(tmp_path):
    found = lint_file(tmp_path, APACHE_V1)
    assert errors(found) == [] and not of(found, "D016")  # the uid is metadata.name
    [overlap] = of(found, "D014")  # at the line of the panel in the resource file
    assert overlap.line == 263 and "`Load`" in overlap.message
    assert not of(found, "D021")


def test_a_v2_resource_has_its_queries_linted_and_says_once_what_is_not(tmp_path):
    found = lint_file(tmp_path, V2)
    assert errors(found) == []
    [note] = of(found, "D021")
    assert note.severity == Severity.INFO and "v2" in note.message and "layout" in note.message
    [rate] = of(found, "D009")  # rate(...[5m]) in the panel's PromQL query, at the expr's line
    assert rate.line == 39 and "`CPU`" in rate.message

    doc = real(V2)
    query = doc["spec"]["elements"]["panel-1"]["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]
    query["spec"]["expr"] = "sum(rate(node_cpu_seconds_total[5m])"
    doc["spec"]["variables"][1]["spec"]["query"]["spec"]["query"] = "label_values(up{, cluster)"
    found = lint_file(tmp_path, V2, doc, "broken.json")
    assert sorted(code for code, _, _ in errors(found)) == ["D008", "D013"]


def test_a_v2_loki_query_is_not_promql(tmp_path):
    doc = real(V2)
    query = doc["spec"]["elements"]["panel-1"]["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]
    query.update(group="loki", datasource={"name": "P8E80F9AEF21F6940"})  # a uid that names no plugin
    query["spec"]["expr"] = 'sum(count_over_time({job="api"} |= "error" [5m]))'
    assert errors(lint_file(tmp_path, V2, doc, "loki.json")) == []
    [target] = from_document(doc).doc["panels"][0]["targets"]  # the query's group is its plugin
    assert target["datasource"] == {"type": "loki", "uid": "P8E80F9AEF21F6940"}


# --- only Prometheus queries are PromQL -------------------------------------------------------------------

def test_loki_panels_and_variables_are_not_parsed_as_promql(tmp_path):
    found = lint_file(tmp_path, MSSQL_LOGS)  # {type: loki, uid: ${loki_datasource}}, |= and | json pipelines
    assert not of(found, "D008") and not of(found, "D013")


def test_sql_panels_and_variables_are_not_promql(tmp_path):
    found = lint_file(tmp_path, APM)  # postgres via the import input ${DS_TIMESCALEDB}, rawSql queries
    assert not of(found, "D008") and not of(found, "D013") and not of(found, "D011")


def panel_with(datasource, targets: list[dict]) -> dict:
    return {"title": "Mixed", "uid": "mixed", "schemaVersion": 39,
            "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"},
                                    {"name": "logs", "type": "datasource", "query": "loki"}]},
            "panels": [{"type": "timeseries", "title": "P", "id": 1, "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                        "fieldConfig": {"defaults": {"unit": "short"}, "overrides": []},
                        "datasource": datasource, "targets": targets}]}


LOGQL = 'sum(count_over_time({job="api"} |= "error" [$__auto]))'
BROKEN_PROMQL = "sum(rate(http_requests_total[5m])"


@pytest.mark.parametrize("datasource,targets,broken", [
    # a mixed panel: each query's own datasource decides
    ({"type": "datasource", "uid": "-- Mixed --"},
     [{"refId": "A", "datasource": {"type": "loki", "uid": "${logs}"}, "expr": LOGQL},
      {"refId": "B", "datasource": {"type": "prometheus", "uid": "${datasource}"}, "expr": BROKEN_PROMQL}], ["B"]),
    # a datasource variable without a type: the variable's plugin decides
    ("$logs", [{"refId": "A", "expr": LOGQL}], []),
    ({"uid": "${logs}"}, [{"refId": "A", "expr": LOGQL}], []),
    # the panel's Prometheus, and a query that has its own Loki
    ({"type": "prometheus", "uid": "${datasource}"},
     [{"refId": "A", "datasource": {"uid": "$logs"}, "expr": LOGQL}, {"refId": "B", "expr": BROKEN_PROMQL}], ["B"]),
    # nothing says: the query's fields do (a LogQL pipeline; SQL's rawSql)
    (None, [{"refId": "A", "expr": LOGQL}, {"refId": "B", "rawSql": "SELECT 1", "expr": ""}], []),
    # a Prometheus datasource says PromQL, whatever the query looks like
    ({"type": "prometheus", "uid": "${datasource}"}, [{"refId": "A", "expr": LOGQL}], ["A"]),
])
def test_a_query_is_promql_when_its_datasource_is_prometheus(tmp_path, datasource, targets, broken):
    found = lint_file(tmp_path, "", panel_with(datasource, targets), "mixed.json")
    assert sorted(f.message.split(",")[1].split(":")[0].split()[-1] for f in of(found, "D008")) == broken


def test_import_inputs_tell_the_datasource_plugin(tmp_path):
    doc = panel_with("${DS_LOKI}", [{"refId": "A", "expr": LOGQL}])
    doc["__inputs"] = [{"name": "DS_LOKI", "label": "Loki", "type": "datasource", "pluginId": "loki"}]
    found = lint_file(tmp_path, "", doc, "inputs.json")
    assert errors(found) == []
    [warning] = of(found, "D004")
    assert "import input" in warning.message


def test_variables_of_a_loki_datasource_are_not_promql(tmp_path):
    doc = panel_with({"type": "prometheus", "uid": "${datasource}"}, [{"refId": "A", "expr": "up{job=~\"$job\"}"}])
    doc["templating"]["list"].append({"name": "job", "type": "query", "query": "label_values({}, job)",
                                      "datasource": {"type": "loki", "uid": "${logs}"}})
    assert errors(lint_file(tmp_path, "", doc, "vars.json")) == []
    doc["templating"]["list"][-1]["datasource"] = {"type": "prometheus", "uid": "${datasource}"}
    assert [code for code, _, _ in errors(lint_file(tmp_path, "", doc, "vars.json"))] == ["D013"]


def test_a_series_selector_is_a_valid_variable_query(tmp_path):
    doc = panel_with({"type": "prometheus", "uid": "${datasource}"}, [{"refId": "A", "expr": "up{job=~\"$job\"}"}])
    doc["templating"]["list"].append({"name": "job", "type": "query", "query": 'up{job=~".+"}',
                                      "datasource": {"type": "prometheus", "uid": "${datasource}"}})
    assert errors(lint_file(tmp_path, "", doc, "series.json")) == []
    doc["templating"]["list"][-1]["query"] = "sum(up)"  # Grafana asks /api/v1/series: selectors only
    assert [code for code, _, _ in errors(lint_file(tmp_path, "", doc, "series.json"))] == ["D013"]


# --- macros and placeholders as Grafana has them -----------------------------------------------------------

def test_capture_groups_and_import_placeholders_are_not_undefined_variables(tmp_path):
    found = lint_file(tmp_path, WEAVE)  # label_replace(..., "$1", ...), ${DS_PROMETHEUS} from __inputs
    assert not of(found, "D011")
    doc = real(WEAVE)
    del doc["__inputs"]  # no import declares it any more: Grafana shows ${DS_PROMETHEUS} as it is
    doc["panels"][0]["datasource"] = "${DS_PROMETHEUS}"
    [undefined] = of(lint_file(tmp_path, WEAVE, doc), "D011")
    text = (tmp_path / Path(WEAVE).name).read_text().splitlines()
    assert '"datasource": "${DS_PROMETHEUS}"' in text[undefined.line - 1]


def test_a_dollar_escaped_in_a_regex_is_not_a_variable(tmp_path):
    assert not of(lint_file(tmp_path, IBM_MQ), "D011")  # topic!~"SYSTEM.*|\\$SYS.*|"


def test_grafana_builtins_and_an_apostrophe_in_a_promql_comment(tmp_path):
    assert errors(lint_file(tmp_path, BLOOM)) == []  # "# ... we're ingesting." above the query
    expr = ("# per user's dashboard\nsum(rate(http_requests_total{job=~\"$job\"}[$__rate_interval]))"
            " / $__range_s * ${__to:date:seconds} > $__interval_ms")
    doc = panel_with({"type": "prometheus", "uid": "${datasource}"},
                     [{"refId": "A", "expr": expr, "legendFormat": "$__user $__org $__dashboard ${__from:date}"}])
    doc["templating"]["list"].append({"name": "job", "type": "custom", "query": "a,b", "includeAll": True,
                                      "allValue": "$__all"})
    doc["panels"][0]["title"] = "Requests ($__auto, $timeFilter)"
    assert errors(lint_file(tmp_path, "", doc, "builtins.json")) == []


def test_a_variable_holding_an_operator(tmp_path):
    doc = panel_with({"type": "prometheus", "uid": "${datasource}"},
                     [{"refId": "A", "expr": real(HASS)["rows"][0]["panels"][0]["targets"][0]["expr"]}])
    doc["templating"]["list"] += [v for v in real(HASS)["templating"]["list"] if v["name"] != "datasource"]
    assert not of(lint_file(tmp_path, "", doc, "operator.json"), "D008")  # {...} $Inactive on (entity) ...


def test_a_variable_used_only_in_a_repeat_or_a_link_is_used(tmp_path):
    doc = real(THANOS)
    doc["templating"]["list"] += [{"name": "shard", "type": "custom", "query": "a,b"},
                                  {"name": "region", "type": "custom", "query": "eu,us"}]
    doc["rows"][0]["repeat"] = "shard"  # a legacy row repeated over it
    doc["rows"][0]["panels"][0]["links"] = [{"title": "Logs", "url": "/explore?region=${region}"}]
    unused = [f.message for f in of(lint_file(tmp_path, THANOS, doc), "D012")]
    assert not any("shard" in m or "region" in m for m in unused)


# --- uid ---------------------------------------------------------------------------------------------------

def test_a_missing_uid_is_a_warning_other_uid_problems_are_errors(tmp_path):
    [missing] = of(lint_file(tmp_path, DOCKPROM), "D016")
    assert missing.severity == Severity.WARNING
    doc = real(DOCKPROM)
    doc["uid"] = "x" * 41
    [long] = of(lint_file(tmp_path, DOCKPROM, doc), "D016")
    assert long.severity == Severity.ERROR


# --- positions -----------------------------------------------------------------------------------------------

def test_a_promql_syntax_error_is_at_its_line_and_column_in_the_json(tmp_path):
    [(code, line, message)] = errors(lint_file(tmp_path, RADOSGW))
    [finding] = of(lint_file(tmp_path, RADOSGW), "D008")
    text = (REAL / RADOSGW).read_text(encoding="utf-8").splitlines()
    assert code == "D008" and '"expr"' in text[line - 1]
    assert text[line - 1][finding.column - 1:].startswith("%(matchers)s")  # where the parser stopped


def test_an_error_after_escapes_and_stand_ins_is_still_placed_exactly(tmp_path):
    expr = 'sum(rate(x{a=\\"\\u00e9\\", job=~\\"$job\\"}[$__rate_interval])) ~ 3'
    text = (json.dumps(panel_with({"type": "prometheus", "uid": "${datasource}"},
                                  [{"refId": "A", "expr": "EXPR"}]), indent=2)
            .replace('"EXPR"', '"' + expr + '"'))
    (tmp_path / "escapes.json").write_text(text, encoding="utf-8")
    [finding] = of(lint_paths([tmp_path / "escapes.json"], Config(root=tmp_path)), "D008")
    line = text.splitlines()[finding.line - 1]
    assert line[finding.column - 1:].startswith("~ 3")


def test_the_v2_form_keeps_the_lines_of_the_resource(tmp_path):
    doc = copy.deepcopy(real(V2))
    query = doc["spec"]["elements"]["panel-1"]["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]
    query["spec"]["expr"] = 'sum(rate(node_cpu_seconds_total{cluster="$cluster"}[5m])) ~ 1'
    text = json.dumps(doc, indent=1)
    (tmp_path / "v2.json").write_text(text, encoding="utf-8")
    [finding] = of(lint_paths([tmp_path / "v2.json"], Config(root=tmp_path)), "D008")
    line = text.splitlines()[finding.line - 1]
    assert '"expr"' in line and line[finding.column - 1:].startswith("~ 1")


def test_titles_clash_in_one_folder_uids_everywhere(tmp_path):
    doc = real(APACHE_V1)["spec"]
    for folder, uid, title in (("a", "one", "API"), ("b", "two", "API"), ("b", "three", "API"), ("c", "one", "Web"),
                               ("d", "one", "API")):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / f"{uid}.json").write_text(json.dumps(dict(doc, uid=uid, title=title)), encoding="utf-8")
    found = of(lint_paths(sorted(tmp_path.glob("*/*.json")), Config(root=tmp_path)), "D015")
    clashes = sorted((Path(f.path).parent.name, f.message.split("`")[0].strip()) for f in found)
    # the same title in folder b; the same uid in a and c; the same title in a and b is fine; d's is a copy of
    # a's (the same title and uid: one dashboard shipped twice)
    assert clashes == [("b", "title"), ("c", "uid")]


# --- every check on both forms: grafanalib, and the JSON it compiles to --------------------------------

def _python_examples():
    from obslint.checks.base import examples
    from obslint.checks.dashboard_lint import DashboardCheck
    from obslint.checks.registry import all_checks

    for check in all_checks():
        if issubclass(check, DashboardCheck) and check.code not in PYTHON_ONLY:
            for i, example in enumerate(examples(check)):
                if not example.text.lstrip().startswith("{"):
                    yield pytest.param(check, example, id=f"{check.code}-{'good' if example.good else 'bad'}{i}")


# what only a Python file can do: fail to run (D001: a JSON file that does not parse is tested apart), print
PYTHON_ONLY = {"D001", "D018"}


@pytest.mark.parametrize("check,example", list(_python_examples()))
def test_each_grafanalib_example_says_the_same_as_the_json_it_compiles_to(tmp_path, check, example):
    from obslint.dashboards.sandbox import run_files

    config = Config(root=tmp_path)
    source = tmp_path / "dashboards_py" / "example.py"
    source.parent.mkdir()
    source.write_text(example.text, encoding="utf-8")
    [outcome] = run_files([source], config.sandbox, config.dashboard_schema_version)
    assert outcome.error is None and outcome.dashboards
    folder = tmp_path / "exported"
    folder.mkdir()
    paths = []
    for i, (doc, _) in enumerate(outcome.dashboards):
        paths.append(folder / f"example{i}.json")
        paths[-1].write_text(json.dumps(doc, indent=2), encoding="utf-8")
    from_python = {f.code for f in lint_paths([source], config)}
    from_json = {f.code for f in lint_paths(paths, config)}
    assert (check.code in from_python) == (check.code in from_json) == (not example.good)


def test_a_json_dashboard_that_does_not_parse_is_a_load_error_at_its_place(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"title": "API",\n "panels": [}\n', encoding="utf-8")
    [finding] = lint_paths([path], Config(root=tmp_path))
    assert (finding.code, finding.line, finding.column) == ("D001", 2, 13)


LEGACY_GRAFANALIB = '''from grafanalib.core import (Dashboard, GaugePanel, Graph, Row, Target, Template, Templating,
                             Threshold)

dashboard = Dashboard(
    title="API", uid="api", templating=Templating(list=[{variables}]),
    rows=[Row(panels=[
        Graph(title="Requests", dataSource={datasource},
              targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))", refId="")]),
        GaugePanel(title="Load", dataSource={datasource}, format="percent",
                   thresholds=[Threshold("green", 0, 0.0), Threshold("red", 1, 80.0)],
                   targets=[Target(expr="avg(node_load1)")]),
    ])],
)
'''


def test_grafanalib_dashboards_without_a_datasource_variable_and_without_migration_hints(tmp_path):
    # grafanalib writes schemaVersion 12, legacy rows, empty refIds, a threshold base step with a value:
    # obslint compiles that to the modern model itself, so nothing is left for Grafana to migrate
    fixed = LEGACY_GRAFANALIB.format(variables="", datasource='"Prometheus"')
    root = tmp_path / "fixed"
    (root / "dashboards_py").mkdir(parents=True)
    (root / "dashboards_py" / "api.py").write_text(fixed, encoding="utf-8")
    found = lint_paths([root], Config(root=root))
    assert not of(found, "D020") and not of(found, "D021")
    [missing] = of(found, "D003")
    assert missing.line == 4  # dashboard = Dashboard(

    templated = LEGACY_GRAFANALIB.format(
        variables='Template(name="datasource", type="datasource", query="prometheus")', datasource="None")
    root = tmp_path / "templated"
    (root / "dashboards_py").mkdir(parents=True)
    (root / "dashboards_py" / "api.py").write_text(templated, encoding="utf-8")
    found = lint_paths([root], Config(root=root))
    assert not of(found, "D003") and not of(found, "D020") and errors(found) == []


# --- ../shared/specs/real-world.md, class 4 (dashboards Grafana loads, refused) and 7 (a missing uid) ------

def modern() -> dict:
    """A dashboard with nothing to say about it."""
    return {"title": "API", "uid": "api", "schemaVersion": 39,
            "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"},
                                    {"name": "job", "type": "query", "query": "label_values(up, job)",
                                     "datasource": {"type": "prometheus", "uid": "${datasource}"}}]},
            "panels": [{"type": "stat", "title": "Requests", "id": 1, "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
                        "fieldConfig": {"defaults": {"unit": "reqps", "thresholds": {"mode": "absolute", "steps": [
                            {"color": "green", "value": None}, {"color": "red", "value": 80}]}}, "overrides": []},
                        "datasource": {"type": "prometheus", "uid": "${datasource}"},
                        "targets": [{"refId": "A", "expr": 'sum(rate(http_requests_total{job=~"$job"}'
                                                           '[$__rate_interval]))'}]}]}


def _panel0(doc: dict) -> dict:
    return doc["panels"][0]


def _string_datasource(doc):
    _panel0(doc)["datasource"] = "Prometheus"


def _null_datasource(doc):
    _panel0(doc)["datasource"] = None


def _no_refid(doc):
    del _panel0(doc)["targets"][0]["refId"]


def _no_schema_version(doc):
    del doc["schemaVersion"]


def _legacy_rows(doc):
    panel = doc.pop("panels")[0]
    del panel["gridPos"]
    doc.update(schemaVersion=14, rows=[{"title": "Traffic", "height": "250px", "panels": [dict(panel, span=6)]}])


def _threshold_base_steps(doc):
    steps = _panel0(doc)["fieldConfig"]["defaults"]["thresholds"]["steps"]
    steps[0]["value"] = "null"  # what grafanalib writes; `0` is as common
    doc["panels"].append(copy.deepcopy(_panel0(doc)))
    doc["panels"][1].update(id=2, gridPos={"h": 8, "w": 12, "x": 12, "y": 0})
    doc["panels"][1]["fieldConfig"]["defaults"]["thresholds"]["steps"] = ""  # grafanalib's Stat() without any


def _api_import_wrapper(doc):
    _panel0(doc)["datasource"] = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}  # the import's input
    return {"dashboard": doc, "overwrite": True, "folderUid": "ops",
            "inputs": [{"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus", "value": "prom"}]}


def _kubernetes_resource(doc):
    uid = doc.pop("uid")
    return {"apiVersion": "dashboard.grafana.app/v1beta1", "kind": "Dashboard",
            "metadata": {"name": uid, "annotations": {"grafana.app/folder": "ops"}}, "spec": doc}


def _loki_panel(doc):
    doc["templating"]["list"].append({"name": "logs", "type": "datasource", "query": "loki"})
    _panel0(doc)["datasource"] = {"type": "loki", "uid": "${logs}"}
    _panel0(doc)["targets"][0]["expr"] = 'sum(count_over_time({job=~"$job"} |= "error" | json [$__auto]))'


def _sql_panel(doc):
    _panel0(doc)["datasource"] = {"type": "grafana-postgresql-datasource", "uid": "pg"}
    _panel0(doc)["targets"][0] = {"refId": "A", "format": "time_series", "rawQuery": True, "expr": "",
                                  "rawSql": "SELECT $__timeGroup(ts, $__interval) AS time, count(*) FROM requests "
                                            "WHERE $__timeFilter(ts) GROUP BY 1 ORDER BY 1"}
    doc["templating"]["list"].append({"name": "service", "type": "query", "query": "SELECT DISTINCT service FROM "
                                      "requests", "datasource": {"type": "grafana-postgresql-datasource", "uid": "pg"}})
    _panel0(doc)["title"] = "Requests of $service"


def _capture_group(doc):
    _panel0(doc)["targets"][0]["expr"] = \
        'sum by (pod) (label_replace(up{job=~"$job"}, "pod", "$1", "instance", "(.*):.*"))'


def _inputs_placeholder(doc):
    doc["__inputs"] = [{"name": "DS_PROMETHEUS", "label": "Prometheus", "type": "datasource",
                        "pluginId": "prometheus", "pluginName": "Prometheus"}]
    doc["templating"]["list"].pop(0)
    doc["templating"]["list"][0]["datasource"] = "${DS_PROMETHEUS}"
    _panel0(doc)["datasource"] = "${DS_PROMETHEUS}"


def _apostrophe_in_a_comment(doc):
    _panel0(doc)["targets"][0]["expr"] = \
        "# the user's requests\nsum(rate(http_requests_total{job=~\"$job\"}[$__rate_interval]))"


def _no_uid(doc):
    del doc["uid"]


@pytest.mark.parametrize("change,said", [
    (_string_datasource, ("D020", "given by name")),
    (_null_datasource, ("D004", "default datasource")),
    (_no_refid, ("D020", "no refId")),
    (_no_schema_version, ("D020", "no schemaVersion")),
    (_legacy_rows, ("D020", "legacy `rows`")),
    (_threshold_base_steps, ("D020", 'base step has a value ("null")')),
    (_api_import_wrapper, ("D004", "import input")),
    (_kubernetes_resource, None),
    (_loki_panel, None),
    (_sql_panel, None),
    (_capture_group, None),
    (_inputs_placeholder, ("D004", "import input")),
    (_apostrophe_in_a_comment, None),
    (_no_uid, ("D016", "no uid")),
], ids=lambda value: value.__name__.strip("_") if callable(value) else "")
def test_what_grafana_loads_gets_no_error(tmp_path, change, said):
    """Each way of writing a dashboard that Grafana loads and main refused (real-world.md, classes 4 and 7):
    no error; what is worth saying is a hint or a warning."""
    clean = lint_file(tmp_path, "", modern(), "api.json")
    assert clean == []
    doc = modern()
    doc = change(doc) or doc
    found = lint_file(tmp_path, "", doc, "api.json")
    assert errors(found) == []
    if said is not None:
        code, text = said
        assert any(text in f.message for f in of(found, code)), [f.message for f in found]
        assert all(f.severity < Severity.ERROR for f in of(found, code))


# --- what the real dashboards taught (monitoring-mixins, kubernetes/perf-tests) -----------------------------

def test_an_undefined_variable_is_one_error_per_dashboard_and_a_repeat_over_one_a_warning(tmp_path):
    doc = modern()
    doc["panels"] += [dict(copy.deepcopy(_panel0(doc)), id=i, gridPos={"h": 8, "w": 12, "x": 12 * (i % 2), "y": 8 * i},
                           title=f"P{i}") for i in range(2, 6)]
    for panel in doc["panels"]:
        panel["targets"][0]["expr"] = 'sum(rate(x_total{instance=~"${instance:pipe}"}[$__rate_interval]))'
    doc["panels"][3]["repeat"] = "node"  # a panel repeated over no variable: shown once
    found = lint_file(tmp_path, "", doc, "api.json")
    [undefined] = errors(found)
    assert undefined[0] == "D011" and "`$instance` is used (here first, and in other places)" in undefined[2]
    text = (tmp_path / "api.json").read_text().splitlines()
    assert "${instance:pipe}" in text[undefined[1] - 1]  # the first panel's expr
    [repeat] = [f for f in of(found, "D011") if f.severity == Severity.WARNING]
    assert "repeats over `node`" in repeat.message and '"repeat": "node"' in text[repeat.line - 1]


@pytest.mark.parametrize("grid,shown", [
    ({"h": 6, "w": 18, "x": 12, "y": 1}, "ends at column 30 (x + w > 24); Grafana shows it at x=6, 18 wide"),
    ({"h": 6, "w": 30, "x": 0, "y": 1}, "ends at column 30 (x + w > 24); Grafana shows it at x=0, 24 wide"),
    ({"h": 6, "w": 6, "x": -2, "y": 1}, "starts at x=-2; Grafana shows it at x=0, 24 wide"),
])
def test_a_panel_past_the_grid_is_moved_as_grafana_moves_it(tmp_path, grid, shown):
    doc = modern()
    _panel0(doc)["gridPos"] = grid  # karpenter-perf's "Cloud Provider Errors" is the first
    found = lint_file(tmp_path, "", doc, "api.json")
    assert errors(found) == []
    [moved] = of(found, "D014")
    assert moved.severity == Severity.WARNING and moved.message.endswith(shown)


def test_a_variables_boolean_refresh_is_migrated_below_schema_version_12(tmp_path):
    doc = modern()  # percona/grafana-dashboards' misc/*.json: schemaVersion 8, "refresh": true
    doc["templating"]["list"][1]["refresh"] = True
    doc["schemaVersion"] = 8
    found = lint_file(tmp_path, "", doc, "api.json")
    assert errors(found) == [] and any("`refresh` true or false" in f.message for f in of(found, "D020"))
    doc["schemaVersion"] = 39  # no migration runs: the variable never refreshes
    [(code, _, message)] = errors(lint_file(tmp_path, "", doc, "api.json"))
    assert code == "D002" and "/templating/list/1/refresh: true at schemaVersion 39" in message
    doc["templating"]["list"][1]["refresh"] = False  # never, as 0 is
    assert errors(lint_file(tmp_path, "", doc, "api.json")) == []


@pytest.mark.parametrize("step,dead", [
    ({"color": "red"}, "no value"),  # percona's Nodes_Overview: the last step of many stat panels
    ({"color": "red", "value": "high"}, 'value "high"'),
    ({"color": "red", "value": "80"}, None),  # Grafana compares it as the number
    ({"color": "red", "value": None}, None),  # as 0
])
def test_a_threshold_step_without_a_number_never_applies(tmp_path, step, dead):
    doc = modern()
    _panel0(doc)["fieldConfig"]["defaults"]["thresholds"]["steps"].append(step)
    found = lint_file(tmp_path, "", doc, "api.json")
    assert errors(found) == []
    warnings = [f.message for f in of(found, "D002") if f.severity == Severity.WARNING]
    assert warnings == ([f"/panels/0/fieldConfig/defaults/thresholds/steps/2: the threshold step (red) has {dead}: "
                         "Grafana never applies it"] if dead else [])


# --- embedded and YAML dashboards (found by discovery) keep exact positions ------------------------------

def test_a_promql_error_in_a_configmaps_dashboard_is_at_its_line_and_column_in_the_configmap(tmp_path):
    doc = modern()
    _panel0(doc)["targets"][0]["expr"] = 'sum(rate(http_requests_total{job=~"$job"}[$__rate_interval])) ~ 2'
    text = json.dumps(doc, indent=2)
    manifest = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-dashboard\n"
                "  labels: {grafana_dashboard: '1'}\ndata:\n  api.json: |\n"
                + "".join(f"    {line}\n" for line in text.splitlines()))
    (tmp_path / "dashboards.yaml").write_text(manifest, encoding="utf-8")
    [finding] = of(lint_paths([tmp_path], Config(root=tmp_path)), "D008")
    line = manifest.splitlines()[finding.line - 1]
    assert '"expr"' in line and line[finding.column - 1:].startswith("~ 2")


def test_a_v2_resource_written_as_yaml_is_linted_at_its_lines(tmp_path):
    import yaml

    doc = real(V2)
    query = doc["spec"]["elements"]["panel-1"]["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]
    query["spec"]["expr"] = "sum(rate(node_cpu_seconds_total[5m])"
    text = yaml.safe_dump(doc, sort_keys=False)
    (tmp_path / "dashboard.yaml").write_text(text, encoding="utf-8")
    found = lint_paths([tmp_path], Config(root=tmp_path))
    [broken] = of(found, "D008")
    assert "expr:" in text.splitlines()[broken.line - 1]
    assert [f.code for f in of(found, "D021")] == ["D021"]


def test_ad_hoc_filters_are_used_by_every_query_of_their_datasource(tmp_path):
    doc = modern()  # grafana-clickhouse-datasource's cluster-analysis dashboard has one, as many others
    doc["templating"]["list"] += [
        {"name": "filters", "type": "adhoc", "datasource": {"type": "prometheus", "uid": "${datasource}"}},
        {"name": "by", "type": "groupby", "datasource": {"type": "prometheus", "uid": "${datasource}"}},
        {"name": "region", "type": "custom", "query": "eu,us"}]
    assert [f.message.split("`")[1] for f in of(lint_file(tmp_path, "", doc, "api.json"), "D012")] == ["region"]


def test_datasources_configured_as_victoriametrics_run_metricsql(tmp_path):
    # percona/grafana-dashboards: PMM's datasource "Metrics" is VictoriaMetrics under the Prometheus type, and
    # its panels use MetricsQL (topk_max, range_last, rollups without a range, ...); panels without a
    # datasource go to the default one, the same VictoriaMetrics
    doc = modern()
    doc["panels"].append(dict(copy.deepcopy(_panel0(doc)), id=2, gridPos={"h": 8, "w": 12, "x": 12, "y": 0}))
    _panel0(doc)["datasource"] = "Metrics"
    _panel0(doc)["targets"][0]["expr"] = 'topk_max(5, rate(mysql_global_status_questions{job=~"$job"}))'
    del doc["panels"][1]["datasource"]
    doc["panels"][1]["targets"][0]["expr"] = "range_last(up)"
    path = tmp_path / "pmm.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert [code for code, _, _ in errors(lint_paths([path], Config(root=tmp_path)))] == ["D008", "D008"]
    [(code, _, message)] = errors(lint_paths([path], Config(root=tmp_path,
                                                           metricsql_datasources=frozenset({"metrics"}))))
    assert code == "D008" and "range_last" in message  # the default datasource is not said to be one
    found = lint_paths([path], Config(root=tmp_path, metricsql_datasources=frozenset({"Metrics", "default"})))
    assert errors(found) == []
    (tmp_path / "obslint.toml").write_text('metricsql-datasources = ["Metrics", "default"]\n', encoding="utf-8")
    from obslint.config import load_config

    assert errors(lint_paths([path], load_config(tmp_path))) == []


def test_a_threshold_step_without_a_color_is_a_warning(tmp_path):
    doc = modern()  # monitoring-mixins' openldap overview: [{"color": "green"}, {"value": null}]
    _panel0(doc)["fieldConfig"]["defaults"]["thresholds"]["steps"] = [{"color": "green"}, {"value": None}]
    found = lint_file(tmp_path, "", doc, "api.json")
    assert errors(found) == []
    [warning] = [f for f in of(found, "D002") if f.severity == Severity.WARNING]
    assert "steps/1: the threshold step has no color" in warning.message
