"""The Alertmanager layer: matchers, time intervals, the router, inhibition, wrappers and route-test."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obslint.alertmanager import router, timeintervals
from obslint.alertmanager.matchers import MatcherError, parse_classic, parse_entry, parse_utf8
from obslint.config import Config
from obslint.lint import lint_paths
from obslint.routing import RouteTestError, cli_route, cli_run_tests, load_model

REPO = Path(__file__).resolve().parent.parent
AM = REPO / "alertmanager" / "alertmanager.yml"
CONFIG = Config(root=REPO, alertmanager_version=(0, 25))


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "obslint", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=60)


# --- matchers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ('a="1",b=~"x|y"', ['a="1"', 'b=~"x|y"']),
    ("{a=b}", ['a="b"']),
    ("code=~[0-9]{3}", ['code=~"[0-9]{3"']),  # the stripped-brace gotcha
    ("x = spaced value ", ['x="spaced value"']),
    ("e=a=b", ['e="a=b"']),
    ('x=~"\\d+"', ['x=~"\\\\d+"']),  # classic keeps the backslash of an unknown escape
    ("a=1,", ['a="1"']),
    ("", []),
])
def test_classic_parser(text, expected):
    assert [str(m) for m in parse_classic(text)] == expected


@pytest.mark.parametrize("text", ["a=1,,b=2", 'a="1', "8a=1", 'a="x"y"'])
def test_classic_parser_errors(text):
    with pytest.raises(MatcherError):
        parse_classic(text)


@pytest.mark.parametrize("text,error", [("foo=", "expected label value"), ('x=~"\\d"', "invalid input"),
                                        ("{a=1", "expected close brace"), ("a=1}", "expected opening brace")])
def test_utf8_parser_errors(text, error):
    with pytest.raises(MatcherError, match=error):
        parse_utf8(text)


def test_fallback_takes_classic_then_utf8():
    assert parse_entry("code=~[0-9]{3}", "fallback", (0, 27)).parser == "classic"
    assert [str(m) for m in parse_entry('"foo bar"=x', "fallback", (0, 27)).matchers] == ['foo bar="x"']
    with pytest.raises(MatcherError, match="bad matcher format"):
        parse_entry("a=1,,b=2", "fallback", (0, 27))


value_st = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(name=st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,8}", fullmatch=True), value=value_st,
       op=st.sampled_from(["=", "!="]))
def test_quoted_matchers_read_alike_by_both_parsers(name, value, op):
    """The documented safe spelling (quoted, escaped) means the same to the classic and UTF-8 parsers."""
    text = f'{name}{op}"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if any(c in value for c in "\r\t") or not value.isprintable() and value:
        return  # Go's strconv.Unquote refuses raw control characters
    classic = parse_classic(text)
    assert classic == parse_utf8(text)
    assert classic[0].value == value


@given(labels=st.dictionaries(st.sampled_from(["a", "b", "c"]), st.sampled_from(["", "x", "y", "x\n"])),
       value=st.sampled_from(["x", "", "x|y", ".*", ".+", "x\n"]))
def test_missing_label_is_empty_and_regexes_are_anchored(labels, value):
    [eq] = parse_classic(f'a="{value}"') if "\n" not in value else parse_classic('a="x\\n"')
    assert eq.matches_labels(labels) == (labels.get("a", "") == eq.value)
    [rx] = parse_classic(f'a=~"{value}"') if "\n" not in value else parse_classic('a=~"x\\n"')
    got = labels.get("a", "")
    expected = {"x": got == "x", "": got == "", "x|y": got in ("x", "y"), ".*": "\n" not in got,
                ".+": got != "" and "\n" not in got, "x\n": got == "x\n"}[value]
    assert rx.matches_labels(labels) == expected


# --- time intervals ---------------------------------------------------------------------------------

def test_time_interval_fields():
    spec = timeintervals.Spec(times=[(480, 1080)], weekdays=[(1, 5)])
    assert spec.contains(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))  # Monday
    assert not spec.contains(datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc))  # Sunday
    assert not spec.contains(datetime(2026, 11, 23, 18, 0, tzinfo=timezone.utc))  # end is exclusive
    last = timeintervals.Spec(days_of_month=[(-1, -1)])
    assert last.contains(datetime(2026, 2, 28, tzinfo=timezone.utc))
    assert not last.contains(datetime(2026, 2, 27, tzinfo=timezone.utc))
    assert timeintervals.coverage([]) == "never"
    assert timeintervals.coverage([timeintervals.Spec()]) == "always"
    assert timeintervals.coverage([spec]) == "sometimes"
    assert timeintervals.coverage([timeintervals.Spec(months=[(2, 2)], days_of_month=[(30, 30)])]) == "never"


# --- the router on this repository's config ----------------------------------------------------------

def test_routes_and_inhibition_of_the_repository_config():
    model = load_model(AM, CONFIG)
    labels = {"alertname": "HighPredictionLatency", "severity": "warning", "team": "ml-platform",
              "service": "model-server"}
    result = router.route_alert(model, labels, [{"alertname": "ModelServerDown", "service": "model-server"}])
    assert result.receivers == ["ml-team"]
    assert [rule.index for rule, _ in result.inhibitions] == [1]
    critical = router.route_alert(model, {"severity": "critical", "team": "security"})
    assert critical.receivers == ["mlops-critical", "security"]
    assert [r.group_wait_ms for r in critical.routes] == [10_000, 30_000]
    assert router.group_key(critical.routes[0], {"severity": "critical", "alertname": "X"}) == \
        '{}/{severity="critical"}:{alertname="X"}'


def test_inhibition_is_two_sided():
    """An alert matching both sides never inhibits itself nor a twin that also matches both."""
    text = ("route: {receiver: r}\nreceivers: [{name: r}]\ninhibit_rules:\n"
            "  - source_matchers: ['a=~\"x|y\"']\n    target_matchers: ['a=~\"y|z\"']\n    equal: [b]\n")
    rules = _model(text).inhibit_rules
    assert router.inhibited_by(rules, {"a": "y", "b": "1"}, [{"a": "y", "b": "1"}]) == []
    assert router.inhibited_by(rules, {"a": "y", "b": "1"}, [{"a": "x", "b": "1"}]) != []
    assert router.inhibited_by(rules, {"a": "z"}, [{"a": "x", "b": "2"}]) == []  # equal: b differs
    assert router.inhibited_by(rules, {"a": "z"}, [{"a": "x"}]) != []  # missing on both sides is equal


def _model(text: str, tmp: Path | None = None, version=(0, 25)):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "am.yml"
        path.write_text(text, encoding="utf-8")
        return load_model(path, Config(alertmanager_version=version))


def test_group_by_empty_list_inherits_before_0_31():
    text = "route:\n  receiver: r\n  group_by: [a]\n  routes:\n    - receiver: r\n      group_by: []\n" \
           "receivers: [{name: r}]\n"
    assert _model(text, version=(0, 25)).root.routes[0].group_by == {"a"}
    assert _model(text, version=(0, 31)).root.routes[0].group_by == frozenset()


def test_mute_intervals_are_not_inherited():
    text = ("route:\n  receiver: r\n  routes:\n    - matchers: [a=1]\n      receiver: r\n"
            "      mute_time_intervals: [always]\n      routes:\n        - matchers: [b=1]\n          receiver: r\n"
            "receivers: [{name: r}]\ntime_intervals: [{name: always, time_intervals: [{}]}]\n")
    model = _model(text)
    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert router.route_alert(model, {"a": "1"}, at=at).times[0].muted
    assert not router.route_alert(model, {"a": "1", "b": "1"}, at=at).times[0].muted


# --- wrappers: Secret and Helm values ---------------------------------------------------------------

def test_config_in_a_secret_and_in_helm_values_with_positions(tmp_path):
    (tmp_path / "alertmanager").mkdir()
    secret = tmp_path / "alertmanager" / "secret.yaml"
    secret.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: am}\nstringData:\n  alertmanager.yaml: |\n"
                      "    route:\n      receiver: nobody\n    receivers:\n      - name: r\n", encoding="utf-8")
    helm = tmp_path / "alertmanager" / "values.yaml"
    helm.write_text("alertmanager:\n  config:\n    route:\n      receiver: r\n      group_wait: 5x\n"
                    "    receivers:\n      - name: r\n", encoding="utf-8")
    found = {(Path(f.path).name, f.code, f.line) for f in lint_paths([tmp_path], Config(root=tmp_path))}
    assert ("secret.yaml", "A004", 7) in found
    assert ("values.yaml", "A008", 5) in found


# --- route-test -------------------------------------------------------------------------------------

def test_route_test_prints_amtools_line_and_verifies(tmp_path):
    proc = run_cli("route-test", "--config", str(AM), "--alertmanager-version", "0.25", "severity=critical",
                   "team=ml-team")
    assert proc.returncode == 0 and proc.stdout == "mlops-critical,ml-team\n"
    proc = run_cli("route-test", "--config", str(AM), "team=devops", "--verify-receivers", "ml-team")
    assert proc.returncode == 1 and "did not match" in proc.stdout


def test_route_test_json_with_firing_and_instant():
    proc = run_cli("route-test", "--config", str(AM), "--format", "json", "--at", "2026-11-21T11:00:00Z",
                   "--firing", "alertname=ModelServerDown,service=model-server", "alertname=HighPredictionLatency",
                   "service=model-server", "team=business")
    data = json.loads(proc.stdout)
    assert data["receivers"] == ["business-metrics"]
    assert data["routes"][0]["active"] is False and data["routes"][0]["group_by"] == ["alertname"]
    assert data["inhibited"] is True and data["inhibited_by"][0]["source"]["alertname"] == "ModelServerDown"


def test_route_test_batch_keeps_input_order(tmp_path):
    alerts = tmp_path / "alerts.jsonl"
    alerts.write_text('{"team": "devops"}\n{"severity": "critical"}\n{"labels": {"team": "security"}}\n')
    out = []
    assert cli_route(AM, [], CONFIG, alerts_file=alerts, fmt="json", write=out.append) == 0
    assert [r["receivers"] for r in json.loads(out[0])] == [["devops-team"], ["mlops-critical"], ["security"]]


def test_invalid_config_exits_2_with_positions(tmp_path):
    bad = tmp_path / "am.yml"
    bad.write_text("route:\n  receiver: nobody\nreceivers:\n  - name: r\n")
    proc = run_cli("route-test", "--config", str(bad), "a=b")
    assert proc.returncode == 2
    assert "am.yml:2:13: A004" in proc.stderr
    with pytest.raises(RouteTestError):
        load_model(bad, CONFIG)


def test_a_failing_case_shows_expected_got_and_path_and_junit(tmp_path):
    tests = tmp_path / "routing.yaml"
    tests.write_text(f"config: {AM}\ntests:\n  - name: wrong\n    labels: {{team: devops}}\n"
                     "    receivers: [ml-team]\n  - name: right\n    labels: {team: devops}\n"
                     "    receiver: devops-team\n")
    junit = tmp_path / "junit.xml"
    out = []
    assert cli_run_tests([tests], CONFIG, None, junit=junit, write=out.append) == 1
    text = out[0]
    assert "FAIL" in text and "expected ['ml-team'], got ['devops-team']" in text
    assert 'path:   default-route [route, line 13] -> {team="devops"}' in text
    root = ElementTree.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    assert cli_run_tests([tests], CONFIG, None, fail_under=101, write=out.append) == 1


def test_the_repository_routing_tests_pass_with_full_coverage():
    proc = run_cli("route-test", "--format", "json", "--fail-under", "100")
    data = json.loads(proc.stdout)
    assert proc.returncode == 0, proc.stdout
    assert data["failed"] == 0 and data["coverage"]["percent"] == 100.0


def test_bad_test_file_is_a_clean_error(tmp_path):
    tests = tmp_path / "routing.yaml"
    tests.write_text(f"config: {AM}\ntests:\n  - name: x\n    labels: {{a: b}}\n    recievers: [x]\n")
    proc = run_cli("route-test", str(tests))
    assert proc.returncode == 2 and "routing.yaml:5:5: unknown key 'recievers'" in proc.stdout


# --- obslint fix ------------------------------------------------------------------------------------

DEPRECATED = """route:
  receiver: default
  routes:
    - match:
        team: ml
        env: yes
      match_re:
        service: 'model-.*|feast'
      receiver: ml
      continue: true
    - matchers: ['severity="critical"']
      match: {team: db}
      receiver: ml
receivers:
  - name: default
  - name: ml
inhibit_rules:
  - source_match: {severity: critical}
    target_match_re:
      severity: warning|info
    equal: [alertname]
"""


def test_fix_rewrites_deprecated_maps_without_changing_behaviour(tmp_path):
    path = tmp_path / "am.yml"
    path.write_text(DEPRECATED)
    proc = run_cli("fix", "--diff", "--alertmanager-version", "0.25", str(path))
    assert proc.returncode == 1 and "+    - matchers: ['team=\"ml\"', 'env=\"yes\"'" in proc.stdout
    assert path.read_text() == DEPRECATED  # --diff writes nothing
    before = load_model(path, CONFIG)
    assert run_cli("fix", "--alertmanager-version", "0.25", str(path)).returncode == 0
    after = load_model(path, CONFIG)
    assert not any(r.deprecated for r in after.routes()) and not after.inhibit_rules[0].deprecated
    for labels in [{"team": "ml", "env": "yes", "service": "feast"}, {"team": "db", "severity": "critical"},
                   {"team": "ml", "env": "true", "service": "feast"}, {}]:
        assert [r.path for r in router.match(before.root, labels)] == [r.path for r in router.match(after.root, labels)]
    assert [str(m) for m in after.inhibit_rules[0].target] == ['severity=~"warning|info"']
    assert run_cli("fix", "--diff", "--alertmanager-version", "0.25", str(path)).returncode == 0  # nothing left


def test_fix_refuses_to_drop_a_comment(tmp_path):
    path = tmp_path / "am.yml"
    text = DEPRECATED.replace("        env: yes\n", "        env: yes  # staging too\n")
    path.write_text(text)
    proc = run_cli("fix", "--alertmanager-version", "0.25", str(path))
    assert proc.returncode == 1 and "comment" in proc.stderr
    assert path.read_text() == text
